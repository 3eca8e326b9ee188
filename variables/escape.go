package variables

import "unicode/utf8"

const upperHex = "0123456789ABCDEF"
const lowerHex = "0123456789abcdef"

// Byte classes, one bit per escaping context, indexed by byte value. byteClass is a constant so
// the package keeps no mutable state; TestByteClass checks it against its definition.
const (
	// classQuery: url.QueryEscape leaves the byte alone (the RFC 3986 unreserved characters).
	classQuery = 1 << iota
	// classPath: url.PathEscape leaves the byte alone (unreserved and $ & + : = @).
	classPath
	// classJSON: ASCII that needs no escaping inside a JSON string (not a control, '"' or '\\').
	classJSON
	// classHeader: allowed in a header value (not an ASCII control other than tab, not DEL).
	classHeader
)

const byteClass = "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x0c\x0c\x08\x0c\x0e\x0c\x0e\x0c\x0c\x0c\x0c\x0e\x0c\x0f\x0f\x0c" +
	"\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0e\x0c\x0c\x0e\x0c\x0c" +
	"\x0e\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f" +
	"\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0c\x08\x0c\x0c\x0f" +
	"\x0c\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f" +
	"\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0c\x0c\x0c\x0f\x04" +
	"\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08" +
	"\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08" +
	"\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08" +
	"\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08" +
	"\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08" +
	"\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08" +
	"\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08" +
	"\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08"

// appendQueryEscape appends url.QueryEscape(s) to dst without allocating beyond dst's growth.
func appendQueryEscape(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if byteClass[c]&classQuery != 0 {
			continue
		}
		dst = append(dst, s[start:i]...)
		if c == ' ' {
			dst = append(dst, '+')
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// appendPathEscape appends url.PathEscape(s) to dst.
func appendPathEscape(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if byteClass[c]&classPath != 0 {
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// appendJSONString appends s escaped for the inside of a JSON string literal (no quotes): the
// output of encoding/json with SetEscapeHTML(false), that is " and \ escaped, control characters
// as \n \r \t \b \f or \u00XX, U+2028 and U+2029 as \u2028 and \u2029 (JavaScript line
// terminators), and each invalid UTF-8 byte replaced by \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		// Most bytes of a value need no escaping: skip them in a loop of their own, which
		// compiles to a few instructions a byte (BenchmarkWorkload).
		for byteClass[s[i]]&classJSON != 0 {
			if i++; i == len(s) {
				return append(dst, s[start:]...)
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', lowerHex[r&15])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// validHeaderValue reports whether s may be a header value: no ASCII control characters
// (CR, LF, NUL and the rest) other than horizontal tab, and no DEL.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if byteClass[s[i]]&classHeader == 0 {
			return false
		}
	}
	return true
}

// escapedLen returns the length of v once written with escaping mode esc, so that an expansion
// can allocate its result exactly once and at its exact size, and whether escaping changes v at
// all (a query space becomes '+' without changing the length).
func escapedLen(esc escMode, v string) (n int, changed bool) {
	n = len(v)
	switch esc {
	case escPath:
		for i := 0; i < len(v); i++ {
			if byteClass[v[i]]&classPath == 0 {
				n += 2
			}
		}
	case escQuery:
		for i := 0; i < len(v); i++ {
			if c := v[i]; c == ' ' {
				changed = true
			} else if byteClass[c]&classQuery == 0 {
				n += 2
			}
		}
	case escJSONString, escJSONValue:
		if esc == escJSONValue {
			n += 2
		}
		for i := 0; i < len(v); {
			c := v[i]
			if byteClass[c]&classJSON != 0 {
				i++
				continue
			}
			if c < utf8.RuneSelf {
				switch c {
				case '"', '\\', '\n', '\r', '\t', '\b', '\f':
					n++
				default:
					n += 5
				}
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(v[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				n += 5 // one byte becomes \ufffd
			case r == '\u2028' || r == '\u2029':
				n += 3 // three bytes become \u2028
			}
			i += size
		}
	}
	if esc == escJSONValue {
		return n, n != len(v)+2
	}
	return n, changed || n != len(v)
}
