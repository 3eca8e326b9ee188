package inbox

import (
	"context"
	"errors"
	"strings"
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

// Errors of [NormalizePhone]. Each is returned as is, so that callers can
// tell them apart with errors.Is; none contains the number.
var (
	// ErrPhoneSyntax: a character other than digits, a leading '+', and
	// the separators space, '-', '.', '/', '(' and ')'.
	ErrPhoneSyntax = errors.New("inbox: phone number: not digits and separators")
	// ErrPhoneLength: fewer than 8 or more than 15 digits with the
	// country calling code (E.164 allows at most 15).
	ErrPhoneLength = errors.New("inbox: phone number: wrong number of digits")
	// ErrPhoneNational: a national number (no '+' or "00" prefix) and no
	// default country calling code to complete it.
	ErrPhoneNational = errors.New("inbox: phone number: national number without a default calling code")
	// ErrCallingCode: the default calling code is not 1 to 3 digits
	// without a leading zero.
	ErrCallingCode = errors.New("inbox: phone number: invalid default calling code")
)

// maxPhoneLen caps the raw input of NormalizePhone: 15 digits with
// generous separators.
const maxPhoneLen = 64

// NormalizePhone returns phone in E.164 form: "+" followed by the country
// calling code and the national number, 8 to 15 digits in all.
//
// It accepts digits with the separators space, '-', '.', '/', '(' and ')',
// in three forms:
//
//   - international with '+': "+44 20 7946 0958" -> "+442079460958";
//   - international with the "00" prefix: "0044 20 7946 0958" -> the same;
//   - national, completed with defaultCallingCode ("44", "1"; no '+'):
//     "020 7946 0958" with "44" -> "+442079460958". One trunk prefix '0'
//     is dropped, except for Italy (39), where the leading 0 is part of the
//     number; for the North American code "1" an 11-digit number starting
//     with the trunk prefix 1 loses it.
//
// It does not know numbering plans (no libphonenumber): it checks the
// shape, not that the number exists or that the calling code is
// assigned, so hosts should store numbers the same way to find them.
// Letters, extensions ("x12") and other international prefixes (such
// as the North American "011") are refused rather than guessed.
func NormalizePhone(phone, defaultCallingCode string) (string, error) {
	if len(phone) > maxPhoneLen {
		return "", ErrPhoneLength
	}
	s := strings.TrimSpace(phone)
	var digits [maxPhoneLen]byte
	n, plus := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits[n] = c
			n++
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')':
		default:
			return "", ErrPhoneSyntax
		}
	}
	d := string(digits[:n])
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	default:
		cc := defaultCallingCode
		if cc == "" {
			return "", ErrPhoneNational
		}
		if !validCallingCode(cc) {
			return "", ErrCallingCode
		}
		switch {
		case cc == "1" && len(d) == 11 && d[0] == '1':
			d = d[1:]
		case cc != "39" && strings.HasPrefix(d, "0"):
			d = d[1:]
		}
		d = cc + d
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", ErrPhoneLength
	}
	return "+" + d, nil
}

func validCallingCode(cc string) bool {
	if len(cc) == 0 || len(cc) > 3 || cc[0] == '0' {
		return false
	}
	for i := 0; i < len(cc); i++ {
		if cc[i] < '0' || cc[i] > '9' {
			return false
		}
	}
	return true
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
