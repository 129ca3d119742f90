//! Quarantine orders. An order's kind, length and test days come from the
//! rule in force on its first day for the person's situation
//! (`domain::quarantine::rule_in_force`, national rules plus the province's
//! own); the order keeps a copy of that rule, so later rules never rewrite
//! it. Release only when the rule's conditions hold: the last day reached
//! and a negative test on each test day.
//!
//! An order's first day is not before 1/1/2020 (`OrderInput::parse`) nor, for
//! an F1, more than `DAYS_BEFORE_EXPOSURE` days before the person's exposure
//! (their class's `since_on`). A home order without a place is served at the
//! person's address; a centralised one has no place until an admission names
//! its site.
//!
//! Rules: national rules are in code, a province's own in `quarantine_rules`,
//! versioned — a new version replaces the current one, both stay on file and in
//! the audit log; a code belongs to one province (another province's code or a
//! national one is refused, never versioned over). The page `/quarantine/rules`
//! lists the rules in force with their documents and lets the province's
//! administrator add or revise one. An order stores its rule as `rule_json`;
//! one active order per person; release only when `release_blockers` is empty
//! (last day reached, a negative test on — or the day after — each test day,
//! read from the person's samples); extension with a reason; `order_all_f1`
//! issues orders for every F1 of the scope without one (skipping rules that are
//! self-monitoring only). Orders reach the tracing engine in their transaction.
//!
//! Day lists (migration 13): each test day of an active order is a row of
//! `quarantine_test_days(order_id, day, unit codes)`, written in the order's
//! transaction and deleted in the one that releases it (the order's
//! comma-separated `test_days` stays its record); indexed by `(unit, day)` per
//! level, and the orders by `(unit, status, planned_end)`, so tests due, ending
//! (`planned_end = D`) and overdue (`planned_end < D`) are index ranges.
//! Migration 16 makes the counts index-only: the orders' unit indexes also hold
//! `start_on` and `kind`. The day page itself is the read model
//! `views::quarantine_day`.

use crate::sql::QueryBuilder;
use crate::{Actor, Result, Scope, Store, StoreError, audit};
use chrono::NaiveDate;
use phongdich_domain::contact::parse_date;
pub use phongdich_domain::quarantine::OrderInput;
use phongdich_domain::quarantine::{
    DAYS_BEFORE_EXPOSURE, NewOrder, Plan, QuarantineKind, QuarantineRule, Situation,
    national_rules, plan, release_blockers, rule_in_force,
};
use phongdich_domain::{FieldError, Invalid, Permission};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

/// One saved version of a province's rule.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleVersion {
    pub code: String,
    pub version: i64,
    pub current: bool,
    pub saved_by: String,
    pub saved_at: String,
    pub rule: QuarantineRule,
}

/// The rule that applies and the dates it gives.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    pub rule: QuarantineRule,
    pub plan: Plan,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuarantineOrder {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    pub situation: String,
    /// `centralised`, `home` or `self_monitoring`.
    pub kind: String,
    pub place: Option<String>,
    pub rule_code: String,
    /// The document the rule comes from.
    pub source: String,
    pub start_on: String,
    pub planned_end: String,
    pub monitoring_end: String,
    pub test_days: Vec<String>,
    /// `active`, `released` or `cancelled`.
    pub status: String,
    pub released_on: Option<String>,
    pub extension_reason: Option<String>,
}

