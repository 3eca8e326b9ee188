package pgstore_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/pgstore"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	bearer = "tok_live_5f4e3d2c1b0a" // never in the database, in clear
	apiKey = "key_9a8b7c6d5e4f"
)

var (
	admin = integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}
	agent = integration.Actor{TeamID: "acme", Role: integration.RoleMember}
	rival = integration.Actor{TeamID: "globex", Role: integration.RoleAdmin}
)

// appServer is one process of a fleet: a Service with its own executor (and response cache)
// over the shared database.
func appServer(t *testing.T, pool *pgxpool.Pool) *integration.Service {
	t.Helper()
	store, err := pgstore.New(pool)
	if err != nil {
		t.Fatal(err)
	}
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	sealer, err := integration.NewAESGCM(integration.Key{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec, Sealer: sealer,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestFleet runs the integration Service of two app servers on one database: what an admin
// saves on one serves profiles on the other, secrets stay sealed at rest and reach the
// upstream only when a request is sent, an edit that round-trips the redacted view keeps them,
// and another team sees nothing.
func TestFleet(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store, pool := newStore(t)
	var calls atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+bearer || r.Header.Get("X-Api-Key") != apiKey {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"plan":"pro","email":"` + r.URL.Query().Get("email") + `"}`))
	}))
	t.Cleanup(upstream.Close)
	for _, ib := range []integration.Inbox{{ID: "support", TeamID: "acme", Name: "Support"}, {ID: "rival", TeamID: "globex", Name: "Rival"}} {
		if err := store.PutInbox(ctx, ib); err != nil {
			t.Fatal(err)
		}
	}

	a, b := appServer(t, pool), appServer(t, pool)
	in, err := a.Create(ctx, admin, &integration.Integration{
		Name: "CRM", URL: upstream.URL + "/customers", Active: true,
		Query:   []integration.QueryParam{{Name: "email", Value: "{{contact.email}}"}},
		Headers: []integration.Header{{Name: "Authorization", Value: "Bearer {{secret.token}}"}, {Name: "X-Api-Key", Value: apiKey, Secret: true}},
		Secrets: []integration.Secret{{Name: "token", Value: bearer}},
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := a.Attach(ctx, admin, in.ID, "support", 1); err != nil {
		t.Fatalf("Attach: %v", err)
	}
	profile := func(svc *integration.Service) integration.Card {
		t.Helper()
		cards, err := svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "support", Contact: integration.Contact{ID: "c1", Email: "ada@example.com"}})
		if err != nil || len(cards) != 1 {
			t.Fatalf("Profile = %d cards, %v; want 1", len(cards), err)
		}
		return cards[0]
	}
	if c := profile(b); c.Status != integration.StatusOK || !strings.Contains(string(c.Raw), `"plan":"pro"`) {
		t.Fatalf("card on the other app server = %+v, raw %s; want ok with the upstream's JSON", c, c.Raw)
	}

	// At rest there is ciphertext only.
	var rows string
	if err := pool.QueryRow(ctx, `SELECT string_agg(row_to_json(i)::text, ' ') FROM inboxkit_integrations i`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{bearer, apiKey} {
		if strings.Contains(rows, secret) {
			t.Fatalf("a secret is stored in clear: %s", rows)
		}
	}
	if !strings.Contains(rows, `"sealed"`) {
		t.Fatalf("no sealed value stored: %s", rows)
	}

	// An edit on server b that round-trips the redacted view keeps the sealed values.
	view, err := b.Get(ctx, admin, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	view.Name = "CRM (renamed)"
	if _, err := b.Update(ctx, admin, view); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if c := profile(a); c.Status != integration.StatusOK || c.Name != "CRM (renamed)" {
		t.Errorf("card after the edit = %+v; want ok under the new name", c)
	}
	// A stale copy loses the compare-and-swap, on either server.
	if _, err := a.Update(ctx, admin, view); !errors.Is(err, integration.ErrConflict) {
		t.Errorf("Update of a stale version = %v; want ErrConflict", err)
	}

	// Another team sees nothing and cannot attach to, or detach from, acme's inbox.
	if _, err := a.Get(ctx, rival, in.ID); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("Get by another team = %v; want ErrNotFound", err)
	}
	if err := b.Attach(ctx, rival, in.ID, "rival", 1); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("Attach by another team = %v; want ErrNotFound", err)
	}
	if list, err := a.ListForTeam(ctx, rival); err != nil || len(list) != 0 {
		t.Errorf("ListForTeam(another team) = %d, %v; want none", len(list), err)
	}
	if err := a.Delete(ctx, admin, in.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if atts, err := store.ListAttachments(ctx, "support"); err != nil || len(atts) != 0 {
		t.Errorf("attachments after Delete = %v, %v; want none", atts, err)
	}
}

func TestInboxes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _ := newStore(t)
	if _, err := s.Inbox(ctx, "support"); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("Inbox(missing) = %v; want ErrNotFound", err)
	}
	mustPut := func(ib integration.Inbox) {
		t.Helper()
		if err := s.PutInbox(ctx, ib); err != nil {
			t.Fatalf("PutInbox(%+v): %v", ib, err)
		}
	}
	mustPut(integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"})
	mustPut(integration.Inbox{ID: "support", TeamID: "acme", Name: "Help desk"})
	if got, err := s.Inbox(ctx, "support"); err != nil || got != (integration.Inbox{ID: "support", TeamID: "acme", Name: "Help desk"}) {
		t.Errorf("Inbox after a rename = %+v, %v", got, err)
	}
	for _, a := range []integration.Attachment{{IntegrationID: "crm", InboxID: "support"}, {IntegrationID: "crm", InboxID: "sales"}} {
		if err := s.PutAttachment(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteInbox(ctx, "support"); err != nil {
		t.Fatalf("DeleteInbox: %v", err)
	}
	if err := s.DeleteInbox(ctx, "support"); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("DeleteInbox twice = %v; want ErrNotFound", err)
	}
	if atts, _ := s.ListAttachments(ctx, "support"); len(atts) != 0 {
		t.Errorf("attachments of a deleted inbox = %v; want none", atts)
	}
	if atts, _ := s.ListAttachments(ctx, "sales"); len(atts) != 1 {
		t.Errorf("attachments of another inbox = %v; want kept", atts)
	}
	for _, ib := range []integration.Inbox{{ID: "x"}, {TeamID: "acme"}, {ID: "x\x00", TeamID: "acme"}} {
		if err := s.PutInbox(ctx, ib); err == nil {
			t.Errorf("PutInbox(%+q) = nil error; want one", ib)
		}
	}
}
