package rediscache

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/inboxkit/inboxkit/httpexec"
)

// Defaults applied to zero [Options] fields.
const (
	DefaultPrefix        = "inboxkit:httpexec:"
	DefaultMaxEntryBytes = httpexec.DefaultMaxBodyBytes + 64<<10 // a body at the Executor's default cap, with its headers
	DefaultLeaseWait     = 5 * time.Second
	DefaultFailureTTL    = time.Second
	DefaultOutageBackoff = time.Second
)

// ErrUnavailable is returned, without a call to Redis, while the Cache
// backs off after a Redis failure (see [Options.OutageBackoff]). The
// Executor treats it like any cache error: a miss, a lost store, no lease.
var ErrUnavailable = errors.New("rediscache: redis unavailable, backing off")

// Options configures a [Cache]. The zero value is valid.
type Options struct {
	// Prefix starts every key the Cache writes, so that several caches
	// (or tests) share one Redis database. If empty, DefaultPrefix is
	// used. It may not contain '{' or '}', which delimit the hash tag.
	Prefix string

	// MaxEntryBytes caps one encoded entry (body, headers and about 60
	// bytes): a larger response is not stored, and an entry it would
	// replace is removed. If zero, DefaultMaxEntryBytes is used. The total
	// is Redis's business: set maxmemory with a volatile-* or allkeys-*
	// eviction policy.
	MaxEntryBytes int

	// LeaseWait bounds how long a process waits for another process's
	// execution of the same request before executing it itself. If zero,
	// DefaultLeaseWait is used; a negative value disables the fleet-wide
	// lease: each process executes its own misses, without a Redis call.
	LeaseWait time.Duration

	// FailureTTL is how long the failure of a lease holder's execution is
	// shared with the callers waiting for it and those arriving after it.
	// If zero, DefaultFailureTTL is used; a negative value shares none.
	FailureTTL time.Duration

	// OutageBackoff is how long the Cache answers ErrUnavailable without
	// calling Redis after a Redis call failed (not a miss, not the
	// caller's cancellation), so that an outage costs the Executor no
	// timeouts, only the upstream calls the cache would have saved.
	// Invalidate always calls Redis. If zero, DefaultOutageBackoff is
	// used; a negative value disables the back-off.
	OutageBackoff time.Duration
}

// Cache is an [httpexec.Cache] and [httpexec.Leaser] on Redis. A Cache is
// safe for concurrent use by multiple goroutines. It starts no goroutine
// and does not own the client: the host closes it.
type Cache struct {
	client    redis.UniversalClient
	prefix    string
	maxEntry  int
	leaseWait time.Duration
	failTTL   time.Duration
	backoff   time.Duration
	downUntil atomic.Int64 // Unix ns; calls before then return ErrUnavailable
}

var (
	_ httpexec.Cache  = (*Cache)(nil)
	_ httpexec.Leaser = (*Cache)(nil)
)

// New returns a Cache storing in client's database. It fails only for
// invalid options.
func New(client redis.UniversalClient, opts Options) (*Cache, error) {
	if client == nil {
		return nil, errors.New("rediscache: nil client")
	}
	if opts.MaxEntryBytes < 0 {
		return nil, errors.New("rediscache: negative MaxEntryBytes")
	}
	if strings.ContainsAny(opts.Prefix, "{}") {
		return nil, errors.New("rediscache: Prefix may not contain '{' or '}'")
	}
	c := &Cache{
		client:    client,
		prefix:    cmpOr(opts.Prefix, DefaultPrefix),
		maxEntry:  cmpOr(opts.MaxEntryBytes, DefaultMaxEntryBytes),
		leaseWait: cmpOr(opts.LeaseWait, DefaultLeaseWait),
		failTTL:   cmpOr(opts.FailureTTL, DefaultFailureTTL),
		backoff:   cmpOr(opts.OutageBackoff, DefaultOutageBackoff),
	}
	return c, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Key layout, all under Prefix and the scope's hash tag {s}, where s is
// a digest of (team, integration), so that a scope's keys share a Redis
// Cluster slot:
//
//	P{s}g              the scope's generation: a random token, replaced by Invalidate
//	P{s}e:<digest>:<g> an entry, expiring at its StaleUntil
//	P{s}l:<digest>     the lease of a key (SET NX PX), holding the holder's token
//	P{s}f:<digest>     the failure a lease holder shared, for FailureTTL
type keys struct {
	scope  string // P{s}
	digest string // hex of the CacheKey digest
}

func (c *Cache) keys(k httpexec.CacheKey) keys {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(k.Team)))])
	h.Write([]byte(k.Team))
	h.Write([]byte(k.Integration))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	var tag [32]byte
	hex.Encode(tag[:], sum[:16])
	var d [64]byte
	hex.Encode(d[:], k.Digest[:])
	return keys{scope: c.prefix + "{" + string(tag[:]) + "}", digest: string(d[:])}
}

