package inbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Verifier checks that a webhook delivery comes from the source and was not
// altered, before anything parses the body. Verify returns nil or an error
// wrapping [ErrInvalidSignature]; the error names what was wrong (missing
// header, stale timestamp, no matching signature) but never contains header
// values, secrets or the body. Implementations must be safe for concurrent
// use and must not retain h or body.
type Verifier interface {
	Verify(h http.Header, body []byte) error
}

// VerifierFunc adapts a function to [Verifier].
type VerifierFunc func(h http.Header, body []byte) error

// Verify calls f(h, body).
func (f VerifierFunc) Verify(h http.Header, body []byte) error { return f(h, body) }

// ErrTimestamp is wrapped (with [ErrInvalidSignature]) when a signed
// timestamp is too old or too far in the future.
var ErrTimestamp = errors.New("inbox: timestamp outside tolerance")

// DefaultTolerance is the timestamp tolerance of [StandardWebhooks] and
// [Stripe] when their options leave it zero.
const DefaultTolerance = 5 * time.Minute

const maxSignedIDLen = 256

var (
	errMissingHeader = errors.New("missing signature header")
	errBadTimestamp  = errors.New("malformed timestamp")
	errBadSignature  = errors.New("malformed signature header")
	errNoMatch       = errors.New("no matching signature")
	errTooOld        = errors.New("timestamp too old")
	errTooNew        = errors.New("timestamp too new")
	errIDTooLong     = errors.New("message id too long")
)

func sigErr(err error) error {
	if err == errTooOld || err == errTooNew {
		return &verifyError{err: err, ts: true}
	}
	return &verifyError{err: err}
}

type verifyError struct {
	err error
	ts  bool
}

func (e *verifyError) Error() string { return "inbox: invalid signature: " + e.err.Error() }

func (e *verifyError) Is(target error) bool {
	return target == ErrInvalidSignature || (e.ts && target == ErrTimestamp)
}

// macState is the pooled per-key scratch space of one verification, so that
// verifying allocates nothing in the steady state. The pool stays because
// BenchmarkMACState (verify_internal_test.go) shows it pays against P10
// (at most 2 allocs per verification): hmac.New per call costs 5 allocs
// and 480 B for a 2 KiB body, the pooled state 0. TestVerifyAllocs pins
// the 0.
type macState struct {
	h   hash.Hash
	buf [maxSignedIDLen + 48]byte
	sum [sha256.Size]byte
	enc [64]byte
	cmp [96]byte
}

type macKey struct {
	pool sync.Pool
}

func newMACKey(key []byte) *macKey {
	k := append([]byte(nil), key...)
	mk := &macKey{}
	mk.pool.New = func() any { return &macState{h: hmac.New(sha256.New, k)} }
	return mk
}

func (mk *macKey) get() *macState {
	st := mk.pool.Get().(*macState)
	st.h.Reset()
	return st
}

func (mk *macKey) put(st *macState) { mk.pool.Put(st) }

// clock reads now, or time.Now for a zero-value verifier (which has no
// keys and so rejects every delivery).
func clock(now func() time.Time) time.Time {
	if now == nil {
		return time.Now()
	}
	return now()
}

func checkWindow(now time.Time, ts int64, tol time.Duration) error {
	d := now.Unix() - ts
	sec := int64(tol / time.Second)
	switch {
	case d > sec:
		return errTooOld
	case -d > sec:
		return errTooNew
	}
	return nil
}

// StandardWebhooksOptions configures [NewStandardWebhooks].
type StandardWebhooksOptions struct {
	// Secrets are the signing secrets, "whsec_" followed by base64, or bare
	// base64. A delivery signed with any of them is accepted, so that a
	// secret can be rotated; the first one signs in [StandardWebhooks.Sign].
	Secrets []string
	// Tolerance is how far the webhook-timestamp may be from now, in the
	// past or in the future. Zero means [DefaultTolerance].
	Tolerance time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// StandardWebhooks verifies deliveries signed according to the Standard
// Webhooks specification (https://www.standardwebhooks.com): the headers
// webhook-id, webhook-timestamp and webhook-signature, the latter a
// space-separated list of "v1,<base64 HMAC-SHA256>" entries over
// "id.timestamp.body". It is safe for concurrent use. The zero value has
// no secret and rejects every delivery; use [NewStandardWebhooks].
type StandardWebhooks struct {
	keys []*macKey
	tol  time.Duration
	now  func() time.Time
}

// NewStandardWebhooks returns a Standard Webhooks verifier. It returns an
// error if there is no secret or a secret is not valid base64; the error
// gives the secret's index, never its value.
func NewStandardWebhooks(o StandardWebhooksOptions) (*StandardWebhooks, error) {
	if len(o.Secrets) == 0 {
		return nil, errors.New("inbox: standard webhooks: no secret")
	}
	if o.Tolerance < 0 {
		return nil, errors.New("inbox: standard webhooks: negative tolerance")
	}
	v := &StandardWebhooks{tol: o.Tolerance, now: o.Now}
	if v.tol == 0 {
		v.tol = DefaultTolerance
	}
	if v.now == nil {
		v.now = time.Now
	}
	for i, s := range o.Secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil || len(key) == 0 {
			return nil, errors.New("inbox: standard webhooks: secrets[" + strconv.Itoa(i) + "]: not a whsec_ base64 secret")
		}
		v.keys = append(v.keys, newMACKey(key))
	}
	return v, nil
}

