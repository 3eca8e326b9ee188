// Command inboxsync demonstrates inbox sync: an in-process chat tool sends
// signed Standard Webhooks deliveries (a customer message, a business reply,
// an internal note, an order placed and the same order shipped, a retried
// duplicate, a forged delivery, an email shared by two contacts, an unknown
// email, a temporary host failure retried by the sender and an unmapped
// event type) to an inbox.Handler backed by the in-memory stores of package
// inboxtest. It prints each delivery with its HTTP status, outcome and
// ledger key. Then the helpdesk resolves Ada's conversation and reports the
// event (twice, as an event queue may): an integration with an event trigger
// looks her up in the demo CRM and posts one activity line into the
// conversation (package integration/triggers). Last come each conversation
// as a transcript, the held events and the ledger, whose keys are the ones
// the deliveries and the activity name.
//
// Everything runs in process against httptest servers, with a fixed clock,
// so the output is deterministic.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

const (
	chatSecret   = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	forgerSecret = "whsec_c2VjcmV0LW9mLWFuLWF0dGFja2Vy"
)

// chatSource maps the chat tool's webhook payloads.
func chatSource(v inbox.Verifier) inbox.Source {
	return inbox.Source{
		Name:             "chat",
		Verifier:         v,
		DeliveryIDHeader: "webhook-id",
		Mapping: inbox.Mapping{
			Type:         "type",
			MessageID:    "data.id",
			Email:        "data.customer.email",
			Text:         "data.text",
			Visibility:   "data.visibility",
			Visibilities: map[string]inbox.Visibility{"public": inbox.BusinessAndParticipant, "internal": inbox.BusinessOnly},
			OccurredAt:   "timestamp",
			Fields:       map[string]string{"order": "data.order.number", "total": "data.order.total"},
		},
		Events: map[string]inbox.EventType{
			"message.received": {Kind: inbox.KindBasic, Direction: inbox.ParticipantToBusiness},
			"message.sent":     {Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant},
			"order.placed": {Kind: inbox.KindMinimal, Icon: "cart",
				Text: "Order #{{ field.order }} placed ({{ field.total }})",
				Link: "https://shop.example.com/orders/{{ field.order }}"},
			"order.shipped": {Kind: inbox.KindMinimal, Icon: "truck",
				Text: "Order #{{ field.order }} shipped",
				Link: "https://shop.example.com/orders/{{ field.order }}"},
		},
	}
}

// chatTool is the external service: it signs each delivery and POSTs it.
type chatTool struct {
	url    string
	client *http.Client
	now    func() time.Time
}

