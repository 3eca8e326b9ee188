// Forms generated from the template JSON Schema (GET /api/schemas/template.json): each
// section type's fields, field formats and tones are edited through inputs derived from the
// schema's definitions, so a new property in the schema shows up here without new code.
// Every input names its JSON pointer in data-pointer, where problems are shown.
import { h, fill, sortable, move } from "./dom.js";

// The labels of section types in the palette, in order.
export const SECTION_LABELS = {
  keyvalue: "Key-value list", table: "Table", text: "Text", repeat: "Repeat", card: "Card",
  badge: "Badge", link: "Link", button: "Button", divider: "Divider", image: "Image",
};

export class SchemaForms {
  // schema is the template JSON Schema; onChange(structural) is called after every edit:
  // structural when the forms must be drawn again (an item added, removed or moved).
  constructor(schema, onChange) {
    this.defs = schema.$defs || {};
    this.onChange = onChange;
  }

  resolve(s) {
    let seen = 0;
    while (s && s.$ref && seen++ < 16) s = this.defs[s.$ref.replace("#/$defs/", "")];
    return s || {};
  }

  // sectionTypes lists the section types the schema defines.
  sectionTypes() {
    const out = [];
    for (const b of this.resolve({ $ref: "#/$defs/section" }).oneOf || []) {
      const t = b.properties && b.properties.type;
      if (t && t.const) out.push(t.const);
      else if (t && t.enum) out.push(t.enum[0]);
    }
    return out;
  }

  branch(type) {
    for (const b of this.resolve({ $ref: "#/$defs/section" }).oneOf || []) {
      const t = b.properties && b.properties.type;
      if (t && (t.const === type || (t.enum && t.enum.includes(type)))) return b;
    }
    return null;
  }

  // skeleton is a new section of type with its required properties filled in.
  skeleton(type) {
    const s = { type };
    const b = this.branch(type);
    for (const k of (b && b.required) || []) {
      if (k === "type") continue;
      const p = this.resolve(b.properties[k]);
      if (k === "items" || k === "columns") s[k] = [{ label: "Label", value: "{{path}}" }];
      else if (k === "sections") s[k] = [];
      else if (k === "item") s[k] = { type: "keyvalue", items: [{ label: "ID", value: "{{id}}" }] };
      else if (k === "path") s[k] = "items";
      else if (k === "url") s[k] = "https://example.com/{{id}}";
      else if (p.type === "string" || p.maxLength) s[k] = k === "alt" ? "Image" : k === "label" ? "Open" : k === "value" ? "{{status}}" : "Text";
    }
    if (type === "text") s.text = "{{notes}}";
    return s;
  }

  // section draws the form of one section object at pointer ptr.
  section(sec, ptr) {
    const b = this.branch(sec.type);
    const box = h("div.form");
    if (!b) {
      box.append(this.json(sec, null, ptr, "Section (JSON)", (v) => Object.assign(sec, v)));
      return box;
    }
    const req = new Set(b.required || []);
    // required properties first, the condition last
    const keys = Object.keys(b.properties || {}).filter((k) => k !== "type")
      .sort((x, y) => rank(x, req) - rank(y, req));
    for (const key of keys) box.append(this.property(sec, key, b.properties[key], `${ptr}/${key}`, req.has(key)));
    return box;
  }

  // property draws obj[key] with the schema s.
  property(obj, key, s, ptr, required) {
    const ref = s.$ref ? s.$ref.replace("#/$defs/", "") : "";
    const r = this.resolve(s);
    const label = labelOf(key) + (required ? "" : " (optional)");
    const id = "sf" + ptr.replaceAll("/", "-");
    const set = (v, structural) => {
      if (v === undefined || v === "") delete obj[key];
      else obj[key] = v;
      this.onChange(structural);
    };
    if (ref === "fields" || (r.type === "array" && r.items && this.resolve(r.items) === this.defs.field)) {
      return this.fields(obj, key, ptr, label);
    }
    if (ref === "sections") return this.sections(obj, key, ptr, label);
    if (ref === "section") return this.nestedSection(obj, key, ptr, label);
    if (ref === "tones") return this.tones(obj, key, ptr, label);
    if (ref === "format") return this.format(obj, key, ptr);
    if (ref === "when" || ref === "condition") return this.json(obj[key], obj, ptr, "Show when (optional)", (v) => set(v, false), key, '{"path": "id", "op": "exists"}');
    if (r.enum || r.const !== undefined) {
      const values = r.enum || [r.const];
      const sel = h("select", { id, dataset: { pointer: ptr } },
        required ? null : h("option", { value: "" }, "(default)"),
        values.map((v) => h("option", { value: String(v), selected: obj[key] === v }, String(v))));
      sel.addEventListener("change", () => set(sel.value || undefined, false));
      return field(id, label, sel, r.description);
    }
    if (r.type === "integer" || r.type === "number") {
      const input = h("input", { id, type: "number", min: r.minimum, max: r.maximum, value: obj[key] ?? "", dataset: { pointer: ptr } });
      input.addEventListener("input", () => set(input.value === "" ? undefined : Number(input.value), false));
      return field(id, label, input, r.description);
    }
    if (r.type === "boolean") {
      const cb = h("input", { id, type: "checkbox", checked: !!obj[key], dataset: { pointer: ptr } });
      cb.addEventListener("change", () => set(cb.checked || undefined, false));
      return h("div.field.inline", null, h("label.inline", { for: id }, cb, label));
    }
    if (r.type === "string") {
      const input = h("input", { id, value: obj[key] ?? "", placeholder: ref === "path" ? "orders" : ref === "url" ? "https://…/{{id}}" : "", dataset: { pointer: ptr }, spellcheck: "false" });
      input.addEventListener("input", () => set(required ? input.value : input.value || undefined, false));
      return field(id, label, input, r.description);
    }
    return this.json(obj[key], obj, ptr, label, (v) => set(v, false), key);
  }

