package integration_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
)

// FuzzDecodeValidate decodes arbitrary JSON as an Integration, validates it and encodes it again:
// nothing panics, every problem has a path, and the encoding never holds a secret value in clear.
func FuzzDecodeValidate(f *testing.F) {
	seed, _ := json.Marshal(sampleIntegration())
	f.Add(seed)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"name":"x","method":"POST","url":"https://x.example.com/{{contact.id}}","body":"{\"a\":{{contact.email}}}"}`))
	f.Add([]byte(`{"name":"x","url":"http://x/?q={{contact.attributes.a b}}","headers":[{"name":"A","value":"{{secret.k}}"}],"secrets":[{"name":"k","value":"v"}]}`))
	f.Add([]byte(`{"name":"x","url":"https://x.example.com","display":{"enabled":true,"template":{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"a","value":"{{a}}"}]}]}}}`))
	f.Add([]byte(`{"headers":[{"name":"Authorization","value":"Bearer s3cr3t-value","secret":true}],"cache_minutes":-5,"timeout_ms":-1}`))
	f.Add([]byte(`{"headers":[{"name":"Authorization","value":"••••","secret":true,"sealed":"v1.k1.x"}],"secrets":[{"name":"a/b~c","value":"••••","sealed":"v1.k1.y"},{"name":"k","value":"••••"}]}`))
	f.Add([]byte(`{"name":"x","url":"https://x.example.com","triggers":[{"name":"resolved","on":"conversation.resolved","text":"{{a | currency:\"USD\"}}","link":"{{u}}","icon":"i"},{"name":"labelled","on":"conversation.label_added","label":"VIP","text":"x","link":"javascript:x"},{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		var in integration.Integration
		if err := json.Unmarshal(data, &in); err != nil {
			return
		}
		if err := in.Validate(); err != nil {
			ve, ok := errors.AsType[*integration.ValidationError](err)
			if !ok {
				t.Fatalf("Validate = %v (%T), want *ValidationError", err, err)
			}
			for _, p := range ve.Problems {
				if !strings.HasPrefix(p.Path, "/") || p.Code == "" || p.Message == "" {
					t.Fatalf("problem %+v: want a JSON pointer path, a code and a message", p)
				}
			}
		}
		out, err := json.Marshal(in)
		if err != nil {
			return // e.g. a display template that is not valid JSON
		}
		var back integration.Integration
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decoding the encoding: %v\n%s", err, out)
		}
		// The encoding is a fixed point: what a host stored decodes and encodes to itself.
		again, err := json.Marshal(back)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("encoding not stable over a round trip (%v):\n%s\n%s", err, out, again)
		}
		for _, h := range back.Headers {
			if h.Secret && h.Value != "" && h.Value != integration.Redacted {
				t.Fatalf("secret header value encoded in clear: %s", out)
			}
		}
		for _, s := range back.Secrets {
			if s.Value != "" && s.Value != integration.Redacted {
				t.Fatalf("secret value encoded in clear: %s", out)
			}
		}
	})
}

// FuzzDryRun expands a valid integration for arbitrary contact values: nothing panics, and the
// expanded body is valid JSON and the URL keeps its host.
func FuzzDryRun(f *testing.F) {
	f.Add("ada+1@example.com", `Ada "A" O'Lovelace`, "c/1 ?#x", "..")
	f.Add("", "\r\nX-Evil: 1", "%00", "\u2028")
	f.Add("{{contact.email}}", `\`, "../../admin", "é\xff")
	e := newEnv(f)
	in := &integration.Integration{
		Name: "fuzz", Method: "POST", URL: "https://crm.example.com/v1/{{contact.id}}/x?e={{contact.email}}",
		Query:   []integration.QueryParam{{Name: "n", Value: "{{contact.name}}"}},
		Headers: []integration.Header{{Name: "X-Plan", Value: "{{contact.attributes.plan}}"}},
		Body:    `{"email":"{{contact.email}}","name":"{{contact.name}}","plan":{{contact.attributes.plan}}}`,
	}
	f.Fuzz(func(t *testing.T, email, name, id, plan string) {
		res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{
			Integration: in,
			Contact:     integration.Contact{ID: id, Email: email, Name: name, Attributes: map[string]string{"plan": plan}},
		})
		if err != nil {
			t.Fatalf("Test = %v", err)
		}
		if res.Error != nil {
			if res.Error.Category != httpexec.CategoryInvalidRequest {
				t.Fatalf("dry run error %+v", res.Error)
			}
			return
		}
		if !json.Valid([]byte(res.Request.Body)) {
			t.Fatalf("body is not JSON: %s", res.Request.Body)
		}
		if !strings.HasPrefix(res.Request.URL, "https://crm.example.com/v1/") {
			t.Fatalf("URL lost its host or path: %s", res.Request.URL)
		}
	})
}
