package integration_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
)

// countingReply answers with a customer record whose tier names the request's number, so that
// a test can tell which response a card was rendered from.
func countingReply(n *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":7,"tier":"T%d","ltv":10,"seen":"2024-01-01T00:00:00Z"}`, n.Add(1))
	}
}

func tierOf(t *testing.T, cards []integration.Card) string {
	t.Helper()
	if len(cards) != 1 || cards[0].Status != integration.StatusOK || cards[0].Output == nil {
		t.Fatalf("cards = %+v", cards)
	}
	return cards[0].Output.Nodes[0].Items[1].Value.Text
}

// A card rendered from a cached response is reused by later loads, but only while the
// response it came from is the one served: a refresh, a new version of the integration or
// another contact's request renders again.
func TestProfileRenderedCardFollowsItsResponse(t *testing.T) {
	e := newEnv(t)
	var n atomic.Int64
	up := newUpstream(t, countingReply(&n))
	in := e.create(t, &integration.Integration{
		Name: "CRM", URL: up.URL + "/customers?email={{contact.email}}", CacheMinutes: 60, Active: true,
		Display: integration.Display{Enabled: true, Template: customerTemplate},
	}, 0, "a1")
	ctx := t.Context()
	load := func(c integration.Contact, refresh bool) string {
		t.Helper()
		cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: c, Refresh: refresh})
		if err != nil {
			t.Fatal(err)
		}
		return tierOf(t, cards)
	}
	grace := integration.Contact{ID: "c2", Email: "grace@example.com"}
	steps := []struct {
		name    string
		contact integration.Contact
		refresh bool
		want    string
	}{
		{"miss", ada, false, "T1"},
		{"hit renders and keeps the card", ada, false, "T1"},
		{"hit reuses the card", ada, false, "T1"},
		{"refresh stores a new response", ada, true, "T2"},
		{"the kept card is not served for the new response", ada, false, "T2"},
		{"another contact", grace, false, "T3"},
		{"the first contact again", ada, false, "T2"},
		{"the second contact again", grace, false, "T3"},
	}
	for _, s := range steps {
		if got := load(s.contact, s.refresh); got != s.want {
			t.Errorf("%s: tier %q, want %q", s.name, got, s.want)
		}
	}
	// A new template (a new version) renders again, from the cache entry of the new version.
	in.Display.Template = json.RawMessage(`{"version": 1, "sections": [{"type": "keyvalue", "items": [
		{"label": "ID", "value": "{{id}}"}, {"label": "Level", "value": "level {{tier}}"}]}]}`)
	if _, err := e.svc.Update(ctx, adminA, in); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got := load(ada, false); got != "level T4" {
			t.Errorf("after the update: tier %q, want %q", got, "level T4")
		}
	}
	if up.calls() != 4 {
		t.Errorf("upstream calls = %d, want 4", up.calls())
	}
}

