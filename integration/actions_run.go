package integration

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/variables"
)

// ErrNotApplicable reports an action run for a contact its integration does not apply to: the
// run condition does not hold, or a required variable (of the integration, or one making up a
// whole path segment of the action's URL) is empty. The card shows no buttons then; nothing
// was sent.
var ErrNotApplicable = errors.New("integration: the action does not apply to this contact")

// ConfirmationError is RunAction's refusal to run an action that needs the agent's confirmation
// without [ActionRequest].Confirmed: nothing was sent. It wraps [ErrConfirmationRequired].
type ConfirmationError struct {
	// Prompt is the question to put to the agent (the action's [Action.Prompt]).
	Prompt string
}

// Error says that confirmation is required; it does not repeat the prompt.
func (e *ConfirmationError) Error() string {
	return "integration: the action needs the agent's confirmation"
}

// Unwrap returns ErrConfirmationRequired.
func (e *ConfirmationError) Unwrap() error { return ErrConfirmationRequired }

// ActionRequest asks to run one action of an integration for a contact in an inbox.
type ActionRequest struct {
	// InboxID is the inbox the contact is viewed in; it must belong to the actor's team.
	InboxID string
	// IntegrationID and Action name the integration, which must be attached, enabled and
	// active in the inbox, and its action.
	IntegrationID string
	Action        string
	// Contact, Conversation, Agent and Team are the variables' values, as in [ProfileRequest].
	Contact      Contact
	Conversation *Conversation
	Agent        *Agent
	Team         *Team
	// Inputs are the values the agent entered, by field name.
	Inputs map[string]string
	// Confirmed reports that the agent accepted the action's confirmation prompt.
	Confirmed bool
}

// Outcome is how an action run ended: [ActionResult].Status, [AuditEvent].Outcome.
type Outcome string

// Outcomes of an action run.
const (
	// OutcomeOK: the upstream answered with a 2xx status.
	OutcomeOK Outcome = "ok"
	// OutcomeFailed: the request was sent and failed, or could not be sent (a network error,
	// a timeout, a non-2xx status, a misconfigured integration).
	OutcomeFailed Outcome = "failed"
	// OutcomeRefused: RunAction refused the run before sending anything (AuditEvent.Refusal
	// says why); only audit records have it.
	OutcomeRefused Outcome = "refused"
)

// Why RunAction refused a run ([AuditEvent].Refusal).
const (
	RefusalNotFound             = "not_found"             // no such inbox, runnable integration or action for the actor's team
	RefusalNotApplicable        = "not_applicable"        // ErrNotApplicable
	RefusalInvalidInput         = "invalid_input"         // a *ValidationError at /inputs/NAME
	RefusalConfirmationRequired = "confirmation_required" // a *ConfirmationError
)

// ActionResult is the outcome of an action that was run: what the card shows the agent.
type ActionResult struct {
	// Status is OutcomeOK or OutcomeFailed.
	Status Outcome `json:"status"`
	// HTTPStatus is the upstream's status code, 0 when nothing came back.
	HTTPStatus int `json:"http_status"`
	// Message is for the agent: the text at the action's ResultPath in the response, after a
	// success or a failure (control and bidi characters removed, cut at 500 characters with
	// "…", secrets redacted); without one, "Done (HTTP 201)." for a success or Error's
	// message for a failure.
	Message string `json:"message"`
	// Error is the agent-safe description of a failure, as on cards.
	Error *CardError `json:"error,omitempty"`
	// Duration is how long the run took.
	Duration time.Duration `json:"duration_ns"`
}

// maxActionMessage caps ActionResult.Message, in runes.
const maxActionMessage = 500

