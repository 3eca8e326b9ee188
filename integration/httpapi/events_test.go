package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

// eventEnv is the API with a triggers.Poster posting into in-memory messages, and a shop
// upstream whose answer and failures the test sets.
type eventEnv struct {
	*env
	msgs      *inboxtest.Messages
	shop      *httptest.Server
	shopCalls atomic.Int32
	shopDown  atomic.Bool // the shop answers 503
	shopBody  atomic.Pointer[string]
	sendFails atomic.Int32 // how many more Sends fail temporarily
	in        *integration.Integration
}

// flakyMessages fails Send temporarily while e.sendFails is positive.
type flakyMessages struct{ e *eventEnv }

func (f flakyMessages) Send(ctx context.Context, conv string, m *inbox.Message) (string, error) {
	if f.e.sendFails.Add(-1) >= 0 {
		return "", fmt.Errorf("messages store unavailable: %w", inbox.ErrTemporary)
	}
	return f.e.msgs.Send(ctx, conv, m)
}

const shopOrder = `{"order": {"number": 1001, "status": "shipped", "total": 42, "url": "https://shop.example.com/o/1001"}}`

// newEventEnv returns the API with Options.Triggers and an "Orders" integration attached to
// inbox a1, with a trigger on conversation.resolved and one on label_added "vip".
func newEventEnv(t testing.TB) *eventEnv {
	t.Helper()
	e := &eventEnv{msgs: inboxtest.NewMessages()}
	body := shopOrder
	e.shopBody.Store(&body)
	e.shop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.shopCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if e.shopDown.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error": "down"}`)
			return
		}
		io.WriteString(w, *e.shopBody.Load())
	}))
	t.Cleanup(e.shop.Close)
	e.env = newEnv(t, func(o *httpapi.Options) {
		syncer, err := inbox.New(inbox.Options{Contacts: inboxtest.NewContacts(), Conversations: inboxtest.NewConversations(),
			Messages: flakyMessages{e}, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute})})
		if err != nil {
			t.Fatal(err)
		}
		if o.Triggers, err = triggers.New(triggers.Options{Service: o.Service, Syncer: syncer}); err != nil {
			t.Fatal(err)
		}
	})
	e.in = &integration.Integration{}
	e.mustDo(t, http.StatusCreated, "admin-a", "POST", "/integrations", `{"name": "Orders", "url": "`+e.shop.URL+`/orders?email={{contact.email}}",
	  "cache_minutes": 10, "active": true, "required_variables": ["contact.email"], "triggers": [
	    {"name": "order_shipped", "on": "conversation.resolved", "icon": "truck", "text": "Order #{{order.number}} {{order.status}} — {{order.total | currency:\"USD\"}}",
	     "link": "https://shop.example.com/orders/{{order.number}}"},
	    {"name": "vip", "on": "conversation.label_added", "label": "vip", "text": "VIP: {{order.status}}", "link": "{{order.url}}"}]}`, e.in)
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/a1/integrations/"+e.in.ID, `{}`, nil)
	return e
}

// report reports an event of conversation conv in inbox a1 as user.
func (e *eventEnv) report(t *testing.T, user, conv, body string) (*http.Response, []byte) {
	t.Helper()
	return e.do(t, user, "POST", "/inboxes/a1/conversations/"+conv+"/events", body)
}

const resolved = `{"id": "evt_1", "type": "conversation.resolved", "contact": {"id": "c-ada", "email": "ada@example.com"},
  "conversation": {"status": "resolved", "labels": ["billing"]}, "occurred_at": "2026-12-01T10:00:00Z"}`

