package integration_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration"
)

func valid() *integration.Integration {
	return &integration.Integration{Name: "CRM", URL: "https://crm.example.com/c?email={{contact.email}}", Active: true}
}

type pathCode struct{ Path, Code string }

func problems(t *testing.T, in *integration.Integration) []pathCode {
	t.Helper()
	err := in.Validate()
	if err == nil {
		return nil
	}
	ve, ok := errors.AsType[*integration.ValidationError](err)
	if !ok {
		t.Fatalf("Validate = %v (%T), want *ValidationError", err, err)
	}
	var out []pathCode
	for _, p := range ve.Problems {
		if p.Message == "" {
			t.Errorf("problem %s/%s has no message", p.Path, p.Code)
		}
		out = append(out, pathCode{p.Path, p.Code})
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(in *integration.Integration)
		want []pathCode
	}{
		{"valid", func(*integration.Integration) {}, nil},
		{"every supported variable", func(in *integration.Integration) {
			in.URL = "https://x.example.com/{{contact.id}}/{{conversation.id}}/{{inbox.id}}?n={{contact.name}}&p={{contact.phone_number}}"
			in.Query = []integration.QueryParam{{Name: "s", Value: "{{conversation.subject}} {{inbox.name}} {{contact.attributes.tier}}"}}
			in.Headers = []integration.Header{{Name: "Authorization", Value: "Bearer {{secret.token}}"}}
			in.Secrets = []integration.Secret{{Name: "token", Value: "t"}}
			in.Method, in.Body = "PATCH", `{"a":"{{contact.email | lower}}","b":{{contact.attributes.count}}}`
			in.RequiredVariables = []string{"contact.email", "contact.attributes.tier"}
		}, nil},
		{"empty", func(in *integration.Integration) { *in = integration.Integration{} }, []pathCode{
			{"/name", "required"}, {"/url", "required"},
		}},
		{"bad method", func(in *integration.Integration) { in.Method = "get" }, []pathCode{{"/method", "bad_method"}}},
		{"body on GET", func(in *integration.Integration) { in.Body = `{}` }, []pathCode{{"/body", "body_not_allowed"}}},
		{"body on DELETE", func(in *integration.Integration) { in.Method, in.Body = "DELETE", `{}` }, []pathCode{{"/body", "body_not_allowed"}}},
		{"invalid JSON body", func(in *integration.Integration) { in.Method, in.Body = "POST", `{"a":` }, []pathCode{{"/body", "syntax"}}},
		{"ftp URL", func(in *integration.Integration) { in.URL = "ftp://x.example.com/" }, []pathCode{{"/url", "bad_url"}}},
		{"relative URL", func(in *integration.Integration) { in.URL = "/customers" }, []pathCode{{"/url", "bad_url"}}},
		{"javascript URL", func(in *integration.Integration) { in.URL = "javascript:alert(1)" }, []pathCode{{"/url", "bad_url"}}},
		{"URL without host", func(in *integration.Integration) { in.URL = "https:///x" }, []pathCode{{"/url", "bad_url"}}},
		{"URL with credentials", func(in *integration.Integration) { in.URL = "https://u:p@x.example.com/" }, []pathCode{{"/url", "bad_url"}}},
		{"placeholder in host", func(in *integration.Integration) { in.URL = "https://{{contact.name}}.example.com/" }, []pathCode{{"/url", "placement"}}},
		{"cache too long", func(in *integration.Integration) { in.CacheMinutes = 1441 }, []pathCode{{"/cache_minutes", "out_of_range"}}},
		{"cache negative", func(in *integration.Integration) { in.CacheMinutes = -1 }, []pathCode{{"/cache_minutes", "out_of_range"}}},
		{"cache max", func(in *integration.Integration) { in.CacheMinutes = 1440 }, nil},
		{"timeout too long", func(in *integration.Integration) { in.Timeout = time.Hour }, []pathCode{{"/timeout_ms", "out_of_range"}}},
		{"unknown variable in URL", func(in *integration.Integration) { in.URL = "https://x.example.com/{{contact.phone}}" }, []pathCode{{"/url", "unknown_variable"}}},
		{"case matters", func(in *integration.Integration) { in.URL = "https://x.example.com/{{Contact.Email}}" }, []pathCode{{"/url", "unknown_variable"}}},
		{"bare attributes prefix", func(in *integration.Integration) { in.URL = "https://x.example.com/{{contact.attributes.}}" }, []pathCode{{"/url", "unknown_variable"}}},
		{"secret in URL", func(in *integration.Integration) {
			in.URL = "https://x.example.com/?k={{secret.token}}"
			in.Secrets = []integration.Secret{{Name: "token", Value: "t"}}
		}, []pathCode{{"/url", "header_only"}}},
		{"secret in query", func(in *integration.Integration) {
			in.Query = []integration.QueryParam{{Name: "k", Value: "{{secret.token}}"}}
			in.Secrets = []integration.Secret{{Name: "token", Value: "t"}}
		}, []pathCode{{"/query/0/value", "header_only"}}},
		{"secret in body", func(in *integration.Integration) {
			in.Method, in.Body = "POST", `{"k":"{{secret.token}}"}`
			in.Secrets = []integration.Secret{{Name: "token", Value: "t"}}
		}, []pathCode{{"/body", "header_only"}}},
		{"undefined secret", func(in *integration.Integration) {
			in.Headers = []integration.Header{{Name: "X-Key", Value: "{{secret.nope}}"}}
		}, []pathCode{{"/headers/0/value", "undefined_secret"}}},
		{"header problems", func(in *integration.Integration) {
			in.Headers = []integration.Header{
				{Name: "Accept", Value: "application/json"},
				{Name: "Bad Name", Value: "x"},
				{Name: "X-Who", Value: "{{contact.nickname}}"},
				{Name: "Host", Value: "evil.example.com"},
				{Name: "Authorization", Secret: true},
				{Name: "X-Broken", Value: "{{contact.email"},
			}
		}, []pathCode{
			{"/headers/1/name", "invalid"}, {"/headers/2/value", "unknown_variable"}, {"/headers/3/name", "invalid"},
			{"/headers/4/value", "required"}, {"/headers/5/value", "syntax"},
		}},
		{"query problems", func(in *integration.Integration) {
			in.Query = []integration.QueryParam{{Name: "", Value: "x"}, {Name: "q", Value: "{{nope}}"}}
		}, []pathCode{{"/query/0/name", "required"}, {"/query/1/value", "unknown_variable"}}},
		{"secret problems", func(in *integration.Integration) {
			in.Secrets = []integration.Secret{{Name: "a b", Value: "x"}, {Name: "t", Value: "1"}, {Name: "t", Value: "2"}, {Name: "e"}}
		}, []pathCode{{"/secrets/0/name", "invalid"}, {"/secrets/2/name", "duplicate"}, {"/secrets/3/value", "required"}}},
		{"placeholder in a secret header", func(in *integration.Integration) {
			in.Headers = []integration.Header{{Name: "Authorization", Value: "Bearer {{secret.token}}", Secret: true}}
			in.Secrets = []integration.Secret{{Name: "token", Value: "t"}}
		}, []pathCode{{"/headers/0/value", "invalid"}}},
		{"secret value with a line break", func(in *integration.Integration) {
			in.Headers = []integration.Header{{Name: "X-Key", Value: "{{secret.k}}"}}
			in.Secrets = []integration.Secret{{Name: "k", Value: "abc\r\nX-Injected: 1"}}
		}, []pathCode{{"/secrets/0/value", "invalid"}}},
		{"required variables", func(in *integration.Integration) {
			in.RequiredVariables = []string{"contact.email", "secret.token", "order.id"}
		}, []pathCode{{"/required_variables/1", "unknown_variable"}, {"/required_variables/2", "unknown_variable"}}},
		{"display enabled without template", func(in *integration.Integration) { in.Display.Enabled = true }, []pathCode{{"/display/template", "required"}}},
		{"display off without template", func(in *integration.Integration) { in.Display.Enabled = false }, nil},
		{"disabled display template is still validated", func(in *integration.Integration) {
			in.Display.Template = json.RawMessage(`{"version":1,"sections":[{"type":"nope"}]}`)
		}, []pathCode{{"/display/template/sections/0/type", "unknown_section_type"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := valid()
			tt.edit(in)
			if diff := cmp.Diff(tt.want, problems(t, in)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Every problem is reported at once, template problems mapped under /display/template.
func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	in := &integration.Integration{
		Name: "x", Method: "GET", URL: "ftp://x", Body: "{}", CacheMinutes: 5000,
		Headers: []integration.Header{{Name: "X-A", Value: "ok"}, {Name: "X-B", Value: "ok"}, {Name: "X-C", Value: "{{contact.nope}}"}},
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version":1,"sections":[
			{"type":"text","text":"hi"},
			{"type":"keyvalue","items":[{"label":"A","value":"{{a}}","format":{"type":"bogus"}}]}]}`)},
	}
	got := problems(t, in)
	want := map[pathCode]bool{
		{"/url", "bad_url"}: true, {"/headers/2/value", "unknown_variable"}: true,
		{"/body", "body_not_allowed"}: true, {"/cache_minutes", "out_of_range"}: true,
	}
	var template []string
	for _, p := range got {
		if strings.HasPrefix(p.Path, "/display/template/") {
			template = append(template, p.Path)
			continue
		}
		if !want[p] {
			t.Errorf("unexpected problem %v", p)
		}
		delete(want, p)
	}
	for p := range want {
		t.Errorf("missing problem %v", p)
	}
	// The bogus format is the template's only problem; it is reported at its JSON pointer.
	if want := []string{"/display/template/sections/1/items/0/format/type"}; !cmp.Equal(template, want) {
		t.Errorf("display template problems at %v, want %v", template, want)
	}
	err := in.Validate()
	if msg := err.Error(); msg == "" || !strings.Contains(msg, "validation problems") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestIsVariable(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"contact.email": true, "contact.attributes.plan": true, "inbox.name": true, "conversation.subject": true,
		"contact.attributes.": false, "secret.token": false, "contact.emails": false, "": false,
	} {
		if got := integration.IsVariable(name); got != want {
			t.Errorf("IsVariable(%q) = %v, want %v", name, got, want)
		}
	}
}

// Every problem's path is an RFC 6901 pointer into the integration's JSON encoding: it names a
// value there, or (for a value that is required but absent) a member of an object there.
func TestProblemPathsPointIntoTheEncoding(t *testing.T) {
	t.Parallel()
	in := &integration.Integration{
		Name: "x", Method: "GET", URL: "ftp://x", Body: "{}", CacheMinutes: 5000, Timeout: time.Hour,
		Query:             []integration.QueryParam{{Name: "", Value: "{{contact.nope}}"}},
		Headers:           []integration.Header{{Name: "X-A", Value: "ok"}, {Name: "Bad Name", Value: "{{secret.nope}}"}, {Name: "X-S", Secret: true}},
		Secrets:           []integration.Secret{{Name: "a/b~c", Value: "v"}},
		RequiredVariables: []string{"contact.email", "contact.bogus"},
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version":1,"sections":[
			{"type":"keyvalue","items":[{"label":"A","value":"{{a}}","format":{"type":"bogus"}}]}]}`)},
	}
	ve, ok := errors.AsType[*integration.ValidationError](in.Validate())
	if !ok || len(ve.Problems) < 10 {
		t.Fatalf("Validate = %v, want at least 10 problems", in.Validate())
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range ve.Problems {
		if !strings.HasPrefix(p.Path, "/") {
			t.Errorf("problem path %q is not a JSON pointer", p.Path)
			continue
		}
		if !resolves(doc, p.Path) {
			t.Errorf("problem path %q (%s) names nothing in the encoding %s", p.Path, p.Code, b)
		}
	}
}

// resolves reports whether pointer names a value of doc, or a member missing from an object of
// doc.
func resolves(doc any, pointer string) bool {
	tokens := strings.Split(pointer, "/")[1:]
	for i, tok := range tokens {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch v := doc.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return i == len(tokens)-1
			}
			doc = next
		case []any:
			n := -1
			if _, err := fmt.Sscanf(tok, "%d", &n); err != nil || n < 0 || n >= len(v) {
				return false
			}
			doc = v[n]
		default:
			return false
		}
	}
	return true
}
