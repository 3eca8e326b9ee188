package httpexec_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// advance moves the fake clock of a synctest bubble forward: every other
// goroutine of the bubble is idle, so the timer fires at once in real time.
func advance(d time.Duration) { <-time.After(d) }

func TestCacheTTLExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt := newMock(t, httpexec.Options{})
		n := 0
		mt.RegisterResponder("GET", "https://api.example.com/c/1", func(*http.Request) (*http.Response, error) {
			n++
			return httpmock.NewStringResponse(200, fmt.Sprintf(`{"n":%d}`, n)), nil
		})
		req := &httpexec.Request{URL: "https://api.example.com/c/1", CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "i"}}
		get := func() *httpexec.Response {
			t.Helper()
			resp, err := ex.Do(t.Context(), req)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			return resp
		}
		start := time.Now()
		if r := get(); r.FromCache || r.Body.String() != `{"n":1}` {
			t.Fatalf("first = %+v", r)
		}
		advance(59 * time.Second)
		if r := get(); !r.FromCache || r.Body.String() != `{"n":1}` || !r.StoredAt.Equal(start) {
			t.Fatalf("at 59s = %+v, want cached n=1 stored at start", r)
		}
		advance(time.Second) // exactly the TTL: expired
		if r := get(); r.FromCache || r.Body.String() != `{"n":2}` {
			t.Fatalf("at 60s = %+v, want fresh n=2", r)
		}
		if got := mt.GetTotalCallCount(); got != 2 {
			t.Fatalf("upstream calls = %d, want 2", got)
		}
	})
}

func TestCacheTTLZeroNeverStores(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	mt.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(200, "{}"))
	req := &httpexec.Request{URL: "https://api.example.com/x", Scope: httpexec.Scope{Team: "t", Integration: "i"}}
	for range 3 {
		if r, err := ex.Do(t.Context(), req); err != nil || r.FromCache {
			t.Fatalf("Do = %+v, %v", r, err)
		}
	}
	// A later cached request does not find anything stored by TTL-0 calls.
	req.CacheTTL = time.Minute
	if r, err := ex.Do(t.Context(), req); err != nil || r.FromCache {
		t.Fatalf("Do with TTL = %+v, %v, want a miss", r, err)
	}
	if got := mt.GetTotalCallCount(); got != 4 {
		t.Fatalf("upstream calls = %d, want 4", got)
	}
}

func TestCacheTTLCappedAt24h(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt := newMock(t, httpexec.Options{})
		mt.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(200, "{}"))
		req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: 30 * 24 * time.Hour}
		ex.Do(t.Context(), req)
		advance(24*time.Hour - time.Second)
		if r, _ := ex.Do(t.Context(), req); !r.FromCache {
			t.Fatalf("before 24h: not from cache")
		}
		advance(time.Second)
		if r, _ := ex.Do(t.Context(), req); r.FromCache {
			t.Fatalf("at 24h: from cache, want expired (TTL capped)")
		}
	})
}

func TestCacheRefresh(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	n := 0
	mt.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
		n++
		return httpmock.NewStringResponse(200, fmt.Sprint(n)), nil
	})
	req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Hour}
	ex.Do(t.Context(), req)
	refresh := *req
	refresh.Refresh = true
	if r, err := ex.Do(t.Context(), &refresh); err != nil || r.FromCache || r.Body.String() != "2" {
		t.Fatalf("refresh = %+v, %v, want fresh 2", r, err)
	}
	if r, err := ex.Do(t.Context(), req); err != nil || !r.FromCache || r.Body.String() != "2" {
		t.Fatalf("after refresh = %+v, %v, want cached 2", r, err)
	}
}

