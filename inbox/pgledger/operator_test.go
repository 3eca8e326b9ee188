package pgledger_test

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/inbox/pgledger"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// complete claims key and completes it with r.
func complete(t *testing.T, l *pgledger.Ledger, key string, r *inbox.Record) {
	t.Helper()
	c, err := l.Claim(t.Context(), key)
	if err != nil || c.State != inbox.ClaimNew {
		t.Fatalf("Claim(%s) = %v, %v; want new", key, c.State, err)
	}
	if err := l.Complete(t.Context(), key, c.Token, r); err != nil {
		t.Fatalf("Complete(%s): %v", key, err)
	}
}

func failed(source, id string) *inbox.Record {
	return &inbox.Record{Status: inbox.StatusFailed, Reason: "messages: send: rejected",
		Event: &inbox.Event{Source: source, MessageID: id, Email: "ada@example.com", Kind: inbox.KindBasic, Text: "hi " + id}}
}

// allFailures pages through Failures with page size limit and returns the keys in order.
func allFailures(t *testing.T, l *pgledger.Ledger, o pgledger.FailuresOptions) []string {
	t.Helper()
	var keys []string
	for range 100 {
		page, next, err := l.Failures(t.Context(), o)
		if err != nil {
			t.Fatalf("Failures(%+v): %v", o, err)
		}
		if len(page) > o.Limit && o.Limit > 0 {
			t.Fatalf("Failures(%+v) returned %d; want at most %d", o, len(page), o.Limit)
		}
		for _, f := range page {
			keys = append(keys, f.Key)
		}
		if next == "" {
			return keys
		}
		o.After = next
	}
	t.Fatal("Failures pages do not end")
	return nil
}

func TestFailuresPaging(t *testing.T) {
	t.Parallel()
	clock := inboxtest.NewClock(t0)
	l, _ := newLedger(t, pgledger.Options{Now: clock.Now})
	// Three failures share a time (ordered by key), the others follow; sent and skipped
	// records are not failures.
	for _, k := range []string{"chat/m/c", "chat/m/a", "sms/m/b"} {
		complete(t, l, k, failed(strings.Split(k, "/")[0], k))
	}
	complete(t, l, "chat/m/sent", &inbox.Record{Status: inbox.StatusSent})
	clock.Advance(time.Minute)
	complete(t, l, "chat/m/0", failed("chat", "0"))
	complete(t, l, "chat/m/skipped", &inbox.Record{Status: inbox.StatusSkipped})
	clock.Advance(time.Minute)
	complete(t, l, "sms/m/z", failed("sms", "z"))

	want := []string{"chat/m/a", "chat/m/c", "sms/m/b", "chat/m/0", "sms/m/z"}
	for _, limit := range []int{0, 1, 2, 5, 6} {
		if diff := cmp.Diff(want, allFailures(t, l, pgledger.FailuresOptions{Limit: limit})); diff != "" {
			t.Errorf("Failures with Limit %d (-want +got):\n%s", limit, diff)
		}
	}
	if diff := cmp.Diff([]string{"chat/m/a", "chat/m/c", "chat/m/0"}, allFailures(t, l, pgledger.FailuresOptions{Source: "chat", Limit: 2})); diff != "" {
		t.Errorf("Failures of source chat (-want +got):\n%s", diff)
	}
	if got := allFailures(t, l, pgledger.FailuresOptions{Source: "cha"}); len(got) != 0 {
		t.Errorf("Failures of source cha = %v; want none (a source is a whole name)", got)
	}

	page, _, err := l.Failures(t.Context(), pgledger.FailuresOptions{Limit: 1})
	if err != nil || len(page) != 1 {
		t.Fatalf("Failures = %v, %v", page, err)
	}
	f := page[0]
	if !f.FailedAt.Equal(t0) || f.Claims != 1 || f.Record.Reason != "messages: send: rejected" || f.Record.Event.Text != "hi chat/m/a" {
		t.Errorf("first failure = %+v, record %+v; want failed at %v after 1 claim, with reason and event", f, f.Record, t0)
	}

	for _, o := range []pgledger.FailuresOptions{{After: "not a cursor"}, {After: "bm9zbGFzaA"}, {Limit: -1}} {
		if _, _, err := l.Failures(t.Context(), o); err == nil {
			t.Errorf("Failures(%+v) = nil error; want one", o)
		}
	}
}

