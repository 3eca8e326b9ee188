package httpexec_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// countingBuilder builds a request for contact and counts its builds.
type countingBuilder struct {
	contact string
	builds  atomic.Int32
	err     error
}

func (b *countingBuilder) Build(r *httpexec.Request) error {
	b.builds.Add(1)
	if b.err != nil {
		return b.err
	}
	r.URL = "https://api.example.com/contacts/" + b.contact
	r.Header = http.Header{"X-Contact": {b.contact}, "X-Key": {"k1"}}
	r.SecretHeaders = []string{"X-Key"}
	r.Body = []byte(`{"contact":"` + b.contact + `"}`)
	// Fields other than the four are ignored: the head request's stand.
	r.Method, r.Scope, r.CacheTTL = "DELETE", httpexec.Scope{Team: "other"}, 0
	return nil
}

// identityRequest is a request of contact keyed by its identity and built by b.
func identityRequest(contact string, b httpexec.Builder) *httpexec.Request {
	return &httpexec.Request{
		Method:   "POST",
		Identity: []byte("shape-1\x00" + contact),
		Build:    b,
		CacheTTL: time.Minute,
		Scope:    httpexec.Scope{Team: "t", Integration: "crm", Version: 1},
	}
}

// sent records what the upstream received.
type sent struct {
	mu   sync.Mutex
	reqs []string
}

func (s *sent) responder(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, r.Method+" "+r.URL.String()+" "+r.Header.Get("X-Contact")+" "+r.Header.Get("X-Key")+" "+string(body))
	n := len(s.reqs)
	s.mu.Unlock()
	return httpmock.NewStringResponse(200, `{"n":`+strconv.Itoa(n)+`}`), nil
}

func (s *sent) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

// TestIdentityBuildsOnlyToSend: a request keyed by its Identity is built when it is sent, as
// its Builder builds it (with the head request's method and scope), and a fresh hit neither
// builds nor sends it.
func TestIdentityBuildsOnlyToSend(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	var up sent
	mt.RegisterNoResponder(up.responder)
	zoe := &countingBuilder{contact: "zoe"}
	for i := range 3 {
		resp, err := ex.Do(t.Context(), identityRequest("zoe", zoe))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := resp.FromCache, i > 0; got != want {
			t.Errorf("Do #%d: FromCache = %v, want %v", i+1, got, want)
		}
		if got := resp.Body.String(); got != `{"n":1}` {
			t.Errorf("Do #%d: body %s, want the first response", i+1, got)
		}
	}
	if n := zoe.builds.Load(); n != 1 {
		t.Errorf("builds = %d, want 1 (the miss only)", n)
	}
	want := []string{`POST https://api.example.com/contacts/zoe zoe k1 {"contact":"zoe"}`}
	if diff := cmp.Diff(want, up.all()); diff != "" {
		t.Errorf("upstream requests (-want +got):\n%s", diff)
	}
}

