//! Testing campaigns on the pages: order one (every F1 in a unit, everyone
//! living there, or a list from a file), watch a round fill per unit with a
//! link behind every figure, sample the people still waiting (pooled by the
//! campaign's size, or one by one) from the list, repeat, close.

use super::{Page, PageResult, encode, field_error, layout, num, show_date};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::{FieldError, Permission};
use phongdich_store::{
    Campaign, CampaignInput, CampaignProgress, Paging, PoolInput, SampleInput, Specimen,
    StoreError, UnitProgress,
};
use serde::Deserialize;

fn target_label(l: Lang, t: &str) -> &'static str {
    match t {
        "f1" => l.t("Tất cả F1 trong đơn vị", "Every F1 in the unit"),
        "unit" => l.t(
            "Toàn bộ người dân trong đơn vị",
            "Everyone living in the unit",
        ),
        "list" => l.t("Danh sách từ tệp", "A list from a file"),
        "lockdown" => l.t(
            "Người trong khu phong tỏa",
            "The people inside a lockdown area",
        ),
        _ => "",
    }
}

pub(crate) fn progress_label(l: Lang, s: &str) -> &'static str {
    match s {
        "targeted" => l.t("Đối tượng", "Targeted"),
        "sampled" => l.t("Đã lấy mẫu", "Sampled"),
        "negative" => l.t("Âm tính", "Negative"),
        "positive" => l.t("Dương tính", "Positive"),
        "pending" => l.t("Chờ kết quả", "Pending"),
        "not_sampled" => l.t("Chưa lấy mẫu", "Not yet sampled"),
        _ => "",
    }
}

/// The fields of the order form, as typed.
#[derive(Default, Clone)]
struct OrderForm {
    name: String,
    unit_code: String,
    target: String,
    starts_on: String,
    deadline: String,
    pool_size: String,
    every_days: String,
    teams: String,
    person_ids: String,
    /// The lockdown area whose people are tested (`target` = `lockdown`).
    lockdown_id: String,
}

