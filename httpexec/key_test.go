package httpexec

import (
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
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
	var k keyer
	var b strings.Builder
	for _, c := range cases {
		key := k.key(c.scope, c.method, c.url, c.header, []byte(c.body))
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
	var k keyer
	h := http.Header{"X-Contact-Email": {"zoe+test@example.com"}, "Authorization": {"Bearer sk_live_0123456789"}}
	body := []byte(`{"name":"Zoë \"Z\" O'Brien\n","email":"zoe+test@example.com","phone":"+1 (555) 010-9999"}`)
	s := Scope{"t_42", "crm", 7}
	b.ReportAllocs()
	for b.Loop() {
		k.key(s, "POST", "https://api.example.com/v1/teams/t_42/contacts/c%2F1001%20x?email=zoe%2Btest%40example.com", h, body)
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
