package inbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

const smsURL = "https://hooks.example.com/sms?tenant=7"

// smsSource maps Twilio's incoming-SMS webhook (form fields).
func smsSource(v inbox.Verifier) inbox.Source {
	return inbox.Source{
		Name:     "sms",
		Verifier: v,
		Mapping: inbox.Mapping{
			Type: "SmsStatus", MessageID: "MessageSid", Phone: "From", Name: "FromName", Text: "Body",
		},
		Events:             map[string]inbox.EventType{"received": {Kind: inbox.KindBasic}},
		DefaultCallingCode: "44",
	}
}

type smsEnv struct {
	contacts *inboxtest.Contacts
	msgs     *inboxtest.Messages
	ledger   *inboxtest.Ledger
	tw       *inbox.Twilio
	h        *inbox.Handler
}

func newSMSEnv(t *testing.T, contacts inbox.Contacts, noMatch inbox.NoMatch) *smsEnv {
	t.Helper()
	e := &smsEnv{contacts: inboxtest.NewContacts(), msgs: inboxtest.NewMessages(), ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{})}
	if contacts == nil {
		contacts = e.contacts
	}
	s, err := inbox.New(inbox.Options{Contacts: contacts, Conversations: inboxtest.NewConversations(), Messages: e.msgs, Ledger: e.ledger, NoMatch: noMatch})
	if err != nil {
		t.Fatal(err)
	}
	if e.tw, err = inbox.NewTwilio(inbox.TwilioOptions{AuthTokens: []string{"tw-token"}, URL: smsURL}); err != nil {
		t.Fatal(err)
	}
	if e.h, err = s.Handler(smsSource(e.tw), nil); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *smsEnv) post(t *testing.T, form url.Values) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/hooks/sms", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("X-Twilio-Signature", e.tw.Sign(form))
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func smsForm(sid, from, body string) url.Values {
	return url.Values{"MessageSid": {sid}, "SmsStatus": {"received"}, "From": {from}, "To": {"+447700900001"}, "Body": {body}}
}

// TestSMSFormByPhone: a Twilio-signed, form-encoded SMS finds its contact by
// the E.164 form of a national number, exactly once.
func TestSMSFormByPhone(t *testing.T) {
	e := newSMSEnv(t, nil, inbox.NoMatchSkip)
	e.contacts.AddPhone("c1", "+447700900123")
	for range 2 {
		if code, body := e.post(t, smsForm("SM1", "07700 900123", "On my way\u200b!")); code != http.StatusOK {
			t.Fatalf("POST = %d %s; want 200", code, body)
		}
	}
	got := e.msgs.All()
	if len(got) != 1 {
		t.Fatalf("%d messages after a redelivery; want 1", len(got))
	}
	if diff := cmp.Diff("On my way!", got[0].Message.Text); diff != "" {
		t.Errorf("text (zero-width space stripped) (-want +got):\n%s", diff)
	}
}

// TestDecodePersonProblems: payload problems about the sender point at
// the value in the body and, when neither email nor phone is there, name
// the phone path too.
func TestDecodePersonProblems(t *testing.T) {
	src := inbox.Source{
		Name:    "calls",
		Mapping: inbox.Mapping{Type: "type", MessageID: "id", Email: "data.email", Phone: "data.phone", Text: "data.text"},
		Events:  map[string]inbox.EventType{"call": {Kind: inbox.KindBasic}},
	}
	d, err := inbox.NewDecoder(src)
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		body string
		want inbox.Problem
	}{
		"neither":      {`{"type":"call","id":"1","data":{"text":"x"}}`, inbox.Problem{Path: "/data/email", Code: inbox.CodeMissing, Message: `email: missing, and no phone either (looked at "data.phone")`}},
		"bad email":    {`{"type":"call","id":"1","data":{"email":"nope","phone":"+14155550101","text":"x"}}`, inbox.Problem{Path: "/data/email", Code: inbox.CodeInvalidEmail, Message: "email: not an email address"}},
		"national":     {`{"type":"call","id":"1","data":{"phone":"020 7946 0958","text":"x"}}`, inbox.Problem{Path: "/data/phone", Code: inbox.CodeInvalidPhone, Message: "phone: a national number, and the source has no default calling code"}},
		"phone object": {`{"type":"call","id":"1","data":{"phone":{"n":1},"text":"x"}}`, inbox.Problem{Path: "/data/phone", Code: inbox.CodeWrongType, Message: "phone: not a string or number"}},
	} {
		_, err := d.Decode(nil, []byte(tt.body))
		pe, ok := errors.AsType[*inbox.PayloadError](err)
		if !ok || !errors.Is(err, inbox.ErrMalformed) {
			t.Errorf("%s: Decode = %v; want a PayloadError wrapping ErrMalformed", name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, pe.Problem); diff != "" {
			t.Errorf("%s: problem (-want +got):\n%s", name, diff)
		}
	}
}

