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
// drawn in boxes:
//
//	┌─ Customer Information ─────────────────┐
//	│ Customer ID          12345             │
//	│ Lifetime Value       $2,850.00         │
//	└────────────────────────────────────────┘
//
// Badges are written as [Gold], links as "label <url>", buttons as
// "[ label ] <url>", empty values as "—". Lines inside a box are cut
// with "…" to fit the widest box (100 columns); text, links and buttons
// outside any box are written in full. A nil out writes nothing.
func Text(w io.Writer, out *template.Output) error {
	if out == nil {
		return nil
	}
	var b strings.Builder
	for _, n := range out.Nodes {
		for _, l := range nodeLines(n, maxBoxWidth, false) {
			if l == dividerLine {
				l = strings.Repeat("─", minBoxWidth)
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
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
func fit(s string, w int) string {
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

// box frames content lines with a title; inner is the content width.
func box(title string, content []string, maxWidth int) []string {
	inner := minBoxWidth - 4
	for _, l := range content {
		inner = max(inner, textWidth(l))
	}
	if title != "" {
		inner = max(inner, textWidth(oneLine(title))+2)
	}
	inner = min(inner, maxWidth-4)
	var out []string
	if title != "" {
		t := fit(oneLine(title), min(textWidth(oneLine(title)), inner-1))
		out = append(out, "┌─ "+t+" "+strings.Repeat("─", inner-textWidth(t)-1)+"┐")
	} else {
		out = append(out, "┌"+strings.Repeat("─", inner+2)+"┐")
	}
	for _, l := range content {
		if l == dividerLine {
			l = strings.Repeat("─", inner)
		}
		out = append(out, "│ "+fit(l, inner)+" │")
	}
	return append(out, "└"+strings.Repeat("─", inner+2)+"┘")
}

// nodeLines renders n as lines at most maxWidth columns wide. Inside a
// box (nested), untitled key-value lists and tables are not boxed again.
func nodeLines(n template.Node, maxWidth int, nested bool) []string {
	frame := func(title string, content []string) []string {
		if nested && title == "" {
			return content
		}
		return box(title, content, maxWidth)
	}
	switch n.Type {
	case template.NodeCard:
		var content []string
		for _, c := range n.Children {
			content = append(content, nodeLines(c, maxWidth-4, true)...)
		}
		return box(n.Title, content, maxWidth)
	case template.NodeKeyValue:
		content := make([]string, 0, len(n.Items))
		for _, it := range n.Items {
			content = append(content, fit(oneLine(it.Label), labelWidth)+" "+valueText(it.Value))
		}
		return frame(n.Title, content)
	case template.NodeTable:
		return frame(n.Title, tableLines(n))
	case template.NodeRepeat:
		var content []string
		for _, c := range n.Children {
			content = append(content, nodeLines(c, maxWidth-4, nested || n.Title != "")...)
		}
		if n.Total == 0 && n.Text != "" {
			content = append(content, oneLine(n.Text))
		}
		if n.Shown < n.Total {
			content = append(content, strconv.Itoa(n.Shown)+" of "+strconv.Itoa(n.Total)+" shown")
		}
		if n.Title != "" {
			return box(n.Title, content, maxWidth)
		}
		return content
	case template.NodeText:
		lines := strings.Split(strings.ReplaceAll(n.Text, "\t", " "), "\n")
		if n.Style == "heading" {
			for i, l := range lines {
				lines[i] = strings.ToUpper(l)
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
