//! Bulk import of people: every row validated, checked for duplicates against
//! the store and the rest of its batch, and the good rows of a batch written in
//! one transaction. The outcome of every row is returned for the report.

use crate::persons::{DuplicateCandidate, PersonRow, insert_tokens};
use crate::sql::{in_list, placeholders};
use crate::units::Unit;
use crate::{Actor, Dialect, Result, Store, audit};
use chrono::NaiveDate;
use phongdich_domain::similarity::{ids_tell_apart, names_similar};
use phongdich_domain::{FieldError, Invalid, NewPerson, PersonInput, UnitLevel};
use serde::Serialize;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// What to do with rows that look like people already registered.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportPolicy {
    /// Import likely duplicates anyway and keep each pair for review,
    /// instead of refusing them.
    pub allow_likely_duplicates: bool,
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RowOutcome {
    Imported {
        person_id: i64,
        likely_duplicates: Vec<DuplicateCandidate>,
    },
    Invalid {
        errors: Vec<FieldError>,
    },
    DuplicateNationalId {
        existing_person_id: Option<i64>,
        same_file_line: Option<u64>,
    },
    LikelyDuplicate {
        candidates: Vec<DuplicateCandidate>,
        same_file_line: Option<u64>,
    },
}

impl RowOutcome {
    pub fn is_imported(&self) -> bool {
        matches!(self, RowOutcome::Imported { .. })
    }

    /// One line per reason, in Vietnamese and in English, for the report.
    pub fn reasons(&self) -> Vec<(String, String)> {
        let ids = |c: &[DuplicateCandidate]| {
            c.iter()
                .map(|c| format!("#{} {}", c.person_id, c.full_name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            RowOutcome::Imported {
                likely_duplicates, ..
            } if !likely_duplicates.is_empty() => vec![(
                format!(
                    "Đã nhập; nghi trùng với {} — chờ rà soát.",
                    ids(likely_duplicates)
                ),
                format!(
                    "Imported; likely duplicate of {} — pending review.",
                    ids(likely_duplicates)
                ),
            )],
            RowOutcome::Imported { .. } => Vec::new(),
            RowOutcome::Invalid { errors } => errors.iter().map(FieldError::labelled).collect(),
            RowOutcome::DuplicateNationalId {
                existing_person_id: Some(id),
                ..
            } => vec![(
                format!("Số định danh đã có ở hồ sơ #{id}."),
                format!("National ID already registered to person #{id}."),
            )],
            RowOutcome::DuplicateNationalId {
                existing_person_id: None,
                same_file_line: None,
            } => vec![(
                "Số định danh đã có ở một hồ sơ ngoài địa bàn của bạn.".to_owned(),
                "National ID already registered to a person outside your jurisdiction.".to_owned(),
            )],
            RowOutcome::DuplicateNationalId { same_file_line, .. } => vec![(
                format!(
                    "Số định danh trùng với dòng {} của cùng tệp.",
                    same_file_line.unwrap_or_default()
                ),
                format!(
                    "National ID repeats line {} of the same file.",
                    same_file_line.unwrap_or_default()
                ),
            )],
            RowOutcome::LikelyDuplicate {
                candidates,
                same_file_line,
            } => match same_file_line {
                Some(l) => vec![(
                    format!(
                        "Nghi trùng với dòng {l} của cùng tệp (cùng SĐT, hoặc cùng tên, năm sinh và xã)."
                    ),
                    format!(
                        "Likely duplicate of line {l} of the same file (same phone, or same name, birth year and commune)."
                    ),
                )],
                None => vec![(
                    format!(
                        "Nghi trùng với {}; dùng --allow-likely-duplicates để vẫn nhập.",
                        ids(candidates)
                    ),
                    format!(
                        "Likely duplicate of {}; use --allow-likely-duplicates to import anyway.",
                        ids(candidates)
                    ),
                )],
            },
        }
    }
}

/// How long an unfinished import may go without committing a batch before
/// it is taken to have been killed (a batch takes seconds).
pub const IMPORT_STALE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// Where an import run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    Running,
    Finished,
    /// It never finished: killed (no batch for [`IMPORT_STALE`]) or stopped
    /// on a broken file. Its rows committed are counted.
    Interrupted,
}

impl ImportState {
    /// (Vietnamese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ImportState::Running => ("đang chạy", "running"),
            ImportState::Finished => ("xong", "finished"),
            ImportState::Interrupted => ("bị gián đoạn", "interrupted"),
        }
    }
}

