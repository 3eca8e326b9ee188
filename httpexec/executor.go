package httpexec

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Executor performs outbound HTTP requests with an SSRF guard, limits,
// retries, a response cache and herd collapse. An Executor is safe for
// concurrent use by multiple goroutines and starts no background
// goroutines: an uncached execution runs on the caller's goroutine, a cached
// miss on one goroutine per key that ends with the execution's timeout at
// the latest (provided the Transport honours the request context, as
// net/http's does).
type Executor struct {
	cfg       config
	transport http.RoundTripper
	own       *http.Transport // nil when Options.Transport was given
	fresh     *http.Transport // own without keep-alives, for NoRetry requests; nil with own
	guard     *guard
	cache     Cache
	logger    *slog.Logger
	observe   func(context.Context, Event)
	flights   flights
}

// New returns an Executor configured by opts. It fails only for invalid
// options (negative durations or bounds, invalid prefixes).
func New(opts Options) (*Executor, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	e := &Executor{
		cfg:     cfg,
		guard:   newGuard(opts.AllowPrivate, opts.Resolver),
		cache:   opts.Cache,
		logger:  opts.Logger,
		observe: opts.Observe,
	}
	e.flights.m = make(map[[32]byte]*call)
	if opts.Transport != nil {
		e.transport = opts.Transport
	} else {
		e.own = newTransport(e.guard, opts.TLSConfig)
		e.transport = e.own
		// net/http replays a GET, or a request with an Idempotency-Key header, on a reused
		// connection that ends before the response begins, although the upstream may have
		// acted on it; it never replays on a connection it has just dialled.
		e.fresh = e.own.Clone()
		e.fresh.DisableKeepAlives = true
	}
	if e.cache == nil {
		entries, budget := opts.CacheEntries, opts.CacheBytes
		if entries == 0 {
			entries = DefaultCacheEntries
		}
		if budget == 0 {
			budget = DefaultCacheBytes
		}
		// Shard only when every shard can still hold several maximal bodies.
		mc, err := newMemoryCache(entries, budget, 4*cfg.maxBody)
		if err != nil {
			return nil, err
		}
		e.cache = mc
	}
	return e, nil
}

// Close closes the idle connections of the Executor's own transport (an
// injected Transport is left alone). The Executor stays usable. It always
// returns nil.
func (e *Executor) Close() error {
	if e.own != nil {
		e.own.CloseIdleConnections()
		e.fresh.CloseIdleConnections()
	}
	return nil
}

// Invalidate removes every cached response of the integration, all
// versions, from the cache. A concurrent execution that started before
// the call may still store its result afterwards.
func (e *Executor) Invalidate(ctx context.Context, team, integration string) error {
	if err := e.cache.Invalidate(ctx, team, integration); err != nil {
		return &Error{Category: CategoryInternal, Detail: "cache invalidation failed", Err: err}
	}
	return nil
}

// prepared is a validated request ready to be sent.
type prepared struct {
	method     string
	url        *url.URL
	redacted   string // the call's name in errors and logs: see callURL
	scope      Scope
	header     http.Header
	body       []byte
	secret     []string // canonical names
	creds      func(context.Context) (*Credentials, error)
	redact     func([]byte) []byte // from creds, for the response body
	idempotent bool
	noRetry    bool // Request.NoRetry: also on a connection of its own
	timeout    time.Duration
	ttl        time.Duration
	refresh    bool        // Request.Refresh: lead a fleet-wide lease, never follow one
	early      *CacheEntry // the fresh entry an early refresh replaces: neither wait nor follow
}

