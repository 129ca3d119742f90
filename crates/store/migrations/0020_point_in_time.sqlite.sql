-- The new records list their communes as the others do (0017).
CREATE TRIGGER case_courses_figures_insert AFTER INSERT ON case_courses BEGIN
    INSERT INTO figure_changes (commune_code) VALUES (NEW.commune_code);
END;
CREATE TRIGGER case_courses_figures_delete AFTER DELETE ON case_courses BEGIN
    INSERT INTO figure_changes (commune_code) VALUES (OLD.commune_code);
END;
CREATE TRIGGER class_periods_figures_insert AFTER INSERT ON class_periods BEGIN
    INSERT INTO figure_changes (commune_code) VALUES (NEW.commune_code);
END;
CREATE TRIGGER class_periods_figures_update AFTER UPDATE ON class_periods BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x;
END;
CREATE TRIGGER class_periods_figures_delete AFTER DELETE ON class_periods BEGIN
    INSERT INTO figure_changes (commune_code) VALUES (OLD.commune_code);
END;
