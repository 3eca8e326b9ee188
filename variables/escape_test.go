package variables

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// escapeInputs covers every byte value and the hostile strings of the tests.
func escapeInputs() []string {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	return []string{
		"", "plain", "a b", "a/b", "../../etc", "?#&=+ /;,:@$!*'()[]", "zoe+test@example.com",
		"Zoë \"Z\" O'Brien\n", "\u2028\u2029", "\xff\xfe", "\xe2\x80", "a\x00b\r\n\t\x7f", string(all),
		"日本語", "\U0001F600", strings.Repeat("x/y z", 2000),
	}
}

func TestAppendQueryEscapeMatchesStdlib(t *testing.T) {
	t.Parallel()
	for _, s := range escapeInputs() {
		if diff := cmp.Diff(url.QueryEscape(s), string(appendQueryEscape(nil, s))); diff != "" {
			t.Errorf("appendQueryEscape(%q) mismatch (-want +got):\n%s", s, diff)
		}
	}
}

func TestAppendPathEscapeMatchesStdlib(t *testing.T) {
	t.Parallel()
	for _, s := range escapeInputs() {
		if diff := cmp.Diff(url.PathEscape(s), string(appendPathEscape(nil, s))); diff != "" {
			t.Errorf("appendPathEscape(%q) mismatch (-want +got):\n%s", s, diff)
		}
	}
}

// stdJSON returns the inside of encoding/json's string literal for s, without HTML escaping.
func stdJSON(t testing.TB, s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

func TestAppendJSONStringMatchesStdlib(t *testing.T) {
	t.Parallel()
	for _, s := range escapeInputs() {
		if diff := cmp.Diff(stdJSON(t, s), string(appendJSONString(nil, s))); diff != "" {
			t.Errorf("appendJSONString(%q) mismatch (-want +got):\n%s", s, diff)
		}
	}
}

func TestEscapersAppend(t *testing.T) {
	t.Parallel()
	dst := []byte("keep:")
	got := appendJSONString(appendPathEscape(appendQueryEscape(dst, "a b"), "a b"), "a\"b")
	if diff := cmp.Diff(`keep:a+ba%20ba\"b`, string(got)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func FuzzEscapers(f *testing.F) {
	for _, s := range escapeInputs() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendQueryEscape(nil, s)), url.QueryEscape(s); got != want {
			t.Errorf("appendQueryEscape(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(appendPathEscape(nil, s)), url.PathEscape(s); got != want {
			t.Errorf("appendPathEscape(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(appendJSONString(nil, s)), stdJSON(t, s); got != want {
			t.Errorf("appendJSONString(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestByteClass checks the byteClass table against the definitions of its classes.
func TestByteClass(t *testing.T) {
	t.Parallel()
	for i := range 256 {
		c := byte(i)
		unreserved := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
		want := map[int]bool{
			classQuery:  unreserved,
			classPath:   unreserved || strings.IndexByte("$&+:=@", c) >= 0,
			classJSON:   c >= 0x20 && c < 0x80 && c != '"' && c != '\\',
			classHeader: c >= 0x20 && c != 0x7f || c == '\t',
		}
		for class, w := range want {
			if got := int(byteClass[c])&class != 0; got != w {
				t.Errorf("byte %#x class %d = %v, want %v", c, class, got, w)
			}
		}
	}
}
