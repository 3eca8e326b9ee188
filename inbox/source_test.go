package inbox_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/inbox"
)

func TestSourceValidate(t *testing.T) {
	tests := []struct {
		name   string
		mod    func(s *inbox.Source)
		fields []string
	}{
		{"valid", func(s *inbox.Source) {}, nil},
		{"empty", func(s *inbox.Source) { *s = inbox.Source{} }, []string{"/name required", "/mapping/type required", "/mapping/email required", "/mapping/message_id required", "/events required"}},
		{"bad name", func(s *inbox.Source) { s.Name = "chat tool" }, []string{"/name invalid_name"}},
		{"modifier", func(s *inbox.Source) { s.Mapping.Email = "data|@reverse" }, []string{"/mapping/email modifier"}},
		{"no ids", func(s *inbox.Source) {
			s.Mapping.MessageID, s.Mapping.DeliveryID, s.DeliveryIDHeader = "", "", ""
		}, []string{"/mapping/message_id required"}},
		{"direction without values", func(s *inbox.Source) { s.Mapping.Directions = nil }, []string{"/mapping/directions required"}},
		{"bad kind", func(s *inbox.Source) { s.Events["x"] = inbox.EventType{} }, []string{"/events/x/kind unknown_value"}},
		{"minimal without text", func(s *inbox.Source) { s.Events["x"] = inbox.EventType{Kind: inbox.KindMinimal} }, []string{"/events/x/text required"}},
		{"unknown template name", func(s *inbox.Source) {
			s.Events["x"] = inbox.EventType{Kind: inbox.KindMinimal, Text: "{{ secret.key }}"}
		}, []string{"/events/x/text unknown_variable"}},
		{"bad template syntax", func(s *inbox.Source) {
			s.Events["x"] = inbox.EventType{Kind: inbox.KindMinimal, Text: "Order {{ field.order "}
		}, []string{"/events/x/text syntax"}},
		{"link placeholder in host", func(s *inbox.Source) {
			s.Events["x"] = inbox.EventType{Kind: inbox.KindMinimal, Text: "x", Link: "https://{{ field.order }}/a"}
		}, []string{"/events/x/link placement"}},
		{"basic without text path", func(s *inbox.Source) { s.Mapping.Text, s.Mapping.Attachments = "", "" }, []string{"/mapping/text required"}},
		{"bad field name", func(s *inbox.Source) { s.Mapping.Fields["a b"] = "x" }, []string{"/mapping/fields/a b invalid_name"}},
		{"slash in event type", func(s *inbox.Source) { s.Events["orders/placed"] = inbox.EventType{Kind: inbox.KindMinimal} }, []string{"/events/orders~1placed/text required"}},
		{"tilde in direction value", func(s *inbox.Source) { s.Mapping.Directions["~in"] = 7 }, []string{"/mapping/directions/~0in unknown_value"}},
		{"empty key path", func(s *inbox.Source) { s.Mapping.IdempotencyKey = []string{"data.order", ""} }, []string{"/mapping/idempotency_key/1 required"}},
		{"key paths alone identify", func(s *inbox.Source) {
			s.Mapping.MessageID, s.Mapping.DeliveryID, s.DeliveryIDHeader = "", "", ""
			s.Mapping.IdempotencyKey = []string{"data.order.number"}
		}, nil},
		{"deep cap", func(s *inbox.Source) { s.MaxDepth = 5000 }, []string{"/max_depth out_of_range"}},
		{"negative cap", func(s *inbox.Source) { s.MaxBodyBytes = -1 }, []string{"/max_body_bytes out_of_range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := chatSource(nil)
			tt.mod(&src)
			err := src.Validate()
			var got []string
			if se, ok := errors.AsType[*inbox.SourceError](err); ok {
				for _, p := range se.Problems {
					got = append(got, p.Path+" "+p.Code)
				}
			} else if err != nil {
				t.Fatalf("Validate = %v (%T); want *SourceError", err, err)
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("problem fields mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}

func mustDecoder(t testing.TB) *inbox.Decoder {
	t.Helper()
	d, err := inbox.NewDecoder(chatSource(nil))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDecode(t *testing.T) {
	d := mustDecoder(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		h    http.Header
		body string
		want *inbox.Event
	}{
		{"customer message", nil, `{"type":"message.received","id":"evt_1","occurred_at":"2026-01-02T03:04:05Z",
			"data":{"message_id":"m1","email":" Ada@Example.com ","text":"Hi","direction":"inbound"}}`,
			&inbox.Event{Source: "chat", Type: "message.received", DeliveryID: "evt_1", MessageID: "m1", Email: " Ada@Example.com ",
				Kind: inbox.KindBasic, Text: "Hi", OccurredAt: at}},
		{"business reply, internal", nil, `{"type":"message.sent","id":"evt_2","occurred_at":1767323045,
			"data":{"message_id":42,"email":"ada@example.com","text":"Hello","visibility":"internal"}}`,
			&inbox.Event{Source: "chat", Type: "message.sent", DeliveryID: "evt_2", MessageID: "42", Email: "ada@example.com",
				Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant, Visibility: inbox.BusinessOnly, Text: "Hello", OccurredAt: at}},
		{"payload direction overrides type default", nil, `{"type":"message.sent","id":"e","data":{"message_id":"m","email":"a@b.c","text":"t","direction":"inbound"}}`,
			&inbox.Event{Source: "chat", Type: "message.sent", DeliveryID: "e", MessageID: "m", Email: "a@b.c", Kind: inbox.KindBasic, Text: "t"}},
		{"activity", nil, `{"type":"order.placed","id":"evt_3","data":{"email":"ada@example.com","order":{"number":1001}}}`,
			&inbox.Event{Source: "chat", Type: "order.placed", DeliveryID: "evt_3", Email: "ada@example.com",
				Kind: inbox.KindMinimal, Text: "Order #1001 placed", Icon: "cart", Link: "https://shop.example.com/orders/1001"}},
		{"activity link escaped", nil, `{"type":"order.placed","id":"evt_4","data":{"email":"a@b.c","order":{"number":"a/b?x#y"}}}`,
			&inbox.Event{Source: "chat", Type: "order.placed", DeliveryID: "evt_4", Email: "a@b.c",
				Kind: inbox.KindMinimal, Text: "Order #a/b?x#y placed", Icon: "cart", Link: "https://shop.example.com/orders/a%2Fb%3Fx%23y"}},
		{"attachments only", nil, `{"type":"message.received","id":"e5","data":{"email":"a@b.c","files":[{"url":"https://cdn.example.com/a.png","name":"a.png","content_type":"image/png"}]}}`,
			&inbox.Event{Source: "chat", Type: "message.received", DeliveryID: "e5", Email: "a@b.c", Kind: inbox.KindBasic,
				Attachments: []inbox.Attachment{{URL: "https://cdn.example.com/a.png", Name: "a.png", ContentType: "image/png"}}}},
		{"delivery id from header", http.Header{"Webhook-Id": {"msg_9"}}, `{"type":"message.received","data":{"email":"a@b.c","text":"x"}}`,
			&inbox.Event{Source: "chat", Type: "message.received", DeliveryID: "msg_9", Email: "a@b.c", Kind: inbox.KindBasic, Text: "x"}},
		{"unmapped type", nil, `{"type":"call.ended","data":{}}`, &inbox.Event{Source: "chat", Type: "call.ended"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.Decode(tt.h, []byte(tt.body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decode mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	d := mustDecoder(t)
	secretish := "hunter2-body-value"
	tests := []struct{ name, body, path, code string }{
		{"not json", `{"type":`, "", "invalid_json"},
		{"array", `[1,2]`, "", "not_object"},
		{"too deep", strings.Repeat("[", 40) + strings.Repeat("]", 40), "", "too_deep"},
		{"very deep", strings.Repeat("[", 1<<20), "", "too_deep"},
		{"no type", `{"data":{}}`, "/type", "missing"},
		{"type not string", `{"type":{"a":1}}`, "/type", "wrong_type"},
		{"no id", `{"type":"message.received","data":{"email":"a@b.c","text":"x"}}`, "/data/message_id", "missing"},
		{"id object", `{"type":"message.received","id":{"x":1},"data":{"email":"a@b.c","text":"x"}}`, "/id", "wrong_type"},
		{"no email", `{"type":"message.received","id":"e","data":{"text":"x"}}`, "/data/email", "missing"},
		{"email not address", `{"type":"message.received","id":"e","data":{"email":"` + secretish + `","text":"x"}}`, "/data/email", "invalid_email"},
		{"email number", `{"type":"message.received","id":"e","data":{"email":5,"text":"x"}}`, "/data/email", "wrong_type"},
		{"no text", `{"type":"message.received","id":"e","data":{"email":"a@b.c"}}`, "/data/text", "missing"},
		{"unknown direction", `{"type":"message.received","id":"e","data":{"email":"a@b.c","text":"x","direction":"` + secretish + `"}}`, "/data/direction", "unknown_value"},
		{"unknown visibility", `{"type":"message.received","id":"e","data":{"email":"a@b.c","text":"x","visibility":"x"}}`, "/data/visibility", "unknown_value"},
		{"bad time", `{"type":"message.received","id":"e","occurred_at":"yesterday","data":{"email":"a@b.c","text":"x"}}`, "/occurred_at", "invalid_time"},
		{"bad attachment url", `{"type":"message.received","id":"e","data":{"email":"a@b.c","files":[{"url":"javascript:alert(1)"}]}}`, "/data/files/0/url", "invalid_url"},
		{"attachments not array", `{"type":"message.received","id":"e","data":{"email":"a@b.c","text":"x","files":{}}}`, "/data/files", "wrong_type"},
		{"activity empty", `{"type":"order.placed","id":"e","data":{"email":"a@b.c"}}`, "", "missing"},
		{"long id", `{"type":"message.received","id":"` + strings.Repeat("x", 300) + `","data":{"email":"a@b.c","text":"x"}}`, "/id", "too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.Decode(nil, []byte(tt.body))
			if !errors.Is(err, inbox.ErrMalformed) {
				t.Fatalf("Decode = %v; want ErrMalformed", err)
			}
			pe, ok := errors.AsType[*inbox.PayloadError](err)
			if !ok || pe.Problem.Path != tt.path || pe.Problem.Code != tt.code {
				t.Errorf("Decode error = %v; want path %q code %q", err, tt.path, tt.code)
			}
			if strings.Contains(err.Error(), secretish) || strings.Contains(err.Error(), "javascript") {
				t.Errorf("error %q echoes body content", err)
			}
		})
	}
}

func TestDecodeTooLarge(t *testing.T) {
	src := chatSource(nil)
	src.MaxBodyBytes = 10
	d, err := inbox.NewDecoder(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Decode(nil, []byte(`{"type":"message.received"}`)); !errors.Is(err, inbox.ErrTooLarge) {
		t.Errorf("Decode = %v; want ErrTooLarge", err)
	}
}

func TestEventKey(t *testing.T) {
	for _, tt := range []struct {
		ev   inbox.Event
		want string
	}{
		{inbox.Event{Source: "s", Type: "order.placed", MessageID: "o-1", DeliveryID: "d"}, "s/order.placed/m/o-1"},
		{inbox.Event{Source: "s", Type: "order.shipped", MessageID: "o-1"}, "s/order.shipped/m/o-1"},
		{inbox.Event{Source: "s", Type: "order.placed", DeliveryID: "d"}, "s/order.placed/d/d"},
		{inbox.Event{Source: "s", MessageID: "m"}, "s//m/m"},
		{inbox.Event{Source: "s", Type: "a/m/b", MessageID: "c"}, "s/a%2Fm%2Fb/m/c"},
		{inbox.Event{Source: "s", Type: "a", MessageID: "b/m/c"}, "s/a/m/b/m/c"},
		{inbox.Event{Source: "s", Type: "100%", MessageID: "x"}, "s/100%25/m/x"},
		{inbox.Event{Source: "s", Type: "order.placed", MessageID: "o-1", IdempotencyKey: "o-1/shipped"}, "s/k/o-1/shipped"},
		{inbox.Event{Source: "s"}, ""},
	} {
		if got := tt.ev.Key(); got != tt.want {
			t.Errorf("%+v.Key() = %q; want %q", tt.ev, got, tt.want)
		}
	}
	if got := inbox.NormalizeEmail("  Zoë@Example.COM\t"); got != "zoë@example.com" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}

func TestSourceJSONRoundTrip(t *testing.T) {
	src := chatSource(nil)
	b, err := json.Marshal(src)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"kind":"MINIMAL"`) || !strings.Contains(string(b), `"outbound":"BUSINESS_TO_PARTICIPANT"`) {
		t.Errorf("JSON %s lacks readable enums", b)
	}
	var back inbox.Source
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(src, back, cmp.Comparer(func(a, b inbox.Verifier) bool { return a == b })); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	var k inbox.Kind
	if err := k.UnmarshalText([]byte("chat")); err == nil {
		t.Error("Kind.UnmarshalText(chat) = nil")
	}
	if _, err := inbox.Kind(9).MarshalText(); err == nil {
		t.Error("Kind(9).MarshalText = nil error")
	}
}

// TestDecodeProblemPaths: a payload problem points at the value in the body
// when the mapping's gjson path names one field, escaping as RFC 6901 says.
func TestDecodeProblemPaths(t *testing.T) {
	tests := []struct {
		name, emailPath, body string
		want                  inbox.Problem
	}{
		{"plain", "data.email", `{"type":"message.received","id":"e","data":{"email":5,"text":"x"}}`,
			inbox.Problem{Path: "/data/email", Code: inbox.CodeWrongType, Message: "email: not a string"}},
		{"escaped dot and slash", `data.e\.mail/x`, `{"type":"message.received","id":"e","data":{"e.mail/x":"nope","text":"x"}}`,
			inbox.Problem{Path: "/data/e.mail~1x", Code: inbox.CodeInvalidEmail, Message: "email: not an email address"}},
		{"query", `data.people.#(role=="customer").email`, `{"type":"message.received","id":"e","data":{"people":[],"text":"x"}}`,
			inbox.Problem{Code: inbox.CodeMissing, Message: `email (at data.people.#(role=="customer").email): missing`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := chatSource(nil)
			src.Mapping.Email = tt.emailPath
			d, err := inbox.NewDecoder(src)
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.Decode(nil, []byte(tt.body))
			pe, ok := errors.AsType[*inbox.PayloadError](err)
			if !ok || !errors.Is(err, inbox.ErrMalformed) {
				t.Fatalf("Decode = %v; want a *PayloadError wrapping ErrMalformed", err)
			}
			if diff := cmp.Diff(tt.want, pe.Problem); diff != "" {
				t.Errorf("problem mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