func (k keys) gen() string         { return k.scope + "g" }
func (k keys) entryPrefix() string { return k.scope + "e:" + k.digest + ":" }
func (k keys) lease() string       { return k.scope + "l:" + k.digest }
func (k keys) fail() string        { return k.scope + "f:" + k.digest }

// getScript returns the entry under the scope's current generation.
// KEYS: gen. ARGV: entry prefix.
var getScript = redis.NewScript(`
local g = redis.call('GET', KEYS[1])
if not g then return false end
return redis.call('GET', ARGV[1] .. g)
`)

// setScript stores an entry under the scope's generation, creating the
// generation if the scope has none, and keeps the generation alive at
// least as long as the entry. An empty value removes the entry.
// KEYS: gen. ARGV: entry prefix, value, ttl ms, new generation.
var setScript = redis.NewScript(`
local g = redis.call('GET', KEYS[1])
local px = tonumber(ARGV[3])
if ARGV[2] == '' then
  if g then redis.call('DEL', ARGV[1] .. g) end
  return 0
end
if not g then
  g = ARGV[4]
  redis.call('SET', KEYS[1], g, 'PX', px)
else
  local t = redis.call('PTTL', KEYS[1])
  if t >= 0 and t < px then redis.call('PEXPIRE', KEYS[1], px) end
end
redis.call('SET', ARGV[1] .. g, ARGV[2], 'PX', px)
return 1
`)

// Get implements [httpexec.Cache]. A value it cannot decode (another
// encoding version, corruption) is reported as an error: the Executor
// treats it as a miss and the next Set replaces it.
func (c *Cache) Get(ctx context.Context, key httpexec.CacheKey) (*httpexec.CacheEntry, error) {
	if c.down() {
		return nil, ErrUnavailable
	}
	k := c.keys(key)
	v, err := getScript.Run(ctx, c.client, []string{k.gen()}, k.entryPrefix()).Text()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		c.trip(ctx, err)
		return nil, fmt.Errorf("rediscache: get: %w", err)
	}
	return decodeEntry(v)
}

// Set implements [httpexec.Cache]. The entry expires in Redis at its
// StaleUntil, so that the Executor can serve it stale on an upstream
// failure; an entry already past it, or larger than MaxEntryBytes, is
// not stored (and removes the entry it would replace).
func (c *Cache) Set(ctx context.Context, key httpexec.CacheKey, e *httpexec.CacheEntry) error {
	if e == nil {
		return errors.New("rediscache: nil cache entry")
	}
	if c.down() {
		return ErrUnavailable
	}
	var v []byte
	ttl := time.Until(e.StaleUntil)
	if ttl >= time.Millisecond && len(e.Body) <= c.maxEntry {
		v = appendEntry(make([]byte, 0, encodedSize(e)), e)
		if len(v) > c.maxEntry {
			v = nil
		}
	}
	k := c.keys(key)
	err := setScript.Run(ctx, c.client, []string{k.gen()}, k.entryPrefix(), v, max(ttl.Milliseconds(), 1), rand.Text()).Err()
	if err != nil {
		c.trip(ctx, err)
		return fmt.Errorf("rediscache: set: %w", err)
	}
	return nil
}

// Invalidate implements [httpexec.Cache] in one command, without
// scanning: it replaces the scope's generation, which makes every entry of
// the integration unreachable (they expire on their own). A scope with no
// generation has no reachable entry, so there is nothing to do.
func (c *Cache) Invalidate(ctx context.Context, team, integration string) error {
	k := c.keys(httpexec.CacheKey{Team: team, Integration: integration})
	err := c.client.SetArgs(ctx, k.gen(), rand.Text(), redis.SetArgs{Mode: "XX", KeepTTL: true}).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("rediscache: invalidate: %w", err)
	}
	return nil
}

