//! Quarantine rules on the pages: the rules a province applies (the
//! Ministry's and its own, with their documents), and for the province's
//! administrator a form to add a rule or a new version of one, with the
//! history of versions (the audit log has who changed what).

use super::{Page, PageResult, field_error, layout, show_date, show_time};
use crate::AppState;
use crate::caller::Lang;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::quarantine::{Protection, QuarantineKind, QuarantineRule, Situation};
use phongdich_domain::{FieldError, Invalid, Permission, UnitLevel};
use serde::Deserialize;

fn who_label(l: Lang, who: &Option<Protection>) -> String {
    match who {
        None => l.t("Mọi người", "Everyone").to_owned(),
        Some(p) => {
            let mut parts = Vec::new();
            if p.min_doses > 0 {
                parts.push(match p.dose_before_days {
                    Some(max) => format!(
                        "≥ {} {} ({}–{} {})",
                        p.min_doses,
                        l.t("mũi", "doses"),
                        p.dose_after_days,
                        max,
                        l.t("ngày", "days")
                    ),
                    None => format!(
                        "≥ {} {} (≥ {} {})",
                        p.min_doses,
                        l.t("mũi", "doses"),
                        p.dose_after_days,
                        l.t("ngày", "days")
                    ),
                });
            }
            if let Some(r) = p.recovered_within_days {
                parts.push(format!(
                    "{} ≤ {r} {}",
                    l.t("khỏi bệnh", "recovered"),
                    l.t("ngày", "days")
                ));
            }
            let group = parts.join(l.t(" hoặc ", " or "));
            if p.protected {
                group
            } else {
                format!("{} {group}", l.t("Không:", "Not:"))
            }
        }
    }
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct RuleForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    situation: String,
    #[serde(default)]
    from: String,
    /// `everyone`, `protected` or `unprotected`.
    #[serde(default)]
    who: String,
    #[serde(default)]
    min_doses: String,
    #[serde(default)]
    dose_after_days: String,
    #[serde(default)]
    dose_before_days: String,
    #[serde(default)]
    recovered_within_days: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    monitoring_days: String,
    #[serde(default)]
    test_days: String,
    #[serde(default)]
    release_needs_negative_tests: Option<String>,
    #[serde(default)]
    source: String,
    /// Only for the page: the rule to start a new version from.
    #[serde(default)]
    edit: String,
}

impl RuleForm {
    fn from_rule(r: &QuarantineRule) -> RuleForm {
        let p = r.who.as_ref();
        let opt = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
        RuleForm {
            code: r.code.clone(),
            situation: r.situation.as_str().into(),
            from: r.from.format("%d/%m/%Y").to_string(),
            who: match p {
                None => "everyone",
                Some(p) if p.protected => "protected",
                Some(_) => "unprotected",
            }
            .into(),
            min_doses: p.map(|p| p.min_doses.to_string()).unwrap_or_default(),
            dose_after_days: p.map(|p| p.dose_after_days.to_string()).unwrap_or_default(),
            dose_before_days: opt(p.and_then(|p| p.dose_before_days)),
            recovered_within_days: opt(p.and_then(|p| p.recovered_within_days)),
            kind: r.kind.as_str().into(),
            days: r.days.to_string(),
            monitoring_days: r.monitoring_days.to_string(),
            test_days: r
                .test_days
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            release_needs_negative_tests: r.release_needs_negative_tests.then(|| "1".into()),
            source: r.source.clone(),
            edit: String::new(),
        }
    }

