//! Epidemic levels (*cấp độ dịch*): every week, every commune's level
//! proposed from its criteria ([`phongdich_domain::levels::assess`]) — C1 the
//! community cases of the week by the rapid report's own definition (not
//! imported, not from another province, not found in quarantine; by the
//! commune the case is kept by and its day of confirmation), C2 and C3 from
//! the coverage entered for the commune (`commune_coverage`: each figure's
//! latest entry as of the week's last day) — reviewed by the committee, who may set another
//! level with a reason (audited), and published (`epidemic_levels`, one row
//! a commune and week, kept).
//!
//! Jurisdiction: a scope proposes, publishes and reads the communes within
//! it; coverage is entered for a commune within it.

use crate::sql::QueryBuilder;
use crate::{Actor, Result, Scope, Store, StoreError, Unit, audit};
use chrono::NaiveDate;
use phongdich_domain::levels::{
    Assessment, Criteria, LevelRules, area_criteria, assess, national_level_rules, rules_on,
    week_of,
};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// A commune's week: what its criteria give, and what was published.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommuneLevel {
    pub unit_code: String,
    pub unit_name: String,
    pub province_code: String,
    pub district_code: String,
    pub district_name: String,
    /// New community cases confirmed in the week.
    pub cases: i64,
    pub population: Option<i64>,
    /// The rule set applied.
    pub rule_code: String,
    /// What the criteria give.
    #[schema(value_type = phongdich_domain::levels::AssessmentWire)]
    pub proposed: Assessment,
    /// The level published for the week, if it was, and the reason given
    /// where it differs from the proposal.
    pub published: Option<i64>,
    pub reason: Option<String>,
    /// Last week's published level.
    pub previous: Option<i64>,
}

/// A week's levels of a scope's communes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeekLevels {
    /// The Monday it starts.
    pub week_start: NaiveDate,
    pub communes: Vec<CommuneLevel>,
    /// Communes by published level 1–4 (index 0 = level 1).
    pub published_counts: [i64; 4],
    /// The districts and provinces wholly within the scope, each assessed
    /// from its communes ([`phongdich_domain::levels::area_criteria`]).
    pub areas: Vec<AreaLevel>,
}

/// A district's or province's week, from its communes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaLevel {
    pub unit_code: String,
    pub unit_name: String,
    /// `district` or `province`.
    pub unit_level: String,
    /// Its communes, and those without a population (left out of C1).
    pub communes: i64,
    pub without_population: i64,
    /// Communes by level 1–4 (index 0 = level 1): published, else proposed.
    pub communes_by_level: [i64; 4],
    /// Communes with a population but no coverage entered: while any is,
    /// the area's C2 is counted as not met (said in the explanation).
    pub without_coverage: i64,
    /// The rule set's criteria applied to the area as a whole.
    #[schema(value_type = phongdich_domain::levels::AssessmentWire)]
    pub assessment: Assessment,
}

/// A province's week, rolled up from its communes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProvinceRollup {
    pub province_code: String,
    /// Community cases of the week, and the population they are counted over.
    pub cases: i64,
    pub population: i64,
    /// Cases per 100,000 per week over the communes with a population.
    pub rate: Option<f64>,
    /// Communes by level 1–4 (index 0 = level 1): published, else proposed.
    pub communes_by_level: [i64; 4],
    /// Communes without a level (neither published nor proposed).
    pub without_level: i64,
    /// The highest of its communes' levels.
    pub highest: Option<i64>,
}

impl WeekLevels {
    /// The week by province: cases and population summed over the communes
    /// (those without a population count in neither), communes by level
    /// (published, else proposed), the highest — in province code order.
    pub fn by_province(&self) -> Vec<ProvinceRollup> {
        let mut out: Vec<ProvinceRollup> = Vec::new();
        let mut at: HashMap<&str, usize> = HashMap::new();
        for c in &self.communes {
            let i = *at.entry(c.province_code.as_str()).or_insert_with(|| {
                out.push(ProvinceRollup {
                    province_code: c.province_code.clone(),
                    ..Default::default()
                });
                out.len() - 1
            });
            let r = &mut out[i];
            if let Some(p) = c.population.filter(|p| *p > 0) {
                r.cases += c.cases;
                r.population += p;
            }
            match c.published.or(c.proposed.level.map(i64::from)) {
                Some(l @ 1..=4) => {
                    r.communes_by_level[(l - 1) as usize] += 1;
                    r.highest = Some(r.highest.map_or(l, |h| h.max(l)));
                }
                _ => r.without_level += 1,
            }
        }
        for r in &mut out {
            r.rate = (r.population > 0).then(|| r.cases as f64 * 100_000.0 / r.population as f64);
        }
        out.sort_by(|a, b| a.province_code.cmp(&b.province_code));
        out
    }
}

