//! Lists of returnees (a sending province's file, a transport operator's
//! manifest, the API's list): the same checks and outcomes as
//! [`Store::register_returnee`] row by row, done for a whole slice of the
//! list at once — the units, the province's areas and rules, the CCCD
//! holders, the duplicate look-ups and the trips already on file read in a
//! few queries, and the people, name tokens, pairs for review,
//! registrations and audit rows written in one transaction.

use crate::import::ExistingMatches;
use crate::persons::{
    DuplicateCandidate, PERSON_COLUMNS, PersonRow, insert_tokens, person_from_row,
};
use crate::returnees::{
    COLUMNS, FROM, already_registered, origin_of, registration_from_row, same_province,
};
use crate::sql::{fetch_ids, in_list, placeholders};
use crate::units::Unit;
use crate::{Actor, Dialect, Result, Store, StoreError, audit};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::NaiveDate;
use phongdich_domain::quarantine::QuarantineRule;
use phongdich_domain::returnees::{
    EpidemicArea, NewRegistration, RegistrationInput, code_from, epidemic_area_of, obligation,
};
use phongdich_domain::similarity::{ids_tell_apart, names_similar};
use phongdich_domain::{Invalid, Permission};
use serde::Serialize;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// One row of a list: the registration as typed, and the label its list
/// gives the group it travels with (rows sharing a label travel together;
/// the first one registered leads the group).
#[derive(Debug, Clone, Default)]
pub struct ListRow {
    pub input: RegistrationInput,
    pub group: Option<String>,
}

/// A row of a list registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ListRegistered {
    pub code: String,
    pub person_id: i64,
    /// `national_id` (the holder of the CCCD), `created`, or
    /// `created_likely_duplicate` (someone new who looks like a registered
    /// person: the pair is kept for the duplicates review).
    pub matched: String,
}

/// Labels of a list's groups → the group's code, carried from one slice of
/// the list to the next.
pub type ListGroups = HashMap<String, String>;

/// Who a row's person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    /// A stored person (the holder of the CCCD).
    Stored(i64),
    /// The n-th new person of this slice.
    New(usize),
}

/// A row that passed the checks that need no transaction.
struct Ready {
    index: usize,
    r: NewRegistration,
    row: PersonRow,
    destination: Unit,
    origin: Unit,
    area_id: Option<i64>,
    /// The group of the registration it travels with (`travels_with`), or
    /// why that registration cannot lead it.
    lead_group: Option<std::result::Result<String, Invalid>>,
    label: Option<String>,
}

/// A row about to be written.
struct Planned {
    ready: usize,
    who: Who,
    code: String,
    group_code: String,
    hamlet: Option<String>,
    matched: &'static str,
}

