package inbox

import "errors"

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

// A FieldError reports a problem with one field of a [Source] definition or
// of a decoded payload. Field is a path such as "mapping.email" or
// "events[order.placed].text"; Msg never contains payload values or secrets.
type FieldError struct {
	Field string
	Msg   string
	// Err is an optional sentinel ([ErrMalformed]) or wrapped cause.
	Err error
}

// Error returns "inbox: field: msg".
func (e *FieldError) Error() string { return "inbox: " + e.Field + ": " + e.Msg }

// Unwrap returns the wrapped sentinel or cause, if any.
func (e *FieldError) Unwrap() error { return e.Err }

// SourceError lists every problem found in a [Source] definition at once.
type SourceError struct {
	Source   string
	Problems []*FieldError
}

// Error lists every problem on one line.
func (e *SourceError) Error() string {
	s := "inbox: source " + quote(e.Source) + ": "
	for i, p := range e.Problems {
		if i > 0 {
			s += "; "
		}
		s += p.Field + ": " + p.Msg
	}
	return s
}

func quote(s string) string { return `"` + s + `"` }
