// Command wixsync demonstrates inbox sync into Wix Inbox: an SMS gateway
// (Twilio-style: form-encoded bodies signed with X-Twilio-Signature, the
// sender known only by phone number) and a shop (JSON activity webhooks
// signed with Standard Webhooks) post to inbox.Handlers whose host
// interfaces are the Wix connector of package inbox/wix. An in-process
// stand-in for www.wixapis.com (package wixtest) validates every request as
// Wix's schemas do. The deliveries include a national phone number, a
// redelivery, a forged signature, an unknown number (a contact is created
// with it), an unknown email, a Wix outage retried by the gateway, hidden
// characters in a message and a payload without email or phone. The
// program prints each delivery's HTTP answer, then every conversation in
// Wix Inbox.
//
// Everything runs in process with a fixed clock, so the output is
// deterministic.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/inbox/wix"
	"github.com/inboxkit/inboxkit/inbox/wix/wixtest"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

const (
	twilioToken = "twilio-auth-token"
	shopSecret  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)

var appAuth = wix.Auth{AppID: "a1b2c3d4-0000-4000-8000-000000000001", AppSecret: "app-secret", InstanceID: "a1b2c3d4-0000-4000-8000-000000000002"}

// smsSource maps the SMS gateway's incoming-message webhook (form fields).
func smsSource(v inbox.Verifier) inbox.Source {
	return inbox.Source{
		Name:               "sms",
		Verifier:           v,
		Mapping:            inbox.Mapping{Type: "SmsStatus", MessageID: "MessageSid", Phone: "From", Name: "FromName", Text: "Body"},
		Events:             map[string]inbox.EventType{"received": {Kind: inbox.KindBasic}},
		DefaultCallingCode: "44",
	}
}

// shopSource maps the shop's order webhooks to activities.
func shopSource(v inbox.Verifier) inbox.Source {
	return inbox.Source{
		Name:             "shop",
		Verifier:         v,
		DeliveryIDHeader: "webhook-id",
		Mapping: inbox.Mapping{
			Type: "type", MessageID: "data.event_id", Email: "data.customer.email", Phone: "data.customer.phone",
			Fields: map[string]string{"order": "data.order.number", "total": "data.order.total"},
		},
		Events: map[string]inbox.EventType{
			"order.placed": {Kind: inbox.KindMinimal, Icon: "https://shop.example.com/icons/cart.png",
				Text: "Order #{{ field.order }} placed ({{ field.total }})",
				Link: "https://shop.example.com/orders/{{ field.order }}"},
			"order.shipped": {Kind: inbox.KindMinimal, Text: "Order #{{ field.order }} shipped"},
		},
	}
}

// newSyncer returns a Syncer whose contacts, conversations and messages are
// Wix Inbox, reached through its own client (each with its badge).
func newSyncer(base, badge string, ledger inbox.Ledger, noMatch inbox.NoMatch) (*inbox.Syncer, error) {
	c, err := wix.New(wix.Options{Auth: appAuth, BaseURL: base, Badge: wix.Badge{Text: badge}, MaxRetryWait: -1})
	if err != nil {
		return nil, err
	}
	return inbox.New(inbox.Options{Contacts: c, Conversations: c, Messages: c, Ledger: ledger, NoMatch: noMatch})
}

type sender struct {
	client *http.Client
	w      io.Writer
}

// post sends one delivery and prints the handler's answer.
func (s *sender) post(ctx context.Context, note, u string, h http.Header, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer struct {
		Status, Error string
		Problems      []inbox.Problem
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return err
	}
	line := answer.Status + answer.Error
	for _, p := range answer.Problems {
		line += ": " + p.String()
	}
	fmt.Fprintf(s.w, "%-44s %d %s\n", note, resp.StatusCode, line)
	return nil
}

