package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/inboxkit/inboxkit/variables"
)

// schema is the subset of JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) that the API's
// document is written in. The zero schema accepts any JSON value.
type schema struct {
	Ref         string   `json:"$ref,omitempty"`
	Type        types    `json:"type,omitempty"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Format      string   `json:"format,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Const       string   `json:"const,omitempty"`
	Minimum     *int64   `json:"minimum,omitempty"`
	Maximum     *int64   `json:"maximum,omitempty"`
	ReadOnly    bool     `json:"readOnly,omitempty"`
	// Properties, Required and AdditionalProperties describe an object. A nil
	// AdditionalProperties allows none: every object the API reads or writes is closed.
	Properties           map[string]*schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties *schema            `json:"-"`
	// Items describes the elements of an array.
	Items *schema   `json:"items,omitempty"`
	OneOf []*schema `json:"oneOf,omitempty"`
}

// types is a schema's "type": one name, or several ("string", "null").
type types []string

func (t types) MarshalJSON() ([]byte, error) {
	if len(t) == 1 {
		return json.Marshal(t[0])
	}
	return json.Marshal([]string(t))
}

// MarshalJSON writes s with "additionalProperties": false on every object without an
// AdditionalProperties schema.
func (s *schema) MarshalJSON() ([]byte, error) {
	type plain schema // no methods: no recursion
	b, err := json.Marshal((*plain)(s))
	if err != nil || !s.isObject() {
		return b, err
	}
	var extra []byte
	if s.AdditionalProperties == nil {
		extra = []byte(`"additionalProperties":false`)
	} else if extra, err = json.Marshal(s.AdditionalProperties); err == nil {
		extra = append([]byte(`"additionalProperties":`), extra...)
	} else {
		return nil, err
	}
	if len(b) > 2 {
		extra = append(extra, ',')
	}
	return append(append([]byte{'{'}, extra...), b[1:]...), nil
}

func (s *schema) isObject() bool { return len(s.Type) == 1 && s.Type[0] == "object" }

// maxRequestDepth bounds the nesting of a request body.
const maxRequestDepth = 128

// Problem codes of request bodies, beyond those of the packages the API calls.
const (
	CodeInvalidJSON  = "invalid_json"  // the body is not one JSON value
	CodeUnknownField = "unknown_field" // a property the operation does not define
	CodeInvalidType  = "invalid_type"  // a value of the wrong JSON type
	CodeTooDeep      = "too_deep"      // nested deeper than the API reads
)

// errStop ends a walk at the first problem that makes the rest of the body unreadable.
var errStop = errors.New("httpapi: stop")

// checker walks a request body against the schema of its operation.
type checker struct {
	dec      *json.Decoder
	schemas  map[string]*schema
	problems []variables.Problem
}

// checkBody reports every unknown property and every value of a type the schema does not
// allow in body, each with its JSON pointer, or the one syntax error that stops the reading.
// Values the schema leaves open (a template, a sample response) are read but not checked.
func checkBody(body []byte, s *schema, schemas map[string]*schema) []variables.Problem {
	c := &checker{dec: json.NewDecoder(bytes.NewReader(body)), schemas: schemas}
	c.dec.UseNumber()
	if err := c.value(s, "", 0); err != nil {
		if !errors.Is(err, errStop) {
			c.syntax(err)
		}
		return c.problems
	}
	if _, err := c.dec.Token(); err != io.EOF {
		c.problems = append(c.problems, variables.Problem{Code: CodeInvalidJSON, Message: "the body holds more than one JSON value"})
	}
	return c.problems
}

func (c *checker) syntax(err error) {
	msg := "the body is not valid JSON"
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		msg += " (at offset " + strconv.FormatInt(se.Offset, 10) + ")"
	} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "the body ends before its JSON value does"
	}
	c.problems = append(c.problems, variables.Problem{Code: CodeInvalidJSON, Message: msg})
}

func (c *checker) resolve(s *schema) *schema {
	for s != nil && s.Ref != "" {
		s = c.schemas[strings.TrimPrefix(s.Ref, componentsPrefix)]
	}
	return s
}

// value reads one JSON value at path. A nil s accepts anything.
func (c *checker) value(s *schema, path string, depth int) error {
	if depth > maxRequestDepth {
		c.problems = append(c.problems, variables.Problem{Path: path, Code: CodeTooDeep, Message: "nested more than " + strconv.Itoa(maxRequestDepth) + " levels deep"})
		return errStop
	}
	s = c.resolve(s)
	tok, err := c.dec.Token()
	if err != nil {
		return err
	}
	var got string
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			got = "object"
		} else {
			got = "array"
		}
	case string:
		got = "string"
	case json.Number:
		got = "number"
		if !strings.ContainsAny(string(t), ".eE") {
			got = "integer"
		}
	case bool:
		got = "boolean"
	case nil:
		got = "null"
	}
	if s != nil && len(s.Type) > 0 && !allows(s.Type, got) {
		c.problems = append(c.problems, variables.Problem{Path: path, Code: CodeInvalidType,
			Message: "must be " + article(s.Type[0]) + ", not " + article(got)})
		s = nil // read the rest of the value without checking it
	}
	switch got {
	case "object":
		for c.dec.More() {
			kt, err := c.dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			kp := path + "/" + variables.PointerToken(key)
			var child *schema
			if s != nil {
				child = s.Properties[key]
				if child == nil && s.isObject() {
					child = s.AdditionalProperties
					if child == nil {
						c.problems = append(c.problems, variables.Problem{Path: kp, Code: CodeUnknownField, Message: "unknown field " + strconv.Quote(key)})
					}
				}
			}
			if err := c.value(child, kp, depth+1); err != nil {
				return err
			}
		}
		_, err = c.dec.Token()
	case "array":
		var items *schema
		if s != nil {
			items = s.Items
		}
		for i := 0; c.dec.More(); i++ {
			if err := c.value(items, path+"/"+strconv.Itoa(i), depth+1); err != nil {
				return err
			}
		}
		_, err = c.dec.Token()
	}
	return err
}

// allows reports whether a value of JSON type got fits the schema types ts.
func allows(ts types, got string) bool {
	for _, t := range ts {
		if t == got || t == "number" && got == "integer" {
			return true
		}
	}
	return false
}

func article(t string) string {
	switch t {
	case "object", "array", "integer":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}
