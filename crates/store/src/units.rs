//! Administrative units: the official 2021 tree loaded by migration, hamlets
//! users add under communes, population, tree queries and folded name search.

use crate::sql::QueryBuilder;
use crate::{Actor, Dialect, Result, Scope, Store, StoreError, audit};
use phongdich_domain::{FieldError, Invalid, UnitCode, UnitLevel, text};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;

pub(crate) type BoxFut<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

const UNITS_2021: &str = include_str!("../../../data/vn_admin_units_2021.csv");
pub(crate) const TREE_2021: &str = "vn2021";

/// The condition on `units` selecting every unit under a unit of `level`
/// (its code bound as `$1`; the unit itself left out): one indexed equality
/// on the denormalised column of its level, or the whole tree under the
/// national unit. None for a hamlet (nothing under it).
pub(crate) fn under_condition(level: UnitLevel) -> Option<&'static str> {
    match level {
        UnitLevel::National => Some("code <> $1"),
        UnitLevel::Province => Some("province_code = $1 AND code <> $1"),
        UnitLevel::District => Some("district_code = $1 AND code <> $1"),
        UnitLevel::Commune => Some("commune_code = $1 AND code <> $1"),
        UnitLevel::Hamlet => None,
    }
}

/// The column naming, for a record or unit under a unit of `level`, the unit
/// one level below it that it lies in; none under a commune (hamlets keep
/// no records of their own).
pub(crate) fn child_column(level: UnitLevel) -> Option<&'static str> {
    match level {
        UnitLevel::National => Some("province_code"),
        UnitLevel::Province => Some("district_code"),
        UnitLevel::District => Some("commune_code"),
        UnitLevel::Commune | UnitLevel::Hamlet => None,
    }
}

/// One unit of the tree, with its ancestry spelled out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub code: String,
    pub level: UnitLevel,
    pub name: String,
    /// `tỉnh`, `thành phố trung ương`, `quận`, `huyện`, `xã`, `phường`, `thôn`, …
    pub kind: String,
    pub parent_code: Option<String>,
    pub province_code: String,
    pub district_code: Option<String>,
    pub commune_code: Option<String>,
    pub tree: String,
    pub population: Option<i64>,
    pub population_as_of: Option<String>,
}

impl Unit {
    /// This unit's code and its ancestors' codes, nearest first.
    pub fn lineage(&self) -> impl Iterator<Item = &str> {
        let above = [
            self.commune_code.as_ref(),
            self.district_code.as_ref(),
            Some(&self.province_code),
        ];
        std::iter::once(self.code.as_str()).chain(
            above
                .into_iter()
                .flatten()
                .map(String::as_str)
                .filter(move |c| *c != self.code),
        )
    }
}

pub(crate) const UNIT_COLUMNS: &str = "code, level, name, kind, parent_code, province_code, \
    district_code, commune_code, tree, population, population_as_of";

pub(crate) fn unit_from_row(r: &AnyRow) -> Result<Unit> {
    let level: String = r.try_get("level")?;
    Ok(Unit {
        code: r.try_get("code")?,
        level: UnitLevel::parse(&level)
            .ok_or_else(|| StoreError::Data(format!("unit level {level}")))?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        parent_code: r.try_get("parent_code")?,
        province_code: r.try_get("province_code")?,
        district_code: r.try_get("district_code")?,
        commune_code: r.try_get("commune_code")?,
        tree: r.try_get("tree")?,
        population: r.try_get("population")?,
        population_as_of: r.try_get("population_as_of")?,
    })
}

/// A hamlet or residential group to add under a commune.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct NewHamlet {
    pub commune_code: String,
    pub name: String,
    /// `thôn`, `ấp`, `bản`, `tổ dân phố`, `khu phố`, …; `thôn` when empty.
    #[serde(default)]
    pub kind: String,
}

/// One row of a population file: unit code and head count.
#[derive(Debug, Clone)]
pub struct PopulationRow {
    pub line: u64,
    pub code: String,
    pub population: String,
}

struct UnitRow {
    code: String,
    level: UnitLevel,
    parent: Option<String>,
    province: String,
    district: Option<String>,
    commune: Option<String>,
    name: String,
    kind: String,
}

