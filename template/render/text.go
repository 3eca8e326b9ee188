package render

import (
	"io"
	"strconv"
	"strings"

	"github.com/inboxkit/inboxkit/template"
	"golang.org/x/text/width"
)

// Box geometry of the text renderer.
const (
	minBoxWidth = 42 // outer width of a box, as in DESIGN.md
	maxBoxWidth = 100
	labelWidth  = 20
	maxCell     = 32

	// dividerLine stands for a divider until the enclosing box knows its
	// width. Display text never contains NUL, so it cannot collide.
	dividerLine = "\x00divider"
)

// Text writes out as plain text. Titled sections, cards and tables are
// drawn in boxes, all as wide as the widest one needs (42 to 100
// columns), so that the boxes of one output line up:
//
//	┌─ Customer Information ─────────────────┐
//	│ Customer ID          12345             │
//	│ Lifetime Value       $2,850.00         │
//	└────────────────────────────────────────┘
//
// Badges are written as [Gold], links as "label <url>", buttons as
// "[ label ] <url>", empty values as "—". Inside a box, cards and the
// titled elements of a repeat are boxes, other titled sections a heading
// in capitals over their lines; dividers span the box, text is wrapped
// and other lines are cut with "…". Text, links and buttons outside any
// box are written in full, dividers as wide as the boxes. A nil out
// writes nothing. To draw a whole profile sheet of cards, use [Sheet].
func Text(w io.Writer, out *template.Output) error {
	if out == nil {
		return nil
	}
	// Measure every top-level box at its natural width, then draw them
	// all at the widest.
	boxWidth := minBoxWidth
	for _, n := range out.Nodes {
		for _, l := range nodeLines(n, layout{width: maxBoxWidth}) {
			if strings.HasPrefix(l, "┌") {
				boxWidth = max(boxWidth, textWidth(l))
			}
		}
	}
	var b strings.Builder
	for _, n := range out.Nodes {
		for _, l := range nodeLines(n, layout{width: boxWidth, exact: true}) {
			if l == dividerLine {
				l = strings.Repeat("─", boxWidth)
			}
			b.WriteString(plain(l))
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// layout is how nodeLines draws: width is the outer width of a box at
// this level (exactly that when exact, otherwise at most that, as its
// content needs); nested is set inside a box, item for the elements of
// a repeat, which are boxed when titled even inside a box (a list of
// orders reads as a list of boxes).
type layout struct {
	width  int
	exact  bool
	nested bool
	item   bool
}

// inside returns the layout of a box's content.
func (lo layout) inside() layout {
	return layout{width: lo.width - 4, exact: lo.exact, nested: true}
}

// textWidth is the number of terminal columns s takes.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// fit cuts s to at most w columns, with "…" when cut, and pads it to w.
// It drops control and format characters (see plain): the template
// package cleans the trees it renders, but a host may build one itself.
func fit(s string, w int) string {
	s = plain(s)
	if tw := textWidth(s); tw <= w {
		return s + strings.Repeat(" ", w-tw)
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := textWidth(string(r))
		if n+rw > w-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	b.WriteString("…")
	n++
	return b.String() + strings.Repeat(" ", max(0, w-n))
}

// oneLine replaces line breaks and tabs with spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\t\r") {
		return s
	}
	return strings.NewReplacer("\n", " ", "\t", " ", "\r", " ").Replace(s)
}

// valueText is how a value reads in text.
func valueText(v template.Value) string {
	s := oneLine(v.Text)
	switch {
	case v.Kind == template.KindEmpty || s == "":
		return "—"
	case v.Kind == template.KindBadge:
		return "[" + s + "]"
	case v.Kind == template.KindLink && v.Href != "" && v.Href != s:
		return s + " <" + v.Href + ">"
	}
	return s
}

// box frames content lines under a title, with an optional note at the
// right end of the top border ("updated 3 min ago").
func box(title, note string, content []string, lo layout) []string {
	title, note = oneLine(title), oneLine(note)
	inner := lo.width - 4
	if !lo.exact {
		inner = minBoxWidth - 4
		for _, l := range content {
			inner = max(inner, textWidth(l))
		}
		if title != "" {
			inner = max(inner, textWidth(title)+2)
		}
		inner = min(inner, lo.width-4)
	}
	// Nested deeper than the width allows, a box keeps one column; its
	// parent cuts it with "…".
	inner = max(inner, 1)
	top := "┌"
	fill := inner + 2 // columns of the top border between the corners
	if note != "" && fill/2-3 >= 1 {
		note = fit(note, min(textWidth(note), fill/2-3))
		fill -= textWidth(note) + 3 // " note ─"
	} else {
		note = "" // no room
	}
	if title != "" && fill-4 >= 1 {
		t := fit(title, min(textWidth(title), fill-4))
		top += "─ " + t + " "
		fill -= textWidth(t) + 3
	}
	top += strings.Repeat("─", max(fill, 0))
	if note != "" {
		top += " " + note + " ─"
	}
	out := []string{top + "┐"}
	for _, l := range content {
		if l == dividerLine {
			l = strings.Repeat("─", inner)
		}
		out = append(out, "│ "+fit(l, inner)+" │")
	}
	return append(out, "└"+strings.Repeat("─", inner+2)+"┘")
}

// wrap breaks s into lines of at most w columns at spaces (a word longer
// than w is left for fit to cut).
func wrap(s string, w int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case textWidth(line)+1+textWidth(word) <= w:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}

// nodeLines renders n as lines at most lo.width columns wide.
func nodeLines(n template.Node, lo layout) []string {
	// frame boxes a section at the top level; inside a box, a titled
	// section is a heading over its lines.
	frame := func(title string, content []string) []string {
		switch {
		case !lo.nested, lo.item && title != "":
			return box(title, "", content, lo)
		case title == "":
			return content
		}
		return append([]string{strings.ToUpper(oneLine(title))}, content...)
	}
	switch n.Type {
	case template.NodeCard:
		return box(n.Title, "", childLines(n.Children, lo.inside()), lo)
	case template.NodeKeyValue:
		content := make([]string, 0, len(n.Items))
		for _, it := range n.Items {
			content = append(content, fit(oneLine(it.Label), labelWidth)+" "+valueText(it.Value))
		}
		return frame(n.Title, content)
	case template.NodeTable:
		return frame(n.Title, tableLines(n))
	case template.NodeRepeat:
		in := lo
		if !lo.nested && n.Title != "" {
			in = lo.inside()
		}
		in.item = true
		content := childLines(n.Children, in)
		if n.Total == 0 && n.Text != "" {
			content = append(content, oneLine(n.Text))
		}
		if n.Shown < n.Total {
			content = append(content, strconv.Itoa(n.Shown)+" of "+strconv.Itoa(n.Total)+" shown")
		}
		if n.Title == "" {
			return content
		}
		return frame(n.Title, content)
	case template.NodeText:
		var lines []string
		for _, l := range strings.Split(strings.ReplaceAll(n.Text, "\t", " "), "\n") {
			if n.Style == "heading" {
				l = strings.ToUpper(l)
			}
			if lo.nested && textWidth(l) > lo.width {
				lines = append(lines, wrap(l, lo.width)...)
			} else {
				lines = append(lines, l)
			}
		}
		return lines
	case template.NodeDivider:
		return []string{dividerLine}
	case template.NodeLink:
		if n.Text == n.Href {
			return []string{"<" + n.Href + ">"}
		}
		return []string{oneLine(n.Text) + " <" + n.Href + ">"}
	case template.NodeButton:
		return []string{"[ " + oneLine(n.Text) + " ] <" + n.Href + ">"}
	case template.NodeBadge:
		s := ""
		if n.Title != "" {
			s = oneLine(n.Title) + " "
		}
		if n.Value != nil {
			s += valueText(*n.Value)
		}
		return []string{s}
	case template.NodeImage:
		return []string{"[image: " + oneLine(n.Text) + "] <" + n.Href + ">"}
	}
	return nil
}

// childLines renders nodes one after the other.
func childLines(nodes []template.Node, lo layout) []string {
	var lines []string
	for _, c := range nodes {
		lines = append(lines, nodeLines(c, lo)...)
	}
	return lines
}

func tableLines(n template.Node) []string {
	nc := len(n.Columns)
	if nc == 0 {
		return nil
	}
	widths := make([]int, nc)
	cells := make([][]string, len(n.Rows))
	for i, c := range n.Columns {
		widths[i] = min(textWidth(oneLine(c)), maxCell)
	}
	for r, row := range n.Rows {
		cells[r] = make([]string, nc)
		for i := 0; i < nc && i < len(row); i++ {
			s := valueText(row[i])
			cells[r][i] = s
			widths[i] = min(max(widths[i], textWidth(s)), maxCell)
		}
	}
	line := func(vals []string) string {
		parts := make([]string, nc)
		for i := range parts {
			parts[i] = fit(vals[i], widths[i])
		}
		return strings.TrimRight(strings.Join(parts, "  "), " ")
	}
	var out []string
	out = append(out, line(n.Columns))
	sep := make([]string, nc)
	for i := range sep {
		sep[i] = strings.Repeat("─", widths[i])
	}
	out = append(out, strings.Join(sep, "  "))
	for _, c := range cells {
		out = append(out, line(c))
	}
	if len(n.Rows) == 0 && n.Text != "" {
		out = append(out, oneLine(n.Text))
	}
	if n.Shown < n.Total {
		out = append(out, strconv.Itoa(n.Shown)+" of "+strconv.Itoa(n.Total)+" shown")
	}
	return out
}
