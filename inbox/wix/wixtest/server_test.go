package wixtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox/wix"
	"github.com/inboxkit/inboxkit/inbox/wix/wixtest"
)

// TestRejects: each request breaks one rule of the schema and gets Wix's
// error shape naming the field (validation) or the code (application).
func TestRejects(t *testing.T) {
	srv := wixtest.NewServer(wixtest.Options{APIKey: "key", SiteID: "site"})
	t.Cleanup(srv.Close)
	contact := srv.AddContact(wixtest.Contact{Emails: []string{"ada@example.com"}})
	conv := mustConversation(t, srv, contact)
	msg := func(m string) string { return `{"conversationId":"` + conv + `","message":` + m + `}` }
	basic := `"content":{"basic":{"items":[{"text":"hi"}]}}`
	tests := []struct {
		name, path, body string
		status           int
		want             string // field of the violation, or the application code
	}{
		{"no direction", "/inbox/v2/messages", msg(`{` + basic + `,"visibility":"BUSINESS"}`), 400, "message.direction"},
		{"unknown direction", "/inbox/v2/messages", msg(`{` + basic + `,"direction":"SIDEWAYS","visibility":"BUSINESS"}`), 400, "message.direction"},
		{"direction beside message", "/inbox/v2/messages", `{"conversationId":"` + conv + `","direction":"PARTICIPANT_TO_BUSINESS","message":{` + basic + `}}`, 400, "direction"},
		{"two contents", "/inbox/v2/messages", msg(`{"content":{"basic":{"items":[{"text":"a"}]},"minimal":{"text":"b"}},"direction":"PARTICIPANT_TO_BUSINESS","visibility":"BUSINESS"}`), 400, "message.content"},
		{"empty items", "/inbox/v2/messages", msg(`{"content":{"basic":{"items":[]}},"direction":"PARTICIPANT_TO_BUSINESS","visibility":"BUSINESS"}`), 400, "message.content.basic.items"},
		{"item text and image", "/inbox/v2/messages", msg(`{"content":{"basic":{"items":[{"text":"a","image":{"url":"https://x.test/a"}}]}},"direction":"PARTICIPANT_TO_BUSINESS","visibility":"BUSINESS"}`), 400, "message.content.basic.items[0]"},
		{"minimal javascript url", "/inbox/v2/messages", msg(`{"content":{"minimal":{"text":"a","url":"javascript:alert(1)"}},"direction":"PARTICIPANT_TO_BUSINESS","visibility":"BUSINESS"}`), 400, "message.content.minimal.url"},
		{"two badges", "/inbox/v2/messages", msg(`{` + basic + `,"direction":"PARTICIPANT_TO_BUSINESS","visibility":"BUSINESS","badges":[{"text":"a"},{"text":"b"}]}`), 400, "message.badges"},
		{"read-only id", "/inbox/v2/messages", msg(`{"id":"x",` + basic + `,"direction":"PARTICIPANT_TO_BUSINESS","visibility":"BUSINESS"}`), 400, "message.id"},
		{"two participants", "/inbox/v2/conversations", `{"participantId":{"contactId":"` + contact + `","memberId":"` + contact + `"}}`, 400, "participantId"},
		{"unsupported filter", "/contacts/v4/contacts/query", `{"query":{"filter":{"info.company":{"$eq":"x"}}}}`, 400, "UNSUPPORTED_FILTER_FIELD_UNKNOWN"},
		{"limit", "/contacts/v4/contacts/query", `{"query":{"filter":{"info.emails.email":"a@b.c"},"paging":{"limit":5000}}}`, 400, "ILLEGAL_LIMIT"},
		{"no contact data", "/contacts/v4/contacts", `{"info":{"name":{"first":"x"}}}`, 400, "INSUFFICIENT_CONTACT_DATA"},
		{"duplicate", "/contacts/v4/contacts", `{"info":{"emails":{"items":[{"tag":"UNTAGGED","email":"ADA@example.com"}]}}}`, 409, "DUPLICATE_CONTACT_EXISTS"},
		{"bad tag", "/contacts/v4/contacts", `{"info":{"emails":{"items":[{"tag":"SPAM","email":"x@example.com"}]}}}`, 400, "info.emails.items[0].tag"},
		{"unknown path", "/inbox/v2/nothing", `{}`, 404, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := post(t, srv, tt.path, "key", tt.body)
			if status != tt.status || got != tt.want {
				t.Errorf("POST %s = %d %q; want %d %q", tt.path, status, got, tt.status, tt.want)
			}
		})
	}
	if status, got := post(t, srv, "/contacts/v4/contacts/query", "wrong", `{}`); status != 401 || got != "UNAUTHENTICATED" {
		t.Errorf("wrong API key = %d %q; want 401 UNAUTHENTICATED", status, got)
	}
	if n := len(srv.Conversations()[0].Messages); n != 0 {
		t.Errorf("%d messages stored from refused requests", n)
	}
}

func mustConversation(t *testing.T, srv *wixtest.Server, contact string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/inbox/v2/conversations", strings.NewReader(`{"participantId":{"contactId":"`+contact+`"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "key")
	req.Header.Set("wix-site-id", "site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Conversation struct{ ID string } `json:"conversation"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Conversation.ID == "" {
		t.Fatalf("conversation: %v %+v", err, out)
	}
	return out.Conversation.ID
}

// post returns the status and the violated field or application code.
func post(t *testing.T, srv *wixtest.Server, path, key, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", key)
	req.Header.Set("wix-site-id", "site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Details struct {
			ApplicationError *struct{ Code string } `json:"applicationError"`
			ValidationError  *struct {
				FieldViolations []struct{ Field string } `json:"fieldViolations"`
			} `json:"validationError"`
		} `json:"details"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	switch {
	case e.Details.ApplicationError != nil:
		return resp.StatusCode, e.Details.ApplicationError.Code
	case e.Details.ValidationError != nil && len(e.Details.ValidationError.FieldViolations) > 0:
		return resp.StatusCode, e.Details.ValidationError.FieldViolations[0].Field
	}
	return resp.StatusCode, ""
}

// TestSignerOpens: what the Signer signs, wix.Webhooks opens (tested in
// package wix against @wix/sdk's own decoding).
func TestSignerOpens(t *testing.T) {
	s, err := wixtest.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	v, err := wix.NewWebhooks(wix.WebhookOptions{PublicKeys: []string{s.PublicKey()}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	body, err := s.Sign(wixtest.Webhook{EventType: "t", InstanceID: "i", Event: map[string]any{"id": "e1"}, Identity: map[string]any{"identityType": "APP"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := v.Open(nil, body)
	if want := `{"data":{"id":"e1"},"eventType":"t","identity":{"identityType":"APP"},"instanceId":"i"}`; err != nil || string(doc) != want {
		t.Errorf("Open = %s, %v; want %s", doc, err, want)
	}
}
