package template_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/template"
)

func TestConditionMatch(t *testing.T) {
	t.Parallel()
	data := []byte(`{"contact": {"email": "ada@example.com", "attributes": {"plan": "vip", "spent": "1200"}},
		"conversation": {"status": "open", "labels": ["billing", "urgent"]}}`)
	tests := []struct {
		def  string
		want bool
	}{
		{`{"path": "contact.attributes.plan", "op": "eq", "value": "vip"}`, true},
		{`{"path": "contact.attributes.plan", "op": "eq", "value": "VIP"}`, false},
		{`{"path": "conversation.status", "op": "in", "value": ["open", "pending"]}`, true},
		{`{"path": "conversation.labels", "op": "contains", "value": "urgent"}`, true},
		{`{"path": "contact.email", "op": "exists"}`, true},
		{`{"path": "contact.phone_number", "op": "exists"}`, false},
		{`{"path": "contact.attributes.spent", "op": "gte", "value": 1000}`, true},
		{`{"all": [{"path": "contact.email", "op": "ends_with", "value": "@example.com"}, {"not": {"path": "conversation.status", "op": "eq", "value": "resolved"}}]}`, true},
		{`{"any": [{"path": "contact.attributes.plan", "op": "eq", "value": "free"}, {"path": "contact.email", "op": "matches", "value": "^bob@"}]}`, false},
	}
	for _, tt := range tests {
		c, err := template.ParseCondition([]byte(tt.def))
		if err != nil {
			t.Fatalf("ParseCondition(%s) = %v", tt.def, err)
		}
		got, err := c.Match(data)
		if err != nil || got != tt.want {
			t.Errorf("%s: Match = %v, %v; want %v", tt.def, got, err, tt.want)
		}
	}
}

func TestConditionProblemsArePointersIntoTheCondition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		def  string
		want []template.Problem
	}{
		{`{"all": [{"path": "a", "op": "eq"}, {"path": "", "op": "exists"}]}`, []template.Problem{
			{Path: "/all/0/value", Code: "missing_field"}, {Path: "/all/1/path", Code: "invalid_path"}}},
		{`{"path": "a", "op": "like", "value": 1}`, []template.Problem{{Path: "/op", Code: "unknown_op"}}},
		{`{"path": "$index", "op": "exists"}`, []template.Problem{{Path: "/path", Code: "invalid_path"}}},
		{`[]`, []template.Problem{{Path: "", Code: "invalid_type"}}},
		{`{"path": "a"`, []template.Problem{{Path: "", Code: "invalid_json"}}},
		{strings.Repeat(`{"not": `, 10) + `{"path": "a", "op": "exists"}` + strings.Repeat(`}`, 10), []template.Problem{
			{Path: strings.Repeat("/not", 8), Code: "too_deep"}}},
	}
	for _, tt := range tests {
		_, err := template.ParseCondition([]byte(tt.def))
		pe, ok := errors.AsType[*template.ParseError](err)
		if !ok {
			t.Fatalf("%s: error %v, want a *ParseError", tt.def, err)
		}
		if diff := cmp.Diff(tt.want, pe.Problems, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Message" }, cmp.Ignore())); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s", tt.def, diff)
		}
	}
}

func TestConditionPathsAndHostileData(t *testing.T) {
	t.Parallel()
	c, err := template.ParseCondition([]byte(`{"any": [{"path": "a.b", "op": "exists"}, {"not": {"path": "c", "op": "truthy"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []template.ConditionPath{{Pointer: "/any/0/path", Path: "a.b"}, {Pointer: "/any/1/not/path", Path: "c"}}
	if diff := cmp.Diff(want, c.Paths()); diff != "" {
		t.Errorf("Paths (-want +got):\n%s", diff)
	}
	for _, data := range []string{`not json`, strings.Repeat("[", 1000) + strings.Repeat("]", 1000), `{"a": ` + strings.Repeat(" ", 2<<20) + `1}`} {
		if ok, err := c.Match([]byte(data)); err == nil || ok {
			t.Errorf("Match(%.20q...) = %v, %v; want an error", data, ok, err)
		}
	}
}

func FuzzParseCondition(f *testing.F) {
	f.Add([]byte(`{"path": "a", "op": "eq", "value": 1}`), []byte(`{"a": 1}`))
	f.Add([]byte(`{"all": [{"path": "a", "op": "matches", "value": "x+"}]}`), []byte(`{"a": "xx"}`))
	f.Add([]byte(`{"not": {"path": "$root.a.#", "op": "gt", "value": "2"}}`), []byte(`[1]`))
	f.Fuzz(func(t *testing.T, def, data []byte) {
		c, err := template.ParseCondition(def)
		if err != nil {
			if _, ok := errors.AsType[*template.ParseError](err); !ok {
				t.Fatalf("error %T, want *ParseError", err)
			}
			return
		}
		a, errA := c.Match(data)
		b, errB := c.Match(data)
		if a != b || (errA == nil) != (errB == nil) {
			t.Fatalf("Match is not deterministic: %v/%v, %v/%v", a, b, errA, errB)
		}
	})
}
