package rediscache_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/rediscache"
)

// echoUpstream answers every request with what identifies it: URL,
// contact header, credentials and body.
func echoUpstream() *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		b := r.URL.String() + " " + r.Header.Get("X-Contact") + " " + r.Header.Get("Authorization")
		if r.Body != nil {
			body, _ := io.ReadAll(r.Body)
			b += " " + string(body)
		}
		return httpmock.NewStringResponse(200, b), nil
	})
	return mt
}

// TestIsolation is the in-memory cache's TestCacheIsolation against
// Redis, with two Executors (two app servers) on one Redis: a response
// is served only to a request of the same team, integration, version,
// contact and credentials, whichever server stored it.
func TestIsolation(t *testing.T) {
	cache, _ := newCache(t, rediscache.Options{})
	mt := echoUpstream()
	var servers []*httpexec.Executor
	for range 2 {
		ex, err := httpexec.New(httpexec.Options{Transport: mt, Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, ex)
	}
	base := httpexec.Request{
		Method:   "GET",
		URL:      "https://api.example.com/c?email=a%40x.com",
		Header:   http.Header{"X-Contact": {"a"}, "Authorization": {"Bearer k1"}},
		CacheTTL: time.Hour,
		Scope:    httpexec.Scope{Team: "t1", Integration: "crm", Version: 1},
	}
	variants := []struct {
		name string
		mod  func(r *httpexec.Request)
	}{
		{"base", func(*httpexec.Request) {}},
		{"other team", func(r *httpexec.Request) { r.Scope.Team = "t2" }},
		{"other integration", func(r *httpexec.Request) { r.Scope.Integration = "billing" }},
		{"other version", func(r *httpexec.Request) { r.Scope.Version = 2 }},
		{"other contact in query", func(r *httpexec.Request) { r.URL = "https://api.example.com/c?email=b%40x.com" }},
		{"other contact in header", func(r *httpexec.Request) {
			r.Header = http.Header{"X-Contact": {"b"}, "Authorization": {"Bearer k1"}}
		}},
		{"other credentials", func(r *httpexec.Request) {
			r.Header = http.Header{"X-Contact": {"a"}, "Authorization": {"Bearer k2"}}
		}},
		{"extra header", func(r *httpexec.Request) {
			r.Header = http.Header{"X-Contact": {"a"}, "Authorization": {"Bearer k1"}, "X-Other": {""}}
		}},
		{"contact in body", func(r *httpexec.Request) { r.Method, r.Body = "POST", []byte(`{"c":"a"}`) }},
		{"other contact in body", func(r *httpexec.Request) { r.Method, r.Body = "POST", []byte(`{"c":"b"}`) }},
		{"method", func(r *httpexec.Request) { r.Method = "POST" }},
		{"team/integration boundary", func(r *httpexec.Request) { r.Scope.Team, r.Scope.Integration = "t1c", "rm" }},
		{"script in a contact value", func(r *httpexec.Request) { r.URL = "https://api.example.com/c?email=%3Cscript%3E" }},
		// IDs with the characters of the key layout ({hash tag}, separators, CR LF).
		{"hostile team id", func(r *httpexec.Request) { r.Scope.Team = "t1}g\r\n{e:" }},
		{"hostile integration id", func(r *httpexec.Request) { r.Scope.Integration = "crm}:l:\x00" }},
	}
	seen := map[string]string{}
	for i, v := range variants {
		r := base
		v.mod(&r)
		resp, err := servers[i%2].Do(t.Context(), &r)
		if err != nil || resp.FromCache {
			t.Fatalf("%s: first Do = %+v, %v, want a miss", v.name, resp, err)
		}
		seen[v.name] = resp.Body.String()
	}
	if got, want := mt.GetTotalCallCount(), len(variants); got != want {
		t.Fatalf("upstream calls = %d, want %d (one per distinct request)", got, want)
	}
	// Each variant now hits its own entry on either server.
	for i, v := range variants {
		r := base
		v.mod(&r)
		for s, ex := range servers {
			resp, err := ex.Do(t.Context(), &r)
			if err != nil || !resp.FromCache || resp.Body.String() != seen[v.name] {
				t.Errorf("%s on server %d (stored by %d): %q (FromCache %v), %v, want %q from the cache",
					v.name, s, i%2, resp.Body, resp.FromCache, err, seen[v.name])
			}
		}
	}
	// Editing the integration on one server invalidates it on both; other
	// integrations keep their entries.
	if err := servers[0].Invalidate(t.Context(), "t1", "crm"); err != nil {
		t.Fatal(err)
	}
	for _, v := range variants {
		r := base
		v.mod(&r)
		resp, err := servers[1].Do(t.Context(), &r)
		wantCache := r.Scope.Team != "t1" || r.Scope.Integration != "crm"
		if err != nil || resp.FromCache != wantCache {
			t.Errorf("%s after Invalidate(t1, crm) on the other server: FromCache = %v, %v, want %v", v.name, resp.FromCache, err, wantCache)
		}
	}
}

// TestStaleIfError: an expired entry stays in Redis until its StaleUntil,
// so when the upstream fails every server serves it, marked stale, and
// the failure itself is shared through the lease (one upstream call).
func TestStaleIfError(t *testing.T) {
	cache, _ := newCache(t, rediscache.Options{})
	var failing atomic.Bool
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if failing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"plan":"pro"}`))
	}))
	t.Cleanup(srv.Close)
	req := &httpexec.Request{URL: srv.URL + "/c?email=a%40x.com", CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "crm"}}
	key := cacheKeyOf(t, cache, req)
	// Age the entry: expired a second ago, servable stale for a minute.
	e, err := cache.Get(t.Context(), key)
	if err != nil || e == nil {
		t.Fatalf("Get = %v, %v", e, err)
	}
	aged := *e
	aged.Expires, aged.StaleUntil = time.Now().Add(-time.Second), time.Now().Add(time.Minute)
	if err := cache.Set(t.Context(), key, &aged); err != nil {
		t.Fatal(err)
	}
	failing.Store(true)
	calls.Store(0)
	var servers []*httpexec.Executor
	for range 2 {
		ex, err := httpexec.New(httpexec.Options{Cache: cache, Retry: httpexec.RetryPolicy{MaxAttempts: 1}, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ex.Close() })
		servers = append(servers, ex)
	}
	var wg sync.WaitGroup
	for _, ex := range servers {
		for range 10 {
			wg.Go(func() {
				resp, err := ex.Do(t.Context(), req)
				if httpexec.CategoryOf(err) != httpexec.CategoryUpstream5xx || resp == nil || !resp.Stale || resp.Body.String() != `{"plan":"pro"}` {
					t.Errorf("Do = %+v, %v, want the stale entry with the 503", resp, err)
				}
			})
		}
	}
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("upstream calls = %d, want 1 (the failure is shared by the lease)", got)
	}
}
