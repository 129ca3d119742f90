#![allow(clippy::unwrap_used)]
//! The national level (`VN`) above the provinces, on SQLite or PostgreSQL:
//! its place in the tree, its accounts and tokens (made only from the
//! national level), its jurisdiction (every province; a province still sees
//! only itself), and its report and dashboard as the sum of the provinces.

use phongdich_domain::report::Figures;
use phongdich_domain::{UnitCode, UnitLevel};
use phongdich_store::testing::{HA_KHANH, HA_NOI, PHUC_XA, QUANG_NINH, TestDb, d, person};
use phongdich_store::{
    Actor, CaseInput, DashboardQuery, NewUser, PersonQuery, Scope, Store, StoreError, User,
};

// Quảng Ninh (22): Hà Khánh (Hạ Long); Hà Nội (01): Phúc Xá (Ba Đình);
// Hải Phòng (31): Quán Toan (Hồng Bàng).
const HAI_PHONG: &str = "31";

fn scope(unit: &str) -> Scope {
    Scope::unit(UnitCode::parse(unit).unwrap())
}

async fn user(s: &Store, by: &Actor, username: &str, unit: &str, role: &str) -> User {
    s.add_user(
        by,
        &NewUser {
            username: username.into(),
            display_name: format!("Người dùng {username}"),
            unit_code: unit.into(),
            role: role.into(),
            password: "mat-khau-rat-dai-2021".into(),
        },
    )
    .await
    .unwrap()
}

fn unit_refused(e: StoreError) -> bool {
    matches!(e, StoreError::Invalid(ref i) if i.0.iter().any(|f| f.field == "unit_code"))
}

