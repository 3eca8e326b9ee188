package template_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/template"
)

// filterOf returns the filter expression that writes what the field
// format f writes, or "" when no filter does (compact, a currency's
// precision, percent scales, Unix units).
func filterOf(f map[string]any) string {
	if len(f) == 1 {
		switch f["type"] {
		case "number", "percent", "date", "datetime":
			return f["type"].(string)
		}
		return ""
	}
	switch f["type"] {
	case "currency":
		code, _ := f["currency"].(string)
		if len(f) == 2 {
			return fmt.Sprintf("currency:%q", code)
		}
		if len(f) == 3 && f["minor_units"] == true {
			return fmt.Sprintf("currency_minor:%q", code)
		}
	case "number", "percent":
		if p, ok := f["precision"].(float64); ok && len(f) == 2 {
			return fmt.Sprintf("%s:\"%d\"", f["type"], int(p))
		}
	}
	return ""
}

// TestFiltersICU renders every row of the ICU oracle tables whose format
// a filter can express through that filter instead ({{v | currency:"USD"}}
// in a text field) and checks that it writes what ICU writes, exactly as
// the format does.
func TestFiltersICU(t *testing.T) {
	t.Parallel()
	checked := map[string]int{}
	for _, file := range []string{"testdata/icu/numbers.json", "testdata/icu/dates.json"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var rows []icuRow
		if err := json.Unmarshal(b, &rows); err != nil {
			t.Fatal(err)
		}
		templates := map[string]*template.Template{}
		failed := 0
		for _, row := range rows {
			var f map[string]any
			if err := json.Unmarshal(row.Format, &f); err != nil {
				t.Fatal(err)
			}
			expr := filterOf(f)
			if expr == "" {
				continue
			}
			tp := templates[expr]
			if tp == nil {
				def, _ := json.Marshal(map[string]any{"version": 1, "sections": []any{map[string]any{
					"type": "keyvalue", "items": []any{map[string]any{"label": "v", "value": "{{ v | " + expr + " }}"}}}}})
				if tp, err = template.Parse(def); err != nil {
					t.Fatalf("Parse(%s): %v", def, err)
				}
				templates[expr] = tp
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
			checked[strings.Split(expr, ":")[0]]++
			if zoneNameBefore1970(got, row.ICU) {
				continue
			}
			if got != row.ICU || len(out.Diagnostics) > 0 {
				if failed++; failed <= 50 {
					t.Errorf("{{v | %s}} of %s in %s: got %q, ICU %q; diagnostics %v", expr, row.Value, loc, got, row.ICU, out.Diagnostics)
				}
			}
		}
	}
	for _, name := range []string{"currency", "currency_minor", "number", "percent", "date", "datetime"} {
		if checked[name] < 100 {
			t.Errorf("only %d ICU rows checked the %s filter, want at least 100", checked[name], name)
		}
	}
	t.Logf("rows checked per filter: %v", checked)
}

// renderText renders src as the value of a text field over data and
// returns its text and diagnostic codes.
func renderText(t testing.TB, src, data string, loc *time.Location) (string, []string) {
	t.Helper()
	def, _ := json.Marshal(map[string]any{"version": 1, "sections": []any{map[string]any{
		"type": "keyvalue", "items": []any{map[string]any{"label": "v", "value": src}}}}})
	tp, err := template.Parse(def)
	if err != nil {
		t.Fatalf("Parse(%s): %v", src, err)
	}
	out, err := tp.Render([]byte(data), &template.RenderOptions{Location: loc, Now: goldenNow})
	if err != nil {
		t.Fatalf("Render(%s): %v", data, err)
	}
	var codes []string
	for _, d := range out.Diagnostics {
		codes = append(codes, d.Code)
	}
	return out.Nodes[0].Items[0].Value.Text, codes
}

func TestFilters(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src, data string
		loc             *time.Location
		want            string
		diags           []string
	}{
		{"currency", `Order #{{id}} shipped — {{total | currency:"USD"}}`, `{"id":1001,"total":42}`, nil, "Order #1001 shipped — $42.00", nil},
		{"currency lower-case code", `{{t | currency:"eur"}}`, `{"t":"1234.5"}`, nil, "€1,234.50", nil},
		{"currency digits", `{{t | currency:"JPY"}} {{t | currency:"KWD"}}`, `{"t":1.2345}`, nil, "¥1 KWD\u00a01.235", nil},
		{"currency exact", `{{t | currency:"USD"}}`, `{"t":12345678901234567.885}`, nil, "$12,345,678,901,234,567.89", nil},
		{"currency negative zero", `{{t | currency:"USD"}}`, `{"t":-0.001}`, nil, "$0.00", nil},
		{"currency minor", `{{t | currency_minor:"USD"}} {{t | currency_minor:"HUF"}}`, `{"t":4200}`, nil, "$42.00 HUF\u00a042", nil},
		{"number", `{{n | number}} {{n | number:"0"}} {{n | number:"3"}}`, `{"n":1234.5678}`, nil, "1,234.5678 1,235 1,234.568", nil},
		{"percent", `{{p | percent}} {{p | percent:"0"}}`, `{"p":0.12345}`, nil, "12.35% 12%", nil},
		{"date", `{{d | date}}`, `{"d":"2024-01-15T02:00:00Z"}`, ny, "Jan 14, 2024", nil},
		{"plain date never shifts", `{{d | date}} {{d | datetime}}`, `{"d":"2024-01-15"}`, ny, "Jan 15, 2024 Jan 15, 2024", nil},
		{"datetime zone", `{{d | datetime}}`, `{"d":"2024-07-15T14:30:00Z"}`, ny, "Jul 15, 2024, 10:30 AM EDT", nil},
		{"unix seconds", `{{d | date}}`, `{"d":1705329000}`, nil, "Jan 15, 2024", nil},
		{"missing stays empty for default", `{{x | currency:"USD" | default:"-"}}{{x | date | default:"?"}}`, `{}`, nil, "-?", nil},
		{"not a number kept with a diagnostic", `Total: {{t | currency:"USD"}}`, `{"t":"ask us"}`, nil, "Total: ask us", []string{"invalid_number"}},
		{"not a date kept with a diagnostic", `{{t | date}}`, `{"t":"soon"}`, nil, "soon", []string{"invalid_date"}},
		{"year out of range", `{{t | datetime}}`, `{"t":"0000-01-01T00:00:00Z"}`, nil, "0000-01-01T00:00:00Z", []string{"invalid_date"}},
		{"hex is not a number", `{{t | number}}`, `{"t":"0x1F"}`, nil, "0x1F", []string{"invalid_number"}},
		{"object", `{{t | currency:"USD"}}`, `{"t":{"a":1}}`, nil, `{"a":1}`, []string{"invalid_number"}},
		{"hostile text cleaned", `{{t | currency:"USD"}}`, `{"t":"\u202e1\r\n<script>"}`, nil, "1 <script>", []string{"invalid_number"}},
		{"chained with built-ins", `{{t | trim | currency:"USD" | upper}}`, `{"t":" 5 "}`, nil, "$5.00", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, diags := renderText(t, tt.src, tt.data, tt.loc)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("text mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.diags, diags); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilterParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src, code string }{
		{"unknown currency", `{{t | currency:"XYZ"}}`, "invalid_binding"},
		{"currency without code", `{{t | currency}}`, "invalid_binding"},
		{"precision too large", `{{t | number:"11"}}`, "invalid_binding"},
		{"precision negative", `{{t | percent:"-1"}}`, "invalid_binding"},
		{"date takes no layout", `{{t | date:"2006"}}`, "invalid_binding"},
		{"unknown filter", `{{t | money}}`, "invalid_binding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def, _ := json.Marshal(map[string]any{"version": 1, "sections": []any{map[string]any{"type": "text", "text": tt.src}}})
			_, err := template.Parse(def)
			pe, ok := errors.AsType[*template.ParseError](err)
			if !ok || len(pe.Problems) != 1 {
				t.Fatalf("Parse(%s) error = %v, want one problem", tt.src, err)
			}
			p := pe.Problems[0]
			if p.Code != tt.code || p.Path != "/sections/0/text" {
				t.Errorf("problem = %+v, want code %s at /sections/0/text", p, tt.code)
			}
		})
	}
}

// TestFiltersList renders every example of Filters with the sample value
// its description names, so the editor's help cannot go stale.
func TestFiltersList(t *testing.T) {
	t.Parallel()
	samples := map[string]string{
		"currency": `{"total":42}`, "currency_minor": `{"amount":4200}`, "number": `{"count":1234.5}`,
		"percent": `{"rate":0.256}`, "date": `{"shipped_at":"2024-01-15T14:30:00Z"}`, "datetime": `{"shipped_at":"2024-01-15T14:30:00Z"}`,
	}
	list := template.Filters()
	if len(list) != len(samples) {
		t.Fatalf("Filters() lists %d filters, the test knows %d", len(list), len(samples))
	}
	for _, f := range list {
		if f.Description == "" || !strings.Contains(f.Example, "| "+f.Name) {
			t.Errorf("filter %q: empty description or an example that does not use it: %+v", f.Name, f)
		}
		got, diags := renderText(t, f.Example, samples[f.Name], nil)
		if got != f.Output || len(diags) > 0 {
			t.Errorf("filter %q: example renders %q (diagnostics %v), the list says %q", f.Name, got, diags, f.Output)
		}
	}
}

// FuzzFilters checks that every filter writes exactly what the field
// format of the same meaning writes for any value, with the same
// diagnostics, and never panics or lets a control or bidi character
// through.
func FuzzFilters(f *testing.F) {
	for _, s := range []string{`42`, `"19.99"`, `-0.949`, `1e400`, `"2024-01-15T14:30:00+05:30"`, `1705329000000`, `"\u202e1"`, `null`, `true`, `[1]`, `"0x1F"`, `"  5. "`} {
		f.Add(s)
	}
	pairs := []struct{ filter, format string }{
		{`currency:"USD"`, `{"type":"currency","currency":"USD"}`},
		{`currency_minor:"KWD"`, `{"type":"currency","currency":"KWD","minor_units":true}`},
		{`number`, `"number"`},
		{`number:"2"`, `{"type":"number","precision":2}`},
		{`percent:"1"`, `{"type":"percent","precision":1}`},
		{`date`, `"date"`},
		{`datetime`, `"datetime"`},
	}
	var items []string
	for i, p := range pairs {
		items = append(items, fmt.Sprintf(`{"label":"f%d","value":"{{v | %s}}"},{"label":"g%d","value":"{{v}}","format":%s}`, i, strings.ReplaceAll(p.filter, `"`, `\"`), i, p.format))
	}
	tp := mustParse(f, `{"version":1,"sections":[{"type":"keyvalue","items":[`+strings.Join(items, ",")+`]}]}`)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, value string) {
		data := []byte(`{"v":` + value + `}`)
		if len(data) > 4096 || !json.Valid(data) {
			return
		}
		out, err := tp.Render(data, &template.RenderOptions{Location: ny, Now: goldenNow})
		if err != nil {
			return // too deep, for instance: nothing of the filters ran
		}
		diags := map[string][]string{}
		for _, d := range out.Diagnostics {
			diags[d.Pointer] = append(diags[d.Pointer], d.Code)
		}
		items := out.Nodes[0].Items
		for i := range pairs {
			fv, gv := items[2*i].Value, items[2*i+1].Value
			for _, r := range fv.Text {
				if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r) {
					t.Fatalf("{{v | %s}} of %s: control character in %q", pairs[i].filter, value, fv.Text)
				}
			}
			if gv.Kind == template.KindEmpty || gv.Kind == template.KindText {
				continue // the format did not format it: the filter keeps the value's text
			}
			if fv.Text != gv.Text {
				t.Fatalf("{{v | %s}} of %s = %q, the format %s writes %q", pairs[i].filter, value, fv.Text, pairs[i].format, gv.Text)
			}
			fp, gp := fmt.Sprintf("/sections/0/items/%d/value", 2*i), fmt.Sprintf("/sections/0/items/%d/value", 2*i+1)
			if !slices.Equal(diags[fp], diags[gp]) {
				t.Fatalf("{{v | %s}} of %s: diagnostics %v, the format's %v", pairs[i].filter, value, diags[fp], diags[gp])
			}
		}
	})
}
