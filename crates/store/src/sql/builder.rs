//! A small query builder of our own: SQL text and the values bound to it,
//! each placeholder numbered as the dialect wants it.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryScalar};

use super::Dialect;

/// A value bound to a statement. Only the types the schema stores.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
    Float(f64),
    /// A NULL text column.
    Null,
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// How placeholders are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marks {
    /// `?` on SQLite, `$n` on PostgreSQL: for statements whose every value
    /// goes through the builder. Anonymous `?` spares SQLite's linear
    /// lookup of `$n` names (BENCHMARKS.md, bulk imports).
    Dialect(Dialect),
    /// `$n` on both engines (SQLite resolves them by name): for statements
    /// whose text already carries hand-numbered `$1 … $k` before the
    /// builder's values, the one SQL text both engines run today.
    Numbered,
}

/// SQL text with its bound values, placeholders numbered as they are pushed.
#[derive(Debug, Clone)]
pub(crate) struct QueryBuilder {
    sql: String,
    values: Vec<Value>,
    marks: Marks,
    /// Placeholders written in the text before the builder's first value.
    before: usize,
}

impl QueryBuilder {
    /// A statement built wholly here: `?` on SQLite, `$n` on PostgreSQL.
    pub(crate) fn new(dialect: Dialect) -> Self {
        QueryBuilder {
            sql: String::new(),
            values: Vec::new(),
            marks: Marks::Dialect(dialect),
            before: 0,
        }
    }

    /// A statement whose text starts with `sql`, which holds `before`
    /// hand-numbered `$n` placeholders bound by the caller first; the
    /// builder's values follow as `$before+1, …` on both engines.
    pub(crate) fn numbered(sql: impl Into<String>, before: usize) -> Self {
        QueryBuilder {
            sql: sql.into(),
            values: Vec::new(),
            marks: Marks::Numbered,
            before,
        }
    }

    /// Append SQL text.
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// The placeholder for `value`, which is bound in its turn; for text
    /// written with `format!`.
    pub(crate) fn mark(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.marks {
            Marks::Dialect(Dialect::Sqlite) => "?".to_owned(),
            Marks::Dialect(Dialect::Postgres) | Marks::Numbered => {
                format!("${}", self.before + self.values.len())
            }
        }
    }

    /// The placeholder for `value`, bound in its turn, which the text may
    /// name more than once: only for a numbered builder (`$n` on both engines).
    pub(crate) fn mark_shared(&mut self, value: impl Into<Value>) -> String {
        debug_assert_eq!(self.marks, Marks::Numbered, "`?` cannot be named twice");
        self.values.push(value.into());
        format!("${}", self.before + self.values.len())
    }

    /// Append a placeholder for `value`.
    pub(crate) fn push_bind(&mut self, value: impl Into<Value>) -> &mut Self {
        let m = self.mark(value);
        self.sql.push_str(&m);
        self
    }

    /// `a,b,c`: one placeholder per value, for `IN (…)`.
    pub(crate) fn push_list<V: Into<Value>>(
        &mut self,
        values: impl IntoIterator<Item = V>,
    ) -> &mut Self {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push(',');
            }
            self.push_bind(v);
        }
        self
    }

    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    /// The values, in placeholder order.
    #[cfg(test)]
    pub(crate) fn values(&self) -> &[Value] {
        &self.values
    }

    /// The statement with the builder's values bound (and nothing else).
    pub(crate) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        self.bind_onto(sqlx::query(&self.sql))
    }

    /// Bind the builder's values after those `q` already carries (the
    /// caller's hand-numbered `$1 … $before`).
    pub(crate) fn bind_onto<'q>(
        &'q self,
        q: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        bind_values(q, &self.values)
    }
}

impl QueryBuilder {
    /// [`QueryBuilder::bind_onto`] for a statement read as one column.
    pub(crate) fn bind_scalar_onto<'q, O>(
        &'q self,
        mut q: QueryScalar<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryScalar<'q, Any, O, AnyArguments<'q>> {
        for v in &self.values {
            q = match v {
                Value::Text(s) => q.bind(s.as_str()),
                Value::Int(i) => q.bind(*i),
                Value::Float(f) => q.bind(*f),
                Value::Null => q.bind(None::<String>),
            };
        }
        q
    }
}

/// Bind `values` in order.
fn bind_values<'q>(
    mut q: Query<'q, Any, AnyArguments<'q>>,
    values: &'q [Value],
) -> Query<'q, Any, AnyArguments<'q>> {
    for v in values {
        q = match v {
            Value::Text(s) => q.bind(s.as_str()),
            Value::Int(i) => q.bind(*i),
            Value::Float(f) => q.bind(*f),
            Value::Null => q.bind(None::<String>),
        };
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_dialect() {
        let mut b = QueryBuilder::new(Dialect::Sqlite);
        b.push("a = ")
            .push_bind(1i64)
            .push(" AND b IN (")
            .push_list(["x", "y"])
            .push(")");
        assert_eq!(b.sql(), "a = ? AND b IN (?,?)");
        let mut b = QueryBuilder::new(Dialect::Postgres);
        b.push("a = ")
            .push_bind(1i64)
            .push(" AND b IN (")
            .push_list(["x", "y"])
            .push(")");
        assert_eq!(b.sql(), "a = $1 AND b IN ($2,$3)");
        assert_eq!(b.values().len(), 3);
    }

    #[test]
    fn numbered_continues_after_the_hand_numbered_ones() {
        let mut b = QueryBuilder::numbered("SELECT 1 WHERE a = $1 AND b = $2", 2);
        b.push(" AND c = ").push_bind("z");
        assert_eq!(b.sql(), "SELECT 1 WHERE a = $1 AND b = $2 AND c = $3");
    }
}
