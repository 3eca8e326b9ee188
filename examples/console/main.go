// Command console serves inboxkit's HTTP API (package integration/httpapi) against an
// in-process demo world: a mock CRM and order system, the acme team with its Support and
// Sales inboxes, the three integrations of examples/profilesheet, a few contacts, and an inbox
// sync source receiving webhooks. Everything is in memory.
//
//	go run ./examples/console              # http://127.0.0.1:8080
//	go run ./examples/console -addr 127.0.0.1:9000
//
// It prints the API's address and the Authorization headers of a demo admin (Dana) and a demo
// agent (Alex), for trying the API with curl; a small sign-in middleware puts the user into
// the request, where the API's Identify and Viewer find them, so integrations see the agent
// as agent.* and the team as team.*:
//
//	curl -H 'Authorization: Bearer demo-agent' http://127.0.0.1:8080/api/inboxes/support/contacts/c_1001/profile
//
// The same address serves the web console (pages.go, web/): the profile sheet with its
// streaming cards and their action buttons (run through the API's actions route) beside the
// demo conversation, the integrations list with each inbox's card order, the catalog gallery
// (each ready-made integration's sample drawn as its card, with a form that installs it), and
// the editor with its Configuration, Testing, Template (the visual template builder), Actions
// and Triggers tabs, all built on the API above and drawn with <inboxkit-card> (package
// template/webcard), under a strict Content-Security-Policy. Its browser tests are the nested
// module browsertest.
//
// Event triggers: the conversation's Resolve button reports conversation.resolved through the
// API's reportEvent; a triggers.Poster (package integration/triggers) runs the Customer Data
// integration's trigger and posts its line through the same inbox Syncer and ledger as the
// webhooks, into in-memory messages (package inbox/inboxtest). The thread reads them back from
// GET /console/conversations/{conversation_id}/messages, an endpoint of the console rather
// than of the API (the thread is the host's data), and draws each activity as a line: its text,
// its icon name and its link, opened in a new tab with rel="noopener noreferrer". The event's
// id is the conversation's (evt_resolved_conv_1): the demo conversation is resolved once, so
// pressing Resolve again, or as another contact, reports the same event and posts nothing new.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(1)
	}
	if err := serve(ctx, ln, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(1)
	}
}

// demoUser is a signed-in user of the demo: what the API may do for them (Actor) and who they
// are to the integrations (Agent, the agent.* variables).
type demoUser struct {
	Actor integration.Actor
	Agent integration.Agent
}

// The demo users, by bearer token. A real host authenticates its own sessions instead.
var users = map[string]demoUser{
	"demo-admin": {
		Actor: integration.Actor{TeamID: demo.Team, Role: integration.RoleAdmin},
		Agent: integration.Agent{ID: "u_dana", Name: "Dana Admin", Email: "dana@acme.example"},
	},
	"demo-agent": {
		Actor: integration.Actor{TeamID: demo.Team, Role: integration.RoleMember},
		Agent: integration.Agent{ID: "u_alex", Name: "Alex Agent", Email: "alex@acme.example"},
	},
}

// demoTeam is what the demo knows of its team beyond the ID: the team.* variables.
var demoTeam = integration.Team{Name: "Acme"}

// conversations are the demo conversations a profile may be opened from.
var conversations = map[string]integration.Conversation{
	"conv_1": {ID: "conv_1", Subject: "Where is my order?"},
}

// ChatSecret signs the chat tool's webhooks (Standard Webhooks).
const ChatSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// ShopSecret signs the shop's webhooks (HMAC-SHA256 of the body, hex, in X-Shop-Signature).
const ShopSecret = "shop-demo-secret"

// app is the demo world and the handler serving it.
type app struct {
	handler  http.Handler
	up       *demo.Upstreams
	exec     *httpexec.Executor
	messages *inboxtest.Messages // every conversation's messages: webhooks' and triggers' activities
	syncer   *inbox.Syncer       // the inbox flow both post through, with one ledger
	ins      *demo.Integrations
}

