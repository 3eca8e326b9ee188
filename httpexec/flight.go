package httpexec

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

// call is one shared upstream execution.
type call struct {
	done    chan struct{}
	resp    *Response
	err     error
	waiters int // guarded by flights.mu
	cancel  context.CancelFunc
	panic   *sharedPanic // set when the execution panicked
	secret  []string     // canonical secret header names of the executing request
}

// sharedPanic carries a panic of a shared execution (a host Transport or
// Cache that panicked) to the goroutine of every waiting caller, where it
// is raised again, as it would be on the caller's own goroutine for an
// uncached request. A goroutine of ours must never crash the process.
type sharedPanic struct {
	value any
	stack []byte
}

func (p *sharedPanic) Error() string {
	return fmt.Sprintf("httpexec: panic in a shared execution: %v\n\n%s", p.value, p.stack)
}

// Unwrap returns the panic value when it is an error.
func (p *sharedPanic) Unwrap() error {
	err, _ := p.value.(error)
	return err
}

// flights collapses concurrent executions of one cache key.
type flights struct {
	mu    sync.Mutex
	m     map[[32]byte]*call
	early map[[32]byte]struct{} // keys being refreshed early (EarlyRefresh)
}

// shared runs p once for all concurrent callers with key. The execution
// runs on its own goroutine, on a context detached from ctx (values kept)
// and bounded by p's timeout; each caller waits on its own ctx; when the
// last waiting caller leaves, the execution is canceled.
func (e *Executor) shared(ctx context.Context, key CacheKey, p *prepared) (*Response, bool, error) {
	f := &e.flights
	f.mu.Lock()
	c, joined := f.m[key.Digest]
	if joined && !coversSecrets(c.secret, p.secret) {
		// SecretHeaders are not part of the key: a caller that marks a
		// header secret which the executing request does not would see its
		// value follow a redirect to another host. It runs on its own.
		f.mu.Unlock()
		resp, err, pv := e.runStore(ctx, key, p)
		if pv != nil {
			panic(pv)
		}
		return resp, false, err
	}
	if joined {
		c.waiters++
	} else {
		cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &call{done: make(chan struct{}), waiters: 1, cancel: cancel, secret: p.secret}
		f.m[key.Digest] = c
		go e.run(cctx, key, p, c)
	}
	f.mu.Unlock()

	select {
	case <-c.done:
	case <-ctx.Done():
		select {
		case <-c.done: // finished as well: prefer the result
			return c.result(joined)
		default:
		}
		f.mu.Lock()
		c.waiters--
		if c.waiters == 0 && f.m[key.Digest] == c {
			delete(f.m, key.Digest)
			c.cancel()
		}
		f.mu.Unlock()
		select {
		case <-c.done: // finished meanwhile: prefer the result
		default:
			return nil, joined, e.ctxError(ctx, p)
		}
	}
	return c.result(joined)
}

// coversSecrets reports whether every name in want is in have.
func coversSecrets(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// result returns the call's outcome to one caller, with its own Response
// and its own copy of the error, or raises the execution's panic on the
// caller's goroutine.
func (c *call) result(joined bool) (*Response, bool, error) {
	if c.panic != nil {
		panic(c.panic)
	}
	err := ownError(c.err)
	if c.resp == nil {
		return nil, joined, err
	}
	resp := *c.resp
	resp.Shared = joined
	return &resp, joined, err
}

// ownError returns a copy of an error of this package, so that callers of
// one shared execution never share a mutable error value.
func ownError(err error) error {
	switch e := err.(type) {
	case *Error:
		c := *e
		return &c
	case *StatusError:
		c := *e
		c.Body = bytes.Clone(e.Body)
		return &c
	}
	return err
}

// run is the body of a shared execution. It stores a 2xx response in the
// cache, then unregisters the call, then publishes the result, so that a
// caller that comes after Do returned finds the entry (FromCache) or starts
// a new call, and a concurrent one joins this call.
func (e *Executor) run(ctx context.Context, key CacheKey, p *prepared, c *call) {
	defer c.cancel()
	resp, err, pv := e.runStore(ctx, key, p)
	// Unregister before publishing: once Do has returned, no later call
	// (after an Invalidate, or after a result that was not stored) may join
	// this finished call.
	e.flights.mu.Lock()
	if e.flights.m[key.Digest] == c {
		delete(e.flights.m, key.Digest)
	}
	waiters := c.waiters
	e.flights.mu.Unlock()
	if pv != nil && waiters == 0 && e.logger != nil {
		// Nobody is left to raise it: say so instead of crashing.
		e.logger.LogAttrs(ctx, slog.LevelError, "httpexec: panic in a shared execution",
			slog.String("method", p.method), slog.String("url", p.redacted),
			slog.String("team", p.scope.Team), slog.String("integration", p.scope.Integration),
			slog.Int64("version", p.scope.Version),
			slog.String("panic_type", typeName(pv.value)))
	}
	c.resp, c.err, c.panic = resp, err, pv
	close(c.done)
}

// runStore executes p and stores a 2xx result, recovering a panic of the
// transport or the cache. With a [Leaser] cache, the execution is
// collapsed across processes.
func (e *Executor) runStore(ctx context.Context, key CacheKey, p *prepared) (resp *Response, err error, pv *sharedPanic) {
	defer func() {
		if v := recover(); v != nil {
			resp, err, pv = nil, nil, &sharedPanic{value: v, stack: debug.Stack()}
		}
	}()
	if l, ok := e.cache.(Leaser); ok {
		resp, err = e.runLeased(ctx, l, key, p)
		return resp, err, nil
	}
	// This execution is the process's only one of key, but another may have stored the entry
	// and retired between this caller's miss and its start (shared found none to join): a
	// second upstream call for one key unless the cache is read again
	// (TestMissAfterExecutionRetired). A refresh never takes another's result.
	if !p.refresh {
		if ent := e.storedMeanwhile(ctx, key, p); ent != nil {
			if p.early != nil {
				return nil, errRefreshed, nil
			}
			return entryResponse(ent), nil, nil
		}
	}
	resp, err = e.execute(ctx, p)
	e.store(ctx, key, p, resp, err)
	return resp, err, nil
}

// store stores the result of p in the cache if it is a 2xx response.
func (e *Executor) store(ctx context.Context, key CacheKey, p *prepared, resp *Response, err error) {
	if err != nil || resp == nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return
	}
	now := time.Now()
	if b := resp.Body.b; cap(b)-len(b) > len(b)/16+512 {
		resp.Body.b = append(make([]byte, 0, len(b)), b...)
	}
	expires := now.Add(p.ttl)
	ent := &CacheEntry{
		StatusCode: resp.StatusCode,
		Header:     resp.Header.h,
		Body:       resp.Body.b,
		StoredAt:   now,
		Expires:    expires,
		StaleUntil: expires.Add(e.cfg.staleGrace),
		Duration:   resp.Duration,
	}
	// Detached from the callers (they may all have gone) but bounded.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.timeout)
	defer cancel()
	if serr := e.cache.Set(sctx, key, ent); serr != nil {
		e.warn(ctx, "httpexec: cache set failed", p.method, p.redacted, p.scope, serr)
	}
}
