package inboxtest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// ExampleLedger shows a claim lease expiring on the fake clock, as when a
// worker stalls or crashes after claiming a delivery, and the claim token
// keeping the stale worker from completing the key it lost.
func ExampleLedger() {
	clock := inboxtest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute, Now: clock.Now})
	ctx := context.Background()
	a, _ := l.Claim(ctx, "chat/message.received/m/1") // worker A
	fmt.Println(a.State)
	c, _ := l.Claim(ctx, "chat/message.received/m/1")
	fmt.Println(c.State)
	clock.Advance(61 * time.Second)                   // worker A stalls past its lease
	b, _ := l.Claim(ctx, "chat/message.received/m/1") // worker B takes the key over
	fmt.Println(b.State)
	err := l.Complete(ctx, "chat/message.received/m/1", a.Token, &inbox.Record{Status: inbox.StatusFailed})
	fmt.Println("A:", errors.Is(err, inbox.ErrLeaseLost))
	err = l.Complete(ctx, "chat/message.received/m/1", b.Token, &inbox.Record{Status: inbox.StatusSent})
	fmt.Println("B:", err)
	c, _ = l.Claim(ctx, "chat/message.received/m/1")
	fmt.Println(c.State, c.Record.Status)
	// Output:
	// new
	// busy
	// new
	// A: true
	// B: <nil>
	// done sent
}
