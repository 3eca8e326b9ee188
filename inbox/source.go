package inbox

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/variables"
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
	maxKeyPaths       = 8
	defaultAttURL     = "url"
	defaultAttName    = "name"
	defaultAttType    = "content_type"
	activityFieldPref = "field."
)

// A Source declares how one external service's webhooks map to events. It
// is plain data that a host stores and edits as JSON (snake_case keys,
// described by [SourceSchema]); [NewDecoder] validates and compiles it.
// The zero value is not a valid source: Name, Mapping.Type, Mapping.Email
// or Mapping.Phone, a way to identify each event (a message id, a
// delivery id or Mapping.IdempotencyKey) and at least one event type are
// required.
//
// The JSON encoding holds no secret: Verifier, which holds the signing
// secrets, is not encoded. A host keeps the secrets apart (sealed, as it
// keeps any credential), builds the Verifier from them and sets it after
// decoding the stored Source.
type Source struct {
	// Name identifies the source; it scopes idempotency keys, so it must
	// stay stable. Letters, digits, '-', '_' and '.' only.
	Name string `json:"name"`
	// Verifier checks each delivery before its body is parsed. The
	// [Handler] requires one; [Decoder] alone does not use it. It is not
	// part of the JSON encoding.
	Verifier Verifier `json:"-"`
	// Mapping says where the event's fields are in the webhook body.
	Mapping Mapping `json:"mapping"`
	// Events maps the source's event types to message kinds. Events of
	// types not listed are acknowledged and ignored.
	Events map[string]EventType `json:"events"`
	// DeliveryIDHeader names a request header carrying the delivery id
	// (such as "webhook-id") used when Mapping.DeliveryID is empty or
	// absent from the body.
	DeliveryIDHeader string `json:"delivery_id_header,omitempty"`
	// MaxBodyBytes caps the webhook body; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64 `json:"max_body_bytes,omitempty"`
	// MaxDepth caps JSON nesting, checked before gjson reads the body;
	// zero means DefaultMaxDepth.
	MaxDepth int `json:"max_depth,omitempty"`
	// DefaultCallingCode completes national phone numbers ("020 7946
	// 0958") to E.164: a country calling code such as "44" or "1", without
	// '+'. Empty means that only international numbers are accepted (see
	// [NormalizePhone]).
	DefaultCallingCode string `json:"default_calling_code,omitempty"`
}

// Mapping holds gjson paths (https://github.com/tidwall/gjson/blob/master/SYNTAX.md)
// into the webhook body. Modifiers ('@') are not allowed. Empty optional
// paths are not read.
type Mapping struct {
	// Type is the event type (required).
	Type string `json:"type"`
	// DeliveryID and MessageID identify the delivery and the external
	// message; at least one of them, Source.DeliveryIDHeader or
	// IdempotencyKey is required. MessageID takes precedence over
	// DeliveryID in the idempotency key.
	DeliveryID string `json:"delivery_id,omitempty"`
	MessageID  string `json:"message_id,omitempty"`
	// IdempotencyKey, when set, lists the paths whose values identify an
	// event of this source, instead of its type and message id (see
	// [Event.Key]): for example ["data.order.id", "data.order.status"]
	// for a shop that sends one webhook per order status. Each value must
	// be a string or a number; a missing one rejects the payload.
	IdempotencyKey []string `json:"idempotency_key,omitempty"`
	// Email is the participant's email address, and Phone their phone
	// number; at least one of the two paths is required. A payload needs a
	// value for at least one of them. Phone may be a string or a number
	// and is normalized to E.164 with Source.DefaultCallingCode.
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	// Name is the participant's display name, handed to [ContactCreator].
	Name string `json:"name,omitempty"`
	// Text is the message text of BASIC events.
	Text string `json:"text,omitempty"`
	// Direction, when set, is looked up in Directions; a missing value
	// falls back to the event type's Direction. An unknown value rejects
	// the payload.
	Direction  string               `json:"direction,omitempty"`
	Directions map[string]Direction `json:"directions,omitempty"`
	// Visibility, when set, is looked up in Visibilities like Direction.
	Visibility   string                `json:"visibility,omitempty"`
	Visibilities map[string]Visibility `json:"visibilities,omitempty"`
	// OccurredAt is an RFC 3339 string or a number of Unix seconds.
	OccurredAt string `json:"occurred_at,omitempty"`
	// Attachments is an array of objects; AttachmentURL, AttachmentName
	// and AttachmentType are paths inside each element (defaults "url",
	// "name", "content_type"). URLs must be absolute http or https.
	Attachments    string `json:"attachments,omitempty"`
	AttachmentURL  string `json:"attachment_url,omitempty"`
	AttachmentName string `json:"attachment_name,omitempty"`
	AttachmentType string `json:"attachment_type,omitempty"`
	// Fields are extra values for activity templates: {{ field.NAME }}
	// reads Fields["NAME"].
	Fields map[string]string `json:"fields,omitempty"`
}

