package rediscache_test

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/httpexectest"
	"github.com/inboxkit/inboxkit/httpexec/rediscache"
)

func TestLeaseAcquireRelease(t *testing.T) {
	c, _ := newCache(t, rediscache.Options{})
	ctx := t.Context()
	k := httpexectest.Key("t", "i", 1, "a")
	tok, held, err := c.Acquire(ctx, k, time.Minute)
	if err != nil || !held || tok == "" {
		t.Fatalf("first Acquire = %q, %v, %v, want held", tok, held, err)
	}
	if _, held, err := c.Acquire(ctx, k, time.Minute); err != nil || held {
		t.Fatalf("second Acquire = %v, %v, want not held", held, err)
	}
	if _, held, _ := c.Acquire(ctx, httpexectest.Key("t", "i", 1, "b"), time.Minute); !held {
		t.Fatal("another key's lease is not independent")
	}
	if err := c.Release(ctx, k, "not the token", nil); err != nil {
		t.Fatal(err)
	}
	if _, held, _ := c.Acquire(ctx, k, time.Minute); held {
		t.Fatal("Release with another token ended the lease")
	}
	if err := c.Release(ctx, k, tok, nil); err != nil {
		t.Fatal(err)
	}
	if _, held, _ := c.Acquire(ctx, k, time.Minute); !held {
		t.Fatal("Acquire after Release: not held")
	}
}

// TestLeaseExpires: a holder that never releases (a crashed process)
// loses the lease after its ttl.
func TestLeaseExpires(t *testing.T) {
	c, _ := newCache(t, rediscache.Options{})
	k := httpexectest.Key("t", "i", 1, "a")
	if _, held, _ := c.Acquire(t.Context(), k, 30*time.Millisecond); !held {
		t.Fatal("not held")
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, held, _ := c.Acquire(t.Context(), k, time.Minute); held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("lease with a 30ms ttl still held after 2s")
		}
		time.Sleep(10 * time.Millisecond) // polling a real server's clock
	}
}

