//! `phongdich export`: the unit tree and the people of a unit as CSV or XLSX,
//! with the column names the importer reads back.

use clap::Subcommand;
use phongdich_sheets::{Format, TableWriter};
use phongdich_store::{Actor, Store};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ExportCommand {
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
}

pub async fn export(store: &Store, cmd: ExportCommand) -> anyhow::Result<()> {
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
    }
    Ok(())
}
