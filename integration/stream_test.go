package integration_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration"
)

// TestProfileStreamDeliversEachCardWhenReady holds the first card's upstream until the second
// card has been delivered: a stream that waited for every card would deadlock here.
func TestProfileStreamDeliversEachCardWhenReady(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	slow := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		jsonReply(`{"id": 1}`)(w, r)
	})
	fast := newUpstream(t, jsonReply(`{"id": 2}`))
	first := e.create(t, &integration.Integration{Name: "Slow", URL: slow.URL + "/c", Active: true}, 1, "a1")
	second := e.create(t, &integration.Integration{Name: "Fast", URL: fast.URL + "/c", Active: true}, 2, "a1")

	pending, cards, err := e.svc.ProfileStream(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatalf("ProfileStream = %v", err)
	}
	want := []integration.Card{
		{IntegrationID: first.ID, Name: "Slow", Status: integration.StatusLoading},
		{IntegrationID: second.ID, Name: "Fast", Status: integration.StatusLoading},
	}
	if diff := cmp.Diff(want, pending); diff != "" {
		t.Errorf("pending cards mismatch (-want +got):\n%s", diff)
	}
	var order []string
	for i, c := range cards {
		order = append(order, c.Name)
		if c.IntegrationID != pending[i].IntegrationID {
			t.Errorf("card %d is %s, want %s", i, c.IntegrationID, pending[i].IntegrationID)
		}
		if c.Status != integration.StatusOK {
			t.Errorf("card %s status = %s (%+v), want ok", c.Name, c.Status, c.Error)
		}
		if c.Name == "Fast" {
			close(release)
		}
	}
	if diff := cmp.Diff([]string{"Fast", "Slow"}, order); diff != "" {
		t.Errorf("delivery order mismatch (-want +got):\n%s", diff)
	}
}

// TestProfileStreamStopEarly breaks out of the sequence while a card is still running: the
// running card is canceled, and the sequence returns only when it has ended.
func TestProfileStreamStopEarly(t *testing.T) {
	e := newEnv(t)
	canceled := make(chan struct{})
	hang := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		close(canceled)
	})
	fast := newUpstream(t, jsonReply(`{}`))
	e.create(t, &integration.Integration{Name: "Hang", URL: hang.URL + "/c", Active: true, Timeout: integration.MaxTimeout}, 1, "a1")
	e.create(t, &integration.Integration{Name: "Fast", URL: fast.URL + "/c", Active: true}, 2, "a1")

	_, cards, err := e.svc.ProfileStream(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range cards {
		n++
		break
	}
	if n != 1 {
		t.Fatalf("got %d cards before break, want 1", n)
	}
	select {
	case <-canceled: // the hanging upstream saw its request canceled
	case <-time.After(5 * time.Second):
		t.Fatal("the running card was not canceled when the consumer stopped")
	}
	for range cards {
		t.Error("a second range over the sequence yielded a card")
	}
}

