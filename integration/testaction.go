package integration

import (
	"context"
	"fmt"
	"slices"

	"github.com/inboxkit/inboxkit/template"
)

// testAction is Test for the action r.Action of in (compiled as c): the action's request
// expanded with the sample data and r.Inputs, and sent when r.Live, never through the cache and
// never retried unless it is a GET. Invalid inputs are a *ValidationError at /inputs/NAME, as
// RunAction reports them; a sample the integration does not apply to is reported in Reason and
// Missing, and a live run then sends nothing.
func (s *Service) testAction(ctx context.Context, r *TestRequest, in *Integration, c *compiled) (*TestResult, error) {
	i := slices.IndexFunc(in.Actions, func(a Action) bool { return a.Name == r.Action })
	ac, button, ain := &c.actions[i], &c.buttons[i], actionIntegration(in, i)
	res := &TestResult{}
	v := newVars(&r.Contact, r.Conversation, &r.Inbox, r.Agent, r.Team, in.TeamID, s.now(), s.loc)
	res.Missing = c.missing(v)
	for _, name := range ac.required {
		if _, ok := v.Lookup(name); !ok && !slices.Contains(res.Missing, name) {
			res.Missing = append(res.Missing, name)
		}
	}
	if len(res.Missing) > 0 {
		res.Reason = ReasonMissingVariables
	}
	if ok, err := c.holds(v); err != nil {
		res.Error, res.Detail = cardError(&requestError{err}), "the sample data cannot be checked against the run condition"
		return res, nil
	} else if !ok {
		res.Reason = ReasonCondition
	}
	values, err := checkInputs(button.Fields, r.Inputs)
	if err != nil {
		return nil, err
	}
	v.inputs = values
	shown := *v
	shown.secrets = redacted{}
	view, err := ac.c.build(ain, &shown)
	if p, ok := inputProblem(err); ok {
		return nil, &ValidationError{Problems: []Problem{p}}
	}
	if err != nil {
		res.Error, res.Detail = cardError(err), err.Error()
		return res, nil
	}
	res.Request = SentRequest{Method: view.Method, URL: view.URL, Header: view.Header, Body: string(view.Body)}
	if !r.Live || res.Reason != "" {
		res.Success = res.Reason == ""
		return res, nil
	}

	o, err := s.open(ctx, ain, ac.c)
	if err != nil {
		res.Error, res.Detail = cardError(err), err.Error()
		return res, nil
	}
	if o != nil {
		v.secrets = o
	}
	req, err := ac.c.build(ain, v)
	if err != nil {
		res.Error, res.Detail = cardError(err), scrub(err.Error(), o.values())
		return res, nil
	}
	secrets := sentSecrets(o, req)
	req.CacheTTL, req.Refresh, req.NoRetry = 0, true, req.Method != MethodGet
	start := s.now()
	res.Sent = true
	resp, err := s.exec.Do(ctx, req)
	if err == nil && resp == nil {
		err = fmt.Errorf("integration: executor returned no response and no error (%T)", s.exec)
	}
	res.Duration = s.now().Sub(start)
	if resp != nil {
		body := scrubBytes(resp.Body.Bytes(), secrets)
		res.StatusCode = resp.StatusCode
		res.Header = scrubHeader(resp.Header.Clone(), secrets)
		res.Body, res.BodyTruncated = capText(string(body), s.maxTestBody)
		res.Attempts = resp.Attempts
		res.Timing = Timing(resp.Timing)
		if resp.Duration > 0 {
			res.Duration = resp.Duration
		}
		if ac.result != nil {
			if msg := s.resultMessage(ac.result, body, start, v.loc, secrets); msg != "" {
				res.Preview = &template.Output{Version: 1, Nodes: []template.Node{{Type: template.NodeText, Text: msg}}}
			}
		}
	}
	if err != nil {
		res.Error, res.Detail = cardError(err), scrub(err.Error(), secrets)
		return res, nil
	}
	res.Success = true
	return res, nil
}
