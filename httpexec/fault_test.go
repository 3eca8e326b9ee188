package httpexec_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// gzipBomb returns a small gzip stream that inflates to mib MiB of zeros:
// one compressed 1 MiB member repeated (gzip readers read multistream).
func gzipBomb(t testing.TB, mib int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), mib)
}

func gzipped(s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	zw.Close()
	return buf.Bytes()
}

// TestFaults drives the guarded transport against httptest servers that
// misbehave. Each case must end within the timeout (plus scheduling slack)
// with the expected category, and leave no goroutine behind.
func TestFaults(t *testing.T) {
	bomb := gzipBomb(t, 64) // 64 MiB inflated, ~64 KiB on the wire
	// Slow faults run against a short timeout; the others get room for a
	// loaded machine (megabyte bodies under -race) and must not time out.
	const short, long = 500 * time.Millisecond, 5 * time.Second
	metadataResolver := newFakeResolver(
		"internal.corp.example", "10.0.0.7",
		"rebind.example", "127.0.0.1",
	)

	tests := []struct {
		name     string
		handler  func(srvURL string) http.HandlerFunc
		path     string
		method   string
		want     httpexec.Category
		attempts int // 0: not checked
		timeout  time.Duration
		check    func(t *testing.T, resp *httpexec.Response)
	}{
		{
			name: "hung headers",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
			},
			want: httpexec.CategoryTimeout, attempts: 1, timeout: short,
		},
		{
			name: "trickling body",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Length", "1000")
					w.WriteHeader(200)
					tick := time.NewTicker(50 * time.Millisecond) // the upstream trickles one byte per tick
					defer tick.Stop()
					for range 1000 {
						select {
						case <-tick.C:
						case <-r.Context().Done():
							return
						}
						w.Write([]byte("x"))
						w.(http.Flusher).Flush()
					}
				}
			},
			want: httpexec.CategoryTimeout, timeout: short,
		},
		{
			name:    "500",
			handler: status(500, ""),
			want:    httpexec.CategoryUpstream5xx, attempts: 1, // 500 is not retried
			check: func(t *testing.T, resp *httpexec.Response) {
				if resp == nil || resp.StatusCode != 500 {
					t.Errorf("resp = %+v, want the 500 response", resp)
				}
			},
		},
		{name: "502 retried", handler: status(502, ""), want: httpexec.CategoryUpstream5xx, attempts: 3},
		{name: "503 retried", handler: status(503, ""), want: httpexec.CategoryUpstream5xx, attempts: 3},
		{name: "503 POST not retried", handler: status(503, ""), method: "POST", want: httpexec.CategoryUpstream5xx, attempts: 1},
		{name: "429 Retry-After 3600", handler: status(429, "3600"), want: httpexec.CategoryRateLimited, attempts: 1},
		{name: "503 Retry-After 3600", handler: status(503, "3600"), want: httpexec.CategoryUpstream5xx, attempts: 1},
		{
			name: "body over the cap",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 2<<20)) }
			},
			want: httpexec.CategoryTooLarge,
		},
		{
			name: "body over the cap without Content-Length",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					for range 40 {
						w.Write(make([]byte, 64<<10))
						w.(http.Flusher).Flush()
					}
				}
			},
			want: httpexec.CategoryTooLarge,
		},
		{
			name: "oversized 503 page keeps its status",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.WriteHeader(500)
					w.Write(make([]byte, 3<<20))
				}
			},
			want: httpexec.CategoryUpstream5xx,
			check: func(t *testing.T, resp *httpexec.Response) {
				if resp == nil || resp.StatusCode != 500 || resp.Body.Len() != httpexec.DefaultMaxBodyBytes {
					t.Errorf("resp = %v, want the 500 with its body cut at the cap", resp)
				}
			},
		},
		{
			name: "gzip bomb",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Encoding", "gzip")
					w.Write(bomb)
				}
			},
			want: httpexec.CategoryTooLarge,
		},
		{
			name: "corrupt gzip",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Encoding", "gzip")
					b := gzipped(`{"a":1}`)
					b[len(b)-5] ^= 0xff // break the CRC
					w.Write(b)
				}
			},
			want: httpexec.CategoryInvalidResponse,
		},
		{
			name: "malformed JSON is returned as is",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Write([]byte(`{"a":[1,2`))
				}
			},
			want: httpexec.CategoryNone,
			check: func(t *testing.T, resp *httpexec.Response) {
				if resp.Body.String() != `{"a":[1,2` {
					t.Errorf("body = %q", resp.Body)
				}
			},
		},
		{
			name: "non-JSON body is returned as is, gzip decoded",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					w.Header().Set("Content-Encoding", "gzip")
					w.Write(gzipped(`<html>oops</html>`))
				}
			},
			want: httpexec.CategoryNone,
			check: func(t *testing.T, resp *httpexec.Response) {
				if resp.Body.String() != `<html>oops</html>` || resp.Header.Get("Content-Encoding") != "" {
					t.Errorf("resp = %q %v", resp.Body, resp.Header)
				}
			},
		},
		{name: "redirect to 169.254.169.254", handler: redirect("http://169.254.169.254/latest/meta-data/"), want: httpexec.CategoryBlocked},
		{name: "redirect to 127.0.0.1", handler: redirect("http://127.0.0.1/admin"), want: httpexec.CategoryBlocked},
		{name: "redirect to [::ffff:169.254.169.254]", handler: redirect("http://[::ffff:169.254.169.254]/"), want: httpexec.CategoryBlocked},
		{name: "redirect to decimal IP", handler: redirect("http://2852039166/"), want: httpexec.CategoryInvalidURL},
		{name: "redirect to private name", handler: redirect("http://internal.corp.example/"), want: httpexec.CategoryBlocked},
		{name: "redirect to name resolving to loopback", handler: redirect("http://rebind.example/"), want: httpexec.CategoryBlocked},
		{name: "redirect to file scheme", handler: redirect("file:///etc/passwd"), want: httpexec.CategoryInvalidURL},
		{
			name: "redirect loop",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/a" {
						http.Redirect(w, r, "/b", http.StatusFound)
						return
					}
					http.Redirect(w, r, "/a", http.StatusFound)
				}
			},
			path: "/a", want: httpexec.CategoryRedirect,
		},
		{
			name: "redirect chain over the cap",
			handler: func(string) http.HandlerFunc {
				n := 0
				return func(w http.ResponseWriter, r *http.Request) {
					n++
					http.Redirect(w, r, "/hop/"+strings.Repeat("x", n), http.StatusFound)
				}
			},
			want: httpexec.CategoryRedirect,
		},
		{
			name: "connection reset",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					c, _, err := w.(http.Hijacker).Hijack()
					if err != nil {
						return
					}
					c.(*net.TCPConn).SetLinger(0) // RST instead of FIN
					c.Close()
				}
			},
			want: httpexec.CategoryNetwork, attempts: 3,
		},
		{
			name: "garbage instead of HTTP",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					c, buf, err := w.(http.Hijacker).Hijack()
					if err != nil {
						return
					}
					buf.WriteString("SSH-2.0-OpenSSH_9.6\r\n\r\n")
					buf.Flush()
					c.Close()
				}
			},
			want: httpexec.CategoryNetwork,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeaks(t)
			timeout := tt.timeout
			if timeout == 0 {
				timeout = long
			}
			var hits atomic.Int32
			var srvURL string
			h := tt.handler("")
			srv := newServerOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				h(w, r)
			}))
			srvURL = srv.URL
			ex := mustNew(t, httpexec.Options{
				AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")},
				Resolver:     metadataResolver,
				Timeout:      timeout,
				Retry:        httpexec.RetryPolicy{Jitter: noJitter},
			})
			path := tt.path
			if path == "" {
				path = "/x"
			}
			start := time.Now()
			resp, err := ex.Do(t.Context(), &httpexec.Request{Method: tt.method, URL: srvURL + path + "?api_key=SECRET"})
			elapsed := time.Since(start)
			if got := httpexec.CategoryOf(err); got != tt.want {
				t.Fatalf("CategoryOf(%v) = %q, want %q", err, got, tt.want)
			}
			// Slack for a loaded CI machine under -race; a fault that is not
			// bounded by the timeout takes far longer (the trickle 50 s, a
			// hung server until the test's end).
			if elapsed > timeout+2*time.Second {
				t.Errorf("took %v, want within the %v timeout", elapsed, timeout)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q leaks the query", err)
			}
			if tt.want == httpexec.CategoryTimeout && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("timeout error %v does not wrap context.DeadlineExceeded", err)
			}
			if tt.attempts != 0 {
				var got int
				if resp != nil {
					got = resp.Attempts
				} else if e, ok := errors.AsType[*httpexec.Error](err); ok {
					got = e.Attempts
				}
				if got != tt.attempts {
					t.Errorf("attempts = %d, want %d (upstream saw %d)", got, tt.attempts, hits.Load())
				}
			}
			if tt.check != nil {
				tt.check(t, resp)
			}
		})
	}
}

