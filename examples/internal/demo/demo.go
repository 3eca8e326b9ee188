// Package demo is the demo world the examples share: a mock CRM and order system served in
// process, the four integrations a team admin configures against them (Customer Data, with
// its "Add note" action and a trigger posting the latest order when a conversation is
// resolved, Client Info, Loyalty Points and the chained Order History), two inboxes and a few
// contacts.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

// Team is the demo team; Support and Sales are its inboxes.
const Team = "acme"

// The demo inboxes.
var (
	Support = integration.Inbox{ID: "support", TeamID: Team, Name: "Support"}
	Sales   = integration.Inbox{ID: "sales", TeamID: Team, Name: "Sales"}
)

// OrderToken is the bearer token the order system expects. In a real deployment it is typed
// once by an admin and only ever stored sealed.
const OrderToken = "ord_live_51HxQz"

// Contacts returns the demo team's contacts: Ada is a CRM customer on the vip plan, Grace is
// on the free plan, so the Order History card (paid plans only) is not for her, and Linus has
// no email, so cards that need one are not applicable.
func Contacts() []integration.Contact {
	return []integration.Contact{
		{ID: "c_1001", Name: "Ada Lovelace", Email: "ada@example.com", Attributes: map[string]string{"plan": "vip"}},
		{ID: "c_1002", Name: "Grace Hopper", Email: "grace@example.com", PhoneNumber: "+1 555 0100", Attributes: map[string]string{"plan": "free"}},
		{ID: "c_1003", Name: "Linus Torvalds"},
	}
}

// CustomerTemplate shows the CRM's customer: key facts with a tier badge, lifetime value in
// currency, the last purchase date, the recent orders and a button to the CRM. A text sheet
// (render.Sheet) titles the card with the integration's name in place of the first section's.
const CustomerTemplate = `{"version": 1, "sections": [
  {"type": "keyvalue", "title": "Customer Information", "items": [
    {"label": "Customer ID", "value": "{{id}}"},
    {"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success", "Silver": "neutral"}}},
    {"label": "Lifetime Value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}},
    {"label": "Last Purchase", "value": "{{last_purchase_at}}", "format": {"type": "date"}}]},
  {"type": "text", "text": "Recent orders", "style": "heading"},
  {"type": "table", "path": "orders", "limit": 5, "columns": [
    {"label": "Order", "value": "{{id}}"},
    {"label": "Total", "value": "{{total}}", "format": {"type": "currency", "currency": "USD"}},
    {"label": "Status", "value": "{{status}}", "format": {"type": "badge", "tones": {"shipped": "success", "pending": "warning"}}}]},
  {"type": "button", "label": "Open in CRM", "url": "https://crm.example.com/customers/{{id}}", "when": {"path": "id", "op": "exists"}}]}`

// ClientTemplate shows the order system's client record.
const ClientTemplate = `{"version": 1, "sections": [
  {"type": "keyvalue", "items": [
    {"label": "Client", "value": "{{client.name}}"},
    {"label": "Account Manager", "value": "{{client.manager}}"},
    {"label": "Open Orders", "value": "{{client.open_orders}}", "format": {"type": "number"}},
    {"label": "Status", "value": "{{client.status}}", "format": {"type": "badge", "tones": {"active": "success"}}}]}]}`

// HistoryTemplate shows a chained integration: the customer from its first step ("customer")
// and their orders from its second ("orders").
const HistoryTemplate = `{"version": 1, "sections": [
  {"type": "keyvalue", "items": [
    {"label": "Customer", "value": "{{steps.customer.body.name}}"},
    {"label": "Orders", "value": "{{steps.orders.body.count}}", "format": {"type": "number"}}]},
  {"type": "table", "path": "steps.orders.body.orders", "columns": [
    {"label": "Order", "value": "{{id}}"},
    {"label": "Shipped", "value": "{{shipped_at}}", "format": {"type": "date"}}]}]}`

// customers are the CRM's records by email.
var customers = map[string]string{
	"ada@example.com": `{"id": 12345, "name": "Ada Lovelace", "tier": "Gold", "ltv": 2850,
			"last_purchase_at": "2024-01-15T14:30:00Z",
			"orders": [{"id": "A-1003", "total": 129.5, "status": "pending"},
			           {"id": "A-1002", "total": 980, "status": "shipped"},
			           {"id": "A-1001", "total": 1740.5, "status": "shipped"}]}`,
	"grace@example.com": `{"id": 12346, "name": "Grace Hopper", "tier": "Silver", "ltv": 310.25,
			"last_purchase_at": "2023-11-02T09:00:00Z", "orders": []}`,
}

