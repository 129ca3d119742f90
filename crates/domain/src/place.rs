//! A place (centralised quarantine site, field hospital, hospital) as typed
//! and checked: its kind and its beds by type. Whether the commune exists and
//! lies in the writer's jurisdiction the store checks.

use crate::choice::choice;
use crate::error::{FieldError, Invalid};
use crate::text::clean;
use serde::{Deserialize, Serialize};

choice!(
    /// What a place is.
    PlaceKind {
        Centralised = "centralised",
        FieldHospital = "field_hospital",
        Hospital = "hospital",
    }
);

choice!(
    /// A bed's type.
    BedType {
        Regular = "regular",
        Oxygen = "oxygen",
        Icu = "icu",
    }
);

/// The most beds of one type a place may declare.
pub const BEDS_MAX: i64 = 100_000;

/// A place as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlaceInput {
    pub name: String,
    /// `centralised`, `field_hospital` or `hospital`.
    pub kind: String,
    /// The commune it stands in.
    pub commune_code: String,
    #[serde(default)]
    pub address: String,
    /// Beds by type: `regular`, `oxygen`, `icu`.
    #[serde(default)]
    pub beds: Vec<(String, i64)>,
    #[serde(default)]
    pub oxygen_points: i64,
    #[serde(default)]
    pub staff: i64,
}

/// A place whose fields were checked; `commune_code` as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlace {
    pub name: String,
    pub kind: PlaceKind,
    pub commune_code: String,
    /// Empty when none was given.
    pub address: String,
    /// Each type once, in the order first given, counts summed.
    pub beds: Vec<(BedType, i64)>,
    pub oxygen_points: i64,
    pub staff: i64,
}

impl PlaceInput {
    /// Check every field but the commune, collecting every fault.
    pub fn parse(&self) -> Result<NewPlace, Invalid> {
        let mut errors = Vec::new();
        let name = clean(&self.name);
        if name.is_empty() {
            errors.push(FieldError::new(
                "name",
                "required",
                "Cần tên nơi cách ly, điều trị.",
                "The place needs a name.",
            ));
        }
        let kind = PlaceKind::from_stored(self.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "invalid",
                "Loại phải là: centralised, field_hospital, hospital.",
                "The kind must be centralised, field_hospital or hospital.",
            ));
        }
        let mut beds: Vec<(BedType, i64)> = Vec::new();
        for (t, n) in &self.beds {
            match BedType::from_stored(t.trim()) {
                Some(bt) if (0..=BEDS_MAX).contains(n) => {
                    match beds.iter_mut().find(|b| b.0 == bt) {
                        Some(b) => b.1 += n,
                        None => beds.push((bt, *n)),
                    }
                }
                _ => errors.push(FieldError::new(
                    "beds",
                    "invalid",
                    format!("Giường «{t}: {n}» không hợp lệ (regular, oxygen, icu; 0–100.000)."),
                    format!("Beds “{t}: {n}” are invalid (regular, oxygen, icu; 0–100,000)."),
                )),
            }
        }
        if beds.iter().map(|b| b.1).sum::<i64>() == 0 {
            errors.push(FieldError::new(
                "beds",
                "required",
                "Cần số giường.",
                "The number of beds is needed.",
            ));
        }
        if self.oxygen_points < 0 || self.staff < 0 {
            errors.push(FieldError::new(
                "staff",
                "invalid",
                "Số không được âm.",
                "Numbers cannot be negative.",
            ));
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(NewPlace {
                name,
                kind,
                commune_code: self.commune_code.trim().to_owned(),
                address: clean(&self.address),
                beds,
                oxygen_points: self.oxygen_points,
                staff: self.staff,
            }),
            _ => Err(Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, beds: &[(&str, i64)]) -> PlaceInput {
        PlaceInput {
            name: "  Ký túc xá   ĐH Y ".into(),
            kind: kind.into(),
            commune_code: " 26734 ".into(),
            beds: beds.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect(),
            ..PlaceInput::default()
        }
    }

    #[test]
    fn beds_of_one_type_are_summed_in_the_order_given() {
        let p = input(
            "centralised",
            &[("oxygen", 5), (" regular ", 100), ("oxygen", 3)],
        )
        .parse()
        .unwrap();
        assert_eq!(p.name, "Ký túc xá ĐH Y");
        assert_eq!(p.kind, PlaceKind::Centralised);
        assert_eq!(p.commune_code, "26734");
        assert_eq!(p.beds, vec![(BedType::Oxygen, 8), (BedType::Regular, 100)]);
    }

    #[test]
    fn every_fault_is_named_once_per_field_in_order() {
        let mut i = input("camp", &[("sofa", 3), ("icu", -1), ("icu", BEDS_MAX + 1)]);
        i.name = " ".into();
        i.staff = -2;
        let Invalid(errors) = i.parse().unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("name", "required"),
                ("kind", "invalid"),
                ("beds", "invalid"),
                ("beds", "invalid"),
                ("beds", "invalid"),
                ("beds", "required"),
                ("staff", "invalid"),
            ]
        );
    }

    #[test]
    fn a_place_needs_at_least_one_bed() {
        let Invalid(errors) = input("hospital", &[("icu", 0)]).parse().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "required");
    }
}
