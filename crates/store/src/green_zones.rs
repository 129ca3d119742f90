//! Green zones (*vùng xanh*): an area (a whole unit or a place drawn under a
//! commune, as lockdowns are) declared free of F0 from a day, with the
//! community team responsible and its checkpoints (place, hours; the team on
//! duty is the duty roster's shift named for the checkpoint).
//!
//! A zone is refused while an F0 still under treatment lives inside, or
//! while another green zone holds the same area. It loses its status in the
//! very write that confirms an F0 living inside ([`Store::end_green_zones`],
//! called from `confirm_case_in`) — when the case was found in the community
//! or at a hospital (not in centralised quarantine or at a checkpoint: they
//! were not in the zone) and confirmed on or after the declaration. The loss
//! is an alert routed to the shift on duty at one of the zone's checkpoints,
//! else to the roster's team on duty nearest the zone (commune, district,
//! province), and stays on the zones' page until the team acknowledges it.
//! Every write is audited; nothing is deleted.
//!
//! Jurisdiction as lockdowns: written by a scope holding the zone's unit,
//! read also from below it; a lost zone's case shows its name only within
//! the reader's scope.

use crate::error::Entity;
use crate::lockdowns::{area_codes, person_column, place_key};
use crate::response::DutyShift;
use crate::sql::QueryBuilder;
use crate::sql::days::opt_date_of;
use crate::{Actor, Result, Scope, Store, StoreError, audit};
use chrono::NaiveDate;
use phongdich_domain::green_zone::{GreenZoneInput, ZoneCheckpointInput, ends_zone, open_at};
use phongdich_domain::lockdown::{address_matches, match_terms};
use phongdich_domain::{FieldError, Invalid, Permission};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A green zone as the pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GreenZone {
    pub id: i64,
    pub name: String,
    pub unit_code: String,
    pub unit_name: String,
    /// `province`, `district`, `commune` or `hamlet`.
    pub unit_level: String,
    pub province_code: String,
    pub district_code: Option<String>,
    pub commune_code: Option<String>,
    pub hamlet_code: Option<String>,
    pub place: Option<String>,
    pub addresses: Vec<String>,
    pub declared_on: NaiveDate,
    pub decision: Option<String>,
    pub team: String,
    pub team_leader: Option<String>,
    pub team_phone: String,
    /// `green`, `lost` or `withdrawn`.
    pub status: String,
    /// The day the F0 that ended it was confirmed.
    pub lost_on: Option<NaiveDate>,
    pub lost_case: Option<ZoneCase>,
    /// The shift on duty the loss was routed to; `None` when no team was
    /// on duty anywhere (the zone's own team is then the one to call).
    pub alerted_shift: Option<AlertedShift>,
    /// When the loss became known (the alert's time, RFC 3339 UTC).
    pub alerted_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
    /// The committee withdrew the status from this day (no F0 needed: the
    /// conditions no longer held), and why.
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawn_reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub version: i64,
}

impl GreenZone {
    /// Lost and not yet acknowledged by its team.
    pub fn alert_open(&self) -> bool {
        self.status == "lost" && self.acknowledged_at.is_none()
    }
}

/// The F0 whose confirmation ended a zone: the name only within the reader's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ZoneCase {
    pub case_id: i64,
    pub code: String,
    pub full_name: String,
}

/// The roster shift a zone's loss was routed to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertedShift {
    pub shift_id: i64,
    pub team: String,
    pub phone: String,
    pub unit_name: String,
}

/// A checkpoint of a green zone and who is on duty there now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ZoneCheckpoint {
    pub id: i64,
    pub zone_id: i64,
    pub place: String,
    /// HH:MM; both `None` round the clock.
    pub opens: Option<String>,
    pub closes: Option<String>,
    /// Open by its hours now (Vietnam's time).
    pub open_now: bool,
    /// Roster shifts at this checkpoint on duty now.
    pub on_duty: Vec<DutyShift>,
    /// The next shift to begin, if any is on the roster.
    pub next_shift: Option<DutyShift>,
}

