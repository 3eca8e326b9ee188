package variables_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/variables"
)

// all returns a Resolver that gives every name the value v.
func all(v string) variables.Resolver {
	return variables.ResolverFunc(func(string) (string, bool) { return v, true })
}

// two returns a Resolver that gives names of even length the value v and the others w, so that
// neighbouring placeholders such as {{ab}}{{a}} can hold different values.
func two(v, w string) variables.Resolver {
	return variables.ResolverFunc(func(name string) (string, bool) {
		if len(name)%2 == 0 {
			return v, true
		}
		return w, true
	})
}

// compileWithBase compiles src for target and expands it with a harmless value, the base that
// a hostile expansion is compared with. ok is false when src does not compile.
func compileWithBase(t *testing.T, src string, target variables.Target) (tpl *variables.Template, base string, ok bool) {
	t.Helper()
	tpl, err := variables.Compile(src, target, nil)
	if err != nil {
		return nil, "", false
	}
	base, err = tpl.Expand(all("x"))
	if err != nil {
		t.Fatalf("Expand(%q) with a harmless value: %v", src, err)
	}
	return tpl, base, true
}

// addSeeds adds each template with each hostile value, for all names and for some of them.
func addSeeds(f *testing.F, templates []string) {
	for _, tmpl := range templates {
		for _, v := range hostileSeeds {
			f.Add(tmpl, v, v)
			f.Add(tmpl, v, "")
		}
	}
}

