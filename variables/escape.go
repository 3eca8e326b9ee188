package variables

import "unicode/utf8"

const upperHex = "0123456789ABCDEF"
const lowerHex = "0123456789abcdef"

// keepQuery reports whether url.QueryEscape leaves c unescaped: the unreserved characters of
// RFC 3986.
func keepQuery(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// keepPath reports whether url.PathEscape leaves c unescaped: the unreserved characters and the
// sub-delimiters a path segment may hold ($ & + : = @), but not / ; , ?.
func keepPath(c byte) bool {
	return keepQuery(c) || c == '$' || c == '&' || c == '+' || c == ':' || c == '=' || c == '@'
}

// appendQueryEscape appends url.QueryEscape(s) to dst without allocating beyond dst's growth.
func appendQueryEscape(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keepQuery(c) {
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
		if keepPath(c) {
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
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
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

// headerByteOK reports whether c may appear in an expanded header value: anything but the ASCII
// control characters (CR, LF, NUL and the rest) other than horizontal tab, and DEL.
func headerByteOK(c byte) bool {
	return c >= 0x20 && c != 0x7f || c == '\t'
}

// validHeaderValue reports whether every byte of s passes headerByteOK.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if !headerByteOK(s[i]) {
			return false
		}
	}
	return true
}