/// A zone with its checkpoints.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GreenZoneDetail {
    pub zone: GreenZone,
    pub checkpoints: Vec<ZoneCheckpoint>,
}

/// The advisory lock (PostgreSQL) that declarations and case confirmations
/// share, so that neither misses the other.
const GREEN_ZONES_LOCK: &str = "green-zones";

const COLUMNS: &str = "z.id, z.name, z.unit_code, u.name AS unit_name, z.unit_level, z.province_code, \
     z.district_code, z.commune_code, z.hamlet_code, z.place, z.addresses, z.declared_on, z.decision, z.team, \
     z.team_leader, z.team_phone, z.status, z.lost_on, z.lost_case_id, \
     COALESCE(c.official_code, c.local_code, c.code) AS case_code, p.full_name AS case_name, \
     c.province_code AS case_province, c.district_code AS case_district, c.commune_code AS case_commune, \
     z.alert_shift_id, s.team AS shift_team, s.phone AS shift_phone, su.name AS shift_unit, \
     z.alert_acknowledged_by, z.alert_acknowledged_at, z.withdrawn_on, z.withdrawn_reason, z.updated_at, \
     z.created_by, z.created_at, z.version";

const FROM: &str = "green_zones z JOIN units u ON u.code = z.unit_code \
     LEFT JOIN cases c ON c.id = z.lost_case_id LEFT JOIN persons p ON p.id = c.person_id \
     LEFT JOIN duty_shifts s ON s.id = z.alert_shift_id LEFT JOIN units su ON su.code = s.unit_code";

fn from_row(r: &AnyRow, scope: &Scope) -> Result<GreenZone> {
    let addresses: String = r.try_get("addresses")?;
    let status: String = r.try_get("status")?;
    let lost_case = match r.try_get::<Option<i64>, _>("lost_case_id")? {
        Some(case_id) => {
            let (p, d, c): (String, String, String) = (
                r.try_get("case_province")?,
                r.try_get("case_district")?,
                r.try_get("case_commune")?,
            );
            Some(ZoneCase {
                case_id,
                code: r.try_get("case_code")?,
                full_name: if scope.contains_codes(&p, &d, &c) {
                    r.try_get("case_name")?
                } else {
                    String::new()
                },
            })
        }
        None => None,
    };
    let alerted_shift = match r.try_get::<Option<i64>, _>("alert_shift_id")? {
        Some(shift_id) => Some(AlertedShift {
            shift_id,
            team: r.try_get("shift_team")?,
            phone: r.try_get("shift_phone")?,
            unit_name: r.try_get("shift_unit")?,
        }),
        None => None,
    };
    Ok(GreenZone {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        unit_level: r.try_get("unit_level")?,
        province_code: r.try_get("province_code")?,
        district_code: r.try_get("district_code")?,
        commune_code: r.try_get("commune_code")?,
        hamlet_code: r.try_get("hamlet_code")?,
        place: r.try_get("place")?,
        addresses: addresses
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        declared_on: opt_date_of(r, "declared_on")?
            .ok_or_else(|| StoreError::Data("declared_on is empty".into()))?,
        decision: r.try_get("decision")?,
        team: r.try_get("team")?,
        team_leader: r.try_get("team_leader")?,
        team_phone: r.try_get("team_phone")?,
        alerted_at: if status == "lost" {
            r.try_get("updated_at")?
        } else {
            None
        },
        status,
        lost_on: opt_date_of(r, "lost_on")?,
        lost_case,
        alerted_shift,
        acknowledged_by: r.try_get("alert_acknowledged_by")?,
        acknowledged_at: r.try_get("alert_acknowledged_at")?,
        withdrawn_on: opt_date_of(r, "withdrawn_on")?,
        withdrawn_reason: r.try_get("withdrawn_reason")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        version: r.try_get("version")?,
    })
}

