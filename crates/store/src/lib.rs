//! The store: one schema and one query path over SQLite (embedded default) and
//! PostgreSQL. Every read and write of person-level data takes a [`Scope`] and is
//! filtered by it here, so no caller can forget jurisdiction.

#![warn(unreachable_pub)]

mod accounts;
mod audit;
mod campaigns;
mod case_sources;
mod cases;
mod class_periods;
mod clusters;
mod contact_reviews;
mod declarations;
mod directives;
mod engine_write;
mod error;
mod figures;
mod green_zones;
mod import;
mod levels;
mod lockdowns;
mod migrate;
mod persons;
mod places;
mod quarantine;
mod response;
mod results_batch;
mod returnee_batches;
mod returnee_lists;
mod returnees;
mod samples;
mod settings;
mod situation_reports;
mod sql;
pub mod testing;
mod treatment;
mod units;
mod util;
mod views;

pub use accounts::{ApiToken, NewUser, Session, User};
pub use audit::{AuditEntry, AuditFilter};
pub use campaigns::{
    Campaign, CampaignInput, CampaignPeople, CampaignPerson, CampaignProgress, CampaignRound,
    PROGRESS_STATUSES, TargetKind, UnitProgress, parse_deadline,
};
pub use case_sources::{CaseSource, Source, check_origin, summary as source_summary};
pub use cases::{
    Case, CaseInput, ClassChange, ClassHistoryEntry, ClassInfo, ClassPage, Contact,
    DEPTH as TRACING_DEPTH, check_case_input, engine_rules,
};
pub use clusters::{Cluster, ClusterDetail, ClusterInput, ClusterKind, ClusterMember};
pub use contact_reviews::{ContactReview, REVIEW_OUTCOMES};
pub use declarations::{
    HealthDeclaration, LinkAccess, LinkFor, LinkOrder, LinkSubject, LinkTreatment, NewLink,
    PersonalLink, show_code,
};
pub use directives::{
    DirectiveArea, DirectivesHere, Permit, PermitCheck, PermitCheckRow, PermitDetail, rule_of,
};
pub use engine_write::{ClassCheck, WriteFailpoint};
pub use error::{Entity, StoreError};
pub use figures::{DAY_KEYS, STOCK_KEYS};
pub use green_zones::{AlertedShift, GreenZone, GreenZoneDetail, ZoneCase, ZoneCheckpoint};
pub use import::{
    BatchOutcome, IMPORT_STALE, ImportPolicy, ImportRun, ImportRunRecord, ImportState, ParsedRow,
    RowOutcome, parse_rows,
};
pub use levels::{
    AreaLevel, CommuneLevel, CoverageInput, LevelOverride, ProvinceRollup, WeekLevels,
};
pub use lockdowns::{Lockdown, LockdownCase, LockdownDetail, LockdownEvent, LockdownPerson};
pub use persons::{
    DuplicateCandidate, DuplicatePairs, MergeOutcome, Person, PersonQuery, PersonUpdate,
};
pub use phongdich_domain::directive::{DirectiveEndInput, DirectiveInput, PermitInput};
pub use phongdich_domain::green_zone::{GreenZoneInput, ZoneCheckpointInput};
pub use phongdich_domain::lockdown::{LockdownChangeInput, LockdownInput};
pub use places::{Admission, BedCount, BedType, FreeBeds, Place, PlaceInput, PlaceKind};
pub use quarantine::{OrderInput, Proposal, QuarantineOrder, RuleVersion};
pub use response::{
    DutyShift, EquipmentInput, EquipmentKind, OxygenEquipment, OxygenLoan, ResponseTimes,
    ShiftInput, parse_time,
};
pub use results_batch::ResultSummary;
pub use returnee_batches::{BatchDetail, SeatOutcome, TransportBatch, codes_of};
pub use returnee_lists::{ListGroups, ListRegistered, ListRow};
pub use returnees::{AreaInput, Handover, Registered, Registration, ScanInput, ScanOutcome};
pub use samples::{
    Awaiting, AwaitingResults, LabTurnaround, OverdueSample, PendingReview, Pool, PoolInput,
    ResultOutcome, Sample, SampleInput, SamplingItem, Specimen, Turnaround,
};
pub use settings::{
    ALERT_ESCALATION_MINUTES, ALERT_ESCALATION_RANGE, F0_CONFIRMATION, F0_CONFIRMATION_VALUES,
    ProvinceSetting, REPORT_DEADLINE, WAVE_START, setting_default,
};
pub use situation_reports::{SituationReport, Submission};
pub use sql::Dialect;
pub use treatment::{
    AlertAction, AlertPulse, HomeTreatment, MissingVitals, MissingVitalsList, OpenAlert,
    OpenAlerts, TreatmentAlert, VitalRecord,
};
pub use units::{NewHamlet, PopulationRow, Unit};
pub use util::vietnam;
pub use views::case_lists::{
    CaseEvent, CaseFilter, CaseFilterParams, CaseFound, CaseList, CaseListEntry, CaseListQuery,
    CaseRegister, CaseRegisterEntry, CaseStatus, SOURCE_KINDS,
};
pub use views::chain::{Chain, ChainEdge, ChainNode};
pub use views::dashboard::{
    ClusterLoad, CurveDay, DEFAULT_DASHBOARD_DAYS, Dashboard, DashboardQuery, DashboardUnit,
    MAX_DASHBOARD_DAYS, SPARKLINE_DAYS, TestDay, dashboard_period,
};
pub use views::figure_lists::{FigureEntry, FigureList, FigurePeriod, has_list as figure_has_list};
pub use views::quarantine_day::{DayList, DayListEntry, QuarantineDay};
pub use views::reports::{ChildFigures, ReportFigures};
pub use views::returnee_figures::{OriginCount, ReturneeFigures};
pub use views::zone_report::{
    ReportDirective, ReportLevels, ReportLockdown, ReportZoneLost, ZoneSummary,
};

