//! Daily health declarations of people in quarantine, and personal links: a
//! link (and a short code typed by hand) through which the person declares,
//! or records vital signs at home, from a phone without an account. Only
//! SHA-256 hashes of the token and the code are stored; a link works until
//! the day after its order or treatment ends, unless revoked.
//!
//! Declarations are validated by `domain::declaration` (temperature 34–43.5 °C,
//! symptom codes, the day within the order and not in the future), one per
//! order and day — a second one replaces the first (`ON CONFLICT … DO UPDATE`,
//! audited with before/after); fever ≥ 37.5 °C or any symptom flags it. Missed
//! declarations (active home/centralised orders, the day within start..=planned
//! end, no declaration; `missed_declarations` lists them in full) and the day's
//! flagged declarations are lists of the quarantine day.
//!
//! Personal links (`personal_links`): one per order or home treatment at a time
//! (a new one revokes the old), made by staff with the Quarantine (order) or
//! Treat (treatment) permission within their jurisdiction; `open_link` resolves
//! a 256-bit token or an 8-letter code (alphabet without 0/O/1/I/L) and says
//! whether it is open, expired or revoked. A link works until the day after its
//! order ends (release day, else planned end) or while its treatment goes on
//! (then the day after it ended); this is computed from the order or treatment
//! at each use, so an extension needs no update of the link. Writes through a
//! link are audited as `link:<id>` with the caller's address and go through the
//! same code as staff (`save_declaration`, `save_vitals`, so warning signs
//! raise an alert). Wrong codes are audited (`link_failed`) and throttled per
//! address with the login counter (`audit::recent_count`); full tokens are not
//! throttled. Only hashes are stored, so the full link and code are shown once,
//! on the printable card, and a lost one is replaced, not looked up (see
//! SECURITY.md for what protects the short code).

use crate::accounts::{MAX_FAILURES_PER_ADDRESS, THROTTLE_WINDOW};
use crate::audit::RecentBy;
use crate::quarantine::{ORDER_COLUMNS, order_from_row};
use crate::sql::QueryBuilder;
use crate::util::{secret, sha256};
use crate::{Actor, QuarantineOrder, Result, Scope, Store, StoreError, VitalRecord, audit};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::NaiveDate;
use phongdich_domain::declaration::DeclarationInput;
use phongdich_domain::treatment::Vitals;
use phongdich_domain::{Invalid, Permission, PhoneNumber, Role};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

// Read from the JSON array of `DECLARATION_COLUMNS` that `Dialect::json_page`
// gives (serde reads a struct from an array, field by field).
/// One day's health declaration of a person in quarantine.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HealthDeclaration {
    pub id: i64,
    pub order_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub commune_code: String,
    /// The day declared for, `yyyy-mm-dd`.
    pub day: String,
    pub declared_at: String,
    /// °C.
    pub temperature: Option<f64>,
    /// Symptom codes (`fever`, `cough`, …).
    #[serde(deserialize_with = "crate::quarantine::comma_list")]
    pub symptoms: Vec<String>,
    #[serde(deserialize_with = "int_bool")]
    pub contact_with_f0: bool,
    pub note: Option<String>,
    /// Fever or any symptom: sample the person.
    #[serde(deserialize_with = "int_bool")]
    pub flagged: bool,
    /// An account name, or `link:<id>` when the person declared through a link.
    pub recorded_by: String,
}

/// A personal link as staff see it (never its token or code, which are
/// shown once, when it is created).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonalLink {
    pub id: i64,
    pub order_id: Option<i64>,
    pub treatment_id: Option<i64>,
    pub person_id: i64,
    /// The team's phone shown to the person.
    pub contact_phone: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// The last day it works: the day after the order or treatment ends
    /// (none while a home treatment goes on).
    pub valid_until: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
}

/// A link just created: the token and code are given out once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewLink {
    pub link: PersonalLink,
    /// 64 hex digits; the page is `/k/<token>`.
    pub token: String,
    /// 8 characters to type at `/k`, shown as `ABCD-EFGH`.
    pub code: String,
}

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkFor {
    Order(i64),
    Treatment(i64),
}

