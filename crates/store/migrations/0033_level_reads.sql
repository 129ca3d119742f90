-- What the week's levels read without counting the records each time
-- (issue 20, BENCHMARKS.md "Epidemic levels").
--
-- `community_case_weeks`: each commune's community cases of each week (the
-- levels' C1 and the rapid report's definition: not imported, not from
-- another province, not found in quarantine), by where the case was found,
-- the week starting on Monday. Kept by triggers on `cases` (insert, delete,
-- and an update of any column the count depends on) in the engine's own
-- file, and filled here from the cases already recorded; a commune whose
-- cases were all moved away keeps a row of 0.
CREATE TABLE community_case_weeks (
    week_start TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    community BIGINT NOT NULL,
    PRIMARY KEY (week_start, commune_code)
){{WITHOUT_ROWID}};
CREATE INDEX community_case_weeks_province ON community_case_weeks(province_code, week_start);

-- A week's published levels, the country's or a province's, read from the
-- index alone (the unique key starts with the commune: a week's read
-- scanned every week ever published).
CREATE INDEX epidemic_levels_week ON epidemic_levels(week_start, unit_code, level, reason);

-- The coverage entered up to a week's end, the country's, from the index alone.
CREATE INDEX commune_coverage_as_of ON commune_coverage(as_of, unit_code, id, adult_one_dose, elderly_full, capacity_met);

-- A counter that moves with every write to `units` (triggers in the engine's
-- own file): a reader keeping the communes in memory compares it before use.
CREATE TABLE units_version (
    id BIGINT PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO units_version (id, n) VALUES (1, 0);
