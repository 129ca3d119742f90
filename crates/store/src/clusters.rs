//! Clusters (*ổ dịch*): named places where cases gathered, with their members
//! and counts by class.

use crate::sql::QueryBuilder;
use crate::{Actor, Result, Scope, Store, StoreError, audit};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

pub use phongdich_domain::cluster::{ClusterInput, ClusterKind};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Cluster {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub place: Option<String>,
    pub unit_code: String,
    pub started_on: String,
    pub ended_on: Option<String>,
    /// `active` or `closed`.
    pub status: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClusterMember {
    pub person_id: i64,
    /// The member's current class (0 = F0 … 4), if any.
    pub level: Option<i64>,
    pub added_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClusterDetail {
    pub cluster: Cluster,
    /// Members by current class: F0, F1, F2, F3, F4, and none.
    pub counts: [i64; 6],
    pub members: Vec<ClusterMember>,
}

const COLUMNS: &str =
    "c.id, c.name, c.kind, c.place, c.unit_code, c.started_on, c.ended_on, c.status, c.created_at";

fn from_row(r: &AnyRow) -> Result<Cluster> {
    Ok(Cluster {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        place: r.try_get("place")?,
        unit_code: r.try_get("unit_code")?,
        started_on: r.try_get("started_on")?,
        ended_on: r.try_get("ended_on")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    pub async fn create_cluster(&self, actor: &Actor, input: &ClusterInput) -> Result<Cluster> {
        actor.require(Permission::Trace)?;
        let parsed = input.parse();
        let unit = match self.unit(input.unit_code.trim()).await {
            Ok(u) if actor.scope.contains(&u) && u.level != UnitLevel::Hamlet => Some(u),
            _ => None,
        };
        let (Ok(checked), Some(unit)) = (&parsed, &unit) else {
            let mut errors = parsed.err().map(|e| e.0).unwrap_or_default();
            if unit.is_none() {
                errors.push(FieldError::new(
                    "unit_code",
                    "invalid_unit",
                    "Đơn vị không có hoặc nằm ngoài phạm vi của bạn.",
                    "No such unit within your jurisdiction.",
                ));
            }
            return Err(StoreError::Invalid(Invalid(errors)));
        };
        let (name, kind, place, started) = (
            &checked.name,
            checked.kind.as_str(),
            &checked.place,
            checked.started_on,
        );
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO clusters (name, name_folded, kind, place, unit_code, province_code, district_code, commune_code, \
             started_on, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11) RETURNING id",
        )
        .bind(name.as_str())
        .bind(phongdich_domain::text::fold(name))
        .bind(kind)
        .bind(place.as_deref())
        .bind(unit.code.as_str())
        .bind(unit.province_code.as_str())
        .bind(unit.district_code.as_deref())
        .bind(unit.commune_code.as_deref())
        .bind(started.format("%Y-%m-%d").to_string())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&mut *tx)
        .await?;
        let cluster = from_row(
            &sqlx::query(&format!("SELECT {COLUMNS} FROM clusters c WHERE c.id = $1"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "cluster",
            &id.to_string(),
            Some(&cluster.unit_code),
            None::<&()>,
            Some(&cluster),
        )
        .await?;
        tx.commit().await?;
        Ok(cluster)
    }

    /// Clusters lying in the scope, newest first.
    pub async fn clusters(&self, scope: &Scope) -> Result<Vec<Cluster>> {
        let sql = format!("SELECT {COLUMNS} FROM clusters c WHERE 1 = 1");
        let mut b = QueryBuilder::numbered(sql, 0);
        scope.push_filter(&mut b, "c");
        b.push(" ORDER BY c.started_on DESC, c.id DESC");
        let q = b.bind_onto(sqlx::query(b.sql()));
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    /// A cluster of the scope with its members and counts by class.
    pub async fn cluster(&self, scope: &Scope, id: i64) -> Result<ClusterDetail> {
        let sql = format!("SELECT {COLUMNS} FROM clusters c WHERE c.id = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "c");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        let cluster = match q.fetch_optional(&self.read).await? {
            Some(r) => from_row(&r)?,
            None => return Err(StoreError::not_found(crate::error::Entity::Cluster, id)),
        };
        let mut counts = [0i64; 6];
        let mut members = Vec::new();
        for r in sqlx::query(
            "SELECT m.person_id, m.added_at, k.level FROM cluster_members m \
             LEFT JOIN person_classes k ON k.person_id = m.person_id WHERE m.cluster_id = $1 ORDER BY k.level, m.person_id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?
        {
            let level: Option<i64> = r.try_get("level")?;
            counts[level.map(|l| l.clamp(0, 4) as usize).unwrap_or(5)] += 1;
            members.push(ClusterMember {
                person_id: r.try_get("person_id")?,
                level,
                added_at: r.try_get("added_at")?,
            });
        }
        Ok(ClusterDetail {
            cluster,
            counts,
            members,
        })
    }

    /// Add a person (living anywhere) to a cluster of the scope.
    pub async fn add_cluster_member(
        &self,
        actor: &Actor,
        cluster_id: i64,
        person_id: i64,
    ) -> Result<()> {
        actor.require(Permission::Trace)?;
        let detail = self.cluster(&actor.scope, cluster_id).await?;
        self.person(&Scope::national(), person_id)
            .await
            .map_err(|_| {
                StoreError::Invalid(Invalid(vec![FieldError::new(
                    "person_id",
                    "unknown_person",
                    "Không có người này trong danh sách.",
                    "There is no such person in the registry.",
                )]))
            })?;
        if detail.members.iter().any(|m| m.person_id == person_id) {
            return Ok(());
        }
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO cluster_members (cluster_id, person_id, added_at) VALUES ($1, $2, $3)",
        )
        .bind(cluster_id)
        .bind(person_id)
        .bind(self.stamp())
        .execute(&mut *tx)
        .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "add_member",
            "cluster",
            &cluster_id.to_string(),
            Some(&detail.cluster.unit_code),
            None::<&()>,
            Some(&serde_json::json!({ "person_id": person_id })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A cluster of the scope whose name matches (diacritics ignored).
    pub async fn cluster_by_name(&self, scope: &Scope, name: &str) -> Result<Option<Cluster>> {
        let sql = format!("SELECT {COLUMNS} FROM clusters c WHERE c.name_folded = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "c");
        b.push(" ORDER BY c.id DESC LIMIT 1");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(phongdich_domain::text::fold(name)));
        q.fetch_optional(&self.read)
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }
}
