package httpexec

import (
	"context"
	"net/http"
	"time"
)

// Scope is the cache scope a caller chooses for a request: a cached response
// is served only to a request with the same scope and the same method, URL,
// headers and body. Editing an integration should change Version or call
// [Executor.Invalidate].
type Scope struct {
	Team, Integration string
	Version           int64
}

// Request is one outbound HTTP call. The zero Method means GET. A zero
// CacheTTL disables caching (no read, no store); CacheTTL is capped at
// [MaxCacheTTL]. The Executor does not modify a Request or retain it after
// Do returns.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte

	// URLTemplate is the URL as written before expansion, for example
	// "https://crm.example.com/v1/customers/{{contact.email}}". Errors, log
	// records and events name the request by it (its query, fragment and
	// userinfo dropped), because the expanded URL carries the contact's
	// data. When it is empty they name the request by the scheme and host
	// of URL only. It plays no part in sending or caching.
	URLTemplate string

	// CacheTTL is how long a 2xx response stays fresh. Zero: neither read
	// nor stored.
	CacheTTL time.Duration

	// Scope is part of the cache key and the unit of invalidation.
	Scope Scope

	// SecretHeaders names headers (canonical or not) whose values are
	// secret: they are dropped on a redirect to another host or scheme,
	// as Authorization and Cookie always are. Values of every header
	// reach the cache key only through its SHA-256 digest.
	SecretHeaders []string

	// Credentials, when not nil, supplies header values that are sent but
	// are not part of the cache key, such as credentials the caller keeps
	// sealed and opens only to send. The Executor calls it once per
	// execution, when it is about to send (never for a fresh cache hit, and
	// once for callers that share an execution), on the execution's
	// context. Header should carry, for each header it supplies, a stand-in
	// that identifies the credential without revealing it (a digest of the
	// sealed value, a key version), so that the cache key changes when the
	// credential does. An error fails the execution with
	// [CategoryInternal], wrapping it; it is not retried.
	Credentials func(ctx context.Context) (*Credentials, error)

	// Identity, when not nil, stands for URL, Header and Body in the cache key, so that a
	// request can be looked up before it is expanded: the key is the SHA-256 of the Scope, the
	// Method and Identity, in an encoding that no request keyed by its URL, Header and Body
	// shares. The caller guarantees that requests of one Scope and Method with equal Identity
	// are equal once built, Credentials' stand-ins included: Identity holds everything they are
	// built from (package integration: a digest of the request's templates and the key of
	// each, variables.Template.AppendKey, with secret headers by their stand-ins). With
	// [Request.Build] a fresh cache hit then costs no expansion (BenchmarkDoCacheHitExpand).
	Identity []byte

	// Build, when not nil, builds the request when it is about to be sent, never for a fresh
	// cache hit: the Executor calls it at most once per Do, on the calling goroutine, with a
	// zero Request whose URL, Header, Body and SecretHeaders it fills in, and Credentials
	// when the request needs them (so that a hit does not even allocate the function); the
	// other fields it sets are ignored. The URL, Header, Body and SecretHeaders of this
	// Request are ignored, and its Credentials when Build sets them. Build requires Identity.
	// An error fails the call with [CategoryInvalidRequest], wrapping it.
	Build Builder

	// Refresh skips serving a cached response; a 2xx response is still
	// stored. When the upstream fails, the entry the refresh bypassed
	// (fresh, or expired within the stale grace) is returned, Stale set,
	// with the error, as for stale-if-error.
	Refresh bool

	// Timeout bounds this execution. Zero: the Executor's.
	Timeout time.Duration

	// NoRetry makes the execution a single attempt whatever the method
	// and the failure (a 503, a connection reset, a 429 with a short
	// Retry-After): for a call that must not reach the upstream twice
	// even when its method is idempotent, such as a PUT or DELETE an
	// agent triggered by hand. Without it only GET, HEAD, PUT, DELETE and
	// OPTIONS are retried (see [RetryPolicy]). With the Executor's own
	// transport such a call also gets a connection of its own, closed after
	// it, because net/http replays a GET, HEAD or OPTIONS request, or one
	// with an Idempotency-Key header, when a reused connection ends before
	// the response begins; a [Options].Transport the host sets answers for
	// its own replays. It is not part of the cache key: concurrent callers
	// of one cached key share the first caller's execution, so give such
	// calls a zero CacheTTL.
	NoRetry bool
}

// A Builder builds a [Request] that is keyed by its Identity (see [Request.Build]).
type Builder interface {
	// Build sets r's URL, Header, Body and SecretHeaders, and its Credentials when the
	// request needs them.
	Build(r *Request) error
}

// built returns r with the URL, Header, Body, SecretHeaders (and Credentials, when set) of its
// Builder, or r itself when it has none.
func (r *Request) built() (*Request, error) {
	if r.Build == nil {
		return r, nil
	}
	var b Request
	if err := r.Build.Build(&b); err != nil {
		return nil, err
	}
	cp := *r
	cp.URL, cp.Header, cp.Body, cp.SecretHeaders = b.URL, b.Header, b.Body, b.SecretHeaders
	if b.Credentials != nil {
		cp.Credentials = b.Credentials
	}
	cp.Build = nil
	return &cp, nil
}

// key returns the cache key of r sent with method (normalized).
func (r *Request) key(method string) CacheKey {
	if r.Identity != nil {
		return identityKey(r.Scope, method, r.Identity)
	}
	return requestKey(r.Scope, method, r.URL, r.Header, r.Body)
}

// Credentials is what [Request.Credentials] returns for one execution.
type Credentials struct {
	// Header is sent with the request: each of its headers replaces the
	// Request's values of that name and is treated as one of
	// SecretHeaders. It is never part of the cache key.
	Header http.Header
	// Redact, when not nil, is applied to the response body before it is
	// stored in the cache or returned (and so to a StatusError's Body), so
	// that an upstream's echo of a credential is never cached. It must not
	// modify its argument; it returns it or a redacted copy.
	Redact func(body []byte) []byte
}

// Response is the result of [Executor.Do]. Each call gets its own
// Response. Its Header and Body are read-only views of what the cache
// holds and every other caller of the same key is served (cache hits and
// herd collapse share them without a copy: that keeps a hit at one small
// allocation); a caller cannot change what another one reads. Body.Bytes
// and Header.Clone return copies to modify.
type Response struct {
	StatusCode int
	Header     Header
	Body       Body // decoded (gzip), at most MaxBodyBytes

	// Duration is the wall time of the upstream execution, all attempts
	// included. It is zero for a fresh cache hit (the hit path reads the
	// clock once); a stale response carries the failed execution's.
	Duration time.Duration
	Timing   Timing
	Attempts int  // upstream attempts (0 for a fresh cache hit; for a stale response, the failed attempts)
	Shared   bool // the result of a concurrent caller's upstream call (herd collapse)

	FromCache bool
	Stale     bool      // served from the cache past its expiry because the upstream failed
	StoredAt  time.Time // zero when not from the cache
}

// Timing breaks down the last attempt, from net/http/httptrace. DNS,
// Connect and TLS add up the phases of every hop of a redirect chain;
// FirstByte runs from the start of the attempt to the first byte of the
// final response. Phases that did not happen (a reused connection, a
// transport without tracing support) are zero.
type Timing struct {
	DNS       time.Duration
	Connect   time.Duration
	TLS       time.Duration
	FirstByte time.Duration
}
