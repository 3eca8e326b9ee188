package httpexec_test

import (
	"errors"
	"io"
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

// TestNoRetryReusedConnection checks that NoRetry holds below the executor too: net/http's
// Transport replays a request on a reused connection that ends before the response begins
// when it deems the request replayable (GET, HEAD, OPTIONS, or any method with an
// Idempotency-Key or X-Idempotency-Key header), although the upstream may have acted on it.
// Here the upstream reads the request in full, then hangs up, on a connection an earlier
// request left idle: a NoRetry request reaches it once and fails, while a request without
// NoRetry may be replayed.
func TestNoRetryReusedConnection(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		method string
		header http.Header
		body   string
	}{
		{"GET", http.MethodGet, nil, ""},
		{"POST with Idempotency-Key", http.MethodPost, http.Header{"Idempotency-Key": {"k1"}}, `{"note":"hi"}`},
		{"POST with X-Idempotency-Key, no body", http.MethodPost, http.Header{"X-Idempotency-Key": {"k1"}}, ""},
		{"DELETE with Idempotency-Key", http.MethodDelete, http.Header{"Idempotency-Key": {"k1"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int64
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/warm" {
					w.Write([]byte("{}"))
					return
				}
				io.Copy(io.Discard, r.Body)
				hits.Add(1)
				conn, _, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Errorf("Hijack: %v", err)
					return
				}
				conn.Close() // acted on, then hung up before answering
			}))
			ex := mustNew(t, httpexec.Options{AllowPrivate: loopback, Retry: httpexec.RetryPolicy{Jitter: noJitter}})
			if _, err := ex.Do(t.Context(), &httpexec.Request{URL: srv.URL + "/warm"}); err != nil {
				t.Fatalf("warm-up: %v", err) // leaves the connection idle for reuse
			}
			_, err := ex.Do(t.Context(), &httpexec.Request{Method: c.method, URL: srv.URL + "/act", Header: c.header,
				Body: []byte(c.body), NoRetry: true})
			if got := httpexec.CategoryOf(err); got != httpexec.CategoryNetwork {
				t.Errorf("CategoryOf(%v) = %q, want %q", err, got, httpexec.CategoryNetwork)
			}
			if got := hits.Load(); got != 1 {
				t.Errorf("upstream acted on the NoRetry request %d times, want 1", got)
			}
		})
	}
}
