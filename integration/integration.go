package integration

import (
	"encoding/json"
	"slices"
	"time"
)

// Redacted is what a secret value looks like everywhere outside the moment a request is sent:
// in JSON encodings of the model, test results, errors and logs. When an admin saves an
// integration whose secret header or secret carries the value Redacted (or an empty value), the
// stored sealed value of the same name is kept (while the URL's scheme, host and port are
// unchanged), so a form that round-trips the JSON encoding does not erase the credentials it
// never saw.
const Redacted = "••••"

// HTTP methods an integration may use.
const (
	MethodGet    = "GET"
	MethodPost   = "POST"
	MethodPut    = "PUT"
	MethodPatch  = "PATCH"
	MethodDelete = "DELETE"
)

// MaxCacheMinutes is the longest cache duration an integration may ask for (24 hours).
const MaxCacheMinutes = 1440

// MaxTimeout is the longest per-integration timeout.
const MaxTimeout = 60 * time.Second

// Integration is a team-level HTTP call to an external API whose JSON response is displayed on a
// contact's profile. It is created once per team and attached to any number of the team's inboxes
// (see [Attachment]).
//
// URL, query parameter values, header values (except secret ones) and Body are placeholder
// templates in the project's {{ name | filter }} syntax (package variables); the position decides
// the escaping. The zero value is an empty GET integration that fails validation for lack of a
// name and URL.
//
// The JSON encoding uses snake_case names. A secret header or secret is never encoded in clear:
// its value encodes as [Redacted] and its sealed form (ciphertext) as "sealed".
type Integration struct {
	// ID identifies the integration; the Service assigns it on Create.
	ID string
	// TeamID is the owning team; the Service sets it from the acting admin on Create.
	TeamID string
	// Name is what agents see as the card title.
	Name string
	// Description is free text for admins.
	Description string
	// Method is one of GET, POST, PUT, PATCH, DELETE. An empty Method means GET.
	Method string
	// URL is an absolute http or https URL template.
	URL string
	// Headers are sent with every request, in order.
	Headers []Header
	// Query parameters are appended to the URL's query, in order; their values are templates.
	Query []QueryParam
	// Body is a JSON document template sent with POST, PUT and PATCH. An empty Body sends none.
	Body string
	// CacheMinutes is how long a successful response is cached, 0 to MaxCacheMinutes.
	// A zero CacheMinutes disables caching.
	CacheMinutes int
	// Active reports whether the integration runs on profile loads. Inactive integrations can
	// still be tested.
	Active bool
	// Display decides how the response is shown.
	Display Display
	// Triggers run the integration on conversation events the host reports and post a one-line
	// activity into the conversation (see [Trigger] and [Service.RunTriggers]); at most
	// MaxTriggers.
	Triggers []Trigger
	// RequiredVariables lists variables (such as "contact.email") without which the integration
	// is not applicable: when one is empty for a contact no request is sent and the card says
	// so. A variable that makes up a whole path segment of the URL is required without being
	// listed (see [Integration.Required]).
	RequiredVariables []string
	// Condition, if set, is a run condition in the condition language of display templates
	// (package template, "Conditions") over the contact, conversation, inbox, agent and team:
	// {"path": "contact.attributes.plan", "op": "eq", "value": "vip"}. When it does not hold, no
	// request is sent and the card is [StatusNotApplicable] with [ReasonCondition].
	Condition json.RawMessage
	// StepName names the integration's own request for its Steps and its display template
	// (steps.NAME); empty means [DefaultStepName], "main".
	StepName string
	// Steps are further requests, at most MaxSteps-1, each able to read the responses before
	// it (see [Step]). With Steps, the display template renders {"steps": {NAME: {"body":
	// response}, ...}} instead of the integration's own response.
	Steps []Step
	// Actions are what agents may do from the integration's card, at most MaxActions (see
	// [Action] and [Service.RunAction]).
	Actions []Action
	// Secrets are named secret values referenced as {{secret.NAME}} in header values.
	Secrets []Secret
	// Timeout bounds one run (all attempts). Zero means the executor's default.
	Timeout time.Duration
	// Version changes on every saved edit; the Service sets it (1 on Create) and Update
	// requires the caller's copy to carry the stored version (optimistic concurrency).
	Version int64
	// CreatedAt and UpdatedAt are set by the Service from its clock.
	CreatedAt, UpdatedAt time.Time
}

