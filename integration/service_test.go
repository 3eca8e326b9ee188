package integration_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
)

// fullIntegration uses every kind of URL, query, header and body placeholder.
func fullIntegration(base, method string) *integration.Integration {
	in := &integration.Integration{
		Name:   method + " everything",
		Method: method,
		URL:    base + "/v1/contacts/{{contact.id}}",
		Query: []integration.QueryParam{
			{Name: "email", Value: "{{contact.email}}"},
			{Name: "plan", Value: "{{contact.attributes.plan}}"},
		},
		Headers: []integration.Header{
			{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true},
			{Name: "X-Api-Key", Value: "{{secret.apikey}}"},
			{Name: "X-Inbox", Value: "{{inbox.name}} ({{inbox.id}})"},
			{Name: "X-Subject", Value: "{{conversation.subject}}"},
		},
		Secrets: []integration.Secret{{Name: "apikey", Value: "key_5551234"}},
		Active:  true,
	}
	if method == "POST" || method == "PUT" || method == "PATCH" {
		in.Body = `{"email":"{{contact.email}}","name":"{{contact.name}}","phone":{{contact.phone_number}},"conversation":"{{conversation.id}}","crm":"{{contact.attributes.crm_id}}"}`
	}
	return in
}

func TestProfileEveryMethodBodyAndHeaderKind(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			up := newUpstream(t, jsonReply(`{"ok":true}`))
			in := e.create(t, fullIntegration(up.URL, method), 1, "a1")
			cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{
				InboxID: "a1", Contact: ada, Conversation: &integration.Conversation{ID: "conv-9", Subject: "Refund ✓"},
			})
			if err != nil {
				t.Fatalf("Profile = %v", err)
			}
			if len(cards) != 1 || cards[0].Status != integration.StatusOK || cards[0].IntegrationID != in.ID {
				t.Fatalf("cards = %s", mustJSON(t, cards))
			}
			if got, want := string(cards[0].Raw), `{"ok":true}`; got != want {
				t.Errorf("card Raw = %s, want %s (display off)", got, want)
			}
			r := up.last(t)
			want := recorded{
				Method:   method,
				Path:     "/v1/contacts/c%2F1001%20x",
				RawQuery: "email=ada%2Btest%40example.com&plan=pro",
			}
			got := recorded{Method: r.Method, Path: r.Path, RawQuery: r.RawQuery}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request line mismatch (-want +got):\n%s", diff)
			}
			for name, want := range map[string]string{
				"Authorization": "Bearer " + testSecret,
				"X-Api-Key":     "key_5551234",
				"X-Inbox":       "Support (a1)",
				"X-Subject":     "Refund ✓",
				"Accept":        "application/json",
			} {
				if got := r.Header.Get(name); got != want {
					t.Errorf("header %s = %q, want %q", name, got, want)
				}
			}
			if in.Body == "" {
				if r.Body != "" {
					t.Errorf("%s sent body %q, want none", method, r.Body)
				}
				return
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var body map[string]string
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
				t.Fatalf("body %q is not JSON: %v", r.Body, err)
			}
			wantBody := map[string]string{"email": ada.Email, "name": ada.Name, "phone": ada.PhoneNumber, "conversation": "conv-9", "crm": "CRM-77"}
			if diff := cmp.Diff(wantBody, body); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The two integrations of the product description (spec/contact-integrations.txt).
