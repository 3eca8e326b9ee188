package inboxtest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// ExampleLedger shows a claim lease expiring on the fake clock, as when a
// worker crashes after claiming a delivery.
func ExampleLedger() {
	clock := inboxtest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute, Now: clock.Now})
	ctx := context.Background()
	c, _ := l.Claim(ctx, "chat/m/1")
	fmt.Println(c.State)
	c, _ = l.Claim(ctx, "chat/m/1")
	fmt.Println(c.State)
	clock.Advance(61 * time.Second) // the first worker crashed
	c, _ = l.Claim(ctx, "chat/m/1")
	fmt.Println(c.State)
	l.Complete(ctx, "chat/m/1", &inbox.Record{Status: inbox.StatusSent})
	c, _ = l.Claim(ctx, "chat/m/1")
	fmt.Println(c.State, c.Record.Status)
	// Output:
	// new
	// busy
	// new
	// done sent
}
