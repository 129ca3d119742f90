//! Epidemic levels: a week's table of the reader's communes by district —
//! the criteria, the proposed level with its explanation, the published one
//! and last week's — the committee's review and publication (a level other
//! than proposed needs a reason), and the coverage form.

use super::picker::{unit_field, units_to_choose};
use super::{Page, PageResult, field_error, form_errors, layout, num, show_day, text_field};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::text::one_decimal;
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{CommuneLevel, CoverageInput, LevelOverride};
use serde::Deserialize;

/// This module's routes; merged once in [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/levels", get(week_page))
        .route("/levels/publish", post(publish))
        .route("/levels/coverage", post(coverage))
        .route("/levels/rules", get(rules_page).post(save_rules))
        .route(
            "/levels/coverage/import",
            super::upload(post(coverage_import)),
        )
}

/// A level as a coloured badge: 1 green, 2 yellow, 3 orange, 4 red.
fn badge(l: Lang, level: Option<i64>) -> Markup {
    match level {
        Some(v @ 1..=4) => {
            let name = match v {
                1 => l.t("xanh", "green"),
                2 => l.t("vàng", "yellow"),
                3 => l.t("cam", "orange"),
                _ => l.t("đỏ", "red"),
            };
            html! { span.level data-level=(v) title=(name) { (l.t("Cấp ", "Level ")) (v) } }
        }
        _ => html! { span.muted { "—" } },
    }
}

#[derive(Deserialize, Default)]
pub(super) struct WeekQuery {
    #[serde(default)]
    week: String,
    #[serde(default)]
    done: String,
}

async fn week_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<WeekQuery>,
) -> PageResult {
    page.require(Permission::ViewPersons)?;
    render(&s, &page, &q, &[], &[], &CoverageInput::default()).await
}

