package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration/httpapi"
)

// TestHostileRequests sends what an attacker, a buggy client or a confused one sends, and
// checks each gets its problem document and nothing else happens.
func TestHostileRequests(t *testing.T) {
	e := newEnv(t, func(o *httpapi.Options) { o.MaxBodyBytes = 64 << 10 })
	in := e.create(t, "CRM", "a1", 1)
	other := e.create(t, "Other", "", 0) // a second integration of team-a
	valid := e.integrationJSON("X")
	tests := []struct {
		name, user, method, path string
		contentType, body        string
		want                     int
		code                     string
		problems                 []httpapi.Problem // compared when not nil
	}{
		{name: "no identity", method: "GET", path: "/integrations", want: 401, code: httpapi.CodeUnauthenticated},
		{name: "forged identity", user: "root", method: "GET", path: "/integrations", want: 401, code: httpapi.CodeUnauthenticated},
		{name: "actor without team", user: "no-team", method: "GET", path: "/integrations", want: 401, code: httpapi.CodeUnauthenticated},
		{name: "identity refused as forbidden", user: "suspended", method: "GET", path: "/integrations", want: 403, code: httpapi.CodeForbidden},
		{name: "member creates", user: "member-a", method: "POST", path: "/integrations", contentType: "application/json", body: valid, want: 403, code: httpapi.CodeForbidden},
		{name: "member deletes", user: "member-a", method: "DELETE", path: "/integrations/" + in.ID, want: 403, code: httpapi.CodeForbidden},
		{name: "other team reads", user: "admin-b", method: "GET", path: "/integrations/" + in.ID, want: 404, code: httpapi.CodeNotFound},
		{name: "other team deletes", user: "admin-b", method: "DELETE", path: "/integrations/" + in.ID, want: 404, code: httpapi.CodeNotFound},
		{name: "other team attaches to its inbox", user: "admin-b", method: "PUT", path: "/inboxes/b1/integrations/" + in.ID, contentType: "application/json", body: `{}`, want: 404, code: httpapi.CodeNotFound},
		{name: "attach to another team's inbox", user: "admin-a", method: "PUT", path: "/inboxes/b1/integrations/" + in.ID, contentType: "application/json", body: `{}`, want: 404, code: httpapi.CodeNotFound},
		{name: "other team's profile", user: "admin-b", method: "GET", path: "/inboxes/a1/contacts/c-ada/profile", want: 404, code: httpapi.CodeNotFound},
		{name: "other team's inbox", user: "member-a", method: "GET", path: "/inboxes/b1/integrations", want: 404, code: httpapi.CodeNotFound},
		{name: "unknown contact", user: "member-a", method: "GET", path: "/inboxes/a1/contacts/c-nobody/profile", want: 404, code: httpapi.CodeNotFound},
		{name: "CR LF in an id", user: "admin-a", method: "GET", path: "/integrations/" + in.ID + "%0D%0ASet-Cookie:%20x=1", want: 404, code: httpapi.CodeNotFound},
		{name: "CR LF in a contact id", user: "member-a", method: "GET", path: "/inboxes/a1/contacts/c-ada%0D%0A/profile", want: 404, code: httpapi.CodeNotFound},
		{name: "unknown route", user: "admin-a", method: "GET", path: "/nope", want: 404, code: httpapi.CodeNotFound},
		{name: "wrong method", user: "admin-a", method: "PATCH", path: "/integrations", want: 405, code: httpapi.CodeMethodNotAllowed},
		{name: "form post", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/x-www-form-urlencoded", body: "name=x", want: 415, code: httpapi.CodeUnsupportedMedia},
		{name: "text/plain JSON", user: "admin-a", method: "POST", path: "/integrations", contentType: "text/plain", body: valid, want: 415, code: httpapi.CodeUnsupportedMedia},
		{name: "no content type", user: "admin-a", method: "POST", path: "/integrations", body: valid, want: 415, code: httpapi.CodeUnsupportedMedia},
		{name: "huge body", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json", body: `{"name": "` + strings.Repeat("x", 65<<10) + `"}`, want: 413, code: httpapi.CodeTooLarge},
		{name: "malformed JSON", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json", body: `{"name": "x",}`, want: 400, code: httpapi.CodeInvalidRequest,
			problems: []httpapi.Problem{{Code: httpapi.CodeInvalidJSON, Message: "the body is not valid JSON (at offset 13)"}}},
		{name: "truncated JSON", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json", body: `{"name": "x"`, want: 400, code: httpapi.CodeInvalidRequest,
			problems: []httpapi.Problem{{Code: httpapi.CodeInvalidJSON, Message: "the body ends before its JSON value does"}}},
		{name: "two values", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json", body: `{} {}`, want: 400, code: httpapi.CodeInvalidRequest,
			problems: []httpapi.Problem{{Code: httpapi.CodeInvalidJSON, Message: "the body holds more than one JSON value"}}},
		{name: "unknown fields", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json",
			body: `{"name": "x", "nmae": "y", "display": {"enabled": true, "template": {"any": "thing"}, "colour": 1}, "query": [{"name": "a", "value": "b", "x~/y": 1}]}`,
			want: 400, code: httpapi.CodeInvalidRequest, problems: []httpapi.Problem{
				{Path: "/nmae", Code: httpapi.CodeUnknownField, Message: `unknown field "nmae"`},
				{Path: "/display/colour", Code: httpapi.CodeUnknownField, Message: `unknown field "colour"`},
				{Path: "/query/0/x~0~1y", Code: httpapi.CodeUnknownField, Message: `unknown field "x~/y"`},
			}},
		{name: "a sealed value pasted in", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json",
			body: `{"name": "x", "url": "https://x.test/", "headers": [{"name": "Authorization", "value": "", "secret": true, "sealed": "k1.AAAA"}]}`,
			want: 400, code: httpapi.CodeInvalidRequest, problems: []httpapi.Problem{{Path: "/headers/0/sealed", Code: httpapi.CodeUnknownField, Message: `unknown field "sealed"`}}},
		{name: "wrong types", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json",
			body: `{"name": 5, "cache_minutes": "10", "active": "yes", "timeout_ms": 1.5, "headers": {"a": "b"}}`,
			want: 400, code: httpapi.CodeInvalidRequest, problems: []httpapi.Problem{
				{Path: "/name", Code: httpapi.CodeInvalidType, Message: "must be a string, not an integer"},
				{Path: "/cache_minutes", Code: httpapi.CodeInvalidType, Message: "must be an integer, not a string"},
				{Path: "/active", Code: httpapi.CodeInvalidType, Message: "must be a boolean, not a string"},
				{Path: "/timeout_ms", Code: httpapi.CodeInvalidType, Message: "must be an integer, not a number"},
				{Path: "/headers", Code: httpapi.CodeInvalidType, Message: "must be an array, not an object"},
			}},
		{name: "not an object", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json", body: `[]`, want: 400, code: httpapi.CodeInvalidRequest,
			problems: []httpapi.Problem{{Code: httpapi.CodeInvalidType, Message: "must be an object, not an array"}}},
		{name: "deep nesting", user: "admin-a", method: "POST", path: "/templates/validate", contentType: "application/json",
			body: `{"template": ` + strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200) + `}`, want: 400, code: httpapi.CodeInvalidRequest},
		{name: "integer out of range", user: "admin-a", method: "PUT", path: "/inboxes/a1/integrations/" + other.ID, contentType: "application/json",
			body: `{"position": 99999999999999999999999}`, want: 400, code: httpapi.CodeInvalidRequest,
			problems: []httpapi.Problem{{Path: "/position", Code: httpapi.CodeInvalidType, Message: "a value is out of range"}}},
		{name: "id mismatch", user: "admin-a", method: "PUT", path: "/integrations/" + in.ID, contentType: "application/json", body: `{"id": "` + other.ID + `", "name": "x", "version": 1}`,
			want: 400, code: httpapi.CodeInvalidRequest, problems: []httpapi.Problem{{Path: "/id", Code: "id_mismatch", Message: "must be the integration id of the path, or omitted"}}},
		{name: "update without version", user: "admin-a", method: "PUT", path: "/integrations/" + in.ID, contentType: "application/json", body: valid, want: 422, code: httpapi.CodeValidation,
			problems: []httpapi.Problem{{Path: "/version", Code: "required", Message: "the version the edit is based on is required"}}},
		{name: "invalid integration", user: "admin-a", method: "POST", path: "/integrations", contentType: "application/json",
			body: `{"name": "x", "url": "https://x.test/{{contact.password}}", "headers": [{"name": "X-A", "value": "ok"}, {"name": "Bad Name", "value": "v"}]}`,
			want: 422, code: httpapi.CodeValidation},
		{name: "reorder with a stranger", user: "admin-a", method: "PUT", path: "/inboxes/a1/card-order", contentType: "application/json",
			body: `{"integration_ids": ["` + in.ID + `", "` + other.ID + `"]}`, want: 422, code: httpapi.CodeValidation,
			problems: []httpapi.Problem{{Path: "/integration_ids/1", Code: "not_attached", Message: "integration is not attached to the inbox"}}},
		{name: "enabled missing", user: "admin-a", method: "PUT", path: "/inboxes/a1/integrations/" + in.ID + "/enabled", contentType: "application/json", body: `{}`, want: 422, code: httpapi.CodeValidation},
		{name: "invalidate without id", user: "admin-a", method: "POST", path: "/cache/invalidations", contentType: "application/json", body: `{}`, want: 422, code: httpapi.CodeValidation},
		{name: "stream refresh not a boolean", user: "member-a", method: "GET", path: "/inboxes/a1/contacts/c-ada/profile/stream?refresh=maybe", want: 400, code: httpapi.CodeInvalidRequest},
		{name: "unknown webhook source", method: "POST", path: "/webhooks/nope", contentType: "application/json", body: `{}`, want: 404, code: httpapi.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, e.srv.URL+"/api"+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.user != "" {
				req.Header.Set("X-Test-User", tt.user)
			}
			resp, b := e.send(t, req)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, b, tt.want)
			}
			p := problem(t, resp, b)
			if p.Code != tt.code {
				t.Errorf("code %q, want %q", p.Code, tt.code)
			}
			if tt.problems != nil {
				if diff := cmp.Diff(tt.problems, p.Problems); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			}
			if strings.Contains(string(b), testSecret) || strings.Contains(string(b), "\r") {
				t.Errorf("the answer echoes a secret or a CR: %s", b)
			}
		})
	}
	if e.calls.Load() != 0 {
		t.Errorf("hostile requests made %d upstream calls", e.calls.Load())
	}
	if resp, _ := e.do(t, "admin-a", "GET", "/integrations/"+in.ID, ""); resp.StatusCode != 200 {
		t.Errorf("the integration is gone after the hostile requests: %d", resp.StatusCode)
	}
}

