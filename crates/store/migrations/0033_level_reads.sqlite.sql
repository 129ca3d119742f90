-- The triggers of 0033_level_reads.sql; the same in 0033_level_reads.postgres.sql.
-- A week starts on Monday: date(d, '-6 days', 'weekday 1') is the Monday on
-- or before d.
INSERT INTO community_case_weeks (week_start, commune_code, province_code, district_code, community)
SELECT date(confirmed_on, '-6 days', 'weekday 1'), commune_code, MIN(province_code), MIN(district_code), COUNT(*)
FROM cases
WHERE source_kind NOT IN ('imported', 'other_province') AND detected_where <> 'quarantine'
GROUP BY date(confirmed_on, '-6 days', 'weekday 1'), commune_code;

CREATE TRIGGER community_case_weeks_insert AFTER INSERT ON cases
WHEN NEW.source_kind NOT IN ('imported', 'other_province') AND NEW.detected_where <> 'quarantine' BEGIN
    INSERT INTO community_case_weeks (week_start, commune_code, province_code, district_code, community)
    VALUES (date(NEW.confirmed_on, '-6 days', 'weekday 1'), NEW.commune_code, NEW.province_code, NEW.district_code, 1)
    ON CONFLICT (week_start, commune_code) DO UPDATE SET community = community + 1,
        province_code = excluded.province_code, district_code = excluded.district_code;
END;
CREATE TRIGGER community_case_weeks_delete AFTER DELETE ON cases
WHEN OLD.source_kind NOT IN ('imported', 'other_province') AND OLD.detected_where <> 'quarantine' BEGIN
    UPDATE community_case_weeks SET community = community - 1
    WHERE week_start = date(OLD.confirmed_on, '-6 days', 'weekday 1') AND commune_code = OLD.commune_code;
END;
CREATE TRIGGER community_case_weeks_update_old
AFTER UPDATE OF confirmed_on, source_kind, detected_where, province_code, district_code, commune_code ON cases
WHEN OLD.source_kind NOT IN ('imported', 'other_province') AND OLD.detected_where <> 'quarantine' BEGIN
    UPDATE community_case_weeks SET community = community - 1
    WHERE week_start = date(OLD.confirmed_on, '-6 days', 'weekday 1') AND commune_code = OLD.commune_code;
END;
CREATE TRIGGER community_case_weeks_update_new
AFTER UPDATE OF confirmed_on, source_kind, detected_where, province_code, district_code, commune_code ON cases
WHEN NEW.source_kind NOT IN ('imported', 'other_province') AND NEW.detected_where <> 'quarantine' BEGIN
    INSERT INTO community_case_weeks (week_start, commune_code, province_code, district_code, community)
    VALUES (date(NEW.confirmed_on, '-6 days', 'weekday 1'), NEW.commune_code, NEW.province_code, NEW.district_code, 1)
    ON CONFLICT (week_start, commune_code) DO UPDATE SET community = community + 1,
        province_code = excluded.province_code, district_code = excluded.district_code;
END;

CREATE TRIGGER units_version_insert AFTER INSERT ON units BEGIN
    UPDATE units_version SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER units_version_update AFTER UPDATE ON units BEGIN
    UPDATE units_version SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER units_version_delete AFTER DELETE ON units BEGIN
    UPDATE units_version SET n = n + 1 WHERE id = 1;
END;
