//! Rapid response for F0 at home: the duty roster (shifts of a unit's
//! response team, day and night), alerts routed to the team on duty at the
//! nearest level that has one, alerts nobody takes escalated one level up
//! after the province's configured minutes, response times, and the oxygen
//! concentrators and cylinders lent to patients.
//!
//! `duty_shifts` is a roster of shifts per unit (commune, district or province;
//! `[starts_at, ends_at)` in UTC, at most 24 hours, added one at a time or the
//! same hours on up to 31 days in one transaction; cancelled, never deleted).
//! When vital signs raise an alert, `route` gives it to the shift on duty at
//! the nearest level that has one (commune, then district, then province — at a
//! handover the shift that started last); with no team on duty anywhere it
//! stays with the commune, shown as "no team on duty". `escalate_alerts(at)`
//! moves every alert still untaken after the province's
//! `alert_escalation_minutes` (5–240, 30 by default) since it was raised or
//! last escalated one level up, to the team on duty there; the web server runs
//! it once a minute, and each move is an audit entry by `system` (source
//! `escalation`). `response_times` gives medians to take and to act,
//! escalations, and the oldest alert waiting.
//!
//! Oxygen equipment (`oxygen_equipment`, concentrators and cylinders kept by a
//! unit, numbered uniquely in the province) is lent to a home treatment
//! (`oxygen_loans`) from the F0's page or as part of answering an alert with
//! oxygen — in the alert's transaction, so a refused loan leaves the alert open
//! — and returned; the list flags equipment still out with a patient whose home
//! treatment is over. Rosters and equipment carry the unit's own codes
//! (district and commune empty above them), so a commune sees its own, a
//! district its own and its communes'. Times are typed and shown in Vietnam's
//! time (`vietnam()`, UTC+7), whatever the server's zone.

use crate::sql::QueryBuilder;
use crate::util::vietnam;
use crate::{
    ALERT_ESCALATION_MINUTES, Actor, Result, Scope, Store, StoreError, audit, units::Unit,
};
use chrono::{DateTime, Duration, Utc};
use phongdich_domain::response::{NewEquipment, NewShifts};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

pub use phongdich_domain::response::{EquipmentInput, EquipmentKind, ShiftInput, parse_time};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyShift {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub team: String,
    pub members: String,
    pub phone: String,
    /// RFC 3339 UTC.
    pub starts_at: String,
    pub ends_at: String,
    pub cancelled_at: Option<String>,
    /// The green zone's checkpoint this shift guards, if it is one's.
    pub checkpoint_id: Option<i64>,
    pub checkpoint_place: Option<String>,
}

/// How fast alerts of a scope were answered.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ResponseTimes {
    /// Alerts raised since the given time.
    pub raised: i64,
    pub acknowledged: i64,
    pub acted: i64,
    /// Of them, escalated at least once.
    pub escalated: i64,
    /// Open now (not yet taken), and the oldest one's age in minutes.
    pub open: i64,
    pub oldest_open_minutes: Option<i64>,
    /// Medians, in minutes.
    pub median_minutes_to_acknowledge: Option<i64>,
    pub median_minutes_to_act: Option<i64>,
}

/// A piece of oxygen equipment and, when lent, to whom.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OxygenEquipment {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub capacity: String,
    /// `available`, `lent` or `retired`.
    pub status: String,
    pub unit_code: String,
    pub loan: Option<OxygenLoan>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OxygenLoan {
    pub id: i64,
    pub equipment_id: i64,
    pub treatment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub alert_id: Option<i64>,
    pub lent_at: String,
    pub lent_by: String,
    pub returned_at: Option<String>,
    /// The home treatment's status: when no longer `active`, collect it.
    pub treatment_status: String,
}

fn invalid(field: &str, vi: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(field, "invalid", vi, en)
}

/// Vietnam's days `from..=to` as UTC times `[start, end)`, for columns
/// stamped in RFC 3339 UTC.
pub(crate) fn responses_window(from: chrono::NaiveDate, to: chrono::NaiveDate) -> (String, String) {
    use chrono::TimeZone;
    let midnight = |d: chrono::NaiveDate| {
        vietnam()
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .single()
            .map(|t| stamp(t.with_timezone(&Utc)))
            .unwrap_or_default()
    };
    (midnight(from), midnight(to + chrono::Days::new(1)))
}

pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn unit_columns(u: &Unit) -> (String, Option<String>, Option<String>) {
    (
        u.province_code.clone(),
        u.district_code.clone(),
        u.commune_code.clone(),
    )
}

const SHIFT_COLUMNS: &str = "s.id, s.unit_code, u.name AS unit_name, s.team, s.members, s.phone, s.starts_at, s.ends_at, s.cancelled_at, \
     s.checkpoint_id, (SELECT k.place FROM zone_checkpoints k WHERE k.id = s.checkpoint_id) AS checkpoint_place";

fn shift_from_row(r: &sqlx::any::AnyRow) -> Result<DutyShift> {
    Ok(DutyShift {
        id: r.try_get("id")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        team: r.try_get("team")?,
        members: r.try_get("members")?,
        phone: r.try_get("phone")?,
        starts_at: r.try_get("starts_at")?,
        ends_at: r.try_get("ends_at")?,
        cancelled_at: r.try_get("cancelled_at")?,
        checkpoint_id: r.try_get("checkpoint_id")?,
        checkpoint_place: r.try_get("checkpoint_place")?,
    })
}

/// The shift on duty at `at` for the first of `units` (nearest level first)
/// that has one: its unit and id. At a handover, the shift that started last.
pub(crate) async fn route(
    tx: &mut Transaction<'static, Any>,
    units: &[&str],
    at: &str,
) -> Result<Option<(String, i64)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, unit_code FROM duty_shifts WHERE unit_code IN ($1, $2, $3) AND cancelled_at IS NULL AND checkpoint_id IS NULL \
         AND starts_at <= $4 AND ends_at > $4 ORDER BY starts_at DESC, id DESC",
    )
    .bind(units.first().copied().unwrap_or(""))
    .bind(units.get(1).copied().unwrap_or(""))
    .bind(units.get(2).copied().unwrap_or(""))
    .bind(at)
    .fetch_all(&mut **tx)
    .await?;
    Ok(units.iter().find_map(|u| {
        rows.iter()
            .find(|(_, code)| code == u)
            .map(|(id, code)| (code.clone(), *id))
    }))
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[v.len() / 2])
}

impl Store {
    /// A unit of the actor's jurisdiction at commune level or above, for a
    /// roster or an equipment store.
    async fn response_unit(&self, actor: &Actor, code: &str) -> Result<Unit> {
        let unit = self.unit(code.trim()).await.map_err(|_| {
            StoreError::from(Invalid(vec![invalid(
                "unit_code",
                "Chọn một đơn vị (xã, huyện hoặc tỉnh).",
                "Choose a unit (commune, district or province).",
            )]))
        })?;
        if !actor.scope.contains(&unit) {
            return Err(StoreError::not_found(
                crate::error::Entity::Unit,
                code.trim(),
            ));
        }
        if matches!(unit.level, UnitLevel::Hamlet | UnitLevel::National) {
            return Err(Invalid(vec![invalid(
                "unit_code",
                "Đội trực thuộc xã, huyện hoặc tỉnh, không thuộc thôn hay cấp quốc gia.",
                "A team belongs to a commune, district or province, not a hamlet or the national level.",
            )])
            .into());
        }
        Ok(unit)
    }

