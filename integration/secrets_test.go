package integration_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
)

// echo answers with the request's headers, so a leaked secret would show up in the response.
func echo(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{
			"id": "1", "tier": "Gold", "auth": r.Header.Get("Authorization"), "key": r.Header.Get("X-Api-Key"),
		})
	}
}

func secretIntegration(base string) *integration.Integration {
	return &integration.Integration{
		Name: "Secretive", Method: "POST", URL: base + "/clients",
		Headers: []integration.Header{
			{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true},
			{Name: "X-Api-Key", Value: "k-{{secret.apikey}}"},
		},
		Secrets: []integration.Secret{{Name: "apikey", Value: "sk_live_0123456789"}},
		Body:    `{"email":"{{contact.email}}"}`,
		Active:  true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version":1,"sections":[
			{"type":"keyvalue","title":"Echo","items":[{"label":"Auth","value":"{{auth}}"},{"label":"Key","value":"{{key}}"}]}]}`)},
	}
}

// assertNoSecret fails if any secret value appears in s.
func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{testSecret, "sk_live_0123456789"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s contains the secret %q:\n%s", what, secret, s)
		}
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	ok := newUpstream(t, echo(http.StatusOK))
	bad := newUpstream(t, echo(http.StatusInternalServerError))

	created, err := e.svc.Create(ctx, adminA, secretIntegration(ok.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Attach(ctx, adminA, created.ID, "a1", 0); err != nil {
		t.Fatal(err)
	}
	failing, err := e.svc.Create(ctx, adminA, secretIntegration(bad.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Attach(ctx, adminA, failing.ID, "a1", 1); err != nil {
		t.Fatal(err)
	}

	// At rest: sealed, never clear.
	stored, err := e.store.Get(ctx, "team-a", created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Headers[0].Value != "" || !strings.HasPrefix(stored.Headers[0].Sealed, "v1.k1.") ||
		stored.Secrets[0].Value != "" || stored.Secrets[0].Sealed == "" {
		t.Errorf("stored secrets not sealed: %+v %+v", stored.Headers[0], stored.Secrets[0])
	}
	assertNoSecret(t, "stored integration", mustJSON(t, stored)+stringify(stored))

	// Returned by the admin API and encoded as JSON: redacted.
	got, err := e.svc.Get(ctx, memberA, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Headers[0].Value != integration.Redacted || got.Secrets[0].Value != integration.Redacted {
		t.Errorf("Get: secret values %q, %q; want %q", got.Headers[0].Value, got.Secrets[0].Value, integration.Redacted)
	}
	list, _ := e.svc.ListForTeam(ctx, adminA)
	inbox, _ := e.svc.ListForInbox(ctx, adminA, "a1")
	for what, v := range map[string]any{"Create": created, "Get": got, "ListForTeam": list, "ListForInbox": inbox} {
		if s := mustJSON(t, v); strings.Contains(s, `"sealed"`) || strings.Contains(s, "v1.k1.") {
			t.Errorf("%s hands out sealed forms: %s", what, s)
		}
	}
	assertNoSecret(t, "JSON of Create result", mustJSON(t, created))
	assertNoSecret(t, "JSON of Get", mustJSON(t, got))
	assertNoSecret(t, "JSON of ListForTeam", mustJSON(t, list))
	assertNoSecret(t, "JSON of ListForInbox", mustJSON(t, inbox))
	// Even an Integration holding clear values encodes redacted.
	assertNoSecret(t, "JSON of a clear integration", mustJSON(t, secretIntegration(ok.URL)))

	// Profile cards: the upstream echoes the token; the card shows it redacted.
	cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 2 || cards[0].Status != integration.StatusOK || cards[1].Status != integration.StatusError {
		t.Fatalf("cards = %s", mustJSON(t, cards))
	}
	if got := ok.last(t).Header.Get("Authorization"); got != "Bearer "+testSecret {
		t.Errorf("upstream Authorization = %q, want the clear token", got)
	}
	if got := ok.last(t).Header.Get("X-Api-Key"); got != "k-sk_live_0123456789" {
		t.Errorf("upstream X-Api-Key = %q", got)
	}
	assertNoSecret(t, "profile cards", mustJSON(t, cards))
	if !strings.Contains(mustJSON(t, cards), `{"text":"`+integration.Redacted+`"`) {
		t.Errorf("echoed token not shown redacted: %s", mustJSON(t, cards))
	}

	// Test runs: dry, live OK, live failing; and the errors.
	for _, tc := range []struct {
		name string
		in   *integration.Integration
		live bool
	}{
		{"dry saved", created, false},
		{"live saved", created, true},
		{"live saved failing", failing, true},
		{"dry unsaved", secretIntegration(ok.URL), false},
		{"live unsaved", secretIntegration(ok.URL), true},
		{"live unsaved failing", secretIntegration(bad.URL), true},
	} {
		res, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: tc.in, Contact: ada, Live: tc.live, ConfirmSend: true})
		if err != nil {
			t.Fatalf("%s: Test = %v", tc.name, err)
		}
		assertNoSecret(t, tc.name+" test result", mustJSON(t, res)+stringify(res))
		if got := res.Request.Header.Get("Authorization"); got != integration.Redacted {
			t.Errorf("%s: shown Authorization = %q, want %q", tc.name, got, integration.Redacted)
		}
		if got := res.Request.Header.Get("X-Api-Key"); got != "k-"+integration.Redacted {
			t.Errorf("%s: shown X-Api-Key = %q, want k-%s", tc.name, got, integration.Redacted)
		}
		if tc.live && res.Sent && ok.last(t).Header.Get("Authorization") != "Bearer "+testSecret {
			t.Errorf("%s: the upstream did not get the clear token", tc.name)
		}
		if res.Error != nil && res.Error.Category == integration.CategoryConfiguration {
			t.Errorf("%s: %+v %s", tc.name, res.Error, res.Detail)
		}
	}

	// Validation errors name fields, never values.
	bogus := secretIntegration(ok.URL)
	bogus.Headers[0].Value = testSecret + "\r\nX-Injected: 1"
	bogus.Method = "BREW " + testSecret
	_, err = e.svc.Create(ctx, adminA, bogus)
	var ve *integration.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Create(bogus) = %v, want a ValidationError", err)
	}
	assertNoSecret(t, "validation error", err.Error()+mustJSON(t, ve.Problems))

	// Logs (of the Service and of the executor), including the failing card's warning.
	logs := e.logs.String()
	if !strings.Contains(logs, "card failed") {
		t.Errorf("no failure logged:\n%s", logs)
	}
	assertNoSecret(t, "logs", logs)
}

// stringify renders v with %+v, which is what a careless log line would do.
func stringify(v any) string {
	return fmt.Sprintf("%+v", v)
}

func TestSecretKeptOnRedactedUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, echo(http.StatusOK))
	created := e.create(t, secretIntegration(up.URL), 0, "a1")

	// The admin UI round-trips the JSON encoding: secret values arrive as "••••".
	var edit integration.Integration
	if err := json.Unmarshal([]byte(mustJSON(t, created)), &edit); err != nil {
		t.Fatal(err)
	}
	edit.Name = "Renamed"
	if _, err := e.svc.Update(ctx, adminA, &edit); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); err != nil {
		t.Fatal(err)
	}
	if got := up.last(t).Header.Get("Authorization"); got != "Bearer "+testSecret {
		t.Errorf("after a redacted round trip, Authorization = %q, want the kept token", got)
	}
	// A new value replaces the old one.
	cur, _ := e.svc.Get(ctx, adminA, created.ID)
	cur.Headers[0].Value = "Bearer rotated"
	if _, err := e.svc.Update(ctx, adminA, cur); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); err != nil {
		t.Fatal(err)
	}
	if got := up.last(t).Header.Get("Authorization"); got != "Bearer rotated" {
		t.Errorf("after setting a new value, Authorization = %q", got)
	}
	// A sealed value pasted from another integration does not carry over: incoming sealed
	// fields are ignored, so the missing value is a validation problem.
	stored, err := e.store.Get(ctx, "team-a", created.ID)
	if err != nil || stored.Headers[0].Sealed == "" {
		t.Fatalf("stored = %+v, %v; want a sealed header", stored, err)
	}
	other := secretIntegration(up.URL)
	other.Headers[0].Value, other.Headers[0].Sealed = "", stored.Headers[0].Sealed
	_, err = e.svc.Create(ctx, adminA, other)
	var ve *integration.ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].Path != "/headers/0/value" {
		t.Errorf("Create with a foreign sealed value = %v, want a headers[0].value problem", err)
	}
}

func TestSecretsNeedASealer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.service(t, nil)
	_, err := svc.Create(t.Context(), adminA, secretIntegration("https://crm.example.com"))
	if !errors.Is(err, integration.ErrNoSealer) {
		t.Errorf("Create with secrets and no sealer = %v, want ErrNoSealer", err)
	}
}

func TestUnopenableSecretIsAConfigurationError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, echo(http.StatusOK))
	created := e.create(t, secretIntegration(up.URL), 0, "a1")
	// The host lost the key: a service with another key cannot open the values.
	other, _ := integration.NewAESGCM(integration.Key{ID: "k2", Secret: bytes.Repeat([]byte{9}, 32)})
	svc := e.service(t, func(o *integration.Options) { o.Sealer = other })
	cards, err := svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 1 || cards[0].Status != integration.StatusError || cards[0].Error.Category != integration.CategoryConfiguration {
		t.Errorf("card = %s, want a configuration error", mustJSON(t, cards))
	}
	if up.calls() != 0 {
		t.Errorf("sent %d requests without the secret", up.calls())
	}
	_ = created
}

// An upstream that echoes a secret in another form than the stored value (a header built with
// a filter, or only the credential after "Bearer ") gets it redacted too, in cards and in test
// results.
func TestTransformedSecretEchoRedacted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	const creds = "svc-user:pa55-w0rd-x"
	b64 := base64.StdEncoding.EncodeToString([]byte(creds))
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Seen-Basic", r.Header.Get("X-Basic"))
		json.NewEncoder(w).Encode(map[string]string{
			"basic": r.Header.Get("X-Basic"),
			"b64":   strings.TrimPrefix(r.Header.Get("X-Basic"), "Basic "),
			"token": strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "),
		})
	})
	in := &integration.Integration{
		Name: "Echo", URL: up.URL + "/echo", Active: true,
		Headers: []integration.Header{
			{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true},
			{Name: "X-Basic", Value: "Basic {{secret.creds | base64}}"},
		},
		Secrets: []integration.Secret{{Name: "creds", Value: creds}},
	}
	created := e.create(t, in, 0, "a1")
	cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK {
		t.Fatalf("Profile = %s, %v", mustJSON(t, cards), err)
	}
	if got := up.last(t).Header.Get("X-Basic"); got != "Basic "+b64 {
		t.Fatalf("upstream X-Basic = %q, want the encoded credentials", got)
	}
	leaks := func(what, s string) {
		t.Helper()
		for _, secret := range []string{b64, testSecret, creds} {
			if strings.Contains(s, secret) {
				t.Errorf("%s contains %q:\n%s", what, secret, s)
			}
		}
	}
	leaks("profile card", mustJSON(t, cards))
	res, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: created, Contact: ada, Live: true})
	if err != nil || !res.Sent {
		t.Fatalf("Test = %v, %v", res, err)
	}
	leaks("test result", mustJSON(t, res))
}

// Saving an integration again moves its kept secrets to the sealer's current key, so a host can
// retire the old key after every integration has been saved; a kept value that no key opens
// must be entered again.
func TestUpdateResealsWithCurrentKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // seals with key k1
	ctx := t.Context()
	up := newUpstream(t, echo(http.StatusOK))
	created := e.create(t, secretIntegration(up.URL), 0, "a1")
	withSealer := func(keys ...integration.Key) *integration.Service {
		t.Helper()
		sealer, err := integration.NewAESGCM(keys...)
		if err != nil {
			t.Fatal(err)
		}
		return e.service(t, func(o *integration.Options) { o.Sealer = sealer })
	}
	k1, k2 := key("k1", 7), key("k2", 8) // key("k1", 7) is newEnv's key

	// Without k1 the kept values cannot be re-sealed: the admin is asked for them again.
	edit, _ := e.svc.Get(ctx, adminA, created.ID)
	_, err := withSealer(k2).Update(ctx, adminA, edit)
	if got := problemPaths(err, "cannot be opened"); got != "/headers/0/value /secrets/0/value" {
		t.Fatalf("Update with a kept value no key opens = %v, want problems at headers[0].value and secrets[0].value", err)
	}

	// Rotation: k2 seals, k1 still opens; one save moves both values to k2.
	if _, err := withSealer(k2, k1).Update(ctx, adminA, edit); err != nil {
		t.Fatal(err)
	}
	stored, _ := e.store.Get(ctx, "team-a", created.ID)
	if !strings.HasPrefix(stored.Headers[0].Sealed, "v1.k2.") || !strings.HasPrefix(stored.Secrets[0].Sealed, "v1.k2.") {
		t.Errorf("after saving, sealed values %q, %q; want both sealed with k2", stored.Headers[0].Sealed, stored.Secrets[0].Sealed)
	}
	// k1 is retired.
	cards, err := withSealer(k2).Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK {
		t.Fatalf("Profile with k2 only = %s, %v", mustJSON(t, cards), err)
	}
	if got := up.last(t).Header.Get("Authorization"); got != "Bearer "+testSecret {
		t.Errorf("Authorization after rotation = %q", got)
	}
}

// A stored secret is never sent to another server than the one it was configured for: an edit
// or a test run that changes the URL's scheme, host or port must enter the secrets again.
func TestStoredSecretNotSentToNewHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	crm := newUpstream(t, echo(http.StatusOK))
	attacker := newUpstream(t, echo(http.StatusOK))
	created := e.create(t, secretIntegration(crm.URL), 0, "a1")

	moved, _ := e.svc.Get(ctx, adminA, created.ID) // secret values Redacted: "keep"
	moved.URL = attacker.URL + "/clients"
	wantRefused := func(what string, err error) {
		t.Helper()
		if got := problemPaths(err, "enter the secret again"); got != "/headers/0/value /secrets/0/value" {
			t.Errorf("%s with a kept secret and a new host = %v, want both secrets to be entered again", what, err)
		}
	}
	res, err := e.svc.Test(ctx, adminA, &integration.TestRequest{Integration: moved, Contact: ada, Live: true, ConfirmSend: true})
	wantRefused("Test", err)
	if res != nil && res.Sent {
		t.Errorf("Test sent the request")
	}
	_, err = e.svc.Update(ctx, adminA, moved)
	wantRefused("Update", err)
	if attacker.calls() != 0 {
		t.Fatalf("the new host received %d requests", attacker.calls())
	}

	// Same origin, other path: kept. New host with the secrets typed again: fine.
	samePlace, _ := e.svc.Get(ctx, adminA, created.ID)
	samePlace.URL = crm.URL + "/v2/clients"
	if _, err := e.svc.Update(ctx, adminA, samePlace); err != nil {
		t.Errorf("Update of the path only = %v, want the secrets kept", err)
	}
	retyped, _ := e.svc.Get(ctx, adminA, created.ID)
	retyped.URL = attacker.URL + "/clients"
	retyped.Headers[0].Value, retyped.Secrets[0].Value = "Bearer new-token-1", "new-key-1"
	if _, err := e.svc.Update(ctx, adminA, retyped); err != nil {
		t.Errorf("Update to a new host with the secrets entered again = %v", err)
	}
}

// problemPaths returns the sorted paths of err's validation problems whose message contains
// msg, or "not a ValidationError".
func problemPaths(err error, msg string) string {
	ve, ok := errors.AsType[*integration.ValidationError](err)
	if !ok {
		return "not a ValidationError"
	}
	var paths []string
	for _, p := range ve.Problems {
		if strings.Contains(p.Message, msg) {
			paths = append(paths, p.Path)
		}
	}
	slices.Sort(paths)
	return strings.Join(paths, " ")
}

// An upstream that echoes a secret JSON-escaped ("\/" as PHP writes it, "\u003c" as Go does)
// gets it redacted too.
func TestJSONEscapedSecretEchoRedacted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const token = `ab/cd+ef<gh"ij=` // base64-ish, with characters JSON encoders escape
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := json.Marshal(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		php := strings.ReplaceAll(string(b), "/", `\/`)
		fmt.Fprintf(w, `{"go":%s,"php":%s}`, b, php)
	})
	e.create(t, &integration.Integration{
		Name: "Echo", URL: up.URL, Active: true,
		Headers: []integration.Header{{Name: "Authorization", Value: "Bearer " + token, Secret: true}},
	}, 0, "a1")
	cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK {
		t.Fatalf("Profile = %s, %v", mustJSON(t, cards), err)
	}
	var echoed map[string]string
	if err := json.Unmarshal(cards[0].Raw, &echoed); err != nil {
		t.Fatalf("card Raw %s: %v", cards[0].Raw, err)
	}
	for k, v := range echoed {
		if strings.Contains(v, token) {
			t.Errorf("card Raw field %q = %q: the token, unredacted", k, v)
		}
	}
}