fn split_days(days: &str) -> Vec<String> {
    days.split(',')
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A list stored comma-separated (`test_days`, symptoms).
pub(crate) fn comma_list<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<String>, D::Error> {
    Ok(split_days(&String::deserialize(d)?))
}

pub(crate) const ORDER_COLUMNS: &str = "o.id, o.person_id, p.full_name, o.commune_code, o.situation, o.kind, o.place, \
    o.rule_code, o.rule_json, o.start_on, o.planned_end, o.monitoring_end, o.test_days, o.status, o.released_on, \
    o.extension_reason";

/// The one field of an order's stored rule that lists show.
#[derive(Deserialize)]
struct RuleSource {
    source: String,
}

pub(crate) fn order_from_row(r: &AnyRow) -> Result<QuarantineOrder> {
    let rule: RuleSource = serde_json::from_str(&r.try_get::<String, _>("rule_json")?)?;
    let days: String = r.try_get("test_days")?;
    Ok(QuarantineOrder {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        full_name: r.try_get("full_name")?,
        commune_code: r.try_get("commune_code")?,
        situation: r.try_get("situation")?,
        kind: r.try_get("kind")?,
        place: r.try_get("place")?,
        rule_code: r.try_get("rule_code")?,
        source: rule.source,
        start_on: r.try_get("start_on")?,
        planned_end: r.try_get("planned_end")?,
        monitoring_end: r.try_get("monitoring_end")?,
        test_days: split_days(&days),
        status: r.try_get("status")?,
        released_on: r.try_get("released_on")?,
        extension_reason: r.try_get("extension_reason")?,
    })
}

impl Store {
    /// The rules a province applies: the national ones and its own current versions.
    pub async fn quarantine_rules(&self, province_code: &str) -> Result<Vec<QuarantineRule>> {
        quarantine_rules_on(&mut *self.read.acquire().await?, province_code).await
    }

    /// Add a province's own rule, or a new version of one (same code); the
    /// previous version stays on file, and the audit log has both.
    pub async fn save_province_rule(
        &self,
        actor: &Actor,
        rule: &QuarantineRule,
    ) -> Result<QuarantineRule> {
        actor.require(Permission::Configure)?;
        let province = rule.province_code.clone().unwrap_or_default();
        let unit = self.unit(&province).await?;
        let own_province = actor.scope.is_national()
            || actor.scope.root().map(|r| r.as_str()) == Some(unit.code.as_str());
        if unit.level != phongdich_domain::UnitLevel::Province || !own_province {
            return Err(StoreError::Forbidden {
                permission: Permission::Configure,
            });
        }
        let mut errors = Vec::new();
        if rule.code.trim().is_empty() || rule.source.trim().is_empty() {
            errors.push(FieldError::new(
                "code",
                "required",
                "Quy định cần mã và văn bản nguồn.",
                "A rule needs a code and its source document.",
            ));
        }
        if rule.days > 60
            || rule.monitoring_days > 60
            || rule
                .test_days
                .iter()
                .any(|d| *d == 0 || *d > rule.days.max(1) + rule.monitoring_days)
        {
            errors.push(FieldError::new(
                "days",
                "invalid",
                "Số ngày (tối đa 60) hoặc ngày xét nghiệm không hợp lệ.",
                "The days (at most 60) or the test days are not valid.",
            ));
        }
        // A code names one province's rule: another province's code, or a
        // national one, is refused rather than versioned over.
        let owner: Option<String> = sqlx::query_scalar(
            "SELECT province_code FROM quarantine_rules WHERE code = $1 AND province_code <> $2 LIMIT 1",
        )
        .bind(rule.code.trim())
        .bind(unit.code.as_str())
        .fetch_optional(&self.read)
        .await?;
        if owner.is_some() || national_rules().iter().any(|r| r.code == rule.code.trim()) {
            errors.push(FieldError::new(
                "code",
                "taken",
                format!(
                    "Mã «{}» đã dùng cho quy định khác; chọn mã khác.",
                    rule.code.trim()
                ),
                format!(
                    "The code “{}” belongs to another rule; choose another.",
                    rule.code.trim()
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        let mut rule = rule.clone();
        rule.code = rule.code.trim().to_owned();
        rule.source = phongdich_domain::text::clean(&rule.source);
        rule.province_code = Some(unit.code.clone());
        let rule = &rule;
        let mut tx = self.write.begin().await?;
        let before: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, rule_json FROM quarantine_rules WHERE code = $1 AND province_code = $2 AND current = 1",
        )
        .bind(rule.code.as_str())
        .bind(unit.code.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let version = before.as_ref().map(|b| b.0 + 1).unwrap_or(1);
        let json = serde_json::to_string(rule)?;
        sqlx::query(
            "UPDATE quarantine_rules SET current = 0 WHERE code = $1 AND province_code = $2",
        )
        .bind(rule.code.as_str())
        .bind(unit.code.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO quarantine_rules (code, version, province_code, rule_json, current, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $6)",
        )
        .bind(rule.code.as_str())
        .bind(version)
        .bind(unit.code.as_str())
        .bind(json.as_str())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .execute(&mut *tx)
        .await?;
        let before: Option<serde_json::Value> =
            before.map(|b| serde_json::from_str(&b.1)).transpose()?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            if version == 1 { "create" } else { "update" },
            "quarantine_rule",
            &format!("{}/v{version}", rule.code),
            Some(&unit.code),
            before.as_ref(),
            Some(rule),
        )
        .await?;
        // What arrivals must do follows the rule from now on.
        let committed = tx.commit().await;
        self.arrival_rules.changed();
        committed?;
        Ok(rule.clone())
    }

    /// Every version of a province's own rules, newest first: code, version,
    /// who saved it and when, whether it is the current one, and the rule.
    pub async fn province_rule_versions(&self, province_code: &str) -> Result<Vec<RuleVersion>> {
        sqlx::query(
            "SELECT code, version, rule_json, current, created_by, created_at FROM quarantine_rules \
             WHERE province_code = $1 ORDER BY code, version DESC",
        )
        .bind(province_code)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(RuleVersion {
                code: r.try_get("code")?,
                version: r.try_get("version")?,
                current: r.try_get::<i64, _>("current")? == 1,
                saved_by: r.try_get("created_by")?,
                saved_at: r.try_get("created_at")?,
                rule: serde_json::from_str(&r.try_get::<String, _>("rule_json")?)?,
            })
        })
        .collect()
    }

    /// The rule and dates an order for this person would have.
    pub async fn propose_order(&self, scope: &Scope, input: &OrderInput) -> Result<Proposal> {
        let NewOrder {
            situation,
            start_on: start,
            circumstances: mut c,
            ..
        } = input.parse()?;
        let person = self.person(scope, input.person_id).await?;
        if situation == Situation::F1 {
            self.check_start_after_exposure(person.id, start).await?;
        }
        if c.recovered_on.is_none() {
            // Recovery on record: the person's own case, recovered with a
            // negative test before the first day.
            let negative: Option<String> = sqlx::query_scalar(
                "SELECT negative_on FROM cases WHERE person_id = $1 AND course = 'recovered' AND negative_on IS NOT NULL",
            )
            .bind(person.id)
            .fetch_optional(&self.read)
            .await?;
            c.recovered_on = negative
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .filter(|d| *d <= start);
        }
        let rules = self.quarantine_rules(&person.province_code).await?;
        let Some(rule) = rule_in_force(&rules, situation, start, &person.province_code, &c) else {
            return Err(Invalid(vec![FieldError::new(
                "start_on",
                "no_rule",
                "Không có quy định cách ly nào có hiệu lực vào ngày này.",
                "No quarantine rule is in force on that day.",
            )])
            .into());
        };
        Ok(Proposal {
            plan: plan(rule, start),
            rule: rule.clone(),
        })
    }

    /// An F1's order starts no more than `DAYS_BEFORE_EXPOSURE` days before
    /// their exposure (the first day of their class, F1 or further): the
    /// quarantine is counted from it.
    async fn check_start_after_exposure(&self, person_id: i64, start: NaiveDate) -> Result<()> {
        let since: Option<String> = sqlx::query_scalar(
            "SELECT since_on FROM person_classes WHERE person_id = $1 AND level >= 1",
        )
        .bind(person_id)
        .fetch_optional(&self.read)
        .await?;
        let Some(exposed) = since.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        else {
            return Ok(());
        };
        if start + chrono::Days::new(DAYS_BEFORE_EXPOSURE) >= exposed {
            return Ok(());
        }
        let on = exposed.format("%d/%m/%Y");
        Err(Invalid(vec![FieldError::new(
            "start_on",
            "before_exposure",
            format!(
                "Người này tiếp xúc từ ngày {on}: ngày bắt đầu cách ly không được sớm hơn {DAYS_BEFORE_EXPOSURE} ngày trước đó."
            ),
            format!(
                "This person was exposed on {on}: the first day cannot be more than {DAYS_BEFORE_EXPOSURE} days before that."
            ),
        )])
        .into())
    }

    /// Issue an order computed from the rule in force; one active order per person.
    pub async fn create_order(&self, actor: &Actor, input: &OrderInput) -> Result<QuarantineOrder> {
        actor.require(Permission::Quarantine)?;
        // The order reaches the tracing engine in its transaction (its start
        // and kind shape the person's onward exposures), so hold it.
        let mut w = self.engine_write().await?;
        let order = self.insert_order(actor, input, &mut w).await?;
        w.commit().await?;
        Ok(order)
    }

    /// [`Store::create_order`] inside the caller's engine write (a module
    /// that issues an order with its own record commits both, or neither).
    /// The caller checks the permission.
    pub(crate) async fn insert_order(
        &self,
        actor: &Actor,
        input: &OrderInput,
        w: &mut crate::engine_write::EngineWrite<'_>,
    ) -> Result<QuarantineOrder> {
        let proposal = self.propose_order(&actor.scope, input).await?;
        let person = self.person(&actor.scope, input.person_id).await?;
        let active: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM quarantine_orders WHERE person_id = $1 AND status = 'active'",
        )
        .bind(person.id)
        .fetch_optional(w.conn())
        .await?;
        if let Some(id) = active {
            return Err(StoreError::conflict(
                format!("Người này đang có quyết định cách ly số {id}."),
                format!("This person already has an active quarantine order, no. {id}."),
            ));
        }
        // A home order is served at home: its place is the address unless
        // another is typed. A centralised one names its site, which the
        // admission records (`places::admit`); until then it has none —
        // never the home address, where the person is not.
        let place = input.parse()?.place.or_else(|| {
            (proposal.rule.kind != QuarantineKind::Centralised)
                .then(|| person.street_address.clone())
                .flatten()
        });
        let p = &proposal.plan;
        let stamp = self.stamp();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO quarantine_orders (person_id, situation, kind, place, rule_code, rule_json, start_on, planned_end, \
             monitoring_end, test_days, status, province_code, district_code, commune_code, hamlet_code, created_by, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $12, $13, $14, $15, $16, $16) \
             RETURNING id",
        )
        .bind(person.id)
        .bind(proposal.rule.situation.as_str())
        .bind(proposal.rule.kind.as_str())
        .bind(place)
        .bind(proposal.rule.code.as_str())
        .bind(serde_json::to_string(&proposal.rule)?)
        .bind(p.start.to_string())
        .bind(p.planned_end.to_string())
        .bind(p.monitoring_end.to_string())
        .bind(
            p.test_days
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(","),
        )
        .bind(person.province_code.as_str())
        .bind(person.district_code.as_str())
        .bind(person.commune_code.as_str())
        .bind(person.hamlet_code.as_deref())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(w.conn())
        .await?;
        // The order's test days as rows of the day lists' index (deduplicated:
        // a province rule may name a day twice).
        let mut days: Vec<String> = p.test_days.iter().map(|d| d.to_string()).collect();
        days.sort();
        days.dedup();
        for day in &days {
            sqlx::query(
                "INSERT INTO quarantine_test_days (order_id, day, province_code, district_code, commune_code, hamlet_code) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(day.as_str())
            .bind(person.province_code.as_str())
            .bind(person.district_code.as_str())
            .bind(person.commune_code.as_str())
            .bind(person.hamlet_code.as_deref())
            .execute(w.conn())
            .await?;
        }
        let order = order_in(w.tx(), id).await?;
        let old = w.engine()?.status(person.id);
        let new = self.isolation_status(w.tx(), person.id, old).await?;
        let changes = w.set_status(person.id, new)?;
        {
            self.persist_changes(w.tx(), &changes, &format!("order:{id}"))
                .await?;
            audit::record(
                &self.clock,
                w.tx(),
                actor,
                "create",
                "quarantine_order",
                &id.to_string(),
                Some(&person.commune_code),
                None::<&()>,
                Some(&order),
            )
            .await?;
        }
        Ok(order)
    }

    /// An order within the scope.
    pub async fn quarantine_order(&self, scope: &Scope, id: i64) -> Result<QuarantineOrder> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM quarantine_orders o JOIN persons p ON p.id = o.person_id WHERE o.id = $1"
        );
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "o");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        match q.fetch_optional(&self.read).await? {
            Some(r) => order_from_row(&r),
            None => Err(StoreError::not_found(
                crate::error::Entity::QuarantineOrder,
                id,
            )),
        }
    }

    /// The rule an order keeps (the copy made when it was issued), for an
    /// order within the scope.
    pub async fn order_rule(&self, scope: &Scope, id: i64) -> Result<QuarantineRule> {
        self.quarantine_order(scope, id).await?;
        self.rule_of(id).await
    }

    async fn rule_of(&self, id: i64) -> Result<QuarantineRule> {
        let json: String =
            sqlx::query_scalar("SELECT rule_json FROM quarantine_orders WHERE id = $1")
                .bind(id)
                .fetch_one(&self.read)
                .await?;
        Ok(serde_json::from_str(&json)?)
    }

    /// A person's orders, newest first.
    pub async fn orders_of(&self, scope: &Scope, person_id: i64) -> Result<Vec<QuarantineOrder>> {
        let person = self.person(scope, person_id).await?;
        sqlx::query(&format!(
            "SELECT {ORDER_COLUMNS} FROM quarantine_orders o JOIN persons p ON p.id = o.person_id \
             WHERE o.person_id = $1 ORDER BY o.id DESC"
        ))
        .bind(person.id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(order_from_row)
        .collect()
    }

    /// The person's tests during an order: (day taken, negative?), from
    /// samples with a result (a pool's result counts for each member).
    async fn tests_during(&self, o: &QuarantineOrder) -> Result<Vec<(NaiveDate, bool)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT collected_on, status FROM samples WHERE person_id = $1 AND collected_on >= $2 \
             AND status IN ('negative', 'positive', 'pool_positive', 'resample')",
        )
        .bind(o.person_id)
        .bind(o.start_on.as_str())
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(d, s)| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .ok()
                    .map(|d| (d, s == "negative"))
            })
            .collect())
    }

    /// Release an order on `on`, only when its rule allows: refused with
    /// every reason otherwise.
    pub async fn release_order(
        &self,
        actor: &Actor,
        id: i64,
        on: NaiveDate,
    ) -> Result<QuarantineOrder> {
        actor.require(Permission::Quarantine)?;
        let o = self.quarantine_order(&actor.scope, id).await?;
        if o.status != "active" {
            return Err(StoreError::conflict(
                "Quyết định này không còn hiệu lực.",
                "This order is no longer active.",
            ));
        }
        let rule = self.rule_of(id).await?;
        let parse = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::Data(e.to_string()))
        };
        let plan = Plan {
            start: parse(&o.start_on)?,
            planned_end: parse(&o.planned_end)?,
            monitoring_end: parse(&o.monitoring_end)?,
            test_days: o
                .test_days
                .iter()
                .map(|d| parse(d))
                .collect::<Result<Vec<_>>>()?,
        };
        let tests = self.tests_during(&o).await?;
        let blockers = release_blockers(&rule, &plan, &tests, on);
        if !blockers.is_empty() {
            return Err(Invalid(blockers).into());
        }
        self.change_order(
            actor,
            &o,
            "UPDATE quarantine_orders SET status = 'released', released_on = $1, updated_at = $2 WHERE id = $3",
            &on.to_string(),
        )
        .await
    }

    /// Extend an order to a new last day, with the reason.
    pub async fn extend_order(
        &self,
        actor: &Actor,
        id: i64,
        new_end: &str,
        reason: &str,
    ) -> Result<QuarantineOrder> {
        actor.require(Permission::Quarantine)?;
        let o = self.quarantine_order(&actor.scope, id).await?;
        let mut errors = Vec::new();
        let end = parse_date("planned_end", new_end)
            .map_err(|e| errors.push(e))
            .ok();
        if end.is_some_and(|e| e.to_string() <= o.planned_end) {
            errors.push(FieldError::new(
                "planned_end",
                "not_later",
                "Ngày kết thúc mới phải sau ngày kết thúc hiện tại.",
                "The new last day must be after the current one.",
            ));
        }
        let reason = phongdich_domain::text::clean(reason);
        if reason.is_empty() {
            errors.push(FieldError::new(
                "reason",
                "required",
                "Cần lý do gia hạn.",
                "An extension needs a reason.",
            ));
        }
        let (Some(end), true) = (end, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        if o.status != "active" {
            return Err(StoreError::conflict(
                "Quyết định này không còn hiệu lực.",
                "This order is no longer active.",
            ));
        }
        let extra = (end
            - NaiveDate::parse_from_str(&o.planned_end, "%Y-%m-%d")
                .map_err(|e| StoreError::Data(e.to_string()))?)
        .num_days();
        let monitoring_end = NaiveDate::parse_from_str(&o.monitoring_end, "%Y-%m-%d")
            .map_err(|e| StoreError::Data(e.to_string()))?
            + chrono::Days::new(extra.max(0) as u64);
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE quarantine_orders SET planned_end = $1, monitoring_end = $2, extension_reason = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(end.to_string())
        .bind(monitoring_end.to_string())
        .bind(reason.as_str())
        .bind(self.stamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let after = order_in(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "update",
            "quarantine_order",
            &id.to_string(),
            Some(&o.commune_code),
            Some(&o),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn change_order(
        &self,
        actor: &Actor,
        o: &QuarantineOrder,
        sql: &str,
        value: &str,
    ) -> Result<QuarantineOrder> {
        // A release (or cancellation) reaches the tracing engine in the same
        // transaction: see `create_order`.
        let mut w = self.engine_write().await?;
        sqlx::query(sql)
            .bind(value)
            .bind(self.stamp())
            .bind(o.id)
            .execute(w.conn())
            .await?;
        // Test-day rows exist only while the order is active: a released
        // (or cancelled) order is off every day list.
        sqlx::query(
            "DELETE FROM quarantine_test_days WHERE order_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM quarantine_orders o WHERE o.id = $1 AND o.status = 'active')",
        )
        .bind(o.id)
        .execute(w.conn())
        .await?;
        let after = order_in(w.tx(), o.id).await?;
        let old = w.engine()?.status(o.person_id);
        let new = self.isolation_status(w.tx(), o.person_id, old).await?;
        let changes = w.set_status(o.person_id, new)?;
        {
            self.persist_changes(w.tx(), &changes, &format!("order:{}", o.id))
                .await?;
            audit::record(
                &self.clock,
                w.tx(),
                actor,
                "update",
                "quarantine_order",
                &o.id.to_string(),
                Some(&o.commune_code),
                Some(o),
                Some(&after),
            )
            .await?;
        }
        w.commit().await?;
        Ok(after)
    }

    /// Orders for every F1 of the scope without an active order, starting
    /// `start_on` — the bulk "one click" after tracing. Those whose rule is
    /// self-monitoring only are skipped. Returns the orders issued.
    pub async fn order_all_f1(
        &self,
        actor: &Actor,
        start_on: &str,
    ) -> Result<Vec<QuarantineOrder>> {
        actor.require(Permission::Quarantine)?;
        let mut b = QueryBuilder::numbered(
            "SELECT c.person_id FROM person_classes c WHERE c.level = 1",
            0,
        );
        actor.scope.push_filter(&mut b, "c");
        b.push(
            " AND NOT EXISTS \
             (SELECT 1 FROM quarantine_orders o WHERE o.person_id = c.person_id AND o.status = 'active') \
             ORDER BY c.person_id",
        );
        let q = b.bind_scalar_onto(sqlx::query_scalar::<_, i64>(b.sql()));
        let mut out = Vec::new();
        for person_id in q.fetch_all(&self.read).await? {
            let input = OrderInput {
                person_id,
                situation: "f1".into(),
                start_on: start_on.into(),
                ..Default::default()
            };
            let proposal = self.propose_order(&actor.scope, &input).await?;
            if proposal.rule.days == 0 {
                continue;
            }
            out.push(self.create_order(actor, &input).await?);
        }
        Ok(out)
    }
}

async fn order_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
) -> Result<QuarantineOrder> {
    order_from_row(
        &sqlx::query(&format!(
            "SELECT {ORDER_COLUMNS} FROM quarantine_orders o JOIN persons p ON p.id = o.person_id WHERE o.id = $1"
        ))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?,
    )
}

/// The rules a province applies, read on `conn`.
pub(crate) async fn quarantine_rules_on(
    conn: &mut sqlx::AnyConnection,
    province_code: &str,
) -> Result<Vec<QuarantineRule>> {
    let mut rules = national_rules();
    let own: Vec<String> = sqlx::query_scalar(
        "SELECT rule_json FROM quarantine_rules WHERE province_code = $1 AND current = 1 ORDER BY code",
    )
    .bind(province_code)
    .fetch_all(conn)
    .await?;
    for json in own {
        rules.push(serde_json::from_str(&json)?);
    }
    Ok(rules)
}