func TestSMSRejects(t *testing.T) {
	e := newSMSEnv(t, nil, inbox.NoMatchSkip)
	tests := []struct {
		name   string
		form   url.Values
		tamper func(r *http.Request)
		code   int
		want   string
	}{
		{"no phone", url.Values{"MessageSid": {"SM2"}, "SmsStatus": {"received"}, "Body": {"hi"}}, nil, 400, `{"path":"/From","code":"missing","message":"phone: missing"}`},
		{"not a phone", smsForm("SM3", "ada@example.com", "hi"), nil, 400, "phone: not a phone number"},
		{"short code", smsForm("SM4", "12345", "hi"), nil, 400, "phone: not a phone number (8 to 15 digits"},
		{"forged", smsForm("SM5", "+447700900123", "hi"), func(r *http.Request) { r.Header.Set("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=") }, 401, "invalid signature"},
		{"no signature", smsForm("SM6", "+447700900123", "hi"), func(r *http.Request) { r.Header.Del("X-Twilio-Signature") }, 401, "invalid signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/hooks/sms", strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", e.tw.Sign(tt.form))
			if tt.tamper != nil {
				tt.tamper(req)
			}
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code != tt.code || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("POST = %d %s; want %d containing %q", rec.Code, rec.Body, tt.code, tt.want)
			}
		})
	}
	if n := e.msgs.Len(); n != 0 {
		t.Errorf("%d messages sent; want 0", n)
	}
}

// TestSyncPhoneLookup: email first, then the phone when the email matches
// nobody; a phone-only event needs PhoneContacts.
func TestSyncPhoneLookup(t *testing.T) {
	contacts := inboxtest.NewContacts()
	contacts.Add("by-email", "ada@example.com")
	contacts.AddPhone("by-phone", "+14155550101")
	emailOnly := inbox.ContactsFunc(contacts.FindByEmail)
	tests := []struct {
		name     string
		contacts inbox.Contacts
		email    string
		phone    string
		status   inbox.Status
		matched  []string
		reason   string
	}{
		{"email wins", contacts, "ada@example.com", "+14155550101", inbox.StatusSent, []string{"by-email"}, ""},
		{"phone when email misses", contacts, "bo@example.com", "+14155550101", inbox.StatusSent, []string{"by-phone"}, ""},
		{"phone only", contacts, "", "+1 415 555 0101", inbox.StatusSent, []string{"by-phone"}, ""},
		{"no match", contacts, "bo@example.com", "+14155550199", inbox.StatusSkipped, nil, "no contact with this email or phone"},
		{"phone only, no PhoneContacts", emailOnly, "", "+14155550101", inbox.StatusFailed, nil,
			"contacts: find: inbox.ContactsFunc does not implement inbox.PhoneContacts, needed for an event with a phone number only"},
		{"extra phone, no PhoneContacts", emailOnly, "bo@example.com", "+14155550101", inbox.StatusSkipped, nil, "no contact with this email or phone"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := inbox.New(inbox.Options{Contacts: tt.contacts, Conversations: inboxtest.NewConversations(), Messages: inboxtest.NewMessages(), Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{})})
			if err != nil {
				t.Fatal(err)
			}
			ev := &inbox.Event{Source: "sms", MessageID: string(rune('a' + i)), Email: tt.email, Phone: tt.phone, Kind: inbox.KindBasic, Text: "hi"}
			out, err := s.Sync(t.Context(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != tt.status || !cmp.Equal(out.Matched, tt.matched) || out.Reason != tt.reason {
				t.Errorf("Sync = %s %v %q; want %s %v %q", out.Status, out.Matched, out.Reason, tt.status, tt.matched, tt.reason)
			}
		})
	}
}

