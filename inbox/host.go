package inbox

import (
	"context"
	"strconv"
)

// Contacts finds the host's contacts by email address.
// Implementations must be safe for concurrent use by multiple goroutines.
type Contacts interface {
	// FindByEmail returns the ids of every contact with this email address,
	// in the host's order of preference (the "first" policy takes the first
	// one). The library has already trimmed and lower-cased email; the host
	// matches it against its stored addresses regardless of case (and
	// applies any further normalization it uses), and exactly otherwise:
	// never as a prefix or a pattern. No match is (nil, nil),
	// not an error. A returned id must not be empty. An error wrapping
	// [ErrTemporary] leaves the delivery retryable; any other error is
	// recorded as a permanent failure. FindByEmail must not modify anything.
	FindByEmail(ctx context.Context, email string) ([]string, error)
}

// ContactCreator is an optional interface of [Contacts], discovered by type
// assertion, that the [NoMatchCreate] policy needs.
type ContactCreator interface {
	// CreateContact creates a contact for p, what the event knows about the
	// sender (a normalized email, an E.164 phone number, or both, and a
	// display name if the source gave one), and returns its id. It is
	// called at most once per delivery attempt and should be idempotent
	// per email or phone (return the existing contact when a concurrent
	// attempt created it). Errors follow the same rule as FindByEmail.
	CreateContact(ctx context.Context, p Person) (string, error)
}

// Conversations gets the conversation of a contact.
// Implementations must be safe for concurrent use by multiple goroutines.
type Conversations interface {
	// GetOrCreate returns the id of the contact's conversation, creating it
	// if it does not exist; created reports whether this call created it.
	// It must be idempotent: concurrent calls for one contact return the
	// same id and at most one reports created. The id must not be empty.
	// An error wrapping [ErrTemporary] leaves the delivery retryable; any
	// other error is recorded as a permanent failure.
	GetOrCreate(ctx context.Context, contactID string) (conversationID string, created bool, err error)
}

// Messages adds messages to conversations in the host's inbox.
// Implementations must be safe for concurrent use by multiple goroutines.
type Messages interface {
	// Send appends m to the conversation and returns the host's message ID,
	// which must not be empty. An error wrapping ErrTemporary asks the
	// caller to retry later; any other error is permanent. Send must not
	// retain m after it returns. Send may deduplicate on m.Key.
	Send(ctx context.Context, conversationID string, m *Message) (string, error)
}

// ContactsFunc adapts a function to [Contacts].
type ContactsFunc func(ctx context.Context, email string) ([]string, error)

// FindByEmail calls f(ctx, email).
func (f ContactsFunc) FindByEmail(ctx context.Context, email string) ([]string, error) {
	return f(ctx, email)
}

// ConversationsFunc adapts a function to [Conversations].
type ConversationsFunc func(ctx context.Context, contactID string) (string, bool, error)

// GetOrCreate calls f(ctx, contactID).
func (f ConversationsFunc) GetOrCreate(ctx context.Context, contactID string) (string, bool, error) {
	return f(ctx, contactID)
}

// MessagesFunc adapts a function to [Messages].
type MessagesFunc func(ctx context.Context, conversationID string, m *Message) (string, error)

// Send calls f(ctx, conversationID, m).
func (f MessagesFunc) Send(ctx context.Context, conversationID string, m *Message) (string, error) {
	return f(ctx, conversationID, m)
}

// ClaimState is the state of a delivery key in the [Ledger].
type ClaimState uint8

const (
	// ClaimNew means the caller now holds the claim and must Complete or
	// Release it. Claim.Record may carry the progress of an earlier,
	// released attempt.
	ClaimNew ClaimState = iota + 1
	// ClaimBusy means another worker holds an unexpired claim on the key.
	ClaimBusy
	// ClaimDone means the key was completed; Claim.Record is what was
	// recorded.
	ClaimDone
)

// String returns "new", "busy" or "done".
func (s ClaimState) String() string {
	switch s {
	case ClaimNew:
		return "new"
	case ClaimBusy:
		return "busy"
	case ClaimDone:
		return "done"
	}
	return "ClaimState(" + strconv.Itoa(int(s)) + ")"
}

// A Claim is the answer of [Ledger.Claim].
type Claim struct {
	State ClaimState
	// Token identifies this claim when State is ClaimNew, and is empty
	// otherwise. It is opaque to the caller, who passes it back to
	// [Ledger.Complete] or [Ledger.Release]. Every ClaimNew of a key
	// returns a token that differs from all earlier tokens of that key,
	// so that a worker whose claim was taken over cannot write with its
	// old one (a fencing token).
	Token string
	// Record is the completed record when State is ClaimDone, and the
	// progress saved by Release (or nil) when State is ClaimNew.
	Record *Record
}

