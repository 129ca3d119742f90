//! The dashboard (`/dashboard`): "how are we doing" for a unit and a period
//! in one screen — key figures of the last day with the change since the day
//! before, the epidemic curve, classes, tests, capacity, the busiest
//! clusters and the units below with sparklines, sortable by any column on
//! the server. Charts are inline SVG (no script), drawn with numbers written
//! as the reader's language writes them, and print on A4.
//!
//! Numbers link to the list of records behind them, for the unit they count
//! (the dashboard's, or a unit of the table below) and — for new, recovered
//! and deceased F0 — the days they count, through the report's
//! `records_link`: the F0 by day (`/tracing?level=0&confirmed_from=…`), the
//! class lists, `/testing`, the quarantine day, `/alerts`, `/places`,
//! `/oxygen`, each with `unit=` (checked by the list against the reader's
//! jurisdiction). People in quarantine link to the day's work lists of the
//! period's last day; nothing lists releases, so those stay unlinked.
//!
//! Also `GET /api/v1/dashboard?unit=&from=&to=` (`api::dashboard`). Charts: a
//! stacked bar per day with gridlines at 1-2-5 steps labelled by `num` (`9.199`
//! / `9,199`), dates spaced so labels never collide, a 7-day average line with
//! a white casing (visible over bars in grey print), a legend, and each bar's
//! figures in its `<title>`; the viewBox scales to the column, so a chart for a
//! narrow column has a narrow viewBox and larger letters. The units table sorts
//! on the server (`?sort=<column>&dir=asc|desc`, headings are links,
//! `aria-sort` on the sorted one). Clusters link to `/clusters/{id}`. `@media
//! print` in `app.css` keeps charts and sections whole on a page and shrinks
//! the units table to A4 width.

use super::reports::{Records, records_link};
use super::{Page, PageResult, encode, layout, num, show_date};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Query, State};
use maud::{Markup, html};
use phongdich_domain::FieldError;
use phongdich_store::{CurveDay, Dashboard, DashboardQuery, DashboardUnit, StoreError};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DashboardPageQuery {
    unit: String,
    from: String,
    to: String,
    /// A column of the units table (see [`COLUMNS`]).
    sort: String,
    /// `asc` or `desc`.
    dir: String,
}

/// The columns of the units table: key, Vietnamese, English.
const COLUMNS: [(&str, &str, &str); 11] = [
    ("name", "Đơn vị", "Unit"),
    ("f0_new", "F0 mới", "New F0"),
    ("f0_14d", "F0 mới 14 ngày", "New F0, 14 days"),
    ("f0_treating", "F0 đang điều trị", "F0 in treatment"),
    ("f0_cumulative", "F0 cộng dồn", "F0 since the wave"),
    ("f1", "F1", "F1"),
    ("quarantine", "Đang cách ly", "In quarantine"),
    ("tests_done", "Xét nghiệm", "Tests"),
    ("tests_positive", "Dương tính", "Positive"),
    ("beds_occupied", "Giường đang dùng", "Beds in use"),
    ("alerts_open", "Cảnh báo chờ", "Alerts waiting"),
];

/// A unit's value in a numeric column of the table.
fn column_value(u: &DashboardUnit, key: &str) -> i64 {
    let f = &u.figures;
    match key {
        "f0_14d" => u.f0_new_by_day.iter().sum(),
        "f0_treating" => f.f0_active,
        "quarantine" => f.quarantine_centralised + f.quarantine_home,
        k => f.get(k).unwrap_or(0),
    }
}

/// The same for the unit's own totals (the table's footer).
fn total_value(d: &Dashboard, key: &str) -> i64 {
    let f = &d.period.figures;
    match key {
        "f0_14d" => d.units.iter().map(|u| column_value(u, key)).sum(),
        "f0_treating" => f.f0_active,
        "quarantine" => f.quarantine_centralised + f.quarantine_home,
        k => f.get(k).unwrap_or(0),
    }
}

/// The table's order: a known column (new F0 by default) and a direction
/// (numbers largest first, names A–Z unless asked otherwise).
fn sort_order(q: &DashboardPageQuery) -> (&'static str, bool) {
    let key = COLUMNS
        .iter()
        .map(|c| c.0)
        .find(|k| *k == q.sort)
        .unwrap_or("f0_new");
    let descending = match q.dir.as_str() {
        "asc" => false,
        "desc" => true,
        _ => key != "name",
    };
    (key, descending)
}

fn sort_units(units: &mut [DashboardUnit], key: &str, descending: bool) {
    units.sort_by(|a, b| {
        let order = if key == "name" {
            phongdich_domain::text::fold(&a.unit_name)
                .cmp(&phongdich_domain::text::fold(&b.unit_name))
        } else {
            column_value(a, key).cmp(&column_value(b, key))
        };
        let order = if descending { order.reverse() } else { order };
        // Ties in code order, whatever the direction, so the table is stable.
        order.then_with(|| a.unit_code.cmp(&b.unit_code))
    });
}

