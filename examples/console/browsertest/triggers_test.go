package browsertest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// activitiesJS lists the thread's activity lines as [icon, text, href, target, rel].
const activitiesJS = `[...document.querySelectorAll("#thread-activities .activity")].map((a) => {
	const l = a.querySelector("a");
	return [a.dataset.icon, a.querySelector(".activity-text").textContent, l ? l.href : "", l ? l.target : "", l ? l.rel : ""];
})`

// The demo agent resolves Ada's conversation on the profile sheet: the Customer Data trigger
// posts one activity line with her latest CRM order, its amount formatted, linking to the CRM
// in a new tab. Pressing Resolve again (and double-clicking it) posts nothing new.
func TestProfileResolveConversation(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/profile/support/c_1001")
	p.waitFor("four cards", `__t.statuses(document.getElementById("cards")).join() === "ok,ok,error,ok"`)
	p.waitFor("the Resolve button", `document.getElementById("resolve")`)
	if n := eval[int](p, `document.querySelectorAll("#thread-activities .activity").length`); n != 0 {
		t.Fatalf("the thread starts with %d activity lines", n)
	}
	p.do(clickID("resolve"))
	p.waitFor("the activity line", `document.querySelectorAll("#thread-activities .activity").length === 1`)
	p.waitFor("the status", `document.getElementById("resolve-status").textContent === "Resolved: 1 activity posted."`)
	want := [][]string{{"crm", "Latest order A-1003 pending — $129.50 (Gold customer, last purchase Jan 15, 2024)",
		"https://crm.example.com/customers/12345", "_blank", "noopener noreferrer"}}
	got := eval[[][]string](p, activitiesJS)
	if b, w := mustJSON(t, got), mustJSON(t, want); b != w {
		t.Errorf("activity lines:\n%s\nwant\n%s", b, w)
	}
	p.screenshot("profile-activity")

	// Again, then a double click: the same event, nothing new.
	p.do(clickID("resolve"))
	p.waitFor("the duplicate", `document.getElementById("resolve-status").textContent === "Resolved: 1 already posted."`)
	doubleClick(p, `document.getElementById("resolve")`)
	p.waitFor("the button back", `!document.getElementById("resolve").disabled && document.getElementById("resolve-status").textContent === "Resolved: 1 already posted."`)
	if got := eval[[][]string](p, activitiesJS); len(got) != 1 {
		t.Errorf("after three more presses the thread has %d activity lines, want 1: %v", len(got), got)
	}
	// A reload reads the thread from the server: still one line.
	p.open("#/profile/support/c_1001")
	p.waitFor("the thread", `document.querySelectorAll("#thread-activities .activity").length === 1`)
	var thread struct {
		Messages []map[string]string `json:"messages"`
	}
	consoleCall(t, base, "/console/conversations/conv_1/messages", &thread)
	if len(thread.Messages) != 1 || thread.Messages[0]["kind"] != "MINIMAL" {
		t.Errorf("the demo's inbox holds %v, want one MINIMAL message", thread.Messages)
	}
}

