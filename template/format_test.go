package template_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/template"
)

// renderValue renders one key-value item with format f over the JSON value v.
func renderValue(t *testing.T, f, v string) (template.Value, []template.Diagnostic) {
	t.Helper()
	def := `{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"x","value":"{{v}}","format":` + f + `}]}]}`
	tp, err := template.Parse([]byte(def))
	if err != nil {
		t.Fatalf("Parse(%s): %v", def, err)
	}
	loc, _ := time.LoadLocation("America/New_York")
	if loc == nil {
		loc = time.FixedZone("EST", -5*3600)
	}
	out, err := tp.Render([]byte(`{"v":`+v+`,"cur":"eur"}`), &template.RenderOptions{Now: goldenNow, Location: loc})
	if err != nil {
		t.Fatalf("Render(%s): %v", v, err)
	}
	return out.Nodes[0].Items[0].Value, out.Diagnostics
}

func TestFormats(t *testing.T) {
	tests := []struct {
		format, value, want string
		kind                template.Kind
	}{
		{`"text"`, `"Zoë"`, "Zoë", template.KindText},
		{`"text"`, `42`, "42", template.KindText},
		{`"text"`, `true`, "true", template.KindText},
		{`"text"`, `{"a": 1}`, `{"a": 1}`, template.KindText},
		{`"number"`, `1234567.891`, "1,234,567.891", template.KindNumber},
		{`"number"`, `-0.5`, "-0.5", template.KindNumber},
		{`"number"`, `1e3`, "1,000", template.KindNumber},
		{`"number"`, `"0042.10"`, "42.1", template.KindNumber},
		{`{"type":"number","precision":2}`, `3.14159`, "3.14", template.KindNumber},
		{`{"type":"number","precision":0}`, `2.5`, "3", template.KindNumber},
		{`{"type":"number","precision":0}`, `-2.5`, "-3", template.KindNumber},
		{`{"type":"number","precision":1}`, `-0.04`, "0.0", template.KindNumber},
		{`{"type":"number","compact":true}`, `1234`, "1.2K", template.KindNumber},
		{`{"type":"number","compact":true}`, `999`, "999", template.KindNumber},
		{`{"type":"number","compact":true}`, `999999`, "1M", template.KindNumber},
		{`{"type":"number","compact":true}`, `1500000`, "1.5M", template.KindNumber},
		{`{"type":"number","compact":true}`, `-2300000000`, "-2.3B", template.KindNumber},
		{`{"type":"number","compact":true}`, `5e15`, "5000T", template.KindNumber},
		{`{"type":"number","compact":true,"precision":2}`, `1234`, "1.23K", template.KindNumber},
		{`{"type":"currency","currency":"USD"}`, `2850`, "$2,850.00", template.KindCurrency},
		{`{"type":"currency","currency":"USD"}`, `12345678901234567.89`, "$12,345,678,901,234,567.89", template.KindCurrency},
		{`{"type":"currency","currency":"USD"}`, `"19.999"`, "$20.00", template.KindCurrency},
		{`{"type":"currency","currency":"USD"}`, `-5.5`, "-$5.50", template.KindCurrency},
		{`{"type":"currency","currency":"USD"}`, `-0.001`, "$0.00", template.KindCurrency},
		// Issue 9: a rounding that carried was applied twice.
		{`{"type":"currency","currency":"USD"}`, `-0.949`, "-$0.95", template.KindCurrency},
		{`{"type":"currency","currency":"USD"}`, `-999.999`, "-$1,000.00", template.KindCurrency},
		{`{"type":"currency","currency":"USD","precision":0}`, `-9.99`, "-$10", template.KindCurrency},
		{`{"type":"currency","currency":"USD","compact":true}`, `19.99`, "$20", template.KindCurrency},
		{`{"type":"currency","currency":"USD","compact":true}`, `99999.95`, "$100K", template.KindCurrency},
		{`{"type":"currency","currency":"USD","compact":true}`, `-0.04`, "$0", template.KindCurrency},
		{`{"type":"number","compact":true}`, `999.96`, "1K", template.KindNumber},
		{`{"type":"currency","currency":"HUF","minor_units":true}`, `123456`, "HUF\u00a01,235", template.KindCurrency},
		{`{"type":"currency","currency":"IQD","minor_units":true}`, `1500`, "IQD\u00a02", template.KindCurrency},
		{`{"type":"currency","currency":"JPY"}`, `1234.5`, "¥1,235", template.KindCurrency},
		{`{"type":"currency","currency":"KWD"}`, `1.5`, "KWD\u00a01.500", template.KindCurrency},
		{`{"type":"currency","currency":"usd","minor_units":true}`, `123456`, "$1,234.56", template.KindCurrency},
		{`{"type":"currency","currency":"{{cur}}"}`, `10`, "€10.00", template.KindCurrency},
		{`{"type":"currency","currency":"{{cur | upper}}"}`, `1234.5`, "€1,234.50", template.KindCurrency},
		{`{"type":"currency","currency":"{{cur | upper}}","compact":true}`, `1234.5`, "€1.2K", template.KindCurrency},
		{`{"type":"currency","currency":"USD","compact":true}`, `1250000`, "$1.3M", template.KindCurrency},
		{`{"type":"currency","currency":"USD"}`, `1e400`, "$1" + commaZeros(400) + ".00", template.KindCurrency},
		{`"percent"`, `0.256`, "25.6%", template.KindPercent},
		{`{"type":"percent","scale":"percent","precision":1}`, `12`, "12.0%", template.KindPercent},
		{`"date"`, `"2024-01-15T14:30:00Z"`, "Jan 15, 2024", template.KindDate},
		{`"date"`, `"2024-01-15"`, "Jan 15, 2024", template.KindDate},
		{`"date"`, `1705329000`, "Jan 15, 2024", template.KindDate},
		{`"date"`, `1705329000000`, "Jan 15, 2024", template.KindDate},
		{`"date"`, `"2024-01-15T02:00:00Z"`, "Jan 14, 2024", template.KindDate}, // New York
		{`"datetime"`, `"2024-01-15T14:30:00Z"`, "Jan 15, 2024, 9:30 AM EST", template.KindDateTime},
		{`"datetime"`, `"2024-01-15 14:30:00"`, "Jan 15, 2024, 9:30 AM EST", template.KindDateTime},
		// ISO 8601's basic offset, as Salesforce writes timestamps.
		{`"datetime"`, `"2024-01-15T14:30:00.000+0000"`, "Jan 15, 2024, 9:30 AM EST", template.KindDateTime},
		{`"datetime"`, `"2024-01-15T20:00:00+0530"`, "Jan 15, 2024, 9:30 AM EST", template.KindDateTime},
		{`"datetime"`, `"2024-01-15 09:30:00.5-0500"`, "Jan 15, 2024, 9:30 AM EST", template.KindDateTime},
		{`{"type":"datetime","unit":"ms"}`, `"1705329000000"`, "Jan 15, 2024, 9:30 AM EST", template.KindDateTime},
		{`"datetime"`, `"2024-01-15t14:30:00z"`, "Jan 15, 2024, 9:30 AM EST", template.KindDateTime},
		{`"datetime"`, `"2024-07-15T14:30:00.123-02:00"`, "Jul 15, 2024, 12:30 PM EDT", template.KindDateTime},
		{`"date"`, `"0099-03-01"`, "Mar 1, 99", template.KindDate},
		{`"date"`, `"0001-01-01"`, "Jan 1, 1", template.KindDate},
		{`"relative"`, `"2024-02-27T12:00:00Z"`, "3 days ago", template.KindRelative},
		{`"relative"`, `"2024-03-01T11:59:40Z"`, "just now", template.KindRelative},
		{`"relative"`, `"2024-03-01T14:00:00Z"`, "in 2 hours", template.KindRelative},
		{`"relative"`, `"2023-03-01T12:00:00Z"`, "1 year ago", template.KindRelative},
		{`"relative"`, `"2024-01-01T12:00:00Z"`, "2 months ago", template.KindRelative},
		{`"duration"`, `5400`, "1h 30m", template.KindDuration},
		{`"duration"`, `45`, "45s", template.KindDuration},
		{`{"type":"duration","unit":"ms"}`, `350`, "350ms", template.KindDuration},
		{`{"type":"duration","unit":"d"}`, `2.5`, "2d 12h", template.KindDuration},
		{`"duration"`, `"1h2m3s"`, "1h 2m", template.KindDuration},
		{`"boolean"`, `true`, "Yes", template.KindBoolean},
		{`{"type":"boolean","true":"Active","false":"Inactive"}`, `"no"`, "Inactive", template.KindBoolean},
		{`{"type":"badge","tones":{"Gold":"success"}}`, `"gold"`, "gold", template.KindBadge},
		{`"email"`, `"ada@example.com"`, "ada@example.com", template.KindEmail},
		{`"phone"`, `"+1 (555) 010-9999"`, "+1 (555) 010-9999", template.KindPhone},
		{`"link"`, `"https://example.com/a"`, "https://example.com/a", template.KindLink},
		{`{"type":"link","label":"Open {{v}}"}`, `"https://example.com/a"`, "Open https://example.com/a", template.KindLink},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.value, func(t *testing.T) {
			got, diags := renderValue(t, tt.format, tt.value)
			if got.Text != tt.want || got.Kind != tt.kind {
				t.Errorf("got %q (%s), want %q (%s); diagnostics %v", got.Text, got.Kind, tt.want, tt.kind, diags)
			}
			if len(diags) > 0 {
				t.Errorf("unexpected diagnostics %v", diags)
			}
			if got.Raw != template.RawJSON(tt.value) {
				t.Errorf("raw = %s, want %s", got.Raw, tt.value)
			}
		})
	}
}

