//! The jurisdiction filter, pushed through the builder: every read and write
//! of person-level data restricts its table this way, and only this way.
//!
//! A person-level query takes the actor and filters by the actor's unit subtree
//! in SQL (`province_code = $n` etc., one indexed equality on the denormalised
//! unit columns). `Scope::unit(VN)` is `Scope::national()` (no condition), so
//! an account or token of the national unit acts over the whole country like
//! the operator at the terminal; `Scope::home()` is the unit a scope shows by
//! default (`VN` for the nation).

use phongdich_domain::UnitLevel;

use super::QueryBuilder;
use crate::{Scope, ScopeKind};

impl Scope {
    /// The unit column and value restricting a table with `province_code`,
    /// `district_code`, `commune_code` and `hamlet_code` columns to this
    /// scope; none for the whole country. A scope that sees nothing asks for
    /// an empty province code, which no unit has.
    fn filter(&self) -> Option<(&'static str, String)> {
        let code = match &self.0 {
            ScopeKind::National => return None,
            ScopeKind::Nothing => return Some(("province_code", String::new())),
            ScopeKind::Unit(code) => code,
        };
        let column = match code.level() {
            // Not built: `Scope::unit` makes the national unit `National`.
            UnitLevel::National => return None,
            UnitLevel::Province => "province_code",
            UnitLevel::District => "district_code",
            UnitLevel::Commune => "commune_code",
            UnitLevel::Hamlet => "hamlet_code",
        };
        Some((column, code.as_str().to_owned()))
    }

    /// `{alias}.{unit column} = ?`, its value bound in `b`'s turn; none for
    /// the whole country (nothing is bound then). For a condition placed
    /// elsewhere than at the end of a `WHERE`.
    pub(crate) fn filter_sql(&self, b: &mut QueryBuilder, alias: &str) -> Option<String> {
        let (column, value) = self.filter()?;
        Some(format!("{alias}.{column} = {}", b.mark(value)))
    }

    /// ` AND {alias}.{unit column} = $k` for each alias, all naming the one
    /// value bound in `b`'s turn (`b` numbered: the text it is placed in is
    /// pushed after); empty for the whole country, nothing bound then. For a
    /// statement restricting several tables, or the filter inside its text.
    pub(crate) fn and_filters<const N: usize>(
        &self,
        b: &mut QueryBuilder,
        aliases: [&str; N],
    ) -> [String; N] {
        let Some((column, value)) = self.filter() else {
            return aliases.map(|_| String::new());
        };
        let mark = b.mark_shared(value);
        aliases.map(|a| format!(" AND {a}.{column} = {mark}"))
    }

    /// Append ` AND {alias}.{unit column} = ?` restricting `alias` to this
    /// scope (nothing for the whole country).
    pub(crate) fn push_filter(&self, b: &mut QueryBuilder, alias: &str) {
        if let Some(c) = self.filter_sql(b, alias) {
            b.push(" AND ").push(&c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{Dialect, Value};
    use phongdich_domain::UnitCode;

    #[test]
    fn the_filter_names_the_scopes_own_level() {
        let mut b = QueryBuilder::numbered("SELECT 1 FROM persons p WHERE p.id = $1", 1);
        Scope::national().push_filter(&mut b, "p");
        assert_eq!(b.sql(), "SELECT 1 FROM persons p WHERE p.id = $1");
        assert!(b.values().is_empty());

        let mut b = QueryBuilder::new(Dialect::Sqlite);
        b.push("x");
        Scope::nothing().push_filter(&mut b, "p");
        assert_eq!(b.sql(), "x AND p.province_code = ?");
        assert_eq!(b.values(), [Value::Text(String::new())]);

        let mut b = QueryBuilder::new(Dialect::Postgres);
        b.push("x");
        Scope::unit(UnitCode::parse("22").unwrap()).push_filter(&mut b, "c");
        assert_eq!(b.sql(), "x AND c.province_code = $1");
        assert_eq!(b.values(), [Value::Text("22".to_owned())]);
    }
}
