package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/inbox/pgledger"
)

const chatSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// chatSource maps the chat tool's webhooks.
func chatSource(v inbox.Verifier) inbox.Source {
	return inbox.Source{
		Name:             "chat",
		Verifier:         v,
		DeliveryIDHeader: "webhook-id",
		Mapping:          inbox.Mapping{Type: "type", MessageID: "data.id", Email: "data.email", Text: "data.text"},
		Events:           map[string]inbox.EventType{"message.received": {Kind: inbox.KindBasic, Direction: inbox.ParticipantToBusiness}},
	}
}

// host is the helpdesk's own database, which every app server shares; in memory here. Its
// message store refuses messages over a size limit until an operator raises it.
type host struct {
	contacts *inboxtest.Contacts
	convs    *inboxtest.Conversations
	msgs     *inboxtest.Messages
	limit    atomic.Int32 // the longest text the message store accepts
}

func (h *host) Send(ctx context.Context, conv string, m *inbox.Message) (string, error) {
	if n := len(m.Text); n > int(h.limit.Load()) {
		// Not ErrTemporary: retrying does not fix it, so the delivery is recorded as failed.
		return "", fmt.Errorf("message store: text of %d bytes is over the limit of %d", n, h.limit.Load())
	}
	return h.msgs.Send(ctx, conv, m)
}

// deliveries shows inbox sync on two app servers over one pgledger.
func deliveries(ctx context.Context, w io.Writer, sh *shared) error {
	ledger, err := pgledger.New(sh.pool, pgledger.Options{})
	if err != nil {
		return err
	}
	h := &host{contacts: inboxtest.NewContacts(), convs: inboxtest.NewConversations(), msgs: inboxtest.NewMessages()}
	h.limit.Store(80)
	h.contacts.Add("c-ada", "ada@example.com")
	h.contacts.Add("c-grace", "grace@example.com")

	verifier, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{chatSecret}})
	if err != nil {
		return err
	}
	servers := map[string]string{} // app server name -> webhook URL
	syncers := map[string]*inbox.Syncer{}
	for _, name := range []string{"A", "B"} {
		s, err := inbox.New(inbox.Options{Contacts: h.contacts, Conversations: h.convs, Messages: h, Ledger: ledger})
		if err != nil {
			return err
		}
		handler, err := s.Handler(chatSource(verifier), nil)
		if err != nil {
			return err
		}
		srv := httptest.NewServer(handler)
		defer srv.Close()
		servers[name], syncers[name] = srv.URL, s
	}
	tool := &chatTool{signer: verifier, client: http.DefaultClient}
	defer http.DefaultClient.CloseIdleConnections()

	fmt.Fprintln(w, "== Inbox sync: a chat tool posts signed webhooks to whichever server its load balancer picks")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "   server\twebhook\tHTTP\tstatus")
	show := func(server, id, what string, r reply) {
		fmt.Fprintf(tw, "   %s\t%s %s\t%d\t%s\n", server, id, what, r.code, r.status)
	}
	m1 := message("m-1", "ada@example.com", "Hi! Where is my order #1001?")
	for _, d := range []struct{ server, what string }{{"A", "(new)"}, {"B", "(the sender retries it)"}} {
		r, err := tool.deliver(ctx, servers[d.server], "msg_001", m1)
		if err != nil {
			return err
		}
		show(d.server, "msg_001", d.what, r)
	}

	// Delivered to both servers at the same moment: one claims the key and sends; the other
	// finds it done (200 duplicate) or still claimed (503 busy, which the sender retries).
	m2 := message("m-2", "grace@example.com", "Can I change my delivery address?")
	got := make(map[string]reply)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, name := range []string{"A", "B"} {
		wg.Go(func() {
			r, err := tool.deliverUntilSettled(ctx, servers[name], "msg_002", m2)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			got[name] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	statuses := []string{got["A"].status, got["B"].status}
	slices.Sort(statuses)
	fmt.Fprintf(tw, "   A+B\tmsg_002 (to both at once)\t200\t%s\n", strings.Join(statuses, " + "))

	long := "My order arrived damaged: " + strings.Repeat("the box was crushed, ", 4) + "please help."
	m3 := message("m-3", "ada@example.com", long)
	r, err := tool.deliver(ctx, servers["B"], "msg_003", m3)
	if err != nil {
		return err
	}
	show("B", "msg_003", "(too long for the message store)", r)
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n-- Failed deliveries (pgledger.Ledger.Failures, from any server)")
	if err := printFailures(ctx, w, ledger); err != nil {
		return err
	}
	failures, _, err := ledger.Failures(ctx, pgledger.FailuresOptions{Source: "chat"})
	if err != nil {
		return err
	}
	if len(failures) != 1 {
		return fmt.Errorf("%d failed deliveries, want 1", len(failures))
	}
	fmt.Fprintln(w, "-- The operator raises the message store's limit and replays the failure on A")
	h.limit.Store(1000)
	out, err := ledger.Replay(ctx, syncers["A"], failures[0].Key)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   replay: %s\n", out.Status)
	if err := printFailures(ctx, w, ledger); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n-- Conversations (each message once)")
	for _, conv := range h.convs.IDs() {
		fmt.Fprintf(w, "   %s of %s:\n", conv, h.convs.Contact(conv))
		for _, m := range h.msgs.In(conv) {
			fmt.Fprintf(w, "     %s  %q\n", m.ID, m.Message.Text)
		}
	}

	fmt.Fprintln(w, "\n-- The ledger's rows (SELECT key, state, status, claims FROM inboxkit_ledger ORDER BY key)")
	if err := printLedger(ctx, w, sh.pool); err != nil {
		return err
	}
	// A nightly job prunes what is older than the senders' retry window. A ledger whose clock
	// runs 31 days ahead stands in for waiting; a host leaves Options.Now nil (the database's
	// clock).
	n, err := ledger.Prune(ctx, 30*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "-- Prune(30 days) today: %d rows deleted\n", n)
	later, err := pgledger.New(sh.pool, pgledger.Options{Now: func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }})
	if err != nil {
		return err
	}
	if n, err = later.Prune(ctx, 30*24*time.Hour); err != nil {
		return err
	}
	fmt.Fprintf(w, "-- Prune(30 days) 31 days later: %d rows deleted (a failure would stay until replayed or deleted)\n", n)
	return printLedger(ctx, w, sh.pool)
}

func message(id, email, text string) string {
	b, _ := json.Marshal(map[string]any{
		"type": "message.received",
		"data": map[string]string{"id": id, "email": email, "text": text},
	})
	return string(b)
}

// chatTool is the external service: it signs each delivery and POSTs it.
type chatTool struct {
	signer *inbox.StandardWebhooks
	client *http.Client
}

// reply is what the tool reads of a response.
type reply struct {
	code   int
	status string
}

func (c *chatTool) deliver(ctx context.Context, url, id, body string) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	now := time.Now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", c.signer.Sign(id, now, []byte(body)))
	resp, err := c.client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	var v struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&v); err != nil {
		return reply{}, fmt.Errorf("webhook %s: response %d: %w", id, resp.StatusCode, err)
	}
	return reply{code: resp.StatusCode, status: v.Status}, nil
}

