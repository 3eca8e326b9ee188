package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

// actionEnv is a Service whose audit records and log records are captured, over a memstore
// with team-a (inbox a1) and team-b (inbox b1), with an executor that retries like a
// production one (3 attempts, no backoff wait).
type actionEnv struct {
	svc   *integration.Service
	store *memstore.Store
	logs  *syncBuffer
	mu    sync.Mutex
	audit []integration.AuditEvent
}

var actionClock = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)

func newActionEnv(t *testing.T) *actionEnv {
	t.Helper()
	ae := &actionEnv{logs: &syncBuffer{}, store: memstore.New()}
	logger := slog.New(slog.NewJSONHandler(ae.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:     noDNS{},
		Logger:       logger,
		Retry:        httpexec.RetryPolicy{MaxAttempts: 3, Jitter: func(time.Duration) time.Duration { return 0 }},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	ae.store.AddInbox(integration.Inbox{ID: "a1", TeamID: "team-a", Name: "Support"})
	ae.store.AddInbox(integration.Inbox{ID: "b1", TeamID: "team-b", Name: "Other team"})
	sealer, err := integration.NewAESGCM(integration.Key{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ae.svc, err = integration.NewService(integration.Options{
		Store: ae.store, Attachments: ae.store, Inboxes: ae.store, Executor: exec, Sealer: sealer, Logger: logger,
		Now: func() time.Time { return actionClock },
		Audit: func(_ context.Context, e integration.AuditEvent) {
			ae.mu.Lock()
			defer ae.mu.Unlock()
			ae.audit = append(ae.audit, e)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ae
}

// create creates in for adminA and attaches it to a1.
func (ae *actionEnv) create(t *testing.T, in *integration.Integration) *integration.Integration {
	t.Helper()
	got, err := ae.svc.Create(t.Context(), adminA, in)
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	if err := ae.svc.Attach(t.Context(), adminA, got.ID, "a1", 1); err != nil {
		t.Fatal(err)
	}
	return got
}

// audited returns the audit records so far.
func (ae *actionEnv) audited() []integration.AuditEvent {
	ae.mu.Lock()
	defer ae.mu.Unlock()
	return append([]integration.AuditEvent(nil), ae.audit...)
}

// noteIntegration is a CRM card with one action, "Add note": a POST to the CRM's host with the
// agent's note, its kind (a path segment) and a channel (a query value), authorized by the
// integration's secret token.
func noteIntegration(crm, actions string) *integration.Integration {
	return &integration.Integration{
		Name: "CRM", URL: crm + "/customers?email={{contact.email}}", Active: true, CacheMinutes: 10,
		Secrets: []integration.Secret{{Name: "token", Value: testSecret}},
		Actions: []integration.Action{{
			Name: "add_note", Label: "Add note",
			URL:     actions + "/customers/{{contact.id}}/notes/{{input.kind}}",
			Query:   []integration.QueryParam{{Name: "via", Value: "{{input.via}}"}},
			Headers: []integration.Header{{Name: "Authorization", Value: "Bearer {{secret.token}}"}, {Name: "X-Agent", Value: "{{agent.email}}"}},
			Body:    `{"note": "{{input.note}}", "email": "{{contact.email}}", "pinned": "{{input.pinned}}", "follow_up": "{{input.follow_up}}"}`,
			Fields: []integration.ActionField{
				{Name: "note", Label: "Note", Type: integration.FieldTextarea, Required: true, MaxLength: 500},
				{Name: "kind", Label: "Kind", Type: integration.FieldText, Default: "general"},
				{Name: "via", Label: "Via", Type: integration.FieldText},
				{Name: "pinned", Label: "Pinned", Type: integration.FieldBoolean},
				{Name: "follow_up", Label: "Follow up", Type: integration.FieldDate},
			},
			ResultPath: "note.message",
		}},
	}
}

func TestActionEndToEnd(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	crm := newUpstream(t, jsonReply(`{"id": 1}`))
	notes := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"note": {"message": "Note saved\u202e for `+testSecret+`"}}`)
	})
	// The action calls the integration's host with the integration's secret.
	in := ae.create(t, noteIntegration(crm.URL, crm.URL))
	in.Actions[0].URL = strings.Replace(in.Actions[0].URL, crm.URL, notes.URL, 1)
	if _, err := ae.svc.Update(t.Context(), adminA, in); err == nil {
		t.Fatal("Update accepted an action that sends the integration's secret to another port")
	}
	in = ae.create(t, noteIntegration(notes.URL, notes.URL))

	cards, err := ae.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada, IntegrationID: in.ID})
	if err != nil {
		t.Fatal(err)
	}
	wantButtons := []integration.ActionButton{{
		Name: "add_note", Label: "Add note", Method: "POST", Confirm: `Run "Add note" for this contact?`,
		Fields: noteIntegration("", "").Actions[0].Fields,
	}}
	if diff := cmp.Diff(wantButtons, cards[0].Actions); diff != "" {
		t.Errorf("card buttons mismatch (-want +got):\n%s", diff)
	}
	before := notes.calls()

	req := &integration.ActionRequest{
		InboxID: "a1", IntegrationID: in.ID, Action: "add_note", Contact: ada,
		Agent:  &integration.Agent{ID: "agent_7", Email: "grace@helpdesk.example"},
		Inputs: map[string]string{"note": "Line 1\r\nLine \"2\"\"} ,\"admin\": true", "kind": "a/b ..", "via": "x&y=z", "pinned": "true"},
	}
	_, err = ae.svc.RunAction(t.Context(), memberA, req)
	var ce *integration.ConfirmationError
	if !errors.As(err, &ce) || !errors.Is(err, integration.ErrConfirmationRequired) || ce.Prompt != `Run "Add note" for this contact?` {
		t.Fatalf("unconfirmed RunAction = %v, want a *ConfirmationError with the default prompt", err)
	}
	if notes.calls() != before {
		t.Fatal("an unconfirmed action sent a request")
	}

	req.Confirmed = true
	res, err := ae.svc.RunAction(t.Context(), memberA, req)
	if err != nil {
		t.Fatal(err)
	}
	want := &integration.ActionResult{Status: integration.OutcomeOK, HTTPStatus: 201, Message: "Note saved for " + integration.Redacted}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
	if got := notes.calls() - before; got != 1 {
		t.Fatalf("upstream received %d requests, want 1", got)
	}
	sent := notes.last(t)
	if sent.Method != "POST" || sent.Path != "/customers/c%2F1001%20x/notes/a%2Fb%20.." || sent.RawQuery != "via=x%26y%3Dz" {
		t.Errorf("sent %s %s?%s, want the values escaped by position", sent.Method, sent.Path, sent.RawQuery)
	}
	if got := sent.Header.Get("Authorization"); got != "Bearer "+testSecret {
		t.Errorf("Authorization = %q, want the opened secret", got)
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(sent.Body), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", sent.Body, err)
	}
	wantBody := map[string]string{
		"note": "Line 1\nLine \"2\"\"} ,\"admin\": true", "email": ada.Email, "pinned": "true", "follow_up": "",
	}
	if diff := cmp.Diff(wantBody, body); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}

	// The defaults: kind "general", pinned "false".
	req.Inputs = map[string]string{"note": "short"}
	if _, err := ae.svc.RunAction(t.Context(), memberA, req); err != nil {
		t.Fatal(err)
	}
	if sent := notes.last(t); !strings.HasSuffix(sent.Path, "/notes/general") || !strings.Contains(sent.Body, `"pinned": "false"`) {
		t.Errorf("sent %s %s, want the defaults", sent.Path, sent.Body)
	}

	wantAudit := integration.AuditEvent{
		Time: actionClock, TeamID: "team-a", AgentID: "agent_7", AgentEmail: "grace@helpdesk.example",
		InboxID: "a1", ContactID: ada.ID, IntegrationID: in.ID, IntegrationVersion: 1, Action: "add_note",
		Method: "POST", URLTemplate: notes.URL + "/customers/{{contact.id}}/notes/{{input.kind}}",
		Inputs: []string{"note", "kind", "via", "pinned"}, Outcome: integration.OutcomeRefused,
		Refusal: integration.RefusalConfirmationRequired,
	}
	audit := ae.audited()
	if len(audit) != 3 {
		t.Fatalf("%d audit records, want 3: %+v", len(audit), audit)
	}
	if diff := cmp.Diff(wantAudit, audit[0]); diff != "" {
		t.Errorf("audit of the refusal mismatch (-want +got):\n%s", diff)
	}
	wantAudit.Outcome, wantAudit.Refusal, wantAudit.HTTPStatus = integration.OutcomeOK, "", 201
	if diff := cmp.Diff(wantAudit, audit[1]); diff != "" {
		t.Errorf("audit of the run mismatch (-want +got):\n%s", diff)
	}
}

// An input whose value its position cannot carry is refused at /inputs/NAME before anything is
// sent or the agent is asked to confirm: a line break for a header, a dot segment for a path.
func TestActionHostileInputs(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	up := newUpstream(t, jsonReply(`{}`))
	in := noteIntegration(up.URL, up.URL)
	in.Actions[0].Headers = append(in.Actions[0].Headers, integration.Header{Name: "X-Note", Value: "{{input.note}}"})
	in = ae.create(t, in)
	tests := []struct {
		name   string
		inputs map[string]string
		want   []integration.Problem
	}{
		{"line break for a header", map[string]string{"note": "a\nX-Admin: 1"},
			[]integration.Problem{{Path: "/inputs/note", Code: integration.CodeInvalidValue}}},
		{"dot segment", map[string]string{"note": "n", "kind": ".."},
			[]integration.Problem{{Path: "/inputs/kind", Code: integration.CodeInvalidValue}}},
		{"escaped dot segment", map[string]string{"note": "n", "kind": "..;x"},
			[]integration.Problem{{Path: "/inputs/kind", Code: integration.CodeInvalidValue}}},
		{"line break in a one-line field", map[string]string{"note": "n", "kind": "a\r\nb"},
			[]integration.Problem{{Path: "/inputs/kind", Code: integration.CodeInvalidValue}}},
		{"unknown and missing", map[string]string{"../x~y": "1", "<script>": "2"}, []integration.Problem{
			{Path: "/inputs/..~1x~0y", Code: integration.CodeUnknownKey},
			{Path: "/inputs/<script>", Code: integration.CodeUnknownKey},
			{Path: "/inputs/note", Code: integration.CodeRequired}}},
		{"too long", map[string]string{"note": strings.Repeat("é", 501)},
			[]integration.Problem{{Path: "/inputs/note", Code: integration.CodeTooLong}}},
		{"not a date, not a boolean", map[string]string{"note": "n", "follow_up": "2026-02-30", "pinned": "yes"}, []integration.Problem{
			{Path: "/inputs/pinned", Code: integration.CodeInvalidValue},
			{Path: "/inputs/follow_up", Code: integration.CodeInvalidValue}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := up.calls()
			_, err := ae.svc.RunAction(t.Context(), memberA, &integration.ActionRequest{
				InboxID: "a1", IntegrationID: in.ID, Action: "add_note", Contact: ada, Inputs: tt.inputs, Confirmed: true,
			})
			ve, ok := errors.AsType[*integration.ValidationError](err)
			if !ok {
				t.Fatalf("RunAction = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tt.want, ve.Problems, cmpopts.IgnoreFields(integration.Problem{}, "Message")); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
			for _, p := range ve.Problems {
				for _, v := range tt.inputs {
					if len(v) > 3 && strings.Contains(p.Message, v) {
						t.Errorf("problem %q repeats the input %q", p.Message, v)
					}
				}
			}
			if up.calls() != before {
				t.Error("a refused action sent a request")
			}
		})
	}
}

// A non-GET action is sent once even when the upstream answers 503 and the executor retries;
// a GET action is retried; neither is ever served from the cache.
func TestActionNeverRetriedNorCached(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/customers" {
			jsonReply(`{}`)(w, r)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"message": "down for maintenance"}`)
	})
	in := &integration.Integration{Name: "Shop", URL: up.URL + "/customers", Active: true, CacheMinutes: 60}
	for _, m := range []string{"GET", "PUT", "DELETE", "POST"} {
		in.Actions = append(in.Actions, integration.Action{Name: strings.ToLower(m), Label: m, Method: m, URL: up.URL + "/act", ResultPath: "message"})
	}
	in = ae.create(t, in)
	for _, tt := range []struct {
		action   string
		requests int
	}{{"put", 1}, {"delete", 1}, {"post", 1}, {"get", 3}} {
		before := up.calls()
		res, err := ae.svc.RunAction(t.Context(), memberA, &integration.ActionRequest{
			InboxID: "a1", IntegrationID: in.ID, Action: tt.action, Contact: ada, Confirmed: true,
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.action, err)
		}
		want := &integration.ActionResult{Status: integration.OutcomeFailed, HTTPStatus: 503, Message: "down for maintenance",
			Error: &integration.CardError{Category: httpexec.CategoryUpstream5xx, Message: "The service failed (HTTP 503)."}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("%s: result mismatch (-want +got):\n%s", tt.action, diff)
		}
		if got := up.calls() - before; got != tt.requests {
			t.Errorf("%s: upstream received %d requests, want %d", tt.action, got, tt.requests)
		}
	}

	// A GET action that succeeds is sent every time: an action is a deliberate act.
	ok := newUpstream(t, jsonReply(`{"status": "synced"}`))
	in2 := ae.create(t, &integration.Integration{Name: "Sync", URL: ok.URL + "/c", Active: true, CacheMinutes: 60,
		Actions: []integration.Action{{Name: "sync", Label: "Sync", Method: "GET", URL: ok.URL + "/sync"}}})
	for range 2 {
		res, err := ae.svc.RunAction(t.Context(), memberA, &integration.ActionRequest{InboxID: "a1", IntegrationID: in2.ID, Action: "sync", Contact: ada})
		if err != nil || res.Status != integration.OutcomeOK || res.Message != "Done (HTTP 200)." {
			t.Fatalf("GET action without confirmation = %+v, %v; want it run at once", res, err)
		}
	}
	if got := ok.calls(); got != 2 {
		t.Errorf("upstream received %d requests for two runs, want 2", got)
	}
}

// RunAction runs only the actor's team's integrations that are attached, enabled and active in
// the inbox, and only actions they have; any member may run one.
func TestActionIsolation(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	up := newUpstream(t, jsonReply(`{}`))
	mk := func(name string, active bool) *integration.Integration {
		return ae.create(t, &integration.Integration{Name: name, URL: up.URL + "/c", Active: active,
			Actions: []integration.Action{{Name: "ping", Label: "Ping", Method: "GET", URL: up.URL + "/ping"}}})
	}
	live, inactive, disabled := mk("live", true), mk("inactive", false), mk("disabled", true)
	if err := ae.svc.SetEnabled(t.Context(), adminA, disabled.ID, "a1", false); err != nil {
		t.Fatal(err)
	}
	detached := mk("detached", true)
	if err := ae.svc.Detach(t.Context(), adminA, detached.ID, "a1"); err != nil {
		t.Fatal(err)
	}
	memberB := integration.Actor{TeamID: "team-b", Role: integration.RoleMember}
	for _, tt := range []struct {
		name                 string
		actor                integration.Actor
		inbox, integ, action string
		wantErr              error
	}{
		{"member runs", memberA, "a1", live.ID, "ping", nil},
		{"admin runs", adminA, "a1", live.ID, "ping", nil},
		{"other team's member", memberB, "a1", live.ID, "ping", integration.ErrNotFound},
		{"other team's inbox", memberB, "b1", live.ID, "ping", integration.ErrNotFound},
		{"no team", integration.Actor{Role: integration.RoleAdmin}, "a1", live.ID, "ping", integration.ErrNotFound},
		{"unknown action", memberA, "a1", live.ID, "pong", integration.ErrNotFound},
		{"inactive", memberA, "a1", inactive.ID, "ping", integration.ErrNotFound},
		{"disabled in the inbox", memberA, "a1", disabled.ID, "ping", integration.ErrNotFound},
		{"not attached", memberA, "a1", detached.ID, "ping", integration.ErrNotFound},
	} {
		before := up.calls()
		_, err := ae.svc.RunAction(t.Context(), tt.actor, &integration.ActionRequest{
			InboxID: tt.inbox, IntegrationID: tt.integ, Action: tt.action, Contact: ada,
		})
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("%s: RunAction = %v, want %v", tt.name, err, tt.wantErr)
		}
		if sent := up.calls() - before; (tt.wantErr == nil) != (sent == 1) {
			t.Errorf("%s: %d requests sent", tt.name, sent)
		}
	}
	for _, e := range ae.audited()[2:] {
		if e.Outcome != integration.OutcomeRefused || e.Refusal != integration.RefusalNotFound {
			t.Errorf("audit of a refusal = %+v, want refused not_found", e)
		}
	}
}

// An action applies only where its card does: when the run condition holds and the required
// variables are there, including those making up a whole path segment of the action's URL.
func TestActionNotApplicable(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	up := newUpstream(t, jsonReply(`{}`))
	in := ae.create(t, &integration.Integration{
		Name: "VIP", URL: up.URL + "/c", Active: true,
		Condition: json.RawMessage(`{"path": "contact.attributes.plan", "op": "eq", "value": "pro"}`),
		Actions: []integration.Action{{Name: "call", Label: "Call", Method: "GET",
			URL: up.URL + "/phone/{{contact.phone_number}}"}},
	})
	run := func(c integration.Contact) error {
		_, err := ae.svc.RunAction(t.Context(), memberA, &integration.ActionRequest{InboxID: "a1", IntegrationID: in.ID, Action: "call", Contact: c})
		return err
	}
	if err := run(ada); err != nil {
		t.Fatalf("RunAction for a pro contact = %v", err)
	}
	free := ada
	free.Attributes = map[string]string{"plan": "free"}
	noPhone := ada
	noPhone.PhoneNumber = ""
	for name, c := range map[string]integration.Contact{"condition": free, "segment": noPhone} {
		before := up.calls()
		if err := run(c); !errors.Is(err, integration.ErrNotApplicable) {
			t.Errorf("%s: RunAction = %v, want ErrNotApplicable", name, err)
		}
		if up.calls() != before {
			t.Errorf("%s: a request was sent", name)
		}
	}
}

// Buttons are on ok cards (stale ones too) and on no other.
func TestActionButtonsOnOKCardsOnly(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	good := newUpstream(t, jsonReply(`{"id": 1}`))
	bad := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
	act := []integration.Action{{Name: "ping", Label: "Ping", Method: "GET", URL: good.URL + "/ping", Confirm: "Ping?"}}
	ok := ae.create(t, &integration.Integration{Name: "ok", URL: good.URL + "/c", Active: true, Actions: act})
	failing := ae.create(t, &integration.Integration{Name: "failing", URL: bad.URL + "/c", Active: true, Actions: act})
	na := ae.create(t, &integration.Integration{Name: "na", URL: good.URL + "/c/{{contact.attributes.none}}", Active: true, Actions: act})
	cards, err := ae.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{ok.ID: 1, failing.ID: 0, na.ID: 0}
	var buttons []integration.ActionButton
	for _, c := range cards {
		if c.IntegrationID == ok.ID {
			buttons = c.Actions
		}
		if len(c.Actions) != want[c.IntegrationID] {
			t.Errorf("%s card (%s) has %d buttons, want %d", c.Name, c.Status, len(c.Actions), want[c.IntegrationID])
		}
		if len(c.Actions) == 1 && c.Actions[0].Confirm != "Ping?" {
			t.Errorf("GET button Confirm = %q, want the admin's prompt", c.Actions[0].Confirm)
		}
	}
	// The JSON a front end reads.
	b, _ := json.Marshal(buttons)
	if got, want := string(b), `[{"name":"ping","label":"Ping","method":"GET","confirm":"Ping?"}]`; got != want {
		t.Errorf("buttons encode as %s, want %s", got, want)
	}

	// A stale card (a refresh failed; the cached data is shown) keeps its buttons.
	var down atomic.Bool
	flaky := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		jsonReply(`{"id": 1}`)(w, r)
	})
	cached := ae.create(t, &integration.Integration{Name: "cached", URL: flaky.URL + "/c", Active: true, CacheMinutes: 10, Actions: act})
	req := &integration.ProfileRequest{InboxID: "a1", Contact: ada, IntegrationID: cached.ID}
	if _, err := ae.svc.Profile(t.Context(), memberA, req); err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	req.Refresh = true
	cards, err = ae.svc.Profile(t.Context(), memberA, req)
	if err != nil {
		t.Fatal(err)
	}
	if c := cards[0]; !c.Stale || c.Status != integration.StatusOK || len(c.Actions) != 1 {
		t.Errorf("stale card: stale %v, status %s, %d buttons; want a stale ok card with its button", c.Stale, c.Status, len(c.Actions))
	}
}