async fn render(
    s: &AppState,
    page: &Page,
    q: &WeekQuery,
    typed: &[(String, String)],
    errors: &[FieldError],
    cov: &CoverageInput,
) -> PageResult {
    let l = page.lang;
    let day = match q.week.trim() {
        "" => page.today(),
        d => phongdich_domain::contact::parse_date("week", d).map_err(|e| {
            page.fail(phongdich_store::StoreError::from(
                phongdich_domain::Invalid(vec![e]),
            ))
        })?,
    };
    let w = s
        .store
        .week_levels(&page.actor.scope, day)
        .await
        .map_err(|e| page.fail(e))?;
    let can = page.can(Permission::Zones);
    let pending = w.communes.iter().any(|c| c.published.is_none());
    let typed_of = |name: &str| {
        typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let units = if can {
        units_to_choose(&s.store, page)
            .await
            .map_err(|e| page.fail(e))?
    } else {
        None
    };
    let prev = show_day(w.week_start - chrono::Days::new(7));
    let next = show_day(w.week_start + chrono::Days::new(7));
    let last = w.week_start + chrono::Days::new(6);
    let row = |c: &CommuneLevel| {
        let lv = c.proposed.level.map(i64::from);
        let change = match (c.published.or(lv), c.previous) {
            (Some(now), Some(before)) if now > before => "↑",
            (Some(now), Some(before)) if now < before => "↓",
            (Some(_), Some(_)) => "=",
            _ => "",
        };
        html! {
            tr data-unit=(c.unit_code) {
                td data-label=(l.t("Xã/phường", "Commune")) { strong { (c.unit_name) } br; small.muted { (c.district_name) } }
                td.num data-label=(l.t("Ca cộng đồng", "Community cases")) { (num(l, c.cases)) }
                td.num data-label=(l.t("Ca/100.000/tuần", "Per 100,000/week")) {
                    @match c.proposed.c1_rate { Some(r) => (one_decimal(r, l == Lang::Vi)), None => span.muted { (l.t("chưa có dân số", "no population")) } }
                }
                td data-label=(l.t("Đề xuất", "Proposed")) { (badge(l, lv)) }
                td data-label=(l.t("Công bố", "Published")) {
                    (badge(l, c.published)) " " (change)
                    @if let Some(r) = &c.reason { br; small { (r) } }
                }
                td data-label=(l.t("Căn cứ", "Why")) { details { summary { (l.t("Xem", "Show")) } small { (c.proposed.why(l == Lang::Vi)) } } }
                @if can && pending {
                    td data-label=(l.t("Cấp công bố", "Level to publish")) {
                        @if c.published.is_none() {
                            @let name = format!("level_{}", c.unit_code);
                            @let chosen = typed_of(&name).map(str::to_owned).unwrap_or_else(|| lv.map(|v| v.to_string()).unwrap_or_default());
                            label.visually-hidden for=(name) { (l.t("Cấp công bố", "Level to publish")) " " (c.unit_name) }
                            select id=(name) name=(name) {
                                option value="" selected[chosen.is_empty()] { "—" }
                                @for v in 1..=4 { option value=(v) selected[chosen == v.to_string()] { (v) } }
                            }
                            @let rname = format!("reason_{}", c.unit_code);
                            label.visually-hidden for=(rname) { (l.t("Lý do", "Reason")) " " (c.unit_name) }
                            input id=(rname) name=(rname) size="18" placeholder=(l.t("lý do nếu khác đề xuất", "reason if not as proposed")) value=(typed_of(&rname).unwrap_or(""));
                        }
                    }
                }
            }
        }
    };
    let content = html! {
        h1 { (l.t("Cấp độ dịch", "Epidemic levels")) }
        @match q.done.as_str() {
            "published" => p.notice role="status" { (l.t("Đã công bố cấp độ dịch của tuần.", "The week's levels were published.")) },
            "coverage" => p.notice role="status" { (l.t("Đã ghi tỷ lệ tiêm chủng và năng lực điều trị.", "The coverage and capacity were recorded.")) },
            _ => {},
        }
        p {
            (l.t("Tuần ", "Week ")) strong { (show_day(w.week_start)) " – " (show_day(last)) }
            " · " a href={ "/levels?week=" (prev) } { (l.t("← tuần trước", "← previous week")) }
            " · " a href={ "/levels?week=" (next) } { (l.t("tuần sau →", "next week →")) }
        }
        p.muted { (l.t(
            "Theo Nghị quyết 128/NQ-CP và Quyết định 4800/QĐ-BYT: tiêu chí 1 là số ca mới trong cộng đồng trên 100.000 dân trong tuần (như báo cáo nhanh: không tính ca nhập cảnh, ca từ tỉnh khác, ca phát hiện trong khu cách ly); không đạt tiêu chí 2 (tiêm chủng) thì tăng một cấp; không đạt tiêu chí 3 (năng lực điều trị) thì không hạ cấp.",
            "Under Resolution 128/NQ-CP and Decision 4800/QĐ-BYT: criterion 1 is new community cases per 100,000 people in the week (as in the rapid report: not imported, not from another province, not found in quarantine); criterion 2 (vaccination) not met raises one level; criterion 3 (treatment capacity) not met keeps the level from falling."
        )) }
        p { a href="/levels/rules" #rules-link { (l.t("Bộ tiêu chí đang áp dụng và của tỉnh →", "The rule sets in force, and the province's own →")) } }
        p #level-counts {
            (l.t("Đã công bố: ", "Published: "))
            @for (i, n) in w.published_counts.iter().enumerate() { (badge(l, Some(i as i64 + 1))) " " (num(l, *n)) "  " }
        }
        @if !w.areas.is_empty() {
            section #area-levels aria-labelledby="h-areas" {
                h2 #h-areas { (l.t("Cấp huyện, cấp tỉnh", "Districts and provinces")) }
                p.muted { (l.t(
                    "Cùng các tiêu chí, áp dụng cho cả địa bàn: số ca cộng đồng trên dân số các xã có dân số, tỷ lệ tiêm theo dân số (chỉ tính khi mọi xã đã nhập), năng lực điều trị đạt khi mọi xã đạt. Bên cạnh là số xã ở từng cấp.",
                    "The same criteria over the whole area: community cases over the population of the communes with one, coverage weighted by population (counted only when every commune has it), capacity met when every commune's is. Beside it, its communes at each level."
                )) }
                div.table-wrap { table.responsive #areas {
                    thead { tr { th { (l.t("Địa bàn", "Area")) } th { (l.t("Cấp", "Level")) } th { (l.t("Số xã theo cấp", "Communes by level")) } th { (l.t("Căn cứ", "Why")) } } }
                    tbody { @for a in &w.areas { tr data-unit=(a.unit_code) {
                        td data-label=(l.t("Địa bàn", "Area")) { strong { (a.unit_name) } }
                        td data-label=(l.t("Cấp", "Level")) { (badge(l, a.assessment.level.map(i64::from))) }
                        td data-label=(l.t("Số xã theo cấp", "Communes by level")) {
                            @for (i, n) in a.communes_by_level.iter().enumerate() { @if i > 0 { " · " } (i + 1) ": " (n) }
                            @if a.without_population > 0 { br; small.muted { (a.without_population) (l.t(" xã chưa có dân số", " without a population")) } }
                        }
                        td data-label=(l.t("Căn cứ", "Why")) { small { (a.assessment.why(l == Lang::Vi)) } }
                    } } }
                } }
            }
        }
        (form_errors(l, errors, &[]))
        @if errors.iter().any(|e| e.field.starts_with("overrides")) {
            div.alert role="alert" { @for e in errors.iter().filter(|e| e.field.starts_with("overrides")) { p { (l.t(&e.message_vi, &e.message_en)) } } }
        }
        form #levels-form method="post" action="/levels/publish" {
            (page.csrf_field())
            input type="hidden" name="week" value=(show_day(w.week_start));
            div.table-wrap { table.responsive #levels {
                thead { tr {
                    th { (l.t("Xã/phường", "Commune")) } th { (l.t("Ca cộng đồng", "Community cases")) } th { (l.t("Ca/100.000/tuần", "Per 100,000/week")) }
                    th { (l.t("Đề xuất", "Proposed")) } th { (l.t("Công bố", "Published")) } th { (l.t("Căn cứ", "Why")) }
                    @if can && pending { th { (l.t("Cấp công bố", "Level to publish")) } }
                } }
                tbody { @for c in &w.communes { (row(c)) } }
            } }
            @if can && pending {
                button type="submit" { (l.t("Công bố cấp độ tuần này", "Publish this week's levels")) }
            }
        }
        @if can {
            section #coverage aria-labelledby="h-coverage" {
                h2 #h-coverage { (l.t("Tỷ lệ tiêm chủng và năng lực điều trị của xã", "A commune's vaccination coverage and treatment capacity")) }
                (form_errors(l, errors, &["unit_code", "as_of", "adult_one_dose", "elderly_full", "capacity"]))
                form.stack #coverage-form method="post" action="/levels/coverage" novalidate {
                    (page.csrf_field())
                    input type="hidden" name="week" value=(show_day(w.week_start));
                    (unit_field(l, "unit_code", ("Xã/phường", "Commune"), &cov.unit_code, errors, &units))
                    (text_field(l, "as_of", ("Số liệu đến ngày (dd/mm/yyyy)", "As of (dd/mm/yyyy)"), &cov.as_of, errors, "required inputmode=\"numeric\""))
                    (text_field(l, "adult_one_dose", ("% người từ 18 tuổi đã tiêm ít nhất 1 mũi", "% of people 18+ with at least one dose"), &cov.adult_one_dose, errors, "inputmode=\"numeric\""))
                    (text_field(l, "elderly_full", ("% người cao tuổi đã tiêm đủ", "% of the elderly fully vaccinated"), &cov.elderly_full, errors, "inputmode=\"numeric\""))
                    div.field {
                        label for="f-capacity" { (l.t("Năng lực điều trị (tiêu chí 3)", "Treatment capacity (criterion 3)")) }
                        select #f-capacity name="capacity" {
                            option value="" selected[cov.capacity.is_empty()] { (l.t("chưa đánh giá", "not assessed")) }
                            option value="met" selected[cov.capacity == "met"] { (l.t("đạt", "met")) }
                            option value="not_met" selected[cov.capacity == "not_met"] { (l.t("không đạt", "not met")) }
                        }
                        (field_error(l, errors, "capacity"))
                    }
                    button type="submit" { (l.t("Ghi", "Save")) }
                }
                h3 { (l.t("Hoặc nhập từ tệp (CSV, XLSX)", "Or from a file (CSV, XLSX)")) }
                p.muted { (l.t(
                    "Mỗi dòng một xã: Mã xã, Ngày, Tỷ lệ ≥18 tuổi tiêm ít nhất 1 mũi (%), Tỷ lệ người cao tuổi tiêm đủ (%), Năng lực điều trị (đạt / không đạt). Dòng sai được báo lý do, các dòng khác vẫn được ghi.",
                    "A row a commune: its code, the day, % of adults with one dose, % of the elderly fully vaccinated, capacity (met / not met). A bad row is reported with its reasons; the others are entered."
                )) }
                form.stack #coverage-import method="post" action="/levels/coverage/import" enctype="multipart/form-data" {
                    (page.csrf_field())
                    div.field {
                        label for="f-coverage-file" { (l.t("Tệp", "File")) }
                        input #f-coverage-file type="file" name="file" accept=".csv,.xlsx" required;
                    }
                    button type="submit" { (l.t("Nhập tệp", "Import")) }
                }
            }
        }
    };
    Ok(layout(page, l.t("Cấp độ dịch", "Epidemic levels"), content))
}