// TestChunkedHugeBody sends a body without Content-Length over the cap: it is cut at the cap
// and refused, not read to its end.
func TestChunkedHugeBody(t *testing.T) {
	e := newEnv(t, func(o *httpapi.Options) { o.MaxBodyBytes = 1 << 10 })
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"name": "`))
		chunk := []byte(strings.Repeat("x", 4<<10))
		for range 1 << 10 { // 4 MiB unless the server stops reading
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", e.srv.URL+"/api/integrations", pr)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Test-User", "admin-a")
	resp, b := e.send(t, req)
	pr.CloseWithError(io.ErrClosedPipe)
	if p := problem(t, resp, b); resp.StatusCode != 413 || p.Code != httpapi.CodeTooLarge {
		t.Errorf("chunked huge body = %d %s", resp.StatusCode, b)
	}
}

// TestPanickingHostCallbacks makes Identify and Contact panic: each request gets a 500 problem,
// the panic is logged with its stack, and the server keeps serving.
func TestPanickingHostCallbacks(t *testing.T) {
	e := newEnv(t, nil)
	e.create(t, "CRM", "a1", 1)
	for _, tt := range []struct{ user, path string }{
		{"panic", "/integrations"},
		{"member-a", "/inboxes/a1/contacts/c-panic/profile"},
		{"member-a", "/inboxes/a1/contacts/c-panic/profile/stream"},
	} {
		resp, b := e.do(t, tt.user, "GET", tt.path, "")
		if p := problem(t, resp, b); resp.StatusCode != 500 || p.Code != httpapi.CodeInternal {
			t.Errorf("GET %s as %s = %d %s, want 500 internal", tt.path, tt.user, resp.StatusCode, b)
		}
		if strings.Contains(string(b), "exploded") {
			t.Errorf("the answer shows the panic: %s", b)
		}
	}
	logs := e.logs.String()
	if strings.Count(logs, "httpapi: handler panicked") != 3 || !strings.Contains(logs, "goroutine") {
		t.Errorf("panics not logged with their stack:\n%s", logs)
	}
	if resp, b := e.do(t, "member-a", "GET", "/inboxes/a1/contacts/c-ada/profile", ""); resp.StatusCode != 200 {
		t.Errorf("after the panics: %d %s", resp.StatusCode, b)
	}
}

func TestNewRequiresOptions(t *testing.T) {
	e := newEnv(t, nil)
	for _, tt := range []struct {
		name string
		edit func(*httpapi.Options)
	}{
		{"no service", func(o *httpapi.Options) { o.Service = nil }},
		{"no identify", func(o *httpapi.Options) { o.Identify = nil }},
		{"no contact", func(o *httpapi.Options) { o.Contact = nil }},
		{"negative cap", func(o *httpapi.Options) { o.MaxBodyBytes = -1 }},
	} {
		opts := httpapi.Options{Service: e.svc, Identify: identify, Contact: lookupContact}
		tt.edit(&opts)
		if _, err := httpapi.New(opts); err == nil {
			t.Errorf("%s: New = nil error", tt.name)
		}
	}
}
