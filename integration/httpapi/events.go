package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

// EventRequest is the body of reportEvent: a conversation event as the host reports it. The
// inbox and the conversation are the path's.
type EventRequest struct {
	// ID is the host's ID of the event, the same on every report of it: reporting an event
	// again posts nothing twice.
	ID string `json:"id"`
	// Type is what happened: one of integration.EventTypes. Another type runs no trigger.
	Type string `json:"type"`
	// Label is the label added, for conversation.label_added.
	Label string `json:"label,omitempty"`
	// Contact is the conversation's contact: the contact.* variables.
	Contact integration.Contact `json:"contact"`
	// Conversation is the conversation as it is after the event (status, labels, assignee):
	// the conversation.* variables. Its id, if sent, must be the path's.
	Conversation *integration.Conversation `json:"conversation,omitempty"`
	// Agent is the agent who caused the event, if any: the agent.* variables.
	Agent *integration.Agent `json:"agent,omitempty"`
	// OccurredAt is when the event happened; omitted if unknown.
	OccurredAt *time.Time `json:"occurred_at,omitempty"`
}

// EventResult is the body of reportEvent once the event is settled: what became of each
// activity its triggers gave, in the order of integration.Service.RunTriggers.
type EventResult struct {
	EventID    string          `json:"event_id"`
	Activities []EventActivity `json:"activities"`
}

// The statuses of an EventActivity.
const (
	// ActivityPosted: the line was posted into the conversation by this report.
	ActivityPosted = "posted"
	// ActivityDuplicate: an earlier report of the event posted it; nothing was posted again.
	ActivityDuplicate = "duplicate"
	// ActivityNotApplicable: the trigger has nothing to post for this event (Reason says why).
	ActivityNotApplicable = "not_applicable"
	// ActivityFailed: the activity failed for good (Error says why); reporting the event again
	// would not help.
	ActivityFailed = "failed"
)

// EventActivity is what became of one trigger's activity.
type EventActivity struct {
	IntegrationID string `json:"integration_id"`
	// Trigger is the trigger's name (integration.Trigger.Name).
	Trigger string `json:"trigger"`
	// Key is the activity's idempotency key (integration.Activity.Key).
	Key string `json:"key"`
	// Status is ActivityPosted, ActivityDuplicate, ActivityNotApplicable or ActivityFailed.
	Status string `json:"status"`
	// Text, Link and Icon are the line as posted (or as it would have been).
	Text string `json:"text,omitempty"`
	Link string `json:"link,omitempty"`
	Icon string `json:"icon,omitempty"`
	// MessageID is the host's ID of the posted message (posted and duplicate).
	MessageID string `json:"message_id,omitempty"`
	// Reason and Missing say why an activity is not applicable, as for a card.
	Reason  string   `json:"reason,omitempty"`
	Missing []string `json:"missing,omitempty"`
	// Error is a sentence saying why an activity failed: agent-safe, never a response body.
	Error string `json:"error,omitempty"`
	// Category is the failure's category when the integration failed (see CardError).
	Category string `json:"category,omitempty"`
}

// retryAfterSeconds is the Retry-After of a 503 answer to reportEvent.
const retryAfterSeconds = 5

func (h *Handler) reportEvent(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	if h.triggers == nil {
		return &apiError{http.StatusNotImplemented, CodeNotImplemented, "This server does not run event triggers.", nil}
	}
	var body EventRequest
	if err := h.decode(r, "EventRequest", &body); err != nil {
		return err
	}
	convID := r.PathValue("conversation_id")
	ev := &integration.ConversationEvent{
		ID: body.ID, Type: body.Type, Label: body.Label, InboxID: r.PathValue("inbox_id"),
		Contact: body.Contact, Agent: body.Agent,
	}
	if body.Conversation != nil {
		if body.Conversation.ID != "" && body.Conversation.ID != convID {
			return badRequest("The body names another conversation than the path.",
				Problem{Path: "/conversation/id", Code: "id_mismatch", Message: "must be the conversation id of the path, or omitted"})
		}
		ev.Conversation = *body.Conversation
	}
	ev.Conversation.ID = convID
	if body.OccurredAt != nil {
		ev.OccurredAt = *body.OccurredAt
	}
	if h.viewer != nil {
		var err error
		if _, ev.Team, err = h.viewer(r.Context(), a); err != nil {
			return err
		}
	}
	results, err := h.triggers.Handle(r.Context(), a, ev)
	switch {
	case errors.Is(err, inbox.ErrTemporary):
		// Nothing is answered of the activities that did post: the retry answers them all
		// (as duplicates), so the host acts on one complete answer.
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		return &apiError{http.StatusServiceUnavailable, CodeTemporary,
			"Some activities of the event could not be posted yet; report the event again later. What was posted is not posted twice.", nil}
	case err != nil:
		if ve, ok := errors.AsType[*integration.ValidationError](err); ok {
			return invalid("The event is invalid.", eventProblems(ve.Problems)...)
		}
		return err
	}
	out := EventResult{EventID: ev.ID, Activities: make([]EventActivity, len(results))}
	for i := range results {
		out.Activities[i] = eventActivity(&results[i])
	}
	return writeJSON(w, http.StatusOK, out)
}

