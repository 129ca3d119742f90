-- The national level above the 63 provinces (issue 14): the Ministry of Health
-- and the national steering committee. A unit of its own, with the reserved
-- code `VN` (never a number, so no 2021 code can take it), so that accounts
-- and API tokens can belong to it (`users.unit_code`, `api_tokens.unit_code`
-- reference `units(code)`) and its reports sum the provinces below it.
-- Its denormalised `province_code` is `VN` too: no province's condition
-- (`province_code = '01'`…) matches its accounts, and the national scope
-- needs no condition at all.
INSERT INTO units (code, level, parent_code, province_code, district_code, commune_code,
    name, kind, name_folded, tree, created_at)
VALUES ('VN', 'national', NULL, 'VN', NULL, NULL,
    'Toàn quốc', 'quốc gia', 'toan quoc', 'vn2021', '2021-01-01T00:00:00.000Z');
-- The provinces are the units one level below it.
UPDATE units SET parent_code = 'VN' WHERE level = 'province';
