package integration

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/template"
)

// Status is the outcome of one card.
type Status string

// Card statuses.
const (
	// StatusOK: the card has data (Output or Raw). It may still carry an Error when the data is
	// a stale cached response served because the upstream failed (Stale is then true).
	StatusOK Status = "ok"
	// StatusError: the integration failed; Error says why.
	StatusError Status = "error"
	// StatusNotApplicable: a required variable is empty for this contact (see Missing); no
	// request was sent.
	StatusNotApplicable Status = "not_applicable"
)

// Category classifies a card's failure for the front end. The set may grow; a front end shows
// an unknown category as a generic failure.
type Category string

// Failure categories. Those of package httpexec with the same name pass through unchanged; its
// invalid_url becomes invalid_request, and its redirect and upstream_other become network.
const (
	CategoryTimeout         Category = "timeout"          // the upstream did not answer in time
	CategoryBlocked         Category = "blocked"          // the network policy refused the address
	CategoryNetwork         Category = "network"          // DNS, connection, TLS or HTTP failure
	CategoryRateLimited     Category = "rate_limited"     // HTTP 429
	CategoryUpstream4xx     Category = "upstream_4xx"     // another 4xx status
	CategoryUpstream5xx     Category = "upstream_5xx"     // a 5xx status
	CategoryInvalidResponse Category = "invalid_response" // the body is not JSON (or not decodable)
	CategoryTooLarge        Category = "too_large"        // the body is over the size or depth limit
	CategoryTemplate        Category = "template_error"   // the display template failed to render
	CategoryInvalidRequest  Category = "invalid_request"  // the contact's values do not fit the request (e.g. a line break in a header)
	CategoryConfiguration   Category = "configuration"    // the stored integration is invalid or its secrets do not open
	CategoryCanceled        Category = "canceled"         // the caller went away
	CategoryInternal        Category = "internal"         // anything else
)

// CardError is an agent-safe description of a failure: Message is a fixed sentence per category
// (plus the status code for HTTP errors), never an upstream body, URL, header or secret.
type CardError struct {
	Category Category `json:"category"`
	Message  string   `json:"message"`
}

// Card is one integration's part of a contact's profile sheet.
type Card struct {
	IntegrationID string `json:"integration_id"`
	Name          string `json:"name"`
	Status        Status `json:"status"`
	// Output is the rendered node tree (with its diagnostics) when display is enabled.
	Output *template.Output `json:"output,omitempty"`
	// Raw is the JSON response when display is disabled.
	Raw json.RawMessage `json:"raw,omitempty"`
	// Error is set for StatusError, and with StatusOK for a stale response.
	Error *CardError `json:"error,omitempty"`
	// Missing lists the empty required variables of a StatusNotApplicable card.
	Missing []string `json:"missing,omitempty"`
	// FromCache reports that the response came from the cache; Stale that it is past its
	// cache duration (served because the upstream failed).
	FromCache bool `json:"from_cache"`
	Stale     bool `json:"stale,omitempty"`
	// FetchedAt is when the response was received from the upstream (for a cached response,
	// when it was stored). Zero when nothing was fetched.
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	// Duration is how long producing this card took.
	Duration time.Duration `json:"duration_ns"`
}

// cardError maps err (from httpexec, template or this package) to a CardError.
func cardError(err error) *CardError {
	cat := categoryOf(err)
	msg := ""
	switch cat {
	case CategoryTimeout:
		msg = "The service did not respond in time."
	case CategoryBlocked:
		msg = "The service's address is not allowed."
	case CategoryNetwork:
		msg = "The service could not be reached."
	case CategoryRateLimited:
		msg = "The service is receiving too many requests (HTTP 429). Try again later."
	case CategoryUpstream4xx, CategoryUpstream5xx:
		what := "rejected the request"
		if cat == CategoryUpstream5xx {
			what = "failed"
		}
		msg = "The service " + what + "."
		if se, ok := errors.AsType[*httpexec.StatusError](err); ok {
			msg = "The service " + what + " (HTTP " + strconv.Itoa(se.StatusCode) + ")."
		}
	case CategoryInvalidResponse:
		msg = "The service returned a response that cannot be read."
	case CategoryTooLarge:
		msg = "The service's response is too large to display."
	case CategoryTemplate:
		msg = "The display template could not be rendered."
	case CategoryInvalidRequest:
		msg = "This contact's details cannot be sent to the service."
	case CategoryConfiguration:
		msg = "The integration is misconfigured. Ask an admin to check it."
	case CategoryCanceled:
		msg = "The request was canceled."
	default:
		cat = CategoryInternal
		msg = "The service could not be queried."
	}
	return &CardError{Category: cat, Message: msg}
}

// configError marks an error as a configuration problem.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// requestError marks a failure to build the request from the contact's values.
type requestError struct{ err error }

func (e *requestError) Error() string { return e.err.Error() }
func (e *requestError) Unwrap() error { return e.err }

func categoryOf(err error) Category {
	if _, ok := errors.AsType[*configError](err); ok {
		return CategoryConfiguration
	}
	if _, ok := errors.AsType[*requestError](err); ok {
		return CategoryInvalidRequest
	}
	switch {
	case errors.Is(err, template.ErrInvalidJSON):
		return CategoryInvalidResponse
	case errors.Is(err, template.ErrTooLarge), errors.Is(err, template.ErrTooDeep):
		return CategoryTooLarge
	case errors.Is(err, errRender):
		return CategoryTemplate
	}
	switch c := httpexec.CategoryOf(err); c {
	case httpexec.CategoryInvalidURL, httpexec.CategoryInvalidRequest:
		return CategoryInvalidRequest
	case httpexec.CategoryRedirect, httpexec.CategoryUpstreamOther:
		return CategoryNetwork
	default:
		return Category(c)
	}
}

// errRender wraps a display-template rendering failure that is not about the response's size or
// syntax.
var errRender = errors.New("integration: display template failed")
