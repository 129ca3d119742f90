//! Lockdown areas (*phong tỏa*): a whole unit or a place drawn under a
//! commune, with the decision, the cases and cluster that caused it, its
//! extensions and its lifting (rows of `lockdown_events`; nothing deleted),
//! and the people registered inside.
//!
//! Jurisdiction: an area is written by an actor whose scope holds its unit;
//! it is read by one whose scope holds its unit or lies under it (a commune
//! sees the province-wide lockdown it is in). The people inside are counted
//! and listed within the reader's scope only.

use crate::error::Entity;
use crate::sql::QueryBuilder;
use crate::sql::days::opt_date_of;
use crate::{Actor, Result, Scope, Store, StoreError, audit};
use chrono::NaiveDate;
use phongdich_domain::lockdown::{
    ChangeKind, LockdownChangeInput, LockdownInput, address_matches, check_change, last_day,
    match_terms, overlaps,
};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A lockdown area as the pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Lockdown {
    pub id: i64,
    /// The unit locked down, or the commune/hamlet a drawn place lies in.
    pub unit_code: String,
    pub unit_name: String,
    /// `province`, `district`, `commune` or `hamlet`.
    pub unit_level: String,
    pub province_code: String,
    pub district_code: Option<String>,
    pub commune_code: Option<String>,
    pub hamlet_code: Option<String>,
    /// The named place of a drawn area.
    pub place: Option<String>,
    /// The addresses of a drawn area.
    pub addresses: Vec<String>,
    pub reason: String,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    /// The F0 that caused it.
    pub cases: Vec<LockdownCase>,
    pub decision: String,
    pub issued_by: String,
    pub from_on: NaiveDate,
    /// The planned end (included), as the last extension set it.
    pub planned_until: NaiveDate,
    /// The first day no longer locked down, once lifted.
    pub lifted_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: String,
    pub version: i64,
}

impl Lockdown {
    /// `upcoming`, `active` or `ended` on `day` (lifted or past its planned end).
    pub fn state_on(&self, day: NaiveDate) -> &'static str {
        if day < self.from_on {
            "upcoming"
        } else if day > last_day(self.planned_until, self.lifted_on) {
            "ended"
        } else {
            "active"
        }
    }

    fn is_drawn(&self) -> bool {
        self.place.is_some() || !self.addresses.is_empty()
    }
}

/// A case that caused a lockdown: its code and the person's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LockdownCase {
    pub case_id: i64,
    pub code: String,
    pub full_name: String,
}

/// One decision on a lockdown: `impose`, `extend` (to `on_day`) or `lift` (on `on_day`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LockdownEvent {
    pub kind: String,
    pub on_day: NaiveDate,
    pub decision: String,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A lockdown with its decisions and the people registered inside (within
/// the reader's scope).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LockdownDetail {
    pub lockdown: Lockdown,
    /// `upcoming`, `active` or `ended` today.
    pub state: String,
    pub events: Vec<LockdownEvent>,
    /// People registered inside (not merged away), within the reader's scope.
    pub people: i64,
    /// Their households (people without a household are not counted here).
    pub households: i64,
    /// Addresses of a drawn area at which nobody registered lives: kept, and
    /// said, so that a typo does not pass for an empty house.
    pub unmatched_addresses: Vec<String>,
}

/// Someone registered inside a lockdown area.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LockdownPerson {
    pub person_id: i64,
    pub full_name: String,
    pub birth_year: i64,
    pub street_address: Option<String>,
    pub hamlet_name: Option<String>,
    pub household_id: Option<i64>,
}

const COLUMNS: &str = "l.id, l.unit_code, u.name AS unit_name, l.unit_level, l.province_code, l.district_code, \
     l.commune_code, l.hamlet_code, l.place, l.addresses, l.reason, l.cluster_id, k.name AS cluster_name, \
     l.decision, l.issued_by, l.from_on, l.planned_until, l.lifted_on, l.created_by, l.created_at, l.version";

const FROM: &str =
    "lockdowns l JOIN units u ON u.code = l.unit_code LEFT JOIN clusters k ON k.id = l.cluster_id";

