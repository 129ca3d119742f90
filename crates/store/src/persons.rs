//! The people registry: create, read, update, search (diacritics optional, word
//! order tolerant), likely-duplicate detection, merge and its undo.

use crate::sql::QueryBuilder;
use crate::sql::placeholders;
use crate::units::Unit;
use crate::{Actor, Dialect, Result, Scope, Store, StoreError, audit};
use phongdich_domain::similarity::{ids_tell_apart, names_similar};
use phongdich_domain::{
    FieldError, Invalid, NationalId, NewPerson, PhoneNumber, UnitCode, UnitLevel, text,
};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    pub id: i64,
    pub full_name: String,
    pub birth_date: Option<String>,
    pub birth_year: i64,
    pub sex: String,
    pub national_id: Option<String>,
    pub phone: Option<String>,
    pub province_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub hamlet_code: Option<String>,
    pub street_address: Option<String>,
    pub occupation: Option<String>,
    pub workplace: Option<String>,
    pub vulnerabilities: Vec<String>,
    /// Known only by a case number (an anonymised published case list): the
    /// name holds that number.
    pub anonymous: bool,
    /// The age given in place of a birth date or year (then `birth_year` is
    /// the year it implies, approximate).
    pub age_years: Option<i64>,
    pub household_id: Option<i64>,
    /// Set when this record was merged into another; it then leaves search.
    pub merged_into: Option<i64>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) const PERSON_COLUMNS: &str = "p.id, p.full_name, p.birth_date, p.birth_year, p.sex, \
    p.national_id, p.phone, p.province_code, p.district_code, p.commune_code, p.hamlet_code, \
    p.street_address, p.occupation, p.workplace, p.vulnerabilities, p.anonymous, p.age_years, p.household_id, \
    p.merged_into, p.version, p.created_at, p.updated_at";

