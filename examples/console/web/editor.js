// The integration editor: Configuration, Testing and Template tabs over one draft.
import { api } from "./api.js";
import { h, fill, toast } from "./dom.js";
import { templateBuilder } from "./builder.js";
import { actionsEditor, actionInputs } from "./actionseditor.js";
import { triggersEditor } from "./triggerseditor.js";
import { activityLine } from "./activity.js";
import { lineDiff } from "./diff.js";
import { showProblems, clearProblems } from "./problems.js";

const VARIABLES = [
  ["contact.id", "Contact ID"], ["contact.name", "Contact name"], ["contact.email", "Contact email"],
  ["contact.phone_number", "Contact phone"], ["contact.attributes.NAME", "Custom attribute"],
  ["conversation.id", "Conversation ID"], ["conversation.subject", "Conversation subject"],
  ["inbox.id", "Inbox ID"], ["inbox.name", "Inbox name"],
];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function blank() {
  return {
    name: "", description: "", method: "GET", url: "https://", headers: [], query: [], body: "",
    cache_minutes: 15, active: true, required_variables: [],
    display: { enabled: true, template: { version: 1, sections: [] } },
  };
}

// payload is the draft as the API takes it: no read-only fields, no sealed values.
function payload(d) {
  const out = structuredClone(d);
  for (const k of ["team_id", "created_at", "updated_at"]) delete out[k];
  for (const hd of out.headers || []) delete hd.sealed;
  for (const s of out.secrets || []) delete s.sealed;
  return out;
}

