package browsertest

import (
	"github.com/chromedp/chromedp"
)

func clickID(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.ID(id))
}

// chromedpClickInCard clicks the refresh button in the shadow root of a card with a real
// mouse click (the button is found through the card's shadow root).
func chromedpClickInCard(integrationID string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.JSPath(`document.querySelector('inboxkit-card[data-integration="` + integrationID + `"]').shadowRoot.querySelector("button.refresh")`))
}

// chromedpHoverAll moves the mouse over every element matched by sel (and their shadow
// content), so that mouseover handlers, if any had been injected, would fire.
func chromedpHoverAll(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`for (const c of document.querySelectorAll(` + "`" + sel + "`" + `)) {
		for (const e of [c, ...(c.shadowRoot ? c.shadowRoot.querySelectorAll("*") : [])]) {
			e.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
		}
	}`)
}

// selectOption picks the option with value in the select with id, as a user would (the
// select may reset itself in its change handler, which chromedp.SetValue reports as an
// error).
func selectOption(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.getElementById("` + id + `");
		s.value = "` + value + `";
		s.dispatchEvent(new Event("change", {bubbles: true}));
	})()`)
}
