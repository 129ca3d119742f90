#![allow(clippy::unwrap_used)]
//! Case lists as the Ministry and provinces publish them (issue 14 §1), on
//! SQLite or PostgreSQL: case numbers, several sources, later references,
//! countries, anonymised people, the course, corrections by re-import, line
//! numbers as an editor shows them. Every expectation is written by hand
//! from the file, never read back from the code under test.

use phongdich_domain::{Role, UnitCode};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, ClusterInput, Scope, Source, Store};
use std::path::Path;

fn tracer() -> Actor {
    Actor {
        name: "tracer".into(),
        source: "test".into(),
        scope: Scope::unit(UnitCode::parse("22").unwrap()),
        role: Role::ContactTracer,
    }
}

async fn cluster(s: &Store, t: &Actor, name: &str) -> i64 {
    s.create_cluster(
        t,
        &ClusterInput {
            name: name.into(),
            kind: "market".into(),
            unit_code: "06649".into(),
            started_on: "01/08/2021".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

async fn import(
    s: &Store,
    t: &Actor,
    dir: &Path,
    name: &str,
    text: &str,
) -> phongdich_sheets::cases::CaseImportSummary {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    phongdich_sheets::cases::import_cases(s, t, &file, &dir.join(format!("{name}.report.csv")))
        .await
        .unwrap()
}

/// The sources of case `code` as labels, in order.
async fn sources(s: &Store, t: &Actor, code: &str) -> Vec<String> {
    let (id, _) = s.case_by_code(&t.scope, code).await.unwrap().unwrap();
    s.case_sources(id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| match c.source {
            Source::Case { code, .. } => code,
            Source::Cluster { name, .. } => format!("cluster:{name}"),
            Source::Imported { country } => format!("country:{country}"),
            Source::OtherProvince {
                province_code,
                district_code,
                ..
            } => match district_code {
                Some(d) => format!("province:{province_code}/{d}"),
                None => format!("province:{province_code}"),
            },
        })
        .collect()
}

#[tokio::test]
async fn a_case_list_links_cases_clusters_and_imports() {
    let db = TestDb::new().await;
    let (s, t) = (&db.store, tracer());
    let market = cluster(s, &t, "Chợ Hạ Long I").await;
    let dir = tempfile::tempdir().unwrap();
    let sm = import(
        s,
        &t,
        dir.path(),
        "ca-benh.csv",
        "Mã BN,Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày lấy mẫu,Lây từ,Điều trị\n\
         BN1,Nguyễn Văn An,1980,Nam,06649,08/08/2021,,tại nhà\n\
         BN2,Trần Thị Bình,1985,Nữ,06649,10/08/2021,BN1,bệnh viện\n\
         BN3,Lê Văn Cường,1990,Nam,06649,11/08/2021,cho ha long i,\n\
         BN4,Kim Min Jun,1992,Nam,06649,09/08/2021,KR,\n\
         BN5,Phạm Văn Dũng,1970,Nam,06649,31/02/2021,,\n",
    )
    .await;
    assert_eq!((sm.rows, sm.confirmed, sm.refused), (5, 4, 1));
    assert_eq!(sm.report_rows[4].line, 6);
    assert!(sm.report_rows[4].reason_en.contains("Sampled on:"));
    assert!(sm.report_rows[4].reason_vi.contains("Ngày lấy mẫu:"));
    let a = sm.report_rows[0].person_id.unwrap();
    let b = sm.report_rows[1].person_id.unwrap();
    let chain = s.chain(&t.scope, a).await.unwrap();
    assert!(chain.edges.iter().any(|e| e.from == a && e.to == b));
    assert_eq!(sources(s, &t, "BN2").await, ["BN1"]);
    assert_eq!(sources(s, &t, "BN3").await, ["cluster:Chợ Hạ Long I"]);
    assert_eq!(sources(s, &t, "BN4").await, ["country:KR"]);
    let detail = s.cluster(&t.scope, market).await.unwrap();
    assert_eq!(
        detail.members.len(),
        1,
        "the market case joined its cluster"
    );
    let (bn4, _) = s.case_by_code(&t.scope, "BN4").await.unwrap().unwrap();
    let c = s.case(&t.scope, bn4).await.unwrap();
    assert_eq!(
        (c.source_kind.as_str(), c.import_country.as_deref()),
        ("imported", Some("KR"))
    );
    assert_eq!(c.code, "BN4");
    assert_eq!(c.record_code, format!("PD{bn4}"));
}

/// A refused row shifts nothing and rewires nothing: the rows after it keep
/// their numbers and their links; a row naming the refused one is refused
/// with that reason. A row may name a case that comes later in the file.
#[tokio::test]
async fn refused_rows_shift_nothing_and_later_rows_may_be_named() {
    let db = TestDb::new().await;
    let (s, t) = (&db.store, tracer());
    let dir = tempfile::tempdir().unwrap();
    let sm = import(
        s,
        &t,
        dir.path(),
        "list.csv",
        "Mã BN,Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày lấy mẫu,Lây từ\n\
         BN10,Nguyễn Văn An,1980,Nam,06649,08/08/2021,BN14\n\
         BN11,Trần Thị Bình,1985,Nữ,06649,99/08/2021,\n\
         BN12,Lê Văn Cường,1990,Nam,06649,11/08/2021,BN11\n\
         BN13,Hoàng Văn Đức,1991,Nam,06649,11/08/2021,BN 10\n\
         BN14,Vũ Thị Hoa,1975,Nữ,06649,05/08/2021,\n",
    )
    .await;
    let outcomes: Vec<(u64, &str)> = sm.report_rows.iter().map(|r| (r.line, r.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            (2, "confirmed"),
            (3, "refused_invalid"),
            (4, "refused_invalid"),
            (5, "confirmed"),
            (6, "confirmed")
        ]
    );
    assert!(
        sm.report_rows[2].reason_en.contains("BN11"),
        "{}",
        sm.report_rows[2].reason_en
    );
    assert!(sm.report_rows[2].reason_en.contains("line 3"));
    assert_eq!(sources(s, &t, "BN10").await, ["BN14"], "a later row named");
    assert_eq!(
        sources(s, &t, "BN13").await,
        ["BN10"],
        "loose spelling, unshifted"
    );
    assert!(s.case_by_code(&t.scope, "BN11").await.unwrap().is_none());
    assert!(s.case_by_code(&t.scope, "BN12").await.unwrap().is_none());
    // Nothing was left behind by the refused rows: 3 people, 3 cases.
    let people = s
        .search_persons(&t.scope, &phongdich_store::PersonQuery::default())
        .await
        .unwrap()
        .0;
    assert_eq!(people.len(), 3);
}

#[tokio::test]
async fn several_sources_loose_spellings_and_refusals() {
    let db = TestDb::new().await;
    let (s, t) = (&db.store, tracer());
    cluster(s, &t, "Chợ Cái Dăm").await;
    let dir = tempfile::tempdir().unwrap();
    let sm = import(
        s,
        &t,
        dir.path(),
        "many.csv",
        "Mã BN,Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày lấy mẫu,Lây từ\n\
         BN1,Nguyễn Văn An,1980,Nam,06649,08/08/2021,\n\
         BN2,Trần Thị Bình,1985,Nữ,06649,08/08/2021,\n\
         BN3,Lê Văn Cường,1990,Nam,06649,11/08/2021,\"BN1, BN2\"\n\
         BN4,Hoàng Văn Đức,1991,Nam,06649,11/08/2021,bn1; Chợ Cái Dăm\n\
         BN5,Vũ Thị Hoa,1975,Nữ,06649,12/08/2021,Bệnh nhân 2 và Anh\n\
         BN6,Đỗ Văn Giang,1960,Nam,06649,12/08/2021,BN999\n\
         BN7,Ngô Thị Hạnh,1962,Nữ,06649,12/08/2021,Chợ Không Có\n\
         BN8,Bùi Văn Ích,1963,Nam,06649,12/08/2021,Việt Nam\n\
         BN9,Lý Thị Kim,1964,Nữ,06649,12/08/2021,\"BN1, BN999\"\n\
         BN3,Trịnh Văn Long,1965,Nam,06649,12/08/2021,\n\
         BN11,Mai Văn Minh,1966,Nam,06649,12/08/2021,BN12\n\
         BN12,Mai Thị Nga,1967,Nữ,06649,12/08/2021,BN11\n",
    )
    .await;
    assert_eq!((sm.rows, sm.confirmed, sm.refused), (12, 5, 7));
    assert_eq!(sources(s, &t, "BN3").await, ["BN1", "BN2"]);
    assert_eq!(sources(s, &t, "BN4").await, ["BN1", "cluster:Chợ Cái Dăm"]);
    assert_eq!(sources(s, &t, "BN5").await, ["BN2", "country:GB"]);
    let (bn5, _) = s.case_by_code(&t.scope, "BN5").await.unwrap().unwrap();
    let c = s.case(&t.scope, bn5).await.unwrap();
    assert_eq!(c.source_kind, "imported", "a case and a country: imported");
    let reason = |line: u64| {
        let r = sm.report_rows.iter().find(|r| r.line == line).unwrap();
        (r.outcome, r.reason_en.clone())
    };
    for (line, needle) in [
        (7, "BN999"),
        (8, "Chợ Không Có"),
        (9, "Vietnam"),
        (10, "BN999"),
        (11, "already on line 4"),
        (12, "Circular"),
        (13, "Circular"),
    ] {
        let (outcome, text) = reason(line);
        assert_eq!(outcome, "refused_invalid", "line {line}");
        assert!(text.contains(needle), "line {line}: {text}");
    }
}

/// Published lists are anonymised: a case number, an age, sometimes no sex.
#[tokio::test]
async fn anonymised_records_load_without_inventing_data() {
    let db = TestDb::new().await;
    let (s, t) = (&db.store, tracer());
    let dir = tempfile::tempdir().unwrap();
    let sm = import(
        s,
        &t,
        dir.path(),
        "anon.csv",
        "BN,Tuổi,Giới tính,Mã xã,Ngày khẳng định,Nhập cảnh từ,Ngày ra viện\n\
         1440,34,,06649,02/08/2021,Nhật Bản,20/08/2021\n\
         BN1441,8,Nữ,06649,02/08/2021,không rõ,\n\
         BN1442,,Nam,06649,02/08/2021,,\n\
         1443,40,Nam,06649,02/08/2021,Việt Nam,\n",
    )
    .await;
    assert_eq!((sm.rows, sm.confirmed, sm.refused), (4, 2, 2));
    assert!(
        sm.report_rows[2].reason_en.contains("birth"),
        "{}",
        sm.report_rows[2].reason_en
    );
    assert!(sm.report_rows[3].reason_en.contains("Vietnam"));
    let p = s
        .person(&t.scope, sm.report_rows[0].person_id.unwrap())
        .await
        .unwrap();
    assert_eq!(p.full_name, "BN1440");
    assert!(p.anonymous);
    assert_eq!(
        (p.age_years, p.birth_year, p.sex.as_str()),
        (Some(34), 1987, "unknown")
    );
    let (id, _) = s.case_by_code(&t.scope, "BN1440").await.unwrap().unwrap();
    let c = s.case(&t.scope, id).await.unwrap();
    assert_eq!(c.course.as_str(), "recovered");
    assert_eq!(
        c.recovered_on.map(|d| d.to_string()).as_deref(),
        Some("2021-08-20")
    );
    assert_eq!(c.import_country.as_deref(), Some("JP"));
    let (id, _) = s.case_by_code(&t.scope, "BN1441").await.unwrap().unwrap();
    let c = s.case(&t.scope, id).await.unwrap();
    assert_eq!(
        (c.source_kind.as_str(), c.import_country.as_deref()),
        ("imported", Some("XX"))
    );
}

/// Line numbers as an editor shows them: CRLF, blank lines, a quoted line
/// break inside a cell.
#[tokio::test]
async fn report_lines_are_the_editors_lines() {
    let db = TestDb::new().await;
    let (s, t) = (&db.store, tracer());
    let dir = tempfile::tempdir().unwrap();
    let sm = import(
        s,
        &t,
        dir.path(),
        "crlf.csv",
        "Mã BN,Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày lấy mẫu,Lây từ\r\n\
         BN1,Nguyễn Văn An,1980,Nam,06649,08/08/2021,\r\n\
         \r\n\
         BN2,Trần Thị Bình,1985,Nữ,06649,10/08/2021,\"BN1,\r\nBN9\"\r\n\
         BN3,Lê Văn Cường,1990,Nam,06649,xx,\r\n",
    )
    .await;
    let lines: Vec<(u64, &str)> = sm.report_rows.iter().map(|r| (r.line, r.outcome)).collect();
    assert_eq!(
        lines,
        [
            (2, "confirmed"),
            (4, "refused_invalid"),
            (6, "refused_invalid")
        ]
    );
}

/// A corrected list imported again corrects the cases it names; the same
/// list again changes nothing.
#[tokio::test]
async fn a_corrected_list_imported_again_updates_its_cases() {
    let db = TestDb::new().await;
    let (s, t) = (&db.store, tracer());
    let dir = tempfile::tempdir().unwrap();
    let first = "Mã BN,Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày lấy mẫu,Lây từ,Tình trạng,Ngày khỏi\n\
         BN1,Nguyễn Văn An,1980,Nam,06649,08/08/2021,,,\n\
         BN2,Trần Thị Bình,1985,Nữ,06649,10/08/2021,,,\n\
         BN3,Lê Văn Cường,1990,Nam,06649,11/08/2021,BN1,,\n";
    let sm = import(s, &t, dir.path(), "v1.csv", first).await;
    assert_eq!(sm.confirmed, 3);
    let again = import(s, &t, dir.path(), "v1b.csv", first).await;
    assert_eq!(
        (
            again.confirmed,
            again.updated,
            again.unchanged,
            again.refused
        ),
        (0, 0, 3, 0)
    );
    let corrected = "Mã BN,Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày lấy mẫu,Lây từ,Tình trạng,Ngày khỏi\n\
         BN1,Nguyễn Văn An,1980,Nam,06649,08/08/2021,,khỏi,25/08/2021\n\
         BN2,Trần Thị Bình,1985,Nữ,06649,10/08/2021,,,\n\
         BN3,Lê Văn Cường,1990,Nam,06649,11/08/2021,\"BN1, BN2\",,\n";
    let sm = import(s, &t, dir.path(), "v2.csv", corrected).await;
    assert_eq!(
        (sm.confirmed, sm.updated, sm.unchanged, sm.refused),
        (0, 2, 1, 0)
    );
    assert_eq!(sources(s, &t, "BN3").await, ["BN1", "BN2"]);
    let (id, _) = s.case_by_code(&t.scope, "BN1").await.unwrap().unwrap();
    let c = s.case(&t.scope, id).await.unwrap();
    assert_eq!(
        (c.course.as_str(), c.recovered_on.map(|d| d.to_string())),
        ("recovered", Some("2021-08-25".to_owned()))
    );
    // Each correction is audited with before and after.
    let admin = Actor {
        role: Role::Admin,
        ..tracer()
    };
    let log = s
        .audit_entries(
            &admin,
            &phongdich_store::AuditFilter {
                entity: Some("case".into()),
                action: Some("update".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "update").count(), 2);
}

/// People coming home from an epidemic area: the province of origin in the
/// "infected by" column (`Từ TP. Hồ Chí Minh`, `tỉnh Bình Dương`, `Hà Nội`,
/// with or without diacritics, the district in brackets) or in a column of
/// its own (`Về từ tỉnh`, a code or a name, with `Về từ huyện`). A name that
/// names no province, a district outside it, or the list's own province
/// refuses the row with the value and the reason, and leaves no one behind.
#[tokio::test]
async fn cases_from_other_provinces_name_their_origin() {
    let db = TestDb::new().await;
    let (s, t) = (&db.store, tracer());
    let dir = tempfile::tempdir().unwrap();
    let sm = import(
        s,
        &t,
        dir.path(),
        "ve-tu-vung-dich.csv",
        "Mã BN,Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày lấy mẫu,Lây từ,Về từ tỉnh,Về từ huyện\n\
         BN1,Nguyễn Văn An,1980,Nam,06649,08/08/2021,Từ TP. Hồ Chí Minh,,\n\
         BN2,Trần Thị Bình,1985,Nữ,06649,08/08/2021,tinh binh duong,,\n\
         BN3,Lê Văn Cường,1990,Nam,06649,09/08/2021,Hà Nội,,\n\
         BN4,Hoàng Văn Đức,1991,Nam,06649,09/08/2021,BN1,79,Quận 7\n\
         BN5,Vũ Thị Hoa,1975,Nữ,06649,10/08/2021,Từ TP. Hồ Chí Minh (Quận 7),,\n\
         BN6,Đỗ Văn Giang,1960,Nam,06649,10/08/2021,,Sài Gòn Mới,\n\
         BN7,Ngô Thị Hạnh,1962,Nữ,06649,10/08/2021,,Bình Dương,Quận 7\n\
         BN8,Bùi Văn Ích,1963,Nam,06649,10/08/2021,Từ tỉnh Quảng Ninh,,\n\
         BN9,Lý Thị Kim,1964,Nữ,06649,10/08/2021,,22,\n",
    )
    .await;
    assert_eq!(
        (sm.rows, sm.confirmed, sm.refused),
        (9, 5, 4),
        "{:?}",
        sm.report_rows
    );
    assert_eq!(sources(s, &t, "BN1").await, ["province:79"]);
    assert_eq!(sources(s, &t, "BN2").await, ["province:74"]);
    assert_eq!(sources(s, &t, "BN3").await, ["province:01"]);
    assert_eq!(sources(s, &t, "BN4").await, ["BN1", "province:79/778"]);
    assert_eq!(sources(s, &t, "BN5").await, ["province:79/778"]);
    let (bn4, _) = s.case_by_code(&t.scope, "BN4").await.unwrap().unwrap();
    let c = s.case(&t.scope, bn4).await.unwrap();
    assert_eq!(c.source_kind, "other_province");
    let reason = |line: u64| {
        let r = sm.report_rows.iter().find(|r| r.line == line).unwrap();
        (r.outcome, r.reason_vi.clone(), r.reason_en.clone())
    };
    for (line, needle) in [
        (7, "Sài Gòn Mới"),
        (8, "Quận 7 (Tỉnh Bình Dương)"),
        (9, "Quảng Ninh"),
        (10, "Quảng Ninh"),
    ] {
        let (outcome, vi, en) = reason(line);
        assert_eq!(outcome, "refused_invalid", "line {line}");
        assert!(
            en.contains(needle) && vi.contains(needle),
            "line {line}: {vi} / {en}"
        );
    }
    assert!(reason(9).2.contains("own province"), "{:?}", reason(9));
    assert_eq!(
        db.ints("SELECT COUNT(*) FROM persons").await,
        [Some(5)],
        "refused rows leave no one behind"
    );
}
