package inboxtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// A Clock is a fake clock for lease expiry and verifier timestamps. It is
// safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Contacts is an in-memory [inbox.Contacts] that also implements
// [inbox.PhoneContacts] and [inbox.ContactCreator]. Emails are stored
// normalized, phone numbers as given (E.164). It is safe for concurrent
// use; the zero value is not ready, use [NewContacts].
type Contacts struct {
	mu      sync.Mutex
	byEmail map[string][]string
	byPhone map[string][]string
	emails  map[string]string
	people  map[string]inbox.Person // created by CreateContact
	next    int
}

var (
	_ inbox.Contacts       = (*Contacts)(nil)
	_ inbox.PhoneContacts  = (*Contacts)(nil)
	_ inbox.ContactCreator = (*Contacts)(nil)
)

// NewContacts returns an empty contact store.
func NewContacts() *Contacts {
	return &Contacts{byEmail: map[string][]string{}, byPhone: map[string][]string{}, emails: map[string]string{}, people: map[string]inbox.Person{}}
}

// AddPhone gives the contact id the phone number e164 (see
// [inbox.NormalizePhone]); the contact need not have an email.
func (c *Contacts) AddPhone(id, e164 string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byPhone[e164] = append(c.byPhone[e164], id)
}

// FindByPhone implements [inbox.PhoneContacts]; ids come in insertion order.
func (c *Contacts) FindByPhone(ctx context.Context, e164 string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.byPhone[e164]), nil
}

// Person returns what CreateContact was given for a contact it created,
// and false for other ids.
func (c *Contacts) Person(id string) (inbox.Person, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.people[id]
	return p, ok
}

// Add adds a contact with the given id and email.
func (c *Contacts) Add(id, email string) {
	e := inbox.NormalizeEmail(email)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byEmail[e] = append(c.byEmail[e], id)
	c.emails[id] = e
}

// Email returns a contact's email.
func (c *Contacts) Email(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.emails[id]
}

// FindByEmail implements [inbox.Contacts]; ids come in insertion order.
func (c *Contacts) FindByEmail(ctx context.Context, email string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := inbox.NormalizeEmail(email)
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.byEmail[e]), nil
}

// CreateContact implements [inbox.ContactCreator]: it returns the existing
// first contact with p's email, or else with p's phone, or creates
// "contact-N" with both.
func (c *Contacts) CreateContact(ctx context.Context, p inbox.Person) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	e := inbox.NormalizeEmail(p.Email)
	if e == "" && p.Phone == "" {
		return "", errors.New("inboxtest: CreateContact without email or phone")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ids := c.byEmail[e]; e != "" && len(ids) > 0 {
		return ids[0], nil
	}
	if ids := c.byPhone[p.Phone]; p.Phone != "" && len(ids) > 0 {
		return ids[0], nil
	}
	c.next++
	id := "contact-" + strconv.Itoa(c.next)
	if e != "" {
		c.byEmail[e] = []string{id}
		c.emails[id] = e
	}
	if p.Phone != "" {
		c.byPhone[p.Phone] = []string{id}
	}
	p.Email = e
	c.people[id] = p
	return id, nil
}

// Conversations is an in-memory [inbox.Conversations] with one conversation
// per contact, ids "conv-N". It is safe for concurrent use; use
// [NewConversations].
type Conversations struct {
	mu        sync.Mutex
	byContact map[string]string
	contact   map[string]string
	order     []string
}

var _ inbox.Conversations = (*Conversations)(nil)

// NewConversations returns an empty conversation store.
func NewConversations() *Conversations {
	return &Conversations{byContact: map[string]string{}, contact: map[string]string{}}
}

// GetOrCreate implements [inbox.Conversations].
func (c *Conversations) GetOrCreate(ctx context.Context, contactID string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	if contactID == "" {
		return "", false, errors.New("inboxtest: empty contact id")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, ok := c.byContact[contactID]; ok {
		return id, false, nil
	}
	id := "conv-" + strconv.Itoa(len(c.order)+1)
	c.byContact[contactID] = id
	c.contact[id] = contactID
	c.order = append(c.order, id)
	return id, true, nil
}

// IDs returns the conversation ids in creation order.
func (c *Conversations) IDs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.order)
}

// Contact returns the contact of a conversation.
func (c *Conversations) Contact(conversationID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.contact[conversationID]
}

// A Stored is a message kept by [Messages].
type Stored struct {
	ID             string
	ConversationID string
	Message        inbox.Message
}

// Messages is an in-memory [inbox.Messages], ids "msg-N". It is safe for
// concurrent use; use [NewMessages].
type Messages struct {
	mu   sync.Mutex
	msgs []Stored
}

var _ inbox.Messages = (*Messages)(nil)

// NewMessages returns an empty message store.
func NewMessages() *Messages { return &Messages{} }

// Send implements [inbox.Messages]. It copies m.
func (ms *Messages) Send(ctx context.Context, conversationID string, m *inbox.Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if conversationID == "" || m == nil {
		return "", errors.New("inboxtest: empty conversation id or nil message")
	}
	cp := *m
	cp.Attachments = slices.Clone(m.Attachments)
	ms.mu.Lock()
	defer ms.mu.Unlock()
	id := "msg-" + strconv.Itoa(len(ms.msgs)+1)
	ms.msgs = append(ms.msgs, Stored{ID: id, ConversationID: conversationID, Message: cp})
	return id, nil
}

