package httpexec

import (
	"context"
	"net/http"
)

// addCredentials sets the headers of p's Credentials (see [Request.Credentials]) on p.header,
// replacing the stand-ins of the same names, marks them secret and keeps their Redact for the
// response. It runs once per execution, just before the first attempt: a cache hit never opens
// a credential.
func (p *prepared) addCredentials(ctx context.Context) *Error {
	if p.creds == nil {
		return nil
	}
	c, err := p.creds(ctx)
	if err != nil {
		return &Error{Category: CategoryInternal, Method: p.method, URL: p.redacted, Detail: "credentials failed", Err: err}
	}
	if c == nil {
		return nil
	}
	for k, vv := range c.Header {
		ck := http.CanonicalHeaderKey(k)
		if !validToken(k) || isForbiddenHeader(ck) {
			return &Error{Category: CategoryInvalidRequest, Method: p.method, URL: p.redacted, Detail: "invalid credentials header", Err: ErrInvalidRequest}
		}
		for _, v := range vv {
			if !validHeaderValue(v) {
				return &Error{Category: CategoryInvalidRequest, Method: p.method, URL: p.redacted, Detail: "invalid value for credentials header " + ck, Err: ErrInvalidRequest}
			}
		}
		p.header[ck] = vv
		p.secret = append(p.secret, ck)
	}
	p.redact = c.Redact
	return nil
}

// isForbiddenHeader reports whether the canonical header name ck is one a Request may not set.
func isForbiddenHeader(ck string) bool {
	for _, f := range forbiddenHeaders {
		if ck == f {
			return true
		}
	}
	return false
}
