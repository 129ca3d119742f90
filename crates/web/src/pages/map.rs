//! Maps drawn as SVG on the server. The country: the 63 provinces' real
//! boundaries (`data/maps/vn_provinces_2021.geojson`, Open Development
//! Vietnam, CC BY-SA 4.0 — its attribution shown under every map), coloured
//! by province. Below the province there are no licence-clean boundaries, so
//! a province or district is drawn as a schematic: a tile per commune,
//! grouped by district, in code order (the same place every week) — no
//! geometry is invented. Colours: the week's published level (else the
//! proposal, said so), new community F0 per 100,000 in the week (4800's
//! bands), or lockdowns holding today. Every shape links to its unit's
//! dashboard; the page prints on A4.

use super::{Page, PageResult, layout, show_day};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Query, State};
use maud::{Markup, PreEscaped, html};
use phongdich_domain::Permission;
use phongdich_store::{CommuneLevel, Lockdown, ProvinceRollup};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// This module's routes; merged once in [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/map", axum::routing::get(map_page))
}

const GEOJSON: &str = include_str!("../../../../data/maps/vn_provinces_2021.geojson");

/// The attribution the boundaries' licence asks for, wherever they are drawn.
pub(super) const ATTRIBUTION: &str = "Ranh giới tỉnh / Province boundaries: Open Development Vietnam (Open Development Mekong), CC BY-SA 4.0; simplified and re-coded to GSO codes.";

/// The drawing's frame: 102–117.5 °E (the islands of Hoàng Sa and Trường
/// Sa included, in place), 7–23.5 °N; x scaled by cos 16° so that shapes
/// keep their proportions.
const WEST: f64 = 102.0;
const NORTH: f64 = 23.5;
const SCALE: f64 = 40.0;
const WIDTH: f64 = 15.5 * SCALE * 0.961;
const HEIGHT: f64 = 16.5 * SCALE;

struct Province {
    code: String,
    name: String,
    /// The SVG path of its polygons.
    path: String,
}

fn provinces() -> &'static [Province] {
    static CELL: OnceLock<Vec<Province>> = OnceLock::new();
    CELL.get_or_init(|| parse(GEOJSON))
}

fn ring_path(out: &mut String, ring: &serde_json::Value) {
    let Some(points) = ring.as_array() else {
        return;
    };
    for (i, p) in points.iter().enumerate() {
        let (Some(lon), Some(lat)) = (p[0].as_f64(), p[1].as_f64()) else {
            continue;
        };
        let x = (lon - WEST) * SCALE * 0.961;
        let y = (NORTH - lat) * SCALE;
        let _ = write!(out, "{}{x:.1},{y:.1}", if i == 0 { 'M' } else { 'L' });
    }
    out.push('Z');
}

/// The provinces of the GeoJSON (Polygon and MultiPolygon features).
fn parse(text: &str) -> Vec<Province> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in doc["features"].as_array().into_iter().flatten() {
        let code = f["properties"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let name = f["properties"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let g = &f["geometry"];
        let mut path = String::new();
        let polygons: Vec<&serde_json::Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["coordinates"]],
            Some("MultiPolygon") => g["coordinates"].as_array().into_iter().flatten().collect(),
            _ => Vec::new(),
        };
        for poly in polygons {
            for ring in poly.as_array().into_iter().flatten() {
                ring_path(&mut path, ring);
            }
        }
        out.push(Province { code, name, path });
    }
    out
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MapQuery {
    /// `level`, `f0` or `lockdown`.
    by: String,
    /// A day of the week shown (dd/mm/yyyy); this week when empty.
    week: String,
}

/// A colour class and its legend label.
#[derive(Clone, Copy, PartialEq)]
enum Shade {
    None,
    L(u8),
    Partly,
    Whole,
}

impl Shade {
    fn class(self) -> String {
        match self {
            Shade::None => "s0".into(),
            Shade::L(n) => format!("s{n}"),
            Shade::Partly => "s3".into(),
            Shade::Whole => "s4".into(),
        }
    }
}

/// Text for SVG written by hand: `&`, `<`, `>` and quotes escaped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn band(rate: f64) -> u8 {
    phongdich_domain::levels::band(rate, &[20.0, 50.0, 150.0])
}

