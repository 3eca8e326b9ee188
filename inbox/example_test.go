package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// Example receives a signed Standard Webhooks delivery, twice.
func Example() {
	now := time.Unix(1700000000, 0)
	sw, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{
		Secrets: []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
		Now:     func() time.Time { return now },
	})
	if err != nil {
		log.Fatal(err)
	}
	contacts := inboxtest.NewContacts()
	contacts.Add("c1", "ada@example.com")
	msgs := inboxtest.NewMessages()
	s, err := inbox.New(inbox.Options{
		Contacts: contacts, Conversations: inboxtest.NewConversations(),
		Messages: msgs, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{}),
	})
	if err != nil {
		log.Fatal(err)
	}
	h, err := s.Handler(inbox.Source{
		Name:     "chat",
		Verifier: sw,
		Mapping:  inbox.Mapping{Type: "type", MessageID: "data.id", Email: "data.from", Text: "data.text"},
		Events:   map[string]inbox.EventType{"message.received": {Kind: inbox.KindBasic}},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	body := `{"type":"message.received","data":{"id":"m1","from":"Ada@Example.com","text":"Where is my order?"}}`
	for range 2 {
		req := httptest.NewRequest(http.MethodPost, "/hooks/chat", strings.NewReader(body))
		req.Header.Set("webhook-id", "msg_1")
		req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("webhook-signature", sw.Sign("msg_1", now, []byte(body)))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	for _, m := range msgs.All() {
		fmt.Println(m.ConversationID, m.Message.Kind, m.Message.Direction, m.Message.Text)
	}
	// Output:
	// 200 {"status":"sent"}
	// 200 {"status":"duplicate"}
	// conv-1 BASIC PARTICIPANT_TO_BUSINESS Where is my order?
}

// ExampleSyncer_Sync shows the entry point for events from a queue: the
// error says whether to acknowledge the message or redeliver it later.
func ExampleSyncer_Sync() {
	contacts := inboxtest.NewContacts()
	contacts.Add("c1", "bo@example.com")
	contacts.Add("c2", "bo@example.com")
	s, err := inbox.New(inbox.Options{
		Contacts: contacts, Conversations: inboxtest.NewConversations(),
		Messages: inboxtest.NewMessages(), Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{}),
		ManyMatch: inbox.ManyAll,
	})
	if err != nil {
		log.Fatal(err)
	}
	ev := &inbox.Event{Source: "shop", Type: "order.placed", MessageID: "order-1001", Email: "bo@example.com",
		Kind: inbox.KindMinimal, Text: "Order #1001 placed", Icon: "cart"}
	out, err := s.Sync(context.Background(), ev)
	if err != nil {
		log.Fatal(err) // errors.Is(err, inbox.ErrTemporary): redeliver later
	}
	fmt.Println(out.Status, out.Rule, out.Matched)
	for _, d := range out.Deliveries {
		fmt.Println(d.ContactID, d.ConversationID, d.MessageID)
	}
	// Output:
	// sent many/all [c1 c2]
	// c1 conv-1 msg-1
	// c2 conv-2 msg-2
}

// ExampleNewDecoder shows a source's validation reporting every problem.
func ExampleNewDecoder() {
	_, err := inbox.NewDecoder(inbox.Source{
		Name:    "shop",
		Mapping: inbox.Mapping{Type: "type", MessageID: "id"},
		Events:  map[string]inbox.EventType{"order.placed": {Kind: inbox.KindMinimal, Text: "Order {{ field.order }}"}},
	})
	if se, ok := errors.AsType[*inbox.SourceError](err); ok {
		for _, p := range se.Problems {
			fmt.Println(p.Path, p.Code)
		}
	}
	// Output:
	// /mapping/email required
	// /events/order.placed/text unknown_variable
}

// ExampleStandardWebhooks_Verify checks the Standard Webhooks specification's
// published example.
func ExampleStandardWebhooks_Verify() {
	v, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{
		Secrets: []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
		Now:     func() time.Time { return time.Unix(1614265330, 0) },
	})
	if err != nil {
		log.Fatal(err)
	}
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	fmt.Println(v.Verify(h, []byte(`{"test": 2432232314}`)))
	fmt.Println(v.Verify(h, []byte(`{"test": 2432232315}`)))
	// Output:
	// <nil>
	// inbox: invalid signature: no matching signature
}
