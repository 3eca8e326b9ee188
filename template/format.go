package template

import (
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// format is a compiled field format.
type format struct {
	kind        Kind
	precision   int // -1: default
	compact     bool
	cur         currencyInfo // the literal ISO 4217 currency, looked up at parse time
	currencyArg *binding     // or a binding that yields its code
	minorUnits  bool         // currency amounts are in minor units (cents)
	ratio       bool         // percent: the value is a ratio (0.25 = 25%)
	unit        string       // date/datetime/relative: "", "s", "ms"; duration: "ms","s","m","h","d"
	trueLabel   string
	falseLabel  string
	tones       map[string]Tone
	toneKeys    []string // keys of tones, sorted: the case-insensitive fallback is deterministic
	defaultTone Tone
	label       *binding // link label
}

// rawOf returns the raw JSON of v for Value.Raw, or "" when too large.
func rawOf(v gjson.Result, max int) RawJSON {
	if len(v.Raw) > max {
		return ""
	}
	return RawJSON(v.Raw)
}

// plainString returns v as text: strings as they are, numbers as written,
// booleans as true/false, null as "", objects and arrays as their JSON.
func plainString(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		return v.Str
	case gjson.True:
		return "true"
	case gjson.False:
		return "false"
	case gjson.Null:
		return ""
	}
	return v.Raw
}

// formatValue renders v with f into out, which must be the zero Value.
// ptr names the template field for diagnostics. (It fills out in place,
// where the value's table cell or item already is: returning a Value to
// append cost a typed copy with write barriers per cell, ~6% of
// BenchmarkRenderFixture.)
func (r *renderer) formatValue(out *Value, v gjson.Result, f *format, sc *scope, ptr string) {
	if !v.Exists() || !r.w.spend(len(v.Raw)) {
		// Formatting reads the whole value: a large value shown in every
		// row is charged like a lookup that scans it.
		out.Kind = KindEmpty
		return
	}
	out.Kind, out.Raw = f.kind, rawOf(v, r.o.MaxTextLength)
	if v.Type == gjson.Null || (v.Type == gjson.String && v.Str == "") {
		out.Kind = KindEmpty
		return
	}
	var text string
	switch f.kind {
	case KindNumber, KindCurrency, KindPercent:
		text = r.formatNumber(v, f, sc, ptr, out)
	case KindDate, KindDateTime, KindRelative:
		text = r.formatTime(v, f, ptr)
	case KindDuration:
		text = r.formatDuration(v, f, ptr)
	case KindBoolean:
		text = r.formatBool(v, f, ptr)
	case KindBadge:
		text = plainString(v)
		out.Tone = f.toneOf(text)
	case KindLink:
		s := plainString(v)
		if p := urlProblem(s, false); p != "" {
			// The unsafe URL is not shown as text either: only Raw keeps it.
			r.diag("unsafe_url", ptr, "link dropped: ", p)
			out.Kind = KindEmpty
			return
		}
		out.Href = s
		text = s
		if f.label != nil {
			text = r.expand(f.label, sc, ptr)
		}
	case KindEmail:
		text = plainString(v)
		if validEmail(text) {
			out.Href = r.arena.str("mailto:", text)
		} else {
			r.diag("invalid_email", ptr, "not an email address; shown without a link")
		}
	case KindPhone:
		text = plainString(v)
		if href := r.telURL(text); href != "" {
			out.Href = href
		} else {
			r.diag("invalid_phone", ptr, "not a phone number; shown without a link")
		}
	default:
		text = plainString(v)
	}
	out.Text = r.cleanText(text, ptr)
}

// cleanText sanitizes display text and applies the text length limit.
func (r *renderer) cleanText(s string, ptr string) string {
	out, cut := r.arena.clean(s, r.o.MaxTextLength, false)
	if cut {
		r.truncated(ptr)
	}
	return out
}

