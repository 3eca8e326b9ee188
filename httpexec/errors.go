package httpexec

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// Category classifies an error for a user interface: a host maps each
// category to an agent-safe message ("the service is slow to answer", "the
// address is not allowed", ...). The set may grow; unknown categories should
// be shown as a generic failure.
type Category string

// The categories returned by [CategoryOf].
const (
	CategoryNone            Category = ""                 // no error
	CategoryInvalidRequest  Category = "invalid_request"  // bad method, header, timeout or body in the Request
	CategoryInvalidURL      Category = "invalid_url"      // unparsable URL, wrong scheme, userinfo, non-canonical IP spelling
	CategoryBlocked         Category = "blocked"          // the SSRF guard refused the destination
	CategoryTimeout         Category = "timeout"          // the execution or the caller's deadline passed
	CategoryCanceled        Category = "canceled"         // the caller's context was canceled
	CategoryNetwork         Category = "network"          // DNS, connect, TLS, reset, malformed HTTP
	CategoryTooLarge        Category = "too_large"        // the body exceeded MaxBodyBytes after decompression
	CategoryRedirect        Category = "redirect"         // redirect loop, more than MaxRedirects redirects, or a method other than GET or HEAD sent on to another origin
	CategoryInvalidResponse Category = "invalid_response" // undecodable Content-Encoding (corrupt gzip)
	CategoryRateLimited     Category = "rate_limited"     // status 429
	CategoryUpstream4xx     Category = "upstream_4xx"     // other 4xx status
	CategoryUpstream5xx     Category = "upstream_5xx"     // 5xx status
	CategoryUpstreamOther   Category = "upstream_other"   // 1xx or unfollowed 3xx status
	CategoryInternal        Category = "internal"         // an error that did not come from this package
)

// Sentinel errors wrapped by an [*Error]; test them with errors.Is.
var (
	ErrInvalidURL        = errors.New("httpexec: invalid URL")
	ErrBlocked           = errors.New("httpexec: destination not allowed")
	ErrBodyTooLarge      = errors.New("httpexec: response body too large")
	ErrTooManyRedirects  = errors.New("httpexec: too many redirects")
	ErrRedirectLoop      = errors.New("httpexec: redirect loop")
	ErrRedirectOrigin    = errors.New("httpexec: redirect to another origin refused")
	ErrInvalidResponse   = errors.New("httpexec: invalid response encoding")
	ErrInvalidRequest    = errors.New("httpexec: invalid request")
	ErrNetwork           = errors.New("httpexec: network error")
	errExecutionTimedOut = errors.New("httpexec: execution timed out")
)

// Error is the error returned by [Executor.Do] for everything except a
// non-2xx status (see [StatusError]). Its message names the method and the
// call as [Request.URLTemplate] (without its query) or, without a template,
// as the scheme and host of the URL: never the expanded path or query,
// where contact data lives, a header value or a body.
//
// Err is one of this package's sentinels ([ErrBlocked], [ErrBodyTooLarge],
// [ErrNetwork], ...), [context.Canceled] or [context.DeadlineExceeded], or,
// with [CategoryInternal], the host's [Cache] error behind a failed
// [Executor.Invalidate]; errors.Is works through it. The errors of net/http are never kept: their
// *url.Error carries the full URL, query included.
type Error struct {
	Category Category
	Method   string
	URL      string // Request.URLTemplate without query, or scheme://host of the URL
	Scope    Scope  // the request's scope: which team's integration, which version
	Attempts int
	Detail   string // a short redacted explanation, may be empty
	Err      error

	permanent bool // a network failure that a retry cannot fix (unknown host)
}

// Error returns "httpexec: METHOD URL: category: detail".
func (e *Error) Error() string {
	msg := "httpexec: "
	if e.Method != "" {
		msg += e.Method + " "
	}
	if e.URL != "" {
		msg += e.URL + ": "
	}
	msg += string(e.Category)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Attempts > 1 {
		msg += " (after " + strconv.Itoa(e.Attempts) + " attempts)"
	}
	return msg
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// StatusError reports a response whose status is not 2xx. [Executor.Do]
// returns it together with the response. Body holds at most the first 4 KiB
// of the response body; Error never includes it. Error pages often echo the
// request (an API key, a contact's email): treat Body like the response
// body, never log or show it unscrubbed.
type StatusError struct {
	StatusCode int
	Body       []byte
	Method     string
	URL        string // Request.URLTemplate without query, or scheme://host of the URL
	Scope      Scope  // the request's scope: which team's integration, which version
	Attempts   int
}

// maxStatusSnippet caps StatusError.Body.
const maxStatusSnippet = 4 << 10

// Error returns "httpexec: METHOD URL: status N".
func (e *StatusError) Error() string {
	if e.URL == "" {
		return fmt.Sprintf("httpexec: status %d", e.StatusCode)
	}
	return fmt.Sprintf("httpexec: %s %s: status %d", e.Method, e.URL, e.StatusCode)
}

// Category returns the category of the status code.
func (e *StatusError) Category() Category { return statusCategory(e.StatusCode) }

func statusCategory(code int) Category {
	switch {
	case code >= 200 && code < 300:
		return CategoryNone
	case code == 429:
		return CategoryRateLimited
	case code >= 400 && code < 500:
		return CategoryUpstream4xx
	case code >= 500 && code < 600:
		return CategoryUpstream5xx
	default:
		return CategoryUpstreamOther
	}
}

// CategoryOf returns the category of err: [CategoryNone] for nil, the
// category of an [*Error] or [*StatusError] found in err's chain,
// [CategoryTimeout] or [CategoryCanceled] for the context errors and
// [CategoryInternal] for anything else.
func CategoryOf(err error) Category {
	if err == nil {
		return CategoryNone
	}
	if se, ok := errors.AsType[*StatusError](err); ok {
		return se.Category()
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Category
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return CategoryTimeout
	case errors.Is(err, context.Canceled):
		return CategoryCanceled
	}
	return CategoryInternal
}
