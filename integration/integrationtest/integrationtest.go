package integrationtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/integration"
)

// Run tests an integration.Store. When the stores newStore returns also implement
// integration.SharedLister, Run checks that ListShared agrees with List and that a list it
// handed out never changes. When they implement integration.Attachments, Run also runs the
// attachment suite and checks that deleting an integration removes its attachments.
func Run(t *testing.T, newStore func(t *testing.T) integration.Store) {
	t.Helper()
	for _, tc := range storeTests {
		t.Run(tc.name, func(t *testing.T) {
			tc.f(t, t.Context(), newStore(t))
		})
	}
	probe := newStore(t)
	if _, ok := probe.(integration.SharedLister); ok {
		t.Run("ListShared", func(t *testing.T) { testListShared(t, t.Context(), newStore(t)) })
	}
	if _, ok := probe.(integration.Attachments); !ok {
		return
	}
	RunAttachments(t, func(t *testing.T) integration.Attachments {
		return newStore(t).(integration.Attachments)
	})
	t.Run("DeleteRemovesAttachments", func(t *testing.T) {
		ctx := t.Context()
		s := newStore(t)
		att := s.(integration.Attachments)
		in := Sample("team-1", "int-1")
		mustSave(t, ctx, s, in, 0)
		keep := Sample("team-1", "int-2")
		mustSave(t, ctx, s, keep, 0)
		for _, a := range []integration.Attachment{
			{IntegrationID: "int-1", InboxID: "inbox-1", Enabled: true, Position: 1},
			{IntegrationID: "int-2", InboxID: "inbox-1", Enabled: true, Position: 2},
		} {
			if err := att.PutAttachment(ctx, a); err != nil {
				t.Fatalf("PutAttachment(%+v) = %v", a, err)
			}
		}
		if err := s.Delete(ctx, "team-1", "int-1"); err != nil {
			t.Fatalf("Delete = %v", err)
		}
		got, err := att.ListAttachments(ctx, "inbox-1")
		if err != nil {
			t.Fatalf("ListAttachments = %v", err)
		}
		if len(got) != 1 || got[0].IntegrationID != "int-2" {
			t.Errorf("after Delete(int-1), ListAttachments(inbox-1) = %+v, want only int-2", got)
		}
	})
}

// testListShared checks an integration.SharedLister: ListShared lists what List lists, and a
// list it handed out is never changed by later writes (its readers hold no lock).
func testListShared(t *testing.T, ctx context.Context, s integration.Store) {
	sl := s.(integration.SharedLister)
	for _, id := range []string{"int-3", "int-1", "int-2"} {
		mustSave(t, ctx, s, Sample("team-1", id), 0)
	}
	mustSave(t, ctx, s, Sample("team-2", "int-9"), 0)
	shared, err := sl.ListShared(ctx, "team-1")
	if err != nil {
		t.Fatalf("ListShared = %v", err)
	}
	list, err := s.List(ctx, "team-1")
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	if len(shared) != len(list) {
		t.Fatalf("ListShared = %d integrations, List = %d", len(shared), len(list))
	}
	for i := range list {
		equal(t, fmt.Sprintf("ListShared()[%d]", i), list[i], shared[i])
	}
	held := make([]string, len(shared))
	for i, in := range shared {
		held[i] = fmt.Sprintf("%s v%d %s", in.ID, in.Version, in.Name)
	}
	v2 := Sample("team-1", "int-2")
	v2.Name, v2.Version = "Renamed", 2
	mustSave(t, ctx, s, v2, 1)
	if err := s.Delete(ctx, "team-1", "int-1"); err != nil {
		t.Fatalf("Delete = %v", err)
	}
	mustSave(t, ctx, s, Sample("team-1", "int-0"), 0)
	for i, in := range shared {
		if got := fmt.Sprintf("%s v%d %s", in.ID, in.Version, in.Name); got != held[i] {
			t.Errorf("a list ListShared handed out changed after writes: [%d] = %s, was %s", i, got, held[i])
		}
	}
	after, err := sl.ListShared(ctx, "team-1")
	if err != nil {
		t.Fatalf("ListShared after writes = %v", err)
	}
	var ids []string
	for _, in := range after {
		ids = append(ids, fmt.Sprintf("%s v%d", in.ID, in.Version))
	}
	if got, want := fmt.Sprint(ids), "[int-0 v1 int-2 v2 int-3 v1]"; got != want {
		t.Errorf("ListShared after writes = %s, want %s", got, want)
	}
	if none, err := sl.ListShared(ctx, "team-3"); err != nil || len(none) != 0 {
		t.Errorf("ListShared(team without integrations) = %d, %v; want 0, nil", len(none), err)
	}
}

