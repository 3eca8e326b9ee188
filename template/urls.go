package template

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

const maxURLLen = 2048

// urlProblem says why a URL was refused; "" means it is safe.
//
// A URL is safe when it is at most 2048 bytes, contains no control,
// space, backslash, bidirectional or other invisible formatting
// character, is absolute with a scheme from the allow-list (http, https,
// mailto, tel; https only for images), has well-formed percent escapes
// and none of " < > `, and, for http and https, has a well-formed host
// and port and no user information (see httpURLProblem, telProblem and
// mailtoProblem). Relative and protocol-relative URLs are refused: the
// front end's base URL is unknown here.
func urlProblem(s string, httpsOnly bool) string {
	if s == "" {
		return "empty URL"
	}
	if len(s) > maxURLLen {
		return "URL longer than 2048 bytes"
	}
	i := 0
	for i+8 <= len(s) && urlSpecial(load64(s, i)) == 0 {
		i += 8 // eight plain bytes (see urlSpecial)
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == '\\' {
			return "URL contains a control, space or backslash character"
		}
		if c >= 0x80 {
			// The rest is checked rune by rune, ASCII included: a backslash
			// after a non-ASCII host (https://é.example/#\) is refused too.
			for _, r := range s[i:] {
				if r <= ' ' || r == 0x7f || r == '\\' {
					return "URL contains a control, space or backslash character"
				}
				if r == utf8.RuneError || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r) || isStripped(r, false) {
					return "URL contains an invisible, control or invalid character"
				}
			}
			break
		}
	}
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return "URL has no scheme (relative and protocol-relative URLs are not allowed)"
	}
	scheme := s[:colon]
	web := true // http or https
	switch {
	case strings.EqualFold(scheme, "https"):
	case strings.EqualFold(scheme, "http"), strings.EqualFold(scheme, "mailto"), strings.EqualFold(scheme, "tel"):
		if httpsOnly {
			return "scheme " + quoteShort(scheme) + " is not allowed here (https only)"
		}
		web = len(scheme) == len("http") // of http, mailto and tel
	default:
		return "scheme " + quoteShort(scheme) + " is not allowed (http, https, mailto, tel)"
	}
	if web {
		return httpURLProblem(s[colon+1:])
	}
	if p := tailProblem(s[colon+1:]); p != "" {
		return p
	}
	u, err := url.Parse(s)
	if err != nil {
		return "malformed URL"
	}
	if u.Opaque == "" || strings.HasPrefix(s[colon+1:], "/") {
		return "malformed " + strings.ToLower(scheme) + " URL"
	}
	if strings.EqualFold(scheme, "tel") {
		return telProblem(s[colon+1:])
	}
	return mailtoProblem(s[colon+1:])
}

// telProblem checks the part of a tel: URL after the colon: the
// characters of RFC 3966 numbers and parameters only (digits, letters,
// + - . ( ) * ; = and percent escapes of anything but control
// characters), so that nothing else (another scheme, '@', '/', '?')
// rides along.
func telProblem(rest string) string {
	if hasEscapedControl(rest) {
		return "tel URL with an escaped control character"
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("+-.()*;=%", c) >= 0) {
			return "malformed tel URL"
		}
	}
	return ""
}

// mailtoProblem checks the part of a mailto: URL after the colon: no
// percent-escaped control character (an escaped CR or LF could add a
// header in some mail clients) in the addresses or in any header field
// but the body, where line breaks are legitimate.
func mailtoProblem(rest string) string {
	addrs, query, _ := strings.Cut(rest, "?")
	if hasEscapedControl(addrs) {
		return "mailto URL with an escaped control character"
	}
	for query != "" {
		var hf string
		hf, query, _ = strings.Cut(query, "&")
		name, value, _ := strings.Cut(hf, "=")
		if hasEscapedControl(name) || (!strings.EqualFold(name, "body") && hasEscapedControl(value)) {
			return "mailto URL with an escaped control character in a header field"
		}
	}
	return ""
}

// hasEscapedControl reports whether s holds a percent escape of a C0
// control character or DEL (s has well-formed escapes).
func hasEscapedControl(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0 && i+2 < len(s); i = strings.IndexByte(s, '%') {
		if s[i+1] <= '1' || (s[i+1] == '7' && (s[i+2] == 'f' || s[i+2] == 'F')) {
			return true
		}
		s = s[i+3:]
	}
	return false
}

