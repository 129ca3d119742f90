#![allow(clippy::unwrap_used)]
//! The people behind a report's F0 flows, on SQLite or PostgreSQL: the cases
//! confirmed, recovered and deceased during a period, exactly those the
//! report counts, within the reader's scope narrowed to one unit; the
//! narrowing itself (inside the jurisdiction only); and people read by ids
//! in one query, within the scope. The case register (`GET /api/v1/cases`):
//! every filter, paging with the whole count, jurisdiction.

use chrono::NaiveDate;
use phongdich_domain::UnitCode;
use phongdich_store::testing::{
    HA_KHANH, HA_LONG, HA_PHONG, PHUC_XA, QUANG_NINH, TestDb, d, person,
};
use phongdich_store::{
    Actor, CaseEvent, CaseFilter, CaseFilterParams, CaseFound, CaseInput, CaseListQuery, NewHamlet,
    Paging, Scope, Source, Store, StoreError,
};

// Quảng Ninh (22), Thành phố Hạ Long (193): communes Hà Khánh and Hà Phong.
// Hà Nội (01), Ba Đình: commune Phúc Xá.

fn scope(unit: &str) -> Scope {
    Scope::unit(UnitCode::parse(unit).unwrap())
}

/// Confirm `person` on `day` (dd/mm/2021), found as `found`.
async fn case(s: &Store, person: i64, day: &str, found: CaseFound) -> i64 {
    let mut input = CaseInput::found_in_community(person, day, day, "rt_pcr");
    match found {
        CaseFound::Community => {}
        CaseFound::Quarantine => input.detected_where = "quarantine".into(),
        CaseFound::Imported => {
            input.source_kind = "imported".into();
            input.source_ref = "LA".into();
        }
        CaseFound::OtherProvince => input.source_kind = "other_province".into(),
    }
    s.confirm_case(&Actor::system("test"), &input, d(20, 8))
        .await
        .unwrap()
        .0
        .id
}

fn query(from: NaiveDate, to: NaiveDate, event: CaseEvent) -> CaseListQuery {
    CaseListQuery {
        from,
        to,
        event,
        found: None,
    }
}

/// The names on the list, in its order.
async fn names(s: &Store, scope: &Scope, q: &CaseListQuery) -> Vec<String> {
    let list = s.case_list(scope, q, Paging::default()).await.unwrap();
    assert_eq!(list.total as usize, list.entries.len());
    list.entries.into_iter().map(|e| e.full_name).collect()
}

