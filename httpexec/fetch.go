package httpexec

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// execute runs all attempts of p under the execution timeout and returns
// (resp, nil) for 2xx, (resp, *StatusError) for other statuses, or
// (nil, *Error).
func (e *Executor) execute(ctx context.Context, p *prepared) (*Response, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, p.timeout, errExecutionTimedOut)
	defer cancel()
	if err := p.addCredentials(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	for attempt := 1; ; attempt++ {
		resp, err := e.attempt(ctx, p)
		if resp != nil {
			resp.Attempts = attempt
			resp.Duration = time.Since(start)
		}
		if err != nil {
			err.Attempts = attempt
		}
		wait, retry := e.retryWait(p, attempt, resp, err)
		if retry {
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
				retry = false
			}
		}
		if !retry {
			if err != nil {
				return nil, err
			}
			if p.redact != nil {
				resp.Body = Body{p.redact(resp.Body.b)}
			}
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				// A copy: the error's Body is the caller's to keep or
				// change, the response's is read-only.
				snippet := resp.Body.b[:min(len(resp.Body.b), maxStatusSnippet)]
				return resp, &StatusError{StatusCode: resp.StatusCode, Body: bytes.Clone(snippet), Method: p.method, URL: p.redacted, Attempts: attempt}
			}
			return resp, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			ce := e.ctxError(ctx, p)
			ce.Attempts = attempt
			return nil, ce
		}
	}
}

// retryWait decides whether to retry after attempt and how long to wait.
func (e *Executor) retryWait(p *prepared, attempt int, resp *Response, err *Error) (time.Duration, bool) {
	if !p.idempotent || attempt >= e.cfg.maxAttempts {
		return 0, false
	}
	if err != nil {
		if err.Category != CategoryNetwork || err.permanent {
			return 0, false
		}
		return e.backoff(attempt), true
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		d, ok := parseRetryAfter(ra, time.Now())
		if ok {
			if d > e.cfg.maxRetryAfter {
				// The upstream asks for longer than we may wait: honour it
				// by not retrying at all.
				return 0, false
			}
			return d, true
		}
	}
	return e.backoff(attempt), true
}

// backoff is full jitter: a random wait in [0, min(MaxDelay, BaseDelay<<(n-1))).
func (e *Executor) backoff(attempt int) time.Duration {
	limit := e.cfg.maxDelay
	if attempt-1 < 30 {
		if d := e.cfg.baseDelay << (attempt - 1); d > 0 && d < limit {
			limit = d
		}
	}
	d := e.cfg.jitter(limit)
	if d < 0 {
		d = 0
	}
	if d > limit {
		d = limit
	}
	return d
}

func randomJitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(limit)))
}

// parseRetryAfter parses a Retry-After value: delay-seconds or an
// HTTP-date, relative to now. Negative results are zero.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			if len(v) > 10 && strings.Trim(v, "0123456789") == "" {
				return time.Duration(1<<63 - 1), true // absurdly large: treat as "very long"
			}
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// timingRec collects httptrace events of one attempt.
type timingRec struct {
	mu                                   sync.Mutex
	start, dnsStart, connStart, tlsStart time.Time
	t                                    Timing
}

func (tr *timingRec) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			tr.mu.Lock()
			tr.dnsStart = time.Now()
			tr.mu.Unlock()
		},
		DNSDone: func(httptrace.DNSDoneInfo) {
			tr.mu.Lock()
			if !tr.dnsStart.IsZero() {
				tr.t.DNS += time.Since(tr.dnsStart)
				tr.dnsStart = time.Time{}
			}
			tr.mu.Unlock()
		},
		ConnectStart: func(string, string) {
			tr.mu.Lock()
			tr.connStart = time.Now()
			tr.mu.Unlock()
		},
		ConnectDone: func(string, string, error) {
			tr.mu.Lock()
			if !tr.connStart.IsZero() {
				tr.t.Connect += time.Since(tr.connStart)
				tr.connStart = time.Time{}
			}
			tr.mu.Unlock()
		},
		TLSHandshakeStart: func() {
			tr.mu.Lock()
			tr.tlsStart = time.Now()
			tr.mu.Unlock()
		},
		TLSHandshakeDone: func(tls.ConnectionState, error) {
			tr.mu.Lock()
			if !tr.tlsStart.IsZero() {
				tr.t.TLS += time.Since(tr.tlsStart)
				tr.tlsStart = time.Time{}
			}
			tr.mu.Unlock()
		},
		GotFirstResponseByte: func() {
			tr.mu.Lock()
			tr.t.FirstByte = time.Since(tr.start)
			tr.mu.Unlock()
		},
	}
}

func (tr *timingRec) timing() Timing {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.t
}

