package integration

import (
	"context"
	"time"
)

// AuditEvent records one call of [Service.RunAction] for the host's audit trail
// ([Options].Audit): who ran what, when, and how it ended. It names the contact and the
// conversation by ID only, the action's request by its URL template as the admin wrote it, and
// the inputs by field name: it never holds a secret, a contact's name, email, phone number or
// attributes, an expanded URL, an input's value or a response.
type AuditEvent struct {
	// Time is when the run started, on the Service's clock (Options.Now).
	Time time.Time `json:"time"`
	// TeamID is the actor's team; AgentID and AgentEmail the agent of the
	// [ActionRequest], empty when it named none.
	TeamID     string `json:"team_id"`
	AgentID    string `json:"agent_id,omitempty"`
	AgentEmail string `json:"agent_email,omitempty"`
	// InboxID, ContactID and ConversationID say where the agent was. InboxID, IntegrationID
	// and Action are as requested (cut at 128 and 64 bytes) when the run was refused as
	// not found.
	InboxID        string `json:"inbox_id"`
	ContactID      string `json:"contact_id,omitempty"`
	ConversationID string `json:"conversation_id,omitempty"`
	// IntegrationID, IntegrationVersion and Action name what ran; Method and URLTemplate
	// describe the action's request (empty when the action was not found).
	IntegrationID      string `json:"integration_id"`
	IntegrationVersion int64  `json:"integration_version,omitempty"`
	Action             string `json:"action"`
	Method             string `json:"method,omitempty"`
	URLTemplate        string `json:"url_template,omitempty"`
	// Inputs names the action's fields the agent gave a value for, in form order.
	Inputs []string `json:"inputs,omitempty"`
	// Outcome is OutcomeOK, OutcomeFailed or OutcomeRefused; Refusal says why a run was
	// refused (RefusalNotFound, ...).
	Outcome Outcome `json:"outcome"`
	Refusal string  `json:"refusal,omitempty"`
	// HTTPStatus is the upstream's status, 0 when nothing came back; Category classifies a
	// failure as on cards.
	HTTPStatus int      `json:"http_status,omitempty"`
	Category   Category `json:"category,omitempty"`
	// Duration is how long the run took.
	Duration time.Duration `json:"duration_ns"`
}

// AuditFunc receives an [AuditEvent] per action run; see [Options].Audit.
type AuditFunc func(ctx context.Context, e AuditEvent)