/// A commune's coverage and capacity as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CoverageInput {
    pub unit_code: String,
    /// As of (dd/mm/yyyy or yyyy-mm-dd).
    pub as_of: String,
    /// Share (%) of people aged 18+ with at least one dose; empty if not known.
    pub adult_one_dose: String,
    /// Share (%) of the elderly fully vaccinated; empty if not known.
    pub elderly_full: String,
    /// `met`, `not_met` or empty (not assessed).
    pub capacity: String,
}

/// A level the committee sets other than the proposal, with its reason.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LevelOverride {
    pub unit_code: String,
    pub level: i64,
    pub reason: String,
}

/// A commune's coverage as read: adults with a dose, elderly fully
/// vaccinated (%), capacity met (1/0).
type Coverage = (Option<f64>, Option<f64>, Option<i64>);

fn percent(field: &str, v: &str, errors: &mut Vec<FieldError>) -> Option<f64> {
    let t = v.trim().trim_end_matches('%').trim().replace(',', ".");
    if t.is_empty() {
        return None;
    }
    match t.parse::<f64>() {
        Ok(x) if (0.0..=100.0).contains(&x) => Some(x),
        _ => {
            errors.push(FieldError::new(
                field,
                "invalid",
                format!("«{}» không phải là tỷ lệ từ 0 đến 100%.", v.trim()),
                format!("“{}” is not a share from 0 to 100%.", v.trim()),
            ));
            None
        }
    }
}

/// A list the week reads: one JSON array on SQLite (a row through the `Any`
/// driver is a hand-off between threads; ten thousand of them were most of
/// the week's time), rows on PostgreSQL (decoded off the wire; `json_agg`
/// of the same rows was slower there — BENCHMARKS.md, epidemic levels).
enum Listed {
    Json(String),
    Rows(Vec<AnyRow>),
}

/// A row of a [`Listed`] read as a tuple, column by column.
trait FromRow: Sized {
    fn from_row(r: &AnyRow) -> Result<Self>;
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t),+> FromRow for ($($t,)+)
        where
            $($t: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>),+
        {
            fn from_row(r: &AnyRow) -> Result<Self> {
                Ok(($(r.try_get::<$t, usize>($i)?,)+))
            }
        }
    };
}
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5);

/// A commune as the week reads it: code, name, province, district code,
/// district name, population.
type CommuneRow = (String, String, String, String, String, Option<i64>);

/// The country's communes in district then code order, with the
/// `units_version` they were read at (migration 33: triggers move it with
/// every write to `units`, a population import's included). They change
/// only by migration and population imports, and reading them was a fifth of
/// the country's week on SQLite (BENCHMARKS.md, epidemic levels).
#[derive(Debug, Default)]
pub(crate) struct CommunesCache(std::sync::Mutex<Option<(i64, std::sync::Arc<Vec<CommuneRow>>)>>);

impl Listed {
    fn decode<T: serde::de::DeserializeOwned + FromRow>(self) -> Result<Vec<T>> {
        match self {
            Listed::Json(j) => Ok(serde_json::from_str(&j)?),
            Listed::Rows(rows) => rows.iter().map(T::from_row).collect(),
        }
    }
}

impl Store {
    /// The rule sets known: the Ministry's and the provinces' own.
    async fn level_rules(&self) -> Result<Vec<LevelRules>> {
        let mut rules = national_level_rules();
        let own: Vec<String> = sqlx::query_scalar("SELECT rules_json FROM level_rules ORDER BY id")
            .fetch_all(&self.read)
            .await?;
        for j in own {
            rules.push(serde_json::from_str(&j)?);
        }
        Ok(rules)
    }

