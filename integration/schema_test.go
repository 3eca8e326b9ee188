package integration

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// schemaChecker validates JSON values against the subset of JSON Schema that schema.json uses:
// $ref to #/$defs, type, enum, properties, required, additionalProperties false, items,
// minimum, maximum, minLength, maxLength, maxItems and pattern; format is an annotation. An unknown
// keyword fails the test, so the checker cannot silently ignore part of the schema.
type schemaChecker struct{ root map[string]any }

func newSchemaChecker(t *testing.T) *schemaChecker {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(Schema(), &root); err != nil {
		t.Fatalf("Schema() is not JSON: %v", err)
	}
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Fatalf("$schema = %v, want draft 2020-12", root["$schema"])
	}
	return &schemaChecker{root}
}

func (c *schemaChecker) check(s map[string]any, v any, at string) error {
	for k := range s {
		switch k {
		case "$schema", "$id", "title", "description", "$defs", "format",
			"$ref", "type", "enum", "properties", "required", "additionalProperties", "items",
			"minimum", "maximum", "minLength", "maxLength", "pattern", "maxItems":
		default:
			return fmt.Errorf("%s: schema keyword %q not supported by the test checker", at, k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, _ := strings.CutPrefix(ref, "#/$defs/")
		def, ok := c.root["$defs"].(map[string]any)[name].(map[string]any)
		if !ok {
			return fmt.Errorf("%s: unresolved $ref %q", at, ref)
		}
		if err := c.check(def, v, at); err != nil {
			return err
		}
	}
	if typ, ok := s["type"]; ok {
		types, _ := typ.([]any)
		if name, ok := typ.(string); ok {
			types = []any{name}
		}
		if !slices.ContainsFunc(types, func(t any) bool { return hasType(v, t.(string)) }) {
			return fmt.Errorf("%s: %v is not of type %v", at, v, typ)
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		return fmt.Errorf("%s: %v is not one of %v", at, v, enum)
	}
	if str, ok := v.(string); ok {
		n := float64(len([]rune(str)))
		if min, ok := s["minLength"].(float64); ok && n < min {
			return fmt.Errorf("%s: shorter than %v", at, min)
		}
		if max, ok := s["maxLength"].(float64); ok && n > max {
			return fmt.Errorf("%s: longer than %v", at, max)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", at, str, p)
		}
	}
	if num, ok := v.(float64); ok {
		if min, ok := s["minimum"].(float64); ok && num < min {
			return fmt.Errorf("%s: %v below %v", at, num, min)
		}
		if max, ok := s["maximum"].(float64); ok && num > max {
			return fmt.Errorf("%s: %v above %v", at, num, max)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		for _, r := range required {
			if _, ok := obj[r.(string)]; !ok {
				return fmt.Errorf("%s: missing required %q", at, r)
			}
		}
		for k, val := range obj {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if s["additionalProperties"] == false {
					return fmt.Errorf("%s: unknown property %q", at, k)
				}
				continue
			}
			if err := c.check(ps, val, at+"/"+k); err != nil {
				return err
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if max, ok := s["maxItems"].(float64); ok && float64(len(arr)) > max {
			return fmt.Errorf("%s: more than %v items", at, max)
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, val := range arr {
				if err := c.check(items, val, fmt.Sprintf("%s/%d", at, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func hasType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "null":
		return v == nil
	}
	return false
}

// validate checks the JSON encoding of in against the schema.
func (c *schemaChecker) validate(t *testing.T, in any) error {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return c.check(c.root, v, "")
}

// readmeIntegration is the integration of the README's example.
func readmeIntegration() *Integration {
	return &Integration{
		Name:         "Customer Data",
		Method:       "GET",
		URL:          "https://api.mycrm.example/customers?email={{contact.email}}",
		Headers:      []Header{{Name: "Authorization", Value: "Bearer tok_123", Secret: true}},
		CacheMinutes: 15,
		Active:       true,
		Display: Display{Enabled: true, Template: json.RawMessage(`{"version": 1, "sections": [
		{"type": "keyvalue", "title": "Customer", "items": [
			{"label": "Tier", "value": "{{tier}}", "format": {"type": "badge"}},
			{"label": "Lifetime Value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}}]}]}`)},
	}
}

// The schema accepts the JSON encoding of valid integrations, as a host stores them and as the
// Service hands them out.
func TestSchemaAcceptsValidIntegrations(t *testing.T) {
	t.Parallel()
	c := newSchemaChecker(t)
	at := time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC)
	full := &Integration{
		ID: "int-1", TeamID: "team-a", Name: "Orders", Description: "Recent orders", Method: MethodPost,
		URL:               "https://shop.example.com/v1/customers/{{contact.id}}/orders",
		Headers:           []Header{{Name: "X-Api-Key", Value: "{{secret.key}}"}, {Name: "Authorization", Secret: true, Sealed: "v1.k1.abc"}},
		Query:             []QueryParam{{Name: "email", Value: "{{contact.email}}"}},
		Body:              `{"email":"{{contact.email}}"}`,
		CacheMinutes:      MaxCacheMinutes,
		Active:            true,
		RequiredVariables: []string{"contact.email", "contact.attributes.crm_id"},
		Secrets:           []Secret{{Name: "key", Sealed: "v1.k1.def"}},
		Actions: []Action{{
			Name: "refund", Label: "Refund", Method: MethodPost, URL: "https://shop.example.com/v1/refunds",
			Headers: []Header{{Name: "X-Api-Key", Value: "{{secret.key}}"}}, Query: []QueryParam{{Name: "c", Value: "{{contact.id}}"}},
			Body: `{"amount":"{{input.amount}}","reason":"{{input.reason}}","notify":"{{input.notify}}"}`,
			Fields: []ActionField{
				{Name: "amount", Label: "Amount", Type: FieldNumber, Required: true, Min: new(0.01), Max: new(500.0), Help: "In USD"},
				{Name: "reason", Label: "Reason", Type: FieldSelect, Options: []string{"damaged", "late"}, Default: "late"},
				{Name: "notify", Label: "Notify", Type: FieldBoolean},
			},
			Confirm: "Refund this order?", ResultPath: "refund.message",
		}, {Name: "lookup", Label: "Look up", Method: MethodGet, URL: "https://shop.example.com/v1/lookup/{{input.q}}",
			Fields: []ActionField{{Name: "q", Label: "Query", Type: FieldText, Required: true, MaxLength: 40}}}},
		Timeout: MaxTimeout,
		Version: 3, CreatedAt: at, UpdatedAt: at,
	}
	for name, in := range map[string]*Integration{
		"readme": readmeIntegration(), "readme view": readmeIntegration().view(), "stored": full,
		"view": full.view(), "minimal": {Name: "x", URL: "http://x.example.com"},
		"display off": {Name: "x", URL: "https://x.example.com", Display: Display{Template: json.RawMessage(`null`)}},
		"triggers": {Name: "x", URL: "https://x.example.com", Triggers: []Trigger{
			{Name: "shipped", On: EventConversationResolved, Text: `Order #{{id}} shipped — {{total | currency:"USD"}}`, Link: "https://shop.example.com/o/{{id}}", Icon: "truck"},
			{Name: "vip", On: EventConversationLabelAdded, Label: "VIP", Text: "VIP: {{name}}", Link: "{{url}}"},
		}},
	} {
		if err := in.Validate(); err != nil {
			t.Fatalf("%s: test integration is not valid: %v", name, err)
		}
		if err := c.validate(t, in); err != nil {
			t.Errorf("%s: the schema refuses a valid integration: %v", name, err)
		}
	}
}

// The schema refuses what Validate or the JSON decoding would: unknown or misspelled names,
// values out of range, a method or URL scheme that is not allowed.
func TestSchemaRefusesInvalidIntegrations(t *testing.T) {
	t.Parallel()
	c := newSchemaChecker(t)
	for _, doc := range []string{
		`{"name":"x","url":"https://x.example.com","triggers":[{"name":"t","on":"conversation.closed","text":"x"}]}`,
		`{"name":"x","url":"https://x.example.com","triggers":[{"name":"t","on":"conversation.resolved"}]}`,
		`{"name":"x","url":"https://x.example.com","triggers":[{"name":"t","on":"conversation.resolved","text":"x","link":"javascript:alert(1)"}]}`,
		`{"name":"x","url":"https://x.example.com","triggers":[{"name":"t","on":"conversation.resolved","text":"x","icon":"<svg>"}]}`,
		`{"name":"x","url":"https://x.example.com","triggers":[{"name":"t","on":"conversation.resolved","text":"x","when":"now"}]}`,
		`{"name":"x","url":"https://x.example.com","triggers":[{"on":"conversation.resolved","text":"x"}]}`,
		`{"name":"x","url":"https://x.example.com","triggers":[{"name":"Shipped","on":"conversation.resolved","text":"x"}]}`,
		`{"name":"x","url":"https://x.example.com","triggers":[{"name":"a/../b","on":"conversation.resolved","text":"x"}]}`,
		`{"name":"x","url":"https://x.example.com","cacheMinutes":5}`,
		`{"name":"x","url":"https://x.example.com","cache_minutes":1441}`,
		`{"name":"x","url":"https://x.example.com","method":"get"}`,
		`{"name":"x","url":"ftp://x.example.com"}`,
		`{"url":"https://x.example.com"}`,
		`{"name":"x","url":"https://x.example.com","headers":[{"name":"Bad Name","value":"v"}]}`,
		`{"name":"x","url":"https://x.example.com","headers":[{"name":"X","value":"v","Secret":true}]}`,
		`{"name":"x","url":"https://x.example.com","secrets":[{"name":"a b","value":"v"}]}`,
		`{"name":"x","url":"https://x.example.com","timeout_ms":60001}`,
		`{"name":"x","url":"https://x.example.com","required_variables":["contact.nope"]}`,
		`{"name":"x","url":"https://x.example.com","display":{"enabled":true,"template":"{}"}}`,
		`{"name":"x","url":"https://x.example.com","actions":[{"name":"Refund","label":"R","url":"https://x.example.com"}]}`,
		`{"name":"x","url":"https://x.example.com","actions":[{"name":"r","url":"https://x.example.com"}]}`,
		`{"name":"x","url":"https://x.example.com","actions":[{"name":"r","label":"R","url":"https://x.example.com","fields":[{"name":"a","label":"A","type":"money"}]}]}`,
		`{"name":"x","url":"https://x.example.com","actions":[{"name":"r","label":"R","url":"https://x.example.com","fields":[{"name":"a","label":"A","type":"number","min":"1"}]}]}`,
	} {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		if err := c.check(c.root, v, ""); err == nil {
			t.Errorf("the schema accepts %s", doc)
		}
	}
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// The schema's property names are the JSON encoding's, all snake_case: the names of the
// struct tags of the wire form and of the nested types, no more and no fewer.
func TestSchemaNamesMatchTheEncoding(t *testing.T) {
	t.Parallel()
	c := newSchemaChecker(t)
	defs := c.root["$defs"].(map[string]any)
	for _, tc := range []struct {
		schema map[string]any
		typ    reflect.Type
	}{
		{defs["trigger"].(map[string]any), reflect.TypeFor[Trigger]()},
		{c.root, reflect.TypeFor[jsonIntegration]()},
		{defs["header"].(map[string]any), reflect.TypeFor[Header]()},
		{defs["query_param"].(map[string]any), reflect.TypeFor[QueryParam]()},
		{defs["secret"].(map[string]any), reflect.TypeFor[Secret]()},
		{defs["display"].(map[string]any), reflect.TypeFor[Display]()},
		{defs["step"].(map[string]any), reflect.TypeFor[Step]()},
		{defs["action"].(map[string]any), reflect.TypeFor[Action]()},
		{defs["action_field"].(map[string]any), reflect.TypeFor[ActionField]()},
	} {
		var tags []string
		for f := range tc.typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				t.Errorf("%s.%s has no JSON name", tc.typ.Name(), f.Name)
				continue
			}
			if !snakeCase.MatchString(name) {
				t.Errorf("%s.%s encodes as %q, not snake_case", tc.typ.Name(), f.Name, name)
			}
			tags = append(tags, name)
		}
		var props []string
		for name := range tc.schema["properties"].(map[string]any) {
			props = append(props, name)
		}
		slices.Sort(tags)
		slices.Sort(props)
		if !slices.Equal(tags, props) {
			t.Errorf("%s: JSON names %v, schema properties %v", tc.typ.Name(), tags, props)
		}
	}
	// Everything the Integration's fields hold reaches the wire form: a field added to one but
	// not the other would be lost in a stored encoding.
	if n, m := reflect.TypeFor[Integration]().NumField(), reflect.TypeFor[jsonIntegration]().NumField(); n != m {
		t.Errorf("Integration has %d fields, its wire form %d", n, m)
	}
}

// The other JSON types of the package (what a host stores or returns) are snake_case too.
func TestJSONNamesAreSnakeCase(t *testing.T) {
	t.Parallel()
	for _, typ := range []reflect.Type{
		reflect.TypeFor[Trigger](), reflect.TypeFor[ConversationEvent](), reflect.TypeFor[Activity](),
		reflect.TypeFor[Attachment](), reflect.TypeFor[Inbox](), reflect.TypeFor[Contact](), reflect.TypeFor[Conversation](),
		reflect.TypeFor[Card](), reflect.TypeFor[CardError](), reflect.TypeFor[TestResult](), reflect.TypeFor[SentRequest](),
		reflect.TypeFor[Timing](), reflect.TypeFor[Attached](), reflect.TypeFor[Problem](),
		reflect.TypeFor[Step](), reflect.TypeFor[TestStep](), reflect.TypeFor[Variable](), reflect.TypeFor[FilterInfo](), reflect.TypeFor[Agent](),
		reflect.TypeFor[ActionButton](), reflect.TypeFor[ActionResult](), reflect.TypeFor[AuditEvent](),
	} {
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !snakeCase.MatchString(name) {
				t.Errorf("%s.%s encodes as %q, not snake_case", typ.Name(), f.Name, name)
			}
		}
	}
}

// Every variable Variables lists may be a required variable in the schema, as Validate accepts
// it: the schema's pattern follows the one list.
func TestSchemaRequiredVariablesFollowVariables(t *testing.T) {
	t.Parallel()
	c := newSchemaChecker(t)
	for _, v := range Variables() {
		name := v.Name
		if v.Prefix {
			name += "x"
		}
		doc := map[string]any{"name": "x", "url": "https://x.example.com", "required_variables": []any{name}}
		if err := c.check(c.root, doc, ""); (err == nil) != IsVariable(name) {
			t.Errorf("%s: schema says %v, IsVariable %v", name, err, IsVariable(name))
		}
	}
}
