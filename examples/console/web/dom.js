// Small DOM helpers. Text is always set as text (textContent), never parsed as markup.

// h creates an element: h("button.primary", {type: "button", onclick: f}, "Save", child).
// Attributes starting with "on" become event listeners; class names follow dots in tag.
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const e = document.createElement(name || "div");
  if (classes.length) e.className = classes.join(" ");
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(e.dataset, v);
      else if (k === "value" || k === "checked" || k === "selected" || k === "disabled" || k === "hidden") e[k] = v;
      else if (k === "class") e.className = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(e, c);
    else if (c instanceof Node) e.append(c);
    else e.append(document.createTextNode(String(c)));
  }
}

// clear empties an element and appends children.
export function fill(e, ...children) {
  e.replaceChildren();
  append(e, children);
  return e;
}

// debounce returns f delayed until ms have passed without another call.
export function debounce(f, ms) {
  let t = 0;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => f(...args), ms);
  };
}

// toast shows a short message at the bottom of the page.
export function toast(text, kind = "info") {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(box);
  }
  const t = h("div.toast." + kind, null, text);
  box.append(t);
  setTimeout(() => t.remove(), 4000);
}

// sortable makes the children of list reorderable by dragging (mouse) and by Alt+Arrow keys
// (keyboard). onmove(from, to) is called with the indexes after a move.
export function sortable(list, onmove) {
  let from = -1;
  const index = (el) => Array.prototype.indexOf.call(list.children, el);
  const item = (t) => {
    while (t && t.parentElement !== list) t = t.parentElement;
    return t;
  };
  list.addEventListener("dragstart", (e) => {
    const it = item(e.target);
    if (!it) return;
    from = index(it);
    it.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", String(from));
  });
  list.addEventListener("dragover", (e) => {
    if (from < 0) return;
    e.preventDefault();
    const it = item(e.target);
    for (const c of list.children) c.classList.toggle("drop-target", c === it);
  });
  list.addEventListener("dragend", () => {
    for (const c of list.children) c.classList.remove("dragging", "drop-target");
    from = -1;
  });
  list.addEventListener("drop", (e) => {
    e.preventDefault();
    const it = item(e.target);
    const to = it ? index(it) : list.children.length - 1;
    const f = from;
    from = -1;
    for (const c of list.children) c.classList.remove("dragging", "drop-target");
    if (f >= 0 && to >= 0 && f !== to) onmove(f, to);
  });
  list.addEventListener("keydown", (e) => {
    if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
    const it = item(e.target);
    if (!it) return;
    const f = index(it);
    const to = e.key === "ArrowUp" ? f - 1 : f + 1;
    if (to < 0 || to >= list.children.length) return;
    e.preventDefault();
    onmove(f, to);
  });
}

// move returns a copy of arr with the element at from moved to to.
export function move(arr, from, to) {
  const out = arr.slice();
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}
