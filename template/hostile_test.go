package template_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
)

// walkOutput calls text for every display string and href for every URL
// in out.
func walkOutput(out *template.Output, text func(string), href func(string)) {
	var value func(v template.Value)
	value = func(v template.Value) {
		text(v.Text)
		if v.Href != "" {
			href(v.Href)
		}
	}
	var node func(n template.Node)
	node = func(n template.Node) {
		text(n.Title)
		text(n.Text)
		if n.Href != "" {
			href(n.Href)
		}
		if n.Value != nil {
			value(*n.Value)
		}
		for _, it := range n.Items {
			text(it.Label)
			value(it.Value)
		}
		for _, c := range n.Columns {
			text(c)
		}
		for _, r := range n.Rows {
			for _, v := range r {
				value(v)
			}
		}
		for _, c := range n.Children {
			node(c)
		}
	}
	for _, n := range out.Nodes {
		node(n)
	}
}

// safeHref is an independent check of the URL allow-list.
func safeHref(h string) bool {
	l := strings.ToLower(h)
	if !(strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "mailto:") || strings.HasPrefix(l, "tel:")) {
		return false
	}
	if strings.HasPrefix(l, "http") {
		rest := l[strings.Index(l, "//")+2:]
		if end := strings.IndexAny(rest, "/?#"); end >= 0 {
			rest = rest[:end]
		}
		if rest == "" || strings.Contains(rest, "@") {
			return false
		}
	}
	if strings.HasPrefix(l, "tel:") && strings.Trim(l[4:], "0123456789abcdefghijklmnopqrstuvwxyz+-.()*;=%") != "" {
		return false
	}
	for _, r := range h {
		if r <= ' ' || r == 0x7f || r == '\\' || r == '"' || r == '<' || r == '>' || r == '`' || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// badText reports whether s holds a character display text must not.
func badText(s string, allowNewline bool) bool {
	for _, r := range s {
		if (r == '\n' || r == '\t') && allowNewline {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c ||
			r == 0x200b || (r >= 0x2060 && r <= 0x2064) || (r >= 0x206a && r <= 0x206f) || r == 0x180e || r == 0xfeff ||
			(r >= 0xfff9 && r <= 0xfffb) || (r >= 0xe0000 && r <= 0xe007f) || r == 0x2028 || r == 0x2029 {
			return true
		}
	}
	return false
}

func mustParse(t testing.TB, def string) *template.Template {
	t.Helper()
	tp, err := template.Parse([]byte(def))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tp
}

var hostileURLs = []string{
	"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\tjavascript:alert(1)",
	"java\tscript:alert(1)", "java\nscript:alert(1)", "java\rscript:alert(1)", "javascript&#58;alert(1)",
	"javascript%3Aalert(1)", "&#106;avascript:alert(1)", "\u0000javascript:alert(1)", "jav\u200bascript:alert(1)",
	"\u202ejavascript:alert(1)", "javascript\u2028:alert(1)", "  javascript:alert(1)  ", "javascript://%0aalert(1)",
	"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "DATA:text/html,<script>alert(1)</script>",
	"vbscript:msgbox(1)", "VBScript:msgbox(1)", "//evil.example/x", "\\\\evil.example\\x", "/\\evil.example",
	"https:\\\\evil.example", "https:/\\evil.example", "https://evil.example\\@good.example", "https://user:pw@evil.example/",
	"https://good.example@evil.example/", "file:///etc/passwd", "feed:javascript:alert(1)", "ja\u0000vascript:alert(1)",
	"https://\u202eelpmaxe.live", " https://ok.example/", "https://ok.example/ ", "https://ok.example/\u0007",
	"http://", "https:", "https:///path", "mailto://evil.example", "tel:/evil", "https://ok.example/%zz",
	"https://ok.example/\"onmouseover=\"alert(1)", "https://ok.example/<script>", "//", "?x", "#x", "/relative", "relative/path",
	"jar:https://evil.example!/", "blob:https://evil.example/uuid", "x-javascript:alert(1)", "javascript" + strings.Repeat(" ", 5) + ":x",
	"https://" + strings.Repeat("a", 3000) + ".example/",
	"https://ok.example/é\"><script>alert(1)</script>", "https://good.example\uff0fevil.example", "https://good.example\uff20evil.example",
	"https://é.example@evil.example/", "tel:javascript:alert(1)", "tel:+1\"><script>", "mailto:a@b.example?subject=x%0D%0ABcc:evil@x.example",
	"mailto:\"<script>\"@x.example", "https://ok.example:99999/",
}

func TestHostileURLs(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[
		{"type":"repeat","path":"urls","limit":1000,"item":{"type":"card","sections":[
			{"type":"link","url":"{{u}}","label":"L"},
			{"type":"button","url":"{{u}}","label":"B"},
			{"type":"image","url":"{{u}}","alt":"I"},
			{"type":"keyvalue","items":[{"label":"k","value":"{{u}}","format":"link"}]}]}}]}`)
	var items []string
	for _, u := range hostileURLs {
		b, _ := json.Marshal(map[string]string{"u": u})
		items = append(items, string(b))
	}
	data := `{"urls":[` + strings.Join(items, ",") + `]}`
	out, err := tp.Render([]byte(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	var hrefs []string
	walkOutput(out, func(string) {}, func(h string) { hrefs = append(hrefs, h) })
	for _, h := range hrefs {
		if !safeHref(h) {
			t.Errorf("unsafe href survived: %q", h)
		}
	}
	// Every entry of hostileURLs is refused: none survives anywhere.
	if len(hrefs) != 0 {
		t.Errorf("surviving hrefs: %q", hrefs)
	}
	unsafe := 0
	for _, d := range out.Diagnostics {
		if d.Code == "unsafe_url" {
			unsafe += d.Count
		}
	}
	if unsafe != 4*len(hostileURLs)-len(hrefs) {
		t.Errorf("unsafe_url diagnostics counted %d, want %d", unsafe, 4*len(hostileURLs)-len(hrefs))
	}
	var html bytes.Buffer
	if err := render.HTML(&html, out); err != nil {
		t.Fatal(err)
	}
	if s := strings.ToLower(html.String()); strings.Contains(s, "javascript:") || strings.Contains(s, "data:") || strings.Contains(s, "vbscript:") {
		t.Errorf("HTML contains a dangerous scheme:\n%s", html.String())
	}
}

func TestSafeURLsSurvive(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[{"type":"repeat","path":"urls","item":{"type":"link","url":"{{u}}"}}]}`)
	good := []string{"https://ok.example/a?b=c#d", "HTTPS://OK.EXAMPLE", "http://ok.example:8080/x", "mailto:ada@example.com",
		"tel:+15550100", "https://[2001:db8::1]/x", "https://bücher.example/straße", "https://ok.example/%41"}
	var items []string
	for _, u := range good {
		b, _ := json.Marshal(map[string]string{"u": u})
		items = append(items, string(b))
	}
	out, err := tp.Render([]byte(`{"urls":[`+strings.Join(items, ",")+`]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Nodes[0].Children) != len(good) {
		t.Errorf("kept %d of %d safe URLs; diagnostics %v", len(out.Nodes[0].Children), len(good), out.Diagnostics)
	}
}

func TestURLTemplatesEscapeBindings(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[{"type":"button","label":"Open","url":"https://crm.example.com/c/{{id}}?q={{q}}"}]}`)
	for _, id := range []string{"admin@evil.example/x", "../../admin@evil.example/x", "..", "a/../../b"} {
		data, _ := json.Marshal(map[string]string{"id": id, "q": "a&b=c#d"})
		out, err := tp.Render(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Nodes) == 0 {
			// The variables package may refuse a value (a dot segment):
			// the button is then dropped with a diagnostic.
			if len(out.Diagnostics) == 0 || out.Diagnostics[0].Code != "expand_failed" {
				t.Errorf("id %q: button dropped without an expand_failed diagnostic: %v", id, out.Diagnostics)
			}
			continue
		}
		h := out.Nodes[0].Href
		if !strings.HasPrefix(h, "https://crm.example.com/c/") || strings.Count(h, "/") != 4 || strings.Contains(h, "#") || strings.Contains(h, "&b=") || strings.Contains(h, "/../") {
			t.Errorf("id %q: href = %q: a binding changed the URL's structure", id, h)
		}
	}
}

const allSectionsTemplate = `{"version":1,"sections":[
	{"type":"card","title":"{{s}}","sections":[
		{"type":"keyvalue","title":"{{s}}","items":[{"label":"{{s}}","value":"{{s}}"},{"label":"b","value":"{{s}}","format":"badge"},{"label":"e","value":"{{s}}","format":"email"}]},
		{"type":"table","title":"{{s}}","path":"rows","columns":[{"label":"{{s}}","value":"{{s}}"}],"empty":"{{s}}"},
		{"type":"text","text":"{{s}} and {{s}}"},
		{"type":"repeat","title":"{{s}}","path":"rows","item":{"type":"text","text":"{{s}}"}},
		{"type":"link","label":"{{s}}","url":"https://ok.example/{{s}}"},
		{"type":"button","label":"{{s}}","url":"https://ok.example/?q={{s}}"},
		{"type":"badge","label":"{{s}}","value":"{{s}}"},
		{"type":"image","alt":"{{s}}","url":"https://img.example/{{s}}.png"}]}]}`

func TestMarkupAndBidiInEveryTextField(t *testing.T) {
	tp := mustParse(t, allSectionsTemplate)
	payloads := []string{
		`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `{{s}}`, `</textarea><svg onload=alert(1)>`,
		"admin\u202egnp.exe", "\u2066evil\u2069 \u200f\u061c", "bell\u0007 nul\u0000 esc\u001b[31m del\u007f c1\u0085",
		"line1\r\nline2\u2028x", "\xff\xfe invalid utf-8",
		"ad\u200bmin", "hidden \U000E0069\U000E0067\U000E006E\U000E006F\U000E0072\U000E0065 tags", "\u2060\u2064\u206a\u206f\ufff9x\ufffb\u180e\ufeff",
	}
	for _, p := range payloads {
		row, _ := json.Marshal(map[string]string{"s": p})
		ps, _ := json.Marshal(p)
		data := `{"s":` + string(ps) + `,"rows":[` + string(row) + `]}`
		out, err := tp.Render([]byte(data), nil)
		if err != nil {
			t.Fatalf("Render(%q): %v", p, err)
		}
		walkOutput(out, func(s string) {
			if badText(s, true) {
				t.Errorf("payload %q: text %q keeps control or bidi characters", p, s)
			}
			if strings.Contains(s, "{{") && !strings.Contains(p, "{{") {
				t.Errorf("payload %q: literal placeholder in %q", p, s)
			}
		}, func(h string) {
			if !safeHref(h) || strings.ContainsAny(h, "<>\"") {
				t.Errorf("payload %q: href %q", p, h)
			}
		})
		var html bytes.Buffer
		if err := render.HTML(&html, out); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<script", "<img src=x", "<svg", "</textarea"} {
			if strings.Contains(html.String(), bad) {
				t.Errorf("payload %q: HTML contains %q", p, bad)
			}
		}
	}
}

func TestDeepNesting(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[{"type":"text","text":"{{a}}"}]}`)
	for _, n := range []int{65, 10_000, 6_000_000} {
		deep := append(bytes.Repeat([]byte("["), n), bytes.Repeat([]byte("]"), n)...)
		_, err := tp.Render(deep, &template.RenderOptions{MaxInputBytes: template.CapMaxInputBytes})
		if !errors.Is(err, template.ErrTooDeep) {
			t.Errorf("Render(%d nested arrays) error = %v, want ErrTooDeep", n, err)
		}
		if n < template.CapMaxDepth {
			continue
		}
		// Unbalanced and object nesting too, with a limit above the cap.
		deep = bytes.Repeat([]byte(`{"a":`), n)
		if _, err := tp.Render(deep, &template.RenderOptions{MaxInputBytes: template.CapMaxInputBytes, MaxDepth: 1 << 30}); !errors.Is(err, template.ErrTooDeep) {
			t.Errorf("Render(%d nested objects) error = %v, want ErrTooDeep", n, err)
		}
	}
	if _, err := template.Parse(bytes.Repeat([]byte("["), 6_000_000)); err == nil {
		t.Error("Parse(6M brackets) succeeded")
	}
	if _, err := template.Suggest(bytes.Repeat([]byte("["), 6_000_000)); err == nil {
		t.Error("Suggest(6M brackets) succeeded")
	}
	ok := strings.Repeat(`{"a":`, 64) + `1` + strings.Repeat(`}`, 64)
	if _, err := tp.Render([]byte(ok), nil); err != nil {
		t.Errorf("Render(64 levels) = %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[{"type":"text","text":"{{a}}"}]}`)
	big := make([]byte, 50<<20)
	copy(big, `{"a":"`)
	for i := 6; i < len(big)-2; i++ {
		big[i] = 'x'
	}
	copy(big[len(big)-2:], `"}`)
	for _, o := range []*template.RenderOptions{nil, {MaxInputBytes: 1 << 40}} {
		if _, err := tp.Render(big, o); !errors.Is(err, template.ErrTooLarge) {
			t.Errorf("Render(50 MB, %+v) error = %v, want ErrTooLarge", o, err)
		}
	}
	if _, err := tp.Render([]byte(`{"a":`), nil); !errors.Is(err, template.ErrInvalidJSON) {
		t.Errorf("Render(truncated) error = %v, want ErrInvalidJSON", err)
	}
}

func TestHugeArrays(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := range 100_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":` + strconv.Itoa(i) + `,"n":"item"}`)
	}
	b.WriteString(`]}`)
	data := []byte(b.String())
	opts := &template.RenderOptions{MaxInputBytes: 8 << 20}

	tp := mustParse(t, `{"version":1,"sections":[{"type":"table","path":"items","limit":1000,"columns":[{"label":"id","value":"{{id}}"}]},
		{"type":"repeat","path":"items","limit":1000,"item":{"type":"text","text":"{{$number}}: {{n}}"}}]}`)
	out, err := tp.Render(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := out.Nodes[0]; len(n.Rows) != 1000 || n.Shown != 1000 || n.Total != 100_000 {
		t.Errorf("table shown %d rows of %d (%d rows)", n.Shown, n.Total, len(n.Rows))
	}
	if n := out.Nodes[1]; len(n.Children) != 1000 || n.Total != 100_000 || n.Children[999].Text != "1000: item" {
		t.Errorf("repeat shown %d of %d", len(n.Children), n.Total)
	}

	small := &template.RenderOptions{MaxInputBytes: 8 << 20, MaxRepeatItems: 10, MaxNodes: 15}
	out, err = tp.Render(data, small)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, d := range out.Diagnostics {
		codes[d.Code] = true
	}
	if !codes["repeat_truncated"] || !codes["node_limit"] {
		t.Errorf("diagnostics = %v, want repeat_truncated and node_limit", out.Diagnostics)
	}
	if nodes := countNodes(out.Nodes); nodes > 15 {
		t.Errorf("rendered %d nodes, limit 15", nodes)
	}
}

func TestBeyondFloat64(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[{"type":"keyvalue","items":[
		{"label":"a","value":"{{a}}","format":{"type":"currency","currency":"USD"}},
		{"label":"b","value":"{{b}}","format":"number"},
		{"label":"c","value":"{{c}}","format":"number"},
		{"label":"big","value":"{{b}}","when":{"path":"b","op":"gt","value":123456789012345678901234567890.12345678}}]}]}`)
	out, err := tp.Render([]byte(`{"a":12345678901234567.89,"b":123456789012345678901234567890.123456789,"c":1e99999}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	items := out.Nodes[0].Items
	if items[0].Value.Text != "$12,345,678,901,234,567.89" {
		t.Errorf("a = %q", items[0].Value.Text)
	}
	if items[1].Value.Text != "123,456,789,012,345,678,901,234,567,890.123456789" {
		t.Errorf("b = %q", items[1].Value.Text)
	}
	if items[2].Value.Text != "1e99999" || items[2].Value.Kind != template.KindText {
		t.Errorf("c = %+v", items[2].Value)
	}
	if len(items) != 4 {
		t.Errorf("exact comparison hid the item: %d items", len(items))
	}
}

func TestLongTextTruncated(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[{"type":"text","text":"{{a}}"},{"type":"keyvalue","items":[{"label":"x","value":"{{a}}"}]}]}`)
	long := strings.Repeat("é", 1<<19)
	out, err := tp.Render([]byte(`{"a":"`+long+`"}`), &template.RenderOptions{MaxTextLength: 100, MaxInputBytes: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	walkOutput(out, func(s string) {
		if len(s) > 100+len("…") {
			t.Errorf("text of %d bytes", len(s))
		}
	}, func(string) {})
	if v := out.Nodes[1].Items[0].Value; v.Raw != "" {
		t.Errorf("raw of a long value kept (%d bytes)", len(v.Raw))
	}
	found := false
	for _, d := range out.Diagnostics {
		found = found || d.Code == "text_truncated"
	}
	if !found {
		t.Errorf("no text_truncated diagnostic: %v", out.Diagnostics)
	}
}

func TestDiagnosticsBounded(t *testing.T) {
	var items []string
	for i := range 300 {
		items = append(items, `{"label":"x","value":"{{m`+strconv.Itoa(i)+`}}"}`)
	}
	tp := mustParse(t, `{"version":1,"sections":[{"type":"keyvalue","items":[`+strings.Join(items, ",")+`]}]}`)
	out, err := tp.Render([]byte(`{}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.Diagnostics); n != template.MaxDiagnostics+1 || out.Diagnostics[n-1].Code != "diagnostics_truncated" {
		t.Errorf("%d diagnostics, last %+v", n, out.Diagnostics[n-1])
	}
}

