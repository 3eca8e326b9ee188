package integration

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/variables"
)

// keepSecrets prepares the secret fields of c, an admin's edit of prev (nil for a new or an
// unsaved integration): incoming Sealed fields are ignored; a secret with an empty or Redacted
// value keeps the sealed value of prev's secret of the same name (header names compare
// case-insensitively), but only while the URL's origin (scheme, host and port) is prev's: a
// stored credential is never sent to a server its author did not send it to. It returns the
// field paths ("/headers/0/value", "/secrets/1/value") of the values not kept because the
// origin changed.
func keepSecrets(prev, c *Integration) (refused []string) {
	keep := prev != nil && sameOrigin(prev.URL, c.URL)
	for i := range c.Headers {
		h := &c.Headers[i]
		h.Sealed = ""
		if !h.Secret || (h.Value != "" && h.Value != Redacted) {
			continue
		}
		h.Value = ""
		if prev == nil {
			continue
		}
		if stored := storedHeader(prev, h.Name); keep {
			h.Sealed = stored
		} else if stored != "" {
			refused = append(refused, fmt.Sprintf("/headers/%d/value", i))
		}
	}
	for i := range c.Secrets {
		sc := &c.Secrets[i]
		sc.Sealed = ""
		if sc.Value != "" && sc.Value != Redacted {
			continue
		}
		sc.Value = ""
		if prev == nil {
			continue
		}
		if stored := storedSecret(prev, sc.Name); keep {
			sc.Sealed = stored
		} else if stored != "" {
			refused = append(refused, fmt.Sprintf("/secrets/%d/value", i))
		}
	}
	return refused
}

// storedHeader returns the sealed value of prev's secret header name, or "".
func storedHeader(prev *Integration, name string) string {
	for _, p := range prev.Headers {
		if p.Secret && p.Sealed != "" && strings.EqualFold(p.Name, name) {
			return p.Sealed
		}
	}
	return ""
}

// storedSecret returns the sealed value of prev's secret name, or "".
func storedSecret(prev *Integration, name string) string {
	for _, p := range prev.Secrets {
		if p.Sealed != "" && p.Name == name {
			return p.Sealed
		}
	}
	return ""
}

// sameOrigin reports whether the URL templates a and b have the same scheme, host and port
// (placeholders cannot appear there). Templates that do not compile are not the same.
func sameOrigin(a, b string) bool {
	oa, ok := urlOrigin(a)
	if !ok {
		return false
	}
	ob, ok := urlOrigin(b)
	return ok && oa == ob
}