    /// The rule typed, or every field at fault.
    fn parse(&self, province: &str) -> Result<QuarantineRule, Vec<FieldError>> {
        let mut errors = Vec::new();
        let number = |field: &str, s: &str, required: bool, errors: &mut Vec<FieldError>| {
            let s = s.trim();
            if s.is_empty() && !required {
                return None;
            }
            match s.parse::<u32>() {
                Ok(n) if n <= 3650 => Some(n),
                _ => {
                    errors.push(FieldError::new(
                        field,
                        "invalid",
                        "Nhập một số nguyên không âm.",
                        "Give a whole number, 0 or more.",
                    ));
                    None
                }
            }
        };
        let situation = Situation::parse(&self.situation);
        if situation.is_none() {
            errors.push(FieldError::new(
                "situation",
                "invalid",
                "Chọn đối tượng.",
                "Choose who it is for.",
            ));
        }
        let kind = QuarantineKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "invalid",
                "Chọn hình thức.",
                "Choose the kind.",
            ));
        }
        let from = phongdich_domain::contact::parse_date("from", &self.from)
            .map_err(|e| errors.push(e))
            .ok();
        let days = number("days", &self.days, true, &mut errors);
        let monitoring = number("monitoring_days", &self.monitoring_days, true, &mut errors);
        let mut test_days = Vec::new();
        for part in self
            .test_days
            .split([',', ';', ' '])
            .filter(|p| !p.trim().is_empty())
        {
            match part.trim().parse::<u32>() {
                Ok(d) => test_days.push(d),
                Err(_) => {
                    errors.push(FieldError::new(
                        "test_days",
                        "invalid",
                        "Ngày xét nghiệm là các số, cách nhau bởi dấu phẩy (vd. 1, 7, 14).",
                        "Test days are numbers separated by commas (e.g. 1, 7, 14).",
                    ));
                    break;
                }
            }
        }
        let who = match self.who.trim() {
            "" | "everyone" => None,
            w => {
                let min_doses =
                    number("min_doses", &self.min_doses, false, &mut errors).unwrap_or(0);
                let recovered = number(
                    "recovered_within_days",
                    &self.recovered_within_days,
                    false,
                    &mut errors,
                );
                if min_doses == 0 && recovered.is_none() {
                    errors.push(FieldError::new(
                        "min_doses",
                        "required",
                        "Nêu số mũi vắc xin hoặc thời gian khỏi bệnh.",
                        "Give the vaccine doses or the time since recovery.",
                    ));
                }
                Some(Protection {
                    protected: w == "protected",
                    min_doses: u8::try_from(min_doses).unwrap_or(u8::MAX),
                    dose_after_days: number(
                        "dose_after_days",
                        &self.dose_after_days,
                        false,
                        &mut errors,
                    )
                    .unwrap_or(0),
                    dose_before_days: number(
                        "dose_before_days",
                        &self.dose_before_days,
                        false,
                        &mut errors,
                    ),
                    recovered_within_days: recovered,
                })
            }
        };
        match (situation, kind, from, days, monitoring, errors.is_empty()) {
            (Some(situation), Some(kind), Some(from), Some(days), Some(monitoring_days), true) => {
                Ok(QuarantineRule {
                    code: self.code.trim().to_owned(),
                    situation,
                    from,
                    who,
                    kind,
                    days,
                    monitoring_days,
                    test_days,
                    release_needs_negative_tests: self.release_needs_negative_tests.is_some(),
                    source: self.source.clone(),
                    province_code: Some(province.to_owned()),
                })
            }
            _ => Err(errors),
        }
    }
}

pub(super) async fn rules_page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<RuleForm>,
) -> PageResult {
    render(&s, &page, &[], None, &q.edit).await
}

