package template_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/template"
)

// TestOutputClone checks, on every golden case, that a clone encodes exactly as the original
// and that writing to every part of the clone leaves the original as it was.
func TestOutputClone(t *testing.T) {
	dirs, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			tp, err := template.Parse(mustRead(t, filepath.Join(dir, "template.json")))
			if err != nil {
				t.Fatal(err)
			}
			out, err := tp.Render(mustRead(t, filepath.Join(dir, "data.json")), &template.RenderOptions{Now: goldenNow})
			if err != nil {
				t.Fatal(err)
			}
			want := string(encodeOutput(t, out))
			c := out.Clone()
			if diff := cmp.Diff(want, string(encodeOutput(t, c))); diff != "" {
				t.Fatalf("clone encodes differently (-want +got):\n%s", diff)
			}
			scribble(c.Nodes)
			for i := range c.Diagnostics {
				c.Diagnostics[i].Message = "changed"
			}
			c.Nodes = append(c.Nodes, template.Node{Type: template.NodeText, Text: "appended"})
			if diff := cmp.Diff(want, string(encodeOutput(t, out))); diff != "" {
				t.Errorf("writing to the clone changed the original (-want +got):\n%s", diff)
			}
		})
	}
	if (*template.Output)(nil).Clone() != nil {
		t.Error("nil Clone is not nil")
	}
}

// scribble overwrites every string of the tree and appends to every slice in it.
func scribble(nodes []template.Node) {
	for i := range nodes {
		n := &nodes[i]
		n.Title = "changed"
		if n.Value != nil {
			n.Value.Text = "changed"
		}
		for j := range n.Items {
			n.Items[j].Label, n.Items[j].Value.Text = "changed", "changed"
		}
		n.Items = append(n.Items, template.Item{Label: "appended"})
		for j := range n.Columns {
			n.Columns[j] = "changed"
		}
		n.Columns = append(n.Columns, "appended")
		for _, row := range n.Rows {
			for k := range row {
				row[k].Text, row[k].Raw = "changed", `"changed"`
			}
			_ = append(row, template.Value{Text: "appended"})
		}
		n.Rows = append(n.Rows, nil)
		scribble(n.Children)
		n.Children = append(n.Children, template.Node{Title: "appended"})
	}
}

// TestUsesNow: only templates with a relative time depend on the clock.
func TestUsesNow(t *testing.T) {
	for def, want := range map[string]bool{
		`{"version":1,"sections":[{"type":"text","text":"{{a}}"}]}`:                                                                     false,
		`{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"A","value":"{{a}}","format":"date"}]}]}`:                        false,
		`{"version":1,"sections":[{"type":"keyvalue","items":[{"label":"A","value":"{{a}}","format":"relative"}]}]}`:                    true,
		`{"version":1,"sections":[{"type":"table","path":"x","columns":[{"label":"A","value":"{{a}}","format":{"type":"relative"}}]}]}`: true,
	} {
		tp, err := template.Parse([]byte(def))
		if err != nil {
			t.Fatalf("Parse(%s) = %v", def, err)
		}
		if got := tp.UsesNow(); got != want {
			t.Errorf("Parse(%s).UsesNow() = %v, want %v", def, got, want)
		}
	}
}