/// An import run as its record stands.
#[derive(Debug, Clone, Serialize)]
pub struct ImportRunRecord {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub rows_total: i64,
    pub rows_imported: i64,
    pub rows_refused: i64,
    /// Why it stopped before the end of its file.
    pub error: Option<String>,
    pub state: ImportState,
}

/// One running import: its record, and what it remembers between batches.
#[derive(Debug)]
pub struct ImportRun {
    pub id: i64,
    units: HashMap<String, Option<Unit>>,
    households: HashMap<String, i64>,
    pub rows_total: u64,
    pub rows_imported: u64,
    /// Rows imported when PostgreSQL's statistics were last refreshed.
    analyzed_at: u64,
}

/// One input row: its line in the file, the raw fields, and an optional
/// household key shared by the rows of one household in the same file.
pub(crate) type ImportRow = (u64, PersonInput, Option<String>);

/// A row after validation: its line, the person or what was wrong, and the
/// household key. [`parse_rows`] makes these; it needs no database, so an
/// import can validate the next batch while the store writes this one.
pub type ParsedRow = (u64, Result<NewPerson, Invalid>, Option<String>);

/// Outcomes of a batch, in input order.
pub type BatchOutcome = Vec<(u64, RowOutcome)>;

/// Validate raw rows into [`ParsedRow`]s (pure; no database).
pub fn parse_rows(rows: Vec<ImportRow>, today: NaiveDate) -> Vec<ParsedRow> {
    rows.into_iter()
        .map(|(line, input, household)| (line, input.parse(today), household))
        .collect()
}

struct Checked {
    line: u64,
    row: PersonRow,
    household: Option<String>,
    street: Option<String>,
}

impl Store {
    pub async fn begin_import(
        &self,
        actor: &Actor,
        kind: &str,
        file_name: &str,
    ) -> Result<ImportRun> {
        actor.require(phongdich_domain::Permission::ImportPersons)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO import_runs (kind, file_name, actor, started_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(kind)
        .bind(file_name)
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&self.write)
        .await?;
        Ok(ImportRun {
            id,
            units: HashMap::new(),
            households: HashMap::new(),
            rows_total: 0,
            rows_imported: 0,
            analyzed_at: 0,
        })
    }

    /// Validate, de-duplicate and write one batch of rows in one transaction.
    pub async fn import_person_batch(
        &self,
        actor: &Actor,
        run: &mut ImportRun,
        rows: Vec<ImportRow>,
        policy: ImportPolicy,
        today: NaiveDate,
    ) -> Result<BatchOutcome> {
        self.import_parsed_batch(actor, run, parse_rows(rows, today), policy)
            .await
    }

