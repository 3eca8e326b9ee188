-- pgstore schema version 1: integrations, their attachments to inboxes, and inboxes.
--
-- Every table lives in the first schema of the connection's search_path. Ids use the "C"
-- collation so that ORDER BY id is byte order, the order integration.Store promises.

-- One row per integration. An integration belongs to one team; ids are unique across teams.
-- Secret header values and secrets are stored sealed (the "sealed" key of each element of
-- headers and secrets); this package never sees them in clear.
CREATE TABLE inboxkit_integrations (
    id                 text COLLATE "C" PRIMARY KEY,
    team_id            text COLLATE "C" NOT NULL,
    version            bigint NOT NULL,
    name               text NOT NULL,
    description        text NOT NULL,
    method             text NOT NULL,
    url                text NOT NULL,
    headers            jsonb NOT NULL,  -- [{"name", "value", "secret", "sealed"}], in order
    query              jsonb NOT NULL,  -- [{"name", "value"}], in order
    body               text NOT NULL,
    cache_minutes      bigint NOT NULL,
    active             boolean NOT NULL,
    display_enabled    boolean NOT NULL,
    display_template   json,            -- the display template, byte for byte; NULL when none
    required_variables text[] NOT NULL,
    secrets            jsonb NOT NULL,  -- [{"name", "sealed"}], in order
    timeout_ns         bigint NOT NULL, -- 0: the executor's default
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

-- List(team) reads a team's integrations in id order.
CREATE INDEX inboxkit_integrations_team_id ON inboxkit_integrations (team_id, id);

-- Which integrations run in which inbox. No foreign key: the integration.Service ignores an
-- attachment whose integration is gone, and Delete removes an integration's attachments.
CREATE TABLE inboxkit_attachments (
    inbox_id       text COLLATE "C" NOT NULL,
    integration_id text COLLATE "C" NOT NULL,
    enabled        boolean NOT NULL,
    position       bigint NOT NULL,
    PRIMARY KEY (inbox_id, integration_id)
);

-- Delete(integration) removes the integration's attachments in every inbox.
CREATE INDEX inboxkit_attachments_integration_id ON inboxkit_attachments (integration_id);

-- The team that owns each inbox: the authority for isolation. A host with an inbox table of its
-- own may implement integration.Inboxes on it instead and leave this table empty.
CREATE TABLE inboxkit_inboxes (
    id      text COLLATE "C" PRIMARY KEY,
    team_id text COLLATE "C" NOT NULL,
    name    text NOT NULL
);
