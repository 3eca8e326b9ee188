package variables_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/variables"
)

// hostile values from the PERFORMANCE.md workload and worse.
var (
	big    = strings.Repeat("a\"\\/?#&=\u2028x", 1000) // ~13 KB
	values = variables.Map{
		"team.id":              "t_42",
		"contact.id":           "c/1001 x",
		"contact.email":        "zoe+test@example.com",
		"contact.name":         "Zoë \"Z\" O'Brien\n",
		"contact.phone_number": "+1 (555) 010-9999",
		"q":                    `"quoted"`,
		"bs":                   `back\slash\`,
		"ls":                   "line\u2028sep\u2029",
		"bad":                  "bad\xff\xfeutf8",
		"nul":                  "a\x00b",
		"crlf":                 "a\r\nX-Injected: 1",
		"lf":                   "a\nb",
		"cr":                   "a\rb",
		"tab":                  "a\tb",
		"dotdot":               "../../admin",
		"dots":                 "..",
		"dot":                  ".",
		"reserved":             "?#&=+ /;,:@$",
		"big":                  big,
		"empty":                "",
		"num":                  "0042",
		"ctl":                  "\x01\x1f\x7f",
	}
)

type expandCase struct {
	name    string
	src     string
	opts    *variables.Options
	vals    variables.Resolver
	want    string
	wantErr error
}

func runExpand(t *testing.T, target variables.Target, tests []expandCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tpl, err := variables.Compile(tt.src, target, tt.opts)
			if err != nil {
				t.Fatalf("Compile(%q, %v) error = %v", tt.src, target, err)
			}
			r := tt.vals
			if r == nil {
				r = values
			}
			got, err := tpl.Expand(r)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Expand(%q) error = %v, want %v", tt.src, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Expand(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
			// AppendExpand agrees with Expand and keeps the prefix.
			b, err := tpl.AppendExpand([]byte("prefix:"), r)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("AppendExpand(%q) error = %v, want %v", tt.src, err, tt.wantErr)
			}
			if diff := cmp.Diff("prefix:"+tt.want, string(b)); diff != "" {
				t.Errorf("AppendExpand(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestExpandURL(t *testing.T) {
	t.Parallel()
	const workload = "https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}"
	bigPath := strings.NewReplacer(`"`, "%22", `\`, "%5C", "/", "%2F", "?", "%3F", "#", "%23", "\u2028", "%E2%80%A8").Replace(big)
	runExpand(t, variables.URL, []expandCase{
		{"workload", workload, nil, nil,
			"https://api.example.com/v1/teams/t_42/contacts/c%2F1001%20x?email=zoe%2Btest%40example.com", nil},
		{"slash stays in one segment", "https://x.test/a/{{contact.id}}/b", nil, nil, "https://x.test/a/c%2F1001%20x/b", nil},
		{"reserved in path", "https://x.test/{{reserved}}", nil, nil, "https://x.test/%3F%23&=+%20%2F%3B%2C:@$", nil},
		{"space in query", "https://x.test/{{sp}}?q={{sp}}", nil, variables.Map{"sp": "a b"}, "https://x.test/a%20b?q=a+b", nil},
		{"reserved in query", "https://x.test/?k={{reserved}}&z=1", nil, nil, "https://x.test/?k=%3F%23%26%3D%2B+%2F%3B%2C%3A%40%24&z=1", nil},
		{"query key", "https://x.test/?{{reserved}}=1", nil, nil, "https://x.test/?%3F%23%26%3D%2B+%2F%3B%2C%3A%40%24=1", nil},
		{"fragment path-escaped", "https://x.test/p#{{reserved}}", nil, nil, "https://x.test/p#%3F%23&=+%20%2F%3B%2C:@$", nil},
		{"quotes backslash", "https://x.test/{{q}}/{{bs}}", nil, nil, "https://x.test/%22quoted%22/back%5Cslash%5C", nil},
		{"invalid utf8 and nul", "https://x.test/{{bad}}?n={{nul}}", nil, nil, "https://x.test/bad%FF%FEutf8?n=a%00b", nil},
		{"crlf", "https://x.test/{{crlf}}?v={{crlf}}", nil, nil, "https://x.test/a%0D%0AX-Injected:%201?v=a%0D%0AX-Injected%3A+1", nil},
		{"unicode", "https://x.test/{{contact.name}}", nil, nil, "https://x.test/Zo%C3%AB%20%22Z%22%20O%27Brien%0A", nil},
		{"line separator", "https://x.test/{{ls}}", nil, nil, "https://x.test/line%E2%80%A8sep%E2%80%A9", nil},
		{"10KB", "https://x.test/{{big}}", nil, nil, "https://x.test/" + bigPath, nil},
		{"empty value", "https://x.test/a/{{empty}}/b", nil, nil, "https://x.test/a//b", nil},
		{"missing lenient", "https://x.test/a/{{nope}}", nil, nil, "https://x.test/a/", nil},
		{"missing strict", "https://x.test/a/{{nope}}", &variables.Options{Strict: true}, nil, "", variables.ErrUndefined},
		{"dotdot segment", "https://x.test/a/{{dots}}/b", nil, nil, "", variables.ErrDotSegment},
		{"dot segment", "https://x.test/a/{{dot}}", nil, nil, "", variables.ErrDotSegment},
		{"dot plus dot", "https://x.test/a/{{dot}}{{dot}}?x", nil, nil, "", variables.ErrDotSegment},
		{"literal dot plus dot", "https://x.test/a/.{{dot}}#f", nil, nil, "", variables.ErrDotSegment},
		{"dots inside a segment ok", "https://x.test/a/v{{dots}}", nil, nil, "https://x.test/a/v..", nil},
		{"dots in query ok", "https://x.test/a?x={{dots}}", nil, nil, "https://x.test/a?x=..", nil},
		{"three dots ok", "https://x.test/{{dot}}{{dots}}", nil, nil, "https://x.test/...", nil},
		// A server that decodes %2F or %5C before resolving dot segments (nginx normalising a
		// URI it proxies, IIS, Tomcat with ALLOW_BACKSLASH) would climb out of the segment.
		{"encoded slash traversal", "https://x.test/a/{{dotdot}}", nil, nil, "", variables.ErrDotSegment},
		{"encoded backslash traversal", "https://x.test/a/{{x}}/b", nil, variables.Map{"x": `..\..\admin`}, "", variables.ErrDotSegment},
		{"traversal after text", "https://x.test/a/{{x}}", nil, variables.Map{"x": "c/../../admin"}, "", variables.ErrDotSegment},
		{"single dot piece", "https://x.test/a/{{x}}", nil, variables.Map{"x": "c/./d"}, "", variables.ErrDotSegment},
		{"trailing dot piece", "https://x.test/a/{{x}}/b", nil, variables.Map{"x": "c/.."}, "", variables.ErrDotSegment},
		{"literal dots after a value separator", "https://x.test/a/{{x}}../b", nil, variables.Map{"x": "c/"}, "", variables.ErrDotSegment},
		{"literal text then traversal", "https://x.test/a/v{{x}}", nil, variables.Map{"x": `\..`}, "", variables.ErrDotSegment},
		// Tomcat strips path parameters before resolving dot segments: "..;v=1" is "..".
		{"dots before a path parameter", "https://x.test/a/{{dots}};v=1/b", nil, nil, "", variables.ErrDotSegment},
		{"dots before an escaped semicolon", "https://x.test/a/{{x}}", nil, variables.Map{"x": "..;x"}, "", variables.ErrDotSegment},
		// A literal %2e is a dot once the server decodes it.
		{"literal escaped dot plus dot", "https://x.test/%2e{{dot}}/b", nil, nil, "", variables.ErrDotSegment},
		{"literal escaped dot upper case", "https://x.test/%2E{{dot}}/b", nil, nil, "", variables.ErrDotSegment},
		{"literal escaped dot alone", "https://x.test/%2e{{empty}}/b", nil, nil, "", variables.ErrDotSegment},
		{"literal escaped slash then dots", "https://x.test/a%2f{{dots}}/b", nil, nil, "", variables.ErrDotSegment},
		{"literal escaped backslash then dots", "https://x.test/a%5C{{dots}}", nil, nil, "", variables.ErrDotSegment},
		{"literal escapes without dots ok", "https://x.test/a%2F%41{{dots}}%2e", nil, nil, "https://x.test/a%2F%41..%2e", nil},
		{"literal dot piece of the template ok", "https://x.test/a%2F..%2F{{contact.id}}", nil, nil, "https://x.test/a%2F..%2Fc%2F1001%20x", nil},
		{"slash without dots ok", "https://x.test/a/{{x}}", nil, variables.Map{"x": "a/b\\c//"}, "https://x.test/a/a%2Fb%5Cc%2F%2F", nil},
		{"dots within pieces ok", "https://x.test/a/{{x}}", nil, variables.Map{"x": "a../...b/.c/..."}, "https://x.test/a/a..%2F...b%2F.c%2F...", nil},
		{"dots in a parameter ok", "https://x.test/a/x;{{dots}}/b", nil, nil, "https://x.test/a/x;../b", nil},
		{"traversal in fragment ok", "https://x.test/a#{{dotdot}}", nil, nil, "https://x.test/a#..%2F..%2Fadmin", nil},
		{"traversal in query ok", "https://x.test/a?p={{dotdot}}", nil, nil, "https://x.test/a?p=..%2F..%2Fadmin", nil},
		{"relative empty first segment", "/{{empty}}/x", nil, nil, "", variables.ErrEmptySegment},
		{"relative empty first segments", "/{{empty}}{{nope}}/x", nil, nil, "", variables.ErrEmptySegment},
		{"no authority empty first segment", "https:/{{empty}}/x", nil, nil, "", variables.ErrEmptySegment},
		{"relative non-empty first segment", "/{{empty}}{{team.id}}/x", nil, nil, "/t_42/x", nil},
		{"relative empty last segment ok", "/{{empty}}", nil, nil, "/", nil},
		{"with host empty segment ok", "https://x.test/{{empty}}/x", nil, nil, "https://x.test//x", nil},
		{"relative path", "/v1/contacts/{{contact.id}}", nil, nil, "/v1/contacts/c%2F1001%20x", nil},
		{"host allowed", "https://{{h}}.example.com:{{p}}/x", &variables.Options{AllowHostPlaceholders: true},
			variables.Map{"h": "eu@evil.test/", "p": "8443"}, "https://eu%40evil.test%2F.example.com:8443/x", nil},
		{"filters", "https://x.test/{{contact.email | upper | sha256}}", nil, nil,
			"https://x.test/" + sha256hex("ZOE+TEST@EXAMPLE.COM"), nil},
		{"literal braces", `https://x.test/{{"{{"}}x`, nil, nil, "https://x.test/{{x", nil},
	})
}

func TestExpandQuery(t *testing.T) {
	t.Parallel()
	runExpand(t, variables.Query, []expandCase{
		{"email", "{{contact.email}}", nil, nil, "zoe%2Btest%40example.com", nil},
		{"only spaces to escape", "{{sp}}", nil, variables.Map{"sp": "a b  c"}, "a+b++c", nil},
		{"literal escaped too", "a b&{{contact.id}}", nil, nil, "a+b%26c%2F1001+x", nil},
		{"reserved", "{{reserved}}", nil, nil, "%3F%23%26%3D%2B+%2F%3B%2C%3A%40%24", nil},
		{"hostile", "{{q}}{{bs}}{{nul}}{{crlf}}{{bad}}", nil, nil,
			"%22quoted%22back%5Cslash%5Ca%00ba%0D%0AX-Injected%3A+1bad%FF%FEutf8", nil},
		{"unicode", "{{contact.name}}{{ls}}", nil, nil, "Zo%C3%AB+%22Z%22+O%27Brien%0Aline%E2%80%A8sep%E2%80%A9", nil},
		{"10KB", "{{big}}", nil, nil, queryEscape(big), nil},
		{"default", `{{nope | default:"n/a"}}`, &variables.Options{Strict: true}, nil, "n%2Fa", nil},
		{"strict", `{{nope}}`, &variables.Options{Strict: true}, nil, "", variables.ErrUndefined},
	})
}

func TestExpandHeader(t *testing.T) {
	t.Parallel()
	runExpand(t, variables.Header, []expandCase{
		{"workload", "{{contact.email}}", nil, nil, "zoe+test@example.com", nil},
		{"bearer", "Bearer {{secret.token}}", &variables.Options{Names: []string{"contact.email"}, HeaderOnly: []string{"secret."}},
			variables.Map{"secret.token": "s3cr3t"}, "Bearer s3cr3t", nil},
		{"quotes and unicode unchanged", `{{q}} {{bs}} {{contact.name | trim}} {{ls}} {{bad}}`, nil, nil,
			"\"quoted\" back\\slash\\ Zoë \"Z\" O'Brien line\u2028sep\u2029 bad\xff\xfeutf8", nil},
		{"tab allowed", "{{tab}}", nil, nil, "a\tb", nil},
		{"crlf", "x {{crlf}}", nil, nil, "", variables.ErrInvalidHeaderValue},
		{"lf", "{{lf}}", nil, nil, "", variables.ErrInvalidHeaderValue},
		{"cr", "{{cr}}", nil, nil, "", variables.ErrInvalidHeaderValue},
		{"nul", "{{nul}}", nil, nil, "", variables.ErrInvalidHeaderValue},
		{"other controls", "{{ctl}}", nil, nil, "", variables.ErrInvalidHeaderValue},
		{"name with newline fails", "{{contact.name}}", nil, nil, "", variables.ErrInvalidHeaderValue},
		{"trimmed newline ok", "{{contact.name | trim}}", nil, nil, "Zoë \"Z\" O'Brien", nil},
		{"10KB", "{{big}}", nil, nil, big, nil},
		{"default empty", `{{empty | default:"none"}}`, nil, nil, "none", nil},
		{"default after filters", `{{nope | trim | default:"x y"}}`, &variables.Options{Strict: true}, nil, "x y", nil},
		{"strict", "{{nope}}", &variables.Options{Strict: true}, nil, "", variables.ErrUndefined},
		{"obs-fold", "{{v}}", nil, variables.Map{"v": "a\r\n b"}, "", variables.ErrInvalidHeaderValue},
		{"custom filter adds a line", "{{contact.email | line}}", &variables.Options{Filters: map[string]variables.Filter{
			"line": {Apply: func(v, _ string) (string, error) { return v + "\r\nX-Injected: 1", nil }}}}, nil, "", variables.ErrInvalidHeaderValue},
		{"filter output checked, not input", "{{v | line}}", &variables.Options{Filters: map[string]variables.Filter{
			"line": {Apply: func(v, _ string) (string, error) { return strings.ReplaceAll(v, "\n", " "), nil }}}},
			variables.Map{"v": "a\nb"}, "a b", nil},
	})
}

// TestExpandHeaderControlBytes checks every byte value: ASCII controls other than tab, and DEL,
// are refused; everything else, UTF-8 or not, is written as is.
func TestExpandHeaderControlBytes(t *testing.T) {
	t.Parallel()
	tpl, err := variables.Compile("v {{v}}", variables.Header, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 256 {
		v := "a" + string([]byte{byte(i)}) + "b"
		got, err := tpl.Expand(variables.Map{"v": v})
		if refuse := i < 0x20 && i != '\t' || i == 0x7f; refuse {
			if !errors.Is(err, variables.ErrInvalidHeaderValue) || got != "" {
				t.Errorf("byte %#x: Expand = %q, %v, want ErrInvalidHeaderValue", i, got, err)
			}
		} else if err != nil || got != "v "+v {
			t.Errorf("byte %#x: Expand = %q, %v, want %q", i, got, err, "v "+v)
		}
	}
}

func TestExpandText(t *testing.T) {
	t.Parallel()
	runExpand(t, variables.Text, []expandCase{
		{"greeting", "Hi {{ contact.name | trim }}, your id is {{contact.id}}.", nil, nil, "Hi Zoë \"Z\" O'Brien, your id is c/1001 x.", nil},
		{"hostile unchanged", "{{crlf}}|{{nul}}|{{bad}}|{{dotdot}}", nil, nil, "a\r\nX-Injected: 1|a\x00b|bad\xff\xfeutf8|../../admin", nil},
		{"literal open", `{{"{{"}} contact.id }}`, nil, nil, "{{ contact.id }}", nil},
		{"braces outside", "{ a } }} {", nil, nil, "{ a } }} {", nil},
		{"no placeholders", "plain", nil, nil, "plain", nil},
		{"empty", "", nil, nil, "", nil},
		{"filters", `{{contact.email | upper}} {{contact.name | truncate:3}} {{contact.email | base64}}`, nil, nil,
			"ZOE+TEST@EXAMPLE.COM Zoë em9lK3Rlc3RAZXhhbXBsZS5jb20=", nil},
		{"gjson paths", "{{orders.#}} {{$root.meta.count}} {{items.0.sku}}", nil,
			variables.Map{"orders.#": "3", "$root.meta.count": "200", "items.0.sku": "a"}, "3 200 a", nil},
		{"resolver func", "{{a}}-{{b}}", nil, variables.ResolverFunc(func(n string) (string, bool) { return strings.ToUpper(n), true }), "A-B", nil},
		{"10KB", "{{big}}", nil, nil, big, nil},
	})
}

func TestExpandJSON(t *testing.T) {
	t.Parallel()
	const workload = `{"name":"{{contact.name}}","email":"{{contact.email}}","phone":"{{contact.phone_number}}"}`
	bigJSON := jsonString(big)
	runExpand(t, variables.JSON, []expandCase{
		{"workload", workload, nil, nil,
			`{"name":"Zoë \"Z\" O'Brien\n","email":"zoe+test@example.com","phone":"+1 (555) 010-9999"}`, nil},
		{"quotes backslashes", `{"a":"<{{q}}>","b":"{{bs}}"}`, nil, nil, `{"a":"<\"quoted\">","b":"back\\slash\\"}`, nil},
		{"line separators", `{"a":"{{ls}}"}`, nil, nil, `{"a":"line\u2028sep\u2029"}`, nil},
		{"invalid utf8", `{"a":"{{bad}}"}`, nil, nil, `{"a":"bad\ufffd\ufffdutf8"}`, nil},
		{"controls", `{"a":"{{nul}}{{crlf}}{{tab}}{{ctl}}"}`, nil, nil, `{"a":"a\u0000ba\r\nX-Injected: 1a\tb\u0001\u001f` + "\x7f" + `"}`, nil},
		{"standalone string", `{"id": {{contact.id}}, "n": {{num}}}`, nil, nil, `{"id": "c/1001 x", "n": "0042"}`, nil},
		{"standalone in array", `[{{q}},{{ bad }}, 1]`, nil, nil, `["\"quoted\"","bad\ufffd\ufffdutf8", 1]`, nil},
		{"standalone missing", `{"a":{{nope}}}`, nil, nil, `{"a":""}`, nil},
		{"top level", `{{contact.email}}`, nil, nil, `"zoe+test@example.com"`, nil},
		{"10KB", `{"big":"{{big}}"}`, nil, nil, `{"big":` + bigJSON + `}`, nil},
		{"nested", `{"a":{"b":["x{{contact.id}}y", {"c": {{team.id}}}]}}`, nil, nil, `{"a":{"b":["xc/1001 xy", {"c": "t_42"}]}}`, nil},
		{"escape before placeholder", `{"a":"\n{{q}}\\"}`, nil, nil, `{"a":"\n\"quoted\"\\"}`, nil},
		{"strict", `{"a":"{{nope}}"}`, &variables.Options{Strict: true}, nil, "", variables.ErrUndefined},
		{"filters", `{"h":"{{contact.email | lower | sha256}}"}`, nil, nil, `{"h":"` + sha256hex("zoe+test@example.com") + `"}`, nil},
	})
}

// TestExpandJSONValid checks that every hostile value yields valid JSON with the same keys.
func TestExpandJSONValid(t *testing.T) {
	t.Parallel()
	tpl, err := variables.Compile(`{"k":"pre {{v}} post","v":{{v}},"arr":[{{v}},"{{v}}"]}`, variables.JSON, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range values {
		out, err := tpl.Expand(variables.Map{"v": v})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: invalid JSON %q: %v", name, out, err)
		}
		if len(got) != 3 || got["k"] == nil || got["v"] == nil || got["arr"] == nil {
			t.Errorf("%s: keys changed: %v", name, got)
		}
	}
}

func TestExpandNilResolver(t *testing.T) {
	t.Parallel()
	tpl, err := variables.Compile(`{"a":"{{x}}","b":{{y | default:"d"}}}`, variables.JSON, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.Expand(nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"a":"","b":"d"}`, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	strict, _ := variables.Compile("{{x}}", variables.Text, &variables.Options{Strict: true})
	if _, err := strict.Expand(nil); !errors.Is(err, variables.ErrUndefined) {
		t.Errorf("strict Expand(nil) error = %v, want ErrUndefined", err)
	}
}

// TestErrorsNameVariableNotValue checks that expansion errors name the variable and never
// contain its value.
func TestErrorsNameVariableNotValue(t *testing.T) {
	t.Parallel()
	secret := "hunter2\r\nX: y"
	tests := []struct {
		src    string
		target variables.Target
		opts   *variables.Options
		want   error
	}{
		{"{{secret.pw}}", variables.Header, nil, variables.ErrInvalidHeaderValue},
		{"{{missing}}", variables.Text, &variables.Options{Strict: true}, variables.ErrUndefined},
		{"https://x.test/{{dot}}", variables.URL, nil, variables.ErrDotSegment},
		{"{{secret.pw | fail}}", variables.Text, &variables.Options{Filters: map[string]variables.Filter{
			"fail": {Apply: func(string, string) (string, error) { return "", errors.New("boom") }}}}, variables.ErrFilter},
	}
	for _, tt := range tests {
		tpl, err := variables.Compile(tt.src, tt.target, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tpl.Expand(variables.Map{"secret.pw": secret, "dot": ".."})
		if !errors.Is(err, tt.want) {
			t.Fatalf("%s: error = %v, want %v", tt.src, err, tt.want)
		}
		ve, ok := errors.AsType[*variables.ValueError](err)
		if !ok {
			t.Fatalf("%s: error %T is not a *ValueError", tt.src, err)
		}
		if !strings.Contains(err.Error(), ve.Name) || !strings.HasPrefix(err.Error(), "variables: ") {
			t.Errorf("%s: error %q does not name %q", tt.src, err, ve.Name)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "..") {
			t.Errorf("%s: error %q leaks the value", tt.src, err)
		}
	}
}

// TestConcurrentExpand runs one template from many goroutines (meaningful under -race).
func TestConcurrentExpand(t *testing.T) {
	t.Parallel()
	tpl, err := variables.Compile(`{"e":"{{contact.email}}"}`, variables.JSON, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for range 8 {
		go func() {
			s, _ := tpl.Expand(values)
			done <- s
		}()
	}
	for range 8 {
		if got := <-done; got != `{"e":"zoe+test@example.com"}` {
			t.Errorf("got %q", got)
		}
	}
}

// TestExpandResultsIndependent checks that a string returned by Expand, which shares its bytes
// with the buffer the expansion wrote, never changes: not through later expansions of the same
// template, nor through AppendExpand into a buffer of the caller's.
func TestExpandResultsIndependent(t *testing.T) {
	t.Parallel()
	tpl, err := variables.Compile(`{"n":"{{v}}"}`, variables.JSON, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := tpl.Expand(variables.Map{"v": "first"})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 64)
	for _, v := range []string{"second", "x\"y", strings.Repeat("z", 100)} {
		if _, err := tpl.Expand(variables.Map{"v": v}); err != nil {
			t.Fatal(err)
		}
		if buf, err = tpl.AppendExpand(buf[:0], variables.Map{"v": v}); err != nil {
			t.Fatal(err)
		}
	}
	if first != `{"n":"first"}` {
		t.Errorf("first expansion changed to %q", first)
	}
	empty, err := variables.Compile("{{v}}", variables.Text, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := empty.Expand(nil); got != "" || err != nil {
		t.Errorf("Expand(nil) = %q, %v", got, err)
	}
}

// TestExpandManyPlaceholders covers templates with more placeholders than Expand resolves on
// the stack.
func TestExpandManyPlaceholders(t *testing.T) {
	t.Parallel()
	vals := variables.Map{}
	var url, body, want, wantBody strings.Builder
	url.WriteString("https://x.test/p")
	want.WriteString("https://x.test/p")
	body.WriteString(`{"a":[`)
	wantBody.WriteString(`{"a":[`)
	for i := range 40 {
		name := fmt.Sprintf("v%d", i)
		vals[name] = fmt.Sprintf("%d/\"%d", i, i)
		fmt.Fprintf(&url, "/{{%s}}", name)
		fmt.Fprintf(&want, "/%d%%2F%%22%d", i, i)
		if i > 0 {
			body.WriteString(",")
			wantBody.WriteString(",")
		}
		fmt.Fprintf(&body, "{{%s}}", name)
		fmt.Fprintf(&wantBody, `"%d/\"%d"`, i, i)
	}
	body.WriteString("]}")
	wantBody.WriteString("]}")
	for _, c := range []struct {
		src    string
		target variables.Target
		want   string
	}{
		{url.String(), variables.URL, want.String()},
		{body.String(), variables.JSON, wantBody.String()},
	} {
		tpl, err := variables.Compile(c.src, c.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tpl.Expand(vals)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Expand(%q) mismatch (-want +got):\n%s", c.src, diff)
		}
		if _, err := tpl.Expand(variables.Map{"v39": ".."}); c.target == variables.URL && !errors.Is(err, variables.ErrDotSegment) {
			t.Errorf("Expand(%q) with v39 \"..\": error %v, want ErrDotSegment", c.src, err)
		}
	}
}
