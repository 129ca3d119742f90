//! Cases (F0), contacts, isolation and release, and the F-classes the engine
//! derives from them. Every write updates the in-memory engine and persists
//! the class changes it reports in the same transaction, so readers see the
//! new classes the moment the write commits. If the transaction fails, the
//! engine change is undone.
//!
//! One server process owns the engine (loaded lazily from the tables); a
//! second process writing the same database would not see its changes until
//! restart — see ARCHITECTURE.md.

use crate::{Actor, Result, Scope, Store, StoreError, audit, now};
use chrono::NaiveDate;
use phongdich_domain::contact::{F1Rules, NewContact, parse_date, qualifies};
use phongdich_domain::{FieldError, Invalid, Permission};
use phongdich_engine::{Assignment, Change, Day, Engine, Status};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// Classes are computed up to F4, as Vietnamese committees trace.
pub const DEPTH: u8 = 4;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

pub fn day(d: NaiveDate) -> Day {
    (d - epoch()).num_days() as Day
}

pub fn date(d: Day) -> String {
    (epoch() + chrono::Duration::days(d as i64))
        .format("%Y-%m-%d")
        .to_string()
}

fn parse_day(s: &str) -> Option<Day> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(day)
}

/// A case as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CaseInput {
    pub person_id: i64,
    pub confirmed_on: String,
    pub sample_on: String,
    /// Empty when asymptomatic.
    pub onset_on: String,
    /// `rt_pcr` or `antigen`.
    pub test_kind: String,
    /// `case` (a known case), `cluster`, `imported`, `investigating`.
    pub source_kind: String,
    /// The case code, cluster name or country code behind `source_kind`.
    pub source_ref: String,
    /// `home`, `hospital`, `icu`, `recovered`, `deceased`, `transferred_out`.
    pub course: String,
    pub hospital: String,
    /// `community`, `quarantine`, `checkpoint`, `hospital`.
    pub detected_where: String,
    /// The day the case tested negative (end of its transmission period).
    pub negative_on: String,
}

