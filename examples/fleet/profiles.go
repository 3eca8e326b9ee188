package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/rediscache"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/pgstore"
)

// appServer is one app server's integration.Service: its own Executor (and so its own
// in-process herd collapse) over the fleet's shared store and cache.
type appServer struct {
	name string
	svc  *integration.Service
	exec *httpexec.Executor
}

func newAppServer(name string, sh *shared, prefix string) (*appServer, error) {
	store, err := pgstore.New(sh.pool)
	if err != nil {
		return nil, err
	}
	cache, err := rediscache.New(sh.redis, rediscache.Options{Prefix: prefix})
	if err != nil {
		return nil, err
	}
	// The mock upstreams listen on 127.0.0.1, which the executor refuses by default (SSRF
	// guard): the demo opts in to exactly that range.
	exec, err := httpexec.New(httpexec.Options{
		Cache:        cache,
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		return nil, err
	}
	// Every server of the fleet must open what another sealed: they share the key (from a KMS
	// or the environment in production; derived from a fixed phrase here).
	key := sha256.Sum256([]byte("fleet demo key - not for production"))
	sealer, err := integration.NewAESGCM(integration.Key{ID: "demo-2024", Secret: key[:]})
	if err != nil {
		exec.Close()
		return nil, err
	}
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec, Sealer: sealer,
	})
	if err != nil {
		exec.Close()
		return nil, err
	}
	return &appServer{name: name, svc: svc, exec: exec}, nil
}

// profiles shows the contact integrations of two app servers over one pgstore and one Redis.
func profiles(ctx context.Context, w io.Writer, sh *shared, prefix string) error {
	up := demo.StartUpstreams()
	defer up.Close()
	a, err := newAppServer("A", sh, prefix)
	if err != nil {
		return err
	}
	defer a.exec.Close()
	b, err := newAppServer("B", sh, prefix)
	if err != nil {
		return err
	}
	defer b.exec.Close()

	// The host writes its inboxes to the store as it creates them (pgstore.Store.PutInbox).
	store, err := pgstore.New(sh.pool)
	if err != nil {
		return err
	}
	for _, ib := range []integration.Inbox{demo.Support, demo.Sales} {
		if err := store.PutInbox(ctx, ib); err != nil {
			return err
		}
	}
	admin := integration.Actor{TeamID: demo.Team, Role: integration.RoleAdmin}
	agent := integration.Actor{TeamID: demo.Team, Role: integration.RoleMember}
	ins, err := demo.Setup(ctx, a.svc, admin, up)
	if err != nil {
		return err
	}
	calls := func() string {
		return fmt.Sprintf("upstream calls so far: CRM %d, order system %d", up.CRMCalls.Load(), up.OrdersCalls.Load())
	}
	contacts := demo.Contacts()
	ada, grace := contacts[0], contacts[1]

	fmt.Fprintln(w, "== Contact integrations")
	list, err := b.svc.ListForInbox(ctx, agent, demo.Sales.ID)
	if err != nil {
		return err
	}
	names := make([]string, len(list))
	for i, at := range list {
		names[i] = at.Integration.Name
	}
	fmt.Fprintf(w, "An admin on A creates the integrations; B lists the cards of the Sales inbox from PostgreSQL: %s\n\n", strings.Join(names, ", "))

	fmt.Fprintln(w, "-- An agent on A opens Ada's profile in Sales")
	if err := sheet(ctx, w, a, agent, ada); err != nil {
		return err
	}
	fmt.Fprintln(w, calls())
	fmt.Fprintln(w, "-- An agent on B opens the same profile: the responses A stored in Redis")
	if err := sheet(ctx, w, b, agent, ada); err != nil {
		return err
	}
	fmt.Fprintln(w, calls())

	fmt.Fprintln(w, "-- Agents on A and B open Grace's profile at the same moment, 20 loads each")
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for _, s := range []*appServer{a, b} {
		for range 20 {
			wg.Go(func() {
				_, err := s.svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: demo.Sales.ID, Contact: grace})
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Fprintln(w, calls(), "(one call per card for 40 loads on two servers)")

	fmt.Fprintln(w, "-- An admin on B edits Customer Data (15 -> 10 cache minutes); an agent on A opens Ada's profile")
	edited, err := b.svc.Get(ctx, admin, ins.Customer.ID)
	if err != nil {
		return err
	}
	edited.CacheMinutes = 10
	if _, err := b.svc.Update(ctx, admin, edited); err != nil {
		return err
	}
	if err := sheet(ctx, w, a, agent, ada); err != nil {
		return err
	}
	fmt.Fprintln(w, calls(), "(A reads the new version from PostgreSQL)")

	fmt.Fprintln(w, "-- An agent on B refreshes Ada's Client Info card; then an agent on A opens the profile")
	if _, err := b.svc.Profile(ctx, agent, &integration.ProfileRequest{
		InboxID: demo.Sales.ID, Contact: ada, IntegrationID: ins.Client.ID, Refresh: true,
	}); err != nil {
		return err
	}
	if err := sheet(ctx, w, a, agent, ada); err != nil {
		return err
	}
	fmt.Fprintln(w, calls(), "(A serves what B's refresh stored)")

	fmt.Fprintln(w, "-- An admin on B drops Client Info's cached responses; an agent on A opens the profile")
	if err := b.svc.InvalidateCache(ctx, admin, ins.Client.ID); err != nil {
		return err
	}
	if err := sheet(ctx, w, a, agent, ada); err != nil {
		return err
	}
	fmt.Fprintln(w, calls(), "(one Redis command invalidated it for every server)")
	return nil
}

// sheet loads contact's profile in Sales on s and prints one line per card: where its data
// came from. Times are left out, so that the output is the same at every run.
func sheet(ctx context.Context, w io.Writer, s *appServer, agent integration.Actor, contact integration.Contact) error {
	cards, err := s.svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: demo.Sales.ID, Contact: contact})
	if err != nil {
		return err
	}
	for _, c := range cards {
		var how string
		switch {
		case c.Status == integration.StatusOK && c.FromCache:
			how = "from the shared cache"
		case c.Status == integration.StatusOK:
			how = "live from the upstream"
		case c.Error != nil:
			how = "could not load: " + c.Error.Message
		default:
			how = string(c.Status)
		}
		fmt.Fprintf(w, "   %s %-15s %s\n", s.name, c.Name, how)
	}
	return nil
}