// Sample returns a fully populated integration of team teamID with ID id and Version 1, as the
// Service would store it (secret values sealed, clear values empty).
func Sample(teamID, id string) *integration.Integration {
	at := time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC)
	return &integration.Integration{
		ID: id, TeamID: teamID, Name: "Customer Data " + id, Description: "CRM lookup",
		Method: integration.MethodPost, URL: "https://crm.example.com/v1/customers/{{contact.id}}",
		Headers: []integration.Header{
			{Name: "Accept", Value: "application/json"},
			{Name: "Authorization", Secret: true, Sealed: "v1.k1.c2VhbGVk"},
			{Name: "X-Email", Value: "{{contact.email}}"},
		},
		Query:             []integration.QueryParam{{Name: "email", Value: "{{contact.email}}"}, {Name: "expand", Value: "orders"}},
		Body:              `{"email":"{{contact.email}}","name":"{{contact.name}}"}`,
		CacheMinutes:      15,
		Active:            true,
		Display:           integration.Display{Enabled: true, Template: json.RawMessage(`{"version":1,"sections":[]}`)},
		RequiredVariables: []string{"contact.email"},
		Condition:         json.RawMessage(`{"path":"contact.attributes.plan","op":"eq","value":"vip"}`),
		StepName:          "lookup",
		Steps: []integration.Step{{
			Name: "orders", Method: integration.MethodGet, URL: "https://shop.example.com/customers/{{steps.lookup.body.id}}/orders",
			Headers: []integration.Header{{Name: "X-Customer", Value: "{{steps.lookup.body.name}}"}},
			Query:   []integration.QueryParam{{Name: "limit", Value: "5"}}, ShowEarlierSteps: true,
		}},
		Actions: []integration.Action{{
			Name: "refund", Label: "Refund", Method: integration.MethodPost, URL: "https://crm.example.com/v1/refunds/{{contact.id}}",
			Headers: []integration.Header{{Name: "Authorization", Value: "Bearer {{secret.token}}"}},
			Query:   []integration.QueryParam{{Name: "notify", Value: "{{input.notify}}"}},
			Body:    `{"amount":"{{input.amount}}","reason":"{{input.reason}}"}`,
			Fields: []integration.ActionField{
				{Name: "amount", Label: "Amount", Type: integration.FieldNumber, Required: true, Min: new(0.01), Max: new(500.0), Help: "USD"},
				{Name: "reason", Label: "Reason", Type: integration.FieldSelect, Options: []string{"late", "damaged"}, Default: "late"},
				{Name: "note", Label: "Note", Type: integration.FieldTextarea, MaxLength: 500},
				{Name: "notify", Label: "Notify", Type: integration.FieldBoolean},
			},
			Confirm: "Refund this customer?", ResultPath: "refund.message",
		}},
		Secrets:   []integration.Secret{{Name: "token", Sealed: "v1.k1.dG9rZW4"}},
		Timeout:   2500 * time.Millisecond,
		Version:   1,
		CreatedAt: at,
		UpdatedAt: at,
		Triggers: []integration.Trigger{
			{Name: "latest_order", On: integration.EventConversationResolved, Text: `Order #{{steps.orders.body.0.number}} — {{steps.orders.body.0.total | currency:"USD"}}`,
				Link: "https://shop.example.com/o/{{steps.orders.body.0.number}}", Icon: "truck"},
			{Name: "vip", On: integration.EventConversationLabelAdded, Label: "VIP", Text: "VIP customer {{steps.lookup.body.name}}"},
		},
	}
}

type storeTest struct {
	name string
	f    func(t *testing.T, ctx context.Context, s integration.Store)
}

