-- The dashboards' counts, kept by the database itself (issue 12): counting
-- an office of 100,000 cases row by row costs more than a dashboard may.
--
-- case_counts holds how many cases each advisor ('' for unassigned) has by
-- status and static flags (the bits of cases.static_flags). case_day_counts
-- holds, for the flags that depend on the clock, how many cases fall on each
-- day or month of the date the flag compares:
--   follow_up            cases not closed, by the UTC day of next_follow_up_at
--   evidence_collection  cases collecting evidence, by the UTC day of status_changed_at
--   intake               cases by target_intake (YYYY-MM)
-- so that a dashboard adds whole days and counts only the current day's cases
-- one by one (store.CountCaseload).
--
-- A trigger keeps both in the transaction of every insert, update and delete
-- of a case, whichever code makes it. Its rows are written in key order so
-- that two transactions meet their row locks in one order; rows whose net
-- change is zero are not written. This file and its twin in ../sqlite/ must
-- say the same thing. Times are UTC instants in TIMESTAMP columns.

-- +goose Up
CREATE TABLE case_counts (
    advisor_id   VARCHAR(36) NOT NULL,
    status       VARCHAR(32) NOT NULL,
    static_flags INTEGER     NOT NULL,
    n            INTEGER     NOT NULL,
    PRIMARY KEY (advisor_id, status, static_flags)
);
CREATE TABLE case_day_counts (
    kind       VARCHAR(32) NOT NULL,
    advisor_id VARCHAR(36) NOT NULL,
    day        VARCHAR(10) NOT NULL,
    n          INTEGER     NOT NULL,
    PRIMARY KEY (kind, advisor_id, day)
);

-- The migration runs under goose's advisory lock; the cases are locked so
-- that no case written meanwhile is counted twice or not at all.
LOCK TABLE cases IN SHARE MODE;
INSERT INTO case_counts (advisor_id, status, static_flags, n)
    SELECT COALESCE(advisor_id, ''), status, static_flags, COUNT(*) FROM cases
    GROUP BY COALESCE(advisor_id, ''), status, static_flags;
INSERT INTO case_day_counts (kind, advisor_id, day, n)
    SELECT 'follow_up', COALESCE(advisor_id, ''), to_char(next_follow_up_at, 'YYYY-MM-DD'), COUNT(*) FROM cases
    WHERE next_follow_up_at IS NOT NULL AND status <> 'closed'
    GROUP BY COALESCE(advisor_id, ''), to_char(next_follow_up_at, 'YYYY-MM-DD');
INSERT INTO case_day_counts (kind, advisor_id, day, n)
    SELECT 'evidence_collection', COALESCE(advisor_id, ''), to_char(status_changed_at, 'YYYY-MM-DD'), COUNT(*) FROM cases
    WHERE status = 'evidence_collection'
    GROUP BY COALESCE(advisor_id, ''), to_char(status_changed_at, 'YYYY-MM-DD');
INSERT INTO case_day_counts (kind, advisor_id, day, n)
    SELECT 'intake', COALESCE(advisor_id, ''), target_intake, COUNT(*) FROM cases
    WHERE target_intake IS NOT NULL
    GROUP BY COALESCE(advisor_id, ''), target_intake;

-- +goose StatementBegin
CREATE FUNCTION cases_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_advisor VARCHAR(36);
    new_advisor VARCHAR(36);
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_advisor := COALESCE(OLD.advisor_id, '');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_advisor := COALESCE(NEW.advisor_id, '');
    END IF;

    INSERT INTO case_counts (advisor_id, status, static_flags, n)
        SELECT advisor_id, status, static_flags, SUM(d) FROM (
            SELECT old_advisor AS advisor_id, OLD.status AS status, OLD.static_flags AS static_flags, -1 AS d
                WHERE TG_OP <> 'INSERT'
            UNION ALL SELECT new_advisor, NEW.status, NEW.static_flags, 1 WHERE TG_OP <> 'DELETE') AS delta
        GROUP BY advisor_id, status, static_flags HAVING SUM(d) <> 0 ORDER BY advisor_id, status, static_flags
        ON CONFLICT (advisor_id, status, static_flags) DO UPDATE SET n = case_counts.n + excluded.n;

    INSERT INTO case_day_counts (kind, advisor_id, day, n)
        SELECT kind, advisor_id, day, SUM(d) FROM (
            SELECT 'evidence_collection' AS kind, old_advisor AS advisor_id,
                to_char(OLD.status_changed_at, 'YYYY-MM-DD') AS day, -1 AS d
                WHERE TG_OP <> 'INSERT' AND OLD.status = 'evidence_collection'
            UNION ALL SELECT 'follow_up', old_advisor, to_char(OLD.next_follow_up_at, 'YYYY-MM-DD'), -1
                WHERE TG_OP <> 'INSERT' AND OLD.next_follow_up_at IS NOT NULL AND OLD.status <> 'closed'
            UNION ALL SELECT 'intake', old_advisor, OLD.target_intake, -1
                WHERE TG_OP <> 'INSERT' AND OLD.target_intake IS NOT NULL
            UNION ALL SELECT 'evidence_collection', new_advisor, to_char(NEW.status_changed_at, 'YYYY-MM-DD'), 1
                WHERE TG_OP <> 'DELETE' AND NEW.status = 'evidence_collection'
            UNION ALL SELECT 'follow_up', new_advisor, to_char(NEW.next_follow_up_at, 'YYYY-MM-DD'), 1
                WHERE TG_OP <> 'DELETE' AND NEW.next_follow_up_at IS NOT NULL AND NEW.status <> 'closed'
            UNION ALL SELECT 'intake', new_advisor, NEW.target_intake, 1
                WHERE TG_OP <> 'DELETE' AND NEW.target_intake IS NOT NULL) AS delta
        GROUP BY kind, advisor_id, day HAVING SUM(d) <> 0 ORDER BY kind, advisor_id, day
        ON CONFLICT (kind, advisor_id, day) DO UPDATE SET n = case_day_counts.n + excluded.n;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER cases_counted
AFTER INSERT OR DELETE OR UPDATE OF advisor_id, status, static_flags, status_changed_at, next_follow_up_at, target_intake
ON cases FOR EACH ROW EXECUTE FUNCTION cases_counted();

-- +goose Down
DROP TRIGGER cases_counted ON cases;
DROP FUNCTION cases_counted();
DROP TABLE case_day_counts;
DROP TABLE case_counts;
