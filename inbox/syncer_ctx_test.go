package inbox_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// TestSyncCallerCancelsMidFlow: the sender hangs up after the key is
// claimed. The delivery still completes, exactly once, so that its retry is
// a duplicate rather than a second send of a message that may have reached
// the host.
func TestSyncCallerCancelsMidFlow(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s, err := inbox.New(inbox.Options{
		Contacts: inbox.ContactsFunc(func(ctx context.Context, email string) ([]string, error) {
			cancel() // the client hangs up while the lookup runs
			return e.contacts.FindByEmail(ctx, email)
		}),
		Conversations: e.convs, Messages: e.msgs, Ledger: e.ledger,
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Sync(ctx, basicEvent("m1", "ada@example.com"))
	if err != nil || out.Status != inbox.StatusSent {
		t.Fatalf("Sync = %+v, %v; want sent despite the caller's cancellation", out, err)
	}
	again, err := s.Sync(t.Context(), basicEvent("m1", "ada@example.com"))
	if err != nil || again.Status != inbox.StatusDuplicate || e.msgs.Len() != 1 {
		t.Errorf("redelivery = %+v, %v, %d messages; want duplicate and 1 message", again, err, e.msgs.Len())
	}
}

// TestSyncCancelledBeforeClaim: a caller already gone claims nothing.
func TestSyncCancelledBeforeClaim(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := e.s.Sync(ctx, basicEvent("m1", "ada@example.com")); !errors.Is(err, inbox.ErrTemporary) {
		t.Fatalf("Sync(cancelled) = %v; want ErrTemporary", err)
	}
	if n, l := e.msgs.Len(), len(e.ledger.Entries()); n != 0 || l != 0 {
		t.Errorf("%d messages, %d ledger entries; want none", n, l)
	}
}

// TestSyncTimeout: a host call that hangs is cut off by Options.Timeout
// (default DefaultTimeout), the key is released and a retry sends once. An
// error that is not marked temporary but comes after the deadline is
// treated as temporary: the call was cut short, not refused.
func TestSyncTimeout(t *testing.T) {
	for _, name := range []string{"ctx error", "opaque error"} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				contacts := inboxtest.NewContacts()
				contacts.Add("c1", "ada@example.com")
				msgs := inboxtest.NewMessages()
				ledger := inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: 2 * inbox.DefaultTimeout})
				hang := true
				s, err := inbox.New(inbox.Options{
					Contacts: contacts, Conversations: inboxtest.NewConversations(), Ledger: ledger,
					Messages: inbox.MessagesFunc(func(ctx context.Context, conv string, m *inbox.Message) (string, error) {
						if hang {
							<-ctx.Done()
							if name == "opaque error" {
								return "", errors.New("connection reset")
							}
							return "", ctx.Err()
						}
						return msgs.Send(ctx, conv, m)
					}),
				})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				out, err := s.Sync(t.Context(), basicEvent("m1", "ada@example.com"))
				if !errors.Is(err, inbox.ErrTemporary) || out.Status != inbox.StatusRetry {
					t.Fatalf("Sync with a hanging Send = %+v, %v; want retry", out, err)
				}
				if d := time.Since(start); d != inbox.DefaultTimeout {
					t.Errorf("Sync took %v; want %v", d, inbox.DefaultTimeout)
				}
				hang = false
				out, err = s.Sync(t.Context(), basicEvent("m1", "ada@example.com"))
				if err != nil || out.Status != inbox.StatusSent || msgs.Len() != 1 {
					t.Errorf("retry = %+v, %v, %d messages; want sent once", out, err, msgs.Len())
				}
			})
		})
	}
	if _, err := inbox.New(inbox.Options{Contacts: inboxtest.NewContacts(), Conversations: inboxtest.NewConversations(),
		Messages: inboxtest.NewMessages(), Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{}), Timeout: -1}); err == nil {
		t.Error("New(negative Timeout) = nil error")
	}
}
