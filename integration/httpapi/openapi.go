package httpapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/inboxkit/inboxkit/integration"
)

const componentsPrefix = "#/components/schemas/"

// document is the OpenAPI 3.1 description of the routes, built once by New from the route
// table. Only the servers entry depends on the request (the host's mount prefix).
type document struct {
	paths   map[string]map[string]*operation
	schemas map[string]*schema
	// integrationSchema is the Integration schema as a standalone JSON Schema document.
	integrationSchema []byte
}

type operation struct {
	OperationID string               `json:"operationId"`
	Summary     string               `json:"summary"`
	Description string               `json:"description,omitempty"`
	Tags        []string             `json:"tags"`
	Parameters  []parameter          `json:"parameters,omitempty"`
	RequestBody *requestBody         `json:"requestBody,omitempty"`
	Responses   map[string]*response `json:"responses"`
}

type parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Required    bool    `json:"required,omitempty"`
	Description string  `json:"description,omitempty"`
	Schema      *schema `json:"schema"`
}

type requestBody struct {
	Required bool                  `json:"required"`
	Content  map[string]*mediaType `json:"content"`
}

type response struct {
	Description string                `json:"description"`
	Content     map[string]*mediaType `json:"content,omitempty"`
}

type mediaType struct {
	Schema *schema `json:"schema"`
}

func ref(name string) *schema { return &schema{Ref: componentsPrefix + name} }

func newDocument(routes []*route) *document {
	d := &document{paths: map[string]map[string]*operation{}, schemas: components()}
	maps.Copy(d.schemas, eventSchemas())
	// Requests send an integration without the fields the server assigns or always answers.
	input := *d.schemas["Integration"]
	input.Description, input.Required = "An integration as an admin edits it: name and url are required; id, team_id and times are ignored.", []string{"name", "url"}
	d.schemas["IntegrationInput"] = &input
	for _, rt := range routes {
		op := &operation{OperationID: rt.op, Summary: rt.summary, Description: rt.description, Tags: []string{rt.tag},
			Responses: map[string]*response{}}
		for _, name := range pathParams(rt.path) {
			op.Parameters = append(op.Parameters, parameter{Name: name, In: "path", Required: true, Schema: &schema{Type: types{"string"}}})
		}
		for _, q := range rt.query {
			op.Parameters = append(op.Parameters, parameter{Name: q.name, In: "query", Description: q.description, Schema: q.schema})
		}
		if rt.body != "" {
			op.RequestBody = &requestBody{Required: true, Content: map[string]*mediaType{"application/json": {Schema: ref(rt.body)}}}
		}
		ok := &response{Description: http.StatusText(rt.ok)}
		switch {
		case rt.document:
			ok.Content = map[string]*mediaType{rt.media: {Schema: &schema{Type: types{"object"}, AdditionalProperties: &schema{}}}}
		case rt.result != "":
			ok.Content = map[string]*mediaType{cmpOr(rt.media, "application/json"): {Schema: ref(rt.result)}}
		}
		op.Responses[strconv.Itoa(rt.ok)] = ok
		statuses := rt.errors
		if !rt.anonymous {
			statuses = append([]int{401}, statuses...)
		}
		if rt.op == "receiveWebhook" {
			// The inbox handler answers its own errors as WebhookReply; only an unknown
			// source is a problem document.
			for _, s := range statuses {
				media, body := "application/json", ref("WebhookReply")
				if s == http.StatusNotFound || s == http.StatusMethodNotAllowed {
					media, body = "application/problem+json", ref("ProblemDetails")
				}
				op.Responses[strconv.Itoa(s)] = &response{Description: http.StatusText(s), Content: map[string]*mediaType{media: {Schema: body}}}
			}
			statuses = nil
		}
		for _, s := range append(statuses, 500) {
			op.Responses[strconv.Itoa(s)] = &response{Description: http.StatusText(s),
				Content: map[string]*mediaType{"application/problem+json": {Schema: ref("ProblemDetails")}}}
		}
		if d.paths[rt.path] == nil {
			d.paths[rt.path] = map[string]*operation{}
		}
		d.paths[rt.path][strings.ToLower(rt.method)] = op
	}
	d.integrationSchema = standalone("IntegrationInput", d.schemas)
	return d
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// pathParams returns the wildcard names of a ServeMux pattern's path.
func pathParams(path string) []string {
	var names []string
	for seg := range strings.SplitSeq(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, strings.TrimSuffix(seg[1:len(seg)-1], "..."))
		}
	}
	return names
}

