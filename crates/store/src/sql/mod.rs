//! The typed SQL layer: the dialect, the query builder that numbers binds
//! for it, the jurisdiction filter pushed through the builder, and the SQL
//! fragments several modules share. Every SQL text the store runs is made
//! from these and the modules' own constants; nothing outside `store` sees it.

mod builder;
pub(crate) mod days;
mod scope;

pub(crate) use builder::QueryBuilder;
#[cfg(test)]
pub(crate) use builder::Value;

/// Which SQL dialect (database engine) a store runs on; only migrations and bulk paths differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A scalar subquery giving one page of a list as one JSON array text:
    /// each row of `from` (`FROM … WHERE …`) as an array of `columns`, in
    /// `order`, then `limit_offset`. One value where there were a hundred
    /// rows: every row through the `Any` driver is a hand-off from the
    /// connection's thread to the caller's, which was most of the day
    /// lists' time (BENCHMARKS.md). The JSON functions are the one thing
    /// the engines spell differently here.
    pub(crate) fn json_page(
        self,
        columns: &str,
        from: &str,
        order: &[&str],
        limit_offset: &str,
    ) -> String {
        let (array, agg) = match self {
            Dialect::Sqlite => ("json_array", "json_group_array(json(x.e)"),
            Dialect::Postgres => ("json_build_array", "json_agg(x.e"),
        };
        // The page is taken in index order (LIMIT stops the scan early); the
        // aggregate orders its hundred rows again by the same keys, as
        // neither engine promises to keep a subquery's order.
        let keys: Vec<String> = (0..order.len()).map(|i| format!("x.k{i}")).collect();
        let selected: Vec<String> = order
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} AS k{i}"))
            .collect();
        format!(
            "(SELECT CAST(COALESCE({agg} ORDER BY {}), '[]') AS TEXT) FROM (SELECT {array}({columns}) AS e, {} \
             {from} ORDER BY {} {limit_offset}) x)",
            keys.join(", "),
            selected.join(", "),
            order.join(", ")
        )
    }
}

/// `($1, …, $w), ($w+1, …)` for `rows` rows of `width` placeholders.
/// `(…),(…)` parameter lists for a multi-row statement.
///
/// On SQLite the bulk paths use anonymous `?` parameters: sqlx resolves every
/// `$N` through `sqlite3_bind_parameter_name`, a linear scan, which made a
/// 10,000-parameter insert quadratic (58 % of an import's time).
pub(crate) fn placeholders(engine: Dialect, rows: usize, width: usize, extra: &str) -> String {
    let mut s = String::with_capacity(rows * width * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..width {
            if c > 0 {
                s.push(',');
            }
            match engine {
                Dialect::Sqlite => s.push('?'),
                Dialect::Postgres => {
                    s.push('$');
                    s.push_str(&(r * width + c + 1).to_string());
                }
            }
        }
        s.push_str(extra);
        s.push(')');
    }
    s
}

/// `a, b, c` parameters for an `IN (…)` list of `n` values.
pub(crate) fn in_list(engine: Dialect, n: usize) -> String {
    let p = placeholders(engine, 1, n, "");
    p[1..p.len() - 1].to_owned()
}

/// The ids in `ids`, `chunk` at a time, bound to `sql` whose `{list}` is
/// replaced by their placeholders.
pub(crate) async fn fetch_ids(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    engine: Dialect,
    sql: &str,
    ids: &[i64],
) -> crate::Result<Vec<sqlx::any::AnyRow>> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = sql.replace("{list}", &in_list(engine, chunk.len()));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        rows.extend(q.fetch_all(&mut **tx).await?);
    }
    Ok(rows)
}

/// The Vietnam day (`YYYY-MM-DD`) of an RFC 3339 UTC timestamp column.
pub(crate) fn vietnam_day(engine: Dialect, column: &str) -> String {
    match engine {
        Dialect::Sqlite => format!("date(SUBSTR({column}, 1, 19), '+7 hours')"),
        Dialect::Postgres => format!(
            "TO_CHAR(CAST(SUBSTR({column}, 1, 19) AS TIMESTAMP) + INTERVAL '7 hours', 'YYYY-MM-DD')"
        ),
    }
}
