package httpexectest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
)

// Key returns a CacheKey for the scope whose digest is derived from name.
func Key(team, integration string, version int64, name string) httpexec.CacheKey {
	return httpexec.CacheKey{
		Team: team, Integration: integration, Version: version,
		Digest: sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%s", team, integration, version, name)),
	}
}

// Entry returns an entry stored at now, fresh for ttl and servable stale
// for a further grace.
func Entry(body string, now time.Time, ttl, grace time.Duration) *httpexec.CacheEntry {
	return &httpexec.CacheEntry{
		StatusCode: 200,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       []byte(body),
		StoredAt:   now,
		Expires:    now.Add(ttl),
		StaleUntil: now.Add(ttl + grace),
	}
}

// RunCache runs the conformance suite against caches made by newCache, a
// fresh empty one per subtest. Each subtest is named, so a failing
// property can be rerun alone with -run.
func RunCache(t *testing.T, newCache func(t *testing.T) httpexec.Cache) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().Round(time.Second)

	t.Run("MissingKey", func(t *testing.T) {
		c := newCache(t)
		e, err := c.Get(ctx, Key("t", "i", 1, "a"))
		if e != nil || err != nil {
			t.Fatalf("Get(missing) = %v, %v, want nil, nil", e, err)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		c := newCache(t)
		k := Key("t", "i", 1, "a")
		want := Entry(`{"a":1}`, now, time.Minute, time.Hour)
		if err := c.Set(ctx, k, want); err != nil {
			t.Fatalf("Set: %v", err)
		}
		got, err := c.Get(ctx, k)
		if err != nil || got == nil {
			t.Fatalf("Get = %v, %v, want the entry", got, err)
		}
		checkEntry(t, got, want)
	})
	t.Run("Replace", func(t *testing.T) {
		c := newCache(t)
		k := Key("t", "i", 1, "a")
		c.Set(ctx, k, Entry("old", now, time.Minute, 0))
		c.Set(ctx, k, Entry("new", now, time.Minute, 0))
		got, err := c.Get(ctx, k)
		if err != nil || got == nil || string(got.Body) != "new" {
			t.Fatalf("Get after replace = %v, %v, want new", got, err)
		}
	})
	t.Run("KeysAreDistinct", func(t *testing.T) {
		c := newCache(t)
		keys := []httpexec.CacheKey{
			Key("t", "i", 1, "a"), Key("t", "i", 1, "b"), Key("t", "i", 2, "a"),
			Key("t", "j", 1, "a"), Key("u", "i", 1, "a"),
		}
		for i, k := range keys {
			c.Set(ctx, k, Entry(fmt.Sprint(i), now, time.Minute, 0))
		}
		for i, k := range keys {
			got, err := c.Get(ctx, k)
			if err != nil || got == nil || string(got.Body) != fmt.Sprint(i) {
				t.Errorf("Get(key %d) = %v, %v, want body %d", i, got, err, i)
			}
		}
	})
	t.Run("ExpiredEntryKeptWithinGrace", func(t *testing.T) {
		c := newCache(t)
		k := Key("t", "i", 1, "a")
		past := time.Now().Add(-2 * time.Minute)
		c.Set(ctx, k, Entry("stale", past, time.Minute, time.Hour)) // expired, still within grace
		got, err := c.Get(ctx, k)
		if err != nil || got == nil || string(got.Body) != "stale" {
			t.Fatalf("Get(expired within grace) = %v, %v, want the entry (the Executor serves it on upstream failure)", got, err)
		}
	})
	t.Run("InvalidateScope", func(t *testing.T) {
		c := newCache(t)
		drop := []httpexec.CacheKey{Key("t", "crm", 1, "a"), Key("t", "crm", 1, "b"), Key("t", "crm", 2, "a")}
		keep := []httpexec.CacheKey{Key("t", "billing", 1, "a"), Key("u", "crm", 1, "a"), Key("t", "crm2", 1, "a"), Key("tc", "rm", 1, "a")}
		for _, k := range append(append([]httpexec.CacheKey{}, drop...), keep...) {
			c.Set(ctx, k, Entry("x", now, time.Minute, 0))
		}
		if err := c.Invalidate(ctx, "t", "crm"); err != nil {
			t.Fatalf("Invalidate: %v", err)
		}
		for _, k := range drop {
			if got, _ := c.Get(ctx, k); got != nil {
				t.Errorf("entry %s v%d survived Invalidate", k.Integration, k.Version)
			}
		}
		for _, k := range keep {
			if got, _ := c.Get(ctx, k); got == nil {
				t.Errorf("entry %s/%s v%d was dropped by Invalidate(t, crm)", k.Team, k.Integration, k.Version)
			}
		}
		// The scope is usable again afterwards.
		c.Set(ctx, drop[0], Entry("again", now, time.Minute, 0))
		if got, _ := c.Get(ctx, drop[0]); got == nil || string(got.Body) != "again" {
			t.Errorf("Set after Invalidate not visible: %v", got)
		}
	})
	t.Run("InvalidateUnknownScope", func(t *testing.T) {
		c := newCache(t)
		if err := c.Invalidate(ctx, "nobody", "nothing"); err != nil {
			t.Fatalf("Invalidate(unknown) = %v, want nil", err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		c := newCache(t)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 100 {
					k := Key("t", fmt.Sprint("i", g%2), 1, fmt.Sprint(i%10))
					switch i % 7 {
					case 0:
						if err := c.Invalidate(ctx, "t", k.Integration); err != nil {
							t.Error(err)
						}
					case 1, 2:
						if err := c.Set(ctx, k, Entry("x", now, time.Minute, 0)); err != nil {
							t.Error(err)
						}
					default:
						if _, err := c.Get(ctx, k); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
	})
}

func checkEntry(t *testing.T, got, want *httpexec.CacheEntry) {
	t.Helper()
	if got.StatusCode != want.StatusCode || string(got.Body) != string(want.Body) ||
		got.Header.Get("Content-Type") != want.Header.Get("Content-Type") ||
		!got.StoredAt.Equal(want.StoredAt) || !got.Expires.Equal(want.Expires) || !got.StaleUntil.Equal(want.StaleUntil) {
		t.Errorf("entry = %+v, want %+v", got, want)
	}
}
