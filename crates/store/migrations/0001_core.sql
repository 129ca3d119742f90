-- Core schema, shared by SQLite and PostgreSQL. {{ID}} is the engine's
-- auto-assigned 64-bit key; times are RFC 3339 UTC text, dates YYYY-MM-DD text,
-- JSON is text: one representation for both engines, one query path.

CREATE TABLE units (
    code TEXT PRIMARY KEY,
    level TEXT NOT NULL,
    parent_code TEXT REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    tree TEXT NOT NULL,
    population BIGINT,
    population_as_of TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_code);
CREATE INDEX units_province ON units(province_code, level);
CREATE INDEX units_district ON units(district_code, level);
CREATE INDEX units_commune ON units(commune_code, level);

CREATE TABLE audit_log (
    id {{ID}},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    unit_code TEXT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_at ON audit_log(at);

CREATE TABLE import_runs (
    id {{ID}},
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    actor TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    rows_total BIGINT NOT NULL DEFAULT 0,
    rows_imported BIGINT NOT NULL DEFAULT 0,
    rows_refused BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE households (
    id {{ID}},
    commune_code TEXT NOT NULL REFERENCES units(code),
    hamlet_code TEXT REFERENCES units(code),
    address TEXT,
    head_person_id BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX households_commune ON households(commune_code);

CREATE TABLE persons (
    id {{ID}},
    full_name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    given_key TEXT NOT NULL,
    birth_date TEXT,
    birth_year BIGINT NOT NULL,
    sex TEXT NOT NULL,
    national_id TEXT,
    phone TEXT,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL REFERENCES units(code),
    hamlet_code TEXT REFERENCES units(code),
    street_address TEXT,
    occupation TEXT,
    workplace TEXT,
    vulnerabilities TEXT NOT NULL DEFAULT '',
    household_id BIGINT REFERENCES households(id),
    import_run_id BIGINT REFERENCES import_runs(id),
    merged_into BIGINT REFERENCES persons(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX persons_national_id ON persons(national_id)
    WHERE national_id IS NOT NULL AND merged_into IS NULL;
CREATE INDEX persons_phone ON persons(phone) WHERE phone IS NOT NULL;
CREATE INDEX persons_dup_block ON persons(commune_code, birth_year, given_key);
CREATE INDEX persons_district ON persons(district_code);
CREATE INDEX persons_province ON persons(province_code);
CREATE INDEX persons_household ON persons(household_id);

-- Every folded word of every person's name: the index behind name search
-- that ignores diacritics and word order.
CREATE TABLE person_name_tokens (
    token TEXT {{BINARY}} NOT NULL,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    PRIMARY KEY (token, person_id)
){{WITHOUT_ROWID}};
CREATE INDEX person_name_tokens_person ON person_name_tokens(person_id);

CREATE TABLE duplicate_candidates (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    other_person_id BIGINT NOT NULL REFERENCES persons(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL,
    resolved_at TEXT
);
CREATE INDEX duplicate_candidates_person ON duplicate_candidates(person_id);
CREATE INDEX duplicate_candidates_other ON duplicate_candidates(other_person_id);

CREATE TABLE person_merges (
    id {{ID}},
    kept_id BIGINT NOT NULL REFERENCES persons(id),
    merged_id BIGINT NOT NULL REFERENCES persons(id),
    repointed_json TEXT NOT NULL,
    merged_at TEXT NOT NULL,
    merged_by TEXT NOT NULL,
    undone_at TEXT,
    undone_by TEXT
);
