//! Settings a province chooses for itself, kept with who set them and when
//! (and in the audit log): whether a positive result confirms an F0 at once
//! or waits for a health officer's review, and how long an alert may wait
//! untaken before it goes to the level above.
//!
//! `alert_escalation_minutes` (5–240, 30 by default; see `response`);
//! `f0_confirmation`: `automatic` by default, or `review` — a positive result
//! that makes an F0 then waits in `pending_reviews` until someone with the
//! Trace permission confirms or dismisses it with `review_result`; both are
//! audited. The report deadline and the wave's first day (`wave_start`) are
//! province settings too (`situation_reports`).

use crate::{Actor, Result, Store, StoreError, audit};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::{Deserialize, Serialize};

/// How a positive result that makes an F0 is turned into a case.
pub const F0_CONFIRMATION: &str = "f0_confirmation";
/// The values of [`F0_CONFIRMATION`]; the first is the default.
pub const F0_CONFIRMATION_VALUES: [&str; 2] = ["automatic", "review"];
/// Minutes an alert may stay untaken before it is escalated one level up.
pub const ALERT_ESCALATION_MINUTES: &str = "alert_escalation_minutes";
/// The bounds of [`ALERT_ESCALATION_MINUTES`], and its default.
pub const ALERT_ESCALATION_RANGE: std::ops::RangeInclusive<i64> = 5..=240;
const ALERT_ESCALATION_DEFAULT: &str = "30";

/// The time of day (Vietnam's, `HH:MM`) by which units send their daily report.
pub const REPORT_DEADLINE: &str = "report_deadline";
/// The first day of the current wave, from which F0 are counted cumulatively.
pub const WAVE_START: &str = "wave_start";

/// Whether `name` is a known setting: its default.
pub fn setting_default(name: &str) -> Option<&'static str> {
    match name {
        F0_CONFIRMATION => Some(F0_CONFIRMATION_VALUES[0]),
        ALERT_ESCALATION_MINUTES => Some(ALERT_ESCALATION_DEFAULT),
        REPORT_DEADLINE => Some("17:00"),
        // The fourth wave in Vietnam began on 27 April 2021.
        WAVE_START => Some("2021-04-27"),
        _ => None,
    }
}

/// The value as stored, or what is wrong with it.
fn check_value(name: &str, value: &str) -> Result<String> {
    let value = value.trim();
    match name {
        REPORT_DEADLINE => {
            return chrono::NaiveTime::parse_from_str(value, "%H:%M")
                .map(|t| t.format("%H:%M").to_string())
                .map_err(|_| {
                    Invalid(vec![FieldError::new(
                        "value",
                        "invalid",
                        "Nhập giờ dạng hh:mm (vd. 17:00).",
                        "Give a time as hh:mm (e.g. 17:00).",
                    )])
                    .into()
                });
        }
        WAVE_START => {
            return phongdich_domain::contact::parse_date("value", value)
                .map(|d| d.to_string())
                .map_err(|e| Invalid(vec![e]).into());
        }
        _ => {}
    }
    let ok = match name {
        F0_CONFIRMATION => F0_CONFIRMATION_VALUES.contains(&value),
        _ => value
            .parse::<i64>()
            .is_ok_and(|m| ALERT_ESCALATION_RANGE.contains(&m)),
    };
    if ok {
        return Ok(value
            .parse::<i64>()
            .map_or(value.to_owned(), |m| m.to_string()));
    }
    let (vi, en) = match name {
        F0_CONFIRMATION => (
            "Chọn «automatic» (tự động) hoặc «review» (sau khi xem xét).".to_owned(),
            "Choose “automatic” or “review”.".to_owned(),
        ),
        _ => (
            format!(
                "Nhập số phút từ {} đến {}.",
                ALERT_ESCALATION_RANGE.start(),
                ALERT_ESCALATION_RANGE.end()
            ),
            format!(
                "Give a number of minutes from {} to {}.",
                ALERT_ESCALATION_RANGE.start(),
                ALERT_ESCALATION_RANGE.end()
            ),
        ),
    };
    Err(Invalid(vec![FieldError::new("value", "invalid", vi, en)]).into())
}

/// One setting of one province.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProvinceSetting {
    pub province_code: String,
    pub name: String,
    pub value: String,
    /// Who set it; empty for a default never changed.
    pub updated_by: String,
    pub updated_at: String,
}

impl Store {
    /// A province's setting, or its default; "not found" for an unknown name.
    pub async fn setting(&self, province_code: &str, name: &str) -> Result<ProvinceSetting> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT value, updated_by, updated_at FROM province_settings WHERE province_code = $1 AND name = $2",
        )
        .bind(province_code)
        .bind(name)
        .fetch_optional(&self.read)
        .await?;
        let default = setting_default(name)
            .ok_or_else(|| StoreError::not_found(crate::error::Entity::Setting, name))?;
        let (value, updated_by, updated_at) =
            row.unwrap_or_else(|| (default.to_owned(), String::new(), String::new()));
        Ok(ProvinceSetting {
            province_code: province_code.to_owned(),
            name: name.to_owned(),
            value,
            updated_by,
            updated_at,
        })
    }

    /// Set a setting of the actor's province (a province administrator, or
    /// the operator naming the province).
    pub async fn set_setting(
        &self,
        actor: &Actor,
        province_code: &str,
        name: &str,
        value: &str,
    ) -> Result<ProvinceSetting> {
        actor.require(Permission::Configure)?;
        if setting_default(name).is_none() {
            return Err(StoreError::not_found(crate::error::Entity::Setting, name));
        }
        let value = check_value(name, value)?;
        let value = value.as_str();
        let province = self.unit(province_code).await?;
        let allowed = province.level == UnitLevel::Province
            && (actor.scope.is_national()
                || actor.scope.root().map(|r| r.as_str()) == Some(province.code.as_str()));
        if !allowed {
            return Err(StoreError::Forbidden {
                permission: Permission::Configure,
            });
        }
        let before = self.setting(&province.code, name).await?;
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM province_settings WHERE province_code = $1 AND name = $2")
            .bind(province.code.as_str())
            .bind(name)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO province_settings (province_code, name, value, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(province.code.as_str())
        .bind(name)
        .bind(value)
        .bind(actor.name.as_str())
        .bind(stamp.as_str())
        .execute(&mut *tx)
        .await?;
        let after = ProvinceSetting {
            value: value.to_owned(),
            updated_by: actor.name.clone(),
            updated_at: stamp,
            ..before.clone()
        };
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "update",
            "setting",
            name,
            Some(&province.code),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
