package integration_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
)

// A non-GET action reaches the upstream once even when the admin gave it an Idempotency-Key
// header, which net/http reads as leave to replay a request on a reused connection that ends
// before the response begins. Here the card's profile load leaves a connection idle; the
// upstream acts on the action's request, then hangs up without answering: the agent sees a
// failure, and the note is added once, not twice.
func TestActionSentOnceOnReusedConnection(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/notes") {
			jsonReply(`{"id": 1}`)(w, r)
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		conn.Close()
	})
	in := ae.create(t, &integration.Integration{
		Name: "CRM", URL: up.URL + "/customers", Active: true,
		Actions: []integration.Action{{
			Name: "add_note", Label: "Add note", URL: up.URL + "/notes",
			Headers: []integration.Header{{Name: "Idempotency-Key", Value: "note-{{conversation.id}}"}},
			Body:    `{"note": "{{input.note}}"}`,
			Fields:  []integration.ActionField{{Name: "note", Label: "Note", Type: integration.FieldText, Required: true}},
		}},
	})
	conv := &integration.Conversation{ID: "conv_1"}
	if _, err := ae.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada, Conversation: conv}); err != nil {
		t.Fatal(err)
	}
	res, err := ae.svc.RunAction(t.Context(), memberA, &integration.ActionRequest{
		InboxID: "a1", IntegrationID: in.ID, Action: "add_note", Contact: ada, Conversation: conv,
		Inputs: map[string]string{"note": "call back"}, Confirmed: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != integration.OutcomeFailed || res.Error == nil || res.Error.Category != httpexec.CategoryNetwork {
		t.Errorf("result = %+v, want a network failure", res)
	}
	notes := 0
	up.mu.Lock()
	defer up.mu.Unlock()
	for _, r := range up.reqs {
		if r.Path == "/notes" {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("upstream received the action %d times, want 1", notes)
	}
}

// silent is a host Executor that breaks its contract: no response and no error.
type silent struct{ integration.Executor }

func (silent) Do(context.Context, *httpexec.Request) (*httpexec.Response, error) { return nil, nil }

// A host Executor that returns neither a response nor an error does not make an action look
// done: the run and a live test of it fail as internal errors, as a card does.
func TestActionExecutorWithoutResponse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.service(t, func(o *integration.Options) { o.Executor = silent{e.exec} })
	in, err := svc.Create(t.Context(), adminA, &integration.Integration{Name: "Sync", URL: "https://crm.example.com/c", Active: true,
		Actions: []integration.Action{{Name: "sync", Label: "Sync", Method: "GET", URL: "https://crm.example.com/sync", ResultPath: "status"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Attach(t.Context(), adminA, in.ID, "a1", 0); err != nil {
		t.Fatal(err)
	}
	res, err := svc.RunAction(t.Context(), memberA, &integration.ActionRequest{InboxID: "a1", IntegrationID: in.ID, Action: "sync", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != integration.OutcomeFailed || res.Error == nil || res.Error.Category != httpexec.CategoryInternal {
		t.Errorf("RunAction = %+v, want a failure of category internal", res)
	}
	tr, err := svc.Test(t.Context(), adminA, &integration.TestRequest{Integration: in, Contact: ada, Action: "sync", Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Success || tr.Error == nil || tr.Error.Category != httpexec.CategoryInternal {
		t.Errorf("live test = success %v, error %+v; want a failure of category internal", tr.Success, tr.Error)
	}
}

// An action goes through the guarded executor like a card: a metadata address is refused
// before any dial, a redirect there is refused too, and a 307 redirect to another origin is
// not followed: the POST and its body never reach the other server.
func TestActionSSRF(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	other := newUpstream(t, jsonReply(`{"message": "moved"}`))
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusTemporaryRedirect)
		case "/to-other":
			http.Redirect(w, r, other.URL+"/landed", http.StatusTemporaryRedirect)
		default:
			jsonReply(`{}`)(w, r)
		}
	})
	action := func(name, url string) integration.Action {
		return integration.Action{Name: name, Label: name, URL: url, Body: `{"note": "{{input.note}}"}`,
			Headers: []integration.Header{{Name: "X-Token", Value: "{{secret.token}}"}},
			Fields:  []integration.ActionField{{Name: "note", Label: "Note", Type: integration.FieldText}}}
	}
	in := ae.create(t, &integration.Integration{Name: "CRM", URL: up.URL + "/c", Active: true,
		Secrets: []integration.Secret{{Name: "token", Value: testSecret}},
		Actions: []integration.Action{
			action("to_metadata", up.URL+"/to-metadata"),
			action("to_other", up.URL+"/to-other"),
			{Name: "metadata", Label: "metadata", URL: "http://169.254.169.254/latest/meta-data/",
				Fields: []integration.ActionField{{Name: "note", Label: "Note", Type: integration.FieldText}}},
		}})
	run := func(name string) *integration.ActionResult {
		t.Helper()
		res, err := ae.svc.RunAction(t.Context(), memberA, &integration.ActionRequest{InboxID: "a1", IntegrationID: in.ID,
			Action: name, Contact: ada, Inputs: map[string]string{"note": "hi"}, Confirmed: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res
	}
	for _, name := range []string{"metadata", "to_metadata"} {
		if res := run(name); res.Status != integration.OutcomeFailed || res.Error == nil || res.Error.Category != httpexec.CategoryBlocked {
			t.Errorf("%s: result = %+v, want a blocked failure", name, res)
		}
	}
	if res := run("to_other"); res.Status != integration.OutcomeFailed || res.Error == nil || res.Error.Category != httpexec.CategoryRedirect ||
		!strings.Contains(res.Error.Message, "another server") || strings.Contains(mustJSON(t, res), other.URL) {
		t.Errorf("to_other: result = %+v, want a refused redirect that does not name the other server", res)
	}
	if n := other.calls(); n != 0 {
		t.Errorf("the other origin received %d requests; want none", n)
	}
	if got := up.last(t); got.Header.Get("X-Token") != testSecret {
		t.Errorf("the integration's origin received X-Token %q, want the secret", got.Header.Get("X-Token"))
	}
}
