//! Read models: what pages and reports show, read from the tables the
//! resource modules write. Nothing else in the store reads a view; a view
//! may read another view (the dashboard reads the reports' figures) and the
//! shared `sql` layer, never the reverse.

pub(crate) mod case_lists;
pub(crate) mod chain;
pub(crate) mod dashboard;
pub(crate) mod figure_lists;
pub(crate) mod quarantine_day;
pub(crate) mod reports;
pub(crate) mod returnee_figures;
pub(crate) mod zone_report;