func TestProfileStreamErrors(t *testing.T) {
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{}`))
	in := e.create(t, &integration.Integration{Name: "A", URL: up.URL + "/c", Active: true}, 1, "a1")
	tests := []struct {
		name  string
		actor integration.Actor
		req   *integration.ProfileRequest
		want  error
	}{
		{"other team's inbox", memberA, &integration.ProfileRequest{InboxID: "b1"}, integration.ErrNotFound},
		{"unknown inbox", memberA, &integration.ProfileRequest{InboxID: "zz"}, integration.ErrNotFound},
		{"inbox of the actor's team seen by another team", adminB, &integration.ProfileRequest{InboxID: "a1"}, integration.ErrNotFound},
		{"card not attached", memberA, &integration.ProfileRequest{InboxID: "a2", IntegrationID: in.ID}, integration.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.svc.ProfileStream(t.Context(), tt.actor, tt.req)
			if !errors.Is(err, tt.want) {
				t.Errorf("ProfileStream = %v, want %v", err, tt.want)
			}
		})
	}
	if _, _, err := e.svc.ProfileStream(t.Context(), memberA, nil); err == nil {
		t.Error("ProfileStream(nil request) = nil error")
	}
	if up.calls() != 0 {
		t.Errorf("upstream called %d times by failed streams", up.calls())
	}
}

func TestReorder(t *testing.T) {
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{}`))
	a := e.create(t, &integration.Integration{Name: "A", URL: up.URL + "/a", Active: true}, 1, "a1")
	b := e.create(t, &integration.Integration{Name: "B", URL: up.URL + "/b", Active: true}, 2, "a1")
	c := e.create(t, &integration.Integration{Name: "C", URL: up.URL + "/c", Active: true}, 3, "a1")
	ctx := t.Context()
	if err := e.svc.SetEnabled(ctx, adminA, b.ID, "a1", false); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Reorder(ctx, adminA, "a1", []string{c.ID, a.ID, b.ID}); err != nil {
		t.Fatalf("Reorder = %v", err)
	}
	list, err := e.svc.ListForInbox(ctx, memberA, "a1")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID       string
		Position int
		Enabled  bool
	}
	var got []row
	for _, at := range list {
		got = append(got, row{at.Integration.ID, at.Attachment.Position, at.Attachment.Enabled})
	}
	want := []row{{c.ID, 1, true}, {a.ID, 2, true}, {b.ID, 3, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after Reorder (-want +got):\n%s", diff)
	}

	bad := []struct {
		name  string
		actor integration.Actor
		inbox string
		order []string
		want  error
		probs []integration.Problem
	}{
		{name: "member", actor: memberA, inbox: "a1", order: []string{a.ID, b.ID, c.ID}, want: integration.ErrForbidden},
		{name: "other team", actor: adminB, inbox: "a1", order: []string{a.ID, b.ID, c.ID}, want: integration.ErrNotFound},
		{name: "duplicate and missing", actor: adminA, inbox: "a1", order: []string{a.ID, a.ID, b.ID}, probs: []integration.Problem{
			{Path: "/1", Code: integration.CodeDuplicate, Message: "integration is listed twice"},
			{Path: "", Code: integration.CodeRequired, Message: "every attached integration must be listed; 3 are attached"},
		}},
		{name: "not attached", actor: adminA, inbox: "a2", order: []string{a.ID}, probs: []integration.Problem{
			{Path: "/0", Code: integration.CodeNotAttached, Message: "integration is not attached to the inbox"},
		}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			err := e.svc.Reorder(ctx, tt.actor, tt.inbox, tt.order)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("Reorder = %v, want %v", err, tt.want)
				}
				return
			}
			ve, ok := errors.AsType[*integration.ValidationError](err)
			if !ok {
				t.Fatalf("Reorder = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tt.probs, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	// A refused reorder changed nothing.
	list, _ = e.svc.ListForInbox(ctx, memberA, "a1")
	if list[0].Integration.ID != c.ID || list[2].Integration.ID != b.ID {
		t.Errorf("a refused Reorder changed the order")
	}
}

func TestInvalidateCache(t *testing.T) {
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{"id": 1}`))
	in := e.create(t, &integration.Integration{Name: "A", URL: up.URL + "/a", Active: true, CacheMinutes: 10}, 1, "a1")
	ctx := t.Context()
	load := func() {
		t.Helper()
		if _, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); err != nil {
			t.Fatal(err)
		}
	}
	load()
	load()
	if up.calls() != 1 {
		t.Fatalf("upstream calls = %d after a cached load, want 1", up.calls())
	}
	for _, tt := range []struct {
		actor integration.Actor
		want  error
	}{{memberA, integration.ErrForbidden}, {adminB, integration.ErrNotFound}} {
		if err := e.svc.InvalidateCache(ctx, tt.actor, in.ID); !errors.Is(err, tt.want) {
			t.Errorf("InvalidateCache(%+v) = %v, want %v", tt.actor, err, tt.want)
		}
	}
	load()
	if up.calls() != 1 {
		t.Fatalf("a refused invalidation dropped the cache")
	}
	if err := e.svc.InvalidateCache(ctx, adminA, in.ID); err != nil {
		t.Fatalf("InvalidateCache = %v", err)
	}
	load()
	if up.calls() != 2 {
		t.Errorf("upstream calls = %d after invalidation, want 2", up.calls())
	}
}

// TestInvalidateContact drops one contact's cached responses, secret-carrying request
// included, and keeps the other contact's.
func TestInvalidateContact(t *testing.T) {
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{"id": 1}`))
	e.create(t, &integration.Integration{Name: "A", URL: up.URL + "/a?e={{contact.email}}", Active: true, CacheMinutes: 10,
		Headers: []integration.Header{{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true}}}, 1, "a1")
	e.create(t, &integration.Integration{Name: "B", URL: up.URL + "/b/{{contact.phone_number}}", Active: true, CacheMinutes: 10}, 2, "a1")
	grace := integration.Contact{ID: "c2", Name: "Grace", Email: "grace@example.com", PhoneNumber: "+1 555"}
	ctx := t.Context()
	load := func(c integration.Contact) []integration.Card {
		t.Helper()
		cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: c})
		if err != nil {
			t.Fatal(err)
		}
		return cards
	}
	load(ada)
	load(grace)
	if up.calls() != 4 {
		t.Fatalf("upstream calls = %d, want 4", up.calls())
	}
	if err := e.svc.InvalidateContact(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); err != nil {
		t.Fatalf("InvalidateContact = %v", err)
	}
	for _, c := range load(ada) {
		if c.FromCache {
			t.Errorf("Ada's card %s still from the cache", c.Name)
		}
	}
	for _, c := range load(grace) {
		if !c.FromCache {
			t.Errorf("Grace's card %s was dropped too", c.Name)
		}
	}
	if up.calls() != 6 {
		t.Errorf("upstream calls = %d, want 6", up.calls())
	}
	if err := e.svc.InvalidateContact(ctx, adminB, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("another team's InvalidateContact = %v, want ErrNotFound", err)
	}
	// A contact without the card's variables has nothing cached and nothing to drop.
	if err := e.svc.InvalidateContact(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: integration.Contact{ID: "c3"}}); err != nil {
		t.Errorf("InvalidateContact of a contact without values = %v", err)
	}
	svc := e.service(t, func(o *integration.Options) { o.Executor = plainExecutor{e.exec} })
	if err := svc.InvalidateContact(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("InvalidateContact with an executor without Forget = %v, want ErrUnsupported", err)
	}
}

// plainExecutor hides the executor's Forget.
type plainExecutor struct{ integration.Executor }
