package wix_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/wix"
)

// ExampleWebhooks maps one of Wix's own webhooks, a signed JWT whose event
// is nested stringified JSON, with an ordinary inbox.Source: here an order
// created on the Wix site becomes an activity line.
func ExampleWebhooks() {
	// The app's public key, as the app dashboard shows it, and (for this
	// example only) Wix's side: a token signed with the private key.
	priv := exampleKey()
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	publicKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	now := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	body := exampleToken(priv, now)

	hooks, err := wix.NewWebhooks(wix.WebhookOptions{PublicKeys: []string{publicKey}, Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}
	dec, err := inbox.NewDecoder(inbox.Source{
		Name:     "wix-orders",
		Verifier: hooks,
		Mapping: inbox.Mapping{
			Type: "eventType", MessageID: "data.id",
			Email:  "data.createdEvent.entityAsJson.buyerInfo.email",
			Fields: map[string]string{"number": "data.createdEvent.entityAsJson.number"},
		},
		Events: map[string]inbox.EventType{
			"wix.ecom.v1.order_created": {Kind: inbox.KindMinimal, Text: "Order #{{ field.number }} created on the site"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	doc, err := hooks.Open(nil, body) // what the inbox Handler does for an inbox.Opener
	if err != nil {
		log.Fatal(err)
	}
	ev, err := dec.Decode(nil, doc)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Key(), ev.Email, ev.Kind, ev.Text)
	_, err = hooks.Open(nil, exampleToken(priv, now.Add(-time.Hour)))
	fmt.Println(err)
	// Output:
	// wix-orders/m/evt-42 ada@example.com MINIMAL Order #10042 created on the site
	// wix: webhooks: invalid signature: JWT expired
}

func exampleKey() *rsa.PrivateKey {
	b, err := os.ReadFile("testdata/test-signing-key.pem")
	if err != nil {
		log.Fatal(err)
	}
	block, _ := pem.Decode(b)
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		log.Fatal(err)
	}
	return k
}

// exampleToken is what Wix sends: a JWT whose data claim is the envelope,
// whose data is the domain event, whose entityAsJson is the order.
func exampleToken(k *rsa.PrivateKey, iat time.Time) []byte {
	order, _ := json.Marshal(map[string]any{"number": "10042", "buyerInfo": map[string]any{"email": "ada@example.com"}})
	event, _ := json.Marshal(map[string]any{"id": "evt-42", "entityFqdn": "wix.ecom.v1.order", "slug": "created",
		"createdEvent": map[string]any{"entityAsJson": string(order)}})
	env, _ := json.Marshal(map[string]any{"eventType": "wix.ecom.v1.order_created", "instanceId": "inst-1", "data": string(event)})
	claims, _ := json.Marshal(map[string]any{"data": string(env), "iat": iat.Unix(), "exp": iat.Add(5 * time.Minute).Unix()})
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(`{"alg":"RS256","kid":"k1"}`)) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
	if err != nil {
		log.Fatal(err)
	}
	return []byte(signing + "." + enc.EncodeToString(sig))
}