// A template that shows relative times renders on every load: its output moves with the clock.
func TestProfileRelativeTimesRenderEveryLoad(t *testing.T) {
	e := newEnv(t)
	var n atomic.Int64
	up := newUpstream(t, countingReply(&n))
	e.create(t, &integration.Integration{
		Name: "CRM", URL: up.URL + "/customers?email={{contact.email}}", CacheMinutes: 60, Active: true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version": 1, "sections": [
			{"type": "keyvalue", "items": [{"label": "Seen", "value": "{{seen}}", "format": "relative"}, {"label": "Tier", "value": "{{tier}}"}]}]}`)},
	}, 0, "a1")
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := e.service(t, func(o *integration.Options) { o.Now = func() time.Time { return now } })
	var got []string
	for _, at := range []time.Duration{time.Hour, 2 * time.Hour, 2 * time.Hour, 3 * time.Hour} {
		now = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(at)
		cards, err := svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
		if err != nil || cards[0].Output == nil {
			t.Fatalf("Profile = %+v, %v", cards, err)
		}
		got = append(got, cards[0].Output.Nodes[0].Items[0].Value.Text)
	}
	want := []string{"1 hour ago", "2 hours ago", "2 hours ago", "3 hours ago"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("relative times (-want +got):\n%s", diff)
	}
}

// Loads that reuse one rendered card share its Output, read-only: any number of callers may
// read it at once (run with -race), it is never shared with another contact, and a caller that
// wants to change it changes a clone, which nobody else sees.
func TestProfileRenderedCardsAreSharedReadOnly(t *testing.T) {
	e := newEnvLevel(t, slog.LevelError)
	up := newUpstream(t, jsonReply(profileBody))
	e.create(t, &integration.Integration{
		Name: "Shop", URL: up.URL + "/customers?email={{contact.email}}", CacheMinutes: 60, Active: true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(profileTemplate)},
	}, 0, "a1")
	ctx := t.Context()
	load := func(c integration.Contact) *template.Output {
		t.Helper()
		cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: c})
		if err != nil || len(cards) != 1 || cards[0].Output == nil {
			t.Fatalf("Profile = %+v, %v", cards, err)
		}
		return cards[0].Output
	}
	miss := load(ada)
	want, err := json.Marshal(miss)
	if err != nil {
		t.Fatal(err)
	}
	if kept, reused := load(ada), load(ada); kept != reused {
		t.Errorf("the second hit rendered again instead of reusing the kept output")
	}
	grace := integration.Contact{ID: "c2", Email: "grace@example.com"}
	if load(grace) == load(ada) {
		t.Errorf("two contacts share one output")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				out := load(ada)
				got, _ := json.Marshal(out)
				if string(got) != string(want) {
					t.Errorf("a load saw another caller's writes:\n%s", got)
					return
				}
				var text strings.Builder
				if err := render.Text(&text, out); err != nil {
					t.Error(err)
					return
				}
				deface(out.Clone())
			}
		})
	}
	wg.Wait()
	if got, _ := json.Marshal(load(ada)); string(got) != string(want) {
		t.Errorf("defacing clones changed the shared output:\n%s", got)
	}
}

// deface writes to every part of out that a caller can reach.
func deface(out *template.Output) {
	for i := range out.Nodes {
		n := &out.Nodes[i]
		n.Title = "defaced"
		for j := range n.Items {
			n.Items[j].Value.Text = "defaced"
		}
		for j := range n.Columns {
			n.Columns[j] = "defaced"
		}
		for _, row := range n.Rows {
			for k := range row {
				row[k].Text = "defaced"
			}
		}
		if n.Value != nil {
			n.Value.Text = "defaced"
		}
	}
	out.Nodes = append(out.Nodes, template.Node{Type: template.NodeText, Text: "defaced"})
}

// TestProfileCachedAllocs keeps the allocations of BenchmarkProfileCached/cards=5 (P11) from
// growing unnoticed.
func TestProfileCachedAllocs(t *testing.T) {
	e := newEnvLevel(t, slog.LevelError)
	up := newUpstream(t, jsonReply(profileBody))
	for i := range 5 {
		e.create(t, &integration.Integration{
			Name: fmt.Sprint("CRM ", i), URL: up.URL + fmt.Sprintf("/%d/customers?email={{contact.email}}", i),
			Headers:      []integration.Header{{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true}},
			CacheMinutes: 60, Active: true,
			Display: integration.Display{Enabled: true, Template: json.RawMessage(profileTemplate)},
		}, i, "a1")
	}
	req := &integration.ProfileRequest{InboxID: "a1", Contact: ada}
	ctx := t.Context()
	if _, err := e.svc.Profile(ctx, memberA, req); err != nil { // the misses
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		cards, err := e.svc.Profile(ctx, memberA, req)
		if err != nil || len(cards) != 5 || !cards[4].FromCache {
			t.Fatalf("Profile = %+v, %v", cards, err)
		}
	})
	// 7 on an idle machine: 1 per card (httpexec's Response: a hit neither expands the request
	// nor makes its Credentials function) and 2 per load (the cards, and memstore's copy of the
	// attachments; the load, its timer, jobs and card state are kept for the next load). The
	// margin absorbs the loads of a busy machine whose timer started the other workers (see
	// Profile).
	const max = 11
	t.Logf("a cached profile load of 5 cards: %.1f allocs (budget %d)", allocs, max)
	if allocs > max {
		t.Errorf("a cached profile load of 5 cards: %.0f allocs, want at most %d", allocs, max)
	}
}

// Dates render in the team's time zone when the load names one (ProfileRequest.Team), in
// Options.Location otherwise; a card rendered in one zone is never reused for another, and a
// zone loaded again (another *time.Location of the same name) reuses it.
func TestProfileDatesInTheTeamsZone(t *testing.T) {
	e := newEnv(t)
	up := newUpstream(t, jsonReply(`{"id":7,"since":"2024-01-15T23:30:00Z"}`))
	e.create(t, &integration.Integration{
		Name: "CRM", URL: up.URL + "/customers?email={{contact.email}}", CacheMinutes: 60, Active: true,
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version": 1, "sections": [
			{"type": "keyvalue", "items": [{"label": "Since", "value": "{{since}}", "format": {"type": "datetime"}}]}]}`)},
	}, 0, "a1")
	tokyo := func() *integration.Team {
		return &integration.Team{Name: "Acme", Location: time.FixedZone("Asia/Tokyo", 9*3600)}
	}
	steps := []struct {
		name string
		team *integration.Team
		want string
	}{
		{"miss, no team: Options.Location (UTC)", nil, "Jan 15, 2024"},
		{"hit in Tokyo", tokyo(), "Jan 16, 2024"},
		{"hit in Tokyo, kept card", tokyo(), "Jan 16, 2024"},
		{"no team after Tokyo", nil, "Jan 15, 2024"},
		{"a team without a zone", &integration.Team{Name: "Acme"}, "Jan 15, 2024"},
		{"Tokyo again", tokyo(), "Jan 16, 2024"},
		{"a zone of another offset", &integration.Team{Location: time.FixedZone("America/Los_Angeles", -8*3600)}, "Jan 15, 2024"},
	}
	var prev *template.Output
	for _, s := range steps {
		cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada, Team: s.team})
		if err != nil || len(cards) != 1 || cards[0].Output == nil {
			t.Fatalf("%s: Profile = %+v, %v", s.name, cards, err)
		}
		out := cards[0].Output
		if got := out.Nodes[0].Items[0].Value.Text; !strings.HasPrefix(got, s.want) {
			t.Errorf("%s: %q, want the date %s", s.name, got, s.want)
		}
		if s.name == "hit in Tokyo, kept card" && out != prev {
			t.Errorf("%s: a zone of the same name rendered again", s.name)
		}
		prev = out
	}
}

