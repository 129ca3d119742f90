//! The province's transport batches for returnees (convoys, buses, flights,
//! trains): planned with their seats, passengers assigned by registration
//! code (each code answered: a seat, already aboard, or refused with the
//! reason), and moved planned → departed → arrived (or cancelled). Who did
//! not show up is read from the passengers' own state.

use crate::audit;
use crate::error::Entity;
use crate::returnees::{COLUMNS, FROM, invalid, registration_from_row};
use crate::sql::QueryBuilder;
use crate::sql::days::date_of;
use crate::{Actor, Registration, Result, Scope, Store, StoreError};
use chrono::NaiveDate;
use phongdich_domain::returnees::{BatchInput, BatchState, Means, Status, normalise_code};
use phongdich_domain::{Permission, UnitLevel};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A batch with its counts.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TransportBatch {
    pub id: i64,
    pub province_code: String,
    pub name: String,
    pub means: Means,
    pub capacity: i64,
    pub departs_on: NaiveDate,
    pub departure_point: String,
    pub route: Option<String>,
    pub state: BatchState,
    pub departed_at: Option<String>,
    pub arrived_at: Option<String>,
    /// Passengers assigned (not cancelled).
    pub assigned: i64,
    /// Of those, through a checkpoint (or home).
    pub arrived: i64,
    pub version: i64,
}

/// A batch and its passengers by seat.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchDetail {
    pub batch: TransportBatch,
    pub passengers: Vec<Registration>,
}

/// What assigning one code did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SeatOutcome {
    /// The code as sent.
    pub code: String,
    /// `assigned`, `already` (aboard this batch) or `refused`.
    pub outcome: String,
    pub seat: Option<i64>,
    pub full_name: Option<String>,
    pub message_vi: String,
    pub message_en: String,
}

const BATCH_COLUMNS: &str = "b.id, b.province_code, b.name, b.means, b.capacity, b.departs_on, \
     b.departure_point, b.route, b.state, b.departed_at, b.arrived_at, b.version, \
     (SELECT COUNT(*) FROM returnee_registrations r WHERE r.batch_id = b.id AND r.status <> 'cancelled') AS assigned, \
     (SELECT COUNT(*) FROM returnee_registrations r WHERE r.batch_id = b.id AND r.status IN ('checked', 'home')) AS arrived";

fn batch_from_row(r: &AnyRow) -> Result<TransportBatch> {
    let means: String = r.try_get("means")?;
    let state: String = r.try_get("state")?;
    Ok(TransportBatch {
        id: r.try_get("id")?,
        province_code: r.try_get("province_code")?,
        name: r.try_get("name")?,
        means: Means::from_stored(&means)
            .ok_or_else(|| StoreError::Data(format!("means {means:?}")))?,
        capacity: r.try_get("capacity")?,
        departs_on: date_of(r, "departs_on")?,
        departure_point: r.try_get("departure_point")?,
        route: r.try_get("route")?,
        state: BatchState::from_stored(&state)
            .ok_or_else(|| StoreError::Data(format!("state {state:?}")))?,
        departed_at: r.try_get("departed_at")?,
        arrived_at: r.try_get("arrived_at")?,
        assigned: r.try_get("assigned")?,
        arrived: r.try_get("arrived")?,
        version: r.try_get("version")?,
    })
}

impl Store {
    /// The province whose batches an actor plans: a province's own account.
    async fn planning_province(&self, actor: &Actor) -> Result<String> {
        actor.require(Permission::Returnees)?;
        match actor.scope.root() {
            Some(root) if root.level() == UnitLevel::Province => Ok(root.as_str().to_owned()),
            _ => Err(StoreError::conflict(
                "Các đợt đón do tỉnh lập: hãy dùng tài khoản cấp tỉnh.",
                "Transport batches are planned by the province: use a province-level account.",
            )),
        }
    }

