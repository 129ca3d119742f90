//! Rapid situation reports (*báo cáo nhanh*) on the pages: a unit's report for
//! a period — every figure with its change since the previous report and a
//! link to the records behind it, the units below it, the medians — sent by
//! the unit's committee with its comments, approved or returned by the level
//! above; the day's board of the units below (sent, late, missing, reminded);
//! and the outputs: the printable A4 administrative document in either
//! language, CSV and XLSX.
//!
//! `/reports?unit=&from=&to=` (the reader's unit and today by default) shows
//! the draft computed live, or — once sent — the figures as sent with, beside
//! each, the difference the records show now; the change since
//! `previous_report`; each figure links to its records through `records_link`
//! (new F0 by where found, recovered, deceased and cumulative F0 to
//! `/tracing?level=0&confirmed_from=&confirmed_to=`; class lists, `/testing`,
//! `/quarantine?day=`, `/alerts`, `/places`, `/oxygen`, each with `unit=`;
//! releases have no list and stay unlinked); the units below with a total row;
//! send (own unit), approve / return (the level above), the period's versions.
//! `/reports/{id}` is one version, `/reports/board` the day's board with
//! reminders and the province's deadline and wave start forms. Outputs:
//! `/reports/{id}/print` (a draft: `/reports/print?unit=&from=&to=`) is a
//! standalone A4 document in the layout of Nghị định 30/2020 (issuing body,
//! national motto, `Số: <id>/BC-BCĐ`, place and date, recipients, signature
//! block), `?lang=en` for English, print rules in `report.css` served at
//! `/static/report.css`; `/reports/{id}.csv|.xlsx` (drafts:
//! `/reports.csv|.xlsx?…`) one row per line (key, label in the reader's
//! language, value, change) with a column per unit below, the medians and
//! the zones section's rows (`directive`, `lockdowns_in_force`,
//! `lockdown_people:{id}` a lockdown, `lockdowns_not_listed` past the hundred
//! listed, `green_zones`, `green_zone_lost:{id}`, `levels_week`,
//! `communes_level_1`…`4`, …), written by `sheets::table_bytes`. API (`api::reports`):
//! `/api/v1/reports/figures`, `POST /api/v1/reports`, `/api/v1/reports/{id}`
//! (`/review`), `/api/v1/units/{code}/reports`, `/api/v1/reports/board`, `POST
//! /api/v1/reports/remind`.

use super::{Page, PageError, PageResult, encode, figure_href, layout, num, show_date, show_time};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use maud::{DOCTYPE, Markup, html};
use phongdich_domain::report::{Figures, GROUPS, LINES, Line, change, definition};
use phongdich_domain::{FieldError, Permission, UnitLevel};
use phongdich_sheets::Cell;
use phongdich_store::{
    REPORT_DEADLINE, ReportFigures, SituationReport, StoreError, Unit, WAVE_START, vietnam,
};
use serde::Deserialize;

/// The print page's own rules (A4, the administrative document's layout).
const REPORT_CSS: &str = include_str!("report.css");

pub(super) async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        REPORT_CSS,
    )
        .into_response()
}

/// The unit and period whose records a report's figures count.
#[derive(Debug, Clone, Copy)]
pub(super) struct Records<'a> {
    pub(super) unit: &'a str,
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    /// The wave's first day (`f0_cumulative` counts from it).
    pub(super) wave_start: Option<NaiveDate>,
}

impl View {
    /// The records behind the report's own figures.
    fn records(&self) -> Records<'_> {
        self.records_of(&self.unit.code)
    }

    /// The records behind a figure of `unit` (the report's or one below it).
    fn records_of<'a>(&self, unit: &'a str) -> Records<'a> {
        Records {
            unit,
            from: self.from,
            to: self.to,
            wave_start: NaiveDate::parse_from_str(&self.figures.wave_start, "%Y-%m-%d").ok(),
        }
    }
}

/// Where the records behind a figure are listed: for every figure that
/// counts people (or samples, tests), its own list for the figure's unit
/// (`unit=`, checked against the reader's jurisdiction) and period — exactly
/// as many as the figure, stocks as they stood at the end of the period
/// (`/reports/figure`); the beds and equipment kept, their pages.
pub(super) fn records_link(key: &str, r: Records<'_>) -> Option<String> {
    let unit = encode(r.unit);
    Some(match key {
        "beds" => format!("/places?unit={unit}"),
        "oxygen_equipment" => format!("/oxygen?unit={unit}"),
        "f0_cumulative" => figure_href(key, r.unit, r.wave_start?, r.to),
        k if phongdich_store::figure_has_list(k) => figure_href(k, r.unit, r.from, r.to),
        _ => return None,
    })
}

/// A change as a signed count: `+3`, `-2`, `0`.
fn signed(l: Lang, n: i64) -> String {
    if n > 0 {
        format!("+{}", num(l, n))
    } else {
        num(l, n)
    }
}

/// A figure's label with its definition (`domain::report::DEFINITIONS`) in
/// the reader's language: `title=` on hover, and a tap (phones, keyboard)
/// opens it below the label (`details`), no script needed.
pub(crate) fn defined(l: Lang, key: &str, label: Markup) -> Markup {
    match definition(key) {
        Some((vi, en)) => {
            let d = l.t(vi, en);
            html! {
                details.definition data-definition=(key) {
                    summary title=(d) { abbr title=(d) { (label) } }
                    span.definition-text role="note" { (d) }
                }
            }
        }
        None => label,
    }
}

/// The printed report's notes: every line's definition, numbered as the
/// figures table refers to them.
fn notes(l: Lang) -> Markup {
    html! {
        section.notes #notes {
            h2 { (l.t("Ghi chú", "Notes")) }
            p.note { small { (l.t(
                "Số tồn (đang …) tính vào cuối ngày cuối của kỳ báo cáo (ngày D); số phát sinh tính theo ngày sự việc xảy ra trong kỳ, không theo ngày nhập liệu.",
                "Stocks (“in …”) count what stood at the end of the report's last day (D); flows count what happened on the days of the period, dated by when it happened, not when entered."
            )) } }
            ol {
                @for line in LINES {
                    @if let Some((vi, en)) = definition(line.key) {
                        li #{ "note-" (line.key) } { strong { (label(l, line)) } ": " (l.t(vi, en)) }
                    }
                }
            }
        }
    }
}

fn label(l: Lang, line: &Line) -> &'static str {
    l.t(line.vi, line.en)
}

fn status_label(l: Lang, status: &str) -> &'static str {
    match status {
        "submitted" => l.t("Đã gửi, chờ duyệt", "Sent, awaiting review"),
        "approved" => l.t("Đã duyệt", "Approved"),
        "returned" => l.t("Bị trả lại", "Returned"),
        _ => "",
    }
}

/// The period in words: one day, or a range.
fn period_text(l: Lang, from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        format!("{}{}", l.t("ngày ", ""), from.format("%d/%m/%Y"))
    } else {
        format!(
            "{}{}{}{}",
            l.t("từ ngày ", "from "),
            from.format("%d/%m/%Y"),
            l.t(" đến ngày ", " to "),
            to.format("%d/%m/%Y")
        )
    }
}

