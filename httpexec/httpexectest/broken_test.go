package httpexectest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/httpexectest"
)

// brokenCache is a map-backed httpexec.Cache with one deliberate bug, each
// a mistake a real store (Redis, SQL, a hand-written LRU) can make.
type brokenCache struct {
	bug string
	mu  sync.Mutex
	m   map[string]*httpexec.CacheEntry
	buf *httpexec.CacheEntry // "sharedbuffer": the one entry every Get decodes into
}

var errNotFound = errors.New("not found")

func (c *brokenCache) id(k httpexec.CacheKey) string {
	switch c.bug {
	case "scopeonly": // one entry per integration version: contacts see each other's data
		return k.Team + "\x00" + k.Integration
	case "digestprefix": // a shortened digest: teams can meet in it
		return string(k.Digest[:8])
	}
	return k.Team + "\x00" + k.Integration + "\x00" + string(k.Digest[:])
}

func (c *brokenCache) lock() func() {
	if c.bug == "nolock" {
		return func() {}
	}
	c.mu.Lock()
	return c.mu.Unlock
}

func (c *brokenCache) Get(_ context.Context, k httpexec.CacheKey) (*httpexec.CacheEntry, error) {
	defer c.lock()()
	e, ok := c.m[c.id(k)]
	switch {
	case !ok && c.bug == "zeroentry":
		return &httpexec.CacheEntry{}, nil
	case !ok && c.bug == "misserror":
		return nil, errNotFound
	case !ok:
		return nil, nil
	case c.bug == "dropatexpires" && !time.Now().Before(e.Expires): // the store's TTL ends at Expires
		return nil, nil
	case c.bug == "sharedbuffer": // decode into a reused entry, as a pooled decoder might
		blob, _ := json.Marshal(e)
		if c.buf == nil {
			c.buf = new(httpexec.CacheEntry)
		}
		body := c.buf.Body[:0]
		*c.buf = httpexec.CacheEntry{}
		json.Unmarshal(blob, c.buf)
		c.buf.Body = append(body, c.buf.Body...)
		return c.buf, nil
	}
	return e, nil
}

func (c *brokenCache) Set(_ context.Context, k httpexec.CacheKey, e *httpexec.CacheEntry) error {
	defer c.lock()()
	id := c.id(k)
	old, exists := c.m[id]
	switch c.bug {
	case "noreplace":
		if exists {
			return nil
		}
	case "inplace": // overwrite the stored entry, which earlier callers still hold
		if exists {
			*old = *e
			return nil
		}
	case "stalefresh": // one time stored: the grace end, returned as both
		e2 := *e
		e2.Expires = e.StaleUntil
		e = &e2
	case "normalize": // tidies the caller's entry in place
		e.StoredAt = e.StoredAt.Truncate(time.Hour)
		e.Header.Del("Set-Cookie")
	case "firstvalue": // keeps the first value of each header
		e2 := *e
		e2.Header = http.Header{}
		for name, vv := range e.Header {
			e2.Header[name] = vv[:1]
		}
		e = &e2
	case "textbody": // stores the body as text
		e2 := *e
		e2.Body = []byte(strings.ToValidUTF8(string(e.Body), "\uFFFD"))
		e = &e2
	case "status200":
		e2 := *e
		e2.StatusCode = 200
		e = &e2
	}
	c.m[id] = e
	return nil
}

func (c *brokenCache) Invalidate(_ context.Context, team, integration string) error {
	defer c.lock()()
	switch c.bug {
	case "invalidatenothing":
		return nil
	case "invalidateall":
		clear(c.m)
		return nil
	}
	for id := range c.m {
		parts := strings.SplitN(id, "\x00", 3)
		if len(parts) < 2 {
			continue
		}
		match := parts[0] == team && parts[1] == integration
		switch c.bug {
		case "invalidateteams": // every team's copy of the integration
			match = parts[1] == integration
		case "invalidateprefix": // a key prefix without a separator: "t"+"crm" also matches "tc"+"rm", "t"+"crm2"
			match = strings.HasPrefix(parts[0]+parts[1], team+integration)
		}
		if match {
			delete(c.m, id)
		}
	}
	return nil
}

// bugs maps each deliberate bug to the subtest of RunCache that must catch it.
var bugs = map[string]string{
	"":                  "", // no bug: the map cache passes
	"zeroentry":         "MissingKey",
	"misserror":         "MissingKey",
	"noreplace":         "Replace",
	"stalefresh":        "RoundTrip",
	"firstvalue":        "RoundTrip",
	"textbody":          "RoundTrip",
	"status200":         "RoundTrip",
	"normalize":         "SetLeavesEntryAlone",
	"inplace":           "ReturnedEntryStaysIntact",
	"sharedbuffer":      "ReturnedEntryStaysIntact",
	"scopeonly":         "KeysAreDistinct",
	"digestprefix":      "DigestIsWholeKey",
	"dropatexpires":     "ExpiredEntryKeptWithinGrace",
	"invalidatenothing": "InvalidateScope",
	"invalidateall":     "InvalidateScope",
	"invalidateteams":   "InvalidateScope",
	"invalidateprefix":  "InvalidateScope",
	"nolock":            "Concurrent", // caught by the race detector
}

// TestBrokenCacheHelper is not a test of its own: TestSuiteCatchesBrokenCaches
// runs it in a child process with HTTPEXECTEST_BUG set (the os/exec
// helper-process idiom), because a failing RunCache fails its test. In a
// normal run it returns at once.
func TestBrokenCacheHelper(t *testing.T) {
	bug, ok := os.LookupEnv("HTTPEXECTEST_BUG")
	if !ok {
		return
	}
	httpexectest.RunCache(t, func(*testing.T) httpexec.Cache {
		return &brokenCache{bug: bug, m: map[string]*httpexec.CacheEntry{}}
	})
}

// RunCache fails for every deliberately broken cache, in the subtest
// meant to catch the bug, and passes the same cache without a bug.
func TestSuiteCatchesBrokenCaches(t *testing.T) {
	t.Parallel()
	for bug, subtest := range bugs {
		t.Run("bug="+bug, func(t *testing.T) {
			t.Parallel()
			if bug == "nolock" && !raceEnabled {
				t.Skip("an unsynchronised map is caught reliably only by the race detector")
			}
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenCacheHelper$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "HTTPEXECTEST_BUG="+bug)
			out, err := cmd.CombinedOutput()
			if subtest == "" {
				if err != nil {
					t.Fatalf("the suite failed a correct cache: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("the suite passed a cache with bug %q:\n%s", bug, out)
			}
			if want := "--- FAIL: TestBrokenCacheHelper/" + subtest + " "; !bytes.Contains(out, []byte(want)) {
				t.Errorf("bug %q: output lacks %q:\n%s", bug, want, out)
			}
		})
	}
}
