package pgledger

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// component names this package's rows in the inboxkit_schema_migrations table.
const component = "pgledger"

// migrateLock is the key of the PostgreSQL advisory lock that serializes the Migrate calls of
// every inboxkit adapter on a database ("inboxkit" in ASCII); package pgstore takes the same.
const migrateLock int64 = 0x696e626f786b6974

// versionTable records the applied migrations of every inboxkit adapter.
const versionTable = `CREATE TABLE IF NOT EXISTS inboxkit_schema_migrations (
    component  text NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (component, version)
)`

// Migrations returns the schema migrations that [Migrate] applies, one numbered SQL file each
// (0001_init.sql, ...), for operators who review them or apply them with their own tools. A
// host that applies them itself records each in inboxkit_schema_migrations (component
// "pgledger", the file's number as version, its name) so that Migrate skips it.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil { // cannot happen: the directory is embedded
		return migrationFiles
	}
	return sub
}

// Migrate brings the schema in the first schema of pool's search_path up to date: it applies,
// in one transaction, every migration of [Migrations] not yet recorded in the table
// inboxkit_schema_migrations, which it creates if needed. A transaction-scoped advisory lock
// serializes concurrent calls, so every app server of a fleet may call Migrate at start-up.
// Migrate never downgrades: a schema that is newer than this package is left alone.
//
// Nothing in this package migrates implicitly; call Migrate before using a [Ledger].
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	if pool == nil {
		return errors.New("pgledger: migrate: nil pool")
	}
	steps, err := migrations()
	if err != nil {
		return err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgledger: migrate: %w", err)
	}
	defer tx.Rollback(ctx) // a no-op after Commit
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLock); err != nil {
		return fmt.Errorf("pgledger: migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, versionTable); err != nil {
		return fmt.Errorf("pgledger: migrate: version table: %w", err)
	}
	var applied int
	err = tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM inboxkit_schema_migrations WHERE component = $1", component).Scan(&applied)
	if err != nil {
		return fmt.Errorf("pgledger: migrate: read version: %w", err)
	}
	for _, s := range steps {
		if s.version <= applied {
			continue
		}
		// Without arguments, pgx sends the file as one simple-protocol query, so it may hold
		// several statements.
		if _, err := tx.Exec(ctx, s.sql); err != nil {
			return fmt.Errorf("pgledger: migrate: %s: %w", s.name, err)
		}
		_, err := tx.Exec(ctx, "INSERT INTO inboxkit_schema_migrations (component, version, name) VALUES ($1, $2, $3)", component, s.version, s.name)
		if err != nil {
			return fmt.Errorf("pgledger: migrate: record %s: %w", s.name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgledger: migrate: commit: %w", err)
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Each file is named
// NNNN_description.sql with a unique NNNN.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("pgledger: migrations: %v", err)
	}
	var out []migration
	for _, p := range names {
		name := path.Base(p)
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("pgledger: migrations: %s: name does not start with a positive number and _", name)
		}
		b, err := migrationFiles.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("pgledger: migrations: %v", err)
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("pgledger: migrations: %s and %s share version %d", out[i-1].name, out[i].name, out[i].version)
		}
	}
	return out, nil
}
