package integration

import (
	"strings"
	"time"
)

// Variable describes one variable an integration's request templates may reference, for an
// editor's variable list and for validation: [Variables] is the one list both read.
type Variable struct {
	// Name is the variable's name, or for a Prefix entry the prefix ("contact.attributes.")
	// that any longer name continues.
	Name string `json:"name"`
	// Description says what the value is, for an admin.
	Description string `json:"description"`
	// Example is a value it might take.
	Example string `json:"example"`
	// Prefix reports that Name is a prefix: "contact.attributes.plan" is one such variable.
	Prefix bool `json:"prefix,omitempty"`
	// HeaderOnly reports that the variable may be referenced in header values only.
	HeaderOnly bool `json:"header_only,omitempty"`
}

// Variables returns every variable an integration's request templates may reference, in the
// order an editor lists them. The same list decides what Validate accepts. A chained request's
// later steps may also reference steps.NAME.body.PATH of an earlier step (see [Step]), and an
// action's templates input.NAME of its fields (see [Action]). The caller may modify the
// returned slice.
func Variables() []Variable {
	return []Variable{
		{Name: "contact.id", Description: "The contact's ID in the helpdesk.", Example: "c_8f2a"},
		{Name: "contact.name", Description: "The contact's full name.", Example: "Ada Lovelace"},
		{Name: "contact.email", Description: "The contact's email address.", Example: "ada@example.com"},
		{Name: "contact.phone_number", Description: "The contact's phone number as stored (format it with e164).", Example: "+44 20 7946 0958"},
		{Name: attributesPrefix, Prefix: true, Description: "A custom contact attribute, by name: contact.attributes.plan.", Example: "vip"},
		{Name: "conversation.id", Description: "The ID of the conversation the profile is opened from.", Example: "conv_1001"},
		{Name: "conversation.subject", Description: "The conversation's subject.", Example: "Where is my order?"},
		{Name: "conversation.status", Description: "The conversation's status, as the helpdesk names it.", Example: "open"},
		{Name: "conversation.channel", Description: "The channel the conversation came in on.", Example: "email"},
		{Name: "conversation.assignee_id", Description: "The ID of the agent the conversation is assigned to.", Example: "agent_7"},
		{Name: "conversation.labels", Description: "The conversation's labels, joined with commas.", Example: "billing,urgent"},
		{Name: "inbox.id", Description: "The inbox's ID.", Example: "inbox_support"},
		{Name: "inbox.name", Description: "The inbox's name.", Example: "Support"},
		{Name: "agent.id", Description: "The ID of the agent viewing the profile.", Example: "agent_7"},
		{Name: "agent.name", Description: "The name of the agent viewing the profile.", Example: "Grace Hopper"},
		{Name: "agent.email", Description: "The email address of the agent viewing the profile.", Example: "grace@helpdesk.example"},
		{Name: "team.id", Description: "The team's ID.", Example: "team_1"},
		{Name: "team.name", Description: "The team's name.", Example: "Acme Support"},
		{Name: "team.time_zone", Description: "The team's time zone (IANA name).", Example: "Europe/London"},
		{Name: "now", Description: "The current time in the team's time zone (RFC 3339, to the minute); format it with date, shift it with add_days.", Example: "2026-12-02T06:40:00Z"},
		{Name: secretPrefix, Prefix: true, HeaderOnly: true, Description: "One of the integration's secrets, by name: secret.token. Header values only.", Example: Redacted},
	}
}

// Agent is the helpdesk user viewing a profile (or running a test): the values of the agent.*
// variables. The host fills it from its session, as it does [Actor].
type Agent struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Team is what the host knows of the acting team beyond its ID: the values of team.name and
// team.time_zone, and the zone the now variable is given in. team.id is the actor's TeamID.
type Team struct {
	Name string `json:"name"`
	// Location is the team's time zone: team.time_zone, the zone of now, and the zone the
	// dates of the team's cards render in. If nil, the Service's Options.Location is used.
	Location *time.Location `json:"-"`
}

// varNames returns the exact names and the prefixes of Variables, excluding header-only ones,
// and the header-only prefixes.
func varNames() (names, prefixes, headerOnly []string) {
	for _, v := range Variables() {
		switch {
		case v.HeaderOnly:
			headerOnly = append(headerOnly, v.Name)
		case v.Prefix:
			prefixes = append(prefixes, v.Name)
		default:
			names = append(names, v.Name)
		}
	}
	return names, prefixes, headerOnly
}

// IsVariable reports whether name is a variable an integration may reference outside headers
// (see [Variables]). Step references (steps.NAME.body.PATH) are checked against the steps of an
// integration by Validate, not here.
func IsVariable(name string) bool {
	for _, v := range Variables() {
		switch {
		case v.HeaderOnly:
		case v.Prefix:
			if len(name) > len(v.Name) && strings.HasPrefix(name, v.Name) {
				return true
			}
		case v.Name == name:
			return true
		}
	}
	return false
}

// nowValue is the value of the now variable at t in loc: RFC 3339 to the minute, so that a
// request that sends it is cached for up to a minute rather than never.
func nowValue(t time.Time, loc *time.Location) string {
	return t.In(loc).Truncate(time.Minute).Format(time.RFC3339)
}