// TestReportEvent reports an event over HTTP twice: one activity is posted, the second report
// answers it as a duplicate with the same message and reads the cached response.
func TestReportEvent(t *testing.T) {
	e := newEventEnv(t)
	key := integration.ActivityKey(e.in.ID, "order_shipped", "evt_1")
	want := httpapi.EventResult{EventID: "evt_1", Activities: []httpapi.EventActivity{{
		IntegrationID: e.in.ID, Trigger: "order_shipped", Key: key, Status: httpapi.ActivityPosted, MessageID: "msg-1",
		Text: "Order #1001 shipped — $42.00", Link: "https://shop.example.com/orders/1001", Icon: "truck",
	}}}
	var got httpapi.EventResult
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events", resolved, &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first report (-want +got):\n%s", diff)
	}
	got = httpapi.EventResult{}
	e.mustDo(t, http.StatusOK, "admin-a", "POST", "/inboxes/a1/conversations/conv-1/events", resolved, &got)
	want.Activities[0].Status = httpapi.ActivityDuplicate
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("second report (-want +got):\n%s", diff)
	}
	msgs := e.msgs.All()
	if len(msgs) != 1 {
		t.Fatalf("%d messages posted, want 1: %+v", len(msgs), msgs)
	}
	m := msgs[0]
	if m.ConversationID != "conv-1" || m.Message.Kind != inbox.KindMinimal || m.Message.Text != "Order #1001 shipped — $42.00" ||
		m.Message.Link != "https://shop.example.com/orders/1001" || m.Message.Icon != "truck" || m.Message.Visibility != inbox.BusinessOnly {
		t.Errorf("posted %+v", m)
	}
	if n := e.shopCalls.Load(); n != 1 {
		t.Errorf("the shop was called %d times, want 1 (the second report reads the cache)", n)
	}
	// The triggers reordered and the event reported again: still a duplicate,
	// nothing posted again.
	var in integration.Integration
	e.mustDo(t, http.StatusOK, "admin-a", "GET", "/integrations/"+e.in.ID, "", &in)
	in.Triggers[0], in.Triggers[1] = in.Triggers[1], in.Triggers[0]
	body, _ := json.Marshal(&in)
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/integrations/"+e.in.ID, string(withoutReadOnly(t, body)), nil)
	got = httpapi.EventResult{}
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events", resolved, &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report after reordering the triggers (-want +got):\n%s", diff)
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages after reordering the triggers, want still 1", n)
	}

	// Events no trigger matches settle with no activities; a wrong label too.
	for _, body := range []string{
		`{"id": "evt_2", "type": "conversation.label_added", "label": "billing", "contact": {"email": "ada@example.com"}}`,
		`{"id": "evt_3", "type": "conversation.snoozed", "contact": {"email": "ada@example.com"}}`,
		`{"id": "evt_4", "type": "conversation.created", "contact": {"email": "ada@example.com"}}`,
	} {
		got = httpapi.EventResult{}
		e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events", body, &got)
		if len(got.Activities) != 0 {
			t.Errorf("%s: activities %+v, want none", body, got.Activities)
		}
	}
	// The label matches case-insensitively; a contact without an email is not applicable.
	got = httpapi.EventResult{}
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-2/events",
		`{"id": "evt_5", "type": "conversation.label_added", "label": "VIP", "contact": {"id": "c-none"}}`, &got)
	wantNA := []httpapi.EventActivity{{IntegrationID: e.in.ID, Trigger: "vip", Key: integration.ActivityKey(e.in.ID, "vip", "evt_5"),
		Status: httpapi.ActivityNotApplicable, Reason: integration.ReasonMissingVariables, Missing: []string{"contact.email"}}}
	if diff := cmp.Diff(wantNA, got.Activities); diff != "" {
		t.Errorf("label_added without an email (-want +got):\n%s", diff)
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages, want still 1", n)
	}
}

// TestReportEventWhoMay: any member of the inbox's team may report; another team's inbox is
// 404 like a missing one, an unknown user 401; nothing runs for them.
func TestReportEventWhoMay(t *testing.T) {
	e := newEventEnv(t)
	for _, tt := range []struct {
		user, inbox string
		want        int
		code        string
	}{
		{"", "a1", http.StatusUnauthorized, httpapi.CodeUnauthenticated},
		{"nobody", "a1", http.StatusUnauthorized, httpapi.CodeUnauthenticated},
		{"admin-b", "a1", http.StatusNotFound, httpapi.CodeNotFound},
		{"member-a", "b1", http.StatusNotFound, httpapi.CodeNotFound},
		{"member-a", "nope", http.StatusNotFound, httpapi.CodeNotFound},
	} {
		t.Run(tt.user+"@"+tt.inbox, func(t *testing.T) {
			resp, b := e.do(t, tt.user, "POST", "/inboxes/"+tt.inbox+"/conversations/conv-1/events", resolved)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, b, tt.want)
			}
			if p := problem(t, resp, b); p.Code != tt.code {
				t.Errorf("code %q, want %q", p.Code, tt.code)
			}
		})
	}
	if n, m := e.shopCalls.Load(), e.msgs.Len(); n != 0 || m != 0 {
		t.Errorf("refused reports called the shop %d times and posted %d messages", n, m)
	}
	// A member of the team may: the host reports on its own behalf.
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events", resolved, nil)
	if m := e.msgs.Len(); m != 1 {
		t.Errorf("%d messages, want 1", m)
	}
}

