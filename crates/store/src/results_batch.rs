//! A lab's file of results recorded a batch at a time: the same rules as
//! [`Store::record_result`] — idempotent, pools resolved, positives that
//! make an F0 confirmed (or put up for review) — with the look-ups, inserts
//! and status changes of a whole batch done in a few statements and one
//! transaction, which also holds the cases its positives confirm and the
//! links to them (so a result is never kept without the case it confirms).
//! Rows are independent: a refused row does not stop the rest; a failure of
//! the write itself (a database error) records none of the batch.
//!
//! A batch is 2,000 rows: targets and earlier results are looked up with `IN
//! (…)` lists; new results, status changes (the last result of a file decides a
//! sample's status) and one audit row per result are written with multi-row
//! statements; the positives that make an F0 are then confirmed one by one
//! (each re-classifies through the engine) in that same write.

use crate::sql::{QueryBuilder, in_list, placeholders};
use crate::{Actor, Result, Store, StoreError};
use chrono::NaiveDate;
use phongdich_domain::Permission;
use phongdich_domain::testing::{NewResult, ResultInput, SampleStatus};
use sqlx::Row;
use std::collections::HashMap;

/// What one row of a batch did.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultSummary {
    pub result_id: i64,
    /// Recorded before (in an earlier file or earlier in this one).
    pub unchanged: bool,
    /// The person, when the result is for one individual sample.
    pub person_id: Option<i64>,
    /// Samples the result covers.
    pub samples: usize,
    /// Of those, how many must be sampled again (pool positive, inconclusive).
    pub needing: usize,
    pub case_code: Option<String>,
    pub class_changes: usize,
    pub review_pending: bool,
}

/// The sample or pool a code names, as far as a batch needs it.
#[derive(Clone)]
struct Found {
    sample: Option<crate::Sample>,
    pool_id: Option<i64>,
    province: String,
    district: String,
    commune: String,
    /// Samples covered (1, or the pool's members).
    members: usize,
}

type Key = (String, &'static str, &'static str, String);

/// A stored result's identity and id, from a row with `id`, `code`,
/// `test_kind`, `outcome` and `resulted_on`.
fn keyed_row(r: &sqlx::any::AnyRow) -> Result<Option<(Key, i64)>> {
    let kind: String = r.try_get("test_kind")?;
    let outcome: String = r.try_get("outcome")?;
    let (Some(kind), Some(outcome)) = (
        phongdich_domain::testing::TestKind::parse(&kind),
        phongdich_domain::testing::Outcome::parse(&outcome),
    ) else {
        return Ok(None);
    };
    Ok(Some((
        (
            r.try_get("code")?,
            kind.as_str(),
            outcome.as_str(),
            r.try_get("resulted_on")?,
        ),
        r.try_get("id")?,
    )))
}

fn key(r: &NewResult) -> Key {
    (
        r.code.clone(),
        r.kind.as_str(),
        r.outcome.as_str(),
        r.resulted_on.to_string(),
    )
}

impl Store {
    /// Record a batch of results (a few thousand rows of a lab file); one
    /// outcome per input, in order.
    pub async fn record_results(
        &self,
        actor: &Actor,
        inputs: &[ResultInput],
        today: NaiveDate,
    ) -> Result<Vec<Result<ResultSummary>>> {
        actor.require(Permission::RecordResults)?;
        let mut out: Vec<Option<Result<ResultSummary>>> = (0..inputs.len()).map(|_| None).collect();
        let mut parsed: Vec<Option<NewResult>> = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            match input.parse(today) {
                Ok(r) => parsed.push(Some(r)),
                Err(e) => {
                    out[i] = Some(Err(e.into()));
                    parsed.push(None);
                }
            }
        }
        let codes: Vec<&str> = {
            let mut c: Vec<&str> = parsed.iter().flatten().map(|r| r.code.as_str()).collect();
            c.sort_unstable();
            c.dedup();
            c
        };
        let found = self.find_targets(actor, &codes).await?;
        let existing = self.existing_results(&codes).await?;

        // Which rows are new; in-file repeats point at their first row.
        let mut seen: std::collections::HashSet<Key> = std::collections::HashSet::new();
        let mut new_rows = Vec::new();
        for (i, r) in parsed.iter().enumerate() {
            let Some(r) = r else { continue };
            let Some(f) = found.get(&r.code) else {
                let entity = if r.code.starts_with('P') {
                    crate::error::Entity::Pool
                } else {
                    crate::error::Entity::Sample
                };
                out[i] = Some(Err(StoreError::not_found(entity, &r.code)));
                continue;
            };
            let k = key(r);
            if let Some(id) = existing.get(&k) {
                out[i] = Some(Ok(summary(*id, true, f, r)));
            } else if seen.insert(k) {
                new_rows.push(i);
            }
        }

