-- The triggers that list the communes whose figures a write changes (see
-- 0017_figures.sql): every table the figures are counted from names the
-- communes of the rows written; samples and orders also name their person,
-- whose class decides where the F1 follow-up counts them.
-- The same in 0017_figures.sqlite.sql.

-- A history entry takes the person's units.
CREATE FUNCTION class_history_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.commune_code IS NULL THEN
        SELECT q.province_code, q.district_code, q.commune_code INTO NEW.province_code, NEW.district_code, NEW.commune_code
        FROM persons q WHERE q.id = NEW.person_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER class_history_units BEFORE INSERT ON class_history FOR EACH ROW EXECUTE FUNCTION class_history_units();

CREATE FUNCTION cases_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSE
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_figures AFTER INSERT OR UPDATE OR DELETE ON cases FOR EACH ROW EXECUTE FUNCTION cases_figures();

CREATE FUNCTION person_classes_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSE
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER person_classes_figures AFTER INSERT OR UPDATE OR DELETE ON person_classes FOR EACH ROW EXECUTE FUNCTION person_classes_figures();

CREATE FUNCTION class_history_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSE
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER class_history_figures AFTER INSERT OR UPDATE OR DELETE ON class_history FOR EACH ROW EXECUTE FUNCTION class_history_figures();

CREATE FUNCTION samples_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
        INSERT INTO figure_person_changes (person_id) VALUES (NEW.person_id);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
        INSERT INTO figure_person_changes (person_id) VALUES (OLD.person_id);
    ELSE
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
        INSERT INTO figure_person_changes (person_id) SELECT NEW.person_id UNION SELECT OLD.person_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER samples_figures AFTER INSERT OR UPDATE OR DELETE ON samples FOR EACH ROW EXECUTE FUNCTION samples_figures();

CREATE FUNCTION test_results_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT s.commune_code AS c FROM samples s WHERE s.id = NEW.sample_id UNION SELECT pl.commune_code FROM pools pl WHERE pl.id = NEW.pool_id) x WHERE x.c IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT s.commune_code AS c FROM samples s WHERE s.id = OLD.sample_id UNION SELECT pl.commune_code FROM pools pl WHERE pl.id = OLD.pool_id) x WHERE x.c IS NOT NULL;
    ELSE
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT s.commune_code AS c FROM samples s WHERE s.id = NEW.sample_id UNION SELECT pl.commune_code FROM pools pl WHERE pl.id = NEW.pool_id UNION SELECT s.commune_code FROM samples s WHERE s.id = OLD.sample_id UNION SELECT pl.commune_code FROM pools pl WHERE pl.id = OLD.pool_id) x WHERE x.c IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER test_results_figures AFTER INSERT OR UPDATE OR DELETE ON test_results FOR EACH ROW EXECUTE FUNCTION test_results_figures();

CREATE FUNCTION quarantine_orders_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
        INSERT INTO figure_person_changes (person_id) VALUES (NEW.person_id);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
        INSERT INTO figure_person_changes (person_id) VALUES (OLD.person_id);
    ELSE
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
        INSERT INTO figure_person_changes (person_id) SELECT NEW.person_id UNION SELECT OLD.person_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER quarantine_orders_figures AFTER INSERT OR UPDATE OR DELETE ON quarantine_orders FOR EACH ROW EXECUTE FUNCTION quarantine_orders_figures();

CREATE FUNCTION treatment_alerts_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSE
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER treatment_alerts_figures AFTER INSERT OR UPDATE OR DELETE ON treatment_alerts FOR EACH ROW EXECUTE FUNCTION treatment_alerts_figures();
