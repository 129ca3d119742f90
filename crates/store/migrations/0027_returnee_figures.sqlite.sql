-- Only the columns the figures read: a checkpoint's scan (status `checked`)
-- changes no figure, and listing its commune would have the refresh recount
-- it after every scan of a busy day.
CREATE TRIGGER returnee_registrations_figures_insert AFTER INSERT ON returnee_registrations BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER returnee_registrations_figures_update AFTER UPDATE ON returnee_registrations
WHEN OLD.home_on IS NOT NEW.home_on OR OLD.area_id IS NOT NEW.area_id OR OLD.commune_code IS NOT NEW.commune_code
    OR (OLD.status = 'cancelled') <> (NEW.status = 'cancelled') BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
END;
CREATE TRIGGER returnee_registrations_figures_delete AFTER DELETE ON returnee_registrations BEGIN
    INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
END;