func TestCacheIsolation(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		b := r.URL.String() + " " + r.Header.Get("X-Contact") + " " + r.Header.Get("Authorization")
		if r.Body != nil {
			body := new(strings.Builder)
			fmt.Fprint(body, " ")
			buf := make([]byte, 64)
			k, _ := r.Body.Read(buf)
			body.Write(buf[:k])
			b += body.String()
		}
		return httpmock.NewStringResponse(200, b), nil
	})
	base := httpexec.Request{
		Method:   "GET",
		URL:      "https://api.example.com/c?email=a%40x.com",
		Header:   http.Header{"X-Contact": {"a"}, "Authorization": {"Bearer k1"}},
		CacheTTL: time.Hour,
		Scope:    httpexec.Scope{Team: "t1", Integration: "crm", Version: 1},
	}
	variants := map[string]func(r *httpexec.Request){
		"base":        func(*httpexec.Request) {},
		"other team":  func(r *httpexec.Request) { r.Scope.Team = "t2" },
		"other integ": func(r *httpexec.Request) { r.Scope.Integration = "billing" },
		"other vers":  func(r *httpexec.Request) { r.Scope.Version = 2 },
		"other query": func(r *httpexec.Request) { r.URL = "https://api.example.com/c?email=b%40x.com" },
		"other head":  func(r *httpexec.Request) { r.Header = http.Header{"X-Contact": {"b"}, "Authorization": {"Bearer k1"}} },
		"other secret": func(r *httpexec.Request) {
			r.Header = http.Header{"X-Contact": {"a"}, "Authorization": {"Bearer k2"}}
		},
		"extra head": func(r *httpexec.Request) {
			r.Header = http.Header{"X-Contact": {"a"}, "Authorization": {"Bearer k1"}, "X-Other": {""}}
		},
		"body":       func(r *httpexec.Request) { r.Method, r.Body = "POST", []byte(`{"c":"a"}`) },
		"other body": func(r *httpexec.Request) { r.Method, r.Body = "POST", []byte(`{"c":"b"}`) },
		"method":     func(r *httpexec.Request) { r.Method = "POST" },
		// Field boundaries: moving bytes between team and integration is a different scope.
		"boundary": func(r *httpexec.Request) { r.Scope.Team, r.Scope.Integration = "t1c", "rm" },
	}
	seen := map[string]string{}
	for name, mod := range variants {
		r := base
		mod(&r)
		resp, err := ex.Do(t.Context(), &r)
		if err != nil || resp.FromCache {
			t.Fatalf("%s: Do = %+v, %v, want a miss", name, resp, err)
		}
		seen[name] = resp.Body.String()
	}
	if got, want := mt.GetTotalCallCount(), len(variants); got != want {
		t.Fatalf("upstream calls = %d, want %d (one per distinct request)", got, want)
	}
	// Each variant now hits its own entry and gets its own body.
	for name, mod := range variants {
		r := base
		mod(&r)
		resp, err := ex.Do(t.Context(), &r)
		if err != nil || !resp.FromCache || resp.Body.String() != seen[name] {
			t.Errorf("%s: second Do = %q (cache %v), %v, want %q from cache", name, resp.Body, resp.FromCache, err, seen[name])
		}
	}
	// Header name case does not matter; header order does not matter.
	r := base
	r.Header = http.Header{"authorization": {"Bearer k1"}, "x-contact": {"a"}}
	if resp, err := ex.Do(t.Context(), &r); err != nil || !resp.FromCache {
		t.Errorf("lower-case header names: FromCache = %v, %v, want a hit", resp.FromCache, err)
	}
}

func TestCacheOnly2xx(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
	mt.RegisterResponder("GET", "https://api.example.com/nf", httpmock.NewStringResponder(404, "no"))
	req := &httpexec.Request{URL: "https://api.example.com/nf", CacheTTL: time.Hour}
	for range 2 {
		resp, err := ex.Do(t.Context(), req)
		if resp == nil || resp.FromCache || httpexec.CategoryOf(err) != httpexec.CategoryUpstream4xx {
			t.Fatalf("Do = %+v, %v", resp, err)
		}
	}
	if got := mt.GetTotalCallCount(); got != 2 {
		t.Fatalf("upstream calls = %d, want 2 (404 not cached)", got)
	}
}

func TestStaleIfError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt := newMock(t, httpexec.Options{StaleGrace: 10 * time.Minute, Retry: httpexec.RetryPolicy{Jitter: noJitter}})
		status := 200
		mt.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
			if status == 0 {
				return nil, errors.New("connection refused")
			}
			return httpmock.NewStringResponse(status, fmt.Sprintf(`{"s":%d}`, status)), nil
		})
		req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Minute}
		stored := time.Now()
		if _, err := ex.Do(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		advance(2 * time.Minute)
		status = 503
		resp, err := ex.Do(t.Context(), req)
		if se, ok := errors.AsType[*httpexec.StatusError](err); !ok || se.StatusCode != 503 {
			t.Fatalf("err = %v, want *StatusError 503", err)
		}
		if resp == nil || !resp.Stale || !resp.FromCache || resp.Body.String() != `{"s":200}` || !resp.StoredAt.Equal(stored) {
			t.Fatalf("resp = %+v, want the stale 200", resp)
		}
		if resp.Attempts != 3 {
			t.Errorf("stale resp.Attempts = %d, want the 3 failed attempts", resp.Attempts)
		}
		status = 0 // connection error
		resp, err = ex.Do(t.Context(), req)
		if httpexec.CategoryOf(err) != httpexec.CategoryNetwork || resp == nil || !resp.Stale {
			t.Fatalf("network failure: %+v, %v, want stale + network error", resp, err)
		}
		status = 404 // a 4xx is an answer, not a failure: no stale
		resp, err = ex.Do(t.Context(), req)
		if httpexec.CategoryOf(err) != httpexec.CategoryUpstream4xx || resp == nil || resp.Stale || resp.StatusCode != 404 {
			t.Fatalf("404: %+v, %v, want the 404 itself", resp, err)
		}
		advance(10 * time.Minute) // past the grace
		status = 503
		resp, err = ex.Do(t.Context(), req)
		if resp == nil || resp.Stale || resp.StatusCode != 503 || err == nil {
			t.Fatalf("past grace: %+v, %v, want the 503", resp, err)
		}
	})
}

