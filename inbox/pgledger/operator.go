package pgledger

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/jackc/pgx/v5"
)

// ErrNotFailed reports that a key is not a recorded permanent failure: it is unknown, not
// done yet, or done with another status (a replay of it already succeeded, for example).
var ErrNotFailed = errors.New("pgledger: not a recorded failure")

// ErrNoEvent reports a failure recorded without its event (a host completed it without one),
// which Replay cannot sync again.
var ErrNoEvent = errors.New("pgledger: failure recorded without its event")

// A Failure is a delivery that failed permanently: completed with [inbox.StatusFailed], its
// record keeping the reason, what each contact got, and the event, for an operator to inspect
// and replay.
type Failure struct {
	// Key is the delivery's idempotency key, as in "chat/message/m/msg_123" (see inbox.Event.Key).
	Key string
	// FailedAt is when the failure was recorded.
	FailedAt time.Time
	// Claims is how many times the key was claimed (attempts, takeovers and replays).
	Claims int
	// Record is the failed record: Reason, Deliveries and Event.
	Record *inbox.Record
}

// FailuresOptions selects a page of [Ledger.Failures]. The zero value asks for the first page
// of every source's failures.
type FailuresOptions struct {
	// Source, if set, restricts the list to the keys of that source.
	Source string
	// After is the Next cursor of the previous page; empty for the first page.
	After string
	// Limit is the page size: zero means 100, and more than 1000 means 1000.
	Limit int
}

// Failures lists permanent failures, oldest first, one page at a time. next is the cursor of
// the following page, or "" after the last one. Paging is stable while failures are added; a
// failure that is replayed and fails again moves to the end of the list.
func (l *Ledger) Failures(ctx context.Context, o FailuresOptions) (failures []Failure, next string, err error) {
	limit := o.Limit
	switch {
	case limit < 0:
		return nil, "", errors.New("pgledger: failures: negative Limit")
	case limit == 0:
		limit = 100
	case limit > 1000:
		limit = 1000
	}
	var source *string
	if o.Source != "" {
		p := o.Source + "/"
		source = &p
	}
	// The first page and the following ones are separate statements, so that a page after
	// a cursor is an index range scan from the cursor on, not a scan from the start.
	// One row more than the page tells whether there is a next page.
	const cols = `SELECT key, done_at, claims, record FROM inboxkit_ledger
		WHERE state = 'done' AND status = 'failed' AND ($1::text IS NULL OR starts_with(key, $1))`
	var rows pgx.Rows
	if o.After == "" {
		rows, _ = l.pool.Query(ctx, cols+` ORDER BY done_at, key LIMIT $2`, source, limit+1)
	} else {
		at, key, ok := parseCursor(o.After)
		if !ok {
			return nil, "", errors.New("pgledger: failures: invalid After cursor")
		}
		rows, _ = l.pool.Query(ctx, cols+` AND (done_at, key) > ($3, $4) ORDER BY done_at, key LIMIT $2`, source, limit+1, at, key)
	}
	failures, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Failure, error) {
		var (
			f Failure
			b []byte
		)
		if err := row.Scan(&f.Key, &f.FailedAt, &f.Claims, &b); err != nil {
			return f, err
		}
		f.FailedAt = f.FailedAt.UTC()
		r, err := decode(b)
		if err == nil && r == nil {
			err = errors.New("failure without a record")
		}
		f.Record = r
		return f, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("pgledger: failures: %w", err)
	}
	if len(failures) > limit {
		failures = failures[:limit]
		last := failures[limit-1]
		next = cursor(last.FailedAt, last.Key)
	}
	return failures, next, nil
}

// cursor encodes a position in the failure list: the microsecond of FailedAt and the key.
func cursor(at time.Time, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "/" + key))
}

func parseCursor(s string) (time.Time, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", false
	}
	us, key, ok := strings.Cut(string(b), "/")
	n, err := strconv.ParseInt(us, 10, 64)
	if !ok || err != nil || key == "" {
		return time.Time{}, "", false
	}
	return time.UnixMicro(n).UTC(), key, true
}

// Reopen turns the failure key back into a released key and returns its event, so that the
// next claim of the key (a replay, or a redelivery by the sender) delivers it again. The
// contacts that were sent the message stay recorded as progress and are not sent it again;
// those that failed are tried again. It returns an error wrapping [ErrNotFailed] when key is
// not a recorded failure. The event is nil for a failure recorded without one.
func (l *Ledger) Reopen(ctx context.Context, key string) (*inbox.Event, error) {
	return l.reopen(ctx, key, false)
}

