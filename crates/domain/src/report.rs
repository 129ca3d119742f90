//! The figures of a rapid situation report (*báo cáo nhanh*, domain rules
//! §9): one named count per line, each with its label in both languages and
//! whether it is a flow over the period or a stock at its end. Counts add up
//! — a district's figures are the sum of its communes' — so a roll-up is a
//! sum by construction; medians, which do not add, live in [`Rates`].
//!
//! The lines are written once in a macro that makes the `Figures` struct (one
//! `i64` a line), `LINES` (key, section, Vietnamese and English labels, flow or
//! stock) and `add`/`get`/`slot`. `DEFINITIONS` (`definition(key)`) say what
//! each line counts in both languages (a test checks every line has one); they
//! are shown as the label's tooltip (`title=` and a tap-to-open `details`) on
//! the report page and the dashboard and as the numbered notes of the printed
//! report. `change(now, before)` gives the change since a previous report.

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
        f1_reviewed: Stock, "F1 đã rà soát", "F1 reviewed";
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
    "returnees" {
        returnees_received: Flow, "Người về địa phương đã tiếp nhận", "Returnees received";
        returnees_received_epidemic: Flow, "— từ vùng dịch", "— from epidemic areas";
    }
    "capacity" {
        beds: Stock, "Giường cách ly, điều trị", "Quarantine and treatment beds";
        beds_occupied: Stock, "— đang sử dụng", "— occupied";
        oxygen_equipment: Stock, "Thiết bị oxy", "Oxygen equipment";
        oxygen_lent: Stock, "— đang cho mượn", "— lent to patients";
    }
}