  // json edits any value as JSON text; invalid JSON is flagged and not applied.
  json(value, obj, ptr, label, set, key, placeholder) {
    const id = "sf" + ptr.replaceAll("/", "-");
    const ta = h("textarea.json-input", { id, rows: "1", spellcheck: "false", placeholder: placeholder || "", dataset: { pointer: ptr }, value: value === undefined ? "" : JSON.stringify(value) });
    const err = h("p.field-problem.local", { hidden: true });
    ta.addEventListener("input", () => {
      if (ta.value.trim() === "") {
        err.hidden = true;
        set(undefined);
        return;
      }
      try {
        const v = JSON.parse(ta.value);
        err.hidden = true;
        set(v);
      } catch {
        err.textContent = "Not valid JSON yet.";
        err.hidden = false;
      }
    });
    return h("div.field", null, h("label", { for: id }, label), ta, err);
  }

  fields(obj, key, ptr, label) {
    obj[key] ||= [];
    const list = h("ol.fields", { "aria-label": label });
    obj[key].forEach((f, i) => {
      const fp = `${ptr}/${i}`;
      const rm = h("button.small.icon", { type: "button", "aria-label": `Remove field ${i + 1}`, title: "Remove" }, "✕");
      rm.addEventListener("click", () => { obj[key].splice(i, 1); this.onChange(true); });
      const row = h("li.field-row", { draggable: "true", tabindex: "0", dataset: { pointer: fp } },
        h("span.grip", { "aria-hidden": "true" }, "⠿"),
        h("div.field-row-body", null,
          h("div.row", null,
            this.property(f, "label", { $ref: "#/$defs/binding" }, `${fp}/label`, true),
            this.property(f, "value", { $ref: "#/$defs/binding" }, `${fp}/value`, true)),
          h("div.row", null, this.format(f, "format", `${fp}/format`),
            this.property(f, "when", { $ref: "#/$defs/when" }, `${fp}/when`, false))),
        rm);
      list.append(row);
    });
    sortable(list, (from, to) => { obj[key] = move(obj[key], from, to); this.onChange(true); });
    const add = h("button.small", { type: "button" }, "+ Add field");
    add.addEventListener("click", () => { obj[key].push({ label: "Label", value: "{{path}}" }); this.onChange(true); });
    return h("fieldset.group", { dataset: { pointer: ptr } }, h("legend", null, label), list, add);
  }

  // format edits a field's format: a type, and the options that type's schema branch has.
  format(obj, key, ptr) {
    const branches = this.resolve({ $ref: "#/$defs/format" }).oneOf || [];
    const types = [];
    for (const b of branches) {
      const t = b.enum || (b.properties && (b.properties.type.enum || [b.properties.type.const])) || [];
      for (const x of t) if (x && !types.includes(x)) types.push(x);
    }
    const cur = obj[key];
    const type = typeof cur === "string" ? cur : cur && cur.type ? cur.type : "";
    const id = "sf" + ptr.replaceAll("/", "-");
    const sel = h("select", { id, dataset: { pointer: ptr } }, h("option", { value: "" }, "text (default)"),
      types.map((t) => h("option", { value: t, selected: t === type }, t)));
    const opts = h("div.format-options");
    const branch = branches.find((b) => b.properties && b.properties.type &&
      (b.properties.type.const === type || (b.properties.type.enum || []).includes(type)) && Object.keys(b.properties).length > 1);
    if (branch && type) {
      const o = typeof cur === "object" && cur ? cur : { type };
      if (typeof cur !== "object") obj[key] = o;
      for (const [k, s] of Object.entries(branch.properties)) {
        if (k === "type") continue;
        opts.append(this.property(o, k, s, `${ptr}/${k}`, (branch.required || []).includes(k)));
      }
    }
    sel.addEventListener("change", () => {
      const t = sel.value;
      const b = branches.find((x) => x.properties && x.properties.type && (x.properties.type.const === t) && (x.required || []).length > 1);
      if (!t) delete obj[key];
      else if (b) obj[key] = { type: t, ...(t === "currency" ? { currency: "USD" } : {}) };
      else obj[key] = t;
      this.onChange(true);
    });
    return h("div.field.format", null, h("label", { for: id }, "Format"), sel, opts);
  }

