package variables_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/variables"
)

func TestCompileSyntaxErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src  string
		wantOffset int
		wantMsg    string // substring of Msg
	}{
		{"unclosed", "a {{ name", 9, `expected "|" or "}}"`},
		{"open at end", "a {{", 4, "expected a variable name"},
		{"open then spaces", "a {{   ", 7, "expected a variable name"},
		{"empty", "{{}}", 2, "expected a variable name"},
		{"empty spaced", "{{  }}", 4, "expected a variable name"},
		{"triple brace", "{{{x}}}", 2, "expected a variable name"},
		{"two names", "{{a b}}", 4, `expected "|" or "}}"`},
		{"filter missing", "{{a | }}", 6, "expected a filter name"},
		{"filter bad char", "{{a | -x}}", 6, "expected a filter name"},
		{"arg missing", "{{a | default:}}", 14, "expected a filter argument"},
		{"unterminated string arg", `{{a | default:"x}}`, 14, `expected a closing '"'`},
		{"bad escape", `{{a | default:"\q"}}`, 15, "expected one of the escapes"},
		{"quoted then junk", `{{"{{" x}}`, 7, `expected "}}" after the quoted string`},
		{"unterminated literal", `{{"{{}}`, 2, `expected a closing '"'`},
		{"single brace close", "{{a}", 3, `expected "|" or "}}"`},
		{"pipe at end", "{{a |", 5, "expected a filter name"},
		{"byte offsets after multibyte text", "é日 {{ a |", 12, "expected a filter name"},
		{"multibyte name unterminated", "{{ é", 5, `expected "|" or "}}"`},
		{"ideographic space then nothing", "x{{\u3000", 6, "expected a variable name"},
		{"unterminated after multibyte arg", `{{a | default:"日`, 14, `expected a closing '"'`},
		{"triple close", "{{a}}}{{", 8, "expected a variable name"},
		{"nested open", "{{ {{a}} }}", 3, "expected a variable name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := variables.Compile(tt.src, variables.Text, nil)
			se, ok := errors.AsType[*variables.SyntaxError](err)
			if !ok {
				t.Fatalf("Compile(%q) error = %v, want *SyntaxError", tt.src, err)
			}
			if se.Offset != tt.wantOffset || !strings.Contains(se.Msg, tt.wantMsg) {
				t.Errorf("Compile(%q) = offset %d %q, want offset %d containing %q", tt.src, se.Offset, se.Msg, tt.wantOffset, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "variables: offset ") {
				t.Errorf("error text %q lacks the package prefix", err)
			}
		})
	}
}

func TestCompileNames(t *testing.T) {
	t.Parallel()
	opts := &variables.Options{
		Names:      []string{"contact.email", "conversation.id"},
		Prefixes:   []string{"contact.attributes."},
		HeaderOnly: []string{"secret."},
	}
	errNoDollar := errors.New("no $ allowed")
	withValidate := &variables.Options{Validate: func(name string) error {
		if strings.Contains(name, "$") {
			return errNoDollar
		}
		return nil
	}}
	tests := []struct {
		name    string
		src     string
		target  variables.Target
		opts    *variables.Options
		wantErr error
		offset  int
	}{
		{"known name", "{{contact.email}}", variables.Text, opts, nil, 0},
		{"known prefix", "{{contact.attributes.plan_tier}}", variables.Text, opts, nil, 0},
		{"bare prefix is unknown", "{{contact.attributes.}}", variables.Text, opts, variables.ErrUnknownName, 2},
		{"unknown", "x {{ contact.phone }}", variables.Text, opts, variables.ErrUnknownName, 5},
		{"case-sensitive", "{{Contact.email}}", variables.Text, opts, variables.ErrUnknownName, 2},
		{"secret in header", "Bearer {{secret.token}}", variables.Header, opts, nil, 0},
		{"secret in url", "https://x.test/{{secret.token}}", variables.URL, opts, variables.ErrHeaderOnly, 17},
		{"secret in json", `{"t":"{{secret.token}}"}`, variables.JSON, opts, variables.ErrHeaderOnly, 8},
		{"secret in text", "{{secret.token}}", variables.Text, opts, variables.ErrHeaderOnly, 2},
		{"any name by default", "{{whatever.you.like}}", variables.Text, nil, nil, 0},
		{"validate ok", "{{orders.#}}", variables.Text, withValidate, nil, 0},
		{"validate fails", "{{a}} {{$root}}", variables.Text, withValidate, errNoDollar, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := variables.Compile(tt.src, tt.target, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Compile(%q) error = %v, want %v", tt.src, err, tt.wantErr)
			}
			if err == nil {
				return
			}
			se, ok := errors.AsType[*variables.SyntaxError](err)
			if !ok {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if se.Offset != tt.offset {
				t.Errorf("offset = %d, want %d (%v)", se.Offset, tt.offset, err)
			}
		})
	}
}

