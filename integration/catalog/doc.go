// Package catalog is the integration marketplace: ready-made integrations, request and display,
// for the services support teams connect most (Stripe, Shopify, HubSpot, Zendesk, Intercom,
// Pipedrive, Salesforce, Freshdesk, Calendly), so that an admin picks one, pastes a key and
// saves.
//
//	entries, err := catalog.List() // for the gallery: names, categories, the fields to ask for
//	in, err := catalog.Install("stripe-customer", map[string]string{"api_key": key})
//	if err != nil {
//		return err // an *InstallError naming each missing or malformed value
//	}
//	saved, err := svc.Create(ctx, admin, in) // package integration seals the key
//
// # Entries
//
// An [Entry] is data: one embedded JSON file per service, with its ID, name, description and
// category, the [Field] values the admin supplies (Secrets, stored as the integration's sealed
// secrets and sent as {{secret.NAME}} in a header; Settings, such as a shop's subdomain, written
// into the definition where {{setting.NAME}} stands), the integration with its display template,
// and a [Sample] response taken from the service's public API reference page (Sample.Reference
// names it) that previews the template. IDs:
//
//	stripe-customer       Stripe customers search by email (balance in minor units, delinquency)
//	stripe-subscriptions  the same search with the customer's subscriptions expanded
//	shopify-orders        Shopify Admin GraphQL orders with query email:"…"
//	hubspot-contact       HubSpot CRM contacts search, email EQ, in a JSON body
//	zendesk-tickets       Zendesk search type:ticket requester:"…" (no quotes inside)
//	intercom-contact      Intercom contacts search, email =, in a JSON body
//	pipedrive-person      Pipedrive persons search, exact email
//	salesforce-contact    Salesforce SOQL query WHERE Email = '…'
//	freshdesk-tickets     Freshdesk tickets filtered by email
//	calendly-events       Calendly scheduled events filtered by invitee email
//
// # Escaping in each service's query language
//
// The contact's email is attacker-controlled: anyone can write to a helpdesk from any address.
// Where a service reads the email inside its own query language, the entry writes it with the
// quote filter of package variables ({{contact.email | quote:"'"}}), which makes it one string
// literal with backslashes and quotes escaped, after which the URL or JSON escaping of its
// position applies as usual. So "x' OR email:'victim@example.com" searches Stripe for that odd
// address, never for the victim. Zendesk documents quoted phrases but no escape inside them,
// so its entry uses the phrase filter instead, which refuses an email holding a double quote or
// a backslash (possible only in a quoted local part): that card sends nothing. JSON bodies (HubSpot, Intercom) need nothing more than the
// body's JSON escaping; plain query parameters (Pipedrive, Calendly, Freshdesk) nothing more than
// query escaping. An email with a control character cannot be a literal: those requests are not
// sent (the card reports a request error).
//
// # Decisions
//
//   - List, Get and Install read the embedded files on every call and return fresh copies: the
//     package keeps no state. BenchmarkList measures the cost (154 KB and under 600
//     allocations per call); entries change only with the build, so a host that serves the
//     gallery on every page view may keep the result.
//   - A setting is written into the URL host and the display template as it is, so every
//     setting has an anchored pattern that admits only what a host label or an ID may hold;
//     secrets may have one too, to catch a key of the wrong kind ("starts with sk_") before
//     the first request fails.
//   - Install returns an integration without ID or team: saving it is the host's call through
//     integration.Service.Create, which validates, seals and versions it as any other.
//   - Stripe subscriptions come from the customers search with expand[]=data.subscriptions:
//     Stripe's subscription search cannot filter by email, and one request per card keeps the
//     cache and the test run simple. Shopify uses the Admin GraphQL API (REST is legacy) and
//     HubSpot and Intercom their search endpoints, so those three are POST requests; they read
//     data and are cached like GET requests.
//   - Zendesk's and Freshdesk's Basic authentication is built with the base64 filter from one
//     secret; Freshdesk's entry appends ":X" ([Field].Append) to the key the admin pastes.
//   - Paddle was left out: its customer list takes a comma-separated email list, so an email
//     holding a comma would match other customers, and no escaping exists for it.
//   - The Salesforce card leaves out CreatedDate: Salesforce writes it with a +hhmm offset
//     (2023-11-14T18:02:41.000+0000), which package template does not read as a date yet.
//   - TestSuggestCoverage measures template.Suggest on every sample against the entry's
//     hand-made template: the suggestion shows 57 of the 66 fields the entries show (86%);
//     most of the rest are null in the samples, and Suggest leaves all-null fields out.
//   - Samples follow the reference pages' example responses; where those leave a shown field
//     null (Stripe's example customer has no email), the sample fills it, so that the golden
//     render shows every field of the template.
//
// Everything in this package is safe for concurrent use.
package catalog
