//! Contact reviews (*rà soát*): the tracing team reached a contact — by call
//! or visit — and checked the exposure, on a given day.
//!
//! **Decision (the lead's), what "F1 đã rà soát / F1 reviewed" means**: an
//! F1 whose contact was checked by the tracing team — the team reached the
//! person and confirmed the exposure — recorded as a dated review here. A
//! rapid report counts "F1 reviewed on day D" as the people who are F1 on D
//! and have a review with outcome `confirmed` dated on or before D and on or
//! after the start of their F1 period. Having a quarantine order or a sample
//! is *not* a review (it was, before migration 22).
//!
//! Jurisdiction is checked here: a person outside the actor's scope is not
//! found. Only a current contact (F1–F4) can be reviewed, on a day not after
//! Vietnam's today and not before their class began.

use crate::{Actor, Result, Scope, Store, StoreError, audit};
use chrono::NaiveDate;
use phongdich_domain::{FieldError, Invalid, Permission};
use serde::Serialize;
use sqlx::Row;

/// What the tracing team found.
pub const REVIEW_OUTCOMES: [(&str, &str, &str); 3] = [
    (
        "confirmed",
        "Đã liên hệ, xác nhận tiếp xúc",
        "Reached, exposure confirmed",
    ),
    ("not_reached", "Chưa liên hệ được", "Not reached"),
    (
        "not_a_contact",
        "Đã liên hệ, không phải tiếp xúc gần",
        "Reached, not a close contact",
    ),
];

/// One review of a contact.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ContactReview {
    pub id: i64,
    pub person_id: i64,
    /// `yyyy-mm-dd`.
    pub reviewed_on: String,
    /// `confirmed`, `not_reached` or `not_a_contact`.
    pub outcome: String,
    pub note: Option<String>,
    /// The person's class (1–4) when the review was recorded.
    pub level: i64,
    pub commune_code: String,
    pub created_by: String,
    pub created_at: String,
}

const REVIEW_COLUMNS: &str =
    "id, person_id, reviewed_on, outcome, note, level, commune_code, created_by, created_at";

fn review_from_row(r: &sqlx::any::AnyRow) -> Result<ContactReview> {
    Ok(ContactReview {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        reviewed_on: r.try_get("reviewed_on")?,
        outcome: r.try_get("outcome")?,
        note: r.try_get("note")?,
        level: r.try_get("level")?,
        commune_code: r.try_get("commune_code")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Record that the tracing team reviewed a contact on `reviewed_on`
    /// (`yyyy-mm-dd` or `dd/mm/yyyy`; Vietnam's today at the latest) with
    /// `outcome` (`confirmed`, `not_reached`, `not_a_contact`) and an
    /// optional note; audited.
    pub async fn record_contact_review(
        &self,
        actor: &Actor,
        person_id: i64,
        reviewed_on: &str,
        outcome: &str,
        note: &str,
    ) -> Result<ContactReview> {
        self.record_contact_review_on(actor, person_id, reviewed_on, outcome, note, self.today())
            .await
    }

    /// [`Store::record_contact_review`] with today given.
    pub async fn record_contact_review_on(
        &self,
        actor: &Actor,
        person_id: i64,
        reviewed_on: &str,
        outcome: &str,
        note: &str,
        today: NaiveDate,
    ) -> Result<ContactReview> {
        actor.require(Permission::Trace)?;
        let person = self.person(&actor.scope, person_id).await?;
        let mut errors = Vec::new();
        let day = match phongdich_domain::contact::parse_date("reviewed_on", reviewed_on) {
            Ok(d) if d > today => {
                errors.push(FieldError::new(
                    "reviewed_on",
                    "in_future",
                    format!(
                        "Ngày rà soát {} sau hôm nay ({}).",
                        d.format("%d/%m/%Y"),
                        today.format("%d/%m/%Y")
                    ),
                    format!(
                        "The review day {} is after today ({}).",
                        d.format("%d/%m/%Y"),
                        today.format("%d/%m/%Y")
                    ),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let outcome = outcome.trim();
        if !REVIEW_OUTCOMES.iter().any(|o| o.0 == outcome) {
            errors.push(FieldError::new(
                "outcome",
                "invalid",
                format!(
                    "Kết quả rà soát «{outcome}» không hợp lệ: confirmed (xác nhận tiếp xúc), not_reached (chưa liên hệ được) hoặc not_a_contact (không phải tiếp xúc gần)."
                ),
                format!(
                    "Review outcome “{outcome}” is invalid: confirmed, not_reached or not_a_contact."
                ),
            ));
        }
        let note = phongdich_domain::text::clean(note);
        if note.chars().count() > 500 {
            errors.push(FieldError::new(
                "note",
                "too_long",
                "Ghi chú tối đa 500 ký tự.",
                "The note is at most 500 characters.",
            ));
        }
        let class: Option<(i64, String)> =
            sqlx::query_as("SELECT level, since_on FROM person_classes WHERE person_id = $1")
                .bind(person.id)
                .fetch_optional(&self.read)
                .await?;
        let level = match class {
            Some((level, since_on)) if (1..=4).contains(&level) => {
                if let Some(d) = day
                    && d.to_string() < since_on
                {
                    let since = NaiveDate::parse_from_str(&since_on, "%Y-%m-%d")
                        .map(|s| s.format("%d/%m/%Y").to_string())
                        .unwrap_or(since_on);
                    errors.push(FieldError::new(
                        "reviewed_on",
                        "before_class",
                        format!(
                            "Ngày rà soát {} trước ngày người này là F{level} ({since}).",
                            d.format("%d/%m/%Y")
                        ),
                        format!(
                            "The review day {} is before this person became F{level} ({since}).",
                            d.format("%d/%m/%Y")
                        ),
                    ));
                }
                level
            }
            _ => {
                errors.push(FieldError::new(
                    "person_id",
                    "not_a_contact",
                    "Người này hiện không phải F1–F4: chỉ rà soát người đang là tiếp xúc (F1–F4).",
                    "This person is not currently F1–F4: only current contacts (F1–F4) are reviewed.",
                ));
                0
            }
        };
        if !errors.is_empty() {
            return Err(StoreError::from(Invalid(errors)));
        }
        let day = day.unwrap_or(today).to_string();
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contact_reviews (person_id, reviewed_on, outcome, note, level, \
             province_code, district_code, commune_code, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(person.id)
        .bind(day.as_str())
        .bind(outcome)
        .bind((!note.is_empty()).then_some(note.as_str()))
        .bind(level)
        .bind(person.province_code.as_str())
        .bind(person.district_code.as_str())
        .bind(person.commune_code.as_str())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&mut *tx)
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {REVIEW_COLUMNS} FROM contact_reviews WHERE id = $1"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let review = review_from_row(&row)?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "contact_review",
            &id.to_string(),
            Some(&person.commune_code),
            None::<&ContactReview>,
            Some(&review),
        )
        .await?;
        tx.commit().await?;
        Ok(review)
    }

    /// A person's contact reviews (the person must be in scope), latest day
    /// first.
    pub async fn contact_reviews(
        &self,
        scope: &Scope,
        person_id: i64,
    ) -> Result<Vec<ContactReview>> {
        let person = self.person(scope, person_id).await?;
        sqlx::query(&format!(
            "SELECT {REVIEW_COLUMNS} FROM contact_reviews WHERE person_id = $1 \
             ORDER BY reviewed_on DESC, id DESC"
        ))
        .bind(person.id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(review_from_row)
        .collect()
    }
}
