package integration_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
)

// chainTemplate shows the customer (step lookup) and their orders (step orders) on one card.
var chainTemplate = json.RawMessage(`{"version": 1, "sections": [
  {"type": "keyvalue", "title": "Customer", "items": [
    {"label": "Name", "value": "{{steps.lookup.body.customer.name}}"},
    {"label": "Orders", "value": "{{steps.orders.body.orders.#}}", "when": {"path": "steps.orders", "op": "exists"}}]},
  {"type": "repeat", "path": "steps.orders.body.orders", "item": {"type": "text", "text": "Order {{id}}: {{total}}"}}]}`)

// chainEnv is a service with a CRM upstream (customer by email) and an orders upstream (orders
// by customer ID), whose answers the test decides.
type chainEnv struct {
	*env
	crm, orders *upstream
}

func newChainEnv(t *testing.T, customer string, orders http.HandlerFunc) *chainEnv {
	e := newEnv(t)
	return &chainEnv{env: e, crm: newUpstream(t, jsonReply(customer)), orders: newUpstream(t, orders)}
}

// chained returns the two-step integration over ce's upstreams, with its orders step edited.
func (ce *chainEnv) chained(edit func(*integration.Step)) *integration.Integration {
	st := integration.Step{
		Name: "orders", Method: integration.MethodPost,
		URL:     ce.orders.URL + "/customers/{{steps.lookup.body.customer.id}}/orders",
		Query:   []integration.QueryParam{{Name: "since", Value: `{{steps.lookup.body.customer.since | default:""}}`}}, // optional
		Headers: []integration.Header{{Name: "X-Customer", Value: "{{steps.lookup.body.customer.name}}"}},
		Body:    `{"customer": "{{steps.lookup.body.customer.id}}", "tags": {{steps.lookup.body.customer.tags}}, "agent": {{agent.email}}}`,
	}
	if edit != nil {
		edit(&st)
	}
	return &integration.Integration{
		Name: "Orders", URL: ce.crm.URL + "/customers?email={{contact.email}}", StepName: "lookup", Active: true, CacheMinutes: 10,
		Steps: []integration.Step{st}, Display: integration.Display{Enabled: true, Template: chainTemplate},
	}
}

func (ce *chainEnv) profile(t *testing.T) integration.Card {
	t.Helper()
	cards, err := ce.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{
		InboxID: "a1", Contact: ada, Agent: &integration.Agent{Email: "grace@helpdesk.example"},
	})
	if err != nil || len(cards) != 1 {
		t.Fatalf("Profile = %v, %v", cards, err)
	}
	return cards[0]
}

// TestChainedCard: the second step reads the first's response, the card shows both, and a
// second load is served from the cache step by step.
func TestChainedCard(t *testing.T) {
	t.Parallel()
	ce := newChainEnv(t, `{"customer": {"id": "cus_1", "name": "Ada", "since": "2024-01-01", "tags": ["vip", 7]}}`,
		jsonReply(`{"orders": [{"id": "A-1", "total": 42}, {"id": "A-2", "total": 7.5}]}`))
	ce.create(t, ce.chained(nil), 0, "a1")
	card := ce.profile(t)
	if card.Status != integration.StatusOK || card.FromCache {
		t.Fatalf("card = %s", mustJSON(t, card))
	}
	got := cardText(t, card.Output)
	for _, want := range []string{"Ada", "Orders", "Order A-1: 42", "Order A-2: 7.5"} {
		if !strings.Contains(got, want) {
			t.Errorf("card text lacks %q:\n%s", want, got)
		}
	}
	want := recorded{
		Method: "POST", Path: "/customers/cus_1/orders", RawQuery: "since=2024-01-01",
		Body: `{"customer": "cus_1", "tags": "[\"vip\", 7]", "agent": "grace@helpdesk.example"}`,
	}
	if diff := cmp.Diff(want, ce.orders.last(t), cmpRecorded); diff != "" {
		t.Errorf("orders request (-want +got):\n%s", diff)
	}
	again := ce.profile(t)
	if !again.FromCache || again.Status != integration.StatusOK || ce.crm.calls() != 1 || ce.orders.calls() != 1 {
		t.Errorf("second load: from cache %v, status %s, calls %d/%d; want both steps cached", again.FromCache, again.Status, ce.crm.calls(), ce.orders.calls())
	}
	// Cached loads render the chain again, never a rendered card of the first response.
	for range 2 {
		if diff := cmp.Diff(got, cardText(t, ce.profile(t).Output)); diff != "" {
			t.Errorf("cached load's card text (-first +cached):\n%s", diff)
		}
	}
}

