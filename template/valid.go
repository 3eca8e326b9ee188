package template

// Validate reports whether data is exactly one valid JSON value (RFC 8259) nesting objects and
// arrays at most DefaultMaxDepth levels, as Render requires of its data: it returns nil,
// ErrTooDeep or ErrInvalidJSON. Like Render's own check it is iterative, so any input costs one
// linear scan and never the stack, and it allocates nothing.
//
// A caller that builds data for Render from several documents (integration's chained steps)
// checks each with it, to name the one at fault; it is several times faster than
// encoding/json's Valid (BenchmarkValidate).
func Validate(data []byte) error {
	return validate(data, DefaultMaxDepth)
}
