//! A fresh, migrated database for each test, on SQLite by default or on the
//! PostgreSQL server named by `PHONGDICH_TEST_POSTGRES` (one new schema per
//! test). When PostgreSQL was asked for and cannot be reached, the test fails.

use crate::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

pub const POSTGRES_ENV: &str = "PHONGDICH_TEST_POSTGRES";

/// A test database; an SQLite file is removed when this is dropped.
#[derive(Debug)]
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

    /// The one integer a raw query answers (a `COUNT`), 0 for none or NULL.
    pub async fn count(&self, sql: &str) -> i64 {
        self.ints(sql).await.first().copied().flatten().unwrap_or(0)
    }

    /// The number of rows of `table`.
    pub async fn rows(&self, table: &str) -> i64 {
        self.count(&format!("SELECT COUNT(*) FROM {table}")).await
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

/// The (field, code) pairs of an input refused as invalid; anything else fails the test.
pub fn invalid_fields(e: &crate::StoreError) -> Vec<(String, String)> {
    match e {
        crate::StoreError::Invalid(i) => {
            i.0.iter()
                .map(|f| (f.field.clone(), f.code.to_owned()))
                .collect()
        }
        other => panic!("expected invalid fields, got {other:?}"),
    }
}

/// A man born in 1985 living in `commune`, recorded by the system without
/// the duplicate check; his id.
pub async fn person(store: &Store, name: &str, commune: &str) -> i64 {
    create_person(
        store,
        &person_input(name, "1985", "nam", commune),
        store.today(),
    )
    .await
}

/// An F0 in `commune` (sampled and confirmed 01/08/2021), one F1 (household
/// contact 01/08) and `n` F2 (household contacts of the F1 on 02/08), named
/// `Trần Văn Aa…` (letters only, as names must be), through the store's own writes: (F0, F1, the F2s by id).
/// For lists longer than a page.
pub async fn seed_f2(store: &Store, commune: &str, n: usize) -> (i64, i64, Vec<i64>) {
    use phongdich_domain::contact::ContactInput;
    let today = chrono::NaiveDate::from_ymd_opt(2021, 8, 10).unwrap_or_default();
    let system = crate::Actor::system("test");
    let f0 = person(store, "Nguyễn Văn Gốc", commune).await;
    let f1 = person(store, "Lê Thị Một", commune).await;
    let mut f2 = Vec::with_capacity(n);
    for i in 0..n {
        let given: String = [i / 676, (i / 26) % 26, i % 26]
            .iter()
            .map(|&k| char::from(b'a' + k as u8))
            .collect();
        let given = format!("{}{}", given[..1].to_uppercase(), &given[1..]);
        f2.push(person(store, &format!("Trần Văn {given}"), commune).await);
    }
    let mut pairs = vec![(f0, f1, "2021-08-01")];
    pairs.extend(f2.iter().map(|&p| (f1, p, "2021-08-02")));
    for (a, b, on) in pairs {
        let contact = ContactInput {
            person_id: a,
            other_person_id: b,
            date: on.into(),
            setting: "household".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap_or_else(|e| panic!("{e:?}"));
        store
            .add_contact(&system, &contact)
            .await
            .unwrap_or_else(|e| panic!("contact: {e}"));
    }
    let case = crate::CaseInput {
        person_id: f0,
        confirmed_on: "2021-08-01".into(),
        sample_on: "2021-08-01".into(),
        source_kind: "investigating".into(),
        ..Default::default()
    };
    store
        .confirm_case(&system, &case, today)
        .await
        .unwrap_or_else(|e| panic!("case: {e}"));
    (f0, f1, f2)
}

/// Stop-gap until case corrections write several sources: record one more
/// case as a source of a case (by record ids), with its exposure day.
pub async fn add_case_source(
    store: &Store,
    case_id: i64,
    source_case_id: i64,
    exposure_on: Option<&str>,
) {
    sqlx::query(
        "INSERT INTO case_sources (case_id, kind, source_case_id, exposure_on, created_by, created_at) \
         VALUES ($1, 'case', $2, $3, 'test', '2021-01-01T00:00:00Z')",
    )
    .bind(case_id)
    .bind(source_case_id)
    .bind(exposure_on)
    .execute(&store.write)
    .await
    .unwrap_or_else(|e| panic!("adding a case source: {e}"));
}

/// The chain of known shape the chain tests (store and browser) draw: the
/// people's ids, in Hạ Khánh (06649) unless said otherwise.
#[derive(Debug)]
pub struct KnownChain {
    /// BN of generation 0, confirmed 01/08/2021.
    pub a: i64,
    /// A's 10 secondaries, confirmed 04/08 … 13/08/2021 (`b[i]` on 4 + i);
    /// `b[2]` recovered, `b[4]` lives in Hà Phong (06652).
    pub b: Vec<i64>,
    /// Infected by `b[0]` (exposure unknown, confirmed 10/08) and by `b[1]`
    /// (exposed 06/08).
    pub c1: i64,
    /// Infected by the recovered `b[2]`, recovered too (confirmed 11/08).
    pub c2: i64,
    /// Infected by `c1`, deceased (confirmed 15/08).
    pub d1: i64,
    /// Infected by `d1` (confirmed and sampled 20/08): generation 4.
    pub e1: i64,
    /// F1 of `e1` (contact 19/08).
    pub f1: i64,
    /// F2 through `f1` (contact 21/08, the last link), lives in Hà Phong.
    pub f2: i64,
}

/// Build the [`KnownChain`] through the store's own writes.
pub async fn known_chain(store: &Store) -> KnownChain {
    use crate::{Actor, CaseInput};
    use phongdich_domain::PersonInput;
    use phongdich_domain::contact::ContactInput;
    let today = chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default();
    let system = Actor::system("test");
    let mut n = 0;
    let mut person = async |name: &str, commune: &str| {
        n += 1;
        let input = PersonInput {
            full_name: name.into(),
            birth: format!("{}", 1960 + n),
            sex: "nữ".into(),
            commune_code: commune.into(),
            ..Default::default()
        };
        store
            .create_person(
                &system,
                &input.parse(today).unwrap_or_else(|e| panic!("{e:?}")),
                true,
            )
            .await
            .unwrap_or_else(|e| panic!("person {name}: {e}"))
            .id
    };
    let names = [
        "Nguyễn Thị An",
        "Trần Văn Bảo",
        "Lê Thị Cúc",
        "Phạm Văn Dũng",
        "Hoàng Thị Én",
        "Vũ Văn Phúc",
        "Đặng Thị Giang",
        "Bùi Văn Hải",
        "Đỗ Thị Hoa",
        "Hồ Văn Khang",
        "Ngô Thị Lan",
        "Dương Văn Minh",
        "Lý Thị Nga",
        "Mai Văn Oanh",
        "Cao Thị Phương",
        "Tạ Văn Quang",
        "Lương Thị Rạng",
    ];
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let commune = if i == 5 || i == 16 { "06652" } else { "06649" };
        ids.push(person(name, commune).await);
    }
    let confirm = async |p: i64, on: &str, source: Option<&str>| {
        let input = CaseInput {
            person_id: p,
            confirmed_on: on.into(),
            sample_on: on.into(),
            source_kind: if source.is_some() {
                "case"
            } else {
                "investigating"
            }
            .into(),
            source_ref: source.unwrap_or_default().into(),
            ..Default::default()
        };
        store
            .confirm_case(&system, &input, today)
            .await
            .unwrap_or_else(|e| panic!("case of {p}: {e}"))
            .0
    };
    let a = confirm(ids[0], "2021-08-01", None).await;
    let mut b = Vec::new();
    for i in 0..10 {
        b.push(confirm(ids[1 + i], &format!("2021-08-{:02}", 4 + i), Some(&a.code)).await);
    }
    let c1 = confirm(ids[11], "2021-08-10", Some(&b[0].code)).await;
    add_case_source(store, c1.id, b[1].id, Some("2021-08-06")).await;
    let c2 = confirm(ids[12], "2021-08-11", Some(&b[2].code)).await;
    let d1 = confirm(ids[13], "2021-08-15", Some(&c1.code)).await;
    let e1 = confirm(ids[14], "2021-08-20", Some(&d1.code)).await;
    let (f1, f2) = (ids[15], ids[16]);
    for (x, y, on) in [(e1.person_id, f1, "2021-08-19"), (f1, f2, "2021-08-21")] {
        let contact = ContactInput {
            person_id: x,
            other_person_id: y,
            date: on.into(),
            setting: "household".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap_or_else(|e| panic!("{e:?}"));
        store
            .add_contact(&system, &contact)
            .await
            .unwrap_or_else(|e| panic!("contact: {e}"));
    }
    for (case, course, on) in [
        (&b[2], "recovered", 25),
        (&c2, "recovered", 28),
        (&d1, "deceased", 30),
    ] {
        store
            .set_case_course_on(
                &system,
                case.id,
                course,
                None,
                chrono::NaiveDate::from_ymd_opt(2021, 8, on),
            )
            .await
            .unwrap_or_else(|e| panic!("course: {e}"));
    }
    KnownChain {
        a: a.person_id,
        b: b.iter().map(|c| c.person_id).collect(),
        c1: c1.person_id,
        c2: c2.person_id,
        d1: d1.person_id,
        e1: e1.person_id,
        f1,
        f2,
    }
}

/// Every figure of `unit`'s report for `from..=to` whose records are listed
/// ([`crate::figure_has_list`]) against its list's whole count: the
/// differences, as `key: figure ≠ list` (empty when every figure opens
/// exactly its records).
pub async fn figures_against_lists(
    store: &Store,
    unit: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    wave_start: chrono::NaiveDate,
) -> Vec<String> {
    let scope = crate::Scope::national();
    let report = store
        .report_figures(&scope, unit, from, to, wave_start)
        .await
        .unwrap_or_else(|e| panic!("report of {unit}: {e}"));
    let mut out = Vec::new();
    for line in phongdich_domain::report::LINES {
        if !crate::figure_has_list(line.key) {
            continue;
        }
        let figure = report.figures.get(line.key).unwrap_or(0);
        let list = store
            .figure_list(
                &scope,
                line.key,
                unit,
                crate::FigurePeriod {
                    from,
                    to,
                    wave_start,
                },
                crate::Paging::new(0, 1),
            )
            .await
            .unwrap_or_else(|e| panic!("list of {}: {e}", line.key));
        if list.total != figure {
            out.push(format!(
                "{unit} {from}..{to} {}: figure {figure} ≠ list {}",
                line.key, list.total
            ));
        }
    }
    out
}

// The units the store tests act in (the official tree the migrations load).
/// Quảng Ninh (province 22).
pub const QUANG_NINH: &str = "22";
/// Hạ Long (district 193 of Quảng Ninh).
pub const HA_LONG: &str = "193";
/// Hà Khánh (commune 06649 of Hạ Long).
pub const HA_KHANH: &str = "06649";
/// Hà Phong (commune 06652 of Hạ Long).
pub const HA_PHONG: &str = "06652";
/// Móng Cái (district 194 of Quảng Ninh).
pub const MONG_CAI: &str = "194";
/// Cẩm Phả (district 195 of Quảng Ninh).
pub const CAM_PHA: &str = "195";
/// Mông Dương (commune 06760 of Cẩm Phả).
pub const MONG_DUONG: &str = "06760";
/// Hà Nội (province 01).
pub const HA_NOI: &str = "01";
/// Phúc Xá (commune 00001 of Ba Đình, Hà Nội).
pub const PHUC_XA: &str = "00001";

/// A day of 2021 (`d(28, 8)` is 28/08/2021), the year the tests live in.
pub fn d(day: u32, month: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2021, month, day)
        .unwrap_or_else(|| panic!("no day {day}/{month}/2021"))
}

/// The "today" of the store tests: 01/09/2021.
pub fn today() -> chrono::NaiveDate {
    d(1, 9)
}

/// A contact tracer of `unit`, named `tracer@unit`.
pub fn tracer(unit: &str) -> crate::Actor {
    crate::Actor {
        name: format!("tracer@{unit}"),
        ..actor(unit, phongdich_domain::Role::ContactTracer)
    }
}

/// A person input with the fields every person needs.
pub fn person_input(
    name: &str,
    birth: &str,
    sex: &str,
    commune: &str,
) -> phongdich_domain::PersonInput {
    phongdich_domain::PersonInput {
        full_name: name.into(),
        birth: birth.into(),
        sex: sex.into(),
        commune_code: commune.into(),
        ..Default::default()
    }
}

/// `input` parsed as on `on` and recorded by the system without the
/// duplicate check; the new person's id.
pub async fn create_person(
    store: &Store,
    input: &phongdich_domain::PersonInput,
    on: chrono::NaiveDate,
) -> i64 {
    let parsed = input
        .parse(on)
        .unwrap_or_else(|e| panic!("person {}: {e:?}", input.full_name));
    store
        .create_person(&crate::Actor::system("test"), &parsed, true)
        .await
        .unwrap_or_else(|e| panic!("person {}: {e:?}", input.full_name))
        .id
}

/// A household contact between `a` and `b` on `date` (as typed), parsed as
/// of [`today`].
pub fn household_contact(a: i64, b: i64, date: &str) -> phongdich_domain::contact::NewContact {
    phongdich_domain::contact::ContactInput {
        person_id: a,
        other_person_id: b,
        date: date.into(),
        setting: "household".into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap_or_else(|e| panic!("contact {a}–{b}: {e:?}"))
}

/// The class level (0 for F0, 1 for F1…) of person `p`, read nationally.
pub async fn class_level(store: &Store, p: i64) -> Option<i64> {
    store
        .person_class(&crate::Scope::national(), p)
        .await
        .unwrap_or_else(|e| panic!("class of {p}: {e:?}"))
        .0
        .map(|c| c.level)
}
