package integration

import (
	"errors"
	"fmt"
	"strings"

	"github.com/inboxkit/inboxkit/variables"
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
	// TestRequest.ConfirmSend, or an action run without the confirmation it needs (a
	// [*ConfirmationError] wraps it).
	ErrConfirmationRequired = errors.New("integration: confirmation required")
	// ErrNoSealer reports an integration with secret values on a Service without a Sealer.
	ErrNoSealer = errors.New("integration: secrets need a sealer")
	// ErrSealed reports a sealed value that no key of the Sealer opens, or that was tampered
	// with or moved to another integration.
	ErrSealed = errors.New("integration: sealed value cannot be opened")
)

// Problem is one validation problem, in the shape every package of the module reports input
// problems in (see [variables.Problem]). Path is an RFC 6901 JSON pointer into the
// integration's JSON encoding: "/headers/2/value", "/query/0/name", "/cache_minutes",
// "/display/template/sections/1/items/0/value".
type Problem = variables.Problem

// Problem codes of this package. A placeholder that does not compile carries the codes of
// package variables ([variables.CodeSyntax], [variables.CodeUnknownVariable],
// [variables.CodeHeaderOnly] for a secret.NAME outside a header value, ...), and a problem inside
// the display template the codes of package template.
const (
	CodeRequired        = "required"
	CodeInvalid         = "invalid"
	CodeBadMethod       = "bad_method"
	CodeBodyNotAllowed  = "body_not_allowed"
	CodeBadURL          = "bad_url"
	CodeOutOfRange      = "out_of_range"
	CodeSyntax          = variables.CodeSyntax
	CodeUnknownVariable = variables.CodeUnknownVariable
	CodeDuplicate       = "duplicate"
	CodeUndefinedSecret = "undefined_secret"
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
