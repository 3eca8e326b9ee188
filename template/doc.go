// Package template turns an external API's JSON response into a
// validated, safe, UI-neutral node tree (cards, key-value lists, tables,
// badges, links, buttons) that any front end can draw: Vue, React,
// server-rendered HTML or a terminal (see the render sub-package).
//
// The task: an admin saved a display template for an integration; show
// an agent the upstream's response through it.
//
//	tmpl, err := template.Parse(definition) // at save time: strict
//	if err != nil {
//		return err // a *ParseError listing every Problem with its JSON pointer
//	}
//	out, err := tmpl.Render(responseBody, &template.RenderOptions{Location: agentZone})
//	if err != nil {
//		return err // ErrTooLarge, ErrTooDeep or ErrInvalidJSON: the response is unusable
//	}
//	// out.Nodes is the tree; out.Diagnostics says what rendered incompletely.
//
// A [Template] is immutable and safe for concurrent use by multiple
// goroutines; parse it once per integration version and render it for
// every profile load.
//
// # The definition format
//
// A definition is a JSON document, {"version": 1, "sections": [...]}, of
// at most [MaxDefinitionBytes]. [Schema] returns its JSON Schema. Every
// section is an object with a "type" and an optional "when" condition:
//
//   - card: "title", "sections" (nested sections).
//   - keyvalue: "title", "items" (fields).
//   - table: "title", "path" (an array), "columns" (fields, evaluated per
//     row), "limit" (default [DefaultLimit], at most [MaxLimit]), "empty"
//     (text shown when the array is empty).
//   - repeat: "title", "path", "item" (one section rendered per element),
//     "limit", "empty". The node carries Shown and Total ("3 of 12 shown").
//   - text: "text", "style" (normal, muted or heading). Keeps line breaks.
//   - divider, or its synonym separator.
//   - link: "url", "label" (defaults to the URL).
//   - button: "label", "url", "style" (primary, secondary (default) or link).
//   - badge: "label", "value", "tones", "default_tone".
//   - image: "url" (https only), "alt" (required), "width", "height".
//
// A field is {"label", "value", "format", "when"}. Its format is a type
// name or an object with a "type":
//
//   - text (default): the value as written; objects and arrays as JSON.
//   - number: "precision" (0-10; default: as written), "compact" (1.2K,
//     3.4M, 5.6B, 7.8T; "precision" fraction digits, default 1).
//   - currency: "currency" (an ISO 4217 code, any case, or a binding
//     string that yields one, such as "{{currency | upper}}"),
//     "precision" (default: the currency's digits as ICU shows them: 2
//     for USD, 0 for JPY, 3 for KWD), "compact", "minor_units" (amounts
//     are in the ISO 4217 minor unit, as in Stripe: cents, fils). Amounts
//     are formatted from the JSON number's digits, never through float64:
//     12345678901234567.89 stays exact. Strings holding numbers are
//     accepted ("  19.99 ", "+5", "1e3", "5.").
//   - percent: "precision" (default: at most 2 fraction digits), "scale"
//     ("ratio", the default: 0.25 is 25%; or "percent": 25 is 25%).
//   - date ("Jan 15, 2024"), datetime ("Jan 15, 2024, 9:30 AM EST"),
//     relative ("3 days ago", "in 2 hours", from RenderOptions.Now):
//     values are RFC 3339 timestamps (with or without fraction; 'T' or a
//     space, 'Z' or 'z' or an offset up to ±23:59, also in ISO 8601's
//     basic form +0000 as Salesforce writes it; without a zone they
//     are UTC), plain dates (2024-01-15, never shifted between zones) or
//     Unix times as numbers or numeric strings; "unit" ("s" or "ms")
//     forces the Unix unit, otherwise values of 1e11 and more are
//     milliseconds. Shown in RenderOptions.Location; years 1-9999.
//   - duration: a number in "unit" (ms, s (default), m, h, d) or a Go
//     duration string, shown as its two largest units ("1h 30m").
//   - boolean: "true" and "false" labels (default Yes and No); accepts
//     true/false, 1/0 and the strings true/false/yes/no/1/0.
//   - badge: "tones" maps values to success, warning, danger, info or
//     neutral (exact match first, then case-insensitive); other values get
//     "default_tone" (default neutral).
//   - link: the value is a URL (checked, see Safety); "label" is an
//     optional text binding.
//   - email (mailto: link for a plain address), phone (tel: link with the
//     digits and a leading +).
//
// Numbers, money and dates read as ICU's en-US formats ("$2,850.00",
// "-€1.50", "KWD 1.235", "Jan 15, 2024"; see Decisions); every [Value]
// also carries its raw JSON and its [Kind], so a front end may re-format
// it for the agent's locale.
//
// # Bindings and paths
//
// Strings may contain bindings in the project's placeholder syntax,
// parsed by the variables package: {{customer.name}}, {{orders.#}},
// {{ name | upper }}, {{"{{"}} for a literal "{{". A string that is
// exactly one binding without filters keeps the value's JSON type (for
// formats and Raw); any other string is text. A binding's name is a path:
//
//   - a gjson path relative to the current scope: keys separated by dots,
//     array indexes (items.0.sku), '#' (orders.# counts, orders.#.id maps),
//     and '\' escaping a special character inside a key (first\.name);
//   - $root or $root.path: the whole response, from anywhere;
//   - $this or $this.path: the current scope itself (an array element in
//     a repeat, for arrays of scalars);
//   - $index (0-based) and $number (1-based): the position of the current
//     element inside a table or repeat, refused elsewhere.
//
// Paths are checked at parse time against this allow-list: at most 256
// bytes and 32 segments; no wildcards (* ?), no queries (#(...)), no
// modifiers (@...), no pipes or multipaths, no other '$' names. Paths
// in "path" keys of tables, repeats and conditions are written without
// braces. A missing value renders empty with a "missing_value"
// diagnostic, never as the literal placeholder; a name whose every
// placeholder in the string has a default filter ({{nick | default:"friend"}})
// gets no diagnostic, as the variables package decides it.
//
// # Formatting filters
//
// Besides package variables' built-in filters, every binding may format
// its value with the filters [Filters] lists, which write exactly what the
// field format of the same meaning writes (the same code, checked against
// the ICU tables by TestFiltersICU), so a title, a text section, a label
// or a one-line summary can show formatted values:
//
//   - currency:"USD" (an ISO 4217 code, any case, checked at parse time):
//     "Order {{id}} — {{total | currency:"USD"}}" is "Order 1001 — $42.00";
//   - currency_minor:"USD": amounts in the minor unit, {{4200 | ...}} is
//     "$42.00";
//   - number and number:"2" (fraction digits, 0-10): "1,234.50";
//   - percent and percent:"1": a ratio, 0.256 is "25.6%";
//   - date ("Jan 15, 2024") and datetime ("Jan 15, 2024, 2:30 PM UTC"),
//     in RenderOptions.Location; a plain date is never shifted.
//
// An empty or missing value stays empty, so a default filter may follow
// ({{total | currency:"USD" | default:"-"}}). A value the filter cannot
// read is kept as written, with the format's diagnostic (invalid_number,
// invalid_date), and cleaned like any text.
//
// # Conditions
//
// "when" is {"path", "op", "value"} or {"all": [...]}, {"any": [...]},
// {"not": {...}} (nested at most 8 deep). Ops: exists, empty (missing,
// null, "", [] or {}), truthy (exists and not false, 0, null, "", [] or
// {}), eq, ne, gt, gte, lt, lte (numbers compare exactly, also against
// numeric strings; strings compare lexically), in (a list of at most 100
// values), contains (substring, or element of an array), starts_with,
// ends_with, matches (a Go regular expression of at most 256 bytes,
// compiled at parse time, run on at most 4096 bytes of the value).
// When the path is missing, empty and ne are true and every other op is
// false. A condition that fails hides its section or field; on a table
// column it is evaluated per row and empties that cell.
// [ParseCondition] compiles a condition on its own, for a caller that
// decides something else with the same language ([Condition.Match]).
//
// # Safety
//
// The tree carries text, never HTML. Display text has C0 and C1 control
// characters (except line breaks and tabs in text sections), DEL,
// bidirectional embeddings, overrides, isolates and marks, line and
// paragraph separators, byte order marks and invisible characters (the
// zero-width space, word joiner, invisible operators, deprecated format
// controls, interlinear annotation controls and the tag characters
// U+E0000-U+E007F) removed; the zero-width joiner and non-joiner stay,
// as scripts and emoji need them. Invalid UTF-8 becomes U+FFFD; text
// longer than the limit is cut with "…".
//
// Every URL that reaches an Href (links, buttons, images, link, email and
// phone values) is absolute with an allowed scheme (http, https, mailto,
// tel; https only for images), at most 2048 bytes, without spaces,
// control, invisible formatting or bidi characters, backslashes, user
// information, malformed hosts, ports or escapes, or any of " < > `.
// Internationalized hosts may use non-ASCII letters, marks and digits,
// never non-ASCII punctuation (a fullwidth '/' or '@'). A tel: URL holds
// only phone number characters; a mailto: URL no escaped control
// character outside its body field (an escaped CR or LF could add a mail
// header). javascript:, data:, vbscript:, protocol-relative and
// relative URLs in any spelling are dropped with an "unsafe_url"
// diagnostic (the node is omitted; a link value renders empty).
//
// A binding may not supply the scheme or host of a URL template: the
// literal text must fix them ("https://crm.example.com/c/{{id}}"), and
// bindings in the path and query are escaped by the variables package's
// URL target, so a value cannot change the URL's structure. Otherwise a
// URL must be exactly one binding ("{{website}}"): the whole URL then
// comes from the data and is validated at render time like any other.
//
// # Limits
//
// Render rejects data larger than RenderOptions.MaxInputBytes (ErrTooLarge)
// and data nesting deeper than MaxDepth (ErrTooDeep). Depth is checked by
// an iterative validator before gjson, which recurses, reads the bytes:
// millions of nested brackets cost one linear scan, never the stack.
// MaxNodes bounds rendered nodes and values, MaxRepeatItems the rows of
// each table or repeat, MaxTextLength every text; each has a default and
// a hard cap (the Default* and Cap* constants). At most [MaxDiagnostics]
// diagnostics are kept, each with a Count of its occurrences.
//
// The work of a render is bounded too: every path lookup is charged the
// size of the JSON it searches, every table or repeat the size of its
// array, every value shown and every condition operand its size (and
// every condition evaluated a small fixed cost), against a
// budget of 64 times the data's size (data under 64 KiB counts as
// 64 KiB). Ordinary templates use a small fraction of it; a template
// whose lookups re-read one large value per row (a repeat over $root.big
// inside another repeat, or $root lookups when the response repeats a
// top-level key, which turns off the top-level index, or one huge value
// shown in every row) stops there with a "work_limit" diagnostic instead
// of scanning the response once per node.
//
// # Output encoding
//
// [Output] encodes as {"version": 1, "nodes": [...], "diagnostics": [...]}.
// A node is {"type", "title", "text", "style", "href", "width", "height",
// "value", "items", "columns", "rows", "children", "shown", "total"} with
// zero fields other than "type" omitted; a value is {"text", "raw",
// "kind", "tone", "href", "currency"}, always with "text" and "kind".
// "diagnostics" is omitted when there are none. [OutputVersion] changes
// only when an existing front end could misread the encoding. Golden
// files in testdata pin it.
//
// # Problem and diagnostic codes
//
// A [Problem] is the module's one shape of an input problem
// ([variables.Problem]): {"path", "code", "message"}, the path a JSON
// pointer into the definition. Parse problems: invalid_json, too_large, too_deep, too_many, too_long,
// invalid_type, missing_field, unexpected_field, unknown_key,
// duplicate_key, unsupported_version, unknown_section_type,
// unknown_format, unknown_op, invalid_value, out_of_range,
// invalid_binding, invalid_path, unsafe_url, invalid_currency,
// invalid_tone, invalid_regexp.
//
// Render diagnostics: missing_value, not_array, unsafe_url,
// invalid_number, invalid_currency, invalid_date, invalid_duration,
// invalid_boolean, invalid_email, invalid_phone, expand_failed,
// text_truncated, repeat_truncated, node_limit, work_limit,
// diagnostics_truncated.
// Their pointers name the template element (for example
// /sections/1/columns/2/value), not the data.
//
// # Presets, suggestions and the schema
//
// [Presets] returns ready templates with sample data (customer profile,
// order history, subscription and billing, support tickets). [Suggest]
// proposes a template for a sample response. [Schema] returns the JSON
// Schema of the definition format for visual editors.
//
// # Decisions
//
// Formats follow ICU, proven rather than assumed: testdata/icu holds
// about 9,500 number and 1,800 date cases with the text Node's
// Intl.NumberFormat and Intl.DateTimeFormat (en-US) give for them, and
// TestICUNumbers and TestICUDates assert agreement on every row
// (testdata/icu/gen.mjs writes the tables; run it by hand with node).
// Rounding is half away from zero on the exact decimal (ICU's
// "halfExpand", its default), done once: -0.949 USD is -$0.95, 99,999.95
// compact is $100K. The differences from ICU are deliberate, and
// TestICUDeviations pins each:
//
//   - A value that rounds to zero has no minus sign (-0.001 USD is
//     $0.00, -0 is 0): ICU's default signDisplay "auto" writes -$0.00,
//     which reads as a debt of nothing. The oracle uses signDisplay
//     "negative", which matches.
//   - Compact notation has fixed fraction digits (default 1: 12.3K);
//     ICU's default is two significant digits (12K). The oracle sets
//     maximumFractionDigits as the template does.
//   - A currency code the library does not know is shown as a plain
//     number with an invalid_currency diagnostic (and refused at parse
//     time when literal), where ICU prints any three letters ("ABC 1.00"):
//     a typo should be caught, not displayed.
//   - Strings that JavaScript reads as numbers but JSON data does not
//     mean as amounts ("0x1F", "0b1", "Infinity", or spaces, which are 0
//     to JavaScript) are not numbers: shown as text with an
//     invalid_number diagnostic. So are numbers beyond 1,000 significant
//     digits or an exponent of ±1,000.
//   - The number format without precision shows every digit as written;
//     Intl shows at most 20 fraction digits, so the tables test only
//     values within that.
//   - Years outside 1-9999 in the zone shown are refused (invalid_date,
//     shown as written); ICU writes the year 0 as "1" (1 BC, with no era).
//   - Zone names are the tz database's abbreviations (EST, EDT, UTC, but
//     also CET, IST, JST), where ICU's en-US writes an offset ("GMT+1")
//     for zones without a US English name, and for New York before 1970
//     ("GMT-5"; TestICUDates counts these rows as documented). Numeric
//     abbreviations and local mean time are written as ICU writes them
//     ("GMT-3", "GMT-4:56:02").
//   - Relative times and durations have no ICU counterpart in this form
//     and are not in the tables.
//
// Currency codes, display digits and en-US symbols come from
// golang.org/x/text/currency (CLDR), generated into currency_table.go by
// TestCurrencyTable with -update. x/text carries CLDR 32 (2017); the few
// codes, digits and symbols CLDR has changed since are corrected in
// currency_table_test.go and checked against ICU like every other
// currency. A code is followed by a no-break space, as in ICU
// ("CHF 1.00" with U+00A0). Minor units for "minor_units" are ISO
// 4217's, which CLDR does not carry: they differ from the digits shown
// for a few currencies (HUF 2 against 0, IQD 3 against 0).
//
// The package keeps no global state and never touches gjson's global
// modifier table. The nesting-depth check is a validator of its own
// (iterative, one pass that also replaces gjson.ValidBytes), because
// gjson recurses; the same pass indexes the top-level keys of an object
// response, so the bytes are read once before rendering starts.
//
// Render copies its input once (31 KB for the 200-row fixture, ~3% of
// BenchmarkRenderFixture): the strings of the Output (Raw, and texts
// that needed no cleaning) point into that copy, so a caller may reuse
// its buffer as soon as Render returns. Rendering from an unsafe view of
// the caller's bytes instead was measured at most ~5% faster before
// paying for what the copy buys: every retained string (Raw, texts,
// URLs) would then need a copy of its own, which for a table showing
// most of its data is the same bytes in a thousand small copies. A caller that keeps outputs for
// reuse hands each reader its own [Output.Clone] (one allocation per kind
// of element); [Template.UsesNow] says whether an output depends on the
// clock.
package template
