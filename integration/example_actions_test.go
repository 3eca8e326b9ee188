package integration_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

func ExampleService_RunAction() {
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			var refund struct{ Amount, Reason string }
			json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&refund)
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"refund":{"note":"Refunded $%s (%s) on %s"}}`, refund.Amount, refund.Reason, r.URL.EscapedPath())
			return
		}
		fmt.Fprint(w, `{"orders":1}`)
	}))
	defer shop.Close()
	svc, closeSvc := newExampleService()
	defer closeSvc()
	ctx := context.Background()
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}

	in, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Shop", URL: shop.URL + "/customers?email={{contact.email}}", Active: true,
		Actions: []integration.Action{{
			Name: "refund", Label: "Refund last order", Method: "POST",
			URL:  shop.URL + "/customers/{{contact.id}}/refunds",
			Body: `{"amount": "{{input.amount}}", "reason": "{{input.reason}}"}`,
			Fields: []integration.ActionField{
				{Name: "amount", Label: "Amount (USD)", Type: integration.FieldNumber, Required: true, Min: new(0.01), Max: new(500.0)},
				{Name: "reason", Label: "Reason", Type: integration.FieldSelect, Options: []string{"damaged", "late"}, Default: "late"},
			},
			ResultPath: "refund.note",
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := svc.Attach(ctx, admin, in.ID, "support", 1); err != nil {
		log.Fatal(err)
	}

	agent := integration.Actor{TeamID: "acme", Role: integration.RoleMember}
	contact := integration.Contact{ID: "c/1", Email: "ada@example.com"}
	cards, err := svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "support", Contact: contact})
	if err != nil {
		log.Fatal(err)
	}
	button := cards[0].Actions[0]
	fmt.Printf("button %q (%s), %d fields\n", button.Label, button.Method, len(button.Fields))

	req := &integration.ActionRequest{
		InboxID: "support", IntegrationID: in.ID, Action: button.Name, Contact: contact,
		Inputs: map[string]string{"amount": "1000"},
	}
	_, err = svc.RunAction(ctx, agent, req)
	if ve, ok := errors.AsType[*integration.ValidationError](err); ok {
		fmt.Println(ve.Problems[0].Path, ve.Problems[0].Code)
	}
	req.Inputs["amount"] = "42.50"
	_, err = svc.RunAction(ctx, agent, req)
	if ce, ok := errors.AsType[*integration.ConfirmationError](err); ok {
		fmt.Println("ask:", ce.Prompt)
	}
	req.Confirmed = true
	res, err := svc.RunAction(ctx, agent, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Status, res.HTTPStatus, res.Message)
	// Output:
	// button "Refund last order" (POST), 2 fields
	// /inputs/amount out_of_range
	// ask: Run "Refund last order" for this contact?
	// ok 201 Refunded $42.50 (late) on /customers/c%2F1/refunds
}

// An audit hook records every action run: who pressed what, when and how it ended, with the
// inputs by name only.
func ExampleOptions_audit() {
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	defer crm.Close()
	exec, err := httpexec.New(httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"})
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec,
		Now: func() time.Time { return time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC) },
		Audit: func(_ context.Context, e integration.AuditEvent) {
			outcome := string(e.Outcome)
			if e.Refusal != "" {
				outcome += " (" + e.Refusal + ")"
			}
			fmt.Printf("%s %s ran %s %s: %s, HTTP %d, inputs %v\n", e.Time.Format(time.Kitchen), e.AgentEmail, e.Action,
				e.Method, outcome, e.HTTPStatus, e.Inputs)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}
	in, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "CRM", URL: crm.URL + "/customers", Active: true,
		Actions: []integration.Action{{Name: "vip", Label: "Mark as VIP", URL: crm.URL + "/customers/{{contact.id}}/vip",
			Fields: []integration.ActionField{{Name: "reason", Label: "Reason", Type: integration.FieldText}}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := svc.Attach(ctx, admin, in.ID, "support", 1); err != nil {
		log.Fatal(err)
	}
	req := &integration.ActionRequest{
		InboxID: "support", IntegrationID: in.ID, Action: "vip", Contact: integration.Contact{ID: "c1", Email: "ada@example.com"},
		Agent:  &integration.Agent{ID: "a7", Email: "grace@helpdesk.example"},
		Inputs: map[string]string{"reason": "Asked twice about the annual plan"},
	}
	svc.RunAction(ctx, integration.Actor{TeamID: "acme", Role: integration.RoleMember}, req)
	req.Confirmed = true
	svc.RunAction(ctx, integration.Actor{TeamID: "acme", Role: integration.RoleMember}, req)
	// Output:
	// 9:30AM grace@helpdesk.example ran vip POST: refused (confirmation_required), HTTP 0, inputs [reason]
	// 9:30AM grace@helpdesk.example ran vip POST: ok, HTTP 202, inputs [reason]
}
