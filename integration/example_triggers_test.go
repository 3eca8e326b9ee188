package integration_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/inboxkit/inboxkit/integration"
)

// An order lookup with a trigger: when a conversation is resolved, the contact's latest order
// becomes a one-line activity to post into the conversation (package integration/triggers
// posts it through package inbox).
func ExampleService_RunTriggers() {
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"order":{"number":1001,"status":"shipped","total":42}}`)
	}))
	defer shop.Close()
	svc, closeSvc := newExampleService()
	defer closeSvc()
	ctx := context.Background()
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}

	in, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Orders", URL: shop.URL + "/orders/latest?email={{contact.email}}", Active: true,
		Triggers: []integration.Trigger{{
			Name: "order_shipped",
			On:   integration.EventConversationResolved,
			Text: `Order #{{order.number}} {{order.status}} — {{order.total | currency:"USD"}}`,
			Link: "https://shop.example.com/orders/{{order.number}}",
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := svc.Attach(ctx, admin, in.ID, "support", 1); err != nil {
		log.Fatal(err)
	}

	acts, err := svc.RunTriggers(ctx, integration.Actor{TeamID: "acme"}, &integration.ConversationEvent{
		ID: "evt_9", Type: integration.EventConversationResolved, InboxID: "support",
		Contact:      integration.Contact{ID: "c1", Email: "ada@example.com"},
		Conversation: integration.Conversation{ID: "conv-1", Status: "resolved"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range acts {
		fmt.Println(a.Status, a.Text, a.Link)
	}
	// Output: ok Order #1001 shipped — $42.00 https://shop.example.com/orders/1001
}

// An activity's key names the integration, the trigger by its name and the event: reordering
// triggers keeps it. '%' and '/' in the IDs are escaped, so no two keys collide.
func ExampleActivityKey() {
	fmt.Println(integration.ActivityKey("int_1", "order_shipped", "evt_9"))
	fmt.Println(integration.ActivityKey("int/1", "order_shipped", "evt%9"))
	// Output:
	// int_1/order_shipped/evt_9
	// int%2F1/order_shipped/evt%259
}
