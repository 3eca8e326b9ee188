// Package inbox brings messages and activities from external services
// (chat tools, SMS gateways, phone systems, shops) into a helpdesk inbox,
// exactly once.
//
// The task: a service sends webhooks; each verified delivery becomes a
// message in the conversation of the contact with the sender's email (or
// phone number). The shortest code that does it:
//
//	v, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{secret}})
//	s, err := inbox.New(inbox.Options{Contacts: contacts, Conversations: convs, Messages: msgs, Ledger: ledger})
//	h, err := s.Handler(inbox.Source{
//		Name:     "chat",
//		Verifier: v,
//		Mapping:  inbox.Mapping{Type: "type", MessageID: "data.id", Email: "data.email", Text: "data.text"},
//		Events:   map[string]inbox.EventType{"message.received": {Kind: inbox.KindBasic}},
//	}, nil)
//	mux.Handle("POST /hooks/chat", h)
//
// The host implements four small interfaces: [Contacts] (optionally
// [PhoneContacts] and [ContactCreator]), [Conversations], [Messages] and
// [Ledger]. Package inboxtest has in-memory implementations for tests and
// examples, and conformance suites for the host's real ones; package
// inbox/wix implements the first three on Wix Inbox's REST API.
//
// Hosts that receive events from a queue or a poller call [NewDecoder] and
// [Syncer.Sync] themselves, or build the [Event] directly; Sync's error
// tells them whether to acknowledge (nil) or redeliver later
// ([ErrTemporary]).
//
// # One delivery
//
//	Handler (body capped) -> Verifier (signature, timestamp window, rotated secrets)
//	  -> Decoder (gjson paths: type, ids, email, text, direction, visibility, ...)
//	  -> Ledger.Claim(Event.Key)                done -> 200 duplicate, busy -> 503
//	  -> Contacts.FindByEmail (or FindByPhone)  0 / 1 / many -> NoMatch / ManyMatch policy
//	  -> Conversations.GetOrCreate(contact)
//	  -> Messages.Send(conversation, BASIC or MINIMAL message)
//	  -> Ledger.Complete(key, claim token)      temporary failure -> Release, 503; permanent -> recorded, 200
//
// # Posting into a known conversation
//
// [Syncer.Post] brings an event the host itself produced into a
// conversation it already knows, such as the one-line result of an event
// trigger (package integration: "Order #1001 shipped — $42.00" when a
// conversation is resolved). It skips the contact lookup and
// [Conversations.GetOrCreate], so the event needs no email or phone, and
// keeps everything else of Sync: the ledger claim on [Event.Key], the
// fencing token, Options.Timeout on a detached context, [Message.Key] (the
// event's key), release with progress after a temporary failure, the
// failed record for replay, and the Outcome (Rule [RulePost]).
//
//	out, err := syncer.Post(ctx, conversationID, &inbox.Event{
//		Source: "integration", IdempotencyKey: key, Kind: inbox.KindMinimal,
//		Text: "Order #1001 shipped — $42.00", Link: "https://shop.example.com/o/1001"})
//
// # Sources
//
// A [Source] is plain data a host stores and edits as JSON, with snake_case
// keys and a JSON Schema ([SourceSchema]); the source above is
//
//	{"name": "chat",
//	 "mapping": {"type": "type", "message_id": "data.id", "email": "data.email", "text": "data.text"},
//	 "events": {"message.received": {"kind": "BASIC"}}}
//
// The JSON holds no secret: the [Verifier] is set in Go, from secrets the
// host keeps sealed apart. Event types the source does not list are
// acknowledged and ignored. A BASIC event (chat message) takes its text and
// attachments from the body; a MINIMAL event (activity) composes its line
// and optional link from a template in the project's {{ }} syntax (package
// variables) over the names source, type, email, phone, name, text,
// message_id, delivery_id, occurred_at and field.NAME for each
// Mapping.Fields path:
//
//	"order.placed": {"kind": "MINIMAL", "text": "Order #{{ field.order }} placed", "icon": "cart",
//	                 "link": "https://shop.example.com/orders/{{ field.order }}"}
//
// Text templates are strict: a referenced value missing from the payload
// rejects it (use {{ x | default:"..." }}); links are compiled as URLs, so
// values are escaped and cannot change the link's scheme or host.
//
// # Senders: email and phone
//
// A source identifies the sender by email, by phone number, or both
// (Mapping.Email, Mapping.Phone; SMS gateways and phone systems give only a
// number). Phone numbers are normalized to E.164 ([NormalizePhone]) with
// Source.DefaultCallingCode for national numbers; an event with neither is
// malformed, naming the paths it looked at. Sync looks contacts up by email
// first and, when that finds none, by phone through the optional
// [PhoneContacts]. [ContactCreator] receives the whole [Person] (email,
// phone, display name from Mapping.Name).
//
// Bodies sent as application/x-www-form-urlencoded (as Twilio and other SMS
// gateways do) are decoded into a JSON object, each field a string (an
// array of strings when repeated), and mapped like JSON bodies: Mapping
// paths are the field names ("From", "Body", "MessageSid").
//
// # Idempotency keys
//
// Each event is recorded in the [Ledger] under [Event.Key], so that a
// redelivery sends nothing. By default the key is the source name, the
// event type and the external message id (or the delivery id when the
// source gives no message id):
//
//	chat/message.received/m/m-1
//	shop/order.placed/m/o-1001    shop/order.shipped/m/o-1001    (two events of one order)
//
// The type is part of the key because many services put an object's id in
// every event about it. A source whose events are identified by other
// values names them in Mapping.IdempotencyKey, and the key is made of
// those values alone:
//
//	"mapping": {"idempotency_key": ["data.order.id", "data.order.status"], ...}
//	-> shop/k/o-1001/paid
//
// # Problems
//
// Bad input is reported as [Problem] values (the module's one shape of an
// input problem, variables.Problem) with a stable Code and an RFC 6901
// Path. [NewDecoder] lists every problem of a source at once in a
// [SourceError], with paths into the source's JSON ("/mapping/email",
// "/events/order.placed/text"). A rejected payload is a [PayloadError]
// wrapping [ErrMalformed], whose path points at the offending value in the
// body ("/data/customer/email"); the [Handler] answers 400 with it:
//
//	{"error": "malformed payload", "problems": [{"path": "/data/customer/email",
//	  "code": "invalid_email", "message": "email: not an email address"}]}
//
// Messages name fields, never values: ids, emails, phone numbers and texts
// reach neither errors nor logs, and HTTP responses never echo headers,
// secrets or body contents.
//
// # Verification
//
// [StandardWebhooks] (webhook-id, webhook-timestamp, webhook-signature with
// "v1,<base64>" entries, "whsec_" secrets), [HMAC] (a hex HMAC-SHA256 of the
// body in one header, GitHub's X-Hub-Signature-256 by default), [Stripe]
// ("t=...,v1=...") and [Twilio] (X-Twilio-Signature: a base64 HMAC-SHA1
// over the configured webhook URL and the sorted form parameters). Each
// accepts several secrets, so a secret can be rotated without dropping
// deliveries; StandardWebhooks and Stripe reject
// timestamps outside a tolerance in both directions (default 5 minutes) and
// take an injectable clock. MACs are compared with hmac.Equal on the raw
// body, before parsing. Verification allocates nothing in the steady state
// (Twilio's, which must parse the form to sign it, excepted). A verifier
// whose deliveries are signed envelopes (Wix's JWT webhooks, in package
// inbox/wix) implements [Opener]: the Handler decodes the document it
// opens instead of the raw body.
//
// # Policies
//
// [Options.NoMatch] decides what happens when no contact has the email or phone
// (skip, create through [ContactCreator], or hand to a host hook that keeps
// it); [Options.ManyMatch] when several do (first, all, or a host chooser).
// The rule applied, the matched contacts and the conversations and
// messages produced are reported on the [Outcome] and recorded in the
// ledger. A skipped or held delivery is completed: a redelivery is a
// duplicate.
//
// # Errors and HTTP statuses
//
// Host errors wrapping [ErrTemporary] (and context cancellation before the
// claim, or any error once Options.Timeout has run out) leave the delivery
// retryable: Sync returns an error wrapping ErrTemporary and the [Handler]
// answers 503 with Retry-After. Any ledger error is treated as temporary
// (nothing is sent without a claim), except [ErrLeaseLost] from the final
// Complete: the messages were sent, the new owner of the key records its
// own result, and the sender gets 200. Other host errors are permanent:
// recorded, 200. A host returning an empty id with a nil error is a bug,
// recorded as a permanent failure naming its type. 401 for verification
// failures, 400 for malformed payloads, 413 for oversized bodies, 405 for
// methods other than POST.
//
// # Concurrency
//
// [Syncer], [Handler], [Decoder] and the verifiers are immutable after
// construction and safe for concurrent use. Host implementations must be
// safe for concurrent use. The package starts no goroutines and keeps no
// global state.
//
// # Decisions
//
// Exactly once. A key is claimed in the ledger before anything is sent:
// concurrent duplicates find it busy (503, so the sender retries rather than
// assuming delivery), later redeliveries find it done (200 "duplicate").
// A temporary failure releases the key with the progress made so far: with
// [ManyAll], the contacts already sent to are recorded per contact in the
// released [Record], and the retry sends only to the others. A permanent
// failure is completed as a failed record with its reason and the event,
// which the host may replay after reopening the key; the sender gets 200
// because retrying would not help.
//
// Leases and fencing. A claim is a lease. If a worker dies after Send but
// before its ledger write, the key is taken over when the lease expires and
// the message may be sent again; [Message.Key] is stable for a (delivery,
// contact) pair, so a host whose Send deduplicates on it closes this
// window. The same happens when one Sync outlives its lease: each claim
// carries a token ([Claim.Token]) that Complete and Release must present,
// so the ledger refuses the late worker's writes with [ErrLeaseLost]; Sync
// then leaves the key alone, logs a warning naming it, and reports what it
// sent (200). Once the key is claimed, Sync bounds its host calls with
// [Options.Timeout] (default [DefaultTimeout]; the claim is held for at most
// about twice that, which must stay below the ledger's lease) and no longer
// stops when its caller's ctx is cancelled: a sender hanging up
// mid-delivery does not leave a half-done Send to be repeated.
//
// Keys. The default key includes the event type (an object id alone lost
// an order's "shipped" after its "placed"); '/' and '%' in the type are
// percent-escaped so that no two (type, id) pairs share a key. Keys are at
// most [MaxKeyBytes], so that a SQL ledger can index them. Changing a
// source's name or key paths changes its keys: redeliveries of events
// recorded before the change are not recognised as duplicates.
//
// Hostile bodies. Bodies are capped (default 1 MiB), checked for nesting
// depth iteratively and validated with gjson.ValidBytes before any path is
// read. Ids, the event type, the email and attachment names with control
// characters or invalid UTF-8 reject the payload (they reach ledger keys
// and host logs); message text is cleaned rather than rejected (see
// [Syncer.Sync]).
//
// Problem paths in payloads. A payload problem points into the body the
// sender posted, because that is what an admin compares with the sender's
// documentation; its message names the [Event] field the value was for. A
// mapping path with wildcards, queries or pipes names no single field:
// such a problem has the empty path and its message quotes the gjson path.
//
// Posts name their conversation as an argument. [Syncer.Post] takes the
// conversation ID from the caller rather than from an [Event] field: a
// [Decoder] fills events from a sender's body, and a field it could fill
// would let a sender choose any conversation of the host.
//
// Activities have no direction. A MINIMAL message is an activity line,
// not something said by either side: an event type of kind MINIMAL with a
// direction is a source problem (CodeNoDirection), Mapping.Direction is
// not read for it, and Sync sends it with the zero Direction.
//
// Phone numbers. [NormalizePhone] checks the shape of a number (E.164, or
// national completed with Source.DefaultCallingCode), not a numbering
// plan: the library takes no libphonenumber dependency, and hosts store
// numbers in E.164 to find them. Email is looked up first because it is
// the stronger identifier; the phone is tried only when email finds no one.
//
// Secrets. A Source's JSON encoding leaves out the Verifier, so storing,
// logging or serving a source never exposes a signing secret.
//
// Pooled HMAC state. The verifiers keep their HMAC state in a sync.Pool
// per secret, so that verification allocates nothing; BenchmarkMACState
// shows the alternative (hmac.New per delivery) at 5 allocations, above
// the project's target of 2, and TestVerifyAllocs pins the 0.
package inbox
