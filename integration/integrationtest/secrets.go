package integrationtest

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

// secretsReachTheUpstream runs a Service over s and checks what an upstream receives: the
// credentials the admin entered, after Create, after an Update that round-trips the redacted
// view, and on a load that the cache does not serve. Comparing JSON encodings cannot see a store
// that loses a secret ("••••" and the empty stored value encode alike); the upstream can.
func secretsReachTheUpstream(t *testing.T, ctx context.Context, s integration.Store) {
	const (
		token  = "tok_conformance_4e5f"
		apiKey = "sk_conformance_9a8b"
	)
	var (
		mu   sync.Mutex
		seen []http.Header
	)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}))
	defer upstream.Close()
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Close()
	sealer, err := integration.NewAESGCM(integration.Key{ID: "k1", Secret: bytes.Repeat([]byte{9}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	others := memstore.New() // attachments and inboxes: only the Store is under test here
	others.AddInbox(integration.Inbox{ID: "inbox-1", TeamID: "team-1", Name: "Support"})
	svc, err := integration.NewService(integration.Options{
		Store: s, Attachments: others, Inboxes: others, Executor: exec, Sealer: sealer,
	})
	if err != nil {
		t.Fatal(err)
	}
	admin := integration.Actor{TeamID: "team-1", Role: integration.RoleAdmin}
	created, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Conformance", URL: upstream.URL + "/customers", Active: true,
		Headers: []integration.Header{
			{Name: "Authorization", Value: "Bearer " + token, Secret: true},
			{Name: "X-Api-Key", Value: "{{secret.key}}"},
		},
		Secrets: []integration.Secret{{Name: "key", Value: apiKey}},
	})
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	if err := svc.Attach(ctx, admin, created.ID, "inbox-1", 1); err != nil {
		t.Fatalf("Attach = %v", err)
	}
	check := func(what string) {
		t.Helper()
		cards, err := svc.Profile(ctx, admin, &integration.ProfileRequest{InboxID: "inbox-1", Refresh: true})
		if err != nil || len(cards) != 1 {
			t.Fatalf("%s: Profile = %d cards, %v; want 1", what, len(cards), err)
		}
		if cards[0].Status != integration.StatusOK {
			t.Fatalf("%s: card status %s (%+v); want ok", what, cards[0].Status, cards[0].Error)
		}
		mu.Lock()
		last := seen[len(seen)-1]
		mu.Unlock()
		if got := last.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("%s: the upstream received Authorization %q, want the credential the admin entered", what, got)
		}
		if got := last.Get("X-Api-Key"); got != apiKey {
			t.Errorf("%s: the upstream received X-Api-Key %q, want the secret the admin entered", what, got)
		}
	}
	check("after Create")
	view, err := svc.Get(ctx, admin, created.ID)
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	view.Description = "edited"
	if _, err := svc.Update(ctx, admin, view); err != nil {
		t.Fatalf("Update of the redacted view = %v", err)
	}
	check("after an Update that kept the secrets")
}
