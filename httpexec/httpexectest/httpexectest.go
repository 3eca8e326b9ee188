package httpexectest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"net/http"
	"slices"
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
		want := richEntry(now)
		if err := c.Set(ctx, k, want); err != nil {
			t.Fatalf("Set: %v", err)
		}
		got, err := c.Get(ctx, k)
		if err != nil || got == nil {
			t.Fatalf("Get = %v, %v, want the entry", got, err)
		}
		checkEntry(t, got, richEntry(now))
	})
	t.Run("SetLeavesEntryAlone", func(t *testing.T) {
		// The Executor keeps serving the entry it stored: a cache must
		// not change it.
		c := newCache(t)
		k := Key("t", "i", 1, "a")
		e := richEntry(now)
		if err := c.Set(ctx, k, e); err != nil {
			t.Fatalf("Set: %v", err)
		}
		c.Get(ctx, k)
		c.Set(ctx, Key("t", "i", 1, "b"), Entry("other", now, time.Minute, 0))
		checkEntry(t, e, richEntry(now))
	})
	t.Run("ReturnedEntryStaysIntact", func(t *testing.T) {
		// Responses are read-only views of the entry Get returned, held
		// while other calls use the cache: Get must not hand out an entry
		// (or body or header) that a later Set or Get overwrites in place.
		c := newCache(t)
		a, b := Key("t", "i", 1, "a"), Key("t", "i", 1, "b")
		c.Set(ctx, a, richEntry(now))
		c.Set(ctx, b, Entry("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", now, time.Minute, 0))
		got, err := c.Get(ctx, a)
		if err != nil || got == nil {
			t.Fatalf("Get = %v, %v, want the entry", got, err)
		}
		c.Get(ctx, b)
		repl := Entry("replacement", now.Add(time.Second), 2*time.Minute, time.Minute)
		repl.Header.Set("Content-Type", "text/plain")
		c.Set(ctx, a, repl)
		c.Get(ctx, a)
		c.Invalidate(ctx, "t", "i")
		checkEntry(t, got, richEntry(now))
	})
	t.Run("DigestIsWholeKey", func(t *testing.T) {
		// Two keys of different teams whose digests differ in their last
		// byte only: a store keyed by part of the digest would serve one
		// team the other's response.
		c := newCache(t)
		k1 := Key("t", "i", 1, "a")
		k2 := k1
		k2.Team = "u"
		k2.Digest[31] ^= 1
		k3 := k1
		k3.Digest[0] ^= 1
		for i, k := range []httpexec.CacheKey{k1, k2, k3} {
			c.Set(ctx, k, Entry(fmt.Sprint("entry ", i), now, time.Minute, 0))
		}
		for i, k := range []httpexec.CacheKey{k1, k2, k3} {
			got, err := c.Get(ctx, k)
			if err != nil || got == nil || string(got.Body) != fmt.Sprint("entry ", i) {
				t.Errorf("Get(key %d) = %v, %v, want entry %d", i, got, err, i)
			}
		}
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

// richEntry is an entry that exercises a store's encoding: a 2xx status
// other than 200, repeated and empty header values, a binary body holding
// every byte value, and times a minute and an hour apart.
func richEntry(now time.Time) *httpexec.CacheEntry {
	body := make([]byte, 0, 512)
	for i := range 512 {
		body = append(body, byte(i))
	}
	e := Entry(string(body), now, time.Minute, time.Hour)
	e.StatusCode = 203
	e.Header["Set-Cookie"] = []string{"a=1", "b=2"}
	e.Header["X-Empty"] = []string{""}
	return e
}

// checkEntry reports every field of got that differs from want. Times are
// compared with Equal: a store may drop the monotonic reading and the
// location.
func checkEntry(t *testing.T, got, want *httpexec.CacheEntry) {
	t.Helper()
	if got.StatusCode != want.StatusCode {
		t.Errorf("StatusCode = %d, want %d", got.StatusCode, want.StatusCode)
	}
	if !bytes.Equal(got.Body, want.Body) {
		t.Errorf("Body = %q, want %q", got.Body, want.Body)
	}
	if !maps.EqualFunc(got.Header, want.Header, slices.Equal) {
		t.Errorf("Header = %v, want %v", got.Header, want.Header)
	}
	for _, f := range []struct {
		name      string
		got, want time.Time
	}{{"StoredAt", got.StoredAt, want.StoredAt}, {"Expires", got.Expires, want.Expires}, {"StaleUntil", got.StaleUntil, want.StaleUntil}} {
		if !f.got.Equal(f.want) {
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
}
