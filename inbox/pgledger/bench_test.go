package pgledger_test

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/inbox/pgledger"
)

// BenchmarkClaimComplete measures one claim and completion of a new key: two statements, two
// commits.
func BenchmarkClaimComplete(b *testing.B) {
	for _, async := range []bool{false, true} {
		b.Run("async="+strconv.FormatBool(async), func(b *testing.B) {
			l, _ := newLedger(b, pgledger.Options{AsyncCommit: async})
			ctx := context.Background()
			rec := &inbox.Record{Status: inbox.StatusSent, Deliveries: []inbox.Delivery{{ContactID: "c1", ConversationID: "conv-1", MessageID: "msg-1"}}}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				key := "bench/m/" + strconv.Itoa(n)
				n++
				c, err := l.Claim(ctx, key)
				if err != nil || c.State != inbox.ClaimNew {
					b.Fatal(c, err)
				}
				if err := l.Complete(ctx, key, c.Token, rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSyncParallel measures deliveries per second through Syncer.Sync with 8 concurrent
// workers sharing the ledger (a pool of 8 connections) and in-memory contacts, conversations
// and messages: the ledger's claim and complete are the only database round trips.
func BenchmarkSyncParallel(b *testing.B) {
	for _, async := range []bool{false, true} {
		b.Run("async="+strconv.FormatBool(async), func(b *testing.B) {
			l, _ := newLedger(b, pgledger.Options{AsyncCommit: async})
			contacts := inboxtest.NewContacts()
			contacts.Add("c1", "ada@example.com")
			s, err := inbox.New(inbox.Options{
				Contacts: contacts, Conversations: inboxtest.NewConversations(),
				Messages: inboxtest.NewMessages(), Ledger: l,
			})
			if err != nil {
				b.Fatal(err)
			}
			var seq atomic.Int64
			procs := runtime.GOMAXPROCS(0)
			b.ReportAllocs()
			b.SetParallelism((8 + procs - 1) / procs) // 8 goroutines on 1, 2, 4 or 8 CPUs
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					ev := &inbox.Event{Source: "bench", MessageID: strconv.FormatInt(seq.Add(1), 10),
						Email: "ada@example.com", Kind: inbox.KindBasic, Text: "hello"}
					out, err := s.Sync(ctx, ev)
					if err != nil || out.Status != inbox.StatusSent {
						b.Fatal(out, err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}