#[tokio::test]
async fn the_f0_of_a_period_are_those_the_report_counts_within_the_unit() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    let mot = person(s, "Lý Văn Một", HA_KHANH).await;
    let hai = person(s, "Lý Thị Hai", HA_KHANH).await;
    let ba = person(s, "Lý Văn Ba", HA_PHONG).await;
    let bon = person(s, "Lý Văn Bốn", PHUC_XA).await;
    let nam = person(s, "Lý Văn Năm", HA_KHANH).await;
    let case_mot = case(s, mot, "10/08/2021", CaseFound::Community).await;
    let case_hai = case(s, hai, "11/08/2021", CaseFound::Quarantine).await;
    case(s, ba, "12/08/2021", CaseFound::Imported).await;
    case(s, bon, "11/08/2021", CaseFound::Community).await;
    case(s, nam, "05/08/2021", CaseFound::Community).await;
    s.set_case_course(&system, case_mot, "recovered", Some(d(12, 8)))
        .await
        .unwrap();
    s.set_case_course_on(&system, case_hai, "deceased", None, Some(d(13, 8)))
        .await
        .unwrap();

    // The district, 10–11/8: the two of Hà Khánh, latest first; not Phúc Xá's.
    let confirmed = query(d(10, 8), d(11, 8), CaseEvent::Confirmed);
    assert_eq!(
        names(s, &scope(HA_LONG), &confirmed).await,
        ["Lý Thị Hai", "Lý Văn Một"]
    );
    // The same as the report's figure.
    let report = s
        .report_figures(&scope(HA_LONG), HA_LONG, d(10, 8), d(11, 8), d(1, 8))
        .await
        .unwrap();
    assert_eq!(report.figures.f0_new, 2);
    // Narrowed to a commune: Hà Phong has none then, one on 12/8.
    assert!(names(s, &scope(HA_PHONG), &confirmed).await.is_empty());
    let twelfth = query(d(12, 8), d(12, 8), CaseEvent::Confirmed);
    assert_eq!(names(s, &scope(HA_PHONG), &twelfth).await, ["Lý Văn Ba"]);
    // Nationally, 11/8: Hai and Bốn.
    let eleventh = query(d(11, 8), d(11, 8), CaseEvent::Confirmed);
    let mut all = names(s, &Scope::national(), &eleventh).await;
    all.sort();
    assert_eq!(all, ["Lý Thị Hai", "Lý Văn Bốn"]);

    // By where found, as the report splits new cases.
    let wide = query(d(1, 8), d(31, 8), CaseEvent::Confirmed);
    for (found, expected) in [
        (CaseFound::Community, vec!["Lý Văn Một", "Lý Văn Năm"]),
        (CaseFound::Quarantine, vec!["Lý Thị Hai"]),
        (CaseFound::Imported, vec!["Lý Văn Ba"]),
    ] {
        let q = CaseListQuery {
            found: Some(found),
            ..wide
        };
        assert_eq!(names(s, &scope(HA_LONG), &q).await, expected, "{found:?}");
    }
    let report = s
        .report_figures(&scope(HA_LONG), HA_LONG, d(1, 8), d(31, 8), d(1, 8))
        .await
        .unwrap();
    assert_eq!(
        (
            report.figures.f0_new_community,
            report.figures.f0_new_quarantine,
            report.figures.f0_new_imported
        ),
        (2, 1, 1)
    );

    // Recovered on the day of the negative test; deceased on the day of death.
    let recovered = query(d(12, 8), d(12, 8), CaseEvent::Recovered);
    let list = s
        .case_list(&scope(HA_KHANH), &recovered, Paging::default())
        .await
        .unwrap();
    assert_eq!(list.total, 1);
    assert_eq!(
        (
            list.entries[0].full_name.as_str(),
            list.entries[0].on_day.as_str()
        ),
        ("Lý Văn Một", "2021-08-12")
    );
    assert_eq!(list.entries[0].course, "recovered");
    assert!(
        names(
            s,
            &scope(HA_KHANH),
            &query(d(11, 8), d(11, 8), CaseEvent::Recovered)
        )
        .await
        .is_empty()
    );
    let deceased = query(d(13, 8), d(13, 8), CaseEvent::Deceased);
    assert_eq!(names(s, &scope(HA_LONG), &deceased).await, ["Lý Thị Hai"]);
    assert!(names(s, &scope(PHUC_XA), &deceased).await.is_empty());

    // A page at a time, with the whole count.
    let first = s
        .case_list(&scope(QUANG_NINH), &wide, Paging::new(0, 2))
        .await
        .unwrap();
    assert_eq!((first.total, first.entries.len()), (4, 2));
    assert!(first.paging.has_more(first.total));
    let rest = s
        .case_list(&scope(QUANG_NINH), &wide, Paging::new(2, 2))
        .await
        .unwrap();
    assert_eq!(rest.entries.len(), 2);
    assert!(!rest.paging.has_more(rest.total));
    let mut seen: Vec<i64> = first
        .entries
        .iter()
        .chain(&rest.entries)
        .map(|e| e.case_id)
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4);
}