var storeTests = []storeTest{
	{"GetMissing", func(t *testing.T, ctx context.Context, s integration.Store) {
		_, err := s.Get(ctx, "team-1", "nope")
		wantErr(t, "Get(missing)", err, integration.ErrNotFound)
	}},
	{"CreateGetRoundTrip", func(t *testing.T, ctx context.Context, s integration.Store) {
		in := Sample("team-1", "int-1")
		mustSave(t, ctx, s, in, 0)
		got, err := s.Get(ctx, "team-1", "int-1")
		if err != nil {
			t.Fatalf("Get = %v", err)
		}
		equal(t, "Get after create", Sample("team-1", "int-1"), got)
	}},
	{"ZeroValuesRoundTrip", func(t *testing.T, ctx context.Context, s integration.Store) {
		in := &integration.Integration{ID: "int-0", TeamID: "team-1", Version: 1}
		mustSave(t, ctx, s, in, 0)
		got, err := s.Get(ctx, "team-1", "int-0")
		if err != nil {
			t.Fatalf("Get = %v", err)
		}
		equal(t, "Get after create", &integration.Integration{ID: "int-0", TeamID: "team-1", Version: 1}, got)
	}},
	{"CreateExisting", func(t *testing.T, ctx context.Context, s integration.Store) {
		mustSave(t, ctx, s, Sample("team-1", "int-1"), 0)
		err := s.Save(ctx, Sample("team-1", "int-1"), 0)
		wantErr(t, "Save(existing ID, prev 0)", err, integration.ErrConflict)
	}},
	{"OtherTeamIsNotFound", func(t *testing.T, ctx context.Context, s integration.Store) {
		mustSave(t, ctx, s, Sample("team-1", "int-1"), 0)
		_, err := s.Get(ctx, "team-2", "int-1")
		wantErr(t, "Get(other team)", err, integration.ErrNotFound)
		other := Sample("team-2", "int-1")
		other.Version = 2
		wantErr(t, "Save(other team)", s.Save(ctx, other, 1), integration.ErrNotFound)
		wantErr(t, "Delete(other team)", s.Delete(ctx, "team-2", "int-1"), integration.ErrNotFound)
		list, err := s.List(ctx, "team-2")
		if err != nil || len(list) != 0 {
			t.Errorf("List(team-2) = %d integrations, %v; want 0, nil", len(list), err)
		}
		if _, err := s.Get(ctx, "team-1", "int-1"); err != nil {
			t.Errorf("Get(own team) after foreign attempts = %v", err)
		}
	}},
	{"UpdateCompareAndSwap", func(t *testing.T, ctx context.Context, s integration.Store) {
		mustSave(t, ctx, s, Sample("team-1", "int-1"), 0)
		v2 := Sample("team-1", "int-1")
		v2.Name, v2.Version = "Renamed", 2
		v2.UpdatedAt = v2.UpdatedAt.Add(time.Hour)
		mustSave(t, ctx, s, v2, 1)
		got, err := s.Get(ctx, "team-1", "int-1")
		if err != nil {
			t.Fatalf("Get = %v", err)
		}
		equal(t, "Get after update", v2, got)
		stale := Sample("team-1", "int-1")
		stale.Version = 2
		wantErr(t, "Save(stale prev 1)", s.Save(ctx, stale, 1), integration.ErrConflict)
		missing := Sample("team-1", "int-9")
		missing.Version = 2
		wantErr(t, "Save(missing, prev 1)", s.Save(ctx, missing, 1), integration.ErrNotFound)
	}},
	{"ConcurrentUpdatesOneWins", func(t *testing.T, ctx context.Context, s integration.Store) {
		mustSave(t, ctx, s, Sample("team-1", "int-1"), 0)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				in := Sample("team-1", "int-1")
				in.Name, in.Version = fmt.Sprintf("writer %d", i), 2
				errs[i] = s.Save(ctx, in, 1)
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, integration.ErrConflict):
				t.Errorf("concurrent Save = %v, want nil or ErrConflict", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d concurrent Saves with the same prevVersion succeeded, want 1", ok, n)
		}
	}},
	{"CopiesInAndOut", func(t *testing.T, ctx context.Context, s integration.Store) {
		in := Sample("team-1", "int-1")
		mustSave(t, ctx, s, in, 0)
		in.Name, in.Headers[0].Value, in.Query[0].Name, in.Display.Template[0] = "x", "x", "x", ' '
		in.Condition[0], in.Steps[0].URL, in.Steps[0].Headers[0].Value = ' ', "x", "x"
		in.Actions[0].URL, in.Actions[0].Headers[0].Value, in.Actions[0].Fields[1].Options[0], *in.Actions[0].Fields[0].Max = "x", "x", "x", 1
		got, err := s.Get(ctx, "team-1", "int-1")
		if err != nil {
			t.Fatalf("Get = %v", err)
		}
		equal(t, "Get after modifying the saved value", Sample("team-1", "int-1"), got)
		got.Headers[1].Sealed, got.Secrets[0].Sealed, got.RequiredVariables[0] = "x", "x", "x"
		got.Condition[0], got.Steps[0].Headers[0].Value, got.Steps[0].Query[0].Value = ' ', "x", "x"
		got.Actions[0].Query[0].Value, got.Actions[0].Fields[1].Options[0], *got.Actions[0].Fields[0].Min = "x", "x", 7
		again, err := s.Get(ctx, "team-1", "int-1")
		if err != nil {
			t.Fatalf("Get = %v", err)
		}
		equal(t, "Get after modifying a returned value", Sample("team-1", "int-1"), again)
	}},
	{"ListByTeamOrderedByID", func(t *testing.T, ctx context.Context, s integration.Store) {
		for _, id := range []string{"int-c", "int-a", "int-b"} {
			mustSave(t, ctx, s, Sample("team-1", id), 0)
		}
		mustSave(t, ctx, s, Sample("team-2", "int-d"), 0)
		list, err := s.List(ctx, "team-1")
		if err != nil {
			t.Fatalf("List = %v", err)
		}
		var ids []string
		for _, in := range list {
			ids = append(ids, in.ID)
		}
		if fmt.Sprint(ids) != "[int-a int-b int-c]" {
			t.Errorf("List(team-1) IDs = %v, want [int-a int-b int-c]", ids)
		}
		if len(list) > 0 {
			equal(t, "List(team-1)[0]", Sample("team-1", "int-a"), list[0])
		}
		empty, err := s.List(ctx, "team-none")
		if err != nil || len(empty) != 0 {
			t.Errorf("List(team-none) = %d, %v; want 0, nil", len(empty), err)
		}
	}},
	{"SecretsReachTheUpstream", secretsReachTheUpstream},
	{"Delete", func(t *testing.T, ctx context.Context, s integration.Store) {
		mustSave(t, ctx, s, Sample("team-1", "int-1"), 0)
		if err := s.Delete(ctx, "team-1", "int-1"); err != nil {
			t.Fatalf("Delete = %v", err)
		}
		_, err := s.Get(ctx, "team-1", "int-1")
		wantErr(t, "Get after Delete", err, integration.ErrNotFound)
		wantErr(t, "Delete twice", s.Delete(ctx, "team-1", "int-1"), integration.ErrNotFound)
	}},
}

