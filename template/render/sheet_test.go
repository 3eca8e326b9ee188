package render_test

import (
	"bytes"
	"log"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
	"golang.org/x/text/width"
)

// TestSheetGolden draws a profile sheet with every kind of card: fresh,
// stale, failed, not applicable, raw JSON, nested cards with a divider,
// a table wider than the card, wide (CJK) text and a long message.
func TestSheetGolden(t *testing.T) {
	cards := []render.Card{
		{Title: "Customer Data", Output: renderCase(t, "../testdata/cases/design_customer"), Updated: goldenNow.Add(-3 * time.Minute)},
		{Title: "Payments", Output: renderCase(t, "../testdata/cases/payments_customer"), Updated: goldenNow.Add(-26 * time.Hour),
			Stale: true, Message: "The service failed (HTTP 503)."},
		{Title: "Loyalty Points", Status: render.StatusError, Message: "The service failed (HTTP 503)."},
		{Title: "Billing", Status: render.StatusNotApplicable, Message: "The contact has no email address, which this card needs."},
		{Title: "Raw Lookup", Raw: []byte("{\"plan\":\"pro\",\"seats\":5,\"note\":\"\u202eevil\u200b\"}"), Updated: goldenNow},
		{Title: "注文履歴 (Orders)", Output: &template.Output{Version: 1, Nodes: []template.Node{
			{Type: template.NodeKeyValue, Items: []template.Item{{Label: "最新", Value: template.Value{Text: "東京都渋谷区の注文 #1234 は発送済みです", Kind: template.KindText}}}},
			{Type: template.NodeText, Text: "A long note that the renderer wraps at word boundaries so that it stays inside the card rather than being cut off."},
		}}},
	}
	var b bytes.Buffer
	if err := render.Sheet(&b, cards, &render.SheetOptions{Width: 64, Now: goldenNow}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "../testdata/sheet/profile.text.golden", b.Bytes())
}

// TestSheetWidth checks that every line of a sheet has the same width,
// whatever the cards hold, at several widths.
func TestSheetWidth(t *testing.T) {
	cards := []render.Card{
		{Title: strings.Repeat("Very long title ", 20), Output: renderCase(t, "../testdata/cases/shop_orders"), Updated: goldenNow.Add(-90 * time.Second)},
		{Title: "Err\r\nor", Status: render.StatusError, Message: strings.Repeat("x", 500)},
		{Title: "", Raw: []byte(`not json` + "\x00\x1b[31m")},
	}
	for _, width := range []int{0, 1, 30, 47, 64, 120, 1000} {
		var b bytes.Buffer
		if err := render.Sheet(&b, cards, &render.SheetOptions{Width: width, Now: goldenNow}); err != nil {
			t.Fatal(err)
		}
		want := min(max(width, 30), 200)
		if width == 0 {
			want = render.DefaultSheetWidth
		}
		for i, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if got := columns(l); got != want {
				t.Fatalf("width %d: line %d is %d columns, want %d: %q", width, i, got, want, l)
			}
			if strings.ContainsAny(l, "\x00\x1b\r") {
				t.Fatalf("width %d: line %d holds a control character: %q", width, i, l)
			}
		}
	}
}

// columns counts terminal columns as the renderer does for this test's
// text (ASCII and box drawing only, one column each).
func columns(s string) int {
	return len([]rune(s))
}

