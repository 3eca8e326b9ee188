// Command profilesheet demonstrates inboxkit's contact integrations end to end: a team admin
// configures three integrations against an in-process mock CRM and order system, attaches them
// to two inboxes, and an agent opens a contact's profile sheet, which is printed as box-drawing
// text. The sheet is then loaded again from the cache, one card is refreshed, and the admin
// runs the Testing tab on one integration.
//
//	go run ./examples/profilesheet
//
// Everything runs in memory; the output is deterministic.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/template/render"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "profilesheet:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	up := demo.StartUpstreams()
	defer up.Close()

	// The executor refuses loopback and private addresses by default (SSRF guard). The mock
	// servers listen on 127.0.0.1, so this demo opts in to exactly that range, explicitly;
	// a production host lists only the internal ranges its integrations may call, if any.
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		return err
	}
	defer exec.Close()

	// Secrets are sealed at rest with AES-256-GCM. A real host loads its key from a KMS or
	// the environment; this demo derives a fixed one.
	key := sha256.Sum256([]byte("profilesheet demo key - not for production"))
	sealer, err := integration.NewAESGCM(integration.Key{ID: "demo-2024", Secret: key[:]})
	if err != nil {
		return err
	}

	store := demo.NewStore()                           // the host's own database in a real application: inboxes Support and Sales
	now := time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC) // a fixed clock keeps the output stable
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: exec, Sealer: sealer,
		Now: func() time.Time { return now },
	})
	if err != nil {
		return err
	}

	// The admin configures the team's integrations once and attaches them differently per
	// inbox: Support sees all three, Sales two, in another order.
	admin := integration.Actor{TeamID: demo.Team, Role: integration.RoleAdmin}
	ins, err := demo.Setup(ctx, svc, admin, up)
	if err != nil {
		return err
	}
	customer, client := ins.Customer, ins.Client

	// An agent opens Ada's profile in the Support inbox.
	agent := integration.Actor{TeamID: demo.Team, Role: integration.RoleMember}
	ada := demo.Contacts()[0]
	req := &integration.ProfileRequest{InboxID: "support", Contact: ada}

	fmt.Fprintln(w, "== Profile sheet: Ada Lovelace, Support inbox")
	cards, err := svc.Profile(ctx, agent, req)
	if err != nil {
		return err
	}
	if err := printCards(w, cards); err != nil {
		return err
	}
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d\n\n", up.CRMCalls.Load(), up.OrdersCalls.Load())

	fmt.Fprintln(w, "== Opening the profile again")
	cards, err = svc.Profile(ctx, agent, req)
	if err != nil {
		return err
	}
	printStatusLines(w, cards)
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d (the failed card is retried; successes are cached)\n\n",
		up.CRMCalls.Load(), up.OrdersCalls.Load())

	fmt.Fprintln(w, "== Refreshing the Customer Data card")
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{
		InboxID: "support", Contact: ada, IntegrationID: customer.ID, Refresh: true,
	})
	if err != nil {
		return err
	}
	printStatusLines(w, cards)
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d\n\n", up.CRMCalls.Load(), up.OrdersCalls.Load())

	fmt.Fprintln(w, "== The same contact in the Sales inbox")
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "sales", Contact: ada})
	if err != nil {
		return err
	}
	printStatusLines(w, cards)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "== Testing tab: Client Info with sample data")
	sample := integration.Contact{Name: "Zoë O'Brien", Email: "zoe+test@example.com"}
	for _, live := range []bool{false, true} {
		res, err := svc.Test(ctx, admin, &integration.TestRequest{
			Integration: client, Contact: sample, Live: live, ConfirmSend: live, // a live POST must be confirmed
		})
		if err != nil {
			return err
		}
		printTest(w, res)
	}
	return nil
}

// printCards prints each card: its header line, then its node tree, raw JSON or error.
func printCards(w io.Writer, cards []integration.Card) error {
	for _, c := range cards {
		fmt.Fprintln(w, statusLine(c))
		switch {
		case c.Output != nil:
			if err := render.Text(w, c.Output); err != nil {
				return err
			}
		case c.Raw != nil:
			fmt.Fprintf(w, "  %s\n", c.Raw)
		}
	}
	return nil
}

func printStatusLines(w io.Writer, cards []integration.Card) {
	for _, c := range cards {
		fmt.Fprintln(w, statusLine(c))
	}
}

// statusLine is a card's title with its status and cache indicator.
func statusLine(c integration.Card) string {
	switch c.Status {
	case integration.StatusOK:
		src := "fresh"
		if c.FromCache {
			src = "from cache"
		}
		if c.Stale {
			src = "stale"
		}
		return fmt.Sprintf("● %s (%s)", c.Name, src)
	case integration.StatusNotApplicable:
		return fmt.Sprintf("○ %s: not applicable (missing %s)", c.Name, strings.Join(c.Missing, ", "))
	default:
		return fmt.Sprintf("✗ %s: %s [%s]", c.Name, c.Error.Message, c.Error.Category)
	}
}

func printTest(w io.Writer, res *integration.TestResult) {
	kind := "dry run"
	if res.Sent {
		kind = "live run"
	}
	fmt.Fprintf(w, "-- %s: %s %s\n", kind, res.Request.Method, hideHost(res.Request.URL))
	fmt.Fprintf(w, "   Authorization: %s\n", res.Request.Header.Get("Authorization"))
	fmt.Fprintf(w, "   Content-Type: %s\n", res.Request.Header.Get("Content-Type"))
	fmt.Fprintf(w, "   body: %s\n", res.Request.Body)
	if !res.Sent {
		fmt.Fprintf(w, "   success: %v (nothing sent)\n", res.Success)
		return
	}
	var body bytes.Buffer
	json.Compact(&body, []byte(res.Body))
	fmt.Fprintf(w, "   status: %d, success: %v\n", res.StatusCode, res.Success)
	fmt.Fprintf(w, "   response: %s\n", body.String())
	if res.Preview != nil {
		fmt.Fprintf(w, "   preview (%d diagnostics):\n", len(res.Preview.Diagnostics))
		var tree bytes.Buffer
		render.Text(&tree, res.Preview)
		for _, line := range strings.Split(strings.TrimRight(tree.String(), "\n"), "\n") {
			fmt.Fprintf(w, "   %s\n", line)
		}
	}
}

// hideHost replaces the random port of a local test server with a stable name.
func hideHost(u string) string {
	if i := strings.Index(u, "://127.0.0.1:"); i >= 0 {
		rest := u[i+len("://127.0.0.1:"):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return u[:i] + "://orders.local" + rest[j:]
		}
	}
	return u
}
