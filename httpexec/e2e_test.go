package httpexec_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// TestEndToEnd goes through the guarded transport to an httptest server:
// method, headers, body, gzip and timing arrive as expected.
func TestEndToEnd(t *testing.T) {
	checkNoLeaks(t)
	var mu sync.Mutex
	var seen struct {
		method, path, query, auth, ae, ct string
		body                              []byte
	}
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen.method, seen.path, seen.query = r.Method, r.URL.Path, r.URL.RawQuery
		seen.auth, seen.ae, seen.ct = r.Header.Get("Authorization"), r.Header.Get("Accept-Encoding"), r.Header.Get("Content-Type")
		seen.body, _ = io.ReadAll(r.Body)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipped(`{"ok":true}`))
	}))
	ex := mustNew(t, httpexec.Options{AllowPrivate: loopback})
	resp, err := ex.Do(t.Context(), &httpexec.Request{
		Method: "post",
		URL:    srv.URL + "/v1/search?q=a%2Bb",
		Header: http.Header{"Authorization": {"Bearer t"}, "content-type": {"application/json"}},
		Body:   []byte(`{"email":"a@b.c"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen.method != "POST" || seen.path != "/v1/search" || seen.query != "q=a%2Bb" || seen.auth != "Bearer t" ||
		seen.ae != "gzip" || seen.ct != "application/json" || string(seen.body) != `{"email":"a@b.c"}` {
		t.Errorf("upstream saw %+v", seen)
	}
	if resp.Body.String() != `{"ok":true}` || resp.Header.Get("Content-Encoding") != "" || resp.StatusCode != 200 {
		t.Errorf("resp = %d %q %v", resp.StatusCode, resp.Body, resp.Header)
	}
	if resp.Attempts != 1 || resp.Duration <= 0 || resp.Timing.FirstByte <= 0 || resp.Timing.Connect <= 0 {
		t.Errorf("attempts %d duration %v timing %+v, want connect and first-byte times", resp.Attempts, resp.Duration, resp.Timing)
	}
	if resp.Timing.FirstByte > resp.Duration {
		t.Errorf("first byte %v after the whole duration %v", resp.Timing.FirstByte, resp.Duration)
	}
}

func TestHeadRequest(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Count", "7")
		w.Write([]byte("body"))
	}))
	ex := mustNew(t, httpexec.Options{AllowPrivate: loopback})
	resp, err := ex.Do(t.Context(), &httpexec.Request{Method: "HEAD", URL: srv.URL})
	if err != nil || resp.Header.Get("X-Count") != "7" || resp.Body.Len() != 0 {
		t.Fatalf("HEAD = %+v, %v", resp, err)
	}
}

func TestInvalidRequests(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, "x"))
	for name, r := range map[string]*httpexec.Request{
		"nil":                nil,
		"bad method":         {Method: "GE T", URL: "https://a.example.com/"},
		"CONNECT":            {Method: "CONNECT", URL: "https://a.example.com/"},
		"CR in header value": {URL: "https://a.example.com/", Header: http.Header{"X-A": {"a\r\nX-Injected: 1"}}},
		"NUL in header":      {URL: "https://a.example.com/", Header: http.Header{"X-A": {"a\x00"}}},
		"bad header name":    {URL: "https://a.example.com/", Header: http.Header{"X A": {"a"}}},
		"Host header":        {URL: "https://a.example.com/", Header: http.Header{"Host": {"internal"}}},
		"Transfer-Encoding":  {URL: "https://a.example.com/", Header: http.Header{"Transfer-Encoding": {"chunked"}}},
		"negative TTL":       {URL: "https://a.example.com/", CacheTTL: -1},
		"negative timeout":   {URL: "https://a.example.com/", Timeout: -1},
	} {
		var resp *httpexec.Response
		var err error
		if r == nil {
			resp, err = ex.Do(t.Context(), nil)
		} else {
			resp, err = ex.Do(t.Context(), r)
		}
		if resp != nil || httpexec.CategoryOf(err) != httpexec.CategoryInvalidRequest {
			t.Errorf("%s: Do = %v, %v, want invalid_request", name, resp, err)
		}
		if err != nil && strings.Contains(err.Error(), "Injected") {
			t.Errorf("%s: error %q echoes a header value", name, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Fatalf("transport calls = %d, want 0", n)
	}
}

// TestObserveAndLogRedaction: the hook and the logger get the facts and
// never a query string, a header value or a body.
func TestObserveAndLogRedaction(t *testing.T) {
	var mu sync.Mutex
	var events []httpexec.Event
	var logs bytes.Buffer
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("GET", "https://api.example.com/c/42", httpmock.NewStringResponder(200, `{"ssn":"BODYSECRET"}`))
	mt.RegisterResponder("GET", "https://api.example.com/down", httpmock.NewStringResponder(500, `BODYSECRET`))
	ex := mustNew(t, httpexec.Options{
		Transport: mt,
		Logger:    slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Observe: func(_ context.Context, ev httpexec.Event) {
			mu.Lock()
			events = append(events, ev)
			mu.Unlock()
		},
		Retry: httpexec.RetryPolicy{MaxAttempts: 1},
	})
	hdr := http.Header{"Authorization": {"Bearer HEADERSECRET"}}
	req := &httpexec.Request{URL: "https://api.example.com/c/42?token=QUERYSECRET", Header: hdr, CacheTTL: time.Minute}
	ex.Do(t.Context(), req)
	ex.Do(t.Context(), req)
	_, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/down?token=QUERYSECRET", Header: hdr})
	_, err2 := ex.Do(t.Context(), &httpexec.Request{URL: "https://10.0.0.1/x?token=QUERYSECRET", Header: hdr})

	want := []httpexec.Event{
		{Method: "GET", URL: "https://api.example.com", Host: "api.example.com", StatusCode: 200, Attempts: 1, Bytes: 20},
		{Method: "GET", URL: "https://api.example.com", Host: "api.example.com", StatusCode: 200, FromCache: true, Bytes: 20},
		{Method: "GET", URL: "https://api.example.com", Host: "api.example.com", StatusCode: 500, Attempts: 1, Bytes: 10, Category: httpexec.CategoryUpstream5xx},
		{Method: "GET", URL: "https://10.0.0.1", Host: "10.0.0.1", Category: httpexec.CategoryBlocked},
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, events, cmpopts.IgnoreFields(httpexec.Event{}, "Duration")); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	all := logs.String() + err.Error() + err2.Error()
	for _, secret := range []string{"QUERYSECRET", "HEADERSECRET", "BODYSECRET"} {
		if strings.Contains(all, secret) {
			t.Errorf("%s leaked into logs or errors:\n%s", secret, all)
		}
	}
	if !strings.Contains(logs.String(), "url=https://api.example.com ") {
		t.Errorf("log lacks the redacted URL:\n%s", logs.String())
	}
}

// TestConcurrentUse hammers one Executor from many goroutines with a mix of
// cached, uncached and invalidated requests (run with -race).
func TestConcurrentUse(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, "x"))
	ex := mustNew(t, httpexec.Options{Transport: mt, CacheEntries: 16, CacheBytes: 16 << 10})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				r := &httpexec.Request{
					URL:      "https://api.example.com/" + string(rune('a'+i%20)),
					CacheTTL: time.Duration(i%3) * time.Minute,
					Scope:    httpexec.Scope{Team: "t", Integration: string(rune('a' + g%2))},
				}
				if _, err := ex.Do(t.Context(), r); err != nil {
					t.Error(err)
					return
				}
				if i%50 == 0 {
					ex.Invalidate(t.Context(), "t", "a")
				}
			}
		})
	}
	wg.Wait()
}

// TestEndToEndTLS: the guarded transport speaks TLS with the host's roots
// (Options.TLSConfig) and reports the handshake time.
func TestEndToEndTLS(t *testing.T) {
	checkNoLeaks(t)
	srv := httptest.NewTLSServer(httpHandlerString(`{"tls":true}`))
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	ex := mustNew(t, httpexec.Options{AllowPrivate: loopback, TLSConfig: &tls.Config{RootCAs: roots}})
	resp, err := ex.Do(t.Context(), &httpexec.Request{URL: srv.URL + "/x"})
	if err != nil || resp.Body.String() != `{"tls":true}` {
		t.Fatalf("Do = %v, %v", resp, err)
	}
	if resp.Timing.TLS <= 0 || resp.Timing.Connect <= 0 {
		t.Errorf("timing = %+v, want TLS and connect phases", resp.Timing)
	}
	// Without the roots the certificate is refused: a network error.
	plain := mustNew(t, httpexec.Options{AllowPrivate: loopback, Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
	if _, err := plain.Do(t.Context(), &httpexec.Request{URL: srv.URL + "/x"}); httpexec.CategoryOf(err) != httpexec.CategoryNetwork {
		t.Errorf("untrusted certificate: %v, want network", err)
	}
}

func TestEmptyBodies(t *testing.T) {
	mt := httpmock.NewMockTransport()
	gz := func(code int) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(code, "")
			r.Header.Set("Content-Encoding", "gzip")
			return r, nil
		}
	}
	mt.RegisterResponder("GET", "https://api.example.com/empty", gz(200))
	mt.RegisterResponder("HEAD", "https://api.example.com/empty", gz(200))
	mt.RegisterResponder("GET", "https://api.example.com/none", gz(204))
	ex := mustNew(t, httpexec.Options{Transport: mt})
	for _, r := range []*httpexec.Request{
		{URL: "https://api.example.com/empty"},
		{Method: "HEAD", URL: "https://api.example.com/empty"},
		{URL: "https://api.example.com/none"},
	} {
		resp, err := ex.Do(t.Context(), r)
		if err != nil || resp.Body.Len() != 0 || resp.Header.Get("Content-Encoding") != "" && r.Method != "HEAD" && resp.StatusCode != 204 {
			t.Errorf("%s %s: %+v, %v", r.Method, r.URL, resp, err)
		}
	}
}

// TestDialFallsBackToNextAddress: a name with several addresses is dialled
// in order until one answers; every one is checked first.
func TestDialFallsBackToNextAddress(t *testing.T) {
	srv := newServer(t, httpHandlerString("ok"))
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	res := newFakeResolver("multi.test", "127.0.0.3,127.0.0.1") // nothing listens on 127.0.0.3
	ex := mustNew(t, httpexec.Options{Resolver: res, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	resp, err := ex.Do(t.Context(), &httpexec.Request{URL: "http://multi.test" + port + "/"})
	if err != nil || resp.Body.String() != "ok" {
		t.Fatalf("Do = %v, %v", resp, err)
	}
}

// TestEnvironmentProxyIgnored: a proxy set in the environment is never used
// by the guarded transport (it would be an SSRF bypass and a leak).
func TestEnvironmentProxyIgnored(t *testing.T) {
	var proxied atomic.Bool
	proxy := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Store(true)
		w.Write([]byte("via proxy"))
	}))
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"} {
		t.Setenv(k, proxy.URL)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	srv := newServer(t, httpHandlerString("direct"))
	ex := mustNew(t, httpexec.Options{AllowPrivate: loopback})
	resp, err := ex.Do(t.Context(), &httpexec.Request{URL: srv.URL})
	if err != nil || resp.Body.String() != "direct" || proxied.Load() {
		t.Fatalf("Do = %v, %v (proxied %v), want a direct connection", resp, err, proxied.Load())
	}
}

// TestUnknownHostNotRetried: NXDOMAIN is a network error a retry cannot fix.
func TestUnknownHostNotRetried(t *testing.T) {
	res := newFakeResolver()
	ex := mustNew(t, httpexec.Options{Resolver: res, Retry: httpexec.RetryPolicy{Jitter: noJitter}})
	_, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://no-such-host.example/x"})
	e, ok := errors.AsType[*httpexec.Error](err)
	if !ok || e.Category != httpexec.CategoryNetwork || e.Attempts != 1 || !strings.Contains(e.Detail, "DNS") {
		t.Fatalf("err = %#v, want one network attempt with a DNS detail", err)
	}
	if len(res.lookups) != 1 {
		t.Fatalf("lookups = %v, want 1", res.lookups)
	}
}
