package pgstore_test

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration/pgstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// databaseURL returns INBOXKIT_POSTGRES_URL, or else the local server: through its unix socket
// when there is one, over 127.0.0.1:5432 otherwise (trust authentication, database test).
func databaseURL() string {
	if u := os.Getenv("INBOXKIT_POSTGRES_URL"); u != "" {
		return u
	}
	if _, err := os.Stat("/var/run/postgresql/.s.PGSQL.5432"); err == nil {
		return "postgres:///test?host=/var/run/postgresql"
	}
	return "postgres://127.0.0.1:5432/test"
}

// newSchema creates a schema of its own for t and drops it, with everything in it, when t
// ends, so that tests run in parallel and leave nothing behind. A test that cannot reach
// PostgreSQL fails: CI starts the server.
func newSchema(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, databaseURL())
	if err != nil {
		t.Fatalf("cannot reach PostgreSQL (INBOXKIT_POSTGRES_URL or the local default): %v", err)
	}
	defer conn.Close(ctx)
	schema := "pgstore_test_" + strings.ToLower(rand.Text())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, databaseURL())
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// newPool returns a small pool whose search_path is schema; it is closed when t ends.
func newPool(t testing.TB, schema string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(databaseURL())
	if err != nil {
		t.Fatalf("INBOXKIT_POSTGRES_URL: %v", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(pool.Close) // registered after the schema's: runs before it is dropped
	return pool
}

// newStore returns a Store in a fresh, migrated schema, and its pool for direct SQL.
func newStore(t testing.TB) (*pgstore.Store, *pgxpool.Pool) {
	t.Helper()
	pool := newPool(t, newSchema(t))
	if err := pgstore.Migrate(context.Background(), pool); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	s, err := pgstore.New(pool)
	if err != nil {
		t.Fatal(err)
	}
	return s, pool
}
