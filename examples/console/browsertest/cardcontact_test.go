package browsertest

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// One element reused for another contact: the contact attribute is the identity of the
// action bar's state. A refresh of the same contact keeps the open form and what was typed;
// a card for another contact (the attribute changed before or after the card) starts afresh:
// no form, no typed value, no last result, and a run in flight for the old contact reports
// nowhere.
func TestCardActionStateFollowsContact(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	drawCards(p, `[`+actionCard+`]`, "")
	hostRunner(p)
	setCard := func(contact string, before bool) {
		t.Helper()
		eval[bool](p, `(() => {
			const c = `+cardJS+`;
			const before = `+map[bool]string{true: "true", false: "false"}[before]+`;
			if (before) c.contact = `+jsString(contact)+`;
			c.card = {...c.card, fetched_at: new Date().toISOString()};
			if (!before) c.setAttribute("contact", `+jsString(contact)+`);
			return true;
		})()`)
	}
	state := func() map[string]any {
		t.Helper()
		return eval[map[string]any](p, `(() => {
			const sr = `+cardJS+`.shadowRoot;
			const ta = sr.querySelector("textarea");
			const r = sr.querySelector(".action-result");
			return {form: ta ? ta.value : "(closed)", result: r ? r.textContent : "",
				enabled: [...sr.querySelectorAll("button.action")].every((b) => !b.disabled),
				contact: `+cardJS+`.contact};
		})()`)
	}

	setCard("c_ada", true)
	p.do(inCard(`button[data-action="add_note"]`), chromedp.KeyEvent("for Ada"))
	setCard("c_ada", true) // a refresh of the same contact keeps the form
	checkMap(t, state(), map[string]any{"form": "for Ada", "contact": "c_ada"})

	// Another contact, the attribute set before the card: the form is gone.
	setCard("c_bob", true)
	checkMap(t, state(), map[string]any{"form": "(closed)", "result": "", "enabled": true, "contact": "c_bob"})

	// The last result of one contact is not shown for the next one.
	p.do(inCard(`button[data-action="sync"]`))
	p.waitFor("the call", `__calls.length === 1`)
	eval[bool](p, `(__settle.ok({status: "ok", message: "Synced Bob."}), true)`)
	p.waitFor("the result", cardJS+`.shadowRoot.querySelector(".action-result").textContent.includes("Synced Bob.")`)
	setCard("c_cy", false) // the attribute set after the card
	checkMap(t, state(), map[string]any{"form": "(closed)", "result": "", "enabled": true, "contact": "c_cy"})

	// A run in flight for one contact reports nowhere once another contact's card is shown.
	p.do(inCard(`button[data-action="refund"]`), inCard(`.confirm button.primary`))
	p.waitFor("the call", `__calls.length === 2`)
	setCard("c_dee", true)
	eval[bool](p, `(__settle.ok({status: "ok", message: "Refunded Cy."}), true)`)
	time.Sleep(200 * time.Millisecond)
	checkMap(t, state(), map[string]any{"form": "(closed)", "result": "", "enabled": true, "contact": "c_dee"})

	// Hostile contact ids are only compared, never drawn.
	setCard(`"><img src=x onerror="window.__pwned=1">`, true)
	if n := eval[int](p, cardJS+`.shadowRoot.querySelectorAll("img").length`); n != 0 {
		t.Errorf("a contact id made %d elements", n)
	}
	if v := eval[any](p, `window.__pwned === undefined ? null : window.__pwned`); v != nil {
		t.Errorf("hostile code ran: __pwned = %v", v)
	}
}
