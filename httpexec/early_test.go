package httpexec_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// half makes -ln(1-u) = ln 2: with Beta 1 and an upstream taking 100 ms,
// an entry is refreshed once it has less than 69.3 ms to live.
func half() float64 { return 0.5 }

// earlyUpstream answers "1", "2", ... after 100 ms, or fails with status
// 503 when failing is set.
func earlyUpstream(t *testing.T, o httpexec.Options) (*httpexec.Executor, *httpmock.MockTransport, *atomic.Bool) {
	ex, mt := newMock(t, o)
	var n atomic.Int32
	var failing atomic.Bool
	mt.RegisterResponder("GET", fleetReq.URL, func(*http.Request) (*http.Response, error) {
		advance(100 * time.Millisecond)
		if failing.Load() {
			return httpmock.NewStringResponse(503, "down"), nil
		}
		return httpmock.NewStringResponse(200, fmt.Sprint(n.Add(1))), nil
	})
	return ex, mt, &failing
}

// TestEarlyRefresh follows XFetch's rule on the fake clock: an entry that
// took 100 ms to fetch is refreshed once now + 100ms*Beta*-ln(1-u) passes
// its expiry, by the caller that drew it, and not before.
func TestEarlyRefresh(t *testing.T) {
	tests := []struct {
		name      string
		early     httpexec.EarlyRefresh
		at        time.Duration // after the entry was stored, 100 ms after the start (TTL 1 min)
		wantBody  string
		wantCache bool
	}{
		{"zero value never refreshes early", httpexec.EarlyRefresh{}, time.Minute - time.Millisecond, "1", true},
		{"far from expiry", httpexec.EarlyRefresh{Beta: 1, Rand: half}, 30 * time.Second, "1", true},
		{"just outside the gap", httpexec.EarlyRefresh{Beta: 1, Rand: half}, time.Minute - 69*time.Millisecond - time.Millisecond, "1", true},
		{"inside the gap", httpexec.EarlyRefresh{Beta: 1, Rand: half}, time.Minute - 69*time.Millisecond, "2", false},
		{"beta 2 doubles the gap", httpexec.EarlyRefresh{Beta: 2, Rand: half}, time.Minute - 138*time.Millisecond, "2", false},
		{"unlucky draw", httpexec.EarlyRefresh{Beta: 1, Rand: func() float64 { return 0 }}, time.Minute - time.Millisecond, "1", true},
		// The largest draw, 1-2^-53, gives a gap of 36.7 * 100 ms.
		{"luckiest draw", httpexec.EarlyRefresh{Beta: 1, Rand: func() float64 { return math.Nextafter(1, 0) }}, time.Minute - 3670*time.Millisecond, "2", false},
		{"luckiest draw, too early", httpexec.EarlyRefresh{Beta: 1, Rand: func() float64 { return math.Nextafter(1, 0) }}, time.Minute - 3680*time.Millisecond, "1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ex, mt, _ := earlyUpstream(t, httpexec.Options{EarlyRefresh: tt.early})
				ex.Do(t.Context(), fleetReq)
				advance(tt.at)
				resp, err := ex.Do(t.Context(), fleetReq)
				if err != nil || resp.Body.String() != tt.wantBody || resp.FromCache != tt.wantCache {
					t.Fatalf("Do at %v = %q (FromCache %v), %v, want %q (FromCache %v)", tt.at, resp.Body, resp.FromCache, err, tt.wantBody, tt.wantCache)
				}
				if !tt.wantCache {
					if got := mt.GetTotalCallCount(); got != 2 {
						t.Errorf("upstream calls = %d, want 2", got)
					}
					// The refreshed entry is served from now on.
					if resp, _ := ex.Do(t.Context(), &httpexec.Request{URL: fleetReq.URL, CacheTTL: time.Minute, Scope: fleetReq.Scope}); !resp.FromCache || resp.Body.String() != "2" {
						t.Errorf("after the refresh: %q (FromCache %v), want the refreshed entry", resp.Body, resp.FromCache)
					}
				}
			})
		})
	}
}

