-- Server-side sessions. Every access token names one row (its sid claim);
-- authentication reads the row together with its user, so deleting a row
-- ends that token at once (sign-out), and deleting a user's rows ends all
-- of them (disable, password change). A re-enabled user's old tokens name
-- rows that no longer exist, so they never come back.
-- Rows hold no personal data. Expired rows are deleted as their user signs
-- in again.

-- +goose Up
CREATE TABLE sessions (
    id         VARCHAR(36) PRIMARY KEY,
    user_id    VARCHAR(36) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP   NOT NULL,
    expires_at TIMESTAMP   NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id, expires_at);

-- +goose Down
DROP TABLE sessions;
