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
	if c.resp == nil {
		return nil, joined, c.err
	}
	resp := *c.resp
	resp.Shared = joined
	return &resp, joined, c.err
}

// run is the body of a shared execution. It stores a 2xx response in the
// cache before it unregisters the call, so that a later caller either joins
// the call or finds the entry.
func (e *Executor) run(ctx context.Context, key CacheKey, p *prepared, c *call) {
	defer c.cancel()
	resp, err := e.execute(ctx, p)
	if err == nil && resp != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		now := time.Now()
		body := resp.Body
		if cap(body)-len(body) > len(body)/16+512 {
			body = append(make([]byte, 0, len(body)), body...)
			resp.Body = body
		}
		expires := now.Add(p.ttl)
		ent := &CacheEntry{
			StatusCode: resp.StatusCode,
			Header:     resp.Header,
			Body:       body,
			StoredAt:   now,
			Expires:    expires,
			StaleUntil: expires.Add(e.cfg.staleGrace),
		}
		if serr := e.cache.Set(context.WithoutCancel(ctx), key, ent); serr != nil {
			e.warn(ctx, "httpexec: cache set failed", p.method, p.redacted, serr)
		}
	}
	e.flights.mu.Lock()
	if e.flights.m[key.Digest] == c {
		delete(e.flights.m, key.Digest)
	}
	c.resp, c.err = resp, err
	e.flights.mu.Unlock()
	close(c.done)
}
