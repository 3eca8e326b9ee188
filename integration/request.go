package integration

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
)

// vars resolves the variables of one run. It implements variables.Resolver.
type vars struct {
	contact *Contact
	conv    *Conversation
	inbox   *Inbox
	agent   *Agent // nil: agent.* is empty
	team    *Team  // nil: team.name is empty
	teamID  string
	loc     *time.Location    // the team's zone: team.time_zone, and the zone of now
	now     time.Time         // the run's time; the now variable formats it when referenced
	steps   *stepBodies       // nil: steps.* is empty
	secrets secretValues      // nil: secret.* is empty
	inputs  map[string]string // an action's inputs by field name; nil: input.* is empty
}

// newVars returns the variables of one run at the time now: team.id is teamID and now is given
// in the team's zone, or in def when the team names none.
func newVars(contact *Contact, conv *Conversation, ib *Inbox, agent *Agent, team *Team, teamID string, now time.Time, def *time.Location) *vars {
	loc := def
	if team != nil && team.Location != nil {
		loc = team.Location
	}
	return &vars{contact: contact, conv: conv, inbox: ib, agent: agent, team: team, teamID: teamID,
		loc: loc, now: now}
}

// secretValues are one run's secret values, in one of three forms: in clear to send them
// (*opened), [Redacted] to show the request (redacted), or stand-ins that identify them without
// revealing them, to key the cache (standIns).
type secretValues interface {
	// secret returns the value of secret.name.
	secret(name string) string
	// header returns the value of the secret header at index in Integration.Headers.
	header(index int) string
}

// redacted shows every secret as Redacted.
type redacted struct{}

func (redacted) secret(string) string { return Redacted }
func (redacted) header(int) string    { return Redacted }

// Lookup implements variables.Resolver. An empty value counts as undefined, except in the
// expansion of a chained integration's step (v.steps set), where only a step reference can be
// undefined: a step's templates are strict, and an undefined step value is what makes the step
// not applicable.
func (v *vars) Lookup(name string) (string, bool) {
	var s string
	switch name {
	case "contact.id":
		s = v.contact.ID
	case "contact.name":
		s = v.contact.Name
	case "contact.email":
		s = v.contact.Email
	case "contact.phone_number":
		s = v.contact.PhoneNumber
	case "conversation.id":
		if v.conv != nil {
			s = v.conv.ID
		}
	case "conversation.subject":
		if v.conv != nil {
			s = v.conv.Subject
		}
	case "conversation.status":
		if v.conv != nil {
			s = v.conv.Status
		}
	case "conversation.channel":
		if v.conv != nil {
			s = v.conv.Channel
		}
	case "conversation.assignee_id":
		if v.conv != nil {
			s = v.conv.AssigneeID
		}
	case "conversation.labels":
		if v.conv != nil {
			s = strings.Join(v.conv.Labels, ",")
		}
	case "inbox.id":
		s = v.inbox.ID
	case "inbox.name":
		s = v.inbox.Name
	case "agent.id":
		if v.agent != nil {
			s = v.agent.ID
		}
	case "agent.name":
		if v.agent != nil {
			s = v.agent.Name
		}
	case "agent.email":
		if v.agent != nil {
			s = v.agent.Email
		}
	case "team.id":
		s = v.teamID
	case "team.name":
		if v.team != nil {
			s = v.team.Name
		}
	case "team.time_zone":
		s = v.loc.String()
	case "now":
		s = nowValue(v.now, v.loc)
	default:
		if attr, ok := strings.CutPrefix(name, attributesPrefix); ok {
			s = v.contact.Attributes[attr]
		} else if strings.HasPrefix(name, stepsPrefix) {
			s = v.steps.lookup(name)
			return s, s != ""
		} else if secret, ok := strings.CutPrefix(name, secretPrefix); ok && v.secrets != nil {
			s = v.secrets.secret(secret)
		} else if input, ok := strings.CutPrefix(name, inputPrefix); ok {
			s = v.inputs[input]
		}
	}
	return s, s != "" || v.steps != nil
}

// missing returns the required variables that are empty.
func (c *compiled) missing(v *vars) []string {
	var m []string
	for _, name := range c.required {
		if _, ok := v.Lookup(name); !ok {
			m = append(m, name)
		}
	}
	return m
}

// build expands the request of in for v; secret header values and secret.* references take the
// form of v.secrets.
func (c *compiled) build(in *Integration, v *vars) (*httpexec.Request, error) {
	u, err := c.url.AppendExpand(make([]byte, 0, 128), v)
	if err != nil {
		return nil, &requestError{err}
	}
	if i := bytes.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	for _, q := range c.query {
		if bytes.IndexByte(u, '?') >= 0 {
			u = append(u, '&')
		} else {
			u = append(u, '?')
		}
		u = append(u, q.prefix...)
		if u, err = q.value.AppendExpand(u, v); err != nil {
			return nil, &requestError{err}
		}
	}
	r := &httpexec.Request{
		Method:      in.EffectiveMethod(),
		URL:         string(u),
		URLTemplate: in.URL, // errors and logs name the call by it, never by the contact's values
		Header:      make(http.Header, len(c.headers)+2),
		CacheTTL:    in.CacheTTL(),
		Scope:       httpexec.Scope{Team: in.TeamID, Integration: in.ID, Version: in.Version},
		Timeout:     in.Timeout,
	}
	_, redact := v.secrets.(redacted)
	for _, h := range c.headers {
		var val string
		switch {
		case h.value == nil:
			if v.secrets != nil {
				val = v.secrets.header(h.index)
			}
		default:
			if val, err = h.value.Expand(v); err != nil {
				return nil, &requestError{err}
			}
			if h.secret && redact && !strings.Contains(val, Redacted) {
				// A filter transformed the redacted secret ("Basic {{secret.c | base64}}"):
				// what it made of "••••" would look like a credential. Show the whole value
				// redacted instead.
				val = Redacted
			}
		}
		r.Header.Add(h.name, val)
		if h.secret {
			r.SecretHeaders = append(r.SecretHeaders, h.name)
		}
	}
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	if c.body != nil {
		if r.Body, err = c.body.AppendExpand(nil, v); err != nil {
			return nil, &requestError{err}
		}
		if r.Header.Get("Content-Type") == "" {
			r.Header.Set("Content-Type", "application/json")
		}
	}
	return r, nil
}