export function editorPage(ctx, id, tab) {
  let draft = blank();
  let saved = null; // the stored integration, for the diff before saving
  let lastResponse = null; // the body of the last live test, for the template preview
  let lastField = null; // the text field the variable picker inserts into
  const root = h("div.editor");
  ctx.view.append(root);

  const tabs = [["configuration", "Configuration"], ["testing", "Testing"], ["template", "Template"], ["actions", "Actions"], ["triggers", "Triggers"]];
  const tabList = h("div.tabs", { role: "tablist", "aria-label": "Editor" });
  const panel = h("div.tab-panel", { role: "tabpanel", id: "tab-panel" });
  const title = h("h1");
  const saveBtn = h("button.primary", { type: "button", id: "save" }, "Save");
  const form = h("div.problems-summary", { role: "alert" });

  function drawTabs() {
    fill(tabList, tabs.map(([k, label]) => {
      const b = h("button", { type: "button", role: "tab", id: "tab-" + k, "aria-selected": String(k === tab), "aria-controls": "tab-panel", tabindex: k === tab ? "0" : "-1" }, label);
      b.addEventListener("click", () => select(k));
      b.addEventListener("keydown", (e) => {
        const i = tabs.findIndex(([t]) => t === k);
        const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : -1;
        if (next >= 0 && next < tabs.length) {
          select(tabs[next][0]);
          document.getElementById("tab-" + tabs[next][0]).focus();
        }
      });
      return b;
    }));
  }

  function select(k) {
    tab = k;
    history.replaceState(null, "", `#/integrations/${id ? encodeURIComponent(id) : "new"}/${k}`);
    drawTabs();
    panel.setAttribute("aria-labelledby", "tab-" + k);
    fill(panel);
    if (k === "configuration") panel.append(configuration());
    else if (k === "testing") panel.append(testing());
    else if (k === "actions") panel.append(actionsEditor(() => draft, { lastField: (f) => { lastField = f; }, insert }));
    else if (k === "triggers") panel.append(triggersEditor(() => draft, { lastField: (f) => { lastField = f; }, insert }));
    else {
      panel.append(builder.element);
      builder.shown();
    }
    panel.panelKind = k;
  }

  // ---- Configuration ----
  function text(label, key, attrs = {}) {
    const input = h(attrs.multiline ? "textarea" : "input", { id: "f-" + key, name: key, value: draft[key] ?? "", dataset: { pointer: "/" + key }, ...attrs.html });
    input.addEventListener("input", () => { draft[key] = input.value; });
    input.addEventListener("focus", () => { lastField = input; });
    return h("div.field", null, h("label", { for: "f-" + key }, label), input, attrs.hint ? h("p.hint", null, attrs.hint) : null);
  }

  function pairs(label, key, secretToggle) {
    const list = h("div.pairs", { id: "f-" + key });
    const draw = () => {
      fill(list, (draft[key] || []).map((p, i) => {
        const name = h("input", { value: p.name, "aria-label": `${label} ${i + 1} name`, placeholder: "Name", dataset: { pointer: `/${key}/${i}/name` } });
        const value = h("input", { value: p.value, "aria-label": `${label} ${i + 1} value`, placeholder: p.secret ? "Secret value (write-only)" : "Value", type: p.secret ? "password" : "text", autocomplete: "off", dataset: { pointer: `/${key}/${i}/value` } });
        name.addEventListener("input", () => { p.name = name.value; });
        value.addEventListener("input", () => { p.value = value.value; });
        value.addEventListener("focus", () => { lastField = value; });
        const rm = h("button.small", { type: "button", "aria-label": `Remove ${label.toLowerCase()} ${i + 1}` }, "✕");
        rm.addEventListener("click", () => { draft[key].splice(i, 1); draw(); });
        let secret = null;
        if (secretToggle) {
          const cb = h("input", { type: "checkbox", checked: !!p.secret });
          cb.addEventListener("change", () => { p.secret = cb.checked; draw(); });
          secret = h("label.inline", null, cb, "Secret");
        }
        return h("div.pair", null, name, value, secret, rm);
      }));
      const add = h("button.small", { type: "button" }, `+ Add ${label.toLowerCase()}`);
      add.addEventListener("click", () => { (draft[key] ||= []).push({ name: "", value: "" }); draw(); });
      list.append(add);
    };
    draw();
    return h("div.field", null, h("span.label", null, label + "s"), list);
  }

  function configuration() {
    const method = h("select", { id: "f-method", dataset: { pointer: "/method" } }, METHODS.map((m) => h("option", { value: m, selected: (draft.method || "GET") === m }, m)));
    const bodyField = text("Body (JSON)", "body", { multiline: true, hint: "Placeholders inside strings are JSON-escaped for you." });
    bodyField.hidden = !["POST", "PUT", "PATCH"].includes(method.value);
    method.addEventListener("change", () => {
      draft.method = method.value;
      bodyField.hidden = !["POST", "PUT", "PATCH"].includes(method.value);
    });
    const cache = h("input", { id: "f-cache_minutes", type: "number", min: "0", max: "1440", value: String(draft.cache_minutes ?? 0), dataset: { pointer: "/cache_minutes" } });
    cache.addEventListener("input", () => { draft.cache_minutes = Number(cache.value) || 0; });
    const active = h("input", { id: "f-active", type: "checkbox", checked: !!draft.active });
    active.addEventListener("change", () => { draft.active = active.checked; });
    const required = h("input", { id: "f-required", value: (draft.required_variables || []).join(", "), placeholder: "contact.email", dataset: { pointer: "/required_variables" } });
    required.addEventListener("input", () => { draft.required_variables = required.value.split(",").map((s) => s.trim()).filter(Boolean); });
    const display = h("input", { id: "f-display", type: "checkbox", checked: !!(draft.display && draft.display.enabled) });
    display.addEventListener("change", () => { draft.display = { ...(draft.display || {}), enabled: display.checked }; });

    const picker = h("aside.picker", { "aria-label": "Variables" },
      h("h3", null, "Variables"),
      h("p.hint", null, "Click to insert at the cursor of the last field you edited."),
      h("ul", null, VARIABLES.map(([v, label]) => {
        const b = h("button.var", { type: "button", title: label }, `{{${v}}}`);
        b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the field's cursor
        b.addEventListener("click", () => insert(`{{${v}}}`));
        return h("li", null, b, h("span.muted.small", null, label));
      })));

    return h("div.config-layout", null,
      h("div.config-form", null,
        text("Name", "name", { html: { placeholder: "Customer Data", required: true } }),
        text("Description", "description"),
        h("div.row", null,
          h("div.field.method", null, h("label", { for: "f-method" }, "Method"), method),
          text("URL", "url", { html: { placeholder: "https://api.example.com/customers?email={{contact.email}}" } })),
        pairs("Header", "headers", true),
        pairs("Query parameter", "query", false),
        bodyField,
        h("div.row", null,
          h("div.field", null, h("label", { for: "f-cache_minutes" }, "Cache (minutes)"), cache),
          h("div.field", null, h("label", { for: "f-required" }, "Required variables"), required)),
        h("div.row", null,
          h("label.inline", null, active, "Active"),
          h("label.inline", null, display, "Display with a template"))),
      picker);
  }

  function insert(s) {
    const f = lastField;
    if (!f || !f.isConnected) {
      toast("Click into a field first.");
      return;
    }
    const start = f.selectionStart ?? f.value.length;
    const end = f.selectionEnd ?? f.value.length;
    f.value = f.value.slice(0, start) + s + f.value.slice(end);
    f.setSelectionRange(start + s.length, start + s.length);
    f.dispatchEvent(new Event("input"));
    f.focus();
  }

  // ---- Testing ----
  const sample = { contact: { id: "c_1001", name: "Ada Lovelace", email: "ada@example.com", phone_number: "" }, conversation: { id: "conv_1", subject: "Where is my order?" }, inbox: { id: "support", name: "Support" } };
  let testAction = ""; // the action the Testing tab runs, "" for the card's request
  const testInputs = new Map(); // action name -> Map(field name -> value)
  function testing() {
    const action = (draft.actions || []).find((a) => a.name === testAction) || null;
    if (!action) testAction = "";
    const method = action ? action.method || "POST" : draft.method || "GET";
    let inputsBox = null;
    if (action) {
      if (!testInputs.has(action.name)) testInputs.set(action.name, new Map());
      inputsBox = actionInputs(action, testInputs.get(action.name));
    }
    const target = (draft.actions || []).length ? h("select", { id: "test-target", "aria-label": "What to test" },
      h("option", { value: "" }, "The card's request"),
      draft.actions.map((a) => h("option", { value: a.name, selected: a.name === testAction }, `Action: ${a.label || a.name}`))) : null;
    if (target) target.addEventListener("change", () => { testAction = target.value; select("testing"); });
    const fields = [["contact", "id"], ["contact", "name"], ["contact", "email"], ["contact", "phone_number"], ["conversation", "subject"], ["inbox", "id"], ["inbox", "name"]];
    const inputs = fields.map(([o, k]) => {
      const id = `t-${o}-${k}`;
      const input = h("input", { id, value: sample[o][k] || "" });
      input.addEventListener("input", () => { sample[o][k] = input.value; });
      return h("div.field", null, h("label", { for: id }, `${o}.${k}`), input);
    });
    const out = h("div.test-result", { id: "test-result", "aria-live": "polite" });
    const confirmBox = h("input", { type: "checkbox", id: "confirm-send" });
    const nonGet = method !== "GET";
    const run = async (live) => {
      if (inputsBox) clearProblems(inputsBox);
      if (live && nonGet && !confirmBox.checked) {
        fill(out, h("div.error-box", { role: "alert" }, `A live ${method} request changes data on the other side. Tick the confirmation first.`));
        confirmBox.focus();
        return;
      }
      fill(out, h("p.muted", null, live ? "Sending…" : "Expanding…"));
      try {
        const res = await api("POST", "/integrations/test", {
          integration: payload(draft), contact: sample.contact, conversation: sample.conversation, inbox: sample.inbox,
          live, confirm_send: live && nonGet && confirmBox.checked,
          action: action ? action.name : undefined,
          inputs: action ? Object.fromEntries(testInputs.get(action.name)) : undefined,
        });
        if (res.sent && res.body) lastResponse = res.body;
        fill(out, result(res));
      } catch (err) {
        const left = inputsBox ? showProblems(inputsBox, err.problems, "") : err.problems;
        fill(out, h("div.error-box", { role: "alert" }, err.message, problemList(left)));
      }
    };
    const dry = h("button.secondary", { type: "button", id: "dry-run" }, "Dry run");
    const live = h("button.primary", { type: "button", id: "live-run" }, "Send live request");
    dry.addEventListener("click", () => run(false));
    live.addEventListener("click", () => run(true));
    return h("div.testing", null,
      target ? h("div.toolbar", null, h("label", { for: "test-target" }, "Test "), target) : null,
      h("section.panel", null, h("h2", null, "Sample data"), h("div.grid-fields", null, inputs)),
      inputsBox ? h("section.panel", null, h("h2", null, "What the agent enters"), inputsBox) : null,
      h("div.toolbar", null, dry, live,
        nonGet ? h("label.inline.warn", null, confirmBox, `I understand this sends a real ${method} request`) : null),
      out);
  }

  function result(r) {
    const ms = (ns) => (ns ? `${(ns / 1e6).toFixed(1)} ms` : "–");
    const req = r.request || {};
    const headerLines = Object.entries(req.header || {}).map(([k, vs]) => `${k}: ${vs.join(", ")}`).join("\n");
    const parts = [
      h("h3", null, r.sent ? `HTTP ${r.status_code || "–"} · ${ms(r.duration_ns)}` : "Dry run: the request that would be sent"),
      r.error ? h("div.error-box", { role: "alert" }, r.error.message, r.detail ? h("div.small", null, r.detail) : null) : null,
      r.missing && r.missing.length ? h("p.warn", null, "Empty required variables: " + r.missing.join(", ")) : null,
      h("pre.request", null, `${req.method || ""} ${req.url || ""}\n${headerLines}${req.body ? "\n\n" + req.body : ""}`),
    ];
    if (r.sent) {
      const t = r.timing || {};
      parts.push(h("p.timings.muted", null, `DNS ${ms(t.dns_ns)} · connect ${ms(t.connect_ns)} · TLS ${ms(t.tls_ns)} · first byte ${ms(t.first_byte_ns)}`));
      parts.push(h("details", null, h("summary", null, "Response body" + (r.body_truncated ? " (truncated)" : "")), h("pre", null, r.body || "")));
    }
    if (r.activities && r.activities.length) {
      // The lines the triggers would post for this sample (a live run renders them).
      parts.push(h("h3", null, "Trigger lines"), h("ul.activity-list", { id: "test-activities" }, r.activities.map((a) => {
        const t = (draft.triggers || []).find((x) => x.name === a.trigger) || {};
        const on = h("span.activity-status", null, `· ${t.on || ""}${t.label ? ` (${t.label})` : ""}`);
        if (a.status === "ok") return h("li", { dataset: { status: a.status } }, activityLine(a, on));
        const why = a.status === "error" ? (a.error ? a.error.message : "failed")
          : `nothing to post: ${a.reason || "not applicable"}${a.missing && a.missing.length ? ` (${a.missing.join(", ")})` : ""}`;
        return h("li", { dataset: { status: a.status } }, activityLine({ icon: a.icon, text: `Trigger ${a.trigger}: ${why}` }, on));
      })));
    }
    if (r.preview) {
      const card = document.createElement("inboxkit-card");
      card.setAttribute("heading", draft.name || "Preview");
      card.setAttribute("show-diagnostics", "");
      // The action buttons as agents will see them; disabled here (no runAction).
      const actions = (draft.actions || []).map(({ name, label, method, confirm, fields }) => ({ name, label, method, confirm, fields }));
      card.card = { status: "ok", name: draft.name, output: r.preview, actions };
      parts.push(h("h3", null, "Preview"), card);
    }
    return parts;
  }

  // ---- Template ----
  const builder = templateBuilder({
    get: () => (draft.display && draft.display.template) || { version: 1, sections: [] },
    set: (t) => { draft.display = { ...(draft.display || { enabled: true }), template: t }; },
    lastResponse: () => lastResponse,
  });

  // ---- Save ----
  async function save() {
    clearProblems(root);
    fill(form);
    const before = saved && saved.display && saved.display.template ? JSON.stringify(saved.display.template, null, 2) : "";
    const after = draft.display && draft.display.template ? JSON.stringify(draft.display.template, null, 2) : "";
    if (saved && before !== after && !(await confirmDiff(before, after))) return;
    try {
      const out = id
        ? await api("PUT", `/integrations/${encodeURIComponent(id)}`, payload(draft))
        : await api("POST", "/integrations", payload(draft));
      toast(`Saved ${out.name}`);
      if (!id) {
        ctx.go(`#/integrations/${encodeURIComponent(out.id)}/${tab}`);
        return;
      }
      saved = structuredClone(out);
      draft = structuredClone(out);
      title.textContent = out.name;
      builder.reset();
      if (tab === "actions" || tab === "triggers") select(tab); // their inputs are bound to the old draft
    } catch (err) {
      fill(form, h("p", null, err.message), problemList(err.problems));
      showProblems(root, err.problems, "");
      showProblems(builder.element, err.problems, "/display/template");
    }
  }

  function confirmDiff(before, after) {
    return new Promise((resolve) => {
      const ok = h("button.primary", { type: "button", id: "confirm-save" }, "Save");
      const cancel = h("button.secondary", { type: "button" }, "Keep editing");
      const dlg = h("dialog.diff-dialog", { "aria-labelledby": "diff-h" },
        h("h2", { id: "diff-h" }, "Template changes"),
        h("p.muted", null, "Compared with the saved version."),
        lineDiff(before, after),
        h("div.toolbar", null, ok, cancel));
      document.body.append(dlg);
      const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
      ok.addEventListener("click", () => done(true));
      cancel.addEventListener("click", () => done(false));
      dlg.addEventListener("cancel", () => done(false));
      dlg.showModal();
    });
  }

  saveBtn.addEventListener("click", save);
  root.append(
    h("div.page-head", null, h("a.back", { href: "#/integrations" }, "← Integrations"), title, saveBtn),
    form, tabList, panel);

  (async () => {
    if (id) {
      try {
        saved = await api("GET", `/integrations/${encodeURIComponent(id)}`);
        draft = structuredClone(saved);
      } catch (err) {
        fill(root, h("div.error-box", { role: "alert" }, err.message));
        return;
      }
    }
    title.textContent = id ? draft.name : "New integration";
    builder.reset();
    select(tabs.some(([k]) => k === tab) ? tab : "configuration");
  })();
  return () => builder.close();
}

function problemList(problems) {
  if (!problems || !problems.length) return null;
  return h("ul.problems", null, problems.map((p) => h("li", null, h("code", null, p.path || "/"), " ", p.message)));
}