#[tokio::test]
async fn a_list_narrows_only_to_a_unit_inside_the_jurisdiction() {
    let db = TestDb::new().await;
    let s = &db.store;
    let province = scope(QUANG_NINH);

    let (narrow, unit) = s.scope_within(&province, HA_KHANH).await.unwrap();
    assert_eq!((narrow, unit.code.as_str()), (scope(HA_KHANH), HA_KHANH));
    // Its own unit, and an unpadded district number read at its width.
    assert_eq!(s.scope_within(&province, "22").await.unwrap().0, province);
    assert_eq!(
        s.scope_within(&province, HA_LONG).await.unwrap().0,
        scope(HA_LONG)
    );
    assert_eq!(
        s.scope_within(&Scope::national(), PHUC_XA).await.unwrap().0,
        scope(PHUC_XA)
    );

    // Outside: not found, as any record outside; nor above one's own unit.
    for outside in [PHUC_XA, "01"] {
        match s.scope_within(&province, outside).await {
            Err(StoreError::NotFound {
                entity: phongdich_store::Entity::Unit,
                ..
            }) => {}
            other => panic!("{outside}: {other:?}"),
        }
    }
    match s.scope_within(&scope(HA_KHANH), HA_LONG).await {
        Err(StoreError::NotFound { .. }) => {}
        other => panic!("{other:?}"),
    }
    // Unknown or malformed: a bilingual error naming the field.
    match s.scope_within(&province, "99999").await {
        Err(StoreError::NotFound { .. }) => {}
        other => panic!("{other:?}"),
    }
    for bad in ["abc", "1234567", "06649;DROP"] {
        match s.scope_within(&province, bad).await {
            Err(StoreError::Invalid(i)) => {
                assert_eq!(i.0[0].field, "unit");
                assert!(!i.0[0].message_vi.is_empty() && !i.0[0].message_en.is_empty());
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    // A hamlet is refused: the lists keep no hamlet column.
    let hamlet = s
        .add_hamlet(
            &Actor::system("test"),
            &NewHamlet {
                commune_code: HA_KHANH.into(),
                name: "Thôn 1".into(),
                kind: String::new(),
            },
        )
        .await
        .unwrap();
    match s.scope_within(&province, &hamlet.code).await {
        Err(StoreError::Invalid(i)) => assert_eq!(i.0[0].code, "hamlet_not_listed"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn people_are_read_by_ids_within_the_scope() {
    let db = TestDb::new().await;
    let s = &db.store;
    let mot = person(s, "Lý Văn Một", HA_KHANH).await;
    let hai = person(s, "Lý Thị Hai", HA_PHONG).await;
    let bon = person(s, "Lý Văn Bốn", PHUC_XA).await;
    let ids = [mot, hai, bon, 999_999];
    let district = s.persons_by_ids(&scope(HA_LONG), &ids).await.unwrap();
    let mut found: Vec<i64> = district.keys().copied().collect();
    found.sort();
    assert_eq!(found, [mot, hai]);
    assert_eq!(district[&hai].full_name, "Lý Thị Hai");
    let commune = s.persons_by_ids(&scope(HA_PHONG), &ids).await.unwrap();
    assert_eq!(commune.keys().copied().collect::<Vec<_>>(), [hai]);
    assert_eq!(
        s.persons_by_ids(&Scope::national(), &ids)
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        s.persons_by_ids(&Scope::nothing(), &ids)
            .await
            .unwrap()
            .is_empty()
    );
    // More ids than one statement takes.
    let many: Vec<i64> = (1..=1200).chain([mot]).collect();
    assert!(
        s.persons_by_ids(&scope(HA_KHANH), &many)
            .await
            .unwrap()
            .contains_key(&mot)
    );
}

#[tokio::test]
async fn a_case_whose_person_moved_away_is_listed_without_their_name() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    let a = person(s, "Tạ Văn Chuyển", HA_KHANH).await;
    case(s, a, "10/08/2021", CaseFound::Community).await;
    let before = s.person(&system.scope, a).await.unwrap();
    let input = phongdich_domain::PersonInput {
        full_name: "Tạ Văn Chuyển".into(),
        birth: "1985".into(),
        sex: "nam".into(),
        commune_code: PHUC_XA.into(),
        ..Default::default()
    };
    s.update_person(
        &system,
        a,
        &phongdich_store::PersonUpdate {
            expected_version: before.version,
            person: input.parse(d(20, 8)).unwrap(),
        },
    )
    .await
    .unwrap();
    let q = query(d(10, 8), d(10, 8), CaseEvent::Confirmed);
    // Hà Khánh still counts the case it confirmed, but no longer sees who it is.
    assert_eq!(names(s, &scope(HA_KHANH), &q).await, [""]);
    assert_eq!(names(s, &Scope::national(), &q).await, ["Tạ Văn Chuyển"]);
}

/// The codes of a page of the register, in its order.
async fn codes(s: &Store, scope: &Scope, params: CaseFilterParams) -> (i64, Vec<String>) {
    let (filter, paging) = CaseFilter::parse(&params).unwrap();
    let page = s.case_register(scope, &filter, paging).await.unwrap();
    (
        page.total,
        page.entries.into_iter().map(|e| e.code).collect(),
    )
}

fn params(pairs: &[(&str, &str)]) -> CaseFilterParams {
    let mut p = CaseFilterParams::default();
    for (k, v) in pairs {
        let v = Some((*v).to_owned());
        match *k {
            "unit" => p.unit = v,
            "confirmed_from" => p.confirmed_from = v,
            "confirmed_to" => p.confirmed_to = v,
            "recovered_from" => p.recovered_from = v,
            "recovered_to" => p.recovered_to = v,
            "deceased_from" => p.deceased_from = v,
            "deceased_to" => p.deceased_to = v,
            "source" => p.source = v,
            "country" => p.country = v,
            "cluster" => p.cluster = v,
            "status" => p.status = v,
            "offset" => p.offset = v,
            "limit" => p.limit = v,
            other => panic!("{other}"),
        }
    }
    p
}

#[tokio::test]
async fn the_case_register_filters_pages_and_counts_within_the_jurisdiction() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    // Quảng Ninh: BN101 (Hà Khánh, 10/8, from a cluster, recovered 20/8 by
    // discharge date), BN102 (Hà Khánh, 11/8, imported from the UK and in the
    // cluster, died 25/8), BN103 (Hà Phong, 12/8, infected by BN101), one
    // without an official number (Hà Phong, 13/8, under investigation).
    // Hà Nội: BN201 (Phúc Xá, 11/8, imported from Japan).
    let people = [
        ("Đỗ Văn Một", HA_KHANH, "10/08/2021"),
        ("Đỗ Thị Hai", HA_KHANH, "11/08/2021"),
        ("Đỗ Văn Ba", HA_PHONG, "12/08/2021"),
        ("Đỗ Văn Bốn", HA_PHONG, "13/08/2021"),
        ("Đỗ Văn Năm", PHUC_XA, "11/08/2021"),
    ];
    let mut ids = Vec::new();
    for (name, commune, day) in people {
        let p = person(s, name, commune).await;
        ids.push(case(s, p, day, CaseFound::Community).await);
    }
    let cluster = s
        .create_cluster(
            &system,
            &phongdich_store::ClusterInput {
                name: "Chợ Hạ Long 1".into(),
                kind: "market".into(),
                place: "Hạ Long".into(),
                unit_code: HA_KHANH.into(),
                started_on: "05/08/2021".into(),
            },
        )
        .await
        .unwrap();
    let k = cluster.id;
    let [a, b, c, e, hn] = [ids[0], ids[1], ids[2], ids[3], ids[4]];
    for sql in [
        format!(
            "UPDATE cases SET official_code = 'BN101', source_kind = 'cluster', source_ref = 'Chợ Hạ Long 1', recovered_on = '2021-08-20', course = 'recovered' WHERE id = {a}"
        ),
        format!(
            "UPDATE cases SET official_code = 'BN102', source_kind = 'imported', source_ref = 'GB, Chợ Hạ Long 1', import_country = 'GB', died_on = '2021-08-25', course = 'deceased' WHERE id = {b}"
        ),
        format!(
            "UPDATE cases SET official_code = 'BN103', source_kind = 'case', source_ref = 'BN101' WHERE id = {c}"
        ),
        format!(
            "UPDATE cases SET official_code = 'BN201', source_kind = 'imported', source_ref = 'JP', import_country = 'JP' WHERE id = {hn}"
        ),
        format!(
            "INSERT INTO case_sources (case_id, kind, cluster_id, created_by, created_at) VALUES ({a}, 'cluster', {k}, 't', 't')"
        ),
        format!(
            "INSERT INTO case_sources (case_id, kind, country, created_by, created_at) VALUES ({b}, 'imported', 'GB', 't', 't')"
        ),
        format!(
            "INSERT INTO case_sources (case_id, kind, cluster_id, created_by, created_at) VALUES ({b}, 'cluster', {k}, 't', 't')"
        ),
        format!(
            "INSERT INTO case_sources (case_id, kind, source_case_id, created_by, created_at) VALUES ({c}, 'case', {a}, 't', 't')"
        ),
        format!(
            "INSERT INTO case_sources (case_id, kind, country, created_by, created_at) VALUES ({hn}, 'imported', 'JP', 't', 't')"
        ),
    ] {
        db.execute(&sql).await.unwrap();
    }
    let e_code = s
        .case_register(
            &Scope::national(),
            &CaseFilter::default(),
            Paging::default(),
        )
        .await
        .unwrap()
        .entries
        .into_iter()
        .find(|x| x.case_id == e)
        .unwrap()
        .code;
    assert!(!e_code.starts_with("BN1"), "{e_code}");
    let qn = scope(QUANG_NINH);

    // Everything of the province, latest confirmed first; never Hà Nội's.
    assert_eq!(
        codes(s, &qn, params(&[])).await,
        (
            4,
            vec![
                e_code.clone(),
                "BN103".into(),
                "BN102".into(),
                "BN101".into()
            ]
        )
    );
    // The nation sees all five.
    assert_eq!(codes(s, &Scope::national(), params(&[])).await.0, 5);
    assert_eq!(
        codes(s, &Scope::national(), params(&[("unit", "VN")]))
            .await
            .0,
        5
    );
    // Narrowed to a commune; outside the jurisdiction: not found.
    assert_eq!(
        codes(s, &qn, params(&[("unit", HA_PHONG)])).await,
        (2, vec![e_code.clone(), "BN103".into()])
    );
    for outside in [PHUC_XA, "01", "VN"] {
        let (f, p) = CaseFilter::parse(&params(&[("unit", outside)])).unwrap();
        assert!(
            matches!(
                s.case_register(&qn, &f, p).await,
                Err(StoreError::NotFound { .. })
            ),
            "{outside}"
        );
    }

    // Dates: confirmed, recovered (discharge date), deceased (death date).
    let by = |pairs: &[(&str, &str)]| params(pairs);
    assert_eq!(
        codes(
            s,
            &qn,
            by(&[
                ("confirmed_from", "11/08/2021"),
                ("confirmed_to", "2021-08-12")
            ])
        )
        .await
        .1,
        ["BN103", "BN102"]
    );
    assert_eq!(
        codes(
            s,
            &qn,
            by(&[
                ("recovered_from", "2021-08-20"),
                ("recovered_to", "2021-08-20")
            ])
        )
        .await
        .1,
        ["BN101"]
    );
    assert!(
        codes(s, &qn, by(&[("recovered_to", "2021-08-19")]))
            .await
            .1
            .is_empty()
    );
    assert_eq!(
        codes(s, &qn, by(&[("deceased_from", "2021-08-25")]))
            .await
            .1,
        ["BN102"]
    );
    // Status.
    assert_eq!(
        codes(s, &qn, by(&[("status", "active")])).await.1,
        [e_code.clone(), "BN103".into()]
    );
    assert_eq!(
        codes(s, &qn, by(&[("status", "recovered")])).await.1,
        ["BN101"]
    );
    assert_eq!(
        codes(s, &qn, by(&[("status", "Deceased")])).await.1,
        ["BN102"]
    );
    // Source kinds: any source of the kind; investigating = none.
    assert_eq!(
        codes(s, &qn, by(&[("source", "cluster")])).await.1,
        ["BN102", "BN101"]
    );
    assert_eq!(codes(s, &qn, by(&[("source", "case")])).await.1, ["BN103"]);
    assert_eq!(
        codes(s, &qn, by(&[("source", "imported")])).await.1,
        ["BN102"]
    );
    assert_eq!(
        codes(s, &qn, by(&[("source", "investigating")])).await.1,
        std::slice::from_ref(&e_code)
    );
    // Countries by code or name; the cluster by id.
    for uk in ["GB", "gb", "Anh", "Vương quốc Anh", "UK"] {
        assert_eq!(
            codes(s, &qn, by(&[("country", uk)])).await.1,
            ["BN102"],
            "{uk}"
        );
    }
    assert!(
        codes(s, &qn, by(&[("country", "Nhật Bản")]))
            .await
            .1
            .is_empty()
    );
    assert_eq!(
        codes(s, &Scope::national(), by(&[("country", "Nhật Bản")]))
            .await
            .1,
        ["BN201"]
    );
    assert_eq!(
        codes(s, &qn, by(&[("cluster", &k.to_string())])).await.1,
        ["BN102", "BN101"]
    );
    // Filters combine.
    assert_eq!(
        codes(
            s,
            &qn,
            by(&[("cluster", &k.to_string()), ("status", "recovered")])
        )
        .await
        .1,
        ["BN101"]
    );

    // A page at a time with the whole count.
    let (total, first) = codes(s, &qn, by(&[("limit", "3")])).await;
    let (_, rest) = codes(s, &qn, by(&[("limit", "3"), ("offset", "3")])).await;
    assert_eq!((total, first.len(), rest.len()), (4, 3, 1));
    let (f, p) = CaseFilter::parse(&by(&[("limit", "5000")])).unwrap();
    assert_eq!((f, p.limit), (CaseFilter::default(), Paging::MAX_LIMIT));

    // An entry shows names and dates.
    let (f, p) = CaseFilter::parse(&by(&[("status", "deceased")])).unwrap();
    let entry = &s.case_register(&qn, &f, p).await.unwrap().entries[0];
    assert_eq!(
        (
            entry.full_name.as_str(),
            entry.commune_name.as_str(),
            entry.died_on.as_deref(),
            entry.import_country.as_deref(),
            entry.sources.as_deref()
        ),
        (
            "Đỗ Thị Hai",
            "Phường Hà Khánh",
            Some("2021-08-25"),
            Some("GB"),
            Some("GB, Chợ Hạ Long 1")
        )
    );
}

#[test]
fn bad_register_filters_name_their_fields_in_both_languages() {
    let bad = params(&[
        ("confirmed_from", "32/08/2021"),
        ("recovered_from", "2021-08-20"),
        ("recovered_to", "2021-08-10"),
        ("source", "rumour"),
        ("country", "Việt Nam"),
        ("cluster", "x"),
        ("status", "sick"),
        ("limit", "ten"),
    ]);
    let errors = CaseFilter::parse(&bad).unwrap_err().0;
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "confirmed_from",
            "recovered_from",
            "source",
            "country",
            "cluster",
            "status",
            "limit"
        ]
    );
    assert!(
        errors
            .iter()
            .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
    );
    // An unknown country is refused; "unknown" is a value.
    assert!(CaseFilter::parse(&params(&[("country", "Atlantis")])).is_err());
    assert_eq!(
        CaseFilter::parse(&params(&[("country", "không rõ")]))
            .unwrap()
            .0
            .country
            .as_deref(),
        Some("XX")
    );
}

/// A case's source can be another province (people coming home from an
/// epidemic area): named by code or by name, with or without diacritics and
/// title, with an optional district inside it; stored by unit codes, shown
/// by name, summarised as `other_province`, listed by that kind. A name that
/// does not resolve, a district of another province, and the case's own
/// province are refused with the value and the reason — never a default.
#[tokio::test]
async fn a_case_from_another_province_keeps_its_origin_by_unit() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    let qn = scope(QUANG_NINH);
    let refused = |input: CaseInput| async move {
        let StoreError::Invalid(i) = s
            .confirm_case(&system_actor(), &input, d(20, 8))
            .await
            .unwrap_err()
        else {
            panic!("refused")
        };
        assert!(
            i.0.iter()
                .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
        );
        i.0.into_iter()
            .map(|e| (e.field, e.code))
            .collect::<Vec<_>>()
    };
    let an = person(s, "Mai Văn An", HA_KHANH).await;
    let base = CaseInput {
        source_kind: "other_province".into(),
        ..CaseInput::found_in_community(an, "15/08/2021", "15/08/2021", "rt_pcr")
    };
    assert_eq!(
        refused(base.clone()).await,
        [("origin_province".to_string(), "required")]
    );
    assert_eq!(
        refused(CaseInput {
            origin_province: "Tỉnh Sài Gòn Mới".into(),
            ..base.clone()
        })
        .await,
        [("origin_province".to_string(), "unknown_unit")]
    );
    assert_eq!(
        refused(CaseInput {
            origin_province: "Bình Dương".into(),
            origin_district: "Quận 7".into(),
            ..base.clone()
        })
        .await,
        [("origin_district".to_string(), "unknown_unit")],
        "Quận 7 is in Hồ Chí Minh City, not Bình Dương"
    );
    assert_eq!(
        refused(CaseInput {
            origin_province: "Quang Ninh".into(),
            ..base.clone()
        })
        .await,
        [("origin_province".to_string(), "own_province")]
    );

    // By name without diacritics, with its district: codes stored, names shown.
    let (c, _) = s
        .confirm_case(
            &system,
            &CaseInput {
                origin_province: "tp ho chi minh".into(),
                origin_district: "quan 7".into(),
                ..base.clone()
            },
            d(20, 8),
        )
        .await
        .unwrap();
    assert_eq!(c.source_kind, "other_province");
    assert_eq!(
        c.source_ref.as_deref(),
        Some("Từ Thành phố Hồ Chí Minh (Quận 7)")
    );
    let sources = s.case_sources(c.id).await.unwrap();
    assert_eq!(
        sources.iter().map(|x| x.source.clone()).collect::<Vec<_>>(),
        [Source::OtherProvince {
            province_code: "79".into(),
            province_name: "Thành phố Hồ Chí Minh".into(),
            district_code: Some("778".into()),
            district_name: Some("Quận 7".into()),
        }]
    );
    assert_eq!(
        db.ints(
            "SELECT COUNT(*) FROM case_sources WHERE kind = 'other_province' \
                 AND origin_province_code = '79' AND origin_district_code = '778'"
        )
        .await,
        [Some(1)]
    );

    // In the "infected by" text, with a known case: both kept, the summary
    // is the other province (counted apart from community); by code alone.
    let binh = person(s, "Mai Thị Bình", HA_PHONG).await;
    let (b, _) = s
        .confirm_case(
            &system,
            &CaseInput {
                infected_by: format!("{}, tỉnh Bình Dương", c.code),
                ..CaseInput::found_in_community(binh, "16/08/2021", "16/08/2021", "rt_pcr")
            },
            d(20, 8),
        )
        .await
        .unwrap();
    assert_eq!(b.source_kind, "other_province");
    let kinds: Vec<&str> = vec!["case", "other_province"];
    let got = s.case_sources(b.id).await.unwrap();
    assert_eq!(
        got.iter()
            .map(|x| match &x.source {
                Source::Case { .. } => "case",
                Source::OtherProvince { province_code, .. } => {
                    assert_eq!(province_code, "74");
                    "other_province"
                }
                _ => "other",
            })
            .collect::<Vec<_>>(),
        kinds
    );

    // Corrected: the origin replaced by code, the register filters by kind.
    let (c2, _, changed) = s
        .correct_case(
            &system,
            c.id,
            &CaseInput {
                origin_province: "1".into(),
                ..CaseInput::default()
            },
            d(20, 8),
        )
        .await
        .unwrap();
    assert!(changed);
    assert_eq!(c2.source_ref.as_deref(), Some("Từ Thành phố Hà Nội"));
    let err = s
        .correct_case(
            &system,
            c.id,
            &CaseInput {
                origin_province: "22".into(),
                ..CaseInput::default()
            },
            d(20, 8),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let plain = person(s, "Mai Văn Cường", HA_KHANH).await;
    case(s, plain, "17/08/2021", CaseFound::Community).await;
    let (n, list) = codes(s, &qn, params(&[("source", "other_province")])).await;
    assert_eq!(n, 2);
    assert_eq!(list, [b.code.clone(), c.code.clone()]);
    // The report counts them apart from the community, and lists them.
    let report = s
        .report_figures(&qn, QUANG_NINH, d(1, 8), d(20, 8), d(1, 8))
        .await
        .unwrap();
    assert_eq!(
        (
            report.figures.f0_new_other_province,
            report.figures.f0_new_community
        ),
        (2, 1)
    );
    let wide = CaseListQuery {
        found: Some(CaseFound::OtherProvince),
        ..query(d(1, 8), d(20, 8), CaseEvent::Confirmed)
    };
    assert_eq!(names(s, &qn, &wide).await.len(), 2);
    let wrong =
        phongdich_store::testing::figures_against_lists(s, QUANG_NINH, d(1, 8), d(20, 8), d(1, 8))
            .await;
    assert!(wrong.is_empty(), "{wrong:#?}");
}

fn system_actor() -> Actor {
    Actor::system("test")
}
