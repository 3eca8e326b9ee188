package integration_test

import (
	"context"
	"encoding/json"
	"errors"
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

// newExampleService returns a Service over an in-memory store with one team and inbox, whose
// executor may reach loopback test servers (an explicit opt-in: the default refuses them).
func newExampleService() (*integration.Service, func()) {
	exec, err := httpexec.New(httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		log.Fatal(err)
	}
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"})
	svc, err := integration.NewService(integration.Options{Store: store, Attachments: store, Inboxes: store, Executor: exec})
	if err != nil {
		log.Fatal(err)
	}
	return svc, func() { exec.Close() }
}

func Example() {
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"id":12345,"tier":"Gold","ltv":2850,"email":%q}`, r.URL.Query().Get("email"))
	}))
	defer crm.Close()
	svc, closeSvc := newExampleService()
	defer closeSvc()
	ctx := context.Background()
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}

	in, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Customer Data", Method: "GET", URL: crm.URL + "/customers?email={{contact.email}}",
		CacheMinutes: 15, Active: true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version":1,"sections":[
			{"type":"keyvalue","title":"Customer Information","items":[
				{"label":"Customer ID","value":"{{id}}"},
				{"label":"Tier","value":"{{tier}}","format":{"type":"badge","tones":{"Gold":"success"}}},
				{"label":"Lifetime Value","value":"{{ltv}}","format":{"type":"currency","currency":"USD"}}]}]}`)},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := svc.Attach(ctx, admin, in.ID, "support", 1); err != nil {
		log.Fatal(err)
	}

	agent := integration.Actor{TeamID: "acme", Role: integration.RoleMember}
	for range 2 {
		cards, err := svc.Profile(ctx, agent, &integration.ProfileRequest{
			InboxID: "support", Contact: integration.Contact{ID: "c1", Name: "Ada", Email: "ada@example.com"},
		})
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range cards {
			fmt.Printf("%s: %s (from cache: %v)\n", c.Name, c.Status, c.FromCache)
			render.Text(os.Stdout, c.Output)
		}
	}
	// Output:
	// Customer Data: ok (from cache: false)
	// ┌─ Customer Information ─────────────────┐
	// │ Customer ID          12345             │
	// │ Tier                 [Gold]            │
	// │ Lifetime Value       $2,850.00         │
	// └────────────────────────────────────────┘
	// Customer Data: ok (from cache: true)
	// ┌─ Customer Information ─────────────────┐
	// │ Customer ID          12345             │
	// │ Tier                 [Gold]            │
	// │ Lifetime Value       $2,850.00         │
	// └────────────────────────────────────────┘
}

// A test run shows the expanded request without sending it.
func ExampleService_Test_dryRun() {
	svc, closeSvc := newExampleService()
	defer closeSvc()
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}
	res, err := svc.Test(context.Background(), admin, &integration.TestRequest{
		Integration: &integration.Integration{
			Name: "Translayte Client Info", Method: "POST", URL: "https://translayte.com/api/v1/clients",
			Headers: []integration.Header{{Name: "Authorization", Value: "Bearer your-api-token-here", Secret: true}},
			Body:    `{"email":"{{contact.email}}","/name":"{{contact.name}}"}`,
		},
		Contact: integration.Contact{Email: "zoe+vip@example.com", Name: `Zoë "Z" O'Brien`},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Request.Method, res.Request.URL)
	fmt.Println("Authorization:", res.Request.Header.Get("Authorization"))
	fmt.Println(res.Request.Body)
	fmt.Println("sent:", res.Sent)
	// Output:
	// POST https://translayte.com/api/v1/clients
	// Authorization: ••••
	// {"email":"zoe+vip@example.com","/name":"Zoë \"Z\" O'Brien"}
	// sent: false
}

// Validation reports every problem with the path of its field.
func ExampleIntegration_Validate() {
	in := &integration.Integration{
		Name: "Broken", Method: "GET", URL: "ftp://crm.example.com",
		Headers: []integration.Header{
			{Name: "Accept", Value: "application/json"},
			{Name: "X-Contact", Value: "{{contact.nickname}}"},
		},
		Body:         `{"a":1}`,
		CacheMinutes: 2000,
		Display:      integration.Display{Enabled: true, Template: json.RawMessage(`{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"A"}]}]}`)},
	}
	var ve *integration.ValidationError
	if errors.As(in.Validate(), &ve) {
		for _, p := range ve.Problems {
			fmt.Printf("%s: %s\n", p.Path, p.Code)
		}
	}
	// Output:
	// /url: bad_url
	// /headers/1/value: unknown_variable
	// /body: body_not_allowed
	// /cache_minutes: out_of_range
	// /display/template/sections/0/items/0/value: missing_field
}

// A host's editor builds its form from the schema and validates before it posts.
func ExampleSchema() {
	var schema struct {
		Title    string   `json:"title"`
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(integration.Schema(), &schema); err != nil {
		log.Fatal(err)
	}
	fmt.Println(schema.Title, schema.Required)
	// Output: inboxkit integration [name url]
}