fn from_row(r: &AnyRow) -> Result<Lockdown> {
    let day = |c: &str| -> Result<NaiveDate> {
        opt_date_of(r, c)?.ok_or_else(|| StoreError::Data(format!("{c} is empty")))
    };
    let addresses: String = r.try_get("addresses")?;
    Ok(Lockdown {
        id: r.try_get("id")?,
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
        reason: r.try_get("reason")?,
        cluster_id: r.try_get("cluster_id")?,
        cluster_name: r.try_get("cluster_name")?,
        cases: Vec::new(),
        decision: r.try_get("decision")?,
        issued_by: r.try_get("issued_by")?,
        from_on: day("from_on")?,
        planned_until: day("planned_until")?,
        lifted_on: opt_date_of(r, "lifted_on")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        version: r.try_get("version")?,
    })
}

/// What makes two lockdowns "the same area": the unit and the place — its
/// folded name, else its folded addresses ('' for a whole unit).
pub(crate) fn place_key(place: Option<&str>, addresses: &[String]) -> String {
    match place {
        Some(p) => phongdich_domain::text::fold(p),
        None if addresses.is_empty() => String::new(),
        None => {
            let mut a: Vec<String> = addresses
                .iter()
                .map(|a| phongdich_domain::text::fold(a))
                .collect();
            a.sort();
            format!("@{}", a.join("|"))
        }
    }
}

fn overlap_error(other: &Lockdown) -> StoreError {
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let until = last_day(other.planned_until, other.lifted_on);
    StoreError::conflict(
        format!(
            "Khu này đã bị phong tỏa từ {} đến {} theo quyết định {}: hãy gia hạn quyết định đó thay vì phong tỏa chồng lên.",
            day(other.from_on),
            day(until),
            other.decision
        ),
        format!(
            "This area is already locked down from {} to {} by decision {}: extend that one instead of overlapping it.",
            day(other.from_on),
            day(until),
            other.decision
        ),
    )
}