// Canonical header keys, so that http.Header.Get does not allocate.
const (
	hdrWebhookID        = "Webhook-Id"
	hdrWebhookTimestamp = "Webhook-Timestamp"
	hdrWebhookSignature = "Webhook-Signature"
)

// Verify implements [Verifier].
func (v *StandardWebhooks) Verify(h http.Header, body []byte) error {
	if err := v.verify(h, body); err != nil {
		return sigErr(err)
	}
	return nil
}

func (v *StandardWebhooks) verify(h http.Header, body []byte) error {
	id, tsHdr, sigHdr := h.Get(hdrWebhookID), h.Get(hdrWebhookTimestamp), h.Get(hdrWebhookSignature)
	if id == "" || tsHdr == "" || sigHdr == "" {
		return errMissingHeader
	}
	if len(id) > maxSignedIDLen {
		return errIDTooLong
	}
	ts, err := strconv.ParseInt(tsHdr, 10, 64)
	if err != nil || len(tsHdr) > 19 {
		return errBadTimestamp
	}
	if err := checkWindow(clock(v.now), ts, v.tol); err != nil {
		return err
	}
	sawV1 := false
	for _, k := range v.keys {
		st := k.get()
		b := append(st.buf[:0], id...)
		b = append(b, '.')
		b = strconv.AppendInt(b, ts, 10)
		b = append(b, '.')
		st.h.Write(b)
		st.h.Write(body)
		sum := st.h.Sum(st.sum[:0])
		base64.StdEncoding.Encode(st.enc[:], sum)
		want := st.enc[:base64.StdEncoding.EncodedLen(len(sum))]
		ok := false
		for rest := sigHdr; rest != ""; {
			var entry string
			entry, rest, _ = strings.Cut(rest, " ")
			version, sig, found := strings.Cut(entry, ",")
			if !found || version != "v1" {
				continue
			}
			sawV1 = true
			if len(sig) != len(want) {
				continue
			}
			n := copy(st.cmp[:], sig)
			if hmac.Equal(st.cmp[:n], want) {
				ok = true
				break
			}
		}
		k.put(st)
		if ok {
			return nil
		}
	}
	if !sawV1 {
		return errBadSignature
	}
	return errNoMatch
}

// Sign returns the webhook-signature header value for a delivery signed with
// the first secret at time ts. It is meant for tests and in-process senders.
// It returns "" for a zero-value verifier.
func (v *StandardWebhooks) Sign(id string, ts time.Time, body []byte) string {
	if len(v.keys) == 0 {
		return ""
	}
	st := v.keys[0].get()
	defer v.keys[0].put(st)
	st.h.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
	st.h.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(st.h.Sum(nil))
}

// HMACOptions configures [NewHMAC].
type HMACOptions struct {
	// Secrets are the shared secrets, used as raw bytes. A delivery signed
	// with any of them is accepted (rotation).
	Secrets []string
	// Header is the signature header. If empty, GitHub's
	// "X-Hub-Signature-256" with Prefix "sha256=" is used, whatever Prefix says.
	Header string
	// Prefix precedes the hex digest in the header when Header is set,
	// for example "sha256="; it may be empty.
	Prefix string
}

// HMAC verifies a hex-encoded HMAC-SHA256 of the raw body carried in one
// header, as GitHub's X-Hub-Signature-256 does. The scheme signs no
// timestamp, so a captured delivery stays valid forever: only the ledger's
// idempotency key stops its replay, for as long as the ledger keeps the key.
// Prefer [StandardWebhooks] or [Stripe] when the source offers them. It is
// safe for concurrent use.
// The zero value rejects every delivery; use [NewHMAC].
type HMAC struct {
	keys   []*macKey
	header string
	prefix string
}

// NewHMAC returns a hex HMAC-SHA256 header verifier.
func NewHMAC(o HMACOptions) (*HMAC, error) {
	if len(o.Secrets) == 0 {
		return nil, errors.New("inbox: hmac: no secret")
	}
	v := &HMAC{header: http.CanonicalHeaderKey(o.Header), prefix: o.Prefix}
	if o.Header == "" {
		v.header, v.prefix = "X-Hub-Signature-256", "sha256="
	}
	for i, s := range o.Secrets {
		if s == "" {
			return nil, errors.New("inbox: hmac: secrets[" + strconv.Itoa(i) + "]: empty")
		}
		v.keys = append(v.keys, newMACKey([]byte(s)))
	}
	return v, nil
}

