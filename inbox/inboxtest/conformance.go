package inboxtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// a fresh store holding exactly the given contacts. If the store implements
// [inbox.PhoneContacts] or [inbox.ContactCreator], phone lookup and
// creation are tested too.
func RunContacts(t *testing.T, newContacts func(t *testing.T, seed []Contact) inbox.Contacts) {
	t.Helper()
	seed := []Contact{
		{"c1", "ada@example.com", "+14155550101"},
		{"c2", "bob@example.com", ""},
		{"c3", "bob@example.com", ""},
		{"c4", "", "+442079460958"},
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
		}{{"+14155550101", []string{"c1"}}, {"+442079460958", []string{"c4"}}, {"+14155550199", nil}} {
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
			wg      sync.WaitGroup
			mu      sync.Mutex
			ids     = map[string]bool{}
			creates int
		)
		for range 20 {
			wg.Go(func() {
				id, created, err := c.GetOrCreate(t.Context(), "c9")
				if err != nil {
					t.Errorf("GetOrCreate: %v", err)
					return
				}
				mu.Lock()
				ids[id] = true
				if created {
					creates++
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		if len(ids) != 1 || creates != 1 {
			t.Errorf("20 concurrent GetOrCreate: %d distinct ids, %d created; want 1 and 1", len(ids), creates)
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
	})
	t.Run("concurrent", func(t *testing.T) {
		ms, conv := newMessages(t)
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			ids = map[string]bool{}
		)
		for i := range 20 {
			wg.Go(func() {
				id, err := ms.Send(t.Context(), conv, &inbox.Message{Kind: inbox.KindBasic, Text: fmt.Sprint("m", i), Key: fmt.Sprint("conformance/m/", i, "/c1")})
				if err != nil {
					t.Errorf("Send: %v", err)
					return
				}
				mu.Lock()
				ids[id] = true
				mu.Unlock()
			})
		}
		wg.Wait()
		if len(ids) != 20 {
			t.Errorf("20 concurrent sends of distinct messages gave %d distinct ids; want 20", len(ids))
		}
	})
}

// RunLedger tests an [inbox.Ledger] implementation. newLedger returns a
// fresh ledger whose claims last lease, and advance, which moves the
// ledger's clock forward (nil skips the lease-expiry and takeover tests).
//
// Besides claims, leases and records, it checks the fencing of Complete and
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
		l, _, _ := newLedger(t)
		cl := claim(t, l, "k", inbox.ClaimNew)
		ev := &inbox.Event{Source: "s", MessageID: "1", Email: "a@example.com", Kind: inbox.KindBasic, Text: "hi"}
		if err := l.Complete(t.Context(), "k", cl.Token, &inbox.Record{Status: inbox.StatusFailed, Reason: "messages: send: rejected", Event: ev}); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		c := claim(t, l, "k", inbox.ClaimDone)
		if c.Record == nil || c.Record.Status != inbox.StatusFailed || c.Record.Reason == "" || c.Record.Event == nil || c.Record.Event.MessageID != "1" {
			t.Errorf("failed record = %+v; want status, reason and event kept", c.Record)
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
	t.Run("concurrent claims", func(t *testing.T) {
		l, _, _ := newLedger(t)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			news int
		)
		for range 20 {
			wg.Go(func() {
				c, err := l.Claim(context.WithoutCancel(t.Context()), "hot")
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
		}
		wg.Wait()
		if news != 1 {
			t.Errorf("20 concurrent claims gave %d ClaimNew; want 1", news)
		}
	})
}
