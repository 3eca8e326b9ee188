package inbox

import (
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// DefaultMaxBodyBytes is the body cap of a [Source] whose MaxBodyBytes is
// zero: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// DefaultMaxDepth is the JSON nesting cap of a [Source] whose MaxDepth is
// zero.
const DefaultMaxDepth = 32

const (
	maxIDLen          = 256
	maxEmailLen       = 320
	maxAttachments    = 32
	maxPathLen        = 256
	defaultAttURL     = "url"
	defaultAttName    = "name"
	defaultAttType    = "content_type"
	activityFieldPref = "field."
)

// A Source declares how one external service's webhooks map to events. It
// is plain data (a host may store it as JSON); [NewDecoder] validates and
// compiles it. The zero value is not a valid source: Name, Mapping.Type,
// Mapping.Email or Mapping.Phone, a message or delivery id and at least one
// event type are required.
type Source struct {
	// Name identifies the source; it scopes idempotency keys, so it must
	// stay stable. Letters, digits, '-', '_' and '.' only.
	Name string
	// Verifier checks each delivery before its body is parsed. The
	// [Handler] requires one; [Decoder] alone does not use it.
	Verifier Verifier `json:"-"`
	// Mapping says where the event's fields are in the webhook body.
	Mapping Mapping
	// Events maps the source's event types to message kinds. Events of
	// types not listed are acknowledged and ignored.
	Events map[string]EventType
	// DeliveryIDHeader names a request header carrying the delivery id
	// (such as "webhook-id") used when Mapping.DeliveryID is empty or
	// absent from the body.
	DeliveryIDHeader string
	// MaxBodyBytes caps the webhook body; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxDepth caps JSON nesting, checked before gjson reads the body;
	// zero means DefaultMaxDepth.
	MaxDepth int
	// DefaultCallingCode completes national phone numbers ("020 7946
	// 0958") to E.164: a country calling code such as "44" or "1", without
	// '+'. Empty means that only international numbers are accepted (see
	// [NormalizePhone]).
	DefaultCallingCode string
}

// Mapping holds gjson paths (https://github.com/tidwall/gjson/blob/master/SYNTAX.md)
// into the webhook body. Modifiers ('@') are not allowed. Empty optional
// paths are not read.
type Mapping struct {
	// Type is the event type (required).
	Type string
	// DeliveryID and MessageID identify the delivery and the external
	// message; at least one of them (or Source.DeliveryIDHeader) is
	// required. MessageID takes precedence in the idempotency key.
	DeliveryID string
	MessageID  string
	// Email is the participant's email address, and Phone their phone
	// number; at least one of the two paths is required. A payload needs a
	// value for at least one of them. Phone may be a string or a number
	// and is normalized to E.164 with Source.DefaultCallingCode.
	Email string
	Phone string
	// Name is the participant's display name, handed to [ContactCreator].
	Name string
	// Text is the message text of BASIC events.
	Text string
	// Direction, when set, is looked up in Directions; a missing value
	// falls back to the event type's Direction. An unknown value rejects
	// the payload.
	Direction  string
	Directions map[string]Direction
	// Visibility, when set, is looked up in Visibilities like Direction.
	Visibility   string
	Visibilities map[string]Visibility
	// OccurredAt is an RFC 3339 string or a number of Unix seconds.
	OccurredAt string
	// Attachments is an array of objects; AttachmentURL, AttachmentName
	// and AttachmentType are paths inside each element (defaults "url",
	// "name", "content_type"). URLs must be absolute http or https.
	Attachments    string
	AttachmentURL  string
	AttachmentName string
	AttachmentType string
	// Fields are extra values for activity templates: {{ field.NAME }}
	// reads Fields["NAME"].
	Fields map[string]string
}

// EventType says what one event type becomes.
type EventType struct {
	// Kind is KindBasic (a chat message) or KindMinimal (an activity).
	Kind Kind
	// Direction and Visibility are used when the body does not say.
	Direction  Direction
	Visibility Visibility
	// Text is the activity line of a MINIMAL event, a template such as
	// "Order #{{ field.order }} placed". It may use the names source, type,
	// email, phone, name, text, message_id, delivery_id, occurred_at and
	// field.NAME for each Mapping.Fields entry (use the default filter for
	// optional values: a name without a value rejects the payload).
	// Required for KindMinimal; unused for BASIC.
	Text string
	// Icon is an optional icon name or URL of a MINIMAL message.
	Icon string
	// Link is an optional link template of a MINIMAL message, with the
	// same names as Text, compiled for a URL (values are path- or
	// query-escaped; no placeholder in the scheme or host). A link whose
	// values are missing, or that is not an absolute http or https URL, is
	// dropped.
	Link string
}

// A Decoder turns webhook bodies of one [Source] into [Event] values. It is
// immutable and safe for concurrent use.
type Decoder struct {
	src      Source
	idHeader string // canonical Source.DeliveryIDHeader
	maxBody  int64
	maxDepth int
	events   map[string]*compiledType
	fields   []fieldPath
}

type fieldPath struct{ name, path string }

type compiledType struct {
	EventType
	text *activityTemplate
	link *activityTemplate
}

// Validate reports every problem of s as a *[SourceError].
func (s *Source) Validate() error {
	_, err := NewDecoder(*s)
	return err
}

// NewDecoder validates src and compiles its templates. The error is a
// *[SourceError] naming every offending field.
func NewDecoder(src Source) (*Decoder, error) {
	src = src.clone() // the Decoder is immutable: later edits of src's maps must not reach it
	var probs []*FieldError
	add := func(field, msg string) { probs = append(probs, &FieldError{Field: field, Msg: msg}) }
	if src.Name == "" {
		add("name", "required")
	} else if !validName(src.Name) || len(src.Name) > 64 {
		add("name", "only letters, digits, '-', '_' and '.' (at most 64)")
	}
	m := src.Mapping
	checkPath := func(field, p string, required bool) {
		switch {
		case p == "" && required:
			add(field, "required")
		case p == "":
		case len(p) > maxPathLen:
			add(field, "path too long")
		case strings.Contains(p, "@"):
			add(field, "gjson modifiers ('@') are not allowed")
		}
	}
	checkPath("mapping.type", m.Type, true)
	checkPath("mapping.email", m.Email, false)
	checkPath("mapping.phone", m.Phone, false)
	checkPath("mapping.name", m.Name, false)
	if m.Email == "" && m.Phone == "" {
		add("mapping.email", "one of mapping.email or mapping.phone is required")
	}
	if src.DefaultCallingCode != "" && !validCallingCode(src.DefaultCallingCode) {
		add("default_calling_code", "1 to 3 digits without '+' or a leading zero")
	}
	checkPath("mapping.delivery_id", m.DeliveryID, false)
	checkPath("mapping.message_id", m.MessageID, false)
	checkPath("mapping.text", m.Text, false)
	checkPath("mapping.direction", m.Direction, false)
	checkPath("mapping.visibility", m.Visibility, false)
	checkPath("mapping.occurred_at", m.OccurredAt, false)
	checkPath("mapping.attachments", m.Attachments, false)
	checkPath("mapping.attachment_url", m.AttachmentURL, false)
	checkPath("mapping.attachment_name", m.AttachmentName, false)
	checkPath("mapping.attachment_type", m.AttachmentType, false)
	if m.MessageID == "" && m.DeliveryID == "" && src.DeliveryIDHeader == "" {
		add("mapping.message_id", "one of mapping.message_id, mapping.delivery_id or delivery_id_header is required")
	}
	if m.Direction != "" && len(m.Directions) == 0 {
		add("mapping.directions", "required when mapping.direction is set")
	}
	for k, d := range m.Directions {
		if d > BusinessToParticipant {
			add("mapping.directions["+k+"]", "unknown direction")
		}
	}
	if m.Visibility != "" && len(m.Visibilities) == 0 {
		add("mapping.visibilities", "required when mapping.visibility is set")
	}
	for k, v := range m.Visibilities {
		if v > BusinessOnly {
			add("mapping.visibilities["+k+"]", "unknown visibility")
		}
	}
	d := &Decoder{src: src, idHeader: http.CanonicalHeaderKey(src.DeliveryIDHeader), maxBody: src.MaxBodyBytes, maxDepth: src.MaxDepth, events: make(map[string]*compiledType, len(src.Events))}
	if d.maxBody == 0 {
		d.maxBody = DefaultMaxBodyBytes
	}
	if d.maxBody < 0 {
		add("max_body_bytes", "negative")
	}
	if d.maxDepth == 0 {
		d.maxDepth = DefaultMaxDepth
	}
	if d.maxDepth < 0 || d.maxDepth > 1000 {
		add("max_depth", "out of range 1..1000")
	}
	names := []string{"source", "type", "email", "phone", "name", "text", "message_id", "delivery_id", "occurred_at"}
	for _, k := range sortedKeys(m.Fields) {
		field := "mapping.fields[" + k + "]"
		if k == "" || !validName(k) {
			add(field, "name: only letters, digits, '-', '_' and '.'")
		}
		checkPath(field, m.Fields[k], true)
		d.fields = append(d.fields, fieldPath{k, m.Fields[k]})
		names = append(names, activityFieldPref+k)
	}
	if len(src.Events) == 0 {
		add("events", "at least one event type is required")
	}
	needText := false
	for _, typ := range sortedKeys(src.Events) {
		et := src.Events[typ]
		field := "events[" + typ + "]"
		ct := &compiledType{EventType: et}
		switch et.Kind {
		case KindBasic:
			needText = true
		case KindMinimal:
			if et.Text == "" {
				add(field+".text", "required for a MINIMAL event")
			}
		default:
			add(field+".kind", "must be BASIC or MINIMAL")
		}
		switch {
		case et.Direction > BusinessToParticipant:
			add(field+".direction", "unknown direction")
		case et.Kind == KindMinimal && et.Direction != ParticipantToBusiness:
			add(field+".direction", "a MINIMAL event (activity) has no direction")
		}
		if et.Visibility > BusinessOnly {
			add(field+".visibility", "unknown visibility")
		}
		if et.Kind == KindMinimal && et.Text != "" {
			t, err := compileActivity(et.Text, names, false)
			if err != nil {
				add(field+".text", err.Error())
			}
			ct.text = t
		}
		if et.Kind == KindMinimal && et.Link != "" {
			t, err := compileActivity(et.Link, names, true)
			if err != nil {
				add(field+".link", err.Error())
			}
			ct.link = t
		}
		if len(et.Icon) > 2048 {
			add(field+".icon", "too long")
		}
		d.events[typ] = ct
	}
	if needText && m.Text == "" && m.Attachments == "" {
		add("mapping.text", "mapping.text or mapping.attachments is required for BASIC events")
	}
	if len(probs) > 0 {
		return nil, &SourceError{Source: src.Name, Problems: probs}
	}
	return d, nil
}

func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Source returns a copy of the source the decoder was built from.
func (d *Decoder) Source() Source { return d.src.clone() }

// clone copies s with its own maps.
func (s Source) clone() Source {
	s.Events = maps.Clone(s.Events)
	s.Mapping.Directions = maps.Clone(s.Mapping.Directions)
	s.Mapping.Visibilities = maps.Clone(s.Mapping.Visibilities)
	s.Mapping.Fields = maps.Clone(s.Mapping.Fields)
	return s
}

// MaxBodyBytes returns the effective body cap.
func (d *Decoder) MaxBodyBytes() int64 { return d.maxBody }

func malformed(field, msg string) error {
	return &FieldError{Field: field, Msg: msg, Err: ErrMalformed}
}

// checkDepth reports whether the JSON nesting of b stays within max. It is
// iterative, so hostile input cannot exhaust the stack, and runs before
// gjson (whose validator recurses) sees the bytes.
func checkDepth(b []byte, max int) bool {
	depth, inStr, esc := 0, false, false
	for _, c := range b {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '[', '{':
			depth++
			if depth > max {
				return false
			}
		case ']', '}':
			depth--
			if depth < 0 {
				return false // unbalanced: not JSON, and never seen by gjson
			}
		}
	}
	return true
}

