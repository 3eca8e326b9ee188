package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/inboxkit/inboxkit/template"
)

// Reasons a card is [StatusNotApplicable] (Card.Reason, TestResult.Reason).
const (
	// ReasonMissingVariables: a required variable is empty for this contact (Card.Missing
	// lists them).
	ReasonMissingVariables = "missing_variables"
	// ReasonCondition: the integration's run condition does not hold for this contact,
	// conversation and inbox. A front end usually leaves such a card out of the sheet.
	ReasonCondition = "condition_not_met"
	// ReasonMissingStepValue: a later step of a chained integration needs a value an earlier
	// step's response does not have (Card.Missing names it), and the step does not ask to show
	// the earlier steps instead.
	ReasonMissingStepValue = "missing_step_value"
)

// conditionPath is the JSON pointer of the run condition in the integration's encoding.
const conditionPath = "/condition"

// compileCondition parses the run condition raw (nil for none). Its problems are reported under
// /condition, and each path must name a variable of the condition document: a misspelt
// "contact.atributes.plan" would otherwise never hold and hide the card from everyone.
func compileCondition(ps *problems, raw json.RawMessage) *template.Condition {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil
	}
	c, err := template.ParseCondition(t)
	if err != nil {
		if pe, ok := errors.AsType[*template.ParseError](err); ok && len(pe.Problems) > 0 {
			for _, p := range pe.Problems {
				p.Path = conditionPath + p.Path
				*ps = append(*ps, p)
			}
		} else {
			ps.add(conditionPath, CodeInvalid, "%s", err.Error())
		}
		return nil
	}
	bad := false
	for _, p := range c.Paths() {
		if !conditionVariable(p.Path) {
			bad = true
			ps.add(conditionPath+p.Pointer, CodeUnknownVariable,
				"%q is not a contact, conversation, inbox, agent or team variable", truncate(p.Path, 100))
		}
	}
	if bad {
		return nil
	}
	return c
}

// conditionVariable reports whether path reads the condition document: a variable
// ("contact.email"), a part of one ("conversation.labels.#") or a whole object
// ("contact.attributes").
func conditionVariable(path string) bool {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "$root."), "$this.")
	switch path {
	case "contact", "contact.attributes", "conversation", "inbox", "agent", "team":
		return true
	}
	for p := path; ; {
		if p != "now" && IsVariable(p) {
			return true
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// conditionDoc is the document a run condition reads: the variables of a run as JSON objects,
// with empty values left out (an empty value is undefined, as in request templates) and the
// conversation's labels as an array.
type conditionDoc struct {
	Contact      condContact `json:"contact"`
	Conversation condConv    `json:"conversation"`
	Inbox        condPair    `json:"inbox"`
	Agent        condAgent   `json:"agent"`
	Team         condTeam    `json:"team"`
}

type condContact struct {
	ID          string            `json:"id,omitempty"`
	Name        string            `json:"name,omitempty"`
	Email       string            `json:"email,omitempty"`
	PhoneNumber string            `json:"phone_number,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"`
}

type condConv struct {
	ID         string   `json:"id,omitempty"`
	Subject    string   `json:"subject,omitempty"`
	Status     string   `json:"status,omitempty"`
	Channel    string   `json:"channel,omitempty"`
	AssigneeID string   `json:"assignee_id,omitempty"`
	Labels     []string `json:"labels,omitempty"`
}

type condPair struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type condAgent struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

type condTeam struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
}

// holds reports whether the run condition of c holds for v (true when there is none).
func (c *compiled) holds(v *vars) (bool, error) {
	if c.cond == nil {
		return true, nil
	}
	d := conditionDoc{
		Contact: condContact{ID: v.contact.ID, Name: v.contact.Name, Email: v.contact.Email, PhoneNumber: v.contact.PhoneNumber},
		Inbox:   condPair{ID: v.inbox.ID, Name: v.inbox.Name},
		Team:    condTeam{ID: v.teamID, TimeZone: v.loc.String()},
	}
	for k, val := range v.contact.Attributes {
		if val != "" {
			if d.Contact.Attributes == nil {
				d.Contact.Attributes = make(map[string]string, len(v.contact.Attributes))
			}
			d.Contact.Attributes[k] = val
		}
	}
	if cv := v.conv; cv != nil {
		d.Conversation = condConv{ID: cv.ID, Subject: cv.Subject, Status: cv.Status, Channel: cv.Channel, AssigneeID: cv.AssigneeID, Labels: cv.Labels}
	}
	if a := v.agent; a != nil {
		d.Agent = condAgent(*a)
	}
	if t := v.team; t != nil {
		d.Team.Name = t.Name
	}
	b, err := json.Marshal(&d)
	if err != nil {
		return false, err
	}
	return c.cond.Match(b)
}
