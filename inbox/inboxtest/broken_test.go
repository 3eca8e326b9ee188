package inboxtest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// The conformance suites are only worth running if they fail on broken
// implementations. Each bug below is one a real host store is likely to
// have; TestSuitesCatchBrokenImplementations runs the suite against each in
// a child process and asserts that the named subtest fails.

// gap widens the window of a check-then-act race, as a network round trip
// between a SELECT and an INSERT would.
func gap() {
	runtime.Gosched()
	time.Sleep(2 * time.Millisecond)
}

// bugLedger is a ledger with one deliberate bug.
type bugLedger struct {
	bug   string
	lease time.Duration
	now   func() time.Time
	mu    sync.Mutex
	m     map[string]*bugEntry
	seq   int
}

type bugEntry struct {
	done, claimed bool
	token         string
	expires       time.Time
	rec           *inbox.Record
}

func (l *bugLedger) Claim(ctx context.Context, key string) (inbox.Claim, error) {
	if l.bug == "truncated-keys" && len(key) > 64 {
		key = key[:64]
	}
	if l.bug == "case-folded-keys" {
		key = strings.ToLower(key)
	}
	now := l.now()
	l.mu.Lock()
	e := l.m[key]
	switch {
	case e == nil:
		e = &bugEntry{}
	case e.done:
		l.mu.Unlock()
		return inbox.Claim{State: inbox.ClaimDone, Record: e.rec}, nil
	case e.claimed && (now.Before(e.expires) || l.bug == "lease-ignored"):
		l.mu.Unlock()
		return inbox.Claim{State: inbox.ClaimBusy}, nil
	}
	if l.bug == "claim-not-atomic" {
		l.mu.Unlock() // SELECT ... then INSERT, in two statements
		gap()
		l.mu.Lock()
	}
	l.seq++
	e.claimed, e.expires, e.token = true, now.Add(l.lease), strconv.Itoa(l.seq)
	if l.bug == "token-per-key" {
		e.token = "t-" + key
	}
	l.m[key] = e
	rec := e.rec
	l.mu.Unlock()
	return inbox.Claim{State: inbox.ClaimNew, Token: e.token, Record: rec}, nil
}

// current returns the entry token may write, with the bug's idea of it.
func (l *bugLedger) current(key, token string, release bool) *bugEntry {
	e := l.m[key]
	if e == nil {
		return nil
	}
	switch {
	case l.bug == "no-fencing",
		l.bug == "complete-ignores-token" && !release,
		l.bug == "release-ignores-token" && release:
		if e.done && !(l.bug == "no-fencing" && release) {
			return nil
		}
		return e
	case l.bug == "done-reopens" && release && e.done:
		return e
	case l.bug == "expiry-ends-claim" && l.now().After(e.expires):
		return nil
	}
	if e.done || !e.claimed || token == "" || e.token != token {
		return nil
	}
	return e
}

func (l *bugLedger) Complete(ctx context.Context, key, token string, r *inbox.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.current(key, token, false)
	if e == nil {
		return inbox.ErrLeaseLost
	}
	if l.bug == "failed-event-dropped" && r != nil && r.Event != nil {
		cp := *r
		cp.Event = nil // a record column without the event
		r = &cp
	}
	if l.bug == "attachments-dropped" && r != nil && r.Event != nil {
		cp, ev := *r, *r.Event
		ev.Attachments = nil
		cp.Event = &ev
		r = &cp
	}
	e.done, e.claimed, e.token, e.rec = true, false, "", r
	return nil
}

func (l *bugLedger) Release(ctx context.Context, key, token string, progress *inbox.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.current(key, token, true)
	if e == nil {
		return inbox.ErrLeaseLost
	}
	e.done, e.claimed, e.token = false, false, ""
	if progress != nil && l.bug != "release-drops-progress" {
		e.rec = progress
	}
	return nil
}

// bugContacts is a contact store with one deliberate bug.
type bugContacts struct {
	bug  string
	mu   sync.Mutex
	seed []inboxtest.Contact
	next int
}

