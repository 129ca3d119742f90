-- The day lists as index ranges (issue 6): one row per test day of each
-- active order, carrying the order's unit codes, so "tests due on D in unit U"
-- is a range of an index instead of a LIKE over every order's comma-separated
-- `test_days`. A row exists only while its order is active: written in the
-- order's transaction, removed in the one that releases it. The order's own
-- `test_days` stays the record (the order's page, the certificate).

CREATE TABLE quarantine_test_days (
    order_id BIGINT NOT NULL REFERENCES quarantine_orders(id),
    day TEXT NOT NULL,
    province_code TEXT NOT NULL,
    district_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    hamlet_code TEXT,
    PRIMARY KEY (order_id, day)
){{WITHOUT_ROWID}};
-- Above the commune, the commune code follows the day so that a district's or
-- province's list comes out grouped by commune without a sort.
CREATE INDEX quarantine_test_days_commune ON quarantine_test_days(commune_code, day, order_id);
CREATE INDEX quarantine_test_days_district ON quarantine_test_days(district_code, day, commune_code, order_id);
CREATE INDEX quarantine_test_days_province ON quarantine_test_days(province_code, day, commune_code, order_id);

-- Backfill from the active orders. Days are `yyyy-mm-dd` (10 characters)
-- joined by commas, so the k-th one starts at 11k + 1: plain `substr` and
-- `length`, the same on both engines. A rule has at most 120 test days.
WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 120)
INSERT INTO quarantine_test_days (order_id, day, province_code, district_code, commune_code, hamlet_code)
SELECT DISTINCT o.id, substr(o.test_days, 11 * k.n + 1, 10), o.province_code, o.district_code, o.commune_code, o.hamlet_code
FROM quarantine_orders o JOIN k ON 11 * k.n < length(o.test_days)
WHERE o.status = 'active';

-- Orders ending on D (`planned_end = D`) and past their last day
-- (`planned_end < D`) as ranges of the unit's active orders.
DROP INDEX quarantine_orders_commune;
DROP INDEX quarantine_orders_district;
DROP INDEX quarantine_orders_province;
CREATE INDEX quarantine_orders_commune ON quarantine_orders(commune_code, status, planned_end);
CREATE INDEX quarantine_orders_district ON quarantine_orders(district_code, status, planned_end, commune_code);
CREATE INDEX quarantine_orders_province ON quarantine_orders(province_code, status, planned_end, commune_code);

