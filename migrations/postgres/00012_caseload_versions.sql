-- A change number per caseload (issue 12), so that a caseload page built
-- before can be served again while nothing it shows has changed.
--
-- caseload_versions holds one row per advisor ('' for the unassigned
-- cases) whose v goes up with every insert, delete and change of one of
-- their cases, and, for every row, with a change of a staff member's name
-- (the pages show the advisor's). The office's number is the sum of all
-- rows, which also only goes up. Locking a case (UPDATE cases SET version =
-- version) changes nothing shown and does not count. A column added to cases
-- later must be added to the trigger's list. This file and its twin in
-- ../sqlite/ must say the same thing.

-- +goose Up
CREATE TABLE caseload_versions (
    advisor_id VARCHAR(36) PRIMARY KEY,
    v          BIGINT      NOT NULL
);
LOCK TABLE cases IN SHARE MODE;
INSERT INTO caseload_versions (advisor_id, v) SELECT DISTINCT COALESCE(advisor_id, ''), 1 FROM cases;

-- +goose StatementBegin
CREATE FUNCTION cases_versioned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO caseload_versions (advisor_id, v)
        SELECT advisor_id, 1 FROM (
            SELECT COALESCE(OLD.advisor_id, '') AS advisor_id WHERE TG_OP <> 'INSERT'
            UNION SELECT COALESCE(NEW.advisor_id, '') WHERE TG_OP <> 'DELETE') AS touched
        ORDER BY advisor_id
        ON CONFLICT (advisor_id) DO UPDATE SET v = caseload_versions.v + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER cases_versioned
AFTER INSERT OR DELETE OR UPDATE OF id, applicant_id, advisor_id, status, status_changed_at, next_follow_up_at, rec_pathway,
    rec_rationale, rec_decided_by, rec_decided_at, ws_total, ws_tm, ws_em, ws_hybrid, ws_insufficient, created_at, updated_at,
    programme_interest, years_experience, target_intake, ws_review, search_text, static_flags
ON cases FOR EACH ROW EXECUTE FUNCTION cases_versioned();

-- +goose StatementBegin
CREATE FUNCTION staff_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE caseload_versions SET v = v + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER staff_renamed AFTER UPDATE OF full_name ON users FOR EACH ROW
WHEN (NEW.role <> 'applicant' AND NEW.full_name IS DISTINCT FROM OLD.full_name)
EXECUTE FUNCTION staff_renamed();

-- +goose Down
DROP TRIGGER staff_renamed ON users;
DROP FUNCTION staff_renamed();
DROP TRIGGER cases_versioned ON cases;
DROP FUNCTION cases_versioned();
DROP TABLE caseload_versions;
