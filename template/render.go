package template

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// Render limits: the defaults used for zero RenderOptions fields, and
// the hard caps that larger values are lowered to.
const (
	DefaultMaxInputBytes  = 1 << 20
	DefaultMaxDepth       = 64
	DefaultMaxNodes       = 10000
	DefaultMaxRepeatItems = 1000
	DefaultMaxTextLength  = 4096

	CapMaxInputBytes  = 32 << 20
	CapMaxDepth       = 256
	CapMaxNodes       = 100000
	CapMaxRepeatItems = 10000
	CapMaxTextLength  = 64 << 10

	// MaxDiagnostics is the most diagnostics one Output carries; one
	// more with code "diagnostics_truncated" says that some were dropped.
	MaxDiagnostics = 100
)

// RenderOptions configures [Template.Render]. The zero value (and a nil
// pointer) means: the current time read once per render, UTC, and the
// Default limits. Limits above their hard cap are lowered to it.
type RenderOptions struct {
	// Now is the time relative dates are measured from.
	Now time.Time
	// Location is the time zone dates and times are shown in.
	Location *time.Location
	// MaxInputBytes bounds the data; larger data fails with ErrTooLarge.
	MaxInputBytes int
	// MaxDepth bounds the nesting of objects and arrays in the data;
	// deeper data fails with ErrTooDeep.
	MaxDepth int
	// MaxNodes bounds the rendered nodes plus values; rendering stops
	// there with a "node_limit" diagnostic.
	MaxNodes int
	// MaxRepeatItems bounds the rows of one table or the items of one
	// repeat (in addition to the section's own limit).
	MaxRepeatItems int
	// MaxTextLength bounds every display text, in bytes; longer text is
	// cut with "…" and a "text_truncated" diagnostic.
	MaxTextLength int
}

func limit(v, def, hardCap int) int {
	if v <= 0 {
		return def
	}
	return min(v, hardCap)
}

func (o *RenderOptions) resolve() RenderOptions {
	var r RenderOptions
	if o != nil {
		r = *o
	}
	if r.Now.IsZero() {
		r.Now = time.Now()
	}
	if r.Location == nil {
		r.Location = time.UTC
	}
	r.MaxInputBytes = limit(r.MaxInputBytes, DefaultMaxInputBytes, CapMaxInputBytes)
	r.MaxDepth = limit(r.MaxDepth, DefaultMaxDepth, CapMaxDepth)
	r.MaxNodes = limit(r.MaxNodes, DefaultMaxNodes, CapMaxNodes)
	r.MaxRepeatItems = limit(r.MaxRepeatItems, DefaultMaxRepeatItems, CapMaxRepeatItems)
	r.MaxTextLength = limit(r.MaxTextLength, DefaultMaxTextLength, CapMaxTextLength)
	return r
}

// renderer holds the state of one render.
type renderer struct {
	t     *Template
	o     RenderOptions
	arena arena
	diags []Diagnostic
	nodes int
	full  bool
	res   resolver
	w     work
	idx   objIndex // top-level keys of the data, when it is an object
	top   scope    // the data's scope (here, not on its own in the heap)
}

