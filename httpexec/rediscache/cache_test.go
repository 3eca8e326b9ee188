package rediscache_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/httpexectest"
	"github.com/inboxkit/inboxkit/httpexec/rediscache"
)

// TestRoundTrip: every field of an entry comes back as it was stored.
func TestRoundTrip(t *testing.T) {
	c, _ := newCache(t, rediscache.Options{})
	now := time.Now()
	tests := []struct {
		name string
		e    *httpexec.CacheEntry
	}{
		{"full", &httpexec.CacheEntry{
			StatusCode: 203,
			Header:     http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"a=1", "b=2"}, "X-Empty": {""}},
			Body:       []byte(`{"name":"Zoë \"Z\" O'Brien\n"}`),
			StoredAt:   now, Expires: now.Add(time.Minute), StaleUntil: now.Add(time.Hour),
			Duration: 123456 * time.Microsecond,
		}},
		{"empty body, no header", &httpexec.CacheEntry{StatusCode: 204, Header: nil, Body: []byte{}, StoredAt: now, Expires: now.Add(time.Minute), StaleUntil: now.Add(time.Minute)}},
		{"binary body", &httpexec.CacheEntry{StatusCode: 200, Body: []byte{0, 1, 0xff, '\r', '\n'}, StoredAt: now, Expires: now.Add(time.Minute), StaleUntil: now.Add(time.Minute)}},
		{"zero stored-at", &httpexec.CacheEntry{StatusCode: 200, Body: []byte("x"), Expires: now.Add(time.Minute), StaleUntil: now.Add(time.Minute)}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := httpexectest.Key("t", "i", 1, tt.name)
			if err := c.Set(t.Context(), k, tt.e); err != nil {
				t.Fatalf("Set: %v", err)
			}
			got, err := c.Get(t.Context(), k)
			if err != nil || got == nil {
				t.Fatalf("Get = %v, %v", got, err)
			}
			want := *tt.e
			if len(want.Body) == 0 {
				want.Body = []byte{}
			}
			if diff := cmp.Diff(&want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("entry %d mismatch (-want +got):\n%s", i, diff)
			}
		})
	}
}

