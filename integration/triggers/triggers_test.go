package triggers_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

var (
	admin  = integration.Actor{TeamID: "team-a", Role: integration.RoleAdmin}
	member = integration.Actor{TeamID: "team-a", Role: integration.RoleMember}
)

// host is an integration Service and an inbox Syncer over in-memory stores, with a Poster.
type host struct {
	svc    *integration.Service
	msgs   *inboxtest.Messages
	ledger *inboxtest.Ledger
	poster *triggers.Poster
	logs   *bytes.Buffer
	mu     sync.Mutex
}

func newHost(t *testing.T) *host {
	t.Helper()
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "support", TeamID: "team-a", Name: "Support"})
	svc, err := integration.NewService(integration.Options{Store: store, Attachments: store, Inboxes: store, Executor: exec})
	if err != nil {
		t.Fatal(err)
	}
	h := &host{svc: svc, msgs: inboxtest.NewMessages(), logs: &bytes.Buffer{},
		ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute})}
	syncer, err := inbox.New(inbox.Options{Contacts: inboxtest.NewContacts(), Conversations: inboxtest.NewConversations(),
		Messages: h.msgs, Ledger: h.ledger})
	if err != nil {
		t.Fatal(err)
	}
	h.poster, err = triggers.New(triggers.Options{Service: svc, Syncer: syncer,
		Logger: slog.New(slog.NewTextHandler(lockedWriter{h}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type lockedWriter struct{ h *host }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.h.mu.Lock()
	defer w.h.mu.Unlock()
	return w.h.logs.Write(p)
}

// add creates in and attaches it to the support inbox.
func (h *host) add(t *testing.T, in *integration.Integration) *integration.Integration {
	t.Helper()
	in, err := h.svc.Create(t.Context(), admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Attach(t.Context(), admin, in.ID, "support", 1); err != nil {
		t.Fatal(err)
	}
	return in
}

// shop is an order system upstream whose status code a test can change.
func shop(t *testing.T, body string) (*httptest.Server, *atomic.Int32, *atomic.Int32) {
	t.Helper()
	var status, calls atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if s := int(status.Load()); s != http.StatusOK {
			w.WriteHeader(s)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &status, &calls
}

func orders(url string) *integration.Integration {
	return &integration.Integration{
		Name: "Orders", URL: url + "/orders/latest?email={{contact.email}}", Active: true,
		Triggers: []integration.Trigger{{
			Name: "order_shipped", On: integration.EventConversationResolved, Icon: "truck",
			Text: `Order #{{order.number}} {{order.status}} — {{order.total | currency:"USD"}}`,
			Link: "https://shop.example.com/orders/{{order.number}}",
		}},
	}
}

func resolved(id string) *integration.ConversationEvent {
	return &integration.ConversationEvent{
		ID: id, Type: integration.EventConversationResolved, InboxID: "support",
		Contact:      integration.Contact{ID: "c1", Email: "ada@example.com"},
		Conversation: integration.Conversation{ID: "conv-1", Status: "resolved"},
		OccurredAt:   time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC),
	}
}

func TestHandlePostsOnce(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	srv, _, calls := shop(t, `{"order": {"number": 1001, "status": "shipped", "total": 42}}`)
	in := h.add(t, orders(srv.URL))

	results, err := h.poster.Handle(t.Context(), member, resolved("evt_1"))
	if err != nil {
		t.Fatal(err)
	}
	key := in.ID + "/order_shipped/evt_1"
	want := []inboxtest.Stored{{ID: "msg-1", ConversationID: "conv-1", Message: inbox.Message{
		Kind: inbox.KindMinimal, Visibility: inbox.BusinessOnly, Text: "Order #1001 shipped — $42.00", Icon: "truck",
		Link: "https://shop.example.com/orders/1001", OccurredAt: time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC),
		Source: "integration", Key: "integration/k/" + key}}}
	if diff := cmp.Diff(want, h.msgs.All()); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
	if len(results) != 1 || results[0].Outcome == nil || results[0].Outcome.Status != inbox.StatusSent || results[0].Activity.Key != key {
		t.Fatalf("results = %+v", results)
	}

	// The same event again: nothing new.
	results, err = h.poster.Handle(t.Context(), member, resolved("evt_1"))
	if err != nil || len(results) != 1 || results[0].Outcome.Status != inbox.StatusDuplicate {
		t.Fatalf("second Handle = %+v, %v; want a duplicate", results, err)
	}
	if n := h.msgs.Len(); n != 1 {
		t.Errorf("%d messages after a redelivered event; want 1", n)
	}
	// Another event posts its own activity.
	if _, err := h.poster.Handle(t.Context(), member, resolved("evt_2")); err != nil || h.msgs.Len() != 2 {
		t.Fatalf("another event: %v, %d messages; want 2", err, h.msgs.Len())
	}
	if calls.Load() != 3 {
		t.Errorf("upstream called %d times; want 3 (no cache configured)", calls.Load())
	}
}

// Triggers inserted, reordered and removed between two reports of an event: each activity is
// keyed by its trigger's name, so what was posted is not posted again and nothing is lost.
func TestHandleTriggersEditedBetweenReports(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	srv, _, _ := shop(t, `{"order": {"number": 1001, "status": "shipped", "total": 42}}`)
	in := orders(srv.URL)
	shipped, total := in.Triggers[0], integration.Trigger{Name: "total", On: integration.EventConversationResolved, Text: "Total {{order.total}}"}
	in.Triggers = append(in.Triggers, total)
	in = h.add(t, in)
	texts := func() []string {
		var out []string
		for _, m := range h.msgs.All() {
			out = append(out, m.Message.Text)
		}
		return out
	}
	handle := func(what string, ts ...integration.Trigger) []triggers.Result {
		t.Helper()
		if ts != nil {
			in.Triggers = ts
			var err error
			if in, err = h.svc.Update(t.Context(), admin, in); err != nil {
				t.Fatal(err)
			}
		}
		results, err := h.poster.Handle(t.Context(), member, resolved("evt_1"))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return results
	}
	handle("first report")
	first := []string{"Order #1001 shipped — $42.00", "Total 42"}
	if diff := cmp.Diff(first, texts()); diff != "" {
		t.Fatalf("first report: messages mismatch (-want +got):\n%s", diff)
	}

	// Reordered: both are duplicates.
	for _, r := range handle("reordered", total, shipped) {
		if r.Outcome == nil || r.Outcome.Status != inbox.StatusDuplicate {
			t.Errorf("reordered: %s outcome %+v; want a duplicate", r.Activity.Key, r.Outcome)
		}
	}
	// A trigger inserted first and one removed: only the new one posts.
	vip := integration.Trigger{Name: "vip", On: integration.EventConversationResolved, Text: "New trigger {{order.number}}"}
	handle("inserted and removed", vip, total)
	// The old trigger renamed is a new trigger: it posts again.
	renamed := shipped
	renamed.Name = "shipped_again"
	handle("renamed", vip, renamed)
	want := append(first, "New trigger 1001", "Order #1001 shipped — $42.00")
	if diff := cmp.Diff(want, texts()); diff != "" {
		t.Errorf("messages after the edits mismatch (-want +got):\n%s", diff)
	}
}

func TestHandleConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	srv, _, _ := shop(t, `{"order": {"number": 1001, "status": "shipped", "total": 42}}`)
	h.add(t, orders(srv.URL))
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_, err := h.poster.Handle(t.Context(), member, resolved("evt_1"))
			if err != nil && !errors.Is(err, inbox.ErrInProgress) {
				t.Errorf("Handle = %v", err)
			}
		})
	}
	wg.Wait()
	if n := h.msgs.Len(); n != 1 {
		t.Errorf("%d messages from 10 concurrent reports of one event; want 1", n)
	}
}

