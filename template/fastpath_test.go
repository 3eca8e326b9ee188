package template

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidwall/gjson"
)

// FuzzScanIndex checks the index Render builds while validating
// (scanJSON) against objIndex.build, which FuzzIndex checks against
// gjson, and scanJSON's verdict against encoding/json.
func FuzzScanIndex(f *testing.F) {
	for _, s := range []string{
		`{"a":{"b":[1,2]},"b":[{"x":1}],"c":"s"}`, `{}`, ` { "a" : 1 , "b" : { "c" : [ ] } } `,
		`{"a\u002eb":1,"a":{"b":"y"}}`, `{"a":1,"a":2}`, `[{"a":1}]`, `"s"`, `{"a":[{"b":{"c":{}}}],"d":null,"e":true}`,
		`{"a":1,}`, `{"a":{"b":1}`, `{"k\"q":"v\\"}`,
	} {
		f.Add(s)
	}
	var many strings.Builder
	many.WriteString(`{"c":[1]`)
	for i := range 70 {
		fmt.Fprintf(&many, `,"k%d":%d`, i, i)
	}
	many.WriteString(`}`)
	f.Add(many.String())
	f.Fuzz(func(t *testing.T, s string) {
		var got objIndex
		indexed, err := scanJSON(s, 64, &got)
		if verr := validate([]byte(s), 64); err != verr {
			t.Fatalf("scanJSON(%q) = %v, validate %v", s, err, verr)
		}
		if err == nil && !json.Valid([]byte(s)) {
			t.Fatalf("scanJSON accepted %q", s)
		}
		if err != nil {
			return
		}
		trimmed := strings.TrimSpace(s)
		if trimmed[0] != '{' {
			if indexed {
				t.Fatalf("scanJSON(%q) indexed a non-object", s)
			}
			return
		}
		var want objIndex
		wantOK := want.build(trimmed)
		if indexed != wantOK {
			t.Fatalf("scanJSON(%q) indexed = %v, build %v", s, indexed, wantOK)
		}
		if !indexed {
			return
		}
		if diff := cmp.Diff(want.keys, got.keys); diff != "" {
			t.Fatalf("keys of %q (-build +scanJSON):\n%s", s, diff)
		}
		for i := range want.vals {
			w, g := want.vals[i], got.vals[i]
			if w.Raw != g.Raw || w.Type != g.Type || w.Str != g.Str {
				t.Fatalf("value %d of %q: scanJSON %+v, build %+v", i, s, g, w)
			}
		}
	})
}

// TestScanIndexHostile: deep nesting is refused before any indexing
// (the stack stays the explicit one), and huge keys and values index as
// they are.
func TestScanIndexHostile(t *testing.T) {
	var x objIndex
	deep := `{"a":` + strings.Repeat("[", 3_000_000) + strings.Repeat("]", 3_000_000) + `}`
	if _, err := scanJSON(deep, 64, &x); err != ErrTooDeep {
		t.Errorf("3M nested brackets: err = %v, want ErrTooDeep", err)
	}
	x = objIndex{}
	big := strings.Repeat("k", 1<<20)
	doc := `{"` + big + `":"` + big + `","\r\n../\"<script>":1}`
	indexed, err := scanJSON(doc, 64, &x)
	if err != nil || !indexed {
		t.Fatalf("scanJSON = %v, %v", indexed, err)
	}
	if diff := cmp.Diff([]string{big, "\r\n../\"<script>"}, x.keys); diff != "" {
		t.Errorf("keys differ (-want +got):\n%s", diff[:min(len(diff), 300)])
	}
	if x.get(big).Str != big || x.get("\r\n../\"<script>").Raw != "1" {
		t.Error("values differ")
	}
}