/// What each line counts, in both languages, keyed by the line's key: shown
/// as the figure's tooltip on the report page and the dashboard and in the
/// printed report's notes. The rules (issue 15 §3): a **stock** counts what
/// stood at the end of the report's last day D; a **flow** counts what
/// happened on the days of the period, dated by when it happened, not when
/// it was entered. "F1 reviewed" is the lead's decision: an F1 whose contact
/// the tracing team checked (reached by call or visit, exposure confirmed),
/// recorded as a dated review (`contact_reviews`, outcome `confirmed`).
pub const DEFINITIONS: &[(&str, &str, &str)] = &[
    (
        "f0_new",
        "Ca bệnh được khẳng định trong kỳ báo cáo (theo ngày khẳng định), chia theo nơi phát hiện: trong cộng đồng, đang cách ly, nhập cảnh, từ tỉnh khác.",
        "Cases confirmed in the period (by confirmation date), split by where found: in the community, already in quarantine, imported from abroad, from another province.",
    ),
    (
        "f0_new_community",
        "Trong số F0 mới: phát hiện trong cộng đồng (không đang cách ly, không nhập cảnh, không từ tỉnh khác).",
        "Of the new F0: found in the community (not in quarantine, not imported, not from another province).",
    ),
    (
        "f0_new_quarantine",
        "Trong số F0 mới: phát hiện khi đang cách ly (tập trung hoặc tại nhà).",
        "Of the new F0: found while already in quarantine (centralised or at home).",
    ),
    (
        "f0_new_imported",
        "Trong số F0 mới: nhập cảnh từ nước ngoài.",
        "Of the new F0: imported from abroad.",
    ),
    (
        "f0_new_other_province",
        "Trong số F0 mới: đến từ tỉnh, thành phố khác (người về từ vùng dịch).",
        "Of the new F0: come from another province (people returning from an epidemic area).",
    ),
    (
        "f0_active",
        "Ca bệnh đang điều trị vào cuối ngày D (đã khẳng định, chưa khỏi, chưa tử vong, chưa chuyển đi), ở bất cứ nơi nào.",
        "Cases in treatment at the end of day D (confirmed, not recovered, dead or moved away), wherever treated.",
    ),
    (
        "f0_icu",
        "Trong số F0 tại cơ sở y tế: đang hồi sức tích cực vào cuối ngày D.",
        "Of the F0 in a health facility: in intensive care at the end of day D.",
    ),
    (
        "f0_unplaced",
        "Ca bệnh đang điều trị vào cuối ngày D mà hồ sơ chưa ghi nơi điều trị (danh sách công bố chỉ ghi ngày khỏi).",
        "Cases in treatment at the end of day D whose records do not say where (a published list giving only the recovery).",
    ),
    (
        "f0_home",
        "Ca bệnh đang điều trị tại nhà vào cuối ngày D, theo diễn biến được ghi kèm ngày.",
        "Cases in treatment at home at the end of day D, by the course recorded with its date.",
    ),
    (
        "f0_hospital",
        "Ca bệnh đang điều trị tại cơ sở y tế (kể cả hồi sức tích cực) vào cuối ngày D, theo diễn biến được ghi kèm ngày.",
        "Cases in treatment in a health facility (including intensive care) at the end of day D, by the course recorded with its date.",
    ),
    (
        "f0_recovered",
        "Ca bệnh khỏi bệnh (ra viện) trong kỳ, theo ngày khỏi bệnh.",
        "Cases recovered (discharged) in the period, by recovery date.",
    ),
    (
        "f0_deceased",
        "Ca bệnh tử vong trong kỳ, theo ngày tử vong.",
        "Cases who died in the period, by date of death.",
    ),
    (
        "f0_cumulative",
        "Ca bệnh được khẳng định từ ngày đầu của đợt dịch đến hết ngày D.",
        "Cases confirmed from the wave's first day to the end of day D.",
    ),
    (
        "f1",
        "Người là F1 vào cuối ngày D: từ lần tiếp xúc cuối cùng đến hết thời gian cách ly, theo dõi của chính họ theo quy định đang áp dụng.",
        "People who were F1 at the end of day D: from their last exposure through the end of their own quarantine and monitoring period under the rule in force.",
    ),
    (
        "f1_new",
        "Người bắt đầu là F1 trong kỳ (theo ngày tiếp xúc).",
        "People whose F1 period started in the period (by exposure date).",
    ),
    (
        "f2",
        "Người là F2 vào cuối ngày D (cách tính như F1).",
        "People who were F2 at the end of day D (counted as for F1).",
    ),
    (
        "f3",
        "Người là F3 vào cuối ngày D (cách tính như F1).",
        "People who were F3 at the end of day D (counted as for F1).",
    ),
    (
        "f4",
        "Người là F4 vào cuối ngày D (cách tính như F1).",
        "People who were F4 at the end of day D (counted as for F1).",
    ),
    (
        "f1_reviewed",
        "F1 vào ngày D đã được tổ truy vết rà soát: liên hệ được (gọi điện hoặc đến nhà) và xác nhận có tiếp xúc, ghi ngày rà soát từ ngày bắt đầu là F1 đến ngày D.",
        "F1 on day D whose contact the tracing team checked: reached (call or visit) and exposure confirmed, the review dated from the start of their F1 period to D.",
    ),
    (
        "f1_quarantined",
        "F1 vào ngày D có lệnh cách ly còn hiệu lực trong ngày D.",
        "F1 on day D with a quarantine order running on D.",
    ),
    (
        "f1_sampled",
        "F1 vào ngày D đã được lấy mẫu từ ngày bắt đầu là F1 đến ngày D.",
        "F1 on day D with a sample taken between the start of their F1 period and D.",
    ),
    (
        "f1_negative",
        "Trong số F1 đã lấy mẫu: mẫu gần nhất âm tính, theo kết quả biết được đến hết ngày D.",
        "Of the F1 sampled: latest such sample negative, by the result known at the end of D.",
    ),
    (
        "f1_positive",
        "Trong số F1 đã lấy mẫu: mẫu gần nhất dương tính, theo kết quả biết được đến hết ngày D.",
        "Of the F1 sampled: latest such sample positive, by the result known at the end of D.",
    ),
    (
        "f1_pending",
        "Trong số F1 đã lấy mẫu: mẫu gần nhất chưa có kết quả đến hết ngày D.",
        "Of the F1 sampled: latest such sample without a result by the end of D.",
    ),
    (
        "quarantine_centralised",
        "Lệnh cách ly tập trung còn hiệu lực vào cuối ngày D (bắt đầu từ ngày D trở về trước, chưa kết thúc hoặc huỷ đến ngày D).",
        "Centralised quarantine orders running at the end of D (started on or before D, not released or cancelled by D).",
    ),
    (
        "quarantine_home",
        "Lệnh cách ly tại nhà còn hiệu lực vào cuối ngày D (bắt đầu từ ngày D trở về trước, chưa kết thúc hoặc huỷ đến ngày D).",
        "Home quarantine orders running at the end of D (started on or before D, not released or cancelled by D).",
    ),
    (
        "quarantine_released",
        "Lệnh cách ly kết thúc trong kỳ (theo ngày kết thúc cách ly).",
        "Quarantine orders released in the period (by release date).",
    ),
    (
        "samples_taken",
        "Mẫu được lấy trong kỳ (theo ngày lấy mẫu).",
        "Samples taken in the period (by collection date).",
    ),
    (
        "tests_done",
        "Kết quả xét nghiệm trong kỳ (theo ngày có kết quả); một mẫu gộp tính là một xét nghiệm.",
        "Test results in the period (by result date); a pool counts as one test.",
    ),
    (
        "tests_positive",
        "Trong số xét nghiệm có kết quả: dương tính (theo ngày có kết quả; mẫu gộp tính là một).",
        "Of the tests with a result: positive (by result date; a pool counts as one).",
    ),
    (
        "tests_negative",
        "Trong số xét nghiệm có kết quả: âm tính (theo ngày có kết quả; mẫu gộp tính là một).",
        "Of the tests with a result: negative (by result date; a pool counts as one).",
    ),
    (
        "alerts_raised",
        "Cảnh báo của F0 điều trị tại nhà phát sinh trong kỳ.",
        "Home-treatment alerts raised in the period.",
    ),
    (
        "alerts_escalated",
        "Trong số cảnh báo phát sinh trong kỳ: phải chuyển lên cấp trên vì không ai tiếp nhận kịp.",
        "Of the alerts raised in the period: escalated a level up because nobody took them in time.",
    ),
    (
        "alerts_open",
        "Cảnh báo phát sinh đến hết ngày D mà đến lúc đó chưa được tiếp nhận.",
        "Alerts raised by the end of D and not yet taken (acknowledged) by then.",
    ),
    (
        "returnees_received",
        "Người từ tỉnh khác về mà xã/phường nơi về đã xác nhận về đến nhà trong kỳ (theo ngày về đến nhà), tính ở xã nơi về; đăng ký đã hủy không tính.",
        "Returnees from other provinces whose arrival home the destination commune confirmed in the period (by the day home), counted where they went; cancelled registrations are not counted.",
    ),
    (
        "returnees_received_epidemic",
        "Trong số người về đã tiếp nhận: đi từ nơi thuộc danh sách vùng dịch của tỉnh vào ngày khởi hành.",
        "Of the returnees received: those who left from a place on the province's list of epidemic areas on their departure day.",
    ),
    (
        "beds",
        "Giường cách ly, điều trị có vào cuối ngày D.",
        "Quarantine and treatment beds at the end of D.",
    ),
    (
        "beds_occupied",
        "Giường đang có người (lượt thu dung chưa ra) vào cuối ngày D.",
        "Beds taken by admissions still running at the end of D.",
    ),
    (
        "oxygen_equipment",
        "Thiết bị oxy (máy tạo oxy, bình oxy) có vào cuối ngày D.",
        "Oxygen equipment (concentrators, cylinders) at the end of D.",
    ),
    (
        "oxygen_lent",
        "Thiết bị oxy đang cho người bệnh mượn vào cuối ngày D.",
        "Oxygen equipment lent to patients at the end of D.",
    ),
];

