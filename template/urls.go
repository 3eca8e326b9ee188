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
// mailto, tel; https only for images), and, for http and https, has a
// host and no user information. Relative and protocol-relative URLs are
// refused: the front end's base URL is unknown here.
func urlProblem(s string, httpsOnly bool) string {
	if s == "" {
		return "empty URL"
	}
	if len(s) > maxURLLen {
		return "URL longer than 2048 bytes"
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == '\\' {
			return "URL contains a control, space or backslash character"
		}
		if c >= 0x80 {
			ascii = false
			for _, r := range s[i:] {
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
	switch {
	case strings.EqualFold(scheme, "https"):
	case strings.EqualFold(scheme, "http"), strings.EqualFold(scheme, "mailto"), strings.EqualFold(scheme, "tel"):
		if httpsOnly {
			return "scheme " + quoteShort(scheme) + " is not allowed here (https only)"
		}
	default:
		return "scheme " + quoteShort(scheme) + " is not allowed (http, https, mailto, tel)"
	}
	if ascii && (strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "http")) {
		return httpURLProblem(s[colon+1:])
	}
	u, err := url.Parse(s)
	if err != nil {
		return "malformed URL"
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Opaque != "" || u.Host == "" || !strings.HasPrefix(s[colon+1:], "//") {
			return "http(s) URL without a host"
		}
		if u.User != nil {
			return "URL with user information"
		}
		if strings.HasPrefix(u.Host, ".") || strings.HasPrefix(u.Host, ":") {
			return "malformed host"
		}
	case "mailto", "tel":
		if u.Opaque == "" || strings.HasPrefix(s[colon+1:], "/") {
			return "malformed " + u.Scheme + " URL"
		}
	default:
		return "scheme is not allowed"
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

// httpURLProblem checks the part of an ASCII http(s) URL after the
// scheme's colon without allocating: "//", a host of letters, digits,
// '-' and '.' (or a bracketed IPv6 address), an optional numeric port,
// no user information, and well-formed percent escapes everywhere.
func httpURLProblem(rest string) string {
	if !strings.HasPrefix(rest, "//") {
		return "http(s) URL without a host"
	}
	rest = rest[2:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
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
		for j := 0; j < len(host); j++ {
			c := host[j]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
				return "malformed host"
			}
		}
	}
	if port != "" {
		if len(port) < 2 || len(port) > 6 {
			return "malformed port"
		}
		for j := 1; j < len(port); j++ {
			if port[j] < '0' || port[j] > '9' {
				return "malformed port"
			}
		}
	}
	tail := rest[end:]
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

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
