package httpexec

import (
	"context"
	"errors"
)

// Deleter is a [Cache] that can remove one entry. The Executor finds it by type assertion;
// MemoryCache implements it.
type Deleter interface {
	// Delete removes the entry stored under key, if any.
	Delete(ctx context.Context, key CacheKey) error
}

// Forget drops the cached response of r (the same request, as Do would key it), fresh or
// stale, so that the next Do of it calls the upstream. It sends nothing. A cache that is not
// a [Deleter] gets an already expired entry under the key instead, which Do treats as a miss.
// An execution of r under way may still store its result afterwards.
func (e *Executor) Forget(ctx context.Context, r *Request) error {
	if r == nil {
		return errors.New("httpexec: nil request")
	}
	method, _, ok := normalizeMethod(r.Method)
	if !ok {
		return &Error{Category: CategoryInvalidRequest, Detail: "invalid method", Err: ErrInvalidRequest}
	}
	if r.Build != nil && r.Identity == nil {
		return &Error{Category: CategoryInvalidRequest, Method: method, Detail: "Build without Identity", Err: ErrInvalidRequest}
	}
	key := r.key(method)
	if d, ok := e.cache.(Deleter); ok {
		return d.Delete(ctx, key)
	}
	return e.cache.Set(ctx, key, &CacheEntry{})
}

// Delete implements [Deleter].
func (c *MemoryCache) Delete(_ context.Context, key CacheKey) error {
	c.setMu.Lock()
	defer c.setMu.Unlock()
	sh := c.shard(key.Digest)
	if me, ok := sh.lru.Peek(key.Digest); ok && me.key == key {
		sh.lru.Remove(key.Digest) // onEvict releases its bytes and index slot
	}
	return nil
}