func commaZeros(n int) string {
	s := ""
	for i := n; i > 0; i-- {
		if i%3 == 0 {
			s += ","
		}
		s += "0"
	}
	return s
}

func TestFormatExtras(t *testing.T) {
	v, _ := renderValue(t, `{"type":"badge","tones":{"Gold":"success"},"default_tone":"info"}`, `"Gold"`)
	if v.Tone != template.ToneSuccess {
		t.Errorf("tone = %q", v.Tone)
	}
	v, _ = renderValue(t, `{"type":"badge","tones":{"Gold":"success"},"default_tone":"info"}`, `"Bronze"`)
	if v.Tone != template.ToneInfo {
		t.Errorf("default tone = %q", v.Tone)
	}
	v, _ = renderValue(t, `{"type":"badge"}`, `"x"`)
	if v.Tone != template.ToneNeutral {
		t.Errorf("no tones: tone = %q", v.Tone)
	}
	v, _ = renderValue(t, `"email"`, `"ada@example.com"`)
	if v.Href != "mailto:ada@example.com" {
		t.Errorf("email href = %q", v.Href)
	}
	v, _ = renderValue(t, `"phone"`, `"+1 (555) 010-9999"`)
	if v.Href != "tel:+15550109999" {
		t.Errorf("phone href = %q", v.Href)
	}
	v, _ = renderValue(t, `{"type":"currency","currency":"USD"}`, `10`)
	if v.Currency != "USD" {
		t.Errorf("currency = %q", v.Currency)
	}
}

