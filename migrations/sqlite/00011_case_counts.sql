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
-- Triggers keep both in the transaction of every insert, update and delete
-- of a case, whichever code makes it. A trigger's rows are written in key
-- order so that two PostgreSQL transactions meet their locks in one order;
-- rows whose net change is zero are not written. This file and its twin in
-- ../postgres/ must say the same thing.

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

INSERT INTO case_counts (advisor_id, status, static_flags, n)
    SELECT COALESCE(advisor_id, ''), status, static_flags, COUNT(*) FROM cases
    GROUP BY COALESCE(advisor_id, ''), status, static_flags;
INSERT INTO case_day_counts (kind, advisor_id, day, n)
    SELECT 'follow_up', COALESCE(advisor_id, ''), substr(next_follow_up_at, 1, 10), COUNT(*) FROM cases
    WHERE next_follow_up_at IS NOT NULL AND status <> 'closed'
    GROUP BY COALESCE(advisor_id, ''), substr(next_follow_up_at, 1, 10);
INSERT INTO case_day_counts (kind, advisor_id, day, n)
    SELECT 'evidence_collection', COALESCE(advisor_id, ''), substr(status_changed_at, 1, 10), COUNT(*) FROM cases
    WHERE status = 'evidence_collection'
    GROUP BY COALESCE(advisor_id, ''), substr(status_changed_at, 1, 10);
INSERT INTO case_day_counts (kind, advisor_id, day, n)
    SELECT 'intake', COALESCE(advisor_id, ''), target_intake, COUNT(*) FROM cases
    WHERE target_intake IS NOT NULL
    GROUP BY COALESCE(advisor_id, ''), target_intake;

-- +goose StatementBegin
CREATE TRIGGER cases_counted_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_counts (advisor_id, status, static_flags, n)
        SELECT COALESCE(NEW.advisor_id, ''), NEW.status, NEW.static_flags, 1 WHERE true
        ON CONFLICT (advisor_id, status, static_flags) DO UPDATE SET n = case_counts.n + excluded.n;
    INSERT INTO case_day_counts (kind, advisor_id, day, n)
        SELECT kind, advisor_id, day, 1 FROM (
            SELECT 'evidence_collection' AS kind, COALESCE(NEW.advisor_id, '') AS advisor_id,
                substr(NEW.status_changed_at, 1, 10) AS day WHERE NEW.status = 'evidence_collection'
            UNION ALL SELECT 'follow_up', COALESCE(NEW.advisor_id, ''), substr(NEW.next_follow_up_at, 1, 10)
                WHERE NEW.next_follow_up_at IS NOT NULL AND NEW.status <> 'closed'
            UNION ALL SELECT 'intake', COALESCE(NEW.advisor_id, ''), NEW.target_intake
                WHERE NEW.target_intake IS NOT NULL)
        WHERE true ORDER BY kind, advisor_id, day
        ON CONFLICT (kind, advisor_id, day) DO UPDATE SET n = case_day_counts.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cases_counted_delete AFTER DELETE ON cases BEGIN
    INSERT INTO case_counts (advisor_id, status, static_flags, n)
        SELECT COALESCE(OLD.advisor_id, ''), OLD.status, OLD.static_flags, -1 WHERE true
        ON CONFLICT (advisor_id, status, static_flags) DO UPDATE SET n = case_counts.n + excluded.n;
    INSERT INTO case_day_counts (kind, advisor_id, day, n)
        SELECT kind, advisor_id, day, -1 FROM (
            SELECT 'evidence_collection' AS kind, COALESCE(OLD.advisor_id, '') AS advisor_id,
                substr(OLD.status_changed_at, 1, 10) AS day WHERE OLD.status = 'evidence_collection'
            UNION ALL SELECT 'follow_up', COALESCE(OLD.advisor_id, ''), substr(OLD.next_follow_up_at, 1, 10)
                WHERE OLD.next_follow_up_at IS NOT NULL AND OLD.status <> 'closed'
            UNION ALL SELECT 'intake', COALESCE(OLD.advisor_id, ''), OLD.target_intake
                WHERE OLD.target_intake IS NOT NULL)
        WHERE true ORDER BY kind, advisor_id, day
        ON CONFLICT (kind, advisor_id, day) DO UPDATE SET n = case_day_counts.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cases_counted_update
AFTER UPDATE OF advisor_id, status, static_flags, status_changed_at, next_follow_up_at, target_intake ON cases BEGIN
    INSERT INTO case_counts (advisor_id, status, static_flags, n)
        SELECT advisor_id, status, static_flags, SUM(d) FROM (
            SELECT COALESCE(OLD.advisor_id, '') AS advisor_id, OLD.status AS status, OLD.static_flags AS static_flags, -1 AS d
            UNION ALL SELECT COALESCE(NEW.advisor_id, ''), NEW.status, NEW.static_flags, 1)
        WHERE true GROUP BY advisor_id, status, static_flags HAVING SUM(d) <> 0 ORDER BY advisor_id, status, static_flags
        ON CONFLICT (advisor_id, status, static_flags) DO UPDATE SET n = case_counts.n + excluded.n;
    INSERT INTO case_day_counts (kind, advisor_id, day, n)
        SELECT kind, advisor_id, day, SUM(d) FROM (
            SELECT 'evidence_collection' AS kind, COALESCE(OLD.advisor_id, '') AS advisor_id,
                substr(OLD.status_changed_at, 1, 10) AS day, -1 AS d WHERE OLD.status = 'evidence_collection'
            UNION ALL SELECT 'follow_up', COALESCE(OLD.advisor_id, ''), substr(OLD.next_follow_up_at, 1, 10), -1
                WHERE OLD.next_follow_up_at IS NOT NULL AND OLD.status <> 'closed'
            UNION ALL SELECT 'intake', COALESCE(OLD.advisor_id, ''), OLD.target_intake, -1
                WHERE OLD.target_intake IS NOT NULL
            UNION ALL SELECT 'evidence_collection', COALESCE(NEW.advisor_id, ''), substr(NEW.status_changed_at, 1, 10), 1
                WHERE NEW.status = 'evidence_collection'
            UNION ALL SELECT 'follow_up', COALESCE(NEW.advisor_id, ''), substr(NEW.next_follow_up_at, 1, 10), 1
                WHERE NEW.next_follow_up_at IS NOT NULL AND NEW.status <> 'closed'
            UNION ALL SELECT 'intake', COALESCE(NEW.advisor_id, ''), NEW.target_intake, 1
                WHERE NEW.target_intake IS NOT NULL)
        WHERE true GROUP BY kind, advisor_id, day HAVING SUM(d) <> 0 ORDER BY kind, advisor_id, day
        ON CONFLICT (kind, advisor_id, day) DO UPDATE SET n = case_day_counts.n + excluded.n;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER cases_counted_update;
DROP TRIGGER cases_counted_delete;
DROP TRIGGER cases_counted_insert;
DROP TABLE case_day_counts;
DROP TABLE case_counts;
