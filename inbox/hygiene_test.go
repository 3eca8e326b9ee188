package inbox_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
)

// TestDecodeRejectsControlCharacters: ids, the event type, the email and
// attachment names flow into ledger keys, host keys and host logs; a CR, LF,
// NUL or invalid UTF-8 there is rejected with a 400 naming the field.
func TestDecodeRejectsControlCharacters(t *testing.T) {
	d := mustDecoder(t)
	tests := []struct{ name, body, path string }{
		{"message id CRLF", `{"type":"message.received","id":"e","data":{"message_id":"m1\r\nX-Injected: 1","email":"a@b.c","text":"hi"}}`, "/data/message_id"},
		{"delivery id NUL", `{"type":"message.received","id":"e\u0000","data":{"message_id":"m1","email":"a@b.c","text":"hi"}}`, "/id"},
		{"message id invalid UTF-8", "{\"type\":\"message.received\",\"id\":\"e\",\"data\":{\"message_id\":\"m\xff\",\"email\":\"a@b.c\",\"text\":\"hi\"}}", "/data/message_id"},
		{"email NUL", `{"type":"message.received","id":"e","data":{"message_id":"m1","email":"a\u0000@b.c","text":"hi"}}`, "/data/email"},
		{"email LF", `{"type":"message.received","id":"e","data":{"message_id":"m1","email":"a@b.c\nbcc@evil.test","text":"hi"}}`, "/data/email"},
		{"email inner space", `{"type":"message.received","id":"e","data":{"message_id":"m1","email":"a b@b.c","text":"hi"}}`, "/data/email"},
		{"email no local part", `{"type":"message.received","id":"e","data":{"message_id":"m1","email":"@b.c","text":"hi"}}`, "/data/email"},
		{"attachment name CRLF", `{"type":"message.received","id":"e","data":{"message_id":"m1","email":"a@b.c","files":[{"url":"https://x.test/a","name":"a\r\nb"}]}}`, "/data/files/0/name"},
		{"attachment type CRLF", `{"type":"message.received","id":"e","data":{"message_id":"m1","email":"a@b.c","files":[{"url":"https://x.test/a","content_type":"text/html\r\nSet-Cookie: x"}]}}`, "/data/files/0/content_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.Decode(nil, []byte(tt.body))
			pe, ok := errors.AsType[*inbox.PayloadError](err)
			if !errors.Is(err, inbox.ErrMalformed) || !ok || pe.Problem.Path != tt.path {
				t.Fatalf("Decode = %v; want ErrMalformed at %s", err, tt.path)
			}
		})
	}
	_, err := d.Decode(http.Header{"Webhook-Id": {"msg\x01"}}, []byte(`{"type":"message.received","data":{"email":"a@b.c","text":"hi"}}`))
	if pe, ok := errors.AsType[*inbox.PayloadError](err); !ok || pe.Problem.Code != inbox.CodeInvalidChars || !strings.Contains(pe.Problem.Message, "delivery_id") {
		t.Errorf("Decode(control character in the delivery id header) = %v; want delivery_id rejected", err)
	}
}

// TestSyncRejectsBadIDs: hosts building events directly get the same checks.
func TestSyncRejectsBadIDs(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	for name, mod := range map[string]func(ev *inbox.Event){
		"message id LF":       func(ev *inbox.Event) { ev.MessageID = "m1\nm2" },
		"delivery id NUL":     func(ev *inbox.Event) { ev.MessageID, ev.DeliveryID = "", "d\x00" },
		"message id too long": func(ev *inbox.Event) { ev.MessageID = strings.Repeat("x", 100_000) },
		"email CR":            func(ev *inbox.Event) { ev.Email = "ada@example.com\r" + "x" },
		"email no at":         func(ev *inbox.Event) { ev.Email = "ada" },
		"relative attachment": func(ev *inbox.Event) { ev.Attachments = []inbox.Attachment{{URL: "/etc/passwd"}} },
		"only control text":   func(ev *inbox.Event) { ev.Text = "\x00\x01" },
		"javascript link": func(ev *inbox.Event) {
			ev.Kind, ev.Link = inbox.KindMinimal, "javascript:alert(1)"
		},
	} {
		ev := basicEvent("m1", "ada@example.com")
		mod(ev)
		if _, err := e.s.Sync(t.Context(), ev); !errors.Is(err, inbox.ErrMalformed) {
			t.Errorf("%s: Sync = %v; want ErrMalformed", name, err)
		}
	}
	if n, l := e.msgs.Len(), len(e.ledger.Entries()); n != 0 || l != 0 {
		t.Errorf("%d messages, %d ledger entries; want none", n, l)
	}
}

// TestSyncCleansText: the host gets valid UTF-8 without control characters,
// bidi overrides or zero-width characters (the joiner of emoji sequences
// stays); a MINIMAL activity stays on one line.
func TestSyncCleansText(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	basic := basicEvent("m1", "ada@example.com")
	basic.Text = "line 1\r\n\tline\x00 2 \xff \u202eevil\u202c ok \ufeffzero\u200bwidth\u2060 \u200e\u2066x\u2069 👨\u200d👩\u200d👧 \U000e0041"
	minimal := &inbox.Event{Source: "chat", Type: "order.placed", MessageID: "o1", Email: "ada@example.com",
		Kind: inbox.KindMinimal, Text: "Order #1\nplaced\x1b[31m"}
	for _, ev := range []*inbox.Event{basic, minimal} {
		if _, err := e.s.Sync(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	all := e.msgs.All()
	if got, want := all[0].Message.Text, "line 1\r\n\tline 2 \uFFFD evil ok zerowidth x 👨\u200d👩\u200d👧 "; got != want {
		t.Errorf("BASIC text = %q; want %q", got, want)
	}
	if got, want := all[1].Message.Text, "Order #1 placed[31m"; got != want {
		t.Errorf("MINIMAL text = %q; want %q", got, want)
	}
}

// TestDecodeActivityOneLine: a payload value with a line break cannot split
// the one-line activity the host shows.
func TestDecodeActivityOneLine(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	h := e.handler(t)
	body := []byte(`{"type":"order.placed","id":"e1","data":{"message_id":"o1","email":"ada@example.com","order":{"number":"1001\nFAKE: refund approved"}}}`)
	if code, resp := e.post(t, h, "msg_1", body); code != 200 {
		t.Fatalf("post = %d %s", code, resp)
	}
	if got := e.msgs.All()[0].Message.Text; strings.ContainsAny(got, "\r\n") {
		t.Errorf("activity text %q spans several lines", got)
	}
}

// TestDecoderOwnsItsSource: a Decoder is immutable; editing the Source's
// maps afterwards (or the copy Source returns) does not change it.
func TestDecoderOwnsItsSource(t *testing.T) {
	src := chatSource(nil)
	d, err := inbox.NewDecoder(src)
	if err != nil {
		t.Fatal(err)
	}
	src.Mapping.Directions["inbound"] = inbox.BusinessToParticipant
	d.Source().Mapping.Directions["inbound"] = inbox.BusinessToParticipant
	ev, err := d.Decode(nil, []byte(`{"type":"message.received","id":"e","data":{"email":"a@b.c","text":"hi","direction":"inbound"}}`))
	if err != nil || ev.Direction != inbox.ParticipantToBusiness {
		t.Errorf("Decode after editing the source = %+v, %v; want the direction mapped when the decoder was made", ev, err)
	}
}
