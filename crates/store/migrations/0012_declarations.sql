-- Daily health declarations of people in quarantine, and the personal links
-- (and short codes) through which a person declares, or records vital signs
-- at home, from a phone without an account.

CREATE TABLE health_declarations (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES quarantine_orders(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    -- The day declared for, `yyyy-mm-dd`; one declaration per order and day
    -- (a second one replaces the first).
    day TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    -- °C, a tenth of a degree; NULL when not measured.
    temperature DOUBLE PRECISION,
    -- Symptom codes (`domain::declaration::SYMPTOMS`), comma-separated.
    symptoms TEXT NOT NULL,
    contact_with_f0 BIGINT NOT NULL,
    note TEXT,
    -- 1 with fever or any symptom: on the day's "sample them" list.
    flagged BIGINT NOT NULL,
    -- An account name, or `link:<id>` for the person through a personal link.
    recorded_by TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL
);
CREATE UNIQUE INDEX health_declarations_order_day ON health_declarations(order_id, day);
CREATE INDEX health_declarations_person ON health_declarations(person_id);
CREATE INDEX health_declarations_commune ON health_declarations(commune_code, day);
CREATE INDEX health_declarations_district ON health_declarations(district_code, day);
CREATE INDEX health_declarations_province ON health_declarations(province_code, day);

CREATE TABLE personal_links (
    id {{ID}},
    -- Exactly one of the two.
    order_id BIGINT REFERENCES quarantine_orders(id),
    treatment_id BIGINT REFERENCES home_treatments(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    -- SHA-256 (hex) of the 256-bit token in the link, and of the short code.
    token_hash TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    -- The team's phone, shown on the person's page.
    contact_phone TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_by TEXT,
    revoked_at TEXT,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    CHECK ((order_id IS NULL) <> (treatment_id IS NULL))
);
CREATE UNIQUE INDEX personal_links_token ON personal_links(token_hash);
CREATE UNIQUE INDEX personal_links_code ON personal_links(code_hash);
CREATE INDEX personal_links_order ON personal_links(order_id);
CREATE INDEX personal_links_treatment ON personal_links(treatment_id);
CREATE INDEX personal_links_person ON personal_links(person_id);
