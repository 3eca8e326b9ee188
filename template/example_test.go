package template_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
)

const exampleDefinition = `{"version": 1, "sections": [
  {"type": "keyvalue", "title": "Customer Information", "items": [
    {"label": "Customer ID", "value": "{{id}}"},
    {"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success"}}},
    {"label": "Lifetime Value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}},
    {"label": "Last Purchase", "value": "{{last_purchase_at}}", "format": {"type": "date"}}]},
  {"type": "button", "label": "Open in CRM", "url": "https://crm.example.com/c/{{id}}", "when": {"path": "id", "op": "exists"}}]}`

const exampleResponse = `{"id": 12345, "tier": "Gold", "ltv": 2850, "last_purchase_at": "2024-01-15T14:30:00Z"}`

func ExampleParse() {
	_, err := template.Parse([]byte(`{"version": 1, "sections": [
		{"type": "keyvalue", "items": [{"label": "Total", "value": "{{total}}", "format": {"type": "money"}}]},
		{"type": "button", "label": "Open", "url": "javascript:alert(1)"},
		{"type": "chart"}]}`))
	if pe, ok := errors.AsType[*template.ParseError](err); ok {
		for _, p := range pe.Problems {
			fmt.Println(p.Code, p.Path)
		}
	}
	// Output:
	// unknown_format /sections/0/items/0/format/type
	// unsafe_url /sections/1/url
	// unknown_section_type /sections/2/type
}

func ExampleTemplate_Render() {
	tmpl, err := template.Parse([]byte(exampleDefinition))
	if err != nil {
		log.Fatal(err)
	}
	out, err := tmpl.Render([]byte(exampleResponse), &template.RenderOptions{Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range out.Nodes[0].Items {
		fmt.Printf("%s: %s (%s %s)\n", it.Label, it.Value.Text, it.Value.Kind, it.Value.Raw)
	}
	fmt.Println(out.Nodes[1].Text, out.Nodes[1].Href)
	// Output:
	// Customer ID: 12345 (text 12345)
	// Tier: Gold (badge "Gold")
	// Lifetime Value: $2,850.00 (currency 2850)
	// Last Purchase: Jan 15, 2024 (date "2024-01-15T14:30:00Z")
	// Open in CRM https://crm.example.com/c/12345
}

func ExampleTemplate_Render_diagnostics() {
	tmpl, err := template.Parse([]byte(`{"version": 1, "sections": [
		{"type": "link", "label": "Website", "url": "{{website}}"},
		{"type": "text", "text": "Hello {{name}}"}]}`))
	if err != nil {
		log.Fatal(err)
	}
	out, err := tmpl.Render([]byte(`{"website": "javascript:alert(1)"}`), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d node: %q\n", len(out.Nodes), out.Nodes[0].Text)
	for _, d := range out.Diagnostics {
		fmt.Println(d.Code, d.Pointer)
	}
	// Output:
	// 1 node: "Hello "
	// unsafe_url /sections/0/url
	// missing_value /sections/1/text
}

func ExampleSuggest() {
	def, err := template.Suggest([]byte(`{"email": "ada@example.com", "plan": "pro", "balance": 12.5}`))
	if err != nil {
		log.Fatal(err)
	}
	tmpl, err := template.Parse(def)
	if err != nil {
		log.Fatal(err)
	}
	out, err := tmpl.Render([]byte(`{"email": "zoe@example.com", "plan": "free", "balance": -3}`), nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := render.Text(os.Stdout, out); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ┌─ Details ──────────────────────────────┐
	// │ Balance              -$3.00            │
	// │ Plan                 [free]            │
	// │ Email                zoe@example.com   │
	// └────────────────────────────────────────┘
}
