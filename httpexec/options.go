package httpexec

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"time"
)

// Defaults applied to zero Options fields, and the TTL cap.
const (
	DefaultTimeout       = 10 * time.Second       // Options.Timeout
	DefaultMaxBodyBytes  = 1 << 20                // Options.MaxBodyBytes
	DefaultMaxRedirects  = 3                      // Options.MaxRedirects
	DefaultCacheEntries  = 4096                   // Options.CacheEntries
	DefaultCacheBytes    = 64 << 20               // Options.CacheBytes
	DefaultStaleGrace    = 10 * time.Minute       // Options.StaleGrace
	MaxCacheTTL          = 24 * time.Hour         // longer Request.CacheTTL values are cut to this
	DefaultMaxAttempts   = 3                      // RetryPolicy.MaxAttempts
	DefaultBaseDelay     = 100 * time.Millisecond // RetryPolicy.BaseDelay
	DefaultMaxDelay      = 2 * time.Second        // RetryPolicy.MaxDelay
	DefaultMaxRetryAfter = 5 * time.Second        // RetryPolicy.MaxRetryAfter
)

// Options configures an [Executor]. The zero value is valid: the SSRF-guarded
// transport, a 10 s timeout, a 1 MiB body cap, 3 redirects, 3 attempts for
// idempotent requests, an in-memory LRU cache of 4096 entries and 64 MiB, no
// logging and no hook.
type Options struct {
	// Transport performs requests. If nil, the Executor uses its own
	// guarded transport (what NewTransport returns for AllowPrivate,
	// Resolver and TLSConfig): its dialer refuses loopback, private,
	// link-local, metadata, unspecified, multicast, CGNAT and reserved
	// addresses and it ignores the environment proxy. A transport set here
	// replaces that guard unless it wraps a transport from NewTransport,
	// which is how middleware (tracing, metrics) keeps it. URL checks
	// (scheme, host spelling, literal addresses) apply to every transport.
	Transport http.RoundTripper

	// Timeout bounds one execution, all attempts and redirects included.
	// If zero, DefaultTimeout is used.
	Timeout time.Duration

	// MaxBodyBytes caps a response body, counted after gzip decoding.
	// If zero, DefaultMaxBodyBytes is used.
	MaxBodyBytes int64

	// MaxRedirects is the number of redirects followed. If zero,
	// DefaultMaxRedirects is used; a negative value follows none.
	MaxRedirects int

	// Retry is the retry policy. The zero value uses the defaults.
	Retry RetryPolicy

	// Cache stores responses. If nil, an in-memory LRU bounded by
	// CacheEntries and CacheBytes is used.
	Cache Cache

	// CacheEntries bounds the number of entries of the default cache.
	// If zero, DefaultCacheEntries is used.
	CacheEntries int

	// CacheBytes bounds the approximate memory of the default cache
	// (bodies, headers and per-entry overhead). If zero, DefaultCacheBytes
	// is used. The default cache is split into up to 16 shards for
	// parallel hits while each shard keeps room for four bodies of
	// MaxBodyBytes; a body larger than a shard's share is not cached.
	CacheBytes int64

	// StaleGrace is how long after its expiry an entry may still be served,
	// marked stale, when the upstream fails. If zero, DefaultStaleGrace is
	// used; a negative value disables stale-if-error.
	StaleGrace time.Duration

	// EarlyRefresh refreshes hot cache entries shortly before they expire:
	// the caller that draws the refresh waits for the upstream call, every
	// other caller of the key is served the entry meanwhile. The zero
	// value disables it: entries are fetched again once expired.
	EarlyRefresh EarlyRefresh

	// AllowPrivate lists prefixes the guarded transport may dial although
	// they are loopback, private, link-local, CGNAT or reserved. The
	// metadata addresses (169.254.169.254, fd00:ec2::254 and the other
	// cloud credential endpoints listed in the package documentation), unspecified
	// addresses and IPv4-compatible IPv6 addresses are refused regardless.
	// Tests reach httptest servers with 127.0.0.1/32 here.
	AllowPrivate []netip.Prefix

	// TLSConfig, if not nil, is cloned into the guarded transport (custom
	// root CAs, client certificates). It is ignored when Transport is set.
	TLSConfig *tls.Config

	// Resolver resolves host names for the guarded transport. If nil,
	// the system resolver (a zero net.Resolver) is used.
	Resolver Resolver

	// Logger receives debug records of executions and warnings about cache
	// failures. If nil, nothing is logged. Records name a call by method,
	// URL as Event.URL, team, integration and version; they never contain
	// the expanded path or query (contact data), a header value or a body.
	Logger *slog.Logger

	// Observe, if not nil, is called once per Do call, after it completes,
	// with redacted facts for metrics and tracing. It must be fast and safe
	// for concurrent use.
	Observe func(ctx context.Context, ev Event)
}

