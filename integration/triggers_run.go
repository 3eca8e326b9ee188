package integration

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/template"
)

// ConversationEvent is something that happened to a conversation, as the host reports it to
// [Service.RunTriggers].
type ConversationEvent struct {
	// ID is the host's ID of the event, the same on every report of it: with the integration
	// and the trigger it makes the activity's Key, so that a redelivered event posts nothing
	// new. Required; at most 256 bytes of UTF-8 without control characters (C0, DEL or C1).
	ID string `json:"id"`
	// Type is what happened: one of [EventTypes]. Another type runs no trigger.
	Type string `json:"type"`
	// Label is the label added, for EventConversationLabelAdded.
	Label string `json:"label,omitempty"`
	// InboxID is the conversation's inbox; it must belong to the actor's team.
	InboxID string `json:"inbox_id"`
	// Contact is the conversation's contact: the contact.* variables.
	Contact Contact `json:"contact"`
	// Conversation is the conversation as it is after the event (its status, labels and
	// assignee): the conversation.* variables. Its ID is required.
	Conversation Conversation `json:"conversation"`
	// Agent is the agent who caused the event, if any: the agent.* variables.
	Agent *Agent `json:"agent,omitempty"`
	// Team is the team's name and time zone, as in [ProfileRequest].
	Team *Team `json:"team,omitempty"`
	// OccurredAt is when the event happened; zero if unknown.
	OccurredAt time.Time `json:"occurred_at,omitzero"`
}

// Activity is the result of one trigger for one event: the line to post into the
// conversation when Status is StatusOK, or why there is none.
type Activity struct {
	// IntegrationID and Trigger (the trigger's [Trigger].Name) name the trigger.
	IntegrationID string `json:"integration_id"`
	Trigger       string `json:"trigger"`
	// Key identifies the activity across reports of the event: the integration ID, the
	// trigger's name and the event ID, with '%' and '/' percent-escaped, joined by '/'
	// ("int_1/order_shipped/evt_9"; see [ActivityKey]). A poster uses it as its idempotency key.
	Key string `json:"key"`
	// Status is StatusOK (Text is set), StatusNotApplicable (Reason says why: the run
	// condition does not hold, a required variable is empty, a step lacks a value, or the text
	// rendered empty) or StatusError (Error says why).
	Status Status `json:"status"`
	// Text is the rendered, cleaned activity line, at most MaxActivityRunes runes, with every
	// secret value of the integration that the response echoes redacted.
	Text string `json:"text,omitempty"`
	// Link is the rendered link, "" when there is none or it was left out (unsafe, missing a
	// value, or holding a secret value or a redacted one).
	Link string `json:"link,omitempty"`
	// Icon is the trigger's icon.
	Icon string `json:"icon,omitempty"`
	// Reason and Missing say why an activity is StatusNotApplicable, as for a [Card].
	Reason  string   `json:"reason,omitempty"`
	Missing []string `json:"missing,omitempty"`
	// Error is the agent-safe failure of a StatusError activity.
	Error *CardError `json:"error,omitempty"`
	// FromCache reports that the integration's response came from the cache.
	FromCache bool `json:"from_cache"`
	// OccurredAt is the event's.
	OccurredAt time.Time `json:"occurred_at,omitzero"`
}

// ReasonEmptyText is the Reason of an activity whose text rendered empty (every value it shows
// is missing): there is nothing to post.
const ReasonEmptyText = "empty_text"

// Temporary reports whether a StatusError activity may succeed when the event is reported
// again: the upstream timed out, could not be reached, was rate limited or failed with a 5xx
// status (or with a stale cached response only), the run was canceled, or something
// unexpected failed. A 4xx status, a blocked address, a response that cannot be read or
// displayed, or a misconfigured integration is permanent: a retry would fail the same way.
func (a *Activity) Temporary() bool {
	if a.Status != StatusError || a.Error == nil {
		return false
	}
	switch a.Error.Category {
	case httpexec.CategoryTimeout, httpexec.CategoryNetwork, httpexec.CategoryRateLimited,
		httpexec.CategoryUpstream5xx, httpexec.CategoryCanceled, httpexec.CategoryInternal:
		return true
	}
	return false
}

