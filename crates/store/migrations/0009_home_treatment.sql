-- F0 treated at home: enrolment (with the eligibility answers), vital signs
-- twice a day, and the alerts their warning signs raise, with who
-- acknowledged and acted, and when.

CREATE TABLE home_treatments (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    enrolled_on TEXT NOT NULL,
    age_years BIGINT NOT NULL,
    enrolment_json TEXT NOT NULL,
    -- `active`, `transferred` (to hospital) or `ended`.
    status TEXT NOT NULL,
    ended_on TEXT,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX home_treatments_person ON home_treatments(person_id, id);
CREATE INDEX home_treatments_commune ON home_treatments(commune_code, status);
CREATE INDEX home_treatments_district ON home_treatments(district_code, status);
CREATE INDEX home_treatments_province ON home_treatments(province_code, status);

CREATE TABLE vital_signs (
    id {{ID}},
    treatment_id BIGINT NOT NULL REFERENCES home_treatments(id),
    at TEXT NOT NULL,
    vitals_json TEXT NOT NULL,
    -- Warning-sign codes found, comma-separated; empty when none.
    signs TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX vital_signs_treatment ON vital_signs(treatment_id, at);

CREATE TABLE treatment_alerts (
    id {{ID}},
    treatment_id BIGINT NOT NULL REFERENCES home_treatments(id),
    vital_id BIGINT NOT NULL REFERENCES vital_signs(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    raised_at TEXT NOT NULL,
    -- The signs, in both languages, as JSON.
    signs_json TEXT NOT NULL,
    -- `open`, `acknowledged` or `closed`.
    status TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    -- `visit`, `oxygen`, `transfer`.
    action TEXT,
    action_note TEXT,
    acted_by TEXT,
    acted_at TEXT,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL
);
CREATE INDEX treatment_alerts_commune ON treatment_alerts(commune_code, status);
CREATE INDEX treatment_alerts_district ON treatment_alerts(district_code, status);
CREATE INDEX treatment_alerts_province ON treatment_alerts(province_code, status);
