package wix_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/wix"
)

// TestRequestShapes pins every request the connector sends (method, path,
// headers, JSON body) in testdata/requests/flow.json. The shapes were
// checked against the type declarations of @wix/auto_sdk_crm_contacts
// 1.0.1375 (QueryContactsRequest, CreateContactRequest),
// @wix/auto_sdk_inbox_conversations 1.0.33 (GetOrCreateConversationRequest)
// and @wix/auto_sdk_inbox_messages 1.0.41 (SendMessageRequest), and
// @wix/sdk 1.21.16's AppStrategy (the token request, and the token sent
// as the whole Authorization value).
func TestRequestShapes(t *testing.T) {
	r := newRecorder()
	r.on("/oauth2/token", tokenResponder(14400))
	pages := []string{
		`{"contacts":[{"id":"c-1"},{"id":"c-2"}],"pagingMetadata":{"count":2,"offset":0,"total":3}}`,
		`{"contacts":[{"id":"c-3"}],"pagingMetadata":{"count":1,"offset":2,"total":3}}`,
		`{"contacts":[{"id":"c-4"}],"pagingMetadata":{"count":1,"offset":0,"total":1}}`,
	}
	n := 0
	r.on("/contacts/v4/contacts/query", func(req *http.Request) (*http.Response, error) {
		n++
		return jsonResponder(200, pages[n-1])(req)
	})
	r.on("/contacts/v4/contacts", jsonResponder(200, `{"contact":{"id":"c-new","revision":1}}`))
	r.on("/inbox/v2/conversations", jsonResponder(200, `{"conversation":{"id":"conv-1"},"newConversation":true}`))
	r.on("/inbox/v2/messages", jsonResponder(200, `{"message":{"id":"m-1"}}`))
	c := newClient(t, r, func(o *wix.Options) {
		o.PageSize = 2
		o.Badge = wix.Badge{Text: "via SMS", IconURL: "https://cdn.example.com/sms.png", BusinessOnly: true}
		o.Silent, o.SendNotifications = true, true
	})
	ctx := t.Context()
	ids, err := c.FindByEmail(ctx, "ada@example.com")
	if err != nil || !cmp.Equal(ids, []string{"c-1", "c-2", "c-3"}) {
		t.Fatalf("FindByEmail = %v, %v; want three contacts over two pages", ids, err)
	}
	if ids, err := c.FindByPhone(ctx, "+447700900123"); err != nil || !cmp.Equal(ids, []string{"c-4"}) {
		t.Fatalf("FindByPhone = %v, %v", ids, err)
	}
	if id, err := c.CreateContact(ctx, inbox.Person{Email: "zoe@example.com", Phone: "+447700900555", Name: "Zoë Quinn"}); err != nil || id != "c-new" {
		t.Fatalf("CreateContact = %q, %v", id, err)
	}
	if conv, created, err := c.GetOrCreate(ctx, "c-1"); err != nil || conv != "conv-1" || !created {
		t.Fatalf("GetOrCreate = %q, %v, %v", conv, created, err)
	}
	msgs := []*inbox.Message{
		{Kind: inbox.KindBasic, Text: "Where is my order?", Attachments: []inbox.Attachment{
			{URL: "https://cdn.example.com/photo.jpg", Name: "photo.jpg", ContentType: "image/jpeg"},
			{URL: "https://cdn.example.com/invoice.pdf", Name: "invoice.pdf", ContentType: "application/pdf"}}},
		{Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant, Visibility: inbox.BusinessOnly, Text: "internal note"},
		{Kind: inbox.KindMinimal, Text: "Order #1001 placed", Icon: "https://cdn.example.com/cart.png", Link: "https://shop.example.com/orders/1001"},
		{Kind: inbox.KindMinimal, Text: "Order #1002 shipped", Icon: "truck"},
	}
	for _, m := range msgs {
		if id, err := c.Send(ctx, "conv-1", m); err != nil || id != "m-1" {
			t.Fatalf("Send(%s) = %q, %v", m.Kind, id, err)
		}
	}
	got := r.requests()
	golden(t, "flow", got)
	if r.count("/oauth2/token") != 1 {
		t.Errorf("%d token requests; want 1 (cached)", r.count("/oauth2/token"))
	}
}

