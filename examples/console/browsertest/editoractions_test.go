package browsertest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// savedActions is the part of a stored integration the Actions tab edits.
type savedActions struct {
	Version int `json:"version"`
	Actions []struct {
		Name    string `json:"name"`
		Label   string `json:"label"`
		Method  string `json:"method"`
		URL     string `json:"url"`
		Body    string `json:"body"`
		Confirm string `json:"confirm"`
		Fields  []struct {
			Name      string   `json:"name"`
			Label     string   `json:"label"`
			Type      string   `json:"type"`
			Required  bool     `json:"required"`
			Options   []string `json:"options"`
			MaxLength int      `json:"max_length"`
		} `json:"fields"`
	} `json:"actions"`
}

// An admin adds an action with two fields on the Actions tab, inserting {{input.NAME}} with
// the variable buttons, and saves; the API has it. A broken field name comes back as a
// problem at that field's input.
func TestEditorActionsTab(t *testing.T) {
	base := startConsole(t)
	up := newUpstream(t, map[string]func() (time.Duration, string){
		"/customer": func() (time.Duration, string) { return 0, `{"name": "Ada"}` },
	})
	id := addIntegration(t, base, "sales", integration{Name: "CRM", URL: up.URL + "/customer?email={{contact.email}}", Active: true,
		Display: display(`{"version": 1, "sections": [{"type": "text", "text": "{{name}}"}]}`)})
	p := newPage(t, base)
	p.open("#/integrations/" + id + "/actions")
	p.do(chromedp.WaitVisible(chromedp.ID("add-action")), clickID("add-action"))
	p.waitFor("the new action", `document.querySelectorAll("#actions-editor .action-item").length === 1`)
	if got := eval[string](p, `document.activeElement.id`); got != "a-actions-0-label" {
		t.Errorf("focus after adding an action = %q, want its label", got)
	}
	p.do(
		typeInto("a-actions-0-label", "Add note"),
		typeInto("a-actions-0-name", "add_note"),
		typeInto("a-actions-0-url", up.URL+"/notes/"),
		chromedp.Click(chromedp.CSS(`#actions-editor button.var`)), // the first variable: contact.id
		chromedp.Click(chromedp.CSS(`#actions-editor .action-fields + button`)),
	)
	p.waitFor("the new field", `document.getElementById("a-actions-0-fields-0-name")`)
	p.do(
		typeInto("a-actions-0-fields-0-label", "Note"),
		typeInto("a-actions-0-fields-0-name", "note"),
		selectOption("a-actions-0-fields-0-type", "textarea"),
	)
	p.waitFor("the textarea settings", `document.getElementById("a-actions-0-fields-0-max_length")`)
	p.do(
		chromedp.Click(chromedp.ID("a-actions-0-fields-0-required")),
		typeInto("a-actions-0-fields-0-max_length", "500"),
		chromedp.Click(chromedp.CSS(`#actions-editor .action-fields + button`)),
	)
	p.waitFor("the second field", `document.getElementById("a-actions-0-fields-1-name")`)
	p.do(
		typeInto("a-actions-0-fields-1-label", "Reason"),
		typeInto("a-actions-0-fields-1-name", "reason"),
		selectOption("a-actions-0-fields-1-type", "select"),
	)
	p.waitFor("the options input", `document.getElementById("a-actions-0-fields-1-options")`)
	p.do(
		typeInto("a-actions-0-fields-1-options", "damaged, late"),
		typeInto("a-actions-0-body", `{"note": "`),
	)
	// The variable buttons now offer the fields as {{input.NAME}}.
	p.waitFor("the input variables", `[...document.querySelectorAll("#actions-editor button.var")].some((b) => b.textContent === "{{input.reason}}")`)
	p.do(
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll("#actions-editor button.var")].find((b) => b.textContent === "{{input.note}}")`)),
		chromedp.SendKeys(chromedp.ID("a-actions-0-body"), `", "reason": "`),
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll("#actions-editor button.var")].find((b) => b.textContent === "{{input.reason}}")`)),
		chromedp.SendKeys(chromedp.ID("a-actions-0-body"), `"}`),
		typeInto("a-actions-0-confirm", "Add this note to the CRM?"),
	)
	p.fullScreenshot("editor-actions")
	p.do(clickID("save"))
	var got savedActions
	deadline := time.Now().Add(10 * time.Second)
	for {
		apiCall(t, base, "GET", "/integrations/"+id, nil, &got)
		if len(got.Actions) == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := json.Marshal(got.Actions)
	want := `[{"name":"add_note","label":"Add note","method":"POST","url":"` + up.URL + `/notes/{{contact.id}}",` +
		`"body":"{\"note\": \"{{input.note}}\", \"reason\": \"{{input.reason}}\"}","confirm":"Add this note to the CRM?",` +
		`"fields":[{"name":"note","label":"Note","type":"textarea","required":true,"options":null,"max_length":500},` +
		`{"name":"reason","label":"Reason","type":"select","required":false,"options":["damaged","late"],"max_length":0}]}]`
	if string(b) != want {
		t.Fatalf("saved actions:\n%s\nwant\n%s", b, want)
	}

	p.waitFor("the saved toast", `(document.getElementById("toasts") || {}).textContent === "Saved CRM"`) // the tab is redrawn in the same task

	// The Testing tab tests the action: a missing required input is refused at its field, a
	// dry run shows the request with the inputs escaped by position.
	p.do(clickID("tab-testing"), chromedp.WaitVisible(chromedp.ID("test-target")), selectOption("test-target", "add_note"))
	p.waitFor("the action's inputs", `document.querySelector('#test-inputs [data-pointer="/inputs/note"]')`)
	p.do(clickID("dry-run"))
	p.waitFor("the input problem", `document.querySelector('#test-inputs [data-pointer="/inputs/note"]').getAttribute("aria-invalid") === "true"`)
	for _, s := range p.takeProblems() { // the browser logs the 422 it was meant to get
		if !strings.Contains(s, "status of 422") {
			t.Errorf("browser: %s", s)
		}
	}
	eval[bool](p, `(() => {
		const set = (sel, v, ev) => { const c = document.querySelector(sel); c.value = v; c.dispatchEvent(new Event(ev)); };
		set('#test-inputs [data-pointer="/inputs/note"]', 'He said "hi"}', "input");
		set('#test-inputs [data-pointer="/inputs/reason"]', "late", "change");
		return true;
	})()`)
	p.do(clickID("dry-run"))
	p.waitFor("the dry run", `document.querySelector("#test-result pre.request")`)
	if got := eval[string](p, `document.querySelector("#test-result pre.request").textContent`); !strings.HasPrefix(got, "POST "+up.URL+"/notes/c_1001\n") ||
		!strings.HasSuffix(got, `{"note": "He said \"hi\"}", "reason": "late"}`) {
		t.Errorf("dry run of the action:\n%s", got)
	}
	if got := eval[string](p, `document.querySelector("label.warn").textContent`); got != "I understand this sends a real POST request" {
		t.Errorf("live-run warning = %q", got)
	}
	p.do(clickID("tab-actions"))

	// A field name the API refuses: the problem shows at that input, nothing is stored.
	p.waitFor("the actions tab", `document.getElementById("a-actions-0-fields-1-name")`)
	p.do(typeInto("a-actions-0-fields-1-name", "Reason!"), clickID("save"))
	p.waitFor("the problem at the field", `document.getElementById("a-actions-0-fields-1-name").getAttribute("aria-invalid") === "true"`)
	if msg := eval[string](p, `document.getElementById("a-actions-0-fields-1-name").nextElementSibling.textContent`); msg == "" {
		t.Errorf("the field problem has no message")
	}
	for _, s := range p.takeProblems() { // the browser logs the 422 it was meant to get
		if !strings.Contains(s, "status of 422") {
			t.Errorf("browser: %s", s)
		}
	}
	var after savedActions
	apiCall(t, base, "GET", "/integrations/"+id, nil, &after)
	if after.Version != got.Version {
		t.Errorf("the refused save changed the integration: version %d -> %d", got.Version, after.Version)
	}
}
