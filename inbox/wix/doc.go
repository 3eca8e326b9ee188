// Package wix brings webhook events into Wix Inbox: it implements the host
// interfaces of package inbox ([inbox.Contacts], [inbox.PhoneContacts],
// [inbox.ContactCreator], [inbox.Conversations], [inbox.Messages]) on Wix's
// REST API, and verifies Wix's own JWT webhooks ([Webhooks]).
//
// A Wix app syncing an external chat tool into a site's inbox:
//
//	c, err := wix.New(wix.Options{Auth: wix.Auth{AppID: appID, AppSecret: secret, InstanceID: instanceID}})
//	s, err := inbox.New(inbox.Options{Contacts: c, Conversations: c, Messages: c, Ledger: ledger})
//	h, err := s.Handler(chatSource, nil) // see package inbox
//	mux.Handle("POST /hooks/chat", h)
//
// Each delivery then follows Wix's own guide: Query Contacts by email
// (info.emails.email, or info.phones.e164Phone for phone sources) with
// the fields ["id"] projection, every page; Get or Create Conversation
// with participantId.contactId; Send Message with BASIC content (text,
// image and file items) for messages or MINIMAL content (text, icon URL,
// link) for activities. With the inbox.NoMatchCreate policy, Create Contact
// makes a contact from the event's email, phone and name.
//
// # Authentication
//
// [Auth] takes either a Wix app's id, secret and instance id, exchanged
// for OAuth client-credentials access tokens at POST /oauth2/token (cached
// until five minutes before expiry, one request however many goroutines
// need a new token, refreshed once when Wix answers 401), or an API key and
// its site id for a site's own scripts. Secrets never appear in errors or
// logs, and Auth formats itself redacted.
//
// # Errors
//
// Wix's answers become [*Error] values naming the operation, the status,
// Wix's error code and the request field a validation error names, never
// request values. 429 and 5xx wrap [inbox.ErrTemporary], so the inbox
// Syncer leaves the delivery retryable; a Retry-After up to
// Options.MaxRetryWait is waited out and the call retried once (a 5xx only
// for the idempotent calls: lookups and get-or-create; Send Message has no
// idempotency key). 400, 403 and 404 are permanent; a 404 from Get or
// Create Conversation, which means the contact was merged into another
// since the lookup, looks the contact up again once by the same email or
// phone. Transport failures are temporary.
//
// # Wix webhooks
//
// [Webhooks] verifies Wix's RS256-signed JWT webhooks with the app's public
// key and, as an [inbox.Opener], hands the inbox Handler the event with its
// nested stringified JSON decoded, so a [inbox.Source] maps Wix events
// ("message sent to participant", ...) like any other webhook.
//
// # Decisions
//
//   - Request and response shapes follow the type declarations of the
//     official SDK packages @wix/auto_sdk_crm_contacts 1.0.1375 (of @wix/crm
//     1.0.1643), @wix/auto_sdk_inbox_conversations 1.0.33 and
//     @wix/auto_sdk_inbox_messages 1.0.41 (of @wix/inbox 1.0.103), and
//     @wix/sdk 1.21.16 for the token request, the raw token as the
//     Authorization value and the webhook envelope; direction, visibility
//     and silent go inside message, as the schema says (the REST guide's
//     example puts them beside it). TestSDKRequests compares every request
//     body with the one the SDK itself sends for the same call (captured in
//     testdata/sdk); they differ only in the query spelling ({"$eq": v} and
//     the fields ["id"] projection of Wix's guide, where the SDK's builder
//     writes the shorthand value).
//   - The client does not go through package httpexec's SSRF-guarded
//     transport: it calls one fixed, trusted host (Options.BaseURL, set by
//     the host's code, never by admins or payloads), and redirects are not
//     followed, so the Authorization header cannot travel elsewhere.
//   - Conversation ids are never cached (Wix merges conversations); the
//     contact ids of recent lookups are remembered (1024, LRU) only to
//     re-resolve a merged contact.
//   - Wix requires a direction on every message; an activity, which has
//     none, is sent as PARTICIPANT_TO_BUSINESS. An activity icon that is
//     not an http(s) URL (an icon name) is not sent. Text longer than Wix's
//     16,384-character limit is split over several items; an activity that
//     long is refused (recorded by the inbox ledger for replay) rather than
//     cut.
//   - CreateContact puts the whole display name in info.name.first rather
//     than guess where a name splits, and returns the existing contact when
//     Wix refuses a duplicate (Options.AllowDuplicates is off by default).
//   - JWT verification is strict: RS256 only, exp required, nbf and iat
//     checked, 2048-bit keys at least; several keys for rotation. It is
//     tested against a token signed by jose (the library @wix/sdk verifies
//     with) and the event @wix/sdk's own parseJWT decodes from it.
//
// A [Client] and a [Webhooks] are safe for concurrent use; neither starts a
// goroutine. Package wixtest is an in-process stand-in for the API, for the
// host's tests.
package wix
