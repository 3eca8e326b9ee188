package integration_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

// An admin of another team cannot learn whether an integration ID exists by creating an
// integration with that ID: Create always assigns a new ID.
func TestCreateIgnoresCallerID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	a := e.create(t, &integration.Integration{Name: "CRM", URL: "https://crm.example.com/x", Active: true}, 0)
	got, err := e.svc.Create(ctx, adminB, &integration.Integration{ID: a.ID, Name: "probe", URL: "https://probe.example.com/"})
	if err != nil {
		t.Fatalf("Create by team-b with team-a's ID = %v, want success with a new ID (no existence oracle)", err)
	}
	if got.ID == a.ID || got.ID == "" || got.TeamID != "team-b" {
		t.Errorf("Create by team-b with team-a's ID returned ID %q team %q; want a new ID of team-b", got.ID, got.TeamID)
	}
	own, err := e.svc.Create(ctx, adminA, &integration.Integration{ID: "chosen", Name: "x", URL: "https://x.example.com/"})
	if err != nil || own.ID == "chosen" {
		t.Errorf("Create with ID %q = %v, %v; want a Service-assigned ID", "chosen", own, err)
	}
	if cur, err := e.svc.Get(ctx, adminA, a.ID); err != nil || cur.Name != "CRM" {
		t.Errorf("team-a's integration after the probe = %+v, %v", cur, err)
	}
}

// A host whose store hands out a deleted integration's ID again (NewID below) gets the new
// integration's request, not the compiled form of the deleted one cached under the same
// team, ID and version.
func TestReusedIDDoesNotReuseCompiledRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	svc := e.service(t, func(o *integration.Options) { o.NewID = func() string { return "int-1" } })
	oldUp := newUpstream(t, jsonReply(`{"who":"old"}`))
	newUp := newUpstream(t, jsonReply(`{"who":"new"}`))
	load := func() integration.Card {
		t.Helper()
		cards, err := svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		if err != nil || len(cards) != 1 {
			t.Fatalf("Profile = %v, %v", cards, err)
		}
		return cards[0]
	}
	for i, up := range []*upstream{oldUp, newUp} {
		in, err := svc.Create(ctx, adminA, &integration.Integration{Name: "CRM", URL: up.URL + "/c", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Attach(ctx, adminA, in.ID, "a1", 0); err != nil {
			t.Fatal(err)
		}
		load()
		if i == 0 {
			if err := svc.Delete(ctx, adminA, in.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if oldUp.calls() != 1 || newUp.calls() != 1 {
		t.Errorf("upstream calls old %d, new %d; want 1, 1 (the re-created integration must call its own URL)", oldUp.calls(), newUp.calls())
	}
	if c := load(); string(c.Raw) != `{"who":"new"}` {
		t.Errorf("card = %s, want the new integration's response", c.Raw)
	}
}

// panicky is a host Executor that panics for one URL.
type panicky struct{ integration.Executor }

func (p panicky) Do(ctx context.Context, r *httpexec.Request) (*httpexec.Response, error) {
	if strings.HasSuffix(r.URL, "/panic") {
		panic("host executor bug")
	}
	return p.Executor.Do(ctx, r)
}

// reversed is a host attachment store that ignores the documented order.
type reversed struct{ *memstore.Store }

func (r reversed) ListAttachments(ctx context.Context, inboxID string) ([]integration.Attachment, error) {
	atts, err := r.Store.ListAttachments(ctx, inboxID)
	slices.Reverse(atts)
	return atts, err
}

// One card's panic (in host code) fails that card only, and cards keep the position order
// even when the host's store returns attachments in another order.
func TestProfileSurvivesPanicAndSortsCards(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	svc := e.service(t, func(o *integration.Options) { o.Attachments, o.Executor = reversed{e.store}, panicky{e.exec} })
	up := newUpstream(t, jsonReply(`{"ok":true}`))
	for i, name := range []string{"first", "panics", "third"} {
		path := "/" + name
		if name == "panics" {
			path = "/panic"
		}
		in, err := svc.Create(ctx, adminA, &integration.Integration{Name: name, URL: up.URL + path, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Attach(ctx, adminA, in.ID, "a1", i); err != nil {
			t.Fatal(err)
		}
	}
	cards, err := svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cards {
		s := c.Name + ":" + string(c.Status)
		if c.Error != nil {
			s += ":" + string(c.Error.Category)
		}
		got = append(got, s)
	}
	if want := "first:ok panics:error:internal third:ok"; strings.Join(got, " ") != want {
		t.Errorf("cards = %v, want %s", got, want)
	}
}

// teamBlind is a host store whose Delete ignores the team (a missing WHERE clause).
type teamBlind struct{ *memstore.Store }

func (s teamBlind) Delete(ctx context.Context, _, id string) error {
	for _, team := range []string{"team-a", "team-b"} {
		if err := s.Store.Delete(ctx, team, id); err == nil {
			return nil
		}
	}
	return integration.ErrNotFound
}

// The Service refuses another team's integration itself, even when the host's store would not.
func TestDeleteChecksTeamBeforeTheStore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	svc := e.service(t, func(o *integration.Options) { o.Store = teamBlind{e.store} })
	in := e.create(t, &integration.Integration{Name: "CRM", URL: "https://crm.example.com/x", Active: true}, 0, "a1")
	if err := svc.Delete(ctx, adminB, in.ID); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("Delete by team-b = %v, want ErrNotFound", err)
	}
	if _, err := e.svc.Get(ctx, adminA, in.ID); err != nil {
		t.Errorf("team-a's integration after team-b's Delete: %v", err)
	}
}

// The raw JSON of a card belongs to the host: changing it does not change what the cache serves
// to the next load (another agent, maybe another contact).
func TestCardRawIsNotTheCachedBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{"plan":"pro"}`))
	e.create(t, &integration.Integration{Name: "CRM", URL: up.URL, CacheMinutes: 10, Active: true}, 0, "a1")
	load := func() integration.Card {
		t.Helper()
		cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		if err != nil || len(cards) != 1 {
			t.Fatalf("Profile = %v, %v", cards, err)
		}
		return cards[0]
	}
	for range 2 {
		c := load()
		if string(c.Raw) != `{"plan":"pro"}` {
			t.Fatalf("card Raw = %s (from cache %v), want the upstream's body", c.Raw, c.FromCache)
		}
		copy(c.Raw, `{"plan":"xxx"}`) // a host scribbling on its result
	}
}
