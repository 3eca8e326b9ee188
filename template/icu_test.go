package template_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of testdata/icu/dates.json, on any machine

	"github.com/inboxkit/inboxkit/template"
)

// icuRow is one row of the ICU oracle tables that testdata/icu/gen.mjs
// writes: a value (its JSON text), a field format and the text ICU's
// en-US formatter gives.
type icuRow struct {
	Zone   string          `json:"zone"` // dates only
	Format json.RawMessage `json:"format"`
	Value  string          `json:"value"`
	ICU    string          `json:"icu"`
}

// checkICU renders every row of the table in file and reports each text
// that differs from ICU's.
func checkICU(t *testing.T, file string, minRows int) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var rows []icuRow
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) < minRows {
		t.Fatalf("%s has %d rows, want at least %d", file, len(rows), minRows)
	}
	templates := map[string]*template.Template{}
	failed, deviations := 0, 0
	for _, row := range rows {
		key := string(row.Format)
		tp := templates[key]
		if tp == nil {
			def := `{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"v","value":"{{v}}","format":` + key + `}]}]}`
			if tp, err = template.Parse([]byte(def)); err != nil {
				t.Fatalf("Parse(%s): %v", def, err)
			}
			templates[key] = tp
		}
		loc := time.UTC
		if row.Zone != "" {
			if loc, err = time.LoadLocation(row.Zone); err != nil {
				t.Fatal(err)
			}
		}
		out, err := tp.Render([]byte(`{"v":`+row.Value+`}`), &template.RenderOptions{Location: loc})
		if err != nil {
			t.Fatalf("Render(%s): %v", row.Value, err)
		}
		got := out.Nodes[0].Items[0].Value.Text
		if zoneNameBefore1970(got, row.ICU) {
			deviations++
			continue
		}
		if got != row.ICU || len(out.Diagnostics) > 0 {
			if failed++; failed <= 400 {
				t.Errorf("%s %s in %s: got %q, ICU %q; diagnostics %v", row.Format, row.Value, loc, got, row.ICU, out.Diagnostics)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d rows differ from ICU", failed, len(rows))
	}
	t.Logf("%d rows agree with ICU, %d differ as documented", len(rows)-failed-deviations, deviations)
}

// zoneNameBefore1970 reports whether got and icu differ only as the
// package documentation lists: before 1970 ICU names a zone by its offset
// ("GMT-5") where the tz database has an abbreviation (EST, EWT).
func zoneNameBefore1970(got, icu string) bool {
	gi, ii := strings.LastIndexByte(got, ' '), strings.LastIndexByte(icu, ' ')
	if gi < 0 || ii < 0 || got[:gi] != icu[:ii] || !strings.HasPrefix(icu[ii:], " GMT") {
		return false
	}
	for _, c := range got[gi+1:] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	fields := strings.Split(got, ", ") // "Jan 2", "1969", "3:04 PM EST"
	year, err := strconv.Atoi(fields[1])
	return len(fields) == 3 && err == nil && year < 1970
}

// TestICUNumbers checks numbers, currencies and percentages against ICU
// (Intl.NumberFormat, en-US): carries, negatives, -0, huge and tiny
// values, exponents, strings holding numbers, minor units, precision
// 0-4, compact notation and percentages, and every currency's default
// digits and symbol.
func TestICUNumbers(t *testing.T) {
	t.Parallel()
	checkICU(t, "testdata/icu/numbers.json", 5000)
}

// TestICUDates checks dates and date-times against ICU
// (Intl.DateTimeFormat, en-US) in UTC, a zone with daylight saving time
// and one whose tz abbreviation is numeric: ISO strings with and without
// zones, plain dates, Unix seconds and milliseconds.
func TestICUDates(t *testing.T) {
	t.Parallel()
	checkICU(t, "testdata/icu/dates.json", 1000)
}

// TestICUDeviations pins each difference from ICU that the package
// documentation lists: what ICU (Node 20, ICU 78) writes, and what the
// library writes instead.
func TestICUDeviations(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format, value string
		loc           *time.Location
		icu, want     string
		diagnostic    string
	}{
		{`{"type":"currency","currency":"USD"}`, `-0.001`, nil, "-$0.00", "$0.00", ""},
		{`"number"`, `-0`, nil, "-0", "0", ""},
		{`{"type":"number","compact":true}`, `12345`, nil, "12K", "12.3K", ""},
		{`{"type":"currency","currency":"{{c}}"}`, `1`, nil, "ABC 1.00", "1", "invalid_currency"},
		{`"number"`, `"0x1F"`, nil, "31", "0x1F", "invalid_number"},
		{`"number"`, `"Infinity"`, nil, "∞", "Infinity", "invalid_number"},
		{`"number"`, `"  "`, nil, "0", "  ", "invalid_number"},
		{`"date"`, `"0000-06-01"`, nil, "Jun 1, 1", "0000-06-01", "invalid_date"},
		{`"datetime"`, `"2024-01-15T14:30:00Z"`, berlin, "Jan 15, 2024, 3:30 PM GMT+1", "Jan 15, 2024, 3:30 PM CET", ""},
	}
	for _, tt := range tests {
		def := `{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"v","value":"{{v}}","format":` + tt.format + `}]}]}`
		tp, err := template.Parse([]byte(def))
		if err != nil {
			t.Fatalf("Parse(%s): %v", def, err)
		}
		out, err := tp.Render([]byte(`{"c":"ABC","v":`+tt.value+`}`), &template.RenderOptions{Location: tt.loc})
		if err != nil {
			t.Fatal(err)
		}
		got := out.Nodes[0].Items[0].Value.Text
		code := ""
		if len(out.Diagnostics) > 0 {
			code = out.Diagnostics[0].Code
		}
		if got == tt.icu || got != tt.want || code != tt.diagnostic {
			t.Errorf("%s %s: got %q (diagnostic %q), want %q (%q) where ICU writes %q", tt.format, tt.value, got, code, tt.want, tt.diagnostic, tt.icu)
		}
	}
}

func ExampleTemplate_Render_money() {
	tp, err := template.Parse([]byte(`{"version":1,"sections":[{"type":"keyvalue","items":[
		{"label":"Refund","value":"{{refund}}","format":{"type":"currency","currency":"USD"}},
		{"label":"Balance","value":"{{balance}}","format":{"type":"currency","currency":"KWD"}},
		{"label":"Revenue","value":"{{revenue}}","format":{"type":"currency","currency":"EUR","compact":true}}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := tp.Render([]byte(`{"refund":-0.949,"balance":"-1234.5675","revenue":999950}`), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range out.Nodes[0].Items {
		fmt.Printf("%s: %q\n", it.Label, it.Value.Text)
	}
	// Output:
	// Refund: "-$0.95"
	// Balance: "-KWD\u00a01,234.568"
	// Revenue: "€1M"
}
