//! The append-only audit log: who did what, when, from where, in which unit,
//! with the record before and after. Database triggers refuse updates and deletes.

use crate::sql::QueryBuilder;
use crate::{Actor, Result, Store};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub source: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub unit_code: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
    /// Entries at or after this time (RFC 3339 or a date).
    pub from: Option<String>,
    /// Entries before this time (RFC 3339 or a date).
    pub to: Option<String>,
    /// Entries older than this id (paging backwards).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// The column [`Store::recent_count`] counts by.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RecentBy {
    /// The address the requests came from.
    Source,
}

/// Append one entry inside the caller's transaction, so the change and its
/// record commit or roll back together. Returns the entry's id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record<B: Serialize + ?Sized, A: Serialize + ?Sized>(
    clock: &phongdich_domain::Clock,
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    unit_code: Option<&str>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<i64> {
    let before = before.map(serde_json::to_string).transpose()?;
    let after = after.map(serde_json::to_string).transpose()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor, source, action, entity, entity_id, unit_code, before_json, after_json, \
         province_code, district_code, commune_code) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         (SELECT province_code FROM units WHERE code = $7), (SELECT district_code FROM units WHERE code = $7), \
         (SELECT commune_code FROM units WHERE code = $7)) RETURNING id",
    )
    .bind(clock.stamp())
    .bind(actor.name.as_str())
    .bind(actor.source.as_str())
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(unit_code)
    .bind(before)
    .bind(after)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// One `create` entry of [`record_created`]: the record's id, the codes of
/// its commune (the entry's unit) and of the district and province above
/// it, and the record as JSON.
pub(crate) struct Created {
    pub entity_id: String,
    pub province_code: String,
    pub district_code: String,
    pub commune_code: String,
    pub after_json: String,
}

/// Append one `create` entry per record of a commune in a few multi-row
/// statements — the entries [`record`] would write one by one (the units'
/// codes bound, not looked up: a look-up per row is a cursor per row).
pub(crate) async fn record_created(
    clock: &phongdich_domain::Clock,
    tx: &mut Transaction<'static, Any>,
    engine: crate::Dialect,
    actor: &Actor,
    entity: &str,
    entries: &[Created],
) -> Result<()> {
    let at = clock.stamp();
    for chunk in entries.chunks(500) {
        let sql = format!(
            "INSERT INTO audit_log (at, actor, source, action, entity, entity_id, unit_code, after_json, \
             province_code, district_code, commune_code) VALUES {}",
            crate::sql::placeholders(engine, chunk.len(), 11, "")
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(at.as_str())
                .bind(actor.name.as_str())
                .bind(actor.source.as_str())
                .bind("create")
                .bind(entity)
                .bind(e.entity_id.as_str())
                .bind(e.commune_code.as_str())
                .bind(e.after_json.as_str())
                .bind(e.province_code.as_str())
                .bind(e.district_code.as_str())
                .bind(e.commune_code.as_str());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

fn parse_json(s: Option<String>) -> Option<serde_json::Value> {
    s.and_then(|s| serde_json::from_str(&s).ok())
}

fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        source: r.try_get("source")?,
        action: r.try_get("action")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        unit_code: r.try_get("unit_code")?,
        before: parse_json(r.try_get("before_json")?),
        after: parse_json(r.try_get("after_json")?),
    })
}

impl Store {
    /// Newest entries first, filtered, within the actor's jurisdiction
    /// (entries filed under no unit are seen only with national scope).
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>> {
        actor.require(phongdich_domain::Permission::ViewAudit)?;
        let mut sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log a WHERE 1 = 1");
        let mut params: Vec<String> = Vec::new();
        for (column, op, value) in [
            ("entity", "=", &filter.entity),
            ("entity_id", "=", &filter.entity_id),
            ("action", "=", &filter.action),
            ("actor", "=", &filter.actor),
            ("at", ">=", &filter.from),
            ("at", "<", &filter.to),
        ] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                params.push(v.to_owned());
                sql.push_str(&format!(" AND a.{column} {op} ${}", params.len()));
            }
        }
        let mut b = QueryBuilder::numbered(sql, params.len());
        actor.scope.push_filter(&mut b, "a");
        if let Some(id) = filter.before_id {
            b.push(&format!(" AND a.id < {id}"));
        }
        let limit = if filter.limit > 0 {
            filter.limit.min(1000)
        } else {
            100
        };
        b.push(&format!(" ORDER BY a.id DESC LIMIT {limit}"));
        let mut q = sqlx::query(b.sql());
        for p in &params {
            q = q.bind(p.as_str());
        }
        let q = b.bind_onto(q);
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(entry_from_row)
            .collect()
    }

    /// One entry, if it lies within the actor's jurisdiction.
    pub async fn audit_entry(&self, actor: &Actor, id: i64) -> Result<AuditEntry> {
        actor.require(phongdich_domain::Permission::ViewAudit)?;
        self.audit_entry_in_scope(actor, id).await
    }

    /// One entry within the actor's jurisdiction, whatever the actor's role:
    /// for operations (undoing a merge) that read the entry they act on.
    pub(crate) async fn audit_entry_in_scope(&self, actor: &Actor, id: i64) -> Result<AuditEntry> {
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log a WHERE a.id = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        actor.scope.push_filter(&mut b, "a");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(id));
        match q.fetch_optional(&self.read).await? {
            Some(r) => entry_from_row(&r),
            None => Err(crate::StoreError::not_found(
                crate::error::Entity::AuditEntry,
                id,
            )),
        }
    }
}

const AUDIT_COLUMNS: &str = "a.id, a.at, a.actor, a.source, a.action, a.entity, a.entity_id, a.unit_code, a.before_json, a.after_json";

impl Store {
    /// Record an event that changes no record but must be on file (an export,
    /// a view of full personal data).
    /// How many `action` entries in the last `window` have `column`
    /// (`source` or `entity_id`) equal to `value`: the count behind the
    /// throttling of logins and of personal-link codes, kept in the database
    /// so it holds across restarts and several server processes.
    pub(crate) async fn recent_count(
        &self,
        action: &str,
        column: RecentBy,
        value: &str,
        window: chrono::Duration,
    ) -> Result<i64> {
        let since =
            (self.clock.now_utc() - window).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let column = match column {
            RecentBy::Source => "source",
        };
        Ok(sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND at >= $2 AND {column} = $3"
        ))
        .bind(action)
        .bind(since.as_str())
        .bind(value)
        .fetch_one(&self.read)
        .await?)
    }

    pub async fn record_event<A: Serialize + ?Sized>(
        &self,
        actor: &Actor,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: &A,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let unit = actor.scope.root().map(|c| c.as_str().to_owned());
        let id = record(
            &self.clock,
            &mut tx,
            actor,
            action,
            entity,
            entity_id,
            unit.as_deref(),
            None::<&()>,
            Some(details),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// [`record_created`] for the records `ids` as `sql` (its `IN ({list})`
/// filled with them) reads them back in `tx`: each row made an entry by `entry`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_read_back(
    clock: &phongdich_domain::Clock,
    tx: &mut Transaction<'static, Any>,
    engine: crate::Dialect,
    actor: &Actor,
    entity: &str,
    sql: &str,
    ids: &[i64],
    entry: impl Fn(&sqlx::any::AnyRow) -> Result<Created>,
) -> Result<()> {
    let rows = crate::sql::fetch_ids(tx, engine, sql, ids).await?;
    let entries = rows.iter().map(entry).collect::<Result<Vec<_>>>()?;
    record_created(clock, tx, engine, actor, entity, &entries).await
}
