-- The cases a case infected ("infected by" = its case code): the chain view
-- follows these from every F0 of a chain.
CREATE INDEX cases_source ON cases(source_kind, source_ref);