fn report_query(unit: &str, from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "unit={}&from={}&to={}",
        encode(unit),
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ReportQuery {
    unit: String,
    from: String,
    to: String,
    /// `en` or `vi`: the print page's language, whatever the switch says.
    lang: String,
    /// What was just done: `sent`, `approved`, `returned`.
    done: String,
    /// The committee's comments, when the form sends the report.
    comments: String,
}

/// One report as the pages show it.
pub(super) struct View {
    pub unit: Unit,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The version shown; `None`: the draft, computed live.
    pub sent: Option<SituationReport>,
    /// The latest version sent for the period (the one to review or follow).
    pub latest: Option<SituationReport>,
    /// The figures shown: as sent, or live for a draft.
    pub figures: ReportFigures,
    /// The live figures now (for a sent report: the corrections since).
    pub live: ReportFigures,
    pub previous: Option<SituationReport>,
    /// Every version of the period, newest first.
    pub versions: Vec<SituationReport>,
}

impl View {
    fn changes(&self) -> Option<Figures> {
        self.previous
            .as_ref()
            .map(|p| change(&self.figures.figures, &p.figures.figures))
    }
}

pub(super) fn parse_day(field: &str, v: &str, default: NaiveDate) -> Result<NaiveDate, StoreError> {
    if v.trim().is_empty() {
        return Ok(default);
    }
    phongdich_domain::contact::parse_date(field, v)
        .map_err(|e| StoreError::from(phongdich_domain::Invalid(vec![e])))
}

/// The period typed (`to` today and `from` the same day by default):
/// forwards and at most a year (`domain::report::check_period`), else the
/// field error.
pub(super) fn parse_period(
    from: &str,
    to: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), StoreError> {
    let to = parse_day("to", to, today)?;
    let from = parse_day("from", from, to)?;
    phongdich_domain::report::check_period(from, to)
        .map_err(|e| StoreError::from(phongdich_domain::Invalid(vec![e])))?;
    Ok((from, to))
}

/// The report of `unit` for `from..=to` (the reader's unit and today by
/// default), or the version `id`.
pub(super) async fn load(
    s: &AppState,
    page: &Page,
    q: &ReportQuery,
    id: Option<i64>,
) -> Result<View, PageError> {
    let scope = &page.actor.scope;
    let fail = |e| page.fail(e);
    let chosen = match id {
        Some(id) => Some(s.store.situation_report(scope, id).await.map_err(fail)?),
        None => None,
    };
    let (code, from, to) = match &chosen {
        Some(r) => (
            r.unit_code.clone(),
            parse_day("from", &r.period_from, page.today()).map_err(fail)?,
            parse_day("to", &r.period_to, page.today()).map_err(fail)?,
        ),
        None => {
            let code = if q.unit.trim().is_empty() {
                page.user.unit_code.clone()
            } else {
                q.unit.trim().to_owned()
            };
            let (from, to) = parse_period(&q.from, &q.to, page.today()).map_err(fail)?;
            (code, from, to)
        }
    };
    let unit = s.store.unit(&code).await.map_err(fail)?;
    let wave = s
        .store
        .wave_start(&unit.province_code)
        .await
        .map_err(fail)?;
    let live = s
        .store
        .report_figures(scope, &unit.code, from, to, wave)
        .await
        .map_err(fail)?;
    let (f, t) = (from.to_string(), to.to_string());
    let versions: Vec<SituationReport> = s
        .store
        .reports_of_unit(scope, &unit.code, 1000)
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|r| r.period_from == f && r.period_to == t)
        .collect();
    let latest = versions.first().cloned();
    // Without a chosen version: the latest, unless it was returned (then the
    // next version is a draft again).
    let sent = chosen.or_else(|| latest.clone().filter(|r| r.status != "returned"));
    let previous = s
        .store
        .previous_report(scope, &unit.code, from)
        .await
        .map_err(fail)?;
    Ok(View {
        figures: sent
            .as_ref()
            .map_or_else(|| live.clone(), |r| r.figures.clone()),
        unit,
        from,
        to,
        sent,
        latest,
        live,
        previous,
        versions,
    })
}

