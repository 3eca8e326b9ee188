package inbox

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// validID reports whether s may be an event type or an external id: valid
// UTF-8 without control characters. Ids end up in ledger keys, host message
// keys and host logs, where a CR, LF or NUL is an injection.
func validID(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsControl(r) {
			return false
		}
		i += n
	}
	return true
}

// validEmail reports whether a normalized address is plausible: one '@'
// with something on each side, no white space or control characters, valid
// UTF-8, at most maxEmailLen bytes.
func validEmail(e string) bool {
	at := strings.IndexByte(e, '@')
	if at <= 0 || at == len(e)-1 || len(e) > maxEmailLen || !validID(e) {
		return false
	}
	return !strings.ContainsFunc(e, unicode.IsSpace)
}

// cleanText makes message text safe for the host: invalid UTF-8 becomes
// U+FFFD and control characters are dropped, except that a BASIC message
// keeps tabs and line breaks; a MINIMAL message is one line, so they become
// spaces there. Bidi embeddings, overrides and isolates, which can disguise
// text (U+202A..U+202E, U+2066..U+2069), are dropped too. The common case of
// clean text is returned as is, without allocating.
func cleanText(s string, oneLine bool) string {
	if textClean(s, oneLine) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		i += n
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			if oneLine {
				b.WriteByte(' ')
			} else {
				b.WriteRune(r)
			}
		case unicode.IsControl(r) || isBidiControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func textClean(s string, oneLine bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && (oneLine || c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unicode.IsControl(r) || isBidiControl(r) {
			return false
		}
		i += n
	}
	return true
}

func isBidiControl(r rune) bool {
	return 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069
}
