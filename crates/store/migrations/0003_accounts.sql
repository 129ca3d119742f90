-- Accounts, sessions and API tokens; the audit log learns the unit tree so that
-- administrators see the entries of their own jurisdiction.

CREATE TABLE users (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_login_at TEXT
);
CREATE INDEX users_province ON users(province_code);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id {{ID}},
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    role TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

ALTER TABLE audit_log ADD COLUMN province_code TEXT;
ALTER TABLE audit_log ADD COLUMN district_code TEXT;
ALTER TABLE audit_log ADD COLUMN commune_code TEXT;
CREATE INDEX audit_province ON audit_log(province_code, id);
CREATE INDEX audit_action_at ON audit_log(action, at);
