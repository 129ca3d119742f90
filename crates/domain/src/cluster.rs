//! A cluster (*ổ dịch*) as typed and its checked form. Whether its unit
//! exists and lies in the writer's jurisdiction the store checks.

use crate::choice::choice;
use crate::contact::parse_date;
use crate::error::{FieldError, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

choice!(
    /// What kind of place a cluster is.
    ClusterKind {
        Market = "market",
        Hospital = "hospital",
        Factory = "factory",
        School = "school",
        Bar = "bar",
        Village = "village",
        Flight = "flight",
        Household = "household",
        Other = "other",
    }
);

/// A cluster as typed (form, API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ClusterInput {
    pub name: String,
    /// market, hospital, factory, school, bar, village, flight, household, other
    pub kind: String,
    pub place: String,
    /// The unit it lies in (province, district or commune).
    pub unit_code: String,
    pub started_on: String,
}

/// A cluster whose fields were checked; `unit_code` is as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCluster {
    pub name: String,
    pub kind: ClusterKind,
    pub place: Option<String>,
    pub unit_code: String,
    pub started_on: NaiveDate,
}

impl ClusterInput {
    /// Check every field but the unit, collecting every fault.
    pub fn parse(&self) -> Result<NewCluster, Invalid> {
        let mut errors = Vec::new();
        let name = crate::text::clean(&self.name);
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new(
                "name",
                "required",
                "Cần tên ổ dịch (tối đa 200 ký tự).",
                "The cluster needs a name (up to 200 characters).",
            ));
        }
        let kind = ClusterKind::from_stored(&self.kind.trim().to_lowercase());
        if kind.is_none() {
            let words: Vec<&str> = ClusterKind::ALL.iter().map(|k| k.as_str()).collect();
            errors.push(FieldError::new(
                "kind",
                "invalid_choice",
                format!("Loại không hợp lệ; chọn: {}.", words.join(", ")),
                format!("Invalid kind; use one of: {}.", words.join(", ")),
            ));
        }
        let started = parse_date("started_on", &self.started_on)
            .map_err(|e| errors.push(e))
            .ok();
        match (kind, started) {
            (Some(kind), Some(started_on)) if errors.is_empty() => Ok(NewCluster {
                name,
                kind,
                place: Some(crate::text::clean(&self.place)).filter(|p| !p.is_empty()),
                unit_code: self.unit_code.trim().to_owned(),
                started_on,
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ClusterInput {
        ClusterInput {
            name: "  Chợ   Hạ Long 1 ".into(),
            kind: " Market".into(),
            place: " ".into(),
            unit_code: " 06649 ".into(),
            started_on: "12/08/2021".into(),
        }
    }

    #[test]
    fn a_cluster_parses_cleaned() {
        let c = input().parse().unwrap();
        assert_eq!(c.name, "Chợ Hạ Long 1");
        assert_eq!(c.kind, ClusterKind::Market);
        assert_eq!(c.place, None);
        assert_eq!(c.unit_code, "06649");
        assert_eq!(c.started_on, NaiveDate::from_ymd_opt(2021, 8, 12).unwrap());
    }

    #[test]
    fn every_fault_is_named_at_once() {
        let e = ClusterInput {
            name: "x".repeat(201),
            kind: "stadium".into(),
            started_on: "31/02/2021".into(),
            ..input()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            fields[..2],
            [("name", "required"), ("kind", "invalid_choice")]
        );
        assert_eq!(fields[2].0, "started_on");
        assert!(e.0[1].message_vi.contains("market, hospital"));
        assert!(e.0[1].message_en.contains("household, other"));
    }

    #[test]
    fn every_kind_round_trips() {
        for k in ClusterKind::ALL {
            assert_eq!(ClusterKind::from_stored(k.as_str()), Some(*k));
        }
        assert_eq!(ClusterKind::ALL.len(), 9);
    }
}