// Render renders data, a JSON document, with the template. It fails only
// when data itself is unusable: larger than the input limit (ErrTooLarge),
// nested too deeply (ErrTooDeep) or not JSON (ErrInvalidJSON). Anything
// else renders as well as it can, with diagnostics: missing values render
// empty, unsafe URLs are dropped, failed conditions hide their section.
// The same template, data and options always give the same output.
func (t *Template) Render(data []byte, opts *RenderOptions) (*Output, error) {
	o := opts.resolve()
	if len(data) > o.MaxInputBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), o.MaxInputBytes)
	}
	// One copy of the input: the Output's strings point into it (see
	// Decisions in the package documentation). It is taken before the
	// validation so that the index scanJSON builds in the same pass
	// points into it too; data failing validation costs the copy (within
	// MaxInputBytes) on top of the scan.
	doc := string(data)
	r := &renderer{t: t, o: o, w: work{left: workBudget(len(data))}}
	r.arena.first = min(arenaChunk, max(minFirstChunk, len(data)))
	indexed, err := scanJSON(doc, o.MaxDepth, &r.idx)
	if err != nil {
		if err == ErrTooDeep {
			return nil, fmt.Errorf("%w: more than %d levels", ErrTooDeep, o.MaxDepth)
		}
		return nil, err
	}
	root := gjson.Parse(doc)
	sc := &r.top
	*sc = scope{cur: root, root: root, index: -1, w: &r.w}
	if indexed {
		sc.idx, sc.rootIdx = &r.idx, &r.idx
	}
	out := &Output{Version: OutputVersion}
	out.Nodes = r.sections(t.sections, sc, make([]Node, 0, len(t.sections)))
	out.Diagnostics = r.diags
	return out, nil
}

// diag records a diagnostic; msg is the concatenation of parts, built
// only for the first occurrence of code at ptr.
func (r *renderer) diag(code, ptr string, parts ...string) {
	if r.w.left < 0 && code != "work_limit" {
		return // lookups fail once the budget is spent: not worth reporting
	}
	for i := range r.diags {
		if r.diags[i].Code == code && r.diags[i].Pointer == ptr {
			r.diags[i].Count++
			return
		}
	}
	if len(r.diags) > MaxDiagnostics {
		return
	}
	if len(r.diags) == MaxDiagnostics {
		r.diags = append(r.diags, Diagnostic{Code: "diagnostics_truncated", Message: "more than " + strconv.Itoa(MaxDiagnostics) + " diagnostics; the rest were dropped", Count: 1})
		return
	}
	msg := ""
	for _, p := range parts {
		msg += p
	}
	r.diags = append(r.diags, Diagnostic{Code: code, Pointer: ptr, Message: cleanMessage(msg), Count: 1})
}

// cleanMessage keeps diagnostics short and free of control characters.
func cleanMessage(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	var a arena
	out, _ := a.clean(s, 256, false)
	return out
}

// stopped reports whether rendering stopped at the node limit or the
// work budget; the first time the budget is found spent, it says so with
// a "work_limit" diagnostic at ptr.
func (r *renderer) stopped(ptr string) bool {
	if !r.full && r.w.left < 0 {
		r.full = true
		r.diag("work_limit", ptr, "the template read more than ", strconv.Itoa(workFactor), " times the data's size; the rest was not rendered")
	}
	return r.full
}

// take counts n nodes against the node limit.
func (r *renderer) take(n int, ptr string) bool {
	if r.stopped(ptr) {
		return false
	}
	r.nodes += n
	if r.nodes > r.o.MaxNodes {
		r.full = true
		r.diag("node_limit", ptr, "more than ", strconv.Itoa(r.o.MaxNodes), " nodes; the rest was not rendered")
		return false
	}
	return true
}

// text returns the display text of b in sc. Its pointer for diagnostics
// is ptr+leaf, concatenated only when b has bindings or the text is cut:
// the pointers of literal labels were half the allocations of
// BenchmarkRenderFixture.
func (r *renderer) text(b *binding, sc *scope, ptr, leaf string) string {
	if b == nil {
		return ""
	}
	s := b.src
	if b.tmpl != nil {
		ptr, leaf = ptr+leaf, ""
		s = r.expand(b, sc, ptr)
	}
	out, cut := r.arena.clean(s, r.o.MaxTextLength, false)
	if cut {
		r.truncated(ptr + leaf)
	}
	return out
}

func (r *renderer) sections(secs []*section, sc *scope, dst []Node) []Node {
	for _, s := range secs {
		if r.stopped(s.ptr) {
			break
		}
		if s.when != nil && !s.when.eval(sc) {
			continue
		}
		if n, ok := r.section(s, sc); ok {
			dst = append(dst, n)
		}
	}
	return dst
}

