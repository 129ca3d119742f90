//! The append-only audit log: who did what, when, from where, in which unit,
//! with the record before and after. Database triggers refuse updates and deletes.

use crate::{Actor, Result, Store, now};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone, Serialize)]
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
    pub limit: i64,
}

/// Append one entry inside the caller's transaction, so the change and its
/// record commit or roll back together. Returns the entry's id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record<B: Serialize + ?Sized, A: Serialize + ?Sized>(
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
        "INSERT INTO audit_log (at, actor, source, action, entity, entity_id, unit_code, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(now())
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
    /// Newest entries first, filtered.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut sql = String::from(
            "SELECT id, at, actor, source, action, entity, entity_id, unit_code, before_json, after_json \
             FROM audit_log WHERE 1 = 1",
        );
        let mut params: Vec<&str> = Vec::new();
        for (column, value) in [
            ("entity", &filter.entity),
            ("entity_id", &filter.entity_id),
            ("action", &filter.action),
        ] {
            if let Some(v) = value {
                params.push(v);
                sql.push_str(&format!(" AND {column} = ${}", params.len()));
            }
        }
        let limit = if filter.limit > 0 {
            filter.limit.min(1000)
        } else {
            100
        };
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
        let mut q = sqlx::query(&sql);
        for p in params {
            q = q.bind(p);
        }
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(entry_from_row)
            .collect()
    }

    pub async fn audit_entry(&self, id: i64) -> Result<Option<AuditEntry>> {
        let sql = "SELECT id, at, actor, source, action, entity, entity_id, unit_code, before_json, after_json \
                   FROM audit_log WHERE id = $1";
        let Some(r) = sqlx::query(sql).bind(id).fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        entry_from_row(&r).map(Some)
    }
}
