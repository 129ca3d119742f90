#![allow(clippy::unwrap_used)]
//! A contact list imported for an F0: known people matched, new ones
//! registered, classes set, bad rows reported by line (SQLite or PostgreSQL).

use chrono::NaiveDate;
use phongdich_domain::{PersonInput, Role, UnitCode};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, CaseInput, Scope};

fn tracer() -> Actor {
    Actor {
        name: "tracer".into(),
        source: "test".into(),
        scope: Scope::unit(UnitCode::parse("06649").unwrap()),
        role: Role::ContactTracer,
    }
}

#[tokio::test]
async fn a_contact_list_matches_registers_and_reports_every_row() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tracer();
    let today = NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
    let register = |name: &str, nid: &str| PersonInput {
        full_name: name.into(),
        birth: "12/03/1985".into(),
        sex: "nam".into(),
        national_id: nid.into(),
        commune_code: "06649".into(),
        ..Default::default()
    };
    let f0 = s
        .create_person(
            &t,
            &register("Nguyễn Văn An", "").parse(today).unwrap(),
            true,
        )
        .await
        .unwrap();
    let known = s
        .create_person(
            &t,
            &register("Trần Văn Bình", "022085001234")
                .parse(today)
                .unwrap(),
            true,
        )
        .await
        .unwrap();
    s.confirm_case(
        &t,
        &CaseInput {
            person_id: f0.id,
            sample_on: "2021-08-08".into(),
            confirmed_on: "2021-08-09".into(),
            ..Default::default()
        },
        today,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiep-xuc.csv");
    std::fs::write(
        &file,
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Mã xã,Ngày tiếp xúc,Bối cảnh,Khoảng cách,Thời gian,Khẩu trang\n\
         Trần Văn Bình,12/03/1985,Nam,022085001234,06649,09/08/2021,nơi làm việc,1,30,x\n\
         Lê Thị Cúc,1990,Nữ,,06649,10/08/2021,gia đình,,,\n\
         Phạm Văn Dũng,1970,Nam,,06649,31/02/2021,cộng đồng,,,\n\
         Vũ Văn Em,1970,Nam,,06649,10/08/2021,cộng đồng,5,5,x\n",
    )
    .unwrap();
    let report = dir.path().join("report.csv");
    let sm = phongdich_sheets::contacts::import_contacts(s, &t, f0.id, &file, &report)
        .await
        .unwrap();
    assert_eq!(
        (sm.rows, sm.recorded, sm.new_people, sm.refused),
        (4, 3, 2, 1)
    );
    let rows: Vec<(u64, &str, Option<i64>)> = sm
        .report_rows
        .iter()
        .map(|r| (r.line, r.outcome, r.person_id))
        .collect();
    assert_eq!(
        rows[0],
        (2, "recorded", Some(known.id)),
        "matched by national ID"
    );
    assert_eq!(rows[1].1, "recorded_new_person");
    assert_eq!((rows[2].0, rows[2].1), (4, "refused_invalid"));
    assert!(sm.report_rows[2].reason_en.starts_with("Contact date:"));
    assert!(sm.report_rows[3].reason_en.contains("Does not meet"));
    // Classes followed row by row.
    let level = |id| async move {
        s.person_class(&Scope::national(), id)
            .await
            .unwrap()
            .0
            .map(|c| c.level)
    };
    assert_eq!(level(known.id).await, Some(1));
    assert_eq!(level(rows[1].2.unwrap()).await, Some(1));
    assert_eq!(level(sm.report_rows[3].person_id.unwrap()).await, None);
    let text = std::fs::read_to_string(&report).unwrap();
    assert_eq!(text.lines().count(), 5, "a header and every row");
}
