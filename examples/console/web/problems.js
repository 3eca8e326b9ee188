// Field problems (RFC 6901 pointers) shown next to the form fields that caused them. A
// field declares its pointer in data-pointer; a problem below a pointer shows at the
// nearest field that declares a prefix of it.

export function clearProblems(root) {
  for (const e of root.querySelectorAll(".field-problem")) e.remove();
  for (const e of root.querySelectorAll("[aria-invalid]")) {
    e.removeAttribute("aria-invalid");
    e.removeAttribute("aria-describedby");
  }
}

// showProblems shows each problem whose path starts with prefix at its field in root; it
// returns the problems that found no field.
export function showProblems(root, problems, prefix) {
  const left = [];
  const fields = [...root.querySelectorAll("[data-pointer]")];
  let n = 0;
  for (const p of problems || []) {
    const path = p.path || "";
    if (!path.startsWith(prefix)) continue;
    const rel = path.slice(prefix.length);
    let best = null;
    for (const f of fields) {
      const ptr = f.dataset.pointer;
      if ((rel === ptr || rel.startsWith(ptr + "/")) && (!best || ptr.length > best.dataset.pointer.length)) best = f;
    }
    if (!best) {
      left.push(p);
      continue;
    }
    const id = `problem-${Date.now()}-${n++}`;
    const msg = document.createElement("p");
    msg.className = "field-problem";
    msg.id = id;
    msg.textContent = p.message;
    msg.dataset.code = p.code || "";
    best.setAttribute("aria-invalid", "true");
    best.setAttribute("aria-describedby", id);
    if (best.matches("li, fieldset")) best.append(msg);
    else best.after(msg);
  }
  return left;
}
