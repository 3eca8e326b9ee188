-- pgstore schema version 3: an integration's agent actions.
--
-- Rows written at versions 1 and 2 read as integrations without actions.
ALTER TABLE inboxkit_integrations
    ADD COLUMN actions jsonb NOT NULL DEFAULT '[]'; -- [{"name", "label", "method", "url", "headers", "query", "body", "fields", "confirm", "result_path"}], in order
