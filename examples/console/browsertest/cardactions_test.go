package browsertest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// actionCard is a card with three actions as integration.Card sends them: a form with
// every field type and a confirmation, a GET action that runs at once, and a confirmation
// without fields.
const actionCard = `{integration_id: "crm", name: "CRM", status: "ok",
	output: {version: 1, nodes: [{type: "text", text: "Ada Lovelace"}]},
	actions: [
		{name: "add_note", label: "Add note", method: "POST", confirm: "Add this note to Ada's record?", fields: [
			{name: "note", label: "Note", type: "textarea", required: true, max_length: 20, help: "The whole team sees it."},
			{name: "amount", label: "Amount", type: "number", min: 1, max: 100},
			{name: "email", label: "Email", type: "email"},
			{name: "phone", label: "Phone", type: "phone"},
			{name: "due", label: "Due", type: "date"},
			{name: "reason", label: "Reason", type: "select", options: ["damaged", "late"], required: true},
			{name: "notify", label: "Notify the customer", type: "boolean", default: "true"},
			{name: "ref", label: "Reference", type: "text", default: "R-1"}]},
		{name: "sync", label: "Sync now", method: "GET"},
		{name: "refund", label: "Refund", method: "POST", confirm: "Refund the last order?"}]}`

// cardJS is a JavaScript expression for the first card of the fixture.
const cardJS = `__t.cards(document.getElementById("fixture"))[0]`

// inCard returns a JS path to the first element matching sel in the fixture card's shadow
// root, for chromedp's real mouse clicks and key presses.
func inCard(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.JSPath(cardJS + `.shadowRoot.querySelector(` + "`" + sel + "`" + `)`))
}

// doubleClick double-clicks the element js evaluates to as a person does: a click, then a
// second one at the same spot with a click count of 2, whatever the first did to the page.
func doubleClick(p *browserPage, js string) {
	p.t.Helper()
	xy := eval[[]float64](p, `(() => {
		const e = `+js+`;
		e.scrollIntoView({block: "nearest"});
		const r = e.getBoundingClientRect();
		return [r.x + r.width / 2, r.y + r.height / 2];
	})()`)
	p.do(chromedp.MouseClickXY(xy[0], xy[1]), chromedp.MouseClickXY(xy[0], xy[1], chromedp.ClickCount(2)))
}

// hostRunner installs a runAction on the fixture card that records each call and answers
// only when the test settles it (__settle.ok(result) or __settle.fail(error)).
func hostRunner(p *browserPage) {
	eval[bool](p, `(() => {
		window.__calls = [];
		window.__settle = null;
		`+cardJS+`.runAction = (req) => {
			__calls.push(JSON.parse(JSON.stringify(req)));
			return new Promise((ok, fail) => { window.__settle = {ok, fail}; });
		};
		return true;
	})()`)
}

// focusPath says where the focus is: the card's integration id and the focused element in
// its shadow root ("crm:button.action Add note").
const focusPath = `(() => {
	let e = document.activeElement;
	const host = e && e.localName === "inboxkit-card" ? e.card.integration_id + ":" : "";
	while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
	if (!e) return "";
	const what = e.localName === "button" ? e.textContent : (e.dataset.field || e.id);
	return host + e.localName + "." + e.className + " " + what;
})()`

func checkMap(t *testing.T, got, want map[string]any) {
	t.Helper()
	for _, k := range slices.Sorted(mapsKeys(want)) {
		if fmt.Sprint(got[k]) != fmt.Sprint(want[k]) {
			t.Errorf("%s = %v, want %v", k, got[k], want[k])
		}
	}
}