func TestSyncRejectsBadPerson(t *testing.T) {
	s, err := inbox.New(inbox.Options{Contacts: inboxtest.NewContacts(), Conversations: inboxtest.NewConversations(), Messages: inboxtest.NewMessages(), Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct{ email, phone, name, path, code string }{
		"neither":        {"", "", "", "/email", inbox.CodeMissing},
		"blank email":    {"  ", "", "", "/email", inbox.CodeMissing},
		"bad email":      {"not-an-address", "+14155550101", "", "/email", inbox.CodeInvalidEmail},
		"national phone": {"", "020 7946 0958", "", "/phone", inbox.CodeInvalidPhone},
		"phone CRLF":     {"", "+1415\r\n5550101", "", "/phone", inbox.CodeInvalidPhone},
		"huge name":      {"a@b.c", "", strings.Repeat("n", 300), "/name", inbox.CodeTooLong},
	} {
		ev := &inbox.Event{Source: "sms", MessageID: "m", Email: tt.email, Phone: tt.phone, Name: tt.name, Kind: inbox.KindBasic, Text: "hi"}
		_, err := s.Sync(t.Context(), ev)
		pe, ok := errors.AsType[*inbox.PayloadError](err)
		if !errors.Is(err, inbox.ErrMalformed) || !ok || pe.Problem.Path != tt.path || pe.Problem.Code != tt.code {
			t.Errorf("%s: Sync = %v; want ErrMalformed with %s at %s", name, err, tt.code, tt.path)
		}
	}
}

// TestCreateContactGetsPerson: the NoMatchCreate policy hands the host what
// the event knows: the normalized email, the E.164 phone and the name.
func TestCreateContactGetsPerson(t *testing.T) {
	e := newSMSEnv(t, nil, inbox.NoMatchCreate)
	form := smsForm("SM9", "+44 7700 900 555", "Hello")
	form.Set("FromName", "Zoë\u202e Quinn\n")
	if code, body := e.post(t, form); code != http.StatusOK {
		t.Fatalf("POST = %d %s", code, body)
	}
	got, ok := e.contacts.Person("contact-1")
	if !ok {
		t.Fatal("no contact created")
	}
	if diff := cmp.Diff(inbox.Person{Phone: "+447700900555", Name: "Zoë Quinn "}, got); diff != "" {
		t.Errorf("CreateContact person (-want +got):\n%s", diff)
	}
}

func TestSourcePersonProblems(t *testing.T) {
	src := smsSource(nil)
	src.Mapping.Phone = ""
	src.DefaultCallingCode = "+44"
	src.Events["order.placed"] = inbox.EventType{Kind: inbox.KindMinimal, Text: "Order", Direction: inbox.BusinessToParticipant}
	_, err := inbox.NewDecoder(src)
	se, ok := errors.AsType[*inbox.SourceError](err)
	if !ok {
		t.Fatalf("NewDecoder = %v; want a SourceError", err)
	}
	want := []inbox.Problem{
		{Path: "/mapping/email", Code: inbox.CodeRequired, Message: "one of mapping.email or mapping.phone is required"},
		{Path: "/default_calling_code", Code: inbox.CodeInvalidCallingCode, Message: "1 to 3 digits without '+' or a leading zero"},
		{Path: "/events/order.placed/direction", Code: inbox.CodeNoDirection, Message: "a MINIMAL event (activity) has no direction"},
	}
	if diff := cmp.Diff(want, se.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestMinimalHasNoDirection: an activity's direction is neither read from
// the payload, nor sent, nor encoded.
func TestMinimalHasNoDirection(t *testing.T) {
	d := mustDecoder(t)
	ev, err := d.Decode(nil, []byte(`{"type":"order.placed","id":"e1","data":{"email":"a@b.c","direction":"outbound","order":{"number":7}}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "direction") {
		t.Errorf("MINIMAL event JSON %s has a direction", b)
	}
	basic, err := json.Marshal(&inbox.Event{Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant})
	if err != nil || !strings.Contains(string(basic), `"direction":"BUSINESS_TO_PARTICIPANT"`) {
		t.Errorf("BASIC event JSON %s, %v; want its direction", basic, err)
	}
	var back inbox.Event
	if err := json.Unmarshal(basic, &back); err != nil || back.Direction != inbox.BusinessToParticipant {
		t.Errorf("round trip = %v, %v", back.Direction, err)
	}
	msgs := inboxtest.NewMessages()
	contacts := inboxtest.NewContacts()
	contacts.Add("c1", "a@b.c")
	s, err := inbox.New(inbox.Options{Contacts: contacts, Conversations: inboxtest.NewConversations(), Messages: msgs, Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	ev.Direction = inbox.BusinessToParticipant // a host-built event that sets one anyway
	if _, err := s.Sync(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if m := msgs.All()[0].Message; m.Direction != inbox.ParticipantToBusiness {
		t.Errorf("MINIMAL message direction = %v; want the zero value", m.Direction)
	}
}

// TestActivityNamesPhone: an activity line can name the caller by phone
// and name.
func TestActivityNamesPhone(t *testing.T) {
	src := inbox.Source{
		Name:    "calls",
		Mapping: inbox.Mapping{Type: "event", MessageID: "call_id", Phone: "caller", Name: "caller_name"},
		Events: map[string]inbox.EventType{"call.missed": {Kind: inbox.KindMinimal,
			Text: `Missed call from {{ name | default:"unknown caller" }} ({{ phone }})`}},
		DefaultCallingCode: "1",
	}
	d, err := inbox.NewDecoder(src)
	if err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]string{
		`{"event":"call.missed","call_id":"c1","caller":"(415) 555-0101","caller_name":"Ada"}`: "Missed call from Ada (+14155550101)",
		`{"event":"call.missed","call_id":"c2","caller":14155550101}`:                          "Missed call from unknown caller (+14155550101)",
	} {
		ev, err := d.Decode(nil, []byte(body))
		if err != nil || ev.Text != want {
			t.Errorf("Decode(%s) = %+v, %v; want text %q", body, ev, err, want)
		}
	}
}
