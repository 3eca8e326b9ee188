// Package variables is inboxkit's placeholder language: {{ path | filter:"arg" }} templates that
// are compiled once and expanded many times, with the escaping of each value chosen by the
// placeholder's position, never by the template's author.
//
// Admins write templates; contact data fills them, and contact data is hostile. Whatever a value
// contains, an expanded URL keeps the template's scheme, host and path structure, a header value
// stays one header line, and a JSON body stays valid JSON with the template's keys.
//
//	t, err := variables.Compile(
//		"https://crm.example.com/v1/contacts/{{contact.id}}?email={{contact.email}}",
//		variables.URL, &variables.Options{Prefixes: []string{"contact."}, Strict: true})
//	if err != nil {
//		return err // a *SyntaxError with the byte offset of the problem
//	}
//	u, err := t.Expand(variables.Map{"contact.id": "c/1", "contact.email": "zoe+1@example.com"})
//	// u == "https://crm.example.com/v1/contacts/c%2F1?email=zoe%2B1%40example.com"
//
// # Syntax
//
// A placeholder is {{ name }} or {{ name | filter | filter:"arg" }}; spaces inside the braces are
// allowed. A name is a run of characters other than white space, '{', '}', '|' and '"', so gjson
// paths such as orders.#, $root.meta.count and items.0.sku are names; names are case-sensitive.
// A filter argument is a double-quoted string (escapes \" \\ \n \t \r) or a bare word
// (truncate:10). {{"text"}} writes text literally; {{"{{"}} is how to write a literal "{{".
// A lone "{" or "}}" outside a placeholder is literal text.
//
// # Targets
//
//   - [Text]: no escaping (message composition, display bindings).
//   - [URL]: a whole URL. A placeholder in the path or the fragment is escaped like
//     url.PathEscape, so "a/b" stays one segment and "?" or "#" cannot start a query or fragment;
//     a placeholder in the query is escaped like url.QueryEscape. A placeholder in the scheme,
//     userinfo, host or port, or in the first segment of a relative URL (where a ':' could make a
//     scheme), is a compile error wrapping [ErrPlacement] unless
//     [Options].AllowHostPlaceholders is set; such values are then query-escaped. A path segment
//     whose values make it, or a piece of it, "." or ".." is an expansion error wrapping
//     [ErrDotSegment]. Pieces are what a server may read after decoding: the segment split at
//     '/' and '\' (a value writes them as %2F and %5C, but nginx, IIS and others decode them
//     before they resolve dot segments; the template's own %2F and %5C count too), with %2e in
//     the template read as '.', each piece cut at its first ';' (Tomcat strips path parameters
//     before resolving). Only pieces a placeholder touches count. So the values "../../admin",
//     "a\.." and "..;x" in "/{{id}}/", or "." in "/.{{id}}/" and "/%2e{{id}}/", are refused,
//     while "a/b" and "..." are not. In a URL without a host, a first path segment
//     made only of placeholders that all expand empty ("/{{a}}/b" becoming "//b", where b would
//     be a host) is an error wrapping [ErrEmptySegment]; with a host, an empty value leaves an
//     empty segment ("/customers/{{id}}" becoming "/customers/", often the list of every
//     customer), so a caller treats the names of [Template.SegmentNames] as required.
//     Fragment placeholders are path-escaped
//     too: a fragment is not form-decoded, so a space must be %20 rather than the query's '+'.
//     The template, with each placeholder replaced by a dummy, must parse with net/url.
//   - [Query]: the whole template is one query parameter value and the whole result is
//     query-escaped, literal text included; it is ready to follow "name=" and must not be escaped
//     again.
//   - [Header]: one header value, not escaped. A value containing CR, LF, NUL or any other ASCII
//     control character except horizontal tab (or DEL) is an expansion error wrapping
//     [ErrInvalidHeaderValue]; such characters in the literal text are a compile error.
//   - [JSON]: a JSON document. A placeholder must stand inside a string literal that is not an
//     object key, or alone where a value is expected; the template with placeholders replaced by
//     a dummy must be valid JSON, in UTF-8, in which no object repeats a key (parsers disagree on
//     which of two equal keys wins). Inside a string, a value is escaped like encoding/json
//     without HTML escaping: quotes, backslashes and control characters escaped, U+2028 and
//     U+2029 written as \u2028 and \u2029, invalid UTF-8 replaced by \ufffd. Standing alone, a
//     value is always written as a JSON string: "42" stays the string "42" (a zip code or phone
//     number must not lose its leading zeros or plus sign because of what a contact typed), and a
//     missing value is "". The result is always valid JSON with the template's keys.
//
// # Names
//
// [Options].Names and [Options].Prefixes say which names exist (both empty: any name);
// [Options].HeaderOnly restricts name prefixes such as "secret." to Header templates; and
// [Options].Validate adds a check of its own. An unknown name is a compile error that lists the
// known names and prefixes. [Template.Names] lists the names a template references, so a caller
// can check required variables before sending anything, and [Template.SegmentNames] those of a
// URL template that make up a whole path segment on their own, which are required by nature.
//
// # Filters
//
// Filters run left to right before escaping: default:"x" (the value, or x when the value is
// empty or missing), lower, upper, trim (Unicode white space), truncate:N (the first N runes, no
// ellipsis), sha256 (lower-case hex of the bytes), base64 (standard encoding with padding) and
// quote or quote:"'" (a string literal of a search language such as Stripe's search, SOQL or
// Zendesk's: the value between double or single quotes with backslashes and that quote escaped
// by a backslash, so email:{{contact.email | quote:"'"}} stays one term whatever the email
// holds; a value with a control character is an error) and phrase (the value between double
// quotes for a language that documents no escape inside a phrase, such as Zendesk's search; a
// value with a double quote, a backslash or a control character is an error).
// An unknown filter or a bad argument is a compile error. [Options].Filters adds custom [Filter]
// values for one compilation; there is no global registry. A custom filter's ApplyWith also
// receives the expansion's [Resolver], so a caller whose resolver carries per-expansion context
// (package template's time zone) can hand it to its filters without any shared state.
//
// # Missing values and errors
//
// By default a missing value expands as "". With [Options].Strict it is an error wrapping
// [ErrUndefined]; a placeholder with a default filter is never missing. Compile errors in a
// template are [*SyntaxError] values with a byte offset; expansion errors are [*ValueError]
// values naming the variable. No error text contains a value. Nothing in this package panics on
// any input. [SyntaxError.Problem] turns a compile error into a [Problem], the one shape in
// which every package of the module reports input problems (an RFC 6901 JSON pointer, a stable
// code, a message).
//
// # Concurrency and performance
//
// A [Template] is immutable and safe for concurrent use. Expand looks up the value of each
// placeholder once, escapes the result in one pass into a stack buffer and makes one allocation
// of the result's exact size (plus whatever filters allocate, and one more for templates with
// over 16 placeholders); a result that could outgrow the buffer is measured first and escaped
// into its allocation. A template that is one placeholder and nothing else, in a target that
// does not escape (Header, Text), expands to the value itself, without a copy.
// [Template.AppendExpand] into a buffer with room makes no allocation. The escapers are
// hand-written append-style equivalents of url.PathEscape, url.QueryEscape and encoding/json's
// string escaping, tested byte for byte against them (a test asserts the 2 allocations of the
// PERFORMANCE.md workload). The package keeps no global state.
//
// # Decisions
//
//   - The position of a placeholder picks the escaping, as in html/template: an author never
//     escapes by hand, and a value can never change a URL's host, a header's line or a JSON
//     body's structure.
//   - A placeholder standing alone as a JSON value is always written as a string, so a contact
//     cannot turn "0042" into 42 or inject an object.
//   - A missing value expands as "" unless Strict: hosts decide which names are required (with
//     [Template.Names] and [Template.SegmentNames]) rather than failing on any empty field.
//   - Dot segments are refused as servers decode them (%2F, %5C, %2e, ';'), not only as
//     net/url reads them.
//   - Custom filters are per compilation ([Options].Filters): no process-wide registry.
//   - An expansion escapes each value once, into a 512-byte stack buffer when the result's upper
//     bound (every value byte escaped at its worst) fits, and copies the result into one
//     allocation of its exact size. Measuring every escaped length first, as an earlier version
//     did to allocate exactly without a copy, scanned each value twice and cost about a third
//     more (BenchmarkWorkload); over-allocating to the bound would waste memory on every result.
package variables