async fn render(
    s: &AppState,
    page: &Page,
    errors: &[FieldError],
    typed: Option<&RuleForm>,
    edit: &str,
) -> PageResult {
    let l = page.lang;
    let province = match page.actor.scope.root() {
        Some(root) => Some(
            s.store
                .unit(root.as_str())
                .await
                .map_err(|e| page.fail(e))?
                .province_code,
        ),
        None => None,
    };
    let rules = match &province {
        Some(p) => s
            .store
            .quarantine_rules(p)
            .await
            .map_err(|e| page.fail(e))?,
        None => phongdich_domain::quarantine::national_rules(),
    };
    let versions = match &province {
        Some(p) => s
            .store
            .province_rule_versions(p)
            .await
            .map_err(|e| page.fail(e))?,
        None => Vec::new(),
    };
    // Only the province's own administrator edits its rules.
    let editor = page
        .actor
        .scope
        .root()
        .filter(|r| r.level() == UnitLevel::Province && page.can(Permission::Configure))
        .map(|r| r.as_str().to_owned());
    let form = match (
        typed,
        rules
            .iter()
            .find(|r| r.code == edit && r.province_code.is_some()),
    ) {
        (Some(t), _) => t.clone(),
        (None, Some(r)) => RuleForm::from_rule(r),
        (None, None) => RuleForm {
            situation: "f1".into(),
            who: "everyone".into(),
            kind: "centralised".into(),
            release_needs_negative_tests: Some("1".into()),
            ..Default::default()
        },
    };
    let mut sorted: Vec<&QuarantineRule> = rules.iter().collect();
    sorted.sort_by(|a, b| (a.situation.as_str(), a.from).cmp(&(b.situation.as_str(), b.from)));
    let field = |name: &str, label: (&str, &str), value: &str| {
        html! {
            div.field { label for={ "r-" (name) } { (l.t(label.0, label.1)) }
                input id={ "r-" (name) } name=(name) value=(value); (field_error(l, errors, name)) }
        }
    };
    let content = html! {
        h1 { (l.t("Quy định cách ly", "Quarantine rules")) }
        p { (l.t("Lệnh cách ly theo quy định có hiệu lực vào ngày bắt đầu; quy định của tỉnh được ưu tiên từ ngày hiệu lực của nó.",
                 "An order follows the rule in force on its first day; a province's own rule takes precedence from its date.")) }
        div.table-wrap { table.responsive #rules {
            thead { tr {
                th { (l.t("Đối tượng", "Who")) } th { (l.t("Từ ngày", "From")) } th { (l.t("Điều kiện", "Condition")) }
                th { (l.t("Hình thức", "Kind")) } th.num { (l.t("Ngày", "Days")) } th.num { (l.t("Theo dõi", "Monitoring")) }
                th { (l.t("Xét nghiệm ngày", "Test days")) } th { (l.t("Văn bản", "Source")) } th {}
            } }
            tbody { @for r in &sorted { tr.own[r.province_code.is_some()] data-code=(r.code) {
                td data-label=(l.t("Đối tượng", "Who")) { (l.t(r.situation.label().0, r.situation.label().1)) }
                td data-label=(l.t("Từ ngày", "From")) { (show_date(&r.from.to_string())) }
                td data-label=(l.t("Điều kiện", "Condition")) { (who_label(l, &r.who)) }
                td data-label=(l.t("Hình thức", "Kind")) { (l.t(r.kind.label().0, r.kind.label().1)) }
                td.num data-label=(l.t("Ngày", "Days")) { (r.days) }
                td.num data-label=(l.t("Theo dõi", "Monitoring")) { (r.monitoring_days) }
                td data-label=(l.t("Xét nghiệm ngày", "Test days")) { (r.test_days.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")) }
                td data-label=(l.t("Văn bản", "Source")) { (r.source) @if r.province_code.is_some() { " " strong { (l.t("(của tỉnh)", "(province)")) } } }
                td { @if editor.is_some() && r.province_code.is_some() {
                    a href={ "/quarantine/rules?edit=" (super::encode(&r.code)) "#rule-form" } { (l.t("Sửa", "Edit")) }
                } }
            } } }
        } }
        @if !versions.is_empty() {
            h2 { (l.t("Các phiên bản quy định của tỉnh", "Versions of the province's rules")) }
            ul #rule-versions { @for v in &versions {
                li { code { (v.code) } " v" (v.version) " · " (v.saved_by) " · " (show_time(&v.saved_at))
                    @if v.current { " · " strong { (l.t("đang áp dụng", "current")) } } }
            } }
        }
        @if let Some(p) = &editor {
            h2 #rule-form { (if edit.is_empty() && typed.is_none() { l.t("Thêm quy định của tỉnh", "Add a province rule") } else { l.t("Quy định của tỉnh (phiên bản mới)", "Province rule (new version)") }) }
            form.stack #add-rule method="post" action="/quarantine/rules" {
                (page.csrf_field())
                input type="hidden" name="province" value=(p);
                (field("code", ("Mã quy định (không đổi giữa các phiên bản)", "Code (kept across versions)"), &form.code))
                div.field { label for="r-situation" { (l.t("Đối tượng", "Who")) }
                    select #r-situation name="situation" { @for x in Situation::ALL { option value=(x.as_str()) selected[x.as_str() == form.situation] { (l.t(x.label().0, x.label().1)) } } }
                    (field_error(l, errors, "situation")) }
                (field("from", ("Có hiệu lực từ (dd/mm/yyyy)", "In force from (dd/mm/yyyy)"), &form.from))
                div.field { label for="r-who" { (l.t("Áp dụng cho", "Applies to")) }
                    select #r-who name="who" {
                        option value="everyone" selected[form.who == "everyone"] { (l.t("Mọi người", "Everyone")) }
                        option value="protected" selected[form.who == "protected"] { (l.t("Người đã tiêm đủ hoặc đã khỏi bệnh", "People vaccinated or recovered")) }
                        option value="unprotected" selected[form.who == "unprotected"] { (l.t("Người chưa tiêm đủ và chưa mắc", "Others")) }
                    } }
                (field("min_doses", ("Số mũi tối thiểu", "Minimum doses"), &form.min_doses))
                (field("dose_after_days", ("Mũi cuối cách ít nhất (ngày)", "Last dose at least (days) before"), &form.dose_after_days))
                (field("dose_before_days", ("… và nhiều nhất (ngày)", "… and at most (days)"), &form.dose_before_days))
                (field("recovered_within_days", ("Hoặc khỏi bệnh trong (ngày)", "Or recovered within (days)"), &form.recovered_within_days))
                div.field { label for="r-kind" { (l.t("Hình thức", "Kind")) }
                    select #r-kind name="kind" { @for k in [QuarantineKind::Centralised, QuarantineKind::Home, QuarantineKind::SelfMonitoring] {
                        option value=(k.as_str()) selected[k.as_str() == form.kind] { (l.t(k.label().0, k.label().1)) } } }
                    (field_error(l, errors, "kind")) }
                (field("days", ("Số ngày cách ly", "Days of quarantine"), &form.days))
                (field("monitoring_days", ("Số ngày tự theo dõi sau đó", "Days of self-monitoring after"), &form.monitoring_days))
                (field("test_days", ("Xét nghiệm vào ngày (vd. 1, 7, 14)", "Test on days (e.g. 1, 7, 14)"), &form.test_days))
                div.field { label { input type="checkbox" name="release_needs_negative_tests" value="1" checked[form.release_needs_negative_tests.is_some()];
                    " " (l.t("Chỉ kết thúc khi các xét nghiệm âm tính", "Release only with negative tests")) } }
                (field("source", ("Văn bản (số, ngày, cơ quan ban hành)", "Source document"), &form.source))
                button type="submit" { (l.t("Lưu quy định", "Save the rule")) }
            }
        }
    };
    Ok(layout(
        page,
        l.t("Quy định cách ly", "Quarantine rules"),
        content,
    ))
}

#[derive(Deserialize, Default)]
pub(super) struct SaveForm {
    #[serde(default)]
    province: String,
    #[serde(flatten)]
    rule: RuleForm,
}

pub(super) async fn save(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<SaveForm>,
) -> PageResult {
    page.require(Permission::Configure)?;
    let result = match f.rule.parse(&f.province) {
        Ok(rule) => s
            .store
            .save_province_rule(&page.actor, &rule)
            .await
            .map(|_| ()),
        Err(errors) => Err(Invalid(errors).into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/quarantine/rules").into_response()),
        Err(e) => {
            let errors = super::refusal_fields(e, "code").map_err(|e| page.fail(e))?;
            render(&s, &page, &errors, Some(&f.rule), "").await
        }
    }
}

/// The rules link for the quarantine page.
pub(super) fn link(l: Lang) -> Markup {
    html! { a href="/quarantine/rules" { (l.t("Quy định cách ly →", "Quarantine rules →")) } }
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/quarantine/rules", get(rules_page).post(save))
}