async fn map_page(State(s): State<AppState>, page: Page, Query(q): Query<MapQuery>) -> PageResult {
    page.require(Permission::ViewPersons)?;
    let l = page.lang;
    let by = match q.by.as_str() {
        "f0" => "f0",
        "lockdown" => "lockdown",
        _ => "level",
    };
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
    let lockdowns = if by == "lockdown" {
        s.store
            .lockdowns(&page.actor.scope, Some(page.today()))
            .await
            .map_err(|e| page.fail(e))?
    } else {
        Vec::new()
    };
    let national = page.actor.scope.is_national();
    let drawing = if national {
        country(l, by, &w.by_province(), &lockdowns)
    } else {
        schematic(l, by, &w.communes, &lockdowns)
    };
    let legend: Vec<(&str, &str)> = match by {
        "f0" => vec![
            ("s1", l.t("< 20 ca/100.000/tuần", "< 20 per 100,000/week")),
            ("s2", l.t("20–< 50", "20–< 50")),
            ("s3", l.t("50–< 150", "50–< 150")),
            ("s4", l.t("≥ 150", "≥ 150")),
            ("s0", l.t("chưa có dân số", "no population")),
        ],
        "lockdown" => vec![
            ("s4", l.t("phong tỏa toàn bộ", "wholly locked down")),
            ("s3", l.t("phong tỏa một phần", "partly locked down")),
            ("s0", l.t("không phong tỏa", "not locked down")),
        ],
        _ => vec![
            ("s1", l.t("Cấp 1 (xanh)", "Level 1 (green)")),
            ("s2", l.t("Cấp 2 (vàng)", "Level 2 (yellow)")),
            ("s3", l.t("Cấp 3 (cam)", "Level 3 (orange)")),
            ("s4", l.t("Cấp 4 (đỏ)", "Level 4 (red)")),
            ("s0", l.t("chưa có", "none")),
        ],
    };
    let week_q = show_day(w.week_start);
    let content = html! {
        h1 { (l.t("Bản đồ dịch", "Epidemic map")) }
        nav.tabs aria-label=(l.t("Tô màu theo", "Coloured by")) {
            @for (key, vi, en) in [("level", "Cấp độ dịch", "Epidemic level"), ("f0", "F0 cộng đồng/100.000", "Community F0 per 100,000"), ("lockdown", "Phong tỏa", "Lockdowns")] {
                a href={ "/map?by=" (key) "&week=" (week_q) } aria-current=[(key == by).then_some("page")] { (l.t(vi, en)) } " "
            }
        }
        p {
            @match by {
                "lockdown" => { (l.t("Phong tỏa đang có hiệu lực hôm nay ", "Lockdowns holding today ")) (show_day(page.today())) },
                _ => { (l.t("Tuần ", "Week ")) (show_day(w.week_start)) " – " (show_day(w.week_start + chrono::Days::new(6))) },
            }
            @if by == "level" { " · " small.muted { (l.t("cấp đã công bố; nơi chưa công bố tô theo cấp đề xuất (viền đứt)", "published levels; where not yet published, the proposal (dashed outline)")) } }
            @if national && by == "level" { " · " small.muted { (l.t("mỗi tỉnh tô theo cấp cao nhất của các xã", "each province by its communes' highest level")) } }
        }
        figure.map {
            (drawing)
            figcaption {
                ul.legend { @for (class, label) in &legend { li { span.swatch.(class) {} " " (label) } } }
                @if national { p.attribution { small { (ATTRIBUTION) } } }
                @else { p.attribution { small { (l.t("Sơ đồ: mỗi ô là một xã/phường, xếp theo huyện và mã đơn vị; không phải ranh giới thật.", "Schematic: one tile a commune, grouped by district in code order; not real boundaries.")) } } }
            }
        }
        p { (super::print_button(l.t("In bản đồ", "Print the map"))) " " a href={ "/levels?week=" (week_q) } { (l.t("Bảng cấp độ dịch →", "The levels' table →")) } }
    };
    Ok(layout(&page, l.t("Bản đồ dịch", "Epidemic map"), content))
}

/// How a commune is shaded: its level (published, else proposed — and
/// whether it was proposed only), its rate's band, or its lockdown.
fn commune_shade(by: &str, c: &CommuneLevel, lockdowns: &[Lockdown]) -> (Shade, bool) {
    match by {
        "f0" => (
            c.proposed
                .c1_rate
                .map(|r| Shade::L(band(r)))
                .unwrap_or(Shade::None),
            false,
        ),
        "lockdown" => (
            lockdown_shade(&c.province_code, &c.district_code, &c.unit_code, lockdowns),
            false,
        ),
        _ => match (c.published, c.proposed.level) {
            (Some(p), _) => (Shade::L(p.clamp(1, 4) as u8), false),
            (None, Some(p)) => (Shade::L(p), true),
            _ => (Shade::None, false),
        },
    }
}

