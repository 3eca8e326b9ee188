package integration_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
)

// escapedSecret is a secret with a '/', which a JSON encoder may write as "\/".
const escapedSecret = "sk_live_01/23456789"

// escapedEchoes answers with the request's credentials echoed in every way a JSON encoder may
// write them, and in other cases: the byte-level redaction of the body sees none of them.
func escapedEchoes(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	key := r.Header.Get("X-Api-Key")
	u := strings.ReplaceAll(tok, "_", `\u005f`)                  // "tok\u005f9f8e7d6c5b4a"
	k := strings.ReplaceAll(key, "/", `\/`)                      // PHP's default
	first := `\u00` + strings.ToLower(hexByte(key[0])) + key[1:] // the first character escaped
	io.WriteString(w, `{"id": "1", "u": "Bearer `+u+`", "k": "`+k+`", "first": "`+first+`",
	  "upper": "`+strings.ToUpper(tok)+`", "mixed": "x`+strings.ReplaceAll(strings.ToUpper(tok), "_", `\u005F`)+`y",
	  "nested": {"list": ["`+u+`", "ok"]}, "\u0074ok": "`+u+`", "n": 42}`)
}

func hexByte(b byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[b>>4], digits[b&15]})
}

// escapedEchoIntegration shows every echo of escapedEchoes on its card: as values, through the
// upper and lower filters, and in a link.
func escapedEchoIntegration(url string) *integration.Integration {
	return &integration.Integration{
		Name: "Echo", URL: url + "/echo?email={{contact.email}}", Active: true, CacheMinutes: 5,
		Headers: []integration.Header{
			{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true},
			{Name: "X-Api-Key", Value: "{{secret.apikey}}"},
		},
		Secrets: []integration.Secret{{Name: "apikey", Value: escapedSecret}},
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version": 1, "sections": [
		  {"type": "keyvalue", "title": "{{u}}", "items": [
		    {"label": "u", "value": "{{u}}"}, {"label": "k", "value": "{{k}}"}, {"label": "first", "value": "{{first}}"},
		    {"label": "upper", "value": "{{upper | lower}}"}, {"label": "u upper", "value": "{{u | upper}}"},
		    {"label": "mixed", "value": "{{mixed}}"}, {"label": "nested", "value": "{{nested.list.0}}"},
		    {"label": "tok", "value": "{{tok}}"}, {"label": "k trimmed", "value": "{{k | trim}}"}]},
		  {"type": "text", "text": "{{u}} / {{k}}"},
		  {"type": "link", "label": "Open {{u}}", "url": "https://crm.example.com/c/{{k}}"},
		  {"type": "table", "path": "nested.list", "columns": [{"label": "v", "value": "{{$this}}"}]}]}`)},
	}
}

// assertNoSecretFold fails when s holds a secret in any case.
func assertNoSecretFold(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{testSecret, escapedSecret, strings.ReplaceAll(escapedSecret, "/", `\/`),
		strings.ReplaceAll(testSecret, "_", `\u005f`), strings.ReplaceAll(escapedSecret, "_", `\u005f`)} {
		if strings.Contains(strings.ToLower(s), strings.ToLower(secret)) {
			t.Errorf("%s contains the secret %q in some case:\n%s", what, secret, s)
		}
	}
}

// An upstream that echoes a secret escaped as it likes ("\u005f" for '_', "\/" for '/', the
// first character as "\u0073"), or in another case, gets none of it onto the card: not on the
// first load, not from the cache, not in a test run's body or preview, not through a display
// filter (upper, lower, trim) or in a link.
func TestCardEscapedSecretEcho(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, escapedEchoes)
	e.create(t, escapedEchoIntegration(up.URL), 1, "a1")
	for _, what := range []string{"first load", "cached load", "reused load"} {
		cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK {
			t.Fatalf("%s: Profile = %s, %v", what, mustJSON(t, cards), err)
		}
		got := mustJSON(t, cards)
		assertNoSecretFold(t, what, got)
		if n := strings.Count(got, integration.Redacted); n < 10 {
			t.Errorf("%s: %d redactions, want every echo shown redacted:\n%s", what, n, got)
		}
		if !strings.Contains(got, `"text":"ok"`) {
			t.Errorf("%s: the card lost the values that are not secrets:\n%s", what, got)
		}
	}
	if up.calls() != 1 {
		t.Errorf("upstream called %d times; want 1", up.calls())
	}

	res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{Integration: escapedEchoIntegration(up.URL), Contact: ada, Live: true})
	if err != nil || !res.Success {
		t.Fatalf("Test = %s, %v", mustJSON(t, res), err)
	}
	assertNoSecretFold(t, "test run", mustJSON(t, res))
	if !json.Valid([]byte(res.Body)) {
		t.Errorf("the redacted test body is not JSON any more: %s", res.Body)
	}
}

// A chained step that sends a secret and gets it back escaped shows it redacted too.
func TestCardEscapedSecretEchoInStep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/lookup" {
			jsonReply(`{"id": "c1"}`)(w, r)
			return
		}
		escapedEchoes(w, r)
	})
	in := &integration.Integration{
		Name: "Chain", URL: up.URL + "/lookup?email={{contact.email}}", Active: true, CacheMinutes: 5, StepName: "lookup",
		Secrets: []integration.Secret{{Name: "apikey", Value: escapedSecret}},
		Steps: []integration.Step{{Name: "echo", URL: up.URL + "/echo/{{steps.lookup.body.id}}",
			Headers: []integration.Header{{Name: "X-Api-Key", Value: "{{secret.apikey}}"}}}},
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version": 1, "sections": [
		  {"type": "keyvalue", "items": [{"label": "k", "value": "{{steps.echo.body.k}}"}, {"label": "first", "value": "{{steps.echo.body.first | upper}}"}]}]}`)},
	}
	e.create(t, in, 1, "a1")
	for _, what := range []string{"first load", "cached load"} {
		cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK {
			t.Fatalf("%s: Profile = %s, %v", what, mustJSON(t, cards), err)
		}
		got := mustJSON(t, cards)
		assertNoSecretFold(t, what, got)
		if n := strings.Count(got, integration.Redacted); n != 3 { // k's text and raw, first's text
			t.Errorf("%s: %d redactions, want 3:\n%s", what, n, got)
		}
	}
}
