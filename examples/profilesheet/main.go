// Command profilesheet demonstrates inboxkit's contact integrations end to end: a team admin
// configures three integrations against an in-process mock CRM and order system, attaches them
// to two inboxes, and an agent opens a contact's profile sheet, which is printed as box-drawing
// text. One integration is chained (the CRM's customer, then that customer's orders from the
// order system) and runs only for contacts on a paid plan. The sheet is then loaded again from the cache, one card is refreshed, every card is
// refreshed while the order system is down (its card keeps the last known data), and the admin
// runs the Testing tab on one integration.
//
//	go run ./examples/profilesheet
//
// Everything runs in memory; the output is deterministic.
package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
	"github.com/inboxkit/inboxkit/template/render"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "profilesheet:", err)
		os.Exit(1)
	}
}

// The bearer token the order system expects. In a real deployment it is typed once by an admin
// and only ever stored sealed.
const orderToken = "ord_live_51HxQz"

// customerTemplate shows the CRM's customer: key facts with a tier badge, lifetime value in
// currency, the last purchase date, the recent orders and a button to the CRM. Its sections
// carry no title of their own: the card is titled with the integration's name.
const customerTemplate = `{"version": 1, "sections": [
  {"type": "keyvalue", "items": [
    {"label": "Customer ID", "value": "{{id}}"},
    {"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success", "Silver": "neutral"}}},
    {"label": "Lifetime Value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}},
    {"label": "Last Purchase", "value": "{{last_purchase_at}}", "format": {"type": "date"}}]},
  {"type": "text", "text": "Recent orders", "style": "heading"},
  {"type": "table", "path": "orders", "limit": 5, "columns": [
    {"label": "Order", "value": "{{id}}"},
    {"label": "Total", "value": "{{total}}", "format": {"type": "currency", "currency": "USD"}},
    {"label": "Status", "value": "{{status}}", "format": {"type": "badge", "tones": {"shipped": "success", "pending": "warning"}}}]},
  {"type": "button", "label": "Open in CRM", "url": "https://crm.example.com/c/{{id}}", "when": {"path": "id", "op": "exists"}}]}`

// clientTemplate shows the order system's client record.
const clientTemplate = `{"version": 1, "sections": [
  {"type": "keyvalue", "items": [
    {"label": "Client", "value": "{{client.name}}"},
    {"label": "Account Manager", "value": "{{client.manager}}"},
    {"label": "Open Orders", "value": "{{client.open_orders}}", "format": {"type": "number"}},
    {"label": "Status", "value": "{{client.status}}", "format": {"type": "badge", "tones": {"active": "success"}}}]}]}`

// historyTemplate shows a chained integration: the customer from its first step ("customer")
// and their orders from its second ("orders").
const historyTemplate = `{"version": 1, "sections": [
  {"type": "keyvalue", "items": [
    {"label": "Customer", "value": "{{steps.customer.body.name}}"},
    {"label": "Orders", "value": "{{steps.orders.body.count}}", "format": {"type": "number"}}]},
  {"type": "table", "path": "steps.orders.body.orders", "columns": [
    {"label": "Order", "value": "{{id}}"},
    {"label": "Shipped", "value": "{{shipped_at}}", "format": {"type": "date"}}]}]}`

// upstreams are the mock CRM and order system, with call counters.
type upstreams struct {
	crm, orders         *httptest.Server
	crmCalls, ordsCalls atomic.Int32
	ordersDown          atomic.Bool // the order system answers 503 to everything
}

func startUpstreams() *upstreams {
	u := &upstreams{}
	u.crm = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.crmCalls.Add(1)
		if r.URL.Path != "/customers" || r.URL.Query().Get("email") != "ada@example.com" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": 12345, "name": "Ada Lovelace", "tier": "Gold", "ltv": 2850,
			"last_purchase_at": "2024-01-15T14:30:00Z",
			"orders": [{"id": "A-1003", "total": 129.5, "status": "pending"},
			           {"id": "A-1002", "total": 980, "status": "shipped"},
			           {"id": "A-1001", "total": 1740.5, "status": "shipped"}]}`)
	}))
	u.orders = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.ordsCalls.Add(1)
		switch {
		case u.ordersDown.Load():
			http.Error(w, `{"error":"maintenance"}`, http.StatusServiceUnavailable)
		case r.URL.Path == "/api/v1/customers/12345/orders":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"count": 2, "orders": [{"id": "A-1002", "shipped_at": "2024-01-10"}, {"id": "A-1001", "shipped_at": "2023-12-02"}]}`)
		case r.URL.Path == "/loyalty":
			http.Error(w, `{"error":"loyalty database unavailable"}`, http.StatusServiceUnavailable)
		case r.URL.Path != "/api/v1/clients" || r.Method != http.MethodPost:
			http.NotFound(w, r)
		case r.Header.Get("Authorization") != "Bearer "+orderToken:
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