func TestStaleGraceDisabled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt := newMock(t, httpexec.Options{StaleGrace: -1, Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
		status := 200
		mt.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(status, "x"), nil
		})
		req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Minute}
		ex.Do(t.Context(), req)
		advance(time.Minute + time.Second)
		status = 500
		if resp, _ := ex.Do(t.Context(), req); resp.Stale {
			t.Fatal("stale served although StaleGrace < 0")
		}
	})
}

func TestInvalidateAllVersions(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, "x"))
	do := func(team, integ string, v int64, path string) bool {
		resp, err := ex.Do(t.Context(), &httpexec.Request{
			URL: "https://api.example.com/" + path, CacheTTL: time.Hour,
			Scope: httpexec.Scope{Team: team, Integration: integ, Version: v},
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp.FromCache
	}
	for _, v := range []int64{1, 2} {
		for _, p := range []string{"a", "b"} {
			do("t1", "crm", v, p)
		}
	}
	do("t1", "billing", 1, "a")
	do("t2", "crm", 1, "a")
	if err := ex.Invalidate(t.Context(), "t1", "crm"); err != nil {
		t.Fatal(err)
	}
	for _, v := range []int64{1, 2} {
		for _, p := range []string{"a", "b"} {
			if do("t1", "crm", v, p) {
				t.Errorf("t1/crm v%d %s still cached after Invalidate", v, p)
			}
		}
	}
	if !do("t1", "billing", 1, "a") || !do("t2", "crm", 1, "a") {
		t.Error("Invalidate(t1, crm) dropped another integration's entries")
	}
}

// TestCacheByteBudget is P8: insert 10x the capacity of 256 KiB responses;
// the heap the cache holds stays within 1.2x its byte budget.
func TestCacheByteBudget(t *testing.T) {
	for _, known := range []bool{true, false} {
		t.Run(fmt.Sprintf("content-length=%v", known), func(t *testing.T) { testCacheByteBudget(t, known) })
	}
}

func testCacheByteBudget(t *testing.T, knownLength bool) {
	const budget = 4 << 20
	const size = 256 << 10
	body := strings.Repeat("x", size)
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(200, body)
		r.ContentLength = -1
		if knownLength {
			r.ContentLength = size
		}
		return r, nil
	})
	held := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := held()
	ex, err := httpexec.New(httpexec.Options{Transport: mt, CacheBytes: budget, MaxBodyBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	n := 10 * budget / size
	for i := range n {
		if _, err := ex.Do(context.Background(), &httpexec.Request{URL: fmt.Sprintf("https://api.example.com/%d", i), CacheTTL: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	after := held()
	// The latest entries are cached, the oldest evicted: count hits from
	// the newest down to the first miss.
	hits := 0
	for i := n - 1; i >= 0; i-- {
		r, _ := ex.Do(context.Background(), &httpexec.Request{URL: fmt.Sprintf("https://api.example.com/%d", i), CacheTTL: time.Hour})
		if !r.FromCache {
			break
		}
		hits++
	}
	runtime.KeepAlive(ex)
	growth := int64(after) - int64(before)
	t.Logf("P8: budget %d B, inserted %d x %d B, heap held %d B (%.2fx budget), %d entries retained", budget, n, size, growth, float64(growth)/budget, hits)
	if growth > budget*12/10 {
		t.Errorf("heap held by the cache = %d B, want <= 1.2 x %d", growth, budget)
	}
	if hits == 0 || hits > budget/size {
		t.Errorf("retained entries = %d, want 1..%d", hits, budget/size)
	}
}

// failingCache fails every operation with an error that carries a secret.
type failingCache struct{}

var errCacheDown = errors.New("redis: AUTH s3cr3t-password failed")

func (failingCache) Get(context.Context, httpexec.CacheKey) (*httpexec.CacheEntry, error) {
	return nil, errCacheDown
}
func (failingCache) Set(context.Context, httpexec.CacheKey, *httpexec.CacheEntry) error {
	return errCacheDown
}
func (failingCache) Invalidate(context.Context, string, string) error { return errCacheDown }

// TestFailingCache: a broken cache never fails an execution; it is logged
// without its error text; Invalidate reports it.
func TestFailingCache(t *testing.T) {
	var logs strings.Builder
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, "ok"))
	ex := mustNew(t, httpexec.Options{Transport: mt, Cache: failingCache{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for range 2 {
		resp, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Minute})
		if err != nil || resp.Body.String() != "ok" || resp.FromCache {
			t.Fatalf("Do = %+v, %v", resp, err)
		}
	}
	if mt.GetTotalCallCount() != 2 {
		t.Fatalf("upstream calls = %d, want 2", mt.GetTotalCallCount())
	}
	if !strings.Contains(logs.String(), "cache get failed") || !strings.Contains(logs.String(), "cache set failed") {
		t.Errorf("cache failures not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "s3cr3t") {
		t.Errorf("log leaks the cache error text:\n%s", logs.String())
	}
	if err := ex.Invalidate(t.Context(), "t", "i"); !errors.Is(err, errCacheDown) {
		t.Errorf("Invalidate = %v, want the cache's error wrapped", err)
	}
}