/// Migration step: the official list of February 2021, one row per commune.
pub(crate) fn load_units_2021<'a>(
    tx: &'a mut Transaction<'static, Any>,
    engine: Dialect,
) -> BoxFut<'a> {
    Box::pin(async move {
        let mut rows: BTreeMap<String, UnitRow> = BTreeMap::new();
        let mut reader = csv::Reader::from_reader(UNITS_2021.as_bytes());
        for record in reader.records() {
            let r = record.map_err(|e| StoreError::Data(e.to_string()))?;
            let num = |i: usize| -> Result<u32> {
                r[i].parse()
                    .map_err(|_| StoreError::Data(format!("unit code {:?}", &r[i])))
            };
            let p = UnitCode::national(UnitLevel::Province, num(0)?).to_string();
            let d = UnitCode::national(UnitLevel::District, num(3)?).to_string();
            rows.entry(p.clone()).or_insert_with(|| UnitRow {
                code: p.clone(),
                level: UnitLevel::Province,
                parent: None,
                province: p.clone(),
                district: None,
                commune: None,
                name: r[1].to_owned(),
                kind: r[2].to_owned(),
            });
            rows.entry(d.clone()).or_insert_with(|| UnitRow {
                code: d.clone(),
                level: UnitLevel::District,
                parent: Some(p.clone()),
                province: p.clone(),
                district: Some(d.clone()),
                commune: None,
                name: r[4].to_owned(),
                kind: r[5].to_owned(),
            });
            if !r[6].is_empty() {
                let c = UnitCode::national(UnitLevel::Commune, num(6)?).to_string();
                rows.insert(
                    c.clone(),
                    UnitRow {
                        code: c.clone(),
                        level: UnitLevel::Commune,
                        parent: Some(d.clone()),
                        province: p.clone(),
                        district: Some(d.clone()),
                        commune: Some(c),
                        name: r[7].to_owned(),
                        kind: r[8].to_owned(),
                    },
                );
            }
        }
        // Parents before children so the foreign key holds at every row.
        let mut ordered: Vec<UnitRow> = rows.into_values().collect();
        ordered.sort_by_key(|u| u.level);
        // Recorded when the migration runs: the system's time (a migration
        // step has no store, hence no clock handed in).
        let created = phongdich_domain::Clock::system().stamp();
        for chunk in ordered.chunks(400) {
            // `?` on SQLite, `$N` on PostgreSQL (see `sql::placeholders`).
            let sql = format!(
                "INSERT INTO units (code, level, parent_code, province_code, district_code, \
                 commune_code, name, kind, name_folded, tree, created_at) VALUES {}",
                crate::sql::placeholders(
                    engine,
                    chunk.len(),
                    9,
                    &format!(",'{TREE_2021}','{created}'")
                )
            );
            let mut q = sqlx::query(&sql);
            for u in chunk {
                q = q
                    .bind(u.code.clone())
                    .bind(u.level.as_str())
                    .bind(u.parent.clone())
                    .bind(u.province.clone())
                    .bind(u.district.clone())
                    .bind(u.commune.clone())
                    .bind(u.name.clone())
                    .bind(u.kind.clone())
                    .bind(text::fold(&u.name));
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    })
}

impl Store {
    /// The part of `scope` under one of its units: a list narrowed to a
    /// province, district or commune inside the reader's jurisdiction (its
    /// own unit included). The narrower scope is passed to the usual
    /// readers, so the store goes on restricting every query by it. A unit
    /// outside the scope reads as not found, like any record outside; a
    /// malformed code or a hamlet (the lists keep no hamlet column) is
    /// refused naming the `unit` field.
    pub async fn scope_within(&self, scope: &Scope, code: &str) -> Result<(Scope, Unit)> {
        let parsed = UnitCode::parse(code).map_err(|mut e| {
            e.field = "unit".into();
            Invalid(vec![e])
        })?;
        let unit = self.unit(parsed.as_str()).await?;
        if !scope.contains(&unit) {
            return Err(StoreError::not_found(
                crate::error::Entity::Unit,
                &unit.code,
            ));
        }
        if unit.level == UnitLevel::Hamlet {
            return Err(Invalid(vec![FieldError::new(
                "unit",
                "hamlet_not_listed",
                format!(
                    "Danh sách chỉ lọc theo tỉnh, huyện hoặc xã; «{}» là thôn, tổ dân phố.",
                    unit.code
                ),
                format!(
                    "Lists narrow to a province, district or commune; “{}” is a hamlet.",
                    unit.code
                ),
            )])
            .into());
        }
        Ok((Scope::unit(parsed), unit))
    }

    /// One unit by code (padded or not).
    pub async fn unit(&self, code: &str) -> Result<Unit> {
        unit_on(&mut *self.read.acquire().await?, code).await
    }

    /// The names of units (and hamlets) by code, for pages that show names
    /// where rows hold codes. The official tree and the hamlets are not
    /// secret, so no scope applies; a code that is not a unit is absent
    /// from the map (the page then shows the code).
    pub async fn unit_names(&self, codes: &[&str]) -> Result<HashMap<String, String>> {
        let mut wanted: Vec<&str> = codes.iter().copied().filter(|c| !c.is_empty()).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(500) {
            let list = (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT code, name FROM units WHERE code IN ({list})");
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q.bind(*c);
            }
            for r in q.fetch_all(&self.read).await? {
                out.insert(r.try_get("code")?, r.try_get("name")?);
            }
        }
        Ok(out)
    }

    /// The communes within a scope, by code, when there are at most `limit`
    /// (a province has a few hundred; the country 10,603, too many to list):
    /// `None` above it.
    pub async fn communes_within(&self, scope: &Scope, limit: i64) -> Result<Option<Vec<Unit>>> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units u WHERE u.level = 'commune'");
        let mut b = QueryBuilder::numbered(sql, 0);
        scope.push_filter(&mut b, "u");
        b.push(&format!(" ORDER BY u.code LIMIT {}", limit + 1));
        let units: Vec<Unit> = b
            .bind_onto(sqlx::query(b.sql()))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(unit_from_row)
            .collect::<Result<_>>()?;
        Ok((units.len() as i64 <= limit).then_some(units))
    }

    /// The top units of a scope: all provinces nationally, else the scope's root.
    pub async fn root_units(&self, scope: &Scope) -> Result<Vec<Unit>> {
        match scope.root() {
            Some(code) => Ok(vec![self.unit(code.as_str()).await?]),
            None => {
                let sql = format!(
                    "SELECT {UNIT_COLUMNS} FROM units WHERE level = 'province' ORDER BY code"
                );
                self.units_query(&sql, &[]).await
            }
        }
    }

    /// Direct children of a unit, by code.
    pub async fn children(&self, code: &str) -> Result<Vec<Unit>> {
        let parent = self.unit(code).await?;
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE parent_code = $1 ORDER BY code");
        self.units_query(&sql, &[parent.code]).await
    }

    /// Ancestors from the province down to the parent.
    pub async fn ancestors(&self, code: &str) -> Result<Vec<Unit>> {
        let unit = self.unit(code).await?;
        let mut out = Vec::new();
        for c in unit.lineage().skip(1).collect::<Vec<_>>().into_iter().rev() {
            out.push(self.unit(c).await?);
        }
        Ok(out)
    }

    /// Every unit under a unit (not the unit itself), parents before children.
    pub async fn descendants(&self, code: &str) -> Result<Vec<Unit>> {
        let unit = self.unit(code).await?;
        let Some(under) = under_condition(unit.level) else {
            return Ok(Vec::new());
        };
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE {under} ORDER BY code");
        let mut units = self.units_query(&sql, &[unit.code]).await?;
        units.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.code.cmp(&b.code)));
        Ok(units)
    }

    /// Each unit under `unit` (the unit itself left out) with the unit one
    /// level below `unit` it lies in: the holder of its records in `unit`'s
    /// report. Codes only — the whole country is some 11,000 units.
    pub(crate) async fn holders_below(&self, unit: &Unit) -> Result<HashMap<String, String>> {
        let (Some(under), Some(child)) = (under_condition(unit.level), child_column(unit.level))
        else {
            return Ok(HashMap::new());
        };
        let sql = format!(
            "SELECT code, {child} AS holder FROM units WHERE {under} AND {child} IS NOT NULL"
        );
        let rows: Vec<(String, String)> = sqlx::query_as(&sql)
            .bind(unit.code.as_str())
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// Units whose folded name contains every folded word of the query, in any
    /// order; exact names first, then higher levels. Limited to a scope.
    pub async fn search_units(&self, query: &str, scope: &Scope, limit: i64) -> Result<Vec<Unit>> {
        let words = text::tokens(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = format!("SELECT {UNIT_COLUMNS} FROM units u WHERE 1 = 1");
        let mut params = Vec::new();
        for w in &words {
            params.push(format!("% {w}%"));
            sql.push_str(&format!(
                " AND (' ' || u.name_folded) LIKE ${}",
                params.len()
            ));
        }
        let mut b = QueryBuilder::numbered(sql, params.len());
        scope.push_filter(&mut b, "u");
        let n = b.mark_shared(words.join(" "));
        b.push(&format!(
            " ORDER BY CASE WHEN u.name_folded = {n} OR u.name_folded LIKE '% ' || {n} THEN 0 ELSE 1 END, \
             CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 WHEN 'commune' THEN 2 ELSE 3 END, u.code LIMIT {limit}"
        ));
        let mut q = sqlx::query(b.sql());
        for p in &params {
            q = q.bind(p.as_str());
        }
        b.bind_onto(q)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(unit_from_row)
            .collect()
    }

    /// The whole tree, parents before children (for export).
    pub async fn all_units(&self) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units ORDER BY CASE WHEN level = 'national' THEN 0 ELSE 1 END, \
             province_code, COALESCE(district_code, ''), COALESCE(commune_code, ''), code"
        );
        self.units_query(&sql, &[]).await
    }

    async fn units_query(&self, sql: &str, params: &[String]) -> Result<Vec<Unit>> {
        let mut q = sqlx::query(sql);
        for p in params {
            q = q.bind(p.as_str());
        }
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(unit_from_row)
            .collect()
    }

    /// Add a hamlet / residential group under a commune within the actor's scope.
    pub async fn add_hamlet(&self, actor: &Actor, input: &NewHamlet) -> Result<Unit> {
        actor.require(phongdich_domain::Permission::EditUnits)?;
        let commune_code = UnitCode::parse_at(&input.commune_code, Some(UnitLevel::Commune))
            .map_err(Invalid::from)?;
        let name = text::clean(&input.name);
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Invalid::from(FieldError::new(
                "name",
                "invalid_name",
                "Tên thôn/tổ dân phố phải có từ 1 đến 100 ký tự.",
                "Hamlet name must have 1 to 100 characters.",
            ))
            .into());
        }
        let kind = match text::clean(&input.kind) {
            k if k.is_empty() => "thôn".to_owned(),
            k => k.to_lowercase(),
        };
        let commune = self.unit(commune_code.as_str()).await?;
        if commune.level != UnitLevel::Commune || !actor.scope.contains(&commune) {
            return Err(StoreError::not_found(
                crate::error::Entity::Unit,
                commune_code,
            ));
        }
        let mut tx = self.write.begin().await?;
        let existing: Vec<(String, String)> =
            sqlx::query_as("SELECT code, name_folded FROM units WHERE parent_code = $1")
                .bind(commune.code.as_str())
                .fetch_all(&mut *tx)
                .await?;
        let folded = text::fold(&name);
        if existing.iter().any(|(_, f)| *f == folded) {
            return Err(StoreError::conflict(
                format!("Xã đã có thôn/tổ dân phố tên «{name}»."),
                format!("The commune already has a hamlet named “{name}”."),
            ));
        }
        let seq = existing
            .iter()
            .filter_map(|(c, _)| c.rsplit('-').next()?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        if seq > 999 {
            return Err(StoreError::conflict(
                "Xã đã có 999 thôn/tổ.",
                "The commune already has 999 hamlets.",
            ));
        }
        let code = UnitCode::hamlet(&commune_code, seq);
        sqlx::query(
            "INSERT INTO units (code, level, parent_code, province_code, district_code, commune_code, \
             name, kind, name_folded, tree, created_at) VALUES ($1, 'hamlet', $2, $3, $4, $2, $5, $6, $7, $8, $9)",
        )
        .bind(code.as_str())
        .bind(commune.code.as_str())
        .bind(commune.province_code.as_str())
        .bind(commune.district_code.clone())
        .bind(name.as_str())
        .bind(kind.as_str())
        .bind(folded.as_str())
        .bind(commune.tree.as_str())
        .bind(self.stamp())
        .execute(&mut *tx)
        .await?;
        let unit = Unit {
            code: code.to_string(),
            level: UnitLevel::Hamlet,
            name,
            kind,
            parent_code: Some(commune.code.clone()),
            province_code: commune.province_code.clone(),
            district_code: commune.district_code.clone(),
            commune_code: Some(commune.code.clone()),
            tree: commune.tree.clone(),
            population: None,
            population_as_of: None,
        };
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "unit",
            unit.code.as_str(),
            Some(&unit.code),
            None::<&()>,
            Some(&unit),
        )
        .await?;
        tx.commit().await?;
        Ok(unit)
    }

    /// Set population per unit from rows of a file, all or nothing: every bad
    /// row is reported with its line and nothing is written if any is bad.
    pub async fn import_population(
        &self,
        actor: &Actor,
        rows: &[PopulationRow],
        as_of: &str,
    ) -> Result<usize, (Vec<(u64, FieldError)>, Option<StoreError>)> {
        actor
            .require(phongdich_domain::Permission::EditUnits)
            .map_err(|e| (Vec::new(), Some(e)))?;
        let mut errors = Vec::new();
        let mut parsed = Vec::new();
        let known: HashMap<String, Unit> = self
            .all_units()
            .await
            .map_err(|e| (Vec::new(), Some(e)))?
            .into_iter()
            .map(|u| (u.code.clone(), u))
            .collect();
        for row in rows {
            let code = match UnitCode::parse(&row.code) {
                Ok(c)
                    if known
                        .get(c.as_str())
                        .is_some_and(|u| actor.scope.contains(u)) =>
                {
                    c
                }
                Ok(_) => {
                    errors.push((
                        row.line,
                        FieldError::new(
                            "code",
                            "unknown_unit",
                            format!("Không có đơn vị mã «{}» trong phạm vi của bạn.", row.code),
                            format!("No unit with code “{}” within your jurisdiction.", row.code),
                        ),
                    ));
                    continue;
                }
                Err(e) => {
                    errors.push((row.line, e));
                    continue;
                }
            };
            match row
                .population
                .trim()
                .replace(['.', ',', ' '], "")
                .parse::<i64>()
            {
                Ok(n) if (0..=50_000_000).contains(&n) => parsed.push((code, n)),
                _ => errors.push((
                    row.line,
                    FieldError::new(
                        "population",
                        "invalid_population",
                        format!(
                            "Dân số «{}» không hợp lệ: số nguyên từ 0 đến 50.000.000.",
                            row.population
                        ),
                        format!(
                            "Population “{}” is invalid: a whole number from 0 to 50,000,000.",
                            row.population
                        ),
                    ),
                )),
            }
        }
        if !errors.is_empty() {
            return Err((errors, None));
        }
        let write = async {
            let mut tx = self.write.begin().await?;
            for (code, n) in &parsed {
                sqlx::query(
                    "UPDATE units SET population = $1, population_as_of = $2 WHERE code = $3",
                )
                .bind(*n)
                .bind(as_of)
                .bind(code.as_str())
                .execute(&mut *tx)
                .await?;
            }
            let summary = serde_json::json!({ "units": parsed.len(), "as_of": as_of });
            audit::record(
                &self.clock,
                &mut tx,
                actor,
                "import",
                "population",
                as_of,
                actor.scope.root().map(UnitCode::as_str),
                None::<&()>,
                Some(&summary),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(parsed.len())
        };
        write.await.map_err(|e| (Vec::new(), Some(e)))
    }
}

/// One unit by code (padded or not), read on `conn`.
pub(crate) async fn unit_on(conn: &mut sqlx::AnyConnection, code: &str) -> Result<Unit> {
    let code = UnitCode::parse(code).map_err(Invalid::from)?;
    let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE code = $1");
    let row = sqlx::query(&sql)
        .bind(code.as_str())
        .fetch_optional(conn)
        .await?;
    match row {
        Some(r) => unit_from_row(&r),
        None => Err(StoreError::not_found(crate::error::Entity::Unit, code)),
    }
}