// RetryPolicy says when and how an execution retries. Only idempotent
// methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried, on connection
// errors and on status 429, 502, 503 and 504, and never a request with
// [Request].NoRetry. The zero value is the default.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts. If zero,
	// DefaultMaxAttempts is used; 1 disables retries.
	MaxAttempts int

	// BaseDelay and MaxDelay shape the full-jitter backoff: before retry n
	// (n = 1, 2, ...) the executor waits Jitter(min(MaxDelay, BaseDelay<<(n-1))).
	// If zero, DefaultBaseDelay and DefaultMaxDelay are used.
	BaseDelay, MaxDelay time.Duration

	// MaxRetryAfter caps a Retry-After the upstream asks for. If zero,
	// DefaultMaxRetryAfter is used. A wait that would pass the execution's
	// deadline is never started: the last result is returned instead.
	MaxRetryAfter time.Duration

	// Jitter returns a duration in [0, limit). If nil, a uniformly random
	// duration is used. Tests inject a deterministic function.
	Jitter func(limit time.Duration) time.Duration
}

// Event describes one completed [Executor.Do] call for [Options.Observe].
// It identifies the call without personal data: no expanded path or
// query, header value or body.
type Event struct {
	Method string
	// URL is Request.URLTemplate without its query, fragment and userinfo,
	// or, when the request has no template, the scheme://host of its URL.
	URL        string
	Host       string // host[:port] of URL
	Scope      Scope  // the request's scope (team, integration, version)
	StatusCode int    // 0 when no response was received
	Duration   time.Duration
	Attempts   int  // upstream attempts of the execution whose result this is (0 for a cache hit)
	FromCache  bool // served from the cache, fresh or stale
	Stale      bool
	Shared     bool // the result of a concurrent caller's upstream call
	Bytes      int  // body bytes returned
	Category   Category
}

type config struct {
	timeout       time.Duration
	maxBody       int64
	maxRedirects  int
	maxAttempts   int
	baseDelay     time.Duration
	maxDelay      time.Duration
	maxRetryAfter time.Duration
	jitter        func(time.Duration) time.Duration
	staleGrace    time.Duration
	beta          float64        // EarlyRefresh.Beta; 0 disables
	rand          func() float64 // EarlyRefresh.Rand
}

func (o *Options) config() (config, error) {
	c := config{
		timeout:       o.Timeout,
		maxBody:       o.MaxBodyBytes,
		maxRedirects:  o.MaxRedirects,
		maxAttempts:   o.Retry.MaxAttempts,
		baseDelay:     o.Retry.BaseDelay,
		maxDelay:      o.Retry.MaxDelay,
		maxRetryAfter: o.Retry.MaxRetryAfter,
		jitter:        o.Retry.Jitter,
		staleGrace:    o.StaleGrace,
		beta:          o.EarlyRefresh.Beta,
		rand:          o.EarlyRefresh.Rand,
	}
	switch {
	case c.timeout < 0:
		return c, errors.New("httpexec: negative Timeout")
	case c.maxBody < 0:
		return c, errors.New("httpexec: negative MaxBodyBytes")
	case c.maxAttempts < 0:
		return c, errors.New("httpexec: negative Retry.MaxAttempts")
	case c.baseDelay < 0 || c.maxDelay < 0 || c.maxRetryAfter < 0:
		return c, errors.New("httpexec: negative retry delay")
	case o.CacheEntries < 0 || o.CacheBytes < 0:
		return c, errors.New("httpexec: negative cache bound")
	case !(c.beta >= 0) || math.IsInf(c.beta, 1):
		return c, errors.New("httpexec: EarlyRefresh.Beta must be finite and not negative")
	}
	for _, p := range o.AllowPrivate {
		if !p.IsValid() {
			return c, errors.New("httpexec: invalid AllowPrivate prefix")
		}
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	switch {
	case c.maxRedirects == 0:
		c.maxRedirects = DefaultMaxRedirects
	case c.maxRedirects < 0:
		c.maxRedirects = 0
	}
	if c.maxAttempts == 0 {
		c.maxAttempts = DefaultMaxAttempts
	}
	if c.baseDelay == 0 {
		c.baseDelay = DefaultBaseDelay
	}
	if c.maxDelay == 0 {
		c.maxDelay = DefaultMaxDelay
	}
	if c.maxRetryAfter == 0 {
		c.maxRetryAfter = DefaultMaxRetryAfter
	}
	if c.jitter == nil {
		c.jitter = randomJitter
	}
	if c.rand == nil {
		c.rand = rand.Float64
	}
	switch {
	case c.staleGrace == 0:
		c.staleGrace = DefaultStaleGrace
	case c.staleGrace < 0:
		c.staleGrace = 0
	}
	return c, nil
}
