package template_test

import (
	"fmt"
	"log"
	"time"

	"github.com/inboxkit/inboxkit/template"
)

// Formatting filters write a value inside a text the way a field format
// writes a whole field.
func Example_filters() {
	tp, err := template.Parse([]byte(`{"version": 1, "sections": [{"type": "text",
		"text": "Order #{{id}} shipped {{shipped_at | date}} — {{total | currency:\"USD\"}} ({{discount | percent}} off)"}]}`))
	if err != nil {
		log.Fatal(err)
	}
	out, err := tp.Render([]byte(`{"id": 1001, "total": 42, "discount": 0.1, "shipped_at": "2024-01-15T14:30:00Z"}`),
		&template.RenderOptions{Location: time.UTC})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Nodes[0].Text)
	// Output: Order #1001 shipped Jan 15, 2024 — $42.00 (10% off)
}
