package httpexec

import (
	"context"
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
}

// flights collapses concurrent executions of one cache key.
type flights struct {
	mu sync.Mutex
	m  map[[32]byte]*call
}

// shared runs p once for all concurrent callers with key. The execution
// runs on its own goroutine, on a context detached from ctx (values kept)
// and bounded by p's timeout; each caller waits on its own ctx; when the
// last waiting caller leaves, the execution is canceled.
func (e *Executor) shared(ctx context.Context, key CacheKey, p *prepared) (*Response, bool, error) {
	f := &e.flights
	f.mu.Lock()
	c, joined := f.m[key.Digest]
	if joined {
		c.waiters++
	} else {
		cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &call{done: make(chan struct{}), waiters: 1, cancel: cancel}
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

// result returns the call's outcome to one caller, with its own Response.
func (c *call) result(joined bool) (*Response, bool, error) {
	if c.resp == nil {
		return nil, joined, c.err
	}
	resp := *c.resp
	resp.Shared = joined
	return &resp, joined, c.err
}

// run is the body of a shared execution. It stores a 2xx response in the
// cache, then unregisters the call, then publishes the result, so that a
// caller that comes after Do returned finds the entry (FromCache) or starts
// a new call, and a concurrent one joins this call.
func (e *Executor) run(ctx context.Context, key CacheKey, p *prepared, c *call) {
	defer c.cancel()
	resp, err := e.execute(ctx, p)
	var ent *CacheEntry
	if err == nil && resp != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		now := time.Now()
		if cap(resp.Body)-len(resp.Body) > len(resp.Body)/16+512 {
			resp.Body = append(make([]byte, 0, len(resp.Body)), resp.Body...)
		}
		expires := now.Add(p.ttl)
		ent = &CacheEntry{
			StatusCode: resp.StatusCode,
			Header:     resp.Header,
			Body:       resp.Body,
			StoredAt:   now,
			Expires:    expires,
			StaleUntil: expires.Add(e.cfg.staleGrace),
		}
	}
	if ent != nil {
		// Detached from the callers (they may all have gone) but bounded.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.timeout)
		if serr := e.cache.Set(sctx, key, ent); serr != nil {
			e.warn(ctx, "httpexec: cache set failed", p.method, p.redacted, serr)
		}
		cancel()
	}
	// Unregister before publishing: once Do has returned, no later call
	// (after an Invalidate, or after a result that was not stored) may join
	// this finished call.
	e.flights.mu.Lock()
	if e.flights.m[key.Digest] == c {
		delete(e.flights.m, key.Digest)
	}
	e.flights.mu.Unlock()
	c.resp, c.err = resp, err
	close(c.done)
}