// repeatedReadData is a response built to make lookups re-read a large
// value: a big array first, then a duplicate top-level key (so the
// top-level index is off and every $root lookup scans the whole
// response), then many small rows.
func repeatedReadData(bigItems, rows int) []byte {
	var b strings.Builder
	b.WriteString(`{"big":[`)
	for i := range bigItems {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"xxxxxxxxxxxxxxxx"`)
	}
	b.WriteString(`],"dup":1,"dup":2,"rows":[`)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"a":` + strconv.Itoa(i) + `}`)
	}
	b.WriteString(`],"cur":"USD"}`)
	return []byte(b.String())
}

// TestWorkBudget checks that templates whose lookups re-read the same
// large value stop at the work budget with a work_limit diagnostic
// instead of multiplying the scan by the node count (before the budget,
// the first case took about 10 s on 900 KB of data).
func TestWorkBudget(t *testing.T) {
	data := repeatedReadData(20_000, 1000)
	data = bytes.Replace(data, []byte(`"cur":"USD"`), []byte(`"cur":"USD","small":[`+strings.TrimSuffix(strings.Repeat("0,", 1000), ",")+`]`), 1)
	leaves := make([]string, 200)
	for i := range leaves {
		leaves[i] = `{"path":"$this","op":"eq","value":` + strconv.Itoa(i+1) + `}`
	}
	wideAny := strings.Join(leaves, ",")
	cols := make([]string, 10)
	for i := range cols {
		cols[i] = `{"label":"c","value":"{{$root.cur}}"}`
	}
	tests := []struct{ name, def string }{
		{"root lookup per cell", `{"version":1,"sections":[{"type":"table","path":"rows","limit":1000,"columns":[` + strings.Join(cols, ",") + `]}]}`},
		{"root array per item", `{"version":1,"sections":[{"type":"repeat","path":"rows","limit":1000,"item":
			{"type":"repeat","path":"$root.big","limit":1000,"empty":"EMPTY","item":{"type":"text","text":"x","when":{"path":"$this","op":"matches","value":"^y"}}}}]}`},
		{"root copy per item", `{"version":1,"sections":[{"type":"repeat","path":"rows","limit":1000,"item":{"type":"text","text":"{{a}} {{$root}}"}}]}`},
		{"hidden items with wide conditions", `{"version":1,"sections":[{"type":"repeat","path":"rows","limit":1000,"item":
			{"type":"repeat","path":"$root.small","limit":1000,"item":{"type":"text","text":"x","when":{"any":[` + wideAny + `]}}}}]}`},
		{"contains per item", `{"version":1,"sections":[{"type":"repeat","path":"rows","limit":1000,"item":
			{"type":"text","text":"{{a}}","when":{"path":"$root.big","op":"contains","value":"y"}}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tp := mustParse(t, tt.def)
			out, err := tp.Render(data, nil)
			if err != nil {
				t.Fatal(err)
			}
			codes := diagCodes(out)
			// work_limit, and nothing from lookups that failed after it
			// (missing_value), which would blame the data.
			if !slices.Contains(codes, "work_limit") || slices.Contains(codes, "missing_value") {
				t.Errorf("diagnostics %v, want work_limit and no missing_value", codes)
			}
			checkOutput(t, out, template.DefaultMaxNodes, template.DefaultMaxTextLength)
			// A list left unread at the budget is not shown as empty.
			walkOutput(out, func(s string) {
				if s == "EMPTY" {
					t.Error("a list cut by the work budget shows its empty text")
				}
			}, func(string) {})
		})
	}
}

// TestWorkBudgetLargeValue checks that showing one large value in every
// cell is charged: before, 10 columns of a 900 KB string over 1000 rows
// took over a minute (every cell scanned the whole string to sanitize
// it, or to parse it as a number).
func TestWorkBudgetLargeValue(t *testing.T) {
	rows := strings.Repeat(`{},`, 1000)
	for _, big := range []string{`"` + strings.Repeat("x", 200_000) + `"`, strings.Repeat("1", 200_000)} {
		data := []byte(`{"big":` + big + `,"rows":[` + rows[:len(rows)-1] + `]}`)
		for _, f := range []string{`"text"`, `"number"`} {
			cols := make([]string, 10)
			for i := range cols {
				cols[i] = `{"label":"c","value":"{{$root.big}}","format":` + f + `}`
			}
			tp := mustParse(t, `{"version":1,"sections":[{"type":"table","path":"rows","limit":1000,"columns":[`+strings.Join(cols, ",")+`]},
				{"type":"repeat","path":"rows","limit":1000,"item":{"type":"text","text":"{{$root.big}}"}}]}`)
			out, err := tp.Render(data, nil)
			if err != nil {
				t.Fatal(err)
			}
			codes := diagCodes(out)
			if !slices.Contains(codes, "work_limit") {
				t.Errorf("%s of %.10s…: diagnostics %v, want work_limit", f, big, codes)
			}
		}
	}
}

// TestWorkBudgetWideRoot checks that a response with many top-level keys
// stays indexed: a $root lookup per cell must not spend the budget.
func TestWorkBudgetWideRoot(t *testing.T) {
	data := repeatedReadData(20_000, 1000)
	var extra strings.Builder
	for i := range 500 {
		fmt.Fprintf(&extra, `,"k%d":%d`, i, i)
	}
	data = bytes.Replace(data, []byte(`"dup":1,"dup":2`), []byte(`"dup":1`+extra.String()), 1)
	tp := mustParse(t, `{"version":1,"sections":[{"type":"table","path":"rows","limit":1000,"columns":[
		{"label":"a","value":"{{a}}"},{"label":"c","value":"{{$root.cur}}"},{"label":"k","value":"{{$root.k499}}"}]}]}`)
	out, err := tp.Render(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Diagnostics) != 0 {
		t.Errorf("diagnostics %v, want none", out.Diagnostics)
	}
	if rows := out.Nodes[0].Rows; len(rows) != 1000 || rows[999][1].Text != "USD" || rows[999][2].Text != "499" {
		t.Errorf("got %d rows, last %v", len(rows), rows[len(rows)-1])
	}
}

// TestSuggestHostileSamples checks that Suggest gives a template that
// parses and renders the sample, the same bytes every time, for samples
// too wide or with keys too long for a literal translation (before the
// section cap, the wide ones failed with "suggestion does not validate").
func TestSuggestHostileSamples(t *testing.T) {
	object := func(n int, key func(int) string, val string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(key(i))
			b.Write(k)
			b.WriteString(":" + val)
		}
		b.WriteString("}")
		return b.String()
	}
	num := func(i int) string { return "k" + strconv.Itoa(i) }
	dots := func(i int) string { return strings.Repeat(".", 60) + strconv.Itoa(i) }
	inner := object(40, num, `"v"`)
	samples := map[string]string{
		"many scalars":        object(2000, num, `1`),
		"many tables":         object(2000, num, `[{"a":1,"b":"2024-01-15","status":"paid"}]`),
		"many objects":        object(300, num, inner),
		"many nested objects": object(300, num, `{"x":`+inner+`}`),
		"long escaped keys":   `{"id":1,"n":` + object(3, dots, object(3, dots, `{"amount":1,"currency":"EUR"}`)) + `}`,
		"hostile keys":        `{"a\u202eb":1,"\u0000":2,"x.y":3,"#":4,"@m":5,"a|b":6,"{{x}}":7,"$root":8,"` + strings.Repeat("k", 100) + `":9}`,
	}
	for name, sample := range samples {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			def, err := template.Suggest([]byte(sample))
			if err != nil {
				t.Fatalf("Suggest: %v", err)
			}
			again, err := template.Suggest([]byte(sample))
			if err != nil || !bytes.Equal(def, again) {
				t.Errorf("Suggest is not deterministic")
			}
			tp, err := template.Parse(def)
			if err != nil {
				t.Fatalf("Parse(suggestion): %v", err)
			}
			out, err := tp.Render([]byte(sample), nil)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			checkOutput(t, out, template.DefaultMaxNodes, template.DefaultMaxTextLength)
			if len(out.Nodes) == 0 {
				t.Error("the suggestion renders nothing")
			}
		})
	}
}

// diagCodes lists the codes of out's diagnostics, in order.
func diagCodes(out *template.Output) []string {
	var codes []string
	for _, d := range out.Diagnostics {
		codes = append(codes, d.Code)
	}
	return codes
}

// TestWideTableAllocation checks that a wide table over a long array of
// tiny rows allocates cells only for the rows the node limit leaves room
// for (before: 22 MB of cells for a render that stops after 50 rows).
func TestWideTableAllocation(t *testing.T) {
	cols := make([]string, 200)
	for i := range cols {
		cols[i] = `{"label":"c","value":"{{a}}"}`
	}
	tp := mustParse(t, `{"version":1,"sections":[{"type":"table","path":"rows","limit":1000,"columns":[`+strings.Join(cols, ",")+`]}]}`)
	rows := strings.Repeat(`{},`, 1000)
	data := []byte(`{"rows":[` + rows[:len(rows)-1] + `]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	out, err := tp.Render(data, nil)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.Nodes[0].Rows); n != template.DefaultMaxNodes/200-1 {
		t.Errorf("%d rows rendered", n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("render allocated %d bytes, want under 4 MiB", alloc)
	}
}

// TestLinkTextWithinLimit checks that a link or button without a label,
// whose text is its URL, keeps to MaxTextLength like every text.
func TestLinkTextWithinLimit(t *testing.T) {
	tp := mustParse(t, `{"version":1,"sections":[{"type":"link","url":"{{u}}"},{"type":"button","url":"https://x.example/{{p}}","label":"{{missing}}"}]}`)
	long := strings.Repeat("a", 300)
	out, err := tp.Render([]byte(`{"u":"https://x.example/`+long+`","p":"`+long+`"}`), &template.RenderOptions{MaxTextLength: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Nodes) != 2 {
		t.Fatalf("%d nodes, want 2", len(out.Nodes))
	}
	for _, n := range out.Nodes {
		if len(n.Text) > 100+len("…") || len(n.Href) < 300 {
			t.Errorf("%s: text of %d bytes, href of %d", n.Type, len(n.Text), len(n.Href))
		}
	}
	checkOutput(t, out, template.DefaultMaxNodes, 100)
}

// TestWorkBudgetInOperands checks that "in" is charged per operand: a
// long numeric string is parsed once for each of its 100 values.
func TestWorkBudgetInOperands(t *testing.T) {
	vals := make([]string, 100)
	for i := range vals {
		vals[i] = strconv.Itoa(i)
	}
	tp := mustParse(t, `{"version":1,"sections":[{"type":"repeat","path":"rows","limit":1000,"item":
		{"type":"text","text":"x","when":{"path":"$root.n","op":"in","value":[`+strings.Join(vals, ",")+`]}}}]}`)
	rows := strings.Repeat(`{},`, 1000)
	data := []byte(`{"n":"` + strings.Repeat("7", 3900) + `","rows":[` + rows[:len(rows)-1] + `]}`)
	out, err := tp.Render(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if codes := diagCodes(out); !slices.Contains(codes, "work_limit") {
		t.Errorf("diagnostics %v, want work_limit", codes)
	}
}
