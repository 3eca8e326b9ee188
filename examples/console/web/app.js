// The console's shell: the demo user picker and a hash router over the pages.
import { setUser, user } from "./api.js";
import { h, fill } from "./dom.js";
import { profilePage } from "./profile.js";
import { integrationsPage } from "./integrations.js";
import { editorPage } from "./editor.js";
import { catalogPage } from "./catalog.js";

const config = JSON.parse(document.body.dataset.config || "{}");
const view = document.getElementById("view");
let leave = null; // the current page's cleanup

function route() {
  if (leave) leave();
  leave = null;
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const page = parts[0] || "profile";
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === page) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  fill(view);
  const ctx = { config, view, go: (hash) => { location.hash = hash; } };
  switch (page) {
    case "integrations":
      leave = parts[1] ? editorPage(ctx, parts[1] === "new" ? "" : parts[1], parts[2] || "configuration")
        : integrationsPage(ctx);
      break;
    case "catalog":
      leave = catalogPage(ctx);
      break;
    case "profile":
      leave = profilePage(ctx, parts[1], parts[2]);
      break;
    default:
      view.append(h("p", null, "Not found."));
  }
}

const picker = document.getElementById("user");
for (const u of config.users || []) picker.append(h("option", { value: u.token, selected: u.token === user() }, u.label));
if (!user() && config.users && config.users.length) setUser(config.users[0].token);
picker.value = user();
picker.addEventListener("change", () => {
  setUser(picker.value);
  route();
});

// Report CSP violations loudly: the console must run without any.
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation:", e.violatedDirective, e.blockedURI);
});

window.addEventListener("hashchange", route);
route();
