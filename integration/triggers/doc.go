// Package triggers connects event triggers of package integration to the exactly-once message
// flow of package inbox: a [Poster] runs the triggers a conversation event matches
// (integration.Service.RunTriggers) and posts each resulting activity into the conversation as
// a MINIMAL message (inbox.Syncer.Post), so that agents see "Order #1001 shipped — $42.00" in
// the timeline.
//
//	poster, err := triggers.New(triggers.Options{Service: svc, Syncer: syncer})
//	results, err := poster.Handle(ctx, actor, &integration.ConversationEvent{
//		ID: "evt_9", Type: integration.EventConversationResolved, InboxID: inboxID,
//		Contact: contact, Conversation: integration.Conversation{ID: convID, Status: "resolved"},
//	})
//	if errors.Is(err, inbox.ErrTemporary) {
//		// report the event again later
//	}
//
// Package integration never imports package inbox, nor inbox integration (see DESIGN.md); this
// package, which imports both, is the one place they meet.
//
// # Exactly once
//
// Each activity is posted under the idempotency key integration/k/KEY, KEY being
// [integration.Activity].Key (integration ID, trigger name, event ID), in the source
// Options.Source. The ledger of the Syncer records it, so reporting an event again posts only
// what was not posted yet: a redelivered event posts nothing new, and a retry after a
// temporary failure posts the activities that failed, once.
//
// # Decisions
//
//   - Handle returns an error wrapping inbox.ErrTemporary when an activity failed temporarily
//     (integration.Activity.Temporary: an upstream timeout, network error, 429 or 5xx) or its
//     post did (the host's Messages or the ledger): the host reports the event again later.
//     The activities that did post are not posted again then. Permanent failures (a 4xx, a
//     misconfigured integration, a post the inbox refuses as malformed) are settled: they are
//     in the results and logged, and retrying would not help.
//   - An event whose matching integration fails again after its activity was posted makes
//     Handle temporary again, although nothing is left to post: the ledger answers "posted"
//     only when asked to post, and RunTriggers runs before. Integrations cache their
//     responses, so such a retry usually finds the cached response and settles.
//   - Activities are internal by default (inbox.BusinessOnly): they describe the business's
//     systems to agents. Options.Public shows them to the contact too.
//   - The inbox source name is "integration" unless Options.Source says otherwise; it scopes
//     the idempotency keys, so two posters that share a ledger need distinct sources only if
//     they post the same integrations for the same events differently.
package triggers