// Buttons are drawn for ok cards (fresh or stale) only, in the card's footer, disabled until
// the host supplies runAction.
func TestCardActionButtons(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	acts := `[{name: "a", label: "Run A"}, {name: "b", label: "Run B", fields: [{name: "x", label: "X", type: "text"}]}]`
	box := drawCards(p, `[
		{integration_id: "ok", name: "Ok", status: "ok", output: {version: 1, nodes: []}, actions: `+acts+`},
		{integration_id: "stale", name: "Stale", status: "ok", stale: true, raw: {a: 1}, actions: `+acts+`},
		{integration_id: "error", name: "Error", status: "error", error: {category: "timeout", message: "Timed out."}, actions: `+acts+`},
		{integration_id: "na", name: "NA", status: "not_applicable", missing: ["contact.email"], actions: `+acts+`},
		{integration_id: "loading", name: "Loading", status: "loading", actions: `+acts+`},
		{integration_id: "none", name: "None", status: "ok", output: {version: 1, nodes: []}},
		{integration_id: "junk", name: "Junk", status: "ok", output: {version: 1, nodes: []},
		 actions: [null, 7, {label: "no name"}, {name: "dup", label: "Dup 1"}, {name: "dup", label: "Dup 2"}, {name: "t", fields: [{name: "f", type: "nonsense"}]}]}
	]`, "")
	got := eval[map[string]any](p, `(() => {
		const cards = __t.cards(`+box+`);
		const labels = (c) => __t.all(c, "footer button.action").map((b) => b.textContent).join("|");
		const out = {};
		for (const c of cards) out[c.card.integration_id] = labels(c);
		const ok = cards[0];
		out.disabled = __t.all(ok, "button.action").map((b) => b.disabled).join();
		out.title = __t.all(ok, "button.action")[0].title;
		out.part = ok.shadowRoot.querySelector("footer").part.value;
		out.group = ok.shadowRoot.querySelector("footer [role=group]").getAttribute("aria-label");
		out.expanded = __t.all(ok, "button.action").map((b) => b.getAttribute("aria-expanded")).join();
		ok.runAction = async () => ({status: "ok"});
		out.enabled = __t.all(ok, "button.action").map((b) => b.disabled).join();
		return out;
	})()`)
	checkMap(t, got, map[string]any{
		"ok": "Run A|Run B", "stale": "Run A|Run B", "error": "", "na": "", "loading": "", "none": "",
		"junk":     "Dup 1|t", // entries without a name and duplicate names are skipped; a missing label shows the name
		"disabled": "true,true", "title": "Actions are not available here.", "enabled": "false,false",
		"part": "actions", "group": "Actions",
		"expanded": ",false", // only an action with a panel is a disclosure
	})
	// An unknown field type is drawn as a text input.
	eval[bool](p, `(__t.cards(`+box+`)[6].runAction = async () => ({status: "ok"}), true)`)
	p.do(chromedp.Click(chromedp.JSPath(`__t.cards(` + box + `)[6].shadowRoot.querySelector('button[data-action="t"]')`)))
	if got := eval[string](p, `__t.cards(`+box+`)[6].shadowRoot.querySelector("form input").type`); got != "text" {
		t.Errorf("unknown field type drawn as %q, want text", got)
	}
	p.screenshot("card-action-buttons")
}

