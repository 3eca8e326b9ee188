package template_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/template"
)

// addSeedFiles adds the files matching pattern as seeds, except large
// ones (the 200-row fixture), which make minimization slow. They are
// left out of the corpus here, not skipped inside the fuzz function, so
// `go test -v` shows no SKIP lines for them.
func addSeedFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) <= 8<<10 {
			f.Add(b)
		}
	}
}

// FuzzParse checks that Parse never panics, reports problems in the
// documented shape, and that whatever it accepts renders safely.
func FuzzParse(f *testing.F) {
	for _, p := range template.Presets() {
		f.Add([]byte(p.Template))
	}
	addSeedFiles(f, "testdata/cases/*/template.json")
	f.Add([]byte(allSectionsTemplate))
	f.Add([]byte(`{"version":1,"sections":[{"type":"link","url":"https://x.example/{{a}}?q={{b|upper}}","when":{"any":[{"path":"a","op":"matches","value":"^x+$"},{"not":{"path":"$root.b","op":"in","value":[1,"2",null]}}]}}]}`))
	f.Add([]byte(`{"version":1,"sections":[{"type":"repeat","path":"a","item":{"type":"text","text":"{{$index}} {{$number}} {{$this}} {{\"{{\"}}"}}]}`))
	f.Fuzz(func(t *testing.T, def []byte) {
		tp, err := template.Parse(def)
		if err != nil {
			pe, ok := errors.AsType[*template.ParseError](err)
			if !ok {
				t.Fatalf("error %T, want *ParseError", err)
			}
			if len(pe.Problems) == 0 || len(pe.Problems) > template.MaxProblems {
				t.Fatalf("%d problems", len(pe.Problems))
			}
			for _, p := range pe.Problems {
				if p.Code == "" || p.Message == "" || (p.Path != "" && !strings.HasPrefix(p.Path, "/")) {
					t.Fatalf("malformed problem %+v", p)
				}
			}
			return
		}
		for _, data := range []string{`{}`, `{"a":[{"b":"javascript:alert(1)"}],"id":"\u202e<b>"}`, `[1,2,3]`} {
			out, err := tp.Render([]byte(data), &template.RenderOptions{MaxNodes: 500, MaxTextLength: 200})
			if err != nil {
				t.Fatalf("Render(%s): %v", data, err)
			}
			checkOutput(t, out, 500, 200)
		}
	})
}

// fuzzTemplates are rendered against fuzzed data.
func fuzzTemplates(t testing.TB) []*template.Template {
	var out []*template.Template
	for _, p := range template.Presets() {
		out = append(out, mustParse(t, string(p.Template)))
	}
	out = append(out, mustParse(t, allSectionsTemplate))
	out = append(out, mustParse(t, `{"version":1,"sections":[{"type":"keyvalue","items":[
		{"label":"n","value":"{{s}}","format":{"type":"number","compact":true}},
		{"label":"c","value":"{{s}}","format":{"type":"currency","currency":"{{cur}}","minor_units":true}},
		{"label":"c2","value":"{{s}} {{cur}}","format":{"type":"currency","currency":"{{cur | upper}}","compact":true}},
		{"label":"p","value":"{{s}}","format":"percent"},
		{"label":"d","value":"{{s}}","format":"datetime"},
		{"label":"r","value":"{{s}}","format":"relative"},
		{"label":"u","value":"{{s}}","format":"duration"},
		{"label":"b","value":"{{s}}","format":"boolean"},
		{"label":"l","value":"{{s}}","format":"link"},
		{"label":"e","value":"{{s}}","format":"email"},
		{"label":"t","value":"{{s}}","format":"phone"},
		{"label":"w","value":"{{s}}","when":{"any":[{"path":"s","op":"gt","value":1},{"path":"s","op":"contains","value":"a"},{"path":"s","op":"matches","value":"^[0-9]+$"}]}}]},
		{"type":"table","path":"rows","limit":50,"columns":[{"label":"a","value":"{{a}}","format":"number"},{"label":"b","value":"{{b.c}}"},{"label":"i","value":"{{$number}}"}]},
		{"type":"repeat","path":"$root.rows","item":{"type":"link","url":"{{url}}","label":"{{a}}"}}]}`))
	return out
}

