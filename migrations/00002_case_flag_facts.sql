-- The case keeps a copy of the three profile fields its flags depend on
-- (programme interest, years of experience, target intake), written in the
-- same transaction as every profile change. The caseload list, the flag
-- filter and the dashboard then read one table, and the covering index
-- below lets an advisor's dashboard count flags and rank the cases needing
-- attention without reading the table.

-- +goose Up
ALTER TABLE cases ADD COLUMN programme_interest VARCHAR(32) NULL;
ALTER TABLE cases ADD COLUMN years_experience INTEGER NULL;
ALTER TABLE cases ADD COLUMN target_intake VARCHAR(7) NULL;
UPDATE cases SET
    programme_interest = (SELECT p.programme_interest FROM profiles p WHERE p.applicant_id = cases.applicant_id),
    years_experience   = (SELECT p.years_experience FROM profiles p WHERE p.applicant_id = cases.applicant_id),
    target_intake      = (SELECT p.target_intake FROM profiles p WHERE p.applicant_id = cases.applicant_id);
CREATE INDEX cases_advisor_flag_facts_idx ON cases (advisor_id, status, status_changed_at, next_follow_up_at,
    ws_tm, ws_em, ws_hybrid, programme_interest, years_experience, target_intake, id);

-- +goose Down
DROP INDEX cases_advisor_flag_facts_idx;
ALTER TABLE cases DROP COLUMN target_intake;
ALTER TABLE cases DROP COLUMN years_experience;
ALTER TABLE cases DROP COLUMN programme_interest;