/// The figures by section: value, change since the previous report, and —
/// for a sent report on screen — the difference the records show now.
fn figures_table(l: Lang, v: &View, screen: bool) -> Markup {
    let changes = v.changes();
    let corrections = screen && v.sent.is_some();
    let records = v.records();
    html! {
        table.report-figures #figures {
            thead { tr {
                th { (l.t("Chỉ tiêu", "Figure")) }
                th.num { (l.t("Số liệu", "Count")) }
                th.num { (l.t("Thay đổi so với báo cáo trước", "Change since the previous report")) }
                @if corrections { th.num { (l.t("Hồ sơ sửa từ khi gửi", "Records corrected since sent")) } }
            } }
            @for (group, gvi, g_en) in GROUPS {
                tbody {
                    tr.group { th colspan=(if corrections { 4 } else { 3 }) scope="colgroup" { (l.t(gvi, g_en)) } }
                    @for line in LINES.iter().filter(|x| x.group == group) {
                        @let value = v.figures.figures.get(line.key).unwrap_or(0);
                        tr data-key=(line.key) {
                            th scope="row" {
                                @if screen { (defined(l, line.key, html! { (label(l, line)) })) }
                                @else {
                                    abbr title=(definition(line.key).map(|d| l.t(d.0, d.1)).unwrap_or_default()) { (label(l, line)) }
                                    sup { a.note-ref href={ "#note-" (line.key) } { (LINES.iter().position(|x| x.key == line.key).unwrap_or(0) + 1) } }
                                }
                            }
                            td.num.value {
                                @match records_link(line.key, records).filter(|_| screen) {
                                    Some(href) => a href=(href) { (num(l, value)) },
                                    None => (num(l, value)),
                                }
                            }
                            td.num.change { @match changes.as_ref().and_then(|c| c.get(line.key)) {
                                Some(d) => (signed(l, d)),
                                None => "—",
                            } }
                            @if corrections {
                                @let d = v.live.figures.get(line.key).unwrap_or(0) - value;
                                td.num.corrected { @if d != 0 { (signed(l, d)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn minutes(l: Lang, m: i64) -> String {
    format!("{}{}", num(l, m), l.t(" phút", " min"))
}

/// Why the F0 in treatment can outnumber the cumulative F0: those confirmed
/// before the wave's first day (issue 18, bug 6).
fn before_wave(l: Lang, f: &ReportFigures) -> Markup {
    let n = f.f0_active_before_wave;
    html! {
        @if n > 0 {
            p.note #before-wave { small {
                (l.t("Trong số F0 đang điều trị có ", "Of the F0 in treatment, ")) strong { (n) }
                (l.t(" người được khẳng định trước ngày bắt đầu đợt dịch (", " were confirmed before the wave's first day ("))
                (show_date(&f.wave_start))
                (l.t("), nên không nằm trong F0 cộng dồn.", "), so they are not in the cumulative F0."))
            } }
        }
    }
}

fn rates(l: Lang, f: &ReportFigures, screen: bool) -> Markup {
    let r = &f.rates;
    let days = r.turnaround_days.map(|d| {
        format!(
            "{}{}",
            d.to_string().replace('.', l.t(",", ".")),
            l.t(" ngày", " days")
        )
    });
    let rows = [
        (
            l.t(
                "Thời gian trả kết quả xét nghiệm (trung vị)",
                "Test turnaround (median)",
            ),
            days,
            format!("/testing?unit={}#h-turnaround", encode(&f.unit_code)),
        ),
        (
            l.t(
                "Thời gian tiếp nhận cảnh báo (trung vị)",
                "Time to take an alert (median)",
            ),
            r.minutes_to_acknowledge.map(|m| minutes(l, m)),
            "/duty".to_owned(),
        ),
        (
            l.t(
                "Thời gian xử lý cảnh báo (trung vị)",
                "Time to act on an alert (median)",
            ),
            r.minutes_to_act.map(|m| minutes(l, m)),
            "/duty".to_owned(),
        ),
    ];
    html! {
        dl.figures #rates {
            @for (label, value, href) in rows {
                div { dt { (label) } dd { @match value {
                    Some(v) if screen => a href=(href) { (v) },
                    Some(v) => (v),
                    None => "—",
                } } }
            }
        }
    }
}

/// The figures the A4 document's table of units shows (the whole table is in
/// the CSV and XLSX files and on the screen).
const PRINTED_CHILD_LINES: [&str; 10] = [
    "f0_new",
    "f0_active",
    "f0_home",
    "f0_hospital",
    "f1",
    "f1_quarantined",
    "quarantine_centralised",
    "quarantine_home",
    "tests_done",
    "alerts_open",
];

/// The zones section (domain-rules §9): lockdowns holding on the last day
/// with the people inside, green zones, the directive that applies, the
/// week's levels and their change — as frozen with a sent report.
fn zones_section(l: Lang, f: &ReportFigures, screen: bool) -> Markup {
    let Some(z) = &f.zones else {
        return html! {};
    };
    html! {
        div #report-zones {
            p #report-directive {
                strong { (l.t("Chỉ thị giãn cách: ", "Distancing directive: ")) }
                @match &z.directive {
                    Some(d) => { (l.t("Chỉ thị ", "Directive ")) (d.directive) " (" (d.unit_name) ", " (l.t("từ ", "since ")) (d.from_on.format("%d/%m/%Y")) ", " (d.decision) ")" },
                    None => { (l.t("không áp dụng", "none applies")) },
                }
            }
            p #report-lockdowns { strong { (l.t("Khu vực phong tỏa đang áp dụng: ", "Lockdown areas in force: ")) } (z.lockdowns_in_force.max(z.lockdowns.len() as i64))
                @if z.lockdowns_in_force > z.lockdowns.len() as i64 { " " small.muted { (l.t("(liệt kê ", "(the first ")) (z.lockdowns.len()) (l.t(" khu đầu)", " listed)")) } } }
            @if !z.lockdowns.is_empty() {
                table.figures {
                    thead { tr { th { (l.t("Khu vực", "Area")) } th { (l.t("Từ ngày", "Since")) } th { (l.t("Đến hết (theo hồ sơ khi tính)", "Until (as recorded when computed)")) } th.num { (l.t("Người trong khu (khi tính)", "People inside (when computed)")) } } }
                    tbody { @for x in &z.lockdowns { tr {
                        td { @if screen { a href={ "/lockdowns/" (x.id) } { (x.place) } } @else { (x.place) } }
                        td { (x.from_on.format("%d/%m/%Y")) } td { (x.until.format("%d/%m/%Y")) }
                        td.num { (num(l, x.people)) }
                    } } }
                }
            }
            p #report-green { strong { (l.t("Vùng xanh: ", "Green zones: ")) } (z.green_zones)
                @if !z.green_zones_lost.is_empty() {
                    "; " (l.t("mất trạng thái trong kỳ: ", "lost in the period: "))
                    @for (i, g) in z.green_zones_lost.iter().enumerate() {
                        @if i > 0 { ", " }
                        @if screen { a href={ "/green-zones/" (g.id) } { (g.name) } } @else { (g.name) }
                        " (" (g.lost_on.format("%d/%m/%Y")) @if let Some(c) = &g.case_code { ", F0 " (c) } ")"
                    }
                }
            }
            @if let Some(v) = &z.levels {
                p #report-levels { strong { (l.t("Cấp độ dịch các xã, tuần trọn gần nhất từ ", "Communes' epidemic levels, the last full week, from ")) (v.week_start.format("%d/%m/%Y")) ": " }
                    @for (i, n) in v.by_level.iter().enumerate() { @if i > 0 { ", " } (l.t("cấp ", "level ")) (i + 1) ": " (n) }
                    @if v.without_level > 0 { "; " (v.without_level) (l.t(" xã chưa có cấp", " without a level")) }
                    "; ↑ " (v.up) " ↓ " (v.down) (l.t(" so với tuần trước", " since the week before"))
                    @if screen { " · " a href={ "/levels?week=" (v.week_start.format("%d/%m/%Y")) } { (l.t("Bảng cấp độ", "Levels' table")) } }
                }
            }
        }
    }
}

/// The units one level below, each with its figures, and the total row
/// (equal to the unit's own figures: a sum by construction).
fn children_table(l: Lang, v: &View, screen: bool) -> Markup {
    let lines: Vec<&Line> = LINES
        .iter()
        .filter(|x| screen || PRINTED_CHILD_LINES.contains(&x.key))
        .collect();
    let f = &v.figures;
    html! {
        @if !f.children.is_empty() {
            div.table-wrap { table.report-children #children {
                thead { tr {
                    th { (l.t("Đơn vị", "Unit")) }
                    @for line in &lines { th.num title=(definition(line.key).map(|d| l.t(d.0, d.1)).unwrap_or_default()) { (label(l, line)) } }
                } }
                tbody { @for c in &f.children { tr data-unit=(c.unit_code) {
                    th scope="row" {
                        @if screen { a href={ "/reports?" (report_query(&c.unit_code, v.from, v.to)) } { (c.unit_name) } }
                        @else { (c.unit_name) }
                    }
                    @for line in &lines {
                        @let value = num(l, c.figures.get(line.key).unwrap_or(0));
                        td.num data-key=(line.key) { @match records_link(line.key, v.records_of(&c.unit_code)).filter(|_| screen) {
                            Some(href) => a href=(href) { (value) },
                            None => (value),
                        } }
                    }
                } } }
                tfoot { tr.total {
                    th scope="row" { (l.t("Tổng", "Total")) }
                    @for line in &lines { td.num { (num(l, f.figures.get(line.key).unwrap_or(0))) } }
                } }
            } }
        }
    }
}

/// Every version of the period: who sent it, when, on time or late, the review.
fn history(l: Lang, v: &View) -> Markup {
    html! {
        @if !v.versions.is_empty() {
            div.table-wrap { table.responsive #history {
                thead { tr {
                    th { (l.t("Phiên bản", "Version")) } th { (l.t("Gửi lúc", "Sent at")) } th { (l.t("Người gửi", "Sent by")) }
                    th { (l.t("Đúng hạn", "On time")) } th { (l.t("Trạng thái", "Status")) } th { (l.t("Cấp trên", "Review")) }
                } }
                tbody { @for r in &v.versions { tr data-version=(r.version) data-status=(r.status) {
                    td data-label=(l.t("Phiên bản", "Version")) { a href={ "/reports/" (r.id) } { "v" (r.version) } }
                    td data-label=(l.t("Gửi lúc", "Sent at")) { (show_time(&r.submitted_at)) }
                    td data-label=(l.t("Người gửi", "Sent by")) { (r.submitted_by) }
                    td data-label=(l.t("Đúng hạn", "On time")) {
                        @if r.late { span.late { (l.t("Muộn", "Late")) } } @else { (l.t("Đúng hạn", "On time")) } }
                    td data-label=(l.t("Trạng thái", "Status")) { (status_label(l, &r.status)) }
                    td data-label=(l.t("Cấp trên", "Review")) {
                        @if let (Some(by), Some(at)) = (&r.reviewed_by, &r.reviewed_at) { (by) ", " (show_time(at)) }
                        @if let Some(note) = &r.review_note { br; em.note { (note) } }
                    }
                } } }
            } }
        }
    }
}

