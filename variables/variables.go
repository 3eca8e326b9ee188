package variables

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Target is the kind of text a template produces; it decides how each placeholder's value is
// escaped.
type Target uint8

const (
	Text   Target = iota // plain text, no escaping (message composition, display bindings)
	URL                  // a whole URL: path-segment placeholders path-escaped, query placeholders query-escaped
	Query                // one query parameter value: query-escaped
	Header               // one header value: a value with a control character other than tab is an error
	JSON                 // a JSON document: in a string literal JSON-string-escaped; standing alone a JSON value
)

// String returns the target's lower-case name ("text", "url", "query", "header", "json").
func (t Target) String() string {
	switch t {
	case Text:
		return "text"
	case URL:
		return "url"
	case Query:
		return "query"
	case Header:
		return "header"
	case JSON:
		return "json"
	}
	return "target(" + strconv.Itoa(int(t)) + ")"
}

// Options restricts and extends what Compile accepts. A nil *Options and the zero Options allow
// every syntactically valid name, no custom filters, non-strict expansion and no placeholders in
// a URL's scheme or host.
type Options struct {
	// Names lists the exact names allowed.
	Names []string
	// Prefixes allows any name that starts with one of these prefixes and is longer than it,
	// e.g. "contact.attributes.".
	// When Names and Prefixes are both empty, every syntactically valid name is allowed.
	Prefixes []string
	// HeaderOnly lists name prefixes (e.g. "secret.") whose names are allowed only when the target
	// is Header. In a Header template such a name is known even when Names and Prefixes do not
	// list it; in any other target it is a compile error wrapping ErrHeaderOnly.
	HeaderOnly []string
	// Validate, if not nil, is called at compile time for each distinct name that passed the
	// checks above; an error makes Compile fail with a *SyntaxError wrapping it.
	Validate func(name string) error
	// Strict makes a missing value an error wrapping ErrUndefined that names the variable.
	// Otherwise a missing value expands as "". A placeholder with a default filter never
	// counts as missing.
	Strict bool
	// Filters adds custom filters for this compilation, by name. A name must be made of ASCII
	// letters, digits and '_' to be usable, and must not be one of the built-in filters.
	Filters map[string]Filter
	// AllowHostPlaceholders allows placeholders in a URL template's scheme, userinfo, host and
	// port (and in the first segment of a relative URL). Their values are query-escaped, so a
	// value can change the host but never add a path, query, port or userinfo to it.
	AllowHostPlaceholders bool
}

// A Template is a compiled template. It is immutable and safe for concurrent use by multiple
// goroutines; its zero value is not usable (use Compile).
type Template struct {
	src      string
	target   Target
	strict   bool
	lits     []string // len(slots)+1 pieces of output-ready literal text around the slots
	slots    []slot
	litLen   int
	names    []string
	single   bool
	bare     bool       // one unescaped slot and no literal text: the expansion is the value itself
	escs     []escMode  // each slot's esc, packed for the write loop (BenchmarkWorkload)
	segs     []segCheck // URL path segments with placeholders
	segNames []string   // names standing alone as a whole path segment, see SegmentNames
	nonEmpty []int      // slots that must not all expand empty (URL without authority)
}

// slot is one placeholder occurrence.
type slot struct {
	name       string
	offset     int
	end        int
	filters    []boundFilter
	hasDefault bool
	esc        escMode
}

type boundFilter struct {
	name      string
	arg       string
	apply     func(value, arg string) (string, error)
	applyWith func(r Resolver, value, arg string) (string, error) // used instead of apply when set
}

// escMode is how a slot's value is written.
type escMode uint8

const (
	escNone       escMode = iota // as is (Text, Header)
	escPath                      // url.PathEscape
	escQuery                     // url.QueryEscape
	escJSONString                // inside a JSON string literal
	escJSONValue                 // a whole JSON value: written as a JSON string
)

