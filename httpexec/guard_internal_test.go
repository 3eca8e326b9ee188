package httpexec

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestBlockReasonPublic(t *testing.T) {
	for _, s := range []string{
		"8.8.8.8", "93.184.216.34", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
		"2606:4700:4700::1111", "2a00:1450:4001:82a::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
	} {
		if r, _, _ := blockReason(netip.MustParseAddr(s)); r != "" {
			t.Errorf("blockReason(%s) = %q, want public", s, r)
		}
	}
}

func TestGuardControl(t *testing.T) {
	g := newGuard([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, nil)
	for addr, ok := range map[string]bool{
		"8.8.8.8:443": true, "10.1.2.3:80": true, "[::ffff:10.1.2.3]:80": true,
		"127.0.0.1:80": false, "[::1]:443": false, "169.254.169.254:80": false, "[fd00:ec2::254]:80": false,
		"not-an-address": false, "11.0.0.1:80": true, "192.168.0.1:80": false,
	} {
		err := g.control("tcp", addr, nil)
		if (err == nil) != ok {
			t.Errorf("control(%s) = %v, want allowed=%v", addr, err, ok)
		}
		if err != nil && !errors.Is(err, ErrBlocked) {
			t.Errorf("control(%s) error %v does not wrap ErrBlocked", addr, err)
		}
	}
}

func TestEndsInNumber(t *testing.T) {
	for host, want := range map[string]bool{
		"1": true, "a.1": true, "a.0x1f": true, "0x": true, "1.": true, "example.com": false, "1a": false,
		"a.0xg": false, "": false, "example.123": true, "123.example": false,
	} {
		if got := endsInNumber(host); got != want {
			t.Errorf("endsInNumber(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestRedaction(t *testing.T) {
	for raw, want := range map[string]string{
		"https://api.example.com/v1/c?email=a%40b.c": "https://api.example.com/v1/c",
		"https://user:pass@api.example.com/x#frag":   "https://api.example.com/x",
		"https://api.example.com?x=1":                "https://api.example.com",
		"not a url ?secret":                          "not a url ",
		"https://api.example.com/p@th?k=v":           "https://api.example.com/p@th",
	} {
		if got := redactRaw(raw); got != want {
			t.Errorf("redactRaw(%q) = %q, want %q", raw, got, want)
		}
	}
	for raw, want := range map[string]string{
		"https://a.example.com:8443/x?y": "a.example.com:8443",
		"https://u:p@a.example.com/":     "a.example.com",
		"nonsense":                       "",
	} {
		if got := hostOf(raw); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestReadCapped(t *testing.T) {
	for _, tc := range []struct {
		n, max, hint int64
		tooLarge     bool
	}{
		{0, 10, 0, false}, {10, 10, 10, false}, {10, 10, -1, false}, {11, 10, 11, true},
		{11, 10, 10, true}, {11, 10, -1, true}, {5, 10, 3, false}, {100 << 10, 1 << 20, -1, false},
	} {
		body, err := readCapped(strings.NewReader(strings.Repeat("x", int(tc.n))), tc.max, tc.hint)
		if tc.tooLarge {
			if !errors.Is(err, errTooLarge) {
				t.Errorf("%+v: err = %v, want errTooLarge", tc, err)
			}
			continue
		}
		if err != nil || int64(len(body)) != tc.n {
			t.Errorf("%+v: len %d, %v", tc, len(body), err)
		}
		if tc.hint == tc.n && cap(body) != len(body) {
			t.Errorf("%+v: cap %d with an exact hint, want %d", tc, cap(body), len(body))
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"0": 0, "3": 3 * time.Second, " 120 ": 2 * time.Minute,
		"Thu, 01 Jan 2026 00:00:30 GMT": 30 * time.Second,
		"Wed, 31 Dec 2025 23:00:00 GMT": 0,
	} {
		got, ok := parseRetryAfter(v, now)
		if !ok || got != want {
			t.Errorf("parseRetryAfter(%q) = %v, %v, want %v", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "soon", "-5", "1.5"} {
		if _, ok := parseRetryAfter(v, now); ok {
			t.Errorf("parseRetryAfter(%q) ok, want not", v)
		}
	}
	if d, ok := parseRetryAfter("99999999999999999999", now); !ok || d < time.Hour {
		t.Errorf("huge Retry-After = %v, %v, want very long", d, ok)
	}
}

// TestMemoryCacheAccounting: after concurrent sets, replacements, evictions
// and invalidations, the byte counters equal the sizes of the entries held
// and the index names exactly the entries held.
func TestMemoryCacheAccounting(t *testing.T) {
	c, err := newMemoryCache(1024, 64<<10, 4<<10)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.shards) < 2 {
		t.Fatalf("shards = %d, want several", len(c.shards))
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				k := CacheKey{Team: "t", Integration: fmt.Sprint(i % 3)}
				k.Digest[0], k.Digest[1] = byte(i%97), byte(g)
				if i%41 == 0 {
					c.Invalidate(ctx, "t", k.Integration)
					continue
				}
				c.Set(ctx, k, &CacheEntry{StatusCode: 200, Header: http.Header{"A": {"b"}}, Body: make([]byte, (i%7)*512)})
				c.Get(ctx, k)
			}
		})
	}
	wg.Wait()
	indexed := 0
	for sid, set := range c.index {
		for d := range set {
			me, ok := c.shard(d).lru.Peek(d)
			if !ok || me.key.Integration != sid.integration {
				t.Errorf("index names %x in %v, not held", d[:2], sid)
			}
			indexed++
		}
	}
	var sum int64
	for i := range c.shards {
		sh := &c.shards[i]
		var shardSum int64
		for _, me := range sh.lru.Values() {
			shardSum += me.size
		}
		if got := sh.bytes.Load(); got != shardSum {
			t.Errorf("shard %d bytes = %d, entries sum to %d", i, got, shardSum)
		}
		if shardSum > sh.budget {
			t.Errorf("shard %d holds %d bytes over its budget %d", i, shardSum, sh.budget)
		}
		sum += shardSum
	}
	if indexed != c.Len() {
		t.Errorf("index holds %d keys, cache %d", indexed, c.Len())
	}
	if c.Bytes() != sum {
		t.Errorf("Bytes() = %d, want %d", c.Bytes(), sum)
	}
}

// TestFenceRunsBeforeEveryDial: the test fence sees each address the guard lets through, before
// the dialer does, and its refusal stops the dial. The dialer's Control refuses every connect
// here too, so this test cannot reach the network even if the fence were bypassed.
func TestFenceRunsBeforeEveryDial(t *testing.T) {
	g := newGuard([]netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}, nil)
	var reachedDialer bool
	g.dialer.Control = func(string, string, syscall.RawConn) error {
		reachedDialer = true
		return errors.New("test: never connect")
	}
	var fenced []netip.Addr
	g.fence = func(a netip.Addr) error {
		fenced = append(fenced, a)
		return errors.New("fenced")
	}
	_, err := g.dialContext(t.Context(), "tcp", "8.8.8.8:80")
	if err == nil || err.Error() != "fenced" {
		t.Errorf("dialContext error = %v, want the fence's", err)
	}
	if want := []netip.Addr{netip.MustParseAddr("8.8.8.8")}; !slices.Equal(fenced, want) {
		t.Errorf("fence saw %v, want %v", fenced, want)
	}
	if reachedDialer {
		t.Error("the dialer ran although the fence refused")
	}
}