/// A coverage file: each row entered or refused with its reasons.
async fn coverage_import(
    State(s): State<AppState>,
    page: Page,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    page.require(Permission::Zones)?;
    let l = page.lang;
    let (dir, saved) = crate::upload::save_upload(&mut multipart).await;
    let Some(path) = saved else {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(page.fail(phongdich_store::StoreError::from(
            phongdich_domain::Invalid(vec![FieldError::new(
                "file",
                "required",
                "Chưa chọn tệp.",
                "No file was chosen.",
            )]),
        )));
    };
    let result = phongdich_sheets::coverage::import_coverage(&s.store, &page.actor, &path).await;
    let _ = std::fs::remove_dir_all(&dir);
    let summary = match result {
        Ok(sm) => sm,
        Err(e) => {
            let msg = e.to_string();
            return Err(page.fail(phongdich_store::StoreError::from(
                phongdich_domain::Invalid(vec![FieldError::new(
                    "file",
                    "unreadable",
                    msg.clone(),
                    msg,
                )]),
            )));
        }
    };
    let refused = summary.rows.len() - summary.entered;
    Ok(layout(
        &page,
        l.t("Kết quả nhập tỷ lệ tiêm chủng", "Coverage import"),
        html! {
            h1 { (l.t("Kết quả nhập tỷ lệ tiêm chủng", "Coverage import")) }
            p.notice role="status" #import-summary {
                (summary.rows.len()) " " (l.t("dòng", "rows")) ": " strong { (summary.entered) } " " (l.t("đã ghi", "entered"))
                ", " strong { (refused) } " " (l.t("bị từ chối", "refused")) "."
            }
            @if let Some((line, why)) = &summary.stopped {
                p.error role="alert" #import-stopped {
                    (l.t("Dừng ở dòng ", "Stopped at line ")) (line) (l.t(" do lỗi cơ sở dữ liệu: ", " by a database error: ")) (why)
                    (l.t(". Các dòng trước đã ghi (liệt kê dưới đây); dòng này và các dòng sau chưa ghi — nhập lại tệp khi hệ thống ổn định.",
                         ". The rows before it are entered (listed below); this row and those after are not — import the file again when the system is back."))
                }
            }
            @if !summary.ignored.is_empty() {
                p.muted { (l.t("Các cột không dùng: ", "Columns not used: ")) (summary.ignored.join(", ")) }
            }
            div.table-wrap { table.responsive #coverage-rows {
                thead { tr { th { (l.t("Dòng", "Line")) } th { (l.t("Xã", "Commune")) } th { (l.t("Kết quả", "Outcome")) } } }
                tbody { @for r in &summary.rows { tr.refused[!r.errors.is_empty()] {
                    td data-label=(l.t("Dòng", "Line")) { (r.line) }
                    td data-label=(l.t("Xã", "Commune")) { (r.unit_code) @if !r.name.is_empty() { " " (r.name) } }
                    td data-label=(l.t("Kết quả", "Outcome")) {
                        @if r.errors.is_empty() { (l.t("Đã ghi", "Entered")) } @else {
                            @for e in &r.errors { span.field-error { (l.t(&e.message_vi, &e.message_en)) } br; }
                        }
                        @if r.fractions { br; small.muted { (l.t("Tỷ lệ ghi dạng phân số (ô phần trăm), đã đọc thành %.", "Shares written as fractions (percent cells), read as %.")) } }
                        @if let Some((w, m)) = &r.capacity_read { br; small.muted { (l.t("Năng lực điều trị «", "Capacity “")) (w) (l.t("» đọc là ", "” read as ")) (if *m == "met" { l.t("đạt", "met") } else { l.t("không đạt", "not met") }) } }
                    }
                } } }
            } }
            p { a href="/levels" { (l.t("← Cấp độ dịch", "← Epidemic levels")) } }
        },
    ))
}