// marshal encodes the document for a Handler mounted at prefix ("" for the root).
func (d *document) marshal(prefix string) ([]byte, error) {
	doc := struct {
		OpenAPI           string                           `json:"openapi"`
		JSONSchemaDialect string                           `json:"jsonSchemaDialect"`
		Info              map[string]any                   `json:"info"`
		Servers           []map[string]string              `json:"servers"`
		Tags              []map[string]string              `json:"tags"`
		Paths             map[string]map[string]*operation `json:"paths"`
		Components        map[string]map[string]*schema    `json:"components"`
	}{
		OpenAPI:           "3.1.0",
		JSONSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
		Info: map[string]any{"title": "inboxkit HTTP API", "version": "0.1.0",
			"license": map[string]string{"name": "Apache-2.0", "identifier": "Apache-2.0"},
			"description": "Contact integrations, their inbox attachments, test runs, display templates and profile cards. " +
				"Identity comes from the host application; every error is an RFC 9457 problem document (application/problem+json) " +
				"whose problems name each offending field by a JSON pointer into the request body. Request bodies are application/json, " +
				"decoded strictly: an unknown field is an error."},
		Servers: []map[string]string{{"url": cmpOr(prefix, "/")}},
		Tags: []map[string]string{
			{"name": "integrations", "description": "The team's integrations (admins edit, members read)."},
			{"name": "attachments", "description": "Which integrations show in which inbox, in which order."},
			{"name": "catalog", "description": "Ready-made integrations for well-known services."},
			{"name": "templates", "description": "The template editor: validate, preview, presets, suggestions, schemas."},
			{"name": "profile", "description": "A contact's cards in an inbox, and the response cache."},
			{"name": "events", "description": "Conversation events the host reports: event triggers post activities into conversations."},
			{"name": "webhooks", "description": "Deliveries of inbox sources."},
			{"name": "meta", "description": "This document."},
		},
		Paths:      d.paths,
		Components: map[string]map[string]*schema{"schemas": d.schemas},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}

// mountPrefix returns the path the Handler is mounted at, from the request for
// /openapi.json: http.StripPrefix keeps the original RequestURI.
func mountPrefix(r *http.Request) string {
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		return ""
	}
	p, ok := strings.CutSuffix(u.EscapedPath(), "/openapi.json")
	if !ok {
		return ""
	}
	return p
}

// standalone returns the component name as a JSON Schema document of its own, with the
// components it refers to under $defs.
func standalone(name string, schemas map[string]*schema) []byte {
	defs := map[string]*schema{}
	var collect func(s *schema)
	collect = func(s *schema) {
		if s == nil {
			return
		}
		if n, ok := strings.CutPrefix(s.Ref, componentsPrefix); ok {
			if _, seen := defs[n]; !seen {
				defs[n] = schemas[n]
				collect(schemas[n])
			}
		}
		for _, p := range s.Properties {
			collect(p)
		}
		collect(s.Items)
		collect(s.AdditionalProperties)
		for _, o := range s.OneOf {
			collect(o)
		}
	}
	collect(ref(name))
	b, _ := json.Marshal(map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$ref":    "#/$defs/" + name,
		"$defs":   defs,
	})
	// The components refer to each other as OpenAPI components; here they are $defs.
	return []byte(strings.ReplaceAll(string(b), `"`+componentsPrefix, `"#/$defs/`))
}

// Schema helpers: the components below read as a table.
func str(desc string) *schema     { return &schema{Type: types{"string"}, Description: desc} }
func integer(desc string) *schema { return &schema{Type: types{"integer"}, Description: desc} }
func number(desc string) *schema  { return &schema{Type: types{"number"}, Description: desc} }
func boolean(desc string) *schema { return &schema{Type: types{"boolean"}, Description: desc} }
func array(items *schema) *schema { return &schema{Type: types{"array"}, Items: items} }
func anyJSON(desc string) *schema { return &schema{Description: desc} }
func dateTime(desc string) *schema {
	return &schema{Type: types{"string"}, Format: "date-time", Description: desc}
}
func enum(desc string, values ...string) *schema {
	return &schema{Type: types{"string"}, Enum: values, Description: desc}
}
func stringMap(v *schema) *schema { return &schema{Type: types{"object"}, AdditionalProperties: v} }
func int64p(n int64) *int64       { return &n }