func TestUnknownNameListsKnown(t *testing.T) {
	t.Parallel()
	_, err := variables.Compile("{{contact.phone}}", variables.Text, &variables.Options{
		Names:    []string{"contact.email", "conversation.id"},
		Prefixes: []string{"contact.attributes."},
	})
	want := `variables: offset 2: unknown variable "contact.phone"; expected one of contact.email, conversation.id, or a name under contact.attributes.`
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

func TestCompileFilters(t *testing.T) {
	t.Parallel()
	custom := &variables.Options{Filters: map[string]variables.Filter{
		"digits": {Apply: func(v, _ string) (string, error) {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, v), nil
		}},
		"wrap": {Apply: func(v, arg string) (string, error) { return arg + v + arg, nil }, Arg: variables.ArgOptional,
			CheckArg: func(arg string) error {
				if len(arg) > 1 {
					return errors.New("one character at most")
				}
				return nil
			}},
	}}
	tests := []struct {
		name    string
		src     string
		opts    *variables.Options
		want    string
		wantErr error
		offset  int
	}{
		{"all builtins", `{{v | trim | lower | upper | truncate:4 | default:"x" | base64}}`, nil, "QSBCQw==", nil, 0},
		{"truncate runes", `{{u | truncate:2}}`, nil, "żó", nil, 0},
		{"truncate zero", `{{u | truncate:0}}`, nil, "", nil, 0},
		{"truncate longer", `{{u | truncate:"100"}}`, nil, "żółw", nil, 0},
		{"truncate invalid utf8", `{{bad | truncate:2}}`, nil, "\xffa", nil, 0},
		{"sha256", `{{e | sha256}}`, nil, sha256hex("a@b.test"), nil, 0},
		{"default spaces", `{{ missing | default:"n/a" }}`, nil, "n/a", nil, 0},
		{"default escaped quote", `{{ missing | default:"say \"hi\"" }}`, nil, `say "hi"`, nil, 0},
		{"custom", `{{p | digits}}`, custom, "15550109999", nil, 0},
		{"custom optional arg", `{{e | wrap}}|{{e | wrap:"*"}}`, custom, "a@b.test|*a@b.test*", nil, 0},
		{"custom check arg", `{{e | wrap:"**"}}`, custom, "", nil, 11},
		{"custom not global", `{{p | digits}}`, nil, "", variables.ErrUnknownFilter, 6},
		{"unknown", `{{v | shout}}`, nil, "", variables.ErrUnknownFilter, 6},
		{"truncate no arg", `{{v | truncate}}`, nil, "", nil, 14},
		{"truncate negative", `{{v | truncate:-1}}`, nil, "", nil, 15},
		{"truncate word", `{{v | truncate:"ten"}}`, nil, "", nil, 15},
		{"lower with arg", `{{v | lower:"x"}}`, nil, "", nil, 12},
		{"quote", `{{q | quote}}`, nil, `"O'Brien \"x\" \\ y"`, nil, 0},
		{"quote single", `{{q | quote:"'"}}`, nil, `'O\'Brien "x" \\ y'`, nil, 0},
		{"quote empty", `{{missing | quote:"'"}}`, nil, `''`, nil, 0},
		{"quote bad arg", `{{q | quote:"x"}}`, nil, "", nil, 12},
		{"phrase", `{{e | phrase}}`, nil, `"a@b.test"`, nil, 0},
		{"phrase no arg", `{{e | phrase:"x"}}`, nil, "", nil, 13},
		{"default without arg", `{{v | default}}`, nil, "", nil, 13},
	}
	vals := variables.Map{"q": `O'Brien "x" \ y`, "v": "  a bCd ", "u": "żółw", "bad": "\xffab", "e": "a@b.test", "p": "+1 (555) 010-9999"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tpl, err := variables.Compile(tt.src, variables.Text, tt.opts)
			if tt.want == "" && tt.offset > 0 || tt.wantErr != nil {
				se, ok := errors.AsType[*variables.SyntaxError](err)
				if !ok {
					t.Fatalf("Compile(%q) error = %v, want *SyntaxError", tt.src, err)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) || se.Offset != tt.offset {
					t.Errorf("Compile(%q) error = %v (offset %d), want %v at %d", tt.src, err, se.Offset, tt.wantErr, tt.offset)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compile(%q) error = %v", tt.src, err)
			}
			got, err := tpl.Expand(vals)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Expand(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestCompileCustomFilterErrors(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]*variables.Options{
		"shadows builtin": {Filters: map[string]variables.Filter{"lower": {Apply: func(v, _ string) (string, error) { return v, nil }}}},
		"no apply":        {Filters: map[string]variables.Filter{"x": {}}},
	} {
		if _, err := variables.Compile("{{a}}", variables.Text, opts); err == nil || !strings.HasPrefix(err.Error(), "variables: ") {
			t.Errorf("%s: error = %v, want a variables error", name, err)
		}
	}
	if _, err := variables.Compile("x", variables.Target(99), nil); err == nil {
		t.Error("unknown target compiled")
	}
}

func TestCompileURLPlacement(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		opts    *variables.Options
		wantErr bool
		placed  bool // error wraps ErrPlacement
	}{
		{"path query fragment", "https://x.test/a/{{p}}?q={{q}}#{{f}}", nil, false, false},
		{"scheme", "{{s}}://x.test/", nil, true, true},
		{"host", "https://{{h}}/a", nil, true, true},
		{"host suffix", "https://api.{{h}}.test/a", nil, true, true},
		{"after host", "https://x.test{{p}}", nil, true, true},
		{"port", "https://x.test:{{port}}/a", nil, true, true},
		{"userinfo", "https://{{u}}@x.test/a", nil, true, true},
		{"whole url", "{{base}}", nil, true, true},
		{"base then path", "{{base}}/v1/x", nil, true, true},
		{"relative first segment", "v1{{x}}/y", nil, true, true},
		{"protocol-relative", "//{{h}}/x", nil, true, true},
		{"relative later segment", "/v1/{{x}}", nil, false, false},
		{"relative query", "?q={{x}}", nil, false, false},
		{"host allowed", "https://{{h}}:{{port}}/a", &variables.Options{AllowHostPlaceholders: true}, false, false},
		{"scheme allowed", "{{s}}://x.test/", &variables.Options{AllowHostPlaceholders: true}, false, false},
		{"bad url", "https://x.test:port/{{a}}", nil, true, false},
		{"bad url space host", "https://x y/{{a}}", nil, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := variables.Compile(tt.src, variables.URL, tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Compile(%q) error = %v, want error %v", tt.src, err, tt.wantErr)
			}
			if got := errors.Is(err, variables.ErrPlacement); got != tt.placed {
				t.Errorf("Compile(%q) error = %v, ErrPlacement %v, want %v", tt.src, err, got, tt.placed)
			}
			if _, ok := errors.AsType[*variables.SyntaxError](err); err != nil && !ok {
				t.Errorf("error %T is not a *SyntaxError", err)
			}
		})
	}
}

func TestCompileJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		wantErr bool
		placed  bool
		offset  int
	}{
		{"string value", `{"a":"{{x}}"}`, false, false, 0},
		{"standalone value", `{"a": {{x}} }`, false, false, 0},
		{"array", `[{{x}}, "{{y}}", 1, true, null]`, false, false, 0},
		{"literal braces in string", `{"a":"{{"{{"}}x}}"}`, false, false, 0},
		{"nested braces", `{"a":{"b":{"c":1}}}`, false, false, 0},
		{"key", `{"{{k}}":1}`, true, true, 2},
		{"key prefix", `{"a":1,"k_{{k}}":1}`, true, true, 10},
		{"standalone key", `{ {{k}}: 1}`, true, true, 2},
		{"after backslash", `{"a":"\{{x}}"}`, true, true, 7},
		{"two standalone", `{"a":{{x}}{{y}}}`, true, false, 10},
		{"inside number", `{"a":1{{x}}}`, true, false, 6},
		{"unicode escape", `{"a":"\u00{{x}}"}`, true, false, 10},
		{"not json", `hello {{x}}`, true, false, 0},
		{"trailing comma", `{"a":"{{x}}",}`, true, false, 13},
		{"empty", ``, true, false, 0},
		{"unterminated", `{"a":"{{x}}`, true, false, 11},
		// Parsers disagree on which of two equal keys wins.
		{"duplicate key", `{"a":"{{x}}","a":1}`, true, false, 13},
		{"duplicate escaped key", `{"a":1, "b":{"c":2}, "\u0061":"{{x}}"}`, true, false, 21},
		{"duplicate key after a placeholder", `{"k":{{x}}, "v":[{"k":1}], "k":2}`, true, false, 27},
		{"same key in two objects", `[{"a":1},{"a":"{{x}}"}]`, false, false, 0},
		{"same key nested", `{"a":{"a":{{x}}}}`, false, false, 0},
		{"duplicate key in invalid json", `{"a":1,"a":}`, true, false, 11},
		{"invalid utf-8 in a string", "{\"a\":\"{{x}}\xff\"}", true, false, 11},
		{"invalid utf-8 after a placeholder", "{\"a\":{{x}}, \"b\":\"\u00e9\xe9\"}", true, false, 19},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := variables.Compile(tt.src, variables.JSON, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Compile(%q) error = %v, want error %v", tt.src, err, tt.wantErr)
			}
			if err == nil {
				return
			}
			if got := errors.Is(err, variables.ErrPlacement); got != tt.placed {
				t.Errorf("Compile(%q) error = %v, ErrPlacement %v, want %v", tt.src, err, got, tt.placed)
			}
			se, ok := errors.AsType[*variables.SyntaxError](err)
			if !ok {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if se.Offset != tt.offset {
				t.Errorf("Compile(%q) offset = %d, want %d (%v)", tt.src, se.Offset, tt.offset, err)
			}
		})
	}
}