// Verify implements [Verifier].
func (v *HMAC) Verify(h http.Header, body []byte) error {
	val := h.Get(v.header)
	if val == "" {
		return sigErr(errMissingHeader)
	}
	hexSig, ok := strings.CutPrefix(val, v.prefix)
	if !ok || len(hexSig) != 2*sha256.Size {
		return sigErr(errBadSignature)
	}
	var got [sha256.Size]byte
	if _, err := hex.Decode(got[:], []byte(hexSig)); err != nil {
		return sigErr(errBadSignature)
	}
	for _, k := range v.keys {
		st := k.get()
		st.h.Write(body)
		eq := hmac.Equal(st.h.Sum(st.sum[:0]), got[:])
		k.put(st)
		if eq {
			return nil
		}
	}
	return sigErr(errNoMatch)
}

// Sign returns the header value for body signed with the first secret.
func (v *HMAC) Sign(body []byte) string {
	if len(v.keys) == 0 {
		return ""
	}
	st := v.keys[0].get()
	defer v.keys[0].put(st)
	st.h.Write(body)
	return v.prefix + hex.EncodeToString(st.h.Sum(nil))
}

// StripeOptions configures [NewStripe].
type StripeOptions struct {
	// Secrets are the endpoint secrets, used as raw bytes (Stripe's
	// "whsec_..." string as a whole). Any of them is accepted (rotation).
	Secrets []string
	// Header is the signature header; empty means "Stripe-Signature".
	Header string
	// Tolerance is how far t= may be from now, in the past or the future.
	// Zero means [DefaultTolerance].
	Tolerance time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Stripe verifies Stripe-style signatures: a header "t=<unix>,v1=<hex>,..."
// where each v1 is a hex HMAC-SHA256 of "t.body". Several v1 entries may be
// present; entries of other schemes (v0) are ignored. It is safe for
// concurrent use. The zero value rejects every delivery; use [NewStripe].
type Stripe struct {
	keys   []*macKey
	header string
	tol    time.Duration
	now    func() time.Time
}

// NewStripe returns a Stripe-style verifier.
func NewStripe(o StripeOptions) (*Stripe, error) {
	if len(o.Secrets) == 0 {
		return nil, errors.New("inbox: stripe: no secret")
	}
	if o.Tolerance < 0 {
		return nil, errors.New("inbox: stripe: negative tolerance")
	}
	v := &Stripe{header: http.CanonicalHeaderKey(o.Header), tol: o.Tolerance, now: o.Now}
	if o.Header == "" {
		v.header = "Stripe-Signature"
	}
	if v.tol == 0 {
		v.tol = DefaultTolerance
	}
	if v.now == nil {
		v.now = time.Now
	}
	for i, s := range o.Secrets {
		if s == "" {
			return nil, errors.New("inbox: stripe: secrets[" + strconv.Itoa(i) + "]: empty")
		}
		v.keys = append(v.keys, newMACKey([]byte(s)))
	}
	return v, nil
}

// Verify implements [Verifier].
func (v *Stripe) Verify(h http.Header, body []byte) error {
	if err := v.verify(h, body); err != nil {
		return sigErr(err)
	}
	return nil
}

func (v *Stripe) verify(h http.Header, body []byte) error {
	val := h.Get(v.header)
	if val == "" {
		return errMissingHeader
	}
	var tsStr string
	nv1 := 0
	for rest := val; rest != ""; {
		var item string
		item, rest, _ = strings.Cut(rest, ",")
		k, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return errBadSignature
		}
		switch k {
		case "t":
			if tsStr != "" {
				return errBadSignature
			}
			tsStr = val
		case "v1":
			nv1++
		}
	}
	if tsStr == "" || nv1 == 0 {
		return errBadSignature
	}
	ts, err := strconv.ParseInt(tsStr, 10, 64)
	if err != nil || len(tsStr) > 19 {
		return errBadTimestamp
	}
	if err := checkWindow(clock(v.now), ts, v.tol); err != nil {
		return err
	}
	for _, k := range v.keys {
		st := k.get()
		b := strconv.AppendInt(st.buf[:0], ts, 10)
		b = append(b, '.')
		st.h.Write(b)
		st.h.Write(body)
		sum := st.h.Sum(st.sum[:0])
		want := st.enc[:hex.EncodedLen(len(sum))]
		hex.Encode(want, sum)
		ok := false
		for rest := val; rest != "" && !ok; {
			var item string
			item, rest, _ = strings.Cut(rest, ",")
			key, sig, _ := strings.Cut(strings.TrimSpace(item), "=")
			if key != "v1" || len(sig) != len(want) {
				continue
			}
			n := copy(st.cmp[:], sig)
			ok = hmac.Equal(st.cmp[:n], want)
		}
		k.put(st)
		if ok {
			return nil
		}
	}
	return errNoMatch
}

// Sign returns the header value for body signed with the first secret at ts.
func (v *Stripe) Sign(ts time.Time, body []byte) string {
	if len(v.keys) == 0 {
		return ""
	}
	st := v.keys[0].get()
	defer v.keys[0].put(st)
	t := strconv.FormatInt(ts.Unix(), 10)
	st.h.Write([]byte(t + "."))
	st.h.Write(body)
	return "t=" + t + ",v1=" + hex.EncodeToString(st.h.Sum(nil))
}