async fn publish(
    State(s): State<AppState>,
    page: Page,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    page.require(Permission::Zones)?;
    let week = fields
        .iter()
        .find(|(k, _)| k == "week")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let q = WeekQuery {
        week: week.clone(),
        done: String::new(),
    };
    let day = match phongdich_domain::contact::parse_date("week", &week) {
        Ok(d) => d,
        Err(e) => {
            return render(&s, &page, &q, &fields, &[e], &CoverageInput::default()).await;
        }
    };
    let w = s
        .store
        .week_levels(&page.actor.scope, day)
        .await
        .map_err(|e| page.fail(e))?;
    // Each commune's chosen level: an override where it differs from the
    // proposal or a reason was written (the store asks a reason where needed).
    let mut overrides = Vec::new();
    for c in w.communes.iter().filter(|c| c.published.is_none()) {
        let get = |k: String| {
            fields
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.trim().to_owned())
        };
        let level = get(format!("level_{}", c.unit_code)).unwrap_or_default();
        let reason = get(format!("reason_{}", c.unit_code)).unwrap_or_default();
        let proposed = c.proposed.level.map(|v| v.to_string()).unwrap_or_default();
        // "—" keeps the proposal, unless a reason was written (then the
        // level is missing, and the store says so).
        if level.is_empty() && c.proposed.level.is_some() && reason.is_empty() {
            continue;
        }
        if level != proposed || !reason.is_empty() {
            overrides.push(LevelOverride {
                unit_code: c.unit_code.clone(),
                level: level.parse().unwrap_or(0),
                reason,
            });
        }
    }
    match s.store.publish_levels(&page.actor, day, &overrides).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/levels?week={}&done=published",
            show_day(w.week_start)
        ))
        .into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "overrides").map_err(|e| page.fail(e))?;
            let mut r = render(&s, &page, &q, &fields, &errors, &CoverageInput::default()).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct CoverageForm {
    #[serde(default)]
    week: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    adult_one_dose: String,
    #[serde(default)]
    elderly_full: String,
    #[serde(default)]
    capacity: String,
}