func TestCompileHeaderLiteral(t *testing.T) {
	t.Parallel()
	_, err := variables.Compile("a\r\nb: {{x}}", variables.Header, nil)
	if !errors.Is(err, variables.ErrInvalidHeaderValue) {
		t.Errorf("error = %v, want ErrInvalidHeaderValue", err)
	}
	_, err = variables.Compile("{{x}} a\x00", variables.Header, nil)
	if se, ok := errors.AsType[*variables.SyntaxError](err); !ok || se.Offset != 5 {
		t.Errorf("error = %v, want *SyntaxError at 5", err)
	}
}

func TestNamesSingleSource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src        string
		names      []string
		single     string
		wantSingle bool
	}{
		{"{{ b }} {{a}} {{b|upper}} {{c}}", []string{"b", "a", "c"}, "", false},
		{"{{contact.email}}", []string{"contact.email"}, "contact.email", true},
		{"{{  orders.#  }}", []string{"orders.#"}, "orders.#", true},
		{" {{x}}", []string{"x"}, "", false},
		{"{{x}} ", []string{"x"}, "", false},
		{"{{x | upper}}", []string{"x"}, "", false},
		{"{{x}}{{x}}", []string{"x"}, "", false},
		{`{{"{{"}}`, nil, "", false},
		{"plain", nil, "", false},
	}
	for _, tt := range tests {
		tpl, err := variables.Compile(tt.src, variables.Text, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.names, tpl.Names()); diff != "" {
			t.Errorf("Names(%q) mismatch (-want +got):\n%s", tt.src, diff)
		}
		name, ok := tpl.Single()
		if name != tt.single || ok != tt.wantSingle {
			t.Errorf("Single(%q) = %q, %v, want %q, %v", tt.src, name, ok, tt.single, tt.wantSingle)
		}
		if tpl.Source() != tt.src || tpl.Target() != variables.Text {
			t.Errorf("Source/Target = %q %v", tpl.Source(), tpl.Target())
		}
	}
	// Names returns a copy.
	tpl, _ := variables.Compile("{{a}}", variables.Text, nil)
	tpl.Names()[0] = "changed"
	if tpl.Names()[0] != "a" {
		t.Error("Names returned the template's own slice")
	}
}

