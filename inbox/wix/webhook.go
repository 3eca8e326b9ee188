package wix

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// DefaultLeeway is the clock skew [Webhooks] allows on exp, nbf and iat
// when WebhookOptions.Leeway is zero.
const DefaultLeeway = time.Minute

// maxNestedDepth caps the JSON nesting of a webhook's decoded event.
const maxNestedDepth = 32

// WebhookOptions configures [NewWebhooks].
type WebhookOptions struct {
	// PublicKeys are the app's webhook public keys, PEM ("-----BEGIN
	// PUBLIC KEY-----", as the app dashboard shows it). A token signed
	// with any of them is accepted, so that a key can be rotated. RSA keys
	// of at least 2048 bits only.
	PublicKeys []string
	// Leeway is the clock skew allowed on exp, nbf and iat; zero means
	// [DefaultLeeway].
	Leeway time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Webhooks verifies and opens Wix's webhooks, whose body is a JWT signed
// by Wix with RS256 and whose "data" claim is the event envelope as a JSON
// string. It implements [inbox.Opener], so a Source with this verifier
// maps the opened document:
//
//	{"eventType": "...", "instanceId": "...", "identity": {...},
//	 "accountInfo": {...}, "data": {the event, e.g. a domain event}}
//
// Nested stringified JSON is decoded in place: the envelope's "data" and
// "identity", and in the event every string under a key ending in "AsJson"
// (entityAsJson, bodyAsJson, ...) that holds a JSON object or array. A
// Mapping reads "eventType", "data.entityId",
// "data.actionEvent.bodyAsJson.message.content.basic.items.0.text".
//
// Verification is strict: the header's alg must be RS256 (none, HS256 and
// every other algorithm are refused, so a public key can never serve as an
// HMAC secret), the signature must verify with a configured key, exp is
// required and checked, nbf and iat when present, all with a leeway. Wix
// signs no id for the delivery: map one (the domain event's "data.id")
// so that the inbox ledger can deduplicate redeliveries, which exp alone
// does not stop within the token's lifetime.
//
// It is safe for concurrent use. The zero value rejects every delivery;
// use [NewWebhooks].
type Webhooks struct {
	keys   []*rsa.PublicKey
	leeway time.Duration
	now    func() time.Time
}

var _ inbox.Opener = (*Webhooks)(nil)

// NewWebhooks returns a Wix webhook verifier, or an error naming the
// public key (by index) that is not a PEM RSA public key of at least 2048
// bits.
func NewWebhooks(o WebhookOptions) (*Webhooks, error) {
	if len(o.PublicKeys) == 0 {
		return nil, errors.New("wix: webhooks: no public key")
	}
	if o.Leeway < 0 {
		return nil, errors.New("wix: webhooks: negative leeway")
	}
	v := &Webhooks{leeway: o.Leeway, now: o.Now}
	if v.leeway == 0 {
		v.leeway = DefaultLeeway
	}
	if v.now == nil {
		v.now = time.Now
	}
	for i, k := range o.PublicKeys {
		pub, err := parsePublicKey(k)
		if err != nil {
			return nil, errors.New("wix: webhooks: public_keys[" + strconv.Itoa(i) + "]: " + err.Error())
		}
		v.keys = append(v.keys, pub)
	}
	return v, nil
}

func parsePublicKey(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if block == nil {
		return nil, errors.New("not PEM")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, errors.New("PEM block is not a public key")
	}
	if err != nil {
		return nil, errors.New("not a valid public key")
	}
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA key (Wix signs with RS256)")
	}
	if pub.N.BitLen() < 2048 {
		return nil, errors.New("RSA key shorter than 2048 bits")
	}
	return pub, nil
}

// Errors of Open, each wrapped together with inbox.ErrInvalidSignature.
var (
	errNotJWT       = errors.New("body is not a JWT")
	errAlg          = errors.New("JWT alg is not RS256")
	errJWTSignature = errors.New("JWT signature does not verify")
	errExpired      = errors.New("JWT expired")
	errNotYet       = errors.New("JWT not valid yet")
	errNoExp        = errors.New("JWT has no exp")
	errClaims       = errors.New("JWT claims are not valid")
	errData         = errors.New("JWT data claim is not the JSON event envelope")
)

type openError struct{ err error }

func (e *openError) Error() string { return "wix: webhooks: invalid signature: " + e.err.Error() }

func (e *openError) Is(target error) bool {
	return target == inbox.ErrInvalidSignature || target == e.err ||
		target == inbox.ErrTimestamp && (e.err == errExpired || e.err == errNotYet)
}

// Verify implements [inbox.Verifier].
func (v *Webhooks) Verify(h http.Header, body []byte) error {
	_, err := v.Open(h, body)
	return err
}

