package inbox_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/inboxkit/inboxkit/inbox"
)

// FuzzPost posts an activity with arbitrary conversation ID, key, text, link and icon: Post
// never panics; it refuses the event as malformed and sends nothing, or sends exactly one
// one-line message into that conversation, and a second Post of the same event is a duplicate
// that sends nothing.
func FuzzPost(f *testing.F) {
	f.Add("conv-42", "i1/0/ev1", "Order #1001 shipped — $42.00", "https://shop.example.com/orders/1001", "truck")
	f.Add("", "k", "text", "", "")
	f.Add("conv\r\n2", "k\x00", "a\r\nb\u202e", "javascript:alert(1)", "<img>")
	f.Add("c\u0085", "../../k", "\u200b", "https://", "i")
	f.Add(strings.Repeat("c", 300), strings.Repeat("k", 2000), strings.Repeat("é", 5000), "https://a.example/"+strings.Repeat("x", 5000), "")
	f.Fuzz(func(t *testing.T, conv, key, text, link, icon string) {
		e := newEnv(t, nil)
		ev := &inbox.Event{Source: "integration", Type: "conversation.resolved", IdempotencyKey: key,
			Kind: inbox.KindMinimal, Visibility: inbox.BusinessOnly, Text: text, Link: link, Icon: icon}
		out, err := e.s.Post(t.Context(), conv, ev)
		if err != nil {
			if !errors.Is(err, inbox.ErrMalformed) || errors.Is(err, inbox.ErrTemporary) {
				t.Fatalf("Post = %v; want a malformed event or a send", err)
			}
			if n := e.msgs.Len(); n != 0 {
				t.Fatalf("a refused Post sent %d messages", n)
			}
			return
		}
		if out.Status != inbox.StatusSent || out.Rule != inbox.RulePost {
			t.Fatalf("Post = %+v; want sent with rule %q", out, inbox.RulePost)
		}
		all := e.msgs.All()
		if len(all) != 1 || all[0].ConversationID != conv {
			t.Fatalf("messages = %+v; want one in %q", all, conv)
		}
		m := all[0].Message
		if m.Text == "" || strings.ContainsFunc(m.Text, func(r rune) bool { return unicode.IsControl(r) || r == '\u202e' }) {
			t.Fatalf("message text %q is empty or holds a control character", m.Text)
		}
		if l := strings.ToLower(m.Link); l != "" && !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
			t.Fatalf("message link %q is not http(s)", m.Link)
		}
		again, err := e.s.Post(t.Context(), conv, ev)
		if err != nil || again.Status != inbox.StatusDuplicate || e.msgs.Len() != 1 {
			t.Fatalf("second Post = %+v, %v with %d messages; want a duplicate and still one", again, err, e.msgs.Len())
		}
	})
}
