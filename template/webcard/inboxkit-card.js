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
//             output, raw, error, missing, from_cache, stale, fetched_at}. status is one of
//             "loading", "ok", "error", "not_applicable". Setting it redraws the card.
//   output    A template.Output ({version, nodes, diagnostics}) alone: shorthand for
//             card = {status: "ok", output}. Used by previews.
//   now       A function returning the current time in milliseconds (default Date.now),
//             for "updated N minutes ago".
//
// Attributes
//   loading             Shows a spinner over the current content (a refresh in flight).
//   refreshable         Shows a refresh button; pressing it dispatches "inboxkit-refresh".
//   show-diagnostics    Lists the render diagnostics under the card (template editors).
//   heading             Overrides the card's title (card.name).
//   headless            Draws no header at all (previews).
//
// Events
//   inboxkit-refresh    {detail: {integrationId}}, bubbles and is composed.
//
// Theming: the styles live in the shadow root; these custom properties (with their
// defaults) restyle them: --inboxkit-font, --inboxkit-font-size (14px), --inboxkit-fg,
// --inboxkit-muted, --inboxkit-bg, --inboxkit-surface, --inboxkit-border, --inboxkit-radius,
// --inboxkit-accent, --inboxkit-focus, and per badge tone --inboxkit-TONE-fg and
// --inboxkit-TONE-bg (success, warning, danger, info, neutral). Parts: header, title,
// meta, body, state.
//
// Safety: every string from the tree is set with textContent or setAttribute (never as
// markup); only hrefs whose scheme is http, https, mailto or tel become links (images:
// https only), and links open in a new tab with rel="noopener noreferrer". Raw values are
// available to scripts as data-raw (JSON) on each value element.

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

class InboxkitCard extends HTMLElement {
  static observedAttributes = ["loading", "refreshable", "show-diagnostics", "heading", "headless"];

  #card = null;
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
    this.#render();
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

  attributeChangedCallback() {
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
    this.#root.replaceChildren(article);
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