// TestLeaseAwait: what a waiting process is handed, for each way the
// holder's execution ends.
func TestLeaseAwait(t *testing.T) {
	now := time.Now()
	fresh := httpexectest.Entry(`{"v":2}`, now, time.Minute, time.Hour)
	expired := httpexectest.Entry(`{"v":1}`, now.Add(-2*time.Minute), time.Minute, time.Hour)
	fail := &httpexec.SharedFailure{Category: httpexec.CategoryUpstream5xx, StatusCode: 503}
	tests := []struct {
		name      string
		before    *httpexec.CacheEntry // stored before the holder ends
		store     *httpexec.CacheEntry // stored by the holder
		failure   *httpexec.SharedFailure
		wantEntry *httpexec.CacheEntry
		wantFail  *httpexec.SharedFailure
	}{
		{"holder stores", nil, fresh, nil, fresh, nil},
		{"holder fails", nil, nil, fail, nil, fail},
		{"holder ends without outcome", nil, nil, nil, nil, nil},
		{"the expired entry is not an outcome", expired, nil, nil, nil, nil},
		{"expired entry replaced", expired, fresh, nil, fresh, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newCache(t, rediscache.Options{})
			ctx := t.Context()
			k := httpexectest.Key("t", "i", 1, "a")
			if tt.before != nil {
				c.Set(ctx, k, tt.before)
			}
			tok, held, err := c.Acquire(ctx, k, time.Minute)
			if err != nil || !held {
				t.Fatalf("Acquire = %v, %v", held, err)
			}
			go func() {
				time.Sleep(30 * time.Millisecond) // the holder's upstream call
				if tt.store != nil {
					c.Set(ctx, k, tt.store)
				}
				c.Release(ctx, k, tok, tt.failure)
			}()
			start := time.Now()
			e, f, err := c.Await(ctx, k)
			if err != nil {
				t.Fatalf("Await error = %v", err)
			}
			if waited := time.Since(start); waited < 25*time.Millisecond || waited > time.Second {
				t.Errorf("Await returned after %v, want when the holder ended (30ms)", waited)
			}
			if diff := cmp.Diff(tt.wantEntry, e, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("entry mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantFail, f); diff != "" {
				t.Errorf("failure mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLeaseFailureShared: a published failure refuses new leases and is
// handed out for FailureTTL, then the key can be fetched again.
func TestLeaseFailureShared(t *testing.T) {
	c, _ := newCache(t, rediscache.Options{FailureTTL: 100 * time.Millisecond})
	ctx := t.Context()
	k := httpexectest.Key("t", "i", 1, "a")
	tok, _, _ := c.Acquire(ctx, k, time.Minute)
	fail := &httpexec.SharedFailure{Category: httpexec.CategoryTimeout}
	c.Release(ctx, k, tok, fail)
	if _, held, _ := c.Acquire(ctx, k, time.Minute); held {
		t.Fatal("Acquire while a failure is shared: held")
	}
	if _, f, err := c.Await(ctx, k); err != nil || f == nil || *f != *fail {
		t.Fatalf("Await = %v, %v, want the shared failure", f, err)
	}
	time.Sleep(150 * time.Millisecond) // past FailureTTL on the server's clock
	if _, held, _ := c.Acquire(ctx, k, time.Minute); !held {
		t.Fatal("Acquire after FailureTTL: not held")
	}
}

// TestLeaseWaitBound: a holder that takes longer than LeaseWait is not
// waited for any longer.
func TestLeaseWaitBound(t *testing.T) {
	c, _ := newCache(t, rediscache.Options{LeaseWait: 100 * time.Millisecond})
	k := httpexectest.Key("t", "i", 1, "a")
	c.Acquire(t.Context(), k, time.Minute)
	start := time.Now()
	e, f, err := c.Await(t.Context(), k)
	if e != nil || f != nil || err != nil {
		t.Fatalf("Await = %v, %v, %v, want nothing", e, f, err)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond || waited > time.Second {
		t.Errorf("Await returned after %v, want about LeaseWait (100ms)", waited)
	}
}

// TestLeaseDisabled: with a negative LeaseWait every process holds its
// own lease, without a call to Redis, and nobody waits.
func TestLeaseDisabled(t *testing.T) {
	c, client := newCache(t, rediscache.Options{LeaseWait: -1})
	k := httpexectest.Key("t", "i", 1, "a")
	for range 2 {
		tok, held, err := c.Acquire(t.Context(), k, time.Minute)
		if !held || err != nil {
			t.Fatalf("Acquire = %v, %v, want held", held, err)
		}
		if err := c.Release(t.Context(), k, tok, &httpexec.SharedFailure{Category: httpexec.CategoryTimeout}); err != nil {
			t.Fatal(err)
		}
	}
	if e, f, err := c.Await(t.Context(), k); e != nil || f != nil || err != nil {
		t.Errorf("Await = %v, %v, %v, want nothing at once", e, f, err)
	}
	if keys := ownKeys(t, client, ""); len(keys) != 0 {
		t.Errorf("keys written = %q, want none", keys)
	}
}

// TestHerdAcrossExecutors: three Executors (app servers), each with its
// own Redis connection pool, x 100 concurrent loads of one uncached key,
// upstream taking 50 ms: one upstream call. The 3-process version is
// TestFleet.
func TestHerdAcrossExecutors(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		time.Sleep(50 * time.Millisecond)
		w.Write([]byte(`{"vip":true}`))
	}))
	t.Cleanup(srv.Close)
	_, client := newCache(t, rediscache.Options{})
	prefix := testPrefix(t, client)
	var exs []*httpexec.Executor
	for range 3 {
		c, err := rediscache.New(newClient(t), rediscache.Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		ex, err := httpexec.New(httpexec.Options{Cache: c, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ex.Close() })
		exs = append(exs, ex)
	}
	req := &httpexec.Request{URL: srv.URL + "/contacts/vip", CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "crm"}}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, ex := range exs {
		for range 100 {
			wg.Go(func() {
				<-start
				resp, err := ex.Do(t.Context(), req)
				if err != nil || resp.Body.String() != `{"vip":true}` {
					t.Errorf("Do = %+v, %v", resp, err)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("upstream calls = %d, want 1 for 3 servers x 100 loads", got)
	}
}

// TestEarlyRefreshFleet: a hot entry about to expire is refreshed by one
// caller in the whole fleet; every other caller, in every process, is
// served the entry at once.
func TestEarlyRefreshFleet(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		time.Sleep(50 * time.Millisecond)
		w.Write([]byte(`{"v":"new"}`))
	}))
	t.Cleanup(srv.Close)
	_, client := newCache(t, rediscache.Options{})
	prefix := testPrefix(t, client)
	// -ln(1-u) = 20: an entry that took 50 ms is refreshed within about
	// 1 s of its expiry (the one below), not 60 s before (the refreshed one).
	early := httpexec.EarlyRefresh{Beta: 1, Rand: func() float64 { return 1 - math.Exp(-20) }}
	var exs []*httpexec.Executor
	var caches []*rediscache.Cache
	for range 3 {
		c, err := rediscache.New(newClient(t), rediscache.Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		ex, err := httpexec.New(httpexec.Options{Cache: c, EarlyRefresh: early, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ex.Close() })
		exs, caches = append(exs, ex), append(caches, c)
	}
	req := &httpexec.Request{URL: srv.URL + "/contacts/vip", CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "crm"}}
	// Replace the entry the fleet is serving by one with 500 ms to live.
	key := cacheKeyOf(t, caches[0], req)
	calls.Store(0)
	now := time.Now()
	old := &httpexec.CacheEntry{StatusCode: 200, Body: []byte(`{"v":"old"}`), StoredAt: now, Expires: now.Add(500 * time.Millisecond), StaleUntil: now.Add(time.Minute), Duration: 50 * time.Millisecond}
	if err := caches[0].Set(t.Context(), key, old); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	bodies := map[string]int{}
	fresh := 0
	var wg sync.WaitGroup
	for _, ex := range exs {
		for range 20 {
			wg.Go(func() {
				resp, err := ex.Do(t.Context(), req)
				if err != nil {
					t.Errorf("Do: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				bodies[resp.Body.String()]++
				if !resp.FromCache {
					fresh++
				}
			})
		}
	}
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("upstream calls = %d, want 1 early refresh for the fleet", got)
	}
	if fresh != 1 {
		t.Errorf("%d callers waited for the upstream, want 1 (the refreshing one); bodies %v", fresh, bodies)
	}
}

// keyRecorder is a Cache that remembers the key of the last Set.
type keyRecorder struct {
	httpexec.Cache
	last httpexec.CacheKey
}

func (r *keyRecorder) Set(ctx context.Context, key httpexec.CacheKey, e *httpexec.CacheEntry) error {
	r.last = key
	return r.Cache.Set(ctx, key, e)
}

// cacheKeyOf executes req once through c and returns the key its
// response was stored under.
func cacheKeyOf(t *testing.T, c httpexec.Cache, req *httpexec.Request) httpexec.CacheKey {
	t.Helper()
	rec := &keyRecorder{Cache: c}
	ex, err := httpexec.New(httpexec.Options{Cache: rec, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	if _, err := ex.Do(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if rec.last.Team == "" {
		t.Fatal("nothing stored")
	}
	return rec.last
}