// eventActivity says what became of one settled activity.
func eventActivity(r *triggers.Result) EventActivity {
	act := &r.Activity
	ea := EventActivity{IntegrationID: act.IntegrationID, Trigger: act.Trigger, Key: act.Key,
		Text: act.Text, Link: act.Link, Icon: act.Icon}
	switch act.Status {
	case integration.StatusNotApplicable:
		ea.Status, ea.Reason, ea.Missing = ActivityNotApplicable, act.Reason, act.Missing
		return ea
	case integration.StatusOK:
	default:
		ea.Status, ea.Error = ActivityFailed, "The integration failed."
		if act.Error != nil {
			ea.Error, ea.Category = act.Error.Message, string(act.Error.Category)
		}
		return ea
	}
	switch {
	case r.Err != nil || r.Outcome == nil:
		// inbox refused the event as malformed: a host that does not know the ledger's
		// rules gets the sentence, not the error's text (which may quote the event).
		ea.Status, ea.Error = ActivityFailed, "The inbox refused the activity as malformed."
	case r.Outcome.Status == inbox.StatusSent:
		ea.Status = ActivityPosted
	case r.Outcome.Status == inbox.StatusDuplicate:
		ea.Status = ActivityDuplicate
	default: // StatusFailed: recorded in the ledger, for the host to replay
		ea.Status, ea.Error = ActivityFailed, "The host's inbox refused the message; it is recorded for replay."
	}
	if r.Outcome != nil && len(r.Outcome.Deliveries) == 1 {
		ea.MessageID = r.Outcome.Deliveries[0].MessageID
	}
	return ea
}

// eventProblems places the problems of an invalid event: those of the inbox and the
// conversation are the path's (the request as a whole, path ""), the others are the body's.
func eventProblems(ps []Problem) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		switch p.Path {
		case "/inbox_id":
			p.Path, p.Message = "", "the path's inbox_id: "+p.Message
		case "/conversation/id":
			p.Path, p.Message = "", "the path's conversation_id: "+p.Message
		}
		out[i] = p
	}
	return out
}

// eventRoute is the route of reportEvent.
func (h *Handler) eventRoute() *route {
	return &route{method: "POST", path: "/inboxes/{inbox_id}/conversations/{conversation_id}/events", op: "reportEvent", tag: "events",
		summary: "Report a conversation event: run the triggers it matches and post their activities into the conversation",
		description: "Any member of the team (the host reports events on its own behalf, as with integration.Service.RunTriggers). " +
			"Every attached, enabled, active integration of the inbox with a trigger on the event runs once and each matching trigger's line is posted into the conversation as an activity, exactly once per event id: " +
			"reporting the same event again posts nothing new (status duplicate), so the request is safe to retry. " +
			"200 when the event is settled, with what became of each activity (posted, duplicate, not_applicable, failed); " +
			"503 temporary with Retry-After when an activity or its post failed temporarily: report the event again later, and only what was not posted yet is posted. " +
			"422 for an invalid event (problems at its fields; those of the path's ids at \"\"), 404 for an inbox of another team, 501 when the server runs no triggers.",
		body: "EventRequest", ok: 200, result: "EventResult", errors: []int{400, 404, 413, 415, 422, 501, 503}, handle: h.reportEvent}
}

// eventSchemas are the schemas of reportEvent's bodies.
func eventSchemas() map[string]*schema {
	return map[string]*schema{
		"EventRequest": object("A conversation event as the host reports it; the inbox and the conversation are the path's.", []string{"id", "type"}, map[string]*schema{
			"id":           str("The host's ID of the event, the same on every report of it (at most 256 bytes, no control characters)."),
			"type":         str("What happened: " + strings.Join(integration.EventTypes(), ", ") + ". Another type runs no trigger."),
			"label":        str("The label added, for conversation.label_added."),
			"contact":      ref("Contact"),
			"conversation": ref("Conversation"),
			"agent":        ref("Agent"),
			"occurred_at":  dateTime("When the event happened."),
		}),
		"EventResult": object("What became of each activity of a settled event.", []string{"event_id", "activities"}, map[string]*schema{
			"event_id":   str(""),
			"activities": array(ref("EventActivity")),
		}),
		"EventActivity": object("What became of one trigger's activity.", []string{"integration_id", "trigger", "key", "status"}, map[string]*schema{
			"integration_id": str(""),
			"trigger":        str("The trigger's name."),
			"key":            str("The activity's idempotency key: integration id, trigger name and event id."),
			"status":         enum("posted by this report, duplicate (posted by an earlier report), not_applicable (nothing to post) or failed (for good).", ActivityPosted, ActivityDuplicate, ActivityNotApplicable, ActivityFailed),
			"text":           str("The line as posted, cleaned, at most 500 characters."),
			"link":           str(""),
			"icon":           str(""),
			"message_id":     str("The host's ID of the posted message."),
			"reason":         str("Why a not-applicable activity posts nothing: condition_not_met, missing_variables, missing_step_value, empty_text."),
			"missing":        array(str("")),
			"error":          str("Why an activity failed, for people."),
			"category":       str("The failure's category when the integration failed (see CardError)."),
		}),
	}
}
