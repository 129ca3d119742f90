//! The periods each class F1–F4 held (`class_periods`, migration 20), kept
//! with `person_classes` by the write that changes classes, so that figures
//! and lists can say who was F(n) at the end of any day.
//!
//! A change to F(n) with first day `since` and last day `until` (the
//! engine's class, domain rules §2) replaces what the person's periods said
//! from `since` on: earlier periods end the day before, later ones go (what
//! is known now about those days). Becoming an F0 ends the period the day
//! before the confirmation. A class that ends (released, expired, a
//! contact removed) ends its period on the last day it held: its own last
//! day when that has passed (expiry), else the day before the release when
//! the person was released during it, else yesterday (it stops today).
//! Known limit: a class removed because its contact was recorded in error
//! keeps the days it was shown until the removal.

use crate::sql::days::date;
use crate::sql::{in_list, placeholders};
use crate::{Dialect, Result};
use phongdich_engine::{Change, OPEN};
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Period {
    level: i64,
    from: String,
    to: Option<String>,
}

/// The day before `day` (`YYYY-MM-DD`).
fn day_before(day: &str) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.pred_opt())
        .map_or_else(|| day.to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

/// End every period still holding on `last + 1`: at `last` at the latest;
/// periods starting after `last` go.
fn end_at(periods: &mut Vec<Period>, last: &str) {
    periods.retain(|p| p.from.as_str() <= last);
    for p in periods.iter_mut() {
        if p.to.as_deref().is_none_or(|t| t > last) {
            p.to = Some(last.to_owned());
        }
    }
}

async fn fetch_by_people(
    tx: &mut Transaction<'static, Any>,
    engine: Dialect,
    sql: &str,
    people: &[i64],
) -> Result<Vec<sqlx::any::AnyRow>> {
    let mut rows = Vec::new();
    for chunk in people.chunks(500) {
        let sql = sql.replace("{list}", &in_list(engine, chunk.len()));
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q.bind(*p);
        }
        rows.extend(q.fetch_all(&mut **tx).await?);
    }
    Ok(rows)
}

