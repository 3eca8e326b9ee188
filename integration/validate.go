package integration

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/variables"
)

const (
	attributesPrefix = "contact.attributes."
	secretPrefix     = "secret."
	maxNameLen       = 200
)

// varOptions returns the compile options of every request template: the supported names,
// secrets in headers only, missing values expand as "".
func varOptions() *variables.Options {
	names, prefixes, headerOnly := varNames()
	return &variables.Options{
		Names:      names,
		Prefixes:   prefixes,
		HeaderOnly: headerOnly,
		Filters:    filters(),
	}
}

// compiled is an integration's request and display, compiled once per version.
type compiled struct {
	url      *variables.Template
	query    []compiledParam
	headers  []compiledHeader
	body     *variables.Template // nil: no body
	triggers []compiledTrigger   // by index in Integration.Triggers
	display  *template.Template  // nil: display off
	cond     *template.Condition // nil: always runs
	stepName string              // the integration's own request's name, when it has steps
	steps    []compiledStep
	actions  []compiledAction // one per Integration.Actions, in order
	buttons  []ActionButton   // the cards' buttons, shared read-only by every card
	required []string
	secrets  []string         // names of secret.* variables referenced by headers
	src      *Integration     // what was compiled, for compiledFrom
	shape    [shapeBytes]byte // what the request is built from besides values (call.shape)
	// fixed is the header map that profile requests share, once built (see fixedHeader).
	fixed atomic.Pointer[fixedHeader]
	// seen is the last stored integration found to be compiledFrom's: a store that hands out
	// the same value again (SharedLister) is not compared again (BenchmarkProfileCached).
	seen atomic.Pointer[Integration]
	// stands remembers the last stand-in of each secret (headers by index, then secrets by
	// index), so that a cached profile load hashes nothing (BenchmarkProfileCached).
	stands []atomic.Pointer[standInMemo]
}

type compiledParam struct {
	prefix string // "name="
	value  *variables.Template
}

type compiledHeader struct {
	name   string
	value  *variables.Template // nil for a secret header (a literal)
	secret bool                // a secret header, or one referencing secret.*
	index  int                 // index in Integration.Headers
}

// Validate reports every problem of in as a *ValidationError, or nil. It checks the method, the
// URL, query parameters, headers, body, cache duration, timeout, required variables, secrets,
// the run condition, the steps, the actions (with their fields and result paths) and the
// display template, and never includes a secret value in what it reports.
func (in *Integration) Validate() error {
	_, err := compile(in)
	return err
}

// Required returns the variables without which in is not applicable (for a contact whose value
// is empty, a profile load sends no request and the card is [StatusNotApplicable]): those in
// RequiredVariables, then each variable that makes up a whole path segment of the URL on its own,
// as contact.email does in "https://api.example.com/customers/{{contact.email}}". An editor
// shows them next to the URL. Names that are not variables, and the URL's names when it does not
// compile, are left out (Validate reports them).
func (in *Integration) Required() []string {
	var req []string
	for _, name := range in.RequiredVariables {
		if IsVariable(name) && !slices.Contains(req, name) {
			req = append(req, name)
		}
	}
	var ps problems
	return withSegmentNames(req, compileURL(&ps, "", in.URL, varOptions()))
}

// withSegmentNames appends to required the variables that make up a whole path segment of the
// URL template u (nil for none) and are not in it yet. Such a placeholder is required whether
// listed or not: "/customers/{{contact.email}}" with an empty email is "/customers/", another
// resource, whose data an agent would take for this contact's.
func withSegmentNames(required []string, u *variables.Template) []string {
	if u == nil {
		return required
	}
	for _, name := range u.SegmentNames() {
		if !slices.Contains(required, name) {
			required = append(required, name)
		}
	}
	return required
}

type problems []Problem

