//! The figures of a rapid situation report (*báo cáo nhanh*, domain rules
//! §9): one named count per line, each with its label in both languages and
//! whether it is a flow over the period or a stock at its end. Counts add up
//! — a district's figures are the sum of its communes' — so a roll-up is a
//! sum by construction; medians, which do not add, live in [`Rates`].

use serde::{Deserialize, Serialize};

/// Whether a figure counts what happened during the period or what stands at
/// its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Flow,
    Stock,
}

/// One line of the report: its key, group, labels and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Line {
    pub key: &'static str,
    /// The section of the report it belongs to.
    pub group: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    pub kind: Kind,
}

macro_rules! figures {
    ($($group:literal { $($key:ident: $kind:ident, $vi:literal, $en:literal;)* })*) => {
        /// The counts of one unit for one period. Every field adds up across units.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(default)]
        pub struct Figures {
            $($(#[doc = $en] pub $key: i64,)*)*
        }

        /// The lines of the report, in the order it shows them.
        pub const LINES: &[Line] = &[
            $($(Line { key: stringify!($key), group: $group, vi: $vi, en: $en, kind: Kind::$kind },)*)*
        ];

        impl Figures {
            /// The figure named `key`, if there is one.
            pub fn get(&self, key: &str) -> Option<i64> {
                match key {
                    $($(stringify!($key) => Some(self.$key),)*)*
                    _ => None,
                }
            }

            /// A mutable handle on the figure named `key`.
            pub fn slot(&mut self, key: &str) -> Option<&mut i64> {
                match key {
                    $($(stringify!($key) => Some(&mut self.$key),)*)*
                    _ => None,
                }
            }

            /// Add another unit's figures (the roll-up).
            pub fn add(&mut self, other: &Figures) {
                $($(self.$key += other.$key;)*)*
            }
        }
    };
}

figures! {
    "f0" {
        f0_new: Flow, "F0 mới", "New F0";
        f0_new_community: Flow, "— phát hiện trong cộng đồng", "— found in the community";
        f0_new_quarantine: Flow, "— đang cách ly", "— already in quarantine";
        f0_new_imported: Flow, "— nhập cảnh", "— imported";
        f0_new_other_province: Flow, "— từ tỉnh, thành phố khác", "— from another province";
        f0_active: Stock, "F0 đang điều trị", "F0 in treatment";
        f0_home: Stock, "— tại nhà", "— at home";
        f0_hospital: Stock, "— tại cơ sở y tế", "— in a health facility";
        f0_icu: Stock, "— — trong đó hồi sức tích cực", "— — of whom in intensive care";
        f0_unplaced: Stock, "— chưa ghi nơi điều trị", "— place of treatment not recorded";
        f0_recovered: Flow, "F0 khỏi bệnh", "F0 recovered";
        f0_deceased: Flow, "F0 tử vong", "F0 deceased";
        f0_cumulative: Stock, "F0 cộng dồn từ đầu đợt dịch", "F0 since the wave began";
    }
    "contacts" {
        f1: Stock, "F1 đang theo dõi", "F1 followed";
        f1_new: Flow, "F1 mới truy vết", "F1 newly traced";
        f2: Stock, "F2", "F2";
        f3: Stock, "F3", "F3";
        f4: Stock, "F4", "F4";
        f1_reviewed: Stock, "F1 đã rà soát (có lệnh cách ly hoặc mẫu)", "F1 reviewed (order or sample)";
        f1_quarantined: Stock, "F1 đang cách ly", "F1 in quarantine";
        f1_sampled: Stock, "F1 đã lấy mẫu", "F1 sampled";
        f1_negative: Stock, "F1 âm tính", "F1 negative";
        f1_positive: Stock, "F1 dương tính", "F1 positive";
        f1_pending: Stock, "F1 chờ kết quả", "F1 awaiting results";
    }
    "quarantine" {
        quarantine_centralised: Stock, "Đang cách ly tập trung", "In centralised quarantine";
        quarantine_home: Stock, "Đang cách ly tại nhà", "In home quarantine";
        quarantine_released: Flow, "Kết thúc cách ly", "Released from quarantine";
    }
    "testing" {
        samples_taken: Flow, "Mẫu đã lấy", "Samples taken";
        tests_done: Flow, "Xét nghiệm có kết quả", "Tests with a result";
        tests_positive: Flow, "— dương tính", "— positive";
        tests_negative: Flow, "— âm tính", "— negative";
    }
    "response" {
        alerts_raised: Flow, "Cảnh báo điều trị tại nhà", "Home-treatment alerts";
        alerts_escalated: Flow, "— phải chuyển lên cấp trên", "— escalated";
        alerts_open: Stock, "Cảnh báo đang chờ tiếp nhận", "Alerts waiting to be taken";
    }
    "capacity" {
        beds: Stock, "Giường cách ly, điều trị", "Quarantine and treatment beds";
        beds_occupied: Stock, "— đang sử dụng", "— occupied";
        oxygen_equipment: Stock, "Thiết bị oxy", "Oxygen equipment";
        oxygen_lent: Stock, "— đang cho mượn", "— lent to patients";
    }
}

/// The report's sections: (key, Vietnamese, English).
pub const GROUPS: [(&str, &str, &str); 6] = [
    ("f0", "Ca bệnh (F0)", "Cases (F0)"),
    ("contacts", "Truy vết F1–F4", "Contacts F1–F4"),
    ("quarantine", "Cách ly", "Quarantine"),
    ("testing", "Xét nghiệm", "Testing"),
    ("response", "Phản ứng nhanh", "Rapid response"),
    ("capacity", "Năng lực thu dung", "Capacity"),
];

/// Medians of one unit for one period, computed at its own level (they do
/// not add up from the units below).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rates {
    /// Days from sample to result, median.
    pub turnaround_days: Option<f64>,
    /// Minutes from an alert to its being taken, and to action, medians.
    pub minutes_to_acknowledge: Option<i64>,
    pub minutes_to_act: Option<i64>,
}

/// The change of every figure from `before` to `now` (`now - before`).
pub fn change(now: &Figures, before: &Figures) -> Figures {
    let mut out = now.clone();
    for line in LINES {
        if let (Some(slot), Some(b)) = (out.slot(line.key), before.get(line.key)) {
            *slot -= b;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_a_field_and_labelled_in_both_languages() {
        let f = Figures::default();
        for line in LINES {
            assert_eq!(f.get(line.key), Some(0), "{}", line.key);
            assert!(!line.vi.is_empty() && !line.en.is_empty());
            assert!(GROUPS.iter().any(|g| g.0 == line.group));
        }
        let json = serde_json::to_value(&f).unwrap_or_default();
        assert_eq!(json.as_object().map(|o| o.len()), Some(LINES.len()));
    }

    #[test]
    fn figures_add_up_and_changes_subtract() {
        let mut district = Figures::default();
        let a = Figures {
            f0_new: 3,
            f1: 10,
            ..Default::default()
        };
        let b = Figures {
            f0_new: 2,
            beds: 40,
            ..Default::default()
        };
        district.add(&a);
        district.add(&b);
        assert_eq!((district.f0_new, district.f1, district.beds), (5, 10, 40));
        let d = change(&district, &a);
        assert_eq!((d.f0_new, d.f1, d.beds), (2, 0, 40));
    }
}
