package browsertest

import "testing"

// A failed run shows the upstream's own words that the action's result path found (the
// server puts them in the result's message, beside the category's sentence in error.message),
// and the category's sentence when the message is empty.
func TestCardActionFailureMessage(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/nowhere")
	drawCards(p, `[`+actionCard+`]`, "")
	hostRunner(p)

	p.do(inCard(`button[data-action="sync"]`))
	p.waitFor("the call", `__calls.length === 1`)
	eval[bool](p, `(__settle.ok({status: "failed", http_status: 422, message: "Refund exceeds the order total.",
		error: {category: "upstream_4xx", message: "The service refused the request (HTTP 422)."}}), true)`)
	p.waitFor("the failure", cardJS+`.shadowRoot.querySelector(".action-result").dataset.status === "failed"`)
	if got := eval[string](p, cardJS+`.shadowRoot.querySelector(".action-result").textContent`); got != "Sync now:Refund exceeds the order total." {
		t.Errorf("failure = %q, want the upstream's message", got)
	}

	p.do(inCard(`button[data-action="sync"]`))
	p.waitFor("the call", `__calls.length === 2`)
	eval[bool](p, `(__settle.ok({status: "failed", http_status: 503, message: "",
		error: {category: "upstream_5xx", message: "The service failed (HTTP 503)."}}), true)`)
	p.waitFor("the second failure", cardJS+`.shadowRoot.querySelector(".action-result").textContent.includes("503")`)
	if got := eval[string](p, cardJS+`.shadowRoot.querySelector(".action-result").textContent`); got != "Sync now:The service failed (HTTP 503)." {
		t.Errorf("failure without a message = %q, want the category's sentence", got)
	}
}
