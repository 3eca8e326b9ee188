package catalog_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/inboxkit/inboxkit/integration/catalog"
)

func Example() {
	in, err := catalog.Install("zendesk-tickets", map[string]string{
		"subdomain":   "acme",
		"credentials": "agent@acme.com/token:6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(in.Name, in.EffectiveMethod(), in.URL)
	for _, q := range in.Query {
		fmt.Printf("  %s=%s\n", q.Name, q.Value)
	}
	fmt.Println("cached for", in.CacheTTL(), "and required:", in.RequiredVariables)
	// Output:
	// Zendesk tickets GET https://acme.zendesk.com/api/v2/search.json
	//   query=type:ticket requester:{{contact.email | phrase}}
	//   sort_by=updated_at
	//   sort_order=desc
	// cached for 2m0s and required: [contact.email]
}

func ExampleList() {
	entries, err := catalog.List()
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries[:3] {
		fmt.Printf("%s (%s): asks for", e.ID, e.Category)
		for _, f := range append(e.Secrets, e.Settings...) {
			fmt.Printf(" %q", f.Label)
		}
		fmt.Println()
	}
	// Output:
	// calendly-events (scheduling): asks for "Calendly personal access token" "Organization URI"
	// freshdesk-tickets (support): asks for "Freshdesk API key" "Freshdesk subdomain"
	// hubspot-contact (crm): asks for "Private app access token" "HubSpot account ID"
}

func ExampleInstall_problems() {
	_, err := catalog.Install("shopify-orders", map[string]string{
		"shop":         "acme.example.com",
		"access_token": "",
	})
	if ie, ok := errors.AsType[*catalog.InstallError](err); ok {
		for _, p := range ie.Problems {
			fmt.Println(p.Path, p.Code)
		}
	}
	// Output:
	// /access_token required
	// /shop invalid
}