func (c *bugContacts) FindByEmail(ctx context.Context, email string) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	for _, s := range c.seed {
		var match bool
		switch c.bug {
		case "case-sensitive":
			match = s.Email == email
		case "prefix-match":
			match = strings.HasPrefix(strings.ToLower(s.Email), email)
		case "like-wildcards": // LIKE $1 without escaping '_' and '%'
			match = likeMatch(strings.ToLower(s.Email), email)
		default:
			match = strings.EqualFold(s.Email, email)
		}
		if match {
			ids = append(ids, s.ID)
		}
	}
	if c.bug == "empty-ids" && len(ids) > 0 {
		ids[0] = ""
	}
	if c.bug == "nil-nil" {
		return nil, nil
	}
	return ids, nil
}

// bugContacts implements both optional interfaces, so that the suite's
// phone and create subtests run against it.
var (
	_ inbox.PhoneContacts  = (*bugContacts)(nil)
	_ inbox.ContactCreator = (*bugContacts)(nil)
)

func (c *bugContacts) FindByPhone(ctx context.Context, e164 string) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	for _, s := range c.seed {
		if s.Phone != "" && s.Phone == e164 && c.bug != "phone-ignored" {
			ids = append(ids, s.ID)
		}
	}
	return ids, nil
}

func (c *bugContacts) CreateContact(ctx context.Context, p inbox.Person) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bug == "create-empty-id" {
		return "", nil
	}
	c.next++
	id := "new-" + strconv.Itoa(c.next)
	if c.bug == "create-drops-phone" {
		p.Phone = ""
	}
	if c.bug != "create-not-stored" {
		c.seed = append(c.seed, inboxtest.Contact{ID: id, Email: p.Email, Phone: p.Phone})
	}
	return id, nil
}

// likeMatch reports whether s matches the SQL LIKE pattern p.
func likeMatch(s, p string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], p[1:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatch(s[1:], p[1:])
	}
	return s != "" && s[0] == p[0] && likeMatch(s[1:], p[1:])
}

// bugConversations is a conversation store with one deliberate bug.
type bugConversations struct {
	bug string
	mu  sync.Mutex
	m   map[string]string
}

