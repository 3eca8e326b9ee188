package httpexec_test

import (
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
)

// countingTransport is host middleware: it counts the requests it passes
// on, as a tracing or metrics layer would.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// TestWrappedGuardedTransportRefusesPrivate: middleware around
// NewTransport keeps the guard. Names resolving to refused addresses, a
// literal refused address handed straight to the transport, and a redirect
// to a refused name are all stopped at the dialer, after the middleware
// saw the request; the allowed server is reached through it.
func TestWrappedGuardedTransportRefusesPrivate(t *testing.T) {
	var hidden atomic.Int32
	internal := newServerOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hidden.Add(1)
		w.Write([]byte("internal data"))
	}))
	_, internalPort, _ := strings.Cut(strings.TrimPrefix(internal.URL, "http://"), ":")
	allowed := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, "http://internal.test:"+internalPort+"/", http.StatusFound)
			return
		}
		w.Write([]byte("public data"))
	}))
	_, allowedPort, _ := strings.Cut(strings.TrimPrefix(allowed.URL, "http://"), ":")
	guard := httpexec.GuardOptions{
		AllowPrivate: loopback, // 127.0.0.1/32 only
		Resolver: newFakeResolver(
			"ok.test", "127.0.0.1",
			"internal.test", "127.0.0.2",
			"lan.test", "10.1.2.3",
			"metadata.test", "169.254.169.254",
			"mixed.test", "127.0.0.1,192.168.1.1",
		),
	}
	mw := &countingTransport{next: httpexec.NewFencedTransport(t, guard)}
	ex := mustNew(t, httpexec.Options{Transport: mw, AllowPrivate: guard.AllowPrivate, Retry: httpexec.RetryPolicy{MaxAttempts: 1}})

	resp, err := ex.Do(t.Context(), &httpexec.Request{URL: "http://ok.test:" + allowedPort + "/"})
	if err != nil || resp.Body.String() != "public data" {
		t.Fatalf("allowed server: Do = %v, %v", resp, err)
	}
	for _, u := range []string{
		"http://internal.test:" + internalPort + "/",
		"http://lan.test/",
		"http://metadata.test/latest/meta-data/",
		"http://mixed.test:" + allowedPort + "/",
		"http://ok.test:" + allowedPort + "/hop", // redirected to internal.test
	} {
		before := mw.n.Load()
		_, err := ex.Do(t.Context(), &httpexec.Request{URL: u})
		if got := httpexec.CategoryOf(err); got != httpexec.CategoryBlocked || !errors.Is(err, httpexec.ErrBlocked) {
			t.Errorf("%s: Do error = %v (%s), want blocked", u, err, got)
		}
		if mw.n.Load() == before {
			t.Errorf("%s: the middleware never saw the request: it was refused before the transport", u)
		}
	}
	// The transport alone, without the Executor's URL checks: a literal
	// loopback address outside the allow-list is refused by the dialer.
	client := &http.Client{Transport: mw}
	if resp, err := client.Get(internal.URL); err == nil {
		resp.Body.Close()
		t.Errorf("GET %s through the wrapped transport succeeded", internal.URL)
	} else if !errors.Is(err, httpexec.ErrBlocked) {
		t.Errorf("GET %s: error %v, want one wrapping ErrBlocked", internal.URL, err)
	}
	if n := hidden.Load(); n != 0 {
		t.Errorf("the refused server received %d requests", n)
	}
}

func TestNewTransportOptions(t *testing.T) {
	bad := httpexec.GuardOptions{AllowPrivate: []netip.Prefix{{}}}
	if _, err := httpexec.NewTransport(bad); err == nil {
		t.Error("NewTransport accepted an invalid prefix")
	}
	if _, err := httpexec.NewDialer(bad); err == nil {
		t.Error("NewDialer accepted an invalid prefix")
	}
	tr, err := httpexec.NewTransport(httpexec.GuardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Proxy != nil || !tr.DisableCompression || tr.DialContext == nil {
		t.Errorf("transport: proxy set %v, compression disabled %v, guarded dialer %v", tr.Proxy != nil, tr.DisableCompression, tr.DialContext != nil)
	}
	// The zero GuardOptions refuses loopback, without any DNS query.
	d, err := httpexec.NewDialer(httpexec.GuardOptions{Resolver: noDNS{t}})
	if err != nil {
		t.Fatal(err)
	}
	var zero httpexec.Dialer
	if _, err := zero.DialContext(t.Context(), "tcp", "127.0.0.1:1"); !errors.Is(err, httpexec.ErrBlocked) {
		t.Errorf("zero Dialer: DialContext = %v, want ErrBlocked", err)
	}
	for _, addr := range []string{"127.0.0.1:80", "[::1]:80", "localhost:80", "169.254.169.254:80"} {
		if c, err := d.DialContext(t.Context(), "tcp", addr); !errors.Is(err, httpexec.ErrBlocked) {
			if c != nil {
				c.Close()
			}
			t.Errorf("DialContext(%s) = %v, want ErrBlocked", addr, err)
		}
	}
}
