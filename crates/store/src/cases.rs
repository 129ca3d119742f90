//! Cases (F0), contacts, isolation and release, and the F-classes the engine
//! derives from them. Every write updates the in-memory engine and persists
//! the class changes it reports in the same transaction, so readers see the
//! new classes the moment the write commits. Writes go through
//! [`EngineWrite`](crate::engine_write): unless it commits, the engine change
//! is undone (also when the future is dropped or the task panics).
//!
//! One server process owns the engine (loaded lazily from the tables); a
//! second process writing the same database would not see its changes until
//! restart — see ARCHITECTURE.md.
//!
//! Codes: a case has the record's own code `PD<id>` (generated `BN<id>` codes
//! looked like national numbers and were renamed by migration 18), besides the
//! national number `official_code` (unique nationally) and the province's
//! `local_code` (unique in the province); a case is shown by the first it has.
//! Its dated course (`recovered_on`, `died_on`) is corrected by `correct_case`
//! (a blank keeps, a given value replaces; audited before/after with the
//! sources). Contacts carry the F1 criteria of the rule set in force and why
//! (`domain::contact`). `person_classes` holds each person's current class,
//! with unit columns for work lists, and `class_history` when, which class, via
//! which F0, the path and the cause. Class changes are persisted with a few
//! multi-row statements (delete, insert current classes with their unit
//! columns, insert history), not three per change.
//!
//! The engine is loaded from the tables on first use and rebuilt after a merge
//! or unmerge (which re-point contacts and cases) inside the merge's own write,
//! from the tables as that transaction sees them, storing any class that
//! differs. One server process owns the engine: a second process writing the
//! same database would not see the first one's engine changes until restart (a
//! PostgreSQL `LISTEN/NOTIFY` feed is the planned fix when several processes
//! are needed). Quarantine orders reach the engine in their transaction
//! (`create_order`, release: cause `order:ID`), merged with `person_status`
//! (`isolation_status`).
//!
//! Expiry: classes change with the day without any write.
//! `Store::expire_classes(today)` moves the engine's day, persisting what ended
//! (`class_history` cause `expired`); the web server runs it at start and every
//! 10 minutes with the store's clock (Vietnam's date). Until the first sweep
//! after a (re)load nothing expires (tests set the clock and sweep themselves).
//!
//! Class work lists (`class_page(scope, level, waiting, paging)`): one page of
//! a class with the whole count, ordered by class start then person id (a total
//! order: walking the pages gives everyone once); `/tracing?level=N&page=P`
//! shows 500 a page ("1–500 trên 12.345") with previous/next, `GET
//! /api/v1/tracing/list` takes `offset`/`limit` (1–1,000; another value is a
//! 400 naming the field, never clipped) and answers `{total, paging, entries}`.

use crate::case_sources::Source;
use crate::engine_write::EngineWrite;
use crate::sql::QueryBuilder;
use crate::{Actor, Result, Scope, Store, StoreError, audit};
use chrono::NaiveDate;
use phongdich_domain::contact::{F1Rules, NewContact, qualifies};
use phongdich_domain::{FieldError, Invalid, Permission};
use phongdich_engine::{Assignment, Change, Day, Engine, Exposure, Rules, Status};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::HashMap;

/// Classes are computed up to F4, as Vietnamese committees trace.
pub const DEPTH: u8 = 4;

/// The engine's dated rules from the domain's (`domain::tracing`): how long
/// a class lasts from its last exposure, and the tracing depth.
pub fn engine_rules() -> Rules {
    use phongdich_domain::tracing::{class_periods, depths};
    let mut periods: Vec<(Day, [Day; 4])> = class_periods()
        .into_iter()
        .map(|(d, n)| (day(d), [n as Day; 4]))
        .collect();
    periods.sort_by_key(|p| p.0);
    let mut depth: Vec<(Day, u8)> = depths().into_iter().map(|(d, n)| (day(d), n)).collect();
    depth.sort_by_key(|p| p.0);
    Rules { periods, depth }
}

/// How a recorded contact counts in the engine.
fn exposure(qualifies: bool, setting: &str) -> Exposure {
    match (qualifies, setting) {
        (false, _) => Exposure::None,
        (true, "household") => Exposure::Household,
        (true, _) => Exposure::Close,
    }
}

use crate::sql::days::{choice_of, date_of, opt_date_of};
pub(crate) use crate::sql::days::{date, day, parse_day, parse_path};
use phongdich_domain::case::{Course, DetectedWhere, TestKind as CaseTestKind};

pub use phongdich_domain::case::CaseInput;
use phongdich_domain::case::NewCase;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Case {
    pub id: i64,
    /// The code the case is known by: its national number (`BN1234`), else
    /// the province's own number, else the record's own code (`PD12`).
    pub code: String,
    /// The record's own code (`PD<id>`), whatever numbers it has.
    pub record_code: String,
    pub official_code: Option<String>,
    pub local_code: Option<String>,
    /// ISO 3166-1 alpha-2 of an imported case (`XX` unknown).
    pub import_country: Option<String>,
    pub recovered_on: Option<NaiveDate>,
    pub died_on: Option<NaiveDate>,
    pub person_id: i64,
    pub confirmed_on: NaiveDate,
    pub sample_on: Option<NaiveDate>,
    pub onset_on: Option<NaiveDate>,
    pub test_kind: CaseTestKind,
    pub source_kind: String,
    pub source_ref: Option<String>,
    pub course: Course,
    pub hospital: Option<String>,
    pub detected_where: DetectedWhere,
    pub negative_on: Option<NaiveDate>,
    pub commune_code: String,
    pub created_at: String,
    pub updated_at: String,
}

impl Case {
    /// Still able to infect: not recovered, deceased or transferred out.
    pub fn active(&self) -> bool {
        !matches!(
            self.course,
            Course::Recovered | Course::Deceased | Course::TransferredOut
        )
    }