// Header is one request header. A Secret header's value is a literal credential (it is not a
// template), sealed at rest and only opened to send a request. To mix a secret into a larger
// value, reference a [Secret] from a non-secret header: "Bearer {{secret.token}}".
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Secret marks Value as a credential.
	Secret bool `json:"secret,omitempty"`
	// Sealed is the at-rest form of a secret Value, produced by the Service's Sealer. Hosts
	// store it as an opaque string and never need to read it.
	Sealed string `json:"sealed,omitempty"`
}

// QueryParam is one query parameter; Value is a template expanded with query escaping.
type QueryParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret is a named credential referenced from header values as {{secret.NAME}}. Value is in
// clear only on its way in (Create, Update, an unsaved test run); at rest it is Sealed.
type Secret struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Sealed string `json:"sealed,omitempty"`
}

// Display is the display setting of an integration. When Enabled, Template (a display template
// in the format of package template) renders the response into a node tree; otherwise the card
// carries the raw JSON response.
type Display struct {
	Enabled  bool            `json:"enabled"`
	Template json.RawMessage `json:"template,omitempty"`
}

// EffectiveMethod returns Method, or GET when Method is empty.
func (in *Integration) EffectiveMethod() string {
	if in.Method == "" {
		return MethodGet
	}
	return in.Method
}

// CacheTTL returns the cache duration as a time.Duration.
func (in *Integration) CacheTTL() time.Duration {
	return time.Duration(in.CacheMinutes) * time.Minute
}

// Clone returns a deep copy of in.
func (in *Integration) Clone() *Integration {
	if in == nil {
		return nil
	}
	c := *in
	c.Headers = slices.Clone(in.Headers)
	c.Query = slices.Clone(in.Query)
	c.Triggers = slices.Clone(in.Triggers) // strings only
	c.RequiredVariables = slices.Clone(in.RequiredVariables)
	c.Secrets = slices.Clone(in.Secrets)
	c.Display.Template = slices.Clone(in.Display.Template)
	c.Condition = slices.Clone(in.Condition)
	c.Steps = cloneSteps(in.Steps)
	c.Actions = cloneActions(in.Actions)
	return &c
}

// Redact returns a deep copy of in in which every secret header value and secret value is
// [Redacted] (or empty when there is none). Sealed forms are kept.
func (in *Integration) Redact() *Integration {
	c := in.Clone()
	if c == nil {
		return nil
	}
	for i := range c.Headers {
		if c.Headers[i].Secret {
			c.Headers[i].Value = redactedValue(c.Headers[i].Value, c.Headers[i].Sealed)
		}
	}
	for i := range c.Secrets {
		c.Secrets[i].Value = redactedValue(c.Secrets[i].Value, c.Secrets[i].Sealed)
	}
	for i := range c.Actions {
		// Validation refuses secret headers in actions; a stored one is still never shown.
		for j := range c.Actions[i].Headers {
			if h := &c.Actions[i].Headers[j]; h.Secret {
				h.Value = redactedValue(h.Value, h.Sealed)
			}
		}
	}
	return c
}

func redactedValue(value, sealed string) string {
	if value == "" && sealed == "" {
		return ""
	}
	return Redacted
}

// view returns what the Service hands out: a copy of in with secret values [Redacted] and no
// sealed forms. Ciphertext stays between the Service and the Store: a front end has no use for
// it (an edit that round-trips the view keeps the stored values by name), and any member may
// read an integration.
func (in *Integration) view() *Integration {
	c := in.Redact()
	for i := range c.Headers {
		c.Headers[i].Sealed = ""
	}
	for i := range c.Secrets {
		c.Secrets[i].Sealed = ""
	}
	for i := range c.Actions {
		for j := range c.Actions[i].Headers {
			c.Actions[i].Headers[j].Sealed = ""
		}
	}
	return c
}
