package inboxkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
	"github.com/inboxkit/inboxkit/template/render"
)

// Example runs the pull flow end to end: an admin defines an integration against a CRM (here an
// in-process server), attaches it to an inbox, and an agent opens a contact's profile, first
// from the CRM and then from the cache.
func Example() {
	ctx := context.Background()
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The contact's email arrives query-escaped, as one parameter.
		fmt.Fprintf(w, `{"id": "12345", "email": %q, "tier": "Gold", "ltv": 2850}`, r.URL.Query().Get("email"))
	}))
	defer crm.Close()

	// The executor refuses loopback and private addresses unless the host opts in; this
	// example's CRM runs on 127.0.0.1.
	exec, err := httpexec.New(httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"})
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec,
	})
	if err != nil {
		log.Fatal(err)
	}

	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}
	in, err := svc.Create(ctx, admin, &integration.Integration{
		Name:         "Customer Data",
		URL:          crm.URL + "/customers?email={{contact.email}}",
		CacheMinutes: 15,
		Active:       true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version": 1, "sections": [
			{"type": "keyvalue", "title": "Customer Information", "items": [
				{"label": "Customer ID", "value": "{{id}}"},
				{"label": "Email", "value": "{{email}}"},
				{"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success"}}},
				{"label": "Lifetime Value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}}]}]}`)},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := svc.Attach(ctx, admin, in.ID, "support", 1); err != nil {
		log.Fatal(err)
	}

	agent := integration.Actor{TeamID: "acme", Role: integration.RoleMember}
	req := &integration.ProfileRequest{
		InboxID: "support",
		Contact: integration.Contact{ID: "c_1", Name: "Ada Lovelace", Email: "ada+vip@example.com"},
	}
	for range 2 {
		cards, err := svc.Profile(ctx, agent, req)
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range cards {
			fmt.Printf("%s: %s, from cache: %t\n", c.Name, c.Status, c.FromCache)
			if c.Output != nil && !c.FromCache {
				render.Text(os.Stdout, c.Output)
			}
		}
	}
	// Output:
	// Customer Data: ok, from cache: false
	// ┌─ Customer Information ───────────────────┐
	// │ Customer ID          12345               │
	// │ Email                ada+vip@example.com │
	// │ Tier                 [Gold]              │
	// │ Lifetime Value       $2,850.00           │
	// └──────────────────────────────────────────┘
	// Customer Data: ok, from cache: true
}
