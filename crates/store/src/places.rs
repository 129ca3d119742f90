//! Places: centralised quarantine sites, field hospitals and hospitals a
//! committee has, with beds by type, oxygen points and staff; admissions and
//! discharges; occupancy now and per day. A place belongs to the commune it
//! stands in, so the units above it see it too; an admission is refused
//! when no bed of its type is free.
//!
//! Beds by type (regular, oxygen, ICU); an admission is refused when no bed of
//! the type is free (checked inside the write transaction) or the person is
//! already in a place; an admission names the place on the person's active
//! centralised order; occupancy per day comes from the admissions (a
//! fortnight's bars on `/places`). A transfer ends one admission and begins the
//! next (`transferred_from`) in one transaction. Where one may send someone
//! (`transfer_destinations`): the places of one's jurisdiction and the
//! hospitals and field hospitals of one's province — a commune sends its F0 to
//! the province's hospitals, which it does not otherwise see; it learns their
//! names and free beds, never who is inside. An alert answered by a transfer
//! can name the receiving hospital and bed type: the admission (`alert_id`) is
//! written in the alert's transaction.

use crate::sql::QueryBuilder;
use crate::{Actor, Person, Result, Scope, Store, StoreError, audit};
use chrono::NaiveDate;
use phongdich_domain::UnitCode;
use phongdich_domain::contact::parse_date;
use phongdich_domain::place::NewPlace;
use phongdich_domain::{FieldError, Invalid, Permission};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

pub use phongdich_domain::place::{BedType, PlaceInput, PlaceKind};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BedCount {
    pub bed_type: String,
    pub capacity: i64,
    pub occupied: i64,
    pub free: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Place {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub address: Option<String>,
    pub commune_code: String,
    pub oxygen_points: i64,
    pub staff: i64,
    pub beds: Vec<BedCount>,
}

/// A place's beds now, as the day list shows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FreeBeds {
    pub place_id: i64,
    pub name: String,
    pub beds: Vec<BedCount>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Admission {
    pub id: i64,
    pub place_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub bed_type: String,
    pub admitted_on: String,
    pub discharged_on: Option<String>,
}

/// What an admission continues or answers.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Links {
    pub transferred_from: Option<i64>,
    pub alert_id: Option<i64>,
}

fn invalid(field: &str, vi: impl Into<String>, en: impl Into<String>) -> StoreError {
    Invalid(vec![FieldError::new(field, "invalid", vi, en)]).into()
}

impl Store {
    /// Add a place in a commune of the actor's jurisdiction.
    pub async fn create_place(&self, actor: &Actor, input: &PlaceInput) -> Result<Place> {
        actor.require(Permission::Quarantine)?;
        let parsed = input.parse();
        let mut errors = match &parsed {
            Ok(_) => Vec::new(),
            Err(Invalid(e)) => e.clone(),
        };
        let unit = match self.unit(&input.commune_code).await {
            Ok(u)
                if actor.scope.contains(&u) && u.level == phongdich_domain::UnitLevel::Commune =>
            {
                Some(u)
            }
            Ok(_) | Err(StoreError::NotFound { .. }) | Err(StoreError::Invalid(_)) => {
                errors.push(FieldError::new(
                    "commune_code",
                    "not_found",
                    "Không có xã/phường này trong phạm vi của bạn.",
                    "No such commune within your jurisdiction.",
                ));
                None
            }
            Err(e) => return Err(e),
        };
        let (Ok(place), Some(unit), true) = (parsed, unit, errors.is_empty()) else {
            return Err(Invalid(errors).into());
        };
        let NewPlace {
            name,
            kind,
            address,
            beds,
            oxygen_points,
            staff,
            ..
        } = place;
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO places (name, kind, address, oxygen_points, staff, province_code, district_code, commune_code, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(name.as_str())
        .bind(kind.as_str())
        .bind((!address.is_empty()).then_some(address))
        .bind(oxygen_points)
        .bind(staff)
        .bind(unit.province_code.as_str())
        .bind(unit.district_code.as_deref().unwrap_or(""))
        .bind(unit.code.as_str())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&mut *tx)
        .await?;
        for (t, n) in &beds {
            sqlx::query(
                "INSERT INTO place_beds (place_id, bed_type, capacity) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(t.as_str())
            .bind(*n)
            .execute(&mut *tx)
            .await?;
        }
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "place",
            &id.to_string(),
            Some(&unit.code),
            None::<&()>,
            Some(&serde_json::json!({ "name": name, "kind": kind, "beds": beds })),
        )
        .await?;
        tx.commit().await?;
        self.place(&actor.scope, id).await
    }