// truncated reports a text cut at the text length limit.
func (r *renderer) truncated(ptr string) {
	r.diag("text_truncated", ptr, "text longer than ", strconv.Itoa(r.o.MaxTextLength), " bytes was truncated")
}

func (f *format) toneOf(s string) Tone {
	if t, ok := f.tones[s]; ok {
		return t
	}
	for _, k := range f.toneKeys {
		if strings.EqualFold(k, s) {
			return f.tones[k]
		}
	}
	if f.defaultTone != "" {
		return f.defaultTone
	}
	return ToneNeutral
}

// numText returns the text of a number-like value: a JSON number or a
// string holding one.
func numText(v gjson.Result) (string, bool) {
	switch v.Type {
	case gjson.Number:
		return v.Raw, true
	case gjson.String:
		return strings.TrimSpace(v.Str), true
	}
	return "", false
}

func (r *renderer) formatNumber(v gjson.Result, f *format, sc *scope, ptr string, out *Value) string {
	s, ok := numText(v)
	if ok && f.kind == KindCurrency && f.currencyArg == nil && f.cur.code != "" && !f.compact && !f.minorUnits {
		// Most amounts need no rounding: written as they are (see
		// appendFixed).
		frac := f.cur.digits
		if f.precision >= 0 {
			frac = f.precision
		}
		if b, fixed := appendFixed(r.arena.begin(32), s, f.cur.symbol, frac); fixed {
			out.Currency = f.cur.code
			return r.arena.end(b)
		}
	}
	var scratch [64]byte
	var n num
	if ok {
		n, ok = parseNum(s, scratch[:0])
	}
	if !ok {
		r.diag("invalid_number", ptr, "not a number (or beyond the supported range); shown as text")
		out.Kind = KindText
		return plainString(v)
	}
	// Resolve the currency before taking arena space: expand uses the
	// arena too, and arena strings are built one at a time.
	cur, known := f.cur, f.cur.code != ""
	if f.kind == KindCurrency && f.currencyArg != nil {
		cur, known = currencyOf(r.expand(f.currencyArg, sc, ptr))
	}
	b := r.arena.begin(32)
	var buf [64]byte // rounded digits
	switch f.kind {
	case KindCurrency:
		if !known {
			r.diag("invalid_currency", ptr, "unknown currency code; shown as a number")
			out.Kind = KindNumber
			b = appendNum(b, n, 0, 20)
			return r.arena.end(b)
		}
		out.Currency = cur.code
		if f.minorUnits {
			n = n.shift(-cur.minor)
		}
		// Round once, then write the sign of the rounded amount before
		// the symbol: -0.001 is $0.00, -0.949 is -$0.95.
		minFrac, maxFrac := cur.digits, cur.digits
		if f.precision >= 0 {
			minFrac, maxFrac = f.precision, f.precision
		}
		minGrouping, suffix := 4, ""
		if f.compact {
			minFrac, maxFrac, minGrouping = 0, compactPrecision(f.precision), 5
			n, suffix = compact(n, maxFrac, buf[:0])
		} else {
			n = n.round(maxFrac, buf[:0])
		}
		if n.neg && !n.isZero() {
			b = append(b, '-')
		}
		n.neg = false
		b = append(b, cur.symbol...)
		b = appendDecimal(b, n, minFrac, maxFrac, minGrouping)
		b = append(b, suffix...)
	case KindPercent:
		if f.ratio {
			n = n.shift(2)
		}
		minFrac, maxFrac := 0, 2
		if f.precision >= 0 {
			minFrac, maxFrac = f.precision, f.precision
		}
		b = appendNum(b, n, minFrac, maxFrac)
		b = append(b, '%')
	default:
		switch {
		case f.compact:
			prec := compactPrecision(f.precision)
			m, suffix := compact(n, prec, buf[:0])
			b = appendDecimal(b, m, 0, prec, 5)
			b = append(b, suffix...)
		case f.precision >= 0:
			b = appendNum(b, n, f.precision, f.precision)
		default:
			b = appendNum(b, n, 0, maxNumDigits)
		}
	}
	return r.arena.end(b)
}

