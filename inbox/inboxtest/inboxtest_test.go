package inboxtest_test

import (
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

func TestContacts(t *testing.T) {
	inboxtest.RunContacts(t, func(t *testing.T, seed []inboxtest.Contact) inbox.Contacts {
		c := inboxtest.NewContacts()
		for _, s := range seed {
			if s.Email != "" {
				c.Add(s.ID, s.Email)
			}
			if s.Phone != "" {
				c.AddPhone(s.ID, s.Phone)
			}
		}
		return c
	})
}

func TestConversations(t *testing.T) {
	inboxtest.RunConversations(t, func(t *testing.T) inbox.Conversations { return inboxtest.NewConversations() })
}

func TestMessages(t *testing.T) {
	inboxtest.RunMessages(t, func(t *testing.T) (inbox.Messages, string) { return inboxtest.NewMessages(), "conv-1" })
}

func TestLedger(t *testing.T) {
	inboxtest.RunLedger(t, func(t *testing.T) (inbox.Ledger, time.Duration, func(time.Duration)) {
		clock := inboxtest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
		return inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: 30 * time.Second, Now: clock.Now}), 30 * time.Second, clock.Advance
	})
}

func TestLedgerReopen(t *testing.T) {
	l := inboxtest.NewLedger(inboxtest.LedgerOptions{})
	ctx := t.Context()
	if err := l.Reopen("k"); err == nil {
		t.Error("Reopen(unknown) = nil; want an error")
	}
	c, _ := l.Claim(ctx, "k")
	l.Complete(ctx, "k", c.Token, &inbox.Record{Status: inbox.StatusFailed, Deliveries: []inbox.Delivery{{ContactID: "a", MessageID: "m1"}, {ContactID: "b", Error: "x"}}})
	if got := len(l.Failed()); got != 1 {
		t.Fatalf("Failed() has %d entries; want 1", got)
	}
	if err := l.Reopen("k"); err != nil {
		t.Fatal(err)
	}
	c, _ = l.Claim(ctx, "k")
	if c.State != inbox.ClaimNew || len(c.Record.Deliveries) != 1 || c.Record.Deliveries[0].ContactID != "a" {
		t.Errorf("Claim after Reopen = %v %+v; want new with the sent delivery only", c.State, c.Record)
	}
}

// TestMessagesDeduplicating runs RunMessages against a store that keeps one
// message per Message.Key (bugMessages without a bug), so that the suite's
// deduplication checks run here too.
func TestMessagesDeduplicating(t *testing.T) {
	inboxtest.RunMessages(t, func(t *testing.T) (inbox.Messages, string) {
		return &bugMessages{byKey: map[string]string{}}, "conv-1"
	})
}

// The broken test stores without their bug pass every suite: the suites
// fail them for the bug alone.
func TestBugFreeTestStoresPass(t *testing.T) {
	for suite, run := range brokenSuites {
		t.Run(suite, func(t *testing.T) { run(t, "") })
	}
}