/// `1.4` as each language writes it (`1,4` in Vietnamese).
fn decimal(l: Lang, v: f64) -> String {
    let s = format!("{v:.1}");
    match l {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A tick step of 1, 2 or 5 × 10ⁿ giving about four gridlines up to `max`.
fn tick_step(max: i64) -> i64 {
    let raw = (max as f64 / 4.0).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (step.round() as i64).max(1)
}

/// One stacked series of a bar chart.
struct Series<'a> {
    vi: &'a str,
    en: &'a str,
    colour: &'a str,
    values: Vec<i64>,
}

/// A stacked bar chart of whole counts per day as inline SVG, with an
/// optional average line, gridlines labelled with `num`, dates below and a
/// legend. The viewBox (`size`: width and height) scales to the width it is
/// given, on screen and on paper: a chart meant for a narrow column needs a
/// narrow viewBox, or its labels shrink past reading.
fn stacked_chart(
    l: Lang,
    id: &str,
    size: (f64, f64),
    caption: &str,
    days: &[String],
    series: &[Series<'_>],
    average: Option<(&str, &[f64])>,
) -> Markup {
    let (w, h) = size;
    // Letters of 14 units on a 900-unit chart are about 18 px on a 1280 px
    // screen and 8 pt across an A4 page; a narrow chart is shown smaller,
    // so its letters are larger.
    let font = if w < 600.0 { 16.0 } else { 14.0 };
    let (left, right, top, bottom) = (font * 5.0, font * 2.0, 12.0, font * 2.8);
    let (plot_w, plot_h) = (w - left - right, h - top - bottom);
    let n = days.len().max(1);
    let totals: Vec<i64> = (0..days.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let highest = totals.iter().copied().max().unwrap_or(0).max(
        average
            .map(|(_, a)| a.iter().copied().fold(0.0, f64::max).ceil() as i64)
            .unwrap_or(0),
    );
    let step = tick_step(highest);
    let top_value = (((highest.max(1) + step - 1) / step) * step) as f64;
    let y = |v: f64| top + plot_h - v * plot_h / top_value;
    let slot = plot_w / n as f64;
    let bar = (slot * 0.78).min(36.0);
    let x = |i: usize| left + i as f64 * slot + (slot - bar) / 2.0;
    let ticks: Vec<i64> = (0..)
        .map(|k| k * step)
        .take_while(|v| *v as f64 <= top_value)
        .collect();
    // Date labels every 1, 2, 7, 14 or 28 days — the fewest that leave each
    // label room (four letter heights) — counted back from the last day so that
    // the period's end is always named.
    let every = [1, 2, 7, 14, 28]
        .into_iter()
        .find(|k| *k as f64 * slot >= font * 4.0)
        .unwrap_or(28);
    let line: Vec<String> = average
        .map(|(_, a)| {
            a.iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", x(i) + bar / 2.0, y(*v)))
                .collect()
        })
        .unwrap_or_default();
    html! {
        figure.chart id=(id) {
            svg viewBox={ "0 0 " (w) " " (h) } role="img" aria-label=(caption) preserveAspectRatio="xMidYMid meet" {
                @for t in &ticks {
                    line x1=(left) x2=(w - right) y1=(y(*t as f64)) y2=(y(*t as f64)) stroke=(if *t == 0 { "#333" } else { "#d0d0d0" }) stroke-width="1" {}
                    text x=(left - 6.0) y=(y(*t as f64) + font / 3.0) font-size=(font) text-anchor="end" fill="#333" { (num(l, *t)) }
                }
                @for (i, day) in days.iter().enumerate() {
                    g {
                        title {
                            (show_date(day)) ": " (num(l, totals[i]))
                            @for s in series { "; " (l.t(s.vi, s.en)) " " (num(l, s.values.get(i).copied().unwrap_or(0))) }
                            @if let Some((label, a)) = average { "; " (label) " " (decimal(l, a.get(i).copied().unwrap_or(0.0))) }
                        }
                        @for (s, below, v) in stack(series, i) {
                            rect x=(format!("{:.1}", x(i))) y=(format!("{:.1}", y((below + v) as f64)))
                                width=(format!("{bar:.1}")) height=(format!("{:.1}", y(below as f64) - y((below + v) as f64)))
                                fill=(s.colour) data-series=(s.en) data-value=(v) {}
                        }
                    }
                    @if (n - 1 - i).is_multiple_of(every) {
                        line x1=(format!("{:.1}", x(i) + bar / 2.0)) x2=(format!("{:.1}", x(i) + bar / 2.0)) y1=(top + plot_h) y2=(top + plot_h + 4.0) stroke="#333" {}
                        text x=(format!("{:.1}", x(i) + bar / 2.0)) y=(h - bottom + font * 1.5) font-size=(font) text-anchor="middle" fill="#333" {
                            (day.get(8..10).unwrap_or("")) "/" (day.get(5..7).unwrap_or(""))
                        }
                    }
                }
                @if !line.is_empty() {
                    // A white casing under the line keeps it visible over the bars, also in grey print.
                    polyline points=(line.join(" ")) fill="none" stroke="#fff" stroke-width="5" stroke-linejoin="round" {}
                    polyline.average points=(line.join(" ")) fill="none" stroke="#111" stroke-width="2.2" stroke-linejoin="round" {}
                }
            }
            figcaption {
                (caption)
                ul.legend {
                    @for s in series {
                        li { svg width="14" height="14" aria-hidden="true" { rect width="14" height="14" fill=(s.colour) {} } " " (l.t(s.vi, s.en)) }
                    }
                    @if let Some((label, _)) = average {
                        li { svg width="22" height="14" aria-hidden="true" { line x1="0" x2="22" y1="7" y2="7" stroke="#111" stroke-width="2.5" {} } " " (label) }
                    }
                }
            }
        }
    }
}

/// The non-empty parts of day `i`'s bar: each series with the sum below it and its value.
fn stack<'a, 'b>(series: &'a [Series<'b>], i: usize) -> Vec<(&'a Series<'b>, i64, i64)> {
    let mut below = 0;
    let mut parts = Vec::new();
    for s in series {
        let v = s.values.get(i).copied().unwrap_or(0);
        if v > 0 {
            parts.push((s, below, v));
            below += v;
        }
    }
    parts
}

/// A tiny bar chart of a unit's new F0 per day.
fn sparkline(l: Lang, days: &[String], values: &[i64]) -> Markup {
    let top = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (w, h, slot) = (values.len() as f64 * 6.0, 22.0, 6.0);
    let described: Vec<String> = days
        .iter()
        .zip(values)
        .map(|(d, v)| format!("{}: {}", d.get(8..10).unwrap_or(""), num(l, *v)))
        .collect();
    html! {
        svg.sparkline width=(w) height=(h) viewBox={ "0 0 " (w) " " (h) } role="img"
            aria-label=(format!("{} {}", l.t("F0 mới theo ngày:", "New F0 by day:"), described.join(", "))) {
            line x1="0" x2=(w) y1=(h - 0.5) y2=(h - 0.5) stroke="#999" stroke-width="1" {}
            @for (i, v) in values.iter().enumerate() {
                @if *v > 0 {
                    @let bh = (*v as f64 * (h - 2.0) / top).max(2.0);
                    rect x=(i as f64 * slot + 0.5) y=(format!("{:.1}", h - 1.0 - bh)) width="4.5" height=(format!("{bh:.1}")) fill="#9b1c1c" {}
                }
            }
        }
    }
}

/// A change as an arrow and its size; for F0 and alerts up is worse.
fn trend(l: Lang, change: i64, day_before: &str) -> Markup {
    let (arrow, class) = match change {
        c if c > 0 => ("▲", "up"),
        c if c < 0 => ("▼", "down"),
        _ => ("=", "same"),
    };
    html! {
        span.trend class=(class) {
            (arrow) " " (num(l, change.abs())) " "
            (l.t("so với ", "vs ")) (day_before)
        }
    }
}

/// The dashboard's address with the same unit and period and other `extra` parameters.
fn href(d: &Dashboard, extra: &str) -> String {
    format!(
        "/dashboard?unit={}&from={}&to={}{extra}",
        encode(&d.unit_code),
        d.from,
        d.to
    )
}

fn day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Where the records behind the figure `key` of `unit` are listed, for the
/// days from `from` to the period's last day (see `reports::records_link`).
fn link(d: &Dashboard, key: &str, unit: &str, from: &str) -> Option<String> {
    records_link(
        key,
        Records {
            unit,
            from: day(from)?,
            to: day(&d.to)?,
            wave_start: day(&d.period.wave_start),
        },
    )
}

/// A figure of the dashboard's unit over the whole period, as a link to its records.
fn figure(d: &Dashboard, key: &str, content: Markup) -> Markup {
    linked(link(d, key, &d.unit_code, &d.from), content)
}

/// A figure of the dashboard's unit on the period's last day, as a link.
fn last_day(d: &Dashboard, key: &str, content: Markup) -> Markup {
    linked(link(d, key, &d.unit_code, &d.to), content)
}

/// A number of the units table as a link to the records of `unit`.
fn column_link(d: &Dashboard, column: &str, unit: &str, content: Markup) -> Markup {
    let href = match column {
        // The sparkline's days: new F0 of the last fortnight.
        "f0_14d" => link(
            d,
            "f0_new",
            unit,
            d.sparkline_days
                .first()
                .map_or(d.to.as_str(), String::as_str),
        ),
        "f0_treating" => link(d, "f0_active", unit, &d.from),
        // Both kinds together have no list of their own (the report lists
        // each kind).
        "quarantine" => None,
        key => link(d, key, unit, &d.from),
    };
    linked(href, content)
}

fn linked(href: Option<String>, content: Markup) -> Markup {
    html! {
        @match href {
            Some(h) => a href=(h) { (content) },
            None => (content),
        }
    }
}

pub(super) async fn page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<DashboardPageQuery>,
) -> PageResult {
    let l = page.lang;
    let asked = DashboardQuery {
        unit: q.unit.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
    };
    let choices = super::unit_choices(&s, &page).await?;
    let (dashboard, errors) = match s
        .store
        .dashboard(&page.actor.scope, &asked, page.today())
        .await
    {
        Ok(d) => (Some(d), Vec::new()),
        Err(StoreError::Invalid(i)) => (None, i.0),
        Err(StoreError::NotFound { .. }) => (
            None,
            vec![FieldError::new(
                "unit",
                "invalid_unit",
                "Đơn vị không có hoặc nằm ngoài phạm vi của bạn.",
                "No such unit within your jurisdiction.",
            )],
        ),
        Err(e) => return Err(page.fail(e)),
    };
    let (sort, descending) = sort_order(&q);
    let form_unit = dashboard
        .as_ref()
        .map(|d| d.unit_code.clone())
        .unwrap_or(q.unit.clone());
    let (form_from, form_to) = match &dashboard {
        Some(d) => (show_date(&d.from), show_date(&d.to)),
        None => (q.from.clone(), q.to.clone()),
    };
    let filter = html! {
        (super::filter_errors(l, &errors, &["unit", "from", "to"]))
        form.filters method="get" action="/dashboard" {
            div.field.invalid[errors.iter().any(|e| e.field == "unit")] {
                label for="f-unit" { (l.t("Đơn vị", "Unit")) }
                select #f-unit name="unit" {
                    @if !choices.iter().any(|u| u.code == form_unit) && !form_unit.is_empty() {
                        option value=(form_unit) selected { (form_unit) @if let Some(d) = &dashboard { " — " (d.unit_name) } }
                    }
                    @for u in &choices {
                        option value=(u.code) selected[u.code == form_unit] title=(u.code) { (u.name) }
                    }
                }
                (super::field_error(l, &errors, "unit"))
            }
            (super::text_field(l, "from", ("Từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)"), &form_from, &errors, "autocomplete=\"off\""))
            (super::text_field(l, "to", ("Đến ngày (dd/mm/yyyy)", "To (dd/mm/yyyy)"), &form_to, &errors, "autocomplete=\"off\""))
            @if !q.sort.is_empty() {
                input type="hidden" name="sort" value=(sort);
                input type="hidden" name="dir" value=(if descending { "desc" } else { "asc" });
            }
            button type="submit" { (l.t("Xem", "Show")) }
        }
    };
    let Some(mut d) = dashboard else {
        return Ok(layout(
            &page,
            l.t("Bảng điều hành", "Dashboard"),
            html! { h1 { (l.t("Bảng điều hành", "Dashboard")) } (filter) },
        ));
    };
    sort_units(&mut d.units, sort, descending);
    let to_day = chrono::NaiveDate::parse_from_str(&d.to, "%Y-%m-%d").unwrap_or(page.today());
    let zones = super::zones::dashboard_section(&s, &page, &d.unit_code, to_day)
        .await
        .map_err(|e| page.fail(e))?;
    let content = html! {
        h1 { (l.t("Bảng điều hành", "Dashboard")) " — " (d.unit_name) }
        p.period {
            (l.t("Từ ", "From ")) (show_date(&d.from)) (l.t(" đến ", " to ")) (show_date(&d.to))
            " (" (num(l, d.curve.len() as i64)) (l.t(" ngày", " days")) ")"
        }
        (filter)
        (key_figures(l, &d))
        h2 #h-curve { (l.t("F0 mới theo ngày và nguồn phát hiện", "New F0 per day by where they were found")) }
        (curve_chart(l, &d.curve))
        div.dash-columns {
            section #classes { (classes(l, &d)) }
            section #tests { (tests(l, &d)) }
            section #capacity { (capacity(l, &d)) }
        }
        (returnees(&page, &d))
        (zones)
        (clusters(l, &d))
        (units_table(l, &d, sort, descending))
    };
    Ok(layout(&page, l.t("Bảng điều hành", "Dashboard"), content))
}

