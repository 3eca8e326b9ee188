package template

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// schemaChecker validates JSON values against the subset of JSON Schema
// that schema.json uses: $ref to #/$defs, type, const, enum, properties,
// required, additionalProperties (false or a schema), items, minItems,
// maxItems, minLength, maxLength, minimum, maximum, pattern and oneOf
// (exactly one branch must match). Unknown keywords fail the test, so
// the checker cannot silently ignore part of the schema.
type schemaChecker struct {
	root map[string]any
}

var annotations = []string{"$schema", "$id", "title", "description", "$defs"}

func (c *schemaChecker) check(s map[string]any, v any, at string) error {
	for k := range s {
		switch k {
		case "$ref", "type", "const", "enum", "properties", "required", "additionalProperties", "items",
			"minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "pattern", "oneOf":
		default:
			if !slices.Contains(annotations, k) {
				return fmt.Errorf("%s: schema keyword %q not supported by the test checker", at, k)
			}
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/$defs/")
		def, ok := c.root["$defs"].(map[string]any)[name].(map[string]any)
		if !found || !ok {
			return fmt.Errorf("%s: bad $ref %q", at, ref)
		}
		if err := c.check(def, v, at); err != nil {
			return err
		}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return hasType(v, t) }) {
			return fmt.Errorf("%s: want type %v, got %T", at, types, v)
		}
	}
	if cv, ok := s["const"]; ok && !jsonEqual(cv, v) {
		return fmt.Errorf("%s: want %v, got %v", at, cv, v)
	}
	if ev, ok := s["enum"].([]any); ok && !slices.ContainsFunc(ev, func(x any) bool { return jsonEqual(x, v) }) {
		return fmt.Errorf("%s: %v not in %v", at, v, ev)
	}
	if str, ok := v.(string); ok {
		if n, ok := s["minLength"].(float64); ok && float64(len([]rune(str))) < n {
			return fmt.Errorf("%s: shorter than %v", at, n)
		}
		if n, ok := s["maxLength"].(float64); ok && float64(len([]rune(str))) > n {
			return fmt.Errorf("%s: longer than %v", at, n)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", at, str, p)
		}
	}
	if num, ok := v.(float64); ok {
		if n, ok := s["minimum"].(float64); ok && num < n {
			return fmt.Errorf("%s: below %v", at, n)
		}
		if n, ok := s["maximum"].(float64); ok && num > n {
			return fmt.Errorf("%s: above %v", at, n)
		}
	}
	if arr, ok := v.([]any); ok {
		if n, ok := s["minItems"].(float64); ok && float64(len(arr)) < n {
			return fmt.Errorf("%s: fewer than %v items", at, n)
		}
		if n, ok := s["maxItems"].(float64); ok && float64(len(arr)) > n {
			return fmt.Errorf("%s: more than %v items", at, n)
		}
		if is, ok := s["items"].(map[string]any); ok {
			for i, x := range arr {
				if err := c.check(is, x, fmt.Sprintf("%s/%d", at, i)); err != nil {
					return err
				}
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := obj[r]; !ok {
				return fmt.Errorf("%s: missing %q", at, r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				if err := c.check(ps, obj[k], at+"/"+k); err != nil {
					return err
				}
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					return fmt.Errorf("%s: unexpected key %q", at, k)
				}
			case map[string]any:
				if err := c.check(ap, obj[k], at+"/"+k); err != nil {
					return err
				}
			}
		}
	}
	if branches, ok := s["oneOf"].([]any); ok {
		matched := 0
		var errs []string
		for _, b := range branches {
			if err := c.check(b.(map[string]any), v, at); err == nil {
				matched++
			} else {
				errs = append(errs, err.Error())
			}
		}
		if matched != 1 {
			return fmt.Errorf("%s: %d oneOf branches match (want 1): %s", at, matched, strings.Join(errs, "; "))
		}
	}
	return nil
}

func asList(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}

func hasType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	}
	return false
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func newSchemaChecker(t *testing.T) *schemaChecker {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(Schema(), &root); err != nil {
		t.Fatalf("Schema() is not JSON: %v", err)
	}
	return &schemaChecker{root: root}
}

func (c *schemaChecker) validate(def []byte) error {
	var v any
	if err := json.Unmarshal(def, &v); err != nil {
		return err
	}
	return c.check(c.root, v, "")
}

