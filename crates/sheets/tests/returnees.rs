#![allow(clippy::unwrap_used)]
//! A list of returnees imported as a sending province hands it over: the
//! origin by name, groups travelling together, every bad row refused with its
//! reason and line while the rest are registered (SQLite or PostgreSQL).

use chrono::{TimeZone, Utc};
use phongdich_domain::Role;
use phongdich_store::AreaInput;
use phongdich_store::testing::{TestDb, actor};
use std::io::Write;

const HEADER: &str = "Họ và tên,Năm sinh,Giới tính,CCCD,Số điện thoại,Mã xã,Tỉnh đi,Huyện đi,Ngày đi,Ngày đến,Phương tiện,Nhóm,Số mũi,Ngày tiêm mũi cuối";

async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db
        .store
        .clone()
        .with_clock(phongdich_domain::Clock::fixed(at));
    db
}

fn file(lines: &[String]) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    writeln!(f, "{HEADER}").unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    f.flush().unwrap();
    f
}

#[tokio::test]
async fn a_list_registers_good_rows_groups_households_and_reports_each_bad_row() {
    let db = db().await;
    let s = &db.store;
    s.add_epidemic_area(
        &actor("22", Role::Admin),
        &AreaInput {
            unit_code: "79".into(),
            from_on: "01/10/2021".into(),
            until_on: String::new(),
            decision: "Thông báo 15/TB-BCĐ".into(),
        },
    )
    .await
    .unwrap();
    let lines = [
        // 2: a household of two from Quận 7, TP HCM, by names without diacritics.
        "Trần Văn Về,1990,Nam,022090001234,0912345678,06649,TP HCM,Quan 7,23/10/2021,25/10/2021,xe khách giường nằm,hộ 1,2,01/09/2021",
        "Nguyễn Thị Vợ,1992,Nữ,022192001111,,06649,Thành phố Hồ Chí Minh,Quận 7,23/10/2021,25/10/2021,Xe khách,hộ 1,0,",
        // 4: a district that is not in the province.
        "Lê Văn Lạc,1980,Nam,,,06649,Bình Dương,Quận 7,23/10/2021,25/10/2021,Xe khách,,0,",
        // 5: arrival before departure.
        "Phạm Văn Ngược,1985,Nam,,,06649,Đồng Nai,,25/10/2021,20/10/2021,Ô tô cá nhân,,0,",
        // 6: a CCCD whose year (90) contradicts the birth year.
        "Hoàng Văn Sai,1985,Nam,022090009999,,06649,Đồng Nai,,23/10/2021,25/10/2021,Xe máy,,0,",
        // 7: the first row again: the same trip.
        "Trần Văn Về,1990,Nam,022090001234,0912345678,06649,TP HCM,Quan 7,23/10/2021,25/10/2021,Xe khách,,2,01/09/2021",
        // 8: on foot is not a means the rules know.
        "Đỗ Văn Bộ,1975,Nam,,,06649,Đồng Nai,,23/10/2021,25/10/2021,Đi bộ,,0,",
        // 9: a commune that does not exist.
        "Vũ Thị Xa,1999,Nữ,,,99999,Đồng Nai,,23/10/2021,25/10/2021,Xe khách,,0,",
    ]
    .map(String::from);
    let f = file(&lines);
    let report = f.path().with_extension("report.csv");
    let sm = phongdich_sheets::returnees::import_returnees(
        s,
        &actor("06649", Role::HealthStaff),
        f.path(),
        &report,
    )
    .await
    .unwrap();
    assert_eq!((sm.rows, sm.registered, sm.refused), (8, 2, 6));
    let refused: Vec<(u64, String)> = sm
        .report_rows
        .iter()
        .filter(|r| r.outcome == "refused_invalid")
        .map(|r| (r.line, r.reason_en.clone()))
        .collect();
    let lines_refused: Vec<u64> = refused.iter().map(|r| r.0).collect();
    assert_eq!(lines_refused, [4, 5, 6, 7, 8, 9], "{refused:#?}");
    let reason = |line: u64| refused.iter().find(|r| r.0 == line).unwrap().1.clone();
    assert!(reason(4).contains("district"), "{}", reason(4));
    assert!(reason(5).contains("before the departure"), "{}", reason(5));
    assert!(reason(7).contains("already registered"), "{}", reason(7));
    assert!(reason(8).contains("own_vehicle"), "{}", reason(8));
    // A list word read as another is said in the row's report; one written
    // as we write it is not.
    let registered = |line: u64| {
        sm.report_rows
            .iter()
            .find(|r| r.line == line)
            .map(|r| (r.reason_vi.clone(), r.reason_en.clone()))
            .unwrap()
    };
    assert!(
        registered(2)
            .1
            .contains("means “xe khách giường nằm” read as “Bus”")
            && registered(2)
                .0
                .contains("phương tiện «xe khách giường nằm» đọc là «Xe khách»"),
        "{:?}",
        registered(2)
    );
    assert!(!registered(3).1.contains("read as"), "{:?}", registered(3));
    // The household travels as one group, from Quận 7 (a listed province).
    let groups = db
        .strings("SELECT group_code FROM returnee_registrations ORDER BY id")
        .await;
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0], groups[1]);
    let origins = db
        .strings("SELECT origin_code FROM returnee_registrations ORDER BY id")
        .await;
    assert_eq!(origins, [Some("778".to_owned()), Some("778".to_owned())]);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM returnee_registrations WHERE area_id IS NOT NULL")
            .await,
        2
    );
    // The report file has every row, with its line.
    let text = std::fs::read_to_string(&report).unwrap();
    assert_eq!(text.lines().count(), 1 + 8, "{text}");
    let _ = std::fs::remove_file(report);
}

