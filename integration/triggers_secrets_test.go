package integration_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration"
)

// An upstream that echoes the integration's secret with escapes of its own choosing ("\u005f"
// for '_', which no byte-level redaction of the body expects) gets no secret into an
// activity line, posted into the conversation, nor into its link, whether the event runs the
// trigger or a live test run previews it: the rendered line is redacted, as an action's
// result message is.
func TestTriggerLineRedactsEscapedSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	escaped := strings.Replace(testSecret, "_", `\u005f`, 1)
	up := newUpstream(t, jsonReply(`{"order": {"number": 1001, "echo": "`+escaped+`"}}`))
	in := orderIntegration(up.URL,
		integration.Trigger{Name: "resolved", On: integration.EventConversationResolved, Text: "Echo: {{order.echo}}",
			Link: "https://shop.example.com/t/{{order.echo}}"},
		integration.Trigger{Name: "resolved_2", On: integration.EventConversationResolved, Text: "Order #{{order.number}}",
			Link: "https://shop.example.com/o/{{order.number}}"},
	)
	in.Headers = []integration.Header{{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true}}
	in.Secrets = []integration.Secret{{Name: "token", Value: testSecret}}
	saved := e.create(t, in, 1, "a1")

	acts, err := e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acts {
		got = append(got, a.Text+" | "+a.Link)
	}
	want := []string{"Echo: " + integration.Redacted + " | ", "Order #1001 | https://shop.example.com/o/1001"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("activities mismatch (-want +got):\n%s", diff)
	}

	res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{Integration: saved, Contact: ada, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, a := range res.Activities {
		got = append(got, a.Text+" | "+a.Link)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("test run activities mismatch (-want +got):\n%s", diff)
	}
	if b := mustJSON(t, acts) + mustJSON(t, res.Activities); strings.Contains(b, testSecret) {
		t.Errorf("activities hold the secret: %s", b)
	}
}
