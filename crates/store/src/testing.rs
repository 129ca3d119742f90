//! A fresh, migrated database for each test, on SQLite by default or on the
//! PostgreSQL server named by `PHONGDICH_TEST_POSTGRES` (one new schema per
//! test). When PostgreSQL was asked for and cannot be reached, the test fails.

use crate::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

pub const POSTGRES_ENV: &str = "PHONGDICH_TEST_POSTGRES";

/// A test database; an SQLite file is removed when this is dropped.
pub struct TestDb {
    pub store: Store,
    /// The URL to hand to another process (the binary under test).
    pub url: String,
    file: Option<PathBuf>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "pdtest_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

impl TestDb {
    pub async fn new() -> TestDb {
        let name = unique_name();
        match std::env::var(POSTGRES_ENV) {
            Ok(base) if !base.is_empty() => {
                let admin = Store::connect(&base).await.unwrap_or_else(|e| {
                    panic!("{POSTGRES_ENV}={base} was asked for but cannot be reached: {e}")
                });
                sqlx::query(&format!("CREATE SCHEMA {name}"))
                    .execute(&admin.write)
                    .await
                    .unwrap_or_else(|e| panic!("cannot create schema {name}: {e}"));
                admin.close().await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{name}");
                let store = Store::open(&url)
                    .await
                    .unwrap_or_else(|e| panic!("migrating {name}: {e}"));
                TestDb {
                    store,
                    url,
                    file: None,
                }
            }
            _ => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                let url = format!("sqlite://{}", path.display());
                let store = Store::open(&url)
                    .await
                    .unwrap_or_else(|e| panic!("opening {url}: {e}"));
                TestDb {
                    store,
                    url,
                    file: Some(path),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(path) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

impl TestDb {
    /// Run a raw statement, as an attacker or a careless script would.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query(sql)
            .execute(&self.store.write)
            .await?
            .rows_affected())
    }

    /// A column of nullable integers from a raw query, for checks a test makes.
    pub async fn ints(&self, sql: &str) -> Vec<Option<i64>> {
        sqlx::query_scalar(sql)
            .fetch_all(&self.store.read)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// A column of nullable strings from a raw query, for checks a test makes.
    pub async fn strings(&self, sql: &str) -> Vec<Option<String>> {
        sqlx::query_scalar(sql)
            .fetch_all(&self.store.read)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// A signed-in user of `unit` with `role`, as the store tests act.
pub fn actor(unit: &str, role: phongdich_domain::Role) -> crate::Actor {
    let code = match phongdich_domain::UnitCode::parse(unit) {
        Ok(code) => code,
        Err(e) => panic!("unit {unit}: {e:?}"),
    };
    crate::Actor {
        name: format!("{}@{unit}", role.as_str()),
        source: "test".into(),
        scope: crate::Scope::unit(code),
        role,
    }
}

/// A man born in 1985 living in `commune`, recorded by the system without
/// the duplicate check; his id.
pub async fn person(store: &Store, name: &str, commune: &str) -> i64 {
    let input = phongdich_domain::PersonInput {
        full_name: name.into(),
        birth: "1985".into(),
        sex: "nam".into(),
        commune_code: commune.into(),
        ..Default::default()
    };
    let today = chrono::Utc::now().date_naive();
    let parsed = match input.parse(today) {
        Ok(p) => p,
        Err(e) => panic!("person {name}: {e:?}"),
    };
    match store
        .create_person(&crate::Actor::system("test"), &parsed, true)
        .await
    {
        Ok(p) => p.id,
        Err(e) => panic!("person {name}: {e:?}"),
    }
}
