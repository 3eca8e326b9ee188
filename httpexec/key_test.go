package httpexec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestCacheKeyGolden pins the canonical key encoding: a shared cache
// (Redis) keeps entries across deployments, so a change of the encoding
// must be deliberate (bump keyVersion) and reviewed. Rewrite with
// go test ./httpexec -run CacheKeyGolden -update.
func TestCacheKeyGolden(t *testing.T) {
	cases := []struct {
		name   string
		scope  Scope
		method string
		url    string
		header http.Header
		body   string
	}{
		{"minimal", Scope{}, "GET", "https://api.example.com/", nil, ""},
		{"scoped", Scope{"t_42", "crm", 7}, "GET", "https://api.example.com/c/1?email=a%40b.c", nil, ""},
		{"headers", Scope{"t_42", "crm", 7}, "GET", "https://api.example.com/c/1",
			http.Header{"X-B": {"2"}, "Authorization": {"Bearer k"}, "X-A": {"1", "1b"}}, ""},
		{"lower-case names", Scope{"t_42", "crm", 7}, "GET", "https://api.example.com/c/1",
			http.Header{"x-b": {"2"}, "authorization": {"Bearer k"}, "x-a": {"1", "1b"}}, ""},
		{"body", Scope{"t_42", "crm", 7}, "POST", "https://api.example.com/search",
			http.Header{"Content-Type": {"application/json"}}, `{"email":"a@b.c"}`},
		{"negative version", Scope{"t", "i", -1}, "GET", "https://x/", nil, ""},
	}
	var b strings.Builder
	for _, c := range cases {
		key := requestKey(c.scope, c.method, c.url, c.header, []byte(c.body))
		fmt.Fprintf(&b, "%s\t%s\n", c.name, hex.EncodeToString(key.Digest[:]))
	}
	path := filepath.Join("testdata", "cachekey.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("cache keys changed (-want +got):\n-%s\n+%s", want, got)
	}
	// Names are canonicalized: both spellings give one key.
	lines := strings.Split(b.String(), "\n")
	if strings.Fields(lines[2])[1] != strings.Fields(lines[3])[2] {
		t.Errorf("header name case changed the key:\n%s\n%s", lines[2], lines[3])
	}
}

func BenchmarkCacheKey(b *testing.B) {
	h := http.Header{"X-Contact-Email": {"zoe+test@example.com"}, "Authorization": {"Bearer sk_live_0123456789"}}
	body := []byte(`{"name":"Zoë \"Z\" O'Brien\n","email":"zoe+test@example.com","phone":"+1 (555) 010-9999"}`)
	s := Scope{"t_42", "crm", 7}
	b.ReportAllocs()
	for b.Loop() {
		requestKey(s, "POST", "https://api.example.com/v1/teams/t_42/contacts/c%2F1001%20x?email=zoe%2Btest%40example.com", h, body)
	}
}

// BenchmarkCacheKeyLarge measures keys of POST requests with large bodies,
// which stream into the hash (see requestKey).
func BenchmarkCacheKeyLarge(b *testing.B) {
	h := http.Header{"X-Contact-Email": {"zoe+test@example.com"}, "Authorization": {"Bearer sk_live_0123456789"}}
	s := Scope{"t_42", "crm", 7}
	for _, n := range []int{2 << 10, 16 << 10, 256 << 10} {
		body := bytes.Repeat([]byte("x"), n)
		b.Run(fmt.Sprint("body=", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n))
			for b.Loop() {
				requestKey(s, "POST", "https://api.example.com/v1", h, body)
			}
		})
	}
}

func TestIsCanonicalKey(t *testing.T) {
	for _, k := range []string{"A", "X-Api-Key", "Content-Type", "X-1a", "X--A", "Www-Authenticate", "X_a", "a", "x-api-key", "X-API-KEY", "X Y", "", "Ä", "X-", "-A", "1a", "X.y"} {
		got := isCanonicalKey(k)
		want := k != "" && http.CanonicalHeaderKey(k) == k && validToken(k)
		if got && !want {
			t.Errorf("isCanonicalKey(%q) = true, but CanonicalHeaderKey gives %q", k, http.CanonicalHeaderKey(k))
		}
		if !got && want && strings.ContainsAny(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Errorf("isCanonicalKey(%q) = false for a canonical key", k)
		}
	}
}

