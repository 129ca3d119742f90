-- Rapid response for F0 at home: a 24/7 duty roster of shifts per unit,
-- alerts routed to the team on duty and escalated to the level above when
-- nobody takes them in time, and oxygen equipment lent to patients.

CREATE TABLE duty_shifts (
    id {{ID}},
    -- The unit whose team it is: a commune, a district or a province.
    unit_code TEXT NOT NULL REFERENCES units(code),
    team TEXT NOT NULL,
    members TEXT NOT NULL,
    phone TEXT NOT NULL,
    -- RFC 3339 UTC; the shift covers [starts_at, ends_at).
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    cancelled_at TEXT,
    cancelled_by TEXT,
    -- Jurisdiction: the unit's own codes (district and commune empty above them).
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX duty_shifts_unit ON duty_shifts(unit_code, ends_at);
CREATE INDEX duty_shifts_province ON duty_shifts(province_code, ends_at);
CREATE INDEX duty_shifts_district ON duty_shifts(district_code, ends_at);

-- Where an alert stands: the unit now responsible for it (the commune's at
-- first, or the nearest level with a team on duty), the shift it was routed
-- to, and its escalations.
ALTER TABLE treatment_alerts ADD COLUMN level_unit TEXT;
ALTER TABLE treatment_alerts ADD COLUMN shift_id BIGINT REFERENCES duty_shifts(id);
ALTER TABLE treatment_alerts ADD COLUMN escalations BIGINT NOT NULL DEFAULT 0;
ALTER TABLE treatment_alerts ADD COLUMN escalated_at TEXT;
UPDATE treatment_alerts SET level_unit = commune_code;
CREATE INDEX treatment_alerts_open ON treatment_alerts(status, raised_at);

CREATE TABLE oxygen_equipment (
    id {{ID}},
    -- `concentrator` or `cylinder`.
    kind TEXT NOT NULL,
    -- Inventory number or serial, unique in the province.
    label TEXT NOT NULL,
    -- e.g. "5 L/phút", "40 L".
    capacity TEXT NOT NULL,
    -- `available`, `lent` or `retired`.
    status TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX oxygen_equipment_label ON oxygen_equipment(province_code, label);
CREATE INDEX oxygen_equipment_district ON oxygen_equipment(district_code, status);
CREATE INDEX oxygen_equipment_commune ON oxygen_equipment(commune_code, status);

CREATE TABLE oxygen_loans (
    id {{ID}},
    equipment_id BIGINT NOT NULL REFERENCES oxygen_equipment(id),
    treatment_id BIGINT NOT NULL REFERENCES home_treatments(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    alert_id BIGINT REFERENCES treatment_alerts(id),
    lent_at TEXT NOT NULL,
    lent_by TEXT NOT NULL,
    returned_at TEXT,
    returned_by TEXT,
    -- The patient's units.
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL
);
CREATE INDEX oxygen_loans_equipment ON oxygen_loans(equipment_id, returned_at);
CREATE INDEX oxygen_loans_treatment ON oxygen_loans(treatment_id);
CREATE INDEX oxygen_loans_person ON oxygen_loans(person_id);

-- An admission that continues another (a transfer between places), or that
-- answered an alert (an F0 sent from home to hospital).
ALTER TABLE admissions ADD COLUMN transferred_from BIGINT REFERENCES admissions(id);
ALTER TABLE admissions ADD COLUMN alert_id BIGINT REFERENCES treatment_alerts(id);
