#![allow(clippy::unwrap_used)]
//! The chain through the API and its exports, on the chain of known shape
//! (`phongdich_store::testing::known_chain`). SQLite, or PostgreSQL when
//! PHONGDICH_TEST_POSTGRES is set.

mod support;

use support::get_text as get;

use axum::http::StatusCode;
use phongdich_store::Actor;
use phongdich_store::testing::{TestDb, known_chain};
use serde_json::Value;

#[tokio::test]
async fn the_chain_and_its_exports_hold_every_link_with_its_dating() {
    let db = TestDb::new().await;
    let k = known_chain(&db.store).await;
    let token = db
        .store
        .create_api_token(&Actor::system("test"), "test", "06649", "contact_tracer")
        .await
        .unwrap()
        .1;
    let app = support::app(&db);

    let (status, body) = get(&app, &format!("/api/v1/chains/{}", k.e1), &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let chain: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(chain["person_id"], k.e1);
    assert_eq!(chain["nodes"].as_array().unwrap().len(), 17);
    assert_eq!(chain["edges"].as_array().unwrap().len(), 17);
    assert_eq!(
        chain["first_on"], "2021-08-01",
        "the first case's confirmation"
    );
    assert_eq!(chain["last_on"], "2021-08-21");
    let f2 = chain["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["person_id"] == k.f2)
        .unwrap();
    assert_eq!(f2["name"], Value::Null, "Hà Phong's F2 has no name here");
    assert_eq!(f2["generation"], 6);

    let (status, csv) = get(&app, &format!("/api/v1/chains/{}?format=csv", k.a), &token).await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 18, "{csv}");
    assert_eq!(
        lines[0],
        "source,target,date,target_class,dated,kind,source_code,target_code,source_generation,target_generation"
    );
    let b1 = format!("{},{},2021-08-06,F0,exposure,case,", k.b[1], k.c1);
    assert!(lines.iter().any(|l| l.starts_with(&b1)), "{csv}");
    // A case number a spreadsheet would run is written inert; numbers are not.
    db.execute(&format!(
        "UPDATE cases SET official_code = '=1+2' WHERE person_id = {}",
        k.c1
    ))
    .await
    .unwrap();
    let (_, csv) = get(&app, &format!("/api/v1/chains/{}?format=csv", k.a), &token).await;
    let b1 = format!("{},{},2021-08-06,F0,exposure,case,", k.b[1], k.c1);
    let line = csv.lines().find(|l| l.starts_with(&b1)).unwrap();
    assert!(line.contains(",'=1+2,"), "{line}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains(",confirmation,"))
            .count(),
        14
    );

    let (status, dot) = get(&app, &format!("/api/v1/chains/{}?format=dot", k.a), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dot.matches(" -> ").count(), 17);
    assert_eq!(dot.matches("style=dashed").count(), 14);
    let (status, graphml) = get(
        &app,
        &format!("/api/v1/chains/{}?format=graphml", k.a),
        &token,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(graphml.matches("<node ").count(), 17);
    assert_eq!(graphml.matches("<edge ").count(), 17);
}
