// Command profilesheet demonstrates inboxkit's contact integrations end to end: a team admin
// configures four integrations against an in-process mock CRM and order system, attaches them
// to two inboxes, and an agent opens a contact's profile sheet, which is printed as box-drawing
// text. One integration is chained (the CRM's customer, then that customer's orders from the
// order system) and runs only for contacts on a paid plan. The sheet is then loaded again from
// the cache, one card is refreshed, every card is refreshed while the order system is down (its
// cards keep the last known data), a contact on the free plan is shown, and the admin runs the
// Testing tab on one integration. Right after the first sheet, the agent presses the Customer
// Data card's "Add note" button: the note is refused until it is confirmed, then posted.
//
//	go run ./examples/profilesheet
//
// Everything runs in memory; the output is deterministic.
package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
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
	// inbox: Support sees all four, Sales two, in another order.
	admin := integration.Actor{TeamID: demo.Team, Role: integration.RoleAdmin}
	ins, err := demo.Setup(ctx, svc, admin, up)
	if err != nil {
		return err
	}
	customer, client, history := ins.Customer, ins.Client, ins.History

	agent := integration.Actor{TeamID: demo.Team, Role: integration.RoleMember}
	ada := demo.Contacts()[0]
	req := &integration.ProfileRequest{InboxID: "support", Contact: ada}

	fmt.Fprintln(w, "== Profile sheet: Ada Lovelace, Support inbox")
	cards, err := svc.Profile(ctx, agent, req)
	if err != nil {
		return err
	}
	if err := printCards(w, cards, now); err != nil {
		return err
	}
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d\n\n", up.CRMCalls.Load(), up.OrdersCalls.Load())

	if err := addNote(ctx, w, svc, agent, cards[0], up); err != nil {
		return err
	}

	fmt.Fprintln(w, "== Opening the profile again")
	cards, err = svc.Profile(ctx, agent, req)
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d (the failed card is retried; successes are cached)\n\n",
		up.CRMCalls.Load(), up.OrdersCalls.Load())

	fmt.Fprintln(w, "== Refreshing the Customer Data card")
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{
		InboxID: "support", Contact: ada, IntegrationID: customer.ID, Refresh: true,
	})
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	fmt.Fprintf(w, "upstream calls so far: CRM %d, order system %d\n\n", up.CRMCalls.Load(), up.OrdersCalls.Load())

	fmt.Fprintln(w, "== The order system goes down; the agent refreshes every card")
	up.OrdersDown.Store(true)
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "support", Contact: ada, Refresh: true})
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	up.OrdersDown.Store(false)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "== The same contact in the Sales inbox")
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "sales", Contact: ada})
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "== A contact on the free plan, Support inbox")
	grace := demo.Contacts()[1]
	cards, err = svc.Profile(ctx, agent, &integration.ProfileRequest{InboxID: "support", Contact: grace, IntegrationID: history.ID})
	if err != nil {
		return err
	}
	printStatusLines(w, cards, now)
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

// addNote presses the card's first action button for Ada as the agent would: once without
// confirming (nothing is sent; the front end shows the prompt), then confirmed.
func addNote(ctx context.Context, w io.Writer, svc *integration.Service, agent integration.Actor, card integration.Card, up *demo.Upstreams) error {
	fmt.Fprintf(w, "== The agent presses a button of the %s card\n", card.Name)
	for _, b := range card.Actions {
		fmt.Fprintf(w, "[ %s ] %s, %d fields, confirm: %q\n", b.Label, b.Method, len(b.Fields), b.Confirm)
	}
	req := &integration.ActionRequest{
		InboxID: "support", IntegrationID: card.IntegrationID, Action: card.Actions[0].Name, Contact: demo.Contacts()[0],
		Agent:  &integration.Agent{ID: "agent_7", Name: "Grace Hopper", Email: "grace@helpdesk.example"},
		Inputs: map[string]string{"note": "Called back about order A-1003: \"ships Friday\".", "pinned": "true"},
	}
	_, err := svc.RunAction(ctx, agent, req)
	if ce, ok := errors.AsType[*integration.ConfirmationError](err); ok {
		fmt.Fprintf(w, "not sent yet, the agent is asked: %s\n", ce.Prompt)
	} else {
		return fmt.Errorf("unconfirmed action: %v", err)
	}
	req.Confirmed = true
	res, err := svc.RunAction(ctx, agent, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "result: %s (HTTP %d) %s\n", res.Status, res.HTTPStatus, res.Message)
	for _, n := range up.Notes() {
		fmt.Fprintf(w, "the CRM received: %s %s %s\n", n.Method, n.Path, n.Body)
	}
	fmt.Fprintln(w)
	return nil
}

// printCards draws the cards as a profile sheet: one box per card, all of one width, each
// titled once with the integration's name and saying how fresh its data is.
func printCards(w io.Writer, cards []integration.Card, now time.Time) error {
	sheet := make([]render.Card, len(cards))
	for i, c := range cards {
		sheet[i] = render.Card{
			Title: c.Name, Status: render.Status(c.Status), Output: c.Output, Raw: c.Raw,
			Updated: c.FetchedAt, Stale: c.Stale,
		}
		switch {
		case c.Error != nil:
			sheet[i].Message = c.Error.Message
		case c.Status == integration.StatusNotApplicable:
			sheet[i].Message = freshness(c, now)
		}
	}
	return render.Sheet(w, sheet, &render.SheetOptions{Width: 64, Now: now})
}

func printStatusLines(w io.Writer, cards []integration.Card, now time.Time) {
	for _, c := range cards {
		fmt.Fprintf(w, "%s: %s\n", c.Name, strings.ReplaceAll(freshness(c, now), "\n", " "))
	}
}

// freshness says, in the words an agent reads, where a card's data comes from and how old it
// is, or why it has none.
func freshness(c integration.Card, now time.Time) string {
	switch c.Status {
	case integration.StatusOK:
		age := "updated " + ago(now.Sub(c.FetchedAt))
		switch {
		case c.Stale:
			return "Could not refresh. " + c.Error.Message + " Showing the copy " + age + "."
		case c.FromCache:
			return "Saved copy, " + age
		default:
			return "Live, " + age
		}
	case integration.StatusNotApplicable:
		switch c.Reason {
		case integration.ReasonCondition:
			return "Not shown: this card is not for this contact."
		case integration.ReasonMissingStepValue:
			return "Not shown: the service has no record for this contact."
		}
		return "Not shown: this contact has no " + strings.Join(describe(c.Missing), " or ") + "."
	default:
		return "Could not load. " + c.Error.Message + "\nRefresh to try again."
	}
}

// ago is a duration as "just now", "1 minute ago" or "N minutes ago".
func ago(d time.Duration) string {
	switch m := int(d.Minutes()); {
	case m < 1:
		return "just now"
	case m == 1:
		return "1 minute ago"
	default:
		return strconv.Itoa(m) + " minutes ago"
	}
}

// describe names variables as an agent would.
func describe(names []string) []string {
	words := map[string]string{"contact.email": "email address", "contact.phone_number": "phone number", "contact.name": "name"}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = cmp.Or(words[n], n)
	}
	return out
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