// The form: one input per field type with its constraints, labels bound to the inputs,
// checked in the browser with the problems next to their fields; then the confirmation
// (Cancel goes back to the form with the values kept), and runAction called exactly once
// with every input, however often the agent clicks, with the buttons disabled while it runs.
func TestCardActionFormConfirmRun(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	drawCards(p, `[`+actionCard+`]`, "")
	hostRunner(p)

	p.do(inCard(`button[data-action="add_note"]`))
	if got := eval[string](p, focusPath); got != "crm:textarea. note" {
		t.Errorf("focus after opening the form = %q, want the first field", got)
	}
	form := eval[map[string]any](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		const f = sr.querySelector("form");
		const ctl = (n) => sr.querySelector('[data-field="'+n+'"]:is(input, select, textarea)');
		return {
			label: f.getAttribute("aria-label"),
			part: f.part.value,
			controls: [...f.querySelectorAll("input, select, textarea")].map((c) => c.dataset.field + ":" + (c.type || c.localName)).join(" "),
			labels: [...f.querySelectorAll("label")].map((l) => l.control ? l.control.dataset.field : "UNBOUND").join(" "),
			required: [...f.querySelectorAll("[required]")].map((c) => c.dataset.field).join(" "),
			help: sr.getElementById(ctl("note").getAttribute("aria-describedby")).textContent,
			range: ctl("amount").min + ".." + ctl("amount").max,
			options: [...ctl("reason").options].map((o) => o.value + "=" + o.textContent).join(" "),
			notify: ctl("notify").checked,
			ref: ctl("ref").value,
			expanded: sr.querySelector('button[data-action="add_note"]').getAttribute("aria-expanded"),
			submit: f.querySelector("button[type=submit]").textContent,
		};
	})()`)
	checkMap(t, form, map[string]any{
		"label": "Add note", "part": "action-form",
		"controls": "note:textarea amount:number email:email phone:tel due:date reason:select-one notify:checkbox ref:text",
		"labels":   "note amount email phone due reason notify ref",
		"required": "note reason", "help": "The whole team sees it.", "range": "1..100",
		"options": "=Choose… damaged=damaged late=late", "notify": true, "ref": "R-1", "expanded": "true",
		"submit": "Continue",
	})

	// Invalid values: nothing runs, each problem is next to its field, the focus goes to the
	// first one.
	setField := func(name, value string) {
		eval[bool](p, `(() => {
			const c = `+cardJS+`.shadowRoot.querySelector('[data-field="`+name+`"]:is(input, select, textarea)');
			c.value = `+jsString(value)+`;
			c.dispatchEvent(new Event("input", {bubbles: true}));
			return true;
		})()`)
	}
	setField("note", "")
	setField("amount", "250")
	setField("email", "not-an-email")
	setField("phone", "call me")
	setField("ref", "")
	p.do(inCard(`form button[type=submit]`))
	problems := func() map[string]any {
		return eval[map[string]any](p, `(() => {
			const out = {};
			for (const c of `+cardJS+`.shadowRoot.querySelectorAll("form [aria-invalid=true]")) {
				const ids = (c.getAttribute("aria-describedby") || "").split(" ");
				out[c.dataset.field] = c.getRootNode().getElementById(ids[ids.length - 1]).textContent;
			}
			return out;
		})()`)
	}
	checkMap(t, problems(), map[string]any{
		"note": "Required.", "amount": "Enter a number from 1 to 100.", "email": "Enter an email address.",
		"phone": "Enter a phone number.", "reason": "Required.",
	})
	if got := eval[string](p, focusPath); got != "crm:textarea. note" {
		t.Errorf("focus after a failed check = %q, want the first invalid field", got)
	}
	if n := eval[int](p, `__calls.length`); n != 0 {
		t.Fatalf("runAction called %d times with invalid values", n)
	}
	setField("note", strings.Repeat("é", 21))
	setField("amount", "100")
	p.do(inCard(`form button[type=submit]`))
	checkMap(t, problems(), map[string]any{"note": "At most 20 characters.", "reason": "Required."})

	// Valid values, typed partly with the keyboard.
	setField("note", "")
	p.do(chromedp.Focus(chromedp.JSPath(cardJS+`.shadowRoot.querySelector("textarea")`)), chromedp.KeyEvent("Box arrived \"dented\""))
	setField("amount", "12.5")
	setField("email", "ada@example.com")
	setField("phone", "+44 20 7946 0000")
	setField("due", "2026-12-24")
	eval[bool](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		const s = sr.querySelector('select[data-field="reason"]');
		s.value = "late";
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`)
	p.do(inCard(`input[data-field="notify"]`)) // untick
	p.do(inCard(`form button[type=submit]`))
	if n := len(problems()); n != 0 {
		t.Fatalf("problems left with valid values: %v", problems())
	}

	// The confirmation: its prompt, the focus on Cancel; Cancel goes back to the form with
	// the values kept.
	confirm := eval[map[string]any](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		const c = sr.querySelector(".confirm");
		return {
			prompt: c.querySelector(".prompt").textContent,
			label: sr.getElementById(c.getAttribute("aria-labelledby")).textContent,
			buttons: [...c.querySelectorAll("button")].map((b) => b.textContent).join("|"),
			form: !!sr.querySelector("form"),
		};
	})()`)
	checkMap(t, confirm, map[string]any{
		"prompt": "Add this note to Ada's record?", "label": "Add this note to Ada's record?",
		"buttons": "Confirm|Cancel", "form": false,
	})
	if got := eval[string](p, focusPath); got != "crm:button. Cancel" {
		t.Errorf("focus on the confirmation = %q, want Cancel", got)
	}
	p.do(chromedp.KeyEvent(kb.Enter)) // Cancel
	if got := eval[string](p, ``+cardJS+`.shadowRoot.querySelector("textarea").value`); got != `Box arrived "dented"` {
		t.Errorf("note after Cancel = %q, want the typed text", got)
	}
	if n := eval[int](p, `__calls.length`); n != 0 {
		t.Fatalf("runAction called by Cancel")
	}
	p.do(inCard(`form button[type=submit]`))

	// Confirm, double-clicked and clicked again: one call, with every input.
	doubleClick(p, cardJS+`.shadowRoot.querySelector(".confirm button.primary")`)
	p.do(inCard(`.confirm button.primary`))
	time.Sleep(200 * time.Millisecond)
	calls := eval[[]map[string]any](p, `__calls`)
	if len(calls) != 1 {
		t.Fatalf("runAction called %d times, want once: %v", len(calls), calls)
	}
	checkMap(t, calls[0], map[string]any{
		"integrationId": "crm", "action": "add_note", "confirmed": true,
		"inputs": map[string]any{"note": `Box arrived "dented"`, "amount": "12.5", "email": "ada@example.com",
			"phone": "+44 20 7946 0000", "due": "2026-12-24", "reason": "late", "notify": "false", "ref": ""},
	})
	busy := eval[map[string]any](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		const r = sr.querySelector(".action-result");
		return {
			buttons: [...sr.querySelectorAll("button")].filter((b) => !b.disabled).map((b) => b.textContent).join("|"),
			status: r.dataset.status, text: r.textContent, busy: sr.querySelector("footer").getAttribute("aria-busy"),
		};
	})()`)
	checkMap(t, busy, map[string]any{"buttons": "", "status": "running", "text": "Running Add note…", "busy": "true"})
	p.do(inCard(`button[data-action="sync"]`)) // disabled: nothing
	p.screenshot("card-action-running")

	eval[bool](p, `(__settle.ok({status: "ok", http_status: 201, message: "Note added.", duration_ns: 5}), true)`)
	p.waitFor("the result", cardJS+`.shadowRoot.querySelector(".action-result").dataset.status === "ok"`)
	done := eval[map[string]any](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		const r = sr.querySelector(".action-result");
		return {
			role: r.getAttribute("role"), live: r.getAttribute("aria-live"), text: r.textContent, http: r.dataset.httpStatus,
			part: r.part.value, panel: sr.querySelector(".action-panel").hidden,
			enabled: [...sr.querySelectorAll("button.action")].every((b) => !b.disabled),
			color: getComputedStyle(r).backgroundColor,
		};
	})()`)
	checkMap(t, done, map[string]any{
		"role": "status", "live": "polite", "text": "Add note:Note added.", "http": "201",
		"part": "action-result action-ok", "panel": true, "enabled": true, "color": "rgb(218, 251, 225)",
	})
	if got := eval[string](p, focusPath); got != "crm:button.action Add note" {
		t.Errorf("focus after the run = %q, want the action's button", got)
	}
	// After a success the form starts again from the defaults.
	p.do(inCard(`button[data-action="add_note"]`))
	if got := eval[string](p, cardJS+`.shadowRoot.querySelector('input[data-field="ref"]').value + "|" + `+cardJS+`.shadowRoot.querySelector("textarea").value`); got != "R-1|" {
		t.Errorf("form after a success = %q, want the defaults", got)
	}
	p.do(chromedp.KeyEvent(kb.Escape))
	if got := eval[string](p, focusPath); got != "crm:button.action Add note" {
		t.Errorf("focus after Escape = %q, want the action's button", got)
	}

	// A GET action without confirmation runs at once; a double click runs it once.
	doubleClick(p, cardJS+`.shadowRoot.querySelector('button[data-action="sync"]')`)
	time.Sleep(200 * time.Millisecond)
	calls = eval[[]map[string]any](p, `__calls`)
	if len(calls) != 2 {
		t.Fatalf("runAction calls = %d, want 2: %v", len(calls), calls)
	}
	checkMap(t, calls[1], map[string]any{"action": "sync", "confirmed": false, "inputs": map[string]any{}})
	eval[bool](p, `(__settle.ok({status: "failed", http_status: 503, message: "", error: {category: "upstream_5xx", message: "The service failed (HTTP 503)."}}), true)`)
	p.waitFor("the failure", cardJS+`.shadowRoot.querySelector(".action-result").dataset.status === "failed"`)
	failed := eval[map[string]any](p, `(() => {
		const r = `+cardJS+`.shadowRoot.querySelector(".action-result");
		return {text: r.textContent, category: r.dataset.category, part: r.part.value, color: getComputedStyle(r).color};
	})()`)
	checkMap(t, failed, map[string]any{
		"text": "Sync now:The service failed (HTTP 503).", "category": "upstream_5xx",
		"part": "action-result action-failed", "color": "rgb(164, 14, 38)",
	})
	if got := eval[string](p, focusPath); got != "crm:button.action Sync now" {
		t.Errorf("focus after a direct run = %q, want its button", got)
	}

	// An agent who moved on while the action ran keeps their focus.
	p.do(inCard(`button[data-action="sync"]`))
	p.waitFor("the call", `__calls.length === 3`)
	p.do(chromedp.Focus(chromedp.CSS("header.top select")))
	eval[bool](p, `(__settle.ok({status: "ok", message: "Synced."}), true)`)
	p.waitFor("the result", `__t.text(`+cardJS+`).includes("Synced.")`)
	if got := eval[string](p, `document.activeElement.localName + "#" + document.activeElement.id`); got != "select#user" {
		t.Errorf("focus after a run the agent left = %q, want the user picker", got)
	}
}

// What the server refuses comes back into the card: problems at /inputs/NAME next to their
// fields (others above the buttons), a demand for confirmation as the confirmation step,
// and any other rejection as a sentence, never the JSON.
func TestCardActionServerAnswers(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	drawCards(p, `[`+actionCard+`]`, "")
	hostRunner(p)

	p.do(inCard(`button[data-action="add_note"]`))
	eval[bool](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		sr.querySelector("textarea").value = "hello";
		sr.querySelector("textarea").dispatchEvent(new Event("input"));
		const s = sr.querySelector("select");
		s.value = "damaged";
		s.dispatchEvent(new Event("change"));
		return true;
	})()`)
	p.do(inCard(`form button[type=submit]`), inCard(`.confirm button.primary`))
	p.waitFor("the call", `__calls.length === 1`)
	eval[bool](p, `(__settle.fail(Object.assign(new Error("The request has invalid values."), {status: 422, code: "invalid",
		problems: [{path: "/inputs/amount", code: "out_of_range", message: "Must be at most 50."},
		           {path: "/inputs/bogus", code: "unknown_key", message: "Unknown input."}]})), true)`)
	p.waitFor("the problems", cardJS+`.shadowRoot.querySelector("form [aria-invalid=true]")`)
	got := eval[map[string]any](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		const c = sr.querySelector("form [aria-invalid=true]");
		const ids = c.getAttribute("aria-describedby").split(" ");
		return {
			field: c.dataset.field, message: sr.getElementById(ids[ids.length - 1]).textContent,
			summary: sr.querySelector("form [role=alert]").textContent,
			note: sr.querySelector("textarea").value,
			result: sr.querySelector(".action-result").textContent,
		};
	})()`)
	checkMap(t, got, map[string]any{
		"field": "amount", "message": "Must be at most 50.", "summary": "Unknown input.", "note": "hello",
		"result": "Add note:Some values were not accepted.",
	})
	if got := eval[string](p, focusPath); got != "crm:input. amount" {
		t.Errorf("focus after server problems = %q, want the amount field", got)
	}
	p.screenshot("card-action-problems")
	p.do(chromedp.KeyEvent(kb.Escape))

	// The server asks for confirmation (the card said none was needed): the element asks.
	eval[bool](p, `(() => {
		const c = `+cardJS+`;
		const card = structuredClone(c.card);
		card.actions[1].label = "Sync";
		c.card = card; // other actions: a new bar
		return true;
	})()`)
	p.do(inCard(`button[data-action="sync"]`))
	p.waitFor("the call", `__calls.length === 2`)
	eval[bool](p, `(__settle.fail(Object.assign(new Error("Confirm first."), {status: 428, code: "confirmation_required"})), true)`)
	p.waitFor("the confirmation", cardJS+`.shadowRoot.querySelector(".confirm")`)
	if got := eval[string](p, cardJS+`.shadowRoot.querySelector(".prompt").textContent`); got != `Run "Sync" for this contact?` {
		t.Errorf("prompt = %q", got)
	}
	p.do(inCard(`.confirm button.primary`))
	p.waitFor("the confirmed call", `__calls.length === 3`)
	if got := eval[bool](p, `__calls[2].confirmed`); !got {
		t.Errorf("the second call is not confirmed")
	}
	// A rejection carrying JSON (a host passing a body through) shows a sentence instead.
	eval[bool](p, `(__settle.fail(new Error('{"error": "secret stack trace"}')), true)`)
	p.waitFor("the failure", cardJS+`.shadowRoot.querySelector(".action-result").dataset.status === "failed"`)
	if got := eval[string](p, cardJS+`.shadowRoot.querySelector(".action-result").textContent`); got != "Sync:The action could not be run." {
		t.Errorf("failure = %q", got)
	}
	// A host returning nothing is a failure, not a success.
	p.do(inCard(`button[data-action="sync"]`))
	p.waitFor("the call", `__calls.length === 4`)
	eval[bool](p, `(__settle.ok(undefined), true)`)
	p.waitFor("the failure", cardJS+`.shadowRoot.querySelector(".action-result").textContent.includes("no result")`)
}

// A refresh of the card (the same integration and actions) keeps the open form, what was
// typed, the focus, and a run in flight, whose result still lands; a card with other actions
// drops them.
func TestCardActionSurvivesRefresh(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	drawCards(p, `[`+actionCard+`]`, "refreshable")
	hostRunner(p)
	p.do(inCard(`button[data-action="add_note"]`), chromedp.KeyEvent("kept"))
	eval[bool](p, `(() => {
		const c = `+cardJS+`;
		c.setAttribute("loading", "");
		c.card = {...c.card, from_cache: true, fetched_at: new Date().toISOString()};
		c.removeAttribute("loading");
		return true;
	})()`)
	if got := eval[string](p, cardJS+`.shadowRoot.querySelector("textarea").value`); got != "kept" {
		t.Errorf("note after a refresh = %q", got)
	}
	if got := eval[string](p, focusPath); got != "crm:textarea. note" {
		t.Errorf("focus after a refresh = %q", got)
	}
	p.do(chromedp.KeyEvent(kb.Escape), inCard(`button[data-action="refund"]`), inCard(`.confirm button.primary`))
	p.waitFor("the call", `__calls.length === 1`)
	eval[bool](p, `(() => { const c = `+cardJS+`; c.card = {...c.card}; return true; })()`)
	eval[bool](p, `(__settle.ok({status: "ok", message: "Refunded."}), true)`)
	p.waitFor("the result", cardJS+`.shadowRoot.querySelector(".action-result").textContent === "Refund:Refunded."`)

	// Another card in the same element: a fresh bar, and no late result from the old one.
	p.do(inCard(`button[data-action="refund"]`), inCard(`.confirm button.primary`))
	p.waitFor("the call", `__calls.length === 2`)
	eval[bool](p, `(() => {
		const c = `+cardJS+`;
		c.card = {...c.card, integration_id: "other"};
		__settle.ok({status: "ok", message: "Late."});
		return true;
	})()`)
	time.Sleep(200 * time.Millisecond)
	got := eval[map[string]any](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		return {result: sr.querySelector(".action-result").textContent, enabled: [...sr.querySelectorAll("button.action")].every((b) => !b.disabled)};
	})()`)
	checkMap(t, got, map[string]any{"result": "", "enabled": true})
}