func TestFormatDiagnostics(t *testing.T) {
	tests := []struct {
		format, value, want, code string
		kind                      template.Kind
	}{
		{`"number"`, `"abc"`, "abc", "invalid_number", template.KindText},
		{`{"type":"currency","currency":"USD"}`, `"12,50"`, "12,50", "invalid_number", template.KindText},
		{`"date"`, `"yesterday"`, "yesterday", "invalid_date", template.KindDate},
		{`"date"`, `99999999999999999`, "99999999999999999", "invalid_date", template.KindDate},
		// Issue 9: RFC 3339 allows no offset beyond ±23:59; years before 1 have no display.
		{`"datetime"`, `"2024-01-15T10:00:00+24:00"`, "2024-01-15T10:00:00+24:00", "invalid_date", template.KindDateTime},
		{`"datetime"`, `"2024-01-15T10:00:00+05:60"`, "2024-01-15T10:00:00+05:60", "invalid_date", template.KindDateTime},
		{`"datetime"`, `"2024-01-15T10:00:00+2400"`, "2024-01-15T10:00:00+2400", "invalid_date", template.KindDateTime},
		{`"datetime"`, `"2024-01-15T10:00:00+0560"`, "2024-01-15T10:00:00+0560", "invalid_date", template.KindDateTime},
		{`"datetime"`, `"2024-01-15T10:00:00+05"`, "2024-01-15T10:00:00+05", "invalid_date", template.KindDateTime},
		{`"date"`, `"0000-06-01"`, "0000-06-01", "invalid_date", template.KindDate},
		{`"date"`, `"0001-01-01T02:00:00Z"`, "0001-01-01T02:00:00Z", "invalid_date", template.KindDate}, // Dec 31, 0 in New York
		{`"datetime"`, `"0000-12-31T23:00:00-02:00"`, "0000-12-31T23:00:00-02:00", "invalid_date", template.KindDateTime},
		{`"duration"`, `"soon"`, "soon", "invalid_duration", template.KindDuration},
		{`"boolean"`, `"maybe"`, "maybe", "invalid_boolean", template.KindBoolean},
		{`"email"`, `"a@b.c?body=hi"`, "a@b.c?body=hi", "invalid_email", template.KindEmail},
		{`"phone"`, `"call me"`, "call me", "invalid_phone", template.KindPhone},
		{`"link"`, `"javascript:alert(1)"`, "", "unsafe_url", template.KindEmpty},
		{`{"type":"currency","currency":"{{cur2}}"}`, `5`, "5", "missing_value", template.KindNumber},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.value, func(t *testing.T) {
			got, diags := renderValue(t, tt.format, tt.value)
			if got.Text != tt.want || got.Kind != tt.kind || got.Href != "" {
				t.Errorf("got %+v, want text %q kind %s and no href", got, tt.want, tt.kind)
			}
			if len(diags) == 0 || diags[0].Code != tt.code || diags[0].Pointer != "/sections/0/items/0/value" {
				t.Errorf("diagnostics = %+v, want %s at /sections/0/items/0/value", diags, tt.code)
			}
		})
	}
}

