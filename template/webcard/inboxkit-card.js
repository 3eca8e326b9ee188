// <inboxkit-card>: draws one inboxkit profile card in the browser.
//
// A dependency-free ES module. Importing it defines the custom element (once).
//
//   <script type="module" src="/assets/card/VERSION/inboxkit-card.js"></script>
//   <inboxkit-card refreshable></inboxkit-card>
//   <script type="module">
//     document.querySelector("inboxkit-card").card = cardFromTheAPI;
//   </script>
//
// Properties
//   card      An integration.Card as the HTTP API sends it: {integration_id, name, status,
//             output, raw, error, missing, from_cache, stale, fetched_at, actions}. status is
//             one of "loading", "ok", "error", "not_applicable". Setting it redraws the card.
//   runAction An async function that runs an agent action (below); the element knows no URL
//             or token. Without it the action buttons are drawn disabled (previews).
//   output    A template.Output ({version, nodes, diagnostics}) alone: shorthand for
//             card = {status: "ok", output}. Used by previews.
//   now       A function returning the current time in milliseconds (default Date.now),
//             for "updated N minutes ago".
//   contact   Reflects the contact attribute.
//
// Attributes
//   loading             Shows a spinner over the current content (a refresh in flight).
//   refreshable         Shows a refresh button; pressing it dispatches "inboxkit-refresh".
//   show-diagnostics    Lists the render diagnostics under the card (template editors).
//   heading             Overrides the card's title (card.name).
//   headless            Draws no header at all (previews).
//   contact             Who the card is about (any string, e.g. the contact's id): the
//                       identity of the action bar's state, see Agent actions. The card JSON
//                       has no contact, so a host that shows another contact's card in the
//                       same element sets it.
//
// Events
//   inboxkit-refresh    {detail: {integrationId}}, bubbles and is composed.
//
// Agent actions
//   An ok card (fresh or stale; never a loading, failed or not-applicable one) draws
//   card.actions ([{name, label, method, confirm, fields}]) as buttons in its footer. Pressing
//   one opens, in the card, the action's form when it has fields (text, textarea, number with
//   min and max, email, phone, date, select, boolean; required, max_length, default, help),
//   checked in the browser before anything runs (the server checks again), then the
//   confirmation step when confirm is not empty (its prompt with Confirm and Cancel; the
//   focus starts on Cancel, so a second press runs nothing; Cancel goes back to the form).
//   Escape closes the panel and the focus returns to the action's button. Then the element
//   calls
//     await el.runAction({integrationId, action, inputs, confirmed})
//   once (inputs: every field's value as a string, "true"/"false" for a boolean, "" when
//   empty; confirmed: whether the agent confirmed) with every action button disabled until
//   it settles. It resolves with an ActionResult {status: "ok"|"failed", http_status,
//   message, error: {category, message}}, shown in the footer (role=status, aria-live): the
//   message (on failure the upstream's own words when the action's result_path found some,
//   else the failure's sentence; error.message when it is empty). It rejects with an error whose
//   problems ([{path: "/inputs/NAME", message}]) are shown next to their fields, whose code
//   "confirmation_required" asks for the confirmation, or else whose message (a sentence for
//   the agent; JSON or markup is replaced by a generic sentence) is shown as the failure.
//   The form's values, the run in flight and the last result survive redraws of the same
//   card (a refresh); a card of another contact (another contact attribute, set before or
//   after the card), another integration or with other actions starts afresh: the panel
//   closes, what was typed and the last result are dropped, and a run still in flight
//   reports nowhere. A host that reuses one element for several contacts must set contact;
//   without it a card of the same integration for another contact counts as a refresh.
//   A property, not an event: one function per element is what a host supplies anyway, and
//   a missing handler shows as disabled buttons instead of a click that does nothing.
//
// Theming: the styles live in the shadow root; these custom properties (with their
// defaults) restyle them: --inboxkit-font, --inboxkit-font-size (14px), --inboxkit-fg,
// --inboxkit-muted, --inboxkit-bg, --inboxkit-surface, --inboxkit-border, --inboxkit-radius,
// --inboxkit-accent, --inboxkit-focus, and per badge tone --inboxkit-TONE-fg and
// --inboxkit-TONE-bg (success, warning, danger, info, neutral; action results use success
// and danger). Parts: header, title, meta, body, state, and for actions: actions (the
// footer), action (each button), action-panel, action-form, action-confirm, action-result
// with action-ok or action-failed.
//
// Safety: every string from the tree and the actions is set with textContent or
// setAttribute, never as markup (action labels, prompts and messages also lose control and
// bidirectional-override characters and are cut at 2,000 characters); only hrefs whose
// scheme is http, https, mailto or tel become links (images: https only), and links open in
// a new tab with rel="noopener noreferrer". Raw values are available to scripts as data-raw
// (JSON) on each value element. The confirmation is drawn in the card, never with
// window.confirm, and forms never submit (the console's CSP has form-action 'none').

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);
const TONES = new Set(["success", "warning", "danger", "info", "neutral"]);
const MAX_DEPTH = 32; // the template package nests far less; this only bounds hostile trees
const MAX_RAW_CHARS = 64 * 1024; // the raw JSON view of a card without a template

