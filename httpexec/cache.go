package httpexec

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// CacheKey identifies a cached response. Digest is the SHA-256 of the
// canonical request (scope, method, URL, sorted headers with their values,
// body); Team and Integration repeat the scope in clear so that a store can
// implement [Cache.Invalidate] (a per-scope index, a key prefix, or a
// generation number kept under the scope).
type CacheKey struct {
	Team, Integration string
	Version           int64
	Digest            [32]byte
}

// CacheEntry is a stored 2xx response. The Executor never modifies an entry
// after handing it to [Cache.Set], and callers of [Executor.Do] share its
// Header and Body read-only, so a cache may keep and return the same value.
type CacheEntry struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	StoredAt   time.Time
	Expires    time.Time // fresh until then
	StaleUntil time.Time // may be served stale on upstream failure until then; a store may drop it afterwards
}

// Cache stores responses for an [Executor]. Implementations must be safe for
// concurrent use by multiple goroutines. The Executor treats an error from
// Get as a miss and an error from Set as a lost store, logging both; a
// failing cache never fails an execution. An error from Invalidate is
// returned by [Executor.Invalidate].
type Cache interface {
	// Get returns the entry stored under key, or (nil, nil). It may return
	// an expired entry: the Executor checks Expires and StaleUntil itself.
	Get(ctx context.Context, key CacheKey) (*CacheEntry, error)
	// Set stores e under key, replacing any entry.
	Set(ctx context.Context, key CacheKey, e *CacheEntry) error
	// Invalidate removes every entry whose key has this team and
	// integration, whatever its version.
	Invalidate(ctx context.Context, team, integration string) error
}

// memEntry is a CacheEntry with its accounted size.
type memEntry struct {
	e    *CacheEntry
	key  CacheKey
	size int64
}

type scopeID struct{ team, integration string }

// memCache is the default Cache: a golang-lru/v2 lru.Cache bounded by entry
// count, plus a byte budget enforced by evicting the oldest entries, plus a
// per-scope index for Invalidate. Expiry is lazy: checked by the Executor on
// read; an entry past StaleUntil stays until it is replaced or evicted.
type memCache struct {
	lru    *lru.Cache[[32]byte, *memEntry]
	bytes  atomic.Int64
	budget int64

	setMu sync.Mutex // serialises Set and Invalidate
	mu    sync.Mutex // guards index; never held while calling lru
	index map[scopeID]map[[32]byte]struct{}
}

// memEntryOverhead approximates the per-entry memory outside body and
// header: the list element, map slots, CacheEntry, index slot.
const memEntryOverhead = 320

func newMemCache(entries int, budget int64) (*memCache, error) {
	c := &memCache{budget: budget, index: make(map[scopeID]map[[32]byte]struct{})}
	l, err := lru.NewWithEvict(entries, c.onEvict)
	if err != nil {
		return nil, err
	}
	c.lru = l
	return c, nil
}

// onEvict runs outside the lru lock for every removed entry.
func (c *memCache) onEvict(d [32]byte, me *memEntry) {
	c.bytes.Add(-me.size)
	sid := scopeID{me.key.Team, me.key.Integration}
	c.mu.Lock()
	if set, ok := c.index[sid]; ok {
		delete(set, d)
		if len(set) == 0 {
			delete(c.index, sid)
		}
	}
	c.mu.Unlock()
}

func (c *memCache) Get(_ context.Context, key CacheKey) (*CacheEntry, error) {
	me, ok := c.lru.Get(key.Digest)
	if !ok {
		return nil, nil
	}
	if me.key != key { // a digest collision is practically impossible; be exact anyway
		return nil, nil
	}
	return me.e, nil
}

func entrySize(e *CacheEntry) int64 {
	n := int64(cap(e.Body)) + memEntryOverhead
	for k, vv := range e.Header {
		n += int64(len(k)) + 48
		for _, v := range vv {
			n += int64(len(v)) + 16
		}
	}
	return n
}

func (c *memCache) Set(_ context.Context, key CacheKey, e *CacheEntry) error {
	me := &memEntry{e: e, key: key, size: entrySize(e)}
	sid := scopeID{key.Team, key.Integration}
	c.setMu.Lock()
	defer c.setMu.Unlock()
	// Remove first so that a replaced entry's bytes and index slot are
	// released through onEvict (lru.Add does not call it on replacement).
	c.lru.Remove(key.Digest)
	if me.size > c.budget {
		return nil
	}
	c.mu.Lock()
	set := c.index[sid]
	if set == nil {
		set = make(map[[32]byte]struct{})
		c.index[sid] = set
	}
	set[key.Digest] = struct{}{}
	c.mu.Unlock()
	c.bytes.Add(me.size)
	c.lru.Add(key.Digest, me)
	for c.bytes.Load() > c.budget {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			break
		}
	}
	return nil
}

func (c *memCache) Invalidate(_ context.Context, team, integration string) error {
	sid := scopeID{team, integration}
	c.setMu.Lock()
	defer c.setMu.Unlock()
	c.mu.Lock()
	set := c.index[sid]
	delete(c.index, sid)
	c.mu.Unlock()
	for d := range set {
		c.lru.Remove(d)
	}
	return nil
}
