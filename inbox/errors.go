package inbox

import (
	"errors"
	"strconv"
	"strings"

	"github.com/inboxkit/inboxkit/variables"
)

// ErrTemporary marks an error that is worth retrying later. Host
// implementations wrap it (fmt.Errorf("db busy: %w", inbox.ErrTemporary))
// to ask the [Syncer] to leave the delivery retryable; any other host
// error from Contacts, Conversations or Messages is permanent and recorded.
// Errors returned by [Syncer.Sync] that wrap ErrTemporary mean "retry this
// delivery later"; the [Handler] answers them with 503.
var ErrTemporary = errors.New("inbox: temporary failure")

// ErrInProgress reports that another worker holds the claim on the same
// delivery. Sync returns it wrapped together with [ErrTemporary]: the sender
// should retry later, when the other attempt has finished or its lease has
// expired.
var ErrInProgress = errors.New("inbox: delivery in progress elsewhere")

// ErrLeaseLost is wrapped by the error of [Ledger.Complete] and
// [Ledger.Release] when the token passed is not the key's current claim:
// the claim's lease expired and another worker claimed the key, or the
// claim was already completed or released. The ledger changed nothing.
// A refused Complete does not fail the delivery: the messages of that
// attempt were already sent, and the worker that now holds the key records
// its own result (see [Syncer.Sync]).
var ErrLeaseLost = errors.New("inbox: ledger claim lost to another worker")

// ErrInvalidSignature is wrapped by every verification failure of a
// [Verifier]. The [Handler] answers it with 401.
var ErrInvalidSignature = errors.New("inbox: invalid signature")

// ErrMalformed is wrapped by every error that rejects a webhook payload or an
// [Event]: invalid JSON, nesting too deep, a missing or mistyped field. The
// [Handler] answers it with 400. The error names the field, never its value.
var ErrMalformed = errors.New("inbox: malformed payload")

// ErrTooLarge reports a webhook body above the source's cap. The [Handler]
// answers it with 413.
var ErrTooLarge = errors.New("inbox: payload too large")

// A Problem is one thing wrong with a [Source] definition, a webhook
// payload or an [Event]: the module's one shape of an input problem (an
// alias of variables.Problem), so a host shows inbox problems beside
// template and integration problems in one admin screen.
//
// Path is an RFC 6901 JSON pointer: into the Source's JSON encoding for a
// [SourceError] ("/mapping/email", "/events/order.placed/text"; a "/" in
// an event type is escaped as "~1"), into the webhook body for a
// [PayloadError] from [Decoder.Decode] ("/data/customer/email", the field
// the mapping's gjson path reads; "" when the path is not a plain field
// path, such as one with a query or wildcard), or into the Event's JSON
// encoding for a PayloadError from [Syncer.Sync] ("/email"). Message never
// contains payload values or secrets. Code is one of the Code constants.
type Problem = variables.Problem

// Problem codes of a [SourceError]. Activity templates add the codes of
// package variables (variables.CodeSyntax, variables.CodeUnknownVariable,
// variables.CodePlacement, ...).
const (
	CodeRequired           = "required"             // a required field is empty
	CodeInvalidName        = "invalid_name"         // not letters, digits, '-', '_' and '.'
	CodeTooLong            = "too_long"             // a name, path, id or value above its limit
	CodeModifier           = "modifier"             // a gjson path uses a modifier ('@')
	CodeUnknownValue       = "unknown_value"        // an unknown kind, direction or visibility
	CodeOutOfRange         = "out_of_range"         // a number outside its range
	CodeVerifierRequired   = "verifier_required"    // [Syncer.Handler] needs Source.Verifier
	CodeInvalidCallingCode = "invalid_calling_code" // Source.DefaultCallingCode is not 1 to 3 digits without a leading zero
	CodeNoDirection        = "no_direction"         // a direction on a MINIMAL event type: an activity has none
)

// Problem codes of a [PayloadError]. CodeTooLong and CodeUnknownValue (a
// direction or visibility the mapping does not list) apply too.
const (
	CodeTooLarge     = "too_large"     // the body is above the source's cap ([ErrTooLarge])
	CodeTooDeep      = "too_deep"      // JSON nested deeper than the source's cap
	CodeInvalidJSON  = "invalid_json"  // not valid JSON
	CodeNotObject    = "not_object"    // the body is not a JSON object
	CodeMissing      = "missing"       // a required value is absent or null
	CodeWrongType    = "wrong_type"    // a value of the wrong JSON type
	CodeInvalidChars = "invalid_chars" // control characters or invalid UTF-8 in an id, type, email or name
	CodeInvalidEmail = "invalid_email" // not a plausible email address
	CodeInvalidURL   = "invalid_url"   // not an absolute http or https URL
	CodeInvalidTime  = "invalid_time"  // not an RFC 3339 time or Unix seconds in range
	CodeTooMany      = "too_many"      // more attachments or form fields than the library accepts
	CodeInvalidForm  = "invalid_form"  // a form-encoded body that does not parse
	CodeInvalidPhone = "invalid_phone" // not a phone number [NormalizePhone] accepts
)

// A PayloadError rejects one webhook payload or one [Event] passed to
// [Syncer.Sync]. It wraps [ErrMalformed], or [ErrTooLarge] for an
// oversized body, for errors.Is. It holds one problem: decoding stops at
// the first, since a payload is the sender's, not an admin's to fix field
// by field.
type PayloadError struct {
	// Problem names the offending field (see [Problem] for its Path).
	Problem Problem
	// Err is ErrMalformed or ErrTooLarge.
	Err error
}

// Error returns "inbox: malformed payload: path: message".
func (e *PayloadError) Error() string {
	what := "malformed payload"
	if e.Err == ErrTooLarge {
		what = "payload too large"
	}
	return "inbox: " + what + ": " + e.Problem.String()
}

// Unwrap returns ErrMalformed or ErrTooLarge.
func (e *PayloadError) Unwrap() error { return e.Err }

// SourceError lists every problem found in a [Source] definition at once,
// in a stable order (map entries such as event types sorted by key).
type SourceError struct {
	// Source is the source's name, possibly empty or invalid.
	Source   string
	Problems []Problem
}

// Error lists every problem on one line.
func (e *SourceError) Error() string {
	var b strings.Builder
	b.WriteString("inbox: source ")
	b.WriteString(strconv.Quote(e.Source))
	b.WriteString(": ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}
