-- Lockdown areas (phong tỏa): a whole unit, or a place drawn under a
-- commune (a named place and/or addresses). Lifting sets `lifted_on`; an
-- extension moves `planned_until`; every decision is a row of
-- `lockdown_events`, and nothing is deleted.

CREATE TABLE lockdowns (
    id {{ID}},
    -- The unit locked down, or the commune/hamlet the drawn place lies in.
    unit_code TEXT NOT NULL REFERENCES units(code),
    unit_level TEXT NOT NULL,
    -- The unit's lineage (the hamlet's commune; NULL above the level).
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    hamlet_code TEXT,
    place TEXT,
    -- The folded place ('' for a whole unit): with the unit, what an overlap is judged on.
    place_key TEXT NOT NULL,
    -- The addresses, one a line ('' when none).
    addresses TEXT NOT NULL,
    reason TEXT NOT NULL,
    cluster_id BIGINT REFERENCES clusters(id),
    decision TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    from_on TEXT NOT NULL,
    planned_until TEXT NOT NULL,
    lifted_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX lockdowns_province ON lockdowns(province_code, from_on);
CREATE INDEX lockdowns_unit ON lockdowns(unit_code, place_key);
CREATE INDEX lockdowns_cluster ON lockdowns(cluster_id);

-- The F0 whose cases caused it.
CREATE TABLE lockdown_cases (
    lockdown_id BIGINT NOT NULL REFERENCES lockdowns(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (lockdown_id, case_id)
);
CREATE INDEX lockdown_cases_case ON lockdown_cases(case_id);

-- Each decision: imposed, extended (to `on_day`), lifted (on `on_day`).
CREATE TABLE lockdown_events (
    id {{ID}},
    lockdown_id BIGINT NOT NULL REFERENCES lockdowns(id),
    kind TEXT NOT NULL,
    on_day TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX lockdown_events_lockdown ON lockdown_events(lockdown_id, id);

-- A testing campaign of a lockdown area's people names the area.
ALTER TABLE campaigns ADD COLUMN lockdown_id BIGINT REFERENCES lockdowns(id);