// compactPrecision returns the fraction digits of compact notation:
// precision, or 1 by default (1.2K).
func compactPrecision(precision int) int {
	if precision < 0 {
		return 1
	}
	return precision
}

// compact scales n for compact notation: it returns n / 1000^k rounded to
// prec fraction digits and the suffix of k ("", K, M, B or T). As in ICU,
// k follows the rounded value: 999,950 is 1M, not 1000K, and 19.99 is 20
// (rounded once, from the original digits). buf holds rounded digits.
func compact(n num, prec int, buf []byte) (num, string) {
	suffixes := [...]string{"", "K", "M", "B", "T"}
	k := 0
	if n.pt > 3 {
		k = min((n.pt-1)/3, len(suffixes)-1)
	}
	m := n.shift(-3*k).round(prec, buf)
	if m.pt > 3 && k < len(suffixes)-1 {
		k++
		m = n.shift(-3*k).round(prec, buf)
	}
	return m, suffixes[k]
}

func (r *renderer) formatBool(v gjson.Result, f *format, ptr string) string {
	t, ok := truthValue(v)
	if !ok {
		r.diag("invalid_boolean", ptr, "not a boolean; shown as text")
		return plainString(v)
	}
	if t {
		return f.trueLabel
	}
	return f.falseLabel
}

// truthValue reads a boolean: JSON true/false, the numbers 1/0, or the
// strings true/false/yes/no/1/0 (any case).
func truthValue(v gjson.Result) (bool, bool) {
	switch v.Type {
	case gjson.True:
		return true, true
	case gjson.False:
		return false, true
	case gjson.Number:
		switch v.Raw {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case gjson.String:
		switch strings.ToLower(strings.TrimSpace(v.Str)) {
		case "true", "yes", "1":
			return true, true
		case "false", "no", "0":
			return false, true
		}
	}
	return false, false
}

// Date handling.

// parseTime reads RFC 3339 (with or without fraction or zone; 't', 'z'
// and a space are accepted for 'T' and 'Z'), plain dates (dateOnly is
// then set) and Unix seconds or milliseconds (numbers or numeric strings;
// unit "s" or "ms" forces one, otherwise values of at least 1e11 are
// milliseconds).
func parseTime(v gjson.Result, unit string) (t time.Time, dateOnly bool, ok bool) {
	var s string
	switch v.Type {
	case gjson.Number:
		s = v.Raw
	case gjson.String:
		s = strings.TrimSpace(v.Str)
	default:
		return time.Time{}, false, false
	}
	if len(s) > 64 {
		return time.Time{}, false, false
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		t, err := time.Parse(time.DateOnly, s)
		return t, true, err == nil
	}
	if len(s) >= 19 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') {
		t, ok := parseDateTime(s)
		return t, false, ok
	}
	var scratch, buf [32]byte
	n, good := parseNum(s, scratch[:0])
	if !good || n.pt > 16 {
		return time.Time{}, false, false
	}
	ms := unit == "ms" || (unit == "" && n.pt >= 12)
	// Integer and millisecond parts, exactly.
	if !ms {
		n = n.shift(3)
	}
	n = n.round(0, buf[:0])
	var msec int64
	for i := 0; i < n.intLen() && n.pt > 0; i++ {
		msec = msec*10 + int64(n.at(i))
		msec -= '0'
	}
	if n.neg {
		msec = -msec
	}
	t = time.UnixMilli(msec).UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, false, false
	}
	return t, false, true
}

// parseDateTime parses an RFC 3339 date-time, s[10] being 'T', 't' or a
// space, with an optional zone ('Z', 'z' or an offset of at most
// ±23:59); without one it is UTC.
func parseDateTime(s string) (time.Time, bool) {
	if t, ok := parseRFC3339(s); ok {
		return t, true
	}
	return parseDateTimeStd(s)
}

