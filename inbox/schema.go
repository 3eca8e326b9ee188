package inbox

import _ "embed"

//go:embed source.schema.json
var sourceSchema string

// SourceSchema returns the JSON Schema (draft 2020-12) of a [Source]'s JSON
// encoding, for host editors and API validation. It describes the shape
// (keys, types, enums, required fields); [NewDecoder] remains the judge of
// a source's validity (it also compiles the activity templates and checks
// that the ids suffice). The caller owns the returned slice.
func SourceSchema() []byte { return []byte(sourceSchema) }
