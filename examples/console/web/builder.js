// The visual template builder: palette, sections reordered by drag and drop, forms from the
// template JSON Schema, a raw JSON mode kept in sync, presets, suggest from sample, undo and
// redo, a live preview through the API with problems at their fields, and a fixture matrix.
import { api, APIError } from "./api.js";
import { h, fill, debounce, toast, sortable, move } from "./dom.js";
import { SchemaForms, SECTION_LABELS } from "./schemaform.js";
import { showProblems, clearProblems } from "./problems.js";

const DEFAULT_SAMPLE = {
  id: "12345", name: "Zoë O'Brien", email: "zoe@example.com", tier: "Gold", ltv: 2850,
  last_purchase_at: "2024-01-15T14:30:00Z", notes: "Prefers email.",
  orders: [{ id: "A-1003", total: 129.5, status: "pending" }, { id: "A-1002", total: 980, status: "shipped" }],
};

// templateBuilder edits the template that get() returns, writing each change with set(t).
// lastResponse() is the body of the editor's last live test run, or null.
export function templateBuilder({ get, set, lastResponse }) {
  let tmpl = structuredClone(get());
  let forms = null; // SchemaForms once the schema is loaded
  let undo = [];
  let redo = [];
  let last = JSON.stringify(tmpl);
  let mode = "visual";
  let matrixOn = false;
  let ctrl = null;
  let presets = [];

  const palette = h("div.palette", { role: "list", "aria-label": "Section types" });
  const sections = h("ol.sections", { id: "sections", "aria-label": "Sections of the template" });
  const json = h("textarea.json-mode", { id: "template-json", spellcheck: "false", "aria-label": "Template JSON", rows: "24" });
  const jsonError = h("p.field-problem.local", { hidden: true, role: "alert" });
  const visual = h("div.visual", null, sections);
  const raw = h("div.raw", { hidden: true }, json, jsonError);
  const sample = h("textarea.sample", { id: "sample", spellcheck: "false", "aria-label": "Sample response (JSON)", rows: "10", value: JSON.stringify(DEFAULT_SAMPLE, null, 2) });
  const sampleError = h("p.field-problem.local", { hidden: true });
  const preview = document.createElement("inboxkit-card");
  preview.id = "preview";
  preview.setAttribute("heading", "Preview");
  preview.setAttribute("show-diagnostics", "");
  const problemsBox = h("ul.problems", { id: "builder-problems", "aria-live": "polite" });
  const matrix = h("div.matrix", { id: "matrix", hidden: true });

  const undoBtn = h("button.small", { type: "button", id: "undo", title: "Undo (Ctrl+Z)" }, "↶ Undo");
  const redoBtn = h("button.small", { type: "button", id: "redo", title: "Redo (Ctrl+Shift+Z)" }, "↷ Redo");
  const modeBtn = h("button.small", { type: "button", id: "mode", "aria-pressed": "false" }, "{ } JSON");
  const presetSel = h("select", { id: "preset", "aria-label": "Start from a preset" }, h("option", { value: "" }, "Presets…"));
  const suggestBtn = h("button.small", { type: "button", id: "suggest" }, "Suggest from sample");
  const lastBtn = h("button.small", { type: "button", id: "use-last", title: "Preview against the response of the last live test run" }, "Use last test response");
  const matrixBtn = h("button.small", { type: "button", id: "matrix-toggle", "aria-pressed": "false" }, "Fixture matrix");

  const element = h("div.builder", null,
    h("div.toolbar.builder-bar", null, presetSel, suggestBtn, h("span.spacer"), undoBtn, redoBtn, modeBtn),
    h("div.builder-grid", null,
      h("aside.panel.palette-panel", null, h("h3", null, "Add a section"), h("p.hint", null, "Click, or drag into the list."), palette),
      h("section.panel.sections-panel", { "aria-label": "Sections" }, visual, raw),
      h("section.panel.preview-panel", { "aria-label": "Preview" },
        preview, problemsBox,
        h("div.toolbar", null, h("label", { for: "sample" }, "Sample response"), h("span.spacer"), lastBtn, matrixBtn),
        sample, sampleError)),
    matrix);

  // ---- model changes ----
  // commit records the current template in the history if it changed since the last entry.
  function commit() {
    const now = JSON.stringify(tmpl);
    if (now === last) return;
    undo.push(last);
    if (undo.length > 200) undo.shift();
    redo = [];
    last = now;
  }
  function changed(structural) {
    set(structuredClone(tmpl));
    commit();
    if (structural) drawSections();
    syncJSON();
    buttons();
    schedulePreview();
  }
  // typing in a field changes the model on every key; history records a pause in typing
  const coalesce = debounce(() => changed(false), 400);
  function edited(structural) {
    if (structural) changed(true);
    else {
      set(structuredClone(tmpl));
      syncJSON();
      schedulePreview();
      coalesce();
    }
  }

  function restore(s) {
    tmpl = JSON.parse(s);
    last = s;
    set(structuredClone(tmpl));
    drawSections();
    syncJSON();
    buttons();
    schedulePreview();
  }

  function doUndo() {
    commit(); // typing still waiting to be recorded counts as one step
    if (!undo.length) return;
    redo.push(JSON.stringify(tmpl));
    restore(undo.pop());
  }
  function doRedo() {
    if (JSON.stringify(tmpl) !== last) return; // an edit since the undo ends the redo chain
    if (!redo.length) return;
    undo.push(JSON.stringify(tmpl));
    restore(redo.pop());
  }

  function buttons() {
    undoBtn.disabled = undo.length === 0;
    redoBtn.disabled = redo.length === 0;
    lastBtn.disabled = !lastResponse();
  }

  function syncJSON() {
    if (document.activeElement !== json) json.value = JSON.stringify(tmpl, null, 2);
  }

  // ---- sections list ----
  function drawSections() {
    if (!forms) return;
    tmpl.sections ||= [];
    fill(sections, tmpl.sections.map((s, i) => {
      const rm = h("button.small.icon", { type: "button", "aria-label": `Remove section ${i + 1}`, title: "Remove" }, "✕");
      rm.addEventListener("click", () => { tmpl.sections.splice(i, 1); changed(true); });
      const body = forms.section(s, `/sections/${i}`);
      const toggle = h("button.small.icon", { type: "button", "aria-expanded": "true", "aria-label": `Collapse section ${i + 1}` }, "▾");
      toggle.addEventListener("click", () => {
        const open = body.hidden;
        body.hidden = !open;
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = open ? "▾" : "▸";
      });
      return h("li.section", { draggable: "true", tabindex: "0", dataset: { type: s.type, pointer: `/sections/${i}` }, "aria-label": `${SECTION_LABELS[s.type] || s.type} section ${i + 1}` },
        h("div.section-head", null, h("span.grip", { "aria-hidden": "true", title: "Drag to reorder" }, "⠿"), toggle,
          h("strong", null, SECTION_LABELS[s.type] || s.type), h("span.muted.small.summary", null, summary(s)), h("span.spacer"), rm),
        body);
    }));
    if (tmpl.sections.length === 0) sections.append(h("li.empty-drop", null, "Drop a section here, or pick a preset."));
  }

  sortable(sections, (from, to) => {
    tmpl.sections = move(tmpl.sections, from, to);
    changed(true);
    const moved = sections.children[to];
    if (moved) moved.focus();
  });
  // palette items dropped onto the list insert a section at the drop position
  sections.addEventListener("dragover", (e) => {
    if (e.dataTransfer && [...e.dataTransfer.types].includes("application/x-inboxkit-section")) e.preventDefault();
  });
  sections.addEventListener("drop", (e) => {
    const type = e.dataTransfer && e.dataTransfer.getData("application/x-inboxkit-section");
    if (!type || !forms) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    let t = e.target;
    while (t && t.parentElement !== sections) t = t.parentElement;
    const at = t && t.classList.contains("section") ? Array.prototype.indexOf.call(sections.children, t) : tmpl.sections.length;
    tmpl.sections.splice(at, 0, forms.skeleton(type));
    changed(true);
  }, true);

  function drawPalette() {
    fill(palette, forms.sectionTypes().map((t) => {
      const b = h("button.palette-item", { type: "button", role: "listitem", draggable: "true", id: "palette-" + t, dataset: { type: t } }, SECTION_LABELS[t] || t);
      b.addEventListener("click", () => { tmpl.sections.push(forms.skeleton(t)); changed(true); });
      b.addEventListener("dragstart", (e) => {
        e.dataTransfer.setData("application/x-inboxkit-section", t);
        e.dataTransfer.effectAllowed = "copy";
      });
      return b;
    }));
  }

  // ---- preview ----
  function sampleValue() {
    try {
      const v = JSON.parse(sample.value);
      sampleError.hidden = true;
      return v;
    } catch {
      sampleError.textContent = "The sample is not valid JSON.";
      sampleError.hidden = false;
      return undefined;
    }
  }

  const schedulePreview = debounce(runPreview, 300);
  async function runPreview() {
    const s = sampleValue();
    if (s === undefined) return;
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const signal = ctrl.signal;
    clearProblems(element);
    fill(problemsBox);
    try {
      // validate answers 200 with the problems, so an edit in progress is not an HTTP error
      const v = await api("POST", "/templates/validate", { template: tmpl }, signal);
      if (!v.valid) throw new APIError(422, { detail: "The template is invalid.", problems: v.problems });
      const res = await api("POST", "/templates/preview", { template: tmpl, sample: s }, signal);
      preview.removeAttribute("loading");
      preview.classList.remove("invalid");
      preview.output = res.output;
      if (matrixOn) runMatrix(s, signal);
    } catch (err) {
      if (err.name === "AbortError") return;
      preview.classList.add("invalid");
      const left = showProblems(visual, err.problems, "/template");
      for (const p of err.problems.length ? left : [{ path: "", message: err.message }]) {
        problemsBox.append(h("li", null, h("code", null, p.path || "/"), " ", p.message));
      }
      if (err.problems.length && !left.length) problemsBox.append(h("li", null, `${err.problems.length} problem${err.problems.length === 1 ? "" : "s"}: see the highlighted fields.`));
    }
  }

  // fixtures derives the matrix's samples from the current one.
  function fixtures(s) {
    const arrays = (v, f) => Array.isArray(v) ? f(v).map((x) => arrays(x, f))
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, arrays(x, f)])) : v;
    const sparse = (v) => Array.isArray(v) ? v.map(sparse)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter((_, i) => i % 2 === 0).map(([k, x]) => [k, sparse(x)])) : v;
    return [
      ["Empty response", {}],
      ["One item", arrays(s, (a) => a.slice(0, 1))],
      ["Many items", arrays(s, (a) => a.length ? Array.from({ length: 25 }, (_, i) => a[i % a.length]) : a)],
      ["Missing fields", sparse(s)],
    ];
  }

  async function runMatrix(s, signal) {
    const cells = fixtures(s);
    fill(matrix, cells.map(([name]) => {
      const c = document.createElement("inboxkit-card");
      c.setAttribute("heading", name);
      c.setAttribute("show-diagnostics", "");
      c.card = { status: "loading", name };
      return c;
    }));
    await Promise.all(cells.map(async ([name, data], i) => {
      const c = matrix.children[i];
      try {
        const res = await api("POST", "/templates/preview", { template: tmpl, sample: data }, signal);
        c.card = { status: "ok", name, output: res.output };
      } catch (err) {
        if (err.name !== "AbortError") c.card = { status: "error", name, error: { category: "", message: err.message } };
      }
    }));
  }

  // ---- toolbar ----
  undoBtn.addEventListener("click", doUndo);
  redoBtn.addEventListener("click", doRedo);
  element.addEventListener("keydown", (e) => {
    const inText = e.target.matches("input, textarea, select");
    if (inText || !(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
    e.preventDefault();
    if (e.shiftKey) doRedo();
    else doUndo();
  });
  modeBtn.addEventListener("click", () => {
    mode = mode === "visual" ? "json" : "visual";
    visual.hidden = mode !== "visual";
    raw.hidden = mode === "visual";
    modeBtn.setAttribute("aria-pressed", String(mode === "json"));
    modeBtn.textContent = mode === "json" ? "▦ Visual" : "{ } JSON";
    if (mode === "visual") drawSections();
    else syncJSON();
  });
  json.addEventListener("input", debounce(() => {
    let v;
    try {
      v = JSON.parse(json.value);
    } catch (err) {
      jsonError.textContent = "Not valid JSON: " + err.message;
      jsonError.hidden = false;
      return;
    }
    jsonError.hidden = true;
    if (!v || typeof v !== "object" || Array.isArray(v)) {
      jsonError.textContent = "A template is a JSON object.";
      jsonError.hidden = false;
      return;
    }
    tmpl = v;
    changed(false);
  }, 300));
  sample.addEventListener("input", schedulePreview);
  lastBtn.addEventListener("click", () => {
    const r = lastResponse();
    if (!r) return;
    try {
      sample.value = JSON.stringify(JSON.parse(r), null, 2);
    } catch {
      sample.value = r;
    }
    runPreview();
  });
  matrixBtn.addEventListener("click", () => {
    matrixOn = !matrixOn;
    matrix.hidden = !matrixOn;
    matrixBtn.setAttribute("aria-pressed", String(matrixOn));
    runPreview();
  });
  suggestBtn.addEventListener("click", async () => {
    const s = sampleValue();
    if (s === undefined) return;
    try {
      const res = await api("POST", "/templates/suggest", { sample: s });
      tmpl = res.template;
      changed(true);
      toast("Suggested a template from the sample.");
    } catch (err) {
      toast(err.message, "error");
    }
  });
  presetSel.addEventListener("change", () => {
    const p = presets.find((x) => x.name === presetSel.value);
    presetSel.value = "";
    if (!p) return;
    tmpl = structuredClone(p.template);
    sample.value = JSON.stringify(p.sample, null, 2);
    changed(true);
  });

  // ---- loading ----
  (async () => {
    try {
      const [schema, list] = await Promise.all([api("GET", "/schemas/template.json"), api("GET", "/templates/presets")]);
      presets = list.presets || [];
      for (const p of presets) presetSel.append(h("option", { value: p.name }, p.title || p.name));
      forms = new SchemaForms(schema, edited);
      drawPalette();
      drawSections();
      syncJSON();
      buttons();
      runPreview();
    } catch (err) {
      fill(element, h("div.error-box", { role: "alert" }, "The template builder could not load: " + err.message));
    }
  })();

  return {
    element,
    // reset starts over from get() (after loading or saving), with an empty history.
    reset() {
      tmpl = structuredClone(get());
      last = JSON.stringify(tmpl);
      undo = [];
      redo = [];
      drawSections();
      syncJSON();
      buttons();
      if (forms) runPreview();
    },
    // shown is called when the builder's tab opens (a live test may have run meanwhile).
    shown() {
      buttons();
    },
    close() {
      if (ctrl) ctrl.abort();
    },
  };
}

function summary(s) {
  const t = s.title || s.label || s.text || s.path || "";
  return typeof t === "string" ? t : "";
}
