//! F0 treated at home: enrolment checked against 4038/QĐ-BYT, vital signs
//! with the warning signs of the handbook in force, and the alerts they
//! raise — acknowledged, then acted on (a visit, oxygen, or a transfer to
//! hospital, which changes the case's course). Every step is audited, and an
//! alert keeps its times so response times can be shown.
//!
//! Enrolment is checked by `domain::treatment::ineligibility` (4038/QĐ-BYT;
//! refused with every reason). Vital signs are checked for plausibility and for
//! warning signs by the handbook in force that day (4377 until 30/1/2022, 261
//! from 31/1/2022, adult and child breathing thresholds); warning signs raise a
//! `treatment_alerts` row in the same transaction. A transfer ends the home
//! treatment and sets the case's course to `hospital` through
//! `set_case_course`, so the tracing engine sees it. Minutes to acknowledge and
//! to act are kept.

use crate::sql::QueryBuilder;
use crate::{Actor, Result, Scope, Store, StoreError, audit};
use chrono::NaiveDate;
use phongdich_domain::treatment::{Enrolment, Vitals, ineligibility_on, warning_signs};
use phongdich_domain::{FieldError, Invalid, Permission};
use serde::{Deserialize, Serialize};
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HomeTreatment {
    pub id: i64,
    pub person_id: i64,
    pub case_id: i64,
    pub enrolled_on: String,
    pub age_years: i64,
    /// `active`, `transferred` or `ended`.
    pub status: String,
    pub commune_code: String,
}

// Read from the JSON array `Dialect::json_page` gives, field by field.
/// An F0 at home who has not yet had both of the day's readings.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MissingVitals {
    pub treatment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    /// Readings recorded that day (two are due).
    pub readings: i64,
}

/// F0 at home missing readings: how many in all, and the page asked for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MissingVitalsList {
    pub total: i64,
    pub entries: Vec<MissingVitals>,
}

// Read like `MissingVitals`.
/// An alert not yet dealt with, as the day list shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OpenAlert {
    pub id: i64,
    pub treatment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    pub raised_at: String,
    /// `open` or `acknowledged`.
    pub status: String,
}

/// Alerts not yet dealt with, oldest first: how many in all, and the page asked for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenAlerts {
    pub total: i64,
    /// When the oldest of them (of the whole list) was raised.
    pub oldest: Option<String>,
    pub entries: Vec<OpenAlert>,
}

/// What a live alerts or duty page polls: how many alerts wait and the
/// newest of them, so that it refreshes (and rings) only when they change.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertPulse {
    /// Not yet dealt with: open or acknowledged.
    pub unhandled: i64,
    /// Not yet taken by anyone.
    pub open: i64,
    /// The newest alert not yet dealt with (its record number).
    pub latest: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VitalRecord {
    pub id: i64,
    pub at: String,
    pub vitals: Vitals,
    /// Warning-sign codes found.
    pub signs: Vec<String>,
    pub recorded_by: String,
    /// The alert they raised, if any.
    pub alert_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TreatmentAlert {
    pub id: i64,
    pub treatment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    pub raised_at: String,
    /// (code, Vietnamese, English) of each sign.
    #[schema(value_type = Vec<Vec<String>>)]
    pub signs: Vec<(String, String, String)>,
    /// `open`, `acknowledged` or `closed`.
    pub status: String,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
    pub action: Option<String>,
    pub action_note: Option<String>,
    pub acted_by: Option<String>,
    pub acted_at: Option<String>,
    /// Minutes from raised to acknowledged / to acted, when done.
    pub minutes_to_acknowledge: Option<i64>,
    pub minutes_to_act: Option<i64>,
    /// The unit responsible now: the commune's, or a level above after an
    /// escalation (or when the commune had no team on duty).
    pub level_unit: String,
    /// The team on duty it was routed to, and its phone; none when no team
    /// of that unit was on duty.
    pub team: Option<String>,
    pub team_phone: Option<String>,
    pub escalations: i64,
    pub escalated_at: Option<String>,
}

/// What a responder did about an alert.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AlertAction {
    /// `visit`, `oxygen` or `transfer` (to hospital).
    pub action: String,
    #[serde(default)]
    pub note: String,
    /// With `oxygen`: the concentrator or cylinder lent.
    #[serde(default)]
    pub equipment_id: Option<i64>,
    /// With `transfer`: the hospital or field hospital that admits the
    /// patient (one of `transfer_destinations`), and the bed type
    /// (`regular` by default).
    #[serde(default)]
    pub place_id: Option<i64>,
    #[serde(default)]
    pub bed_type: Option<String>,
}

