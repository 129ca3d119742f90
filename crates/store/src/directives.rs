//! Distancing directives applied to areas, "what applies here on a day",
//! and travel permits (*giấy đi đường*) under Directive 16.
//!
//! An application holds a unit for a period (`directive_areas`), refused
//! when it overlaps another application of the same unit (end that one
//! first); ending it early is a decision kept on the row, never a deletion.
//! On a day, the applications in force over a unit's lineage are read and
//! the most local one applies (`DirectivesHere`).
//!
//! A permit is issued to a person of the issuer's jurisdiction for a route
//! whose both ends lie in the person's province — anything else is refused
//! in words — and a period of at most 31 days; it carries a code (`GDD-…`,
//! its QR code) that a checkpoint of the same province checks: each check is
//! a row of `permit_checks` with what it found (`valid`, `revoked`,
//! `expired`, `not_yet`). Issuing and revoking are audited.
//!
//! Jurisdiction: applications as lockdowns (written by a scope holding the
//! unit, read also from below); permits read and revoked within the scope
//! that holds their issuing unit, checked anywhere in their province.

use crate::error::Entity;
use crate::lockdowns::area_codes;
use crate::sql::QueryBuilder;
use crate::sql::days::opt_date_of;
use crate::{Actor, Result, Scope, Store, StoreError, audit};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::NaiveDate;
use phongdich_domain::directive::{
    DirectiveEndInput, DirectiveInput, PermitInput, check_end, last_day, permit_code, permit_state,
    rule,
};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A directive applied to a unit for a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectiveArea {
    pub id: i64,
    /// `15`, `16` or `19`.
    pub directive: String,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: String,
    pub province_code: String,
    pub from_on: NaiveDate,
    /// The planned end, included.
    pub until_on: NaiveDate,
    /// The first day it no longer applied, when ended early.
    pub ended_on: Option<NaiveDate>,
    pub end_decision: Option<String>,
    pub decision: String,
    pub issued_by: String,
    pub own_measures: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub version: i64,
}

impl DirectiveArea {
    /// Whether it holds on `day`.
    pub fn holds_on(&self, day: NaiveDate) -> bool {
        self.from_on <= day && day <= last_day(self.until_on, self.ended_on)
    }
}

/// What applies at a unit on a day: the most local application in force,
/// and the others in force over it (which it overrides).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectivesHere {
    pub unit_code: String,
    pub unit_name: String,
    pub day: NaiveDate,
    pub applies: Option<DirectiveArea>,
    pub overridden: Vec<DirectiveArea>,
}

/// A travel permit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Permit {
    pub id: i64,
    pub code: String,
    pub person_id: i64,
    pub full_name: String,
    pub birth_year: i64,
    pub plate: Option<String>,
    pub purpose: String,
    pub purpose_detail: String,
    pub from_unit: String,
    pub from_name: String,
    pub to_unit: String,
    pub to_name: String,
    pub route: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub revoked_reason: Option<String>,
    pub issued_unit: String,
    pub issued_name: String,
    pub province_code: String,
    pub created_by: String,
    pub created_at: String,
}

/// A check of a permit at a checkpoint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PermitCheck {
    /// `valid`, `revoked`, `expired` or `not_yet`.
    pub result: String,
    pub checkpoint: String,
    pub checked_by: String,
    pub checked_at: String,
    pub permit: Permit,
}

/// A permit with the checks made of it, the latest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PermitDetail {
    pub permit: Permit,
    /// `valid`, `revoked`, `expired` or `not_yet` today.
    pub state: String,
    pub checks: Vec<PermitCheckRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PermitCheckRow {
    pub result: String,
    pub checkpoint: String,
    pub checked_by: String,
    pub checked_at: String,
}

const AREA_COLUMNS: &str = "a.id, a.directive, a.unit_code, u.name AS unit_name, a.unit_level, a.province_code, \
     a.from_on, a.until_on, a.ended_on, a.end_decision, a.decision, a.issued_by, a.own_measures, a.created_by, \
     a.created_at, a.version";

const AREA_FROM: &str = "directive_areas a JOIN units u ON u.code = a.unit_code";

