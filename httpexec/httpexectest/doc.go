// Package httpexectest checks implementations of [httpexec.Cache], in the
// manner of testing/slogtest: a host that stores responses in Redis (or
// anywhere else) runs RunCache against its implementation.
//
//	func TestRedisCache(t *testing.T) {
//		httpexectest.RunCache(t, func(t *testing.T) httpexec.Cache {
//			return newRedisCache(t, flushedDB(t))
//		})
//	}
//
// RunCache checks what the executor relies on: a stored entry comes back unchanged (an expired one
// too while within its stale grace: the executor, not the cache, judges freshness), keys of
// different teams, integrations, versions and requests never share an entry,
// Invalidate drops every entry of one integration (all versions) and nothing else, and concurrent
// use is safe. [Key] and [Entry] build keys and entries for a host's own tests.
package httpexectest