// normalizeMethod returns the method with the standard ones upper-cased,
// and whether it is idempotent.
func normalizeMethod(m string) (string, bool, bool) {
	switch m {
	case "", http.MethodGet:
		return http.MethodGet, true, true
	case http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return m, true, true
	case http.MethodPost, http.MethodPatch:
		return m, false, true
	}
	for _, s := range [...]string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions} {
		if strings.EqualFold(m, s) {
			return s, true, true
		}
	}
	for _, s := range [...]string{http.MethodPost, http.MethodPatch} {
		if strings.EqualFold(m, s) {
			return s, false, true
		}
	}
	if !validToken(m) || strings.EqualFold(m, http.MethodConnect) || strings.EqualFold(m, http.MethodTrace) {
		return "", false, false
	}
	return m, false, true
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// forbiddenHeaders are set by the transport; a Request may not set them.
var forbiddenHeaders = [...]string{"Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "Te", "Trailer", "Keep-Alive", "Proxy-Connection"}

func (e *Executor) prepare(r *Request, method string, idempotent bool, ttl time.Duration) (*prepared, error) {
	b, err := r.built()
	if err != nil {
		return nil, &Error{Category: CategoryInvalidRequest, Method: method, URL: callURL("", r.URLTemplate), Detail: "request could not be built", Err: errors.Join(ErrInvalidRequest, err)}
	}
	r = b
	name := callURL(r.URL, r.URLTemplate)
	u, err := parseURL(r.URL, e.guard)
	if err != nil {
		return nil, e.detailError(method, name, err)
	}
	p := &prepared{
		method:     method,
		url:        u,
		redacted:   name,
		scope:      r.Scope,
		body:       r.Body,
		creds:      r.Credentials,
		idempotent: idempotent,
		noRetry:    r.NoRetry,
		timeout:    e.cfg.timeout,
		ttl:        ttl,
	}
	if r.Timeout > 0 {
		p.timeout = r.Timeout
	}
	p.header = make(http.Header, len(r.Header)+1)
	for k, vv := range r.Header {
		if !validToken(k) {
			return nil, &Error{Category: CategoryInvalidRequest, Method: method, URL: p.redacted, Detail: "invalid header name", Err: ErrInvalidRequest}
		}
		ck := http.CanonicalHeaderKey(k)
		for _, f := range forbiddenHeaders {
			if ck == f {
				return nil, &Error{Category: CategoryInvalidRequest, Method: method, URL: p.redacted, Detail: "header " + ck + " may not be set", Err: ErrInvalidRequest}
			}
		}
		for _, v := range vv {
			if !validHeaderValue(v) {
				return nil, &Error{Category: CategoryInvalidRequest, Method: method, URL: p.redacted, Detail: "invalid value for header " + ck, Err: ErrInvalidRequest}
			}
		}
		p.header[ck] = append(p.header[ck], vv...)
	}
	if _, ok := p.header["Accept-Encoding"]; !ok {
		p.header["Accept-Encoding"] = []string{"gzip"}
	}
	for _, s := range r.SecretHeaders {
		p.secret = append(p.secret, http.CanonicalHeaderKey(s))
	}
	return p, nil
}

// detailError turns a URL or guard error into an *Error.
func (e *Executor) detailError(method, redacted string, err error) *Error {
	out := &Error{Method: method, URL: redacted}
	if be, ok := errors.AsType[*blockedError](err); ok {
		out.Category, out.Detail, out.Err = CategoryBlocked, be.reason, ErrBlocked
		return out
	}
	if ue, ok := errors.AsType[*urlError](err); ok {
		out.Category, out.Detail, out.Err = CategoryInvalidURL, ue.reason, ErrInvalidURL
		return out
	}
	out.Category, out.Err = CategoryInternal, err
	return out
}

// Do executes r. A fresh cached response is returned without a request. On
// a miss, concurrent calls with the same cache key share one upstream
// execution, run on a context detached from the callers' (values kept)
// with its own timeout; each caller waits on its own ctx, and the shared
// execution is canceled only when every caller has gone.
//
// Do returns (resp, nil) for a 2xx response, (resp, *StatusError) for any
// other status, and (nil, *Error) when no response was obtained. When the
// upstream fails (network, timeout, 5xx, 429) and an expired entry within
// the stale grace exists, Do returns that entry (Stale set) with the error.
func (e *Executor) Do(ctx context.Context, r *Request) (*Response, error) {
	if r == nil {
		err := &Error{Category: CategoryInvalidRequest, Detail: "nil request", Err: ErrInvalidRequest}
		e.finish(ctx, &Request{}, "", nil, err, false)
		return nil, err
	}
	method, idempotent, ok := normalizeMethod(r.Method)
	idempotent = idempotent && !r.NoRetry // retried only when idempotent
	if !ok {
		err := &Error{Category: CategoryInvalidRequest, URL: callURL(r.URL, r.URLTemplate), Scope: r.Scope, Detail: "invalid method", Err: ErrInvalidRequest}
		e.finish(ctx, r, "", nil, err, false) // the invalid method may hold anything
		return nil, err
	}
	if r.Build != nil && r.Identity == nil {
		err := &Error{Category: CategoryInvalidRequest, Method: method, URL: callURL(r.URL, r.URLTemplate), Scope: r.Scope, Detail: "Build without Identity", Err: ErrInvalidRequest}
		e.finish(ctx, r, method, nil, err, false)
		return nil, err
	}
	if r.CacheTTL < 0 || r.Timeout < 0 {
		err := &Error{Category: CategoryInvalidRequest, Method: method, URL: callURL(r.URL, r.URLTemplate), Scope: r.Scope, Detail: "negative CacheTTL or Timeout", Err: ErrInvalidRequest}
		e.finish(ctx, r, method, nil, err, false)
		return nil, err
	}
	ttl := min(r.CacheTTL, MaxCacheTTL)
	if ttl == 0 {
		p, err := e.prepare(r, method, idempotent, 0)
		if err != nil {
			err := scoped(err, r.Scope)
			e.finish(ctx, r, method, nil, err, false)
			return nil, err
		}
		resp, err := e.execute(ctx, p)
		err = scoped(err, r.Scope)
		e.finish(ctx, r, method, resp, err, false)
		return resp, err
	}

	key := r.key(method)
	// A Refresh reads the entry too: it is not served, but it stands in, marked stale, when
	// the upstream fails, so a refresh while the upstream is down keeps what the user saw.
	var stale *CacheEntry
	ent, err := e.cache.Get(ctx, key)
	if err != nil {
		e.warn(ctx, "httpexec: cache get failed", method, callURL(r.URL, r.URLTemplate), r.Scope, err)
	}
	if ent != nil {
		// The clock is read once for a fresh hit, and only its monotonic part when the entry
		// has a monotonic reading (one stored by this process): time.Until skips the wall
		// clock then, which costs as much as the rest of time.Now (BenchmarkDoCacheHitExpand).
		fresh := time.Until(ent.Expires)
		if fresh > 0 && !r.Refresh {
			if e.refreshDue(fresh, ent) {
				if resp, ok := e.refreshEarly(ctx, key, r, method, idempotent, ttl, ent); ok {
					e.finish(ctx, r, method, resp, nil, false)
					return resp, nil
				}
			}
			resp := &Response{
				StatusCode: ent.StatusCode,
				Header:     Header{ent.Header},
				Body:       Body{ent.Body},
				FromCache:  true,
				StoredAt:   ent.StoredAt,
			}
			e.finish(ctx, r, method, resp, nil, false)
			return resp, nil
		}
		if time.Until(ent.StaleUntil) > 0 {
			stale = ent
		}
	}
	p, err := e.prepare(r, method, idempotent, ttl)
	if err != nil {
		err := scoped(err, r.Scope)
		e.finish(ctx, r, method, nil, err, false)
		return nil, err
	}
	p.refresh = r.Refresh
	resp, shared, err := e.shared(ctx, key, p)
	err = scoped(err, r.Scope)
	if err != nil && stale != nil && staleEligible(err) {
		attempts, dur := attemptsOf(resp, err), time.Duration(0)
		if resp != nil {
			dur = resp.Duration
		}
		resp = &Response{
			Attempts:   attempts,
			Duration:   dur,
			StatusCode: stale.StatusCode,
			Header:     Header{stale.Header},
			Body:       Body{stale.Body},
			FromCache:  true,
			Stale:      true,
			StoredAt:   stale.StoredAt,
		}
	}
	e.finish(ctx, r, method, resp, err, shared)
	return resp, err
}

// scoped records the request's scope in an error of this package. Every
// error Do returns is its caller's own value (shared executions hand each
// caller a copy), so setting a field races with nobody.
func scoped(err error, s Scope) error {
	switch e := err.(type) {
	case *Error:
		e.Scope = s
	case *StatusError:
		e.Scope = s
	}
	return err
}

// attemptsOf returns the upstream attempts behind a result.
func attemptsOf(resp *Response, err error) int {
	if resp != nil {
		return resp.Attempts
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Attempts
	}
	return 0
}

// staleEligible reports whether err is an upstream failure that a stale
// entry may cover.
func staleEligible(err error) bool {
	switch CategoryOf(err) {
	case CategoryTimeout, CategoryNetwork, CategoryUpstream5xx, CategoryRateLimited:
		return true
	}
	return false
}

// finish logs and observes one Do call.
func (e *Executor) finish(ctx context.Context, r *Request, method string, resp *Response, err error, shared bool) {
	if e.observe == nil && (e.logger == nil || !e.logger.Enabled(ctx, slog.LevelDebug)) {
		return // nothing to build the event for: most hits of a busy process (BenchmarkProfileCached)
	}
	name := callURL(r.URL, r.URLTemplate)
	ev := Event{Method: method, URL: name, Host: hostOf(name), Scope: r.Scope, Category: CategoryOf(err), Shared: shared}
	ev.Attempts = attemptsOf(resp, err)
	if resp != nil {
		ev.StatusCode = resp.StatusCode
		ev.Duration = resp.Duration
		ev.FromCache = resp.FromCache
		ev.Stale = resp.Stale
		ev.Bytes = resp.Body.Len()
	}
	if e.observe != nil {
		e.observe(ctx, ev)
	}
	if e.logger != nil && e.logger.Enabled(ctx, slog.LevelDebug) {
		e.logger.LogAttrs(ctx, slog.LevelDebug, "httpexec: request",
			slog.String("method", ev.Method),
			slog.String("url", ev.URL),
			slog.String("team", ev.Scope.Team),
			slog.String("integration", ev.Scope.Integration),
			slog.Int64("version", ev.Scope.Version),
			slog.Int("status", ev.StatusCode),
			slog.Duration("duration", ev.Duration),
			slog.Int("attempts", ev.Attempts),
			slog.Bool("from_cache", ev.FromCache),
			slog.Bool("stale", ev.Stale),
			slog.Bool("shared", ev.Shared),
			slog.Int("bytes", ev.Bytes),
			slog.String("category", string(ev.Category)),
		)
	}
}

// warn logs a failure of the host's cache. name is the call's name
// (callURL).
func (e *Executor) warn(ctx context.Context, msg, method, name string, s Scope, err error) {
	if e.logger == nil {
		return
	}
	// err comes from the host's cache; log its type only, not its text,
	// which may echo a key or value.
	e.logger.LogAttrs(ctx, slog.LevelWarn, msg,
		slog.String("method", method),
		slog.String("url", name),
		slog.String("team", s.Team),
		slog.String("integration", s.Integration),
		slog.Int64("version", s.Version),
		slog.String("error_type", typeName(err)),
	)
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
