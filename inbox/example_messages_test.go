package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strconv"
	"sync"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// apiMessages is how a host might implement inbox.Messages over its own
// message API: it maps the API's "try again" answers to ErrTemporary, so
// that the delivery stays retryable, and deduplicates on Message.Key.
type apiMessages struct {
	mu     sync.Mutex
	byKey  map[string]string // Message.Key -> message id
	outage int               // number of calls that fail with 503
	posted []string
}

func (a *apiMessages) Send(ctx context.Context, conversationID string, m *inbox.Message) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.outage > 0 {
		a.outage--
		return "", fmt.Errorf("messages api: status 503: %w", inbox.ErrTemporary)
	}
	if id, ok := a.byKey[m.Key]; ok {
		return id, nil // already posted by an attempt whose ledger write was lost
	}
	id := "api-" + strconv.Itoa(len(a.byKey)+1)
	a.byKey[m.Key] = id
	a.posted = append(a.posted, conversationID+": "+m.Text)
	return id, nil
}

func Example_hostMessages() {
	contacts := inboxtest.NewContacts()
	contacts.Add("c1", "ada@example.com")
	api := &apiMessages{byKey: map[string]string{}, outage: 1}
	s, err := inbox.New(inbox.Options{
		Contacts: contacts, Conversations: inboxtest.NewConversations(),
		Messages: api, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{}),
	})
	if err != nil {
		log.Fatal(err)
	}
	ev := &inbox.Event{Source: "sms", MessageID: "SM1", Email: "ada@example.com", Kind: inbox.KindBasic, Text: "On my way"}
	for attempt := 1; attempt <= 3; attempt++ {
		out, err := s.Sync(context.Background(), ev)
		fmt.Println(attempt, out.Status, errors.Is(err, inbox.ErrTemporary))
	}
	fmt.Println(api.posted)
	// Output:
	// 1 retry true
	// 2 sent false
	// 3 duplicate false
	// [conv-1: On my way]
}
