package integration_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration"
)

// TestRunCondition: a card runs only for the contacts, conversations, inboxes and agents its
// condition names; otherwise it is not applicable with the reason, and nothing is sent.
func TestRunCondition(t *testing.T) {
	t.Parallel()
	vip := json.RawMessage(`{"all": [
		{"path": "contact.attributes.plan", "op": "eq", "value": "vip"},
		{"path": "conversation.status", "op": "in", "value": ["open", "pending"]},
		{"not": {"path": "conversation.labels", "op": "contains", "value": "spam"}},
		{"path": "contact.email", "op": "exists"},
		{"path": "inbox.name", "op": "ne", "value": "Sales"},
		{"any": [{"path": "agent.email", "op": "ends_with", "value": "@helpdesk.example"}, {"path": "team.name", "op": "eq", "value": "Acme"}]}]}`)
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{"id": 1}`))
	in := e.create(t, &integration.Integration{Name: "VIP", URL: up.URL + "/vip?email={{contact.email}}", Active: true, Condition: vip}, 0, "a1", "a2")
	base := func() integration.ProfileRequest {
		return integration.ProfileRequest{
			InboxID:      "a1",
			Contact:      integration.Contact{ID: "c1", Email: "ada@example.com", Attributes: map[string]string{"plan": "vip"}},
			Conversation: &integration.Conversation{ID: "cv", Status: "open", Labels: []string{"billing"}},
			Agent:        &integration.Agent{Email: "grace@helpdesk.example"},
		}
	}
	tests := []struct {
		name string
		edit func(*integration.ProfileRequest)
		want integration.Status
	}{
		{"all hold", func(*integration.ProfileRequest) {}, integration.StatusOK},
		{"another plan", func(r *integration.ProfileRequest) { r.Contact.Attributes["plan"] = "free" }, integration.StatusNotApplicable},
		{"plan empty", func(r *integration.ProfileRequest) { r.Contact.Attributes["plan"] = "" }, integration.StatusNotApplicable},
		{"resolved", func(r *integration.ProfileRequest) { r.Conversation.Status = "resolved" }, integration.StatusNotApplicable},
		{"no conversation", func(r *integration.ProfileRequest) { r.Conversation = nil }, integration.StatusNotApplicable},
		{"spam label", func(r *integration.ProfileRequest) { r.Conversation.Labels = []string{"x", "spam"} }, integration.StatusNotApplicable},
		{"empty email", func(r *integration.ProfileRequest) { r.Contact.Email = "" }, integration.StatusNotApplicable},
		{"sales inbox", func(r *integration.ProfileRequest) { r.InboxID = "a2" }, integration.StatusNotApplicable},
		{"outside agent, team Acme", func(r *integration.ProfileRequest) {
			r.Agent.Email = "x@other.example"
			r.Team = &integration.Team{Name: "Acme"}
		}, integration.StatusOK},
		{"outside agent", func(r *integration.ProfileRequest) { r.Agent = nil }, integration.StatusNotApplicable},
		{"hostile attribute", func(r *integration.ProfileRequest) { r.Contact.Attributes["plan"] = `vip", "x": "` }, integration.StatusNotApplicable},
	}
	for _, tt := range tests {
		r := base()
		tt.edit(&r)
		before := up.calls()
		cards, err := e.svc.Profile(t.Context(), memberA, &r)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want := integration.Card{IntegrationID: in.ID, Name: "VIP", Status: tt.want}
		if tt.want == integration.StatusNotApplicable {
			want.Reason = integration.ReasonCondition
		}
		got := cards[0]
		got.Raw, got.FetchedAt, got.FromCache = nil, want.FetchedAt, false
		if diff := cmp.Diff(want, got, cmpCardsIgnoringDuration); diff != "" {
			t.Errorf("%s: card (-want +got):\n%s", tt.name, diff)
		}
		if sent := up.calls() - before; (sent == 1) != (tt.want == integration.StatusOK) && !cards[0].FromCache {
			t.Errorf("%s: %d requests sent", tt.name, sent)
		}
	}

	// A test run with sample data that fails the condition shows the request and sends nothing.
	res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{Integration: in, Live: true, Contact: integration.Contact{Email: "a@b.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reason != integration.ReasonCondition || res.Sent || res.Success || !strings.Contains(res.Request.URL, "email=a%40b.example") {
		t.Errorf("test run = %s, want the request, not sent, reason condition_not_met", mustJSON(t, res))
	}
}

func TestRunConditionValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cond string
		want []integration.Problem
	}{
		{`{"path": "contact.atributes.plan", "op": "exists"}`, []integration.Problem{{Path: "/condition/path", Code: integration.CodeUnknownVariable}}},
		{`{"any": [{"path": "contact.email", "op": "exists"}, {"not": {"path": "secret.token", "op": "exists"}}]}`,
			[]integration.Problem{{Path: "/condition/any/1/not/path", Code: integration.CodeUnknownVariable}}},
		{`{"path": "now", "op": "exists"}`, []integration.Problem{{Path: "/condition/path", Code: integration.CodeUnknownVariable}}},
		{`{"path": "contact.email", "op": "equals", "value": 1}`, []integration.Problem{{Path: "/condition/op", Code: "unknown_op"}}},
		{`{"path": "contact.email", "op": "eq"}`, []integration.Problem{{Path: "/condition/value", Code: "missing_field"}}},
		{`"contact.email exists"`, []integration.Problem{{Path: "/condition", Code: "invalid_type"}}},
	}
	for _, tt := range tests {
		in := &integration.Integration{Name: "n", URL: "https://api.example.com/", Condition: json.RawMessage(tt.cond)}
		err := in.Validate()
		ve, ok := errors.AsType[*integration.ValidationError](err)
		if !ok {
			t.Fatalf("%s: Validate = %v", tt.cond, err)
		}
		if diff := cmp.Diff(tt.want, ve.Problems, ignoreMessage); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s", tt.cond, diff)
		}
	}
	for _, ok := range []string{
		`null`, `{"path": "conversation.labels.#", "op": "gt", "value": 2}`, `{"path": "$root.contact.attributes", "op": "empty"}`,
		`{"path": "team.time_zone", "op": "eq", "value": "UTC"}`, `{"path": "conversation.assignee_id", "op": "exists"}`,
	} {
		in := &integration.Integration{Name: "n", URL: "https://api.example.com/", Condition: json.RawMessage(ok)}
		if err := in.Validate(); err != nil {
			t.Errorf("%s: Validate = %v", ok, err)
		}
	}
}

var ignoreMessage = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Message" }, cmp.Ignore())
