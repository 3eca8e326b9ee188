package inbox_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/inbox"
)

// shopSource maps a shop whose webhooks carry the order id as their only
// id: every event of one order has the same id.
func shopSource(v inbox.Verifier, keyPaths ...string) inbox.Source {
	return inbox.Source{
		Name:     "shop",
		Verifier: v,
		Mapping: inbox.Mapping{
			Type:           "event",
			MessageID:      "order.id",
			IdempotencyKey: keyPaths,
			Email:          "order.email",
			Fields:         map[string]string{"id": "order.id", "status": "order.status"},
		},
		Events: map[string]inbox.EventType{
			"order.placed":  {Kind: inbox.KindMinimal, Text: "Order {{ field.id }} placed"},
			"order.shipped": {Kind: inbox.KindMinimal, Text: "Order {{ field.id }} shipped"},
			"order.updated": {Kind: inbox.KindMinimal, Text: "Order {{ field.id }} is {{ field.status }}"},
		},
	}
}

func orderBody(event, id, status string) []byte {
	return fmt.Appendf(nil, `{"event":%q,"order":{"id":%q,"status":%q,"email":"ada@example.com"}}`, event, id, status)
}

type delivery struct {
	webhookID string
	body      []byte
	wantCode  int
	wantState string
}

func postAll(t *testing.T, e *env, h *inbox.Handler, ds []delivery) {
	t.Helper()
	for i, d := range ds {
		code, body := e.post(t, h, d.webhookID, d.body)
		var got struct{ Status string }
		json.Unmarshal([]byte(body), &got)
		if code != d.wantCode || got.Status != d.wantState {
			t.Errorf("delivery %d (%s): %d %s; want %d %q", i+1, d.body, code, body, d.wantCode, d.wantState)
		}
	}
}

func messageTexts(e *env) []string {
	var texts []string
	for _, m := range e.msgs.All() {
		texts = append(texts, m.Message.Text)
	}
	return texts
}

// TestIdempotencyKeyIncludesEventType: a source whose message id is an
// object id sends "placed" and then "shipped" for order o-1. Both reach the
// inbox; a redelivery of either is a duplicate.
func TestIdempotencyKeyIncludesEventType(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	h, err := e.s.Handler(shopSource(e.sw), nil)
	if err != nil {
		t.Fatal(err)
	}
	postAll(t, e, h, []delivery{
		{"wh-1", orderBody("order.placed", "o-1", "paid"), 200, "sent"},
		{"wh-2", orderBody("order.shipped", "o-1", "shipped"), 200, "sent"},
		{"wh-2", orderBody("order.shipped", "o-1", "shipped"), 200, "duplicate"}, // the sender retries
		{"wh-3", orderBody("order.placed", "o-1", "paid"), 200, "duplicate"},     // a new delivery id, the same event
	})
	want := []string{"Order o-1 placed", "Order o-1 shipped"}
	if diff := cmp.Diff(want, messageTexts(e)); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
	var keys []string
	for _, en := range e.ledger.Entries() {
		keys = append(keys, en.Key)
	}
	if diff := cmp.Diff([]string{"shop/order.placed/m/o-1", "shop/order.shipped/m/o-1"}, keys); diff != "" {
		t.Errorf("ledger keys mismatch (-want +got):\n%s", diff)
	}
}

