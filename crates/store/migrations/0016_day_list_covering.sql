-- The day lists' counts from indexes alone (issue 6). Missed declarations
-- count the unit's orders under quarantine that day (`start_on`, `kind`
-- besides status and last day) and probe each for its declaration: with
-- both columns in the index, no order's row (with its rule JSON) is read.
DROP INDEX quarantine_orders_commune;
DROP INDEX quarantine_orders_district;
DROP INDEX quarantine_orders_province;
CREATE INDEX quarantine_orders_commune ON quarantine_orders(commune_code, status, planned_end, start_on, kind);
CREATE INDEX quarantine_orders_district ON quarantine_orders(district_code, status, planned_end, commune_code, start_on, kind);
CREATE INDEX quarantine_orders_province ON quarantine_orders(province_code, status, planned_end, commune_code, start_on, kind);

-- Declared symptoms: the day's flagged declarations of a unit, a few among
-- hundreds, found without reading every declaration of the day.
CREATE INDEX health_declarations_flagged_commune ON health_declarations(commune_code, day) WHERE flagged = 1;
CREATE INDEX health_declarations_flagged_district ON health_declarations(district_code, day, commune_code) WHERE flagged = 1;
CREATE INDEX health_declarations_flagged_province ON health_declarations(province_code, day, commune_code) WHERE flagged = 1;
