package httpexec_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// TestHerdP6 is P6: N concurrent loads of one uncached key against an
// upstream that takes 50 ms make exactly one upstream request, and every
// caller is done within 20 ms of the leader.
func TestHerdP6(t *testing.T) {
	for _, n := range []int{10, 100, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			checkNoLeaks(t)
			var calls atomic.Int32
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				// The upstream's latency (P6: "upstream sleeping 50 ms").
				timer := time.NewTimer(50 * time.Millisecond)
				defer timer.Stop()
				select {
				case <-timer.C:
				case <-r.Context().Done():
				}
				w.Write([]byte(`{"vip":true}`))
			}))
			ex := mustNew(t, httpexec.Options{AllowPrivate: loopback})
			req := &httpexec.Request{URL: srv.URL + "/contacts/vip", CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "crm"}}

			done := make([]time.Time, n)
			shared := make([]bool, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					resp, err := ex.Do(t.Context(), req)
					done[i] = time.Now()
					if err != nil || resp.Body.String() != `{"vip":true}` {
						t.Errorf("caller %d: %+v, %v", i, resp, err)
						return
					}
					shared[i] = resp.Shared || resp.FromCache
				})
			}
			t0 := time.Now()
			close(start)
			wg.Wait()
			if got := calls.Load(); got != 1 {
				t.Fatalf("upstream requests = %d, want 1", got)
			}
			leader := slices.Index(shared, false)
			if leader < 0 {
				t.Fatal("no leader")
			}
			last := slices.MaxFunc(done, func(a, b time.Time) int { return a.Compare(b) })
			lag := last.Sub(done[leader])
			first := slices.MinFunc(done, func(a, b time.Time) int { return a.Compare(b) })
			t.Logf("P6 N=%d: 1 upstream request; leader done after %v; last caller %v after the leader; all %d done within %v",
				n, done[leader].Sub(t0).Round(time.Microsecond), max(lag, 0).Round(time.Microsecond), n, last.Sub(first).Round(time.Microsecond))
			// The 20 ms target is checked exactly on the fake clock by
			// TestHerdP6FakeClock. Here, on a real network and a loaded CI
			// machine under -race, scheduling 500 goroutines may take longer
			// than 20 ms; only a wait for something else (a timer, a second
			// round trip) is an error.
			if lag > 20*time.Millisecond {
				t.Logf("last caller done %v after the leader (P6 target 20ms; scheduling on this machine)", lag)
			}
			if lag > 2*time.Second {
				t.Errorf("last caller done %v after the leader, want about 20ms", lag)
			}
		})
	}
}

// TestHerdP6FakeClock is P6 on synctest's clock: the upstream takes 50 ms,
// exactly one request is made, and every caller is done at the instant
// the leader is (no caller waits for a timer or a request of its own).
func TestHerdP6FakeClock(t *testing.T) {
	for _, n := range []int{10, 100, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ex, mt := newMock(t, httpexec.Options{})
				mt.RegisterResponder("GET", "https://api.example.com/contacts/vip", func(r *http.Request) (*http.Response, error) {
					advance(50 * time.Millisecond)
					return httpmock.NewStringResponse(200, `{"vip":true}`), nil
				})
				req := &httpexec.Request{URL: "https://api.example.com/contacts/vip", CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "crm"}}
				t0 := time.Now()
				done := make([]time.Time, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						resp, err := ex.Do(t.Context(), req)
						done[i] = time.Now()
						if err != nil || resp.Body.String() != `{"vip":true}` {
							t.Errorf("caller %d: %+v, %v", i, resp, err)
						}
					})
				}
				wg.Wait()
				if got := mt.GetTotalCallCount(); got != 1 {
					t.Fatalf("upstream requests = %d, want 1", got)
				}
				for i, d := range done {
					if lag := d.Sub(t0); lag != 50*time.Millisecond {
						t.Fatalf("caller %d done after %v, want 50ms (with the leader)", i, lag)
					}
				}
			})
		})
	}
}

// TestHerdLeaderCancel: the caller that started the upstream call leaves;
// the call goes on and every other caller gets its result.
func TestHerdLeaderCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		ex, mt := newMock(t, httpexec.Options{})
		var canceled atomic.Bool
		mt.RegisterResponder("GET", "https://api.example.com/vip", func(r *http.Request) (*http.Response, error) {
			select {
			case <-release:
				return httpmock.NewStringResponse(200, "ok"), nil
			case <-r.Context().Done():
				canceled.Store(true)
				return nil, r.Context().Err()
			}
		})
		req := &httpexec.Request{URL: "https://api.example.com/vip", CacheTTL: time.Minute}

		leaderCtx, cancelLeader := context.WithCancel(t.Context())
		leaderErr := make(chan error, 1)
		go func() {
			_, err := ex.Do(leaderCtx, req)
			leaderErr <- err
		}()
		synctest.Wait() // the leader's call is in flight
		const others = 20
		results := make(chan *httpexec.Response, others)
		for range others {
			go func() {
				resp, err := ex.Do(t.Context(), req)
				if err != nil {
					t.Errorf("follower: %v", err)
				}
				results <- resp
			}()
		}
		synctest.Wait()
		cancelLeader()
		err := <-leaderErr
		if !errors.Is(err, context.Canceled) || httpexec.CategoryOf(err) != httpexec.CategoryCanceled {
			t.Fatalf("leader error = %v, want canceled", err)
		}
		synctest.Wait()
		if canceled.Load() {
			t.Fatal("the leader's cancellation reached the shared upstream call")
		}
		close(release)
		for range others {
			if r := <-results; r == nil || r.Body.String() != "ok" || !r.Shared {
				t.Errorf("follower got %+v", r)
			}
		}
		if got := mt.GetTotalCallCount(); got != 1 {
			t.Fatalf("upstream calls = %d, want 1", got)
		}
		// The result was stored: the leader's next call is a hit.
		if r, err := ex.Do(t.Context(), req); err != nil || !r.FromCache {
			t.Fatalf("after: %+v, %v, want a cache hit", r, err)
		}
	})
}

