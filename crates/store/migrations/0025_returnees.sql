-- People returning to the province: the province's list of epidemic areas,
-- registrations (each with a code printed as a QR code), and the scans of
-- checkpoints, each kept once under the scanner's idempotency key.

CREATE TABLE epidemic_areas (
    id {{ID}},
    -- The province keeping the list (it judges arrivals into it).
    province_code TEXT NOT NULL,
    -- A province, district or commune anywhere in the country.
    unit_code TEXT NOT NULL REFERENCES units(code),
    from_on TEXT NOT NULL,
    -- The last day; NULL until further notice.
    until_on TEXT,
    decision TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX epidemic_areas_province ON epidemic_areas(province_code, unit_code);

CREATE TABLE returnee_registrations (
    id {{ID}},
    -- `V` and nine base-32 symbols, the last a check symbol.
    code TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    origin_code TEXT NOT NULL REFERENCES units(code),
    origin_address TEXT,
    departure_on TEXT NOT NULL,
    arrival_on TEXT NOT NULL,
    means TEXT NOT NULL,
    -- The code of the first registration of the group travelling together
    -- (its own code when it travels alone or leads the group).
    group_code TEXT NOT NULL,
    doses BIGINT NOT NULL,
    last_dose_on TEXT,
    vaccine TEXT,
    test_kind TEXT,
    test_on TEXT,
    test_result TEXT,
    -- The epidemic-area entry the origin fell under at departure, if any.
    area_id BIGINT REFERENCES epidemic_areas(id),
    -- registered, checked, home, cancelled.
    status TEXT NOT NULL,
    checked_at TEXT,
    checkpoint TEXT,
    checked_by TEXT,
    -- The rapid test at the checkpoint: negative, positive; NULL if none.
    checkpoint_result TEXT,
    checkpoint_sample_id BIGINT REFERENCES samples(id),
    home_on TEXT,
    order_id BIGINT REFERENCES quarantine_orders(id),
    cancel_reason TEXT,
    -- officer, public, import, api.
    channel TEXT NOT NULL,
    -- The destination, as on the person: what jurisdiction filters on.
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    hamlet_code TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
-- One live registration per person and arrival day: the same trip twice is refused.
CREATE UNIQUE INDEX returnee_registrations_trip ON returnee_registrations(person_id, arrival_on)
    WHERE status <> 'cancelled';
CREATE INDEX returnee_registrations_commune ON returnee_registrations(commune_code, arrival_on);
CREATE INDEX returnee_registrations_district ON returnee_registrations(district_code, arrival_on);
CREATE INDEX returnee_registrations_province ON returnee_registrations(province_code, arrival_on);
CREATE INDEX returnee_registrations_group ON returnee_registrations(group_code);

CREATE TABLE checkpoint_scans (
    id {{ID}},
    -- Sent by the scanning device with each scan: a scan re-sent after a
    -- dropped connection is recognised and not recorded twice.
    idempotency_key TEXT NOT NULL UNIQUE,
    registration_id BIGINT NOT NULL REFERENCES returnee_registrations(id),
    checkpoint TEXT NOT NULL,
    scanned_at TEXT NOT NULL,
    -- What the scan did: arrived (first scan), again (already through).
    outcome TEXT NOT NULL,
    rapid_result TEXT,
    recorded_by TEXT NOT NULL,
    province_code TEXT NOT NULL
);
CREATE INDEX checkpoint_scans_registration ON checkpoint_scans(registration_id);