// parseDateTimeStd is parseDateTime with time.Parse.
func parseDateTimeStd(s string) (time.Time, bool) {
	layout := time.RFC3339Nano
	switch last := s[len(s)-1]; {
	case last == 'Z' || last == 'z':
	case len(s) >= 25 && (s[len(s)-6] == '+' || s[len(s)-6] == '-') && s[len(s)-3] == ':':
		// time.Parse accepts hours up to 24 (and 99 minutes in some
		// forms); RFC 3339's time-numoffset does not.
		hh, mm := s[len(s)-5:len(s)-3], s[len(s)-2:]
		if hh > "23" || mm > "59" {
			return time.Time{}, false
		}
	case len(s) >= 24 && (s[len(s)-5] == '+' || s[len(s)-5] == '-') && allDigits(s[len(s)-4:]):
		// ISO 8601's basic offset, "+0000", as Salesforce and other Java-based APIs write
		// it; the same range as the extended one.
		if hh, mm := s[len(s)-4:len(s)-2], s[len(s)-2:]; hh > "23" || mm > "59" {
			return time.Time{}, false
		}
		layout = "2006-01-02T15:04:05.999999999-0700"
	default:
		layout = "2006-01-02T15:04:05.999999999"
	}
	if s[10] == 'T' && s[len(s)-1] != 'z' {
		t, err := time.Parse(layout, s)
		return t, err == nil
	}
	var buf [64]byte
	b := append(buf[:0], s...)
	b[10] = 'T'
	if b[len(b)-1] == 'z' {
		b[len(b)-1] = 'Z'
	}
	t, err := time.Parse(layout, string(b))
	return t, err == nil
}

// parseRFC3339 parses the usual forms of API timestamps without
// time.Parse: "2006-01-02T15:04:05", an optional fraction of 1-9 digits,
// and 'Z' or an offset "+07:00" (or ISO 8601's basic "+0700") or none ('t', 'z' and a space accepted as
// in parseDateTime). It returns the instant, in UTC (formatTime shows it
// in RenderOptions.Location whatever the offset was), and false for any
// other text, which parseDateTime leaves to time.Parse: whatever it
// accepts, time.Parse accepts as the same instant (FuzzParseRFC3339).
// time.Parse was ~5% of BenchmarkRenderFixture, and an offset cost it a
// time.FixedZone: 3 allocations (BenchmarkFormatValue/date_offset).
func parseRFC3339(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	h, ok4 := digits(s[11:13])
	mi, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := s[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		nsec, _ = digits(rest[1:n])
		for range 10 - n {
			nsec *= 10
		}
		rest = rest[n:]
	}
	offset := 0
	switch {
	case rest == "":
	case rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':',
		len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'): // "+07:00", or ISO 8601's basic "+0700"
		oh, okh := digits(rest[1:3])
		om, okm := digits(rest[len(rest)-2:])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
		if offset != 0 && (y == 0 || y == 9999) {
			// In UTC the year could leave 0-9999, where time.Parse keeps
			// it in the offset's zone (FuzzParseTime).
			return time.Time{}, false
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, time.UTC)
	if offset != 0 {
		t = t.Add(-time.Duration(offset) * time.Second)
	}
	return t, true
}

// allDigits reports whether s is all ASCII digits.
func allDigits(s string) bool {
	_, ok := digits(s)
	return ok
}

// digits returns the decimal number s, which must be all ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn returns the number of days of month m of year y (proleptic
// Gregorian, as package time).
func daysIn(m time.Month, y int) int {
	if m == time.February {
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2)
}

func (r *renderer) formatTime(v gjson.Result, f *format, ptr string) string {
	t, dateOnly, ok := parseTime(v, f.unit)
	if ok && f.kind != KindRelative && !dateOnly {
		t = t.In(r.o.Location)
	}
	var y int
	var m time.Month
	var d int
	if ok && f.kind != KindRelative {
		y, m, d = t.Date() // once: it is the costly part of reading a time
	}
	if !ok || (f.kind != KindRelative && (y < 1 || y > 9999)) {
		// Years outside 1-9999 (0000-01-01, or 0001-01-01T00:00:00Z
		// west of UTC) have no agreed display: shown as written.
		r.diag("invalid_date", ptr, "not a date or time (or a year outside 1-9999); shown as text")
		return plainString(v)
	}
	b := r.arena.begin(40)
	switch {
	case f.kind == KindRelative:
		if dateOnly {
			y, m, d := t.Date()
			t = time.Date(y, m, d, 0, 0, 0, 0, r.o.Location)
		}
		b = appendRelative(b, r.o.Now.Sub(t))
	case dateOnly || f.kind == KindDate:
		b = appendYMD(b, y, m, d)
	default:
		b = appendDateTime(b, t)
	}
	return r.arena.end(b)
}

// appendDate appends t as ICU's en-US medium date, "Jan 2, 2006" (the
// year as it is: "Mar 1, 99").
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	return appendYMD(b, y, m, d)
}