#[tokio::test]
async fn the_national_unit_is_above_the_63_provinces() {
    let db = TestDb::new().await;
    let s = &db.store;
    let vn = s.unit("vn").await.unwrap();
    assert_eq!(
        (vn.code.as_str(), vn.level, vn.parent_code.as_deref()),
        ("VN", UnitLevel::National, None)
    );
    let provinces = s.children("VN").await.unwrap();
    assert_eq!(provinces.len(), 63);
    assert!(provinces.iter().all(|p| p.level == UnitLevel::Province));
    assert_eq!(
        s.unit(QUANG_NINH).await.unwrap().parent_code.as_deref(),
        Some("VN")
    );
    // Its scope is the whole country; a province's scope does not hold it.
    assert!(scope("VN").is_national());
    assert_eq!(Scope::national().home().unwrap().as_str(), "VN");
    let (within, _) = s.scope_within(&Scope::national(), "VN").await.unwrap();
    assert!(within.is_national());
    assert!(matches!(
        s.scope_within(&scope(QUANG_NINH), "VN").await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(!scope(QUANG_NINH).contains(&vn));
    // Every unit lies under it.
    assert_eq!(
        s.descendants("VN").await.unwrap().len() as i64,
        db.ints("SELECT COUNT(*) FROM units").await[0].unwrap() - 1
    );
}

#[tokio::test]
async fn national_accounts_and_tokens_are_made_only_from_the_national_level() {
    let db = TestDb::new().await;
    let s = &db.store;
    let operator = Actor::system("cli");
    // The operator at the terminal makes the first national administrator.
    let minister = user(s, &operator, "bo.yte", "vn", "admin").await;
    assert_eq!(minister.unit_code, "VN");
    let national = minister.actor("test");
    assert!(national.scope.is_national());
    // It makes accounts at the national level and in any province.
    let analyst = user(s, &national, "bo.phantich", "VN", "viewer").await;
    assert!(analyst.actor("test").scope.is_national());
    let province_admin = user(s, &national, "qn.admin", QUANG_NINH, "admin").await;
    user(s, &national, "hn.admin", HA_NOI, "admin").await;
    let province = province_admin.actor("test");
    assert!(!province.scope.is_national());

    // A province's administrator cannot make a national account or token.
    let refused = s
        .add_user(
            &province,
            &NewUser {
                username: "gia.mao".into(),
                display_name: "Giả mạo".into(),
                unit_code: "VN".into(),
                role: "admin".into(),
                password: "mat-khau-rat-dai-2021".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(unit_refused(refused));
    assert!(unit_refused(
        s.create_api_token(&province, "tich hop", "VN", "viewer")
            .await
            .unwrap_err()
    ));
    // Nor does a national viewer (no permission to manage accounts).
    assert!(matches!(
        s.create_api_token(&analyst.actor("test"), "tich hop", "VN", "viewer")
            .await,
        Err(StoreError::Forbidden { .. })
    ));

    // A national token acts nationally.
    let (token, secret) = s
        .create_api_token(&national, "bao cao quoc gia", "VN", "viewer")
        .await
        .unwrap();
    assert_eq!(token.unit_code, "VN");
    let actor = s.token_actor(&secret, "test").await.unwrap().unwrap();
    assert!(actor.scope.is_national());

    // The province sees its own accounts only; the nation sees all.
    let names = |users: Vec<User>| users.into_iter().map(|u| u.username).collect::<Vec<_>>();
    assert_eq!(names(s.users(&province.scope).await.unwrap()), ["qn.admin"]);
    assert_eq!(
        names(s.users(&national.scope).await.unwrap()),
        ["bo.phantich", "bo.yte", "hn.admin", "qn.admin"]
    );
    assert!(matches!(
        s.user(&province.scope, "bo.yte").await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        s.api_tokens(&province.scope)
            .await
            .unwrap()
            .iter()
            .all(|t| t.unit_code != "VN")
    );
}

#[tokio::test]
async fn a_province_sees_only_itself_and_the_nation_sees_every_province() {
    let db = TestDb::new().await;
    let s = &db.store;
    let operator = Actor::system("cli");
    let national = user(s, &operator, "bo.yte", "VN", "admin")
        .await
        .actor("test");
    let quang_ninh = user(s, &national, "qn.admin", QUANG_NINH, "admin")
        .await
        .actor("test");
    let mot = person(s, "Trần Văn Một", HA_KHANH).await;
    let hai = person(s, "Trần Thị Hai", PHUC_XA).await;

    assert!(s.person(&quang_ninh.scope, mot).await.is_ok());
    assert!(matches!(
        s.person(&quang_ninh.scope, hai).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(s.person(&national.scope, mot).await.is_ok());
    assert!(s.person(&national.scope, hai).await.is_ok());

    let search = |unit: Option<&str>| PersonQuery {
        q: Some("tran".into()),
        unit: unit.map(str::to_owned),
        ..Default::default()
    };
    let ids = |found: (Vec<phongdich_store::Person>, bool)| {
        let mut ids: Vec<i64> = found.0.into_iter().map(|p| p.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(s
            .search_persons(&quang_ninh.scope, &search(None))
            .await
            .unwrap()),
        [mot]
    );
    assert_eq!(
        ids(s
            .search_persons(&national.scope, &search(None))
            .await
            .unwrap()),
        [mot, hai]
    );
    assert_eq!(
        ids(s
            .search_persons(&national.scope, &search(Some("VN")))
            .await
            .unwrap()),
        [mot, hai]
    );
    // The province cannot widen its search to the nation or another province.
    for outside in ["VN", HA_NOI] {
        assert!(matches!(
            s.search_persons(&quang_ninh.scope, &search(Some(outside)))
                .await,
            Err(StoreError::NotFound { .. })
        ));
    }
    // Nor read the national report or another province's.
    for outside in ["VN", HA_NOI] {
        assert!(matches!(
            s.report_figures(&quang_ninh.scope, outside, d(1, 8), d(31, 8), d(1, 8))
                .await,
            Err(StoreError::NotFound { .. })
        ));
    }
}

/// Confirm `person` on `day` (dd/mm/2021), imported or found in the community.
async fn case(s: &Store, person: i64, day: &str, imported: bool) -> i64 {
    let mut input = CaseInput::found_in_community(person, day, day, "rt_pcr");
    if imported {
        input.source_kind = "imported".into();
        input.source_ref = "JP".into();
    }
    s.confirm_case(&Actor::system("test"), &input, d(20, 8))
        .await
        .unwrap()
        .0
        .id
}

#[tokio::test]
async fn the_national_report_and_dashboard_sum_the_provinces() {
    let db = TestDb::new().await;
    let s = &db.store;
    let system = Actor::system("test");
    let people = [
        ("Phạm Văn Một", HA_KHANH, "10/08/2021", false),
        ("Phạm Thị Hai", HA_KHANH, "11/08/2021", true),
        ("Phạm Văn Ba", PHUC_XA, "11/08/2021", false),
        ("Phạm Văn Bốn", PHUC_XA, "12/08/2021", false),
        ("Phạm Văn Năm", "11296", "12/08/2021", false),
    ];
    let mut cases = Vec::new();
    for (name, commune, day, imported) in people {
        let p = person(s, name, commune).await;
        cases.push(case(s, p, day, imported).await);
    }
    s.set_case_course(&system, cases[2], "recovered", Some(d(14, 8)))
        .await
        .unwrap();

    let national = Scope::national();
    let report = s
        .report_figures(&national, "VN", d(1, 8), d(20, 8), d(1, 8))
        .await
        .unwrap();
    assert_eq!(
        (report.unit_code.as_str(), report.unit_name.as_str()),
        ("VN", "Toàn quốc")
    );
    assert_eq!(report.children.len(), 63);
    assert_eq!(report.figures.f0_new, 5);
    assert_eq!(report.figures.f0_new_imported, 1);
    assert_eq!(report.figures.f0_recovered, 1);

    // The national figure is the sum of the provinces' own reports, line by
    // line, and each province's part of the national report is its report.
    let mut sum = Figures::default();
    for child in &report.children {
        let own = s
            .report_figures(&national, &child.unit_code, d(1, 8), d(20, 8), d(1, 8))
            .await
            .unwrap();
        assert_eq!(own.figures, child.figures, "{}", child.unit_code);
        sum.add(&own.figures);
    }
    assert_eq!(sum, report.figures);
    let part = |code: &str| {
        report
            .children
            .iter()
            .find(|c| c.unit_code == code)
            .unwrap()
            .figures
            .f0_new
    };
    assert_eq!(
        (part(QUANG_NINH), part(HA_NOI), part(HAI_PHONG), part("02")),
        (2, 2, 1, 0)
    );

    // The dashboard of a national account: its own unit by default, the
    // provinces as its units, and the same figures.
    let q = DashboardQuery {
        unit: String::new(),
        from: "2021-08-01".into(),
        to: "2021-08-20".into(),
    };
    let board = s.dashboard(&national, &q, d(20, 8)).await.unwrap();
    assert_eq!(
        (board.unit_code.as_str(), board.unit_level.as_str()),
        ("VN", "national")
    );
    assert_eq!(board.units.len(), 63);
    assert_eq!(board.period.figures, report.figures);
    let qn = board
        .units
        .iter()
        .find(|u| u.unit_code == QUANG_NINH)
        .unwrap();
    assert_eq!(qn.f0_new_by_day.iter().sum::<i64>(), 2);
    let curve: i64 = board
        .curve
        .iter()
        .map(|c| c.community + c.quarantine + c.imported)
        .sum();
    assert_eq!(curve, 5);
    // A province's dashboard does not reach the nation.
    let q = DashboardQuery {
        unit: "VN".into(),
        ..q
    };
    assert!(matches!(
        s.dashboard(&scope(QUANG_NINH), &q, d(20, 8)).await,
        Err(StoreError::NotFound { .. })
    ));
}