// Decode maps a webhook body (already verified) to an [Event]. h supplies
// Source.DeliveryIDHeader and may be nil. An event type the source does not
// map yields an event of KindNone and a nil error. Any problem with the
// body is an error wrapping [ErrMalformed] (or [ErrTooLarge]) that names the
// field, never its value.
func (d *Decoder) Decode(h http.Header, body []byte) (*Event, error) {
	if int64(len(body)) > d.maxBody {
		return nil, &FieldError{Field: "body", Msg: "larger than " + strconv.FormatInt(d.maxBody, 10) + " bytes", Err: ErrTooLarge}
	}
	if h != nil && isForm(h.Get("Content-Type")) {
		var err error
		if body, err = formJSON(body); err != nil {
			return nil, err
		}
	}
	if !checkDepth(body, d.maxDepth) {
		return nil, malformed("body", "JSON nested deeper than "+strconv.Itoa(d.maxDepth))
	}
	if !gjson.ValidBytes(body) {
		return nil, malformed("body", "not valid JSON")
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return nil, malformed("body", "not a JSON object")
	}
	m := &d.src.Mapping
	ev := &Event{Source: d.src.Name}
	var err error
	if ev.Type, err = str(root, m.Type, "type", 256); err != nil {
		return nil, err
	}
	if ev.Type == "" {
		return nil, malformed("type", "missing")
	}
	if !validID(ev.Type) {
		return nil, malformed("type", errIDChars)
	}
	ct := d.events[ev.Type]
	if ct == nil {
		return ev, nil
	}
	if ev.MessageID, err = id(root, m.MessageID, "message_id"); err != nil {
		return nil, err
	}
	if ev.DeliveryID, err = id(root, m.DeliveryID, "delivery_id"); err != nil {
		return nil, err
	}
	if ev.DeliveryID == "" && d.idHeader != "" && h != nil {
		ev.DeliveryID = h.Get(d.idHeader)
		if len(ev.DeliveryID) > maxIDLen {
			return nil, malformed("delivery_id", "longer than "+strconv.Itoa(maxIDLen)+" bytes")
		}
		if !validID(ev.DeliveryID) {
			return nil, malformed("delivery_id", errIDChars)
		}
	}
	if ev.MessageID == "" && ev.DeliveryID == "" {
		return nil, malformed("message_id", "missing (and no delivery id)")
	}
	if err := d.person(root, ev); err != nil {
		return nil, err
	}
	if ev.Text, err = str(root, m.Text, "text", 0); err != nil {
		return nil, err
	}
	if m.OccurredAt != "" {
		if ev.OccurredAt, err = timeAt(root, m.OccurredAt); err != nil {
			return nil, err
		}
	}
	ev.Kind = ct.Kind
	ev.Direction, ev.Visibility = ct.Direction, ct.Visibility
	if m.Direction != "" && ct.Kind == KindBasic {
		if r := root.Get(m.Direction); r.Exists() {
			dir, ok := m.Directions[r.String()]
			if !ok {
				return nil, malformed("direction", "unknown value")
			}
			ev.Direction = dir
		}
	}
	if m.Visibility != "" {
		if r := root.Get(m.Visibility); r.Exists() {
			vis, ok := m.Visibilities[r.String()]
			if !ok {
				return nil, malformed("visibility", "unknown value")
			}
			ev.Visibility = vis
		}
	}
	switch ct.Kind {
	case KindBasic:
		if m.Attachments != "" {
			if ev.Attachments, err = d.attachments(root); err != nil {
				return nil, err
			}
		}
		if ev.Text == "" && len(ev.Attachments) == 0 {
			return nil, malformed("text", "missing (and no attachments)")
		}
	case KindMinimal:
		vars := activityVars{ev: ev, d: d, root: root}
		if ev.Text, err = ct.text.expand(&vars); err != nil {
			return nil, malformed("events["+ev.Type+"].text", err.Error())
		}
		if ev.Text == "" {
			return nil, malformed("events["+ev.Type+"].text", "expanded to empty text")
		}
		ev.Icon = ct.Icon
		if ct.link != nil {
			if link, err := ct.link.expand(&vars); err == nil && validLink(link) {
				ev.Link = link
			}
		}
	}
	return ev, nil
}

