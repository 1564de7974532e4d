-- The office's schema. Portable SQL: it runs on SQLite now and PostgreSQL later.
-- Timestamps are UTC; IDs are UUIDv7 strings, so ordering by id follows creation time.

-- +goose Up
CREATE TABLE users (
    id            VARCHAR(36)  PRIMARY KEY,
    email         VARCHAR(320) NOT NULL,
    full_name     VARCHAR(200) NOT NULL,
    role          VARCHAR(16)  NOT NULL CHECK (role IN ('applicant', 'advisor', 'admin')),
    password_hash VARCHAR(255) NOT NULL,
    disabled      BOOLEAN      NOT NULL DEFAULT FALSE,
    token_version INTEGER      NOT NULL DEFAULT 0,
    created_at    TIMESTAMP    NOT NULL,
    updated_at    TIMESTAMP    NOT NULL
);
-- Emails are stored trimmed and lower-cased, so a plain unique index enforces
-- case-insensitive uniqueness.
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_role_id_idx ON users (role, id);

CREATE TABLE profiles (
    applicant_id         VARCHAR(36)  PRIMARY KEY REFERENCES users (id),
    years_experience     INTEGER      NULL,
    sector               VARCHAR(32)  NULL,
    responsibilities     TEXT         NOT NULL DEFAULT '[]',
    target_role          VARCHAR(500) NULL,
    programme_interest   VARCHAR(32)  NULL,
    study_mode           VARCHAR(16)  NULL,
    target_intake        VARCHAR(7)   NULL,
    sa_strategic_thinking    INTEGER NULL,
    sa_problem_solving       INTEGER NULL,
    sa_communication         INTEGER NULL,
    sa_team_building         INTEGER NULL,
    sa_adaptability          INTEGER NULL,
    sa_ethical_data_driven_decision_making INTEGER NULL,
    has_self_assessment  BOOLEAN      NOT NULL DEFAULT FALSE,
    updated_at           TIMESTAMP    NULL
);

-- One case per applicant. The evidence counters are kept in step with the
-- case's work samples inside the same transaction as every sample change,
-- so the caseload list needs no per-row counting.
CREATE TABLE cases (
    id                  VARCHAR(36) PRIMARY KEY,
    applicant_id        VARCHAR(36) NOT NULL REFERENCES users (id),
    advisor_id          VARCHAR(36) NULL REFERENCES users (id),
    status              VARCHAR(32) NOT NULL CHECK (status IN ('new', 'evidence_collection', 'under_review', 'recommended', 'closed')),
    status_changed_at   TIMESTAMP   NOT NULL,
    next_follow_up_at   TIMESTAMP   NULL,
    rec_pathway         VARCHAR(32) NULL,
    rec_rationale       TEXT        NULL,
    rec_decided_by      VARCHAR(36) NULL REFERENCES users (id),
    rec_decided_at      TIMESTAMP   NULL,
    ws_total            INTEGER     NOT NULL DEFAULT 0,
    ws_tm               INTEGER     NOT NULL DEFAULT 0,
    ws_em               INTEGER     NOT NULL DEFAULT 0,
    ws_hybrid           INTEGER     NOT NULL DEFAULT 0,
    ws_insufficient     INTEGER     NOT NULL DEFAULT 0,
    version             INTEGER     NOT NULL DEFAULT 1,
    created_at          TIMESTAMP   NOT NULL,
    updated_at          TIMESTAMP   NOT NULL
);
CREATE UNIQUE INDEX cases_applicant_key ON cases (applicant_id);
-- Caseload pages: an advisor's cases (or all cases) in each sort order, keyset by id.
CREATE INDEX cases_advisor_updated_idx ON cases (advisor_id, updated_at, id);
CREATE INDEX cases_advisor_created_idx ON cases (advisor_id, created_at, id);
CREATE INDEX cases_advisor_follow_up_idx ON cases (advisor_id, next_follow_up_at, id);
CREATE INDEX cases_advisor_status_updated_idx ON cases (advisor_id, status, updated_at, id);
CREATE INDEX cases_updated_idx ON cases (updated_at, id);
CREATE INDEX cases_created_idx ON cases (created_at, id);
CREATE INDEX cases_follow_up_idx ON cases (next_follow_up_at, id);
CREATE INDEX cases_status_updated_idx ON cases (status, updated_at, id);

CREATE TABLE work_samples (
    id                 VARCHAR(36)  PRIMARY KEY,
    applicant_id       VARCHAR(36)  NOT NULL REFERENCES users (id),
    case_id            VARCHAR(36)  NOT NULL REFERENCES cases (id),
    title              VARCHAR(200) NOT NULL,
    description        TEXT         NOT NULL,
    source             VARCHAR(8)   NOT NULL CHECK (source IN ('text', 'upload')),
    filename           VARCHAR(255) NULL,
    label              VARCHAR(32)  NOT NULL,
    deliverable_type   VARCHAR(32)  NOT NULL,
    indicators_tm      TEXT         NOT NULL DEFAULT '[]',
    indicators_em      TEXT         NOT NULL DEFAULT '[]',
    rationale          TEXT         NOT NULL,
    classifier_version VARCHAR(32)  NOT NULL,
    override_label     VARCHAR(32)  NULL,
    override_reason    TEXT         NULL,
    override_by        VARCHAR(36)  NULL REFERENCES users (id),
    override_at        TIMESTAMP    NULL,
    created_at         TIMESTAMP    NOT NULL,
    updated_at         TIMESTAMP    NOT NULL
);
CREATE INDEX work_samples_applicant_idx ON work_samples (applicant_id, id);
CREATE INDEX work_samples_case_idx ON work_samples (case_id, id);

CREATE TABLE notes (
    id         VARCHAR(36) PRIMARY KEY,
    case_id    VARCHAR(36) NOT NULL REFERENCES cases (id),
    author_id  VARCHAR(36) NOT NULL REFERENCES users (id),
    body       TEXT        NOT NULL,
    visibility VARCHAR(8)  NOT NULL CHECK (visibility IN ('private', 'shared')),
    created_at TIMESTAMP   NOT NULL,
    updated_at TIMESTAMP   NOT NULL
);
CREATE INDEX notes_case_idx ON notes (case_id, id);

-- The audit trail has no foreign keys: it outlives what it describes.
CREATE TABLE audit_events (
    id          VARCHAR(36) PRIMARY KEY,
    at          TIMESTAMP   NOT NULL,
    actor_id    VARCHAR(36) NULL,
    actor_role  VARCHAR(16) NULL,
    action      VARCHAR(64) NOT NULL,
    entity_type VARCHAR(32) NOT NULL,
    entity_id   VARCHAR(36) NOT NULL,
    case_id     VARCHAR(36) NULL
);
CREATE INDEX audit_events_case_idx ON audit_events (case_id, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE notes;
DROP TABLE work_samples;
DROP TABLE cases;
DROP TABLE profiles;
DROP TABLE users;
