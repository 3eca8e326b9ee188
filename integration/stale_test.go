package integration_test

import (
	"context"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
)

// agingCache is an httpexec.Cache whose entries can be made to look expired.
type agingCache struct {
	mu   sync.Mutex
	m    map[httpexec.CacheKey]*httpexec.CacheEntry
	aged bool
}

func (c *agingCache) Get(_ context.Context, k httpexec.CacheKey) (*httpexec.CacheEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[k]
	if e == nil || !c.aged {
		return e, nil
	}
	old := *e
	old.Expires = time.Now().Add(-time.Minute)
	old.StaleUntil = time.Now().Add(time.Hour)
	return &old, nil
}

func (c *agingCache) Set(_ context.Context, k httpexec.CacheKey, e *httpexec.CacheEntry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = e
	return nil
}

func (c *agingCache) Invalidate(_ context.Context, team, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if k.Team == team && k.Integration == id {
			delete(c.m, k)
		}
	}
	return nil
}

func TestStaleResponseServedWithItsError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cache := &agingCache{m: map[httpexec.CacheKey]*httpexec.CacheEntry{}}
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:     noDNS{},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
		Cache:        cache,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	svc := e.service(t, func(o *integration.Options) { o.Executor = exec })
	var down atomic.Bool
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		jsonReply(`{"id":1,"tier":"Gold","ltv":5}`)(w, r)
	})
	ctx := t.Context()
	in, err := svc.Create(ctx, adminA, &integration.Integration{
		Name: "CRM", URL: up.URL, CacheMinutes: 1, Active: true,
		Display: integration.Display{Enabled: true, Template: customerTemplate},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Attach(ctx, adminA, in.ID, "a1", 0); err != nil {
		t.Fatal(err)
	}
	req := &integration.ProfileRequest{InboxID: "a1", Contact: ada}
	if _, err := svc.Profile(ctx, memberA, req); err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	cache.mu.Lock()
	cache.aged = true
	cache.mu.Unlock()
	cards, err := svc.Profile(ctx, memberA, req)
	if err != nil {
		t.Fatal(err)
	}
	c := cards[0]
	if c.Status != integration.StatusOK || !c.Stale || !c.FromCache || c.Output == nil ||
		c.Error == nil || c.Error.Category != httpexec.CategoryUpstream5xx || c.FetchedAt.IsZero() {
		t.Errorf("stale card = %s; want ok, stale, from cache, with nodes and an upstream_5xx error", mustJSON(t, c))
	}
}