// deliverUntilSettled retries a delivery answered 503, as webhook senders do (faster here).
func (c *chatTool) deliverUntilSettled(ctx context.Context, url, id, body string) (reply, error) {
	for attempt := 1; ; attempt++ {
		r, err := c.deliver(ctx, url, id, body)
		if err != nil || r.code != http.StatusServiceUnavailable || attempt == 50 {
			return r, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func printFailures(ctx context.Context, w io.Writer, ledger *pgledger.Ledger) error {
	failures, _, err := ledger.Failures(ctx, pgledger.FailuresOptions{})
	if err != nil {
		return err
	}
	if len(failures) == 0 {
		fmt.Fprintln(w, "   (none)")
	}
	for _, f := range failures {
		fmt.Fprintf(w, "   %s  claims %d  %s\n", f.Key, f.Claims, f.Record.Reason)
	}
	return nil
}

func printLedger(ctx context.Context, w io.Writer, pool *pgxpool.Pool) error {
	rows, err := pool.Query(ctx, "SELECT key, state, coalesce(status, ''), claims FROM inboxkit_ledger ORDER BY key")
	if err != nil {
		return err
	}
	defer rows.Close()
	var n int
	for ; rows.Next(); n++ {
		var key, state, status string
		var claims int
		if err := rows.Scan(&key, &state, &status, &claims); err != nil {
			return err
		}
		fmt.Fprintf(w, "   %-32s %-5s %-6s claims %d\n", key, state, status, claims)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(w, "   (no rows)")
	}
	return nil
}
