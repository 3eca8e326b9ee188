package template_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/template"
)

// sugDef is the part of a suggested definition the tests read.
type sugDef struct {
	Type     string            `json:"type"`
	Path     string            `json:"path"`
	Items    []json.RawMessage `json:"items"`
	Columns  []json.RawMessage `json:"columns"`
	Item     *sugDef           `json:"item"`
	Sections []sugDef          `json:"sections"`
}

// suggestFields flattens a suggestion into "label = value format" lines, sections marked by
// their type and path.
func suggestFields(t *testing.T, sample string) []string {
	t.Helper()
	def, err := template.Suggest([]byte(sample))
	if err != nil {
		t.Fatalf("Suggest(%s): %v", sample, err)
	}
	if _, err := template.Parse(def); err != nil {
		t.Fatalf("suggestion does not parse: %v", err)
	}
	var doc struct{ Sections []sugDef }
	if err := json.Unmarshal(def, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(ss []sugDef)
	walk = func(ss []sugDef) {
		for _, s := range ss {
			if s.Path != "" {
				out = append(out, s.Type+" "+s.Path)
			}
			for _, f := range append(s.Items, s.Columns...) {
				var fl struct {
					Label, Value string
					Format       json.RawMessage
				}
				json.Unmarshal(f, &fl)
				format := "-"
				if len(fl.Format) > 0 {
					var c bytes.Buffer
					json.Compact(&c, fl.Format)
					format = c.String()
				}
				out = append(out, fmt.Sprintf("%s = %s %s", fl.Label, fl.Value, format))
			}
			if s.Item != nil {
				walk([]sugDef{*s.Item})
			}
			walk(s.Sections)
		}
	}
	walk(doc.Sections)
	return out
}

func TestSuggestJudgement(t *testing.T) {
	tests := []struct {
		name   string
		sample string
		want   []string
	}{
		{"minor units next to a currency", `{"amount_due": 1500, "currency": "usd"}`, []string{
			`Amount due = {{amount_due}} {"type":"currency","currency":"{{currency | upper}}","minor_units":true}`,
			`Currency = {{currency}} -`,
		}},
		{"decimal amounts are not minor units", `{"total_price": "118.50", "currency": "CAD"}`, []string{
			`Total price = {{total_price}} {"type":"currency","currency":"{{currency}}"}`,
			`Currency = {{currency}} -`,
		}},
		{"cents in the name", `{"amount_cents": 1500}`, []string{
			`Amount = {{amount_cents}} {"type":"currency","currency":"USD","minor_units":true}`,
		}},
		{"not money, not a date", `{"days_until_due": 30, "application_fee_percent": 10, "cancel_at_period_end": false}`, []string{
			`Cancel at period end = {{cancel_at_period_end}} {"type":"boolean"}`,
			`Application fee percent = {{application_fee_percent}} {"type":"percent","scale":"percent"}`,
			`Days until due = {{days_until_due}} {"type":"number"}`,
		}},
		{"dates only when the values are dates", `{"created": 1680569616, "updated_at": "n/a", "processed_at": 42}`, []string{
			`Created = {{created}} {"type":"date","unit":"s"}`,
			`Processed at = {{processed_at}} {"type":"number"}`,
			`Updated at = {{updated_at}} -`,
		}},
		{"all-null fields and columns left out", `{"phone": null, "name": "Ada", "rows": [{"id": 1, "gone": null}, {"id": 2, "gone": null}]}`, []string{
			`Name = {{name}} -`,
			`table rows`,
			`ID = {{id}} -`,
		}},
		{"list response", `{"object": "list", "has_more": false, "url": "/v1/invoices", "data": [{"id": "in_1", "status": "paid", "total": 900, "currency": "eur"}]}`, []string{
			`table data`,
			`Total = {{total}} {"type":"currency","currency":"{{currency | upper}}","minor_units":true}`,
			`Status = {{status}} {"type":"badge","tones":{"paid":"success"}}`,
			`ID = {{id}} -`,
			`Currency = {{currency}} -`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, suggestFields(t, tt.sample)); diff != "" {
				t.Errorf("Suggest(%s) mismatch (-want +got):\n%s", tt.sample, diff)
			}
		})
	}
}

// TestSuggestKeyFieldsFirst: a wide record keeps its total, status, name and dates before the
// 30-field cut, whatever their place in the alphabet or the response.
func TestSuggestKeyFieldsFirst(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{`)
	for i := range 40 {
		fmt.Fprintf(&b, `"aa_field_%02d": "x", `, i)
	}
	b.WriteString(`"current_total_price": "10.00", "zz_status": "paid", "zz_name": "Ada", "zz_created_at": "2024-01-02T03:04:05Z", "total_price": "12.00", "currency": "USD"}`)
	got := suggestFields(t, b.String())
	if len(got) != 30 {
		t.Fatalf("%d items, want the 30 of the cut", len(got))
	}
	want := []string{
		`Total price = {{total_price}} {"type":"currency","currency":"{{currency}}"}`,
		`Current total price = {{current_total_price}} {"type":"currency","currency":"{{currency}}"}`,
		`Zz status = {{zz_status}} {"type":"badge","tones":{"paid":"success"}}`,
		`Zz name = {{zz_name}} -`,
		`Zz created at = {{zz_created_at}} {"type":"datetime"}`,
	}
	if diff := cmp.Diff(want, got[:5]); diff != "" {
		t.Errorf("first fields (-want +got):\n%s", diff)
	}
}
