package triggers_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

func ExamplePoster_Handle() {
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"order":{"number":1001,"status":"shipped","total":42}}`)
	}))
	defer shop.Close()

	// The integration side: a team's order lookup with a trigger, attached to its inbox.
	exec, err := httpexec.New(httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "acme"})
	svc, err := integration.NewService(integration.Options{Store: store, Attachments: store, Inboxes: store, Executor: exec})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}
	in, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Orders", URL: shop.URL + "/orders/latest?email={{contact.email}}", Active: true, CacheMinutes: 5,
		Triggers: []integration.Trigger{{Name: "order_shipped", On: integration.EventConversationResolved, Icon: "truck",
			Text: `Order #{{order.number}} {{order.status}} — {{order.total | currency:"USD"}}`,
			Link: "https://shop.example.com/orders/{{order.number}}"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := svc.Attach(ctx, admin, in.ID, "support", 1); err != nil {
		log.Fatal(err)
	}

	// The inbox side: the host's messages and ledger (in memory here).
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

	// The host reports the same event twice: one activity is posted.
	ev := &integration.ConversationEvent{
		ID: "evt_9", Type: integration.EventConversationResolved, InboxID: "support",
		Contact:      integration.Contact{ID: "c1", Email: "ada@example.com"},
		Conversation: integration.Conversation{ID: "conv-1", Status: "resolved"},
	}
	for range 2 {
		results, err := poster.Handle(ctx, integration.Actor{TeamID: "acme"}, ev)
		if err != nil {
			log.Fatal(err) // errors.Is(err, inbox.ErrTemporary): report the event again later
		}
		for _, r := range results {
			fmt.Println(r.Outcome.Status, r.Activity.Text)
		}
	}
	for _, m := range msgs.All() {
		fmt.Printf("%s %s: %s <%s>\n", m.ConversationID, m.Message.Kind, m.Message.Text, m.Message.Link)
	}
	// Output:
	// sent Order #1001 shipped — $42.00
	// duplicate Order #1001 shipped — $42.00
	// conv-1 MINIMAL: Order #1001 shipped — $42.00 <https://shop.example.com/orders/1001>
}
