package integration

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestScrubBytes(t *testing.T) {
	t.Parallel()
	const tok, key = "tok_9f8e7d6c", "sk/live_01"
	secrets := []string{tok, key}
	tests := []struct {
		name, in, want string
	}{
		{"no secret", `{"a": "b\/c", "n": 1}`, `{"a": "b\/c", "n": 1}`},
		{"as is", `{"a": "Bearer tok_9f8e7d6c"}`, `{"a": "Bearer ••••"}`},
		{"escaped underscore", `{"a": "Bearer tok\u005f9f8e7d6c"}`, `{"a": "Bearer ••••"}`},
		{"escaped slash", `{"k": "sk\/live_01"}`, `{"k": "••••"}`},
		{"every character escaped", `["\u0074\u006f\u006b\u005f\u0039\u0066\u0038\u0065\u0037\u0064\u0036\u0063"]`, `["••••"]`},
		{"upper case", `{"a": "TOK_9F8E7D6C"}`, `{"a": "••••"}`},
		{"upper case escaped", `{"a": "x\u0054OK_9F8E7D6Cy"}`, `{"a": "x••••y"}`},
		{"in a key", `{"tok\u005f9f8e7d6c": 1}`, `{"••••": 1}`},
		{"string with other escapes kept", `{"a": "line\nbreak \"tok\u005f9f8e7d6c\" <b>"}`, `{"a": "line\nbreak \"••••\" \u003cb\u003e"}`},
		{"escaped string without a secret unchanged", `{"a": "\u0041\/b", "b": "tok_9f8e7d6c"}`, `{"a": "\u0041\/b", "b": "••••"}`},
		{"not JSON", `<p>tok&#95;9f8e7d6c TOK_9f8e7d6c "x\"</p>`, `<p>tok&#95;9f8e7d6c •••• "x\"</p>`},
		{"unterminated string", `{"a": "tok\u005f9f8e7d6c`, `{"a": "tok\u005f9f8e7d6c`},
		{"invalid escape left to bytes", `{"a": "\x tok_9f8e7d6c"}`, `{"a": "\x ••••"}`},
		{"hostile", "{\"a\": \"../tok\\u005f9f8e7d6c\\r\\n\\u202e\"}", "{\"a\": \"../••••\\r\\n\u202e\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := string(scrubBytes([]byte(tt.in), secrets))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scrubBytes(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if json.Valid([]byte(tt.in)) && !json.Valid([]byte(got)) {
				t.Errorf("scrubBytes(%q) = %q, no longer JSON", tt.in, got)
			}
		})
	}
}

// scrubBytes hands back the very slice (no copy) when it holds no secret: it runs on every
// response of an integration with secrets before the response is cached.
func TestScrubBytesNoCopy(t *testing.T) {
	b := []byte(`{"a": "b\u005fc", "d": "\/e"}`)
	if got := scrubBytes(b, []string{"tok_9f8e7d6c"}); &got[0] != &b[0] {
		t.Error("scrubBytes copied a body without a secret")
	}
	if allocs := testing.AllocsPerRun(100, func() { scrubBytes(b, []string{"tok_9f8e7d6c"}) }); allocs > 0 {
		t.Errorf("scrubBytes of a body without a secret: %v allocations, want 0", allocs)
	}
}

func TestScrubFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"a TOK_1x2 b Tok_1X2c": "a •••• b ••••c",
		"tok_1x":               "tok_1x",
		"ÉTOK_1X2É":            "É••••É",
		"":                     "",
	} {
		if got := scrub(in, []string{"tok_1x2"}); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
	if got := scrub("ß-1 SS-1", []string{"ß-1"}); got != "•••• SS-1" { // ASCII case only
		t.Errorf("scrub = %q", got)
	}
}

func TestRedactedInURL(t *testing.T) {
	t.Parallel()
	if redactedInURL != url.PathEscape(Redacted) || redactedInURL != url.QueryEscape(Redacted) {
		t.Errorf("redactedInURL = %q, want %q", redactedInURL, url.PathEscape(Redacted))
	}
}

// FuzzScrubBytes: whatever the body and however it escapes a secret, no JSON string of the
// scrubbed body, decoded, holds the secret in any ASCII case, nor do its bytes.
func FuzzScrubBytes(f *testing.F) {
	f.Add([]byte(`{"a": "Bearer tok\u005f9f8e7d6c", "b": ["\/x", "TOK_9F8E7D6C"]}`), "tok_9f8e7d6c")
	f.Add([]byte(`{"\u0073k": "\u0073k\/1"}`), "sk/1")
	f.Add([]byte(`"\"\\\u0022"`), `"\"`)
	f.Add([]byte(`{"a": "x"}`), "abcd")
	f.Fuzz(func(t *testing.T, body []byte, secret string) {
		if len(secret) < 4 || len(secret) > 64 || len(body) > 4<<10 || !utf8.ValidString(secret) {
			return
		}
		for i := 0; i < len(secret); i++ {
			if secret[i] < 0x20 || secret[i] >= 0x7f {
				return // secrets are printable ASCII here: a non-ASCII one may be part of Redacted
			}
		}
		got := scrubBytes(body, []string{secret})
		if indexFold(got, secret) >= 0 {
			t.Errorf("scrubBytes(%q, %q) = %q still holds it", body, secret, got)
		}
		var v any
		if json.Unmarshal(got, &v) == nil {
			walkStrings(v, func(s string) {
				if indexFold(s, secret) >= 0 {
					t.Errorf("scrubBytes(%q, %q): decoded string %q holds it", body, secret, s)
				}
			})
		}
	})
}

func walkStrings(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case []any:
		for _, e := range v {
			walkStrings(e, f)
		}
	case map[string]any:
		for k, e := range v {
			f(k)
			walkStrings(e, f)
		}
	}
}

// FuzzUnescapeJSON: unescapeJSON decodes a JSON string's text as encoding/json does.
func FuzzUnescapeJSON(f *testing.F) {
	for _, s := range []string{`a\u005fb`, `\/\"\\\b\f\n\r\t`, `\ud83d\ude00`, `\ud83d`, `\ud83dx`, `\ude00\ud83d\u0041`, `\u12`, `\x`, "a\x01", `é\u00e9`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // encoding/json replaces invalid bytes; the match against secrets does not need to
		}
		got, ok := unescapeJSON(nil, []byte(s))
		var want string
		err := json.Unmarshal([]byte(`"`+s+`"`), &want)
		if ok != (err == nil) {
			t.Fatalf("unescapeJSON(%q) ok = %v; encoding/json: %v", s, ok, err)
		}
		if ok && string(got) != want {
			t.Errorf("unescapeJSON(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkScrubBytes redacts a 40 KB response of 200 records, each with an escaped URL and
// none with a secret: the cost added to each upstream call of an integration with secrets.
func BenchmarkScrubBytes(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"orders": [`)
	for i := range 200 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id": %d, "url": "https:\/\/shop.example.com\/o\/%d", "note": "caf\u00e9 <b>", "status": "shipped"}`, i, i)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	secrets := []string{"tok_9f8e7d6c5b4a", "Bearer tok_9f8e7d6c5b4a", "sk_live_0123456789"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		scrubBytes(body, secrets)
	}
}
