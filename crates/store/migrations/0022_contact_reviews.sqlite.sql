-- A review changes the F1 follow-up figures: list the person (counted where
-- classed, as samples and orders are; 0017) and the review's commune.
CREATE TRIGGER contact_reviews_figures_insert AFTER INSERT ON contact_reviews BEGIN
    INSERT INTO figure_changes (commune_code) VALUES (NEW.commune_code);
    INSERT INTO figure_person_changes (person_id) VALUES (NEW.person_id);
END;
CREATE TRIGGER contact_reviews_figures_update AFTER UPDATE ON contact_reviews BEGIN
    INSERT INTO figure_person_changes (person_id) VALUES (NEW.person_id);
END;
CREATE TRIGGER contact_reviews_figures_delete AFTER DELETE ON contact_reviews BEGIN
    INSERT INTO figure_person_changes (person_id) VALUES (OLD.person_id);
END;
