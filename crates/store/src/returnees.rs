//! Returnees: the province's list of epidemic areas, registrations (matched
//! to the people registry), checkpoint scans (once per idempotency key) and
//! the commune's confirmation of arrival home, which issues the quarantine
//! order the rules give.

use crate::audit;
use crate::error::Entity;
use crate::sql::QueryBuilder;
use crate::sql::days::opt_date_of;
use crate::{Actor, Result, Scope, Store, StoreError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::NaiveDate;
use phongdich_domain::quarantine::Circumstances;
use phongdich_domain::returnees::{
    EpidemicArea, Means, Obligation, RegistrationInput, Status, TestOutcome, code_from,
    epidemic_area_of, normalise_code, obligation,
};
use phongdich_domain::{FieldError, Invalid, Permission, UnitCode, UnitLevel};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

/// One registration, with the names a list shows.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Registration {
    pub id: i64,
    pub code: String,
    pub person_id: i64,
    pub full_name: String,
    pub birth_year: i64,
    pub phone: Option<String>,
    pub origin_code: String,
    pub origin_name: String,
    pub origin_address: Option<String>,
    pub departure_on: NaiveDate,
    pub arrival_on: NaiveDate,
    pub means: Means,
    pub group_code: String,
    pub doses: i64,
    pub last_dose_on: Option<NaiveDate>,
    pub vaccine: Option<String>,
    pub test_kind: Option<String>,
    pub test_on: Option<NaiveDate>,
    pub test_result: Option<String>,
    /// The epidemic-area entry the origin fell under at departure.
    pub area_id: Option<i64>,
    pub status: Status,
    pub checked_at: Option<String>,
    pub checkpoint: Option<String>,
    pub checkpoint_result: Option<String>,
    pub checkpoint_sample_id: Option<i64>,
    pub home_on: Option<NaiveDate>,
    pub order_id: Option<i64>,
    pub cancel_reason: Option<String>,
    pub channel: String,
    pub province_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub commune_name: String,
    /// The street address they are going to, as typed.
    pub street_address: Option<String>,
    pub hamlet_code: Option<String>,
    pub hamlet_name: Option<String>,
    /// The transport batch it rides in, and its seat there.
    pub batch_id: Option<i64>,
    pub seat: Option<i64>,
    pub version: i64,
    /// Where the person's record is kept (province, district, commune):
    /// until they are home it may be the unit they left, whose record the
    /// destination cannot open ([`Registration::record_within`]).
    #[serde(skip)]
    record_units: (String, String, String),
    /// The units above the origin (province, district, commune codes as
    /// the units table keeps them), for its epidemic area.
    #[serde(skip)]
    origin_units: (String, Option<String>, Option<String>),
}

impl Registration {
    /// Whether `scope` reaches the person's record (a page links to it only then).
    pub fn record_within(&self, scope: &Scope) -> bool {
        let (p, d, c) = &self.record_units;
        scope.contains_codes(p, d, c)
    }

    /// The origin, then the units above it (as `Unit::lineage` orders them).
    fn origin_lineage(&self) -> Vec<&str> {
        let (p, d, c) = &self.origin_units;
        let mut lineage = vec![self.origin_code.as_str()];
        for above in [c.as_deref(), d.as_deref(), Some(p.as_str())]
            .into_iter()
            .flatten()
        {
            if !lineage.contains(&above) {
                lineage.push(above);
            }
        }
        lineage
    }
}

/// A registration saved: how its person was found, and what the arrival
/// will carry under the rules in force today for the planned arrival day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub registration: Registration,
    /// `national_id` (the holder of the CCCD), `national_id_elsewhere` (the
    /// holder is a record another unit keeps: the registration is theirs,
    /// with the name as typed, and the record follows them home), `created`
    /// or `created_likely_duplicate` (someone new who looks like a
    /// registered person; the pair is kept for the duplicates review).
    pub matched: String,
    pub obligation: Obligation,
}

/// A scan as the checkpoint's device sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScanInput {
    /// The registration's code, scanned from its QR code or typed.
    pub code: String,
    /// The checkpoint's name, e.g. `Chốt Km 3 QL18`.
    pub checkpoint: String,
    /// Made by the device for each scan and sent again with a retry: a scan
    /// seen before returns what it did, without recording anything twice.
    pub idempotency_key: String,
    /// The rapid test at the checkpoint: `negative`, `positive`, or blank.
    #[serde(default)]
    pub rapid_result: String,
}

/// What a scan did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScanOutcome {
    /// `arrived` (first scan), `again` (already through a checkpoint) or
    /// `replayed` (this very scan was received before).
    pub outcome: String,
    pub registration: Registration,
    pub obligation: Obligation,
    /// The case a positive rapid test confirmed, if it did.
    pub case_code: Option<String>,
    /// The obligation in words, for the checkpoint's screen.
    pub must_vi: String,
    pub must_en: String,
}

/// The day's hand-over list of a commune (or everything in the scope).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Handover {
    pub day: NaiveDate,
    /// Registered to arrive that day, in every state.
    pub arriving: Vec<Registration>,
    /// Expected on an earlier day and not confirmed home yet.
    pub overdue: Vec<Registration>,
}

/// An epidemic area as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AreaInput {
    /// A province, district or commune code.
    pub unit_code: String,
    pub from_on: String,
    /// Blank: until further notice.
    pub until_on: String,
    pub decision: String,
}

pub(crate) const COLUMNS: &str = "r.id, r.code, r.person_id, COALESCE(r.full_name, p.full_name) AS full_name, \
     COALESCE(r.birth_year, p.birth_year) AS birth_year, r.street_address, \
     COALESCE(r.contact_phone, p.phone) AS phone, r.origin_code, \
     o.name AS origin_name, r.origin_address, r.departure_on, r.arrival_on, r.means, r.group_code, r.doses, \
     r.last_dose_on, r.vaccine, r.test_kind, r.test_on, r.test_result, r.area_id, r.status, r.checked_at, \
     r.checkpoint, r.checkpoint_result, r.checkpoint_sample_id, r.home_on, r.order_id, r.cancel_reason, \
     r.channel, r.province_code, r.district_code, r.commune_code, c.name AS commune_name, r.hamlet_code, \
     h.name AS hamlet_name, r.batch_id, r.seat, r.version, p.province_code AS record_province, \
     p.district_code AS record_district, p.commune_code AS record_commune, \
     o.province_code AS origin_province, o.district_code AS origin_district, o.commune_code AS origin_commune";

pub(crate) const FROM: &str = "returnee_registrations r JOIN persons p ON p.id = r.person_id \
     JOIN units o ON o.code = r.origin_code JOIN units c ON c.code = r.commune_code \
     LEFT JOIN units h ON h.code = r.hamlet_code";

fn day(r: &AnyRow, col: &str) -> Result<NaiveDate> {
    opt_date_of(r, col)?.ok_or_else(|| StoreError::Data(format!("{col} is empty")))
}

