package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
	"github.com/inboxkit/inboxkit/variables"
)

func testHandler(t testing.TB) *Handler {
	t.Helper()
	exec, err := httpexec.New(httpexec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	store := memstore.New()
	svc, err := integration.NewService(integration.Options{Store: store, Attachments: store, Inboxes: store, Executor: exec})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Service: svc,
		Identify: func(*http.Request) (integration.Actor, error) { return integration.Actor{}, nil },
		Contact: func(context.Context, integration.Actor, ContactRef) (integration.Contact, *integration.Conversation, error) {
			return integration.Contact{}, nil, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestDocumentMatchesMux walks the mux's routes: every route's pattern is what the mux serves
// for a request to its documented path and method, every documented operation is a route,
// and operationIds are unique.
func TestDocumentMatchesMux(t *testing.T) {
	h := testHandler(t)
	b, err := h.doc.marshal("")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name, In string
			}
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var documented, served []string
	ids := map[string]bool{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			if ids[op.OperationID] {
				t.Errorf("operationId %s is used twice", op.OperationID)
			}
			ids[op.OperationID] = true
			documented = append(documented, strings.ToUpper(method)+" "+path+" "+op.OperationID)
			// A request to the path with every parameter filled in reaches this pattern.
			url := path
			for _, p := range op.Parameters {
				if p.In == "path" {
					url = strings.Replace(url, "{"+p.Name+"}", "x-"+p.Name, 1)
				}
			}
			if strings.Contains(url, "{") {
				t.Errorf("%s %s: a path parameter is not documented", method, path)
			}
			req := httptest.NewRequest(strings.ToUpper(method), url, nil)
			if _, pattern := h.mux.Handler(req); pattern != strings.ToUpper(method)+" "+path {
				t.Errorf("%s %s is served by pattern %q", strings.ToUpper(method), url, pattern)
			}
		}
	}
	for _, rt := range h.routes {
		served = append(served, rt.method+" "+rt.path+" "+rt.op)
	}
	slices.Sort(documented)
	slices.Sort(served)
	if diff := cmp.Diff(served, documented); diff != "" {
		t.Errorf("routes and documented operations differ (-routes +document):\n%s", diff)
	}
}

// TestSchemasResolve checks that every $ref of the document names a component, and that every
// component is used.
func TestSchemasResolve(t *testing.T) {
	h := testHandler(t)
	b, _ := h.doc.marshal("")
	used := map[string]bool{}
	for _, part := range strings.Split(string(b), `"$ref": "`)[1:] {
		name, ok := strings.CutPrefix(part[:strings.IndexByte(part, '"')], componentsPrefix)
		if !ok || h.doc.schemas[name] == nil {
			t.Errorf("$ref %q names no component", part[:strings.IndexByte(part, '"')])
		}
		used[name] = true
	}
	for name := range h.doc.schemas {
		if !used[name] {
			t.Errorf("component %s is never used", name)
		}
	}
}

func TestFieldPointer(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"name", "/name"},
		{"headers[2].value", "/headers/2/value"},
		{"required_variables[1]", "/required_variables/1"},
		{"display.template/sections/1/items/0/value", "/display/template/sections/1/items/0/value"},
		{"display.template", "/display/template"},
		{"/already/a/pointer", "/already/a/pointer"},
	}
	for _, tt := range tests {
		if got := fieldPointer(tt.in); got != tt.want {
			t.Errorf("fieldPointer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckBody(t *testing.T) {
	h := testHandler(t)
	tests := []struct {
		name, schema, body string
		want               []variables.Problem
	}{
		{"valid", "Integration", `{"name": "x", "headers": [{"name": "a", "value": "b", "secret": true}], "display": {"enabled": true, "template": {"x": [1, {"y": null}]}}}`, nil},
		{"null where a string is", "Integration", `{"name": null}`, []variables.Problem{{Path: "/name", Code: CodeInvalidType, Message: "must be a string, not null"}}},
		{"number for an integer", "AttachRequest", `{"position": 1.0}`, []variables.Problem{{Path: "/position", Code: CodeInvalidType, Message: "must be an integer, not a number"}}},
		{"map values", "TestRequest", `{"contact": {"attributes": {"plan": "pro", "n": 5}}}`, []variables.Problem{{Path: "/contact/attributes/n", Code: CodeInvalidType, Message: "must be a string, not an integer"}}},
		{"unknown inside a wrong type is not reported twice", "Integration", `{"display": [{"a": 1}]}`, []variables.Problem{{Path: "/display", Code: CodeInvalidType, Message: "must be an object, not an array"}}},
		{"empty body", "Integration", ``, []variables.Problem{{Code: CodeInvalidJSON, Message: "the body ends before its JSON value does"}}},
		{"escaped key", "Integration", `{"na\u006de": "x", "a/b": 1}`, []variables.Problem{{Path: "/a~1b", Code: CodeUnknownField, Message: `unknown field "a/b"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkBody([]byte(tt.body), h.doc.schemas[tt.schema], h.doc.schemas)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checkBody(%s) (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

// FuzzCheckBody: the body check never panics, and a body it accepts is one JSON value that
// the decoder reads without an unknown field.
func FuzzCheckBody(f *testing.F) {
	for _, s := range []string{`{}`, `{"name": "x", "headers": [{"name": "a"}]}`, `{"display": {"template": {"a": [[[]]]}}}`,
		`[`, `{"a":`, `"x"`, `{"name": "\ud800"}`, `{} {}`, strings.Repeat("[", 300)} {
		f.Add([]byte(s))
	}
	h := testHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<16 {
			return
		}
		ps := checkBody(body, h.doc.schemas["Integration"], h.doc.schemas)
		if len(ps) == 0 {
			if !json.Valid(body) {
				t.Fatalf("accepted invalid JSON %q", body)
			}
			var in integration.Integration
			dec := json.NewDecoder(strings.NewReader(string(body)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil && strings.Contains(err.Error(), "unknown field") {
				t.Fatalf("accepted %q with an unknown field: %v", body, err)
			}
		}
		for _, p := range ps {
			if p.Path != "" && p.Path[0] != '/' {
				t.Fatalf("problem path %q is not a JSON pointer", p.Path)
			}
		}
	})
}

// TestDocListsOperations keeps the operation list of the package documentation in step with
// the routes.
func TestDocListsOperations(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(strings.TrimPrefix(line, "//"))
		if len(f) == 3 && strings.HasPrefix(f[2], "[") {
			listed = append(listed, f[0]+" "+f[1]+" "+strings.Trim(f[2], "[]"))
		}
	}
	var routes []string
	for _, rt := range testHandler(t).routes {
		routes = append(routes, rt.method+" "+rt.path+" "+rt.op)
	}
	slices.Sort(listed)
	slices.Sort(routes)
	if diff := cmp.Diff(routes, listed); diff != "" {
		t.Errorf("doc.go's operation list (-routes +doc):\n%s", diff)
	}
}
