package template

// UsesNow reports whether rendering with t reads [RenderOptions.Now]: whether t shows a
// relative time ("3 days ago"). When it does not, the same data and the same options apart
// from Now always render the same output, so a caller may reuse an output across time.
func (t *Template) UsesNow() bool { return t.usesNow }

// Clone returns a deep copy of o: changing the copy's nodes, items, rows, values or
// diagnostics never changes o, and the other way round. (Strings are immutable and shared.)
// It allocates one slice per kind of element, not one per node, so that a cache of rendered
// outputs can hand every caller its own copy cheaply (integration's BenchmarkProfileCached).
func (o *Output) Clone() *Output {
	if o == nil {
		return nil
	}
	var n outputSize
	n.count(o.Nodes)
	c := &cloner{
		nodes:  make([]Node, 0, n.nodes),
		items:  make([]Item, 0, n.items),
		strs:   make([]string, 0, n.strs),
		rows:   make([][]Value, 0, n.rows),
		values: make([]Value, 0, n.values),
	}
	out := &Output{Version: o.Version, Nodes: c.nodeSlice(o.Nodes)}
	if o.Diagnostics != nil {
		out.Diagnostics = append([]Diagnostic(nil), o.Diagnostics...)
	}
	return out
}

// outputSize counts the elements of a node tree by kind.
type outputSize struct{ nodes, items, strs, rows, values int }

func (n *outputSize) count(nodes []Node) {
	n.nodes += len(nodes)
	for i := range nodes {
		nd := &nodes[i]
		n.items += len(nd.Items)
		n.strs += len(nd.Columns)
		n.rows += len(nd.Rows)
		for _, row := range nd.Rows {
			n.values += len(row)
		}
		if nd.Value != nil {
			n.values++
		}
		n.count(nd.Children)
	}
}

// cloner carves the slices of a copy out of one allocation per kind; each carved slice has
// its length as its capacity, so appending to it never writes into its neighbour.
type cloner struct {
	nodes  []Node
	items  []Item
	strs   []string
	rows   [][]Value
	values []Value
}

func (c *cloner) nodeSlice(src []Node) []Node {
	if src == nil {
		return nil
	}
	start := len(c.nodes)
	c.nodes = append(c.nodes, src...)
	dst := c.nodes[start:len(c.nodes):len(c.nodes)]
	for i := range dst {
		d := &dst[i]
		if d.Value != nil {
			c.values = append(c.values, *d.Value)
			d.Value = &c.values[len(c.values)-1]
		}
		if d.Items != nil {
			s := len(c.items)
			c.items = append(c.items, d.Items...)
			d.Items = c.items[s:len(c.items):len(c.items)]
		}
		if d.Columns != nil {
			s := len(c.strs)
			c.strs = append(c.strs, d.Columns...)
			d.Columns = c.strs[s:len(c.strs):len(c.strs)]
		}
		if d.Rows != nil {
			s := len(c.rows)
			for _, row := range d.Rows {
				vs := len(c.values)
				c.values = append(c.values, row...)
				r := c.values[vs:len(c.values):len(c.values)]
				if row == nil {
					r = nil
				}
				c.rows = append(c.rows, r)
			}
			d.Rows = c.rows[s:len(c.rows):len(c.rows)]
		}
		d.Children = c.nodeSlice(d.Children)
	}
	return dst
}
