package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

// The host mounts the API under a prefix of its choice, with its own authentication and
// contacts; here a header names the user, and one contact exists.
func Example() {
	exec, err := httpexec.New(httpexec.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"})
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec,
		NewID: func() string { return "crm" },
		Now:   func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	})
	if err != nil {
		log.Fatal(err)
	}
	api, err := httpapi.New(httpapi.Options{
		Service: svc,
		Identify: func(r *http.Request) (integration.Actor, error) {
			if r.Header.Get("X-User") == "alice" { // the host's session check
				return integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}, nil
			}
			return integration.Actor{}, errors.New("not signed in")
		},
		Contact: func(_ context.Context, _ integration.Actor, ref httpapi.ContactRef) (integration.Contact, *integration.Conversation, error) {
			if ref.ContactID != "c1" {
				return integration.Contact{}, nil, integration.ErrNotFound
			}
			return integration.Contact{ID: "c1", Name: "Ada", Email: "ada@example.com"}, nil, nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/helpdesk/api/", http.StripPrefix("/helpdesk/api", api))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	call := func(user, method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+"/helpdesk/api"+path, strings.NewReader(body))
		req.Header.Set("X-User", user)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Printf("%s %s: %d %s\n", method, path, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	call("mallory", "GET", "/integrations", "")
	call("alice", "POST", "/integrations", `{"name": "CRM", "url": "https://crm.example.com/c?email={{contact.email}}", "cache_minutes": 15, "colour": "red"}`)
	call("alice", "POST", "/integrations", `{"url": "https://crm.example.com/c?email={{contact.email}}"}`)
	call("alice", "POST", "/integrations", `{"name": "CRM", "url": "https://crm.example.com/c?email={{contact.email}}", "cache_minutes": 15}`)
	call("alice", "PUT", "/inboxes/support/integrations/crm", `{"position": 1}`)
	// Output:
	// GET /integrations: 401 {"title":"Unauthorized","status":401,"detail":"Sign in to use this API.","code":"unauthenticated"}
	// POST /integrations: 400 {"title":"Bad Request","status":400,"detail":"The body does not match the operation's schema.","code":"invalid_request","problems":[{"path":"/colour","code":"unknown_field","message":"unknown field \"colour\""}]}
	// POST /integrations: 422 {"title":"Unprocessable Entity","status":422,"detail":"The integration is invalid.","code":"validation_failed","problems":[{"path":"/name","code":"required","message":"name is required"}]}
	// POST /integrations: 201 {"id":"crm","team_id":"acme","name":"CRM","method":"GET","url":"https://crm.example.com/c?email={{contact.email}}","cache_minutes":15,"active":false,"display":{"enabled":false},"version":1,"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}
	// PUT /inboxes/support/integrations/crm: 200 {"inbox_id":"support","attachments":[{"attachment":{"integration_id":"crm","inbox_id":"support","enabled":true,"position":1},"integration":{"id":"crm","team_id":"acme","name":"CRM","method":"GET","url":"https://crm.example.com/c?email={{contact.email}}","cache_minutes":15,"active":false,"display":{"enabled":false},"version":1,"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}}]}
}