// object returns an object schema; required names the properties always present.
func object(desc string, required []string, props map[string]*schema) *schema {
	return &schema{Type: types{"object"}, Description: desc, Required: required, Properties: props}
}

func readOnly(s *schema) *schema { s.ReadOnly = true; return s }

// components returns the schemas of every body.
func components() map[string]*schema {
	cacheMinutes := integer("How long a successful response is cached, in minutes; 0 disables caching.")
	cacheMinutes.Minimum, cacheMinutes.Maximum = int64p(0), int64p(integration.MaxCacheMinutes)
	timeout := integer("Timeout of one run in milliseconds; 0 is the executor's default.")
	timeout.Minimum, timeout.Maximum = int64p(0), int64p(integration.MaxTimeout.Milliseconds())
	value := str("A secret's value: write-only, answered as \"" + integration.Redacted + "\". Send it redacted or empty to keep the stored value.")
	return map[string]*schema{
		"Integration": object("A team-level HTTP call whose JSON response shows on contacts' profiles. Secret values are write-only.",
			[]string{"name", "method", "url", "cache_minutes", "active", "display", "version"}, map[string]*schema{
				"id":                 readOnly(str("Assigned on create.")),
				"team_id":            readOnly(str("The owning team.")),
				"name":               str("The card title agents see."),
				"description":        str("Free text for admins."),
				"method":             enum("The HTTP method; empty means GET.", "", "GET", "POST", "PUT", "PATCH", "DELETE"),
				"url":                str("An absolute http(s) URL template with {{variables}}."),
				"headers":            array(ref("Header")),
				"query":              array(ref("QueryParam")),
				"body":               str("A JSON document template sent with POST, PUT and PATCH."),
				"cache_minutes":      cacheMinutes,
				"active":             boolean("Whether the integration runs on profile loads."),
				"display":            ref("Display"),
				"triggers":           array(ref("Trigger")),
				"required_variables": array(str("A variable such as contact.email without which the card is not applicable.")),
				"condition": {Type: types{"object", "null"}, Description: "A run condition in the display templates' condition language over contact, conversation, inbox, agent and team, " +
					`e.g. {"path": "contact.attributes.plan", "op": "eq", "value": "vip"}; when it does not hold the card is not applicable (reason condition_not_met).`},
				"step_name":  str("The name of the integration's own request for its steps and display template (steps.NAME); absent means main."),
				"steps":      array(ref("Step")),
				"actions":    array(ref("Action")),
				"secrets":    array(ref("Secret")),
				"timeout_ms": timeout,
				"version":    integer("Changes on every saved edit; send the version you edited with an update."),
				"created_at": readOnly(dateTime("")),
				"updated_at": readOnly(dateTime("")),
			}),
		"Header": object("A request header. A secret header's value is a literal credential, write-only.", []string{"name", "value"}, map[string]*schema{
			"name": str(""), "value": str("A template, or for a secret header the credential (answered redacted)."), "secret": boolean("Marks the value as a credential."),
		}),
		"Step": object("A further request of a chained integration; it reads earlier responses as {{steps.NAME.body.PATH}}. With steps the display template renders {\"steps\": {NAME: {\"body\": ...}}}.",
			[]string{"name", "url"}, map[string]*schema{
				"name":               str("Unique in the integration: 1 to 32 lower-case letters, digits or '_', starting with a letter."),
				"method":             enum("The HTTP method; absent means GET.", "GET", "POST", "PUT", "PATCH", "DELETE"),
				"url":                str("An absolute http(s) URL template."),
				"headers":            array(ref("Header")),
				"query":              array(ref("QueryParam")),
				"body":               str("A JSON document template sent with POST, PUT and PATCH."),
				"show_earlier_steps": boolean("When a value this step needs is missing, show the earlier steps instead of a not-applicable card."),
			}),
		"Action": object("A button on the integration's card that runs a request for the contact in view (runAction); its templates also read {{input.NAME}}.",
			[]string{"name", "label", "url"}, map[string]*schema{
				"name":        str("Unique in the integration: 1 to 32 lower-case letters, digits or '_', starting with a letter."),
				"label":       str("The button's text, 1 to 64 characters."),
				"method":      enum("The HTTP method; absent means POST. Non-GET actions always ask for confirmation and are never retried.", "GET", "POST", "PUT", "PATCH", "DELETE"),
				"url":         str("An absolute http(s) URL template."),
				"headers":     array(ref("Header")),
				"query":       array(ref("QueryParam")),
				"body":        str("A JSON document template sent with POST, PUT and PATCH."),
				"fields":      array(ref("ActionField")),
				"confirm":     str("The confirmation prompt; absent, a non-GET action asks: Run \"LABEL\" for this contact?"),
				"result_path": str("A path into the JSON response (display-template binding syntax) to the message the agent sees."),
			}),
		"ActionField": object("A value the agent enters before an action runs, read as {{input.NAME}}.", []string{"name", "label", "type"}, map[string]*schema{
			"name":       str("Unique in the action."),
			"label":      str(""),
			"type":       enum("", "text", "textarea", "number", "email", "phone", "date", "select", "boolean"),
			"required":   boolean(""),
			"options":    array(str("")),
			"max_length": integer("Text and textarea: the longest value in characters; 0 means 255 (text) or 2000 (textarea)."),
			"min":        number("Number: the smallest value."),
			"max":        number("Number: the largest value."),
			"default":    str("The value of a missing or empty input."),
			"help":       str(""),
		}),
		"ActionButton": object("What a front end draws for an action: never its URL, headers or body.", []string{"name", "label", "method"}, map[string]*schema{
			"name":    str(""),
			"label":   str(""),
			"method":  str(""),
			"confirm": str("The prompt the agent must accept before the action runs (send confirmed); absent when it runs at once."),
			"fields":  array(ref("ActionField")),
		}),
		"ActionRequest": object("", nil, map[string]*schema{
			"conversation_id": str("The conversation the profile is opened from."),
			"inputs":          stringMap(str("A value the agent entered, by field name.")),
			"confirmed":       boolean("The agent accepted the action's confirmation prompt."),
		}),
		"ActionResult": object("The outcome of an action that ran.", []string{"status", "http_status", "message", "duration_ns"}, map[string]*schema{
			"status":      enum("", "ok", "failed"),
			"http_status": integer("The upstream's status; 0 when nothing came back."),
			"message":     str("For the agent: the text at the action's result path in the response, or a default sentence."),
			"error":       ref("CardError"),
			"duration_ns": integer(""),
		}),
		"QueryParam": object("A query parameter; the value is a template.", []string{"name", "value"}, map[string]*schema{"name": str(""), "value": str("")}),
		"Secret":     object("A named credential referenced as {{secret.NAME}} from header values.", []string{"name", "value"}, map[string]*schema{"name": str(""), "value": value}),
		"Display": object("How the response is shown.", []string{"enabled"}, map[string]*schema{
			"enabled":  boolean("Render the response with the template; otherwise cards carry the raw JSON."),
			"template": anyJSON("A display template (see getTemplateSchema)."),
		}),
		"IntegrationList": object("", []string{"integrations"}, map[string]*schema{"integrations": array(ref("Integration"))}),
		"Attachment": object("An integration attached to an inbox.", []string{"integration_id", "inbox_id", "enabled", "position"}, map[string]*schema{
			"integration_id": str(""), "inbox_id": str(""), "enabled": boolean(""), "position": integer("Cards are ordered by position, smallest first."),
		}),
		"Attached": object("", []string{"attachment", "integration"}, map[string]*schema{"attachment": ref("Attachment"), "integration": ref("Integration")}),
		"AttachmentList": object("An inbox's integrations in card order, enabled or not.", []string{"inbox_id", "attachments"}, map[string]*schema{
			"inbox_id": str(""), "attachments": array(ref("Attached")),
		}),
		"AttachRequest":  object("", nil, map[string]*schema{"position": integer("The card's position; if omitted, last.")}),
		"EnabledRequest": object("", []string{"enabled"}, map[string]*schema{"enabled": boolean("")}),
		"ReorderRequest": object("", []string{"integration_ids"}, map[string]*schema{"integration_ids": array(str(""))}),
		"Contact": object("The values of the contact.* variables.", nil, map[string]*schema{
			"id": str(""), "name": str(""), "email": str(""), "phone_number": str(""), "attributes": stringMap(str("")),
		}),
		"Conversation": object("The values of the conversation.* variables.", nil, map[string]*schema{
			"id": str(""), "subject": str(""), "status": str("As the helpdesk names it, e.g. open."), "channel": str("e.g. email."),
			"assignee_id": str("The agent the conversation is assigned to."), "labels": array(str("")),
		}),
		"Agent":       object("The values of the agent.* variables: the user viewing the profile.", nil, map[string]*schema{"id": str(""), "name": str(""), "email": str("")}),
		"SampleTeam":  object("The values of team.name and team.time_zone (team.id is the acting team's).", nil, map[string]*schema{"name": str(""), "time_zone": str("An IANA time zone; now is given in it. UTC if omitted.")}),
		"SampleInbox": object("The values of the inbox.* variables.", nil, map[string]*schema{"id": str(""), "name": str("")}),
		"TestRequest": object("A test run from the Testing tab.", []string{"integration"}, map[string]*schema{
			"integration":  ref("IntegrationInput"),
			"contact":      ref("Contact"),
			"conversation": ref("Conversation"),
			"inbox":        ref("SampleInbox"),
			"agent":        ref("Agent"),
			"team":         ref("SampleTeam"),
			"live":         boolean("Send the request; otherwise only expand it (a dry run)."),
			"confirm_send": boolean("Required for a live run of a method other than GET."),
			"action":       str("Test the integration's action of this name instead of its own request; the preview is the message the agent would see."),
			"inputs":       stringMap(str("With action: a value the agent would enter, by field name; invalid ones are 422 at /inputs/NAME.")),
		}),
		"SentRequest": object("The request as sent, secret values redacted.", []string{"method", "url", "header"}, map[string]*schema{
			"method": str(""), "url": str(""), "header": stringMap(array(str(""))), "body": str(""),
		}),
		"Timing": object("Where a live run's time went, in nanoseconds.", []string{"dns_ns", "connect_ns", "tls_ns", "first_byte_ns"}, map[string]*schema{
			"dns_ns": integer(""), "connect_ns": integer(""), "tls_ns": integer(""), "first_byte_ns": integer(""),
		}),
		"TestResult": object("The outcome of a test run; every secret value is redacted.", []string{"request", "sent", "success", "timing"}, map[string]*schema{
			"request":        ref("SentRequest"),
			"sent":           boolean(""),
			"success":        boolean(""),
			"reason":         str("Set when a profile load with this sample would give a not-applicable card (condition_not_met, missing_variables); a live run then sends nothing."),
			"missing":        array(str("A required variable the sample leaves empty.")),
			"status_code":    integer(""),
			"header":         stringMap(array(str(""))),
			"body":           str("The response body, capped."),
			"body_truncated": boolean(""),
			"duration_ns":    integer(""),
			"timing":         ref("Timing"),
			"attempts":       integer(""),
			"error":          ref("CardError"),
			"detail":         str("The technical reason, for admins."),
			"steps":          array(ref("TestStep")),
			"preview":        ref("Output"),
			"activities":     array(ref("Activity")),
		}),
		"TestStep": object("A further step of a chained integration's test run: in a live run each step reached, with its request and response; in a dry run only its name.", []string{"name", "request", "sent"}, map[string]*schema{
			"name":           str(""),
			"request":        ref("SentRequest"),
			"sent":           boolean(""),
			"missing":        array(str("A value from an earlier step that is missing.")),
			"status_code":    integer(""),
			"header":         stringMap(array(str(""))),
			"body":           str("The response body, capped."),
			"body_truncated": boolean(""),
			"duration_ns":    integer(""),
			"error":          ref("CardError"),
			"detail":         str("The technical reason, for admins."),
		}),
		"Trigger": object("Runs the integration on a conversation event the host reports and posts a one-line activity into the conversation.",
			[]string{"name", "on", "text"}, map[string]*schema{
				"name":  str("Unique in the integration: 1 to 32 lower-case letters, digits or '_', starting with a letter. It keys the trigger's activities, so it stays the same while triggers are inserted, removed or reordered."),
				"on":    enum("The event.", integration.EventTypes()...),
				"label": str("conversation.label_added only: run only for this label (case-insensitive); empty means any."),
				"text":  str("The activity line: bindings over the response as in display templates, with formatting filters such as {{total | currency:\"USD\"}}."),
				"link":  str("An http(s) link; a binding may supply the whole link ({{order.url}}) but not the scheme or host of a longer one."),
				"icon":  str("An icon name for the host's timeline."),
			}),
		"Activity": object("What a trigger would post (a test run shows one per trigger, without a key).", []string{"integration_id", "trigger", "key", "status", "from_cache"}, map[string]*schema{
			"integration_id": str(""),
			"trigger":        str("The trigger's name."),
			"key":            str("The idempotency key of the activity for an event (integration id, trigger name and event id); empty in a test run."),
			"status":         enum("", "ok", "not_applicable", "error"),
			"text":           str("The rendered line, cleaned, at most 500 characters."),
			"link":           str(""),
			"icon":           str(""),
			"reason":         str("Why a not-applicable activity posts nothing: condition_not_met, missing_variables, missing_step_value, empty_text."),
			"missing":        array(str("")),
			"error":          ref("CardError"),
			"from_cache":     boolean(""),
			"occurred_at":    dateTime(""),
		}),
		"CardError": object("An agent-safe failure.", []string{"category", "message"}, map[string]*schema{
			"category": str("timeout, blocked, network, rate_limited, upstream_4xx, upstream_5xx, invalid_response, too_large, template_error, invalid_request, configuration, canceled, internal; the set may grow."),
			"message":  str(""),
			"step":     str("The step of a chained integration that failed."),
		}),
		"Card": object("One integration's part of a profile.", []string{"integration_id", "name", "status", "from_cache", "duration_ns"}, map[string]*schema{
			"integration_id": str(""),
			"name":           str(""),
			"status":         enum("", "ok", "error", "not_applicable", "loading"),
			"output":         ref("Output"),
			"raw":            anyJSON("The JSON response, when display is off."),
			"error":          ref("CardError"),
			"reason":         str("Why a card is not applicable: condition_not_met, missing_variables, missing_step_value; the set may grow."),
			"missing":        array(str("")),
			"from_cache":     boolean(""),
			"stale":          boolean(""),
			"fetched_at":     dateTime(""),
			"duration_ns":    integer(""),
			"actions":        array(ref("ActionButton")),
		}),
		"Output": object("A rendered node tree.", []string{"version", "nodes"}, map[string]*schema{
			"version": integer(""), "nodes": array(ref("Node")), "diagnostics": array(ref("Diagnostic")),
		}),
		"Node": object("One element of the tree; plain text, never HTML.", []string{"type"}, map[string]*schema{
			"type": str(""), "title": str(""), "text": str(""), "style": str(""), "href": str("A URL that passed the scheme allow-list."),
			"width": integer(""), "height": integer(""), "value": ref("Value"), "items": array(ref("Item")),
			"columns": array(str("")), "rows": array(array(ref("Value"))), "children": array(ref("Node")),
			"shown": integer(""), "total": integer(""),
		}),
		"Item": object("", []string{"label", "value"}, map[string]*schema{"label": str(""), "value": ref("Value")}),
		"Value": object("A rendered value: display text, raw JSON value and kind.", []string{"text", "kind"}, map[string]*schema{
			"text": str(""), "raw": anyJSON(""), "kind": str(""), "tone": str(""), "href": str(""), "currency": str(""),
		}),
		"Diagnostic": object("Something that rendered incompletely.", []string{"code", "pointer", "message"}, map[string]*schema{
			"code": str(""), "pointer": str(""), "message": str(""), "count": integer(""),
		}),
		"TemplateRequest": object("", []string{"template"}, map[string]*schema{
			"template":  anyJSON("A template definition."),
			"sample":    anyJSON("The API response to render (previewTemplate)."),
			"now":       dateTime("The time relative dates are measured from."),
			"time_zone": str("An IANA time zone for dates; UTC if omitted."),
		}),
		"ValidationResult": object("", []string{"valid", "problems"}, map[string]*schema{"valid": boolean(""), "problems": array(ref("Problem"))}),
		"PreviewResult":    object("", []string{"output"}, map[string]*schema{"output": ref("Output")}),
		"Preset": object("A ready-made template with sample data.", []string{"name", "title", "description", "template", "sample"}, map[string]*schema{
			"name": str(""), "title": str(""), "description": str(""), "template": anyJSON(""), "sample": anyJSON(""),
		}),
		"PresetList":     object("", []string{"presets"}, map[string]*schema{"presets": array(ref("Preset"))}),
		"SuggestRequest": object("", []string{"sample"}, map[string]*schema{"sample": anyJSON("A sample API response.")}),
		"SuggestResult":  object("", []string{"template"}, map[string]*schema{"template": anyJSON("A template definition.")}),
		"Profile":        object("A contact's cards in attachment order.", []string{"cards"}, map[string]*schema{"cards": array(ref("Card"))}),
		"RefreshRequest": object("", nil, map[string]*schema{
			"integration_id": str("Refresh this card only; every card if omitted."), "conversation_id": str(""),
		}),
		"InvalidateRequest": object("Either integration_id alone (every response of the integration; admins only), or inbox_id and contact_id (that contact's responses; with integration_id, of that card only).", nil, map[string]*schema{
			"integration_id": str(""), "inbox_id": str(""), "contact_id": str(""),
		}),
		"CardsEvent": object("Event \"cards\": every card to come, status loading.", []string{"cards"}, map[string]*schema{"cards": array(ref("Card"))}),
		"CardEvent": object("Event \"card\": a finished card and its index in the cards event.", []string{"index", "card"}, map[string]*schema{
			"index": integer(""), "card": ref("Card"),
		}),
		"DoneEvent": object("Event \"done\": the stream ends.", []string{"cards"}, map[string]*schema{"cards": integer("How many card events were sent.")}),
		"ProfileEvents": {Type: types{"array"}, Description: "The events of the stream in order, each `event: NAME` and `data: JSON` (OpenAPI 3.1 cannot describe a stream itself).",
			Items: &schema{OneOf: []*schema{sseEvent("cards", "CardsEvent"), sseEvent("card", "CardEvent"), sseEvent("done", "DoneEvent")}}},
		"WebhookReply": object("The inbox handler's answer.", nil, map[string]*schema{"status": str("sent, duplicate, ignored, ..."), "error": str("")}),
		"CatalogField": object("A value the admin supplies to install an entry.", []string{"name", "label", "help"}, map[string]*schema{
			"name": str("The key in InstallRequest.values."), "label": str(""), "help": str(""),
			"pattern": str("The RE2 expression the value must match, when the entry sets one."),
		}),
		"CatalogEntry": object("A ready-made integration.", []string{"id", "name", "description", "category", "method", "url", "secrets", "settings", "reference", "preview"}, map[string]*schema{
			"id": str(""), "name": str(""), "description": str(""),
			"category":  str("billing, commerce, crm, support, scheduling; the set may grow."),
			"method":    str(""),
			"url":       str("The request URL, with {{setting.NAME}} where a setting goes."),
			"secrets":   array(ref("CatalogField")),
			"settings":  array(ref("CatalogField")),
			"reference": str("The API reference page the sample response comes from."),
			"preview":   ref("Output"),
		}),
		"CatalogList": object("The catalog, ordered by id.", []string{"entries"}, map[string]*schema{"entries": array(ref("CatalogEntry"))}),
		"InstallRequest": object("", []string{"values"}, map[string]*schema{
			"values": stringMap(str("A secret's or setting's value, by its name.")),
		}),
		"Problem": object("One thing wrong with the request.", []string{"path", "code", "message"}, map[string]*schema{
			"path":    str("A JSON pointer into the request body; empty for the body as a whole."),
			"code":    str("Stable and machine-readable."),
			"message": str("For people."),
		}),
		"ProblemDetails": object("RFC 9457 problem details.", []string{"title", "status", "code"}, map[string]*schema{
			"title": str("The HTTP status text."), "status": integer(""), "detail": str(""),
			"code":     str("Stable: unauthenticated, forbidden, not_found, method_not_allowed, conflict, too_large, unsupported_media, invalid_request, validation_failed, confirmation_required, not_applicable, secrets_unavailable, internal, not_implemented, unavailable, temporary."),
			"problems": array(ref("Problem")),
		}),
	}
}

func sseEvent(name, data string) *schema {
	return object("", []string{"event", "data"}, map[string]*schema{"event": {Type: types{"string"}, Const: name}, "data": ref(data)})
}
