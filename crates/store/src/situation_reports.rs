//! The life of a rapid situation report: a unit's committee sends its
//! report for a period (the figures are computed from the records at that
//! moment and frozen — later corrections to the records do not change what
//! was sent), the level above approves it or returns it for correction (a
//! returned report is sent again as the next version), and the level above
//! sees which units have sent the day's report, which are late against the
//! province's deadline, and reminds those that have not.
//!
//! Sending needs the Report permission and is the unit's own; the figures are
//! stored as JSON, never updated. Reviewing is for any ancestor in scope, never
//! the unit itself; a returned report is sent again as the next version,
//! anything else refuses a second sending. `submissions` is the board of the
//! units one level below for a day (sent, late against the province's
//! `report_deadline`, missing once it passed, reminded); `remind` records a
//! reminder (and an audit entry). The wave's first day (`wave_start`, for
//! cumulative F0) and the deadline are province settings.

use crate::response::stamp;
use crate::sql::QueryBuilder;
use crate::util::vietnam;
use crate::{
    Actor, REPORT_DEADLINE, ReportFigures, Result, Scope, Store, StoreError, WAVE_START, audit,
};
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::Serialize;
use sqlx::Row;

/// A report as sent, with its review.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SituationReport {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub period_from: String,
    pub period_to: String,
    pub version: i64,
    /// `submitted`, `approved` or `returned`.
    pub status: String,
    pub comments: String,
    pub submitted_by: String,
    pub submitted_at: String,
    /// Sent after the province's deadline on the period's last day.
    pub late: bool,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_note: Option<String>,
    /// The figures as they were when it was sent.
    pub figures: ReportFigures,
}

/// Where a unit below stands with the day's report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Submission {
    pub unit_code: String,
    pub unit_name: String,
    /// The latest version sent for the day, if any: id, status, when, late.
    pub report_id: Option<i64>,
    pub status: Option<String>,
    pub submitted_at: Option<String>,
    pub late: bool,
    /// The deadline has passed and nothing was sent.
    pub missing: bool,
    /// The last reminder sent for the day.
    pub reminded_at: Option<String>,
}

const REPORT_COLUMNS: &str = "r.id, r.unit_code, u.name AS unit_name, r.period_from, r.period_to, r.version, r.status, \
    r.comments, r.submitted_by, r.submitted_at, r.reviewed_by, r.reviewed_at, r.review_note, r.figures_json, r.province_code";

fn invalid(field: &str, vi: impl Into<String>, en: impl Into<String>) -> StoreError {
    Invalid(vec![FieldError::new(field, "invalid", vi, en)]).into()
}

/// The UTC time of `deadline` (Vietnam's time) on `day`, as stored times read.
fn deadline_stamp(day: &str, deadline: NaiveTime) -> Option<String> {
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let t = vietnam()
        .from_local_datetime(&day.and_time(deadline))
        .single()?;
    Some(stamp(t.with_timezone(&Utc)))
}