fn area_from_row(r: &AnyRow) -> Result<DirectiveArea> {
    let day = |c: &str| -> Result<NaiveDate> {
        opt_date_of(r, c)?.ok_or_else(|| StoreError::Data(format!("{c} is empty")))
    };
    Ok(DirectiveArea {
        id: r.try_get("id")?,
        directive: r.try_get("directive")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        unit_level: r.try_get("unit_level")?,
        province_code: r.try_get("province_code")?,
        from_on: day("from_on")?,
        until_on: day("until_on")?,
        ended_on: opt_date_of(r, "ended_on")?,
        end_decision: r.try_get("end_decision")?,
        decision: r.try_get("decision")?,
        issued_by: r.try_get("issued_by")?,
        own_measures: r.try_get("own_measures")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        version: r.try_get("version")?,
    })
}

const PERMIT_COLUMNS: &str = "t.id, t.code, t.person_id, p.full_name, p.birth_year, t.plate, t.purpose, t.purpose_detail, \
     t.from_unit, fu.name AS from_name, t.to_unit, tu.name AS to_name, t.route, t.valid_from, t.valid_until, \
     t.revoked_at, t.revoked_by, t.revoked_reason, t.issued_unit, iu.name AS issued_name, t.province_code, \
     t.created_by, t.created_at";

const PERMIT_FROM: &str = "travel_permits t JOIN persons p ON p.id = t.person_id \
     JOIN units fu ON fu.code = t.from_unit JOIN units tu ON tu.code = t.to_unit \
     JOIN units iu ON iu.code = t.issued_unit";

