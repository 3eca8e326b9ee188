// Package inboxkit is an embeddable library for helpdesk products. It does two jobs for a helpdesk:
//
//  1. Pull: contact integrations. A team admin defines an HTTP call to an external API (a CRM, a
//     billing or order system) with placeholders such as {{contact.email}}. When an agent opens a
//     contact, every active integration attached to the inbox runs, its JSON response is cached, and
//     a display template turns it into a UI-neutral node tree (cards, key-value lists, tables,
//     badges, links, buttons) that the host's front end draws.
//  2. Push: inbox sync. An external service (chat tool, SMS gateway, phone system, shop) sends
//     webhooks. inboxkit verifies each delivery, extracts the sender's email, finds the matching
//     contacts, gets or creates their conversation and adds a message to it exactly once.
//
// The host application owns storage, identity, authorization and its UI; inboxkit owns the flows,
// their safety and their speed. This root package holds documentation only.
//
// # Packages
//
//   - [github.com/inboxkit/inboxkit/variables]: the {{ path | filter }} placeholder language,
//     compiled once and expanded with escaping chosen by position (URL, query, header, JSON, text).
//   - [github.com/inboxkit/inboxkit/httpexec]: outbound HTTP with an SSRF guard, limits, retries,
//     a response cache and herd collapse.
//   - [github.com/inboxkit/inboxkit/template]: display templates from JSON responses to a safe node
//     tree, with presets, suggestions and reference text and HTML renderers.
//   - [github.com/inboxkit/inboxkit/integration]: team-level integrations, inbox attachments, test
//     runs and the contact profile load.
//   - [github.com/inboxkit/inboxkit/inbox]: webhook verification, source mapping, idempotent
//     delivery of messages and activities into conversations.
//   - [github.com/inboxkit/inboxkit/inbox/wix]: the Wix Inbox connector (contacts, conversations,
//     messages, app tokens) and Wix's JWT webhooks.
//
// # Profile cards
//
// The host calls [github.com/inboxkit/inboxkit/integration.Service.Profile] for an inbox and a contact. Every active
// integration attached to the inbox runs concurrently: its URL, query, headers and body are
// expanded for the contact with the escaping their positions need, the request goes through the
// [github.com/inboxkit/inboxkit/httpexec.Executor] (a cache hit is served without a call; concurrent misses of one key make one
// upstream call; a failing upstream may be answered from a stale entry), and the JSON response is
// rendered through the integration's display template into a card. The cards come back in
// attachment order, each with its own status, so one failing integration never hides the others.
// The package example below runs this flow against an in-process server; so does
// examples/profilesheet, at length.
//
// # Inbox sync
//
// The host builds a [github.com/inboxkit/inboxkit/inbox.Syncer] from its contact, conversation, message and ledger stores
// and mounts [github.com/inboxkit/inboxkit/inbox.Syncer.Handler] for each webhook source. A delivery is verified on its raw
// body, mapped to an event by the source's gjson paths, claimed in the ledger so that a
// redelivery sends nothing twice, matched to contacts by email under an explicit policy, and sent
// as a message (BASIC) or activity (MINIMAL) into each contact's conversation. A temporary
// failure answers 5xx so the sender retries; a permanent one is recorded for replay. Hosts that
// receive events another way call [github.com/inboxkit/inboxkit/inbox.Syncer.Sync]. examples/inboxsync shows the whole flow.
//
// # Event triggers
//
// Pull meets push: an integration's triggers run it when the host reports a conversation event
// ([github.com/inboxkit/inboxkit/integration.Service.RunTriggers]), and package
// [github.com/inboxkit/inboxkit/integration/triggers] posts each resulting one-line activity
// into the conversation with [github.com/inboxkit/inboxkit/inbox.Syncer.Post], exactly once
// per event, integration and trigger.
//
// # Conventions
//
// Every package follows the same rules: configuration is an Options struct whose zero value
// means the defaults; host interfaces are small, take a context first and ship with an
// in-memory implementation and a conformance suite; nothing keeps global state, registers
// itself in init, or starts a goroutine without a Close; errors name the offending field and
// never carry secrets, header values or bodies.
package inboxkit
