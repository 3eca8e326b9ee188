package wix_test

import (
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/wix"
	"github.com/inboxkit/inboxkit/inbox/wix/wixtest"
)

// ExampleWebhooks maps one of Wix's own webhooks, a signed JWT whose event
// is nested stringified JSON, with an ordinary inbox.Source: here an order
// created on the Wix site becomes an activity line.
func ExampleWebhooks() {
	wixSide, err := wixtest.NewSigner() // stands in for Wix, which signs with the app's key
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	hooks, err := wix.NewWebhooks(wix.WebhookOptions{PublicKeys: []string{wixSide.PublicKey()}, Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}
	dec, err := inbox.NewDecoder(inbox.Source{
		Name:     "wix-orders",
		Verifier: hooks,
		Mapping: inbox.Mapping{
			Type: "eventType", MessageID: "data.id",
			Email:  "data.createdEvent.entityAsJson.buyerInfo.email",
			Fields: map[string]string{"number": "data.createdEvent.entityAsJson.number"},
		},
		Events: map[string]inbox.EventType{
			"wix.ecom.v1.order_created": {Kind: inbox.KindMinimal, Text: "Order #{{ field.number }} created on the site"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	order, _ := json.Marshal(map[string]any{"number": "10042", "buyerInfo": map[string]any{"email": "ada@example.com"}})
	body, err := wixSide.Sign(wixtest.Webhook{EventType: "wix.ecom.v1.order_created", InstanceID: "inst-1",
		Event: map[string]any{"id": "evt-42", "entityFqdn": "wix.ecom.v1.order", "slug": "created",
			"createdEvent": map[string]any{"entityAsJson": string(order)}}}, now)
	if err != nil {
		log.Fatal(err)
	}

	doc, err := hooks.Open(nil, body) // what the inbox Handler does with an inbox.Opener
	if err != nil {
		log.Fatal(err)
	}
	ev, err := dec.Decode(nil, doc)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Key(), ev.Email, ev.Kind, ev.Text)

	stale, _ := wixSide.Sign(wixtest.Webhook{EventType: "wix.ecom.v1.order_created", Event: map[string]any{}}, now.Add(-time.Hour))
	_, err = hooks.Open(nil, stale)
	fmt.Println(err)
	// Output:
	// wix-orders/wix.ecom.v1.order_created/m/evt-42 ada@example.com MINIMAL Order #10042 created on the site
	// wix: webhooks: invalid signature: JWT expired
}
