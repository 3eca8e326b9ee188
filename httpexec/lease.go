package httpexec

import (
	"context"
	"errors"
	"time"
)

// Leaser is an optional interface of a [Cache] shared by several processes
// (Redis): it collapses the misses of one key across all of them into one
// upstream execution, as the Executor's own herd collapse does within one
// process. The Executor finds it by type assertion, in the manner of
// database/sql/driver's optional interfaces; a Cache without it keeps the
// per-process collapse. Implementations must be safe for concurrent use by
// multiple goroutines.
//
// On a miss, the goroutine executing the request for its process asks for
// the key's lease. The holder reads the cache once more (another process
// may have stored the entry and released the lease just before), executes
// the request, stores a 2xx response with [Cache.Set], then calls Release. The others call Await and are
// served what the holder stored or the failure it published. When Await
// returns neither (the lease expired or was released without an outcome,
// or the implementation stopped waiting), and whenever a Leaser method
// fails, the Executor executes the request itself: a lease only saves
// upstream calls, it never fails one.
type Leaser interface {
	// Acquire tries to take the lease on key for at most ttl (the
	// execution's timeout). It reports whether the caller now holds it,
	// with a token that identifies this holding for Release. It may refuse
	// while a failure published by Release is still shared.
	Acquire(ctx context.Context, key CacheKey, ttl time.Duration) (token string, held bool, err error)

	// Release ends the lease held with token; a lease that expired or
	// passed to another holder is left alone. A non-nil f is the failure
	// of the holder's execution: the implementation keeps it for a short
	// while so that waiting callers, and those arriving just after, share
	// it instead of calling the upstream one after another.
	Release(ctx context.Context, key CacheKey, token string, f *SharedFailure) error

	// Await waits until the lease on key ends, or ctx is done, and returns
	// the fresh entry stored under key (see [CacheEntry.Expires]) or the
	// failure the holder published, or (nil, nil, nil) when there is
	// neither. The implementation bounds the wait; the Executor bounds it
	// as well, by the execution's timeout.
	Await(ctx context.Context, key CacheKey) (*CacheEntry, *SharedFailure, error)
}

// SharedFailure is the failure of an execution as a [Leaser] shares it
// with the processes waiting for the same key: a category and, for a
// non-2xx response, its status. It holds no body, header or URL; the
// waiting Executor rebuilds its error from it and its own request.
type SharedFailure struct {
	Category   Category
	StatusCode int // the non-2xx status; 0 when no response was received
}

// errRefreshed ends an early refresh that another caller is doing or has
// done: the caller is served the entry it has.
var errRefreshed = errors.New("httpexec: refreshed elsewhere")

// runLeased executes p under the key's fleet-wide lease, or is served
// the outcome of the lease's holder.
func (e *Executor) runLeased(ctx context.Context, l Leaser, key CacheKey, p *prepared) (*Response, error) {
	token, held, err := l.Acquire(ctx, key, p.timeout)
	switch {
	case err != nil: // execute without a lease
		e.warn(ctx, "httpexec: cache lease failed", p.method, p.redacted, p.scope, err)
	case p.early != nil && !held: // the entry is still fresh; another process refreshes it
		return nil, errRefreshed
	case !held && !p.refresh: // a refresh never takes another's result
		if resp, err, ok := e.await(ctx, l, key, p); ok {
			return resp, err
		}
	case held && !p.refresh:
		// Another process may have stored the entry and released the lease
		// between this miss and this Acquire.
		if ent := e.storedMeanwhile(ctx, key, p); ent != nil {
			e.release(ctx, l, key, token, nil, p)
			if p.early != nil {
				return nil, errRefreshed
			}
			return entryResponse(ent), nil
		}
	}
	resp, err := e.execute(ctx, p)
	e.store(ctx, key, p, resp, err)
	if held {
		e.release(ctx, l, key, token, failureOf(resp, err), p)
	}
	return resp, err
}