func (r *renderer) section(s *section, sc *scope) (Node, bool) {
	if !r.take(1, s.ptr) {
		return Node{}, false
	}
	n := Node{Type: s.typ}
	switch s.typ {
	case NodeCard:
		n.Title = r.text(s.title, sc, s.ptr, "/title")
		n.Children = r.sections(s.children, sc, nil)
	case NodeKeyValue:
		n.Title = r.text(s.title, sc, s.ptr, "/title")
		n.Items = make([]Item, 0, len(s.items))
		for _, f := range s.items {
			if f.when != nil && !f.when.eval(sc) {
				continue
			}
			if !r.take(1, f.ptr) {
				break
			}
			n.Items = append(n.Items, Item{Label: r.text(f.label, sc, f.ptr, "/label")})
			r.fieldValue(&n.Items[len(n.Items)-1].Value, f, sc)
		}
	case NodeTable:
		r.table(s, sc, &n)
	case NodeRepeat:
		r.repeat(s, sc, &n)
	case NodeText:
		var cut bool
		n.Text, cut = r.arena.clean(r.expand(s.text, sc, s.ptr+"/text"), r.o.MaxTextLength, true)
		if cut {
			r.diag("text_truncated", s.ptr+"/text", "text longer than ", strconv.Itoa(r.o.MaxTextLength), " bytes was truncated")
		}
		n.Style = s.style
	case NodeDivider:
	case NodeLink, NodeButton:
		n.Href = r.url(s.url, sc, s.ptr+"/url", false)
		if n.Href == "" {
			return Node{}, false
		}
		n.Style = s.style
		if s.label != nil {
			n.Text = r.text(s.label, sc, s.ptr, "/label")
		}
		if n.Text == "" {
			// The URL is the label, within the text limit like any text.
			n.Text = r.cleanText(n.Href, s.ptr+"/url")
		}
	case NodeBadge:
		n.Title = r.text(s.label, sc, s.ptr, "/label")
		n.Value = new(Value)
		r.fieldValue(n.Value, s.value, sc)
	case NodeImage:
		n.Href = r.url(s.url, sc, s.ptr+"/url", true)
		if n.Href == "" {
			return Node{}, false
		}
		n.Text = r.text(s.alt, sc, s.ptr, "/alt")
		n.Width, n.Height = s.width, s.height
	}
	return n, true
}

// fieldValue renders the value of f in sc into out, which must be the
// zero Value.
func (r *renderer) fieldValue(out *Value, f *field, sc *scope) {
	v, raw := r.value(f.value, sc, f.vptr)
	r.formatValue(out, v, f.format, sc, f.vptr)
	if !raw {
		out.Raw = ""
	}
}

// url returns the safe URL of b in sc, or "" with a diagnostic.
func (r *renderer) url(b *binding, sc *scope, ptr string, httpsOnly bool) string {
	s := r.expand(b, sc, ptr)
	if s == "" {
		return "" // a missing value was diagnosed; an empty one means no link
	}
	if p := urlProblem(s, httpsOnly); p != "" {
		r.diag("unsafe_url", ptr, "link dropped: ", p)
		return ""
	}
	return s
}

// array resolves the array a table or repeat iterates over.
func (r *renderer) array(s *section, sc *scope) (gjson.Result, bool) {
	arr := s.path.get(sc)
	switch {
	case !arr.Exists():
		r.diag("missing_value", s.ptr+"/path", "no value at path ", s.path.src)
		return arr, false
	case arr.Type == gjson.Null:
		return arr, false
	case !arr.IsArray():
		r.diag("not_array", s.ptr+"/path", "the value at path ", s.path.src, " is not an array")
		return arr, false
	case !r.w.spend(len(arr.Raw)):
		return arr, false // iterating it would overspend the work budget
	}
	return arr, true
}

