//! Roles and what each may do: the permission matrix, in one place.
//!
//! A user holds one role at one administrative unit; what a role allows is
//! limited to that unit and everything under it (the store enforces the unit
//! part, this module the role part). `ARCHITECTURE.md` shows the same matrix.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The work a user does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Committee administrator (of a province, district or commune: the level
    /// of the user's unit).
    Admin,
    HealthStaff,
    ContactTracer,
    LabStaff,
    QuarantineStaff,
    AidVolunteer,
    /// An officer at a checkpoint on the province's roads: scans returnees'
    /// codes, records arrivals and the rapid test there — nothing more.
    CheckpointOfficer,
    Viewer,
}

/// One thing a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See people (with national ID and phone masked unless `ViewIdentifiers`).
    ViewPersons,
    /// See national IDs and phone numbers in full (each view is audited).
    ViewIdentifiers,
    /// Create and correct people.
    EditPersons,
    /// Merge likely duplicates and undo merges.
    MergePersons,
    /// Import people from spreadsheets.
    ImportPersons,
    /// Export people (audited).
    ExportPersons,
    /// Add hamlets, import population.
    EditUnits,
    /// Confirm cases, record contacts, isolation and release (tracing).
    Trace,
    /// Create, disable and reset accounts and API tokens under one's unit.
    ManageUsers,
    /// Browse and export the audit log of one's unit.
    ViewAudit,
    /// Take samples (single or pooled) at the door, a site or a checkpoint.
    CollectSamples,
    /// Enter or import lab results.
    RecordResults,
    /// Order testing campaigns, start their rounds, close them.
    RunCampaigns,
    /// Change the province's settings (e.g. confirm F0 after review) and its
    /// own quarantine rules.
    Configure,
    /// Issue, extend and release quarantine orders; enter health
    /// declarations and make personal links for orders.
    Quarantine,
    /// Enrol F0 in home treatment, record vital signs, answer alerts; make
    /// personal links for home treatments.
    Treat,
    /// Keep the unit's duty roster of response teams and its oxygen equipment.
    ManageResponse,
    /// Send the unit's rapid situation reports; review (approve or return)
    /// those of the units below; remind them.
    Report,
    /// Register returnees, cancel registrations, confirm arrivals home and
    /// keep the province's list of epidemic areas.
    Returnees,
    /// Scan returnees' codes at a checkpoint and record their arrival.
    CheckArrivals,
    /// Lock down areas, extend and lift lockdowns (and, with them, the
    /// zones, directives and levels of the committee's decisions).
    Zones,
}

