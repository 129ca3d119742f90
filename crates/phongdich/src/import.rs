//! `phongdich import`: spreadsheets in, every row accounted for in a report.

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use phongdich_sheets::{ColumnMap, POPULATION_FIELDS, SheetReader};
use phongdich_store::{Actor, ImportPolicy, Store};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub(crate) enum ImportCommand {
    /// People from CSV or XLSX; Vietnamese or English column headers.
    Persons {
        file: PathBuf,
        /// Row-by-row report of refused and flagged rows (default: FILE.report.csv).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Import likely duplicates anyway, keeping each pair for review.
        #[arg(long)]
        allow_likely_duplicates: bool,
        /// Rows per transaction (default: 20,000 on SQLite, 5,000 on PostgreSQL;
        /// smaller batches let a busy server's writes in sooner).
        #[arg(long)]
        batch: Option<usize>,
    },
    /// Confirmed cases as case lists publish them, one row a case.
    ///
    /// Columns (Vietnamese or English headers; only a unit and a date are required):
    /// Mã BN / case_code (national number BN1234, or a bare number);
    /// Mã BN tỉnh / local_code (the province's own number);
    /// Họ và tên / full_name (may be blank when the row has a case number: the
    /// person is then known by it); Năm sinh or Ngày sinh / birth, or Tuổi / age
    /// (with a case number); Giới tính / sex (blank or "không rõ" with a case
    /// number); Mã xã / commune_code; Ngày khẳng định / confirmed_on (else the
    /// sample date, said in the report); Ngày lấy mẫu / sample_on; Ngày khởi
    /// phát / onset_on; Lây từ / infected_by (one or several sources separated by
    /// "," ";" "+" or "và": case numbers, cluster names, countries — each must
    /// resolve, and may name a row further down); Nhập cảnh từ / country;
    /// Ngày tiếp xúc / exposure_on; Tình trạng / course; Nơi điều trị /
    /// hospital; Ngày khỏi / recovered_on; Ngày tử vong / died_on; Ngày âm tính
    /// / negative_on; Phát hiện tại / detected_where; Loại xét nghiệm / test_kind.
    /// A row whose case number is already on file corrects that case.
    /// Example: data/examples/ca-benh.csv. The report (FILE.report.csv) has one
    /// line per row with its line number as an editor shows it.
    Cases {
        file: PathBuf,
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// A list of returnees (a sending province's, a company's, a transport
    /// operator's): the person's columns (their commune is where they are
    /// going), Tỉnh đi / origin_province and Huyện đi / origin_district by
    /// name or code (or Mã nơi đi / origin_code), Ngày đi / departure_on,
    /// Ngày đến / arrival_on, Phương tiện / means, Nhóm / group (rows with the
    /// same label travel together), Số mũi / doses, Ngày tiêm mũi cuối /
    /// last_dose_on, Loại vắc-xin / vaccine, Loại xét nghiệm / test_kind, Ngày
    /// xét nghiệm / test_on, Kết quả xét nghiệm / test_result. Every row is
    /// reported with its line; the report has each registration's code.
    Returnees {
        file: PathBuf,
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// A contact list of one person (usually an F0).
    Contacts {
        /// The person's record number.
        #[arg(long)]
        person: i64,
        file: PathBuf,
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// A lab's results file: sample or pool code, test kind, outcome, Ct, date, lab.
    /// Importing the same file again changes nothing.
    Results {
        file: PathBuf,
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Communes' vaccination coverage and treatment capacity for the
    /// epidemic levels (criteria 2 and 3): Mã xã / code, Tên xã / name
    /// (checked against the code when given), Ngày / as_of, Tỷ lệ người từ 18
    /// tuổi tiêm ít nhất 1 mũi (%) / adult_one_dose, Tỷ lệ người cao tuổi
    /// tiêm đủ (%) / elderly_full, Năng lực điều trị / capacity (đạt / không
    /// đạt / met / not met). Percent cells (0.915) are read as 91.5 %. Every
    /// row is reported (default: FILE.report.csv).
    Coverage {
        file: PathBuf,
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Population per unit (columns: mã / code, dân số / population).
    Population {
        file: PathBuf,
        /// Date the figures refer to (YYYY-MM-DD).
        #[arg(long, default_value = "2021-04-01")]
        as_of: String,
    },
}

pub(crate) async fn run(store: &Store, cmd: ImportCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match cmd {
        ImportCommand::Persons {
            file,
            report,
            allow_likely_duplicates,
            batch,
        } => {
            let report = report.unwrap_or_else(|| default_report_path(&file));
            let policy = ImportPolicy {
                allow_likely_duplicates,
            };
            let batch = batch.unwrap_or_else(|| batch_rows(store));
            let s = import_persons(store, &actor, &file, &report, policy, batch, true).await?;
            println!(
                "{} dòng / rows: {} đã nhập / imported, {} bị từ chối / refused, {} nghi trùng chờ rà soát / flagged as likely duplicates — {:.1} s",
                s.rows,
                s.imported,
                s.refused,
                s.flagged,
                s.elapsed.as_secs_f64()
            );
            println!(
                "Báo cáo từng dòng / row-by-row report: {}",
                report.display()
            );
            Ok(())
        }
        ImportCommand::Cases { file, report } => {
            let report = report.unwrap_or_else(|| default_report_path(&file));
            let s = phongdich_sheets::cases::import_cases(store, &actor, &file, &report)
                .await
                .map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "{} dòng / rows: {} ca bệnh / cases confirmed, {} được sửa / corrected, {} không đổi / unchanged, {} bị từ chối / refused",
                s.rows, s.confirmed, s.updated, s.unchanged, s.refused
            );
            if !s.ignored_columns.is_empty() {
                println!(
                    "Cột không nhập / columns not imported: {}",
                    s.ignored_columns.join(", ")
                );
            }
            println!(
                "Báo cáo từng dòng / row-by-row report: {}",
                report.display()
            );
            Ok(())
        }
        ImportCommand::Results { file, report } => {
            let report = report.unwrap_or_else(|| default_report_path(&file));
            let s = phongdich_sheets::results::import_results(store, &actor, &file, &report)
                .await
                .map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "{} dòng / rows: {} kết quả mới / new results ({} khẳng định F0 / confirmed F0), \
                 {} đã có / unchanged, {} bị từ chối / refused",
                s.rows, s.recorded, s.confirmed, s.unchanged, s.refused
            );
            println!(
                "Báo cáo từng dòng / row-by-row report: {}",
                report.display()
            );
            Ok(())
        }
        ImportCommand::Returnees { file, report } => {
            let report = report.unwrap_or_else(|| default_report_path(&file));
            let s = phongdich_sheets::returnees::import_returnees(store, &actor, &file, &report)
                .await
                .map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "{} dòng / rows: {} đăng ký / registered ({} người mới / new people), {} bị từ chối / refused",
                s.rows, s.registered, s.new_people, s.refused
            );
            println!(
                "Báo cáo từng dòng / row-by-row report: {}",
                report.display()
            );
            Ok(())
        }
        ImportCommand::Coverage { file, report } => {
            let report = report.unwrap_or_else(|| default_report_path(&file));
            let s = phongdich_sheets::coverage::import_coverage(store, &actor, &file)
                .await
                .map_err(|e| anyhow::anyhow!(e))?;
            let mut w =
                csv::Writer::from_path(&report).with_context(|| format!("{}", report.display()))?;
            w.write_record(["line", "code", "name", "outcome", "reason_vi", "reason_en"])?;
            for r in &s.rows {
                let (vi, en): (Vec<&str>, Vec<&str>) = r
                    .errors
                    .iter()
                    .map(|e| (e.message_vi.as_str(), e.message_en.as_str()))
                    .unzip();
                let mut notes_vi = vi.join(" ");
                let mut notes_en = en.join(" ");
                if let Some((written, read)) = &r.capacity_read {
                    notes_vi.push_str(&format!(" Năng lực điều trị «{written}» đọc là {read}."));
                    notes_en.push_str(&format!(" Capacity “{written}” read as {read}."));
                }
                if r.fractions {
                    notes_vi.push_str(" Tỷ lệ ghi dạng phân số, đã đọc thành %.");
                    notes_en.push_str(" Shares written as fractions, read as %.");
                }
                let line = r.line.to_string();
                w.write_record([
                    line.as_str(),
                    r.unit_code.as_str(),
                    r.name.as_str(),
                    if r.errors.is_empty() {
                        "entered"
                    } else {
                        "refused"
                    },
                    notes_vi.trim(),
                    notes_en.trim(),
                ])?;
            }
            if let Some((line, why)) = &s.stopped {
                let line = line.to_string();
                w.write_record([
                    line.as_str(),
                    "",
                    "",
                    "stopped",
                    &format!("Dừng ở dòng này do lỗi cơ sở dữ liệu ({why}): dòng này và các dòng sau chưa ghi; nhập lại tệp khi hệ thống ổn định."),
                    &format!("Stopped at this line by a database error ({why}): this row and those after are not entered; import the file again when the system is back."),
                ])?;
            }
            w.flush()?;
            println!(
                "{} dòng / rows: {} đã ghi / entered, {} bị từ chối / refused",
                s.rows.len(),
                s.entered,
                s.rows.len() - s.entered
            );
            if !s.ignored.is_empty() {
                println!(
                    "Cột không dùng / columns not used: {}",
                    s.ignored.join(", ")
                );
            }
            println!(
                "Báo cáo từng dòng / row-by-row report: {}",
                report.display()
            );
            if let Some((line, why)) = s.stopped {
                anyhow::bail!(
                    "dừng ở dòng {line} do lỗi cơ sở dữ liệu; các dòng trước đã ghi / stopped at line {line} by a database error, the rows before it are entered: {why}"
                );
            }
            Ok(())
        }
        ImportCommand::Contacts {
            person,
            file,
            report,
        } => {
            let report = report.unwrap_or_else(|| default_report_path(&file));
            let s =
                phongdich_sheets::contacts::import_contacts(store, &actor, person, &file, &report)
                    .await
                    .map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "{} dòng / rows: {} tiếp xúc / contacts recorded ({} người mới / new people), {} bị từ chối / refused",
                s.rows, s.recorded, s.new_people, s.refused
            );
            println!(
                "Báo cáo từng dòng / row-by-row report: {}",
                report.display()
            );
            Ok(())
        }
        ImportCommand::Population { file, as_of } => {
            chrono::NaiveDate::parse_from_str(&as_of, "%Y-%m-%d")
                .with_context(|| format!("--as-of «{as_of}»: ghi YYYY-MM-DD / use YYYY-MM-DD"))?;
            let mut reader = SheetReader::open(&file)?;
            let map = ColumnMap::new(reader.headers(), POPULATION_FIELDS)?;
            let mut rows = Vec::new();
            while let Some(row) = reader.next_row() {
                let (line, cells) = row?;
                rows.push(phongdich_store::PopulationRow {
                    line,
                    code: map.get(&cells, "code").to_owned(),
                    population: map.get(&cells, "population").to_owned(),
                });
            }
            match store.import_population(&actor, &rows, &as_of).await {
                Ok(n) => {
                    println!("Đã cập nhật dân số {n} đơn vị / population set for {n} units");
                    Ok(())
                }
                Err((errors, failure)) => {
                    for (line, e) in &errors {
                        eprintln!("dòng / line {line}: {} / {}", e.message_vi, e.message_en);
                    }
                    if let Some(e) = failure {
                        return Err(e.into());
                    }
                    anyhow::bail!(
                        "{} dòng lỗi, không ghi gì / {} bad rows, nothing was written",
                        errors.len(),
                        errors.len()
                    )
                }
            }
        }
    }
}

/// `FILE.csv` → `FILE.report.csv` (as the README states), beside the file.
pub(crate) fn default_report_path(file: &Path) -> PathBuf {
    let mut name = file.file_stem().unwrap_or_default().to_os_string();
    name.push(".report.csv");
    file.with_file_name(name)
}

pub(crate) use phongdich_sheets::import::ImportSummary;

/// The shared import pipeline with a progress bar on the terminal.
/// Rows per import transaction by default. On SQLite fewer commits mean each
/// page of the random-keyed indexes is written to the WAL fewer times (200,000
/// people: 5,000 → 20,000 rows a batch, about 10 % faster); on PostgreSQL the
/// larger batch was slower (27.8 s → 33.1 s; BENCHMARKS.md).
pub(crate) fn batch_rows(store: &Store) -> usize {
    match store.dialect() {
        phongdich_store::Dialect::Sqlite => 20_000,
        phongdich_store::Dialect::Postgres => 5_000,
    }
}

pub(crate) async fn import_persons(
    store: &Store,
    actor: &Actor,
    file: &Path,
    report_path: &Path,
    policy: ImportPolicy,
    batch_size: usize,
    progress: bool,
) -> anyhow::Result<ImportSummary> {
    let bar = if progress {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    let mut styled = false;
    let mut on_progress = |p: phongdich_sheets::import::Progress| {
        let (len, pos, template) = match p.rows_total {
            Some(n) => (
                n,
                p.rows_done,
                "{bar:40} {pos}/{len} dòng / rows  {per_sec}  ETA {eta}",
            ),
            None => (
                p.bytes_total,
                p.bytes_done,
                "{bar:40} {bytes}/{total_bytes}  {bytes_per_sec}  ETA {eta}",
            ),
        };
        if !styled {
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_length(len);
            styled = true;
        }
        bar.set_position(pos);
    };
    let s = phongdich_sheets::import::import_persons(
        store,
        actor,
        file,
        &file.display().to_string(),
        report_path,
        policy,
        batch_size,
        &mut on_progress,
    )
    .await
    .map_err(|e| anyhow::anyhow!(e))
    .with_context(|| format!("importing {}", file.display()))?;
    bar.finish_and_clear();
    for ignored in &s.ignored_columns {
        eprintln!("Bỏ qua cột không dùng / ignoring unknown column: {ignored}");
    }
    Ok(s)
}