// TestIdentityKeys: the Identity, the scope and the method key the entry; the built request
// does not, and a request keyed by its URL, Header and Body never shares an entry with one
// keyed by its Identity.
func TestIdentityKeys(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	var up sent
	mt.RegisterNoResponder(up.responder)
	do := func(r *httpexec.Request) *httpexec.Response {
		t.Helper()
		resp, err := ex.Do(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	zoe := &countingBuilder{contact: "zoe"}
	do(identityRequest("zoe", zoe))
	misses := []*httpexec.Request{
		identityRequest("zoë", zoe), // another identity, even though it builds the same request
		func() *httpexec.Request { r := identityRequest("zoe", zoe); r.Scope.Version = 2; return r }(),
		func() *httpexec.Request { r := identityRequest("zoe", zoe); r.Scope.Team = "t2"; return r }(),
		func() *httpexec.Request { r := identityRequest("zoe", zoe); r.Method = "PUT"; return r }(),
		// The built request, keyed by its URL, Header and Body.
		{Method: "POST", URL: "https://api.example.com/contacts/zoe", Header: http.Header{"X-Contact": {"zoe"}, "X-Key": {"k1"}},
			Body: []byte(`{"contact":"zoe"}`), CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "crm", Version: 1}},
	}
	for i, r := range misses {
		if resp := do(r); resp.FromCache {
			t.Errorf("request %d: served from the cache, want a miss", i)
		}
	}
	if resp := do(identityRequest("zoe", &countingBuilder{contact: "someone else"})); !resp.FromCache {
		t.Error("equal identity: a miss, want a hit (the caller vouches that equal identities build equal requests)")
	}
	if n := len(up.all()); n != 1+len(misses) {
		t.Errorf("upstream requests = %d, want %d", n, 1+len(misses))
	}
}

// TestIdentityInvalid: a Build without Identity, and a failing Build, fail as invalid requests
// and send nothing.
func TestIdentityInvalid(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	var up sent
	mt.RegisterNoResponder(up.responder)
	errBuild := errors.New("value does not fit")

	noIdentity := identityRequest("zoe", &countingBuilder{contact: "zoe"})
	noIdentity.Identity = nil
	failing := &countingBuilder{contact: "zoe", err: errBuild}
	for _, tt := range []struct {
		name string
		req  *httpexec.Request
		want error
	}{
		{"build without identity", noIdentity, httpexec.ErrInvalidRequest},
		{"failing build", identityRequest("zoe", failing), errBuild},
		{"failing build, no cache", func() *httpexec.Request { r := identityRequest("zoe", failing); r.CacheTTL = 0; return r }(), errBuild},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := ex.Do(t.Context(), tt.req)
			if resp != nil || !errors.Is(err, tt.want) || !errors.Is(err, httpexec.ErrInvalidRequest) {
				t.Fatalf("Do = %v, %v; want an error wrapping %v and ErrInvalidRequest", resp, err, tt.want)
			}
			if got := httpexec.CategoryOf(err); got != httpexec.CategoryInvalidRequest {
				t.Errorf("category %s, want %s", got, httpexec.CategoryInvalidRequest)
			}
		})
	}
	if err := ex.Forget(t.Context(), noIdentity); !errors.Is(err, httpexec.ErrInvalidRequest) {
		t.Errorf("Forget(Build without Identity) = %v, want ErrInvalidRequest", err)
	}
	if got := up.all(); len(got) != 0 {
		t.Errorf("sent %q, want nothing", got)
	}
}

// TestIdentityForgetRefreshHerd: Forget, Refresh, a zero CacheTTL and a herd treat a request
// keyed by its Identity as they treat any other: Forget drops its entry, Refresh and a zero
// CacheTTL build and send it, and concurrent misses send it once.
func TestIdentityForgetRefreshHerd(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	var up sent
	release := make(chan struct{})
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		<-release
		return up.responder(r)
	})
	b := &countingBuilder{contact: "zoe"}
	const herd = 20
	var wg sync.WaitGroup
	for range herd {
		wg.Go(func() {
			if _, err := ex.Do(t.Context(), identityRequest("zoe", b)); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let the herd gather on the one execution
	close(release)
	wg.Wait()
	if n := len(up.all()); n != 1 {
		t.Fatalf("herd of %d: %d upstream requests, want 1", herd, n)
	}

	if err := ex.Forget(t.Context(), identityRequest("zoe", b)); err != nil {
		t.Fatal(err)
	}
	if resp, err := ex.Do(t.Context(), identityRequest("zoe", b)); err != nil || resp.FromCache {
		t.Fatalf("after Forget: Do = %+v, %v; want a miss", resp, err)
	}
	refresh := identityRequest("zoe", b)
	refresh.Refresh = true
	if resp, err := ex.Do(t.Context(), refresh); err != nil || resp.FromCache {
		t.Fatalf("Refresh: Do = %+v, %v; want a miss", resp, err)
	}
	noCache := identityRequest("zoe", b)
	noCache.CacheTTL = 0
	if resp, err := ex.Do(t.Context(), noCache); err != nil || resp.FromCache {
		t.Fatalf("CacheTTL 0: Do = %+v, %v; want a miss", resp, err)
	}
	if resp, err := ex.Do(t.Context(), identityRequest("zoe", b)); err != nil || !resp.FromCache || resp.Body.String() != `{"n":3}` {
		t.Fatalf("Do = %+v, %v; want the refreshed response from the cache", resp, err)
	}
	if n := len(up.all()); n != 4 {
		t.Errorf("upstream requests = %d, want 4", n)
	}
}