// attempt sends p once, following redirects, and reads the body.
func (e *Executor) attempt(ctx context.Context, p *prepared) (*Response, *Error) {
	tr := &timingRec{start: time.Now()}
	actx := httptrace.WithClientTrace(ctx, tr.trace())
	req, err := http.NewRequestWithContext(actx, p.method, p.url.String(), bytes.NewReader(p.body))
	if err != nil {
		return nil, &Error{Category: CategoryInvalidRequest, Method: p.method, URL: p.redacted, Detail: "cannot build request", Err: ErrInvalidRequest}
	}
	if len(p.body) == 0 {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	}
	req.Header = p.header
	transport := e.transport
	if p.noRetry && e.fresh != nil {
		transport = e.fresh // a fresh connection: net/http replays only on a reused one
	}
	client := &http.Client{Transport: transport, CheckRedirect: e.checkRedirect(p)}
	hresp, err := client.Do(req)
	if err != nil {
		return nil, e.classify(ctx, err, p)
	}
	defer hresp.Body.Close()
	body, rerr := e.readBody(ctx, hresp, p)
	if rerr != nil {
		return nil, rerr
	}
	return &Response{
		StatusCode: hresp.StatusCode,
		Header:     Header{hresp.Header},
		Body:       Body{body},
		Timing:     tr.timing(),
	}, nil
}

// readBody reads the body, decoding gzip, and enforces MaxBodyBytes on the
// decoded bytes.
func (e *Executor) readBody(ctx context.Context, hresp *http.Response, p *prepared) ([]byte, *Error) {
	max := e.cfg.maxBody
	var r io.Reader = hresp.Body
	hint := hresp.ContentLength
	if p.method == http.MethodHead || hresp.StatusCode == http.StatusNoContent || hresp.StatusCode == http.StatusNotModified {
		return nil, nil
	}
	if ce := strings.ToLower(strings.TrimSpace(hresp.Header.Get("Content-Encoding"))); ce == "gzip" || ce == "x-gzip" {
		hresp.Header.Del("Content-Encoding")
		hresp.Header.Del("Content-Length")
		zr, err := gzip.NewReader(hresp.Body)
		if err == io.EOF {
			return []byte{}, nil // an empty body labelled gzip
		}
		if err != nil {
			return nil, e.readError(ctx, err, p)
		}
		defer zr.Close()
		r, hint = zr, -1
	}
	body, err := readCapped(r, max, hint)
	if errors.Is(err, errTooLarge) && (hresp.StatusCode < 200 || hresp.StatusCode > 299) {
		// An oversized error page: the status is the news, keep the
		// first MaxBodyBytes.
		return body, nil
	}
	if err != nil {
		return nil, e.readError(ctx, err, p)
	}
	return body, nil
}

var errTooLarge = errors.New("too large")

// readCapped reads r to EOF into a slice sized by hint when hint is known
// and within max, failing with errTooLarge past max bytes (the first max
// bytes are returned with it).
func readCapped(r io.Reader, max, hint int64) ([]byte, error) {
	size := int64(16 << 10)
	if hint >= 0 && hint <= max {
		size = hint
	}
	size = min(size, max)
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			// Probe for EOF before growing, so an exact-size buffer stays exact.
			var one [1]byte
			n, err := io.ReadFull(r, one[:])
			if n == 0 {
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					return buf, nil
				}
				return buf, err
			}
			if int64(len(buf)) >= max {
				return buf, errTooLarge
			}
			buf = append(buf, one[0])
			continue
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return buf[:max], errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (e *Executor) readError(ctx context.Context, err error, p *prepared) *Error {
	switch {
	case errors.Is(err, errTooLarge):
		return &Error{Category: CategoryTooLarge, Method: p.method, URL: p.redacted, Detail: fmt.Sprintf("body exceeds %d bytes", e.cfg.maxBody), Err: ErrBodyTooLarge}
	case ctx.Err() != nil:
		return e.ctxError(ctx, p)
	}
	var ce flate.CorruptInputError
	if errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &ce) {
		return &Error{Category: CategoryInvalidResponse, Method: p.method, URL: p.redacted, Detail: "corrupt gzip body", Err: ErrInvalidResponse}
	}
	return e.networkError(err, p, "reading body")
}

// ctxError reports the end of ctx: a timeout (ours or the caller's
// deadline) or a cancellation.
func (e *Executor) ctxError(ctx context.Context, p *prepared) *Error {
	out := &Error{Method: p.method, URL: p.redacted}
	if errors.Is(context.Cause(ctx), errExecutionTimedOut) {
		out.Category, out.Err = CategoryTimeout, context.DeadlineExceeded
		out.Detail = "no complete response within " + p.timeout.String()
		return out
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		out.Category, out.Err = CategoryTimeout, context.DeadlineExceeded
		out.Detail = "the caller's deadline passed"
		return out
	}
	out.Category, out.Err = CategoryCanceled, context.Canceled
	return out
}

