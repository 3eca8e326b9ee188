package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func sampleIntegration() *integration.Integration {
	at := time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC)
	return &integration.Integration{
		ID: "int-1", TeamID: "team-a", Name: "Translayte Client Info", Description: "Fetch client details from Translayte API",
		Method: "POST", URL: "https://translayte.com/api/v1/clients",
		Headers: []integration.Header{
			{Name: "Authorization", Value: "Bearer your-api-token-here", Secret: true},
			{Name: "Content-Type", Value: "application/json"},
			{Name: "X-Key", Value: "{{secret.key}}"},
		},
		Query:             []integration.QueryParam{{Name: "lang", Value: "en"}},
		Body:              `{"email":"{{contact.email}}","name":"{{contact.name}}"}`,
		CacheMinutes:      30,
		Active:            true,
		Display:           integration.Display{Enabled: true, Template: json.RawMessage(`{"version":1,"sections":[]}`)},
		RequiredVariables: []string{"contact.email"},
		Secrets:           []integration.Secret{{Name: "key", Value: "clear-key", Sealed: "v1.k1.abc"}},
		Actions: []integration.Action{{
			Name: "refund", Label: "Refund last order", URL: "https://translayte.com/api/v1/refunds/{{contact.id}}",
			Headers: []integration.Header{{Name: "X-Key", Value: "{{secret.key}}"}},
			Body:    `{"amount":"{{input.amount}}","reason":"{{input.reason}}"}`,
			Fields: []integration.ActionField{
				{Name: "amount", Label: "Amount", Type: integration.FieldNumber, Required: true, Min: new(0.5), Max: new(100.0)},
				{Name: "reason", Label: "Reason", Type: integration.FieldSelect, Options: []string{"late", "damaged"}, Default: "late", Help: "Shown to the customer"},
			},
			ResultPath: "refund.note",
		}},
		Timeout:   2 * time.Second,
		Version:   3,
		CreatedAt: at,
		UpdatedAt: at.Add(time.Hour),
	}
}