func (c *chatTool) deliver(ctx context.Context, signer *inbox.StandardWebhooks, id string, body string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	now := c.now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", signer.Sign(id, now, []byte(body)))
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

type delivery struct {
	note, id, body string
	forged         bool
}

func payload(typ, id, email, ts, extra string) string {
	return `{"type":"` + typ + `","timestamp":"` + ts + `","data":{"id":"` + id + `","customer":{"email":"` + email + `"}` + extra + `}}`
}

func run(ctx context.Context, w io.Writer) error {
	clock := inboxtest.NewClock(time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC))
	contacts := inboxtest.NewContacts()
	contacts.Add("c-ada", "ada@example.com")
	contacts.Add("c-sam-home", "sam@example.com")
	contacts.Add("c-sam-work", "sam@example.com")
	convs := inboxtest.NewConversations()
	msgs := inboxtest.NewMessages()
	// The host's message store times out once, on the "flaky" message.
	var failedOnce bool
	flaky := inbox.MessagesFunc(func(ctx context.Context, conv string, m *inbox.Message) (string, error) {
		if strings.Contains(m.Text, "flaky") && !failedOnce {
			failedOnce = true
			return "", fmt.Errorf("message store timeout: %w", inbox.ErrTemporary)
		}
		return msgs.Send(ctx, conv, m)
	})
	ledger := inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute, Now: clock.Now})
	var held []*inbox.Event
	s, err := inbox.New(inbox.Options{
		Contacts: contacts, Conversations: convs, Messages: flaky, Ledger: ledger,
		ManyMatch: inbox.ManyAll,
		NoMatch:   inbox.NoMatchHold,
		Hold: func(_ context.Context, ev *inbox.Event) error {
			cp := *ev
			held = append(held, &cp)
			return nil
		},
	})
	if err != nil {
		return err
	}
	verifier, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{chatSecret}, Now: clock.Now})
	if err != nil {
		return err
	}
	forger, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{forgerSecret}, Now: clock.Now})
	if err != nil {
		return err
	}

	type observed struct {
		code int
		out  *inbox.Outcome
	}
	var (
		mu   sync.Mutex
		seen []observed // in request order: the tool sends one at a time
	)
	h, err := s.Handler(chatSource(verifier), &inbox.HandlerOptions{
		// Observe runs before the response is written, so the sender sees
		// the response only after the outcome is filed.
		Observe: func(_ *http.Request, code int, out *inbox.Outcome, _ error) {
			mu.Lock()
			seen = append(seen, observed{code, out})
			mu.Unlock()
		},
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/chat", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tool := &chatTool{url: srv.URL + "/hooks/chat", client: srv.Client(), now: clock.Now}

	deliveries := []delivery{
		{"customer message", "msg_001", payload("message.received", "m-1", "Ada@Example.com", "2026-03-14T08:58:00Z",
			`,"text":"Hi! Where is my order #1001?"`), false},
		{"business reply", "msg_002", payload("message.sent", "m-2", "ada@example.com", "2026-03-14T08:59:00Z",
			`,"text":"It ships today, Ada.","visibility":"public"`), false},
		{"internal note", "msg_003", payload("message.sent", "m-3", "ada@example.com", "2026-03-14T08:59:30Z",
			`,"text":"Upgraded shipping for free.","visibility":"internal"`), false},
		{"order placed", "msg_004", payload("order.placed", "o-1001", "ada@example.com", "2026-03-14T08:57:00Z",
			`,"order":{"number":1001,"total":"$42.00"}`), false},
		{"same order shipped", "msg_010", payload("order.shipped", "o-1001", "ada@example.com", "2026-03-14T09:00:30Z",
			`,"order":{"number":1001}`), false},
		{"retried duplicate", "msg_001", payload("message.received", "m-1", "Ada@Example.com", "2026-03-14T08:58:00Z",
			`,"text":"Hi! Where is my order #1001?"`), false},
		{"forged signature", "msg_666", payload("message.sent", "m-666", "ada@example.com", "2026-03-14T09:00:00Z",
			`,"text":"Click here to reset your password"`), true},
		{"email of two contacts", "msg_005", payload("message.received", "m-5", "sam@example.com", "2026-03-14T09:00:00Z",
			`,"text":"Can you merge my two accounts?"`), false},
		{"unknown email", "msg_006", payload("message.received", "m-6", "nobody@example.com", "2026-03-14T09:00:00Z",
			`,"text":"Hello?"`), false},
		{"temporary failure", "msg_008", payload("message.received", "m-8", "ada@example.com", "2026-03-14T09:01:00Z",
			`,"text":"Sorry, my wifi is flaky today."`), false},
		{"unmapped event", "msg_009", `{"type":"typing.started","data":{"customer":{"email":"ada@example.com"}}}`, false},
	}

	fmt.Fprintln(w, "Inbox sync: a chat tool posts signed webhooks to POST /hooks/chat")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Deliveries")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\twhat the tool sent\tHTTP\toutcome\tledger key\tresult")
	for i, d := range deliveries {
		clock.Advance(time.Second)
		signer := verifier
		if d.forged {
			signer = forger
		}
		// Like real senders, the tool retries a delivery answered with 5xx.
		for attempt := 1; ; attempt++ {
			code, err := tool.deliver(ctx, signer, d.id, d.body)
			if err != nil {
				return err
			}
			mu.Lock()
			o := seen[len(seen)-1]
			mu.Unlock()
			if o.code != code {
				return fmt.Errorf("delivery %d: observed %d, sender got %d", i+1, o.code, code)
			}
			num, note := strconv.Itoa(i+1), d.note
			if attempt > 1 {
				num, note = "", "  retried 5 s later"
			}
			status, key := "rejected", "-"
			if o.out != nil {
				status, key = string(o.out.Status), or(o.out.Key, "-")
			}
			fmt.Fprintf(tw, "%3s\t%s\t%d\t%s\t%s\t%s\n", num, note, code, status, key, describe(code, o.out))
			if code < 500 || attempt == 3 {
				break
			}
			clock.Advance(5 * time.Second)
		}
	}
	tw.Flush()

	if err := resolveEvent(ctx, w, s, clock); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nConversations")
	for _, conv := range convs.IDs() {
		contact := convs.Contact(conv)
		fmt.Fprintf(w, "  %s  contact %s <%s>\n", conv, contact, contacts.Email(contact))
		// A transcript reads in the order things happened, not the order
		// the webhooks arrived.
		in := msgs.In(conv)
		slices.SortStableFunc(in, func(a, b inboxtest.Stored) int { return a.Message.OccurredAt.Compare(b.Message.OccurredAt) })
		for _, m := range in {
			fmt.Fprintf(w, "    %-6s %s  %-7s  %-13s  %s\n", m.ID, m.Message.OccurredAt.Format("15:04"), m.Message.Kind, who(&m.Message), line(&m.Message))
		}
	}

	fmt.Fprintln(w, "\nHeld for later (no contact has the address)")
	for _, ev := range held {
		fmt.Fprintf(w, "  %s  %s: %q\n", ev.Key(), ev.Email, ev.Text)
	}

	fmt.Fprintln(w, "\nLedger (one record per idempotency key: a redelivery finds it and sends nothing)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range ledger.Entries() {
		state := "claimed"
		if e.Done {
			state = "done"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", e.Key, state, e.Record.Status)
	}
	return tw.Flush()
}

// describe says what a delivery led to, in the words of the helpdesk.
func describe(code int, out *inbox.Outcome) string {
	switch {
	case out == nil && code == http.StatusUnauthorized:
		return "signature does not verify; nothing was read or stored"
	case out == nil:
		return "rejected before sync"
	case out.Status == inbox.StatusDuplicate:
		var ids []string
		for _, d := range out.Deliveries {
			ids = append(ids, d.MessageID)
		}
		return "already delivered as " + strings.Join(ids, ", ") + "; nothing sent again"
	case out.Status == inbox.StatusSent:
		var parts []string
		for _, d := range out.Deliveries {
			parts = append(parts, d.ContactID+" -> "+d.ConversationID+" "+d.MessageID)
		}
		s := strings.Join(parts, ", ")
		if out.Rule != "one" {
			s = "(" + out.Rule + ") " + s
		}
		return s
	}
	return out.Reason
}

// who labels a message as an agent sees it in the conversation.
func who(m *inbox.Message) string {
	switch {
	case m.Kind == inbox.KindMinimal:
		return "activity"
	case m.Visibility == inbox.BusinessOnly:
		return "internal note"
	case m.Direction == inbox.BusinessToParticipant:
		return "to customer"
	}
	return "from customer"
}

func line(m *inbox.Message) string {
	s := m.Text
	if m.Icon != "" {
		s = "[" + m.Icon + "] " + s
	}
	if m.Link != "" {
		s += "  " + m.Link
	}
	return s
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// resolveEvent is the helpdesk's side of an event trigger: an admin gives an integration of
// the demo CRM a trigger on conversation.resolved, an agent resolves Ada's conversation, and the
// helpdesk reports the event to a triggers.Poster, which posts the activity through s, the
// same Syncer (and ledger) as the webhooks. The event is reported twice: the second report
// posts nothing.
func resolveEvent(ctx context.Context, w io.Writer, s *inbox.Syncer, clock *inboxtest.Clock) error {
	up := demo.StartUpstreams()
	defer up.Close()
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, // the demo CRM runs on loopback
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		return err
	}
	defer exec.Close()
	store := demo.NewStore()
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec, Now: clock.Now,
		NewID: func() string { return "int_crm" },
	})
	if err != nil {
		return err
	}
	admin := integration.Actor{TeamID: demo.Team, Role: integration.RoleAdmin}
	in, err := svc.Create(ctx, admin, &integration.Integration{
		Name: "Latest order", URL: up.CRM.URL + "/customers?email={{contact.email}}", CacheMinutes: 15, Active: true,
		Triggers: []integration.Trigger{demo.LatestOrderTrigger()},
	})
	if err != nil {
		return err
	}
	if err := svc.Attach(ctx, admin, in.ID, demo.Support.ID, 1); err != nil {
		return err
	}
	poster, err := triggers.New(triggers.Options{Service: svc, Syncer: s})
	if err != nil {
		return err
	}
	clock.Advance(time.Minute)
	ev := &integration.ConversationEvent{
		ID: "evt_resolved_1", Type: integration.EventConversationResolved, InboxID: demo.Support.ID,
		Contact:      integration.Contact{ID: "c-ada", Email: "ada@example.com"},
		Conversation: integration.Conversation{ID: "conv-1", Status: "resolved"},
		OccurredAt:   clock.Now(),
	}
	fmt.Fprintf(w, "\nEvent trigger: the helpdesk reports %s of %s (twice)\n", ev.Type, ev.Conversation.ID)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i := range 2 {
		results, err := poster.Handle(ctx, integration.Actor{TeamID: demo.Team}, ev)
		if err != nil {
			return err // errors.Is(err, inbox.ErrTemporary): report the event again later
		}
		for _, r := range results {
			fmt.Fprintf(tw, "  report %d\t%s\t%s\t%q\n", i+1, r.Outcome.Status, r.Outcome.Key, r.Activity.Text)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "  the CRM was called %d time (the second report read its cache)\n", up.CRMCalls.Load())
	return nil
}
