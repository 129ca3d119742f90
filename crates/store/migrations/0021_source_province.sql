-- A case's source can be another province (issue 15 §5): people coming home
-- from an epidemic area. A `case_sources` row of kind `other_province` names
-- the province of origin (required) and its district (optional) by unit code;
-- both must be real units (checked when written), and the province is never
-- the case's own. The case's summary `cases.source_kind` is then
-- `other_province` (unless it also has a country: `imported`).
ALTER TABLE case_sources ADD COLUMN origin_province_code TEXT REFERENCES units(code);
ALTER TABLE case_sources ADD COLUMN origin_district_code TEXT REFERENCES units(code);
CREATE INDEX case_sources_origin ON case_sources(origin_province_code);
