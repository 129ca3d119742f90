-- Failed logins, counted for throttling (issue 16 §3). The audit log keeps
-- each failure; this keeps the counts that decide how long the next attempt
-- waits, per (account, address) (`key` 'u:<user name> <address>', reset by a
-- successful login from there) and per address ('a:<address>'). `refused`
-- counts the attempts refused since the last failure (one throttled burst).
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_at TEXT NOT NULL,
    refused BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX login_throttle_last_failure ON login_throttle(last_failure_at);