const ACTIONS: [&str; 3] = ["visit", "oxygen", "transfer"];

fn minutes(from: &str, to: Option<&str>) -> Option<i64> {
    let a = chrono::DateTime::parse_from_rfc3339(from).ok()?;
    let b = chrono::DateTime::parse_from_rfc3339(to?).ok()?;
    Some((b - a).num_minutes())
}

const ALERT_COLUMNS: &str = "a.id, a.treatment_id, a.person_id, p.full_name, a.commune_code, a.raised_at, a.signs_json, \
    a.status, a.acknowledged_by, a.acknowledged_at, a.action, a.action_note, a.acted_by, a.acted_at, \
    COALESCE(a.level_unit, a.commune_code) AS level_unit, s.team, s.phone AS team_phone, a.escalations, a.escalated_at";
const ALERT_FROM: &str = "treatment_alerts a JOIN persons p ON p.id = a.person_id LEFT JOIN duty_shifts s ON s.id = a.shift_id";

fn alert_from_row(r: &sqlx::any::AnyRow) -> Result<TreatmentAlert> {
    let raised_at: String = r.try_get("raised_at")?;
    let acknowledged_at: Option<String> = r.try_get("acknowledged_at")?;
    let acted_at: Option<String> = r.try_get("acted_at")?;
    Ok(TreatmentAlert {
        id: r.try_get("id")?,
        treatment_id: r.try_get("treatment_id")?,
        person_id: r.try_get("person_id")?,
        full_name: r.try_get("full_name")?,
        commune_code: r.try_get("commune_code")?,
        signs: serde_json::from_str(&r.try_get::<String, _>("signs_json")?)?,
        status: r.try_get("status")?,
        acknowledged_by: r.try_get("acknowledged_by")?,
        minutes_to_acknowledge: minutes(&raised_at, acknowledged_at.as_deref()),
        minutes_to_act: minutes(&raised_at, acted_at.as_deref()),
        acknowledged_at,
        action: r.try_get("action")?,
        action_note: r.try_get("action_note")?,
        acted_by: r.try_get("acted_by")?,
        acted_at,
        raised_at,
        level_unit: r.try_get("level_unit")?,
        team: r.try_get("team")?,
        team_phone: r.try_get("team_phone")?,
        escalations: r.try_get("escalations")?,
        escalated_at: r.try_get("escalated_at")?,
    })
}

