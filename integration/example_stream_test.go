package integration_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/inboxkit/inboxkit/integration"
)

// A front end shows every card with its own spinner, then replaces each card as it completes:
// the fast one first, whatever the attachment order.
func ExampleService_ProfileStream() {
	release := make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release // held until the fast card has been shown
		}
		fmt.Fprint(w, `{"ok": true}`)
	}))
	defer upstream.Close()
	svc, closeSvc := newExampleService()
	defer closeSvc()
	ctx := context.Background()
	admin := integration.Actor{TeamID: "acme", Role: integration.RoleAdmin}
	for i, name := range []string{"slow", "fast"} {
		in, err := svc.Create(ctx, admin, &integration.Integration{Name: name, URL: upstream.URL + "/" + name, Active: true})
		if err != nil {
			log.Fatal(err)
		}
		if err := svc.Attach(ctx, admin, in.ID, "support", i+1); err != nil {
			log.Fatal(err)
		}
	}

	agent := integration.Actor{TeamID: "acme", Role: integration.RoleMember}
	pending, cards, err := svc.ProfileStream(ctx, agent, &integration.ProfileRequest{InboxID: "support"})
	if err != nil {
		log.Fatal(err)
	}
	for i, c := range pending {
		fmt.Printf("card %d %s: %s\n", i, c.Name, c.Status)
	}
	for i, c := range cards {
		fmt.Printf("card %d %s: %s %s\n", i, c.Name, c.Status, c.Raw)
		if c.Name == "fast" {
			close(release)
		}
	}
	// Output:
	// card 0 slow: loading
	// card 1 fast: loading
	// card 1 fast: ok {"ok": true}
	// card 0 slow: ok {"ok": true}
}