// TestHerdFollowerDeadline: a follower with a short deadline leaves with a
// timeout; the others are not affected.
func TestHerdFollowerDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt := newMock(t, httpexec.Options{})
		mt.RegisterResponder("GET", "https://api.example.com/slow", func(r *http.Request) (*http.Response, error) {
			advance(3 * time.Second)
			return httpmock.NewStringResponse(200, "ok"), nil
		})
		req := &httpexec.Request{URL: "https://api.example.com/slow", CacheTTL: time.Minute}
		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := ex.Do(t.Context(), req); err != nil {
				t.Errorf("leader: %v", err)
			}
		})
		synctest.Wait()
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			start := time.Now()
			_, err := ex.Do(ctx, req)
			if !errors.Is(err, context.DeadlineExceeded) || httpexec.CategoryOf(err) != httpexec.CategoryTimeout {
				t.Errorf("short follower: %v, want timeout", err)
			}
			if d := time.Since(start); d != time.Second {
				t.Errorf("short follower waited %v, want 1s", d)
			}
		})
		wg.Go(func() {
			if r, err := ex.Do(t.Context(), req); err != nil || r.Body.String() != "ok" {
				t.Errorf("patient follower: %+v, %v", r, err)
			}
		})
		wg.Wait()
		if got := mt.GetTotalCallCount(); got != 1 {
			t.Fatalf("upstream calls = %d, want 1", got)
		}
	})
}

// TestHerdAllCallersLeave: when every caller has gone, the shared call is
// canceled; the next caller starts a new one.
func TestHerdAllCallersLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt := newMock(t, httpexec.Options{})
		var canceled atomic.Int32
		block := true
		mt.RegisterResponder("GET", "https://api.example.com/x", func(r *http.Request) (*http.Response, error) {
			if !block {
				return httpmock.NewStringResponse(200, "ok"), nil
			}
			<-r.Context().Done()
			canceled.Add(1)
			return nil, r.Context().Err()
		})
		req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Minute}
		ctx, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				if _, err := ex.Do(ctx, req); httpexec.CategoryOf(err) != httpexec.CategoryCanceled {
					t.Errorf("Do = %v, want canceled", err)
				}
			})
		}
		synctest.Wait()
		cancel()
		wg.Wait()
		synctest.Wait()
		if canceled.Load() != 1 {
			t.Fatalf("shared call canceled %d times, want 1", canceled.Load())
		}
		block = false
		if r, err := ex.Do(t.Context(), req); err != nil || r.Shared || r.FromCache {
			t.Fatalf("next caller: %+v, %v, want its own fresh call", r, err)
		}
		if got := mt.GetTotalCallCount(); got != 2 {
			t.Fatalf("upstream calls = %d, want 2", got)
		}
	})
}

type traceKey struct{}