// urlOrigin returns the scheme, host and port of the URL template src. Any variable name is
// accepted (a step's URL reads steps.*): the origin is literal whatever the names.
func urlOrigin(src string) (string, bool) {
	t, err := variables.Compile(src, variables.URL, &variables.Options{Filters: filters()})
	if err != nil {
		return "", false
	}
	s, err := t.Expand(variables.Map{})
	if err != nil {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port, true
}

// compileEdit is compile for an edit whose refused secrets (see keepSecrets) are reported with
// the reason they must be entered again.
func compileEdit(c *Integration, refused []string) (*compiled, error) {
	cp, err := compile(c)
	if ve, ok := errors.AsType[*ValidationError](err); ok {
		for i, p := range ve.Problems {
			if p.Code == CodeRequired && slices.Contains(refused, p.Path) {
				ve.Problems[i].Message = "enter the secret again: a stored secret is kept only while the URL's scheme, host and port stay the same"
			}
		}
	}
	return cp, err
}

// hasSecrets reports whether in has any secret value.
func hasSecrets(in *Integration) bool {
	for _, h := range in.Headers {
		if h.Secret {
			return true
		}
	}
	return len(in.Secrets) > 0
}

// seal seals every secret value of c (whose ID is final) and clears the clear ones. A value
// kept from the stored integration is opened and sealed again, so that saving an integration
// moves its secrets to the Sealer's current key (completing a key rotation); one that no key
// opens any more is a validation problem: the admin enters it again.
func (s *Service) seal(ctx context.Context, c *Integration) error {
	if !hasSecrets(c) {
		return nil
	}
	if s.sealer == nil {
		return ErrNoSealer
	}
	aad := sealAAD(c.TeamID, c.ID)
	var ps problems
	sealOne := func(value, sealed *string, path string) error {
		if *value == "" {
			if *sealed == "" {
				return nil
			}
			plain, err := s.sealer.Open(ctx, *sealed, aad)
			if errors.Is(err, ErrSealed) {
				ps.add(path, CodeRequired, "the stored secret cannot be opened with the current keys: enter it again")
				return nil
			}
			if err != nil {
				return fmt.Errorf("integration: open %s: %w", path, err)
			}
			*value = string(plain)
		}
		out, err := s.sealer.Seal(ctx, []byte(*value), aad)
		if err != nil {
			return fmt.Errorf("integration: seal %s: %w", path, err)
		}
		*sealed, *value = out, ""
		return nil
	}
	for i := range c.Headers {
		if h := &c.Headers[i]; h.Secret {
			if err := sealOne(&h.Value, &h.Sealed, fmt.Sprintf("/headers/%d/value", i)); err != nil {
				return err
			}
		}
	}
	for i := range c.Secrets {
		sc := &c.Secrets[i]
		if err := sealOne(&sc.Value, &sc.Sealed, fmt.Sprintf("/secrets/%d/value", i)); err != nil {
			return err
		}
	}
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	return nil
}

// opened holds an integration's secret values in clear for one send.
type opened struct {
	headers map[int]string    // by index in Integration.Headers
	secrets map[string]string // by Secret.Name
}

func (o *opened) secret(name string) string { return o.secrets[name] }
func (o *opened) header(index int) string   { return o.headers[index] }

// standIns identifies an integration's secret values without revealing them: each is a digest
// of the value's sealed form, which changes whenever the secret does (every seal draws a new
// nonce). A profile load keys the cache on them, so a cached load opens no secret.
type standIns struct {
	in *Integration
	c  *compiled // remembers the digests
}

func (s standIns) secret(name string) string {
	for i, sc := range s.in.Secrets {
		if sc.Name == name {
			return s.c.standIn(len(s.in.Headers)+i, sc.Sealed, sc.Value)
		}
	}
	return ""
}

func (s standIns) header(index int) string {
	h := s.in.Headers[index]
	return s.c.standIn(index, h.Sealed, h.Value)
}

// standInMemo is the stand-in of one secret value.
type standInMemo struct{ sealed, value, standIn string }

// standIn returns standIn(sealed, value) for the secret at slot, remembering it: the compiled
// form outlives the loads of one version, whose secrets change only when resealed.
func (c *compiled) standIn(slot int, sealed, value string) string {
	if slot >= len(c.stands) { // an Integration that gained a secret since c was compiled
		return standIn(sealed, value)
	}
	if m := c.stands[slot].Load(); m != nil && m.sealed == sealed && m.value == value {
		return m.standIn
	}
	m := &standInMemo{sealed: sealed, value: value, standIn: standIn(sealed, value)}
	c.stands[slot].Store(m)
	return m.standIn
}

// standIn returns the stand-in of a secret: a digest of its sealed form, or of its clear value
// for one that was never sealed (only an unsaved test run has those).
func standIn(sealed, value string) string {
	if sealed == "" && value == "" {
		return ""
	}
	d := sha256.Sum256([]byte("inboxkit-secret-stand-in\x00" + sealed + "\x00" + value))
	return standInPrefix + hex.EncodeToString(d[:standInBytes])
}

// A stand-in is standInPrefix and standInBytes of digest in hex.
const (
	standInPrefix = "sealed:"
	standInBytes  = 16
)

// values returns every clear secret value, for scrubbing output.
func (o *opened) values() []string {
	if o == nil {
		return nil
	}
	vs := make([]string, 0, 4*(len(o.headers)+len(o.secrets))) // room for sentSecrets
	for _, v := range o.headers {
		vs = append(vs, v)
	}
	for _, v := range o.secrets {
		vs = append(vs, v)
	}
	return vs
}

// open returns the clear secret values in needs: clear values of in as given (an unsaved test
// run) or its sealed values opened with the Sealer.
func (s *Service) open(ctx context.Context, in *Integration, c *compiled) (*opened, error) {
	if !hasSecrets(in) {
		return nil, nil
	}
	o := &opened{}
	aad := sealAAD(in.TeamID, in.ID)
	// A sealed form is what the Service stored: it wins over a clear value, which only an
	// unsaved test run has. Redacted is never a value: it is what a secret looks like outside a
	// send, and sending it would hand the upstream "••••" as a credential.
	openOne := func(value, sealed, field string, i int) (string, error) {
		if sealed == "" {
			if value == "" || value == Redacted {
				return "", &configError{fmt.Errorf("integration %q: %s[%d] has no value", in.ID, field, i)}
			}
			return value, nil
		}
		if s.sealer == nil {
			return "", &configError{ErrNoSealer}
		}
		b, err := s.sealer.Open(ctx, sealed, aad)
		if err != nil {
			return "", &configError{fmt.Errorf("integration %q: open %s[%d]: %w", in.ID, field, i, err)}
		}
		return string(b), nil
	}
	for _, ch := range c.headers {
		h := in.Headers[ch.index]
		if !h.Secret {
			continue
		}
		v, err := openOne(h.Value, h.Sealed, "headers", ch.index)
		if err != nil {
			return nil, err
		}
		if o.headers == nil {
			o.headers = map[int]string{}
		}
		o.headers[ch.index] = v
	}
	for _, name := range c.secrets {
		if _, done := o.secrets[name]; done {
			continue
		}
		for i, sc := range in.Secrets {
			if sc.Name != name {
				continue
			}
			v, err := openOne(sc.Value, sc.Sealed, "secrets", i)
			if err != nil {
				return nil, err
			}
			if o.secrets == nil {
				o.secrets = map[string]string{}
			}
			o.secrets[name] = v
			break
		}
	}
	return o, nil
}

// sentSecrets returns what must be scrubbed from anything shown after r was sent with the
// secrets in o: every clear secret value; the value, as sent, of every header that carries one,
// which may be a filter's transformation of it ("Basic {{secret.creds | base64}}"); and the
// credential after an authorization scheme ("tok_1" of "Bearer tok_1"), which an upstream may
// echo alone.
func sentSecrets(o *opened, r *httpexec.Request) []string {
	vs := o.values()
	if r != nil && len(r.SecretHeaders) > 0 {
		if vs == nil {
			vs = make([]string, 0, 4*len(r.SecretHeaders))
		}
		for _, name := range r.SecretHeaders {
			vs = append(vs, r.Header.Values(name)...)
		}
	}
	for _, v := range vs {
		if _, cred, ok := strings.Cut(v, " "); ok && len(strings.TrimSpace(cred)) >= minScrubbedPart {
			vs = append(vs, strings.TrimSpace(cred))
		}
	}
	// An upstream echoes a value inside a JSON string, escaped: '"', '\\', control and (as Go
	// does) HTML characters, and '/' as "\/" (as PHP does by default; base64 tokens have '/').
	for _, v := range vs {
		if !needsJSONEscape(v) {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		e := string(b[1 : len(b)-1])
		if e != v {
			vs = append(vs, e)
		}
		if strings.Contains(e, "/") {
			vs = append(vs, strings.ReplaceAll(e, "/", `\/`))
		}
	}
	return vs
}

// needsJSONEscape reports whether a JSON encoder may write v differently inside a string.
func needsJSONEscape(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c >= 0x7f || strings.IndexByte(`"\/<>&`, c) >= 0 {
			return true
		}
	}
	return false
}

// minScrubbedPart is the shortest part of a secret value scrubbed on its own: shorter parts
// would redact ordinary words of a response.
const minScrubbedPart = 6

// scrubHeader returns a copy of h with secret values replaced by Redacted.
func scrubHeader(h http.Header, secrets []string) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			c[i] = scrub(v, secrets)
		}
		out[k] = c
	}
	return out
}