/// What the person's page shows: their given name only, and their own order
/// or treatment.
#[derive(Debug, Clone, Serialize)]
pub struct LinkSubject {
    pub link_id: i64,
    pub given_name: String,
    pub contact_phone: Option<String>,
    pub order: Option<LinkOrder>,
    pub treatment: Option<LinkTreatment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkOrder {
    pub id: i64,
    pub kind: String,
    pub start_on: String,
    pub planned_end: String,
    pub status: String,
    /// Today's declaration, if made.
    pub today: Option<HealthDeclaration>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkTreatment {
    pub id: i64,
    pub enrolled_on: String,
    pub status: String,
    /// Readings recorded today (two are due).
    pub readings_today: usize,
    /// The latest reading, if any.
    pub latest: Option<VitalRecord>,
}

/// What a link or code opens.
#[derive(Debug, Clone)]
pub enum LinkAccess {
    Open(Box<LinkSubject>),
    /// The order or treatment ended (on that day, when known).
    Expired {
        ended_on: Option<String>,
    },
    Revoked,
}

/// The short code's alphabet: no 0/O, 1/I/L, which are misread.
const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 8;

fn new_code() -> String {
    let mut out = String::with_capacity(CODE_LEN);
    while out.len() < CODE_LEN {
        let mut b = [0u8; 16];
        OsRng.fill_bytes(&mut b);
        // 248 = 8 × 31: rejecting larger bytes keeps every letter equally likely.
        for x in b.into_iter().filter(|x| *x < 248) {
            if out.len() < CODE_LEN {
                out.push(CODE_ALPHABET[(x % 31) as usize] as char);
            }
        }
    }
    out
}

/// A typed code as stored: upper case, without spaces or dashes; `None`
/// when it cannot be a code.
fn normalise_code(s: &str) -> Option<String> {
    let c: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (c.len() == CODE_LEN && c.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(c)
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `ABCDEFGH` → `ABCD-EFGH`, easier to read out and type.
pub fn show_code(code: &str) -> String {
    if code.len() == CODE_LEN {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

const DECLARATION_COLUMNS: &str = "d.id, d.order_id, d.person_id, p.full_name, d.commune_code, d.day, d.declared_at, \
    d.temperature, d.symptoms, d.contact_with_f0, d.note, d.flagged, d.recorded_by";

fn declaration_from_row(r: &AnyRow) -> Result<HealthDeclaration> {
    let symptoms: String = r.try_get("symptoms")?;
    Ok(HealthDeclaration {
        id: r.try_get("id")?,
        order_id: r.try_get("order_id")?,
        person_id: r.try_get("person_id")?,
        full_name: r.try_get("full_name")?,
        commune_code: r.try_get("commune_code")?,
        day: r.try_get("day")?,
        declared_at: r.try_get("declared_at")?,
        temperature: r.try_get("temperature")?,
        symptoms: symptoms
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        contact_with_f0: r.try_get::<i64, _>("contact_with_f0")? != 0,
        note: r.try_get("note")?,
        flagged: r.try_get::<i64, _>("flagged")? != 0,
        recorded_by: r.try_get("recorded_by")?,
    })
}

const LINK_COLUMNS: &str = "l.id, l.order_id, l.treatment_id, l.person_id, l.contact_phone, l.created_by, \
    l.created_at, l.revoked_at, l.commune_code, o.status AS order_status, o.planned_end, o.released_on, \
    t.status AS treatment_status, t.ended_on";
const LINK_FROM: &str = "personal_links l LEFT JOIN quarantine_orders o ON o.id = l.order_id \
    LEFT JOIN home_treatments t ON t.id = l.treatment_id";

/// When a link's order or treatment ended, or will end.
enum End {
    /// A home treatment still going on.
    Open,
    On(NaiveDate),
    /// Cancelled, or an end not on file.
    Unknown,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn end_of(r: &AnyRow) -> Result<End> {
    if r.try_get::<Option<i64>, _>("order_id")?.is_some() {
        let status: Option<String> = r.try_get("order_status")?;
        let planned: Option<String> = r.try_get("planned_end")?;
        let released: Option<String> = r.try_get("released_on")?;
        Ok(match status.as_deref() {
            Some("active") => planned
                .as_deref()
                .and_then(date)
                .map_or(End::Unknown, End::On),
            Some("released") => released
                .or(planned)
                .as_deref()
                .and_then(date)
                .map_or(End::Unknown, End::On),
            _ => End::Unknown,
        })
    } else {
        let status: Option<String> = r.try_get("treatment_status")?;
        let ended: Option<String> = r.try_get("ended_on")?;
        Ok(match (status.as_deref(), ended.as_deref().and_then(date)) {
            (Some("active"), _) => End::Open,
            (_, Some(d)) => End::On(d),
            _ => End::Unknown,
        })
    }
}

fn link_from_row(r: &AnyRow, today: NaiveDate) -> Result<PersonalLink> {
    let revoked_at: Option<String> = r.try_get("revoked_at")?;
    let end = end_of(r)?;
    let valid_until = match end {
        End::On(d) => Some(d + chrono::Days::new(1)),
        _ => None,
    };
    let status = if revoked_at.is_some() {
        "revoked"
    } else {
        match end {
            End::Open => "active",
            End::On(d) if today <= d + chrono::Days::new(1) => "active",
            _ => "expired",
        }
    };
    Ok(PersonalLink {
        id: r.try_get("id")?,
        order_id: r.try_get("order_id")?,
        treatment_id: r.try_get("treatment_id")?,
        person_id: r.try_get("person_id")?,
        contact_phone: r.try_get("contact_phone")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        revoked_at,
        valid_until: valid_until.map(|d| d.to_string()),
        status: status.into(),
    })
}

/// The given name: the last word of a Vietnamese full name.
fn given_name(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_owned()
}

/// The one who writes through a link: named `link:<id>` in the audit log,
/// with no role of its own.
fn link_actor(link_id: i64, source: &str) -> Actor {
    Actor {
        name: format!("link:{link_id}"),
        source: source.to_owned(),
        scope: Scope::nothing(),
        role: Role::Viewer,
    }
}

/// Orders `o` under quarantine on day `$1` (not self-monitoring) with no
/// declaration that day: the missed-declaration list, here and on the day page.
pub(crate) const UNDECLARED: &str = " AND o.kind <> 'self_monitoring' AND o.start_on <= $1 AND o.planned_end >= $1 \
    AND NOT EXISTS (SELECT 1 FROM health_declarations hd WHERE hd.order_id = o.id AND hd.day = $1)";

impl Store {
    /// Record a day's declaration for an order of the actor's jurisdiction;
    /// a second one for the same day replaces the first.
    pub async fn declare(
        &self,
        actor: &Actor,
        order_id: i64,
        input: &DeclarationInput,
        today: NaiveDate,
    ) -> Result<HealthDeclaration> {
        actor.require(Permission::Quarantine)?;
        let order = self.quarantine_order(&actor.scope, order_id).await?;
        self.save_declaration(actor, &order, input, today).await
    }

    async fn save_declaration(
        &self,
        actor: &Actor,
        o: &QuarantineOrder,
        input: &DeclarationInput,
        today: NaiveDate,
    ) -> Result<HealthDeclaration> {
        if o.status != "active" {
            return Err(StoreError::conflict(
                "Quyết định cách ly này không còn hiệu lực.",
                "This quarantine order is no longer active.",
            ));
        }
        let (Some(first), Some(last)) = (date(&o.start_on), date(&o.planned_end)) else {
            return Err(StoreError::Data(format!("order {}: stored dates", o.id)));
        };
        let d = input.parse(today, first, last)?;
        let (province, district): (String, String) = sqlx::query_as(
            "SELECT province_code, district_code FROM quarantine_orders WHERE id = $1",
        )
        .bind(o.id)
        .fetch_one(&self.read)
        .await?;
        let day = d.day.to_string();
        let mut tx = self.write.begin().await?;
        let before = declaration_in(&mut tx, o.id, &day).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO health_declarations (order_id, person_id, day, declared_at, temperature, symptoms, \
             contact_with_f0, note, flagged, recorded_by, province_code, district_code, commune_code) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (order_id, day) DO UPDATE SET declared_at = excluded.declared_at, \
             temperature = excluded.temperature, symptoms = excluded.symptoms, \
             contact_with_f0 = excluded.contact_with_f0, note = excluded.note, flagged = excluded.flagged, \
             recorded_by = excluded.recorded_by RETURNING id",
        )
        .bind(o.id)
        .bind(o.person_id)
        .bind(day.as_str())
        .bind(self.stamp())
        .bind(d.temperature)
        .bind(d.symptoms.join(","))
        .bind(i64::from(d.contact_with_f0))
        .bind((!d.note.is_empty()).then_some(d.note.as_str()))
        .bind(i64::from(d.flagged()))
        .bind(actor.name.as_str())
        .bind(province.as_str())
        .bind(district.as_str())
        .bind(o.commune_code.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let after = declaration_in(&mut tx, o.id, &day).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            if before.is_some() { "update" } else { "create" },
            "health_declaration",
            &id.to_string(),
            Some(&o.commune_code),
            before.as_ref(),
            after.as_ref(),
        )
        .await?;
        tx.commit().await?;
        after.ok_or_else(|| StoreError::not_found(crate::error::Entity::HealthDeclaration, id))
    }

    /// An order's declarations, latest day first.
    pub async fn declarations_of(
        &self,
        scope: &Scope,
        order_id: i64,
    ) -> Result<Vec<HealthDeclaration>> {
        let o = self.quarantine_order(scope, order_id).await?;
        sqlx::query(&format!(
            "SELECT {DECLARATION_COLUMNS} FROM health_declarations d JOIN persons p ON p.id = d.person_id \
             WHERE d.order_id = $1 ORDER BY d.day DESC"
        ))
        .bind(o.id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(declaration_from_row)
        .collect()
    }

    /// Orders of the scope under quarantine on `day` (not self-monitoring,
    /// the day within their first and last) without that day's declaration.
    pub async fn missed_declarations(
        &self,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<QuarantineOrder>> {
        self.rows_on_day(
            scope,
            day,
            "o",
            &format!(
                "SELECT {ORDER_COLUMNS} FROM quarantine_orders o JOIN persons p ON p.id = o.person_id \
                 WHERE o.status = 'active'{UNDECLARED}"
            ),
        )
        .await?
        .iter()
        .map(order_from_row)
        .collect()
    }

    /// The rows of a day list (`select` takes the day as `$1`) within the
    /// scope, by commune, in the order they were made.
    async fn rows_on_day(
        &self,
        scope: &Scope,
        day: NaiveDate,
        alias: &str,
        select: &str,
    ) -> Result<Vec<AnyRow>> {
        let sql = select.to_owned();
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, alias);
        b.push(&format!(" ORDER BY {alias}.commune_code, {alias}.id"));
        let q = b.bind_onto(sqlx::query(b.sql()).bind(day.to_string()));
        Ok(q.fetch_all(&self.read).await?)
    }

    /// A personal link for an active order (Quarantine permission) or home
    /// treatment (Treat) of the actor's jurisdiction. Earlier links for the
    /// same order or treatment are revoked: one link works at a time.
    pub async fn create_link(
        &self,
        actor: &Actor,
        target: LinkFor,
        contact_phone: &str,
        today: NaiveDate,
    ) -> Result<NewLink> {
        let (person_id, status, table, id) = match target {
            LinkFor::Order(id) => {
                actor.require(Permission::Quarantine)?;
                let o = self.quarantine_order(&actor.scope, id).await?;
                (o.person_id, o.status, "quarantine_orders", id)
            }
            LinkFor::Treatment(id) => {
                actor.require(Permission::Treat)?;
                let t = self.treatment(&actor.scope, id).await?;
                (t.person_id, t.status, "home_treatments", id)
            }
        };
        let phone = match contact_phone.trim() {
            "" => None,
            p => Some(
                PhoneNumber::parse(p)
                    .map_err(|mut e| {
                        e.field = "contact_phone".into();
                        Invalid(vec![e])
                    })?
                    .as_str()
                    .to_owned(),
            ),
        };
        if status != "active" {
            return Err(StoreError::conflict(
                "Chỉ tạo đường dẫn cho quyết định cách ly hoặc đợt điều trị đang diễn ra.",
                "A link can only be made for an order or a treatment still going on.",
            ));
        }
        let (province, district, commune): (String, String, String) = sqlx::query_as(&format!(
            "SELECT province_code, district_code, commune_code FROM {table} WHERE id = $1"
        ))
        .bind(id)
        .fetch_one(&self.read)
        .await?;
        let (order_id, treatment_id) = match target {
            LinkFor::Order(id) => (Some(id), None),
            LinkFor::Treatment(id) => (None, Some(id)),
        };
        let token = secret();
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        // Eight letters of 31: a clash is rare, but the code must name one link.
        let mut code = new_code();
        while sqlx::query_scalar::<_, i64>("SELECT id FROM personal_links WHERE code_hash = $1")
            .bind(sha256(&code))
            .fetch_optional(&mut *tx)
            .await?
            .is_some()
        {
            code = new_code();
        }
        let earlier: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM personal_links WHERE revoked_at IS NULL AND (order_id = $1 OR treatment_id = $2)",
        )
        .bind(order_id)
        .bind(treatment_id)
        .fetch_all(&mut *tx)
        .await?;
        for old in earlier {
            revoke_in(&mut tx, actor, old, &commune, &stamp, &self.clock).await?;
        }
        let link_id: i64 = sqlx::query_scalar(
            "INSERT INTO personal_links (order_id, treatment_id, person_id, token_hash, code_hash, contact_phone, \
             created_by, created_at, province_code, district_code, commune_code) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(order_id)
        .bind(treatment_id)
        .bind(person_id)
        .bind(sha256(&token))
        .bind(sha256(&code))
        .bind(phone.as_deref())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .bind(province.as_str())
        .bind(district.as_str())
        .bind(commune.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let link = link_in(&mut tx, link_id, today).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "personal_link",
            &link_id.to_string(),
            Some(&commune),
            None::<&()>,
            Some(&link),
        )
        .await?;
        tx.commit().await?;
        Ok(NewLink { link, token, code })
    }

    /// A link of the actor's jurisdiction (anything else is "not found").
    pub async fn personal_link(
        &self,
        scope: &Scope,
        id: i64,
        today: NaiveDate,
    ) -> Result<PersonalLink> {
        let sql = format!("SELECT {LINK_COLUMNS} FROM {LINK_FROM} WHERE l.id = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "l");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        match q.fetch_optional(&self.read).await? {
            Some(r) => link_from_row(&r, today),
            None => Err(StoreError::not_found(
                crate::error::Entity::PersonalLink,
                id,
            )),
        }
    }

    /// A person's links, newest first.
    pub async fn links_of(
        &self,
        scope: &Scope,
        person_id: i64,
        today: NaiveDate,
    ) -> Result<Vec<PersonalLink>> {
        let person = self.person(scope, person_id).await?;
        sqlx::query(&format!(
            "SELECT {LINK_COLUMNS} FROM {LINK_FROM} WHERE l.person_id = $1 ORDER BY l.id DESC"
        ))
        .bind(person.id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| link_from_row(r, today))
        .collect()
    }

    /// Revoke a link at once (a lost phone, a wrong person); revoking it
    /// again changes nothing.
    pub async fn revoke_link(
        &self,
        actor: &Actor,
        id: i64,
        today: NaiveDate,
    ) -> Result<PersonalLink> {
        let link = self.personal_link(&actor.scope, id, today).await?;
        actor.require(if link.order_id.is_some() {
            Permission::Quarantine
        } else {
            Permission::Treat
        })?;
        if link.revoked_at.is_some() {
            return Ok(link);
        }
        let commune: String =
            sqlx::query_scalar("SELECT commune_code FROM personal_links WHERE id = $1")
                .bind(id)
                .fetch_one(&self.read)
                .await?;
        let mut tx = self.write.begin().await?;
        revoke_in(&mut tx, actor, id, &commune, &self.stamp(), &self.clock).await?;
        let after = link_in(&mut tx, id, today).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// What a link's token or a typed code opens. Wrong codes are audited
    /// (`link_failed`) and, like failed logins, throttled per address.
    pub async fn open_link(
        &self,
        credential: &str,
        source: &str,
        today: NaiveDate,
    ) -> Result<LinkAccess> {
        let row = self.find_link(credential, source).await?;
        let link = link_from_row(&row, today)?;
        match link.status.as_str() {
            "revoked" => return Ok(LinkAccess::Revoked),
            "expired" => {
                return Ok(LinkAccess::Expired {
                    ended_on: link
                        .valid_until
                        .as_deref()
                        .and_then(date)
                        .and_then(|d| d.pred_opt())
                        .map(|d| d.to_string()),
                });
            }
            _ => {}
        }
        let full_name: String = sqlx::query_scalar("SELECT full_name FROM persons WHERE id = $1")
            .bind(link.person_id)
            .fetch_one(&self.read)
            .await?;
        let national = Scope::national();
        let order = match link.order_id {
            Some(id) => {
                let o = self.quarantine_order(&national, id).await?;
                let today_row = sqlx::query(&format!(
                    "SELECT {DECLARATION_COLUMNS} FROM health_declarations d JOIN persons p ON p.id = d.person_id \
                     WHERE d.order_id = $1 AND d.day = $2"
                ))
                .bind(id)
                .bind(today.to_string())
                .fetch_optional(&self.read)
                .await?;
                Some(LinkOrder {
                    id,
                    kind: o.kind,
                    start_on: o.start_on,
                    planned_end: o.planned_end,
                    status: o.status,
                    today: today_row.as_ref().map(declaration_from_row).transpose()?,
                })
            }
            None => None,
        };
        let treatment = match link.treatment_id {
            Some(id) => {
                let t = self.treatment(&national, id).await?;
                let vitals = self.vitals_of(&national, id).await?;
                // Readings are stamped in UTC; the day is the server's local one.
                let local_day = |at: &str| {
                    chrono::DateTime::parse_from_rfc3339(at)
                        .ok()
                        .map(|t| t.with_timezone(&crate::vietnam()).date_naive())
                };
                Some(LinkTreatment {
                    id,
                    enrolled_on: t.enrolled_on,
                    status: t.status,
                    readings_today: vitals
                        .iter()
                        .filter(|v| local_day(&v.at) == Some(today))
                        .count(),
                    latest: vitals.into_iter().next(),
                })
            }
            None => None,
        };
        Ok(LinkAccess::Open(Box::new(LinkSubject {
            link_id: link.id,
            given_name: given_name(&full_name),
            contact_phone: link.contact_phone,
            order,
            treatment,
        })))
    }

    /// The person declares for today through their link.
    pub async fn declare_by_link(
        &self,
        credential: &str,
        source: &str,
        input: &DeclarationInput,
        today: NaiveDate,
    ) -> Result<HealthDeclaration> {
        let (link, order_id, _) = self.usable_link(credential, source, today).await?;
        let Some(order_id) = order_id else {
            return Err(StoreError::conflict(
                "Đường dẫn này dùng để ghi chỉ số sức khỏe, không phải khai báo cách ly.",
                "This link is for vital signs, not for a quarantine declaration.",
            ));
        };
        let order = self.quarantine_order(&Scope::national(), order_id).await?;
        let input = DeclarationInput {
            day: String::new(),
            ..input.clone()
        };
        self.save_declaration(&link_actor(link, source), &order, &input, today)
            .await
    }

    /// The person records their vital signs through their link, under the
    /// same rules as staff: warning signs raise an alert.
    pub async fn record_vitals_by_link(
        &self,
        credential: &str,
        source: &str,
        v: &Vitals,
        today: NaiveDate,
    ) -> Result<VitalRecord> {
        let (link, _, treatment_id) = self.usable_link(credential, source, today).await?;
        let Some(treatment_id) = treatment_id else {
            return Err(StoreError::conflict(
                "Đường dẫn này dùng để khai báo y tế khi cách ly, không phải ghi chỉ số.",
                "This link is for the quarantine declaration, not for vital signs.",
            ));
        };
        let t = self.treatment(&Scope::national(), treatment_id).await?;
        self.save_vitals(&link_actor(link, source), &t, v, today)
            .await
    }

    /// A link that works today: (link, order, treatment).
    async fn usable_link(
        &self,
        credential: &str,
        source: &str,
        today: NaiveDate,
    ) -> Result<(i64, Option<i64>, Option<i64>)> {
        let row = self.find_link(credential, source).await?;
        let link = link_from_row(&row, today)?;
        if link.status != "active" {
            return Err(StoreError::Unauthorized {
                message_vi: "Đường dẫn này đã hết hạn hoặc bị thu hồi.".into(),
                message_en: "This link has expired or was revoked.".into(),
            });
        }
        Ok((link.id, link.order_id, link.treatment_id))
    }

    /// The link a token or code names; unknown ones are "not found", and a
    /// wrong code counts against the address.
    async fn find_link(&self, credential: &str, source: &str) -> Result<AnyRow> {
        let credential = credential.trim();
        let by_token = is_token(credential);
        if !by_token
            && self
                .recent_count("link_failed", RecentBy::Source, source, THROTTLE_WINDOW)
                .await?
                >= MAX_FAILURES_PER_ADDRESS
        {
            return Err(StoreError::Unauthorized {
                message_vi: "Nhập sai mã quá nhiều lần; hãy thử lại sau 15 phút.".into(),
                message_en: "Too many wrong codes; try again in 15 minutes.".into(),
            });
        }
        let (column, hash) = match (by_token, normalise_code(credential)) {
            (true, _) => ("token_hash", Some(sha256(&credential.to_ascii_lowercase()))),
            (false, Some(code)) => ("code_hash", Some(sha256(&code))),
            (false, None) => ("code_hash", None),
        };
        let row = match &hash {
            Some(h) => {
                sqlx::query(&format!(
                    "SELECT {LINK_COLUMNS} FROM {LINK_FROM} WHERE l.{column} = $1"
                ))
                .bind(h.as_str())
                .fetch_optional(&self.read)
                .await?
            }
            None => None,
        };
        match row {
            Some(r) => Ok(r),
            None => {
                if !by_token {
                    let anonymous = Actor {
                        name: "anonymous".into(),
                        source: source.to_owned(),
                        scope: Scope::nothing(),
                        role: Role::Viewer,
                    };
                    self.record_event(&anonymous, "link_failed", "personal_link", "code", &())
                        .await?;
                }
                Err(StoreError::not_found(
                    crate::error::Entity::PersonalLink,
                    "?",
                ))
            }
        }
    }
}

async fn declaration_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    order_id: i64,
    day: &str,
) -> Result<Option<HealthDeclaration>> {
    sqlx::query(&format!(
        "SELECT {DECLARATION_COLUMNS} FROM health_declarations d JOIN persons p ON p.id = d.person_id \
         WHERE d.order_id = $1 AND d.day = $2"
    ))
    .bind(order_id)
    .bind(day)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(declaration_from_row)
    .transpose()
}

async fn link_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    today: NaiveDate,
) -> Result<PersonalLink> {
    link_from_row(
        &sqlx::query(&format!(
            "SELECT {LINK_COLUMNS} FROM {LINK_FROM} WHERE l.id = $1"
        ))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?,
        today,
    )
}

async fn revoke_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    id: i64,
    commune: &str,
    stamp: &str,
    clock: &phongdich_domain::Clock,
) -> Result<()> {
    sqlx::query("UPDATE personal_links SET revoked_at = $1, revoked_by = $2 WHERE id = $3")
        .bind(stamp)
        .bind(actor.name.as_str())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        clock,
        tx,
        actor,
        "revoke",
        "personal_link",
        &id.to_string(),
        Some(commune),
        Some(&serde_json::json!({ "revoked_at": null })),
        Some(&serde_json::json!({ "revoked_at": stamp })),
    )
    .await?;
    Ok(())
}

/// The day's declarations with fever or symptoms (`day`: its placeholder),
/// for `quarantine_day`, as one JSON array
/// of `DECLARATION_COLUMNS`, by commune, in the order they were made; `cond`
/// is the scope's condition on `d`, starting with ` AND`.
pub(crate) fn declared_symptoms_sql(engine: crate::Dialect, cond: &str, day: &str) -> String {
    engine.json_page(
        DECLARATION_COLUMNS,
        &format!(
            "FROM health_declarations d JOIN persons p ON p.id = d.person_id \
             WHERE d.day = {day} AND d.flagged = 1{cond}"
        ),
        &["d.commune_code", "d.id"],
        "",
    )
}

/// `declared_symptoms_sql`'s array.
pub(crate) fn declarations_from_json(json: &str) -> Result<Vec<HealthDeclaration>> {
    Ok(serde_json::from_str(json)?)
}

/// 0 or 1 as stored.
fn int_bool<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    Ok(i64::deserialize(d)? != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_only_the_unambiguous_letters_and_read_back_however_typed() {
        for _ in 0..200 {
            let c = new_code();
            assert_eq!(c.len(), CODE_LEN);
            assert_eq!(normalise_code(&show_code(&c).to_lowercase()), Some(c));
        }
        assert_eq!(
            normalise_code("ABCD-EFG0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalise_code("ABC"), None);
    }

    #[test]
    fn the_given_name_is_the_last_word() {
        assert_eq!(given_name("Nguyễn Thị Minh Khai"), "Khai");
        assert_eq!(given_name(""), "");
    }
}
