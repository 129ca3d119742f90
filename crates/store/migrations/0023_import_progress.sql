-- An import's record kept up to date as it goes (issue 16 §10): the counts
-- of `import_runs` are written with each committed batch, in its
-- transaction, and `updated_at` says when. A run that never finished shows
-- as interrupted, with the rows it did commit, once no batch came for a
-- while (the process was killed) or at once when it stopped on a broken
-- file (`error`: why, in Vietnamese and English).
ALTER TABLE import_runs ADD COLUMN updated_at TEXT;
ALTER TABLE import_runs ADD COLUMN error TEXT;