func (u *upstreams) Close() {
	u.crm.Close()
	u.orders.Close()
}

func run(ctx context.Context, w io.Writer) error {
	up := startUpstreams()
	defer up.Close()

	// The executor refuses loopback and private addresses by default (SSRF guard). The mock
	// servers listen on 127.0.0.1, so this demo opts in to exactly that range, explicitly;
	// a production host lists only the internal ranges its integrations may call, if any.
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		return err
	}
	defer exec.Close()

	// Secrets are sealed at rest with AES-256-GCM. A real host loads its key from a KMS or
	// the environment; this demo derives a fixed one.
	key := sha256.Sum256([]byte("profilesheet demo key - not for production"))
	sealer, err := integration.NewAESGCM(integration.Key{ID: "demo-2024", Secret: key[:]})
	if err != nil {
		return err
	}

	store := memstore.New() // the host's own database in a real application
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"})
	store.AddInbox(integration.Inbox{ID: "sales", TeamID: "acme", Name: "Sales"})
	now := time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC) // a fixed clock keeps the output stable
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec, Sealer: sealer,
		Now: func() time.Time { return now },
	})
	if err != nil {
		return err
	}

	// The admin configures the team's integrations once...
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}
	customer, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Customer Data", Description: "Customer record from the CRM",
		Method: "GET", URL: up.crm.URL + "/customers?email={{contact.email}}",
		CacheMinutes: 15, Active: true, RequiredVariables: []string{"contact.email"},
		Display: integration.Display{Enabled: true, Template: json.RawMessage(customerTemplate)},
	})
	if err != nil {
		return err
	}
	client, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Client Info", Description: "Client record from the order system",
		Method: "POST", URL: up.orders.URL + "/api/v1/clients",
		Headers:      []integration.Header{{Name: "Authorization", Value: "Bearer " + orderToken, Secret: true}},
		Body:         `{"email": "{{contact.email}}", "name": "{{contact.name}}"}`,
		CacheMinutes: 30, Active: true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(clientTemplate)},
	})
	if err != nil {
		return err
	}
	loyalty, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Loyalty Points", Method: "GET", URL: up.orders.URL + "/loyalty?email={{contact.email}}",
		CacheMinutes: 5, Active: true,
	})
	if err != nil {
		return err
	}
	// A chained integration: the CRM's customer, then that customer's orders from the order
	// system, for contacts on a paid plan only.
	history, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Order History", URL: up.crm.URL + "/customers?email={{contact.email}}", StepName: "customer",
		Steps: []integration.Step{{
			Name: "orders", URL: up.orders.URL + "/api/v1/customers/{{steps.customer.body.id}}/orders",
		}},
		Condition:    json.RawMessage(`{"path": "contact.attributes.plan", "op": "in", "value": ["pro", "vip"]}`),
		CacheMinutes: 15, Active: true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(historyTemplate)},
	})
	if err != nil {
		return err
	}
	// ...and attaches them differently per inbox: Support sees all four, Sales two, in
	// another order.
	for _, a := range []struct {
		id, inbox string
		pos       int
	}{
		{customer.ID, "support", 1}, {client.ID, "support", 2}, {loyalty.ID, "support", 3}, {history.ID, "support", 4},
		{client.ID, "sales", 1}, {customer.ID, "sales", 2},
	} {
		if err := svc.Attach(ctx, admin, a.id, a.inbox, a.pos); err != nil {
			return err
		}
	}

	// An agent opens Ada's profile in the Support inbox.
	agent := integration.Actor{TeamID: "acme", Role: integration.RoleMember}
	ada := integration.Contact{ID: "c_1001", Name: "Ada Lovelace", Email: "ada@example.com", Attributes: map[string]string{"plan": "vip"}}
	req := &integration.ProfileRequest{InboxID: "support", Contact: ada}

	fmt.Fprintln(w, "== Profile sheet: Ada Lovelace, Support inbox")
	cards, err := svc.Profile(ctx, agent, req)
	if err != nil {
		return err
	}
	if err := printCards(w, cards, now); err != nil {
		return err
	}
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d\n\n", up.crmCalls.Load(), up.ordsCalls.Load())

	fmt.Fprintln(w, "== Opening the profile again")
	cards, err = svc.Profile(ctx, agent, req)
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d (the failed card is retried; successes are cached)\n\n",
		up.crmCalls.Load(), up.ordsCalls.Load())

	fmt.Fprintln(w, "== Refreshing the Customer Data card")
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{
		InboxID: "support", Contact: ada, IntegrationID: customer.ID, Refresh: true,
	})
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d\n\n", up.crmCalls.Load(), up.ordsCalls.Load())

	fmt.Fprintln(w, "== The order system goes down; the agent refreshes every card")
	up.ordersDown.Store(true)
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "support", Contact: ada, Refresh: true})
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	up.ordersDown.Store(false)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "== The same contact in the Sales inbox")
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "sales", Contact: ada})
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "== A contact on the free plan, Support inbox")
	free := integration.Contact{ID: "c_1002", Name: "Ada Lovelace", Email: "ada@example.com", Attributes: map[string]string{"plan": "free"}}
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "support", Contact: free, IntegrationID: history.ID})
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "== Testing tab: Client Info with sample data")
	sample := integration.Contact{Name: "Zoë O'Brien", Email: "zoe+test@example.com"}
	for _, live := range []bool{false, true} {
		res, err := svc.Test(ctx, admin, &integration.TestRequest{
			Integration: client, Contact: sample, Live: live, ConfirmSend: live, // a live POST must be confirmed
		})
		if err != nil {
			return err
		}
		printTest(w, res)
	}
	return nil
}

