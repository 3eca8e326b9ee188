package inbox_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/inbox"
)

func basicEvent(id, email string) *inbox.Event {
	return &inbox.Event{Source: "chat", Type: "message.received", MessageID: id, Email: email, Kind: inbox.KindBasic, Text: "hello " + id}
}

func TestSyncSendsBasicMessage(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	ev := basicEvent("m1", "  ADA@example.com ")
	ev.Direction, ev.Visibility = inbox.BusinessToParticipant, inbox.BusinessOnly
	out, err := e.s.Sync(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	want := &inbox.Outcome{Key: "chat/message.received/m/m1", Source: "chat", Type: "message.received", Status: inbox.StatusSent, Rule: "one",
		Matched: []string{"c1"}, Deliveries: []inbox.Delivery{{ContactID: "c1", ConversationID: "conv-1", NewConversation: true, MessageID: "msg-1"}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Outcome mismatch (-want +got):\n%s", diff)
	}
	got := e.msgs.All()[0].Message
	wantMsg := inbox.Message{Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant, Visibility: inbox.BusinessOnly,
		Text: "hello m1", Source: "chat", ExternalID: "m1", Key: "chat/message.received/m/m1/c1"}
	if diff := cmp.Diff(wantMsg, got); diff != "" {
		t.Errorf("Message mismatch (-want +got):\n%s", diff)
	}
	// A second message for the same contact reuses the conversation.
	out, _ = e.s.Sync(t.Context(), basicEvent("m2", "ada@example.com"))
	if d := out.Deliveries[0]; d.ConversationID != "conv-1" || d.NewConversation {
		t.Errorf("second delivery = %+v; want the existing conv-1", d)
	}
}

func TestSyncExactlyOnceConcurrent(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	h := e.handler(t)
	body := msgBody("m1", "ada@example.com", "hi")
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[int]int{}
	)
	start := make(chan struct{})
	for range 20 {
		wg.Go(func() {
			<-start
			code, _ := e.post(t, h, "msg_1", body)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	if n := e.msgs.Len(); n != 1 {
		t.Fatalf("20 concurrent identical deliveries sent %d messages; want 1 (codes %v)", n, codes)
	}
	for code := range codes {
		if code != http.StatusOK && code != http.StatusServiceUnavailable {
			t.Errorf("unexpected status %d (codes %v)", code, codes)
		}
	}
	// Senders that got 503 (claim busy) retry: all acknowledged, still one message.
	for range codes[http.StatusServiceUnavailable] {
		if code, _ := e.post(t, h, "msg_1", body); code != http.StatusOK {
			t.Errorf("retry after busy = %d; want 200", code)
		}
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("after retries %d messages; want 1", n)
	}
}

func TestSyncRedeliveryAfterCompletion(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	h := e.handler(t)
	body := msgBody("m1", "ada@example.com", "hi")
	if code, resp := e.post(t, h, "msg_1", body); code != 200 || !strings.Contains(resp, `"sent"`) {
		t.Fatalf("first = %d %s", code, resp)
	}
	// A redelivery, even with a new delivery id and a day later, is a duplicate.
	e.clock.Advance(24 * time.Hour)
	code, resp := e.post(t, h, "msg_2", body)
	if code != 200 || !strings.Contains(resp, `"duplicate"`) {
		t.Errorf("redelivery = %d %s; want 200 duplicate", code, resp)
	}
	out, err := e.s.Sync(t.Context(), basicEvent("m1", "ada@example.com"))
	if err != nil || out.Status != inbox.StatusDuplicate || len(out.Deliveries) != 1 || out.Deliveries[0].MessageID != "msg-1" {
		t.Errorf("Sync duplicate = %+v, %v; want duplicate with the first deliveries", out, err)
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages; want 1", n)
	}
}

func TestSyncTemporaryThenRetry(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	h := e.handler(t)
	body := msgBody("m1", "ada@example.com", "hi")
	e.faults.send = []error{temp("db busy")}
	code, resp := e.post(t, h, "msg_1", body)
	if code != http.StatusServiceUnavailable {
		t.Fatalf("temporary failure = %d %s; want 503", code, resp)
	}
	if strings.Contains(resp, "db busy") {
		t.Errorf("response %q echoes the host error", resp)
	}
	if n := e.msgs.Len(); n != 0 {
		t.Fatalf("%d messages after failure; want 0", n)
	}
	if code, _ := e.post(t, h, "msg_1", body); code != 200 {
		t.Fatalf("retry = %d; want 200", code)
	}
	if code, _ := e.post(t, h, "msg_1", body); code != 200 {
		t.Fatalf("second retry = %d; want 200", code)
	}
	if n := e.msgs.Len(); n != 1 {
		t.Errorf("%d messages in the end; want exactly 1", n)
	}
	// The conversation was created once.
	if ids := e.convs.IDs(); len(ids) != 1 {
		t.Errorf("conversations %v; want one", ids)
	}
}

func TestSyncAllPartialFailureRetry(t *testing.T) {
	e := newEnv(t, func(o *inbox.Options) { o.ManyMatch = inbox.ManyAll })
	for _, c := range []string{"c1", "c2", "c3"} {
		e.contacts.Add(c, "team@example.com")
	}
	ctx := t.Context()
	// Pre-create conversations so that conv-2 is c2's, then fail sends to it.
	for _, c := range []string{"c1", "c2", "c3"} {
		e.convs.GetOrCreate(ctx, c)
	}
	e.faults.sendTo["conv-2"] = temp("shard down")
	ev := basicEvent("m1", "team@example.com")
	out, err := e.s.Sync(ctx, ev)
	if !errors.Is(err, inbox.ErrTemporary) || out.Status != inbox.StatusRetry {
		t.Fatalf("Sync = %+v, %v; want retry", out, err)
	}
	if n := e.msgs.Len(); n != 1 {
		t.Fatalf("%d messages after partial failure; want 1 (c1)", n)
	}
	delete(e.faults.sendTo, "conv-2")
	out, err = e.s.Sync(ctx, ev)
	if err != nil || out.Status != inbox.StatusSent {
		t.Fatalf("retry = %+v, %v; want sent", out, err)
	}
	var convs []string
	for _, m := range e.msgs.All() {
		convs = append(convs, m.ConversationID)
	}
	if diff := cmp.Diff([]string{"conv-1", "conv-2", "conv-3"}, convs); diff != "" {
		t.Errorf("each contact must get exactly one message (-want +got):\n%s", diff)
	}
	if len(out.Deliveries) != 3 {
		t.Errorf("deliveries %+v; want 3", out.Deliveries)
	}
}

func TestSyncPermanentFailureRecordedAndReplayed(t *testing.T) {
	e := newEnv(t, func(o *inbox.Options) { o.ManyMatch = inbox.ManyAll })
	e.contacts.Add("c1", "team@example.com")
	e.contacts.Add("c2", "team@example.com")
	ctx := t.Context()
	e.convs.GetOrCreate(ctx, "c1")
	e.convs.GetOrCreate(ctx, "c2")
	e.faults.sendTo["conv-2"] = errors.New("conversation archived")
	h := e.handler(t)
	body := msgBody("m1", "team@example.com", "hi")
	code, resp := e.post(t, h, "msg_1", body)
	if code != 200 || !strings.Contains(resp, `"failed"`) {
		t.Fatalf("permanent failure = %d %s; want 200 failed", code, resp)
	}
	failed := e.ledger.Failed()
	if len(failed) != 1 || failed[0].Record.Event == nil || !strings.Contains(failed[0].Record.Reason, "archived") {
		t.Fatalf("ledger failures = %+v; want one with the event and reason", failed)
	}
	// The sender's redelivery does not resend.
	if code, _ := e.post(t, h, "msg_1", body); code != 200 || e.msgs.Len() != 1 {
		t.Fatalf("redelivery after failure = %d, %d messages; want 200, 1", code, e.msgs.Len())
	}
	// The host fixes the conversation and replays: only c2 gets it.
	delete(e.faults.sendTo, "conv-2")
	if err := e.ledger.Reopen(failed[0].Key); err != nil {
		t.Fatal(err)
	}
	out, err := e.s.Sync(ctx, failed[0].Record.Event)
	if err != nil || out.Status != inbox.StatusSent {
		t.Fatalf("replay = %+v, %v", out, err)
	}
	if got := len(e.msgs.In("conv-1")) + 10*len(e.msgs.In("conv-2")); got != 11 {
		t.Errorf("after replay conv-1 has %d, conv-2 %d messages; want 1 and 1", len(e.msgs.In("conv-1")), len(e.msgs.In("conv-2")))
	}
}

func TestSyncLeaseTakeover(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	ctx := t.Context()
	// A worker claims the key and crashes.
	if c, _ := e.ledger.Claim(ctx, "chat/message.received/m/m1"); c.State != inbox.ClaimNew {
		t.Fatal(c.State)
	}
	out, err := e.s.Sync(ctx, basicEvent("m1", "ada@example.com"))
	if !errors.Is(err, inbox.ErrInProgress) || !errors.Is(err, inbox.ErrTemporary) || out.Status != inbox.StatusBusy {
		t.Fatalf("Sync during claim = %+v, %v; want busy", out, err)
	}
	e.clock.Advance(time.Minute + time.Second)
	out, err = e.s.Sync(ctx, basicEvent("m1", "ada@example.com"))
	if err != nil || out.Status != inbox.StatusSent || e.msgs.Len() != 1 {
		t.Fatalf("Sync after lease expiry = %+v, %v, %d messages", out, err, e.msgs.Len())
	}
}

func TestSyncPolicies(t *testing.T) {
	held := []string{}
	var heldMu sync.Mutex
	hold := func(_ context.Context, ev *inbox.Event) error {
		heldMu.Lock()
		held = append(held, ev.MessageID)
		heldMu.Unlock()
		return nil
	}
	chooseLast := func(_ context.Context, _ *inbox.Event, ids []string) ([]string, error) { return ids[len(ids)-1:], nil }
	tests := []struct {
		name      string
		noMatch   inbox.NoMatch
		many      inbox.ManyMatch
		contacts  int
		status    inbox.Status
		rule      string
		contactsT []string // contacts that got the message
	}{
		{"none/skip", inbox.NoMatchSkip, inbox.ManyFirst, 0, inbox.StatusSkipped, "none/skip", nil},
		{"none/create", inbox.NoMatchCreate, inbox.ManyFirst, 0, inbox.StatusSent, "none/create", []string{"contact-1"}},
		{"none/hold", inbox.NoMatchHold, inbox.ManyFirst, 0, inbox.StatusHeld, "none/hold", nil},
		{"one/first", inbox.NoMatchSkip, inbox.ManyFirst, 1, inbox.StatusSent, "one", []string{"c1"}},
		{"one/all", inbox.NoMatchSkip, inbox.ManyAll, 1, inbox.StatusSent, "one", []string{"c1"}},
		{"one/choose", inbox.NoMatchSkip, inbox.ManyChoose, 1, inbox.StatusSent, "one", []string{"c1"}},
		{"many/first", inbox.NoMatchSkip, inbox.ManyFirst, 3, inbox.StatusSent, "many/first", []string{"c1"}},
		{"many/all", inbox.NoMatchSkip, inbox.ManyAll, 3, inbox.StatusSent, "many/all", []string{"c1", "c2", "c3"}},
		{"many/choose", inbox.NoMatchSkip, inbox.ManyChoose, 3, inbox.StatusSent, "many/choose", []string{"c3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *inbox.Options) {
				o.NoMatch, o.ManyMatch, o.Hold, o.Choose = tt.noMatch, tt.many, hold, chooseLast
			})
			for i := range tt.contacts {
				e.contacts.Add("c"+string(rune('1'+i)), "x@example.com")
			}
			out, err := e.s.Sync(t.Context(), basicEvent("m-"+tt.name, "X@example.com"))
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != tt.status || out.Rule != tt.rule {
				t.Errorf("status, rule = %s, %s; want %s, %s", out.Status, out.Rule, tt.status, tt.rule)
			}
			var got []string
			for _, m := range e.msgs.All() {
				got = append(got, e.convs.Contact(m.ConversationID))
			}
			if diff := cmp.Diff(tt.contactsT, got); diff != "" {
				t.Errorf("recipients mismatch (-want +got):\n%s", diff)
			}
			if out.Status == inbox.StatusSkipped || out.Status == inbox.StatusHeld {
				if out.Reason == "" {
					t.Error("no reason recorded")
				}
			}
			// Whatever the outcome, a redelivery is a duplicate.
			again, err := e.s.Sync(t.Context(), basicEvent("m-"+tt.name, "x@example.com"))
			if err != nil || again.Status != inbox.StatusDuplicate {
				t.Errorf("redelivery = %+v, %v; want duplicate", again, err)
			}
		})
	}
	if !slices.Equal(held, []string{"m-none/hold"}) {
		t.Errorf("held = %v", held)
	}
}

func TestNewOptionErrors(t *testing.T) {
	e := newEnv(t, nil)
	base := inbox.Options{Contacts: e.contacts, Conversations: e.convs, Messages: e.msgs, Ledger: e.ledger}
	onlyFind := inbox.ContactsFunc(func(context.Context, string) ([]string, error) { return nil, nil })
	for name, mod := range map[string]func(o *inbox.Options){
		"no contacts":          func(o *inbox.Options) { o.Contacts = nil },
		"no conversations":     func(o *inbox.Options) { o.Conversations = nil },
		"no messages":          func(o *inbox.Options) { o.Messages = nil },
		"no ledger":            func(o *inbox.Options) { o.Ledger = nil },
		"create needs creator": func(o *inbox.Options) { o.Contacts, o.NoMatch = onlyFind, inbox.NoMatchCreate },
		"hold needs hook":      func(o *inbox.Options) { o.NoMatch = inbox.NoMatchHold },
		"choose needs chooser": func(o *inbox.Options) { o.ManyMatch = inbox.ManyChoose },
		"unknown no-match":     func(o *inbox.Options) { o.NoMatch = 9 },
		"unknown many-match":   func(o *inbox.Options) { o.ManyMatch = 9 },
	} {
		o := base
		mod(&o)
		if _, err := inbox.New(o); err == nil {
			t.Errorf("%s: New = nil error", name)
		}
	}
}

func TestSyncInvalidEvents(t *testing.T) {
	e := newEnv(t, nil)
	for name, ev := range map[string]*inbox.Event{
		"nil":        nil,
		"no key":     {Source: "chat", Email: "a@b.c", Kind: inbox.KindBasic},
		"no email":   {Source: "chat", MessageID: "m", Kind: inbox.KindBasic},
		"no source":  {MessageID: "m", Email: "a@b.c", Kind: inbox.KindBasic},
		"bad source": {Source: "a/m/b", MessageID: "m", Email: "a@b.c", Kind: inbox.KindBasic, Text: "x"},
		"bad kind":   {Source: "chat", MessageID: "m", Email: "a@b.c", Kind: 7},
		"no text":    {Source: "chat", MessageID: "m", Email: "a@b.c", Kind: inbox.KindBasic},
		"no line":    {Source: "chat", MessageID: "m", Email: "a@b.c", Kind: inbox.KindMinimal, Attachments: []inbox.Attachment{{URL: "https://x.test/a"}}},
	} {
		if _, err := e.s.Sync(t.Context(), ev); !errors.Is(err, inbox.ErrMalformed) {
			t.Errorf("%s: Sync error = %v; want ErrMalformed", name, err)
		}
	}
	out, err := e.s.Sync(t.Context(), &inbox.Event{Source: "chat", Type: "x"})
	if err != nil || out.Status != inbox.StatusIgnored {
		t.Errorf("KindNone: %+v, %v; want ignored", out, err)
	}
	if len(e.ledger.Entries()) != 0 {
		t.Errorf("ledger has entries after invalid events: %+v", e.ledger.Entries())
	}
}

// TestHostErrors injects an error at every host step and checks the HTTP
// status and that nothing is lost: a temporary error leaves the delivery
// retryable and the retry sends exactly once; a permanent error is
// recorded (2xx) with its reason.
func TestHostErrors(t *testing.T) {
	permanent := errors.New("host rejected")
	tests := []struct {
		name     string
		noMatch  inbox.NoMatch
		contacts int
		inject   func(f *faults)
		code     int
		status   inbox.Status // ledger status after the first delivery ("" = released)
		many     inbox.ManyMatch
	}{
		{"contacts temporary", 0, 1, func(f *faults) { f.find = []error{temp("x")} }, 503, "", 0},
		{"contacts permanent", 0, 1, func(f *faults) { f.find = []error{permanent} }, 200, inbox.StatusFailed, 0},
		{"contacts ctx deadline", 0, 1, func(f *faults) { f.find = []error{context.DeadlineExceeded} }, 503, "", 0},
		{"contacts bug empty id", 0, 1, func(f *faults) { f.bug = "find" }, 200, inbox.StatusFailed, 0},
		{"create temporary", inbox.NoMatchCreate, 0, func(f *faults) { f.create = []error{temp("x")} }, 503, "", 0},
		{"create permanent", inbox.NoMatchCreate, 0, func(f *faults) { f.create = []error{permanent} }, 200, inbox.StatusFailed, 0},
		{"create bug", inbox.NoMatchCreate, 0, func(f *faults) { f.bug = "create" }, 200, inbox.StatusFailed, 0},
		{"conversations temporary", 0, 1, func(f *faults) { f.conv = []error{temp("x")} }, 503, "", 0},
		{"conversations permanent", 0, 1, func(f *faults) { f.conv = []error{permanent} }, 200, inbox.StatusFailed, 0},
		{"conversations bug", 0, 1, func(f *faults) { f.bug = "conv" }, 200, inbox.StatusFailed, 0},
		{"messages temporary", 0, 1, func(f *faults) { f.send = []error{temp("x")} }, 503, "", 0},
		{"messages permanent", 0, 1, func(f *faults) { f.send = []error{permanent} }, 200, inbox.StatusFailed, 0},
		{"messages bug", 0, 1, func(f *faults) { f.bug = "send" }, 200, inbox.StatusFailed, 0},
		{"hold temporary", inbox.NoMatchHold, 0, func(f *faults) { f.hold = []error{temp("x")} }, 503, "", 0},
		{"hold permanent", inbox.NoMatchHold, 0, func(f *faults) { f.hold = []error{permanent} }, 200, inbox.StatusFailed, 0},
		{"choose temporary", 0, 3, func(f *faults) { f.choose = []error{temp("x")} }, 503, "", inbox.ManyChoose},
		{"choose permanent", 0, 3, func(f *faults) { f.choose = []error{permanent} }, 200, inbox.StatusFailed, inbox.ManyChoose},
		{"choose bug", 0, 3, func(f *faults) { f.bug = "choose" }, 200, inbox.StatusFailed, inbox.ManyChoose},
		{"ledger claim", 0, 1, func(f *faults) { f.claim = []error{errors.New("ledger down")} }, 503, "", 0},
		{"ledger claim bug", 0, 1, func(f *faults) { f.bug = "claim" }, 503, "", 0},
		{"ledger complete", 0, 1, func(f *faults) { f.complete = []error{errors.New("ledger down")} }, 503, "", 0},
		{"ledger complete and release", 0, 1, func(f *faults) {
			f.complete = []error{errors.New("down")}
			f.release = []error{errors.New("down")}
		}, 503, "claimed", 0},
		{"ledger release after temporary", 0, 1, func(f *faults) {
			f.send = []error{temp("x")}
			f.release = []error{errors.New("down")}
		}, 503, "claimed", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *inbox.Options) { o.NoMatch, o.ManyMatch = tt.noMatch, tt.many })
			for i := range tt.contacts {
				e.contacts.Add("c"+string(rune('1'+i)), "ada@example.com")
			}
			tt.inject(e.faults)
			h := e.handler(t)
			body := msgBody("m1", "ada@example.com", "hi")
			code, resp := e.post(t, h, "msg_1", body)
			if code != tt.code {
				t.Fatalf("status = %d %s; want %d", code, resp, tt.code)
			}
			if strings.Contains(resp, "host rejected") || strings.Contains(resp, "ledger down") {
				t.Errorf("response %q echoes a host error", resp)
			}
			entries := e.ledger.Entries()
			switch tt.status {
			case "":
				if len(entries) > 0 && entries[0].Done {
					t.Fatalf("ledger %+v; want the key released", entries)
				}
			case "claimed":
				// Both ledger writes failed: the claim stays until its lease
				// expires, and the redelivery then resumes.
				e.clock.Advance(2 * time.Minute)
			default:
				if len(entries) != 1 || !entries[0].Done || entries[0].Record.Status != tt.status || entries[0].Record.Reason == "" {
					t.Fatalf("ledger %+v; want one %s record with a reason", entries, tt.status)
				}
				if strings.Contains(tt.name, "bug") && tt.many != inbox.ManyChoose && !strings.Contains(entries[0].Record.Reason, "inbox_test.") {
					t.Errorf("reason %q does not name the host type (%%T)", entries[0].Record.Reason)
				}
			}
			e.faults.bug = ""
			code, _ = e.post(t, h, "msg_1", body)
			if code != 200 {
				t.Fatalf("redelivery status = %d; want 200", code)
			}
			want := 1
			switch {
			case tt.status == inbox.StatusFailed:
				want = 0
			case tt.noMatch == inbox.NoMatchHold:
				want = 0 // held, not sent
			case tt.many == inbox.ManyChoose:
				want = 2 // the test chooser picks all but the first
			}
			if tt.name == "ledger complete and release" {
				// The message was sent but no ledger write survived: the
				// takeover resends; Message.Key lets a host deduplicate it.
				want = 2
				if k := e.msgs.All(); k[0].Message.Key != k[1].Message.Key {
					t.Errorf("resent message keys differ: %q, %q", k[0].Message.Key, k[1].Message.Key)
				}
			}
			if n := e.msgs.Len(); n != want {
				t.Errorf("%d messages in the end; want %d", n, want)
			}
		})
	}
}