// ActivityKey returns the [Activity].Key of the trigger named trigger ([Trigger].Name) of the
// integration integrationID for the event eventID. It depends on neither the trigger's position
// nor the integration's version, so an edit between two reports of an event (a trigger
// inserted, removed, reordered or reworded) posts no activity twice.
func ActivityKey(integrationID, trigger, eventID string) string {
	return keyPart(integrationID) + "/" + keyPart(trigger) + "/" + keyPart(eventID)
}

// keyPart escapes '%' and '/' in one part of a key, so that no two (integration, trigger,
// event) triples share a key.
func keyPart(s string) string {
	if !strings.ContainsAny(s, "%/") {
		return s
	}
	return strings.NewReplacer("%", "%25", "/", "%2F").Replace(s)
}

// maxEventID bounds ConversationEvent.ID, Type, Label and the conversation ID, in bytes.
const maxEventID = 256

// validate reports the problems of ev, with pointers into its JSON encoding.
func (ev *ConversationEvent) validate() error {
	var ps problems
	for _, f := range [...]struct {
		path, v  string
		required bool
	}{{"/id", ev.ID, true}, {"/type", ev.Type, true}, {"/inbox_id", ev.InboxID, true}, {"/conversation/id", ev.Conversation.ID, true}, {"/label", ev.Label, false}} {
		switch {
		case f.v == "" && f.required:
			ps.add(f.path, CodeRequired, "required")
		case len(f.v) > maxEventID:
			ps.add(f.path, CodeInvalid, "longer than %d bytes", maxEventID)
		case !utf8.ValidString(f.v) || strings.ContainsFunc(f.v, unicode.IsControl):
			// C1 controls too (U+0080-U+009F): package inbox refuses them in the activity's
			// key and conversation ID, and would refuse every post of the event for good.
			ps.add(f.path, CodeInvalid, "contains control characters or invalid UTF-8")
		}
	}
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	return nil
}

// triggerJob is one integration to run for an event, with the indexes of its matching triggers.
type triggerJob struct {
	in       *Integration
	triggers []int
	first    int // index of its first activity in the result
}

// RunTriggers runs the triggers of ev's inbox that match ev: for every integration attached,
// enabled and active there (in attachment order), each of its [Trigger]s whose On is ev.Type
// (and Label ev's label, for label_added) gives one [Activity], in trigger order. An
// integration with matching triggers runs once for the event, exactly as for a profile card
// with ev's contact, conversation, agent and team: its run condition, required variables,
// chained steps, the response cache and the executor; then each trigger renders its text and
// link over the document the display template would render.
//
// RunTriggers posts nothing: the caller posts the StatusOK activities, under their Key, through
// an exactly-once flow (package inbox's Syncer.Post; package integration/triggers does both). An
// activity whose integration failed is StatusError, and [Activity.Temporary] tells the caller
// whether reporting the event again later may succeed; a stale cached response is not used
// (it may predate the event), its upstream error is the activity's. Not applicable activities
// post nothing.
//
// Any member of the inbox's team may run triggers (the host reports events on its own behalf).
// RunTriggers fails only for an invalid event (a *ValidationError: no ID, type, inbox or
// conversation ID, or one with control characters), an inbox that is unknown or of another
// team ([ErrNotFound]), or a failing host store. An event no trigger matches returns no
// activities and no error.
func (s *Service) RunTriggers(ctx context.Context, actor Actor, ev *ConversationEvent) ([]Activity, error) {
	if ev == nil {
		return nil, errors.New("integration: nil ConversationEvent")
	}
	if err := ev.validate(); err != nil {
		return nil, err
	}
	if !slices.Contains(EventTypes(), ev.Type) {
		return nil, nil
	}
	ib, err := s.inboxOf(ctx, actor.TeamID, ev.InboxID)
	if err != nil {
		return nil, err
	}
	atts, byID, err := s.attached(ctx, ib)
	if err != nil {
		return nil, err
	}
	var (
		jobs []triggerJob
		n    int
	)
	for _, a := range atts {
		in := byID.find(a.IntegrationID)
		if !a.Enabled || in == nil || !in.Active {
			continue
		}
		job := triggerJob{in: in, first: n}
		for i := range in.Triggers {
			if in.Triggers[i].matches(ev) {
				job.triggers = append(job.triggers, i)
			}
		}
		if len(job.triggers) > 0 {
			jobs = append(jobs, job)
			n += len(job.triggers)
		}
	}
	if n == 0 {
		return nil, nil
	}
	acts := make([]Activity, n)
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	work := func() {
		for i := int(next.Add(1) - 1); i < len(jobs); i = int(next.Add(1) - 1) {
			s.trigger(ctx, &ib, ev, &jobs[i], acts[jobs[i].first:jobs[i].first+len(jobs[i].triggers)])
		}
	}
	for range min(len(jobs), s.maxCards) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	return acts, nil
}