// printCards draws the cards as a profile sheet: one box per card, all of one width, each
// titled once with the integration's name and saying how fresh its data is.
func printCards(w io.Writer, cards []integration.Card, now time.Time) error {
	sheet := make([]render.Card, len(cards))
	for i, c := range cards {
		sheet[i] = render.Card{
			Title: c.Name, Status: render.Status(c.Status), Output: c.Output, Raw: c.Raw,
			Updated: c.FetchedAt, Stale: c.Stale,
		}
		switch {
		case c.Error != nil:
			sheet[i].Message = c.Error.Message
		case c.Status == integration.StatusNotApplicable:
			sheet[i].Message = freshness(c, now)
		}
	}
	return render.Sheet(w, sheet, &render.SheetOptions{Width: 64, Now: now})
}

func printStatusLines(w io.Writer, cards []integration.Card, now time.Time) {
	for _, c := range cards {
		fmt.Fprintf(w, "%s: %s\n", c.Name, strings.ReplaceAll(freshness(c, now), "\n", " "))
	}
}

// freshness says, in the words an agent reads, where a card's data comes from and how old it
// is, or why it has none.
func freshness(c integration.Card, now time.Time) string {
	switch c.Status {
	case integration.StatusOK:
		age := "updated " + ago(now.Sub(c.FetchedAt))
		switch {
		case c.Stale:
			return "Could not refresh. " + c.Error.Message + " Showing the copy " + age + "."
		case c.FromCache:
			return "Saved copy, " + age
		default:
			return "Live, " + age
		}
	case integration.StatusNotApplicable:
		switch c.Reason {
		case integration.ReasonCondition:
			return "Not shown: this card is not for this contact."
		case integration.ReasonMissingStepValue:
			return "Not shown: the service has no record for this contact."
		}
		return "Not shown: this contact has no " + strings.Join(describe(c.Missing), " or ") + "."
	default:
		return "Could not load. " + c.Error.Message + "\nRefresh to try again."
	}
}

// ago is a duration as "just now", "1 minute ago" or "N minutes ago".
func ago(d time.Duration) string {
	switch m := int(d.Minutes()); {
	case m < 1:
		return "just now"
	case m == 1:
		return "1 minute ago"
	default:
		return strconv.Itoa(m) + " minutes ago"
	}
}

// describe names variables as an agent would.
func describe(names []string) []string {
	words := map[string]string{"contact.email": "email address", "contact.phone_number": "phone number", "contact.name": "name"}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = cmp.Or(words[n], n)
	}
	return out
}

func printTest(w io.Writer, res *integration.TestResult) {
	kind := "dry run"
	if res.Sent {
		kind = "live run"
	}
	fmt.Fprintf(w, "-- %s: %s %s\n", kind, res.Request.Method, hideHost(res.Request.URL))
	fmt.Fprintf(w, "   Authorization: %s\n", res.Request.Header.Get("Authorization"))
	fmt.Fprintf(w, "   Content-Type: %s\n", res.Request.Header.Get("Content-Type"))
	fmt.Fprintf(w, "   body: %s\n", res.Request.Body)
	if !res.Sent {
		fmt.Fprintf(w, "   success: %v (nothing sent)\n", res.Success)
		return
	}
	var body bytes.Buffer
	json.Compact(&body, []byte(res.Body))
	fmt.Fprintf(w, "   status: %d, success: %v\n", res.StatusCode, res.Success)
	fmt.Fprintf(w, "   response: %s\n", body.String())
	if res.Preview != nil {
		fmt.Fprintf(w, "   preview (%d diagnostics):\n", len(res.Preview.Diagnostics))
		var tree bytes.Buffer
		render.Text(&tree, res.Preview)
		for _, line := range strings.Split(strings.TrimRight(tree.String(), "\n"), "\n") {
			fmt.Fprintf(w, "   %s\n", line)
		}
	}
}

// hideHost replaces the random port of a local test server with a stable name.
func hideHost(u string) string {
	if i := strings.Index(u, "://127.0.0.1:"); i >= 0 {
		rest := u[i+len("://127.0.0.1:"):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return u[:i] + "://orders.local" + rest[j:]
		}
	}
	return u
}
