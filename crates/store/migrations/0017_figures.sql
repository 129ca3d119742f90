-- The rapid reports' figures of each commune, kept as rows (issue 7): what
-- happened on each day (`figure_days`), what stands now (`figure_stocks`),
-- and the days from sample to result of each day's tests
-- (`figure_turnaround`, for exact medians). Triggers on the records (in the
-- engine's own file) append the communes they touch to `figure_changes`; a
-- reader of figures first recomputes the communes listed there within its
-- scope (`Store::refresh_figures`), so what it reads always equals counting
-- the records themselves — a dashboard reads a few thousand rows instead of
-- a province's million records. Capacity (beds, oxygen) and response times
-- are counted from their small tables each time.

-- History entries carry the person's units when they were written (filled
-- by a trigger from the person): "F1 newly traced" counts each F1 where they
-- lived when traced, and a commune's entries are one index range.
ALTER TABLE class_history ADD COLUMN province_code TEXT;
ALTER TABLE class_history ADD COLUMN district_code TEXT;
ALTER TABLE class_history ADD COLUMN commune_code TEXT;
UPDATE class_history SET province_code = (SELECT q.province_code FROM persons q WHERE q.id = class_history.person_id),
    district_code = (SELECT q.district_code FROM persons q WHERE q.id = class_history.person_id),
    commune_code = (SELECT q.commune_code FROM persons q WHERE q.id = class_history.person_id);
CREATE INDEX class_history_commune ON class_history(commune_code, level, at, person_id);
CREATE INDEX class_history_district ON class_history(district_code, level, at, person_id);
CREATE INDEX class_history_province ON class_history(province_code, level, at, person_id);

CREATE TABLE figure_days (
    commune_code TEXT NOT NULL,
    day TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    f0_new BIGINT NOT NULL DEFAULT 0,
    f0_new_community BIGINT NOT NULL DEFAULT 0,
    f0_new_quarantine BIGINT NOT NULL DEFAULT 0,
    f0_new_imported BIGINT NOT NULL DEFAULT 0,
    f0_recovered BIGINT NOT NULL DEFAULT 0,
    f0_deceased BIGINT NOT NULL DEFAULT 0,
    f1_new BIGINT NOT NULL DEFAULT 0,
    quarantine_released BIGINT NOT NULL DEFAULT 0,
    samples_taken BIGINT NOT NULL DEFAULT 0,
    tests_done BIGINT NOT NULL DEFAULT 0,
    tests_positive BIGINT NOT NULL DEFAULT 0,
    tests_negative BIGINT NOT NULL DEFAULT 0,
    alerts_raised BIGINT NOT NULL DEFAULT 0,
    alerts_escalated BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (commune_code, day)
);
CREATE INDEX figure_days_province ON figure_days(province_code, day);
CREATE INDEX figure_days_district ON figure_days(district_code, day);

CREATE TABLE figure_stocks (
    commune_code TEXT PRIMARY KEY,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    f0_home BIGINT NOT NULL DEFAULT 0,
    f0_hospital BIGINT NOT NULL DEFAULT 0,
    f1 BIGINT NOT NULL DEFAULT 0,
    f2 BIGINT NOT NULL DEFAULT 0,
    f3 BIGINT NOT NULL DEFAULT 0,
    f4 BIGINT NOT NULL DEFAULT 0,
    f1_reviewed BIGINT NOT NULL DEFAULT 0,
    f1_quarantined BIGINT NOT NULL DEFAULT 0,
    f1_sampled BIGINT NOT NULL DEFAULT 0,
    f1_negative BIGINT NOT NULL DEFAULT 0,
    f1_positive BIGINT NOT NULL DEFAULT 0,
    f1_pending BIGINT NOT NULL DEFAULT 0,
    quarantine_centralised BIGINT NOT NULL DEFAULT 0,
    quarantine_home BIGINT NOT NULL DEFAULT 0,
    alerts_open BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX figure_stocks_province ON figure_stocks(province_code);
CREATE INDEX figure_stocks_district ON figure_stocks(district_code);

-- Tests of individual samples with a result on `day` (Vietnam's day), by
-- the whole days from sample to result.
CREATE TABLE figure_turnaround (
    commune_code TEXT NOT NULL,
    day TEXT NOT NULL,
    days_taken BIGINT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    tests BIGINT NOT NULL,
    PRIMARY KEY (commune_code, day, days_taken)
);
CREATE INDEX figure_turnaround_province ON figure_turnaround(province_code, day);
CREATE INDEX figure_turnaround_district ON figure_turnaround(district_code, day);

-- Communes whose records changed since their rows were computed: appended
-- by the triggers (never updated, so writers never wait on each other
-- here), removed by the refresh that recomputed them.
CREATE TABLE figure_changes (
    id {{ID}},
    commune_code TEXT NOT NULL
);
CREATE INDEX figure_changes_commune ON figure_changes(commune_code);
-- People whose samples or orders changed: the F1 follow-up counts them where
-- they are classed, which the refresh looks up in its own snapshot (a
-- trigger could not see a class change another writer has not committed).
CREATE TABLE figure_person_changes (
    id {{ID}},
    person_id BIGINT NOT NULL
);

-- Nothing is computed yet: every commune is to be counted on first read.
INSERT INTO figure_changes (commune_code) SELECT code FROM units WHERE level = 'commune';
