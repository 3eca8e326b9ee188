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
//
// # Profile cards
//
// The host calls integration.Service.Profile for an inbox and a contact. Each attached integration
// runs concurrently: its URL, query, headers and body are expanded for the contact, the request goes
// through httpexec (a cache hit is served without a call; concurrent misses make one upstream call),
// and the response is rendered through its display template into a card.
//
// # Inbox sync
//
// The host mounts an inbox handler per source. A delivery is verified on its raw body, mapped to an
// event, claimed in the host's ledger so that a redelivery sends nothing twice, matched to contacts
// by email, and sent as a message into each contact's conversation.
package inboxkit
