package integration

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNotFound reports that an integration, attachment or inbox does not exist, or belongs to
	// another team than the actor's: the two are indistinguishable on purpose. Stores return
	// it (possibly wrapped) for a missing record.
	ErrNotFound = errors.New("integration: not found")
	// ErrConflict reports an optimistic-concurrency failure: the integration was changed since
	// the caller read it (its Version is stale), or an ID being created already exists.
	ErrConflict = errors.New("integration: version conflict")
	// ErrForbidden reports that the actor is a member of the team but not an admin.
	ErrForbidden = errors.New("integration: admin role required")
	// ErrConfirmationRequired reports a live test run of a method other than GET without
	// TestRequest.ConfirmSend.
	ErrConfirmationRequired = errors.New("integration: live test of a non-GET method requires confirmation")
	// ErrNoSealer reports an integration with secret values on a Service without a Sealer.
	ErrNoSealer = errors.New("integration: secrets need a sealer")
	// ErrSealed reports a sealed value that no key of the Sealer opens, or that was tampered
	// with or moved to another integration.
	ErrSealed = errors.New("integration: sealed value cannot be opened")
)

// Problem is one validation problem: Path names the field, in the style headers[2].value or
// display.template/sections/1/items/0/value (a JSON pointer into the display template after the
// slash).
type Problem struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Problem codes.
const (
	CodeRequired        = "required"
	CodeInvalid         = "invalid"
	CodeBadMethod       = "bad_method"
	CodeBodyNotAllowed  = "body_not_allowed"
	CodeBadURL          = "bad_url"
	CodeOutOfRange      = "out_of_range"
	CodeSyntax          = "syntax"
	CodeUnknownVariable = "unknown_variable"
	CodeSecretPlacement = "secret_not_allowed_here"
	CodeInvalidJSON     = "invalid_json"
	CodeDuplicate       = "duplicate"
	CodeUndefinedSecret = "undefined_secret"
	// Problems inside the display template carry the template package's own codes.
)

// ValidationError lists every problem found in an integration. It never contains a secret value.
type ValidationError struct {
	Problems []Problem
}

// Error lists the number of problems and the first three, each as "path: message".
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "integration: %d validation problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteByte('s')
	}
	for i, p := range e.Problems {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-3)
			break
		}
		sep := ": "
		if i > 0 {
			sep = "; "
		}
		fmt.Fprintf(&b, "%s%s: %s", sep, p.Path, p.Message)
	}
	return b.String()
}