// trigger runs job.in once for ev and fills one activity per matching trigger into out.
func (s *Service) trigger(ctx context.Context, ib *Inbox, ev *ConversationEvent, job *triggerJob, out []Activity) {
	in := job.in
	for k, i := range job.triggers {
		t := &in.Triggers[i]
		out[k] = Activity{IntegrationID: in.ID, Trigger: t.Name, Key: ActivityKey(in.ID, t.Name, ev.ID), Icon: t.Icon, OccurredAt: ev.OccurredAt}
	}
	// settle gives every activity the same status, reason or error.
	settle := func(status Status, reason string, missing []string, ce *CardError) {
		for k := range out {
			out[k].Status, out[k].Reason, out[k].Missing, out[k].Error = status, reason, missing, ce
		}
	}
	defer func() {
		if v := recover(); v != nil {
			settle(StatusError, "", nil, cardError(errPanic))
			for k := range out {
				out[k].Text, out[k].Link = "", ""
			}
			s.log.LogAttrs(ctx, slog.LevelError, "integration: trigger panicked", append(callAttrs(in, ib.ID),
				slog.String("panic", fmt.Sprintf("%T", v)), slog.String("stack", string(debug.Stack())))...)
		}
	}()
	fail := func(err error) {
		ce := cardError(err)
		settle(StatusError, "", nil, ce)
		s.log.LogAttrs(ctx, slog.LevelWarn, "integration: trigger failed",
			append(callAttrs(in, ib.ID), append(errorAttrs(ce.Category, err), slog.String("event", ev.Type))...)...)
	}
	start := s.now()
	c, err := s.compile(in)
	if err != nil {
		fail(&configError{err})
		return
	}
	v := newVars(&ev.Contact, &ev.Conversation, ib, ev.Agent, ev.Team, ib.TeamID, start, s.loc)
	if ok, err := c.holds(v); err != nil {
		fail(&requestError{err})
		return
	} else if !ok {
		settle(StatusNotApplicable, ReasonCondition, nil, nil)
		return
	}
	if m := c.missing(v); len(m) > 0 {
		settle(StatusNotApplicable, ReasonMissingVariables, m, nil)
		return
	}
	req, err := s.request(in, c, v)
	if err != nil {
		fail(err)
		return
	}
	resp, err := s.exec.Do(ctx, req)
	if err == nil && resp == nil {
		err = fmt.Errorf("integration: executor returned no response and no error (%T)", s.exec)
	}
	if err != nil { // a stale response too: it may predate the event
		fail(err)
		return
	}
	doc := resp.Body.Bytes()
	var card Card // what chain reports besides the document
	card.FromCache = resp.FromCache
	if len(c.steps) > 0 {
		doc, err = s.chain(ctx, in, c, v, false, resp, &card)
		switch {
		case err != nil:
			fail(err)
			return
		case doc == nil: // a step lacks a value
			settle(card.Status, card.Reason, card.Missing, nil)
			return
		case card.Stale: // a step's upstream failed: card.Error is its error
			settle(StatusError, "", nil, card.Error)
			s.log.LogAttrs(ctx, slog.LevelWarn, "integration: trigger failed", append(callAttrs(in, ib.ID),
				slog.String("category", string(card.Error.Category)), slog.String("step", card.Error.Step), slog.String("event", ev.Type))...)
			return
		}
	}
	// The body lost the secrets' echoes, escaped or not, before it was cached; the rendered
	// line, which is posted, is redacted again as a second guard.
	var secrets []string
	if hasSecrets(in) {
		o, err := s.open(ctx, in, c)
		if err != nil {
			fail(err)
			return
		}
		secrets = sentSecrets(o, nil)
	}
	for k, i := range job.triggers {
		out[k].FromCache = card.FromCache
		if err := s.renderActivity(&c.triggers[i], doc, start, v.loc, secrets, &out[k]); err != nil {
			ce := cardError(err)
			out[k].Status, out[k].Error = StatusError, ce
			s.log.LogAttrs(ctx, slog.LevelWarn, "integration: trigger failed",
				append(callAttrs(in, ib.ID), append(errorAttrs(ce.Category, err), slog.String("event", ev.Type))...)...)
		}
	}
}