func TestSpecIntegrations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	crm := newUpstream(t, jsonReply(`{"id":12345,"tier":"Gold","ltv":2850}`))
	translayte := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer your-api-token-here" {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		jsonReply(`{"client":{"id":"TL-1","languages":["en","fr"]}}`)(w, r)
	})
	customer := e.create(t, &integration.Integration{
		Name: "Customer Data", Description: "Get customer info from CRM",
		Method: "GET", URL: crm.URL + "/customers?email={{contact.email}}",
		CacheMinutes: 15, Active: true,
		Display: integration.Display{Enabled: true, Template: customerTemplate},
	}, 1, "a1")
	client := e.create(t, &integration.Integration{
		Name: "Translayte Client Info", Description: "Fetch client details from Translayte API",
		Method: "POST", URL: translayte.URL + "/api/v1/clients",
		Headers: []integration.Header{
			{Name: "Authorization", Value: "Bearer your-api-token-here", Secret: true},
			{Name: "Content-Type", Value: "application/json"},
		},
		Body:         "{\n\"email\": \"{{contact.email}}\",\n\"name\": \"{{contact.name}}\"\n}",
		CacheMinutes: 30, Active: true,
	}, 2, "a1")

	cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 2 || cards[0].IntegrationID != customer.ID || cards[1].IntegrationID != client.ID {
		t.Fatalf("cards = %s", mustJSON(t, cards))
	}
	for _, c := range cards {
		if c.Status != integration.StatusOK || c.FromCache {
			t.Errorf("card %s: status %s from cache %v, want ok, fresh; error %+v", c.Name, c.Status, c.FromCache, c.Error)
		}
	}
	if got := crm.last(t).RawQuery; got != "email=ada%2Btest%40example.com" {
		t.Errorf("Customer Data query = %q", got)
	}
	if got := mustJSON(t, cards[0].Output.Nodes); !strings.Contains(got, "$2,850.00") || !strings.Contains(got, "Gold") {
		t.Errorf("Customer Data nodes lack the formatted values: %s", got)
	}
	var body struct{ Email, Name string }
	if err := json.Unmarshal([]byte(translayte.last(t).Body), &body); err != nil || body.Email != ada.Email || body.Name != ada.Name {
		t.Errorf("Translayte body = %q (%v)", translayte.last(t).Body, err)
	}
	if got := string(cards[1].Raw); got != `{"client":{"id":"TL-1","languages":["en","fr"]}}` {
		t.Errorf("Translayte raw = %s", got)
	}

	// Second load: both from the cache, no upstream call.
	again, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again {
		if !c.FromCache || c.Status != integration.StatusOK {
			t.Errorf("second load, card %s: status %s from cache %v, want ok from cache", c.Name, c.Status, c.FromCache)
		}
	}
	if crm.calls() != 1 || translayte.calls() != 1 {
		t.Errorf("upstream calls = %d, %d; want 1, 1", crm.calls(), translayte.calls())
	}
}

func TestCrossTeamIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, jsonReply(`{}`))
	in := e.create(t, &integration.Integration{Name: "CRM", URL: up.URL + "/x", Active: true}, 0, "a1")

	edit := *in
	edit.Name = "hijacked"
	checks := map[string]error{}
	_, checks["Get"] = e.svc.Get(ctx, adminB, in.ID)
	_, checks["Update"] = e.svc.Update(ctx, adminB, &edit)
	checks["Delete"] = e.svc.Delete(ctx, adminB, in.ID)
	checks["Attach to own inbox"] = e.svc.Attach(ctx, adminB, in.ID, "b1", 0)
	checks["Attach own-team integration to other team's inbox"] = e.svc.Attach(ctx, adminA, in.ID, "b1", 0)
	checks["Detach"] = e.svc.Detach(ctx, adminB, in.ID, "a1")
	checks["SetEnabled"] = e.svc.SetEnabled(ctx, adminB, in.ID, "a1", false)
	_, checks["ListForInbox"] = e.svc.ListForInbox(ctx, adminB, "a1")
	_, checks["Profile"] = e.svc.Profile(ctx, adminB, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	_, checks["Test saved"] = e.svc.Test(ctx, adminB, &integration.TestRequest{Integration: in, Live: true})
	_, checks["Create in other team"] = e.svc.Create(ctx, adminB, &integration.Integration{TeamID: "team-a", Name: "x", URL: up.URL})
	_, checks["Profile of unknown inbox"] = e.svc.Profile(ctx, adminA, &integration.ProfileRequest{InboxID: "zz"})
	for name, err := range checks {
		if !errors.Is(err, integration.ErrNotFound) {
			t.Errorf("%s across teams = %v, want ErrNotFound", name, err)
		}
	}
	list, err := e.svc.ListForTeam(ctx, adminB)
	if err != nil || len(list) != 0 {
		t.Errorf("ListForTeam(team-b) = %d, %v; want 0, nil", len(list), err)
	}
	if up.calls() != 0 {
		t.Errorf("upstream called %d times across teams", up.calls())
	}
	// Nothing changed for team-a.
	got, err := e.svc.Get(ctx, adminA, in.ID)
	if err != nil || got.Name != "CRM" || got.Version != 1 {
		t.Errorf("after foreign attempts, Get = %+v, %v", got, err)
	}
	// A host whose attachment store holds a foreign attachment still never runs it.
	if err := e.store.PutAttachment(ctx, integration.Attachment{IntegrationID: in.ID, InboxID: "b1", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	cards, err := e.svc.Profile(ctx, adminB, &integration.ProfileRequest{InboxID: "b1", Contact: ada})
	if err != nil || len(cards) != 0 || up.calls() != 0 {
		t.Errorf("Profile(b1) with a foreign attachment = %d cards, %v, %d calls; want 0, nil, 0", len(cards), err, up.calls())
	}
}

func TestNonAdminIsForbidden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, jsonReply(`{}`))
	in := e.create(t, &integration.Integration{Name: "CRM", URL: up.URL + "/x", Active: true}, 0, "a1")
	edit := *in
	checks := map[string]error{}
	_, checks["Create"] = e.svc.Create(ctx, memberA, &integration.Integration{Name: "x", URL: up.URL})
	_, checks["Update"] = e.svc.Update(ctx, memberA, &edit)
	checks["Delete"] = e.svc.Delete(ctx, memberA, in.ID)
	checks["Attach"] = e.svc.Attach(ctx, memberA, in.ID, "a2", 0)
	checks["Detach"] = e.svc.Detach(ctx, memberA, in.ID, "a1")
	checks["SetEnabled"] = e.svc.SetEnabled(ctx, memberA, in.ID, "a1", false)
	_, checks["Test"] = e.svc.Test(ctx, memberA, &integration.TestRequest{Integration: in})
	for name, err := range checks {
		if !errors.Is(err, integration.ErrForbidden) {
			t.Errorf("%s by a member = %v, want ErrForbidden", name, err)
		}
	}
	// Members read and load profiles.
	if _, err := e.svc.Get(ctx, memberA, in.ID); err != nil {
		t.Errorf("Get by a member = %v", err)
	}
	if list, err := e.svc.ListForTeam(ctx, memberA); err != nil || len(list) != 1 {
		t.Errorf("ListForTeam by a member = %d, %v", len(list), err)
	}
	if cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada}); err != nil || len(cards) != 1 {
		t.Errorf("Profile by a member = %d cards, %v", len(cards), err)
	}
}

func TestRequiredVariableMissingSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{}`))
	e.create(t, &integration.Integration{
		Name: "By phone", URL: up.URL + "/lookup?phone={{contact.phone_number}}", Active: true,
		RequiredVariables: []string{"contact.phone_number", "contact.attributes.crm_id", "contact.email"},
	}, 0, "a1")
	cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{
		InboxID: "a1", Contact: integration.Contact{ID: "c1", Email: "x@example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"contact.phone_number", "contact.attributes.crm_id"}
	if len(cards) != 1 || cards[0].Status != integration.StatusNotApplicable || !cmp.Equal(cards[0].Missing, want) {
		t.Errorf("card = %s, want not_applicable missing %v", mustJSON(t, cards), want)
	}
	if up.calls() != 0 {
		t.Errorf("upstream called %d times for a not-applicable card", up.calls())
	}
}

func TestCacheInvalidatedOnEdit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, jsonReply(`{"n":1}`))
	in := e.create(t, &integration.Integration{Name: "CRM", URL: up.URL + "/c/{{contact.id}}", CacheMinutes: 60, Active: true}, 0, "a1")
	load := func() integration.Card {
		t.Helper()
		cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK {
			t.Fatalf("Profile = %s, %v", mustJSON(t, cards), err)
		}
		return cards[0]
	}
	if c := load(); c.FromCache {
		t.Error("first load from cache")
	}
	if c := load(); !c.FromCache {
		t.Error("second load not from cache")
	}
	edit := *in
	edit.Name = "CRM v2"
	updated, err := e.svc.Update(ctx, adminA, &edit)
	if err != nil {
		t.Fatal(err)
	}
	if updated.Version != 2 {
		t.Errorf("Version after Update = %d, want 2", updated.Version)
	}
	if c := load(); c.FromCache || c.Name != "CRM v2" {
		t.Errorf("load after edit: from cache %v, name %q; want fresh, CRM v2", c.FromCache, c.Name)
	}
	if up.calls() != 2 {
		t.Errorf("upstream calls = %d, want 2", up.calls())
	}
	// The old version's cache entry is gone too, not merely shadowed by the new version.
	if c := load(); !c.FromCache {
		t.Error("load after reload not from cache")
	}
	if err := e.svc.Delete(ctx, adminA, in.ID); err != nil {
		t.Fatal(err)
	}
	cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil || len(cards) != 0 {
		t.Errorf("Profile after Delete = %d cards, %v; want 0", len(cards), err)
	}
}

func TestUpdateConflicts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	in := e.create(t, &integration.Integration{Name: "CRM", URL: "https://crm.example.com/x", Active: true}, 0)
	first, second := *in, *in
	first.Name, second.Name = "first", "second"
	if _, err := e.svc.Update(ctx, adminA, &first); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Update(ctx, adminA, &second); !errors.Is(err, integration.ErrConflict) {
		t.Errorf("Update from a stale copy = %v, want ErrConflict", err)
	}
	got, _ := e.svc.Get(ctx, adminA, in.ID)
	if got.Name != "first" || got.Version != 2 {
		t.Errorf("stored = %q v%d, want first v2", got.Name, got.Version)
	}
}

func TestAttachmentsOrderEnableDetachInactive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, jsonReply(`{}`))
	mk := func(name string, pos int, active bool) *integration.Integration {
		return e.create(t, &integration.Integration{Name: name, URL: up.URL + "/" + name, Active: active}, pos, "a1")
	}
	third := mk("third", 30, true)
	first := mk("first", 10, true)
	second := mk("second", 20, true)
	mk("inactive", 5, false)
	// a2 has only "second", first.
	if err := e.svc.Attach(ctx, adminA, second.ID, "a2", 0); err != nil {
		t.Fatal(err)
	}
	names := func(inbox string) string {
		t.Helper()
		cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: inbox, Contact: ada})
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, c := range cards {
			n = append(n, c.Name)
		}
		return strings.Join(n, ",")
	}
	if got := names("a1"); got != "first,second,third" {
		t.Errorf("a1 cards = %s, want first,second,third", got)
	}
	if got := names("a2"); got != "second" {
		t.Errorf("a2 cards = %s, want second", got)
	}
	if err := e.svc.SetEnabled(ctx, adminA, second.ID, "a1", false); err != nil {
		t.Fatal(err)
	}
	if got := names("a1"); got != "first,third" {
		t.Errorf("a1 cards after disabling second = %s", got)
	}
	if got := names("a2"); got != "second" {
		t.Errorf("a2 cards after disabling second in a1 = %s (per-inbox flag)", got)
	}
	if err := e.svc.Detach(ctx, adminA, first.ID, "a1"); err != nil {
		t.Fatal(err)
	}
	if got := names("a1"); got != "third" {
		t.Errorf("a1 cards after detaching first = %s", got)
	}
	if err := e.svc.SetEnabled(ctx, adminA, first.ID, "a1", true); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("SetEnabled of a detached integration = %v, want ErrNotFound", err)
	}
	list, err := e.svc.ListForInbox(ctx, adminA, "a1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range list {
		got = append(got, fmt.Sprintf("%s:%v", a.Integration.Name, a.Attachment.Enabled))
	}
	if want := "inactive:true second:false third:true"; strings.Join(got, " ") != want {
		t.Errorf("ListForInbox(a1) = %v, want %s", got, want)
	}
	_ = third
}

func TestRefreshOneAndAll(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	a := newUpstream(t, jsonReply(`{"a":1}`))
	b := newUpstream(t, jsonReply(`{"b":1}`))
	ia := e.create(t, &integration.Integration{Name: "A", URL: a.URL, CacheMinutes: 10, Active: true}, 1, "a1")
	e.create(t, &integration.Integration{Name: "B", URL: b.URL, CacheMinutes: 10, Active: true}, 2, "a1")
	req := integration.ProfileRequest{InboxID: "a1", Contact: ada}
	for range 2 {
		if _, err := e.svc.Profile(ctx, memberA, &req); err != nil {
			t.Fatal(err)
		}
	}
	one := req
	one.IntegrationID, one.Refresh = ia.ID, true
	cards, err := e.svc.Profile(ctx, memberA, &one)
	if err != nil || len(cards) != 1 || cards[0].Name != "A" || cards[0].FromCache {
		t.Fatalf("refresh one = %s, %v", mustJSON(t, cards), err)
	}
	if a.calls() != 2 || b.calls() != 1 {
		t.Errorf("after refreshing A: calls %d, %d; want 2, 1", a.calls(), b.calls())
	}
	all := req
	all.Refresh = true
	if _, err := e.svc.Profile(ctx, memberA, &all); err != nil {
		t.Fatal(err)
	}
	if a.calls() != 3 || b.calls() != 2 {
		t.Errorf("after refresh all: calls %d, %d; want 3, 2", a.calls(), b.calls())
	}
	// The refreshed responses were stored.
	cards, _ = e.svc.Profile(ctx, memberA, &req)
	for _, c := range cards {
		if !c.FromCache {
			t.Errorf("card %s after refresh not from cache", c.Name)
		}
	}
	missing := req
	missing.IntegrationID = "nope"
	if _, err := e.svc.Profile(ctx, memberA, &missing); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("refresh of an unattached integration = %v, want ErrNotFound", err)
	}
}

func TestSlowAndFailingNextToHealthy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	healthy := newUpstream(t, jsonReply(`{"id":1,"tier":"Gold","ltv":10}`))
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	failing := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"boom"}`, http.StatusBadGateway)
	})
	notFound := newUpstream(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	notJSON := newUpstream(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>oops</html>") })
	display := integration.Display{Enabled: true, Template: customerTemplate}
	e.create(t, &integration.Integration{Name: "healthy", URL: healthy.URL, Active: true, Display: display}, 1, "a1")
	e.create(t, &integration.Integration{Name: "slow", URL: slow.URL, Active: true, Timeout: 150 * time.Millisecond}, 2, "a1")
	e.create(t, &integration.Integration{Name: "failing", URL: failing.URL, Active: true}, 3, "a1")
	e.create(t, &integration.Integration{Name: "missing", URL: notFound.URL, Active: true}, 4, "a1")
	e.create(t, &integration.Integration{Name: "html", URL: notJSON.URL, Active: true, Display: display}, 5, "a1")
	e.create(t, &integration.Integration{Name: "healthy raw", URL: healthy.URL + "/raw", Active: true}, 6, "a1")

	start := time.Now()
	cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Name     string
		Status   integration.Status
		Category integration.Category
		Message  string
	}
	var got []summary
	for _, c := range cards {
		s := summary{Name: c.Name, Status: c.Status}
		if c.Error != nil {
			s.Category, s.Message = c.Error.Category, c.Error.Message
		}
		got = append(got, s)
	}
	want := []summary{
		{"healthy", integration.StatusOK, "", ""},
		{"slow", integration.StatusError, httpexec.CategoryTimeout, "The service did not respond in time."},
		{"failing", integration.StatusError, httpexec.CategoryUpstream5xx, "The service failed (HTTP 502)."},
		{"missing", integration.StatusError, httpexec.CategoryUpstream4xx, "The service rejected the request (HTTP 404)."},
		{"html", integration.StatusError, httpexec.CategoryInvalidResponse, "The service returned a response that cannot be read."},
		{"healthy raw", integration.StatusOK, "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cards mismatch (-want +got):\n%s", diff)
	}
	if elapsed > 2*time.Second {
		t.Errorf("profile took %v with a 150 ms timeout on the slow card", elapsed)
	}
	if cards[0].Output == nil || len(cards[0].Output.Nodes) == 0 {
		t.Errorf("healthy card has no nodes: %s", mustJSON(t, cards[0]))
	}
	if logs := e.logs.String(); !strings.Contains(logs, `"category":"timeout"`) || !strings.Contains(logs, `"category":"upstream_5xx"`) {
		t.Errorf("failed cards not logged with their category:\n%s", logs)
	}
}