// orders are the order system's shipped orders by CRM customer ID.
var orders = map[string]string{
	"12345": `{"count": 2, "orders": [{"id": "A-1002", "shipped_at": "2024-01-10"}, {"id": "A-1001", "shipped_at": "2023-12-02"}]}`,
	"12346": `{"count": 0, "orders": []}`,
}

// Upstreams are the mock CRM and order system, with call counters. The order system's
// /loyalty endpoint is down (503), so one card always shows a failure.
type Upstreams struct {
	CRM, Orders           *httptest.Server
	CRMCalls, OrdersCalls atomic.Int32 // profile requests; notes are counted apart
	// OrdersDown makes the order system answer 503 to everything while it is true.
	OrdersDown atomic.Bool

	mu    sync.Mutex
	notes []Note
}

// Note is a request the CRM's notes endpoint received: what the "Add note" action sent.
type Note struct {
	Method, Path string // Path as sent, escaped
	Body         string
}

// Notes returns the requests the CRM's notes endpoint received, in order.
func (u *Upstreams) Notes() []Note {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]Note(nil), u.notes...)
}

// addNote answers POST /customers/{id}/notes: it records the request and answers the note's
// confirmation, or 400 for a body without a note.
func (u *Upstreams) addNote(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	u.mu.Lock()
	u.notes = append(u.notes, Note{Method: r.Method, Path: r.URL.EscapedPath(), Body: string(b)})
	n := len(u.notes)
	u.mu.Unlock()
	var note struct{ Note, Pinned string }
	if err := json.Unmarshal(b, &note); err != nil || note.Note == "" {
		http.Error(w, `{"error":{"message":"A note needs text."}}`, http.StatusBadRequest)
		return
	}
	id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/customers/"), "/notes")
	pinned := ""
	if note.Pinned == "true" {
		pinned = ", pinned"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"note": {"id": "n_%d", "message": %q}}`, n, fmt.Sprintf("Note n_%d saved on customer %s%s.", n, id, pinned))
}

// StartUpstreams starts the mock servers on loopback; Close stops them.
func StartUpstreams() *Upstreams {
	u := &Upstreams{}
	u.CRM = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/customers/") && strings.HasSuffix(r.URL.Path, "/notes") {
			u.addNote(w, r)
			return
		}
		u.CRMCalls.Add(1)
		body, ok := customers[r.URL.Query().Get("email")]
		if r.URL.Path != "/customers" || !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	u.Orders = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.OrdersCalls.Add(1)
		switch {
		case u.OrdersDown.Load():
			http.Error(w, `{"error":"maintenance"}`, http.StatusServiceUnavailable)
		case strings.HasPrefix(r.URL.Path, "/api/v1/customers/") && r.Method == http.MethodGet:
			id, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/customers/"), "/orders")
			body, found := orders[id]
			if !ok || !found {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		case r.URL.Path == "/loyalty":
			http.Error(w, `{"error":"loyalty database unavailable"}`, http.StatusServiceUnavailable)
		case r.URL.Path != "/api/v1/clients" || r.Method != http.MethodPost:
			http.NotFound(w, r)
		case r.Header.Get("Authorization") != "Bearer "+OrderToken:
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
		default:
			var q struct{ Email, Name string }
			if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
				http.Error(w, `{"error":"bad json"}`, http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"client": {"name": %q, "email": %q, "manager": "Grace Hopper", "open_orders": 2, "status": "active"}}`, q.Name, q.Email)
		}
	}))
	return u
}

// Close stops the mock servers.
func (u *Upstreams) Close() {
	u.CRM.Close()
	u.Orders.Close()
}