async fn coverage(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<CoverageForm>,
) -> PageResult {
    page.require(Permission::Zones)?;
    let input = CoverageInput {
        unit_code: f.unit_code.clone(),
        as_of: f.as_of.clone(),
        adult_one_dose: f.adult_one_dose.clone(),
        elderly_full: f.elderly_full.clone(),
        capacity: f.capacity.clone(),
    };
    match s.store.enter_coverage(&page.actor, &input).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/levels?week={}&done=coverage", f.week.trim())).into_response(),
        ),
        Err(e) => {
            let errors = super::refusal_fields(e, "unit_code").map_err(|e| page.fail(e))?;
            let q = WeekQuery {
                week: f.week.clone(),
                done: String::new(),
            };
            let mut r = render(&s, &page, &q, &[], &errors, &input).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

/// A province's own rule set as typed on its page.
#[derive(Deserialize, Default, Clone)]
pub(super) struct RulesForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    band2: String,
    #[serde(default)]
    band3: String,
    #[serde(default)]
    band4: String,
    #[serde(default)]
    adult_one_dose: String,
    #[serde(default)]
    elderly_full: String,
    #[serde(default)]
    done: String,
}

/// The rule sets in force for the reader's province (the Ministry's and its
/// own, each from its day), and — for the province's administrator — the
/// form to add its own (4800/QĐ-BYT lets a province move the C1 bounds and
/// the coverage thresholds, not the criteria).
async fn rules_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<RulesForm>,
) -> PageResult {
    page.require(Permission::ViewPersons)?;
    rules_render(
        &s,
        &page,
        &RulesForm {
            done: q.done,
            ..Default::default()
        },
        &[],
    )
    .await
}