func status(code int, retryAfter string) func(string) http.HandlerFunc {
	return func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(code)
			w.Write([]byte(`{"error":"boom"}`))
		}
	}
}

func redirect(to string) func(string) http.HandlerFunc {
	return func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", to)
			w.WriteHeader(http.StatusFound)
		}
	}
}

// TestFaultsFakeClock runs the slow faults with the default 10 s timeout
// under synctest: the fake clock makes them instant and exact.
func TestFaultsFakeClock(t *testing.T) {
	t.Run("hung headers end at exactly the default timeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ex, mt := newMock(t, httpexec.Options{})
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				<-r.Context().Done()
				return nil, r.Context().Err()
			})
			start := time.Now()
			_, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/hang"})
			if httpexec.CategoryOf(err) != httpexec.CategoryTimeout || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want timeout", err)
			}
			if d := time.Since(start); d != httpexec.DefaultTimeout {
				t.Fatalf("ended after %v, want %v", d, httpexec.DefaultTimeout)
			}
		})
	})
	t.Run("trickling body", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ex, mt := newMock(t, httpexec.Options{Timeout: 3 * time.Second})
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				resp := httpmock.NewBytesResponse(200, nil)
				resp.Body = &trickle{ctx: r.Context(), every: 100 * time.Millisecond}
				return resp, nil
			})
			start := time.Now()
			_, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/trickle"})
			if httpexec.CategoryOf(err) != httpexec.CategoryTimeout {
				t.Fatalf("err = %v, want timeout", err)
			}
			if d := time.Since(start); d > 3*time.Second+100*time.Millisecond {
				t.Fatalf("ended after %v, want about 3s", d)
			}
		})
	})
	t.Run("Retry-After within the cap is waited for", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ex, mt := newMock(t, httpexec.Options{})
			n := 0
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				n++
				if n == 1 {
					resp := httpmock.NewStringResponse(503, "")
					resp.Header.Set("Retry-After", "2")
					return resp, nil
				}
				return httpmock.NewStringResponse(200, "ok"), nil
			})
			start := time.Now()
			resp, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/x"})
			if err != nil || resp.Attempts != 2 {
				t.Fatalf("Do = %+v, %v, want success on attempt 2", resp, err)
			}
			if d := time.Since(start); d != 2*time.Second {
				t.Fatalf("waited %v, want the 2s Retry-After", d)
			}
		})
	})
	t.Run("Retry-After past the deadline is not waited for", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ex, mt := newMock(t, httpexec.Options{Timeout: 3 * time.Second})
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(429, "")
				resp.Header.Set("Retry-After", "4")
				return resp, nil
			})
			start := time.Now()
			resp, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/x"})
			if httpexec.CategoryOf(err) != httpexec.CategoryRateLimited || resp.Attempts != 1 {
				t.Fatalf("Do = %+v, %v", resp, err)
			}
			if d := time.Since(start); d != 0 {
				t.Fatalf("took %v, want an immediate answer", d)
			}
		})
	})
	t.Run("full jitter backoff uses the injected source", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var limits []time.Duration
			ex, mt := newMock(t, httpexec.Options{Retry: httpexec.RetryPolicy{
				MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond,
				Jitter: func(limit time.Duration) time.Duration { limits = append(limits, limit); return limit / 2 },
			}})
			mt.RegisterNoResponder(httpmock.ConnectionFailure)
			start := time.Now()
			_, err := ex.Do(t.Context(), &httpexec.Request{Method: "PUT", URL: "https://api.example.com/x"})
			if httpexec.CategoryOf(err) != httpexec.CategoryNetwork {
				t.Fatalf("err = %v, want network", err)
			}
			want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}
			if !equalDurations(limits, want) {
				t.Fatalf("jitter limits = %v, want %v", limits, want)
			}
			if d := time.Since(start); d != 300*time.Millisecond {
				t.Fatalf("total wait %v, want 300ms (half of each limit)", d)
			}
			if got := mt.GetTotalCallCount(); got != 4 {
				t.Fatalf("attempts = %d, want 4", got)
			}
		})
	})
	t.Run("caller cancellation", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ex, mt := newMock(t, httpexec.Options{})
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				<-r.Context().Done()
				return nil, r.Context().Err()
			})
			ctx, cancel := context.WithCancel(t.Context())
			go func() { advance(time.Second); cancel() }()
			_, err := ex.Do(ctx, &httpexec.Request{URL: "https://api.example.com/x"})
			if !errors.Is(err, context.Canceled) || httpexec.CategoryOf(err) != httpexec.CategoryCanceled {
				t.Fatalf("err = %v, want canceled", err)
			}
		})
	})
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// trickle is a body that yields one byte per interval until ctx ends.
type trickle struct {
	ctx   context.Context
	every time.Duration
}

func (tr *trickle) Read(p []byte) (int, error) {
	select {
	case <-time.After(tr.every):
		p[0] = 'x'
		return 1, nil
	case <-tr.ctx.Done():
		return 0, tr.ctx.Err()
	}
}

func (tr *trickle) Close() error { return nil }

var _ io.ReadCloser = (*trickle)(nil)
