package integration

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
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
	v := makeVars(contact, conv, ib, agent, team, teamID, now, def)
	return &v
}

// makeVars is newVars for a caller that keeps the variables in a struct of its own.
func makeVars(contact *Contact, conv *Conversation, ib *Inbox, agent *Agent, team *Team, teamID string, now time.Time, def *time.Location) vars {
	loc := def
	if team != nil && team.Location != nil {
		loc = team.Location
	}
	return vars{contact: contact, conv: conv, inbox: ib, agent: agent, team: team, teamID: teamID,
		loc: loc, now: now}
}

// cardCall is the request of a profile load's card (or step) and the stand-ins of its secrets.
// For an executor that keys requests by their identity (Service.keyed) it holds the identity
// and builds the request when the executor sends it.
type cardCall struct {
	st  standIns
	req httpexec.Request
	s   *Service
	in  *Integration
	c   *compiled
	v   *vars
	id  [identityBytes]byte // the identity of a typical request, without an allocation
}

// identityBytes is the room for a request's identity in a cardCall: the digest of its
// templates and about a hundred bytes of values; a longer identity costs an allocation.
const identityBytes = 128

// Build implements httpexec.Builder: the request of cc, as requestIn would have built it, with
// the secrets by their stand-ins and the Credentials that supply them. The executor calls it
// on the goroutine that called Do, before Do returns.
func (cc *cardCall) Build(r *httpexec.Request) error {
	v := cc.v
	keep := v.secrets
	secrets := hasSecrets(cc.in)
	if secrets {
		v.secrets = &cc.st
	}
	err := cc.c.buildInto(r, cc.in, v, true)
	v.secrets = keep
	if err == nil && secrets && len(r.SecretHeaders) > 0 {
		r.Credentials = cc.s.credentials(cc.in, cc.c, v)
	}
	return err
}

// appendStandIn appends a secret header's value to an identity: for a stand-in, tag 0 and the
// 16 bytes its hex digest spells, so that a typical card's request keys in two SHA-256 blocks
// instead of three (BenchmarkProfileCached); otherwise tag 1 and the value, length-prefixed.
func appendStandIn(dst []byte, val string) []byte {
	if d, ok := strings.CutPrefix(val, standInPrefix); ok && hex.DecodedLen(len(d)) == standInBytes {
		if b, err := hex.AppendDecode(append(dst, 0), []byte(d)); err == nil {
			return b
		}
	}
	dst = binary.AppendUvarint(append(dst, 1), uint64(len(val)))
	return append(dst, val...)
}

// appendIdentity appends the identity of the request c builds for v (httpexec.Request.Identity)
// to dst: the digest of c's templates (c.shape), then the key of each template
// (variables.Template.AppendKey) and each secret header's value, in the order buildInto writes
// them. Equal identities build equal requests. It fails when buildInto would, with its error.
func (c *compiled) appendIdentity(dst []byte, v *vars) ([]byte, error) {
	dst = append(dst, c.shape[:]...)
	var err error
	if dst, err = c.url.AppendKey(dst, v); err != nil {
		return nil, &requestError{err}
	}
	for _, q := range c.query {
		if dst, err = q.value.AppendKey(dst, v); err != nil {
			return nil, &requestError{err}
		}
	}
	for _, h := range c.headers {
		if h.value != nil {
			if dst, err = h.value.AppendKey(dst, v); err != nil {
				return nil, &requestError{err}
			}
			continue
		}
		var val string
		if v.secrets != nil {
			val = v.secrets.header(h.index)
		}
		dst = appendStandIn(dst, val)
	}
	if c.body != nil {
		if dst, err = c.body.AppendKey(dst, v); err != nil {
			return nil, &requestError{err}
		}
	}
	return dst, nil
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
	r := new(httpexec.Request)
	if err := c.buildInto(r, in, v, false); err != nil {
		return nil, err
	}
	return r, nil
}

