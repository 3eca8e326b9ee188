package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/template"
)

// Limits of agent actions.
const (
	// MaxActions is the most actions one integration defines.
	MaxActions = 10
	// MaxActionFields is the most agent-entered fields one action has.
	MaxActionFields = 10
	// MaxFieldLength caps ActionField.MaxLength, in runes.
	MaxFieldLength = 10000
	// MaxFieldOptions is the most options a select field offers.
	MaxFieldOptions = 50
)

// Types of [ActionField].
const (
	FieldText     = "text"     // one line; MaxLength defaults to 255 runes
	FieldTextarea = "textarea" // several lines; MaxLength defaults to 2000 runes
	FieldNumber   = "number"   // a decimal ("12", "-3.50"), within Min and Max
	FieldEmail    = "email"    // an email address
	FieldPhone    = "phone"    // a phone number in international form, sent as E.164 ("+442079460958")
	FieldDate     = "date"     // a date, YYYY-MM-DD
	FieldSelect   = "select"   // one of Options
	FieldBoolean  = "boolean"  // "true" or "false"; an unticked box is "false"
)

// inputPrefix opens a reference to an agent-entered value: {{input.NAME}}.
const inputPrefix = "input."

// Action is something an agent does for the contact in view by pressing a button on the
// integration's card: an HTTP request with the integration's variables (contact.*,
// conversation.*, inbox.*, agent.*, team.*, now and the request filters), plus
// {{input.NAME}}, the value the agent entered in the field NAME, escaped by position like any
// variable. See [Service.RunAction].
//
// An action is never cached. A non-GET action is never retried and always asks the agent to
// confirm first; a GET action asks only when Confirm is set, and may be retried on a
// connection error or a 502, 503 or 504 like a profile load. Its headers cannot be secret
// headers; they may reference the integration's [Secret]s as {{secret.NAME}} when the action's
// URL has the scheme, host and port of the integration's URL, as a [Step]'s may.
type Action struct {
	// Name identifies the action in its integration (and in the HTTP API's URL): 1 to 32
	// lower-case letters, digits and '_', starting with a letter, unique in the integration.
	Name string `json:"name"`
	// Label is the button's text, 1 to 64 characters.
	Label string `json:"label"`
	// Method is GET, POST, PUT, PATCH or DELETE. An empty Method means POST: an action is
	// usually a change, and a change is confirmed and never retried.
	Method string `json:"method,omitempty"`
	// URL, Headers, Query and Body are as in [Integration]; their templates may also read
	// {{input.NAME}} for each of Fields.
	URL     string       `json:"url"`
	Headers []Header     `json:"headers,omitempty"`
	Query   []QueryParam `json:"query,omitempty"`
	Body    string       `json:"body,omitempty"`
	// Fields are the values the agent enters before the action runs, in form order.
	Fields []ActionField `json:"fields,omitempty"`
	// Confirm is the confirmation prompt, at most 200 characters. A non-GET action without
	// one asks `Run "LABEL" for this contact?`; a GET action without one runs at once.
	Confirm string `json:"confirm,omitempty"`
	// ResultPath is a path into the JSON response, in the syntax of display-template
	// bindings ("message", "data.refund.note"; at most 256 bytes and 32 segments), whose
	// value is the message the agent sees. Without one, or when the response has nothing
	// there, the agent sees "Done (HTTP 201)." or the failure.
	ResultPath string `json:"result_path,omitempty"`
}

// ActionField is one value an agent enters before an [Action] runs. RunAction checks each
// value against its type before anything is sent; the front end may check too, as a
// convenience.
type ActionField struct {
	// Name is how the action's templates read the value, {{input.NAME}}; a name as in
	// [Action].Name, unique in the action.
	Name string `json:"name"`
	// Label is the form label, 1 to 64 characters.
	Label string `json:"label"`
	// Type is one of FieldText, FieldTextarea, FieldNumber, FieldEmail, FieldPhone,
	// FieldDate, FieldSelect or FieldBoolean.
	Type string `json:"type"`
	// Required refuses a run without a value. A boolean field cannot be required: an unticked
	// box is the value "false", so Required would demand nothing (for a choice the agent must
	// make, use a required select).
	Required bool `json:"required,omitempty"`
	// Options are the values of a select field, 1 to MaxFieldOptions, each 1 to 100
	// characters.
	Options []string `json:"options,omitempty"`
	// MaxLength caps a text or textarea value in runes, at most MaxFieldLength. Zero means 255
	// for text and 2000 for textarea.
	MaxLength int `json:"max_length,omitempty"`
	// Min and Max bound a number field, inclusive; nil is unbounded.
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
	// Default is the value of a missing or empty input (and what a form shows first). It must
	// be a valid value of the field.
	Default string `json:"default,omitempty"`
	// Help is a hint shown under the input, at most 200 characters.
	Help string `json:"help,omitempty"`
}

