// The editor's Actions tab: the buttons an integration puts on its card, each an HTTP request
// with the integration's variables plus {{input.NAME}} for the fields the agent fills in.
// Every input names its JSON pointer (/actions/0/fields/1/type) in data-pointer, where the
// API's problems are shown after a save.
import { h, fill, sortable, move } from "./dom.js";

const METHODS = ["POST", "GET", "PUT", "PATCH", "DELETE"];
const FIELD_TYPES = [
  ["text", "Text"], ["textarea", "Long text"], ["number", "Number"], ["email", "Email"],
  ["phone", "Phone"], ["date", "Date"], ["select", "Choice"], ["boolean", "Yes/no"],
];
const MAX_ACTIONS = 10; // the API's limits (integration.MaxActions, MaxActionFields)
const MAX_FIELDS = 10;
const VARIABLES = ["contact.id", "contact.email", "contact.name", "conversation.id", "agent.email", "agent.name"];

// actionsEditor edits the actions of the draft integration get() returns; lastField(input)
// tells the editor which text field the variable buttons insert into, insert(text) inserts
// at its cursor.
export function actionsEditor(get, { lastField, insert }) {
  const root = h("div.actions-editor", { id: "actions-editor" });

  function draw() {
    const draft = get();
    const actions = (draft.actions ||= []);
    const list = h("ol.action-list", { "aria-label": "Actions" });
    actions.forEach((a, i) => list.append(action(a, i)));
    const add = h("button.secondary", { type: "button", id: "add-action", disabled: actions.length >= MAX_ACTIONS }, "+ Add action");
    add.addEventListener("click", () => {
      const n = actions.length + 1;
      actions.push({ name: `action_${n}`, label: `Action ${n}`, method: "POST", url: draft.url || "https://", fields: [] });
      draw();
      const labels = root.querySelectorAll(".action-item input[data-role=label]");
      labels[labels.length - 1].focus();
    });
    fill(root,
      h("p.hint", null, "Buttons on this integration's card. The agent fills in the fields, confirms, and the request runs for the contact in view with the same variables as the card plus ",
        h("code", null, "{{input.NAME}}"), " for each field. Actions other than GET always ask for confirmation and are never retried or cached."),
      list, add);
  }

  // text is an input (or textarea) bound to obj[key] at pointer ptr.
  function text(label, obj, key, ptr, attrs = {}) {
    const id = "a" + ptr.replaceAll("/", "-");
    const input = h(attrs.multiline ? "textarea" : "input", {
      id, value: obj[key] ?? "", placeholder: attrs.placeholder, spellcheck: "false",
      dataset: attrs.role ? { pointer: ptr, role: attrs.role } : { pointer: ptr }, type: attrs.type, min: attrs.min,
    });
    input.addEventListener("input", () => {
      const v = attrs.number ? (input.value === "" ? undefined : Number(input.value)) : input.value;
      if (v === "" || v === undefined) delete obj[key];
      else obj[key] = v;
      if (attrs.onInput) attrs.onInput();
    });
    if (attrs.variables) input.addEventListener("focus", () => lastField(input));
    return h("div.field", null, h("label", { for: id }, label), input, attrs.hint ? h("p.hint", null, attrs.hint) : null);
  }

  function pairs(label, a, key, ptr) {
    const box = h("div.pairs");
    const drawPairs = () => {
      fill(box, (a[key] || []).map((p, j) => {
        const name = h("input", { value: p.name, placeholder: "Name", "aria-label": `${label} ${j + 1} name`, dataset: { pointer: `${ptr}/${key}/${j}/name` } });
        const value = h("input", { value: p.value, placeholder: "Value", "aria-label": `${label} ${j + 1} value`, autocomplete: "off", dataset: { pointer: `${ptr}/${key}/${j}/value` } });
        name.addEventListener("input", () => { p.name = name.value; });
        value.addEventListener("input", () => { p.value = value.value; });
        value.addEventListener("focus", () => lastField(value));
        const rm = h("button.small", { type: "button", "aria-label": `Remove ${label.toLowerCase()} ${j + 1}` }, "✕");
        rm.addEventListener("click", () => { a[key].splice(j, 1); if (!a[key].length) delete a[key]; drawPairs(); });
        return h("div.pair", null, name, value, rm);
      }));
      const add = h("button.small", { type: "button" }, `+ Add ${label.toLowerCase()}`);
      add.addEventListener("click", () => { (a[key] ||= []).push({ name: "", value: "" }); drawPairs(); });
      box.append(add);
    };
    drawPairs();
    return h("div.field", null, h("span.label", null, label + "s"), box);
  }

  function action(a, i) {
    const ptr = `/actions/${i}`;
    const legend = h("legend", null, a.label || a.name || `Action ${i + 1}`);
    const method = h("select", { id: `a-actions-${i}-method`, dataset: { pointer: `${ptr}/method` } },
      METHODS.map((m) => h("option", { value: m, selected: (a.method || "POST") === m }, m)));
    const body = text("Body (JSON)", a, "body", ptr + "/body", { multiline: true, variables: true, hint: "Placeholders inside strings are JSON-escaped for you." });
    const confirmHint = () => (a.method || "POST") === "GET"
      ? "Optional: a GET action without a prompt runs at once."
      : `Optional: without one the agent is asked: Run "${a.label || ""}" for this contact?`;
    const confirm = text("Confirmation prompt", a, "confirm", ptr + "/confirm", { hint: confirmHint() });
    const showBody = () => { body.hidden = !["POST", "PUT", "PATCH"].includes(a.method || "POST"); };
    method.addEventListener("change", () => {
      a.method = method.value;
      showBody();
      confirm.querySelector(".hint").textContent = confirmHint();
    });
    showBody();
    const rm = h("button.small.danger", { type: "button", "aria-label": `Remove action ${i + 1}` }, "Remove action");
    rm.addEventListener("click", () => { get().actions.splice(i, 1); draw(); });
    const chips = h("div.var-chips", { "aria-label": "Insert a variable" });
    const drawChips = () => fill(chips, h("span.muted.small", null, "Insert: "),
      [...(a.fields || []).filter((f) => f.name).map((f) => `input.${f.name}`), ...VARIABLES].map((v) => {
        const b = h("button.var", { type: "button" }, `{{${v}}}`);
        b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the field's cursor
        b.addEventListener("click", () => insert(`{{${v}}}`));
        return b;
      }));
    drawChips();
    return h("li.action-item", null, h("fieldset.group", { dataset: { pointer: ptr } }, legend,
      h("div.row", null,
        text("Label", a, "label", ptr + "/label", { role: "label", placeholder: "Refund last order", onInput: () => {
          legend.textContent = a.label || a.name;
          confirm.querySelector(".hint").textContent = confirmHint();
        } }),
        text("Name", a, "name", ptr + "/name", { placeholder: "refund", hint: "Lower case, digits and _; names the action in the API." }),
        h("div.field.method", null, h("label", { for: `a-actions-${i}-method` }, "Method"), method)),
      text("URL", a, "url", ptr + "/url", { variables: true, placeholder: "https://api.example.com/orders/{{input.order}}/refund" }),
      pairs("Header", a, "headers", ptr),
      pairs("Query parameter", a, "query", ptr),
      body,
      h("div.row", null, confirm,
        text("Result path", a, "result_path", ptr + "/result_path", { placeholder: "message", hint: "Where in the JSON answer the message for the agent is." })),
      fields(a, ptr, drawChips),
      chips,
      h("div.toolbar", null, rm)));
  }

  function fields(a, ptr, onNames) {
    const list = h("ol.action-fields", { "aria-label": "Fields" });
    const drawFields = () => {
      fill(list, (a.fields || []).map((f, j) => field(a, f, `${ptr}/fields/${j}`, j, drawFields, onNames)));
      add.disabled = (a.fields || []).length >= MAX_FIELDS;
    };
    const add = h("button.small", { type: "button" }, "+ Add field");
    add.addEventListener("click", () => {
      const n = (a.fields ||= []).length + 1;
      a.fields.push({ name: `field_${n}`, label: `Field ${n}`, type: "text" });
      drawFields();
      onNames();
    });
    sortable(list, (from, to) => { a.fields = move(a.fields, from, to); drawFields(); });
    drawFields();
    return h("fieldset.group", { dataset: { pointer: `${ptr}/fields` } }, h("legend", null, "Fields the agent fills in"), list, add);
  }

  function field(a, f, ptr, j, redraw, onNames) {
    const id = "a" + ptr.replaceAll("/", "-");
    const type = h("select", { id: id + "-type", dataset: { pointer: ptr + "/type" } },
      FIELD_TYPES.map(([v, label]) => h("option", { value: v, selected: f.type === v }, label)));
    type.addEventListener("change", () => {
      f.type = type.value;
      // keep only the settings of the new type
      if (f.type !== "select") delete f.options;
      if (f.type !== "number") { delete f.min; delete f.max; }
      if (f.type !== "text" && f.type !== "textarea") delete f.max_length;
      redraw();
    });
    const required = h("input", { type: "checkbox", id: id + "-required", checked: !!f.required, dataset: { pointer: ptr + "/required" } });
    required.addEventListener("change", () => { if (required.checked) f.required = true; else delete f.required; });
    const extra = [];
    if (f.type === "select") {
      const opts = h("input", { id: id + "-options", value: (f.options || []).join(", "), placeholder: "damaged, late, other", dataset: { pointer: ptr + "/options" } });
      opts.addEventListener("input", () => {
        const v = opts.value.split(",").map((s) => s.trim()).filter(Boolean);
        if (v.length) f.options = v;
        else delete f.options;
      });
      extra.push(h("div.field", null, h("label", { for: id + "-options" }, "Options (comma-separated)"), opts));
    }
    if (f.type === "number") {
      extra.push(text("Minimum", f, "min", ptr + "/min", { type: "number", number: true }),
        text("Maximum", f, "max", ptr + "/max", { type: "number", number: true }));
    }
    if (f.type === "text" || f.type === "textarea") {
      extra.push(text("Max length", f, "max_length", ptr + "/max_length", { type: "number", number: true, min: "0", placeholder: f.type === "text" ? "255" : "2000" }));
    }
    const rm = h("button.small.icon", { type: "button", "aria-label": `Remove field ${j + 1}`, title: "Remove" }, "✕");
    rm.addEventListener("click", () => { a.fields.splice(j, 1); if (!a.fields.length) delete a.fields; redraw(); onNames(); });
    return h("li.field-row", { draggable: "true", tabindex: "0", dataset: { pointer: ptr } },
      h("span.grip", { "aria-hidden": "true" }, "⠿"),
      h("div.field-row-body", null,
        h("div.row", null,
          text("Label", f, "label", ptr + "/label"),
          text("Name", f, "name", ptr + "/name", { onInput: onNames }),
          h("div.field", null, h("label", { for: id + "-type" }, "Type"), type),
          h("label.inline", { for: id + "-required" }, required, "Required")),
        h("div.row", null, ...extra,
          text("Default", f, "default", ptr + "/default"),
          text("Help", f, "help", ptr + "/help"))),
      rm);
  }

  draw();
  return root;
}