// TestReportEventTemporary: a temporary upstream failure, then a temporary failure of the
// host's messages, each answer 503 with Retry-After and post nothing; the report after them
// posts the activity once, and the one after that finds it posted.
func TestReportEventTemporary(t *testing.T) {
	e := newEventEnv(t)
	expect503 := func(what string) {
		t.Helper()
		resp, b := e.report(t, "member-a", "conv-1", resolved)
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%s: status %d %s, want 503", what, resp.StatusCode, b)
		}
		if ra := resp.Header.Get("Retry-After"); ra != "5" {
			t.Errorf("%s: Retry-After %q, want 5", what, ra)
		}
		if p := problem(t, resp, b); p.Code != httpapi.CodeTemporary {
			t.Errorf("%s: code %q, want temporary", what, p.Code)
		}
		if strings.Contains(string(b), "down") || strings.Contains(string(b), "unavailable") {
			t.Errorf("%s: the answer quotes the failure: %s", what, b)
		}
		if n := e.msgs.Len(); n != 0 {
			t.Errorf("%s: %d messages posted, want 0", what, n)
		}
	}
	e.shopDown.Store(true)
	expect503("shop down")
	e.shopDown.Store(false)
	e.sendFails.Store(1)
	expect503("messages down")

	var got httpapi.EventResult
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events", resolved, &got)
	if len(got.Activities) != 1 || got.Activities[0].Status != httpapi.ActivityPosted {
		t.Fatalf("retry: %+v, want one posted activity", got.Activities)
	}
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events", resolved, &got)
	if len(got.Activities) != 1 || got.Activities[0].Status != httpapi.ActivityDuplicate {
		t.Fatalf("report after the retry: %+v, want one duplicate", got.Activities)
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages, want exactly 1", n)
	}
}