func TestMissingAndNull(t *testing.T) {
	def := `{"version":1,"sections":[{"type":"keyvalue","title":"T {{title}}","items":[
		{"label":"a","value":"{{missing}}"},
		{"label":"b","value":"{{nothing}}","format":"date"},
		{"label":"c","value":"x {{missing}} y"}]}]}`
	tp, err := template.Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	out, err := tp.Render([]byte(`{"nothing":null}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(out)
	want := `{"version":1,"nodes":[{"type":"keyvalue","title":"T ","items":[{"label":"a","value":{"text":"","kind":"empty"}},{"label":"b","value":{"text":"","raw":null,"kind":"empty"}},{"label":"c","value":{"text":"x  y","kind":"text"}}]}],"diagnostics":[{"code":"missing_value","pointer":"/sections/0/title","message":"no value at path title","count":1},{"code":"missing_value","pointer":"/sections/0/items/0/value","message":"no value at path missing","count":1},{"code":"missing_value","pointer":"/sections/0/items/2/value","message":"no value at path missing","count":1}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestDefaultFilterIsNotMissing(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[{"type":"text","text":"{{ nick | default:\"friend\" }} / {{name}}"}]}`)
	out, err := tp.Render([]byte(`{}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Nodes[0].Text; got != "friend / " {
		t.Errorf("text = %q", got)
	}
	if len(out.Diagnostics) != 1 || out.Diagnostics[0].Message != "no value at path name" {
		t.Errorf("diagnostics = %+v, want one for name only", out.Diagnostics)
	}
}

// TestDefaultFilterPerPlaceholder checks that a default filter quiets
// only names whose every placeholder has one, as the variables package
// decides it (not a scan of the text).
func TestDefaultFilterPerPlaceholder(t *testing.T) {
	tests := []struct {
		text  string
		quiet bool
	}{
		{`{{ a | default:\"x\" }} / {{ a }}`, false},
		{`{{ a }} / {{ a | default:\"x\" }}`, false},
		{`{{ a | upper | default:\"x\" }}!`, true},
		{`{{ a | default:\"}}\" }} {{ a | default:\"|\" }}`, true},
		{`{{\"{{\"}} a | default:\"x\" }} {{ a }}`, false},
	}
	for _, tt := range tests {
		tp := mustParse(t, `{"version":1,"sections":[{"type":"text","text":"`+tt.text+`"}]}`)
		out, err := tp.Render([]byte(`{}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		if quiet := len(out.Diagnostics) == 0; quiet != tt.quiet {
			t.Errorf("%s: diagnostics %v, want quiet %v", tt.text, out.Diagnostics, tt.quiet)
		}
	}
}