// ActionButton is what a front end needs to draw an action's button and form on a card, and
// nothing more: no URL, header or body. Card.Actions carries one per action of the card's
// integration.
type ActionButton struct {
	Name   string `json:"name"`
	Label  string `json:"label"`
	Method string `json:"method"`
	// Confirm is the prompt to show and have the agent accept before the action runs (pass
	// ActionRequest.Confirmed then), or "" when the action runs at once.
	Confirm string        `json:"confirm,omitempty"`
	Fields  []ActionField `json:"fields,omitempty"`
}

// EffectiveMethod returns Method, or POST when it is empty.
func (a *Action) EffectiveMethod() string {
	if a.Method == "" {
		return MethodPost
	}
	return a.Method
}

// Prompt returns the confirmation prompt the agent must accept before the action runs: Confirm,
// or for a non-GET action without one `Run "LABEL" for this contact?`; "" when the action
// runs without confirmation.
func (a *Action) Prompt() string {
	if a.Confirm != "" {
		return a.Confirm
	}
	if a.EffectiveMethod() == MethodGet {
		return ""
	}
	return `Run "` + a.Label + `" for this contact?` // the label as typed: no Go escaping for an agent to read
}

// maxLength returns the effective MaxLength of a text or textarea field.
func (f *ActionField) maxLength() int {
	switch {
	case f.MaxLength > 0:
		return min(f.MaxLength, MaxFieldLength)
	case f.Type == FieldTextarea:
		return 2000
	}
	return 255
}

// compiledAction is one compiled Action.
type compiledAction struct {
	name     string
	c        *compiled          // the action's request: url, query, headers, body, secrets
	required []string           // variables (not inputs) that make up a whole path segment
	result   *template.Template // renders ResultPath; nil without one
}

// actionIntegration returns in with the request of its action i in place of its own: what the
// request builder and the secret opener read. It is never cached, and its method is the
// action's effective one.
func actionIntegration(in *Integration, i int) *Integration {
	a := &in.Actions[i]
	c := *in
	c.Method, c.URL, c.Headers, c.Query, c.Body = a.EffectiveMethod(), a.URL, a.Headers, a.Query, a.Body
	c.CacheMinutes = 0
	return &c
}

// compileActions validates and compiles the actions of in into c, with the buttons cards
// carry.
func compileActions(ps *problems, in *Integration, c *compiled, secretNames map[string]bool) {
	if len(in.Actions) == 0 {
		return
	}
	if len(in.Actions) > MaxActions {
		ps.add("/actions", CodeOutOfRange, "an integration has at most %d actions", MaxActions)
		return
	}
	origin, _ := urlOrigin(in.URL)
	names := map[string]bool{}
	for i := range in.Actions {
		a := &in.Actions[i]
		at := fmt.Sprintf("/actions/%d", i)
		before := len(*ps)
		switch {
		case !validStepName(a.Name):
			ps.add(at+"/name", CodeInvalid, "action name must be 1-32 lower-case letters, digits or '_', starting with a letter")
		case names[a.Name]:
			ps.add(at+"/name", CodeDuplicate, "action %q is defined twice", a.Name)
		}
		names[a.Name] = true
		checkText(ps, at+"/label", a.Label, 64, true)
		checkText(ps, at+"/confirm", a.Confirm, 200, false)

		opts := varOptions()
		inputs := compileFields(ps, at, a.Fields)
		for _, f := range inputs {
			opts.Names = append(opts.Names, inputPrefix+f)
		}
		for j, h := range a.Headers {
			if h.Secret {
				ps.add(fmt.Sprintf("%s/headers/%d/secret", at, j), CodeInvalid,
					"an action's header cannot be a secret header; add the credential to the integration's secrets and use {{secret.NAME}}")
			}
		}
		ac := compiledAction{name: a.Name, c: &compiled{}}
		compileCall(ps, at, ac.c, call{a.EffectiveMethod(), a.URL, a.Query, a.Headers, a.Body}, opts, secretNames)
		if len(ac.c.secrets) > 0 {
			if o, ok := urlOrigin(a.URL); !ok || o != origin {
				ps.add(at+"/url", CodeInvalid, "an action that uses the integration's secrets must call the scheme, host and port of the integration's URL")
			}
		}
		for _, name := range withSegmentNames(nil, ac.c.url) {
			field, ok := strings.CutPrefix(name, inputPrefix)
			if !ok {
				ac.required = append(ac.required, name)
				continue
			}
			if j := slices.IndexFunc(a.Fields, func(f ActionField) bool { return f.Name == field }); j >= 0 && !a.Fields[j].Required && a.Fields[j].Default == "" {
				ps.add(fmt.Sprintf("%s/fields/%d/required", at, j), CodeRequired,
					"field %q makes up a whole path segment of the URL: make it required or give it a default", field)
			}
		}
		ac.result = compileResultPath(ps, at+"/result_path", a.ResultPath)
		if len(*ps) > before {
			continue
		}
		c.actions = append(c.actions, ac)
		c.buttons = append(c.buttons, ActionButton{
			Name: a.Name, Label: a.Label, Method: a.EffectiveMethod(), Confirm: a.Prompt(), Fields: cloneFields(a.Fields),
		})
	}
}

