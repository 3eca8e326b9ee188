package browsertest

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// integrationID finds a demo integration by name.
func integrationID(t *testing.T, base, name string) string {
	t.Helper()
	var list struct {
		Integrations []savedIntegration `json:"integrations"`
	}
	apiCall(t, base, "GET", "/integrations", nil, &list)
	for _, in := range list.Integrations {
		if in.Name == name {
			return in.ID
		}
	}
	t.Fatalf("no integration %q", name)
	return ""
}

// The builder on a saved template: forms generated from the schema for every section type,
// the raw JSON mode kept in sync both ways, presets, suggest from sample, undo and redo.
func TestTemplateBuilderModes(t *testing.T) {
	base := startConsole(t)
	id := integrationID(t, base, "Customer Data")
	p := newPage(t, base)
	p.open("#/integrations/" + id + "/template")
	p.waitFor("the sections", `document.querySelectorAll("#sections > li.section").length === 4`)
	preview := `document.getElementById("preview")`
	p.waitFor("the preview", `__t.text(`+preview+`).includes("Lifetime Value")`)

	// The palette lists every section type of the schema.
	palette := eval[[]string](p, `[...document.querySelectorAll(".palette-item")].map((b) => b.dataset.type)`)
	if want := []string{"card", "keyvalue", "table", "text", "divider", "repeat", "link", "button", "badge", "image"}; !slices.Equal(palette, want) {
		t.Errorf("palette = %v, want %v", palette, want)
	}
	// Forms from the schema: the badge format of Tier offers its tones; the button its styles.
	p.waitFor("the tones editor", `document.querySelector('[data-pointer="/sections/0/items/1/format/tones"]')`)
	styles := eval[[]string](p, `[...document.getElementById("sf-sections-3-style").options].map((o) => o.value)`)
	if want := []string{"", "primary", "secondary", "link"}; !slices.Equal(styles, want) {
		t.Errorf("button styles = %v, want %v", styles, want)
	}

	// A screenshot of the builder with its fixture matrix (and the long forms collapsed).
	p.do(clickID("matrix-toggle"),
		chromedp.Click(chromedp.CSS(`button[aria-label="Collapse section 1"]`)),
		chromedp.Click(chromedp.CSS(`button[aria-label="Collapse section 2"]`)),
		chromedp.Click(chromedp.CSS(`button[aria-label="Collapse section 3"]`)))
	p.waitFor("the matrix", `__t.statuses(document.getElementById("matrix")).join() === "ok,ok,ok,ok"`)
	if n := eval[int](p, `[...document.querySelectorAll("#sections > li > .form")].filter((f) => !f.hidden).length`); n != 1 {
		t.Errorf("%d section forms open after collapsing three of four", n)
	}
	p.fullScreenshot("template-builder")

	// Raw JSON mode: an edit there shows up in the forms and the preview.
	p.do(clickID("mode"), chromedp.WaitVisible(chromedp.ID("template-json")))
	p.do(chromedp.Evaluate[chromedp.Void](`(() => {
		const ta = document.getElementById("template-json");
		const t = JSON.parse(ta.value);
		t.sections[0].title = "Customer (edited as JSON)";
		ta.value = JSON.stringify(t, null, 2);
		ta.dispatchEvent(new Event("input"));
	})()`))
	p.waitFor("the preview of the JSON edit", `__t.text(`+preview+`).includes("Customer (edited as JSON)")`)
	p.do(clickID("mode"), chromedp.WaitVisible(chromedp.ID("sf-sections-0-title")))
	if v := eval[string](p, `document.getElementById("sf-sections-0-title").value`); v != "Customer (edited as JSON)" {
		t.Errorf("title field after the JSON edit = %q", v)
	}
	// ... and a form edit shows up in the JSON.
	p.do(typeInto("sf-sections-0-title", "Customer"))
	p.waitFor("the JSON of the form edit", `JSON.parse(document.getElementById("template-json").value).sections[0].title === "Customer"`)

	// Undo twice: back to the original title; redo once: the JSON edit.
	p.waitFor("undo enabled", `!document.getElementById("undo").disabled`)
	p.do(clickID("undo"))
	p.waitFor("the first undo", `document.getElementById("sf-sections-0-title").value === "Customer (edited as JSON)"`)
	p.do(clickID("undo"))
	p.waitFor("the second undo", `document.getElementById("sf-sections-0-title").value === ""`) // the demo's sections carry no title
	p.do(clickID("redo"))
	p.waitFor("the redo", `document.getElementById("sf-sections-0-title").value === "Customer (edited as JSON)"`)

	// A preset replaces the template and the sample.
	p.do(selectOption("preset", "support_tickets"))
	p.waitFor("the preset's sections", `JSON.parse(document.getElementById("template-json").value).sections.length > 0 && document.getElementById("sample").value.includes("ticket")`)
	// Suggest from sample: a template made from the sample's fields.
	p.do(chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.getElementById("sample");
		s.value = JSON.stringify({plan: "Pro", seats: 12, invoices: [{number: "INV-1", amount: 30}]});
		s.dispatchEvent(new Event("input"));
	})()`), clickID("suggest"))
	p.waitFor("the suggested template", `document.getElementById("template-json").value.includes("{{seats}}")`)
	p.waitFor("its preview", `__t.text(`+preview+`).includes("12") && __t.text(`+preview+`).includes("INV-1")`)
}