// TestHerdKeepsContextValues: the shared call runs on a detached context
// that keeps the first caller's values (trace IDs), and every caller's
// Event says whether it shared.
func TestHerdKeepsContextValues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var shared, own int
		mt := httpmock.NewMockTransport()
		var seen atomic.Value
		mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			seen.Store(r.Context().Value(traceKey{}))
			advance(time.Second)
			return httpmock.NewStringResponse(200, "ok"), nil
		})
		ex := mustNew(t, httpexec.Options{Transport: mt, Observe: func(_ context.Context, ev httpexec.Event) {
			mu.Lock()
			defer mu.Unlock()
			if ev.Shared {
				shared++
			} else {
				own++
			}
		}})
		req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Minute}
		var wg sync.WaitGroup
		for i := range 5 {
			wg.Go(func() {
				ctx := context.WithValue(t.Context(), traceKey{}, fmt.Sprint("trace-", i))
				if _, err := ex.Do(ctx, req); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if v, _ := seen.Load().(string); !strings.HasPrefix(v, "trace-") {
			t.Errorf("upstream saw trace value %q, want the first caller's", v)
		}
		if own != 1 || shared != 4 || mt.GetTotalCallCount() != 1 {
			t.Errorf("events: %d own, %d shared, %d upstream calls; want 1, 4, 1", own, shared, mt.GetTotalCallCount())
		}
	})
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// panicCache is a host Cache whose Set panics.
type panicCache struct{ httpexec.Cache }

func (panicCache) Set(context.Context, httpexec.CacheKey, *httpexec.CacheEntry) error {
	panic("cache set exploded")
}

// TestHerdPanic: a host Transport or Cache that panics inside the shared
// execution must not crash the process from our goroutine. The panic is
// raised on every waiting caller's goroutine (as it would be for an
// uncached request), the flight is released, and a later call works.
func TestHerdPanic(t *testing.T) {
	for _, where := range []string{"transport", "cache"} {
		t.Run(where, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				release := make(chan struct{})
				var explode atomic.Bool
				explode.Store(true)
				var calls atomic.Int32
				opts := httpexec.Options{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
					calls.Add(1)
					<-release
					if where == "transport" && explode.Load() {
						panic("transport exploded")
					}
					return httpmock.NewStringResponse(200, "ok"), nil
				})}
				if where == "cache" {
					mc, err := httpexec.NewMemoryCache(16, 1<<20)
					if err != nil {
						t.Fatal(err)
					}
					opts.Cache = panicCache{mc}
				}
				ex := mustNew(t, opts)
				req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Minute}
				const n = 5
				panics := make(chan any, n)
				for range n {
					go func() {
						defer func() { panics <- recover() }()
						ex.Do(t.Context(), req)
					}()
				}
				synctest.Wait()
				close(release)
				for range n {
					v := <-panics
					err, ok := v.(error)
					if !ok || !strings.Contains(err.Error(), "exploded") {
						t.Errorf("caller recovered %v, want the shared execution's panic", v)
					}
				}
				if calls.Load() != 1 {
					t.Errorf("upstream calls = %d, want 1", calls.Load())
				}
				if where == "transport" {
					explode.Store(false)
					if r, err := ex.Do(t.Context(), req); err != nil || r.Body.String() != "ok" {
						t.Fatalf("after the panic: %+v, %v", r, err)
					}
				}
			})
		})
	}
}

// TestHerdErrorShared: a failed shared execution hands its error (and the
// non-2xx response) to every waiting caller; nothing is cached, and the
// next caller makes a new request.
func TestHerdErrorShared(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex, mt := newMock(t, httpexec.Options{Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
		mt.RegisterResponder("GET", "https://api.example.com/x", func(r *http.Request) (*http.Response, error) {
			advance(time.Second)
			return httpmock.NewStringResponse(503, "down"), nil
		})
		req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Minute}
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				resp, err := ex.Do(t.Context(), req)
				se, ok := errors.AsType[*httpexec.StatusError](err)
				if !ok || se.StatusCode != 503 || resp == nil || resp.StatusCode != 503 || resp.FromCache {
					t.Errorf("Do = %+v, %v, want the shared 503", resp, err)
				}
			})
		}
		wg.Wait()
		if got := mt.GetTotalCallCount(); got != 1 {
			t.Fatalf("upstream calls = %d, want 1", got)
		}
		ex.Do(t.Context(), req)
		if got := mt.GetTotalCallCount(); got != 2 {
			t.Fatalf("upstream calls after the failure = %d, want 2 (errors are not cached)", got)
		}
	})
}

// gatedCache is a MemoryCache whose first Get, a miss, waits for the test before it returns.
type gatedCache struct {
	*httpexec.MemoryCache
	gets           atomic.Int32
	missed, resume chan struct{}
}

func (c *gatedCache) Get(ctx context.Context, key httpexec.CacheKey) (*httpexec.CacheEntry, error) {
	ent, err := c.MemoryCache.Get(ctx, key)
	if c.gets.Add(1) == 1 {
		close(c.missed)
		<-c.resume
	}
	return ent, err
}

// TestMissAfterExecutionRetired: a caller that missed the cache while another caller's
// execution of the key was about to store, and that looks for an execution to join only after
// that one retired, is served what it stored: one upstream call for the key, not two.
func TestMissAfterExecutionRetired(t *testing.T) {
	mem, err := httpexec.NewMemoryCache(100, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	cache := &gatedCache{MemoryCache: mem, missed: make(chan struct{}), resume: make(chan struct{})}
	ex, mt := newMock(t, httpexec.Options{Cache: cache})
	mt.RegisterResponder("GET", "https://api.example.com/c/1", httpmock.NewStringResponder(200, `{"n":1}`))
	req := &httpexec.Request{URL: "https://api.example.com/c/1", CacheTTL: time.Minute}

	late := make(chan *httpexec.Response, 1)
	go func() {
		resp, err := ex.Do(t.Context(), req) // misses, then waits in the cache's Get
		if err != nil {
			t.Error(err)
		}
		late <- resp
	}()
	<-cache.missed
	if _, err := ex.Do(t.Context(), req); err != nil { // executes, stores, retires
		t.Fatal(err)
	}
	close(cache.resume)
	resp := <-late
	if resp == nil || !resp.FromCache || resp.Body.String() != `{"n":1}` {
		t.Errorf("late caller got %+v, want the stored response", resp)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("upstream calls = %d, want 1", n)
	}
}
