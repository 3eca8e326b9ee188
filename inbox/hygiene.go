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
// spaces there. Invisible characters that can disguise text (bidi
// overrides, zero-width space, byte order mark, ...; see isInvisible)
// are dropped too. The common case of
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
		case unicode.IsControl(r) || isInvisible(r):
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
		if r == utf8.RuneError && n == 1 || unicode.IsControl(r) || isInvisible(r) {
			return false
		}
		i += n
	}
	return true
}

// isInvisible reports whether r is one of the invisible characters that
// message text loses, the same set as package template strips from display
// text: bidi embeddings, overrides and isolates (U+202A-U+202E,
// U+2066-U+2069), the Arabic letter mark and directional marks (U+061C,
// U+200E, U+200F), the zero-width space U+200B, the word joiner and
// invisible operators (U+2060-U+2064), the deprecated format controls
// (U+206A-U+206F), the Mongolian vowel separator U+180E, the line and
// paragraph separators U+2028/U+2029, the byte order mark U+FEFF, the
// interlinear annotation controls (U+FFF9-U+FFFB), the noncharacters
// U+FFFE/U+FFFF and the tag characters (U+E0000-U+E007F). The zero-width
// non-joiner and joiner U+200C/U+200D stay: scripts such as Persian and
// Devanagari and emoji sequences need them.
func isInvisible(r rune) bool {
	switch {
	case r < 0x61c:
		return false
	case r == 0x061c, r == 0x180e, r == 0x200b, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e,
		r >= 0x2060 && r <= 0x2064, r >= 0x2066 && r <= 0x206f, r == 0x2028, r == 0x2029, r == 0xfeff,
		r >= 0xfff9 && r <= 0xfffb, r == 0xfffe, r == 0xffff, r >= 0xe0000 && r <= 0xe007f:
		return true
	}
	return false
}