func run(ctx context.Context, w io.Writer) error {
	clock := inboxtest.NewClock(time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC))
	api := wixtest.NewServer(wixtest.Options{AppID: appAuth.AppID, AppSecret: appAuth.AppSecret, InstanceID: appAuth.InstanceID, Now: clock.Now})
	defer api.Close()
	api.AddContact(wixtest.Contact{Name: "Ada Lovelace", Emails: []string{"ada@example.com"}, Phones: []string{"+447700900123"}})
	api.AddContact(wixtest.Contact{Name: "Bo Chen", Emails: []string{"bo@example.com"}})

	ledger := inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute, Now: clock.Now})
	smsSync, err := newSyncer(api.URL(), "via SMS", ledger, inbox.NoMatchCreate)
	if err != nil {
		return err
	}
	shopSync, err := newSyncer(api.URL(), "via Shop", ledger, inbox.NoMatchSkip)
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	hooks := httptest.NewServer(mux)
	defer hooks.Close()
	smsURL := hooks.URL + "/hooks/sms"
	twilio, err := inbox.NewTwilio(inbox.TwilioOptions{AuthTokens: []string{twilioToken}, URL: smsURL})
	if err != nil {
		return err
	}
	forger, err := inbox.NewTwilio(inbox.TwilioOptions{AuthTokens: []string{"not-the-token"}, URL: smsURL})
	if err != nil {
		return err
	}
	sw, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{shopSecret}, Now: clock.Now})
	if err != nil {
		return err
	}
	smsHandler, err := smsSync.Handler(smsSource(twilio), nil)
	if err != nil {
		return err
	}
	shopHandler, err := shopSync.Handler(shopSource(sw), nil)
	if err != nil {
		return err
	}
	mux.Handle("POST /hooks/sms", smsHandler)
	mux.Handle("POST /hooks/shop", shopHandler)

	s := &sender{client: hooks.Client(), w: w}
	sms := func(note string, signer *inbox.Twilio, sid, from, name, body string) error {
		form := url.Values{"MessageSid": {sid}, "SmsStatus": {"received"}, "From": {from}, "To": {"+447700900001"}, "Body": {body}}
		if name != "" {
			form.Set("FromName", name)
		}
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Twilio-Signature": {signer.Sign(form)}}
		return s.post(ctx, note, smsURL, h, form.Encode())
	}
	shop := func(note, id, typ, customer, order string) error {
		body := `{"type":"` + typ + `","data":{"event_id":"` + id + `","customer":` + customer + `,"order":` + order + `}}`
		now := clock.Now()
		h := http.Header{"Content-Type": {"application/json"}, "Webhook-Id": {id},
			"Webhook-Timestamp": {strconv.FormatInt(now.Unix(), 10)}, "Webhook-Signature": {sw.Sign(id, now, []byte(body))}}
		return s.post(ctx, note, hooks.URL+"/hooks/shop", h, body)
	}

	fmt.Fprintln(w, "== deliveries")
	steps := []func() error{
		func() error {
			return sms("sms SM1 from 07700 900123 (national)", twilio, "SM1", "07700 900123", "", "Hi, is my parcel on its way?")
		},
		func() error {
			return sms("sms SM1 again (gateway redelivery)", twilio, "SM1", "07700 900123", "", "Hi, is my parcel on its way?")
		},
		func() error {
			return sms("sms SM2 with a forged signature", forger, "SM2", "+447700900123", "", "Refund me now")
		},
		func() error {
			return sms("sms SM3 from an unknown number", twilio, "SM3", "+44 7700 900555", "Zoë Quinn", "Hello, I'm new here")
		},
		func() error {
			return shop("shop order.placed for ada@example.com", "evt_1", "order.placed", `{"email":"ada@example.com"}`, `{"number":1001,"total":"£42.00"}`)
		},
		func() error {
			return shop("shop order.shipped for bo@example.com", "evt_2", "order.shipped", `{"email":"bo@example.com"}`, `{"number":1002}`)
		},
		func() error {
			return shop("shop order.placed for an unknown email", "evt_3", "order.placed", `{"email":"eve@example.com"}`, `{"number":1003,"total":"£9.99"}`)
		},
		func() error {
			return shop("shop order.shipped by phone only", "evt_4", "order.shipped", `{"phone":"+44 7700 900555"}`, `{"number":1004}`)
		},
		func() error {
			return shop("shop order.placed without email or phone", "evt_5", "order.placed", `{"name":"anon"}`, `{"number":1005,"total":"£1.00"}`)
		},
		func() error {
			api.FailNext("/inbox/v2/messages", http.StatusServiceUnavailable, "")
			return sms("sms SM4 while Wix Inbox is down", twilio, "SM4", "+447700900123", "", "Also: can I change the address?")
		},
		func() error {
			return sms("sms SM4 retried by the gateway", twilio, "SM4", "+447700900123", "", "Also: can I change the address?")
		},
		func() error {
			return sms("sms SM5 with hidden characters", twilio, "SM5", "+447700900123", "", "Thanks\u200b! \u202eevil\u202c ok")
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}

	fmt.Fprintln(w, "\n== Wix Inbox")
	names := map[string]wixtest.Contact{}
	for _, c := range api.Contacts() {
		names[c.ID] = c
	}
	for _, conv := range api.Conversations() {
		c := names[conv.ContactID]
		fmt.Fprintf(w, "%s %v %v\n", or(c.Name, "(no name)"), c.Emails, c.Phones)
		for _, m := range conv.Messages {
			fmt.Fprintf(w, "  %-7s %-23s %s %q", m.Kind, m.Direction, m.Visibility, m.Items)
			if m.URL != "" {
				fmt.Fprintf(w, " -> %s", m.URL)
			}
			fmt.Fprintf(w, " [%s]\n", m.Badge)
		}
	}
	fmt.Fprintf(w, "\ntoken requests: %d (one per client)\n", api.Calls("/oauth2/token"))
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
