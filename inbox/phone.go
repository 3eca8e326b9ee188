package inbox

import (
	"context"
	"errors"

	"github.com/inboxkit/inboxkit/variables"
)

// PhoneContacts is an optional interface of [Contacts], discovered by type
// assertion, for sources that identify the sender by phone number (SMS
// gateways, phone systems). Without it, an event that carries only a phone
// number is recorded as a permanent failure naming the missing interface.
type PhoneContacts interface {
	// FindByPhone returns the ids of every contact with this phone number,
	// in the host's order of preference. e164 is in E.164 form ("+" and
	// 8 to 15 digits, see [NormalizePhone]). Results and errors follow the
	// rules of [Contacts.FindByEmail].
	FindByPhone(ctx context.Context, e164 string) ([]string, error)
}

// A Person is what an event knows about its sender, as the [NoMatchCreate]
// policy hands it to [ContactCreator.CreateContact]. Email is normalized
// ([NormalizeEmail]) and Phone is in E.164 form; either may be empty, not
// both. Name is the display name the source gave, cleaned to one line, or
// empty.
type Person struct {
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	Name  string `json:"name,omitempty"`
}

// Errors of [NormalizePhone], the errors of
// [github.com/inboxkit/inboxkit/variables.NormalizePhone]; test them with
// errors.Is. None contains the number.
var (
	// ErrPhoneSyntax: a character other than digits, a leading '+', and
	// the separators space, '-', '.', '/', '(' and ')'.
	ErrPhoneSyntax = variables.ErrPhoneSyntax
	// ErrPhoneLength: fewer than 8 or more than 15 digits with the
	// country calling code (E.164 allows at most 15).
	ErrPhoneLength = variables.ErrPhoneLength
	// ErrPhoneNational: a national number (no '+' or "00" prefix) and no
	// default country calling code to complete it.
	ErrPhoneNational = variables.ErrPhoneNational
	// ErrCallingCode: the default calling code is not 1 to 3 digits
	// without a leading zero.
	ErrCallingCode = variables.ErrCallingCode
)

// NormalizePhone returns phone in E.164 form, as
// [github.com/inboxkit/inboxkit/variables.NormalizePhone] does (the one
// normalizer of the module, so that integration's e164 filter writes the
// numbers inbox matches): "+44 20 7946 0958", "0044 20 7946 0958" and, with
// defaultCallingCode "44", "020 7946 0958" all give "+442079460958".
func NormalizePhone(phone, defaultCallingCode string) (string, error) {
	return variables.NormalizePhone(phone, defaultCallingCode)
}

// phoneProblem is the message of a field error for err from NormalizePhone.
func phoneProblem(err error) string {
	switch {
	case errors.Is(err, ErrPhoneSyntax):
		return "not a phone number (only digits, a leading '+' and separators)"
	case errors.Is(err, ErrPhoneNational):
		return "a national number, and the source has no default calling code"
	case errors.Is(err, ErrCallingCode):
		return "invalid default calling code"
	}
	return "not a phone number (8 to 15 digits with the calling code)"
}
