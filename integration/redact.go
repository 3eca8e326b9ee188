package integration

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Redaction of secret values from what the Service shows: response bodies (before they are
// cached, so every card rendered from a cached body is clean), test run output, activity
// lines and action results.
//
// A secret is matched ignoring ASCII case: an upstream may echo it upper-cased, and a display
// template's upper or lower filter would otherwise turn an echo the redaction missed into the
// secret. In a response body, every JSON string is compared after its escapes are decoded, as
// the template reads it: an upstream may write '_' as "\u005f", '/' as "\/" or any character
// as \uXXXX, and a byte-level match sees none of those.

// scrub replaces every secret value in s, in any ASCII case, with Redacted.
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" && indexFold(s, v) >= 0 {
			s = replaceFold(s, v)
		}
	}
	return s
}

// scrubBytes returns b, or a copy of it in which every secret value is replaced by Redacted:
// inside each JSON string of b as decoded (the string is then written anew, escaped as
// encoding/json does) and anywhere else as bytes, in any ASCII case. It does not modify b,
// which may be shared with the cache, and returns b itself when it holds no secret.
func scrubBytes(b []byte, secrets []string) []byte {
	out := b
	if bytes.IndexByte(b, '\\') >= 0 {
		out = scrubEscapedStrings(b, secrets)
	}
	for _, v := range secrets {
		if v != "" && indexFold(out, v) >= 0 {
			return []byte(scrub(string(out), secrets))
		}
	}
	return out
}

// scrubEscapedStrings returns b, or a copy of it in which every JSON string with an escape
// whose decoded value holds a secret is replaced by the scrubbed value, encoded. Strings
// without an escape are left to the byte-level match, which sees them as they are.
func scrubEscapedStrings(b []byte, secrets []string) []byte {
	var (
		out   []byte // nil until the first replacement
		last  int    // b[:last] is in out
		small [256]byte
		buf   = small[:0] // the decoded string, reused
	)
	for i := 0; i < len(b); i++ {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			break
		}
		i += j
		end, escaped := stringEnd(b, i)
		if end < 0 {
			break // an unterminated string: the byte-level match sees the rest
		}
		if escaped {
			var ok bool
			if buf, ok = unescapeJSON(buf[:0], b[i+1:end]); ok && holdsSecret(buf, secrets) {
				enc, _ := json.Marshal(scrub(string(buf), secrets)) // a string: never fails
				if out == nil {
					out = make([]byte, 0, len(b))
				}
				out = append(append(out, b[last:i]...), enc...)
				last = end + 1
			}
		}
		i = end
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// holdsSecret reports whether b holds a secret value in any ASCII case.
func holdsSecret(b []byte, secrets []string) bool {
	for _, v := range secrets {
		if v != "" && indexFold(b, v) >= 0 {
			return true
		}
	}
	return false
}

// unescapeJSON appends to dst the value of the JSON string whose text between the quotes is s,
// as encoding/json decodes it (an unpaired surrogate becomes U+FFFD), and reports whether s is
// a valid JSON string text.
func unescapeJSON(dst, s []byte) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' {
			return dst, false
		}
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		if i++; i == len(s) {
			return dst, false
		}
		switch s[i] {
		case '"', '\\', '/':
			dst = append(dst, s[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(s[i+1:])
			if !ok {
				return dst, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(-1), false
				if i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					r2, ok = hex4(s[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, false
		}
	}
	return dst, true
}

// hex4 returns the value of the four hex digits s starts with.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// stringEnd returns the index of the quote that ends the JSON string starting with the quote
// at b[start], or -1, and whether the string has an escape.
func stringEnd(b []byte, start int) (int, bool) {
	escaped := false
	for i := start + 1; ; {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1, escaped
		}
		q := i + j
		if !escaped && bytes.IndexByte(b[i:q], '\\') >= 0 {
			escaped = true
		}
		n := 0 // the backslashes before the quote: an odd number escapes it
		for k := q - 1; k > start && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q, escaped
		}
		i = q + 1
	}
}

// indexFold returns the index of the first instance of sub in s, ignoring ASCII case (other
// bytes compare exactly, so an instance has the length of sub), or -1.
func indexFold[T ~string | ~[]byte](s T, sub string) int {
	n := len(sub)
	if n == 0 || n > len(s) {
		return -1
	}
	// Candidates are found by one byte of sub, its first that is not a letter when it has
	// one: a digit or '_' of a token is rarer in a response than its first letter, and has
	// one case to look for.
	k := 0
	for k < n-1 && lowerASCII(sub[k]) != upperASCII(sub[k]) {
		k++
	}
	c0, c1 := lowerASCII(sub[k]), upperASCII(sub[k])
	for i := 0; i+n <= len(s); i++ {
		j := indexByte2(s[i+k:len(s)-n+1+k], c0, c1)
		if j < 0 {
			return -1
		}
		i += j
		if equalFoldASCII(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

// replaceFold returns s with every instance of sub, ignoring ASCII case, replaced by Redacted.
func replaceFold(s, sub string) string {
	var sb strings.Builder
	for {
		i := indexFold(s, sub)
		if i < 0 {
			break
		}
		sb.WriteString(s[:i])
		sb.WriteString(Redacted)
		s = s[i+len(sub):]
	}
	sb.WriteString(s)
	return sb.String()
}

// indexByte2 returns the index of the first a or b in s, or -1.
func indexByte2[T ~string | ~[]byte](s T, a, b byte) int {
	i := indexByte(s, a)
	if a == b {
		return i
	}
	if i < 0 {
		return indexByte(s, b)
	}
	if j := indexByte(s[:i], b); j >= 0 {
		return j
	}
	return i
}

// indexByte is strings.IndexByte or bytes.IndexByte.
func indexByte[T ~string | ~[]byte](s T, c byte) int {
	switch s := any(s).(type) {
	case string:
		return strings.IndexByte(s, c)
	case []byte:
		return bytes.IndexByte(s, c)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// equalFoldASCII reports whether a and b, of the same length, are equal ignoring ASCII case.
func equalFoldASCII[T ~string | ~[]byte](a T, b string) bool {
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
