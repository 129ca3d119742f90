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

/// The date stored in `column` (`YYYY-MM-DD`); a row holding anything else
/// is a data error naming the column, never a default.
pub(crate) fn date_of(r: &sqlx::any::AnyRow, column: &str) -> crate::Result<NaiveDate> {
    use sqlx::Row;
    let s: String = r.try_get(column)?;
    stored_date(column, &s)
}

/// [`date_of`] for a column that may be empty (NULL).
pub(crate) fn opt_date_of(r: &sqlx::any::AnyRow, column: &str) -> crate::Result<Option<NaiveDate>> {
    use sqlx::Row;
    let s: Option<String> = r.try_get(column)?;
    s.map(|s| stored_date(column, &s)).transpose()
}

fn stored_date(column: &str, s: &str) -> crate::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| crate::StoreError::Data(format!("{column}: “{s}” is not a stored date")))
}

/// The word stored in `column` as one of a closed vocabulary; a word
/// outside it is a data error naming the column.
pub(crate) fn choice_of<T: phongdich_domain::choice::Choice>(
    r: &sqlx::any::AnyRow,
    column: &str,
) -> crate::Result<T> {
    use sqlx::Row;
    let s: String = r.try_get(column)?;
    T::from_str_exact(&s).ok_or_else(|| {
        crate::StoreError::Data(format!("{column}: “{s}” is not one of the stored words"))
    })
}