/// The report page: the unit and period, the figures, the units below, the
/// medians, and what the reader may do with it.
pub(super) async fn report_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let v = load(&s, &page, &q, None).await?;
    render(&s, &page, &v, &q.done, "", &[]).await
}

/// One version, as sent.
pub(super) async fn report_by_id(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    // `/reports/12`, `/reports/12.csv`, `/reports/12.xlsx`.
    let (number, ext) = match id.split_once('.') {
        Some((n, ext)) => (n, Some(ext)),
        None => (id.as_str(), None),
    };
    let Ok(id) = number.parse::<i64>() else {
        return Err(page.fail(StoreError::NotFound {
            entity: phongdich_store::Entity::SituationReport,
            id: id.clone(),
        }));
    };
    let v = load(&s, &page, &q, Some(id)).await?;
    match ext {
        None => render(&s, &page, &v, &q.done, "", &[]).await,
        Some(ext) => download(&page, &v, ext),
    }
}

async fn render(
    s: &AppState,
    page: &Page,
    v: &View,
    done: &str,
    comments: &str,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let own = page.actor.scope.root().map(|r| r.as_str()) == Some(v.unit.code.as_str());
    let can = page.can(Permission::Report);
    let latest_open = v.latest.as_ref().is_none_or(|r| r.status == "returned");
    let may_send = can && own && latest_open && v.to <= page.today();
    let to_review = v
        .latest
        .as_ref()
        .filter(|r| can && !own && r.status == "submitted");
    let reminders = if latest_open {
        s.store
            .reminders(&v.unit.code, v.to)
            .await
            .map_err(|e| page.fail(e))?
    } else {
        Vec::new()
    };
    let choices: Vec<Unit> = super::unit_choices(s, page)
        .await?
        .into_iter()
        .filter(|u| u.level != UnitLevel::Hamlet)
        .collect();
    let recent = s
        .store
        .reports_of_unit(&page.actor.scope, &v.unit.code, 10)
        .await
        .map_err(|e| page.fail(e))?;
    let query = report_query(&v.unit.code, v.from, v.to);
    let (print, csv, xlsx) = match &v.sent {
        Some(r) => (
            format!("/reports/{}/print", r.id),
            format!("/reports/{}.csv", r.id),
            format!("/reports/{}.xlsx", r.id),
        ),
        None => (
            format!("/reports/print?{query}"),
            format!("/reports.csv?{query}"),
            format!("/reports.xlsx?{query}"),
        ),
    };
    let notice = match done {
        "sent" => Some(l.t(
            "Đã gửi báo cáo lên cấp trên.",
            "The report is sent to the level above.",
        )),
        "approved" => Some(l.t("Đã duyệt báo cáo.", "The report is approved.")),
        "returned" => Some(l.t(
            "Đã trả lại báo cáo để đơn vị sửa.",
            "The report is returned for correction.",
        )),
        _ => None,
    };
    let content = html! {
        link rel="stylesheet" href="/static/report.css";
        h1 { (l.t("Báo cáo nhanh", "Rapid report")) " — " (v.unit.name) }
        p.period { (period_text(l, v.from, v.to)) }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        form.filters method="get" action="/reports" {
            div.field { label for="r-unit" { (l.t("Đơn vị", "Unit")) }
                select #r-unit name="unit" { @for u in &choices {
                    option value=(u.code) selected[u.code == v.unit.code] { (u.name) }
                } } }
            div.field { label for="r-from" { (l.t("Từ ngày", "From")) } input #r-from name="from" value=(v.from.format("%d/%m/%Y")); }
            div.field { label for="r-to" { (l.t("Đến ngày", "To")) } input #r-to name="to" value=(v.to.format("%d/%m/%Y")); }
            button type="submit" { (l.t("Xem", "Show")) }
        }
        p.no-print {
            a href=(print) { (l.t("Bản in A4", "A4 print")) } " · "
            a href=(csv) { "CSV" } " · " a href=(xlsx) { "XLSX" }
            @if matches!(v.unit.level, UnitLevel::Province | UnitLevel::District) {
                " · " a href={ "/reports/board?unit=" (encode(&v.unit.code)) "&day=" (v.to.format("%Y-%m-%d")) } { (l.t("Tình hình gửi báo cáo của cấp dưới", "Who below has reported")) }
            }
        }
        @for (by, at) in &reminders {
            p.alert.reminder role="status" { (l.t("Cấp trên đã nhắc gửi báo cáo: ", "The level above reminded you to send the report: ")) (by) ", " (show_time(at)) }
        }
        @match &v.sent {
            Some(r) => div.status.done #report-status {
                p { strong { (l.t("Báo cáo đã gửi", "Sent report")) " v" (r.version) } " · " (status_label(l, &r.status)) " · "
                    (r.submitted_by) ", " (show_time(&r.submitted_at))
                    @if r.late { " · " span.late { (l.t("gửi muộn", "late")) } } }
                p { small { (l.t("Số liệu như khi gửi; cột cuối là chênh lệch với hồ sơ hiện nay.",
                    "The figures as sent; the last column is the difference with the records now.")) } }
            },
            None => div.status.todo #report-status {
                p { strong { (l.t("Bản nháp", "Draft")) } " · " (l.t("số liệu tính trực tiếp từ hồ sơ, chưa gửi.", "figures computed live from the records, not sent.")) }
                @if let Some(r) = v.latest.as_ref().filter(|r| r.status == "returned") {
                    p { (l.t("Phiên bản v", "Version v")) (r.version) (l.t(" bị trả lại: ", " was returned: ")) em { (r.review_note.clone().unwrap_or_default()) } }
                }
            },
        }
        (figures_table(l, v, true))
        (before_wave(l, &v.figures))
        @if v.figures.zones.is_some() {
            h2 { (l.t("Phong tỏa, vùng xanh, chỉ thị, cấp độ dịch", "Lockdowns, green zones, directive, epidemic levels")) }
            (zones_section(l, &v.figures, true))
        }
        h2 { (l.t("Trung vị", "Medians")) }
        (rates(l, &v.figures, true))
        @if !v.figures.children.is_empty() {
            h2 { (l.t("Các đơn vị trực thuộc", "Units below")) }
            (children_table(l, v, true))
        }
        h2 { (l.t("Ý kiến của Ban Chỉ đạo", "The committee's comments")) }
        @if let Some(r) = &v.sent {
            @if r.comments.is_empty() { p.muted { (l.t("Không có ý kiến.", "No comments.")) } }
            @else { p.comments #comments { (r.comments) } }
        }
        @if may_send {
            form #send method="post" action="/reports" {
                (page.csrf_field())
                input type="hidden" name="unit" value=(v.unit.code);
                input type="hidden" name="from" value=(v.from.format("%Y-%m-%d"));
                input type="hidden" name="to" value=(v.to.format("%Y-%m-%d"));
                div.field.invalid[errors.iter().any(|e| e.field == "comments")] {
                    label for="f-comments" { (l.t("Nhận xét, đề xuất", "Comments and requests")) }
                    textarea #f-comments name="comments" rows="4" { (comments) }
                    @for e in errors { span.field-error role="alert" { (l.t(&e.message_vi, &e.message_en)) } }
                }
                button type="submit" { (l.t("Gửi báo cáo", "Send")) }
            }
        } @else if v.sent.is_none() && !own {
            p.muted { (l.t("Đơn vị tự gửi báo cáo của mình.", "The unit sends its own report.")) }
        }
        @if let Some(r) = to_review {
            section #review {
                h2 { (l.t("Duyệt báo cáo", "Review")) " v" (r.version) }
                form.inline #approve method="post" action={ "/reports/" (r.id) "/review" } {
                    (page.csrf_field())
                    input type="hidden" name="decision" value="approve";
                    button type="submit" { (l.t("Duyệt", "Approve")) }
                }
                form #return method="post" action={ "/reports/" (r.id) "/review" } {
                    (page.csrf_field())
                    input type="hidden" name="decision" value="return";
                    div.field.invalid[errors.iter().any(|e| e.field == "note")] {
                        label for="f-note" { (l.t("Lý do trả lại", "Why it is returned")) }
                        textarea #f-note name="note" rows="2" {}
                        (super::field_error(l, errors, "note"))
                    }
                    button.secondary type="submit" { (l.t("Trả lại", "Return")) }
                }
            }
        }
        @if !v.versions.is_empty() {
            h2 { (l.t("Các phiên bản của kỳ này", "Versions of this period")) }
            (history(l, v))
        }
        @if !recent.is_empty() {
            h2 { (l.t("Báo cáo đã gửi gần đây", "Recently sent reports")) }
            ul #recent { @for r in &recent { li {
                a href={ "/reports/" (r.id) } { (period_text(l, parse_day("from", &r.period_from, v.from).unwrap_or(v.from), parse_day("to", &r.period_to, v.to).unwrap_or(v.to))) " v" (r.version) }
                " · " (status_label(l, &r.status))
            } } }
        }
    };
    Ok(layout(page, l.t("Báo cáo nhanh", "Rapid report"), content))
}

