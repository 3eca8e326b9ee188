package wixtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Options configures a [Server]. Set app credentials, an API key and site
// id, or both; requests with anything else get 401.
type Options struct {
	// AppID, AppSecret and InstanceID are the credentials /oauth2/token
	// accepts (client_credentials grant).
	AppID, AppSecret, InstanceID string
	// APIKey and SiteID are accepted as the Authorization and wix-site-id
	// headers.
	APIKey, SiteID string
	// TokenTTL is the lifetime of issued access tokens; zero means four
	// hours, as Wix's.
	TokenTTL time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// A Contact is a contact of the stand-in site.
type Contact struct {
	// ID is the contact's id, a GUID unless the test chose another.
	ID string
	// Name is the display name (info.name first and last).
	Name string
	// Emails are matched case-insensitively by info.emails.email.
	Emails []string
	// Phones are E.164 numbers ("+14155550101"), matched by
	// info.phones.e164Phone.
	Phones []string
}

// A Conversation is a contact's conversation (participantId.contactId)
// and its messages, in send order.
type Conversation struct {
	ID        string
	ContactID string
	Messages  []Message
}

// A Message is a message as the stand-in stored it: the request's values,
// validated.
type Message struct {
	// ID is the message id the stand-in assigned.
	ID string
	// Kind is the content: "BASIC" or "MINIMAL".
	Kind string
	// Direction and Visibility are the message's enums as sent.
	Direction  string
	Visibility string
	// Items are the BASIC items: "text: ...", "image: URL", "file: URL";
	// for MINIMAL, one item with the text.
	Items []string
	// IconURL and URL are the MINIMAL content's iconUrl and url.
	IconURL string
	URL     string
	// Badge is the text of the message's badge, if any.
	Badge string
	// Silent is message.silent; Notify is the request's
	// sendNotifications.
	Silent bool
	Notify bool
}

// Server is an in-process stand-in for www.wixapis.com implementing
// /oauth2/token, Query Contacts (POST /contacts/v4/contacts/query), Create
// Contact (POST /contacts/v4/contacts), Get or Create Conversation (POST
// /inbox/v2/conversations) and Send Message (POST /inbox/v2/messages) with
// the validation their schemas declare (@wix/auto_sdk_crm_contacts and
// @wix/auto_sdk_inbox_* typings: required fields, enums, oneof content,
// GUID formats, length limits). Anything else gets a Wix-shaped error:
// {"message", "details": {"validationError": {"fieldViolations": [...]}}}
// or {"message", "details": {"applicationError": {"code", ...}}}. Unknown
// request fields are refused too, so that a client's request shapes are
// pinned. It is safe for concurrent use.
type Server struct {
	o        Options
	srv      *httptest.Server
	mu       sync.Mutex
	contacts []*Contact
	convs    []*Conversation
	tokens   map[string]time.Time
	calls    map[string]int
	faults   map[string][]fault
	seq      int
}

type fault struct {
	status     int
	retryAfter string
}

// NewServer starts a stand-in server; Close stops it.
func NewServer(o Options) *Server {
	if o.TokenTTL == 0 {
		o.TokenTTL = 4 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{o: o, tokens: map[string]time.Time{}, calls: map[string]int{}, faults: map[string][]fault{}}
	s.srv = httptest.NewServer(s)
	return s
}

// URL returns the server's base URL, for wix.Options.BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

func (s *Server) newID() string {
	s.seq++
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", s.seq, s.seq)
}

// AddContact adds a contact and returns its id: c.ID if set, else a new
// GUID.
func (s *Server) AddContact(c Contact) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == "" {
		c.ID = s.newID()
	}
	c.Emails = slices.Clone(c.Emails)
	c.Phones = slices.Clone(c.Phones)
	s.contacts = append(s.contacts, &c)
	return c.ID
}

// Merge merges contact from into contact into, as Wix does when a site owner
// merges duplicates: into takes from's emails and phones, and from is
// deleted (its id gets 404 from then on).
func (s *Server) Merge(from, into string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, t := s.contact(from), s.contact(into)
	if f == nil || t == nil {
		return
	}
	t.Emails = append(t.Emails, f.Emails...)
	t.Phones = append(t.Phones, f.Phones...)
	s.contacts = slices.DeleteFunc(s.contacts, func(c *Contact) bool { return c == f })
}

// Contacts returns a copy of the contacts in creation order.
func (s *Server) Contacts() []Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Contact, len(s.contacts))
	for i, c := range s.contacts {
		out[i] = *c
		out[i].Emails, out[i].Phones = slices.Clone(c.Emails), slices.Clone(c.Phones)
	}
	return out
}

