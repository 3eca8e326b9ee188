// One activity line: what an event trigger posts into a conversation (a MINIMAL message in
// package inbox's terms): an icon, one line of text and an optional link. The icon is a name
// a host maps to its own pictures; the console shows the name itself, as a small tag.
// Everything is set as text; the link must be http(s) (the API only posts such links; this
// checks again) and opens in a new tab without handing the console a window.opener.

import { h } from "./dom.js";

// activityLine returns the element of activity a ({text, link, icon}); extra nodes (a status,
// a reason) follow the link.
export function activityLine(a, ...extra) {
  const icon = a.icon ? h("span.activity-icon", { "aria-hidden": "true" }, a.icon) : h("span.activity-icon.none", { "aria-hidden": "true" }, "•");
  const link = safeLink(a.link) ? h("a.activity-link", { href: a.link, target: "_blank", rel: "noopener noreferrer" }, "Open ↗") : null;
  return h("div.activity", { role: "note", dataset: { icon: a.icon || "" } }, icon, h("span.activity-text", null, a.text || ""), link, ...extra);
}

function safeLink(u) {
  if (!u) return false;
  try {
    const url = new URL(u);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
