package browsertest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// hostileBody is an upstream response crafted to run script or restyle the page if any of
// it were treated as markup: HTML with handlers, script and style tags, javascript: URLs,
// bidirectional overrides, and 10,000 rows.
func hostileBody() string {
	rows := make([]map[string]any, 10000)
	for i := range rows {
		rows[i] = map[string]any{"id": i, "name": `<b onmouseover=__pwned=4>r</b>`, "url": "javascript:__pwned=5"}
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(struct { // a struct keeps the keys in this order: the short values first
		Name  string           `json:"name"`
		Bio   string           `json:"bio"`
		Style string           `json:"style"`
		Site  string           `json:"site"`
		Data  string           `json:"data"`
		RTL   string           `json:"rtl"`
		Rows  []map[string]any `json:"rows"`
	}{
		Name:  `<img src=x onerror="window.__pwned=1;alert(1)">`,
		Bio:   `<script>window.__pwned=2;alert(2)</script>`,
		Style: `</style><style>*{display:none !important}</style>`,
		Site:  "javascript:window.__pwned=3;alert(3)",
		Data:  "data:text/html,<script>alert(6)</script>",
		RTL:   "invoice_\u202Efdp.exe\u202C ok",
		Rows:  rows,
	})
	return b.String()
}

const hostileTemplate = `{"version": 1, "sections": [
  {"type": "keyvalue", "title": "{{name}}", "items": [
    {"label": "{{bio}}", "value": "{{name}}"},
    {"label": "Bio", "value": "{{bio}}"},
    {"label": "Style", "value": "{{style}}"},
    {"label": "Site", "value": "{{site}}", "format": "link"},
    {"label": "File", "value": "{{rtl}}"}]},
  {"type": "link", "label": "Site", "url": "{{site}}"},
  {"type": "button", "label": "Data", "url": "{{data}}"},
  {"type": "image", "url": "{{site}}", "alt": "{{name}}"},
  {"type": "table", "title": "Rows", "path": "rows", "limit": 1000, "columns": [
    {"label": "ID", "value": "{{id}}"}, {"label": "Name", "value": "{{name}}"}, {"label": "URL", "value": "{{url}}", "format": "link"}]},
  {"type": "repeat", "title": "Repeat", "path": "rows", "limit": 20, "item": {"type": "text", "text": "{{name}}"}}]}`

// A hostile upstream response renders as text: nothing runs (no dialog, no exception, no
// handler), no element comes from the data, no unsafe link survives, the page keeps its
// styles, and a 10,000-row array is cut with "N of M shown". The same data shown raw (an
// integration without a template) is inert too.
func TestHostileUpstream(t *testing.T) {
	base := startConsole(t)
	clearInbox(t, base, "sales")
	body := hostileBody()
	up := newUpstream(t, map[string]func() (time.Duration, string){
		"/hostile": func() (time.Duration, string) { return 0, body },
	})
	addIntegration(t, base, "sales", integration{Name: `<img src=x onerror="alert(7)">`, URL: up.URL + "/hostile", Active: true, Display: display(hostileTemplate)})
	addIntegration(t, base, "sales", integration{Name: "Raw", URL: up.URL + "/hostile", Active: true, Display: json.RawMessage(`{"enabled": false}`)})

	p := newPage(t, base)
	p.open("#/profile/sales/c_1001")
	p.waitFor("both cards", `__t.statuses(document.getElementById("cards")).join() === "ok,ok"`)
	// Give any injected handler (image error, mouseover) the chance to fire.
	p.do(chromedpHoverAll(`inboxkit-card`))
	time.Sleep(300 * time.Millisecond)

	got := eval[map[string]any](p, `(() => {
		const [card, raw] = __t.cards(document.getElementById("cards"));
		const els = (c) => [...c.shadowRoot.querySelectorAll("*")].map((e) => e.localName);
		const hrefs = [...card.shadowRoot.querySelectorAll("a")].map((a) => a.protocol);
		const dt = [...card.shadowRoot.querySelectorAll("dt")].map((e) => e.textContent);
		const dd = [...card.shadowRoot.querySelectorAll("dd")].map((e) => e.textContent);
		return {
			pwned: window.__pwned === undefined ? "no" : String(window.__pwned),
			title: card.shadowRoot.querySelector("h2").textContent,
			heading: card.shadowRoot.querySelector("h3").textContent,
			dt, dd,
			elements: [...new Set([...els(card), ...els(raw)])].sort(),
			protocols: [...new Set(hrefs)],
			buttons: card.shadowRoot.querySelectorAll(".button").length,
			rows: card.shadowRoot.querySelectorAll("tbody tr").length,
			counts: [...card.shadowRoot.querySelectorAll(".count")].map((e) => e.textContent),
			repeat: card.shadowRoot.querySelectorAll(".repeat > p:not(.count)").length,
			rawHasOverride: __t.text(raw).includes("\u202e"),
			rawShowsEscape: __t.text(raw).includes("\\u202e"),
			rawHasImgText: __t.text(raw).includes("<img src=x onerror="),
			pageVisible: getComputedStyle(document.querySelector("header.top")).display,
			bodyImages: document.querySelectorAll("img").length,
		};
	})()`)

	want := map[string]any{
		"pwned":   "no",
		"title":   `<img src=x onerror="alert(7)">`,
		"heading": `<img src=x onerror="window.__pwned=1;alert(1)">`,
		"dt":      []any{`<script>window.__pwned=2;alert(2)</script>`, "Bio", "Style", "Site", "File"},
		"dd": []any{`<img src=x onerror="window.__pwned=1;alert(1)">`, `<script>window.__pwned=2;alert(2)</script>`,
			`</style><style>*{display:none !important}</style>`, "—", "invoice_fdp.exe ok"},
		// every element is one the renderer creates; none comes from the data, and no link
		// or button survives: every URL in the data is unsafe
		"elements":       []any{"article", "button", "caption", "dd", "div", "dl", "dt", "h2", "h3", "header", "p", "pre", "section", "span", "table", "tbody", "td", "th", "thead", "tr"},
		"protocols":      []any{},
		"buttons":        0.0,
		"rows":           1000.0,
		"counts":         []any{"1000 of 10000 shown", "20 of 10000 shown"},
		"repeat":         20.0,
		"rawHasOverride": false,
		"rawShowsEscape": true,
		"rawHasImgText":  true,
		"pageVisible":    "flex",
		"bodyImages":     0.0,
	}
	for _, k := range slices.Sorted(mapsKeys(want)) {
		if fmt.Sprint(got[k]) != fmt.Sprint(want[k]) {
			t.Errorf("%s = %v, want %v", k, got[k], want[k])
		}
	}
	if s, _ := got["title"].(string); strings.ContainsRune(s, '\u202e') {
		t.Errorf("title keeps a bidi override")
	}
	p.screenshot("hostile")
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// The watcher that fails every test on a Content-Security-Policy violation sees one: a
// style attribute (which the console never sets) is blocked and reported.
func TestCSPViolationFailsTheTest(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/profile")
	p.waitFor("the cards", `__t.cards(document.getElementById("cards")).length === 4`)
	if got := p.takeProblems(); len(got) != 0 {
		t.Fatalf("problems before the violation: %v", got)
	}
	eval[bool](p, `(document.getElementById("view").setAttribute("style", "display: none"), true)`)
	p.waitFor("the violation report", `true`)
	time.Sleep(300 * time.Millisecond)
	got := p.takeProblems()
	found := false
	for _, s := range got {
		if strings.Contains(s, "CSP violation: style-src-attr") {
			found = true
		}
	}
	if !found {
		t.Errorf("problems after setting a style attribute = %q, want a CSP violation of style-src-attr", got)
	}
	if d := eval[string](p, `getComputedStyle(document.getElementById("view")).display`); d == "none" {
		t.Errorf("the blocked style attribute applied")
	}
}
