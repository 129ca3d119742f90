-- Figures as they stood on any day (issue 15). Stocks (F0 in treatment,
-- F1–F4, quarantine, follow-up, open alerts) are kept as their change on
-- each day in `figure_days`, so a stock at the end of day D is the sum of
-- its changes up to D; they are computed from records dated by when things
-- happened: each case's course with the day each step began
-- (`case_courses`), and each person's classes with the days they held
-- (`class_periods`).

-- A case's course, step by step: `home`, `hospital`, `icu`, `unplaced` (in
-- treatment, the place not recorded — a published list that gives only the
-- recovery), `recovered`, `deceased`, `transferred_out`, from `from_on`
-- until the next step. The case's units, for the figures' triggers.
CREATE TABLE case_courses (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    course TEXT NOT NULL,
    from_on TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX case_courses_case ON case_courses(case_id, from_on, id);
CREATE INDEX case_courses_commune ON case_courses(commune_code, case_id);

-- What was known before: a case in treatment was there since its
-- confirmation; a closed one was treated (in hospital when one is named,
-- else at a place not recorded) until the day its course ended — its
-- recovery, negative test or death, else the day it was last changed.
INSERT INTO case_courses (case_id, course, from_on, province_code, district_code, commune_code, recorded_at)
SELECT c.id, CASE WHEN c.course IN ('home', 'hospital', 'icu') THEN c.course
    WHEN c.hospital IS NOT NULL AND c.hospital <> '' THEN 'hospital' ELSE 'unplaced' END,
    c.confirmed_on, c.province_code, c.district_code, c.commune_code, c.updated_at FROM cases c;
INSERT INTO case_courses (case_id, course, from_on, province_code, district_code, commune_code, recorded_at)
SELECT c.id, c.course, COALESCE(c.recovered_on, c.died_on, c.negative_on, SUBSTR(c.updated_at, 1, 10)),
    c.province_code, c.district_code, c.commune_code, c.updated_at
FROM cases c WHERE c.course IN ('recovered', 'deceased', 'transferred_out');

-- The classes F1–F4 a person held, each from its first day (the exposure)
-- to its last (the end of its own period; NULL: open), where the person
-- lived when classed. Written with `person_classes` by the same write.
CREATE TABLE class_periods (
    id {{ID}},
    person_id BIGINT NOT NULL,
    level BIGINT NOT NULL,
    from_on TEXT NOT NULL,
    to_on TEXT,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL
);
CREATE INDEX class_periods_person ON class_periods(person_id, from_on);
CREATE INDEX class_periods_commune ON class_periods(commune_code, level, from_on);
CREATE INDEX class_periods_district ON class_periods(district_code, level, from_on);
CREATE INDEX class_periods_province ON class_periods(province_code, level, from_on);
-- The classes held now, open until their next change (their last day was
-- not kept before).
INSERT INTO class_periods (person_id, level, from_on, to_on, province_code, district_code, commune_code)
SELECT k.person_id, k.level, k.since_on, NULL, k.province_code, k.district_code, k.commune_code
FROM person_classes k WHERE k.level > 0;

-- The stocks' daily changes beside the flows; the stocks of now go.
ALTER TABLE figure_days ADD COLUMN f0_new_other_province BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f0_active BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f0_home BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f0_hospital BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f0_icu BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f0_unplaced BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f1 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f2 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f3 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f4 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f1_reviewed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f1_quarantined BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f1_sampled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f1_negative BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f1_positive BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN f1_pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN quarantine_centralised BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN quarantine_home BIGINT NOT NULL DEFAULT 0;
ALTER TABLE figure_days ADD COLUMN alerts_open BIGINT NOT NULL DEFAULT 0;
DROP TABLE figure_stocks;

-- Everything is counted again on first read.
INSERT INTO figure_changes (commune_code) SELECT code FROM units WHERE level = 'commune';
