-- Places people are quarantined or treated in: centralised sites, field
-- hospitals and hospitals, with beds by type; admissions and discharges.

CREATE TABLE places (
    id {{ID}},
    name TEXT NOT NULL,
    -- `centralised`, `field_hospital` or `hospital`.
    kind TEXT NOT NULL,
    address TEXT,
    oxygen_points BIGINT NOT NULL,
    staff BIGINT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX places_commune ON places(commune_code);
CREATE INDEX places_district ON places(district_code);
CREATE INDEX places_province ON places(province_code);

CREATE TABLE place_beds (
    place_id BIGINT NOT NULL REFERENCES places(id),
    -- `regular`, `oxygen` or `icu`.
    bed_type TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    PRIMARY KEY (place_id, bed_type)
);

CREATE TABLE admissions (
    id {{ID}},
    place_id BIGINT NOT NULL REFERENCES places(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    bed_type TEXT NOT NULL,
    admitted_on TEXT NOT NULL,
    discharged_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX admissions_place ON admissions(place_id, discharged_on);
CREATE INDEX admissions_person ON admissions(person_id, id);
