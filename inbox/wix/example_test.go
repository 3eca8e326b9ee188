package wix_test

import (
	"context"
	"fmt"
	"log"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/inbox/wix"
	"github.com/inboxkit/inboxkit/inbox/wix/wixtest"
)

// Example syncs a chat message and an order activity into Wix Inbox (here
// the in-process stand-in for www.wixapis.com).
func Example() {
	auth := wix.Auth{AppID: "app-id", AppSecret: "app-secret", InstanceID: "instance-id"}
	srv := wixtest.NewServer(wixtest.Options{AppID: auth.AppID, AppSecret: auth.AppSecret, InstanceID: auth.InstanceID})
	defer srv.Close()
	srv.AddContact(wixtest.Contact{Name: "Ada", Emails: []string{"ada@example.com"}})

	c, err := wix.New(wix.Options{Auth: auth, BaseURL: srv.URL(), Badge: wix.Badge{Text: "via Chat"}})
	if err != nil {
		log.Fatal(err)
	}
	s, err := inbox.New(inbox.Options{Contacts: c, Conversations: c, Messages: c, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{})})
	if err != nil {
		log.Fatal(err)
	}
	for _, ev := range []*inbox.Event{
		{Source: "chat", MessageID: "m1", Email: "ada@example.com", Kind: inbox.KindBasic, Text: "Where is my order?"},
		{Source: "shop", MessageID: "o1", Email: "ada@example.com", Kind: inbox.KindMinimal, Text: "Order #1001 shipped"},
	} {
		out, err := s.Sync(context.Background(), ev)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Source, out.Status)
	}
	for _, m := range srv.Conversations()[0].Messages {
		fmt.Println(m.Kind, m.Direction, m.Items, m.Badge)
	}
	// Output:
	// chat sent
	// shop sent
	// BASIC PARTICIPANT_TO_BUSINESS [text: Where is my order?] via Chat
	// MINIMAL PARTICIPANT_TO_BUSINESS [Order #1001 shipped] via Chat
}
