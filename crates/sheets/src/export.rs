//! Export of people, shared by `phongdich export persons` and the web page:
//! everyone living in a scope, in id order, streamed in pages; audited.

use crate::{Format, TableWriter};
use phongdich_domain::{Permission, UnitCode};
use phongdich_store::{Actor, Scope, Store, StoreError};
use std::io::Write;

pub const PERSON_EXPORT_HEADERS: [&str; 13] = [
    "id",
    "full_name",
    "birth",
    "sex",
    "national_id",
    "phone",
    "commune_code",
    "hamlet_code",
    "street_address",
    "occupation",
    "workplace",
    "vulnerabilities",
    "household",
];

/// Write the people of `unit_code` (which must lie within the actor's
/// jurisdiction) and record the export in the audit log. Returns the count.
pub async fn export_persons(
    store: &Store,
    actor: &Actor,
    unit_code: &str,
    format: Format,
    out: Box<dyn Write + Send>,
) -> Result<u64, crate::import::ImportError> {
    actor.require(Permission::ExportPersons)?;
    let unit = store.unit(unit_code).await?;
    if !actor.scope.contains(&unit) {
        return Err(StoreError::NotFound {
            entity: "unit",
            id: unit_code.to_owned(),
        }
        .into());
    }
    let scope = Scope::unit(UnitCode::parse(&unit.code)?);
    let mut w = TableWriter::new(out, format, &PERSON_EXPORT_HEADERS)?;
    let (mut after, mut count) = (0, 0u64);
    loop {
        let page = store.persons_in_scope(&scope, after, 5000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for p in page {
            count += 1;
            w.write_row(&[
                p.id.to_string(),
                p.full_name,
                p.birth_date.unwrap_or_else(|| p.birth_year.to_string()),
                if p.sex == "female" { "Nữ" } else { "Nam" }.to_owned(),
                p.national_id.unwrap_or_default(),
                p.phone.unwrap_or_default(),
                p.commune_code,
                p.hamlet_code.unwrap_or_default(),
                p.street_address.unwrap_or_default(),
                p.occupation.unwrap_or_default(),
                p.workplace.unwrap_or_default(),
                p.vulnerabilities.join(","),
                p.household_id.map(|h| h.to_string()).unwrap_or_default(),
            ])?;
        }
    }
    w.finish()?;
    let details =
        serde_json::json!({ "unit": unit.code, "format": format!("{format:?}"), "rows": count });
    store
        .record_event(actor, "export", "persons", &unit.code, &details)
        .await?;
    Ok(count)
}