// TestReportEventConcurrent: the same event reported 16 times at once posts one message; every
// answer is a settled 200 (posted once, else duplicate) or a 503 asking to report again (an
// attempt still in progress).
func TestReportEventConcurrent(t *testing.T) {
	e := newEventEnv(t)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		status = map[string]int{}
	)
	for range 16 {
		wg.Go(func() {
			resp, b := e.report(t, "member-a", "conv-1", resolved)
			s := fmt.Sprint(resp.StatusCode)
			if resp.StatusCode == http.StatusOK {
				var got httpapi.EventResult
				if err := json.Unmarshal(b, &got); err != nil || len(got.Activities) != 1 {
					t.Errorf("answer %s: %v", b, err)
					return
				}
				s = got.Activities[0].Status
			}
			mu.Lock()
			status[s]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if status[httpapi.ActivityPosted] > 1 || status["500"] > 0 || status[httpapi.ActivityPosted]+status[httpapi.ActivityDuplicate]+status["503"] != 16 {
		t.Errorf("answers %v, want at most one posted, the rest duplicate or 503", status)
	}
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events", resolved, nil)
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages, want exactly 1", n)
	}
}

// TestReportEventHostile: malformed, oversized, deeply nested and mistyped bodies and ids with
// CR/LF are refused at their fields before anything runs.
func TestReportEventHostile(t *testing.T) {
	e := newEventEnv(t)
	deep := strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat(`}`, 10000)
	tests := []struct {
		name, conv, body, ctype string
		want                    int
		problems                []httpapi.Problem // compared on path and code
	}{
		{name: "no id", body: `{"type": "conversation.resolved"}`, want: 422,
			problems: []httpapi.Problem{{Path: "/id", Code: integration.CodeRequired}}},
		{name: "CR/LF in id", body: `{"id": "evt\r\nX-Evil: 1", "type": "conversation.resolved"}`, want: 422,
			problems: []httpapi.Problem{{Path: "/id", Code: integration.CodeInvalid}}},
		{name: "CR/LF in label", body: `{"id": "e", "type": "conversation.label_added", "label": "vip\n"}`, want: 422,
			problems: []httpapi.Problem{{Path: "/label", Code: integration.CodeInvalid}}},
		{name: "long id", body: `{"id": "` + strings.Repeat("x", 257) + `", "type": "conversation.resolved"}`, want: 422,
			problems: []httpapi.Problem{{Path: "/id", Code: integration.CodeInvalid}}},
		{name: "CR/LF in the path's conversation", conv: "conv%0D%0A1", body: resolved, want: 422,
			problems: []httpapi.Problem{{Path: "", Code: integration.CodeInvalid}}},
		{name: "NUL in the path's conversation", conv: "conv%00", body: resolved, want: 422,
			problems: []httpapi.Problem{{Path: "", Code: integration.CodeInvalid}}},
		{name: "another conversation in the body", body: `{"id": "e", "type": "conversation.resolved", "conversation": {"id": "conv-2"}}`, want: 400,
			problems: []httpapi.Problem{{Path: "/conversation/id", Code: "id_mismatch"}}},
		{name: "wrong types", body: `{"id": 7, "type": ["conversation.resolved"], "contact": {"email": false}}`, want: 400,
			problems: []httpapi.Problem{{Path: "/contact/email", Code: httpapi.CodeInvalidType}, {Path: "/id", Code: httpapi.CodeInvalidType}, {Path: "/type", Code: httpapi.CodeInvalidType}}},
		{name: "unknown field", body: `{"id": "e", "type": "conversation.resolved", "inbox_id": "b1"}`, want: 400,
			problems: []httpapi.Problem{{Path: "/inbox_id", Code: httpapi.CodeUnknownField}}},
		{name: "bad time", body: `{"id": "e", "type": "conversation.resolved", "occurred_at": "yesterday"}`, want: 400},
		{name: "deep", body: `{"id": "e", "type": "conversation.resolved", "contact": {"attributes": ` + deep + `}}`, want: 400},
		{name: "not JSON", body: `{"id": "e", `, want: 400},
		{name: "huge", body: `{"id": "e", "type": "conversation.resolved", "label": "` + strings.Repeat("x", 3<<20) + `"}`, want: 413},
		{name: "not JSON media", body: resolved, ctype: "text/plain", want: 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), "POST", e.srv.URL+"/api/inboxes/a1/conversations/"+cmpOr(tt.conv, "conv-1")+"/events", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", cmpOr(tt.ctype, "application/json"))
			req.Header.Set("X-Test-User", "member-a")
			resp, b := e.send(t, req)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d %.300s, want %d", resp.StatusCode, b, tt.want)
			}
			p := problem(t, resp, b)
			if tt.problems != nil {
				if diff := cmp.Diff(tt.problems, p.Problems, cmpopts.IgnoreFields(httpapi.Problem{}, "Message"),
					cmpopts.SortSlices(func(a, b httpapi.Problem) bool { return a.Path < b.Path })); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			}
			if strings.Contains(string(b), "X-Evil") {
				t.Errorf("the answer echoes the hostile value: %s", b)
			}
		})
	}
	if n, m := e.shopCalls.Load(), e.msgs.Len(); n != 0 || m != 0 {
		t.Errorf("refused reports called the shop %d times and posted %d messages", n, m)
	}
}

