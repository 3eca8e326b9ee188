package template_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/template"
)

type problemKey struct{ Code, Pointer string }

func problemKeys(t *testing.T, err error) []problemKey {
	t.Helper()
	pe, ok := errors.AsType[*template.ParseError](err)
	if !ok {
		t.Fatalf("error = %v (%T), want *template.ParseError", err, err)
	}
	var keys []problemKey
	for _, p := range pe.Problems {
		if p.Message == "" {
			t.Errorf("problem %+v has no message", p)
		}
		keys = append(keys, problemKey{p.Code, p.Path})
	}
	return keys
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		def  string
		want []problemKey
	}{
		{"not json", `{`, []problemKey{{"invalid_json", ""}}},
		{"not an object", `[]`, []problemKey{{"invalid_type", ""}}},
		{"missing everything", `{}`, []problemKey{{"missing_field", "/version"}, {"missing_field", "/sections"}}},
		{"version 2", `{"version":2,"sections":[]}`, []problemKey{{"unsupported_version", "/version"}}},
		{"unknown top key", `{"version":1,"sections":[],"style":"x"}`, []problemKey{{"unknown_key", "/style"}}},
		{"duplicate key", `{"version":1,"version":1,"sections":[]}`, []problemKey{{"duplicate_key", "/version"}}},
		{"unknown section type", `{"version":1,"sections":[{"type":"chart"}]}`, []problemKey{{"unknown_section_type", "/sections/0/type"}}},
		{"section without type", `{"version":1,"sections":[{"title":"x"}]}`, []problemKey{{"missing_field", "/sections/0/type"}}},
		{"unknown section key", `{"version":1,"sections":[{"type":"divider","color":"red"}]}`, []problemKey{{"unknown_key", "/sections/0/color"}}},
		{
			"many problems at once",
			`{"version":1,"sections":[
				{"type":"keyvalue","items":[{"label":"A","value":"{{a}}","format":{"type":"money"}}]},
				{"type":"keyvalue","items":[{"label":"B","value":"{{b | nope}}"},{"label":"C","value":"{{c.*}}"}]},
				{"type":"text"},
				{"type":"keyvalue","items":[{"label":"D","value":"{{d}}","format":{"type":"date","layout":"x"}}]}]}`,
			[]problemKey{
				{"unknown_format", "/sections/0/items/0/format/type"},
				{"invalid_binding", "/sections/1/items/0/value"},
				{"invalid_path", "/sections/1/items/1/value"},
				{"missing_field", "/sections/2/text"},
				{"unknown_key", "/sections/3/items/0/format/layout"},
			},
		},
		{"modifier", `{"version":1,"sections":[{"type":"text","text":"{{@reverse}}"}]}`, []problemKey{{"invalid_path", "/sections/0/text"}}},
		{"multipath", `{"version":1,"sections":[{"type":"text","text":"{{[a,b]}}"}]}`, []problemKey{{"invalid_path", "/sections/0/text"}}},
		{"query", `{"version":1,"sections":[{"type":"table","path":"orders.#(total>10)#","columns":[{"label":"x","value":"{{id}}"}]}]}`, []problemKey{{"invalid_path", "/sections/0/path"}}},
		{"long path", `{"version":1,"sections":[{"type":"text","text":"{{` + strings.Repeat("a.", 200) + `a}}"}]}`, []problemKey{{"invalid_path", "/sections/0/text"}}},
		{"index outside repeat", `{"version":1,"sections":[{"type":"text","text":"{{$index}}"}]}`, []problemKey{{"invalid_path", "/sections/0/text"}}},
		{"unknown name", `{"version":1,"sections":[{"type":"text","text":"{{$parent.x}}"}]}`, []problemKey{{"invalid_path", "/sections/0/text"}}},
		{"bad currency", `{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"A","value":"{{a}}","format":{"type":"currency","currency":"XYZ"}}]}]}`, []problemKey{{"invalid_currency", "/sections/0/items/0/format/currency"}}},
		{"bad tone", `{"version":1,"sections":[{"type":"badge","value":"{{s}}","tones":{"ok":"green"}}]}`, []problemKey{{"invalid_tone", "/sections/0/tones/ok"}}},
		{"javascript button", `{"version":1,"sections":[{"type":"button","label":"x","url":"javascript:alert(1)"}]}`, []problemKey{{"unsafe_url", "/sections/0/url"}}},
		{"host from binding", `{"version":1,"sections":[{"type":"link","url":"https://{{host}}/x"}]}`, []problemKey{{"unsafe_url", "/sections/0/url"}}},
		{"host suffix from binding", `{"version":1,"sections":[{"type":"link","url":"https://crm.example.com{{path}}"}]}`, []problemKey{{"unsafe_url", "/sections/0/url"}}},
		{"scheme from binding", `{"version":1,"sections":[{"type":"link","url":"{{scheme}}://crm.example.com/"}]}`, []problemKey{{"unsafe_url", "/sections/0/url"}}},
		{"protocol relative", `{"version":1,"sections":[{"type":"link","url":"//evil.example/{{id}}"}]}`, []problemKey{{"unsafe_url", "/sections/0/url"}}},
		{"http image", `{"version":1,"sections":[{"type":"image","url":"http://img.example.com/a.png","alt":"a"}]}`, []problemKey{{"unsafe_url", "/sections/0/url"}}},
		{"image without alt", `{"version":1,"sections":[{"type":"image","url":"https://img.example.com/a.png"}]}`, []problemKey{{"missing_field", "/sections/0/alt"}}},
		{"bad regexp", `{"version":1,"sections":[{"type":"divider","when":{"path":"a","op":"matches","value":"("}}]}`, []problemKey{{"invalid_regexp", "/sections/0/when/value"}}},
		{"unknown op", `{"version":1,"sections":[{"type":"divider","when":{"path":"a","op":"like","value":"x"}}]}`, []problemKey{{"unknown_op", "/sections/0/when/op"}}},
		{"op without value", `{"version":1,"sections":[{"type":"divider","when":{"path":"a","op":"eq"}}]}`, []problemKey{{"missing_field", "/sections/0/when/value"}}},
		{"nested condition", `{"version":1,"sections":[{"type":"divider","when":{"all":[{"path":"a","op":"exists"},{"not":{"path":"b.@x","op":"exists"}}]}}]}`, []problemKey{{"invalid_path", "/sections/0/when/all/1/not/path"}}},
		{"limit too big", `{"version":1,"sections":[{"type":"repeat","path":"a","limit":5000,"item":{"type":"divider"}}]}`, []problemKey{{"out_of_range", "/sections/0/limit"}}},
		{"pointer escaping", `{"version":1,"sections":[{"type":"divider","a/b~c":1}]}`, []problemKey{{"unknown_key", "/sections/0/a~1b~0c"}}},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), []problemKey{{"too_deep", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tp, err := template.Parse([]byte(tt.def))
			if err == nil {
				t.Fatalf("Parse succeeded (%v), want problems %v", tp, tt.want)
			}
			if diff := cmp.Diff(tt.want, problemKeys(t, err)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	defs := []string{
		`{"version":1,"sections":[]}`,
		`{"version":1,"sections":[{"type":"separator"},{"type":"text","text":"literal {{\"{{\"}} braces","style":"muted"}]}`,
		`{"version":1,"sections":[{"type":"link","url":"{{website}}","label":"Website"},{"type":"link","url":"mailto:{{email}}"}]}`,
		`{"version":1,"sections":[{"type":"repeat","path":"$root.orders","item":{"type":"text","text":"{{$number}}. {{id}} of {{$root.meta.count}}"}}]}`,
		`{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"n","value":"{{a.b.0.c}}","format":"number"},{"label":"c","value":"{{orders.#}}"},{"label":"ids","value":"{{orders.#.id}}"},{"label":"dotted","value":"{{first\\.name}}"}]}]}`,
	}
	for _, d := range defs {
		if _, err := template.Parse([]byte(d)); err != nil {
			t.Errorf("Parse(%s) = %v", d, err)
		}
	}
}