func (a *app) Close() {
	a.exec.Close()
	a.up.Close()
}

// newApp builds the demo world. logger receives the API's server-side failures.
func newApp(ctx context.Context, logger *slog.Logger) (*app, error) {
	up := demo.StartUpstreams()
	// The executor refuses loopback and private addresses by default (SSRF guard). The mock
	// servers listen on 127.0.0.1, so the demo opts in to exactly that range.
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		up.Close()
		return nil, err
	}
	a := &app{up: up, exec: exec, messages: inboxtest.NewMessages()}
	if err := a.init(ctx, logger); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) init(ctx context.Context, logger *slog.Logger) error {
	key := sha256.Sum256([]byte("console demo key - not for production"))
	sealer, err := integration.NewAESGCM(integration.Key{ID: "demo", Secret: key[:]})
	if err != nil {
		return err
	}
	store := demo.NewStore()
	svc, err := integration.NewService(integration.Options{
		Store: store, Attachments: store, Inboxes: store, Executor: a.exec, Sealer: sealer, Logger: logger,
	})
	if err != nil {
		return err
	}
	if a.ins, err = demo.Setup(ctx, svc, users["demo-admin"].Actor, a.up); err != nil {
		return err
	}
	contacts := inboxtest.NewContacts()
	for _, c := range demo.Contacts() {
		if c.Email != "" {
			contacts.Add(c.ID, c.Email)
		}
	}
	a.syncer, err = inbox.New(inbox.Options{
		Contacts: contacts, Conversations: inboxtest.NewConversations(), Messages: a.messages,
		Ledger: inboxtest.NewLedger(inboxtest.LedgerOptions{Lease: time.Minute}),
	})
	if err != nil {
		return err
	}
	webhooks, err := a.webhooks()
	if err != nil {
		return err
	}
	// Event triggers: the events the console reports (its Resolve button) run the triggers of
	// the demo's integrations, whose lines are posted through the same Syncer and ledger as
	// the webhooks, exactly once per event.
	poster, err := triggers.New(triggers.Options{Service: svc, Syncer: a.syncer, Logger: logger})
	if err != nil {
		return err
	}
	api, err := httpapi.New(httpapi.Options{
		Service:  svc,
		Triggers: poster,
		Identify: identify,
		Contact:  lookupContact,
		Viewer:   viewer,
		Webhooks: func(source string) http.Handler {
			if h, ok := webhooks[source]; ok {
				return h
			}
			return nil
		},
		Logger: logger,
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", signIn(http.StripPrefix("/api", api)))
	// The thread beside the profile sheet reads its conversation's messages here: the host's
	// own data, so not part of the API (thread.go).
	mux.Handle("GET /console/conversations/{conversation_id}/messages", signIn(http.HandlerFunc(a.threadMessages)))
	// The web console's pages mount here (issue 12): everything outside /api/.
	mux.Handle("/", consolePages())
	a.handler = mux
	return nil
}

// userKey is the request context key of the signed-in demoUser.
type userKey struct{}

// signIn is the demo's authentication, as a host's session middleware would be: a bearer
// token naming a demo user, or the same token in the demo_user cookie (a browser's
// EventSource sends cookies, not headers), puts the user into the request's context, where
// identify and viewer find it. The API's own rules keep a cookie safe from other sites:
// bodies must be application/json, which a cross-site form cannot send, and its GET routes
// change nothing.
func signIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			if c, err := r.Cookie("demo_user"); err == nil {
				token, ok = c.Value, true
			}
		}
		if u, known := users[token]; ok && known {
			r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		}
		next.ServeHTTP(w, r)
	})
}

// identify tells the API who is calling: the user signIn found, if any.
func identify(r *http.Request) (integration.Actor, error) {
	if u, ok := r.Context().Value(userKey{}).(demoUser); ok {
		return u.Actor, nil
	}
	return integration.Actor{}, errors.New("console: unknown user")
}

