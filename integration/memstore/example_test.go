package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

func Example() {
	ctx := context.Background()
	s := memstore.New()
	s.AddInbox(integration.Inbox{ID: "support", TeamID: "acme", Name: "Support"})

	in := &integration.Integration{ID: "crm", TeamID: "acme", Name: "Customer Data", Version: 1}
	if err := s.Save(ctx, in, 0); err != nil {
		fmt.Println(err)
	}
	// A second writer holding version 1 loses the compare-and-swap after the first saves v2.
	v2 := in.Clone()
	v2.Version = 2
	fmt.Println(s.Save(ctx, v2, 1))
	fmt.Println(errors.Is(s.Save(ctx, v2, 1), integration.ErrConflict))

	// Other teams see nothing.
	_, err := s.Get(ctx, "globex", "crm")
	fmt.Println(errors.Is(err, integration.ErrNotFound))

	s.PutAttachment(ctx, integration.Attachment{IntegrationID: "crm", InboxID: "support", Enabled: true, Position: 1})
	atts, _ := s.ListAttachments(ctx, "support")
	fmt.Printf("%+v\n", atts)
	// Output:
	// <nil>
	// true
	// true
	// [{IntegrationID:crm InboxID:support Enabled:true Position:1}]
}

// ListShared hands out the stored integrations without a copy, for callers that only read
// them (a profile load); a Save replaces the team's list and leaves the one handed out as it was.
func ExampleStore_ListShared() {
	ctx := context.Background()
	s := memstore.New()
	for _, id := range []string{"crm", "billing"} {
		if err := s.Save(ctx, &integration.Integration{ID: id, TeamID: "acme", Name: id, Version: 1}, 0); err != nil {
			fmt.Println(err)
		}
	}
	before, _ := s.ListShared(ctx, "acme")
	if err := s.Save(ctx, &integration.Integration{ID: "crm", TeamID: "acme", Name: "CRM v2", Version: 2}, 1); err != nil {
		fmt.Println(err)
	}
	after, _ := s.ListShared(ctx, "acme")
	again, _ := s.ListShared(ctx, "acme")
	fmt.Println(before[1].Name, after[1].Name, &after[0] == &again[0])
	// Output:
	// crm CRM v2 true
}