// TestEarlyRefreshOthersKeepHits: while one caller refreshes, the others
// are served the entry at once; a failed refresh serves the entry too.
func TestEarlyRefreshOthersKeepHits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt, failing := earlyUpstream(t, httpexec.Options{EarlyRefresh: httpexec.EarlyRefresh{Beta: 1, Rand: half}, Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
		ex.Do(t.Context(), fleetReq)
		advance(time.Minute - 50*time.Millisecond) // 50 ms to live: due
		failing.Store(true)
		t0 := time.Now()
		var wg sync.WaitGroup
		var waited atomic.Int32
		for range 50 {
			wg.Go(func() {
				resp, err := ex.Do(t.Context(), fleetReq)
				if err != nil || resp.Body.String() != "1" || !resp.FromCache {
					t.Errorf("Do = %q (FromCache %v), %v, want the cached entry", resp.Body, resp.FromCache, err)
				}
				if time.Since(t0) > 0 {
					waited.Add(1)
				}
			})
		}
		wg.Wait()
		if got := mt.GetTotalCallCount(); got != 2 {
			t.Errorf("upstream calls = %d, want 2 (one refresh for 50 callers)", got)
		}
		if got := waited.Load(); got != 1 {
			t.Errorf("%d callers waited for the upstream, want 1 (the refreshing one)", got)
		}
	})
}

// TestEarlyRefreshLeaseHeldElsewhere: a process whose early refresh finds
// the fleet's lease taken serves its entry without waiting or calling.
func TestEarlyRefreshLeaseHeldElsewhere(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cache := newFleetCache(t)
		exs, mt := fleet(t, 2, cache, httpexec.Options{EarlyRefresh: httpexec.EarlyRefresh{Beta: 1, Rand: half}})
		mt.RegisterResponder("GET", fleetReq.URL, func(*http.Request) (*http.Response, error) {
			advance(100 * time.Millisecond)
			return httpmock.NewStringResponse(200, "v"), nil
		})
		exs[0].Do(t.Context(), fleetReq)
		advance(time.Minute - 50*time.Millisecond)
		// Another process holds the key's lease (its refresh is under way).
		if _, held, _ := cache.Acquire(t.Context(), cache.lastSet(), time.Second); !held {
			t.Fatal("setup: lease of the key")
		}
		t0 := time.Now()
		resp, err := exs[1].Do(t.Context(), fleetReq)
		if err != nil || !resp.FromCache || time.Since(t0) != 0 {
			t.Fatalf("Do = %+v, %v after %v, want the cached entry at once", resp, err, time.Since(t0))
		}
		if got := mt.GetTotalCallCount(); got != 1 {
			t.Errorf("upstream calls = %d, want 1", got)
		}
	})
}

func TestEarlyRefreshOptions(t *testing.T) {
	for _, beta := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := httpexec.New(httpexec.Options{EarlyRefresh: httpexec.EarlyRefresh{Beta: beta}}); err == nil {
			t.Errorf("New(Beta %v) = nil error, want one", beta)
		}
	}
}

// scriptedCache returns its entries in turn, one per Get: the entry a
// caller read, then what another caller stored meanwhile.
type scriptedCache struct {
	httpexec.Cache
	mu   sync.Mutex
	gets []*httpexec.CacheEntry
}

func (c *scriptedCache) Get(context.Context, httpexec.CacheKey) (*httpexec.CacheEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.gets[0]
	if len(c.gets) > 1 {
		c.gets = c.gets[1:]
	}
	return e, nil
}

// TestEarlyRefreshSkipsReplacedEntry: a caller that read an entry due for
// refresh, but finds it replaced once it may refresh (another caller
// refreshed it meanwhile), makes no upstream call.
func TestEarlyRefreshSkipsReplacedEntry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		due := &httpexec.CacheEntry{StatusCode: 200, Body: []byte("old"), StoredAt: now.Add(-time.Minute), Expires: now.Add(10 * time.Millisecond), StaleUntil: now.Add(time.Hour), Duration: time.Second}
		tests := []struct {
			name      string
			second    *httpexec.CacheEntry
			wantCalls int
		}{
			{"replaced meanwhile", &httpexec.CacheEntry{StatusCode: 200, Body: []byte("new"), StoredAt: now, Expires: now.Add(time.Minute), StaleUntil: now.Add(time.Hour)}, 0},
			{"still the same entry", due, 1},
		}
		for _, tt := range tests {
			mc, _ := httpexec.NewMemoryCache(10, 1<<20)
			cache := &scriptedCache{Cache: mc, gets: []*httpexec.CacheEntry{due, tt.second}}
			ex, mt := newMock(t, httpexec.Options{Cache: cache, EarlyRefresh: httpexec.EarlyRefresh{Beta: 1, Rand: half}})
			mt.RegisterResponder("GET", fleetReq.URL, httpmock.NewStringResponder(200, "fetched"))
			resp, err := ex.Do(t.Context(), fleetReq)
			if err != nil {
				t.Fatalf("%s: Do: %v", tt.name, err)
			}
			if got := mt.GetTotalCallCount(); got != tt.wantCalls {
				t.Errorf("%s: upstream calls = %d, want %d (body %q)", tt.name, got, tt.wantCalls, resp.Body)
			}
		}
	})
}
