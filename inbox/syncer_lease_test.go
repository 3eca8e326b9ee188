package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// releaseCounter counts the Release calls that reach the ledger.
type releaseCounter struct {
	inbox.Ledger
	releases atomic.Int32
}

func (l *releaseCounter) Release(ctx context.Context, key, token string, progress *inbox.Record) error {
	l.releases.Add(1)
	return l.Ledger.Release(ctx, key, token, progress)
}

// leaseEnv is an env whose Messages runs takeover after the first Send,
// as a redelivery would once that Send outlived the lease.
type leaseEnv struct {
	*env
	ledger *releaseCounter
	logs   bytes.Buffer
}

func newLeaseEnv(t *testing.T, takeover func(le *leaseEnv, ctx context.Context) error) *leaseEnv {
	t.Helper()
	le := &leaseEnv{}
	var calls atomic.Int32
	le.env = newEnv(t, func(o *inbox.Options) {
		le.ledger = &releaseCounter{Ledger: o.Ledger}
		o.Ledger = le.ledger
		o.Logger = slog.New(slog.NewJSONHandler(&le.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		next := o.Messages
		o.Messages = inbox.MessagesFunc(func(ctx context.Context, conv string, m *inbox.Message) (string, error) {
			id, err := next.Send(ctx, conv, m)
			if calls.Add(1) == 1 {
				le.clock.Advance(time.Minute + time.Second) // this Send outlived the lease
				if terr := takeover(le, ctx); terr != nil {
					return "", terr
				}
			}
			return id, err
		})
	})
	le.contacts.Add("c1", "ada@example.com")
	return le
}

// warnings returns the warn records logged, each as its attributes.
func (le *leaseEnv) warnings(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(le.logs.String()) {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if r["level"] == "WARN" {
			out = append(out, r)
		}
	}
	return out
}

func checkLeaseWarning(t *testing.T, le *leaseEnv, key string) {
	t.Helper()
	w := le.warnings(t)
	if len(w) != 1 {
		t.Fatalf("%d warnings logged; want 1:\n%s", len(w), le.logs.String())
	}
	if got := slices.Sorted(maps.Keys(w[0])); !slices.Equal(got, []string{"key", "level", "msg", "time"}) || w[0]["key"] != key {
		t.Errorf("warning = %v; want the key %q and no other attribute", w[0], key)
	}
}

// TestSyncLeaseLostOnComplete: a Sync whose Send outlived its lease finds
// at its Complete that a redelivery took the key over and completed it. Its
// message was sent: it answers 200 "sent" with a reason, releases nothing,
// warns with the key, and the ledger keeps the new owner's record.
func TestSyncLeaseLostOnComplete(t *testing.T) {
	var second *inbox.Outcome
	le := newLeaseEnv(t, func(le *leaseEnv, ctx context.Context) error {
		var err error
		second, err = le.s.Sync(ctx, basicEvent("m1", "ada@example.com"))
		return err
	})
	var first *inbox.Outcome
	h, err := le.s.Handler(chatSource(le.sw), &inbox.HandlerOptions{
		Observe: func(_ *http.Request, _ int, out *inbox.Outcome, _ error) { first = out },
	})
	if err != nil {
		t.Fatal(err)
	}
	code, resp := le.post(t, h, "msg_1", msgBody("m1", "ada@example.com", "hi"))
	if code != http.StatusOK || !strings.Contains(resp, `"sent"`) {
		t.Fatalf("delivery whose lease was lost = %d %s; want 200 sent", code, resp)
	}
	if second == nil || second.Status != inbox.StatusSent {
		t.Fatalf("takeover Sync = %+v; want sent", second)
	}
	if first == nil || first.Status != inbox.StatusSent || !strings.Contains(first.Reason, "claim lost") ||
		len(first.Deliveries) != 1 || first.Deliveries[0].MessageID != "msg-1" {
		t.Errorf("outcome = %+v; want sent msg-1 with a lease-lost reason", first)
	}
	if n := le.ledger.releases.Load(); n != 0 {
		t.Errorf("%d Release calls; want none after a lost lease", n)
	}
	entries := le.env.ledger.Entries()
	if len(entries) != 1 || !entries[0].Done || entries[0].Record.Deliveries[0].MessageID != "msg-2" {
		t.Errorf("ledger = %+v; want the new owner's record (msg-2)", entries)
	}
	// Both sent (the documented lease overrun), under one Message.Key.
	if all := le.msgs.All(); len(all) != 2 || all[0].Message.Key != all[1].Message.Key {
		t.Errorf("messages = %+v; want 2 with one key", all)
	}
	checkLeaseWarning(t, le, "chat/message.received/m/m1")
	if strings.Contains(le.logs.String(), "hello") || strings.Contains(le.logs.String(), "ada@") {
		t.Errorf("logs leak event content:\n%s", le.logs.String())
	}
	if out, err := le.s.Sync(t.Context(), basicEvent("m1", "ada@example.com")); err != nil || out.Status != inbox.StatusDuplicate {
		t.Errorf("redelivery = %+v, %v; want duplicate", out, err)
	}
}

// TestSyncLeaseLostOnRelease: a temporary failure after the lease was
// taken over cannot release the key: the new owner keeps its claim (no
// third worker may claim it), the sender is told to retry, and a warning
// names the key.
func TestSyncLeaseLostOnRelease(t *testing.T) {
	var owner inbox.Claim
	le := newLeaseEnv(t, func(le *leaseEnv, ctx context.Context) error {
		var err error
		owner, err = le.env.ledger.Claim(ctx, "chat/message.received/m/m1") // another worker, still sending
		if err != nil || owner.State != inbox.ClaimNew {
			t.Errorf("takeover Claim = %+v, %v", owner, err)
		}
		return temp("gateway timeout")
	})
	out, err := le.s.Sync(t.Context(), basicEvent("m1", "ada@example.com"))
	if !errors.Is(err, inbox.ErrTemporary) || !errors.Is(err, inbox.ErrLeaseLost) || out.Status != inbox.StatusRetry {
		t.Fatalf("Sync = %+v, %v; want retry wrapping ErrTemporary and ErrLeaseLost", out, err)
	}
	if c, err := le.env.ledger.Claim(t.Context(), "chat/message.received/m/m1"); err != nil || c.State != inbox.ClaimBusy {
		t.Errorf("Claim after the stale Release = %v, %v; want busy (the new owner's)", c.State, err)
	}
	checkLeaseWarning(t, le, "chat/message.received/m/m1")
	if err := le.env.ledger.Complete(t.Context(), "chat/message.received/m/m1", owner.Token, &inbox.Record{Status: inbox.StatusSent}); err != nil {
		t.Errorf("Complete by the new owner: %v", err)
	}
}

// TestSyncClaimWithoutToken: a ledger that returns ClaimNew without a token
// is a host bug; nothing is sent and the delivery stays retryable.
func TestSyncClaimWithoutToken(t *testing.T) {
	e := newEnv(t, func(o *inbox.Options) {
		l := o.Ledger
		o.Ledger = &tokenless{l}
	})
	e.contacts.Add("c1", "ada@example.com")
	out, err := e.s.Sync(t.Context(), basicEvent("m1", "ada@example.com"))
	if !errors.Is(err, inbox.ErrTemporary) || !strings.Contains(err.Error(), "tokenless") || out.Status != inbox.StatusRetry {
		t.Fatalf("Sync = %+v, %v; want retry naming the ledger type", out, err)
	}
	if n := e.msgs.Len(); n != 0 {
		t.Errorf("%d messages sent without a token; want 0", n)
	}
}

type tokenless struct{ inbox.Ledger }

func (l *tokenless) Claim(ctx context.Context, key string) (inbox.Claim, error) {
	c, err := l.Ledger.Claim(ctx, key)
	c.Token = ""
	return c, err
}