impl Store {
    /// Enrol an F0 of the scope in home treatment, if 4038/QĐ-BYT allows.
    pub async fn enrol_home_treatment(
        &self,
        actor: &Actor,
        person_id: i64,
        e: &Enrolment,
        today: NaiveDate,
    ) -> Result<HomeTreatment> {
        actor.require(Permission::Treat)?;
        let person = self.person(&actor.scope, person_id).await?;
        let case_id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM cases WHERE person_id = $1 AND course IN ('home', 'hospital') ORDER BY id DESC LIMIT 1",
        )
        .bind(person.id)
        .fetch_optional(&self.read)
        .await?;
        let Some(case_id) = case_id else {
            return Err(StoreError::conflict(
                "Người này không phải F0 đang điều trị.",
                "This person is not an F0 under treatment.",
            ));
        };
        let reasons = ineligibility_on(e, today);
        if !reasons.is_empty() {
            return Err(Invalid(
                reasons
                    .into_iter()
                    .map(|(code, vi, en)| FieldError::new(code, "not_eligible", vi, en))
                    .collect(),
            )
            .into());
        }
        let mut tx = self.write.begin().await?;
        let active: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM home_treatments WHERE person_id = $1 AND status = 'active'",
        )
        .bind(person.id)
        .fetch_optional(&mut *tx)
        .await?;
        if active.is_some() {
            return Err(StoreError::conflict(
                "Người này đang được điều trị tại nhà.",
                "This person is already treated at home.",
            ));
        }
        let json = serde_json::json!({
            "age_years": e.age_years, "mild_or_no_symptoms": e.mild_or_no_symptoms,
            "breathing_rate": e.breathing_rate, "spo2": e.spo2, "doses": e.doses,
            "last_dose_days_ago": e.last_dose_days_ago, "underlying_disease": e.underlying_disease,
            "pregnant": e.pregnant, "can_self_care_and_call": e.can_self_care_and_call,
        });
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO home_treatments (person_id, case_id, enrolled_on, age_years, enrolment_json, status, \
             province_code, district_code, commune_code, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(person.id)
        .bind(case_id)
        .bind(today.to_string())
        .bind(i64::from(e.age_years))
        .bind(json.to_string())
        .bind(person.province_code.as_str())
        .bind(person.district_code.as_str())
        .bind(person.commune_code.as_str())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&mut *tx)
        .await?;
        let t = HomeTreatment {
            id,
            person_id: person.id,
            case_id,
            enrolled_on: today.to_string(),
            age_years: i64::from(e.age_years),
            status: "active".into(),
            commune_code: person.commune_code.clone(),
        };
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "home_treatment",
            &id.to_string(),
            Some(&person.commune_code),
            None::<&()>,
            Some(&json),
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// A person's home treatments, newest first.
    pub async fn treatments_of(&self, scope: &Scope, person_id: i64) -> Result<Vec<HomeTreatment>> {
        let person = self.person(scope, person_id).await?;
        let rows = sqlx::query(
            "SELECT id, person_id, case_id, enrolled_on, age_years, status, commune_code FROM home_treatments \
             WHERE person_id = $1 ORDER BY id DESC",
        )
        .bind(person.id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HomeTreatment {
                    id: r.try_get("id")?,
                    person_id: r.try_get("person_id")?,
                    case_id: r.try_get("case_id")?,
                    enrolled_on: r.try_get("enrolled_on")?,
                    age_years: r.try_get("age_years")?,
                    status: r.try_get("status")?,
                    commune_code: r.try_get("commune_code")?,
                })
            })
            .collect()
    }

    /// The person a home treatment of the scope is for.
    pub async fn treatment_person(&self, scope: &Scope, id: i64) -> Result<i64> {
        Ok(self.treatment(scope, id).await?.person_id)
    }

    pub(crate) async fn treatment(&self, scope: &Scope, id: i64) -> Result<HomeTreatment> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT person_id, status FROM home_treatments WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
        let Some((person_id, _)) = row else {
            return Err(StoreError::not_found(
                crate::error::Entity::HomeTreatment,
                id,
            ));
        };
        // Within the scope, or not found.
        self.treatments_of(scope, person_id)
            .await
            .map_err(|_| StoreError::not_found(crate::error::Entity::HomeTreatment, id))?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| StoreError::not_found(crate::error::Entity::HomeTreatment, id))
    }

    /// Record vital signs; warning signs by the handbook in force on `on`
    /// raise an alert in the same transaction.
    pub async fn record_vitals(
        &self,
        actor: &Actor,
        treatment_id: i64,
        v: &Vitals,
        on: NaiveDate,
    ) -> Result<VitalRecord> {
        actor.require(Permission::Treat)?;
        let t = self.treatment(&actor.scope, treatment_id).await?;
        self.save_vitals(actor, &t, v, on).await
    }

    /// The checks, warning signs and writes of `record_vitals`, for a
    /// treatment already found; `actor` is named in the audit log (staff,
    /// or the person's own link).
    pub(crate) async fn save_vitals(
        &self,
        actor: &Actor,
        t: &HomeTreatment,
        v: &Vitals,
        on: NaiveDate,
    ) -> Result<VitalRecord> {
        if t.status != "active" {
            return Err(StoreError::conflict(
                "Đợt điều trị tại nhà này đã kết thúc.",
                "This home treatment has ended.",
            ));
        }
        let mut errors = Vec::new();
        let check = |field: &str,
                     value: Option<u32>,
                     range: std::ops::RangeInclusive<u32>,
                     errors: &mut Vec<FieldError>| {
            if let Some(x) = value
                && !range.contains(&x)
            {
                errors.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!(
                        "Giá trị {x} không hợp lý ({}–{}).",
                        range.start(),
                        range.end()
                    ),
                    format!("{x} is not plausible ({}–{}).", range.start(), range.end()),
                ));
            }
        };
        check("spo2", v.spo2, 50..=100, &mut errors);
        check("breathing_rate", v.breathing_rate, 5..=80, &mut errors);
        check("pulse", v.pulse, 20..=250, &mut errors);
        check("systolic", v.systolic, 40..=260, &mut errors);
        check("diastolic", v.diastolic, 20..=160, &mut errors);
        if v.temperature.is_some_and(|t| !(30.0..=43.5).contains(&t)) {
            errors.push(FieldError::new(
                "temperature",
                "out_of_range",
                "Nhiệt độ không hợp lý (30–43,5 °C).",
                "The temperature is not plausible (30–43.5 °C).",
            ));
        }
        if v.spo2.is_none()
            && v.breathing_rate.is_none()
            && v.pulse.is_none()
            && v.temperature.is_none()
        {
            errors.push(FieldError::new(
                "spo2",
                "required",
                "Cần ít nhất SpO2, nhịp thở, mạch hoặc nhiệt độ.",
                "At least SpO2, breathing rate, pulse or temperature is needed.",
            ));
        }
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        let signs = warning_signs(v, t.age_years.clamp(0, 150) as u32, on);
        let codes: Vec<String> = signs.iter().map(|s| s.0.to_owned()).collect();
        let stamp = self.stamp();
        let (province, district): (String, String) = sqlx::query_as(
            "SELECT province_code, district_code FROM home_treatments WHERE id = $1",
        )
        .bind(t.id)
        .fetch_one(&self.read)
        .await?;
        let mut tx = self.write.begin().await?;
        let vital_id: i64 = sqlx::query_scalar(
            "INSERT INTO vital_signs (treatment_id, at, vitals_json, signs, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $2) RETURNING id",
        )
        .bind(t.id)
        .bind(stamp.as_str())
        .bind(serde_json::to_string(v)?)
        .bind(codes.join(","))
        .bind(actor.name.as_str())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "vital_signs",
            &vital_id.to_string(),
            Some(&t.commune_code),
            None::<&()>,
            Some(&serde_json::json!({ "treatment": t.id, "vitals": v, "signs": codes })),
        )
        .await?;
        let mut alert_id = None;
        if !signs.is_empty() {
            let json: Vec<(&str, &str, &str)> = signs
                .iter()
                .map(|s| (s.0, s.1.as_str(), s.2.as_str()))
                .collect();
            // To the team on duty at the nearest level that has one.
            let routed = crate::response::route(
                &mut tx,
                &[
                    t.commune_code.as_str(),
                    district.as_str(),
                    province.as_str(),
                ],
                &stamp,
            )
            .await?;
            let (level_unit, shift_id) = match &routed {
                Some((unit, shift)) => (unit.as_str(), Some(*shift)),
                None => (t.commune_code.as_str(), None),
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO treatment_alerts (treatment_id, vital_id, person_id, raised_at, signs_json, status, \
                 province_code, district_code, commune_code, level_unit, shift_id) \
                 VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(t.id)
            .bind(vital_id)
            .bind(t.person_id)
            .bind(stamp.as_str())
            .bind(serde_json::to_string(&json)?)
            .bind(province.as_str())
            .bind(district.as_str())
            .bind(t.commune_code.as_str())
            .bind(level_unit)
            .bind(shift_id)
            .fetch_one(&mut *tx)
            .await?;
            audit::record(&self.clock,
                &mut tx,
                actor,
                "create",
                "treatment_alert",
                &id.to_string(),
                Some(&t.commune_code),
                None::<&()>,
                Some(&serde_json::json!({ "treatment": t.id, "signs": codes, "level_unit": level_unit, "shift": shift_id })),
            )
            .await?;
            alert_id = Some(id);
        }
        tx.commit().await?;
        Ok(VitalRecord {
            id: vital_id,
            at: stamp,
            vitals: v.clone(),
            signs: codes,
            recorded_by: actor.name.clone(),
            alert_id,
        })
    }

    /// The vital signs of a treatment, newest first.
    pub async fn vitals_of(&self, scope: &Scope, treatment_id: i64) -> Result<Vec<VitalRecord>> {
        let t = self.treatment(scope, treatment_id).await?;
        let rows = sqlx::query(
            "SELECT v.id, v.at, v.vitals_json, v.signs, v.recorded_by, \
             (SELECT a.id FROM treatment_alerts a WHERE a.vital_id = v.id) AS alert_id \
             FROM vital_signs v WHERE v.treatment_id = $1 ORDER BY v.at DESC, v.id DESC",
        )
        .bind(t.id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let signs: String = r.try_get("signs")?;
                Ok(VitalRecord {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    vitals: serde_json::from_str(&r.try_get::<String, _>("vitals_json")?)?,
                    signs: signs
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    recorded_by: r.try_get("recorded_by")?,
                    alert_id: r.try_get("alert_id")?,
                })
            })
            .collect()
    }

    /// F0 at home in the scope with fewer than the day's two readings
    /// (`day` in the server's local time, as everywhere else; readings are
    /// stamped in UTC): the count, and the entries of `paging` by commune.
    /// (The day page reads it with the other day lists: `quarantine_day`.)
    pub async fn missing_vitals(
        &self,
        scope: &Scope,
        day: NaiveDate,
        paging: crate::Paging,
    ) -> Result<MissingVitalsList> {
        let (start, end) = day_window(day);
        let mut b = QueryBuilder::numbered(String::new(), 4);
        let [cond] = scope.and_filters(&mut b, ["t"]);
        let (with, total, page) =
            missing_vitals_sql(self.dialect, &cond, "$1", "$2", "LIMIT $3 OFFSET $4");
        b.push(&format!(
            "WITH {with} SELECT {total} AS total, {page} AS page"
        ));
        let q = b.bind_onto(
            sqlx::query(b.sql())
                .bind(start.as_str())
                .bind(end.as_str())
                .bind(paging.limit)
                .bind(paging.offset),
        );
        let r = q.fetch_one(&self.read).await?;
        Ok(MissingVitalsList {
            total: r.try_get("total")?,
            entries: serde_json::from_str(&r.try_get::<String, _>("page")?)?,
        })
    }

    /// Alerts of the scope not yet dealt with (open or acknowledged), oldest
    /// first: the count, when the oldest was raised, and the entries of `paging`.
    pub async fn open_alerts(&self, scope: &Scope, paging: crate::Paging) -> Result<OpenAlerts> {
        let mut b = QueryBuilder::numbered(String::new(), 2);
        let [cond] = scope.and_filters(&mut b, ["a"]);
        let (total, oldest, page) = open_alerts_sql(self.dialect, &cond, "LIMIT $1 OFFSET $2");
        b.push(&format!(
            "SELECT {total} AS total, {oldest} AS oldest, {page} AS page"
        ));
        let q = b.bind_onto(sqlx::query(b.sql()).bind(paging.limit).bind(paging.offset));
        let r = q.fetch_one(&self.read).await?;
        Ok(OpenAlerts {
            total: r.try_get("total")?,
            oldest: r.try_get("oldest")?,
            entries: serde_json::from_str(&r.try_get::<String, _>("page")?)?,
        })
    }

    /// The alerts of the scope waiting now, counted (one indexed read).
    pub async fn alert_pulse(&self, scope: &Scope) -> Result<AlertPulse> {
        let mut b = QueryBuilder::numbered(
            "SELECT COUNT(*) AS unhandled, COALESCE(SUM(CASE WHEN a.status = 'open' THEN 1 ELSE 0 END), 0) AS open, \
             MAX(a.id) AS latest FROM treatment_alerts a WHERE a.status <> 'closed'",
            0,
        );
        scope.push_filter(&mut b, "a");
        let r = b.query().fetch_one(&self.read).await?;
        Ok(AlertPulse {
            unhandled: r.try_get("unhandled")?,
            open: r.try_get::<i64, _>("open")?,
            latest: r.try_get("latest")?,
        })
    }

    /// Alerts of the scope: open and acknowledged ones first, oldest first;
    /// then the latest closed ones.
    pub async fn treatment_alerts(&self, scope: &Scope) -> Result<Vec<TreatmentAlert>> {
        let mut b = QueryBuilder::numbered(
            format!("SELECT {ALERT_COLUMNS} FROM {ALERT_FROM} WHERE 1 = 1"),
            0,
        );
        scope.push_filter(&mut b, "a");
        b.push(
            " ORDER BY CASE WHEN a.status = 'closed' THEN 1 ELSE 0 END, \
             CASE WHEN a.status = 'closed' THEN a.acted_at END DESC, a.raised_at LIMIT 500",
        );
        let q = b.query();
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(alert_from_row)
            .collect()
    }

    async fn alert(&self, scope: &Scope, id: i64) -> Result<TreatmentAlert> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM {ALERT_FROM} WHERE a.id = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "a");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        match q.fetch_optional(&self.read).await? {
            Some(r) => alert_from_row(&r),
            None => Err(StoreError::not_found(crate::error::Entity::Alert, id)),
        }
    }

    /// A responder takes the alert: the clock to acknowledge stops.
    pub async fn acknowledge_alert(&self, actor: &Actor, id: i64) -> Result<TreatmentAlert> {
        actor.require(Permission::Treat)?;
        let a = self.alert(&actor.scope, id).await?;
        if a.status != "open" {
            return Err(StoreError::conflict(
                "Cảnh báo này đã được tiếp nhận.",
                "This alert has already been acknowledged.",
            ));
        }
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE treatment_alerts SET status = 'acknowledged', acknowledged_by = $1, acknowledged_at = $2 WHERE id = $3",
        )
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "update",
            "treatment_alert",
            &id.to_string(),
            Some(&a.commune_code),
            Some(&serde_json::json!({ "status": "open" })),
            Some(&serde_json::json!({ "status": "acknowledged" })),
        )
        .await?;
        tx.commit().await?;
        self.alert(&actor.scope, id).await
    }

    /// What was done: a visit, oxygen, or a transfer to hospital (the case's
    /// course becomes `hospital` and the home treatment ends). Closes the alert.
    pub async fn act_on_alert(
        &self,
        actor: &Actor,
        id: i64,
        what: &AlertAction,
    ) -> Result<TreatmentAlert> {
        actor.require(Permission::Treat)?;
        let a = self.alert(&actor.scope, id).await?;
        let action = what.action.trim();
        if !ACTIONS.contains(&action) {
            return Err(Invalid(vec![FieldError::new(
                "action",
                "invalid",
                "Chọn: thăm khám (visit), cho thở oxy (oxygen) hoặc chuyển viện (transfer).",
                "Choose a visit, oxygen or a transfer to hospital.",
            )])
            .into());
        }
        if a.status == "closed" {
            return Err(StoreError::conflict(
                "Cảnh báo này đã xử lý xong.",
                "This alert has been dealt with.",
            ));
        }
        if what.equipment_id.is_some() && action != "oxygen" {
            return Err(Invalid(vec![FieldError::new(
                "equipment_id",
                "invalid",
                "Chỉ cho mượn thiết bị khi xử lý bằng oxy.",
                "Equipment is lent only with the oxygen action.",
            )])
            .into());
        }
        if what.place_id.is_some() && action != "transfer" {
            return Err(Invalid(vec![FieldError::new(
                "place_id",
                "invalid",
                "Chỉ chọn nơi tiếp nhận khi chuyển viện.",
                "A receiving place goes only with a transfer.",
            )])
            .into());
        }
        let destination = match what.place_id {
            Some(p) => {
                actor.require(Permission::Quarantine)?;
                Some(self.destination(actor, p).await?)
            }
            None => None,
        };
        let treatment = self.treatment(&actor.scope, a.treatment_id).await?;
        let stamp = self.stamp();
        // A transfer ends the home treatment and changes the case's course
        // (tracing data: the engine follows it): one write for both.
        let mut w = self.engine_write_if(action == "transfer").await?;
        let tx = w.tx();
        let loan = match what.equipment_id {
            Some(e) => Some(self.lend_in(tx, actor, e, &treatment, Some(id)).await?),
            None => None,
        };
        sqlx::query(
            "UPDATE treatment_alerts SET status = 'closed', action = $1, action_note = $2, acted_by = $3, acted_at = $4, \
             acknowledged_by = COALESCE(acknowledged_by, $3), acknowledged_at = COALESCE(acknowledged_at, $4) WHERE id = $5",
        )
        .bind(action)
        .bind(phongdich_domain::text::clean(&what.note))
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if action == "transfer" {
            sqlx::query(
                "UPDATE home_treatments SET status = 'transferred', ended_on = $1 WHERE id = $2",
            )
            .bind(&stamp[..10])
            .bind(a.treatment_id)
            .execute(&mut **tx)
            .await?;
        }
        if let Some(place) = &destination {
            let person = self.person(&actor.scope, a.person_id).await?;
            let day = self.today();
            let links = crate::places::Links {
                transferred_from: None,
                alert_id: Some(id),
            };
            let bed = what.bed_type.as_deref().unwrap_or("regular");
            self.admit_in(tx, actor, place, &person, bed, day, links)
                .await?;
        }
        audit::record(&self.clock,
            tx,
            actor,
            "update",
            "treatment_alert",
            &id.to_string(),
            Some(&a.commune_code),
            Some(&serde_json::json!({ "status": a.status })),
            Some(&serde_json::json!({ "status": "closed", "action": action, "note": what.note, "loan": loan })),
        )
        .await?;
        if action == "transfer" {
            let case_id: i64 =
                sqlx::query_scalar("SELECT case_id FROM home_treatments WHERE id = $1")
                    .bind(a.treatment_id)
                    .fetch_one(w.conn())
                    .await?;
            // The case's course is tracing data; the transfer changes it as health staff.
            let health = Actor {
                role: phongdich_domain::Role::HealthStaff,
                ..actor.clone()
            };
            self.set_case_course_in(&mut w, &health, case_id, "hospital", None, None)
                .await?;
        }
        w.commit().await?;
        self.alert(&actor.scope, id).await
    }
}

