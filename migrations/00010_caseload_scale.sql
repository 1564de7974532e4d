-- An office of 100,000 cases (issue 12): the caseload search, the flag
-- filter and the dashboards read indexes in the order they answer, instead
-- of reading or sorting every case of the caseload.
--
-- search_text is the applicant's full name and email, lower-cased and
-- joined by a line feed (which neither may contain), kept in step with the
-- user in the same transaction as every name change. The caseload search
-- is one LIKE over it, evaluated inside the list indexes below, so a search
-- reads no case row it does not return. store.Migrate recomputes it in Go
-- after this migration (SQL's LOWER folds only ASCII in SQLite).
--
-- static_flags holds, as bits, the flags that depend on no clock
-- (store.staticFlags names them): a pure function of the case's own
-- evidence counters and profile copy, recomputed in the transaction of
-- every change to them and by store.Migrate at every start. The dashboards
-- count cases grouped by (advisor, status, static_flags); the flags that
-- depend on the clock (overdue, stalled, screening windows) are counted as
-- index ranges and are never stored.

-- +goose Up
ALTER TABLE cases ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN static_flags INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET search_text = (SELECT LOWER(u.full_name) || '
' || LOWER(u.email) FROM users u WHERE u.id = cases.applicant_id);

-- The caseload in its default order, with everything the search and the
-- flag filter test, so that both walk the index newest first and stop at a
-- full page.
DROP INDEX cases_advisor_updated_idx;
CREATE INDEX cases_advisor_updated_idx ON cases (advisor_id, updated_at, id, search_text, status, status_changed_at,
    next_follow_up_at, ws_tm, ws_em, ws_hybrid, ws_review, programme_interest, years_experience, target_intake);
DROP INDEX cases_updated_idx;
CREATE INDEX cases_updated_idx ON cases (updated_at, id, search_text, status, status_changed_at,
    next_follow_up_at, ws_tm, ws_em, ws_hybrid, ws_review, programme_interest, years_experience, target_intake, advisor_id);

-- Dashboard counts: by advisor, status and static flags, read from the index.
CREATE INDEX cases_advisor_status_flags_idx ON cases (advisor_id, status, static_flags);

-- Overdue follow-ups: counted and ranked as a range of follow-up dates, the
-- status tested in the index.
DROP INDEX cases_advisor_follow_up_idx;
CREATE INDEX cases_advisor_follow_up_idx ON cases (advisor_id, next_follow_up_at, id, status);
DROP INDEX cases_follow_up_idx;
CREATE INDEX cases_follow_up_idx ON cases (next_follow_up_at, id, status);

-- Stalled evidence collection: counted and ranked as a range of status
-- change dates. The covering index of migration 00002 served the old
-- dashboard, which read every case; these replace it.
DROP INDEX cases_advisor_flag_facts_idx;
CREATE INDEX cases_advisor_status_changed_idx ON cases (advisor_id, status, status_changed_at, id, next_follow_up_at);
CREATE INDEX cases_status_changed_idx ON cases (status, status_changed_at, id, next_follow_up_at);
-- A status filter with a flag filter tests the stalled flag in the index.
DROP INDEX cases_advisor_status_updated_idx;
CREATE INDEX cases_advisor_status_updated_idx ON cases (advisor_id, status, updated_at, id, status_changed_at);

-- Screening windows: a range of target intakes, with what the attention
-- ranking needs to leave out the cases already counted as more urgent.
CREATE INDEX cases_advisor_intake_idx ON cases (advisor_id, target_intake, id, status, status_changed_at, next_follow_up_at);
CREATE INDEX cases_intake_idx ON cases (target_intake, id, status, status_changed_at, next_follow_up_at);

-- +goose Down
DROP INDEX cases_intake_idx;
DROP INDEX cases_advisor_intake_idx;
DROP INDEX cases_advisor_status_updated_idx;
CREATE INDEX cases_advisor_status_updated_idx ON cases (advisor_id, status, updated_at, id);
DROP INDEX cases_status_changed_idx;
DROP INDEX cases_advisor_status_changed_idx;
CREATE INDEX cases_advisor_flag_facts_idx ON cases (advisor_id, status, status_changed_at, next_follow_up_at,
    ws_tm, ws_em, ws_hybrid, programme_interest, years_experience, target_intake, ws_review, id);
DROP INDEX cases_follow_up_idx;
CREATE INDEX cases_follow_up_idx ON cases (next_follow_up_at, id);
DROP INDEX cases_advisor_follow_up_idx;
CREATE INDEX cases_advisor_follow_up_idx ON cases (advisor_id, next_follow_up_at, id);
DROP INDEX cases_advisor_status_flags_idx;
DROP INDEX cases_updated_idx;
CREATE INDEX cases_updated_idx ON cases (updated_at, id);
DROP INDEX cases_advisor_updated_idx;
CREATE INDEX cases_advisor_updated_idx ON cases (advisor_id, updated_at, id);
ALTER TABLE cases DROP COLUMN static_flags;
ALTER TABLE cases DROP COLUMN search_text;
