-- Only the columns the figures read: a checkpoint's scan (status `checked`)
-- changes no figure, and listing its commune would have the refresh recount
-- it after every scan of a busy day.
CREATE FUNCTION returnee_registrations_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT OLD.commune_code AS c) x WHERE x.c IS NOT NULL;
    ELSIF OLD.home_on IS DISTINCT FROM NEW.home_on OR OLD.area_id IS DISTINCT FROM NEW.area_id
        OR OLD.commune_code IS DISTINCT FROM NEW.commune_code
        OR (OLD.status = 'cancelled') <> (NEW.status = 'cancelled') THEN
        INSERT INTO figure_changes (commune_code) SELECT x.c FROM (SELECT NEW.commune_code AS c UNION SELECT OLD.commune_code) x WHERE x.c IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER returnee_registrations_figures AFTER INSERT OR UPDATE OR DELETE ON returnee_registrations FOR EACH ROW EXECUTE FUNCTION returnee_registrations_figures();
