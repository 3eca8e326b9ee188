package httpapi

import (
	"encoding/json"
	"time"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/template"
)

// The request and response bodies of the API that are not types of package integration or
// template. Each has a schema of the same name in the OpenAPI document.

// IntegrationList is the body of listIntegrations.
type IntegrationList struct {
	Integrations []*integration.Integration `json:"integrations"`
}

// AttachmentList is the body of listInboxIntegrations and of the operations that change an
// inbox's attachments: the inbox's integrations in card order, enabled or not.
type AttachmentList struct {
	InboxID     string                 `json:"inbox_id"`
	Attachments []integration.Attached `json:"attachments"`
}

// AttachRequest is the body of attachIntegration.
type AttachRequest struct {
	// Position orders the inbox's cards, smallest first. If omitted, the card goes last.
	Position *int `json:"position,omitempty"`
}

// EnabledRequest is the body of setIntegrationEnabled.
type EnabledRequest struct {
	Enabled *bool `json:"enabled"`
}

// ReorderRequest is the body of reorderInboxIntegrations.
type ReorderRequest struct {
	// IntegrationIDs lists every integration attached to the inbox, first card first.
	IntegrationIDs []string `json:"integration_ids"`
}

// TestRequest is the body of testIntegration.
type TestRequest struct {
	// Integration is the integration as edited: saved (id set; secret values left empty or
	// redacted use the stored ones) or new (no id; secret values in clear).
	Integration  *integration.Integration  `json:"integration"`
	Contact      integration.Contact       `json:"contact"`
	Conversation *integration.Conversation `json:"conversation,omitempty"`
	Inbox        SampleInbox               `json:"inbox"`
	// Agent and Team are the sample values of the agent.* and team.* variables.
	Agent *integration.Agent `json:"agent,omitempty"`
	Team  *SampleTeam        `json:"team,omitempty"`
	// Live sends the request; otherwise it is only expanded (a dry run).
	Live bool `json:"live"`
	// ConfirmSend must be true for a live run of a method other than GET.
	ConfirmSend bool `json:"confirm_send"`
	// Action, when set, tests the integration's action of that name with Inputs as the
	// agent's values (see integration.TestRequest).
	Action string            `json:"action,omitempty"`
	Inputs map[string]string `json:"inputs,omitempty"`
}

// SampleInbox is the inbox of a test run's sample data.
type SampleInbox struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SampleTeam is the team of a test run's sample data: the values of team.name and
// team.time_zone (team.id is the acting team's).
type SampleTeam struct {
	Name string `json:"name"`
	// TimeZone is an IANA time zone name; the now variable is given in it. UTC if empty.
	TimeZone string `json:"time_zone,omitempty"`
}

// TemplateRequest is the body of validateTemplate and previewTemplate.
type TemplateRequest struct {
	// Template is the template definition.
	Template json.RawMessage `json:"template"`
	// Sample is the API response to render (previewTemplate only).
	Sample json.RawMessage `json:"sample,omitempty"`
	// Now is the time relative dates are measured from; if omitted, the server's clock.
	Now *time.Time `json:"now,omitempty"`
	// TimeZone is the IANA zone dates are shown in; if omitted, UTC.
	TimeZone string `json:"time_zone,omitempty"`
}

// ValidationResult is the body of validateTemplate.
type ValidationResult struct {
	Valid    bool      `json:"valid"`
	Problems []Problem `json:"problems"`
}

// PreviewResult is the body of previewTemplate.
type PreviewResult struct {
	Output *template.Output `json:"output"`
}

// PresetList is the body of listTemplatePresets.
type PresetList struct {
	Presets []template.Preset `json:"presets"`
}

// SuggestRequest is the body of suggestTemplate.
type SuggestRequest struct {
	Sample json.RawMessage `json:"sample"`
}

// SuggestResult is the body of suggestTemplate.
type SuggestResult struct {
	Template json.RawMessage `json:"template"`
}

// Profile is the body of loadProfile and refreshProfile: the cards in attachment order.
type Profile struct {
	Cards []integration.Card `json:"cards"`
}

// RefreshRequest is the body of refreshProfile.
type RefreshRequest struct {
	// IntegrationID refreshes that card only; if omitted, every card.
	IntegrationID string `json:"integration_id,omitempty"`
	// ConversationID is the conversation the profile is opened from, if any.
	ConversationID string `json:"conversation_id,omitempty"`
}

// ActionRequest is the body of runAction.
type ActionRequest struct {
	// ConversationID is the conversation the profile is opened from, if any.
	ConversationID string `json:"conversation_id,omitempty"`
	// Inputs are the values the agent entered, by field name.
	Inputs map[string]string `json:"inputs,omitempty"`
	// Confirmed reports that the agent accepted the action's confirmation prompt.
	Confirmed bool `json:"confirmed,omitempty"`
}

// InvalidateRequest is the body of invalidateCache: either an integration (every response
// of it, admins only) or a contact in an inbox (that contact's responses of the inbox's cards,
// or of IntegrationID's card only).
type InvalidateRequest struct {
	IntegrationID string `json:"integration_id,omitempty"`
	InboxID       string `json:"inbox_id,omitempty"`
	ContactID     string `json:"contact_id,omitempty"`
}

// The events of streamProfile, in order: one CardsEvent, one CardEvent per card as it is
// ready, then one DoneEvent.

// CardsEvent ("cards") lists the cards to come, each with status "loading".
type CardsEvent struct {
	Cards []integration.Card `json:"cards"`
}

// CardEvent ("card") is one finished card and its index in the CardsEvent's list.
type CardEvent struct {
	Index int              `json:"index"`
	Card  integration.Card `json:"card"`
}

// DoneEvent ("done") ends the stream; Cards is how many card events were sent.
type DoneEvent struct {
	Cards int `json:"cards"`
}

// WebhookReply is the body the inbox handler answers a webhook delivery with: the outcome's
// status on 2xx, a short error otherwise (never an echo of the delivery).
type WebhookReply struct {
	Status string `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}
