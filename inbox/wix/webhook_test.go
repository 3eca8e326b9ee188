package wix_test

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/wix"
)

var (
	keyOnce        sync.Once
	wixKey, rogue  *rsa.PrivateKey
	wixPEM, badPEM string
)

// keys returns Wix's test signing key, its public PEM, and another key.
func keys(t testing.TB) (*rsa.PrivateKey, string) {
	t.Helper()
	keyOnce.Do(func() {
		wixKey, rogue = readKey("test-signing-key.pem"), readKey("test-rogue-key.pem")
		wixPEM, badPEM = pemOf(&wixKey.PublicKey), pemOf(&rogue.PublicKey)
	})
	return wixKey, wixPEM
}

// readKey reads a test-only RSA private key from testdata (generated once
// with openssl genrsa, so that fuzz workers do not generate keys).
func readKey(name string) *rsa.PrivateKey {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		panic("testdata/" + name + ": not PEM")
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	return k
}

func pemOf(k *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

var b64 = base64.RawURLEncoding

// jwt signs claims with alg; "RS256" uses key, "HS256" uses secret.
func jwt(t testing.TB, alg string, claims any, key *rsa.PrivateKey, secret []byte) string {
	t.Helper()
	h, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "kid": "k1"})
	p, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signing := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
	var sig []byte
	switch alg {
	case "RS256":
		sum := sha256.Sum256([]byte(signing))
		if sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:]); err != nil {
			t.Fatal(err)
		}
	case "HS256":
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(signing))
		sig = m.Sum(nil)
	}
	return signing + "." + b64.EncodeToString(sig)
}

var hookNow = time.Unix(1_800_000_000, 0)

// envelope is what Wix puts in the data claim for a message sent to a
// participant: nested stringified JSON, three levels deep.
func envelope() string {
	body, _ := json.Marshal(map[string]any{"conversationId": "conv-1", "message": map[string]any{
		"id": "m-9", "direction": "BUSINESS_TO_PARTICIPANT", "visibility": "BUSINESS_AND_PARTICIPANT",
		"content": map[string]any{"basic": map[string]any{"items": []any{map[string]any{"text": "Your order shipped"}}}}}})
	event, _ := json.Marshal(map[string]any{"id": "evt-1", "entityFqdn": "wix.inbox.v2.message", "slug": "message_sent_to_participant",
		"entityId": "m-9", "actionEvent": map[string]any{"bodyAsJson": string(body)}})
	identity, _ := json.Marshal(map[string]any{"identityType": "WIX_USER", "wixUserId": "u-1"})
	env, _ := json.Marshal(map[string]any{"eventType": "wix.inbox.v2.message_message_sent_to_participant", "instanceId": "inst-1",
		"data": string(event), "identity": string(identity)})
	return string(env)
}

func claims(data string) map[string]any {
	return map[string]any{"data": data, "iat": hookNow.Unix() - 5, "exp": hookNow.Unix() + 300}
}

