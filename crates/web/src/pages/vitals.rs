//! Vital signs as a form reads them: the inputs, shared by the staff's
//! home-treatment form and the person's own phone page, and the numbers
//! typed, checked field by field.

use super::field_error;
use crate::caller::Lang;
use maud::{Markup, html};
use phongdich_domain::FieldError;
use phongdich_domain::treatment::Vitals;
use serde::Deserialize;

pub(super) fn sign_label(l: Lang, code: &str) -> &'static str {
    match code {
        "breathing" => l.t("Nhịp thở", "Breathing rate"),
        "spo2" => "SpO2",
        "pulse" => l.t("Mạch", "Pulse"),
        "blood_pressure" => l.t("Huyết áp", "Blood pressure"),
        "chest_pain" => l.t("Đau ngực", "Chest pain"),
        "consciousness" => l.t("Ý thức", "Consciousness"),
        _ => "",
    }
}

pub(super) fn number_field(
    l: Lang,
    errors: &[FieldError],
    name: &str,
    label: (&str, &str),
    value: &str,
) -> Markup {
    let invalid = errors.iter().any(|e| e.field == name);
    html! {
        div.field.invalid[invalid] {
            label for={ "t-" (name) } { (l.t(label.0, label.1)) }
            input id={ "t-" (name) } name=(name) value=(value) inputmode="decimal" aria-invalid=[invalid.then_some("true")];
            (field_error(l, errors, name))
        }
    }
}

pub(super) fn check(l: Lang, name: &str, label: (&str, &str), checked: bool) -> Markup {
    html! {
        div.field { label { input type="checkbox" name=(name) value="1" checked[checked]; " " (l.t(label.0, label.1)) } }
    }
}

/// The vital-signs inputs, shared by the staff's form and the person's own
/// phone page; `f` keeps what was typed when a form comes back.
pub(super) fn vitals_fields(l: Lang, errors: &[FieldError], f: &VitalsForm) -> Markup {
    html! {
        (number_field(l, errors, "spo2", ("SpO2 (%)", "SpO2 (%)"), &f.spo2))
        (number_field(l, errors, "breathing_rate", ("Nhịp thở (lần/phút)", "Breathing rate (per minute)"), &f.breathing_rate))
        (number_field(l, errors, "pulse", ("Mạch (lần/phút)", "Pulse (per minute)"), &f.pulse))
        (number_field(l, errors, "temperature", ("Nhiệt độ (°C)", "Temperature (°C)"), &f.temperature))
        (number_field(l, errors, "systolic", ("Huyết áp tâm thu", "Systolic pressure"), &f.systolic))
        (number_field(l, errors, "diastolic", ("Huyết áp tâm trương", "Diastolic pressure"), &f.diastolic))
        (check(l, "chest_pain", ("Đau tức ngực", "Chest pain"), f.chest_pain.is_some()))
        (check(l, "altered_consciousness", ("Thay đổi ý thức", "Altered consciousness"), f.altered_consciousness.is_some()))
    }
}

/// A number typed in a form: empty is `None`; anything else not a number is an error.
pub(super) fn number<T: std::str::FromStr>(
    field: &str,
    s: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() {
        return None;
    }
    match s.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "out_of_range",
                "Cần một số.",
                "A number is needed.",
            ));
            None
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct VitalsForm {
    #[serde(default)]
    spo2: String,
    #[serde(default)]
    breathing_rate: String,
    #[serde(default)]
    pulse: String,
    #[serde(default)]
    temperature: String,
    #[serde(default)]
    systolic: String,
    #[serde(default)]
    diastolic: String,
    #[serde(default)]
    chest_pain: Option<String>,
    #[serde(default)]
    altered_consciousness: Option<String>,
}

impl VitalsForm {
    /// The numbers typed; a field that is not a number is an error.
    pub(super) fn vitals(&self) -> Result<Vitals, Vec<FieldError>> {
        let mut errors = Vec::new();
        let v = Vitals {
            spo2: number("spo2", &self.spo2, &mut errors),
            breathing_rate: number("breathing_rate", &self.breathing_rate, &mut errors),
            pulse: number("pulse", &self.pulse, &mut errors),
            temperature: number("temperature", &self.temperature, &mut errors),
            systolic: number("systolic", &self.systolic, &mut errors),
            diastolic: number("diastolic", &self.diastolic, &mut errors),
            chest_pain: self.chest_pain.is_some(),
            altered_consciousness: self.altered_consciousness.is_some(),
        };
        if errors.is_empty() {
            Ok(v)
        } else {
            Err(errors)
        }
    }
}
