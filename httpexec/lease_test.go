package httpexec_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// fleetCache is one store shared by several Executors, each standing in
// for a process: a MemoryCache plus an httpexec.Leaser on a map. Await
// blocks on the lease's channel, so that tests run on synctest's clock.
type fleetCache struct {
	*httpexec.MemoryCache

	mu       sync.Mutex
	leases   map[[32]byte]*fakeLease
	failures map[[32]byte]*httpexec.SharedFailure
	acquired atomic.Int32
	awaited  atomic.Int32

	acquireErr, awaitErr error // injected failures
	last                 httpexec.CacheKey
}

type fakeLease struct {
	token string
	done  chan struct{}
}

var _ httpexec.Leaser = (*fleetCache)(nil)

func newFleetCache(t *testing.T) *fleetCache {
	t.Helper()
	mc, err := httpexec.NewMemoryCache(100, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return &fleetCache{MemoryCache: mc, leases: map[[32]byte]*fakeLease{}, failures: map[[32]byte]*httpexec.SharedFailure{}}
}

func (c *fleetCache) Set(ctx context.Context, key httpexec.CacheKey, e *httpexec.CacheEntry) error {
	c.mu.Lock()
	c.last = key
	c.mu.Unlock()
	return c.MemoryCache.Set(ctx, key, e)
}

// held returns the number of leases held.
func (c *fleetCache) held() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.leases)
}

// lastSet returns the key of the last Set.
func (c *fleetCache) lastSet() httpexec.CacheKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func (c *fleetCache) Acquire(_ context.Context, key httpexec.CacheKey, _ time.Duration) (string, bool, error) {
	if c.acquireErr != nil {
		return "", false, c.acquireErr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.leases[key.Digest] != nil || c.failures[key.Digest] != nil {
		return "", false, nil
	}
	c.acquired.Add(1)
	l := &fakeLease{token: "tok", done: make(chan struct{})}
	c.leases[key.Digest] = l
	return l.token, true, nil
}

func (c *fleetCache) Release(_ context.Context, key httpexec.CacheKey, token string, f *httpexec.SharedFailure) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.leases[key.Digest]
	if l == nil || l.token != token {
		return nil
	}
	delete(c.leases, key.Digest)
	if f != nil {
		c.failures[key.Digest] = f
	}
	close(l.done)
	return nil
}

func (c *fleetCache) Await(ctx context.Context, key httpexec.CacheKey) (*httpexec.CacheEntry, *httpexec.SharedFailure, error) {
	c.awaited.Add(1)
	if c.awaitErr != nil {
		return nil, nil, c.awaitErr
	}
	c.mu.Lock()
	l := c.leases[key.Digest]
	c.mu.Unlock()
	if l != nil {
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, nil, nil
		}
	}
	c.mu.Lock()
	f := c.failures[key.Digest]
	c.mu.Unlock()
	e, _ := c.Get(ctx, key)
	if e != nil && time.Now().Before(e.Expires) {
		return e, nil, nil
	}
	return nil, f, nil
}

// fleet returns n Executors sharing cache and one mock upstream.
func fleet(t *testing.T, n int, cache httpexec.Cache, o httpexec.Options) ([]*httpexec.Executor, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	o.Transport, o.Cache = mt, cache
	var exs []*httpexec.Executor
	for range n {
		ex, err := httpexec.New(o)
		if err != nil {
			t.Fatal(err)
		}
		exs = append(exs, ex)
	}
	return exs, mt
}

