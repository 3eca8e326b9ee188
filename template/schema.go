package template

import _ "embed"

//go:embed schema.json
var schemaJSON string // read-only

// Schema returns the JSON Schema (draft 2020-12) of the template format,
// for a host's visual editor to build forms from and to validate
// client-side. Parse remains authoritative: it also checks binding
// syntax, paths, URL placement and currency codes, which the schema
// describes but cannot express fully. Each call returns a fresh copy.
func Schema() []byte {
	return []byte(schemaJSON)
}
