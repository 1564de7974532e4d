-- Saved caseload views: an advisor's (or admin's) named filters and order,
-- one click away. They keep the statuses, flag, advisor choice and order,
-- never the search text, which may be an applicant's name: erasing an
-- applicant must leave nothing of theirs behind.

-- +goose Up
CREATE TABLE saved_views (
    id         VARCHAR(36)  PRIMARY KEY,
    user_id    VARCHAR(36)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       VARCHAR(60)  NOT NULL,
    statuses   VARCHAR(100) NOT NULL,
    flag       VARCHAR(40)  NOT NULL,
    advisor    VARCHAR(36)  NOT NULL,
    sort       VARCHAR(20)  NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    CONSTRAINT saved_views_user_name UNIQUE (user_id, name)
);

-- +goose Down
DROP TABLE saved_views;