    /// The engine's view: the transmission window from the look-back in
    /// force (`domain::tracing`: before onset, or before the sample — or the
    /// confirmation — when asymptomatic) until the earliest of the negative
    /// test, recovery and death. A closed case (recovered, deceased,
    /// transferred out) is no longer an F0 but its window stays: the people
    /// it exposed keep their classes. Closed without a date (a transfer has
    /// no date column): the window ends on the day the course was recorded.
    fn status(&self, mut base: Status) -> Status {
        let sample = self.sample_on.unwrap_or(self.confirmed_on);
        let start = phongdich_domain::tracing::transmission_start(self.onset_on, sample);
        let mut end = [self.negative_on, self.recovered_on, self.died_on]
            .into_iter()
            .flatten()
            .min()
            .map(day);
        if !self.active() && end.is_none() {
            end = self.updated_at.get(..10).and_then(parse_day);
        }
        base.f0 = Some((day(start), end));
        base.f0_closed = !self.active();
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

/// One page of a class's work list: the whole count, the window given and
/// its people.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ClassPage {
    /// Everyone of the list, across all pages.
    pub total: i64,
    /// The window this page is (`offset`, `limit`).
    pub paging: crate::Paging,
    pub entries: Vec<ClassInfo>,
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

const CASE_COLUMNS: &str = "id, COALESCE(official_code, local_code, code) AS code, code AS record_code, official_code, \
    local_code, import_country, recovered_on, died_on, person_id, confirmed_on, sample_on, onset_on, test_kind, source_kind, source_ref, \
    course, hospital, detected_where, negative_on, commune_code, created_at, updated_at";

/// A stored day as the text a form would hold.
fn text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn class_info_from_row(r: &AnyRow) -> Result<ClassInfo> {
    Ok(ClassInfo {
        person_id: r.try_get("person_id")?,
        level: r.try_get("level")?,
        since_on: r.try_get("since_on")?,
        via_f0: r.try_get("via_f0")?,
        path: parse_path(&r.try_get::<String, _>("path")?),
    })
}

fn case_from_row(r: &AnyRow) -> Result<Case> {
    Ok(Case {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        record_code: r.try_get("record_code")?,
        official_code: r.try_get("official_code")?,
        local_code: r.try_get("local_code")?,
        import_country: r.try_get("import_country")?,
        recovered_on: opt_date_of(r, "recovered_on")?,
        died_on: opt_date_of(r, "died_on")?,
        person_id: r.try_get("person_id")?,
        confirmed_on: date_of(r, "confirmed_on")?,
        sample_on: opt_date_of(r, "sample_on")?,
        onset_on: opt_date_of(r, "onset_on")?,
        test_kind: choice_of(r, "test_kind")?,
        source_kind: r.try_get("source_kind")?,
        source_ref: r.try_get("source_ref")?,
        course: choice_of(r, "course")?,
        hospital: r.try_get("hospital")?,
        detected_where: choice_of(r, "detected_where")?,
        negative_on: opt_date_of(r, "negative_on")?,
        commune_code: r.try_get("commune_code")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
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
    official_code: Option<String>,
    local_code: Option<String>,
    /// The sources as typed (resolved by the store against its records).
    infected_by: String,
    exposure_on: Option<String>,
    recovered_on: Option<String>,
    died_on: Option<String>,
    /// The origin as typed, for `other_province` (resolved by the store).
    origin_province: String,
    origin_district: String,
}

/// The columns a checked case writes, in [`CheckedCase::bind`]'s order
/// (insert and correction alike).
const CHECKED_COLUMNS: &str = "confirmed_on, sample_on, onset_on, test_kind, source_kind, source_ref, course, \
    hospital, detected_where, negative_on, official_code, local_code, recovered_on, died_on, import_country";

impl CheckedCase {
    /// Bind the values of [`CHECKED_COLUMNS`] (15 parameters).
    fn bind<'q, O>(
        &'q self,
        q: sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>>,
        import_country: Option<&'q str>,
    ) -> sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>> {
        q.bind(self.confirmed_on.as_str())
            .bind(self.sample_on.as_deref())
            .bind(self.onset_on.as_deref())
            .bind(self.test_kind.as_str())
            .bind(self.source_kind.as_str())
            .bind(self.source_ref.as_deref())
            .bind(self.course.as_str())
            .bind(self.hospital.as_deref())
            .bind(self.detected_where.as_str())
            .bind(self.negative_on.as_deref())
            .bind(self.official_code.as_deref())
            .bind(self.local_code.as_deref())
            .bind(self.recovered_on.as_deref())
            .bind(self.died_on.as_deref())
            .bind(import_country)
    }
}

/// The case's own fields checked by the domain ([`CaseInput::parse`]), as
/// the store writes and compares them (dates and words as stored).
fn check_case(input: &CaseInput, today: NaiveDate) -> Result<CheckedCase, Invalid> {
    let c: NewCase = input.parse(today)?;
    let d = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    Ok(CheckedCase {
        confirmed_on: d(c.confirmed_on),
        sample_on: c.sample_on.map(d),
        onset_on: c.onset_on.map(d),
        test_kind: c.test_kind.as_str().to_owned(),
        source_kind: c.source_kind.as_str().to_owned(),
        source_ref: c.source_ref,
        course: c.course.as_str().to_owned(),
        hospital: c.hospital,
        detected_where: c.detected_where.as_str().to_owned(),
        negative_on: c.negative_on.map(d),
        official_code: c.official_code,
        local_code: c.local_code,
        infected_by: c.infected_by,
        exposure_on: c.exposure_on.map(d),
        recovered_on: c.recovered_on.map(d),
        died_on: c.died_on.map(d),
        origin_province: c.origin_province,
        origin_district: c.origin_district,
    })
}

/// Check a case's own fields without writing (an import checks every field
/// of a row before it creates anybody).
pub fn check_case_input(input: &CaseInput, today: NaiveDate) -> Result<(), Invalid> {
    check_case(input, today).map(|_| ())
}

impl Store {
    /// The engine as the committed tables give it (loaded on first use by
    /// [`Store::engine_write`], which holds it for a whole write), judged on
    /// the day of the last sweep ([`Store::expire_classes`]; before the first
    /// sweep no class expires).
    pub(crate) async fn load_engine(&self) -> Result<Engine> {
        let mut conn = self.read.acquire().await?;
        self.load_engine_from(&mut conn).await
    }

    /// The engine as the tables read through `conn` give it (a write's own
    /// transaction included, for a resync inside it).
    pub(crate) async fn load_engine_from(&self, conn: &mut AnyConnection) -> Result<Engine> {
        let today = self.class_day.load(std::sync::atomic::Ordering::SeqCst);
        let mut e = Engine::with_rules(DEPTH, engine_rules());
        let mut statuses: HashMap<i64, Status> = HashMap::new();
        let mut isolation: HashMap<i64, Isolation> = HashMap::new();
        for r in sqlx::query("SELECT person_id, isolated_from, released_on FROM person_status")
            .fetch_all(&mut *conn)
            .await?
        {
            isolation
                .entry(r.try_get("person_id")?)
                .or_default()
                .add_status_row(&r)?;
        }
        for r in sqlx::query(
            "SELECT person_id, kind, start_on, released_on FROM quarantine_orders WHERE status <> 'cancelled'",
        )
        .fetch_all(&mut *conn)
        .await?
        {
            isolation
                .entry(r.try_get("person_id")?)
                .or_default()
                .add_order_row(&r)?;
        }
        for (p, iso) in isolation {
            statuses.insert(p, iso.apply(Status::default()));
        }
        for r in sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases"))
            .fetch_all(&mut *conn)
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
            "SELECT person_id, other_person_id, from_on, to_on, qualifies, setting FROM contacts",
        )
        .fetch_all(&mut *conn)
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
                exposure(
                    r.try_get::<i64, _>("qualifies")? != 0,
                    &r.try_get::<String, _>("setting")?,
                ),
            );
        }
        e.classify_all();
        e.set_today(today);
        Ok(e)
    }