func (c *bugConversations) GetOrCreate(ctx context.Context, contactID string) (string, bool, error) {
	switch c.bug {
	case "empty-id":
		return "", true, nil
	case "one-conversation":
		return "conv-1", true, nil
	}
	c.mu.Lock()
	id, ok := c.m[contactID]
	if ok {
		c.mu.Unlock()
		return id, c.bug == "always-created", nil
	}
	if c.bug == "not-atomic" {
		c.mu.Unlock()
		gap()
		c.mu.Lock()
	}
	id = "conv-" + strconv.Itoa(len(c.m)+1) + "-" + contactID
	if c.bug == "not-atomic" {
		id += "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	c.m[contactID] = id
	c.mu.Unlock()
	return id, true, nil
}

// bugMessages is a message store with one deliberate bug.
type bugMessages struct {
	bug   string
	mu    sync.Mutex
	n     int
	byKey map[string]string
}

func (ms *bugMessages) Send(ctx context.Context, conv string, m *inbox.Message) (string, error) {
	switch ms.bug {
	case "empty-id":
		return "", nil
	case "same-id":
		return "msg-1", nil
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	key := m.Key
	if ms.bug == "dedupe-on-text" {
		key = m.Text
	}
	if id, ok := ms.byKey[key]; ok {
		return id, nil
	}
	if ms.bug == "dedupe-not-atomic" {
		ms.mu.Unlock()
		gap()
		ms.mu.Lock()
	}
	ms.n++
	id := "msg-" + strconv.Itoa(ms.n)
	ms.byKey[key] = id
	return id, nil
}

// brokenSuites runs the suite a bug belongs to, against the broken store.
var brokenSuites = map[string]func(t *testing.T, bug string){
	"ledger": func(t *testing.T, bug string) {
		inboxtest.RunLedger(t, func(t *testing.T) (inbox.Ledger, time.Duration, func(time.Duration)) {
			clock := inboxtest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			l := &bugLedger{bug: bug, lease: 30 * time.Second, now: clock.Now, m: map[string]*bugEntry{}}
			return l, 30 * time.Second, clock.Advance
		})
	},
	"contacts": func(t *testing.T, bug string) {
		inboxtest.RunContacts(t, func(t *testing.T, seed []inboxtest.Contact) inbox.Contacts {
			return &bugContacts{bug: bug, seed: slices.Clone(seed)}
		})
	},
	"conversations": func(t *testing.T, bug string) {
		inboxtest.RunConversations(t, func(t *testing.T) inbox.Conversations {
			return &bugConversations{bug: bug, m: map[string]string{}}
		})
	},
	"messages": func(t *testing.T, bug string) {
		inboxtest.RunMessages(t, func(t *testing.T) (inbox.Messages, string) {
			return &bugMessages{bug: bug, byKey: map[string]string{}}, "conv-1"
		})
	},
}

// TestBrokenImplementationHelper is not a test of its own:
// TestSuitesCatchBrokenImplementations runs it in a child process with
// INBOXTEST_BUG set to "suite:bug" (the os/exec helper-process idiom). In a
// normal run it returns at once.
func TestBrokenImplementationHelper(t *testing.T) {
	suite, bug, ok := strings.Cut(os.Getenv("INBOXTEST_BUG"), ":")
	if !ok {
		return
	}
	brokenSuites[suite](t, bug)
}

func TestSuitesCatchBrokenImplementations(t *testing.T) {
	t.Parallel()
	const helper = "--- FAIL: TestBrokenImplementationHelper/"
	for bug, wantFail := range map[string]string{
		"ledger:no-fencing":              "stale_token_cannot_complete_after_takeover",
		"ledger:complete-ignores-token":  "stale_token_cannot_complete_after_takeover",
		"ledger:release-ignores-token":   "stale_token_cannot_release_after_takeover",
		"ledger:claim-not-atomic":        "concurrent_claims",
		"ledger:lease-ignored":           "lease_expiry",
		"ledger:token-per-key":           "stale_token_cannot_complete_after_takeover",
		"ledger:done-reopens":            "done_is_final",
		"ledger:release-drops-progress":  "release_keeps_progress",
		"ledger:expiry-ends-claim":       "expired_lease_not_taken_over",
		"ledger:failed-event-dropped":    "failed_record",
		"ledger:attachments-dropped":     "failed_record",
		"ledger:truncated-keys":          "keys_are_distinct",
		"ledger:case-folded-keys":        "keys_are_distinct",
		"contacts:nil-nil":               "one",
		"contacts:empty-ids":             "one",
		"contacts:case-sensitive":        "case-insensitive",
		"contacts:prefix-match":          "exact_match",
		"contacts:like-wildcards":        "exact_match",
		"contacts:create-empty-id":       "create",
		"contacts:create-not-stored":     "create",
		"contacts:create-drops-phone":    "create",
		"contacts:phone-ignored":         "phone",
		"conversations:empty-id":         "get_or_create",
		"conversations:one-conversation": "get_or_create",
		"conversations:always-created":   "get_or_create",
		"conversations:not-atomic":       "concurrent",
		"messages:empty-id":              "send",
		"messages:same-id":               "send",
		"messages:dedupe-on-text":        "send",
		"messages:dedupe-not-atomic":     "dedupe_on_key",
	} {
		t.Run(bug, func(t *testing.T) {
			t.Parallel()
			suite, _, _ := strings.Cut(bug, ":")
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenImplementationHelper$", "-test.v")
			cmd.Env = append(os.Environ(), "INBOXTEST_BUG="+bug)
			out, err := cmd.CombinedOutput()
			if _, ok := errors.AsType[*exec.ExitError](err); !ok {
				t.Fatalf("the %s suite passed a store with bug %q (err %v):\n%s", suite, bug, err, out)
			}
			want := helper + wantFail + " "
			if !strings.Contains(string(out), want) {
				t.Errorf("bug %q: output lacks %q:\n%s", bug, strings.TrimSpace(want), out)
			}
		})
	}
}