impl Store {
    /// Lock down an area (audited, with its `impose` decision).
    pub async fn create_lockdown(&self, actor: &Actor, input: &LockdownInput) -> Result<Lockdown> {
        actor.require(Permission::Zones)?;
        let parsed = input.parse();
        // The unit: in the actor's scope; a commune or hamlet for a drawn place.
        let mut errors = parsed
            .as_ref()
            .err()
            .map(|e| e.0.clone())
            .unwrap_or_default();
        let drawn = !phongdich_domain::text::clean(&input.place).is_empty()
            || input.addresses.lines().any(|l| !l.trim().is_empty());
        let unit = self
            .area_unit(actor, &input.unit_code, drawn, &mut errors)
            .await?;
        // The cases and the cluster named: each must resolve within the scope.
        let codes = phongdich_domain::lockdown::split_codes(&input.case_codes);
        let cases = self.lockdown_cases_by_code(&actor.scope, &codes).await?;
        let unknown: Vec<&str> = codes
            .iter()
            .filter(|c| !cases.iter().any(|k| &k.code == *c))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            errors.push(FieldError::new(
                "case_codes",
                "not_found",
                format!(
                    "Không có ca bệnh mã {} trong phạm vi của bạn.",
                    unknown.join(", ")
                ),
                format!("No case {} within your jurisdiction.", unknown.join(", ")),
            ));
        }
        if let Some(cluster) = input.cluster_id {
            let mut b = QueryBuilder::numbered("SELECT c.id FROM clusters c WHERE c.id = $1", 1);
            actor.scope.push_filter(&mut b, "c");
            let found: Option<i64> = b
                .bind_scalar_onto(sqlx::query_scalar(b.sql()).bind(cluster))
                .fetch_optional(&self.read)
                .await?;
            if found.is_none() {
                errors.push(FieldError::new(
                    "cluster_id",
                    "not_found",
                    format!("Không có ổ dịch số {cluster} trong phạm vi của bạn."),
                    format!("No cluster {cluster} within your jurisdiction."),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        let (Ok(new), Some(unit)) = (parsed, unit) else {
            return Err(StoreError::Data("checked lockdown without its unit".into()));
        };
        let key = place_key(new.place.as_deref(), &new.addresses);
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        // The same area, overlapping: refused (decided in the transaction).
        self.lock_area(&mut tx, &unit.code, &key).await?;
        for other in self.same_area(&mut tx, &unit.code, &key, None).await? {
            if overlaps(
                (new.from_on, new.planned_until),
                (
                    other.from_on,
                    last_day(other.planned_until, other.lifted_on),
                ),
            ) {
                return Err(overlap_error(&other));
            }
        }
        let (district, commune, hamlet) = area_codes(&unit);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO lockdowns (unit_code, unit_level, province_code, district_code, commune_code, hamlet_code, \
             place, place_key, addresses, reason, cluster_id, decision, issued_by, from_on, planned_until, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
        )
        .bind(unit.code.as_str())
        .bind(unit.level.as_str())
        .bind(unit.province_code.as_str())
        .bind(district.as_deref())
        .bind(commune.as_deref())
        .bind(hamlet.as_deref())
        .bind(new.place.as_deref())
        .bind(key.as_str())
        .bind(new.addresses.join("\n"))
        .bind(new.reason.as_str())
        .bind(new.cluster_id)
        .bind(new.decision.as_str())
        .bind(new.issued_by.as_str())
        .bind(new.from_on.to_string())
        .bind(new.planned_until.to_string())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(&mut *tx)
        .await?;
        for c in &cases {
            sqlx::query("INSERT INTO lockdown_cases (lockdown_id, case_id) VALUES ($1, $2)")
                .bind(id)
                .bind(c.case_id)
                .execute(&mut *tx)
                .await?;
        }
        insert_event(
            &mut tx,
            id,
            "impose",
            new.from_on,
            &new.decision,
            &new.reason,
            actor,
            &stamp,
        )
        .await?;
        let mut after = read_in(&mut tx, id).await?;
        after.cases = cases;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "lockdown",
            &id.to_string(),
            Some(&unit.code),
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Extend or lift a lockdown the actor's scope holds (audited; its
    /// decision kept as an event). A lifted lockdown changes no more.
    pub async fn change_lockdown(
        &self,
        actor: &Actor,
        id: i64,
        input: &LockdownChangeInput,
    ) -> Result<Lockdown> {
        actor.require(Permission::Zones)?;
        let change = input.parse()?;
        let before = self.lockdown_row(&actor.scope, id).await?;
        let unit = self.unit(&before.unit_code).await?;
        if !actor.scope.contains(&unit) {
            // Seen from below (a commune in a province-wide lockdown): the
            // decision is the level above's.
            return Err(StoreError::conflict(
                format!(
                    "Khu phong tỏa {} do cấp trên quyết định: chỉ cấp đó gia hạn hoặc gỡ phong tỏa.",
                    before.unit_name
                ),
                format!(
                    "The lockdown of {} was decided above you: only that level extends or lifts it.",
                    before.unit_name
                ),
            ));
        }
        check_change(
            &change,
            before.from_on,
            before.planned_until,
            before.lifted_on,
            self.today(),
        )?;
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        let key: String = sqlx::query_scalar("SELECT place_key FROM lockdowns WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let sql = match change.kind {
            ChangeKind::Extend => {
                self.lock_area(&mut tx, &before.unit_code, &key).await?;
                for other in self
                    .same_area(&mut tx, &before.unit_code, &key, Some(id))
                    .await?
                {
                    if overlaps(
                        (before.from_on, change.on),
                        (
                            other.from_on,
                            last_day(other.planned_until, other.lifted_on),
                        ),
                    ) {
                        return Err(overlap_error(&other));
                    }
                }
                "UPDATE lockdowns SET planned_until = $1, updated_at = $2, version = version + 1 \
                 WHERE id = $3 AND version = $4 AND lifted_on IS NULL"
            }
            ChangeKind::Lift => {
                "UPDATE lockdowns SET lifted_on = $1, updated_at = $2, version = version + 1 \
                 WHERE id = $3 AND version = $4 AND lifted_on IS NULL"
            }
        };
        let changed = sqlx::query(sql)
            .bind(change.on.to_string())
            .bind(stamp.as_str())
            .bind(id)
            .bind(before.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed != 1 {
            return Err(StoreError::conflict(
                "Khu phong tỏa vừa được người khác thay đổi: hãy tải lại trang.",
                "The lockdown was just changed by someone else: reload the page.",
            ));
        }
        insert_event(
            &mut tx,
            id,
            change.kind.as_str(),
            change.on,
            &change.decision,
            &change.reason,
            actor,
            &stamp,
        )
        .await?;
        let mut after = read_in(&mut tx, id).await?;
        after.cases = before.cases.clone();
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            change.kind.as_str(),
            "lockdown",
            &id.to_string(),
            Some(&before.unit_code),
            Some(&before),
            Some(&serde_json::json!({ "lockdown": after, "decision": change.decision, "reason": change.reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The unit of an area (a lockdown, a green zone) as typed: in the
    /// actor's scope, not the nation, a commune or hamlet when the area is
    /// `drawn` under it; a refusal is added to `errors`.
    pub(crate) async fn area_unit(
        &self,
        actor: &Actor,
        code: &str,
        drawn: bool,
        errors: &mut Vec<FieldError>,
    ) -> Result<Option<crate::units::Unit>> {
        let code = code.trim();
        if code.is_empty() {
            return Ok(None);
        }
        let unit = match self.unit(code).await {
            Ok(u) if actor.scope.contains(&u) && u.level != UnitLevel::National => u,
            Ok(_) | Err(StoreError::NotFound { .. }) | Err(StoreError::Invalid(_)) => {
                errors.push(FieldError::new(
                    "unit_code",
                    "not_found",
                    format!("Không có đơn vị «{code}» trong phạm vi của bạn."),
                    format!("There is no unit “{code}” within your jurisdiction."),
                ));
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        if drawn && !matches!(unit.level, UnitLevel::Commune | UnitLevel::Hamlet) {
            errors.push(FieldError::new(
                "unit_code",
                "not_a_commune",
                format!(
                    "Nơi khoanh theo tên hoặc địa chỉ phải thuộc một xã/phường hoặc thôn/tổ; «{}» là cấp trên xã.",
                    unit.name
                ),
                format!(
                    "A place drawn by name or addresses lies in a commune or hamlet; “{}” is above a commune.",
                    unit.name
                ),
            ));
        }
        Ok(Some(unit))
    }

    /// The lockdowns the scope sees (its own and those over it), the
    /// newest first; only those holding on `active_on` when given.
    pub async fn lockdowns(
        &self,
        scope: &Scope,
        active_on: Option<NaiveDate>,
    ) -> Result<Vec<Lockdown>> {
        let mut b = QueryBuilder::numbered(format!("SELECT {COLUMNS} FROM {FROM} WHERE 1 = 1"), 0);
        self.push_visible(scope, &mut b).await?;
        if let Some(day) = active_on {
            let d = day.to_string();
            b.push(" AND l.from_on <= ");
            b.push_bind(d.clone());
            b.push(" AND l.planned_until >= ");
            b.push_bind(d.clone());
            b.push(" AND (l.lifted_on IS NULL OR l.lifted_on > ");
            b.push_bind(d);
            b.push(")");
        }
        b.push(" ORDER BY l.from_on DESC, l.id DESC LIMIT 1000");
        let rows = b.query().fetch_all(&self.read).await?;
        let mut out = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        self.attach_cases(scope, &mut out).await?;
        Ok(out)
    }

    /// One lockdown the scope sees, with its decisions and the people inside.
    pub async fn lockdown(&self, scope: &Scope, id: i64) -> Result<LockdownDetail> {
        let lockdown = self.lockdown_row(scope, id).await?;
        let events = sqlx::query(
            "SELECT kind, on_day, decision, reason, recorded_by, recorded_at FROM lockdown_events \
             WHERE lockdown_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(LockdownEvent {
                kind: r.try_get("kind")?,
                on_day: opt_date_of(r, "on_day")?
                    .ok_or_else(|| StoreError::Data("on_day is empty".into()))?,
                decision: r.try_get("decision")?,
                reason: r.try_get("reason")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        // A whole unit is counted by the database; a drawn place (a commune
        // at most) is matched address by address.
        let inside = if lockdown.is_drawn() {
            self.people_inside(scope, &lockdown, None).await?
        } else {
            Vec::new()
        };
        let (people, households) = if lockdown.is_drawn() {
            let mut h: Vec<i64> = inside.iter().filter_map(|p| p.household_id).collect();
            h.sort_unstable();
            h.dedup();
            (inside.len() as i64, h.len() as i64)
        } else {
            self.whole_unit_counts(scope, &lockdown).await?
        };
        let terms_unmatched = if lockdown.is_drawn() && !lockdown.addresses.is_empty() {
            lockdown
                .addresses
                .iter()
                .filter(|a| {
                    let t = match_terms(None, std::slice::from_ref(*a));
                    !inside.iter().any(|p| {
                        p.street_address
                            .as_deref()
                            .is_some_and(|s| address_matches(s, &t))
                    })
                })
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        Ok(LockdownDetail {
            state: lockdown.state_on(self.today()).to_owned(),
            lockdown,
            events,
            people,
            households,
            unmatched_addresses: terms_unmatched,
        })
    }

    /// The people registered inside a lockdown the scope sees, within the
    /// scope, by name; `limit` from `offset`, and how many there are.
    pub async fn lockdown_people(
        &self,
        scope: &Scope,
        id: i64,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<LockdownPerson>, usize)> {
        let lockdown = self.lockdown_row(scope, id).await?;
        let limit = limit.clamp(1, 1000);
        if !lockdown.is_drawn() {
            let (total, _) = self.whole_unit_counts(scope, &lockdown).await?;
            let page = self
                .people_inside(scope, &lockdown, Some((offset, limit)))
                .await?;
            return Ok((page, total as usize));
        }
        let inside = self.people_inside(scope, &lockdown, None).await?;
        let total = inside.len();
        Ok((inside.into_iter().skip(offset).take(limit).collect(), total))
    }

    /// How many people are registered inside `l`, within `scope`: counted
    /// by the database for a whole unit, matched for a drawn place.
    pub(crate) async fn lockdown_people_count(&self, scope: &Scope, l: &Lockdown) -> Result<i64> {
        if l.is_drawn() {
            Ok(self.people_inside(scope, l, None).await?.len() as i64)
        } else {
            Ok(self.whole_unit_counts(scope, l).await?.0)
        }
    }

    /// The people and households of a whole unit's lockdown, within `scope`.
    async fn whole_unit_counts(&self, scope: &Scope, l: &Lockdown) -> Result<(i64, i64)> {
        let column = unit_column(l)?;
        let mut b = QueryBuilder::numbered(
            format!(
                "SELECT COUNT(*) AS people, COUNT(DISTINCT p.household_id) AS households FROM persons p \
                 WHERE p.{column} = $1 AND p.merged_into IS NULL"
            ),
            1,
        );
        scope.push_filter(&mut b, "p");
        let r = b
            .bind_onto(sqlx::query(b.sql()).bind(l.unit_code.as_str()))
            .fetch_one(&self.read)
            .await?;
        Ok((r.try_get("people")?, r.try_get("households")?))
    }

    /// The lockdowns holding today where a person of the scope lives.
    pub async fn lockdowns_of_person(
        &self,
        scope: &Scope,
        person_id: i64,
    ) -> Result<Vec<Lockdown>> {
        let person = self.person(scope, person_id).await?;
        let today = self.today().to_string();
        let mut lineage: Vec<String> = vec![
            person.province_code.clone(),
            person.district_code.clone(),
            person.commune_code.clone(),
        ];
        lineage.extend(person.hamlet_code.clone());
        let mut b = QueryBuilder::numbered(
            format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE l.from_on <= $1 AND l.planned_until >= $1 AND (l.lifted_on IS NULL OR l.lifted_on > $1) \
                 AND l.unit_code IN ("
            ),
            1,
        );
        b.push_list(lineage);
        b.push(") ORDER BY l.from_on, l.id");
        let rows = b
            .bind_onto(sqlx::query(b.sql()).bind(today.as_str()))
            .fetch_all(&self.read)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let l = from_row(r)?;
            let inside = !l.is_drawn()
                || person.street_address.as_deref().is_some_and(|s| {
                    address_matches(s, &match_terms(l.place.as_deref(), &l.addresses))
                });
            if inside {
                out.push(l);
            }
        }
        self.attach_cases(scope, &mut out).await?;
        Ok(out)
    }

    /// A lockdown the scope holds (its unit within it) for a testing
    /// campaign: the campaign's unit (the area's; a hamlet's commune) and
    /// the people inside within the scope. Not found when the scope does not
    /// hold it (one seen from below is the level above's to test).
    pub(crate) async fn lockdown_targets(
        &self,
        scope: &Scope,
        id: i64,
    ) -> Result<(String, Vec<i64>)> {
        let l = self.lockdown_row(scope, id).await?;
        let unit = self.unit(&l.unit_code).await?;
        if !scope.contains(&unit) {
            return Err(StoreError::not_found(Entity::Lockdown, id));
        }
        let people = self.people_inside(scope, &l, None).await?;
        let unit_code = match unit.level {
            UnitLevel::Hamlet => unit.commune_code.clone().unwrap_or(unit.code),
            _ => unit.code,
        };
        Ok((unit_code, people.iter().map(|p| p.person_id).collect()))
    }

    /// ` AND (…)`: the lockdowns `scope` sees — those in it, and those over
    /// its own unit.
    async fn push_visible(&self, scope: &Scope, b: &mut QueryBuilder) -> Result<()> {
        self.push_area_visible(scope, b, "l").await
    }

    /// ` AND (…)`: the areas (rows of `alias` with a unit's codes and
    /// `unit_code`) `scope` sees — those in it, and those over its own unit.
    pub(crate) async fn push_area_visible(
        &self,
        scope: &Scope,
        b: &mut QueryBuilder,
        alias: &str,
    ) -> Result<()> {
        let Some(root) = scope.root() else {
            scope.push_filter(b, alias);
            return Ok(());
        };
        let unit = self.unit(root.as_str()).await?;
        let within = scope
            .filter_sql(b, alias)
            .unwrap_or_else(|| "1 = 1".to_owned());
        b.push(" AND (")
            .push(&within)
            .push(&format!(" OR {alias}.unit_code IN ("));
        b.push_list(unit.lineage().map(str::to_owned).collect::<Vec<_>>());
        b.push("))");
        Ok(())
    }

    async fn lockdown_row(&self, scope: &Scope, id: i64) -> Result<Lockdown> {
        let mut b =
            QueryBuilder::numbered(format!("SELECT {COLUMNS} FROM {FROM} WHERE l.id = $1"), 1);
        self.push_visible(scope, &mut b).await?;
        let row = b
            .bind_onto(sqlx::query(b.sql()).bind(id))
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| StoreError::not_found(Entity::Lockdown, id))?;
        let mut out = vec![from_row(&row)?];
        self.attach_cases(scope, &mut out).await?;
        Ok(out.remove(0))
    }

    /// Each lockdown's cases (their codes and names: a case's code is not
    /// secret within the area's reach; the name only within the scope).
    async fn attach_cases(&self, scope: &Scope, lockdowns: &mut [Lockdown]) -> Result<()> {
        if lockdowns.is_empty() {
            return Ok(());
        }
        let mut b = QueryBuilder::numbered(
            "SELECT lc.lockdown_id, c.id, c.code, p.full_name, c.province_code, c.district_code, c.commune_code \
             FROM lockdown_cases lc JOIN cases c ON c.id = lc.case_id JOIN persons p ON p.id = c.person_id \
             WHERE lc.lockdown_id IN (",
            0,
        );
        b.push_list(lockdowns.iter().map(|l| l.id).collect::<Vec<_>>());
        b.push(") ORDER BY c.code");
        for r in b.query().fetch_all(&self.read).await? {
            let lockdown_id: i64 = r.try_get("lockdown_id")?;
            let (p, d, c): (String, String, String) = (
                r.try_get("province_code")?,
                r.try_get("district_code")?,
                r.try_get("commune_code")?,
            );
            let full_name = if scope.contains_codes(&p, &d, &c) {
                r.try_get("full_name")?
            } else {
                String::new()
            };
            if let Some(l) = lockdowns.iter_mut().find(|l| l.id == lockdown_id) {
                l.cases.push(LockdownCase {
                    case_id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    full_name,
                });
            }
        }
        Ok(())
    }

    async fn lockdown_cases_by_code(
        &self,
        scope: &Scope,
        codes: &[String],
    ) -> Result<Vec<LockdownCase>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = QueryBuilder::numbered(
            "SELECT c.id, c.code, p.full_name FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.code IN (",
            0,
        );
        b.push_list(codes.to_vec());
        b.push(")");
        scope.push_filter(&mut b, "c");
        b.query()
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                Ok(LockdownCase {
                    case_id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    full_name: r.try_get("full_name")?,
                })
            })
            .collect()
    }

    /// Hold the area (its unit and place) until `tx` ends, so that two
    /// writers cannot both find no overlap and both write: PostgreSQL's
    /// transaction-scoped advisory lock on a hash of the two; SQLite's one
    /// writer already holds everything.
    pub(crate) async fn lock_area(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        unit_code: &str,
        key: &str,
    ) -> Result<()> {
        if self.dialect == crate::Dialect::Postgres {
            // FNV-1a, 64 bits: stable across runs and builds.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in unit_code.bytes().chain([0u8]).chain(key.bytes()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(h as i64)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// The lockdowns of the same unit and place (but `except`), read in `tx`.
    async fn same_area(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        unit_code: &str,
        key: &str,
        except: Option<i64>,
    ) -> Result<Vec<Lockdown>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE l.unit_code = $1 AND l.place_key = $2 AND l.id <> $3"
        ))
        .bind(unit_code)
        .bind(key)
        .bind(except.unwrap_or(0))
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(from_row)
        .collect()
    }

    /// The people registered inside `l`, within `scope`, by name.
    /// `page` (offset, limit) only for a whole unit: a drawn place's
    /// people are found by matching, then sliced by the caller.
    async fn people_inside(
        &self,
        scope: &Scope,
        l: &Lockdown,
        page: Option<(usize, usize)>,
    ) -> Result<Vec<LockdownPerson>> {
        let column = unit_column(l)?;
        let mut b = QueryBuilder::numbered(
            format!(
                "SELECT p.id, p.full_name, p.birth_year, p.street_address, h.name AS hamlet_name, p.household_id \
                 FROM persons p LEFT JOIN units h ON h.code = p.hamlet_code \
                 WHERE p.{column} = $1 AND p.merged_into IS NULL"
            ),
            1,
        );
        scope.push_filter(&mut b, "p");
        b.push(" ORDER BY p.name_folded, p.birth_year, p.id");
        if let (Some((offset, limit)), false) = (page, l.is_drawn()) {
            b.push(&format!(" LIMIT {limit} OFFSET {offset}"));
        }
        let terms = match_terms(l.place.as_deref(), &l.addresses);
        let mut out = Vec::new();
        for r in b
            .bind_onto(sqlx::query(b.sql()).bind(l.unit_code.as_str()))
            .fetch_all(&self.read)
            .await?
        {
            let street: Option<String> = r.try_get("street_address")?;
            if l.is_drawn()
                && !street
                    .as_deref()
                    .is_some_and(|s| address_matches(s, &terms))
            {
                continue;
            }
            out.push(LockdownPerson {
                person_id: r.try_get("id")?,
                full_name: r.try_get("full_name")?,
                birth_year: r.try_get("birth_year")?,
                street_address: street,
                hamlet_name: r.try_get("hamlet_name")?,
                household_id: r.try_get("household_id")?,
            });
        }
        Ok(out)
    }
}

/// An area's unit as its own codes below the province: (district,
/// commune, hamlet), each `None` above the unit's level.
pub(crate) fn area_codes(
    unit: &crate::units::Unit,
) -> (Option<String>, Option<String>, Option<String>) {
    let (hamlet, commune) = match unit.level {
        UnitLevel::Hamlet => (Some(unit.code.clone()), unit.commune_code.clone()),
        UnitLevel::Commune => (None, Some(unit.code.clone())),
        _ => (None, None),
    };
    let district = match unit.level {
        UnitLevel::District => Some(unit.code.clone()),
        UnitLevel::Province => None,
        _ => unit.district_code.clone(),
    };
    (district, commune, hamlet)
}

/// The persons' column that places them in a unit of `level`.
pub(crate) fn person_column(level: &str) -> Result<&'static str> {
    Ok(match level {
        "province" => "province_code",
        "district" => "district_code",
        "commune" => "commune_code",
        "hamlet" => "hamlet_code",
        other => return Err(StoreError::Data(format!("area level {other:?}"))),
    })
}

/// The persons' column that places them in a lockdown's unit.
fn unit_column(l: &Lockdown) -> Result<&'static str> {
    person_column(&l.unit_level)
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    kind: &str,
    on: NaiveDate,
    decision: &str,
    reason: &str,
    actor: &Actor,
    stamp: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO lockdown_events (lockdown_id, kind, on_day, decision, reason, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(kind)
    .bind(on.to_string())
    .bind(decision)
    .bind(reason)
    .bind(actor.name.as_str())
    .bind(stamp)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn read_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<Lockdown> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE l.id = $1"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    from_row(&row)
}