// Conversations returns a copy of the conversations in creation order.
func (s *Server) Conversations() []Conversation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Conversation, len(s.convs))
	for i, c := range s.convs {
		out[i] = *c
		out[i].Messages = slices.Clone(c.Messages)
	}
	return out
}

// Calls returns how many requests reached path ("/oauth2/token",
// "/inbox/v2/messages", ...), counting refused ones.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// ExpireTokens revokes every issued access token, as if they had expired
// early: the next request with one gets 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// FailNext makes the next request to path fail with status (and a
// Retry-After header when retryAfter is set) before it is processed.
func (s *Server) FailNext(path string, status int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[path] = append(s.faults[path], fault{status, retryAfter})
}

func (s *Server) contact(id string) *Contact {
	for _, c := range s.contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[r.URL.Path]++
	if q := s.faults[r.URL.Path]; len(q) > 0 {
		s.faults[r.URL.Path] = q[1:]
		if q[0].retryAfter != "" {
			w.Header().Set("Retry-After", q[0].retryAfter)
		}
		appError(w, q[0].status, "INJECTED_FAULT", "injected by wixtest.Server.FailNext", nil)
		return
	}
	if r.Method != http.MethodPost {
		appError(w, http.StatusNotFound, "NOT_FOUND", "no such method", nil)
		return
	}
	body, err := readJSON(r)
	if err != nil {
		violation(w, "", "INVALID_JSON", "request body is not a JSON object")
		return
	}
	if r.URL.Path == "/oauth2/token" {
		s.token(w, body)
		return
	}
	if !s.authorized(r) {
		appError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "missing or invalid authorization", nil)
		return
	}
	switch r.URL.Path {
	case "/contacts/v4/contacts/query":
		s.query(w, body)
	case "/contacts/v4/contacts":
		s.createContact(w, body)
	case "/inbox/v2/conversations":
		s.getOrCreate(w, body)
	case "/inbox/v2/messages":
		s.send(w, body)
	default:
		appError(w, http.StatusNotFound, "NOT_FOUND", "no such method", nil)
	}
}

func readJSON(r *http.Request) (map[string]any, error) {
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/json") {
		return nil, fmt.Errorf("content type %q", mt)
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || dec.More() || m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return m, nil
}

func (s *Server) authorized(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	if a == "" {
		return false
	}
	if s.o.APIKey != "" && a == s.o.APIKey {
		return r.Header.Get("wix-site-id") == s.o.SiteID
	}
	exp, ok := s.tokens[a]
	return ok && s.o.Now().Before(exp)
}

func (s *Server) token(w http.ResponseWriter, b map[string]any) {
	if f := unknown(b, "", "grant_type", "client_id", "client_secret", "instance_id"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field")
		return
	}
	if str(b, "grant_type") != "client_credentials" {
		violation(w, "grant_type", "INVALID_ENUM_VALUE", "grant_type must be client_credentials")
		return
	}
	if s.o.AppID == "" || str(b, "client_id") != s.o.AppID || str(b, "client_secret") != s.o.AppSecret || str(b, "instance_id") != s.o.InstanceID {
		appError(w, http.StatusUnauthorized, "INVALID_CLIENT", "invalid app credentials", nil)
		return
	}
	s.seq++
	tok := "OauthNG.JWS.stand-in-" + strconv.Itoa(s.seq)
	s.tokens[tok] = s.o.Now().Add(s.o.TokenTTL)
	reply(w, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(s.o.TokenTTL / time.Second)})
}

var queryFields = []string{"id", "source", "createdDate", "updatedDate", "lastActivity", "primaryInfo", "info.name",
	"info.emails", "info.phones", "info.addresses", "info.company", "info.jobTitle", "info.picture", "info.birthdate",
	"info.locale", "info.labelKeys", "info.locations", "info.extendedFields"}

