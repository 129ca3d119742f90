//! `phongdich`: the one binary. Subcommands are thin: they parse arguments,
//! open the store and hand over to the library crates.
#![warn(unreachable_pub)]

mod bench;
mod bench_levels;
mod bench_quarantine;
mod bench_reports;
mod bench_results;
mod bench_returnees;
mod bench_tracing;
mod demo;
mod generate;
mod import;
mod tables;
mod users;

use anyhow::Context;
use clap::{Parser, Subcommand};
use phongdich_store::Store;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "phongdich",
    version,
    about = "Hệ thống điều hành phòng, chống dịch / Epidemic steering committee operations system"
)]
struct Cli {
    /// Database: an SQLite file (`phongdich.db`, `sqlite://PATH`) or `postgres://…`.
    /// (Default `phongdich.db`; `phongdich-demo.db` for `demo`.)
    #[arg(long, global = true, env = "PHONGDICH_DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and the JSON API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Do not end F-classes whose period is over by today's date (for
        /// records replayed from the past: a demo, training, tests).
        #[arg(long)]
        no_class_expiry: bool,
        /// A reverse proxy (address or network, e.g. `127.0.0.1`, `10.0.0.0/8`)
        /// whose `X-Forwarded-For` / `Forwarded` header names the client;
        /// repeat or separate with commas. None by default.
        #[arg(
            long = "trusted-proxy",
            env = "PHONGDICH_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<phongdich_web::ProxyNet>,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Import people or unit population from CSV or XLSX.
    Import {
        #[command(subcommand)]
        what: import::ImportCommand,
    },
    /// Export units or people as CSV or XLSX.
    Export {
        #[command(subcommand)]
        what: tables::ExportCommand,
    },
    /// Create (or reopen) a demo database of one real province and serve it.
    Demo(demo::DemoArgs),
    /// Manage accounts (passwords are read from standard input).
    User {
        #[command(subcommand)]
        what: users::UserCommand,
    },
    /// Manage API tokens for integrations.
    Token {
        #[command(subcommand)]
        what: users::TokenCommand,
    },
    /// Count the rapid reports' figures again from the records (after a repair
    /// made outside the application, or a restore): every commune of the unit,
    /// or of the country.
    Recount {
        /// A province, district or commune code; the whole country when absent.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Measure against the engines' own tools; see BENCHMARKS.md.
    Bench {
        #[command(subcommand)]
        what: bench::BenchCommand,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PHONGDICH_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let explicit_db = cli.db;
    let db = explicit_db
        .clone()
        .unwrap_or_else(|| "phongdich.db".to_owned());
    match cli.command {
        Command::Serve {
            listen,
            no_class_expiry,
            trusted_proxies,
        } => {
            let store = open(&db).await?;
            if store.user_count().await? == 0 {
                users::first_run_hint(&db);
            }
            let config = phongdich_web::Config {
                trusted_proxies,
                ..Default::default()
            };
            serve(store, &listen, !no_class_expiry, config).await
        }
        Command::User { what } => users::user(&open(&db).await?, what).await,
        Command::Token { what } => users::token(&open(&db).await?, what).await,
        Command::Migrate => {
            let store = Store::connect(&db)
                .await
                .with_context(|| format!("opening {db}"))?;
            let applied = store.migrate().await?;
            println!(
                "schema version {} (applied now: {:?})",
                store.schema_version().await?,
                applied
            );
            Ok(())
        }
        Command::Import { what } => import::run(&open(&db).await?, what).await,
        Command::Export { what } => tables::export(&open(&db).await?, what).await,
        Command::Demo(args) => {
            demo::run(
                args,
                &explicit_db.unwrap_or_else(|| "phongdich-demo.db".to_owned()),
            )
            .await
        }
        Command::Recount { unit } => {
            let store = open(&db).await?;
            let scope = match unit.as_deref().map(str::trim) {
                None | Some("") => phongdich_store::Scope::national(),
                Some(code) => {
                    let (scope, _) = store
                        .scope_within(&phongdich_store::Scope::national(), code)
                        .await
                        .with_context(|| format!("Đơn vị / unit {code}"))?;
                    scope
                }
            };
            let started = std::time::Instant::now();
            let communes = store.recount_figures(&scope).await?;
            println!(
                "{communes} xã/phường đã được đếm lại / communes counted again ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Bench { what } => bench::run(what).await,
    }
}

async fn open(db: &str) -> anyhow::Result<Store> {
    Store::open(db)
        .await
        .with_context(|| format!("Không mở được cơ sở dữ liệu / cannot open the database {db}"))
}

async fn serve(
    store: Store,
    listen: &str,
    class_expiry: bool,
    config: phongdich_web::Config,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("Không mở được cổng / cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    eprintln!("phongdich: http://{addr}/  (API: http://{addr}/api/v1/openapi.json)");
    phongdich_web::serve_with(store, listener, class_expiry, config).await?;
    Ok(())
}

/// Where a command writes: a file, or standard output for `-`.
fn output(path: &Option<PathBuf>) -> anyhow::Result<Box<dyn std::io::Write + Send>> {
    Ok(match path {
        Some(p) if p.as_os_str() != "-" => {
            Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
        }
        _ => Box::new(std::io::stdout()),
    })
}
