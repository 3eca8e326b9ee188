package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
	"github.com/inboxkit/inboxkit/integration/memstore"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

// A host that is not written in Go reports a conversation event over HTTP; an integration's
// trigger posts one activity line into the conversation, and reporting the event again (a
// retry) posts nothing twice.
func ExampleOptions_triggers() {
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"order": {"number": 1001, "status": "shipped", "total": 42}}`)
	}))
	defer shop.Close()
	exec, err := httpexec.New(httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "acme"})
	svc, err := integration.NewService(integration.Options{Store: store, Attachments: store, Inboxes: store, Executor: exec,
		NewID: func() string { return "orders" }})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}
	if _, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Orders", URL: shop.URL + "/orders/latest?email={{contact.email}}", Active: true, CacheMinutes: 5,
		Triggers: []integration.Trigger{{Name: "order_shipped", On: integration.EventConversationResolved, Icon: "truck",
			Text: `Order #{{order.number}} {{order.status}} — {{order.total | currency:"USD"}}`}},
	}); err != nil {
		log.Fatal(err)
	}
	if err := svc.Attach(ctx, admin, "orders", "support", 1); err != nil {
		log.Fatal(err)
	}

	// The host's inbox (in memory here) and the Poster that posts into it.
	msgs := inboxtest.NewMessages()
	syncer, err := inbox.New(inbox.Options{Contacts: inboxtest.NewContacts(), Conversations: inboxtest.NewConversations(),
		Messages: msgs, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute})})
	if err != nil {
		log.Fatal(err)
	}
	poster, err := triggers.New(triggers.Options{Service: svc, Syncer: syncer})
	if err != nil {
		log.Fatal(err)
	}
	api, err := httpapi.New(httpapi.Options{
		Service:  svc,
		Triggers: poster,
		Identify: func(r *http.Request) (integration.Actor, error) {
			return integration.Actor{TeamID: "acme", Role: integration.RoleMember}, nil // the host's service account
		},
		Contact: func(context.Context, integration.Actor, httpapi.ContactRef) (integration.Contact, *integration.Conversation, error) {
			return integration.Contact{}, nil, integration.ErrNotFound
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(http.StripPrefix("/api", api))
	defer srv.Close()

	event := `{"id": "evt_9", "type": "conversation.resolved", "contact": {"email": "ada@example.com"}, "conversation": {"status": "resolved"}}`
	for range 2 {
		resp, err := http.Post(srv.URL+"/api/inboxes/support/conversations/conv-1/events", "application/json", strings.NewReader(event))
		if err != nil {
			log.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, strings.TrimSpace(string(b))) // a 503 asks to report the event again later
	}
	for _, m := range msgs.All() {
		fmt.Printf("%s %s [%s] %s\n", m.ConversationID, m.Message.Kind, m.Message.Icon, m.Message.Text)
	}
	// Output:
	// 200 {"event_id":"evt_9","activities":[{"integration_id":"orders","trigger":"order_shipped","key":"orders/order_shipped/evt_9","status":"posted","text":"Order #1001 shipped — $42.00","icon":"truck","message_id":"msg-1"}]}
	// 200 {"event_id":"evt_9","activities":[{"integration_id":"orders","trigger":"order_shipped","key":"orders/order_shipped/evt_9","status":"duplicate","text":"Order #1001 shipped — $42.00","icon":"truck","message_id":"msg-1"}]}
	// conv-1 MINIMAL [truck] Order #1001 shipped — $42.00
}