// networkError builds a redacted network error: the detail names the
// failing operation and the system error, never a URL.
func (e *Executor) networkError(err error, p *prepared, what string) *Error {
	detail := what
	if oe, ok := errors.AsType[*net.OpError](err); ok {
		detail = oe.Op
		if oe.Err != nil {
			var inner error = oe.Err
			if se, ok := errors.AsType[*net.DNSError](inner); ok {
				inner = errors.New(se.Err)
			}
			detail += ": " + lastColon(inner.Error())
		}
	} else if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		detail = "TLS certificate not trusted"
	} else if _, ok := errors.AsType[tls.RecordHeaderError](err); ok {
		detail = "TLS handshake failed"
	}
	permanent := false
	if de, ok := errors.AsType[*net.DNSError](err); ok {
		detail = "DNS lookup failed: " + de.Err
		permanent = de.IsNotFound
	} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		detail = what + ": connection closed early"
	}
	return &Error{Category: CategoryNetwork, Method: p.method, URL: p.redacted, Detail: detail, Err: ErrNetwork, permanent: permanent}
}

// lastColon keeps the text after the last ": " (the system error).
func lastColon(s string) string {
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// classify turns an error from http.Client.Do into an *Error. The
// *url.Error wrapper (which holds the full URL) is never kept.
func (e *Executor) classify(ctx context.Context, err error, p *prepared) *Error {
	if be, ok := errors.AsType[*blockedError](err); ok {
		return &Error{Category: CategoryBlocked, Method: p.method, URL: p.redacted, Detail: be.reason, Err: ErrBlocked}
	}
	if ue, ok := errors.AsType[*urlError](err); ok {
		return &Error{Category: CategoryInvalidURL, Method: p.method, URL: p.redacted, Detail: ue.reason, Err: ErrInvalidURL}
	}
	switch {
	case errors.Is(err, ErrTooManyRedirects):
		return &Error{Category: CategoryRedirect, Method: p.method, URL: p.redacted, Detail: fmt.Sprintf("stopped after %d redirects", e.cfg.maxRedirects), Err: ErrTooManyRedirects}
	case errors.Is(err, ErrRedirectLoop):
		return &Error{Category: CategoryRedirect, Method: p.method, URL: p.redacted, Detail: "redirect loop", Err: ErrRedirectLoop}
	case errors.Is(err, ErrRedirectOrigin):
		return &Error{Category: CategoryRedirect, Method: p.method, URL: p.redacted, Detail: "redirect of a " + p.method + " request to another origin refused", Err: ErrRedirectOrigin}
	case ctx.Err() != nil:
		return e.ctxError(ctx, p)
	}
	return e.networkError(err, p, "request failed")
}

// sensitiveHeaders are dropped on a redirect to another host or scheme.
var sensitiveHeaders = [...]string{"Authorization", "Proxy-Authorization", "Www-Authenticate", "Cookie", "Cookie2"}

// checkRedirect re-validates every hop (the dial guard re-checks the
// address), stops loops and over-cap chains, refuses to send a method other
// than GET or HEAD (a 307 or 308 keeps the method and the body) to another
// origin than the original one, and strips credentials and secret headers
// once the chain has left the original host and scheme.
func (e *Executor) checkRedirect(p *prepared) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if e.cfg.maxRedirects == 0 {
			return http.ErrUseLastResponse
		}
		if len(via) > e.cfg.maxRedirects {
			return ErrTooManyRedirects
		}
		target := req.URL.String()
		for _, v := range via {
			if v.URL.String() == target {
				return ErrRedirectLoop
			}
		}
		if err := checkURL(req.URL, e.guard); err != nil {
			return err
		}
		orig := via[0].URL
		left := !sameOrigin(req.URL, orig)
		if left && req.Method != http.MethodGet && req.Method != http.MethodHead {
			// A 307 or 308 asks to send the method and its body again, elsewhere: a
			// change meant for one service must not land on another (net/http turns
			// the other redirects of a POST into a GET without a body).
			return ErrRedirectOrigin
		}
		for _, v := range via[1:] {
			left = left || !sameOrigin(v.URL, orig)
		}
		if left {
			for _, h := range sensitiveHeaders {
				req.Header.Del(h)
			}
			for _, h := range p.secret {
				req.Header.Del(h)
			}
		}
		return nil
	}
}

// sameOrigin compares scheme, host name and port (default ports filled in).
func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && strings.EqualFold(a.Hostname(), b.Hostname()) && portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}
