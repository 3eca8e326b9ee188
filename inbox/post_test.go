package inbox_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

func activity(key, text string) *inbox.Event {
	return &inbox.Event{Source: "integration", Type: "conversation.resolved", IdempotencyKey: key,
		Kind: inbox.KindMinimal, Visibility: inbox.BusinessOnly, Text: text, Icon: "truck",
		Link: "https://shop.example.com/orders/1001"}
}

func TestPostSendsIntoTheConversation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil) // no contacts at all: Post looks none up
	out, err := e.s.Post(t.Context(), "conv-42", activity("i1/0/ev1", "Order #1001 shipped — $42.00"))
	if err != nil {
		t.Fatal(err)
	}
	want := &inbox.Outcome{Key: "integration/k/i1/0/ev1", Source: "integration", Type: "conversation.resolved",
		Status: inbox.StatusSent, Rule: inbox.RulePost,
		Deliveries: []inbox.Delivery{{ConversationID: "conv-42", MessageID: "msg-1"}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Outcome mismatch (-want +got):\n%s", diff)
	}
	wantMsgs := []inboxtest.Stored{{ID: "msg-1", ConversationID: "conv-42", Message: inbox.Message{
		Kind: inbox.KindMinimal, Visibility: inbox.BusinessOnly, Text: "Order #1001 shipped — $42.00", Icon: "truck",
		Link: "https://shop.example.com/orders/1001", Source: "integration", Key: "integration/k/i1/0/ev1"}}}
	if diff := cmp.Diff(wantMsgs, e.msgs.All()); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
	if ids := e.convs.IDs(); len(ids) != 0 {
		t.Errorf("Post created conversations %v", ids)
	}
}

func TestPostDuplicate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ev := activity("k1", "Order shipped")
	for i, want := range []inbox.Status{inbox.StatusSent, inbox.StatusDuplicate, inbox.StatusDuplicate} {
		out, err := e.s.Post(t.Context(), "conv-1", ev)
		if err != nil || out.Status != want {
			t.Fatalf("Post #%d = %+v, %v; want %s", i+1, out, err, want)
		}
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages; want exactly 1", n)
	}
}

func TestPostConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			out, err := e.s.Post(t.Context(), "conv-1", activity("k1", "Order shipped"))
			switch {
			case err == nil && (out.Status == inbox.StatusSent || out.Status == inbox.StatusDuplicate):
			case errors.Is(err, inbox.ErrInProgress) && errors.Is(err, inbox.ErrTemporary):
			default:
				t.Errorf("Post = %+v, %v", out, err)
			}
		})
	}
	wg.Wait()
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages from 20 concurrent duplicates; want exactly 1", n)
	}
}

func TestPostTemporaryThenRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ev := activity("k1", "Order shipped")
	e.faults.send = []error{temp("db busy")}
	out, err := e.s.Post(t.Context(), "conv-1", ev)
	if !errors.Is(err, inbox.ErrTemporary) || out.Status != inbox.StatusRetry {
		t.Fatalf("Post with a temporary failure = %+v, %v; want retry", out, err)
	}
	if e.msgs.Len() != 0 {
		t.Fatal("a message was stored despite the failure")
	}
	for range 2 {
		if _, err := e.s.Post(t.Context(), "conv-1", ev); err != nil {
			t.Fatalf("retry: %v", err)
		}
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages after the retries; want exactly 1", n)
	}
}

// A send that reached the host but whose ledger write failed is released
// with its progress: the retry completes the key without a second send.
func TestPostCompleteFailsAfterSend(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ev := activity("k1", "Order shipped")
	e.faults.complete = []error{errors.New("ledger down")}
	if _, err := e.s.Post(t.Context(), "conv-1", ev); !errors.Is(err, inbox.ErrTemporary) {
		t.Fatalf("Post with a failed Complete: %v; want ErrTemporary", err)
	}
	out, err := e.s.Post(t.Context(), "conv-1", ev)
	if err != nil || out.Status != inbox.StatusSent {
		t.Fatalf("retry = %+v, %v; want sent", out, err)
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages; want exactly 1", n)
	}
}

