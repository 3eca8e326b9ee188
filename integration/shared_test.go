package integration_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
)

// messyList is a host store without ListShared whose List breaks its contract every way a
// buggy store might: reverse order, a nil entry, another team's integration, a duplicate.
type messyList struct {
	integration.Store // hides memstore's ListShared
	other             *integration.Integration
}

func (m messyList) List(ctx context.Context, team string) ([]*integration.Integration, error) {
	list, err := m.Store.List(ctx, team)
	if err != nil {
		return nil, err
	}
	slices.Reverse(list)
	return append(list, nil, m.other, list[0]), nil
}

// A profile load runs the team's attached integrations in attachment order whatever the
// store's List returns, and never one of another team, even when the store lists it and an
// attachment names it.
func TestProfileToleratesAMessyList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, jsonReply(`{"ok":true}`))
	for i, name := range []string{"first", "second", "third"} {
		e.create(t, &integration.Integration{Name: name, URL: up.URL + "/" + name, Active: true}, i, "a1")
	}
	other, err := e.svc.Create(ctx, adminB, &integration.Integration{Name: "team b", URL: up.URL + "/b", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	// A host bug: team b's integration attached to team a's inbox, first.
	if err := e.store.PutAttachment(ctx, integration.Attachment{IntegrationID: other.ID, InboxID: "a1", Enabled: true, Position: -1}); err != nil {
		t.Fatal(err)
	}
	other.TeamID = "team-b"
	svc := e.service(t, func(o *integration.Options) { o.Store = messyList{e.store, other} })
	cards, err := svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cards {
		got = append(got, c.Name+":"+string(c.Status))
	}
	if want := "first:ok second:ok third:ok"; strings.Join(got, " ") != want {
		t.Errorf("cards = %v, want %s", got, want)
	}
	if n := up.calls(); n != 3 {
		t.Errorf("upstream calls = %d, want 3 (team b's integration must not run)", n)
	}
}
