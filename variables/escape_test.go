package variables

import (
	"bytes"
	"encoding/json"
	"errors"
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
		"日本語", "\U0001F600", "a b", "  ", strings.Repeat("x/y z", 2000),
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

func TestEscapedLen(t *testing.T) {
	t.Parallel()
	for _, s := range escapeInputs() {
		for _, c := range []struct {
			esc  escMode
			want string
		}{
			{escNone, s},
			{escPath, string(appendPathEscape(nil, s))},
			{escQuery, string(appendQueryEscape(nil, s))},
			{escJSONString, string(appendJSONString(nil, s))},
			{escJSONValue, `"` + string(appendJSONString(nil, s)) + `"`},
		} {
			got, changed := escapedLen(c.esc, s)
			if got != len(c.want) {
				t.Errorf("escapedLen(%d, %q) = %d, want %d", c.esc, s, got, len(c.want))
			}
			wantChanged := c.want != s
			if c.esc == escJSONValue {
				wantChanged = c.want != `"`+s+`"`
			}
			if changed != wantChanged {
				t.Errorf("escapedLen(%d, %q) changed = %v, want %v", c.esc, s, changed, wantChanged)
			}
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
		for esc, want := range map[escMode]string{
			escPath:       url.PathEscape(s),
			escQuery:      url.QueryEscape(s),
			escJSONString: stdJSON(t, s),
		} {
			got, changed := escapedLen(esc, s)
			if got != len(want) || changed != (want != s) {
				t.Errorf("escapedLen(%d, %q) = %d, %v, want %d, %v", esc, s, got, changed, len(want), want != s)
			}
		}
		// End to end: the expansion equals what the standard library builds.
		checks := []struct {
			src    string
			target Target
			want   string
		}{
			{"{{v}}", Query, url.QueryEscape(s)},
			{"https://x.test/a/{{v}}?q={{v}}#{{v}}", URL, "https://x.test/a/" + url.PathEscape(s) + "?q=" + url.QueryEscape(s) + "#" + url.PathEscape(s)},
			{`{"a":"{{v}}","b":{{v}}}`, JSON, `{"a":"` + stdJSON(t, s) + `","b":"` + stdJSON(t, s) + `"}`},
			{"<{{v}}>", Text, "<" + s + ">"},
		}
		for _, c := range checks {
			tpl, err := Compile(c.src, c.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tpl.Expand(Map{"v": s})
			if c.target == URL && hasDotPiece(s) {
				if !errors.Is(err, ErrDotSegment) {
					t.Errorf("Expand(%q) with %q: error %v, want ErrDotSegment", c.src, s, err)
				}
				continue
			}
			if err != nil || got != c.want {
				t.Errorf("Expand(%q) with %q = %q, %v, want %q", c.src, s, got, err, c.want)
			}
		}
	})
}

// hasDotPiece is the reference for segCheck: whether s, alone in a path segment, has a piece
// "." or ".." once split at '/' and '\' and cut at ';'.
func hasDotPiece(s string) bool {
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '\\' }) {
		p, _, _ = strings.Cut(p, ";")
		if p == "." || p == ".." {
			return true
		}
	}
	return false
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

// TestMaxGrowth checks the bound an expansion sizes its stack buffer by: no byte of a value, nor
// any rune, grows past maxGrowth under its escaping mode, and some byte reaches it.
func TestMaxGrowth(t *testing.T) {
	t.Parallel()
	var inputs []string
	for i := range 256 {
		inputs = append(inputs, string([]byte{byte(i)}))
	}
	inputs = append(inputs, "\u2028", "\u2029", "ë", "\U0001F600", "\xe2\x80", "\xed\xa0\x80")
	for esc := escNone; esc <= escJSONValue; esc++ {
		reached := false
		for _, s := range inputs {
			n, _ := escapedLen(esc, s)
			if esc == escJSONValue {
				n -= 2 // the quotes, counted apart
			}
			if n > int(maxGrowth[esc])*len(s) {
				t.Errorf("escapedLen(%d, %q) = %d, over %d per byte", esc, s, n, maxGrowth[esc])
			}
			reached = reached || n == int(maxGrowth[esc])*len(s)
		}
		if !reached {
			t.Errorf("maxGrowth[%d] = %d is reached by no byte: the bound is loose", esc, maxGrowth[esc])
		}
	}
}