/// Today's key figures: the period's last day, each with its change since the day before.
fn key_figures(l: Lang, d: &Dashboard) -> Markup {
    let day = show_date(&d.to);
    let before = chrono::NaiveDate::parse_from_str(&d.to, "%Y-%m-%d")
        .map(|to| (to - chrono::Days::new(1)).format("%d/%m").to_string())
        .unwrap_or_else(|_| l.t("hôm trước", "the day before").to_owned());
    let (f, c, p) = (&d.last_day, &d.change, &d.period.figures);
    html! {
        h2 #h-key { (l.t("Số liệu chính ngày ", "Key figures of ")) (day) }
        dl.figures.key #key-figures {
            div data-key="f0_new" { dt { (super::reports::defined(l, "f0_new", html! { (l.t("F0 mới", "New F0")) })) } dd { (last_day(d, "f0_new", html! { (num(l, f.f0_new)) })) } dd.sub { (trend(l, c.f0_new, &before)) } }
            div data-key="f0_treating" { dt { (super::reports::defined(l, "f0_active", html! { (l.t("F0 đang điều trị", "F0 in treatment")) })) } dd { (last_day(d, "f0_active", html! { (num(l, f.f0_active)) })) }
                dd.sub { (super::reports::defined(l, "f0_home", html! { (l.t("tại nhà", "at home")) })) " " (last_day(d, "f0_home", html! { (num(l, f.f0_home)) })) ", "
                    (super::reports::defined(l, "f0_hospital", html! { (l.t("cơ sở y tế", "in hospital")) })) " " (last_day(d, "f0_hospital", html! { (num(l, f.f0_hospital)) }))
                    @if f.f0_unplaced > 0 { ", " (super::reports::defined(l, "f0_unplaced", html! { (l.t("chưa rõ nơi", "place not recorded")) })) " " (last_day(d, "f0_unplaced", html! { (num(l, f.f0_unplaced)) })) } } }
            div data-key="f1_new" { dt { (super::reports::defined(l, "f1_new", html! { (l.t("F1 mới truy vết", "F1 newly traced")) })) } dd { (last_day(d, "f1_new", html! { (num(l, f.f1_new)) })) } dd.sub { (trend(l, c.f1_new, &before)) } }
            div data-key="tests_done" { dt { (super::reports::defined(l, "tests_done", html! { (l.t("Xét nghiệm có kết quả", "Tests with a result")) })) } dd { (last_day(d, "tests_done", html! { (num(l, f.tests_done)) })) } dd.sub { (trend(l, c.tests_done, &before)) } }
            div data-key="tests_positive" { dt { (super::reports::defined(l, "tests_positive", html! { (l.t("— dương tính", "— positive")) })) } dd { (last_day(d, "tests_positive", html! { (num(l, f.tests_positive)) })) } dd.sub { (trend(l, c.tests_positive, &before)) } }
            div data-key="f0_recovered" { dt { (super::reports::defined(l, "f0_recovered", html! { (l.t("Khỏi bệnh", "Recovered")) })) } dd { (last_day(d, "f0_recovered", html! { (num(l, f.f0_recovered)) })) } dd.sub { (trend(l, c.f0_recovered, &before)) } }
            div data-key="f0_deceased" { dt { (super::reports::defined(l, "f0_deceased", html! { (l.t("Tử vong", "Deceased")) })) } dd { (last_day(d, "f0_deceased", html! { (num(l, f.f0_deceased)) })) } dd.sub { (trend(l, c.f0_deceased, &before)) } }
            div data-key="alerts_open" { dt { (super::reports::defined(l, "alerts_open", html! { (l.t("Cảnh báo đang chờ", "Alerts waiting")) })) } dd { (last_day(d, "alerts_open", html! { (num(l, f.alerts_open)) })) } }
            div data-key="f0_period" { dt { (super::reports::defined(l, "f0_new", html! { (l.t("F0 mới cả kỳ", "New F0, whole period")) })) } dd { (figure(d, "f0_new", html! { (num(l, p.f0_new)) })) } }
            div data-key="f0_cumulative" { dt { (super::reports::defined(l, "f0_cumulative", html! { (l.t("F0 từ đầu đợt dịch (", "F0 since the wave began (")) (show_date(&d.period.wave_start)) ")" })) } dd { (figure(d, "f0_cumulative", html! { (num(l, p.f0_cumulative)) })) } }
        }
    }
}

