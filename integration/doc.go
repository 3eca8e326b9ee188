// Package integration shows data from a team's other systems (a CRM, billing, an order system)
// on a contact's profile in a helpdesk: an admin defines an HTTP call once per team, attaches it
// to inboxes, and when an agent opens a contact, [Service.Profile] runs every attached call for
// that contact and returns one display-ready [Card] per integration.
//
//	svc, err := integration.NewService(integration.Options{
//		Store: store, Attachments: store, Inboxes: store, // your tables; see package memstore
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
// An [Integration] belongs to one team. It describes one HTTP call (method, URL, query
// parameters, headers, JSON body) whose parts are placeholder templates such as
// {{contact.email}}, how long its response is cached, and a display template that turns the
// JSON response into a node tree (package template). [Service.Test] runs it from the admin's
// editor with sample data, as a dry run or live.
//
// # Variables
//
// Request templates may use the variables [Variables] lists (the list an editor shows and the
// one validation checks against, each with a description and an example): contact.id,
// contact.name, contact.email, contact.phone_number, contact.attributes.NAME; conversation.id,
// .subject, .status, .channel, .assignee_id and .labels (joined with commas); inbox.id and
// inbox.name; agent.id, agent.name and agent.email of the agent viewing ([ProfileRequest].Agent);
// team.id, team.name and team.time_zone; now, the Service's clock in the team's time zone; and in
// header values only secret.NAME, one of the integration's [Secret] values. Besides package
// variables' filters, request templates may use date:"2006-01-02", add_days:-30, urlencode, json
// and e164 ([Filters]). The position of a placeholder decides its escaping (package variables): a
// path segment is path-escaped, a query value query-escaped, a header value may not receive a
// line break, and the JSON body stays valid JSON whatever the contact's fields contain. A
// variable that is empty expands as "", except where that would change which resource is
// asked for: a variable that makes up a whole path segment ("/customers/{{contact.email}}") is
// required, as is every variable listed in RequiredVariables ([Integration.Required] lists
// both). When a required variable is empty, no request is sent and the card is
// [StatusNotApplicable]; a test run reports it in [TestResult].Missing and sends nothing.
//
// # Run conditions
//
// An integration with a Condition runs only when it holds. The condition is written in the
// condition language of display templates (package template, [template.ParseCondition]):
// {"all": [{"path": "contact.attributes.plan", "op": "eq", "value": "vip"},
// {"path": "conversation.status", "op": "in", "value": ["open", "pending"]}]}. Its paths read a
// document of the run's variables: contact (with attributes), conversation (status, channel,
// assignee_id, labels as an array), inbox, agent and team; an empty value is absent, as in
// request templates, so "contact.email exists" means a non-empty email. Validation reports a
// path outside these ("contact.atributes.plan") at its pointer, "/condition/all/0/path". When the
// condition does not hold, nothing is sent and the card is [StatusNotApplicable] with
// Reason [ReasonCondition]; a test run says so in [TestResult].Reason and sends nothing.
//
// # Chained requests
//
// An integration may make up to [MaxSteps] requests per card: its own, named by StepName
// ("main" by default), then its [Step]s in order. A step's templates read the responses before
// it as {{steps.NAME.body.PATH}}, PATH a gjson path ("steps.lookup.body.customer.id",
// "steps.lookup.body.items.0.sku"), escaped by position like any variable: a customer ID of
// "../admin" or one with a line break is refused (the card fails, naming the step), one with
// quotes stays inside its JSON string. Each step is cached on its own expanded request, so
// customers who share an order lookup share its cache entry. The display template of a chained
// integration renders {"steps": {"lookup": {"body": ...}, "orders": {"body": ...}}}, so one card
// combines them: "{{steps.lookup.body.customer.name}}", a repeat over
// "steps.orders.body.orders". A step runs only when every step value it references is present
// (not absent, null or ""), except under a default filter ({{steps.lookup.body.since |
// default:""}}); otherwise the card is [StatusNotApplicable] with [ReasonMissingStepValue] and
// Missing naming the value, or, with ShowEarlierSteps, shows the steps before it. A failing step
// fails the card with CardError.Step naming it. Validation reports step names (format,
// duplicates), references to the step itself or a later one, and steps beyond MaxSteps at their
// pointers ("/steps/1/url"). A live test run reports every step's request and response in
// [TestResult].Steps.
//
// # Agent actions
//
// An admin gives an integration up to [MaxActions] actions ([Action]), which its card shows as
// buttons ([Card].Actions, [ActionButton]: name, label, method, confirmation prompt and form
// fields, never the URL, headers or body). An agent presses one for the contact in view and the
// host calls [Service.RunAction] with the values the agent entered. An action is an HTTP
// request on the integration's engine: the same variables, filters and escaping by position,
// plus {{input.NAME}} for its fields ([ActionField]), whose values are checked by type first (a
// decimal within Min and Max, an email address, a phone number sent as E.164, a YYYY-MM-DD
// date, one of a select's options, true or false, a length) and refused at "/inputs/NAME" in a
// [*ValidationError] before anything is sent. A non-GET action asks the agent to confirm
// ([*ConfirmationError], wrapping [ErrConfirmationRequired]) and is sent once, never retried;
// no action is ever cached. The [ActionResult] carries the status and a message picked from the
// response by ResultPath. [Options].Audit receives an [AuditEvent] for every run: who, what,
// when and the outcome, never a secret, a contact's values or an input's value. An admin tests
// one action from the editor with [TestRequest].Action and Inputs: a dry run shows its request,
// a live one (confirmed with ConfirmSend for a non-GET action) sends it once.
//
// # Validation and the JSON encoding
//
// [Integration.Validate] (called by Create, Update and Test) reports every problem at once as a
// [*ValidationError] whose [Problem]s (the module's one shape, [variables.Problem]) carry an
// RFC 6901 JSON pointer into the integration's JSON encoding: "/url", "/query/0/value",
// "/headers/2/value", "/body", "/cache_minutes", "/timeout_ms", "/required_variables/1",
// "/secrets/0/name", and inside the display template "/display/template/sections/1/items/0/value".
// Codes are this package's ([CodeRequired], ...), package variables' for a placeholder that
// does not compile, and package template's inside the display template. Messages never repeat a
// secret or header value. The JSON encoding is snake_case throughout; [Schema] is its JSON
// Schema (draft 2020-12) for a host's form.
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
// (team, integration, version, request); Update and Delete also call
// Executor.Invalidate, so an edit never shows a response of the old configuration. A test run
// never reads or writes the cache. [ProfileRequest].Refresh skips the cache read for every card
// (or, with IntegrationID, for one) and stores the fresh responses; a card whose refresh fails
// keeps the response it had, Stale, with the error.
//
// # Secrets
//
// A [Header] marked Secret holds a literal credential (it is not a template), and [Secret]
// values are referenced as {{secret.NAME}} from header values. Both are sealed by the [Sealer]
// before they reach the [Store] (Header.Sealed, Secret.Sealed; the clear Value is emptied),
// bound to the integration's team and ID as additional authenticated data, and opened only to
// send a request. The default sealer [AESGCM] uses AES-256-GCM with host-supplied keys; the key
// ID inside each sealed value lets old keys keep opening values after a rotation. Outside the
// request itself a secret is [Redacted] ("••••"): in the JSON encoding, in what the Service
// returns, in test results, in errors and in log records. The JSON encoding keeps the sealed
// form next to the redacted value, and decoding gives back the stored form, so a host may keep
// the encoding in a document column. Where an upstream echoes a secret back, the Service
// redacts the values it sent: each secret, each secret-carrying header value as sent (filters
// included) and the credential after an authorization scheme, in any ASCII case, from the
// response body before it is cached or rendered: in every JSON string as decoded (however the
// upstream escaped it: "\u005f" for '_', "\/" for '/') and anywhere else as bytes. Cards, test
// runs, activity lines and action results are all rendered from redacted bodies.
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
// attached. A card's FetchedAt is on the Service's clock ([Options].Now).
//
// [Category] is [httpexec.Category]: one list of failure categories for the module. A failed
// upstream call keeps httpexec's category (timeout, blocked, network, redirect, rate_limited,
// upstream_4xx, upstream_5xx, upstream_other, too_large, invalid_response, invalid_url,
// invalid_request, canceled, internal); this package adds [CategoryTemplate] (the display
// template failed to render) and [CategoryConfiguration] (the stored integration is invalid
// or its secrets do not open), and uses httpexec's categories for its own cases of the same
// meaning (a response that is not JSON is invalid_response, one over the template's limits
// too_large, a contact value a header cannot carry invalid_request).
//
// [Options].Logger receives a warning per failed card that identifies the call (team, inbox,
// integration, version, method, host, the URL template as written, status, category) and
// never holds a contact's values, a secret, a header value or a body.
//
// # Event triggers
//
// An integration may also run when the host reports a conversation event ([EventTypes]:
// conversation.created, .resolved, .reopened, .label_added, .assigned). Each of its
// [Trigger]s has a name, unique in the integration, and names an event (and, for label_added,
// optionally a label), an activity line and an optional link and icon:
//
//	{"name": "order_shipped", "on": "conversation.resolved", "icon": "truck",
//	 "text": "Order #{{order.number}} {{order.status}} — {{order.total | currency:\"USD\"}}",
//	 "link": "https://shop.example.com/orders/{{order.number}}"}
//
// [Service.RunTriggers] takes a [ConversationEvent] and runs every attached, enabled, active
// integration of the inbox that has a matching trigger, once, exactly as a profile card (the
// event's contact, conversation, agent and team as variables; run condition, required
// variables, chained steps, the cache, the executor), then renders each matching trigger's
// text and link with package template's bindings over the document the display template
// would render (the response, or {"steps": ...}), formatting filters included. It returns one
// [Activity] per trigger: StatusOK with the line, StatusNotApplicable (condition not met,
// a required variable empty, a step value missing, or a line that renders empty: nothing to
// post) or StatusError ([Activity.Temporary] says whether reporting the event again may
// succeed). Each activity has a Key made of the integration ID, the trigger's name and the
// event ID ([ActivityKey]). Package integration/triggers posts the StatusOK activities into the conversation
// as MINIMAL messages through package inbox's exactly-once flow, under that key, so a
// redelivered event posts nothing new. Validation reports triggers at /triggers/N/name, /on,
// /label, /text, /link and /icon.
//
// # Concurrency
//
// A [Service] and an [AESGCM] are safe for concurrent use by multiple goroutines. The host
// interfaces ([Store], [Attachments], [Inboxes], [Sealer], [Executor]) must be too. Package
// memstore is an in-memory implementation of the host interfaces and package integrationtest a
// conformance suite for a host's own.
//
// # Decisions
//
//   - A cached profile load makes no [Sealer] call. The request of a profile load carries, for
//     each secret, a stand-in (a digest of its sealed form, which changes whenever the secret
//     does) where the value goes, and the executor asks for the clear values
//     (httpexec.Request.Credentials) only when it sends the request: on a miss, once per shared
//     upstream call. The cache key so never holds a secret, and a clear secret lives for one
//     send. The price: echoes of the secrets are redacted from the body before it is cached,
//     so a cached body never needs the secrets to be shown, but an entry cached before a
//     secret changed is never served again (the stand-in, and so the key, changed with it).
//   - An echoed secret is redacted from the response body, once per upstream call, not from
//     each rendered card: the body is what every card, cached or reused, is rendered from,
//     while redacting the rendered output would need the clear secrets on every render of a
//     cached response, a Sealer call per cached load (see above) or clear secrets kept in
//     memory past one send. The body's JSON strings are compared as decoded, since the
//     template reads them decoded and an upstream may escape any character (a byte-level
//     match missed "tok\u005f1"). Matching ignores ASCII case: an upstream that echoes a
//     token upper-cased gives it away as surely, and a display template's upper or lower
//     filter could otherwise turn an echo in another case into the secret itself. The price
//     is a word of the response that equals a secret but for its case is redacted too. A
//     filter that shows part of a value (truncate) cannot show a redacted secret, but a value
//     the upstream builds from parts of a secret (split across two fields, reversed, hashed) is
//     not recognized. An activity's link holding a redacted value is left out, as it would
//     link the wrong page.
//   - In the stored form a sealed value wins over a clear one, and [Redacted] is never a value:
//     a store that hands back the encoded "••••" cannot make Profile send it.
//   - The integrations the [Service] returns carry no sealed forms (any member may read them).
//     On Update and Test a secret whose value is empty or Redacted keeps the stored sealed
//     value of the same name; incoming "sealed" fields are ignored, so a sealed value cannot be
//     pasted from elsewhere.
//   - A stored secret is kept only while the URL's scheme, host and port stay the same: an
//     edit or test run that points the integration at another server must enter its secrets
//     again (a [ValidationError] says so), so a credential is never sent where its author did
//     not send it, even by a hijacked admin session that never saw it.
//   - Update opens every kept secret and seals it again with the [Sealer]'s current key, so
//     saving each integration once completes a key rotation; a kept value that no key opens
//     any more must be entered again.
//   - Secret header values are literals, never templates: a contact's data can never reach a
//     credential. Use a plain header with {{secret.NAME}} to build "Bearer {{secret.token}}".
//   - A placeholder that makes up a whole path segment is required without being listed: an
//     empty email must not turn a customer lookup into the customer list. A placeholder
//     sharing its segment with text ("{{id}}.json") or with a default filter is not.
//   - A refresh that fails shows the data it meant to replace, marked stale, rather than
//     nothing: the agent keeps what they were reading and learns that it is not current.
//   - Log records name the URL template, never the expanded URL, and never an error's text
//     where it may quote the expanded URL or the response.
//   - The inbox to team mapping comes from the host ([Inboxes]); Profile takes an inbox ID,
//     not a team, so a caller cannot run another team's integrations by passing a wrong team.
//   - A non-admin gets [ErrForbidden] for every admin operation, decided from the [Actor]
//     alone before any lookup, so it reveals nothing about the record; an admin of another
//     team gets [ErrNotFound] for everything, exactly as for a record that does not exist.
//   - Host, Content-Length, Transfer-Encoding, Connection and other hop-by-hop headers cannot be
//     configured. Accept defaults to application/json, and Content-Type to application/json
//     when there is a body.
//   - A failed cache invalidation after a saved edit is logged, not returned: the new version
//     already keeps old entries from being served.
//   - Compiled request and display templates are cached per (team, ID, version) in a bounded
//     LRU ([Options].CompiledEntries), so a profile load compiles nothing. A cached form is
//     used only for the configuration it was compiled from, so an ID that a host's store hands
//     out again after a delete never runs the deleted integration's request.
//   - A card served from a fresh cached response reuses the output rendered the last time
//     the same response was served to the same contact (a bounded LRU,
//     [Options].RenderedCards), so a profile load of cached cards renders nothing. An output is
//     reused only when the executor has just served, fresh, the very entry it was rendered
//     from (same StoredAt, same body bytes, compared without a copy), with the same compiled
//     template and time zone; its key holds the team, the contact's ID, the integration's ID
//     and version, the request URL and the zone's name, so it never reaches another team or
//     contact, and a refresh, an invalidation or an edit renders again. Templates that show
//     relative times render on every load (their output follows the clock); a contact without
//     an ID is never reused. A chained card is reused only when every step that ran was such
//     a fresh hit of the entry it was rendered from; its bodies, checked when it was rendered,
//     are not checked again (BenchmarkProfileCachedSteps: a cached 2-step card within 2x a
//     1-step one). Only cards of responses up to 64 KiB each are kept; the LRU holds a view of
//     each response body it keeps, normally the executor's cached array itself.
//   - A reused output is shared, not copied: the cards of every load of that contact's card
//     carry the same *template.Output, and [Card].Output is read-only. Reading it from many
//     goroutines at once (encoding it, drawing it) is safe; a host that changes an output
//     (translating its texts, dropping nodes) clones it first ([template.Output.Clone]). A
//     copy per card, the earlier choice, guarded against hosts that write into their cards
//     but cost a quarter of a cached load and six allocations per card (P11); sharing never
//     crosses a team or a contact, so a host that breaks the rule corrupts only what its own
//     agents see of that contact.
//   - Dates on cards (and in a test run's preview) render in the team's time zone
//     ([ProfileRequest].Team.Location) when the host gives one, in [Options].Location
//     otherwise: the zone of now and team.time_zone, the one the team reads its cards in. For
//     reuse a zone is identified by its name (hosts load the zone per request), so two
//     different zones must not share a name.
//   - A profile load runs its cards on the calling goroutine, in order, and starts the other
//     workers (up to [Options].MaxConcurrentCards in all) only when the cards are not done
//     after 250 µs: cached cards take microseconds, less than starting goroutines, and a card
//     that waits on its upstream delays the cards after it by those 250 µs at most, so the
//     load still takes about as long as its slowest upstream (P7). Each worker uses one card
//     state (variables, request, identity, a chained card's steps) for all its cards, and the
//     Service keeps finished loads, with their 250 µs timer (reset, not created) and the
//     calling goroutine's card state, for the next loads (sync.Pool). A cached load of 5 cards
//     allocates 7 times, 5 of them httpexec's Responses (TestProfileCachedAllocs); a chained
//     card's steps read the cached bodies in place (httpexec.Body.View). Nothing keeps a load
//     or a card state once it is done (see load and cardState);
//     TestProfileConcurrentLoadsSpawn checks that concurrent loads of different contacts
//     never see each other's values.
//   - With an *httpexec.Executor, a cached request (a card's, a step's, a trigger's) is keyed
//     by its identity ([httpexec.Request].Identity) and expanded only when it is sent: the
//     identity is a 128-bit digest of the request's templates (method, URL, query, header
//     names and values, body; secret headers by name) followed by the value of each
//     placeholder as [variables.Template.AppendKey] gives it and each secret header by its
//     stand-in's 16 bytes: a typical card's request keys in two SHA-256 blocks. Equal
//     identities build equal requests (FuzzIdentity), so a hit costs no expansion and no
//     Credentials function: half the cost of expanding first on httpexec's P4 workload
//     (BenchmarkDoCacheHitExpand against BenchmarkDoCacheHitExpandEager), and a card's only
//     allocation is httpexec's Response (TestProfileCachedAllocs). Another [Executor], which
//     may not know identities, is given
//     every request expanded, as before; the two never share cache entries, so a host that
//     wraps its executor keeps one kind. InvalidateContact keys its requests the way loads do.
//   - Profile requests whose header values depend on nothing of the run (literals, and secret
//     headers by their stand-ins) share one header map per compiled version, so an
//     [Executor] must not modify a request (httpexec's never does). The map is rebuilt when
//     the secret headers' stored forms change.
//   - A profile load lists the team's integrations with [SharedLister] when the [Store]
//     implements it (memstore does): without a copy of each integration, which a load only
//     reads. The Store interface itself keeps List, whose results the caller owns; a store
//     that cannot promise never to modify what it handed out implements only that.
//   - Create always assigns the ID ([Options].NewID): a caller-chosen ID would let an admin
//     probe whether another team's integration has it.
//   - A live test run of a method other than GET needs [TestRequest].ConfirmSend
//     ([ErrConfirmationRequired]); a dry run never needs it.
//   - The [Store] has four methods (get, list, compare-and-swap save, delete), one more than
//     the style guide's usual three: optimistic versioning needs the CAS in the interface.
//   - now is given to the minute: a request that sends it raw is cached for up to a minute
//     instead of never; {{now | add_days:-30 | date:"2006-01-02"}} changes once a day. agent.*
//     and team.* come with the [ProfileRequest], not from a store: the host has them in its
//     session, and a Service with one more host interface would be harder to embed. A request
//     that sends agent.* is cached per agent, as its expanded request differs.
//   - e164 fails the request (an invalid_request card) for a value it cannot read as a phone
//     number rather than sending the raw value or nothing: a lookup by a wrong number would
//     show another customer's data. Date filters leave an empty value empty, so a default
//     filter after them still applies.
//   - A card whose run condition does not hold is returned, not left out: [StatusNotApplicable]
//     with [ReasonCondition]. Profile (and a streamed profile) so keeps one card per attached
//     integration in attachment order, a refresh of one card always has a card to return, and
//     the front end, which knows whether it shows the sheet to an admin or an agent, decides
//     to hide it (the usual choice) or to explain it. A card without a required variable has
//     [ReasonMissingVariables] instead: the agent may fix that by filling in the contact.
//   - A step value is "needed" exactly when its placeholder has no default filter, decided by
//     the variables package's strict expansion rather than a list of its own: the admin says
//     "optional" where the value is used, and the check cannot disagree with what is sent.
//   - A step may not have secret headers, and may use {{secret.NAME}} only towards the scheme,
//     host and port of the integration's URL: a stored secret is kept on edits only while that
//     origin is unchanged, so no step can carry it elsewhere.
//   - The integration's own request stays in its top-level fields and Steps holds only the
//     further requests, so every existing integration is a valid one-step chain and its display
//     template keeps rendering the response itself; only a chained integration's template reads
//     "steps.NAME.body".
//   - An action's empty Method means POST, not GET as for the integration: an action is
//     usually a change, and a change is confirmed by the agent and never retried, the safe side
//     for a forgotten method. A GET action runs without confirmation unless it sets Confirm.
//   - Any member of the team may run an action, as any member loads profiles: the host decides
//     who sees the sheet, and the audit hook records who pressed what. An action runs only for
//     an integration attached, enabled and active in the inbox, like a one-card profile load,
//     and only where its card applies (the run condition holds, the required variables and
//     the variables making up whole path segments of the action's URL are there), else
//     [ErrNotApplicable].
//   - No action is cached, GET included: pressing a button is a deliberate act whose answer
//     must be current. A GET action may be retried like a profile load (after a connection
//     error or a 502, 503 or 504); any other method is sent once (httpexec.Request.NoRetry),
//     since PUT and DELETE endpoints are not always idempotent in practice. With the
//     executor's own transport that holds below it too: net/http would replay a request with
//     an Idempotency-Key header on a reused connection that closed, so such a request gets a
//     connection of its own. A 307 or 308 redirect of a non-GET action to another origin is
//     not followed (httpexec refuses it, [CardError] says the service redirected it to
//     another server): the change and its body reach only the server the admin configured.
//   - RunAction checks, in order: the integration and action exist for the actor
//     ([ErrNotFound]), the action applies ([ErrNotApplicable]), the inputs are valid (including
//     that each can be sent where the action puts it: a line break for a header, "../" for a
//     path segment), and only then the confirmation: the agent confirms a run that can be sent.
//   - Buttons are on [StatusOK] cards only, stale ones included: a card that failed or does not
//     apply shows no buttons. The buttons are built once per compiled integration version and
//     every card shares the slice (a profile load allocates nothing for them); hosts must not
//     modify it.
//   - An action reads no response: steps.* is not available to it, so what it sends never
//     depends on a cached (maybe stale) card.
//   - A missing or empty input takes its field's Default; an unticked boolean is "false"; a
//     number is sent as the agent typed it, trimmed (a placeholder standing alone in a JSON body
//     is a string, as everywhere). An input making up a whole path segment of the URL must be
//     required or have a default (Validate says so). A boolean field cannot be Required: its
//     unticked box is a value, so Required would demand nothing while reading as "must tick".
//   - A result message comes from a one-text display template over the response, so it follows
//     the binding paths' rules and is cleaned like card text (control and bidi characters
//     removed); it is cut at 500 characters and every secret the request carried is redacted.
//     A failed run's message is the response's message when ResultPath finds one (the
//     upstream's "Refund exceeds the order total" helps the agent), otherwise the card
//     sentence of the failure.
//   - Audit records carry the contact's and conversation's IDs (an audit trail needs its
//     subject) but none of their values; the inputs by name only.
//   - The request filters are this package's (passed to package variables per compile), not
//     built-ins of package variables: what "now" and the team's zone mean belongs here.
//   - A trigger's text and link are package template bindings, not request templates: they
//     read the response (not the contact's variables), are formatted and cleaned as on the
//     card, and have the template package's formatting filters ({{ total | currency:"USD" }}),
//     whose date filter takes no layout (unlike the request filter of the same name). They
//     compile into a two-section display template (a key-value item and a link), so the
//     activity line gets exactly the card's cleaning, limits and URL checks.
//   - An activity is one line: line breaks and runs of white space in the data become one
//     space, control and bidi characters are removed, and the line is cut at
//     MaxActivityRunes with "…". Missing values render empty (add | default:"..."); a line
//     that renders empty is not applicable ([ReasonEmptyText]) rather than posted blank.
//   - A link is left out, not the activity, when it is unsafe, not http(s) (an activity link
//     cannot be mailto: or tel:), or misses a value ("https://shop.example.com/o/" would
//     link the wrong page). Its literal text must start with http:// or https://, unless it
//     is one binding, whose whole value is checked when rendered.
//   - A trigger never uses a stale cached response: an event is about now, and a response
//     kept past its cache duration may predate it. The upstream's error is the activity's
//     (temporary for 5xx, timeouts and network errors), so the host reports the event again.
//     A fresh cached response is used, as for a card.
//   - An integration with several matching triggers runs once per event; an event type
//     outside [EventTypes] runs nothing and is not an error, so a host may report all its
//     events. A label matches case-insensitively (helpdesks treat "VIP" and "vip" as one
//     tag). Any member of the inbox's team may report an event: the host reports them on
//     its own behalf.
//   - The activity key leaves out the integration's version and names the trigger by its
//     required Name, not its position: an edit between two reports of an event (a trigger
//     inserted, removed, reordered or reworded) posts no activity twice and loses none. A
//     renamed trigger is a new one, whose activities post again; the editor so shows the name
//     as the trigger's identity. The name has the rules of step and action names (1 to 32 of
//     [a-z0-9_], starting with a letter), so a key needs no escaping for it.
package integration