const STYLE = `
:host {
  display: block;
  font: var(--inboxkit-font-size, 14px)/1.45 var(--inboxkit-font, system-ui, -apple-system, "Segoe UI", sans-serif);
  color: var(--inboxkit-fg, #1f2328);
  --_muted: var(--inboxkit-muted, #656d76);
  --_border: var(--inboxkit-border, #d8dee4);
  --_surface: var(--inboxkit-surface, #f6f8fa);
  --_accent: var(--inboxkit-accent, #0969da);
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
article {
  position: relative;
  background: var(--inboxkit-bg, #fff);
  border: 1px solid var(--_border);
  border-radius: var(--inboxkit-radius, 8px);
  overflow: hidden;
}
header {
  display: flex; align-items: center; gap: .5em;
  padding: .55em .85em; border-bottom: 1px solid var(--_border); background: var(--_surface);
}
header h2 { flex: 1; margin: 0; font-size: 1em; font-weight: 600; overflow-wrap: anywhere; }
.meta { color: var(--_muted); font-size: .85em; white-space: nowrap; }
.stale {
  font-size: .75em; font-weight: 600; padding: .05em .5em; border-radius: 1em;
  color: var(--inboxkit-warning-fg, #7d4e00); background: var(--inboxkit-warning-bg, #fff8c5);
}
.body { padding: .75em .85em; display: grid; gap: .7em; }
h3, h4, h5, h6 { margin: 0 0 .35em; font-size: .95em; font-weight: 600; overflow-wrap: anywhere; }
section.card { border: 1px solid var(--_border); border-radius: calc(var(--inboxkit-radius, 8px) - 2px); padding: .6em .7em; }
dl { margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(10em, 1fr)); gap: .4em 1em; }
.row { min-width: 0; }
dt { color: var(--_muted); overflow-wrap: anywhere; }
dd { margin: 0; overflow-wrap: anywhere; }
p { margin: 0; overflow-wrap: anywhere; white-space: pre-line; }
p.muted { color: var(--_muted); }
p.heading { font-weight: 600; font-size: 1.05em; }
hr { border: 0; border-top: 1px solid var(--_border); margin: 0; width: 100%; }
.repeat { display: grid; gap: .5em; }
.count { color: var(--_muted); font-size: .85em; }
.scroll { overflow: auto; max-height: 28em; }
.scroll:focus-visible, a:focus-visible, button:focus-visible { outline: 2px solid var(--inboxkit-focus, var(--_accent)); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; font-size: .95em; }
caption { text-align: left; font-weight: 600; padding-bottom: .35em; }
th { text-align: left; color: var(--_muted); font-weight: 600; border-bottom: 1px solid var(--_border); padding: .3em .5em; }
td { border-bottom: 1px solid var(--_border); padding: .3em .5em; vertical-align: top; overflow-wrap: anywhere; }
a { color: var(--_accent); }
a.button, button {
  font: inherit; display: inline-flex; align-items: center; justify-content: center; gap: .35em;
  padding: .35em .9em; border-radius: 6px; border: 1px solid var(--_border); background: var(--inboxkit-bg, #fff);
  color: inherit; text-decoration: none; cursor: pointer; justify-self: start;
}
a.button.primary { background: var(--_accent); border-color: var(--_accent); color: #fff; }
a.button.link { border-color: transparent; color: var(--_accent); text-decoration: underline; padding-inline: 0; }
.button[aria-disabled="true"] { opacity: .55; cursor: not-allowed; }
button.refresh { padding: .15em .45em; border-color: transparent; background: transparent; color: var(--_muted); }
button.refresh:hover { color: inherit; border-color: var(--_border); }
.badge {
  display: inline-block; font-size: .85em; font-weight: 600; padding: .05em .6em; border-radius: 1em;
  color: var(--inboxkit-neutral-fg, #424a53); background: var(--inboxkit-neutral-bg, #eaeef2);
}
.badge.success { color: var(--inboxkit-success-fg, #116329); background: var(--inboxkit-success-bg, #dafbe1); }
.badge.warning { color: var(--inboxkit-warning-fg, #7d4e00); background: var(--inboxkit-warning-bg, #fff8c5); }
.badge.danger { color: var(--inboxkit-danger-fg, #a40e26); background: var(--inboxkit-danger-bg, #ffebe9); }
.badge.info { color: var(--inboxkit-info-fg, #0550ae); background: var(--inboxkit-info-bg, #ddf4ff); }
.badge-node { display: flex; gap: .6em; align-items: center; }
.badge-node .label { color: var(--_muted); }
.empty { color: var(--_muted); }
img { max-width: 100%; height: auto; }
pre { margin: 0; font: .85em/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 24em; overflow: auto; }
.state { display: flex; gap: .6em; align-items: flex-start; color: var(--_muted); }
.state.error { color: var(--inboxkit-danger-fg, #a40e26); }
.skeleton { display: grid; gap: .5em; }
.skeleton span { height: .8em; border-radius: 4px; background: var(--_surface); animation: pulse 1.2s ease-in-out infinite; }
.skeleton span:nth-child(2) { width: 70%; }
.skeleton span:nth-child(3) { width: 45%; }
.spinner {
  width: 1em; height: 1em; border-radius: 50%; flex: none;
  border: 2px solid var(--_border); border-top-color: var(--_accent); animation: spin .8s linear infinite;
}
.overlay { position: absolute; top: .65em; right: 2.6em; }
.diagnostics { font-size: .85em; color: var(--_muted); margin: 0; padding-left: 1.2em; }
.diagnostics code { font-size: .95em; }
footer.actions { border-top: 1px solid var(--_border); padding: .6em .85em; display: grid; gap: .6em; }
footer.actions[hidden] { display: none; }
.action-buttons { display: flex; flex-wrap: wrap; gap: .4em; }
button.action { max-width: 100%; overflow-wrap: anywhere; text-align: left; }
button.action[aria-expanded="true"] { border-color: var(--_accent); color: var(--_accent); }
button.primary { background: var(--_accent); border-color: var(--_accent); color: #fff; }
button:disabled { opacity: .55; cursor: not-allowed; }
.action-panel { display: grid; gap: .55em; padding: .65em .7em; border: 1px solid var(--_border); border-radius: 6px; background: var(--_surface); }
.action-panel[hidden] { display: none; }
form.action-form { display: grid; gap: .6em; margin: 0; }
.field { display: grid; gap: .2em; min-width: 0; }
.field > label { font-weight: 600; font-size: .9em; overflow-wrap: anywhere; }
.field.check { grid-template-columns: auto 1fr; column-gap: .45em; align-items: start; }
.field.check > label { font-weight: normal; font-size: 1em; }
.field.check > .help, .field.check > .problem { grid-column: 2; }
.required { color: var(--inboxkit-danger-fg, #a40e26); }
input, select, textarea {
  font: inherit; padding: .3em .45em; border: 1px solid var(--_border); border-radius: 4px;
  background: var(--inboxkit-bg, #fff); color: inherit; width: 100%; min-width: 0;
}
input[type="checkbox"] { width: auto; margin: .25em 0 0; }
textarea { resize: vertical; }
input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 2px solid var(--inboxkit-focus, var(--_accent)); outline-offset: 1px; }
[aria-invalid="true"] { border-color: var(--inboxkit-danger-fg, #a40e26); }
.help { margin: 0; color: var(--_muted); font-size: .85em; overflow-wrap: anywhere; }
.problem { margin: 0; color: var(--inboxkit-danger-fg, #a40e26); font-size: .85em; overflow-wrap: anywhere; }
.problem[hidden] { display: none; }
.form-buttons { display: flex; flex-wrap: wrap; gap: .4em; }
.prompt { font-weight: 600; }
.action-result { padding: .45em .6em; border-radius: 6px; overflow-wrap: anywhere; }
.action-result:empty { display: none; }
.action-result.running { display: flex; gap: .5em; align-items: center; color: var(--_muted); padding-inline: 0; }
.action-result.ok { color: var(--inboxkit-success-fg, #116329); background: var(--inboxkit-success-bg, #dafbe1); }
.action-result.failed { color: var(--inboxkit-danger-fg, #a40e26); background: var(--inboxkit-danger-bg, #ffebe9); }
.action-result .what { font-weight: 600; margin-right: .35em; }
@keyframes spin { to { transform: rotate(360deg); } }
@keyframes pulse { 50% { opacity: .45; } }
@media (prefers-reduced-motion: reduce) { .spinner, .skeleton span { animation: none; } }
`;

