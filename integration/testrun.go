package integration

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/template"
)

// TestRequest is a test run from the integration editor's Testing tab.
type TestRequest struct {
	// Integration is the integration as edited: saved (ID set; secret values left empty or
	// [Redacted] use the stored ones) or not yet saved (ID empty; secret values in clear).
	Integration *Integration
	// Contact, Conversation and Inbox are the sample data the variables take their values
	// from. Inbox.TeamID is ignored.
	Contact      Contact
	Conversation *Conversation
	Inbox        Inbox
	// Agent and Team are the agent.* and team.* sample values (see [ProfileRequest]); team.id
	// is the actor's TeamID.
	Agent *Agent
	Team  *Team
	// Live sends the request; otherwise the run is a dry run that only expands it.
	Live bool
	// ConfirmSend must be set for a live run of a method other than GET, which may change data
	// upstream.
	ConfirmSend bool
	// Action, when set, tests the integration's action of that name instead of the
	// integration's own request, with Inputs as the values an agent would enter (see
	// [Action]); ConfirmSend is then about the action's method. The result's Preview is the
	// message the agent would see.
	Action string
	Inputs map[string]string
}

// SentRequest is a request as sent (or, in a dry run, as it would be sent), with secret values
// [Redacted].
type SentRequest struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Header http.Header `json:"header"`
	Body   string      `json:"body,omitempty"`
}

// Timing breaks a live test run's upstream call down (see httpexec.Timing).
type Timing struct {
	DNS       time.Duration `json:"dns_ns"`
	Connect   time.Duration `json:"connect_ns"`
	TLS       time.Duration `json:"tls_ns"`
	FirstByte time.Duration `json:"first_byte_ns"`
}

// TestResult is the outcome of a test run. Every secret value is [Redacted] in it, including
// where the upstream echoed one back.
type TestResult struct {
	// Request is the expanded request.
	Request SentRequest `json:"request"`
	// Sent reports whether the request was sent (a live run with every required variable).
	Sent bool `json:"sent"`
	// Success reports a dry run that expanded, or a live run answered with a 2xx status whose
	// body rendered.
	Success bool `json:"success"`
	// Reason is set when a profile load with this sample data would give a
	// StatusNotApplicable card: [ReasonCondition] when the run condition does not hold,
	// [ReasonMissingVariables] when required variables are empty (Missing lists them). A live
	// run then sends nothing, as a profile load would; a dry run still shows the request.
	Reason string `json:"reason,omitempty"`
	// Missing lists required variables the sample data leaves empty.
	Missing []string `json:"missing,omitempty"`
	// StatusCode, Header and Body are the response; Body is capped (BodyTruncated).
	StatusCode    int         `json:"status_code,omitempty"`
	Header        http.Header `json:"header,omitempty"`
	Body          string      `json:"body,omitempty"`
	BodyTruncated bool        `json:"body_truncated,omitempty"`
	// Duration and Timing measure the upstream call; Attempts counts retries too.
	Duration time.Duration `json:"duration_ns,omitempty"`
	Timing   Timing        `json:"timing"`
	Attempts int           `json:"attempts,omitempty"`
	// Error is the failure as an agent would see it; Detail adds the technical reason for the
	// admin (no secret, header value or query string).
	Error  *CardError `json:"error,omitempty"`
	Detail string     `json:"detail,omitempty"`
	// Steps are the further steps of a chained integration, in order, after the integration's
	// own request above: in a live run each step that was reached, with its request and
	// response; in a dry run, which sends nothing and so cannot expand them, their names.
	Steps []TestStep `json:"steps,omitempty"`
	// Preview is the display template rendered on the response, with its diagnostics.
	Preview *template.Output `json:"preview,omitempty"`
	// Activities are the lines the integration's triggers would post for this response, one
	// per trigger in order, whatever event each runs on (see [Trigger]); they have no Key, as
	// a test run reports no event.
	Activities []Activity `json:"activities,omitempty"`
}

