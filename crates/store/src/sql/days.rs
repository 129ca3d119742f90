//! Days as the tracing engine counts them (`Day`: days since 1970-01-01)
//! and as rows store them (`YYYY-MM-DD` text), converted at the row boundary.

use chrono::NaiveDate;
use phongdich_engine::Day;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// The engine's day of a date.
pub(crate) fn day(d: NaiveDate) -> Day {
    (d - epoch()).num_days() as Day
}

/// The stored text of an engine day.
pub(crate) fn date(d: Day) -> String {
    (epoch() + chrono::Duration::days(d as i64))
        .format("%Y-%m-%d")
        .to_string()
}

/// The engine's day of a stored date; `None` when it is not one.
pub(crate) fn parse_day(s: &str) -> Option<Day> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(day)
}

/// A stored path of ids (`1,5,9`), the ids that parse.
pub(crate) fn parse_path(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}