// Ledger is the idempotency record of deliveries: a key is claimed before
// anything is sent, completed with what was sent, and released when a
// temporary failure leaves it to a retry.
//
// Keys are [Event.Key] values: valid UTF-8 without control characters, at
// most [MaxKeyBytes] long, and distinct keys must stay distinct (a store
// that truncates them merges deliveries).
//
// Implementations must be safe for concurrent use by multiple goroutines
// and by several processes sharing the ledger: of any number of concurrent
// Claim calls for one key, at most one returns ClaimNew. A claim is a
// lease: when it is neither completed nor released within the
// implementation's lease duration (the worker crashed), the next Claim
// returns ClaimNew again, with a new token and the progress last saved by
// Release. The ledger owns the records it is given and may serialize them
// (Record is JSON-encodable); the caller does not modify a Record after
// passing it. Any error from the ledger leaves the delivery retryable (the
// Handler answers 503): nothing is sent without a claim. The one exception
// is ErrLeaseLost from Complete, after the messages were sent (see
// [Syncer.Sync]).
//
// Complete and Release are fenced by the claim's token. The token of a
// ClaimNew is the key's current claim until that claim is
// completed, released, or replaced by a later ClaimNew (a takeover after
// its lease expired). Complete and Release must write only while token is
// the current claim of key, and check and write in one atomic step; in
// every other case (a stale token after a takeover, a token already
// completed or released, a key that is done, unclaimed or unknown) they
// must change nothing and return an error wrapping [ErrLeaseLost]. An
// expired lease that nobody has taken over is still the current claim: its
// holder may complete or release it. In SQL this is one conditional
// statement whose affected-row count decides:
//
//	UPDATE ledger SET state = 'done', record = $3, token = NULL
//	 WHERE key = $1 AND state = 'claimed' AND token = $2
//	-- 0 rows: return ErrLeaseLost
//
// while Claim sets a fresh token (a random or sequence value) whenever it
// inserts the key or takes over an expired claim. In Redis, a Lua script
// compares the stored token with ARGV and writes only when they are
// equal (compare-and-set); a plain GET then SET races. The lease must still
// stay above twice the Syncer's Options.Timeout, which bounds how long a
// worker holds a claim: fencing stops a stale worker's ledger writes, not
// its messages, which it may have sent before it learns that its claim was
// taken over.
type Ledger interface {
	// Claim claims key, or reports that it is busy or done. A ClaimNew
	// carries a non-empty Token.
	Claim(ctx context.Context, key string) (Claim, error)
	// Complete marks key done with its final record, if token is the
	// current claim of key; otherwise it returns an error wrapping
	// ErrLeaseLost and changes nothing. A record with Status StatusFailed
	// is a permanent failure the host may replay by reopening the key
	// (see inboxtest.Ledger.Reopen).
	Complete(ctx context.Context, key, token string, r *Record) error
	// Release gives up the claim after a temporary failure, saving progress
	// (which may be nil) for the next ClaimNew of key, if token is the
	// current claim of key; otherwise it returns an error wrapping
	// ErrLeaseLost and changes nothing.
	Release(ctx context.Context, key, token string, progress *Record) error
}

// Status is the result of one delivery.
type Status string

const (
	// StatusSent: the message was sent to every chosen contact.
	StatusSent Status = "sent"
	// StatusDuplicate: the key was already done; nothing was sent again.
	StatusDuplicate Status = "duplicate"
	// StatusBusy: another worker is processing the key; retry later.
	StatusBusy Status = "busy"
	// StatusIgnored: the source does not map the event type.
	StatusIgnored Status = "ignored"
	// StatusSkipped: no contact was chosen (no match with the skip policy,
	// or the chooser chose none). Recorded; nothing was sent.
	StatusSkipped Status = "skipped"
	// StatusHeld: no contact matched and the host's hold hook kept the
	// event for later.
	StatusHeld Status = "held"
	// StatusRetry: a temporary failure; the key was released for a retry.
	StatusRetry Status = "retry"
	// StatusFailed: a permanent failure, recorded with its reason.
	StatusFailed Status = "failed"
)

// A Record is what the [Ledger] stores for a key: the final result of a
// completed key, or the progress of a released one.
type Record struct {
	Status Status `json:"status"`
	// Reason explains a skipped, held or failed status.
	Reason string `json:"reason,omitempty"`
	// Deliveries lists each chosen contact and what happened to it. On a
	// retry, a contact that already has a MessageID or a permanent Error is
	// not sent to again.
	Deliveries []Delivery `json:"deliveries,omitempty"`
	// Event is kept on failed records so that the host can replay them.
	Event *Event `json:"event,omitempty"`
}

// A Delivery is the result of sending one event to one contact.
type Delivery struct {
	ContactID string `json:"contact_id"`
	// CreatedContact reports that the NoMatchCreate policy created it.
	CreatedContact  bool   `json:"created_contact,omitempty"`
	ConversationID  string `json:"conversation_id,omitempty"`
	NewConversation bool   `json:"new_conversation,omitempty"`
	MessageID       string `json:"message_id,omitempty"`
	// Error is the reason of a permanent failure for this contact.
	Error string `json:"error,omitempty"`
}

func (d *Delivery) settled() bool { return d.MessageID != "" || d.Error != "" }
