-- Epidemic levels: each commune's vaccination coverage and treatment
-- capacity as entered (kept, the latest as of a week's end is read), the
-- provinces' own rule sets, and the levels published week by week (one row
-- a commune and week, with the criteria it was judged on; never rewritten).

CREATE TABLE commune_coverage (
    id {{ID}},
    unit_code TEXT NOT NULL REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT NOT NULL,
    as_of TEXT NOT NULL,
    adult_one_dose DOUBLE PRECISION,
    elderly_full DOUBLE PRECISION,
    -- 1 met, 0 not met, NULL not assessed.
    capacity_met BIGINT,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE INDEX commune_coverage_unit ON commune_coverage(unit_code, as_of);
CREATE INDEX commune_coverage_province ON commune_coverage(province_code, as_of);

CREATE TABLE level_rules (
    id {{ID}},
    code TEXT NOT NULL UNIQUE,
    province_code TEXT NOT NULL,
    rules_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE epidemic_levels (
    id {{ID}},
    -- The Monday the week starts.
    week_start TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT NOT NULL,
    rule_code TEXT NOT NULL,
    cases BIGINT NOT NULL,
    population BIGINT,
    c1_rate DOUBLE PRECISION,
    c2_met BIGINT NOT NULL,
    c3_met BIGINT,
    -- What the criteria gave (NULL: no population), and what was published.
    proposed BIGINT,
    level BIGINT NOT NULL,
    -- Why the committee set another level than proposed.
    reason TEXT,
    why_vi TEXT NOT NULL,
    why_en TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    UNIQUE (unit_code, week_start)
);
CREATE INDEX epidemic_levels_province ON epidemic_levels(province_code, week_start);
CREATE INDEX epidemic_levels_district ON epidemic_levels(district_code, week_start);

-- A week's community cases by commune (the levels' C1) read from the index
-- alone: the day first, then what the count filters and groups by.
CREATE INDEX cases_confirmed ON cases(confirmed_on, source_kind, detected_where, commune_code);