async fn list_page(
    s: &AppState,
    page: &Page,
    f: OrderForm,
    errors: Vec<FieldError>,
    report: Vec<(u64, String, String)>,
) -> PageResult {
    let l = page.lang;
    let today = page.now_local().date();
    let campaigns = s
        .store
        .campaigns(&page.actor.scope, today)
        .await
        .map_err(|e| page.fail(e))?;
    let mut totals = Vec::new();
    for c in &campaigns {
        let p = if c.status == "open" {
            s.store
                .campaign_progress(&page.actor.scope, c.id, None, None, page.now_local())
                .await
                .map(|p| Some(p.total))
                .map_err(|e| page.fail(e))?
        } else {
            None
        };
        totals.push(p);
    }
    let choices = super::unit_choices(s, page).await?;
    let content = html! {
        h1 { (l.t("Đợt xét nghiệm", "Testing campaigns")) }
        @if campaigns.is_empty() {
            p.muted { (l.t("Chưa có đợt xét nghiệm nào trong phạm vi của bạn.", "No campaign within your jurisdiction yet.")) }
        } @else {
            div.table-wrap { table.responsive #campaigns {
                thead { tr {
                    th { (l.t("Đợt", "Campaign")) } th { (l.t("Đơn vị", "Unit")) } th { (l.t("Đối tượng", "Target")) }
                    th { (l.t("Vòng", "Round")) } th { (l.t("Hạn", "Deadline")) } th { (l.t("Đã lấy mẫu", "Sampled")) }
                } }
                tbody { @for (c, t) in campaigns.iter().zip(&totals) { tr {
                    td data-label=(l.t("Đợt", "Campaign")) { a href={ "/campaigns/" (c.id) } { (c.name) }
                        @if c.status != "open" { " (" (l.t("đã kết thúc", "closed")) ")" } }
                    td data-label=(l.t("Đơn vị", "Unit")) { (c.unit_name) }
                    td data-label=(l.t("Đối tượng", "Target")) { (target_label(l, &c.target)) }
                    td data-label=(l.t("Vòng", "Round")) { (c.rounds.len()) }
                    td data-label=(l.t("Hạn", "Deadline")) { @if let Some(r) = c.current_round() { (show_deadline(&r.deadline)) } }
                    td data-label=(l.t("Đã lấy mẫu", "Sampled")) { @if let Some(t) = t { (num(l, t.sampled)) " / " (num(l, t.targeted)) } @else { "—" } }
                } } }
            } }
        }
        @if page.can(Permission::RunCampaigns) {
            details open[!errors.is_empty() || campaigns.is_empty()] {
                summary { (l.t("Tổ chức đợt xét nghiệm mới", "Order a new campaign")) }
                form.stack #order method="post" action={ "/campaigns" } enctype="multipart/form-data" {
                    // The token as the first part of the upload, not in its address.
                    (page.csrf_field())
                    @if !errors.is_empty() {
                        div.alert role="alert" {
                            p { (l.t("Chưa tạo: hãy sửa các lỗi được đánh dấu.", "Not created: correct the marked errors.")) }
                            @for e in errors.iter().filter(|e| e.field.contains('[') || e.field == "file") {
                                p { (l.t(&e.message_vi, &e.message_en)) }
                            }
                        }
                    }
                    @if !report.is_empty() {
                        div.table-wrap { table.responsive #list-report {
                            thead { tr { th { (l.t("Dòng", "Line")) } th { (l.t("Lý do", "Reason")) } } }
                            tbody { @for (line, vi, en) in &report { tr {
                                td.mono data-label=(l.t("Dòng", "Line")) { (line) }
                                td data-label=(l.t("Lý do", "Reason")) { (l.t(vi, en)) }
                            } } }
                        } }
                    }
                    (field(l, &errors, "name", ("Tên đợt", "Name"), &f.name, "Xét nghiệm F1 Hạ Long"))
                    div.field.invalid[errors.iter().any(|e| e.field == "unit_code")] {
                        label for="c-unit_code" { (l.t("Đơn vị", "Unit")) }
                        select #c-unit_code name="unit_code" {
                            @for u in &choices {
                                option value=(u.code) selected[u.code == f.unit_code] { (u.name) " (" (u.code) ")" }
                            }
                        }
                        (field_error(l, &errors, "unit_code"))
                    }
                    fieldset.field.invalid[errors.iter().any(|e| e.field == "target" || e.field == "lockdown_id")] {
                        legend { (l.t("Đối tượng", "Target group")) }
                        @if !f.lockdown_id.is_empty() {
                            input type="hidden" name="lockdown_id" value=(f.lockdown_id);
                            label { input type="radio" name="target" value="lockdown" checked[f.target == "lockdown"]; " " (target_label(l, "lockdown")) " " a href={ "/lockdowns/" (f.lockdown_id) } { "#" (f.lockdown_id) } }
                            (field_error(l, &errors, "lockdown_id"))
                        }
                        @for t in ["f1", "unit", "list"] {
                            label { input type="radio" name="target" value=(t) checked[f.target == t || (f.target.is_empty() && t == "f1")]; " " (target_label(l, t)) }
                        }
                        (field_error(l, &errors, "target"))
                    }
                    div.field.invalid[errors.iter().any(|e| e.field == "file" || e.field == "person_ids")] {
                        label for="c-file" { (l.t("Tệp danh sách (CSV, XLSX: cột Mã hồ sơ hoặc Số CCCD/CMND)", "List file (CSV, XLSX: a record number or national ID column)")) }
                        input #c-file type="file" name="file" accept=".csv,.xlsx";
                        (field_error(l, &errors, "file"))
                    }
                    (field(l, &errors, "person_ids", ("Hoặc mã hồ sơ, cách nhau bởi dấu phẩy", "Or record numbers, comma-separated"), &f.person_ids, "12, 13, 14"))
                    div.field.invalid[errors.iter().any(|e| e.field == "starts_on")] {
                        label for="c-starts-on" { (l.t("Ngày bắt đầu (để trống là hôm nay; ngày đã qua khi nhập lại đợt đã làm)", "First day (empty for today; a past day for a campaign entered after the fact)")) }
                        input #c-starts-on name="starts_on" value=(f.starts_on) placeholder="dd/mm/yyyy" inputmode="numeric";
                        (field_error(l, &errors, "starts_on"))
                    }
                    div.field.invalid[errors.iter().any(|e| e.field == "deadline")] {
                        label for="c-deadline" { (l.t("Hạn hoàn thành", "Deadline")) }
                        input #c-deadline name="deadline" value=(f.deadline) placeholder="hh:mm dd/mm/yyyy" inputmode="numeric";
                        (field_error(l, &errors, "deadline"))
                    }
                    (field(l, &errors, "pool_size", ("Cỡ mẫu gộp (mặc định 5 cho F1 và danh sách, 10 cho toàn dân; 1 = không gộp)", "Pool size (default 5 for F1 and lists, 10 for everyone; 1 = no pooling)"), &f.pool_size, "5"))
                    (field(l, &errors, "every_days", ("Lặp lại sau mỗi (ngày, để trống nếu một vòng)", "Repeat every (days, empty for one round)"), &f.every_days, "3"))
                    (field(l, &errors, "teams", ("Các tổ lấy mẫu (cách nhau bởi dấu phẩy)", "Sampling teams (comma-separated)"), &f.teams, "Tổ 1, Tổ 2"))
                    button type="submit" { (l.t("Tạo đợt xét nghiệm", "Order the campaign")) }
                }
            }
        }
    };
    Ok(layout(
        page,
        l.t("Đợt xét nghiệm", "Testing campaigns"),
        content,
    ))
}

