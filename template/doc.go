// Package template turns an external API's JSON response into a
// validated, safe, UI-neutral node tree (cards, key-value lists, tables,
// badges, links, buttons) that any front end can draw: Vue, React,
// server-rendered HTML or a terminal (see the render sub-package).
//
//	tmpl, err := template.Parse(definition) // at save time: strict
//	if err != nil {
//		return err // a *ParseError listing every problem with a JSON pointer
//	}
//	out, err := tmpl.Render(responseBody, &template.RenderOptions{Location: agentZone})
//	if err != nil {
//		return err // ErrTooLarge, ErrTooDeep or ErrInvalidJSON: the response is unusable
//	}
//	// out.Nodes is the tree; out.Diagnostics says what rendered incompletely.
//
// A [Template] is immutable and safe for concurrent use by multiple
// goroutines; parse it once per integration version and render it for
// every profile load. The package keeps no global state and never
// touches gjson's global modifier table.
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
//     3.4M, 5.6B, 7.8T).
//   - currency: "currency" (an ISO 4217 code, any case, or a binding
//     string that yields one, such as "{{currency | upper}}"),
//     "precision" (default: the currency's minor units), "compact",
//     "minor_units" (amounts are in cents, as in Stripe). Amounts are
//     formatted from the JSON number's digits, never through float64:
//     12345678901234567.89 stays exact. Strings holding numbers are
//     accepted.
//   - percent: "precision", "scale" ("ratio", the default: 0.25 is 25%;
//     or "percent": 25 is 25%).
//   - date, datetime, relative ("3 days ago", "in 2 hours", from
//     RenderOptions.Now): values are RFC 3339 timestamps (with or without
//     fraction or 'T'; without a zone they are UTC), plain dates
//     (2024-01-15, never shifted between zones) or Unix times as numbers
//     or numeric strings; "unit" ("s" or "ms") forces the Unix unit,
//     otherwise values of 1e11 and more are milliseconds. Shown in
//     RenderOptions.Location.
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
// Text and display formats are fixed and locale-neutral ("$2,850.00",
// "Jan 15, 2024"); every [Value] also carries its raw JSON and its
// [Kind], so a front end may re-format it for the agent's locale.
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
// Parse problems: invalid_json, too_large, too_deep, too_many, too_long,
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
package template
