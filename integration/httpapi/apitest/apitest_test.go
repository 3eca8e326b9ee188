package apitest_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
	"github.com/inboxkit/inboxkit/integration/httpapi/apitest"
	"github.com/inboxkit/inboxkit/integration/memstore"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

const whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// world is the API mounted at /api over in-memory stores, an upstream and an inbox source,
// with a client that checks every exchange against the document.
type world struct {
	t        *testing.T
	srv      *httptest.Server
	upstream string // answers a customer on every path but /fail, which answers 503
	checker  *apitest.Checker
	signer   *inbox.StandardWebhooks
	mu       sync.Mutex
	ops      map[string][]int // operationId -> statuses checked
}

func newWorld(t *testing.T) *world {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/fail":
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error": "down"}`)
		case "/orders/12345":
			io.WriteString(w, `{"count": 1, "orders": [{"id": "A-1", "shipped_at": "2024-01-10"}]}`)
		default:
			io.WriteString(w, `{"id": 12345, "name": "Ada", "tier": "Gold", "ltv": 2850, "since": "2024-01-15T14:30:00Z",
			  "orders": [{"id": "A-1", "total": 129.5, "status": "shipped", "url": "https://shop.example.com/o/A-1"}, {"id": "A-2", "total": 80, "status": "pending", "url": "javascript:alert(1)"}]}`)
		}
	}))
	t.Cleanup(up.Close)
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:     noDNS{},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"})
	store.AddInbox(integration.Inbox{ID: "other", TeamID: "globex", Name: "Other"})
	key := sha256.Sum256([]byte("apitest"))
	sealer, err := integration.NewAESGCM(integration.Key{ID: "k", Secret: key[:]})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := integration.NewService(integration.Options{Store: store, Attachments: store, Inboxes: store, Executor: exec, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, ops: map[string][]int{}, upstream: up.URL}
	if w.signer, err = inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{whsec}}); err != nil {
		t.Fatal(err)
	}
	contacts := inboxtest.NewContacts()
	contacts.Add("c-ada", "ada@example.com")
	syncer, err := inbox.New(inbox.Options{Contacts: contacts, Conversations: inboxtest.NewConversations(),
		Messages: inboxtest.NewMessages(), Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	chat, err := syncer.Handler(inbox.Source{Name: "chat", Verifier: w.signer,
		Mapping: inbox.Mapping{Type: "type", MessageID: "id", Email: "email", Text: "text"},
		Events:  map[string]inbox.EventType{"message": {Kind: inbox.KindBasic, Direction: inbox.ParticipantToBusiness}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	poster, err := triggers.New(triggers.Options{Service: svc, Syncer: syncer})
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(httpapi.Options{
		Service:  svc,
		Triggers: poster,
		Identify: func(r *http.Request) (integration.Actor, error) {
			switch r.Header.Get("Authorization") {
			case "Bearer admin":
				return integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}, nil
			case "Bearer agent":
				return integration.Actor{TeamID: "acme", Role: integration.RoleMember}, nil
			}
			return integration.Actor{}, errors.New("who?")
		},
		Contact: func(_ context.Context, a integration.Actor, ref httpapi.ContactRef) (integration.Contact, *integration.Conversation, error) {
			if ref.ContactID != "c-ada" || a.TeamID != "acme" {
				return integration.Contact{}, nil, integration.ErrNotFound
			}
			var conv *integration.Conversation
			if ref.ConversationID != "" {
				conv = &integration.Conversation{ID: ref.ConversationID, Subject: "Refund", Status: "open", Channel: "email",
					AssigneeID: "agent-7", Labels: []string{"billing", "urgent"}}
			}
			return integration.Contact{ID: "c-ada", Name: "Ada <b>Lovelace</b>", Email: "ada@example.com"}, conv, nil
		},
		Viewer: func(_ context.Context, a integration.Actor) (*integration.Agent, *integration.Team, error) {
			return &integration.Agent{ID: "agent-7", Name: "Grace", Email: "grace@helpdesk.example"}, &integration.Team{Name: "Acme Support", Location: time.UTC}, nil
		},
		Webhooks: func(name string) http.Handler {
			if name == "chat" {
				return chat
			}
			return nil
		},
		Heartbeat: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", api))
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)

	resp, err := http.Get(w.srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if w.checker, err = apitest.New(t.Context(), doc, w.srv.URL+"/api"); err != nil {
		t.Fatalf("the API's own document: %v", err)
	}
	return w
}

// call sends a request, checks the exchange against the document, fails unless the status is
// want, and decodes a JSON answer into v.
func (w *world) call(user, method, path, body string, want int, v any, hdr ...string) []byte {
	w.t.Helper()
	req, err := http.NewRequestWithContext(w.t.Context(), method, w.srv.URL+"/api"+path, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+user)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		w.t.Fatal(err)
	}
	if resp.StatusCode != want {
		w.t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	op, err := w.checker.Check(w.t.Context(), req, []byte(body), resp, b)
	if err != nil {
		w.t.Errorf("%s %s (%d): %v\nbody: %.400s", method, path, resp.StatusCode, err, b)
	}
	w.mu.Lock()
	w.ops[op] = append(w.ops[op], resp.StatusCode)
	w.mu.Unlock()
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			w.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return b
}

// TestEveryOperationMatchesTheDocument drives every operation of the API end to end, on its
// success and on its failures, and checks each request and response against the document.
func TestEveryOperationMatchesTheDocument(t *testing.T) {
	w := newWorld(t)
	upstream := w.upstream

	tmpl := `{"version": 1, "sections": [
	  {"type": "keyvalue", "title": "Customer", "items": [
	    {"label": "ID", "value": "{{id}}"},
	    {"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success"}}},
	    {"label": "LTV", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}},
	    {"label": "Since", "value": "{{since}}", "format": "date"},
	    {"label": "Missing", "value": "{{nope}}"}]},
	  {"type": "divider"},
	  {"type": "table", "title": "Orders", "path": "orders", "columns": [
	    {"label": "Order", "value": "{{id}}"}, {"label": "Total", "value": "{{total}}", "format": {"type": "currency", "currency": "USD"}},
	    {"label": "Link", "value": "{{url}}", "format": "link"}]},
	  {"type": "repeat", "path": "orders", "limit": 1, "item": {"type": "card", "title": "Order {{id}}", "sections": [{"type": "text", "text": "{{status}}"}]}},
	  {"type": "button", "label": "Open", "url": "https://crm.example.com/c/{{id}}"}]}`
	integrationBody := func(name, path string) string {
		return `{"name": "` + name + `", "url": "` + upstream + path + `?email={{contact.email}}", "cache_minutes": 5, "active": true,
		  "headers": [{"name": "Authorization", "value": "Bearer s3cr3t", "secret": true}, {"name": "X-Contact", "value": "{{contact.id}}"}],
		  "query": [{"name": "name", "value": "{{contact.name}}"}], "required_variables": ["contact.email"],
		  "secrets": [{"name": "token", "value": "abc"}],
		  "display": {"enabled": true, "template": ` + tmpl + `}}`
	}

	w.call("", "GET", "/openapi.json", "", 200, nil)

	var crm, raw, failing integration.Integration
	w.call("admin", "POST", "/integrations", integrationBody("CRM", "/c"), 201, &crm)
	w.call("admin", "POST", "/integrations", `{"name": "Raw", "url": "`+upstream+`/raw", "active": true, "display": {"enabled": false}}`, 201, &raw)
	w.call("admin", "POST", "/integrations", `{"name": "Down", "url": "`+upstream+`/fail", "active": true}`, 201, &failing)
	w.call("admin", "POST", "/integrations", `{"name": "", "url": "ftp://x", "display": {"enabled": true, "template": {"version": 2}}}`, 422, nil)
	w.call("admin", "POST", "/integrations", `{"name": "x", "bogus": 1}`, 400, nil)
	w.call("admin", "POST", "/integrations", `{"name": "x"}`, 415, nil, "Content-Type", "text/plain")
	w.call("admin", "POST", "/integrations", `{"name": "`+strings.Repeat("x", 3<<20)+`"}`, 413, nil)
	w.call("agent", "POST", "/integrations", integrationBody("CRM", "/c"), 403, nil)
	w.call("", "GET", "/integrations", "", 401, nil)
	w.call("admin", "PATCH", "/integrations", "", 405, nil)
	w.call("agent", "GET", "/integrations", "", 200, nil)
	w.call("agent", "GET", "/integrations/"+crm.ID, "", 200, nil)
	w.call("agent", "GET", "/integrations/nope", "", 404, nil)

	var edited integration.Integration
	w.call("agent", "GET", "/integrations/"+crm.ID, "", 200, &edited)
	edited.Description = "CRM customer"
	body, _ := json.Marshal(map[string]any{"name": edited.Name, "description": edited.Description, "url": edited.URL, "headers": edited.Headers,
		"secrets": edited.Secrets, "active": true, "cache_minutes": 5, "display": edited.Display, "version": edited.Version})
	w.call("admin", "PUT", "/integrations/"+crm.ID, string(body), 200, nil)
	w.call("admin", "PUT", "/integrations/"+crm.ID, string(body), 409, nil)

	for i, id := range []string{crm.ID, raw.ID, failing.ID} {
		w.call("admin", "PUT", "/inboxes/support/integrations/"+id, `{"position": `+strconv.Itoa(i+1)+`}`, 200, nil)
	}
	w.call("admin", "PUT", "/inboxes/other/integrations/"+crm.ID, `{}`, 404, nil)
	w.call("agent", "GET", "/inboxes/support/integrations", "", 200, nil)
	w.call("admin", "PUT", "/inboxes/support/integrations/"+raw.ID+"/enabled", `{"enabled": false}`, 200, nil)
	w.call("admin", "PUT", "/inboxes/support/integrations/"+raw.ID+"/enabled", `{"enabled": true}`, 200, nil)
	w.call("admin", "PUT", "/inboxes/support/card-order", `{"integration_ids": ["`+failing.ID+`", "`+crm.ID+`", "`+raw.ID+`"]}`, 200, nil)
	w.call("admin", "PUT", "/inboxes/support/card-order", `{"integration_ids": ["`+crm.ID+`"]}`, 422, nil)

	// Chained integrations with run conditions: one renders two steps, one fails at its second
	// step (the card's error names it), one never runs for Ada (not applicable, with a reason).
	history := `{"name": "History", "url": "` + upstream + `/c?agent={{agent.id}}", "step_name": "customer", "active": true, "required_variables": ["agent.id"],
	  "steps": [{"name": "orders", "url": "` + upstream + `/orders/{{steps.customer.body.id}}", "query": [{"name": "by", "value": "{{agent.email}}"}]}],
	  "condition": {"path": "conversation.status", "op": "eq", "value": "open"},
	  "display": {"enabled": true, "template": {"version": 1, "sections": [{"type": "keyvalue", "items": [{"label": "Orders", "value": "{{steps.orders.body.count}}"}]}]}}}`
	var chained, broken, vip integration.Integration
	w.call("admin", "POST", "/integrations", history, 201, &chained)
	w.call("admin", "POST", "/integrations", `{"name": "Broken", "url": "`+upstream+`/c", "active": true,
	  "steps": [{"name": "orders", "method": "GET", "url": "`+upstream+`/fail?id={{steps.main.body.id}}", "show_earlier_steps": true}]}`, 201, &broken)
	w.call("admin", "POST", "/integrations", `{"name": "VIP", "url": "`+upstream+`/c", "active": true,
	  "condition": {"path": "contact.attributes.plan", "op": "eq", "value": "vip"}}`, 201, &vip)
	w.call("admin", "POST", "/integrations", `{"name": "Bad", "url": "`+upstream+`/c", "condition": {"path": "x", "op": "nope"}, "steps": [{"name": "Bad name", "url": "ftp://x"}]}`, 422, nil)
	for i, id := range []string{chained.ID, broken.ID, vip.ID} {
		w.call("admin", "PUT", "/inboxes/support/integrations/"+id, `{"position": `+strconv.Itoa(i+4)+`}`, 200, nil)
	}
	var profile struct {
		Cards []struct {
			Name, Status, Reason string
			Error                *struct{ Step string }
		}
	}
	w.call("agent", "GET", "/inboxes/support/contacts/c-ada/profile?conversation_id=conv-1", "", 200, &profile)
	got := map[string]string{}
	for _, c := range profile.Cards {
		got[c.Name] = c.Status + " " + c.Reason
		if c.Error != nil {
			got[c.Name] += " step " + c.Error.Step
		}
	}
	want := map[string]string{"History": "ok ", "Broken": "error  step orders", "VIP": "not_applicable condition_not_met"}
	for name, st := range want {
		if got[name] != st {
			t.Errorf("card %s = %q, want %q", name, got[name], st)
		}
	}
	type testResult struct { // the fields checked here
		Success, Sent bool
		Reason        string
		Steps         []struct {
			Name       string
			StatusCode int `json:"status_code"`
		}
	}
	var res testResult
	w.call("admin", "POST", "/integrations/test", `{"integration": `+history+`, "conversation": {"id": "v-1", "status": "open", "channel": "chat", "assignee_id": "a-1", "labels": ["vip"]},
	  "agent": {"id": "a-1", "name": "Grace", "email": "grace@helpdesk.example"}, "team": {"name": "Acme", "time_zone": "Europe/Paris"}, "live": true}`, 200, &res)
	if !res.Success || len(res.Steps) != 1 || res.Steps[0].StatusCode != 200 {
		t.Errorf("live test of a chain: success %v, steps %+v", res.Success, res.Steps)
	}
	res = testResult{}
	w.call("admin", "POST", "/integrations/test", `{"integration": `+history+`, "conversation": {"id": "v-1", "status": "closed"}, "live": true}`, 200, &res)
	if res.Reason != integration.ReasonCondition || res.Sent {
		t.Errorf("live test whose condition does not hold: reason %q, sent %v", res.Reason, res.Sent)
	}
	w.call("admin", "POST", "/integrations/test", `{"integration": `+history+`, "team": {"time_zone": "Mars/Olympus"}}`, 422, nil)

	sample := `"contact": {"id": "c-1", "name": "Zoë", "email": "zoe@example.com", "attributes": {"plan": "pro"}}, "conversation": {"id": "v-1", "subject": "Hi"}, "inbox": {"id": "support", "name": "Support"}`
	w.call("admin", "POST", "/integrations/test", `{"integration": `+integrationBody("New", "/c")+`, `+sample+`}`, 200, nil)
	w.call("admin", "POST", "/integrations/test", `{"integration": `+integrationBody("New", "/c")+`, `+sample+`, "live": true}`, 200, nil)
	w.call("admin", "POST", "/integrations/test", `{"integration": {"name": "Down", "url": "`+upstream+`/fail"}, "live": true}`, 200, nil)
	var withTriggers struct {
		Activities []struct{ Status, Text, Link string }
	}
	w.call("admin", "POST", "/integrations/test", `{"integration": {"name": "T", "url": "`+upstream+`/c", "triggers": [
	  {"name": "crm_line", "on": "conversation.resolved", "text": "{{name}}: {{tier}}, {{ltv | currency:\"USD\"}} since {{since | date}}", "link": "https://crm.example.com/c/{{id}}", "icon": "crm"},
	  {"name": "vip", "on": "conversation.label_added", "label": "vip", "text": "{{missing}}"}]}, `+sample+`, "live": true}`, 200, &withTriggers)
	if a := withTriggers.Activities; len(a) != 2 || a[0].Status != "ok" || a[0].Text != "Ada: Gold, $2,850.00 since Jan 15, 2024" ||
		a[0].Link != "https://crm.example.com/c/12345" || a[1].Status != "not_applicable" {
		t.Errorf("live test with triggers: activities %+v", a)
	}
	w.call("admin", "POST", "/integrations/test", `{"integration": {"name": "P", "method": "POST", "url": "`+upstream+`/p"}, "live": true}`, 422, nil)

	w.call("agent", "POST", "/templates/validate", `{"template": `+tmpl+`}`, 200, nil)
	w.call("agent", "POST", "/templates/validate", `{"template": {"version": 1, "sections": [{"type": "nope"}]}}`, 200, nil)
	w.call("agent", "POST", "/templates/preview", `{"template": `+tmpl+`, "sample": {"id": 1, "orders": [{"id": "<script>"}]}, "now": "2024-02-01T00:00:00Z", "time_zone": "Europe/Paris"}`, 200, nil)
	w.call("agent", "POST", "/templates/preview", `{"template": {"version": 1, "sections": [{"type": "nope"}]}, "sample": {}}`, 422, nil)
	w.call("agent", "GET", "/templates/presets", "", 200, nil)
	w.call("agent", "POST", "/templates/suggest", `{"sample": {"name": "Ada", "plan": "pro", "orders": [{"id": 1, "total": 9.5}]}}`, 200, nil)
	w.call("agent", "POST", "/templates/suggest", `{}`, 422, nil)
	w.call("agent", "GET", "/schemas/template.json", "", 200, nil)
	w.call("agent", "GET", "/schemas/integration.json", "", 200, nil)

	w.call("agent", "GET", "/catalog", "", 200, nil)
	w.call("", "GET", "/catalog", "", 401, nil)
	var installed integration.Integration
	w.call("admin", "POST", "/catalog/stripe-customer/install", `{"values": {"api_key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}}`, 201, &installed)
	if installed.ID == "" || len(installed.Secrets) != 1 || installed.Secrets[0].Value != integration.Redacted {
		t.Errorf("installed = %+v, want an id and the secret redacted", installed)
	}
	w.call("admin", "POST", "/catalog/shopify-orders/install", `{"values": {"access_token": "nope", "shop": "<b>x</b>", "extra": "1"}}`, 422, nil)
	w.call("admin", "POST", "/catalog/stripe-customer/install", `{"values": {"api_key": 1}}`, 400, nil)
	w.call("admin", "POST", "/catalog/stripe-customer/install", `{"values": {}}`, 415, nil, "Content-Type", "text/plain")
	w.call("admin", "POST", "/catalog/stripe-customer/install", `{"values": {"api_key": "`+strings.Repeat("x", 3<<20)+`"}}`, 413, nil)
	w.call("admin", "POST", "/catalog/acme-crm/install", `{"values": {}}`, 404, nil)
	w.call("agent", "POST", "/catalog/stripe-customer/install", `{"values": {"api_key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}}`, 403, nil)

	w.call("agent", "GET", "/inboxes/support/contacts/c-ada/profile", "", 200, nil)
	w.call("agent", "GET", "/inboxes/support/contacts/c-ada/profile?conversation_id=x", "", 200, nil)
	w.call("agent", "GET", "/inboxes/support/contacts/c-nobody/profile", "", 404, nil)
	stream := w.call("agent", "GET", "/inboxes/support/contacts/c-ada/profile/stream", "", 200, nil)
	events, err := apitest.ParseEvents(stream)
	if err != nil || len(events) != 8 { // cards, six card events, done (before the Shop card)
		t.Errorf("stream: %d events, %v:\n%s", len(events), err, stream)
	}
	w.call("agent", "GET", "/inboxes/support/contacts/c-ada/profile/stream?refresh=true&integration_id="+crm.ID, "", 200, nil)
	w.call("agent", "GET", "/inboxes/other/contacts/c-ada/profile/stream", "", 404, nil)
	w.call("agent", "POST", "/inboxes/support/contacts/c-ada/profile/refresh", `{"integration_id": "`+crm.ID+`"}`, 200, nil)
	w.call("agent", "POST", "/inboxes/support/contacts/c-ada/profile/refresh", `{}`, 200, nil)
	w.call("admin", "POST", "/cache/invalidations", `{"integration_id": "`+crm.ID+`"}`, 204, nil)
	w.call("agent", "POST", "/cache/invalidations", `{"integration_id": "`+crm.ID+`"}`, 403, nil)
	w.call("agent", "POST", "/cache/invalidations", `{"inbox_id": "support", "contact_id": "c-ada"}`, 204, nil)
	w.call("agent", "POST", "/cache/invalidations", `{"inbox_id": "support"}`, 422, nil)

	now := time.Now()
	msg := `{"type": "message", "id": "m-1", "email": "ada@example.com", "text": "Hello"}`
	sig := w.signer.Sign("d-1", now, []byte(msg))
	ts := strconv.FormatInt(now.Unix(), 10)
	w.call("", "POST", "/webhooks/chat", msg, 200, nil, "webhook-id", "d-1", "webhook-timestamp", ts, "webhook-signature", sig)
	w.call("", "POST", "/webhooks/chat", msg, 200, nil, "webhook-id", "d-1", "webhook-timestamp", ts, "webhook-signature", sig)
	w.call("", "POST", "/webhooks/chat", msg, 401, nil, "webhook-id", "d-2", "webhook-timestamp", ts, "webhook-signature", sig)
	w.call("", "POST", "/webhooks/nope", msg, 404, nil)

	// Agent actions: the card's buttons, a run, a failed run, and every refusal.
	var shop integration.Integration
	w.call("admin", "POST", "/integrations", `{"name": "Shop", "url": "`+upstream+`/c", "active": true,
	  "actions": [{"name": "refund", "label": "Refund", "url": "`+upstream+`/refunds/{{contact.id}}", "body": "{\"amount\": \"{{input.amount}}\"}",
	    "fields": [{"name": "amount", "label": "Amount", "type": "number", "required": true, "min": 0.01, "max": 500, "help": "USD"}], "result_path": "name"},
	   {"name": "down", "label": "Down", "method": "GET", "url": "`+upstream+`/fail"}]}`, 201, &shop)
	w.call("admin", "PUT", "/inboxes/support/integrations/"+shop.ID, `{}`, 200, nil)
	var sheet struct {
		Cards []struct {
			Name    string
			Actions []integration.ActionButton
		}
	}
	w.call("agent", "GET", "/inboxes/support/contacts/c-ada/profile", "", 200, &sheet)
	if c := sheet.Cards[len(sheet.Cards)-1]; c.Name != "Shop" || len(c.Actions) != 2 || c.Actions[0].Confirm == "" {
		t.Errorf("Shop card = %+v, want two buttons, the refund's with a prompt", c)
	}
	act := "/inboxes/support/contacts/c-ada/integrations/" + shop.ID + "/actions/"
	var ran integration.ActionResult
	w.call("agent", "POST", act+"refund", `{"conversation_id": "conv-1", "inputs": {"amount": "12.50"}, "confirmed": true}`, 200, &ran)
	if ran.Status != integration.OutcomeOK || ran.Message != "Ada" {
		t.Errorf("refund = %+v", ran)
	}
	w.call("agent", "POST", act+"down", `{}`, 200, &ran)
	if ran.Status != integration.OutcomeFailed || ran.Error == nil {
		t.Errorf("down = %+v", ran)
	}
	w.call("agent", "POST", act+"refund", `{"inputs": {"amount": "12.50"}}`, 428, nil)
	w.call("agent", "POST", act+"refund", `{"inputs": {"amount": "-1", "x": "y"}, "confirmed": true}`, 422, nil)
	w.call("agent", "POST", act+"refund", `{"inputs": {"amount": 12.5}}`, 400, nil)
	w.call("agent", "POST", act+"refund", `{}`, 415, nil, "Content-Type", "text/plain")
	w.call("agent", "POST", act+"refund", `{"inputs": {"amount": "`+strings.Repeat("9", 3<<20)+`"}}`, 413, nil)
	w.call("agent", "POST", act+"nope", `{}`, 404, nil)
	w.call("", "POST", act+"refund", `{}`, 401, nil)

	// Conversation events: a trigger posts once per event; a temporary failure is 503.
	var orders integration.Integration
	w.call("admin", "POST", "/integrations", `{"name": "Orders", "url": "`+upstream+`/c", "active": true, "triggers": [
	  {"name": "order_shipped", "on": "conversation.resolved", "icon": "truck", "text": "{{orders.0.id}} {{orders.0.status}} — {{orders.0.total | currency:\"USD\"}}", "link": "{{orders.0.url}}"},
	  {"name": "vip", "on": "conversation.label_added", "label": "vip", "text": "{{missing}}"}]}`, 201, &orders)
	w.call("admin", "PUT", "/inboxes/support/integrations/"+orders.ID, `{}`, 200, nil)
	w.call("admin", "POST", "/integrations", `{"name": "Unnamed", "url": "`+upstream+`/c", "triggers": [{"on": "conversation.resolved", "text": "x"}]}`, 422, nil)
	evPath := "/inboxes/support/conversations/conv-1/events"
	ev := `{"id": "evt-1", "type": "conversation.resolved", "contact": {"id": "c-ada", "email": "ada@example.com"},
	  "conversation": {"id": "conv-1", "status": "resolved", "labels": ["billing"], "assignee_id": "a-1"},
	  "agent": {"id": "a-1", "name": "Grace", "email": "grace@helpdesk.example"}, "occurred_at": "2026-12-01T10:00:00Z"}`
	var reported httpapi.EventResult
	w.call("agent", "POST", evPath, ev, 200, &reported)
	if a := reported.Activities; len(a) != 1 || a[0].Status != httpapi.ActivityPosted || a[0].Text != "A-1 shipped — $129.50" || a[0].Link != "https://shop.example.com/o/A-1" ||
		a[0].Trigger != "order_shipped" || a[0].Key != orders.ID+"/order_shipped/evt-1" {
		t.Errorf("reportEvent: %+v", a)
	}
	w.call("agent", "POST", evPath, ev, 200, &reported)
	if a := reported.Activities; len(a) != 1 || a[0].Status != httpapi.ActivityDuplicate || a[0].MessageID == "" {
		t.Errorf("reportEvent again: %+v", a)
	}
	w.call("agent", "POST", evPath, `{"id": "evt-2", "type": "conversation.label_added", "label": "VIP"}`, 200, &reported)
	if a := reported.Activities; len(a) != 1 || a[0].Status != httpapi.ActivityNotApplicable || a[0].Reason != integration.ReasonEmptyText {
		t.Errorf("reportEvent label_added: %+v", a)
	}
	w.call("agent", "POST", evPath, `{"id": "evt\r\n", "type": "conversation.resolved"}`, 422, nil)
	w.call("agent", "POST", "/inboxes/support/conversations/conv%0A1/events", `{"id": "e", "type": "conversation.resolved"}`, 422, nil)
	w.call("agent", "POST", evPath, `{"id": 1, "type": "conversation.resolved"}`, 400, nil)
	w.call("agent", "POST", evPath, `{"id": "e", "type": "conversation.resolved", "conversation": {"id": "conv-2"}}`, 400, nil)
	w.call("agent", "POST", evPath, ev, 415, nil, "Content-Type", "text/plain")
	w.call("agent", "POST", evPath, `{"id": "`+strings.Repeat("x", 3<<20)+`", "type": "conversation.resolved"}`, 413, nil)
	w.call("agent", "POST", "/inboxes/other/conversations/conv-1/events", ev, 404, nil)
	w.call("", "POST", evPath, ev, 401, nil)
	var down integration.Integration
	w.call("admin", "POST", "/integrations", `{"name": "Down", "url": "`+upstream+`/fail", "active": true,
	  "triggers": [{"name": "assigned", "on": "conversation.assigned", "text": "{{x}}"}]}`, 201, &down)
	w.call("admin", "PUT", "/inboxes/support/integrations/"+down.ID, `{}`, 200, nil)
	w.call("agent", "POST", evPath, `{"id": "evt-3", "type": "conversation.assigned"}`, 503, nil)
	w.call("admin", "DELETE", "/inboxes/support/integrations/"+down.ID, "", 200, nil)

	w.call("admin", "DELETE", "/inboxes/support/integrations/"+raw.ID, "", 200, nil)
	w.call("admin", "DELETE", "/integrations/"+raw.ID, "", 204, nil)
	w.call("admin", "DELETE", "/integrations/"+raw.ID, "", 404, nil)

	// Every documented operation was exercised.
	var missing []string
	for _, item := range w.checker.Document().Paths.Map() {
		for _, op := range item.Operations() {
			if _, ok := w.ops[op.OperationID]; !ok {
				missing = append(missing, op.OperationID)
			}
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("operations not exercised: %v", missing)
	}
}

// TestCheckerCatchesDrift shows the check fails on responses that drifted from the document:
// an undocumented field, a missing required field, a wrong type, an undocumented status, and
// a stream event of the wrong shape.
func TestCheckerCatchesDrift(t *testing.T) {
	w := newWorld(t)
	get := func(path string) *http.Request {
		r, _ := http.NewRequest("GET", w.srv.URL+"/api"+path, nil)
		return r
	}
	resp := func(status int, ct string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ct}}}
	}
	tests := []struct {
		name   string
		req    *http.Request
		resp   *http.Response
		body   string
		wantOK bool
	}{
		{"a well-formed list", get("/integrations"), resp(200, "application/json"), `{"integrations": []}`, true},
		{"an undocumented field", get("/integrations"), resp(200, "application/json"), `{"integrations": [], "total": 0}`, false},
		{"a missing required field", get("/integrations"), resp(200, "application/json"), `{}`, false},
		{"a wrong type", get("/integrations"), resp(200, "application/json"), `{"integrations": {}}`, false},
		{"an undocumented status", get("/integrations"), resp(418, "application/json"), `{}`, false},
		{"a problem without its code", get("/integrations/x"), resp(404, "application/problem+json"), `{"title": "Not Found", "status": 404}`, false},
		{"a card of an unknown status", get("/inboxes/support/contacts/c-ada/profile"), resp(200, "application/json"),
			`{"cards": [{"integration_id": "a", "name": "A", "status": "done", "from_cache": false, "duration_ns": 0}]}`, false},
		{"a stream event of the wrong shape", get("/inboxes/support/contacts/c-ada/profile/stream"), resp(200, "text/event-stream"),
			"event: cards\ndata: {\"cards\": []}\n\nevent: card\ndata: {\"index\": \"0\"}\n\n", false},
		{"an unknown stream event", get("/inboxes/support/contacts/c-ada/profile/stream"), resp(200, "text/event-stream"),
			"event: cards\ndata: {\"cards\": []}\n\nevent: surprise\ndata: {}\n\n", false},
		{"a well-formed stream", get("/inboxes/support/contacts/c-ada/profile/stream"), resp(200, "text/event-stream"),
			"event: cards\ndata: {\"cards\": []}\n\n: heartbeat\n\nevent: done\ndata: {\"cards\": 0}\n\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.checker.Check(t.Context(), tt.req, nil, tt.resp, []byte(tt.body))
			if (err == nil) != tt.wantOK {
				t.Errorf("Check = %v, want ok %v", err, tt.wantOK)
			}
		})
	}
}

func TestNewRefusesInvalidDocuments(t *testing.T) {
	for _, doc := range []string{
		`{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}}`,
		`{"openapi": "3.1.0", "info": {"title": "x"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}}}}}`,
		`not json`,
	} {
		if _, err := apitest.New(t.Context(), []byte(doc), "http://127.0.0.1/api"); err == nil {
			t.Errorf("New(%.60s) = nil error", doc)
		}
	}
}

type noDNS struct{}

func (noDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// recorder is a testing.TB that records Errorf.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestTransport checks exchanges made through a client: matching ones pass silently, a
// response the document does not describe is reported.
func TestTransport(t *testing.T) {
	w := newWorld(t)
	rec := &recorder{TB: t}
	client := &http.Client{Transport: w.checker.Transport(rec, nil)}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", w.srv.URL+"/api/templates/validate", strings.NewReader(`{"template": {"version": 1, "sections": []}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer agent")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"valid":true`) || len(rec.errs) != 0 {
		t.Errorf("validateTemplate through the transport: %d %s, reported %v", resp.StatusCode, b, rec.errs)
	}

	// A server that drifted: an extra field in listIntegrations.
	drifted := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		io.WriteString(rw, `{"integrations": [], "next_page": 2}`)
	}))
	defer drifted.Close()
	c, err := apitest.New(t.Context(), docOf(t, w), drifted.URL+"/api")
	if err != nil {
		t.Fatal(err)
	}
	client = &http.Client{Transport: c.Transport(rec, nil)}
	resp, err = client.Get(drifted.URL + "/api/integrations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "next_page") {
		t.Errorf("the drifted response was reported as %q", rec.errs)
	}
}

func docOf(t *testing.T, w *world) []byte {
	t.Helper()
	resp, err := http.Get(w.srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}