        let stamp = self.stamp();
        let mut ids: HashMap<Key, i64> = HashMap::new();
        // One write for the batch: its results, the cases its positives
        // confirm and the links between them commit together (with the
        // engine held from the start when a positive may confirm a case).
        let may_confirm = new_rows.iter().any(|&i| {
            parsed[i].as_ref().is_some_and(|r| {
                r.outcome == phongdich_domain::testing::Outcome::Positive
                    && found.get(&r.code).is_some_and(|f| f.sample.is_some())
            })
        });
        let mut w = self.engine_write_if(may_confirm).await?;
        for chunk in new_rows.chunks(1000) {
            let sql = format!(
                "INSERT INTO test_results (code, test_kind, outcome, ct, resulted_on, lab, sample_id, pool_id, \
                 created_by, created_at) VALUES {} RETURNING id, code, test_kind, outcome, resulted_on",
                placeholders(self.dialect, chunk.len(), 10, "")
            );
            let mut q = sqlx::query(&sql);
            for &i in chunk {
                let r = parsed[i].as_ref().expect("new rows are parsed");
                let f = &found[&r.code];
                q = q
                    .bind(r.code.as_str())
                    .bind(r.kind.as_str())
                    .bind(r.outcome.as_str())
                    .bind(r.ct_text())
                    .bind(r.resulted_on.to_string())
                    .bind(r.lab.clone())
                    .bind(f.sample.as_ref().map(|s| s.id))
                    .bind(f.pool_id)
                    .bind(actor.name.as_str())
                    .bind(stamp.as_str());
            }
            for row in q.fetch_all(w.conn()).await? {
                if let Some((k, id)) = keyed_row(&row)? {
                    ids.insert(k, id);
                }
            }
        }
        // The last result of a file decides a sample's or a pool's status.
        let mut sample_status: HashMap<i64, SampleStatus> = HashMap::new();
        let mut pool_status: HashMap<i64, (&'static str, SampleStatus)> = HashMap::new();
        let mut audit_rows = Vec::with_capacity(new_rows.len());
        for &i in &new_rows {
            let r = parsed[i].as_ref().expect("parsed");
            let f = &found[&r.code];
            let status = SampleStatus::after(r.outcome, f.pool_id.is_some());
            match (&f.sample, f.pool_id) {
                (Some(s), _) => {
                    sample_status.insert(s.id, status);
                }
                (None, Some(p)) => {
                    pool_status.insert(p, (r.outcome.as_str(), status));
                }
                (None, None) => {}
            }
            let id = ids
                .get(&key(r))
                .copied()
                .ok_or_else(|| StoreError::Data(format!("result {} not returned", r.code)))?;
            let after = serde_json::json!({
                "code": r.code, "test_kind": r.kind.as_str(), "outcome": r.outcome.as_str(),
                "ct": r.ct_text(), "resulted_on": r.resulted_on.to_string(), "lab": r.lab,
            });
            audit_rows.push((id, f, serde_json::to_string(&after)?));
        }
        let mut by_status: HashMap<&'static str, Vec<i64>> = HashMap::new();
        for (id, st) in &sample_status {
            by_status.entry(st.as_str()).or_default().push(*id);
        }
        for (status, ids) in &by_status {
            for chunk in ids.chunks(2000) {
                let sql = format!(
                    "UPDATE samples SET status = '{status}', updated_at = $1 WHERE id IN ({})",
                    chunk
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                );
                sqlx::query(&sql)
                    .bind(stamp.as_str())
                    .execute(w.conn())
                    .await?;
            }
        }
        let mut pools_by: HashMap<(&'static str, &'static str), Vec<i64>> = HashMap::new();
        for (id, (outcome, st)) in &pool_status {
            pools_by
                .entry((outcome, st.as_str()))
                .or_default()
                .push(*id);
        }
        for ((outcome, status), ids) in &pools_by {
            for chunk in ids.chunks(2000) {
                let list = chunk
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                sqlx::query(&format!(
                    "UPDATE pools SET status = '{outcome}' WHERE id IN ({list})"
                ))
                .execute(w.conn())
                .await?;
                sqlx::query(&format!(
                    "UPDATE samples SET status = '{status}', updated_at = $1 WHERE pool_id IN ({list})"
                ))
                .bind(stamp.as_str())
                .execute(w.conn())
                .await?;
            }
        }
        for chunk in audit_rows.chunks(1000) {
            let sql = format!(
                "INSERT INTO audit_log (at, actor, source, action, entity, entity_id, unit_code, after_json, \
                 province_code, district_code, commune_code) VALUES {}",
                placeholders(self.dialect, chunk.len(), 11, "")
            );
            let mut q = sqlx::query(&sql);
            for (id, f, after) in chunk {
                q = q
                    .bind(stamp.as_str())
                    .bind(actor.name.as_str())
                    .bind(actor.source.as_str())
                    .bind("create")
                    .bind("test_result")
                    .bind(id.to_string())
                    .bind(f.commune.as_str())
                    .bind(after.as_str())
                    .bind(f.province.as_str())
                    .bind(f.district.as_str())
                    .bind(f.commune.as_str());
            }
            q.execute(w.conn()).await?;
        }
        // Summaries; then the positives that make an F0, one by one (the
        // tracing engine re-classifies after each), in the batch's write.
        for &i in &new_rows {
            let r = parsed[i].as_ref().expect("parsed");
            let f = &found[&r.code];
            let id = ids[&key(r)];
            let mut s = summary(id, false, f, r);
            if let Some(sample) = &f.sample {
                let (case, changes, review) = self
                    .confirm_from_result_in(&mut w, actor, sample, r, id, today)
                    .await?;
                s.case_code = case;
                s.class_changes = changes.len();
                s.review_pending = review;
            }
            out[i] = Some(Ok(s));
        }
        w.commit().await?;
        // Repeats within the file: the same as their first row, unchanged.
        for (i, r) in parsed.iter().enumerate() {
            if out[i].is_none()
                && let Some(r) = r
                && let Some(f) = found.get(&r.code)
                && let Some(id) = ids.get(&key(r))
            {
                out[i] = Some(Ok(summary(*id, true, f, r)));
            }
        }
        Ok(out
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Err(StoreError::Data("row not processed".into()))))
            .collect())
    }

    /// The samples and pools the codes name, within the actor's scope.
    async fn find_targets(&self, actor: &Actor, codes: &[&str]) -> Result<HashMap<String, Found>> {
        let mut found = HashMap::new();
        let (pools, samples): (Vec<&str>, Vec<&str>) =
            codes.iter().partition(|c| c.starts_with('P'));
        for chunk in samples.chunks(500) {
            let mut b = QueryBuilder::new(self.dialect);
            b.push(
                "SELECT s.id, s.code, s.person_id, s.specimen, s.collected_on, s.collected_where, s.lab, s.status, \
                 s.commune_code, s.campaign_id, s.province_code, s.district_code, \
                 (SELECT code FROM pools WHERE id = s.pool_id) AS pool_code \
                 FROM samples s WHERE s.code IN (",
            )
            .push_list(chunk.iter().copied())
            .push(")");
            actor.scope.push_filter(&mut b, "s");
            for r in b.query().fetch_all(&self.read).await? {
                let sample = crate::samples::sample_from_row(&r)?;
                found.insert(
                    sample.code.clone(),
                    Found {
                        pool_id: None,
                        province: r.try_get("province_code")?,
                        district: r.try_get("district_code")?,
                        commune: sample.commune_code.clone(),
                        members: 1,
                        sample: Some(sample),
                    },
                );
            }
        }
        for chunk in pools.chunks(500) {
            let mut b = QueryBuilder::new(self.dialect);
            b.push(
                "SELECT p.id, p.code, p.province_code, p.district_code, p.commune_code, \
                 (SELECT COUNT(*) FROM samples s WHERE s.pool_id = p.id) AS members \
                 FROM pools p WHERE p.code IN (",
            )
            .push_list(chunk.iter().copied())
            .push(")");
            actor.scope.push_filter(&mut b, "p");
            for r in b.query().fetch_all(&self.read).await? {
                let members: i64 = r.try_get("members")?;
                found.insert(
                    r.try_get("code")?,
                    Found {
                        sample: None,
                        pool_id: Some(r.try_get("id")?),
                        province: r.try_get("province_code")?,
                        district: r.try_get("district_code")?,
                        commune: r.try_get("commune_code")?,
                        members: members as usize,
                    },
                );
            }
        }
        Ok(found)
    }

    /// Results already recorded under these codes, by their identity.
    async fn existing_results(&self, codes: &[&str]) -> Result<HashMap<Key, i64>> {
        let mut out = HashMap::new();
        for chunk in codes.chunks(500) {
            let sql = format!(
                "SELECT id, code, test_kind, outcome, resulted_on FROM test_results WHERE code IN ({})",
                in_list(self.dialect, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q.bind(*c);
            }
            for r in q.fetch_all(&self.read).await? {
                if let Some((k, id)) = keyed_row(&r)? {
                    out.insert(k, id);
                }
            }
        }
        Ok(out)
    }
}

fn summary(id: i64, unchanged: bool, f: &Found, r: &NewResult) -> ResultSummary {
    let status = SampleStatus::after(r.outcome, f.pool_id.is_some());
    ResultSummary {
        result_id: id,
        unchanged,
        person_id: f.sample.as_ref().map(|s| s.person_id),
        samples: f.members,
        needing: if status.needs_sample() && !unchanged {
            f.members
        } else {
            0
        },
        case_code: None,
        class_changes: 0,
        review_pending: false,
    }
}