// TestAPIKeyAuth: a site's own scripts send the API key and the site id.
func TestAPIKeyAuth(t *testing.T) {
	r := newRecorder()
	r.on("/contacts/v4/contacts/query", jsonResponder(200, `{"contacts":[],"pagingMetadata":{"count":0,"offset":0,"total":0}}`))
	c := newClient(t, r, func(o *wix.Options) { o.Auth = wix.Auth{APIKey: "IST.key-DO-NOT-LOG", SiteID: "site-1"} })
	ids, err := c.FindByEmail(t.Context(), "nobody@example.com")
	if err != nil || ids != nil {
		t.Fatalf("FindByEmail = %v, %v; want no contacts", ids, err)
	}
	want := map[string]string{"Authorization": "IST.key-DO-NOT-LOG", "Content-Type": "application/json", "Wix-Site-Id": "site-1"}
	if diff := cmp.Diff(want, r.requests()[0].Headers); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
}

// TestLongText: text over Wix's 16,384-character item limit is split, not
// cut.
func TestLongText(t *testing.T) {
	r := newRecorder()
	r.on("/oauth2/token", tokenResponder(14400))
	r.on("/inbox/v2/messages", jsonResponder(200, `{"message":{"id":"m-1"}}`))
	c := newClient(t, r, nil)
	text := strings.Repeat("é", 16384) + "tail"
	if _, err := c.Send(t.Context(), "conv-1", &inbox.Message{Kind: inbox.KindBasic, Text: text}); err != nil {
		t.Fatal(err)
	}
	reqs := r.requests()
	body := reqs[len(reqs)-1].Body.(map[string]any)
	items := body["message"].(map[string]any)["content"].(map[string]any)["basic"].(map[string]any)["items"].([]any)
	var joined strings.Builder
	for _, it := range items {
		joined.WriteString(it.(map[string]any)["text"].(string))
	}
	if len(items) != 2 || joined.String() != text {
		t.Errorf("%d items; want 2 that join to the text", len(items))
	}
	if _, err := c.Send(t.Context(), "conv-1", &inbox.Message{Kind: inbox.KindMinimal, Text: strings.Repeat("x", 16385)}); err == nil || !strings.Contains(err.Error(), "message.content.minimal.text") {
		t.Errorf("Send(huge activity) = %v; want an error naming message.content.minimal.text", err)
	}
}

// TestErrorMapping: 429 and 5xx are temporary, the rest permanent with
// Wix's code and the request field; Retry-After is honoured within the
// bound, never beyond it.
func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		wantTemp  bool
		wantError string
		wantCalls int
	}{
		{"validation", 400, nil, `{"message":"ada@example.com is bad","details":{"validationError":{"fieldViolations":[{"field":"message.direction","description":"required","violatedRule":"REQUIRED_FIELD"}]}}}`,
			false, "wix: send message: status 400: REQUIRED_FIELD (field message.direction)", 1},
		{"forbidden", 403, nil, `{"message":"no permission","details":{"applicationError":{"code":"FORBIDDEN","description":"missing scope"}}}`,
			false, "wix: send message: status 403: FORBIDDEN", 1},
		{"not found", 404, nil, `{"message":"x","details":{"applicationError":{"code":"CONVERSATION_NOT_FOUND"}}}`,
			false, "wix: send message: status 404: CONVERSATION_NOT_FOUND", 1},
		{"not JSON", 400, nil, `<html>bad</html>`, false, "wix: send message: status 400", 1},
		{"hostile code", 400, nil, `{"details":{"applicationError":{"code":"A\r\nB"}}}`, false, "wix: send message: status 400", 1},
		{"rate limited, retried once", 429, http.Header{"Retry-After": {"0"}}, `{}`, true, "wix: send message: status 429", 2},
		{"rate limited beyond the bound", 429, http.Header{"Retry-After": {"3600"}}, `{}`, true, "wix: send message: status 429", 1},
		{"server error, send not retried", 503, nil, `{}`, true, "wix: send message: status 503", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder()
			r.on("/oauth2/token", tokenResponder(14400))
			r.on("/inbox/v2/messages", func(*http.Request) (*http.Response, error) {
				resp := jsonResponder(tt.status, tt.body)
				res, _ := resp(nil)
				for k, v := range tt.header {
					res.Header[k] = v
				}
				return res, nil
			})
			c := newClient(t, r, func(o *wix.Options) { o.MaxRetryWait = time.Millisecond })
			_, err := c.Send(t.Context(), "conv-1", &inbox.Message{Kind: inbox.KindBasic, Text: "hi"})
			we, ok := errors.AsType[*wix.Error](err)
			if !ok || err.Error() != tt.wantError {
				t.Fatalf("Send error = %v; want %q", err, tt.wantError)
			}
			if got := errors.Is(err, inbox.ErrTemporary); got != tt.wantTemp {
				t.Errorf("errors.Is(err, ErrTemporary) = %v; want %v", got, tt.wantTemp)
			}
			if strings.Contains(err.Error(), "ada@example.com") {
				t.Errorf("error %q echoes a request value", err)
			}
			if got := r.count("/inbox/v2/messages"); got != tt.wantCalls {
				t.Errorf("%d send requests; want %d", got, tt.wantCalls)
			}
			if tt.header != nil && tt.wantCalls == 1 && we.RetryAfter != time.Hour {
				t.Errorf("RetryAfter = %v; want 1h", we.RetryAfter)
			}
		})
	}
}

