//! Samples, pools and lab results. A result names a sample or a pool by the
//! code on its label; it updates the samples it covers in one transaction,
//! and a positive individual result that confirms an F0 under the rules in
//! force (`domain::testing::confirms_f0`) confirms the case at once, so the
//! contact classes follow within the same call.
//!
//! Codes: samples `S<id>`, pools `P<id>` (2–10 people by default, up to 20 for
//! a household or by `max_size`). A result is recorded once (unique on code,
//! kind, outcome and day — a lab file imported again changes nothing). Negative
//! pool → every member negative; positive pool → `pool_positive` (an individual
//! sample is needed, on the sampling list); inconclusive → `resample`. A
//! positive individual result that makes an F0 (RT-PCR; antigen for an F1 from
//! 29/12/2021) confirms the case through `confirm_case_in` in the result's own
//! write (taken with the engine when the result is a positive individual one),
//! so the result, the case, the classes and the result's link to the case
//! commit together or not at all. Where the province reviews positives (setting
//! `f0_confirmation = review`), the result waits (`review = 'pending'`) and the
//! officer's decision, the case and the link commit together likewise.
//!
//! The sampling list is everyone whose latest sample needs another, every F1
//! with no sample since exposure, and the test days of quarantine orders
//! (`scheduled_test`). Turnaround (`overdue_samples`, `turnaround`) is counted
//! in whole days, as samples and results carry dates: a sample is overdue at a
//! 24-hour target from the day after it was taken; F1 → sample runs from the
//! first `class_history` entry at level 1.

use crate::engine_write::EngineWrite;
use crate::sql::QueryBuilder;
use crate::{
    Actor, CaseInput, ClassChange, F0_CONFIRMATION, Result, Scope, Store, StoreError, audit,
};
use chrono::NaiveDate;
use phongdich_domain::Permission;
use phongdich_domain::testing::{
    NewPool, NewResult, POOL_MAX, ResultInput, SampleStatus, Taken as DomainTaken, confirms_f0,
};
pub use phongdich_domain::testing::{PoolInput, SampleInput, Specimen};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Sample {
    pub id: i64,
    /// The code on the label, e.g. `S123`.
    pub code: String,
    pub person_id: i64,
    /// The pool's code when the sample was pooled.
    pub pool_code: Option<String>,
    pub specimen: String,
    pub collected_on: String,
    pub collected_where: Option<String>,
    pub lab: Option<String>,
    /// `collected`, `negative`, `positive`, `pool_positive` (individual sample
    /// needed) or `resample` (inconclusive).
    pub status: String,
    pub commune_code: String,
    pub campaign_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pool {
    pub id: i64,
    /// The code on the label, e.g. `P45`.
    pub code: String,
    pub household: bool,
    pub status: String,
    pub samples: Vec<Sample>,
}

/// What a result did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultOutcome {
    pub result_id: i64,
    /// The same result had been recorded before: nothing changed.
    pub unchanged: bool,
    /// The samples it covers, with their new status.
    pub samples: Vec<Sample>,
    /// The case it confirmed, if any (code `BN…`).
    pub case_code: Option<String>,
    /// The classes that changed with that case.
    pub class_changes: Vec<ClassChange>,
    /// The result would make an F0, and the province confirms F0 only after
    /// a health officer's review: it waits in the review list.
    pub review_pending: bool,
}

/// A positive result waiting for review before it confirms an F0.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingReview {
    pub result_id: i64,
    pub sample_code: String,
    pub test_kind: String,
    pub ct: String,
    pub resulted_on: String,
    pub lab: Option<String>,
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    /// The person's class now (1 for F1, …), if any.
    pub class_level: Option<i64>,
}

/// Someone to sample: why, and since when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SamplingItem {
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    /// `pool_positive`, `resample`, `f1_not_sampled` or `scheduled_test`
    /// (a test a quarantine order requires that day).
    pub reason: String,
    /// The day the need arose (the result, or the day the F1 was exposed).
    pub since_on: String,
}

const SAMPLE_COLUMNS: &str = "s.id, s.code, s.person_id, s.specimen, s.collected_on, s.collected_where, s.lab, \
    s.status, s.commune_code, s.campaign_id, (SELECT code FROM pools WHERE id = s.pool_id) AS pool_code";

pub(crate) fn sample_from_row(r: &AnyRow) -> Result<Sample> {
    Ok(Sample {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        person_id: r.try_get("person_id")?,
        pool_code: r.try_get("pool_code")?,
        specimen: r.try_get("specimen")?,
        collected_on: r.try_get("collected_on")?,
        collected_where: r.try_get("collected_where")?,
        lab: r.try_get("lab")?,
        status: r.try_get("status")?,
        commune_code: r.try_get("commune_code")?,
        campaign_id: r.try_get("campaign_id")?,
    })
}
/// The shared fields of a sample or a pool as stored.
struct Taken {
    specimen: &'static str,
    collected_on: String,
    collected_where: Option<String>,
    lab: Option<String>,
    campaign_id: Option<i64>,
}

impl Taken {
    fn new(t: DomainTaken, campaign_id: Option<i64>) -> Self {
        Taken {
            specimen: t.specimen.as_str(),
            collected_on: t.collected_on.to_string(),
            collected_where: t.collected_where,
            lab: t.lab,
            campaign_id,
        }
    }
}

