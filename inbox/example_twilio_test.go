package inbox_test

import (
	"fmt"
	"log"
	"net/http"
	"net/url"

	"github.com/inboxkit/inboxkit/inbox"
)

// ExampleTwilio maps an SMS gateway's form-encoded, Twilio-signed webhook:
// the sender is known by a national phone number, completed to E.164 with
// the source's default calling code.
func ExampleTwilio() {
	tw, err := inbox.NewTwilio(inbox.TwilioOptions{AuthTokens: []string{"auth-token"}, URL: "https://hooks.example.com/sms"})
	if err != nil {
		log.Fatal(err)
	}
	dec, err := inbox.NewDecoder(inbox.Source{
		Name:               "sms",
		Verifier:           tw,
		Mapping:            inbox.Mapping{Type: "SmsStatus", MessageID: "MessageSid", Phone: "From", Text: "Body"},
		Events:             map[string]inbox.EventType{"received": {Kind: inbox.KindBasic}},
		DefaultCallingCode: "44",
	})
	if err != nil {
		log.Fatal(err)
	}
	form := url.Values{"MessageSid": {"SM1"}, "SmsStatus": {"received"}, "From": {"07700 900123"}, "Body": {"On my way"}}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Twilio-Signature": {tw.Sign(form)}}
	body := []byte(form.Encode())
	if err := tw.Verify(h, body); err != nil {
		log.Fatal(err)
	}
	ev, err := dec.Decode(h, body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Key(), ev.Phone, ev.Text)
	h.Set("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
	fmt.Println(tw.Verify(h, body))
	// Output:
	// sms/received/m/SM1 +447700900123 On my way
	// inbox: invalid signature: no matching signature
}

func ExampleNormalizePhone() {
	for _, in := range []string{"+1 (415) 555-0101", "0044 20 7946 0958", "020 7946 0958", "+1 800 FLOWERS"} {
		fmt.Println(inbox.NormalizePhone(in, "44"))
	}
	// Output:
	// +14155550101 <nil>
	// +442079460958 <nil>
	// +442079460958 <nil>
	//  variables: phone number: not digits and separators
}