pub(crate) fn person_from_row(r: &AnyRow) -> Result<Person> {
    let vulnerabilities: String = r.try_get("vulnerabilities")?;
    Ok(Person {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        birth_date: r.try_get("birth_date")?,
        birth_year: r.try_get("birth_year")?,
        sex: r.try_get("sex")?,
        national_id: r.try_get("national_id")?,
        phone: r.try_get("phone")?,
        province_code: r.try_get("province_code")?,
        district_code: r.try_get("district_code")?,
        commune_code: r.try_get("commune_code")?,
        hamlet_code: r.try_get("hamlet_code")?,
        street_address: r.try_get("street_address")?,
        occupation: r.try_get("occupation")?,
        workplace: r.try_get("workplace")?,
        vulnerabilities: vulnerabilities
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        anonymous: r.try_get::<i64, _>("anonymous")? != 0,
        age_years: r.try_get("age_years")?,
        household_id: r.try_get("household_id")?,
        merged_into: r.try_get("merged_into")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub use crate::error::DuplicateCandidate;

/// What to search for; all parts optional and combined with AND.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonQuery {
    /// A name (any order, diacritics optional, last word may be a prefix),
    /// a national ID or a phone number: recognised by its shape.
    pub q: Option<String>,
    /// Only people living in this unit or under it.
    pub unit: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// `name` (A–Z, diacritics ignored), `newest` (last registered first);
    /// otherwise the order the indexes give (cheapest).
    pub sort: Option<String>,
}

/// A change to a person, checked, with the version it was based on.
#[derive(Debug, Clone)]
pub struct PersonUpdate {
    pub expected_version: i64,
    pub person: NewPerson,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MergeOutcome {
    pub merge_id: i64,
    pub audit_id: i64,
    pub kept: Person,
    pub merged: Person,
}

/// Where a person lives, as green zones judge it.
fn place(p: &Person) -> (String, Option<String>, Option<String>) {
    (
        p.commune_code.clone(),
        p.hamlet_code.clone(),
        p.street_address.clone(),
    )
}

/// Every column that refers to a person, other than the registry itself. A merge
/// re-points them to the kept person and its undo points them back. Modules that
/// add person references (cases, contacts, samples, …) list them here.
const PERSON_REFERENCES: &[(&str, &str)] = &[
    ("households", "head_person_id"),
    ("contacts", "person_id"),
    ("contacts", "other_person_id"),
    ("cases", "person_id"),
    ("cluster_members", "person_id"),
    ("samples", "person_id"),
    ("quarantine_orders", "person_id"),
    ("home_treatments", "person_id"),
    ("treatment_alerts", "person_id"),
    ("admissions", "person_id"),
    ("oxygen_loans", "person_id"),
    ("health_declarations", "person_id"),
    ("personal_links", "person_id"),
    ("contact_reviews", "person_id"),
    ("returnee_registrations", "person_id"),
];

/// The stored columns of a checked person, derived once for insert and update.
pub(crate) struct PersonRow {
    pub full_name: String,
    pub name_folded: String,
    pub given_key: String,
    pub birth_date: Option<String>,
    pub birth_year: i64,
    pub sex: &'static str,
    pub national_id: Option<String>,
    pub phone: Option<String>,
    pub province_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub hamlet_code: Option<String>,
    pub street_address: Option<String>,
    pub occupation: Option<String>,
    pub workplace: Option<String>,
    pub vulnerabilities: String,
    pub anonymous: i64,
    pub age_years: Option<i64>,
}

impl PersonRow {
    pub(crate) fn new(p: &NewPerson, commune: &Unit) -> Self {
        PersonRow {
            full_name: p.full_name.clone(),
            name_folded: text::fold(&p.full_name),
            given_key: p.given_name_key(),
            birth_date: p.birth.date().map(|d| d.format("%Y-%m-%d").to_string()),
            birth_year: p.birth.year().into(),
            sex: p.sex.as_str(),
            national_id: p.national_id.as_ref().map(|n| n.as_str().to_owned()),
            phone: p.phone.as_ref().map(|n| n.as_str().to_owned()),
            province_code: commune.province_code.clone(),
            district_code: commune.district_code.clone().unwrap_or_default(),
            commune_code: commune.code.clone(),
            hamlet_code: p.hamlet_code.as_ref().map(|h| h.to_string()),
            street_address: p.street_address.clone(),
            occupation: p.occupation.clone(),
            workplace: p.workplace.clone(),
            vulnerabilities: p
                .vulnerabilities
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(","),
            anonymous: p.anonymous as i64,
            age_years: p.age_years.map(i64::from),
        }
    }

    fn from_person(p: &Person) -> Self {
        PersonRow {
            full_name: p.full_name.clone(),
            name_folded: text::fold(&p.full_name),
            given_key: phongdich_domain::similarity::given_name_key(&p.full_name),
            birth_date: p.birth_date.clone(),
            birth_year: p.birth_year,
            sex: match p.sex.as_str() {
                "female" => "female",
                "unknown" => "unknown",
                _ => "male",
            },
            national_id: p.national_id.clone(),
            phone: p.phone.clone(),
            province_code: p.province_code.clone(),
            district_code: p.district_code.clone(),
            commune_code: p.commune_code.clone(),
            hamlet_code: p.hamlet_code.clone(),
            street_address: p.street_address.clone(),
            occupation: p.occupation.clone(),
            workplace: p.workplace.clone(),
            vulnerabilities: p.vulnerabilities.join(","),
            anonymous: p.anonymous as i64,
            age_years: p.age_years,
        }
    }

    /// Columns in insert order; 18 values.
    pub(crate) const COLUMNS: &'static str = "full_name, name_folded, given_key, birth_date, birth_year, sex, \
        national_id, phone, province_code, district_code, commune_code, hamlet_code, street_address, \
        occupation, workplace, vulnerabilities, anonymous, age_years";
    pub(crate) const WIDTH: usize = 18;

    pub(crate) fn bind<'q>(
        &'q self,
        q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
        q.bind(self.full_name.as_str())
            .bind(self.name_folded.as_str())
            .bind(self.given_key.as_str())
            .bind(self.birth_date.as_deref())
            .bind(self.birth_year)
            .bind(self.sex)
            .bind(self.national_id.as_deref())
            .bind(self.phone.as_deref())
            .bind(self.province_code.as_str())
            .bind(self.district_code.as_str())
            .bind(self.commune_code.as_str())
            .bind(self.hamlet_code.as_deref())
            .bind(self.street_address.as_deref())
            .bind(self.occupation.as_deref())
            .bind(self.workplace.as_deref())
            .bind(self.vulnerabilities.as_str())
            .bind(self.anonymous)
            .bind(self.age_years)
    }

    pub(crate) fn tokens(&self) -> Vec<&str> {
        let mut t: Vec<&str> = self
            .name_folded
            .split(' ')
            .filter(|t| !t.is_empty())
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    }
}

pub(crate) async fn insert_tokens(
    tx: &mut Transaction<'static, Any>,
    engine: Dialect,
    pairs: &[(&str, i64)],
) -> Result<()> {
    for chunk in pairs.chunks(2000) {
        let sql = format!(
            "INSERT INTO person_name_tokens (token, person_id) VALUES {}",
            placeholders(engine, chunk.len(), 2, "")
        );
        let mut q = sqlx::query(&sql);
        for (t, id) in chunk {
            q = q.bind(*t).bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The refusal of a national ID another record holds (the IDs are unique
/// nationwide), naming that record only when `scope` can see it: a record
/// of another unit is not revealed by its number.
pub(crate) async fn national_id_taken(
    tx: &mut Transaction<'static, Any>,
    scope: &Scope,
    national_id: Option<&str>,
    except: Option<i64>,
) -> Result<Option<StoreError>> {
    let Some(nid) = national_id else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT id, province_code, district_code, commune_code FROM persons \
         WHERE national_id = $1 AND merged_into IS NULL AND id <> $2",
    )
    .bind(nid)
    .bind(except.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let visible = scope.contains_codes(
        &r.try_get::<String, _>("province_code")?,
        &r.try_get::<String, _>("district_code")?,
        &r.try_get::<String, _>("commune_code")?,
    );
    let id: i64 = r.try_get("id")?;
    Ok(Some(StoreError::DuplicateNationalId {
        existing_id: visible.then_some(id),
    }))
}

/// Likely duplicates of a person among the stored ones: the same phone with a
/// similar name, or a similar name with the same birth year in the same commune
/// — never someone whose national ID tells them apart
/// (`similarity::ids_tell_apart`). Only among the people the scope can see: a
/// candidate in another unit is not shown (its name would leak across
/// jurisdictions); the national ID stays unique nationwide regardless.
pub(crate) async fn find_likely_duplicates(
    tx: &mut Transaction<'static, Any>,
    scope: &Scope,
    row: &PersonRow,
    except: Option<i64>,
) -> Result<Vec<DuplicateCandidate>> {
    let mut out: Vec<DuplicateCandidate> = Vec::new();
    if let Some(phone) = &row.phone {
        let rows = sqlx::query(
            "SELECT id, full_name, birth_year, province_code, district_code, commune_code, national_id FROM persons \
             WHERE phone = $1 AND merged_into IS NULL AND id <> $2",
        )
        .bind(phone.as_str())
        .bind(except.unwrap_or(0))
        .fetch_all(&mut **tx)
        .await?;
        for r in &rows {
            let visible = scope.contains_codes(
                &r.try_get::<String, _>("province_code")?,
                &r.try_get::<String, _>("district_code")?,
                &r.try_get::<String, _>("commune_code")?,
            );
            let c = DuplicateCandidate::from_row(r, "same_phone_similar_name")?;
            if visible && likely_same(r, &c, row)? {
                out.push(c);
            }
        }
    }
    let rows = sqlx::query(
        "SELECT id, full_name, birth_year, commune_code, national_id FROM persons \
         WHERE commune_code = $1 AND birth_year = $2 AND given_key = $3 AND merged_into IS NULL AND id <> $4",
    )
    .bind(row.commune_code.as_str())
    .bind(row.birth_year)
    .bind(row.given_key.as_str())
    .bind(except.unwrap_or(0))
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        let c = DuplicateCandidate::from_row(r, "similar_name_same_birth_year_commune")?;
        if likely_same(r, &c, row)? && !out.iter().any(|o| o.person_id == c.person_id) {
            out.push(c);
        }
    }
    Ok(out)
}

/// A stored person (`r`, read with its `national_id`) found by a duplicate
/// block is likely `row`'s person: a similar name, and no national IDs that
/// tell them apart.
fn likely_same(r: &AnyRow, c: &DuplicateCandidate, row: &PersonRow) -> Result<bool> {
    let theirs: Option<String> = r.try_get("national_id")?;
    Ok(names_similar(&c.full_name, &row.full_name)
        && !ids_tell_apart(theirs.as_deref(), row.national_id.as_deref()))
}

/// A page of likely-duplicate pairs: (pair id, the newer record, the one it
/// probably repeats, why), and how many pairs there are in all.
#[derive(Debug, Clone)]
pub struct DuplicatePairs {
    pub total: i64,
    pub paging: crate::Paging,
    pub pairs: Vec<(i64, Person, Person, String)>,
}

impl Store {
    /// The unit a person's address names, checked to be a commune inside the
    /// scope and the hamlet (if any) to lie under it.
    pub(crate) async fn address_unit(&self, scope: &Scope, p: &NewPerson) -> Result<Unit> {
        let invalid = |field: &str, code: &UnitCode| {
            StoreError::from(Invalid::from(FieldError::new(
                field,
                "unknown_unit",
                format!("Không có đơn vị hành chính mã «{code}» trong phạm vi của bạn."),
                format!("No administrative unit with code “{code}” within your jurisdiction."),
            )))
        };
        let commune = match self.unit(p.commune_code.as_str()).await {
            Ok(u) if u.level == UnitLevel::Commune && scope.contains(&u) => u,
            Ok(_) | Err(StoreError::NotFound { .. }) => {
                return Err(invalid("commune_code", &p.commune_code));
            }
            Err(e) => return Err(e),
        };
        if let Some(h) = &p.hamlet_code {
            match self.unit(h.as_str()).await {
                Ok(u) if u.parent_code.as_deref() == Some(commune.code.as_str()) => {}
                Ok(_) | Err(StoreError::NotFound { .. }) => return Err(invalid("hamlet_code", h)),
                Err(e) => return Err(e),
            }
        }
        Ok(commune)
    }

    /// One person within the scope; merged records are returned too, with
    /// `merged_into` set. Outside the scope reads as not found.
    pub async fn person(&self, scope: &Scope, id: i64) -> Result<Person> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE p.id = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "p");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        match q.fetch_optional(&self.read).await? {
            Some(r) => person_from_row(&r),
            None => Err(StoreError::not_found(crate::error::Entity::Person, id)),
        }
    }

    /// Several people within the scope in one query per 500 ids (a work
    /// list's page needs them all), keyed by id. Ids unknown or outside the
    /// scope are left out, as [`Self::person`] would not find them.
    pub async fn persons_by_ids(
        &self,
        scope: &Scope,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Person>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            // `$N` on both engines: a few hundred parameters, with the
            // scope's own after them.
            let list = (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE p.id IN ({list})");
            let mut b = QueryBuilder::numbered(sql, chunk.len());
            scope.push_filter(&mut b, "p");
            let mut q = sqlx::query(b.sql());
            for id in chunk {
                q = q.bind(*id);
            }
            let q = b.bind_onto(q);
            for r in q.fetch_all(&self.read).await? {
                let person = person_from_row(&r)?;
                out.insert(person.id, person);
            }
        }
        Ok(out)
    }

    /// The registered person a typed one most likely is: the holder of the
    /// same national ID (anywhere), else the first likely duplicate within
    /// the scope. Used to match imported contact lists against the registry.
    pub async fn match_person(&self, scope: &Scope, p: &NewPerson) -> Result<Option<i64>> {
        let by_id: Option<i64> = match p.national_id.as_ref() {
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
        if by_id.is_some() {
            return Ok(by_id);
        }
        match self.likely_duplicates(scope, p).await {
            Ok(c) => Ok(c.first().map(|c| c.person_id)),
            Err(StoreError::Invalid(_)) | Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Likely duplicates of a checked person, without writing anything.
    pub async fn likely_duplicates(
        &self,
        scope: &Scope,
        p: &NewPerson,
    ) -> Result<Vec<DuplicateCandidate>> {
        let commune = self.address_unit(scope, p).await?;
        let row = PersonRow::new(p, &commune);
        let mut tx = self.read.begin().await?;
        let found = find_likely_duplicates(&mut tx, scope, &row, None).await?;
        tx.rollback().await?;
        Ok(found)
    }

    /// Register a person. The same national ID is refused; likely duplicates are
    /// refused too unless the caller confirms, in which case the pair is kept
    /// for review.
    pub async fn create_person(
        &self,
        actor: &Actor,
        p: &NewPerson,
        confirm_not_duplicate: bool,
    ) -> Result<Person> {
        actor.require(phongdich_domain::Permission::EditPersons)?;
        let mut tx = self.write.begin().await?;
        let person = self
            .insert_person(&mut tx, actor, p, confirm_not_duplicate)
            .await?;
        tx.commit().await?;
        Ok(person)
    }

    /// [`Store::create_person`] inside the caller's transaction (a module
    /// that registers a person with its own record commits both, or neither).
    /// The caller checks the permission it needs.
    pub(crate) async fn insert_person(
        &self,
        tx: &mut Transaction<'static, Any>,
        actor: &Actor,
        p: &NewPerson,
        confirm_not_duplicate: bool,
    ) -> Result<Person> {
        let commune = self.address_unit(&actor.scope, p).await?;
        let row = PersonRow::new(p, &commune);
        if let Some(refusal) =
            national_id_taken(tx, &actor.scope, row.national_id.as_deref(), None).await?
        {
            return Err(refusal);
        }
        let candidates = find_likely_duplicates(tx, &actor.scope, &row, None).await?;
        if !candidates.is_empty() && !confirm_not_duplicate {
            return Err(StoreError::LikelyDuplicates { candidates });
        }
        let sql = format!(
            "INSERT INTO persons ({}, created_at, updated_at) VALUES {} RETURNING id",
            PersonRow::COLUMNS,
            placeholders(Dialect::Postgres, 1, PersonRow::WIDTH + 2, "")
        );
        let stamp = self.stamp();
        let id: i64 = row
            .bind(sqlx::query(&sql))
            .bind(stamp.as_str())
            .bind(stamp.as_str())
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?;
        let pairs: Vec<(&str, i64)> = row.tokens().into_iter().map(|t| (t, id)).collect();
        insert_tokens(tx, Dialect::Postgres, &pairs).await?;
        for c in &candidates {
            record_candidate(tx, id, c, &self.stamp()).await?;
        }
        let person = fetch_person_tx(tx, id).await?;
        audit::record(
            &self.clock,
            tx,
            actor,
            "create",
            "person",
            &id.to_string(),
            Some(&person.commune_code),
            None::<&()>,
            Some(&person),
        )
        .await?;
        Ok(person)
    }

    /// The record follows the person: they live at `commune` (its `hamlet`,
    /// `street` when given) from now on — a returnee the commune confirmed
    /// home, whose record may be kept by the unit they left. Audited as
    /// `move`, with the record before and after; nothing when they already
    /// live there. Returns whether the record moved.
    pub(crate) async fn move_person_home(
        &self,
        actor: &Actor,
        id: i64,
        commune: &Unit,
        hamlet: Option<&str>,
        street: Option<&str>,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let before = fetch_person_tx(&mut tx, id).await?;
        let same_hamlet = hamlet.is_none_or(|h| before.hamlet_code.as_deref() == Some(h));
        if before.commune_code == commune.code && same_hamlet {
            return Ok(false);
        }
        let mut row = PersonRow::from_person(&before);
        row.province_code = commune.province_code.clone();
        row.district_code = commune.district_code.clone().unwrap_or_default();
        row.commune_code = commune.code.clone();
        row.hamlet_code = hamlet.map(str::to_owned);
        if let Some(s) = street.filter(|s| !s.trim().is_empty()) {
            row.street_address = Some(s.to_owned());
        }
        let version = before.version;
        self.rewrite_person_audited(&mut tx, actor, "move", &before, &row, version)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Write `row` over the record `before` (refused as stale unless it is
    /// still at `expected_version`), read it back and audit the change as
    /// `action`, in `tx`.
    async fn rewrite_person_audited(
        &self,
        tx: &mut Transaction<'static, Any>,
        actor: &Actor,
        action: &str,
        before: &Person,
        row: &PersonRow,
        expected_version: i64,
    ) -> Result<Person> {
        let id = before.id;
        if !write_person_row(tx, id, row, Some(expected_version), &self.stamp()).await? {
            return Err(stale(id));
        }
        let after = fetch_person_tx(tx, id).await?;
        if place(before) != place(&after) {
            // An F0 under treatment now living inside a green zone: the
            // zone is lost with this write.
            self.zones_lost_by_move(tx, actor, &after).await?;
        }
        audit::record(
            &self.clock,
            tx,
            actor,
            action,
            "person",
            &id.to_string(),
            Some(&after.commune_code),
            Some(before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    /// Change a person inside the scope, refusing a stale version.
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        update: &PersonUpdate,
    ) -> Result<Person> {
        actor.require(phongdich_domain::Permission::EditPersons)?;
        let before = self.person(&actor.scope, id).await?;
        if before.merged_into.is_some() {
            return Err(StoreError::conflict(
                "Hồ sơ này đã được gộp vào hồ sơ khác; hãy sửa hồ sơ được giữ lại.",
                "This record was merged into another; edit the record that was kept.",
            ));
        }
        let commune = self.address_unit(&actor.scope, &update.person).await?;
        let row = PersonRow::new(&update.person, &commune);
        let mut tx = self.write.begin().await?;
        if let Some(refusal) =
            national_id_taken(&mut tx, &actor.scope, row.national_id.as_deref(), Some(id)).await?
        {
            return Err(refusal);
        }
        let after = self
            .rewrite_person_audited(
                &mut tx,
                actor,
                "update",
                &before,
                &row,
                update.expected_version,
            )
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Search within the scope (and the query's unit, if given). Returns one
    /// page and whether more follow.
    pub async fn search_persons(
        &self,
        scope: &Scope,
        query: &PersonQuery,
    ) -> Result<(Vec<Person>, bool)> {
        let scope = match query
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(code) => {
                let unit = self.unit(code).await?;
                if !scope.contains(&unit) {
                    return Err(StoreError::not_found(crate::error::Entity::Unit, code));
                }
                Scope::unit(UnitCode::parse(&unit.code).map_err(Invalid::from)?)
            }
            None => scope.clone(),
        };
        let limit = query.limit.unwrap_or(50).clamp(1, 500);
        let offset = query.offset.unwrap_or(0).max(0);
        let q = query.q.as_deref().unwrap_or("").trim();
        let mut params: Vec<String> = Vec::new();
        let mut sql;
        if let Ok(nid) = NationalId::parse(q) {
            params.push(nid.as_str().to_owned());
            sql = format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE p.national_id = $1");
        } else if let Ok(phone) = PhoneNumber::parse(q) {
            params.push(phone.as_str().to_owned());
            sql = format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE p.phone = $1");
        } else {
            let words = text::tokens(q);
            if words.is_empty() {
                sql = format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE 1 = 1");
            } else {
                let driver = self.rarest_word(&words).await?;
                let last = words.len() - 1;
                let (lo, hi) = word_range(&words[driver], driver == last);
                params.push(lo);
                params.push(hi);
                sql = format!(
                    "SELECT {PERSON_COLUMNS} FROM person_name_tokens t JOIN persons p ON p.id = t.person_id \
                     WHERE t.token >= $1 AND t.token < $2"
                );
                // Every other word must be one of the person's name tokens
                // (the last one as a prefix). Through the per-person token
                // index this is a few look-ups per candidate, and both
                // planners estimate it well; a LIKE on the folded name made
                // PostgreSQL scan the whole table (1.4 s at 200,000 people).
                for (i, w) in words.iter().enumerate() {
                    if i == driver {
                        continue;
                    }
                    let (lo, hi) = word_range(w, i == last);
                    params.push(lo);
                    params.push(hi);
                    sql.push_str(&format!(
                        " AND EXISTS (SELECT 1 FROM person_name_tokens w WHERE w.person_id = t.person_id \
                         AND w.token >= ${} AND w.token < ${})",
                        params.len() - 1,
                        params.len()
                    ));
                }
            }
        }
        sql.push_str(" AND p.merged_into IS NULL");
        let mut b = QueryBuilder::numbered(sql, params.len());
        scope.push_filter(&mut b, "p");
        // Without a sort the engine's index order is kept: sorting every match
        // of a common name would cost more than the search itself.
        b.push(match query.sort.as_deref() {
            Some("name") => " ORDER BY p.name_folded, p.id",
            Some("newest") => " ORDER BY p.id DESC",
            _ => "",
        });
        b.push(&format!(" LIMIT {} OFFSET {offset}", limit + 1));
        let mut qry = sqlx::query(b.sql());
        for p in &params {
            qry = qry.bind(p.as_str());
        }
        let qry = b.bind_onto(qry);
        let mut people: Vec<Person> = qry
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(person_from_row)
            .collect::<Result<_>>()?;
        // A prefix can match two tokens of one name ("an" in "Anh An").
        let mut seen = std::collections::HashSet::new();
        people.retain(|p| seen.insert(p.id));
        let more = people.len() as i64 > limit;
        people.truncate(limit as usize);
        Ok((people, more))
    }

    /// Index of the query word with the fewest people (counted up to a cap),
    /// so the search starts from the narrowest index range.
    async fn rarest_word(&self, words: &[String]) -> Result<usize> {
        if words.len() == 1 {
            return Ok(0);
        }
        let mut best = (usize::MAX, 0);
        for (i, w) in words.iter().enumerate() {
            let (lo, hi) = word_range(w, i == words.len() - 1);
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT 1 FROM person_name_tokens WHERE token >= $1 AND token < $2 LIMIT 2000) x",
            )
            .bind(lo)
            .bind(hi)
            .fetch_one(&self.read)
            .await?;
            if (n as usize) < best.0 {
                best = (n as usize, i);
            }
        }
        Ok(best.1)
    }

    /// Every person living in the scope, for export, in id order.
    pub async fn persons_in_scope(
        &self,
        scope: &Scope,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM persons p WHERE p.id > $1 AND p.merged_into IS NULL"
        );
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "p");
        b.push(&format!(" ORDER BY p.id LIMIT {limit}"));
        let q = b.bind_onto(sqlx::query(b.sql()).bind(after_id));
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(person_from_row)
            .collect()
    }

    /// The first `limit` open likely-duplicate pairs of the scope, newest
    /// first ([`Store::duplicate_pairs`] without the count).
    pub async fn open_duplicate_pairs(
        &self,
        scope: &Scope,
        limit: i64,
    ) -> Result<Vec<(i64, Person, Person, String)>> {
        Ok(self
            .duplicate_pairs(scope, crate::Paging::new(0, limit.clamp(1, 500)))
            .await?
            .pairs)
    }

    /// A page of the open likely-duplicate pairs whose two people are both
    /// in the scope, newest first, and how many there are in all.
    pub async fn duplicate_pairs(
        &self,
        scope: &Scope,
        paging: crate::Paging,
    ) -> Result<DuplicatePairs> {
        let mut b = QueryBuilder::numbered(String::new(), 0);
        let [cp, cq] = scope.and_filters(&mut b, ["p", "q"]);
        // A pair is shown only when both people are inside the scope.
        b.push(&format!(
            "FROM duplicate_candidates d JOIN persons p ON p.id = d.person_id \
             JOIN persons q ON q.id = d.other_person_id WHERE d.status = 'open'{cp}{cq}"
        ));
        let total: i64 = b
            .bind_scalar_onto(sqlx::query_scalar(&format!("SELECT COUNT(*) {}", b.sql())))
            .fetch_one(&self.read)
            .await?;
        let sql = format!(
            "SELECT d.id, d.person_id, d.other_person_id, d.reason {} ORDER BY d.id DESC LIMIT {} OFFSET {}",
            b.sql(),
            paging.limit,
            paging.offset
        );
        let q = b.bind_onto(sqlx::query(&sql));
        let rows = q.fetch_all(&self.read).await?;
        // The page's people in one read, not two per pair.
        let mut ids = Vec::with_capacity(rows.len() * 2);
        for r in &rows {
            ids.push(r.try_get::<i64, _>("person_id")?);
            ids.push(r.try_get::<i64, _>("other_person_id")?);
        }
        let people = self.persons_by_ids(scope, &ids).await?;
        let take = |id: i64| {
            people
                .get(&id)
                .cloned()
                .ok_or_else(|| StoreError::not_found(crate::error::Entity::Person, id))
        };
        let mut pairs = Vec::with_capacity(rows.len());
        for r in &rows {
            pairs.push((
                r.try_get("id")?,
                take(r.try_get("person_id")?)?,
                take(r.try_get("other_person_id")?)?,
                r.try_get("reason")?,
            ));
        }
        Ok(DuplicatePairs {
            total,
            paging,
            pairs,
        })
    }

    /// One open likely-duplicate pair, its two people side by side and the
    /// reason it was raised. A pair with either person outside the scope, or
    /// already merged or dismissed, is not found.
    pub async fn duplicate_pair(
        &self,
        scope: &Scope,
        pair_id: i64,
    ) -> Result<(Person, Person, String)> {
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT person_id, other_person_id, reason FROM duplicate_candidates WHERE id = $1 AND status = 'open'",
        )
        .bind(pair_id)
        .fetch_optional(&self.read)
        .await?;
        let Some((a, b, reason)) = row else {
            return Err(StoreError::not_found(
                crate::error::Entity::DuplicatePair,
                pair_id,
            ));
        };
        let not_found = |e: StoreError| match e {
            StoreError::NotFound { .. } => {
                StoreError::not_found(crate::error::Entity::DuplicatePair, pair_id)
            }
            e => e,
        };
        let pa = self.person(scope, a).await.map_err(not_found)?;
        let pb = self.person(scope, b).await.map_err(not_found)?;
        Ok((pa, pb, reason))
    }

    /// Close a likely-duplicate pair as two different people ("not a
    /// duplicate"): it leaves the list, audited; both records stay as they
    /// are. Only a pair whose two people are in the actor's scope.
    pub async fn dismiss_duplicate(&self, actor: &Actor, pair_id: i64) -> Result<()> {
        actor.require(phongdich_domain::Permission::MergePersons)?;
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT person_id, other_person_id FROM duplicate_candidates WHERE id = $1 AND status = 'open'",
        )
        .bind(pair_id)
        .fetch_optional(&self.read)
        .await?;
        let Some((a, b)) = row else {
            return Err(StoreError::not_found(
                crate::error::Entity::DuplicatePair,
                pair_id,
            ));
        };
        // Both must be visible: a pair across the scope's edge is not found.
        let pa = self.person(&actor.scope, a).await?;
        self.person(&actor.scope, b).await?;
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "UPDATE duplicate_candidates SET status = 'dismissed', resolved_at = $1 WHERE id = $2 AND status = 'open'",
        )
        .bind(stamp.as_str())
        .bind(pair_id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "dismiss",
            "duplicate_pair",
            &pair_id.to_string(),
            Some(&pa.commune_code),
            Some(&serde_json::json!({ "person_id": a, "other_person_id": b, "status": "open" })),
            Some(&serde_json::json!({ "status": "dismissed" })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Merge `merged_id` into `kept_id`: the kept record takes the fields it
    /// lacks, every reference is re-pointed, the merged record stays (marked)
    /// so both histories remain, and the audit entry holds what undo needs.
    pub async fn merge_persons(
        &self,
        actor: &Actor,
        kept_id: i64,
        merged_id: i64,
    ) -> Result<MergeOutcome> {
        actor.require(phongdich_domain::Permission::MergePersons)?;
        if kept_id == merged_id {
            return Err(StoreError::conflict(
                "Không thể gộp một hồ sơ với chính nó.",
                "A record cannot be merged with itself.",
            ));
        }
        let kept_before = self.person(&actor.scope, kept_id).await?;
        let merged_before = self.person(&actor.scope, merged_id).await?;
        if kept_before.merged_into.is_some() || merged_before.merged_into.is_some() {
            return Err(StoreError::conflict(
                "Một trong hai hồ sơ đã được gộp trước đó.",
                "One of the two records was already merged.",
            ));
        }
        // One live trip per person and arrival day: two records coming home
        // the same day are one trip too many for one person.
        let same_day: Option<(String, String, String)> = sqlx::query_as(
            "SELECT a.arrival_on, a.code, b.code FROM returnee_registrations a JOIN returnee_registrations b \
             ON b.arrival_on = a.arrival_on AND b.person_id = $2 AND b.status <> 'cancelled' \
             WHERE a.person_id = $1 AND a.status <> 'cancelled' LIMIT 1",
        )
        .bind(kept_id)
        .bind(merged_id)
        .fetch_optional(&self.read)
        .await?;
        if let Some((day, a, b)) = same_day {
            let day = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map_or(day.clone(), |d| d.format("%d/%m/%Y").to_string());
            return Err(StoreError::conflict(
                format!(
                    "Cả hai hồ sơ đều có đăng ký về ngày {day} ({a}, {b}): hủy một đăng ký trước khi gộp."
                ),
                format!(
                    "Both records are registered to arrive on {day} ({a}, {b}): cancel one registration before merging."
                ),
            ));
        }
        // The engine is taken first and rebuilt inside the write: the merge and
        // the classes it changes commit together, or neither does.
        let mut w = self.begin_write(true, false).await?;
        let tx = w.tx();
        let stamp = self.stamp();
        let moved = sqlx::query("UPDATE persons SET merged_into = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
            .bind(kept_id)
            .bind(stamp.as_str())
            .bind(merged_id)
            .bind(merged_before.version)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if moved != 1 {
            return Err(stale(merged_id));
        }
        let mut filled = kept_before.clone();
        fill_missing(&mut filled, &merged_before);
        if !write_person_row(
            tx,
            kept_id,
            &PersonRow::from_person(&filled),
            Some(kept_before.version),
            &self.stamp(),
        )
        .await?
        {
            return Err(stale(kept_id));
        }
        let mut repointed = serde_json::Map::new();
        for (table, column) in PERSON_REFERENCES {
            let ids: Vec<i64> =
                sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE {column} = $1"))
                    .bind(merged_id)
                    .fetch_all(&mut **tx)
                    .await?;
            sqlx::query(&format!(
                "UPDATE {table} SET {column} = $1 WHERE {column} = $2"
            ))
            .bind(kept_id)
            .bind(merged_id)
            .execute(&mut **tx)
            .await?;
            repointed.insert(format!("{table}.{column}"), ids.into());
        }
        let repointed = serde_json::Value::Object(repointed);
        sqlx::query(
            "UPDATE duplicate_candidates SET status = 'merged', resolved_at = $1 WHERE status = 'open' AND \
             ((person_id = $2 AND other_person_id = $3) OR (person_id = $3 AND other_person_id = $2))",
        )
        .bind(stamp.as_str())
        .bind(kept_id)
        .bind(merged_id)
        .execute(&mut **tx)
        .await?;
        let merge_id: i64 = sqlx::query_scalar(
            "INSERT INTO person_merges (kept_id, merged_id, repointed_json, merged_at, merged_by) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(kept_id)
        .bind(merged_id)
        .bind(repointed.to_string())
        .bind(stamp.as_str())
        .bind(actor.name.as_str())
        .fetch_one(&mut **tx)
        .await?;
        let kept = fetch_person_tx(tx, kept_id).await?;
        let merged = fetch_person_tx(tx, merged_id).await?;
        // The kept record may now live where it did not (an address taken
        // from the merged one) or hold the merged one's case: an F0 under
        // treatment now inside a green zone ends it, in the same write.
        let case_moved = repointed
            .get("cases.person_id")
            .and_then(|v| v.as_array())
            .is_some_and(|ids| !ids.is_empty());
        if case_moved || place(&kept_before) != place(&kept) {
            self.zones_lost_by_move(tx, actor, &kept).await?;
        }
        let before = serde_json::json!({ "kept": kept_before, "merged": merged_before });
        let after = serde_json::json!({ "merge_id": merge_id, "kept": kept, "merged": merged, "repointed": repointed });
        let audit_id = audit::record(
            &self.clock,
            tx,
            actor,
            "merge",
            "person",
            &kept_id.to_string(),
            Some(&kept.commune_code),
            Some(&before),
            Some(&after),
        )
        .await?;
        self.resync_classes_in(&mut w, &format!("merge:{merge_id}"))
            .await?;
        w.commit().await?;
        Ok(MergeOutcome {
            merge_id,
            audit_id,
            kept,
            merged,
        })
    }

    /// Undo a merge from its audit entry: both records return to what they were
    /// before it and the references move back. Refused if the kept record has
    /// changed since, so no later edit is silently lost.
    pub async fn undo_merge(&self, actor: &Actor, audit_id: i64) -> Result<MergeOutcome> {
        actor.require(phongdich_domain::Permission::MergePersons)?;
        let entry = match self.audit_entry_in_scope(actor, audit_id).await {
            Ok(e) => Some(e).filter(|e| e.action == "merge" && e.entity == "person"),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let Some(entry) = entry else {
            return Err(StoreError::not_found(crate::error::Entity::Merge, audit_id));
        };
        let (Some(before), Some(after)) = (entry.before, entry.after) else {
            return Err(StoreError::Data(format!(
                "audit entry {audit_id} lacks its snapshots"
            )));
        };
        let kept_before: Person = serde_json::from_value(before["kept"].clone())?;
        let merged_before: Person = serde_json::from_value(before["merged"].clone())?;
        let kept_after: Person = serde_json::from_value(after["kept"].clone())?;
        let merge_id = after["merge_id"].as_i64().unwrap_or_default();
        // Both must be inside the actor's scope, as for the merge itself.
        let kept_now = self.person(&actor.scope, kept_before.id).await?;
        self.person(&actor.scope, merged_before.id).await?;
        // The engine is taken first and rebuilt inside the write: the merge and
        // the classes it changes commit together, or neither does.
        let mut w = self.begin_write(true, false).await?;
        let tx = w.tx();
        let undone: Option<String> =
            sqlx::query_scalar("SELECT undone_at FROM person_merges WHERE id = $1")
                .bind(merge_id)
                .fetch_optional(&mut **tx)
                .await?
                .flatten();
        if undone.is_some() {
            return Err(StoreError::conflict(
                "Lần gộp này đã được hoàn tác.",
                "This merge was already undone.",
            ));
        }
        if kept_now.version != kept_after.version {
            return Err(StoreError::conflict(
                "Hồ sơ được giữ lại đã thay đổi sau khi gộp; hãy xem lại trước khi hoàn tác.",
                "The kept record changed after the merge; review it before undoing.",
            ));
        }
        let stamp = self.stamp();
        // Restore the kept record first: it gives back the national ID it took.
        write_person_row(
            tx,
            kept_before.id,
            &PersonRow::from_person(&kept_before),
            None,
            &self.stamp(),
        )
        .await?;
        if let Some(refusal) = national_id_taken(
            tx,
            &actor.scope,
            merged_before.national_id.as_deref(),
            Some(merged_before.id),
        )
        .await?
        {
            return Err(refusal);
        }
        sqlx::query("UPDATE persons SET merged_into = NULL, version = version + 1, updated_at = $1 WHERE id = $2")
            .bind(stamp.as_str())
            .bind(merged_before.id)
            .execute(&mut **tx)
            .await?;
        for (table, column) in PERSON_REFERENCES {
            let key = format!("{table}.{column}");
            for id in after["repointed"][&key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_i64())
            {
                sqlx::query(&format!(
                    "UPDATE {table} SET {column} = $1 WHERE id = $2 AND {column} = $3"
                ))
                .bind(merged_before.id)
                .bind(id)
                .bind(kept_before.id)
                .execute(&mut **tx)
                .await?;
            }
        }
        sqlx::query(
            "UPDATE duplicate_candidates SET status = 'open', resolved_at = NULL WHERE status = 'merged' AND \
             ((person_id = $1 AND other_person_id = $2) OR (person_id = $2 AND other_person_id = $1))",
        )
        .bind(kept_before.id)
        .bind(merged_before.id)
        .execute(&mut **tx)
        .await?;
        sqlx::query("UPDATE person_merges SET undone_at = $1, undone_by = $2 WHERE id = $3")
            .bind(stamp.as_str())
            .bind(actor.name.as_str())
            .bind(merge_id)
            .execute(&mut **tx)
            .await?;
        let kept = fetch_person_tx(tx, kept_before.id).await?;
        let merged = fetch_person_tx(tx, merged_before.id).await?;
        // A case moved back is under treatment at its own record's address
        // again: a green zone declared there meanwhile is lost.
        self.zones_lost_by_move(tx, actor, &merged).await?;
        let before = serde_json::json!({ "kept": kept_now });
        let after = serde_json::json!({ "merge_id": merge_id, "undoes_audit_id": audit_id, "kept": kept, "merged": merged });
        let new_audit = audit::record(
            &self.clock,
            tx,
            actor,
            "unmerge",
            "person",
            &kept.id.to_string(),
            Some(&kept.commune_code),
            Some(&before),
            Some(&after),
        )
        .await?;
        self.resync_classes_in(&mut w, &format!("unmerge:{merge_id}"))
            .await?;
        w.commit().await?;
        Ok(MergeOutcome {
            merge_id,
            audit_id: new_audit,
            kept,
            merged,
        })
    }
}

fn stale(id: i64) -> StoreError {
    StoreError::conflict(
        format!("Hồ sơ {id} vừa được người khác sửa; hãy tải lại rồi sửa tiếp."),
        format!("Person {id} was changed by someone else meanwhile; reload and try again."),
    )
}

/// Fields the kept record lacks are taken from the merged one.
fn fill_missing(kept: &mut Person, merged: &Person) {
    fn take<T: Clone>(k: &mut Option<T>, m: &Option<T>) {
        if k.is_none() {
            k.clone_from(m);
        }
    }
    take(&mut kept.birth_date, &merged.birth_date);
    take(&mut kept.national_id, &merged.national_id);
    take(&mut kept.phone, &merged.phone);
    take(&mut kept.street_address, &merged.street_address);
    take(&mut kept.occupation, &merged.occupation);
    take(&mut kept.workplace, &merged.workplace);
    if kept.hamlet_code.is_none() && kept.commune_code == merged.commune_code {
        kept.hamlet_code.clone_from(&merged.hamlet_code);
    }
    for v in &merged.vulnerabilities {
        if !kept.vulnerabilities.contains(v) {
            kept.vulnerabilities.push(v.clone());
        }
    }
    kept.vulnerabilities.sort();
}

async fn record_candidate(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    c: &DuplicateCandidate,
    stamp: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO duplicate_candidates (person_id, other_person_id, reason, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(c.person_id)
    .bind(c.reason.as_str())
    .bind(stamp)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn fetch_person_tx(tx: &mut Transaction<'static, Any>, id: i64) -> Result<Person> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE p.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(&mut **tx).await?;
    person_from_row(&row)
}

/// Overwrite a person's fields (and name tokens); with a version, only if it
/// still matches. Returns whether a row changed.
async fn write_person_row(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    row: &PersonRow,
    expected_version: Option<i64>,
    stamp: &str,
) -> Result<bool> {
    let assignments: Vec<String> = PersonRow::COLUMNS
        .split(',')
        .enumerate()
        .map(|(i, c)| format!("{} = ${}", c.trim(), i + 1))
        .collect();
    let w = PersonRow::WIDTH;
    let sql = format!(
        "UPDATE persons SET {}, version = version + 1, updated_at = ${} WHERE id = ${} AND (${} < 0 OR version = ${})",
        assignments.join(", "),
        w + 1,
        w + 2,
        w + 3,
        w + 3
    );
    let changed = row
        .bind(sqlx::query(&sql))
        .bind(stamp)
        .bind(id)
        .bind(expected_version.unwrap_or(-1))
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM person_name_tokens WHERE person_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let pairs: Vec<(&str, i64)> = row.tokens().into_iter().map(|t| (t, id)).collect();
    insert_tokens(tx, Dialect::Postgres, &pairs).await?;
    Ok(true)
}

/// Index range of a folded word: exactly it, or every word starting with it.
fn word_range(word: &str, prefix: bool) -> (String, String) {
    if prefix {
        (word.to_owned(), format!("{word}\u{10FFFF}"))
    } else {
        // Words hold only letters and digits, so nothing sorts between a word
        // and the word followed by U+0001 (PostgreSQL text cannot hold U+0000).
        (word.to_owned(), format!("{word}\u{1}"))
    }
}

impl Store {
    /// How many people (not merged away) live in the scope.
    pub async fn person_count(&self, scope: &Scope) -> Result<i64> {
        let mut b = QueryBuilder::numbered(
            "SELECT COUNT(*) FROM persons p WHERE p.merged_into IS NULL",
            0,
        );
        scope.push_filter(&mut b, "p");
        let q = b.bind_scalar_onto(sqlx::query_scalar(b.sql()));
        Ok(q.fetch_one(&self.read).await?)
    }
}