// Replay reopens the failure key (see [Ledger.Reopen]) and syncs its event again through s,
// the same flow as a webhook delivery: claim, contacts, conversations, messages, complete. s
// must use this ledger. The outcome is what Sync reports: sent when the cause of the failure
// is gone, failed again (and listed again) when it is not. It returns an error wrapping
// [ErrNotFailed] for a key that is not a recorded failure and one wrapping [ErrNoEvent] for a
// failure without its event, and changes nothing then; other errors are Sync's, and an error
// wrapping [inbox.ErrTemporary] leaves the key released for a later replay or redelivery.
func (l *Ledger) Replay(ctx context.Context, s *inbox.Syncer, key string) (*inbox.Outcome, error) {
	if s == nil {
		return nil, errors.New("pgledger: replay: nil Syncer")
	}
	ev, err := l.reopen(ctx, key, true)
	if err != nil {
		return nil, err
	}
	out, err := s.Sync(ctx, ev)
	if err != nil {
		return out, fmt.Errorf("pgledger: replay %q: %w", key, err)
	}
	return out, nil
}

// reopen reopens the failure key in one transaction that locks its row, so that concurrent
// reopens of one failure reopen it once. With needEvent it refuses a failure without event.
func (l *Ledger) reopen(ctx context.Context, key string, needEvent bool) (*inbox.Event, error) {
	tx, err := l.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgledger: reopen %q: %w", key, err)
	}
	defer tx.Rollback(ctx) // a no-op after Commit
	var b []byte
	err = tx.QueryRow(ctx, `SELECT record FROM inboxkit_ledger
		WHERE key = $1 AND state = 'done' AND status = 'failed' FOR UPDATE`, key).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("pgledger: reopen %q: %w", key, ErrNotFailed)
	}
	if err != nil {
		return nil, fmt.Errorf("pgledger: reopen %q: %w", key, err)
	}
	rec, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("pgledger: reopen %q: %w", key, err)
	}
	if rec == nil || (needEvent && rec.Event == nil) {
		return nil, fmt.Errorf("pgledger: reopen %q: %w", key, ErrNoEvent)
	}
	// The progress keeps what was sent; the Syncer sends to the other contacts.
	progress := *rec
	progress.Status, progress.Reason = inbox.StatusRetry, "reopened for replay: "+rec.Reason
	progress.Deliveries = slices.DeleteFunc(slices.Clone(rec.Deliveries), func(d inbox.Delivery) bool { return d.MessageID == "" })
	pb, err := json.Marshal(&progress)
	if err != nil {
		return nil, fmt.Errorf("pgledger: reopen %q: %v", key, err)
	}
	_, err = tx.Exec(ctx, `UPDATE inboxkit_ledger SET state = 'released', status = NULL, done_at = NULL,
			record = $2, updated_at = coalesce($3::timestamptz, now())
		WHERE key = $1`, key, pb, l.clock())
	if err != nil {
		return nil, fmt.Errorf("pgledger: reopen %q: %w", key, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("pgledger: reopen %q: %w", key, err)
	}
	return rec.Event, nil
}

// DeleteFailure deletes the failure key, with its event, once an operator has decided not to
// replay it. It returns an error wrapping [ErrNotFailed] when key is not a recorded failure.
// A redelivery of the key after that is delivered as a new one.
func (l *Ledger) DeleteFailure(ctx context.Context, key string) error {
	tag, err := l.pool.Exec(ctx, `DELETE FROM inboxkit_ledger WHERE key = $1 AND state = 'done' AND status = 'failed'`, key)
	if err != nil {
		return fmt.Errorf("pgledger: delete failure %q: %w", key, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pgledger: delete failure %q: %w", key, ErrNotFailed)
	}
	return nil
}

// pruneBatch bounds the rows one statement of Prune deletes, so that pruning a large backlog
// holds no lock for long.
const pruneBatch = 5000

// Prune deletes the records of deliveries completed more than olderThan ago, except permanent
// failures (which stay until replayed or deleted), and returns how many it deleted. A
// redelivery of a pruned key is delivered again as a new one, so olderThan must exceed the
// longest time a sender keeps retrying (days for most webhook senders); a host runs Prune
// periodically, from one process or from all (concurrent calls are safe). olderThan must be
// positive.
func (l *Ledger) Prune(ctx context.Context, olderThan time.Duration) (int64, error) {
	if olderThan <= 0 {
		return 0, errors.New("pgledger: prune: olderThan must be positive")
	}
	var total int64
	for {
		tag, err := l.pool.Exec(ctx, `WITH t AS (SELECT coalesce($1::timestamptz, now()) - $2::bigint * interval '1 microsecond' AS cutoff)
			DELETE FROM inboxkit_ledger WHERE key IN (
				SELECT key FROM inboxkit_ledger, t
				 WHERE state = 'done' AND status <> 'failed' AND done_at < t.cutoff
				 ORDER BY done_at LIMIT $3)`, l.clock(), olderThan.Microseconds(), pruneBatch)
		if err != nil {
			return total, fmt.Errorf("pgledger: prune: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < pruneBatch {
			return total, nil
		}
	}
}