func str(root gjson.Result, path, field string, max int) (string, error) {
	if path == "" {
		return "", nil
	}
	r := root.Get(path)
	switch r.Type {
	case gjson.Null:
		return "", nil
	case gjson.String:
	default:
		return "", malformed(field, "not a string")
	}
	if max > 0 && len(r.Str) > max {
		return "", malformed(field, "longer than "+strconv.Itoa(max)+" bytes")
	}
	return r.Str, nil
}

func id(root gjson.Result, path, field string) (string, error) {
	if path == "" {
		return "", nil
	}
	r := root.Get(path)
	var s string
	switch r.Type {
	case gjson.Null:
		return "", nil
	case gjson.String:
		s = r.Str
	case gjson.Number:
		s = r.Raw
	default:
		return "", malformed(field, "not a string or number")
	}
	if len(s) > maxIDLen {
		return "", malformed(field, "longer than "+strconv.Itoa(maxIDLen)+" bytes")
	}
	if !validID(s) {
		return "", malformed(field, errIDChars)
	}
	return s, nil
}

// errIDChars is the message for an id or type that validID rejects.
const errIDChars = "contains control characters or invalid UTF-8"

func timeAt(root gjson.Result, path string) (time.Time, error) {
	r := root.Get(path)
	switch r.Type {
	case gjson.Null:
		return time.Time{}, nil
	case gjson.String:
		t, err := time.Parse(time.RFC3339Nano, r.Str)
		if err != nil {
			return time.Time{}, malformed("occurred_at", "not an RFC 3339 time")
		}
		return t.UTC(), nil
	case gjson.Number:
		f := r.Float()
		if f < 0 || f > 1e11 {
			return time.Time{}, malformed("occurred_at", "Unix seconds out of range")
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	return time.Time{}, malformed("occurred_at", "not a time")
}

func (d *Decoder) attachments(root gjson.Result) ([]Attachment, error) {
	r := root.Get(d.src.Mapping.Attachments)
	if !r.Exists() || r.Type == gjson.Null {
		return nil, nil
	}
	if !r.IsArray() {
		return nil, malformed("attachments", "not an array")
	}
	m := &d.src.Mapping
	up, np, tp := or(m.AttachmentURL, defaultAttURL), or(m.AttachmentName, defaultAttName), or(m.AttachmentType, defaultAttType)
	var out []Attachment
	var err error
	i := 0
	r.ForEach(func(_, v gjson.Result) bool {
		field := "attachments[" + strconv.Itoa(i) + "]"
		i++
		if i > maxAttachments {
			err = malformed("attachments", "more than "+strconv.Itoa(maxAttachments))
			return false
		}
		var a Attachment
		if a.URL, err = str(v, up, field+".url", 4096); err != nil {
			return false
		}
		if !validLink(a.URL) {
			err = malformed(field+".url", "not an absolute http or https URL")
			return false
		}
		if a.Name, err = str(v, np, field+".name", 1024); err != nil {
			return false
		}
		if !validID(a.Name) {
			err = malformed(field+".name", errIDChars)
			return false
		}
		if a.ContentType, err = str(v, tp, field+".content_type", 256); err != nil {
			return false
		}
		if !validID(a.ContentType) {
			err = malformed(field+".content_type", errIDChars)
			return false
		}
		out = append(out, a)
		return true
	})
	return out, err
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func validLink(s string) bool {
	if s == "" || len(s) > 4096 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

// activityVars resolves the names of activity templates.
type activityVars struct {
	ev   *Event
	d    *Decoder
	root gjson.Result
}

// Lookup implements variables.Resolver.
func (a *activityVars) Lookup(name string) (string, bool) {
	ev := a.ev
	switch name {
	case "source":
		return ev.Source, true
	case "type":
		return ev.Type, true
	case "email":
		return ev.Email, true
	case "phone":
		return ev.Phone, ev.Phone != ""
	case "name":
		return ev.Name, ev.Name != ""
	case "text":
		return ev.Text, ev.Text != ""
	case "message_id":
		return ev.MessageID, ev.MessageID != ""
	case "delivery_id":
		return ev.DeliveryID, ev.DeliveryID != ""
	case "occurred_at":
		if ev.OccurredAt.IsZero() {
			return "", false
		}
		return ev.OccurredAt.Format(time.RFC3339), true
	}
	if k, ok := strings.CutPrefix(name, activityFieldPref); ok {
		for _, f := range a.d.fields {
			if f.name == k {
				r := a.root.Get(f.path)
				if !r.Exists() || r.Type == gjson.Null {
					return "", false
				}
				return r.String(), true
			}
		}
	}
	return "", false
}
