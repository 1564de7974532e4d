-- Privacy: what changed in each audit event, and the indexes that the
-- retention purge, a data-access export and an erasure read by.
--
-- changes holds the fields an event changed as JSON, {"field": {"old": ..,
-- "new": ..}}, for the fields that are not personal text (statuses,
-- pathways, advisor ids); NULL when an event records no field changes. An
-- erasure sets it to NULL on every event about the erased applicant, so the
-- trail keeps who did what and when, and nothing else about them.

-- +goose Up
ALTER TABLE audit_events ADD COLUMN changes TEXT NULL;
-- The daily retention purge deletes by age.
CREATE INDEX audit_events_at_idx ON audit_events (at);
-- An export and an erasure find the events about an applicant by entity
-- (their account) as well as by case and by actor.
CREATE INDEX audit_events_entity_idx ON audit_events (entity_id);

-- +goose Down
DROP INDEX audit_events_entity_idx;
DROP INDEX audit_events_at_idx;
ALTER TABLE audit_events DROP COLUMN changes;