// TestStep is one further step of a chained integration's test run, with every secret value
// [Redacted].
type TestStep struct {
	Name string `json:"name"`
	// Request is the step's expanded request (zero when it was not expanded).
	Request SentRequest `json:"request"`
	Sent    bool        `json:"sent"`
	// Missing lists the values the step needs that the earlier responses lack; then nothing
	// was sent.
	Missing []string `json:"missing,omitempty"`
	// StatusCode, Header and Body are the step's response; Body is capped (BodyTruncated).
	StatusCode    int           `json:"status_code,omitempty"`
	Header        http.Header   `json:"header,omitempty"`
	Body          string        `json:"body,omitempty"`
	BodyTruncated bool          `json:"body_truncated,omitempty"`
	Duration      time.Duration `json:"duration_ns,omitempty"`
	// Error and Detail are as in [TestResult].
	Error  *CardError `json:"error,omitempty"`
	Detail string     `json:"detail,omitempty"`
}

// Test runs a test of r.Integration for an admin of the actor's team. It never reads or writes
// the response cache. A dry run returns the expanded request; a live run sends it and returns
// the response, its timing and the template preview. It returns a *ValidationError when the
// integration is invalid, ErrConfirmationRequired for an unconfirmed live non-GET run,
// ErrForbidden for a non-admin and ErrNotFound for a saved integration of another team;
// failures of the run itself are reported in the result.
func (s *Service) Test(ctx context.Context, actor Actor, r *TestRequest) (*TestResult, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errors.New("integration: nil TestRequest")
	}
	in := r.Integration.Clone()
	if in == nil {
		in = &Integration{}
	}
	method := in.EffectiveMethod()
	if r.Action != "" {
		i := slices.IndexFunc(in.Actions, func(a Action) bool { return a.Name == r.Action })
		if i < 0 {
			return nil, &ValidationError{Problems: []Problem{{Path: "/action", Code: CodeInvalid, Message: "the integration has no action of this name"}}}
		}
		method = in.Actions[i].EffectiveMethod()
	}
	if r.Live && method != MethodGet && !r.ConfirmSend {
		return nil, ErrConfirmationRequired
	}
	var prev *Integration
	if in.ID != "" {
		p, err := s.get(ctx, actor.TeamID, in.ID)
		if err != nil {
			return nil, err
		}
		prev = p
	}
	in.TeamID = actor.TeamID
	c, err := compileEdit(in, keepSecrets(prev, in))
	if err != nil {
		return nil, err
	}
	if r.Action != "" {
		return s.testAction(ctx, r, in, c)
	}
	res := &TestResult{}
	v := newVars(&r.Contact, r.Conversation, &r.Inbox, r.Agent, r.Team, actor.TeamID, s.now(), s.loc)
	res.Missing = c.missing(v)
	if len(res.Missing) > 0 {
		res.Reason = ReasonMissingVariables
	}
	if ok, err := c.holds(v); err != nil {
		res.Error, res.Detail = cardError(&requestError{err}), "the sample data cannot be checked against the run condition"
		return res, nil
	} else if !ok {
		res.Reason = ReasonCondition
	}
	shown := *v
	shown.secrets = redacted{}
	view, err := c.build(in, &shown)
	if err != nil {
		res.Error, res.Detail = cardError(err), err.Error()
		return res, nil
	}
	res.Request = SentRequest{Method: view.Method, URL: view.URL, Header: view.Header, Body: string(view.Body)}
	if !r.Live {
		for _, st := range c.steps {
			res.Steps = append(res.Steps, TestStep{Name: st.name, Detail: "a dry run sends nothing, so this step, which reads the responses before it, is not expanded"})
		}
	}
	if !r.Live || res.Reason != "" {
		res.Success = res.Reason == ""
		return res, nil
	}

	o, err := s.open(ctx, in, c)
	if err != nil {
		res.Error, res.Detail = cardError(err), err.Error()
		return res, nil
	}
	if o != nil {
		v.secrets = o
	}
	secrets := o.values()
	req, err := c.build(in, v)
	if err != nil {
		res.Error, res.Detail = cardError(err), scrub(err.Error(), secrets)
		return res, nil
	}
	secrets = sentSecrets(o, req)
	req.CacheTTL, req.Refresh = 0, true // never read (nor write) the cache
	start := s.now()
	res.Sent = true
	resp, err := s.exec.Do(ctx, req)
	res.Duration = s.now().Sub(start)
	var body []byte // the response body with echoed secrets redacted
	if resp != nil {
		body = scrubBytes(resp.Body.Bytes(), secrets)
		res.StatusCode = resp.StatusCode
		res.Header = scrubHeader(resp.Header.Clone(), secrets)
		res.Body, res.BodyTruncated = capText(string(body), s.maxTestBody)
		res.Attempts = resp.Attempts
		res.Timing = Timing(resp.Timing)
		if resp.Duration > 0 {
			res.Duration = resp.Duration
		}
	}
	if err != nil {
		res.Error, res.Detail = cardError(err), scrub(err.Error(), secrets)
		return res, nil
	}
	if len(c.steps) > 0 {
		var ok bool
		if body, secrets, ok = s.testSteps(ctx, in, c, v, o, body, secrets, res); !ok {
			return res, nil
		}
	}
	var card Card
	if err := s.render(c, body, start, v.loc, &card); err != nil {
		res.Error, res.Detail = cardError(err), scrub(err.Error(), secrets)
		return res, nil
	}
	res.Preview = card.Output
	res.Activities = s.previewActivities(in, c, body, start, v.loc, secrets)
	res.Success = true
	return res, nil
}