// TestStringSpecial checks the eight-byte scanners' marks (strings and
// URLs) against
// a byte loop: every byte value at every position, after plain bytes,
// bytes from 0x80 and other special bytes.
func TestStringSpecial(t *testing.T) {
	for _, fill := range []byte{'a', 0x80, 0xff, 0x21, 0x1f, '\\', 0x7f, ' '} {
		for pos := range 8 {
			for c := range 256 {
				var b [8]byte
				for i := range b {
					b[i] = fill
				}
				if fill == 0x1f || fill == '\\' || fill == 0x7f || fill == ' ' {
					// A special byte only after pos.
					for i := 0; i <= pos; i++ {
						b[i] = 'a'
					}
				}
				b[pos] = byte(c)
				x := load64(b[:], 0)
				wantQ, wantS := -1, -1
				for i, c := range b {
					if wantQ < 0 && (c == '"' || c == '\\') {
						wantQ = i
					}
					if wantS < 0 && (c == '"' || c == '\\' || c < 0x20) {
						wantS = i
					}
				}
				if got := markIndex(quoteOrBackslash(x)); got != wantQ {
					t.Fatalf("quoteOrBackslash(%q) = %d, want %d", b, got, wantQ)
				}
				if got := markIndex(stringSpecial(x)); got != wantS {
					t.Fatalf("stringSpecial(%q) = %d, want %d", b, got, wantS)
				}
				wantU := -1
				for i, c := range b {
					if c <= ' ' || c == 0x7f || c == '\\' || c >= 0x80 {
						wantU = i
						break
					}
				}
				if got := markIndex(urlSpecial(x)); got != wantU {
					t.Fatalf("urlSpecial(%q) = %d, want %d", b, got, wantU)
				}
			}
		}
	}
}

func markIndex(m uint64) int {
	if m == 0 {
		return -1
	}
	return firstByte(m)
}

// BenchmarkScanJSON is the validation pass of a render (nesting depth,
// RFC 8259 and the top-level index) over the 200-row fixture.
func BenchmarkScanJSON(b *testing.B) {
	data, err := os.ReadFile("testdata/cases/perf_fixture_200/data.json")
	if err != nil {
		b.Fatal(err)
	}
	doc := string(data)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var x objIndex
		if ok, err := scanJSON(doc, DefaultMaxDepth, &x); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// FuzzParseRFC3339 checks the fast path for the usual timestamps
// against time.Parse (parseDateTimeStd): whatever it accepts, time.Parse
// accepts as the same instant; and it accepts the plainest forms.
func FuzzParseRFC3339(f *testing.F) {
	for _, s := range []string{"2024-01-15T14:30:00Z", "2024-02-29T00:00:00z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
		"2024-12-31 23:59:59Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:60Z", "2024-13-01T00:00:00Z", "2024-01-15T24:00:00Z",
		"+024-01-15T14:30:00Z", "2024-01-15T14:30:0-Z", "1900-02-29T12:00:00Z", "2000-02-29T12:00:00Z", "2024-06-31T00:00:00Z",
		"2024-01-15T10:00:00.123+05:30", "2024-01-15T10:00:00.123456789-23:59", "2024-01-15T10:00:00.1234567891Z",
		"2024-01-15T10:00:00,5Z", "2024-01-15T10:00:00.Z", "2024-01-15T10:00:00+24:00", "2024-01-15T10:00:00-00:00",
		"2024-01-15t10:00:00", "2024-01-15T10:00:00.5", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
		"0000-01-01 00:00:00.000000000+00:10", "2024-01-15T09:30:00.000+0000", "2024-01-15T09:30:00-2359", "2024-01-15T09:30:00+2400",
		"2024-01-15T09:30:00+05:3", "2024-01-15T09:30:00+053x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseRFC3339(s)
		if len(s) >= 19 {
			// (parseTime calls parseDateTime only from 19 bytes on.)
			want, wantOK := parseDateTimeStd(s)
			if ok && (!wantOK || !got.Equal(want)) {
				t.Fatalf("parseRFC3339(%q) = %v, time.Parse %v, %v", s, got, want, wantOK)
			}
		} else if ok {
			t.Fatalf("parseRFC3339(%q) accepted a short text", s)
		}
		if ok && got.Location() != time.UTC {
			t.Fatalf("parseRFC3339(%q) in %v, want UTC", s, got.Location())
		}
		if ok && (got.Year() < 0 || got.Year() > 9999) {
			t.Fatalf("parseRFC3339(%q) = year %d", s, got.Year())
		}
		if !ok && len(s) == 20 && s[19] == 'Z' && s[10] == 'T' {
			if _, err := time.Parse(time.RFC3339, s); err == nil {
				t.Fatalf("parseRFC3339(%q) refused what time.Parse accepts", s)
			}
		}
	})
}