// TestReportEventHostileData: what the shop answers stays one line of text in the posted
// message: markup is not interpreted, line breaks are removed, a javascript: link is left
// out; a 4xx from the shop fails the activity for good (200, failed), without quoting it.
func TestReportEventHostileData(t *testing.T) {
	e := newEventEnv(t)
	body := `{"order": {"number": "1001\r\nX-Injected: 1", "status": "<img src=x onerror=alert(1)>", "total": "12", "url": "javascript:alert(1)"}}`
	e.shopBody.Store(&body)
	var got httpapi.EventResult
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events",
		`{"id": "evt_h", "type": "conversation.label_added", "label": "vip", "contact": {"email": "ada@example.com"}}`, &got)
	if len(got.Activities) != 1 {
		t.Fatalf("activities %+v", got.Activities)
	}
	a := got.Activities[0]
	if a.Status != httpapi.ActivityPosted || a.Text != "VIP: <img src=x onerror=alert(1)>" || a.Link != "" {
		t.Errorf("activity %+v, want the markup as text and no link", a)
	}
	body = `{"order": {"number": "1001\r\nX-Injected: 1", "status": "shipped", "total": 1}}`
	e.shopBody.Store(&body)
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/conversations/conv-9/events",
		strings.Replace(resolved, "evt_1", "evt_crlf", 1), &got)
	if a := got.Activities[0]; strings.ContainsAny(a.Text, "\r\n") || !strings.HasPrefix(a.Text, "Order #1001") {
		t.Errorf("text %q, want one line", a.Text)
	}
	for _, m := range e.msgs.All() {
		if strings.ContainsAny(m.Message.Text, "\r\n") || strings.HasPrefix(m.Message.Link, "javascript:") {
			t.Errorf("posted %+v", m.Message)
		}
	}

	// A 4xx is permanent: the event is settled, the activity failed, nothing posted.
	notFound := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error": "no order for `+testSecret+`"}`, http.StatusNotFound)
	}))
	t.Cleanup(notFound.Close)
	var in integration.Integration
	e.mustDo(t, http.StatusCreated, "admin-a", "POST", "/integrations", `{"name": "Gone", "url": "`+notFound.URL+`/x", "active": true,
	  "triggers": [{"name": "assigned", "on": "conversation.assigned", "text": "{{x}}"}]}`, &in)
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/a1/integrations/"+in.ID, `{}`, nil)
	resp, b := e.report(t, "member-a", "conv-1", `{"id": "evt_a", "type": "conversation.assigned"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d %s", resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if a := got.Activities; len(a) != 1 || a[0].Status != httpapi.ActivityFailed || a[0].Error == "" || a[0].Category != "upstream_4xx" {
		t.Errorf("activities %+v, want one failed upstream_4xx", a)
	}
	if strings.Contains(string(b), testSecret) || strings.Contains(string(b), "no order") {
		t.Errorf("the answer quotes the upstream: %s", b)
	}
}

// TestReportEventWithoutTriggers: a server without Options.Triggers answers 501 (after
// authentication), and documents the route all the same.
func TestReportEventWithoutTriggers(t *testing.T) {
	e := newEnv(t, nil)
	resp, b := e.do(t, "member-a", "POST", "/inboxes/a1/conversations/conv-1/events", resolved)
	if resp.StatusCode != http.StatusNotImplemented || problem(t, resp, b).Code != httpapi.CodeNotImplemented {
		t.Errorf("status %d %s, want 501 not_implemented", resp.StatusCode, b)
	}
	resp, b = e.do(t, "", "POST", "/inboxes/a1/conversations/conv-1/events", resolved)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous: status %d %s, want 401", resp.StatusCode, b)
	}
	_, doc := e.do(t, "", "GET", "/openapi.json", "")
	if !strings.Contains(string(doc), `"operationId": "reportEvent"`) {
		t.Errorf("the document does not describe reportEvent")
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// FuzzReportEvent: whatever the body and the path's conversation id, reportEvent answers a
// documented status, never 500, and whatever it posts is one line.
func FuzzReportEvent(f *testing.F) {
	for _, s := range []struct{ conv, body string }{
		{"conv-1", resolved},
		{"conv-1", `{"id": "e", "type": "conversation.label_added", "label": "VIP", "contact": {"email": "ada@example.com"}}`},
		{"conv%0D%0A1", `{"id": "e", "type": "conversation.resolved"}`},
		{"c", `{"id": "e\u2028", "type": "conversation.resolved", "conversation": {"id": "c", "labels": [""]}}`},
		{"c", `{"id": 1}`},
		{"c", `[{"id": "e"}]`},
		{"..%2F..%2Fx", `{"id": "../", "type": "conversation.assigned", "agent": {"id": "\u0000"}}`},
	} {
		f.Add(s.conv, s.body)
	}
	e := newEventEnv(f)
	f.Fuzz(func(t *testing.T, conv, body string) {
		req := httptest.NewRequestWithContext(t.Context(), "POST", "/inboxes/a1/conversations/x/events", strings.NewReader(body))
		req.URL.RawPath = "/inboxes/a1/conversations/" + conv + "/events"
		if p, err := url.PathUnescape(req.URL.RawPath); err == nil {
			req.URL.Path = p
		} else {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Test-User", "member-a")
		rec := httptest.NewRecorder()
		e.api.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 400, 404, 405, 413, 422, 503:
		case http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusMovedPermanently:
			// net/http's ServeMux sends a path with "//", "." or ".." segments to its cleaned
			// form before any handler runs.
			if path.Clean(req.URL.Path) == req.URL.Path {
				t.Fatalf("status %d for the clean path %q", rec.Code, req.URL.Path)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		for _, m := range e.msgs.All() {
			if strings.ContainsAny(m.Message.Text, "\r\n") {
				t.Fatalf("posted %q", m.Message.Text)
			}
		}
	})
}