fn curve_chart(l: Lang, curve: &[CurveDay]) -> Markup {
    let days: Vec<String> = curve.iter().map(|c| c.day.clone()).collect();
    let series = [
        Series {
            vi: "Trong cộng đồng",
            en: "In the community",
            colour: "#9b1c1c",
            values: curve.iter().map(|c| c.community).collect(),
        },
        Series {
            vi: "Đang cách ly",
            en: "In quarantine",
            colour: "#f08c00",
            values: curve.iter().map(|c| c.quarantine).collect(),
        },
        Series {
            vi: "Nhập cảnh",
            en: "Imported",
            colour: "#8ec5e8",
            values: curve.iter().map(|c| c.imported).collect(),
        },
        Series {
            vi: "Từ tỉnh khác",
            en: "From another province",
            colour: "#6741d9",
            values: curve.iter().map(|c| c.other_province).collect(),
        },
    ];
    let average: Vec<f64> = curve.iter().map(|c| c.average_7d).collect();
    let total: i64 = curve.iter().map(CurveDay::total).sum();
    html! {
        (stacked_chart(
            l,
            "epi-curve",
            (900.0, 250.0),
            &format!("{} {}", l.t("F0 mới theo ngày; tổng", "New F0 per day; total"), num(l, total)),
            &days,
            &series,
            Some((l.t("Trung bình 7 ngày", "7-day average"), &average)),
        ))
        details.no-print {
            summary { (l.t("Số liệu theo ngày", "Figures by day")) }
            div.table-wrap { table #curve-table {
                thead { tr {
                    th { (l.t("Ngày", "Day")) } th.num { (l.t("Cộng đồng", "Community")) } th.num { (l.t("Đang cách ly", "In quarantine")) }
                    th.num { (l.t("Nhập cảnh", "Imported")) } th.num { (l.t("Từ tỉnh khác", "From another province")) } th.num { (l.t("Tổng", "Total")) } th.num { (l.t("TB 7 ngày", "7-day avg.")) }
                } }
                tbody { @for c in curve { tr {
                    td { (show_date(&c.day)) } td.num { (num(l, c.community)) } td.num { (num(l, c.quarantine)) }
                    td.num { (num(l, c.imported)) } td.num { (num(l, c.other_province)) } td.num { (num(l, c.total())) } td.num { (decimal(l, c.average_7d)) }
                } } }
            } }
        }
    }
}

