package pgledger_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// hostSchema is the host's side of the crash test: its messages, deduplicated on Message.Key
// as inbox.Messages allows, a log of every Send call, a log of the deliveries a temporary
// failure left retryable, and a switch that makes the host reject messages containing
// "poison" (a permanent failure) until an operator fixes it.
const hostSchema = `
CREATE TABLE host_messages (
    id              bigserial PRIMARY KEY,
    key             text NOT NULL UNIQUE,
    conversation_id text NOT NULL,
    text            text NOT NULL,
    worker          text NOT NULL
);
CREATE TABLE host_sends (
    key    text NOT NULL,
    worker text NOT NULL,
    result text NOT NULL CHECK (result IN ('inserted', 'deduplicated', 'rejected'))
);
CREATE TABLE host_retries (
    key    text NOT NULL, -- the ledger key of a delivery that Sync left retryable
    worker text NOT NULL
);
CREATE TABLE host_poison (rejecting boolean NOT NULL);
INSERT INTO host_poison VALUES (true);
`

// hostMessages is an inbox.Messages on PostgreSQL that deduplicates on Message.Key: a second
// Send of one key returns the first message's id and inserts nothing.
type hostMessages struct {
	pool   *pgxpool.Pool
	worker string
	// inserted, if set, is called after a message was inserted (and committed), before Send
	// returns: the crash test's victim dies there.
	inserted func(key string)
}

var _ inbox.Messages = (*hostMessages)(nil)

// Send implements inbox.Messages. Database errors are temporary: the delivery is retried.
func (h *hostMessages) Send(ctx context.Context, conversationID string, m *inbox.Message) (string, error) {
	if strings.Contains(m.Text, "poison") {
		var rejecting bool
		if err := h.pool.QueryRow(ctx, `SELECT rejecting FROM host_poison`).Scan(&rejecting); err != nil {
			return "", fmt.Errorf("host: %w: %v", inbox.ErrTemporary, err)
		}
		if rejecting {
			if err := h.log(ctx, m.Key, "rejected"); err != nil {
				return "", err
			}
			return "", errors.New("host rejected the message")
		}
	}
	var id int64
	result := "inserted"
	err := h.pool.QueryRow(ctx, `INSERT INTO host_messages (key, conversation_id, text, worker)
		VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING RETURNING id`,
		m.Key, conversationID, m.Text, h.worker).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		result = "deduplicated"
		err = h.pool.QueryRow(ctx, `SELECT id FROM host_messages WHERE key = $1`, m.Key).Scan(&id)
	}
	if err != nil {
		return "", fmt.Errorf("host: %w: %v", inbox.ErrTemporary, err)
	}
	if err := h.log(ctx, m.Key, result); err != nil {
		return "", err
	}
	if result == "inserted" && h.inserted != nil {
		h.inserted(m.Key)
	}
	return "msg-" + strconv.FormatInt(id, 10), nil
}

func (h *hostMessages) log(ctx context.Context, key, result string) error {
	_, err := h.pool.Exec(ctx, `INSERT INTO host_sends (key, worker, result) VALUES ($1, $2, $3)`, key, h.worker, result)
	if err != nil {
		return fmt.Errorf("host: %w: %v", inbox.ErrTemporary, err)
	}
	return nil
}

// hostContacts maps user-N@example.com to contact-N, the same in every process.
type hostContacts struct{}

func (hostContacts) FindByEmail(_ context.Context, email string) ([]string, error) {
	name, ok := strings.CutSuffix(email, "@example.com")
	if !ok {
		return nil, nil
	}
	return []string{"contact-" + strings.TrimPrefix(name, "user-")}, nil
}

// hostConversations gives every contact one conversation, the same in every process.
type hostConversations struct{}

func (hostConversations) GetOrCreate(_ context.Context, contactID string) (string, bool, error) {
	return "conv-" + contactID, false, nil
}
