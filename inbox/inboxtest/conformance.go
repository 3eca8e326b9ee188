package inboxtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// A Contact seeds [RunContacts]. Phone is in E.164 form or empty.
type Contact struct {
	ID, Email, Phone string
}

// RunContacts tests an [inbox.Contacts] implementation. newContacts returns
// a fresh store holding exactly the given contacts (their emails as given,
// some with capitals, '_' or '%'; one with a phone number and no email).
// FindByEmail must match the library's lower-cased address exactly apart
// from case: not as a prefix, not as a LIKE pattern. If the store
// implements [inbox.PhoneContacts] or [inbox.ContactCreator], phone lookup
// and creation are tested too.
func RunContacts(t *testing.T, newContacts func(t *testing.T, seed []Contact) inbox.Contacts) {
	t.Helper()
	seed := []Contact{
		{"c1", "ada@example.com", "+14155550101"},
		{"c2", "bob@example.com", ""},
		{"c3", "bob@example.com", ""},
		{"c4", "Carol@Example.COM", ""},
		{"c5", "ada@example.com.au", ""},
		{"c6", "a_b%c@example.com", ""},
		{"c7", "axbyyc@example.com", ""},
		{"c8", "", "+442079460958"},
	}
	t.Run("one", func(t *testing.T) {
		c := newContacts(t, seed)
		ids, err := c.FindByEmail(t.Context(), "ada@example.com")
		if err != nil || !slices.Equal(ids, []string{"c1"}) {
			t.Errorf("FindByEmail(ada) = %v, %v; want [c1], nil", ids, err)
		}
	})
	t.Run("many", func(t *testing.T) {
		c := newContacts(t, seed)
		ids, err := c.FindByEmail(t.Context(), "bob@example.com")
		slices.Sort(ids)
		if err != nil || !slices.Equal(ids, []string{"c2", "c3"}) {
			t.Errorf("FindByEmail(bob) = %v, %v; want [c2 c3], nil", ids, err)
		}
	})
	t.Run("none", func(t *testing.T) {
		c := newContacts(t, seed)
		ids, err := c.FindByEmail(t.Context(), "nobody@example.com")
		if err != nil || len(ids) != 0 {
			t.Errorf("FindByEmail(nobody) = %v, %v; want no ids and no error", ids, err)
		}
	})
	t.Run("case-insensitive", func(t *testing.T) {
		// The library asks with the trimmed, lower-cased address (see
		// inbox.NormalizeEmail); the host's stored address may have capitals.
		c := newContacts(t, seed)
		ids, err := c.FindByEmail(t.Context(), "carol@example.com")
		if err != nil || !slices.Equal(ids, []string{"c4"}) {
			t.Errorf("FindByEmail(carol@example.com) for a contact stored as Carol@Example.COM = %v, %v; want [c4], nil", ids, err)
		}
	})
	t.Run("exact match", func(t *testing.T) {
		// Neither a prefix nor a pattern: a LIKE without escaping reads '_'
		// and '%' as wildcards and hands one customer's messages to another.
		c := newContacts(t, seed)
		for email, want := range map[string][]string{
			"ada@example.co":     nil,
			"a_b@example.com":    nil,
			"a_b%c@example.com":  {"c6"},
			"axbyyc@example.com": {"c7"},
			"ada@example.com.au": {"c5"},
		} {
			ids, err := c.FindByEmail(t.Context(), email)
			if err != nil || !slices.Equal(ids, want) {
				t.Errorf("FindByEmail(%q) = %v, %v; want %v, nil", email, ids, err, want)
			}
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		c := newContacts(t, seed)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if ids, err := c.FindByEmail(t.Context(), "ada@example.com"); err != nil || len(ids) != 1 {
					t.Errorf("concurrent FindByEmail = %v, %v", ids, err)
				}
			})
		}
		wg.Wait()
	})
	t.Run("phone", func(t *testing.T) {
		c := newContacts(t, seed)
		pc, ok := c.(inbox.PhoneContacts)
		if !ok {
			t.Skipf("%T does not implement inbox.PhoneContacts", c)
		}
		for _, tt := range []struct {
			phone string
			want  []string
		}{{"+14155550101", []string{"c1"}}, {"+442079460958", []string{"c8"}}, {"+14155550199", nil}} {
			ids, err := pc.FindByPhone(t.Context(), tt.phone)
			if err != nil || !slices.Equal(ids, tt.want) {
				t.Errorf("FindByPhone(%s) = %v, %v; want %v, nil", tt.phone, ids, err, tt.want)
			}
		}
	})
	t.Run("create", func(t *testing.T) {
		c := newContacts(t, seed)
		cr, ok := c.(inbox.ContactCreator)
		if !ok {
			t.Skipf("%T does not implement inbox.ContactCreator", c)
		}
		id, err := cr.CreateContact(t.Context(), inbox.Person{Email: "new@example.com", Phone: "+14155550123", Name: "New Person"})
		if err != nil || id == "" {
			t.Fatalf("CreateContact = %q, %v; want an id", id, err)
		}
		ids, err := c.FindByEmail(t.Context(), "new@example.com")
		if err != nil || !slices.Contains(ids, id) {
			t.Errorf("FindByEmail after CreateContact = %v, %v; want it to contain %q", ids, err, id)
		}
		if pc, ok := c.(inbox.PhoneContacts); ok {
			ids, err := pc.FindByPhone(t.Context(), "+14155550123")
			if err != nil || !slices.Contains(ids, id) {
				t.Errorf("FindByPhone after CreateContact = %v, %v; want it to contain %q", ids, err, id)
			}
		}
	})
}