/// The committee sends its report: the figures are frozen as they are now.
pub(super) async fn send(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<ReportQuery>,
) -> PageResult {
    page.require(Permission::Report)?;
    let today = page.today();
    let to = parse_day("to", &f.to, today).map_err(|e| page.fail(e))?;
    let from = parse_day("from", &f.from, to).map_err(|e| page.fail(e))?;
    match s
        .store
        .submit_report(&page.actor, f.unit.trim(), from, to, &f.comments, today)
        .await
    {
        Ok(r) => Ok(Redirect::to(&format!("/reports/{}?done=sent", r.id)).into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "comments").map_err(|e| page.fail(e))?;
            // Each refusal beside the comments, the only field typed.
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| FieldError {
                    field: "comments".into(),
                    ..e
                })
                .collect();
            let v = load(&s, &page, &f, None).await?;
            render(&s, &page, &v, "", &f.comments, &errors).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ReviewForm {
    decision: String,
    note: String,
}

/// The level above approves the report, or returns it with a reason.
pub(super) async fn review(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    page.require(Permission::Report)?;
    let approve = f.decision == "approve";
    match s
        .store
        .review_report(&page.actor, id, approve, &f.note)
        .await
    {
        Ok(r) => Ok(Redirect::to(&format!(
            "/reports/{}?done={}",
            r.id,
            if approve { "approved" } else { "returned" }
        ))
        .into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "note").map_err(|e| page.fail(e))?;
            let v = load(&s, &page, &ReportQuery::default(), Some(id)).await?;
            render(&s, &page, &v, "", "", &errors).await
        }
    }
}

// ---------------------------------------------------------------- outputs

/// The language of an output: `?lang=` when given, else the reader's.
fn output_lang(page: &Page, q: &ReportQuery) -> Lang {
    match q.lang.as_str() {
        "en" => Lang::En,
        "vi" => Lang::Vi,
        _ => page.lang,
    }
}

/// A province's name as the place line writes it: `Tỉnh Quảng Ninh` → `Quảng Ninh`.
fn place_name(name: &str) -> &str {
    ["Thành phố ", "Tỉnh "]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
}

pub(super) async fn print_draft(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let v = load(&s, &page, &q, None).await?;
    print(&s, &page, &q, &v).await
}

pub(super) async fn print_sent(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let v = load(&s, &page, &q, Some(id)).await?;
    print(&s, &page, &q, &v).await
}

