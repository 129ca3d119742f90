-- A review changes the F1 follow-up figures: list the person (counted where
-- classed, as samples and orders are; 0017) and the review's commune.
CREATE FUNCTION contact_reviews_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO figure_person_changes (person_id) VALUES (OLD.person_id);
    ELSE
        INSERT INTO figure_changes (commune_code) VALUES (NEW.commune_code);
        INSERT INTO figure_person_changes (person_id) VALUES (NEW.person_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER contact_reviews_figures AFTER INSERT OR UPDATE OR DELETE ON contact_reviews FOR EACH ROW EXECUTE FUNCTION contact_reviews_figures();
