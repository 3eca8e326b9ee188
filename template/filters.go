package template

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/inboxkit/inboxkit/variables"
)

// FilterInfo describes one formatting filter of display bindings, for an
// editor's help.
type FilterInfo struct {
	// Name is what follows the "|": {{ total | currency:"USD" }}.
	Name string `json:"name"`
	// Arg describes the argument: "" when the filter takes none.
	Arg string `json:"arg,omitempty"`
	// Description says what the filter writes, for an admin.
	Description string `json:"description"`
	// Example is a binding using the filter.
	Example string `json:"example"`
	// Output is what Example shows for the sample value in Description.
	Output string `json:"output"`
}

// Filters returns the formatting filters every text binding of a display
// template may use, besides package variables' built-ins (default, lower,
// upper, trim, truncate, ...), in the order an editor lists them. They
// write a value the way the field format of the same name does (the same
// code, proven against ICU): {{ total | currency:"USD" }} is "$42.00"
// wherever a {"format": {"type": "currency", "currency": "USD"}} field
// would show "$42.00", so a title, a text section or a one-line summary
// can show formatted values. The caller may modify the returned slice.
func Filters() []FilterInfo {
	return []FilterInfo{
		{Name: "currency", Arg: "an ISO 4217 code, such as USD", Description: "Writes an amount (a number or a numeric string, here 42) as money with the currency's symbol and digits.", Example: `{{ total | currency:"USD" }}`, Output: "$42.00"},
		{Name: "currency_minor", Arg: "an ISO 4217 code, such as USD", Description: "Writes an amount in the currency's minor unit (cents, as Stripe sends them; here 4200) as money.", Example: `{{ amount | currency_minor:"USD" }}`, Output: "$42.00"},
		{Name: "number", Arg: "optional: fraction digits, 0 to 10", Description: "Writes a number (here 1234.5) with thousands separators, rounded when digits are given.", Example: `{{ count | number:"2" }}`, Output: "1,234.50"},
		{Name: "percent", Arg: "optional: fraction digits, 0 to 10", Description: "Writes a ratio (here 0.256) as a percentage.", Example: `{{ rate | percent }}`, Output: "25.6%"},
		{Name: "date", Description: "Writes a time (RFC 3339, a date 2024-01-15 or Unix seconds) as a date in the render's time zone.", Example: `{{ shipped_at | date }}`, Output: "Jan 15, 2024"},
		{Name: "datetime", Description: "Writes a time (here 2024-01-15T14:30:00Z, rendered in UTC) as a date and time with its zone.", Example: `{{ shipped_at | datetime }}`, Output: "Jan 15, 2024, 2:30 PM UTC"},
	}
}

// displayFilters returns the formatting filters of display bindings (see
// [Filters]), a fresh map per call: nothing is shared or global. They run
// with the expansion's resolver, which carries the render's time zone and
// records their diagnostics; through another resolver (the literal
// expansion at parse time) dates are shown in UTC and nothing is
// recorded.
func displayFilters() map[string]variables.Filter {
	return map[string]variables.Filter{
		"currency":       {ApplyWith: filterCurrency(false), Arg: variables.ArgRequired, CheckArg: checkCurrencyArg},
		"currency_minor": {ApplyWith: filterCurrency(true), Arg: variables.ArgRequired, CheckArg: checkCurrencyArg},
		"number":         {ApplyWith: filterNumber(KindNumber), Arg: variables.ArgOptional, CheckArg: checkPrecisionArg},
		"percent":        {ApplyWith: filterNumber(KindPercent), Arg: variables.ArgOptional, CheckArg: checkPrecisionArg},
		"date":           {ApplyWith: filterTime(KindDate)},
		"datetime":       {ApplyWith: filterTime(KindDateTime)},
	}
}

func checkCurrencyArg(arg string) error {
	if _, ok := currencyOf(arg); !ok {
		return errors.New("not an ISO 4217 currency code this package knows")
	}
	return nil
}

// maxFilterPrecision is the most fraction digits number and percent take,
// as the precision of the formats.
const maxFilterPrecision = 10

