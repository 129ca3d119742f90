#![allow(clippy::unwrap_used)]
//! A lab's results file: pools resolved, a positive individual confirmed as
//! F0, bad rows reported by line, and the same file again changes nothing
//! (SQLite or PostgreSQL).

use chrono::NaiveDate;
use phongdich_domain::{PersonInput, Role, UnitCode};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, PoolInput, SampleInput, Scope};

fn actor(role: Role) -> Actor {
    Actor {
        name: role.as_str().into(),
        source: "test".into(),
        scope: Scope::unit(UnitCode::parse("06649").unwrap()),
        role,
    }
}

#[tokio::test]
async fn a_lab_file_resolves_pools_confirms_cases_and_imports_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let staff = actor(Role::HealthStaff);
    let lab = actor(Role::LabStaff);
    let today = NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
    let mut ids = Vec::new();
    for name in [
        "Nguyễn Văn Một",
        "Trần Thị Hai",
        "Lê Văn Ba",
        "Phạm Thị Bốn",
    ] {
        let input = PersonInput {
            full_name: name.into(),
            birth: "1975".into(),
            sex: "nam".into(),
            commune_code: "06649".into(),
            ..Default::default()
        };
        ids.push(
            s.create_person(&staff, &input.parse(today).unwrap(), true)
                .await
                .unwrap()
                .id,
        );
    }
    let pool = s
        .record_pool(
            &staff,
            &PoolInput {
                person_ids: ids[..3].to_vec(),
                collected_on: "20/08/2021".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    let single = s
        .record_sample(
            &staff,
            &SampleInput {
                person_id: ids[3],
                collected_on: "20/08/2021".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ket-qua.csv");
    std::fs::write(
        &file,
        format!(
            "Mã mẫu,Kỹ thuật,Kết quả,Giá trị Ct,Ngày trả kết quả,Phòng xét nghiệm\n\
             {},RT-PCR,Âm tính,,21/08/2021,CDC Quảng Ninh\n\
             S999999,RT-PCR,Âm tính,,21/08/2021,CDC Quảng Ninh\n\
             {},RT-PCR,Dương tính,N:21;E:23,21/08/2021,CDC Quảng Ninh\n\
             {},máu,có,,32/08/2021,CDC Quảng Ninh\n",
            pool.code, single.code, single.code
        ),
    )
    .unwrap();
    let report = dir.path().join("ket-qua.report.csv");
    let first = phongdich_sheets::results::import_results(s, &lab, &file, &report)
        .await
        .unwrap();
    assert_eq!(
        (
            first.rows,
            first.recorded,
            first.confirmed,
            first.unchanged,
            first.refused
        ),
        (4, 2, 1, 0, 2)
    );
    let refused: Vec<(u64, &str)> = first
        .report_rows
        .iter()
        .filter(|r| r.outcome == "refused_invalid")
        .map(|r| (r.line, r.reason_en.as_str()))
        .collect();
    assert_eq!(refused[0].0, 3);
    assert!(refused[0].1.contains("S999999"), "{refused:?}");
    assert_eq!(refused[1].0, 5);
    assert!(
        refused[1].1.contains("Test:") && refused[1].1.contains("Result date:"),
        "{refused:?}"
    );
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("recorded_confirmed_f0"), "{text}");
    for id in &ids[..3] {
        let samples = s.samples_of(&staff.scope, *id).await.unwrap();
        assert_eq!(samples[0].status, "negative");
    }
    let class = s.person_class(&Scope::national(), ids[3]).await.unwrap().0;
    assert_eq!(class.map(|c| c.level), Some(0), "the positive is an F0");

    let again = phongdich_sheets::results::import_results(s, &lab, &file, &report)
        .await
        .unwrap();
    assert_eq!((again.recorded, again.unchanged, again.refused), (0, 2, 2));
}
