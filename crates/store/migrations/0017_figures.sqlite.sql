-- The triggers that list the communes whose figures a write changes (see
-- 0017_figures.sql): every table the figures are counted from names the
-- communes of the rows written; samples and orders also name their person,
-- whose class decides where the F1 follow-up counts them.
-- The same in 0017_figures.postgres.sql.

-- A history entry takes the person's units (then the update trigger below
-- lists the commune).
CREATE TRIGGER class_history_units AFTER INSERT ON class_history WHEN NEW.commune_code IS NULL BEGIN
    UPDATE class_history SET province_code = q.province_code, district_code = q.district_code, commune_code = q.commune_code
    FROM persons q WHERE q.id = NEW.person_id AND class_history.id = NEW.id;
END;
CREATE TRIGGER cases_figures_insert AFTER INSERT ON cases BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER cases_figures_update AFTER UPDATE ON cases BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER cases_figures_delete AFTER DELETE ON cases BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER person_classes_figures_insert AFTER INSERT ON person_classes BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER person_classes_figures_update AFTER UPDATE ON person_classes BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER person_classes_figures_delete AFTER DELETE ON person_classes BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER class_history_figures_insert AFTER INSERT ON class_history BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER class_history_figures_update AFTER UPDATE ON class_history BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER class_history_figures_delete AFTER DELETE ON class_history BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER samples_figures_insert AFTER INSERT ON samples BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
    INSERT INTO figure_person_changes (person_id) VALUES (NEW.person_id);
END;
CREATE TRIGGER samples_figures_update AFTER UPDATE ON samples BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
    INSERT INTO figure_person_changes (person_id) SELECT NEW.person_id UNION SELECT OLD.person_id;
END;
CREATE TRIGGER samples_figures_delete AFTER DELETE ON samples BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
    INSERT INTO figure_person_changes (person_id) VALUES (OLD.person_id);
END;
CREATE TRIGGER test_results_figures_insert AFTER INSERT ON test_results BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT s.commune_code AS c FROM samples s WHERE s.id = NEW.sample_id UNION SELECT pl.commune_code FROM pools pl WHERE pl.id = NEW.pool_id) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER test_results_figures_update AFTER UPDATE ON test_results BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT s.commune_code AS c FROM samples s WHERE s.id = NEW.sample_id UNION SELECT pl.commune_code FROM pools pl WHERE pl.id = NEW.pool_id UNION SELECT s.commune_code FROM samples s WHERE s.id = OLD.sample_id UNION SELECT pl.commune_code FROM pools pl WHERE pl.id = OLD.pool_id) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER test_results_figures_delete AFTER DELETE ON test_results BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT s.commune_code AS c FROM samples s WHERE s.id = OLD.sample_id UNION SELECT pl.commune_code FROM pools pl WHERE pl.id = OLD.pool_id) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER quarantine_orders_figures_insert AFTER INSERT ON quarantine_orders BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
    INSERT INTO figure_person_changes (person_id) VALUES (NEW.person_id);
END;
CREATE TRIGGER quarantine_orders_figures_update AFTER UPDATE ON quarantine_orders BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
    INSERT INTO figure_person_changes (person_id) SELECT NEW.person_id UNION SELECT OLD.person_id;
END;
CREATE TRIGGER quarantine_orders_figures_delete AFTER DELETE ON quarantine_orders BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
    INSERT INTO figure_person_changes (person_id) VALUES (OLD.person_id);
END;
CREATE TRIGGER treatment_alerts_figures_insert AFTER INSERT ON treatment_alerts BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER treatment_alerts_figures_update AFTER UPDATE ON treatment_alerts BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER treatment_alerts_figures_delete AFTER DELETE ON treatment_alerts BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