// appendYMD is appendDate for the date y-m-d.
func appendYMD(b []byte, y int, m time.Month, d int) []byte {
	b = append(b, m.String()[:3]...)
	b = append(b, ' ')
	b = appendSmall(b, d)
	b = append(b, ", "...)
	return appendSmall(b, y)
}

// appendSmall appends n in decimal; it is strconv.AppendInt, which was
// a tenth of BenchmarkFormatValue/date, for the days and years (0-9999)
// of a date.
func appendSmall(b []byte, n int) []byte {
	switch {
	case n < 0 || n > 9999:
		return strconv.AppendInt(b, int64(n), 10)
	case n >= 1000:
		b = append(b, byte('0'+n/1000))
		fallthrough
	case n >= 100:
		b = append(b, byte('0'+n/100%10))
		fallthrough
	case n >= 10:
		b = append(b, byte('0'+n/10%10))
	}
	return append(b, byte('0'+n%10))
}

// appendDateTime appends t as "Jan 2, 2006, 3:04 PM EST": ICU's en-US
// date, hour, minute and short zone name. The zone is the tz database's
// abbreviation; a numeric one ("-03") and local mean time ("LMT", before
// a zone adopted standard time) are written as ICU writes an offset:
// "GMT-3", "GMT+5:30", "GMT-4:56:02".
func appendDateTime(b []byte, t time.Time) []byte {
	b = appendDate(b, t)
	b = append(b, ", "...)
	h := t.Hour()
	b = strconv.AppendInt(b, int64((h+11)%12+1), 10)
	b = append2(append(b, ':'), t.Minute())
	if h < 12 {
		b = append(b, " AM "...)
	} else {
		b = append(b, " PM "...)
	}
	name, offset := t.Zone()
	if name != "" && name[0] != '+' && name[0] != '-' && name != "LMT" {
		return append(b, name...)
	}
	b = append(b, "GMT"...)
	if offset == 0 {
		return b
	}
	if offset < 0 {
		b = append(b, '-')
		offset = -offset
	} else {
		b = append(b, '+')
	}
	b = strconv.AppendInt(b, int64(offset/3600), 10)
	if m, sec := offset%3600/60, offset%60; m != 0 || sec != 0 {
		b = append2(append(b, ':'), m)
		if sec != 0 {
			b = append2(append(b, ':'), sec)
		}
	}
	return b
}