impl Store {
    /// The first day of the current wave in a province (a setting).
    pub async fn wave_start(&self, province_code: &str) -> Result<NaiveDate> {
        let value = self.setting(province_code, WAVE_START).await?.value;
        // Settings are checked when written; a stored value that does not
        // read is the data's fault, said as such — never a default wave.
        NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
            StoreError::Data(format!(
                "settings.wave_start of {province_code}: “{value}” is not a date"
            ))
        })
    }

    /// The time of day by which the province's units send their report.
    pub async fn report_deadline(&self, province_code: &str) -> Result<NaiveTime> {
        let value = self.setting(province_code, REPORT_DEADLINE).await?.value;
        NaiveTime::parse_from_str(&value, "%H:%M").map_err(|_| {
            StoreError::Data(format!(
                "settings.report_deadline of {province_code}: “{value}” is not a time"
            ))
        })
    }

    fn report_from_row(
        &self,
        r: &sqlx::any::AnyRow,
        deadline: NaiveTime,
    ) -> Result<SituationReport> {
        let period_to: String = r.try_get("period_to")?;
        let submitted_at: String = r.try_get("submitted_at")?;
        let late = deadline_stamp(&period_to, deadline).is_some_and(|d| submitted_at > d);
        Ok(SituationReport {
            id: r.try_get("id")?,
            unit_code: r.try_get("unit_code")?,
            unit_name: r.try_get("unit_name")?,
            period_from: r.try_get("period_from")?,
            version: r.try_get("version")?,
            status: r.try_get("status")?,
            comments: r.try_get("comments")?,
            submitted_by: r.try_get("submitted_by")?,
            reviewed_by: r.try_get("reviewed_by")?,
            reviewed_at: r.try_get("reviewed_at")?,
            review_note: r.try_get("review_note")?,
            figures: serde_json::from_str(&r.try_get::<String, _>("figures_json")?)?,
            late,
            submitted_at,
            period_to,
        })
    }

    /// Send the unit's report for `from..=to` (the actor's own unit): the
    /// figures are computed now and kept as they are.
    pub async fn submit_report(
        &self,
        actor: &Actor,
        unit_code: &str,
        from: NaiveDate,
        to: NaiveDate,
        comments: &str,
        today: NaiveDate,
    ) -> Result<SituationReport> {
        actor.require(Permission::Report)?;
        let unit = self.unit(unit_code).await?;
        if !actor.scope.contains(&unit) {
            return Err(StoreError::not_found(crate::error::Entity::Unit, unit_code));
        }
        if !actor.scope.is_national() && actor.scope.root().map(|r| r.as_str()) != Some(&unit.code)
        {
            return Err(invalid(
                "unit_code",
                "Mỗi đơn vị tự gửi báo cáo của mình; cấp trên duyệt.",
                "Each unit sends its own report; the level above reviews it.",
            ));
        }
        if unit.level == UnitLevel::Hamlet {
            return Err(invalid(
                "unit_code",
                "Thôn không gửi báo cáo nhanh.",
                "Hamlets do not send rapid reports.",
            ));
        }
        if to > today || phongdich_domain::report::check_period(from, to).is_err() {
            return Err(invalid(
                "period_to",
                "Kỳ báo cáo: từ ngày không sau đến ngày, không quá hôm nay, tối đa một năm.",
                "The period runs forwards, ends by today and lasts at most a year.",
            ));
        }
        let wave = self.wave_start(&unit.province_code).await?;
        let figures = self
            .report_figures(&actor.scope, &unit.code, from, to, wave)
            .await?;
        let comments = phongdich_domain::text::clean(comments);
        let mut tx = self.write.begin().await?;
        let last: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, status FROM situation_reports WHERE unit_code = $1 AND period_from = $2 AND period_to = $3 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(unit.code.as_str())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((_, status)) = last.as_ref().filter(|l| l.1 != "returned") {
            return Err(StoreError::conflict(
                format!("Báo cáo kỳ này đã gửi ({status}); chỉ gửi lại khi cấp trên trả lại."),
                format!(
                    "This period's report was sent ({status}); send again only once it is returned."
                ),
            ));
        }
        let version = last.map_or(1, |l| l.0 + 1);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO situation_reports (unit_code, period_from, period_to, version, status, wave_start, figures_json, \
             comments, submitted_by, submitted_at, province_code, district_code, commune_code) \
             VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(unit.code.as_str())
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(version)
        .bind(wave.to_string())
        .bind(serde_json::to_string(&figures)?)
        .bind(comments.as_str())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .bind(unit.province_code.as_str())
        .bind(unit.district_code.as_deref())
        .bind(unit.commune_code.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(&self.clock,
            &mut tx,
            actor,
            "submit",
            "situation_report",
            &id.to_string(),
            Some(&unit.code),
            None::<&()>,
            Some(&serde_json::json!({
                "unit": unit.code, "from": from.to_string(), "to": to.to_string(), "version": version,
                "figures": figures.figures, "comments": comments,
            })),
        )
        .await?;
        tx.commit().await?;
        self.situation_report(&actor.scope, id).await
    }

    /// A report of the scope, as sent.
    pub async fn situation_report(&self, scope: &Scope, id: i64) -> Result<SituationReport> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM situation_reports r JOIN units u ON u.code = r.unit_code WHERE r.id = $1"
        );
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "r");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        let Some(r) = q.fetch_optional(&self.read).await? else {
            return Err(StoreError::not_found(
                crate::error::Entity::SituationReport,
                id,
            ));
        };
        let province: String = r.try_get("province_code")?;
        let deadline = self.report_deadline(&province).await?;
        self.report_from_row(&r, deadline)
    }

    /// The reports a unit of the scope has sent, newest period first.
    pub async fn reports_of_unit(
        &self,
        scope: &Scope,
        unit_code: &str,
        limit: i64,
    ) -> Result<Vec<SituationReport>> {
        let unit = self.unit(unit_code).await?;
        if !scope.contains(&unit) {
            return Err(StoreError::not_found(crate::error::Entity::Unit, unit_code));
        }
        let deadline = self.report_deadline(&unit.province_code).await?;
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM situation_reports r JOIN units u ON u.code = r.unit_code \
             WHERE r.unit_code = $1 ORDER BY r.period_to DESC, r.version DESC LIMIT {}",
            limit.clamp(1, 1000)
        ))
        .bind(unit.code.as_str())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| self.report_from_row(r, deadline))
            .collect()
    }

    /// The latest report the unit sent for a period ending before `before`
    /// (not a returned one): what "the change since the previous report" is
    /// measured against.
    pub async fn previous_report(
        &self,
        scope: &Scope,
        unit_code: &str,
        before: NaiveDate,
    ) -> Result<Option<SituationReport>> {
        let unit = self.unit(unit_code).await?;
        if !scope.contains(&unit) {
            return Err(StoreError::not_found(crate::error::Entity::Unit, unit_code));
        }
        let row = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM situation_reports r JOIN units u ON u.code = r.unit_code \
             WHERE r.unit_code = $1 AND r.period_to < $2 AND r.status <> 'returned' \
             ORDER BY r.period_to DESC, r.version DESC LIMIT 1"
        ))
        .bind(unit.code.as_str())
        .bind(before.to_string())
        .fetch_optional(&self.read)
        .await?;
        let deadline = self.report_deadline(&unit.province_code).await?;
        row.map(|r| self.report_from_row(&r, deadline)).transpose()
    }

    /// The level above approves a report, or returns it with a reason.
    pub async fn review_report(
        &self,
        actor: &Actor,
        id: i64,
        approve: bool,
        note: &str,
    ) -> Result<SituationReport> {
        actor.require(Permission::Report)?;
        let report = self.situation_report(&actor.scope, id).await?;
        if actor.scope.root().map(|r| r.as_str()) == Some(report.unit_code.as_str()) {
            return Err(invalid(
                "id",
                "Báo cáo do cấp trên duyệt, không tự duyệt.",
                "A report is reviewed by the level above, not by its own unit.",
            ));
        }
        if report.status != "submitted" {
            return Err(StoreError::conflict(
                "Báo cáo này đã được duyệt hoặc trả lại.",
                "This report has already been reviewed.",
            ));
        }
        let note = phongdich_domain::text::clean(note);
        if !approve && note.is_empty() {
            return Err(Invalid(vec![FieldError::new(
                "note",
                "required",
                "Ghi lý do trả lại để đơn vị sửa.",
                "Say why it is returned, so the unit can correct it.",
            )])
            .into());
        }
        let status = if approve { "approved" } else { "returned" };
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE situation_reports SET status = $1, reviewed_by = $2, reviewed_at = $3, review_note = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .bind((!note.is_empty()).then_some(note.as_str()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            if approve { "approve" } else { "return" },
            "situation_report",
            &id.to_string(),
            Some(&report.unit_code),
            Some(&serde_json::json!({ "status": report.status })),
            Some(&serde_json::json!({ "status": status, "note": note })),
        )
        .await?;
        tx.commit().await?;
        self.situation_report(&actor.scope, id).await
    }

    /// The units one level below `unit_code` and where each stands with the
    /// report for `day`, judged at `at` against the province's deadline.
    pub async fn submissions(
        &self,
        scope: &Scope,
        unit_code: &str,
        day: NaiveDate,
        at: chrono::DateTime<Utc>,
    ) -> Result<Vec<Submission>> {
        let unit = self.unit(unit_code).await?;
        if !scope.contains(&unit) {
            return Err(StoreError::not_found(crate::error::Entity::Unit, unit_code));
        }
        let deadline = self.report_deadline(&unit.province_code).await?;
        let due = deadline_stamp(&day.to_string(), deadline).unwrap_or_default();
        let past_deadline = stamp(at) > due;
        // Each unit with its latest version for the day (if any), in one query.
        let rows = sqlx::query(
            "SELECT u.code, u.name, r.id AS report_id, r.status, r.submitted_at, \
             (SELECT MAX(m.reminded_at) FROM report_reminders m WHERE m.unit_code = u.code AND m.day = $2) AS reminded_at \
             FROM units u LEFT JOIN situation_reports r ON r.id = \
               (SELECT x.id FROM situation_reports x WHERE x.unit_code = u.code AND x.period_from = $2 AND x.period_to = $2 \
                ORDER BY x.version DESC LIMIT 1) \
             WHERE u.parent_code = $1 AND u.level <> 'hamlet' ORDER BY u.code",
        )
        .bind(unit.code.as_str())
        .bind(day.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let report_id: Option<i64> = r.try_get("report_id")?;
            let status: Option<String> = r.try_get("status")?;
            let submitted_at: Option<String> = r.try_get("submitted_at")?;
            out.push(Submission {
                unit_code: r.try_get("code")?,
                unit_name: r.try_get("name")?,
                late: submitted_at.as_deref().is_some_and(|t| t > due.as_str()),
                missing: report_id.is_none() && past_deadline,
                report_id,
                status,
                submitted_at,
                reminded_at: r.try_get("reminded_at")?,
            });
        }
        Ok(out)
    }

    /// The level above reminds a unit to send the day's report.
    pub async fn remind(&self, actor: &Actor, unit_code: &str, day: NaiveDate) -> Result<()> {
        actor.require(Permission::Report)?;
        let unit = self.unit(unit_code).await?;
        if !actor.scope.contains(&unit)
            || actor.scope.root().map(|r| r.as_str()) == Some(&unit.code)
        {
            return Err(StoreError::not_found(crate::error::Entity::Unit, unit_code));
        }
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO report_reminders (unit_code, day, reminded_by, reminded_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(unit.code.as_str())
        .bind(day.to_string())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "remind",
            "situation_report",
            &id.to_string(),
            Some(&unit.code),
            None::<&()>,
            Some(&serde_json::json!({ "unit": unit.code, "day": day.to_string() })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reminders a unit has had for the day's report: who and when, newest first.
    pub async fn reminders(
        &self,
        unit_code: &str,
        day: NaiveDate,
    ) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT reminded_by, reminded_at FROM report_reminders WHERE unit_code = $1 AND day = $2 ORDER BY reminded_at DESC",
        )
        .bind(unit_code)
        .bind(day.to_string())
        .fetch_all(&self.read)
        .await?)
    }
}