    /// The places of the scope with their beds now.
    pub async fn places(&self, scope: &Scope) -> Result<Vec<Place>> {
        let mut b = QueryBuilder::numbered("SELECT p.id FROM places p WHERE 1 = 1", 0);
        scope.push_filter(&mut b, "p");
        b.push(" ORDER BY p.name");
        let q = b.bind_scalar_onto(sqlx::query_scalar::<_, i64>(b.sql()));
        let mut out = Vec::new();
        for id in q.fetch_all(&self.read).await? {
            out.push(self.place(scope, id).await?);
        }
        Ok(out)
    }

    /// Beds free by place in the scope, in one query (`places` reads each
    /// place in turn; the day page reads these with its lists: `quarantine_day`).
    pub async fn free_beds(&self, scope: &Scope) -> Result<Vec<FreeBeds>> {
        let mut b = QueryBuilder::numbered(String::new(), 0);
        let [cond] = scope.and_filters(&mut b, ["p"]);
        let sql = format!("SELECT {} AS beds", free_beds_sql(self.dialect, &cond));
        b.push(&sql);
        let q = b.bind_onto(sqlx::query(b.sql()));
        free_beds_from_json(
            &q.fetch_one(&self.read)
                .await?
                .try_get::<String, _>("beds")?,
        )
    }