func newHooks(t testing.TB, pems ...string) *wix.Webhooks {
	t.Helper()
	v, err := wix.NewWebhooks(wix.WebhookOptions{PublicKeys: pems, Now: func() time.Time { return hookNow }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWebhooksOpen(t *testing.T) {
	key, pub := keys(t)
	v := newHooks(t, badPEM, pub) // rotation: any configured key
	doc, err := v.Open(nil, []byte(jwt(t, "RS256", claims(envelope()), key, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var got any
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"eventType": "wix.inbox.v2.message_message_sent_to_participant", "instanceId": "inst-1",
		"identity": map[string]any{"identityType": "WIX_USER", "wixUserId": "u-1"},
		"data": map[string]any{"id": "evt-1", "entityFqdn": "wix.inbox.v2.message", "slug": "message_sent_to_participant", "entityId": "m-9",
			"actionEvent": map[string]any{"bodyAsJson": map[string]any{"conversationId": "conv-1", "message": map[string]any{
				"id": "m-9", "direction": "BUSINESS_TO_PARTICIPANT", "visibility": "BUSINESS_AND_PARTICIPANT",
				"content": map[string]any{"basic": map[string]any{"items": []any{map[string]any{"text": "Your order shipped"}}}}}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("opened document (-want +got):\n%s", diff)
	}
}

// TestWebhooksRefuse: forged, confused, expired and malformed tokens.
func TestWebhooksRefuse(t *testing.T) {
	key, pub := keys(t)
	v := newHooks(t, pub)
	good := jwt(t, "RS256", claims(envelope()), key, nil)
	parts := strings.Split(good, ".")
	noneHeader := b64.EncodeToString([]byte(`{"alg":"none"}`))
	tampered := claims(envelope())
	tampered["data"] = strings.Replace(envelope(), "inst-1", "inst-2", 1)
	tamperedPayload, _ := json.Marshal(tampered)
	deep := strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)
	tests := []struct {
		name    string
		token   string
		wantErr error
	}{
		{"alg none", noneHeader + "." + parts[1] + ".", inbox.ErrInvalidSignature},
		{"alg none with the signature", noneHeader + "." + parts[1] + "." + parts[2], inbox.ErrInvalidSignature},
		{"HS256 keyed with the public key", jwt(t, "HS256", claims(envelope()), nil, []byte(pub)), inbox.ErrInvalidSignature},
		{"another key", jwt(t, "RS256", claims(envelope()), rogue, nil), inbox.ErrInvalidSignature},
		{"payload swapped", parts[0] + "." + b64.EncodeToString(tamperedPayload) + "." + parts[2], inbox.ErrInvalidSignature},
		{"expired", jwt(t, "RS256", map[string]any{"data": envelope(), "exp": hookNow.Unix() - 120}, key, nil), inbox.ErrTimestamp},
		{"no exp", jwt(t, "RS256", map[string]any{"data": envelope(), "iat": hookNow.Unix()}, key, nil), inbox.ErrInvalidSignature},
		{"issued in the future", jwt(t, "RS256", map[string]any{"data": envelope(), "iat": hookNow.Unix() + 3600, "exp": hookNow.Unix() + 7200}, key, nil), inbox.ErrTimestamp},
		{"exp not a number", jwt(t, "RS256", map[string]any{"data": envelope(), "exp": "tomorrow"}, key, nil), inbox.ErrInvalidSignature},
		{"data not a string", jwt(t, "RS256", map[string]any{"data": map[string]any{"eventType": "x"}, "exp": hookNow.Unix() + 60}, key, nil), inbox.ErrInvalidSignature},
		{"data not JSON", jwt(t, "RS256", claims("not json"), key, nil), inbox.ErrInvalidSignature},
		{"nesting too deep", jwt(t, "RS256", claims(deep), key, nil), inbox.ErrInvalidSignature},
		{"two parts", parts[0] + "." + parts[1], inbox.ErrInvalidSignature},
		{"four parts", good + ".x", inbox.ErrInvalidSignature},
		{"padded base64", parts[0] + "=." + parts[1] + "." + parts[2], inbox.ErrInvalidSignature},
		{"JSON body", `{"eventType":"x"}`, inbox.ErrInvalidSignature},
		{"empty", "", inbox.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := v.Open(http.Header{}, []byte(tt.token))
			if !errors.Is(err, tt.wantErr) || doc != nil {
				t.Fatalf("Open = %s, %v; want %v", doc, err, tt.wantErr)
			}
			if !errors.Is(err, inbox.ErrInvalidSignature) {
				t.Errorf("error %v does not wrap ErrInvalidSignature", err)
			}
			if strings.Contains(err.Error(), "inst-") || strings.Contains(err.Error(), parts[1][:10]) {
				t.Errorf("error %q echoes the token", err)
			}
		})
	}
	if err := v.Verify(nil, []byte(good)); err != nil {
		t.Errorf("Verify(good) = %v", err)
	}
	// A nested string too deep to decode stays a string: nothing is lost,
	// and nothing recurses without bound.
	deepString := `{"data":"` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `"}`
	if doc, err := v.Open(nil, []byte(jwt(t, "RS256", claims(deepString), key, nil))); err != nil || !strings.Contains(string(doc), `"data":"[[[[`) {
		t.Errorf("Open(deep nested string) = %s, %v; want it kept as a string", doc, err)
	}
	var zero wix.Webhooks
	if _, err := zero.Open(nil, []byte(good)); !errors.Is(err, inbox.ErrInvalidSignature) {
		t.Errorf("zero Webhooks.Open = %v; want ErrInvalidSignature", err)
	}
}

func TestNewWebhooksErrors(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for name, pems := range map[string][]string{
		"none":      nil,
		"not PEM":   {"MIIBIjANBgkq"},
		"private":   {string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)}))},
		"1024 bits": {pemOf(&small.PublicKey)},
		"garbage":   {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"},
	} {
		if _, err := wix.NewWebhooks(wix.WebhookOptions{PublicKeys: pems}); err == nil {
			t.Errorf("%s: NewWebhooks = nil error", name)
		}
	}
}

// FuzzWebhooksOpen: arbitrary bodies never panic and never open.
func FuzzWebhooksOpen(f *testing.F) {
	key, pub := keys(f)
	good := jwt(f, "RS256", claims(envelope()), key, nil)
	f.Add([]byte(good))
	f.Add([]byte(good[:len(good)-3]))
	f.Add([]byte("eyJhbGciOiJub25lIn0.e30."))
	f.Add([]byte("a.b.c"))
	f.Add([]byte(".."))
	v := newHooks(f, pub)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 64<<10 {
			return
		}
		doc, err := v.Open(nil, body)
		if err == nil && string(body) != good {
			t.Fatalf("Open accepted a body it was not given signed: %q", body)
		}
		if err != nil && !errors.Is(err, inbox.ErrInvalidSignature) {
			t.Fatalf("Open error %v does not wrap ErrInvalidSignature", err)
		}
		if err == nil && !json.Valid(doc) {
			t.Fatalf("Open returned invalid JSON %s", doc)
		}
	})
}

// FuzzWebhooksData: whatever Wix signs in the data claim, Open never panics
// and returns valid JSON or an error.
func FuzzWebhooksData(f *testing.F) {
	key, pub := keys(f)
	for _, s := range []string{envelope(), `{}`, `{"data":"{\"aAsJson\":\"[1,{\\\"bAsJson\\\":\\\"{}\\\"}]\"}"}`, `{"data":"[[[["}`, `[]`, `{"identity":"null"}`, `{"data":1e999}`} {
		f.Add(s)
	}
	v := newHooks(f, pub)
	f.Fuzz(func(t *testing.T, data string) {
		if len(data) > 16<<10 {
			return
		}
		doc, err := v.Open(nil, []byte(jwt(t, "RS256", claims(data), key, nil)))
		if err != nil {
			if !errors.Is(err, inbox.ErrInvalidSignature) {
				t.Fatalf("Open error %v does not wrap ErrInvalidSignature", err)
			}
			return
		}
		if !json.Valid(doc) {
			t.Fatalf("Open(%q) = invalid JSON %s", data, doc)
		}
	})
}
