-- Testing: samples (individual, or members of a pool), pools, and lab results.
-- A pool's members are its samples; a result names a sample or a pool by code.

CREATE TABLE pools (
    id {{ID}},
    code TEXT NOT NULL UNIQUE,
    household BIGINT NOT NULL,
    specimen TEXT NOT NULL,
    collected_on TEXT NOT NULL,
    lab TEXT,
    status TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX pools_commune ON pools(commune_code);
CREATE INDEX pools_district ON pools(district_code);
CREATE INDEX pools_province ON pools(province_code);

CREATE TABLE samples (
    id {{ID}},
    code TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    pool_id BIGINT REFERENCES pools(id),
    specimen TEXT NOT NULL,
    collected_on TEXT NOT NULL,
    collected_where TEXT,
    lab TEXT,
    status TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX samples_person ON samples(person_id, id);
CREATE INDEX samples_pool ON samples(pool_id);
CREATE INDEX samples_commune ON samples(commune_code, status);
CREATE INDEX samples_district ON samples(district_code, status);
CREATE INDEX samples_province ON samples(province_code, status);

CREATE TABLE test_results (
    id {{ID}},
    code TEXT NOT NULL,
    test_kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    ct TEXT NOT NULL,
    resulted_on TEXT NOT NULL,
    lab TEXT,
    sample_id BIGINT REFERENCES samples(id),
    pool_id BIGINT REFERENCES pools(id),
    case_id BIGINT REFERENCES cases(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- The same result sent twice (a lab file imported again) is recorded once.
CREATE UNIQUE INDEX test_results_once ON test_results(code, test_kind, outcome, resulted_on);
CREATE INDEX test_results_sample ON test_results(sample_id);
CREATE INDEX test_results_pool ON test_results(pool_id);
