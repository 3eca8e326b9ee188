// Package integration is the contact-integration feature of inboxkit: team-level HTTP
// integrations, their attachment to inboxes, test runs from an admin's editor, and the load of a
// contact's profile cards.
//
// An [Integration] belongs to one team. It describes one HTTP call (method, URL, query
// parameters, headers, JSON body) whose parts are placeholder templates such as
// {{contact.email}}, how long its response is cached, and a display template that turns the
// JSON response into a node tree (package template). An admin creates it once and attaches it
// to any of the team's inboxes ([Attachment]); when an agent opens a contact in an inbox,
// [Service.Profile] runs every active integration attached and enabled there and returns one
// [Card] per integration.
//
//	svc, err := integration.NewService(integration.Options{
//		Store: store, Attachments: store, Inboxes: store, // the host's tables; see package memstore
//		Executor: exec,                                   // an *httpexec.Executor
//		Sealer:   sealer,                                 // integration.NewAESGCM(key) or a KMS
//	})
//	in, err := svc.Create(ctx, admin, &integration.Integration{
//		Name: "Customer Data", URL: "https://api.mycrm.com/customers?email={{contact.email}}",
//		CacheMinutes: 15, Active: true,
//	})
//	err = svc.Attach(ctx, admin, in.ID, inboxID, 1)
//	cards, err := svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: inboxID, Contact: c})
//
// # Variables
//
// Request templates may use contact.id, contact.name, contact.email, contact.phone_number,
// contact.attributes.NAME, conversation.id, conversation.subject, inbox.id and inbox.name
// ([Variables], [IsVariable]), and in header values only secret.NAME, one of the integration's
// [Secret] values. The position of a placeholder decides its escaping (package variables): a
// path segment is path-escaped, a query value query-escaped, a header value may not receive a
// line break, and the JSON body stays valid JSON whatever the contact's fields contain. A
// variable that is empty expands as ""; list it in RequiredVariables to skip the request
// instead (the card is then [StatusNotApplicable]).
//
// # Validation
//
// [Integration.Validate] (called by Create, Update and Test) reports every problem at once as a
// [*ValidationError] whose [Problem] paths name fields: "method", "url", "query[0].value",
// "headers[2].value", "body", "cache_minutes", "timeout_ms", "required_variables[1]",
// "secrets[0].name", and "display.template" followed by the template's JSON pointer, as in
// "display.template/sections/1/items/0/value" (codes inside the template are package
// template's). Messages never repeat a secret or header value.
//
// # Teams, roles and isolation
//
// Every operation takes an [Actor] (team and role) that the host authenticated. Only
// [RoleAdmin] creates, updates, deletes, attaches, detaches, enables and tests integrations
// ([ErrForbidden] otherwise); any member may read them and load profiles. Anything of another
// team is [ErrNotFound], indistinguishable from a missing record. The host's [Inboxes] is the
// authority on which team owns an inbox: an integration attaches to, and runs in, only inboxes
// of its own team, even if the attachment store says otherwise.
//
// # Versions and the cache
//
// Every saved edit increments Version. Update requires the caller's copy to carry the stored
// version and the [Store] saves with compare-and-swap, so concurrent edits fail with
// [ErrConflict] instead of overwriting each other. Responses are cached by the executor under
// (team, integration, version, expanded request); Update and Delete also call
// Executor.Invalidate, so an edit never shows a response of the old configuration. A test run
// never reads or writes the cache. [ProfileRequest].Refresh skips the cache read for every card
// (or, with IntegrationID, for one) and stores the fresh responses.
//
// # Secrets
//
// A [Header] marked Secret holds a literal credential (it is not a template), and [Secret]
// values are referenced as {{secret.NAME}} from header values. Both are sealed by the
// [Sealer] before they reach the [Store] (Header.Sealed, Secret.Sealed; the clear Value is
// emptied), bound to the integration's team and ID as additional authenticated data, and
// opened only to send a request. The default sealer [AESGCM] uses AES-256-GCM with
// host-supplied keys; the key ID inside each sealed value lets old keys keep opening values
// after a rotation. Outside the request itself a secret is [Redacted] ("••••"): in the JSON
// encoding, in what the Service returns, in test results, in errors and in log records. Where
// an upstream echoes a secret back (response headers, bodies and so rendered cards), the
// Service redacts the values it sent: each secret, each secret-carrying header value as sent
// (filters included), the credential after an authorization scheme, and their JSON-escaped
// forms. That is a best effort against echoes, not against an upstream that transforms a
// secret further: only admins choose the upstream.
//
// # Profile loads
//
// [Service.Profile] runs the cards concurrently (at most [Options].MaxConcurrentCards at a
// time), each under its integration's timeout and all under the caller's context, and returns
// them in attachment order: by position, then integration ID, whatever order the
// [Attachments] store returns. A card's failure is reported in the card ([StatusError], with
// an agent-safe [CardError] message and a [Category]); it never fails the load or hides the
// other cards, not even when host code it calls panics. When the upstream fails and the
// executor still holds a stale response, the card is [StatusOK] with Stale set and the error
// attached.
//
// # Decisions
//
//   - Secret values in the JSON encoding are [Redacted] and the sealed form is included as
//     "sealed", so a host may keep the encoding in a document column; the integrations the
//     [Service] returns carry no sealed forms (any member may read them). On Update and Test a
//     secret whose value is empty or Redacted keeps the stored sealed value of the same name;
//     incoming "sealed" fields are ignored, so a sealed value cannot be pasted from elsewhere.
//   - A stored secret is kept only while the URL's scheme, host and port stay the same: an
//     edit or test run that points the integration at another server must enter its secrets
//     again (a [ValidationError] says so), so a credential is never sent where its author did
//     not send it, even by a hijacked admin session that never saw it.
//   - Update opens every kept secret and seals it again with the [Sealer]'s current key, so
//     saving each integration once completes a key rotation; a kept value that no key opens
//     any more must be entered again.
//   - Secret header values are literals, never templates: a contact's data can never reach a
//     credential. Use a plain header with {{secret.NAME}} to build "Bearer {{secret.token}}".
//   - The inbox to team mapping comes from the host ([Inboxes]); Profile takes an inbox ID,
//     not a team, so a caller cannot run another team's integrations by passing a wrong team.
//   - A non-admin gets [ErrForbidden] for every admin operation, decided from the [Actor]
//     alone before any lookup, so it reveals nothing about the record; an admin of another
//     team gets [ErrNotFound] for everything, exactly as for a record that does not exist.
//   - Missing (empty) variables expand as "" unless listed as required.
//   - Host, Content-Length, Transfer-Encoding, Connection and other hop-by-hop headers cannot be
//     configured. Accept defaults to application/json, and Content-Type to application/json
//     when there is a body.
//   - A failed cache invalidation after a saved edit is logged, not returned: the new version
//     already keeps old entries from being served.
//   - Compiled request and display templates are cached per (team, ID, version) in a bounded
//     LRU ([Options].CompiledEntries), so a profile load compiles nothing. A cached form is
//     used only for the configuration it was compiled from, so an ID that a host's store hands
//     out again after a delete never runs the deleted integration's request.
//   - Create always assigns the ID ([Options].NewID): a caller-chosen ID would let an admin
//     probe whether another team's integration has it.
//   - A live test run of a method other than GET needs [TestRequest].ConfirmSend
//     ([ErrConfirmationRequired]); a dry run never needs it.
//   - The [Store] has four methods (get, list, compare-and-swap save, delete), one more than
//     the style guide's usual three: optimistic versioning needs the CAS in the interface.
//
// # Concurrency
//
// A [Service] and an [AESGCM] are safe for concurrent use by multiple goroutines. The host
// interfaces ([Store], [Attachments], [Inboxes], [Sealer], [Executor]) must be too. Package
// memstore is an in-memory implementation of the host interfaces and package integrationtest a
// conformance suite for a host's own.
package integration
