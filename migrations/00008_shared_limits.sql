-- Sign-in lockouts and the per-address limits on register and login, kept in
-- the database so that every instance serving the office counts the same
-- attempts (ADR 11). Neither table holds an email or an address: keys are
-- keyed hashes (HMAC-SHA256 under a key derived from the signing secret).
-- Times are Unix microseconds in BIGINT, because the limits do arithmetic on
-- them and time arithmetic is not portable SQL.

-- +goose Up
-- One row per failed sign-in (or attempt being checked) of an email within
-- the 15-minute window: the lockout is an exact sliding window, at most ten
-- failures counting at any time. Rows past the window are purged.
CREATE TABLE login_failures (
    id       VARCHAR(36) PRIMARY KEY,
    key_hash VARCHAR(64) NOT NULL,
    at       BIGINT      NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (key_hash, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

-- One row per (limit, client address): a token bucket kept as its
-- theoretical arrival time (GCRA), updated by one atomic upsert. A row
-- whose tat has passed is a full bucket, so such rows are purged.
CREATE TABLE auth_limits (
    scope    VARCHAR(16) NOT NULL,
    key_hash VARCHAR(64) NOT NULL,
    tat      BIGINT      NOT NULL,
    allowed  BOOLEAN     NOT NULL DEFAULT TRUE,
    PRIMARY KEY (scope, key_hash)
);
CREATE INDEX auth_limits_tat_idx ON auth_limits (tat);

-- +goose Down
DROP TABLE auth_limits;
DROP TABLE login_failures;