// Keyboard only: Tab reaches the action buttons, Enter opens the form with the focus in it,
// Enter in a field submits (no page navigation, no CSP report), the confirmation and the
// result are reached without a mouse.
func TestCardActionKeyboard(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	drawCards(p, `[{integration_id: "k", name: "K", status: "ok", output: {version: 1, nodes: []}, actions: [
		{name: "tag", label: "Tag contact", confirm: "Tag Ada?", fields: [{name: "tag", label: "Tag", type: "text", required: true}]}]}]`, "")
	hostRunner(p)
	p.do(chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`), chromedp.Focus(chromedp.CSS("header.top select")))
	var path []string
	for range 3 {
		p.do(chromedp.KeyEvent(kb.Tab))
		path = append(path, eval[string](p, focusPath))
	}
	if !slices.Contains(path, "k:button.action Tag contact") {
		t.Fatalf("Tab never reached the action button: %v", path)
	}
	for eval[string](p, focusPath) != "k:button.action Tag contact" {
		p.do(chromedp.KeyEvent(kb.Tab))
	}
	p.do(chromedp.KeyEvent(kb.Enter), chromedp.KeyEvent("vip"), chromedp.KeyEvent(kb.Enter))
	if got := eval[string](p, focusPath); got != "k:button. Cancel" {
		t.Fatalf("focus after Enter in the form = %q, want Cancel of the confirmation", got)
	}
	p.do(chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)), chromedp.KeyEvent(kb.Enter))
	p.waitFor("the call", `__calls.length === 1`)
	eval[bool](p, `(__settle.ok({status: "ok", message: "Tagged."}), true)`)
	p.waitFor("the result", `__t.text(`+cardJS+`).includes("Tagged.")`)
	if got := eval[string](p, `location.hash`); got != "#/nowhere" {
		t.Errorf("the page navigated to %q", got)
	}
	if got := eval[string](p, `JSON.stringify(__calls[0].inputs)`); got != `{"tag":"vip"}` {
		t.Errorf("inputs = %s", got)
	}
}

// Hostile action data renders as text: labels, prompts, help, options, problems and
// messages with markup, script, bidi overrides and a 200,000-character label run nothing,
// create no element, keep no override and stay bounded; field names like __proto__ are
// plain keys of inputs.
func TestCardActionHostile(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	img := `<img src=x onerror="window.__pwned=1">`
	script := `<script>window.__pwned=2</script>`
	drawCards(p, `[{integration_id: "h", name: "H", status: "ok", output: {version: 1, nodes: []}, actions: [
		{name: "x", label: `+jsString(img)+`, confirm: `+jsString(script+" \u202egnp.exe")+`, fields: [
			{name: "__proto__", label: `+jsString(img)+`, type: "select", options: [`+jsString(img)+`, "ok"], help: `+jsString(script)+`},
			{name: "constructor", label: "<b>bold</b>", type: "text", default: `+jsString(img)+`}]},
		{name: "huge", label: "L".repeat(200000), confirm: "P".repeat(200000)}]}]`, "")
	hostRunner(p)
	p.do(inCard(`button[data-action="x"]`))
	eval[bool](p, `(() => {
		const s = `+cardJS+`.shadowRoot.querySelector("select");
		s.selectedIndex = 1;
		s.dispatchEvent(new Event("change"));
		return true;
	})()`)
	p.do(inCard(`form button[type=submit]`), inCard(`.confirm button.primary`))
	p.waitFor("the call", `__calls.length === 1`)
	eval[bool](p, `(__settle.ok({status: "ok", message: `+jsString(img+" \u202eevil")+`}), true)`)
	p.waitFor("the result", cardJS+`.shadowRoot.querySelector(".action-result").dataset.status === "ok"`)
	if got := eval[string](p, cardJS+`.shadowRoot.querySelector(".action-result .message").textContent`); got != img+" evil" {
		t.Errorf("result message = %q, want the markup as text without the override", got)
	}
	p.do(inCard(`button[data-action="x"]`))
	p.do(inCard(`form button[type=submit]`), inCard(`.confirm button.primary`))
	p.waitFor("the second call", `__calls.length === 2`)
	eval[bool](p, `(__settle.fail(Object.assign(new Error(`+jsString(script)+`), {problems: [{path: "/inputs/constructor", message: `+jsString(img)+`}]})), true)`)
	p.waitFor("the problem", cardJS+`.shadowRoot.querySelector("[aria-invalid=true]")`)
	p.do(chromedpHoverAll(`inboxkit-card`))
	time.Sleep(300 * time.Millisecond)
	got := eval[map[string]any](p, `(() => {
		const sr = `+cardJS+`.shadowRoot;
		const huge = sr.querySelector('button[data-action="huge"]');
		return {
			pwned: window.__pwned === undefined ? "no" : String(window.__pwned),
			elements: [...new Set([...sr.querySelectorAll("*")].map((e) => e.localName))].sort().join(" "),
			label: sr.querySelector('button[data-action="x"]').textContent,
			fieldLabel: sr.querySelector("label").textContent,
			option: sr.querySelector("option:nth-child(2)").textContent,
			help: sr.querySelector(".help").textContent,
			problem: sr.querySelector(".problem:not([hidden])").textContent,
			input: sr.querySelector('input[data-field="constructor"]').value,
			inputs: JSON.stringify(__calls[0].inputs),
			proto: Object.getPrototypeOf(__calls[0].inputs) === Object.prototype,
			hugeLength: huge.textContent.length,
			hugeFits: huge.getBoundingClientRect().width <= sr.querySelector("article").getBoundingClientRect().width,
			images: document.querySelectorAll("img").length,
		};
	})()`)
	checkMap(t, got, map[string]any{
		"pwned":      "no",
		"elements":   "article button div footer form h2 header input label option p select span",
		"label":      img,
		"fieldLabel": img,
		"option":     img,
		"help":       script,
		"problem":    img,
		"input":      img,
		"inputs":     `{"__proto__":"` + strings.ReplaceAll(img, `"`, `\"`) + `","constructor":"` + strings.ReplaceAll(img, `"`, `\"`) + `"}`,
		"proto":      true,
		"hugeLength": 2001.0, // 2,000 characters and an ellipsis
		"hugeFits":   true,
		"images":     0.0,
	})
	// The result and the prompt lost their bidi overrides.
	p.do(chromedp.KeyEvent(kb.Escape), inCard(`button[data-action="huge"]`))
	texts := eval[[]string](p, `[`+cardJS+`.shadowRoot.querySelector(".prompt").textContent.length + "", __t.text(`+cardJS+`)]`)
	if texts[0] != "2001" {
		t.Errorf("huge prompt shown with %s characters, want 2001", texts[0])
	}
	if strings.ContainsRune(texts[1], '\u202e') {
		t.Errorf("the card shows a bidi override")
	}
	p.screenshot("card-action-hostile")
}

// jsString quotes s as a JavaScript string literal (JSON is a subset).
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029 || r == 0x202e:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// The browser's checks follow the server's rules (package integration, ActionField): each
// row is a field, a value and the message the agent sees ("" when the value is accepted).
func TestCardActionFieldRules(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	tests := []struct {
		field, value, want string
	}{
		{`{type: "text"}`, "", ""},
		{`{type: "text", required: true}`, "", "Required."},
		{`{type: "text", required: true, default: "x"}`, "", ""}, // the server uses the default
		{`{type: "text"}`, strings.Repeat("a", 255), ""},
		{`{type: "text"}`, strings.Repeat("a", 256), "At most 255 characters."},
		{`{type: "text", max_length: 3}`, "ééé", ""},
		{`{type: "text", max_length: 3}`, "😀😀😀😀", "At most 3 characters."},
		{`{type: "text"}`, "a\nb", "Enter one line."},
		{`{type: "text"}`, "a\rb", "Enter one line."},
		{`{type: "text"}`, "a\x00b", "Remove the control characters."},
		{`{type: "textarea"}`, "a\r\nb\tc", ""},
		{`{type: "textarea"}`, strings.Repeat("a", 2001), "At most 2000 characters."},
		{`{type: "number"}`, "12", ""},
		{`{type: "number"}`, " -3.50 ", ""},
		{`{type: "number"}`, "1e3", "Enter a number such as 12 or -3.50."},
		{`{type: "number"}`, "+1", "Enter a number such as 12 or -3.50."},
		{`{type: "number"}`, ".5", "Enter a number such as 12 or -3.50."},
		{`{type: "number"}`, "NaN", "Enter a number such as 12 or -3.50."},
		{`{type: "number", min: 0, max: 10}`, "10", ""},
		{`{type: "number", min: 0, max: 10}`, "10.01", "Enter a number from 0 to 10."},
		{`{type: "number", min: 0}`, "-1", "Enter a number of at least 0."},
		{`{type: "number", max: 5}`, "6", "Enter a number of at most 5."},
		{`{type: "email"}`, "ada@example.com", ""},
		{`{type: "email"}`, "ada@example", "Enter an email address."},
		{`{type: "email"}`, "a da@example.com", "Enter an email address."},
		{`{type: "email"}`, "ada@example.com\r\nBcc: x@y.z", "Enter an email address."},
		{`{type: "email"}`, `"ada"@example.com`, "Enter an email address."},
		{`{type: "phone"}`, "+44 20 7946 0958", ""},
		{`{type: "phone"}`, "0044 (20) 7946-0958", ""},
		{`{type: "phone"}`, "020 7946 0958", "Enter the number with its country code (+44 20 7946 0958)."},
		{`{type: "phone"}`, "+44 20 7946 0958 x12", "Enter a phone number."},
		{`{type: "phone"}`, "+1234567", "Enter a phone number."},
		{`{type: "phone"}`, "+1234567890123456", "Enter a phone number."},
		{`{type: "date"}`, "2024-02-29", ""},
		{`{type: "date"}`, "2023-02-29", "Enter a date (YYYY-MM-DD)."},
		{`{type: "date"}`, "24-01-01", "Enter a date (YYYY-MM-DD)."},
		{`{type: "select", options: ["a", "b"]}`, "b", ""},
		{`{type: "select", options: ["a", "b"]}`, "c", "Choose one of the options."},
		{`{type: "select", options: ["a", "b"]}`, "A", "Choose one of the options."},
		{`{type: "boolean", required: true}`, "false", ""}, // required: a value, and unticked is "false"
		{`{type: "boolean"}`, "yes", "Tick the box or leave it empty."},
	}
	rows := make([]string, len(tests))
	for i, tt := range tests {
		rows[i] = `[` + tt.field + `, ` + jsString(tt.value) + `]`
	}
	got := eval[[]string](p, `(async () => {
		const m = await import(document.querySelector('script[src*="inboxkit-card"]').src);
		const rows = [`+strings.Join(rows, ",\n")+`];
		return rows.map(([f, v]) => {
			const [field] = m.actionsOf({actions: [{name: "a", fields: [{name: "f", ...f}]}]})[0].fields;
			return m.fieldProblem(field, v);
		});
	})()`)
	for i, tt := range tests {
		if got[i] != tt.want {
			t.Errorf("%s %q: got %q, want %q", tt.field, tt.value, got[i], tt.want)
		}
	}
}
