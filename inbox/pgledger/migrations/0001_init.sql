-- pgledger schema version 1: the delivery ledger of package inbox.
--
-- Every object lives in the first schema of the connection's search_path.

-- Fencing tokens. Every claim takes a new value, so a token is never reused, not even for
-- another key: a worker whose claim was taken over cannot write with its old token.
CREATE SEQUENCE inboxkit_ledger_token_seq;

-- One row per delivery key (the source name and the external message or delivery id, as in
-- "chat/m/msg_123"). A key moves from claimed to done (Complete) or to released (Release, to
-- be claimed again); a claim whose lease has passed is taken over by the next claim.
CREATE TABLE inboxkit_ledger (
    key         text COLLATE "C" PRIMARY KEY,
    state       text NOT NULL CHECK (state IN ('claimed', 'released', 'done')),
    token       bigint,      -- the current claim's fencing token, while claimed
    lease_until timestamptz, -- while claimed: when another worker may take the key over
    status      text,        -- when done: the record's status (sent, skipped, held, failed)
    record      json,        -- inbox.Record: the final record when done, the progress when released
    claims      integer NOT NULL DEFAULT 1, -- how many times the key was claimed
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    done_at     timestamptz, -- when the key was completed
    CHECK ((state = 'claimed') = (token IS NOT NULL AND lease_until IS NOT NULL)),
    CHECK ((state = 'done') = (status IS NOT NULL AND done_at IS NOT NULL))
);

-- Prune deletes completed records by age; failures stay until replayed or deleted.
CREATE INDEX inboxkit_ledger_prune ON inboxkit_ledger (done_at) WHERE state = 'done' AND status <> 'failed';

-- Failures lists the permanent failures, oldest first.
CREATE INDEX inboxkit_ledger_failures ON inboxkit_ledger (done_at, key) WHERE state = 'done' AND status = 'failed';