// RunAction runs the action r.Action of the integration r.IntegrationID for r.Contact in the
// inbox r.InboxID, on behalf of any member of the inbox's team, and reports it to
// Options.Audit. In order, it returns an error wrapping ErrNotFound when the inbox is not the
// actor's team's, the integration is not attached, enabled and active there, or has no such
// action; ErrNotApplicable when the integration does not apply to the contact; a
// *ValidationError with problems at /inputs/NAME for missing, unknown or invalid inputs (also
// for a value its position cannot carry, such as a line break for a header); and a
// *ConfirmationError when the action needs confirmation and r.Confirmed is false. In all these
// cases nothing is sent. Otherwise the request is sent once, never through the cache (a GET
// action may be retried after a connection error or a 502, 503 or 504; any other never is),
// and its outcome, success or failure, is the result.
func (s *Service) RunAction(ctx context.Context, actor Actor, r *ActionRequest) (*ActionResult, error) {
	if r == nil {
		return nil, errors.New("integration: nil ActionRequest")
	}
	start := s.now()
	ev := AuditEvent{
		Time: start, TeamID: actor.TeamID, InboxID: truncate(r.InboxID, 128), IntegrationID: truncate(r.IntegrationID, 128),
		Action: truncate(r.Action, 64), ContactID: r.Contact.ID,
	}
	if r.Conversation != nil {
		ev.ConversationID = r.Conversation.ID
	}
	if r.Agent != nil {
		ev.AgentID, ev.AgentEmail = r.Agent.ID, r.Agent.Email
	}
	res, err := s.runAction(ctx, actor, r, start, &ev)
	ev.Duration = s.now().Sub(start)
	switch {
	case res != nil:
		res.Duration = ev.Duration
		ev.Outcome, ev.HTTPStatus = res.Status, res.HTTPStatus
		if res.Error != nil {
			ev.Category = res.Error.Category
		}
	case ev.Refusal != "":
		ev.Outcome = OutcomeRefused
	default: // the host's stores failed
		ev.Outcome, ev.Category = OutcomeFailed, httpexec.CategoryInternal
	}
	if s.audit != nil {
		s.audit(ctx, ev)
	}
	return res, err
}

