package template

import (
	"errors"
	"fmt"
	"strings"
)

// Errors returned by [Template.Render] (wrapped; test with errors.Is). A
// caller shows ErrInvalidJSON as "invalid response" and ErrTooLarge and
// ErrTooDeep as "response too large".
var (
	ErrInvalidJSON = errors.New("template: invalid JSON")
	ErrTooLarge    = errors.New("template: input too large")
	ErrTooDeep     = errors.New("template: input nested too deeply")
)

// Problem is one reason a template definition was rejected by [Parse].
// Code is stable and machine-readable (see the package documentation for
// the list); Pointer is the RFC 6901 JSON pointer of the offending
// element, such as /sections/3/items/0/format; Message is for people.
type Problem struct {
	Code    string `json:"code"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

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
	fmt.Fprintf(&b, "template: invalid definition: %s: %s", pointerOrRoot(e.Problems[0].Pointer), e.Problems[0].Message)
	if n := len(e.Problems) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more)", n)
	}
	return b.String()
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