    /// Plan a batch (audited).
    pub async fn create_batch(&self, actor: &Actor, input: &BatchInput) -> Result<TransportBatch> {
        let province = self.planning_province(actor).await?;
        let b = input.parse()?;
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO transport_batches (province_code, name, means, capacity, departs_on, departure_point, route, \
             state, created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'planned', $8, $9, $9, 1) RETURNING id",
        )
        .bind(province.as_str())
        .bind(b.name.as_str())
        .bind(b.means.as_str())
        .bind(i64::from(b.capacity))
        .bind(b.departs_on.to_string())
        .bind(b.departure_point.as_str())
        .bind(b.route.as_deref())
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let batch = batch_in(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "transport_batch",
            &id.to_string(),
            Some(&province),
            None::<&()>,
            Some(&batch),
        )
        .await?;
        tx.commit().await?;
        Ok(batch)
    }

    /// The batches of the scope's province, by day of departure (latest first).
    pub async fn batches(&self, scope: &Scope) -> Result<Vec<TransportBatch>> {
        let Some(province) = self.province_of_scope(scope).await? else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(&format!(
            "SELECT {BATCH_COLUMNS} FROM transport_batches b WHERE b.province_code = $1 \
             ORDER BY b.departs_on DESC, b.id DESC LIMIT 500"
        ))
        .bind(province.as_str())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(batch_from_row).collect()
    }

    /// A batch of the scope's province, with its passengers within the scope.
    pub async fn batch(&self, scope: &Scope, id: i64) -> Result<BatchDetail> {
        let province = self.province_of_scope(scope).await?;
        let row = sqlx::query(&format!(
            "SELECT {BATCH_COLUMNS} FROM transport_batches b WHERE b.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .ok_or_else(|| StoreError::not_found(Entity::TransportBatch, id))?;
        let batch = batch_from_row(&row)?;
        if province
            .as_deref()
            .is_some_and(|p| p != batch.province_code)
        {
            return Err(StoreError::not_found(Entity::TransportBatch, id));
        }
        let mut b = QueryBuilder::numbered(
            format!("SELECT {COLUMNS} FROM {FROM} WHERE r.batch_id = $1"),
            1,
        );
        scope.push_filter(&mut b, "r");
        b.push(" ORDER BY r.seat, r.id");
        let rows = b
            .bind_onto(sqlx::query(b.sql()).bind(id))
            .fetch_all(&self.read)
            .await?;
        let passengers = rows
            .iter()
            .map(registration_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(BatchDetail { batch, passengers })
    }

    /// Seat registrations on a planned batch, by their codes: each code is
    /// answered (a seat; already aboard; or refused — unknown, cancelled, on
    /// another batch, leaving another day, the batch full). A passenger's
    /// means becomes the batch's, said in the answer. One transaction.
    pub async fn assign_to_batch(
        &self,
        actor: &Actor,
        id: i64,
        codes: &[String],
    ) -> Result<Vec<SeatOutcome>> {
        self.planning_province(actor).await?;
        if codes.len() > phongdich_domain::returnees::MAX_SEATS as usize {
            return Err(invalid(
                "codes",
                "too_many",
                format!(
                    "Tối đa {} mã một lần.",
                    phongdich_domain::returnees::MAX_SEATS
                ),
                format!(
                    "At most {} codes at a time.",
                    phongdich_domain::returnees::MAX_SEATS
                ),
            ));
        }
        let detail = self.batch(&actor.scope, id).await?;
        let batch = detail.batch;
        if batch.state != BatchState::Planned {
            let (vi, en) = batch.state.label();
            return Err(StoreError::conflict(
                format!(
                    "Đợt đón «{}» {}: không xếp thêm người.",
                    batch.name,
                    vi.to_lowercase()
                ),
                format!(
                    "Batch “{}” is {}: no more passengers.",
                    batch.name,
                    en.to_lowercase()
                ),
            ));
        }
        let mut taken: Vec<i64> = detail.passengers.iter().filter_map(|p| p.seat).collect();
        let mut tx = self.write.begin().await?;
        // Two planners at once: the second waits for (or fails on) the first.
        let bumped = sqlx::query(
            "UPDATE transport_batches SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
        )
        .bind(self.stamp())
        .bind(id)
        .bind(batch.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if bumped != 1 {
            return Err(StoreError::conflict(
                "Đợt đón vừa được người khác thay đổi: hãy tải lại trang.",
                "The batch was just changed by someone else: reload the page.",
            ));
        }
        let mut out = Vec::with_capacity(codes.len());
        let mut seated_here: Vec<(i64, i64)> = Vec::new();
        for typed in codes {
            let refuse = |vi: String, en: String, name: Option<String>| SeatOutcome {
                code: typed.clone(),
                outcome: "refused".into(),
                seat: None,
                full_name: name,
                message_vi: vi,
                message_en: en,
            };
            let Some(code) = normalise_code(typed) else {
                out.push(refuse(
                    format!("«{}» không phải mã đăng ký.", typed.trim()),
                    format!("“{}” is not a registration code.", typed.trim()),
                    None,
                ));
                continue;
            };
            let r = match self.returnee_by_code(&actor.scope, &code).await {
                Ok(r) => r,
                Err(StoreError::NotFound { .. }) => {
                    out.push(refuse(
                        format!("Không có đăng ký mã {code} trong tỉnh."),
                        format!("No registration {code} in the province."),
                        None,
                    ));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let name = Some(r.full_name.clone());
            // Seated earlier in this very list (not yet committed).
            let seated_now = seated_here
                .iter()
                .find(|(rid, _)| *rid == r.id)
                .map(|x| x.1);
            if r.batch_id == Some(id) || seated_now.is_some() {
                out.push(SeatOutcome {
                    code: typed.clone(),
                    outcome: "already".into(),
                    seat: seated_now.or(r.seat),
                    full_name: name,
                    message_vi: "Đã có chỗ trên đợt này.".into(),
                    message_en: "Already seated on this batch.".into(),
                });
                continue;
            }
            if r.status != Status::Registered {
                let (vi, en) = r.status.label();
                out.push(refuse(
                    format!("{}: {}.", r.full_name, vi.to_lowercase()),
                    format!("{}: {}.", r.full_name, en.to_lowercase()),
                    name,
                ));
                continue;
            }
            if let Some(other) = r.batch_id {
                out.push(refuse(
                    format!("{} đã được xếp vào đợt đón khác (số {other}).", r.full_name),
                    format!(
                        "{} is seated on another batch (number {other}).",
                        r.full_name
                    ),
                    name,
                ));
                continue;
            }
            if r.departure_on != batch.departs_on {
                out.push(refuse(
                    format!(
                        "{} đăng ký đi ngày {}, đợt đón đi ngày {}: sửa đăng ký trước.",
                        r.full_name,
                        r.departure_on.format("%d/%m/%Y"),
                        batch.departs_on.format("%d/%m/%Y")
                    ),
                    format!(
                        "{} registered to leave on {}, the batch leaves on {}: change the registration first.",
                        r.full_name,
                        r.departure_on.format("%d/%m/%Y"),
                        batch.departs_on.format("%d/%m/%Y")
                    ),
                    name,
                ));
                continue;
            }
            let Some(seat) = (1..=batch.capacity).find(|s| !taken.contains(s)) else {
                out.push(refuse(
                    format!("Đợt đón đã đủ {} chỗ.", batch.capacity),
                    format!("The batch's {} seats are taken.", batch.capacity),
                    name,
                ));
                continue;
            };
            // Guarded: seated elsewhere, scanned or cancelled meanwhile, it is not taken.
            let moved = sqlx::query(
                "UPDATE returnee_registrations SET batch_id = $1, seat = $2, means = $3, updated_at = $4, \
                 version = version + 1 WHERE id = $5 AND batch_id IS NULL AND status = 'registered'",
            )
            .bind(id)
            .bind(seat)
            .bind(batch.means.as_str())
            .bind(self.stamp())
            .bind(r.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved != 1 {
                out.push(refuse(
                    format!("{} vừa được thay đổi (xếp đợt khác, qua chốt hoặc hủy): tải lại và thử lại.", r.full_name),
                    format!("{} was just changed (another batch, a checkpoint or cancelled): reload and try again.", r.full_name),
                    name,
                ));
                continue;
            }
            taken.push(seat);
            seated_here.push((r.id, seat));
            let changed = r.means != batch.means;
            let (mv, me) = batch.means.label();
            out.push(SeatOutcome {
                code: typed.clone(),
                outcome: "assigned".into(),
                seat: Some(seat),
                full_name: name,
                message_vi: if changed {
                    format!("Ghế {seat}; phương tiện đổi thành «{mv}».")
                } else {
                    format!("Ghế {seat}.")
                },
                message_en: if changed {
                    format!("Seat {seat}; means changed to “{me}”.")
                } else {
                    format!("Seat {seat}.")
                },
            });
        }
        let seated: Vec<&SeatOutcome> = out.iter().filter(|o| o.outcome == "assigned").collect();
        if !seated.is_empty() {
            audit::record(
                &self.clock,
                &mut tx,
                actor,
                "assign",
                "transport_batch",
                &id.to_string(),
                Some(&batch.province_code),
                None::<&()>,
                Some(&seated),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Move a batch on: planned → departed → arrived, or planned → cancelled
    /// (its passengers are then free for another batch). Audited.
    pub async fn set_batch_state(
        &self,
        actor: &Actor,
        id: i64,
        next: BatchState,
    ) -> Result<TransportBatch> {
        self.planning_province(actor).await?;
        let before = self.batch(&actor.scope, id).await?.batch;
        if !before.state.can_become(next) {
            let (bv, be) = before.state.label();
            let (nv, ne) = next.label();
            return Err(StoreError::conflict(
                format!("Đợt đón đang «{bv}», không chuyển sang «{nv}» được."),
                format!("The batch is “{be}”; it cannot become “{ne}”."),
            ));
        }
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        let column = match next {
            BatchState::Departed => ", departed_at = $1",
            BatchState::Arrived => ", arrived_at = $1",
            _ => "",
        };
        let changed = sqlx::query(&format!(
            "UPDATE transport_batches SET state = $2, updated_at = $1{column}, version = version + 1 \
             WHERE id = $3 AND version = $4"
        ))
        .bind(stamp.as_str())
        .bind(next.as_str())
        .bind(id)
        .bind(before.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(StoreError::conflict(
                "Đợt đón vừa được người khác thay đổi: hãy tải lại trang.",
                "The batch was just changed by someone else: reload the page.",
            ));
        }
        if next == BatchState::Cancelled {
            sqlx::query(
                "UPDATE returnee_registrations SET batch_id = NULL, seat = NULL, updated_at = $1, version = version + 1 \
                 WHERE batch_id = $2",
            )
            .bind(stamp.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let after = batch_in(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            next.as_str(),
            "transport_batch",
            &id.to_string(),
            Some(&after.province_code),
            Some(&serde_json::json!({ "state": before.state })),
            Some(&serde_json::json!({ "state": after.state })),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

async fn batch_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
) -> Result<TransportBatch> {
    let row = sqlx::query(&format!(
        "SELECT {BATCH_COLUMNS} FROM transport_batches b WHERE b.id = $1"
    ))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    batch_from_row(&row)
}

/// The codes of a pasted list: one per line, or separated by commas or
/// semicolons (spaces inside a code, as read out, are kept); blanks dropped.
pub fn codes_of(text: &str) -> Vec<String> {
    text.split([',', ';', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}