// refCanonical is the straightforward encoding the fast key must match:
// collect, sort with (canonical name, spelling), append, hash.
func refKey(s Scope, method, rawURL string, h http.Header, body []byte) [32]byte {
	var refs []headerRef
	for k, vv := range h {
		refs = append(refs, headerRef{http.CanonicalHeaderKey(k), k, vv})
	}
	slices.SortFunc(refs, func(x, y headerRef) int {
		if c := strings.Compare(x.canon, y.canon); c != 0 {
			return c
		}
		return strings.Compare(x.orig, y.orig)
	})
	return sha256.Sum256(append(appendCanonical(nil, s, method, rawURL, refs, len(body)), body...))
}

// TestCacheKeyMatchesReference checks the stack and heap paths, the
// in-place insertion and the large-header sort against refKey, over many
// map iteration orders.
func TestCacheKeyMatchesReference(t *testing.T) {
	many := http.Header{}
	for i := range 40 {
		many[fmt.Sprintf("X-H%02d", (i*7)%40)] = []string{strings.Repeat("v", i)}
	}
	many["x-h03"] = []string{"lower"} // two spellings of one canonical name
	cases := []struct {
		name string
		h    http.Header
		body []byte
		url  string
	}{
		{"nil header", nil, nil, "https://x/"},
		{"one", http.Header{"A": {"1"}}, nil, "https://x/"},
		{"spellings", http.Header{"x-a": {"1"}, "X-A": {"2"}, "X-a": {"3"}, "B": {"4", "5"}}, []byte("b"), "https://x/"},
		{"sixteen", func() http.Header {
			h := http.Header{}
			for i := range 16 {
				h[fmt.Sprintf("X-%c", 'A'+15-i)] = []string{fmt.Sprint(i)}
			}
			return h
		}(), nil, "https://x/"},
		{"many headers", many, []byte(`{}`), "https://x/"},
		{"large body", http.Header{"Authorization": {"Bearer k"}}, bytes.Repeat([]byte("x"), 5000), "https://x/"},
		{"body at the stack limit", nil, bytes.Repeat([]byte("y"), keyStackBytes-60), "https://x/"},
		{"large url", nil, nil, "https://x/" + strings.Repeat("p", 3000)},
		{"non-token names", http.Header{"x y": {"1"}, "ä": {"2"}, "": {"3"}}, nil, "https://x/"},
	}
	s := Scope{"t_42", "crm", -7}
	for _, c := range cases {
		want := refKey(s, "POST", c.url, c.h, c.body)
		for range 20 { // map iteration order differs between runs
			if got := requestKey(s, "POST", c.url, c.h, c.body); got.Digest != want {
				t.Fatalf("%s: key differs from the reference encoding", c.name)
			}
		}
	}
}

func TestCacheKeyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	h := http.Header{"X-Contact-Email": {"zoe+test@example.com"}, "Authorization": {"Bearer sk_live_0123456789"}, "accept": {"application/json"}}
	body := []byte(`{"name":"Zoë \"Z\" O'Brien\n","email":"zoe+test@example.com","phone":"+1 (555) 010-9999"}`)
	big := bytes.Repeat([]byte("x"), 4000)
	s := Scope{"t_42", "crm", 7}
	if n := testing.AllocsPerRun(100, func() { requestKey(s, "POST", "https://api.example.com/v1?e=a", h, body) }); n != 0 {
		t.Errorf("key allocates %v times per call, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { requestKey(s, "POST", "https://x/", h, big) }); n != 0 {
		t.Errorf("key with a large body allocates %v times per call, want 0", n)
	}
}

// TestIsCanonicalKeyAllBytes checks the byte table of isCanonicalKey: every
// byte alone, at the start of a word, inside one and before a lower-case
// letter is judged as CanonicalHeaderKey and validToken judge it.
func TestIsCanonicalKeyAllBytes(t *testing.T) {
	for c := range 256 {
		for _, k := range [][]byte{{byte(c)}, {'A', '-', byte(c)}, {'A', byte(c)}, {byte(c), 'a'}} {
			want := validToken(string(k)) && http.CanonicalHeaderKey(string(k)) == string(k)
			if got := isCanonicalKey(string(k)); got != want {
				t.Errorf("isCanonicalKey(%q) = %v, want %v", k, got, want)
			}
		}
	}
}
