-- Case records as the Ministry and provinces publish them (issue 14).
-- `cases.code` stays the record's own code; `official_code` is the number its
-- authority gave (national `BN1234`, unique nationally) and `local_code` a
-- province's own numbering (unique within the province). Both are stored
-- normalised (upper case, no spaces: `bn 12` → `BN12`).
ALTER TABLE cases ADD COLUMN official_code TEXT;
ALTER TABLE cases ADD COLUMN local_code TEXT;
-- The course as dated: discharged recovered, died (the engine closes the
-- case's transmission window on the earliest of negative test, recovery, death).
ALTER TABLE cases ADD COLUMN recovered_on TEXT;
ALTER TABLE cases ADD COLUMN died_on TEXT;
-- ISO 3166-1 alpha-2 country of an imported case (`XX`: imported, country
-- unknown); NULL when not imported.
ALTER TABLE cases ADD COLUMN import_country TEXT;
CREATE UNIQUE INDEX cases_official_code ON cases(official_code) WHERE official_code IS NOT NULL;
CREATE UNIQUE INDEX cases_local_code ON cases(province_code, local_code) WHERE local_code IS NOT NULL;

-- Every source of a case, each a link of the chain: another case (by record
-- id, never by code text, so renumbering cannot rewire links), a cluster, or a
-- country. `exposure_on` is the day of exposure when known; a chain edge
-- without it is dated by the secondary's confirmation.
CREATE TABLE case_sources (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    source_case_id BIGINT REFERENCES cases(id),
    cluster_id BIGINT REFERENCES clusters(id),
    country TEXT,
    exposure_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX case_sources_case ON case_sources(case_id);
CREATE INDEX case_sources_source ON case_sources(source_case_id);
CREATE INDEX case_sources_cluster ON case_sources(cluster_id);

-- The links recorded so far as text (`source_kind`, `source_ref`).
INSERT INTO case_sources (case_id, kind, source_case_id, created_by, created_at)
    SELECT c.id, 'case', s.id, c.created_by, c.created_at
    FROM cases c JOIN cases s ON s.code = c.source_ref
    WHERE c.source_kind = 'case';
INSERT INTO case_sources (case_id, kind, cluster_id, created_by, created_at)
    SELECT c.id, 'cluster', k.id, c.created_by, c.created_at
    FROM cases c JOIN clusters k ON k.name = c.source_ref AND k.province_code = c.province_code
    WHERE c.source_kind = 'cluster';
INSERT INTO case_sources (case_id, kind, country, created_by, created_at)
    SELECT c.id, 'imported', UPPER(c.source_ref), c.created_by, c.created_at
    FROM cases c WHERE c.source_kind = 'imported' AND c.source_ref IS NOT NULL;
UPDATE cases SET import_country = UPPER(source_ref) WHERE source_kind = 'imported' AND source_ref IS NOT NULL;

-- Published lists are anonymised: a person known only by a case number (the
-- name then holds that number), by an age in years instead of a birth date or
-- year, of unknown sex.
ALTER TABLE persons ADD COLUMN anonymous BIGINT NOT NULL DEFAULT 0;
-- Age in years as given, and the day it was given for (birth_year is then
-- derived from it and marked approximate by this column).
ALTER TABLE persons ADD COLUMN age_years BIGINT;

-- Codes the system made up (`BN<id>`) looked like national numbers and could
-- collide with one; the record's own code is `PD<id>` from now on. Links are
-- rows above, so nothing depends on the old text; the summary follows.
UPDATE cases SET source_ref = 'PD' || substr(source_ref, 3)
    WHERE source_kind = 'case' AND source_ref LIKE 'BN%'
    AND EXISTS (SELECT 1 FROM case_sources s WHERE s.case_id = cases.id AND s.kind = 'case');
UPDATE cases SET code = 'PD' || id WHERE code = 'BN' || id;
