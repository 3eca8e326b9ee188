package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/integration/httpapi"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

// startConsole runs the program on an ephemeral loopback port and returns its base URL and
// what it printed.
func startConsole(t *testing.T) (string, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, pw, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve = %v", err)
		}
	})
	// The banner is printed before serving starts; read its lines.
	var banner strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		banner.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "webhooks/shop") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	return "http://" + ln.Addr().String(), banner.String()
}

type step struct {
	op, user, method, path, body string
	want                         int
	header                       http.Header
}

// TestConsole starts the program and drives every operation of the API over real HTTP, as a
// front end and a webhook sender would.
func TestConsole(t *testing.T) {
	base, banner := startConsole(t)
	for _, want := range []string{base + "/api/", "Authorization: Bearer demo-admin", "Authorization: Bearer demo-agent", base + "/api/webhooks/chat"} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner does not show %q:\n%s", want, banner)
		}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	do := func(s step) []byte {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), s.method, base+"/api"+s.path, strings.NewReader(s.body))
		if err != nil {
			t.Fatal(err)
		}
		if s.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if s.user != "" {
			req.Header.Set("Authorization", "Bearer "+s.user)
		}
		for k, v := range s.header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", s.op, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != s.want {
			t.Fatalf("%s: %s %s = %d %s, want %d", s.op, s.method, s.path, resp.StatusCode, b, s.want)
		}
		if strings.Contains(string(b), demo.OrderToken) {
			t.Errorf("%s: the answer contains the order system's token", s.op)
		}
		return b
	}
	var list struct {
		Integrations []struct{ ID, Name string }
	}
	if err := json.Unmarshal(do(step{op: "listIntegrations", user: "demo-agent", method: "GET", path: "/integrations", want: 200}), &list); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, in := range list.Integrations {
		ids[in.Name] = in.ID
	}
	customer, client2, loyalty := ids["Customer Data"], ids["Client Info"], ids["Loyalty Points"]
	if customer == "" || client2 == "" || loyalty == "" {
		t.Fatalf("the demo integrations are missing: %v", ids)
	}

	var created struct {
		ID      string
		Version int
	}
	if err := json.Unmarshal(do(step{op: "createIntegration", user: "demo-admin", method: "POST", path: "/integrations",
		body: `{"name": "Weather", "url": "https://api.weather.test/now?city={{contact.attributes.city}}", "cache_minutes": 10}`, want: 201}), &created); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	msg := `{"type": "message.received", "data": {"id": "m-1", "customer": {"email": "ada@example.com"}, "text": "Where is my order?"}}`
	signer, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{ChatSecret}})
	if err != nil {
		t.Fatal(err)
	}
	shopBody := `{"event": "order.placed", "order": {"id": "o-1", "email": "grace@example.com", "number": 1001, "total": "$42.00"}}`
	mac := hmac.New(sha256.New, []byte(ShopSecret))
	mac.Write([]byte(shopBody))

	steps := []step{
		{op: "getOpenAPI", method: "GET", path: "/openapi.json", want: 200},
		{op: "getIntegration", user: "demo-agent", method: "GET", path: "/integrations/" + customer, want: 200},
		{op: "updateIntegration", user: "demo-admin", method: "PUT", path: "/integrations/" + created.ID,
			body: `{"name": "Weather now", "url": "https://api.weather.test/now?city={{contact.attributes.city}}", "version": ` + strconv.Itoa(created.Version) + `}`, want: 200},
		{op: "attachIntegration", user: "demo-admin", method: "PUT", path: "/inboxes/sales/integrations/" + created.ID, body: `{}`, want: 200},
		{op: "setIntegrationEnabled", user: "demo-admin", method: "PUT", path: "/inboxes/sales/integrations/" + created.ID + "/enabled", body: `{"enabled": false}`, want: 200},
		{op: "reorderInboxIntegrations", user: "demo-admin", method: "PUT", path: "/inboxes/sales/card-order",
			body: `{"integration_ids": ["` + created.ID + `", "` + customer + `", "` + client2 + `"]}`, want: 200},
		{op: "listInboxIntegrations", user: "demo-agent", method: "GET", path: "/inboxes/sales/integrations", want: 200},
		{op: "detachIntegration", user: "demo-admin", method: "DELETE", path: "/inboxes/sales/integrations/" + created.ID, want: 200},
		{op: "deleteIntegration", user: "demo-admin", method: "DELETE", path: "/integrations/" + created.ID, want: 204},
		{op: "testIntegration", user: "demo-admin", method: "POST", path: "/integrations/test",
			body: `{"integration": {"id": "` + client2 + `", "name": "Client Info", "method": "POST", "url": "` + urlOf(t, do, client2) + `",
			  "headers": [{"name": "Authorization", "value": "••••", "secret": true}], "body": "{\"email\": \"{{contact.email}}\"}", "version": 1},
			  "contact": {"name": "Zoë", "email": "zoe@example.com"}, "live": true, "confirm_send": true}`, want: 200},
		{op: "validateTemplate", user: "demo-admin", method: "POST", path: "/templates/validate", body: `{"template": ` + demo.ClientTemplate + `}`, want: 200},
		{op: "previewTemplate", user: "demo-admin", method: "POST", path: "/templates/preview",
			body: `{"template": ` + demo.ClientTemplate + `, "sample": {"client": {"name": "Ada", "status": "active", "open_orders": 3}}}`, want: 200},
		{op: "listTemplatePresets", user: "demo-admin", method: "GET", path: "/templates/presets", want: 200},
		{op: "suggestTemplate", user: "demo-admin", method: "POST", path: "/templates/suggest", body: `{"sample": {"name": "Ada", "plan": "pro"}}`, want: 200},
		{op: "getTemplateSchema", user: "demo-admin", method: "GET", path: "/schemas/template.json", want: 200},
		{op: "getIntegrationSchema", user: "demo-admin", method: "GET", path: "/schemas/integration.json", want: 200},
		{op: "listCatalog", user: "demo-agent", method: "GET", path: "/catalog", want: 200},
		{op: "installCatalogEntry", user: "demo-admin", method: "POST", path: "/catalog/stripe-customer/install",
			body: `{"values": {"api_key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}}`, want: 201},
		{op: "installCatalogEntry", user: "demo-agent", method: "POST", path: "/catalog/stripe-customer/install",
			body: `{"values": {"api_key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}}`, want: 403},
		{op: "loadProfile", user: "demo-agent", method: "GET", path: "/inboxes/support/contacts/c_1001/profile?conversation_id=conv_1", want: 200},
		{op: "streamProfile", user: "demo-agent", method: "GET", path: "/inboxes/support/contacts/c_1002/profile/stream", want: 200},
		{op: "refreshProfile", user: "demo-agent", method: "POST", path: "/inboxes/support/contacts/c_1001/profile/refresh", body: `{"integration_id": "` + customer + `"}`, want: 200},
		{op: "runAction", user: "demo-agent", method: "POST", path: "/inboxes/support/contacts/c_1001/integrations/" + customer + "/actions/add_note",
			body: `{"conversation_id": "conv_1", "inputs": {"note": "Called back."}, "confirmed": true}`, want: 200},
		{op: "reportEvent", user: "demo-agent", method: "POST", path: "/inboxes/support/conversations/conv_1/events",
			body: `{"id": "evt_1", "type": "conversation.resolved", "contact": {"id": "c_1001", "email": "ada@example.com"}, "conversation": {"status": "resolved"}}`, want: 200},
		{op: "reportEvent", user: "demo-agent", method: "POST", path: "/inboxes/support/conversations/conv_1/events",
			body: `{"id": "evt\r\n1", "type": "conversation.resolved"}`, want: 422},
		{op: "invalidateCache", user: "demo-admin", method: "POST", path: "/cache/invalidations", body: `{"integration_id": "` + customer + `"}`, want: 204},
		{op: "invalidateCache", user: "demo-agent", method: "POST", path: "/cache/invalidations", body: `{"inbox_id": "support", "contact_id": "c_1001"}`, want: 204},
		{op: "receiveWebhook", method: "POST", path: "/webhooks/chat", body: msg, want: 200, header: http.Header{
			"Webhook-Id": {"d-1"}, "Webhook-Timestamp": {strconv.FormatInt(now.Unix(), 10)}, "Webhook-Signature": {signer.Sign("d-1", now, []byte(msg))}}},
		{op: "receiveWebhook", method: "POST", path: "/webhooks/shop", body: shopBody, want: 200, header: http.Header{"X-Shop-Signature": {hex.EncodeToString(mac.Sum(nil))}}},
		// Failures a front end must handle.
		{op: "loadProfile", method: "GET", path: "/inboxes/support/contacts/c_1001/profile", want: 401},
		{op: "loadProfile", user: "forged", method: "GET", path: "/inboxes/support/contacts/c_1001/profile", want: 401},
		{op: "streamProfile", method: "GET", path: "/inboxes/support/contacts/c_1001/profile/stream", want: 200, header: http.Header{"Cookie": {"demo_user=demo-agent"}}},
		{op: "streamProfile", method: "GET", path: "/inboxes/support/contacts/c_1001/profile/stream", want: 401, header: http.Header{"Cookie": {"demo_user=root"}}},
		{op: "createIntegration", user: "demo-agent", method: "POST", path: "/integrations", body: `{"name": "x", "url": "https://x.test/"}`, want: 403},
		{op: "loadProfile", user: "demo-agent", method: "GET", path: "/inboxes/support/contacts/c_9999/profile", want: 404},
		{op: "receiveWebhook", method: "POST", path: "/webhooks/chat", body: msg, want: 401, header: http.Header{"Webhook-Id": {"d-2"}}},
	}
	ops := []string{"listIntegrations", "createIntegration"}
	var stream string
	for _, s := range steps {
		b := do(s)
		ops = append(ops, s.op)
		switch s.op {
		case "streamProfile":
			if strings.Contains(s.path, "c_1002") {
				stream = string(b)
			}
		case "loadProfile":
			if s.want == 200 && !strings.Contains(string(b), `"status":"ok"`) {
				t.Errorf("Ada's profile has no ok card: %.300s", b)
			}
		}
	}
	// Support shows four cards; Order History is for paid plans, and Grace is on the free one.
	if !strings.HasPrefix(stream, "event: cards\n") || strings.Count(stream, "event: card\n") != 4 || !strings.HasSuffix(stream, "event: done\ndata: {\"cards\":4}\n\n") ||
		!strings.Contains(stream, `"name":"Order History","status":"not_applicable","reason":"condition_not_met"`) {
		t.Errorf("Grace's stream:\n%s", stream)
	}

	// Every operation of the document was driven.
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		}
	}
	if err := json.Unmarshal(do(step{op: "getOpenAPI", method: "GET", path: "/openapi.json", want: 200}), &doc); err != nil {
		t.Fatal(err)
	}
	for _, methods := range doc.Paths {
		for _, op := range methods {
			if !slices.Contains(ops, op.OperationID) {
				t.Errorf("operation %s was not driven", op.OperationID)
			}
		}
	}

	// Outside /api the console's pages are served.
	resp, err := client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET / = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// urlOf returns the URL template of the integration id, as an admin's editor has it.