    /// A person's isolation, quarantine and release as the tables hold them
    /// (`person_status` and the person's quarantine orders), over `base`
    /// (whose F0 part is kept): what a write hands the engine after writing.
    pub(crate) async fn isolation_status(
        &self,
        tx: &mut Transaction<'static, Any>,
        person_id: i64,
        base: Status,
    ) -> Result<Status> {
        let mut iso = Isolation::default();
        for r in sqlx::query(
            "SELECT person_id, isolated_from, released_on FROM person_status WHERE person_id = $1",
        )
        .bind(person_id)
        .fetch_all(&mut **tx)
        .await?
        {
            iso.add_status_row(&r)?;
        }
        for r in sqlx::query(
            "SELECT person_id, kind, start_on, released_on FROM quarantine_orders WHERE person_id = $1 AND status <> 'cancelled'",
        )
        .bind(person_id)
        .fetch_all(&mut **tx)
        .await?
        {
            iso.add_order_row(&r)?;
        }
        Ok(iso.apply(base))
    }

    /// Move the tracing engine to `today`: classes whose period ended leave
    /// `person_classes` (or fall to a class still running), each with a
    /// `class_history` entry caused `expired`. Run when the server starts and
    /// periodically (`phongdich_web::serve`); idempotent within a day.
    pub async fn expire_classes(&self, today: NaiveDate) -> Result<Vec<ClassChange>> {
        let mut w = self.engine_write().await?;
        let changes = w.set_today(day(today))?;
        let out = if changes.is_empty() {
            Vec::new()
        } else {
            self.persist_changes(w.tx(), &changes, "expired").await?
        };
        w.commit().await?;
        self.class_day
            .store(day(today), std::sync::atomic::Ordering::SeqCst);
        Ok(out)
    }

    /// Rebuild the engine from the tables and store every class that differs
    /// (after a merge or its undo re-pointed contacts and cases), as a write
    /// of its own; merges use [`Store::resync_classes_in`] inside theirs.
    #[allow(dead_code)]
    pub(crate) async fn resync_classes(&self, cause: &str) -> Result<()> {
        let mut w = self.begin_write(true, false).await?;
        self.resync_classes_in(&mut w, cause).await?;
        w.commit().await
    }

