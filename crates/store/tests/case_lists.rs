#![allow(clippy::unwrap_used)]
//! The people behind a report's F0 flows, on SQLite or PostgreSQL: the cases
//! confirmed, recovered and deceased during a period, exactly those the
//! report counts, within the reader's scope narrowed to one unit; the
//! narrowing itself (inside the jurisdiction only); and people read by ids
//! in one query, within the scope.

use chrono::NaiveDate;
use phongdich_domain::UnitCode;
use phongdich_store::testing::{TestDb, person};
use phongdich_store::{
    Actor, CaseEvent, CaseFound, CaseInput, CaseListQuery, NewHamlet, Paging, Scope, Store,
    StoreError,
};

// Quảng Ninh (22), Thành phố Hạ Long (193): communes Hà Khánh and Hà Phong.
const QUANG_NINH: &str = "22";
const HA_LONG: &str = "193";
const HA_KHANH: &str = "06649";
const HA_PHONG: &str = "06652";
// Hà Nội (01), Ba Đình: commune Phúc Xá.
const PHUC_XA: &str = "00001";

fn d(day: u32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, month, day).unwrap()
}

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
    s.set_case_course(&system, case_hai, "deceased", None)
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

    // Recovered on the day of the negative test; deceased on the day recorded.
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
    let today = chrono::Utc::now().date_naive();
    let deceased = query(today, today, CaseEvent::Deceased);
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
            Err(StoreError::NotFound { entity: "unit", .. }) => {}
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