fn classes(l: Lang, d: &Dashboard) -> Markup {
    let f = &d.period.figures;
    html! {
        h2 { (l.t("Phân loại hiện nay", "Classes now")) }
        dl.figures #class-counts {
            div { dt { "F0" } dd { (figure(d, "f0_active", html! { (num(l, f.f0_active)) })) } }
            @for (key, level, n) in [("f1", 1, f.f1), ("f2", 2, f.f2), ("f3", 3, f.f3), ("f4", 4, f.f4)] {
                div { dt { (super::reports::defined(l, key, html! { "F" (level) })) } dd { (figure(d, key, html! { (num(l, n)) })) } }
            }
        }
        // The F1 follow-up counts open the F1 list and the testing page, as in the report.
        dl.facts #f1-follow-up {
            dt { (super::reports::defined(l, "f1_reviewed", html! { (l.t("F1 đã rà soát", "F1 reviewed")) })) } dd { (figure(d, "f1_reviewed", html! { (num(l, f.f1_reviewed)) })) }
            dt { (super::reports::defined(l, "f1_quarantined", html! { (l.t("F1 đang cách ly", "F1 in quarantine")) })) } dd { (figure(d, "f1_quarantined", html! { (num(l, f.f1_quarantined)) })) }
            dt { (super::reports::defined(l, "f1_sampled", html! { (l.t("F1 đã lấy mẫu", "F1 sampled")) })) } dd { (figure(d, "f1_sampled", html! { (num(l, f.f1_sampled)) })) }
            dt { (l.t("— âm tính / dương tính / chờ", "— negative / positive / waiting")) }
            dd { (figure(d, "f1_negative", html! { (num(l, f.f1_negative)) })) " / " (figure(d, "f1_positive", html! { (num(l, f.f1_positive)) })) " / " (figure(d, "f1_pending", html! { (num(l, f.f1_pending)) })) }
        }
    }
}