// TestSchemaAcceptsValidTemplates checks presets, suggestions and every
// template in testdata against the schema.
func TestSchemaAcceptsValidTemplates(t *testing.T) {
	c := newSchemaChecker(t)
	defs := map[string][]byte{}
	for _, p := range Presets() {
		defs["preset "+p.Name] = p.Template
		s, err := Suggest(p.Sample)
		if err != nil {
			t.Fatal(err)
		}
		defs["suggestion for "+p.Name] = s
	}
	files, _ := filepath.Glob("testdata/cases/*/template.json")
	sugg, _ := filepath.Glob("testdata/cases/*/data.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		defs[f] = b
	}
	for _, f := range sugg {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Suggest(b)
		if err != nil {
			t.Fatal(err)
		}
		defs["suggestion for "+f] = s
	}
	for name, def := range defs {
		if _, err := Parse(def); err != nil {
			t.Errorf("%s: Parse: %v", name, err)
		}
		if err := c.validate(def); err != nil {
			t.Errorf("%s: schema: %v", name, err)
		}
	}
}

// TestSchemaRejectsWhatParseRejects checks structural mistakes that both
// the schema and Parse must refuse.
func TestSchemaRejectsWhatParseRejects(t *testing.T) {
	c := newSchemaChecker(t)
	bad := []string{
		`{"version":2,"sections":[]}`,
		`{"version":1}`,
		`{"version":1,"sections":[],"x":1}`,
		`{"version":1,"sections":[{"type":"chart"}]}`,
		`{"version":1,"sections":[{"type":"divider","title":"x"}]}`,
		`{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"a"}]}]}`,
		`{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"a","value":"b","format":"money"}]}]}`,
		`{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"a","value":"b","format":{"type":"currency"}}]}]}`,
		`{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"a","value":"b","format":{"type":"date","unit":"h"}}]}]}`,
		`{"version":1,"sections":[{"type":"button","label":"a","url":"https://x.example/","style":"fancy"}]}`,
		`{"version":1,"sections":[{"type":"image","url":"https://x.example/a.png"}]}`,
		`{"version":1,"sections":[{"type":"repeat","path":"a","item":{"type":"divider"},"limit":0}]}`,
		`{"version":1,"sections":[{"type":"table","path":"a","columns":[]}]}`,
		`{"version":1,"sections":[{"type":"divider","when":{"path":"a","op":"eq"}}]}`,
		`{"version":1,"sections":[{"type":"divider","when":{"path":"a","op":"exists","value":1}}]}`,
		`{"version":1,"sections":[{"type":"divider","when":{"path":"a|b","op":"exists"}}]}`,
		`{"version":1,"sections":[{"type":"divider","when":{"all":[]}}]}`,
		`{"version":1,"sections":[{"type":"badge","value":"x","tones":{"a":"green"}}]}`,
	}
	for _, def := range bad {
		if err := c.validate([]byte(def)); err == nil {
			t.Errorf("schema accepts %s", def)
		}
		if _, err := Parse([]byte(def)); err == nil {
			t.Errorf("Parse accepts %s", def)
		}
	}
}

// TestSchemaMatchesParser checks that the schema lists exactly the keys
// Parse allows for each section type and format type.
func TestSchemaMatchesParser(t *testing.T) {
	c := newSchemaChecker(t)
	defs := c.root["$defs"].(map[string]any)
	keysOf := func(def string) map[string][]string {
		out := map[string][]string{}
		for _, b := range defs[def].(map[string]any)["oneOf"].([]any) {
			bm := b.(map[string]any)
			props, ok := bm["properties"].(map[string]any)
			if !ok {
				continue
			}
			typ := props["type"].(map[string]any)
			var names []string
			if cv, ok := typ["const"].(string); ok {
				names = []string{cv}
			}
			names = append(names, asList(typ["enum"])...)
			var keys []string
			for k := range props {
				if k != "type" && k != "when" {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, n := range names {
				out[n] = keys
			}
		}
		return out
	}
	for typ, keys := range keysOf("section") {
		want, ok := sectionKeys(typ)
		if !ok {
			t.Errorf("schema section type %q unknown to Parse", typ)
			continue
		}
		want = slices.Clone(want)
		sort.Strings(want)
		if !slices.Equal(keys, want) {
			t.Errorf("section %q: schema keys %v, Parse keys %v", typ, keys, want)
		}
	}
	for typ, keys := range keysOf("format") {
		want, ok := formatKeys(typ)
		if !ok {
			t.Errorf("schema format %q unknown to Parse", typ)
			continue
		}
		want = slices.Clone(want)
		sort.Strings(want)
		if !slices.Equal(keys, want) {
			t.Errorf("format %q: schema keys %v, Parse keys %v", typ, keys, want)
		}
	}
}