// urlStackBytes is the size of the stack buffer a request's URL is expanded in: a typical URL
// fits, and costs one allocation (the string) instead of two (BenchmarkProfileCached).
const urlStackBytes = 512

// buildInto is build into r. With shared set, v's secrets are stand-ins (or there are none),
// and r may get the header map (and SecretHeaders) of earlier requests of c: a request of a
// profile load whose header values are fixed (literals, and secret headers by their
// stand-ins) shares one map per compiled version, as the Executor never modifies a Request.
func (c *compiled) buildInto(r *httpexec.Request, in *Integration, v *vars, shared bool) error {
	var buf [urlStackBytes]byte
	u, err := c.url.AppendExpand(buf[:0], v)
	if err != nil {
		return &requestError{err}
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
			return &requestError{err}
		}
	}
	*r = httpexec.Request{
		Method:      in.EffectiveMethod(),
		URL:         string(u),
		URLTemplate: in.URL, // errors and logs name the call by it, never by the contact's values
		CacheTTL:    in.CacheTTL(),
		Scope:       httpexec.Scope{Team: in.TeamID, Integration: in.ID, Version: in.Version},
		Timeout:     in.Timeout,
	}
	if m := c.fixed.Load(); shared && m != nil && m.fits(c, in) {
		r.Header, r.SecretHeaders = m.header, m.secret
	} else {
		if err := c.buildHeader(r, v); err != nil {
			return err
		}
		if shared && (m == nil || m.fixed) { // first build, or the secrets' stored forms changed
			c.fixed.Store(newFixedHeader(c, in, r))
		}
	}
	if c.body != nil {
		if r.Body, err = c.body.AppendExpand(nil, v); err != nil {
			return &requestError{err}
		}
	}
	return nil
}

// buildHeader sets the header of r (and SecretHeaders) for v.
func (c *compiled) buildHeader(r *httpexec.Request, v *vars) error {
	r.Header = make(http.Header, len(c.headers)+2)
	_, redact := v.secrets.(redacted)
	for _, h := range c.headers {
		var val string
		switch {
		case h.value == nil:
			if v.secrets != nil {
				val = v.secrets.header(h.index)
			}
		default:
			var err error
			if val, err = h.value.Expand(v); err != nil {
				return &requestError{err}
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
	if c.body != nil && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return nil
}

// fixedHeader is the header map of a compiled version's profile requests when no header value
// depends on the run (BenchmarkProfileCached: five allocations per card). Requests share it
// read-only; it is replaced when the secret headers' stored forms change.
type fixedHeader struct {
	fixed  bool     // false: a value depends on the run; build every time
	sealed []string // each secret header's Sealed and Value, by index in c.headers
	header http.Header
	secret []string // Request.SecretHeaders
}

// newFixedHeader returns what c may reuse of r, built from in.
func newFixedHeader(c *compiled, in *Integration, r *httpexec.Request) *fixedHeader {
	m := &fixedHeader{fixed: true, header: r.Header, secret: r.SecretHeaders, sealed: make([]string, 2*len(c.headers))}
	for i, h := range c.headers {
		switch {
		case h.value == nil && h.index < len(in.Headers):
			m.sealed[2*i], m.sealed[2*i+1] = in.Headers[h.index].Sealed, in.Headers[h.index].Value
		case h.value == nil || len(h.value.Names()) > 0:
			return &fixedHeader{}
		}
	}
	return m
}

// fits reports whether m holds the header of c's profile requests for in.
func (m *fixedHeader) fits(c *compiled, in *Integration) bool {
	if !m.fixed {
		return false
	}
	for i, h := range c.headers {
		if h.value != nil {
			continue
		}
		if h.index >= len(in.Headers) || in.Headers[h.index].Sealed != m.sealed[2*i] || in.Headers[h.index].Value != m.sealed[2*i+1] {
			return false
		}
	}
	return true
}