fn tests(l: Lang, d: &Dashboard) -> Markup {
    let f = &d.period.figures;
    let other = f.tests_done - f.tests_positive - f.tests_negative;
    html! {
        h2 { (l.t("Xét nghiệm trong kỳ", "Tests in the period")) }
        // No list of results by day exists; the figures open the unit's turnaround on the testing page.
        dl.figures #test-figures {
            div { dt { (super::reports::defined(l, "tests_done", html! { (l.t("Có kết quả", "With a result")) })) } dd { (figure(d, "tests_done", html! { (num(l, f.tests_done)) })) } }
            div { dt { (super::reports::defined(l, "tests_positive", html! { (l.t("Dương tính", "Positive")) })) } dd { (figure(d, "tests_positive", html! { (num(l, f.tests_positive)) })) } }
            div { dt { (super::reports::defined(l, "tests_negative", html! { (l.t("Âm tính", "Negative")) })) } dd { (figure(d, "tests_negative", html! { (num(l, f.tests_negative)) })) } }
            div { dt { (l.t("Khác", "Other")) } dd { (num(l, other)) } }
            div { dt { (l.t("Trả kết quả (trung vị)", "Turnaround (median)")) } dd {
                (figure(d, "tests_done", html! {
                    @match d.period.rates.turnaround_days {
                        Some(days) => { (decimal(l, days)) (l.t(" ngày", " days")) }
                        None => { "—" }
                    }
                }))
            } }
        }
        @let days: Vec<String> = d.tests.iter().map(|t| t.day.clone()).collect();
        @if f.tests_done == 0 {
            p.muted { (l.t("Chưa có kết quả xét nghiệm trong kỳ.", "No test results in the period.")) }
        } @else {
        (stacked_chart(
            l,
            "tests-chart",
            (420.0, 190.0),
            l.t("Xét nghiệm có kết quả theo ngày", "Tests with a result per day"),
            &days,
            &[
                Series { vi: "Dương tính", en: "Positive", colour: "#9b1c1c", values: d.tests.iter().map(|t| t.positive).collect() },
                Series { vi: "Âm tính", en: "Negative", colour: "#7fbf7f", values: d.tests.iter().map(|t| t.negative).collect() },
                Series { vi: "Khác", en: "Other", colour: "#bbbbbb", values: d.tests.iter().map(|t| t.other).collect() },
            ],
            None,
        ))
        }
    }
}

