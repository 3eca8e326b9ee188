package httpexec

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// FuzzParseURL: parseURL never panics; an accepted URL is http(s) with a
// host that is neither a numeric IPv4 spelling nor a refused literal; the
// redacted forms never carry the query or userinfo.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"https://api.example.com/v1/c?email=a%40b.c", "http://127.0.0.1/", "http://2130706433/",
		"http://0x7f.1/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1%25eth0]/", "http://a@b/",
		"http://%31%32%37.0.0.1/", "HTTP://EXAMPLE.COM:8080/p?q#f", "http://example.com:/", "//x/",
		"http://1.2.3.4.5/", "http://example.123/", "http://[64:ff9b::7f00:1]/", "https://xn--nxasmq6b.example/",
	} {
		f.Add(s)
	}
	g := newGuard(nil, nil)
	f.Fuzz(func(t *testing.T, raw string) {
		if r := redactRaw(raw); strings.ContainsAny(r, "?#") {
			t.Fatalf("redactRaw(%q) = %q keeps a query or fragment", raw, r)
		}
		if r := originOf(raw); strings.ContainsAny(r[min(len(r), strings.Index(r, "://")+3):], "/?#@") {
			t.Fatalf("originOf(%q) = %q keeps more than scheme and host", raw, r)
		}
		u, err := parseURL(raw, g)
		if err != nil {
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("accepted scheme %q", u.Scheme)
		}
		host := u.Hostname()
		if host == "" || u.User != nil {
			t.Fatalf("accepted %q: host %q user %v", raw, host, u.User)
		}
		if a, err := netip.ParseAddr(host); err == nil {
			if g.check(a) != nil {
				t.Fatalf("accepted a refused literal %q", host)
			}
		} else if endsInNumber(host) {
			t.Fatalf("accepted numeric host %q", host)
		}
		// Without a template a call is named by its origin: nothing of the
		// path, query or userinfo, where contact data and credentials live.
		if r := callURL(raw, ""); r == "" || !strings.HasPrefix(raw, r) {
			t.Fatalf("callURL(%q) = %q, want the URL's scheme://host", raw, r)
		}
	})
}

// FuzzCallURL: the name of a call never carries a query, a fragment or
// userinfo, whatever the template or URL holds, and without a template
// nothing past the host.
func FuzzCallURL(f *testing.F) {
	for _, s := range [][2]string{
		{"https://api.example.com/c/ada%40example.com?e=x", "https://api.example.com/c/{{contact.email}}?key=K"},
		{"https://u:p@h.example/p", "https://u:p@h.example/{{x}}#f"},
		{"https://a@b@c/x?y", ""}, {"no scheme at all", "{{contact.email}}"}, {"https://h", "https://h/@x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, raw, template string) {
		name := callURL(raw, template)
		if strings.ContainsAny(name, "?#") {
			t.Fatalf("callURL(%q, %q) = %q keeps a query or fragment", raw, template, name)
		}
		if i := strings.Index(name, "://"); i >= 0 {
			authority := name[i+3:]
			if j := strings.IndexByte(authority, '/'); j >= 0 {
				authority = authority[:j]
			}
			if strings.Contains(authority, "@") {
				t.Fatalf("callURL(%q, %q) = %q keeps userinfo", raw, template, name)
			}
			if template == "" && strings.Contains(name[i+3:], "/") {
				t.Fatalf("callURL(%q, \"\") = %q keeps a path", raw, name)
			}
		}
		if template == "" && name != "" && !strings.Contains(raw, "://") {
			t.Fatalf("callURL(%q, \"\") = %q for a URL without scheme", raw, name)
		}
	})
}

// FuzzParseRetryAfter: never panics, never negative.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "3600", "Wed, 21 Oct 2015 07:28:00 GMT", "-1", "99999999999999999999", " 5 ", "soon", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if ok && d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %v", v, d)
		}
	})
}

// FuzzCacheKey: the canonical encoding is injective. Two requests get the
// same key exactly when their scope, method, URL, canonical header names
// with values, and body are equal.
func FuzzCacheKey(f *testing.F) {
	f.Add("t", "i", int64(1), "GET", "https://x/a", "X-A", "1", []byte(""), "t", "i", int64(1), "GET", "https://x/a", "x-a", "1", []byte(""))
	f.Add("t", "ic", int64(1), "GET", "u", "A", "b", []byte("c"), "ti", "c", int64(1), "GET", "u", "A", "b", []byte("c"))
	f.Add("", "", int64(0), "", "", "A", "", []byte("x"), "", "", int64(0), "", "", "A", "x", []byte(""))
	f.Fuzz(func(t *testing.T, t1, i1 string, v1 int64, m1, u1, hn1, hv1 string, b1 []byte,
		t2, i2 string, v2 int64, m2, u2, hn2, hv2 string, b2 []byte) {
		h1, h2 := http.Header{hn1: {hv1}}, http.Header{hn2: {hv2}}
		k1 := requestKey(Scope{t1, i1, v1}, m1, u1, h1, b1)
		k2 := requestKey(Scope{t2, i2, v2}, m2, u2, h2, b2)
		same := t1 == t2 && i1 == i2 && v1 == v2 && m1 == m2 && u1 == u2 &&
			http.CanonicalHeaderKey(hn1) == http.CanonicalHeaderKey(hn2) && hv1 == hv2 && string(b1) == string(b2)
		if (k1.Digest == k2.Digest) != same {
			t.Fatalf("digest equal = %v, requests equal = %v", k1.Digest == k2.Digest, same)
		}
		// Deterministic.
		if requestKey(Scope{t1, i1, v1}, m1, u1, h1, b1) != k1 {
			t.Fatal("key not deterministic")
		}
	})
}

// FuzzIsCanonicalKey: isCanonicalKey accepts exactly the header names that
// are tokens and that CanonicalHeaderKey leaves unchanged.
func FuzzIsCanonicalKey(f *testing.F) {
	for _, k := range []string{"", "A", "X-Api-Key", "x-api-key", "X-API-KEY", "X--A", "-A", "1a", "X_a", "X y", "Ä", "X-1a", "Www-Authenticate"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, k string) {
		want := validToken(k) && http.CanonicalHeaderKey(k) == k
		if got := isCanonicalKey(k); got != want {
			t.Fatalf("isCanonicalKey(%q) = %v, want %v", k, got, want)
		}
	})
}
