package httpexec_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
)

// generationCache shows how a shared store (Redis) can implement
// Invalidate without listing keys: every scope has a generation number
// that is folded into the store's own key, and Invalidate bumps it, so the
// old entries become unreachable and expire on their own. A map stands in
// for Redis (GET/SET with a TTL of StaleUntil, INCR for the generation).
type generationCache struct {
	mu    sync.Mutex
	gens  map[string]int64                // "team\x00integration" -> generation (Redis: INCR)
	items map[string]*httpexec.CacheEntry // store key -> entry (Redis: SET key val PXAT StaleUntil)
}

func (c *generationCache) storeKey(k httpexec.CacheKey) string {
	gen := c.gens[k.Team+"\x00"+k.Integration]
	return fmt.Sprintf("httpexec:%x:%d", k.Digest, gen)
}

func (c *generationCache) Get(_ context.Context, k httpexec.CacheKey) (*httpexec.CacheEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[c.storeKey(k)], nil
}

func (c *generationCache) Set(_ context.Context, k httpexec.CacheKey, e *httpexec.CacheEntry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[c.storeKey(k)] = e
	return nil
}

func (c *generationCache) Invalidate(_ context.Context, team, integration string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[team+"\x00"+integration]++
	return nil
}

func Example_sharedCache() {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Write([]byte("call " + strconv.Itoa(calls)))
	}))
	defer srv.Close()

	cache := &generationCache{gens: map[string]int64{}, items: map[string]*httpexec.CacheEntry{}}
	exec, err := httpexec.New(httpexec.Options{
		Cache:        cache,
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()
	req := &httpexec.Request{URL: srv.URL, CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "crm"}}
	for _, invalidate := range []bool{false, false, true} {
		if invalidate {
			exec.Invalidate(context.Background(), "t", "crm")
		}
		resp, _ := exec.Do(context.Background(), req)
		fmt.Println(resp.Body.String(), resp.FromCache)
	}
	// Output:
	// call 1 false
	// call 1 true
	// call 2 false
}
