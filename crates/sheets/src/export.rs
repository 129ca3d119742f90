//! Exports shared by the command line and the web: people (`phongdich export
//! persons`, the people page) — everyone living in a scope, in id order,
//! streamed in pages — and the case register (`phongdich export cases`,
//! `GET /api/v1/cases/export`) with the list's own filters. Both audited;
//! CSV cells a spreadsheet would run as a formula are written inert.

use crate::{Format, TableWriter};
use phongdich_domain::{Permission, UnitCode};
use phongdich_store::{Actor, CaseFilter, Paging, Scope, Store, StoreError};
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
            entity: phongdich_store::Entity::Unit,
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

pub const CASE_EXPORT_HEADERS: [&str; 16] = [
    "case_code",
    "record_code",
    "full_name",
    "province_code",
    "commune_code",
    "commune",
    "confirmed_on",
    "status",
    "course",
    "recovered_on",
    "died_on",
    "source_kind",
    "sources",
    "import_country",
    "country",
    "case_id",
];

/// Write the cases of the register that pass `filter` (its unit within the
/// actor's jurisdiction: not found outside), in the list's order, and record
/// the export in the audit log. Needs the permission to export people: the
/// list names them. Returns the count.
pub async fn export_cases(
    store: &Store,
    actor: &Actor,
    filter: &CaseFilter,
    format: Format,
    out: Box<dyn Write + Send>,
) -> Result<u64, crate::import::ImportError> {
    actor.require(Permission::ExportPersons)?;
    // The first page checks the unit before anything is written.
    let mut page = store
        .case_register(&actor.scope, filter, Paging::new(0, Paging::MAX_LIMIT))
        .await?;
    let mut w = TableWriter::new(out, format, &CASE_EXPORT_HEADERS)?;
    let mut count = 0u64;
    loop {
        let fetched = page.entries.len() as i64;
        for e in page.entries {
            count += 1;
            let country = e
                .import_country
                .as_deref()
                .map(|c| phongdich_domain::country::name(c, true))
                .unwrap_or_default();
            w.write_row(&[
                e.code,
                e.record_code,
                e.full_name,
                e.province_code,
                e.commune_code,
                e.commune_name,
                e.confirmed_on,
                e.status,
                e.course,
                e.recovered_on.unwrap_or_default(),
                e.died_on.unwrap_or_default(),
                e.source_kind,
                e.sources.unwrap_or_default(),
                e.import_country.unwrap_or_default(),
                country,
                e.case_id.to_string(),
            ])?;
        }
        if fetched < page.paging.limit {
            break;
        }
        let next = Paging::new(page.paging.offset + fetched, Paging::MAX_LIMIT);
        page = store.case_register(&actor.scope, filter, next).await?;
    }
    w.finish()?;
    let unit = match &filter.unit {
        Some(u) => store.unit(u).await?.code,
        None => actor
            .scope
            .home()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
    };
    let details = serde_json::json!({
        "unit": unit, "filter": filter, "format": format!("{format:?}"), "rows": count,
    });
    store
        .record_event(actor, "export", "cases", &unit, &details)
        .await?;
    Ok(count)
}
