package integration_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
)

// What the Service logs about a failed card identifies the call (team, inbox, integration,
// host, the URL template, status) and, like the cards it returns, holds none of the contact's
// values, wherever the request put them.
func TestCardLogsHoldNoContactValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	logs := &syncBuffer{}
	svc := e.service(t, func(o *integration.Options) {
		o.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	failing := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such customer: "+r.URL.Path, http.StatusInternalServerError)
	})
	gone := newUpstream(t, jsonReply(`{}`))
	gone.Close() // connection refused
	urlTemplate := failing.URL + "/customers/{{contact.email}}/{{contact.name}}"
	for i, u := range []string{urlTemplate, gone.URL + "/c/{{contact.email}}"} {
		in, err := svc.Create(ctx, adminA, &integration.Integration{
			Name: "CRM", Method: "POST", URL: u, Active: true,
			Query:   []integration.QueryParam{{Name: "name", Value: "{{contact.name}}"}},
			Headers: []integration.Header{{Name: "X-Email", Value: "{{contact.email}}"}},
			Body:    `{"email":"{{contact.email}}","phone":"{{contact.phone_number}}"}`,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Attach(ctx, adminA, in.ID, "a1", i); err != nil {
			t.Fatal(err)
		}
	}
	hostile := integration.Contact{
		ID: "c-9", Name: "Zoë \"Z\" O'Brien\r\nX-Injected: 1", Email: "zoe.private+vip@example.org", PhoneNumber: "+1 555 0100 777",
	}
	cards, err := svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: hostile})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cards {
		if c.Status != integration.StatusError {
			t.Fatalf("card = %s, want an error", mustJSON(t, c))
		}
	}
	got := logs.String() + mustJSON(t, cards) + e.logs.String() // what it and its executor log, and what it returns
	if !strings.Contains(e.logs.String(), urlTemplate) {
		t.Errorf("the executor's logs do not name the call by its URL template %s:\n%s", urlTemplate, e.logs.String())
	}
	for _, v := range []string{
		hostile.Email, url.PathEscape(hostile.Email), url.QueryEscape(hostile.Email),
		"zoe.private", "O'Brien", "O%27Brien", "Brien", "555 0100", "0100+777", "0100%20777",
	} {
		if strings.Contains(got, v) {
			t.Errorf("the logs or cards hold the contact value %q:\n%s", v, got)
		}
	}
	for _, want := range []string{
		`"msg":"integration: card failed"`, `"team":"team-a"`, `"inbox":"a1"`, `"integration":"` + cards[0].IntegrationID + `"`,
		`"host":"127.0.0.1"`, `"url_template":"` + urlTemplate + `"`, `"status":500`, `"category":"upstream_5xx"`, `"category":"network"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the logs lack %s:\n%s", want, got)
		}
	}
}