/// A distinct name for each `i` (letters only, as names are).
fn name(i: usize) -> String {
    const FAMILY: [&str; 10] = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    ];
    const MIDDLE: [&str; 5] = ["Văn", "Thị", "Hữu", "Đức", "Minh"];
    const GIVEN: [&str; 10] = [
        "An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Long", "Nam", "Phúc",
    ];
    format!(
        "{} {} {} {}",
        FAMILY[i % 10],
        MIDDLE[(i / 10) % 5],
        GIVEN[(i / 50) % 10],
        GIVEN[i % 10]
    )
}

#[tokio::test]
async fn one_bad_row_in_a_hundred_leaves_the_other_ninety_nine_registered() {
    let db = db().await;
    let s = &db.store;
    // Every hundredth row departs after it arrives; the others are good.
    let lines: Vec<String> = (0..500)
        .map(|i| {
            let (dep, arr) = if i % 100 == 42 {
                ("25/10/2021", "23/10/2021")
            } else {
                ("23/10/2021", "25/10/2021")
            };
            // Each with their own CCCD (male, born 1990).
            format!(
                "{},1990,Nam,022090{:06},,06649,Đồng Nai,,{dep},{arr},Xe khách,,0,",
                name(i),
                100_000 + i
            )
        })
        .collect();
    let f = file(&lines);
    let report = f.path().with_extension("report.csv");
    let sm = phongdich_sheets::returnees::import_returnees(
        s,
        &actor("06649", Role::HealthStaff),
        f.path(),
        &report,
    )
    .await
    .unwrap();
    assert_eq!(
        (sm.registered, sm.refused),
        (495, 5),
        "{:?}",
        sm.report_rows.first()
    );
    let bad: Vec<u64> = sm
        .report_rows
        .iter()
        .filter(|r| r.outcome == "refused_invalid")
        .map(|r| r.line)
        .collect();
    // Line = index + 2 (the header is line 1).
    assert_eq!(bad, [44, 144, 244, 344, 444]);
    assert_eq!(db.rows("returnee_registrations").await, 495);
    assert_eq!(
        db.rows("persons").await,
        495,
        "no person left from a refused row"
    );
    let _ = std::fs::remove_file(report);
}
