//! The sources of a case ("infected by"), each a link of the chain: another
//! case, a cluster, a country (imported), or another province of Vietnam
//! (people coming home from an epidemic area: `Từ TP. Hồ Chí Minh`, with its
//! district in brackets: `Từ TP. Hồ Chí Minh (Quận 7)`). Typed as text —
//! `BN1, BN2`, `BN 1; Chợ Long Biên`, `BN3 và Anh` — every part must resolve, or the
//! whole write is refused with the part and the reason: nothing is stored
//! quietly as "under investigation". Links to cases are kept by record id, so
//! renumbering or a refused import row can never rewire them.
//!
//! Every source is a row of `case_sources` (migration 18): another case by
//! record id (never by code text), a cluster by id, a country (ISO alpha-2,
//! `XX` unknown), or another province of Vietnam (migration 21: kind
//! `other_province`, `origin_province_code` required, `origin_district_code`
//! optional — unit codes, never the case's own province; typed as
//! `origin_province`/`origin_district`, codes or names read by
//! `domain::unit::unit_reference`). "Infected by" text is split (`,` `;` `+`
//! `và`) and each part resolved: a national, record or province number, else a
//! cluster of the scope, else a province named (`Từ TP. Hồ Chí Minh (Quận 7)`,
//! `tỉnh Bình Dương`, `Ha Noi`), else a country (`domain::country`). A part
//! that looks like a case number and is not found is an unknown case, never a
//! cluster or a country; anything unresolved refuses the write with the value.
//! `cases.source_kind`/`source_ref` stay as the summary the figures count by
//! (imported if any source is a country, else `other_province` if any source is
//! another province).

use crate::{Result, Scope, Store, StoreError, Unit};
use phongdich_domain::unit::{UnitReference, unit_name_key, unit_reference};
use phongdich_domain::{FieldError, Invalid, UnitCode, UnitLevel, case_code, country};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// One resolved source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Another case, by record id, with the code it is shown by.
    Case { case_id: i64, code: String },
    /// A cluster (ổ dịch) of the reader's jurisdiction.
    Cluster { cluster_id: i64, name: String },
    /// Imported from a country (ISO 3166-1 alpha-2, `XX` unknown).
    Imported { country: String },
    /// Came from another province (and district) of Vietnam, by unit code
    /// with the names shown; never the case's own province.
    OtherProvince {
        province_code: String,
        province_name: String,
        district_code: Option<String>,
        district_name: Option<String>,
    },
}

impl Source {
    /// How the source is written back (codes, names, country codes).
    pub fn label(&self) -> String {
        match self {
            Source::Case { code, .. } => code.clone(),
            Source::Cluster { name, .. } => name.clone(),
            Source::Imported { country } => country.clone(),
            Source::OtherProvince {
                province_name,
                district_name,
                ..
            } => match district_name {
                Some(d) => format!("Từ {province_name} ({d})"),
                None => format!("Từ {province_name}"),
            },
        }
    }
}

/// Refuse an origin in the case's own province: that is no other province.
pub fn check_origin(sources: &[Source], own_province: &str) -> Result<()> {
    match sources.iter().find_map(|s| match s {
        Source::OtherProvince {
            province_code,
            province_name,
            ..
        } if province_code == own_province => Some(province_name),
        _ => None,
    }) {
        Some(name) => Err(StoreError::Invalid(Invalid(vec![FieldError::new(
            "origin_province",
            "own_province",
            format!("Nơi về «{name}» là tỉnh của chính ca bệnh, không phải tỉnh khác."),
            format!("The origin “{name}” is the case's own province, not another one."),
        )]))),
        None => Ok(()),
    }
}

/// A source as stored, with its day of exposure when known.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseSource {
    #[serde(flatten)]
    pub source: Source,
    pub exposure_on: Option<String>,
    /// The person of a source case (to link to), when the source is a case.
    pub source_person_id: Option<i64>,
}

