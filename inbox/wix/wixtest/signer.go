package wixtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"time"
)

// A Signer signs webhooks as Wix does, for tests of hosts that receive
// them with wix.Webhooks: the body is an RS256 JWT whose "data" claim is
// the event envelope as a JSON string, whose "data" (the event) and
// "identity" are JSON strings in turn. It is safe for concurrent use.
type Signer struct {
	key *rsa.PrivateKey
}

// NewSigner returns a Signer with a new 2048-bit RSA key.
func NewSigner() (*Signer, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &Signer{key: k}, nil
}

// PublicKey returns the public key in PEM, as an app's dashboard shows it
// (for wix.WebhookOptions.PublicKeys).
func (s *Signer) PublicKey() string {
	der, err := x509.MarshalPKIXPublicKey(&s.key.PublicKey)
	if err != nil { // unreachable for an RSA key
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// A Webhook is one event to sign.
type Webhook struct {
	// EventType is the envelope's eventType, such as
	// "wix.ecom.v1.order_created".
	EventType string
	// InstanceID is the app instance the event belongs to.
	InstanceID string
	// Event is the event (a domain event, for most webhooks); it is
	// encoded to JSON and nested as a string. Values under keys ending in
	// "AsJson" must already be strings, as Wix sends them.
	Event any
	// Identity, if not nil, is who caused the event, nested as a string.
	Identity any
}

// Sign returns the webhook body for w, issued at now and expiring five
// minutes later.
func (s *Signer) Sign(w Webhook, now time.Time) ([]byte, error) {
	event, err := json.Marshal(w.Event)
	if err != nil {
		return nil, err
	}
	env := map[string]any{"eventType": w.EventType, "instanceId": w.InstanceID, "data": string(event)}
	if w.Identity != nil {
		id, err := json.Marshal(w.Identity)
		if err != nil {
			return nil, err
		}
		env["identity"] = string(id)
	}
	data, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	claims, err := json.Marshal(map[string]any{"data": string(data), "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()})
	if err != nil {
		return nil, err
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:])
	if err != nil {
		return nil, err
	}
	return []byte(signing + "." + enc.EncodeToString(sig)), nil
}