// RunAttachments tests an integration.Attachments.
func RunAttachments(t *testing.T, newAttachments func(t *testing.T) integration.Attachments) {
	t.Helper()
	t.Run("Attachments", func(t *testing.T) {
		t.Run("Empty", func(t *testing.T) {
			got, err := newAttachments(t).ListAttachments(t.Context(), "inbox-1")
			if err != nil || len(got) != 0 {
				t.Errorf("ListAttachments(empty) = %+v, %v; want none, nil", got, err)
			}
		})
		t.Run("PutListOrderReplaceDelete", func(t *testing.T) {
			ctx := t.Context()
			s := newAttachments(t)
			for _, a := range []integration.Attachment{
				{IntegrationID: "int-b", InboxID: "inbox-1", Enabled: true, Position: 2},
				{IntegrationID: "int-a", InboxID: "inbox-1", Enabled: false, Position: 2},
				{IntegrationID: "int-c", InboxID: "inbox-1", Enabled: true, Position: 1},
				{IntegrationID: "int-a", InboxID: "inbox-2", Enabled: true, Position: 0},
			} {
				if err := s.PutAttachment(ctx, a); err != nil {
					t.Fatalf("PutAttachment(%+v) = %v", a, err)
				}
			}
			list := func(inbox string) string {
				t.Helper()
				got, err := s.ListAttachments(ctx, inbox)
				if err != nil {
					t.Fatalf("ListAttachments(%s) = %v", inbox, err)
				}
				return fmt.Sprintf("%+v", got)
			}
			want := "[{IntegrationID:int-c InboxID:inbox-1 Enabled:true Position:1} " +
				"{IntegrationID:int-a InboxID:inbox-1 Enabled:false Position:2} " +
				"{IntegrationID:int-b InboxID:inbox-1 Enabled:true Position:2}]"
			if got := list("inbox-1"); got != want {
				t.Errorf("ListAttachments(inbox-1) =\n%s\nwant (by position, then integration ID)\n%s", got, want)
			}
			if err := s.PutAttachment(ctx, integration.Attachment{IntegrationID: "int-a", InboxID: "inbox-1", Enabled: true, Position: 0}); err != nil {
				t.Fatalf("PutAttachment(replace) = %v", err)
			}
			want = "[{IntegrationID:int-a InboxID:inbox-1 Enabled:true Position:0} " +
				"{IntegrationID:int-c InboxID:inbox-1 Enabled:true Position:1} " +
				"{IntegrationID:int-b InboxID:inbox-1 Enabled:true Position:2}]"
			if got := list("inbox-1"); got != want {
				t.Errorf("after replacing int-a: ListAttachments(inbox-1) =\n%s\nwant\n%s", got, want)
			}
			if err := s.DeleteAttachment(ctx, "int-c", "inbox-1"); err != nil {
				t.Fatalf("DeleteAttachment = %v", err)
			}
			wantErr(t, "DeleteAttachment twice", s.DeleteAttachment(ctx, "int-c", "inbox-1"), integration.ErrNotFound)
			want = "[{IntegrationID:int-a InboxID:inbox-1 Enabled:true Position:0} " +
				"{IntegrationID:int-b InboxID:inbox-1 Enabled:true Position:2}]"
			if got := list("inbox-1"); got != want {
				t.Errorf("after deleting int-c: ListAttachments(inbox-1) =\n%s\nwant\n%s", got, want)
			}
			if got, want := list("inbox-2"), "[{IntegrationID:int-a InboxID:inbox-2 Enabled:true Position:0}]"; got != want {
				t.Errorf("ListAttachments(inbox-2) = %s, want %s", got, want)
			}
		})
		t.Run("ConcurrentPuts", func(t *testing.T) {
			ctx := t.Context()
			s := newAttachments(t)
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Go(func() {
					a := integration.Attachment{IntegrationID: fmt.Sprintf("int-%02d", i), InboxID: "inbox-1", Enabled: true, Position: i}
					if err := s.PutAttachment(ctx, a); err != nil {
						t.Errorf("PutAttachment = %v", err)
					}
				})
			}
			wg.Wait()
			got, err := s.ListAttachments(ctx, "inbox-1")
			if err != nil || len(got) != 16 {
				t.Errorf("ListAttachments after 16 concurrent puts = %d, %v; want 16, nil", len(got), err)
			}
		})
	})
}

func mustSave(t *testing.T, ctx context.Context, s integration.Store, in *integration.Integration, prev int64) {
	t.Helper()
	if err := s.Save(ctx, in, prev); err != nil {
		t.Fatalf("Save(%s, prev %d) = %v", in.ID, prev, err)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v, want an error wrapping %v", what, err, want)
	}
}

// equal compares two integrations through their JSON encoding (which shows sealed forms) with
// times at millisecond precision.
func equal(t *testing.T, what string, want, got *integration.Integration) {
	t.Helper()
	norm := func(in *integration.Integration) string {
		c := in.Clone()
		c.CreatedAt = c.CreatedAt.Truncate(time.Millisecond).UTC()
		c.UpdatedAt = c.UpdatedAt.Truncate(time.Millisecond).UTC()
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("%s: encode: %v", what, err)
		}
		return string(b)
	}
	if w, g := norm(want), norm(got); w != g {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}