func TestSheetNotes(t *testing.T) {
	tests := []struct {
		card render.Card
		want string
	}{
		{render.Card{Title: "A", Updated: goldenNow.Add(-10 * time.Second)}, "updated just now"},
		{render.Card{Title: "A", Updated: goldenNow.Add(-3 * time.Minute)}, "updated 3 min ago"},
		{render.Card{Title: "A", Updated: goldenNow.Add(-90 * time.Minute)}, "updated 1 hour ago"},
		{render.Card{Title: "A", Updated: goldenNow.Add(-5 * time.Hour)}, "updated 5 hours ago"},
		{render.Card{Title: "A", Updated: goldenNow.Add(-72 * time.Hour), Stale: true}, "stale · updated 3 days ago"},
		{render.Card{Title: "A", Stale: true}, "stale"},
		{render.Card{Title: "A", Status: render.StatusError}, "failed"},
		{render.Card{Title: "A", Status: render.StatusNotApplicable}, "not applicable"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := render.Sheet(&b, []render.Card{tt.card}, &render.SheetOptions{Now: goldenNow}); err != nil {
			t.Fatal(err)
		}
		top, _, _ := strings.Cut(b.String(), "\n")
		if !strings.HasSuffix(top, " "+tt.want+" ─┐") {
			t.Errorf("top border %q does not end with %q", top, tt.want)
		}
	}
}

func ExampleSheet() {
	tmpl, err := template.Parse([]byte(`{"version": 1, "sections": [
	  {"type": "keyvalue", "title": "Customer Information", "items": [
	    {"label": "Customer ID", "value": "{{id}}"},
	    {"label": "Lifetime Value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}}]}]}`))
	if err != nil {
		log.Fatal(err)
	}
	out, err := tmpl.Render([]byte(`{"id": 12345, "ltv": 2850}`), nil)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	cards := []render.Card{
		{Title: "Customer Data", Output: out, Updated: now.Add(-3 * time.Minute)},
		{Title: "Loyalty Points", Status: render.StatusError, Message: "The service failed (HTTP 503)."},
	}
	if err := render.Sheet(os.Stdout, cards, &render.SheetOptions{Width: 56, Now: now}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ┌─ Customer Data ────────────────── updated 3 min ago ─┐
	// │ Customer ID          12345                           │
	// │ Lifetime Value       $2,850.00                       │
	// └──────────────────────────────────────────────────────┘
	// ┌─ Loyalty Points ──────────────────────────── failed ─┐
	// │ The service failed (HTTP 503).                       │
	// └──────────────────────────────────────────────────────┘
}

// FuzzSheet checks that whatever a card holds (titles, messages and raw
// responses from hosts and upstreams), every line of a sheet is exactly
// the sheet's width and free of control and bidi characters.
func FuzzSheet(f *testing.F) {
	f.Add("Customer Data", "The service failed (HTTP 503).", []byte(`{"a":1}`), 64)
	f.Add("注文履歴", "x\r\ny\x1b[2J", []byte("\u202e{\"b\":\"\u200b\"}"), 30)
	f.Add("", "", []byte(nil), 0)
	f.Add(strings.Repeat("é", 300), strings.Repeat("word ", 200), []byte(strings.Repeat("[", 50)), 200)
	f.Fuzz(func(t *testing.T, title, message string, raw []byte, width int) {
		if len(title)+len(message)+len(raw) > 4096 {
			return
		}
		cards := []render.Card{
			{Title: title, Raw: raw, Message: message, Stale: true, Updated: goldenNow.Add(-time.Hour)},
			{Title: title, Status: render.StatusError, Message: message},
			{Title: title, Output: &template.Output{Nodes: []template.Node{{Type: template.NodeText, Text: message}}}},
		}
		var b bytes.Buffer
		if err := render.Sheet(&b, cards, &render.SheetOptions{Width: width, Now: goldenNow}); err != nil {
			t.Fatal(err)
		}
		want := 0
		for i, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			w := displayWidth(l)
			if i == 0 {
				want = w
			}
			if w != want {
				t.Fatalf("line %d is %d columns, line 0 %d: %q", i, w, want, l)
			}
			for _, r := range l {
				if r < ' ' || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					t.Fatalf("line %d holds %U: %q", i, r, l)
				}
			}
		}
	})
}

// displayWidth counts terminal columns: two for wide and fullwidth
// characters, one for the rest.
func displayWidth(s string) int {
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

// TestDeepNesting draws cards nested deeper than the width allows: the
// inner boxes shrink to nothing, never a panic.
func TestDeepNesting(t *testing.T) {
	n := template.Node{Type: template.NodeKeyValue, Title: "leaf", Items: []template.Item{{Label: "a", Value: template.Value{Text: "b", Kind: template.KindText}}}}
	for range 40 {
		n = template.Node{Type: template.NodeCard, Title: "card", Children: []template.Node{n, {Type: template.NodeDivider}}}
	}
	out := &template.Output{Version: 1, Nodes: []template.Node{n}}
	var b bytes.Buffer
	if err := render.Text(&b, out); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := render.Sheet(&b, []render.Card{{Title: "deep", Output: out}}, &render.SheetOptions{Width: 30, Now: goldenNow}); err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if w := displayWidth(l); w != 30 {
			t.Fatalf("line %d is %d columns, want 30: %q", i, w, l)
		}
	}
}
