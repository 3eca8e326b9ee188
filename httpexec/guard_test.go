package httpexec_test

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// ssrfResolver answers for the DNS-name rows of the SSRF table.
func ssrfResolver() *fakeResolver {
	return newFakeResolver(
		"metadata.google.internal", "169.254.169.254",
		"169.254.169.254.nip.io", "169.254.169.254",
		"internal.example", "10.1.2.3",
		"v6.example", "::1",
		"mapped.example", "::ffff:10.0.0.1",
		"mixed.example", "93.184.216.34,127.0.0.1",
		"ula.example", "fd12:3456::1",
		"alibaba-metadata.example", "100.100.100.200",
		"nat64.example", "64:ff9b::a9fe:a9fe",
		"linklocal6.example", "fe80::1",
		"zero.example", "0.0.0.0",
	)
}

const (
	blocked    = httpexec.CategoryBlocked
	invalidURL = httpexec.CategoryInvalidURL
)

// ssrfTable lists address spellings that must never be dialled.
var ssrfTable = []struct {
	url  string
	want httpexec.Category
	name bool // resolved through the injected resolver
}{
	// IPv4 literals.
	{"http://127.0.0.1/", blocked, false},
	{"https://127.0.0.1:443/", blocked, false},
	{"http://127.255.255.254:8080/", blocked, false},
	{"http://0.0.0.0/", blocked, false},
	{"http://0.1.2.3/", blocked, false},
	{"http://10.0.0.1/", blocked, false},
	{"http://172.16.0.1/", blocked, false},
	{"http://172.31.255.255/", blocked, false},
	{"http://192.168.1.1/", blocked, false},
	{"http://169.254.169.254/latest/meta-data/", blocked, false},
	{"http://169.254.0.1/", blocked, false},
	{"http://100.64.0.1/", blocked, false},
	{"http://100.100.100.200/", blocked, false},
	{"http://224.0.0.1/", blocked, false},
	{"http://239.255.255.250/", blocked, false},
	{"http://255.255.255.255/", blocked, false},
	{"http://240.0.0.1/", blocked, false},
	{"http://198.18.0.1/", blocked, false},
	// Non-canonical IPv4 spellings (WHATWG / inet_aton would accept them).
	{"http://0/", invalidURL, false},
	{"http://2130706433/", invalidURL, false},
	{"http://2852039166/", invalidURL, false},
	{"http://017700000001/", invalidURL, false},
	{"http://0x7f000001/", invalidURL, false},
	{"http://0X7F000001/", invalidURL, false},
	{"http://0x7f.0.0.1/", invalidURL, false},
	{"http://0x7f.0x0.0x0.0x1/", invalidURL, false},
	{"http://0177.0.0.1/", invalidURL, false},
	{"http://0251.0376.0251.0376/", invalidURL, false},
	{"http://127.1/", invalidURL, false},
	{"http://127.0.1/", invalidURL, false},
	{"http://169.254.43518/", invalidURL, false},
	{"http://127.0.0.1./", invalidURL, false},
	{"http://0x/", invalidURL, false},
	{"http://%31%32%37.0.0.1/", invalidURL, false},
	{"http://\uff10x7f.0.0.1/", invalidURL, false}, // full-width digits
	{"http://evil.example@127.0.0.1/", invalidURL, false},
	{"http://127.0.0.1:0/", invalidURL, false},
	// IPv6 literals.
	{"http://[::1]/", blocked, false},
	{"http://[0:0:0:0:0:0:0:1]/", blocked, false},
	{"http://[::]/", blocked, false},
	{"http://[::ffff:127.0.0.1]/", blocked, false},
	{"http://[::ffff:7f00:1]/", blocked, false},
	{"http://[::ffff:169.254.169.254]/", blocked, false},
	{"http://[::ffff:a9fe:a9fe]/", blocked, false},
	{"http://[0:0:0:0:0:ffff:10.0.0.1]/", blocked, false},
	{"http://[::127.0.0.1]/", blocked, false},
	{"http://[::a9fe:a9fe]/", blocked, false},
	{"http://[::ffff:0:127.0.0.1]/", blocked, false},
	{"http://[64:ff9b::7f00:1]/", blocked, false},
	{"http://[64:ff9b::169.254.169.254]/", blocked, false},
	{"http://[2002:7f00:1::]/", blocked, false},
	{"http://[2002:a9fe:a9fe::1]/", blocked, false},
	{"http://[fd00:ec2::254]/", blocked, false},
	{"http://[fc00::1]/", blocked, false},
	{"http://[fe80::1]/", blocked, false},
	{"http://[fe80::1%25eth0]/", invalidURL, false},
	{"http://[fec0::1]/", blocked, false},
	{"http://[ff02::1]/", blocked, false},
	{"http://[2001:db8::1]/", blocked, false},
	{"http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", blocked, false}, // Teredo
	// Names.
	{"http://localhost/", blocked, false},
	{"http://LOCALHOST./", blocked, false},
	{"http://app.localhost:3000/", blocked, false},
	{"http://metadata.google.internal/computeMetadata/v1/", blocked, true},
	{"http://169.254.169.254.nip.io/", blocked, true},
	{"http://internal.example/", blocked, true},
	{"http://v6.example/", blocked, true},
	{"http://mapped.example/", blocked, true},
	{"http://mixed.example/", blocked, true},
	{"http://ula.example/", blocked, true},
	{"http://alibaba-metadata.example/", blocked, true},
	{"http://nat64.example/", blocked, true},
	{"http://linklocal6.example/", blocked, true},
	{"http://zero.example/", blocked, true},
	// Schemes.
	{"file:///etc/passwd", invalidURL, false},
	{"gopher://127.0.0.1:6379/_INFO", invalidURL, false},
	{"ftp://example.com/", invalidURL, false},
	{"//127.0.0.1/", invalidURL, false},
}

