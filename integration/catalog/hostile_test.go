package catalog_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration/catalog"
	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
)

// hostileStrings replace the sample's strings, one variant per run.
var hostileStrings = []string{
	`<script>alert(document.cookie)</script><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	"JaVaScRiPt\t:alert(1)",
	`data:text/html,<script>alert(1)</script>`,
	"//evil.example.com/x",
	"https://evil.example.com/\u202egnp.exe",
	"{{secret.api_key}} {{contact.email}} {{$root}}",
	"\u202eevil\u200b\x00\x1b[31m",
}

// poison returns v with every string replaced by s and every array of objects grown to n
// copies of its first element (so a repeat or table meets far more rows than it shows); arrays
// inside those grow to 3, so the data stays within the render input limit.
func poison(v any, s string, n int) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = poison(x, s, n)
		}
		return out
	case []any:
		if len(v) == 0 {
			return v
		}
		first := poison(v[0], s, 3)
		if _, ok := first.(map[string]any); !ok {
			return []any{first}
		}
		out := make([]any, n)
		for i := range out {
			out[i] = first
		}
		return out
	case string:
		return s
	}
	return v
}

// hrefs collects every Href of the tree.
func hrefs(nodes []template.Node, out *[]string) {
	val := func(v *template.Value) {
		if v != nil && v.Href != "" {
			*out = append(*out, v.Href)
		}
	}
	for _, n := range nodes {
		if n.Href != "" {
			*out = append(*out, n.Href)
		}
		val(n.Value)
		for _, it := range n.Items {
			val(&it.Value)
		}
		for _, r := range n.Rows {
			for _, c := range r {
				val(&c)
			}
		}
		hrefs(n.Children, out)
	}
}

// TestHostileSamples renders each entry's template on its sample with every string replaced by
// markup, script URLs or control characters and every list grown to up to 200 rows: rendering
// succeeds, every link is http(s), mailto or tel to a host the service controls, markup stays
// text in the HTML rendering, placeholders in data are shown literally, and lists stay at their
// limits.
func TestHostileSamples(t *testing.T) {
	entries, err := catalog.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.ID, func(t *testing.T) {
			t.Parallel()
			in, err := catalog.Install(e.ID, sampleValues(e))
			if err != nil {
				t.Fatal(err)
			}
			tp, err := template.Parse(in.Display.Template)
			if err != nil {
				t.Fatal(err)
			}
			var sample any
			if err := json.Unmarshal(e.Sample.Response, &sample); err != nil {
				t.Fatal(err)
			}
			for _, s := range hostileStrings {
				// The longest lists that stay within the render input limit: at least 20 rows,
				// twice the largest limit of any entry.
				var data []byte
				for _, n := range []int{200, 20} {
					if data, err = json.Marshal(poison(sample, s, n)); err != nil {
						t.Fatal(err)
					}
					if len(data) <= template.DefaultMaxInputBytes {
						break
					}
				}
				out, err := tp.Render(data, &template.RenderOptions{Now: goldenNow})
				if err != nil {
					t.Fatalf("Render(%q): %v", s, err)
				}
				var links []string
				hrefs(out.Nodes, &links)
				for _, h := range links {
					u, err := url.Parse(h)
					if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "mailto" && u.Scheme != "tel") {
						t.Errorf("value %q: link %q", s, h)
						continue
					}
					if (u.Scheme == "https" || u.Scheme == "http") && strings.Contains(u.Host, "evil") {
						t.Errorf("value %q: link to %q", s, h)
					}
				}
				var html bytes.Buffer
				if err := render.HTML(&html, out); err != nil {
					t.Fatal(err)
				}
				low := strings.ToLower(html.String())
				for _, bad := range []string{"<script", "<img", "href=\"javascript", "href=\"data", "\u202e", "\x00", "\x1b"} {
					if strings.Contains(low, bad) {
						t.Errorf("value %q: the HTML rendering contains %q", s, bad)
					}
				}
				enc, _ := json.Marshal(out)
				if strings.HasPrefix(s, "{{") && !bytes.Contains(enc, []byte("{{secret.api_key}} {{contact.email}}")) {
					t.Errorf("value %q: the placeholders in the data were not shown literally", s)
				}
				if bytes.Contains(enc, []byte(sampleValues(e)[e.Secrets[0].Name])) {
					t.Errorf("value %q: the rendering shows the credential", s)
				}
				rows := 0
				countRows(out.Nodes, &rows)
				if rows > 60 {
					t.Errorf("value %q: %d rows and repeated items rendered", s, rows)
				}
			}
		})
	}
}

func countRows(nodes []template.Node, n *int) {
	for _, nd := range nodes {
		*n += len(nd.Rows)
		if nd.Type == template.NodeRepeat {
			*n += len(nd.Children)
		}
		countRows(nd.Children, n)
	}
}