fn field(
    l: Lang,
    errors: &[FieldError],
    name: &str,
    label: (&str, &str),
    value: &str,
    hint: &str,
) -> Markup {
    let invalid = errors.iter().any(|e| e.field == name);
    html! {
        div.field.invalid[invalid] {
            label for={ "c-" (name) } { (l.t(label.0, label.1)) }
            input id={ "c-" (name) } name=(name) value=(value) placeholder=(hint) aria-invalid=[invalid.then_some("true")];
            (field_error(l, errors, name))
        }
    }
}

/// `2021-09-02 16:00` → `16:00 02/09/2021`.
fn show_deadline(d: &str) -> String {
    match d.split_once(' ') {
        Some((day, time)) => format!("{time} {}", show_date(day)),
        None => show_date(d),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct IndexQuery {
    /// Prefill the order form for the people of this lockdown area.
    #[serde(default)]
    lockdown: Option<i64>,
}

pub(super) async fn index(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<IndexQuery>,
) -> PageResult {
    let mut f = OrderForm::default();
    if let Some(id) = q.lockdown {
        let d = s
            .store
            .lockdown(&page.actor.scope, id)
            .await
            .map_err(|e| page.fail(e))?;
        f = OrderForm {
            name: format!(
                "{} {}",
                page.t("Xét nghiệm khu phong tỏa", "Testing of the lockdown area"),
                d.lockdown.place.as_deref().unwrap_or(&d.lockdown.unit_name)
            ),
            unit_code: match &d.lockdown.hamlet_code {
                Some(_) => d.lockdown.commune_code.clone().unwrap_or_default(),
                None => d.lockdown.unit_code.clone(),
            },
            target: "lockdown".into(),
            lockdown_id: id.to_string(),
            ..Default::default()
        };
    }
    list_page(&s, &page, f, Vec::new(), Vec::new()).await
}

fn number_error(field: &str, vi: &str, en: &str) -> FieldError {
    FieldError::new(field, "invalid", vi, en)
}

pub(super) async fn create(
    State(s): State<AppState>,
    page: Page,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    page.require(Permission::RunCampaigns)?;
    let mut f = OrderForm::default();
    let dir = std::env::temp_dir().join(format!(
        "phongdich-campaign-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    let mut file = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let xlsx = field
                .file_name()
                .is_some_and(|n| n.to_lowercase().ends_with(".xlsx"));
            if let Ok(bytes) = field.bytes().await
                && !bytes.is_empty()
            {
                let _ = std::fs::create_dir_all(&dir);
                let path = dir.join(if xlsx { "list.xlsx" } else { "list.csv" });
                if std::fs::write(&path, &bytes).is_ok() {
                    file = Some(path);
                }
            }
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        match name.as_str() {
            "name" => f.name = value,
            "unit_code" => f.unit_code = value,
            "target" => f.target = value,
            "starts_on" => f.starts_on = value,
            "deadline" => f.deadline = value,
            "pool_size" => f.pool_size = value,
            "every_days" => f.every_days = value,
            "teams" => f.teams = value,
            "person_ids" => f.person_ids = value,
            "lockdown_id" => f.lockdown_id = value,
            _ => {}
        }
    }
    let mut errors = Vec::new();
    let pool_size = match f.pool_size.trim() {
        "" => None,
        v => v.parse::<i64>().map(Some).unwrap_or_else(|_| {
            errors.push(number_error(
                "pool_size",
                "Cỡ gộp phải là một số.",
                "The pool size must be a number.",
            ));
            None
        }),
    };
    if !f.lockdown_id.trim().is_empty() && f.lockdown_id.trim().parse::<i64>().is_err() {
        errors.push(number_error(
            "lockdown_id",
            "Số khu phong tỏa phải là một số.",
            "The lockdown area's number must be a number.",
        ));
    }
    let every_days = match f.every_days.trim() {
        "" => None,
        v => v.parse::<i64>().map(Some).unwrap_or_else(|_| {
            errors.push(number_error(
                "every_days",
                "Số ngày phải là một số.",
                "The number of days must be a number.",
            ));
            None
        }),
    };
    let mut person_ids = Vec::new();
    for p in f
        .person_ids
        .split([',', ' ', ';', '\n'])
        .map(|p| p.trim().trim_start_matches('#'))
        .filter(|p| !p.is_empty())
    {
        match p.parse::<i64>() {
            Ok(n) => person_ids.push(n),
            Err(_) => {
                errors.push(number_error(
                    "person_ids",
                    "Mã hồ sơ là các số, cách nhau bởi dấu phẩy.",
                    "Record numbers are numbers separated by commas.",
                ));
                break;
            }
        }
    }
    let typed = person_ids.len();
    let mut list = phongdich_sheets::campaigns::TargetList::default();
    if let Some(path) = &file {
        match phongdich_sheets::campaigns::read_target_list(path) {
            Ok(l) => list = l,
            Err(e) => {
                let msg = e.to_string();
                errors.push(FieldError::new("file", "unreadable", msg.clone(), msg));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut report = std::mem::take(&mut list.errors);
    if !report.is_empty() {
        errors.push(FieldError::new(
            "file",
            "rows",
            "Một số dòng của tệp không chỉ ra ai (xem bảng).",
            "Some rows of the file name nobody (see the table).",
        ));
    }
    if !errors.is_empty() {
        return list_page(&s, &page, f, errors, report).await;
    }
    person_ids.extend(&list.person_ids);
    let input = CampaignInput {
        name: f.name.clone(),
        unit_code: f.unit_code.clone(),
        target: f.target.clone(),
        person_ids,
        national_ids: list.national_ids.clone(),
        // The area only for its target (the form carries it whatever is chosen).
        lockdown_id: if f.target.trim() == "lockdown" {
            f.lockdown_id.trim().parse().ok()
        } else {
            None
        },
        starts_on: f.starts_on.clone(),
        deadline: f.deadline.clone(),
        pool_size,
        every_days,
        teams: vec![f.teams.clone()],
    };
    match s
        .store
        .create_campaign(&page.actor, &input, page.now_local())
        .await
    {
        Ok(c) => Ok(Redirect::to(&format!("/campaigns/{}", c.id)).into_response()),
        Err(StoreError::Invalid(i)) => {
            let mut errors = i.0;
            // Lines of the file: the report says which; typed numbers keep their field.
            for e in &errors {
                let line = match e.field.split_once('[') {
                    Some(("person_ids", rest)) => {
                        let n: usize = rest.trim_end_matches(']').parse().unwrap_or(0);
                        if n < typed {
                            None
                        } else {
                            list.line_of(&format!("person_ids[{}]", n - typed))
                        }
                    }
                    _ => list.line_of(&e.field),
                };
                if let Some(line) = line {
                    report.push((line, e.message_vi.clone(), e.message_en.clone()));
                }
            }
            report.sort_by_key(|r| r.0);
            for e in &mut errors {
                if e.field.starts_with("person_ids[") && !report.is_empty() && file.is_none() {
                    e.field = "person_ids".into();
                }
            }
            list_page(&s, &page, f, errors, report).await
        }
        Err(e) => Err(page.fail(e)),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ShowQuery {
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    round: Option<i64>,
    within: Option<String>,
    /// What the last action did: a pool or sample code, or `n` samples.
    recorded: Option<String>,
    sampled: Option<usize>,
}

fn figure_link(c: &Campaign, round: i64, unit: &str, status: &str, n: i64, l: Lang) -> Markup {
    html! {
        a href={ "/campaigns/" (c.id) "/people?round=" (round) "&unit=" (unit) "&status=" (status) }
            data-figure=(status) { (num(l, n)) }
    }
}

fn progress_row(
    l: Lang,
    c: &Campaign,
    p: &CampaignProgress,
    u: &UnitProgress,
    drill: bool,
    total: bool,
) -> Markup {
    let pct = if u.targeted > 0 {
        u.sampled * 100 / u.targeted
    } else {
        0
    };
    html! {
        td data-label=(l.t("Đơn vị", "Unit")) {
            @if total { (l.t("Tổng cộng", "Total")) }
            @else if drill { a href={ "/campaigns/" (c.id) "?round=" (p.round_no) "&within=" (u.unit_code) } { (u.unit_name) } }
            @else { (u.unit_name) }
        }
        @for (status, n) in [("targeted", u.targeted), ("sampled", u.sampled), ("negative", u.negative),
            ("positive", u.positive), ("pending", u.pending), ("not_sampled", u.not_sampled)] {
            td.num data-label=(progress_label(l, status)) { (figure_link(c, p.round_no, &u.unit_code, status, n, l)) }
        }
        td data-label="%" { meter min="0" max="100" value=(pct) title={ (pct) "%" } { (pct) "%" } " " (pct) "%" }
    }
}

pub(super) async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let l = page.lang;
    let p = s
        .store
        .campaign_progress(
            &page.actor.scope,
            id,
            q.round,
            q.within.as_deref(),
            page.now_local(),
        )
        .await
        .map_err(|e| page.fail(e))?;
    let c = &p.campaign;
    let current = c.current_round().map(|r| r.round_no) == Some(p.round_no);
    let drill = c.unit_code.len() == 2 && p.within == c.unit_code;
    let notice = match (&q.recorded, q.sampled) {
        (Some(code), _) => Some((
            format!("Đã lưu mẫu {code}."),
            format!("Saved sample {code}."),
        )),
        (None, Some(n)) => Some((
            format!("Đã lưu {n} mẫu đơn."),
            format!("Saved {n} individual samples."),
        )),
        _ => None,
    };
    let content = html! {
        h1 { (c.name) }
        @if let Some((vi, en)) = &notice {
            p.notice role="status" { (l.t(vi, en))
                @if let Some(code) = &q.recorded { " " a href={ "/testing/labels/" (code) } { (l.t("In nhãn", "Print label")) } } }
        }
        p {
            (c.unit_name) " · " (target_label(l, &c.target)) " · "
            (l.t("gộp ", "pools of ")) (c.pool_size)
            @if let Some(d) = c.every_days { " · " (l.t("lặp lại mỗi ", "every ")) (d) (l.t(" ngày", " days")) }
            @if !c.teams.is_empty() { " · " (l.t("Tổ: ", "Teams: ")) (c.teams.join(", ")) }
        }
        @if c.rounds.len() > 1 {
            nav.rounds aria-label=(l.t("Các vòng", "Rounds")) {
                @for r in &c.rounds {
                    @if r.round_no == p.round_no { strong { (l.t("Vòng ", "Round ")) (r.round_no) } }
                    @else { a href={ "/campaigns/" (c.id) "?round=" (r.round_no) } { (l.t("Vòng ", "Round ")) (r.round_no) } }
                    " "
                }
            }
        }
        h2 #round {
            (l.t("Vòng ", "Round ")) (p.round_no) " · " (l.t("hạn ", "deadline ")) (show_deadline(&p.deadline))
            @if c.status != "open" { " · " (l.t("đã kết thúc", "closed")) }
        }
        @if p.overdue {
            p.alert role="alert" #overdue { (l.t("Đã quá hạn mà còn ", "Past the deadline with ")) strong { (num(l, p.total.not_sampled)) }
                (l.t(" người chưa lấy mẫu.", " people not yet sampled.")) }
        }
        @if p.within != c.unit_code {
            p { a href={ "/campaigns/" (c.id) "?round=" (p.round_no) } { "← " (c.unit_name) } }
        }
        div.table-wrap { table.responsive #progress {
            thead { tr {
                th { (l.t("Đơn vị", "Unit")) }
                @for st in phongdich_store::PROGRESS_STATUSES { th.num { (progress_label(l, st)) } }
                th { "%" }
            } }
            tbody { @for u in &p.units { tr { (progress_row(l, c, &p, u, drill, false)) } } }
            tfoot { tr.total { (progress_row(l, c, &p, &p.total, false, true)) } }
        } }
        @if current && c.status == "open" && page.can(Permission::CollectSamples) && p.total.not_sampled > 0 {
            p { a.button href={ "/campaigns/" (c.id) "/people?status=not_sampled&unit=" (p.within) } #sample-now {
                (l.t("Lấy mẫu người chưa lấy", "Sample the people not yet sampled")) } }
        }
        @if c.status == "open" && page.can(Permission::RunCampaigns) {
            div.actions {
                form method="post" action={ "/campaigns/" (c.id) "/rounds" } {
                    (page.csrf_field())
                    label for="next-starts-on" { (l.t("Ngày bắt đầu (để trống là hôm nay)", "First day (empty for today)")) }
                    " " input #next-starts-on name="starts_on" placeholder="dd/mm/yyyy" inputmode="numeric";
                    " " button type="submit" #next-round { (l.t("Bắt đầu vòng tiếp theo", "Start the next round")) }
                    @if let Some(on) = &c.next_round_on { " " span.muted { (l.t("Vòng sau đến hạn ", "Next round due ")) (show_date(on)) } }
                }
                form method="post" action={ "/campaigns/" (c.id) "/close" } data-confirm=(l.t("Kết thúc đợt xét nghiệm này? Không mở lại được.", "Close this testing campaign? It cannot be reopened.")) {
                    (page.csrf_field())
                    button.secondary type="submit" #close { (l.t("Kết thúc đợt", "Close the campaign")) }
                }
            }
        }
        p { a href="/campaigns" { (l.t("Tất cả các đợt", "All campaigns")) } }
    };
    Ok(layout(&page, &c.name, content))
}

#[derive(Deserialize, Default)]
pub(super) struct PeopleQuery {
    #[serde(default)]
    status: String,
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000, _>")]
    round: Option<i64>,
    #[serde(default)]
    unit: String,
    /// The page of the list (from 1).
    #[serde(default, deserialize_with = "crate::api::in_range::<1, 1000000, _>")]
    page: Option<i64>,
    /// An error of the sampling form, carried back.
    #[serde(default)]
    error: Option<String>,
}

pub(super) async fn people(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<PeopleQuery>,
) -> PageResult {
    let l = page.lang;
    let status = if q.status.is_empty() {
        "targeted"
    } else {
        q.status.as_str()
    };
    let today = page.now_local().date();
    let n = q.page.unwrap_or(1);
    let c = s
        .store
        .campaign(&page.actor.scope, id, today)
        .await
        .map_err(|e| page.fail(e))?;
    let round = q
        .round
        .or(c.current_round().map(|r| r.round_no))
        .unwrap_or(1);
    let list = s
        .store
        .campaign_people(
            &page.actor.scope,
            id,
            q.round,
            Some(&q.unit),
            status,
            Paging::page(n),
            today,
        )
        .await
        .map_err(|e| page.fail(e))?;
    let total = list.total;
    let paging = list.paging;
    let people = list.people;
    let page_href = |k: i64| {
        format!(
            "/campaigns/{}/people?status={}&round={}&unit={}&page={k}",
            c.id,
            encode(status),
            round,
            encode(&q.unit)
        )
    };
    let round = q
        .round
        .or(c.current_round().map(|r| r.round_no))
        .unwrap_or(1);
    let current = c.current_round().map(|r| r.round_no) == Some(round);
    let can_sample = current && c.status == "open" && page.can(Permission::CollectSamples);
    let waiting = |st: &str, sample: Option<&str>| {
        st == "not_sampled" || matches!(sample, Some("pool_positive" | "resample"))
    };
    let content = html! {
        h1 { (c.name) ": " (progress_label(l, status)) " (" span #people-total { (num(l, total)) } ")" }
        @if total > people.len() as i64 {
            p.muted #people-range { (num(l, paging.offset + 1)) "–" (num(l, paging.offset + people.len() as i64)) " " (l.t("trên", "of")) " " (num(l, total)) }
        }
        p { a href={ "/campaigns/" (c.id) "?round=" (round) } { "← " (l.t("Tiến độ vòng ", "Progress of round ")) (round) } }
        @if let Some(e) = &q.error {
            p.alert role="alert" { (e) }
        }
        form.stack method="post" action={ "/campaigns/" (c.id) "/sample" } {
            (page.csrf_field())
            input type="hidden" name="unit" value=(q.unit);
            div.table-wrap { table.responsive #campaign-people {
                thead { tr {
                    @if can_sample { th { input type="checkbox" #select-page hidden data-select-all="person_id" aria-label=(l.t("Chọn mọi người trên trang này", "Select everyone on this page")); } }
                    th { (l.t("Người", "Person")) } th { (l.t("Năm sinh", "Born")) } th { (l.t("Xã/phường", "Commune")) }
                    th { (l.t("Hộ", "Household")) } th { (l.t("Tình trạng", "Status")) } th { (l.t("Mẫu", "Sample")) }
                } }
                tbody { @for x in &people { tr {
                    @if can_sample { td { @if waiting(&x.status, x.sample_status.as_deref()) {
                        input type="checkbox" name="person_id" value=(x.person_id) aria-label=(x.full_name);
                    } } }
                    td data-label=(l.t("Người", "Person")) { a href={ "/persons/" (x.person_id) } title={ "#" (x.person_id) } { (x.full_name) } }
                    td data-label=(l.t("Năm sinh", "Born")) { (x.birth_year) }
                    td data-label=(l.t("Xã/phường", "Commune")) { (x.commune_name) }
                    td data-label=(l.t("Hộ", "Household")) { @if let Some(h) = x.household_id { (h) } }
                    td data-label=(l.t("Tình trạng", "Status")) {
                        @match x.sample_status.as_deref() {
                            Some(st) => { (super::testing::status_label(l, st)) }
                            None => { (progress_label(l, "not_sampled")) }
                        }
                    }
                    td.mono data-label=(l.t("Mẫu", "Sample")) {
                        @if let Some(code) = &x.sample_code { a href={ "/testing/labels/" (code) } { (code) } }
                        @if let Some(p) = &x.pool_code { " (" a href={ "/testing/labels/" (p) } { (p) } ")" }
                        @if let Some(d) = &x.collected_on { " " (show_date(d)) }
                    }
                } } }
            } }
            @if can_sample && people.iter().any(|x| waiting(&x.status, x.sample_status.as_deref())) {
                fieldset {
                    legend { (l.t("Lấy mẫu những người đã chọn, hôm nay", "Sample the people selected, today")) }
                    div.field {
                        label for="s-specimen" { (l.t("Bệnh phẩm", "Specimen")) }
                        select #s-specimen name="specimen" { @for sp in Specimen::ALL { option value=(sp.as_str()) { (super::testing::specimen_label(l, sp.as_str())) } } }
                    }
                    div.field { label for="s-lab" { (l.t("Phòng xét nghiệm", "Lab")) } input #s-lab name="lab"; }
                    div.field { label for="s-where" { (l.t("Nơi lấy mẫu", "Where")) } input #s-where name="collected_where"; }
                    div.field { label { input type="checkbox" name="household" value="1"; " " (l.t("Cùng một hộ (gộp đến 20)", "One household (pools up to 20)")) } }
                    button type="submit" name="mode" value="pool" #take-pool {
                        (l.t("Một mẫu gộp (tối đa ", "One pool (at most ")) (c.pool_size) ")" }
                    " "
                    button type="submit" name="mode" value="single" #take-single { (l.t("Mẫu đơn từng người", "An individual sample each")) }
                    @if status == "not_sampled" && total > 0 {
                        p {
                            button.secondary type="submit" name="mode" value="single_all" #take-all
                                data-confirm=(format!("{} {} {}", l.t("Lấy mẫu đơn hôm nay cho cả", "Take an individual sample today from all"), num(l, total), l.t("người chưa lấy mẫu của danh sách này (mọi trang)?", "people not yet sampled on this list (every page)?"))) {
                                (l.t("Mẫu đơn cho tất cả ", "An individual sample from all ")) (num(l, total)) (l.t(" người chưa lấy mẫu (mọi trang)", " not yet sampled (every page)"))
                            }
                        }
                    }
                }
            }
        }
        @if n > 1 || paging.has_more(total) {
            nav.pager {
                @if n > 1 { a rel="prev" href=(page_href(n - 1)) { (l.t("← Trang trước", "← Previous")) } " " }
                @if paging.has_more(total) { a rel="next" href=(page_href(n + 1)) { (l.t("Trang sau →", "Next →")) } }
            }
        }
    };
    Ok(layout(&page, &c.name, content))
}

/// Sample the people ticked on a list: one pool of the campaign's size, or
/// one individual sample each, all in one go.
pub(super) async fn sample(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    page.require(Permission::CollectSamples)?;
    let l = page.lang;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let ids: Vec<i64> = fields
        .iter()
        .filter(|(n, _)| n == "person_id")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let unit = get("unit");
    // Everyone not yet sampled on the list (every page), not only those ticked.
    let ids = if get("mode") == "single_all" {
        let today = page.now_local().date();
        let mut all = Vec::new();
        let mut paging = Paging::new(0, Paging::MAX_LIMIT);
        loop {
            let list = s
                .store
                .campaign_people(
                    &page.actor.scope,
                    id,
                    None,
                    Some(&unit),
                    "not_sampled",
                    paging,
                    today,
                )
                .await
                .map_err(|e| page.fail(e))?;
            all.extend(list.people.iter().map(|x| x.person_id));
            if !list.paging.has_more(list.total) {
                break;
            }
            paging = Paging::new(paging.offset + paging.limit, paging.limit);
        }
        all
    } else {
        ids
    };
    let back = |msg: &str| {
        Redirect::to(&format!(
            "/campaigns/{id}/people?status=not_sampled&unit={}&error={}",
            encode(&unit),
            encode(msg)
        ))
        .into_response()
    };
    if ids.is_empty() {
        return Ok(back(l.t("Chưa chọn ai.", "Nobody was selected.")));
    }
    let collected_on = page.now_local().date().to_string();
    let result = if matches!(get("mode").as_str(), "single" | "single_all") {
        let inputs: Vec<SampleInput> = ids
            .iter()
            .map(|person_id| SampleInput {
                person_id: *person_id,
                specimen: get("specimen"),
                collected_on: collected_on.clone(),
                collected_where: get("collected_where"),
                lab: get("lab"),
                campaign_id: Some(id),
            })
            .collect();
        s.store
            .record_samples(&page.actor, &inputs, page.now_local().date())
            .await
            .map(|v| format!("/campaigns/{id}?sampled={}", v.len()))
    } else {
        let input = PoolInput {
            person_ids: ids,
            household: !get("household").is_empty(),
            max_size: None,
            specimen: get("specimen"),
            collected_on,
            collected_where: get("collected_where"),
            lab: get("lab"),
            campaign_id: Some(id),
        };
        s.store
            .record_pool(&page.actor, &input, page.now_local().date())
            .await
            .map(|p| format!("/campaigns/{id}?recorded={}", p.code))
    };
    match result {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(StoreError::Invalid(i)) => {
            let msg =
                i.0.iter()
                    .map(|e| l.t(&e.message_vi, &e.message_en).to_owned())
                    .collect::<Vec<_>>()
                    .join(" ");
            Ok(back(&msg))
        }
        Err(e) => Err(page.fail(e)),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct NextRoundForm {
    #[serde(default)]
    starts_on: String,
}

pub(super) async fn next_round(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<NextRoundForm>,
) -> PageResult {
    match s
        .store
        .start_round(
            &page.actor,
            id,
            Some(f.starts_on.as_str()),
            page.now_local(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Err(e) => Err(page.fail(e)),
    }
}

pub(super) async fn close(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    match s
        .store
        .close_campaign(&page.actor, id, page.now_local().date())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Err(e) => Err(page.fail(e)),
    }
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/campaigns", super::upload(post(create)).get(index))
        .route("/campaigns/{id}", get(show))
        .route("/campaigns/{id}/people", get(people))
        .route("/campaigns/{id}/sample", post(sample))
        .route("/campaigns/{id}/rounds", post(next_round))
        .route("/campaigns/{id}/close", post(close))
}