/// `(source_kind, source_ref, import_country)`: the one-word summary the
/// figures count by (an imported case is imported whichever other sources it
/// has; else one from another province is `other_province`), the sources
/// written back, and the country of an imported case.
pub fn summary(sources: &[Source]) -> (String, Option<String>, Option<String>) {
    let country = sources.iter().find_map(|s| match s {
        Source::Imported { country } => Some(country.clone()),
        _ => None,
    });
    let kind = if country.is_some() {
        "imported"
    } else if sources
        .iter()
        .any(|s| matches!(s, Source::OtherProvince { .. }))
    {
        "other_province"
    } else if sources.iter().any(|s| matches!(s, Source::Case { .. })) {
        "case"
    } else if sources.iter().any(|s| matches!(s, Source::Cluster { .. })) {
        "cluster"
    } else {
        "investigating"
    };
    let text = sources.iter().map(Source::label).collect::<Vec<_>>();
    (
        kind.to_owned(),
        (!text.is_empty()).then(|| text.join(", ")),
        country,
    )
}

fn unresolved(value: &str) -> FieldError {
    FieldError::new(
        "infected_by",
        "unknown_source",
        format!(
            "Không tìm thấy nguồn lây «{value}»: không phải mã ca bệnh (BN…), ổ dịch hay quốc gia đã biết."
        ),
        format!(
            "Source “{value}” was not found: not a known case number (BN…), cluster or country."
        ),
    )
}

fn unknown_case(value: &str, code: &str) -> FieldError {
    FieldError::new(
        "infected_by",
        "unknown_case",
        format!("Nguồn lây «{value}»: chưa có ca bệnh {code}."),
        format!("Source “{value}”: there is no case {code}."),
    )
}

/// An origin that does not resolve: never a default.
fn unknown_origin(field: &str, value: &str, what_vi: &str, what_en: &str) -> FieldError {
    FieldError::new(
        field,
        "unknown_unit",
        format!("Không có {what_vi} «{value}» (ghi mã hoặc tên, có dấu hay không)."),
        format!(
            "There is no {what_en} “{value}” (give its code or name, with or without diacritics)."
        ),
    )
}

impl Store {
    /// The province a typed reference names: a code (`79`, `1`), or a name
    /// with or without diacritics and its title (`Từ TP. Hồ Chí Minh`,
    /// `tỉnh Bình Dương`, `Ha Noi`).
    pub async fn province_by_reference(&self, text: &str) -> Result<Option<Unit>> {
        Ok(match unit_reference(text) {
            None => None,
            Some(UnitReference::Code(c)) => {
                match UnitCode::parse_at(&c, Some(UnitLevel::Province)) {
                    Ok(code) if code.level() == UnitLevel::Province => {
                        self.unit(code.as_str()).await.ok()
                    }
                    _ => None,
                }
            }
            Some(UnitReference::Name(key)) => self
                .root_units(&Scope::national())
                .await?
                .into_iter()
                .find(|p| unit_name_key(&p.name) == key),
        })
    }

    /// A district of `province` named by code (`769`) or name (`Quận 7`,
    /// `huyen Nha Be`).
    pub async fn district_by_reference(&self, province: &Unit, text: &str) -> Result<Option<Unit>> {
        let districts = self.children(&province.code).await?;
        Ok(match unit_reference(text) {
            None => None,
            Some(UnitReference::Code(c)) => {
                let padded = format!("{:0>3}", c);
                districts.into_iter().find(|d| d.code == padded)
            }
            Some(UnitReference::Name(key)) => districts
                .into_iter()
                .find(|d| unit_name_key(&d.name) == key),
        })
    }