// Compile parses src as a template for target. opts may be nil. Every error about src is a
// *SyntaxError with the byte offset of the problem; errors.Is tells the reasons apart
// (ErrUnknownName, ErrHeaderOnly, ErrUnknownFilter, ErrPlacement, ErrInvalidHeaderValue). An
// unknown target or a custom filter in opts that shadows a built-in filter or has no Apply
// function is a plain error.
func Compile(src string, target Target, opts *Options) (*Template, error) {
	if target > JSON {
		return nil, fmt.Errorf("variables: unknown target %d", target)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	for name := range o.Filters {
		if _, ok := builtinFilter(name); ok {
			return nil, fmt.Errorf("variables: custom filter %q has the name of a built-in filter", name)
		}
		if f := o.Filters[name]; f.Apply == nil && f.ApplyWith == nil {
			return nil, fmt.Errorf("variables: custom filter %q has no Apply or ApplyWith function", name)
		}
	}
	nodes, err := parse(src)
	if err != nil {
		return nil, err
	}
	t := &Template{src: src, target: target, strict: o.Strict, lits: []string{""}}
	checked := map[string]bool{}
	for _, n := range nodes {
		if !n.isPH {
			t.lits[len(t.lits)-1] += n.lit
			continue
		}
		if !checked[n.name] {
			if err := checkName(&o, target, n); err != nil {
				return nil, err
			}
			checked[n.name] = true
			t.names = append(t.names, n.name)
		}
		s := slot{name: n.name, offset: n.offset, end: n.end}
		for _, f := range n.filters {
			bf, err := bindFilter(&o, f)
			if err != nil {
				return nil, err
			}
			if f.name == "default" {
				s.hasDefault = true
			}
			s.filters = append(s.filters, bf)
		}
		t.slots = append(t.slots, s)
		t.lits = append(t.lits, "")
	}
	t.single = len(nodes) == 1 && nodes[0].isPH && len(nodes[0].filters) == 0 &&
		nodes[0].offset == 0 && nodes[0].end == len(src)

	switch target {
	case URL:
		err = t.layoutURL(o.AllowHostPlaceholders)
	case JSON:
		err = t.layoutJSON()
	case Query:
		for i := range t.slots {
			t.slots[i].esc = escQuery
		}
		for i, l := range t.lits {
			t.lits[i] = string(appendQueryEscape(nil, l))
		}
	case Header:
		for i, l := range t.lits {
			if !validHeaderValue(l) {
				return nil, &SyntaxError{Offset: t.litOffset(i), Msg: "expected a header value without control characters", Err: ErrInvalidHeaderValue}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	for _, l := range t.lits {
		t.litLen += len(l)
	}
	t.bare = len(t.slots) == 1 && t.litLen == 0 && t.slots[0].esc == escNone
	t.escs = make([]escMode, len(t.slots))
	for i := range t.slots {
		t.escs[i] = t.slots[i].esc
	}
	return t, nil
}

// litOffset returns the source offset where literal piece i starts.
func (t *Template) litOffset(i int) int {
	if i == 0 {
		return 0
	}
	return t.slots[i-1].end
}

// checkName applies Names, Prefixes, HeaderOnly and Validate to the placeholder n.
func checkName(o *Options, target Target, n node) error {
	name := n.name
	headerOnly := false
	for _, p := range o.HeaderOnly {
		if strings.HasPrefix(name, p) {
			headerOnly = true
			break
		}
	}
	if headerOnly && target != Header {
		return &SyntaxError{Offset: n.nameOff, Msg: fmt.Sprintf("variable %q is allowed only in header values, not in a %s template", name, target), Err: ErrHeaderOnly}
	}
	if !headerOnly && (len(o.Names) > 0 || len(o.Prefixes) > 0) {
		known := slices.Contains(o.Names, name)
		for _, p := range o.Prefixes {
			if len(name) > len(p) && strings.HasPrefix(name, p) {
				known = true
				break
			}
		}
		if !known {
			return &SyntaxError{Offset: n.nameOff, Msg: fmt.Sprintf("unknown variable %q; expected %s", name, knownList(o)), Err: ErrUnknownName}
		}
	}
	if o.Validate != nil {
		if err := o.Validate(name); err != nil {
			return &SyntaxError{Offset: n.nameOff, Msg: fmt.Sprintf("variable %q: %v", name, err), Err: err}
		}
	}
	return nil
}

// knownList describes the allowed names for an error message, capped at 20 names.
func knownList(o *Options) string {
	const limit = 20
	var parts []string
	for i, n := range o.Names {
		if i == limit {
			parts = append(parts, fmt.Sprintf("and %d more", len(o.Names)-limit))
			break
		}
		parts = append(parts, n)
	}
	s := ""
	if len(parts) > 0 {
		s = "one of " + strings.Join(parts, ", ")
	}
	if len(o.Prefixes) > 0 {
		if s != "" {
			s += ", or "
		}
		s += "a name under " + strings.Join(o.Prefixes, ", ")
	}
	return s
}

// bindFilter resolves filter reference f to a built-in or custom filter and checks its argument.
func bindFilter(o *Options, f filterRef) (boundFilter, error) {
	flt, ok := builtinFilter(f.name)
	if !ok {
		flt, ok = o.Filters[f.name]
	}
	if !ok {
		msg := fmt.Sprintf("unknown filter %q; expected one of %s", f.name, builtinFilterNames)
		if len(o.Filters) > 0 {
			custom := make([]string, 0, len(o.Filters))
			for n := range o.Filters {
				custom = append(custom, n)
			}
			slices.Sort(custom)
			msg += ", " + strings.Join(custom, ", ")
		}
		return boundFilter{}, &SyntaxError{Offset: f.offset, Msg: msg, Err: ErrUnknownFilter}
	}
	switch {
	case f.hasArg && flt.Arg == ArgNone:
		return boundFilter{}, &SyntaxError{Offset: f.argOff, Msg: fmt.Sprintf("filter %s takes no argument; expected \"|\" or \"}}\"", f.name)}
	case !f.hasArg && flt.Arg == ArgRequired:
		return boundFilter{}, &SyntaxError{Offset: f.offset + len(f.name), Msg: fmt.Sprintf("filter %s needs an argument; expected \":\" and an argument", f.name)}
	}
	if f.hasArg && flt.CheckArg != nil {
		if err := flt.CheckArg(f.arg); err != nil {
			return boundFilter{}, &SyntaxError{Offset: f.argOff, Msg: fmt.Sprintf("filter %s: bad argument: %v", f.name, err), Err: err}
		}
	}
	return boundFilter{name: f.name, arg: f.arg, apply: flt.Apply, applyWith: flt.ApplyWith}, nil
}

// Names returns the distinct variable names the template references, in order of first use.
// The caller may modify the returned slice.
func (t *Template) Names() []string { return slices.Clone(t.names) }

// Single reports whether the source is exactly one placeholder with no filters and nothing
// around it (spaces inside the braces allowed), and returns its name. Callers use it to keep a
// value's JSON type instead of expanding it to text.
func (t *Template) Single() (name string, ok bool) {
	if !t.single {
		return "", false
	}
	return t.slots[0].name, true
}

// SegmentNames returns the names of the placeholders that make up a whole path segment of a URL
// template on their own, without a default filter: "contact.email" in
// "https://api.example.com/customers/{{contact.email}}/orders", in order of first use. Expanded
// empty, such a placeholder leaves an empty segment, and ".../customers/" is another resource
// (often the list of every customer), so a caller treats these names as required. A segment
// with text or other placeholders besides the placeholder ("{{id}}.json", "{{a}}-{{b}}") does
// not count. It returns nil for other targets. The caller may modify the returned slice.
func (t *Template) SegmentNames() []string { return slices.Clone(t.segNames) }

// Source returns the source text the template was compiled from.
func (t *Template) Source() string { return t.src }

// Target returns the target the template was compiled for.
func (t *Template) Target() Target { return t.target }
