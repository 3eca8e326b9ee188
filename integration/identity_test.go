package integration_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
)

// TestIdentityTellsRequestsApart: with an *httpexec.Executor a request is cached under its
// identity, the values of its placeholders; requests of one integration version with equal
// values but different templates (the integration's own request and a step's here) never share
// a response.
func TestIdentityTellsRequestsApart(t *testing.T) {
	e := newEnv(t)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"path":"` + r.URL.Path + `"}`))
	})
	e.create(t, &integration.Integration{
		Name: "Orders", URL: up.URL + "/customers?email={{contact.email}}", StepName: "lookup", Active: true, CacheMinutes: 10,
		Steps: []integration.Step{{Name: "orders", URL: up.URL + "/orders?email={{contact.email}}"}},
	}, 0, "a1")
	want := `{"steps":{"lookup":{"body":{"path":"/customers"}},"orders":{"body":{"path":"/orders"}}}}`
	for i := range 2 {
		cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		if err != nil || len(cards) != 1 {
			t.Fatalf("Profile = %v, %v", cards, err)
		}
		if got := string(cards[0].Raw); got != want {
			t.Errorf("load %d: card %s\nwant %s", i+1, got, want)
		}
		if got := cards[0].FromCache; got != (i > 0) {
			t.Errorf("load %d: FromCache %v", i+1, got)
		}
	}
	if n := up.calls(); n != 2 {
		t.Errorf("upstream calls = %d, want 2 (each request once)", n)
	}
}

// wrappedExecutor is a host's Executor around an *httpexec.Executor: it records what it is asked
// to do.
type wrappedExecutor struct {
	*httpexec.Executor
	mu   sync.Mutex
	seen []string
}

func (w *wrappedExecutor) Do(ctx context.Context, r *httpexec.Request) (*httpexec.Response, error) {
	w.mu.Lock()
	w.seen = append(w.seen, r.URL+" identity="+string(r.Identity)+" build="+boolString(r.Build != nil))
	w.mu.Unlock()
	return w.Executor.Do(ctx, r)
}

func boolJSON(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func boolString(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// TestProfileOtherExecutorGetsBuiltRequests: an Executor other than *httpexec.Executor, which
// may not know Request.Identity and Request.Build, is given every request built, and the cache
// still serves the second load.
func TestProfileOtherExecutorGetsBuiltRequests(t *testing.T) {
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{"plan":"pro"}`))
	e.create(t, &integration.Integration{
		Name: "CRM", URL: up.URL + "/customers/{{contact.email}}", Active: true, CacheMinutes: 10,
	}, 0, "a1")
	w := &wrappedExecutor{Executor: e.exec}
	svc := e.service(t, func(o *integration.Options) { o.Executor = w })
	for range 2 {
		if cards, err := svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); err != nil ||
			len(cards) != 1 || cards[0].Status != integration.StatusOK {
			t.Fatalf("Profile = %+v, %v", cards, err)
		}
	}
	u := up.URL + "/customers/" + ada.Email
	want := []string{u + " identity= build=no", u + " identity= build=no"}
	if diff := cmp.Diff(want, w.seen); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if n := up.calls(); n != 1 {
		t.Errorf("upstream calls = %d, want 1", n)
	}
}
