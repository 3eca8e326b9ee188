package inbox_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// FuzzDecode feeds arbitrary bodies to the source mapping: it must never
// panic, and every result is either a valid event or an error wrapping
// ErrMalformed or ErrTooLarge that does not echo the body.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(msgBody("m1", "ada@example.com", "hi")))
	f.Add([]byte(`{"type":"order.placed","id":"e","data":{"email":"a@b.c","order":{"number":1001}}}`))
	f.Add([]byte(`{"type":"message.sent","id":7,"occurred_at":1.5e9,"data":{"email":"a@b.c","text":"x","direction":"outbound","visibility":"internal","files":[{"url":"https://x.test/a"}]}}`))
	f.Add([]byte(`{"type":"call.ended"}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`))
	f.Add([]byte(`{"type":"message.received","id":"\u0000","data":{"email":"\"@\"","text":"\\"}}`))
	f.Add([]byte(`{"type":"order.placed","id":"e","data":{"email":"a@b.c","order":{"number":"{{x}}"}}}`))
	f.Add([]byte(`{"type":"message.received","id":"e\r\n","data":{"message_id":"m\u0000","email":"a\n@b.c","text":"\u202e"}}`))
	f.Add([]byte(`]]]]]]]]]][[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`))
	d := mustDecoder(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 64<<10 {
			return
		}
		h := http.Header{"Webhook-Id": {"msg_fuzz"}}
		ev, err := d.Decode(h, body)
		if err != nil {
			if !errors.Is(err, inbox.ErrMalformed) && !errors.Is(err, inbox.ErrTooLarge) {
				t.Fatalf("Decode error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if ev.Source != "chat" {
			t.Fatalf("source %q", ev.Source)
		}
		if ev.Kind == inbox.KindNone {
			return
		}
		if ev.Key() == "" || !strings.Contains(inbox.NormalizeEmail(ev.Email), "@") || strings.ContainsAny(ev.MessageID+ev.DeliveryID+ev.Email, "\x00\r\n") {
			t.Fatalf("mapped event without key or email: %+v", ev)
		}
		if ev.Kind == inbox.KindMinimal && (ev.Text == "" || ev.Link != "" && !strings.HasPrefix(ev.Link, "https://shop.example.com/orders/")) {
			t.Fatalf("activity text %q link %q", ev.Text, ev.Link)
		}
		if ev.Kind == inbox.KindBasic && ev.Text == "" && len(ev.Attachments) == 0 {
			t.Fatal("BASIC event without content")
		}
	})
}

// FuzzStandardWebhooksHeaders fuzzes the three Standard Webhooks headers:
// never a panic, never an accepted signature that was not made with the
// secret.
func FuzzStandardWebhooksHeaders(f *testing.F) {
	f.Add(vecID, vecTS, vecSig)
	f.Add(vecID, vecTS, "v1,AAAA "+vecSig)
	f.Add("", "", "")
	f.Add(vecID, "-1", "v1,")
	f.Add(vecID, "99999999999999999999", "v1,,,, v2,x")
	f.Add(vecID, vecTS, "   ")
	v, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{testSecret}, Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	body := []byte(vecBody)
	f.Fuzz(func(t *testing.T, id, ts, sig string) {
		h := http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {ts}, "Webhook-Signature": {sig}}
		err := v.Verify(h, body)
		if err == nil {
			// Only a correct signature over exactly these values may pass.
			n, perr := strconv.ParseInt(ts, 10, 64)
			if perr != nil || !strings.Contains(sig, strings.TrimPrefix(v.Sign(id, time.Unix(n, 0), body), "v1,")) {
				t.Fatalf("accepted id=%q ts=%q sig=%q", id, ts, sig)
			}
			return
		}
		if !errors.Is(err, inbox.ErrInvalidSignature) {
			t.Fatalf("error %v does not wrap ErrInvalidSignature", err)
		}
	})
}

// FuzzHMACHeader fuzzes the hex HMAC header.
func FuzzHMACHeader(f *testing.F) {
	v, err := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{"s"}})
	if err != nil {
		f.Fatal(err)
	}
	body := []byte(`{"a":1}`)
	f.Add(v.Sign(body))
	f.Add("sha256=")
	f.Add("sha256=" + strings.Repeat("g", 64))
	f.Add("")
	good := v.Sign(body)
	f.Fuzz(func(t *testing.T, sig string) {
		err := v.Verify(http.Header{"X-Hub-Signature-256": {sig}}, body)
		if err == nil && !strings.EqualFold(sig, good) {
			t.Fatalf("accepted %q", sig)
		}
		if err != nil && !errors.Is(err, inbox.ErrInvalidSignature) {
			t.Fatalf("error %v does not wrap ErrInvalidSignature", err)
		}
	})
}

// FuzzStripeHeader fuzzes the Stripe-style t=,v1= header.
func FuzzStripeHeader(f *testing.F) {
	now := time.Unix(1700000000, 0)
	v, err := inbox.NewStripe(inbox.StripeOptions{Secrets: []string{"whsec_x"}, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	body := []byte(`{"a":1}`)
	good := v.Sign(now, body)
	f.Add(good)
	f.Add("t=1700000000")
	f.Add("t=,v1=")
	f.Add(",,,,=,=")
	f.Add(good + ",v0=00,v1=zz")
	want := good[strings.Index(good, "v1=")+3:]
	f.Fuzz(func(t *testing.T, sig string) {
		err := v.Verify(http.Header{"Stripe-Signature": {sig}}, body)
		if err == nil && !strings.Contains(sig, want) {
			t.Fatalf("accepted %q", sig)
		}
		if err != nil && !errors.Is(err, inbox.ErrInvalidSignature) {
			t.Fatalf("error %v does not wrap ErrInvalidSignature", err)
		}
	})
}
