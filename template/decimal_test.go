package template

import (
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// refRound is an independent reference for num.round: s rounded half away
// from zero to prec fraction digits with math/big, as a fixed-point text.
func refRound(s string, prec int) string {
	r, ok := new(big.Rat).SetString(strings.TrimPrefix(s, "+"))
	if !ok {
		return ""
	}
	neg := r.Sign() < 0
	r.Abs(r)
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(prec)), nil)
	r.Mul(r, new(big.Rat).SetInt(scale))
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // floor(|x|·10^prec + 1/2)
	if neg && q.Sign() != 0 {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, scale).FloatString(prec)
}

// FuzzRound checks rounding against math/big on any decimal text, and
// that rounding never changes the number it rounds (the digits shared
// with the parse buffer: a second rounding once saw the first one's
// carry, and -0.949 became -$0.96).
func FuzzRound(f *testing.F) {
	for _, s := range []string{"-0.949", "-999.999", "-9.99", "19.99", "99999.95", "0.5", "-0.005", "9.995e2", "1e-3", "0", "-0", "123456789.987654321"} {
		for prec := range 5 {
			f.Add(s, prec)
		}
	}
	f.Fuzz(func(t *testing.T, s string, prec int) {
		if len(s) > 60 || prec < 0 || prec > 12 {
			return
		}
		var pbuf, rbuf [64]byte
		n, ok := parseNum(s, pbuf[:0])
		if !ok || n.pt > 40 || n.pt < -40 {
			return
		}
		before := string(n.d)
		first := string(appendNum(nil, n.round(prec, rbuf[:0]), prec, prec))
		if string(n.d) != before {
			t.Fatalf("round(%q, %d) changed its input digits %q to %q", s, prec, before, n.d)
		}
		if again := string(appendNum(nil, n.round(prec, rbuf[:0]), prec, prec)); again != first {
			t.Fatalf("round(%q, %d) = %q, then %q", s, prec, first, again)
		}
		want := refRound(strings.TrimSuffix(s, "."), prec)
		if want == "" {
			return // a form big.Rat does not read (".5"); parseNum's own tests cover it
		}
		if got := strings.ReplaceAll(first, ",", ""); got != want {
			t.Fatalf("round(%q, %d) = %q, math/big says %q", s, prec, got, want)
		}
	})
}

func TestParseNum(t *testing.T) {
	tests := []struct {
		in   string
		want string // appendNum at full precision; "" when refused
	}{
		{"5.", "5"}, {".5", "0.5"}, {"-.5", "-0.5"}, {"+5", "5"}, {"007.50", "7.5"}, {"1e3", "1,000"},
		{".", ""}, {"", ""}, {"e5", ""}, {"1e", ""}, {"0x10", ""}, {"Infinity", ""}, {"1_000", ""}, {"--1", ""},
	}
	for _, tt := range tests {
		var buf [64]byte
		n, ok := parseNum(tt.in, buf[:0])
		got := ""
		if ok {
			got = string(appendNum(nil, n, 0, maxNumDigits))
		}
		if got != tt.want {
			t.Errorf("parseNum(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseTime checks the date parser on any text: no panic, and what
// it accepts as an RFC 3339 date-time has an offset RFC 3339 allows and
// a year the formats can show.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-15T14:30:00Z", "2024-01-15t14:30:00z", "2024-01-15 14:30:00", "2024-01-15T10:00:00+24:00",
		"2024-01-15T10:00:00-23:59", "0000-01-01T00:00:00Z", "2024-01-15", "1705329000", "1705329000000.5", "-1e3", "2024-01-15T10:00:00.123456789+05:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := gjson.Parse(strconv.Quote(s))
		tm, dateOnly, ok := parseTime(v, "")
		if !ok || dateOnly {
			return
		}
		_, offset := tm.Zone()
		if offset <= -24*3600 || offset >= 24*3600 {
			t.Fatalf("parseTime(%q) accepted offset %ds", s, offset)
		}
		if strings.ContainsAny(s, ":") && (tm.Year() < 0 || tm.Year() > 10000) {
			t.Fatalf("parseTime(%q) = year %d", s, tm.Year())
		}
	})
}