func (s *Server) query(w http.ResponseWriter, b map[string]any) {
	if f := unknown(b, "", "query", "search"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field")
		return
	}
	q, _ := b["query"].(map[string]any)
	if f := unknown(q, "query.", "filter", "sort", "paging", "fields", "fieldsets"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field")
		return
	}
	limit, offset := 50, 0
	if p, ok := q["paging"].(map[string]any); ok {
		if f := unknown(p, "query.paging.", "limit", "offset"); f != "" {
			violation(w, f, "UNKNOWN_FIELD", "unknown field")
			return
		}
		var ok1, ok2 bool
		limit, ok1 = intOr(p, "limit", 50)
		offset, ok2 = intOr(p, "offset", 0)
		if !ok1 || limit < 1 || limit > 1000 {
			appError(w, http.StatusBadRequest, "ILLEGAL_LIMIT", "paging.limit must be 1..1000", nil)
			return
		}
		if !ok2 || offset < 0 {
			violation(w, "query.paging.offset", "INVALID_VALUE", "offset must be a non-negative integer")
			return
		}
	}
	if fs, ok := q["fields"]; ok {
		list, ok := fs.([]any)
		if !ok || len(list) > 100 {
			violation(w, "query.fields", "INVALID_VALUE", "fields must be an array of at most 100 names")
			return
		}
		for i, f := range list {
			if n, ok := f.(string); !ok || !slices.Contains(queryFields, n) {
				violation(w, "query.fields["+strconv.Itoa(i)+"]", "INVALID_ENUM_VALUE", "unsupported field")
				return
			}
		}
	}
	filter, ok := q["filter"].(map[string]any)
	if !ok || len(filter) != 1 {
		appError(w, http.StatusBadRequest, "MALFORMED_FILTER", "the stand-in supports one filter field", nil)
		return
	}
	var match func(c *Contact) bool
	for field, cond := range filter {
		val := ""
		switch c := cond.(type) {
		case string:
			val = c
		case map[string]any:
			eq, ok := c["$eq"].(string)
			if len(c) != 1 || !ok {
				appError(w, http.StatusBadRequest, "UNSUPPORTED_FILTER_OPERATOR", "only $eq with a string", nil)
				return
			}
			val = eq
		default:
			appError(w, http.StatusBadRequest, "UNSUPPORTED_FILTER_VALUE_TYPE", "filter value must be a string or {$eq: string}", nil)
			return
		}
		switch field {
		case "info.emails.email":
			match = func(c *Contact) bool {
				return slices.ContainsFunc(c.Emails, func(e string) bool { return strings.EqualFold(e, val) })
			}
		case "info.phones.e164Phone":
			match = func(c *Contact) bool { return slices.Contains(c.Phones, val) }
		default:
			appError(w, http.StatusBadRequest, "UNSUPPORTED_FILTER_FIELD_UNKNOWN", "unsupported filter field", nil)
			return
		}
	}
	var all []map[string]any
	for _, c := range s.contacts {
		if match(c) {
			all = append(all, map[string]any{"id": c.ID, "revision": 1})
		}
	}
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	reply(w, map[string]any{"contacts": page, "pagingMetadata": map[string]any{"count": len(page), "offset": offset, "total": len(all), "tooManyToCount": false}})
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func (s *Server) createContact(w http.ResponseWriter, b map[string]any) {
	if f := unknown(b, "", "info", "allowDuplicates"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field")
		return
	}
	info, ok := b["info"].(map[string]any)
	if !ok {
		violation(w, "info", "REQUIRED_FIELD", "info is required")
		return
	}
	if f := unknown(info, "info.", "name", "emails", "phones"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field (the stand-in supports name, emails, phones)")
		return
	}
	c := &Contact{}
	if n, ok := info["name"].(map[string]any); ok {
		if f := unknown(n, "info.name.", "first", "last"); f != "" {
			violation(w, f, "UNKNOWN_FIELD", "unknown field")
			return
		}
		c.Name = strings.TrimSpace(str(n, "first") + " " + str(n, "last"))
	}
	for _, kind := range []struct{ key, value string }{{"emails", "email"}, {"phones", "phone"}} {
		wrap, ok := info[kind.key].(map[string]any)
		if !ok {
			continue
		}
		items, _ := wrap["items"].([]any)
		for i, it := range items {
			field := "info." + kind.key + ".items[" + strconv.Itoa(i) + "]"
			item, _ := it.(map[string]any)
			if f := unknown(item, field+".", "tag", kind.value, "primary", "countryCode"); f != "" {
				violation(w, f, "UNKNOWN_FIELD", "unknown field")
				return
			}
			tags := []string{"UNTAGGED", "MAIN", "HOME", "WORK"}
			if kind.key == "phones" {
				tags = []string{"UNTAGGED", "MAIN", "HOME", "MOBILE", "WORK", "FAX"}
			}
			if t, ok := item["tag"]; ok && !slices.Contains(tags, fmt.Sprint(t)) {
				violation(w, field+".tag", "INVALID_ENUM_VALUE", "unknown tag")
				return
			}
			v := str(item, kind.value)
			switch {
			case kind.key == "emails" && (!emailRE.MatchString(v) || len(v) > 320):
				violation(w, field+".email", "INVALID_FORMAT", "not an email address")
				return
			case kind.key == "emails":
				c.Emails = append(c.Emails, v)
			case v == "" || len(v) > 50:
				violation(w, field+".phone", "INVALID_VALUE", "phone must be 1..50 characters")
				return
			case strings.HasPrefix(v, "+"):
				c.Phones = append(c.Phones, v) // e164Phone is derived from an international number
			}
		}
	}
	if len(c.Emails) == 0 && len(c.Phones) == 0 {
		appError(w, http.StatusBadRequest, "INSUFFICIENT_CONTACT_DATA", "a contact needs an email or a phone", nil)
		return
	}
	if dup, _ := b["allowDuplicates"].(bool); !dup {
		for _, o := range s.contacts {
			for _, e := range c.Emails {
				if slices.ContainsFunc(o.Emails, func(x string) bool { return strings.EqualFold(x, e) }) {
					appError(w, http.StatusConflict, "DUPLICATE_CONTACT_EXISTS", "a contact with this email exists", map[string]any{"duplicateContactId": o.ID, "duplicateEmail": e})
					return
				}
			}
			for _, p := range c.Phones {
				if len(c.Emails) == 0 && slices.Contains(o.Phones, p) {
					appError(w, http.StatusConflict, "DUPLICATE_CONTACT_EXISTS", "a contact with this phone exists", map[string]any{"duplicateContactId": o.ID, "duplicatePhone": p})
					return
				}
			}
		}
	}
	c.ID = s.newID()
	s.contacts = append(s.contacts, c)
	reply(w, map[string]any{"contact": map[string]any{"id": c.ID, "revision": 1}})
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (s *Server) getOrCreate(w http.ResponseWriter, b map[string]any) {
	if f := unknown(b, "", "participantId"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field")
		return
	}
	p, ok := b["participantId"].(map[string]any)
	if !ok {
		violation(w, "participantId", "REQUIRED_FIELD", "participantId is required for apps")
		return
	}
	if f := unknown(p, "participantId.", "contactId", "anonymousVisitorId", "memberId"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field")
		return
	}
	if len(p) != 1 {
		violation(w, "participantId", "ONE_OF", "exactly one of contactId, anonymousVisitorId, memberId")
		return
	}
	id, ok := p["contactId"].(string)
	if !ok {
		violation(w, "participantId.contactId", "UNSUPPORTED_IN_STAND_IN", "the stand-in supports contactId only")
		return
	}
	if !guidRE.MatchString(id) {
		violation(w, "participantId.contactId", "INVALID_FORMAT", "must be a GUID")
		return
	}
	if s.contact(id) == nil {
		appError(w, http.StatusNotFound, "CONTACT_NOT_FOUND", "contact not found", nil)
		return
	}
	created := false
	i := slices.IndexFunc(s.convs, func(c *Conversation) bool { return c.ContactID == id })
	if i < 0 {
		s.convs = append(s.convs, &Conversation{ID: s.newID(), ContactID: id})
		i, created = len(s.convs)-1, true
	}
	reply(w, map[string]any{"conversation": map[string]any{"id": s.convs[i].ID, "participant": map[string]any{"contactId": id}}, "newConversation": created})
}

func (s *Server) send(w http.ResponseWriter, b map[string]any) {
	if f := unknown(b, "", "conversationId", "message", "sendNotifications", "silent", "sendAs"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field")
		return
	}
	cid, _ := b["conversationId"].(string)
	if cid == "" {
		violation(w, "conversationId", "REQUIRED_FIELD", "conversationId is required")
		return
	}
	if !guidRE.MatchString(cid) {
		violation(w, "conversationId", "INVALID_FORMAT", "must be a GUID")
		return
	}
	m, ok := b["message"].(map[string]any)
	if !ok {
		violation(w, "message", "REQUIRED_FIELD", "message is required")
		return
	}
	if f := unknown(m, "message.", "content", "badges", "direction", "visibility", "silent", "targetChannelIds", "sourceChannelId", "createdDate"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown or read-only field")
		return
	}
	if v, ok := b["sendAs"]; ok && !slices.Contains([]string{"CALLER", "PARTICIPANT", "BUSINESS_USER"}, fmt.Sprint(v)) {
		violation(w, "sendAs", "INVALID_ENUM_VALUE", "unknown sendAs")
		return
	}
	out := Message{Direction: str(m, "direction"), Visibility: str(m, "visibility")}
	out.Silent, _ = m["silent"].(bool)
	out.Notify, _ = b["sendNotifications"].(bool)
	if !slices.Contains([]string{"BUSINESS_TO_PARTICIPANT", "PARTICIPANT_TO_BUSINESS"}, out.Direction) {
		violation(w, "message.direction", "REQUIRED_FIELD", "direction is required: BUSINESS_TO_PARTICIPANT or PARTICIPANT_TO_BUSINESS")
		return
	}
	if !slices.Contains([]string{"BUSINESS_AND_PARTICIPANT", "BUSINESS"}, out.Visibility) {
		violation(w, "message.visibility", "REQUIRED_FIELD", "visibility is required: BUSINESS_AND_PARTICIPANT or BUSINESS")
		return
	}
	if bs, ok := m["badges"]; ok {
		list, _ := bs.([]any)
		if len(list) > 1 {
			violation(w, "message.badges", "MAX_SIZE", "at most 1 badge")
			return
		}
		for _, x := range list {
			bd, _ := x.(map[string]any)
			if f := unknown(bd, "message.badges[0].", "text", "iconUrl", "badgeVisibility"); f != "" {
				violation(w, f, "UNKNOWN_FIELD", "unknown field")
				return
			}
			if v, ok := bd["badgeVisibility"]; ok && !slices.Contains([]string{"BUSINESS_AND_PARTICIPANT", "BUSINESS"}, fmt.Sprint(v)) {
				violation(w, "message.badges[0].badgeVisibility", "INVALID_ENUM_VALUE", "unknown badge visibility")
				return
			}
			if u, ok := bd["iconUrl"]; ok && !webURL(fmt.Sprint(u)) {
				violation(w, "message.badges[0].iconUrl", "INVALID_FORMAT", "must be a web URL")
				return
			}
			out.Badge = str(bd, "text")
		}
	}
	content, ok := m["content"].(map[string]any)
	if !ok {
		violation(w, "message.content", "REQUIRED_FIELD", "content is required")
		return
	}
	if f := unknown(content, "message.content.", "basic", "template", "minimal", "form", "system", "previewText", "title"); f != "" {
		violation(w, f, "UNKNOWN_FIELD", "unknown field")
		return
	}
	n := 0
	for _, k := range []string{"basic", "template", "minimal", "form", "system"} {
		if _, ok := content[k]; ok {
			n++
		}
	}
	if n != 1 {
		violation(w, "message.content", "ONE_OF", "exactly one of basic, template, minimal, form, system")
		return
	}
	if field, msg := s.content(content, &out); field != "" {
		violation(w, field, "INVALID_VALUE", msg)
		return
	}
	i := slices.IndexFunc(s.convs, func(c *Conversation) bool { return c.ID == cid })
	if i < 0 {
		appError(w, http.StatusNotFound, "CONVERSATION_NOT_FOUND", "conversation not found", nil)
		return
	}
	s.seq++
	out.ID = strconv.Itoa(1_700_000_000_000 + s.seq)
	s.convs[i].Messages = append(s.convs[i].Messages, out)
	reply(w, map[string]any{"message": map[string]any{"id": out.ID, "direction": out.Direction, "visibility": out.Visibility, "sequence": out.ID}})
}

// content validates basic or minimal content into out; it returns the
// offending field and why, or "".
func (s *Server) content(c map[string]any, out *Message) (string, string) {
	if mn, ok := c["minimal"].(map[string]any); ok {
		out.Kind = "MINIMAL"
		if f := unknown(mn, "message.content.minimal.", "text", "iconUrl", "url"); f != "" {
			return f, "unknown field"
		}
		t := str(mn, "text")
		if n := utf8.RuneCountInString(t); n < 1 || n > 16384 {
			return "message.content.minimal.text", "text must be 1..16384 characters"
		}
		out.Items = []string{t}
		for _, k := range []string{"iconUrl", "url"} {
			if v, ok := mn[k]; ok {
				if !webURL(fmt.Sprint(v)) {
					return "message.content.minimal." + k, "must be a web URL of at most 2000 characters"
				}
			}
		}
		out.IconURL, out.URL = str(mn, "iconUrl"), str(mn, "url")
		return "", ""
	}
	bs, ok := c["basic"].(map[string]any)
	if !ok {
		return "message.content", "the stand-in supports basic and minimal content"
	}
	out.Kind = "BASIC"
	if f := unknown(bs, "message.content.basic.", "items"); f != "" {
		return f, "unknown field"
	}
	items, _ := bs["items"].([]any)
	if len(items) == 0 {
		return "message.content.basic.items", "at least one item is required"
	}
	for i, it := range items {
		field := "message.content.basic.items[" + strconv.Itoa(i) + "]"
		item, _ := it.(map[string]any)
		if len(item) != 1 {
			return field, "exactly one of text, image, file"
		}
		switch {
		case item["text"] != nil:
			t, _ := item["text"].(string)
			if n := utf8.RuneCountInString(t); n < 1 || n > 16384 {
				return field + ".text", "text must be 1..16384 characters"
			}
			out.Items = append(out.Items, "text: "+t)
		case item["image"] != nil || item["file"] != nil:
			kind := "image"
			allowed := []string{"id", "url", "filename", "width", "height"}
			if item["file"] != nil {
				kind, allowed = "file", []string{"id", "url", "filename", "mimeType"}
			}
			media, _ := item[kind].(map[string]any)
			if f := unknown(media, field+"."+kind+".", allowed...); f != "" {
				return f, "unknown field"
			}
			if !webURL(str(media, "url")) {
				return field + "." + kind + ".url", "must be a web URL of at most 2000 characters"
			}
			if utf8.RuneCountInString(str(media, "filename")) > 255 {
				return field + "." + kind + ".filename", "at most 255 characters"
			}
			if len(str(media, "mimeType")) > 100 {
				return field + ".file.mimeType", "at most 100 characters"
			}
			out.Items = append(out.Items, kind+": "+str(media, "url"))
		default:
			return field, "exactly one of text, image, file"
		}
	}
	return "", ""
}

// unknown returns the first key of m (sorted) not in allowed, prefixed.
func unknown(m map[string]any, prefix string, allowed ...string) string {
	var bad []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return ""
	}
	slices.Sort(bad)
	return prefix + bad[0]
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func intOr(m map[string]any, k string, def int) (int, bool) {
	v, ok := m[k]
	if !ok || v == nil {
		return def, true
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n.String())
	return i, err == nil
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && len(s) <= 2000 && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Wix-Request-Id", "stand-in")
	json.NewEncoder(w).Encode(v)
}

func violation(w http.ResponseWriter, field, rule, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]any{"message": desc, "details": map[string]any{"validationError": map[string]any{
		"fieldViolations": []any{map[string]any{"field": field, "description": desc, "violatedRule": rule}}}}})
}

func appError(w http.ResponseWriter, status int, code, desc string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"message": desc, "details": map[string]any{"applicationError": map[string]any{
		"code": code, "description": desc, "data": data}}})
}
