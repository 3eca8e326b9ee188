package inbox_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

const (
	vecID   = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTS   = "1614265330"
	vecBody = `{"test": 2432232314}`
	vecSig  = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func swHeader(id, ts, sig string) http.Header {
	h := http.Header{}
	if id != "" {
		h.Set("webhook-id", id)
	}
	if ts != "" {
		h.Set("webhook-timestamp", ts)
	}
	if sig != "" {
		h.Set("webhook-signature", sig)
	}
	return h
}

func newSW(t *testing.T, now time.Time, secrets ...string) *inbox.StandardWebhooks {
	t.Helper()
	v, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: secrets, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestStandardWebhooksSpecVector(t *testing.T) {
	v := newSW(t, testNow, testSecret)
	if got := v.Sign(vecID, testNow, []byte(vecBody)); got != vecSig {
		t.Errorf("Sign = %q; want the spec's %q", got, vecSig)
	}
	if err := v.Verify(swHeader(vecID, vecTS, vecSig), []byte(vecBody)); err != nil {
		t.Errorf("Verify(spec vector) = %v", err)
	}
	// A bare base64 secret (no whsec_ prefix) is the same key.
	bare := newSW(t, testNow, strings.TrimPrefix(testSecret, "whsec_"))
	if err := bare.Verify(swHeader(vecID, vecTS, vecSig), []byte(vecBody)); err != nil {
		t.Errorf("Verify with bare base64 secret = %v", err)
	}
}

func TestStandardWebhooksRejects(t *testing.T) {
	other := "whsec_" + "c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ="
	tests := []struct {
		name      string
		now       time.Time
		secrets   []string
		h         http.Header
		body      string
		wantErr   error // in addition to ErrInvalidSignature; nil = must verify
		wantValid bool
	}{
		{"spec vector", testNow, []string{testSecret}, swHeader(vecID, vecTS, vecSig), vecBody, nil, true},
		{"tampered body", testNow, []string{testSecret}, swHeader(vecID, vecTS, vecSig), `{"test": 2432232315}`, inbox.ErrInvalidSignature, false},
		{"tampered id", testNow, []string{testSecret}, swHeader("msg_other", vecTS, vecSig), vecBody, inbox.ErrInvalidSignature, false},
		{"wrong secret", testNow, []string{other}, swHeader(vecID, vecTS, vecSig), vecBody, inbox.ErrInvalidSignature, false},
		{"rotated: old secret still listed", testNow, []string{other, testSecret}, swHeader(vecID, vecTS, vecSig), vecBody, nil, true},
		{"several signatures, one valid", testNow, []string{testSecret}, swHeader(vecID, vecTS, "v1,AAAA "+vecSig), vecBody, nil, true},
		{"v1a ignored", testNow, []string{testSecret}, swHeader(vecID, vecTS, "v1a,"+vecSig[3:]), vecBody, inbox.ErrInvalidSignature, false},
		{"expired", testNow.Add(5*time.Minute + time.Second), []string{testSecret}, swHeader(vecID, vecTS, vecSig), vecBody, inbox.ErrTimestamp, false},
		{"within tolerance", testNow.Add(5 * time.Minute), []string{testSecret}, swHeader(vecID, vecTS, vecSig), vecBody, nil, true},
		{"future", testNow.Add(-5*time.Minute - time.Second), []string{testSecret}, swHeader(vecID, vecTS, vecSig), vecBody, inbox.ErrTimestamp, false},
		{"missing id", testNow, []string{testSecret}, swHeader("", vecTS, vecSig), vecBody, inbox.ErrInvalidSignature, false},
		{"missing timestamp", testNow, []string{testSecret}, swHeader(vecID, "", vecSig), vecBody, inbox.ErrInvalidSignature, false},
		{"missing signature", testNow, []string{testSecret}, swHeader(vecID, vecTS, ""), vecBody, inbox.ErrInvalidSignature, false},
		{"timestamp not a number", testNow, []string{testSecret}, swHeader(vecID, "16142653x0", vecSig), vecBody, inbox.ErrInvalidSignature, false},
		{"timestamp in ms", testNow, []string{testSecret}, swHeader(vecID, vecTS+"000", vecSig), vecBody, inbox.ErrTimestamp, false},
		{"no comma", testNow, []string{testSecret}, swHeader(vecID, vecTS, "v1"+vecSig[3:]), vecBody, inbox.ErrInvalidSignature, false},
		{"empty signature", testNow, []string{testSecret}, swHeader(vecID, vecTS, "v1,"), vecBody, inbox.ErrInvalidSignature, false},
		{"not base64", testNow, []string{testSecret}, swHeader(vecID, vecTS, "v1,!!!!"), vecBody, inbox.ErrInvalidSignature, false},
		{"huge id", testNow, []string{testSecret}, swHeader(strings.Repeat("x", 300), vecTS, vecSig), vecBody, inbox.ErrInvalidSignature, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newSW(t, tt.now, tt.secrets...)
			err := v.Verify(tt.h, []byte(tt.body))
			if tt.wantValid {
				if err != nil {
					t.Fatalf("Verify = %v; want nil", err)
				}
				return
			}
			if !errors.Is(err, inbox.ErrInvalidSignature) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify = %v; want an error wrapping ErrInvalidSignature and %v", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "MfKQ9r8") || strings.Contains(err.Error(), "g0hM9") {
				t.Errorf("error %q leaks a secret or signature", err)
			}
		})
	}
}

