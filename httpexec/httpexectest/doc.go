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
// RunCache checks what the executor relies on: a miss is (nil, nil); a stored entry comes back
// unchanged, status, repeated header values, binary body and times included (an expired one too
// while within its stale grace: the executor, not the cache, judges freshness); Set replaces and
// never modifies the entry it is given; an entry Get returned is never changed afterwards
// (responses keep reading it); keys of different teams, integrations, versions and requests never
// share an entry, the whole digest included; Invalidate drops every entry of one integration (all
// versions) and nothing else, no other team's and no prefix match; and concurrent use is safe
// (run the suite with -race). [Key] and [Entry] build keys and entries for a host's own tests.
//
// The suite is itself tested: its own tests run it against caches with one deliberate bug each
// (a zero entry or an error for a miss, entries never replaced, the grace served as fresh, lost
// header values, a text-mangled body, decoding into a shared buffer, in-place replacement, a
// shortened digest, a store TTL ending at Expires, Invalidate dropping nothing, everything,
// other teams or prefix matches, no locking) and check that each is caught, by the subtest meant
// to catch it. It does not check memory bounds: those belong to the implementation's own tests.
package httpexectest