func TestHandleTemporaryThenRetry(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	srv, status, _ := shop(t, `{"order": {"number": 1001, "status": "shipped", "total": 42}}`)
	h.add(t, orders(srv.URL))
	status.Store(http.StatusServiceUnavailable)
	results, err := h.poster.Handle(t.Context(), member, resolved("evt_1"))
	if !errors.Is(err, inbox.ErrTemporary) {
		t.Fatalf("Handle with the upstream down = %v; want ErrTemporary", err)
	}
	if len(results) != 1 || results[0].Outcome != nil || !results[0].Activity.Temporary() {
		t.Fatalf("results = %+v; want one temporary activity, not posted", results)
	}
	if h.msgs.Len() != 0 {
		t.Fatal("a message was posted for a failed trigger")
	}
	if log := h.logs.String(); !strings.Contains(log, "failure=upstream_5xx") {
		t.Errorf("log %q lacks the failure", log)
	}
	status.Store(http.StatusOK)
	for range 2 {
		if _, err := h.poster.Handle(t.Context(), member, resolved("evt_1")); err != nil {
			t.Fatalf("retry: %v", err)
		}
	}
	if n := h.msgs.Len(); n != 1 {
		t.Errorf("%d messages after the retries; want exactly 1", n)
	}
}

// One integration posts, another fails temporarily: the retry posts only the second.
func TestHandlePartialFailure(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	good, _, _ := shop(t, `{"order": {"number": 1001, "status": "shipped", "total": 42}}`)
	bad, status, _ := shop(t, `{"order": {"number": 2002, "status": "packed", "total": 7.5}}`)
	h.add(t, orders(good.URL))
	h.add(t, orders(bad.URL))
	status.Store(http.StatusBadGateway)
	if _, err := h.poster.Handle(t.Context(), member, resolved("evt_1")); !errors.Is(err, inbox.ErrTemporary) {
		t.Fatalf("Handle = %v; want ErrTemporary", err)
	}
	status.Store(http.StatusOK)
	if _, err := h.poster.Handle(t.Context(), member, resolved("evt_1")); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range h.msgs.All() {
		texts = append(texts, m.Message.Text)
	}
	if diff := cmp.Diff([]string{"Order #1001 shipped — $42.00", "Order #2002 packed — $7.50"}, texts); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
}