// runAction is RunAction without the audit record, which it fills in as it learns.
func (s *Service) runAction(ctx context.Context, actor Actor, r *ActionRequest, start time.Time, ev *AuditEvent) (*ActionResult, error) {
	refuse := func(why string, err error) (*ActionResult, error) {
		ev.Refusal = why
		return nil, err
	}
	ib, err := s.inboxOf(ctx, actor.TeamID, r.InboxID)
	if errors.Is(err, ErrNotFound) {
		return refuse(RefusalNotFound, err)
	} else if err != nil {
		return nil, err
	}
	atts, byID, err := s.attached(ctx, ib)
	if err != nil {
		return nil, err
	}
	var in *Integration
	for _, a := range atts {
		if c := byID.find(a.IntegrationID); a.IntegrationID == r.IntegrationID && a.Enabled && c != nil && c.Active {
			in = c
		}
	}
	i := -1
	if in != nil {
		ev.IntegrationVersion = in.Version
		for j := range in.Actions {
			if in.Actions[j].Name == r.Action {
				i = j
			}
		}
	}
	if i < 0 {
		return refuse(RefusalNotFound, fmt.Errorf("integration %q: action %q: no such action in inbox %q: %w",
			truncate(r.IntegrationID, 128), truncate(r.Action, 64), truncate(r.InboxID, 128), ErrNotFound))
	}
	a := &in.Actions[i]
	ain := actionIntegration(in, i)
	ev.Method, ev.URLTemplate = a.EffectiveMethod(), a.URL
	fail := func(err error) (*ActionResult, error) {
		res := &ActionResult{Status: OutcomeFailed, Error: cardError(err)}
		res.Message = res.Error.Message
		s.log.LogAttrs(ctx, slog.LevelWarn, "integration: action failed", append(append(callAttrs(ain, ib.ID),
			slog.String("action", a.Name)), errorAttrs(res.Error.Category, err)...)...)
		return res, nil
	}
	c, err := s.compile(in)
	if err != nil {
		return fail(&configError{err})
	}
	ac, button := &c.actions[i], &c.buttons[i]
	for _, f := range button.Fields {
		if _, ok := r.Inputs[f.Name]; ok {
			ev.Inputs = append(ev.Inputs, f.Name)
		}
	}

	v := newVars(&r.Contact, r.Conversation, &ib, r.Agent, r.Team, ib.TeamID, start, s.loc)
	if ok, err := c.holds(v); err != nil {
		return fail(&requestError{err})
	} else if !ok || len(c.missing(v)) > 0 {
		return refuse(RefusalNotApplicable, ErrNotApplicable)
	}
	for _, name := range ac.required {
		if _, ok := v.Lookup(name); !ok {
			return refuse(RefusalNotApplicable, ErrNotApplicable)
		}
	}
	if v.inputs, err = checkInputs(button.Fields, r.Inputs); err != nil {
		return refuse(RefusalInvalidInput, err)
	}
	// Expand once with the secrets redacted: an input its position cannot carry is the
	// agent's to correct, before they are asked to confirm.
	shown := *v
	shown.secrets = redacted{}
	if _, err := ac.c.build(ain, &shown); err != nil {
		if p, ok := inputProblem(err); ok {
			return refuse(RefusalInvalidInput, &ValidationError{Problems: []Problem{p}})
		}
		return fail(err)
	}
	if button.Confirm != "" && !r.Confirmed {
		return refuse(RefusalConfirmationRequired, &ConfirmationError{Prompt: button.Confirm})
	}

	o, err := s.open(ctx, ain, ac.c)
	if err != nil {
		return fail(err)
	}
	if o != nil {
		v.secrets = o
	}
	req, err := ac.c.build(ain, v)
	if err != nil {
		return fail(err)
	}
	req.CacheTTL, req.Refresh = 0, true // an action is never served from, nor stored in, the cache
	req.NoRetry = req.Method != MethodGet
	resp, err := s.exec.Do(ctx, req)
	if err == nil && resp == nil { // a host Executor's bug: nothing says the action was done
		err = fmt.Errorf("integration: executor returned no response and no error (%T)", s.exec)
	}
	res := &ActionResult{Status: OutcomeOK}
	if resp != nil {
		res.HTTPStatus = resp.StatusCode
		if ac.result != nil {
			res.Message = s.resultMessage(ac.result, resp.Body.Bytes(), start, v.loc, sentSecrets(o, req))
		}
	}
	if err != nil {
		msg := res.Message
		res, _ = fail(err)
		if resp != nil {
			res.HTTPStatus = resp.StatusCode
		}
		if msg != "" {
			res.Message = msg
		}
		return res, nil
	}
	if res.Message == "" {
		res.Message = "Done (HTTP " + strconv.Itoa(res.HTTPStatus) + ")."
	}
	return res, nil
}

// inputProblem returns the problem of an input whose value its position cannot carry (a line
// break for a header, "../" for a path segment), when err is one.
func inputProblem(err error) (Problem, bool) {
	ve, ok := errors.AsType[*variables.ValueError](err)
	if !ok {
		return Problem{}, false
	}
	name, ok := strings.CutPrefix(ve.Name, inputPrefix)
	if !ok {
		return Problem{}, false
	}
	return Problem{Path: inputPath(name), Code: CodeInvalidValue, Message: "the value cannot be sent where the action uses it"}, true
}

// resultMessage returns the text the result template t renders from body in the zone loc (the
// team's, as on cards), with every secret value redacted and at most maxActionMessage runes, or
// "" when there is none.
func (s *Service) resultMessage(t *template.Template, body []byte, now time.Time, loc *time.Location, secrets []string) string {
	o, err := t.Render(body, &template.RenderOptions{Now: now, Location: loc}) // Render checks the JSON and its depth
	if err != nil || o == nil {
		return ""
	}
	for _, n := range o.Nodes {
		if n.Type == template.NodeText && strings.TrimSpace(n.Text) != "" {
			msg, cut := capRunes(strings.TrimSpace(scrub(n.Text, secrets)), maxActionMessage)
			if cut {
				msg += "…"
			}
			return msg
		}
	}
	return ""
}

// capRunes returns s cut to at most n runes, and whether it was cut.
func capRunes(s string, n int) (string, bool) {
	i := 0
	for j := range s {
		if i == n {
			return s[:j], true
		}
		i++
	}
	return s, false
}
