package integration_test

import (
	"context"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

// A refresh while the upstream is down keeps the card the agent saw, marked stale, with the
// refresh's error: for one card and for all of them.
func TestRefreshWhileUpstreamDownKeepsStaleCard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	var down atomic.Bool
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		jsonReply(`{"id":1,"tier":"Gold","ltv":5}`)(w, r)
	})
	var ids []string
	for i, name := range []string{"CRM", "Billing"} {
		in := e.create(t, &integration.Integration{
			Name: name, URL: up.URL + "/" + name, CacheMinutes: 10, Active: true,
			Display: integration.Display{Enabled: true, Template: customerTemplate},
		}, i, "a1")
		ids = append(ids, in.ID)
	}
	first, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	for _, tc := range []struct {
		name string
		req  integration.ProfileRequest
		want []int // indexes into first
	}{
		{"one card", integration.ProfileRequest{InboxID: "a1", Contact: ada, Refresh: true, IntegrationID: ids[1]}, []int{1}},
		{"all cards", integration.ProfileRequest{InboxID: "a1", Contact: ada, Refresh: true}, []int{0, 1}},
	} {
		cards, err := e.svc.Profile(ctx, memberA, &tc.req)
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != len(tc.want) {
			t.Fatalf("%s: %d cards, want %d", tc.name, len(cards), len(tc.want))
		}
		for i, c := range cards {
			was := first[tc.want[i]]
			if c.Status != integration.StatusOK || !c.Stale || c.Error == nil || c.Error.Category != httpexec.CategoryUpstream5xx {
				t.Errorf("%s: card %s = %s; want ok, stale, with an upstream_5xx error", tc.name, c.Name, mustJSON(t, c))
			}
			if diff := cmp.Diff(was.Output, c.Output); diff != "" {
				t.Errorf("%s: card %s nodes changed (-was +now):\n%s", tc.name, c.Name, diff)
			}
			// The executor's clock stamped the entry, the Service's the first card.
			if d := c.FetchedAt.Sub(was.FetchedAt).Abs(); d > time.Second {
				t.Errorf("%s: card %s fetched at %v, want the original %v", tc.name, c.Name, c.FetchedAt, was.FetchedAt)
			}
		}
	}
}
