//! `phongdich export`: the unit tree and the people of a unit as CSV or XLSX,
//! with the column names the importer reads back; the case register with the
//! filters of `GET /api/v1/cases`.

use clap::Subcommand;
use phongdich_sheets::{Format, TableWriter};
use phongdich_store::{Actor, Store};
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum ExportCommand {
    /// The whole administrative tree, one row per unit.
    Units {
        #[arg(long, default_value = "csv")]
        format: String,
        /// Output file; standard output when absent or `-`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The people living in a unit and under it.
    Persons {
        #[arg(long)]
        unit: String,
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The case register: cases with their codes, names, communes, dates,
    /// status and sources; the filters of `GET /api/v1/cases`.
    Cases {
        #[command(flatten)]
        filter: Box<CaseFilterArgs>,
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// The filters of the case register, as options.
#[derive(clap::Args)]
pub(crate) struct CaseFilterArgs {
    /// VN (the whole country, by default), a province, district or commune.
    #[arg(long)]
    unit: Option<String>,
    /// Confirmed on or after (yyyy-mm-dd or dd/mm/yyyy).
    #[arg(long)]
    confirmed_from: Option<String>,
    #[arg(long)]
    confirmed_to: Option<String>,
    #[arg(long)]
    recovered_from: Option<String>,
    #[arg(long)]
    recovered_to: Option<String>,
    #[arg(long)]
    deceased_from: Option<String>,
    #[arg(long)]
    deceased_to: Option<String>,
    /// case, cluster, imported or investigating.
    #[arg(long)]
    source: Option<String>,
    /// ISO code or name of the country of imported cases (XX: unknown).
    #[arg(long)]
    country: Option<String>,
    /// Cluster id.
    #[arg(long)]
    cluster: Option<String>,
    /// active, recovered or deceased.
    #[arg(long)]
    status: Option<String>,
}

pub(crate) async fn export(store: &Store, cmd: ExportCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match cmd {
        ExportCommand::Units { format, out } => {
            let mut w = TableWriter::new(
                crate::output(&out)?,
                Format::parse(&format)?,
                &[
                    "code",
                    "level",
                    "name",
                    "kind",
                    "parent_code",
                    "province_code",
                    "district_code",
                    "commune_code",
                    "population",
                ],
            )?;
            for u in store.all_units().await? {
                w.write_row(&[
                    u.code,
                    u.level.as_str().to_owned(),
                    u.name,
                    u.kind,
                    u.parent_code.unwrap_or_default(),
                    u.province_code,
                    u.district_code.unwrap_or_default(),
                    u.commune_code.unwrap_or_default(),
                    u.population.map(|p| p.to_string()).unwrap_or_default(),
                ])?;
            }
            w.finish()?;
        }
        ExportCommand::Persons { unit, format, out } => {
            let format = Format::parse(&format)?;
            let count = phongdich_sheets::export::export_persons(
                store,
                &actor,
                &unit,
                format,
                crate::output(&out)?,
            )
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
            eprintln!("Đã xuất {count} người / exported {count} people");
        }
        ExportCommand::Cases {
            filter,
            format,
            out,
        } => {
            let format = Format::parse(&format)?;
            let f = *filter;
            let params = phongdich_store::CaseFilterParams {
                unit: f.unit,
                confirmed_from: f.confirmed_from,
                confirmed_to: f.confirmed_to,
                recovered_from: f.recovered_from,
                recovered_to: f.recovered_to,
                deceased_from: f.deceased_from,
                deceased_to: f.deceased_to,
                source: f.source,
                country: f.country,
                cluster: f.cluster,
                status: f.status,
                offset: None,
                limit: None,
            };
            let (filter, _) = phongdich_store::CaseFilter::parse(&params)
                .map_err(phongdich_store::StoreError::from)?;
            let count = phongdich_sheets::export::export_cases(
                store,
                &actor,
                &filter,
                format,
                crate::output(&out)?,
            )
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
            eprintln!("Đã xuất {count} ca bệnh / exported {count} cases");
        }
    }
    Ok(())
}