func TestJSONEncoding(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(sampleIntegration())
	if err != nil {
		t.Fatal(err)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden(t, "integration.golden.json", append(indented.Bytes(), '\n'))
	if bytes.Contains(b, []byte("your-api-token-here")) || bytes.Contains(b, []byte("clear-key")) {
		t.Errorf("secret in clear in the JSON encoding:\n%s", b)
	}

	// Decoding the encoding gives back the integration, secret values without a sealed form
	// Redacted and those with one empty (the sealed form is the secret).
	var back integration.Integration
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	want := sampleIntegration().Redact()
	want.Secrets[0].Value = ""
	if diff := cmp.Diff(want, &back); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if got := back.Headers[0].Value; got != integration.Redacted {
		t.Errorf("decoded secret header value = %q, want %q", got, integration.Redacted)
	}

	// Zero values.
	zero, err := json.Marshal(integration.Integration{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(zero), `{"name":"","method":"GET","url":"","cache_minutes":0,"active":false,"display":{"enabled":false},"version":0}`; got != want {
		t.Errorf("zero encoding =\n%s\nwant\n%s", got, want)
	}
}

func TestAttachmentAndCardJSON(t *testing.T) {
	t.Parallel()
	a := integration.Attachment{IntegrationID: "int-1", InboxID: "a1", Enabled: true, Position: 2}
	if got, want := mustJSON(t, a), `{"integration_id":"int-1","inbox_id":"a1","enabled":true,"position":2}`; got != want {
		t.Errorf("attachment = %s, want %s", got, want)
	}
	c := integration.Card{IntegrationID: "int-1", Name: "CRM", Status: integration.StatusNotApplicable, Missing: []string{"contact.email"}}
	if got, want := mustJSON(t, c), `{"integration_id":"int-1","name":"CRM","status":"not_applicable","missing":["contact.email"],"from_cache":false,"duration_ns":0}`; got != want {
		t.Errorf("card = %s, want %s", got, want)
	}
	c = integration.Card{IntegrationID: "int-1", Name: "CRM", Status: integration.StatusOK, Actions: []integration.ActionButton{{
		Name: "note", Label: "Add note", Method: "POST", Confirm: "Add it?",
		Fields: []integration.ActionField{{Name: "text", Label: "Text", Type: integration.FieldTextarea, Required: true, MaxLength: 100}},
	}}}
	if got, want := mustJSON(t, c), `{"integration_id":"int-1","name":"CRM","status":"ok","from_cache":false,"duration_ns":0,`+
		`"actions":[{"name":"note","label":"Add note","method":"POST","confirm":"Add it?","fields":[{"name":"text","label":"Text","type":"textarea","required":true,"max_length":100}]}]}`; got != want {
		t.Errorf("card = %s, want %s", got, want)
	}
	r := integration.ActionResult{Status: integration.OutcomeFailed, Message: "The service could not be reached.", Duration: 5,
		Error: &integration.CardError{Category: "network", Message: "The service could not be reached."}}
	if got, want := mustJSON(t, r), `{"status":"failed","http_status":0,"message":"The service could not be reached.",`+
		`"error":{"category":"network","message":"The service could not be reached."},"duration_ns":5}`; got != want {
		t.Errorf("action result = %s, want %s", got, want)
	}
}

// jsonColumnStore keeps each integration as its JSON encoding, as the package documentation
// allows a host to do (a document column).
type jsonColumnStore struct {
	*memstore.Store
}

func (s jsonColumnStore) Save(ctx context.Context, in *integration.Integration, prev int64) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var stored integration.Integration
	if err := json.Unmarshal(b, &stored); err != nil {
		return err
	}
	return s.Store.Save(ctx, &stored, prev)
}

// An integration kept as its JSON encoding sends its real credentials, on the first load, on
// a refresh and after an edit that round-trips the redacted view: never "••••".
func TestJSONColumnStoreSendsTheSecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	store := jsonColumnStore{e.store}
	svc := e.service(t, func(o *integration.Options) {
		o.Store = store
		o.Sealer, _ = integration.NewAESGCM(integration.Key{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	})
	up := newUpstream(t, echo(200))
	created, err := svc.Create(ctx, adminA, secretIntegration(up.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Attach(ctx, adminA, created.ID, "a1", 1); err != nil {
		t.Fatal(err)
	}
	wantSent := func(what string) {
		t.Helper()
		cards, err := svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada, Refresh: true})
		if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK {
			t.Fatalf("%s: Profile = %s, %v", what, mustJSON(t, cards), err)
		}
		got := up.last(t).Header
		if diff := cmp.Diff([]string{"Bearer " + testSecret, "k-sk_live_0123456789"},
			[]string{got.Get("Authorization"), got.Get("X-Api-Key")}); diff != "" {
			t.Errorf("%s: credentials the upstream received (-want +got):\n%s", what, diff)
		}
	}
	wantSent("after Create")

	// An admin's form round-trips the view (secret values Redacted) through JSON.
	view, err := svc.Get(ctx, adminA, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	var edited integration.Integration
	if err := json.Unmarshal([]byte(mustJSON(t, view)), &edited); err != nil {
		t.Fatal(err)
	}
	edited.Name = "Renamed"
	if _, err := svc.Update(ctx, adminA, &edited); err != nil {
		t.Fatal(err)
	}
	wantSent("after an Update of the redacted view")
}

// The stored form (sealed values, empty clear values) round-trips through the JSON encoding.
func TestJSONStoredFormRoundTrips(t *testing.T) {
	t.Parallel()
	stored := sampleIntegration()
	stored.Headers[0].Value, stored.Headers[0].Sealed = "", "v1.k1.auth"
	stored.Secrets[0].Value = ""
	b, err := json.Marshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	var back integration.Integration
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored, &back); diff != "" {
		t.Errorf("stored form after a JSON round trip (-want +got):\n%s", diff)
	}
}