// RunConversations tests an [inbox.Conversations] implementation.
func RunConversations(t *testing.T, newConversations func(t *testing.T) inbox.Conversations) {
	t.Helper()
	t.Run("get or create", func(t *testing.T) {
		c := newConversations(t)
		a, created, err := c.GetOrCreate(t.Context(), "c1")
		if err != nil || a == "" || !created {
			t.Fatalf("first GetOrCreate = %q, %v, %v; want an id, true, nil", a, created, err)
		}
		b, created, err := c.GetOrCreate(t.Context(), "c1")
		if err != nil || b != a || created {
			t.Errorf("second GetOrCreate = %q, %v, %v; want %q, false, nil", b, created, err, a)
		}
		o, _, err := c.GetOrCreate(t.Context(), "c2")
		if err != nil || o == "" || o == a {
			t.Errorf("GetOrCreate(other contact) = %q, %v; want a different id than %q", o, err, a)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		c := newConversations(t)
		var (
			mu      sync.Mutex
			ids     = map[string]map[string]bool{"c8": {}, "c9": {}}
			creates = map[string]int{}
		)
		together(20, func(i int) {
			contact := []string{"c8", "c9"}[i%2]
			id, created, err := c.GetOrCreate(context.WithoutCancel(t.Context()), contact)
			if err != nil {
				t.Errorf("GetOrCreate: %v", err)
				return
			}
			mu.Lock()
			ids[contact][id] = true
			if created {
				creates[contact]++
			}
			mu.Unlock()
		})
		for contact, got := range ids {
			if len(got) != 1 || creates[contact] != 1 {
				t.Errorf("10 concurrent GetOrCreate(%s): %d distinct ids, %d created; want 1 and 1", contact, len(got), creates[contact])
			}
		}
		if a, b := slices.Collect(maps.Keys(ids["c8"])), slices.Collect(maps.Keys(ids["c9"])); len(a) == 1 && len(b) == 1 && a[0] == b[0] {
			t.Errorf("concurrent GetOrCreate gave two contacts the conversation %q", a[0])
		}
	})
}

// RunMessages tests an [inbox.Messages] implementation. newMessages returns
// a store and the id of a conversation that exists in it.
func RunMessages(t *testing.T, newMessages func(t *testing.T) (m inbox.Messages, conversationID string)) {
	t.Helper()
	t.Run("send", func(t *testing.T) {
		ms, conv := newMessages(t)
		m := &inbox.Message{Kind: inbox.KindBasic, Text: "hello", Source: "conformance", ExternalID: "x1", Key: "conformance/m/x1/c1"}
		id, err := ms.Send(t.Context(), conv, m)
		if err != nil || id == "" {
			t.Fatalf("Send = %q, %v; want an id", id, err)
		}
		id2, err := ms.Send(t.Context(), conv, &inbox.Message{Kind: inbox.KindMinimal, Text: "Order placed", Key: "conformance/m/x2/c1"})
		if err != nil || id2 == "" || id2 == id {
			t.Errorf("second Send = %q, %v; want a new id other than %q", id2, err, id)
		}
		// Customers repeat themselves: equal texts under different keys
		// are different messages.
		id3, err := ms.Send(t.Context(), conv, &inbox.Message{Kind: inbox.KindBasic, Text: "hello", Source: "conformance", ExternalID: "x3", Key: "conformance/m/x3/c1"})
		if err != nil || id3 == "" || id3 == id {
			t.Errorf("Send of another message with the same text = %q, %v; want a new id other than %q", id3, err, id)
		}
	})
	t.Run("dedupe on key", func(t *testing.T) {
		// Send may deduplicate on Message.Key. An implementation that
		// returns the first id for a repeated key promises it; the promise
		// must then hold for concurrent sends too.
		ms, conv := newMessages(t)
		m := &inbox.Message{Kind: inbox.KindBasic, Text: "hi", Source: "conformance", ExternalID: "d1", Key: "conformance/m/d1/c1"}
		a, errA := ms.Send(t.Context(), conv, m)
		b, errB := ms.Send(t.Context(), conv, m)
		if errA != nil || errB != nil || a == "" || b == "" {
			t.Fatalf("Send twice = %q, %v and %q, %v; want ids", a, errA, b, errB)
		}
		if a != b {
			t.Skip("Send does not deduplicate on Message.Key (allowed)")
		}
		var (
			mu  sync.Mutex
			ids = map[string]bool{}
		)
		together(20, func(int) {
			id, err := ms.Send(context.WithoutCancel(t.Context()), conv, &inbox.Message{Kind: inbox.KindBasic, Text: "hi", Key: "conformance/m/d2/c1"})
			if err != nil {
				t.Errorf("Send: %v", err)
				return
			}
			mu.Lock()
			ids[id] = true
			mu.Unlock()
		})
		if len(ids) != 1 {
			t.Errorf("20 concurrent sends of one key gave %d distinct ids; want 1 (Send deduplicates sequential sends of a key)", len(ids))
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		ms, conv := newMessages(t)
		var (
			mu  sync.Mutex
			ids = map[string]bool{}
		)
		together(20, func(i int) {
			id, err := ms.Send(context.WithoutCancel(t.Context()), conv, &inbox.Message{Kind: inbox.KindBasic, Text: fmt.Sprint("m", i), Key: fmt.Sprint("conformance/m/", i, "/c1")})
			if err != nil {
				t.Errorf("Send: %v", err)
				return
			}
			mu.Lock()
			ids[id] = true
			mu.Unlock()
		})
		if len(ids) != 20 {
			t.Errorf("20 concurrent sends of distinct messages gave %d distinct ids; want 20", len(ids))
		}
	})
}

// RunLedger tests an [inbox.Ledger] implementation. newLedger returns a
// fresh ledger whose claims last lease, and advance, which moves the
// ledger's clock forward (nil skips the lease-expiry and takeover tests).
//
// Besides claims (also concurrent ones and concurrent takeovers), leases,
// keys (up to [inbox.MaxKeyBytes], compared byte for byte) and records
// (kept whole: it compares JSON encodings), it checks the fencing of Complete and
// Release by the claim token: a token that is not the key's current claim
// (taken over, already used, unknown) writes nothing and gets an error
// wrapping [inbox.ErrLeaseLost].
func RunLedger(t *testing.T, newLedger func(t *testing.T) (l inbox.Ledger, lease time.Duration, advance func(time.Duration))) {
	t.Helper()
	claim := func(t *testing.T, l inbox.Ledger, key string, want inbox.ClaimState) inbox.Claim {
		t.Helper()
		c, err := l.Claim(t.Context(), key)
		if err != nil {
			t.Fatalf("Claim(%q): %v", key, err)
		}
		if c.State != want {
			t.Fatalf("Claim(%q) state = %v; want %v", key, c.State, want)
		}
		if (c.Token != "") != (want == inbox.ClaimNew) {
			t.Fatalf("Claim(%q) = %v with token %q; want a token exactly when new", key, c.State, c.Token)
		}
		return c
	}
	// lost checks that a fenced write was refused with ErrLeaseLost.
	lost := func(t *testing.T, what string, err error) {
		t.Helper()
		if !errors.Is(err, inbox.ErrLeaseLost) {
			t.Errorf("%s = %v; want an error wrapping inbox.ErrLeaseLost", what, err)
		}
	}
	t.Run("new busy done", func(t *testing.T) {
		l, _, _ := newLedger(t)
		c1 := claim(t, l, "k1", inbox.ClaimNew)
		if c1.Record != nil {
			t.Errorf("first Claim record = %+v; want nil", c1.Record)
		}
		claim(t, l, "k1", inbox.ClaimBusy)
		claim(t, l, "k2", inbox.ClaimNew)
		rec := &inbox.Record{Status: inbox.StatusSent, Deliveries: []inbox.Delivery{{ContactID: "c1", ConversationID: "v1", MessageID: "m1"}}}
		if err := l.Complete(t.Context(), "k1", c1.Token, rec); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		c := claim(t, l, "k1", inbox.ClaimDone)
		if c.Record == nil || c.Record.Status != inbox.StatusSent || len(c.Record.Deliveries) != 1 || c.Record.Deliveries[0].MessageID != "m1" {
			t.Errorf("Claim after Complete record = %+v; want the completed record", c.Record)
		}
	})
	t.Run("release keeps progress", func(t *testing.T) {
		l, _, _ := newLedger(t)
		first := claim(t, l, "k", inbox.ClaimNew)
		progress := &inbox.Record{Status: inbox.StatusRetry, Deliveries: []inbox.Delivery{{ContactID: "c1", MessageID: "m1"}, {ContactID: "c2"}}}
		if err := l.Release(t.Context(), "k", first.Token, progress); err != nil {
			t.Fatalf("Release: %v", err)
		}
		c := claim(t, l, "k", inbox.ClaimNew)
		if c.Record == nil || len(c.Record.Deliveries) != 2 || c.Record.Deliveries[0].MessageID != "m1" {
			t.Errorf("Claim after Release record = %+v; want the released progress", c.Record)
		}
		if c.Token == first.Token {
			t.Errorf("Claim after Release reused token %q", c.Token)
		}
	})
	t.Run("failed record", func(t *testing.T) {
		// A permanent failure is kept whole, event included, so that the
		// host can replay it: every field must survive the ledger's storage.
		l, _, _ := newLedger(t)
		cl := claim(t, l, "k", inbox.ClaimNew)
		rec := &inbox.Record{
			Status: inbox.StatusFailed,
			Reason: "1 of 2 contacts failed permanently; contact c2: messages: send: rejected",
			Deliveries: []inbox.Delivery{
				{ContactID: "c1", CreatedContact: true, ConversationID: "v1", NewConversation: true, MessageID: "m1"},
				{ContactID: "c2", ConversationID: "v2", Error: "messages: send: rejected"},
			},
			Event: &inbox.Event{
				Source: "shop", Type: "order.placed", DeliveryID: "d1", MessageID: "o-1", IdempotencyKey: "o-1/paid",
				Email: "Zoë@example.com", Phone: "+447700900123", Name: "Zoë \"Q\" Quinn",
				Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant, // a BASIC event encodes its direction
				Visibility: inbox.BusinessOnly, Text: "Order #1 placed — 2 × \"Tee\"\n", Icon: "cart",
				Link: "https://shop.example.com/o/1?x=a&y=%2F", OccurredAt: time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC),
				Attachments: []inbox.Attachment{{URL: "https://files.example.com/a.pdf", Name: "a.pdf", ContentType: "application/pdf"}},
			},
		}
		want := jsonOf(t, rec)
		if err := l.Complete(t.Context(), "k", cl.Token, rec); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		c := claim(t, l, "k", inbox.ClaimDone)
		if got := jsonOf(t, c.Record); got != want {
			t.Errorf("failed record after Complete and Claim:\n got %s\nwant %s", got, want)
		}
	})
	t.Run("keys are distinct", func(t *testing.T) {
		// Keys are compared whole: a store that truncates them (a short
		// column, an index prefix) or folds their case merges deliveries.
		l, _, _ := newLedger(t)
		long := strings.Repeat("k", inbox.MaxKeyBytes-1)
		keys := []string{long + "a", long + "b", "chat/order.placed/m/O-1", "chat/order.placed/m/o-1", "chat/ordér.placed/m/o-1"}
		for i, k := range keys {
			cl := claim(t, l, k, inbox.ClaimNew)
			if err := l.Complete(t.Context(), k, cl.Token, &inbox.Record{Status: inbox.StatusSent, Reason: "key " + strconv.Itoa(i)}); err != nil {
				t.Fatalf("Complete(key %d): %v", i, err)
			}
		}
		for i, k := range keys {
			if c := claim(t, l, k, inbox.ClaimDone); c.Record == nil || c.Record.Reason != "key "+strconv.Itoa(i) {
				t.Errorf("record of key %d = %+v; want its own", i, c.Record)
			}
		}
	})
	t.Run("done is final", func(t *testing.T) {
		// A worker whose Complete timed out after it was stored, or whose
		// lease expired while another completed the key, may still call
		// Release or Complete: neither may reopen or rewrite a done key,
		// or a redelivery would send again.
		l, _, _ := newLedger(t)
		cl := claim(t, l, "k", inbox.ClaimNew)
		rec := &inbox.Record{Status: inbox.StatusSent, Deliveries: []inbox.Delivery{{ContactID: "c1", MessageID: "m1"}}}
		if err := l.Complete(t.Context(), "k", cl.Token, rec); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		lost(t, "Release after Complete", l.Release(t.Context(), "k", cl.Token, &inbox.Record{Status: inbox.StatusRetry}))
		lost(t, "second Complete", l.Complete(t.Context(), "k", cl.Token, &inbox.Record{Status: inbox.StatusFailed, Reason: "stale"}))
		c := claim(t, l, "k", inbox.ClaimDone)
		if c.Record == nil || c.Record.Status != inbox.StatusSent || len(c.Record.Deliveries) != 1 || c.Record.Deliveries[0].MessageID != "m1" {
			t.Errorf("record after a stale Release and Complete = %+v; want the first completed record", c.Record)
		}
	})
	t.Run("lease expiry keeps progress", func(t *testing.T) {
		l, lease, advance := newLedger(t)
		if advance == nil {
			t.Skip("no clock to advance")
		}
		first := claim(t, l, "k", inbox.ClaimNew)
		progress := &inbox.Record{Status: inbox.StatusRetry, Deliveries: []inbox.Delivery{{ContactID: "c1", MessageID: "m1"}}}
		if err := l.Release(t.Context(), "k", first.Token, progress); err != nil {
			t.Fatalf("Release: %v", err)
		}
		claim(t, l, "k", inbox.ClaimNew) // this worker crashes
		advance(lease + time.Second)
		c := claim(t, l, "k", inbox.ClaimNew)
		if c.Record == nil || len(c.Record.Deliveries) != 1 || c.Record.Deliveries[0].MessageID != "m1" {
			t.Errorf("Claim after an expired lease record = %+v; want the progress saved by the last Release", c.Record)
		}
	})
	t.Run("lease expiry", func(t *testing.T) {
		l, lease, advance := newLedger(t)
		if advance == nil {
			t.Skip("no clock to advance")
		}
		claim(t, l, "k", inbox.ClaimNew)
		advance(lease / 2)
		claim(t, l, "k", inbox.ClaimBusy)
		advance(lease/2 + time.Second)
		claim(t, l, "k", inbox.ClaimNew)
		claim(t, l, "k", inbox.ClaimBusy)
	})
	t.Run("stale token cannot complete after takeover", func(t *testing.T) {
		l, lease, advance := newLedger(t)
		if advance == nil {
			t.Skip("no clock to advance")
		}
		a := claim(t, l, "k", inbox.ClaimNew) // worker A outlives its lease
		advance(lease + time.Second)
		b := claim(t, l, "k", inbox.ClaimNew) // worker B takes the key over
		if a.Token == b.Token {
			t.Fatalf("takeover Claim reused token %q", a.Token)
		}
		lost(t, "Complete with the taken-over token", l.Complete(t.Context(), "k", a.Token,
			&inbox.Record{Status: inbox.StatusSent, Deliveries: []inbox.Delivery{{ContactID: "c1", MessageID: "m-a"}}}))
		claim(t, l, "k", inbox.ClaimBusy) // still B's
		rec := &inbox.Record{Status: inbox.StatusSent, Deliveries: []inbox.Delivery{{ContactID: "c1", MessageID: "m-b"}}}
		if err := l.Complete(t.Context(), "k", b.Token, rec); err != nil {
			t.Fatalf("Complete by the new owner: %v", err)
		}
		lost(t, "Complete with the taken-over token after the new owner's", l.Complete(t.Context(), "k", a.Token,
			&inbox.Record{Status: inbox.StatusFailed, Reason: "stale"}))
		c := claim(t, l, "k", inbox.ClaimDone)
		if c.Record == nil || c.Record.Status != inbox.StatusSent || len(c.Record.Deliveries) != 1 || c.Record.Deliveries[0].MessageID != "m-b" {
			t.Errorf("record = %+v; want the new owner's", c.Record)
		}
	})
	t.Run("stale token cannot release after takeover", func(t *testing.T) {
		// A stale Release must neither free the key (a third worker would
		// claim it and send while the new owner is still sending) nor
		// overwrite its progress.
		l, lease, advance := newLedger(t)
		if advance == nil {
			t.Skip("no clock to advance")
		}
		a := claim(t, l, "k", inbox.ClaimNew)
		advance(lease + time.Second)
		b := claim(t, l, "k", inbox.ClaimNew)
		lost(t, "Release with the taken-over token", l.Release(t.Context(), "k", a.Token,
			&inbox.Record{Status: inbox.StatusRetry, Deliveries: []inbox.Delivery{{ContactID: "c1", MessageID: "m-a"}}}))
		claim(t, l, "k", inbox.ClaimBusy)
		progress := &inbox.Record{Status: inbox.StatusRetry, Deliveries: []inbox.Delivery{{ContactID: "c1", MessageID: "m-b"}}}
		if err := l.Release(t.Context(), "k", b.Token, progress); err != nil {
			t.Fatalf("Release by the new owner: %v", err)
		}
		lost(t, "Release with the taken-over token after the new owner's", l.Release(t.Context(), "k", a.Token,
			&inbox.Record{Status: inbox.StatusRetry}))
		c := claim(t, l, "k", inbox.ClaimNew)
		if c.Record == nil || len(c.Record.Deliveries) != 1 || c.Record.Deliveries[0].MessageID != "m-b" {
			t.Errorf("Claim after the releases record = %+v; want the new owner's progress", c.Record)
		}
		if c.Token == a.Token || c.Token == b.Token {
			t.Errorf("third Claim reused token %q", c.Token)
		}
	})
	t.Run("expired lease not taken over", func(t *testing.T) {
		// Expiry alone does not end a claim: until another Claim takes the
		// key over, the slow holder may still complete it.
		l, lease, advance := newLedger(t)
		if advance == nil {
			t.Skip("no clock to advance")
		}
		a := claim(t, l, "k", inbox.ClaimNew)
		advance(lease + time.Second)
		if err := l.Complete(t.Context(), "k", a.Token, &inbox.Record{Status: inbox.StatusSent}); err != nil {
			t.Fatalf("Complete after expiry without takeover: %v", err)
		}
		claim(t, l, "k", inbox.ClaimDone)
	})
	t.Run("token is used once", func(t *testing.T) {
		l, _, _ := newLedger(t)
		a := claim(t, l, "k", inbox.ClaimNew)
		if err := l.Release(t.Context(), "k", a.Token, nil); err != nil {
			t.Fatalf("Release: %v", err)
		}
		lost(t, "second Release", l.Release(t.Context(), "k", a.Token, &inbox.Record{Status: inbox.StatusRetry}))
		lost(t, "Complete after Release", l.Complete(t.Context(), "k", a.Token, &inbox.Record{Status: inbox.StatusSent}))
		if c := claim(t, l, "k", inbox.ClaimNew); c.Record != nil {
			t.Errorf("Claim after refused writes record = %+v; want nil", c.Record)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		l, _, _ := newLedger(t)
		rec := &inbox.Record{Status: inbox.StatusSent, Deliveries: []inbox.Delivery{{ContactID: "c1", MessageID: "m1"}}}
		// A key nobody claimed.
		lost(t, "Complete of an unclaimed key", l.Complete(t.Context(), "never", "no-such-token", rec))
		lost(t, "Release of an unclaimed key", l.Release(t.Context(), "never", "no-such-token", rec))
		lost(t, "Complete with an empty token", l.Complete(t.Context(), "never", "", rec))
		if c := claim(t, l, "never", inbox.ClaimNew); c.Record != nil {
			t.Errorf("Claim after refused writes record = %+v; want nil", c.Record)
		}
		// A claimed key, and a released one, with a token that is not theirs.
		b := claim(t, l, "k", inbox.ClaimNew)
		wrong := b.Token + "x"
		lost(t, "Complete of a claimed key with another token", l.Complete(t.Context(), "k", wrong, rec))
		lost(t, "Release of a claimed key with another token", l.Release(t.Context(), "k", wrong, rec))
		lost(t, "Complete of a claimed key with an empty token", l.Complete(t.Context(), "k", "", rec))
		claim(t, l, "k", inbox.ClaimBusy)
		if err := l.Release(t.Context(), "k", b.Token, nil); err != nil {
			t.Fatalf("Release: %v", err)
		}
		lost(t, "Complete of a released key with another token", l.Complete(t.Context(), "k", wrong, rec))
		if c := claim(t, l, "k", inbox.ClaimNew); c.Record != nil {
			t.Errorf("Claim after refused writes record = %+v; want nil", c.Record)
		}
	})
	// claimRace starts 20 claims of key at once and returns how many won.
	claimRace := func(t *testing.T, l inbox.Ledger, key string) int {
		var (
			mu   sync.Mutex
			news int
		)
		together(20, func(int) {
			c, err := l.Claim(context.WithoutCancel(t.Context()), key)
			if err != nil {
				t.Errorf("Claim: %v", err)
				return
			}
			if c.State == inbox.ClaimNew {
				mu.Lock()
				news++
				mu.Unlock()
			}
		})
		return news
	}
	t.Run("concurrent claims", func(t *testing.T) {
		l, _, _ := newLedger(t)
		for i := range 5 {
			if news := claimRace(t, l, "hot-"+strconv.Itoa(i)); news != 1 {
				t.Errorf("20 concurrent claims of a new key gave %d ClaimNew; want 1", news)
			}
		}
	})
	t.Run("concurrent takeovers", func(t *testing.T) {
		// When a lease expires, the redeliveries racing for the key must
		// still produce one owner.
		l, lease, advance := newLedger(t)
		if advance == nil {
			t.Skip("no clock to advance")
		}
		claim(t, l, "hot", inbox.ClaimNew) // this worker crashes
		advance(lease + time.Second)
		if news := claimRace(t, l, "hot"); news != 1 {
			t.Errorf("20 concurrent claims of an expired key gave %d ClaimNew; want 1", news)
		}
	})
}

// together runs f(0) ... f(n-1) on n goroutines released at the same
// moment, so that racing calls overlap, and waits for them.
func together(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}

// jsonOf returns the JSON encoding of v, which the ledger may store.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	return string(b)
}
