-- A work sample's classification may be borderline: the classifier found
-- another label close, so an advisor should read the sample before relying on
-- its label. The case counts its borderline samples that no advisor has
-- overridden yet (ws_review, recounted with the other evidence counters by
-- store.RefreshEvidence in the transaction of every sample change), so the
-- classification_review flag is one comparison on the case row, like every
-- other flag. The covering index of migration 00002 gains the counter, so an
-- advisor's flag counts still never read the table.

-- +goose Up
ALTER TABLE work_samples ADD COLUMN borderline BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN ws_review INTEGER NOT NULL DEFAULT 0;
DROP INDEX cases_advisor_flag_facts_idx;
CREATE INDEX cases_advisor_flag_facts_idx ON cases (advisor_id, status, status_changed_at, next_follow_up_at,
    ws_tm, ws_em, ws_hybrid, programme_interest, years_experience, target_intake, ws_review, id);

-- +goose Down
DROP INDEX cases_advisor_flag_facts_idx;
CREATE INDEX cases_advisor_flag_facts_idx ON cases (advisor_id, status, status_changed_at, next_follow_up_at,
    ws_tm, ws_em, ws_hybrid, programme_interest, years_experience, target_intake, id);
ALTER TABLE cases DROP COLUMN ws_review;
ALTER TABLE work_samples DROP COLUMN borderline;
