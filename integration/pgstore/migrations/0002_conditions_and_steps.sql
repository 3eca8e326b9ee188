-- pgstore schema version 2: an integration's run condition and chained requests.
--
-- Rows written at version 1 read as integrations without either: no condition, the default
-- step name and no further steps.
ALTER TABLE inboxkit_integrations
    ADD COLUMN run_condition json,                     -- the run condition, byte for byte; NULL when none
    ADD COLUMN step_name     text NOT NULL DEFAULT '', -- '': the default step name
    ADD COLUMN steps         jsonb NOT NULL DEFAULT '[]'; -- [{"name", "method", "url", "headers", "query", "body", "show_earlier_steps"}], in order
