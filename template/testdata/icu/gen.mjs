// Command gen.mjs writes the ICU oracle tables that TestICUNumbers and
// TestICUDates (template/icu_test.go) check the template package against:
// every row is a value, a field format as a template writes it, and the
// text ICU (Intl.NumberFormat / Intl.DateTimeFormat, en-US) gives for it.
//
// Run it by hand after changing the cases (Node 20 or later; Intl is built
// in, nothing to install) and review the diff like code:
//
//	cd template/testdata/icu && node gen.mjs
//
// CI only reads the committed tables. Intl formats decimal strings exactly
// (ECMA-402 NumberFormat v3), so amounts never pass through a double.
// The options mirror the library: rounding half away from zero (ICU's
// "halfExpand", also its default) and signDisplay "negative" (a value
// that rounds to zero has no minus sign: $0.00, not -$0.00).

import { readFileSync, writeFileSync } from "node:fs";

// A deterministic generator (mulberry32), so the tables only change when
// this script does.
let seed = 0x1ce9;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const digits = (n) => Array.from({ length: n }, () => String(Math.floor(rand() * 10))).join("");

// ---- Numbers ----

// Decimal values as JSON texts: numbers, and strings holding numbers.
const values = new Set();
const add = (v) => values.add(v);
for (const sign of ["", "-"]) {
  // Carries: every run of nines followed by a rounding digit, at every
  // position that precision 0-4, currency digits and compact can cut.
  for (const [i, f] of [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [1, 2], [1, 3], [2, 3], [3, 2], [3, 3], [4, 1], [5, 2], [6, 1], [7, 2], [9, 1], [12, 2], [13, 1]]) {
    for (const last of ["4", "5", "6"]) {
      const int = i === 0 ? "0" : "9".repeat(i);
      add(`${sign}${int}.${"9".repeat(f - 1)}${last}`);
    }
  }
  for (const v of ["0.949", "999.999", "9.99", "19.99", "99999.95", "999950", "999999.5", "0.5", "1.5", "2.5",
    "0.005", "0.0049", "0.0051", "1.005", "2.345", "1.0049999999", "0.045", "0.0005", "0.00005", "999.95", "999.96",
    "9999.5", "99999.5", "999999", "1000", "1234", "12345", "123456", "1234567.891", "1e3", "1E3", "1e+3", "125e-2",
    "2.5E-1", "1.5e3", "12345678901234567.89", "1e20", "9.999999e30", "123456789012345678901234567890.5",
    "1e-7", "5e-3", "4.9999e-3", "0.1", "0.25", "0.256", "12", "100", "0.999", "0.9995", "0.99995", "7", "42",
    "1e15", "5e15", "999999999999999.95", "1e18", "2850", "1234.5678", "0.01", "0.001", "10.5", "100.005"]) {
    add(sign + v);
  }
  for (let k = 0; k < 60; k++) {
    const int = pick(["0", digits(1), digits(2), digits(3), digits(4), digits(6), digits(9), digits(13)]).replace(/^0+(?=\d)/, "");
    add(`${sign}${int}.${digits(1 + Math.floor(rand() * 6))}`);
  }
}
for (const v of ["0", "-0", "-0.0", "0.000", "0e5", "-0e-5"]) add(v);
// Strings holding numbers: spaces around, a plus sign, leading zeros, a
// trailing or leading point, exponents.
for (const s of ["  19.99 ", "+5", "007.50", "5.", ".5", "-.5", "1e3", " -0.949", "-999.999", "12345.678", "0.0", "-0"]) {
  add(JSON.stringify(s));
}

// The string Intl formats for a value: a JSON string's content (Intl
// trims spaces as the library does), or the number's text.
const intlInput = (raw) => (raw.startsWith('"') ? JSON.parse(raw) : raw);

// Number of fraction digits a value has as written (for the default
// number format, which shows them all; Intl shows at most 20).
function fractionDigits(s) {
  s = s.trim().replace(/^[+-]/, "");
  let [m, e = "0"] = s.split(/[eE]/);
  const [, f = ""] = m.split(".");
  return Math.max(0, f.replace(/0+$/, "").length - Number(e));
}

// shift returns s times 10^k as an exact decimal string (for minor units).
const shift = (s, k) => {
  s = s.trim();
  const m = s.match(/^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/);
  return `${m[1]}${m[2] || "0"}${m[3] ? "." + m[3] : ""}e${Number(m[4] || 0) + k}`;
};