impl Permission {
    /// What the permission allows, in words (Vietnamese, English): what a
    /// refusal names.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Permission::ViewPersons => ("xem danh sách người dân", "see people"),
            Permission::ViewIdentifiers => (
                "xem đầy đủ số CCCD và số điện thoại",
                "see national IDs and phone numbers in full",
            ),
            Permission::EditPersons => ("thêm và sửa hồ sơ người dân", "add and correct people"),
            Permission::MergePersons => ("gộp hồ sơ trùng", "merge duplicate records"),
            Permission::ImportPersons => ("nhập danh sách từ tệp", "import lists from files"),
            Permission::ExportPersons => ("xuất danh sách người dân", "export people"),
            Permission::EditUnits => ("sửa đơn vị hành chính, thôn", "edit units and hamlets"),
            Permission::Trace => (
                "truy vết: khẳng định ca bệnh, ghi tiếp xúc",
                "trace: confirm cases, record contacts",
            ),
            Permission::ManageUsers => (
                "quản lý tài khoản và mã API",
                "manage accounts and API tokens",
            ),
            Permission::ViewAudit => ("xem nhật ký thao tác", "see the audit log"),
            Permission::CollectSamples => ("lấy mẫu xét nghiệm", "take samples"),
            Permission::RecordResults => ("nhập kết quả xét nghiệm", "record test results"),
            Permission::RunCampaigns => ("tổ chức đợt xét nghiệm", "run testing campaigns"),
            Permission::Configure => (
                "thay đổi thiết lập của tỉnh",
                "change the province's settings",
            ),
            Permission::Quarantine => ("ra quyết định cách ly", "issue quarantine orders"),
            Permission::Treat => ("theo dõi, điều trị F0 tại nhà", "treat F0 at home"),
            Permission::ManageResponse => (
                "quản lý lịch trực và thiết bị oxy",
                "keep the duty roster and oxygen equipment",
            ),
            Permission::Report => (
                "gửi và duyệt báo cáo nhanh",
                "send and review rapid reports",
            ),
            Permission::Returnees => (
                "đăng ký và tiếp nhận người về địa phương",
                "register and receive returnees",
            ),
            Permission::CheckArrivals => (
                "kiểm tra người về và giấy đi đường tại chốt",
                "check returnees and travel permits at a checkpoint",
            ),
            Permission::Zones => (
                "phong tỏa, vùng xanh, chỉ thị giãn cách, giấy đi đường",
                "lockdowns, green zones, distancing directives, travel permits",
            ),
        }
    }

    pub const ALL: [Permission; 21] = [
        Permission::ViewPersons,
        Permission::ViewIdentifiers,
        Permission::EditPersons,
        Permission::MergePersons,
        Permission::ImportPersons,
        Permission::ExportPersons,
        Permission::EditUnits,
        Permission::Trace,
        Permission::ManageUsers,
        Permission::ViewAudit,
        Permission::CollectSamples,
        Permission::RecordResults,
        Permission::RunCampaigns,
        Permission::Configure,
        Permission::Quarantine,
        Permission::Treat,
        Permission::ManageResponse,
        Permission::Report,
        Permission::Returnees,
        Permission::CheckArrivals,
        Permission::Zones,
    ];
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::HealthStaff,
        Role::ContactTracer,
        Role::LabStaff,
        Role::QuarantineStaff,
        Role::AidVolunteer,
        Role::CheckpointOfficer,
        Role::Viewer,
    ];

    /// The permission matrix.
    pub fn can(self, p: Permission) -> bool {
        use Permission as P;
        use Role as R;
        match self {
            R::Admin => true,
            R::HealthStaff => !matches!(p, P::ManageUsers | P::ViewAudit | P::Configure),
            R::ContactTracer => matches!(
                p,
                P::ViewPersons | P::ViewIdentifiers | P::EditPersons | P::ImportPersons | P::Trace
            ),
            R::LabStaff => matches!(p, P::ViewPersons | P::ViewIdentifiers | P::RecordResults),
            R::QuarantineStaff => matches!(
                p,
                P::ViewPersons
                    | P::ViewIdentifiers
                    | P::EditPersons
                    | P::CollectSamples
                    | P::Quarantine
            ),
            R::CheckpointOfficer => {
                matches!(p, P::CheckArrivals | P::CollectSamples | P::RecordResults)
            }
            R::AidVolunteer | R::Viewer => matches!(p, P::ViewPersons),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::HealthStaff => "health_staff",
            Role::ContactTracer => "contact_tracer",
            Role::LabStaff => "lab_staff",
            Role::QuarantineStaff => "quarantine_staff",
            Role::AidVolunteer => "aid_volunteer",
            Role::CheckpointOfficer => "checkpoint_officer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Names shown to users: (Vietnamese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Role::Admin => ("Quản trị Ban Chỉ đạo", "Committee administrator"),
            Role::HealthStaff => ("Cán bộ y tế", "Health staff"),
            Role::ContactTracer => ("Truy vết", "Contact tracer"),
            Role::LabStaff => ("Xét nghiệm", "Lab staff"),
            Role::QuarantineStaff => ("Khu cách ly", "Quarantine-site staff"),
            Role::AidVolunteer => ("Tình nguyện viên hỗ trợ", "Aid volunteer"),
            Role::CheckpointOfficer => ("Cán bộ chốt kiểm soát", "Checkpoint officer"),
            Role::Viewer => ("Chỉ xem", "Read-only viewer"),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A national ID or phone as shown to someone who may not see it: the last
/// three characters kept, e.g. `*********123`.
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    let keep = 3.min(n);
    let mut s: String = "•".repeat(n - keep);
    s.extend(value.chars().skip(n - keep));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_can_everything_viewers_only_look() {
        for p in Permission::ALL {
            assert!(Role::Admin.can(p));
            assert_eq!(Role::Viewer.can(p), p == Permission::ViewPersons);
        }
        assert!(!Role::AidVolunteer.can(Permission::ViewIdentifiers));
        assert!(Role::ContactTracer.can(Permission::ViewIdentifiers));
        assert!(!Role::HealthStaff.can(Permission::ManageUsers));
        assert!(!Role::ContactTracer.can(Permission::ExportPersons));
        assert!(Role::LabStaff.can(Permission::RecordResults));
        assert!(!Role::LabStaff.can(Permission::CollectSamples));
        assert!(Role::QuarantineStaff.can(Permission::CollectSamples));
        assert!(!Role::ContactTracer.can(Permission::RecordResults));
        assert!(Role::HealthStaff.can(Permission::RunCampaigns));
        assert!(!Role::HealthStaff.can(Permission::Configure));
        assert!(!Role::QuarantineStaff.can(Permission::RunCampaigns));
        assert!(Role::QuarantineStaff.can(Permission::Quarantine));
        assert!(!Role::ContactTracer.can(Permission::Quarantine));
    }

    #[test]
    fn roles_round_trip_and_masks_keep_three() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(mask("0912345678"), "•••••••678");
        assert_eq!(mask("12"), "12");
    }
}
