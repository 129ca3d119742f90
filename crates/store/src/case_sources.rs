//! The sources of a case ("infected by"), each a link of the chain: another
//! case, a cluster, or a country (imported). Typed as text — `BN1, BN2`,
//! `BN 1; Chợ Long Biên`, `BN3 và Anh` — every part must resolve, or the
//! whole write is refused with the part and the reason: nothing is stored
//! quietly as "under investigation". Links to cases are kept by record id, so
//! renumbering or a refused import row can never rewire them.

use crate::{Result, Scope, Store};
use phongdich_domain::{FieldError, case_code, country};
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
}

impl Source {
    /// How the source is written back (codes, names, country codes).
    pub fn label(&self) -> String {
        match self {
            Source::Case { code, .. } => code.clone(),
            Source::Cluster { name, .. } => name.clone(),
            Source::Imported { country } => country.clone(),
        }
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
/// has), the sources written back, and the country of an imported case.
pub fn summary(sources: &[Source]) -> (String, Option<String>, Option<String>) {
    let country = sources.iter().find_map(|s| match s {
        Source::Imported { country } => Some(country.clone()),
        _ => None,
    });
    let kind = if country.is_some() {
        "imported"
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

impl Store {
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
             s.cluster_id, k.name AS cluster_name, s.country, s.exposure_on \
             FROM case_sources s LEFT JOIN cases c ON c.id = s.source_case_id \
             LEFT JOIN clusters k ON k.id = s.cluster_id WHERE s.case_id = $1 ORDER BY s.id",
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
            let (kind, case, cluster, country) = match s {
                Source::Case { case_id, .. } => ("case", Some(*case_id), None, None),
                Source::Cluster { cluster_id, .. } => ("cluster", None, Some(*cluster_id), None),
                Source::Imported { country } => ("imported", None, None, Some(country.as_str())),
            };
            sqlx::query(
                "INSERT INTO case_sources (case_id, kind, source_case_id, cluster_id, country, exposure_on, \
                 created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(case_id)
            .bind(kind)
            .bind(case)
            .bind(cluster)
            .bind(country)
            .bind(exposure_on)
            .bind(by)
            .bind(stamp)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}
