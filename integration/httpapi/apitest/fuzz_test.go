package apitest_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/integration/httpapi/apitest"
)

// FuzzParseEvents: reading any stream never panics, and every event read has a name and
// its data.
func FuzzParseEvents(f *testing.F) {
	for _, s := range []string{
		"event: cards\ndata: {\"cards\": []}\n\n: heartbeat\n\nevent: done\ndata: {\"cards\": 0}\n\n",
		"event: card\ndata: [1,\ndata: 2]\n\n", "data: x\n\n", "event: a\n", ": only a comment\n\n", "\n\n\n", "event: a\r\ndata: 1\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, stream []byte) {
		events, err := apitest.ParseEvents(stream)
		if err != nil {
			return
		}
		for _, e := range events {
			m, ok := e.(map[string]any)
			if !ok || len(m) != 2 {
				t.Fatalf("event %#v", e)
			}
			if _, ok := m["event"].(string); !ok {
				t.Fatalf("event without a name: %#v", e)
			}
		}
	})
}
