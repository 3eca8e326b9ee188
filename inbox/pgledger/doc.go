// Package pgledger keeps the delivery ledger of package inbox in PostgreSQL, so that a fleet
// of app servers receiving the same webhooks sends each event into the inbox exactly once:
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	err = pgledger.Migrate(ctx, pool) // at start-up or deploy; never implicit
//	ledger, err := pgledger.New(pool, pgledger.Options{})
//	s, err := inbox.New(inbox.Options{Contacts: c, Conversations: cv, Messages: m, Ledger: ledger})
//
// A [Ledger] implements [inbox.Ledger] for any number of processes sharing the database. A
// delivery's key is claimed before anything is sent: one INSERT creates the claim, with a
// fencing token from a sequence and a lease ([Options].Lease, default one minute). Duplicates
// find the key busy or done with two read-only statements. A worker that dies mid-delivery
// leaves its claim to expire; the next redelivery takes the key over with a new token and the
// progress last saved, and the dead worker's token can no longer complete or release the key.
// Complete and Release are single UPDATE statements conditional on the token, so a stale
// worker's write changes nothing and returns an error wrapping [inbox.ErrLeaseLost]. The
// database's clock times the leases, the same clock for every app server.
//
// # Operators
//
// A permanent failure (a host error that retrying does not fix) is recorded with its event.
// [Ledger.Failures] lists them, oldest first, a page at a time; once the cause is fixed,
// [Ledger.Replay] syncs one again through the same [inbox.Syncer] flow as a webhook, sending
// only to the contacts that did not get the message; [Ledger.Reopen] hands a failure back to
// the next claim (a host that replays from a queue); [Ledger.DeleteFailure] drops one for good.
// [Ledger.Prune] deletes completed records older than an age, except failures; run it from a
// periodic job with an age above the longest time your senders retry (days: a pruned key that
// is delivered again is sent again).
//
// # Schema
//
// [Migrate] applies the numbered SQL files of [Migrations] in one transaction under an
// advisory lock, recording them in inboxkit_schema_migrations; operators can read them, or
// apply them with their own tools. Everything lives in the first schema of the pool's
// search_path:
//
//	inboxkit_ledger             one row per key: state (claimed, released, done), token,
//	                            lease_until, status and record (the inbox.Record, as json)
//	                            when done, claims, created_at, updated_at, done_at
//	inboxkit_ledger_token_seq   the fencing tokens
//	inboxkit_ledger_prune       partial index on done_at of completed records (Prune)
//	inboxkit_ledger_failures    partial index on (done_at, key) of failures (Failures)
//
// For example, the failures per source, and the keys that senders gave up on while released:
//
//	SELECT split_part(key, '/', 1) AS source, count(*) FROM inboxkit_ledger
//	 WHERE state = 'done' AND status = 'failed' GROUP BY 1;
//	SELECT key, record->>'reason' FROM inboxkit_ledger
//	 WHERE state = 'released' AND updated_at < now() - interval '1 day';
//
// # Throughput
//
// A delivery costs two commits (claim and complete). With PostgreSQL's default
// synchronous_commit each waits for the write-ahead log to reach the disk, so a disk whose
// flush takes milliseconds bounds the deliveries per second of every worker together
// (BenchmarkSyncParallel). [Options].AsyncCommit lifts that bound for hosts whose Messages
// deduplicates on [inbox.Message.Key]; see its documentation for what it trades. Measured with
// 8 workers on a shared 2-core machine whose disk flushes about 400 times a second: 380 to
// 660 deliveries per second durable, 1,500 to 2,500 with AsyncCommit, where pgbench running
// the same two statements reached 2,000 to 2,500 (the server, not this package, is the bound).
//
// # Decisions
//
//   - Records are stored as json, not jsonb: jsonb rejects the escaped NUL characters that a
//     webhook's text may hold, and a failure's event must be kept byte for byte for its
//     replay. Operators query it with the same operators (record->>'reason').
//   - Tokens come from one sequence, so no token is ever issued twice, not even for a key that
//     was pruned and delivered again.
//   - Prune keeps failures: their event is the only copy left, and the sender was told that
//     the delivery was settled.
//   - Claims of a done or busy key write nothing: duplicates, the common case under webhook
//     retries, commit nothing that must be flushed.
//   - New takes a *pgxpool.Pool (pgx's concurrency-safe pool) and never touches the
//     database; Migrate is a separate, explicit call.
package pgledger
