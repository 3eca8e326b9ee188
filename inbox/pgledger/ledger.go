package pgledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultLease is the lease of a claim when Options.Lease is zero. It is above twice
// [inbox.DefaultTimeout], as a Syncer with the default Options.Timeout needs.
const DefaultLease = time.Minute

// Options configures a [Ledger]. The zero value is valid.
type Options struct {
	// Lease is how long a claim lasts without Complete or Release; when it has passed (the
	// worker crashed or stalled) the next Claim of the key takes it over. It must stay above
	// twice the Syncer's Options.Timeout (see [inbox.Ledger]). Zero means [DefaultLease].
	Lease time.Duration
	// AsyncCommit commits claims, releases and the completion of deliveries that did not fail
	// without waiting for PostgreSQL to flush them to disk (synchronous_commit = off for
	// those transactions only). On a disk whose flush takes milliseconds this multiplies the
	// deliveries per second several times (see the package documentation). The price: a crash
	// of the PostgreSQL server, not of an app server, may forget the writes of its last
	// moments (at most three times wal_writer_delay, 600 ms by default). A forgotten claim or
	// completion can have a message sent again, which a [inbox.Messages] that deduplicates on
	// [inbox.Message.Key] absorbs; nothing is lost, because permanent failures (the only copy
	// of their event) and reopens always wait for the flush, and a sender that got no answer
	// retries. Leave it off unless the host's Messages deduplicates.
	AsyncCommit bool
	// Now, if set, is the clock of leases and record times. If nil, the database's clock
	// (now()) is used, which every process of a fleet shares; set Now only to test lease
	// expiry with a fake clock.
	Now func() time.Time
}

// Ledger is an [inbox.Ledger] in PostgreSQL, shared by every process of a fleet. A claim is a
// row with a fencing token from a sequence: one INSERT creates it for a new key, one UPDATE
// takes a released or expired key over with a new token, and Complete and Release are single
// UPDATE statements conditional on the token. Beside the Ledger interface it has the operations a
// host's operators need: [Ledger.Failures], [Ledger.Replay], [Ledger.Reopen],
// [Ledger.DeleteFailure] and [Ledger.Prune].
//
// A Ledger is safe for concurrent use by multiple goroutines. The zero value is not usable;
// use [New].
type Ledger struct {
	pool  *pgxpool.Pool
	lease time.Duration
	now   func() time.Time
	async bool
}

var _ inbox.Ledger = (*Ledger)(nil)

// errLeaseLost is returned by Complete and Release when the token is not the key's current
// claim.
var errLeaseLost = fmt.Errorf("pgledger: %w", inbox.ErrLeaseLost)

// New returns a Ledger on pool, whose schema [Migrate] has brought up to date. The tables are
// those of the first schema of pool's search_path. New does not touch the database.
func New(pool *pgxpool.Pool, o Options) (*Ledger, error) {
	switch {
	case pool == nil:
		return nil, errors.New("pgledger: nil pool")
	case o.Lease < 0:
		return nil, errors.New("pgledger: options: negative Lease")
	case o.Lease > 0 && o.Lease < time.Millisecond:
		return nil, errors.New("pgledger: options: Lease below one millisecond")
	}
	if o.Lease == 0 {
		o.Lease = DefaultLease
	}
	return &Ledger{pool: pool, lease: o.Lease, now: o.Now, async: o.AsyncCommit}, nil
}

// clock returns the time to pass to a statement as its "now": the Options.Now time, or nil
// for the database's clock.
func (l *Ledger) clock() *time.Time {
	if l.now == nil {
		return nil
	}
	t := l.now()
	return &t
}

// stmtClock is the CTE t of the ledger's writes: t.now is the time of the statement ($1, or
// the database's clock when NULL), and selecting it with $2 true sets synchronous_commit to
// off for the statement's own (implicit) transaction, so that its commit does not wait for the
// WAL flush; with $2 false the setting is left as it is. A statement that writes a row always
// reads t; one that matches no row writes nothing, and has no flush to wait for.
const stmtClock = `WITH t AS (SELECT coalesce($1::timestamptz, now()) AS now,
	set_config('synchronous_commit', CASE WHEN $2::bool THEN 'off' ELSE current_setting('synchronous_commit') END, true) AS commit_mode)
`

// claimSQL inserts a new key as claimed. For a key that exists it does nothing (and takes no
// lock, so that the many claims of a done key, the duplicates, commit nothing that must be
// flushed). Of concurrent claims of a new key, PostgreSQL lets one insert it.
const claimSQL = stmtClock + `INSERT INTO inboxkit_ledger (key, state, token, lease_until, created_at, updated_at)
SELECT $3, 'claimed', nextval('inboxkit_ledger_token_seq'), t.now + $4::bigint * interval '1 microsecond', t.now, t.now
  FROM t
ON CONFLICT (key) DO NOTHING
RETURNING token`

// takeoverSQL claims a key that was released, or whose claim's lease has passed, with a new
// token. Of concurrent takeovers, PostgreSQL lets one update the row and makes the others
// re-check the WHERE clause on the row it wrote: at most one returns a row.
const takeoverSQL = stmtClock + `UPDATE inboxkit_ledger AS l
   SET state = 'claimed', token = nextval('inboxkit_ledger_token_seq'),
       lease_until = t.now + $4::bigint * interval '1 microsecond', claims = l.claims + 1, updated_at = t.now
  FROM t
 WHERE l.key = $3 AND (l.state = 'released' OR (l.state = 'claimed' AND l.lease_until <= t.now))
RETURNING l.token, l.record`