impl Store {
    /// Record one individual sample of a person in the actor's jurisdiction.
    pub async fn record_sample(
        &self,
        actor: &Actor,
        input: &SampleInput,
        today: NaiveDate,
    ) -> Result<Sample> {
        let mut v = self
            .record_samples(actor, std::slice::from_ref(input), today)
            .await?;
        v.pop()
            .ok_or_else(|| StoreError::not_found(crate::error::Entity::Sample, ""))
    }

    /// Record individual samples of several people (a team's round of the
    /// door list) in one transaction: all are saved, or none.
    pub async fn record_samples(
        &self,
        actor: &Actor,
        inputs: &[SampleInput],
        today: NaiveDate,
    ) -> Result<Vec<Sample>> {
        actor.require(Permission::CollectSamples)?;
        let mut checked = Vec::with_capacity(inputs.len());
        for input in inputs {
            let taken = input.parse(today)?;
            let campaign_id = match input.campaign_id {
                Some(c) => Some(self.campaign_for_sample(&actor.scope, c, today).await?.id),
                None => None,
            };
            let taken = Taken::new(taken, campaign_id);
            let person = self.person(&actor.scope, input.person_id).await?;
            checked.push((person, taken));
        }
        let mut tx = self.write.begin().await?;
        let mut out = Vec::with_capacity(checked.len());
        for (person, taken) in &checked {
            out.push(
                self.insert_sample_audited(&mut tx, actor, person, taken)
                    .await?,
            );
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Record a pool: one sample per member under one pool code.
    pub async fn record_pool(
        &self,
        actor: &Actor,
        input: &PoolInput,
        today: NaiveDate,
    ) -> Result<Pool> {
        actor.require(Permission::CollectSamples)?;
        let campaign = match input.campaign_id {
            Some(c) => Some(self.campaign_for_sample(&actor.scope, c, today).await?),
            None => None,
        };
        let default_max = match &campaign {
            _ if input.household => POOL_MAX,
            Some(c) => c.pool_size.max(2) as usize,
            None => 10,
        };
        let NewPool {
            person_ids: ids,
            household,
            taken,
        } = input.parse(today, default_max)?;
        let taken = Taken::new(taken, campaign.map(|c| c.id));
        let mut people = Vec::with_capacity(ids.len());
        for id in &ids {
            people.push(self.person(&actor.scope, *id).await?);
        }
        let first = &people[0];
        let mut tx = self.write.begin().await?;
        let stamp = self.stamp();
        let pool_id: i64 = sqlx::query_scalar(
            "INSERT INTO pools (code, household, specimen, collected_on, lab, status, province_code, district_code, \
             commune_code, created_by, created_at, campaign_id) \
             VALUES ('pending', $1, $2, $3, $4, 'collected', $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(household as i64)
        .bind(taken.specimen)
        .bind(taken.collected_on.as_str())
        .bind(taken.lab.as_deref())
        .bind(first.province_code.as_str())
        .bind(first.district_code.as_str())
        .bind(first.commune_code.as_str())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .bind(taken.campaign_id)
        .fetch_one(&mut *tx)
        .await?;
        let code = format!("P{pool_id}");
        sqlx::query("UPDATE pools SET code = $1 WHERE id = $2")
            .bind(code.as_str())
            .bind(pool_id)
            .execute(&mut *tx)
            .await?;
        for p in &people {
            insert_sample(&mut tx, actor, p, Some(pool_id), &taken, &self.stamp()).await?;
        }
        let pool = pool_in(&mut tx, pool_id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "pool",
            &pool.code,
            Some(&first.commune_code),
            None::<&()>,
            Some(&pool),
        )
        .await?;
        tx.commit().await?;
        Ok(pool)
    }

    /// A sample by its code, within the scope.
    pub async fn sample_by_code(&self, scope: &Scope, code: &str) -> Result<Sample> {
        let sql = format!("SELECT {SAMPLE_COLUMNS} FROM samples s WHERE s.code = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "s");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(code.trim().to_uppercase()));
        match q.fetch_optional(&self.read).await? {
            Some(r) => sample_from_row(&r),
            None => Err(StoreError::not_found(crate::error::Entity::Sample, code)),
        }
    }

    /// A person's samples, newest first.
    pub async fn samples_of(&self, scope: &Scope, person_id: i64) -> Result<Vec<Sample>> {
        let p = self.person(scope, person_id).await?;
        sqlx::query(&format!(
            "SELECT {SAMPLE_COLUMNS} FROM samples s WHERE s.person_id = $1 ORDER BY s.id DESC"
        ))
        .bind(p.id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(sample_from_row)
        .collect()
    }

    /// Record a lab result for a sample or a pool in the actor's jurisdiction.
    /// Sending the same result again changes nothing. A negative pool clears
    /// its members; a positive pool puts each on the sampling list; a positive
    /// individual result that makes an F0 confirms the case.
    pub async fn record_result(
        &self,
        actor: &Actor,
        input: &ResultInput,
        today: NaiveDate,
    ) -> Result<ResultOutcome> {
        actor.require(Permission::RecordResults)?;
        let r = input.parse(today)?;
        let target = self.result_target(&actor.scope, &r.code).await?;
        // A positive individual result may confirm a case: the result, the
        // case and the link between them commit together, with the engine.
        let may_confirm = r.outcome == phongdich_domain::testing::Outcome::Positive
            && matches!(target, Target::Sample(_));
        let mut w = self.engine_write_if(may_confirm).await?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM test_results WHERE code = $1 AND test_kind = $2 AND outcome = $3 AND resulted_on = $4",
        )
        .bind(r.code.as_str())
        .bind(r.kind.as_str())
        .bind(r.outcome.as_str())
        .bind(r.resulted_on.to_string())
        .fetch_optional(w.conn())
        .await?;
        if let Some(id) = existing {
            w.rollback().await?;
            let samples = self.target_samples(&target).await?;
            return Ok(ResultOutcome {
                result_id: id,
                unchanged: true,
                samples,
                case_code: None,
                class_changes: Vec::new(),
                review_pending: false,
            });
        }
        let result_id = self.insert_result_in(&mut w, actor, &r, &target).await?;
        let (case_code, class_changes, review_pending) = match &target {
            Target::Sample(s) => {
                self.confirm_from_result_in(&mut w, actor, s, &r, result_id, today)
                    .await?
            }
            Target::Pool(..) => (None, Vec::new(), false),
        };
        w.commit().await?;
        let samples = self.target_samples(&target).await?;
        Ok(ResultOutcome {
            result_id,
            unchanged: false,
            samples,
            case_code,
            class_changes,
            review_pending,
        })
    }

    /// A result's row, its sample's (or pool's and members') status and its
    /// audit row, in the caller's write.
    async fn insert_result_in(
        &self,
        w: &mut EngineWrite<'_>,
        actor: &Actor,
        r: &NewResult,
        target: &Target,
    ) -> Result<i64> {
        let (sample_id, pool_id, unit) = match target {
            Target::Sample(s) => (Some(s.id), None, s.commune_code.clone()),
            Target::Pool(id, unit) => (None, Some(*id), unit.clone()),
        };
        let stamp = self.stamp();
        let result_id: i64 = sqlx::query_scalar(
            "INSERT INTO test_results (code, test_kind, outcome, ct, resulted_on, lab, sample_id, pool_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(r.code.as_str())
        .bind(r.kind.as_str())
        .bind(r.outcome.as_str())
        .bind(r.ct_text())
        .bind(r.resulted_on.to_string())
        .bind(r.lab.as_deref())
        .bind(sample_id)
        .bind(pool_id)
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(w.conn())
        .await?;
        let status = SampleStatus::after(r.outcome, pool_id.is_some());
        match target {
            Target::Sample(s) => {
                sqlx::query("UPDATE samples SET status = $1, updated_at = $2 WHERE id = $3")
                    .bind(status.as_str())
                    .bind(stamp.as_str())
                    .bind(s.id)
                    .execute(w.conn())
                    .await?;
            }
            Target::Pool(id, _) => {
                sqlx::query("UPDATE pools SET status = $1 WHERE id = $2")
                    .bind(r.outcome.as_str())
                    .bind(*id)
                    .execute(w.conn())
                    .await?;
                sqlx::query("UPDATE samples SET status = $1, updated_at = $2 WHERE pool_id = $3")
                    .bind(status.as_str())
                    .bind(stamp.as_str())
                    .bind(*id)
                    .execute(w.conn())
                    .await?;
            }
        }
        audit::record(
            &self.clock,
            w.tx(),
            actor,
            "create",
            "test_result",
            &result_id.to_string(),
            Some(&unit),
            None::<&()>,
            Some(&serde_json::json!({
                "code": r.code, "test_kind": r.kind.as_str(), "outcome": r.outcome.as_str(),
                "ct": r.ct_text(), "resulted_on": r.resulted_on.to_string(), "lab": r.lab,
            })),
        )
        .await?;
        Ok(result_id)
    }

    /// One sample written (not pooled), read back and audited in `tx`.
    async fn insert_sample_audited(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        person: &crate::Person,
        taken: &Taken,
    ) -> Result<Sample> {
        let id = insert_sample(tx, actor, person, None, taken, &self.stamp()).await?;
        let sample = sample_in(tx, id).await?;
        audit::record(
            &self.clock,
            tx,
            actor,
            "create",
            "sample",
            &sample.code,
            Some(&person.commune_code),
            None::<&()>,
            Some(&sample),
        )
        .await?;
        Ok(sample)
    }

    /// A positive rapid (antigen) test taken where the person stands — a
    /// checkpoint: the sample, its result and the case it confirms, in the
    /// caller's engine write, so that all of it commits with the caller's
    /// own record of it, or none of it. Returns the sample and the case.
    pub(crate) async fn rapid_positive_in(
        &self,
        w: &mut EngineWrite<'_>,
        actor: &Actor,
        person: &crate::Person,
        on: NaiveDate,
        place: &str,
        today: NaiveDate,
    ) -> Result<(Sample, Option<String>)> {
        actor.require(Permission::CollectSamples)?;
        actor.require(Permission::RecordResults)?;
        let taken = SampleInput {
            person_id: person.id,
            specimen: "nasal".into(),
            collected_on: on.to_string(),
            collected_where: place.to_owned(),
            lab: place.to_owned(),
            campaign_id: None,
        }
        .parse(today)?;
        let taken = Taken::new(taken, None);
        let sample = self
            .insert_sample_audited(w.tx(), actor, person, &taken)
            .await?;
        let id = sample.id;
        let r = ResultInput {
            code: sample.code.clone(),
            test_kind: "antigen".into(),
            outcome: "positive".into(),
            ct: String::new(),
            resulted_on: on.to_string(),
            lab: place.to_owned(),
        }
        .parse(today)?;
        let result_id = self
            .insert_result_in(w, actor, &r, &Target::Sample(sample.clone()))
            .await?;
        let (case_code, _, _) = self
            .confirm_from_result_in(w, actor, &sample, &r, result_id, today)
            .await?;
        Ok((sample_in(w.tx(), id).await?, case_code))
    }

    /// A positive individual result that makes an F0 confirms the case
    /// (unless the person is one already), or waits for review where the
    /// province says so — in the result's own write, which holds the engine
    /// whenever the result is positive.
    pub(crate) async fn confirm_from_result_in(
        &self,
        w: &mut EngineWrite<'_>,
        actor: &Actor,
        s: &Sample,
        r: &NewResult,
        result_id: i64,
        today: NaiveDate,
    ) -> Result<(Option<String>, Vec<ClassChange>, bool)> {
        // Only a positive can make an F0: spare the look-up for the rest.
        if r.outcome != phongdich_domain::testing::Outcome::Positive {
            return Ok((None, Vec::new(), false));
        }
        // The class as the engine holds it: earlier confirmations of the
        // same write (a batch) included.
        let level = w.engine()?.class_of(s.person_id).map(|a| a.level);
        if level == Some(0) || !confirms_f0(r.kind, r.outcome, level, r.resulted_on) {
            return Ok((None, Vec::new(), false));
        }
        let province: String =
            sqlx::query_scalar("SELECT province_code FROM samples WHERE id = $1")
                .bind(s.id)
                .fetch_one(&self.read)
                .await?;
        if self.setting(&province, F0_CONFIRMATION).await?.value == "review" {
            sqlx::query("UPDATE test_results SET review = 'pending' WHERE id = $1")
                .bind(result_id)
                .execute(w.conn())
                .await?;
            return Ok((None, Vec::new(), true));
        }
        // Confirming is tracing work; the lab's result triggers it as the system.
        let confirmer = Actor {
            name: actor.name.clone(),
            source: format!("{} (result {result_id})", actor.source),
            scope: actor.scope.clone(),
            role: phongdich_domain::Role::HealthStaff,
        };
        let (code, changes) = self
            .confirm_for_result_in(
                w,
                &confirmer,
                &CaseInput::found_in_community(
                    s.person_id,
                    &r.resulted_on.to_string(),
                    &s.collected_on,
                    r.kind.as_str(),
                ),
                result_id,
                today,
            )
            .await?;
        Ok((code, changes, false))
    }

    /// Confirm the F0 a result shows (`input`, from the result and its
    /// sample), and link the result to the case, in the caller's write
    /// (nothing committed here).
    async fn confirm_for_result_in(
        &self,
        w: &mut EngineWrite<'_>,
        confirmer: &Actor,
        input: &CaseInput,
        result_id: i64,
        today: NaiveDate,
    ) -> Result<(Option<String>, Vec<ClassChange>)> {
        let (case, changes) = match self.confirm_case_in(w, confirmer, input, today).await {
            Ok(x) => x,
            // Already a case (e.g. recovered and positive again): the result
            // stands, the case is not confirmed twice.
            Err(StoreError::Conflict { .. }) => return Ok((None, Vec::new())),
            Err(e) => return Err(e),
        };
        sqlx::query("UPDATE test_results SET case_id = $1 WHERE id = $2")
            .bind(case.id)
            .bind(result_id)
            .execute(w.conn())
            .await?;
        Ok((Some(case.code), changes))
    }

    /// Positive results waiting for a health officer's review before they
    /// confirm an F0, oldest first, within the scope.
    pub async fn pending_reviews(&self, scope: &Scope) -> Result<Vec<PendingReview>> {
        let mut b = QueryBuilder::numbered(String::new(), 0);
        let [cond] = scope.and_filters(&mut b, ["s"]);
        let sql = format!(
            "SELECT r.id, r.code, r.test_kind, r.ct, r.resulted_on, r.lab, s.person_id, p.full_name, \
             s.commune_code, (SELECT c.level FROM person_classes c WHERE c.person_id = s.person_id) AS level \
             FROM test_results r JOIN samples s ON s.id = r.sample_id JOIN persons p ON p.id = s.person_id \
             WHERE r.review = 'pending'{cond} ORDER BY r.resulted_on, r.id"
        );
        b.push(&sql);
        let q = b.bind_onto(sqlx::query(b.sql()));
        let mut out = Vec::new();
        for r in q.fetch_all(&self.read).await? {
            out.push(PendingReview {
                result_id: r.try_get("id")?,
                sample_code: r.try_get("code")?,
                test_kind: r.try_get("test_kind")?,
                ct: r.try_get("ct")?,
                resulted_on: r.try_get("resulted_on")?,
                lab: r.try_get("lab")?,
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                commune_code: r.try_get("commune_code")?,
                class_level: r.try_get("level")?,
            });
        }
        Ok(out)
    }

    /// A health officer's decision on a result waiting for review: confirm
    /// the F0 (the classes follow at once) or not, on file either way.
    pub async fn review_result(
        &self,
        actor: &Actor,
        result_id: i64,
        confirm: bool,
        today: NaiveDate,
    ) -> Result<ResultOutcome> {
        actor.require(Permission::Trace)?;
        let pending = self
            .pending_reviews(&actor.scope)
            .await?
            .into_iter()
            .find(|p| p.result_id == result_id);
        let Some(p) = pending else {
            let exists: Option<Option<String>> =
                sqlx::query_scalar("SELECT review FROM test_results WHERE id = $1")
                    .bind(result_id)
                    .fetch_optional(&self.read)
                    .await?;
            return Err(match exists {
                Some(Some(state)) if state != "pending" => StoreError::conflict(
                    "Kết quả này đã được xem xét.",
                    "This result has already been reviewed.",
                ),
                _ => StoreError::not_found(crate::error::Entity::TestResult, result_id),
            });
        };
        let sample = self.sample_by_code(&actor.scope, &p.sample_code).await?;
        // The decision, the case it confirms and the link commit together.
        let mut w = self.engine_write_if(confirm).await?;
        let (case_code, class_changes) = if confirm {
            self.confirm_for_result_in(
                &mut w,
                actor,
                &CaseInput::found_in_community(
                    sample.person_id,
                    &p.resulted_on,
                    &sample.collected_on,
                    &p.test_kind,
                ),
                result_id,
                today,
            )
            .await?
        } else {
            (None, Vec::new())
        };
        let decision = if confirm { "confirmed" } else { "dismissed" };
        sqlx::query(
            "UPDATE test_results SET review = $1, reviewed_by = $2, reviewed_at = $3 WHERE id = $4",
        )
        .bind(decision)
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .bind(result_id)
        .execute(w.conn())
        .await?;
        audit::record(
            &self.clock,
            w.tx(),
            actor,
            "update",
            "test_result",
            &result_id.to_string(),
            Some(&sample.commune_code),
            Some(&serde_json::json!({ "review": "pending" })),
            Some(&serde_json::json!({ "review": decision, "case": case_code })),
        )
        .await?;
        w.commit().await?;
        Ok(ResultOutcome {
            result_id,
            unchanged: false,
            samples: vec![self.sample_by_code(&actor.scope, &p.sample_code).await?],
            case_code,
            class_changes,
            review_pending: false,
        })
    }

    async fn result_target(&self, scope: &Scope, code: &str) -> Result<Target> {
        if code.starts_with('P') {
            let sql = "SELECT p.id, p.commune_code FROM pools p WHERE p.code = $1".to_owned();
            let mut b = QueryBuilder::numbered(sql, 1);
            scope.push_filter(&mut b, "p");
            let q = b.bind_onto(sqlx::query(b.sql()).bind(code));
            return match q.fetch_optional(&self.read).await? {
                Some(r) => Ok(Target::Pool(r.try_get("id")?, r.try_get("commune_code")?)),
                None => Err(StoreError::not_found(crate::error::Entity::Pool, code)),
            };
        }
        Ok(Target::Sample(self.sample_by_code(scope, code).await?))
    }

    async fn target_samples(&self, target: &Target) -> Result<Vec<Sample>> {
        let (sql, id) = match target {
            Target::Sample(s) => (
                format!("SELECT {SAMPLE_COLUMNS} FROM samples s WHERE s.id = $1"),
                s.id,
            ),
            Target::Pool(id, _) => (
                format!(
                    "SELECT {SAMPLE_COLUMNS} FROM samples s WHERE s.pool_id = $1 ORDER BY s.id"
                ),
                *id,
            ),
        };
        sqlx::query(&sql)
            .bind(id)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(sample_from_row)
            .collect()
    }

    /// Who must be sampled in the scope, oldest need first: people whose
    /// latest sample was in a positive pool or inconclusive, and F1s with no
    /// sample since they were exposed.
    pub async fn sampling_list(&self, scope: &Scope) -> Result<Vec<SamplingItem>> {
        self.sampling_list_on(scope, self.today()).await
    }

    /// The sampling list as of `day`: it also holds the tests quarantine
    /// orders require that day (`scheduled_test`) not yet taken.
    pub async fn sampling_list_on(
        &self,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<SamplingItem>> {
        let mut out = Vec::new();
        let mut b = QueryBuilder::numbered(String::new(), 0);
        let [cond_s] = scope.and_filters(&mut b, ["s"]);
        let sql = format!(
            "SELECT s.person_id, p.full_name, s.commune_code, s.status, \
             COALESCE((SELECT MAX(r.resulted_on) FROM test_results r \
               WHERE r.sample_id = s.id OR (s.pool_id IS NOT NULL AND r.pool_id = s.pool_id)), s.collected_on) AS since_on \
             FROM samples s JOIN persons p ON p.id = s.person_id \
             WHERE s.status IN ('pool_positive', 'resample'){cond_s} \
             AND s.id = (SELECT MAX(l.id) FROM samples l WHERE l.person_id = s.person_id) \
             ORDER BY since_on, s.person_id"
        );
        b.push(&sql);
        let q = b.bind_onto(sqlx::query(b.sql()));
        for r in q.fetch_all(&self.read).await? {
            out.push(SamplingItem {
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                commune_code: r.try_get("commune_code")?,
                reason: r.try_get("status")?,
                since_on: r.try_get("since_on")?,
            });
        }
        let mut b = QueryBuilder::numbered(String::new(), 0);
        let [cond_c] = scope.and_filters(&mut b, ["c"]);
        let sql = format!(
            "SELECT c.person_id, p.full_name, c.commune_code, c.since_on FROM person_classes c \
             JOIN persons p ON p.id = c.person_id \
             WHERE c.level = 1{cond_c} \
             AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.person_id = c.person_id AND s.collected_on >= c.since_on) \
             ORDER BY c.since_on, c.person_id"
        );
        b.push(&sql);
        let q = b.bind_onto(sqlx::query(b.sql()));
        for r in q.fetch_all(&self.read).await? {
            out.push(SamplingItem {
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                commune_code: r.try_get("commune_code")?,
                reason: "f1_not_sampled".into(),
                since_on: r.try_get("since_on")?,
            });
        }
        // Test days of active orders are rows of `quarantine_test_days` (migration 13).
        let mut b = QueryBuilder::numbered(String::new(), 1);
        let [cond_t] = scope.and_filters(&mut b, ["t"]);
        let sql = format!(
            "SELECT o.person_id, p.full_name, o.commune_code FROM quarantine_test_days t \
             JOIN quarantine_orders o ON o.id = t.order_id JOIN persons p ON p.id = o.person_id \
             WHERE t.day = $1{cond_t} \
             AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.person_id = o.person_id AND s.collected_on = $1) \
             ORDER BY o.commune_code, o.person_id"
        );
        let d = day.to_string();
        b.push(&sql);
        let q = b.bind_onto(sqlx::query(b.sql()).bind(d.as_str()));
        for r in q.fetch_all(&self.read).await? {
            out.push(SamplingItem {
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                commune_code: r.try_get("commune_code")?,
                reason: "scheduled_test".into(),
                since_on: d.clone(),
            });
        }
        Ok(out)
    }
}

enum Target {
    Sample(Sample),
    /// Pool id and its commune.
    Pool(i64, String),
}

async fn insert_sample(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    person: &crate::Person,
    pool_id: Option<i64>,
    t: &Taken,
    stamp: &str,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO samples (code, person_id, pool_id, specimen, collected_on, collected_where, lab, status, \
         province_code, district_code, commune_code, created_by, created_at, updated_at, campaign_id) \
         VALUES ('pending', $1, $2, $3, $4, $5, $6, 'collected', $7, $8, $9, $10, $11, $11, $12) RETURNING id",
    )
    .bind(person.id)
    .bind(pool_id)
    .bind(t.specimen)
    .bind(t.collected_on.as_str())
    .bind(t.collected_where.as_deref())
    .bind(t.lab.as_deref())
    .bind(person.province_code.as_str())
    .bind(person.district_code.as_str())
    .bind(person.commune_code.as_str())
    .bind(actor.name.as_str())
    .bind(stamp)
    .bind(t.campaign_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE samples SET code = $1 WHERE id = $2")
        .bind(format!("S{id}"))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

async fn sample_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<Sample> {
    sample_from_row(
        &sqlx::query(&format!(
            "SELECT {SAMPLE_COLUMNS} FROM samples s WHERE s.id = $1"
        ))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?,
    )
}

async fn pool_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<Pool> {
    let r = sqlx::query("SELECT id, code, household, status FROM pools WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let samples = sqlx::query(&format!(
        "SELECT {SAMPLE_COLUMNS} FROM samples s WHERE s.pool_id = $1 ORDER BY s.id"
    ))
    .bind(id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(sample_from_row)
    .collect::<Result<Vec<_>>>()?;
    Ok(Pool {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        household: r.try_get::<i64, _>("household")? != 0,
        status: r.try_get("status")?,
        samples,
    })
}

/// One thing a lab has to test and answer: a pool, or a sample taken on its
/// own (a pooled sample is answered through its pool).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Awaiting {
    /// `P…` for a pool, `S…` for a sample: what the result is entered for.
    pub code: String,
    /// `pool` or `sample`.
    pub kind: String,
    /// A sample's person (none for a pool).
    pub person_id: Option<i64>,
    pub full_name: Option<String>,
    /// A pool's samples; 1 for a sample.
    pub members: i64,
    pub commune_code: String,
    pub lab: Option<String>,
    pub specimen: String,
    pub collected_on: String,
    /// Whole days since it was taken.
    pub days_waiting: i64,
}

/// A page of what awaits results, oldest first, with the whole count and
/// the labs named among all of it (to narrow the list to one).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwaitingResults {
    pub total: i64,
    pub paging: crate::Paging,
    pub items: Vec<Awaiting>,
    pub labs: Vec<String>,
}

/// A sample still without a result past the turnaround target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverdueSample {
    pub code: String,
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    pub lab: Option<String>,
    pub pool_code: Option<String>,
    pub collected_on: String,
    /// Whole days since it was taken.
    pub days_waiting: i64,
}

/// Turnaround of one lab (or of "no lab named").
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LabTurnaround {
    pub lab: Option<String>,
    /// Results received.
    pub results: i64,
    /// Median whole days from sampling to result.
    pub median_days: f64,
    /// Share of results within the target, in percent.
    pub within_target_percent: f64,
    /// Samples still waiting past the target.
    pub overdue: i64,
}

/// Turnaround figures of a jurisdiction (days: dates are whole days).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Turnaround {
    pub target_hours: i64,
    /// Median whole days from becoming F1 to the first sample after it.
    pub f1_to_sample_median_days: Option<f64>,
    /// F1s sampled within the target, in percent of those sampled.
    pub f1_sampled_within_target_percent: Option<f64>,
    pub labs: Vec<LabTurnaround>,
}

fn median(v: &mut [i64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    })
}

fn days_between(from: &str, to: &str) -> Option<i64> {
    let d = |s: &str| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok();
    Some((d(to)? - d(from)?).num_days())
}

impl Store {
    /// Samples of the scope taken at least `target_hours` ago (in whole days)
    /// and still without a result, oldest first — the lists a committee
    /// chases labs with.
    pub async fn overdue_samples(
        &self,
        scope: &Scope,
        today: NaiveDate,
        target_hours: i64,
    ) -> Result<Vec<OverdueSample>> {
        let days = (target_hours.max(1) + 23) / 24;
        let cutoff = (today - chrono::Days::new(days as u64)).to_string();
        let mut b = QueryBuilder::numbered(String::new(), 1);
        let [cond] = scope.and_filters(&mut b, ["s"]);
        let sql = format!(
            "SELECT s.code, s.person_id, p.full_name, s.commune_code, s.lab, s.collected_on, \
             (SELECT code FROM pools WHERE id = s.pool_id) AS pool_code \
             FROM samples s JOIN persons p ON p.id = s.person_id \
             WHERE s.status = 'collected' AND s.collected_on <= $1{cond} ORDER BY s.collected_on, s.id"
        );
        b.push(&sql);
        let q = b.bind_onto(sqlx::query(b.sql()).bind(cutoff));
        let mut out = Vec::new();
        for r in q.fetch_all(&self.read).await? {
            let collected_on: String = r.try_get("collected_on")?;
            out.push(OverdueSample {
                days_waiting: days_between(&collected_on, &today.to_string()).unwrap_or_default(),
                code: r.try_get("code")?,
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                commune_code: r.try_get("commune_code")?,
                lab: r.try_get("lab")?,
                pool_code: r.try_get("pool_code")?,
                collected_on,
            });
        }
        Ok(out)
    }

    /// Pools and lone samples of the scope still without a result, oldest
    /// first: a lab's work list. `lab` narrows it to one lab's (`""`: those
    /// with no lab named).
    pub async fn awaiting_results(
        &self,
        scope: &Scope,
        lab: Option<&str>,
        paging: crate::Paging,
        today: NaiveDate,
    ) -> Result<AwaitingResults> {
        const ALL: &str = "SELECT 'pool' AS kind, pl.code, CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS TEXT) AS full_name, \
             (SELECT COUNT(*) FROM samples m WHERE m.pool_id = pl.id) AS members, pl.lab, pl.specimen, pl.collected_on, \
             pl.province_code, pl.district_code, pl.commune_code FROM pools pl WHERE pl.status = 'collected' \
             UNION ALL SELECT 'sample' AS kind, s.code, s.person_id, p.full_name, 1 AS members, s.lab, s.specimen, s.collected_on, \
             s.province_code, s.district_code, s.commune_code FROM samples s JOIN persons p ON p.id = s.person_id \
             WHERE s.status = 'collected' AND s.pool_id IS NULL";
        let lab_cond = match lab.map(str::trim) {
            None => String::new(),
            Some("") => " AND x.lab IS NULL".to_owned(),
            Some(_) => " AND x.lab = $1".to_owned(),
        };
        let lab_value: Vec<String> = lab
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .into_iter()
            .collect();
        let build = |select: String, with_lab: bool| {
            let params = if with_lab { lab_value.len() } else { 0 };
            let mut b = QueryBuilder::numbered(String::new(), params);
            let [cond] = scope.and_filters(&mut b, ["x"]);
            b.push(&select.replace("{cond}", &cond));
            b
        };
        let b = build(
            format!("SELECT COUNT(*) AS n FROM ({ALL}) x WHERE 1 = 1{{cond}}{lab_cond}"),
            true,
        );
        let mut q = sqlx::query(b.sql());
        for v in &lab_value {
            q = q.bind(v.as_str());
        }
        let total: i64 = b.bind_onto(q).fetch_one(&self.read).await?.try_get("n")?;
        let b = build(
            format!(
                "SELECT x.* FROM ({ALL}) x WHERE 1 = 1{{cond}}{lab_cond} ORDER BY x.collected_on, x.code LIMIT {} OFFSET {}",
                paging.limit, paging.offset
            ),
            true,
        );
        let mut q = sqlx::query(b.sql());
        for v in &lab_value {
            q = q.bind(v.as_str());
        }
        let mut items = Vec::new();
        for r in b.bind_onto(q).fetch_all(&self.read).await? {
            let collected_on: String = r.try_get("collected_on")?;
            items.push(Awaiting {
                days_waiting: days_between(&collected_on, &today.to_string()).unwrap_or_default(),
                code: r.try_get("code")?,
                kind: r.try_get("kind")?,
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                members: r.try_get("members")?,
                commune_code: r.try_get("commune_code")?,
                lab: r.try_get("lab")?,
                specimen: r.try_get("specimen")?,
                collected_on,
            });
        }
        let b = build(
            format!(
                "SELECT DISTINCT x.lab FROM ({ALL}) x WHERE x.lab IS NOT NULL{{cond}} ORDER BY x.lab"
            ),
            false,
        );
        let labs = b
            .bind_onto(sqlx::query(b.sql()))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| r.try_get("lab"))
            .collect::<std::result::Result<_, _>>()?;
        Ok(AwaitingResults {
            total,
            paging,
            items,
            labs,
        })
    }

    /// Turnaround of the scope: F1 → sample, and sample → result per lab,
    /// against a target of `target_hours` (24 by the Ministry's practice).
    pub async fn turnaround(
        &self,
        scope: &Scope,
        today: NaiveDate,
        target_hours: i64,
    ) -> Result<Turnaround> {
        let target_days = (target_hours.max(1) + 23) / 24;
        // Sample → result: each sample's first result (its own, or its pool's).
        let mut b = QueryBuilder::numbered(
            "SELECT s.lab, s.collected_on, (SELECT MIN(r.resulted_on) FROM test_results r \
             WHERE r.sample_id = s.id OR (s.pool_id IS NOT NULL AND r.pool_id = s.pool_id)) AS resulted_on \
             FROM samples s WHERE 1 = 1",
            0,
        );
        scope.push_filter(&mut b, "s");
        let q = b.query();
        let mut labs: std::collections::BTreeMap<Option<String>, (Vec<i64>, i64)> =
            std::collections::BTreeMap::new();
        let today_s = today.to_string();
        for r in q.fetch_all(&self.read).await? {
            let lab: Option<String> = r.try_get("lab")?;
            let collected: String = r.try_get("collected_on")?;
            let resulted: Option<String> = r.try_get("resulted_on")?;
            let entry = labs.entry(lab).or_default();
            match resulted.and_then(|to| days_between(&collected, &to)) {
                Some(d) => entry.0.push(d),
                None if days_between(&collected, &today_s).is_some_and(|d| d >= target_days) => {
                    entry.1 += 1
                }
                None => {}
            }
        }
        let labs = labs
            .into_iter()
            .map(|(lab, (mut days, overdue))| {
                let within = days.iter().filter(|d| **d <= target_days).count();
                LabTurnaround {
                    lab,
                    results: days.len() as i64,
                    within_target_percent: if days.is_empty() {
                        0.0
                    } else {
                        (within as f64 * 1000.0 / days.len() as f64).round() / 10.0
                    },
                    median_days: median(&mut days).unwrap_or_default(),
                    overdue,
                }
            })
            .collect();
        // F1 → sample: the day someone first became F1 (class history), to
        // their first sample on or after it.
        let mut b = QueryBuilder::numbered(String::new(), 0);
        let [cond] = scope.and_filters(&mut b, ["s"]);
        // History is stamped in UTC; the day is Vietnam's, as samples are dated.
        let became = crate::sql::vietnam_day(self.dialect, "MIN(h.at)");
        let sql = format!(
            "SELECT h.person_id, {became} AS became, \
             (SELECT MIN(x.collected_on) FROM samples x WHERE x.person_id = h.person_id \
              AND x.collected_on >= {became}) AS sampled \
             FROM class_history h JOIN persons s ON s.id = h.person_id \
             WHERE h.level = 1{cond} GROUP BY h.person_id"
        );
        b.push(&sql);
        let q = b.bind_onto(sqlx::query(b.sql()));
        let mut waits = Vec::new();
        for r in q.fetch_all(&self.read).await? {
            let became: String = r.try_get("became")?;
            let sampled: Option<String> = r.try_get("sampled")?;
            if let Some(d) = sampled.and_then(|s| days_between(&became, &s)) {
                waits.push(d);
            }
        }
        let within = waits.iter().filter(|d| **d <= target_days).count();
        Ok(Turnaround {
            target_hours,
            f1_sampled_within_target_percent: (!waits.is_empty())
                .then(|| (within as f64 * 1000.0 / waits.len() as f64).round() / 10.0),
            f1_to_sample_median_days: median(&mut waits),
            labs,
        })
    }
}

impl Store {
    /// A pool with its samples, by the code on its label, within the scope.
    pub async fn pool_by_code(&self, scope: &Scope, code: &str) -> Result<Pool> {
        let code = code.trim().to_uppercase();
        match self.result_target(scope, &code).await? {
            Target::Pool(id, _) => {
                let mut tx = self.read.begin().await?;
                let pool = pool_in(&mut tx, id).await?;
                tx.rollback().await?;
                Ok(pool)
            }
            Target::Sample(_) => Err(StoreError::not_found(crate::error::Entity::Pool, code)),
        }
    }
}