func TestTargetString(t *testing.T) {
	t.Parallel()
	got := []string{variables.Text.String(), variables.URL.String(), variables.Query.String(),
		variables.Header.String(), variables.JSON.String(), variables.Target(9).String()}
	want := []string{"text", "url", "query", "header", "json", "target(9)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestCompileLinear compiles long templates of many placeholders in one URL path segment, a
// shape whose layout was once quadratic (about 10 s for these sizes); linear work takes
// milliseconds.
func TestCompileLinear(t *testing.T) {
	t.Parallel()
	const n = 60000
	for _, src := range []string{
		"https://x.test/" + strings.Repeat("{{a}}", n),
		"/" + strings.Repeat("{{a}}", n) + "/x",
		"https://x.test/" + strings.Repeat("{{a}}.", n) + "/x",
		"https://x.test/" + strings.Repeat("{{a}}/", n),
	} {
		start := time.Now()
		if _, err := variables.Compile(src, variables.URL, nil); err != nil {
			t.Fatal(err)
		}
		limit := 3 * time.Second
		if raceEnabled {
			limit *= 10 // the race detector slows this down about tenfold; quadratic work takes minutes
		}
		if d := time.Since(start); d > limit {
			t.Errorf("Compile of %d bytes took %v", len(src), d)
		}
	}
}

func TestSegmentNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src    string
		target variables.Target
		want   []string
	}{
		{"https://api.example.com/customers/{{contact.email}}", variables.URL, []string{"contact.email"}},
		{"https://api.example.com/customers/{{contact.email}}/orders?x={{contact.id}}", variables.URL, []string{"contact.email"}},
		{"https://x.test/{{a}}/{{b}}/{{a}}#{{c}}", variables.URL, []string{"a", "b"}},
		{"https://x.test/{{ a | lower }}/", variables.URL, []string{"a"}},
		{"https://x.test/c/{{a | default:none}}", variables.URL, nil},
		{"https://x.test/c/{{a}}.json", variables.URL, nil},
		{"https://x.test/c/v{{a}}", variables.URL, nil},
		{"https://x.test/c/{{a}}{{b}}", variables.URL, nil},
		{"https://x.test/c/{{a}};v=1", variables.URL, nil},
		{"https://x.test/c%2F{{a}}", variables.URL, nil},
		{"https://x.test/c?email={{a}}", variables.URL, nil},
		{"/{{a}}/b", variables.URL, []string{"a"}},
		{"{{a}}", variables.Text, nil},
		{"{{a}}", variables.Query, nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			tmpl, err := variables.Compile(tt.src, tt.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tmpl.SegmentNames()); diff != "" {
				t.Errorf("SegmentNames() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
