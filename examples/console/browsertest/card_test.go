package browsertest

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// drawCards puts one <inboxkit-card> per card (JSON) into a fresh container of the page
// and returns a JS expression for the container.
func drawCards(p *browserPage, cards string, attrs string) string {
	eval[bool](p, `(() => {
		const box = document.createElement("div");
		box.id = "fixture";
		document.getElementById("view").replaceChildren(box);
		for (const c of `+cards+`) {
			const el = document.createElement("inboxkit-card");
			for (const a of "`+attrs+`".split(" ").filter(Boolean)) el.setAttribute(a, "");
			el.card = c;
			box.append(el);
		}
		return true;
	})()`)
	return `document.getElementById("fixture")`
}

// The element's states and node types as a host's front end sees them: what each shows,
// its roles and labels, the raw values for re-formatting, and keyboard access.
func TestCardElement(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	now := "new Date(Date.now() - 5 * 60 * 1000).toISOString()"
	box := drawCards(p, `[
		{integration_id: "a", name: "Loading", status: "loading"},
		{integration_id: "b", name: "Failed", status: "error", error: {category: "timeout", message: "The service did not respond in time."}},
		{integration_id: "c", name: "Phone", status: "not_applicable", missing: ["contact.phone_number"]},
		{integration_id: "d", name: "Stale", status: "ok", stale: true, from_cache: true, fetched_at: `+now+`,
		 error: {category: "upstream_5xx", message: "The service failed (HTTP 503)."},
		 output: {version: 1, nodes: [
			{type: "table", title: "Invoices", columns: ["Number", "Amount", "Paid"],
			 rows: [[{text: "INV-1", kind: "text", raw: "INV-1"}, {text: "€30.00", kind: "currency", raw: 30, currency: "EUR"}, {text: "Yes", kind: "boolean", raw: true}]],
			 shown: 1, total: 7},
			{type: "badge", title: "Plan", value: {text: "Pro", kind: "badge", tone: "info", raw: "pro"}},
			{type: "text", text: "Heading", style: "heading"},
			{type: "link", text: "Mail", href: "mailto:ada@example.com"},
			{type: "image", href: "http://insecure.example.com/a.png", text: "insecure"},
			{type: "button", text: "Open", href: "https://crm.example.com/1", style: "primary"},
			{type: "nonsense", text: "unknown node types are skipped"}]}},
		{integration_id: "e", name: "Raw", status: "ok", raw: {a: 1}}
	]`, "refreshable")

	got := eval[map[string]any](p, `(() => {
		const [loading, failed, na, stale, raw] = __t.cards(`+box+`);
		const sr = (c) => c.shadowRoot;
		const money = sr(stale).querySelector('[data-kind="currency"]');
		return {
			loadingBusy: sr(loading).querySelector("article").getAttribute("aria-busy"),
			loadingStatus: sr(loading).querySelector('[role="status"]').textContent,
			loadingRefresh: !!sr(loading).querySelector("button.refresh"),
			error: sr(failed).querySelector('[role="alert"]').textContent,
			errorCategory: sr(failed).querySelector('[role="alert"]').dataset.category,
			na: sr(na).querySelector(".state").textContent,
			stale: sr(stale).querySelector(".stale").textContent,
			staleTitle: sr(stale).querySelector(".stale").title,
			updated: sr(stale).querySelector(".meta").textContent,
			count: sr(stale).querySelector(".count").textContent,
			caption: sr(stale).querySelector("caption").textContent,
			scope: sr(stale).querySelector("th").scope,
			region: sr(stale).querySelector(".scroll").getAttribute("aria-label"),
			money: money.textContent + " " + money.dataset.raw + " " + money.dataset.currency,
			bool: sr(stale).querySelector('[data-kind="boolean"]').dataset.raw,
			badge: sr(stale).querySelector(".badge-node").textContent + " " + sr(stale).querySelector(".badge").className,
			heading: sr(stale).querySelector("p.heading").textContent,
			mail: sr(stale).querySelector('a[href^="mailto:"]').rel,
			images: sr(stale).querySelectorAll("img").length,
			button: sr(stale).querySelector("a.button.primary").target,
			nodes: sr(stale).querySelector(".body").children.length,
			raw: sr(raw).querySelector("pre").textContent,
			label: sr(stale).querySelector("article").getAttribute("aria-label"),
		};
	})()`)
	want := map[string]any{
		"loadingBusy": "true", "loadingStatus": "Loading…", "loadingRefresh": false,
		"error": "The service did not respond in time.", "errorCategory": "timeout",
		"na":    "Not available for this contact: no contact.phone_number.",
		"stale": "Stale", "staleTitle": "The service failed (HTTP 503).", "updated": "Updated 5 minutes ago",
		"count": "1 of 7 shown", "caption": "Invoices", "scope": "col", "region": "Invoices",
		"money": "€30.00 30 EUR", "bool": "true", "badge": "PlanPro badge info", "heading": "Heading",
		"mail": "noopener noreferrer", "images": 0.0, "button": "_blank",
		"nodes": 5.0, // table, badge, text, link, button: the http image and the unknown node are skipped
		"raw":   "{\n  \"a\": 1\n}", "label": "Stale",
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}

	// Keyboard: Tab reaches each card's refresh button; Enter on it asks for a refresh.
	eval[bool](p, `(window.__refreshed = [], `+box+`.addEventListener("inboxkit-refresh", (e) => __refreshed.push(e.detail.integrationId)), true)`)
	p.do(chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`), chromedp.Focus(chromedp.CSS("header.top select")))
	var focused []string
	for range 8 {
		p.do(chromedp.KeyEvent(kb.Tab))
		focused = append(focused, eval[string](p, `(() => {
			let e = document.activeElement;
			const host = e && e.localName === "inboxkit-card" ? e.card.integration_id + ":" : "";
			while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
			return host + (e ? e.localName + "." + e.className : "");
		})()`))
	}
	wantFocus := []string{"b:button.refresh", "c:button.refresh", "d:button.refresh", "d:div.scroll", "d:a.", "d:a.button primary", "e:button.refresh", "e:pre."}
	if fmt.Sprint(focused) != fmt.Sprint(wantFocus) {
		t.Errorf("tab order = %v, want %v", focused, wantFocus)
	}
	p.do(chromedp.Focus(chromedp.JSPath(`__t.cards(`+box+`)[1].shadowRoot.querySelector("button.refresh")`)), chromedp.KeyEvent(kb.Enter))
	if got := eval[[]string](p, `__refreshed`); fmt.Sprint(got) != "[b]" {
		t.Errorf("refresh events = %v, want [b]", got)
	}

	// Theming: a custom property set by the host restyles the card inside its shadow root.
	color := eval[string](p, `(() => {
		const c = __t.cards(`+box+`)[3];
		c.style.setProperty("--inboxkit-info-bg", "rgb(1, 2, 3)");
		return getComputedStyle(c.shadowRoot.querySelector(".badge")).backgroundColor;
	})()`)
	if color != "rgb(1, 2, 3)" {
		t.Errorf("badge background with --inboxkit-info-bg set = %q", color)
	}
}
