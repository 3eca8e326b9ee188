package pgstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/pgstore"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Two admins edit version 1 of an integration at once, on different app servers: the
// compare-and-swap lets one win. Another team sees nothing.
func Example() {
	ctx := context.Background()
	pool, drop := exampleDB() // pgxpool.New(ctx, databaseURL), in a schema of its own
	defer drop()

	if err := pgstore.Migrate(ctx, pool); err != nil {
		log.Fatal(err)
	}
	store, err := pgstore.New(pool)
	if err != nil {
		log.Fatal(err)
	}
	in := &integration.Integration{ID: "crm", TeamID: "acme", Name: "Customer Data", Version: 1}
	if err := store.Save(ctx, in, 0); err != nil {
		log.Fatal(err)
	}
	first, second := in.Clone(), in.Clone()
	first.Name, first.Version = "CRM", 2
	second.Name, second.Version = "Customers", 2
	fmt.Println(store.Save(ctx, first, 1))
	fmt.Println(errors.Is(store.Save(ctx, second, 1), integration.ErrConflict))

	got, err := store.Get(ctx, "acme", "crm")
	fmt.Println(got.Name, got.Version, err)
	_, err = store.Get(ctx, "globex", "crm")
	fmt.Println(errors.Is(err, integration.ErrNotFound))
	// Output:
	// <nil>
	// true
	// CRM 2 <nil>
	// true
}

// exampleDB returns a pool on the test database whose search_path is a new schema, and a
// function that closes the pool and drops the schema.
func exampleDB() (*pgxpool.Pool, func()) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(databaseURL())
	if err != nil {
		log.Fatal(err)
	}
	schema := "pgstore_example_" + strings.ToLower(rand.Text())
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
