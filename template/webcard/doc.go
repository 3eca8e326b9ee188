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
// loading, refreshable, show-diagnostics, heading and headless attributes, the
// inboxkit-refresh event, and the CSS custom properties and parts that theme it. It draws
// every node type of package template (cards, key-value lists, tables, text, dividers,
// repeats with "N of M shown", links, buttons, badges with their tones, images) and the
// card states loading, ok (with a stale marker and "updated N minutes ago"), error and
// not_applicable. Each value element carries its kind and raw JSON value as data-kind and
// data-raw attributes, for front ends that re-format values for the agent's locale.
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
