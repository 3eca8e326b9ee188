package integration

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/variables"
)

// FilterInfo describes one filter a request template may apply, for an editor's help.
type FilterInfo struct {
	// Name is what follows the "|": {{ now | date:"2006-01-02" }}.
	Name string `json:"name"`
	// Arg describes the argument: "" when the filter takes none.
	Arg         string `json:"arg,omitempty"`
	Description string `json:"description"`
	// Example is a placeholder using the filter.
	Example string `json:"example"`
}

// Filters returns the filters an integration's request templates may use beyond package
// variables' built-ins (default, lower, upper, trim, truncate, sha256, base64), which an editor
// lists from the variables documentation. Filters run before the position's escaping, so
// {{ contact.name | json }} in a query value is a JSON string literal, query-escaped.
func Filters() []FilterInfo {
	return []FilterInfo{
		{Name: "date", Arg: "a Go time layout", Description: "Formats a time (RFC 3339, a date 2006-01-02, or Unix seconds) with a Go layout, in the time's own zone.", Example: `{{ now | date:"2006-01-02" }}`},
		{Name: "add_days", Arg: "a whole number of days, negative for the past", Description: "Shifts a time or a date by days; the result has the input's form (RFC 3339 or a date).", Example: `{{ now | add_days:-30 | date:"2006-01-02" }}`},
		{Name: "urlencode", Description: "Query-escapes the value, for a URL built inside a header or the body; in the URL itself the position already escapes.", Example: `{{ contact.email | urlencode }}`},
		{Name: "json", Description: "Writes the value as a JSON string literal, quotes included, e.g. for a JSON filter in a query parameter.", Example: `{"email":{{ contact.email | json }}}`},
		{Name: "e164", Arg: "optional: the country calling code for numbers without one, e.g. 44", Description: "Normalizes a phone number to E.164 (+ and 8 to 15 digits); a value that is not a phone number fails the request.", Example: `{{ contact.phone_number | e164:"1" }}`},
	}
}

// filters returns the compile-time filters of request templates (see [Filters]); a fresh map per
// call, so nothing is shared or global.
func filters() map[string]variables.Filter {
	return map[string]variables.Filter{
		"date":      {Apply: filterDate, Arg: variables.ArgRequired, CheckArg: checkLayout},
		"add_days":  {Apply: filterAddDays, Arg: variables.ArgRequired, CheckArg: checkDays},
		"urlencode": {Apply: func(v, _ string) (string, error) { return url.QueryEscape(v), nil }},
		"json":      {Apply: filterJSON},
		"e164":      {Apply: filterE164, Arg: variables.ArgOptional, CheckArg: checkCallingCode},
	}
}

// maxDays bounds add_days to a century either way.
const maxDays = 36525

// maxUnix bounds the Unix seconds the date filters read (about the year 5138 either way), so a
// phone number or an order number is not taken for a time.
const maxUnix = 1e11

var errNotTime = errors.New("value is not a time (RFC 3339, 2006-01-02 or Unix seconds)")

// timeForm is the form a time value was written in, which add_days keeps.
type timeForm uint8

const (
	formRFC3339 timeForm = iota
	formDate
	formUnix
)

// parseTime reads a time the way the date filters accept it.
func parseTime(v string) (time.Time, timeForm, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, formRFC3339, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, formDate, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= -maxUnix && n <= maxUnix {
		return time.Unix(n, 0).UTC(), formUnix, nil
	}
	return time.Time{}, 0, errNotTime
}

func checkLayout(layout string) error {
	ref := time.Date(2001, 11, 12, 13, 14, 15, 0, time.UTC) // differs from the reference time in every element
	if layout == "" || len(layout) > 64 || ref.Format(layout) == layout {
		return errors.New("date needs a Go time layout of at most 64 bytes, such as 2006-01-02")
	}
	return nil
}

// filterDate formats v with layout. An empty value stays empty (so | default can follow).
func filterDate(v, layout string) (string, error) {
	if v == "" {
		return "", nil
	}
	t, _, err := parseTime(v)
	if err != nil {
		return "", err
	}
	return t.Format(layout), nil
}

func checkDays(arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || n < -maxDays || n > maxDays {
		return errors.New("add_days needs a whole number of days between -36525 and 36525")
	}
	return nil
}

// filterAddDays shifts v by arg calendar days, keeping its form and zone.
func filterAddDays(v, arg string) (string, error) {
	if v == "" {
		return "", nil
	}
	n, err := strconv.Atoi(arg)
	if err != nil {
		return "", checkDays(arg)
	}
	t, form, err := parseTime(v)
	if err != nil {
		return "", err
	}
	t = t.AddDate(0, 0, n)
	switch form {
	case formDate:
		return t.Format(time.DateOnly), nil
	case formUnix:
		if u := t.Unix(); u >= -maxUnix && u <= maxUnix {
			return strconv.FormatInt(u, 10), nil
		}
		return "", errNotTime
	}
	return t.Format(time.RFC3339Nano), nil
}

// filterJSON writes v as a JSON string literal. It escapes <, > and & too, so the literal is
// safe wherever it lands.
func filterJSON(v, _ string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil { // only for invalid UTF-8, which Marshal replaces: never in practice
		return "", err
	}
	return string(b), nil
}

func checkCallingCode(arg string) error {
	if !variables.ValidCallingCode(strings.TrimPrefix(arg, "+")) {
		return errors.New("e164 needs a country calling code of 1 to 3 digits, such as 1 or 44")
	}
	return nil
}

var errNotPhone = errors.New("value is not a phone number that can be written in E.164")

// filterE164 writes a phone number in E.164 with variables.NormalizePhone, the normalizer inbox
// matches senders with, completing a national number with the calling code arg ("44" or
// "+44"). An empty value stays empty.
func filterE164(v, arg string) (string, error) {
	if v == "" {
		return "", nil
	}
	e164, err := variables.NormalizePhone(v, strings.TrimPrefix(arg, "+"))
	if err != nil {
		return "", errNotPhone
	}
	return e164, nil
}
