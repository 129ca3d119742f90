//! `phongdich bench returnees` (issue 19): a province's registry of people
//! (seeded by the engine's own bulk load, untimed), then
//!
//! (a) a list of returnee registrations imported through
//! `phongdich_sheets::returnees::import_returnees` — each row validated, its
//! origin resolved (a code, or a province and district by name), its person
//! matched to the registry (by CCCD, by the duplicate rules, or registered
//! new), households grouped — against the engine's bulk path: the same file
//! by `sqlite3 .import` / `psql \copy` into a table of text columns, and the
//! same-schema floor: every row our import wrote (people, name tokens, pairs
//! for review, registrations, audit rows) loaded again, in one transaction,
//! into the same tables (indexes, foreign keys, triggers) of a copy of the
//! database taken before the import, as `bench import` measures it;
//!
//! (b) checkpoint scans over HTTP against a running `phongdich serve` (this
//! binary): one scanner per checkpoint, each with its own API token and one
//! keep-alive connection, every registration scanned once with a fresh
//! idempotency key, a negative rapid test on one in four — against the same
//! work as plain SQL (look-up by code, the scan row, the registration's
//! update, an audit row; one transaction per scan) by `sqlite3` (one
//! process: the engine has one writer) or 20 concurrent `psql` on a copy of
//! the database taken before the scans; both end states are compared row by
//! row (a difference fails the run);
//!
//! (c) every commune's hand-over list of the last arrival day through
//! `Store::returnee_handover`, against the same lists by plain SQL in one
//! `sqlite3` / `psql` script on the same database, compared line by line.
//!
//! Progress on stderr, the full results in `bench-results/`, one JSON line on
//! stdout.

use anyhow::{Context, bail, ensure};
use chrono::{Days, NaiveDate};
use phongdich_domain::{PersonInput, Role, UnitCode, UnitLevel};
use phongdich_store::{Actor, AreaInput, Scope, Store};
use serde_json::json;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub(crate) struct ReturneesArgs {
    /// People in the province's registry before the list arrives (the issue: 1,000,000).
    #[arg(long, default_value_t = 200_000)]
    people: usize,
    /// Registrations in the imported list, each scanned once (the issue: 50,000).
    #[arg(long, default_value_t = 10_000)]
    registrations: usize,
    /// Checkpoints scanning at once, each its own token and connection.
    #[arg(long, default_value_t = 20)]
    checkpoints: usize,
    /// `sqlite` (a file) or `postgres` (fresh databases on the `--pg` server,
    /// dropped afterwards).
    #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres"])]
    engine: String,
    #[arg(
        long,
        env = "PHONGDICH_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pg: String,
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    #[arg(long, default_value = "bench-results")]
    out: PathBuf,
    /// Keep the databases and files of the run (their places are printed).
    #[arg(long)]
    keep: bool,
}

const PROVINCE: &str = "22";

/// The last arrival day of the list: the hand-over's day.
fn handover_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 10, 25).unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 100.0
}

