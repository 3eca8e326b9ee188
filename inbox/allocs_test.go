package inbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// TestVerifyAllocs pins P10 (verification of a 2 KiB body: at most 2
// allocs/op; 0 today) for every verifier, so that it cannot regress
// silently. The pooled HMAC state (see BenchmarkMACState) is what makes it
// zero.
func TestVerifyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items: allocation counts are meaningless")
	}
	body := []byte(`{"type":"message.received","data":{"text":"` + strings.Repeat("x", 2048-46) + `"}}`)
	now := time.Unix(1614265330, 0)
	clock := func() time.Time { return now }
	sw, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{"whsec_" + "c2Vjb25kLXNlY3JldA==", testSecret}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	swOnly, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{testSecret}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	swHeader := http.Header{}
	swHeader.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	swHeader.Set("webhook-timestamp", "1614265330")
	swHeader.Set("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "+swOnly.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", now, body))
	hm, err := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{"secret"}})
	if err != nil {
		t.Fatal(err)
	}
	hmHeader := http.Header{}
	hmHeader.Set("X-Hub-Signature-256", hm.Sign(body))
	st, err := inbox.NewStripe(inbox.StripeOptions{Secrets: []string{"whsec_x"}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	stHeader := http.Header{}
	stHeader.Set("Stripe-Signature", st.Sign(now, body))
	for _, tt := range []struct {
		name string
		v    inbox.Verifier
		h    http.Header
	}{
		{"standard webhooks, second secret", sw, swHeader},
		{"hmac", hm, hmHeader},
		{"stripe", st, stHeader},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.v.Verify(tt.h, body); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got := testing.AllocsPerRun(100, func() { tt.v.Verify(tt.h, body) }); got != 0 {
				t.Errorf("Verify of a 2 KiB body: %v allocs/op; want 0 (P10 allows 2)", got)
			}
		})
	}
}
