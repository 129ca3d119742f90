-- Indexes for the rapid reports' period figures (issue 7; `bench reports`).
-- F1 newly traced: the level-1 history entries of a period, read from the
-- index alone (without it a province's report joined every person of the
-- province to their history: 16 s at 1 M people, 10 ms with it).
CREATE INDEX class_history_level_at ON class_history(level, at, person_id);
-- Tests with a result and samples taken during a period, for a province or
-- district (a commune's few rows are found through its unit index).
CREATE INDEX test_results_resulted ON test_results(resulted_on);
CREATE INDEX samples_collected ON samples(collected_on);
