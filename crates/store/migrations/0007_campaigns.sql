-- Testing campaigns: a target group in a unit, sampled by rounds against a
-- deadline. Each round keeps the people it targeted when it began; progress
-- is read from their samples taken during the round.

CREATE TABLE campaigns (
    id {{ID}},
    name TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    -- `f1` (all F1 in the unit), `unit` (everyone living there), `list`.
    target_kind TEXT NOT NULL,
    pool_size BIGINT NOT NULL,
    -- Days between rounds; NULL for a single round.
    every_days BIGINT,
    teams TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX campaigns_unit ON campaigns(unit_code);

CREATE TABLE campaign_rounds (
    id {{ID}},
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    round_no BIGINT NOT NULL,
    starts_on TEXT NOT NULL,
    -- Local time, `yyyy-mm-dd HH:MM`.
    deadline TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (campaign_id, round_no)
);

CREATE TABLE campaign_targets (
    round_id BIGINT NOT NULL REFERENCES campaign_rounds(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    hamlet_code TEXT,
    PRIMARY KEY (round_id, person_id)
);
CREATE INDEX campaign_targets_commune ON campaign_targets(round_id, commune_code);

ALTER TABLE samples ADD COLUMN campaign_id BIGINT REFERENCES campaigns(id);
ALTER TABLE pools ADD COLUMN campaign_id BIGINT REFERENCES campaigns(id);

-- Settings a province administrator chooses, e.g. whether a positive result
-- confirms an F0 at once or after a health officer's review.
CREATE TABLE province_settings (
    province_code TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (province_code, name)
);

-- A positive result waiting for review before it confirms an F0:
-- NULL (no review needed), `pending`, `confirmed` or `dismissed`.
ALTER TABLE test_results ADD COLUMN review TEXT;
ALTER TABLE test_results ADD COLUMN reviewed_by TEXT;
ALTER TABLE test_results ADD COLUMN reviewed_at TEXT;
CREATE INDEX test_results_review ON test_results(review);