// TestIdempotentCallsRetry5xx: lookups and get-or-create, which are safe to
// repeat, wait out one 5xx; a second fails temporarily.
func TestIdempotentCallsRetry5xx(t *testing.T) {
	r := newRecorder()
	r.on("/oauth2/token", tokenResponder(14400))
	n := 0
	r.on("/inbox/v2/conversations", func(req *http.Request) (*http.Response, error) {
		n++
		if n == 1 || n >= 3 {
			return jsonResponder(502, `{}`)(req)
		}
		return jsonResponder(200, `{"conversation":{"id":"conv-1"},"newConversation":false}`)(req)
	})
	c := newClient(t, r, func(o *wix.Options) { o.MaxRetryWait = time.Second })
	if conv, _, err := c.GetOrCreate(t.Context(), "c-1"); err != nil || conv != "conv-1" {
		t.Fatalf("GetOrCreate after one 502 = %q, %v; want conv-1", conv, err)
	}
	if _, _, err := c.GetOrCreate(t.Context(), "c-1"); !errors.Is(err, inbox.ErrTemporary) {
		t.Fatalf("GetOrCreate after two 502s = %v; want ErrTemporary", err)
	}
}

func TestTransportErrorIsTemporary(t *testing.T) {
	r := newRecorder()
	r.RegisterNoResponder(func(*http.Request) (*http.Response, error) { return nil, errors.New("connection reset") })
	c := newClient(t, r, func(o *wix.Options) { o.Auth = wix.Auth{APIKey: "k", SiteID: "s"} })
	if _, err := c.FindByEmail(t.Context(), "a@b.c"); !errors.Is(err, inbox.ErrTemporary) {
		t.Errorf("FindByEmail over a failing transport = %v; want ErrTemporary", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.FindByEmail(ctx, "a@b.c"); !errors.Is(err, context.Canceled) {
		t.Errorf("FindByEmail with a cancelled ctx = %v; want context.Canceled", err)
	}
}

// TestDuplicateContact: Wix refuses a duplicate; CreateContact returns the
// existing contact, as inbox.ContactCreator asks.
func TestDuplicateContact(t *testing.T) {
	r := newRecorder()
	r.on("/oauth2/token", tokenResponder(14400))
	r.on("/contacts/v4/contacts", jsonResponder(409, `{"message":"dup","details":{"applicationError":{"code":"DUPLICATE_CONTACT_EXISTS","description":"dup","data":{"duplicateContactId":"c-old","duplicateEmail":"a@b.c"}}}}`))
	c := newClient(t, r, nil)
	if id, err := c.CreateContact(t.Context(), inbox.Person{Email: "a@b.c"}); err != nil || id != "c-old" {
		t.Errorf("CreateContact(duplicate) = %q, %v; want c-old", id, err)
	}
}

// TestSecretsNeverPrinted: credentials do not appear in the formatted
// Auth, its log value, or the errors of a failed token request.
func TestSecretsNeverPrinted(t *testing.T) {
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("auth", "auth", appAuth)
	out := fmt.Sprintf("%v %+v %#v %s", appAuth, appAuth, appAuth, logged.String())
	r := newRecorder()
	r.on("/oauth2/token", jsonResponder(401, `{"message":"bad secret app-secret-DO-NOT-LOG","details":{"applicationError":{"code":"INVALID_CLIENT"}}}`))
	c := newClient(t, r, nil)
	_, err := c.FindByEmail(t.Context(), "a@b.c")
	if err == nil {
		t.Fatal("FindByEmail with refused credentials succeeded")
	}
	we, _ := errors.AsType[*wix.Error](err)
	out += err.Error() + fmt.Sprintf("%+v", we)
	if strings.Contains(out, "DO-NOT-LOG") {
		t.Errorf("a secret was printed: %s", out)
	}
	if errors.Is(err, inbox.ErrTemporary) {
		t.Errorf("refused credentials are temporary: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	for name, o := range map[string]wix.Options{
		"no auth":          {},
		"both":             {Auth: wix.Auth{AppID: "a", AppSecret: "s", InstanceID: "i", APIKey: "k", SiteID: "x"}},
		"app incomplete":   {Auth: wix.Auth{AppID: "a", AppSecret: "s"}},
		"key without site": {Auth: wix.Auth{APIKey: "k"}},
		"CRLF secret":      {Auth: wix.Auth{APIKey: "k\r\nX: y", SiteID: "s"}},
		"base with path":   {Auth: appAuth, BaseURL: "https://wix.test/api"},
		"base not http":    {Auth: appAuth, BaseURL: "ftp://wix.test"},
		"page size":        {Auth: appAuth, PageSize: 1001},
		"badge icon":       {Auth: appAuth, Badge: wix.Badge{Text: "x", IconURL: "javascript:alert(1)"}},
		"badge no text":    {Auth: appAuth, Badge: wix.Badge{BusinessOnly: true}},
	} {
		if _, err := wix.New(o); err == nil {
			t.Errorf("%s: New = nil error", name)
		} else if strings.Contains(err.Error(), "DO-NOT-LOG") {
			t.Errorf("%s: error %q has a secret", name, err)
		}
	}
}

// TestHostileResponses: what Wix (or whatever answers in its place) returns
// is checked before it reaches the inbox ledger and host logs.
func TestHostileResponses(t *testing.T) {
	tests := []struct {
		name, path, body string
		call             func(c *wix.Client) error
		want             string
	}{
		{"contact id with CRLF", "/contacts/v4/contacts/query", `{"contacts":[{"id":"c-1\r\nX-Injected: 1"}]}`,
			func(c *wix.Client) error { _, err := c.FindByEmail(t.Context(), "a@b.c"); return err }, "wix: query contacts: status 200: INVALID_RESPONSE"},
		{"script in a conversation id", "/inbox/v2/conversations", `{"conversation":{"id":"<script>alert(1)</script>"}}`,
			func(c *wix.Client) error { _, _, err := c.GetOrCreate(t.Context(), "c-1"); return err }, "wix: get or create conversation: status 200: INVALID_RESPONSE"},
		{"no message id", "/inbox/v2/messages", `{"message":{}}`,
			func(c *wix.Client) error {
				_, err := c.Send(t.Context(), "conv-1", &inbox.Message{Kind: inbox.KindBasic, Text: "x"})
				return err
			}, "wix: send message: status 200: INVALID_RESPONSE"},
		{"not JSON", "/inbox/v2/messages", `<html>`,
			func(c *wix.Client) error {
				_, err := c.Send(t.Context(), "conv-1", &inbox.Message{Kind: inbox.KindBasic, Text: "x"})
				return err
			}, "wix: send message: status 200: INVALID_RESPONSE"},
		{"huge body", "/contacts/v4/contacts/query", `{"contacts":[],"pad":"` + strings.Repeat("x", 2<<20) + `"}`,
			func(c *wix.Client) error { _, err := c.FindByEmail(t.Context(), "a@b.c"); return err }, "wix: query contacts: response larger than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder()
			r.on("/oauth2/token", tokenResponder(14400))
			r.on(tt.path, jsonResponder(200, tt.body))
			if err := tt.call(newClient(t, r, nil)); err == nil || err.Error() != tt.want {
				t.Errorf("error = %v; want %q", err, tt.want)
			}
		})
	}
}