// TestIdempotencyKeyPaths: a source that names its key paths is
// deduplicated on exactly those values.
func TestIdempotencyKeyPaths(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	h, err := e.s.Handler(shopSource(e.sw, "order.id", "order.status"), nil)
	if err != nil {
		t.Fatal(err)
	}
	postAll(t, e, h, []delivery{
		{"wh-1", orderBody("order.updated", "o-1", "paid"), 200, "sent"},
		{"wh-2", orderBody("order.updated", "o-1", "packed"), 200, "sent"},
		{"wh-3", orderBody("order.updated", "o-1", "packed"), 200, "duplicate"},
		// The type is not part of an explicit key: the admin said what
		// identifies an event.
		{"wh-4", orderBody("order.placed", "o-1", "paid"), 200, "duplicate"},
		// Values containing the separator do not collide: (a/b, c) and (a, b/c).
		{"wh-5", orderBody("order.updated", "a/b", "c"), 200, "sent"},
		{"wh-6", orderBody("order.updated", "a", "b/c"), 200, "sent"},
	})
	want := []string{"Order o-1 is paid", "Order o-1 is packed", "Order a/b is c", "Order a is b/c"}
	if diff := cmp.Diff(want, messageTexts(e)); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}

	// A key value the payload lacks rejects it, naming the value's place.
	code, body := e.post(t, h, "wh-7", []byte(`{"event":"order.updated","order":{"id":"o-2","email":"ada@example.com"}}`))
	var got struct {
		Error    string
		Problems []inbox.Problem
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	wantProblems := []inbox.Problem{{Path: "/order/status", Code: inbox.CodeMissing, Message: "idempotency_key: missing"}}
	if diff := cmp.Diff(wantProblems, got.Problems); code != 400 || diff != "" {
		t.Errorf("missing key value: %d %s; want 400 with problems (-want +got):\n%s", code, body, diff)
	}
}

// TestSyncChecksEventType: the type now enters the ledger key, so a host
// building events gets it checked like the ids.
func TestSyncChecksEventType(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	ev := basicEvent("m1", "ada@example.com")
	ev.Type = "message\r\nreceived"
	_, err := e.s.Sync(t.Context(), ev)
	pe, ok := errors.AsType[*inbox.PayloadError](err)
	if !ok || pe.Problem.Path != "/type" || pe.Problem.Code != inbox.CodeInvalidChars {
		t.Errorf("Sync(type with CRLF) = %v; want a PayloadError at /type", err)
	}
}

// TestSyncRejectsOverlongKey: no key longer than MaxKeyBytes reaches the
// ledger, which may index keys of that size.
func TestSyncRejectsOverlongKey(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	ev := basicEvent("m1", "ada@example.com")
	ev.IdempotencyKey = strings.Repeat("k", inbox.MaxKeyBytes)
	_, err := e.s.Sync(t.Context(), ev)
	if pe, ok := errors.AsType[*inbox.PayloadError](err); !ok || pe.Problem.Code != inbox.CodeTooLong {
		t.Errorf("Sync(key of %d bytes) = %v; want a too_long PayloadError", len(ev.Key()), err)
	}
	if n := len(e.ledger.Entries()); n != 0 {
		t.Errorf("ledger has %d entries; want none", n)
	}
}

// TestIdempotencyKeyPathsHostile: key values reach the ledger, so they get
// the checks of ids.
func TestIdempotencyKeyPathsHostile(t *testing.T) {
	d, err := inbox.NewDecoder(shopSource(nil, "order.id", "order.status"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, status, code string }{
		{"object", `{"a":1}`, inbox.CodeWrongType},
		{"CRLF", `"paid\r\nX-Injected: 1"`, inbox.CodeInvalidChars},
		{"too long", `"` + strings.Repeat("p", 300) + `"`, inbox.CodeTooLong},
		{"null", `null`, inbox.CodeMissing},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"event":"order.updated","order":{"id":"o-1","status":` + tt.status + `,"email":"ada@example.com"}}`
			_, err := d.Decode(nil, []byte(body))
			pe, ok := errors.AsType[*inbox.PayloadError](err)
			if !ok || pe.Problem.Path != "/order/status" || pe.Problem.Code != tt.code {
				t.Errorf("Decode = %v; want %s at /order/status", err, tt.code)
			}
			if err != nil && strings.Contains(err.Error(), "Injected") {
				t.Errorf("error %q echoes the value", err)
			}
		})
	}
}