func urlOf(t *testing.T, do func(step) []byte, id string) string {
	t.Helper()
	var in struct{ URL string }
	if err := json.Unmarshal(do(step{op: "getIntegration", user: "demo-admin", method: "GET", path: "/integrations/" + id, want: 200}), &in); err != nil {
		t.Fatal(err)
	}
	return in.URL
}

// The console says who is looking: a profile loaded by the demo agent or the demo admin
// expands agent.* and team.* with that user, and a request without a user is refused before
// any integration runs.
func TestConsoleViewer(t *testing.T) {
	base, _ := startConsole(t)
	seen := make(chan string, 4)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok": true}`)
	}))
	defer up.Close()
	call := func(user, method, path, body string, want int) []byte {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, base+"/api"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if user != "" {
			req.Header.Set("Authorization", "Bearer "+user)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, want)
		}
		return b
	}
	var in struct{ ID string }
	if err := json.Unmarshal(call("demo-admin", "POST", "/integrations", `{"name": "Who", "active": true,
		"url": "`+up.URL+`/who?id={{agent.id}}&name={{agent.name}}&email={{agent.email}}&team={{team.name}}&team_id={{team.id}}"}`, 201), &in); err != nil {
		t.Fatal(err)
	}
	call("demo-admin", "PUT", "/inboxes/sales/integrations/"+in.ID, `{}`, 200)
	tests := []struct{ user, want string }{
		{"demo-agent", "id=u_alex&name=Alex+Agent&email=alex%40acme.example&team=Acme&team_id=acme"},
		{"demo-admin", "id=u_dana&name=Dana+Admin&email=dana%40acme.example&team=Acme&team_id=acme"},
	}
	for _, tt := range tests {
		b := call(tt.user, "GET", "/inboxes/sales/contacts/c_1001/profile?integration_id="+in.ID, "", 200)
		if !strings.Contains(string(b), `"status":"ok"`) {
			t.Fatalf("%s: the card is not ok: %s", tt.user, b)
		}
		select {
		case got := <-seen:
			if got != tt.want {
				t.Errorf("%s: the upstream saw %q, want %q", tt.user, got, tt.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the upstream was not called", tt.user)
		}
	}
	call("", "GET", "/inboxes/sales/contacts/c_1001/profile?integration_id="+in.ID, "", 401)
	call("Demo-Agent", "GET", "/inboxes/sales/contacts/c_1001/profile?integration_id="+in.ID, "", 401)
	if n := len(seen); n != 0 {
		t.Errorf("the upstream was called %d more times", n)
	}
}

// The demo's "Add note" action through the console's API, as the profile sheet calls it: a
// run without confirmation is refused with the prompt (428), an invalid input at its field
// (422), and neither reaches the CRM; a confirmed run sends the CRM exactly one request whose
// JSON body holds the hostile note as one string and the agent from the Viewer.
func TestConsoleAction(t *testing.T) {
	a, err := newApp(t.Context(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)
	path := "/api/inboxes/support/contacts/c_1001/integrations/" + a.ins.Customer.ID + "/actions/add_note"
	note := "Called back \"twice\"}, \"pinned\": \"true\", \"x\": \"\n../../admin <script>alert(1)</script>"
	post := func(body any, want int) map[string]any {
		t.Helper()
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+path, strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer demo-agent")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Fatalf("POST %s = %d %v, want %d", path, resp.StatusCode, out, want)
		}
		return out
	}
	got := post(map[string]any{"conversation_id": "conv_1", "inputs": map[string]string{"note": note}}, 428)
	if got["code"] != "confirmation_required" || got["detail"] != `Run "Add note" for this contact?` {
		t.Errorf("unconfirmed run = %v", got)
	}
	got = post(map[string]any{"inputs": map[string]string{"note": note, "pinned": "maybe"}, "confirmed": true}, 422)
	if b, _ := json.Marshal(got["problems"]); !strings.Contains(string(b), `"path":"/inputs/pinned"`) {
		t.Errorf("invalid input problems = %s", b)
	}
	if n := len(a.up.Notes()); n != 0 {
		t.Fatalf("refused runs reached the CRM %d times", n)
	}
	got = post(map[string]any{"conversation_id": "conv_1", "inputs": map[string]string{"note": note}, "confirmed": true}, 200)
	if got["status"] != "ok" || got["http_status"] != 201.0 || got["message"] != "Note n_1 saved on customer c_1001." {
		t.Errorf("result = %v", got)
	}
	notes := a.up.Notes()
	if len(notes) != 1 {
		t.Fatalf("the CRM received %d notes, want 1", len(notes))
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(notes[0].Body), &body); err != nil {
		t.Fatalf("the note's body is not JSON: %v\n%s", err, notes[0].Body)
	}
	want := map[string]string{"note": note, "pinned": "false", "author": "alex@acme.example"}
	if notes[0].Method != "POST" || notes[0].Path != "/customers/c_1001/notes" || fmt.Sprint(body) != fmt.Sprint(want) {
		t.Errorf("the CRM received %s %s %v, want POST /customers/c_1001/notes %v", notes[0].Method, notes[0].Path, body, want)
	}
}

// The profile sheet's Resolve button through the console's API: the demo agent reports
// conversation.resolved for Ada's conversation twice (a double click, a retry); the Customer
// Data trigger posts one activity line with the latest CRM order, formatted, which the
// thread's endpoint lists; the second report is a duplicate and calls the CRM no more.
func TestConsoleResolve(t *testing.T) {
	a, err := newApp(t.Context(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)
	call := func(user, method, path, body string, want int, v any) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if user != "" {
			req.Header.Set("Authorization", "Bearer "+user)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, want)
		}
		if v != nil {
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	const line = "Latest order A-1003 pending — $129.50 (Gold customer, last purchase Jan 15, 2024)"
	ev := `{"id": "evt_resolved_conv_1", "type": "conversation.resolved", "contact": {"id": "c_1001", "name": "Ada Lovelace", "email": "ada@example.com"},
	  "conversation": {"subject": "Where is my order?", "status": "resolved"}}`
	var thread struct{ Messages []threadMessage }
	call("demo-agent", "GET", "/console/conversations/conv_1/messages", "", 200, &thread)
	if len(thread.Messages) != 0 {
		t.Fatalf("the thread starts with %+v", thread.Messages)
	}
	crm := a.up.CRMCalls.Load()
	for i, want := range []string{"posted", "duplicate"} {
		var res httpapi.EventResult
		call("demo-agent", "POST", "/api/inboxes/support/conversations/conv_1/events", ev, 200, &res)
		if len(res.Activities) != 1 || res.Activities[0].Status != want || res.Activities[0].Text != line ||
			res.Activities[0].IntegrationID != a.ins.Customer.ID {
			t.Errorf("report %d: %+v, want one %s activity of Customer Data", i+1, res.Activities, want)
		}
	}
	if n := a.up.CRMCalls.Load() - crm; n != 1 {
		t.Errorf("the CRM was called %d times, want 1", n)
	}
	call("demo-admin", "GET", "/console/conversations/conv_1/messages", "", 200, &thread)
	want := []threadMessage{{ID: "msg-1", Kind: "MINIMAL", Visibility: "BUSINESS", Text: line, Icon: "crm",
		Link: "https://crm.example.com/customers/12345", Source: triggers.DefaultSource}}
	if diff := cmp.Diff(want, thread.Messages); diff != "" {
		t.Errorf("thread (-want +got):\n%s", diff)
	}
	// The thread is for signed-in users and the demo's conversations only.
	call("", "GET", "/console/conversations/conv_1/messages", "", 401, nil)
	call("demo-agent", "GET", "/console/conversations/conv_2/messages", "", 404, nil)
	call("demo-agent", "GET", "/console/conversations/..%2F..%2Fapi/messages", "", 404, nil)
	// Linus has no email: Customer Data's trigger is not applicable, nothing is posted.
	var res httpapi.EventResult
	call("demo-agent", "POST", "/api/inboxes/sales/conversations/conv_1/events",
		`{"id": "evt_linus", "type": "conversation.resolved", "contact": {"id": "c_1003", "name": "Linus Torvalds"}}`, 200, &res)
	if len(res.Activities) != 1 || res.Activities[0].Status != "not_applicable" {
		t.Errorf("Linus: %+v", res.Activities)
	}
	if n := a.messages.Len(); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}
