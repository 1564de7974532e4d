-- The original file of an uploaded work sample, byte for byte, beside the
-- text extracted from it (work_samples.description). It lives in the
-- database rather than on disk so a backup holds it and erasing an
-- applicant removes it in the same transaction: deleting the work sample
-- deletes its file (ON DELETE CASCADE). BYTEA is PostgreSQL's binary type;
-- SQLite accepts the name and stores the bytes as a BLOB.

-- +goose Up
CREATE TABLE work_sample_files (
    work_sample_id VARCHAR(36)  PRIMARY KEY REFERENCES work_samples (id) ON DELETE CASCADE,
    content_type   VARCHAR(100) NOT NULL,
    size           INTEGER      NOT NULL,
    content        BYTEA        NOT NULL,
    created_at     TIMESTAMP    NOT NULL
);

-- +goose Down
DROP TABLE work_sample_files;