// Open implements [inbox.Opener]: it verifies the JWT body and returns the
// event document described on [Webhooks]. Errors wrap
// [inbox.ErrInvalidSignature] (and [inbox.ErrTimestamp] for exp and nbf),
// and name what was wrong, never the token or its claims.
func (v *Webhooks) Open(_ http.Header, body []byte) ([]byte, error) {
	doc, err := v.open(body)
	if err != nil {
		return nil, &openError{err}
	}
	return doc, nil
}

func (v *Webhooks) open(body []byte) ([]byte, error) {
	tok := string(bytes.TrimSpace(body))
	h64, rest, ok1 := strings.Cut(tok, ".")
	p64, s64, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(s64, ".") {
		return nil, errNotJWT
	}
	enc := base64.RawURLEncoding.Strict()
	hdr, err1 := enc.DecodeString(h64)
	payload, err2 := enc.DecodeString(p64)
	sig, err3 := enc.DecodeString(s64)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, errNotJWT
	}
	var header struct {
		Alg  string          `json:"alg"`
		Crit json.RawMessage `json:"crit"`
	}
	if json.Unmarshal(hdr, &header) != nil {
		return nil, errNotJWT
	}
	if header.Alg != "RS256" || header.Crit != nil {
		return nil, errAlg
	}
	if len(v.keys) == 0 {
		return nil, errJWTSignature
	}
	sum := sha256.Sum256([]byte(tok[:len(h64)+1+len(p64)]))
	verified := false
	for _, k := range v.keys {
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return nil, errJWTSignature
	}
	var claims struct {
		Exp  *json.Number `json:"exp"`
		Nbf  *json.Number `json:"nbf"`
		Iat  *json.Number `json:"iat"`
		Data *string      `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if dec.Decode(&claims) != nil {
		return nil, errClaims
	}
	now := v.now()
	if claims.Exp == nil {
		return nil, errNoExp
	}
	exp, err := unix(*claims.Exp)
	if err != nil {
		return nil, errClaims
	}
	if now.After(exp.Add(v.leeway)) {
		return nil, errExpired
	}
	for _, n := range []*json.Number{claims.Nbf, claims.Iat} {
		if n == nil {
			continue
		}
		t, err := unix(*n)
		if err != nil {
			return nil, errClaims
		}
		if t.After(now.Add(v.leeway)) {
			return nil, errNotYet
		}
	}
	if claims.Data == nil {
		return nil, errData
	}
	return openEnvelope(*claims.Data)
}

func unix(n json.Number) (time.Time, error) {
	f, err := n.Float64()
	if err != nil || f < 0 || f > 1e11 {
		return time.Time{}, errClaims
	}
	return time.Unix(int64(f), 0), nil
}

// openEnvelope decodes the data claim and the stringified JSON nested in it.
func openEnvelope(data string) ([]byte, error) {
	env, ok := decodeNested(data, 0)
	if !ok {
		return nil, errData
	}
	obj, ok := env.(map[string]any)
	if !ok {
		return nil, errData
	}
	for _, k := range []string{"data", "identity"} {
		if s, ok := obj[k].(string); ok {
			if v, ok := decodeNested(s, 1); ok {
				obj[k] = v
			}
		}
	}
	if d, ok := obj["data"]; ok {
		if !expand(d, 1) {
			return nil, errData
		}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, errData
	}
	return b, nil
}

// decodeNested decodes s as a JSON object or array whose nesting, added to
// the depth it is placed at, stays within maxNestedDepth.
func decodeNested(s string, at int) (any, bool) {
	t := strings.TrimSpace(s)
	if t == "" || t[0] != '{' && t[0] != '[' || at+depthOf(t) > maxNestedDepth {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// expand replaces, in place, every string under a key ending in "AsJson"
// that holds a JSON object or array by its value. It reports false when
// the result would nest deeper than maxNestedDepth.
func expand(v any, depth int) bool {
	if depth > maxNestedDepth {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && strings.HasSuffix(k, "AsJson") {
				if n, ok := decodeNested(s, depth+1); ok {
					v[k] = n
					x = n
				}
			}
			if !expand(x, depth+1) {
				return false
			}
		}
	case []any:
		for _, x := range v {
			if !expand(x, depth+1) {
				return false
			}
		}
	}
	return true
}

// depthOf returns the maximum nesting of brackets in JSON text, counting
// iteratively (outside strings), so that encoding/json never recurses
// deeper than maxNestedDepth on hostile input.
func depthOf(s string) int {
	depth, deepest, inStr, esc := 0, 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			deepest = max(deepest, depth)
		case '}', ']':
			depth--
		}
	}
	return deepest
}
