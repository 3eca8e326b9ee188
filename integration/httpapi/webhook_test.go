package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/integration/httpapi"
)

const (
	chatSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	shopSecret = "shop-secret"
)

// webhookEnv serves two inbox sources, "chat" (Standard Webhooks) and "shop" (HMAC), through
// the API's one webhook route.
type webhookEnv struct {
	*env
	messages *inboxtest.Messages
	signer   *inbox.StandardWebhooks
}

func newWebhookEnv(t testing.TB) *webhookEnv {
	t.Helper()
	contacts := inboxtest.NewContacts()
	contacts.Add("c-ada", "ada@example.com")
	w := &webhookEnv{messages: inboxtest.NewMessages()}
	syncer, err := inbox.New(inbox.Options{Contacts: contacts, Conversations: inboxtest.NewConversations(),
		Messages: w.messages, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	w.signer, err = inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{chatSecret}})
	if err != nil {
		t.Fatal(err)
	}
	hm, err := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{shopSecret}, Header: "X-Shop-Signature"})
	if err != nil {
		t.Fatal(err)
	}
	mapping := inbox.Mapping{Type: "type", MessageID: "id", Email: "email", Text: "text"}
	events := map[string]inbox.EventType{"message": {Kind: inbox.KindBasic, Direction: inbox.ParticipantToBusiness}}
	chat, err := syncer.Handler(inbox.Source{Name: "chat", Verifier: w.signer, Mapping: mapping, Events: events}, nil)
	if err != nil {
		t.Fatal(err)
	}
	shop, err := syncer.Handler(inbox.Source{Name: "shop", Verifier: hm, Mapping: mapping, Events: events}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]http.Handler{"chat": chat, "shop": shop}
	w.env = newEnv(t, func(o *httpapi.Options) {
		o.Webhooks = func(name string) http.Handler { return sources[name] }
	})
	return w
}

// chat posts a Standard Webhooks delivery signed with secret to the chat source.
func (w *webhookEnv) chat(t testing.TB, signer *inbox.StandardWebhooks, id, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", w.srv.URL+"/api/webhooks/chat", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	now := time.Now()
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", signer.Sign(id, now, []byte(body)))
	resp, b := w.send(t, req)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestWebhooks(t *testing.T) {
	w := newWebhookEnv(t)
	forger, _ := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{"whsec_c2VjcmV0LW9mLWFuLWF0dGFja2Vy"}})
	body := `{"type": "message", "id": "m-1", "email": "ada@example.com", "text": "Where is my order?"}`
	shopBody := `{"type": "message", "id": "s-1", "email": "ada@example.com", "text": "Order placed"}`
	mac := hmac.New(sha256.New, []byte(shopSecret))
	mac.Write([]byte(shopBody))

	// Each answer is the inbox handler's: its status, or that it is an error.
	type result struct {
		Code    int
		Outcome string
	}
	var got []result
	add := func(code int, body string) {
		var reply httpapi.WebhookReply
		if err := json.Unmarshal([]byte(body), &reply); err != nil {
			t.Fatalf("reply %q: %v", body, err)
		}
		outcome := reply.Status
		if reply.Error != "" {
			outcome = "error"
		}
		got = append(got, result{code, outcome})
	}
	add(w.chat(t, w.signer, "d-1", body))
	add(w.chat(t, w.signer, "d-1", body)) // the sender retries
	add(w.chat(t, forger, "d-2", strings.Replace(body, "m-1", "m-2", 1)))
	add(w.chat(t, w.signer, "d-3", `{"type": "message", "id": `))
	req, _ := http.NewRequestWithContext(t.Context(), "POST", w.srv.URL+"/api/webhooks/shop", strings.NewReader(shopBody))
	req.Header.Set("X-Shop-Signature", hex.EncodeToString(mac.Sum(nil)))
	resp, b := w.send(t, req)
	add(resp.StatusCode, strings.TrimSpace(string(b)))

	want := []result{
		{200, "sent"},
		{200, "duplicate"},
		{401, "error"},
		{400, "error"},
		{200, "sent"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	if n := w.messages.Len(); n != 2 {
		t.Errorf("%d messages sent, want 2 (one per source, the duplicate and the forgery not)", n)
	}
}
