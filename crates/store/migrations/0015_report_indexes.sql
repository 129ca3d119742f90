-- Indexes for the rapid reports' figures (issue 7; measured by `bench reports`).
-- F1 newly traced: the level-1 history entries of a period, read from the
-- index alone (without it a province's report joined every person of the
-- province to their history: 16 s at 1 M people).
CREATE INDEX class_history_level_at ON class_history(level, at, person_id);
-- Tests with a result and samples taken during a period: a province's or
-- district's from the day's rows, a commune's as one index range.
CREATE INDEX test_results_resulted ON test_results(resulted_on);
CREATE INDEX samples_collected ON samples(collected_on);
CREATE INDEX samples_commune_collected ON samples(commune_code, collected_on);
-- A commune's orders counted from the index alone (the rows carry the rule's
-- JSON, which spills onto overflow pages). The day lists' index of the same
-- commune (migration 13) leads with (commune_code, status) too but holds the
-- last day, not the kind and release day, so both are kept.
CREATE INDEX quarantine_orders_counts ON quarantine_orders(commune_code, status, kind, released_on);
-- Whether an F1 is under an active order, from the index alone.
CREATE INDEX quarantine_orders_person_status ON quarantine_orders(person_id, status);
