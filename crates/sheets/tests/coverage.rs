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