use phongdich_domain::{Permission, Role, UnitCode, UnitLevel};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A window on a long list. A district's or a province's day list can name
/// tens of thousands of people; it is read a page at a time, its full count
/// beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Paging {
    /// Entries skipped.
    pub offset: i64,
    /// Entries given at most.
    pub limit: i64,
}

impl Paging {
    pub const DEFAULT_LIMIT: i64 = 100;
    /// A larger page is clipped: it would be the whole list again.
    pub const MAX_LIMIT: i64 = 1000;

    /// `limit` entries from `offset`, both brought into range.
    pub fn new(offset: i64, limit: i64) -> Self {
        Paging {
            offset: offset.max(0),
            limit: limit.clamp(1, Self::MAX_LIMIT),
        }
    }

    /// The `n`-th page (from 1) of `DEFAULT_LIMIT` entries.
    pub fn page(n: i64) -> Self {
        Self::new(
            (n.max(1) - 1).saturating_mul(Self::DEFAULT_LIMIT),
            Self::DEFAULT_LIMIT,
        )
    }

    /// Whether entries remain after this page in a list of `total`.
    pub fn has_more(&self, total: i64) -> bool {
        self.offset.saturating_add(self.limit) < total
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self::page(1)
    }
}

/// The part of the administrative tree a caller may see and change: one unit
/// and everything under it, or the whole country for the system itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(ScopeKind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum ScopeKind {
    National,
    Unit(UnitCode),
    /// Sees nothing: a login attempt, a broken account.
    Nothing,
}

impl Scope {
    /// The whole country: the CLI run by the operator, migrations, the demo.
    pub fn national() -> Self {
        Scope(ScopeKind::National)
    }

    /// The unit and everything under it; the national unit (`VN`) is the
    /// whole country, so its accounts act with [`Scope::national`].
    pub fn unit(code: UnitCode) -> Self {
        match code.level() {
            UnitLevel::National => Self::national(),
            _ => Scope(ScopeKind::Unit(code)),
        }
    }

    pub fn nothing() -> Self {
        Scope(ScopeKind::Nothing)
    }

    pub fn root(&self) -> Option<&UnitCode> {
        match &self.0 {
            ScopeKind::Unit(c) => Some(c),
            _ => None,
        }
    }

    pub fn is_national(&self) -> bool {
        self.0 == ScopeKind::National
    }

