package httpexec_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
)

// TestNoRetry checks that Request.NoRetry makes one attempt of an idempotent method on every
// failure the executor retries (a 503, a 429 with a short Retry-After, a connection reset),
// while the same request without it is retried: an agent's PUT or DELETE never reaches the
// upstream twice.
func TestNoRetry(t *testing.T) {
	t.Parallel()
	failures := []struct {
		name     string
		handler  http.HandlerFunc
		category httpexec.Category
	}{
		{"503", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, httpexec.CategoryUpstream5xx},
		{"429 with a short Retry-After", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		}, httpexec.CategoryRateLimited},
		{"connection reset", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("Hijack: %v", err)
				return
			}
			conn.Close() // nothing answered: the client sees the connection end
		}, httpexec.CategoryNetwork},
	}
	for _, f := range failures {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
			for _, noRetry := range []bool{true, false} {
				name := f.name + "/" + method
				want := int64(httpexec.DefaultMaxAttempts)
				if noRetry {
					name, want = name+"/NoRetry", 1
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					var hits atomic.Int64
					srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						hits.Add(1)
						f.handler(w, r)
					}))
					ex := mustNew(t, httpexec.Options{AllowPrivate: loopback, Retry: httpexec.RetryPolicy{Jitter: noJitter}})
					resp, err := ex.Do(t.Context(), &httpexec.Request{Method: method, URL: srv.URL + "/orders/1", NoRetry: noRetry})
					if got := httpexec.CategoryOf(err); got != f.category {
						t.Fatalf("CategoryOf(%v) = %q, want %q", err, got, f.category)
					}
					if got := hits.Load(); got != want {
						t.Errorf("upstream saw %d requests, want %d", got, want)
					}
					attempts := 0
					if resp != nil {
						attempts = resp.Attempts
					} else if e, ok := errors.AsType[*httpexec.Error](err); ok {
						attempts = e.Attempts
					}
					if int64(attempts) != want {
						t.Errorf("Attempts = %d, want %d", attempts, want)
					}
				})
			}
		}
	}
}
