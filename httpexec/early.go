package httpexec

import (
	"context"
	"math"
	"time"
)

// EarlyRefresh configures probabilistic early refresh ("XFetch", from
// Vattani, Chierichetti and Lowenstein, Optimal Probabilistic Cache
// Stampede Prevention, VLDB 2015): a fresh hit is refreshed before it
// expires when
//
//	now - Duration * Beta * ln(Rand()) >= Expires
//
// where Duration is how long the upstream took to produce the entry. The
// chance grows as expiry nears and as the upstream is slower, so a hot key
// is refreshed by one caller shortly before it expires while the others
// keep getting hits, and its callers rarely meet a miss. The zero value
// disables early refresh.
type EarlyRefresh struct {
	// Beta scales how early entries are refreshed: 0 disables early
	// refresh, 1 is the paper's recommendation, larger values refresh
	// earlier. Negative, infinite and NaN values are invalid.
	Beta float64

	// Rand returns a uniformly distributed number in [0, 1), as
	// math/rand/v2.Float64 does, which is used when Rand is nil. It must be
	// safe for concurrent use. Tests inject a deterministic function.
	Rand func() float64
}

// refreshDue reports whether a fresh entry, which stays fresh for left,
// should be refreshed now.
func (e *Executor) refreshDue(left time.Duration, ent *CacheEntry) bool {
	if e.cfg.beta == 0 || ent.Duration <= 0 {
		return false
	}
	// -ln(u) for u in (0, 1]: exponentially distributed, mean 1.
	gap := float64(ent.Duration) * e.cfg.beta * -math.Log(1-e.cfg.rand())
	return gap >= float64(left)
}

// refreshEarly executes r on the caller's goroutine to replace seen, a
// fresh entry, before it expires. It reports false, and the caller is
// served seen, when another caller of this process or (through a
// [Leaser]) of the fleet is refreshing the key or has replaced seen since
// it was read, or when the execution fails: seen is still fresh.
func (e *Executor) refreshEarly(ctx context.Context, key CacheKey, r *Request, method string, idempotent bool, ttl time.Duration, seen *CacheEntry) (*Response, bool) {
	f := &e.flights
	f.mu.Lock()
	_, busy := f.m[key.Digest]
	if _, refreshing := f.early[key.Digest]; refreshing {
		busy = true
	}
	if !busy {
		if f.early == nil {
			f.early = make(map[[32]byte]struct{})
		}
		f.early[key.Digest] = struct{}{}
	}
	f.mu.Unlock()
	if busy {
		return nil, false
	}
	defer func() {
		f.mu.Lock()
		delete(f.early, key.Digest)
		f.mu.Unlock()
	}()
	p, err := e.prepare(r, method, idempotent, ttl)
	if err != nil {
		return nil, false
	}
	p.early = seen
	resp, err, pv := e.runStore(ctx, key, p)
	if pv != nil {
		panic(pv)
	}
	if err != nil {
		return nil, false
	}
	return resp, true
}
