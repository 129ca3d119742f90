-- Rapid situation reports as sent: a frozen copy of the figures when a unit
-- submits its report for a period, reviewed (approved or returned) by the
-- level above; reminders from above to units that have not yet sent theirs.

CREATE TABLE situation_reports (
    id {{ID}},
    unit_code TEXT NOT NULL REFERENCES units(code),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    -- A report returned for correction is sent again as the next version.
    version BIGINT NOT NULL,
    -- `submitted`, `approved` or `returned`.
    status TEXT NOT NULL,
    wave_start TEXT NOT NULL,
    -- The figures as sent (`store::ReportFigures` as JSON): never updated.
    figures_json TEXT NOT NULL,
    comments TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_note TEXT,
    -- The unit's own codes (district and commune empty above them).
    province_code TEXT NOT NULL,
    district_code TEXT,
    commune_code TEXT
);
CREATE UNIQUE INDEX situation_reports_version ON situation_reports(unit_code, period_from, period_to, version);
CREATE INDEX situation_reports_unit ON situation_reports(unit_code, period_to);
CREATE INDEX situation_reports_province ON situation_reports(province_code, period_to);
CREATE INDEX situation_reports_district ON situation_reports(district_code, period_to);

CREATE TABLE report_reminders (
    id {{ID}},
    unit_code TEXT NOT NULL REFERENCES units(code),
    day TEXT NOT NULL,
    reminded_by TEXT NOT NULL,
    reminded_at TEXT NOT NULL
);
CREATE INDEX report_reminders_unit ON report_reminders(unit_code, day);