// EventType says what one event type becomes.
type EventType struct {
	// Kind is KindBasic (a chat message) or KindMinimal (an activity).
	Kind Kind `json:"kind"`
	// Direction and Visibility are used when the body does not say.
	Direction  Direction  `json:"direction,omitempty"`
	Visibility Visibility `json:"visibility,omitempty"`
	// Text is the activity line of a MINIMAL event, a template such as
	// "Order #{{ field.order }} placed". It may use the names source, type,
	// email, phone, name, text, message_id, delivery_id, occurred_at and
	// field.NAME for each Mapping.Fields entry (use the default filter for
	// optional values: a name without a value rejects the payload).
	// Required for KindMinimal; unused for BASIC.
	Text string `json:"text,omitempty"`
	// Icon is an optional icon name or URL of a MINIMAL message.
	Icon string `json:"icon,omitempty"`
	// Link is an optional link template of a MINIMAL message, with the
	// same names as Text, compiled for a URL (values are path- or
	// query-escaped; no placeholder in the scheme or host). A link whose
	// values are missing, or that is not an absolute http or https URL, is
	// dropped.
	Link string `json:"link,omitempty"`
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

// Validate reports every problem of s as a *[SourceError] (see [NewDecoder]).
func (s *Source) Validate() error {
	_, err := NewDecoder(*s)
	return err
}

// NewDecoder validates src and compiles its templates. The error is a
// *[SourceError] naming every offending field by its JSON pointer in the
// Source's JSON encoding.
func NewDecoder(src Source) (*Decoder, error) {
	src = src.clone() // the Decoder is immutable: later edits of src's maps must not reach it
	var probs []Problem
	add := func(path, code, msg string) { probs = append(probs, Problem{Path: path, Code: code, Message: msg}) }
	if src.Name == "" {
		add("/name", CodeRequired, "required")
	} else if len(src.Name) > 64 {
		add("/name", CodeTooLong, "longer than 64 bytes")
	} else if !validName(src.Name) {
		add("/name", CodeInvalidName, "only letters, digits, '-', '_' and '.'")
	}
	m := src.Mapping
	checkPath := func(path, p string, required bool) {
		switch {
		case p == "" && required:
			add(path, CodeRequired, "required")
		case p == "":
		case len(p) > maxPathLen:
			add(path, CodeTooLong, "path longer than "+strconv.Itoa(maxPathLen)+" bytes")
		case strings.Contains(p, "@"):
			add(path, CodeModifier, "gjson modifiers ('@') are not allowed")
		}
	}
	checkPath("/mapping/type", m.Type, true)
	checkPath("/mapping/delivery_id", m.DeliveryID, false)
	checkPath("/mapping/message_id", m.MessageID, false)
	if len(m.IdempotencyKey) > maxKeyPaths {
		add("/mapping/idempotency_key", CodeTooLong, "more than "+strconv.Itoa(maxKeyPaths)+" paths")
	}
	for i, p := range m.IdempotencyKey {
		checkPath("/mapping/idempotency_key/"+strconv.Itoa(i), p, true)
	}
	checkPath("/mapping/email", m.Email, false)
	checkPath("/mapping/phone", m.Phone, false)
	checkPath("/mapping/name", m.Name, false)
	if m.Email == "" && m.Phone == "" {
		add("/mapping/email", CodeRequired, "one of mapping.email or mapping.phone is required")
	}
	if src.DefaultCallingCode != "" && !variables.ValidCallingCode(src.DefaultCallingCode) {
		add("/default_calling_code", CodeInvalidCallingCode, "1 to 3 digits without '+' or a leading zero")
	}
	checkPath("/mapping/text", m.Text, false)
	checkPath("/mapping/direction", m.Direction, false)
	checkPath("/mapping/visibility", m.Visibility, false)
	checkPath("/mapping/occurred_at", m.OccurredAt, false)
	checkPath("/mapping/attachments", m.Attachments, false)
	checkPath("/mapping/attachment_url", m.AttachmentURL, false)
	checkPath("/mapping/attachment_name", m.AttachmentName, false)
	checkPath("/mapping/attachment_type", m.AttachmentType, false)
	if m.MessageID == "" && m.DeliveryID == "" && src.DeliveryIDHeader == "" && len(m.IdempotencyKey) == 0 {
		add("/mapping/message_id", CodeRequired, "one of mapping.message_id, mapping.delivery_id, mapping.idempotency_key or delivery_id_header is required")
	}
	if m.Direction != "" && len(m.Directions) == 0 {
		add("/mapping/directions", CodeRequired, "required when mapping.direction is set")
	}
	for _, k := range sortedKeys(m.Directions) {
		if m.Directions[k] > BusinessToParticipant {
			add("/mapping/directions/"+variables.PointerToken(k), CodeUnknownValue, "unknown direction")
		}
	}
	if m.Visibility != "" && len(m.Visibilities) == 0 {
		add("/mapping/visibilities", CodeRequired, "required when mapping.visibility is set")
	}
	for _, k := range sortedKeys(m.Visibilities) {
		if m.Visibilities[k] > BusinessOnly {
			add("/mapping/visibilities/"+variables.PointerToken(k), CodeUnknownValue, "unknown visibility")
		}
	}
	d := &Decoder{src: src, idHeader: http.CanonicalHeaderKey(src.DeliveryIDHeader), maxBody: src.MaxBodyBytes, maxDepth: src.MaxDepth, events: make(map[string]*compiledType, len(src.Events))}
	names := []string{"source", "type", "email", "phone", "name", "text", "message_id", "delivery_id", "occurred_at"}
	for _, k := range sortedKeys(m.Fields) {
		path := "/mapping/fields/" + variables.PointerToken(k)
		if k == "" || !validName(k) {
			add(path, CodeInvalidName, "field name: only letters, digits, '-', '_' and '.'")
		}
		checkPath(path, m.Fields[k], true)
		d.fields = append(d.fields, fieldPath{k, m.Fields[k]})
		names = append(names, activityFieldPref+k)
	}
	if len(src.Events) == 0 {
		add("/events", CodeRequired, "at least one event type is required")
	}
	needText := false
	for _, typ := range sortedKeys(src.Events) {
		et := src.Events[typ]
		path := "/events/" + variables.PointerToken(typ)
		ct := &compiledType{EventType: et}
		switch et.Kind {
		case KindBasic:
			needText = true
		case KindMinimal:
			if et.Text == "" {
				add(path+"/text", CodeRequired, "required for a MINIMAL event")
			}
		default:
			add(path+"/kind", CodeUnknownValue, "must be BASIC or MINIMAL")
		}
		switch {
		case et.Direction > BusinessToParticipant:
			add(path+"/direction", CodeUnknownValue, "unknown direction")
		case et.Kind == KindMinimal && et.Direction != ParticipantToBusiness:
			add(path+"/direction", CodeNoDirection, "a MINIMAL event (activity) has no direction")
		}
		if et.Visibility > BusinessOnly {
			add(path+"/visibility", CodeUnknownValue, "unknown visibility")
		}
		if et.Kind == KindMinimal && et.Text != "" {
			t, err := compileActivity(et.Text, names, false)
			if err != nil {
				probs = append(probs, templateProblem(path+"/text", err))
			}
			ct.text = t
		}
		if et.Kind == KindMinimal && et.Link != "" {
			t, err := compileActivity(et.Link, names, true)
			if err != nil {
				probs = append(probs, templateProblem(path+"/link", err))
			}
			ct.link = t
		}
		if len(et.Icon) > 2048 {
			add(path+"/icon", CodeTooLong, "longer than 2048 bytes")
		}
		d.events[typ] = ct
	}
	if needText && m.Text == "" && m.Attachments == "" {
		add("/mapping/text", CodeRequired, "mapping.text or mapping.attachments is required for BASIC events")
	}
	if d.maxBody == 0 {
		d.maxBody = DefaultMaxBodyBytes
	}
	if d.maxBody < 0 {
		add("/max_body_bytes", CodeOutOfRange, "negative")
	}
	if d.maxDepth == 0 {
		d.maxDepth = DefaultMaxDepth
	}
	if d.maxDepth < 0 || d.maxDepth > 1000 {
		add("/max_depth", CodeOutOfRange, "out of range 1..1000")
	}
	if len(probs) > 0 {
		return nil, &SourceError{Source: src.Name, Problems: probs}
	}
	return d, nil
}

// templateProblem is the problem of an activity template that does not
// compile, with the placeholder language's own code when it has one.
func templateProblem(path string, err error) Problem {
	if se, ok := errors.AsType[*variables.SyntaxError](err); ok {
		return se.Problem(path)
	}
	return Problem{Path: path, Code: variables.CodeSyntax, Message: err.Error()}
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

// malformed rejects an [Event] passed to Sync: path is a JSON pointer
// into the Event's JSON encoding.
func malformed(path, code, msg string) error {
	return &PayloadError{Problem: Problem{Path: path, Code: code, Message: msg}, Err: ErrMalformed}
}

// bodyProblem rejects a webhook body for a problem with the value that
// gjson path gpath reads, which would become the Event's field. The
// problem's path is the value's JSON pointer when gpath is a plain field
// path; otherwise the message names gpath.
func bodyProblem(field, gpath, code, msg string) error {
	ptr, ok := gjsonPointer(gpath)
	if !ok {
		field += " (at " + gpath + ")"
	}
	return &PayloadError{Problem: Problem{Path: ptr, Code: code, Message: field + ": " + msg}, Err: ErrMalformed}
}

// gjsonPointer converts a plain gjson path ("data.customer.email",
// "items.0.url", "a\.b") to the RFC 6901 pointer of the value it reads.
// It reports false for paths with wildcards, queries, pipes or modifiers,
// which do not name one field, and for invalid UTF-8.
func gjsonPointer(gpath string) (string, bool) {
	if gpath == "" || !utf8.ValidString(gpath) {
		return "", false
	}
	var b, tok strings.Builder
	flush := func() bool {
		if tok.Len() == 0 {
			return false
		}
		b.WriteByte('/')
		b.WriteString(variables.PointerToken(tok.String()))
		tok.Reset()
		return true
	}
	for i := 0; i < len(gpath); i++ {
		switch c := gpath[i]; c {
		case '\\':
			if i+1 == len(gpath) {
				return "", false
			}
			i++
			tok.WriteByte(gpath[i])
		case '.':
			if !flush() {
				return "", false
			}
		case '*', '?', '#', '|', '@', '!', '(', ')', '[', ']', '{', '}', '=', '<', '>', '%', '"', ',', ':':
			return "", false
		default:
			tok.WriteByte(c)
		}
	}
	if !flush() {
		return "", false
	}
	return b.String(), true
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
// body is a *[PayloadError] wrapping [ErrMalformed] (or [ErrTooLarge])
// whose Problem points at the offending value in the body and names the
// event field it would have become, never its value. A body whose
// Content-Type in h is application/x-www-form-urlencoded is first decoded
// into a JSON object of its fields (see the package doc); problem paths
// then point into that object ("/From").
func (d *Decoder) Decode(h http.Header, body []byte) (*Event, error) {
	if int64(len(body)) > d.maxBody {
		return nil, &PayloadError{Problem: Problem{Code: CodeTooLarge, Message: "larger than " + strconv.FormatInt(d.maxBody, 10) + " bytes"}, Err: ErrTooLarge}
	}
	if h != nil && isForm(h.Get("Content-Type")) {
		var err error
		if body, err = formJSON(body); err != nil {
			return nil, err
		}
	}
	if !checkDepth(body, d.maxDepth) {
		return nil, malformed("", CodeTooDeep, "JSON nested deeper than "+strconv.Itoa(d.maxDepth))
	}
	if !gjson.ValidBytes(body) {
		return nil, malformed("", CodeInvalidJSON, "not valid JSON")
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return nil, malformed("", CodeNotObject, "not a JSON object")
	}
	m := &d.src.Mapping
	ev := &Event{Source: d.src.Name}
	var err error
	if ev.Type, err = str(root, m.Type, "type", 256); err != nil {
		return nil, err
	}
	if ev.Type == "" {
		return nil, bodyProblem("type", m.Type, CodeMissing, "missing")
	}
	if !validID(ev.Type) {
		return nil, bodyProblem("type", m.Type, CodeInvalidChars, errIDChars)
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
			return nil, malformed("", CodeTooLong, "delivery_id (header "+d.idHeader+"): longer than "+strconv.Itoa(maxIDLen)+" bytes")
		}
		if !validID(ev.DeliveryID) {
			return nil, malformed("", CodeInvalidChars, "delivery_id (header "+d.idHeader+"): "+errIDChars)
		}
	}
	if len(m.IdempotencyKey) > 0 {
		if ev.IdempotencyKey, err = idempotencyKey(root, m.IdempotencyKey); err != nil {
			return nil, err
		}
	} else if ev.MessageID == "" && ev.DeliveryID == "" {
		return nil, bodyProblem("message_id", or(m.MessageID, m.DeliveryID), CodeMissing, "missing (and no delivery id)")
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
				return nil, bodyProblem("direction", m.Direction, CodeUnknownValue, "not a key of mapping.directions")
			}
			ev.Direction = dir
		}
	}
	if m.Visibility != "" {
		if r := root.Get(m.Visibility); r.Exists() {
			vis, ok := m.Visibilities[r.String()]
			if !ok {
				return nil, bodyProblem("visibility", m.Visibility, CodeUnknownValue, "not a key of mapping.visibilities")
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
			return nil, bodyProblem("text", or(m.Text, m.Attachments), CodeMissing, "missing (and no attachments)")
		}
	case KindMinimal:
		vars := activityVars{ev: ev, d: d, root: root}
		if ev.Text, err = ct.text.expand(&vars); err != nil {
			return nil, malformed("", CodeMissing, "activity text of event type "+strconv.Quote(ev.Type)+": "+err.Error())
		}
		if ev.Text == "" {
			return nil, malformed("", CodeMissing, "activity text of event type "+strconv.Quote(ev.Type)+": expanded to empty text")
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
		return "", bodyProblem(field, path, CodeWrongType, "not a string")
	}
	if max > 0 && len(r.Str) > max {
		return "", bodyProblem(field, path, CodeTooLong, "longer than "+strconv.Itoa(max)+" bytes")
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
		return "", bodyProblem(field, path, CodeWrongType, "not a string or number")
	}
	if len(s) > maxIDLen {
		return "", bodyProblem(field, path, CodeTooLong, "longer than "+strconv.Itoa(maxIDLen)+" bytes")
	}
	if !validID(s) {
		return "", bodyProblem(field, path, CodeInvalidChars, errIDChars)
	}
	return s, nil
}

// idempotencyKey joins the values of the source's key paths, each escaped
// by keyPart so that the result names one tuple of values.
func idempotencyKey(root gjson.Result, paths []string) (string, error) {
	var b strings.Builder
	for i, p := range paths {
		v, err := id(root, p, "idempotency_key")
		if err != nil {
			return "", err
		}
		if v == "" {
			return "", bodyProblem("idempotency_key", p, CodeMissing, "missing")
		}
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(keyPart(v))
	}
	return b.String(), nil
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
			return time.Time{}, bodyProblem("occurred_at", path, CodeInvalidTime, "not an RFC 3339 time")
		}
		return t.UTC(), nil
	case gjson.Number:
		f := r.Float()
		if f < 0 || f > 1e11 {
			return time.Time{}, bodyProblem("occurred_at", path, CodeInvalidTime, "Unix seconds out of range")
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	return time.Time{}, bodyProblem("occurred_at", path, CodeWrongType, "not a time")
}

func (d *Decoder) attachments(root gjson.Result) ([]Attachment, error) {
	m := &d.src.Mapping
	r := root.Get(m.Attachments)
	if !r.Exists() || r.Type == gjson.Null {
		return nil, nil
	}
	if !r.IsArray() {
		return nil, bodyProblem("attachments", m.Attachments, CodeWrongType, "not an array")
	}
	up, np, tp := or(m.AttachmentURL, defaultAttURL), or(m.AttachmentName, defaultAttName), or(m.AttachmentType, defaultAttType)
	var out []Attachment
	var err error
	i := 0
	r.ForEach(func(_, v gjson.Result) bool {
		// Paths of the element's fields, from the array's path: problems
		// point at the element in the body.
		elem := m.Attachments + "." + strconv.Itoa(i)
		field := "attachments/" + strconv.Itoa(i)
		i++
		if i > maxAttachments {
			err = bodyProblem("attachments", m.Attachments, CodeTooMany, "more than "+strconv.Itoa(maxAttachments))
			return false
		}
		var a Attachment
		if a.URL, err = str(v, up, field+"/url", 4096); err != nil {
			err = rebase(err, elem+"."+up)
			return false
		}
		if !validLink(a.URL) {
			err = bodyProblem(field+"/url", elem+"."+up, CodeInvalidURL, "not an absolute http or https URL")
			return false
		}
		if a.Name, err = str(v, np, field+"/name", 1024); err != nil {
			err = rebase(err, elem+"."+np)
			return false
		}
		if !validID(a.Name) {
			err = bodyProblem(field+"/name", elem+"."+np, CodeInvalidChars, errIDChars)
			return false
		}
		if a.ContentType, err = str(v, tp, field+"/content_type", 256); err != nil {
			err = rebase(err, elem+"."+tp)
			return false
		}
		if !validID(a.ContentType) {
			err = bodyProblem(field+"/content_type", elem+"."+tp, CodeInvalidChars, errIDChars)
			return false
		}
		out = append(out, a)
		return true
	})
	return out, err
}

// rebase points a problem found inside an attachment element at the
// element's place in the whole body.
func rebase(err error, gpath string) error {
	if pe, ok := err.(*PayloadError); ok {
		pe.Problem.Path, _ = gjsonPointer(gpath)
	}
	return err
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