// actionInputs draws inputs for the fields of action a, for a test run on the Testing tab;
// values (a Map of field name to value) keeps what was typed. Each input names its pointer
// (/inputs/NAME) for the API's problems.
export function actionInputs(a, values) {
  const types = { number: "number", email: "email", phone: "tel", date: "date" };
  return h("div.grid-fields", { id: "test-inputs" }, (a.fields || []).map((f, i) => {
    const id = `t-input-${i}`;
    if (!values.has(f.name)) values.set(f.name, f.type === "boolean" ? (f.default === "true" ? "true" : "false") : f.default || "");
    const v = values.get(f.name);
    let input;
    if (f.type === "boolean") {
      input = h("input", { id, type: "checkbox", checked: v === "true" });
    } else if (f.type === "select") {
      input = h("select", { id }, h("option", { value: "" }, "—"), (f.options || []).map((o) => h("option", { value: o, selected: o === v }, o)));
    } else {
      input = h(f.type === "textarea" ? "textarea" : "input", { id, value: v, type: types[f.type] === "date" ? "text" : types[f.type], placeholder: f.type === "date" ? "YYYY-MM-DD" : undefined });
    }
    input.dataset.pointer = "/inputs/" + f.name.replaceAll("~", "~0").replaceAll("/", "~1");
    const update = () => values.set(f.name, f.type === "boolean" ? String(input.checked) : input.value);
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    return h("div.field", null, h("label", { for: id }, `input.${f.name}`, f.required ? " *" : ""), input);
  }));
}