/// Someone new a row registers: the row (index in the slice's ready rows),
/// the stored people they look like, and the earlier new people of the
/// slice they look like (with why).
struct Newcomer {
    ready: usize,
    stored: Vec<DuplicateCandidate>,
    earlier: Vec<(usize, &'static str)>,
}

/// A CCCD's holder as the look-up finds them.
struct Holder {
    id: i64,
    full_name: String,
    commune_code: String,
    hamlet_code: Option<String>,
    visible: bool,
}

impl Store {
    /// Register every row of `rows` (a slice of a list, up to a few
    /// thousand), each answered in order: its code, or why it was refused —
    /// exactly as [`Store::register_returnee`] would answer the rows one
    /// after the other. `groups` carries the list's group labels across
    /// slices. Not for the public page (its matching is stricter).
    pub async fn register_returnee_list(
        &self,
        actor: &Actor,
        rows: &[ListRow],
        channel: &str,
        groups: &mut ListGroups,
    ) -> Result<Vec<Result<ListRegistered>>> {
        actor.require(Permission::Returnees)?;
        if channel == "public" {
            return Err(StoreError::Data(
                "the public page registers one at a time".into(),
            ));
        }
        let today = self.today();
        let mut out: Vec<Option<Result<ListRegistered>>> = (0..rows.len()).map(|_| None).collect();
        let mut parsed: Vec<(usize, NewRegistration)> = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            match row.input.parse(today) {
                Ok(r) => parsed.push((i, r)),
                Err(e) => out[i] = Some(Err(e.into())),
            }
        }
        // The units named, in one query.
        let mut codes: Vec<&str> = Vec::new();
        for (_, r) in &parsed {
            codes.push(r.origin_code.as_str());
            codes.push(r.person.commune_code.as_str());
            if let Some(h) = &r.person.hamlet_code {
                codes.push(h.as_str());
            }
        }
        let units = self.units_by_code(&codes).await?;
        let mut rules: HashMap<String, (Vec<EpidemicArea>, Vec<QuarantineRule>)> = HashMap::new();
        let mut leads: HashMap<String, std::result::Result<String, Invalid>> = HashMap::new();
        let mut ready: Vec<Ready> = Vec::with_capacity(parsed.len());
        for (i, r) in parsed {
            let checked: Result<Ready> = async {
                let origin = origin_of(units.get(r.origin_code.as_str()).cloned(), &r.origin_code)?;
                let destination = match units.get(r.person.commune_code.as_str()) {
                    Some(u)
                        if u.level == phongdich_domain::UnitLevel::Commune
                            && actor.scope.contains(u) =>
                    {
                        u.clone()
                    }
                    _ => return Err(unknown_unit("commune_code", r.person.commune_code.as_str())),
                };
                if let Some(h) = &r.person.hamlet_code {
                    let under = units.get(h.as_str()).is_some_and(|u| {
                        u.parent_code.as_deref() == Some(destination.code.as_str())
                    });
                    if !under {
                        return Err(unknown_unit("hamlet_code", h.as_str()));
                    }
                }
                let province = destination.province_code.clone();
                if origin.province_code == province {
                    return Err(same_province(&origin));
                }
                if !rules.contains_key(&province) {
                    let areas = self.epidemic_areas(&province).await?;
                    let qr = self.quarantine_rules(&province).await?;
                    rules.insert(province.clone(), (areas, qr));
                }
                let (areas, qr) = &rules[&province];
                let lineage: Vec<&str> = origin.lineage().collect();
                let area = epidemic_area_of(areas, &lineage, r.departure_on);
                obligation(qr, area, r.arrival_on, &province, &r.circumstances)
                    .map_err(Invalid::from)?;
                let area_id = area.map(|a| a.id);
                let row = PersonRow::new(&r.person, &destination);
                Ok(Ready {
                    index: i,
                    area_id,
                    row,
                    destination,
                    origin,
                    lead_group: None,
                    label: rows[i].group.clone().filter(|l| !l.is_empty()),
                    r,
                })
            }
            .await;
            match checked {
                Ok(mut c) => {
                    // The registration it travels with, once per code; a
                    // refusal is given where one at a time would give it.
                    if let Some(code) = c.r.travels_with.clone() {
                        if !leads.contains_key(&code) {
                            let found = match self.group_of_lead(&actor.scope, &code).await {
                                Ok(g) => Ok(g),
                                Err(StoreError::Invalid(e)) => Err(e),
                                Err(e) => return Err(e),
                            };
                            leads.insert(code.clone(), found);
                        }
                        c.lead_group = Some(leads[&code].clone());
                    }
                    ready.push(c)
                }
                Err(e) => out[i] = Some(Err(e)),
            }
        }
        if ready.is_empty() {
            return Ok(out
                .into_iter()
                .map(|o| o.unwrap_or_else(unanswered))
                .collect());
        }

        let mut tx = self.write.begin().await?;
        let written = self
            .write_list(&mut tx, actor, &ready, channel, groups, &mut out)
            .await;
        match written {
            Ok(()) => tx.commit().await?,
            // Another writer took a CCCD, a trip or a code between the look-ups
            // and the writes: the rows go one by one, each meeting what is there.
            Err(StoreError::Db(e)) if is_unique_violation(&e) => {
                tx.rollback().await?;
                for c in &ready {
                    out[c.index] = Some(
                        self.register_returnee(actor, &rows[c.index].input, channel)
                            .await
                            .map(|r| ListRegistered {
                                code: r.registration.code,
                                person_id: r.registration.person_id,
                                matched: r.matched,
                            }),
                    );
                }
            }
            Err(e) => return Err(e),
        }
        Ok(out
            .into_iter()
            .map(|o| o.unwrap_or_else(unanswered))
            .collect())
    }