// FuzzRender checks that Render never panics on any data, that its output
// stays within the limits, carries no control or bidi characters in text,
// no URL outside the allow-list, and encodes as JSON.
func FuzzRender(f *testing.F) {
	for _, p := range template.Presets() {
		f.Add([]byte(p.Sample))
	}
	addSeedFiles(f, "testdata/cases/*/data.json")
	f.Add([]byte(`{"s":"12345678901234567890.5","cur":"jpy","rows":[{"a":1e400,"b":{"c":"\u202ex"},"url":"java\tscript:x"}]}`))
	f.Add([]byte(`{"s":1705329000,"rows":[{"url":"https://ok.example/"},{"url":"//evil"}]}`))
	f.Add([]byte(`{"s":"` + strings.Repeat("\\u0000", 10) + `","rows":[[[[[]]]]]}`))
	f.Add([]byte("{\"s\":\"\xff\xfe\",\"rows\":[]}"))
	f.Add([]byte(`{"s":"tel:javascript:alert(1)","rows":[{"url":"https://é.example/\"><b>"},{"url":"mailto:a@b.example?subject=%0D%0Ax"},{"url":"https://a\uff0fb"}]}`))
	f.Add([]byte(`{"rows":[{"url":"https://long.example/` + strings.Repeat("p", 150) + `"}]}`)) // link text = URL, over MaxTextLength
	f.Add([]byte(`{"s":"x\u200by\u2060\udb40\udc41","cur":"usd","rows":[{"a":"` + strings.Repeat("9", 3000) + `"}]}`))
	tps := fuzzTemplates(f)
	opts := &template.RenderOptions{MaxNodes: 300, MaxTextLength: 100, MaxRepeatItems: 20, MaxDepth: 32, Now: goldenNow}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, tp := range tps {
			out, err := tp.Render(data, opts)
			if err != nil {
				if !errors.Is(err, template.ErrInvalidJSON) && !errors.Is(err, template.ErrTooDeep) && !errors.Is(err, template.ErrTooLarge) {
					t.Fatalf("unexpected error %v", err)
				}
				if json.Valid(data) && errors.Is(err, template.ErrInvalidJSON) {
					t.Fatalf("valid JSON rejected as invalid: %q", data)
				}
				continue
			}
			if !json.Valid(data) {
				t.Fatalf("invalid JSON accepted: %q", data)
			}
			checkOutput(t, out, opts.MaxNodes, opts.MaxTextLength)
		}
	})
}

// countNodes counts ns as RenderOptions.MaxNodes does: each node, each
// key-value item and each table cell, children included.
func countNodes(ns []template.Node) int {
	n := 0
	for _, nd := range ns {
		n += 1 + len(nd.Items) + len(nd.Rows)*len(nd.Columns) + countNodes(nd.Children)
	}
	return n
}

// checkOutput asserts the output properties every render must have.
func checkOutput(t *testing.T, out *template.Output, maxNodes, maxText int) {
	t.Helper()
	if nodes := countNodes(out.Nodes); nodes > maxNodes {
		t.Fatalf("%d nodes, limit %d", nodes, maxNodes)
	}
	walkOutput(out, func(s string) {
		if len(s) > maxText+len("…") {
			t.Fatalf("text of %d bytes, limit %d", len(s), maxText)
		}
		if !utf8.ValidString(s) || badText(s, true) {
			t.Fatalf("bad text %q", s)
		}
	}, func(h string) {
		if !safeHref(h) {
			t.Fatalf("unsafe href %q", h)
		}
	})
	if len(out.Diagnostics) > template.MaxDiagnostics+1 {
		t.Fatalf("%d diagnostics", len(out.Diagnostics))
	}
	if _, err := json.Marshal(out); err != nil {
		t.Fatalf("output does not encode: %v", err)
	}
}

// FuzzSuggest checks that every suggestion parses and renders its own sample, whatever the
// sample's shape.
func FuzzSuggest(f *testing.F) {
	for _, s := range []string{
		`{"object":"list","data":[{"id":"in_1","amount_due":1500,"currency":"usd","lines":{"object":"list","data":[{"amount":5}]}}]}`,
		`{"data":{"orders":{"nodes":[{"name":"#1","totalPriceSet":{"shopMoney":{"amount":"1.50","currencyCode":"CAD"}}}]}}}`,
		`[{"a":null},{"a":null}]`, `{"results":[]}`, `{"items":[[1]]}`, `{"x":{"data":[{"y":{"data":[{"z":1}]}}]}}`,
		`{"created_at":"n/a","days_until_due":3,"fee_percent":0.5,"cents":1}`, `{"properties":{"email":"a@b.co"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, sample []byte) {
		def, err := template.Suggest(sample)
		if err != nil {
			if !errors.Is(err, template.ErrInvalidJSON) && !errors.Is(err, template.ErrTooDeep) && !errors.Is(err, template.ErrTooLarge) {
				t.Fatalf("Suggest(%s): %v", sample, err)
			}
			return
		}
		tp, err := template.Parse(def)
		if err != nil {
			t.Fatalf("Parse(Suggest(%s)): %v\n%s", sample, err, def)
		}
		if _, err := tp.Render(sample, nil); err != nil {
			t.Fatalf("Render(%s): %v", sample, err)
		}
	})
}