fn permit_from_row(r: &AnyRow) -> Result<Permit> {
    let day = |c: &str| -> Result<NaiveDate> {
        opt_date_of(r, c)?.ok_or_else(|| StoreError::Data(format!("{c} is empty")))
    };
    Ok(Permit {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        person_id: r.try_get("person_id")?,
        full_name: r.try_get("full_name")?,
        birth_year: r.try_get("birth_year")?,
        plate: r.try_get("plate")?,
        purpose: r.try_get("purpose")?,
        purpose_detail: r.try_get("purpose_detail")?,
        from_unit: r.try_get("from_unit")?,
        from_name: r.try_get("from_name")?,
        to_unit: r.try_get("to_unit")?,
        to_name: r.try_get("to_name")?,
        route: r.try_get("route")?,
        valid_from: day("valid_from")?,
        valid_until: day("valid_until")?,
        revoked_at: r.try_get("revoked_at")?,
        revoked_by: r.try_get("revoked_by")?,
        revoked_reason: r.try_get("revoked_reason")?,
        issued_unit: r.try_get("issued_unit")?,
        issued_name: r.try_get("issued_name")?,
        province_code: r.try_get("province_code")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

fn day_text(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

impl Store {
    /// Apply a directive to a unit of the actor's jurisdiction for a period
    /// (audited); refused over another application of the same unit.
    pub async fn apply_directive(
        &self,
        actor: &Actor,
        input: &DirectiveInput,
    ) -> Result<DirectiveArea> {
        actor.require(Permission::Zones)?;
        let parsed = input.parse();
        let mut errors = parsed
            .as_ref()
            .err()
            .map(|e| e.0.clone())
            .unwrap_or_default();
        let unit = self
            .area_unit(actor, &input.unit_code, false, &mut errors)
            .await?;
        let (Ok(new), Some(unit), true) = (parsed, unit, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        let (district, commune, hamlet) = area_codes(&unit);
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        self.lock_area(&mut tx, &unit.code, "directive").await?;
        let others = sqlx::query(&format!(
            "SELECT {AREA_COLUMNS} FROM {AREA_FROM} WHERE a.unit_code = $1"
        ))
        .bind(unit.code.as_str())
        .fetch_all(&mut *tx)
        .await?;
        for r in &others {
            let o = area_from_row(r)?;
            let end = last_day(o.until_on, o.ended_on);
            if o.from_on <= new.until_on && new.from_on <= end {
                return Err(StoreError::conflict(
                    format!(
                        "{} đã áp dụng Chỉ thị {} từ {} đến {} (quyết định {}): hãy kết thúc quyết định đó trước.",
                        unit.name,
                        o.directive,
                        day_text(o.from_on),
                        day_text(end),
                        o.decision
                    ),
                    format!(
                        "{} is under Directive {} from {} to {} (decision {}): end that one first.",
                        unit.name,
                        o.directive,
                        day_text(o.from_on),
                        day_text(end),
                        o.decision
                    ),
                ));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO directive_areas (directive, unit_code, unit_level, province_code, district_code, commune_code, \
             hamlet_code, from_on, until_on, decision, issued_by, own_measures, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        )
        .bind(new.directive)
        .bind(unit.code.as_str())
        .bind(unit.level.as_str())
        .bind(unit.province_code.as_str())
        .bind(district.as_deref())
        .bind(commune.as_deref())
        .bind(hamlet.as_deref())
        .bind(new.from_on.to_string())
        .bind(new.until_on.to_string())
        .bind(new.decision.as_str())
        .bind(new.issued_by.as_str())
        .bind(new.own_measures.as_deref())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let after = area_in(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "directive_area",
            &id.to_string(),
            Some(&unit.code),
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// End an application early, from a day (audited; kept).
    pub async fn end_directive(
        &self,
        actor: &Actor,
        id: i64,
        input: &DirectiveEndInput,
    ) -> Result<DirectiveArea> {
        actor.require(Permission::Zones)?;
        let before = self.directive_area(&actor.scope, id).await?;
        if !actor.scope.contains(&self.unit(&before.unit_code).await?) {
            return Err(StoreError::not_found(Entity::DirectiveArea, id));
        }
        let mut errors = Vec::new();
        let on = phongdich_domain::contact::parse_date("on", &input.on)
            .map_err(|e| errors.push(e))
            .ok();
        let decision = phongdich_domain::text::clean(&input.decision);
        if decision.is_empty() {
            errors.push(FieldError::new(
                "decision",
                "required",
                "Cần số quyết định.",
                "The decision's number is needed.",
            ));
        }
        if let Some(on) = on
            && let Err(e) = check_end(
                on,
                before.from_on,
                before.until_on,
                before.ended_on,
                self.today(),
            )
        {
            errors.push(e);
        }
        let (Some(on), true) = (on, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE directive_areas SET ended_on = $1, end_decision = $2, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(on.to_string())
        .bind(decision.as_str())
        .bind(self.stamp())
        .bind(id)
        .bind(before.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::conflict(
                "Quyết định này vừa được người khác thay đổi; hãy xem lại.",
                "Someone else has just changed this; look again.",
            ));
        }
        let after = area_in(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "update",
            "directive_area",
            &id.to_string(),
            Some(&before.unit_code),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The applications the scope sees (its own and those over it), the newest first.
    pub async fn directive_areas(&self, scope: &Scope) -> Result<Vec<DirectiveArea>> {
        let mut b = QueryBuilder::numbered(
            format!("SELECT {AREA_COLUMNS} FROM {AREA_FROM} WHERE 1 = 1"),
            0,
        );
        self.push_area_visible(scope, &mut b, "a").await?;
        b.push(" ORDER BY a.from_on DESC, a.id DESC LIMIT 1000");
        b.query()
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(area_from_row)
            .collect()
    }

    pub async fn directive_area(&self, scope: &Scope, id: i64) -> Result<DirectiveArea> {
        let mut b = QueryBuilder::numbered(
            format!("SELECT {AREA_COLUMNS} FROM {AREA_FROM} WHERE a.id = $1"),
            1,
        );
        self.push_area_visible(scope, &mut b, "a").await?;
        match b
            .bind_onto(sqlx::query(b.sql()).bind(id))
            .fetch_optional(&self.read)
            .await?
        {
            Some(r) => area_from_row(&r),
            None => Err(StoreError::not_found(Entity::DirectiveArea, id)),
        }
    }

    /// What applies at a unit (in the scope, or over its own unit) on a day.
    pub async fn directives_on(
        &self,
        scope: &Scope,
        unit_code: &str,
        day: NaiveDate,
    ) -> Result<DirectivesHere> {
        let unit = self.unit(unit_code.trim()).await?;
        // In the scope, or over the reader's own unit (a commune reads its
        // province's measures).
        let seen = scope.contains(&unit)
            || match scope.root() {
                Some(r) => self
                    .unit(r.as_str())
                    .await?
                    .lineage()
                    .any(|c| c == unit.code),
                None => false,
            };
        if !seen {
            return Err(StoreError::not_found(Entity::Unit, unit_code.trim()));
        }
        let lineage: Vec<String> = unit.lineage().map(str::to_owned).collect();
        let d = day.to_string();
        let mut b = QueryBuilder::numbered(
            format!(
                "SELECT {AREA_COLUMNS} FROM {AREA_FROM} WHERE a.from_on <= $1 AND a.until_on >= $1 \
                 AND (a.ended_on IS NULL OR a.ended_on > $1) AND a.unit_code IN ("
            ),
            1,
        );
        b.push_list(lineage.clone());
        b.push(")");
        let mut found = b
            .bind_onto(sqlx::query(b.sql()).bind(d.as_str()))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(area_from_row)
            .collect::<Result<Vec<_>>>()?;
        // The most local first: the lineage runs from the unit up.
        found.sort_by_key(|a| lineage.iter().position(|c| *c == a.unit_code));
        let mut found = found.into_iter();
        Ok(DirectivesHere {
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            day,
            applies: found.next(),
            overridden: found.collect(),
        })
    }

    /// Issue a travel permit to a person of the actor's jurisdiction
    /// (audited): the route's ends in the person's province, Directive 16
    /// applying at one of them on the permit's first day.
    pub async fn issue_permit(&self, actor: &Actor, input: &PermitInput) -> Result<Permit> {
        actor.require(Permission::Zones)?;
        let parsed = input.parse(self.today());
        let mut errors = parsed
            .as_ref()
            .err()
            .map(|e| e.0.clone())
            .unwrap_or_default();
        let person = match input.person_id {
            Some(id) => match self.person(&actor.scope, id).await {
                Ok(p) if p.merged_into.is_none() => Some(p),
                Ok(_) | Err(StoreError::NotFound { .. }) => {
                    errors.push(FieldError::new(
                        "person_id",
                        "not_found",
                        format!("Không có người số {id} trong phạm vi của bạn."),
                        format!("No person {id} within your jurisdiction."),
                    ));
                    None
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        let mut ends = Vec::new();
        for (field, code) in [("from_unit", &input.from_unit), ("to_unit", &input.to_unit)] {
            let code = code.trim();
            if code.is_empty() {
                continue;
            }
            match self.unit(code).await {
                Ok(u) => {
                    if let Some(p) = &person
                        && u.province_code != p.province_code
                    {
                        errors.push(FieldError::new(
                            field,
                            "outside_province",
                            format!(
                                "«{}» ngoài tỉnh: giấy đi đường chỉ cấp cho lộ trình trong tỉnh.",
                                u.name
                            ),
                            format!(
                                "“{}” is outside the province: a permit covers a route within the province only.",
                                u.name
                            ),
                        ));
                    } else if u.level == UnitLevel::National || u.level == UnitLevel::Province {
                        errors.push(FieldError::new(
                            field,
                            "too_wide",
                            "Chọn huyện, xã hoặc thôn/tổ (không chọn cả tỉnh).",
                            "Choose a district, commune or hamlet (not the whole province).",
                        ));
                    }
                    ends.push(u);
                }
                Err(StoreError::NotFound { .. }) | Err(StoreError::Invalid(_)) => {
                    errors.push(FieldError::new(
                        field,
                        "not_found",
                        format!("Không có đơn vị «{code}»."),
                        format!("There is no unit “{code}”."),
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        let (Ok(new), Some(person), true) = (parsed, person, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        // A permit is what Directive 16 asks for: it must apply at one end of
        // the route on the permit's first day (elsewhere people move freely).
        let mut under_16 = false;
        for end in &ends {
            let here = self
                .directives_on(&Scope::national(), &end.code, new.valid_from)
                .await?;
            under_16 |= here.applies.is_some_and(|a| a.directive == "16");
        }
        if !under_16 {
            let names: Vec<&str> = ends.iter().map(|u| u.name.as_str()).collect();
            let day = new.valid_from.format("%d/%m/%Y");
            return Err(Invalid(vec![FieldError::new(
                "valid_from",
                "no_directive_16",
                format!(
                    "Ngày {day}, Chỉ thị 16 không áp dụng tại {}: không cần giấy đi đường (xem «Chỉ thị đang áp dụng»).",
                    names.join(" hay ")
                ),
                format!(
                    "On {day} Directive 16 does not apply at {}: no permit is needed (see “Directives in force”).",
                    names.join(" or ")
                ),
            )])
            .into());
        }
        // The issuing unit: the actor's own, else (national) the person's province.
        let issued = match actor.scope.root() {
            Some(r) => self.unit(r.as_str()).await?,
            None => self.unit(&person.province_code).await?,
        };
        let (district, commune, _) = area_codes(&issued);
        let code = loop {
            let c = permit_code(OsRng.next_u64());
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM travel_permits WHERE code = $1")
                    .bind(c.as_str())
                    .fetch_optional(&self.read)
                    .await?;
            if taken.is_none() {
                break c;
            }
        };
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO travel_permits (code, person_id, plate, purpose, purpose_detail, from_unit, to_unit, route, \
             valid_from, valid_until, issued_unit, province_code, district_code, commune_code, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(code.as_str())
        .bind(person.id)
        .bind(new.plate.as_deref())
        .bind(new.purpose)
        .bind(new.purpose_detail.as_str())
        .bind(new.from_unit.as_str())
        .bind(new.to_unit.as_str())
        .bind(new.route.as_deref())
        .bind(new.valid_from.to_string())
        .bind(new.valid_until.to_string())
        .bind(issued.code.as_str())
        .bind(person.province_code.as_str())
        .bind(district.as_deref())
        .bind(commune.as_deref())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let after = permit_in(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "travel_permit",
            &after.code,
            Some(&issued.code),
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Revoke a permit the actor's scope issued (audited); once.
    pub async fn revoke_permit(&self, actor: &Actor, id: i64, reason: &str) -> Result<Permit> {
        actor.require(Permission::Zones)?;
        let before = self.permit_row(&actor.scope, id).await?;
        let reason = phongdich_domain::text::clean(reason);
        if reason.is_empty() {
            return Err(Invalid(vec![FieldError::new(
                "reason",
                "required",
                "Cần lý do thu hồi.",
                "The reason for revoking is needed.",
            )])
            .into());
        }
        if let Some(at) = &before.revoked_at {
            return Err(StoreError::conflict(
                format!(
                    "Giấy này đã bị thu hồi ({}).",
                    before.revoked_by.clone().unwrap_or_default()
                ),
                format!(
                    "This permit was already revoked ({at}, {}).",
                    before.revoked_by.clone().unwrap_or_default()
                ),
            ));
        }
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE travel_permits SET revoked_at = $1, revoked_by = $2, revoked_reason = $3, version = version + 1 \
             WHERE id = $4 AND revoked_at IS NULL",
        )
        .bind(self.stamp())
        .bind(actor.name.as_str())
        .bind(reason.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::conflict(
                "Giấy này vừa bị thu hồi.",
                "This permit has just been revoked.",
            ));
        }
        let after = permit_in(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "update",
            "travel_permit",
            &after.code,
            Some(&after.issued_unit),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The permits the scope issued (or that were issued within it), the newest first.
    pub async fn permits(&self, scope: &Scope) -> Result<Vec<Permit>> {
        let mut b = QueryBuilder::numbered(
            format!("SELECT {PERMIT_COLUMNS} FROM {PERMIT_FROM} WHERE 1 = 1"),
            0,
        );
        scope.push_filter(&mut b, "t");
        b.push(" ORDER BY t.id DESC LIMIT 1000");
        b.query()
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(permit_from_row)
            .collect()
    }

    /// A permit with its checks.
    pub async fn permit(&self, scope: &Scope, id: i64) -> Result<PermitDetail> {
        let permit = self.permit_row(scope, id).await?;
        let checks = sqlx::query(
            "SELECT result, checkpoint, checked_by, checked_at FROM permit_checks WHERE permit_id = $1 \
             ORDER BY id DESC LIMIT 200",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(PermitCheckRow {
                result: r.try_get("result")?,
                checkpoint: r.try_get("checkpoint")?,
                checked_by: r.try_get("checked_by")?,
                checked_at: r.try_get("checked_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(PermitDetail {
            state: permit_state(
                permit.valid_from,
                permit.valid_until,
                permit.revoked_at.is_some(),
                self.today(),
            )
            .to_owned(),
            permit,
            checks,
        })
    }

    /// Check a permit's code at a checkpoint of its province (the check
    /// kept, whatever it finds). A code of another province, or none, is
    /// not found (another province's permit is not valid here).
    pub async fn check_permit(
        &self,
        actor: &Actor,
        code: &str,
        checkpoint: &str,
    ) -> Result<PermitCheck> {
        actor.require(Permission::CheckArrivals)?;
        let code = code.trim().to_uppercase();
        let checkpoint = phongdich_domain::text::clean(checkpoint);
        if checkpoint.is_empty() {
            return Err(Invalid(vec![FieldError::new(
                "checkpoint",
                "required",
                "Cần tên chốt.",
                "The checkpoint's name is needed.",
            )])
            .into());
        }
        let row = sqlx::query(&format!(
            "SELECT {PERMIT_COLUMNS} FROM {PERMIT_FROM} WHERE t.code = $1"
        ))
        .bind(code.as_str())
        .fetch_optional(&self.read)
        .await?;
        let permit = match row {
            Some(r) => permit_from_row(&r)?,
            None => return Err(StoreError::not_found(Entity::TravelPermit, code)),
        };
        let province = match actor.scope.root() {
            Some(r) => Some(self.unit(r.as_str()).await?.province_code),
            None => None,
        };
        // Another province's permit is not valid here, and its existence
        // is not told either.
        if province.is_some_and(|p| p != permit.province_code) {
            return Err(StoreError::not_found(Entity::TravelPermit, code));
        }
        let result = permit_state(
            permit.valid_from,
            permit.valid_until,
            permit.revoked_at.is_some(),
            self.today(),
        );
        let at = self.stamp();
        sqlx::query(
            "INSERT INTO permit_checks (permit_id, checkpoint, result, checked_by, checked_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(permit.id)
        .bind(checkpoint.as_str())
        .bind(result)
        .bind(actor.name.as_str())
        .bind(at.as_str())
        .execute(&self.write)
        .await?;
        Ok(PermitCheck {
            result: result.to_owned(),
            checkpoint,
            checked_by: actor.name.clone(),
            checked_at: at,
            permit,
        })
    }

    async fn permit_row(&self, scope: &Scope, id: i64) -> Result<Permit> {
        let mut b = QueryBuilder::numbered(
            format!("SELECT {PERMIT_COLUMNS} FROM {PERMIT_FROM} WHERE t.id = $1"),
            1,
        );
        scope.push_filter(&mut b, "t");
        match b
            .bind_onto(sqlx::query(b.sql()).bind(id))
            .fetch_optional(&self.read)
            .await?
        {
            Some(r) => permit_from_row(&r),
            None => Err(StoreError::not_found(Entity::TravelPermit, id)),
        }
    }
}

async fn area_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<DirectiveArea> {
    let r = sqlx::query(&format!(
        "SELECT {AREA_COLUMNS} FROM {AREA_FROM} WHERE a.id = $1"
    ))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    area_from_row(&r)
}

async fn permit_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<Permit> {
    let r = sqlx::query(&format!(
        "SELECT {PERMIT_COLUMNS} FROM {PERMIT_FROM} WHERE t.id = $1"
    ))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    permit_from_row(&r)
}

/// The rule of an application (its directive is one of the table's).
pub fn rule_of(a: &DirectiveArea) -> Option<&'static phongdich_domain::directive::DirectiveRule> {
    rule(&a.directive)
}