/// Apply the engine's `changes` to the people's class periods, `today`
/// being the day classes are judged on (`YYYY-MM-DD`).
pub(crate) async fn record(
    tx: &mut Transaction<'static, Any>,
    engine: Dialect,
    changes: &[Change],
    today: &str,
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut people: Vec<i64> = changes.iter().map(|c| c.person).collect();
    people.sort_unstable();
    people.dedup();
    let mut periods: BTreeMap<i64, Vec<Period>> = people.iter().map(|p| (*p, Vec::new())).collect();
    for r in fetch_by_people(
        tx,
        engine,
        "SELECT person_id, level, from_on, to_on FROM class_periods WHERE person_id IN ({list}) ORDER BY person_id, from_on, id",
        &people,
    )
    .await?
    {
        periods.entry(r.try_get("person_id")?).or_default().push(Period {
            level: r.try_get("level")?,
            from: r.try_get("from_on")?,
            to: r.try_get("to_on")?,
        });
    }
    let before = periods.clone();
    let mut units: HashMap<i64, (String, String, String)> = HashMap::new();
    for r in fetch_by_people(
        tx,
        engine,
        "SELECT id, province_code, district_code, commune_code FROM persons WHERE id IN ({list})",
        &people,
    )
    .await?
    {
        units.insert(
            r.try_get("id")?,
            (
                r.try_get("province_code")?,
                r.try_get("district_code")?,
                r.try_get("commune_code")?,
            ),
        );
    }
    let mut confirmed: HashMap<i64, String> = HashMap::new();
    let mut released: HashMap<i64, Vec<String>> = HashMap::new();
    let f0: Vec<i64> = changes
        .iter()
        .filter(|c| c.after.as_ref().is_some_and(|a| a.level == 0))
        .map(|c| c.person)
        .collect();
    if !f0.is_empty() {
        for r in fetch_by_people(
            tx,
            engine,
            "SELECT person_id, confirmed_on FROM cases WHERE person_id IN ({list})",
            &f0,
        )
        .await?
        {
            confirmed.insert(r.try_get("person_id")?, r.try_get("confirmed_on")?);
        }
    }
    let ended: Vec<i64> = changes
        .iter()
        .filter(|c| c.after.is_none())
        .map(|c| c.person)
        .collect();
    if !ended.is_empty() {
        for r in fetch_by_people(
            tx,
            engine,
            "SELECT person_id, released_on FROM person_status WHERE released_on IS NOT NULL AND person_id IN ({list}) \
             UNION ALL SELECT person_id, released_on FROM quarantine_orders WHERE status = 'released' \
             AND released_on IS NOT NULL AND person_id IN ({list})",
            &ended,
        )
        .await?
        {
            released
                .entry(r.try_get("person_id")?)
                .or_default()
                .push(r.try_get("released_on")?);
        }
    }

    for c in changes {
        let Some(list) = periods.get_mut(&c.person) else {
            continue;
        };
        match &c.after {
            Some(a) if a.level > 0 => {
                let since = date(a.since);
                end_at(list, &day_before(&since));
                list.push(Period {
                    level: a.level as i64,
                    from: since,
                    to: (a.until < OPEN).then(|| date(a.until)),
                });
            }
            Some(_) => {
                if let Some(on) = confirmed.get(&c.person) {
                    end_at(list, &day_before(on));
                }
            }
            None => {
                // The period holding yesterday (or later) ends: on the day
                // before a release within it, else yesterday.
                let yesterday = day_before(today);
                let open_from = list
                    .iter()
                    .filter(|p| p.to.as_deref().is_none_or(|t| t >= yesterday.as_str()))
                    .map(|p| p.from.clone())
                    .min();
                if let Some(from) = open_from {
                    let release = released
                        .get(&c.person)
                        .into_iter()
                        .flatten()
                        .filter(|r| r.as_str() > from.as_str() && r.as_str() <= today)
                        .max();
                    let last = release.map_or(yesterday, |r| day_before(r));
                    end_at(list, &last);
                }
            }
        }
    }

    let changed: Vec<i64> = periods
        .iter()
        .filter(|(p, list)| before.get(p) != Some(list))
        .map(|(p, _)| *p)
        .collect();
    for chunk in changed.chunks(500) {
        let sql = format!(
            "DELETE FROM class_periods WHERE person_id IN ({})",
            in_list(engine, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q.bind(*p);
        }
        q.execute(&mut **tx).await?;
    }
    let rows: Vec<(i64, &Period, &(String, String, String))> = changed
        .iter()
        .filter_map(|p| Some((*p, periods.get(p)?, units.get(p)?)))
        .flat_map(|(p, list, u)| list.iter().map(move |period| (p, period, u)))
        .collect();
    for chunk in rows.chunks(400) {
        let sql = format!(
            "INSERT INTO class_periods (person_id, level, from_on, to_on, province_code, district_code, commune_code) VALUES {}",
            placeholders(engine, chunk.len(), 7, "")
        );
        let mut q = sqlx::query(&sql);
        for (person, period, (province, district, commune)) in chunk {
            q = q
                .bind(*person)
                .bind(period.level)
                .bind(period.from.as_str())
                .bind(period.to.as_deref())
                .bind(province.as_str())
                .bind(district.as_str())
                .bind(commune.as_str());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Bring a case's course steps (`case_courses`) in line with its row after
/// a write: the first step begins on the confirmation; a new course is a
/// new step, from the day it ended treatment for a closed course (recovery
/// — else the negative test —, death) or else from `today`; a closed
/// course whose date was corrected moves its step. A case without steps
/// (just confirmed) gets them: in treatment from its confirmation (in
/// hospital when one is named, else at a place not recorded, for a case
/// confirmed already closed), then its end.
pub(crate) async fn sync_course(
    conn: &mut sqlx::AnyConnection,
    case_id: i64,
    today: &str,
    stamp: &str,
) -> Result<()> {
    let row = sqlx::query(
        "SELECT course, confirmed_on, recovered_on, died_on, negative_on, hospital FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut *conn)
    .await?;
    let course: String = row.try_get("course")?;
    let confirmed: String = row.try_get("confirmed_on")?;
    let recovered: Option<String> = row.try_get("recovered_on")?;
    let died: Option<String> = row.try_get("died_on")?;
    let negative: Option<String> = row.try_get("negative_on")?;
    let hospital: Option<String> = row.try_get("hospital")?;
    let steps: Vec<(i64, String, String)> = sqlx::query(
        "SELECT id, course, from_on FROM case_courses WHERE case_id = $1 ORDER BY from_on, id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("course")?,
            r.try_get("from_on")?,
        ))
    })
    .collect::<Result<_>>()?;
    let end = match course.as_str() {
        "recovered" => recovered.or(negative),
        "deceased" => died,
        "home" | "hospital" | "icu" => None,
        _ => Some(today.to_owned()),
    }
    .map(|d| d.max(confirmed.clone()));
    let insert = async |conn: &mut sqlx::AnyConnection, course: &str, from: &str| -> Result<()> {
        sqlx::query(
            "INSERT INTO case_courses (case_id, course, from_on, province_code, district_code, commune_code, recorded_at) \
             SELECT c.id, $1, $2, c.province_code, c.district_code, c.commune_code, $3 FROM cases c WHERE c.id = $4",
        )
        .bind(course)
        .bind(from)
        .bind(stamp)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    };
    let set_from = async |conn: &mut sqlx::AnyConnection, id: i64, from: &str| -> Result<()> {
        sqlx::query("UPDATE case_courses SET from_on = $1 WHERE id = $2")
            .bind(from)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    };
    let Some(first) = steps.first() else {
        let treated = match course.as_str() {
            "home" | "hospital" | "icu" => course.as_str(),
            _ if hospital.as_deref().is_some_and(|h| !h.trim().is_empty()) => "hospital",
            _ => "unplaced",
        };
        insert(conn, treated, &confirmed).await?;
        if let Some(end) = &end {
            insert(conn, &course, end).await?;
        }
        return Ok(());
    };
    if first.2 != confirmed {
        set_from(conn, first.0, &confirmed).await?;
    }
    let last = steps.last().unwrap_or(first);
    if last.1 != course {
        let from = end.unwrap_or_else(|| today.max(confirmed.as_str()).to_owned());
        // Steps recorded after the new one's day did not happen as recorded
        // (a recovery dated before a later move): the new step follows them.
        sqlx::query("DELETE FROM case_courses WHERE case_id = $1 AND from_on > $2 AND id <> $3")
            .bind(case_id)
            .bind(from.as_str())
            .bind(first.0)
            .execute(&mut *conn)
            .await?;
        insert(conn, &course, &from).await?;
    } else if let Some(end) = end
        && steps.len() > 1
        && last.2 != end
    {
        set_from(conn, last.0, &end).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(level: i64, from: &str, to: Option<&str>) -> Period {
        Period {
            level,
            from: from.into(),
            to: to.map(Into::into),
        }
    }

    #[test]
    fn ending_cuts_holding_periods_and_drops_later_ones() {
        let mut list = vec![
            p(2, "2021-08-01", Some("2021-08-15")),
            p(1, "2021-08-20", None),
        ];
        end_at(&mut list, "2021-08-10");
        assert_eq!(list, vec![p(2, "2021-08-01", Some("2021-08-10"))]);
        let mut list = vec![p(1, "2021-08-01", Some("2021-08-05"))];
        end_at(&mut list, "2021-08-10");
        assert_eq!(
            list,
            vec![p(1, "2021-08-01", Some("2021-08-05"))],
            "already over"
        );
        assert_eq!(day_before("2021-03-01"), "2021-02-28");
    }
}
