package render_test

import (
	"log"
	"os"
	"time"

	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
)

func ExampleText() {
	tmpl, err := template.Parse([]byte(`{"version": 1, "sections": [
	  {"type": "keyvalue", "title": "Customer Information", "items": [
	    {"label": "Customer ID", "value": "{{id}}"},
	    {"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success"}}},
	    {"label": "Lifetime Value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}},
	    {"label": "Last Purchase", "value": "{{last_purchase_at}}", "format": "date"}]},
	  {"type": "button", "label": "Open in CRM", "url": "https://crm.example.com/c/{{id}}"}]}`))
	if err != nil {
		log.Fatal(err)
	}
	out, err := tmpl.Render([]byte(`{"id": 12345, "tier": "Gold", "ltv": 2850, "last_purchase_at": "2024-01-15"}`),
		&template.RenderOptions{Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	if err := render.Text(os.Stdout, out); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ┌─ Customer Information ─────────────────┐
	// │ Customer ID          12345             │
	// │ Tier                 [Gold]            │
	// │ Lifetime Value       $2,850.00         │
	// │ Last Purchase        Jan 15, 2024      │
	// └────────────────────────────────────────┘
	// [ Open in CRM ] <https://crm.example.com/c/12345>
}

func ExampleHTML() {
	out := &template.Output{Version: 1, Nodes: []template.Node{
		{Type: template.NodeText, Text: "<b>not bold</b>"},
		{Type: template.NodeLink, Text: "Docs", Href: "https://docs.example.com/"},
	}}
	if err := render.HTML(os.Stdout, out); err != nil {
		log.Fatal(err)
	}
	// Output:
	// <div class="ik-output">
	// <p class="ik-text">&lt;b&gt;not bold&lt;/b&gt;</p>
	// <a class="ik-link" href="https://docs.example.com/" rel="noopener noreferrer nofollow" target="_blank">Docs</a>
	// </div>
}
