package integration_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/inboxkit/inboxkit/integration"
)

// A placeholder that makes up a whole path segment is required: a contact without an email
// does not turn ".../customers/{{contact.email}}" into the list endpoint ".../customers/".
func TestPathSegmentPlaceholderIsRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, jsonReply(`[{"id":"someone else"}]`))
	in := e.create(t, &integration.Integration{
		Name: "CRM", URL: up.URL + "/customers/{{contact.email}}", Active: true,
	}, 1, "a1")

	noEmail := integration.Contact{ID: "c1", Name: "No Email"}
	cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: noEmail})
	if err != nil {
		t.Fatal(err)
	}
	want := []integration.Card{{IntegrationID: in.ID, Name: "CRM", Status: integration.StatusNotApplicable, Reason: integration.ReasonMissingVariables, Missing: []string{"contact.email"}}}
	if diff := cmp.Diff(want, cards, cmpCardsIgnoringDuration); diff != "" {
		t.Errorf("cards (-want +got):\n%s", diff)
	}
	if n := up.calls(); n != 0 {
		t.Errorf("the upstream received %d requests, want none", n)
	}

	// A dry run with the same sample data says so, and so does a live run, without sending.
	for _, live := range []bool{false, true} {
		res, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: in, Contact: noEmail, Live: live})
		if err != nil {
			t.Fatal(err)
		}
		if res.Success || res.Sent || !cmp.Equal(res.Missing, []string{"contact.email"}) {
			t.Errorf("Test(live %v) = success %v, sent %v, missing %v; want not sent, missing [contact.email]", live, res.Success, res.Sent, res.Missing)
		}
	}
	if n := up.calls(); n != 0 {
		t.Errorf("the upstream received %d requests, want none", n)
	}

	// With an email, the request goes out.
	cards, err = e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil || cards[0].Status != integration.StatusOK {
		t.Fatalf("Profile with an email = %s, %v", mustJSON(t, cards), err)
	}
	if got, want := up.last(t).Path, "/customers/ada+test@example.com"; got != want {
		t.Errorf("upstream path = %q, want %q", got, want)
	}
}

func TestRequired(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   integration.Integration
		want []string
	}{
		{"listed", integration.Integration{URL: "https://x.example.com/c?e={{contact.email}}", RequiredVariables: []string{"contact.email"}}, []string{"contact.email"}},
		{"whole segments", integration.Integration{URL: "https://x.example.com/t/{{inbox.id}}/c/{{contact.email}}/o?n={{contact.name}}"}, []string{"inbox.id", "contact.email"}},
		{"listed first, no duplicates", integration.Integration{URL: "https://x.example.com/c/{{contact.email}}/{{contact.id}}", RequiredVariables: []string{"contact.id", "contact.id"}}, []string{"contact.id", "contact.email"}},
		{"part of a segment", integration.Integration{URL: "https://x.example.com/c/{{contact.id}}.json"}, nil},
		{"with a default", integration.Integration{URL: "https://x.example.com/c/{{contact.id | default:none}}"}, nil},
		{"invalid URL", integration.Integration{URL: "https://{{contact.id}}/c/{{contact.email}}", RequiredVariables: []string{"nope"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.in.Required()); diff != "" {
				t.Errorf("Required() (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpCardsIgnoringDuration compares cards without their Duration, which depends on the clock.
var cmpCardsIgnoringDuration = cmpopts.IgnoreFields(integration.Card{}, "Duration")
