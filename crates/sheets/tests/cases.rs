#![allow(clippy::unwrap_used)]
//! A case list with an "infected by" column builds the transmission graph
//! (SQLite or PostgreSQL).

use phongdich_domain::{Role, UnitCode};
use phongdich_store::testing::TestDb;
use phongdich_store::{Actor, ClusterInput, Scope};

#[tokio::test]
async fn a_case_list_links_cases_clusters_and_imports() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = Actor {
        name: "tracer".into(),
        source: "test".into(),
        scope: Scope::unit(UnitCode::parse("06649").unwrap()),
        role: Role::ContactTracer,
    };
    let market = s
        .create_cluster(
            &t,
            &ClusterInput {
                name: "Chợ Hạ Long I".into(),
                kind: "market".into(),
                unit_code: "06649".into(),
                started_on: "01/08/2021".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ca-benh.csv");
    std::fs::write(
        &file,
        "Họ và tên,Năm sinh,Giới tính,Mã xã,Ngày lấy mẫu,Lây từ,Điều trị\n\
         Nguyễn Văn An,1980,Nam,06649,08/08/2021,,tại nhà\n\
         Trần Thị Bình,1985,Nữ,06649,10/08/2021,BN1,bệnh viện\n\
         Lê Văn Cường,1990,Nam,06649,11/08/2021,cho ha long i,\n\
         Kim Min Jun,1992,Nam,06649,09/08/2021,KR,\n\
         Phạm Văn Dũng,1970,Nam,06649,31/02/2021,,\n",
    )
    .unwrap();
    let report = dir.path().join("report.csv");
    let sm = phongdich_sheets::cases::import_cases(s, &t, &file, &report)
        .await
        .unwrap();
    assert_eq!((sm.rows, sm.confirmed, sm.refused), (5, 4, 1));
    assert_eq!(sm.report_rows[4].line, 6);
    assert!(sm.report_rows[4].reason_en.starts_with("sample_on:"));
    let a = sm.report_rows[0].person_id.unwrap();
    let b = sm.report_rows[1].person_id.unwrap();
    let chain = s.chain(&t.scope, a).await.unwrap();
    assert!(chain.edges.iter().any(|e| e.from == a && e.to == b));
    let detail = s.cluster(&t.scope, market.id).await.unwrap();
    assert_eq!(
        detail.members.len(),
        1,
        "the market case joined its cluster"
    );
    let people = s
        .search_persons(
            &t.scope,
            &phongdich_store::PersonQuery {
                q: Some("kim min jun".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0;
    assert_eq!(people.len(), 1);
}