func TestSyncCreateThenRetryCreatesOnce(t *testing.T) {
	e := newEnv(t, func(o *inbox.Options) { o.NoMatch = inbox.NoMatchCreate })
	e.faults.send = []error{temp("x")}
	ev := basicEvent("m1", "new@example.com")
	if _, err := e.s.Sync(t.Context(), ev); !errors.Is(err, inbox.ErrTemporary) {
		t.Fatalf("first Sync = %v; want temporary", err)
	}
	out, err := e.s.Sync(t.Context(), ev)
	if err != nil || out.Status != inbox.StatusSent || len(out.Deliveries) != 1 || !out.Deliveries[0].CreatedContact {
		t.Fatalf("retry = %+v, %v", out, err)
	}
	if e.faults.creates != 1 || e.msgs.Len() != 1 {
		t.Errorf("%d CreateContact calls, %d messages; want 1 and 1", e.faults.creates, e.msgs.Len())
	}
}

func TestHandlerEndToEnd(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	srv := httptest.NewServer(e.handler(t))
	t.Cleanup(srv.Close)
	body := msgBody("m1", "ada@example.com", "hi")
	for i, want := range []string{`{"status":"sent"}`, `{"status":"duplicate"}`} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader(string(body)))
		req.Header.Set("webhook-id", "msg_1")
		req.Header.Set("webhook-timestamp", "1614265330")
		req.Header.Set("webhook-signature", e.sw.Sign("msg_1", testNow, body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.TrimSpace(string(got)) != want || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("delivery %d = %d %s %q; want 200 %s", i, resp.StatusCode, got, resp.Header.Get("Content-Type"), want)
		}
	}
}
