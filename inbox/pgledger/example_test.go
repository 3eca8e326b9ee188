package pgledger_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync/atomic"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
	"github.com/inboxkit/inboxkit/inbox/pgledger"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Every app server of a fleet migrates at start-up (concurrent calls are safe) and syncs
// through the shared ledger: a redelivery, on any server, is a duplicate.
func Example() {
	ctx := context.Background()
	pool, drop := exampleDB() // pgxpool.New(ctx, databaseURL), in a schema of its own
	defer drop()

	if err := pgledger.Migrate(ctx, pool); err != nil {
		log.Fatal(err)
	}
	ledger, err := pgledger.New(pool, pgledger.Options{Lease: time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	contacts := inboxtest.NewContacts()
	contacts.Add("c1", "ada@example.com")
	s, err := inbox.New(inbox.Options{
		Contacts: contacts, Conversations: inboxtest.NewConversations(),
		Messages: inboxtest.NewMessages(), Ledger: ledger,
	})
	if err != nil {
		log.Fatal(err)
	}
	ev := &inbox.Event{Source: "chat", MessageID: "msg_1", Email: "ada@example.com", Kind: inbox.KindBasic, Text: "Hi!"}
	for range 2 {
		out, err := s.Sync(ctx, ev)
		fmt.Println(out.Status, err)
	}
	// Output:
	// sent <nil>
	// duplicate <nil>
}

// An operator lists the permanent failures and, once their cause is fixed, replays them.
func ExampleLedger_Replay() {
	ctx := context.Background()
	pool, drop := exampleDB()
	defer drop()
	if err := pgledger.Migrate(ctx, pool); err != nil {
		log.Fatal(err)
	}
	ledger, err := pgledger.New(pool, pgledger.Options{})
	if err != nil {
		log.Fatal(err)
	}
	contacts := inboxtest.NewContacts()
	contacts.Add("c1", "ada@example.com")
	var archived atomic.Bool // the host refuses messages to archived conversations
	archived.Store(true)
	msgs := inboxtest.NewMessages()
	s, err := inbox.New(inbox.Options{
		Contacts: contacts, Conversations: inboxtest.NewConversations(), Ledger: ledger,
		Messages: inbox.MessagesFunc(func(ctx context.Context, conv string, m *inbox.Message) (string, error) {
			if archived.Load() {
				return "", errors.New("conversation archived")
			}
			return msgs.Send(ctx, conv, m)
		}),
	})
	if err != nil {
		log.Fatal(err)
	}
	out, err := s.Sync(ctx, &inbox.Event{Source: "chat", Type: "message", MessageID: "msg_2", Email: "ada@example.com", Kind: inbox.KindBasic, Text: "Hi!"})
	fmt.Println(out.Status, err)

	failures, next, err := ledger.Failures(ctx, pgledger.FailuresOptions{Source: "chat"})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range failures {
		fmt.Printf("%s: %s\n", f.Key, f.Record.Reason)
	}
	fmt.Printf("next page: %q\n", next)

	archived.Store(false) // the operator fixes the cause
	for _, f := range failures {
		out, err := ledger.Replay(ctx, s, f.Key)
		fmt.Println(out.Status, err, msgs.Len())
	}
	// Output:
	// failed <nil>
	// chat/message/m/msg_2: 1 of 1 contacts failed permanently; contact c1: messages: send: conversation archived
	// next page: ""
	// sent <nil> 1
}

// exampleDB returns a pool on the test database whose search_path is a new schema, and a
// function that closes the pool and drops the schema.
func exampleDB() (*pgxpool.Pool, func()) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(databaseURL())
	if err != nil {
		log.Fatal(err)
	}
	schema := "pgledger_example_" + strings.ToLower(rand.Text())
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		log.Fatal(err)
	}
	return pool, func() {
		if _, err := pool.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			log.Print(err)
		}
		pool.Close()
	}
}
