package inbox_test

import (
	"context"
	"fmt"
	"log"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// Post adds an activity the host produced to a conversation it knows, exactly once per key.
func ExampleSyncer_Post() {
	msgs := inboxtest.NewMessages()
	s, err := inbox.New(inbox.Options{
		Contacts: inboxtest.NewContacts(), Conversations: inboxtest.NewConversations(),
		Messages: msgs, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{}),
	})
	if err != nil {
		log.Fatal(err)
	}
	ev := &inbox.Event{
		Source: "integration", Type: "conversation.resolved", IdempotencyKey: "orders/order_shipped/evt_9",
		Kind: inbox.KindMinimal, Visibility: inbox.BusinessOnly, Icon: "truck",
		Text: "Order #1001 shipped — $42.00", Link: "https://shop.example.com/orders/1001",
	}
	for range 2 {
		out, err := s.Post(context.Background(), "conv-42", ev)
		if err != nil {
			log.Fatal(err) // errors.Is(err, inbox.ErrTemporary): post again later
		}
		fmt.Printf("%s %q %s\n", out.Status, out.Rule, out.Key)
	}
	for _, m := range msgs.All() {
		fmt.Println(m.ConversationID, m.Message.Kind, m.Message.Text)
	}
	// Output:
	// sent "conversation" integration/k/orders/order_shipped/evt_9
	// duplicate "" integration/k/orders/order_shipped/evt_9
	// conv-42 MINIMAL Order #1001 shipped — $42.00
}