/// The report as a Vietnamese administrative document on A4: issuing body and
/// national motto, number and place-date line, title, the tables, the
/// committee's comments, the signature block. "Save as PDF" in the browser's
/// print dialog makes the PDF.
async fn print(s: &AppState, page: &Page, q: &ReportQuery, v: &View) -> PageResult {
    let l = output_lang(page, q);
    let province = s
        .store
        .unit(&v.unit.province_code)
        .await
        .map_err(|e| page.fail(e))?;
    let parent = match &v.unit.parent_code {
        Some(p) => Some(s.store.unit(p).await.map_err(|e| page.fail(e))?),
        None => None,
    };
    // The date of the document: when it was sent, else today.
    let dated = v
        .sent
        .as_ref()
        .and_then(|r| chrono::DateTime::parse_from_rfc3339(&r.submitted_at).ok())
        .map_or_else(
            || page.today(),
            |t| t.with_timezone(&vietnam()).date_naive(),
        );
    let place = place_name(&province.name);
    let place_date = match l {
        // Nghị định 30/2020/NĐ-CP: a day below 10 and the months 1 and 2
        // are written with a leading zero.
        Lang::Vi => format!(
            "{place}, ngày {:02} tháng {} năm {}",
            dated.day(),
            if dated.month() <= 2 {
                format!("{:02}", dated.month())
            } else {
                dated.month().to_string()
            },
            dated.year()
        ),
        Lang::En => format!("{place}, {}", dated.format("%-d %B %Y")),
    };
    let number = match &v.sent {
        Some(r) => format!("{}/BC-BCĐ", r.id),
        None => l.t("…/BC-BCĐ (bản nháp)", "…/BC-BCĐ (draft)").to_owned(),
    };
    let comments = v.sent.as_ref().map(|r| r.comments.as_str()).unwrap_or("");
    let other = match l {
        Lang::Vi => ("en", "English"),
        Lang::En => ("vi", "Tiếng Việt"),
    };
    let here = page.path.split('?').next().unwrap_or("/reports");
    let here_query: String = page
        .path
        .split_once('?')
        .map(|(_, qs)| {
            qs.split('&')
                .filter(|p| !p.starts_with("lang="))
                .collect::<Vec<_>>()
                .join("&")
        })
        .unwrap_or_default();
    let sep = if here_query.is_empty() { "" } else { "&" };
    let back = match &v.sent {
        Some(r) => format!("/reports/{}", r.id),
        None => format!("/reports?{}", report_query(&v.unit.code, v.from, v.to)),
    };
    let body = html! {
        nav.print-bar.no-print {
            a href=(back) { (l.t("← Về báo cáo", "← Back to the report")) }
            a lang=(other.0) href={ (here) "?" (here_query) (sep) "lang=" (other.0) } { (other.1) }
            (super::print_button(l.t("In / Lưu PDF", "Print / Save as PDF")))
        }
        article.document.a4 #report-document {
            div.doc-head {
                div.issuer {
                    p { (l.t("BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH COVID-19", "COVID-19 PREVENTION AND CONTROL")) }
                    p { strong { (l.t("", "STEERING COMMITTEE, ")) (v.unit.name.to_uppercase()) } }
                    p.rule {}
                    p { (l.t("Số: ", "No.: ")) (number) }
                }
                div.motto {
                    p { strong { (l.t("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM")) } }
                    p { strong.underlined { (l.t("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness")) } }
                    p.place-date { em { (place_date) } }
                }
            }
            h1 { (l.t("BÁO CÁO NHANH", "RAPID REPORT")) }
            p.subtitle { strong { (l.t("Tình hình dịch COVID-19 trên địa bàn ", "The COVID-19 situation in "))
                (v.unit.name) " " (period_text(l, v.from, v.to)) } }
            @if let Some(p) = &parent {
                p.recipient { (l.t("Kính gửi: Ban Chỉ đạo phòng, chống dịch COVID-19 ", "To: the COVID-19 Prevention and Control Steering Committee of "))
                    (p.name) "." }
            }
            p { (l.t("Số liệu tính từ hồ sơ của hệ thống phongdich", "Figures computed from the records of the phongdich system"))
                @if let Some(r) = &v.sent { (l.t(" tại thời điểm gửi (", " when sent (")) (show_time(&r.submitted_at)) ")" }
                (l.t("; F0 cộng dồn tính từ ngày ", "; cumulative F0 counted from ")) (show_date(&v.figures.wave_start)) "." }
            h2 { (l.t("I. Số liệu", "I. Figures")) }
            (figures_table(l, v, false))
            (before_wave(l, &v.figures))
            (rates(l, &v.figures, false))
            @if v.figures.zones.is_some() {
                h3 { (l.t("Phong tỏa, vùng xanh, chỉ thị, cấp độ dịch", "Lockdowns, green zones, directive, epidemic levels")) }
                (zones_section(l, &v.figures, false))
            }
            @if !v.figures.children.is_empty() {
                h2 { (l.t("II. Các đơn vị trực thuộc", "II. Units below")) }
                (children_table(l, v, false))
                p.note { small { (l.t("Bảng đầy đủ mọi chỉ tiêu theo đơn vị: tệp XLSX/CSV kèm theo.", "The full table of every figure by unit: the attached XLSX/CSV file.")) } }
            }
            h2 { @if v.figures.children.is_empty() { (l.t("II. ", "II. ")) } @else { (l.t("III. ", "III. ")) }
                (l.t("Nhận xét, đề xuất", "Comments and requests")) }
            @if comments.is_empty() { p { "…" } } @else { p.comments { (comments) } }
            div.doc-foot {
                div.recipients {
                    p { strong { em { (l.t("Nơi nhận:", "Recipients:")) } } }
                    @if let Some(p) = &parent { p { "- " (l.t("BCĐ ", "Committee of ")) (p.name) ";" } }
                    p { "- " (l.t("Lưu: VT.", "File: Records.")) }
                }
                div.signature {
                    p { strong { (l.t("TM. BAN CHỈ ĐẠO", "FOR THE STEERING COMMITTEE")) } }
                    p { strong { (l.t("TRƯỞNG BAN", "CHAIR")) } }
                    p.muted { em { (l.t("(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)")) } }
                }
            }
            (notes(l))
        }
    };
    let title = format!("{} — {}", l.t("Báo cáo nhanh", "Rapid report"), v.unit.name);
    let doc = html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/static/app.css";
                link rel="stylesheet" href="/static/report.css";
            }
            body.print-page { (body) }
        }
    };
    Ok(axum::response::Html(doc.into_string()).into_response())
}

pub(super) async fn csv_draft(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let v = load(&s, &page, &q, None).await?;
    download(&page, &v, "csv")
}

pub(super) async fn xlsx_draft(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let v = load(&s, &page, &q, None).await?;
    download(&page, &v, "xlsx")
}

/// One row per line (key, label, value, change since the previous report),
/// then each unit below as a column; the medians last.
/// The report as a table: labels are text, figures numbers (so a change of
/// `-3` stays a number in a CSV file while any text is written inert).
pub(super) fn table_rows(l: Lang, v: &View) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut headers: Vec<String> = [
        l.t("Mã", "key"),
        l.t("Chỉ tiêu", "line"),
        l.t("Số liệu", "value"),
        l.t("Thay đổi", "change"),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    headers.extend(v.figures.children.iter().map(|c| c.unit_name.clone()));
    let changes = v.changes();
    let mut rows = Vec::new();
    for line in LINES {
        let mut row = vec![
            Cell::from(line.key),
            Cell::from(label(l, line)),
            Cell::number(v.figures.figures.get(line.key).unwrap_or(0)),
            changes
                .as_ref()
                .and_then(|c| c.get(line.key))
                .map_or(Cell::from(""), Cell::number),
        ];
        row.extend(
            v.figures
                .children
                .iter()
                .map(|c| Cell::number(c.figures.get(line.key).unwrap_or(0))),
        );
        rows.push(row);
    }
    let r = &v.figures.rates;
    for (key, vi, en, value) in [
        (
            "turnaround_days",
            "Thời gian trả kết quả, ngày (trung vị)",
            "Test turnaround, days (median)",
            r.turnaround_days.map(|d| d.to_string()),
        ),
        (
            "minutes_to_acknowledge",
            "Phút đến khi tiếp nhận cảnh báo (trung vị)",
            "Minutes to take an alert (median)",
            r.minutes_to_acknowledge.map(|m| m.to_string()),
        ),
        (
            "minutes_to_act",
            "Phút đến khi xử lý cảnh báo (trung vị)",
            "Minutes to act on an alert (median)",
            r.minutes_to_act.map(|m| m.to_string()),
        ),
    ] {
        let mut row = vec![
            Cell::from(key),
            Cell::from(l.t(vi, en)),
            value.map_or(Cell::from(""), Cell::Number),
            Cell::from(""),
        ];
        // The medians are the unit's own: each unit below gets an empty
        // cell, so every row has as many cells as the header (a CSV reader
        // refuses ragged rows).
        row.extend(v.figures.children.iter().map(|_| Cell::from("")));
        rows.push(row);
    }
    rows.extend(zone_rows(l, &v.figures, v.figures.children.len()));
    (headers, rows)
}

