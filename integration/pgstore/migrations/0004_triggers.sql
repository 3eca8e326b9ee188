-- pgstore schema version 4: an integration's event triggers.
--
-- Independent of version 3: it adds one column. Rows written before read as integrations
-- without triggers.
ALTER TABLE inboxkit_integrations
    ADD COLUMN triggers jsonb NOT NULL DEFAULT '[]'; -- [{"on", "label", "text", "link", "icon"}], in order
