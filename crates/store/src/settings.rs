//! Settings a province chooses for itself, kept with who set them and when
//! (and in the audit log). Today: whether a positive result confirms an F0 at
//! once or waits for a health officer's review.

use crate::{Actor, Result, Store, StoreError, audit, now};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::{Deserialize, Serialize};

/// How a positive result that makes an F0 is turned into a case.
pub const F0_CONFIRMATION: &str = "f0_confirmation";
/// The values of [`F0_CONFIRMATION`]; the first is the default.
pub const F0_CONFIRMATION_VALUES: [&str; 2] = ["automatic", "review"];

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
    /// A province's setting, or its default.
    pub async fn setting(&self, province_code: &str, name: &str) -> Result<ProvinceSetting> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT value, updated_by, updated_at FROM province_settings WHERE province_code = $1 AND name = $2",
        )
        .bind(province_code)
        .bind(name)
        .fetch_optional(&self.read)
        .await?;
        let (value, updated_by, updated_at) = row.unwrap_or_else(|| {
            (
                F0_CONFIRMATION_VALUES[0].to_owned(),
                String::new(),
                String::new(),
            )
        });
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
        if name != F0_CONFIRMATION {
            return Err(StoreError::not_found("setting", name));
        }
        let value = value.trim();
        if !F0_CONFIRMATION_VALUES.contains(&value) {
            return Err(Invalid(vec![FieldError::new(
                "value",
                "invalid",
                "Chọn «automatic» (tự động) hoặc «review» (sau khi xem xét).",
                "Choose “automatic” or “review”.",
            )])
            .into());
        }
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
        let stamp = now();
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