    /// [`Store::resync_classes`] inside a write: the engine is rebuilt from
    /// the tables as the write's transaction sees them, the differing classes
    /// stored in it, and the old engine comes back unless it commits.
    pub(crate) async fn resync_classes_in(
        &self,
        w: &mut EngineWrite<'_>,
        cause: &str,
    ) -> Result<()> {
        let fresh = self.load_engine_from(w.conn()).await?;
        let mut stored = crate::engine_write::stored_classes(w.conn()).await?;
        let mut changes = Vec::new();
        for (p, a) in fresh.classes() {
            let a_stored = Assignment {
                until: 0,
                ..a.clone()
            };
            if stored.remove(&p).as_ref() != Some(&a_stored) {
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
            self.persist_changes(w.tx(), &changes, cause).await?;
        }
        w.replace_engine(fresh)
    }

    /// Persist the engine's class changes in the write's transaction: a few
    /// multi-row statements, not three per change (a confirmation changes
    /// hundreds of classes at a province's scale).
    pub(crate) async fn persist_changes(
        &self,
        tx: &mut Transaction<'static, Any>,
        changes: &[Change],
        cause: &str,
    ) -> Result<Vec<ClassChange>> {
        use crate::sql::{in_list, placeholders};
        // The periods keep every change, its last day too.
        let today = match self.class_day.load(std::sync::atomic::Ordering::SeqCst) {
            i32::MIN => self.today().format("%Y-%m-%d").to_string(),
            d => date(d),
        };
        crate::class_periods::record(tx, self.dialect, changes, &today).await?;
        // `person_classes` does not keep a class's last day: a change of only
        // that (a later exposure at the same class) is not a row change.
        let stored = |a: &Option<Assignment>| {
            a.as_ref().map(|a| Assignment {
                until: 0,
                ..a.clone()
            })
        };
        let changes: Vec<Change> = changes
            .iter()
            .filter(|c| stored(&c.before) != stored(&c.after))
            .cloned()
            .collect();
        let changes = changes.as_slice();
        let engine = self.dialect;
        let stamp = self.stamp();
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
        let mut w = self.engine_write().await?;
        let (case, out) = self.confirm_case_in(&mut w, actor, input, today).await?;
        w.commit().await?;
        // A case joins every cluster it names as a source.
        let sources: Vec<Source> = self
            .case_sources(case.id)
            .await?
            .into_iter()
            .map(|s| s.source)
            .collect();
        self.join_clusters(actor, case.person_id, &sources).await?;
        Ok((case, out))
    }

    /// The body of [`Store::confirm_case`] inside a caller's write, so that
    /// what confirms the case (a lab result) commits with it: the case row,
    /// its engine change, the class changes stored and the audit entry.
    /// Nothing is committed here; a conflict (already a case) is refused
    /// before anything is written.
    pub(crate) async fn confirm_case_in(
        &self,
        w: &mut EngineWrite<'_>,
        actor: &Actor,
        input: &CaseInput,
        today: NaiveDate,
    ) -> Result<(Case, Vec<ClassChange>)> {
        actor.require(Permission::Trace)?;
        let checked = check_case(input, today)?;
        let person = self.person(&actor.scope, input.person_id).await?;
        if person.merged_into.is_some() {
            return Err(StoreError::not_found(
                crate::error::Entity::Person,
                input.person_id,
            ));
        }
        let mut checked = checked;
        // An F(n) turning positive without a known source: infected through the
        // F0 at the head of their chain, as committees record it (the head's
        // case read in the write: it may be confirmed earlier in it).
        let via = w
            .engine()?
            .class_of(person.id)
            .filter(|a| a.level > 0)
            .map(|a| a.via_f0);
        let inferred = if checked.source_kind == "investigating"
            && checked.source_ref.is_none()
            && checked.infected_by.is_empty()
            && let Some(via) = via
            && let Some(r) = sqlx::query(
                "SELECT id, COALESCE(official_code, local_code, code) AS code FROM cases WHERE person_id = $1",
            )
            .bind(via)
            .fetch_optional(w.conn())
            .await?
        {
            Some(Source::Case {
                case_id: r.try_get("id")?,
                code: r.try_get("code")?,
            })
        } else {
            None
        };
        let sources = match inferred {
            Some(s) => vec![s],
            None => self.sources_of(&actor.scope, &checked).await?,
        };
        crate::case_sources::check_origin(&sources, &person.province_code)?;
        let (kind, summary, import_country) = crate::case_sources::summary(&sources);
        if kind != "investigating" || !sources.is_empty() {
            checked.source_kind = kind;
            checked.source_ref = summary;
        }
        self.codes_free(w.tx(), &checked, &person.province_code, None)
            .await?;
        let taken: Option<String> =
            sqlx::query_scalar("SELECT code FROM cases WHERE person_id = $1")
                .bind(person.id)
                .fetch_optional(w.conn())
                .await?;
        if let Some(code) = taken {
            return Err(StoreError::conflict(
                format!("Người này đã là ca bệnh {code}."),
                format!("This person is already case {code}."),
            ));
        }
        let stamp = self.stamp();
        let sql = format!(
            "INSERT INTO cases (code, person_id, {CHECKED_COLUMNS}, province_code, district_code, commune_code, \
             created_by, created_at, updated_at) VALUES ('pending', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18, $19, $20, $21, $21) RETURNING id"
        );
        let q = sqlx::query_scalar(&sql).bind(person.id);
        let id: i64 = checked
            .bind(q, import_country.as_deref())
            .bind(person.province_code.as_str())
            .bind(person.district_code.as_str())
            .bind(person.commune_code.as_str())
            .bind(actor.name.as_str())
            .bind(stamp.as_str())
            .fetch_one(w.conn())
            .await?;
        // The record's own code; the case is shown by its national or
        // provincial number when it has one.
        sqlx::query("UPDATE cases SET code = $1 WHERE id = $2")
            .bind(phongdich_domain::case_code::record_code(id))
            .bind(id)
            .execute(w.conn())
            .await?;
        let (case, out) = self
            .after_case_write(
                w,
                id,
                &sources,
                checked.exposure_on.as_deref(),
                &actor.name,
                &stamp,
            )
            .await?;
        audit::record(
            &self.clock,
            w.tx(),
            actor,
            "create",
            "case",
            &case.code,
            Some(&person.commune_code),
            None::<&()>,
            Some(&case),
        )
        .await?;
        // Green zones the F0 lives in lose their status with this write.
        self.end_green_zones(
            w.tx(),
            actor,
            &person,
            case.id,
            case.confirmed_on,
            case.detected_where,
        )
        .await?;
        Ok((case, out))
    }

    /// What follows the write of a case row, when confirmed or corrected:
    /// its sources, its course periods, the case as stored, and the engine's
    /// classes with their changes stored.
    async fn after_case_write(
        &self,
        w: &mut EngineWrite<'_>,
        case_id: i64,
        sources: &[Source],
        exposure_on: Option<&str>,
        actor_name: &str,
        stamp: &str,
    ) -> Result<(Case, Vec<ClassChange>)> {
        self.write_sources(w.tx(), case_id, sources, exposure_on, actor_name, stamp)
            .await?;
        crate::class_periods::sync_course(
            w.conn(),
            case_id,
            &self.today().format("%Y-%m-%d").to_string(),
            &self.stamp(),
        )
        .await?;
        let case = case_from_row(
            &sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
                .bind(case_id)
                .fetch_one(w.conn())
                .await?,
        )?;
        let old = w.engine()?.status(case.person_id);
        let changes = w.set_status(case.person_id, case.status(old))?;
        let out = self
            .persist_changes(w.tx(), &changes, &format!("case:{case_id}"))
            .await?;
        Ok((case, out))
    }

    /// A case joins every cluster it names as a source.
    async fn join_clusters(&self, actor: &Actor, person_id: i64, sources: &[Source]) -> Result<()> {
        for s in sources {
            if let Source::Cluster { cluster_id, .. } = s {
                self.add_cluster_member(actor, *cluster_id, person_id)
                    .await?;
            }
        }
        Ok(())
    }

    /// Correct a case on file (the form, the API, or a corrected list
    /// imported again): a blank field keeps what is on file; given fields —
    /// codes, dates, course, hospital, sources — replace it. Audited with
    /// before and after (sources included); the engine follows (the
    /// transmission window follows the dates and the course). Returns the
    /// case, the class changes, and whether anything changed (nothing is
    /// written or audited when the input says what is on file).
    pub async fn correct_case(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &CaseInput,
        today: NaiveDate,
    ) -> Result<(Case, Vec<ClassChange>, bool)> {
        actor.require(Permission::Trace)?;
        let before = self.case(&actor.scope, case_id).await?;
        let before_sources = self.case_sources(case_id).await?;
        let keep = |typed: &str, stored: Option<String>| -> String {
            if typed.trim().is_empty() {
                stored.unwrap_or_default()
            } else {
                typed.to_owned()
            }
        };
        let merged = CaseInput {
            person_id: before.person_id,
            confirmed_on: keep(&input.confirmed_on, Some(before.confirmed_on.to_string())),
            sample_on: keep(&input.sample_on, text(before.sample_on)),
            onset_on: keep(&input.onset_on, text(before.onset_on)),
            test_kind: keep(&input.test_kind, Some(before.test_kind.to_string())),
            source_kind: String::new(),
            source_ref: String::new(),
            course: keep(&input.course, Some(before.course.to_string())),
            hospital: keep(&input.hospital, before.hospital.clone()),
            detected_where: keep(
                &input.detected_where,
                Some(before.detected_where.to_string()),
            ),
            negative_on: keep(&input.negative_on, text(before.negative_on)),
            official_code: keep(&input.official_code, before.official_code.clone()),
            local_code: keep(&input.local_code, before.local_code.clone()),
            infected_by: input.infected_by.clone(),
            exposure_on: input.exposure_on.clone(),
            recovered_on: keep(&input.recovered_on, text(before.recovered_on)),
            died_on: keep(&input.died_on, text(before.died_on)),
            origin_province: input.origin_province.clone(),
            origin_district: input.origin_district.clone(),
        };
        // A course given without its date keeps no stale date of another course.
        let mut merged = merged;
        if !input.course.trim().is_empty() {
            if merged.course != "deceased" && input.died_on.trim().is_empty() {
                merged.died_on.clear();
            }
            if !matches!(merged.course.as_str(), "recovered" | "deceased")
                && input.recovered_on.trim().is_empty()
            {
                merged.recovered_on.clear();
            }
        }
        let mut checked = check_case(&merged, today)?;
        let sources = if input.infected_by.trim().is_empty()
            && input.source_kind.trim().is_empty()
            && input.origin_province.trim().is_empty()
        {
            before_sources.iter().map(|s| s.source.clone()).collect()
        } else if input.infected_by.trim().is_empty() {
            let mut legacy = check_case(
                &CaseInput {
                    source_kind: input.source_kind.clone(),
                    source_ref: input.source_ref.clone(),
                    ..merged.clone()
                },
                today,
            )?;
            legacy.infected_by.clear();
            self.sources_of(&actor.scope, &legacy).await?
        } else {
            self.sources_of(&actor.scope, &checked).await?
        };
        if sources
            .iter()
            .any(|s| matches!(s, Source::Case { case_id: c, .. } if *c == case_id))
        {
            return Err(StoreError::Invalid(Invalid(vec![FieldError::new(
                "infected_by",
                "own_source",
                "Ca bệnh không thể lây từ chính nó.",
                "A case cannot be its own source.",
            )])));
        }
        let own_province: String =
            sqlx::query_scalar("SELECT province_code FROM persons WHERE id = $1")
                .bind(before.person_id)
                .fetch_one(&self.read)
                .await?;
        crate::case_sources::check_origin(&sources, &own_province)?;
        let exposure = checked
            .exposure_on
            .clone()
            .or_else(|| before_sources.iter().find_map(|s| s.exposure_on.clone()));
        let (kind, summary, import_country) = crate::case_sources::summary(&sources);
        if !sources.is_empty() || kind != "investigating" || before.source_kind != "investigating" {
            checked.source_kind = kind;
            checked.source_ref = summary;
        } else {
            checked.source_kind = before.source_kind.clone();
            checked.source_ref = before.source_ref.clone();
        }
        let same_sources = sources.len() == before_sources.len()
            && sources
                .iter()
                .zip(&before_sources)
                .all(|(a, b)| *a == b.source && exposure == b.exposure_on);
        let same = same_sources
            && checked.confirmed_on == before.confirmed_on.to_string()
            && checked.sample_on == text(before.sample_on)
            && checked.onset_on == text(before.onset_on)
            && checked.test_kind == before.test_kind.as_str()
            && checked.course == before.course.as_str()
            && checked.hospital == before.hospital
            && checked.detected_where == before.detected_where.as_str()
            && checked.negative_on == text(before.negative_on)
            && checked.official_code == before.official_code
            && checked.local_code == before.local_code
            && checked.recovered_on == text(before.recovered_on)
            && checked.died_on == text(before.died_on);
        if same {
            return Ok((before, Vec::new(), false));
        }
        let mut w = self.engine_write().await?;
        let province: String = sqlx::query_scalar("SELECT province_code FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(w.conn())
            .await?;
        self.codes_free(w.tx(), &checked, &province, Some(case_id))
            .await?;
        let stamp = self.stamp();
        let sql = format!(
            "UPDATE cases SET ({CHECKED_COLUMNS}, updated_at, version) = \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, version + 1) WHERE id = $17 \
             RETURNING id"
        );
        let _: i64 = checked
            .bind(sqlx::query_scalar(&sql), import_country.as_deref())
            .bind(stamp.as_str())
            .bind(case_id)
            .fetch_one(w.conn())
            .await?;
        let (after, out) = self
            .after_case_write(
                &mut w,
                case_id,
                &sources,
                exposure.as_deref(),
                &actor.name,
                &stamp,
            )
            .await?;
        let before_json = serde_json::json!({ "case": &before, "sources": &before_sources });
        let after_json = serde_json::json!({ "case": &after, "sources": &sources });
        audit::record(
            &self.clock,
            w.tx(),
            actor,
            "update",
            "case",
            &after.record_code,
            Some(&after.commune_code),
            Some(&before_json),
            Some(&after_json),
        )
        .await?;
        // A correction of where or when the case was found can make it one
        // that ends a green zone (found in the community after all, or
        // confirmed from the declared day on): the zone is lost in this
        // write, as at the confirmation. Any other correction (a code, the
        // course) judges nothing again: the person may have moved in since,
        // recovered, which leaves a zone green.
        if after.detected_where != before.detected_where
            || after.confirmed_on != before.confirmed_on
        {
            let person = crate::persons::fetch_person_tx(w.tx(), after.person_id).await?;
            self.end_green_zones(
                w.tx(),
                actor,
                &person,
                case_id,
                after.confirmed_on,
                after.detected_where,
            )
            .await?;
        }
        w.commit().await?;
        self.join_clusters(actor, after.person_id, &sources).await?;
        Ok((after, out, true))
    }

    /// The sources a checked case names: the "infected by" list, else the
    /// one source of `source_kind`/`source_ref`, each resolved or refused;
    /// an origin in another province (`origin_province`) is added to either.
    async fn sources_of(&self, scope: &Scope, checked: &CheckedCase) -> Result<Vec<Source>> {
        let province = match checked.origin_province.as_str() {
            "" if checked.source_kind == "other_province" && checked.infected_by.is_empty() => {
                checked.source_ref.as_deref().unwrap_or_default()
            }
            p => p,
        };
        let origin = if province.is_empty() {
            None
        } else {
            match self
                .resolve_origin(province, &checked.origin_district)
                .await?
            {
                Ok(origin) => Some(origin),
                Err(e) => return Err(StoreError::Invalid(Invalid(vec![e]))),
            }
        };
        let mut sources = if !checked.infected_by.is_empty() {
            match self.resolve_sources(scope, &checked.infected_by).await? {
                Ok(sources) => sources,
                Err(errors) => return Err(StoreError::Invalid(Invalid(errors))),
            }
        } else if checked.source_kind == "other_province" {
            Vec::new()
        } else {
            self.one_source_of(scope, checked).await?
        };
        if let Some(o) = origin
            && !sources.contains(&o)
        {
            sources.push(o);
        }
        Ok(sources)
    }

    /// The one source of `source_kind`/`source_ref`.
    async fn one_source_of(&self, scope: &Scope, checked: &CheckedCase) -> Result<Vec<Source>> {
        let Some(reference) = checked.source_ref.as_deref() else {
            return Ok(Vec::new());
        };
        let wrong = |vi: String, en: String| {
            StoreError::Invalid(Invalid(vec![FieldError::new(
                "source_ref",
                "unknown_source",
                vi,
                en,
            )]))
        };
        match checked.source_kind.as_str() {
            "case" => match self.case_by_code(scope, reference).await? {
                Some((case_id, code)) => Ok(vec![Source::Case { case_id, code }]),
                None => Err(wrong(
                    format!("Không có ca bệnh «{reference}»."),
                    format!("There is no case “{reference}”."),
                )),
            },
            "cluster" => match self.cluster_by_name(scope, reference).await? {
                Some(c) => Ok(vec![Source::Cluster {
                    cluster_id: c.id,
                    name: c.name,
                }]),
                None => Err(wrong(
                    format!("Không có ổ dịch «{reference}» trong địa bàn."),
                    format!("There is no cluster “{reference}” in the jurisdiction."),
                )),
            },
            "imported" => match phongdich_domain::country::parse(reference) {
                Ok(country) => Ok(vec![Source::Imported { country }]),
                Err(e) => Err(StoreError::Invalid(Invalid(vec![FieldError {
                    field: "source_ref".into(),
                    ..e
                }]))),
            },
            // Under investigation: a note, not a link.
            _ => Ok(Vec::new()),
        }
    }

    /// Refuse a national number another case has, or a province number
    /// another case of the province has (`except`: the case being corrected).
    async fn codes_free(
        &self,
        tx: &mut Transaction<'static, Any>,
        checked: &CheckedCase,
        province: &str,
        except: Option<i64>,
    ) -> Result<()> {
        let except = except.unwrap_or(0);
        if let Some(code) = &checked.official_code {
            let other: Option<i64> =
                sqlx::query_scalar("SELECT id FROM cases WHERE official_code = $1 AND id <> $2")
                    .bind(code.as_str())
                    .bind(except)
                    .fetch_optional(&mut **tx)
                    .await?;
            if other.is_some() {
                return Err(StoreError::Invalid(Invalid(vec![FieldError::new(
                    "official_code",
                    "taken",
                    format!("Mã BN {code} đã thuộc một ca bệnh khác."),
                    format!("Case number {code} belongs to another case."),
                )])));
            }
        }
        if let Some(code) = &checked.local_code {
            let other: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM cases WHERE province_code = $1 AND local_code = $2 AND id <> $3",
            )
            .bind(province)
            .bind(code.as_str())
            .bind(except)
            .fetch_optional(&mut **tx)
            .await?;
            if other.is_some() {
                return Err(StoreError::Invalid(Invalid(vec![FieldError::new(
                    "local_code",
                    "taken",
                    format!("Mã ca {code} của tỉnh đã thuộc một ca bệnh khác."),
                    format!("Province case number {code} belongs to another case."),
                )])));
            }
        }
        Ok(())
    }

    /// Record a contact of a person within the actor's jurisdiction. The
    /// other person may live elsewhere — that unit then sees them in its
    /// lists (the hand-over) — but is reached only through what shows the
    /// recorder met them: someone of the jurisdiction by record, someone
    /// outside it by their national ID as well. A record number alone never
    /// reaches outside (it could be guessed); the refusal is the same as for
    /// a number nobody holds, so it tells nothing about other units.
    pub async fn add_contact(
        &self,
        actor: &Actor,
        c: &NewContact,
    ) -> Result<(Contact, Vec<ClassChange>)> {
        actor.require(Permission::Trace)?;
        let person = self.person(&actor.scope, c.person_id).await?;
        let unknown = || {
            StoreError::Invalid(Invalid(vec![FieldError::new(
                "other_person_id",
                "unknown_person",
                "Không có người này trong địa bàn của bạn. Người ở nơi khác: ghi kèm số định danh (CCCD/CMND) của họ để chuyển giao.",
                "There is no such person in your jurisdiction. For someone living elsewhere, give their national ID too: the contact is then handed over.",
            )]))
        };
        let other = self
            .person(&Scope::national(), c.other_person_id)
            .await
            .map_err(|_| unknown())?;
        let within = actor.scope.contains_codes(
            &other.province_code,
            &other.district_code,
            &other.commune_code,
        );
        let identified = c.other_national_id.is_some()
            && other.national_id.as_deref() == c.other_national_id.as_deref();
        if !within && !identified {
            return Err(unknown());
        }
        if person.merged_into.is_some() || other.merged_into.is_some() {
            return Err(StoreError::conflict(
                "Hồ sơ đã được gộp; hãy dùng hồ sơ còn lại.",
                "The record was merged; use the remaining record.",
            ));
        }
        let (ok, why_vi, why_en) = qualifies(c, &F1Rules::on(c.from));
        let (from, to) = (day(c.from), day(c.to));
        let mut w = self.engine_write().await?;
        let stamp = self.stamp();
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
        .fetch_one(w.conn())
        .await?;
        let contact = contact_from_row(
            &sqlx::query(&format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1"
            ))
            .bind(id)
            .fetch_one(w.conn())
            .await?,
        )?;
        let kind = exposure(ok, c.setting.as_str());
        let changes = w.add_contact(person.id, other.id, from, to, kind)?;
        let out = self
            .persist_changes(w.tx(), &changes, &format!("contact:{id}"))
            .await?;
        audit::record(
            &self.clock,
            w.tx(),
            actor,
            "create",
            "contact",
            &id.to_string(),
            Some(&person.commune_code),
            None::<&()>,
            Some(&contact),
        )
        .await?;
        w.commit().await?;
        Ok((contact, out))
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
        let mut w = self.engine_write().await?;
        let old = w.engine()?.status(person.id);
        sqlx::query("DELETE FROM person_status WHERE person_id = $1")
            .bind(person.id)
            .execute(w.conn())
            .await?;
        sqlx::query("INSERT INTO person_status (person_id, isolated_from, released_on, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(person.id)
            .bind(isolated_from.map(|d| date(day(d))))
            .bind(released_on.map(|d| date(day(d))))
            .bind(self.stamp())
            .execute(w.conn())
            .await?;
        // With the person's quarantine orders: an order's own start and
        // release also reach the engine (see `isolation_status`).
        let new = self.isolation_status(w.tx(), person.id, old).await?;
        let changes = w.set_status(person.id, new)?;
        let out = self
            .persist_changes(w.tx(), &changes, &format!("status:{}", person.id))
            .await?;
        let after = serde_json::json!({
            "isolated_from": new.isolated_from.map(date), "released_on": new.released_on.map(date)
        });
        audit::record(
            &self.clock,
            w.tx(),
            actor,
            "update",
            "person_status",
            &person.id.to_string(),
            Some(&person.commune_code),
            None::<&()>,
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(out)
    }

    /// Change a case's course (e.g. `recovered`) and the day it tested
    /// negative; see [`Store::set_case_course_on`] for the day of recovery or
    /// death.
    pub async fn set_case_course(
        &self,
        actor: &Actor,
        case_id: i64,
        course: &str,
        negative_on: Option<NaiveDate>,
    ) -> Result<(Case, Vec<ClassChange>)> {
        self.set_case_course_on(actor, case_id, course, negative_on, None)
            .await
    }

    /// Change a case's course, the day it tested negative and the day of the
    /// course: `recovered` stores it as `recovered_on`, `deceased` as
    /// `died_on` (other courses clear both); every course step is dated by
    /// it (today when not given). The case's transmission window
    /// ends at the earliest of these; the people it exposed keep their classes
    /// for their own periods.
    pub async fn set_case_course_on(
        &self,
        actor: &Actor,
        case_id: i64,
        course: &str,
        negative_on: Option<NaiveDate>,
        course_on: Option<NaiveDate>,
    ) -> Result<(Case, Vec<ClassChange>)> {
        actor.require(Permission::Trace)?;
        let mut w = self.engine_write().await?;
        let out = self
            .set_case_course_in(&mut w, actor, case_id, course, negative_on, course_on)
            .await?;
        w.commit().await?;
        Ok(out)
    }

    /// The body of [`Store::set_case_course`] inside a caller's write (a
    /// home treatment ended by a transfer to hospital commits with it).
    pub(crate) async fn set_case_course_in(
        &self,
        w: &mut EngineWrite<'_>,
        actor: &Actor,
        case_id: i64,
        course: &str,
        negative_on: Option<NaiveDate>,
        course_on: Option<NaiveDate>,
    ) -> Result<(Case, Vec<ClassChange>)> {
        actor.require(Permission::Trace)?;
        let before = self.case(&actor.scope, case_id).await?;
        let mut errors = Vec::new();
        let course = phongdich_domain::choice::one_of::<Course>("course", course, &mut errors)
            .map_or_else(String::new, |c| c.as_str().to_owned());
        // A course that ends treatment is dated (its day counts in every
        // figure): recovery by its day or the negative test, death by its day.
        match course.as_str() {
            "recovered" if course_on.is_none() && negative_on.is_none() => {
                errors.push(FieldError::new(
                    "course_on",
                    "required",
                    "Cần ghi ngày khỏi bệnh (ra viện) hoặc ngày xét nghiệm âm tính.",
                    "Give the day of recovery (discharge) or of the negative test.",
                ))
            }
            "deceased" if course_on.is_none() => errors.push(FieldError::new(
                "course_on",
                "required",
                "Cần ghi ngày tử vong.",
                "Give the day of death.",
            )),
            _ => {}
        }
        if course_on.is_some_and(|d| {
            d.format("%Y-%m-%d").to_string() > self.today().format("%Y-%m-%d").to_string()
        }) {
            errors.push(FieldError::new(
                "course_on",
                "in_future",
                "Ngày này ở tương lai.",
                "This day is in the future.",
            ));
        }
        if let Some(d) = course_on.or(negative_on)
            && d < before.confirmed_on
        {
            errors.push(FieldError::new(
                "course_on",
                "before_confirmation",
                "Ngày này trước ngày khẳng định ca bệnh.",
                "This day is before the case was confirmed.",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(Invalid(errors)));
        }
        let on = |c: &str| {
            (course == c)
                .then_some(course_on)
                .flatten()
                .map(|d| d.format("%Y-%m-%d").to_string())
        };
        sqlx::query("UPDATE cases SET course = $1, negative_on = $2, recovered_on = $3, died_on = $4, updated_at = $5, \
                     version = version + 1 WHERE id = $6")
            .bind(course.as_str())
            .bind(negative_on.map(|d| d.format("%Y-%m-%d").to_string()))
            .bind(on("recovered"))
            .bind(on("deceased"))
            .bind(self.stamp())
            .bind(case_id)
            .execute(w.conn())
            .await?;
        // The step takes the day given (a move to hospital typed
        // afterwards counts from its day), else today.
        let step_day = course_on.map_or_else(
            || self.today().format("%Y-%m-%d").to_string(),
            |d| d.format("%Y-%m-%d").to_string(),
        );
        crate::class_periods::sync_course(w.conn(), case_id, &step_day, &self.stamp()).await?;
        let after = case_from_row(
            &sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
                .bind(case_id)
                .fetch_one(w.conn())
                .await?,
        )?;
        let old = w.engine()?.status(after.person_id);
        let changes = w.set_status(after.person_id, after.status(old))?;
        let out = self
            .persist_changes(w.tx(), &changes, &format!("case:{case_id}"))
            .await?;
        audit::record(
            &self.clock,
            w.tx(),
            actor,
            "update",
            "case",
            &after.code,
            Some(&after.commune_code),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok((after, out))
    }

    /// The case of a person within the scope, if they are one.
    pub async fn case_of_person(&self, scope: &Scope, person_id: i64) -> Result<Option<Case>> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(&self.read)
            .await?;
        match id {
            Some(id) => match self.case(scope, id).await {
                Ok(c) => Ok(Some(c)),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }

    /// One case within the scope.
    pub async fn case(&self, scope: &Scope, id: i64) -> Result<Case> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "c");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        match q.fetch_optional(&self.read).await? {
            Some(r) => case_from_row(&r),
            None => Err(StoreError::not_found(crate::error::Entity::Case, id)),
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
            Some(r) => Some(class_info_from_row(&r)?),
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

    /// Work list: people of one class (0–4) living in the scope, newest first;
    /// the first `limit` (at most 1,000) of [`Store::class_page`].
    pub async fn class_list(
        &self,
        scope: &Scope,
        level: i64,
        limit: i64,
    ) -> Result<Vec<ClassInfo>> {
        Ok(self
            .class_page(scope, level, false, crate::Paging::new(0, limit))
            .await?
            .entries)
    }

    /// Work list: people of one class in the scope not yet isolated or
    /// quarantined, oldest exposure first (the ones to reach first); the
    /// first `limit` (at most 1,000) of [`Store::class_page`].
    pub async fn class_list_not_isolated(
        &self,
        scope: &Scope,
        level: i64,
        limit: i64,
    ) -> Result<Vec<ClassInfo>> {
        Ok(self
            .class_page(scope, level, true, crate::Paging::new(0, limit))
            .await?
            .entries)
    }

    /// One page of the people of one class (0–4) living in the scope, with
    /// the whole count. Everyone: most recent class first; `waiting`: only
    /// those not yet isolated or quarantined, oldest exposure first. Ties
    /// are broken by person id, so the order is total and walking the pages
    /// gives every person once (while the classes do not change).
    pub async fn class_page(
        &self,
        scope: &Scope,
        level: i64,
        waiting: bool,
        paging: crate::Paging,
    ) -> Result<ClassPage> {
        let mut from = String::from(
            " FROM person_classes k \
             LEFT JOIN person_status st ON st.person_id = k.person_id WHERE k.level = $1",
        );
        if waiting {
            from.push_str(" AND st.isolated_from IS NULL");
        }
        let mut b = QueryBuilder::numbered(String::new(), 1);
        scope.push_filter(&mut b, "k");
        from.push_str(b.sql());
        let order = if waiting {
            "k.since_on, k.person_id"
        } else {
            "k.since_on DESC, k.person_id"
        };
        let paging = crate::Paging::new(paging.offset, paging.limit);
        let count_sql = format!("SELECT COUNT(*){from}");
        let sql = format!(
            "SELECT k.person_id, k.level, k.since_on, k.via_f0, k.path{from} ORDER BY {order} LIMIT {} OFFSET {}",
            paging.limit, paging.offset
        );
        let q = b.bind_onto(sqlx::query(&sql).bind(level));
        let c = b.bind_scalar_onto(sqlx::query_scalar::<_, i64>(&count_sql).bind(level));
        let total = c.fetch_one(&self.read).await?;
        let entries = q
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(class_info_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(ClassPage {
            total,
            paging,
            entries,
        })
    }

    /// How many people of each class (F0..F4) live in the scope.
    pub async fn class_counts(&self, scope: &Scope) -> Result<[i64; 5]> {
        let sql = String::from("SELECT k.level, COUNT(*) AS n FROM person_classes k WHERE 1 = 1");
        let mut b = QueryBuilder::numbered(sql, 0);
        scope.push_filter(&mut b, "k");
        b.push(" GROUP BY k.level");
        let q = b.bind_onto(sqlx::query(b.sql()));
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

    /// The codes cases are known by (`BN1234`, else the province's number,
    /// else `PD12`), by person, for pages that name people with their case
    /// number; like [`Store::case_code_of`] for many people at once.
    pub async fn case_codes_of(&self, person_ids: &[i64]) -> Result<HashMap<i64, String>> {
        let mut out = HashMap::new();
        for chunk in person_ids.chunks(500) {
            let list = (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT person_id, COALESCE(official_code, local_code, code) AS code FROM cases WHERE person_id IN ({list})"
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.read).await? {
                out.insert(r.try_get("person_id")?, r.try_get("code")?);
            }
        }
        Ok(out)
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

/// A person's isolation, quarantine and release from `person_status` and
/// their quarantine orders, merged: the latest centralised (or facility)
/// start, the latest home start, the latest release. The engine ignores a
/// start that a later release ended.
#[derive(Debug, Default)]
struct Isolation {
    centralised: Option<Day>,
    home: Option<Day>,
    released: Option<Day>,
}

impl Isolation {
    fn later(a: Option<Day>, b: Option<Day>) -> Option<Day> {
        a.max(b)
    }

    /// A `person_status` row: isolation there is isolation in a facility.
    fn add_status_row(&mut self, r: &AnyRow) -> Result<()> {
        let iso: Option<String> = r.try_get("isolated_from")?;
        let rel: Option<String> = r.try_get("released_on")?;
        self.centralised = Self::later(self.centralised, iso.as_deref().and_then(parse_day));
        self.released = Self::later(self.released, rel.as_deref().and_then(parse_day));
        Ok(())
    }

    /// A quarantine order (not cancelled): centralised or home from its
    /// start; self-monitoring changes nothing; its release day.
    fn add_order_row(&mut self, r: &AnyRow) -> Result<()> {
        let start = parse_day(&r.try_get::<String, _>("start_on")?);
        match r.try_get::<String, _>("kind")?.as_str() {
            "centralised" => self.centralised = Self::later(self.centralised, start),
            "home" => self.home = Self::later(self.home, start),
            _ => {}
        }
        let rel: Option<String> = r.try_get("released_on")?;
        self.released = Self::later(self.released, rel.as_deref().and_then(parse_day));
        Ok(())
    }

    fn apply(&self, base: Status) -> Status {
        Status {
            isolated_from: self.centralised,
            home_from: self.home,
            released_on: self.released,
            ..base
        }
    }
}
