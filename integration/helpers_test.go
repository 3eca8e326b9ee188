package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

var (
	adminA  = integration.Actor{TeamID: "team-a", Role: integration.RoleAdmin}
	memberA = integration.Actor{TeamID: "team-a", Role: integration.RoleMember}
	adminB  = integration.Actor{TeamID: "team-b", Role: integration.RoleAdmin}
)

const testSecret = "tok_9f8e7d6c5b4a" // a bearer token that must never show up in any output

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
	svc   *integration.Service
	store *memstore.Store
	exec  *httpexec.Executor
	logs  *syncBuffer
}

// newEnv returns a Service over a memstore with team-a (inboxes a1, a2) and team-b (inbox b1),
// an executor allowed to reach loopback httptest servers, and every log record captured.
func newEnv(t testing.TB) *env { return newEnvLevel(t, slog.LevelDebug) }

// newEnvLevel is newEnv logging at level and above.
func newEnvLevel(t testing.TB, level slog.Level) *env {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level}))
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:     noDNS{},
		Logger:       logger,
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "a1", TeamID: "team-a", Name: "Support"})
	store.AddInbox(integration.Inbox{ID: "a2", TeamID: "team-a", Name: "Sales"})
	store.AddInbox(integration.Inbox{ID: "b1", TeamID: "team-b", Name: "Other team"})
	sealer, err := integration.NewAESGCM(integration.Key{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec, Sealer: sealer, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, store: store, exec: exec, logs: logs}
}

// service returns another Service over e's store and executor, without a sealer or a logger,
// after edit (if not nil) has adjusted its Options.
func (e *env) service(t testing.TB, edit func(*integration.Options)) *integration.Service {
	t.Helper()
	opts := integration.Options{Store: e.store, Attachments: e.store, Inboxes: e.store, Executor: e.exec}
	if edit != nil {
		edit(&opts)
	}
	svc, err := integration.NewService(opts)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// create creates in for adminA and attaches it to the inboxes at the given position.
func (e *env) create(t testing.TB, in *integration.Integration, position int, inboxes ...string) *integration.Integration {
	t.Helper()
	ctx := t.Context()
	got, err := e.svc.Create(ctx, adminA, in)
	if err != nil {
		t.Fatalf("Create(%s) = %v", in.Name, err)
	}
	for _, ib := range inboxes {
		if err := e.svc.Attach(ctx, adminA, got.ID, ib, position); err != nil {
			t.Fatalf("Attach(%s, %s) = %v", got.ID, ib, err)
		}
	}
	return got
}

// recorded is one request an upstream received.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// upstream is an httptest server that records requests and answers with handler.
type upstream struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newUpstream(t testing.TB, handler http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.reqs = append(u.reqs, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(body)})
		u.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		handler(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) calls() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.reqs)
}

func (u *upstream) last(t testing.TB) recorded {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.reqs) == 0 {
		t.Fatal("upstream received no request")
	}
	return u.reqs[len(u.reqs)-1]
}

// jsonReply answers every request with body as JSON.
func jsonReply(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var customerTemplate = json.RawMessage(`{"version": 1, "sections": [
  {"type": "keyvalue", "title": "Customer Information", "items": [
    {"label": "Customer ID", "value": "{{id}}"},
    {"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success"}}},
    {"label": "Lifetime Value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}}]}]}`)

var ada = integration.Contact{
	ID: "c/1001 x", Name: `Ada "Countess" O'Lovelace`, Email: "ada+test@example.com", PhoneNumber: "+44 20 7946 0000",
	Attributes: map[string]string{"plan": "pro", "crm_id": "CRM-77"},
}

func contextWithTimeout(t testing.TB, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}

// noDNS answers every name as not found. Upstreams in these tests are httptest servers on
// 127.0.0.1, so no test needs a name, and none can resolve or reach a real host by accident
// (the integrations under test name hosts such as crm.example.com).
type noDNS struct{}

func (noDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host (tests resolve no names)", Name: host, IsNotFound: true}
}