func checkPrecisionArg(arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 || n > maxFilterPrecision || strings.HasPrefix(arg, "+") {
		return errors.New("fraction digits must be a whole number from 0 to 10")
	}
	return nil
}

// filterDiag records a diagnostic of a filter when it runs through a
// renderer's resolver.
func filterDiag(r variables.Resolver, code, msg string) {
	if x, ok := r.(*resolver); ok {
		x.r.diag(code, x.ptr, msg)
	}
}

// filterNum parses v as the number formats do (a JSON number's text or a
// numeric string, surrounded by spaces or not). Like a field format, a
// value that is not a number is kept as written, with an invalid_number
// diagnostic, and an empty value stays empty (a default filter may
// follow).
func filterNum(r variables.Resolver, v string, buf []byte) (num, bool) {
	n, ok := parseNum(strings.TrimSpace(v), buf)
	if !ok {
		filterDiag(r, "invalid_number", "not a number (or beyond the supported range); shown as text")
	}
	return n, ok
}

// filterCurrency returns the currency filter: the currency format's
// output for the code in arg (checked at parse time), with amounts in
// the minor unit when minor is set.
func filterCurrency(minor bool) func(r variables.Resolver, v, arg string) (string, error) {
	return func(r variables.Resolver, v, arg string) (string, error) {
		if v == "" {
			return "", nil
		}
		var scratch [64]byte
		n, ok := filterNum(r, v, scratch[:0])
		if !ok {
			return v, nil
		}
		cur, _ := currencyOf(arg)
		if minor {
			n = n.shift(-cur.minor)
		}
		// As formatNumber: round once, then write the sign of the rounded
		// amount before the symbol (-0.001 is $0.00, -0.949 is -$0.95).
		var buf [64]byte
		n = n.round(cur.digits, buf[:0])
		b := make([]byte, 0, 32)
		if n.neg && !n.isZero() {
			b = append(b, '-')
		}
		n.neg = false
		b = append(b, cur.symbol...)
		return string(appendDecimal(b, n, cur.digits, cur.digits, 4)), nil
	}
}

// filterNumber returns the number (kind KindNumber) or percent filter:
// the output of the format of that kind with the precision in arg
// (checked at parse time; "" is the format's default). A percent value
// is a ratio: 0.25 is 25%.
func filterNumber(kind Kind) func(r variables.Resolver, v, arg string) (string, error) {
	return func(r variables.Resolver, v, arg string) (string, error) {
		if v == "" {
			return "", nil
		}
		var scratch [64]byte
		n, ok := filterNum(r, v, scratch[:0])
		if !ok {
			return v, nil
		}
		prec := -1
		if arg != "" {
			prec, _ = strconv.Atoi(arg)
		}
		b := make([]byte, 0, 32)
		if kind == KindPercent {
			minFrac, maxFrac := 0, 2
			if prec >= 0 {
				minFrac, maxFrac = prec, prec
			}
			b = appendNum(b, n.shift(2), minFrac, maxFrac)
			return string(append(b, '%')), nil
		}
		if prec >= 0 {
			return string(appendNum(b, n, prec, prec)), nil
		}
		return string(appendNum(b, n, 0, maxNumDigits)), nil
	}
}

// filterTime returns the date (KindDate) or datetime filter: the format's
// output in the render's time zone (RenderOptions.Location), UTC through
// any other resolver. A plain date is never shifted between zones.
func filterTime(kind Kind) func(r variables.Resolver, v, arg string) (string, error) {
	return func(r variables.Resolver, v, _ string) (string, error) {
		if v == "" {
			return "", nil
		}
		loc := time.UTC
		if x, ok := r.(*resolver); ok {
			loc = x.r.o.Location
		}
		t, dateOnly, ok := parseTime(gjson.Result{Type: gjson.String, Str: v}, "")
		if ok && !dateOnly {
			t = t.In(loc)
		}
		if !ok || t.Year() < 1 || t.Year() > 9999 {
			filterDiag(r, "invalid_date", "not a date or time (or a year outside 1-9999); shown as text")
			return v, nil
		}
		b := make([]byte, 0, 40)
		if dateOnly || kind == KindDate {
			return string(appendDate(b, t)), nil
		}
		return string(appendDateTime(b, t)), nil
	}
}
