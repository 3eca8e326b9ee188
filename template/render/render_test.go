package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata")

var goldenNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./template/... -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
	}
}

func renderCase(t *testing.T, dir string) *template.Output {
	t.Helper()
	def, err := os.ReadFile(filepath.Join(dir, "template.json"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "data.json"))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := template.Parse(def)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	out, err := tp.Render(data, &template.RenderOptions{Now: goldenNow})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return out
}

// TestGolden renders every case of ../testdata/cases as text and HTML.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/cases/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			out := renderCase(t, dir)
			var txt, html bytes.Buffer
			if err := render.Text(&txt, out); err != nil {
				t.Fatal(err)
			}
			if err := render.HTML(&html, out); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join(dir, "text.golden"), txt.Bytes())
			checkGolden(t, filepath.Join(dir, "html.golden"), html.Bytes())
		})
	}
}

func TestNil(t *testing.T) {
	var b bytes.Buffer
	if err := render.Text(&b, nil); err != nil || b.Len() != 0 {
		t.Errorf("Text(nil) = %q, %v", b.String(), err)
	}
	if err := render.HTML(&b, nil); err != nil || b.Len() != 0 {
		t.Errorf("HTML(nil) = %q, %v", b.String(), err)
	}
}

// TestHTMLEscapes checks that markup in text never reaches the HTML
// unescaped, and that html/template's own URL filter backs up the
// tree's allow-list.
func TestHTMLEscapes(t *testing.T) {
	out := &template.Output{Version: 1, Nodes: []template.Node{
		{Type: template.NodeText, Text: `<script>alert(1)</script>`},
		{Type: template.NodeLink, Text: `<b>x</b>`, Href: `javascript:alert(1)`},
		{Type: template.NodeLink, Text: "tel", Href: `tel:javascript:alert(1)`},
		{Type: template.NodeLink, Text: "tel", Href: `TEL:"><script>alert(1)</script>`},
		{Type: template.NodeKeyValue, Title: `"><img src=x onerror=alert(1)>`, Items: []template.Item{{Label: "<i>", Value: template.Value{Text: "<u>", Kind: template.KindBadge, Tone: `x" onclick="y`}}}},
	}}
	var b bytes.Buffer
	if err := render.HTML(&b, out); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, bad := range []string{"<script", "javascript:", "<img", "<b>", "<i>", "<u>", `" onclick`} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML output contains %q:\n%s", bad, s)
		}
	}
}

// TestHTMLTelLinks checks that phone links survive html/template's URL
// filter, which knows only http, https and mailto.
func TestHTMLTelLinks(t *testing.T) {
	out := &template.Output{Version: 1, Nodes: []template.Node{
		{Type: template.NodeKeyValue, Items: []template.Item{{Label: "Phone", Value: template.Value{Text: "+1 555 0100", Kind: template.KindPhone, Href: "tel:+15550100"}}}},
		{Type: template.NodeButton, Text: "Call", Href: "tel:+1-555-0100;ext=2", Style: "primary"},
	}}
	var b bytes.Buffer
	if err := render.HTML(&b, out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="tel:&#43;15550100"`, `href="tel:&#43;1-555-0100;ext=2"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("HTML lacks %s:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "ZgotmplZ") {
		t.Errorf("a tel: link was filtered:\n%s", b.String())
	}
}

// TestGoldenPresets renders every preset's sample as text and HTML.
func TestGoldenPresets(t *testing.T) {
	presets := template.Presets()
	if len(presets) == 0 {
		t.Fatal("no presets")
	}
	for _, p := range presets {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			tp, err := template.Parse(p.Template)
			if err != nil {
				t.Fatal(err)
			}
			out, err := tp.Render(p.Sample, &template.RenderOptions{Now: goldenNow})
			if err != nil {
				t.Fatal(err)
			}
			var txt, html bytes.Buffer
			if err := render.Text(&txt, out); err != nil {
				t.Fatal(err)
			}
			if err := render.HTML(&html, out); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("../testdata/presets", p.Name+".text.golden"), txt.Bytes())
			checkGolden(t, filepath.Join("../testdata/presets", p.Name+".html.golden"), html.Bytes())
		})
	}
}