    /// [`Store::import_person_batch`] for rows already validated by [`parse_rows`].
    pub async fn import_parsed_batch(
        &self,
        actor: &Actor,
        run: &mut ImportRun,
        rows: Vec<ParsedRow>,
        policy: ImportPolicy,
    ) -> Result<BatchOutcome> {
        let mut outcomes: Vec<(u64, Option<RowOutcome>)> = Vec::with_capacity(rows.len());
        let mut checked: Vec<(usize, Checked)> = Vec::new();
        self.cache_units(run, &rows).await?;
        for (line, parsed, household) in rows {
            let slot = outcomes.len();
            outcomes.push((line, None));
            let person = match parsed {
                Ok(p) => p,
                Err(e) => {
                    outcomes[slot].1 = Some(RowOutcome::Invalid { errors: e.0 });
                    continue;
                }
            };
            let commune = run
                .units
                .get(person.commune_code.as_str())
                .cloned()
                .flatten();
            let commune = match commune {
                Some(u) if u.level == UnitLevel::Commune && actor.scope.contains(&u) => u,
                _ => {
                    outcomes[slot].1 =
                        Some(unknown_unit("commune_code", person.commune_code.as_str()));
                    continue;
                }
            };
            if let Some(h) = &person.hamlet_code {
                let ok = run
                    .units
                    .get(h.as_str())
                    .and_then(Option::as_ref)
                    .is_some_and(|u| u.parent_code.as_deref() == Some(commune.code.as_str()));
                if !ok {
                    outcomes[slot].1 = Some(unknown_unit("hamlet_code", h.as_str()));
                    continue;
                }
            }
            let street = person.street_address.clone();
            checked.push((
                slot,
                Checked {
                    line,
                    row: PersonRow::new(&person, &commune),
                    household,
                    street,
                },
            ));
        }

        /// (commune, birth year, given-name key) — the duplicate block of a row.
        type BlockKey<'a> = (&'a str, i64, &'a str);
        let mut tx = self.write.begin().await?;
        let rows: Vec<&PersonRow> = checked.iter().map(|(_, c)| &c.row).collect();
        let existing = ExistingMatches::load(&mut tx, self.dialect, &actor.scope, &rows).await?;
        // Duplicates inside this batch: the first row of a pair wins.
        let mut batch_ids: HashMap<&str, u64> = HashMap::new();
        // Accepted rows by phone and by duplicate block: (index in `accepted`, name).
        let mut batch_phones: HashMap<&str, Vec<(usize, &str)>> = HashMap::new();
        let mut batch_blocks: HashMap<BlockKey<'_>, Vec<(usize, &str)>> = HashMap::new();
        let mut accepted: Vec<(usize, &Checked, Vec<DuplicateCandidate>)> = Vec::new();
        // Pairs inside the batch let through by the policy: (row, earlier row, reason).
        let mut batch_pairs: Vec<(usize, usize, &str)> = Vec::new();
        for (slot, c) in &checked {
            let r = &c.row;
            if let Some(nid) = r.national_id.as_deref() {
                if let Some(&id) = existing.national_ids.get(nid) {
                    outcomes[*slot].1 = Some(RowOutcome::DuplicateNationalId {
                        existing_person_id: id,
                        same_file_line: None,
                    });
                    continue;
                }
                if let Some(&line) = batch_ids.get(nid) {
                    outcomes[*slot].1 = Some(RowOutcome::DuplicateNationalId {
                        existing_person_id: None,
                        same_file_line: Some(line),
                    });
                    continue;
                }
            }
            let block = (r.commune_code.as_str(), r.birth_year, r.given_key.as_str());
            let by_phone = r
                .phone
                .as_deref()
                .and_then(|p| batch_phones.get(p))
                .into_iter()
                .flatten();
            let by_block = batch_blocks.get(&block).into_iter().flatten();
            let same_file = by_phone
                .map(|e| (e, "same_phone_similar_name"))
                .chain(by_block.map(|e| (e, "similar_name_same_birth_year_commune")))
                .find(|((earlier, name), _)| {
                    names_similar(name, &r.full_name)
                        && !ids_tell_apart(
                            accepted[*earlier].1.row.national_id.as_deref(),
                            r.national_id.as_deref(),
                        )
                })
                .map(|((earlier, _), reason)| (*earlier, reason));
            let candidates = existing.candidates(r);
            if let Some((earlier, reason)) = same_file {
                if !policy.allow_likely_duplicates {
                    let same_file_line = Some(accepted[earlier].1.line);
                    outcomes[*slot].1 = Some(RowOutcome::LikelyDuplicate {
                        candidates,
                        same_file_line,
                    });
                    continue;
                }
                batch_pairs.push((accepted.len(), earlier, reason));
            }
            if !candidates.is_empty() && !policy.allow_likely_duplicates {
                outcomes[*slot].1 = Some(RowOutcome::LikelyDuplicate {
                    candidates,
                    same_file_line: None,
                });
                continue;
            }
            if let Some(nid) = r.national_id.as_deref() {
                batch_ids.insert(nid, c.line);
            }
            if let Some(p) = r.phone.as_deref() {
                batch_phones
                    .entry(p)
                    .or_default()
                    .push((accepted.len(), &r.full_name));
            }
            batch_blocks
                .entry(block)
                .or_default()
                .push((accepted.len(), &r.full_name));
            accepted.push((*slot, c, candidates));
        }

        // Households named in the file get one record each, on first sight.
        let stamp = self.stamp();
        let mut new_households: Vec<&Checked> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for (_, c, _) in &accepted {
            let Some(key) = &c.household else { continue };
            if !run.households.contains_key(key) && seen.insert(key.as_str()) {
                new_households.push(c);
            }
        }
        for chunk in new_households.chunks(500) {
            let sql = format!(
                "INSERT INTO households (commune_code, hamlet_code, address, created_at) VALUES {} RETURNING id",
                placeholders(self.dialect, chunk.len(), 4, "")
            );
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q
                    .bind(c.row.commune_code.as_str())
                    .bind(c.row.hamlet_code.as_deref())
                    .bind(c.street.as_deref())
                    .bind(stamp.as_str());
            }
            let mut ids: Vec<i64> = q
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            ids.sort_unstable();
            for (c, id) in chunk.iter().zip(ids) {
                if let Some(key) = &c.household {
                    run.households.insert(key.clone(), id);
                }
            }
        }