pub(crate) fn registration_from_row(r: &AnyRow) -> Result<Registration> {
    let word = |col: &str| -> Result<String> { Ok(r.try_get::<String, _>(col)?) };
    let means = word("means")?;
    let status = word("status")?;
    Ok(Registration {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        person_id: r.try_get("person_id")?,
        full_name: r.try_get("full_name")?,
        birth_year: r.try_get("birth_year")?,
        phone: r.try_get("phone")?,
        origin_code: r.try_get("origin_code")?,
        origin_name: r.try_get("origin_name")?,
        origin_address: r.try_get("origin_address")?,
        departure_on: day(r, "departure_on")?,
        arrival_on: day(r, "arrival_on")?,
        means: Means::from_stored(&means)
            .ok_or_else(|| StoreError::Data(format!("means {means:?}")))?,
        group_code: r.try_get("group_code")?,
        doses: r.try_get("doses")?,
        last_dose_on: opt_date_of(r, "last_dose_on")?,
        vaccine: r.try_get("vaccine")?,
        test_kind: r.try_get("test_kind")?,
        test_on: opt_date_of(r, "test_on")?,
        test_result: r.try_get("test_result")?,
        area_id: r.try_get("area_id")?,
        status: Status::from_stored(&status)
            .ok_or_else(|| StoreError::Data(format!("status {status:?}")))?,
        checked_at: r.try_get("checked_at")?,
        checkpoint: r.try_get("checkpoint")?,
        checkpoint_result: r.try_get("checkpoint_result")?,
        checkpoint_sample_id: r.try_get("checkpoint_sample_id")?,
        home_on: opt_date_of(r, "home_on")?,
        order_id: r.try_get("order_id")?,
        cancel_reason: r.try_get("cancel_reason")?,
        channel: r.try_get("channel")?,
        province_code: r.try_get("province_code")?,
        district_code: r.try_get("district_code")?,
        commune_code: r.try_get("commune_code")?,
        commune_name: r.try_get("commune_name")?,
        street_address: r.try_get("street_address")?,
        hamlet_code: r.try_get("hamlet_code")?,
        hamlet_name: r.try_get("hamlet_name")?,
        batch_id: r.try_get("batch_id")?,
        seat: r.try_get("seat")?,
        version: r.try_get("version")?,
        record_units: (
            r.try_get("record_province")?,
            r.try_get("record_district")?,
            r.try_get("record_commune")?,
        ),
        origin_units: (
            r.try_get("origin_province")?,
            r.try_get("origin_district")?,
            r.try_get("origin_commune")?,
        ),
    })
}

/// A province's epidemic areas and the quarantine rules in force for it
/// (the national ones and its own), as an arrival's obligation reads them.
#[derive(Debug)]
pub(crate) struct ArrivalRules {
    areas: Vec<EpidemicArea>,
    rules: Vec<phongdich_domain::quarantine::QuarantineRule>,
}

/// [`ArrivalRules`] kept in memory per province: every scan's answer needs
/// them, and they change a few times a month. Every write of an epidemic
/// area or a province's quarantine rule calls [`ArrivalRulesCache::changed`]
/// after its commit, which forgets all and moves the generation on; what
/// was read while a write was under way (the generation moved during the
/// read) is not kept. One process serves a database (ARCHITECTURE.md); an
/// entry is still read again after [`ARRIVAL_RULES_TTL`], so a change
/// written by another process (a migration, a command) is seen within it.
#[derive(Debug, Default)]
pub(crate) struct ArrivalRulesCache {
    generation: std::sync::atomic::AtomicU64,
    entries: std::sync::Mutex<
        std::collections::HashMap<String, (std::time::Instant, std::sync::Arc<ArrivalRules>)>,
    >,
}

/// How long [`ArrivalRulesCache`] keeps an entry.
pub(crate) const ARRIVAL_RULES_TTL: std::time::Duration = std::time::Duration::from_secs(30);

impl ArrivalRulesCache {
    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    fn get(&self, province: &str) -> Option<std::sync::Arc<ArrivalRules>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(province)
            .filter(|(at, _)| at.elapsed() < ARRIVAL_RULES_TTL)
            .map(|(_, known)| known.clone())
    }

    /// Keep what was read when the generation was `generation`, unless a
    /// write has moved it on since.
    fn keep(&self, province: &str, generation: u64, known: std::sync::Arc<ArrivalRules>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Checked under the lock `changed` clears under: a write committed
        // after this check clears what is kept here.
        if self.generation() == generation {
            entries.insert(province.to_owned(), (std::time::Instant::now(), known));
        }
    }

    /// An epidemic area or a quarantine rule was written (and committed).
    pub(crate) fn changed(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        entries.clear();
    }
}

/// A province's list of epidemic areas, oldest first.
async fn epidemic_areas_on(
    conn: &mut sqlx::AnyConnection,
    province_code: &str,
) -> Result<Vec<EpidemicArea>> {
    let rows = sqlx::query(
        // A district or commune is named with its province ("Quận 7, Thành
        // phố Hồ Chí Minh"): the same names recur across provinces.
        "SELECT a.id, a.province_code, a.unit_code, \
         CASE WHEN pu.name IS NULL THEN u.name ELSE u.name || ', ' || pu.name END AS unit_name, \
         a.from_on, a.until_on, a.decision \
         FROM epidemic_areas a JOIN units u ON u.code = a.unit_code \
         LEFT JOIN units pu ON pu.code = u.province_code AND pu.code <> u.code WHERE a.province_code = $1 \
         ORDER BY a.from_on, a.id",
    )
    .bind(province_code)
    .fetch_all(conn)
    .await?;
    rows.iter().map(area_from_row).collect()
}

fn area_from_row(r: &AnyRow) -> Result<EpidemicArea> {
    Ok(EpidemicArea {
        id: r.try_get("id")?,
        province_code: r.try_get("province_code")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        from_on: day(r, "from_on")?,
        until_on: opt_date_of(r, "until_on")?,
        decision: r.try_get("decision")?,
    })
}

pub(crate) fn invalid(field: &str, code: &'static str, vi: String, en: String) -> StoreError {
    Invalid(vec![FieldError::new(field, code, vi, en)]).into()
}

/// The origin a registration names, if it is a province, district or
/// commune (found: `unit`).
pub(crate) fn origin_of(
    unit: Option<crate::units::Unit>,
    code: &UnitCode,
) -> Result<crate::units::Unit> {
    match unit {
        Some(u) if u.level != UnitLevel::Hamlet && u.level != UnitLevel::National => Ok(u),
        _ => Err(invalid(
            "origin_code",
            "unknown_unit",
            format!("Không có tỉnh, huyện hoặc xã mã «{code}»."),
            format!("No province, district or commune has the code “{code}”."),
        )),
    }
}

