package triggers_test

import (
	"errors"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/integration"
)

// An event whose ID or conversation ID holds a C1 control character (U+0085, U+009B), which
// package inbox refuses in a post's key and conversation, is refused up front as invalid, so the
// host sees a permanent error naming the field; it is not settled with every activity silently
// refused by the post.
func TestHandleRefusesWhatInboxRefuses(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	srv, _, calls := shop(t, `{"order": {"number": 1001, "status": "shipped", "total": 42}}`)
	h.add(t, orders(srv.URL))
	for _, tt := range []struct {
		name, path string
		edit       func(*integration.ConversationEvent)
	}{
		{"event ID", "/id", func(ev *integration.ConversationEvent) { ev.ID = "evt\u0085" }},
		{"conversation ID", "/conversation/id", func(ev *integration.ConversationEvent) { ev.Conversation.ID = "conv\u009b1" }},
	} {
		ev := resolved("evt_1")
		tt.edit(ev)
		results, err := h.poster.Handle(t.Context(), member, ev)
		ve, ok := errors.AsType[*integration.ValidationError](err)
		if !ok || len(ve.Problems) != 1 || ve.Problems[0].Path != tt.path || errors.Is(err, inbox.ErrTemporary) {
			t.Errorf("%s: Handle = %+v, %v; want a permanent ValidationError at %s", tt.name, results, err, tt.path)
		}
	}
	if calls.Load() != 0 || h.msgs.Len() != 0 {
		t.Errorf("%d upstream calls, %d messages; want none", calls.Load(), h.msgs.Len())
	}
}
