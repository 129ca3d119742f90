-- Quarantine: a province's own rule sets (the national ones ship in code),
-- versioned; and quarantine orders, each keeping the rule it was computed
-- from, so a later rule never rewrites a running order.

CREATE TABLE quarantine_rules (
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    province_code TEXT NOT NULL,
    -- The rule as JSON (`domain::quarantine::QuarantineRule`).
    rule_json TEXT NOT NULL,
    -- 0 once a newer version replaces it.
    current BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX quarantine_rules_province ON quarantine_rules(province_code, current);

CREATE TABLE quarantine_orders (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    situation TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Where: a site's name and bed, or the home address.
    place TEXT,
    rule_code TEXT NOT NULL,
    rule_json TEXT NOT NULL,
    start_on TEXT NOT NULL,
    planned_end TEXT NOT NULL,
    monitoring_end TEXT NOT NULL,
    -- Comma-separated `yyyy-mm-dd`.
    test_days TEXT NOT NULL,
    -- `active`, `released` or `cancelled`.
    status TEXT NOT NULL,
    released_on TEXT,
    extension_reason TEXT,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    hamlet_code TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX quarantine_orders_person ON quarantine_orders(person_id, id);
CREATE INDEX quarantine_orders_commune ON quarantine_orders(commune_code, status);
CREATE INDEX quarantine_orders_district ON quarantine_orders(district_code, status);
CREATE INDEX quarantine_orders_province ON quarantine_orders(province_code, status);
