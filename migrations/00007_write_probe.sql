-- One row the readiness check rewrites: a small committed write that shows
-- the database can still be written (not full, not read-only) when no other
-- write has happened lately. It holds no data about anyone.

-- +goose Up
CREATE TABLE write_probe (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE write_probe;