async fn rules_render(
    s: &AppState,
    page: &Page,
    f: &RulesForm,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let province = s
        .store
        .province_of_scope(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let rules = match &province {
        Some(p) => s.store.level_rules_of(p).await.map_err(|e| page.fail(e))?,
        None => s.store.level_rules_of("").await.map_err(|e| page.fail(e))?,
    };
    // A province's administrator adds the province's own; a national one
    // the Ministry's (a new decision entered from its text).
    let ministry = page.actor.scope.is_national();
    let own = page.can(Permission::Configure)
        && (ministry
            || page
                .actor
                .scope
                .root()
                .is_some_and(|r| r.level() == phongdich_domain::UnitLevel::Province));
    let content = html! {
        h1 { (l.t("Bộ tiêu chí đánh giá cấp độ dịch", "Rule sets for epidemic levels")) }
        @if f.done == "saved" { p.notice role="status" { (l.t("Đã lưu bộ tiêu chí.", "The rule set was saved.")) } }
        div.table-wrap { table.responsive #level-rules {
            thead { tr {
                th { (l.t("Mã", "Code")) } th { (l.t("Từ ngày", "From")) } th { (l.t("Tiêu chí 1: ngưỡng cấp 2, 3, 4 (ca/100.000/tuần)", "Criterion 1: bounds of levels 2, 3, 4 (per 100,000/week)")) }
                th { (l.t("Tiêu chí 2", "Criterion 2")) } th { (l.t("Văn bản", "Document")) }
            } }
            tbody { @for r in &rules { tr {
                td data-label=(l.t("Mã", "Code")) { strong { (r.code) } @if r.province_code.is_some() { br; small { (l.t("của tỉnh", "the province's own")) } } }
                td data-label=(l.t("Từ ngày", "From")) { (show_day(r.valid_from)) }
                td data-label=(l.t("Tiêu chí 1", "Criterion 1")) { (one_decimal(r.c1_bounds[0], l == Lang::Vi)) " · " (one_decimal(r.c1_bounds[1], l == Lang::Vi)) " · " (one_decimal(r.c1_bounds[2], l == Lang::Vi)) }
                td data-label=(l.t("Tiêu chí 2", "Criterion 2")) { "≥ " (one_decimal(r.c2_adult_one_dose, l == Lang::Vi)) "% " (l.t("người ≥ 18 tuổi 1 mũi", "of adults, one dose")) "; ≥ " (one_decimal(r.c2_elderly_full, l == Lang::Vi)) "% " (l.t("người cao tuổi tiêm đủ", "of the elderly, fully")) }
                td data-label=(l.t("Văn bản", "Document")) { (r.source) }
            } } }
        } }
        p.muted { (l.t(
            "Một tuần được đánh giá theo bộ tiêu chí mới nhất có hiệu lực khi đó, của tỉnh hoặc của Bộ Y tế: bộ của Bộ Y tế ban hành sau bộ của tỉnh thì thay bộ của tỉnh.",
            "A week is assessed by the latest rule set in force then, the province's own or the Ministry's: a Ministry's set issued after the province's own replaces it."
        )) }
        @if own {
            section #new-rules aria-labelledby="h-new-rules" {
                h2 #h-new-rules { @if ministry { (l.t("Thêm bộ tiêu chí của Bộ Y tế", "Add a rule set of the Ministry of Health")) } @else { (l.t("Thêm bộ tiêu chí của tỉnh", "Add the province's own rule set")) } }
                (form_errors(l, errors, &["code", "source", "valid_from", "c1_bounds", "band2", "band3", "band4", "c2_adult_one_dose", "adult_one_dose", "c2_elderly_full", "elderly_full"]))
                form.stack #rules-form method="post" action="/levels/rules" novalidate {
                    (page.csrf_field())
                    (text_field(l, "code", ("Mã bộ tiêu chí (ví dụ qn-2021-11)", "Code (e.g. qn-2021-11)"), &f.code, errors, "required"))
                    (text_field(l, "source", ("Văn bản ban hành", "The document issuing it"), &f.source, errors, "required"))
                    (text_field(l, "valid_from", ("Áp dụng từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)"), &f.valid_from, errors, "required inputmode=\"numeric\""))
                    (field_error(l, errors, "c1_bounds"))
                    (text_field(l, "band2", ("Ngưỡng cấp 2 (ca/100.000/tuần)", "Level 2 from (per 100,000/week)"), &f.band2, errors, "required inputmode=\"decimal\""))
                    (text_field(l, "band3", ("Ngưỡng cấp 3", "Level 3 from"), &f.band3, errors, "required inputmode=\"decimal\""))
                    (text_field(l, "band4", ("Ngưỡng cấp 4", "Level 4 from"), &f.band4, errors, "required inputmode=\"decimal\""))
                    (field_error(l, errors, "c2_adult_one_dose"))
                    (text_field(l, "adult_one_dose", ("Tiêu chí 2: % người ≥ 18 tuổi tiêm ít nhất 1 mũi", "Criterion 2: % of adults with at least one dose"), &f.adult_one_dose, errors, "required inputmode=\"decimal\""))
                    (field_error(l, errors, "c2_elderly_full"))
                    (text_field(l, "elderly_full", ("Tiêu chí 2: % người cao tuổi tiêm đủ liều", "Criterion 2: % of the elderly fully vaccinated"), &f.elderly_full, errors, "required inputmode=\"decimal\""))
                    button type="submit" { (l.t("Lưu", "Save")) }
                }
            }
        }
        p { a href="/levels" { (l.t("← Cấp độ dịch", "← Epidemic levels")) } }
    };
    Ok(layout(
        page,
        l.t("Bộ tiêu chí cấp độ dịch", "Level rule sets"),
        content,
    ))
}

