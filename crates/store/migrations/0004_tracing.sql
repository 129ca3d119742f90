-- Cases (F0), contacts, isolation/release, and the classes the engine derives.
-- Booleans are 0/1 integers on both engines.

CREATE TABLE cases (
    id {{ID}},
    code TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    confirmed_on TEXT NOT NULL,
    sample_on TEXT,
    onset_on TEXT,
    test_kind TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source_ref TEXT,
    course TEXT NOT NULL,
    hospital TEXT,
    detected_where TEXT NOT NULL,
    negative_on TEXT,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX cases_person ON cases(person_id);
CREATE INDEX cases_commune ON cases(commune_code);
CREATE INDEX cases_district ON cases(district_code);
CREATE INDEX cases_province ON cases(province_code);

CREATE TABLE contacts (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    other_person_id BIGINT NOT NULL REFERENCES persons(id),
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    setting TEXT NOT NULL,
    distance_m DOUBLE PRECISION,
    duration_min BIGINT,
    masked BIGINT NOT NULL,
    body_contact BIGINT NOT NULL,
    caregiving BIGINT NOT NULL,
    protective_equipment BIGINT NOT NULL,
    closed_space BIGINT NOT NULL,
    qualifies BIGINT NOT NULL,
    why_vi TEXT NOT NULL,
    why_en TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX contacts_person ON contacts(person_id);
CREATE INDEX contacts_other ON contacts(other_person_id);

CREATE TABLE person_status (
    person_id BIGINT PRIMARY KEY REFERENCES persons(id),
    isolated_from TEXT,
    released_on TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE person_classes (
    person_id BIGINT PRIMARY KEY REFERENCES persons(id),
    level BIGINT NOT NULL,
    since_on TEXT NOT NULL,
    via_f0 BIGINT NOT NULL,
    path TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX person_classes_commune ON person_classes(commune_code, level);
CREATE INDEX person_classes_district ON person_classes(district_code, level);
CREATE INDEX person_classes_province ON person_classes(province_code, level);
CREATE INDEX person_classes_via ON person_classes(via_f0);

CREATE TABLE class_history (
    id {{ID}},
    person_id BIGINT NOT NULL,
    at TEXT NOT NULL,
    level BIGINT,
    since_on TEXT,
    via_f0 BIGINT,
    path TEXT,
    cause TEXT NOT NULL
);
CREATE INDEX class_history_person ON class_history(person_id, id);

-- Clusters (ổ dịch): a market, a hospital, a factory, a village, a flight…
CREATE TABLE clusters (
    id {{ID}},
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT,
    unit_code TEXT NOT NULL REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX clusters_province ON clusters(province_code);
CREATE INDEX clusters_name ON clusters(name_folded);

-- An id like every table a merge re-points (it records the rows it moved).
CREATE TABLE cluster_members (
    id {{ID}},
    cluster_id BIGINT NOT NULL REFERENCES clusters(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    added_at TEXT NOT NULL
);
CREATE UNIQUE INDEX cluster_members_pair ON cluster_members(cluster_id, person_id);
CREATE INDEX cluster_members_person ON cluster_members(person_id);
