package httpexec

import (
	"context"
	"errors"
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
// after handing it to [Cache.Set], and callers of [Executor.Do] read its
// Header and Body only through the read-only [Header] and [Body] views, so
// a cache may keep and return the same value to every caller.
type CacheEntry struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	StoredAt   time.Time
	Expires    time.Time // fresh until then
	StaleUntil time.Time // may be served stale on upstream failure until then; a store may drop it afterwards

	// Duration is how long the upstream execution that produced the entry
	// took ([Response.Duration]); [EarlyRefresh] refreshes an entry sooner
	// the slower it was to fetch. A store keeps it; zero never refreshes
	// early.
	Duration time.Duration
}

// Cache stores responses for an [Executor]. Implementations must be safe for
// concurrent use by multiple goroutines. The Executor treats an error from
// Get as a miss and an error from Set as a lost store, logging both; a
// failing cache never fails an execution. An error from Invalidate is
// returned by [Executor.Invalidate].
type Cache interface {
	// Get returns the entry stored under key, or (nil, nil). It may return
	// an expired entry: the Executor checks Expires and StaleUntil itself.
	// The Executor serves the entry's Header and Body to callers that
	// hold them after Get returns: the cache must never change a returned
	// entry afterwards (no decoding into a reused entry or buffer, no
	// in-place replacement). The whole Digest identifies a request; a
	// store may key by it alone, never by part of it.
	Get(ctx context.Context, key CacheKey) (*CacheEntry, error)
	// Set stores e under key, replacing any entry. It must not modify e.
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

// MemoryCache is the default [Cache]: golang-lru/v2 lru.Cache shards bounded
// by entry count, plus a byte budget enforced by evicting the least recently
// used entries, plus a per-scope index for Invalidate. Expiry is lazy: the
// Executor checks it on read, and an entry past StaleUntil stays until it is
// replaced or evicted. Hosts may use it in their own tests. A MemoryCache is
// safe for concurrent use by multiple goroutines.
type MemoryCache struct {
	shards []memShard // power of two; a key's shard is chosen by its digest

	setMu sync.Mutex // serialises Set and Invalidate
	mu    sync.Mutex // guards index; never held while calling lru
	index map[scopeID]map[[32]byte]struct{}
}

type memShard struct {
	lru    *lru.Cache[[32]byte, *memEntry]
	bytes  atomic.Int64
	budget int64
	_      [40]byte // keep shards on separate cache lines
}

// memEntryOverhead approximates the per-entry memory outside body and
// header: the list element, map slots, CacheEntry, index slot.
const memEntryOverhead = 320

// NewMemoryCache returns a MemoryCache holding at most entries entries and
// about maxBytes bytes (bodies, headers and a per-entry overhead). Large
// caches are split into up to 16 shards for parallel reads, each with an
// equal share of both bounds, and only while a share keeps room for four
// bodies of DefaultMaxBodyBytes; an entry larger than its shard's share is
// not stored.
func NewMemoryCache(entries int, maxBytes int64) (*MemoryCache, error) {
	return newMemoryCache(entries, maxBytes, 4*DefaultMaxBodyBytes)
}

// newMemoryCache shards the cache for parallel hits when the budget leaves
// each shard room for at least minShardBytes.
func newMemoryCache(entries int, maxBytes, minShardBytes int64) (*MemoryCache, error) {
	if entries <= 0 || maxBytes <= 0 {
		return nil, errors.New("httpexec: cache bounds must be positive")
	}
	n := 1
	for n < 16 && int64(n*2)*minShardBytes <= maxBytes && n*2*64 <= entries {
		n *= 2
	}
	c := &MemoryCache{shards: make([]memShard, n), index: make(map[scopeID]map[[32]byte]struct{})}
	for i := range c.shards {
		sh := &c.shards[i]
		sh.budget = maxBytes / int64(n)
		l, err := lru.NewWithEvict(max(1, entries/n), func(d [32]byte, me *memEntry) { c.onEvict(sh, d, me) })
		if err != nil {
			return nil, err
		}
		sh.lru = l
	}
	return c, nil
}

func (c *MemoryCache) shard(d [32]byte) *memShard {
	return &c.shards[int(d[0])&(len(c.shards)-1)]
}

// onEvict runs outside the lru lock for every removed entry.
func (c *MemoryCache) onEvict(sh *memShard, d [32]byte, me *memEntry) {
	sh.bytes.Add(-me.size)
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

// Get implements [Cache].
func (c *MemoryCache) Get(_ context.Context, key CacheKey) (*CacheEntry, error) {
	me, ok := c.shard(key.Digest).lru.Get(key.Digest)
	if !ok || me.key != key { // a digest collision is practically impossible; be exact anyway
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

// Set implements [Cache].
func (c *MemoryCache) Set(_ context.Context, key CacheKey, e *CacheEntry) error {
	if e == nil {
		return errors.New("httpexec: nil cache entry")
	}
	me := &memEntry{e: e, key: key, size: entrySize(e)}
	sid := scopeID{key.Team, key.Integration}
	sh := c.shard(key.Digest)
	c.setMu.Lock()
	defer c.setMu.Unlock()
	// Remove first so that a replaced entry's bytes and index slot are
	// released through onEvict (lru.Add does not call it on replacement).
	sh.lru.Remove(key.Digest)
	if me.size > sh.budget {
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
	sh.bytes.Add(me.size)
	sh.lru.Add(key.Digest, me)
	for sh.bytes.Load() > sh.budget {
		if _, _, ok := sh.lru.RemoveOldest(); !ok {
			break
		}
	}
	return nil
}

// Invalidate implements [Cache].
func (c *MemoryCache) Invalidate(_ context.Context, team, integration string) error {
	sid := scopeID{team, integration}
	c.setMu.Lock()
	defer c.setMu.Unlock()
	c.mu.Lock()
	set := c.index[sid]
	delete(c.index, sid)
	c.mu.Unlock()
	for d := range set {
		c.shard(d).lru.Remove(d)
	}
	return nil
}

// Len returns the number of entries held.
func (c *MemoryCache) Len() int {
	n := 0
	for i := range c.shards {
		n += c.shards[i].lru.Len()
	}
	return n
}

// Bytes returns the accounted size of the entries held.
func (c *MemoryCache) Bytes() int64 {
	var n int64
	for i := range c.shards {
		n += c.shards[i].bytes.Load()
	}
	return n
}
