//! The administrative tree within the user's jurisdiction, and hamlets.

use super::{Page, PageResult, encode, layout, text_field};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::{FieldError, Permission, UnitLevel};
use phongdich_store::{NewHamlet, StoreError, Unit};
use serde::Deserialize;

fn unit_rows(page: &Page, units: &[Unit]) -> Markup {
    let l = page.lang;
    html! {
        div.table-wrap { table.responsive {
            thead { tr { th { (l.t("Mã", "Code")) } th { (l.t("Tên", "Name")) } th { (l.t("Dân số", "Population")) } } }
            tbody { @for u in units { tr {
                td.mono data-label=(l.t("Mã", "Code")) { (u.code) }
                td data-label=(l.t("Tên", "Name")) { a href={ "/units/" (u.code) } { (u.name) } }
                td data-label=(l.t("Dân số", "Population")) { (u.population.map(vn_number).unwrap_or_default()) }
            } } }
        } }
    }
}

/// `9199` → `9.199`, as Vietnamese documents write numbers.
pub(super) fn vn_number(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[derive(Deserialize, Default)]
pub(super) struct UnitQuery {
    #[serde(default)]
    q: String,
}

pub(super) async fn index(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<UnitQuery>,
) -> PageResult {
    let l = page.lang;
    let units = if q.q.trim().is_empty() {
        s.store.root_units(&page.actor.scope).await
    } else {
        s.store.search_units(&q.q, &page.actor.scope, 100).await
    }
    .map_err(|e| page.fail(e))?;
    Ok(layout(
        &page,
        l.t("Đơn vị hành chính", "Administrative units"),
        html! {
            h1 { (l.t("Đơn vị hành chính", "Administrative units")) }
            form.filters method="get" action="/units" role="search" {
                div.field {
                    label for="f-q" { (l.t("Tìm theo tên (có dấu hoặc không dấu)", "Search by name (with or without diacritics)")) }
                    input #f-q type="search" name="q" value=(q.q);
                }
                button type="submit" { (l.t("Tìm", "Search")) }
            }
            (unit_rows(&page, &units))
        },
    ))
}

async fn unit_page(
    s: &AppState,
    page: &Page,
    code: &str,
    errors: &[FieldError],
    name: &str,
) -> PageResult {
    let l = page.lang;
    let unit = s.store.unit(code).await.map_err(|e| page.fail(e))?;
    if !page.actor.scope.contains(&unit) {
        return Err(page.fail(StoreError::NotFound {
            entity: phongdich_store::Entity::Unit,
            id: code.to_owned(),
        }));
    }
    let ancestors = s.store.ancestors(code).await.map_err(|e| page.fail(e))?;
    let children = s.store.children(code).await.map_err(|e| page.fail(e))?;
    let add_hamlet = unit.level == UnitLevel::Commune && page.can(Permission::EditUnits);
    Ok(layout(
        page,
        &unit.name,
        html! {
            nav aria-label=(l.t("Đơn vị cấp trên", "Parent units")) {
                @for a in ancestors.iter().rev() { (a.name) " › " }
            }
            h1 { (unit.name) " " span.mono.muted { (unit.code) } }
            p {
                (unit.kind)
                @if let Some(p) = unit.population { " · " (l.t("dân số", "population")) " " (vn_number(p)) }
                " · " a href={ "/persons?unit=" (encode(&unit.code)) } { (l.t("Người dân", "People")) }
            }
            @if !children.is_empty() { (unit_rows(page, &children)) }
            @if add_hamlet {
                h2 { (l.t("Thêm thôn / tổ dân phố", "Add a hamlet / residential group")) }
                form method="post" action={ "/units/" (unit.code) } {
                    (page.csrf_field())
                    (text_field(l, "name", ("Tên", "Name"), name, errors, "required"))
                    div.field {
                        label for="f-kind" { (l.t("Loại", "Kind")) }
                        select #f-kind name="kind" {
                            @for k in ["thôn", "tổ dân phố", "ấp", "bản", "khu phố", "xóm"] { option value=(k) { (k) } }
                        }
                    }
                    button type="submit" { (l.t("Thêm", "Add")) }
                }
            }
        },
    ))
}

pub(super) async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> PageResult {
    unit_page(&s, &page, &code, &[], "").await
}

#[derive(Deserialize)]
pub(super) struct HamletForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

pub(super) async fn add_hamlet(
    State(s): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    Form(f): Form<HamletForm>,
) -> PageResult {
    page.require(Permission::EditUnits)?;
    let new = NewHamlet {
        commune_code: code.clone(),
        name: f.name.clone(),
        kind: f.kind,
    };
    match s.store.add_hamlet(&page.actor, &new).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{}", encode(&code))).into_response()),
        Err(StoreError::Invalid(i)) => unit_page(&s, &page, &code, &i.0, &f.name).await,
        Err(e) => Err(page.fail(e)),
    }
}

/// A province's districts as the `<option>`s of a datalist, for a district
/// typed by name (`picker.js` asks for them when the province is chosen).
pub(super) fn district_options(districts: &[Unit]) -> Markup {
    html! { @for d in districts { option value=(d.name) {} } }
}

/// `/units/{province}/districts`: [`district_options`] of any province
/// (unit names are public; a session is needed, no permission).
async fn districts(State(s): State<AppState>, page: Page, Path(code): Path<String>) -> PageResult {
    let unit = s.store.unit(&code).await.map_err(|e| page.fail(e))?;
    let districts = if unit.level == UnitLevel::Province {
        s.store
            .children(&unit.code)
            .await
            .map_err(|e| page.fail(e))?
    } else {
        Vec::new()
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        district_options(&districts).into_string(),
    )
        .into_response())
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/units", get(index))
        .route("/units/{code}", get(show).post(add_hamlet))
        .route("/units/{code}/districts", get(districts))
}
