package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/variables"
)

// Problem is one thing wrong with a request: the module's one problem shape, with Path a JSON
// pointer into the request body ("" for the body, or the request, as a whole).
type Problem = variables.Problem

// ProblemDetails is the RFC 9457 body of every error response (application/problem+json).
// Type is omitted ("about:blank"): Code is the stable, machine-readable reason, Title the
// HTTP status text, Detail a sentence for people, and Problems every field-level problem.
type ProblemDetails struct {
	Title    string    `json:"title"`
	Status   int       `json:"status"`
	Detail   string    `json:"detail,omitempty"`
	Code     string    `json:"code"`
	Problems []Problem `json:"problems,omitempty"`
}

// Error codes of ProblemDetails.
const (
	CodeUnauthenticated      = "unauthenticated"       // 401: the host's Identify refused the request
	CodeForbidden            = "forbidden"             // 403: the actor's role does not allow the operation
	CodeNotFound             = "not_found"             // 404: no such record for the actor's team, or no such route
	CodeMethodNotAllowed     = "method_not_allowed"    // 405
	CodeConflict             = "conflict"              // 409: the integration changed since the caller read it
	CodeTooLarge             = "too_large"             // 413: the body is over Options.MaxBodyBytes
	CodeUnsupportedMedia     = "unsupported_media"     // 415: a body that is not application/json
	CodeInvalidRequest       = "invalid_request"       // 400: malformed JSON, unknown fields, wrong types (see problems)
	CodeValidation           = "validation_failed"     // 422: the content is refused (see problems)
	CodeConfirmationRequired = "confirmation_required" // 422: a live non-GET test run without confirm_send; 428: an action run without confirmed
	CodeNotApplicable        = "not_applicable"        // 422: the action does not apply to the contact
	CodeSecrets              = "secrets_unavailable"   // 422: secrets need a sealer, or a stored one no longer opens
	CodeInternal             = "internal"              // 500: logged; nothing about it is shown
	CodeUnavailable          = "unavailable"           // 503: the request's context ended first
	CodeNotImplemented       = "not_implemented"       // 501: the host's executor cannot do this, or the server runs no event triggers
	CodeTemporary            = "temporary"             // 503 with Retry-After: report the event again later
)

// apiError is an error response the handlers decide themselves.
type apiError struct {
	status   int
	code     string
	detail   string
	problems []Problem
}

func (e *apiError) Error() string { return "httpapi: " + e.code + ": " + e.detail }

func badRequest(detail string, ps ...Problem) *apiError {
	return &apiError{http.StatusBadRequest, CodeInvalidRequest, detail, ps}
}

func invalid(detail string, ps ...Problem) *apiError {
	return &apiError{http.StatusUnprocessableEntity, CodeValidation, detail, ps}
}

var errNotFound = &apiError{http.StatusNotFound, CodeNotFound, "No such resource exists for your team.", nil}

// writeError answers err as a problem document. Errors the API does not know are logged with
// the operation and answered 500 without detail.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, op string, err error) {
	p := h.problemFor(r.Context(), op, err)
	writeProblem(w, p)
}

func (h *Handler) problemFor(ctx context.Context, op string, err error) *ProblemDetails {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, integration.ErrNotFound):
		ae = errNotFound
	case errors.Is(err, integration.ErrForbidden):
		ae = &apiError{http.StatusForbidden, CodeForbidden, "Only an admin of the team may do this.", nil}
	case errors.Is(err, integration.ErrConflict):
		ae = &apiError{http.StatusConflict, CodeConflict, "The integration was changed since you read it; load it again and reapply your edit.", nil}
	case errors.Is(err, integration.ErrConfirmationRequired):
		ae = &apiError{http.StatusUnprocessableEntity, CodeConfirmationRequired,
			"A live test of a method other than GET may change data upstream; set confirm_send to send it.",
			[]Problem{{Path: "/confirm_send", Code: CodeConfirmationRequired, Message: "must be true for a live test of this method"}}}
	case errors.Is(err, integration.ErrNoSealer), errors.Is(err, integration.ErrSealed):
		ae = &apiError{http.StatusUnprocessableEntity, CodeSecrets, "The integration's secrets cannot be stored or opened here; enter them again.", nil}
	case isValidation(err):
		ve, _ := errors.AsType[*integration.ValidationError](err)
		ae = invalid("The integration is invalid.", prefixed("", ve.Problems)...)
	case errors.Is(err, errors.ErrUnsupported):
		ae = &apiError{http.StatusNotImplemented, CodeNotImplemented, "The server's response cache cannot drop single responses.", nil}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		ae = &apiError{http.StatusServiceUnavailable, CodeUnavailable, "The request ran out of time.", nil}
	default:
		h.log.LogAttrs(ctx, slog.LevelError, "httpapi: request failed", slog.String("operation", op), slog.String("error", err.Error()))
		ae = &apiError{http.StatusInternalServerError, CodeInternal, "The request failed; the error is logged.", nil}
	}
	return &ProblemDetails{Title: http.StatusText(ae.status), Status: ae.status, Detail: ae.detail, Code: ae.code, Problems: ae.problems}
}

func isValidation(err error) bool {
	_, ok := errors.AsType[*integration.ValidationError](err)
	return ok
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, p *ProblemDetails) {
	b, err := json.Marshal(p)
	if err != nil { // a ProblemDetails always encodes; keep the status whatever happens
		b = []byte(`{"title":"Internal Server Error","status":500,"code":"internal"}`)
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/problem+json")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(append(b, '\n'))
}

// prefixed returns the problems with prefix (the JSON pointer of the submitted document in the
// request body) put before their paths. Every package reports problems as variables.Problem
// (integration.Problem and template.Problem are aliases of it), so one function serves all.
func prefixed(prefix string, in []variables.Problem) []Problem {
	out := make([]Problem, len(in))
	for i, p := range in {
		p.Path = prefix + p.Path
		out[i] = p
	}
	return out
}
