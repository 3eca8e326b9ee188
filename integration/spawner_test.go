package integration_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/integration"
)

// TestProfileConcurrentLoadsSpawn runs many concurrent profile loads whose cards take about as
// long as the wait before a load starts its other workers, so that some loads start them and
// others finish first: every load must get every card, whoever started its workers (run with
// -race). It guards the reuse of the timer that starts them: a load must never stop or count
// down the timer of another.
func TestProfileConcurrentLoadsSpawn(t *testing.T) {
	e := newEnvLevel(t, slog.LevelError+4) // no log records
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("slow") == "1" {
			time.Sleep(300 * time.Microsecond)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"email":"` + r.URL.Query().Get("email") + `"}`))
	})
	const cards = 4
	for i := range cards - 1 {
		e.create(t, &integration.Integration{
			Name: fmt.Sprint("CRM ", i), URL: up.URL + fmt.Sprintf("/%d?email={{contact.email}}&slow=%d", i, i%2),
			Active: true, CacheMinutes: i % 2, // the uncached ones wait on their upstreams every load
		}, i, "a1")
	}
	// A chained card, whose step reads the first response: each load's cards carry its own
	// contact's values, though the loads reuse each other's card states.
	e.create(t, &integration.Integration{
		Name: "Chain", URL: up.URL + "/chain?email={{contact.email}}&slow=1", StepName: "lookup", Active: true,
		Steps: []integration.Step{{Name: "orders", URL: up.URL + "/orders?email={{steps.lookup.body.email}}"}},
	}, cards-1, "a1")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				ct := ada
				ct.Email = fmt.Sprintf("agent%d-%d@example.com", g, i)
				cards, err := e.svc.Profile(t.Context(), memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ct})
				if err != nil || len(cards) != 4 {
					t.Errorf("Profile = %d cards, %v", len(cards), err)
					return
				}
				for _, c := range cards {
					if c.Status != integration.StatusOK {
						t.Errorf("card %s: %s %+v", c.Name, c.Status, c.Error)
						return
					}
				}
				for _, c := range cards[:len(cards)-1] {
					if got := string(c.Raw); got != `{"email":"`+ct.Email+`"}` {
						t.Errorf("card %s of %s: %s", c.Name, ct.Email, got)
						return
					}
				}
				want := `{"steps":{"lookup":{"body":{"email":"` + ct.Email + `"}},"orders":{"body":{"email":"` + ct.Email + `"}}}}`
				if got := string(cards[len(cards)-1].Raw); got != want {
					t.Errorf("chained card of %s: %s", ct.Email, got)
					return
				}
			}
		})
	}
	wg.Wait()
}
