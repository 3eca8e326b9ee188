// Command fleet demonstrates inboxkit on a fleet of app servers: two servers, A and B, share
// one PostgreSQL database (integrations in package pgstore, the delivery ledger in package
// pgledger) and one Redis (the response cache and its fleet-wide lease, package rediscache).
//
//	cd examples/fleet && go run .
//
// It migrates its schema, then shows what sharing buys:
//
//   - contact integrations: an agent on A opens a profile sheet and an agent on B opens the
//     same one from the shared cache, without an upstream call; both servers loading a new
//     contact at once make one upstream call between them; an admin's edit on B, and a
//     refresh on B, are seen by A at once;
//   - inbox sync: a webhook delivered to A and retried to B is acknowledged by B and not sent
//     twice, one delivered to both at once is sent once, a delivery the host refuses is
//     listed in the failed deliveries and replayed once the cause is fixed, and Prune keeps
//     the ledger small.
//
// Flags (environment variables in brackets):
//
//	-postgres URL   PostgreSQL [INBOXKIT_POSTGRES_URL]; default the local server
//	-redis URL      Redis [INBOXKIT_REDIS_URL]; default redis://127.0.0.1:6379/0
//	-schema NAME    the demo's own schema, created if missing (default inboxkit_demo)
//	-prefix P       the prefix of the demo's Redis keys (default inboxkit:demo:)
//
// The demo owns its schema and key prefix: it empties them at start, so that every run prints
// the same text. It therefore refuses a schema whose name does not start with inboxkit_demo.
// The upstream CRM, the order system and the chat tool are in-process servers on loopback.
//
// # Decisions
//
//   - One process plays both servers: each has its own integration.Service, httpexec.Executor
//     (so its own in-process herd collapse) and inbox.Syncer behind its own HTTP server; only
//     PostgreSQL and Redis are shared, as between real processes. The host's contacts,
//     conversations and messages (the helpdesk's own database) are shared in memory.
//   - This is a module of its own (examples/fleet/go.mod), so that the core module does not
//     require pgx or go-redis; it reuses the demo world of examples/internal/demo.
//   - The sheets are of the Sales inbox, whose cards all succeed: the Support inbox's failing
//     card would make the upstream call counts depend on rediscache's one-second shared
//     failure, and so on the machine's speed. Times are not printed, for the same reason.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/inboxkit/inboxkit/inbox/pgledger"
	"github.com/inboxkit/inboxkit/integration/pgstore"
)

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Getenv)
	if err != nil {
		os.Exit(2) // the flag package printed the problem and the usage
	}
	if err := run(context.Background(), os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

// parseConfig reads the flags; their defaults are the environment variables, then the local
// servers the adapters' tests use.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	fs.StringVar(&cfg.postgres, "postgres", defaultPostgres(getenv), "PostgreSQL URL (INBOXKIT_POSTGRES_URL)")
	fs.StringVar(&cfg.redis, "redis", cmp.Or(getenv("INBOXKIT_REDIS_URL"), "redis://127.0.0.1:6379/0"), "Redis URL (INBOXKIT_REDIS_URL)")
	fs.StringVar(&cfg.schema, "schema", "inboxkit_demo", "the demo's schema, created if missing and emptied at start; must start with inboxkit_demo")
	fs.StringVar(&cfg.prefix, "prefix", "inboxkit:demo:", "the prefix of the demo's Redis keys, emptied at start")
	err := fs.Parse(args)
	return cfg, err
}

// config is where the fleet's shared state lives.
type config struct {
	postgres, redis string
	schema, prefix  string
}

// defaultPostgres is INBOXKIT_POSTGRES_URL, or else the local server the adapters' tests use:
// its unix socket when there is one, 127.0.0.1:5432 otherwise (database test).
func defaultPostgres(getenv func(string) string) string {
	if u := getenv("INBOXKIT_POSTGRES_URL"); u != "" {
		return u
	}
	if _, err := os.Stat("/var/run/postgresql/.s.PGSQL.5432"); err == nil {
		return "postgres:///test?host=/var/run/postgresql"
	}
	return "postgres://127.0.0.1:5432/test"
}

// shared is what every app server of the fleet connects to.
type shared struct {
	pool  *pgxpool.Pool // search_path is the demo schema
	redis *redis.Client
}

func run(ctx context.Context, w io.Writer, cfg config) error {
	if !strings.HasPrefix(cfg.schema, "inboxkit_demo") {
		return fmt.Errorf("schema %q: the demo empties its schema, so its name must start with inboxkit_demo", cfg.schema)
	}
	if cfg.prefix == "" {
		return errors.New("empty -prefix: the demo empties the keys under its prefix")
	}
	sh, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer sh.pool.Close()
	defer sh.redis.Close()

	fmt.Fprintf(w, "Fleet: app servers A and B share PostgreSQL (schema %s) and Redis (keys %s*)\n\n", cfg.schema, cfg.prefix)
	if err := profiles(ctx, w, sh, cfg.prefix); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return deliveries(ctx, w, sh)
}

// connect creates the schema if missing, opens a pool on it, migrates it (as every app server
// may at start-up: Migrate serializes concurrent calls), empties the demo's tables and Redis
// keys, and checks that Redis answers.
func connect(ctx context.Context, cfg config) (*shared, error) {
	conn, err := pgx.Connect(ctx, cfg.postgres)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w (start it, or pass -postgres / INBOXKIT_POSTGRES_URL)", err)
	}
	_, err = conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{cfg.schema}.Sanitize())
	conn.Close(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: create schema: %w", err)
	}
	pc, err := pgxpool.ParseConfig(cfg.postgres)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pc.ConnConfig.RuntimeParams["search_path"] = cfg.schema
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}

	opt, err := redis.ParseURL(cfg.redis)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("redis: %w", err)
	}
	// Short timeouts: a cache call must never take longer than the upstream call it saves.
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.MaxRetries = time.Second, time.Second, time.Second, 1
	rdb := redis.NewClient(opt)
	if err := emptyPrefix(ctx, rdb, cfg.prefix); err != nil {
		pool.Close()
		rdb.Close()
		return nil, fmt.Errorf("redis: %w (start it, or pass -redis / INBOXKIT_REDIS_URL)", err)
	}
	return &shared{pool: pool, redis: rdb}, nil
}

// migrate applies both adapters' migrations and empties their tables.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	if err := pgstore.Migrate(ctx, pool); err != nil {
		return err
	}
	if err := pgledger.Migrate(ctx, pool); err != nil {
		return err
	}
	_, err := pool.Exec(ctx, "TRUNCATE inboxkit_integrations, inboxkit_attachments, inboxkit_inboxes, inboxkit_ledger")
	if err != nil {
		return fmt.Errorf("postgres: empty the demo tables: %w", err)
	}
	return nil
}

// emptyPrefix deletes the keys under prefix, a page at a time.
func emptyPrefix(ctx context.Context, rdb *redis.Client, prefix string) error {
	iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := rdb.Del(ctx, batch...).Err(); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return rdb.Del(ctx, batch...).Err()
	}
	return nil
}
