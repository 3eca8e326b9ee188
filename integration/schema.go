package integration

import _ "embed"

//go:embed schema.json
var schemaJSON string // read-only

// Schema returns the JSON Schema (draft 2020-12) of an [Integration]'s JSON encoding: what a host
// stores and an admin's form edits. A host's editor builds its form from it and validates
// client-side; [Integration.Validate] remains authoritative (it also compiles the templates and
// checks variables and the display template, whose own schema is template.Schema). Each call
// returns a fresh copy.
func Schema() []byte {
	return []byte(schemaJSON)
}