// All returns every stored message in send order.
func (ms *Messages) All() []Stored {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return slices.Clone(ms.msgs)
}

// Len returns the number of stored messages.
func (ms *Messages) Len() int {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return len(ms.msgs)
}

// In returns the messages of one conversation in send order.
func (ms *Messages) In(conversationID string) []Stored {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	var out []Stored
	for _, m := range ms.msgs {
		if m.ConversationID == conversationID {
			out = append(out, m)
		}
	}
	return out
}

// LedgerOptions configures [NewLedger]. The zero value is valid.
type LedgerOptions struct {
	// Lease is how long a claim lasts without Complete or Release; zero
	// means one minute.
	Lease time.Duration
	// Now returns the current time; nil means time.Now. Use [Clock.Now] to
	// test lease expiry.
	Now func() time.Time
}

// Ledger is an in-memory [inbox.Ledger] with leases. Its claim tokens come
// from a counter, unique within one Ledger. It is safe for concurrent use;
// use [NewLedger].
type Ledger struct {
	lease time.Duration
	now   func() time.Time
	mu    sync.Mutex
	m     map[string]*entry
	seq   uint64 // the last token issued
}

var _ inbox.Ledger = (*Ledger)(nil)

type entry struct {
	done    bool
	claimed bool
	token   string // of the current claim, while claimed
	expires time.Time
	rec     *inbox.Record
}

// ErrNotClaimed is returned by Reopen for a key that is not a failed record.
var ErrNotClaimed = errors.New("inboxtest: key not claimed")

// errLeaseLost is returned by Complete and Release for a token that is not
// the key's current claim.
var errLeaseLost = fmt.Errorf("inboxtest: %w", inbox.ErrLeaseLost)

// NewLedger returns an empty ledger.
func NewLedger(o LedgerOptions) *Ledger {
	l := &Ledger{lease: o.Lease, now: o.Now, m: map[string]*entry{}}
	if l.lease <= 0 {
		l.lease = time.Minute
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// Claim implements [inbox.Ledger].
func (l *Ledger) Claim(ctx context.Context, key string) (inbox.Claim, error) {
	if err := ctx.Err(); err != nil {
		return inbox.Claim{}, err
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[key]
	switch {
	case e == nil:
		e = &entry{}
		l.m[key] = e
	case e.done:
		return inbox.Claim{State: inbox.ClaimDone, Record: e.rec}, nil
	case e.claimed && now.Before(e.expires):
		return inbox.Claim{State: inbox.ClaimBusy}, nil
	}
	l.seq++
	e.claimed, e.expires, e.token = true, now.Add(l.lease), strconv.FormatUint(l.seq, 10)
	return inbox.Claim{State: inbox.ClaimNew, Token: e.token, Record: e.rec}, nil
}

// current returns the entry of key if token is its current claim (even
// with an expired lease nobody took over). l.mu must be held.
func (l *Ledger) current(key, token string) *entry {
	e := l.m[key]
	if e == nil || e.done || !e.claimed || token == "" || e.token != token {
		return nil
	}
	return e
}

// Complete implements [inbox.Ledger]. It returns an error wrapping
// [inbox.ErrLeaseLost] when token is not the key's current claim.
func (l *Ledger) Complete(ctx context.Context, key, token string, r *inbox.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.current(key, token)
	if e == nil {
		return errLeaseLost
	}
	e.done, e.claimed, e.token, e.rec = true, false, "", r
	return nil
}

// Release implements [inbox.Ledger]. It returns an error wrapping
// [inbox.ErrLeaseLost] when token is not the key's current claim.
func (l *Ledger) Release(ctx context.Context, key, token string, progress *inbox.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.current(key, token)
	if e == nil {
		return errLeaseLost
	}
	e.claimed, e.token = false, ""
	if progress != nil {
		e.rec = progress
	}
	return nil
}

// Reopen turns a completed failed record back into a released one, keeping
// its deliveries as progress, so that a replay (Sync of the record's Event)
// sends to the contacts that did not get the message and to no other.
func (l *Ledger) Reopen(key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[key]
	if e == nil || !e.done || e.rec == nil || e.rec.Status != inbox.StatusFailed {
		return ErrNotClaimed
	}
	rec := *e.rec
	rec.Deliveries = nil
	for _, d := range e.rec.Deliveries {
		if d.MessageID != "" {
			rec.Deliveries = append(rec.Deliveries, d)
		}
	}
	e.done, e.rec = false, &rec
	return nil
}

// An Entry is one key of the ledger as [Ledger.Entries] lists it.
type Entry struct {
	Key    string
	Done   bool
	Record *inbox.Record
}

// Entries returns every key in key order.
func (l *Ledger) Entries() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Entry, 0, len(l.m))
	for k, e := range l.m {
		out = append(out, Entry{Key: k, Done: e.done, Record: e.rec})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Failed returns the permanent failures, in key order, for the host to
// inspect and replay.
func (l *Ledger) Failed() []Entry {
	var out []Entry
	for _, e := range l.Entries() {
		if e.Done && e.Record != nil && e.Record.Status == inbox.StatusFailed {
			out = append(out, e)
		}
	}
	return out
}
