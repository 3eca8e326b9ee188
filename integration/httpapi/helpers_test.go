package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

// The test users, by the X-Test-User header.
var users = map[string]integration.Actor{
	"admin-a":  {TeamID: "team-a", Role: integration.RoleAdmin},
	"member-a": {TeamID: "team-a", Role: integration.RoleMember},
	"admin-b":  {TeamID: "team-b", Role: integration.RoleAdmin},
}

// Contacts of team-a. "c-panic" makes the host's Contact callback panic.
var contacts = map[string]integration.Contact{
	"c-ada":  {ID: "c-ada", Name: "Ada Lovelace", Email: "ada@example.com"},
	"c-none": {ID: "c-none", Name: "No Email"},
}

const testSecret = "tok_9f8e7d6c5b4a" // a credential that must never appear in a response

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type env struct {
	api      *httpapi.Handler
	srv      *httptest.Server // the API mounted under /api
	svc      *integration.Service
	store    *memstore.Store
	logs     *syncBuffer
	upstream *httptest.Server // answers {"id": 7, "tier": "Gold"} and counts calls
	calls    atomic.Int32
}

// newEnv serves the API under /api on a loopback server, over a memstore with team-a (inboxes
// a1, a2) and team-b (inbox b1). edit adjusts the Options before New.
func newEnv(t testing.TB, edit func(*httpapi.Options)) *env {
	t.Helper()
	e := &env{logs: &syncBuffer{}}
	e.upstream = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": 7, "tier": "Gold", "ltv": 2850.5}`)
	}))
	t.Cleanup(e.upstream.Close)
	logger := slog.New(slog.NewJSONHandler(e.logs, nil))
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:     noDNS{},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	e.store = memstore.New()
	e.store.AddInbox(integration.Inbox{ID: "a1", TeamID: "team-a", Name: "Support"})
	e.store.AddInbox(integration.Inbox{ID: "a2", TeamID: "team-a", Name: "Sales"})
	e.store.AddInbox(integration.Inbox{ID: "b1", TeamID: "team-b", Name: "Other"})
	sealer, err := integration.NewAESGCM(integration.Key{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	e.svc, err = integration.NewService(integration.Options{
		Store: e.store, Attachments: e.store, Inboxes: e.store, Executor: exec, Sealer: sealer, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := httpapi.Options{
		Service:  e.svc,
		Identify: identify,
		Contact:  lookupContact,
		Logger:   logger,
	}
	if edit != nil {
		edit(&opts)
	}
	e.api, err = httpapi.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", e.api))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

func identify(r *http.Request) (integration.Actor, error) {
	switch u := r.Header.Get("X-Test-User"); u {
	case "panic":
		panic("identify exploded")
	case "suspended":
		return integration.Actor{}, errForbiddenWrapped
	case "no-team":
		return integration.Actor{Role: integration.RoleAdmin}, nil
	default:
		if a, ok := users[u]; ok {
			return a, nil
		}
		return integration.Actor{}, errors.New("unknown user")
	}
}

var errForbiddenWrapped = errors.Join(errors.New("account suspended"), integration.ErrForbidden)

func lookupContact(_ context.Context, a integration.Actor, ref httpapi.ContactRef) (integration.Contact, *integration.Conversation, error) {
	if ref.ContactID == "c-panic" {
		panic("contact lookup exploded")
	}
	c, ok := contacts[ref.ContactID]
	if !ok || a.TeamID != "team-a" {
		return integration.Contact{}, nil, integration.ErrNotFound
	}
	var conv *integration.Conversation
	if ref.ConversationID != "" {
		conv = &integration.Conversation{ID: ref.ConversationID, Subject: "Hello"}
	}
	return c, conv, nil
}

// do sends a request to the API as user ("" for none); a non-empty body is sent as JSON.
func (e *env) do(t testing.TB, user, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+"/api"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	return e.send(t, req)
}

func (e *env) send(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// mustDo is do, failing the test unless the status is want; it decodes the body into v.
func (e *env) mustDo(t testing.TB, want int, user, method, path, body string, v any) {
	t.Helper()
	resp, b := e.do(t, user, method, path, body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// integrationJSON is an integration against the test upstream with a secret header.
func (e *env) integrationJSON(name string) string {
	return `{"name": "` + name + `", "url": "` + e.upstream.URL + `/c?email={{contact.email}}", "cache_minutes": 10, "active": true,
	  "required_variables": ["contact.email"],
	  "headers": [{"name": "Authorization", "value": "Bearer ` + testSecret + `", "secret": true}],
	  "display": {"enabled": true, "template": {"version": 1, "sections": [{"type": "keyvalue", "title": "Customer", "items": [
	    {"label": "ID", "value": "{{id}}"}, {"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success"}}}]}]}}}`
}

// create creates an integration as admin-a and attaches it to inbox at position.
func (e *env) create(t testing.TB, name, inbox string, position int) *integration.Integration {
	t.Helper()
	var in integration.Integration
	e.mustDo(t, http.StatusCreated, "admin-a", "POST", "/integrations", e.integrationJSON(name), &in)
	if inbox != "" {
		e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/"+inbox+"/integrations/"+in.ID, `{"position": `+itoa(position)+`}`, nil)
	}
	return &in
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// problem decodes a problem document, failing unless the media type is problem+json.
func problem(t testing.TB, resp *http.Response, body []byte) httpapi.ProblemDetails {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (body %s)", ct, body)
	}
	var p httpapi.ProblemDetails
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem body %s: %v", body, err)
	}
	if p.Status != resp.StatusCode {
		t.Errorf("problem status %d, response status %d", p.Status, resp.StatusCode)
	}
	return p
}

// noDNS answers every name as not found: the tests call only loopback servers by address.
type noDNS struct{}

func (noDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host (tests resolve no names)", Name: host, IsNotFound: true}
}