func TestStandardWebhooksTolerance(t *testing.T) {
	v, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{testSecret}, Tolerance: 10 * time.Second,
		Now: func() time.Time { return testNow.Add(11 * time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(swHeader(vecID, vecTS, vecSig), []byte(vecBody)); !errors.Is(err, inbox.ErrTimestamp) {
		t.Errorf("Verify 11 s late with 10 s tolerance = %v; want ErrTimestamp", err)
	}
}

func TestNewVerifierErrors(t *testing.T) {
	for name, err := range map[string]error{
		"sw no secret":     second(inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{})),
		"sw bad base64":    second(inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{"whsec_not base64!"}})),
		"sw negative tol":  second(inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{testSecret}, Tolerance: -1})),
		"hmac no secret":   second(inbox.NewHMAC(inbox.HMACOptions{})),
		"hmac empty":       second(inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{""}})),
		"stripe no secret": second(inbox.NewStripe(inbox.StripeOptions{})),
		"stripe empty":     second(inbox.NewStripe(inbox.StripeOptions{Secrets: []string{""}})),
	} {
		if err == nil {
			t.Errorf("%s: err = nil; want an error", name)
		} else if strings.Contains(err.Error(), "not base64!") {
			t.Errorf("%s: error %q echoes the secret", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestHMAC(t *testing.T) {
	body := []byte(`{"action":"opened"}`)
	gh, err := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{"It's a Secret to Everybody"}})
	if err != nil {
		t.Fatal(err)
	}
	// GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
	want := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if got := gh.Sign([]byte("Hello, World!")); got != want {
		t.Errorf("Sign(Hello, World!) = %q; want GitHub's %q", got, want)
	}
	rotated, _ := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{"new", "It's a Secret to Everybody"}})
	custom, _ := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{"s3"}, Header: "X-Signature"})
	good := gh.Sign(body)
	hdr := func(k, v string) http.Header { h := http.Header{}; h.Set(k, v); return h }
	tests := []struct {
		name string
		v    *inbox.HMAC
		h    http.Header
		body []byte
		ok   bool
	}{
		{"valid", gh, hdr("X-Hub-Signature-256", good), body, true},
		{"rotated", rotated, hdr("X-Hub-Signature-256", good), body, true},
		{"tampered body", gh, hdr("X-Hub-Signature-256", good), []byte(`{"action":"closed"}`), false},
		{"wrong secret", custom, hdr("X-Signature", good[len("sha256="):]), body, false},
		{"custom header no prefix", custom, hdr("X-Signature", custom.Sign(body)), body, true},
		{"missing", gh, http.Header{}, body, false},
		{"no prefix", gh, hdr("X-Hub-Signature-256", good[len("sha256="):]), body, false},
		{"sha1 prefix", gh, hdr("X-Hub-Signature-256", "sha1="+good[len("sha256="):]), body, false},
		{"short", gh, hdr("X-Hub-Signature-256", good[:20]), body, false},
		{"not hex", gh, hdr("X-Hub-Signature-256", "sha256="+strings.Repeat("zz", 32)), body, false},
		{"upper-case hex", gh, hdr("X-Hub-Signature-256", "sha256="+strings.ToUpper(good[len("sha256="):])), body, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Verify(tt.h, tt.body)
			if tt.ok != (err == nil) {
				t.Fatalf("Verify = %v; want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, inbox.ErrInvalidSignature) {
				t.Errorf("Verify = %v; want it to wrap ErrInvalidSignature", err)
			}
		})
	}
}