// TestReplaySendsOnlyToTheFailedContacts: a ManyAll delivery sent to one contact and failed
// permanently for the other is replayed to the other only.
func TestReplaySendsOnlyToTheFailedContacts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	l, _ := newLedger(t, pgledger.Options{})
	contacts := inboxtest.NewContacts()
	contacts.Add("c1", "bob@example.com")
	contacts.Add("c2", "bob@example.com")
	convs := inboxtest.NewConversations()
	msgs := inboxtest.NewMessages()
	var mu sync.Mutex
	rejectC2 := true
	s, err := inbox.New(inbox.Options{
		Contacts: contacts, Conversations: convs, Ledger: l, ManyMatch: inbox.ManyAll,
		Messages: inbox.MessagesFunc(func(ctx context.Context, conv string, m *inbox.Message) (string, error) {
			mu.Lock()
			reject := rejectC2 && convs.Contact(conv) == "c2"
			mu.Unlock()
			if reject {
				return "", errors.New("conversation closed")
			}
			return msgs.Send(ctx, conv, m)
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := &inbox.Event{Source: "chat", Type: "message", MessageID: "1", Email: "bob@example.com", Kind: inbox.KindBasic, Text: "hello"}
	out, err := s.Sync(ctx, ev)
	if err != nil || out.Status != inbox.StatusFailed {
		t.Fatalf("Sync = %+v, %v; want failed", out, err)
	}
	if _, err := l.Replay(ctx, s, ev.Key()); err != nil {
		t.Fatalf("Replay while the cause remains: %v", err)
	}
	if got := allFailures(t, l, pgledger.FailuresOptions{}); len(got) != 1 {
		t.Fatalf("after a replay that failed again, Failures = %v; want the key listed again", got)
	}
	mu.Lock()
	rejectC2 = false
	mu.Unlock()
	out, err = l.Replay(ctx, s, ev.Key())
	if err != nil || out.Status != inbox.StatusSent {
		t.Fatalf("Replay = %+v, %v; want sent", out, err)
	}
	var got []string
	for _, m := range msgs.All() {
		got = append(got, convs.Contact(m.ConversationID)+":"+m.Message.Key)
	}
	if diff := cmp.Diff([]string{"c1:chat/message/m/1/c1", "c2:chat/message/m/1/c2"}, got); diff != "" {
		t.Errorf("messages sent (-want +got):\n%s", diff)
	}
	if got := allFailures(t, l, pgledger.FailuresOptions{}); len(got) != 0 {
		t.Errorf("after a successful replay, Failures = %v; want none", got)
	}
	// The key is done: a redelivery is a duplicate, a replay refused.
	if out, err := s.Sync(ctx, ev); err != nil || out.Status != inbox.StatusDuplicate {
		t.Errorf("redelivery after the replay = %+v, %v; want duplicate", out, err)
	}
	if _, err := l.Replay(ctx, s, ev.Key()); !errors.Is(err, pgledger.ErrNotFailed) {
		t.Errorf("Replay of a sent key = %v; want ErrNotFailed", err)
	}
}

func TestReopenAndDelete(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	l, _ := newLedger(t, pgledger.Options{})
	s, err := inbox.New(inbox.Options{Contacts: inboxtest.NewContacts(), Conversations: inboxtest.NewConversations(),
		Messages: inboxtest.NewMessages(), Ledger: l})
	if err != nil {
		t.Fatal(err)
	}
	complete(t, l, "chat/m/sent", &inbox.Record{Status: inbox.StatusSent})
	complete(t, l, "chat/m/noevent", &inbox.Record{Status: inbox.StatusFailed, Reason: "host bug"})
	complete(t, l, "chat/m/f", failed("chat", "f"))
	busy, err := l.Claim(ctx, "chat/m/busy")
	if err != nil || busy.State != inbox.ClaimNew {
		t.Fatal(busy, err)
	}
	for _, key := range []string{"chat/m/unknown", "chat/m/sent", "chat/m/busy"} {
		if _, err := l.Reopen(ctx, key); !errors.Is(err, pgledger.ErrNotFailed) {
			t.Errorf("Reopen(%s) = %v; want ErrNotFailed", key, err)
		}
		if err := l.DeleteFailure(ctx, key); !errors.Is(err, pgledger.ErrNotFailed) {
			t.Errorf("DeleteFailure(%s) = %v; want ErrNotFailed", key, err)
		}
	}
	// A failure without its event cannot be replayed, and stays listed.
	if _, err := l.Replay(ctx, s, "chat/m/noevent"); !errors.Is(err, pgledger.ErrNoEvent) {
		t.Errorf("Replay(no event) = %v; want ErrNoEvent", err)
	}
	if diff := cmp.Diff([]string{"chat/m/noevent", "chat/m/f"}, allFailures(t, l, pgledger.FailuresOptions{})); diff != "" {
		t.Errorf("Failures after a refused replay (-want +got):\n%s", diff)
	}
	// Reopen hands the next claim the key with what was sent as progress.
	ev, err := l.Reopen(ctx, "chat/m/f")
	if err != nil || ev == nil || ev.MessageID != "f" {
		t.Fatalf("Reopen = %+v, %v; want the event", ev, err)
	}
	c, err := l.Claim(ctx, "chat/m/f")
	if err != nil || c.State != inbox.ClaimNew || c.Record == nil || c.Record.Status != inbox.StatusRetry {
		t.Errorf("Claim after Reopen = %v %+v, %v; want new with the reopened progress", c.State, c.Record, err)
	}
	if err := l.DeleteFailure(ctx, "chat/m/noevent"); err != nil {
		t.Fatalf("DeleteFailure: %v", err)
	}
	if c, err := l.Claim(ctx, "chat/m/noevent"); err != nil || c.State != inbox.ClaimNew || c.Record != nil {
		t.Errorf("Claim after DeleteFailure = %v %+v, %v; want a new key", c.State, c.Record, err)
	}
	if got := allFailures(t, l, pgledger.FailuresOptions{}); len(got) != 0 {
		t.Errorf("Failures = %v; want none", got)
	}
}

// Of concurrent reopens of one failure (two operators, two app servers) one succeeds.
func TestConcurrentReopen(t *testing.T) {
	t.Parallel()
	l, _ := newLedger(t, pgledger.Options{})
	complete(t, l, "chat/m/f", failed("chat", "f"))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ok, lost int
	)
	for range 8 {
		wg.Go(func() {
			_, err := l.Reopen(context.WithoutCancel(t.Context()), "chat/m/f")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, pgledger.ErrNotFailed):
				lost++
			default:
				t.Errorf("Reopen: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != 1 || lost != 7 {
		t.Errorf("8 concurrent reopens: %d succeeded, %d ErrNotFailed; want 1 and 7", ok, lost)
	}
}

func TestPrune(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := inboxtest.NewClock(t0)
	l, _ := newLedger(t, pgledger.Options{Now: clock.Now, Lease: time.Minute})
	complete(t, l, "old/m/sent", &inbox.Record{Status: inbox.StatusSent})
	complete(t, l, "old/m/skipped", &inbox.Record{Status: inbox.StatusSkipped})
	complete(t, l, "old/m/failed", failed("old", "failed"))
	released, _ := l.Claim(ctx, "old/m/released")
	if err := l.Release(ctx, "old/m/released", released.Token, &inbox.Record{Status: inbox.StatusRetry}); err != nil {
		t.Fatal(err)
	}
	l.Claim(ctx, "old/m/claimed") // a crashed worker's
	clock.Advance(2 * time.Hour)
	complete(t, l, "new/m/sent", &inbox.Record{Status: inbox.StatusSent})
	clock.Advance(time.Hour)

	n, err := l.Prune(ctx, 90*time.Minute)
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2 (the old sent and skipped records)", n, err)
	}
	if n, err := l.Prune(ctx, 90*time.Minute); err != nil || n != 0 {
		t.Errorf("second Prune = %d, %v; want 0", n, err)
	}
	want := map[string]inbox.ClaimState{
		"old/m/sent": inbox.ClaimNew, "old/m/skipped": inbox.ClaimNew, // pruned: new again
		"old/m/failed": inbox.ClaimDone, "new/m/sent": inbox.ClaimDone,
		"old/m/released": inbox.ClaimNew, "old/m/claimed": inbox.ClaimNew, // kept (the lease passed)
	}
	for key, state := range want {
		if c, err := l.Claim(ctx, key); err != nil || c.State != state {
			t.Errorf("Claim(%s) after Prune = %v, %v; want %v", key, c.State, err, state)
		}
	}
	for _, age := range []time.Duration{0, -time.Hour} {
		if _, err := l.Prune(ctx, age); err == nil {
			t.Errorf("Prune(%v) = nil error; want one", age)
		}
	}
}

// Hostile values: keys PostgreSQL cannot hold, forged tokens, events with NUL bytes, control
// characters and script, and a megabyte of text.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	l, _ := newLedger(t, pgledger.Options{})
	if _, err := l.Claim(ctx, "chat/m/\x00"); err == nil {
		t.Error("Claim(key with a NUL byte) = nil error; want one")
	}
	if _, err := l.Claim(ctx, "chat/m/\xff"); err == nil {
		t.Error("Claim(key with invalid UTF-8) = nil error; want one")
	}
	c, err := l.Claim(ctx, "chat/m/k")
	if err != nil {
		t.Fatal(err)
	}
	for _, forged := range []string{"", "0", "-1", "x", c.Token + "0", "99999999999999999999", " " + c.Token} {
		if err := l.Complete(ctx, "chat/m/k", forged, &inbox.Record{Status: inbox.StatusSent}); !errors.Is(err, inbox.ErrLeaseLost) {
			t.Errorf("Complete with token %q = %v; want ErrLeaseLost", forged, err)
		}
	}
	if err := l.Complete(ctx, "chat/m/k", c.Token, nil); err == nil || errors.Is(err, inbox.ErrLeaseLost) {
		t.Errorf("Complete(nil record) = %v; want an error other than ErrLeaseLost", err)
	}
	text := "a\x00b\r\nX-Injected: 1\u202e<script>alert(1)</script>" + strings.Repeat("z", 1<<20)
	rec := failed("chat", "k")
	rec.Event.Text = text
	if err := l.Complete(ctx, "chat/m/k", c.Token, rec); err != nil {
		t.Fatalf("Complete(hostile event): %v", err)
	}
	page, _, err := l.Failures(ctx, pgledger.FailuresOptions{})
	if err != nil || len(page) != 1 {
		t.Fatalf("Failures = %d, %v", len(page), err)
	}
	if page[0].Record.Event.Text != text {
		t.Errorf("the failed event's text did not survive the ledger byte for byte")
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := newPool(t, newSchema(t))
	var wg sync.WaitGroup
	for range 4 { // app servers starting at once
		wg.Go(func() {
			if err := pgledger.Migrate(ctx, pool); err != nil {
				t.Errorf("concurrent Migrate: %v", err)
			}
		})
	}
	wg.Wait()
	if err := pgledger.Migrate(ctx, pool); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	var versions []int
	rows, _ := pool.Query(ctx, `SELECT version FROM inboxkit_schema_migrations WHERE component = 'pgledger' ORDER BY version`)
	for rows.Next() {
		var v int
		rows.Scan(&v)
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1}, versions); diff != "" {
		t.Errorf("recorded versions (-want +got):\n%s", diff)
	}
	sql, err := fs.ReadFile(pgledger.Migrations(), "0001_init.sql")
	if err != nil || !strings.Contains(string(sql), "CREATE TABLE inboxkit_ledger") {
		t.Errorf("Migrations() 0001_init.sql = %.40q, %v; want the ledger's schema", sql, err)
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	pool := newPool(t, "public") // New does not touch the database
	for _, o := range []pgledger.Options{{Lease: -time.Second}, {Lease: time.Microsecond}} {
		if _, err := pgledger.New(pool, o); err == nil {
			t.Errorf("New(%+v) = nil error; want one", o)
		}
	}
	if _, err := pgledger.New(nil, pgledger.Options{}); err == nil {
		t.Error("New(nil pool) = nil error; want one")
	}
}

// FuzzFailedEvent: whatever valid UTF-8 text a failed event carries survives the ledger byte
// for byte, for its replay.
func FuzzFailedEvent(f *testing.F) {
	for _, s := range []string{"hello", "", "a\x00b", `\u0000 literally`, "\u2028\u2029", "<script>alert(1)</script>", "line\r\nX-Injected: 1", "🎉\u202e"} {
		f.Add(s)
	}
	l, _ := newLedger(f, pgledger.Options{})
	n := 0
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // encoding/json writes U+FFFD for invalid UTF-8, as Sync does when it sends
		}
		n++
		key := "fuzz/m/" + strconv.Itoa(n)
		rec := failed("fuzz", strconv.Itoa(n))
		rec.Event.Text = text
		complete(t, l, key, rec)
		c, err := l.Claim(t.Context(), key)
		if err != nil || c.State != inbox.ClaimDone || c.Record.Event.Text != text {
			t.Errorf("Claim = %v, %v; want done with the event's text %q", c.State, err, text)
		}
	})
}