// A chained card is reused like a card of one request, but only while every step's response
// is the one it was rendered from: a later step's new response (here for another conversation,
// the first step's response unchanged) or a refresh renders again, and another contact never
// gets it.
func TestProfileRenderedChainFollowsEveryStep(t *testing.T) {
	e := newEnv(t)
	var orders atomic.Int64
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/orders") {
			fmt.Fprintf(w, `{"count":%d}`, orders.Add(1))
			return
		}
		fmt.Fprintf(w, `{"customer":{"id":%q}}`, r.URL.Query().Get("email"))
	})
	e.create(t, &integration.Integration{
		Name: "Shop", URL: up.URL + "/customers?email={{contact.email}}", CacheMinutes: 60, Active: true,
		StepName: "lookup",
		Steps: []integration.Step{{Name: "orders",
			URL: up.URL + "/customers/{{steps.lookup.body.customer.id}}/orders?conversation={{conversation.id}}"}},
		Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version": 1, "sections": [
			{"type": "keyvalue", "items": [{"label": "Customer", "value": "{{steps.lookup.body.customer.id}}"},
				{"label": "Orders", "value": "{{steps.orders.body.count}}"}]}]}`)},
	}, 0, "a1")
	grace := integration.Contact{ID: "c2", Email: "grace@example.com"}
	load := func(c integration.Contact, conv string, refresh bool) *template.Output {
		t.Helper()
		cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: c,
			Conversation: &integration.Conversation{ID: conv}, Refresh: refresh})
		if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK || cards[0].Output == nil {
			t.Fatalf("Profile = %+v, %v", cards, err)
		}
		return cards[0].Output
	}
	text := func(o *template.Output) string {
		return o.Nodes[0].Items[0].Value.Text + " " + o.Nodes[0].Items[1].Value.Text
	}
	load(ada, "v1", false) // both steps miss
	kept := load(ada, "v1", false)
	if got := load(ada, "v1", false); got != kept {
		t.Error("a third load of unchanged responses rendered the chained card again")
	}
	if got := text(kept); got != "ada+test@example.com 1" {
		t.Errorf("kept card = %q", got)
	}
	for range 2 { // a miss of the orders step, then a hit: the kept card is not its card
		if got := load(ada, "v2", false); got == kept || text(got) != "ada+test@example.com 2" {
			t.Errorf("another conversation's orders: %q (the kept card: %v)", text(got), got == kept)
		}
	}
	if got := text(load(ada, "v2", true)); got != "ada+test@example.com 3" {
		t.Errorf("after a refresh = %q, want the new orders response", got)
	}
	if got := load(ada, "v2", false); text(got) != "ada+test@example.com 3" {
		t.Errorf("after the refresh a load served %q", text(got))
	}
	if got := load(grace, "v2", false); got == kept || text(got) != "grace@example.com 4" {
		t.Errorf("another contact got %q (the first contact's card: %v)", text(got), got == kept)
	}
}