fn lockdown_shade(province: &str, district: &str, commune: &str, lockdowns: &[Lockdown]) -> Shade {
    let mut shade = Shade::None;
    for x in lockdowns {
        let whole = match x.unit_level.as_str() {
            "province" => x.province_code == province,
            "district" => x.district_code.as_deref() == Some(district),
            "commune" => x.unit_code == commune && x.place.is_none() && x.addresses.is_empty(),
            _ => false,
        };
        if whole {
            return Shade::Whole;
        }
        if x.commune_code.as_deref() == Some(commune) {
            shade = Shade::Partly;
        }
    }
    shade
}

/// The country: each province coloured by its communes' figures.
fn country(l: Lang, by: &str, rollups: &[ProvinceRollup], lockdowns: &[Lockdown]) -> Markup {
    let by_code: HashMap<&str, &ProvinceRollup> = rollups
        .iter()
        .map(|r| (r.province_code.as_str(), r))
        .collect();
    let mut locked: HashMap<&str, Shade> = HashMap::new();
    for x in lockdowns {
        let e = locked
            .entry(x.province_code.as_str())
            .or_insert(Shade::None);
        *e = if x.unit_level == "province" || *e == Shade::Whole {
            Shade::Whole
        } else {
            Shade::Partly
        };
    }
    let mut svg = String::new();
    for p in provinces() {
        let a = by_code.get(p.code.as_str());
        let (shade, figure) = match (by, a) {
            ("f0", Some(a)) => match a.rate {
                Some(rate) => (Shade::L(band(rate)), format!("{rate:.1}")),
                None => (Shade::None, String::new()),
            },
            ("lockdown", _) => (
                locked.get(p.code.as_str()).copied().unwrap_or(Shade::None),
                String::new(),
            ),
            ("level", Some(a)) => match a.highest {
                Some(h) => (Shade::L(h.clamp(1, 4) as u8), format!("{h}")),
                None => (Shade::None, String::new()),
            },
            _ => (Shade::None, String::new()),
        };
        let title = if figure.is_empty() {
            p.name.clone()
        } else {
            format!("{} — {}", p.name, figure)
        };
        let _ = write!(
            svg,
            "<a href=\"/dashboard?unit={code}\" data-unit=\"{code}\"><path class=\"{class}\" d=\"{d}\"><title>{title}</title></path></a>",
            code = p.code,
            class = shade.class(),
            d = p.path,
            title = esc(&title)
        );
    }
    // The archipelagos, drawn in place with the provinces they belong to;
    // named, as every map of Vietnam names them.
    for (lon, lat, vi, en) in [
        (
            112.0,
            17.3,
            "Quần đảo Hoàng Sa (Đà Nẵng)",
            "Hoàng Sa archipelago (Đà Nẵng)",
        ),
        (
            113.8,
            11.2,
            "Quần đảo Trường Sa (Khánh Hòa)",
            "Trường Sa archipelago (Khánh Hòa)",
        ),
    ] {
        let _ = write!(
            svg,
            "<text class=\"islands\" x=\"{x:.0}\" y=\"{y:.0}\">{label}</text>",
            x = (lon - WEST) * SCALE * 0.961,
            y = (NORTH - lat) * SCALE,
            label = esc(l.t(vi, en))
        );
    }
    html! {
        svg.country xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (format!("{WIDTH:.0}")) " " (format!("{HEIGHT:.0}")) } role="img"
            aria-label=(l.t("Bản đồ các tỉnh, thành phố", "Map of the provinces")) {
            (PreEscaped(svg))
        }
    }
}

/// A commune's name on its tile, without its kind, on up to two lines of
/// at most 11 characters (broken between words; the tile's tooltip has the
/// whole name).
fn tile_label(name: &str) -> (String, String) {
    let short = name
        .trim_start_matches("Phường ")
        .trim_start_matches("Xã ")
        .trim_start_matches("Thị trấn ");
    let cut = |s: &str| s.chars().take(11).collect::<String>();
    if short.chars().count() <= 11 {
        return (short.to_owned(), String::new());
    }
    let mut first = String::new();
    let mut rest = Vec::new();
    for w in short.split(' ') {
        if rest.is_empty()
            && (first.is_empty() || first.chars().count() + 1 + w.chars().count() <= 11)
        {
            if !first.is_empty() {
                first.push(' ');
            }
            first.push_str(w);
        } else {
            rest.push(w);
        }
    }
    (cut(&first), cut(&rest.join(" ")))
}