// compileFields validates the fields of the action at at and returns their names.
func compileFields(ps *problems, at string, fields []ActionField) []string {
	if len(fields) > MaxActionFields {
		ps.add(at+"/fields", CodeOutOfRange, "an action has at most %d fields", MaxActionFields)
		return nil
	}
	var names []string
	for j := range fields {
		f := &fields[j]
		fat := fmt.Sprintf("%s/fields/%d", at, j)
		switch {
		case !validStepName(f.Name):
			ps.add(fat+"/name", CodeInvalid, "field name must be 1-32 lower-case letters, digits or '_', starting with a letter")
		case slices.Contains(names, f.Name):
			ps.add(fat+"/name", CodeDuplicate, "field %q is defined twice", f.Name)
		default:
			names = append(names, f.Name)
		}
		checkText(ps, fat+"/label", f.Label, 64, true)
		checkText(ps, fat+"/help", f.Help, 200, false)
		switch f.Type {
		case FieldText, FieldTextarea, FieldNumber, FieldEmail, FieldPhone, FieldDate, FieldSelect, FieldBoolean:
		default:
			ps.add(fat+"/type", CodeInvalid, "field type must be one of text, textarea, number, email, phone, date, select, boolean")
			continue
		}
		if f.Required && f.Type == FieldBoolean {
			ps.add(fat+"/required", CodeInvalid, "a boolean field cannot be required: an unticked box is false; for a choice the agent must make, use a required select")
		}
		if f.Type == FieldSelect {
			if len(f.Options) == 0 || len(f.Options) > MaxFieldOptions {
				ps.add(fat+"/options", CodeOutOfRange, "a select field has 1 to %d options", MaxFieldOptions)
			}
			for k, o := range f.Options {
				checkText(ps, fmt.Sprintf("%s/options/%d", fat, k), o, 100, true)
				if slices.Contains(f.Options[:k], o) {
					ps.add(fmt.Sprintf("%s/options/%d", fat, k), CodeDuplicate, "option %d repeats an earlier one", k)
				}
			}
		} else if len(f.Options) > 0 {
			ps.add(fat+"/options", CodeInvalid, "only a select field has options")
		}
		if f.MaxLength != 0 && f.Type != FieldText && f.Type != FieldTextarea {
			ps.add(fat+"/max_length", CodeInvalid, "only a text or textarea field has a maximum length")
		} else if f.MaxLength < 0 || f.MaxLength > MaxFieldLength {
			ps.add(fat+"/max_length", CodeOutOfRange, "maximum length must be 1 to %d", MaxFieldLength)
		}
		for _, b := range []struct {
			name string
			v    *float64
		}{{"min", f.Min}, {"max", f.Max}} {
			switch {
			case b.v == nil:
			case f.Type != FieldNumber:
				ps.add(fat+"/"+b.name, CodeInvalid, "only a number field has %s", b.name)
			case math.IsNaN(*b.v) || math.IsInf(*b.v, 0):
				ps.add(fat+"/"+b.name, CodeInvalid, "%s must be a finite number", b.name)
			}
		}
		if f.Type == FieldNumber && f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			ps.add(fat+"/max", CodeOutOfRange, "max is less than min")
		}
		if f.Default != "" {
			if _, code, msg := f.check(f.Default); code != "" {
				ps.add(fat+"/default", code, "the default %s", msg)
			}
		}
	}
	return names
}

