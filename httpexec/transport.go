package httpexec

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// GuardOptions configures the SSRF guard of [NewTransport] and
// [NewDialer]. The zero value is the Executor's default guard: every
// loopback, private, link-local, metadata, CGNAT and reserved address is
// refused and the system resolver is used.
type GuardOptions struct {
	// AllowPrivate lists prefixes that may be dialled although they are
	// loopback, private, link-local, CGNAT or reserved, as
	// [Options.AllowPrivate] does.
	AllowPrivate []netip.Prefix

	// Resolver resolves host names. If nil, the system resolver is used.
	Resolver Resolver

	// TLSConfig, if not nil, is cloned into the transport made by
	// [NewTransport]. NewDialer ignores it.
	TLSConfig *tls.Config
}

// Dialer dials TCP connections through the SSRF guard: it resolves the
// host itself, refuses it when any of its addresses is refused, and checks
// the address actually dialled again (net.Dialer.Control). Its errors for
// refused destinations wrap [ErrBlocked]. Make one with [NewDialer]; the
// zero Dialer refuses every destination. A Dialer is safe for concurrent
// use by multiple goroutines.
type Dialer struct{ g *guard }

// NewDialer returns a Dialer guarded as opts says. It fails only for an
// invalid AllowPrivate prefix.
func NewDialer(opts GuardOptions) (*Dialer, error) {
	for _, p := range opts.AllowPrivate {
		if !p.IsValid() {
			return nil, errors.New("httpexec: invalid AllowPrivate prefix")
		}
	}
	return &Dialer{newGuard(opts.AllowPrivate, opts.Resolver)}, nil
}

// DialContext connects to address on the named network ("tcp", "tcp4" or
// "tcp6"), as [net.Dialer.DialContext] does, unless the guard refuses the
// destination. Its signature fits [http.Transport.DialContext].
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if d == nil || d.g == nil {
		return nil, &blockedError{reason: "dialer not made by NewDialer"}
	}
	return d.g.dialContext(ctx, network, address)
}

// NewTransport returns a new instance of the guarded transport an
// [Executor] uses when [Options.Transport] is nil: its dialer is a
// [Dialer], the environment proxy is ignored, compression is left to the
// Executor (which decodes gzip under its body cap), and response headers
// are capped at 64 KiB.
//
// A host that wants middleware (tracing, metrics, logging) wraps the
// result in its own [http.RoundTripper] and sets that as
// [Options.Transport]; the guard stays underneath. Setting the same
// AllowPrivate in Options keeps the Executor's own URL checks (literal
// addresses) in step with the dialer. The host owns the transport: its
// [http.Transport.CloseIdleConnections] is not called by
// [Executor.Close]. Replacing its DialContext, or setting Proxy (the proxy
// then resolves and dials the destination), removes the guard.
// It fails only for an invalid AllowPrivate prefix.
func NewTransport(opts GuardOptions) (*http.Transport, error) {
	d, err := NewDialer(opts)
	if err != nil {
		return nil, err
	}
	return newTransport(d.g, opts.TLSConfig), nil
}

// newTransport builds the guarded transport around g.
func newTransport(g *guard, tlsConfig *tls.Config) *http.Transport {
	t := &http.Transport{
		Proxy:                  nil, // the environment proxy is ignored
		DialContext:            g.dialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    16,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		DisableCompression:     true, // gzip is decoded by the Executor, under the body cap
		MaxResponseHeaderBytes: 64 << 10,
	}
	if tlsConfig != nil {
		t.TLSClientConfig = tlsConfig.Clone()
	}
	return t
}