// Neither the audit record nor a log record holds a secret, a contact's values or an input's
// value, whatever the run's outcome.
func TestActionAuditAndLogsHoldNoValues(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	const hostileEmail = "zoe+audit@example.com"
	const hostileInput = "refund-reason-7f3a"
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/fail") {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error": "bad `+hostileInput+` for `+hostileEmail+`"}`)
			return
		}
		jsonReply(`{}`)(w, r)
	})
	in := &integration.Integration{
		Name: "Shop", URL: up.URL + "/c", Active: true,
		Headers: []integration.Header{{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true}},
		Secrets: []integration.Secret{{Name: "token", Value: testSecret}},
	}
	for _, name := range []string{"ok", "fail"} {
		in.Actions = append(in.Actions, integration.Action{
			Name: name, Label: name, URL: up.URL + "/" + name + "/{{contact.email}}",
			Headers: []integration.Header{{Name: "X-Token", Value: "{{secret.token}}"}, {Name: "X-Reason", Value: "{{input.reason}}"}},
			Body:    `{"reason": "{{input.reason}}", "name": "{{contact.name}}", "phone": "{{contact.phone_number}}"}`,
			Fields:  []integration.ActionField{{Name: "reason", Label: "Reason", Type: integration.FieldText}},
		})
	}
	in = ae.create(t, in)
	c := ada
	c.Email = hostileEmail
	for _, tt := range []struct {
		action    string
		confirmed bool
		inputs    map[string]string
	}{
		{"ok", true, map[string]string{"reason": hostileInput}},
		{"fail", true, map[string]string{"reason": hostileInput}},
		{"ok", false, map[string]string{"reason": hostileInput}},
		{"ok", true, map[string]string{"reason": hostileInput + "\n", hostileInput: hostileInput}},
	} {
		ae.svc.RunAction(t.Context(), memberA, &integration.ActionRequest{
			InboxID: "a1", IntegrationID: in.ID, Action: tt.action, Contact: c, Inputs: tt.inputs, Confirmed: tt.confirmed,
			Conversation: &integration.Conversation{ID: "conv_1", Subject: "Refund " + hostileInput},
		})
	}
	records := ae.audited()
	if len(records) != 4 {
		t.Fatalf("%d audit records, want 4", len(records))
	}
	if got := []integration.Outcome{records[0].Outcome, records[1].Outcome, records[2].Outcome, records[3].Outcome}; !cmp.Equal(got, []integration.Outcome{"ok", "failed", "refused", "refused"}) {
		t.Errorf("outcomes = %v", got)
	}
	if records[1].HTTPStatus != 400 || records[1].Category != httpexec.CategoryUpstream4xx {
		t.Errorf("failed run audited as %+v", records[1])
	}
	b, _ := json.Marshal(records)
	out := string(b) + ae.logs.String()
	for _, v := range []string{testSecret, hostileEmail, "zoe", hostileInput, ada.Name, ada.PhoneNumber, "Lovelace", "Refund "} {
		if strings.Contains(out, v) {
			t.Errorf("audit or logs hold %q:\n%s", v, out)
		}
	}
	if !strings.Contains(ae.logs.String(), `"action":"fail"`) {
		t.Errorf("the failed run was not logged:\n%s", ae.logs.String())
	}
}

// Actions round-trip through the JSON encoding, are deep-copied by Clone and validated by
// Validate.
func TestActionModel(t *testing.T) {
	t.Parallel()
	in := noteIntegration("https://crm.example.com", "https://crm.example.com")
	in.Actions[0].Fields[0].Min = nil
	in.Actions[0].Fields = append(in.Actions[0].Fields, integration.ActionField{
		Name: "amount", Label: "Amount", Type: integration.FieldNumber, Min: new(0.0), Max: new(99.5)})
	if err := in.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var back integration.Integration
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in.Actions, back.Actions); diff != "" {
		t.Errorf("actions after a JSON round trip mismatch (-want +got):\n%s", diff)
	}
	c := in.Clone()
	c.Actions[0].Fields[5].Max = new(1.0)
	*c.Actions[0].Fields[5].Min = 7
	c.Actions[0].Headers[0].Value = "changed"
	c.Actions[0].Fields[1].Options = append(c.Actions[0].Fields[1].Options, "x")
	if *in.Actions[0].Fields[5].Max != 99.5 || *in.Actions[0].Fields[5].Min != 0 || in.Actions[0].Headers[0].Value == "changed" {
		t.Error("Clone shares the actions with the original")
	}
	// Validation refuses a secret header in an action; one in a stored integration is still
	// never shown.
	in.Actions[0].Headers = append(in.Actions[0].Headers, integration.Header{Name: "X-Key", Value: testSecret, Secret: true})
	if r := in.Redact(); r.Actions[0].Headers[2].Value != integration.Redacted || in.Actions[0].Headers[2].Value != testSecret {
		t.Errorf("Redact: action header %q (original %q), want it redacted in the copy only", r.Actions[0].Headers[2].Value, in.Actions[0].Headers[2].Value)
	}
	if b, _ := json.Marshal(in); strings.Contains(string(b), testSecret) {
		t.Errorf("the JSON encoding holds an action's secret header: %s", b)
	}
}

// A test run may test one action: a dry run shows its request (secrets redacted), a live run
// of a non-GET action needs ConfirmSend and sends it once, and invalid inputs are refused at
// /inputs/NAME as RunAction refuses them.
func TestTestAction(t *testing.T) {
	t.Parallel()
	ae := newActionEnv(t)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"note": {"message": "Saved with `+testSecret+`"}}`)
	})
	saved := ae.create(t, noteIntegration(up.URL, up.URL))
	req := &integration.TestRequest{Integration: saved, Contact: ada, Action: "add_note",
		Inputs: map[string]string{"note": `a "quoted" note`, "kind": "call"}}

	res, err := ae.svc.Test(t.Context(), adminA, req)
	if err != nil {
		t.Fatal(err)
	}
	wantReq := integration.SentRequest{Method: "POST", URL: up.URL + "/customers/c%2F1001%20x/notes/call?via=",
		Header: http.Header{"Authorization": {"Bearer " + integration.Redacted}, "X-Agent": {""}, "Accept": {"application/json"}, "Content-Type": {"application/json"}},
		Body:   `{"note": "a \"quoted\" note", "email": "ada+test@example.com", "pinned": "false", "follow_up": ""}`}
	if diff := cmp.Diff(wantReq, res.Request); diff != "" || res.Sent || !res.Success {
		t.Errorf("dry run: sent %v, success %v, request mismatch (-want +got):\n%s", res.Sent, res.Success, diff)
	}
	req.Live = true
	if _, err := ae.svc.Test(t.Context(), adminA, req); !errors.Is(err, integration.ErrConfirmationRequired) {
		t.Errorf("live POST action without ConfirmSend = %v, want ErrConfirmationRequired", err)
	}
	if up.calls() != 0 {
		t.Fatalf("%d requests sent before the confirmed live run, want none", up.calls())
	}
	before := up.calls()
	req.ConfirmSend = true
	res, err = ae.svc.Test(t.Context(), adminA, req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Sent || !res.Success || res.StatusCode != 201 || up.calls()-before != 1 {
		t.Errorf("live run = sent %v, success %v, status %d, %d requests", res.Sent, res.Success, res.StatusCode, up.calls()-before)
	}
	if res.Preview == nil || len(res.Preview.Nodes) != 1 || res.Preview.Nodes[0].Text != "Saved with "+integration.Redacted {
		t.Errorf("preview = %+v, want the agent's message with the secret redacted", res.Preview)
	}
	if strings.Contains(mustJSON(t, res), testSecret) {
		t.Errorf("the test result holds the secret: %s", mustJSON(t, res))
	}

	for _, tt := range []struct {
		action string
		inputs map[string]string
		path   string
	}{
		{"add_note", map[string]string{"kind": "x"}, "/inputs/note"},
		{"add_note", map[string]string{"note": "n", "kind": ".."}, "/inputs/kind"},
		{"drop_table", nil, "/action"},
	} {
		req.Action, req.Inputs = tt.action, tt.inputs
		_, err := ae.svc.Test(t.Context(), adminA, req)
		if ve, ok := errors.AsType[*integration.ValidationError](err); !ok || len(ve.Problems) != 1 || ve.Problems[0].Path != tt.path {
			t.Errorf("Test(%s, %v) = %v, want one problem at %s", tt.action, tt.inputs, err, tt.path)
		}
	}
	if _, err := ae.svc.Test(t.Context(), memberA, req); !errors.Is(err, integration.ErrForbidden) {
		t.Errorf("a member's test run = %v, want ErrForbidden", err)
	}
}
