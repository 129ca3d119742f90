CREATE TRIGGER returnee_registrations_figures_insert AFTER INSERT ON returnee_registrations BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER returnee_registrations_figures_update AFTER UPDATE ON returnee_registrations BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER returnee_registrations_figures_delete AFTER DELETE ON returnee_registrations BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