pub(crate) fn same_province(origin: &crate::units::Unit) -> StoreError {
    invalid(
        "origin_code",
        "same_province",
        format!(
            "{} ở trong tỉnh: người về là người từ tỉnh khác.",
            origin.name
        ),
        format!(
            "{} is inside the province: returnees come from another one.",
            origin.name
        ),
    )
}

pub(crate) fn already_registered(name: &str, arrival: NaiveDate, code: &str) -> StoreError {
    StoreError::conflict(
        format!(
            "{name} đã được đăng ký về ngày {} (mã {code}).",
            arrival.format("%d/%m/%Y")
        ),
        format!(
            "{name} is already registered to arrive on {} (code {code}).",
            arrival.format("%d/%m/%Y")
        ),
    )
}

impl Store {
    /// The province of a scope's unit (its list of epidemic areas is the one
    /// the scope reads); `None` for the national scope.
    pub async fn province_of_scope(&self, scope: &Scope) -> Result<Option<String>> {
        match scope.root() {
            Some(root) if root.level() != UnitLevel::National => {
                Ok(Some(self.unit(root.as_str()).await?.province_code))
            }
            _ => Ok(None),
        }
    }

    /// The province whose list an actor keeps: a province's own account's.
    async fn own_province(&self, actor: &Actor) -> Result<String> {
        match actor.scope.root() {
            Some(root) if root.level() == UnitLevel::Province => Ok(root.as_str().to_owned()),
            _ => Err(StoreError::conflict(
                "Danh sách vùng dịch do tỉnh quản lý: hãy dùng tài khoản cấp tỉnh.",
                "The list of epidemic areas is kept by the province: use a province-level account.",
            )),
        }
    }

    /// A province's list of epidemic areas, oldest first.
    pub async fn epidemic_areas(&self, province_code: &str) -> Result<Vec<EpidemicArea>> {
        epidemic_areas_on(&mut *self.read.acquire().await?, province_code).await
    }