impl CaseInput {
    /// The usual case found by a test in the community, source still under
    /// investigation, treated at home — what a positive lab result confirms.
    pub fn found_in_community(
        person_id: i64,
        confirmed_on: &str,
        sample_on: &str,
        test_kind: &str,
    ) -> CaseInput {
        CaseInput {
            person_id,
            confirmed_on: confirmed_on.into(),
            sample_on: sample_on.into(),
            test_kind: test_kind.into(),
            source_kind: "investigating".into(),
            course: "home".into(),
            detected_where: "community".into(),
            ..CaseInput::default()
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Case {
    pub id: i64,
    pub code: String,
    pub person_id: i64,
    pub confirmed_on: String,
    pub sample_on: Option<String>,
    pub onset_on: Option<String>,
    pub test_kind: String,
    pub source_kind: String,
    pub source_ref: Option<String>,
    pub course: String,
    pub hospital: Option<String>,
    pub detected_where: String,
    pub negative_on: Option<String>,
    pub commune_code: String,
    pub created_at: String,
}

impl Case {
    /// Still able to infect: not recovered, deceased or transferred out.
    pub fn active(&self) -> bool {
        !matches!(
            self.course.as_str(),
            "recovered" | "deceased" | "transferred_out"
        )
    }

    /// The engine's view: transmission window from 2 days before onset (or
    /// before the sample, or the confirmation) until the negative test.
    fn status(&self, mut base: Status) -> Status {
        base.f0 = if self.active() {
            let anchor = self
                .onset_on
                .as_deref()
                .or(self.sample_on.as_deref())
                .and_then(parse_day)
                .or_else(|| parse_day(&self.confirmed_on))
                .unwrap_or_default();
            Some((anchor - 2, self.negative_on.as_deref().and_then(parse_day)))
        } else {
            None
        };
        base
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: i64,
    pub person_id: i64,
    pub other_person_id: i64,
    pub from_on: String,
    pub to_on: String,
    pub setting: String,
    pub distance_m: Option<f64>,
    pub duration_min: Option<i64>,
    /// Meets the F1 criteria of the rule set in force.
    pub qualifies: bool,
    pub why_vi: String,
    pub why_en: String,
    pub created_by: String,
    pub created_at: String,
}

/// A person's current class.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ClassInfo {
    pub person_id: i64,
    /// 0 = F0, 1 = F1 … 4 = F4.
    pub level: i64,
    /// The first day this person could have been infected.
    pub since_on: String,
    /// The F0 at the head of the chain (person id).
    pub via_f0: i64,
    /// Person ids from that F0 to this person.
    pub path: Vec<i64>,
}

/// One entry of a person's class history; `level` absent means released.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClassHistoryEntry {
    pub at: String,
    pub level: Option<i64>,
    pub since_on: Option<String>,
    pub via_f0: Option<i64>,
    pub path: Vec<i64>,
    /// What caused it: `case:ID`, `contact:ID`, `status:PERSON`.
    pub cause: String,
}

/// A class change as answered to the writer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClassChange {
    pub person_id: i64,
    pub before: Option<i64>,
    pub after: Option<i64>,
}

fn path_text(p: &[i64]) -> String {
    p.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub(crate) fn parse_path(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

const CASE_COLUMNS: &str = "id, code, person_id, confirmed_on, sample_on, onset_on, test_kind, source_kind, source_ref, \
    course, hospital, detected_where, negative_on, commune_code, created_at";

fn case_from_row(r: &AnyRow) -> Result<Case> {
    Ok(Case {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        person_id: r.try_get("person_id")?,
        confirmed_on: r.try_get("confirmed_on")?,
        sample_on: r.try_get("sample_on")?,
        onset_on: r.try_get("onset_on")?,
        test_kind: r.try_get("test_kind")?,
        source_kind: r.try_get("source_kind")?,
        source_ref: r.try_get("source_ref")?,
        course: r.try_get("course")?,
        hospital: r.try_get("hospital")?,
        detected_where: r.try_get("detected_where")?,
        negative_on: r.try_get("negative_on")?,
        commune_code: r.try_get("commune_code")?,
        created_at: r.try_get("created_at")?,
    })
}

const CONTACT_COLUMNS: &str = "id, person_id, other_person_id, from_on, to_on, setting, distance_m, duration_min, \
    qualifies, why_vi, why_en, created_by, created_at";

fn contact_from_row(r: &AnyRow) -> Result<Contact> {
    Ok(Contact {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        other_person_id: r.try_get("other_person_id")?,
        from_on: r.try_get("from_on")?,
        to_on: r.try_get("to_on")?,
        setting: r.try_get("setting")?,
        distance_m: r.try_get("distance_m")?,
        duration_min: r.try_get("duration_min")?,
        qualifies: r.try_get::<i64, _>("qualifies")? != 0,
        why_vi: r.try_get("why_vi")?,
        why_en: r.try_get("why_en")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

fn one_of(field: &str, value: &str, allowed: &[&str], errors: &mut Vec<FieldError>) -> String {
    let v = value.trim().to_lowercase();
    if allowed.contains(&v.as_str()) {
        v
    } else {
        errors.push(FieldError::new(
            field,
            "invalid_choice",
            format!(
                "Giá trị «{value}» không hợp lệ; chọn một trong: {}.",
                allowed.join(", ")
            ),
            format!(
                "“{value}” is not valid; use one of: {}.",
                allowed.join(", ")
            ),
        ));
        String::new()
    }
}

fn optional_date(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    if s.trim().is_empty() {
        return None;
    }
    parse_date(field, s)
        .map_err(|e| errors.push(e))
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// Checked case fields: (confirmed, sample, onset, test, source kind, source ref, course, hospital, detected, negative).
struct CheckedCase {
    confirmed_on: String,
    sample_on: Option<String>,
    onset_on: Option<String>,
    test_kind: String,
    source_kind: String,
    source_ref: Option<String>,
    course: String,
    hospital: Option<String>,
    detected_where: String,
    negative_on: Option<String>,
}

fn check_case(input: &CaseInput, today: NaiveDate) -> Result<CheckedCase, Invalid> {
    let mut errors = Vec::new();
    let confirmed = if input.confirmed_on.trim().is_empty() {
        Some(today.format("%Y-%m-%d").to_string())
    } else {
        optional_date("confirmed_on", &input.confirmed_on, &mut errors)
    };
    let sample_on = optional_date("sample_on", &input.sample_on, &mut errors);
    let onset_on = optional_date("onset_on", &input.onset_on, &mut errors);
    let negative_on = optional_date("negative_on", &input.negative_on, &mut errors);
    let test_kind = one_of(
        "test_kind",
        if input.test_kind.is_empty() {
            "rt_pcr"
        } else {
            &input.test_kind
        },
        &["rt_pcr", "antigen"],
        &mut errors,
    );
    let source_kind = one_of(
        "source_kind",
        if input.source_kind.is_empty() {
            "investigating"
        } else {
            &input.source_kind
        },
        &["case", "cluster", "imported", "investigating"],
        &mut errors,
    );
    let course = one_of(
        "course",
        if input.course.is_empty() {
            "home"
        } else {
            &input.course
        },
        &[
            "home",
            "hospital",
            "icu",
            "recovered",
            "deceased",
            "transferred_out",
        ],
        &mut errors,
    );
    let detected_where = one_of(
        "detected_where",
        if input.detected_where.is_empty() {
            "community"
        } else {
            &input.detected_where
        },
        &["community", "quarantine", "checkpoint", "hospital"],
        &mut errors,
    );
    let text = |s: &str| Some(phongdich_domain::text::clean(s)).filter(|s| !s.is_empty());
    let source_ref = text(&input.source_ref);
    if matches!(source_kind.as_str(), "case" | "cluster" | "imported") && source_ref.is_none() {
        errors.push(FieldError::new(
            "source_ref",
            "required",
            "Cần ghi nguồn lây: mã ca bệnh, tên ổ dịch hoặc mã quốc gia.",
            "Give the source: a case code, a cluster name or a country code.",
        ));
    }
    let today_s = today.format("%Y-%m-%d").to_string();
    for (field, d) in [
        ("confirmed_on", &confirmed),
        ("sample_on", &sample_on),
        ("onset_on", &onset_on),
    ] {
        if d.as_deref().is_some_and(|d| d > today_s.as_str()) {
            errors.push(FieldError::new(
                field,
                "in_future",
                "Ngày ở tương lai.",
                "The date is in the future.",
            ));
        }
    }
    if let (Some(s), Some(c)) = (&sample_on, &confirmed)
        && s > c
    {
        errors.push(FieldError::new(
            "sample_on",
            "after_confirmation",
            "Ngày lấy mẫu sau ngày khẳng định.",
            "The sample date is after the confirmation.",
        ));
    }
    match (confirmed, errors.is_empty()) {
        (Some(confirmed_on), true) => Ok(CheckedCase {
            confirmed_on,
            sample_on,
            onset_on,
            test_kind,
            source_kind,
            source_ref,
            course,
            hospital: text(&input.hospital),
            detected_where,
            negative_on,
        }),
        _ => Err(Invalid(errors)),
    }
}

impl Store {
    /// The engine, loaded from the tables on first use; held for a whole write.
    async fn engine_guard(&self) -> Result<tokio::sync::MutexGuard<'_, Option<Engine>>> {
        let mut guard = self.tracing.lock().await;
        if guard.is_none() {
            *guard = Some(self.load_engine().await?);
        }
        Ok(guard)
    }

    async fn load_engine(&self) -> Result<Engine> {
        let mut e = Engine::new(DEPTH);
        let mut statuses: HashMap<i64, Status> = HashMap::new();
        for r in sqlx::query("SELECT person_id, isolated_from, released_on FROM person_status")
            .fetch_all(&self.read)
            .await?
        {
            let iso: Option<String> = r.try_get("isolated_from")?;
            let rel: Option<String> = r.try_get("released_on")?;
            statuses.insert(
                r.try_get("person_id")?,
                Status {
                    f0: None,
                    isolated_from: iso.as_deref().and_then(parse_day),
                    released_on: rel.as_deref().and_then(parse_day),
                },
            );
        }
        for r in sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases"))
            .fetch_all(&self.read)
            .await?
        {
            let c = case_from_row(&r)?;
            let base = statuses.get(&c.person_id).copied().unwrap_or_default();
            statuses.insert(c.person_id, c.status(base));
        }
        for (p, s) in statuses {
            e.load_status(p, s);
        }
        for r in sqlx::query(
            "SELECT person_id, other_person_id, from_on, to_on, qualifies FROM contacts",
        )
        .fetch_all(&self.read)
        .await?
        {
            let (Some(f), Some(t)) = (
                parse_day(&r.try_get::<String, _>("from_on")?),
                parse_day(&r.try_get::<String, _>("to_on")?),
            ) else {
                continue;
            };
            e.load_contact(
                r.try_get("person_id")?,
                r.try_get("other_person_id")?,
                f,
                t,
                r.try_get::<i64, _>("qualifies")? != 0,
            );
        }
        e.classify_all();
        Ok(e)
    }

    /// Rebuild the engine from the tables and store every class that differs
    /// (after a merge or its undo re-pointed contacts and cases).
    pub(crate) async fn resync_classes(&self, cause: &str) -> Result<()> {
        let mut guard = self.tracing.lock().await;
        let fresh = self.load_engine().await?;
        let mut stored: HashMap<i64, Assignment> = HashMap::new();
        for r in sqlx::query("SELECT person_id, level, since_on, via_f0, path FROM person_classes")
            .fetch_all(&self.read)
            .await?
        {
            stored.insert(
                r.try_get("person_id")?,
                Assignment {
                    level: r.try_get::<i64, _>("level")? as u8,
                    since: parse_day(&r.try_get::<String, _>("since_on")?).unwrap_or_default(),
                    via_f0: r.try_get("via_f0")?,
                    path: parse_path(&r.try_get::<String, _>("path")?),
                },
            );
        }
        let mut changes = Vec::new();
        for (p, a) in fresh.classes() {
            if stored.remove(&p).as_ref() != Some(a) {
                changes.push(Change {
                    person: p,
                    before: None,
                    after: Some(a.clone()),
                });
            }
        }
        for (p, a) in stored {
            changes.push(Change {
                person: p,
                before: Some(a),
                after: None,
            });
        }
        if !changes.is_empty() {
            let mut tx = self.write.begin().await?;
            self.persist_changes(&mut tx, &changes, cause).await?;
            tx.commit().await?;
        }
        *guard = Some(fresh);
        Ok(())
    }

    /// Persist the engine's class changes in the write's transaction: a few
    /// multi-row statements, not three per change (a confirmation changes
    /// hundreds of classes at a province's scale).
    async fn persist_changes(
        &self,
        tx: &mut Transaction<'static, Any>,
        changes: &[Change],
        cause: &str,
    ) -> Result<Vec<ClassChange>> {
        use crate::persons::{in_list, placeholders};
        let engine = self.engine;
        let stamp = now();
        for chunk in changes.chunks(500) {
            let sql = format!(
                "DELETE FROM person_classes WHERE person_id IN ({})",
                in_list(engine, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q.bind(c.person);
            }
            q.execute(&mut **tx).await?;
        }
        let classed: Vec<(&Change, &Assignment)> = changes
            .iter()
            .filter_map(|c| c.after.as_ref().map(|a| (c, a)))
            .collect();
        for chunk in classed.chunks(200) {
            // The unit columns that the work lists filter by, from the person.
            let sql = format!(
                "SELECT id, province_code, district_code, commune_code FROM persons WHERE id IN ({})",
                in_list(engine, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for (c, _) in chunk {
                q = q.bind(c.person);
            }
            let mut units: HashMap<i64, (String, String, String)> = HashMap::new();
            for r in q.fetch_all(&mut **tx).await? {
                units.insert(
                    r.try_get("id")?,
                    (
                        r.try_get("province_code")?,
                        r.try_get("district_code")?,
                        r.try_get("commune_code")?,
                    ),
                );
            }
            let rows: Vec<_> = chunk
                .iter()
                .filter_map(|(c, a)| units.get(&c.person).map(|u| (c.person, *a, u)))
                .collect();
            if rows.is_empty() {
                continue;
            }
            let sql = format!(
                "INSERT INTO person_classes (person_id, level, since_on, via_f0, path, province_code, district_code, \
                 commune_code, updated_at) VALUES {}",
                placeholders(engine, rows.len(), 9, "")
            );
            let mut q = sqlx::query(&sql);
            for (person, a, (province, district, commune)) in rows {
                q = q
                    .bind(person)
                    .bind(a.level as i64)
                    .bind(date(a.since))
                    .bind(a.via_f0)
                    .bind(path_text(&a.path))
                    .bind(province.as_str())
                    .bind(district.as_str())
                    .bind(commune.as_str())
                    .bind(stamp.as_str());
            }
            q.execute(&mut **tx).await?;
        }
        for chunk in changes.chunks(200) {
            let sql = format!(
                "INSERT INTO class_history (person_id, at, level, since_on, via_f0, path, cause) VALUES {}",
                placeholders(engine, chunk.len(), 7, "")
            );
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q
                    .bind(c.person)
                    .bind(stamp.as_str())
                    .bind(c.after.as_ref().map(|a| a.level as i64))
                    .bind(c.after.as_ref().map(|a| date(a.since)))
                    .bind(c.after.as_ref().map(|a| a.via_f0))
                    .bind(c.after.as_ref().map(|a| path_text(&a.path)))
                    .bind(cause);
            }
            q.execute(&mut **tx).await?;
        }
        Ok(changes
            .iter()
            .map(|c| ClassChange {
                person_id: c.person,
                before: c.before.as_ref().map(|a| a.level as i64),
                after: c.after.as_ref().map(|a| a.level as i64),
            })
            .collect())
    }

    /// Confirm a person (within the actor's jurisdiction) as F0; classes
    /// follow at once.
    pub async fn confirm_case(
        &self,
        actor: &Actor,
        input: &CaseInput,
        today: NaiveDate,
    ) -> Result<(Case, Vec<ClassChange>)> {
        actor.require(Permission::Trace)?;
        let checked = check_case(input, today)?;
        let person = self.person(&actor.scope, input.person_id).await?;
        if person.merged_into.is_some() {
            return Err(StoreError::not_found("person", input.person_id));
        }
        let mut checked = checked;
        let mut guard = self.engine_guard().await?;
        let engine = guard
            .as_mut()
            .ok_or_else(|| StoreError::Data("engine".into()))?;
        // An F(n) turning positive without a known source: infected through the
        // F0 at the head of their chain, as committees record it.
        if checked.source_kind == "investigating"
            && checked.source_ref.is_none()
            && let Some(via) = engine
                .class_of(person.id)
                .filter(|a| a.level > 0)
                .map(|a| a.via_f0)
            && let Some(code) = self.case_code_of(via).await?
        {
            checked.source_kind = "case".into();
            checked.source_ref = Some(code);
        }
        let mut tx = self.write.begin().await?;
        let taken: Option<String> =
            sqlx::query_scalar("SELECT code FROM cases WHERE person_id = $1")
                .bind(person.id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(code) = taken {
            return Err(StoreError::conflict(
                format!("Người này đã là ca bệnh {code}."),
                format!("This person is already case {code}."),
            ));
        }
        let stamp = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cases (code, person_id, confirmed_on, sample_on, onset_on, test_kind, source_kind, source_ref, \
             course, hospital, detected_where, negative_on, province_code, district_code, commune_code, created_by, \
             created_at, updated_at) VALUES ('pending', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) \
             RETURNING id",
        )
        .bind(person.id)
        .bind(checked.confirmed_on.as_str())
        .bind(checked.sample_on.as_deref())
        .bind(checked.onset_on.as_deref())
        .bind(checked.test_kind.as_str())
        .bind(checked.source_kind.as_str())
        .bind(checked.source_ref.as_deref())
        .bind(checked.course.as_str())
        .bind(checked.hospital.as_deref())
        .bind(checked.detected_where.as_str())
        .bind(checked.negative_on.as_deref())
        .bind(person.province_code.as_str())
        .bind(person.district_code.as_str())
        .bind(person.commune_code.as_str())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(&mut *tx)
        .await?;
        // Case codes as committees write them: BN followed by the number.
        sqlx::query("UPDATE cases SET code = $1 WHERE id = $2")
            .bind(format!("BN{id}"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // Stop-gap until the lead's section 1 writes every source: the one
        // "infected by" case of the text fields as a `case_sources` row, so the
        // chain (which reads only `case_sources`) sees new cases.
        if checked.source_kind == "case"
            && let Some(code) = &checked.source_ref
        {
            sqlx::query(
                "INSERT INTO case_sources (case_id, kind, source_case_id, created_by, created_at) \
                 SELECT $1, 'case', s.id, $2, $3 FROM cases s WHERE s.code = $4 AND s.id <> $1",
            )
            .bind(id)
            .bind(actor.name.as_str())
            .bind(stamp.as_str())
            .bind(code.to_uppercase())
            .execute(&mut *tx)
            .await?;
        }
        let case = case_from_row(
            &sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        let old = engine.status(person.id);
        let changes = engine.set_status(person.id, case.status(old));
        let written = async {
            let out = self
                .persist_changes(&mut tx, &changes, &format!("case:{id}"))
                .await?;
            audit::record(
                &mut tx,
                actor,
                "create",
                "case",
                &case.code,
                Some(&person.commune_code),
                None::<&()>,
                Some(&case),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(out)
        }
        .await;
        let out = match written {
            Ok(out) => out,
            Err(e) => {
                engine.set_status(person.id, old);
                return Err(e);
            }
        };
        drop(guard);
        // A case whose source is a known cluster of the scope joins it.
        if case.source_kind == "cluster"
            && let Some(name) = &case.source_ref
            && let Some(cluster) = self.cluster_by_name(&actor.scope, name).await?
        {
            self.add_cluster_member(actor, cluster.id, person.id)
                .await?;
        }
        Ok((case, out))
    }

    /// Record a contact of a person within the actor's jurisdiction (the
    /// other person may live elsewhere: that unit sees them in its lists).
    pub async fn add_contact(
        &self,
        actor: &Actor,
        c: &NewContact,
    ) -> Result<(Contact, Vec<ClassChange>)> {
        actor.require(Permission::Trace)?;
        let person = self.person(&actor.scope, c.person_id).await?;
        let other = self
            .person(&Scope::national(), c.other_person_id)
            .await
            .map_err(|_| {
                StoreError::Invalid(Invalid(vec![FieldError::new(
                    "other_person_id",
                    "unknown_person",
                    "Không có người này trong danh sách.",
                    "There is no such person in the registry.",
                )]))
            })?;
        if person.merged_into.is_some() || other.merged_into.is_some() {
            return Err(StoreError::conflict(
                "Hồ sơ đã được gộp; hãy dùng hồ sơ còn lại.",
                "The record was merged; use the remaining record.",
            ));
        }
        let (ok, why_vi, why_en) = qualifies(c, &F1Rules::on(c.from));
        let (from, to) = (day(c.from), day(c.to));
        let mut guard = self.engine_guard().await?;
        let engine = guard
            .as_mut()
            .ok_or_else(|| StoreError::Data("engine".into()))?;
        let mut tx = self.write.begin().await?;
        let stamp = now();
        let b = |v: bool| v as i64;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contacts (person_id, other_person_id, from_on, to_on, setting, distance_m, duration_min, masked, \
             body_contact, caregiving, protective_equipment, closed_space, qualifies, why_vi, why_en, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, CAST($6 AS DOUBLE PRECISION), $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
        )
        .bind(person.id)
        .bind(other.id)
        .bind(date(from))
        .bind(date(to))
        .bind(c.setting.as_str())
        // As text, cast in SQL: with the Any driver a NULL and a float bound to
        // the same cached statement disagreed on PostgreSQL ("incorrect binary
        // data format in bind parameter 6").
        .bind(c.distance_m.map(|d| d.to_string()))
        .bind(c.duration_min)
        .bind(b(c.masked))
        .bind(b(c.body_contact))
        .bind(b(c.caregiving))
        .bind(b(c.protective_equipment))
        .bind(b(c.closed_space))
        .bind(b(ok))
        .bind(why_vi.as_str())
        .bind(why_en.as_str())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let contact = contact_from_row(
            &sqlx::query(&format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1"
            ))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?,
        )?;
        let changes = engine.add_contact(person.id, other.id, from, to, ok);
        let written = async {
            let out = self
                .persist_changes(&mut tx, &changes, &format!("contact:{id}"))
                .await?;
            audit::record(
                &mut tx,
                actor,
                "create",
                "contact",
                &id.to_string(),
                Some(&person.commune_code),
                None::<&()>,
                Some(&contact),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(out)
        }
        .await;
        match written {
            Ok(out) => Ok((contact, out)),
            Err(e) => {
                engine.remove_contact(person.id, other.id, from, to, ok);
                Err(e)
            }
        }
    }

    /// Isolation start (`isolated_from`) or release (`released_on`) of a
    /// person; either may be cleared with `None`. A recovered F0 is a change
    /// of its case's course ([`Store::set_case_course`]).
    pub async fn set_person_status(
        &self,
        actor: &Actor,
        person_id: i64,
        isolated_from: Option<NaiveDate>,
        released_on: Option<NaiveDate>,
    ) -> Result<Vec<ClassChange>> {
        actor.require(Permission::Trace)?;
        let person = self.person(&actor.scope, person_id).await?;
        let mut guard = self.engine_guard().await?;
        let engine = guard
            .as_mut()
            .ok_or_else(|| StoreError::Data("engine".into()))?;
        let old = engine.status(person.id);
        let new = Status {
            isolated_from: isolated_from.map(day),
            released_on: released_on.map(day),
            ..old
        };
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM person_status WHERE person_id = $1")
            .bind(person.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO person_status (person_id, isolated_from, released_on, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(person.id)
            .bind(new.isolated_from.map(date))
            .bind(new.released_on.map(date))
            .bind(now())
            .execute(&mut *tx)
            .await?;
        let changes = engine.set_status(person.id, new);
        let written = async {
            let out = self.persist_changes(&mut tx, &changes, &format!("status:{}", person.id)).await?;
            let after = serde_json::json!({
                "isolated_from": new.isolated_from.map(date), "released_on": new.released_on.map(date)
            });
            audit::record(
                &mut tx,
                actor,
                "update",
                "person_status",
                &person.id.to_string(),
                Some(&person.commune_code),
                None::<&()>,
                Some(&after),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(out)
        }
        .await;
        match written {
            Ok(out) => Ok(out),
            Err(e) => {
                engine.set_status(person.id, old);
                Err(e)
            }
        }
    }

    /// Change a case's course (e.g. `recovered`) and the day it tested negative.
    pub async fn set_case_course(
        &self,
        actor: &Actor,
        case_id: i64,
        course: &str,
        negative_on: Option<NaiveDate>,
    ) -> Result<(Case, Vec<ClassChange>)> {
        actor.require(Permission::Trace)?;
        let before = self.case(&actor.scope, case_id).await?;
        let mut errors = Vec::new();
        let course = one_of(
            "course",
            course,
            &[
                "home",
                "hospital",
                "icu",
                "recovered",
                "deceased",
                "transferred_out",
            ],
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(StoreError::Invalid(Invalid(errors)));
        }
        let mut guard = self.engine_guard().await?;
        let engine = guard
            .as_mut()
            .ok_or_else(|| StoreError::Data("engine".into()))?;
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE cases SET course = $1, negative_on = $2, updated_at = $3, version = version + 1 WHERE id = $4")
            .bind(course.as_str())
            .bind(negative_on.map(|d| d.format("%Y-%m-%d").to_string()))
            .bind(now())
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        let after = case_from_row(
            &sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
                .bind(case_id)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        let old = engine.status(after.person_id);
        let changes = engine.set_status(after.person_id, after.status(old));
        let written = async {
            let out = self
                .persist_changes(&mut tx, &changes, &format!("case:{case_id}"))
                .await?;
            audit::record(
                &mut tx,
                actor,
                "update",
                "case",
                &after.code,
                Some(&after.commune_code),
                Some(&before),
                Some(&after),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(out)
        }
        .await;
        match written {
            Ok(out) => Ok((after, out)),
            Err(e) => {
                engine.set_status(after.person_id, old);
                Err(e)
            }
        }
    }

    /// One case within the scope.
    pub async fn case(&self, scope: &Scope, id: i64) -> Result<Case> {
        let mut sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1");
        let cond = scope.condition("c", 2);
        if let Some((c, _)) = &cond {
            sql.push_str(&format!(" AND {c}"));
        }
        let mut q = sqlx::query(&sql).bind(id);
        if let Some((_, p)) = cond {
            q = q.bind(p);
        }
        match q.fetch_optional(&self.read).await? {
            Some(r) => case_from_row(&r),
            None => Err(StoreError::not_found("case", id)),
        }
    }

    /// A person's current class and class history (the person must be in scope).
    pub async fn person_class(
        &self,
        scope: &Scope,
        person_id: i64,
    ) -> Result<(Option<ClassInfo>, Vec<ClassHistoryEntry>)> {
        let p = self.person(scope, person_id).await?;
        let current = match sqlx::query("SELECT person_id, level, since_on, via_f0, path FROM person_classes WHERE person_id = $1")
            .bind(p.id)
            .fetch_optional(&self.read)
            .await?
        {
            Some(r) => Some(ClassInfo {
                person_id: r.try_get("person_id")?,
                level: r.try_get("level")?,
                since_on: r.try_get("since_on")?,
                via_f0: r.try_get("via_f0")?,
                path: parse_path(&r.try_get::<String, _>("path")?),
            }),
            None => None,
        };
        let mut history = Vec::new();
        for r in sqlx::query("SELECT at, level, since_on, via_f0, path, cause FROM class_history WHERE person_id = $1 ORDER BY id")
            .bind(p.id)
            .fetch_all(&self.read)
            .await?
        {
            history.push(ClassHistoryEntry {
                at: r.try_get("at")?,
                level: r.try_get("level")?,
                since_on: r.try_get("since_on")?,
                via_f0: r.try_get("via_f0")?,
                path: r.try_get::<Option<String>, _>("path")?.as_deref().map(parse_path).unwrap_or_default(),
                cause: r.try_get("cause")?,
            });
        }
        Ok((current, history))
    }

    /// Work list: people of one class (0–4) living in the scope, newest first.
    pub async fn class_list(
        &self,
        scope: &Scope,
        level: i64,
        limit: i64,
    ) -> Result<Vec<ClassInfo>> {
        self.work_list(scope, level, limit, false).await
    }

    /// Work list: people of one class in the scope not yet isolated or
    /// quarantined, oldest exposure first (the ones to reach first).
    pub async fn class_list_not_isolated(
        &self,
        scope: &Scope,
        level: i64,
        limit: i64,
    ) -> Result<Vec<ClassInfo>> {
        self.work_list(scope, level, limit, true).await
    }

    async fn work_list(
        &self,
        scope: &Scope,
        level: i64,
        limit: i64,
        waiting: bool,
    ) -> Result<Vec<ClassInfo>> {
        let mut sql = String::from(
            "SELECT k.person_id, k.level, k.since_on, k.via_f0, k.path FROM person_classes k \
             LEFT JOIN person_status st ON st.person_id = k.person_id WHERE k.level = $1",
        );
        if waiting {
            sql.push_str(" AND st.isolated_from IS NULL");
        }
        let cond = scope.condition("k", 2);
        if let Some((c, _)) = &cond {
            sql.push_str(&format!(" AND {c}"));
        }
        let order = if waiting {
            "k.since_on, k.person_id"
        } else {
            "k.since_on DESC, k.person_id"
        };
        sql.push_str(&format!(" ORDER BY {order} LIMIT {}", limit.clamp(1, 1000)));
        let mut q = sqlx::query(&sql).bind(level);
        if let Some((_, p)) = cond {
            q = q.bind(p);
        }
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| {
                Ok(ClassInfo {
                    person_id: r.try_get("person_id")?,
                    level: r.try_get("level")?,
                    since_on: r.try_get("since_on")?,
                    via_f0: r.try_get("via_f0")?,
                    path: parse_path(&r.try_get::<String, _>("path")?),
                })
            })
            .collect()
    }

    /// How many people of each class (F0..F4) live in the scope.
    pub async fn class_counts(&self, scope: &Scope) -> Result<[i64; 5]> {
        let mut sql =
            String::from("SELECT k.level, COUNT(*) AS n FROM person_classes k WHERE 1 = 1");
        let cond = scope.condition("k", 1);
        if let Some((c, _)) = &cond {
            sql.push_str(&format!(" AND {c}"));
        }
        sql.push_str(" GROUP BY k.level");
        let mut q = sqlx::query(&sql);
        if let Some((_, p)) = cond {
            q = q.bind(p);
        }
        let mut out = [0i64; 5];
        for r in q.fetch_all(&self.read).await? {
            let level: i64 = r.try_get("level")?;
            if let Some(slot) = out.get_mut(level as usize) {
                *slot = r.try_get("n")?;
            }
        }
        Ok(out)
    }

    /// The code of a case, by person (any unit), for "infected by" links.
    pub async fn case_code_of(&self, person_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT code FROM cases WHERE person_id = $1")
                .bind(person_id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// The person behind a case code (any unit), for "infected by" links.
    pub async fn case_person_by_code(&self, code: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT person_id FROM cases WHERE code = $1")
                .bind(code.trim().to_uppercase())
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// Contacts recorded for a person in scope.
    /// The contacts of a person in the scope who live outside it, with the
    /// commune whose lists they were handed to: (code, name) by person id.
    /// What the tracer who recorded them sees; nothing else about them.
    pub async fn handed_over(
        &self,
        scope: &Scope,
        person_id: i64,
    ) -> Result<HashMap<i64, (String, String)>> {
        let p = self.person(scope, person_id).await?;
        let mut out = HashMap::new();
        for r in sqlx::query(
            "SELECT o.id, o.province_code, o.district_code, o.commune_code, u.name FROM contacts c \
             JOIN persons o ON o.id = CASE WHEN c.person_id = $1 THEN c.other_person_id ELSE c.person_id END \
             JOIN units u ON u.code = o.commune_code \
             WHERE c.person_id = $1 OR c.other_person_id = $1",
        )
        .bind(p.id)
        .fetch_all(&self.read)
        .await?
        {
            let commune: String = r.try_get("commune_code")?;
            if !scope.contains_codes(
                &r.try_get::<String, _>("province_code")?,
                &r.try_get::<String, _>("district_code")?,
                &commune,
            ) {
                out.insert(r.try_get("id")?, (commune, r.try_get("name")?));
            }
        }
        Ok(out)
    }

    pub async fn contacts_of(&self, scope: &Scope, person_id: i64) -> Result<Vec<Contact>> {
        let p = self.person(scope, person_id).await?;
        sqlx::query(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE person_id = $1 OR other_person_id = $1 ORDER BY from_on, id"
        ))
        .bind(p.id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(contact_from_row)
        .collect()
    }
}
