#![allow(clippy::unwrap_used)]
//! The chain a case belongs to, on a chain of known shape
//! (`phongdich_store::testing::known_chain`): every case whatever its course,
//! every link with its date, generations, and jurisdiction.

use phongdich_store::testing::{TestDb, known_chain, tracer};
use phongdich_store::{Chain, StoreError};

type Node = (i64, Option<String>, i64, i64, Option<String>, bool);

fn nodes(chain: &Chain) -> Vec<Node> {
    chain
        .nodes
        .iter()
        .map(|n| {
            (
                n.person_id,
                n.case_code.clone(),
                n.level,
                n.generation,
                n.status.clone(),
                n.in_scope,
            )
        })
        .collect()
}

fn edges(chain: &Chain) -> Vec<(i64, i64, String, String, String)> {
    chain
        .edges
        .iter()
        .map(|e| (e.from, e.to, e.kind.clone(), e.on.clone(), e.dated.clone()))
        .collect()
}

#[tokio::test]
async fn the_chain_of_a_case_holds_every_case_and_link_dated() {
    let db = TestDb::new().await;
    let s = &db.store;
    let k = known_chain(s).await;
    let t = tracer("06649");
    let chain = s.chain(&t.scope, k.a).await.unwrap();
    assert_eq!(chain.person_id, k.a);

    // Case codes are BN<record id>: read them back to write what we expect.
    let code = |p: i64| {
        chain
            .nodes
            .iter()
            .find(|n| n.person_id == p)
            .and_then(|n| n.case_code.clone())
    };
    let case = |p: i64, generation: i64, status: &str| {
        let in_scope = p != k.b[4];
        (
            p,
            code(p),
            0,
            generation,
            in_scope.then(|| status.to_owned()),
            in_scope,
        )
    };
    let mut want: Vec<Node> = vec![case(k.a, 0, "active")];
    for (i, &b) in k.b.iter().enumerate() {
        want.push(case(b, 1, if i == 2 { "recovered" } else { "active" }));
    }
    want.push(case(k.c1, 2, "active"));
    want.push(case(k.c2, 2, "recovered"));
    want.push(case(k.d1, 3, "deceased"));
    want.push(case(k.e1, 4, "active"));
    want.push((k.f1, None, 1, 5, None, true));
    want.push((k.f2, None, 2, 6, None, false));
    want.sort_by_key(|n| (n.3, n.0));
    assert_eq!(nodes(&chain), want);
    assert!(
        chain
            .nodes
            .iter()
            .filter(|n| n.level == 0)
            .all(|n| n.case_code.as_deref().is_some_and(|c| c.starts_with("PD")))
    );

    let link = |from: i64, to: i64, kind: &str, on: &str, dated: &str| {
        (from, to, kind.to_owned(), on.to_owned(), dated.to_owned())
    };
    let mut want = Vec::new();
    for (i, &b) in k.b.iter().enumerate() {
        want.push(link(
            k.a,
            b,
            "case",
            &format!("2021-08-{:02}", 4 + i),
            "confirmation",
        ));
    }
    want.extend([
        link(k.b[0], k.c1, "case", "2021-08-10", "confirmation"),
        link(k.b[1], k.c1, "case", "2021-08-06", "exposure"),
        link(k.b[2], k.c2, "case", "2021-08-11", "confirmation"),
        link(k.c1, k.d1, "case", "2021-08-15", "confirmation"),
        link(k.d1, k.e1, "case", "2021-08-20", "confirmation"),
        link(k.e1, k.f1, "contact", "2021-08-19", "exposure"),
        link(k.f1, k.f2, "contact", "2021-08-21", "exposure"),
    ]);
    want.sort_by_key(|e| (e.0, e.1));
    assert_eq!(edges(&chain), want);
    assert_eq!(
        chain.first_on.as_deref(),
        Some("2021-08-01"),
        "A's confirmation, before its first link"
    );
    assert_eq!(chain.last_on.as_deref(), Some("2021-08-21"));

    // Names within the jurisdiction only.
    let name = |p: i64| {
        chain
            .nodes
            .iter()
            .find(|n| n.person_id == p)
            .unwrap()
            .name
            .clone()
    };
    assert_eq!(name(k.a).as_deref(), Some("Nguyễn Thị An"));
    assert_eq!(name(k.f1).as_deref(), Some("Tạ Văn Quang"));
    assert_eq!(name(k.b[4]), None);
    assert_eq!(name(k.f2), None);

    // Any case of the chain, or an F(n) through it, gives the same chain.
    for p in [k.e1, k.c2, k.f1] {
        let other = s.chain(&t.scope, p).await.unwrap();
        assert_eq!(other.person_id, p);
        assert_eq!(nodes(&other), nodes(&chain));
        assert_eq!(edges(&other), edges(&chain));
    }
}

#[tokio::test]
async fn the_chain_is_read_within_the_readers_jurisdiction() {
    let db = TestDb::new().await;
    let s = &db.store;
    let k = known_chain(s).await;
    let neighbour = tracer("06652");
    // A case of Hạ Khánh cannot be asked for from Hà Phong.
    assert!(matches!(
        s.chain(&neighbour.scope, k.a).await,
        Err(StoreError::NotFound { .. })
    ));
    // Its own case opens the same chain, where Hạ Khánh's people have no
    // name and no course, only their code and class.
    let chain = s.chain(&neighbour.scope, k.b[4]).await.unwrap();
    assert_eq!(chain.nodes.len(), 17);
    assert_eq!(chain.edges.len(), 17);
    for n in &chain.nodes {
        let ours = n.person_id == k.b[4] || n.person_id == k.f2;
        assert_eq!(n.in_scope, ours, "{n:?}");
        assert_eq!(n.name.is_some(), ours, "{n:?}");
        if !ours {
            assert_eq!(n.status, None);
        }
    }
    // The province sees everyone.
    let province = s.chain(&tracer("22").scope, k.a).await.unwrap();
    assert!(
        province
            .nodes
            .iter()
            .all(|n| n.in_scope && n.name.is_some())
    );
}