const base = { roundingMode: "halfExpand", signDisplay: "negative" };
const formats = [];
for (const currency of ["USD", "EUR", "JPY", "BHD", "KWD", "GBP", "CHF", "INR", "CAD", "XOF"]) {
  formats.push([{ type: "currency", currency }, { ...base, style: "currency", currency }]);
  formats.push([{ type: "currency", currency, compact: true }, { ...base, style: "currency", currency, notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 1 }]);
  formats.push([{ type: "currency", currency, minor_units: true }, { ...base, style: "currency", currency }, "minor"]);
}
for (const currency of ["USD", "JPY", "KWD", "EUR"]) {
  for (let p = 0; p <= 4; p++) {
    formats.push([{ type: "currency", currency, precision: p }, { ...base, style: "currency", currency, minimumFractionDigits: p, maximumFractionDigits: p }]);
  }
  formats.push([{ type: "currency", currency, compact: true, precision: 0 }, { ...base, style: "currency", currency, notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 0 }]);
  formats.push([{ type: "currency", currency, compact: true, precision: 2 }, { ...base, style: "currency", currency, notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 2 }]);
}
formats.push([{ type: "number" }, { ...base, maximumFractionDigits: 20 }, "exact"]);
for (let p = 0; p <= 4; p++) {
  formats.push([{ type: "number", precision: p }, { ...base, minimumFractionDigits: p, maximumFractionDigits: p }]);
}
for (const p of [undefined, 0, 2]) {
  formats.push([{ type: "number", compact: true, ...(p === undefined ? {} : { precision: p }) }, { ...base, notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: p ?? 1 }]);
}
formats.push([{ type: "percent" }, { ...base, style: "percent", minimumFractionDigits: 0, maximumFractionDigits: 2 }]);
for (let p = 0; p <= 4; p++) {
  formats.push([{ type: "percent", precision: p }, { ...base, style: "percent", minimumFractionDigits: p, maximumFractionDigits: p }]);
}
formats.push([{ type: "percent", scale: "percent" }, { ...base, style: "unit", unit: "percent", minimumFractionDigits: 0, maximumFractionDigits: 2 }]);
formats.push([{ type: "percent", scale: "percent", precision: 1 }, { ...base, style: "unit", unit: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }]);

// The examples go in every format; of the rest, a third each,
// so the table stays reviewable (about 9,000 rows).
const always = new Set(["-0.949", "-999.999", "-9.99", "19.99", "99999.95", "-0", "0", "999950", "-0.005", "0.005"]);
const numbers = [];
for (const [format, options, mode] of formats) {
  const nf = new Intl.NumberFormat("en-US", options);
  for (const value of values) {
    if (!always.has(value) && rand() >= 0.34) continue;
    let input = intlInput(value);
    if (mode === "exact" && fractionDigits(input) > 20) continue;
    if (mode === "minor") input = shift(input, -nf.resolvedOptions().maximumFractionDigits);
    numbers.push({ format, value, icu: nf.format(input) });
  }
}

// Every currency the library knows (read from its generated table),
// with ICU's default digits and en-US symbol.
const table = readFileSync("../../currency_table.go", "utf8");
for (const [, currency] of table.matchAll(/case "([A-Z]{3})":/g)) {
  const nf = new Intl.NumberFormat("en-US", { ...base, style: "currency", currency });
  for (const value of ["-1234.5678", "0.5"]) {
    numbers.push({ format: { type: "currency", currency }, value, icu: nf.format(value) });
  }
}

// ---- Dates ----

const zones = ["UTC", "America/New_York", "America/Sao_Paulo"];
const dateOptions = { year: "numeric", month: "short", day: "numeric" };
const dateTimeOptions = { ...dateOptions, hour: "numeric", minute: "2-digit", timeZoneName: "short" };

// instant returns the milliseconds since the epoch the library reads from
// a value, by its documented rules, or null for a plain date (shown as
// written, never shifted between zones).
function instant(raw, unit) {
  const v = intlInput(raw);
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v.trim())) return null;
  const m = typeof v === "string" && v.trim().match(/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|([+-])(\d{2}):(\d{2}))?$/);
  if (m) {
    const d = new Date(0);
    d.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
    d.setUTCHours(+m[4], +m[5], +m[6], +((m[7] || "0") + "00").slice(0, 3));
    const offset = m[9] ? (m[9] === "-" ? -1 : 1) * (+m[10] * 60 + +m[11]) : 0;
    return d.getTime() - offset * 60000;
  }
  // Unix seconds or milliseconds: exact decimal arithmetic, rounded half
  // away from zero to a millisecond.
  const n = v.trim().match(/^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/);
  let mant = BigInt((n[2] || "0") + n[3]);
  let exp = Number(n[4] || 0) - n[3].length;
  const magnitude = n[2].replace(/^0+/, "").length + Number(n[4] || 0);
  const ms = unit === "ms" || (unit === undefined && magnitude >= 12);
  if (!ms) exp += 3;
  if (exp >= 0) mant *= 10n ** BigInt(exp);
  else {
    const p = 10n ** BigInt(-exp);
    mant = (mant + p / 2n) / p;
  }
  return Number(n[1] === "-" ? -mant : mant);
}