        let width = PersonRow::WIDTH + 4;
        let mut new_ids: Vec<i64> = Vec::with_capacity(accepted.len());
        for chunk in accepted.chunks(400) {
            let sql = format!(
                "INSERT INTO persons ({}, household_id, import_run_id, created_at, updated_at) VALUES {} RETURNING id",
                PersonRow::COLUMNS,
                placeholders(self.dialect, chunk.len(), width, "")
            );
            let mut q = sqlx::query(&sql);
            for (_, c, _) in chunk {
                let household = c
                    .household
                    .as_ref()
                    .and_then(|k| run.households.get(k))
                    .copied();
                q = c
                    .row
                    .bind(q)
                    .bind(household)
                    .bind(run.id)
                    .bind(stamp.as_str())
                    .bind(stamp.as_str());
            }
            let mut ids: Vec<i64> = q
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            // Keys are assigned in VALUES order within one statement, whatever
            // order RETURNING reports them in.
            ids.sort_unstable();
            new_ids.extend(ids);
        }
        let mut tokens: Vec<(&str, i64)> = Vec::with_capacity(accepted.len() * 3);
        for ((_, c, _), id) in accepted.iter().zip(&new_ids) {
            tokens.extend(c.row.tokens().into_iter().map(|t| (t, *id)));
        }
        // In key order, the index's pages are visited once each, not at random.
        tokens.sort_unstable();
        insert_tokens(&mut tx, self.dialect, &tokens).await?;
        let pairs = accepted
            .iter()
            .zip(&new_ids)
            .flat_map(|((_, _, cands), id)| {
                cands
                    .iter()
                    .map(move |c| (*id, c.person_id, c.reason.as_str()))
            })
            .chain(
                batch_pairs
                    .iter()
                    .map(|(row, earlier, reason)| (new_ids[*row], new_ids[*earlier], *reason)),
            );
        let pairs: Vec<(i64, i64, &str)> = pairs.collect();
        for chunk in pairs.chunks(500) {
            let sql = format!(
                "INSERT INTO duplicate_candidates (person_id, other_person_id, reason, created_at) VALUES {}",
                placeholders(self.dialect, chunk.len(), 4, "")
            );
            let mut q = sqlx::query(&sql);
            for (id, other, reason) in chunk {
                q = q.bind(*id).bind(*other).bind(*reason).bind(stamp.as_str());
            }
            q.execute(&mut *tx).await?;
        }
        // The first person imported into a household becomes its head.
        let mut touched: Vec<i64> = accepted
            .iter()
            .filter_map(|(_, c, _)| c.household.as_ref().and_then(|k| run.households.get(k)))
            .copied()
            .collect();
        touched.sort_unstable();
        touched.dedup();
        for chunk in touched.chunks(500) {
            let sql = format!(
                "UPDATE households SET head_person_id = \
                 (SELECT MIN(p.id) FROM persons p WHERE p.household_id = households.id) \
                 WHERE head_person_id IS NULL AND id IN ({})",
                in_list(self.dialect, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *tx).await?;
        }
        // The run's record counts what this transaction commits, so that an
        // import killed part-way still says how many rows it wrote.
        let total = run.rows_total + outcomes.len() as u64;
        let imported = run.rows_imported + new_ids.len() as u64;
        sqlx::query(
            "UPDATE import_runs SET rows_total = $1, rows_imported = $2, rows_refused = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(total as i64)
        .bind(imported as i64)
        .bind((total - imported) as i64)
        .bind(stamp.as_str())
        .bind(run.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        for ((slot, _, candidates), id) in accepted.into_iter().zip(new_ids) {
            outcomes[slot].1 = Some(RowOutcome::Imported {
                person_id: id,
                likely_duplicates: candidates,
            });
        }
        let done: BatchOutcome = outcomes
            .into_iter()
            .map(|(line, o)| {
                (
                    line,
                    o.unwrap_or(RowOutcome::Invalid { errors: Vec::new() }),
                )
            })
            .collect();
        run.rows_total += done.len() as u64;
        run.rows_imported += done.iter().filter(|(_, o)| o.is_imported()).count() as u64;
        // PostgreSQL plans the duplicate look-ups from table statistics that
        // autovacuum refreshes too late for a bulk load: planned as if the
        // table were empty, each batch's look-up scanned it whole (1 s a
        // batch at 20,000 rows). Refresh them each time the import doubles.
        if self.dialect == Dialect::Postgres && run.rows_imported >= (2 * run.analyzed_at).max(1000)
        {
            sqlx::query("ANALYZE persons, households, person_name_tokens")
                .execute(&self.write)
                .await?;
            run.analyzed_at = run.rows_imported;
        }
        Ok(done)
    }

    /// Close the run and record it in the audit log with its counts.
    pub async fn finish_import(
        &self,
        actor: &Actor,
        run: &ImportRun,
        file_name: &str,
    ) -> Result<()> {
        let refused = run.rows_total - run.rows_imported;
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE import_runs SET finished_at = $1, rows_total = $2, rows_imported = $3, rows_refused = $4 WHERE id = $5",
        )
        .bind(self.stamp())
        .bind(run.rows_total as i64)
        .bind(run.rows_imported as i64)
        .bind(refused as i64)
        .bind(run.id)
        .execute(&mut *tx)
        .await?;
        let summary = serde_json::json!({
            "file": file_name, "rows": run.rows_total, "imported": run.rows_imported, "refused": refused,
            "persons": format!("import_run_id = {}", run.id),
        });
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "import",
            "import_run",
            &run.id.to_string(),
            actor.scope.root().map(|c| c.as_str()),
            None::<&()>,
            Some(&summary),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Record that the run stopped before the end of its file (a broken
    /// line): it shows as interrupted, with `reason` and the rows it committed.
    pub async fn stop_import(&self, run: &ImportRun, reason: &str) -> Result<()> {
        sqlx::query("UPDATE import_runs SET error = $1, updated_at = $2 WHERE id = $3")
            .bind(reason)
            .bind(self.stamp())
            .bind(run.id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// One of the actor's own import runs (another's is not found: an
    /// import's row report names people of the importer's jurisdiction).
    pub async fn import_run(&self, actor: &Actor, id: i64) -> Result<ImportRunRecord> {
        self.runs_where(actor, "AND id = $2", id)
            .await?
            .pop()
            .ok_or_else(|| crate::StoreError::not_found(crate::error::Entity::ImportRun, id))
    }

    /// The actor's latest import runs, newest first, with their state.
    pub async fn import_runs(&self, actor: &Actor, limit: i64) -> Result<Vec<ImportRunRecord>> {
        self.runs_where(actor, "ORDER BY id DESC LIMIT $2", limit)
            .await
    }

    async fn runs_where(
        &self,
        actor: &Actor,
        tail: &str,
        value: i64,
    ) -> Result<Vec<ImportRunRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT id, kind, file_name, started_at, finished_at, updated_at, error, \
             rows_total, rows_imported, rows_refused FROM import_runs \
             WHERE actor = $1 {tail}"
        ))
        .bind(actor.name.as_str())
        .bind(value)
        .fetch_all(&self.read)
        .await?;
        let stale_before = crate::response::stamp(self.clock.now_utc() - IMPORT_STALE);
        rows.iter()
            .map(|r| {
                let finished_at: Option<String> = r.try_get("finished_at")?;
                let started_at: String = r.try_get("started_at")?;
                let updated_at: Option<String> = r.try_get("updated_at")?;
                let error: Option<String> = r.try_get("error")?;
                let last = updated_at.unwrap_or_else(|| started_at.clone());
                let state = match (&finished_at, &error) {
                    (Some(_), _) => ImportState::Finished,
                    (None, Some(_)) => ImportState::Interrupted,
                    (None, None) if last < stale_before => ImportState::Interrupted,
                    (None, None) => ImportState::Running,
                };
                Ok(ImportRunRecord {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    file_name: r.try_get("file_name")?,
                    started_at,
                    finished_at,
                    rows_total: r.try_get("rows_total")?,
                    rows_imported: r.try_get("rows_imported")?,
                    rows_refused: r.try_get("rows_refused")?,
                    error,
                    state,
                })
            })
            .collect()
    }

    async fn cache_units(&self, run: &mut ImportRun, rows: &[ParsedRow]) -> Result<()> {
        let mut wanted: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for (_, parsed, _) in rows {
            let Ok(p) = parsed else { continue };
            for code in std::iter::once(&p.commune_code).chain(&p.hamlet_code) {
                let code = code.as_str();
                if !run.units.contains_key(code) && seen.insert(code) {
                    wanted.push(code.to_owned());
                }
            }
        }
        let found = self
            .units_by_code(&wanted.iter().map(String::as_str).collect::<Vec<_>>())
            .await?;
        for c in wanted {
            let unit = found.get(&c).cloned();
            run.units.insert(c, unit);
        }
        Ok(())
    }
}

fn unknown_unit(field: &str, code: &str) -> RowOutcome {
    RowOutcome::Invalid {
        errors: vec![FieldError::new(
            field,
            "unknown_unit",
            format!("Không có đơn vị hành chính mã «{code}» trong phạm vi của bạn."),
            format!("No administrative unit with code “{code}” within your jurisdiction."),
        )],
    }
}

/// Stored people that rows of a batch may repeat, fetched in a few queries.
/// A stored person found by a duplicate block, with their national ID.
type Found = (DuplicateCandidate, Option<String>);

pub(crate) struct ExistingMatches {
    /// The record holding each national ID: its id when the importer may
    /// see it, else `None` (the ID is still refused, its holder not named).
    pub(crate) national_ids: HashMap<String, Option<i64>>,
    by_phone: HashMap<String, Vec<Found>>,
    by_block: HashMap<(String, i64, String), Vec<Found>>,
}

impl ExistingMatches {
    pub(crate) async fn load(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        engine: Dialect,
        scope: &crate::Scope,
        rows: &[&PersonRow],
    ) -> Result<Self> {
        let mut m = ExistingMatches {
            national_ids: HashMap::new(),
            by_phone: HashMap::new(),
            by_block: HashMap::new(),
        };
        let nids: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.national_id.as_deref())
            .collect();
        for chunk in nids.chunks(900) {
            let sql = format!(
                "SELECT id, national_id, province_code, district_code, commune_code FROM persons \
                 WHERE merged_into IS NULL AND national_id IN ({})",
                in_list(engine, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for n in chunk {
                q = q.bind(*n);
            }
            for r in q.fetch_all(&mut **tx).await? {
                let visible = scope.contains_codes(
                    &r.try_get::<String, _>("province_code")?,
                    &r.try_get::<String, _>("district_code")?,
                    &r.try_get::<String, _>("commune_code")?,
                );
                let id: i64 = r.try_get("id")?;
                m.national_ids
                    .insert(r.try_get("national_id")?, visible.then_some(id));
            }
        }
        let phones: Vec<&str> = rows.iter().filter_map(|r| r.phone.as_deref()).collect();
        for chunk in phones.chunks(900) {
            let sql = format!(
                "SELECT id, full_name, birth_year, province_code, district_code, commune_code, phone, national_id FROM persons \
                 WHERE merged_into IS NULL AND phone IN ({})",
                in_list(engine, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for n in chunk {
                q = q.bind(*n);
            }
            for r in q.fetch_all(&mut **tx).await? {
                // Someone in another unit is not shown to this importer.
                if !scope.contains_codes(
                    &r.try_get::<String, _>("province_code")?,
                    &r.try_get::<String, _>("district_code")?,
                    &r.try_get::<String, _>("commune_code")?,
                ) {
                    continue;
                }
                let c = DuplicateCandidate::from_row(&r, "same_phone_similar_name")?;
                m.by_phone
                    .entry(r.try_get("phone")?)
                    .or_default()
                    .push((c, r.try_get("national_id")?));
            }
        }
        for chunk in rows.chunks(300) {
            let sql = format!(
                "SELECT id, full_name, birth_year, commune_code, given_key, national_id FROM persons WHERE merged_into IS NULL AND \
                 (commune_code, birth_year, given_key) IN (VALUES {})",
                placeholders(engine, chunk.len(), 3, "")
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(r.commune_code.as_str())
                    .bind(r.birth_year)
                    .bind(r.given_key.as_str());
            }
            for r in q.fetch_all(&mut **tx).await? {
                let c = DuplicateCandidate::from_row(&r, "similar_name_same_birth_year_commune")?;
                let key = (
                    c.commune_code.clone(),
                    c.birth_year,
                    r.try_get("given_key")?,
                );
                m.by_block
                    .entry(key)
                    .or_default()
                    .push((c, r.try_get("national_id")?));
            }
        }
        Ok(m)
    }

    pub(crate) fn candidates(&self, r: &PersonRow) -> Vec<DuplicateCandidate> {
        let mut out: Vec<DuplicateCandidate> = Vec::new();
        let by_phone = r
            .phone
            .as_ref()
            .and_then(|p| self.by_phone.get(p))
            .into_iter()
            .flatten();
        let by_block = self
            .by_block
            .get(&(r.commune_code.clone(), r.birth_year, r.given_key.clone()))
            .into_iter()
            .flatten();
        for (c, nid) in by_phone.chain(by_block) {
            if names_similar(&c.full_name, &r.full_name)
                && !ids_tell_apart(nid.as_deref(), r.national_id.as_deref())
                && !out.iter().any(|o| o.person_id == c.person_id)
            {
                out.push(c.clone());
            }
        }
        out
    }
}