impl Store {
    /// Declare a green zone (audited). Refused while an F0 under treatment
    /// lives inside (their codes said) or another green zone holds the area.
    pub async fn create_green_zone(
        &self,
        actor: &Actor,
        input: &GreenZoneInput,
    ) -> Result<GreenZone> {
        actor.require(Permission::Zones)?;
        let parsed = input.parse(self.today());
        let mut errors = parsed
            .as_ref()
            .err()
            .map(|e| e.0.clone())
            .unwrap_or_default();
        let drawn = parsed.as_ref().is_ok_and(|n| n.is_drawn());
        let unit = self
            .area_unit(actor, &input.unit_code, drawn, &mut errors)
            .await?;
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        let (Ok(new), Some(unit)) = (parsed, unit) else {
            return Err(StoreError::Data("checked zone without its unit".into()));
        };
        let key = place_key(new.place.as_deref(), &new.addresses);
        let terms = match_terms(new.place.as_deref(), &new.addresses);
        let (district, commune, hamlet) = area_codes(&unit);
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        // Serialised with every case confirmation (`end_green_zones` takes
        // the same lock): a zone and an F0 inside it cannot both commit unseen.
        self.lock_area(&mut tx, GREEN_ZONES_LOCK, "").await?;
        let held: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM green_zones WHERE unit_code = $1 AND place_key = $2 AND status = 'green'",
        )
        .bind(unit.code.as_str())
        .bind(key.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((_, name)) = held {
            return Err(StoreError::conflict(
                format!("Khu này đã là vùng xanh «{name}»."),
                format!("This area is already the green zone “{name}”."),
            ));
        }
        // F0 living inside who are under treatment, or were confirmed from
        // the declared day on (a zone declared for days gone by would have
        // been lost by them): the zone is not free of F0. A whole unit is
        // counted by the database; a drawn place (a commune at most) is
        // matched address by address, every case read.
        let column = person_column(unit.level.as_str())?;
        let limit = if new.is_drawn() { "" } else { " LIMIT 10" };
        let filter = format!(
            "FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.{column} = $1 AND p.merged_into IS NULL \
             AND (c.course NOT IN ('recovered', 'deceased', 'transferred_out') OR c.confirmed_on >= $2)"
        );
        let rows = sqlx::query(&format!(
            "SELECT COALESCE(c.official_code, c.local_code, c.code) AS code, p.street_address {filter} ORDER BY c.id{limit}"
        ))
        .bind(unit.code.as_str())
        .bind(new.declared_on.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let mut active: Vec<String> = Vec::new();
        for r in &rows {
            let street: Option<String> = r.try_get("street_address")?;
            if !new.is_drawn()
                || street
                    .as_deref()
                    .is_some_and(|s| address_matches(s, &terms))
            {
                active.push(r.try_get("code")?);
            }
        }
        let found: i64 = if new.is_drawn() || active.len() < 10 {
            active.len() as i64
        } else {
            sqlx::query_scalar(&format!("SELECT COUNT(*) {filter}"))
                .bind(unit.code.as_str())
                .bind(new.declared_on.to_string())
                .fetch_one(&mut *tx)
                .await?
        };
        if found > 0 {
            let shown = active
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if found > 10 {
                format!(" (+{})", found - 10)
            } else {
                String::new()
            };
            return Err(Invalid(vec![FieldError::new(
                "unit_code",
                "has_f0",
                format!(
                    "Chưa thể công nhận vùng xanh: {found} F0 sống trong khu đang điều trị hoặc được xác nhận từ ngày công nhận ({shown}{more})."
                ),
                format!(
                    "Not yet a green zone: {found} F0 living inside under treatment or confirmed from the declared day ({shown}{more})."
                ),
            )])
            .into());
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO green_zones (name, unit_code, unit_level, province_code, district_code, commune_code, \
             hamlet_code, place, place_key, addresses, declared_on, decision, team, team_leader, team_phone, status, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'green', $16, $17, $17) RETURNING id",
        )
        .bind(new.name.as_str())
        .bind(unit.code.as_str())
        .bind(unit.level.as_str())
        .bind(unit.province_code.as_str())
        .bind(district.as_deref())
        .bind(commune.as_deref())
        .bind(hamlet.as_deref())
        .bind(new.place.as_deref())
        .bind(key.as_str())
        .bind(new.addresses.join("\n"))
        .bind(new.declared_on.to_string())
        .bind(new.decision.as_deref())
        .bind(new.team.as_str())
        .bind(new.team_leader.as_deref())
        .bind(new.team_phone.as_str())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let after = read_in(&mut tx, id, &actor.scope).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "green_zone",
            &id.to_string(),
            Some(&unit.code),
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Add a checkpoint to a green zone the actor's scope holds (audited).
    pub async fn add_zone_checkpoint(
        &self,
        actor: &Actor,
        zone_id: i64,
        input: &ZoneCheckpointInput,
    ) -> Result<ZoneCheckpoint> {
        actor.require(Permission::Zones)?;
        let zone = self.held_zone(&actor.scope, zone_id).await?;
        let new = input.parse()?;
        if zone.status != "green" {
            return Err(StoreError::conflict(
                "Vùng này đã mất trạng thái vùng xanh.",
                "This zone is no longer green.",
            ));
        }
        let hm = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        // Still green when written (an F0 may have ended it since it was read).
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO zone_checkpoints (zone_id, place, opens, closes, created_by, created_at) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS \
             (SELECT 1 FROM green_zones WHERE id = $1 AND status = 'green') RETURNING id",
        )
        .bind(zone_id)
        .bind(new.place.as_str())
        .bind(new.hours.map(|h| hm(h.0)))
        .bind(new.hours.map(|h| hm(h.1)))
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Err(StoreError::conflict(
                "Vùng này vừa mất trạng thái vùng xanh.",
                "This zone has just lost its green status.",
            ));
        };
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "zone_checkpoint",
            &id.to_string(),
            Some(&zone.unit_code),
            None::<&()>,
            Some(&serde_json::json!({
                "zone_id": zone_id, "place": new.place,
                "opens": new.hours.map(|h| hm(h.0)), "closes": new.hours.map(|h| hm(h.1)),
            })),
        )
        .await?;
        tx.commit().await?;
        self.zone_checkpoints(zone_id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| StoreError::Data("checkpoint written but not read".into()))
    }

    /// The green zones the scope sees (its own and those over it): green
    /// ones first, then lost ones, the newest first.
    pub async fn green_zones(&self, scope: &Scope) -> Result<Vec<GreenZone>> {
        let mut b = QueryBuilder::numbered(format!("SELECT {COLUMNS} FROM {FROM} WHERE 1 = 1"), 0);
        self.push_area_visible(scope, &mut b, "z").await?;
        b.push(
            " ORDER BY CASE WHEN z.status = 'green' THEN 0 ELSE 1 END, z.declared_on DESC, z.id DESC LIMIT 1000",
        );
        b.query()
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| from_row(r, scope))
            .collect()
    }

    /// One zone the scope sees, with its checkpoints and who is on duty.
    pub async fn green_zone(&self, scope: &Scope, id: i64) -> Result<GreenZoneDetail> {
        let zone = self.zone_row(scope, id).await?;
        let checkpoints = self.zone_checkpoints(id).await?;
        Ok(GreenZoneDetail { zone, checkpoints })
    }

    /// The zone's team has seen the loss (audited; once).
    pub async fn acknowledge_zone_alert(&self, actor: &Actor, id: i64) -> Result<GreenZone> {
        actor.require(Permission::Zones)?;
        // Only a scope holding the zone: a commune under a city-wide zone
        // sees its loss but does not take the city's alert.
        let zone = self.held_zone(&actor.scope, id).await?;
        if !zone.alert_open() {
            return Err(StoreError::conflict(
                match &zone.acknowledged_by {
                    Some(by) => format!("Cảnh báo này đã được {by} nhận."),
                    None => "Vùng này không có cảnh báo nào.".to_owned(),
                },
                match &zone.acknowledged_by {
                    Some(by) => format!("This alert was already taken by {by}."),
                    None => "This zone has no alert.".to_owned(),
                },
            ));
        }
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE green_zones SET alert_acknowledged_by = $1, alert_acknowledged_at = $2, version = version + 1 \
             WHERE id = $3 AND status = 'lost' AND alert_acknowledged_at IS NULL",
        )
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::conflict(
                "Cảnh báo này vừa được người khác nhận.",
                "Someone else has just taken this alert.",
            ));
        }
        self.zone_changed(tx, actor, "update", &zone).await
    }

    /// The committee holding a green zone withdraws its status from `on`
    /// (dd/mm/yyyy; from its declaration to today) for `reason` — the
    /// conditions no longer hold, though no F0 was confirmed inside
    /// (audited). A zone already lost or withdrawn is refused.
    pub async fn withdraw_green_zone(
        &self,
        actor: &Actor,
        id: i64,
        on: &str,
        reason: &str,
    ) -> Result<GreenZone> {
        actor.require(Permission::Zones)?;
        let zone = self.held_zone(&actor.scope, id).await?;
        let mut errors = Vec::new();
        let reason = phongdich_domain::text::clean(reason);
        if reason.is_empty() || reason.chars().count() > 500 {
            errors.push(FieldError::new(
                "reason",
                "required",
                "Cần lý do thu hồi (tối đa 500 ký tự).",
                "Give the reason for the withdrawal (at most 500 characters).",
            ));
        }
        let today = self.today();
        let day = match phongdich_domain::contact::parse_date("on", on) {
            Ok(d) if d < zone.declared_on || d > today => {
                errors.push(FieldError::new(
                    "on",
                    "out_of_range",
                    format!(
                        "Ngày thu hồi từ ngày công nhận ({}) đến hôm nay.",
                        zone.declared_on.format("%d/%m/%Y")
                    ),
                    format!(
                        "The withdrawal's day is from the declaration ({}) to today.",
                        zone.declared_on.format("%d/%m/%Y")
                    ),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let (Some(day), true) = (day, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        if zone.status != "green" {
            return Err(StoreError::conflict(
                format!(
                    "Vùng «{}» không còn là vùng xanh: không thu hồi được.",
                    zone.name
                ),
                format!(
                    "“{}” is no longer a green zone: nothing to withdraw.",
                    zone.name
                ),
            ));
        }
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        // With the confirmations' lock: a zone lost and withdrawn at once
        // keeps one of the two.
        self.lock_area(&mut tx, GREEN_ZONES_LOCK, "").await?;
        let n = sqlx::query(
            "UPDATE green_zones SET status = 'withdrawn', withdrawn_on = $1, withdrawn_reason = $2, \
             updated_at = $3, version = version + 1 WHERE id = $4 AND status = 'green'",
        )
        .bind(day.to_string())
        .bind(reason.as_str())
        .bind(stamp.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::conflict(
                "Vùng này vừa thay đổi (mất trạng thái hoặc bị thu hồi); tải lại trang.",
                "This zone has just changed (lost or withdrawn); reload the page.",
            ));
        }
        self.zone_changed(tx, actor, "withdraw", &zone).await
    }

    /// Green zones the confirmed F0 lives in lose their status, in the
    /// case's own transaction: each routed to the shift on duty at one of
    /// its checkpoints, else the roster's nearest team, and audited.
    /// Returns the zones ended.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn end_green_zones(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        person: &crate::Person,
        case_id: i64,
        confirmed_on: NaiveDate,
        detected_where: phongdich_domain::case::DetectedWhere,
    ) -> Result<Vec<i64>> {
        use phongdich_domain::case::DetectedWhere;
        if !matches!(
            detected_where,
            DetectedWhere::Community | DetectedWhere::Hospital
        ) {
            return Ok(Vec::new());
        }
        let mut lineage: Vec<String> = vec![
            person.province_code.clone(),
            person.district_code.clone(),
            person.commune_code.clone(),
        ];
        lineage.extend(person.hamlet_code.clone());
        let mut b = QueryBuilder::numbered(
            "SELECT id, unit_code, province_code, district_code, commune_code, place, addresses, declared_on \
             FROM green_zones WHERE status = 'green' AND unit_code IN (",
            0,
        );
        b.push_list(lineage);
        b.push(") ORDER BY id");
        self.lock_area(tx, GREEN_ZONES_LOCK, "").await?;
        let rows = b.query().fetch_all(&mut **tx).await?;
        let now = self.clock.now_utc();
        let at = crate::response::stamp(now);
        let mut ended = Vec::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let place: Option<String> = r.try_get("place")?;
            let addresses: Vec<String> = r
                .try_get::<String, _>("addresses")?
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            let declared_on = opt_date_of(r, "declared_on")?
                .ok_or_else(|| StoreError::Data("declared_on is empty".into()))?;
            let drawn = place.is_some() || !addresses.is_empty();
            let inside = !drawn
                || person.street_address.as_deref().is_some_and(|s| {
                    address_matches(s, &match_terms(place.as_deref(), &addresses))
                });
            if !inside || !ends_zone(declared_on, confirmed_on) {
                continue;
            }
            // The team on duty at one of its checkpoints; else the nearest roster's.
            let at_checkpoint: Option<i64> = sqlx::query_scalar(
                "SELECT s.id FROM duty_shifts s JOIN zone_checkpoints k ON k.id = s.checkpoint_id \
                 WHERE k.zone_id = $1 AND s.cancelled_at IS NULL AND s.starts_at <= $2 AND s.ends_at > $2 \
                 ORDER BY s.starts_at DESC, s.id DESC LIMIT 1",
            )
            .bind(id)
            .bind(at.as_str())
            .fetch_optional(&mut **tx)
            .await?;
            let shift = match at_checkpoint {
                Some(s) => Some(s),
                None => {
                    let units: Vec<String> = ["commune_code", "district_code", "province_code"]
                        .iter()
                        .filter_map(|c| r.try_get::<Option<String>, _>(*c).ok().flatten())
                        .collect();
                    let units: Vec<&str> = units.iter().map(String::as_str).collect();
                    crate::response::route(tx, &units, &at)
                        .await?
                        .map(|(_, s)| s)
                }
            };
            let before = read_in(tx, id, &actor.scope).await?;
            let changed = sqlx::query(
                "UPDATE green_zones SET status = 'lost', lost_on = $1, lost_case_id = $2, alert_shift_id = $3, \
                 updated_at = $4, version = version + 1 WHERE id = $5 AND status = 'green'",
            )
            .bind(confirmed_on.to_string())
            .bind(case_id)
            .bind(shift)
            .bind(at.as_str())
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if changed == 0 {
                continue;
            }
            let after = read_in(tx, id, &actor.scope).await?;
            audit::record(
                &self.clock,
                tx,
                actor,
                "update",
                "green_zone",
                &id.to_string(),
                Some(&before.unit_code),
                Some(&before),
                Some(&after),
            )
            .await?;
            ended.push(id);
        }
        Ok(ended)
    }

    /// The person (their address just written) has a case under treatment:
    /// the green zones they now live in are lost today, in the same write as
    /// the address — an F0 moved in, or an address corrected to one inside.
    /// Returns the zones ended.
    pub(crate) async fn zones_lost_by_move(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        person: &crate::Person,
    ) -> Result<Vec<i64>> {
        let case: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM cases WHERE person_id = $1 \
             AND course NOT IN ('recovered', 'deceased', 'transferred_out') ORDER BY id DESC LIMIT 1",
        )
        .bind(person.id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(case_id) = case else {
            return Ok(Vec::new());
        };
        self.end_green_zones(
            tx,
            actor,
            person,
            case_id,
            self.today(),
            phongdich_domain::case::DetectedWhere::Community,
        )
        .await
    }

    /// The zone `before` as `tx` left it, audited as `action`, committed.
    async fn zone_changed(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        action: &str,
        before: &GreenZone,
    ) -> Result<GreenZone> {
        let after = read_in(&mut tx, before.id, &actor.scope).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            action,
            "green_zone",
            &before.id.to_string(),
            Some(&before.unit_code),
            Some(before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Lost zones the scope sees whose team has not yet acknowledged the alert.
    pub async fn zone_alerts(&self, scope: &Scope) -> Result<Vec<GreenZone>> {
        Ok(self
            .green_zones(scope)
            .await?
            .into_iter()
            .filter(GreenZone::alert_open)
            .collect())
    }

    async fn zone_row(&self, scope: &Scope, id: i64) -> Result<GreenZone> {
        let mut b =
            QueryBuilder::numbered(format!("SELECT {COLUMNS} FROM {FROM} WHERE z.id = $1"), 1);
        self.push_area_visible(scope, &mut b, "z").await?;
        match b
            .bind_onto(sqlx::query(b.sql()).bind(id))
            .fetch_optional(&self.read)
            .await?
        {
            Some(r) => from_row(&r, scope),
            None => Err(StoreError::not_found(Entity::GreenZone, id)),
        }
    }

    /// A zone the scope holds (its unit within it): one seen from below is
    /// the level above's to change.
    async fn held_zone(&self, scope: &Scope, id: i64) -> Result<GreenZone> {
        let zone = self.zone_row(scope, id).await?;
        let unit = self.unit(&zone.unit_code).await?;
        if !scope.contains(&unit) {
            return Err(StoreError::not_found(Entity::GreenZone, id));
        }
        Ok(zone)
    }

    /// A zone's checkpoints (the caller has checked the zone is seen), each
    /// with the roster's shifts on duty there now and the next one.
    async fn zone_checkpoints(&self, zone_id: i64) -> Result<Vec<ZoneCheckpoint>> {
        let now_utc = self.clock.now_utc();
        let now = crate::response::stamp(now_utc);
        let local = now_utc.with_timezone(&crate::util::vietnam()).time();
        let rows = sqlx::query(
            "SELECT id, zone_id, place, opens, closes FROM zone_checkpoints WHERE zone_id = $1 ORDER BY id",
        )
        .bind(zone_id)
        .fetch_all(&self.read)
        .await?;
        let shifts = self.checkpoint_shifts(zone_id, &now).await?;
        let mut out = Vec::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let opens: Option<String> = r.try_get("opens")?;
            let closes: Option<String> = r.try_get("closes")?;
            let t = |s: &Option<String>| {
                s.as_deref()
                    .and_then(|s| chrono::NaiveTime::parse_from_str(s, "%H:%M").ok())
            };
            let hours = t(&opens).zip(t(&closes));
            let mine: Vec<&(i64, DutyShift)> = shifts.iter().filter(|(k, _)| *k == id).collect();
            out.push(ZoneCheckpoint {
                id,
                zone_id: r.try_get("zone_id")?,
                place: r.try_get("place")?,
                open_now: open_at(hours, local),
                on_duty: mine
                    .iter()
                    .filter(|(_, s)| s.starts_at.as_str() <= now.as_str())
                    .map(|(_, s)| s.clone())
                    .collect(),
                next_shift: mine
                    .iter()
                    .find(|(_, s)| s.starts_at.as_str() > now.as_str())
                    .map(|(_, s)| s.clone()),
                opens,
                closes,
            });
        }
        Ok(out)
    }
}

async fn read_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    scope: &Scope,
) -> Result<GreenZone> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE z.id = $1"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    from_row(&row, scope)
}
