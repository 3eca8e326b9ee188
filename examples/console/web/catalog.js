// The catalog gallery: every ready-made integration with its sample rendered as the card
// agents will see, and a form for the secrets and settings that install it.
import { api } from "./api.js";
import { h, fill, toast } from "./dom.js";
import { clearProblems, showProblems } from "./problems.js";

export function catalogPage(ctx) {
  const gallery = h("div.gallery", { id: "catalog", "aria-busy": "true" });
  const filter = h("select", { id: "catalog-category", "aria-label": "Category" }, h("option", { value: "" }, "All categories"));
  ctx.view.append(
    h("div.page-head", null, h("h1", null, "Catalog"), h("label", null, "Show ", filter)),
    h("p.muted", null, "Ready-made integrations for well-known services. Each card shows the service's sample response as agents will see it; install one with your credentials, then attach it to an inbox under Integrations."),
    gallery);

  const ctrl = new AbortController();
  let entries = [];

  function show() {
    const cat = filter.value;
    fill(gallery, entries.filter((e) => !cat || e.category === cat).map(entryCard));
  }

  function entryCard(e) {
    const card = document.createElement("inboxkit-card");
    card.setAttribute("heading", e.name);
    card.card = { status: "ok", name: e.name, integration_id: e.id, output: e.preview };
    const form = installForm(e);
    return h("article.panel.entry", { dataset: { entry: e.id }, "aria-labelledby": `entry-${e.id}` },
      h("header", null,
        h("h2", { id: `entry-${e.id}` }, e.name),
        h("span.pill", null, e.category)),
      h("p.small", null, e.description),
      h("p.small.muted", null, h("code.method", null, e.method), " ", h("code.url", null, e.url)),
      card,
      h("p.small.muted", null, "Sample from ", h("a", { href: e.reference, target: "_blank", rel: "noopener noreferrer" }, "the service's API reference"), "."),
      form);
  }

  function installForm(e) {
    const fields = [...e.secrets.map((f) => [f, true]), ...e.settings.map((f) => [f, false])];
    const inputs = new Map();
    const rows = fields.map(([f, secret]) => {
      const id = `install-${e.id}-${f.name}`;
      const input = h("input", {
        id, name: f.name, type: secret ? "password" : "text", autocomplete: "off", spellcheck: "false", required: true,
        "data-pointer": "/values/" + f.name.replaceAll("~", "~0").replaceAll("/", "~1"),
      });
      inputs.set(f.name, input);
      return h("div.field", null, h("label", { for: id }, f.label), input, f.help ? h("p.hint", null, f.help) : null);
    });
    const submit = h("button.primary", { type: "submit" }, `Install ${e.name}`);
    const errorText = h("p.error-text", { role: "alert", hidden: true });
    const form = h("form.install", { "aria-label": `Install ${e.name}` }, rows, errorText, h("div.toolbar", null, submit));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearProblems(form);
      errorText.hidden = true;
      const values = {};
      for (const [name, input] of inputs) values[name] = input.value;
      submit.disabled = true;
      try {
        const it = await api("POST", `/catalog/${encodeURIComponent(e.id)}/install`, { values });
        for (const input of inputs.values()) input.value = "";
        toast(`Installed ${it.name}`);
        ctx.go(`#/integrations/${encodeURIComponent(it.id)}`);
      } catch (err) {
        const left = showProblems(form, err.problems, "");
        errorText.textContent = [err.message, ...left.map((p) => p.message)].join(" ");
        errorText.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  (async () => {
    try {
      entries = (await api("GET", "/catalog", undefined, ctrl.signal)).entries || [];
    } catch (err) {
      if (err.name === "AbortError") return;
      fill(gallery, h("p.error-text", null, err.message));
      gallery.removeAttribute("aria-busy");
      return;
    }
    for (const c of [...new Set(entries.map((e) => e.category))].sort()) filter.append(h("option", { value: c }, c));
    show();
    gallery.removeAttribute("aria-busy");
  })();
  filter.addEventListener("change", show);
  return () => ctrl.abort();
}