    /// The unit whose records this scope holds: the root, or the national
    /// unit (`VN`) for the whole country; none for a scope that sees nothing.
    /// What a page or list shows by default.
    pub fn home(&self) -> Option<UnitCode> {
        match &self.0 {
            ScopeKind::National => Some(UnitCode::nation()),
            ScopeKind::Unit(c) => Some(c.clone()),
            ScopeKind::Nothing => None,
        }
    }

    /// Whether a record with these denormalised unit codes lies inside this scope.
    pub fn contains_codes(&self, province: &str, district: &str, commune: &str) -> bool {
        match &self.0 {
            ScopeKind::National => true,
            ScopeKind::Nothing => false,
            ScopeKind::Unit(root) => match root.level() {
                UnitLevel::National => true,
                UnitLevel::Province => root.as_str() == province,
                UnitLevel::District => root.as_str() == district,
                UnitLevel::Commune => root.as_str() == commune,
                UnitLevel::Hamlet => false,
            },
        }
    }

    /// Whether a unit (given by its ancestry) lies inside this scope.
    pub fn contains(&self, unit: &Unit) -> bool {
        match &self.0 {
            ScopeKind::National => true,
            ScopeKind::Nothing => false,
            ScopeKind::Unit(root) => unit.lineage().any(|c| c == root.as_str()),
        }
    }
}

/// Who is acting, from where, and within which scope: recorded in the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub source: String,
    pub scope: Scope,
    pub role: Role,
}

impl Actor {
    /// The operator at the terminal: national scope.
    pub fn system(source: &str) -> Self {
        Actor {
            name: "system".into(),
            source: source.into(),
            scope: Scope::national(),
            role: Role::Admin,
        }
    }

    /// Refuse, unless the actor's role allows `p`.
    pub fn require(&self, p: Permission) -> Result<()> {
        if self.role.can(p) {
            Ok(())
        } else {
            Err(StoreError::Forbidden { permission: p })
        }
    }
}

/// A handle on the database. Writes go through a single-connection pool on
/// SQLite so that write transactions queue instead of failing with SQLITE_BUSY.
#[derive(Debug, Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    /// Where report figures are recounted (`figures`): the one writer on
    /// SQLite; on PostgreSQL two connections of their own, so that readers
    /// queueing for a recount never hold the connections everything else needs.
    figures: AnyPool,
    dialect: Dialect,
    url: String,
    /// The contact-tracing engine, loaded on first use (see `cases`).
    tracing: std::sync::Arc<tokio::sync::Mutex<Option<phongdich_engine::Engine>>>,
    /// The day classes are judged on: set by the last expiry sweep
    /// (`expire_classes`), kept here so an engine reloaded after a discarded
    /// write judges on the same day (`i32::MIN`: no sweep yet, nothing expires).
    class_day: std::sync::Arc<std::sync::atomic::AtomicI32>,
    /// A test hook for class-changing writes (`engine_write`).
    failpoint: std::sync::Arc<std::sync::Mutex<Option<WriteFailpoint>>>,
    /// The provinces' epidemic areas and quarantine rules as arrivals'
    /// obligations read them (see `returnees::ArrivalRulesCache`).
    arrival_rules: std::sync::Arc<returnees::ArrivalRulesCache>,
    /// The country's communes as the week's levels read them (see
    /// `levels::CommunesCache`).
    communes: std::sync::Arc<levels::CommunesCache>,
    /// Where "now" and Vietnam's "today" come from: the system's, unless the
    /// opener hands another ([`Store::with_clock`]; tests fix and move it).
    clock: phongdich_domain::Clock,
}

/// `sqlite://PATH`, a bare path, or `postgres://…`.
pub fn normalize_url(db: &str) -> String {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        db.to_owned()
    } else {
        let path = db
            .strip_prefix("sqlite://")
            .or_else(|| db.strip_prefix("sqlite:"))
            .unwrap_or(db);
        if path.contains('?') {
            format!("sqlite://{path}")
        } else {
            format!("sqlite://{path}?mode=rwc")
        }
    }
}

/// How long a PostgreSQL connection may sit idle in the pool before it is
/// tested (a ping) when next acquired.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(10);