    /// The look-ups that must see what the transaction sees, then the writes.
    async fn write_list(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        ready: &[Ready],
        channel: &str,
        groups: &mut ListGroups,
        out: &mut [Option<Result<ListRegistered>>],
    ) -> Result<()> {
        let engine = self.dialect;
        // The holders of the CCCDs.
        let nids: Vec<&str> = ready
            .iter()
            .filter_map(|c| c.row.national_id.as_deref())
            .collect();
        let mut holders: HashMap<String, Holder> = HashMap::new();
        for chunk in nids.chunks(900) {
            let sql = format!(
                "SELECT id, full_name, national_id, province_code, district_code, commune_code, hamlet_code \
                 FROM persons WHERE merged_into IS NULL AND national_id IN ({})",
                in_list(engine, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for n in chunk {
                q = q.bind(*n);
            }
            for r in q.fetch_all(&mut **tx).await? {
                let commune_code: String = r.try_get("commune_code")?;
                let visible = actor.scope.contains_codes(
                    &r.try_get::<String, _>("province_code")?,
                    &r.try_get::<String, _>("district_code")?,
                    &commune_code,
                );
                holders.insert(
                    r.try_get("national_id")?,
                    Holder {
                        id: r.try_get("id")?,
                        full_name: r.try_get("full_name")?,
                        commune_code,
                        hamlet_code: r.try_get("hamlet_code")?,
                        visible,
                    },
                );
            }
        }
        // Their trips on file.
        let stored: Vec<i64> = holders.values().map(|h| h.id).collect();
        let mut trips: HashMap<(Who, NaiveDate), String> = HashMap::new();
        let sql = "SELECT person_id, arrival_on, code FROM returnee_registrations \
                   WHERE status <> 'cancelled' AND person_id IN ({list})";
        for r in fetch_ids(tx, engine, sql, &stored).await? {
            let day: String = r.try_get("arrival_on")?;
            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map_err(|e| StoreError::Data(format!("arrival_on {day:?}: {e}")))?;
            trips.insert(
                (Who::Stored(r.try_get("person_id")?), day),
                r.try_get("code")?,
            );
        }
        // Look-alikes among the stored people of the rows no CCCD matches.
        let unmatched: Vec<&PersonRow> = ready
            .iter()
            .filter(|c| {
                c.row
                    .national_id
                    .as_ref()
                    .is_none_or(|n| !holders.contains_key(n))
            })
            .map(|c| &c.row)
            .collect();
        let existing = ExistingMatches::load(tx, engine, &actor.scope, &unmatched).await?;

        // Row by row, in the list's order, as one-at-a-time would decide.
        let mut planned: Vec<Planned> = Vec::with_capacity(ready.len());
        // New people: (index in `ready`, candidates among the stored, earlier new ones it looks like).
        let mut new_people: Vec<Newcomer> = Vec::new();
        let mut new_by_nid: HashMap<&str, usize> = HashMap::new();
        let mut new_by_phone: HashMap<&str, Vec<usize>> = HashMap::new();
        type Block<'a> = (&'a str, i64, &'a str);
        let mut new_by_block: HashMap<Block<'_>, Vec<usize>> = HashMap::new();
        let mut codes = self.fresh_codes(tx, ready.len()).await?.into_iter();
        let mut labels: HashMap<&str, String> = HashMap::new();
        for (k, c) in ready.iter().enumerate() {
            let row = &c.row;
            let holder = row.national_id.as_deref().and_then(|n| holders.get(n));
            // Someone new, kept only once the row is accepted (a refused row
            // registers nobody): (candidates among the stored, earlier new
            // people of the slice it looks like).
            let mut newcomer: Option<Newcomer> = None;
            let (who, matched, hamlet_of_person) = match (holder, row.national_id.as_deref()) {
                // A record another unit keeps: theirs, under the name typed.
                (Some(h), _) if !h.visible => (Who::Stored(h.id), "national_id_elsewhere", None),
                (Some(h), _) => (
                    Who::Stored(h.id),
                    "national_id",
                    (h.commune_code == c.destination.code)
                        .then(|| h.hamlet_code.clone())
                        .flatten(),
                ),
                (None, Some(nid)) if new_by_nid.contains_key(nid) => {
                    let n = new_by_nid[nid];
                    let first = &ready[new_people[n].ready].row;
                    (
                        Who::New(n),
                        "national_id",
                        (first.commune_code == c.destination.code)
                            .then(|| first.hamlet_code.clone())
                            .flatten(),
                    )
                }
                _ => {
                    let stored = existing.candidates(row);
                    let block = (
                        row.commune_code.as_str(),
                        row.birth_year,
                        row.given_key.as_str(),
                    );
                    let earlier: Vec<(usize, &'static str)> = {
                        let mut e: Vec<(usize, &'static str)> = Vec::new();
                        let phone = row.phone.as_deref().and_then(|p| new_by_phone.get(p));
                        for &n in phone.into_iter().flatten() {
                            e.push((n, "same_phone_similar_name"));
                        }
                        for &n in new_by_block.get(&block).into_iter().flatten() {
                            if !e.iter().any(|(m, _)| *m == n) {
                                e.push((n, "similar_name_same_birth_year_commune"));
                            }
                        }
                        e.retain(|(n, _)| {
                            let other = &ready[new_people[*n].ready].row;
                            names_similar(&other.full_name, &row.full_name)
                                && !ids_tell_apart(
                                    other.national_id.as_deref(),
                                    row.national_id.as_deref(),
                                )
                        });
                        e
                    };
                    let matched = if stored.is_empty() && earlier.is_empty() {
                        "created"
                    } else {
                        "created_likely_duplicate"
                    };
                    newcomer = Some(Newcomer {
                        ready: k,
                        stored,
                        earlier,
                    });
                    (Who::New(new_people.len()), matched, None)
                }
            };
            let code = codes
                .next()
                .ok_or_else(|| StoreError::Data("codes".into()))?;
            if let Some(first) = trips.get(&(who, c.r.arrival_on)) {
                let name = match (who, holder) {
                    (Who::Stored(_), Some(h)) if h.visible => h.full_name.clone(),
                    _ => row.full_name.clone(),
                };
                out[c.index] = Some(Err(already_registered(&name, c.r.arrival_on, first)));
                continue;
            }
            let group_code = match (&c.lead_group, c.label.as_deref()) {
                (Some(Ok(g)), _) => g.clone(),
                (Some(Err(e)), _) => {
                    out[c.index] = Some(Err(e.clone().into()));
                    continue;
                }
                (None, Some(l)) => match groups.get(l).or_else(|| labels.get(l)) {
                    Some(g) => g.clone(),
                    None => {
                        labels.insert(l, code.clone());
                        code.clone()
                    }
                },
                (None, None) => code.clone(),
            };
            trips.insert((who, c.r.arrival_on), code.clone());
            if let Some(newcomer) = newcomer {
                let n = new_people.len();
                new_people.push(newcomer);
                if let Some(nid) = row.national_id.as_deref() {
                    new_by_nid.insert(nid, n);
                }
                if let Some(p) = row.phone.as_deref() {
                    new_by_phone.entry(p).or_default().push(n);
                }
                new_by_block
                    .entry((
                        row.commune_code.as_str(),
                        row.birth_year,
                        row.given_key.as_str(),
                    ))
                    .or_default()
                    .push(n);
            }
            let hamlet = match &row.hamlet_code {
                Some(h) => Some(h.clone()),
                None => hamlet_of_person,
            };
            planned.push(Planned {
                ready: k,
                who,
                code,
                group_code,
                hamlet,
                matched,
            });
        }
        let stamp = self.stamp();
        let new_ids = self
            .insert_new_people(tx, actor, ready, &new_people, &stamp)
            .await?;
        let person_of = |who: Who| match who {
            Who::Stored(id) => id,
            Who::New(n) => new_ids[n],
        };
        // The registrations.
        const WIDTH: usize = 29;
        let mut ids: Vec<i64> = Vec::with_capacity(planned.len());
        for chunk in planned.chunks(1000) {
            let sql = format!(
                "INSERT INTO returnee_registrations (code, person_id, origin_code, origin_address, departure_on, \
                 arrival_on, means, group_code, doses, last_dose_on, vaccine, test_kind, test_on, test_result, area_id, \
                 status, channel, province_code, district_code, commune_code, hamlet_code, created_by, created_at, \
                 updated_at, version, contact_phone, full_name, birth_year, street_address) VALUES {} RETURNING id",
                placeholders(engine, chunk.len(), WIDTH, "")
            );
            let mut q = sqlx::query(&sql);
            for p in chunk {
                let c = &ready[p.ready];
                let r = &c.r;
                let test = r.prior_test;
                // The name as typed only for a record kept elsewhere.
                let typed = p.matched == "national_id_elsewhere";
                q = q
                    .bind(p.code.as_str())
                    .bind(person_of(p.who))
                    .bind(c.origin.code.as_str())
                    .bind(r.origin_address.as_deref())
                    .bind(r.departure_on.to_string())
                    .bind(r.arrival_on.to_string())
                    .bind(r.means.as_str())
                    .bind(p.group_code.as_str())
                    .bind(i64::from(r.circumstances.doses))
                    .bind(r.circumstances.last_dose_on.map(|d| d.to_string()))
                    .bind(r.vaccine.as_deref())
                    .bind(test.map(|t| t.kind.as_str()))
                    .bind(test.map(|t| t.on.to_string()))
                    .bind(test.map(|t| t.outcome.as_str()))
                    .bind(c.area_id)
                    .bind("registered")
                    .bind(channel)
                    .bind(c.destination.province_code.as_str())
                    .bind(c.destination.district_code.as_deref().unwrap_or_default())
                    .bind(c.destination.code.as_str())
                    .bind(p.hamlet.as_deref())
                    .bind(actor.name.as_str())
                    .bind(stamp.as_str())
                    .bind(stamp.as_str())
                    .bind(1_i64)
                    .bind(r.person.phone.as_ref().map(|p| p.as_str()))
                    .bind(typed.then_some(c.row.full_name.as_str()))
                    .bind(typed.then_some(c.row.birth_year))
                    .bind(r.person.street_address.as_deref());
            }
            let mut got: Vec<i64> = q
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            // Keys are given in VALUES order within one statement.
            got.sort_unstable();
            ids.extend(got);
        }
        // Each registration's audit row holds it as read back, as one at a
        // time would.
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE r.id IN ({{list}})");
        audit::record_read_back(
            &self.clock,
            tx,
            engine,
            actor,
            "returnee",
            &sql,
            &ids,
            |row| {
                let reg = registration_from_row(row)?;
                Ok(audit::Created {
                    entity_id: reg.code.clone(),
                    province_code: reg.province_code.clone(),
                    district_code: reg.district_code.clone(),
                    commune_code: reg.commune_code.clone(),
                    after_json: serde_json::to_string(&reg)?,
                })
            },
        )
        .await?;
        for p in &planned {
            let c = &ready[p.ready];
            if let Some(l) = c.label.as_deref() {
                groups
                    .entry(l.to_owned())
                    .or_insert_with(|| p.group_code.clone());
            }
            out[c.index] = Some(Ok(ListRegistered {
                code: p.code.clone(),
                person_id: person_of(p.who),
                matched: p.matched.to_owned(),
            }));
        }
        Ok(())
    }

    /// The new people of a slice: their rows, name tokens, the pairs kept
    /// for the duplicates review, and their audit rows. Ids in `people`'s order.
    async fn insert_new_people(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        ready: &[Ready],
        people: &[Newcomer],
        stamp: &str,
    ) -> Result<Vec<i64>> {
        let engine = self.dialect;
        let width = PersonRow::WIDTH + 2;
        let mut ids: Vec<i64> = Vec::with_capacity(people.len());
        for chunk in people.chunks(400) {
            let sql = format!(
                "INSERT INTO persons ({}, created_at, updated_at) VALUES {} RETURNING id",
                PersonRow::COLUMNS,
                placeholders(engine, chunk.len(), width, "")
            );
            let mut q = sqlx::query(&sql);
            for p in chunk {
                q = ready[p.ready].row.bind(q).bind(stamp).bind(stamp);
            }
            let mut got: Vec<i64> = q
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            got.sort_unstable();
            ids.extend(got);
        }
        let mut tokens: Vec<(&str, i64)> = Vec::with_capacity(ids.len() * 3);
        for (p, id) in people.iter().zip(&ids) {
            tokens.extend(ready[p.ready].row.tokens().into_iter().map(|t| (t, *id)));
        }
        tokens.sort_unstable();
        insert_tokens(tx, engine, &tokens).await?;
        let mut pairs: Vec<(i64, i64, &str)> = Vec::new();
        for (p, id) in people.iter().zip(&ids) {
            pairs.extend(
                p.stored
                    .iter()
                    .map(|c| (*id, c.person_id, c.reason.as_str())),
            );
            pairs.extend(p.earlier.iter().map(|(n, reason)| (*id, ids[*n], *reason)));
        }
        for chunk in pairs.chunks(500) {
            let sql = format!(
                "INSERT INTO duplicate_candidates (person_id, other_person_id, reason, created_at) VALUES {}",
                placeholders(engine, chunk.len(), 4, "")
            );
            let mut q = sqlx::query(&sql);
            for (id, other, reason) in chunk {
                q = q.bind(*id).bind(*other).bind(*reason).bind(stamp);
            }
            q.execute(&mut **tx).await?;
        }
        let sql = format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE p.id IN ({{list}})");
        audit::record_read_back(
            &self.clock,
            tx,
            engine,
            actor,
            "person",
            &sql,
            &ids,
            |row| {
                let p = person_from_row(row)?;
                Ok(audit::Created {
                    entity_id: p.id.to_string(),
                    province_code: p.province_code.clone(),
                    district_code: p.district_code.clone(),
                    commune_code: p.commune_code.clone(),
                    after_json: serde_json::to_string(&p)?,
                })
            },
        )
        .await?;
        Ok(ids)
    }

    /// `n` registration codes no registration holds, all different.
    async fn fresh_codes(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        n: usize,
    ) -> Result<Vec<String>> {
        let mut codes: Vec<String> = Vec::with_capacity(n);
        let mut seen: HashSet<String> = HashSet::with_capacity(n);
        while codes.len() < n {
            let mut batch: Vec<String> = Vec::new();
            while codes.len() + batch.len() < n {
                let c = code_from(OsRng.next_u64());
                if seen.insert(c.clone()) {
                    batch.push(c);
                }
            }
            let mut taken: HashSet<String> = HashSet::new();
            for chunk in batch.chunks(900) {
                let sql = format!(
                    "SELECT code FROM returnee_registrations WHERE code IN ({})",
                    in_list(self.dialect, chunk.len())
                );
                let mut q = sqlx::query_scalar::<_, String>(&sql);
                for c in chunk {
                    q = q.bind(c.as_str());
                }
                taken.extend(q.fetch_all(&mut **tx).await?);
            }
            codes.extend(batch.into_iter().filter(|c| !taken.contains(c)));
        }
        Ok(codes)
    }

    /// Units by code (padded), those that exist.
    pub(crate) async fn units_by_code(&self, codes: &[&str]) -> Result<HashMap<String, Unit>> {
        let mut wanted: Vec<&str> = codes.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(900) {
            let sql = format!(
                "SELECT {} FROM units WHERE code IN ({})",
                crate::units::UNIT_COLUMNS,
                in_list(self.dialect, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q.bind(*c);
            }
            for r in q.fetch_all(&self.read).await? {
                let u = crate::units::unit_from_row(&r)?;
                out.insert(u.code.clone(), u);
            }
        }
        Ok(out)
    }

    /// PostgreSQL plans from statistics that autovacuum may refresh late or
    /// never (it is off on some servers): after a list has grown the
    /// returnee tables, refresh them. Nothing to do on SQLite.
    pub async fn refresh_returnee_statistics(&self) -> Result<()> {
        if self.dialect == Dialect::Postgres {
            sqlx::query("ANALYZE persons, person_name_tokens, returnee_registrations")
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }
}

fn unknown_unit(field: &str, code: &str) -> StoreError {
    crate::returnees::invalid(
        field,
        "unknown_unit",
        format!("Không có đơn vị hành chính mã «{code}» trong phạm vi của bạn."),
        format!("No administrative unit with code “{code}” within your jurisdiction."),
    )
}

fn unanswered() -> Result<ListRegistered> {
    Err(StoreError::Data(
        "a row of the list was not answered".into(),
    ))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
