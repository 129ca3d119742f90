//! What can go wrong in the store, in terms a caller can answer a user with.

use phongdich_domain::Invalid;
use serde::{Deserialize, Serialize};

/// An existing person that a new or edited record probably describes again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DuplicateCandidate {
    pub person_id: i64,
    pub full_name: String,
    pub birth_year: i64,
    pub commune_code: String,
    /// `same_phone_similar_name` or `similar_name_same_birth_year_commune`.
    pub reason: String,
}

impl DuplicateCandidate {
    /// The person of a row with `id`, `full_name`, `birth_year` and
    /// `commune_code`, found for `reason`.
    pub(crate) fn from_row(r: &sqlx::any::AnyRow, reason: &str) -> Result<Self, StoreError> {
        use sqlx::Row;
        Ok(DuplicateCandidate {
            person_id: r.try_get("id")?,
            full_name: r.try_get("full_name")?,
            birth_year: r.try_get("birth_year")?,
            commune_code: r.try_get("commune_code")?,
            reason: reason.to_owned(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Absent, or outside the caller's jurisdiction: the two are not told apart.
    #[error("{entity} {id} not found")]
    NotFound { entity: Entity, id: String },
    /// The national ID belongs to another record: named (`existing_id`)
    /// only when the caller may see it.
    #[error("national ID already registered to another person")]
    DuplicateNationalId { existing_id: Option<i64> },
    #[error("likely duplicate of {} existing person(s)", candidates.len())]
    LikelyDuplicates { candidates: Vec<DuplicateCandidate> },
    #[error("{message_en}")]
    Conflict {
        message_vi: String,
        message_en: String,
    },
    /// The caller's role does not allow this.
    #[error("not permitted: {permission:?}")]
    Forbidden {
        permission: phongdich_domain::Permission,
    },
    /// Login refused: wrong name or password, disabled, or throttled.
    #[error("{message_en}")]
    Unauthorized {
        message_vi: String,
        message_en: String,
    },
    /// Too many failed logins from this address (for this account): try
    /// again after `retry_after` seconds.
    #[error("{message_en}")]
    Throttled {
        retry_after: u64,
        message_vi: String,
        message_en: String,
    },
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("data file: {0}")]
    Data(String),
}

impl StoreError {
    pub(crate) fn not_found(entity: Entity, id: impl ToString) -> Self {
        StoreError::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub(crate) fn conflict(vi: impl Into<String>, en: impl Into<String>) -> Self {
        StoreError::Conflict {
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }
}

/// What a "not found" names, in both languages: every kind of record the
/// store answers for (a match here is exhaustive, so a new kind cannot go
/// without its Vietnamese name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Admission,
    Alert,
    ApiToken,
    AuditEntry,
    Campaign,
    CampaignRound,
    Case,
    Cluster,
    DuplicatePair,
    DutyShift,
    EpidemicArea,
    Figure,
    HealthDeclaration,
    HomeTreatment,
    ImportRun,
    Loan,
    Lockdown,
    GreenZone,
    DirectiveArea,
    TravelPermit,
    Merge,
    OxygenEquipment,
    Person,
    PersonalLink,
    Place,
    Pool,
    QuarantineOrder,
    ReleaseCertificate,
    Returnee,
    TransportBatch,
    Sample,
    Setting,
    SituationReport,
    TestResult,
    Unit,
    User,
}

impl Entity {
    /// Every kind, for tests.
    pub const ALL: [Entity; 36] = [
        Entity::Admission,
        Entity::Alert,
        Entity::ApiToken,
        Entity::AuditEntry,
        Entity::Campaign,
        Entity::CampaignRound,
        Entity::Case,
        Entity::Cluster,
        Entity::DuplicatePair,
        Entity::DutyShift,
        Entity::EpidemicArea,
        Entity::Figure,
        Entity::HealthDeclaration,
        Entity::HomeTreatment,
        Entity::ImportRun,
        Entity::Loan,
        Entity::Lockdown,
        Entity::GreenZone,
        Entity::DirectiveArea,
        Entity::TravelPermit,
        Entity::Merge,
        Entity::OxygenEquipment,
        Entity::Person,
        Entity::PersonalLink,
        Entity::Place,
        Entity::Pool,
        Entity::QuarantineOrder,
        Entity::ReleaseCertificate,
        Entity::Returnee,
        Entity::TransportBatch,
        Entity::Sample,
        Entity::Setting,
        Entity::SituationReport,
        Entity::TestResult,
        Entity::Unit,
        Entity::User,
    ];

    /// The English name, as messages and logs have said it.
    pub fn en(self) -> &'static str {
        match self {
            Entity::Admission => "admission",
            Entity::Alert => "alert",
            Entity::ApiToken => "api_token",
            Entity::AuditEntry => "audit entry",
            Entity::Campaign => "campaign",
            Entity::CampaignRound => "campaign round",
            Entity::Case => "case",
            Entity::Cluster => "cluster",
            Entity::DuplicatePair => "likely-duplicate pair",
            Entity::DutyShift => "duty shift",
            Entity::EpidemicArea => "epidemic area",
            Entity::Figure => "figure",
            Entity::HealthDeclaration => "health declaration",
            Entity::HomeTreatment => "home treatment",
            Entity::ImportRun => "import",
            Entity::Loan => "loan",
            Entity::Lockdown => "lockdown area",
            Entity::GreenZone => "green zone",
            Entity::DirectiveArea => "directive in force",
            Entity::TravelPermit => "travel permit",
            Entity::Merge => "merge",
            Entity::OxygenEquipment => "oxygen equipment",
            Entity::Person => "person",
            Entity::PersonalLink => "personal link",
            Entity::Place => "place",
            Entity::Pool => "pool",
            Entity::QuarantineOrder => "quarantine order",
            Entity::ReleaseCertificate => "release certificate",
            Entity::Returnee => "returnee registration",
            Entity::TransportBatch => "transport batch",
            Entity::Sample => "sample",
            Entity::Setting => "setting",
            Entity::SituationReport => "situation report",
            Entity::TestResult => "test result",
            Entity::Unit => "unit",
            Entity::User => "user",
        }
    }

    /// The Vietnamese name.
    pub fn vi(self) -> &'static str {
        match self {
            Entity::Admission => "lượt tiếp nhận",
            Entity::Alert => "cảnh báo",
            Entity::ApiToken => "mã API",
            Entity::AuditEntry => "mục nhật ký",
            Entity::Campaign => "đợt xét nghiệm",
            Entity::CampaignRound => "vòng xét nghiệm",
            Entity::Case => "ca bệnh",
            Entity::Cluster => "ổ dịch",
            Entity::DuplicatePair => "cặp hồ sơ nghi trùng",
            Entity::DutyShift => "ca trực",
            Entity::EpidemicArea => "vùng dịch",
            Entity::Figure => "chỉ số báo cáo",
            Entity::HealthDeclaration => "khai báo y tế",
            Entity::HomeTreatment => "hồ sơ điều trị tại nhà",
            Entity::ImportRun => "lần nhập tệp",
            Entity::Loan => "lượt cho mượn thiết bị",
            Entity::Lockdown => "khu vực phong tỏa",
            Entity::GreenZone => "vùng xanh",
            Entity::DirectiveArea => "quyết định áp dụng chỉ thị",
            Entity::TravelPermit => "giấy đi đường",
            Entity::Merge => "lần gộp",
            Entity::OxygenEquipment => "thiết bị oxy",
            Entity::Person => "người",
            Entity::PersonalLink => "đường dẫn cá nhân",
            Entity::Place => "cơ sở cách ly, điều trị",
            Entity::Pool => "mẫu gộp",
            Entity::QuarantineOrder => "quyết định cách ly",
            Entity::ReleaseCertificate => "giấy xác nhận hoàn thành cách ly",
            Entity::Returnee => "đăng ký về địa phương",
            Entity::TransportBatch => "đợt đón",
            Entity::Sample => "mẫu xét nghiệm",
            Entity::Setting => "thiết lập",
            Entity::SituationReport => "báo cáo nhanh",
            Entity::TestResult => "kết quả xét nghiệm",
            Entity::Unit => "đơn vị",
            Entity::User => "tài khoản",
        }
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.en())
    }
}

#[cfg(test)]
mod tests {
    use super::Entity;
    use std::collections::HashSet;

    #[test]
    fn every_entity_has_its_own_name_in_both_languages() {
        let en: HashSet<_> = Entity::ALL.iter().map(|e| e.en()).collect();
        let vi: HashSet<_> = Entity::ALL.iter().map(|e| e.vi()).collect();
        assert_eq!(en.len(), Entity::ALL.len());
        assert_eq!(vi.len(), Entity::ALL.len());
        assert!(!vi.contains("bản ghi"));
        for e in Entity::ALL {
            assert_eq!(e.to_string(), e.en());
            assert!(!e.vi().is_empty());
        }
    }
}