    /// Add an entry to the actor's province's list of epidemic areas
    /// (audited). An entry overlapping one for the same unit is refused.
    pub async fn add_epidemic_area(
        &self,
        actor: &Actor,
        input: &AreaInput,
    ) -> Result<EpidemicArea> {
        actor.require(Permission::Returnees)?;
        let province = self.own_province(actor).await?;
        let mut errors = Vec::new();
        let from = match phongdich_domain::contact::parse_date("from_on", &input.from_on) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let until = if input.until_on.trim().is_empty() {
            None
        } else {
            match phongdich_domain::contact::parse_date("until_on", &input.until_on) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            errors.push(FieldError::new(
                "until_on",
                "before_start",
                "Ngày kết thúc trước ngày bắt đầu.",
                "The last day is before the first.",
            ));
        }
        let decision = phongdich_domain::text::clean(&input.decision);
        if decision.chars().count() > 300 {
            errors.push(FieldError::new(
                "decision",
                "too_long",
                "Số văn bản tối đa 300 ký tự.",
                "The decision is at most 300 characters.",
            ));
        }
        if decision.is_empty() {
            errors.push(FieldError::new(
                "decision",
                "required",
                "Cần số văn bản (quyết định, thông báo).",
                "The decision or notice is needed.",
            ));
        }
        let unit = match self.unit(input.unit_code.trim()).await {
            Ok(u)
                if matches!(
                    u.level,
                    UnitLevel::Province | UnitLevel::District | UnitLevel::Commune
                ) =>
            {
                Some(u)
            }
            Ok(_) | Err(StoreError::NotFound { .. }) => {
                errors.push(FieldError::new(
                    "unit_code",
                    "unknown_unit",
                    format!(
                        "Không có tỉnh, huyện hoặc xã mã «{}».",
                        input.unit_code.trim()
                    ),
                    format!(
                        "No province, district or commune has the code “{}”.",
                        input.unit_code.trim()
                    ),
                ));
                None
            }
            Err(e) => return Err(e),
        };
        let (Some(from), Some(unit)) = (from, unit) else {
            return Err(Invalid(errors).into());
        };
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        let overlapping = self.epidemic_areas(&province).await?.into_iter().find(|a| {
            a.unit_code == unit.code
                && a.from_on <= until.unwrap_or(NaiveDate::MAX)
                && from <= a.until_on.unwrap_or(NaiveDate::MAX)
        });
        if let Some(a) = overlapping {
            return Err(invalid(
                "from_on",
                "overlaps",
                format!(
                    "{} đã là vùng dịch từ {} ({}): sửa mục đó thay vì thêm mục chồng lên.",
                    a.unit_name,
                    a.from_on.format("%d/%m/%Y"),
                    a.decision
                ),
                format!(
                    "{} is already an epidemic area from {} ({}): change that entry rather than overlap it.",
                    a.unit_name,
                    a.from_on.format("%d/%m/%Y"),
                    a.decision
                ),
            ));
        }
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO epidemic_areas (province_code, unit_code, from_on, until_on, decision, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(province.as_str())
        .bind(unit.code.as_str())
        .bind(from.to_string())
        .bind(until.map(|d| d.to_string()))
        .bind(decision.as_str())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&mut *tx)
        .await?;
        let area = EpidemicArea {
            id,
            province_code: province.clone(),
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            from_on: from,
            until_on: until,
            decision,
        };
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "epidemic_area",
            &id.to_string(),
            Some(&province),
            None::<&()>,
            Some(&area),
        )
        .await?;
        let committed = tx.commit().await;
        self.arrival_rules.changed();
        committed?;
        Ok(area)
    }

    /// End (or move the end of) an entry of the province's list: the place
    /// is an epidemic area until `until_on` inclusive, as a later notice
    /// says. The entry stays (its history is the list's); registrations
    /// judged by it keep their mark, and a confirmation home judges the
    /// departure by the list as it then stands. An end that would make the
    /// entry overlap another for the same place is refused.
    pub async fn end_epidemic_area(
        &self,
        actor: &Actor,
        id: i64,
        until_on: &str,
    ) -> Result<EpidemicArea> {
        actor.require(Permission::Returnees)?;
        let province = self.own_province(actor).await?;
        let areas = self.epidemic_areas(&province).await?;
        let Some(before) = areas.iter().find(|a| a.id == id).cloned() else {
            return Err(StoreError::not_found(Entity::EpidemicArea, id));
        };
        let until = phongdich_domain::contact::parse_date("until_on", until_on)
            .map_err(|e| StoreError::from(Invalid(vec![e])))?;
        if until < before.from_on {
            return Err(invalid(
                "until_on",
                "before_start",
                format!(
                    "Ngày kết thúc trước ngày bắt đầu ({}).",
                    before.from_on.format("%d/%m/%Y")
                ),
                format!(
                    "The last day is before the first ({}).",
                    before.from_on.format("%d/%m/%Y")
                ),
            ));
        }
        if let Some(a) = areas.iter().find(|a| {
            a.id != id
                && a.unit_code == before.unit_code
                && a.from_on <= until
                && before.from_on <= a.until_on.unwrap_or(NaiveDate::MAX)
        }) {
            return Err(invalid(
                "until_on",
                "overlaps",
                format!(
                    "Đến ngày đó thì chồng lên mục từ {} ({}) của cùng nơi.",
                    a.from_on.format("%d/%m/%Y"),
                    a.decision
                ),
                format!(
                    "Until then it would overlap the entry from {} ({}) for the same place.",
                    a.from_on.format("%d/%m/%Y"),
                    a.decision
                ),
            ));
        }
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE epidemic_areas SET until_on = $1 WHERE id = $2 AND province_code = $3")
            .bind(until.to_string())
            .bind(id)
            .bind(province.as_str())
            .execute(&mut *tx)
            .await?;
        let after = EpidemicArea {
            until_on: Some(until),
            ..before.clone()
        };
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "end",
            "epidemic_area",
            &id.to_string(),
            Some(&province),
            Some(&before),
            Some(&after),
        )
        .await?;
        let committed = tx.commit().await;
        self.arrival_rules.changed();
        committed?;
        Ok(after)
    }

    /// What an arrival into `province` from `origin_code`, leaving on
    /// `departure` and arriving on `arrival`, must do.
    async fn obligation_for(
        &self,
        province: &str,
        origin_code: &str,
        departure: NaiveDate,
        arrival: NaiveDate,
        c: &Circumstances,
    ) -> Result<(Option<i64>, Obligation)> {
        let origin = {
            let mut conn = self.read.acquire().await?;
            crate::units::unit_on(&mut conn, origin_code).await?
        };
        let lineage: Vec<&str> = origin.lineage().collect();
        self.obligation_from(province, &lineage, departure, arrival, c)
            .await
    }

    /// [`Self::obligation_for`] with the origin's lineage known (the unit
    /// itself, then the units above it).
    async fn obligation_from(
        &self,
        province: &str,
        lineage: &[&str],
        departure: NaiveDate,
        arrival: NaiveDate,
        c: &Circumstances,
    ) -> Result<(Option<i64>, Obligation)> {
        let known = self.arrival_rules(province).await?;
        let area = epidemic_area_of(&known.areas, lineage, departure);
        let o = obligation(&known.rules, area, arrival, province, c).map_err(Invalid::from)?;
        Ok((area.map(|a| a.id), o))
    }

    /// The province's epidemic areas and quarantine rules in force, from
    /// memory when read since the last write of either (see
    /// [`ArrivalRulesCache`]).
    async fn arrival_rules(&self, province: &str) -> Result<std::sync::Arc<ArrivalRules>> {
        let cache = &self.arrival_rules;
        if let Some(known) = cache.get(province) {
            return Ok(known);
        }
        let generation = cache.generation();
        let known = {
            let mut conn = self.read.acquire().await?;
            let areas = epidemic_areas_on(&mut conn, province).await?;
            let rules = crate::quarantine::quarantine_rules_on(&mut conn, province).await?;
            std::sync::Arc::new(ArrivalRules { areas, rules })
        };
        cache.keep(province, generation, known.clone());
        Ok(known)
    }

    /// The obligation of a registration, its arrival counted from the day it
    /// passed a checkpoint (or its planned day before that).
    pub async fn returnee_obligation(&self, r: &Registration) -> Result<Obligation> {
        let arrival = r
            .checked_at
            .as_deref()
            .and_then(|t| self.clock.local_day_of(t))
            .unwrap_or(r.arrival_on);
        let c = Circumstances {
            doses: u8::try_from(r.doses).unwrap_or(0),
            last_dose_on: r.last_dose_on,
            recovered_on: None,
        };
        let lineage = r.origin_lineage();
        Ok(self
            .obligation_from(&r.province_code, &lineage, r.departure_on, arrival, &c)
            .await?
            .1)
    }

    /// Register a returnee: the person found in the registry (by CCCD, else
    /// by the duplicate rules — reported) or registered, and the trip, in
    /// one transaction. The destination must lie in the actor's scope.
    pub async fn register_returnee(
        &self,
        actor: &Actor,
        input: &RegistrationInput,
        channel: &str,
    ) -> Result<Registered> {
        actor.require(Permission::Returnees)?;
        let r = input.parse(self.today())?;
        // The units: the origin anywhere in the country, above a hamlet.
        let origin = match self.unit(r.origin_code.as_str()).await {
            Err(StoreError::NotFound { .. }) => None,
            Ok(u) => Some(u),
            Err(e) => return Err(e),
        };
        let origin = origin_of(origin, &r.origin_code)?;
        let destination = self.address_unit(&actor.scope, &r.person).await?;
        let province = destination.province_code.clone();
        if origin.province_code == province {
            return Err(same_province(&origin));
        }
        let (area_id, obligation) = self
            .obligation_for(
                &province,
                origin.code.as_str(),
                r.departure_on,
                r.arrival_on,
                &r.circumstances,
            )
            .await?;
        // A registration from the public page (no account): a phone to call
        // back is needed; the person is matched by CCCD only (a namesake is
        // never taken for them), and a new person that looks like someone
        // registered is kept as a pair for the duplicates review.
        let public = channel == "public";
        if public && r.person.phone.is_none() {
            return Err(invalid(
                "phone",
                "required",
                "Cần số điện thoại để trạm y tế liên lạc.".into(),
                "A phone number is needed for the health station to call.".into(),
            ));
        }
        // The person: the holder of the CCCD (who must be within reach) —
        // from the public page only when the name and birth year typed are
        // theirs too. Without a CCCD match nobody is taken for them: someone
        // new is registered, and one who looks like a registered person is
        // kept as a pair for the duplicates review (a trip, and later an
        // order, is never attached to a look-alike).
        let neutral = || {
            StoreError::conflict(
                "Chưa đăng ký trực tuyến được: hãy gọi trạm y tế xã/phường nơi về để đăng ký.",
                "This cannot be registered online: call the health station of the commune you are going to.",
            )
        };
        let holder: Option<i64> = match r.person.national_id.as_ref() {
            Some(nid) => {
                sqlx::query_scalar(
                    "SELECT id FROM persons WHERE national_id = $1 AND merged_into IS NULL",
                )
                .bind(nid.as_str())
                .fetch_optional(&self.read)
                .await?
            }
            None => None,
        };
        // The holder is a record another unit keeps: their registration,
        // under the name typed (the record is not shown here); the record
        // follows them when the commune confirms them home.
        let mut elsewhere: Option<i64> = None;
        let (existing, matched) = match holder {
            Some(id) => match self.person(&actor.scope, id).await {
                Ok(p) => {
                    let same_person = phongdich_domain::text::fold(&p.full_name)
                        == phongdich_domain::text::fold(&r.person.full_name)
                        && p.birth_year == i64::from(r.person.birth.year());
                    if public && !same_person {
                        return Err(neutral());
                    }
                    (Some(p), "national_id")
                }
                // The public is not told where a CCCD is on file.
                Err(StoreError::NotFound { .. }) if public => return Err(neutral()),
                Err(StoreError::NotFound { .. }) => {
                    elsewhere = Some(id);
                    (None, "national_id_elsewhere")
                }
                Err(e) => return Err(e),
            },
            None => {
                let look_alikes = match self.likely_duplicates(&actor.scope, &r.person).await {
                    Ok(c) => c.len(),
                    Err(StoreError::Invalid(_) | StoreError::NotFound { .. }) => 0,
                    Err(e) => return Err(e),
                };
                (
                    None,
                    if look_alikes > 0 {
                        "created_likely_duplicate"
                    } else {
                        "created"
                    },
                )
            }
        };
        let on_file = existing
            .as_ref()
            .map(|p| (p.id, p.full_name.clone()))
            .or(elsewhere.map(|id| (id, r.person.full_name.clone())));
        if let Some((person_id, name)) = &on_file {
            let same: Option<String> = sqlx::query_scalar(
                "SELECT code FROM returnee_registrations WHERE person_id = $1 AND arrival_on = $2 AND status <> 'cancelled'",
            )
            .bind(*person_id)
            .bind(r.arrival_on.to_string())
            .fetch_optional(&self.read)
            .await?;
            if let Some(code) = same {
                if public {
                    return Err(StoreError::conflict(
                        format!(
                            "Đã có đăng ký về ngày {} cho người này: hãy gọi trạm y tế xã/phường nơi về nếu cần sửa.",
                            r.arrival_on.format("%d/%m/%Y")
                        ),
                        format!(
                            "This person is already registered to arrive on {}: call the commune's health station to change it.",
                            r.arrival_on.format("%d/%m/%Y")
                        ),
                    ));
                }
                return Err(already_registered(name, r.arrival_on, &code));
            }
        }
        let group_of = match &r.travels_with {
            Some(code) => Some(self.group_of_lead(&actor.scope, code).await?),
            None => None,
        };
        let code = loop {
            let c = code_from(OsRng.next_u64());
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM returnee_registrations WHERE code = $1")
                    .bind(c.as_str())
                    .fetch_optional(&self.read)
                    .await?;
            if taken.is_none() {
                break c;
            }
        };
        let mut tx = self.write.begin().await?;
        // (person id, their hamlet when they live at the destination)
        let (person_id, their_hamlet): (i64, Option<String>) = match (existing, elsewhere) {
            (Some(p), _) => (
                p.id,
                (p.commune_code == destination.code)
                    .then_some(p.hamlet_code)
                    .flatten(),
            ),
            (None, Some(id)) => (id, None),
            // A new person; a look-alike of someone registered is kept as a
            // pair for the duplicates review.
            (None, None) => {
                let p = self.insert_person(&mut tx, actor, &r.person, true).await?;
                (p.id, p.hamlet_code)
            }
        };
        let hamlet: Option<String> = match &r.person.hamlet_code {
            Some(h) => Some(h.as_str().to_owned()),
            None => their_hamlet,
        };
        // The name as typed only for a record kept elsewhere.
        let typed = elsewhere.map(|_| {
            (
                r.person.full_name.as_str(),
                i64::from(r.person.birth.year()),
            )
        });
        let stamp = self.stamp();
        let test = r.prior_test;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO returnee_registrations (code, person_id, origin_code, origin_address, departure_on, arrival_on, \
             means, group_code, doses, last_dose_on, vaccine, test_kind, test_on, test_result, area_id, status, channel, \
             province_code, district_code, commune_code, hamlet_code, created_by, created_at, updated_at, version, \
             contact_phone, full_name, birth_year, street_address) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'registered', $16, $17, $18, $19, \
             $20, $21, $22, $22, 1, $23, $24, $25, $26) RETURNING id",
        )
        .bind(code.as_str())
        .bind(person_id)
        .bind(origin.code.as_str())
        .bind(r.origin_address.as_deref())
        .bind(r.departure_on.to_string())
        .bind(r.arrival_on.to_string())
        .bind(r.means.as_str())
        .bind(group_of.as_deref().unwrap_or(code.as_str()))
        .bind(i64::from(r.circumstances.doses))
        .bind(r.circumstances.last_dose_on.map(|d| d.to_string()))
        .bind(r.vaccine.as_deref())
        .bind(test.map(|t| t.kind.as_str()))
        .bind(test.map(|t| t.on.to_string()))
        .bind(test.map(|t| t.outcome.as_str()))
        .bind(area_id)
        .bind(channel)
        // Where they are going, as typed (a matched person's registry address
        // may be older): what the commune's hand-over filters on.
        .bind(destination.province_code.as_str())
        .bind(destination.district_code.as_deref().unwrap_or_default())
        .bind(destination.code.as_str())
        .bind(hamlet.as_deref())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .bind(r.person.phone.as_ref().map(|p| p.as_str()))
        .bind(typed.map(|t| t.0))
        .bind(typed.map(|t| t.1))
        .bind(r.person.street_address.as_deref())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match e {
            // The same trip sent twice at once: the second meets the first's row.
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::conflict(
                format!(
                    "Chuyến về ngày {} của người này vừa được đăng ký.",
                    r.arrival_on.format("%d/%m/%Y")
                ),
                format!(
                    "This person's trip arriving on {} was just registered.",
                    r.arrival_on.format("%d/%m/%Y")
                ),
            ),
            e => e.into(),
        })?;
        let registration = read_in(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "returnee",
            &registration.code,
            Some(&registration.commune_code),
            None::<&()>,
            Some(&registration),
        )
        .await?;
        tx.commit().await?;
        Ok(Registered {
            registration,
            matched: matched.to_owned(),
            obligation,
        })
    }

    /// The travel group of the registration `code` (within the scope, not
    /// cancelled), for one who travels with it.
    pub(crate) async fn group_of_lead(&self, scope: &Scope, code: &str) -> Result<String> {
        let lead = self
            .returnee_by_code(scope, code)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => invalid(
                    "travels_with",
                    "unknown_code",
                    format!("Không có đăng ký mã {code} trong phạm vi của bạn."),
                    format!("No registration with code {code} within your jurisdiction."),
                ),
                e => e,
            })?;
        if lead.status == Status::Cancelled {
            return Err(invalid(
                "travels_with",
                "cancelled",
                format!("Đăng ký {code} đã bị hủy."),
                format!("Registration {code} was cancelled."),
            ));
        }
        Ok(lead.group_code)
    }

    /// A registration within the scope, by its code as typed or scanned.
    pub async fn returnee_by_code(&self, scope: &Scope, code: &str) -> Result<Registration> {
        let Some(code) = normalise_code(code) else {
            return Err(StoreError::not_found(Entity::Returnee, code.trim()));
        };
        let mut b =
            QueryBuilder::numbered(format!("SELECT {COLUMNS} FROM {FROM} WHERE r.code = $1"), 1);
        scope.push_filter(&mut b, "r");
        let row = b
            .bind_onto(sqlx::query(b.sql()).bind(code.as_str()))
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| StoreError::not_found(Entity::Returnee, &code))?;
        registration_from_row(&row)
    }

    /// A registration within the scope.
    pub async fn returnee(&self, scope: &Scope, id: i64) -> Result<Registration> {
        let mut b =
            QueryBuilder::numbered(format!("SELECT {COLUMNS} FROM {FROM} WHERE r.id = $1"), 1);
        scope.push_filter(&mut b, "r");
        let row = b
            .bind_onto(sqlx::query(b.sql()).bind(id))
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| StoreError::not_found(Entity::Returnee, id))?;
        registration_from_row(&row)
    }

    /// Record a checkpoint's scan: the first scan records the arrival (and
    /// the rapid test); a later one says the person is already through; the
    /// same scan re-sent (same idempotency key) changes nothing. A positive
    /// rapid test goes into the testing flow (a sample and its result, which
    /// may confirm a case under the rules).
    pub async fn scan_returnee(&self, actor: &Actor, input: &ScanInput) -> Result<ScanOutcome> {
        actor.require(Permission::CheckArrivals)?;
        let mut errors = Vec::new();
        let key = input.idempotency_key.trim();
        if key.is_empty() || key.len() > 100 {
            errors.push(FieldError::new(
                "idempotency_key",
                "invalid",
                "Thiếu khóa chống trùng (1–100 ký tự) của lượt quét.",
                "The scan's idempotency key (1–100 characters) is missing.",
            ));
        }
        let checkpoint = phongdich_domain::text::clean(&input.checkpoint);
        if checkpoint.chars().count() > 100 {
            errors.push(FieldError::new(
                "checkpoint",
                "too_long",
                "Tên chốt tối đa 100 ký tự.",
                "The checkpoint's name is at most 100 characters.",
            ));
        }
        if checkpoint.is_empty() {
            errors.push(FieldError::new(
                "checkpoint",
                "required",
                "Cần tên chốt kiểm soát.",
                "The checkpoint's name is needed.",
            ));
        }
        let rapid = if input.rapid_result.trim().is_empty() {
            None
        } else {
            phongdich_domain::choice::one_of::<TestOutcome>(
                "rapid_result",
                &input.rapid_result,
                &mut errors,
            )
        };
        if normalise_code(&input.code).is_none() {
            errors.push(FieldError::new(
                "code",
                "invalid",
                format!(
                    "«{}» không phải là mã đăng ký (V và 9 ký tự; kiểm tra lại).",
                    input.code.trim()
                ),
                format!(
                    "“{}” is not a registration code (V and 9 symbols; check it).",
                    input.code.trim()
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        let code = normalise_code(&input.code).unwrap_or_default();
        let registration = match self.returnee_by_code(&actor.scope, &code).await {
            Ok(r) => r,
            Err(StoreError::NotFound { .. }) => {
                if let Some(replay) = self.scan_replayed(actor, key, &code).await? {
                    return Ok(replay);
                }
                let elsewhere: Option<String> = sqlx::query_scalar(
                    "SELECT province_code FROM returnee_registrations WHERE code = $1",
                )
                .bind(code.as_str())
                .fetch_optional(&self.read)
                .await?;
                return Err(match elsewhere {
                    Some(_) => StoreError::conflict(
                        format!(
                            "Mã {code} là đăng ký về nơi ngoài phạm vi của chốt này: không tiếp nhận tại đây; hướng dẫn người này đến nơi đã đăng ký."
                        ),
                        format!(
                            "Code {code} is a registration for somewhere outside this checkpoint's jurisdiction: not received here; direct the person to where they registered."
                        ),
                    ),
                    None => StoreError::not_found(Entity::Returnee, &code),
                });
            }
            Err(e) => return Err(e),
        };
        if registration.status == Status::Cancelled {
            // A scan received before the cancellation, re-sent: what it did.
            if let Some(replay) = self.scan_replayed(actor, key, &code).await? {
                return Ok(replay);
            }
            return Err(StoreError::conflict(
                format!(
                    "Đăng ký {} đã bị hủy ({}): đăng ký lại tại chốt nếu người này vẫn về.",
                    registration.code,
                    registration.cancel_reason.as_deref().unwrap_or("")
                ),
                format!(
                    "Registration {} was cancelled ({}): register again at the checkpoint if the person is coming.",
                    registration.code,
                    registration.cancel_reason.as_deref().unwrap_or("")
                ),
            ));
        }
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        // The first scan is the one whose guarded update moves the
        // registration on (two lanes at once: one of them), decided in this
        // transaction, not from the read before it. Its new version tells
        // whether anything else changed the registration since that read.
        let first: Option<i64> = sqlx::query_scalar(
            "UPDATE returnee_registrations SET status = 'checked', checked_at = $1, checkpoint = $2, checked_by = $3, \
             checkpoint_result = $4, updated_at = $1, version = version + 1 WHERE id = $5 AND status = 'registered' \
             RETURNING version",
        )
        .bind(stamp.as_str())
        .bind(checkpoint.as_str())
        .bind(actor.name.as_str())
        .bind(rapid.map(|r| r.as_str()))
        .bind(registration.id)
        .fetch_optional(&mut *tx)
        .await?;
        // Read as `registered` yet not moved on by this scan: something else
        // changed it since that read (another lane's scan, a cancellation) —
        // the answer and the audit row take it as it is now.
        let mut current = None;
        if first.is_none() && registration.status == Status::Registered {
            let now = read_in(&mut tx, registration.id).await?;
            if now.status == Status::Cancelled {
                tx.rollback().await?;
                return Err(StoreError::conflict(
                    format!(
                        "Đăng ký {} vừa bị hủy: đăng ký lại tại chốt nếu người này vẫn về.",
                        now.code
                    ),
                    format!(
                        "Registration {} was just cancelled: register again at the checkpoint if the person is coming.",
                        now.code
                    ),
                ));
            }
            current = Some(now);
        }
        let registration = current.unwrap_or(registration);
        let mut later_positive = false;
        if first.is_none() && rapid == Some(TestOutcome::Positive) {
            // A positive test on a later scan (tested after the first one) is
            // the registration's too, and goes to testing like the first's.
            later_positive = sqlx::query(
                "UPDATE returnee_registrations SET checkpoint_result = 'positive', updated_at = $1, version = version + 1 \
                 WHERE id = $2 AND (checkpoint_result IS NULL OR checkpoint_result <> 'positive')",
            )
            .bind(stamp.as_str())
            .bind(registration.id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
        }
        // Two devices sending the same scan at once: the unique key lets one
        // in; the other's transaction (its update too) is undone, and it
        // answers what the first did.
        let inserted = sqlx::query(
            "INSERT INTO checkpoint_scans (idempotency_key, registration_id, checkpoint, scanned_at, outcome, \
             rapid_result, recorded_by, province_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(key)
        .bind(registration.id)
        .bind(checkpoint.as_str())
        .bind(stamp.as_str())
        .bind(if first.is_some() { "arrived" } else { "again" })
        .bind(rapid.map(|r| r.as_str()))
        .bind(actor.name.as_str())
        .bind(registration.province_code.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return match self.scan_replayed(actor, key, &code).await? {
                Some(replay) => Ok(replay),
                // The key's scan went with a registration out of reach.
                None => Err(StoreError::not_found(Entity::Returnee, &code)),
            };
        }
        // The answer is the registration as read with this scan's changes,
        // unless something else changed it in between: then it is read again.
        let after = match first {
            Some(version) if version == registration.version + 1 => Registration {
                status: Status::Checked,
                checked_at: Some(stamp.clone()),
                checkpoint: Some(checkpoint.clone()),
                checkpoint_result: rapid.map(|r| r.as_str().to_owned()),
                version,
                ..registration.clone()
            },
            None if !later_positive => registration.clone(),
            _ => read_in(&mut tx, registration.id).await?,
        };
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            if first.is_some() { "arrive" } else { "scan" },
            "returnee",
            &after.code,
            Some(&after.commune_code),
            Some(&serde_json::json!({ "status": registration.status })),
            Some(&serde_json::json!({ "status": after.status, "checkpoint": checkpoint, "rapid_result": rapid, "key": key })),
        )
        .await?;
        tx.commit().await?;
        self.finish_scan(
            actor,
            after,
            if first.is_some() { "arrived" } else { "again" },
        )
        .await
    }

    /// The answer to a scan whose idempotency key was received before (with
    /// the same code), if it was; the same key with another code is a
    /// device fault, refused.
    async fn scan_replayed(
        &self,
        actor: &Actor,
        key: &str,
        code: &str,
    ) -> Result<Option<ScanOutcome>> {
        let seen: Option<(i64, String)> = sqlx::query_as(
            "SELECT s.registration_id, r.code FROM checkpoint_scans s \
             JOIN returnee_registrations r ON r.id = s.registration_id WHERE s.idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.read)
        .await?;
        let Some((id, seen_code)) = seen else {
            return Ok(None);
        };
        if seen_code != code {
            return Err(invalid(
                "idempotency_key",
                "reused",
                "Khóa chống trùng này đã dùng cho một mã khác: thiết bị quét cần tạo khóa mới cho mỗi lượt.".into(),
                "This idempotency key was used for another code: the scanner must make a new key for each scan.".into(),
            ));
        }
        let registration = self.returnee(&actor.scope, id).await?;
        self.finish_scan(actor, registration, "replayed")
            .await
            .map(Some)
    }

    /// A scan's answer; a positive rapid test at the checkpoint not yet in
    /// the testing flow goes there now (a retried scan completes it).
    async fn finish_scan(
        &self,
        actor: &Actor,
        mut registration: Registration,
        outcome: &str,
    ) -> Result<ScanOutcome> {
        let mut case_code = None;
        if registration.checkpoint_result.as_deref() == Some("positive")
            && registration.checkpoint_sample_id.is_none()
        {
            let on = registration
                .checked_at
                .as_deref()
                .and_then(|t| self.clock.local_day_of(t))
                .unwrap_or_else(|| self.today());
            let place = registration.checkpoint.clone().unwrap_or_default();
            // The person is in the province now: the record follows them
            // (it may be kept by the unit they left), and the case is
            // their destination's.
            let commune = self.unit(&registration.commune_code).await?;
            self.move_person_home(
                actor,
                registration.person_id,
                &commune,
                registration.hamlet_code.as_deref(),
                registration.street_address.as_deref(),
            )
            .await?;
            let person = self.person(&actor.scope, registration.person_id).await?;
            // The sample, its result, the case and the registration's link
            // to them commit together, or not at all; a scan re-sent while
            // another records them finds them linked and records nothing.
            let mut w = self.engine_write_if(true).await?;
            let (sample, case) = self
                .rapid_positive_in(&mut w, actor, &person, on, &place, self.today())
                .await?;
            let linked = sqlx::query(
                "UPDATE returnee_registrations SET checkpoint_sample_id = $1 WHERE id = $2 AND checkpoint_sample_id IS NULL",
            )
            .bind(sample.id)
            .bind(registration.id)
            .execute(w.conn())
            .await?
            .rows_affected();
            if linked == 1 {
                w.commit().await?;
                case_code = case;
                registration.checkpoint_sample_id = Some(sample.id);
            } else {
                w.rollback().await?;
                registration = self.returnee(&actor.scope, registration.id).await?;
            }
        }
        let obligation = self.returnee_obligation(&registration).await?;
        let (must_vi, must_en) = obligation.describe();
        // A checkpoint sees what the scan needs: not the phone, unless the
        // role may read identifiers.
        if !actor.role.can(Permission::ViewIdentifiers) {
            registration.phone = None;
        }
        Ok(ScanOutcome {
            outcome: outcome.to_owned(),
            registration,
            obligation,
            case_code,
            must_vi,
            must_en,
        })
    }

    /// The commune confirms the person is home on `on`: the obligation
    /// becomes the quarantine order (counted from the day through the
    /// checkpoint, else from `on`), in the same transaction.
    pub async fn confirm_returnee_home(
        &self,
        actor: &Actor,
        id: i64,
        on: NaiveDate,
    ) -> Result<(Registration, Option<crate::QuarantineOrder>)> {
        actor.require(Permission::Returnees)?;
        let r = self.returnee(&actor.scope, id).await?;
        match r.status {
            Status::Home => {
                return Err(StoreError::conflict(
                    format!("{} đã được xác nhận về nhà.", r.full_name),
                    format!("{} was already confirmed home.", r.full_name),
                ));
            }
            Status::Cancelled => {
                return Err(StoreError::conflict(
                    format!("Đăng ký {} đã bị hủy.", r.code),
                    format!("Registration {} was cancelled.", r.code),
                ));
            }
            Status::Registered | Status::Checked => {}
        }
        if on < r.departure_on || on > self.today() {
            return Err(invalid(
                "home_on",
                "out_of_range",
                format!(
                    "Ngày về nhà phải từ ngày đi ({}) đến hôm nay.",
                    r.departure_on.format("%d/%m/%Y")
                ),
                format!(
                    "The day home must be between the departure ({}) and today.",
                    r.departure_on.format("%d/%m/%Y")
                ),
            ));
        }
        let arrival = r
            .checked_at
            .as_deref()
            .and_then(|t| self.clock.local_day_of(t))
            .unwrap_or(on);
        let c = Circumstances {
            doses: u8::try_from(r.doses).unwrap_or(0),
            last_dose_on: r.last_dose_on,
            recovered_on: None,
        };
        // The list as it stands now judges the departure (an area added
        // after the registration counts), and the registration says so.
        let (area_id, obligation) = self
            .obligation_for(
                &r.province_code,
                &r.origin_code,
                r.departure_on,
                arrival,
                &c,
            )
            .await?;
        // The record follows the person home (it may be kept by the unit they
        // left, or name an older address): committed first, since the order
        // is issued where the person lives. Should the order then be refused,
        // they stay moved — they are home — and the confirmation can be made
        // again.
        let commune = self.unit(&r.commune_code).await?;
        self.move_person_home(
            actor,
            r.person_id,
            &commune,
            r.hamlet_code.as_deref(),
            r.street_address.as_deref(),
        )
        .await?;
        // An order reaches the tracing engine in its transaction: hold (and load) it.
        let mut w = self
            .engine_write_if(matches!(obligation, Obligation::Order { .. }))
            .await?;
        let order = match &obligation {
            Obligation::Order { .. } => {
                actor.require(Permission::Quarantine)?;
                let input = crate::OrderInput {
                    person_id: r.person_id,
                    situation: "from_epidemic_area".into(),
                    start_on: arrival.to_string(),
                    place: String::new(),
                    doses: c.doses,
                    last_dose_on: c.last_dose_on.map(|d| d.to_string()).unwrap_or_default(),
                    recovered_on: String::new(),
                };
                Some(self.insert_order(actor, &input, &mut w).await?)
            }
            Obligation::None => None,
        };
        let changed = sqlx::query(
            "UPDATE returnee_registrations SET status = 'home', home_on = $1, order_id = $2, updated_at = $3, \
             area_id = $6, version = version + 1 WHERE id = $4 AND version = $5",
        )
        .bind(on.to_string())
        .bind(order.as_ref().map(|o| o.id))
        .bind(self.stamp())
        .bind(r.id)
        .bind(r.version)
        .bind(area_id)
        .execute(w.conn())
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(StoreError::conflict(
                "Đăng ký vừa được người khác thay đổi: hãy tải lại trang.",
                "The registration was just changed by someone else: reload the page.",
            ));
        }
        let after = read_in(w.tx(), r.id).await?;
        audit::record(
            &self.clock,
            w.tx(),
            actor,
            "home",
            "returnee",
            &after.code,
            Some(&after.commune_code),
            Some(&serde_json::json!({ "status": r.status })),
            Some(&serde_json::json!({ "status": after.status, "home_on": on, "order_id": after.order_id })),
        )
        .await?;
        w.commit().await?;
        Ok((after, order))
    }

    /// Withdraw a registration that has not reached home (audited, with the
    /// reason); its history stays.
    pub async fn cancel_returnee(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<Registration> {
        actor.require(Permission::Returnees)?;
        let reason = phongdich_domain::text::clean(reason);
        if reason.chars().count() > 500 {
            return Err(invalid(
                "reason",
                "too_long",
                "Lý do tối đa 500 ký tự.".into(),
                "The reason is at most 500 characters.".into(),
            ));
        }
        if reason.is_empty() {
            return Err(invalid(
                "reason",
                "required",
                "Cần lý do hủy.".into(),
                "A reason is needed.".into(),
            ));
        }
        let r = self.returnee(&actor.scope, id).await?;
        if matches!(r.status, Status::Home | Status::Cancelled) {
            return Err(StoreError::conflict(
                format!("Không hủy được: {}.", r.status.label().0.to_lowercase()),
                format!("Cannot cancel: {}.", r.status.label().1.to_lowercase()),
            ));
        }
        let mut tx = self.write.begin().await?;
        let changed = sqlx::query(
            "UPDATE returnee_registrations SET status = 'cancelled', cancel_reason = $1, updated_at = $2, \
             batch_id = NULL, seat = NULL, version = version + 1 WHERE id = $3 AND version = $4",
        )
        .bind(reason.as_str())
        .bind(self.stamp())
        .bind(r.id)
        .bind(r.version)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::conflict(
                "Đăng ký vừa được người khác thay đổi (qua chốt hoặc về nhà): hãy tải lại trang.",
                "The registration was just changed by someone else (a checkpoint or home): reload the page.",
            ));
        }
        let after = read_in(&mut tx, r.id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "cancel",
            "returnee",
            &after.code,
            Some(&after.commune_code),
            Some(&serde_json::json!({ "status": r.status })),
            Some(&serde_json::json!({ "status": after.status, "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The hand-over list of `day` within the scope: who is registered to
    /// arrive that day (every state), and who was expected earlier and is
    /// not confirmed home yet (overdue).
    pub async fn returnee_handover(&self, scope: &Scope, day: NaiveDate) -> Result<Handover> {
        let list = |sql: String, bind: String| async move {
            let mut b = QueryBuilder::numbered(sql, 1);
            scope.push_filter(&mut b, "r");
            b.push(" ORDER BY r.arrival_on, c.name, h.name, p.full_name, r.id");
            let rows = b
                .bind_onto(sqlx::query(b.sql()).bind(bind))
                .fetch_all(&self.read)
                .await?;
            rows.iter()
                .map(registration_from_row)
                .collect::<Result<Vec<_>>>()
        };
        let arriving = list(
            format!("SELECT {COLUMNS} FROM {FROM} WHERE r.arrival_on = $1"),
            day.to_string(),
        )
        .await?;
        let overdue = list(
            format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE r.arrival_on < $1 AND r.status IN ('registered', 'checked')"
            ),
            day.to_string(),
        )
        .await?;
        Ok(Handover {
            day,
            arriving,
            overdue,
        })
    }
}

async fn read_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<Registration> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE r.id = $1"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    registration_from_row(&row)
}

/// Migration 25's data: the provinces' 2021 rules for arrivals from epidemic
/// areas ([`phongdich_domain::returnees::provincial_rules_2021`]) as each
/// province's first version of its own rule, which it may revise.
pub(crate) fn seed_provincial_rules<'a>(
    tx: &'a mut sqlx::Transaction<'static, sqlx::Any>,
    _engine: crate::Dialect,
) -> crate::units::BoxFut<'a> {
    Box::pin(async move {
        for rule in phongdich_domain::returnees::provincial_rules_2021() {
            let province = rule.province_code.clone().unwrap_or_default();
            sqlx::query(
                "INSERT INTO quarantine_rules (code, version, province_code, rule_json, current, created_by, created_at) \
                 VALUES ($1, 1, $2, $3, 1, 'migration 25', '2021-10-18T05:00:00.000Z')",
            )
            .bind(rule.code.as_str())
            .bind(province.as_str())
            .bind(serde_json::to_string(&rule)?)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    })
}