/// The zones section (as [`zones_section`] shows it) as rows of the table:
/// key, label, value, an empty change, and an empty cell for each unit
/// below (the section is the unit's own). Dates are text, dd/mm/yyyy.
fn zone_rows(l: Lang, f: &ReportFigures, children: usize) -> Vec<Vec<Cell>> {
    let Some(z) = &f.zones else {
        return Vec::new();
    };
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    // Keys are unique per row: a listed item's carries its record's id.
    let mut rows: Vec<(String, String, Cell)> = Vec::new();
    rows.push((
        "directive".into(),
        l.t("Chỉ thị giãn cách", "Distancing directive").to_owned(),
        Cell::from(match &z.directive {
            Some(d) => format!(
                "{}{} ({}, {}{}, {})",
                l.t("Chỉ thị ", "Directive "),
                d.directive,
                d.unit_name,
                l.t("từ ", "since "),
                day(d.from_on),
                d.decision
            ),
            None => l.t("không áp dụng", "none applies").to_owned(),
        }),
    ));
    rows.push((
        "lockdowns_in_force".into(),
        l.t("Khu vực phong tỏa đang áp dụng", "Lockdown areas in force")
            .to_owned(),
        Cell::number(z.lockdowns_in_force.max(z.lockdowns.len() as i64)),
    ));
    for x in &z.lockdowns {
        rows.push((
            format!("lockdown_people:{}", x.id),
            format!(
                "{}{} ({} – {})",
                l.t(
                    "Người trong khu phong tỏa: ",
                    "People inside the lockdown: "
                ),
                x.place,
                day(x.from_on),
                day(x.until)
            ),
            Cell::number(x.people),
        ));
    }
    let unlisted = z.lockdowns_in_force - z.lockdowns.len() as i64;
    if unlisted > 0 {
        rows.push((
            "lockdowns_not_listed".into(),
            l.t(
                "Khu vực phong tỏa khác không liệt kê (xem danh sách khu phong tỏa)",
                "Other lockdown areas not listed (see the lockdowns list)",
            )
            .to_owned(),
            Cell::number(unlisted),
        ));
    }
    rows.push((
        "green_zones".into(),
        l.t("Vùng xanh", "Green zones").to_owned(),
        Cell::number(z.green_zones),
    ));
    for g in &z.green_zones_lost {
        rows.push((
            format!("green_zone_lost:{}", g.id),
            format!(
                "{}{}{}",
                l.t("Vùng xanh mất trạng thái: ", "Green zone lost: "),
                g.name,
                g.case_code
                    .as_deref()
                    .map(|c| format!(" (F0 {c})"))
                    .unwrap_or_default()
            ),
            Cell::from(day(g.lost_on)),
        ));
    }
    if let Some(v) = &z.levels {
        rows.push((
            "levels_week".into(),
            l.t(
                "Cấp độ dịch các xã: tuần từ",
                "Communes' epidemic levels: the week from",
            )
            .to_owned(),
            Cell::from(day(v.week_start)),
        ));
        for (i, n) in v.by_level.iter().enumerate() {
            rows.push((
                format!("communes_level_{}", i + 1),
                format!("{}{}", l.t("Số xã cấp ", "Communes at level "), i + 1),
                Cell::number(n),
            ));
        }
        for (key, vi, en, n) in [
            (
                "communes_without_level",
                "Số xã chưa có cấp",
                "Communes without a level",
                v.without_level,
            ),
            (
                "communes_level_up",
                "Số xã tăng cấp so với tuần trước",
                "Communes whose level rose since the week before",
                v.up,
            ),
            (
                "communes_level_down",
                "Số xã giảm cấp so với tuần trước",
                "Communes whose level fell since the week before",
                v.down,
            ),
        ] {
            rows.push((key.into(), l.t(vi, en).to_owned(), Cell::number(n)));
        }
    }
    rows.into_iter()
        .map(|(key, label, value)| {
            let mut row = vec![Cell::from(key), Cell::from(label), value, Cell::from("")];
            row.extend((0..children).map(|_| Cell::from("")));
            row
        })
        .collect()
}

