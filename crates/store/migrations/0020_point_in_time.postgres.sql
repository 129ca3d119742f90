-- The new records list their communes as the others do (0017).
CREATE FUNCTION commune_rows_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) VALUES (NEW.commune_code);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) VALUES (OLD.commune_code);
    ELSE
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER case_courses_figures AFTER INSERT OR UPDATE OR DELETE ON case_courses FOR EACH ROW EXECUTE FUNCTION commune_rows_figures();
CREATE TRIGGER class_periods_figures AFTER INSERT OR UPDATE OR DELETE ON class_periods FOR EACH ROW EXECUTE FUNCTION commune_rows_figures();
