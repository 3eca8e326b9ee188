package integration

// Attachment attaches a team's integration to one of the team's inboxes. Its cards appear on
// profiles loaded in that inbox, ordered by Position (then by integration ID).
type Attachment struct {
	IntegrationID string `json:"integration_id"`
	InboxID       string `json:"inbox_id"`
	// Enabled reports whether the integration runs in this inbox; an admin disables it per
	// inbox without detaching it.
	Enabled bool `json:"enabled"`
	// Position orders the cards of an inbox, smallest first.
	Position int `json:"position"`
}

// Inbox is a host inbox as the Service needs it: the team that owns it and the values of the
// inbox.id and inbox.name variables.
type Inbox struct {
	ID     string `json:"id"`
	TeamID string `json:"team_id"`
	Name   string `json:"name"`
}

// Contact is the contact whose profile is loaded. Its fields are the values of the contact.*
// variables; Attributes holds contact.attributes.NAME.
type Contact struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Email       string            `json:"email"`
	PhoneNumber string            `json:"phone_number"`
	Attributes  map[string]string `json:"attributes,omitempty"`
}

// Conversation is the conversation the profile is opened from, if any: the values of the
// conversation.* variables.
type Conversation struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
	// Status is the conversation's status as the helpdesk names it ("open", "pending",
	// "resolved").
	Status string `json:"status,omitempty"`
	// Channel is the channel it came in on ("email", "chat", "whatsapp").
	Channel string `json:"channel,omitempty"`
	// AssigneeID is the ID of the agent it is assigned to, "" when unassigned.
	AssigneeID string `json:"assignee_id,omitempty"`
	// Labels are its labels (tags). conversation.labels expands them joined with commas.
	Labels []string `json:"labels,omitempty"`
}

// Role is the acting user's role in their team, as the host knows it.
type Role string

// Roles. Only admins mutate integrations and attachments or run tests; members read and load
// profiles.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Actor is the user on whose behalf the Service acts, as authenticated by the host. The Service
// trusts it and scopes everything by TeamID: anything of another team is reported as
// [ErrNotFound].
type Actor struct {
	TeamID string
	Role   Role
}

func (a Actor) isAdmin() bool { return a.Role == RoleAdmin }
