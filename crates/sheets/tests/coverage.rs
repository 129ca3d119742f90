#![allow(clippy::unwrap_used)]
//! A coverage file through `import_coverage` when the database fails part
//! way: the rows before are entered and reported, the failing row and
//! those after are not, and the summary says where it stopped (it is not
//! lost in an error). SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is
//! set; the failure is a trigger refusing one commune's insert, as a full
//! disk or a dropped connection would.

use phongdich_domain::Role;
use phongdich_store::testing::{HA_KHANH, HA_PHONG, MONG_DUONG, POSTGRES_ENV, TestDb, actor};
use std::io::Write;

#[tokio::test]
async fn a_database_failure_part_way_keeps_what_was_entered_and_says_where_it_stopped() {
    let db = TestDb::new().await;
    let postgres = std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty());
    if postgres {
        db.execute(
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql",
        )
        .await
        .unwrap();
        db.execute(&format!(
            "CREATE TRIGGER boom BEFORE INSERT ON commune_coverage FOR EACH ROW \
             WHEN (NEW.unit_code = '{HA_PHONG}') EXECUTE FUNCTION boom()"
        ))
        .await
        .unwrap();
    } else {
        db.execute(&format!(
            "CREATE TRIGGER boom BEFORE INSERT ON commune_coverage WHEN NEW.unit_code = '{HA_PHONG}' \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        ))
        .await
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiem-chung.csv");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(
        f,
        "Mã xã,Ngày,Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%),Năng lực điều trị"
    )
    .unwrap();
    for code in [HA_KHANH, HA_PHONG, MONG_DUONG] {
        writeln!(f, "{code},20/10/2021,91.5,82,đạt").unwrap();
    }
    drop(f);
    let s =
        phongdich_sheets::coverage::import_coverage(&db.store, &actor("22", Role::Admin), &path)
            .await
            .expect("a summary, not an error");
    assert_eq!(s.entered, 1);
    assert_eq!(s.rows.len(), 1, "the rows before the failure");
    assert_eq!(s.rows[0].unit_code, HA_KHANH);
    let (line, why) = s.stopped.expect("where it stopped");
    assert_eq!(line, 3);
    assert!(why.contains("disk full"), "{why}");
    assert_eq!(db.rows("commune_coverage").await, 1);
}

/// A fraction among percentages (0.915 where the other rows say 80) could
/// be 0.915 % or 91.5 %: refused with both readings said, not entered as
/// 0.915 %; a whole column of fractions is read as percent cells.
#[tokio::test]
async fn a_fraction_among_percentages_is_refused_not_read_as_a_tiny_share() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let import = |name: &str, body: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let store = db.store.clone();
        async move {
            phongdich_sheets::coverage::import_coverage(&store, &actor("22", Role::Admin), &path)
                .await
                .unwrap()
        }
    };
    let head =
        "Mã xã,Ngày,Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%)";
    let s = import(
        "mixed.csv",
        format!("{head}\n{HA_KHANH},20/10/2021,80,70\n{HA_PHONG},20/10/2021,0.915,75\n"),
    )
    .await;
    assert_eq!(s.entered, 1);
    let refused = &s.rows[1];
    assert_eq!(refused.line, 3);
    assert_eq!(refused.errors.len(), 1);
    assert_eq!(refused.errors[0].code, "ambiguous_fraction");
    assert!(
        refused.errors[0]
            .message_en
            .contains("write 91.5 if it is 91.5 %"),
        "{:?}",
        refused.errors
    );
    let s = import(
        "fractions.csv",
        format!("{head}\n{MONG_DUONG},20/10/2021,0.915,0.8\n"),
    )
    .await;
    assert_eq!(s.entered, 1);
    assert!(s.rows[0].fractions);
    let stored = db
        .strings(&format!(
            "SELECT CAST(adult_one_dose AS TEXT) FROM commune_coverage WHERE unit_code = '{MONG_DUONG}'"
        ))
        .await;
    assert_eq!(
        stored[0].as_deref().map(|v| v.parse::<f64>().unwrap()),
        Some(91.5)
    );
}

/// A share written with "%" is a percentage however small: "0,5%" among
/// 80s is half a percent, entered, not refused as a possible fraction; and a
/// column of small shares holding one "%" is not read as fractions.
#[tokio::test]
async fn a_share_written_with_a_percent_sign_is_a_percentage() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marked.csv");
    std::fs::write(
        &path,
        format!(
            "Mã xã,Ngày,Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%)\n\
             {HA_KHANH},20/10/2021,80,70\n{HA_PHONG},20/10/2021,\"0,5%\",75\n{MONG_DUONG},20/10/2021,90,0.8%\n"
        ),
    )
    .unwrap();
    let s =
        phongdich_sheets::coverage::import_coverage(&db.store, &actor("22", Role::Admin), &path)
            .await
            .unwrap();
    assert_eq!(s.entered, 3, "{:?}", s.rows);
    assert!(s.rows.iter().all(|r| !r.fractions));
    let stored = |code: &str, column: &str| {
        let db = &db;
        let sql = format!(
            "SELECT CAST({column} AS TEXT) FROM commune_coverage WHERE unit_code = '{code}'"
        );
        async move {
            db.strings(&sql).await[0]
                .as_deref()
                .map(|v| v.parse::<f64>().unwrap())
        }
    };
    assert_eq!(stored(HA_PHONG, "adult_one_dose").await, Some(0.5));
    assert_eq!(stored(MONG_DUONG, "elderly_full").await, Some(0.8));
    // Percent cells read as fractions (0.8 for 80 %) beside one typed "0%":
    // the column holds percentages, so 0.8 could be either — refused.
    let path = dir.path().join("cells.csv");
    std::fs::write(
        &path,
        format!(
            "Mã xã,Ngày,Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%)\n\
             {HA_KHANH},21/10/2021,0.8,0.7\n{HA_PHONG},21/10/2021,0%,0.75\n"
        ),
    )
    .unwrap();
    let s =
        phongdich_sheets::coverage::import_coverage(&db.store, &actor("22", Role::Admin), &path)
            .await
            .unwrap();
    assert_eq!(s.rows[0].errors.len(), 1, "{:?}", s.rows);
    assert_eq!(s.rows[0].errors[0].code, "ambiguous_fraction");
}

/// A role that may not enter coverage is refused before any row, in both
/// languages — not stopped at the first row as if the database had failed.
#[tokio::test]
async fn a_role_that_may_not_enter_coverage_is_refused_before_any_row() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiem.csv");
    std::fs::write(
        &path,
        format!("Mã xã,Ngày,Tỷ lệ người từ 18 tuổi tiêm ít nhất 1 mũi (%),Tỷ lệ người cao tuổi tiêm đủ (%)\n{HA_KHANH},20/10/2021,80,70\n"),
    )
    .unwrap();
    let e =
        phongdich_sheets::coverage::import_coverage(&db.store, &actor("22", Role::Viewer), &path)
            .await
            .expect_err("refused");
    let e = e.to_string();
    assert!(
        e.contains("Vai trò của bạn không được phép") && e.contains("Your role does not allow"),
        "{e}"
    );
    assert_eq!(db.rows("commune_coverage").await, 0);
}