func TestStripe(t *testing.T) {
	body := []byte(`{"id":"evt_1","type":"customer.created"}`)
	now := time.Unix(1700000000, 0)
	mk := func(secrets ...string) *inbox.Stripe {
		v, err := inbox.NewStripe(inbox.StripeOptions{Secrets: secrets, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := mk("whsec_test_secret")
	rotated := mk("whsec_new", "whsec_test_secret")
	other := mk("whsec_other")
	good := v.Sign(now, body)
	sigOnly := good[strings.Index(good, "v1="):]
	hdr := func(s string) http.Header { h := http.Header{}; h.Set("Stripe-Signature", s); return h }
	tests := []struct {
		name string
		v    *inbox.Stripe
		h    http.Header
		body []byte
		ok   bool
		ts   bool
	}{
		{"valid", v, hdr(good), body, true, false},
		{"rotated", rotated, hdr(good), body, true, false},
		{"extra v0 and second v1", v, hdr(good + ",v0=abc,v1=" + strings.Repeat("0", 64)), body, true, false},
		{"spaces", v, hdr(strings.ReplaceAll(good, ",", ", ")), body, true, false},
		{"tampered", v, hdr(good), append(body, ' '), false, false},
		{"wrong secret", other, hdr(good), body, false, false},
		{"expired", v, hdr(strings.Replace(good, "t=1700000000", "t=1699999000", 1)), body, false, true},
		{"future", v, hdr(strings.Replace(good, "t=1700000000", "t=1700001000", 1)), body, false, true},
		{"missing header", v, http.Header{}, body, false, false},
		{"no t", v, hdr(sigOnly), body, false, false},
		{"no v1", v, hdr("t=1700000000"), body, false, false},
		{"two t", v, hdr("t=1700000000," + good), body, false, false},
		{"bad t", v, hdr("t=abc," + sigOnly), body, false, false},
		{"garbage", v, hdr("garbage"), body, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Verify(tt.h, tt.body)
			if tt.ok != (err == nil) {
				t.Fatalf("Verify = %v; want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, inbox.ErrInvalidSignature) {
				t.Errorf("Verify = %v; want it to wrap ErrInvalidSignature", err)
			}
			if tt.ts != errors.Is(err, inbox.ErrTimestamp) {
				t.Errorf("Verify = %v; ErrTimestamp want %v", err, tt.ts)
			}
		})
	}
}

func TestZeroValueVerifiersRejectEverything(t *testing.T) {
	h := swHeader(vecID, vecTS, vecSig)
	h.Set("X-Hub-Signature-256", "sha256="+strings.Repeat("0", 64))
	h.Set("Stripe-Signature", "t=1614265330,v1="+strings.Repeat("0", 64))
	for _, v := range []inbox.Verifier{&inbox.StandardWebhooks{}, &inbox.HMAC{}, &inbox.Stripe{}} {
		if err := v.Verify(h, []byte(vecBody)); !errors.Is(err, inbox.ErrInvalidSignature) {
			t.Errorf("zero %T.Verify = %v; want ErrInvalidSignature", v, err)
		}
	}
	if (&inbox.StandardWebhooks{}).Sign("x", testNow, nil) != "" || (&inbox.HMAC{}).Sign(nil) != "" || (&inbox.Stripe{}).Sign(testNow, nil) != "" {
		t.Error("zero-value Sign returned a signature")
	}
}