// FuzzAppendFixed checks the fast path for amounts that need no
// rounding against the general path formatNumber takes for a currency:
// parseNum, round, the sign of the rounded value, appendDecimal.
func FuzzAppendFixed(f *testing.F) {
	for _, s := range []string{"0.99", "1234.5", "-1234567.89", "0", "-0", "-0.00", "0.001", "007", "1e3", "+5", "5.", ".5", "12.345",
		"1000", "999999999999999999999999999999.99", "-", "", "1.2.3", "١٢"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, frac uint8) {
		prec := int(frac % 5)
		got, ok := appendFixed(nil, s, "$", prec)
		var scratch, buf [64]byte
		n, valid := parseNum(s, scratch[:0])
		if !valid {
			if ok {
				t.Fatalf("appendFixed(%q) = %q, but parseNum refuses it", s, got)
			}
			return
		}
		if !ok {
			return
		}
		n = n.round(prec, buf[:0])
		var want []byte
		if n.neg && !n.isZero() {
			want = append(want, '-')
		}
		n.neg = false
		want = append(want, '$')
		want = appendDecimal(want, n, prec, prec, 4)
		if string(got) != string(want) {
			t.Fatalf("appendFixed(%q, %d) = %q, general path %q", s, prec, got, want)
		}
	})
}

// BenchmarkFormatValue is the per-value work of a render, one format at a
// time (the fast paths and the general ones), without scanning.
func BenchmarkFormatValue(b *testing.B) {
	tp, err := Parse([]byte(`{"version":1,"sections":[{"type":"keyvalue","items":[
		{"label":"a","value":"{{v}}","format":{"type":"currency","currency":"USD"}},
		{"label":"a","value":"{{v}}","format":"date"},
		{"label":"a","value":"{{v}}","format":{"type":"link","label":"Open"}},
		{"label":"a","value":"{{v}}","format":{"type":"badge","tones":{"shipped":"success","pending":"warning"}}},
		{"label":"a","value":"{{v}}"},
		{"label":"a","value":"{{v}}","format":"datetime"},
		{"label":"a","value":"{{v}}","format":{"type":"number","compact":true}}]}]}`))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		item int
		raw  string
	}{
		{"currency", 0, `1234.5`},
		{"currency_rounded", 0, `1234.567`},
		{"date", 1, `"2024-01-15T10:00:00Z"`},
		{"date_offset", 1, `"2024-01-15T10:00:00.123+05:30"`},
		{"link", 2, `"https://shop.example.com/o/199"`},
		{"badge", 3, `"shipped"`},
		{"text", 4, `"ord_199"`},
		{"text_unclean", 4, "\"ord\\u202e199\""},
		{"datetime", 5, `"2024-01-15T10:00:00Z"`},
		{"compact", 6, `1234567`},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := tp.sections[0].items[c.item]
			v := gjson.Parse(c.raw)
			r := &renderer{t: tp, o: (*RenderOptions)(nil).resolve(), w: work{left: math.MaxInt}}
			b.ReportAllocs()
			for b.Loop() {
				var out Value
				r.formatValue(&out, v, f.format, &r.top, f.vptr)
				if out.Text == "" || len(r.diags) > 0 {
					b.Fatalf("%+v %v", out, r.diags)
				}
			}
		})
	}
}

func TestAppendSmall(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 31, 99, 100, 999, 1000, 2024, 9999, 10000, 123456, -1, -2024} {
		if got, want := string(appendSmall([]byte("x"), n)), "x"+strconv.Itoa(n); got != want {
			t.Errorf("appendSmall(%d) = %q, want %q", n, got, want)
		}
	}
}
