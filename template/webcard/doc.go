// Package webcard serves <inboxkit-card>, a custom element that draws one profile card (an
// [github.com/inboxkit/inboxkit/integration.Card] or a
// [github.com/inboxkit/inboxkit/template.Output] node tree, as JSON) in the browser. It is one
// dependency-free ES module embedded in the binary: no build step, no npm.
//
//	cards := webcard.NewHandler()
//	mux.Handle("/assets/card/", http.StripPrefix("/assets/card", cards))
//	// in the page (Go's html/template, or any other):
//	// <script type="module" src="/assets/card/{{.CardScript}}"></script>  with CardScript = cards.ScriptPath()
//
// and in the host's front end:
//
//	<inboxkit-card refreshable></inboxkit-card>
//	<script type="module">
//	  const res = await fetch("/api/inboxes/support/contacts/c_1001/profile");
//	  const { cards } = await res.json();
//	  document.querySelector("inboxkit-card").card = cards[0];
//	</script>
//
// # The element
//
// The module's header comment is its reference: the card and output properties, the
// loading, refreshable, show-diagnostics, heading, headless and contact attributes, the
// inboxkit-refresh event, and the CSS custom properties and parts that theme it. It draws
// every node type of package template (cards, key-value lists, tables, text, dividers,
// repeats with "N of M shown", links, buttons, badges with their tones, images) and the
// card states loading, ok (with a stale marker and "updated N minutes ago"), error and
// not_applicable. Each value element carries its kind and raw JSON value as data-kind and
// data-raw attributes, for front ends that re-format values for the agent's locale.
//
// # Agent actions
//
// A card's actions ([github.com/inboxkit/inboxkit/integration.ActionButton], JSON) are
// buttons in its footer. Pressing one opens the action's form (when it has fields) and its
// confirmation (when it has a prompt) inside the card, then calls the host's runAction
// property, an async function, with the integration id, the action name, the inputs and
// whether the agent confirmed; the element itself knows no URL or token:
//
//	card.runAction = async ({integrationId, action, inputs, confirmed}) => {
//	  const res = await fetch(`/api/inboxes/support/contacts/c_1001/integrations/${integrationId}/actions/${action}`,
//	    {method: "POST", headers: {"Content-Type": "application/json"},
//	     body: JSON.stringify({conversation_id: "conv_1", inputs, confirmed})});
//	  if (res.ok) return res.json(); // the ActionResult, shown in the card
//	  throw Object.assign(new Error("The action was refused."), await res.json()); // problems, code
//	};
//
// The result (its message, or its error's sentence) is shown in the card in a live region;
// problems at /inputs/NAME are shown next to their fields.
//
// A host that reuses one element for the cards of several contacts (a list that follows the
// agent from conversation to conversation) sets its contact attribute (or property) to the
// contact's id: a new contact starts the action bar afresh, so nothing typed for one contact,
// no run in flight and no result reaches the next one's card.
//
//	card.contact = "c_1002"; // before or after the new card
//	card.card = cards[0];
//
// # Safety
//
// Text from the tree is set with textContent and setAttribute, never parsed as HTML, so
// the element works under a strict Content-Security-Policy (script-src 'self', no
// unsafe-inline, no eval; its styles are a constructed stylesheet in its shadow root, and
// it sets no style attributes) and with require-trusted-types-for 'script'. Only hrefs
// with the schemes the template package allows (http, https, mailto, tel; https for
// images) become links, checked again in the browser; links open in a new tab with
// rel="noopener noreferrer". The raw JSON view of a card without a template shows control
// and bidirectional-formatting characters as \u escapes.
//
// # Decisions
//
//   - Action buttons only on ok cards, fresh or stale, as the server sends them: a failed or
//     not-applicable card has no contact data the action could rely on.
//   - runAction is a property, not an event with respondWith: every host supplies exactly
//     one function, and without it the buttons are visibly disabled (a preview) instead of
//     doing nothing.
//   - The browser checks fields as a convenience, with English messages worded like the
//     server's; the server checks again and its problems win. Every field is sent, empty
//     ones as "", booleans as "true" or "false".
//   - The confirmation step puts the focus on Cancel, and the second click of a double
//     click is ignored on the action buttons, the form's submit and Confirm: one press
//     never runs an action twice, nor runs one past its confirmation.
//   - The form, a run in flight and the last result survive redraws of the same card with
//     the same actions (a refresh); other actions, another integration or another contact
//     start afresh, and an answer for the old card is dropped.
//   - The contact is an attribute the host sets, not something the element guesses: the card
//     JSON names no contact (a card is the integration's view of one), and what changes
//     between two loads of one contact's card (fetched_at, from_cache, the output) changes on
//     every refresh too, which must keep the form. A host that never sets contact keeps the
//     old behaviour, state kept per integration and actions; the reference console sets it.
//   - One file, versioned by a digest of its content in the URL path (not a query string,
//     which some caches ignore). Old versions are 404 rather than today's file, so a page
//     cached before a deploy fails loudly instead of caching a mismatched module for a year.
//   - The unversioned path stays available with no-cache for hosts that cannot template
//     their HTML.
//   - No compression in the handler: hosts compress at their proxy or with their own
//     middleware, as they do for the rest of their assets.
//   - English-only strings ("Loading…", "N of M shown", "Updated 3 minutes ago"); the
//     values themselves come formatted from the server and carry raw values for hosts that
//     localize.
//
// The browser tests of the element (real Chromium, strict CSP, hostile data) live in the
// nested module examples/console/browsertest.
package webcard
