// Package rediscache shares the response cache of [httpexec.Executor]s
// across a fleet of app servers through Redis, and collapses their misses
// of one request into one upstream call.
//
//	client := redis.NewClient(&redis.Options{
//		Addr:        "redis:6379",
//		DialTimeout: 250 * time.Millisecond, ReadTimeout: 250 * time.Millisecond,
//		WriteTimeout: 250 * time.Millisecond, MaxRetries: 1,
//	})
//	cache, err := rediscache.New(client, rediscache.Options{})
//	if err != nil { ... }
//	exec, err := httpexec.New(httpexec.Options{Cache: cache})
//
// A [Cache] is an [httpexec.Cache] and an [httpexec.Leaser]; it is safe for
// concurrent use, starts no goroutine and leaves the client to the host.
// It needs Redis 6.0 or later (KEEPTTL; tested on 7.0), through any
// [redis.UniversalClient]. Every key of one integration carries the same
// hash tag, so that each script touches a single Redis Cluster slot;
// Cluster itself is not tested.
//
// # What is stored
//
// An entry is stored under the [httpexec.CacheKey]'s SHA-256 digest, which
// already covers team, integration, version, method, URL, headers (secret
// values included, through the digest only) and body, so isolation is the
// same as in-memory: a response is served only to the identical request
// of the same integration version. The value is a compact binary encoding
// that starts with a version byte (status, times, fetch duration, headers,
// body); a value of an unknown version is a miss. Redis expires it at the
// entry's StaleUntil, not its Expires, so that the Executor can still
// serve it stale when the upstream fails.
//
// [Options.MaxEntryBytes] (1 MiB + 64 KiB) caps one entry: a larger
// response is not stored. The total is Redis's job: set maxmemory and an
// eviction policy (allkeys-lru, or volatile-lru: every key this package
// writes has a TTL). An evicted entry is a miss.
//
// # Invalidation without scanning
//
// Each (team, integration) has a generation, a random token under its own
// key, and entries are stored under the current generation.
// [Cache.Invalidate] replaces the token (one SET ... XX KEEPTTL), which
// makes all of the integration's entries unreachable at once, in every
// process; they expire on their own. A scope without a generation has no
// reachable entry, so a generation lost to eviction never revives old
// entries. Each Get and Set is one round trip (a Lua script reads the
// generation and the entry together).
//
// # Herd collapse across processes
//
// On a miss, the Executor of each process runs one execution per key; that
// execution takes the key's lease (SET NX PX, for the execution's
// timeout). The holder calls the upstream, stores, and releases. The
// others poll (one round trip, every 2 ms growing to 25 ms) for the
// stored entry for at most [Options.LeaseWait] (5 s), then call the
// upstream themselves. When the holder's execution fails (timeout,
// network, non-2xx status, ...), it publishes the failure for
// [Options.FailureTTL] (1 s): the waiting processes, and those missing the
// key within that second, return that failure (rebuilt from its category
// and status, never a body) instead of calling a failing upstream one
// after another. So 3 app servers x 100 concurrent profile loads of one
// contact make one upstream call.
//
// # Outages
//
// The cache only saves upstream calls. When Redis fails, Get is a miss,
// Set is dropped and no lease is taken, so every process calls the
// upstream (once per key, through its own herd collapse) and agents see no
// error. After a failed call the Cache answers [ErrUnavailable] without
// calling Redis for [Options.OutageBackoff] (1 s), so an outage costs no
// timeouts on the profile path; then it tries again and recovers on its
// own. Keep the client's timeouts short (the snippet above): a cache
// call should never take longer than the upstream call it saves.
// [Cache.Invalidate] always calls Redis and returns its error, so that a
// host can retry an edit's invalidation (bumping the integration's
// version on an edit rules the old entries out as well).
//
// # Decisions
//
//   - Generations, not key sets: Invalidate is O(1) and never scans; the
//     price is that invalidated entries linger until their TTL (bounded by
//     the cache TTL plus the stale grace), counted by maxmemory.
//   - Polling, not pub/sub: a waiting process costs one small script call
//     per poll and no dedicated connection; only one execution per process
//     and key polls, whatever the number of callers.
//   - A lease's holder that crashes is waited for at most LeaseWait; a
//     shared failure is a one-second negative cache of that key.
//   - Freshness is judged by the Executors' clocks (an entry's Expires is
//     the storing process's), expiry in Redis by Redis's: keep the fleet's
//     clocks synchronised, as for any shared cache.
//   - Early refresh is the Executor's ([httpexec.Options.EarlyRefresh]):
//     the entry carries its fetch duration, and a refresh that finds the
//     lease taken serves the entry instead of waiting.
package rediscache