let sheet; // one constructed stylesheet shared by every card of the page

function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  return sheet;
}

// el creates an element with the given class and text (as text, never markup).
function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null && text !== "") e.textContent = String(text);
  return e;
}

// safeHref returns href when its scheme is allowed (and, for images, https), else "".
export function safeHref(href, imagesOnly = false) {
  if (typeof href !== "string" || href === "") return "";
  let u;
  try {
    u = new URL(href);
  } catch {
    return "";
  }
  if (imagesOnly ? u.protocol !== "https:" : !SAFE_SCHEMES.has(u.protocol)) return "";
  return u.href;
}

function link(href, text, className) {
  const a = el("a", className, text);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

// relativeTime says how long ago ms was, in English ("just now", "3 minutes ago").
export function relativeTime(ms, now) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return "just now";
  const units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  for (const [unit, size] of units) {
    const n = Math.round(s / size);
    if (n >= 1 && s >= size * 0.75) return n === 1 ? `1 ${unit} ago` : `${n} ${unit}s ago`;
  }
  return "1 minute ago";
}

// A Value ({text, raw, kind, tone, href, currency}) as an element.
function value(v) {
  if (!v || typeof v !== "object") return el("span", "empty", "—");
  const kind = typeof v.kind === "string" ? v.kind : "text";
  const text = typeof v.text === "string" ? v.text : "";
  let e;
  if (kind === "badge") {
    e = el("span", "badge " + (TONES.has(v.tone) ? v.tone : "neutral"), text);
  } else if (text === "" || kind === "empty") {
    e = el("span", "empty", "—");
  } else {
    const href = safeHref(v.href);
    e = href ? link(href, text) : el("span", undefined, text);
  }
  e.dir = "auto"; // isolates the value's direction from the label's
  e.dataset.kind = kind;
  if (v.raw !== undefined && v.raw !== null) e.dataset.raw = JSON.stringify(v.raw);
  if (typeof v.currency === "string" && v.currency) e.dataset.currency = v.currency;
  return e;
}

function heading(depth, text) {
  return el("h" + Math.min(3 + depth, 6), undefined, text);
}

// count is the "N of M shown" line of a table or repeat cut at its limit.
function count(n) {
  if (!(n.total > n.shown)) return null;
  return el("p", "count", `${n.shown} of ${n.total} shown`);
}

// node draws one node of the tree; depth bounds recursion on hostile input.
function node(n, depth) {
  if (!n || typeof n !== "object" || depth > MAX_DEPTH) return null;
  switch (n.type) {
    case "card": {
      const s = el("section", "card");
      if (n.title) {
        s.append(heading(depth, n.title));
        s.setAttribute("aria-label", n.title);
      }
      s.append(...nodes(n.children, depth + 1));
      return s;
    }
    case "keyvalue": {
      const s = el("section", "keyvalue");
      if (n.title) s.append(heading(depth, n.title));
      const dl = el("dl");
      for (const it of Array.isArray(n.items) ? n.items : []) {
        const row = el("div", "row");
        const dd = el("dd");
        dd.append(value(it && it.value));
        row.append(el("dt", undefined, it && it.label), dd);
        dl.append(row);
      }
      s.append(dl);
      return s;
    }
    case "table":
      return table(n, depth);
    case "text": {
      const style = n.style === "muted" || n.style === "heading" ? n.style : "";
      const p = el("p", style, n.text);
      p.dir = "auto";
      return p;
    }
    case "divider":
      return el("hr");
    case "repeat": {
      const s = el("section", "repeat");
      if (n.title) s.append(heading(depth, n.title));
      const children = nodes(n.children, depth + 1);
      if (children.length === 0 && n.text) s.append(el("p", "muted", n.text));
      s.append(...children);
      const c = count(n);
      if (c) s.append(c);
      return s;
    }
    case "link": {
      const href = safeHref(n.href);
      return href ? link(href, n.text || href) : el("span", "empty", n.text);
    }
    case "button": {
      const style = n.style === "primary" || n.style === "link" ? n.style : "secondary";
      const href = safeHref(n.href);
      if (href) return link(href, n.text, "button " + style);
      const b = el("span", "button " + style, n.text);
      b.setAttribute("aria-disabled", "true");
      return b;
    }
    case "badge": {
      const d = el("div", "badge-node");
      if (n.title) d.append(el("span", "label", n.title));
      d.append(value(n.value ? { ...n.value, kind: "badge" } : null));
      return d;
    }
    case "image": {
      const src = safeHref(n.href, true);
      if (!src) return null;
      const img = el("img");
      img.src = src;
      img.alt = typeof n.text === "string" ? n.text : "";
      img.loading = "lazy";
      img.referrerPolicy = "no-referrer";
      if (n.width > 0) img.width = n.width;
      if (n.height > 0) img.height = n.height;
      return img;
    }
    default:
      return null; // unknown or zero node: skipped, as the Go documentation asks
  }
}

