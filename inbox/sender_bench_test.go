package inbox_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
)

func BenchmarkNormalizePhone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inbox.NormalizePhone("07700 900123", "44"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeSMSForm is one Twilio-style form delivery: verify the
// signature, decode the form into the mapping, normalize the phone number.
func BenchmarkDecodeSMSForm(b *testing.B) {
	tw, err := inbox.NewTwilio(inbox.TwilioOptions{AuthTokens: []string{"tok"}, URL: smsURL})
	if err != nil {
		b.Fatal(err)
	}
	d, err := inbox.NewDecoder(smsSource(tw))
	if err != nil {
		b.Fatal(err)
	}
	form := url.Values{"MessageSid": {"SM1"}, "SmsStatus": {"received"}, "From": {"07700 900123"}, "To": {"+447700900001"},
		"Body": {"Hi, is my parcel on its way?"}, "AccountSid": {"AC1"}, "NumMedia": {"0"}}
	body := []byte(form.Encode())
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Twilio-Signature": {tw.Sign(form)}}
	b.ReportAllocs()
	for b.Loop() {
		if err := tw.Verify(h, body); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Decode(h, body); err != nil {
			b.Fatal(err)
		}
	}
}