/// SQLite copies the write-ahead log into the database file at checkpoints.
/// Left to the writer (its automatic checkpoint, after a commit once the log
/// holds 16,384 pages), every write queued behind that commit waits for the
/// copy and its `fsync` — the checkpoint scans' p99 was 218 ms where their
/// p90 was 27 ms (BENCHMARKS.md, returnees). A passive checkpoint every half
/// second from a reader's connection copies what it can without taking the
/// write lock, so the log stays short and the writer's own checkpoint,
/// kept as a backstop, rarely comes due. Stops when the pool is closed.
fn checkpoint_off_the_writers_path(pool: AnyPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                break;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if pool.is_closed() {
                    break;
                }
                tracing::debug!(error = %e, "passive checkpoint");
            }
        }
    });
}

impl Store {
    /// Open (creating an SQLite file if needed) without migrating.
    pub async fn connect(db: &str) -> Result<Store> {
        install_default_drivers();
        let url = normalize_url(db);
        let engine = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else {
            Dialect::Postgres
        };
        // The one writer gets a larger page cache and checkpoints less often:
        // bulk imports touch pages of several random-keyed indexes per batch,
        // and each checkpoint rewrites them (measured in BENCHMARKS.md).
        let options = |writer: bool| {
            AnyPoolOptions::new()
                .acquire_timeout(Duration::from_secs(30))
                // A SQLite connection is a file handle and cannot drop like a
                // network one: testing it at every acquire (sqlx's default, a
                // round trip to the connection's thread) doubled the round
                // trips of every read (BENCHMARKS.md, day lists). A
                // PostgreSQL connection is tested only when it has been idle
                // a while (a server restart or a dropped link shows there);
                // one in steady use proves itself with every statement, and a
                // ping per acquire was a round trip per statement (BENCHMARKS.md,
                // returnees' scans).
                .test_before_acquire(false)
                .before_acquire(move |conn, meta| {
                    Box::pin(async move {
                        if engine == Dialect::Postgres && meta.idle_for > IDLE_BEFORE_PING {
                            use sqlx::Connection;
                            conn.ping().await?;
                        }
                        Ok(true)
                    })
                })
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        if engine == Dialect::Sqlite {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                            conn.execute(if writer {
                                "PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 16384;"
                            } else {
                                // Readers map the file: a page read is then a
                                // memory access, not a `pread` copying the page
                                // (the day lists spent half their time copying).
                                "PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;"
                            })
                            .await?;
                        }
                        Ok(())
                    })
                })
        };
        let (read, write, figures) = match engine {
            Dialect::Sqlite => {
                let write = options(true).max_connections(1).connect(&url).await?;
                let read = options(false).max_connections(4).connect(&url).await?;
                checkpoint_off_the_writers_path(read.clone());
                (read, write.clone(), write)
            }
            Dialect::Postgres => {
                let pool = options(false).max_connections(8).connect(&url).await?;
                let figures = options(false).max_connections(2).connect_lazy(&url)?;
                (pool.clone(), pool, figures)
            }
        };
        Ok(Store {
            read,
            write,
            figures,
            dialect: engine,
            url,
            tracing: Default::default(),
            class_day: std::sync::Arc::new(std::sync::atomic::AtomicI32::new(i32::MIN)),
            failpoint: Default::default(),
            arrival_rules: Default::default(),
            communes: Default::default(),
            clock: phongdich_domain::Clock::system(),
        })
    }

    /// Open and bring the schema up to date.
    pub async fn open(db: &str) -> Result<Store> {
        let store = Store::connect(db).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// The same store reading its time from `clock` (clones of a fixed clock
    /// share its time, so a test moves it with [`phongdich_domain::Clock::set`]).
    pub fn with_clock(mut self, clock: phongdich_domain::Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The clock every date rule and stored timestamp reads.
    pub fn clock(&self) -> &phongdich_domain::Clock {
        &self.clock
    }

    /// Today in Vietnam, by the store's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Now as stored (RFC 3339, UTC, milliseconds), by the store's clock.
    pub(crate) fn stamp(&self) -> String {
        self.clock.stamp()
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Cheap round trip for health checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.figures.close().await;
        self.write.close().await;
        self.read.close().await;
    }
}
