package pgledger_test

import (
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/inbox/pgledger"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, async := range []bool{false, true} {
		name := "durable"
		if async {
			name = "AsyncCommit"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inboxtest.RunLedger(t, func(t *testing.T) (inbox.Ledger, time.Duration, func(time.Duration)) {
				clock := inboxtest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
				l, _ := newLedger(t, pgledger.Options{Lease: 30 * time.Second, Now: clock.Now, AsyncCommit: async})
				return l, 30 * time.Second, clock.Advance
			})
		})
	}
}
