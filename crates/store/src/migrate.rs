//! Versioned migrations, applied at start and by `phongdich migrate`. The shared
//! SQL is written once with `{{…}}` slots for the few types that differ; a
//! migration may add a per-engine file and a data step written in Rust.
//!
//! The slots are `{{ID}}` (auto key), `{{WITHOUT_ROWID}}` and `{{BINARY}}`
//! (collation); an engine-specific companion file holds what the languages
//! spell differently (the triggers that make `audit_log` append-only, the
//! figures' triggers). Migration 2 is a data step only: it loads the 2021 units
//! from the CSV embedded at build time (`data/vn_admin_units_2021.csv`). A new
//! migration is one more entry at the end of `MIGRATIONS`, with the next
//! version number and `include_str!` of its file.

use crate::{Dialect, Result, Store, units};
use sqlx::{Any, Transaction};

struct Migration {
    version: i64,
    name: &'static str,
    shared: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    data: Option<for<'a> fn(&'a mut Transaction<'static, Any>, Dialect) -> units::BoxFut<'a>>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "core schema",
        shared: include_str!("../migrations/0001_core.sql"),
        sqlite: include_str!("../migrations/0001_core.sqlite.sql"),
        postgres: include_str!("../migrations/0001_core.postgres.sql"),
        data: None,
    },
    Migration {
        version: 2,
        name: "administrative units 2021",
        shared: "",
        sqlite: "",
        postgres: "",
        data: Some(units::load_units_2021),
    },
    Migration {
        version: 3,
        name: "accounts, sessions, API tokens",
        shared: include_str!("../migrations/0003_accounts.sql"),
        sqlite: include_str!("../migrations/0003_accounts.sqlite.sql"),
        postgres: include_str!("../migrations/0003_accounts.postgres.sql"),
        data: None,
    },
    Migration {
        version: 4,
        name: "cases, contacts, classes",
        shared: include_str!("../migrations/0004_tracing.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 5,
        name: "index of infected-by links",
        shared: include_str!("../migrations/0005_chain_index.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 6,
        name: "samples, pools, lab results",
        shared: include_str!("../migrations/0006_samples.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 7,
        name: "testing campaigns, province settings, result review",
        shared: include_str!("../migrations/0007_campaigns.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 8,
        name: "quarantine rules and orders",
        shared: include_str!("../migrations/0008_quarantine.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 9,
        name: "home treatment, vital signs, alerts",
        shared: include_str!("../migrations/0009_home_treatment.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 10,
        name: "quarantine and treatment places, beds, admissions",
        shared: include_str!("../migrations/0010_places.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 11,
        name: "duty roster, alert routing and escalation, oxygen equipment",
        shared: include_str!("../migrations/0011_response.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 12,
        name: "health declarations, personal links",
        shared: include_str!("../migrations/0012_declarations.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 13,
        name: "day lists as index ranges: test days, order ends",
        shared: include_str!("../migrations/0013_day_list_indexes.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 14,
        name: "situation reports as sent, reminders",
        shared: include_str!("../migrations/0014_reports.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 15,
        name: "indexes for the reports' period figures",
        shared: include_str!("../migrations/0015_report_indexes.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 16,
        name: "day list counts from indexes: orders' first day and kind, flagged declarations",
        shared: include_str!("../migrations/0016_day_list_covering.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 17,
        name: "report figures kept per commune and day, recomputed after changes",
        shared: include_str!("../migrations/0017_figures.sql"),
        sqlite: include_str!("../migrations/0017_figures.sqlite.sql"),
        postgres: include_str!("../migrations/0017_figures.postgres.sql"),
        data: None,
    },
    Migration {
        version: 18,
        name: "case records: official and local codes, dated course, sources as links, anonymised people",
        shared: include_str!("../migrations/0018_case_records.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 19,
        name: "the national unit (VN) above the provinces",
        shared: include_str!("../migrations/0019_national_unit.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 20,
        name: "figures on any day: dated course steps, class periods, stocks kept as daily changes",
        shared: include_str!("../migrations/0020_point_in_time.sql"),
        sqlite: include_str!("../migrations/0020_point_in_time.sqlite.sql"),
        postgres: include_str!("../migrations/0020_point_in_time.postgres.sql"),
        data: None,
    },
    Migration {
        version: 21,
        name: "a case's source can be another province (and district) of origin",
        shared: include_str!("../migrations/0021_source_province.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 22,
        name: "contact reviews (rà soát): the tracing team reached a contact and checked the exposure",
        shared: include_str!("../migrations/0022_contact_reviews.sql"),
        sqlite: include_str!("../migrations/0022_contact_reviews.sqlite.sql"),
        postgres: include_str!("../migrations/0022_contact_reviews.postgres.sql"),
        data: None,
    },
    Migration {
        version: 23,
        name: "import runs counted as batches commit; an unfinished run shows as interrupted",
        shared: include_str!("../migrations/0023_import_progress.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 24,
        name: "login throttling per account and address, with backoff",
        shared: include_str!("../migrations/0024_login_throttle.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 25,
        name: "returnees: epidemic areas, registrations with codes, checkpoint scans",
        shared: include_str!("../migrations/0025_returnees.sql"),
        sqlite: "",
        postgres: "",
        data: Some(crate::returnees::seed_provincial_rules),
    },
    Migration {
        version: 26,
        name: "returnees: transport batches and seats",
        shared: include_str!("../migrations/0026_transport_batches.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 27,
        name: "returnees received in the rapid report's figures",
        shared: include_str!("../migrations/0027_returnee_figures.sql"),
        sqlite: include_str!("../migrations/0027_returnee_figures.sqlite.sql"),
        postgres: include_str!("../migrations/0027_returnee_figures.postgres.sql"),
        data: None,
    },
    Migration {
        version: 28,
        name: "returnees: a record held elsewhere follows the person home",
        shared: include_str!("../migrations/0028_returnee_elsewhere.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 29,
        name: "lockdown areas, their cases and decisions",
        shared: include_str!("../migrations/0029_lockdowns.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 30,
        name: "epidemic levels: coverage, provinces' rule sets, published levels",
        shared: include_str!("../migrations/0030_levels.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 31,
        name: "green zones, their checkpoints, and checkpoint shifts",
        shared: include_str!("../migrations/0031_green_zones.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 32,
        name: "directives applied to areas, travel permits and their checks",
        shared: include_str!("../migrations/0032_directives_permits.sql"),
        sqlite: "",
        postgres: "",
        data: None,
    },
    Migration {
        version: 33,
        name: "community cases by commune and week, the units' version",
        shared: include_str!("../migrations/0033_level_reads.sql"),
        sqlite: include_str!("../migrations/0033_level_reads.sqlite.sql"),
        postgres: include_str!("../migrations/0033_level_reads.postgres.sql"),
        data: None,
    },
];

fn render(sql: &str, engine: Dialect) -> String {
    // BINARY: byte order, so that a prefix range on folded words uses the index.
    let (id, without_rowid, binary) = match engine {
        Dialect::Sqlite => ("INTEGER PRIMARY KEY", " WITHOUT ROWID", ""),
        Dialect::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "",
            "COLLATE \"C\"",
        ),
    };
    sql.replace("{{ID}}", id)
        .replace("{{WITHOUT_ROWID}}", without_rowid)
        .replace("{{BINARY}}", binary)
}

impl Store {
    /// Apply every migration not yet applied, each in its own transaction.
    /// Returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations \
             (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&self.write)
        .await?;
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let mut tx = self.write.begin().await?;
            if self.dialect == Dialect::Postgres {
                // Two servers starting at once must not both migrate.
                sqlx::query("SELECT pg_advisory_xact_lock(7420251)")
                    .execute(&mut *tx)
                    .await?;
            }
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(m.version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                tx.rollback().await?;
                continue;
            }
            let specific = match self.dialect {
                Dialect::Sqlite => m.sqlite,
                Dialect::Postgres => m.postgres,
            };
            for sql in [m.shared, specific] {
                if !sql.trim().is_empty() {
                    sqlx::raw_sql(&render(sql, self.dialect))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            if let Some(data) = m.data {
                data(&mut tx, self.dialect).await?;
            }
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(m.version)
            .bind(m.name)
            .bind(self.stamp())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::info!(version = m.version, name = m.name, "migration applied");
            applied.push(m.version);
        }
        Ok(applied)
    }

    /// The latest applied migration version.
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                .fetch_one(&self.read)
                .await?,
        )
    }
}
