package template

import (
	"errors"
	"fmt"
	"strings"

	"github.com/inboxkit/inboxkit/variables"
)

// Errors returned by [Template.Render] (wrapped; test with errors.Is). A
// caller shows ErrInvalidJSON as "invalid response" and ErrTooLarge and
// ErrTooDeep as "response too large".
var (
	ErrInvalidJSON = errors.New("template: invalid JSON")
	ErrTooLarge    = errors.New("template: input too large")
	ErrTooDeep     = errors.New("template: input nested too deeply")
)

// Problem is one reason a template definition was rejected by [Parse]:
// the module's one shape of an input problem, [variables.Problem]. Path
// is the RFC 6901 JSON pointer of the offending element in the
// definition, such as /sections/3/items/0/format ("" for the whole
// document); Code is stable and machine-readable (see the package
// documentation for the list); Message is for people.
type Problem = variables.Problem

// ParseError is returned by [Parse]. It lists every problem found in the
// definition (at most [MaxProblems]), section by section in document
// order; within one object, in the order Parse checks its keys.
type ParseError struct {
	Problems []Problem
}

// MaxProblems is the maximum number of problems a [ParseError] lists.
const MaxProblems = 100

// Error summarizes the problems.
func (e *ParseError) Error() string {
	if len(e.Problems) == 0 {
		return "template: invalid definition"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "template: invalid definition: %s", e.Problems[0])
	if n := len(e.Problems) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more)", n)
	}
	return b.String()
}
