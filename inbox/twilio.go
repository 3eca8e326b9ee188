package inbox

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// TwilioOptions configures [NewTwilio].
type TwilioOptions struct {
	// AuthTokens are the account's auth tokens. A delivery signed with any
	// of them is accepted (rotation: Twilio's secondary token).
	AuthTokens []string
	// URL is the webhook URL exactly as configured at Twilio, with scheme,
	// host, any port, path and query string: Twilio signs the URL it calls,
	// which a server behind a proxy cannot reliably reconstruct.
	URL string
	// Header is the signature header; empty means "X-Twilio-Signature".
	Header string
}

// Twilio verifies Twilio's X-Twilio-Signature: the base64 HMAC-SHA1, keyed
// with the auth token, of the webhook URL followed by every POST parameter
// name and value, sorted by name (repeated names by value). It verifies
// form-encoded bodies (application/x-www-form-urlencoded), as Twilio's SMS
// and voice webhooks send them; the JSON variant with a bodySHA256 query
// parameter is not supported.
//
// The scheme signs no timestamp, so a captured delivery stays valid: only
// the ledger's idempotency key (Twilio's MessageSid) stops its replay. It
// is safe for concurrent use. The zero value rejects every delivery; use
// [NewTwilio].
type Twilio struct {
	keys   [][]byte
	url    string
	header string
}

// NewTwilio returns a Twilio signature verifier. It returns an error if
// there is no auth token, a token is empty, or URL is not an absolute http
// or https URL; the error gives a token's index, never its value.
func NewTwilio(o TwilioOptions) (*Twilio, error) {
	if len(o.AuthTokens) == 0 {
		return nil, errors.New("inbox: twilio: no auth token")
	}
	if !validLink(o.URL) {
		return nil, errors.New("inbox: twilio: URL must be the absolute http or https webhook URL")
	}
	v := &Twilio{url: o.URL, header: http.CanonicalHeaderKey(o.Header)}
	if o.Header == "" {
		v.header = "X-Twilio-Signature"
	}
	for i, t := range o.AuthTokens {
		if t == "" {
			return nil, errors.New("inbox: twilio: auth_tokens[" + strconv.Itoa(i) + "]: empty")
		}
		v.keys = append(v.keys, []byte(t))
	}
	return v, nil
}

// Verify implements [Verifier].
func (v *Twilio) Verify(h http.Header, body []byte) error {
	sig := h.Get(v.header)
	if sig == "" {
		return sigErr(errMissingHeader)
	}
	var got [sha1.Size]byte
	if n, err := base64.StdEncoding.Decode(got[:], []byte(sig)); err != nil || n != sha1.Size || len(sig) != base64.StdEncoding.EncodedLen(sha1.Size) {
		return sigErr(errBadSignature)
	}
	params, err := url.ParseQuery(string(body))
	if err != nil {
		return sigErr(errBadSignature)
	}
	data := twilioData(v.url, params)
	for _, k := range v.keys {
		m := hmac.New(sha1.New, k)
		m.Write(data)
		if hmac.Equal(m.Sum(nil), got[:]) {
			return nil
		}
	}
	return sigErr(errNoMatch)
}

// Sign returns the X-Twilio-Signature value for a form body signed with the
// first auth token. It is meant for tests and in-process senders.
func (v *Twilio) Sign(form url.Values) string {
	if len(v.keys) == 0 {
		return ""
	}
	m := hmac.New(sha1.New, v.keys[0])
	m.Write(twilioData(v.url, form))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// twilioData is the signed string: the URL, then each parameter name and
// value in name order.
func twilioData(u string, params url.Values) []byte {
	b := []byte(u)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		vs := slices.Clone(params[k])
		slices.Sort(vs)
		for _, val := range vs {
			b = append(b, k...)
			b = append(b, val...)
		}
	}
	return b
}