function nodes(list, depth) {
  const out = [];
  for (const n of Array.isArray(list) ? list : []) {
    const e = node(n, depth);
    if (e) out.push(e);
  }
  return out;
}

function table(n, depth) {
  const s = el("section", "table");
  const columns = Array.isArray(n.columns) ? n.columns : [];
  const rows = Array.isArray(n.rows) ? n.rows : [];
  if (rows.length === 0) {
    if (n.title) s.append(heading(depth, n.title));
    s.append(el("p", "muted", n.text || "No rows."));
    return s;
  }
  const scroll = el("div", "scroll");
  scroll.tabIndex = 0; // keyboard users can scroll a wide or long table
  scroll.setAttribute("role", "region");
  scroll.setAttribute("aria-label", n.title || "Table");
  const t = el("table");
  if (n.title) t.append(el("caption", undefined, n.title));
  const head = el("thead");
  const hr = el("tr");
  for (const c of columns) {
    const th = el("th", undefined, c);
    th.scope = "col";
    hr.append(th);
  }
  head.append(hr);
  const body = el("tbody");
  for (const r of rows) {
    const tr = el("tr");
    for (const v of Array.isArray(r) ? r : []) {
      const td = el("td");
      td.append(value(v));
      tr.append(td);
    }
    body.append(tr);
  }
  t.append(head, body);
  scroll.append(t);
  s.append(scroll);
  const c = count(n);
  if (c) s.append(c);
  return s;
}

// rawView shows the JSON of a card without a display template, with control and
// bidirectional-formatting characters made visible as escapes.
function rawView(raw) {
  let text = JSON.stringify(raw, null, 2) ?? "";
  text = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  if (text.length > MAX_RAW_CHARS) text = text.slice(0, MAX_RAW_CHARS) + "\n…";
  const pre = el("pre", undefined, text);
  pre.tabIndex = 0;
  pre.setAttribute("aria-label", "Response");
  return pre;
}

// ---- Agent actions -----------------------------------------------------------------------

const MAX_ACTIONS = 16; // the server allows fewer; these only bound hostile cards
const MAX_FIELDS = 32;
const MAX_OPTIONS = 200;
const MAX_TEXT = 2000; // characters of a label, prompt, help text or message shown
const FIELD_TYPES = new Set(["text", "textarea", "number", "email", "phone", "date", "select", "boolean"]);
const INPUT_TYPES = { text: "text", number: "number", email: "email", phone: "tel", date: "date" };

// clean returns s as text fit to show: no control characters but newline and tab, no
// bidirectional embeddings, overrides or isolates, at most max characters.
export function clean(s, max = MAX_TEXT) {
  if (typeof s !== "string") return "";
  let t = s.length > 4 * max ? s.slice(0, 4 * max) : s;
  t = t.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u202a-\u202e\u2066-\u2069]/g, "");
  if (t.length > max) {
    const cut = /[\ud800-\udbff]/.test(t[max - 1]) ? max - 1 : max;
    t = t.slice(0, cut) + "…";
  }
  return t;
}

function finite(x) {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

// actionsOf reads card.actions ([{name, label, method, confirm, fields}]) defensively: entries
// without a name, duplicates and unknown shapes are skipped; unknown field types are text.
export function actionsOf(card) {
  const out = [];
  const seen = new Set();
  for (const a of Array.isArray(card && card.actions) ? card.actions : []) {
    if (out.length >= MAX_ACTIONS) break;
    if (!a || typeof a !== "object" || typeof a.name !== "string" || a.name === "" || seen.has(a.name)) continue;
    seen.add(a.name);
    const fields = [];
    const names = new Set();
    for (const f of Array.isArray(a.fields) ? a.fields : []) {
      if (fields.length >= MAX_FIELDS) break;
      if (!f || typeof f !== "object" || typeof f.name !== "string" || f.name === "" || names.has(f.name)) continue;
      names.add(f.name);
      fields.push({
        name: f.name,
        label: clean(f.label) || clean(f.name),
        type: FIELD_TYPES.has(f.type) ? f.type : "text",
        required: f.required === true,
        options: Array.isArray(f.options) ? f.options.filter((o) => typeof o === "string").slice(0, MAX_OPTIONS) : [],
        maxLength: Number.isInteger(f.max_length) && f.max_length > 0 ? f.max_length : 0,
        min: finite(f.min),
        max: finite(f.max),
        def: typeof f.default === "string" ? f.default : "",
        help: clean(f.help),
      });
    }
    out.push({
      name: a.name,
      label: clean(a.label) || clean(a.name),
      method: typeof a.method === "string" ? a.method : "",
      confirm: clean(a.confirm),
      fields,
    });
  }
  return out;
}

// fieldProblem says why value (a string; "true" or "false" for a boolean) is not acceptable
// for the field f (as actionsOf returns it), or returns "". It follows the server's rules
// (package integration, ActionField) so that the agent rarely waits for a refusal; the
// server checks again. An empty value stands for the field's default, as on the server.
export function fieldProblem(f, value) {
  if (value === "") value = f.def;
  if (value === "") return f.required ? "Required." : "";
  switch (f.type) {
    case "boolean":
      return value === "true" || value === "false" ? "" : "Tick the box or leave it empty.";
    case "number": {
      const v = value.trim();
      if (v.length > 32 || !/^-?\d+(\.\d+)?$/.test(v)) return "Enter a number such as 12 or -3.50.";
      const n = Number(v);
      if ((f.min !== null && n < f.min) || (f.max !== null && n > f.max)) {
        if (f.min !== null && f.max !== null) return `Enter a number from ${f.min} to ${f.max}.`;
        return f.min !== null ? `Enter a number of at least ${f.min}.` : `Enter a number of at most ${f.max}.`;
      }
      return "";
    }
    case "email":
      return validEmail(value.trim()) ? "" : "Enter an email address.";
    case "phone": {
      const v = value.trim();
      if (value.length > 64 || !/^\+?[\d\s().\/-]*$/.test(v) || /[^\S ]/.test(v)) return "Enter a phone number.";
      let d = v.replace(/\D/g, "");
      if (!v.startsWith("+")) {
        if (!d.startsWith("00")) return "Enter the number with its country code (+44 20 7946 0958).";
        d = d.slice(2);
      }
      return d.length < 8 || d.length > 15 || d[0] === "0" ? "Enter a phone number." : "";
    }
    case "date": {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
      const d = m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      if (!m || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
        return "Enter a date (YYYY-MM-DD).";
      }
      return "";
    }
    case "select":
      return f.options.includes(value) ? "" : "Choose one of the options.";
    default: { // text, textarea
      const multi = f.type === "textarea";
      const v = multi ? value.replaceAll("\r\n", "\n") : value;
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v) || (!multi && v.includes("\n"))) {
        return /[\r\n]/.test(v) ? "Enter one line." : "Remove the control characters.";
      }
      const max = f.maxLength || (multi ? 2000 : 255);
      return [...v].length > max ? `At most ${max} characters.` : "";
    }
  }
}

