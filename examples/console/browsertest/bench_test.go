package browsertest

import (
	"testing"
)

// BenchmarkCardRender measures drawing one card in Chromium: a key-value list, a repeat of
// 50 items and a table of 1,000 rows (the template package's largest table), from the
// card's JSON to its shadow DOM, layout included. The time is measured in the page.
func BenchmarkCardRender(b *testing.B) {
	base := startConsole(b)
	p := newPage(b, base)
	p.open("#/nowhere")
	eval[bool](p, benchSetup)
	draw := `(() => { const t = performance.now(); __el.card = __bigCard; __el.shadowRoot.querySelector("table").offsetHeight; return performance.now() - t; })()`
	total := 0.0
	n := 0
	for b.Loop() {
		total += eval[float64](p, draw)
		n++
	}
	b.ReportMetric(total/float64(n)*1e6, "page-ns/op")
	if rows := eval[int](p, `__el.shadowRoot.querySelectorAll("tbody tr").length`); rows != 1000 {
		b.Fatalf("drew %d rows", rows)
	}
}

// benchSetup builds the card of BenchmarkCardRender in the page.
const benchSetup = `(() => {
		const v = (text, kind, raw) => ({text, kind, raw});
		const rows = Array.from({length: 1000}, (_, i) => [v("INV-" + i, "text", "INV-" + i), v("$" + i + ".00", "currency", i), {text: "paid", kind: "badge", tone: "success", raw: "paid"}]);
		const items = Array.from({length: 50}, (_, i) => ({type: "keyvalue", title: "Order " + i, items: [{label: "Total", value: v("$1.00", "currency", 1)}]}));
		window.__bigCard = {integration_id: "x", name: "Big", status: "ok", fetched_at: new Date().toISOString(), output: {version: 1, nodes: [
			{type: "keyvalue", title: "Customer", items: [{label: "Name", value: v("Ada", "text", "Ada")}, {label: "Tier", value: {text: "Gold", kind: "badge", tone: "success", raw: "Gold"}}]},
			{type: "repeat", title: "Orders", children: items, shown: 50, total: 80},
			{type: "table", title: "Invoices", columns: ["Number", "Amount", "Status"], rows, shown: 1000, total: 10000}]}};
		window.__el = document.createElement("inboxkit-card");
		document.getElementById("view").replaceChildren(__el);
		return true;
	})()`