func (p *problems) add(path, code, format string, args ...any) {
	*p = append(*p, Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// addVar records a variables compile error for the field at path.
func (p *problems) addVar(path string, err error) {
	if se, ok := errors.AsType[*variables.SyntaxError](err); ok {
		*p = append(*p, se.Problem(path))
		return
	}
	p.add(path, CodeSyntax, "%s", strings.TrimPrefix(err.Error(), "variables: "))
}

// compile validates in and compiles its templates. It returns a *ValidationError listing every
// problem, or the compiled form.
func compile(in *Integration) (*compiled, error) {
	var ps problems
	c := &compiled{}
	opts := varOptions()
	if strings.TrimSpace(in.Name) == "" {
		ps.add("/name", CodeRequired, "name is required")
	} else if utf8.RuneCountInString(in.Name) > maxNameLen {
		ps.add("/name", CodeInvalid, "name is longer than %d characters", maxNameLen)
	}

	secretNames := map[string]bool{}
	for i, s := range in.Secrets {
		path := fmt.Sprintf("/secrets/%d", i)
		switch {
		case !validSecretName(s.Name):
			ps.add(path+"/name", CodeInvalid, "secret name must be 1-64 letters, digits, '_' or '-'")
		case secretNames[s.Name]:
			ps.add(path+"/name", CodeDuplicate, "secret %q is defined twice", s.Name)
		}
		secretNames[s.Name] = true
		switch {
		case s.Value == "" && s.Sealed == "":
			ps.add(path+"/value", CodeRequired, "secret value is required")
		case s.Value != "" && s.Value != Redacted && !validHeaderValue(s.Value):
			// Secrets are expanded into header values only.
			ps.add(path+"/value", CodeInvalid, "secret value contains control characters")
		}
	}

	compileCall(&ps, "", c, call{in.EffectiveMethod(), in.URL, in.Query, in.Headers, in.Body}, opts, secretNames)
	compileSteps(&ps, in, c, secretNames)
	compileActions(&ps, in, c, secretNames)

	if in.CacheMinutes < 0 || in.CacheMinutes > MaxCacheMinutes {
		ps.add("/cache_minutes", CodeOutOfRange, "cache duration must be 0 to %d minutes", MaxCacheMinutes)
	}
	if in.Timeout < 0 || in.Timeout > MaxTimeout {
		ps.add("/timeout_ms", CodeOutOfRange, "timeout must be 0 (the default) to %d ms", MaxTimeout.Milliseconds())
	}
	for i, name := range in.RequiredVariables {
		if !IsVariable(name) {
			ps.add(fmt.Sprintf("/required_variables/%d", i), CodeUnknownVariable,
				"%q is not a contact, conversation or inbox variable", truncate(name, 100))
			continue
		}
		c.required = append(c.required, name)
	}

	c.required = withSegmentNames(c.required, c.url)

	c.display = compileDisplay(&ps, in.Display)
	c.cond = compileCondition(&ps, in.Condition)
	c.triggers = compileTriggers(&ps, in.Triggers)

	if len(ps) > 0 {
		return nil, &ValidationError{Problems: ps}
	}
	c.src = compiledSource(in)
	c.stands = make([]atomic.Pointer[standInMemo], len(in.Headers)+len(in.Secrets))
	return c, nil
}

// compiledSource returns a copy of the fields of in that compile reads, without secret values.
func compiledSource(in *Integration) *Integration {
	src := &Integration{
		Method: in.Method, URL: in.URL, Body: in.Body, Display: in.Display,
		Headers: make([]Header, len(in.Headers)), Secrets: make([]Secret, len(in.Secrets)),
		Query: slices.Clone(in.Query), RequiredVariables: slices.Clone(in.RequiredVariables),
	}
	src.Display.Template = slices.Clone(in.Display.Template)
	src.Triggers = slices.Clone(in.Triggers)
	src.Condition = slices.Clone(in.Condition)
	src.StepName, src.Steps = in.StepName, cloneSteps(in.Steps)
	src.Actions = cloneActions(in.Actions)
	for i, h := range in.Headers {
		src.Headers[i] = Header{Name: h.Name, Secret: h.Secret}
		if !h.Secret {
			src.Headers[i].Value = h.Value
		}
	}
	for i, sc := range in.Secrets {
		src.Secrets[i] = Secret{Name: sc.Name}
	}
	return src
}

// compiledFrom reports whether c was compiled from a configuration equal to in's (secret values
// and sealed forms aside, which c does not hold).
func (c *compiled) compiledFrom(in *Integration) bool {
	src := c.src
	if src == nil || src.Method != in.Method || src.URL != in.URL || src.Body != in.Body ||
		src.Display.Enabled != in.Display.Enabled || string(src.Display.Template) != string(in.Display.Template) ||
		!slices.Equal(src.Query, in.Query) || !bytes.Equal(src.Condition, in.Condition) ||
		src.StepName != in.StepName || !stepsEqual(src.Steps, in.Steps) || !actionsEqual(src.Actions, in.Actions) || !slices.Equal(src.RequiredVariables, in.RequiredVariables) ||
		len(src.Headers) != len(in.Headers) || len(src.Secrets) != len(in.Secrets) {
		return false
	}
	for i, h := range in.Headers {
		s := src.Headers[i]
		if s.Name != h.Name || s.Secret != h.Secret || (!h.Secret && s.Value != h.Value) {
			return false
		}
	}
	for i, sc := range in.Secrets {
		if src.Secrets[i].Name != sc.Name {
			return false
		}
	}
	return slices.Equal(src.Triggers, in.Triggers)
}

func compileURL(ps *problems, at, src string, opts *variables.Options) *variables.Template {
	if strings.TrimSpace(src) == "" {
		ps.add(at+"/url", CodeRequired, "url is required")
		return nil
	}
	scheme, _, _ := strings.Cut(src, ":")
	if s := strings.ToLower(scheme); s != "http" && s != "https" {
		ps.add(at+"/url", CodeBadURL, "url must start with http:// or https://")
		return nil
	}
	t, err := variables.Compile(src, variables.URL, opts)
	if err != nil {
		ps.addVar(at+"/url", err)
		return nil
	}
	// The scheme and host are literal (placeholders there do not compile), so the template
	// expanded with empty values shows them.
	s, err := t.Expand(variables.ResolverFunc(func(string) (string, bool) { return "", true }))
	if err != nil {
		ps.add(at+"/url", CodeBadURL, "url is not valid")
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		ps.add(at+"/url", CodeBadURL, "url must be absolute with a host")
		return nil
	}
	if u.User != nil {
		ps.add(at+"/url", CodeBadURL, "url must not contain credentials; use a secret header")
		return nil
	}
	return t
}

func validSecretName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func forbiddenHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "Te", "Trailer", "Keep-Alive", "Proxy-Connection":
		return true
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// call is the HTTP request of an integration or of one of its steps.
type call struct {
	method, url string
	query       []QueryParam
	headers     []Header
	body        string
}

// shape returns the digest of what a request of r is built from besides the values of its
// placeholders and secrets: the method, the URL, the query parameters, the header names and
// values (secret headers by name and index: their values are in the identity, by stand-in) and
// the body, each length-prefixed. It is the part of a request's identity (appendIdentity) that
// tells apart the requests of an integration, of its steps and of another version.
func (r call) shape() [shapeBytes]byte {
	b := []byte("integration.call.1")
	field := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	field(r.method)
	field(r.url)
	b = binary.AppendUvarint(b, uint64(len(r.query)))
	for _, q := range r.query {
		field(q.Name)
		field(q.Value)
	}
	b = binary.AppendUvarint(b, uint64(len(r.headers)))
	for i, h := range r.headers {
		field(h.Name)
		if h.Secret { // tagged 1, then its index; a plain header tagged 0, then its value
			b = binary.AppendUvarint(append(b, 1), uint64(i))
			continue
		}
		b = append(b, 0)
		field(h.Value)
	}
	field(r.body)
	d := sha256.Sum256(b)
	return [shapeBytes]byte(d[:shapeBytes])
}

// shapeBytes is the length of a request's shape: 128 bits of SHA-256, as for secret stand-ins,
// tell apart the few requests of one integration version (its own and its steps', which alone
// share a cache scope) and keep a typical card's identity within two SHA-256 blocks
// (BenchmarkProfileCached).
const shapeBytes = 16

// compileCall compiles the request r into c, reporting problems under the JSON pointer at ("" for
// the integration's own request, "/steps/0" for a step). secretNames are the integration's
// secrets, which header values may reference.
func compileCall(ps *problems, at string, c *compiled, r call, opts *variables.Options, secretNames map[string]bool) {
	method := r.method
	bodyAllowed, methodOK := false, true
	switch method {
	case MethodGet, MethodDelete:
	case MethodPost, MethodPut, MethodPatch:
		bodyAllowed = true
	default:
		methodOK = false
		ps.add(at+"/method", CodeBadMethod, "method must be one of GET, POST, PUT, PATCH, DELETE")
	}

	c.url = compileURL(ps, at, r.url, opts)

	for i, q := range r.query {
		path := fmt.Sprintf("/query/%d", i)
		if q.Name == "" {
			ps.add(at+path+"/name", CodeRequired, "query parameter name is required")
		}
		t, err := variables.Compile(q.Value, variables.Query, opts)
		if err != nil {
			ps.addVar(at+path+"/value", err)
			continue
		}
		c.query = append(c.query, compiledParam{prefix: url.QueryEscape(q.Name) + "=", value: t})
	}
	for i, h := range r.headers {
		path := fmt.Sprintf("/headers/%d", i)
		switch {
		case !validHeaderName(h.Name):
			ps.add(at+path+"/name", CodeInvalid, "header name must be a non-empty HTTP token")
		case forbiddenHeader(h.Name):
			ps.add(at+path+"/name", CodeInvalid, "header %s is set by the HTTP client and cannot be configured", http.CanonicalHeaderKey(h.Name))
		}
		if h.Secret {
			switch {
			case h.Value == "" && h.Sealed == "":
				ps.add(at+path+"/value", CodeRequired, "secret header value is required")
			case h.Value != "" && h.Value != Redacted && !validHeaderValue(h.Value):
				ps.add(at+path+"/value", CodeInvalid, "header value contains control characters")
			case strings.Contains(h.Value, "{{"):
				// A secret header is a literal: "Bearer {{secret.token}}" would be sent as typed.
				ps.add(at+path+"/value", CodeInvalid, "a secret header's value is sent as typed, placeholders included; "+
					"to put a secret into a larger value, use a plain header with {{secret.NAME}}")
			}
			c.headers = append(c.headers, compiledHeader{name: h.Name, secret: true, index: i})
			continue
		}
		t, err := variables.Compile(h.Value, variables.Header, opts)
		if err != nil {
			ps.addVar(at+path+"/value", err)
			continue
		}
		ch := compiledHeader{name: h.Name, value: t, index: i}
		for _, n := range t.Names() {
			name, ok := strings.CutPrefix(n, secretPrefix)
			if !ok {
				continue
			}
			ch.secret = true
			if !secretNames[name] {
				ps.add(at+path+"/value", CodeUndefinedSecret, "secret %q is not defined in secrets", truncate(name, 64))
			}
			c.secrets = append(c.secrets, name)
		}
		c.headers = append(c.headers, ch)
	}

	c.shape = r.shape()
	if r.body != "" {
		if !bodyAllowed {
			if methodOK {
				ps.add(at+"/body", CodeBodyNotAllowed, "only POST, PUT and PATCH requests have a body")
			}
		} else if t, err := variables.Compile(r.body, variables.JSON, opts); err != nil {
			ps.addVar(at+"/body", err)
		} else {
			c.body = t
		}
	}
}