// tailProblem checks the path, query and fragment of a URL (or the
// opaque part of a mailto: or tel: URL): well-formed percent escapes and
// none of the characters that must always be escaped in a URL.
func tailProblem(tail string) string {
	for j := 0; j < len(tail); j++ {
		c := tail[j]
		if c == '%' {
			if j+2 >= len(tail) || !isHex(tail[j+1]) || !isHex(tail[j+2]) {
				return "malformed percent escape"
			}
		}
		if c == '"' || c == '<' || c == '>' || c == '`' {
			return "URL contains a character that must be escaped"
		}
	}
	return ""
}

// quoteShort quotes at most the first 16 bytes of s for a message.
func quoteShort(s string) string {
	if len(s) > 16 {
		s = s[:16] + "…"
	}
	return "\"" + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || isStripped(r, false) {
			return '?'
		}
		return r
	}, s) + "\""
}

// checkURLTemplate checks, at parse time, that the literal text of a URL
// template before its first binding fixes the scheme and, for http and
// https, the whole host: the literal must reach the '/', '?' or '#' that
// ends the authority. A template that is exactly one binding takes its
// whole URL from the data and is validated at render time instead.
func checkURLTemplate(src string, single bool, httpsOnly bool) string {
	if single {
		return ""
	}
	i := strings.Index(src, "{{")
	if i < 0 {
		return urlProblem(src, httpsOnly)
	}
	lit := src[:i]
	colon := strings.IndexByte(lit, ':')
	if colon <= 0 {
		return "a binding may not supply the scheme of a URL: write the scheme and host literally, or bind the whole URL"
	}
	if p := urlProblem(lit+"x", httpsOnly); p != "" && !strings.HasPrefix(p, "http(s) URL without a host") && !strings.HasPrefix(p, "malformed") {
		return p
	}
	scheme := strings.ToLower(lit[:colon])
	rest := lit[colon+1:]
	switch scheme {
	case "http", "https":
		if !strings.HasPrefix(rest, "//") {
			return "http(s) URL without a host"
		}
		auth := rest[2:]
		end := strings.IndexAny(auth, "/?#")
		if end < 0 {
			return "a binding may not supply the host of a URL: the literal text must reach the '/' after the host"
		}
		if end == 0 {
			return "http(s) URL without a host"
		}
		if p := urlProblem(lit[:colon+3+end]+"/", httpsOnly); p != "" {
			return p
		}
	}
	return ""
}

// httpURLProblem checks the part of an http(s) URL after the scheme's
// colon without allocating: "//", a host of letters, digits, '-', '_'
// and '.' (non-ASCII letters, marks and digits too, for internationalized
// names; never non-ASCII punctuation such as a fullwidth '/' or '@'), or
// a bracketed IPv6 address, an optional port up to 65535, no user
// information, and a path, query and fragment that pass tailProblem.
func httpURLProblem(rest string) string {
	if !strings.HasPrefix(rest, "//") {
		return "http(s) URL without a host"
	}
	rest = rest[2:]
	end := authorityEnd(rest)
	auth := rest[:end]
	if strings.IndexByte(auth, '@') >= 0 {
		return "URL with user information"
	}
	host, port := auth, ""
	if strings.HasPrefix(auth, "[") {
		i := strings.IndexByte(auth, ']')
		if i < 0 {
			return "malformed host"
		}
		host, port = auth[1:i], auth[i+1:]
		for j := 0; j < len(host); j++ {
			c := host[j]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.') {
				return "malformed host"
			}
		}
		if port != "" && port[0] != ':' {
			return "malformed host"
		}
	} else if i := strings.IndexByte(auth, ':'); i >= 0 {
		host, port = auth[:i], auth[i:]
	}
	if host == "" || host[0] == '.' || host[0] == '-' {
		return "http(s) URL without a host"
	}
	if !strings.HasPrefix(auth, "[") {
		if strings.Contains(host, "..") {
			return "malformed host"
		}
		for j := 0; j < len(host); j++ {
			c := host[j]
			if c >= 0x80 {
				r, n := utf8.DecodeRuneInString(host[j:])
				if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) {
					return "malformed host"
				}
				j += n - 1
				continue
			}
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
				return "malformed host"
			}
		}
	}
	if port != "" {
		if len(port) < 2 || len(port) > 6 {
			return "malformed port"
		}
		n := 0
		for j := 1; j < len(port); j++ {
			if port[j] < '0' || port[j] > '9' {
				return "malformed port"
			}
			n = n*10 + int(port[j]-'0')
		}
		if n > 65535 {
			return "malformed port"
		}
	}
	return tailProblem(rest[end:])
}

// authorityEnd returns the index of the '/', '?' or '#' that ends the
// authority at the start of s, or len(s). (strings.IndexAny was ~4% of
// BenchmarkRenderFixture: it builds its byte set on every call.)
func authorityEnd(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '?' || c == '#' {
			return i
		}
	}
	return len(s)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