const dateValues = [];
const iso = (s) => dateValues.push([JSON.stringify(s)]);
for (const s of ["2024-01-15T14:30:00Z", "2024-01-15t14:30:00z", "2024-01-15 14:30:00", "2024-01-15T14:30:00",
  "2024-07-04T00:00:00Z", "2024-07-04T12:00:00Z", "2024-07-04T11:59:59.999Z", "2024-07-04T23:59:59Z",
  "2024-03-10T06:59:59Z", "2024-03-10T07:00:00Z", "2024-11-03T05:59:59Z", "2024-11-03T06:00:00Z",
  "2024-02-29T12:00:00+05:30", "2024-12-31T23:30:00-02:00", "2025-01-01T00:00:00+14:00", "2024-06-30T23:00:00-12:00",
  "2024-01-15T10:00:00.123456789Z", "2024-01-15T10:00:00.5+01:00", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
  "2000-02-29T09:05:00Z", "1999-12-31T23:59:59-05:00", "2038-01-19T03:14:08Z", "1900-01-01T12:00:00Z",
  "0001-01-02T00:00:00Z", "0099-03-01T12:00:00Z", "0999-12-31T12:00:00Z", "1000-01-01T12:00:00Z",
  "1582-10-10T12:00:00Z", "9999-12-30T12:00:00Z", "2024-01-15", "2024-02-29", "0001-01-01", "0042-05-01",
  "9999-12-31", "1999-12-31"]) {
  iso(s);
}
for (let k = 0; k < 120; k++) {
  const y = 1901 + Math.floor(rand() * 200), mo = 1 + Math.floor(rand() * 12), d = 1 + Math.floor(rand() * 28);
  const h = Math.floor(rand() * 24), mi = Math.floor(rand() * 60), s = Math.floor(rand() * 60);
  const p2 = (n) => String(n).padStart(2, "0");
  const zone = pick(["Z", "", "+01:00", "-05:00", "+09:30", "-03:00"]);
  iso(`${String(y).padStart(4, "0")}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}${zone}`);
}
// Unix seconds and milliseconds, as numbers and numeric strings.
for (const v of ["1705329000", "1705329000000", "0", "-1", "-86400", "1705329000.5", "1705328999.9995", "99999999999",
  "100000000000", "-100000000000", "253402300799", "1e9", "1.7e9", "-62135596800"]) {
  dateValues.push([v]);
  dateValues.push([JSON.stringify(v)]);
}
for (const v of ["1705329000", "1705329000123", "86400000"]) {
  dateValues.push([v, "s"], [v, "ms"]);
}
for (let k = 0; k < 60; k++) {
  const sec = Math.floor(rand() * 4e9) - 1e9;
  dateValues.push([String(sec)], [String(sec * 1000 + Math.floor(rand() * 1000))]);
}

const dates = [];
for (const zone of zones) {
  for (const type of ["date", "datetime"]) {
    const df = new Intl.DateTimeFormat("en-US", { ...(type === "date" ? dateOptions : dateTimeOptions), timeZone: zone });
    const era = new Intl.DateTimeFormat("en-US", { year: "numeric", era: "short", timeZone: zone });
    for (const [value, unit] of dateValues) {
      const format = unit ? { type, unit } : { type };
      const t = instant(value, unit);
      let icu;
      if (t === null) {
        // A plain date: the calendar day as written, in any zone.
        const [y, mo, d] = intlInput(value).trim().split("-").map(Number);
        const day = new Date(0);
        day.setUTCFullYear(y, mo - 1, d);
        icu = new Intl.DateTimeFormat("en-US", { ...dateOptions, timeZone: "UTC" }).format(day);
      } else {
        // The library refuses years outside 1-9999 in the zone shown.
        const parts = era.formatToParts(t);
        const year = +parts.find((p) => p.type === "year").value;
        if (parts.find((p) => p.type === "era").value !== "AD" || year > 9999) continue;
        icu = df.format(t);
      }
      dates.push({ zone, format, value, icu });
    }
  }
}

const write = (name, rows) => {
  writeFileSync(name, "[\n" + rows.map((r) => JSON.stringify(r)).join(",\n") + "\n]\n");
  console.log(`${name}: ${rows.length} rows`);
};
console.log(`Node ${process.version}, ICU ${process.versions.icu}, CLDR ${process.versions.cldr}`);
write("numbers.json", numbers);
write("dates.json", dates);
writeFileSync("VERSION", `Node ${process.version}, ICU ${process.versions.icu}, CLDR ${process.versions.cldr}\n`);
