package integration

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/variables"
)

// MaxSteps is the most requests one integration makes per card: its own request and up to
// MaxSteps-1 [Step]s.
const MaxSteps = 3

// DefaultStepName is the name of an integration's own request in a chained integration whose
// StepName is empty.
const DefaultStepName = "main"

// stepsPrefix opens a reference to an earlier step's response: steps.NAME.body.PATH.
const stepsPrefix = "steps."

// Step is a further request of a chained integration ([Integration].Steps), sent after the
// integration's own request and the steps before it, whose responses its templates may read:
// {{steps.lookup.body.customer.id}} is the value at the gjson path customer.id in the response
// of the step named lookup (a string as is, a number, boolean, object or array as its JSON
// text), escaped by its position like any variable. Every other variable is available too, and
// {{secret.NAME}} (in header values) when the step's URL has the scheme, host and port of the
// integration's URL, so a credential goes nowhere its integration did not already send it.
//
// Each step is cached on its own expanded request, with the integration's cache duration and
// timeout. A step whose references are all found runs; when one is missing (null, absent or "")
// the card is [StatusNotApplicable] with [ReasonMissingStepValue], or, with ShowEarlierSteps,
// shows the steps before it.
type Step struct {
	// Name is how later steps and the display template refer to the step: 1 to 32 lower-case
	// letters, digits and '_', starting with a letter, unique in the integration.
	Name string `json:"name"`
	// Method, URL, Headers, Query and Body are as in [Integration]. A step's header cannot be
	// a secret header (reference one of the integration's Secrets instead).
	Method  string       `json:"method,omitempty"`
	URL     string       `json:"url"`
	Headers []Header     `json:"headers,omitempty"`
	Query   []QueryParam `json:"query,omitempty"`
	Body    string       `json:"body,omitempty"`
	// ShowEarlierSteps shows the card with the steps before this one when a value this step
	// needs from them is missing, instead of making the card not applicable.
	ShowEarlierSteps bool `json:"show_earlier_steps,omitempty"`
}

// effectiveMethod returns Method, or GET when it is empty.
func (st *Step) effectiveMethod() string {
	if st.Method == "" {
		return MethodGet
	}
	return st.Method
}

// EffectiveStepName returns StepName, or [DefaultStepName] when it is empty.
func (in *Integration) EffectiveStepName() string {
	if in.StepName == "" {
		return DefaultStepName
	}
	return in.StepName
}

// compiledStep is one compiled Step.
type compiledStep struct {
	name        string
	c           *compiled // the step's request: url, query, headers, body, secrets
	showEarlier bool
}

