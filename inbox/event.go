package inbox

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of message an event becomes in the host's inbox.
type Kind uint8

const (
	// KindNone marks an event whose type the source does not map. Sync
	// acknowledges such an event and ignores it.
	KindNone Kind = iota
	// KindBasic is a full chat message: text, images, files.
	KindBasic
	// KindMinimal is a one-line activity with an optional icon and link.
	KindMinimal
)

// String returns "NONE", "BASIC" or "MINIMAL".
func (k Kind) String() string {
	switch k {
	case KindBasic:
		return "BASIC"
	case KindMinimal:
		return "MINIMAL"
	case KindNone:
		return "NONE"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Direction says who wrote a message. The zero value is
// [ParticipantToBusiness].
type Direction uint8

const (
	// ParticipantToBusiness is a message from the contact (the customer).
	ParticipantToBusiness Direction = iota
	// BusinessToParticipant is a message the business sent from the
	// external tool.
	BusinessToParticipant
)

// String returns "PARTICIPANT_TO_BUSINESS" or "BUSINESS_TO_PARTICIPANT".
func (d Direction) String() string {
	switch d {
	case ParticipantToBusiness:
		return "PARTICIPANT_TO_BUSINESS"
	case BusinessToParticipant:
		return "BUSINESS_TO_PARTICIPANT"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

// Visibility says who may see a message. The zero value is
// [BusinessAndParticipant].
type Visibility uint8

const (
	// BusinessAndParticipant messages are visible to both sides.
	BusinessAndParticipant Visibility = iota
	// BusinessOnly messages are internal to the business.
	BusinessOnly
)

// String returns "BUSINESS_AND_PARTICIPANT" or "BUSINESS".
func (v Visibility) String() string {
	switch v {
	case BusinessAndParticipant:
		return "BUSINESS_AND_PARTICIPANT"
	case BusinessOnly:
		return "BUSINESS"
	}
	return "Visibility(" + strconv.Itoa(int(v)) + ")"
}

// An Attachment is a file or image of a BASIC message, referenced by URL.
type Attachment struct {
	URL         string `json:"url"`
	Name        string `json:"name,omitempty"`
	ContentType string `json:"content_type,omitempty"`
}

// An Event is one normalized delivery from an external service, as a
// [Decoder] produces it from a webhook body or a host builds it from a queue
// or a poller. The zero value is an ignored event.
type Event struct {
	// Source is the name of the source; it scopes the idempotency key.
	Source string `json:"source"`
	// Type is the source's event type, such as "message.received".
	Type string `json:"type,omitempty"`
	// DeliveryID identifies the delivery; retries of one delivery share it.
	DeliveryID string `json:"delivery_id,omitempty"`
	// MessageID is the external service's id of the message or activity.
	// When set it, not DeliveryID, forms the idempotency key with Type.
	MessageID string `json:"message_id,omitempty"`
	// IdempotencyKey, when set, identifies the event within its source
	// instead of Type and the ids (see [Event.Key]). A [Decoder] sets it
	// from the values at Mapping.IdempotencyKey.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Email is the participant's email address as the source gave it.
	Email string `json:"email"`
	// Phone is the participant's phone number in E.164 form ("+" and 8 to
	// 15 digits; see [NormalizePhone]). An event needs Email or Phone:
	// contacts are looked up by email first, then by phone through
	// [PhoneContacts].
	Phone string `json:"phone,omitempty"`
	// Name is the participant's display name, if the source gives one; it
	// is passed to [ContactCreator] and never used for lookup.
	Name string `json:"name,omitempty"`
	// Kind is the message type; KindNone means "ignore this event".
	Kind Kind `json:"kind"`
	// Direction applies to BASIC messages only: an activity (MINIMAL) has
	// none; Sync sends it with the zero value and the JSON encoding of a
	// non-BASIC event omits it. Visibility applies to both kinds.
	Direction  Direction  `json:"direction"`
	Visibility Visibility `json:"visibility"`
	// Text is the message text, or the activity line of a MINIMAL message.
	// Sync cleans it before sending (see [Syncer.Sync]).
	Text string `json:"text,omitempty"`
	// Icon and Link decorate a MINIMAL message; both may be empty.
	Icon string `json:"icon,omitempty"`
	Link string `json:"link,omitempty"`
	// OccurredAt is when the event happened at the source; zero if unknown.
	OccurredAt time.Time `json:"occurred_at,omitzero"`
	// Attachments are the files and images of a BASIC message.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// MarshalJSON encodes e with its json tags, leaving out the direction of an
// event that is not BASIC: an activity has none.
func (e Event) MarshalJSON() ([]byte, error) {
	type event Event // without this method
	v := struct {
		event
		Direction *Direction `json:"direction,omitempty"`
	}{event: event(e)}
	if e.Kind == KindBasic {
		v.Direction = &e.Direction
	}
	return json.Marshal(v)
}

// Key returns the idempotency key of the event, under which the [Ledger]
// records it:
//
//	source/k/IdempotencyKey        when IdempotencyKey is set
//	source/type/m/MessageID        otherwise, when MessageID is set
//	source/type/d/DeliveryID       otherwise
//
// The event type is part of the default key because sources reuse an
// object's id across its events: "order.placed" and then "order.shipped"
// for order o-1 are two events, while a redelivery of either is a
// duplicate. A '/' or '%' in the type is percent-escaped, so that
// different (type, id) pairs never share a key. Key returns "" when the
// event has neither an idempotency key nor an id. A key is valid UTF-8
// without control characters; Sync rejects keys above [MaxKeyBytes].
func (e *Event) Key() string {
	switch {
	case e.IdempotencyKey != "":
		return e.Source + "/k/" + e.IdempotencyKey
	case e.MessageID != "":
		return e.Source + "/" + keyPart(e.Type) + "/m/" + e.MessageID
	case e.DeliveryID != "":
		return e.Source + "/" + keyPart(e.Type) + "/d/" + e.DeliveryID
	}
	return ""
}

// MaxKeyBytes bounds the length of the idempotency keys that reach a
// [Ledger]: [Syncer.Sync] rejects an event whose [Event.Key] is longer, so a
// ledger may index keys of up to this many bytes.
const MaxKeyBytes = 1024

// keyPart escapes '%' and '/' in one component of a key.
func keyPart(s string) string {
	if !strings.ContainsAny(s, "%/") {
		return s
	}
	return strings.NewReplacer("%", "%25", "/", "%2F").Replace(s)
}

// NormalizeEmail trims white space and lower-cases an address, as the
// library does before asking [Contacts.FindByEmail].
func NormalizeEmail(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// A Message is what the library asks the host to add to a conversation.
type Message struct {
	Kind Kind
	// Direction is meaningful for BASIC messages only; it is zero for
	// MINIMAL ones (a connector whose API requires a direction on every
	// message chooses one and documents it).
	Direction  Direction
	Visibility Visibility
	Text       string
	// Icon and Link are set for MINIMAL messages only.
	Icon string
	Link string
	// Attachments are set for BASIC messages only.
	Attachments []Attachment
	OccurredAt  time.Time
	// Source and ExternalID say where the message came from.
	Source     string
	ExternalID string
	// Key is stable across retries of the same delivery to the same
	// contact (the event key plus the contact id). A host whose Send can
	// deduplicate on it closes the last window for a double message: a
	// worker that crashes after Send and before its ledger write.
	Key string
}

// MarshalText encodes k as its String form ("BASIC", "MINIMAL", "NONE").
func (k Kind) MarshalText() ([]byte, error) {
	if k > KindMinimal {
		return nil, errors.New("inbox: unknown kind " + strconv.Itoa(int(k)))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes "BASIC", "MINIMAL" or "NONE" (case-insensitive).
func (k *Kind) UnmarshalText(b []byte) error {
	for _, c := range []Kind{KindNone, KindBasic, KindMinimal} {
		if strings.EqualFold(string(b), c.String()) {
			*k = c
			return nil
		}
	}
	return errors.New("inbox: unknown kind")
}

// MarshalText encodes d as its String form.
func (d Direction) MarshalText() ([]byte, error) {
	if d > BusinessToParticipant {
		return nil, errors.New("inbox: unknown direction " + strconv.Itoa(int(d)))
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes "PARTICIPANT_TO_BUSINESS" or
// "BUSINESS_TO_PARTICIPANT" (case-insensitive).
func (d *Direction) UnmarshalText(b []byte) error {
	for _, c := range []Direction{ParticipantToBusiness, BusinessToParticipant} {
		if strings.EqualFold(string(b), c.String()) {
			*d = c
			return nil
		}
	}
	return errors.New("inbox: unknown direction")
}

// MarshalText encodes v as its String form.
func (v Visibility) MarshalText() ([]byte, error) {
	if v > BusinessOnly {
		return nil, errors.New("inbox: unknown visibility " + strconv.Itoa(int(v)))
	}
	return []byte(v.String()), nil
}

// UnmarshalText decodes "BUSINESS_AND_PARTICIPANT" or "BUSINESS"
// (case-insensitive).
func (v *Visibility) UnmarshalText(b []byte) error {
	for _, c := range []Visibility{BusinessAndParticipant, BusinessOnly} {
		if strings.EqualFold(string(b), c.String()) {
			*v = c
			return nil
		}
	}
	return errors.New("inbox: unknown visibility")
}