/// A province or district: a tile per commune, grouped by district.
fn schematic(l: Lang, by: &str, communes: &[CommuneLevel], lockdowns: &[Lockdown]) -> Markup {
    const TILE: f64 = 64.0;
    const GAP: f64 = 4.0;
    const PER_ROW: usize = 6;
    // Districts in code order, each a block of tiles; blocks flow two abreast.
    let mut districts: Vec<(&str, &str, Vec<&CommuneLevel>)> = Vec::new();
    for c in communes {
        match districts.iter_mut().find(|d| d.0 == c.district_code) {
            Some(d) => d.2.push(c),
            None => districts.push((c.district_code.as_str(), c.district_name.as_str(), vec![c])),
        }
    }
    let block_w = PER_ROW as f64 * (TILE + GAP) + 12.0;
    let columns = if districts.len() > 1 { 2 } else { 1 };
    let mut svg = String::new();
    let (mut y_col, mut height) = ([0.0f64; 2], 0.0f64);
    for (code, name, list) in &districts {
        // The shorter column takes the next district (stable: code order).
        let col = if columns == 2 && y_col[1] < y_col[0] {
            1
        } else {
            0
        };
        let x0 = col as f64 * block_w;
        let y0 = y_col[col];
        let rows = list.len().div_ceil(PER_ROW);
        let _ = write!(
            svg,
            "<a href=\"/dashboard?unit={code}\"><text class=\"district\" x=\"{x:.0}\" y=\"{y:.0}\">{name}</text></a>",
            x = x0 + 2.0,
            y = y0 + 14.0,
            name = esc(name)
        );
        for (k, c) in list.iter().enumerate() {
            let (shade, proposed_only) = commune_shade(by, c, lockdowns);
            let x = x0 + (k % PER_ROW) as f64 * (TILE + GAP);
            let y = y0 + 22.0 + (k / PER_ROW) as f64 * (TILE + GAP);
            let (line1, line2) = tile_label(&c.unit_name);
            let figure = match by {
                "f0" => c
                    .proposed
                    .c1_rate
                    .map(|r| format!("{r:.0}"))
                    .unwrap_or_default(),
                "lockdown" => String::new(),
                _ => c
                    .published
                    .map(|p| p.to_string())
                    .or(c.proposed.level.map(|p| p.to_string()))
                    .unwrap_or_default(),
            };
            let _ = write!(
                svg,
                "<a href=\"/dashboard?unit={code}\" data-unit=\"{code}\"><rect class=\"{class}{dashed}\" x=\"{x:.0}\" y=\"{y:.0}\" width=\"{TILE}\" height=\"{TILE}\" rx=\"4\"><title>{title}</title></rect>\
                 <text x=\"{tx:.0}\" y=\"{ty:.0}\" class=\"tile\">{line1}</text><text x=\"{tx:.0}\" y=\"{ty2:.0}\" class=\"tile\">{line2}</text>\
                 <text x=\"{tx:.0}\" y=\"{fy:.0}\" class=\"figure\">{figure}</text></a>",
                code = c.unit_code,
                class = shade.class(),
                dashed = if proposed_only { " proposed" } else { "" },
                title = esc(&format!(
                    "{} — {}",
                    c.unit_name,
                    c.proposed.why(l == Lang::Vi)
                )),
                tx = x + TILE / 2.0,
                ty = y + 16.0,
                ty2 = y + 28.0,
                fy = y + 52.0,
                line1 = esc(&line1),
                line2 = esc(&line2),
            );
        }
        y_col[col] = y0 + 22.0 + rows as f64 * (TILE + GAP) + 16.0;
        height = height.max(y_col[col]);
    }
    let width = columns as f64 * block_w;
    html! {
        svg.schematic xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (format!("{width:.0}")) " " (format!("{height:.0}")) } role="img"
            aria-label=(l.t("Sơ đồ các xã, phường theo huyện", "Schematic of the communes by district")) {
            (PreEscaped(svg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_labels_break_between_words_and_drop_the_kind() {
        assert_eq!(
            tile_label("Phường Hà Khánh"),
            ("Hà Khánh".into(), String::new())
        );
        assert_eq!(
            tile_label("Phường Trần Hưng Đạo"),
            ("Trần Hưng".into(), "Đạo".into())
        );
        assert_eq!(
            tile_label("Xã Quảng Long Thượng Hạ Mới"),
            ("Quảng Long".into(), "Thượng Hạ M".into())
        );
    }

    #[test]
    fn the_country_has_its_63_provinces_with_their_shapes() {
        let p = provinces();
        assert_eq!(p.len(), 63);
        assert!(
            p.iter()
                .all(|x| x.code.len() == 2 && x.path.starts_with('M'))
        );
        let qn = p.iter().find(|x| x.code == "22").unwrap();
        assert_eq!(qn.name, "Tỉnh Quảng Ninh");
    }
}