// Claim implements [inbox.Ledger]. A new key takes one statement, a done or busy key two
// read-only ones, a released or expired one three.
func (l *Ledger) Claim(ctx context.Context, key string) (inbox.Claim, error) {
	// The key can change between the statements (released, its lease passing, taken over,
	// pruned); the claim then starts again. Three rounds lost to such races in a row report
	// the key busy, and the caller retries later.
	for range 3 {
		now, lease := l.clock(), l.lease.Microseconds()
		var token int64
		err := l.pool.QueryRow(ctx, claimSQL, now, l.async, key, lease).Scan(&token)
		if err == nil {
			return inbox.Claim{State: inbox.ClaimNew, Token: strconv.FormatInt(token, 10)}, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return inbox.Claim{}, fmt.Errorf("pgledger: claim %q: %w", key, err)
		}
		var (
			state   string
			record  []byte
			expired bool
		)
		err = l.pool.QueryRow(ctx, `SELECT state, record, state = 'claimed' AND lease_until <= coalesce($2::timestamptz, now())
			FROM inboxkit_ledger WHERE key = $1`, key, now).Scan(&state, &record, &expired)
		switch {
		case errors.Is(err, pgx.ErrNoRows): // pruned or deleted in between
			continue
		case err != nil:
			return inbox.Claim{}, fmt.Errorf("pgledger: claim %q: %w", key, err)
		case state == "done":
			rec, err := decode(record)
			if err == nil && rec == nil {
				err = errors.New("done without a record")
			}
			if err != nil {
				return inbox.Claim{}, fmt.Errorf("pgledger: claim %q: %w", key, err)
			}
			return inbox.Claim{State: inbox.ClaimDone, Record: rec}, nil
		case state == "claimed" && !expired:
			return inbox.Claim{State: inbox.ClaimBusy}, nil
		}
		err = l.pool.QueryRow(ctx, takeoverSQL, now, l.async, key, lease).Scan(&token, &record)
		if errors.Is(err, pgx.ErrNoRows) { // another worker took it over, or completed it
			continue
		}
		if err != nil {
			return inbox.Claim{}, fmt.Errorf("pgledger: claim %q: %w", key, err)
		}
		rec, err := decode(record)
		if err != nil {
			return inbox.Claim{}, fmt.Errorf("pgledger: claim %q: %w", key, err)
		}
		return inbox.Claim{State: inbox.ClaimNew, Token: strconv.FormatInt(token, 10), Record: rec}, nil
	}
	return inbox.Claim{State: inbox.ClaimBusy}, nil
}

// Complete implements [inbox.Ledger]. It returns an error wrapping [inbox.ErrLeaseLost] when
// token is not the key's current claim, and changes nothing then.
func (l *Ledger) Complete(ctx context.Context, key, token string, r *inbox.Record) error {
	if r == nil {
		return fmt.Errorf("pgledger: complete %q: nil record", key)
	}
	tok, ok := parseToken(token)
	if !ok {
		return errLeaseLost
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("pgledger: complete %q: encode record: %v", key, err)
	}
	// A failure is the only copy of its event: its commit always waits for the flush.
	async := l.async && r.Status != inbox.StatusFailed
	tag, err := l.pool.Exec(ctx, stmtClock+`UPDATE inboxkit_ledger SET state = 'done', token = NULL,
			lease_until = NULL, status = $5, record = $6, done_at = t.now, updated_at = t.now
		FROM t WHERE key = $3 AND state = 'claimed' AND token = $4`,
		l.clock(), async, key, tok, string(r.Status), b)
	if err != nil {
		return fmt.Errorf("pgledger: complete %q: %w", key, err)
	}
	if tag.RowsAffected() == 0 {
		return errLeaseLost
	}
	return nil
}

// Release implements [inbox.Ledger]. A nil progress keeps the progress saved by an earlier
// Release. It returns an error wrapping [inbox.ErrLeaseLost] when token is not the key's
// current claim, and changes nothing then.
func (l *Ledger) Release(ctx context.Context, key, token string, progress *inbox.Record) error {
	tok, ok := parseToken(token)
	if !ok {
		return errLeaseLost
	}
	var b []byte // NULL: keep the saved progress
	if progress != nil {
		var err error
		if b, err = json.Marshal(progress); err != nil {
			return fmt.Errorf("pgledger: release %q: encode record: %v", key, err)
		}
	}
	tag, err := l.pool.Exec(ctx, stmtClock+`UPDATE inboxkit_ledger SET state = 'released', token = NULL,
			lease_until = NULL, record = coalesce($5, record), updated_at = t.now
		FROM t WHERE key = $3 AND state = 'claimed' AND token = $4`,
		l.clock(), l.async, key, tok, b)
	if err != nil {
		return fmt.Errorf("pgledger: release %q: %w", key, err)
	}
	if tag.RowsAffected() == 0 {
		return errLeaseLost
	}
	return nil
}

// parseToken reads a token of Claim. A string that is not one matches no claim.
func parseToken(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// decode decodes a record column; NULL is a nil record.
func decode(b []byte) (*inbox.Record, error) {
	if b == nil {
		return nil, nil
	}
	var r inbox.Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode record: %v", err)
	}
	return &r, nil
}