// TestRedisTTLIsStaleUntil: Redis expires an entry at its StaleUntil, not
// its Expires, so stale-if-error has something to serve.
func TestRedisTTLIsStaleUntil(t *testing.T) {
	c, client := newCache(t, rediscache.Options{})
	k := httpexectest.Key("t", "i", 1, "a")
	if err := c.Set(t.Context(), k, httpexectest.Entry("x", time.Now(), time.Minute, time.Hour)); err != nil {
		t.Fatal(err)
	}
	var entryTTL time.Duration
	for _, key := range ownKeys(t, client, "}e:") {
		entryTTL = client.PTTL(t.Context(), key).Val()
	}
	if entryTTL < 60*time.Minute || entryTTL > 61*time.Minute {
		t.Errorf("entry TTL in Redis = %v, want about 61m (Expires + grace)", entryTTL)
	}
	// An entry already past its StaleUntil is not stored, and removes the old one.
	past := time.Now().Add(-2 * time.Hour)
	if err := c.Set(t.Context(), k, httpexectest.Entry("old", past, time.Minute, time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(t.Context(), k); got != nil || err != nil {
		t.Errorf("Get after storing a dead entry = %v, %v, want a miss", got, err)
	}
}

// TestMaxEntryBytes: an entry over the cap is not stored, and an older
// entry under the key is removed rather than served on.
func TestMaxEntryBytes(t *testing.T) {
	c, _ := newCache(t, rediscache.Options{MaxEntryBytes: 1000})
	now := time.Now()
	k := httpexectest.Key("t", "i", 1, "a")
	small := httpexectest.Entry(strings.Repeat("s", 900), now, time.Minute, 0)
	if err := c.Set(t.Context(), k, small); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Get(t.Context(), k); got == nil {
		t.Fatal("entry under the cap not stored")
	}
	big := httpexectest.Entry(strings.Repeat("b", 1000), now, time.Minute, 0) // body fits, encoding does not
	if err := c.Set(t.Context(), k, big); err != nil {
		t.Fatalf("Set(too big) = %v, want nil (not storing is not an error)", err)
	}
	if got, err := c.Get(t.Context(), k); got != nil || err != nil {
		t.Errorf("Get after an oversized Set = %v, %v, want a miss (the old entry is replaced by nothing)", got != nil, err)
	}
}

// TestInvalidateIsOneCommand: Invalidate changes the scope's generation
// key and touches nothing else, however many entries the scope has.
func TestInvalidateIsOneCommand(t *testing.T) {
	c, client := newCache(t, rediscache.Options{})
	now := time.Now()
	for _, name := range []string{"a", "b", "c", "d"} {
		c.Set(t.Context(), httpexectest.Key("t", "crm", 1, name), httpexectest.Entry(name, now, time.Minute, 0))
	}
	c.Set(t.Context(), httpexectest.Key("t", "billing", 1, "a"), httpexectest.Entry("keep", now, time.Minute, 0))
	var cmds []string
	client.AddHook(cmdRecorder{&cmds})
	if err := c.Invalidate(t.Context(), "t", "crm"); err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 1 || !strings.HasPrefix(cmds[0], "set ") || !strings.Contains(cmds[0], " xx") || !strings.Contains(cmds[0], " keepttl") {
		t.Errorf("Invalidate sent %q, want one SET ... XX KEEPTTL", cmds)
	}
	if got, _ := c.Get(t.Context(), httpexectest.Key("t", "crm", 1, "a")); got != nil {
		t.Error("entry survived Invalidate")
	}
	if got, _ := c.Get(t.Context(), httpexectest.Key("t", "billing", 1, "a")); got == nil {
		t.Error("another integration's entry was invalidated")
	}
}

// TestLostGenerationIsAMiss: if Redis evicts or loses a scope's
// generation, the scope's old entries become unreachable, never served
// again under a reused generation.
func TestLostGenerationIsAMiss(t *testing.T) {
	c, client := newCache(t, rediscache.Options{})
	k := httpexectest.Key("t", "crm", 1, "a")
	c.Set(t.Context(), k, httpexectest.Entry("before", time.Now(), time.Minute, 0))
	gens := ownKeys(t, client, "}g")
	if len(gens) != 1 {
		t.Fatalf("generation keys = %q, want 1", gens)
	}
	client.Del(t.Context(), gens[0]) // what maxmemory eviction would do
	if got, err := c.Get(t.Context(), k); got != nil || err != nil {
		t.Fatalf("Get after losing the generation = %v, %v, want a miss", got, err)
	}
	c.Set(t.Context(), k, httpexectest.Entry("after", time.Now(), time.Minute, 0))
	if got, _ := c.Get(t.Context(), k); got == nil || string(got.Body) != "after" {
		t.Errorf("Get after a new Set = %v, want after", got)
	}
}

// TestUndecodable: a value of another encoding version, or garbage, is
// an error (the Executor's miss), never a panic or a wrong entry.
func TestUndecodable(t *testing.T) {
	c, client := newCache(t, rediscache.Options{})
	k := httpexectest.Key("t", "crm", 1, "a")
	c.Set(t.Context(), k, httpexectest.Entry("x", time.Now(), time.Minute, 0))
	entries := ownKeys(t, client, "}e:")
	if len(entries) != 1 {
		t.Fatalf("entry keys = %q, want 1", entries)
	}
	entryKey := entries[0]
	for _, v := range []string{"\x02future encoding", "", "\x01", "\x01\xc8\x01\x00\x00\x00\x00\xff"} {
		client.Set(t.Context(), entryKey, v, time.Minute)
		got, err := c.Get(t.Context(), k)
		if got != nil || err == nil {
			t.Errorf("Get(%q) = %v, %v, want nil and an error", v, got, err)
		}
	}
}

// cmdRecorder records the commands a client sends.
type cmdRecorder struct{ cmds *[]string }

func (r cmdRecorder) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r cmdRecorder) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		var parts []string
		for _, a := range cmd.Args() {
			if s, ok := a.(string); ok {
				parts = append(parts, strings.ToLower(s))
			}
		}
		*r.cmds = append(*r.cmds, strings.Join(parts, " "))
		return next(ctx, cmd)
	}
}
func (r cmdRecorder) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestOutageBackoff: after a failed call the Cache answers ErrUnavailable
// at once, for OutageBackoff, then calls Redis again.
func TestOutageBackoff(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts, then hangs up: a dead Redis
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	opt := clientOptions(t)
	opt.Addr = ln.Addr().String()
	client := redis.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	c, err := rediscache.New(client, rediscache.Options{OutageBackoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	k := httpexectest.Key("t", "i", 1, "a")
	if _, err := c.Get(t.Context(), k); err == nil || errors.Is(err, rediscache.ErrUnavailable) {
		t.Fatalf("first Get = %v, want the connection's error", err)
	}
	start := time.Now()
	if _, err := c.Get(t.Context(), k); !errors.Is(err, rediscache.ErrUnavailable) {
		t.Errorf("Get during the back-off = %v, want ErrUnavailable", err)
	}
	if err := c.Set(t.Context(), k, httpexectest.Entry("x", time.Now(), time.Minute, 0)); !errors.Is(err, rediscache.ErrUnavailable) {
		t.Errorf("Set during the back-off = %v, want ErrUnavailable", err)
	}
	if _, _, err := c.Acquire(t.Context(), k, time.Second); !errors.Is(err, rediscache.ErrUnavailable) {
		t.Errorf("Acquire during the back-off = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("calls during the back-off took %v, want no round trip", d)
	}
	if err := c.Invalidate(t.Context(), "t", "i"); err == nil || errors.Is(err, rediscache.ErrUnavailable) {
		t.Errorf("Invalidate during the back-off = %v, want Redis's own error (it always tries)", err)
	}
}

func TestNewOptions(t *testing.T) {
	client := newClient(t)
	for _, o := range []rediscache.Options{{Prefix: "a{b"}, {Prefix: "}"}, {MaxEntryBytes: -1}} {
		if _, err := rediscache.New(client, o); err == nil {
			t.Errorf("New(%+v) = nil error, want one", o)
		}
	}
	if _, err := rediscache.New(nil, rediscache.Options{}); err == nil {
		t.Error("New(nil client) = nil error, want one")
	}
}
