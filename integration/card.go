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
	// StatusNotApplicable: the integration does not apply to this contact, and no request (or
	// no further step) was sent; Reason says why: a required variable is empty (see Missing),
	// the run condition does not hold, or a later step lacks a value from an earlier one.
	StatusNotApplicable Status = "not_applicable"
)

// Category classifies a card's failure for the front end. It is [httpexec.Category]: one list
// for the whole module. A card's failure in the upstream call carries the httpexec category as is
// (timeout, blocked, network, redirect, rate_limited, upstream_4xx, upstream_5xx,
// upstream_other, too_large, invalid_response, invalid_url, invalid_request, canceled,
// internal); this package adds the categories httpexec cannot produce ([CategoryTemplate],
// [CategoryConfiguration]) and uses httpexec's for its own cases of the same meaning: a response
// that is not JSON is [httpexec.CategoryInvalidResponse], one over the display template's size
// or depth limits [httpexec.CategoryTooLarge], a contact value that cannot be sent (a line break
// for a header) [httpexec.CategoryInvalidRequest]. The set may grow; a front end shows an
// unknown category as a generic failure.
type Category = httpexec.Category

// Failure categories only this package produces.
const (
	CategoryTemplate      Category = "template_error" // the display template failed to render
	CategoryConfiguration Category = "configuration"  // the stored integration is invalid or its secrets do not open
)

// CardError is an agent-safe description of a failure: Message is a fixed sentence per category
// (plus the status code for HTTP errors), never an upstream body, URL, header or secret.
type CardError struct {
	Category Category `json:"category"`
	Message  string   `json:"message"`
	// Step names the step that failed in a chained integration ([Step]; the integration's own
	// request is its EffectiveStepName), "" otherwise.
	Step string `json:"step,omitempty"`
}

// Card is one integration's part of a contact's profile sheet.
type Card struct {
	IntegrationID string `json:"integration_id"`
	Name          string `json:"name"`
	Status        Status `json:"status"`
	// Output is the rendered node tree (with its diagnostics) when display is enabled. It is
	// read-only: a card rendered from a cached response shares its Output with the other
	// loads of the same contact's card (see the package doc, Decisions), so a caller that
	// wants to change it (translate its texts, drop nodes) changes a copy from
	// [template.Output.Clone]. Reading it from any number of goroutines is safe.
	Output *template.Output `json:"output,omitempty"`
	// Raw is the JSON response when display is disabled.
	Raw json.RawMessage `json:"raw,omitempty"`
	// Error is set for StatusError, and with StatusOK for a stale response.
	Error *CardError `json:"error,omitempty"`
	// Reason says why a card is StatusNotApplicable: [ReasonMissingVariables],
	// [ReasonCondition] or [ReasonMissingStepValue].
	Reason string `json:"reason,omitempty"`
	// Missing lists the empty required variables (or the missing step values) of a
	// StatusNotApplicable card.
	Missing []string `json:"missing,omitempty"`
	// FromCache reports that the response came from the cache; Stale that it is past its
	// cache duration (served because the upstream failed).
	FromCache bool `json:"from_cache"`
	Stale     bool `json:"stale,omitempty"`
	// FetchedAt is when the response was received from the upstream (for a cached response,
	// when it was stored), on the Service's clock (Options.Now). Zero when nothing was
	// fetched. A front end shows it as "updated 5 min ago".
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	// Duration is how long producing this card took.
	Duration time.Duration `json:"duration_ns"`
	// Actions are the buttons of the integration's actions (see [Action]), on StatusOK cards
	// only (stale ones included): a card that failed or does not apply has none. The slice is
	// shared by every card of the same integration version and must not be modified.
	Actions []ActionButton `json:"actions,omitempty"`
}

// cardError maps err (from httpexec, template or this package) to a CardError.
func cardError(err error) *CardError {
	cat := categoryOf(err)
	msg := ""
	switch cat {
	case httpexec.CategoryTimeout:
		msg = "The service did not respond in time."
	case httpexec.CategoryBlocked:
		msg = "The service's address is not allowed."
	case httpexec.CategoryNetwork:
		msg = "The service could not be reached."
	case httpexec.CategoryRedirect:
		msg = "The service redirected the request too many times."
		if errors.Is(err, httpexec.ErrRedirectOrigin) {
			msg = "The service redirected the request to another server, where it was not sent."
		}
	case httpexec.CategoryRateLimited:
		msg = "The service is receiving too many requests (HTTP 429). Try again later."
	case httpexec.CategoryUpstream4xx, httpexec.CategoryUpstream5xx, httpexec.CategoryUpstreamOther:
		what := "rejected the request"
		switch cat {
		case httpexec.CategoryUpstream5xx:
			what = "failed"
		case httpexec.CategoryUpstreamOther:
			what = "gave an unexpected answer"
		}
		msg = "The service " + what + "."
		if se, ok := errors.AsType[*httpexec.StatusError](err); ok {
			msg = "The service " + what + " (HTTP " + strconv.Itoa(se.StatusCode) + ")."
		}
	case httpexec.CategoryInvalidResponse:
		msg = "The service returned a response that cannot be read."
	case httpexec.CategoryTooLarge:
		msg = "The service's response is too large to display."
	case CategoryTemplate:
		msg = "The display template could not be rendered."
	case httpexec.CategoryInvalidRequest, httpexec.CategoryInvalidURL:
		msg = "This contact's details cannot be sent to the service."
	case CategoryConfiguration:
		msg = "The integration is misconfigured. Ask an admin to check it."
	case httpexec.CategoryCanceled:
		msg = "The request was canceled."
	default:
		cat = httpexec.CategoryInternal
		msg = "The service could not be queried."
	}
	ce := &CardError{Category: cat, Message: msg}
	if se, ok := errors.AsType[*stepError](err); ok {
		ce.Step = se.step
	}
	return ce
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
		return httpexec.CategoryInvalidRequest
	}
	switch {
	case errors.Is(err, template.ErrInvalidJSON):
		return httpexec.CategoryInvalidResponse
	case errors.Is(err, template.ErrTooLarge), errors.Is(err, template.ErrTooDeep):
		return httpexec.CategoryTooLarge
	case errors.Is(err, errRender):
		return CategoryTemplate
	}
	return httpexec.CategoryOf(err)
}

// errRender wraps a display-template rendering failure that is not about the response's size or
// syntax.
var errRender = errors.New("integration: display template failed")
