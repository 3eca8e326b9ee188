package integration_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
)

func TestTestRunDryDoesNotSend(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{}`))
	in := fullIntegration(up.URL, "POST")
	res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{
		Integration: in, Contact: ada, Inbox: integration.Inbox{ID: "sample-inbox", Name: "Sample"},
		Conversation: &integration.Conversation{ID: "conv-1", Subject: "Hi"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.calls() != 0 || res.Sent || !res.Success {
		t.Errorf("dry run: calls %d, sent %v, success %v; want 0, false, true", up.calls(), res.Sent, res.Success)
	}
	wantURL := up.URL + "/v1/contacts/c%2F1001%20x?email=ada%2Btest%40example.com&plan=pro"
	if res.Request.Method != "POST" || res.Request.URL != wantURL {
		t.Errorf("request line = %s %s, want POST %s", res.Request.Method, res.Request.URL, wantURL)
	}
	if got := res.Request.Header.Get("X-Inbox"); got != "Sample (sample-inbox)" {
		t.Errorf("X-Inbox = %q", got)
	}
	if !json.Valid([]byte(res.Request.Body)) || !strings.Contains(res.Request.Body, `"conversation":"conv-1"`) {
		t.Errorf("body = %s", res.Request.Body)
	}
}

func TestTestRunLive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-1")
		w.Write([]byte(`{"id":12345,"tier":"Gold","ltv":"not a number"}`))
	})
	in := &integration.Integration{
		Name: "CRM", URL: up.URL + "/c?email={{contact.email}}", CacheMinutes: 60, Active: true,
		Display: integration.Display{Enabled: true, Template: customerTemplate},
	}
	res, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: in, Contact: ada, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Sent || !res.Success || res.StatusCode != 200 || res.Header.Get("X-Request-Id") != "req-1" {
		t.Errorf("live run = %s", mustJSON(t, res))
	}
	if res.Body != `{"id":12345,"tier":"Gold","ltv":"not a number"}` || res.BodyTruncated {
		t.Errorf("body = %q truncated %v", res.Body, res.BodyTruncated)
	}
	if res.Duration <= 0 {
		t.Errorf("duration = %v", res.Duration)
	}
	if res.Preview == nil || len(res.Preview.Nodes) == 0 {
		t.Fatalf("no preview: %s", mustJSON(t, res))
	}
	if len(res.Preview.Diagnostics) == 0 {
		t.Errorf("preview of a non-numeric currency has no diagnostics: %s", mustJSON(t, res.Preview))
	}

	// A test run never reads the cache: load a profile (cached), then test again.
	saved := e.create(t, in, 0, "a1")
	for range 2 {
		if _, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); err != nil {
			t.Fatal(err)
		}
	}
	before := up.calls()
	if _, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: saved, Contact: ada, Live: true}); err != nil {
		t.Fatal(err)
	}
	if up.calls() != before+1 {
		t.Errorf("live test of a cached integration made %d calls, want 1", up.calls()-before)
	}
}

func TestTestRunNonGETNeedsConfirmation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, jsonReply(`{"ok":true}`))
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		in := fullIntegration(up.URL, method)
		before := up.calls()
		_, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: in, Contact: ada, Live: true})
		if !errors.Is(err, integration.ErrConfirmationRequired) {
			t.Errorf("live %s without confirmation = %v, want ErrConfirmationRequired", method, err)
		}
		if up.calls() != before {
			t.Fatalf("live %s without confirmation sent a request", method)
		}
		if _, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: in, Contact: ada}); err != nil {
			t.Errorf("dry %s without confirmation = %v, want nil", method, err)
		}
		res, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: in, Contact: ada, Live: true, ConfirmSend: true})
		if err != nil || !res.Sent || up.last(t).Method != method {
			t.Errorf("confirmed live %s = %v, sent %v", method, err, res != nil && res.Sent)
		}
	}
}

func TestTestRunReportsFailuresAndValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	big := strings.Repeat("x", 100<<10)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			http.Error(w, `{"error":"db down"}`, 500)
		case "/big":
			w.Write([]byte(`{"s":"` + big + `"}`))
		}
	})
	res, err := e.svc.Test(ctx, adminA, &integration.TestRequest{
		Integration: &integration.Integration{Name: "x", URL: up.URL + "/500"}, Live: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Success || res.StatusCode != 500 || res.Error == nil || res.Error.Category != httpexec.CategoryUpstream5xx ||
		!strings.Contains(res.Body, "db down") || res.Detail == "" {
		t.Errorf("failing run = %s", mustJSON(t, res))
	}
	res, err = e.svc.Test(ctx, adminA, &integration.TestRequest{
		Integration: &integration.Integration{Name: "x", URL: up.URL + "/big"}, Live: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Success || !res.BodyTruncated || len(res.Body) != 64<<10 {
		t.Errorf("big run: success %v truncated %v len %d; want true, true, 65536", res.Success, res.BodyTruncated, len(res.Body))
	}
	// Required variables missing: nothing is sent, the result says which.
	res, err = e.svc.Test(ctx, adminA, &integration.TestRequest{
		Integration: &integration.Integration{Name: "x", URL: up.URL + "/500", RequiredVariables: []string{"contact.email"}}, Live: true,
	})
	if err != nil || res.Sent || res.Success || len(res.Missing) != 1 {
		t.Errorf("run without a required variable = %s, %v", mustJSON(t, res), err)
	}
	// Invalid integrations are refused with every problem.
	_, err = e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: &integration.Integration{URL: "ftp://x"}})
	if ve, ok := errors.AsType[*integration.ValidationError](err); !ok || len(ve.Problems) != 2 {
		t.Errorf("Test(invalid) = %v, want 2 problems", err)
	}
	// A contact value that cannot go into a header is reported, not sent.
	res, err = e.svc.Test(ctx, adminA, &integration.TestRequest{
		Integration: &integration.Integration{Name: "x", URL: up.URL + "/500", Headers: []integration.Header{{Name: "X-Name", Value: "{{contact.name}}"}}},
		Contact:     integration.Contact{Name: "Eve\r\nX-Admin: 1"}, Live: true,
	})
	if err != nil || res.Sent || res.Error == nil || res.Error.Category != httpexec.CategoryInvalidRequest {
		t.Errorf("header injection run = %s, %v", mustJSON(t, res), err)
	}
}

// A header that transforms a secret with a filter is shown redacted as a whole, not as the
// filter's output of "••••" (which would look like a real credential).
func TestTestRunShowsFilteredSecretRedacted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{Integration: &integration.Integration{
		Name: "Basic", URL: "https://crm.example.com/x",
		Headers: []integration.Header{
			{Name: "Authorization", Value: "Basic {{secret.creds | base64}}"},
			{Name: "X-Key", Value: "k-{{secret.key}}"},
		},
		Secrets: []integration.Secret{{Name: "creds", Value: "user:pass"}, {Name: "key", Value: "abc"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"Authorization": integration.Redacted, "X-Key": "k-" + integration.Redacted} {
		if got := res.Request.Header.Get(name); got != want {
			t.Errorf("dry run %s = %q, want %q", name, got, want)
		}
	}
}
