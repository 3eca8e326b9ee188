package wix_test

import (
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inboxkit/inboxkit/inbox/wix"
)

// TestTokenRefreshOnce: 50 goroutines finding the cached token expired
// cause exactly one token request, not one each.
func TestTokenRefreshOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		slow := tokenResponder(3600)
		r.on("/oauth2/token", func(req *http.Request) (*http.Response, error) {
			time.Sleep(200 * time.Millisecond) // a slow token endpoint: the others wait meanwhile
			return slow(req)
		})
		r.on("/contacts/v4/contacts/query", jsonResponder(200, `{"contacts":[{"id":"c-1"}],"pagingMetadata":{"count":1,"offset":0,"total":1}}`))
		clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
		c := newClient(t, r, func(o *wix.Options) { o.Now = clock.Now })
		if _, err := c.FindByEmail(t.Context(), "a@b.c"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour) // past expiry (and the refresh margin)
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if _, err := c.FindByEmail(t.Context(), "a@b.c"); err != nil {
					t.Errorf("FindByEmail: %v", err)
				}
			})
		}
		wg.Wait()
		if got := r.count("/oauth2/token"); got != 2 {
			t.Errorf("%d token requests; want 2 (the first, and one refresh for 50 callers)", got)
		}
		for _, req := range r.requests()[2:] {
			if req.Path != "/oauth2/token" && req.Headers["Authorization"] != "tok-2" {
				t.Fatalf("request after the refresh used %q; want tok-2", req.Headers["Authorization"])
			}
		}
	})
}

// TestTokenRefreshMargin: a token is replaced shortly before it expires,
// not after a request failed with it.
func TestTokenRefreshMargin(t *testing.T) {
	r := newRecorder()
	r.on("/oauth2/token", tokenResponder(14400))
	r.on("/contacts/v4/contacts/query", jsonResponder(200, `{"contacts":[],"pagingMetadata":{"count":0,"offset":0,"total":0}}`))
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	c := newClient(t, r, func(o *wix.Options) { o.Now = clock.Now })
	for _, step := range []struct {
		advance time.Duration
		tokens  int
	}{{0, 1}, {3*time.Hour + 54*time.Minute, 1}, {2 * time.Minute, 2}} {
		clock.Advance(step.advance)
		if _, err := c.FindByEmail(t.Context(), "a@b.c"); err != nil {
			t.Fatal(err)
		}
		if got := r.count("/oauth2/token"); got != step.tokens {
			t.Errorf("after %v: %d token requests; want %d", step.advance, got, step.tokens)
		}
	}
}

// TestRefreshOn401: a token Wix refuses is refreshed once and the request
// repeated; a second 401 is an error, not a loop.
func TestRefreshOn401(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		r.on("/oauth2/token", tokenResponder(14400))
		calls := 0
		var mu sync.Mutex
		r.on("/contacts/v4/contacts/query", func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if req.Header.Get("Authorization") == "tok-1" {
				return jsonResponder(401, `{"message":"expired"}`)(req)
			}
			return jsonResponder(200, `{"contacts":[{"id":"c-1"}],"pagingMetadata":{"count":1,"offset":0,"total":1}}`)(req)
		})
		c := newClient(t, r, nil)
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if ids, err := c.FindByEmail(t.Context(), "a@b.c"); err != nil || len(ids) != 1 {
					t.Errorf("FindByEmail = %v, %v", ids, err)
				}
			})
		}
		wg.Wait()
		if got := r.count("/oauth2/token"); got != 2 {
			t.Errorf("%d token requests; want 2 (one refresh for every caller refused with tok-1)", got)
		}

		r2 := newRecorder()
		r2.on("/oauth2/token", tokenResponder(14400))
		r2.on("/contacts/v4/contacts/query", jsonResponder(401, `{"message":"no"}`))
		c2 := newClient(t, r2, nil)
		if _, err := c2.FindByEmail(t.Context(), "a@b.c"); err == nil || err.Error() != "wix: query contacts: status 401" {
			t.Errorf("FindByEmail refused twice = %v; want the 401", err)
		}
		if got := r2.count("/contacts/v4/contacts/query"); got != 2 {
			t.Errorf("%d queries; want 2 (one retry after the refresh)", got)
		}
	})
}
