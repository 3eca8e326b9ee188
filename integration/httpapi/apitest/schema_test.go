package apitest_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compile fetches the JSON Schema the API serves at path and compiles it with an independent
// JSON Schema 2020-12 implementation (santhosh-tekuri/jsonschema), which also checks it
// against the draft's meta-schema.
func compile(t *testing.T, w *world, path string) *jsonschema.Schema {
	t.Helper()
	b := w.call("agent", "GET", path, "", 200, nil)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("https://inboxkit.test"+path, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("https://inboxkit.test" + path)
	if err != nil {
		t.Fatalf("%s does not compile: %v", path, err)
	}
	return s
}

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestIntegrationSchema checks the form schema against integrations the API accepts and
// refuses.
func TestIntegrationSchema(t *testing.T) {
	w := newWorld(t)
	s := compile(t, w, "/schemas/integration.json")
	valid := []string{
		`{"name": "CRM", "url": "https://api.mycrm.com/customers?email={{contact.email}}", "cache_minutes": 15}`,
		`{"name": "Client Info", "description": "From the order system", "method": "POST", "url": "https://translayte.com/api/v1/clients",
		  "headers": [{"name": "Authorization", "value": "Bearer x", "secret": true}], "query": [{"name": "a", "value": "{{contact.id}}"}],
		  "body": "{\"email\": \"{{contact.email}}\"}", "cache_minutes": 30, "active": true, "timeout_ms": 5000,
		  "required_variables": ["contact.email"], "secrets": [{"name": "token", "value": "s3cr3t"}],
		  "display": {"enabled": true, "template": {"version": 1, "sections": []}}, "version": 3}`,
	}
	for _, v := range valid {
		if err := s.Validate(decode(t, v)); err != nil {
			t.Errorf("the schema refuses %s: %v", v, err)
		}
		var created map[string]any
		w.call("admin", "POST", "/integrations", v, 201, &created)
		// What the API answers is itself a valid form.
		delete(created, "created_at")
		delete(created, "updated_at")
		b, _ := json.Marshal(created)
		if err := s.Validate(decode(t, string(b))); err != nil {
			t.Errorf("the schema refuses the API's own answer %s: %v", b, err)
		}
	}
	for _, v := range []string{
		`{"name": "x", "url": "https://x.test/", "colour": "red"}`,
		`{"name": "x", "url": "https://x.test/", "cache_minutes": 5000}`,
		`{"name": "x", "url": "https://x.test/", "method": "TRACE"}`,
		`{"name": "x", "url": "https://x.test/", "headers": [{"name": "A", "value": "b", "sealed": "k.AAAA"}]}`,
		`{"url": "https://x.test/"}`,
	} {
		if err := s.Validate(decode(t, v)); err == nil {
			t.Errorf("the schema accepts %s", v)
		}
	}
}

// TestTemplateSchema checks the template schema compiles and accepts every preset.
func TestTemplateSchema(t *testing.T) {
	w := newWorld(t)
	s := compile(t, w, "/schemas/template.json")
	var presets struct {
		Presets []struct {
			Name     string
			Template json.RawMessage
		}
	}
	w.call("agent", "GET", "/templates/presets", "", 200, &presets)
	for _, p := range presets.Presets {
		if err := s.Validate(decode(t, string(p.Template))); err != nil {
			t.Errorf("preset %s does not match the template schema: %v", p.Name, err)
		}
	}
	if err := s.Validate(decode(t, `{"version": 1, "sections": [{"type": "nope"}]}`)); err == nil {
		t.Error("the template schema accepts an unknown section type")
	}
}
