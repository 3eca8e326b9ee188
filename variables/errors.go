package variables

import (
	"errors"
	"strconv"
	"strings"
)

// ErrUndefined is wrapped by the error Expand returns when a Strict template references a
// variable that the Resolver does not define and that has no default filter.
var ErrUndefined = errors.New("variables: undefined variable")

// ErrInvalidHeaderValue is wrapped by the error Expand returns when a value expanded into a
// Header template contains CR, LF, NUL or another control character other than horizontal tab.
var ErrInvalidHeaderValue = errors.New("variables: invalid header value")

// ErrDotSegment is wrapped by the error Expand returns when the values expanded into a URL
// template would make a path segment, or a piece of one between decoded slashes or backslashes,
// "." or "..", which would change the path's structure once a server resolves it.
var ErrDotSegment = errors.New("variables: dot segment in url path")

// ErrEmptySegment is wrapped by the error Expand returns when the values expanded into a URL
// template without a host would leave its first path segment empty, turning "/{{a}}/b" into
// "//b", which names a host.
var ErrEmptySegment = errors.New("variables: empty first path segment in url without host")

// ErrFilter is wrapped by the error Expand returns when a filter fails on a value.
var ErrFilter = errors.New("variables: filter failed")

// Compile errors: a *SyntaxError from Compile wraps one of these when the template is
// well-formed but not allowed.
var (
	// ErrUnknownName: the template references a name that Options does not allow.
	ErrUnknownName = errors.New("variables: unknown variable")
	// ErrHeaderOnly: a name under Options.HeaderOnly is used in a target other than Header.
	ErrHeaderOnly = errors.New("variables: variable allowed only in headers")
	// ErrUnknownFilter: the template uses a filter that is neither built in nor in Options.Filters.
	ErrUnknownFilter = errors.New("variables: unknown filter")
	// ErrPlacement: a placeholder stands where the target does not allow one (URL scheme or host,
	// JSON object key, ...).
	ErrPlacement = errors.New("variables: placeholder not allowed here")
)

// A SyntaxError reports a template that Compile rejects. Offset is the byte offset in the source
// where the problem was found and Msg says what was expected. Err, when not nil, is the reason
// (ErrUnknownName, ErrUnknownFilter, ErrPlacement, ErrHeaderOnly or the error returned by
// Options.Validate or a filter's CheckArg) and is returned by Unwrap.
type SyntaxError struct {
	Offset int
	Msg    string
	Err    error
}

// Error returns "variables: offset N: msg".
func (e *SyntaxError) Error() string {
	return "variables: offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Unwrap returns e.Err.
func (e *SyntaxError) Unwrap() error { return e.Err }

// A ValueError reports a problem with one variable at expansion: the variable is undefined in a
// Strict template (Err wraps ErrUndefined), its value is not allowed in its position
// (ErrInvalidHeaderValue, ErrDotSegment, ErrEmptySegment) or a filter failed on it (ErrFilter).
// Its text names the variable, never its value.
type ValueError struct {
	Name string // the variable name, as written in the template
	Err  error
}

// Error returns "variables: variable NAME: reason".
func (e *ValueError) Error() string {
	reason := "invalid value"
	if e.Err != nil {
		reason = strings.TrimPrefix(e.Err.Error(), "variables: ")
	}
	return "variables: variable " + e.Name + ": " + reason
}

// Unwrap returns e.Err.
func (e *ValueError) Unwrap() error { return e.Err }
