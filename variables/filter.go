package variables

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ArgRule says whether a filter takes an argument (the part after the colon in
// {{ name | filter:"arg" }}).
type ArgRule uint8

const (
	// ArgNone: the filter takes no argument; writing one is a compile error. It is the zero value.
	ArgNone ArgRule = iota
	// ArgOptional: the argument may be omitted; Apply then receives "".
	ArgOptional
	// ArgRequired: the argument must be written; omitting it is a compile error.
	ArgRequired
)

// A Filter is a custom filter, added per Compile through Options.Filters; there is no global
// registry. Filters run in the order written, each on the previous one's result, before the
// target's escaping; the first filter receives the variable's value, or "" when it is undefined.
//
// A Filter must be safe for concurrent use when the template is expanded concurrently. The error
// Apply returns is wrapped into a *ValueError that names the variable; it must not contain the
// value (contact data).
type Filter struct {
	// Apply transforms value. arg is the filter's argument, "" when none was written.
	Apply func(value, arg string) (string, error)
	// ApplyWith, if not nil, is used instead of Apply. It also receives the Resolver the
	// expansion was called with (nil when none was given), so that a filter can read what its
	// caller's resolver carries, such as a time zone or a place to record a diagnostic, by
	// asserting the resolver's type. A filter must work with any resolver, since Compile's
	// callers may expand the same template through another one.
	ApplyWith func(r Resolver, value, arg string) (string, error)
	// Arg says whether an argument is allowed or required.
	Arg ArgRule
	// CheckArg, if not nil, validates the argument at compile time; its error makes Compile fail.
	// It is called only when an argument was written.
	CheckArg func(arg string) error
}

// builtinFilter returns the built-in filter called name. The built-ins are created on demand, so
// the package keeps no mutable registry.
func builtinFilter(name string) (Filter, bool) {
	switch name {
	case "default":
		return Filter{Apply: filterDefault, Arg: ArgRequired}, true
	case "lower":
		return Filter{Apply: func(v, _ string) (string, error) { return strings.ToLower(v), nil }}, true
	case "upper":
		return Filter{Apply: func(v, _ string) (string, error) { return strings.ToUpper(v), nil }}, true
	case "trim":
		return Filter{Apply: func(v, _ string) (string, error) { return strings.TrimSpace(v), nil }}, true
	case "truncate":
		return Filter{Apply: filterTruncate, Arg: ArgRequired, CheckArg: checkTruncateArg}, true
	case "sha256":
		return Filter{Apply: filterSHA256}, true
	case "base64":
		return Filter{Apply: func(v, _ string) (string, error) {
			return base64.StdEncoding.EncodeToString([]byte(v)), nil
		}}, true
	case "quote":
		return Filter{Apply: filterQuote, Arg: ArgOptional, CheckArg: checkQuoteArg}, true
	case "phrase":
		return Filter{Apply: filterPhrase}, true
	}
	return Filter{}, false
}

// builtinFilterNames lists the built-in filters for error messages.
const builtinFilterNames = "default, lower, upper, trim, truncate, sha256, base64, quote, phrase"

func filterDefault(v, arg string) (string, error) {
	if v == "" {
		return arg, nil
	}
	return v, nil
}

func checkTruncateArg(arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 || strings.HasPrefix(arg, "+") {
		return errors.New("truncate needs a non-negative integer")
	}
	return nil
}

// filterTruncate keeps the first N runes of v (an invalid UTF-8 byte counts as one rune). The
// argument has been checked at compile time.
func filterTruncate(v, arg string) (string, error) {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 {
		return "", errors.New("truncate needs a non-negative integer")
	}
	if n >= len(v) {
		return v, nil
	}
	i := 0
	for ; n > 0 && i < len(v); n-- {
		_, size := utf8.DecodeRuneInString(v[i:])
		i += size
	}
	return v[:i], nil
}

func filterSHA256(v, _ string) (string, error) {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:]), nil
}

func checkQuoteArg(arg string) error {
	if arg != `"` && arg != "'" {
		return errors.New(`quote takes ' or " (the default)`)
	}
	return nil
}

// filterQuote writes v as a string literal of a search language such as Stripe's search query
// language, SOQL or Zendesk's search: v between quote characters (the argument, '"' when none),
// with each backslash and each quote character inside escaped by a backslash, so the value stays
// one literal whatever it contains. A value with a control character is refused: no query
// language these services document takes one inside a literal.
func filterQuote(v, arg string) (string, error) {
	q := byte('"')
	if arg != "" {
		q = arg[0]
	}
	var b strings.Builder
	b.Grow(len(v) + 2)
	b.WriteByte(q)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return "", errors.New("quote: the value contains a control character")
		case c == '\\' || c == q:
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte(q)
	return b.String(), nil
}

// filterPhrase writes v between double quotes for a search language that documents quoted
// phrases but no escape inside them, such as Zendesk's search: a value holding a double quote,
// a backslash or a control character cannot be written safely there and is refused.
func filterPhrase(v, _ string) (string, error) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f || c == '"' || c == '\\' {
			return "", errors.New("phrase: the value contains a quote, a backslash or a control character")
		}
	}
	return `"` + v + `"`, nil
}
