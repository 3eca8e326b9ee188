package wix_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/inbox/wix"
	"github.com/inboxkit/inboxkit/inbox/wix/wixtest"
)

func standIn(t *testing.T) (*wixtest.Server, *wix.Client) {
	t.Helper()
	srv := wixtest.NewServer(wixtest.Options{AppID: appAuth.AppID, AppSecret: appAuth.AppSecret, InstanceID: appAuth.InstanceID})
	t.Cleanup(srv.Close)
	c, err := wix.New(wix.Options{Auth: appAuth, BaseURL: srv.URL(), Transport: http.DefaultTransport, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// The inbox conformance suites, run against the connector over the
// stand-in server.
func TestConformanceContacts(t *testing.T) {
	inboxtest.RunContacts(t, func(t *testing.T, seed []inboxtest.Contact) inbox.Contacts {
		srv, c := standIn(t)
		for _, s := range seed {
			ct := wixtest.Contact{ID: s.ID}
			if s.Email != "" {
				ct.Emails = []string{s.Email}
			}
			if s.Phone != "" {
				ct.Phones = []string{s.Phone}
			}
			srv.AddContact(ct)
		}
		return c
	})
}

// contactIDs maps the suite's contact ids ("c1") to stand-in contacts,
// created on first use: Wix requires GUIDs of existing contacts.
type contactIDs struct {
	srv *wixtest.Server
	c   *wix.Client
	mu  sync.Mutex
	ids map[string]string
}

func (m *contactIDs) GetOrCreate(ctx context.Context, contactID string) (string, bool, error) {
	m.mu.Lock()
	id, ok := m.ids[contactID]
	if !ok {
		id = m.srv.AddContact(wixtest.Contact{Emails: []string{contactID + "@example.com"}})
		m.ids[contactID] = id
	}
	m.mu.Unlock()
	return m.c.GetOrCreate(ctx, id)
}

func TestConformanceConversations(t *testing.T) {
	inboxtest.RunConversations(t, func(t *testing.T) inbox.Conversations {
		srv, c := standIn(t)
		return &contactIDs{srv: srv, c: c, ids: map[string]string{}}
	})
}

func TestConformanceMessages(t *testing.T) {
	inboxtest.RunMessages(t, func(t *testing.T) (inbox.Messages, string) {
		srv, c := standIn(t)
		id := srv.AddContact(wixtest.Contact{Emails: []string{"ada@example.com"}})
		conv, _, err := c.GetOrCreate(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return c, conv
	})
}

// TestMergedContact: a contact merged into another after the lookup gets
// 404 from Get or Create Conversation; the client finds the contact again
// by the same email, once.
func TestMergedContact(t *testing.T) {
	srv, c := standIn(t)
	old := srv.AddContact(wixtest.Contact{Emails: []string{"ada@example.com"}})
	keep := srv.AddContact(wixtest.Contact{Emails: []string{"ada.l@example.com"}})
	ids, err := c.FindByEmail(t.Context(), "ada@example.com")
	if err != nil || !cmp.Equal(ids, []string{old}) {
		t.Fatalf("FindByEmail = %v, %v", ids, err)
	}
	srv.Merge(old, keep)
	conv, _, err := c.GetOrCreate(t.Context(), old)
	if err != nil {
		t.Fatalf("GetOrCreate(merged contact) = %v; want the surviving contact's conversation", err)
	}
	if got := srv.Conversations(); len(got) != 1 || got[0].ID != conv || got[0].ContactID != keep {
		t.Errorf("conversations = %+v; want one for %s", got, keep)
	}
	unknown := "00000000-0000-4000-8000-0000000000ff"
	if _, _, err := c.GetOrCreate(t.Context(), unknown); err == nil || err.Error() != "wix: get or create conversation: status 404: CONTACT_NOT_FOUND" {
		t.Errorf("GetOrCreate(never looked up) = %v; want the 404", err)
	}
}

// TestSyncOverStandIn: the whole inbox flow against the stand-in, with
// contact creation carrying the phone and name.
func TestSyncOverStandIn(t *testing.T) {
	srv, c := standIn(t)
	ada := srv.AddContact(wixtest.Contact{Name: "Ada", Emails: []string{"ada@example.com"}})
	s, err := inbox.New(inbox.Options{Contacts: c, Conversations: c, Messages: c, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{}), NoMatch: inbox.NoMatchCreate})
	if err != nil {
		t.Fatal(err)
	}
	events := []*inbox.Event{
		{Source: "chat", MessageID: "m1", Email: "Ada@Example.com", Kind: inbox.KindBasic, Text: "Hello\u200b!"},
		{Source: "shop", MessageID: "o1", Email: "ada@example.com", Kind: inbox.KindMinimal, Text: "Order #1 placed", Link: "https://shop.example.com/o/1"},
		{Source: "sms", MessageID: "SM1", Phone: "+447700900555", Name: "Zoë", Kind: inbox.KindBasic, Text: "Hi from SMS"},
		{Source: "sms", MessageID: "SM2", Phone: "+447700900555", Kind: inbox.KindBasic, Text: "Second SMS"},
	}
	for _, ev := range events {
		if out, err := s.Sync(t.Context(), ev); err != nil || out.Status != inbox.StatusSent {
			t.Fatalf("Sync(%s) = %+v, %v", ev.MessageID, out, err)
		}
	}
	contacts := srv.Contacts()
	if len(contacts) != 2 || contacts[1].Name != "Zoë" || !cmp.Equal(contacts[1].Phones, []string{"+447700900555"}) {
		t.Fatalf("contacts = %+v; want Ada and a created Zoë with her phone", contacts)
	}
	convs := srv.Conversations()
	want := []wixtest.Conversation{
		{ID: convs[0].ID, ContactID: ada, Messages: []wixtest.Message{
			{Kind: "BASIC", Direction: "PARTICIPANT_TO_BUSINESS", Visibility: "BUSINESS_AND_PARTICIPANT", Items: []string{"text: Hello!"}},
			{Kind: "MINIMAL", Direction: "PARTICIPANT_TO_BUSINESS", Visibility: "BUSINESS_AND_PARTICIPANT", Items: []string{"Order #1 placed"}, URL: "https://shop.example.com/o/1"}}},
		{ID: convs[1].ID, ContactID: contacts[1].ID, Messages: []wixtest.Message{
			{Kind: "BASIC", Direction: "PARTICIPANT_TO_BUSINESS", Visibility: "BUSINESS_AND_PARTICIPANT", Items: []string{"text: Hi from SMS"}},
			{Kind: "BASIC", Direction: "PARTICIPANT_TO_BUSINESS", Visibility: "BUSINESS_AND_PARTICIPANT", Items: []string{"text: Second SMS"}}}},
	}
	ignoreIDs := cmp.Transformer("noID", func(m wixtest.Message) wixtest.Message { m.ID = ""; return m })
	if diff := cmp.Diff(want, convs, ignoreIDs); diff != "" {
		t.Errorf("conversations (-want +got):\n%s", diff)
	}
}

// TestStandInValidates: the stand-in refuses what Wix's schema refuses,
// with Wix-shaped errors that the client maps (field and rule named).
func TestStandInValidates(t *testing.T) {
	srv, c := standIn(t)
	id := srv.AddContact(wixtest.Contact{Emails: []string{"ada@example.com"}})
	conv, _, err := c.GetOrCreate(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"not a GUID", func() error { _, _, err := c.GetOrCreate(t.Context(), "c1"); return err },
			"wix: get or create conversation: status 400: INVALID_FORMAT (field participantId.contactId)"},
		{"unknown conversation", func() error {
			_, err := c.Send(t.Context(), "00000000-0000-4000-8000-0000000000aa", &inbox.Message{Kind: inbox.KindBasic, Text: "x"})
			return err
		}, "wix: send message: status 404: CONVERSATION_NOT_FOUND"},
		{"attachment URL too long", func() error {
			_, err := c.Send(t.Context(), conv, &inbox.Message{Kind: inbox.KindBasic, Attachments: []inbox.Attachment{{URL: "https://x.test/" + strings.Repeat("a", 2000)}}})
			return err
		}, "wix: send message: attachments[0].url: not an http or https URL of at most 2000 bytes"},
		{"create without email or phone", func() error { _, err := c.CreateContact(t.Context(), inbox.Person{Name: "x"}); return err },
			"wix: create contact: no email or phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil || err.Error() != tt.want {
				t.Errorf("error = %v; want %q", err, tt.want)
			}
		})
	}
	srv.FailNext("/inbox/v2/messages", http.StatusServiceUnavailable, "1")
	_, err = c.Send(t.Context(), conv, &inbox.Message{Kind: inbox.KindBasic, Text: "x"})
	if we, ok := errors.AsType[*wix.Error](err); !ok || !errors.Is(err, inbox.ErrTemporary) || we.RetryAfter.Seconds() != 1 {
		t.Errorf("Send during an outage = %v; want a temporary error with Retry-After 1s", err)
	}
	srv.ExpireTokens()
	if _, err := c.Send(t.Context(), conv, &inbox.Message{Kind: inbox.KindBasic, Text: "after expiry"}); err != nil {
		t.Errorf("Send after the tokens were revoked = %v; want a refresh and success", err)
	}
	if got := srv.Calls("/oauth2/token"); got != 2 {
		t.Errorf("%d token requests; want 2", got)
	}
}
