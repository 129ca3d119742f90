-- Distancing directives applied to areas (a unit, for a period, by a
-- decision; ended early by another, never deleted), and travel permits
-- (giấy đi đường) issued under Directive 16, checked at checkpoints (each
-- check kept), revocable.

CREATE TABLE directive_areas (
    id {{ID}},
    -- `15`, `16` or `19`.
    directive TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    unit_level TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    hamlet_code TEXT,
    from_on TEXT NOT NULL,
    until_on TEXT NOT NULL,
    -- The first day it no longer applies, when ended early.
    ended_on TEXT,
    end_decision TEXT,
    decision TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    own_measures TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX directive_areas_unit ON directive_areas(unit_code, from_on);
CREATE INDEX directive_areas_province ON directive_areas(province_code, from_on);

CREATE TABLE travel_permits (
    id {{ID}},
    -- `GDD-` and eight letters or digits: what the QR code holds.
    code TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    plate TEXT,
    purpose TEXT NOT NULL,
    purpose_detail TEXT NOT NULL,
    from_unit TEXT NOT NULL REFERENCES units(code),
    to_unit TEXT NOT NULL REFERENCES units(code),
    route TEXT,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT,
    revoked_reason TEXT,
    -- The issuing unit's codes (district and commune empty above them).
    issued_unit TEXT NOT NULL REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX travel_permits_person ON travel_permits(person_id);
CREATE INDEX travel_permits_province ON travel_permits(province_code, valid_until);

CREATE TABLE permit_checks (
    id {{ID}},
    permit_id BIGINT NOT NULL REFERENCES travel_permits(id),
    checkpoint TEXT NOT NULL,
    -- `valid`, `revoked`, `expired` or `not_yet`.
    result TEXT NOT NULL,
    checked_by TEXT NOT NULL,
    checked_at TEXT NOT NULL
);
CREATE INDEX permit_checks_permit ON permit_checks(permit_id, id);
