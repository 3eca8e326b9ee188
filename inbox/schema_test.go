package inbox_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/inbox"
)

// schemaObject is the part of a JSON Schema object definition the tests read.
type schemaObject struct {
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
}

func loadSchema(t *testing.T) (root schemaObject, defs map[string]schemaObject) {
	t.Helper()
	var s struct {
		schemaObject
		Defs map[string]schemaObject `json:"$defs"`
	}
	if err := json.Unmarshal(inbox.SourceSchema(), &s); err != nil {
		t.Fatalf("SourceSchema is not JSON: %v", err)
	}
	return s.schemaObject, s.Defs
}

// jsonFields returns a struct's JSON keys and those without omitempty.
func jsonFields(typ reflect.Type) (keys, required []string) {
	for f := range typ.Fields() {
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		keys = append(keys, name)
		if !strings.Contains(opts, "omitempty") {
			required = append(required, name)
		}
	}
	slices.Sort(keys)
	slices.Sort(required)
	return keys, required
}

// TestSourceSchemaMatchesJSONTags: every stored struct's properties in the
// schema are exactly its json tags, and the required ones exactly the tags
// without omitempty, so the schema cannot drift from the Go types.
func TestSourceSchemaMatchesJSONTags(t *testing.T) {
	root, defs := loadSchema(t)
	for _, tt := range []struct {
		typ    reflect.Type
		schema schemaObject
	}{
		{reflect.TypeFor[inbox.Source](), root},
		{reflect.TypeFor[inbox.Mapping](), defs["mapping"]},
		{reflect.TypeFor[inbox.EventType](), defs["event_type"]},
	} {
		keys, required := jsonFields(tt.typ)
		var props []string
		for k := range tt.schema.Properties {
			props = append(props, k)
		}
		slices.Sort(props)
		if diff := cmp.Diff(keys, props); diff != "" {
			t.Errorf("%v: schema properties mismatch (-json tags +schema):\n%s", tt.typ, diff)
		}
		req := slices.Sorted(slices.Values(tt.schema.Required))
		if diff := cmp.Diff(required, req); diff != "" {
			t.Errorf("%v: schema required mismatch (-tags without omitempty +schema):\n%s", tt.typ, diff)
		}
		for _, k := range keys {
			if k != strings.ToLower(k) || strings.Contains(k, "-") {
				t.Errorf("%v: json key %q is not snake_case", tt.typ, k)
			}
		}
	}
}

// validSources are sources a host may store, covering every field.
func validSources() map[string]inbox.Source {
	full := chatSource(nil)
	full.MaxBodyBytes, full.MaxDepth = 64<<10, 16
	full.Mapping.AttachmentURL, full.Mapping.AttachmentName, full.Mapping.AttachmentType = "href", "filename", "mime"
	full.Events["note.added"] = inbox.EventType{Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant, Visibility: inbox.BusinessOnly}
	return map[string]inbox.Source{
		"chat":           chatSource(nil),
		"full":           full,
		"shop":           shopSource(nil),
		"shop-key-paths": shopSource(nil, "order.id", "order.status"),
		"sms":            smsSource(nil),
	}
}

// TestSourceJSONStrictRoundTrip: a valid source's encoding decodes with
// DisallowUnknownFields into an equal source that compiles, and carries no
// secret.
func TestSourceJSONStrictRoundTrip(t *testing.T) {
	sw, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range validSources() {
		t.Run(name, func(t *testing.T) {
			src.Verifier = sw
			b, err := json.Marshal(src)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(strings.TrimPrefix(testSecret, "whsec_"))) || bytes.Contains(b, []byte("verifier")) {
				t.Errorf("JSON encoding %s carries the verifier", b)
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			var back inbox.Source
			if err := dec.Decode(&back); err != nil {
				t.Fatalf("strict decode of %s: %v", b, err)
			}
			src.Verifier = nil
			if diff := cmp.Diff(src, back); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s", diff)
			}
			if _, err := inbox.NewDecoder(back); err != nil {
				t.Errorf("decoded source does not compile: %v", err)
			}
		})
	}
}

// TestSourceSchemaOracle validates encodings against the schema with an
// independent draft 2020-12 validator (Python's jsonschema): every valid
// source passes, and each deliberately wrong document is refused.
func TestSourceSchemaOracle(t *testing.T) {
	t.Parallel()
	if err := exec.Command("python3", "-c", "import jsonschema").Run(); err != nil {
		t.Skip("python3 with the jsonschema package is not installed")
	}
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(schema, inbox.SourceSchema(), 0o644); err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for name, src := range validSources() {
		b, err := json.Marshal(src)
		if err != nil {
			t.Fatal(err)
		}
		docs["valid-"+name] = string(b)
	}
	good, err := json.Marshal(chatSource(nil))
	if err != nil {
		t.Fatal(err)
	}
	invalid := map[string]func(m map[string]any){
		"camel case key": func(m map[string]any) {
			m["deliveryIdHeader"] = m["delivery_id_header"]
			delete(m, "delivery_id_header")
		},
		"no email or phone": func(m map[string]any) { delete(m["mapping"].(map[string]any), "email") },
		"calling code plus": func(m map[string]any) { m["default_calling_code"] = "+44" },
		"minimal direction": func(m map[string]any) {
			m["events"].(map[string]any)["x"] = map[string]any{"kind": "MINIMAL", "text": "t", "direction": "BUSINESS_TO_PARTICIPANT"}
		},
		"lower-case kind":   func(m map[string]any) { m["events"].(map[string]any)["x"] = map[string]any{"kind": "basic"} },
		"minimal no text":   func(m map[string]any) { m["events"].(map[string]any)["x"] = map[string]any{"kind": "MINIMAL"} },
		"unknown direction": func(m map[string]any) { m["mapping"].(map[string]any)["directions"] = map[string]any{"in": "INBOUND"} },
		"modifier":          func(m map[string]any) { m["mapping"].(map[string]any)["email"] = "data|@reverse" },
		"secret field":      func(m map[string]any) { m["verifier"] = map[string]any{"secrets": []string{"whsec_x"}} },
		"bad name":          func(m map[string]any) { m["name"] = "chat tool" },
		"negative cap":      func(m map[string]any) { m["max_body_bytes"] = -1 },
		"no events":         func(m map[string]any) { m["events"] = map[string]any{} },
	}
	for name, mod := range invalid {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		mod(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		docs["invalid-"+name] = string(b)
	}
	docsFile := filepath.Join(dir, "docs.json")
	b, err := json.Marshal(docs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(docsFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
for name, doc in sorted(json.load(open(sys.argv[2])).items()):
    print(name, "valid" if v.is_valid(json.loads(doc)) else "invalid")
`
	out, err := exec.Command("python3", "-c", script, schema, docsFile).CombinedOutput()
	if err != nil {
		t.Fatalf("validator: %v\n%s", err, out)
	}
	var want []string
	for name := range docs {
		verdict := "valid"
		if strings.HasPrefix(name, "invalid-") {
			verdict = "invalid"
		}
		want = append(want, name+" "+verdict)
	}
	slices.Sort(want)
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schema verdicts mismatch (-want +got):\n%s", diff)
	}
}
