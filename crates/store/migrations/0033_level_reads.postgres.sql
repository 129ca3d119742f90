-- The triggers of 0033_level_reads.sql; the same in 0033_level_reads.sqlite.sql.
-- A week starts on Monday (ISO weeks: date_trunc('week', …)). The cases are
-- locked against writes from the backfill until the trigger exists (a server
-- still running the previous version could otherwise commit a case between
-- the two that neither counts).
LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO community_case_weeks (week_start, commune_code, province_code, district_code, community)
SELECT to_char(date_trunc('week', confirmed_on::date), 'YYYY-MM-DD'), commune_code, MIN(province_code), MIN(district_code), COUNT(*)
FROM cases
WHERE source_kind NOT IN ('imported', 'other_province') AND detected_where <> 'quarantine'
GROUP BY 1, 2;

CREATE FUNCTION community_case_weeks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.source_kind NOT IN ('imported', 'other_province') AND OLD.detected_where <> 'quarantine' THEN
        UPDATE community_case_weeks SET community = community - 1
        WHERE week_start = to_char(date_trunc('week', OLD.confirmed_on::date), 'YYYY-MM-DD') AND commune_code = OLD.commune_code;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.source_kind NOT IN ('imported', 'other_province') AND NEW.detected_where <> 'quarantine' THEN
        INSERT INTO community_case_weeks (week_start, commune_code, province_code, district_code, community)
        VALUES (to_char(date_trunc('week', NEW.confirmed_on::date), 'YYYY-MM-DD'), NEW.commune_code, NEW.province_code, NEW.district_code, 1)
        ON CONFLICT (week_start, commune_code) DO UPDATE SET community = community_case_weeks.community + 1,
            province_code = EXCLUDED.province_code, district_code = EXCLUDED.district_code;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER community_case_weeks
AFTER INSERT OR DELETE OR UPDATE OF confirmed_on, source_kind, detected_where, province_code, district_code, commune_code ON cases
FOR EACH ROW EXECUTE FUNCTION community_case_weeks();

-- Cases emptied at once (TRUNCATE, or a cascade from persons): none counted.
CREATE FUNCTION community_case_weeks_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM community_case_weeks;
    RETURN NULL;
END $$;
CREATE TRIGGER community_case_weeks_truncate AFTER TRUNCATE ON cases
FOR EACH STATEMENT EXECUTE FUNCTION community_case_weeks_truncate();

CREATE FUNCTION units_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE units_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER units_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
FOR EACH STATEMENT EXECUTE FUNCTION units_version();