// A trigger over hostile upstream data: markup in the line stays text (no element is made,
// no handler runs), a javascript: link and a link with ../ in its path are left out, CR/LF
// never split the line.
func TestProfileResolveHostile(t *testing.T) {
	base := startConsole(t)
	clearInbox(t, base, "sales")
	up := newUpstream(t, map[string]func() (time.Duration, string){
		"/order": func() (time.Duration, string) {
			return 0, `{"name": "<img src=x onerror=\"window.__pwned=1\">\r\n<script>window.__pwned=2</script>", "url": "javascript:window.__pwned=3",
			  "total": "1e3", "id": "../../admin"}`
		},
	})
	var created struct {
		ID string `json:"id"`
	}
	apiCall(t, base, "POST", "/integrations", map[string]any{
		"name": "Hostile", "url": up.URL + "/order", "active": true,
		"triggers": []map[string]string{
			{"name": "order_line", "on": "conversation.resolved", "icon": "truck", "text": `{{name}} — {{total | currency:"USD"}}`, "link": "{{url}}"},
			{"name": "admin_line", "on": "conversation.resolved", "text": `Admin {{id}}`, "link": "https://shop.example.com/o/{{id}}"},
		},
	}, &created)
	apiCall(t, base, "PUT", "/inboxes/sales/integrations/"+created.ID, map[string]any{}, nil)
	p := newPage(t, base)
	p.open("#/profile/sales/c_1001")
	p.waitFor("the Resolve button", `document.getElementById("resolve")`)
	p.do(clickID("resolve"))
	p.waitFor("two activity lines", `document.querySelectorAll("#thread-activities .activity").length === 2`)
	got := eval[[][]string](p, activitiesJS)
	want := [][]string{
		{"truck", `<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> — $1,000.00`, "", "", ""},
		{"", "Admin ../../admin", "", "", ""}, // a dot segment in a link's path leaves the link out
	}
	if b, w := mustJSON(t, got), mustJSON(t, want); b != w {
		t.Errorf("activity lines:\n%s\nwant\n%s", b, w)
	}
	if n := eval[int](p, `document.querySelectorAll("#thread-activities img, #thread-activities script, #thread-activities b").length`); n != 0 {
		t.Errorf("the hostile data made %d elements", n)
	}
	if v := eval[any](p, `window.__pwned === undefined ? null : window.__pwned`); v != nil {
		t.Errorf("hostile code ran: __pwned = %v", v)
	}
}

