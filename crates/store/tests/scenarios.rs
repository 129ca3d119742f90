#![allow(clippy::unwrap_used)]
//! Two situations entered as the committees entered them — partly after the
//! fact, each record with the day of its event — and their rapid reports
//! read for the day and for earlier days, on SQLite or PostgreSQL (issue 15,
//! "Done when"). Every expected figure is derived by hand in the comments
//! from the definitions of `figure_lists.rs` (flows: what happened on the
//! days of the period, by the day it happened; stocks: what stood at the end
//! of the report's last day) and `../shared/docs/domain-rules.md`; each
//! report is compared whole (every line, zeros included), and every figure
//! with the list it opens (`figures_against_lists`).

use chrono::NaiveDate;
use phongdich_domain::contact::ContactInput;
use phongdich_domain::report::Figures;
use phongdich_domain::testing::ResultInput;
use phongdich_domain::treatment::Enrolment;
use phongdich_store::testing::{
    CAM_PHA, HA_KHANH, HA_LONG, HA_PHONG, MONG_DUONG, PHUC_XA, QUANG_NINH, TestDb,
    figures_against_lists, person,
};
use phongdich_store::{Actor, CaseInput, OrderInput, PoolInput, SampleInput, Scope, Store};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ymd(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The report of `unit` for `from..=to`, the wave counted from `wave`.
async fn report(s: &Store, unit: &str, from: NaiveDate, to: NaiveDate, wave: NaiveDate) -> Figures {
    s.report_figures(&Scope::national(), unit, from, to, wave)
        .await
        .unwrap_or_else(|e| panic!("report of {unit}: {e}"))
        .figures
}

/// Every line of the report of `unit` for `from..=to` is `expected` (lines
/// not named there are 0), and every figure opens a list of its size.
async fn reads(
    s: &Store,
    unit: &str,
    (from, to): (NaiveDate, NaiveDate),
    wave: NaiveDate,
    expected: Figures,
) {
    let got = report(s, unit, from, to, wave).await;
    assert_eq!(got, expected, "report of {unit} for {from}..{to}");
    let wrong = figures_against_lists(s, unit, from, to, wave).await;
    assert!(wrong.is_empty(), "{wrong:#?}");
}

async fn contact(s: &Store, a: i64, b: i64, on: NaiveDate, typed: NaiveDate) {
    let input = ContactInput {
        person_id: a,
        other_person_id: b,
        date: ymd(on),
        setting: "household".into(),
        ..Default::default()
    };
    s.add_contact(&Actor::system("test"), &input.parse(typed).unwrap())
        .await
        .unwrap();
}

async fn sample(s: &Store, who: i64, on: NaiveDate, typed: NaiveDate) -> String {
    let input = SampleInput {
        person_id: who,
        collected_on: ymd(on),
        ..Default::default()
    };
    s.record_sample(&Actor::system("test"), &input, typed)
        .await
        .unwrap()
        .code
}

async fn result(s: &Store, code: &str, kind: &str, outcome: &str, on: NaiveDate, typed: NaiveDate) {
    let input = ResultInput {
        code: code.into(),
        test_kind: kind.into(),
        outcome: outcome.into(),
        resulted_on: ymd(on),
        ..Default::default()
    };
    s.record_result(&Actor::system("test"), &input, typed)
        .await
        .unwrap();
}

async fn order(s: &Store, who: i64, situation: &str, start: NaiveDate, doses: u8) -> i64 {
    let input = OrderInput {
        person_id: who,
        situation: situation.into(),
        start_on: ymd(start),
        doses,
        last_dose_on: if doses > 0 {
            "2021-06-01".into()
        } else {
            String::new()
        },
        ..Default::default()
    };
    let id = s
        .create_order(&Actor::system("test"), &input)
        .await
        .unwrap()
        .id;
    // An F1 is taken into quarantine once the tracing team has reached
    // them and confirmed the contact (rà soát), that day.
    if situation == "f1" {
        s.record_contact_review(&Actor::system("test"), who, &ymd(start), "confirmed", "")
            .await
            .unwrap();
    }
    id
}

// ---------------------------------------------------------------------------
// 1. Quảng Ninh on the morning of 20/08/2021, the wave since 01/08/2021.
// ---------------------------------------------------------------------------

const CUA_ONG: &str = "06763";

fn aug(day: u32) -> NaiveDate {
    d(2021, 8, day)
}

#[allow(clippy::too_many_arguments)]
async fn case(
    s: &Store,
    who: i64,
    sample_on: NaiveDate,
    confirmed: NaiveDate,
    course: &str,
    detected: &str,
    source: (&str, &str),
    typed: NaiveDate,
) -> phongdich_store::Case {
    let mut input = CaseInput::found_in_community(who, &ymd(confirmed), &ymd(sample_on), "rt_pcr");
    input.course = course.into();
    if course != "home" {
        input.hospital = "Bệnh viện Bãi Cháy".into();
    }
    input.detected_where = detected.into();
    input.source_kind = source.0.into();
    input.source_ref = source.1.into();
    s.confirm_case(&Actor::system("test"), &input, typed)
        .await
        .unwrap_or_else(|e| panic!("case of {who}: {e}"))
        .0
}

/// The records of the wave (every date in August 2021), as Quảng Ninh's
/// committees typed them; with `move_a3`, A3's move from home to hospital on
/// 14/08 as well (the ignored test: the store cannot date it).
///
/// | case | commune | sample | confirmed | source, found | course |
/// |---|---|---|---|---|---|
/// | A1 | Hà Khánh | 01 | 02 | investigating, community | home; recovered 16 |
/// | A2 | Hà Khánh | 02 | 03 | investigating, community | hospital; died 12 |
/// | A3 | Hà Khánh | 04 | 05 | investigating, community | home |
/// | A4 | Hà Phong | 03 | 04 | investigating, community | home; recovered 15 |
/// | A5 | Hà Phong | 08 | 09 | investigating, community | hospital |
/// | A6 | Mông Dương | 05 | 06 | imported (Laos) | hospital |
/// | A7 = P1 | Mông Dương | 11 | 12 | case A6, in quarantine | hospital |
/// | A8 | Cửa Ông | 17 | 18 | investigating, at a checkpoint | home |
/// | A9 | Cửa Ông | 18 | 19 | investigating, community | ICU |
/// | A10 | Hà Khánh | 19 | 20 | investigating, community | home (enrolled) |
///
/// Contacts (household): A1–Q1, A1–Q2 on 01 (Hà Khánh); Q1–R1 on 03 (R1 in
/// Hà Phong); A6–P1, A6–P2 on 06 (Mông Dương). Orders: P1, P2 as F1 from 08
/// (5599/BYT-MT: 14 days centralised, ends 21); returnees from an epidemic
/// area at home — H1 (Cửa Ông, two doses) from 05, 7 days, tested 05 and 11,
/// released 12; H2 (Cửa Ông, unvaccinated) from 10, 14 days; H3 (Hà Khánh,
/// unvaccinated) from 15. Samples: P2 on 08, negative 09; P1 on 11,
/// positive 12 (the lab's file, typed after P1's case); H1 on 05 (negative
/// 06) and 11 (negative 12).
///
/// The first days were typed live (each record on its day), the rest on the
/// morning of 20/08 — the wave reconstructed from the districts' lists.
async fn wave(s: &Store, move_a3: bool) {
    let system = Actor::system("test");
    let m = aug(20);
    let a1 = person(s, "Nguyễn Văn Một", HA_KHANH).await;
    let a2 = person(s, "Trần Thị Hai", HA_KHANH).await;
    let a3 = person(s, "Lê Văn Ba", HA_KHANH).await;
    let a4 = person(s, "Phạm Thị Bốn", HA_PHONG).await;
    let a5 = person(s, "Hoàng Văn Năm", HA_PHONG).await;
    let a6 = person(s, "Vũ Thị Sáu", MONG_DUONG).await;
    let p1 = person(s, "Đặng Văn Bảy", MONG_DUONG).await;
    let p2 = person(s, "Bùi Thị Tám", MONG_DUONG).await;
    let a8 = person(s, "Đỗ Văn Chín", CUA_ONG).await;
    let a9 = person(s, "Hồ Thị Mười", CUA_ONG).await;
    let a10 = person(s, "Ngô Văn Mười Một", HA_KHANH).await;
    let q1 = person(s, "Nguyễn Thị Quý", HA_KHANH).await;
    let q2 = person(s, "Nguyễn Văn Quang", HA_KHANH).await;
    let r1 = person(s, "Dương Thị Rạng", HA_PHONG).await;
    let h1 = person(s, "Lý Văn Hưng", CUA_ONG).await;
    let h2 = person(s, "Mai Thị Hạnh", CUA_ONG).await;
    let h3 = person(s, "Tạ Văn Hiếu", HA_KHANH).await;
    let none = ("investigating", "");

    // Typed live.
    let c1 = case(s, a1, aug(1), aug(2), "home", "community", none, aug(2)).await;
    contact(s, a1, q1, aug(1), aug(2)).await;
    contact(s, a1, q2, aug(1), aug(2)).await;
    let c2 = case(s, a2, aug(2), aug(3), "hospital", "community", none, aug(3)).await;
    contact(s, q1, r1, aug(3), aug(4)).await;
    let c4 = case(s, a4, aug(3), aug(4), "home", "community", none, aug(4)).await;
    let c3 = case(s, a3, aug(4), aug(5), "home", "community", none, aug(5)).await;

    // Typed on the morning of 20/08, from the lists.
    let c6 = case(
        s,
        a6,
        aug(5),
        aug(6),
        "hospital",
        "community",
        ("imported", "LA"),
        m,
    )
    .await;
    contact(s, a6, p1, aug(6), m).await;
    contact(s, a6, p2, aug(6), m).await;
    order(s, p1, "f1", aug(8), 0).await;
    order(s, p2, "f1", aug(8), 0).await;
    let h1_order = order(s, h1, "from_epidemic_area", aug(5), 2).await;
    order(s, h2, "from_epidemic_area", aug(10), 0).await;
    order(s, h3, "from_epidemic_area", aug(15), 0).await;
    case(s, a5, aug(8), aug(9), "hospital", "community", none, m).await;
    case(
        s,
        p1,
        aug(11),
        aug(12),
        "hospital",
        "quarantine",
        ("case", &c6.code),
        m,
    )
    .await;
    case(s, a8, aug(17), aug(18), "home", "checkpoint", none, m).await;
    case(s, a9, aug(18), aug(19), "icu", "community", none, m).await;
    case(s, a10, aug(19), aug(20), "home", "community", none, m).await;
    // The lab's file of last week.
    let p2_sample = sample(s, p2, aug(8), m).await;
    result(s, &p2_sample, "rt_pcr", "negative", aug(9), m).await;
    let p1_sample = sample(s, p1, aug(11), m).await;
    result(s, &p1_sample, "rt_pcr", "positive", aug(12), m).await;
    for (taken, resulted) in [(5, 6), (11, 12)] {
        let code = sample(s, h1, aug(taken), m).await;
        result(s, &code, "rt_pcr", "negative", aug(resulted), m).await;
    }
    s.release_order(&system, h1_order, aug(12)).await.unwrap();
    // Courses, each with its day.
    s.set_case_course_on(&system, c2.id, "deceased", None, Some(aug(12)))
        .await
        .unwrap();
    s.set_case_course_on(&system, c4.id, "recovered", None, Some(aug(15)))
        .await
        .unwrap();
    s.set_case_course_on(&system, c1.id, "recovered", None, Some(aug(16)))
        .await
        .unwrap();
    if move_a3 {
        s.set_case_course_on(&system, c3.id, "hospital", None, Some(aug(14)))
            .await
            .unwrap();
    }
    // A10 is treated at home (4038/QĐ-BYT: mild, SpO2 97, two doses).
    let e = Enrolment {
        age_years: 40,
        mild_or_no_symptoms: true,
        breathing_rate: 18,
        spo2: 97,
        can_self_care_and_call: true,
        doses: 2,
        last_dose_days_ago: Some(60),
        ..Default::default()
    };
    s.enrol_home_treatment(&system, a10, &e, m).await.unwrap();
}

#[tokio::test]
async fn a_province_on_one_morning_of_a_wave() {
    let db = TestDb::new().await;
    let s = &db.store;
    wave(s, false).await;
    let w = aug(1);
    let on = |day: NaiveDate| (day, day);

    // 31/07, the day before the wave: nothing had happened; every stock was
    // 0 (the bug: cumulative 0 next to people in hospital and quarantine).
    for unit in [
        QUANG_NINH, HA_LONG, CAM_PHA, HA_KHANH, HA_PHONG, MONG_DUONG, CUA_ONG,
    ] {
        reads(s, unit, on(d(2021, 7, 31)), w, Figures::default()).await;
    }

    // 12/08, mid-wave (stocks at the end of the day):
    // - Hà Khánh: A1 and A3 at home; A2 died that day (a flow; no longer in
    //   treatment); cases since the wave A1, A2, A3. Q1, Q2 F1 since their
    //   exposure on 01/08 (domain rules §2: the class lasts 14 + 14 days of
    //   5599/BYT-MT from their last exposure, to 29/08), neither quarantined
    //   nor sampled.
    let hk_12 = Figures {
        f0_active: 2,
        f0_home: 2,
        f0_deceased: 1,
        f0_cumulative: 3,
        f1: 2,
        ..Default::default()
    };
    // - Hà Phong: A4 at home, A5 in hospital; R1 F2 through Q1 (exposed 03/08,
    //   before Q1 was ever quarantined — §2, F2: contact of an F1 until the
    //   F1 is quarantined).
    let hp_12 = Figures {
        f0_active: 2,
        f0_home: 1,
        f0_hospital: 1,
        f0_cumulative: 2,
        f2: 1,
        ..Default::default()
    };
    // - Mông Dương: A7 (P1) confirmed that day, found in quarantine; A6 and A7
    //   in hospital. P1's F1 period ended the day before his confirmation, so
    //   P2 is the one F1: in quarantine, sampled on 08/08 (after his exposure),
    //   negative on 09/08. Both orders run (P1's is not released). The lab's
    //   positive for P1 is dated 12/08 (a test with a result that day).
    let md_12 = Figures {
        f0_new: 1,
        f0_new_quarantine: 1,
        f0_active: 2,
        f0_hospital: 2,
        f0_cumulative: 2,
        f1: 1,
        f1_reviewed: 1,
        f1_quarantined: 1,
        f1_sampled: 1,
        f1_negative: 1,
        quarantine_centralised: 2,
        tests_done: 1,
        tests_positive: 1,
        ..Default::default()
    };
    // - Cửa Ông: H1 released on 12/08 (no longer in quarantine at the end of
    //   the day), H2 at home since 10/08; H1's test of 11/08 negative on 12/08.
    let co_12 = Figures {
        quarantine_home: 1,
        quarantine_released: 1,
        tests_done: 1,
        tests_negative: 1,
        ..Default::default()
    };
    let sum = |parts: &[&Figures]| {
        let mut f = Figures::default();
        for p in parts {
            f.add(p);
        }
        f
    };
    let day = on(aug(12));
    reads(s, HA_KHANH, day, w, hk_12.clone()).await;
    reads(s, HA_PHONG, day, w, hp_12.clone()).await;
    reads(s, MONG_DUONG, day, w, md_12.clone()).await;
    reads(s, CUA_ONG, day, w, co_12.clone()).await;
    reads(s, HA_LONG, day, w, sum(&[&hk_12, &hp_12])).await;
    reads(s, CAM_PHA, day, w, sum(&[&md_12, &co_12])).await;
    let qn_12 = Figures {
        f0_new: 1,
        f0_new_quarantine: 1,
        f0_active: 6,
        f0_home: 3,
        f0_hospital: 3,
        f0_deceased: 1,
        f0_cumulative: 7,
        f1: 3,
        f2: 1,
        f1_reviewed: 1,
        f1_quarantined: 1,
        f1_sampled: 1,
        f1_negative: 1,
        quarantine_centralised: 2,
        quarantine_home: 1,
        quarantine_released: 1,
        tests_done: 2,
        tests_positive: 1,
        tests_negative: 1,
        ..Default::default()
    };
    assert_eq!(sum(&[&hk_12, &hp_12, &md_12, &co_12]), qn_12);
    reads(s, QUANG_NINH, day, w, qn_12).await;

    // 20/08, the morning's report:
    // - Hà Khánh: A1 recovered (16/08), A2 died; A3 and A10 (new that day) at
    //   home; cases since the wave A1, A2, A3, A10. Q1, Q2 still F1 (to 29/08).
    //   H3 at home since 15/08.
    let hk_20 = Figures {
        f0_new: 1,
        f0_new_community: 1,
        f0_active: 2,
        f0_home: 2,
        f0_cumulative: 4,
        f1: 2,
        quarantine_home: 1,
        ..Default::default()
    };
    // - Hà Phong: A4 recovered (15/08); A5 in hospital; R1 F2 to 31/08.
    let hp_20 = Figures {
        f0_active: 1,
        f0_hospital: 1,
        f0_cumulative: 2,
        f2: 1,
        ..Default::default()
    };
    // - Mông Dương: as on 12/08 without that day's flows (P2's order runs to
    //   21/08; his class to 03/09).
    let md_20 = Figures {
        f0_active: 2,
        f0_hospital: 2,
        f0_cumulative: 2,
        f1: 1,
        f1_reviewed: 1,
        f1_quarantined: 1,
        f1_sampled: 1,
        f1_negative: 1,
        quarantine_centralised: 2,
        ..Default::default()
    };
    // - Cửa Ông: A8 at home (18/08), A9 in intensive care (19/08) — in a
    //   health facility, of whom in ICU; H2 at home.
    let co_20 = Figures {
        f0_active: 2,
        f0_home: 1,
        f0_hospital: 1,
        f0_icu: 1,
        f0_cumulative: 2,
        quarantine_home: 1,
        ..Default::default()
    };
    let day = on(m_day());
    reads(s, HA_KHANH, day, w, hk_20.clone()).await;
    reads(s, HA_PHONG, day, w, hp_20.clone()).await;
    reads(s, MONG_DUONG, day, w, md_20.clone()).await;
    reads(s, CUA_ONG, day, w, co_20.clone()).await;
    reads(s, HA_LONG, day, w, sum(&[&hk_20, &hp_20])).await;
    reads(s, CAM_PHA, day, w, sum(&[&md_20, &co_20])).await;
    let qn_20 = Figures {
        f0_new: 1,
        f0_new_community: 1,
        f0_active: 7,
        f0_home: 3,
        f0_hospital: 4,
        f0_icu: 1,
        f0_cumulative: 10,
        f1: 3,
        f2: 1,
        f1_reviewed: 1,
        f1_quarantined: 1,
        f1_sampled: 1,
        f1_negative: 1,
        quarantine_centralised: 2,
        quarantine_home: 2,
        ..Default::default()
    };
    assert_eq!(sum(&[&hk_20, &hp_20, &md_20, &co_20]), qn_20);
    reads(s, QUANG_NINH, day, w, qn_20.clone()).await;

    // The wave so far, 01/08–20/08: the stocks of 20/08 and every flow of the
    // wave — 10 new cases (8 community, A8 found at a checkpoint being one of
    // them; A7 in quarantine; A6 imported), recoveries A1 and A4, A2's death,
    // F1 newly traced Q1, Q2 (01/08), P1, P2 (06/08), H1's release, four
    // samples (P2, P1, H1 twice) and four results (P1 positive).
    let whole = Figures {
        f0_new: 10,
        f0_new_community: 8,
        f0_new_quarantine: 1,
        f0_new_imported: 1,
        f0_recovered: 2,
        f0_deceased: 1,
        f1_new: 4,
        quarantine_released: 1,
        samples_taken: 4,
        tests_done: 4,
        tests_positive: 1,
        tests_negative: 3,
        ..qn_20
    };
    reads(s, QUANG_NINH, (w, m_day()), w, whole).await;

    // Flows by the day they happened, not the day they were typed (most on
    // 20/08): new cases on their confirmation days, F1 newly traced on their
    // exposure days.
    let mut new_cases = Vec::new();
    let mut traced = Vec::new();
    for n in 1..=20 {
        let f = report(s, QUANG_NINH, aug(n), aug(n), w).await;
        if f.f0_new > 0 {
            new_cases.push((n, f.f0_new));
        }
        if f.f1_new > 0 {
            traced.push((n, f.f1_new));
        }
    }
    assert_eq!(
        new_cases,
        [
            (2, 1),
            (3, 1),
            (4, 1),
            (5, 1),
            (6, 1),
            (9, 1),
            (12, 1),
            (18, 1),
            (19, 1),
            (20, 1)
        ]
    );
    assert_eq!(traced, [(1, 2), (6, 2)]);
    let hk = report(s, HA_KHANH, aug(1), aug(1), w).await;
    let md = report(s, MONG_DUONG, aug(6), aug(6), w).await;
    assert_eq!((hk.f1_new, md.f1_new, md.f0_new_imported), (2, 2, 1));
}

fn m_day() -> NaiveDate {
    aug(20)
}

/// A move from home to hospital typed afterwards with its day: A3, at home
/// from 05/08, taken to hospital on 14/08. On 12/08 he was at home; on 20/08
/// in hospital. Fails today: `set_case_course_on` dates a step only for
/// `recovered` and `deceased`; a move to `hospital` (and a transfer from an
/// alert) is dated by the clock (`class_periods::sync_course` with
/// `vn_today()`), so on every day of 2021 A3 still counts at home.
#[tokio::test]
async fn a_move_to_hospital_typed_afterwards_counts_from_its_day() {
    let db = TestDb::new().await;
    let s = &db.store;
    wave(s, true).await;
    let w = aug(1);
    let hk = report(s, HA_KHANH, aug(12), aug(12), w).await;
    assert_eq!(
        (hk.f0_home, hk.f0_hospital),
        (2, 0),
        "12/08: A1, A3 at home"
    );
    let hk = report(s, HA_KHANH, aug(20), aug(20), w).await;
    assert_eq!(
        (hk.f0_active, hk.f0_home, hk.f0_hospital),
        (2, 1, 1),
        "20/08: A10 at home, A3 in hospital since 14/08"
    );
    let wrong = figures_against_lists(s, HA_KHANH, aug(20), aug(20), w).await;
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A case come home from another province (issue 15 §5; the report's line
/// `f0_new_other_province`): refused today — `source_kind` accepts only
/// `case`, `cluster`, `imported`, `investigating`, and no source resolves
/// to `other_province`, so the line is always 0.
#[tokio::test]
async fn a_case_from_another_province_counts_apart() {
    let db = TestDb::new().await;
    let s = &db.store;
    let who = person(s, "Trịnh Văn Về", CUA_ONG).await;
    let mut input = CaseInput::found_in_community(who, "2021-08-18", "2021-08-17", "rt_pcr");
    input.source_kind = "other_province".into();
    input.origin_province = "01".into(); // Hà Nội
    s.confirm_case(&Actor::system("test"), &input, aug(20))
        .await
        .unwrap();
    let f = report(s, CUA_ONG, aug(18), aug(18), aug(1)).await;
    assert_eq!(
        (f.f0_new, f.f0_new_other_province, f.f0_new_community),
        (1, 1, 0)
    );
}

// ---------------------------------------------------------------------------
// 2. Ba Đình, Hà Nội, in the first days of an outbreak (September 2021).
// ---------------------------------------------------------------------------

const BA_DINH: &str = "001";
const TRUC_BACH: &str = "00004";
/// F1 per F0; each F1 has two F2, each F2 one F3, each F3 one F4.
const F1_PER_F0: usize = 20;

fn sep(day: u32) -> NaiveDate {
    d(2021, 9, day)
}

/// The outbreak, typed on 10/09 (the day): three F0 — X1 (Phúc Xá, sampled
/// 06, confirmed 07), X2 (Phúc Xá, 07, 08), X3 (Trúc Bạch, 08, 09) — each
/// with 20 F1 in their commune, F1 number i exposed (household) on the F0's
/// confirmation day minus (i mod 3) — X1's on 07, 06, 05; X2's on 08, 07,
/// 06 — and X3's counted back from 10/09: on 10, 09, 08 (relatives caring
/// for X3 after the confirmation: isolation does not end the transmission
/// period, domain rules §2). All lie inside the F0's transmission period,
/// which starts 2 days before the sample (§2, 3638/QĐ-BYT). Each F1 met two
/// F2, each F2 one F3, each F3 one F4, on the F1's exposure day (same
/// commune): trees, so each person's class is their depth.
///
/// Quarantine (5599/BYT-MT, centralised): F1 i < 15 from the day after their
/// exposure, when that day is not after 10/09 (X3's F1 exposed on 10/09 are
/// ordered tomorrow). Their F2 were met before, so the orders cut nothing.
///
/// Sampling, the day after the F0's confirmation (the target: every F1
/// sampled within 24 hours, §3): X1's on 08, X2's on 09, X3's on 10; F1
/// i < 10 individually, 10 ≤ i < 15 in one pool of five, i ≥ 15 not yet (the
/// deadline is tomorrow). Results: X1's on 09 — individual negative, but
/// i = 9 antigen positive (before December 2021 an antigen positive does not
/// confirm an F0), the pool negative (clears its five members, §3); X2's:
/// individual i < 5 negative on 10, the rest and the pool pending; X3's all
/// pending.
async fn outbreak(s: &Store) {
    let system = Actor::system("test");
    let today = sep(10);
    let mut n = 0;
    // Distinct names, letters only: 12 families × 6 middles × 12 given.
    let mut name = || {
        const FAMILY: [&str; 12] = [
            "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương",
        ];
        const MIDDLE: [&str; 6] = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc"];
        const GIVEN: [&str; 12] = [
            "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Lan", "Nam", "Oanh", "Phúc",
            "Quân",
        ];
        n += 1;
        format!(
            "{} {} {}",
            FAMILY[n % 12],
            MIDDLE[(n / 12) % 6],
            GIVEN[(n / 72) % 12]
        )
    };
    let f0s = [
        (PHUC_XA, sep(6), sep(7)),
        (PHUC_XA, sep(7), sep(8)),
        (TRUC_BACH, sep(8), sep(9)),
    ];
    for (k, (commune, sampled, confirmed)) in f0s.into_iter().enumerate() {
        let f0 = person(s, &name(), commune).await;
        s.confirm_case(
            &system,
            &CaseInput::found_in_community(f0, &ymd(confirmed), &ymd(sampled), "rt_pcr"),
            today,
        )
        .await
        .unwrap();
        let mut individual = Vec::new();
        let mut pooled = Vec::new();
        let sampling = confirmed.succ_opt().unwrap();
        for i in 0..F1_PER_F0 {
            let back = (i % 3) as u64;
            let exposed = if k == 2 { today } else { confirmed } - chrono::Days::new(back);
            let f1 = person(s, &name(), commune).await;
            contact(s, f0, f1, exposed, today).await;
            for _ in 0..2 {
                let f2 = person(s, &name(), commune).await;
                contact(s, f1, f2, exposed, today).await;
                let f3 = person(s, &name(), commune).await;
                contact(s, f2, f3, exposed, today).await;
                let f4 = person(s, &name(), commune).await;
                contact(s, f3, f4, exposed, today).await;
            }
            let start = exposed.succ_opt().unwrap();
            if i < 15 && start <= today {
                order(s, f1, "f1", start, 0).await;
            }
            if i < 10 {
                individual.push(f1);
            } else if i < 15 {
                pooled.push(f1);
            }
        }
        let mut codes = Vec::new();
        for who in individual {
            codes.push(sample(s, who, sampling, today).await);
        }
        let pool = s
            .record_pool(
                &system,
                &PoolInput {
                    person_ids: pooled,
                    collected_on: ymd(sampling),
                    ..Default::default()
                },
                today,
            )
            .await
            .unwrap();
        match k {
            0 => {
                for (i, code) in codes.iter().enumerate() {
                    let (kind, outcome) = if i == 9 {
                        ("antigen", "positive")
                    } else {
                        ("rt_pcr", "negative")
                    };
                    result(s, code, kind, outcome, sep(9), today).await;
                }
                result(s, &pool.code, "rt_pcr", "negative", sep(9), today).await;
            }
            1 => {
                for code in &codes[..5] {
                    result(s, code, "rt_pcr", "negative", sep(10), today).await;
                }
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_city_in_the_first_days_of_an_outbreak() {
    let db = TestDb::new().await;
    let s = &db.store;
    outbreak(s).await;
    let w = sep(1);
    let (d9, d10) = ((sep(9), sep(9)), (sep(10), sep(10)));
    // Groups of F1 by (F0, i mod 3): 7 F1 for i mod 3 = 0 and 1, 6 for 2.
    //
    // Phúc Xá (X1, X2: 40 F1, exposed 05–08/09, so all F1 on both days; each
    // with 2 F2, 2 F3, 2 F4: 80 each). No F1 period begins on 09 or 10.
    // Orders from the day after exposure (06–09): F1 i < 15 of both, 30 in
    // quarantine on both days. Sampled: on 09, X1's 15 (taken 08) and X2's 15
    // (taken 09) = 30; results known by the end of 09/09: X1's 9 individual
    // negatives + the negative pool's 5 = 14, the antigen positive 1; X2's 15
    // pending. By the end of 10/09, X2's i < 5 negative as well: 19 negative,
    // 1 positive, 10 pending (5 individual, 5 pooled). Reviewed (in
    // quarantine or sampled): the same 30 (i < 15) on both days.
    // Flows: 09/09: X2's 15 samples taken; X1's 10 individual results and the
    // pool's one = 11 tests, 1 positive, 10 negative. 10/09: 5 negative
    // results.
    let px = Figures {
        f0_active: 2,
        f0_home: 2,
        f0_cumulative: 2,
        f1: 40,
        f2: 80,
        f3: 80,
        f4: 80,
        f1_reviewed: 30,
        f1_quarantined: 30,
        f1_sampled: 30,
        quarantine_centralised: 30,
        ..Default::default()
    };
    let px_9 = Figures {
        f1_negative: 14,
        f1_positive: 1,
        f1_pending: 15,
        samples_taken: 15,
        tests_done: 11,
        tests_positive: 1,
        tests_negative: 10,
        ..px.clone()
    };
    let px_10 = Figures {
        f1_negative: 19,
        f1_positive: 1,
        f1_pending: 10,
        tests_done: 5,
        tests_negative: 5,
        ..px
    };
    // Trúc Bạch (X3, confirmed 09/09, new that day): F1 exposed on 08 (6),
    // 09 (7), 10 (7). On 09: 13 F1 (26 F2, F3, F4), 7 newly traced (exposed
    // 09); ordered: i < 15 exposed on 08 (start 09): 5 — the ones exposed on
    // 09 start on 10/09; nobody sampled yet. On 10: 20 F1 (40 each), 7 newly
    // traced; in quarantine 10 (i < 15, i mod 3 ≠ 0); sampled that day 15,
    // all pending (10 individual + the pool of 5 = 15 samples taken);
    // reviewed 10: the F1s the team reached and confirmed, the day their
    // quarantine began (a sample alone is not a review).
    let tb_9 = Figures {
        f0_new: 1,
        f0_new_community: 1,
        f0_active: 1,
        f0_home: 1,
        f0_cumulative: 1,
        f1: 13,
        f1_new: 7,
        f2: 26,
        f3: 26,
        f4: 26,
        f1_reviewed: 5,
        f1_quarantined: 5,
        quarantine_centralised: 5,
        ..Default::default()
    };
    let tb_10 = Figures {
        f0_active: 1,
        f0_home: 1,
        f0_cumulative: 1,
        f1: 20,
        f1_new: 7,
        f2: 40,
        f3: 40,
        f4: 40,
        f1_reviewed: 10,
        f1_quarantined: 10,
        f1_sampled: 15,
        f1_pending: 15,
        quarantine_centralised: 10,
        samples_taken: 15,
        ..Default::default()
    };
    let sum = |a: &Figures, b: &Figures| {
        let mut f = a.clone();
        f.add(b);
        f
    };
    reads(s, PHUC_XA, d9, w, px_9.clone()).await;
    reads(s, PHUC_XA, d10, w, px_10.clone()).await;
    reads(s, TRUC_BACH, d9, w, tb_9.clone()).await;
    reads(s, TRUC_BACH, d10, w, tb_10.clone()).await;
    reads(s, BA_DINH, d9, w, sum(&px_9, &tb_9)).await;
    reads(s, BA_DINH, d10, w, sum(&px_10, &tb_10)).await;
    let district = report(s, BA_DINH, sep(10), sep(10), w).await;
    assert_eq!(
        (district.f1, district.f2, district.f3, district.f4),
        (60, 120, 120, 120),
        "F1–F4 in the hundreds"
    );

    // F1 newly traced by exposure day, though all were typed on 10/09:
    // 05: X1's i mod 3 = 2 (6); 06: X1's 1 (7) + X2's 2 (6); 07: X1's 0 (7)
    // + X2's 1 (7); 08: X2's 0 (7) + X3's 2 (6); 09: X3's 1 (7); 10: X3's 0 (7).
    let mut traced = Vec::new();
    for n in 1..=10 {
        traced.push(report(s, BA_DINH, sep(n), sep(n), w).await.f1_new);
    }
    assert_eq!(traced, [0, 0, 0, 0, 6, 13, 14, 13, 7, 7]);
    let week = report(s, BA_DINH, sep(4), sep(10), w).await;
    assert_eq!((week.f0_new, week.f1_new, week.samples_taken), (3, 60, 45));
    // Before the outbreak: nothing stood.
    reads(s, BA_DINH, (sep(4), sep(4)), w, Figures::default()).await;
}