    /// Save a rule set (its C1 bounds and C2 thresholds, from a day; the
    /// criteria and the combining rule stay the guidance's), audited: a
    /// province's own, by its administrator (or a national one), or — no
    /// province — the Ministry's, by a national administrator, so that a
    /// new decision of the Ministry (218/QĐ-BYT's bands from 27/1/2022) is
    /// entered from its text without a new release. A code once used is not
    /// reused: a new version is a new code.
    pub async fn save_level_rules(&self, actor: &Actor, rules: &LevelRules) -> Result<LevelRules> {
        actor.require(Permission::Configure)?;
        let ministry = rules.province_code.is_none();
        let province = rules.province_code.clone().unwrap_or_default();
        let own = if ministry {
            actor.scope.is_national()
        } else {
            match self.unit(&province).await {
                Ok(u) => {
                    u.level == UnitLevel::Province
                        && (actor.scope.is_national()
                            || actor.scope.root().map(|r| r.as_str()) == Some(u.code.as_str()))
                }
                Err(StoreError::NotFound { .. }) | Err(StoreError::Invalid(_)) => false,
                Err(e) => return Err(e),
            }
        };
        if !own {
            return Err(StoreError::Forbidden {
                permission: Permission::Configure,
            });
        }
        let mut errors = Vec::new();
        let code = phongdich_domain::text::clean(&rules.code);
        if code.is_empty() || code.chars().count() > 50 {
            errors.push(FieldError::new(
                "code",
                "required",
                "Cần mã bộ tiêu chí (tối đa 50 ký tự), ví dụ qn-2021-11.",
                "The rule set needs a code (up to 50 characters), e.g. qn-2021-11.",
            ));
        }
        if phongdich_domain::text::clean(&rules.source).is_empty() {
            errors.push(FieldError::new(
                "source",
                "required",
                "Cần văn bản ban hành bộ tiêu chí (quyết định của tỉnh hoặc của Bộ Y tế).",
                "The decision that sets it (the province's or the Ministry's) is needed.",
            ));
        }
        let [b2, b3, b4] = rules.c1_bounds;
        if !(b2 > 0.0 && b2 < b3 && b3 < b4) {
            errors.push(FieldError::new(
                "c1_bounds",
                "invalid",
                "Ngưỡng tiêu chí 1 của các mức 2, 3, 4 phải dương và tăng dần.",
                "Criterion 1's thresholds of bands 2, 3 and 4 must be positive and rising.",
            ));
        }
        for (field, v) in [
            ("c2_adult_one_dose", rules.c2_adult_one_dose),
            ("c2_elderly_full", rules.c2_elderly_full),
        ] {
            if !(0.0..=100.0).contains(&v) {
                errors.push(FieldError::new(
                    field,
                    "invalid",
                    "Tỷ lệ từ 0 đến 100%.",
                    "A share from 0 to 100%.",
                ));
            }
        }
        let first = national_level_rules()
            .first()
            .map(|r| r.valid_from)
            .unwrap_or_default();
        if rules.valid_from < first {
            errors.push(FieldError::new(
                "valid_from",
                "before_rules",
                "Bộ tiêu chí áp dụng từ 12/10/2021 trở đi.",
                "A rule set applies from 12/10/2021 on.",
            ));
        }
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        let saved = LevelRules {
            code: code.clone(),
            source: phongdich_domain::text::clean(&rules.source),
            province_code: (!ministry).then(|| province.clone()),
            ..rules.clone()
        };
        let mut tx = self.write.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO level_rules (code, province_code, rules_json, created_by, created_at)              VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
        )
        .bind(code.as_str())
        .bind(province.as_str())
        .bind(serde_json::to_string(&saved)?)
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted != 1 || national_level_rules().iter().any(|r| r.code == code) {
            return Err(StoreError::conflict(
                format!("Mã bộ tiêu chí «{code}» đã dùng: phiên bản mới cần mã mới."),
                format!("The rule set code “{code}” is taken: a new version needs a new code."),
            ));
        }
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "level_rules",
            &code,
            (!ministry).then_some(province.as_str()),
            None::<&()>,
            Some(&saved),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// The rule sets that apply to `province`: the Ministry's and its own.
    pub async fn level_rules_of(&self, province: &str) -> Result<Vec<LevelRules>> {
        Ok(self
            .level_rules()
            .await?
            .into_iter()
            .filter(|r| r.province_code.as_deref().is_none_or(|p| p == province))
            .collect())
    }

