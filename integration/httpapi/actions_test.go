package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
)

// TestRunAction drives runAction end to end: the card's buttons, the refusals that send
// nothing (confirmation, invalid and hostile inputs, another team, an unknown action, a
// contact the action does not apply to) and the run, whose request carries the inputs escaped
// by position.
func TestRunAction(t *testing.T) {
	e := newEnv(t, nil)
	var (
		mu   sync.Mutex
		sent []*http.Request
		body []string
	)
	notes := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		sent, body = append(sent, r), append(body, string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Path, "/fail") {
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, `{"message": "Already noted"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"message": "<b>Noted</b> `+testSecret+`"}`)
	}))
	t.Cleanup(notes.Close)
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(sent) }

	in := `{"name": "Notes", "url": "` + notes.URL + `/c?email={{contact.email}}", "active": true, "required_variables": ["contact.email"],
	  "secrets": [{"name": "token", "value": "` + testSecret + `"}],
	  "actions": [{"name": "add_note", "label": "Add note", "url": "` + notes.URL + `/contacts/{{contact.id}}/notes/{{input.topic}}",
	    "headers": [{"name": "Authorization", "value": "Bearer {{secret.token}}"}],
	    "body": "{\"text\": \"{{input.text}}\", \"conversation\": \"{{conversation.id}}\"}",
	    "fields": [{"name": "text", "label": "Note", "type": "textarea", "required": true, "max_length": 100},
	               {"name": "topic", "label": "Topic", "type": "text", "default": "general"}],
	    "result_path": "message"},
	   {"name": "fail", "label": "Fail", "method": "PUT", "url": "` + notes.URL + `/fail", "confirm": "Really?", "result_path": "message"}]}`
	var created integration.Integration
	e.mustDo(t, http.StatusCreated, "admin-a", "POST", "/integrations", in, &created)
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/a1/integrations/"+created.ID, `{}`, nil)

	var profile httpapi.Profile
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/inboxes/a1/contacts/c-ada/profile", "", &profile)
	if len(profile.Cards) != 1 || len(profile.Cards[0].Actions) != 2 {
		t.Fatalf("profile = %+v, want one card with two buttons", profile)
	}
	b, _ := json.Marshal(profile.Cards[0].Actions[1])
	if got, want := string(b), `{"name":"fail","label":"Fail","method":"PUT","confirm":"Really?"}`; got != want {
		t.Errorf("button = %s, want %s", got, want)
	}

	loads := count() // the card's own request
	path := "/inboxes/a1/contacts/c-ada/integrations/" + created.ID + "/actions/add_note"
	refusals := []struct {
		name, user, path, body string
		status                 int
		code                   string
		problems               []httpapi.Problem
	}{
		{"unconfirmed", "member-a", path, `{"inputs": {"text": "hi"}}`, 428, httpapi.CodeConfirmationRequired,
			[]httpapi.Problem{{Path: "/confirmed", Code: httpapi.CodeConfirmationRequired}}},
		{"invalid inputs", "member-a", path, `{"inputs": {"text": "` + strings.Repeat("x", 101) + `", "topic": "..", "<img src=x onerror=alert(1)>": "1"}, "confirmed": true}`,
			422, httpapi.CodeValidation, []httpapi.Problem{
				{Path: "/inputs/<img src=x onerror=alert(1)>", Code: integration.CodeUnknownKey},
				{Path: "/inputs/text", Code: integration.CodeTooLong}}},
		{"dot segment", "member-a", path, `{"inputs": {"text": "hi", "topic": "../../admin"}, "confirmed": true}`,
			422, httpapi.CodeValidation, []httpapi.Problem{{Path: "/inputs/topic", Code: integration.CodeInvalidValue}}},
		{"missing input", "member-a", path, `{"confirmed": true}`, 422, httpapi.CodeValidation,
			[]httpapi.Problem{{Path: "/inputs/text", Code: integration.CodeRequired}}},
		{"input of the wrong type", "member-a", path, `{"inputs": {"text": 5}, "confirmed": true}`, 400, httpapi.CodeInvalidRequest,
			[]httpapi.Problem{{Path: "/inputs/text", Code: httpapi.CodeInvalidType}}},
		{"unknown field", "member-a", path, `{"confirm": true}`, 400, httpapi.CodeInvalidRequest,
			[]httpapi.Problem{{Path: "/confirm", Code: httpapi.CodeUnknownField}}},
		{"other team", "admin-b", path, `{"inputs": {"text": "hi"}, "confirmed": true}`, 404, httpapi.CodeNotFound, nil},
		{"other team's inbox", "member-a", strings.Replace(path, "/a1/", "/b1/", 1), `{"inputs": {"text": "hi"}, "confirmed": true}`, 404, httpapi.CodeNotFound, nil},
		{"not attached here", "member-a", strings.Replace(path, "/a1/", "/a2/", 1), `{"inputs": {"text": "hi"}, "confirmed": true}`, 404, httpapi.CodeNotFound, nil},
		{"unknown action", "member-a", strings.Replace(path, "add_note", "drop_table", 1), `{"confirmed": true}`, 404, httpapi.CodeNotFound, nil},
		{"unknown contact", "member-a", strings.Replace(path, "c-ada", "c-nobody", 1), `{"confirmed": true}`, 404, httpapi.CodeNotFound, nil},
		{"not applicable", "member-a", strings.Replace(path, "c-ada", "c-none", 1), `{"inputs": {"text": "hi"}, "confirmed": true}`,
			422, httpapi.CodeNotApplicable, nil},
		{"no identity", "", path, `{"confirmed": true}`, 401, httpapi.CodeUnauthenticated, nil},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			before := count()
			resp, b := e.do(t, tt.user, "POST", tt.path, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, b, tt.status)
			}
			p := problem(t, resp, b)
			if p.Code != tt.code {
				t.Errorf("code %q, want %q", p.Code, tt.code)
			}
			if tt.problems != nil {
				if diff := cmp.Diff(tt.problems, p.Problems, cmpopts.IgnoreFields(httpapi.Problem{}, "Message")); diff != "" {
					t.Errorf("problems mismatch (-want +got):\n%s", diff)
				}
			}
			if tt.code == httpapi.CodeConfirmationRequired && p.Detail != `Run "Add note" for this contact?` {
				t.Errorf("detail %q, want the prompt", p.Detail)
			}
			if count() != before {
				t.Error("a refused run sent a request")
			}
			if strings.Contains(string(b), testSecret) {
				t.Errorf("answer holds the secret: %s", b)
			}
		})
	}

	// "c-none" has no email: the integration's URL needs it, so the action does not apply.
	var res integration.ActionResult
	e.mustDo(t, http.StatusOK, "member-a", "POST", path,
		`{"conversation_id": "conv-1", "inputs": {"text": "Called back.\n\"}, \"admin\": true, \"x\": \"", "topic": "a/b?c#d"}, "confirmed": true}`, &res)
	want := integration.ActionResult{Status: "ok", HTTPStatus: 201, Message: "<b>Noted</b> " + integration.Redacted, Duration: res.Duration}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
	if count() != loads+1 {
		t.Fatalf("%d requests sent, want 1", count()-loads)
	}
	mu.Lock()
	r, got := sent[loads], body[loads]
	mu.Unlock()
	if r.URL.EscapedPath() != "/contacts/c-ada/notes/a%2Fb%3Fc%23d" || r.URL.RawQuery != "" {
		t.Errorf("sent to %s?%s, want the topic escaped as one segment", r.URL.EscapedPath(), r.URL.RawQuery)
	}
	if r.Header.Get("Authorization") != "Bearer "+testSecret {
		t.Error("the secret was not sent")
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(got), &doc); err != nil || len(doc) != 2 || doc["conversation"] != "conv-1" ||
		doc["text"] != "Called back.\n\"}, \"admin\": true, \"x\": \"" {
		t.Errorf("body %s (%v), want the note as one JSON string", got, err)
	}

	// A failed upstream is a 200 with status failed and the upstream's message.
	e.mustDo(t, http.StatusOK, "member-a", "POST", strings.Replace(path, "add_note", "fail", 1), `{"confirmed": true}`, &res)
	want = integration.ActionResult{Status: "failed", HTTPStatus: 409, Message: "Already noted", Duration: res.Duration,
		Error: &integration.CardError{Category: "upstream_4xx", Message: "The service rejected the request (HTTP 409)."}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("failed result mismatch (-want +got):\n%s", diff)
	}
	if strings.Contains(e.logs.String(), testSecret) {
		t.Error("the logs hold the secret")
	}

	// The Testing tab tests an action: problems of its inputs are at /inputs/NAME of the body,
	// those of the integration below /integration.
	created.Actions[0].Label = ""
	saved, _ := json.Marshal(created)
	resp, b := e.do(t, "admin-a", "POST", "/integrations/test", `{"integration": `+string(saved)+`, "action": "add_note", "inputs": {"topic": ".."}}`)
	p := problem(t, resp, b)
	want422 := []httpapi.Problem{{Path: "/integration/actions/0/label", Code: integration.CodeRequired}}
	if diff := cmp.Diff(want422, p.Problems, cmpopts.IgnoreFields(httpapi.Problem{}, "Message")); resp.StatusCode != 422 || diff != "" {
		t.Errorf("test of an invalid integration = %d, problems mismatch (-want +got):\n%s", resp.StatusCode, diff)
	}
	created.Actions[0].Label = "Add note"
	saved, _ = json.Marshal(created)
	resp, b = e.do(t, "admin-a", "POST", "/integrations/test", `{"integration": `+string(saved)+`, "action": "add_note", "inputs": {"topic": ".."}}`)
	p = problem(t, resp, b)
	want422 = []httpapi.Problem{{Path: "/inputs/text", Code: integration.CodeRequired}}
	if diff := cmp.Diff(want422, p.Problems, cmpopts.IgnoreFields(httpapi.Problem{}, "Message")); resp.StatusCode != 422 || diff != "" {
		t.Errorf("test with invalid inputs = %d, problems mismatch (-want +got):\n%s", resp.StatusCode, diff)
	}
	before := count()
	var tr integration.TestResult
	e.mustDo(t, http.StatusOK, "admin-a", "POST", "/integrations/test", `{"integration": `+string(saved)+`, "action": "add_note", "inputs": {"text": "hi"},
	  "contact": {"id": "c-1", "email": "zoe@example.com"}, "live": true, "confirm_send": true}`, &tr)
	if b, _ := json.Marshal(tr); !tr.Sent || !tr.Success || count() != before+1 || strings.Contains(string(b), testSecret) {
		t.Errorf("live test of the action = %+v, %d requests", tr, count()-before)
	}
}