    /// One place of the scope, with capacity, occupied and free beds by type.
    pub async fn place(&self, scope: &Scope, id: i64) -> Result<Place> {
        let sql =
            "SELECT p.id, p.name, p.kind, p.address, p.commune_code, p.oxygen_points, p.staff \
                       FROM places p WHERE p.id = $1"
                .to_owned();
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "p");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        let r = q
            .fetch_optional(&self.read)
            .await?
            .ok_or_else(|| StoreError::not_found(crate::error::Entity::Place, id))?;
        let beds = sqlx::query(
            "SELECT b.bed_type, b.capacity, (SELECT COUNT(*) FROM admissions a WHERE a.place_id = b.place_id \
             AND a.bed_type = b.bed_type AND a.discharged_on IS NULL) AS occupied \
             FROM place_beds b WHERE b.place_id = $1 ORDER BY b.bed_type",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|b| {
            let capacity: i64 = b.try_get("capacity")?;
            let occupied: i64 = b.try_get("occupied")?;
            Ok(BedCount {
                bed_type: b.try_get("bed_type")?,
                capacity,
                occupied,
                free: (capacity - occupied).max(0),
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Place {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            kind: r.try_get("kind")?,
            address: r.try_get("address")?,
            commune_code: r.try_get("commune_code")?,
            oxygen_points: r.try_get("oxygen_points")?,
            staff: r.try_get("staff")?,
            beds,
        })
    }

    /// Admit a person of the actor's jurisdiction to a bed of the place;
    /// refused when none of that type is free or the person is already in a place.
    pub async fn admit(
        &self,
        actor: &Actor,
        place_id: i64,
        person_id: i64,
        bed_type: &str,
        on: &str,
    ) -> Result<Admission> {
        actor.require(Permission::Quarantine)?;
        let place = self.place(&actor.scope, place_id).await?;
        let person = self.person(&actor.scope, person_id).await?;
        let day = parse_date("admitted_on", on).map_err(|e| Invalid(vec![e]))?;
        let mut tx = self.write.begin().await?;
        let admission = self
            .admit_in(
                &mut tx,
                actor,
                &place,
                &person,
                bed_type,
                day,
                Links::default(),
            )
            .await?;
        tx.commit().await?;
        Ok(admission)
    }

    /// Admit inside the caller's transaction (a transfer discharges first; an
    /// alert answered by a transfer to hospital admits with it).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn admit_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        actor: &Actor,
        place: &Place,
        person: &Person,
        bed_type: &str,
        day: NaiveDate,
        links: Links,
    ) -> Result<Admission> {
        let Some(bed) = place.beds.iter().find(|b| b.bed_type == bed_type.trim()) else {
            return Err(invalid(
                "bed_type",
                format!("{} không có loại giường «{bed_type}».", place.name),
                format!("{} has no “{bed_type}” beds.", place.name),
            ));
        };
        let occupied: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM admissions WHERE place_id = $1 AND bed_type = $2 AND discharged_on IS NULL",
        )
        .bind(place.id)
        .bind(bed.bed_type.as_str())
        .fetch_one(&mut **tx)
        .await?;
        if occupied >= bed.capacity {
            return Err(StoreError::conflict(
                format!(
                    "{} đã hết giường loại này ({}/{}).",
                    place.name, occupied, bed.capacity
                ),
                format!(
                    "{} has no free bed of this type ({}/{}).",
                    place.name, occupied, bed.capacity
                ),
            ));
        }
        let inside: Option<i64> = sqlx::query_scalar(
            "SELECT place_id FROM admissions WHERE person_id = $1 AND discharged_on IS NULL",
        )
        .bind(person.id)
        .fetch_optional(&mut **tx)
        .await?;
        if inside.is_some() {
            return Err(StoreError::conflict(
                "Người này đang ở một nơi cách ly, điều trị khác; hãy cho ra trước.",
                "This person is in another place; discharge them first.",
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO admissions (place_id, person_id, bed_type, admitted_on, created_by, created_at, \
             transferred_from, alert_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(place.id)
        .bind(person.id)
        .bind(bed.bed_type.as_str())
        .bind(day.to_string())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .bind(links.transferred_from)
        .bind(links.alert_id)
        .fetch_one(&mut **tx)
        .await?;
        // An active centralised order now names the place.
        sqlx::query(
            "UPDATE quarantine_orders SET place = $1, updated_at = $2 WHERE person_id = $3 AND status = 'active' AND kind = 'centralised'",
        )
        .bind(place.name.as_str())
        .bind(self.stamp())
        .bind(person.id)
        .execute(&mut **tx)
        .await?;
        audit::record(&self.clock,
            tx,
            actor,
            "create",
            "admission",
            &id.to_string(),
            Some(&person.commune_code),
            None::<&()>,
            Some(&serde_json::json!({
                "place": place.id, "person": person.id, "bed_type": bed.bed_type, "on": day.to_string(),
                "transferred_from": links.transferred_from, "alert": links.alert_id,
            })),
        )
        .await?;
        Ok(Admission {
            id,
            place_id: place.id,
            person_id: person.id,
            full_name: person.full_name.clone(),
            bed_type: bed.bed_type.clone(),
            admitted_on: day.to_string(),
            discharged_on: None,
        })
    }

    /// The scope of the actor's whole province (itself when national).
    async fn province_scope(&self, scope: &Scope) -> Result<Scope> {
        match scope.root() {
            None => Ok(scope.clone()),
            Some(root) => {
                let unit = self.unit(root.as_str()).await?;
                Ok(Scope::unit(
                    UnitCode::parse(&unit.province_code).map_err(Invalid::from)?,
                ))
            }
        }
    }

    /// Where a person may be sent: the places of the scope, and the hospitals
    /// and field hospitals of the actor's province — a commune sends its F0 to
    /// the province's hospitals, whose patients it does not otherwise see.
    pub async fn transfer_destinations(&self, scope: &Scope) -> Result<Vec<Place>> {
        let mut out = self.places(scope).await?;
        let province = self.province_scope(scope).await?;
        for p in self.places(&province).await? {
            if p.kind != "centralised" && !out.iter().any(|o| o.id == p.id) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// A destination the actor may send someone to, or "not found".
    pub(crate) async fn destination(&self, actor: &Actor, id: i64) -> Result<Place> {
        if let Ok(p) = self.place(&actor.scope, id).await {
            return Ok(p);
        }
        let province = self.province_scope(&actor.scope).await?;
        match self.place(&province, id).await {
            Ok(p) if p.kind != "centralised" => Ok(p),
            _ => Err(invalid(
                "to_place_id",
                "Không có nơi tiếp nhận này.",
                "No such place to send to.",
            )),
        }
    }

    /// Move someone from one place to another on a day: the admission is
    /// discharged and a new one begins, in one transaction.
    pub async fn transfer(
        &self,
        actor: &Actor,
        admission_id: i64,
        to_place_id: i64,
        bed_type: &str,
        on: &str,
    ) -> Result<Admission> {
        actor.require(Permission::Quarantine)?;
        let row: Option<(i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT place_id, person_id, admitted_on, discharged_on FROM admissions WHERE id = $1",
        )
        .bind(admission_id)
        .fetch_optional(&self.read)
        .await?;
        let Some((from_id, person_id, admitted_on, discharged)) = row else {
            return Err(StoreError::not_found(
                crate::error::Entity::Admission,
                admission_id,
            ));
        };
        let from = self
            .place(&actor.scope, from_id)
            .await
            .map_err(|_| StoreError::not_found(crate::error::Entity::Admission, admission_id))?;
        let person = self.person(&Scope::national(), person_id).await?;
        let to = self.destination(actor, to_place_id).await?;
        let day = parse_date("transferred_on", on).map_err(|e| Invalid(vec![e]))?;
        if discharged.is_some() {
            return Err(StoreError::conflict(
                "Người này đã ra khỏi nơi này.",
                "This person has already left this place.",
            ));
        }
        if to.id == from.id {
            return Err(invalid(
                "to_place_id",
                "Chọn một nơi khác nơi đang ở.",
                "Choose another place than the present one.",
            ));
        }
        if day.to_string() < admitted_on {
            return Err(invalid(
                "transferred_on",
                "Ngày chuyển trước ngày vào.",
                "The transfer is before the admission.",
            ));
        }
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE admissions SET discharged_on = $1 WHERE id = $2")
            .bind(day.to_string())
            .bind(admission_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "transfer",
            "admission",
            &admission_id.to_string(),
            Some(&person.commune_code),
            Some(&serde_json::json!({ "place": from.id })),
            Some(&serde_json::json!({ "discharged_on": day.to_string(), "to_place": to.id })),
        )
        .await?;
        let links = Links {
            transferred_from: Some(admission_id),
            alert_id: None,
        };
        let admission = self
            .admit_in(&mut tx, actor, &to, &person, bed_type, day, links)
            .await?;
        tx.commit().await?;
        Ok(admission)
    }

    /// The people in a place now (`current`), or all who have been.
    pub async fn admissions(
        &self,
        scope: &Scope,
        place_id: i64,
        current: bool,
    ) -> Result<Vec<Admission>> {
        let place = self.place(scope, place_id).await?;
        let filter = if current {
            " AND a.discharged_on IS NULL"
        } else {
            ""
        };
        sqlx::query(&format!(
            "SELECT a.id, a.place_id, a.person_id, p.full_name, a.bed_type, a.admitted_on, a.discharged_on \
             FROM admissions a JOIN persons p ON p.id = a.person_id WHERE a.place_id = $1{filter} ORDER BY a.id"
        ))
        .bind(place.id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| {
            Ok(Admission {
                id: r.try_get("id")?,
                place_id: r.try_get("place_id")?,
                person_id: r.try_get("person_id")?,
                full_name: r.try_get("full_name")?,
                bed_type: r.try_get("bed_type")?,
                admitted_on: r.try_get("admitted_on")?,
                discharged_on: r.try_get("discharged_on")?,
            })
        })
        .collect()
    }

    /// Discharge an admission on a day (not before it began).
    pub async fn discharge(&self, actor: &Actor, admission_id: i64, on: &str) -> Result<Admission> {
        actor.require(Permission::Quarantine)?;
        let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT place_id, admitted_on, discharged_on FROM admissions WHERE id = $1",
        )
        .bind(admission_id)
        .fetch_optional(&self.read)
        .await?;
        let Some((place_id, admitted_on, discharged)) = row else {
            return Err(StoreError::not_found(
                crate::error::Entity::Admission,
                admission_id,
            ));
        };
        let place = self.place(&actor.scope, place_id).await?;
        let day = parse_date("discharged_on", on).map_err(|e| Invalid(vec![e]))?;
        if discharged.is_some() {
            return Err(StoreError::conflict(
                "Đã cho ra trước đó.",
                "Already discharged.",
            ));
        }
        if day.to_string() < admitted_on {
            return Err(invalid(
                "discharged_on",
                "Ngày ra trước ngày vào.",
                "The discharge is before the admission.",
            ));
        }
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE admissions SET discharged_on = $1 WHERE id = $2")
            .bind(day.to_string())
            .bind(admission_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "update",
            "admission",
            &admission_id.to_string(),
            Some(&place.commune_code),
            None::<&()>,
            Some(&serde_json::json!({ "discharged_on": day.to_string() })),
        )
        .await?;
        tx.commit().await?;
        self.admissions(&actor.scope, place_id, false)
            .await?
            .into_iter()
            .find(|a| a.id == admission_id)
            .ok_or_else(|| StoreError::not_found(crate::error::Entity::Admission, admission_id))
    }

    /// Beds occupied in a place on each day from `from` to `to` (inclusive).
    pub async fn occupancy(
        &self,
        scope: &Scope,
        place_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, i64)>> {
        let all = self.admissions(scope, place_id, false).await?;
        let mut out = Vec::new();
        let mut d = from;
        while d <= to && out.len() < 400 {
            let day = d.to_string();
            let n = all
                .iter()
                .filter(|a| {
                    a.admitted_on <= day
                        && a.discharged_on.as_deref().is_none_or(|x| x > day.as_str())
                })
                .count() as i64;
            out.push((day, n));
            d = d + chrono::Days::new(1);
        }
        Ok(out)
    }
}

/// Beds by place as one JSON array (`Dialect::json_page`, all of them): a row
/// per place and bed type, with the beds occupied now. `cond` is the scope's
/// condition on `p` (places), starting with ` AND`.
pub(crate) fn free_beds_sql(engine: crate::Dialect, cond: &str) -> String {
    engine.json_page(
        "p.id, p.name, b.bed_type, b.capacity, (SELECT COUNT(*) FROM admissions a WHERE a.place_id = b.place_id \
         AND a.bed_type = b.bed_type AND a.discharged_on IS NULL)",
        &format!("FROM places p JOIN place_beds b ON b.place_id = p.id WHERE 1 = 1{cond}"),
        &["p.name", "p.id", "b.bed_type"],
        "",
    )
}

/// `free_beds_sql`'s array, a place's bed types together.
pub(crate) fn free_beds_from_json(json: &str) -> Result<Vec<FreeBeds>> {
    let rows: Vec<(i64, String, String, i64, i64)> = serde_json::from_str(json)?;
    let mut out: Vec<FreeBeds> = Vec::new();
    for (id, name, bed_type, capacity, occupied) in rows {
        let bed = BedCount {
            bed_type,
            capacity,
            occupied,
            free: (capacity - occupied).max(0),
        };
        match out.last_mut() {
            Some(last) if last.place_id == id => last.beds.push(bed),
            _ => out.push(FreeBeds {
                place_id: id,
                name,
                beds: vec![bed],
            }),
        }
    }
    Ok(out)
}