// checkText reports a label-like text at path that is missing (when required), longer than n
// runes, or has control, bidi or invisible formatting characters, which could make a button
// or a confirmation prompt read as something else than it does.
func checkText(ps *problems, path, s string, n int, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		ps.add(path, CodeRequired, "a value is required")
	case !utf8.ValidString(s) || !validHeaderValue(s) || strings.ContainsFunc(s, invisible):
		ps.add(path, CodeInvalid, "text must be UTF-8 without control, bidi or invisible formatting characters")
	case utf8.RuneCountInString(s) > n:
		ps.add(path, CodeInvalid, "text is longer than %d characters", n)
	}
}

// invisible reports whether r is a bidi control or an invisible formatting character: the
// Arabic letter mark, the zero-width space, directional marks, embeddings and overrides, the
// word joiner and invisible operators, isolates, the byte order mark and tag characters (as
// package template strips them from display text; the zero-width joiner and non-joiner, which
// scripts and emoji need, are text).
func invisible(r rune) bool {
	return r == 0x061c || r == 0x180e || r == 0x200b || r == 0x200e || r == 0x200f || (r >= 0x2028 && r <= 0x202e) ||
		(r >= 0x2060 && r <= 0x206f) || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb) || (r >= 0xe0000 && r <= 0xe007f)
}

// compileResultPath compiles ResultPath p as a one-text display template, so that it follows
// the display templates' path rules and its value is cleaned and bounded as a card's text is.
func compileResultPath(ps *problems, at, p string) *template.Template {
	if p == "" {
		return nil
	}
	if strings.ContainsAny(p, "{}|\" \t\r\n") {
		ps.add(at, CodeInvalid, "result path must be a path such as data.message, without braces, filters or spaces")
		return nil
	}
	def, _ := json.Marshal(map[string]any{"version": 1, "sections": []any{map[string]string{"type": "text", "text": "{{" + p + "}}"}}})
	t, err := template.Parse(def)
	if err != nil {
		msg := "result path is not a valid path"
		if pe, ok := errors.AsType[*template.ParseError](err); ok && len(pe.Problems) > 0 {
			msg = pe.Problems[0].Message
		}
		ps.add(at, CodeInvalid, "%s", msg)
		return nil
	}
	return t
}

// cloneFields returns a deep copy of fields.
func cloneFields(fields []ActionField) []ActionField {
	c := slices.Clone(fields)
	for i := range c {
		c[i].Options = slices.Clone(c[i].Options)
		if c[i].Min != nil {
			v := *c[i].Min
			c[i].Min = &v
		}
		if c[i].Max != nil {
			v := *c[i].Max
			c[i].Max = &v
		}
	}
	return c
}

// cloneActions returns a deep copy of actions.
func cloneActions(actions []Action) []Action {
	c := slices.Clone(actions)
	for i := range c {
		c[i].Headers = slices.Clone(c[i].Headers)
		c[i].Query = slices.Clone(c[i].Query)
		c[i].Fields = cloneFields(c[i].Fields)
	}
	return c
}

// actionsEqual reports whether two action lists are the same configuration.
func actionsEqual(a, b []Action) bool {
	return slices.EqualFunc(a, b, func(x, y Action) bool {
		return x.Name == y.Name && x.Label == y.Label && x.Method == y.Method && x.URL == y.URL && x.Body == y.Body &&
			x.Confirm == y.Confirm && x.ResultPath == y.ResultPath && slices.Equal(x.Headers, y.Headers) &&
			slices.Equal(x.Query, y.Query) && slices.EqualFunc(x.Fields, y.Fields, fieldsEqual)
	})
}

func fieldsEqual(x, y ActionField) bool {
	eq := func(p, q *float64) bool { return p == nil && q == nil || p != nil && q != nil && *p == *q }
	return x.Name == y.Name && x.Label == y.Label && x.Type == y.Type && x.Required == y.Required &&
		slices.Equal(x.Options, y.Options) && x.MaxLength == y.MaxLength && eq(x.Min, y.Min) && eq(x.Max, y.Max) &&
		x.Default == y.Default && x.Help == y.Help
}
