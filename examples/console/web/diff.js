// A line diff (longest common subsequence) drawn as a <pre> of +/- lines.
import { h } from "./dom.js";

// diffLines returns [op, line] pairs, op one of " ", "-", "+".
export function diffLines(a, b) {
  const x = a ? a.split("\n") : [];
  const y = b ? b.split("\n") : [];
  if (x.length * y.length > 4e6) return [...x.map((l) => ["-", l]), ...y.map((l) => ["+", l])];
  const n = x.length, m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push([" ", x[i]]); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push(["-", x[i++]]);
    else out.push(["+", y[j++]]);
  }
  while (i < n) out.push(["-", x[i++]]);
  while (j < m) out.push(["+", y[j++]]);
  return out;
}

// lineDiff draws the changes with three lines of context around each.
export function lineDiff(a, b) {
  const d = diffLines(a, b);
  const keep = d.map(([op], i) => op !== " " || d.slice(Math.max(0, i - 3), i + 4).some(([o]) => o !== " "));
  const pre = h("pre.diff", { id: "template-diff", tabindex: "0", "aria-label": "Differences" });
  let skipped = false;
  d.forEach(([op, line], i) => {
    if (!keep[i]) {
      if (!skipped) pre.append(h("span.skip", null, "  …\n"));
      skipped = true;
      return;
    }
    skipped = false;
    pre.append(h("span." + (op === "+" ? "add" : op === "-" ? "del" : "ctx"), null, `${op} ${line}\n`));
  });
  if (!d.some(([op]) => op !== " ")) pre.append(h("span.ctx", null, "No changes.\n"));
  return pre;
}
