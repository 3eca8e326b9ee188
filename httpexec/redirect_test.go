package httpexec_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// TestRedirectDropsSecretsOnHostChange follows a redirect from one httptest
// server to another (another port: another host) and checks which headers
// arrive.
func TestRedirectDropsSecretsOnHostChange(t *testing.T) {
	checkNoLeaks(t)
	var mu sync.Mutex
	var got http.Header
	other := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
		w.Write([]byte("landed"))
	}))
	first := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	}))
	ex := mustNew(t, httpexec.Options{AllowPrivate: loopback})
	resp, err := ex.Do(t.Context(), &httpexec.Request{
		URL: first.URL + "/start",
		Header: http.Header{
			"Authorization":  {"Bearer s3cr3t"},
			"Cookie":         {"session=abc"},
			"X-Api-Key":      {"k-123"},
			"x-tenant-token": {"tt"},
			"X-Contact":      {"c1"},
		},
		SecretHeaders: []string{"x-api-key", "X-Tenant-Token"},
	})
	if err != nil || resp.Body.String() != "landed" {
		t.Fatalf("Do = %+v, %v", resp, err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, h := range []string{"Authorization", "Cookie", "X-Api-Key", "X-Tenant-Token"} {
		if v := got.Get(h); v != "" {
			t.Errorf("header %s reached the other host", h)
		}
	}
	if got.Get("X-Contact") != "c1" {
		t.Errorf("non-secret header X-Contact was dropped")
	}
}

// TestRedirectKeepsSecretsOnSameHost: a same-host redirect keeps them.
func TestRedirectKeepsSecretsOnSameHost(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("GET", "https://api.example.com/old", func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusMovedPermanently, "")
		resp.Header.Set("Location", "/new")
		return resp, nil
	})
	var auth, key string
	mt.RegisterResponder("GET", "https://api.example.com/new", func(r *http.Request) (*http.Response, error) {
		auth, key = r.Header.Get("Authorization"), r.Header.Get("X-Api-Key")
		return httpmock.NewStringResponse(200, "ok"), nil
	})
	ex := mustNew(t, httpexec.Options{Transport: mt})
	_, err := ex.Do(t.Context(), &httpexec.Request{
		URL:           "https://api.example.com/old",
		Header:        http.Header{"Authorization": {"Bearer a"}, "X-Api-Key": {"k"}},
		SecretHeaders: []string{"X-Api-Key"},
	})
	if err != nil || auth != "Bearer a" || key != "k" {
		t.Fatalf("Do: %v; Authorization=%q X-Api-Key=%q, want both kept", err, auth, key)
	}
}

// TestRedirectStripIsSticky: A -> B -> A still drops the secrets on the
// way back, and an https -> http downgrade on the same host drops them.
func TestRedirectStripIsSticky(t *testing.T) {
	for _, tc := range []struct {
		name  string
		chain map[string]string // URL -> Location
		start string
		final string
	}{
		{"back to the origin", map[string]string{
			"https://a.example.com/1": "https://b.example.com/2",
			"https://b.example.com/2": "https://a.example.com/3",
		}, "https://a.example.com/1", "https://a.example.com/3"},
		{"scheme downgrade", map[string]string{
			"https://a.example.com/1": "http://a.example.com/2",
		}, "https://a.example.com/1", "http://a.example.com/2"},
		{"port change", map[string]string{
			"https://a.example.com/1": "https://a.example.com:8443/2",
		}, "https://a.example.com/1", "https://a.example.com:8443/2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			for from, to := range tc.chain {
				mt.RegisterResponder("GET", from, func(*http.Request) (*http.Response, error) {
					resp := httpmock.NewStringResponse(http.StatusFound, "")
					resp.Header.Set("Location", to)
					return resp, nil
				})
			}
			var hdr http.Header
			mt.RegisterResponder("GET", tc.final, func(r *http.Request) (*http.Response, error) {
				hdr = r.Header.Clone()
				return httpmock.NewStringResponse(200, "ok"), nil
			})
			ex := mustNew(t, httpexec.Options{Transport: mt})
			_, err := ex.Do(t.Context(), &httpexec.Request{
				URL:           tc.start,
				Header:        http.Header{"Authorization": {"Bearer a"}, "X-Api-Key": {"k"}, "Cookie": {"c=1"}},
				SecretHeaders: []string{"X-API-KEY"},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"Authorization", "X-Api-Key", "Cookie"} {
				if hdr.Get(h) != "" {
					t.Errorf("%s arrived at %s", h, tc.final)
				}
			}
		})
	}
}

