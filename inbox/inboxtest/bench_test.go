package inboxtest_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// BenchmarkLedgerClaimComplete measures one claim and completion of a new key.
func BenchmarkLedgerClaimComplete(b *testing.B) {
	l := inboxtest.NewLedger(inboxtest.LedgerOptions{})
	ctx := context.Background()
	rec := &inbox.Record{Status: inbox.StatusSent}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		key := "k" + strconv.Itoa(n)
		n++
		c, err := l.Claim(ctx, key)
		if err != nil || c.State != inbox.ClaimNew {
			b.Fatal(c, err)
		}
		if err := l.Complete(ctx, key, c.Token, rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLedgerClaimParallel measures claims of a done key under load.
func BenchmarkLedgerClaimParallel(b *testing.B) {
	l := inboxtest.NewLedger(inboxtest.LedgerOptions{})
	ctx := context.Background()
	c, _ := l.Claim(ctx, "hot")
	l.Complete(ctx, "hot", c.Token, &inbox.Record{Status: inbox.StatusSent})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if c, _ := l.Claim(ctx, "hot"); c.State != inbox.ClaimDone {
				b.Fatal(c.State)
			}
		}
	})
}