// viewer tells the API which agent is looking at a profile (or running an action) and what
// the demo knows of the team: the agent.* and team.* variables.
func viewer(ctx context.Context, _ integration.Actor) (*integration.Agent, *integration.Team, error) {
	u, ok := ctx.Value(userKey{}).(demoUser)
	if !ok {
		return nil, nil, errors.New("console: no signed-in user")
	}
	agent, team := u.Agent, demoTeam
	return &agent, &team, nil
}

// lookupContact finds a demo contact; the demo contacts belong to the demo team.
func lookupContact(_ context.Context, a integration.Actor, ref httpapi.ContactRef) (integration.Contact, *integration.Conversation, error) {
	if a.TeamID != demo.Team {
		return integration.Contact{}, nil, integration.ErrNotFound
	}
	var conv *integration.Conversation
	if ref.ConversationID != "" {
		c, ok := conversations[ref.ConversationID]
		if !ok {
			return integration.Contact{}, nil, integration.ErrNotFound
		}
		conv = &c
	}
	for _, c := range demo.Contacts() {
		if c.ID == ref.ContactID {
			return c, conv, nil
		}
	}
	return integration.Contact{}, nil, integration.ErrNotFound
}

// webhooks returns the inbox handlers of the demo's two sources: a chat tool signing with
// Standard Webhooks and a shop signing with a plain HMAC.
func (a *app) webhooks() (map[string]http.Handler, error) {
	syncer := a.syncer
	chatVerifier, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{ChatSecret}})
	if err != nil {
		return nil, err
	}
	shopVerifier, err := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{ShopSecret}, Header: "X-Shop-Signature"})
	if err != nil {
		return nil, err
	}
	chat, err := syncer.Handler(inbox.Source{
		Name: "chat", Verifier: chatVerifier, DeliveryIDHeader: "webhook-id",
		Mapping: inbox.Mapping{Type: "type", MessageID: "data.id", Email: "data.customer.email", Text: "data.text"},
		Events: map[string]inbox.EventType{
			"message.received": {Kind: inbox.KindBasic, Direction: inbox.ParticipantToBusiness},
			"message.sent":     {Kind: inbox.KindBasic, Direction: inbox.BusinessToParticipant},
		},
	}, nil)
	if err != nil {
		return nil, err
	}
	shop, err := syncer.Handler(inbox.Source{
		Name: "shop", Verifier: shopVerifier,
		Mapping: inbox.Mapping{Type: "event", MessageID: "order.id", Email: "order.email",
			Fields: map[string]string{"order": "order.number", "total": "order.total"}},
		Events: map[string]inbox.EventType{
			"order.placed": {Kind: inbox.KindMinimal, Icon: "cart", Text: "Order #{{ field.order }} placed ({{ field.total }})"},
		},
	}, nil)
	if err != nil {
		return nil, err
	}
	return map[string]http.Handler{"chat": chat, "shop": shop}, nil
}

// serve runs the demo on ln until ctx ends, after printing how to call it to out; warnings
// (failed cards, server errors) go to logs.
func serve(ctx context.Context, ln net.Listener, out, logs io.Writer) error {
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := newApp(ctx, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, `inboxkit console demo on %s
  API:      %s/api/ (OpenAPI document: %s/api/openapi.json)
  Admin:    -H 'Authorization: Bearer demo-admin'
  Agent:    -H 'Authorization: Bearer demo-agent'
  Try:      curl -H 'Authorization: Bearer demo-agent' %s/api/inboxes/support/contacts/c_1001/profile
  Webhooks: POST %s/api/webhooks/chat (Standard Webhooks, secret %s)
            POST %s/api/webhooks/shop (X-Shop-Signature: hex HMAC-SHA256 of the body, secret %s)
`, base, base, base, base, base, ChatSecret, base, ShopSecret)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