func TestRedirectLimits(t *testing.T) {
	mt := httpmock.NewMockTransport()
	for i := range 4 {
		from, to := fmt.Sprintf("https://api.example.com/%d", i), fmt.Sprintf("/%d", i+1)
		mt.RegisterResponder("GET", from, func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(http.StatusFound, "")
			resp.Header.Set("Location", to)
			return resp, nil
		})
	}
	mt.RegisterResponder("GET", "https://api.example.com/4", httpmock.NewStringResponder(200, "end"))
	// 4 redirects: over the default cap of 3.
	ex := mustNew(t, httpexec.Options{Transport: mt})
	if _, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/0"}); httpexec.CategoryOf(err) != httpexec.CategoryRedirect {
		t.Fatalf("4 redirects with cap 3: %v, want redirect", err)
	}
	// Exactly at the cap: fine.
	if r, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/1"}); err != nil || r.Body.String() != "end" {
		t.Fatalf("3 redirects with cap 3: %+v, %v", r, err)
	}
	// A negative cap returns the redirect response itself.
	none := mustNew(t, httpexec.Options{Transport: mt, MaxRedirects: -1})
	r, err := none.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/0"})
	if r == nil || r.StatusCode != http.StatusFound || httpexec.CategoryOf(err) != httpexec.CategoryUpstreamOther {
		t.Fatalf("MaxRedirects -1: %+v, %v, want the 302 and upstream_other", r, err)
	}
}

// TestRedirectToBlockedLiteralWithInjectedTransport: even without the dial
// guard, a redirect to a private literal is refused by the hop check.
func TestRedirectToBlockedLiteralWithInjectedTransport(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusTemporaryRedirect, "")
		resp.Header.Set("Location", "http://[fd00:ec2::254]/latest")
		return resp, nil
	})
	ex := mustNew(t, httpexec.Options{Transport: mt, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("fd00::/8")}})
	_, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/x"})
	if httpexec.CategoryOf(err) != httpexec.CategoryBlocked {
		t.Fatalf("err = %v, want blocked (metadata is never allowed)", err)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Fatalf("transport calls = %d, want 1", n)
	}
}

// TestHerdDoesNotWeakenSecretHeaders: SecretHeaders are not part of the
// cache key, so a caller that marks a header secret must not join an
// execution whose request does not: on a redirect to another host, that
// execution forwards the header.
func TestHerdDoesNotWeakenSecretHeaders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt := newMock(t, httpexec.Options{})
		release := make(chan struct{})
		mt.RegisterResponder("GET", "https://a.example/x", func(r *http.Request) (*http.Response, error) {
			<-release
			resp := httpmock.NewStringResponse(http.StatusFound, "")
			resp.Header.Set("Location", "https://b.example/y")
			return resp, nil
		})
		var withKey, total atomic.Int32
		mt.RegisterResponder("GET", "https://b.example/y", func(r *http.Request) (*http.Response, error) {
			total.Add(1)
			if r.Header.Get("X-Key") != "" {
				withKey.Add(1)
			}
			return httpmock.NewStringResponse(200, "ok"), nil
		})
		base := httpexec.Request{URL: "https://a.example/x", Header: http.Header{"X-Key": {"k"}}, CacheTTL: time.Minute}
		lax, strict := base, base
		strict.SecretHeaders = []string{"x-key"}
		var wg sync.WaitGroup
		wg.Go(func() { ex.Do(t.Context(), &lax) })
		synctest.Wait() // the lax request executes
		wg.Go(func() { ex.Do(t.Context(), &strict) })
		synctest.Wait()
		close(release)
		wg.Wait()
		if total.Load() != 2 || withKey.Load() != 1 {
			t.Fatalf("b.example got %d requests, %d with X-Key; want 2, 1 (only the lax caller's)", total.Load(), withKey.Load())
		}
	})
}
