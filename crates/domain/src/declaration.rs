//! Daily health declarations (*khai báo y tế hằng ngày*) of people in
//! quarantine: temperature, symptoms from a fixed list, contact with an F0,
//! a note. A declaration with fever or any symptom flags the person for a
//! sample the same day.

use crate::FieldError;
use crate::contact::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The symptoms a person can tick: (code, Vietnamese, English).
pub const SYMPTOMS: [(&str, &str, &str); 10] = [
    ("fever", "Sốt", "Fever"),
    ("cough", "Ho", "Cough"),
    ("sore_throat", "Đau họng", "Sore throat"),
    ("breathing_difficulty", "Khó thở", "Difficulty breathing"),
    (
        "loss_of_taste_smell",
        "Mất vị giác hoặc khứu giác",
        "Loss of taste or smell",
    ),
    ("fatigue", "Mệt mỏi", "Tiredness"),
    ("muscle_pain", "Đau mỏi người", "Aches"),
    ("runny_nose", "Sổ mũi, nghẹt mũi", "Runny or blocked nose"),
    ("diarrhoea", "Tiêu chảy", "Diarrhoea"),
    ("chest_pain", "Đau tức ngực", "Chest pain"),
];

/// A temperature from this (°C) is a fever, ticked or not.
pub const FEVER_FROM: f64 = 37.5;

/// The plausible range of a body temperature, °C.
pub const TEMPERATURE_RANGE: std::ops::RangeInclusive<f64> = 34.0..=43.5;

/// A symptom's words, for a code from [`SYMPTOMS`].
pub fn symptom_label(code: &str) -> Option<(&'static str, &'static str)> {
    SYMPTOMS.iter().find(|s| s.0 == code).map(|s| (s.1, s.2))
}

/// A declaration as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DeclarationInput {
    /// The day declared for (dd/mm/yyyy or yyyy-mm-dd); empty: today.
    #[serde(default)]
    pub day: String,
    /// Body temperature in °C, if measured.
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Codes from the symptom list (`fever`, `cough`, …).
    #[serde(default)]
    pub symptoms: Vec<String>,
    /// Close contact with an F0 since the last declaration.
    #[serde(default)]
    pub contact_with_f0: bool,
    #[serde(default)]
    pub note: String,
}

/// A checked declaration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Declaration {
    pub day: NaiveDate,
    /// Rounded to a tenth of a degree.
    pub temperature: Option<f64>,
    /// Known codes, in the list's order, each once.
    pub symptoms: Vec<&'static str>,
    pub contact_with_f0: bool,
    pub note: String,
}

impl Declaration {
    /// Fever or any symptom: the person should be sampled.
    pub fn flagged(&self) -> bool {
        !self.symptoms.is_empty() || self.temperature.is_some_and(|t| t >= FEVER_FROM)
    }
}

impl DeclarationInput {
    /// Check against today and the order's days (`first..=last`); every
    /// problem at once.
    pub fn parse(
        &self,
        today: NaiveDate,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Declaration, crate::Invalid> {
        let mut errors = Vec::new();
        let day = if self.day.trim().is_empty() {
            Some(today)
        } else {
            parse_date("day", &self.day)
                .map_err(|e| errors.push(e))
                .ok()
        };
        if let Some(d) = day {
            if d > today {
                errors.push(FieldError::new(
                    "day",
                    "future",
                    "Không khai báo trước cho ngày chưa đến.",
                    "A declaration cannot be for a day still to come.",
                ));
            } else if d < first || d > last {
                errors.push(FieldError::new(
                    "day",
                    "outside_order",
                    format!(
                        "Ngày khai báo phải trong thời gian cách ly ({} – {}).",
                        first.format("%d/%m/%Y"),
                        last.format("%d/%m/%Y")
                    ),
                    format!(
                        "The day must be within the quarantine ({} – {}).",
                        first.format("%d/%m/%Y"),
                        last.format("%d/%m/%Y")
                    ),
                ));
            }
        }
        let temperature = self.temperature.map(|t| (t * 10.0).round() / 10.0);
        if temperature.is_some_and(|t| !TEMPERATURE_RANGE.contains(&t)) {
            errors.push(FieldError::new(
                "temperature",
                "out_of_range",
                "Nhiệt độ không hợp lý (34–43,5 °C); hãy đo lại.",
                "The temperature is not plausible (34–43.5 °C); measure it again.",
            ));
        }
        let unknown: Vec<&str> = self
            .symptoms
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty() && symptom_label(s).is_none())
            .collect();
        if !unknown.is_empty() {
            errors.push(FieldError::new(
                "symptoms",
                "unknown",
                format!(
                    "Triệu chứng không có trong danh sách: {}.",
                    unknown.join(", ")
                ),
                format!("Symptoms not on the list: {}.", unknown.join(", ")),
            ));
        }
        let note = crate::text::clean(&self.note);
        if note.chars().count() > 500 {
            errors.push(FieldError::new(
                "note",
                "too_long",
                "Ghi chú dài quá 500 ký tự.",
                "The note is longer than 500 characters.",
            ));
        }
        match (day, errors.is_empty()) {
            (Some(day), true) => Ok(Declaration {
                day,
                temperature,
                symptoms: SYMPTOMS
                    .iter()
                    .map(|s| s.0)
                    .filter(|code| self.symptoms.iter().any(|s| s.trim() == *code))
                    .collect(),
                contact_with_f0: self.contact_with_f0,
                note,
            }),
            _ => Err(crate::Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 8, day).unwrap_or_default()
    }

    fn input(temperature: Option<f64>, symptoms: &[&str]) -> DeclarationInput {
        DeclarationInput {
            temperature,
            symptoms: symptoms.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn fever_or_any_symptom_flags_the_person() {
        let ok = |i: DeclarationInput| i.parse(d(5), d(1), d(14)).map(|x| x.flagged());
        assert_eq!(ok(input(Some(36.8), &[])), Ok(false));
        assert_eq!(ok(input(None, &[])), Ok(false));
        assert_eq!(ok(input(Some(37.5), &[])), Ok(true));
        assert_eq!(ok(input(Some(36.6), &["loss_of_taste_smell"])), Ok(true));
    }

    #[test]
    fn symptoms_are_kept_once_in_the_list_order() {
        let x = input(None, &["cough", "fever", "cough"])
            .parse(d(5), d(1), d(14))
            .map(|x| x.symptoms);
        assert_eq!(x, Ok(vec!["fever", "cough"]));
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let bad = DeclarationInput {
            day: "20/08/2021".into(),
            temperature: Some(45.0),
            symptoms: vec!["headache".into()],
            ..Default::default()
        };
        let fields: Vec<String> = bad
            .parse(d(25), d(1), d(14))
            .err()
            .map(|e| e.0.into_iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["day", "temperature", "symptoms"]);
        let future = DeclarationInput {
            day: "06/08/2021".into(),
            ..Default::default()
        };
        let code = future.parse(d(5), d(1), d(14)).err().map(|e| e.0[0].code);
        assert_eq!(code, Some("future"));
    }
}