    /// [`Self::response_unit`], its refusal added to the form's `errors`.
    async fn response_unit_or(
        &self,
        actor: &Actor,
        code: &str,
        errors: &mut Vec<FieldError>,
    ) -> Result<Option<Unit>> {
        match self.response_unit(actor, code).await {
            Ok(u) => Ok(Some(u)),
            Err(StoreError::Invalid(Invalid(e))) => {
                errors.extend(e);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Put shifts on the roster (all or none).
    pub async fn add_shifts(&self, actor: &Actor, input: &ShiftInput) -> Result<Vec<DutyShift>> {
        actor.require(Permission::ManageResponse)?;
        let parsed = input.parse(self.clock.now_utc());
        let mut errors = parsed
            .as_ref()
            .err()
            .map(|e| e.0.clone())
            .unwrap_or_default();
        let unit = self
            .response_unit_or(actor, &input.unit_code, &mut errors)
            .await?;
        if let (Some(u), Some(k)) = (&unit, input.checkpoint_id)
            && !self.checkpoint_under(k, &u.code).await?
        {
            errors.push(invalid(
                "checkpoint_id",
                format!("Không có chốt số {k} của một vùng xanh thuộc {}.", u.name),
                format!("No checkpoint {k} of a green zone within {}.", u.name),
            ));
        }
        let (Some(unit), Ok(shifts), true) = (unit, parsed, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        let NewShifts {
            team,
            members,
            phone,
            starts_at: starts,
            ends_at: ends,
            repeat_days: repeat,
            ..
        } = shifts;
        let (province, district, commune) = unit_columns(&unit);
        let created = self.stamp();
        let mut tx = self.write.begin().await?;
        let mut ids = Vec::new();
        for day in 0..i64::from(repeat) {
            let (s, e) = (
                stamp(starts + Duration::days(day)),
                stamp(ends + Duration::days(day)),
            );
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO duty_shifts (unit_code, team, members, phone, starts_at, ends_at, province_code, district_code, \
                 commune_code, created_by, created_at, checkpoint_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(unit.code.as_str())
            .bind(team.as_str())
            .bind(members.as_str())
            .bind(phone.as_str())
            .bind(s.as_str())
            .bind(e.as_str())
            .bind(province.as_str())
            .bind(district.as_deref())
            .bind(commune.as_deref())
            .bind(actor.name.as_str())
            .bind(created.as_str())
            .bind(input.checkpoint_id)
            .fetch_one(&mut *tx)
            .await?;
            audit::record(&self.clock,
                &mut tx,
                actor,
                "create",
                "duty_shift",
                &id.to_string(),
                Some(&unit.code),
                None::<&()>,
                Some(&serde_json::json!({
                    "unit": unit.code, "team": team, "members": members, "phone": phone, "starts_at": s, "ends_at": e,
                    "checkpoint_id": input.checkpoint_id,
                })),
            )
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        let mut out = Vec::new();
        for id in ids {
            out.push(self.duty_shift(&actor.scope, id).await?);
        }
        Ok(out)
    }

    /// Whether checkpoint `id` guards a zone still green at `unit` or under it.
    async fn checkpoint_under(&self, id: i64, unit: &str) -> Result<bool> {
        let zone_unit: Option<String> = sqlx::query_scalar(
            "SELECT z.unit_code FROM zone_checkpoints k JOIN green_zones z ON z.id = k.zone_id \
             WHERE k.id = $1 AND z.status = 'green'",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        Ok(match zone_unit {
            Some(z) => self.unit(&z).await?.lineage().any(|c| c == unit),
            None => false,
        })
    }

    /// The roster's shifts at a zone's checkpoints not yet over at `now`
    /// (not cancelled), by start: (checkpoint, shift).
    pub(crate) async fn checkpoint_shifts(
        &self,
        zone_id: i64,
        now: &str,
    ) -> Result<Vec<(i64, DutyShift)>> {
        let sql = format!(
            "SELECT {SHIFT_COLUMNS} FROM duty_shifts s JOIN units u ON u.code = s.unit_code \
             JOIN zone_checkpoints zk ON zk.id = s.checkpoint_id \
             WHERE zk.zone_id = $1 AND s.cancelled_at IS NULL AND s.ends_at > $2 ORDER BY s.starts_at, s.id LIMIT 500"
        );
        sqlx::query(&sql)
            .bind(zone_id)
            .bind(now)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                let s = shift_from_row(r)?;
                Ok((s.checkpoint_id.unwrap_or_default(), s))
            })
            .collect()
    }

    pub async fn duty_shift(&self, scope: &Scope, id: i64) -> Result<DutyShift> {
        let sql = format!(
            "SELECT {SHIFT_COLUMNS} FROM duty_shifts s JOIN units u ON u.code = s.unit_code WHERE s.id = $1"
        );
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "s");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        match q.fetch_optional(&self.read).await? {
            Some(r) => shift_from_row(&r),
            None => Err(StoreError::not_found(crate::error::Entity::DutyShift, id)),
        }
    }

    /// Shifts of the scope overlapping `[from, to)`, cancelled ones too, by start.
    pub async fn duty_shifts(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DutyShift>> {
        let sql = format!(
            "SELECT {SHIFT_COLUMNS} FROM duty_shifts s JOIN units u ON u.code = s.unit_code \
             WHERE s.ends_at > $1 AND s.starts_at < $2"
        );
        let mut b = QueryBuilder::numbered(sql, 2);
        scope.push_filter(&mut b, "s");
        b.push(" ORDER BY s.starts_at, s.unit_code, s.id LIMIT 2000");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(stamp(from)).bind(stamp(to)));
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(shift_from_row)
            .collect()
    }

    /// Take a shift off the roster; alerts routed to it stay where they are.
    pub async fn cancel_shift(&self, actor: &Actor, id: i64) -> Result<DutyShift> {
        actor.require(Permission::ManageResponse)?;
        let shift = self.duty_shift(&actor.scope, id).await?;
        if shift.cancelled_at.is_some() {
            return Err(StoreError::conflict(
                "Ca trực này đã được huỷ.",
                "This shift has already been cancelled.",
            ));
        }
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE duty_shifts SET cancelled_at = $1, cancelled_by = $2 WHERE id = $3")
            .bind(self.stamp())
            .bind(actor.name.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "cancel",
            "duty_shift",
            &id.to_string(),
            Some(&shift.unit_code),
            Some(&shift),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.duty_shift(&actor.scope, id).await
    }

    /// Move every alert nobody has taken within its province's
    /// `alert_escalation_minutes` (since it was raised or last escalated) one
    /// level up — commune → district → province — to the team on duty there.
    /// Run by the server every minute; returns the alerts moved.
    pub async fn escalate_alerts(&self, at: DateTime<Utc>) -> Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT id, raised_at, escalated_at, level_unit, province_code, district_code, commune_code, escalations \
             FROM treatment_alerts WHERE status = 'open' ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut minutes: HashMap<String, i64> = HashMap::new();
        let system = Actor::system("escalation");
        let when = stamp(at);
        let mut moved = Vec::new();
        let mut tx = self.write.begin().await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let since: String = r
                .try_get::<Option<String>, _>("escalated_at")?
                .unwrap_or(r.try_get("raised_at")?);
            let level: Option<String> = r.try_get("level_unit")?;
            let province: String = r.try_get("province_code")?;
            let district: String = r.try_get("district_code")?;
            let commune: String = r.try_get("commune_code")?;
            let level = level.unwrap_or_else(|| commune.clone());
            let next = if level == commune {
                district.clone()
            } else if level == district {
                province.clone()
            } else {
                continue; // already at the province
            };
            let limit = match minutes.get(&province) {
                Some(m) => *m,
                None => {
                    let m = self
                        .setting(&province, ALERT_ESCALATION_MINUTES)
                        .await?
                        .value
                        .parse()
                        .unwrap_or(30);
                    minutes.insert(province.clone(), m);
                    m
                }
            };
            let Ok(since) = DateTime::parse_from_rfc3339(&since) else {
                continue;
            };
            if at - since.with_timezone(&Utc) < Duration::minutes(limit) {
                continue;
            }
            let shift = route(&mut tx, &[next.as_str()], &when).await?;
            let changed = sqlx::query(
                "UPDATE treatment_alerts SET level_unit = $1, shift_id = $2, escalations = escalations + 1, escalated_at = $3 \
                 WHERE id = $4 AND status = 'open'",
            )
            .bind(next.as_str())
            .bind(shift.as_ref().map(|s| s.1))
            .bind(when.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                continue;
            }
            audit::record(&self.clock,
                &mut tx,
                &system,
                "escalate",
                "treatment_alert",
                &id.to_string(),
                Some(&commune),
                Some(&serde_json::json!({ "level_unit": level })),
                Some(&serde_json::json!({
                    "level_unit": next, "shift": shift.as_ref().map(|s| s.1), "after_minutes": limit,
                })),
            )
            .await?;
            moved.push(id);
        }
        tx.commit().await?;
        Ok(moved)
    }

    /// How fast the alerts of the scope raised since `since` were answered.
    pub async fn response_times(
        &self,
        scope: &Scope,
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<ResponseTimes> {
        let sql = "SELECT a.raised_at, a.acknowledged_at, a.acted_at, a.status, a.escalations FROM treatment_alerts a \
             WHERE a.raised_at >= $1";
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "a");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(stamp(since)));
        let minutes = |from: &str, to: &str| {
            let a = DateTime::parse_from_rfc3339(from).ok()?;
            let b = DateTime::parse_from_rfc3339(to).ok()?;
            Some((b - a).num_minutes())
        };
        let mut out = ResponseTimes::default();
        let (mut to_ack, mut to_act) = (Vec::new(), Vec::new());
        let now = stamp(at);
        for r in q.fetch_all(&self.read).await? {
            let raised: String = r.try_get("raised_at")?;
            let ack: Option<String> = r.try_get("acknowledged_at")?;
            let acted: Option<String> = r.try_get("acted_at")?;
            let status: String = r.try_get("status")?;
            out.raised += 1;
            if r.try_get::<i64, _>("escalations")? > 0 {
                out.escalated += 1;
            }
            if let Some(m) = ack.as_deref().and_then(|t| minutes(&raised, t)) {
                out.acknowledged += 1;
                to_ack.push(m);
            }
            if let Some(m) = acted.as_deref().and_then(|t| minutes(&raised, t)) {
                out.acted += 1;
                to_act.push(m);
            }
            if status == "open" {
                out.open += 1;
                let age = minutes(&raised, &now);
                out.oldest_open_minutes = out.oldest_open_minutes.max(age);
            }
        }
        out.median_minutes_to_acknowledge = median(to_ack);
        out.median_minutes_to_act = median(to_act);
        Ok(out)
    }

    /// Register a concentrator or cylinder kept by a unit of the jurisdiction.
    pub async fn add_equipment(
        &self,
        actor: &Actor,
        input: &EquipmentInput,
    ) -> Result<OxygenEquipment> {
        actor.require(Permission::ManageResponse)?;
        let parsed = input.parse();
        let mut errors = parsed
            .as_ref()
            .err()
            .map(|e| e.0.clone())
            .unwrap_or_default();
        let unit = self
            .response_unit_or(actor, &input.unit_code, &mut errors)
            .await?;
        let (Some(unit), Ok(equipment)) = (unit, parsed) else {
            return Err(Invalid(errors).into());
        };
        let NewEquipment {
            kind,
            label,
            capacity,
            ..
        } = equipment;
        let kind = kind.as_str();
        let (province, district, commune) = unit_columns(&unit);
        let mut tx = self.write.begin().await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM oxygen_equipment WHERE province_code = $1 AND label = $2",
        )
        .bind(province.as_str())
        .bind(label.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(Invalid(vec![FieldError::new(
                "label",
                "duplicate",
                format!("Số hiệu «{label}» đã có trong tỉnh."),
                format!("“{label}” is already registered in the province."),
            )])
            .into());
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO oxygen_equipment (kind, label, capacity, status, unit_code, province_code, district_code, \
             commune_code, created_by, created_at) VALUES ($1, $2, $3, 'available', $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(kind)
        .bind(label.as_str())
        .bind(capacity.as_str())
        .bind(unit.code.as_str())
        .bind(province.as_str())
        .bind(district.as_deref())
        .bind(commune.as_deref())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(&self.clock,
            &mut tx,
            actor,
            "create",
            "oxygen_equipment",
            &id.to_string(),
            Some(&unit.code),
            None::<&()>,
            Some(&serde_json::json!({ "kind": kind, "label": label, "capacity": capacity, "unit": unit.code })),
        )
        .await?;
        tx.commit().await?;
        self.equipment(&actor.scope, id).await
    }

    /// The equipment of the scope, with the current loan of each piece lent.
    pub async fn oxygen_equipment(&self, scope: &Scope) -> Result<Vec<OxygenEquipment>> {
        let mut b = QueryBuilder::numbered("SELECT e.id FROM oxygen_equipment e WHERE 1 = 1", 0);
        scope.push_filter(&mut b, "e");
        b.push(" ORDER BY e.status, e.kind, e.label");
        let q = b.bind_scalar_onto(sqlx::query_scalar::<_, i64>(b.sql()));
        let ids = q.fetch_all(&self.read).await?;
        let mut loans = self.current_loans(scope).await?;
        let mut out = Vec::new();
        for id in ids {
            let mut e = self.equipment_row(scope, id).await?;
            e.loan = loans.remove(&id);
            out.push(e);
        }
        Ok(out)
    }

    pub async fn equipment(&self, scope: &Scope, id: i64) -> Result<OxygenEquipment> {
        let mut e = self.equipment_row(scope, id).await?;
        e.loan = self
            .loans_where("l.equipment_id = $1", id)
            .await?
            .pop()
            .filter(|l| l.returned_at.is_none());
        Ok(e)
    }

    async fn equipment_row(&self, scope: &Scope, id: i64) -> Result<OxygenEquipment> {
        let sql = "SELECT e.id, e.kind, e.label, e.capacity, e.status, e.unit_code FROM oxygen_equipment e WHERE e.id = $1";
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "e");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        let Some(r) = q.fetch_optional(&self.read).await? else {
            return Err(StoreError::not_found(
                crate::error::Entity::OxygenEquipment,
                id,
            ));
        };
        Ok(OxygenEquipment {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            label: r.try_get("label")?,
            capacity: r.try_get("capacity")?,
            status: r.try_get("status")?,
            unit_code: r.try_get("unit_code")?,
            loan: None,
        })
    }

    /// Loans not yet returned of the equipment in the scope, by equipment.
    async fn current_loans(&self, scope: &Scope) -> Result<HashMap<i64, OxygenLoan>> {
        let sql = format!(
            "SELECT {LOAN_COLUMNS} FROM oxygen_loans l JOIN oxygen_equipment e ON e.id = l.equipment_id \
             JOIN persons p ON p.id = l.person_id JOIN home_treatments t ON t.id = l.treatment_id \
             WHERE l.returned_at IS NULL"
        );
        let mut b = QueryBuilder::numbered(sql, 0);
        scope.push_filter(&mut b, "e");
        let q = b.query();
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| loan_from_row(r).map(|l| (l.equipment_id, l)))
            .collect()
    }

    /// Loans matching a condition on `l` with one id parameter, oldest first.
    async fn loans_where(&self, condition: &str, id: i64) -> Result<Vec<OxygenLoan>> {
        let sql = format!(
            "SELECT {LOAN_COLUMNS} FROM oxygen_loans l JOIN persons p ON p.id = l.person_id \
             JOIN home_treatments t ON t.id = l.treatment_id WHERE {condition} ORDER BY l.lent_at, l.id"
        );
        sqlx::query(&sql)
            .bind(id)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(loan_from_row)
            .collect()
    }

    /// The equipment lent for a home treatment of the scope, returned or not.
    pub async fn loans_of_treatment(
        &self,
        scope: &Scope,
        treatment_id: i64,
    ) -> Result<Vec<OxygenLoan>> {
        let t = self.treatment(scope, treatment_id).await?;
        self.loans_where("l.treatment_id = $1", t.id).await
    }

    /// Lend a piece of equipment to an F0 treated at home.
    pub async fn lend_equipment(
        &self,
        actor: &Actor,
        equipment_id: i64,
        treatment_id: i64,
    ) -> Result<OxygenLoan> {
        actor.require(Permission::Treat)?;
        let t = self.treatment(&actor.scope, treatment_id).await?;
        let mut tx = self.write.begin().await?;
        let loan = self.lend_in(&mut tx, actor, equipment_id, &t, None).await?;
        tx.commit().await?;
        self.loans_where("l.id = $1", loan)
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found(crate::error::Entity::Loan, loan))
    }

