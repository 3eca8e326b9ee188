package inbox_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
)

// FuzzDecodeForm feeds arbitrary form bodies to an SMS source: never a
// panic; an error wraps ErrMalformed or ErrTooLarge; an event has an E.164
// phone and one-line name.
func FuzzDecodeForm(f *testing.F) {
	for _, s := range []string{
		"MessageSid=SM1&SmsStatus=received&From=07700+900123&Body=hi",
		"MessageSid=SM1&SmsStatus=received&From=%2B14155550101&FromName=Zo%C3%AB%0AQuinn&Body=hi",
		"MessageSid=SM1&MessageSid=SM2&SmsStatus=received&From=x&Body=hi",
		"SmsStatus=received&From=0044+20+7946+0958&Body=%E2%80%AE",
		"%zz", "=&=&", "SmsStatus=failed",
	} {
		f.Add(s)
	}
	d, err := inbox.NewDecoder(smsSource(nil))
	if err != nil {
		f.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 64<<10 {
			return
		}
		ev, err := d.Decode(h, []byte(body))
		if err != nil {
			if !errors.Is(err, inbox.ErrMalformed) && !errors.Is(err, inbox.ErrTooLarge) {
				t.Fatalf("Decode error %v wraps neither ErrMalformed nor ErrTooLarge", err)
			}
			pe, ok := errors.AsType[*inbox.PayloadError](err)
			if !ok || pe.Problem.Code == "" || pe.Problem.Path != "" && !strings.HasPrefix(pe.Problem.Path, "/") {
				t.Fatalf("Decode error %v is not a PayloadError with a code and a JSON pointer", err)
			}
			return
		}
		if ev.Kind == inbox.KindNone {
			return
		}
		if p, err := inbox.NormalizePhone(ev.Phone, ""); err != nil || p != ev.Phone {
			t.Fatalf("decoded phone %q is not E.164", ev.Phone)
		}
		if strings.ContainsAny(ev.Name, "\r\n\u202e") {
			t.Fatalf("decoded name %q is not one clean line", ev.Name)
		}
	})
}
