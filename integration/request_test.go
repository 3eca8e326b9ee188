package integration_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/integration"
)

// Profile loads share one header map per integration version when no header value depends on
// the run; a header that does is built for every load, so each contact's request carries its
// own values, and hostile values stay inside their header.
func TestProfileRequestHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{"ok":true}`))
	e.create(t, &integration.Integration{
		Name: "Per contact", URL: up.URL + "/per-contact", Active: true,
		Headers: []integration.Header{
			{Name: "X-Static", Value: "1"},
			{Name: "X-Email", Value: "{{contact.email}}"},
			{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true},
		},
	}, 0, "a1")
	e.create(t, &integration.Integration{
		Name: "Fixed", URL: up.URL + "/fixed/{{contact.id}}", Active: true,
		Headers: []integration.Header{
			{Name: "X-Static", Value: "1"},
			{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true},
		},
	}, 1, "a1")
	hostile := integration.Contact{ID: "c3", Email: "eve@example.com\r\nX-Injected: 1"}
	var got []string
	for _, c := range []integration.Contact{ada, {ID: "c2", Email: "grace@example.com"}, hostile, ada} {
		cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: c})
		if err != nil || len(cards) != 2 {
			t.Fatalf("Profile(%s) = %+v, %v", c.ID, cards, err)
		}
		for _, card := range cards {
			got = append(got, fmt.Sprintf("%s: %s", card.Name, card.Status))
		}
	}
	up.mu.Lock()
	for _, r := range up.reqs {
		got = append(got, fmt.Sprintf("%s static=%s email=%q auth=%v injected=%q", r.Path, r.Header.Get("X-Static"),
			r.Header.Get("X-Email"), r.Header.Get("Authorization") == "Bearer "+testSecret, r.Header.Get("X-Injected")))
	}
	up.mu.Unlock()
	want := []string{
		"Per contact: ok", "Fixed: ok", "Per contact: ok", "Fixed: ok",
		"Per contact: error", "Fixed: ok", "Per contact: ok", "Fixed: ok",
	}
	for _, id := range []string{"c%2F1001%20x", "c2", "c3", "c%2F1001%20x"} {
		email := map[string]string{"c%2F1001%20x": ada.Email, "c2": "grace@example.com"}[id]
		if id != "c3" {
			want = append(want, fmt.Sprintf("/per-contact static=1 email=%q auth=true injected=\"\"", email))
		}
		want = append(want, fmt.Sprintf("/fixed/%s static=1 email=\"\" auth=true injected=\"\"", id))
	}
	// Cards run concurrently: compare the upstream's requests as a set.
	if diff := cmp.Diff(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(got))); diff != "" {
		t.Errorf("cards and upstream requests (-want +got):\n%s", diff)
	}
}

// A store may hand out a secret header sealed anew under the same version (a host's key
// rotation outside the Service): profile loads notice, key the cache on the new stand-in and
// send the new credential, never the shared header of the old one.
func TestProfileHeaderFollowsResealedSecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, echo(http.StatusOK))
	in := e.create(t, &integration.Integration{
		Name: "CRM", URL: up.URL + "/c", Active: true, CacheMinutes: 60,
		Headers: []integration.Header{{Name: "Authorization", Value: "Bearer old-token", Secret: true}},
	}, 0, "a1")
	load := func(what string, wantCached bool) {
		t.Helper()
		cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK || cards[0].FromCache != wantCached {
			t.Fatalf("%s: Profile = %s, %v; want from cache %v", what, mustJSON(t, cards), err, wantCached)
		}
	}
	v1, err := e.store.Get(ctx, "team-a", in.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Seal a new token through the Service (version 2, which invalidates the cache), then
	// store the first version back and load it: its response is cached again.
	view, err := e.svc.Get(ctx, adminA, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	view.Headers[0].Value = "Bearer new-token"
	if _, err := e.svc.Update(ctx, adminA, view); err != nil {
		t.Fatal(err)
	}
	v2, err := e.store.Get(ctx, "team-a", in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.Save(ctx, v1, 2); err != nil {
		t.Fatal(err)
	}
	load("miss", false)
	load("hit", true)
	// Now the host's store hands out the new token's sealed form under version 1.
	v2.Version = 1
	if err := e.store.Save(ctx, v2, 1); err != nil {
		t.Fatal(err)
	}
	load("the resealed secret", false)
	if got := up.last(t).Header.Get("Authorization"); got != "Bearer new-token" {
		t.Errorf("upstream Authorization = %q, want the new token", got)
	}
	load("hit of the new secret", true)
}