/// A share as a bar and a fraction.
fn usage(l: Lang, used: i64, of: i64) -> Markup {
    let pct = if of > 0 { used * 100 / of } else { 0 };
    html! {
        span.usage { (num(l, used)) " / " (num(l, of)) }
        @if of > 0 {
            " (" (pct) "%)"
            svg.meter width="120" height="8" aria-hidden="true" {
                rect width="120" height="8" fill="#e4e4e4" {}
                rect width=((pct.min(100) * 120 / 100).max(1)) height="8" fill=(if pct >= 90 { "#9b1c1c" } else { "#1565c0" }) {}
            }
        }
    }
}

fn capacity(l: Lang, d: &Dashboard) -> Markup {
    let f = &d.period.figures;
    html! {
        h2 { (l.t("Năng lực đang dùng", "Capacity in use")) }
        dl.facts #capacity-figures {
            dt { (l.t("Giường cách ly, điều trị", "Quarantine and treatment beds")) }
            dd { (figure(d, "beds", usage(l, f.beds_occupied, f.beds))) }
            dt { (l.t("Thiết bị oxy đang cho mượn", "Oxygen equipment lent")) }
            dd { (figure(d, "oxygen_equipment", usage(l, f.oxygen_lent, f.oxygen_equipment))) }
            // Nobody lists everyone in quarantine: the link opens the day's work of the period's last day.
            dt { (l.t("Đang cách ly tập trung", "In centralised quarantine")) } dd { (figure(d, "quarantine_centralised", html! { (num(l, f.quarantine_centralised)) })) }
            dt { (l.t("Đang cách ly tại nhà", "In home quarantine")) } dd { (figure(d, "quarantine_home", html! { (num(l, f.quarantine_home)) })) }
            dt { (l.t("F0 điều trị tại nhà", "F0 treated at home")) } dd { (figure(d, "f0_home", html! { (num(l, f.f0_home)) })) }
            dt { (l.t("F0 điều trị tại cơ sở y tế", "F0 in hospital")) } dd { (figure(d, "f0_hospital", html! { (num(l, f.f0_hospital)) })) }
        }
    }
}

fn clusters(l: Lang, d: &Dashboard) -> Markup {
    html! {
        h2 #h-clusters { (l.t("Ổ dịch đang hoạt động nhiều F0 nhất", "Active clusters with the most F0")) }
        @if d.clusters.is_empty() {
            p.muted { (l.t("Không có ổ dịch đang hoạt động.", "No active clusters.")) }
        } @else {
            div.table-wrap { table.responsive #top-clusters {
                thead { tr {
                    th { (l.t("Ổ dịch", "Cluster")) } th { (l.t("Đơn vị", "Unit")) } th { (l.t("Từ ngày", "Since")) }
                    th.num { (l.t("F0 đang điều trị", "Active F0")) } th.num { (l.t("Thành viên", "Members")) }
                } }
                tbody { @for c in &d.clusters { tr {
                    td data-label=(l.t("Ổ dịch", "Cluster")) { a href={ "/clusters/" (c.id) } { (c.name) } }
                    td.mono data-label=(l.t("Đơn vị", "Unit")) { (c.unit_code) }
                    td data-label=(l.t("Từ ngày", "Since")) { (show_date(&c.started_on)) }
                    td.num data-label=(l.t("F0 đang điều trị", "Active F0")) { a href={ "/clusters/" (c.id) } { (num(l, c.active_f0)) } }
                    td.num data-label=(l.t("Thành viên", "Members")) { a href={ "/clusters/" (c.id) } { (num(l, c.members)) } }
                } } }
            } }
        }
    }
}