    /// The origin named by a province and an optional district, as typed
    /// (fields `origin_province`, `origin_district`): each must resolve, the
    /// district within the province.
    pub async fn resolve_origin(
        &self,
        province: &str,
        district: &str,
    ) -> Result<std::result::Result<Source, FieldError>> {
        if province.trim().is_empty() {
            return Ok(Err(FieldError::new(
                "origin_province",
                "required",
                "Cần tỉnh/thành phố nơi về (mã hoặc tên).",
                "Give the province of origin (code or name).",
            )));
        }
        let Some(p) = self.province_by_reference(province).await? else {
            return Ok(Err(unknown_origin(
                "origin_province",
                province.trim(),
                "tỉnh/thành phố",
                "province",
            )));
        };
        let d = if district.trim().is_empty() {
            None
        } else {
            match self.district_by_reference(&p, district).await? {
                Some(d) => Some(d),
                None => {
                    return Ok(Err(unknown_origin(
                        "origin_district",
                        &format!("{} ({})", district.trim(), p.name),
                        "quận/huyện",
                        "district",
                    )));
                }
            }
        };
        Ok(Ok(Source::OtherProvince {
            province_code: p.code,
            province_name: p.name,
            district_code: d.as_ref().map(|d| d.code.clone()),
            district_name: d.map(|d| d.name),
        }))
    }

    /// A part of an "infected by" text naming a province: `Từ X`, `tỉnh X`,
    /// `Thành phố X`, `TP. X` or a bare province name (not a code, which
    /// reads as a case number), with its district in brackets.
    async fn origin_in_text(&self, part: &str) -> Result<Option<Source>> {
        let (province, district) = match part
            .trim()
            .strip_suffix(')')
            .and_then(|p| p.split_once('('))
        {
            Some((p, d)) => (p.trim(), d.trim()),
            None => (part.trim(), ""),
        };
        if matches!(
            unit_reference(province),
            None | Some(UnitReference::Code(_))
        ) {
            return Ok(None);
        }
        Ok(self.resolve_origin(province, district).await?.ok())
    }