// AddNote is the Customer Data card's action: the agent writes a note (and may pin it), which
// is posted to the contact's record in the CRM once they confirm.
func AddNote(u *Upstreams) integration.Action {
	return integration.Action{
		Name: "add_note", Label: "Add note", Method: "POST",
		URL:  u.CRM.URL + "/customers/{{contact.id}}/notes",
		Body: `{"note": "{{input.note}}", "pinned": "{{input.pinned}}", "author": "{{agent.email}}"}`,
		Fields: []integration.ActionField{
			{Name: "note", Label: "Note", Type: integration.FieldTextarea, Required: true, MaxLength: 500,
				Help: "Saved on the customer's record in the CRM."},
			{Name: "pinned", Label: "Pin to the top", Type: integration.FieldBoolean},
		},
		ResultPath: "note.message",
	}
}

// LatestOrderTrigger is the Customer Data integration's event trigger: when an agent resolves
// a conversation, the contact's latest CRM order is posted into it as an activity line
// ("Latest order A-1003 pending — $129.50 (Gold customer, last purchase Jan 15, 2024)"),
// linking to the customer in the CRM.
func LatestOrderTrigger() integration.Trigger {
	return integration.Trigger{
		Name: "latest_order", On: integration.EventConversationResolved, Icon: "crm",
		Text: `Latest order {{orders.0.id}} {{orders.0.status}} — {{orders.0.total | currency:"USD"}} ({{tier}} customer, last purchase {{last_purchase_at | date}})`,
		Link: "https://crm.example.com/customers/{{id}}",
	}
}

// Integrations are the demo integrations as created.
type Integrations struct {
	Customer, Client, Loyalty, History *integration.Integration
}

// NewStore returns a memstore with the demo inboxes.
func NewStore() *memstore.Store {
	store := memstore.New() // the host's own database in a real application
	store.AddInbox(Support)
	store.AddInbox(Sales)
	return store
}

// Setup creates the four demo integrations as admin and attaches them: Support shows all
// four, Sales two, in another order.
func Setup(ctx context.Context, svc *integration.Service, admin integration.Actor, u *Upstreams) (*Integrations, error) {
	customer, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Customer Data", Description: "Customer record from the CRM",
		Method: "GET", URL: u.CRM.URL + "/customers?email={{contact.email}}",
		CacheMinutes: 15, Active: true, RequiredVariables: []string{"contact.email"},
		Display:  integration.Display{Enabled: true, Template: json.RawMessage(CustomerTemplate)},
		Actions:  []integration.Action{AddNote(u)},
		Triggers: []integration.Trigger{LatestOrderTrigger()},
	})
	if err != nil {
		return nil, err
	}
	client, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Client Info", Description: "Client record from the order system",
		Method: "POST", URL: u.Orders.URL + "/api/v1/clients",
		Headers:      []integration.Header{{Name: "Authorization", Value: "Bearer " + OrderToken, Secret: true}},
		Body:         `{"email": "{{contact.email}}", "name": "{{contact.name}}"}`,
		CacheMinutes: 30, Active: true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(ClientTemplate)},
	})
	if err != nil {
		return nil, err
	}
	loyalty, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Loyalty Points", Method: "GET", URL: u.Orders.URL + "/loyalty?email={{contact.email}}",
		CacheMinutes: 5, Active: true,
	})
	if err != nil {
		return nil, err
	}
	// A chained integration: the CRM's customer, then that customer's orders from the order
	// system, for contacts on a paid plan only.
	history, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Order History", Description: "Shipped orders of CRM customers on a paid plan",
		URL: u.CRM.URL + "/customers?email={{contact.email}}", StepName: "customer",
		Steps: []integration.Step{{
			Name: "orders", URL: u.Orders.URL + "/api/v1/customers/{{steps.customer.body.id}}/orders",
		}},
		Condition:    json.RawMessage(`{"path": "contact.attributes.plan", "op": "in", "value": ["pro", "vip"]}`),
		CacheMinutes: 15, Active: true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(HistoryTemplate)},
	})
	if err != nil {
		return nil, err
	}
	for _, a := range []struct {
		id, inbox string
		pos       int
	}{
		{customer.ID, Support.ID, 1}, {client.ID, Support.ID, 2}, {loyalty.ID, Support.ID, 3}, {history.ID, Support.ID, 4},
		{client.ID, Sales.ID, 1}, {customer.ID, Sales.ID, 2},
	} {
		if err := svc.Attach(ctx, admin, a.id, a.inbox, a.pos); err != nil {
			return nil, err
		}
	}
	return &Integrations{Customer: customer, Client: client, Loyalty: loyalty, History: history}, nil
}
