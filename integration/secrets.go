package integration

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/inboxkit/inboxkit/httpexec"
)

// keepSecrets prepares the secret fields of c, an admin's edit of prev (nil for a new or an
// unsaved integration): incoming Sealed fields are ignored; a secret with an empty or Redacted
// value keeps the sealed value of prev's secret of the same name (header names compare
// case-insensitively).
func keepSecrets(prev, c *Integration) {
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
		for _, p := range prev.Headers {
			if p.Secret && p.Sealed != "" && strings.EqualFold(p.Name, h.Name) {
				h.Sealed = p.Sealed
				break
			}
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
		for _, p := range prev.Secrets {
			if p.Sealed != "" && p.Name == sc.Name {
				sc.Sealed = p.Sealed
				break
			}
		}
	}
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

// seal seals every clear secret value of c (whose ID is final) and clears it.
func (s *Service) seal(ctx context.Context, c *Integration) error {
	if !hasSecrets(c) {
		return nil
	}
	if s.sealer == nil {
		return ErrNoSealer
	}
	aad := sealAAD(c.ID)
	for i := range c.Headers {
		h := &c.Headers[i]
		if !h.Secret || h.Value == "" {
			continue
		}
		sealed, err := s.sealer.Seal(ctx, []byte(h.Value), aad)
		if err != nil {
			return fmt.Errorf("integration: seal headers[%d]: %w", i, err)
		}
		h.Sealed, h.Value = sealed, ""
	}
	for i := range c.Secrets {
		sc := &c.Secrets[i]
		if sc.Value == "" {
			continue
		}
		sealed, err := s.sealer.Seal(ctx, []byte(sc.Value), aad)
		if err != nil {
			return fmt.Errorf("integration: seal secrets[%d]: %w", i, err)
		}
		sc.Sealed, sc.Value = sealed, ""
	}
	return nil
}

// opened holds an integration's secret values in clear for one send.
type opened struct {
	headers map[int]string    // by index in Integration.Headers
	secrets map[string]string // by Secret.Name
}

// values returns every clear secret value, for scrubbing output.
func (o *opened) values() []string {
	if o == nil {
		return nil
	}
	var vs []string
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
	aad := sealAAD(in.ID)
	openOne := func(value, sealed, field string, i int) (string, error) {
		if value != "" {
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
	if r != nil {
		for _, name := range r.SecretHeaders {
			vs = append(vs, r.Header.Values(name)...)
		}
	}
	for _, v := range vs {
		if _, cred, ok := strings.Cut(v, " "); ok && len(strings.TrimSpace(cred)) >= minScrubbedPart {
			vs = append(vs, strings.TrimSpace(cred))
		}
	}
	return vs
}

// minScrubbedPart is the shortest part of a secret value scrubbed on its own: shorter parts
// would redact ordinary words of a response.
const minScrubbedPart = 6

// scrub replaces every secret value in s with Redacted.
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, Redacted)
		}
	}
	return s
}

// scrubBytes returns b, or a copy of it with every secret value replaced by Redacted when it
// contains one. It does not modify b, which may be shared with the cache.
func scrubBytes(b []byte, secrets []string) []byte {
	for _, v := range secrets {
		if v != "" && bytes.Contains(b, []byte(v)) {
			return []byte(scrub(string(b), secrets))
		}
	}
	return b
}

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
