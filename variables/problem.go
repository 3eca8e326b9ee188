package variables

import (
	"errors"
	"strconv"
	"strings"
)

// A Problem is one thing wrong with input that a host submitted: a template, an integration, a
// webhook source definition or a webhook payload. Every package of this module reports input
// problems in this one shape (template.Problem, integration.Problem and inbox.Problem are aliases
// of it), so a host shows them in one admin screen and one API error format.
//
// Path is the RFC 6901 JSON pointer of the offending field in the JSON encoding of the document
// the caller submitted, such as "/headers/2/value" or "/sections/3/items/0/format"; "" is the
// document itself. Code is stable and machine-readable (each package documents its codes).
// Message is an English sentence for people; it never contains a secret or a contact's value.
type Problem struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// String returns "path: message", with "/" for the document itself.
func (p Problem) String() string {
	path := p.Path
	if path == "" {
		path = "/"
	}
	return path + ": " + p.Message
}

// Problem codes of a [SyntaxError], by the reason it wraps.
const (
	CodeSyntax          = "syntax"             // a malformed placeholder
	CodeUnknownVariable = "unknown_variable"   // ErrUnknownName
	CodeHeaderOnly      = "header_only"        // ErrHeaderOnly
	CodeUnknownFilter   = "unknown_filter"     // ErrUnknownFilter
	CodePlacement       = "placement"          // ErrPlacement
	CodeInvalidArgument = "invalid_filter_arg" // a filter's CheckArg or Options.Validate refused it
)

// Problem returns the error as a [Problem] for the field at path (a JSON pointer the caller
// knows; the error itself knows only the offset in the field's text).
func (e *SyntaxError) Problem(path string) Problem {
	code := CodeSyntax
	switch {
	case e.Err == nil:
	case errors.Is(e.Err, ErrUnknownName):
		code = CodeUnknownVariable
	case errors.Is(e.Err, ErrHeaderOnly):
		code = CodeHeaderOnly
	case errors.Is(e.Err, ErrUnknownFilter):
		code = CodeUnknownFilter
	case errors.Is(e.Err, ErrPlacement):
		code = CodePlacement
	default:
		code = CodeInvalidArgument
	}
	return Problem{Path: path, Code: code, Message: "at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg}
}

// PointerToken escapes one reference token of a JSON pointer as RFC 6901 requires: "~" becomes
// "~0" and "/" becomes "~1". Append it to a pointer after a "/".
func PointerToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