// previewActivities renders every trigger of in (compiled as c) over doc for a test run, with
// the secret values the run sent redacted.
func (s *Service) previewActivities(in *Integration, c *compiled, doc []byte, now time.Time, loc *time.Location, secrets []string) []Activity {
	if len(c.triggers) == 0 {
		return nil
	}
	out := make([]Activity, len(c.triggers))
	for i := range c.triggers {
		out[i] = Activity{IntegrationID: in.ID, Trigger: in.Triggers[i].Name, Icon: in.Triggers[i].Icon}
		if err := s.renderActivity(&c.triggers[i], doc, now, loc, secrets, &out[i]); err != nil {
			out[i].Status, out[i].Error = StatusError, cardError(err)
		}
	}
	return out
}

// renderActivity renders the text and link of ct over doc into a: every value of secrets in the
// text is redacted, and a link holding one is left out.
func (s *Service) renderActivity(ct *compiledTrigger, doc []byte, now time.Time, loc *time.Location, secrets []string, a *Activity) error {
	o, err := ct.tmpl.Render(doc, &template.RenderOptions{Now: now, Location: loc})
	if err != nil {
		if errors.Is(err, template.ErrInvalidJSON) || errors.Is(err, template.ErrTooLarge) || errors.Is(err, template.ErrTooDeep) {
			return err
		}
		return fmt.Errorf("%w: %v", errRender, err)
	}
	var text, link string
	for _, n := range o.Nodes {
		switch n.Type {
		case template.NodeKeyValue:
			if len(n.Items) > 0 {
				text = n.Items[0].Value.Text
			}
		case template.NodeLink:
			link = n.Href
		}
	}
	a.Text = activityLine(scrub(text, secrets))
	if a.Text == "" {
		a.Status, a.Reason = StatusNotApplicable, ReasonEmptyText
		return nil
	}
	a.Status = StatusOK
	if ct.hasLink && link != "" && httpURL(link) && !missingAt(o.Diagnostics, triggerLinkPointer) && scrub(link, secrets) == link && !holdsRedacted(link) {
		a.Link = link
	}
	return nil
}

// redactedInURL is Redacted as a URL's path or query escapes it (url.PathEscape and
// url.QueryEscape agree on it).
const redactedInURL = "%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2"

// holdsRedacted reports whether the link href holds a value redacted from the response (as
// is, or escaped): it would link the wrong page.
func holdsRedacted(href string) bool {
	return strings.Contains(href, Redacted) || strings.Contains(href, redactedInURL)
}

// activityLine returns text on one line (runs of white space as one space, trimmed), cut at
// MaxActivityRunes with "…". text is already cleaned of control and bidi characters.
func activityLine(text string) string {
	line := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(line) <= MaxActivityRunes {
		return line
	}
	n := 0
	for i := range line {
		if n == MaxActivityRunes-1 {
			return strings.TrimSpace(line[:i]) + "…"
		}
		n++
	}
	return line
}

// httpURL reports whether href, which package template already checked, is http or https
// (template also allows mailto and tel, which an activity cannot link to).
func httpURL(href string) bool {
	scheme, _, ok := strings.Cut(href, ":")
	return ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https"))
}

// missingAt reports whether a value was missing at the template pointer ptr.
func missingAt(diags []template.Diagnostic, ptr string) bool {
	for _, d := range diags {
		if d.Pointer == ptr && d.Code == "missing_value" {
			return true
		}
	}
	return false
}