fn download(page: &Page, v: &View, ext: &str) -> PageResult {
    let format = match ext {
        "csv" => phongdich_sheets::Format::Csv,
        "xlsx" => phongdich_sheets::Format::Xlsx,
        _ => {
            return Err(page.fail(StoreError::NotFound {
                entity: phongdich_store::Entity::SituationReport,
                id: ext.to_owned(),
            }));
        }
    };
    let (headers, rows) = table_rows(page.lang, v);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let bytes = phongdich_sheets::table_bytes(format, &headers, &rows).map_err(|e| {
        page.fail(crate::problem::Problem::bad_request(
            e.to_string(),
            e.to_string(),
        ))
    })?;
    let ctype = match format {
        phongdich_sheets::Format::Xlsx => {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
        _ => "text/csv; charset=utf-8",
    };
    let name = match &v.sent {
        Some(r) => format!("bao-cao-{}-{}-v{}.{ext}", v.unit.code, v.to, r.version),
        None => format!("bao-cao-{}-{}-nhap.{ext}", v.unit.code, v.to),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ------------------------------------------------------------------ board

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct BoardQuery {
    unit: String,
    day: String,
    done: String,
}

/// The day's board of the units one level below: who has sent, late or on
/// time, reviewed, missing after the deadline, reminded.
pub(super) async fn board(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<BoardQuery>,
) -> PageResult {
    board_render(&s, &page, &q, &[]).await
}

async fn board_render(
    s: &AppState,
    page: &Page,
    q: &BoardQuery,
    errors: &[FieldError],
) -> PageResult {
    let l = page.lang;
    let code = if q.unit.trim().is_empty() {
        page.user.unit_code.clone()
    } else {
        q.unit.trim().to_owned()
    };
    let day = parse_day("day", &q.day, page.today()).map_err(|e| page.fail(e))?;
    let unit = s.store.unit(&code).await.map_err(|e| page.fail(e))?;
    let rows = s
        .store
        .submissions(&page.actor.scope, &unit.code, day, page.now())
        .await
        .map_err(|e| page.fail(e))?;
    let deadline = s
        .store
        .report_deadline(&unit.province_code)
        .await
        .map_err(|e| page.fail(e))?;
    let wave = s
        .store
        .wave_start(&unit.province_code)
        .await
        .map_err(|e| page.fail(e))?;
    let can = page.can(Permission::Report);
    // The province's administrator sets the deadline and the wave start.
    let configure = page.can(Permission::Configure)
        && page.actor.scope.root().map(|r| r.as_str()) == Some(unit.province_code.as_str());
    let choices: Vec<Unit> = super::unit_choices(s, page)
        .await?
        .into_iter()
        .filter(|u| matches!(u.level, UnitLevel::Province | UnitLevel::District))
        .collect();
    let sent = rows.iter().filter(|r| r.report_id.is_some()).count();
    let missing = rows.iter().filter(|r| r.missing).count();
    let d = day.format("%Y-%m-%d").to_string();
    let notice = match q.done.as_str() {
        "reminded" => Some(l.t("Đã nhắc đơn vị gửi báo cáo.", "The unit is reminded.")),
        "setting" => Some(l.t("Đã lưu cài đặt của tỉnh.", "The province setting is saved.")),
        _ => None,
    };
    let content = html! {
        link rel="stylesheet" href="/static/report.css";
        h1 { (l.t("Tình hình gửi báo cáo", "Report board")) " — " (unit.name) }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        form.filters method="get" action="/reports/board" {
            div.field { label for="b-unit" { (l.t("Đơn vị", "Unit")) }
                select #b-unit name="unit" { @for u in &choices {
                    option value=(u.code) selected[u.code == unit.code] { (u.name) }
                } } }
            div.field { label for="b-day" { (l.t("Ngày", "Day")) } input #b-day name="day" value=(day.format("%d/%m/%Y")); }
            button type="submit" { (l.t("Xem", "Show")) }
        }
        p { (l.t("Hạn gửi: ", "Deadline: ")) strong #deadline { (deadline.format("%H:%M")) } (l.t(" hằng ngày", " each day"))
            " · " (l.t("Đã gửi: ", "Sent: ")) strong #sent-count { (sent) "/" (rows.len()) }
            " · " (l.t("Quá hạn chưa gửi: ", "Missing after the deadline: ")) strong #missing-count { (missing) }
            " · " a href={ "/reports?" (report_query(&unit.code, day, day)) } { (l.t("Báo cáo của ", "The report of ")) (unit.name) } }
        @if rows.is_empty() {
            p.muted { (l.t("Không có đơn vị cấp dưới gửi báo cáo cho đơn vị này.", "No units below this one send reports to it.")) }
        } @else {
            div.table-wrap { table.responsive #board {
                thead { tr {
                    th { (l.t("Đơn vị", "Unit")) } th { (l.t("Tình trạng", "Status")) } th { (l.t("Gửi lúc", "Sent at")) }
                    th { (l.t("Đã nhắc", "Reminded")) } th {}
                } }
                tbody { @for r in &rows {
                    tr data-unit=(r.unit_code) .missing[r.missing] {
                        td data-label=(l.t("Đơn vị", "Unit")) {
                            @match r.report_id {
                                Some(id) => a href={ "/reports/" (id) } { (r.unit_name) },
                                None => a href={ "/reports?" (report_query(&r.unit_code, day, day)) } { (r.unit_name) },
                            }
                        }
                        td.state data-label=(l.t("Tình trạng", "Status")) {
                            @match r.status.as_deref() {
                                Some(st) => { (status_label(l, st)) @if r.late { " · " span.late { (l.t("muộn", "late")) } } },
                                None if r.missing => strong.missing { (l.t("Chưa gửi — quá hạn", "Not sent — past the deadline")) },
                                None => (l.t("Chưa gửi", "Not sent yet")),
                            }
                        }
                        td data-label=(l.t("Gửi lúc", "Sent at")) { @if let Some(t) = &r.submitted_at { (show_time(t)) } }
                        td.reminded data-label=(l.t("Đã nhắc", "Reminded")) { @if let Some(t) = &r.reminded_at { (show_time(t)) } }
                        td {
                            @if can && (r.report_id.is_none() || r.status.as_deref() == Some("returned")) {
                                form.inline method="post" action="/reports/board/remind" {
                                    (page.csrf_field())
                                    input type="hidden" name="unit" value=(r.unit_code);
                                    input type="hidden" name="board" value=(unit.code);
                                    input type="hidden" name="day" value=(d);
                                    button.secondary type="submit" { (l.t("Nhắc", "Remind")) }
                                }
                            }
                        }
                    }
                } }
            } }
        }
        @if configure {
            section #settings aria-labelledby="h-settings" {
                h2 #h-settings { (l.t("Cài đặt của tỉnh", "Province settings")) }
                form #deadline-form method="post" action="/reports/board/settings" {
                    (page.csrf_field())
                    input type="hidden" name="name" value=(REPORT_DEADLINE);
                    input type="hidden" name="unit" value=(unit.code);
                    input type="hidden" name="day" value=(d);
                    (super::text_field(l, "deadline", ("Hạn gửi báo cáo hằng ngày (giờ:phút)", "Daily deadline (hh:mm)"),
                        &deadline.format("%H:%M").to_string(), errors, ""))
                    button type="submit" { (l.t("Lưu hạn gửi", "Save the deadline")) }
                }
                form #wave-form method="post" action="/reports/board/settings" {
                    (page.csrf_field())
                    input type="hidden" name="name" value=(WAVE_START);
                    input type="hidden" name="unit" value=(unit.code);
                    input type="hidden" name="day" value=(d);
                    (super::text_field(l, "wave_start", ("Ngày bắt đầu đợt dịch (F0 cộng dồn từ ngày này)", "First day of the wave (cumulative F0 from this day)"),
                        &wave.format("%d/%m/%Y").to_string(), errors, ""))
                    button type="submit" { (l.t("Lưu ngày bắt đầu", "Save the wave start")) }
                }
            }
        }
    };
    Ok(layout(
        page,
        l.t("Tình hình gửi báo cáo", "Report board"),
        content,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RemindForm {
    unit: String,
    board: String,
    day: String,
}

pub(super) async fn remind(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<RemindForm>,
) -> PageResult {
    page.require(Permission::Report)?;
    let day = parse_day("day", &f.day, page.today()).map_err(|e| page.fail(e))?;
    s.store
        .remind(&page.actor, f.unit.trim(), day)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!(
        "/reports/board?unit={}&day={day}&done=reminded",
        encode(f.board.trim())
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SettingForm {
    name: String,
    unit: String,
    day: String,
    deadline: String,
    wave_start: String,
}

/// The province's administrator sets the deadline or the wave start.
pub(super) async fn save_setting(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<SettingForm>,
) -> PageResult {
    page.require(Permission::Configure)?;
    let (field, value) = match f.name.as_str() {
        REPORT_DEADLINE => ("deadline", &f.deadline),
        WAVE_START => ("wave_start", &f.wave_start),
        other => {
            return Err(page.fail(StoreError::NotFound {
                entity: phongdich_store::Entity::Setting,
                id: other.to_owned(),
            }));
        }
    };
    let unit = s
        .store
        .unit(f.unit.trim())
        .await
        .map_err(|e| page.fail(e))?;
    let q = BoardQuery {
        unit: unit.code.clone(),
        day: f.day.clone(),
        done: String::new(),
    };
    match s
        .store
        .set_setting(&page.actor, &unit.province_code, &f.name, value)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/reports/board?unit={}&day={}&done=setting",
            encode(&unit.code),
            encode(f.day.trim())
        ))
        .into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, field).map_err(|e| page.fail(e))?;
            // The setting's error names `value`; show it beside its own field.
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| FieldError {
                    field: field.into(),
                    ..e
                })
                .collect();
            board_render(&s, &page, &q, &errors).await
        }
    }
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/reports", get(report_page).post(send))
        .route("/reports.csv", get(csv_draft))
        .route("/reports.xlsx", get(xlsx_draft))
        .route("/reports/print", get(print_draft))
        .route("/reports/board", get(board))
        .route("/reports/board/remind", post(remind))
        .route("/reports/board/settings", post(save_setting))
        .route("/reports/{id}", get(report_by_id))
        .route("/reports/{id}/print", get(print_sent))
        .route("/reports/{id}/review", post(review))
        .route("/static/report.css", get(css))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_opens_a_page_that_exists() {
        let pages = ["/reports/figure?", "/places", "/oxygen"];
        let day = NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default();
        let records = Records {
            unit: "06649",
            from: day,
            to: day,
            wave_start: NaiveDate::from_ymd_opt(2021, 4, 27),
        };
        // Every figure opens its records, narrowed to the report's unit.
        for line in LINES {
            let href = records_link(line.key, records).unwrap_or_default();
            assert!(
                pages.iter().any(|p| href.starts_with(p)),
                "{}: {href}",
                line.key
            );
            assert!(href.contains("unit=06649"), "{}: {href}", line.key);
        }
        assert_eq!(
            records_link("f0_cumulative", records).as_deref(),
            Some("/reports/figure?key=f0_cumulative&unit=06649&from=2021-04-27&to=2021-09-01")
        );
        assert_eq!(
            records_link("quarantine_released", records).as_deref(),
            Some(
                "/reports/figure?key=quarantine_released&unit=06649&from=2021-09-01&to=2021-09-01"
            )
        );
        assert_eq!(place_name("Tỉnh Quảng Ninh"), "Quảng Ninh");
        assert_eq!(place_name("Thành phố Hà Nội"), "Hà Nội");
        assert_eq!(signed(Lang::Vi, 1200), "+1.200");
        assert_eq!(signed(Lang::En, -3), "-3");
    }
}