// capText returns s cut to at most n bytes on a rune boundary, and whether it was cut.
func capText(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// testSteps runs the further steps of a chained test run after the integration's own response
// first (secrets redacted), reporting each in res.Steps. It returns the document to preview and
// the secret values to scrub, or false when the run ended at a step (res says why).
func (s *Service) testSteps(ctx context.Context, in *Integration, c *compiled, v *vars, o *opened, first []byte, secrets []string, res *TestResult) ([]byte, []string, bool) {
	if err := template.Validate(first); err != nil {
		err := &stepError{c.stepName, err}
		res.Error, res.Detail = cardError(err), err.Error()
		return nil, secrets, false
	}
	sb := &stepBodies{names: []string{c.stepName}, bodies: []string{string(first)}}
	sv := *v
	sv.steps = sb
	for i := range c.steps {
		st := &c.steps[i]
		ts := TestStep{Name: st.name}
		sin := stepIntegration(in, i)
		stepFail := func(err error) ([]byte, []string, bool) {
			err = &stepError{st.name, err}
			ts.Error, ts.Detail = cardError(err), scrub(err.Error(), secrets)
			res.Error, res.Detail = ts.Error, ts.Detail
			res.Steps = append(res.Steps, ts)
			return nil, secrets, false
		}
		shown := sv
		shown.secrets = redacted{}
		view, err := st.c.build(sin, &shown)
		if name, ok := stepValueMissing(err); ok {
			ts.Missing = []string{name}
			res.Steps = append(res.Steps, ts)
			if st.showEarlier {
				break
			}
			res.Reason = ReasonMissingStepValue
			return nil, secrets, false
		}
		if err != nil {
			return stepFail(err)
		}
		ts.Request = SentRequest{Method: view.Method, URL: view.URL, Header: view.Header, Body: string(view.Body)}
		req, err := st.c.build(sin, &sv)
		if err != nil {
			return stepFail(err)
		}
		secrets = append(secrets, sentSecrets(o, req)...)
		req.CacheTTL, req.Refresh = 0, true // never read (nor write) the cache
		start := s.now()
		ts.Sent = true
		resp, err := s.exec.Do(ctx, req)
		ts.Duration = s.now().Sub(start)
		var body []byte
		if resp != nil {
			body = scrubBytes(resp.Body.Bytes(), secrets)
			ts.StatusCode = resp.StatusCode
			ts.Header = scrubHeader(resp.Header.Clone(), secrets)
			ts.Body, ts.BodyTruncated = capText(string(body), s.maxTestBody)
			if resp.Duration > 0 {
				ts.Duration = resp.Duration
			}
		}
		if err != nil {
			return stepFail(err)
		}
		if err := template.Validate(body); err != nil {
			return stepFail(err)
		}
		res.Steps = append(res.Steps, ts)
		sb.names, sb.bodies = append(sb.names, st.name), append(sb.bodies, string(body))
	}
	return stepsDocument(sb), secrets, true
}
