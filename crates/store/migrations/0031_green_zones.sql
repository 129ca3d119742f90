-- Green zones (vùng xanh): an area declared free of F0 from a day, with the
-- community team responsible and the checkpoints guarding it. A zone stays
-- `green` until an F0 is confirmed living inside it (then `lost`, with the
-- case, the day and the shift on duty that was alerted) or the committee
-- withdraws it; nothing is deleted, and a new declaration is a new row.

CREATE TABLE green_zones (
    id {{ID}},
    name TEXT NOT NULL,
    -- The unit declared green, or the commune/hamlet the drawn place lies in.
    unit_code TEXT NOT NULL REFERENCES units(code),
    unit_level TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT,
    hamlet_code TEXT,
    place TEXT,
    -- The folded place ('' for a whole unit): with the unit, "the same area".
    place_key TEXT NOT NULL,
    addresses TEXT NOT NULL,
    declared_on TEXT NOT NULL,
    decision TEXT,
    team TEXT NOT NULL,
    team_leader TEXT,
    team_phone TEXT NOT NULL,
    -- `green`, `lost` or `withdrawn`.
    status TEXT NOT NULL,
    lost_on TEXT,
    lost_case_id BIGINT REFERENCES cases(id),
    -- The shift on duty the loss was routed to (a checkpoint's, else the unit's).
    alert_shift_id BIGINT REFERENCES duty_shifts(id),
    alert_acknowledged_by TEXT,
    alert_acknowledged_at TEXT,
    withdrawn_on TEXT,
    withdrawn_reason TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX green_zones_province ON green_zones(province_code, status);
CREATE INDEX green_zones_unit ON green_zones(unit_code, status);

CREATE TABLE zone_checkpoints (
    id {{ID}},
    zone_id BIGINT NOT NULL REFERENCES green_zones(id),
    place TEXT NOT NULL,
    -- HH:MM, Vietnam's time; both NULL round the clock.
    opens TEXT,
    closes TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX zone_checkpoints_zone ON zone_checkpoints(zone_id);

-- A roster shift may be a checkpoint's team on duty.
ALTER TABLE duty_shifts ADD COLUMN checkpoint_id BIGINT REFERENCES zone_checkpoints(id);
CREATE INDEX duty_shifts_checkpoint ON duty_shifts(checkpoint_id, ends_at);
