package integration

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/template"
)

// FuzzTriggerActivity compiles an arbitrary trigger text and link and renders them over
// arbitrary data: nothing panics, an invalid trigger is a ValidationError whose problems point
// at the trigger, and a rendered activity is one clean line of at most MaxActivityRunes runes
// with no link or an http(s) one that package inbox accepts, and no secret value in either.
func FuzzTriggerActivity(f *testing.F) {
	f.Add(`Order #{{order.number}} — {{order.total | currency:"USD"}}`, "https://shop.example.com/o/{{order.number}}",
		`{"order":{"number":1001,"total":42}}`)
	f.Add("{{a}}", "{{a}}", `{"a":"javascript:alert(1)"}`)
	f.Add("{{a}} {{b | date}}", "HTTP://x.example.com/{{a}}?q={{b}}", "{\"a\":\"../x\\r\\n\\u202e\",\"b\":\"2024-01-15T10:00:00Z\"}")
	f.Add("{{ $root }}", "{{x}}", `{"x":"https://a.example.com/\"<b>"}`)
	f.Add(strings.Repeat("{{a}}", 200), "", `{"a":"`+strings.Repeat("ż", 300)+`"}`)
	f.Add("{{a | number:\"2\"}}{{a | percent}}", "https://{{a}}", `[[[[]]]]`)
	f.Add("{{a}}", "https://x.example.com/{{a}}", `{"a":"tok\u005f1"}`)
	f.Fuzz(func(t *testing.T, text, link, data string) {
		if len(text)+len(link)+len(data) > 16<<10 {
			return
		}
		var ps problems
		tr := []Trigger{{Name: "resolved", On: EventConversationResolved, Text: text, Link: link}}
		cts := compileTriggers(&ps, tr)
		for _, p := range ps {
			if !strings.HasPrefix(p.Path, "/triggers/0") || p.Code == "" {
				t.Fatalf("problem %+v does not point at the trigger", p)
			}
		}
		if len(ps) > 0 {
			if len(cts) != 0 {
				t.Fatal("an invalid trigger compiled")
			}
			return
		}
		var s Service
		a := &Activity{}
		err := s.renderActivity(&cts[0], []byte(data), time.Unix(0, 0), time.UTC, []string{"tok_1"}, a)
		if err != nil {
			if json.Valid([]byte(data)) && errors.Is(err, template.ErrInvalidJSON) {
				t.Fatalf("valid data refused: %v", err)
			}
			return
		}
		if a.Status == StatusOK && a.Text == "" || a.Status == StatusNotApplicable && a.Text != "" {
			t.Fatalf("status %s with text %q", a.Status, a.Text)
		}
		if strings.Contains(a.Text, "tok_1") || strings.Contains(a.Link, "tok_1") {
			t.Fatalf("activity %q (link %q) holds the secret", a.Text, a.Link)
		}
		if utf8.RuneCountInString(a.Text) > MaxActivityRunes || strings.TrimSpace(a.Text) != a.Text {
			t.Fatalf("text %q is too long or not trimmed", a.Text)
		}
		for _, r := range a.Text {
			if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("text %q holds %U", a.Text, r)
			}
		}
		if a.Link != "" && !strings.HasPrefix(strings.ToLower(a.Link), "http://") && !strings.HasPrefix(strings.ToLower(a.Link), "https://") {
			t.Fatalf("link %q is not http(s)", a.Link)
		}
		// A link package inbox refuses would have the whole activity refused by the post: it
		// must parse as an absolute URL with a host, within inbox's 4096 bytes.
		if a.Link != "" {
			if u, err := url.Parse(a.Link); err != nil || u.Host == "" || len(a.Link) > 4096 {
				t.Fatalf("link %q would be refused by package inbox (%v)", a.Link, err)
			}
		}
	})
}