var hostileSeeds = []string{
	"", "x", `"`, `\`, "\u2028", "\xff", "\x00", "\r\n", "../", "..", ".", "?#&=", "a/b c",
	"Zoë \"Z\" O'Brien\n", "}}{{", `{"k":1}`, "%2F%00", strings.Repeat("\"\\", 50),
	"../../admin", `..\..\admin`, "a/..", "c/./d", "..;x", "/.", "%2e%2e", ".%2e",
}

// FuzzParse checks that Compile never panics on any source and target, that every compile
// error is a *SyntaxError with an offset inside the source, and that a compiled template expands
// without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}",
		`{"name":"{{contact.name}}","email":"{{contact.email}}","phone":"{{contact.phone_number}}"}`,
		"{{ a | default:\"x\" | truncate:3 | sha256 | base64 | lower | upper | trim }}",
		`{{"{{"}}`, "{{", "}}", "{{ a", "{{a|", `{{a|default:"`, `{{"\`, "{{{}}}", "{{ é\u00a0}}",
		`{"{{k}}":{{v}}}`, "https://{{h}}/", "{{a}}{{b}}", "x\xff{{\xff}}",
	} {
		for target := range uint8(5) {
			f.Add(s, target)
		}
	}
	f.Fuzz(func(t *testing.T, src string, target uint8) {
		tg := variables.Target(target % 5)
		tpl, err := variables.Compile(src, tg, nil)
		if err != nil {
			se, ok := errors.AsType[*variables.SyntaxError](err)
			if !ok {
				t.Fatalf("Compile(%q, %v) error %T %v is not a *SyntaxError", src, tg, err, err)
			}
			if se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Compile(%q, %v) offset %d outside the source", src, tg, se.Offset)
			}
			return
		}
		for _, v := range []string{"", "v", "\r\n\"\\\xff"} {
			_, _ = tpl.Expand(all(v))
		}
		_ = tpl.Names()
		_, _ = tpl.Single()
	})
}

// jsonShape decodes s and replaces every string value (not keys) by "" so that two expansions
// of one template can be compared for structure and keys.
func jsonShape(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("invalid JSON %q: %v", s, err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case string:
			return ""
		case map[string]any:
			for k, e := range v {
				v[k] = walk(e)
			}
		case []any:
			for i, e := range v {
				v[i] = walk(e)
			}
		}
		return v
	}
	return walk(v)
}

// FuzzExpandJSON checks that whatever the template (when it compiles) and whatever the value,
// the expansion is valid JSON with the same keys and structure as with a harmless value.
func FuzzExpandJSON(f *testing.F) {
	templates := []string{
		`{"name":"{{contact.name}}","email":"{{contact.email}}","phone":"{{contact.phone_number}}"}`,
		`{"a":{{v}},"b":["x{{v}}y",{{v}}],"c":{"d":"\n{{v}}\\"}}`,
		`[{{v}}]`, `{{v}}`, `"{{v}}{{v}}"`, `{"a":"{{ab}}\\{{v}}","b":[{{ab}},{"c":"\u2028{{v}}"}]}`,
	}
	addSeeds(f, templates)
	f.Fuzz(func(t *testing.T, src, v, w string) {
		tpl, base, ok := compileWithBase(t, src, variables.JSON)
		if !ok {
			return
		}
		got, err := tpl.Expand(two(v, w))
		if err != nil {
			t.Fatalf("Expand(%q): %v", src, err)
		}
		if !json.Valid([]byte(got)) {
			t.Fatalf("Expand(%q) with %q, %q = %q, not valid JSON", src, v, w, got)
		}
		if diff := cmp.Diff(jsonShape(t, base), jsonShape(t, got)); diff != "" {
			t.Fatalf("Expand(%q) with %q, %q changed the structure (-base +got):\n%s", src, v, w, diff)
		}
	})
}

// urlShape is what a value must not change in an expanded URL.
type urlShape struct {
	Scheme, User, Host string
	PathSegments       int
	OpaqueSegments     int
	HasQuery           bool
	QueryPairs         int
	HasFragment        bool
	DotPieces          int // "." and ".." pieces of the path as a server that decodes %2F, %5C and %2E may read it
}

func shapeOf(t *testing.T, s string) urlShape {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", s, err)
	}
	return urlShape{
		Scheme: u.Scheme, User: u.User.String(), Host: u.Host,
		PathSegments:   strings.Count(cmpOr(u.RawPath, u.Path), "/"),
		OpaqueSegments: strings.Count(u.Opaque, "/"),
		HasQuery:       u.ForceQuery || u.RawQuery != "",
		QueryPairs:     strings.Count(u.RawQuery, "&") + strings.Count(u.RawQuery, ";"),
		HasFragment:    strings.Contains(s, "#"),
		DotPieces:      dotPieces(u.Opaque + u.EscapedPath()),
	}
}

// dotPieces counts the pieces "." and ".." of an escaped path once %2F, %5C and %2E are decoded,
// the path is split at '/' and '\\' and each piece is cut at ';'.
func dotPieces(path string) int {
	path = strings.NewReplacer("%2F", "/", "%2f", "/", "%5C", "/", "%5c", "/", "%2E", ".", "%2e", ".").Replace(path)
	n := 0
	for _, p := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '\\' }) {
		if p, _, _ = strings.Cut(p, ";"); p == "." || p == ".." {
			n++
		}
	}
	return n
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// FuzzExpandURL checks that no value changes an expanded URL's scheme, userinfo, host, number of
// path segments, query pairs or fragment.
func FuzzExpandURL(f *testing.F) {
	templates := []string{
		"https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}",
		"https://u:p@x.test:8443/{{a}}/b{{a}}/{{a}}{{a}}?{{a}}={{a}}&k={{a}}#frag{{a}}",
		"/relative/{{a}}?q={{a}}", "mailto:{{a}}", "https://x.test/.{{a}}/", "/{{a}}/x", "https:/{{a}}{{a}}/x",
		"https://x.test/%2e{{a}}/x", "https://x.test/{{a}};v=1/x", "https://x.test/{{a}}../x", "https://x.test/v{{a}}",
		"https://[::1]:8443/{{a}}", "https://x.test?q={{a}}#{{a}}", "https://x.test/{{ab}}{{a}}/x",
		"https://x.test/{{ab}}..{{a}};{{ab}}/x", "/{{ab}}{{a}}/x",
	}
	addSeeds(f, templates)
	f.Add("https://x.test/{{ab}}{{a}}/x", "c/", "..")
	f.Add("https://x.test/{{ab}}{{a}}/x", ".", ".")
	f.Fuzz(func(t *testing.T, src, v, w string) {
		tpl, base, ok := compileWithBase(t, src, variables.URL)
		if !ok {
			return
		}
		for _, name := range tpl.SegmentNames() {
			if !slices.Contains(tpl.Names(), name) {
				t.Fatalf("SegmentNames of %q has %q, which Names %q lacks", src, name, tpl.Names())
			}
		}
		got, err := tpl.Expand(two(v, w))
		if errors.Is(err, variables.ErrDotSegment) || errors.Is(err, variables.ErrEmptySegment) {
			return
		}
		if err != nil {
			t.Fatalf("Expand(%q): %v", src, err)
		}
		if diff := cmp.Diff(shapeOf(t, base), shapeOf(t, got)); diff != "" {
			t.Fatalf("Expand(%q) with %q, %q = %q changed the URL (-base +got):\n%s", src, v, w, got, diff)
		}
	})
}

// FuzzExpandHeader checks that an expanded header value never contains CR, LF or NUL, and that
// a value containing them is an error.
func FuzzExpandHeader(f *testing.F) {
	for _, tmpl := range []string{"{{contact.email}}", "Bearer {{secret.token}}", "a={{a}}; b={{a | trim}}"} {
		for _, v := range hostileSeeds {
			f.Add(tmpl, v)
		}
	}
	f.Fuzz(func(t *testing.T, src, v string) {
		tpl, err := variables.Compile(src, variables.Header, nil)
		if err != nil {
			return
		}
		got, err := tpl.Expand(all(v))
		if strings.ContainsAny(got, "\r\n\x00") {
			t.Fatalf("Expand(%q) with %q = %q contains CR, LF or NUL", src, v, got)
		}
		if err == nil && len(tpl.Names()) > 0 && strings.ContainsAny(v, "\r\n\x00") && !strings.Contains(src, "|") {
			t.Fatalf("Expand(%q) with %q: no error", src, v)
		}
		if err != nil && !errors.Is(err, variables.ErrInvalidHeaderValue) {
			t.Fatalf("Expand(%q): unexpected error %v", src, err)
		}
	})
}

// unquoteLiteral reads a search-language string literal as Stripe's search, SOQL and Zendesk
// read one: it starts with quote q, a backslash takes the next byte literally, and the first
// unescaped q ends it. It returns the value and what follows the literal.
func unquoteLiteral(s string, q byte) (value, rest string, ok bool) {
	if len(s) == 0 || s[0] != q {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 == len(s) {
				return "", "", false
			}
			i++
			b.WriteByte(s[i])
		case q:
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", false
}

// FuzzQuote checks that the quote and phrase filters write every value without a control character as
// exactly one literal that reads back as the value, for both quote characters, and refuses the
// others.
func FuzzQuote(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Add(`x' OR created>0 OR email:'y`)
	f.Add(`a\' OR 1:1 \\`)
	single, err := variables.Compile(`email:{{v | quote:"'"}}`, variables.Text, nil)
	if err != nil {
		f.Fatal(err)
	}
	double, err := variables.Compile(`requester:{{v | quote}}`, variables.Text, nil)
	if err != nil {
		f.Fatal(err)
	}
	phrase, err := variables.Compile(`requester:{{v | phrase}}`, variables.Text, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		hasControl := strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f })
		for _, c := range []struct {
			tpl    *variables.Template
			prefix string
			q      byte
		}{{single, "email:", '\''}, {double, "requester:", '"'}} {
			got, err := c.tpl.Expand(variables.Map{"v": v})
			if hasControl {
				if err == nil {
					t.Fatalf("quote(%q) = %q, want an error for a control character", v, got)
				}
				continue
			}
			if err != nil {
				t.Fatalf("quote(%q): %v", v, err)
			}
			lit, ok := strings.CutPrefix(got, c.prefix)
			if !ok {
				t.Fatalf("quote(%q) = %q lost the prefix", v, got)
			}
			back, rest, ok := unquoteLiteral(lit, c.q)
			if !ok || rest != "" || back != v {
				t.Fatalf("quote(%q) = %q reads back as %q followed by %q (ok %v)", v, got, back, rest, ok)
			}
		}
		// phrase: refused, or a phrase with no quote or backslash inside, which reads back
		// the same whether or not the language knows escapes.
		got, err := phrase.Expand(variables.Map{"v": v})
		if hasControl || strings.ContainsAny(v, `"\`) {
			if err == nil {
				t.Fatalf("phrase(%q) = %q, want an error", v, got)
			}
			return
		}
		if err != nil || got != `requester:"`+v+`"` {
			t.Fatalf("phrase(%q) = %q, %v", v, got, err)
		}
	})
}

// FuzzAppendKey checks what makes AppendKey a stand-in for Expand: it fails exactly when Expand
// does, with the same error, and two value sets with equal keys expand equally.
func FuzzAppendKey(f *testing.F) {
	templates := []struct {
		src    string
		target variables.Target
	}{
		{"https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}", variables.URL},
		{"/{{a}}/{{bb}}", variables.URL},
		{"https://x.example/{{a}}{{bb}}.json", variables.URL},
		{`{"name":"{{contact.name}}","tags":{{a}},"n":"{{bb | upper}}"}`, variables.JSON},
		{"Bearer {{a}} {{bb | trim}}", variables.Header},
		{"{{a}}", variables.Header},
		{"{{a}}:{{bb | default:\"x\"}}", variables.Query},
		{"{{a}}{{bb}}", variables.Text},
	}
	for i := range templates {
		for _, v := range hostileSeeds {
			f.Add(i, v, "x", v, "y")
			f.Add(i, v, v, "", v)
		}
	}
	f.Add(7, "ab", "c", "a", "bc") // {{a}}{{bb}}: equal expansions, different keys
	f.Add(4, "bc", "a", "c", "ab") // Bearer {{a}} {{bb}}: values "a","bc" and "ab","c" join alike
	f.Fuzz(func(t *testing.T, i int, v1, w1, v2, w2 string) {
		tt := templates[uint(i)%uint(len(templates))]
		tpl, err := variables.Compile(tt.src, tt.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		k1, e1 := keyAndExpansion(t, tpl, two(v1, w1))
		k2, e2 := keyAndExpansion(t, tpl, two(v2, w2))
		if k1 != nil && k2 != nil && string(k1) == string(k2) && e1 != e2 {
			t.Fatalf("%s: equal keys %q, different expansions %q and %q", tt.src, k1, e1, e2)
		}
	})
}

// keyAndExpansion returns the key and the expansion of tpl for r, after checking that AppendKey
// and Expand agree on failing and that a failed AppendKey returns its buffer unchanged. The key is
// nil when they fail.
func keyAndExpansion(t *testing.T, tpl *variables.Template, r variables.Resolver) ([]byte, string) {
	t.Helper()
	dst := []byte("prefix")
	key, kerr := tpl.AppendKey(dst, r)
	exp, xerr := tpl.Expand(r)
	if fmt.Sprint(kerr) != fmt.Sprint(xerr) {
		t.Fatalf("%s: AppendKey error %v, Expand error %v", tpl.Source(), kerr, xerr)
	}
	if kerr != nil {
		if string(key) != "prefix" {
			t.Fatalf("%s: failed AppendKey returned %q, want its buffer unchanged", tpl.Source(), key)
		}
		return nil, ""
	}
	if !bytes.HasPrefix(key, []byte("prefix")) {
		t.Fatalf("%s: AppendKey = %q, lost its buffer", tpl.Source(), key)
	}
	return key[len("prefix"):], exp
}
