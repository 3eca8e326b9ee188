package template

// OutputVersion is the version of the node tree's JSON encoding, written
// to [Output.Version]. It changes only when the encoding changes in a way
// that an existing front end could misread.
const OutputVersion = 1

// Output is the result of [Template.Render]: a tree of nodes that a front
// end draws, and diagnostics about everything that rendered incompletely.
//
// The JSON encoding is stable (golden files in testdata pin it): fields
// with zero values are omitted, nodes appear in template order, and the
// same template, data and options always produce the same bytes.
type Output struct {
	Version     int          `json:"version"`
	Nodes       []Node       `json:"nodes"`
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
}

// Diagnostic describes something that rendered incompletely: a missing
// value, a dropped URL, a truncated list. Code is stable and
// machine-readable; Pointer is the JSON pointer of the template element
// that produced it (for example /sections/2/columns/1/value); Message is
// for people. Count is how many times it occurred during the render (the
// first occurrence's message is kept).
type Diagnostic struct {
	Code    string `json:"code"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
	Count   int    `json:"count,omitempty"`
}

// NodeType is the type of a [Node].
type NodeType string

// The node types. Their string values are part of the JSON encoding.
const (
	NodeCard     NodeType = "card"     // Title, Children
	NodeKeyValue NodeType = "keyvalue" // Title, Items
	NodeTable    NodeType = "table"    // Title, Columns, Rows, Shown, Total, Text (shown when there are no rows)
	NodeText     NodeType = "text"     // Text, Style
	NodeDivider  NodeType = "divider"  // nothing
	NodeRepeat   NodeType = "repeat"   // Title, Children (one per item), Shown, Total, Text (shown when there are no items)
	NodeLink     NodeType = "link"     // Text, Href
	NodeButton   NodeType = "button"   // Text, Href, Style
	NodeBadge    NodeType = "badge"    // Title (label), Value
	NodeImage    NodeType = "image"    // Href (https), Text (alt), Width, Height
)

// Node is one element of the rendered tree. Which fields are set depends
// on Type (see the NodeType constants). All strings are plain text with
// control and bidirectional-override characters removed: a front end must
// escape them for its medium and never interpret them as HTML. Href is
// set only to a URL that passed the scheme allow-list.
//
// The zero Node is an empty node of no type; front ends skip it.
type Node struct {
	Type     NodeType  `json:"type"`
	Title    string    `json:"title,omitempty"`
	Text     string    `json:"text,omitempty"`
	Style    string    `json:"style,omitempty"`
	Href     string    `json:"href,omitempty"`
	Width    int       `json:"width,omitempty"`
	Height   int       `json:"height,omitempty"`
	Value    *Value    `json:"value,omitempty"`
	Items    []Item    `json:"items,omitempty"`
	Columns  []string  `json:"columns,omitempty"`
	Rows     [][]Value `json:"rows,omitempty"`
	Children []Node    `json:"children,omitempty"`
	Shown    int       `json:"shown,omitempty"`
	Total    int       `json:"total,omitempty"`
}

// Item is one label/value pair of a key-value node.
type Item struct {
	Label string `json:"label"`
	Value Value  `json:"value"`
}

// Kind says how a [Value] was formatted. It is the format type of the
// field that produced it, with three exceptions: KindEmpty for a missing,
// null or empty value, a dropped link and a table cell hidden by its
// condition; KindText when a number, currency or percent format gets
// something that is not a number; and KindNumber for a currency whose
// code is unknown.
type Kind string

// The value kinds. Their string values are part of the JSON encoding.
const (
	KindEmpty    Kind = "empty"
	KindText     Kind = "text"
	KindNumber   Kind = "number"
	KindCurrency Kind = "currency"
	KindPercent  Kind = "percent"
	KindDate     Kind = "date"
	KindDateTime Kind = "datetime"
	KindRelative Kind = "relative"
	KindDuration Kind = "duration"
	KindBoolean  Kind = "boolean"
	KindBadge    Kind = "badge"
	KindLink     Kind = "link"
	KindEmail    Kind = "email"
	KindPhone    Kind = "phone"
)

// Tone is the colour family of a badge.
type Tone string

// The badge tones.
const (
	ToneSuccess Tone = "success"
	ToneWarning Tone = "warning"
	ToneDanger  Tone = "danger"
	ToneInfo    Tone = "info"
	ToneNeutral Tone = "neutral"
)

// Value is one rendered value. Text is the display text formatted in a
// fixed, locale-neutral English style ("$2,850.00", "Jan 15, 2024");
// Raw is the value exactly as it appeared in the data (a JSON value,
// omitted when missing or larger than the text limit), so that a front
// end may re-format it for the agent's locale. Currency is the ISO 4217
// code of a currency value. Href is set for links, emails and phone
// numbers whose URL passed the allow-list; Tone for badges.
//
// The zero Value is an empty value of no kind.
type Value struct {
	Text     string  `json:"text"`
	Raw      RawJSON `json:"raw,omitempty"`
	Kind     Kind    `json:"kind"`
	Tone     Tone    `json:"tone,omitempty"`
	Href     string  `json:"href,omitempty"`
	Currency string  `json:"currency,omitempty"`
}

// RawJSON is a JSON value copied verbatim from the rendered data. It
// encodes as itself. Strings inside it are data, not display text: they
// are not sanitized and must be escaped by whoever shows them.
type RawJSON string

// MarshalJSON returns r itself, or null when r is empty.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if r == "" {
		return []byte("null"), nil
	}
	return []byte(r), nil
}

// UnmarshalJSON sets r to the JSON value data as written, so that a host decoding an encoded
// Output (a card from the HTTP API, one it cached) gets back the Raw it encoded: the same JSON
// value, though encoding/json compacts it and escapes <, > and & when it encodes. A JSON null
// is the raw value null ("null"); an empty Raw is left out of the encoding.
func (r *RawJSON) UnmarshalJSON(data []byte) error {
	*r = RawJSON(data)
	return nil
}