func (r *renderer) table(s *section, sc *scope, n *Node) {
	n.Title = r.text(s.title, sc, s.ptr, "/title")
	n.Columns = make([]string, len(s.columns))
	for i, c := range s.columns {
		n.Columns[i] = r.text(c.label, sc, c.ptr, "/label")
	}
	arr, ok := r.array(s, sc)
	limit := min(s.limit, r.o.MaxRepeatItems)
	total := 0
	var cells []Value // rows, in chunks that never move once written
	if ok {
		item := scope{root: sc.root, rootIdx: sc.rootIdx, w: sc.w}
		var slots [maxRowKeys]gjson.Result
		keys := s.rowKeys
		forEachRow(arr.Raw, keys, slots[:len(keys)], func(row gjson.Result) bool {
			total++
			if total > limit || r.full {
				return true // keep counting
			}
			if !r.take(len(s.columns), s.ptr) {
				return true
			}
			item.cur, item.index = row, total-1
			if len(cells)+len(s.columns) > cap(cells) {
				rows := tableChunkRows
				if total == 1 {
					// Guess the row count from the first row's size, so that
					// uniform arrays get their cells and rows in one allocation.
					rows = len(arr.Raw)/(len(row.Raw)+2) + 1
					// Never more rows than the node limit leaves room for:
					// a wide table over a long array of tiny rows would
					// otherwise allocate cells it can never fill.
					room := (r.o.MaxNodes-r.nodes)/max(1, len(s.columns)) + 1
					rows = max(1, min(rows+rows/8, limit, CapMaxRepeatItems, room))
					n.Rows = make([][]Value, 0, rows)
				}
				cells = make([]Value, 0, rows*len(s.columns))
			}
			rowStart := len(cells)
			for _, c := range s.columns {
				if c.when != nil && !c.when.eval(&item) {
					cells = append(cells, Value{Kind: KindEmpty})
					continue
				}
				if c.slot >= 0 {
					v := slots[c.slot]
					if !v.Exists() {
						r.diag("missing_value", c.vptr, "no value at path ", c.value.path.src)
					}
					cells = cells[:len(cells)+1]
					r.formatValue(&cells[len(cells)-1], v, c.format, &item, c.vptr)
					continue
				}
				cells = cells[:len(cells)+1]
				r.fieldValue(&cells[len(cells)-1], c, &item)
			}
			n.Rows = append(n.Rows, cells[rowStart:len(cells):len(cells)])
			return true
		})
	}
	shown := len(n.Rows)
	r.finishList(s, sc, n, shown, total, limit)
}

func (r *renderer) finishList(s *section, sc *scope, n *Node, shown, total, limit int) {
	n.Shown, n.Total = shown, total
	if total > limit && limit < s.limit {
		r.diag("repeat_truncated", s.ptr, "more than ", strconv.Itoa(limit), " items; the rest were not rendered")
	}
	if total == 0 && s.empty != nil && r.w.left >= 0 {
		// (Past the work budget the list was not read: it is not empty.)
		n.Text = r.text(s.empty, sc, s.ptr, "/empty")
	}
}

func (r *renderer) repeat(s *section, sc *scope, n *Node) {
	n.Title = r.text(s.title, sc, s.ptr, "/title")
	arr, ok := r.array(s, sc)
	limit := min(s.limit, r.o.MaxRepeatItems)
	total, shown := 0, 0
	if ok {
		item := scope{root: sc.root, rootIdx: sc.rootIdx, w: sc.w}
		items := []*section{s.item}
		arr.ForEach(func(_, v gjson.Result) bool {
			total++
			if total > limit || r.full {
				return true
			}
			item.cur, item.index = v, total-1
			before := len(n.Children)
			n.Children = r.sections(items, &item, n.Children)
			if len(n.Children) > before {
				shown++
			}
			return true
		})
	}
	r.finishList(s, sc, n, shown, total, limit)
}

// tableChunkRows is how many rows of cells a table allocates at once.
const tableChunkRows = 64