func TestHandlePermanentFailureSettles(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	srv, status, _ := shop(t, `{}`)
	h.add(t, orders(srv.URL))
	status.Store(http.StatusNotFound)
	results, err := h.poster.Handle(t.Context(), member, resolved("evt_1"))
	if err != nil || len(results) != 1 || results[0].Activity.Status != integration.StatusError || results[0].Outcome != nil {
		t.Fatalf("Handle with a 404 = %+v, %v; want a settled, unposted error", results, err)
	}
}

func TestHandleHostileData(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	srv, _, _ := shop(t, `{"order": {"number": "1001\r\n\u202e<img src=x onerror=alert(1)>", "status": "shipped\u2066\u0000", "total": "42",
		"url": "javascript:alert(1)"}}`)
	in := orders(srv.URL)
	in.Triggers[0].Link = "{{order.url}}"
	h.add(t, in)
	if _, err := h.poster.Handle(t.Context(), member, resolved("evt_1")); err != nil {
		t.Fatal(err)
	}
	all := h.msgs.All()
	if len(all) != 1 {
		t.Fatalf("%d messages; want 1", len(all))
	}
	m := all[0].Message
	if m.Text != "Order #1001 <img src=x onerror=alert(1)> shipped — $42.00" || m.Link != "" {
		t.Errorf("message text %q link %q; want the cleaned line and no link", m.Text, m.Link)
	}
}

func TestHandleInvalidEvent(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	ev := resolved("")
	if _, err := h.poster.Handle(t.Context(), member, ev); err == nil || errors.Is(err, inbox.ErrTemporary) {
		t.Errorf("Handle of an event without ID = %v; want a permanent error", err)
	}
	ev = resolved("e1")
	ev.InboxID = "elsewhere"
	if _, err := h.poster.Handle(t.Context(), member, ev); !errors.Is(err, integration.ErrNotFound) || errors.Is(err, inbox.ErrTemporary) {
		t.Errorf("Handle in an unknown inbox = %v; want ErrNotFound", err)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	if _, err := triggers.New(triggers.Options{}); err == nil {
		t.Error("New without a Service = nil error")
	}
}
