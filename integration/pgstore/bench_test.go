package pgstore_test

import (
	"fmt"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/integrationtest"
)

// BenchmarkProfileReads measures what one profile load asks of the store: the inbox's team,
// its attachments and the team's integrations (5 of them), three statements.
func BenchmarkProfileReads(b *testing.B) {
	s, _ := newStore(b)
	ctx := b.Context()
	if err := s.PutInbox(ctx, integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"}); err != nil {
		b.Fatal(err)
	}
	for i := range 5 {
		id := fmt.Sprint("int-", i)
		if err := s.Save(ctx, integrationtest.Sample("acme", id), 0); err != nil {
			b.Fatal(err)
		}
		if err := s.PutAttachment(ctx, integration.Attachment{IntegrationID: id, InboxID: "support", Enabled: true, Position: i}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		ib, err := s.Inbox(ctx, "support")
		if err != nil {
			b.Fatal(err)
		}
		atts, err := s.ListAttachments(ctx, ib.ID)
		if err != nil || len(atts) != 5 {
			b.Fatal(len(atts), err)
		}
		list, err := s.List(ctx, ib.TeamID)
		if err != nil || len(list) != 5 {
			b.Fatal(len(list), err)
		}
	}
}
