package httpexec_test

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
)

// rebindResolver answers with its addresses in turn, one per lookup: a
// DNS rebinding attacker's name server.
type rebindResolver struct {
	mu    sync.Mutex
	addrs []netip.Addr
	n     int
}

func (r *rebindResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := r.addrs[min(r.n, len(r.addrs)-1)]
	r.n++
	return []netip.Addr{a}, nil
}

// TestDNSRebinding: a name that resolves to an allowed address first and
// to a refused one next is refused on the next dial: the guard checks
// every resolution and the address actually dialled.
func TestDNSRebinding(t *testing.T) {
	srv := newServerOn(t, "127.0.0.2", httpHandlerString("ok"))
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	res := &rebindResolver{addrs: []netip.Addr{netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("169.254.169.254")}}
	ex := mustNew(t, httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}, Resolver: res})
	url := "http://rebind.example" + port + "/"
	if r, err := ex.Do(t.Context(), &httpexec.Request{URL: url}); err != nil || r.Body.String() != "ok" {
		t.Fatalf("first (allowed) resolution: %+v, %v", r, err)
	}
	for range 2 {
		ex.Close() // no idle connection to reuse: the next request dials again
		if _, err := ex.Do(t.Context(), &httpexec.Request{URL: url}); httpexec.CategoryOf(err) != httpexec.CategoryBlocked {
			t.Fatalf("rebound resolution: %v, want blocked", err)
		}
	}
}

// TestResolverZoneAndMapped: addresses a resolver returns with a zone or
// IPv4-mapped are judged by the address they stand for.
func TestResolverZoneAndMapped(t *testing.T) {
	res := newFakeResolver("a.example", "fe80::1%eth0", "b.example", "::ffff:169.254.169.254", "c.example", "::ffff:7f00:1")
	ex := mustNew(t, httpexec.Options{Resolver: res, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("169.254.0.0/16")}})
	for _, u := range []string{"http://a.example/", "http://b.example/", "http://c.example/"} {
		if _, err := ex.Do(t.Context(), &httpexec.Request{URL: u}); httpexec.CategoryOf(err) != httpexec.CategoryBlocked {
			t.Errorf("Do(%s) = %v, want blocked", u, err)
		}
	}
}

// TestMoreSpellings: spellings beyond the SSRF table never reach the
// network, with either transport.
func TestMoreSpellings(t *testing.T) {
	var dialled atomic.Int32
	ex := mustNew(t, httpexec.Options{Resolver: resolverFunc(func(host string) ([]netip.Addr, error) {
		dialled.Add(1)
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	})})
	for _, u := range []string{
		"http://localhost../", "http://127.0.0.1../", "http://0x7F.1/", "http://0X7f.0X0.0X0.0X1/",
		"http://2130706433./", "http://0177.0.0.1./", "http://[::FFFF:127.0.0.1]/", "http://[::ffff:7F00:1]/",
		"http://127.0.0.1.:80/", "http://[0::1]/", "http://[::1%25lo]/", "http://[::ffff:127.0.0.1%25lo]/",
		"http://1.1/", "http://0.0.0.0./", "http://LocalHost/", "http://foo.LOCALHOST/",
		"http://127.0.0.1%2e/", "http://127%2e0%2e0%2e1/", "http://[::ffff:127.0.0.1]:80/", "HTTP://127.0.0.1/",
	} {
		_, err := ex.Do(t.Context(), &httpexec.Request{URL: u})
		if c := httpexec.CategoryOf(err); c != httpexec.CategoryBlocked && c != httpexec.CategoryInvalidURL {
			t.Errorf("Do(%s) = %v (%s), want blocked or invalid_url", u, err, c)
		}
	}
}

type resolverFunc func(host string) ([]netip.Addr, error)

func (f resolverFunc) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return f(host)
}