// acquireScript takes the lease unless a shared failure is still fresh.
// KEYS: lease, fail. ARGV: token, ttl ms.
var acquireScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`)

// Acquire implements [httpexec.Leaser] with SET NX PX. It refuses while a
// failure shared by Release is fresh, so that Await hands it out.
func (c *Cache) Acquire(ctx context.Context, key httpexec.CacheKey, ttl time.Duration) (string, bool, error) {
	if c.down() {
		return "", false, ErrUnavailable
	}
	if c.leaseWait < 0 { // leases disabled: every process holds its own
		return "", true, nil
	}
	k := c.keys(key)
	token := rand.Text()
	n, err := acquireScript.Run(ctx, c.client, []string{k.lease(), k.fail()}, token, max(ttl.Milliseconds(), 1)).Int()
	if err != nil {
		c.trip(ctx, err)
		return "", false, fmt.Errorf("rediscache: acquire: %w", err)
	}
	return token, n == 1, nil
}

// releaseScript ends the lease if the token still holds it and then
// shares the failure, if any. KEYS: lease, fail. ARGV: token, failure or
// empty, failure ttl ms.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
return 1
`)

// Release implements [httpexec.Leaser].
func (c *Cache) Release(ctx context.Context, key httpexec.CacheKey, token string, f *httpexec.SharedFailure) error {
	if token == "" { // leases disabled
		return nil
	}
	var fv []byte
	if f != nil && c.failTTL > 0 {
		fv = appendFailure(nil, f)
	}
	k := c.keys(key)
	err := releaseScript.Run(ctx, c.client, []string{k.lease(), k.fail()}, token, fv, max(c.failTTL.Milliseconds(), 1)).Err()
	if err != nil {
		c.trip(ctx, err)
		return fmt.Errorf("rediscache: release: %w", err)
	}
	return nil
}

// awaitScript reads what a waiting process needs in one round trip:
// whether the lease is held, the entry, the shared failure.
// KEYS: gen, lease, fail. ARGV: entry prefix.
var awaitScript = redis.NewScript(`
local g = redis.call('GET', KEYS[1])
local e = false
if g then e = redis.call('GET', ARGV[1] .. g) end
return {redis.call('EXISTS', KEYS[2]), e or '', redis.call('GET', KEYS[3]) or ''}
`)

// Await implements [httpexec.Leaser] by polling (2 ms, growing to 25 ms
// between polls; one round trip each) for at most LeaseWait. An entry
// that is no longer fresh (the expired one the miss was about) is not an
// outcome.
func (c *Cache) Await(ctx context.Context, key httpexec.CacheKey) (*httpexec.CacheEntry, *httpexec.SharedFailure, error) {
	if c.leaseWait < 0 {
		return nil, nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.leaseWait)
	defer cancel()
	k := c.keys(key)
	keys, prefix := []string{k.gen(), k.lease(), k.fail()}, k.entryPrefix()
	delay := 2 * time.Millisecond
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, nil, nil // waited long enough: the caller executes itself
		case <-timer.C:
		}
		if c.down() {
			return nil, nil, ErrUnavailable
		}
		res, err := awaitScript.Run(ctx, c.client, keys, prefix).Slice()
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, nil
			}
			c.trip(ctx, err)
			return nil, nil, fmt.Errorf("rediscache: await: %w", err)
		}
		held, ev, fv, ok := awaitResult(res)
		if !ok {
			return nil, nil, errors.New("rediscache: await: unexpected reply")
		}
		if ev != "" {
			e, err := decodeEntry(ev)
			if err != nil {
				return nil, nil, err
			}
			if time.Now().Before(e.Expires) {
				return e, nil, nil
			}
		}
		if fv != "" {
			f, err := decodeFailure(fv)
			if err != nil {
				return nil, nil, err
			}
			return nil, f, nil
		}
		if !held {
			return nil, nil, nil // released without an outcome, or expired
		}
		timer.Reset(delay)
		delay = min(delay*3/2, 25*time.Millisecond)
	}
}

func awaitResult(res []any) (held bool, entry, failure string, ok bool) {
	if len(res) != 3 {
		return false, "", "", false
	}
	n, ok1 := res[0].(int64)
	e, ok2 := res[1].(string)
	f, ok3 := res[2].(string)
	return n == 1, e, f, ok1 && ok2 && ok3
}

// down reports whether the Cache is backing off after a failure.
func (c *Cache) down() bool {
	until := c.downUntil.Load()
	return until != 0 && time.Now().UnixNano() < until
}

// trip starts a back-off after err, unless err is the caller's own
// cancellation or deadline.
func (c *Cache) trip(ctx context.Context, err error) {
	if c.backoff < 0 || ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return
	}
	c.downUntil.Store(time.Now().Add(c.backoff).UnixNano())
}