// release ends a lease the caller holds.
func (e *Executor) release(ctx context.Context, l Leaser, key CacheKey, token string, f *SharedFailure, p *prepared) {
	// Detached: the holder's callers may all have gone, the others wait.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.timeout)
	defer cancel()
	if err := l.Release(rctx, key, token, f); err != nil {
		e.warn(ctx, "httpexec: cache lease release failed", p.method, p.redacted, p.scope, err)
	}
}

// await waits for the outcome of another process's execution of key. It
// reports false when the caller must execute the request itself.
func (e *Executor) await(ctx context.Context, l Leaser, key CacheKey, p *prepared) (*Response, error, bool) {
	wctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	ent, f, err := l.Await(wctx, key)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			e.warn(ctx, "httpexec: cache lease wait failed", p.method, p.redacted, p.scope, err)
		}
	case ent != nil && time.Now().Before(ent.Expires):
		return entryResponse(ent), nil, true
	case f != nil:
		return f.result(p)
	}
	return nil, nil, false
}

// entryResponse returns the response of an entry another caller stored.
func entryResponse(ent *CacheEntry) *Response {
	return &Response{
		StatusCode: ent.StatusCode,
		Header:     Header{ent.Header},
		Body:       Body{ent.Body},
		FromCache:  true,
		Shared:     true,
		StoredAt:   ent.StoredAt,
	}
}

// storedMeanwhile returns the fresh entry that another caller stored under
// key after this caller missed it or, for an early refresh, after it read
// p.early; nil if there is none. Called once this caller alone may execute
// (it holds the lease, or marked the key for its early refresh), it costs
// one cache read and closes the window in which two callers that missed
// the same entry would both execute.
func (e *Executor) storedMeanwhile(ctx context.Context, key CacheKey, p *prepared) *CacheEntry {
	ent, err := e.cache.Get(ctx, key)
	if err != nil || ent == nil || !time.Now().Before(ent.Expires) {
		return nil
	}
	if p.early != nil && ent.StoredAt.Equal(p.early.StoredAt) {
		return nil // the entry being refreshed
	}
	return ent
}

// failureOf returns what a lease holder shares of a failed execution, or
// nil when there is nothing the waiting processes should take as their own
// outcome (success, the holder's cancellation, an internal error).
func failureOf(resp *Response, err error) *SharedFailure {
	if err == nil {
		return nil
	}
	if se, ok := errors.AsType[*StatusError](err); ok {
		return &SharedFailure{Category: se.Category(), StatusCode: se.StatusCode}
	}
	if c := CategoryOf(err); sharedSentinel(c) != nil {
		return &SharedFailure{Category: c}
	}
	return nil
}

// sharedSentinel returns the error an *Error of category c wraps, for the
// categories a lease holder shares; nil for the others.
func sharedSentinel(c Category) error {
	switch c {
	case CategoryTimeout:
		return context.DeadlineExceeded
	case CategoryNetwork:
		return ErrNetwork
	case CategoryTooLarge:
		return ErrBodyTooLarge
	case CategoryRedirect:
		return ErrTooManyRedirects
	case CategoryInvalidResponse:
		return ErrInvalidResponse
	case CategoryBlocked:
		return ErrBlocked
	}
	return nil
}

// result rebuilds the outcome of the holder's execution for p. It reports
// false for a failure it does not recognise: the caller executes p itself.
func (f *SharedFailure) result(p *prepared) (*Response, error, bool) {
	if f.StatusCode != 0 {
		if f.StatusCode < 100 || f.StatusCode > 999 || f.StatusCode >= 200 && f.StatusCode <= 299 {
			return nil, nil, false
		}
		return &Response{StatusCode: f.StatusCode, Shared: true},
			&StatusError{StatusCode: f.StatusCode, Method: p.method, URL: p.redacted}, true
	}
	sentinel := sharedSentinel(f.Category)
	if sentinel == nil {
		return nil, nil, false
	}
	return nil, &Error{
		Category: f.Category,
		Method:   p.method,
		URL:      p.redacted,
		Detail:   "shared outcome of another process's execution",
		Err:      sentinel,
	}, true
}