// validEmail reports whether s has the shape the server accepts: a local part of 1 to 64
// characters, "@", a domain with an inner dot, 254 characters in all, without white space,
// control characters or the characters that delimit addresses in headers.
function validEmail(s) {
  if (s.length > 254) return false;
  const at = s.indexOf("@");
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (at < 1 || local.length > 64 || domain === "" || domain.includes("@") || !domain.includes(".") ||
    domain.startsWith(".") || domain.endsWith(".") || domain.includes("..")) return false;
  return !/[\u0000-\u0020\u007f<>()[\]\\,;:"]/.test(s);
}

// agentSentence is what a failed run shows from a rejection: its message when it reads as
// a sentence, a generic one otherwise (never a JSON document or markup).
function agentSentence(err) {
  const m = err && typeof err.message === "string" ? clean(err.message, 300).trim() : "";
  if (m === "" || /^[[{<]/.test(m)) return "The action could not be run.";
  return m;
}

// ActionBar is the footer of a card with actions: one button per action, the panel with
// the open action's form or confirmation, and the result of the last run. It outlives
// redraws of its card (the element moves the same footer into each new drawing), so that a
// refresh keeps what the agent typed, the focus and the result.
class ActionBar {
  footer = el("footer", "actions");
  #card; // the element, for its runAction
  #integrationId;
  #buttons = new Map(); // action name -> button
  #panel = el("div", "action-panel");
  #result = el("div", "action-result");
  #open = null; // the action whose panel is shown
  #values = new Map(); // action name -> Map(field name -> value)
  #fields = []; // the open form's fields: [{f, control, problem, described}]
  #running = false;
  #gen = 0; // bumped by each run and by close, so a late answer cannot land elsewhere

  constructor(card, integrationId, actions) {
    this.#card = card;
    this.#integrationId = integrationId;
    this.footer.part = "actions";
    const group = el("div", "action-buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Actions");
    this.#panel.id = "action-panel";
    this.#panel.part = "action-panel";
    this.#panel.hidden = true;
    this.#panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !this.#running) {
        e.preventDefault();
        this.#close(true);
      }
    });
    for (const a of actions) {
      const b = el("button", "action", a.label);
      b.type = "button";
      b.part = "action";
      b.dir = "auto";
      b.dataset.action = a.name;
      if (a.fields.length || a.confirm) {
        b.setAttribute("aria-expanded", "false");
        b.setAttribute("aria-controls", this.#panel.id);
      }
      b.addEventListener("click", (e) => {
        if (e.detail <= 1) this.#press(a); // the second click of a double click does nothing
      });
      this.#buttons.set(a.name, b);
      group.append(b);
    }
    this.#result.part = "action-result";
    this.#result.setAttribute("role", "status");
    this.#result.setAttribute("aria-live", "polite");
    this.footer.append(group, this.#panel, this.#result);
    this.sync();
  }

  // sync enables the buttons when the element has a runAction and no run is in flight.
  sync() {
    const runnable = typeof this.#card.runAction === "function";
    for (const b of this.#buttons.values()) {
      b.disabled = this.#running || !runnable;
      if (runnable) b.removeAttribute("title");
      else b.title = "Actions are not available here.";
    }
    this.footer.setAttribute("aria-busy", String(this.#running));
    for (const c of this.#panel.querySelectorAll("button, input, select, textarea")) c.disabled = this.#running;
  }

  // close forgets the bar: a run still in flight reports nowhere.
  close() {
    this.#gen++;
  }

  #press(a) {
    if (this.#running || typeof this.#card.runAction !== "function") return;
    if (this.#open === a) {
      this.#close(true);
      return;
    }
    this.#close(false);
    this.#showResult(null);
    if (a.fields.length) this.#showForm(a, []);
    else if (a.confirm) this.#showConfirm(a, a.confirm, {});
    else this.#run(a, {}, false);
  }

  // #close hides the panel; focusButton moves the focus back to the action's button.
  #close(focusButton) {
    const a = this.#open;
    this.#open = null;
    this.#fields = [];
    this.#panel.hidden = true;
    this.#panel.replaceChildren();
    for (const b of this.#buttons.values()) if (b.hasAttribute("aria-expanded")) b.setAttribute("aria-expanded", "false");
    if (a && focusButton) this.#buttons.get(a.name).focus();
  }

  #openPanel(a, content) {
    this.#open = a;
    const b = this.#buttons.get(a.name);
    if (b.hasAttribute("aria-expanded")) b.setAttribute("aria-expanded", "true");
    this.#panel.replaceChildren(content);
    this.#panel.hidden = false;
  }

  #valuesOf(a) {
    let v = this.#values.get(a.name);
    if (!v) {
      v = new Map();
      for (const f of a.fields) v.set(f.name, f.type === "boolean" ? (f.def === "true" ? "true" : "false") : f.def);
      this.#values.set(a.name, v);
    }
    return v;
  }

  // #showForm draws the fields of a with the values typed so far and the problems
  // ([{name, message}]) next to their fields, and focuses the first field with a problem (or
  // the first field).
  #showForm(a, problems) {
    const values = this.#valuesOf(a);
    const form = el("form", "action-form");
    form.noValidate = true; // the element checks, and words its messages like the server's
    form.part = "action-form";
    form.setAttribute("aria-label", a.label);
    this.#fields = [];
    a.fields.forEach((f, i) => {
      const id = "action-field-" + i;
      const control = fieldControl(f, values.get(f.name) ?? "");
      control.id = id;
      control.dataset.field = f.name;
      const label = el("label", undefined, f.label);
      label.htmlFor = id;
      label.dir = "auto";
      if (f.required && f.type !== "boolean") {
        control.required = true;
        const star = el("span", "required", " *");
        star.setAttribute("aria-hidden", "true");
        label.append(star);
      }
      const update = () => values.set(f.name, valueOf(control));
      control.addEventListener("input", update);
      control.addEventListener("change", update);
      const box = el("div", f.type === "boolean" ? "field check" : "field");
      box.dataset.field = f.name;
      const described = [];
      box.append(...(f.type === "boolean" ? [control, label] : [label, control]));
      if (f.help) {
        const help = el("p", "help", f.help);
        help.id = id + "-help";
        help.dir = "auto";
        described.push(help.id);
        box.append(help);
      }
      const problem = el("p", "problem");
      problem.id = id + "-problem";
      problem.hidden = true;
      box.append(problem);
      if (described.length) control.setAttribute("aria-describedby", described.join(" "));
      this.#fields.push({ f, control, problem, described });
      form.append(box);
    });
    const summary = el("p", "problem");
    summary.setAttribute("role", "alert");
    summary.hidden = true;
    const submit = el("button", "primary", a.confirm ? "Continue" : "Run");
    submit.type = "submit";
    submit.addEventListener("click", (e) => {
      if (e.detail > 1) e.preventDefault(); // a double click submits once
    });
    const cancel = el("button", undefined, "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", () => this.#close(true));
    const buttons = el("div", "form-buttons");
    buttons.append(submit, cancel);
    form.append(summary, buttons);
    form.addEventListener("submit", (e) => {
      e.preventDefault(); // first: the page's CSP (form-action 'none') forbids any submission
      this.#submit(a);
    });
    this.#openPanel(a, form);
    const byName = new Map(this.#fields.map((x) => [x.f.name, x]));
    const rest = [];
    for (const p of problems) {
      const x = byName.get(p.name);
      if (x) this.#mark(x, p.message);
      else rest.push(p.message);
    }
    if (rest.length) {
      summary.textContent = rest.join(" ");
      summary.hidden = false;
    }
    const first = this.#fields.find((x) => x.control.getAttribute("aria-invalid") === "true") || this.#fields[0];
    if (first) first.control.focus();
  }

  #mark(x, message) {
    const ids = [...x.described];
    if (message) {
      x.problem.textContent = message;
      x.problem.hidden = false;
      x.control.setAttribute("aria-invalid", "true");
      ids.push(x.problem.id);
    } else {
      x.problem.textContent = "";
      x.problem.hidden = true;
      x.control.removeAttribute("aria-invalid");
    }
    if (ids.length) x.control.setAttribute("aria-describedby", ids.join(" "));
    else x.control.removeAttribute("aria-describedby");
  }

  #submit(a) {
    if (this.#running || this.#open !== a) return;
    let first = null;
    for (const x of this.#fields) {
      const v = valueOf(x.control);
      const bad = x.control.validity && x.control.validity.badInput; // typed, but not a number or date
      const msg = bad ? fieldProblem(x.f, "?") : fieldProblem(x.f, v);
      this.#mark(x, msg);
      if (msg && !first) first = x;
    }
    if (first) {
      first.control.focus();
      return;
    }
    const values = this.#valuesOf(a);
    const inputs = Object.fromEntries(a.fields.map((f) => [f.name, values.get(f.name) ?? ""]));
    if (a.confirm) this.#showConfirm(a, a.confirm, inputs);
    else this.#run(a, inputs, false);
  }

  // #showConfirm asks the agent to confirm running a with inputs. The focus goes to Cancel, so
  // that a second press of the key or button that opened it runs nothing.
  #showConfirm(a, prompt, inputs) {
    const box = el("div", "confirm");
    box.part = "action-confirm";
    box.setAttribute("role", "group");
    const p = el("p", "prompt", prompt);
    p.id = "action-prompt";
    p.dir = "auto";
    box.setAttribute("aria-labelledby", p.id);
    const ok = el("button", "primary", "Confirm");
    ok.type = "button";
    ok.addEventListener("click", (e) => {
      if (e.detail <= 1) this.#run(a, inputs, true);
    });
    const cancel = el("button", undefined, "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", () => {
      if (a.fields.length) this.#showForm(a, []); // back to the values typed
      else this.#close(true);
    });
    const buttons = el("div", "form-buttons");
    buttons.append(ok, cancel);
    box.append(p, buttons);
    this.#openPanel(a, box);
    cancel.focus();
  }

  async #run(a, inputs, confirmed) {
    const run = this.#card.runAction;
    if (this.#running || typeof run !== "function") return;
    this.#running = true; // before anything awaits: a second click finds the bar busy
    const gen = ++this.#gen;
    this.sync();
    this.#showResult({ running: true }, a);
    let result, failure;
    try {
      result = await run({ integrationId: this.#integrationId, action: a.name, inputs, confirmed });
    } catch (err) {
      failure = err || {};
    }
    if (gen !== this.#gen) return;
    // Disabled buttons lost the focus; give it back unless the agent went elsewhere meanwhile.
    const ours = this.#focusIsOurs();
    this.#running = false;
    this.sync();
    if (!failure) {
      const ok = result && typeof result === "object" && result.status === "ok";
      this.#showResult(result && typeof result === "object" ? result : { status: "failed", message: "The action reported no result." }, a);
      if (ok) this.#values.delete(a.name); // the next run starts from the defaults
      this.#close(false);
      if (ours) this.#buttons.get(a.name).focus();
      return;
    }
    if (failure.code === "confirmation_required") {
      this.#showResult(null);
      this.#showConfirm(a, a.confirm || `Run "${a.label}" for this contact?`, inputs);
      return;
    }
    const problems = [];
    for (const p of Array.isArray(failure.problems) ? failure.problems : []) {
      if (!p || typeof p !== "object") continue;
      const m = /^\/inputs\/(.+)$/.exec(typeof p.path === "string" ? p.path : "");
      const name = m ? m[1].replaceAll("~1", "/").replaceAll("~0", "~") : "";
      problems.push({ name, message: clean(p.message, 300) || "This value is not accepted." });
    }
    if (problems.length && a.fields.length) {
      this.#showResult({ status: "failed", message: "Some values were not accepted." }, a);
      this.#showForm(a, problems);
      return;
    }
    this.#showResult({ status: "failed", message: agentSentence(failure) }, a);
    this.#close(false);
    if (ours) this.#buttons.get(a.name).focus();
  }

  // #focusIsOurs reports whether the focus is in the footer, or fell from it: to the page (a
  // disabled button loses it) or to a container of the card (a click on a disabled button).
  #focusIsOurs() {
    const root = this.footer.getRootNode();
    const host = root.host;
    const active = document.activeElement;
    if (!active || active === document.body) return true;
    if (active === host) return !root.activeElement || this.footer.contains(root.activeElement);
    return !!host && active.contains(host);
  }

  // #showResult shows a run's state or outcome for action a: {running: true} while it runs,
  // an ActionResult ({status, http_status, message, error}) after; null clears it.
  #showResult(r, a) {
    const box = this.#result;
    box.replaceChildren();
    box.className = "action-result";
    box.part = "action-result";
    delete box.dataset.status;
    delete box.dataset.httpStatus;
    delete box.dataset.category;
    delete box.dataset.action;
    if (!r) return;
    if (r.running) {
      box.classList.add("running");
      box.dataset.status = "running";
      const sp = el("span", "spinner");
      sp.setAttribute("aria-hidden", "true");
      box.append(sp, el("span", undefined, `Running ${a.label}…`));
      return;
    }
    const ok = r.status === "ok";
    const state = ok ? "ok" : "failed";
    box.classList.add(state);
    box.part.add(ok ? "action-ok" : "action-failed");
    box.dataset.status = state;
    box.dataset.action = a.name;
    if (Number.isInteger(r.http_status) && r.http_status > 0) box.dataset.httpStatus = String(r.http_status);
    const err = r.error && typeof r.error === "object" ? r.error : null;
    if (err && typeof err.category === "string") box.dataset.category = err.category;
    // A failure's message is the upstream's own words when the action's result path found
    // some ("Refund exceeds the order total."), which say more than the category's sentence.
    const text = ok
      ? clean(r.message, 500) || "Done."
      : clean(r.message, 500) || clean(err && err.message, 500) || "The action failed.";
    const what = el("span", "what", a.label + ":");
    what.dir = "auto";
    const msg = el("span", "message", text);
    msg.dir = "auto";
    box.append(what, msg);
  }
}

// fieldControl is the input of field f holding value.
function fieldControl(f, value) {
  switch (f.type) {
    case "textarea": {
      const t = el("textarea");
      t.rows = 3;
      t.value = value;
      return t;
    }
    case "select": {
      const s = el("select");
      const blank = el("option", undefined, f.required ? "Choose…" : "—");
      blank.value = "";
      s.append(blank);
      for (const v of f.options) {
        const o = el("option", undefined, clean(v) || v);
        o.value = v;
        s.append(o);
      }
      s.value = f.options.includes(value) ? value : "";
      return s;
    }
    case "boolean": {
      const c = el("input");
      c.type = "checkbox";
      c.checked = value === "true";
      return c;
    }
    default: {
      const i = el("input");
      i.type = INPUT_TYPES[f.type] || "text";
      i.autocomplete = "off"; // the values are the contact's, not the agent's
      if (f.type === "number") {
        i.step = "any";
        if (f.min !== null) i.min = String(f.min);
        if (f.max !== null) i.max = String(f.max);
      }
      i.value = value;
      return i;
    }
  }
}

// valueOf is a control's value as the API takes it: a string, "true" or "false" for a
// checkbox.
function valueOf(c) {
  return c.type === "checkbox" ? String(c.checked) : c.value;
}

class InboxkitCard extends HTMLElement {
  static observedAttributes = ["loading", "refreshable", "show-diagnostics", "heading", "headless", "contact"];

  #card = null;
  #bar = null; // the ActionBar of the card's actions, or null
  #barKey = "";
  #runAction = null;
  #timer = 0;
  #now = Date.now;
  #root;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    this.#root.adoptedStyleSheets = [styles()];
  }

  get card() {
    return this.#card;
  }

  set card(c) {
    this.#card = c && typeof c === "object" ? c : null;
    this.#syncBar();
    this.#render();
  }

  get contact() {
    return this.getAttribute("contact") ?? "";
  }

  set contact(v) {
    if (v === null || v === undefined || v === "") this.removeAttribute("contact");
    else this.setAttribute("contact", String(v));
  }

  // syncBar keeps the action bar of the same contact, integration and actions: what the agent
  // typed, the run in flight and the last result survive a refresh. Anything else gets a new
  // bar (or none), and the old one is closed.
  #syncBar() {
    const actions = this.#card ? actionsOf(this.#card) : [];
    const key = actions.length ? JSON.stringify([this.getAttribute("contact"), this.#card.integration_id, actions]) : "";
    if (key !== this.#barKey) {
      if (this.#bar) this.#bar.close();
      this.#bar = actions.length ? new ActionBar(this, String(this.#card.integration_id ?? ""), actions) : null;
      this.#barKey = key;
    }
  }

  get runAction() {
    return this.#runAction;
  }

  set runAction(f) {
    this.#runAction = typeof f === "function" ? f : null;
    if (this.#bar) this.#bar.sync();
  }

  get output() {
    return this.#card ? this.#card.output : undefined;
  }

  set output(o) {
    this.card = { status: "ok", output: o };
  }

  get now() {
    return this.#now;
  }

  set now(f) {
    this.#now = typeof f === "function" ? f : Date.now;
    this.#render();
  }

  connectedCallback() {
    this.#render();
    // "updated N minutes ago" stays true while the card is on the page.
    this.#timer = setInterval(() => this.#updateMeta(), 30_000);
  }

  disconnectedCallback() {
    clearInterval(this.#timer);
  }

  attributeChangedCallback(name, old, value) {
    if (name === "contact" && old !== value) this.#syncBar();
    this.#render();
  }

  #render() {
    const c = this.#card || { status: "loading" };
    const status = typeof c.status === "string" ? c.status : "error";
    const loading = status === "loading" || this.hasAttribute("loading");
    const article = el("article");
    article.setAttribute("aria-busy", String(loading));
    article.dataset.status = status;
    const name = this.getAttribute("heading") || c.name || "";
    if (name) article.setAttribute("aria-label", name);
    if (!this.hasAttribute("headless")) article.append(this.#header(c, name, loading && status !== "loading"));

    const body = el("div", "body");
    body.part = "body";
    body.append(...this.#body(c, status));
    article.append(body);
    // Actions run for the contact in view: only an ok card (fresh or stale) offers them.
    const bar = this.#bar;
    const focused = bar && bar.footer.contains(this.#root.activeElement) ? this.#root.activeElement : null;
    if (bar && status === "ok") article.append(bar.footer);
    else if (bar) bar.footer.remove();
    this.#root.replaceChildren(article);
    if (focused && focused.isConnected) focused.focus({ preventScroll: true });
  }

  #header(c, name, spinner) {
    const h = el("header");
    h.part = "header";
    const title = el("h2", undefined, name);
    title.part = "title";
    title.dir = "auto";
    h.append(title);
    if (c.stale) {
      const s = el("span", "stale", "Stale");
      s.title = (c.error && c.error.message) || "The service failed; this is an older response.";
      h.append(s);
    }
    const meta = el("span", "meta");
    meta.part = "meta";
    h.append(meta);
    if (spinner) {
      const sp = el("span", "spinner");
      sp.setAttribute("role", "status");
      sp.setAttribute("aria-label", "Refreshing");
      h.append(sp);
    }
    if (this.hasAttribute("refreshable") && c.status !== "loading") {
      const b = el("button", "refresh", "↻");
      b.type = "button";
      b.setAttribute("aria-label", `Refresh ${name || "card"}`);
      b.title = "Refresh";
      b.disabled = this.hasAttribute("loading");
      b.addEventListener("click", () => this.#refresh());
      h.append(b);
    }
    this.#meta = meta;
    this.#updateMeta();
    return h;
  }

  #meta = null;

  #updateMeta() {
    const c = this.#card;
    if (!this.#meta || !c || !c.fetched_at) return;
    const t = Date.parse(c.fetched_at);
    if (Number.isNaN(t)) return;
    this.#meta.textContent = "Updated " + relativeTime(t, this.#now());
    this.#meta.title = new Date(t).toLocaleString() + (c.from_cache ? " (cached)" : "");
  }

  #refresh() {
    this.dispatchEvent(new CustomEvent("inboxkit-refresh", {
      bubbles: true, composed: true, detail: { integrationId: (this.#card && this.#card.integration_id) || "" },
    }));
  }

  #body(c, status) {
    switch (status) {
      case "loading": {
        const st = el("div", "state");
        st.part = "state";
        const sp = el("span", "spinner");
        const sk = el("div", "skeleton");
        sk.append(el("span"), el("span"), el("span"));
        sk.setAttribute("aria-hidden", "true");
        st.setAttribute("role", "status");
        st.append(sp, el("span", undefined, "Loading…"));
        return [st, sk];
      }
      case "error": {
        const st = el("div", "state error");
        st.part = "state";
        st.setAttribute("role", "alert");
        // The agent reads the sentence; the machine category stays out of sight, for styles
        // and scripts (data-category).
        if (c.error && typeof c.error.category === "string") st.dataset.category = c.error.category;
        st.append(el("span", undefined, (c.error && c.error.message) || "The service could not be queried."));
        return [st];
      }
      case "not_applicable": {
        const st = el("div", "state");
        st.part = "state";
        const missing = Array.isArray(c.missing) ? c.missing.filter((m) => typeof m === "string") : [];
        st.append(el("span", undefined, missing.length
          ? `Not available for this contact: no ${missing.join(", ")}.`
          : "Not available for this contact."));
        return [st];
      }
      default: {
        const out = [];
        if (c.output && typeof c.output === "object") {
          out.push(...nodes(c.output.nodes, 0));
          if (out.length === 0) out.push(el("p", "muted", "Nothing to show."));
          if (this.hasAttribute("show-diagnostics")) {
            const d = diagnostics(c.output.diagnostics);
            if (d) out.push(d);
          }
        } else if (c.raw !== undefined) {
          out.push(rawView(c.raw));
        } else {
          out.push(el("p", "muted", "Nothing to show."));
        }
        return out;
      }
    }
  }
}

function diagnostics(list) {
  if (!Array.isArray(list) || list.length === 0) return null;
  const ul = el("ul", "diagnostics");
  ul.setAttribute("aria-label", "Render diagnostics");
  for (const d of list) {
    if (!d || typeof d !== "object") continue;
    const li = el("li");
    li.append(el("code", undefined, d.pointer || "/"), " ", d.message || d.code || "");
    if (d.count > 1) li.append(` (×${d.count})`);
    ul.append(li);
  }
  return ul;
}

if (!customElements.get("inboxkit-card")) customElements.define("inboxkit-card", InboxkitCard);

export { InboxkitCard };