// TestSSRFTable runs every spelling through the default guarded transport
// with an injected resolver: all are refused, none is dialled, and names
// are refused after resolution.
func TestSSRFTable(t *testing.T) {
	if len(ssrfTable) < 30 {
		t.Fatalf("SSRF table has %d rows, want >= 30", len(ssrfTable))
	}
	checkNoLeaks(t)
	res := ssrfResolver()
	ex := mustNew(t, httpexec.Options{Resolver: res})
	for _, tt := range ssrfTable {
		t.Run(tt.url, func(t *testing.T) {
			res.mu.Lock()
			res.lookups = nil
			res.mu.Unlock()
			resp, err := ex.Do(t.Context(), &httpexec.Request{URL: tt.url})
			if resp != nil {
				t.Fatalf("got a response %d", resp.StatusCode)
			}
			if got := httpexec.CategoryOf(err); got != tt.want {
				t.Fatalf("CategoryOf(%v) = %q, want %q", err, got, tt.want)
			}
			switch tt.want {
			case blocked:
				if !errors.Is(err, httpexec.ErrBlocked) {
					t.Errorf("error %v does not wrap ErrBlocked", err)
				}
			case invalidURL:
				if !errors.Is(err, httpexec.ErrInvalidURL) {
					t.Errorf("error %v does not wrap ErrInvalidURL", err)
				}
			}
			res.mu.Lock()
			lookups := slices.Clone(res.lookups)
			res.mu.Unlock()
			if tt.name != (len(lookups) > 0) {
				t.Errorf("resolver lookups = %v, want lookups only for name rows", lookups)
			}
			for _, ip := range []string{"10.1.2.3", "fd12:3456::1", "100.100.100.200", "93.184.216.34"} {
				if tt.name && strings.Contains(err.Error(), ip) {
					t.Errorf("error %q reveals the resolved address", err)
				}
			}
		})
	}
}

// TestSSRFTableInjectedTransport: with an injected transport the dial guard
// is out of the path, but URL validation and literal-address checks remain.
func TestSSRFTableInjectedTransport(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, "reached"))
	ex := mustNew(t, httpexec.Options{Transport: mt})
	for _, tt := range ssrfTable {
		if tt.name {
			continue // the injected transport resolves names itself
		}
		resp, err := ex.Do(t.Context(), &httpexec.Request{URL: tt.url})
		if got := httpexec.CategoryOf(err); got != tt.want || resp != nil {
			t.Errorf("Do(%q) = %v, %q, want %q", tt.url, resp, got, tt.want)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Fatalf("transport called %d times, want 0", n)
	}
}

// TestAllowPrivate: an explicit prefix opens exactly that range; metadata
// stays closed whatever the allow-list says.
func TestAllowPrivate(t *testing.T) {
	srv := newServer(t, httpHandlerString("ok"))
	res := newFakeResolver("svc.internal", "127.0.0.1", "meta.internal", "169.254.169.254")
	ex := mustNew(t, httpexec.Options{AllowPrivate: loopback, Resolver: res})
	if r, err := ex.Do(t.Context(), &httpexec.Request{URL: srv.URL + "/"}); err != nil || r.Body.String() != "ok" {
		t.Fatalf("allowed loopback: %v, %v", r, err)
	}
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	if r, err := ex.Do(t.Context(), &httpexec.Request{URL: "http://svc.internal" + port + "/"}); err != nil || r.Body.String() != "ok" {
		t.Fatalf("allowed name: %v, %v", r, err)
	}
	if r, err := ex.Do(t.Context(), &httpexec.Request{URL: "http://[::ffff:127.0.0.1]" + port + "/"}); err != nil || r.Body.String() != "ok" {
		t.Fatalf("allowed mapped loopback: %v, %v", r, err)
	}
	for _, u := range []string{"http://127.0.0.2" + port + "/", "http://[::1]" + port + "/", "http://localhost" + port + "/"} {
		if _, err := ex.Do(t.Context(), &httpexec.Request{URL: u}); httpexec.CategoryOf(err) != blocked {
			t.Errorf("Do(%s) = %v, want blocked (outside the allowed /32)", u, err)
		}
	}
	all := mustNew(t, httpexec.Options{Resolver: res, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}})
	for _, u := range []string{"http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://meta.internal/", "http://0.0.0.0/", "http://[::]/"} {
		if _, err := all.Do(t.Context(), &httpexec.Request{URL: u}); httpexec.CategoryOf(err) != blocked {
			t.Errorf("allow-all Do(%s) = %v, want blocked", u, err)
		}
	}
}