  tones(obj, key, ptr, label) {
    const tones = this.resolve({ $ref: "#/$defs/tone" }).enum || [];
    obj[key] ||= {};
    const rows = h("div.tones");
    const entries = Object.entries(obj[key]);
    const write = (pairs) => {
      const o = {};
      for (const [k, v] of pairs) if (k !== "") o[k] = v;
      obj[key] = o;
    };
    entries.forEach(([value, tone], i) => {
      const input = h("input", { value, "aria-label": `${label} value ${i + 1}`, placeholder: "value", dataset: { pointer: `${ptr}/${value}` } });
      const sel = h("select", { "aria-label": `${label} tone ${i + 1}` }, tones.map((t) => h("option", { value: t, selected: t === tone }, t)));
      const update = () => { entries[i] = [input.value, sel.value]; write(entries); this.onChange(false); };
      input.addEventListener("input", update);
      sel.addEventListener("change", update);
      const rm = h("button.small.icon", { type: "button", "aria-label": `Remove tone ${i + 1}` }, "✕");
      rm.addEventListener("click", () => { entries.splice(i, 1); write(entries); this.onChange(true); });
      rows.append(h("div.pair", null, input, sel, rm));
    });
    const add = h("button.small", { type: "button" }, "+ Add tone");
    add.addEventListener("click", () => { entries.push(["value", tones[0] || "neutral"]); write(entries); this.onChange(true); });
    return h("fieldset.group", { dataset: { pointer: ptr } }, h("legend", null, label), rows, add);
  }

  nestedSection(obj, key, ptr, label) {
    const sec = obj[key] || (obj[key] = this.skeleton("keyvalue"));
    const sel = h("select", { "aria-label": `${label} type`, dataset: { pointer: `${ptr}/type` } },
      this.sectionTypes().map((t) => h("option", { value: t, selected: t === sec.type }, SECTION_LABELS[t] || t)));
    sel.addEventListener("change", () => { obj[key] = this.skeleton(sel.value); this.onChange(true); });
    return h("fieldset.group.nested", { dataset: { pointer: ptr } }, h("legend", null, label + " (each element)"), sel, this.section(sec, ptr));
  }

  sections(obj, key, ptr, label) {
    obj[key] ||= [];
    const list = h("ol.nested-sections");
    obj[key].forEach((s, i) => {
      const rm = h("button.small.icon", { type: "button", "aria-label": `Remove nested section ${i + 1}` }, "✕");
      rm.addEventListener("click", () => { obj[key].splice(i, 1); this.onChange(true); });
      list.append(h("li", { draggable: "true", tabindex: "0" }, h("div.section-head", null, h("span.grip", { "aria-hidden": "true" }, "⠿"), h("strong", null, SECTION_LABELS[s.type] || s.type), rm), this.section(s, `${ptr}/${i}`)));
    });
    sortable(list, (from, to) => { obj[key] = move(obj[key], from, to); this.onChange(true); });
    const sel = h("select", { "aria-label": "Nested section type" }, this.sectionTypes().map((t) => h("option", { value: t }, SECTION_LABELS[t] || t)));
    const add = h("button.small", { type: "button" }, "+ Add");
    add.addEventListener("click", () => { obj[key].push(this.skeleton(sel.value)); this.onChange(true); });
    return h("fieldset.group.nested", { dataset: { pointer: ptr } }, h("legend", null, label), list, h("div.toolbar", null, sel, add));
  }
}

function field(id, label, input, description) {
  if (description) input.title = description;
  return h("div.field", null, h("label", { for: id }, label), input);
}

function rank(key, required) {
  if (key === "when") return 3;
  if (key === "item" || key === "items" || key === "columns" || key === "sections") return 2;
  return required.has(key) ? 0 : 1;
}

function labelOf(key) {
  if (key === "url") return "URL";
  const s = key.replaceAll("_", " ");
  return s[0].toUpperCase() + s.slice(1);
}

export { fill };