// validStepName reports whether s is a step name: [a-z][a-z0-9_]{0,31}.
func validStepName(s string) bool {
	if s == "" || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// compileSteps validates and compiles the steps of in into c. Each step may reference the
// steps before it, the integration's own request (in.EffectiveStepName()) first; a reference
// to itself or a later step is an unknown variable at the field that makes it.
func compileSteps(ps *problems, in *Integration, c *compiled, secretNames map[string]bool) {
	if in.StepName != "" && !validStepName(in.StepName) {
		ps.add("/step_name", CodeInvalid, "step name must be 1-32 lower-case letters, digits or '_', starting with a letter")
	}
	if len(in.Steps) == 0 {
		return
	}
	if len(in.Steps) > MaxSteps-1 {
		ps.add("/steps", CodeOutOfRange, "an integration makes at most %d requests: its own and %d steps", MaxSteps, MaxSteps-1)
		return
	}
	c.stepName = in.EffectiveStepName()
	earlier := []string{c.stepName}
	origin, _ := urlOrigin(in.URL)
	for i := range in.Steps {
		st := &in.Steps[i]
		at := fmt.Sprintf("/steps/%d", i)
		switch {
		case !validStepName(st.Name):
			ps.add(at+"/name", CodeInvalid, "step name must be 1-32 lower-case letters, digits or '_', starting with a letter")
		case slices.Contains(earlier, st.Name):
			ps.add(at+"/name", CodeDuplicate, "step %q is defined twice (the integration's own request is %q)", st.Name, c.stepName)
		}
		// Strict: an undefined step value is an error naming it (see stepValueMissing), except
		// under a default filter; in a step's expansion every other variable is defined.
		opts := varOptions()
		opts.Strict = true
		for _, name := range earlier {
			opts.Prefixes = append(opts.Prefixes, stepsPrefix+name+".body.")
		}
		for j, h := range st.Headers {
			if h.Secret {
				ps.add(fmt.Sprintf("%s/headers/%d/secret", at, j), CodeInvalid,
					"a step's header cannot be a secret header; add the credential to the integration's secrets and use {{secret.NAME}}")
			}
		}
		sc := &compiled{}
		before := len(*ps)
		compileCall(ps, at, sc, call{st.effectiveMethod(), st.URL, st.Query, st.Headers, st.Body}, opts, secretNames)
		if len(sc.secrets) > 0 {
			if o, ok := urlOrigin(st.URL); !ok || o != origin {
				ps.add(at+"/url", CodeInvalid, "a step that uses the integration's secrets must call the scheme, host and port of the integration's URL")
			}
		}
		earlier = append(earlier, st.Name)
		if len(*ps) > before {
			continue
		}
		c.steps = append(c.steps, compiledStep{name: st.Name, c: sc, showEarlier: st.ShowEarlierSteps})
		c.secrets = append(c.secrets, sc.secrets...)
	}
}

// stepBodies are the responses of the steps run so far, by name.
type stepBodies struct {
	names  []string
	bodies []string // views of the responses' bodies (httpexec.Body.View)
}

// lookup resolves steps.NAME.body.PATH. A string is its text; a number, boolean, object or
// array its JSON text; null, "" or nothing is undefined.
func (sb *stepBodies) lookup(ref string) string {
	rest, _ := strings.CutPrefix(ref, stepsPrefix)
	name, path, ok := strings.Cut(rest, ".body.")
	if !ok || sb == nil {
		return ""
	}
	i := slices.Index(sb.names, name)
	if i < 0 {
		return ""
	}
	r := gjson.Get(sb.bodies[i], path) // a string result is a piece of the body: no copy
	switch r.Type {
	case gjson.Null:
		return ""
	case gjson.String:
		return r.Str
	}
	return r.Raw
}

// stepValueMissing returns the step reference err reports undefined: building a step's request
// failed for lack of a value from an earlier step.
func stepValueMissing(err error) (string, bool) {
	if ve, ok := errors.AsType[*variables.ValueError](err); ok && errors.Is(ve, variables.ErrUndefined) {
		return ve.Name, true
	}
	return "", false
}

// stepIntegration returns in with the request of its step i in place of its own: what the
// request builder, the secret opener and the cache key read. Secrets, scope, cache duration and
// timeout stay the integration's.
func stepIntegration(in *Integration, i int) *Integration {
	c := *in
	useStep(&c, i)
	return &c
}

// useStep puts the request of in's step i in place of in's own (see stepIntegration).
func useStep(in *Integration, i int) {
	st := &in.Steps[i]
	in.Method, in.URL, in.Headers, in.Query, in.Body = st.Method, st.URL, st.Headers, st.Query, st.Body
}

// chainRun is what running a chained card's steps needs, in one allocation instead of one per
// part (BenchmarkProfileCachedSteps): the step bodies and the variables that read them, the
// responses, and the integration and request of the step being sent, reused from step to step
// (the executor keeps no request after Do returns).
type chainRun struct {
	sb     stepBodies
	names  [MaxSteps]string
	bodies [MaxSteps]string
	resps  [MaxSteps - 1]*httpexec.Response
	v      vars
	in     Integration
	call   cardCall
}

// stepsDocument returns the document a chained integration's display template renders:
// {"steps": {"NAME": {"body": ...}, ...}} with every step that ran, in order. Names are
// validated step names and bodies valid JSON, so they are written as they are.
func stepsDocument(sb *stepBodies) []byte {
	n := 32
	for i, b := range sb.bodies {
		n += len(sb.names[i]) + len(b) + 16
	}
	doc := make([]byte, 0, n)
	doc = append(doc, `{"steps":{`...)
	for i, b := range sb.bodies {
		if i > 0 {
			doc = append(doc, ',')
		}
		doc = append(doc, '"')
		doc = append(doc, sb.names[i]...)
		doc = append(doc, `":{"body":`...)
		doc = append(doc, b...)
		doc = append(doc, '}')
	}
	return append(doc, "}}"...)
}

// stepError is the failure of one step of a chained integration; the card names the step.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return fmt.Sprintf("integration: step %q: %v", e.step, e.err) }
func (e *stepError) Unwrap() error { return e.err }

// chain runs the steps of c after the integration's own response first and returns the
// document the display renders (see runChain), for a caller that renders it every time.
func (s *Service) chain(ctx context.Context, in *Integration, c *compiled, v *vars, refresh bool, first *httpexec.Response, out *Card) ([]byte, error) {
	sb, _, err := s.runChain(ctx, in, c, v, refresh, first, nil, out, new(chainRun))
	if sb == nil || err != nil {
		return nil, err
	}
	return stepsDocument(sb), nil
}

// runChain runs the steps of c after the integration's own response first, for a profile load,
// and returns the bodies of the steps that ran (the integration's own first) and the responses
// of the later ones, in order. When a step lacks a value it returns the earlier steps
// (ShowEarlierSteps) or nil with out set not applicable. A stale step response is used and
// marks the card stale with its error, as for the integration's own.
//
// Each body is checked to be JSON the display can render, naming the step when it is not,
// except a body the card kept from an earlier load (known, or nil) was rendered from: that one
// was checked then (a second of a cached 2-step card's time, BenchmarkProfileCachedSteps).
func (s *Service) runChain(ctx context.Context, in *Integration, c *compiled, v *vars, refresh bool, first *httpexec.Response, known *renderedCard, out *Card, cr *chainRun) (*stepBodies, []*httpexec.Response, error) {
	if !known.renderedFrom(0, first) {
		// template.Validate, not json.Valid: a third of the time (BenchmarkValidate), and
		// bodies too deep to render fail here, naming their step.
		if err := template.Validate(first.Body.Bytes()); err != nil {
			return nil, nil, &stepError{c.stepName, err}
		}
	}
	body := first.Body.View()
	cr.v = *v
	sb := &cr.sb
	sb.names, sb.bodies = append(cr.names[:0], c.stepName), append(cr.bodies[:0], body)
	resps := cr.resps[:0]
	sv := &cr.v
	sv.steps = sb
	for i := range c.steps {
		st := &c.steps[i]
		cr.in = *in
		useStep(&cr.in, i)
		req, err := s.requestIn(&cr.in, st.c, sv, &cr.call)
		if name, ok := stepValueMissing(err); ok {
			if st.showEarlier {
				break
			}
			out.Status, out.Reason, out.Missing = StatusNotApplicable, ReasonMissingStepValue, []string{name}
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, &stepError{st.name, err}
		}
		req.Refresh = refresh
		resp, err := s.exec.Do(ctx, req)
		if resp == nil || (err != nil && !resp.Stale) {
			if err == nil {
				err = fmt.Errorf("integration: executor returned no response and no error (%T)", s.exec)
			}
			return nil, nil, &stepError{st.name, err}
		}
		out.FromCache = out.FromCache && resp.FromCache
		if err != nil {
			out.Stale, out.Error = true, cardError(&stepError{st.name, err})
		}
		if !known.renderedFrom(i+1, resp) {
			if err := template.Validate(resp.Body.Bytes()); err != nil {
				return nil, nil, &stepError{st.name, err}
			}
		}
		body := resp.Body.View()
		sb.names, sb.bodies = append(sb.names, st.name), append(sb.bodies, body)
		resps = append(resps, resp)
	}
	return sb, resps, nil
}

// stepsEqual reports whether two step lists are the same configuration.
func stepsEqual(a, b []Step) bool {
	return slices.EqualFunc(a, b, func(x, y Step) bool {
		return x.Name == y.Name && x.Method == y.Method && x.URL == y.URL && x.Body == y.Body &&
			x.ShowEarlierSteps == y.ShowEarlierSteps && slices.Equal(x.Headers, y.Headers) && slices.Equal(x.Query, y.Query)
	})
}

// cloneSteps returns a deep copy of steps.
func cloneSteps(steps []Step) []Step {
	c := slices.Clone(steps)
	for i := range c {
		c[i].Headers = slices.Clone(c[i].Headers)
		c[i].Query = slices.Clone(c[i].Query)
	}
	return c
}