async fn save_rules(State(s): State<AppState>, page: Page, Form(f): Form<RulesForm>) -> PageResult {
    page.require(Permission::Configure)?;
    let mut errors = Vec::new();
    let number = |field: &str, v: &str, errors: &mut Vec<FieldError>| -> f64 {
        match v.trim().replace(',', ".").parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                errors.push(FieldError::new(
                    field,
                    "invalid",
                    format!("«{}» không phải là một số.", v.trim()),
                    format!("“{}” is not a number.", v.trim()),
                ));
                0.0
            }
        }
    };
    let bounds = [
        number("band2", &f.band2, &mut errors),
        number("band3", &f.band3, &mut errors),
        number("band4", &f.band4, &mut errors),
    ];
    let adult = number("adult_one_dose", &f.adult_one_dose, &mut errors);
    let elderly = number("elderly_full", &f.elderly_full, &mut errors);
    let valid_from = phongdich_domain::contact::parse_date("valid_from", &f.valid_from)
        .map_err(|e| errors.push(e))
        .ok();
    let province = s
        .store
        .province_of_scope(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let result = match (valid_from, errors.is_empty()) {
        (Some(valid_from), true) => {
            s.store
                .save_level_rules(
                    &page.actor,
                    &phongdich_domain::levels::LevelRules {
                        code: f.code.clone(),
                        source: f.source.clone(),
                        valid_from,
                        province_code: province,
                        c1_bounds: bounds,
                        c2_adult_one_dose: adult,
                        c2_elderly_full: elderly,
                        combine: phongdich_domain::levels::Combine::C1PlusOneIfC2Unmet,
                    },
                )
                .await
        }
        _ => Err(phongdich_store::StoreError::from(
            phongdich_domain::Invalid(errors),
        )),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/levels/rules?done=saved").into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "code").map_err(|e| page.fail(e))?;
            let mut r = rules_render(&s, &page, &f, &errors).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}