// append2 appends n (0-99) as two digits.
func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// appendRelative appends d as "just now", "3 days ago" or "in 2 hours".
func appendRelative(b []byte, d time.Duration) []byte {
	future := d < 0
	if future {
		d = -d
	}
	var n int64
	var unit string
	switch {
	case d < 45*time.Second:
		return append(b, "just now"...)
	case d < 45*time.Minute:
		n, unit = int64((d+30*time.Second)/time.Minute), "minute"
	case d < 22*time.Hour:
		n, unit = int64((d+30*time.Minute)/time.Hour), "hour"
	case d < 26*24*time.Hour:
		n, unit = int64((d+12*time.Hour)/(24*time.Hour)), "day"
	case d < 320*24*time.Hour:
		n, unit = int64((d+15*24*time.Hour)/(30*24*time.Hour)), "month"
	default:
		n, unit = int64((d+182*24*time.Hour)/(365*24*time.Hour)), "year"
	}
	n = max(n, 1)
	if future {
		b = append(b, "in "...)
	}
	b = strconv.AppendInt(b, n, 10)
	b = append(b, ' ')
	b = append(b, unit...)
	if n != 1 {
		b = append(b, 's')
	}
	if !future {
		b = append(b, " ago"...)
	}
	return b
}

// maxDuration bounds formatted durations (about 100 years, in nanoseconds).
const maxDuration = float64(100 * 365 * 24 * time.Hour)

// durationUnit returns the unit named by s, or 0.
func durationUnit(s string) time.Duration {
	switch s {
	case "ms":
		return time.Millisecond
	case "s", "":
		return time.Second
	case "m":
		return time.Minute
	case "h":
		return time.Hour
	case "d":
		return 24 * time.Hour
	}
	return 0
}

func (r *renderer) formatDuration(v gjson.Result, f *format, ptr string) string {
	var d time.Duration
	ok := false
	unit := durationUnit(f.unit)
	if s, isNum := numText(v); isNum {
		if fv, err := strconv.ParseFloat(s, 64); err == nil {
			if x := fv * float64(unit); x > -maxDuration && x < maxDuration {
				d, ok = time.Duration(x).Round(time.Millisecond), true
			}
		} else if v.Type == gjson.String {
			if pd, err := time.ParseDuration(s); err == nil {
				d, ok = pd, true
			}
		}
	}
	if !ok {
		r.diag("invalid_duration", ptr, "not a duration; shown as text")
		return plainString(v)
	}
	return r.arena.end(appendDuration(r.arena.begin(24), d))
}

// appendDuration appends d as its two largest units: "2d 4h", "1h 30m",
// "45s", or "350ms" below a second.
func appendDuration(b []byte, d time.Duration) []byte {
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	if d < time.Second {
		b = strconv.AppendInt(b, int64(d/time.Millisecond), 10)
		return append(b, "ms"...)
	}
	parts := [...]struct {
		u time.Duration
		s string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	written := 0
	for _, p := range parts {
		if written == 2 {
			break
		}
		q := d / p.u
		if q == 0 {
			if written > 0 {
				written++
			}
			continue
		}
		if written > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(q), 10)
		b = append(b, p.s...)
		d -= q * p.u
		written++
	}
	return b
}

// validEmail accepts a plain addr-spec: one '@', a non-empty local part
// and a dotted domain, no spaces, controls, quotes, brackets or URL
// delimiters (so nothing can be smuggled into the mailto: URL).
func validEmail(s string) bool {
	if len(s) < 3 || len(s) > 254 {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	if !strings.Contains(s[at+1:], ".") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("<>()[]\\,;:\"?&#/%", c) >= 0 {
			return false
		}
	}
	return true
}

// telURL returns "tel:" and the digits of s (keeping a leading '+'),
// or "" when s does not look like a phone number.
func (r *renderer) telURL(s string) string {
	if len(s) > 40 {
		return ""
	}
	b := r.arena.begin(48)
	b = append(b, "tel:"...)
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b = append(b, c)
			digits++
		case c == '+' && digits == 0 && len(b) == 4:
			b = append(b, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/':
		default:
			return ""
		}
	}
	if digits < 3 || digits > 20 {
		return ""
	}
	return r.arena.end(b)
}