fn units_table(l: Lang, d: &Dashboard, sort: &str, descending: bool) -> Markup {
    html! {
        h2 #units { (l.t("Các đơn vị trực thuộc", "Units below")) }
        @if d.units.is_empty() {
            p.muted { (l.t("Không có đơn vị cấp dưới có số liệu.", "No units below with figures.")) }
        } @else {
            p.muted.no-print { (l.t(
                "Bấm tiêu đề cột để sắp xếp; bấm tên đơn vị để xem bảng điều hành của đơn vị đó.",
                "Click a column heading to sort; click a unit's name to open its dashboard."
            )) }
            div.table-wrap { table.responsive.units #unit-table {
                thead { tr {
                    @for (key, vi, en) in COLUMNS {
                        @let current = key == sort;
                        // A second click on the sorted column reverses it; a new one starts largest first (names A–Z).
                        @let next_desc = if current { !descending } else { key != "name" };
                        th.num[key != "name"] scope="col" data-sort=(key)
                            aria-sort=[current.then_some(if descending { "descending" } else { "ascending" })] {
                            a href=(href(d, &format!("&sort={key}&dir={}#units", if next_desc { "desc" } else { "asc" }))) {
                                (l.t(vi, en))
                                @if current { " " (if descending { "▼" } else { "▲" }) }
                            }
                        }
                    }
                } }
                tbody { @for u in &d.units { tr data-unit=(u.unit_code) {
                    td data-label=(l.t("Đơn vị", "Unit")) {
                        a href=(format!("/dashboard?unit={}&from={}&to={}", encode(&u.unit_code), d.from, d.to)) { (u.unit_name) }
                    }
                    @for (key, vi, en) in &COLUMNS[1..] {
                        // Each number opens the list of its own unit.
                        td.num data-label=(l.t(vi, en)) data-key=(key) {
                            @if *key == "f0_14d" {
                                (sparkline(l, &d.sparkline_days, &u.f0_new_by_day)) " "
                            }
                            (column_link(d, key, &u.unit_code, html! { (num(l, column_value(u, key))) }))
                        }
                    }
                } } }
                tfoot { tr {
                    th scope="row" { (l.t("Tổng ", "Total ")) (d.unit_name) }
                    @for (key, vi, en) in &COLUMNS[1..] {
                        td.num data-label=(l.t(vi, en)) { (column_link(d, key, &d.unit_code, html! { (num(l, total_value(d, key))) })) }
                    }
                } }
            } }
        }
    }
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/dashboard", get(page))
}

/// People returning in the period: each figure opens the commune's
/// hand-over list of the period's last day (where the reader may open it).
fn returnees(page: &Page, d: &Dashboard) -> Markup {
    let l = page.lang;
    let r = &d.returnees;
    let link = page.can(phongdich_domain::Permission::Returnees);
    let day = r.to.format("%d/%m/%Y").to_string();
    let figure = |n: i64| {
        html! {
            @if link { a href={ "/returnees?day=" (day) } { (num(l, n)) } } @else { (num(l, n)) }
        }
    };
    html! {
        section #returnees aria-labelledby="h-returnees" {
            h2 #h-returnees { (l.t("Người về địa phương trong kỳ", "Returnees in the period")) }
            @if r.arriving == 0 && r.through_checkpoint == 0 && r.home == 0 && r.overdue_at_end == 0 {
                p.muted { (l.t("Không có người về đăng ký trong kỳ.", "No returnee registered for the period.")) }
            } @else {
                div.dash-columns {
                    dl.facts #returnee-figures {
                        dt { (l.t("Đăng ký về trong kỳ", "Registered to arrive")) } dd { (figure(r.arriving)) }
                        dt { (l.t("— từ vùng dịch", "— from epidemic areas")) } dd { (figure(r.from_epidemic_area)) }
                        dt { (l.t("— chưa tiêm vắc-xin", "— unvaccinated")) } dd { (figure(r.unvaccinated)) }
                        dt { (l.t("Qua chốt kiểm soát", "Through a checkpoint")) } dd { (figure(r.through_checkpoint)) }
                        dt { (l.t("— test nhanh dương tính tại chốt", "— rapid test positive there")) } dd { (figure(r.positive_at_checkpoint)) }
                        dt { (l.t("Đã về nhà", "Home")) } dd { (figure(r.home)) }
                        dt { (l.t("— có quyết định cách ly", "— with a quarantine order")) } dd { (figure(r.ordered)) }
                        dt { (l.t("Quá ngày, chưa về nhà (cuối kỳ)", "Overdue, not home (at the end)")) } dd { (figure(r.overdue_at_end)) }
                    }
                    @if !r.by_origin.is_empty() {
                        div.table-wrap { table #returnee-origins {
                            thead { tr { th { (l.t("Đi từ", "From")) } th { (l.t("Số người", "People")) } } }
                            tbody { @for o in r.by_origin.iter().take(10) { tr {
                                td { span title=(o.province_code) { (o.province_name) } } td { (num(l, o.arriving)) }
                            } } }
                        } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(tick_step(0), 1);
        assert_eq!(tick_step(3), 1);
        assert_eq!(tick_step(10), 5);
        assert_eq!(tick_step(37), 10);
        assert_eq!(tick_step(9199), 5000);
        assert_eq!(tick_step(120_000), 50_000);
    }

    #[test]
    fn decimals_read_as_each_language_writes_them() {
        assert_eq!(decimal(Lang::Vi, 1.43), "1,4");
        assert_eq!(decimal(Lang::En, 1.43), "1.4");
    }
}