// loadAll runs perProcess concurrent Do calls on every Executor and
// returns the responses and errors, in no particular order.
func loadAll(t *testing.T, exs []*httpexec.Executor, perProcess int, req *httpexec.Request) ([]*httpexec.Response, []error) {
	var mu sync.Mutex
	var resps []*httpexec.Response
	var errs []error
	var wg sync.WaitGroup
	for _, ex := range exs {
		for range perProcess {
			wg.Go(func() {
				resp, err := ex.Do(t.Context(), req)
				mu.Lock()
				resps, errs = append(resps, resp), append(errs, err)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	return resps, errs
}

var fleetReq = &httpexec.Request{URL: "https://api.example.com/contacts/vip", CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "crm"}}

// TestLeaseFleetCollapse is P12 on one process: 3 Executors (processes)
// x 100 concurrent loads of one uncached key, one upstream call; the
// others are served what the lease holder stored, when it stored it.
func TestLeaseFleetCollapse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cache := newFleetCache(t)
		exs, mt := fleet(t, 3, cache, httpexec.Options{})
		mt.RegisterResponder("GET", fleetReq.URL, func(*http.Request) (*http.Response, error) {
			advance(50 * time.Millisecond)
			return httpmock.NewStringResponse(200, `{"vip":true}`), nil
		})
		t0 := time.Now()
		resps, errs := loadAll(t, exs, 100, fleetReq)
		if got := mt.GetTotalCallCount(); got != 1 {
			t.Fatalf("upstream calls = %d, want 1 for the fleet", got)
		}
		if took := time.Since(t0); took != 50*time.Millisecond {
			t.Errorf("loads took %v, want 50ms (the one upstream call)", took)
		}
		fromOther := 0
		for i, resp := range resps {
			if errs[i] != nil || resp.Body.String() != `{"vip":true}` {
				t.Fatalf("load %d = %+v, %v", i, resp, errs[i])
			}
			if resp.FromCache {
				fromOther++
			}
		}
		if fromOther != 200 {
			t.Errorf("%d loads served from the lease holder's entry, want 200 (the two other processes)", fromOther)
		}
		if got := cache.awaited.Load(); got != 2 {
			t.Errorf("Await calls = %d, want 2 (one per waiting process, its herd collapsed in-process)", got)
		}
	})
}

// TestLeaseSharedFailure: the lease holder's failure reaches the other
// processes' callers as their own error, without a call of theirs.
func TestLeaseSharedFailure(t *testing.T) {
	tests := []struct {
		name      string
		responder httpmock.Responder
		check     func(t *testing.T, resp *httpexec.Response, err error)
	}{
		{
			name:      "status",
			responder: httpmock.NewStringResponder(503, "down"),
			check: func(t *testing.T, resp *httpexec.Response, err error) {
				se, ok := errors.AsType[*httpexec.StatusError](err)
				if !ok || se.StatusCode != 503 || resp == nil || resp.StatusCode != 503 {
					t.Errorf("Do = %+v, %v, want status 503 with its response", resp, err)
				}
				if ok && se.URL != "https://api.example.com" {
					t.Errorf("StatusError.URL = %q, want the origin (the request has no URL template)", se.URL)
				}
			},
		},
		{
			name:      "network",
			responder: httpmock.NewErrorResponder(errors.New("connection reset by peer")),
			check: func(t *testing.T, resp *httpexec.Response, err error) {
				if !errors.Is(err, httpexec.ErrNetwork) || httpexec.CategoryOf(err) != httpexec.CategoryNetwork {
					t.Errorf("Do = %+v, %v, want a network error", resp, err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				exs, mt := fleet(t, 3, newFleetCache(t), httpexec.Options{Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
				mt.RegisterResponder("GET", fleetReq.URL, func(r *http.Request) (*http.Response, error) {
					advance(time.Second)
					return tt.responder(r)
				})
				resps, errs := loadAll(t, exs, 20, fleetReq)
				if got := mt.GetTotalCallCount(); got != 1 {
					t.Fatalf("upstream calls = %d, want 1: the failure is shared, not retried by each process", got)
				}
				for i := range resps {
					tt.check(t, resps[i], errs[i])
				}
			})
		})
	}
}

// TestLeaseFailuresFallBack: a Leaser that fails, or a holder that ends
// without an outcome, costs upstream calls, never an error.
func TestLeaseFailuresFallBack(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(c *fleetCache)
		wantCalls int
	}{
		{"acquire fails", func(c *fleetCache) { c.acquireErr = errors.New("redis down") }, 3},
		{"await fails", func(c *fleetCache) { c.awaitErr = errors.New("redis down") }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cache := newFleetCache(t)
				tt.setup(cache)
				exs, mt := fleet(t, 3, cache, httpexec.Options{})
				mt.RegisterResponder("GET", fleetReq.URL, func(*http.Request) (*http.Response, error) {
					advance(50 * time.Millisecond)
					return httpmock.NewStringResponse(200, "ok"), nil
				})
				resps, errs := loadAll(t, exs, 10, fleetReq)
				for i := range resps {
					if errs[i] != nil || resps[i].Body.String() != "ok" {
						t.Fatalf("Do = %+v, %v, want ok", resps[i], errs[i])
					}
				}
				if got := mt.GetTotalCallCount(); got != tt.wantCalls {
					t.Errorf("upstream calls = %d, want %d (one per process)", got, tt.wantCalls)
				}
			})
		})
	}
}

