// Package pgstore keeps the integrations of package integration in PostgreSQL, so that every
// app server of a fleet serves the same integrations, attachments and inbox teams:
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	err = pgstore.Migrate(ctx, pool) // at start-up or deploy; never implicit
//	store, err := pgstore.New(pool)
//	svc, err := integration.NewService(integration.Options{
//		Store: store, Attachments: store, Inboxes: store, Executor: exec, Sealer: sealer,
//	})
//
// A [Store] implements [integration.Store], [integration.Attachments] and
// [integration.Inboxes]. Every read and write is scoped by team: an integration of another
// team is [integration.ErrNotFound], like a missing one. Save is a compare-and-swap on the
// version in one statement, so of concurrent edits of one version exactly one wins and the
// others get [integration.ErrConflict], whichever app server they run on. Deleting an
// integration deletes its attachments in the same statement.
//
// Secrets stay sealed: the Service seals secret header values and secrets before it saves,
// and the store keeps the sealed form (the "sealed" key of the headers and secrets columns)
// and never opens it; Save refuses an integration that carries a secret value in clear. The
// integration's text is stored as given: Save refuses, naming the field, text PostgreSQL
// cannot hold exactly (a NUL byte, invalid UTF-8), and the display template is kept byte for
// byte.
//
// The team that owns each inbox is in inboxkit_inboxes, written with [Store.PutInbox] as the
// host creates inboxes; a host whose own inbox table says it may implement
// [integration.Inboxes] on that instead ([integration.InboxesFunc]).
//
// # Schema
//
// [Migrate] applies the numbered SQL files of [Migrations] in one transaction under an
// advisory lock, recording them in inboxkit_schema_migrations; operators can read them, or
// apply them with their own tools. Everything lives in the first schema of the pool's
// search_path:
//
//	inboxkit_integrations   one row per integration: id, team_id, version, the request
//	                        (method, url, headers, query, body), cache_minutes, active,
//	                        display_enabled, display_template (json), required_variables,
//	                        secrets (sealed), timeout_ns, created_at, updated_at,
//	                        run_condition (json), step_name, steps (jsonb),
//	                        actions (jsonb), triggers (jsonb);
//	                        index on (team_id, id)
//	inboxkit_attachments    (inbox_id, integration_id) -> enabled, position;
//	                        index on integration_id
//	inboxkit_inboxes        id -> team_id, name
//
// # Decisions
//
//   - Ids are text with the "C" collation, so that List's order is byte order, the order
//     the integration.Store contract promises, whatever the database's locale.
//   - Attachments have no foreign key to their integration: the Service ignores an attachment
//     whose integration is gone, and a host may attach before it saves.
//   - A migration, once released, is never edited: a schema change is a new numbered file
//     (0002_conditions_and_steps.sql added the run condition and the chained steps,
//     0003_actions.sql the agent actions and 0004_triggers.sql the event triggers, each with
//     defaults that read older rows as integrations without them). A trigger's name came
//     after 0004_triggers.sql without a schema change: the triggers column is jsonb, and each
//     element holds its "name" with the other fields.
//   - The display template and the run condition are json (kept byte for byte, as the admin
//     wrote them); headers, query, secrets, steps, actions and triggers are jsonb (the package
//     writes them).
//   - New takes a *pgxpool.Pool (pgx's concurrency-safe pool) and never touches the
//     database; Migrate is a separate, explicit call.
package pgstore