// TestNoSecretsInErrorsLogsEvents drives failure paths whose net/http
// errors (a *url.Error) carry the full URL, redirect targets with
// queries and userinfo, and a malformed response that echoes the request
// line, and checks that no error, log record or event contains a secret.
func TestNoSecretsInErrorsLogsEvents(t *testing.T) {
	const secret = "S3CR3T"
	// A raw server that echoes the request line as a malformed status line.
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				c.Write([]byte("HTTP/1.1 2OO " + line + "\r\n\r\n"))
			}()
		}
	}()
	echo := "http://" + ln.Addr().String()
	redir := newServerOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	var logs bytes.Buffer
	var events []httpexec.Event
	var mu sync.Mutex
	ex := mustNew(t, httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")},
		Logger:       slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Observe: func(_ context.Context, ev httpexec.Event) {
			mu.Lock()
			events = append(events, ev)
			mu.Unlock()
		},
		Resolver: newFakeResolver(), // hermetic: every name is unknown
		Timeout:  5 * time.Second,
		Retry:    httpexec.RetryPolicy{MaxAttempts: 1},
	})
	reqs := []*httpexec.Request{
		{URL: echo + "/x?token=" + secret},
		{URL: redir.URL + "/r?to=http://127.0.0.1/%3Ftoken=" + secret + "&k=" + secret},
		{URL: redir.URL + "/r?to=http://user:" + secret + "@127.0.0.2:1/&k=" + secret},
		{URL: redir.URL + "/r?to=http://127.0.0.2:1/%3Ftoken=" + secret + "&k=" + secret},
		{URL: redir.URL + "/r?to=ftp://x/" + secret + "&k=" + secret},
		{URL: "http://127.0.0.2:1/?k=" + secret},
		{URL: "http://user:" + secret + "@127.0.0.2:1/"},
		{URL: "http://127.0.0.2:1/%zz?k=" + secret},
		{Method: "GET " + secret, URL: "http://x/"},
		{URL: "http://x/", Header: http.Header{"X-Key": {secret + "\n"}}},
		{URL: "http://x/", Header: http.Header{secret + " x": {"v"}}},
		{URL: "http://x/?k=" + secret, CacheTTL: time.Minute, Header: http.Header{"Authorization": {secret}}, Body: []byte(secret)},
	}
	for _, r := range reqs {
		_, err := ex.Do(t.Context(), r)
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("Do(%q) error leaks the secret: %v", r.URL, err)
		}
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("log leaks the secret:\n%s", logs.String())
	}
	for _, ev := range events {
		if strings.Contains(ev.Method+ev.Host+string(ev.Category), secret) {
			t.Errorf("event leaks the secret: %+v", ev)
		}
	}
}

// TestAllowPrivateKeepsMetadataClosed: allowing link-local or CGNAT
// ranges does not open the cloud credential endpoints inside them.
func TestAllowPrivateKeepsMetadataClosed(t *testing.T) {
	// Literal addresses are checked before any transport is used: an
	// injected one that fails the test keeps this test off the network
	// (which, on a cloud machine, has these endpoints).
	ex := mustNew(t, httpexec.Options{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("request reached the transport: %s", r.URL.Redacted())
		return nil, context.Canceled
	}), AllowPrivate: []netip.Prefix{
		netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("100.64.0.0/10"),
		netip.MustParsePrefix("fd00::/8"), netip.MustParsePrefix("192.0.0.0/24"),
	}})
	for _, u := range []string{
		"http://169.254.169.254/", "http://169.254.170.2/v2/credentials", "http://169.254.170.23/v1/credentials",
		"http://[fd00:ec2::254]/", "http://[fd00:ec2::23]/", "http://100.100.100.200/", "http://192.0.0.192/",
		"http://[::ffff:169.254.170.2]/", "http://[64:ff9b::a9fe:aa02]/",
	} {
		if _, err := ex.Do(t.Context(), &httpexec.Request{URL: u}); httpexec.CategoryOf(err) != httpexec.CategoryBlocked {
			t.Errorf("Do(%s) = %v, want blocked", u, err)
		}
	}
}
