package inbox_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
)

// twilioVector is the request of twilio-node's own validateRequest tests
// (spec/unit/webhooks/webhooks.spec.js), with its expected signature: an
// independent implementation of the scheme.
var twilioVector = struct {
	token, url, sig string
	params          url.Values
}{
	token: "12345",
	url:   "https://mycompany.com/myapp.php?foo=1&bar=2",
	sig:   "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
	params: url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675309"}, "Digits": {"1234"},
		"From": {"+14158675309"}, "To": {"+18005551212"}},
}

func TestTwilioVerify(t *testing.T) {
	t.Parallel()
	v, err := inbox.NewTwilio(inbox.TwilioOptions{AuthTokens: []string{"old-token", twilioVector.token}, URL: twilioVector.url})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(twilioVector.params.Encode())
	reordered := []byte("To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309&CallSid=CA1234567890ABCDE")
	tests := []struct {
		name    string
		sig     string
		body    []byte
		wantErr error
	}{
		{"twilio-node vector, second token", twilioVector.sig, body, nil},
		{"parameter order does not matter", twilioVector.sig, reordered, nil},
		{"changed value", twilioVector.sig, []byte("CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=9999&From=%2B14158675309&To=%2B18005551212"), inbox.ErrInvalidSignature},
		{"added parameter", twilioVector.sig, append([]byte("Extra=1&"), body...), inbox.ErrInvalidSignature},
		{"missing header", "", body, inbox.ErrInvalidSignature},
		{"not base64", "!!!!", body, inbox.ErrInvalidSignature},
		{"wrong length", "RSOYDt4T1cUTdK1PDd93", body, inbox.ErrInvalidSignature},
		{"bad form", twilioVector.sig, []byte("a=%zz"), inbox.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.sig != "" {
				h.Set("X-Twilio-Signature", tt.sig)
			}
			if err := v.Verify(h, tt.body); !errors.Is(err, tt.wantErr) {
				t.Errorf("Verify = %v; want %v", err, tt.wantErr)
			}
		})
	}
	other, err := inbox.NewTwilio(inbox.TwilioOptions{AuthTokens: []string{twilioVector.token}, URL: "https://mycompany.com/other"})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Verify(http.Header{"X-Twilio-Signature": {twilioVector.sig}}, body); !errors.Is(err, inbox.ErrInvalidSignature) {
		t.Errorf("Verify with another URL = %v; want ErrInvalidSignature (the URL is signed)", err)
	}
}

func TestTwilioSignRepeated(t *testing.T) {
	t.Parallel()
	v, err := inbox.NewTwilio(inbox.TwilioOptions{AuthTokens: []string{"tok"}, URL: "https://x.test/sms"})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"MediaUrl": {"https://b.test/2", "https://a.test/1"}, "Body": {"hi"}}
	sig := v.Sign(form)
	swapped := []byte("MediaUrl=https%3A%2F%2Fa.test%2F1&Body=hi&MediaUrl=https%3A%2F%2Fb.test%2F2")
	if err := v.Verify(http.Header{"X-Twilio-Signature": {sig}}, swapped); err != nil {
		t.Errorf("Verify(repeated parameter in another order) = %v; want nil", err)
	}
}

func TestNewTwilioErrors(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]inbox.TwilioOptions{
		"no token":     {URL: "https://x.test/sms"},
		"empty token":  {AuthTokens: []string{""}, URL: "https://x.test/sms"},
		"no URL":       {AuthTokens: []string{"t"}},
		"relative URL": {AuthTokens: []string{"t"}, URL: "/sms"},
	} {
		if _, err := inbox.NewTwilio(o); err == nil {
			t.Errorf("%s: NewTwilio = nil error", name)
		}
	}
	var zero inbox.Twilio
	if err := zero.Verify(http.Header{"X-Twilio-Signature": {twilioVector.sig}}, nil); !errors.Is(err, inbox.ErrInvalidSignature) {
		t.Errorf("zero Twilio Verify = %v; want ErrInvalidSignature", err)
	}
}
