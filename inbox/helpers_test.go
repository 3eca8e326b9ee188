package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

var testNow = time.Unix(1614265330, 0)

func chatSource(v inbox.Verifier) inbox.Source {
	return inbox.Source{
		Name:     "chat",
		Verifier: v,
		Mapping: inbox.Mapping{
			Type:         "type",
			DeliveryID:   "id",
			MessageID:    "data.message_id",
			Email:        "data.email",
			Text:         "data.text",
			Direction:    "data.direction",
			Directions:   map[string]inbox.Direction{"inbound": inbox.ParticipantToBusiness, "outbound": inbox.BusinessToParticipant},
			Visibility:   "data.visibility",
			Visibilities: map[string]inbox.Visibility{"public": inbox.BusinessAndParticipant, "internal": inbox.BusinessOnly},
			OccurredAt:   "occurred_at",
			Attachments:  "data.files",
			Fields:       map[string]string{"order": "data.order.number"},
		},
		Events: map[string]inbox.EventType{
			"message.received": {Kind: inbox.KindBasic},
			"message.sent":     {Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant},
			"order.placed": {Kind: inbox.KindMinimal, Text: "Order #{{ field.order }} placed", Icon: "cart",
				Link: "https://shop.example.com/orders/{{ field.order }}"},
		},
		DeliveryIDHeader: "webhook-id",
	}
}

func msgBody(id, email, text string) []byte {
	return fmt.Appendf(nil, `{"type":"message.received","id":"evt_%s","occurred_at":"2026-01-02T03:04:05Z","data":{"message_id":%q,"email":%q,"text":%q}}`, id, id, email, text)
}

// env is a syncer over in-memory hosts, each wrapped so that a test can
// inject failures.
type env struct {
	contacts *inboxtest.Contacts
	convs    *inboxtest.Conversations
	msgs     *inboxtest.Messages
	ledger   *inboxtest.Ledger
	clock    *inboxtest.Clock
	faults   *faults
	s        *inbox.Syncer
	sw       *inbox.StandardWebhooks
}

// faults injects errors: each field is a queue of errors returned by the
// next calls of that step (nil entries pass through).
type faults struct {
	mu                                                 sync.Mutex
	find, create, conv, send, claim, complete, release []error
	hold, choose                                       []error
	creates                                            int
	// sendTo fails only sends to these conversations (permanent or temporary per error).
	sendTo map[string]error
	// bug makes the step return zero values and no error.
	bug string
}

func (f *faults) next(q *[]error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(*q) == 0 {
		return nil
	}
	err := (*q)[0]
	*q = (*q)[1:]
	return err
}

func (f *faults) isBug(step string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bug == step
}

type faultyContacts struct {
	e *env
}

func (c faultyContacts) FindByEmail(ctx context.Context, email string) ([]string, error) {
	if err := c.e.faults.next(&c.e.faults.find); err != nil {
		return nil, err
	}
	if c.e.faults.isBug("find") {
		return []string{""}, nil
	}
	return c.e.contacts.FindByEmail(ctx, email)
}

func (c faultyContacts) CreateContact(ctx context.Context, p inbox.Person) (string, error) {
	c.e.faults.mu.Lock()
	c.e.faults.creates++
	c.e.faults.mu.Unlock()
	if err := c.e.faults.next(&c.e.faults.create); err != nil {
		return "", err
	}
	if c.e.faults.isBug("create") {
		return "", nil
	}
	return c.e.contacts.CreateContact(ctx, p)
}

type faultyConvs struct{ e *env }

func (c faultyConvs) GetOrCreate(ctx context.Context, contactID string) (string, bool, error) {
	if err := c.e.faults.next(&c.e.faults.conv); err != nil {
		return "", false, err
	}
	if c.e.faults.isBug("conv") {
		return "", false, nil
	}
	return c.e.convs.GetOrCreate(ctx, contactID)
}

type faultyMsgs struct{ e *env }

func (m faultyMsgs) Send(ctx context.Context, conv string, msg *inbox.Message) (string, error) {
	if err := m.e.faults.next(&m.e.faults.send); err != nil {
		return "", err
	}
	m.e.faults.mu.Lock()
	err := m.e.faults.sendTo[conv]
	m.e.faults.mu.Unlock()
	if err != nil {
		return "", err
	}
	if m.e.faults.isBug("send") {
		return "", nil
	}
	return m.e.msgs.Send(ctx, conv, msg)
}

type faultyLedger struct{ e *env }

func (l faultyLedger) Claim(ctx context.Context, key string) (inbox.Claim, error) {
	if err := l.e.faults.next(&l.e.faults.claim); err != nil {
		return inbox.Claim{}, err
	}
	if l.e.faults.isBug("claim") {
		return inbox.Claim{}, nil
	}
	return l.e.ledger.Claim(ctx, key)
}

func (l faultyLedger) Complete(ctx context.Context, key, token string, r *inbox.Record) error {
	if err := l.e.faults.next(&l.e.faults.complete); err != nil {
		return err
	}
	return l.e.ledger.Complete(ctx, key, token, r)
}

func (l faultyLedger) Release(ctx context.Context, key, token string, r *inbox.Record) error {
	if err := l.e.faults.next(&l.e.faults.release); err != nil {
		return err
	}
	return l.e.ledger.Release(ctx, key, token, r)
}

// newEnv builds an env; mod may set policies and hooks on the options.
func newEnv(t testing.TB, mod func(o *inbox.Options)) *env {
	t.Helper()
	e := &env{
		contacts: inboxtest.NewContacts(),
		convs:    inboxtest.NewConversations(),
		msgs:     inboxtest.NewMessages(),
		clock:    inboxtest.NewClock(testNow),
		faults:   &faults{sendTo: map[string]error{}},
	}
	e.ledger = inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute, Now: e.clock.Now})
	o := inbox.Options{Contacts: faultyContacts{e}, Conversations: faultyConvs{e}, Messages: faultyMsgs{e}, Ledger: faultyLedger{e},
		Hold: func(context.Context, *inbox.Event) error { return e.faults.next(&e.faults.hold) },
		Choose: func(_ context.Context, _ *inbox.Event, ids []string) ([]string, error) {
			if err := e.faults.next(&e.faults.choose); err != nil {
				return nil, err
			}
			if e.faults.isBug("choose") {
				return []string{"not-a-match"}, nil
			}
			return ids[1:], nil
		},
	}
	if mod != nil {
		mod(&o)
	}
	s, err := inbox.New(o)
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	sw, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{testSecret}, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.sw = sw
	return e
}

func (e *env) handler(t testing.TB) *inbox.Handler {
	t.Helper()
	h, err := e.s.Handler(chatSource(e.sw), nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// post sends a signed delivery and returns the status and response body.
func (e *env) post(t testing.TB, h http.Handler, id string, body []byte) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/hooks/chat", strings.NewReader(string(body)))
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", fmt.Sprint(e.clock.Now().Unix()))
	req.Header.Set("webhook-signature", e.sw.Sign(id, e.clock.Now(), body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func temp(msg string) error { return fmt.Errorf("%s: %w", msg, inbox.ErrTemporary) }
