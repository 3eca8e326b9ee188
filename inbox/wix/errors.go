package wix

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// An Error is a non-2xx answer of Wix's API.
//
// 429 and 5xx answers unwrap to [inbox.ErrTemporary] (the inbox Syncer
// leaves the delivery retryable); every other status is permanent. Error()
// names the operation, the status, Wix's error code and the request field
// Wix objected to; it never contains request values (emails, phone
// numbers, message text), tokens or Wix's free-text description, which can
// echo them: that is in Description, for hosts that choose to log it.
type Error struct {
	// Op is the operation: "query contacts", "create contact",
	// "get or create conversation", "send message" or "token".
	Op string
	// StatusCode is the HTTP status Wix answered.
	StatusCode int
	// Code is Wix's application error code (such as
	// "DUPLICATE_CONTACT_EXISTS"), or for a validation error the rule the
	// field violated (such as "REQUIRED_FIELD"); empty if Wix gave none.
	Code string
	// Field is the request field of a validation error, such as
	// "message.direction"; empty otherwise.
	Field string
	// Description is Wix's message. It may contain request values.
	Description string
	// RetryAfter is the server's Retry-After, zero if none.
	RetryAfter time.Duration
	// RequestID is Wix's x-wix-request-id, for Wix support.
	RequestID string
	// data is the application error's data object.
	data json.RawMessage
}

// Error returns "wix: op: status N[: CODE][ (field F)]".
func (e *Error) Error() string {
	s := "wix: " + e.Op + ": status " + strconv.Itoa(e.StatusCode)
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	return s
}

// Temporary reports whether retrying later may succeed: 429 or 5xx.
func (e *Error) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// Unwrap returns [inbox.ErrTemporary] for a temporary error, nil otherwise.
func (e *Error) Unwrap() error {
	if e.Temporary() {
		return inbox.ErrTemporary
	}
	return nil
}

// errorBody is Wix's error document: an application error or a validation
// error with field violations (@wix/sdk-runtime's transform-error.d.ts).
type errorBody struct {
	Message string `json:"message"`
	Details struct {
		ApplicationError *struct {
			Code        string          `json:"code"`
			Description string          `json:"description"`
			Data        json.RawMessage `json:"data"`
		} `json:"applicationError"`
		ValidationError *struct {
			FieldViolations []struct {
				Field        string `json:"field"`
				Description  string `json:"description"`
				ViolatedRule string `json:"violatedRule"`
			} `json:"fieldViolations"`
		} `json:"validationError"`
	} `json:"details"`
}

func newError(op string, status int, h http.Header, body []byte) *Error {
	e := &Error{Op: op, StatusCode: status, RequestID: h.Get("X-Wix-Request-Id"), RetryAfter: retryAfter(h, time.Now())}
	var b errorBody
	if json.Unmarshal(body, &b) != nil {
		return e
	}
	e.Description = b.Message
	if ae := b.Details.ApplicationError; ae != nil {
		e.Code, e.data = validCode(ae.Code), ae.Data
		if ae.Description != "" {
			e.Description = ae.Description
		}
	}
	if ve := b.Details.ValidationError; ve != nil && len(ve.FieldViolations) > 0 {
		fv := ve.FieldViolations[0]
		e.Field, e.Code = validCode(fv.Field), validCode(fv.ViolatedRule)
		if fv.Description != "" {
			e.Description = fv.Description
		}
	}
	return e
}

// validCode keeps a code or field name that is short, printable ASCII
// without spaces, and drops anything else (it reaches logs and ledgers).
func validCode(s string) string {
	if len(s) > 128 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return ""
		}
	}
	return s
}