// TestChainedHostileStepValues: a value of one step's response is escaped by its position in the
// next step, whatever it holds; a value that cannot be sent fails the card naming the step.
func TestChainedHostileStepValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, customer string
		want           recorded // Path, RawQuery, Body; zero: nothing sent
		header         string
	}{
		{
			name:     "query and fragment injection",
			customer: `{"id": "cus 1?x=1#f/a", "name": "Ada", "since": "2024&role=admin", "tags": []}`,
			want:     recorded{Path: "/customers/cus%201%3Fx=1%23f%2Fa/orders", RawQuery: "since=2024%26role%3Dadmin", Body: `{"customer": "cus 1?x=1#f/a", "tags": "[]", "agent": ""}`},
			header:   "Ada",
		},
		{
			name:     "quotes and backslashes",
			customer: `{"id": "a\"b\\c", "name": "O'Brien \"Jr\"", "since": "", "tags": "\"}, \"admin\": true, \"x\": {\""}`,
			want:     recorded{Path: "/customers/a%22b%5Cc/orders", RawQuery: "since=", Body: `{"customer": "a\"b\\c", "tags": "\"}, \"admin\": true, \"x\": {\"", "agent": ""}`},
			header:   `O'Brien "Jr"`,
		},
		{name: "dot-dot segment", customer: `{"id": "..", "name": "Ada", "tags": []}`},
		{name: "path traversal", customer: `{"id": "../admin", "name": "Ada", "tags": []}`},
		{name: "CR LF in a header", customer: `{"id": "cus_1", "name": "Ada\r\nX-Admin: 1", "tags": []}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ce := newChainEnv(t, `{"customer": `+tt.customer+`}`, jsonReply(`{"orders": []}`))
			ce.create(t, ce.chained(nil), 0, "a1")
			cards, err := ce.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
			if err != nil {
				t.Fatal(err)
			}
			card := cards[0]
			if tt.want.Path == "" {
				want := &integration.CardError{Category: "invalid_request", Message: "This contact's details cannot be sent to the service.", Step: "orders"}
				if diff := cmp.Diff(want, card.Error); diff != "" || card.Status != integration.StatusError || ce.orders.calls() != 0 {
					t.Errorf("card %s, orders calls %d; error (-want +got):\n%s", mustJSON(t, card), ce.orders.calls(), diff)
				}
				return
			}
			if card.Status != integration.StatusOK {
				t.Fatalf("card = %s", mustJSON(t, card))
			}
			got := ce.orders.last(t)
			tt.want.Method = "POST"
			if diff := cmp.Diff(tt.want, got, cmpRecorded); diff != "" {
				t.Errorf("orders request (-want +got):\n%s", diff)
			}
			if !json.Valid([]byte(got.Body)) || got.Header.Get("X-Customer") != tt.header || len(got.Header.Values("X-Admin")) != 0 {
				t.Errorf("body valid %v, X-Customer %q, X-Admin %q", json.Valid([]byte(got.Body)), got.Header.Get("X-Customer"), got.Header.Values("X-Admin"))
			}
		})
	}
}

// TestChainedMissingValue: without the value the next step needs, the card is not applicable
// and the step is not sent, or with ShowEarlierSteps the card shows the first step.
func TestChainedMissingValue(t *testing.T) {
	t.Parallel()
	for _, customer := range []string{`{"customer": null}`, `{"customer": {"id": "", "name": "Ada"}}`, `{"customer": {"id": null}}`, `{}`} {
		ce := newChainEnv(t, customer, jsonReply(`{"orders": []}`))
		in := ce.create(t, ce.chained(nil), 0, "a1")
		card := ce.profile(t)
		want := integration.Card{IntegrationID: in.ID, Name: "Orders", Status: integration.StatusNotApplicable,
			Reason: integration.ReasonMissingStepValue, Missing: []string{"steps.lookup.body.customer.id"}}
		got := card
		got.FetchedAt, got.FromCache = want.FetchedAt, false
		if diff := cmp.Diff(want, got, cmpCardsIgnoringDuration); diff != "" || ce.orders.calls() != 0 {
			t.Errorf("%s: orders calls %d; card (-want +got):\n%s", customer, ce.orders.calls(), diff)
		}
	}

	ce := newChainEnv(t, `{"customer": {"name": "Ada"}}`, jsonReply(`{"orders": []}`))
	ce.create(t, ce.chained(func(st *integration.Step) { st.ShowEarlierSteps = true }), 0, "a1")
	card := ce.profile(t)
	if card.Status != integration.StatusOK || ce.orders.calls() != 0 {
		t.Fatalf("card = %s, orders calls %d", mustJSON(t, card), ce.orders.calls())
	}
	if got := cardText(t, card.Output); !strings.Contains(got, "Ada") || strings.Contains(got, "Orders") {
		t.Errorf("card shows:\n%s\nwant the customer without orders", got)
	}
}

// TestChainedFailingStepIsNamed: the card of a failed step says which step failed.
func TestChainedFailingStepIsNamed(t *testing.T) {
	t.Parallel()
	ce := newChainEnv(t, `{"customer": {"id": "c1", "name": "Ada", "tags": []}}`, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	})
	ce.create(t, ce.chained(nil), 0, "a1")
	card := ce.profile(t)
	want := &integration.CardError{Category: "upstream_5xx", Message: "The service failed (HTTP 502).", Step: "orders"}
	if diff := cmp.Diff(want, card.Error); diff != "" || card.Status != integration.StatusError {
		t.Errorf("status %s, error (-want +got):\n%s", card.Status, diff)
	}

	ce = newChainEnv(t, `not json`, jsonReply(`{}`))
	ce.create(t, ce.chained(nil), 0, "a1")
	card = ce.profile(t)
	want = &integration.CardError{Category: "invalid_response", Message: "The service returned a response that cannot be read.", Step: "lookup"}
	if diff := cmp.Diff(want, card.Error); diff != "" || ce.orders.calls() != 0 {
		t.Errorf("orders calls %d, error (-want +got):\n%s", ce.orders.calls(), diff)
	}
}

// TestChainedTestRunShowsEveryStep: a live test run reports each step's request and response,
// secrets redacted; a dry run names the steps it cannot expand.
func TestChainedTestRunShowsEveryStep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/orders/") {
			io.WriteString(w, `{"orders": [{"id": "A-1", "total": 1}], "echo": "`+r.Header.Get("Authorization")+`"}`)
			return
		}
		io.WriteString(w, `{"customer": {"id": "c 1", "name": "Ada"}}`)
	})
	in := &integration.Integration{
		Name: "Orders", URL: up.URL + "/customers?email={{contact.email}}", StepName: "lookup",
		Secrets: []integration.Secret{{Name: "token", Value: testSecret}},
		Steps: []integration.Step{{Name: "orders", URL: up.URL + "/orders/{{steps.lookup.body.customer.id}}",
			Headers: []integration.Header{{Name: "Authorization", Value: "Bearer {{secret.token}}"}}}},
		Display: integration.Display{Enabled: true, Template: chainTemplate},
	}
	res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{Integration: in, Contact: ada, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Success || len(res.Steps) != 1 || res.Preview == nil {
		t.Fatalf("result = %s", mustJSON(t, res))
	}
	st := res.Steps[0]
	if st.Name != "orders" || !st.Sent || st.StatusCode != 200 || st.Request.URL != up.URL+"/orders/c%201" ||
		st.Request.Header.Get("Authorization") != "Bearer "+integration.Redacted || !strings.Contains(st.Body, "A-1") {
		t.Errorf("step = %s", mustJSON(t, st))
	}
	if out := mustJSON(t, res); strings.Contains(out, testSecret) {
		t.Errorf("the test result shows the secret: %s", out)
	}
	if text := cardText(t, res.Preview); !strings.Contains(text, "Order A-1") {
		t.Errorf("preview:\n%s", text)
	}

	dry, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{Integration: in, Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Steps) != 1 || dry.Steps[0].Name != "orders" || dry.Steps[0].Sent || !dry.Success {
		t.Errorf("dry run = %s", mustJSON(t, dry))
	}
}

func TestChainedValidation(t *testing.T) {
	t.Parallel()
	step := func(name, u string) integration.Step { return integration.Step{Name: name, URL: u} }
	tests := []struct {
		name string
		edit func(*integration.Integration)
		want []integration.Problem
	}{
		{"bad name", func(in *integration.Integration) {
			in.Steps = []integration.Step{step("Orders", "https://api.example.com/o")}
		},
			[]integration.Problem{{Path: "/steps/0/name", Code: integration.CodeInvalid}}},
		{"name of the first step", func(in *integration.Integration) {
			in.Steps = []integration.Step{step("main", "https://api.example.com/o")}
		},
			[]integration.Problem{{Path: "/steps/0/name", Code: integration.CodeDuplicate}}},
		{"duplicate", func(in *integration.Integration) {
			in.Steps = []integration.Step{step("a", "https://api.example.com/a"), step("a", "https://api.example.com/b")}
		}, []integration.Problem{{Path: "/steps/1/name", Code: integration.CodeDuplicate}}},
		{"forward reference", func(in *integration.Integration) {
			in.Steps = []integration.Step{step("a", "https://api.example.com/{{steps.b.body.id}}"), step("b", "https://api.example.com/b")}
		}, []integration.Problem{{Path: "/steps/0/url", Code: integration.CodeUnknownVariable}}},
		{"self reference", func(in *integration.Integration) {
			in.Steps = []integration.Step{{Name: "a", URL: "https://api.example.com/a", Query: []integration.QueryParam{{Name: "q", Value: "{{steps.a.body.id}}"}}}}
		}, []integration.Problem{{Path: "/steps/0/query/0/value", Code: integration.CodeUnknownVariable}}},
		{"the first request reads a step", func(in *integration.Integration) {
			in.URL = "https://api.example.com/{{steps.a.body.id}}"
			in.Steps = []integration.Step{step("a", "https://api.example.com/a")}
		}, []integration.Problem{{Path: "/url", Code: integration.CodeUnknownVariable}}},
		{"not the body", func(in *integration.Integration) {
			in.Steps = []integration.Step{step("a", "https://api.example.com/{{steps.main.status}}")}
		}, []integration.Problem{{Path: "/steps/0/url", Code: integration.CodeUnknownVariable}}},
		{"too many", func(in *integration.Integration) {
			in.Steps = []integration.Step{step("a", "https://x.example.com"), step("b", "https://x.example.com"), step("c", "https://x.example.com")}
		}, []integration.Problem{{Path: "/steps", Code: integration.CodeOutOfRange}}},
		{"secret header", func(in *integration.Integration) {
			in.Steps = []integration.Step{{Name: "a", URL: "https://api.example.com/a", Headers: []integration.Header{{Name: "Authorization", Value: "x", Secret: true}}}}
		}, []integration.Problem{{Path: "/steps/0/headers/0/secret", Code: integration.CodeInvalid}}},
		{"secret to another host", func(in *integration.Integration) {
			in.Secrets = []integration.Secret{{Name: "t", Value: "v"}}
			in.Steps = []integration.Step{{Name: "a", URL: "https://evil.example.net/a", Headers: []integration.Header{{Name: "Authorization", Value: "{{secret.t}}"}}}}
		}, []integration.Problem{{Path: "/steps/0/url", Code: integration.CodeInvalid}}},
		{"bad step parts", func(in *integration.Integration) {
			in.StepName = "Main"
			in.Steps = []integration.Step{{Name: "a", Method: "GET", URL: "ftp://x", Body: "{}"}}
		}, []integration.Problem{{Path: "/step_name", Code: integration.CodeInvalid}, {Path: "/steps/0/url", Code: integration.CodeBadURL}, {Path: "/steps/0/body", Code: integration.CodeBodyNotAllowed}}},
	}
	for _, tt := range tests {
		in := &integration.Integration{Name: "n", URL: "https://api.example.com/c"}
		tt.edit(in)
		err := in.Validate()
		ve, ok := errors.AsType[*integration.ValidationError](err)
		if !ok {
			t.Errorf("%s: Validate = %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, ve.Problems, ignoreMessage); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s", tt.name, diff)
		}
	}
	ok := &integration.Integration{Name: "n", URL: "https://api.example.com/c", Secrets: []integration.Secret{{Name: "t", Value: "v"}},
		Steps: []integration.Step{
			{Name: "a", URL: "https://api.example.com/a/{{steps.main.body.id}}", Headers: []integration.Header{{Name: "Authorization", Value: "{{secret.t}}"}}},
			{Name: "b", URL: "https://other.example.com/{{steps.a.body.items.0.id}}?c={{steps.main.body.x}}"}}}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
}

// cardText draws out as plain text.
func cardText(t *testing.T, out *template.Output) string {
	t.Helper()
	var b strings.Builder
	if err := render.Text(&b, out); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func ExampleStep() {
	in := &integration.Integration{
		Name: "Orders", StepName: "lookup",
		URL: "https://crm.example.com/customers?email={{contact.email}}",
		Steps: []integration.Step{{
			Name: "orders",
			URL:  "https://shop.example.com/customers/{{steps.lookup.body.customer.id}}/orders",
		}},
	}
	fmt.Println(in.Validate())
	// Output: <nil>
}

// TestChainedRefreshKeepsStaleSteps: when a refresh fails at a step, the card shows the cached
// copy, stale, with the error naming the step.
func TestChainedRefreshKeepsStaleSteps(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	ce := newChainEnv(t, `{"customer": {"id": "c1", "name": "Ada", "tags": []}}`, func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		jsonReply(`{"orders": [{"id": "A-1", "total": 3}]}`)(w, r)
	})
	ce.create(t, ce.chained(nil), 0, "a1")
	if card := ce.profile(t); card.Status != integration.StatusOK {
		t.Fatalf("card = %s", mustJSON(t, card))
	}
	down.Store(true)
	cards, err := ce.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{
		InboxID: "a1", Contact: ada, Agent: &integration.Agent{Email: "grace@helpdesk.example"}, Refresh: true, // as ce.profile, but refreshed
	})
	if err != nil {
		t.Fatal(err)
	}
	card := cards[0]
	want := &integration.CardError{Category: "upstream_5xx", Message: "The service failed (HTTP 503).", Step: "orders"}
	if diff := cmp.Diff(want, card.Error); diff != "" || card.Status != integration.StatusOK || !card.Stale || !strings.Contains(cardText(t, card.Output), "Order A-1: 3") {
		t.Errorf("card %s; error (-want +got):\n%s", mustJSON(t, card), diff)
	}
}
