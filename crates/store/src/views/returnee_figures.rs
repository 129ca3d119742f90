//! Returnee figures of a period within a scope, for the dashboard: who was
//! to arrive, who passed a checkpoint, who reached home (and got an order),
//! positives at the checkpoints, the unvaccinated, who was overdue at the
//! period's end, and arrivals by province of origin.
//!
//! Every figure is counted from the dates of its events, so a past period
//! reads as it stood then: a registration cancelled after the period still
//! counts in it (its cancellation is its last change, `updated_at`), a
//! person confirmed home after the period's end is overdue at that end.
//! Checkpoint times are stored in UTC; the period's Vietnam days are turned
//! into UTC bounds here, so no engine converts zones.

use crate::sql::QueryBuilder;
use crate::{Result, Scope, Store};
use chrono::{Days, NaiveDate};
use serde::Serialize;
use sqlx::Row;

/// The figures of a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReturneeFigures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Registered to arrive in the period (not cancelled by its end).
    pub arriving: i64,
    /// Of those, leaving an epidemic area.
    pub from_epidemic_area: i64,
    /// Of those, with no vaccine dose.
    pub unvaccinated: i64,
    /// Passed a checkpoint in the period.
    pub through_checkpoint: i64,
    /// Of those, a positive rapid test at the checkpoint.
    pub positive_at_checkpoint: i64,
    /// Confirmed home in the period.
    pub home: i64,
    /// Of those, given a quarantine order.
    pub ordered: i64,
    /// Expected before the period's last day, not home at its end, not cancelled.
    pub overdue_at_end: i64,
    /// Arrivals of the period by province of origin, most first.
    pub by_origin: Vec<OriginCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OriginCount {
    pub province_code: String,
    pub province_name: String,
    pub arriving: i64,
}

/// The first instant (UTC, as stored) of a Vietnam day.
fn start_of(day: NaiveDate) -> String {
    format!("{}T17:00:00.000Z", day - Days::new(1))
}

impl Store {
    /// The returnee figures of `from..=to` within the scope.
    pub async fn returnee_figures(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ReturneeFigures> {
        let (from_s, to_s) = (from.to_string(), to.to_string());
        let (start, end) = (start_of(from), start_of(to + Days::new(1)));
        // $1 from, $2 to, $3 first instant, $4 instant after the last.
        const LIVE: &str = "NOT (r.status = 'cancelled' AND r.updated_at < $4)";
        let sql = format!(
            "SELECT \
             COALESCE(SUM(CASE WHEN r.arrival_on BETWEEN $1 AND $2 AND {LIVE} THEN 1 ELSE 0 END), 0) AS arriving, \
             COALESCE(SUM(CASE WHEN r.arrival_on BETWEEN $1 AND $2 AND {LIVE} AND r.area_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS from_area, \
             COALESCE(SUM(CASE WHEN r.arrival_on BETWEEN $1 AND $2 AND {LIVE} AND r.doses = 0 THEN 1 ELSE 0 END), 0) AS unvaccinated, \
             COALESCE(SUM(CASE WHEN r.checked_at >= $3 AND r.checked_at < $4 THEN 1 ELSE 0 END), 0) AS checked, \
             COALESCE(SUM(CASE WHEN r.checked_at >= $3 AND r.checked_at < $4 AND r.checkpoint_result = 'positive' THEN 1 ELSE 0 END), 0) AS positive, \
             COALESCE(SUM(CASE WHEN r.home_on BETWEEN $1 AND $2 THEN 1 ELSE 0 END), 0) AS home, \
             COALESCE(SUM(CASE WHEN r.home_on BETWEEN $1 AND $2 AND r.order_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS ordered, \
             COALESCE(SUM(CASE WHEN r.arrival_on < $2 AND (r.home_on IS NULL OR r.home_on > $2) AND {LIVE} THEN 1 ELSE 0 END), 0) AS overdue \
             FROM returnee_registrations r WHERE 1 = 1"
        );
        let mut b = QueryBuilder::numbered(sql, 4);
        scope.push_filter(&mut b, "r");
        let row = b
            .bind_onto(
                sqlx::query(b.sql())
                    .bind(from_s.as_str())
                    .bind(to_s.as_str())
                    .bind(start.as_str())
                    .bind(end.as_str()),
            )
            .fetch_one(&self.read)
            .await?;
        let n = |c: &str| -> Result<i64> { Ok(row.try_get::<i64, _>(c)?) };
        let mut f = ReturneeFigures {
            from,
            to,
            arriving: n("arriving")?,
            from_epidemic_area: n("from_area")?,
            unvaccinated: n("unvaccinated")?,
            through_checkpoint: n("checked")?,
            positive_at_checkpoint: n("positive")?,
            home: n("home")?,
            ordered: n("ordered")?,
            overdue_at_end: n("overdue")?,
            by_origin: Vec::new(),
        };
        let sql = "SELECT p.code, p.name, COUNT(*) AS n FROM returnee_registrations r \
             JOIN units o ON o.code = r.origin_code JOIN units p ON p.code = o.province_code \
             WHERE r.arrival_on BETWEEN $1 AND $2 AND NOT (r.status = 'cancelled' AND r.updated_at < $3)";
        let mut b = QueryBuilder::numbered(sql.to_owned(), 3);
        scope.push_filter(&mut b, "r");
        b.push(" GROUP BY p.code, p.name ORDER BY n DESC, p.code");
        let rows = b
            .bind_onto(
                sqlx::query(b.sql())
                    .bind(from_s.as_str())
                    .bind(to_s.as_str())
                    .bind(end.as_str()),
            )
            .fetch_all(&self.read)
            .await?;
        for r in rows {
            f.by_origin.push(OriginCount {
                province_code: r.try_get("code")?,
                province_name: r.try_get("name")?,
                arriving: r.try_get("n")?,
            });
        }
        Ok(f)
    }
}