/// The definition of the line `key`: (Vietnamese, English).
/// The longest report period, in days counted both ends in (a year).
pub const MAX_PERIOD_DAYS: i64 = 366;

/// A report's period `from..=to`: forwards and at most [`MAX_PERIOD_DAYS`]
/// days. The error names the field at fault.
pub fn check_period(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<(), crate::FieldError> {
    let days = (to - from).num_days() + 1;
    if days < 1 {
        Err(crate::FieldError::new(
            "from",
            "after_end",
            format!(
                "Từ ngày {} sau đến ngày {}: kỳ báo cáo phải đi tới.",
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            ),
            format!(
                "The first day {} is after the last {}: a period runs forwards.",
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            ),
        ))
    } else if days > MAX_PERIOD_DAYS {
        Err(crate::FieldError::new(
            "from",
            "too_long",
            format!("Kỳ báo cáo tối đa {MAX_PERIOD_DAYS} ngày (đang chọn {days} ngày)."),
            format!("A period lasts at most {MAX_PERIOD_DAYS} days ({days} chosen)."),
        ))
    } else {
        Ok(())
    }
}

pub fn definition(key: &str) -> Option<(&'static str, &'static str)> {
    DEFINITIONS.iter().find(|d| d.0 == key).map(|d| (d.1, d.2))
}

/// The report's sections: (key, Vietnamese, English).
pub const GROUPS: [(&str, &str, &str); 7] = [
    ("f0", "Ca bệnh (F0)", "Cases (F0)"),
    ("contacts", "Truy vết F1–F4", "Contacts F1–F4"),
    ("quarantine", "Cách ly", "Quarantine"),
    ("testing", "Xét nghiệm", "Testing"),
    ("response", "Phản ứng nhanh", "Rapid response"),
    (
        "returnees",
        "Người về từ tỉnh khác",
        "Returnees from other provinces",
    ),
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
    fn every_line_has_its_definition_in_both_languages_and_no_other() {
        for line in LINES {
            let (vi, en) = definition(line.key).unwrap_or_default();
            assert!(
                vi.len() > 20 && en.len() > 20,
                "{} has no definition in both languages",
                line.key
            );
        }
        for d in DEFINITIONS {
            assert!(
                LINES.iter().any(|l| l.key == d.0),
                "definition of an unknown line {}",
                d.0
            );
        }
        assert_eq!(DEFINITIONS.len(), LINES.len());
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

    /// Issue 18, bug 5: a period ending before it starts was accepted.
    #[test]
    fn a_period_runs_forwards_for_at_most_a_year() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(
            check_period(d(2021, 8, 5), d(2021, 8, 5)).is_ok(),
            "one day"
        );
        let e = check_period(d(2021, 8, 6), d(2021, 8, 5)).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("from", "after_end"));
        assert!(e.message_vi.contains("06/08/2021"), "{}", e.message_vi);
        // 2020 is a leap year: 1/1–31/12 is 366 days, the longest.
        assert!(check_period(d(2020, 1, 1), d(2020, 12, 31)).is_ok());
        let e = check_period(d(2020, 1, 1), d(2021, 1, 1)).unwrap_err();
        assert_eq!(e.code, "too_long");
        assert!(e.message_en.contains("367 chosen"), "{}", e.message_en);
    }
}
