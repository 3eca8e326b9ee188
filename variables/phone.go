package variables

import (
	"errors"
	"strings"
)

// Errors of [NormalizePhone]. Each is returned as is, so that callers can
// tell them apart with errors.Is; none contains the number.
var (
	// ErrPhoneSyntax: a character other than digits, a leading '+', and
	// the separators space, '-', '.', '/', '(' and ')'.
	ErrPhoneSyntax = errors.New("variables: phone number: not digits and separators")
	// ErrPhoneLength: fewer than 8 or more than 15 digits with the
	// country calling code (E.164 allows at most 15).
	ErrPhoneLength = errors.New("variables: phone number: wrong number of digits")
	// ErrPhoneNational: a national number (no '+' or "00" prefix) and no
	// default country calling code to complete it.
	ErrPhoneNational = errors.New("variables: phone number: national number without a default calling code")
	// ErrCallingCode: the default calling code is not 1 to 3 digits
	// without a leading zero.
	ErrCallingCode = errors.New("variables: phone number: invalid default calling code")
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
// It is the one normalizer of the module: inbox matches senders with it
// and integration's e164 filter writes numbers with it, so both agree.
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
		if !ValidCallingCode(cc) {
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

// ValidCallingCode reports whether cc is a country calling code as [NormalizePhone] takes
// it: 1 to 3 digits, without '+' or a leading zero.
func ValidCallingCode(cc string) bool {
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