    /// Lend inside the caller's transaction (an alert answered with oxygen
    /// lends in the same transaction). Returns the loan's id.
    pub(crate) async fn lend_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        actor: &Actor,
        equipment_id: i64,
        t: &crate::HomeTreatment,
        alert_id: Option<i64>,
    ) -> Result<i64> {
        let e = self
            .equipment_row(&actor.scope, equipment_id)
            .await
            .map_err(|_| {
                StoreError::from(Invalid(vec![FieldError::new(
                    "equipment_id",
                    "not_found",
                    "Không tìm thấy thiết bị oxy này trong địa bàn.",
                    "No such oxygen equipment in your jurisdiction.",
                )]))
            })?;
        if t.status != "active" {
            return Err(StoreError::conflict(
                "Đợt điều trị tại nhà này đã kết thúc.",
                "This home treatment has ended.",
            ));
        }
        let taken = sqlx::query(
            "UPDATE oxygen_equipment SET status = 'lent' WHERE id = $1 AND status = 'available'",
        )
        .bind(e.id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if taken == 0 {
            return Err(Invalid(vec![FieldError::new(
                "equipment_id",
                "unavailable",
                format!(
                    "Thiết bị {} không sẵn sàng (đang cho mượn hoặc đã thanh lý).",
                    e.label
                ),
                format!("{} is not available (lent or retired).", e.label),
            )])
            .into());
        }
        let (province, district): (String, String) = sqlx::query_as(
            "SELECT province_code, district_code FROM home_treatments WHERE id = $1",
        )
        .bind(t.id)
        .fetch_one(&mut **tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO oxygen_loans (equipment_id, treatment_id, person_id, alert_id, lent_at, lent_by, province_code, \
             district_code, commune_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(e.id)
        .bind(t.id)
        .bind(t.person_id)
        .bind(alert_id)
        .bind(self.stamp())
        .bind(actor.name.as_str())
        .bind(province.as_str())
        .bind(district.as_str())
        .bind(t.commune_code.as_str())
        .fetch_one(&mut **tx)
        .await?;
        audit::record(&self.clock,
            tx,
            actor,
            "lend",
            "oxygen_equipment",
            &e.id.to_string(),
            Some(&t.commune_code),
            Some(&serde_json::json!({ "status": e.status })),
            Some(&serde_json::json!({
                "status": "lent", "loan": id, "treatment": t.id, "person": t.person_id, "alert": alert_id,
            })),
        )
        .await?;
        Ok(id)
    }

    /// The equipment came back: available again.
    pub async fn return_equipment(
        &self,
        actor: &Actor,
        equipment_id: i64,
    ) -> Result<OxygenEquipment> {
        actor.require(Permission::Treat)?;
        let e = self.equipment(&actor.scope, equipment_id).await?;
        let Some(loan) = e.loan.as_ref().filter(|l| l.returned_at.is_none()) else {
            return Err(StoreError::conflict(
                "Thiết bị này không đang cho mượn.",
                "This equipment is not lent out.",
            ));
        };
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE oxygen_loans SET returned_at = $1, returned_by = $2 WHERE id = $3")
            .bind(stamp.as_str())
            .bind(actor.name.as_str())
            .bind(loan.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE oxygen_equipment SET status = 'available' WHERE id = $1")
            .bind(e.id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "return",
            "oxygen_equipment",
            &e.id.to_string(),
            Some(&e.unit_code),
            Some(&serde_json::json!({ "status": "lent", "loan": loan.id })),
            Some(&serde_json::json!({ "status": "available", "returned_at": stamp })),
        )
        .await?;
        tx.commit().await?;
        self.equipment(&actor.scope, e.id).await
    }
}

const LOAN_COLUMNS: &str = "l.id, l.equipment_id, l.treatment_id, l.person_id, p.full_name, l.alert_id, l.lent_at, \
    l.lent_by, l.returned_at, t.status AS treatment_status";

fn loan_from_row(r: &sqlx::any::AnyRow) -> Result<OxygenLoan> {
    Ok(OxygenLoan {
        id: r.try_get("id")?,
        equipment_id: r.try_get("equipment_id")?,
        treatment_id: r.try_get("treatment_id")?,
        person_id: r.try_get("person_id")?,
        full_name: r.try_get("full_name")?,
        alert_id: r.try_get("alert_id")?,
        lent_at: r.try_get("lent_at")?,
        lent_by: r.try_get("lent_by")?,
        returned_at: r.try_get("returned_at")?,
        treatment_status: r.try_get("treatment_status")?,
    })
}
