package integration

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/variables"
)

// Problem codes of an action's inputs (RunAction's *ValidationError, at /inputs/NAME), besides
// [CodeRequired] and [CodeOutOfRange].
const (
	CodeInvalidValue = "invalid_value" // the value is not of the field's type (a number, an email, a date, an option...)
	CodeTooLong      = "too_long"      // the value is longer than the field's MaxLength
	CodeUnknownKey   = "unknown_key"   // no field of the action has this name
)

// maxInputProblems bounds the problems reported for one run's inputs, so a request with
// thousands of unknown keys gets a short answer.
const maxInputProblems = 20

// inputPath returns the JSON pointer of the input name: /inputs/NAME, with '~' and '/'
// escaped (RFC 6901) and a hostile name cut short.
func inputPath(name string) string {
	return "/inputs/" + variables.PointerToken(truncate(name, 64))
}

// checkInputs validates the agent's inputs against fields and returns the values the action's
// templates read (normalized: an E.164 phone number, a trimmed number, "false" for an unticked
// box; a field's Default for a missing or empty input), or a *ValidationError whose problems are
// at /inputs/NAME. Messages never repeat a value.
func checkInputs(fields []ActionField, inputs map[string]string) (map[string]string, error) {
	var ps problems
	// Unknown names first, in a stable order.
	for _, name := range slices.Sorted(maps.Keys(inputs)) {
		if !slices.ContainsFunc(fields, func(f ActionField) bool { return f.Name == name }) {
			ps.add(inputPath(name), CodeUnknownKey, "the action has no field of this name")
		}
	}
	values := make(map[string]string, len(fields))
	for i := range fields {
		f := &fields[i]
		v := inputs[f.Name]
		if v == "" {
			v = f.Default
		}
		if v == "" {
			switch {
			case f.Required:
				ps.add(inputPath(f.Name), CodeRequired, "%s is required", f.Label)
			case f.Type == FieldBoolean:
				values[f.Name] = "false"
			default:
				values[f.Name] = ""
			}
			continue
		}
		norm, code, msg := f.check(v)
		if code != "" {
			ps.add(inputPath(f.Name), code, "%s: the value %s", f.Label, msg)
			continue
		}
		values[f.Name] = norm
	}
	if len(ps) > 0 {
		if len(ps) > maxInputProblems {
			ps = ps[:maxInputProblems]
		}
		return nil, &ValidationError{Problems: ps}
	}
	return values, nil
}

// check validates the non-empty value v of f and returns its normalized form, or a problem
// code and the end of a sentence ("is not a number") that names no part of v.
func (f *ActionField) check(v string) (norm, code, msg string) {
	if !utf8.ValidString(v) {
		return "", CodeInvalidValue, "is not valid UTF-8"
	}
	switch f.Type {
	case FieldText, FieldTextarea:
		if f.Type == FieldTextarea {
			v = strings.ReplaceAll(v, "\r\n", "\n")
		}
		for _, r := range v {
			if (r < 0x20 && r != '\t' && (r != '\n' || f.Type != FieldTextarea)) || r == 0x7f {
				if r == '\n' || r == '\r' {
					return "", CodeInvalidValue, "must be one line"
				}
				return "", CodeInvalidValue, "contains control characters"
			}
		}
		if n := f.maxLength(); utf8.RuneCountInString(v) > n {
			return "", CodeTooLong, "is longer than " + strconv.Itoa(n) + " characters"
		}
		return v, "", ""
	case FieldNumber:
		v = strings.TrimSpace(v)
		if !decimal(v) {
			return "", CodeInvalidValue, "is not a number such as 12 or -3.50"
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", CodeInvalidValue, "is not a number such as 12 or -3.50"
		}
		if f.Min != nil && n < *f.Min || f.Max != nil && n > *f.Max {
			return "", CodeOutOfRange, "is out of range" + numberRange(f.Min, f.Max)
		}
		return v, "", ""
	case FieldEmail:
		v = strings.TrimSpace(v)
		if !validEmail(v) {
			return "", CodeInvalidValue, "is not an email address"
		}
		return v, "", ""
	case FieldPhone:
		p, err := variables.NormalizePhone(v, "")
		if errors.Is(err, variables.ErrPhoneNational) {
			return "", CodeInvalidValue, "is not a phone number with its country code (+44 20 7946 0958)"
		}
		if err != nil {
			return "", CodeInvalidValue, "is not a phone number"
		}
		return p, "", ""
	case FieldDate:
		v = strings.TrimSpace(v)
		if len(v) != len(time.DateOnly) {
			return "", CodeInvalidValue, "is not a date (YYYY-MM-DD)"
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "", CodeInvalidValue, "is not a date (YYYY-MM-DD)"
		}
		return v, "", ""
	case FieldSelect:
		if !slices.Contains(f.Options, v) {
			return "", CodeInvalidValue, "is not one of the options"
		}
		return v, "", ""
	case FieldBoolean:
		if v != "true" && v != "false" {
			return "", CodeInvalidValue, "is not true or false"
		}
		return v, "", ""
	}
	return "", CodeInvalidValue, "has a type this field does not have"
}

// decimal reports whether s is a decimal number: an optional '-', digits, and optionally '.'
// and digits, at most 32 characters.
func decimal(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	return digits(whole) && (!dot || digits(frac))
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// numberRange describes the bounds min and max: " (0 to 100)", " (at least 0)", "".
func numberRange(lo, hi *float64) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch {
	case lo != nil && hi != nil:
		return " (" + f(*lo) + " to " + f(*hi) + ")"
	case lo != nil:
		return " (at least " + f(*lo) + ")"
	case hi != nil:
		return " (at most " + f(*hi) + ")"
	}
	return ""
}

// validEmail reports whether s has the shape of an email address: a local part of 1 to 64
// characters, '@', and a domain with a dot, 254 characters in all, without white space,
// control characters or the characters that delimit addresses in headers.
func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || domain == "" || strings.Contains(domain, "@") ||
		!strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`<>()[]\,;:"`, r) {
			return false
		}
	}
	return true
}
