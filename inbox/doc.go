// Package inbox brings messages and activities from external services
// (chat tools, SMS gateways, phone systems, shops) into a helpdesk inbox,
// exactly once.
//
// One webhook delivery flows through:
//
//	Handler (body capped) -> Verifier (signature, timestamp window, rotated secrets)
//	  -> Decoder (gjson paths: type, ids, email, text, direction, visibility, ...)
//	  -> Ledger.Claim(source + external id)  done -> 2xx duplicate, busy -> 503
//	  -> Contacts.FindByEmail (or FindByPhone) 0 / 1 / many -> NoMatch / ManyMatch policy
//	  -> Conversations.GetOrCreate(contact)
//	  -> Messages.Send(conversation, BASIC or MINIMAL message)
//	  -> Ledger.Complete(key, claim token)   temporary failure -> Release, 503; permanent -> recorded, 2xx
//
// The host implements four small interfaces, [Contacts] (optionally
// [PhoneContacts] and [ContactCreator]), [Conversations], [Messages] and
// [Ledger]. Package inboxtest has in-memory implementations and
// conformance suites for them; package inbox/wix implements the first
// three on Wix Inbox's REST API.
//
// # Usage
//
//	sw, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{secret}})
//	s, err := inbox.New(inbox.Options{Contacts: c, Conversations: cv, Messages: m, Ledger: l,
//		ManyMatch: inbox.ManyAll})
//	h, err := s.Handler(inbox.Source{
//		Name:     "chat",
//		Verifier: sw,
//		Mapping:  inbox.Mapping{Type: "type", MessageID: "data.id", Email: "data.email", Text: "data.text"},
//		Events: map[string]inbox.EventType{
//			"message.received": {Kind: inbox.KindBasic},
//			"message.sent":     {Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant},
//			"order.placed":     {Kind: inbox.KindMinimal, Text: "Order #{{ field.order }} placed"},
//		},
//	}, nil)
//	mux.Handle("POST /hooks/chat", h)
//
// Hosts that receive events from a queue or a poller call [NewDecoder] and
// [Syncer.Sync] themselves, or build the [Event] directly; Sync's error
// tells them whether to acknowledge (nil) or redeliver later ([ErrTemporary]).
//
// # Sources
//
// A [Source] is plain data: a name, a [Verifier], a [Mapping] of gjson
// paths and the event types it maps. Event types it does not map are
// acknowledged and ignored. A BASIC event (chat message) takes its text and
// attachments from the body; a MINIMAL event (activity) composes its line
// and optional link from a template in the project's {{ }} syntax (package
// variables) over the names source, type, email, phone, name, text,
// message_id, delivery_id, occurred_at and field.NAME for each
// Mapping.Fields path.
// Text templates are strict: a referenced value missing from the payload
// rejects it (use {{ x | default:"..." }}); links are compiled as URLs, so
// values are escaped and cannot change the link's scheme or host.
// [NewDecoder] reports every problem of a source at once, each naming its
// field ("mapping.email", "events[order.placed].text").
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
// Untrusted bodies are capped (default 1 MiB), checked for nesting depth
// iteratively and validated with gjson.ValidBytes before any path is read.
// Ids, the event type, the email and attachment names with control
// characters or invalid UTF-8 reject the payload (they reach ledger keys and
// host logs); message text is cleaned rather than rejected (see
// [Syncer.Sync]). Errors name fields, never values; HTTP responses never
// echo headers, secrets or body contents.
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
// # Exactly once
//
// The idempotency key is the source name plus the external message id, or
// the delivery id when the source gives no message id ([Event.Key]). A key
// is claimed in the [Ledger] before anything is sent: concurrent duplicates
// find it busy (503, so the sender retries rather than assuming delivery),
// later redeliveries find it done (200 "duplicate", nothing sent). A
// temporary failure releases the key with the progress made so far: with
// the [ManyAll] policy, the contacts already sent to are recorded per
// contact in the released [Record], and the retry sends only to the others.
// A permanent failure is completed as a failed record with its reason and
// the event, which the host may replay after reopening the key; the sender
// gets 200 because retrying would not help.
//
// A claim is a lease. If a worker dies after Send but before its ledger
// write, the key is taken over when the lease expires and the message may
// be sent again; [Message.Key] is stable for a (delivery, contact) pair so a
// host whose Send deduplicates on it closes this window too. The same
// happens when one Sync outlives its lease (a Send slower than the lease):
// a redelivery takes the key over and both may send. Each claim carries a
// token ([Claim.Token]) that Complete and Release must present, so the
// ledger refuses the late worker's writes with [ErrLeaseLost]: it can
// neither overwrite the new owner's record nor release the key to a third
// worker while the new owner is still sending. Sync then leaves the key
// alone, logs a warning naming it, and reports what it sent (200; see
// [Syncer.Sync]). Once the key is
// claimed, Sync therefore bounds its host calls with [Options.Timeout]
// (default [DefaultTimeout]; the claim is held for at most about twice
// that, which must stay below the ledger's lease),
// and no longer stops when its caller's ctx is cancelled: a sender hanging
// up mid-delivery does not leave a half-done Send to be repeated.
//
// # Policies
//
// [Options.NoMatch] decides what happens when no contact has the email
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
// retryable: Sync returns an error wrapping ErrTemporary and the
// [Handler] answers 503 with Retry-After. Any ledger error is treated as
// temporary (nothing is sent without a claim), except [ErrLeaseLost] from
// the final Complete: the messages were sent, the new owner of the key
// records its own result, and the sender gets 200. Other host errors are
// permanent: recorded, 200. A host returning an empty id with a nil error
// is a bug, recorded as a permanent failure naming its type. 401 for
// verification failures, 400 for malformed payloads, 413 for oversized
// bodies, 405 for methods other than POST.
//
// # Concurrency
//
// [Syncer], [Handler], [Decoder] and the verifiers are immutable after
// construction and safe for concurrent use. Host implementations must be
// safe for concurrent use. The package starts no goroutines and keeps no
// global state.
package inbox