/// A Vietnam day as the UTC instants readings are stamped with: `[start, end)`.
pub(crate) fn day_window(day: NaiveDate) -> (String, String) {
    use chrono::TimeZone;
    let utc = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).expect("midnight");
        crate::vietnam()
            .from_local_datetime(&midnight)
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(|| midnight.and_utc())
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    (utc(day), utc(day + chrono::Days::new(1)))
}

/// The missing-readings list as parts of a statement (shared by
/// `missing_vitals` and `quarantine_day`): a `WITH` entry `m` of the scope's
/// active F0 with the day's readings (`start`, `end`: placeholders of the
/// day's UTC window), the count, and the page as JSON. Count and page both
/// read `m`, which both engines then compute once (a CTE used twice is
/// materialised): each F0's readings are counted once, not twice.
pub(crate) fn missing_vitals_sql(
    engine: crate::Dialect,
    cond: &str,
    start: &str,
    end: &str,
    limit_offset: &str,
) -> (String, String, String) {
    (
        format!(
            "m AS (SELECT t.id, t.person_id, t.commune_code, (SELECT COUNT(*) FROM vital_signs v \
             WHERE v.treatment_id = t.id AND v.at >= {start} AND v.at < {end}) AS readings \
             FROM home_treatments t WHERE t.status = 'active'{cond})"
        ),
        "(SELECT COUNT(*) FROM m WHERE m.readings < 2)".to_owned(),
        engine.json_page(
            "m.id, m.person_id, p.full_name, m.commune_code, m.readings",
            "FROM m JOIN persons p ON p.id = m.person_id WHERE m.readings < 2",
            &["m.commune_code", "m.id"],
            limit_offset,
        ),
    )
}

/// The open-alerts list as parts of a statement (shared by `open_alerts`
/// and `quarantine_day`): the count, the oldest one's time, the page as JSON.
pub(crate) fn open_alerts_sql(
    engine: crate::Dialect,
    cond: &str,
    limit_offset: &str,
) -> (String, String, String) {
    let open = "a.status IN ('open', 'acknowledged')";
    (
        format!("(SELECT COUNT(*) FROM treatment_alerts a WHERE {open}{cond})"),
        format!("(SELECT MIN(a.raised_at) FROM treatment_alerts a WHERE {open}{cond})"),
        engine.json_page(
            "a.id, a.treatment_id, a.person_id, p.full_name, a.commune_code, a.raised_at, a.status",
            &format!(
                "FROM treatment_alerts a JOIN persons p ON p.id = a.person_id WHERE {open}{cond}"
            ),
            &["a.raised_at", "a.id"],
            limit_offset,
        ),
    )
}
