package browsertest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
)

// typeInto replaces the value of the input with id by typing text (real key events).
func typeInto(id, text string) chromedp.Action[chromedp.Void] {
	clear := chromedp.Evaluate[chromedp.Void](`document.getElementById("` + id + `").value = ""`)
	return chromedp.Steps(chromedp.WaitVisible(chromedp.ID(id)), clear, chromedp.SendKeys(chromedp.ID(id), text))
}

type savedIntegration struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	URL     string `json:"url"`
	Version int    `json:"version"`
	Display struct {
		Enabled  bool `json:"enabled"`
		Template struct {
			Sections []map[string]any `json:"sections"`
		} `json:"template"`
	} `json:"display"`
}

// An admin creates an integration through the UI, tests it live, builds its template by
// adding and dragging sections while the preview follows, sees a problem at its field,
// undoes it, and saves after reviewing the diff.
func TestCreateAndBuildIntegration(t *testing.T) {
	base := startConsole(t)
	up := newUpstream(t, map[string]func() (time.Duration, string){
		"/customer": func() (time.Duration, string) {
			return 0, `{"name": "Ada Lovelace", "plan": "Enterprise", "mrr": 4200, "orders": [{"id": "A-1", "total": 12.5}, {"id": "A-2", "total": 99}]}`
		},
	})
	p := newPage(t, base)
	p.open("#/integrations/new")
	p.do(
		chromedp.WaitVisible(chromedp.ID("f-name")),
		typeInto("f-name", "Billing"),
		typeInto("f-url", up.URL+"/customer?email="),
		chromedp.Click(chromedp.CSS(`button.var[title="Contact email"]`)), // the variable picker inserts at the cursor
		clickID("save"),
	)
	p.waitFor("the saved integration's page", `/^#\/integrations\/[0-9a-f]+\/configuration$/.test(location.hash)`)
	id := strings.Split(eval[string](p, `location.hash`), "/")[2]
	var in savedIntegration
	apiCall(t, base, "GET", "/integrations/"+id, nil, &in)
	if in.Name != "Billing" || in.URL != up.URL+"/customer?email={{contact.email}}" {
		t.Fatalf("created integration = %q %q", in.Name, in.URL)
	}

	// Testing tab: a live run shows the status and the preview.
	p.do(clickID("tab-testing"), chromedp.WaitVisible(chromedp.ID("live-run")), clickID("live-run"))
	p.waitFor("the live result", `document.getElementById("test-result").textContent.includes("HTTP 200")`)
	if n := up.count("/customer"); n != 1 {
		t.Errorf("upstream calls after the live test = %d, want 1", n)
	}

	// Template tab: preview against the last live response, add a key-value list.
	p.do(clickID("tab-template"), chromedp.WaitVisible(chromedp.ID("palette-keyvalue")), clickID("use-last"), clickID("palette-keyvalue"))
	p.waitFor("the new section", `document.querySelectorAll("#sections > li.section").length === 1`)
	p.do(
		typeInto("sf-sections-0-items-0-label", "Plan"),
		typeInto("sf-sections-0-items-0-value", "{{plan}}"),
	)
	preview := `document.getElementById("preview")`
	p.waitFor("the preview of the field", `__t.text(`+preview+`).includes("PlanEnterprise")`)

	// Drag a divider from the palette onto the first section: it goes first.
	p.do(chromedp.DragAndDrop(chromedp.ID("palette-divider"), chromedp.CSS("#sections > li:first-child .section-head")))
	p.waitFor("the dropped divider", `document.querySelectorAll("#sections > li.section").length === 2`)
	order := func() []string {
		return eval[[]string](p, `JSON.parse(document.getElementById("template-json").value).sections.map((s) => s.type)`)
	}
	previewOrder := `[...` + preview + `.shadowRoot.querySelector(".body").children].map((e) => e.localName).join()`
	if got := order(); !slices.Equal(got, []string{"divider", "keyvalue"}) {
		t.Fatalf("sections after the drop = %v", got)
	}
	p.waitFor("the preview with the divider first", previewOrder+` === "hr,section"`)

	// Drag the divider below the key-value list.
	p.do(chromedp.DragAndDrop(chromedp.CSS("#sections > li:first-child .grip"), chromedp.CSS("#sections > li:nth-child(2) .section-head")))
	p.waitFor("the reordered sections", `JSON.parse(document.getElementById("template-json").value).sections[0].type === "keyvalue"`)
	p.waitFor("the preview with the divider last", previewOrder+` === "section,hr"`)

	// A broken binding: the problem shows at its field; undo brings the last good state back.
	p.do(typeInto("sf-sections-0-items-0-value", "{{plan"))
	p.waitFor("the problem at the field", `document.getElementById("sf-sections-0-items-0-value").getAttribute("aria-invalid") === "true" && document.querySelector("#sections .field-problem")`)
	problem := eval[string](p, `document.querySelector("#sections .field-problem").textContent`)
	if problem == "" {
		t.Errorf("the field problem has no message")
	}
	time.Sleep(500 * time.Millisecond) // let the edit settle into the history
	p.do(clickID("undo"))
	p.waitFor("the undone edit", `document.getElementById("sf-sections-0-items-0-value").value === "{{plan}}"`)
	p.waitFor("the problem gone", `!document.querySelector("#sections .field-problem") && __t.text(`+preview+`).includes("PlanEnterprise")`)

	// Add a repeat over the orders and look at the fixture matrix.
	p.do(clickID("palette-repeat"))
	p.waitFor("the repeat section", `document.querySelectorAll("#sections > li.section").length === 3`)
	p.do(
		typeInto("sf-sections-2-path", "orders"),
		typeInto("sf-sections-2-item-items-0-value", "{{total}}"),
		clickID("matrix-toggle"),
	)
	p.waitFor("the fixture matrix", `__t.statuses(document.getElementById("matrix")).join() === "ok,ok,ok,ok" && __t.text(document.getElementById("matrix").children[2]).includes("25 of 25") === false`)
	matrix := eval[[]int](p, `__t.cards(document.getElementById("matrix")).map((c) => c.shadowRoot.querySelectorAll(".repeat dl").length)`)
	if !slices.Equal(matrix, []int{0, 1, 25, 0}) {
		t.Errorf("repeated items in the matrix (empty, one, many, missing) = %v, want [0 1 25 0]", matrix)
	}
	p.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	p.screenshot("template-builder-new")

	// Save: the diff against the saved (empty) template comes first.
	p.do(clickID("save"), chromedp.WaitVisible(chromedp.ID("template-diff")))
	diff := eval[string](p, `document.getElementById("template-diff").textContent`)
	for _, want := range []string{`+       "type": "divider"`, `+           "value": "{{plan}}"`} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
	p.screenshot("template-diff")
	p.do(clickID("confirm-save"))
	p.waitFor("the saved version", `!document.getElementById("template-diff")`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		apiCall(t, base, "GET", "/integrations/"+id, nil, &in)
		if in.Version == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var types []string
	for _, s := range in.Display.Template.Sections {
		types = append(types, s["type"].(string))
	}
	if in.Version != 2 || !slices.Equal(types, []string{"keyvalue", "divider", "repeat"}) {
		b, _ := json.Marshal(in)
		t.Errorf("saved integration: %s", b)
	}
}

type attachmentList struct {
	Attachments []struct {
		Attachment struct {
			IntegrationID string `json:"integration_id"`
			Enabled       bool   `json:"enabled"`
		} `json:"attachment"`
		Integration struct {
			Name string `json:"name"`
		} `json:"integration"`
	} `json:"attachments"`
}

func (l attachmentList) names() []string {
	var out []string
	for _, a := range l.Attachments {
		s := a.Integration.Name
		if !a.Attachment.Enabled {
			s += " (off)"
		}
		out = append(out, s)
	}
	return out
}

// The integrations page: reorder an inbox's cards by dragging, disable, detach, attach and
// delete; each change is what the API then reports.
func TestIntegrationsListAndCardOrder(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/integrations")
	p.waitFor("the inbox's cards", `document.querySelectorAll("#attached li[data-id]").length === 4`)
	names := func() []string {
		var l attachmentList
		apiCall(t, base, "GET", "/inboxes/support/integrations", nil, &l)
		return l.names()
	}
	if got := names(); !slices.Equal(got, []string{"Customer Data", "Client Info", "Loyalty Points", "Order History"}) {
		t.Fatalf("demo order = %v", got)
	}
	p.screenshot("integrations")

	// Drag the last card to the top.
	p.do(chromedp.DragAndDrop(chromedp.CSS("#attached li:nth-child(3) .grip"), chromedp.CSS("#attached li:nth-child(1)")))
	p.waitFor("the new order", `document.querySelector("#attached li:first-child .name").textContent === "Loyalty Points"`)
	if got := names(); !slices.Equal(got, []string{"Loyalty Points", "Customer Data", "Client Info", "Order History"}) {
		t.Errorf("order after dragging = %v", got)
	}
	// Keyboard: Alt+ArrowDown moves the focused card down.
	p.do(chromedp.Focus(chromedp.CSS("#attached li:nth-child(1)")), chromedp.KeyEvent(kb.ArrowDown, chromedp.KeyModifiers(chromedp.ModifierAlt)))
	p.waitFor("the keyboard move", `document.querySelector("#attached li:first-child .name").textContent === "Customer Data"`)
	if got := names(); !slices.Equal(got, []string{"Customer Data", "Loyalty Points", "Client Info", "Order History"}) {
		t.Errorf("order after Alt+Down = %v", got)
	}

	p.do(chromedp.Click(chromedp.CSS(`#attached input[aria-label="Show Client Info to agents"]`)))
	p.waitFor("the disabled card", `document.querySelector("#attached li:nth-child(3) .switch").textContent === "Disabled"`)
	if got := names(); !slices.Equal(got, []string{"Customer Data", "Loyalty Points", "Client Info (off)", "Order History"}) {
		t.Errorf("after disabling = %v", got)
	}
	p.do(chromedp.Click(chromedp.CSS(`#attached button[aria-label="Detach Loyalty Points"]`)))
	p.waitFor("the detached card", `document.querySelectorAll("#attached li[data-id]").length === 3`)
	p.do(chromedp.SetValue(chromedp.ID("attach-select"), eval[string](p, `document.getElementById("attach-select").options[0].value`)), clickID("attach"))
	p.waitFor("the attached card", `document.querySelectorAll("#attached li[data-id]").length === 4`)
	if got := names(); !slices.Equal(got, []string{"Customer Data", "Client Info (off)", "Order History", "Loyalty Points"}) {
		t.Errorf("after detaching and attaching = %v", got)
	}

	p.acceptDialog()
	p.do(chromedp.Click(chromedp.CSS(`button[aria-label="Delete Loyalty Points"]`)))
	p.waitFor("the deleted integration", `document.querySelectorAll("tbody tr[data-id]").length === 3`)
	if got := names(); !slices.Equal(got, []string{"Customer Data", "Client Info (off)", "Order History"}) {
		t.Errorf("after deleting = %v", got)
	}
}

// The Testing tab: a dry run shows the expanded request without sending it; a live run of a
// POST needs the explicit confirmation; the secret header is redacted in what is shown.
func TestTestingTab(t *testing.T) {
	base := startConsole(t)
	id := integrationID(t, base, "Client Info") // POST with a secret Authorization header
	p := newPage(t, base)
	p.open("#/integrations/" + id + "/testing")
	result := `document.getElementById("test-result").textContent`
	p.do(chromedp.WaitVisible(chromedp.ID("dry-run")), clickID("dry-run"))
	p.waitFor("the dry run", result+`.includes("Dry run") && `+result+`.includes("POST http://127.0.0.1:")`)
	if s := eval[string](p, result); !strings.Contains(s, `"email": "ada@example.com"`) {
		t.Errorf("dry run lacks the expanded body:\n%s", s)
	}

	p.do(clickID("live-run"))
	p.waitFor("the refusal", result+`.includes("Tick the confirmation first")`)
	if focused := eval[string](p, `document.activeElement.id`); focused != "confirm-send" {
		t.Errorf("focus after the refusal is on %q, want the confirmation", focused)
	}
	p.do(clickID("confirm-send"), clickID("live-run"))
	p.waitFor("the live run", result+`.includes("HTTP 200")`)
	p.waitFor("the preview", `__t.text(document.querySelector("#test-result inboxkit-card")).includes("Grace Hopper")`)
	s := eval[string](p, result)
	if strings.Contains(s, demo.OrderToken) || !strings.Contains(s, "Authorization: ••••") {
		t.Errorf("the shown request does not redact the secret header:\n%s", s)
	}
	p.fullScreenshot("editor-testing")

	p.do(clickID("tab-configuration"), chromedp.WaitVisible(chromedp.ID("f-url")))
	if v := eval[string](p, `document.querySelector('[data-pointer="/headers/0/value"]').type`); v != "password" {
		t.Errorf("the secret header's input is %q, want password", v)
	}
	p.screenshot("editor-configuration")
}