func TestPostPermanentFailureReplayed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ev := activity("k1", "Order shipped")
	e.faults.sendTo["conv-1"] = errors.New("conversation archived")
	out, err := e.s.Post(t.Context(), "conv-1", ev)
	if err != nil || out.Status != inbox.StatusFailed || !strings.Contains(out.Reason, "archived") {
		t.Fatalf("Post = %+v, %v; want a recorded failure", out, err)
	}
	failed := e.ledger.Failed()
	if len(failed) != 1 || failed[0].Record.Event == nil || failed[0].Record.Deliveries[0].ConversationID != "conv-1" {
		t.Fatalf("ledger failures = %+v; want one with the event and its conversation", failed)
	}
	delete(e.faults.sendTo, "conv-1")
	if err := e.ledger.Reopen(failed[0].Key); err != nil {
		t.Fatal(err)
	}
	rec := failed[0].Record
	if out, err := e.s.Post(t.Context(), rec.Deliveries[0].ConversationID, rec.Event); err != nil || out.Status != inbox.StatusSent {
		t.Fatalf("replay = %+v, %v", out, err)
	}
	if n := len(e.msgs.In("conv-1")); n != 1 {
		t.Errorf("%d messages after the replay; want 1", n)
	}
}

func TestPostInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, conv string
		ev         *inbox.Event
		path       string
	}{
		{"no conversation", "", activity("k", "x"), "/conversation_id"},
		{"conversation with a line break", "conv\r\n1", activity("k", "x"), "/conversation_id"},
		{"conversation too long", strings.Repeat("c", 257), activity("k", "x"), "/conversation_id"},
		{"no text", "conv-1", activity("k", "\u202e\u200b"), "/text"},
		{"javascript link", "conv-1", func() *inbox.Event { ev := activity("k", "x"); ev.Link = "javascript:alert(1)"; return ev }(), "/link"},
		{"no key", "conv-1", activity("", "x"), "/message_id"},
		{"nil event", "conv-1", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			_, err := e.s.Post(t.Context(), tt.conv, tt.ev)
			pe, ok := errors.AsType[*inbox.PayloadError](err)
			if !ok || !errors.Is(err, inbox.ErrMalformed) || pe.Problem.Path != tt.path {
				t.Fatalf("Post = %v; want ErrMalformed at %q", err, tt.path)
			}
			if e.msgs.Len() != 0 || len(e.ledger.Entries()) != 0 {
				t.Error("a malformed post reached the host or the ledger")
			}
		})
	}
}

// An event for Post needs no email, but the same event through Sync does.
func TestSyncStillNeedsAPerson(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	if _, err := e.s.Sync(t.Context(), activity("k", "x")); !errors.Is(err, inbox.ErrMalformed) {
		t.Fatalf("Sync without email or phone: %v; want ErrMalformed", err)
	}
}

// A Post whose Send outlived its lease finds at its Complete that a report
// of the same event took the key over: as with Sync, it reports what it sent
// with a reason, releases nothing and warns with the key; both sends carry
// one Message.Key, which a deduplicating host can use.
func TestPostLeaseLostOnComplete(t *testing.T) {
	var second *inbox.Outcome
	le := newLeaseEnv(t, func(le *leaseEnv, ctx context.Context) error {
		var err error
		second, err = le.s.Post(ctx, "conv-1", activity("k1", "Order shipped"))
		return err
	})
	first, err := le.s.Post(t.Context(), "conv-1", activity("k1", "Order shipped"))
	if err != nil || first.Status != inbox.StatusSent || !strings.Contains(first.Reason, "claim lost") {
		t.Fatalf("Post whose lease was lost = %+v, %v; want sent with a lease-lost reason", first, err)
	}
	if second == nil || second.Status != inbox.StatusSent {
		t.Fatalf("takeover Post = %+v; want sent", second)
	}
	if n := le.ledger.releases.Load(); n != 0 {
		t.Errorf("%d Release calls; want none after a lost lease", n)
	}
	if all := le.msgs.All(); len(all) != 2 || all[0].Message.Key != all[1].Message.Key || all[0].Message.Key != "integration/k/k1" {
		t.Errorf("messages = %+v; want 2 with the key integration/k/k1", all)
	}
	checkLeaseWarning(t, le, "integration/k/k1")
}

// Once the key is claimed, cancelling the caller's context does not stop
// the post halfway.
func TestPostFinishesAfterCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	e := newEnv(t, func(o *inbox.Options) {
		next := o.Messages
		o.Messages = inbox.MessagesFunc(func(sctx context.Context, conv string, m *inbox.Message) (string, error) {
			cancel() // the caller goes away mid-post
			if sctx.Err() != nil {
				return "", sctx.Err()
			}
			return next.Send(sctx, conv, m)
		})
	})
	out, err := e.s.Post(ctx, "conv-1", activity("k1", "Order shipped"))
	if err != nil || out.Status != inbox.StatusSent || e.msgs.Len() != 1 {
		t.Fatalf("Post cancelled mid-send = %+v, %v, %d messages; want sent once", out, err, e.msgs.Len())
	}
}