    /// Record a commune's coverage and capacity as of a day (kept; the
    /// latest as of a week's end is the one its assessment reads).
    pub async fn enter_coverage(&self, actor: &Actor, input: &CoverageInput) -> Result<()> {
        actor.require(Permission::Zones)?;
        let mut errors = Vec::new();
        let unit = match self.unit(input.unit_code.trim()).await {
            Ok(u) if u.level == UnitLevel::Commune && actor.scope.contains(&u) => Some(u),
            Ok(_) | Err(StoreError::NotFound { .. }) | Err(StoreError::Invalid(_)) => {
                errors.push(FieldError::new(
                    "unit_code",
                    "not_found",
                    format!(
                        "Không có xã/phường «{}» trong phạm vi của bạn.",
                        input.unit_code.trim()
                    ),
                    format!(
                        "No commune “{}” within your jurisdiction.",
                        input.unit_code.trim()
                    ),
                ));
                None
            }
            Err(e) => return Err(e),
        };
        let as_of = phongdich_domain::contact::parse_date("as_of", &input.as_of)
            .map_err(|e| errors.push(e))
            .ok();
        let adult = percent("adult_one_dose", &input.adult_one_dose, &mut errors);
        let elderly = percent("elderly_full", &input.elderly_full, &mut errors);
        let capacity = match input.capacity.trim() {
            "" => None,
            "met" => Some(1i64),
            "not_met" => Some(0),
            other => {
                errors.push(FieldError::new(
                    "capacity",
                    "invalid_choice",
                    format!("«{other}»: chọn đạt (met), không đạt (not_met) hoặc để trống."),
                    format!("“{other}”: choose met, not_met or leave it empty."),
                ));
                None
            }
        };
        if let Some(d) = as_of
            && d > self.today()
        {
            errors.push(FieldError::new(
                "as_of",
                "future",
                "Ngày số liệu không được sau hôm nay.",
                "The figures' day cannot be after today.",
            ));
        }
        if errors.is_empty() && adult.is_none() && elderly.is_none() && capacity.is_none() {
            // An empty entry would read as nothing known from its day on.
            errors.push(FieldError::new(
                "adult_one_dose",
                "empty",
                "Chưa có số liệu nào để ghi: nhập tỷ lệ tiêm chủng hoặc năng lực điều trị.",
                "Nothing to enter: give the vaccination coverage or the capacity.",
            ));
        }
        let (Some(unit), Some(as_of), true) = (unit, as_of, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        let mut tx = self.write.begin().await?;
        let stamp = self.stamp();
        sqlx::query(
            "INSERT INTO commune_coverage (unit_code, province_code, district_code, commune_code, as_of, \
             adult_one_dose, elderly_full, capacity_met, entered_by, entered_at) \
             VALUES ($1, $2, $3, $1, $4, $5, $6, $7, $8, $9)",
        )
        .bind(unit.code.as_str())
        .bind(unit.province_code.as_str())
        .bind(unit.district_code.as_deref())
        .bind(as_of.to_string())
        .bind(adult)
        .bind(elderly)
        .bind(capacity)
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .execute(&mut *tx)
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "coverage",
            &unit.code,
            Some(&unit.code),
            None::<&()>,
            Some(&serde_json::json!({
                "as_of": as_of, "adult_one_dose": adult, "elderly_full": elderly, "capacity_met": capacity
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One of the week's large reads of `scope`: `columns` of `from` (a
    /// `FROM … WHERE …` with `{cond}` where the scope's filter on `x0`
    /// goes), `binds` for its first parameters. On SQLite one JSON array (a
    /// row through the `Any` driver is a hand-off between threads; ten
    /// thousand of them were most of the week's time — BENCHMARKS.md), on
    /// PostgreSQL rows. `ordered`: the reader needs them in `order` (else
    /// they come as read, unsorted).
    async fn listed(
        &self,
        scope: &Scope,
        columns: &str,
        from: &str,
        order: &[&str],
        ordered: bool,
        binds: Vec<String>,
    ) -> Result<Listed> {
        let e = self.dialect;
        let mut b = QueryBuilder::numbered(String::new(), binds.len());
        let [cond] = scope.and_filters(&mut b, ["x0"]);
        let from = from.replace("{cond}", &cond);
        b.push(&match e {
            crate::Dialect::Sqlite if ordered => {
                format!("SELECT {} AS j", e.json_page(columns, &from, order, ""))
            }
            crate::Dialect::Sqlite => {
                format!("SELECT CAST(json_group_array(json_array({columns})) AS TEXT) AS j {from}")
            }
            crate::Dialect::Postgres if ordered => {
                format!("SELECT {columns} {from} ORDER BY {}", order.join(", "))
            }
            crate::Dialect::Postgres => format!("SELECT {columns} {from}"),
        });
        let mut q = sqlx::query(b.sql());
        for v in &binds {
            q = q.bind(v.as_str());
        }
        let q = b.bind_onto(q);
        Ok(match e {
            crate::Dialect::Sqlite => Listed::Json(q.fetch_one(&self.read).await?.try_get("j")?),
            crate::Dialect::Postgres => Listed::Rows(q.fetch_all(&self.read).await?),
        })
    }

    /// Every commune of the country (see [`CommunesCache`]): one small read
    /// of the units' version, and the communes again only when it moved.
    async fn all_communes(&self) -> Result<std::sync::Arc<Vec<CommuneRow>>> {
        let version: i64 = sqlx::query_scalar("SELECT n FROM units_version WHERE id = 1")
            .fetch_one(&self.read)
            .await?;
        if let Some((v, rows)) = &*self.communes.0.lock().unwrap_or_else(|e| e.into_inner())
            && *v == version
        {
            return Ok(rows.clone());
        }
        let rows: Vec<CommuneRow> = self
            .listed(
                &Scope::national(),
                "x0.code, x0.name, x0.province_code, COALESCE(x0.district_code, ''), COALESCE(d.name, ''), x0.population",
                "FROM units x0 LEFT JOIN units d ON d.code = x0.district_code WHERE x0.level = 'commune'{cond}",
                &["x0.district_code", "x0.code"],
                true,
                Vec::new(),
            )
            .await?
            .decode()?;
        // Read after the version: a write between the two leaves a newer
        // list under the older version, read again next time.
        let rows = std::sync::Arc::new(rows);
        *self.communes.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((version, rows.clone()));
        Ok(rows)
    }

    /// The week holding `day`: every commune of the scope with its proposal
    /// and, where published, its level.
    pub async fn week_levels(&self, scope: &Scope, day: NaiveDate) -> Result<WeekLevels> {
        // Levels are a commune's: a hamlet's week is its commune's.
        let commune_scope;
        let scope = match scope.root() {
            Some(root) if root.level() == UnitLevel::Hamlet => {
                let hamlet = self.unit(root.as_str()).await?;
                let commune = hamlet.commune_code.ok_or_else(|| {
                    StoreError::Data(format!("hamlet {} has no commune", hamlet.code))
                })?;
                commune_scope = Scope::unit(
                    phongdich_domain::UnitCode::parse(&commune).map_err(Invalid::from)?,
                );
                &commune_scope
            }
            _ => scope,
        };
        let week = week_of(day);
        let last = week + chrono::Days::new(6);
        let previous_week = week - chrono::Days::new(7);
        // Independent reads, on as many pooled connections at once.
        // The communes, with their districts' names: the country's from
        // memory while `units` is unchanged, those of the scope kept.
        let communes = async {
            let all = self.all_communes().await?;
            Ok::<_, StoreError>(
                all.iter()
                    .filter(|c| scope.contains_codes(&c.2, &c.3, &c.0))
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        };
        // C1: the week's community cases by commune (the rapid report's
        // definition), as the triggers on `cases` keep them
        // (`community_case_weeks`, migration 33).
        let cases = self.listed(
            scope,
            "x0.commune_code, x0.community",
            "FROM community_case_weeks x0 WHERE x0.week_start = $1 AND x0.community <> 0{cond}",
            &["x0.commune_code"],
            false,
            vec![week.to_string()],
        );
        // C2, C3: each commune's latest coverage as of the week's last day
        // (in day order: the last one read is the latest).
        // Unordered (a sort of every entry was most of this read): each
        // row's day and id say which is the latest.
        let coverage = self.listed(
            scope,
            "x0.unit_code, x0.as_of, x0.id, x0.adult_one_dose, x0.elderly_full, x0.capacity_met",
            "FROM commune_coverage x0 WHERE x0.as_of <= $1{cond}",
            &["x0.unit_code", "x0.as_of", "x0.id"],
            false,
            vec![last.to_string()],
        );
        // Published levels of this week and the one before.
        let published = self.listed(
            scope,
            "x0.unit_code, x0.week_start, x0.level, x0.reason",
            "FROM epidemic_levels x0 WHERE x0.week_start IN ($1, $2){cond}",
            &["x0.unit_code", "x0.week_start"],
            false,
            vec![week.to_string(), previous_week.to_string()],
        );
        // C3 from the records where not entered: oxygen kept by each commune
        // (not retired) registered before the week's end.
        let oxygen = async {
            let (_, end) = crate::response::responses_window(last, last);
            let mut b = QueryBuilder::numbered(
                "SELECT o.commune_code, COUNT(*) AS n FROM oxygen_equipment o \
                 WHERE o.status <> 'retired' AND o.commune_code IS NOT NULL AND o.created_at < $1",
                1,
            );
            scope.push_filter(&mut b, "o");
            b.push(" GROUP BY o.commune_code");
            let mut oxygen: HashMap<String, i64> = HashMap::new();
            for r in b
                .bind_onto(sqlx::query(b.sql()).bind(end))
                .fetch_all(&self.read)
                .await?
            {
                oxygen.insert(r.try_get("commune_code")?, r.try_get("n")?);
            }
            Ok::<_, StoreError>(oxygen)
        };
        let (communes, cases, coverage, published, oxygen) =
            tokio::try_join!(communes, cases, coverage, published, oxygen)?;
        let cases: HashMap<String, i64> = cases.decode::<(String, i64)>()?.into_iter().collect();
        // Each figure's latest entry (an entry may give the capacity alone:
        // the coverage entered before it still holds).
        type Entry = (String, String, i64, Option<f64>, Option<f64>, Option<i64>);
        // A figure with the (day, id) of the entry that gave it.
        type Given = Option<((u32, i64), Option<f64>)>;
        let mut latest: HashMap<String, [Given; 3]> = HashMap::new();
        for (unit, as_of, id, a, e, c) in coverage.decode::<Entry>()? {
            // yyyy-mm-dd as yyyymmdd: ordered as the text, without a copy.
            let day = as_of
                .bytes()
                .filter(u8::is_ascii_digit)
                .try_fold(0u32, |n, d| {
                    n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
                })
                .filter(|_| as_of.len() == 10)
                .ok_or_else(|| StoreError::Data(format!("coverage {id}: a day “{as_of}”")))?;
            let k = latest.entry(unit).or_default();
            for (slot, v) in k.iter_mut().zip([a, e, c.map(|c| c as f64)]) {
                if v.is_some() && slot.is_none_or(|(at, _)| (day, id) > at) {
                    *slot = Some(((day, id), v));
                }
            }
        }
        let coverage: HashMap<String, Coverage> = latest
            .into_iter()
            .map(|(unit, [a, e, c])| {
                let v = |f: Given| f.and_then(|f| f.1);
                (unit, (v(a), v(e), v(c).map(|c| c as i64)))
            })
            .collect();
        // This week's and last week's, apart (no date formatted per commune).
        let this_week = week.to_string();
        let mut published_now: HashMap<String, (i64, Option<String>)> = HashMap::new();
        let mut published_before: HashMap<String, i64> = HashMap::new();
        for (unit, week_start, level, reason) in
            published.decode::<(String, String, i64, Option<String>)>()?
        {
            if week_start == this_week {
                published_now.insert(unit, (level, reason));
            } else {
                published_before.insert(unit, level);
            }
        }
        let rules = self.level_rules().await?;
        let mut out = Vec::with_capacity(communes.len());
        let mut counts = [0i64; 4];
        // Each commune's criteria, for the areas they make up.
        let mut criteria: Vec<Criteria> = Vec::with_capacity(communes.len());
        for (code, name, province, district_code, district_name, population) in communes {
            let Some(rule) = rules_on(&rules, &province, last) else {
                return Err(Invalid(vec![FieldError::new(
                    "week",
                    "before_rules",
                    "Cấp độ dịch được đánh giá từ ngày 12/10/2021 (Quyết định 4800/QĐ-BYT).",
                    "Epidemic levels are assessed from 12/10/2021 (Decision 4800/QĐ-BYT).",
                )])
                .into());
            };
            let n = cases.get(&code).copied().unwrap_or(0);
            let (adult, elderly, capacity) =
                coverage.get(&code).copied().unwrap_or((None, None, None));
            let previous = published_before.get(&code).copied();
            let these = Criteria {
                cases: n,
                population,
                adult_one_dose: adult,
                elderly_full: elderly,
                capacity_met: capacity.map(|c| c == 1),
                oxygen_units: oxygen.get(&code).copied(),
                previous: previous.and_then(|p| u8::try_from(p).ok()),
            };
            criteria.push(these);
            let proposed = assess(rule, &these);
            let this = published_now.get(&code);
            if let Some((level, _)) = this
                && (1..=4).contains(level)
            {
                counts[(*level - 1) as usize] += 1;
            }
            out.push(CommuneLevel {
                unit_code: code,
                unit_name: name,
                province_code: province,
                district_code,
                district_name,
                cases: n,
                population,
                rule_code: rule.code.clone(),
                proposed,
                published: this.map(|p| p.0),
                reason: this.and_then(|p| p.1.clone()),
                previous,
            });
        }
        let areas = self
            .area_levels(scope, &out, &criteria, &rules, last)
            .await?;
        Ok(WeekLevels {
            week_start: week,
            communes: out,
            published_counts: counts,
            areas,
        })
    }

    /// The districts and provinces wholly within `scope` (none for a
    /// commune's), each assessed from its communes' criteria.
    async fn area_levels(
        &self,
        scope: &Scope,
        communes: &[CommuneLevel],
        criteria: &[Criteria],
        rules: &[LevelRules],
        last: NaiveDate,
    ) -> Result<Vec<AreaLevel>> {
        let root_level = scope.root().map(|r| r.level());
        let (districts, provinces) = match root_level {
            None | Some(UnitLevel::National) => (true, true),
            Some(UnitLevel::Province) => (true, true),
            Some(UnitLevel::District) => (true, false),
            _ => (false, false),
        };
        // (code, level) → indices of its communes, in first-seen order.
        let mut groups: Vec<((String, &'static str), Vec<usize>)> = Vec::new();
        let mut at: HashMap<(String, &'static str), usize> = HashMap::new();
        for (i, c) in communes.iter().enumerate() {
            let mut keys = Vec::new();
            if provinces {
                keys.push((c.province_code.clone(), "province"));
            }
            if districts {
                keys.push((c.district_code.clone(), "district"));
            }
            for k in keys {
                let g = *at.entry(k.clone()).or_insert_with(|| {
                    groups.push((k, Vec::new()));
                    groups.len() - 1
                });
                groups[g].1.push(i);
            }
        }
        // Names: a district's from its communes, the provinces' in one read.
        let province_names: HashMap<String, String> = if provinces && !groups.is_empty() {
            sqlx::query_as("SELECT code, name FROM units WHERE level = 'province'")
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .collect()
        } else {
            HashMap::new()
        };
        let mut out = Vec::with_capacity(groups.len());
        for ((code, level), members) in groups {
            let first = &communes[members[0]];
            let name = if level == "district" {
                first.district_name.clone()
            } else {
                province_names
                    .get(&code)
                    .cloned()
                    .ok_or_else(|| StoreError::Data(format!("no province {code}")))?
            };
            let Some(rule) = rules_on(rules, &first.province_code, last) else {
                continue;
            };
            let parts: Vec<Criteria> = members.iter().map(|i| criteria[*i]).collect();
            let mut by_level = [0i64; 4];
            for i in &members {
                let c = &communes[*i];
                if let Some(v @ 1..=4) = c.published.or(c.proposed.level.map(i64::from)) {
                    by_level[(v - 1) as usize] += 1;
                }
            }
            let with_population = parts.iter().filter(|c| c.population.is_some_and(|p| p > 0));
            let without_coverage = with_population
                .clone()
                .filter(|c| c.adult_one_dose.is_none() || c.elderly_full.is_none())
                .count() as i64;
            let total = with_population.count() as i64;
            let mut assessment = assess(rule, &area_criteria(&parts));
            if without_coverage > 0 && without_coverage < total {
                // Not "no coverage entered" for the area: some communes have it.
                assessment.basis.without_coverage = Some((without_coverage, total));
            }
            out.push(AreaLevel {
                unit_code: code,
                unit_name: name,
                unit_level: level.to_owned(),
                communes: members.len() as i64,
                without_population: parts
                    .iter()
                    .filter(|c| c.population.is_none_or(|p| p <= 0))
                    .count() as i64,
                communes_by_level: by_level,
                without_coverage,
                assessment,
            });
        }
        // Provinces first, then districts, each by code.
        out.sort_by(|a, b| {
            b.unit_level
                .cmp(&a.unit_level)
                .then(a.unit_code.cmp(&b.unit_code))
        });
        Ok(out)
    }

    /// Publish the week's levels of the scope's communes not yet published:
    /// the proposals, except where the committee sets another level — with a
    /// reason, else refused (all of it). A commune without a proposal (no
    /// population) needs a level set with its reason. Returns how many.
    pub async fn publish_levels(
        &self,
        actor: &Actor,
        day: NaiveDate,
        overrides: &[LevelOverride],
    ) -> Result<usize> {
        actor.require(Permission::Zones)?;
        let w = self.week_levels(&actor.scope, day).await?;
        if w.week_start > week_of(self.today()) {
            return Err(Invalid(vec![FieldError::new(
                "week",
                "future",
                "Chỉ công bố cấp độ của tuần này hoặc tuần đã qua.",
                "Only this week's or a past week's levels are published.",
            )])
            .into());
        }
        let mut errors = Vec::new();
        let by_code: HashMap<&str, &CommuneLevel> = w
            .communes
            .iter()
            .map(|c| (c.unit_code.as_str(), c))
            .collect();
        let mut set: HashMap<&str, (i64, String)> = HashMap::new();
        for (i, o) in overrides.iter().enumerate() {
            let field = format!("overrides[{i}]");
            if overrides[..i]
                .iter()
                .any(|p| p.unit_code.trim() == o.unit_code.trim())
            {
                errors.push(FieldError::new(
                    field,
                    "duplicate",
                    format!("«{}» có hai dòng; mỗi xã một dòng.", o.unit_code.trim()),
                    format!("“{}” has two lines; one a commune.", o.unit_code.trim()),
                ));
                continue;
            }
            let Some(c) = by_code.get(o.unit_code.trim()) else {
                errors.push(FieldError::new(
                    field,
                    "not_found",
                    format!(
                        "Không có xã/phường «{}» trong phạm vi của bạn.",
                        o.unit_code.trim()
                    ),
                    format!(
                        "No commune “{}” within your jurisdiction.",
                        o.unit_code.trim()
                    ),
                ));
                continue;
            };
            if !(1..=4).contains(&o.level) {
                errors.push(FieldError::new(
                    field,
                    "invalid",
                    format!("{}: cấp độ từ 1 đến 4.", c.unit_name),
                    format!("{}: a level is 1 to 4.", c.unit_name),
                ));
                continue;
            }
            let reason = phongdich_domain::text::clean(&o.reason);
            let differs = c.proposed.level.map(i64::from) != Some(o.level);
            if differs && reason.is_empty() {
                errors.push(FieldError::new(
                    field,
                    "reason_required",
                    format!(
                        "{}: cấp {} khác cấp đề xuất ({}); cần ghi lý do.",
                        c.unit_name,
                        o.level,
                        c.proposed
                            .level
                            .map(|l| l.to_string())
                            .unwrap_or_else(|| "—".into())
                    ),
                    format!(
                        "{}: level {} differs from the proposal ({}); a reason is needed.",
                        c.unit_name,
                        o.level,
                        c.proposed
                            .level
                            .map(|l| l.to_string())
                            .unwrap_or_else(|| "—".into())
                    ),
                ));
                continue;
            }
            if c.published.is_some() {
                errors.push(FieldError::new(
                    field,
                    "published",
                    format!("{}: cấp độ tuần này đã được công bố.", c.unit_name),
                    format!("{}: this week's level was already published.", c.unit_name),
                ));
                continue;
            }
            set.insert(c.unit_code.as_str(), (o.level, reason));
        }
        let pending: Vec<&CommuneLevel> = w
            .communes
            .iter()
            .filter(|c| c.published.is_none())
            .collect();
        for c in &pending {
            if c.proposed.level.is_none() && !set.contains_key(c.unit_code.as_str()) {
                errors.push(FieldError::new(
                    "overrides",
                    "no_proposal",
                    format!(
                        "{}: chưa có dân số nên chưa có cấp đề xuất; hãy nhập dân số hoặc ghi cấp độ kèm lý do.",
                        c.unit_name
                    ),
                    format!(
                        "{}: no population, so no proposal; enter the population or set a level with a reason.",
                        c.unit_name
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        if pending.is_empty() {
            return Err(StoreError::conflict(
                "Cấp độ tuần này của mọi xã/phường đã được công bố.",
                "This week's levels of every commune were already published.",
            ));
        }
        let units: HashMap<String, Unit> = {
            let mut m = HashMap::new();
            let codes: Vec<&str> = pending.iter().map(|c| c.unit_code.as_str()).collect();
            for chunk in codes.chunks(500) {
                let mut b = QueryBuilder::numbered(
                    format!(
                        "SELECT {} FROM units WHERE code IN (",
                        crate::units::UNIT_COLUMNS
                    ),
                    0,
                );
                b.push_list(chunk.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>());
                b.push(")");
                for r in b.query().fetch_all(&self.read).await? {
                    let u = crate::units::unit_from_row(&r)?;
                    m.insert(u.code.clone(), u);
                }
            }
            m
        };
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        let mut changed = Vec::new();
        for c in &pending {
            let (level, reason) = match set.get(c.unit_code.as_str()) {
                Some((l, r)) => (*l, Some(r.clone()).filter(|r| !r.is_empty())),
                None => (i64::from(c.proposed.level.unwrap_or(0)), None),
            };
            let u = units
                .get(&c.unit_code)
                .ok_or_else(|| StoreError::Data(format!("unit {}", c.unit_code)))?;
            let inserted = sqlx::query(
                "INSERT INTO epidemic_levels (week_start, unit_code, province_code, district_code, commune_code, \
                 rule_code, cases, population, c1_rate, c2_met, c3_met, proposed, level, reason, why_vi, why_en, \
                 published_by, published_at) VALUES ($1, $2, $3, $4, $2, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
                 ON CONFLICT (unit_code, week_start) DO NOTHING",
            )
            .bind(w.week_start.to_string())
            .bind(c.unit_code.as_str())
            .bind(u.province_code.as_str())
            .bind(u.district_code.as_deref())
            .bind(c.rule_code.as_str())
            .bind(c.cases)
            .bind(c.population)
            .bind(c.proposed.c1_rate)
            .bind(i64::from(c.proposed.c2_met))
            .bind(c.proposed.c3_met.map(i64::from))
            .bind(c.proposed.level.map(i64::from))
            .bind(level)
            .bind(reason.as_deref())
            .bind(c.proposed.why_vi())
            .bind(c.proposed.why_en())
            .bind(actor.name.as_str())
            .bind(stamp.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted != 1 {
                return Err(StoreError::conflict(
                    format!(
                        "{}: vừa có người khác công bố cấp độ tuần này; hãy tải lại trang.",
                        c.unit_name
                    ),
                    format!(
                        "{}: someone else just published this week's level; reload the page.",
                        c.unit_name
                    ),
                ));
            }
            if reason.is_some() {
                changed.push(serde_json::json!({
                    "unit_code": c.unit_code, "proposed": c.proposed.level, "level": level, "reason": reason
                }));
            }
        }
        let root = actor.scope.root().map(|r| r.as_str().to_owned());
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "publish",
            "epidemic_levels",
            &w.week_start.to_string(),
            root.as_deref(),
            None::<&()>,
            Some(&serde_json::json!({
                "week_start": w.week_start, "communes": pending.len(), "set_by_committee": changed
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(pending.len())
    }
}