    /// The case with this code: a national number (`BN1234`, typed loosely),
    /// the record's own code (`PD12`), or a province's own number within the
    /// scope's province. Returns `(case id, code shown)`.
    pub async fn case_by_code(&self, scope: &Scope, value: &str) -> Result<Option<(i64, String)>> {
        if let Some(n) = case_code::national(value) {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM cases WHERE official_code = $1")
                    .bind(n.as_str())
                    .fetch_optional(&self.read)
                    .await?;
            if let Some(id) = found {
                return Ok(Some((id, n)));
            }
        }
        if let Some(id) = case_code::record(value) {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT COALESCE(official_code, local_code, code) FROM cases WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
            if let Some(code) = found {
                return Ok(Some((id, code)));
            }
        }
        if let (Some(local), Some(root)) = (case_code::local(value), scope.root()) {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT c.id FROM cases c JOIN units u ON u.code = $1 \
                 WHERE c.province_code = u.province_code AND c.local_code = $2",
            )
            .bind(root.as_str())
            .bind(local.as_str())
            .fetch_optional(&self.read)
            .await?;
            if let Some(id) = found {
                return Ok(Some((id, local)));
            }
        }
        Ok(None)
    }

    /// Resolve every part of an "infected by" text. `Ok(Err(errors))` lists
    /// each part that did not resolve, with its value.
    pub async fn resolve_sources(
        &self,
        scope: &Scope,
        text: &str,
    ) -> Result<std::result::Result<Vec<Source>, Vec<FieldError>>> {
        let mut out: Vec<Source> = Vec::new();
        let mut errors = Vec::new();
        for part in case_code::split_sources(text) {
            match self.resolve_source(scope, &part).await? {
                Ok(s) => {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        Ok(if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        })
    }

    /// One source: a case code first (a number that looks national and is
    /// not found is refused as an unknown case, never taken for a country
    /// or a cluster), then a cluster of the scope, then a country.
    pub async fn resolve_source(
        &self,
        scope: &Scope,
        part: &str,
    ) -> Result<std::result::Result<Source, FieldError>> {
        if let Some((case_id, code)) = self.case_by_code(scope, part).await? {
            return Ok(Ok(Source::Case { case_id, code }));
        }
        let national = case_code::national(part);
        let record = case_code::record(part);
        if let Some(c) = self.cluster_by_name(scope, part).await? {
            return Ok(Ok(Source::Cluster {
                cluster_id: c.id,
                name: c.name,
            }));
        }
        if national.is_none()
            && record.is_none()
            && let Some(origin) = self.origin_in_text(part).await?
        {
            return Ok(Ok(origin));
        }
        if national.is_none() && record.is_none() {
            match country::parse(part) {
                Ok(country) => return Ok(Ok(Source::Imported { country })),
                Err(e) if e.code == "domestic" => {
                    return Ok(Err(FieldError {
                        field: "infected_by".into(),
                        ..e
                    }));
                }
                Err(_) => {}
            }
        }
        Ok(Err(match (national, record) {
            (Some(code), _) => unknown_case(part, &code),
            (None, Some(id)) => unknown_case(part, &case_code::record_code(id)),
            _ => unresolved(part),
        }))
    }

    /// The sources of a case, in the order written.
    pub async fn case_sources(&self, case_id: i64) -> Result<Vec<CaseSource>> {
        let rows = sqlx::query(
            "SELECT s.kind, s.source_case_id, COALESCE(c.official_code, c.local_code, c.code) AS code, c.person_id, \
             s.cluster_id, k.name AS cluster_name, s.country, s.exposure_on, \
             s.origin_province_code, op.name AS origin_province_name, s.origin_district_code, od.name AS origin_district_name \
             FROM case_sources s LEFT JOIN cases c ON c.id = s.source_case_id \
             LEFT JOIN clusters k ON k.id = s.cluster_id \
             LEFT JOIN units op ON op.code = s.origin_province_code \
             LEFT JOIN units od ON od.code = s.origin_district_code WHERE s.case_id = $1 ORDER BY s.id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let source = match kind.as_str() {
                    "case" => Source::Case {
                        case_id: r.try_get("source_case_id")?,
                        code: r.try_get::<Option<String>, _>("code")?.unwrap_or_default(),
                    },
                    "cluster" => Source::Cluster {
                        cluster_id: r.try_get("cluster_id")?,
                        name: r
                            .try_get::<Option<String>, _>("cluster_name")?
                            .unwrap_or_default(),
                    },
                    "other_province" => Source::OtherProvince {
                        province_code: r
                            .try_get::<Option<String>, _>("origin_province_code")?
                            .unwrap_or_default(),
                        province_name: r
                            .try_get::<Option<String>, _>("origin_province_name")?
                            .unwrap_or_default(),
                        district_code: r.try_get("origin_district_code")?,
                        district_name: r.try_get("origin_district_name")?,
                    },
                    _ => Source::Imported {
                        country: r
                            .try_get::<Option<String>, _>("country")?
                            .unwrap_or_default(),
                    },
                };
                Ok(CaseSource {
                    source,
                    exposure_on: r.try_get("exposure_on")?,
                    source_person_id: r.try_get("person_id")?,
                })
            })
            .collect()
    }

    /// Replace the sources of a case in the write's transaction.
    pub(crate) async fn write_sources(
        &self,
        tx: &mut Transaction<'static, Any>,
        case_id: i64,
        sources: &[Source],
        exposure_on: Option<&str>,
        by: &str,
        stamp: &str,
    ) -> Result<()> {
        sqlx::query("DELETE FROM case_sources WHERE case_id = $1")
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
        for s in sources {
            let (mut case, mut cluster, mut country) = (None, None, None);
            let (mut province, mut district) = (None, None);
            let kind = match s {
                Source::Case { case_id, .. } => {
                    case = Some(*case_id);
                    "case"
                }
                Source::Cluster { cluster_id, .. } => {
                    cluster = Some(*cluster_id);
                    "cluster"
                }
                Source::Imported { country: c } => {
                    country = Some(c.as_str());
                    "imported"
                }
                Source::OtherProvince {
                    province_code,
                    district_code,
                    ..
                } => {
                    province = Some(province_code.as_str());
                    district = district_code.as_deref();
                    "other_province"
                }
            };
            sqlx::query(
                "INSERT INTO case_sources (case_id, kind, source_case_id, cluster_id, country, exposure_on, \
                 created_by, created_at, origin_province_code, origin_district_code) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(case_id)
            .bind(kind)
            .bind(case)
            .bind(cluster)
            .bind(country)
            .bind(exposure_on)
            .bind(by)
            .bind(stamp)
            .bind(province)
            .bind(district)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}