// An admin adds a trigger on the Triggers tab (it comes with a free name; label_added shows the
// label field), names it, inserts a formatting snippet and saves; the API has it. A second
// trigger gets the next free name. A live test run shows the line it would post. A link and a
// name the API refuses come back as problems at their inputs.
func TestEditorTriggersTab(t *testing.T) {
	base := startConsole(t)
	up := newUpstream(t, map[string]func() (time.Duration, string){
		"/customer": func() (time.Duration, string) { return 0, `{"name": "Ada", "order": {"id": "A-7", "total": 1234.5}}` },
	})
	id := addIntegration(t, base, "sales", integration{Name: "Shop", URL: up.URL + "/customer?email={{contact.email}}", Active: true,
		Display: display(`{"version": 1, "sections": [{"type": "text", "text": "{{name}}"}]}`)})
	p := newPage(t, base)
	p.open("#/integrations/" + id + "/triggers")
	p.do(chromedp.WaitVisible(chromedp.ID("add-trigger")), clickID("add-trigger"))
	p.waitFor("the new trigger", `document.querySelectorAll("#triggers-editor .trigger-item").length === 1`)
	if got := eval[string](p, `document.activeElement.id`); got != "tr-triggers-0-text" {
		t.Errorf("focus after adding a trigger = %q, want its text", got)
	}
	if got := eval[string](p, `document.getElementById("tr-triggers-0-name").value`); got != "trigger_1" {
		t.Errorf("a new trigger's name = %q, want trigger_1", got)
	}
	if eval[bool](p, `!document.getElementById("tr-triggers-0-label").closest(".field").hidden`) {
		t.Errorf("the label field shows for conversation.resolved")
	}
	p.do(selectOption("tr-triggers-0-on", "conversation.label_added"))
	p.waitFor("the label field", `!document.getElementById("tr-triggers-0-label").closest(".field").hidden`)
	p.do(
		typeInto("tr-triggers-0-name", "vip_order"),
		typeInto("tr-triggers-0-label", "vip"),
		typeInto("tr-triggers-0-text", "Order {{order.id}} — "),
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll("#triggers-editor button.var")].find((b) => b.textContent.includes("currency"))`)),
	)
	// The snippet's PATH is for the admin to replace: select it and type the path.
	eval[bool](p, `(() => { const f = document.getElementById("tr-triggers-0-text"); const i = f.value.indexOf("PATH"); f.setSelectionRange(i, i + 4); return true; })()`)
	p.do(
		chromedp.SendKeys(chromedp.ID("tr-triggers-0-text"), "order.total"),
		typeInto("tr-triggers-0-link", "https://shop.example.com/orders/{{order.id}}"),
		typeInto("tr-triggers-0-icon", "truck"),
	)
	p.fullScreenshot("editor-triggers")
	p.do(clickID("save"))
	p.waitFor("the saved toast", `(document.getElementById("toasts") || {}).textContent === "Saved Shop"`)
	var got struct {
		Version  int               `json:"version"`
		Triggers []json.RawMessage `json:"triggers"`
	}
	apiCall(t, base, "GET", "/integrations/"+id, nil, &got)
	want := `{"name":"vip_order","on":"conversation.label_added","label":"vip","text":"Order {{order.id}} — {{ order.total | currency:\"USD\" }}","link":"https://shop.example.com/orders/{{order.id}}","icon":"truck"}`
	if len(got.Triggers) != 1 || string(got.Triggers[0]) != want {
		t.Fatalf("saved triggers %s, want [%s]", got.Triggers, want)
	}

	// The Testing tab: a live run shows the line the trigger would post.
	p.do(clickID("tab-testing"), chromedp.WaitVisible(chromedp.ID("live-run")), clickID("live-run"))
	p.waitFor("the trigger lines", `document.querySelector("#test-activities .activity")`)
	if got := eval[string](p, `document.querySelector("#test-activities .activity-text").textContent`); got != "Order A-7 — $1,234.50" {
		t.Errorf("trigger line = %q", got)
	}
	p.screenshot("editor-testing-triggers")

	// A second trigger gets the next free name. A link and a name the API refuses: the problems
	// show at their inputs; nothing is stored.
	p.do(clickID("tab-triggers"), chromedp.WaitVisible(chromedp.ID("add-trigger")), clickID("add-trigger"))
	p.waitFor("the second trigger", `document.querySelectorAll("#triggers-editor .trigger-item").length === 2`)
	if got := eval[string](p, `document.getElementById("tr-triggers-1-name").value`); got != "trigger_1" {
		t.Errorf("the second trigger's name = %q, want trigger_1 (vip_order is taken, trigger_1 is free)", got)
	}
	p.do(typeInto("tr-triggers-1-name", "vip_order"), typeInto("tr-triggers-1-text", "Again"),
		typeInto("tr-triggers-0-link", "javascript:alert(1)"), clickID("save"))
	p.waitFor("the problem at the link", `document.getElementById("tr-triggers-0-link").getAttribute("aria-invalid") === "true"`)
	if msg := eval[string](p, `document.getElementById("tr-triggers-0-link").nextElementSibling.textContent`); !strings.Contains(msg, "http") {
		t.Errorf("the link's problem = %q", msg)
	}
	p.waitFor("the problem at the second name", `document.getElementById("tr-triggers-1-name").getAttribute("aria-invalid") === "true"`)
	if msg := eval[string](p, `document.getElementById("tr-triggers-1-name").nextElementSibling.textContent`); !strings.Contains(msg, "twice") {
		t.Errorf("the duplicate name's problem = %q", msg)
	}
	for _, s := range p.takeProblems() { // the browser logs the 422 it was meant to get
		if !strings.Contains(s, "status of 422") {
			t.Errorf("browser: %s", s)
		}
	}
	var after struct {
		Version int `json:"version"`
	}
	apiCall(t, base, "GET", "/integrations/"+id, nil, &after)
	if after.Version != got.Version {
		t.Errorf("the refused save changed the integration: version %d -> %d", got.Version, after.Version)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// consoleCall reads one of the console's own endpoints as the demo admin.
func consoleCall(t *testing.T, base, path string, out any) {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer demo-admin")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