// The cards of a load run at the same time: every upstream waits until all five requests have
// arrived, which a sequential load never achieves. No clock is involved, so a loaded machine
// cannot make this fail.
func TestProfileRunsConcurrently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const n = 5
	var arrived atomic.Int32
	all := make(chan struct{})
	for i := range n {
		up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
			if arrived.Add(1) == n {
				close(all)
			}
			together := true
			select {
			case <-all:
			case <-time.After(5 * time.Second): // a sequential load: give up waiting, say so
				together = false
			}
			fmt.Fprintf(w, `{"i":%d,"together":%v}`, i, together)
		})
		e.create(t, &integration.Integration{Name: fmt.Sprint("card ", i), URL: up.URL, Active: true}, i, "a1")
	}
	cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cards {
		if c.Status != integration.StatusOK || string(c.Raw) != fmt.Sprintf(`{"i":%d,"together":true}`, i) {
			t.Errorf("card %d = %s, want ok with all %d requests in flight together", i, mustJSON(t, c), n)
		}
	}
}

// P7: five integrations whose upstreams each take 100 ms load in about 100 ms, not 500 ms.
func TestProfileP7Latency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const delay = 100 * time.Millisecond
	for i := range 5 {
		up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay) // the upstream's latency, not a test synchronisation
			fmt.Fprintf(w, `{"i":%d}`, i)
		})
		e.create(t, &integration.Integration{Name: fmt.Sprint("slow ", i), URL: up.URL, Active: true}, i, "a1")
	}
	// The machine is shared and noisy (-race, 2 cores, other packages' tests): take the best of
	// three loads (nothing is cached, every load goes upstream). A sequential load can never
	// beat 5 x 100 ms, whatever the noise.
	best := time.Hour
	for range 3 {
		start := time.Now()
		cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		elapsed := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cards {
			if c.Status != integration.StatusOK || string(c.Raw) != fmt.Sprintf(`{"i":%d}`, i) {
				t.Errorf("card %d = %s", i, mustJSON(t, c))
			}
		}
		best = min(best, elapsed)
	}
	t.Logf("5 x %v upstreams loaded in %v (best of 3; P7 target %v)", delay, best, delay*3/2)
	// The P7 target is 1.5x the slowest upstream; the assertion leaves room for a loaded CI
	// machine and still fails any load that is sequential even in part (>= 2 x 100 ms). That
	// the cards run concurrently at all is proven without a clock by TestProfileRunsConcurrently.
	if best >= 2*delay {
		t.Errorf("Profile took %v for 5 concurrent %v upstreams, want < %v", best, delay, 2*delay)
	}
}

func TestProfileHonoursCallerContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	e.create(t, &integration.Integration{Name: "slow", URL: slow.URL, Active: true}, 0, "a1")
	e.create(t, &integration.Integration{Name: "slow too", URL: slow.URL + "/2", Active: true}, 1, "a1")
	ctx, cancel := contextWithTimeout(t, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Profile ignored the caller's deadline: %v", d)
	}
	for _, c := range cards {
		if c.Status != integration.StatusError || c.Error.Category != httpexec.CategoryTimeout {
			t.Errorf("card %s = %s, want a timeout", c.Name, mustJSON(t, c))
		}
	}
}

// A load with more cards than Options.MaxConcurrentCards never has more requests in flight.
func TestProfileBoundsConcurrentCards(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.service(t, func(o *integration.Options) { o.MaxConcurrentCards = 3 })
	var mu sync.Mutex
	inFlight, most := 0, 0
	more := make(chan struct{}) // closed when a 4th request is in flight
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if inFlight == 4 {
			close(more)
		}
		mu.Unlock()
		// Hold the request so that an unbounded load piles up; a bounded one moves on after
		// the wait. The bound holds whatever the timing: only the failure needs the wait.
		select {
		case <-more:
		case <-time.After(20 * time.Millisecond):
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		fmt.Fprint(w, `{}`)
	})
	for i := range 12 {
		in, err := svc.Create(t.Context(), adminA, &integration.Integration{Name: fmt.Sprint("c", i), URL: up.URL + fmt.Sprint("/", i), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Attach(t.Context(), adminA, in.ID, "a1", i); err != nil {
			t.Fatal(err)
		}
	}
	cards, err := svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cards {
		if c.Status != integration.StatusOK || c.Name != fmt.Sprint("c", i) {
			t.Errorf("card %d = %s", i, mustJSON(t, c))
		}
	}
	if len(cards) != 12 || most > 3 {
		t.Errorf("%d cards, at most %d requests in flight; want 12, <= 3", len(cards), most)
	}
}