// TestLeaseHolderLeaves: every caller of the holding process leaves, its
// execution is canceled and releases the lease without an outcome; the
// waiting process then calls the upstream itself.
func TestLeaseHolderLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cache := newFleetCache(t)
		exs, mt := fleet(t, 2, cache, httpexec.Options{})
		var calls atomic.Int32
		mt.RegisterResponder("GET", fleetReq.URL, func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			select {
			case <-time.After(50 * time.Millisecond):
				return httpmock.NewStringResponse(200, "ok"), nil
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer cancel()
		holderDone := make(chan error)
		go func() {
			_, err := exs[0].Do(ctx, fleetReq)
			holderDone <- err
		}()
		synctest.Wait() // the holder's execution has the lease and waits for the upstream
		resp, err := exs[1].Do(t.Context(), fleetReq)
		if err != nil || resp.Body.String() != "ok" || resp.FromCache {
			t.Fatalf("waiting process: Do = %+v, %v, want its own ok", resp, err)
		}
		if err := <-holderDone; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("holder: Do error = %v, want its deadline", err)
		}
		if got := calls.Load(); got != 2 {
			t.Errorf("upstream calls = %d, want 2 (the canceled holder's, the waiter's own)", got)
		}
	})
}

// TestLeaseRefreshLeads: a Refresh request never takes another process's
// result (which may be the entry it wants to replace).
func TestLeaseRefreshLeads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cache := newFleetCache(t)
		exs, mt := fleet(t, 2, cache, httpexec.Options{})
		var n atomic.Int32
		mt.RegisterResponder("GET", fleetReq.URL, func(*http.Request) (*http.Response, error) {
			body := fmt.Sprint(n.Add(1))
			advance(50 * time.Millisecond)
			return httpmock.NewStringResponse(200, body), nil
		})
		exs[0].Do(t.Context(), fleetReq) // stores "1"
		refresh := *fleetReq
		refresh.Refresh = true
		var wg sync.WaitGroup
		var got [2]string
		for i, ex := range exs {
			wg.Go(func() {
				resp, err := ex.Do(t.Context(), &refresh)
				if err != nil {
					t.Errorf("Do: %v", err)
					return
				}
				got[i] = resp.Body.String()
			})
		}
		wg.Wait()
		if got[0] == "1" || got[1] == "1" {
			t.Errorf("refreshed bodies = %q, want none to be the entry they replace", got)
		}
		if cache.awaited.Load() != 0 {
			t.Errorf("a Refresh request waited for another process's lease")
		}
	})
}

// meanwhileCache is a fleetCache whose Get misses once, then finds what
// another process stored meanwhile.
type meanwhileCache struct {
	*fleetCache
	gets atomic.Int32
	ent  *httpexec.CacheEntry
}

func (c *meanwhileCache) Get(context.Context, httpexec.CacheKey) (*httpexec.CacheEntry, error) {
	if c.gets.Add(1) == 1 {
		return nil, nil
	}
	return c.ent, nil
}

// TestLeaseStoredMeanwhile: another process stores the entry and releases
// the lease between this process's miss and its Acquire; the lease's new
// holder serves that entry instead of calling the upstream again.
func TestLeaseStoredMeanwhile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		cache := &meanwhileCache{fleetCache: newFleetCache(t), ent: &httpexec.CacheEntry{StatusCode: 200, Body: []byte("theirs"), StoredAt: now, Expires: now.Add(time.Minute), StaleUntil: now.Add(time.Hour)}}
		exs, mt := fleet(t, 1, cache, httpexec.Options{})
		mt.RegisterResponder("GET", fleetReq.URL, httpmock.NewStringResponder(200, "ours"))
		resp, err := exs[0].Do(t.Context(), fleetReq)
		if err != nil || resp.Body.String() != "theirs" || !resp.FromCache {
			t.Fatalf("Do = %q (FromCache %v), %v, want the entry stored meanwhile", resp.Body, resp.FromCache, err)
		}
		if got := mt.GetTotalCallCount(); got != 0 {
			t.Errorf("upstream calls = %d, want 0", got)
		}
		if n := cache.held(); n != 0 {
			t.Errorf("%d leases still held, want 0 (released)", n)
		}
	})
}