fn ratio(peer: Duration, ours: Duration) -> f64 {
    (peer.as_secs_f64() / ours.as_secs_f64().max(1e-9) * 1000.0).round() / 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Quote a text for SQL.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

// ---------------------------------------------------------------------------
// The two engines, driven by their own shells.

enum Db {
    Sqlite(PathBuf),
    Postgres { url: String, admin: String },
}

impl Db {
    fn url(&self) -> String {
        match self {
            Db::Sqlite(p) => format!("sqlite://{}", p.display()),
            Db::Postgres { url, .. } => url.clone(),
        }
    }

    /// Run a script read from `script` (a file); its output to `out`.
    fn run_file(&self, script: &Path, out: Stdio) -> anyhow::Result<std::process::Child> {
        let input = std::fs::File::open(script)?;
        let child = match self {
            Db::Sqlite(p) => Command::new("sqlite3")
                .arg("-bail")
                .arg(p)
                .stdin(input)
                .stdout(out)
                .spawn()
                .context("running sqlite3 (apt-get install sqlite3)")?,
            Db::Postgres { url, .. } => Command::new("psql")
                .args([url.as_str(), "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
                .stdin(input)
                .stdout(out)
                .spawn()
                .context("running psql (apt-get install postgresql-client)")?,
        };
        Ok(child)
    }

    /// Run a script; its output as text.
    fn run(&self, script: &str) -> anyhow::Result<String> {
        let mut child = match self {
            Db::Sqlite(p) => Command::new("sqlite3")
                .arg("-bail")
                .arg(p)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .context("running sqlite3 (apt-get install sqlite3)")?,
            Db::Postgres { url, .. } => Command::new("psql")
                .args([url.as_str(), "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .context("running psql (apt-get install postgresql-client)")?,
        };
        let mut stdin = child.stdin.take().context("the shell's input")?;
        let text = match self {
            Db::Sqlite(_) => format!(".timeout 30000\n{script}\n"),
            Db::Postgres { .. } => format!("{script}\n"),
        };
        // Written from another thread: a large output would otherwise fill
        // the pipe while the script is still being written.
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let out = child.wait_with_output()?;
        writer
            .join()
            .map_err(|_| anyhow::anyhow!("writing the script"))??;
        let shown: String = script.chars().take(400).collect();
        ensure!(out.status.success(), "the shell failed on: {shown}…");
        Ok(String::from_utf8(out.stdout)?)
    }

    fn postgres(&self) -> bool {
        matches!(self, Db::Postgres { .. })
    }

    /// A copy of the whole database, as it is now (the store closed).
    fn copy(&self, name: &str) -> anyhow::Result<Db> {
        match self {
            Db::Sqlite(p) => {
                let to = p.with_file_name(format!("{name}.db"));
                let _ = std::fs::remove_file(&to);
                self.run(&format!("VACUUM INTO {};", q(&to.display().to_string())))?;
                let copy = Db::Sqlite(to);
                copy.run("PRAGMA journal_mode = WAL;")?;
                Ok(copy)
            }
            Db::Postgres { url, admin } => {
                let from = url.rsplit('/').next().unwrap_or_default().to_owned();
                let db = format!("{from}_{name}");
                psql_admin(admin, &format!("DROP DATABASE IF EXISTS {db}"))?;
                // A closed store's pool may leave a connection behind for a
                // moment (this bench's own database, nobody else's).
                psql_admin(
                    admin,
                    &format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{from}' AND pid <> pg_backend_pid()"
                    ),
                )?;
                psql_admin(admin, &format!("CREATE DATABASE {db} TEMPLATE {from}"))?;
                Ok(Db::Postgres {
                    url: with_database(admin, &db),
                    admin: admin.clone(),
                })
            }
        }
    }

    fn drop_all(&self) {
        match self {
            Db::Sqlite(p) => {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
                }
            }
            Db::Postgres { url, admin } => {
                let db = url.rsplit('/').next().unwrap_or_default();
                let _ = psql_admin(admin, &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
            }
        }
    }
}

fn psql_admin(admin: &str, sql: &str) -> anyhow::Result<()> {
    let status = Command::new("psql")
        .args([admin, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .stdout(Stdio::null())
        .status()
        .context("running psql (apt-get install postgresql-client)")?;
    ensure!(status.success(), "psql failed: {sql}");
    Ok(())
}

/// The server URL `base` naming database `db` instead.
fn with_database(base: &str, db: &str) -> String {
    let (base, query) = base.split_once('?').unwrap_or((base, ""));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    if query.is_empty() {
        format!("{base}/{db}")
    } else {
        format!("{base}/{db}?{query}")
    }
}

// ---------------------------------------------------------------------------
// Generated people.

const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE_MALE: [&str; 8] = [
    "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân",
];
const MIDDLE_FEMALE: [&str; 8] = [
    "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Mai", "Phương",
];
const GIVEN_MALE: [&str; 20] = [
    "An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân",
    "Sơn", "Tùng", "Thắng", "Việt", "Vinh", "Tuấn", "Trung", "Hiếu",
];
const GIVEN_FEMALE: [&str; 20] = [
    "Anh",
    "Chi",
    "Dung",
    "Hà",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quỳnh",
    "Thảo",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
];

#[derive(Clone)]
struct Commune {
    code: String,
    district: String,
}

/// A person as a list would write them.
struct Gen {
    full_name: String,
    birth_year: i32,
    male: bool,
    cccd: Option<String>,
    phone: Option<String>,
    commune: usize,
}

fn cccd(province: &str, male: bool, year: i32, serial: usize) -> String {
    let century = if year >= 2000 { 2 } else { 0 };
    format!(
        "{province}{}{:02}{:06}",
        century + i32::from(!male),
        year % 100,
        serial % 1_000_000
    )
}

fn person(rng: &mut fastrand::Rng, communes: usize) -> (String, i32, bool, usize) {
    let male = rng.bool();
    let name = if male {
        format!(
            "{} {} {}",
            FAMILY[rng.usize(0..FAMILY.len())],
            MIDDLE_MALE[rng.usize(0..MIDDLE_MALE.len())],
            GIVEN_MALE[rng.usize(0..GIVEN_MALE.len())]
        )
    } else {
        format!(
            "{} {} {}",
            FAMILY[rng.usize(0..FAMILY.len())],
            MIDDLE_FEMALE[rng.usize(0..MIDDLE_FEMALE.len())],
            GIVEN_FEMALE[rng.usize(0..GIVEN_FEMALE.len())]
        )
    };
    (name, rng.i32(1950..2006), male, rng.usize(0..communes))
}

/// Registry person `id` (1-based): a pure function of the seed and the id,
/// so that the list can name them again. Four in five have a CCCD (born in
/// Quảng Ninh), one in two a phone.
fn seeded(seed: u64, id: usize, communes: usize) -> Gen {
    let mut rng = fastrand::Rng::with_seed(seed ^ (id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let (full_name, birth_year, male, commune) = person(&mut rng, communes);
    Gen {
        cccd: (!id.is_multiple_of(5)).then(|| cccd("022", male, birth_year, id)),
        phone: id.is_multiple_of(2).then(|| format!("09{id:08}")),
        full_name,
        birth_year,
        male,
        commune,
    }
}

/// The registry: `people` persons spread over the province's communes,
/// written as the store would (checked by the domain: folded name, given-name
/// key, stored forms of CCCD and phone), loaded by the engine's shell.
fn seed_registry(
    db: &Db,
    work: &Path,
    seed: u64,
    people: usize,
    communes: &[Commune],
) -> anyhow::Result<()> {
    let file = work.join("registry.csv");
    let today = handover_day();
    {
        let mut w = csv::Writer::from_path(&file)?;
        for id in 1..=people {
            let g = seeded(seed, id, communes.len());
            let c = &communes[g.commune];
            let input = PersonInput {
                full_name: g.full_name.clone(),
                birth: g.birth_year.to_string(),
                sex: if g.male { "male" } else { "female" }.into(),
                national_id: g.cccd.clone().unwrap_or_default(),
                phone: g.phone.clone().unwrap_or_default(),
                commune_code: c.code.clone(),
                ..Default::default()
            };
            let p = input
                .parse(today)
                .map_err(|e| anyhow::anyhow!("generated person {id}: {e:?}"))?;
            w.write_record([
                id.to_string().as_str(),
                &p.full_name,
                &phongdich_domain::text::fold(&p.full_name),
                &p.given_name_key(),
                &p.birth.year().to_string(),
                p.sex.as_str(),
                p.national_id.as_ref().map_or("", |n| n.as_str()),
                p.phone.as_ref().map_or("", |n| n.as_str()),
                PROVINCE,
                &c.district,
                &c.code,
            ])?;
        }
        w.flush()?;
    }
    let columns = "id, full_name, name_folded, given_key, birth_year, sex, national_id, phone, \
                   province_code, district_code, commune_code";
    let stamp = "'2021-08-01T00:00:00.000Z'";
    match db {
        Db::Sqlite(_) => {
            db.run(&format!(
                "PRAGMA journal_mode = WAL;\n\
                 CREATE TEMP TABLE raw (id INTEGER, full_name TEXT, name_folded TEXT, given_key TEXT, birth_year INTEGER, \
                   sex TEXT, national_id TEXT, phone TEXT, province_code TEXT, district_code TEXT, commune_code TEXT);\n\
                 .import --csv {} raw\n\
                 BEGIN;\n\
                 INSERT INTO persons ({columns}, created_at, updated_at) \
                   SELECT id, full_name, name_folded, given_key, birth_year, sex, NULLIF(national_id, ''), NULLIF(phone, ''), \
                   province_code, district_code, commune_code, {stamp}, {stamp} FROM raw;\n\
                 COMMIT;\n\
                 ANALYZE;\n",
                file.display()
            ))?;
        }
        Db::Postgres { .. } => {
            db.run(&format!(
                "CREATE TEMP TABLE raw (id BIGINT, full_name TEXT, name_folded TEXT, given_key TEXT, birth_year BIGINT, \
                   sex TEXT, national_id TEXT, phone TEXT, province_code TEXT, district_code TEXT, commune_code TEXT);\n\
                 \\copy raw FROM '{}' WITH (FORMAT csv)\n\
                 INSERT INTO persons ({columns}, created_at, updated_at) \
                   SELECT {columns}, {stamp}, {stamp} FROM raw;\n\
                 SELECT setval(pg_get_serial_sequence('persons', 'id'), {people});\n\
                 VACUUM ANALYZE;\n",
                file.display()
            ))?;
        }
    }
    let _ = std::fs::remove_file(file);
    Ok(())
}

// ---------------------------------------------------------------------------
// The list of returnees.

/// Where people come from: (province code, province name, district code,
/// district name) of the districts of three listed provinces and one not
/// listed (Hải Phòng).
type Origin = (String, String, String, String);

const LIST_HEADER: [&str; 18] = [
    "Họ và tên",
    "Năm sinh",
    "Giới tính",
    "Số CCCD/CMND",
    "Số điện thoại",
    "Mã xã",
    "Mã nơi đi",
    "Tỉnh đi",
    "Huyện đi",
    "Ngày đi",
    "Ngày đến",
    "Phương tiện",
    "Nhóm",
    "Số mũi",
    "Ngày tiêm mũi cuối",
    "Loại xét nghiệm",
    "Ngày xét nghiệm",
    "Kết quả xét nghiệm",
];

const MEANS: [&str; 5] = [
    "Xe khách",
    "Ô tô cá nhân",
    "Đoàn xe của tỉnh",
    "Máy bay",
    "Tàu hỏa",
];

#[derive(Default, serde::Serialize)]
struct ListMix {
    rows: usize,
    by_cccd: usize,
    by_duplicate_rules: usize,
    new_people: usize,
    in_households: usize,
    origin_by_name: usize,
}

/// Write the list: trips of one person or of a household (2–4, one group
/// label), arriving on 23, 24 or 25/10/2021. One trip in five is a person of
/// the registry named with their CCCD, one in ten one named without it (the
/// duplicate rules find them), the rest people not in the registry. Origins
/// by district code, or (three in ten) by province and district names.
fn write_list(
    file: &Path,
    seed: u64,
    n: usize,
    people: usize,
    communes: &[Commune],
    origins: &[Origin],
) -> anyhow::Result<ListMix> {
    let mut w = csv::Writer::from_path(file)?;
    w.write_record(LIST_HEADER)?;
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x7e7_0e5);
    let mut used = HashSet::new();
    let mut mix = ListMix::default();
    let base = NaiveDate::from_ymd_opt(2021, 10, 23).unwrap_or_default();
    let dmy = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut trip = 0usize;
    while mix.rows < n {
        trip += 1;
        let arrival = base + Days::new((trip % 3) as u64);
        let departure = arrival - Days::new(1 + (trip % 2) as u64);
        let o = &origins[rng.usize(0..origins.len())];
        let by_name = rng.u32(0..10) < 3;
        mix.origin_by_name += usize::from(by_name);
        let (origin_code, province, district) = if by_name {
            (String::new(), o.1.clone(), o.3.clone())
        } else {
            (o.2.clone(), String::new(), String::new())
        };
        let means = MEANS[rng.usize(0..MEANS.len())];
        let (doses, last_dose) = match rng.u32(0..5) {
            0 | 1 => ("0", String::new()),
            2 => ("1", "15/09/2021".to_owned()),
            _ => ("2", "01/09/2021".to_owned()),
        };
        let test: [String; 3] = if rng.bool() {
            [
                "RT-PCR".into(),
                dmy(departure - Days::new(1)),
                "Âm tính".into(),
            ]
        } else {
            Default::default()
        };
        let roll = rng.u32(0..100);
        let mut rows: Vec<(Gen, String)> = Vec::new();
        if roll < 30 && people > 0 {
            // Someone of the registry, not yet on the list.
            let with_cccd = roll < 20;
            let g = loop {
                let id = rng.usize(1..=people);
                if (!with_cccd || !id.is_multiple_of(5)) && used.insert(id) {
                    break seeded(seed, id, communes.len());
                }
            };
            let g = if with_cccd {
                mix.by_cccd += 1;
                g
            } else {
                mix.by_duplicate_rules += 1;
                Gen {
                    cccd: None,
                    phone: None,
                    ..g
                }
            };
            rows.push((g, String::new()));
        } else {
            let members = if rng.u32(0..10) < 3 {
                rng.usize(2..=4)
            } else {
                1
            };
            let commune = rng.usize(0..communes.len());
            let group = if members > 1 {
                format!("Hộ {trip}")
            } else {
                String::new()
            };
            for _ in 0..members {
                let serial = mix.rows + rows.len();
                let (full_name, birth_year, male, _) = person(&mut rng, communes.len());
                rows.push((
                    Gen {
                        cccd: Some(cccd("001", male, birth_year, serial)),
                        phone: rng.bool().then(|| format!("03{:08}", 10_000_000 + serial)),
                        full_name,
                        birth_year,
                        male,
                        commune,
                    },
                    group.clone(),
                ));
            }
            mix.new_people += rows.len();
            if members > 1 {
                mix.in_households += rows.len();
            }
        }
        for (g, group) in rows {
            if mix.rows >= n {
                break;
            }
            mix.rows += 1;
            w.write_record([
                g.full_name.as_str(),
                &g.birth_year.to_string(),
                if g.male { "Nam" } else { "Nữ" },
                g.cccd.as_deref().unwrap_or(""),
                g.phone.as_deref().unwrap_or(""),
                &communes[g.commune].code,
                &origin_code,
                &province,
                &district,
                &dmy(departure),
                &dmy(arrival),
                means,
                &group,
                doses,
                &last_dose,
                &test[0],
                &test[1],
                &test[2],
            ])?;
        }
    }
    w.flush()?;
    Ok(mix)
}

// ---------------------------------------------------------------------------
// A minimal HTTP/1.1 client: one keep-alive connection per scanner.

pub(crate) struct Conn {
    reader: BufReader<std::net::TcpStream>,
    host: String,
}

impl Conn {
    pub(crate) fn open(addr: &str) -> anyhow::Result<Conn> {
        let stream = std::net::TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(120)))?;
        Ok(Conn {
            reader: BufReader::new(stream),
            host: addr.to_owned(),
        })
    }

    /// POST a JSON body; the status and the body of the answer.
    fn post(&mut self, path: &str, token: &str, body: &str) -> anyhow::Result<(u16, String)> {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.send(&request)
    }

    /// GET a page with a session cookie; the status and the body.
    pub(crate) fn get_page(&mut self, path: &str, session: &str) -> anyhow::Result<(u16, String)> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: pd_session={session}\r\nAccept: text/html\r\n\r\n",
            self.host
        );
        self.send(&request)
    }

    /// Send a request as written; read the answer.
    fn send(&mut self, request: &str) -> anyhow::Result<(u16, String)> {
        self.reader.get_mut().write_all(request.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("an HTTP status line, got {line:?}"))?;
        let mut length = None;
        let mut chunked = false;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
                if name == "content-length" {
                    length = value.parse::<usize>().ok();
                } else if name == "transfer-encoding" && value.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .with_context(|| format!("a chunk size, got {line:?}"))?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            let n = length.context("an answer without Content-Length")?;
            body.resize(n, 0);
            self.reader.read_exact(&mut body)?;
        }
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// `phongdich serve` on the database, on a free port; killed when dropped.
pub(crate) struct Server(std::process::Child, pub(crate) String);

impl Server {
    pub(crate) fn start(url: &str) -> anyhow::Result<Server> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .arg("--db")
            .arg(url)
            .args(["serve", "--listen", "127.0.0.1:0", "--no-class-expiry"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = child.stderr.take().context("the server's stderr")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("phongdich: http://") {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_owned());
                } else {
                    eprintln!("  [serve] {line}");
                }
            }
        });
        let mut server = Server(child, String::new());
        server.1 = rx
            .recv_timeout(Duration::from_secs(120))
            .map_err(|_| anyhow::anyhow!("phongdich serve printed no address"))?;
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// ---------------------------------------------------------------------------

pub(crate) async fn run(args: ReturneesArgs) -> anyhow::Result<()> {
    ensure!(args.checkpoints > 0, "--checkpoints: at least one");
    let work =
        std::env::temp_dir().join(format!("phongdich-bench-returnees-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let ours = if args.engine == "postgres" {
        let db = format!("phongdich_bench_returnees_{}", std::process::id());
        psql_admin(&args.pg, &format!("DROP DATABASE IF EXISTS {db}"))?;
        psql_admin(&args.pg, &format!("CREATE DATABASE {db}"))?;
        Db::Postgres {
            url: with_database(&args.pg, &db),
            admin: args.pg.clone(),
        }
    } else {
        Db::Sqlite(work.join("ours.db"))
    };
    let mut copies = Vec::new();
    let outcome = bench(&args, &work, &ours, &mut copies).await;
    if args.keep {
        eprintln!(
            "kept: {} and {}",
            ours.url(),
            copies.iter().map(Db::url).collect::<Vec<_>>().join(", ")
        );
    } else {
        ours.drop_all();
        for c in &copies {
            c.drop_all();
        }
        let _ = std::fs::remove_dir_all(&work);
    }
    let result = outcome?;
    std::fs::create_dir_all(&args.out)?;
    let file = args.out.join(format!(
        "returnees-{}-{}-{}.json",
        args.engine, args.people, args.registrations
    ));
    std::fs::write(&file, serde_json::to_string_pretty(&result)?)?;
    eprintln!("full results: {}", file.display());
    let line = json!({
        "bench": "returnees", "engine": args.engine, "people": args.people,
        "registrations": args.registrations, "checkpoints": args.checkpoints,
        "import": {"ours_ms": result["import"]["ours_ms"], "rows_per_s": result["import"]["ours_rows_per_s"],
                   "floor_ms": result["import"]["same_schema"]["ms"], "ratio": result["import"]["same_schema"]["ratio"],
                   "raw_ms": result["import"]["raw"]["ms"], "ratio_raw": result["import"]["raw"]["ratio"]},
        "scans": {"ours_ms": result["scans"]["ours_ms"], "per_s": result["scans"]["ours_per_s"],
                  "p50_ms": result["scans"]["latency_ms"]["p50"], "p99_ms": result["scans"]["latency_ms"]["p99"],
                  "peer_ms": result["scans"]["peer_ms"], "ratio": result["scans"]["ratio"]},
        "handover": {"ours_ms": result["handover"]["ours_ms"], "peer_ms": result["handover"]["peer_ms"],
                     "ratio": result["handover"]["ratio"]},
    });
    println!("{line}");
    Ok(())
}

async fn bench(
    args: &ReturneesArgs,
    work: &Path,
    ours: &Db,
    copies: &mut Vec<Db>,
) -> anyhow::Result<serde_json::Value> {
    let n = args.registrations;
    eprintln!(
        "[1/6] a fresh {} store; {} people of Quảng Ninh in its registry (bulk-loaded, untimed)",
        args.engine, args.people
    );
    let t = Instant::now();
    let url = ours.url();
    let store = Store::open(&url).await?;
    let communes: Vec<Commune> = store
        .descendants(PROVINCE)
        .await?
        .into_iter()
        .filter(|u| u.level == UnitLevel::Commune)
        .map(|u| Commune {
            district: u.district_code.clone().unwrap_or_default(),
            code: u.code,
        })
        .collect();
    let mut origins: Vec<Origin> = Vec::new();
    for p in ["79", "01", "74", "31"] {
        let province = store.unit(p).await?;
        for d in store.children(p).await? {
            if d.level == UnitLevel::District {
                origins.push((p.to_owned(), province.name.clone(), d.code, d.name));
            }
        }
    }
    store.close().await;
    seed_registry(ours, work, args.seed, args.people, &communes)?;
    let store = Store::open(&url).await?;
    // Quảng Ninh's list: TP HCM, Hà Nội and Bình Dương from 01/10/2021
    // (Hải Phòng, 31, is not listed).
    let province = Actor {
        name: "admin@22".into(),
        source: "bench".into(),
        scope: Scope::unit(UnitCode::parse(PROVINCE)?),
        role: Role::Admin,
    };
    for unit in ["79", "01", "74"] {
        store
            .add_epidemic_area(
                &province,
                &AreaInput {
                    unit_code: unit.into(),
                    from_on: "01/10/2021".into(),
                    until_on: String::new(),
                    decision: "Thông báo 12/TB-BCĐ".into(),
                },
            )
            .await?;
    }
    // One token per checkpoint, as each checkpoint's device would have.
    let mut tokens = Vec::new();
    for k in 1..=args.checkpoints {
        let name = format!("Chốt kiểm soát số {k}");
        let (_, secret) = store
            .create_api_token(
                &Actor::system("bench"),
                &name,
                PROVINCE,
                "checkpoint_officer",
            )
            .await?;
        tokens.push((name, secret));
    }
    // The floor's database: this one before the list arrives (PostgreSQL
    // copies a database nobody is connected to).
    store.close().await;
    let before = ours.copy("peer")?;
    copies.push(before);
    let store = Store::open(&url).await?;
    let high: String = ours.run(
        "SELECT COALESCE(MAX(id), 0) FROM persons; SELECT COALESCE(MAX(id), 0) FROM audit_log; \
         SELECT COALESCE(MAX(id), 0) FROM duplicate_candidates;",
    )?;
    let high: Vec<i64> = high
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    ensure!(
        high.len() == 3,
        "the highest ids before the import: {high:?}"
    );
    let setup_ms = ms(t.elapsed());

    eprintln!("[2/6] (a) importing a list of {n} returnees through import_returnees");
    let list = work.join("nguoi-ve.csv");
    let mix = write_list(&list, args.seed, n, args.people, &communes, &origins)?;
    let actor = Actor {
        name: "health_staff@22".into(),
        source: "bench".into(),
        scope: Scope::unit(UnitCode::parse(PROVINCE)?),
        role: Role::HealthStaff,
    };
    let report = work.join("nguoi-ve.report.csv");
    let t = Instant::now();
    let s = phongdich_sheets::returnees::import_returnees(&store, &actor, &list, &report)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let import_time = t.elapsed();
    store.close().await;
    let refusals: Vec<String> = s
        .report_rows
        .iter()
        .filter(|r| r.outcome.starts_with("refused"))
        .take(5)
        .map(|r| format!("line {}: {}", r.line, r.reason_en))
        .collect();
    eprintln!(
        "  {} rows: {} registered ({} new people), {} refused in {:.1} s ({:.0} rows/s){}",
        s.rows,
        s.registered,
        s.new_people,
        s.refused,
        import_time.as_secs_f64(),
        s.rows as f64 / import_time.as_secs_f64(),
        if refusals.is_empty() {
            String::new()
        } else {
            format!("; first refusals: {refusals:?}")
        }
    );
    ensure!(s.rows as usize == n, "{} rows read of {n}", s.rows);
    let stored: usize = ours
        .run("SELECT COUNT(*) FROM returnee_registrations;")?
        .trim()
        .parse()?;
    ensure!(
        stored as u64 == s.registered,
        "{stored} registrations stored, {} reported",
        s.registered
    );
    let matched: String = ours.run(
        "SELECT COUNT(*) FROM returnee_registrations r JOIN persons p ON p.id = r.person_id \
         WHERE p.created_at = '2021-08-01T00:00:00.000Z';",
    )?;
    let matched: u64 = matched.trim().parse()?;

    eprintln!(
        "[3/6] (a) the engine's bulk path: the file into a table of text columns, and every row our import wrote into the same tables of the database before it"
    );
    let peer = copies.last().context("the copy")?;
    // Every row the import wrote, table by table, in the order their keys
    // need: the people, their name tokens and pairs for review, the
    // registrations, the audit rows (figure changes follow from the
    // registrations' trigger on both sides).
    let tables: [(&str, String); 5] = [
        ("persons", format!("id > {}", high[0])),
        ("person_name_tokens", format!("person_id > {}", high[0])),
        ("duplicate_candidates", format!("id > {}", high[2])),
        ("returnee_registrations", "1 = 1".to_owned()),
        ("audit_log", format!("id > {}", high[1])),
    ];
    // (table, its file, its columns, those that may be NULL)
    let mut written: Vec<(&str, PathBuf, Vec<String>, Vec<bool>)> = Vec::new();
    for (table, filter) in &tables {
        let listed = if ours.postgres() {
            ours.run(&format!(
                "SELECT column_name || '|' || CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END \
                 FROM information_schema.columns WHERE table_name = '{table}' \
                 AND table_schema = current_schema() ORDER BY ordinal_position;"
            ))?
        } else {
            ours.run(&format!(
                "SELECT name || '|' || (1 - \"notnull\") FROM pragma_table_info('{table}');"
            ))?
        };
        let (columns, nullable): (Vec<String>, Vec<bool>) = listed
            .lines()
            .filter_map(|l| l.split_once('|'))
            .map(|(c, n)| (c.to_owned(), n.trim() == "1"))
            .unzip();
        let file = work.join(format!("{table}.csv"));
        let order = if *table == "person_name_tokens" {
            "person_id, token"
        } else {
            "id"
        };
        if ours.postgres() {
            ours.run(&format!(
                "\\copy (SELECT {} FROM {table} WHERE {filter} ORDER BY {order}) TO '{}' WITH (FORMAT csv)",
                columns.join(", "),
                file.display()
            ))?;
        } else {
            ours.run(&format!(
                ".mode csv\n.output {}\nSELECT {} FROM {table} WHERE {filter} ORDER BY {order};",
                file.display(),
                columns.join(", ")
            ))?;
        }
        written.push((table, file, columns, nullable));
    }
    let (raw_time, floor_time) = if ours.postgres() {
        let text: Vec<String> = (1..=LIST_HEADER.len())
            .map(|i| format!("c{i} TEXT"))
            .collect();
        peer.run(&format!("CREATE TABLE list_raw ({});", text.join(", ")))?;
        let t = Instant::now();
        peer.run(&format!(
            "\\copy list_raw FROM '{}' WITH (FORMAT csv, HEADER true)",
            list.display()
        ))?;
        let raw = t.elapsed();
        let mut script = String::from("BEGIN;\n");
        for (table, file, columns, _) in &written {
            script.push_str(&format!(
                "\\copy {table} ({}) FROM '{}' WITH (FORMAT csv)\n",
                columns.join(", "),
                file.display()
            ));
        }
        script.push_str("COMMIT;\n");
        let t = Instant::now();
        peer.run(&script)?;
        (raw, t.elapsed())
    } else {
        let raw_db = Db::Sqlite(work.join("raw.db"));
        let t = Instant::now();
        raw_db.run(&format!(".import --csv {} list_raw", list.display()))?;
        let raw = t.elapsed();
        raw_db.drop_all();
        let mut script = String::from(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;\n",
        );
        for (table, file, _, _) in &written {
            script.push_str(&format!(
                "CREATE TEMP TABLE raw_{table} AS SELECT * FROM {table} WHERE 0;\n.import --csv {} raw_{table}\n",
                file.display()
            ));
        }
        script.push_str("BEGIN;\n");
        for (table, _, columns, nullable) in &written {
            // `.import` reads an empty field as '': NULL again where the
            // column may hold one.
            let values: Vec<String> = columns
                .iter()
                .zip(nullable)
                .map(|(c, n)| {
                    if *n {
                        format!("NULLIF({c}, '')")
                    } else {
                        c.clone()
                    }
                })
                .collect();
            script.push_str(&format!(
                "INSERT INTO {table} ({}) SELECT {} FROM raw_{table};\n",
                columns.join(", "),
                values.join(", ")
            ));
        }
        script.push_str("COMMIT;\n");
        let t = Instant::now();
        peer.run(&script)?;
        (raw, t.elapsed())
    };
    if ours.postgres() {
        // Untimed: the rows came with their keys, so the sequences are moved
        // past them (the scans' peer writes into this database next).
        for table in [
            "persons",
            "duplicate_candidates",
            "returnee_registrations",
            "audit_log",
        ] {
            peer.run(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}));"
            ))?;
        }
    }
    let mut rows_written = 0_u64;
    for (table, filter) in &tables {
        let check = format!("SELECT COUNT(*) FROM {table} WHERE {filter};");
        let (a, b) = (ours.run(&check)?, peer.run(&check)?);
        ensure!(
            a == b,
            "the floor's {table} differ from ours: {a:?} / {b:?}"
        );
        rows_written += a.trim().parse::<u64>()?;
    }
    let check = "SELECT COUNT(*), COUNT(DISTINCT code), SUM(person_id), COUNT(area_id), COUNT(test_on) FROM returnee_registrations;";
    let (a, b) = (ours.run(check)?, peer.run(check)?);
    ensure!(a == b, "the floor's rows differ from ours: {a:?} / {b:?}");
    eprintln!(
        "  raw {:.2} s, same schema ({rows_written} rows in 5 tables) {:.2} s",
        raw_time.as_secs_f64(),
        floor_time.as_secs_f64()
    );
    let import = json!({
        "rows": s.rows, "registered": s.registered, "new_people": s.new_people, "refused": s.refused,
        "matched_in_registry": matched, "list": mix,
        "ours_ms": ms(import_time), "ours_rows_per_s": (s.rows as f64 / import_time.as_secs_f64()).round(),
        "per_row_ms": ms(import_time) / (s.rows.max(1) as f64),
        "raw": {"what": if ours.postgres() { "psql \\copy of the file into 18 text columns" } else { "sqlite3 .import of the file into 18 text columns" },
                "ms": ms(raw_time), "ratio": ratio(raw_time, import_time),
                "rows_per_s": (s.rows as f64 / raw_time.as_secs_f64()).round()},
        "same_schema": {"what": if ours.postgres() { "psql \\copy, in one transaction, of every row our import wrote (people, name tokens, pairs for review, registrations, audit rows) into the same tables (indexes, foreign keys, triggers) of the database as it was before the import" }
                                else { "sqlite3 .import of every row our import wrote (people, name tokens, pairs for review, registrations, audit rows) + INSERT … SELECT, in one transaction, into the same tables (indexes, foreign keys on, triggers) of the database as it was before the import" },
                        "rows": rows_written,
                        "ms": ms(floor_time), "ratio": ratio(floor_time, import_time),
                        "rows_per_s": (s.registered as f64 / floor_time.as_secs_f64()).round()},
        "our_slowdown": (import_time.as_secs_f64() / floor_time.as_secs_f64() * 10.0).round() / 10.0,
    });

    eprintln!(
        "[4/6] (b) {} checkpoints scanning every registration over HTTP, one keep-alive connection each",
        args.checkpoints
    );
    let codes: Vec<String> = ours
        .run("SELECT code FROM returnee_registrations ORDER BY id;")?
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let mut order: Vec<usize> = (0..codes.len()).collect();
    fastrand::Rng::with_seed(args.seed ^ 0x5ca7).shuffle(&mut order);
    // Scan j of the shuffled list: scanner j % k, a negative rapid test on every 4th.
    let scans: Vec<Vec<(String, String, &'static str)>> = (0..args.checkpoints)
        .map(|k| {
            order
                .iter()
                .enumerate()
                .filter(|(j, _)| j % args.checkpoints == k)
                .map(|(j, &i)| {
                    (
                        codes[i].clone(),
                        format!("cp{}-{j:07}", k + 1),
                        if j % 4 == 0 { "negative" } else { "" },
                    )
                })
                .collect()
        })
        .collect();
    let server = Server::start(&url)?;
    let addr = server.1.clone();
    let barrier = std::sync::Barrier::new(args.checkpoints + 1);
    let (wall, results) = std::thread::scope(|sc| {
        let handles: Vec<_> = scans
            .iter()
            .zip(&tokens)
            .map(|(list, (name, token))| {
                let (barrier, addr) = (&barrier, addr.as_str());
                sc.spawn(move || -> anyhow::Result<(Vec<f64>, usize)> {
                    let mut conn = Conn::open(addr)?;
                    barrier.wait();
                    let mut times = Vec::with_capacity(list.len());
                    let mut arrived = 0;
                    for (code, key, rapid) in list {
                        let body = json!({"code": code, "checkpoint": name, "idempotency_key": key, "rapid_result": rapid})
                            .to_string();
                        let t = Instant::now();
                        let (status, answer) = conn.post("/api/v1/checkpoint/scans", token, &body)?;
                        times.push(ms(t.elapsed()));
                        if status != 200 {
                            bail!("scan of {code}: HTTP {status}: {answer}");
                        }
                        arrived += usize::from(answer.contains("\"outcome\":\"arrived\""));
                    }
                    Ok((times, arrived))
                })
            })
            .collect();
        barrier.wait();
        let t = Instant::now();
        let results: Vec<_> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a scanner panicked")))
            })
            .collect();
        (t.elapsed(), results)
    });
    drop(server);
    let mut times = Vec::new();
    let mut arrived = 0;
    for r in results {
        let (t, a) = r?;
        times.extend(t);
        arrived += a;
    }
    times.sort_by(f64::total_cmp);
    let sent = times.len();
    ensure!(
        arrived == sent,
        "{arrived} of {sent} scans answered 'arrived'"
    );
    eprintln!(
        "  {sent} scans in {:.1} s: {:.0}/s, p50 {} ms, p99 {} ms",
        wall.as_secs_f64(),
        sent as f64 / wall.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );

    eprintln!(
        "[5/6] (b) the peer: the same scans as plain SQL ({})",
        if ours.postgres() {
            format!(
                "{} concurrent psql, one transaction per scan",
                args.checkpoints
            )
        } else {
            "one sqlite3 (the engine's one writer), one transaction per scan".to_owned()
        }
    );
    let stamp = "2021-10-25T03:00:00.000Z";
    let scan_sql = |code: &str, key: &str, rapid: &str, checkpoint: &str| -> String {
        let rapid_sql = if rapid.is_empty() {
            "NULL".to_owned()
        } else {
            q(rapid)
        };
        let who = q(&format!("token:{checkpoint}"));
        let after = json!({"status": "checked", "checkpoint": checkpoint,
                           "rapid_result": if rapid.is_empty() { None } else { Some(rapid) }, "key": key})
        .to_string();
        let (code, key, cp) = (q(code), q(key), q(checkpoint));
        format!(
            "BEGIN;\n\
             SELECT id, status, province_code FROM returnee_registrations WHERE code = {code};\n\
             INSERT INTO checkpoint_scans (idempotency_key, registration_id, checkpoint, scanned_at, outcome, rapid_result, recorded_by, province_code) \
               SELECT {key}, id, {cp}, '{stamp}', CASE WHEN status = 'registered' THEN 'arrived' ELSE 'again' END, {rapid_sql}, {who}, province_code \
               FROM returnee_registrations WHERE code = {code};\n\
             UPDATE returnee_registrations SET status = 'checked', checked_at = '{stamp}', checkpoint = {cp}, checked_by = {who}, \
               checkpoint_result = {rapid_sql}, updated_at = '{stamp}', version = version + 1 WHERE code = {code} AND status = 'registered';\n\
             INSERT INTO audit_log (at, actor, source, action, entity, entity_id, unit_code, before_json, after_json, province_code, district_code, commune_code) \
               SELECT '{stamp}', {who}, '127.0.0.1', 'arrive', 'returnee', code, commune_code, '{{\"status\":\"registered\"}}', {}, \
               province_code, district_code, commune_code FROM returnee_registrations WHERE code = {code};\n\
             COMMIT;\n",
            q(&after)
        )
    };
    let scripts: Vec<PathBuf> = if ours.postgres() {
        scans
            .iter()
            .zip(&tokens)
            .enumerate()
            .map(|(k, (list, (name, _)))| {
                let path = work.join(format!("scans-{k}.sql"));
                let text: String = list
                    .iter()
                    .map(|(code, key, rapid)| scan_sql(code, key, rapid, name))
                    .collect();
                std::fs::write(&path, text)?;
                Ok(path)
            })
            .collect::<anyhow::Result<_>>()?
    } else {
        // In the order the scanners' requests interleave.
        let path = work.join("scans.sql");
        let mut text = String::from(
            ".timeout 30000\nPRAGMA foreign_keys = ON;\nPRAGMA synchronous = NORMAL;\nPRAGMA cache_size = -262144;\n",
        );
        let longest = scans.iter().map(Vec::len).max().unwrap_or(0);
        for j in 0..longest {
            for (list, (name, _)) in scans.iter().zip(&tokens) {
                if let Some((code, key, rapid)) = list.get(j) {
                    text.push_str(&scan_sql(code, key, rapid, name));
                }
            }
        }
        std::fs::write(&path, text)?;
        vec![path]
    };
    let t = Instant::now();
    let children: Vec<_> = scripts
        .iter()
        .map(|s| peer.run_file(s, Stdio::null()))
        .collect::<anyhow::Result<_>>()?;
    for mut c in children {
        ensure!(c.wait()?.success(), "a peer script failed");
    }
    let peer_scans = t.elapsed();
    eprintln!(
        "  {sent} scans in {:.1} s: {:.0}/s",
        peer_scans.as_secs_f64(),
        sent as f64 / peer_scans.as_secs_f64()
    );
    let state = "SELECT r.code, r.status, r.checkpoint, r.checked_by, r.checkpoint_result, r.version, \
         (SELECT COUNT(*) FROM checkpoint_scans s WHERE s.registration_id = r.id), \
         (SELECT COUNT(*) FROM audit_log a WHERE a.entity = 'returnee' AND a.entity_id = r.code AND a.action = 'arrive') \
         FROM returnee_registrations r ORDER BY r.code;";
    let (a, b) = (ours.run(state)?, peer.run(state)?);
    let differ = a.lines().zip(b.lines()).filter(|(x, y)| x != y).count()
        + a.lines().count().abs_diff(b.lines().count());
    if differ > 0 {
        let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
        bail!(
            "after the scans, ours and the peer's registrations differ in {differ} lines; first: {first:?}"
        );
    }
    let counts = "SELECT COUNT(*), SUM(CASE WHEN status = 'checked' THEN 1 ELSE 0 END), COUNT(checkpoint_result), \
                  (SELECT COUNT(*) FROM checkpoint_scans), (SELECT COUNT(DISTINCT registration_id) FROM checkpoint_scans) \
                  FROM returnee_registrations;";
    let c = ours.run(counts)?;
    let c: Vec<u64> = c
        .trim()
        .split('|')
        .map(|x| x.parse().unwrap_or(u64::MAX))
        .collect();
    ensure!(
        c == [
            sent as u64,
            sent as u64,
            sent.div_ceil(4) as u64,
            sent as u64,
            sent as u64
        ],
        "after {sent} scans: registrations, checked, with a rapid result, scan rows, registrations scanned = {c:?}"
    );
    let scans_json = json!({
        "sent": sent, "checkpoints": args.checkpoints, "with_rapid_result": c[2],
        "ours_ms": ms(wall), "ours_per_s": (sent as f64 / wall.as_secs_f64()).round(),
        "latency_ms": {"p50": percentile(&times, 0.5), "p90": percentile(&times, 0.9),
                       "p99": percentile(&times, 0.99), "max": times.last().copied().unwrap_or_default()},
        "peer": if ours.postgres() { format!("{} concurrent psql: look-up, scan row, update, audit row; a transaction per scan", args.checkpoints) }
                else { "one sqlite3: look-up, scan row, update, audit row; a transaction per scan".to_owned() },
        "peer_ms": ms(peer_scans), "peer_per_s": (sent as f64 / peer_scans.as_secs_f64()).round(),
        "ratio": ratio(peer_scans, wall), "lines_compared": a.lines().count(), "differences": differ,
    });

    eprintln!(
        "[6/6] (c) every commune's hand-over list of {} ({} communes), then the same by plain SQL",
        handover_day(),
        communes.len()
    );
    if ours.postgres() {
        // What autovacuum would have done by now after 50,000 new rows.
        ours.run("ANALYZE;")?;
    }
    let store = Store::open(&url).await?;
    let day = handover_day();
    let mut lists = Vec::new();
    let mut ours_handover = Duration::ZERO;
    for pass in 0..2 {
        lists.clear();
        let t = Instant::now();
        for c in &communes {
            let scope = Scope::unit(UnitCode::parse(&c.code)?);
            lists.push(store.returnee_handover(&scope, day).await?);
        }
        if pass == 1 {
            ours_handover = t.elapsed();
        }
    }
    store.close().await;
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let optd = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let opti = |i: Option<i64>| i.map(|i| i.to_string()).unwrap_or_default();
    let mut ours_text = String::new();
    let (mut arriving, mut overdue) = (0, 0);
    for h in &lists {
        arriving += h.arriving.len();
        overdue += h.overdue.len();
        for r in h.arriving.iter().chain(&h.overdue) {
            let cells = [
                r.id.to_string(),
                r.code.clone(),
                r.person_id.to_string(),
                r.full_name.clone(),
                r.birth_year.to_string(),
                opt(&r.phone),
                r.origin_code.clone(),
                r.origin_name.clone(),
                opt(&r.origin_address),
                r.departure_on.to_string(),
                r.arrival_on.to_string(),
                r.means.as_str().to_owned(),
                r.group_code.clone(),
                r.doses.to_string(),
                optd(r.last_dose_on),
                opt(&r.vaccine),
                opt(&r.test_kind),
                optd(r.test_on),
                opt(&r.test_result),
                opti(r.area_id),
                r.status.as_str().to_owned(),
                opt(&r.checked_at),
                opt(&r.checkpoint),
                opt(&r.checkpoint_result),
                opti(r.checkpoint_sample_id),
                optd(r.home_on),
                opti(r.order_id),
                opt(&r.cancel_reason),
                r.channel.clone(),
                r.province_code.clone(),
                r.district_code.clone(),
                r.commune_code.clone(),
                r.commune_name.clone(),
                opt(&r.hamlet_code),
                opt(&r.hamlet_name),
                r.version.to_string(),
            ];
            ours_text.push_str(&cells.join("|"));
            ours_text.push('\n');
        }
    }
    let columns = "r.id, r.code, r.person_id, p.full_name, p.birth_year, p.phone, r.origin_code, \
         o.name AS origin_name, r.origin_address, r.departure_on, r.arrival_on, r.means, r.group_code, r.doses, \
         r.last_dose_on, r.vaccine, r.test_kind, r.test_on, r.test_result, r.area_id, r.status, r.checked_at, \
         r.checkpoint, r.checkpoint_result, r.checkpoint_sample_id, r.home_on, r.order_id, r.cancel_reason, \
         r.channel, r.province_code, r.district_code, r.commune_code, c.name AS commune_name, r.hamlet_code, \
         h.name AS hamlet_name, r.version";
    let from = "returnee_registrations r JOIN persons p ON p.id = r.person_id \
         JOIN units o ON o.code = r.origin_code JOIN units c ON c.code = r.commune_code \
         LEFT JOIN units h ON h.code = r.hamlet_code";
    let order_by = "ORDER BY r.arrival_on, c.name, h.name, p.full_name, r.id";
    let mut queries = String::new();
    for c in &communes {
        let c = q(&c.code);
        queries.push_str(&format!(
            "SELECT {columns} FROM {from} WHERE r.arrival_on = '{day}' AND r.commune_code = {c} {order_by};\n\
             SELECT {columns} FROM {from} WHERE r.arrival_on < '{day}' AND r.status IN ('registered', 'checked') \
             AND r.commune_code = {c} {order_by};\n"
        ));
    }
    let check_file = work.join("handover-peer.txt");
    // SQLite: the settings of our read connections (set before `.output`:
    // a pragma answers with its value).
    let (settings, output): (&str, fn(&str) -> String) = if ours.postgres() {
        ("", |f| format!("\\o {f}\n"))
    } else {
        (
            "PRAGMA cache_size = -65536;\nPRAGMA mmap_size = 1073741824;\n",
            |f| format!(".output {f}\n"),
        )
    };
    let warm = work.join("handover-warm.sql");
    std::fs::write(
        &warm,
        format!(
            "{settings}{}{queries}",
            output(&check_file.display().to_string())
        ),
    )?;
    let timed = work.join("handover-timed.sql");
    std::fs::write(
        &timed,
        format!("{settings}{}{queries}", output("/dev/null")),
    )?;
    ensure!(
        ours.run_file(&warm, Stdio::null())?.wait()?.success(),
        "the peer's hand-over script failed"
    );
    let t = Instant::now();
    ensure!(
        ours.run_file(&timed, Stdio::null())?.wait()?.success(),
        "the peer's hand-over script failed"
    );
    let peer_handover = t.elapsed();
    let peer_text = std::fs::read_to_string(&check_file)?;
    let differ = peer_text
        .lines()
        .zip(ours_text.lines())
        .filter(|(a, b)| a != b)
        .count()
        + peer_text
            .lines()
            .count()
            .abs_diff(ours_text.lines().count());
    if differ > 0 {
        let first = peer_text
            .lines()
            .zip(ours_text.lines())
            .find(|(a, b)| a != b);
        bail!("the hand-over lists differ in {differ} lines; first (peer, ours): {first:?}");
    }
    eprintln!(
        "  ours {:.0} ms, plain SQL {:.0} ms; {arriving} arriving, {overdue} overdue, lines equal",
        ours_handover.as_secs_f64() * 1000.0,
        peer_handover.as_secs_f64() * 1000.0
    );
    let handover = json!({
        "day": day, "communes": communes.len(), "arriving": arriving, "overdue": overdue,
        "ours_ms": ms(ours_handover), "ours_per_commune_ms": ms(ours_handover) / communes.len().max(1) as f64,
        "peer": if ours.postgres() { "psql, one script: two queries per commune" } else { "sqlite3, one script: two queries per commune" },
        "peer_ms": ms(peer_handover), "ratio": ratio(peer_handover, ours_handover),
        "lines_compared": ours_text.lines().count(), "differences": differ,
    });
    Ok(json!({
        "bench": "returnees", "engine": args.engine, "people": args.people,
        "registrations": n, "checkpoints": args.checkpoints, "seed": args.seed, "setup_ms": setup_ms,
        "import": import, "scans": scans_json, "handover": handover,
    }))
}
