//! Health declarations on the pages. The person's own phone page, reached by
//! a personal link (`/k/<token>`) or a typed code (`/k`) without an account:
//! today's declaration during a quarantine, or vital signs for an F0 at home.
//! For staff: personal links on the person's page (made, printed with a QR
//! code, revoked), declarations entered for a person, and the day lists of
//! who missed the declaration and who declared symptoms.

use super::vitals::{VitalsForm, number, sign_label, vitals_fields};
use super::{Page, PageResult, bare, encode, field_error, layout, show_date, show_time};
use crate::AppState;
use crate::caller::{Auth, Lang};
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use maud::{Markup, html};
use phongdich_domain::declaration::{DeclarationInput, SYMPTOMS, symptom_label};
use phongdich_domain::{FieldError, Invalid, Permission};
use phongdich_store::{
    HealthDeclaration, HomeTreatment, LinkAccess, LinkFor, LinkOrder, LinkSubject, LinkTreatment,
    PersonalLink, QuarantineDay, QuarantineOrder, StoreError, show_code,
};
use serde::Deserialize;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// `HH:MM` of a stored time, in Vietnam's time.
fn clock(at: &str) -> String {
    show_time(at).get(..5).unwrap_or_default().to_owned()
}

/// A declaration form as sent: the symptoms are repeated checkboxes.
#[derive(Default)]
struct DeclarationForm {
    day: String,
    temperature: String,
    symptoms: Vec<String>,
    contact_with_f0: bool,
    note: String,
}

impl DeclarationForm {
    fn from_pairs(fields: &[(String, String)]) -> Self {
        let mut f = DeclarationForm::default();
        for (k, v) in fields {
            match k.as_str() {
                "day" => f.day = v.clone(),
                "temperature" => f.temperature = v.clone(),
                "symptoms" => f.symptoms.push(v.clone()),
                "contact_with_f0" => f.contact_with_f0 = v == "yes",
                "note" => f.note = v.clone(),
                _ => {}
            }
        }
        f
    }

    fn input(&self) -> Result<DeclarationInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let temperature = number("temperature", &self.temperature, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DeclarationInput {
            day: self.day.clone(),
            temperature,
            symptoms: self.symptoms.clone(),
            contact_with_f0: self.contact_with_f0,
            note: self.note.clone(),
        })
    }
}

/// The declaration's inputs, on the phone page and the person's page; error
/// fields are looked up as `prefix` + name, so that two forms on one page
/// keep their errors apart.
fn declaration_fields(l: Lang, errors: &[FieldError], f: &DeclarationForm, prefix: &str) -> Markup {
    let invalid = |name: &str| errors.iter().any(|e| e.field == format!("{prefix}{name}"));
    html! {
        div.field.invalid[invalid("temperature")] {
            label for={ (prefix) "temperature" } { (l.t("Nhiệt độ (°C), nếu đã đo", "Temperature (°C), if measured")) }
            input id={ (prefix) "temperature" } name="temperature" value=(f.temperature) inputmode="decimal"
                placeholder=(l.t("ví dụ 36,8", "e.g. 36.8")) aria-invalid=[invalid("temperature").then_some("true")];
            (field_error(l, errors, &format!("{prefix}temperature")))
        }
        fieldset.symptoms {
            legend { (l.t("Triệu chứng hôm nay (không có thì để trống)", "Symptoms today (leave empty if none)")) }
            @for (code, vi, en) in SYMPTOMS {
                label.check-big {
                    input type="checkbox" name="symptoms" value=(code) checked[f.symptoms.iter().any(|s| s == code)];
                    " " (l.t(vi, en))
                }
            }
            (field_error(l, errors, &format!("{prefix}symptoms")))
        }
        fieldset {
            legend { (l.t("Có tiếp xúc gần với F0 từ lần khai báo trước không?", "Close contact with an F0 since your last declaration?")) }
            label.check-big { input type="radio" name="contact_with_f0" value="no" checked[!f.contact_with_f0]; " " (l.t("Không", "No")) }
            label.check-big { input type="radio" name="contact_with_f0" value="yes" checked[f.contact_with_f0]; " " (l.t("Có", "Yes")) }
        }
        div.field.invalid[invalid("note")] {
            label for={ (prefix) "note" } { (l.t("Ghi chú (nếu có)", "Note (if any)")) }
            textarea id={ (prefix) "note" } name="note" rows="2" maxlength="500" { (f.note) }
            (field_error(l, errors, &format!("{prefix}note")))
        }
    }
}

fn symptom_words(l: Lang, d: &HealthDeclaration) -> String {
    let mut words: Vec<String> = d
        .symptoms
        .iter()
        .filter_map(|c| symptom_label(c).map(|(vi, en)| l.t(vi, en).to_owned()))
        .collect();
    if let Some(t) = d.temperature {
        words.insert(0, format!("{} °C", temperature(l, t)));
    }
    if d.contact_with_f0 {
        words.push(l.t("tiếp xúc F0", "contact with F0").to_owned());
    }
    words.join(", ")
}

/// 37.5 → `37,5` in Vietnamese, `37.5` in English.
fn temperature(l: Lang, t: f64) -> String {
    let s = format!("{t:.1}");
    match l {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

// ---------------------------------------------------------------------------
// The person's phone page: no account, the link or code is the credential.

pub(super) fn lang_of(auth: &Option<Extension<Auth>>) -> (Lang, String) {
    auth.as_ref()
        .map(|a| (a.lang, a.source.clone()))
        .unwrap_or_else(|| (Lang::Vi, "local".into()))
}

/// A page of its own: no staff navigation, the language switch, nothing to
/// cache or pass on (the address holds the credential).
pub(super) fn phone_frame(
    l: Lang,
    path: &str,
    title: &str,
    status: StatusCode,
    content: Markup,
) -> Response {
    let other = match l {
        Lang::Vi => ("en", "English"),
        Lang::En => ("vi", "Tiếng Việt"),
    };
    let body = html! {
        header.phone-top {
            span.brand { "phongdich" }
            a lang=(other.0) href={ "/lang?to=" (other.0) "&next=" (encode(path)) } { (other.1) }
        }
        main.phone #main { (content) }
    };
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        Html(bare(l, title, body).into_string()),
    )
        .into_response()
}

fn code_form(l: Lang, typed: &str, message: Option<(&str, &str)>, status: StatusCode) -> Response {
    let content = html! {
        h1 { (l.t("Khai báo y tế", "Health declaration")) }
        p { (l.t("Nhập mã cá nhân (8 ký tự) trên giấy trạm y tế đưa cho bạn.",
            "Type the personal code (8 characters) on the paper your health station gave you.")) }
        @if let Some((vi, en)) = message {
            p.alert role="alert" { (l.t(vi, en)) }
        }
        form.stack method="post" action="/k" {
            div.field {
                label for="f-code" { (l.t("Mã cá nhân", "Personal code")) }
                input #f-code.code name="code" value=(typed) autocomplete="off" autocapitalize="characters"
                    spellcheck="false" placeholder="ABCD-EFGH" required;
            }
            button.big type="submit" { (l.t("Mở", "Open")) }
        }
    };
    phone_frame(
        l,
        "/k",
        l.t("Khai báo y tế", "Health declaration"),
        status,
        content,
    )
}

/// `/k`: the form to type a code.
pub(super) async fn code_page(auth: Option<Extension<Auth>>) -> Response {
    let (l, _) = lang_of(&auth);
    code_form(l, "", None, StatusCode::OK)
}

#[derive(Deserialize, Default)]
pub(super) struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The address of the person's page opened by a typed code: the code itself
/// rides in a cookie ([`CODE_COOKIE`]), so that it never enters the address
/// bar, the browser's history or a server log. (No code or token is two
/// letters long.)
const TYPED: &str = "ma";
const CODE_COOKIE: &str = "pd_code";

/// The credential a `/k/<segment>` address stands for, and the address to
/// use for it: the token or code in it, or for `/k/ma` the typed code from
/// its cookie (none without the cookie).
fn credential_of(segment: String, headers: &HeaderMap) -> Option<(String, String)> {
    if segment == TYPED {
        let code = crate::caller::cookie(headers, CODE_COOKIE)?.to_owned();
        Some((code, format!("/k/{TYPED}")))
    } else {
        let path = format!("/k/{}", encode(&segment));
        Some((segment, path))
    }
}

/// A typed code: on to the person's page when it names a link (the code in
/// a cookie sent only to `/k`, only by this site, for 12 hours); wrong codes
/// count against the address (the store throttles them).
pub(super) async fn open_code(
    State(s): State<AppState>,
    auth: Option<Extension<Auth>>,
    Form(f): Form<CodeForm>,
) -> Response {
    let (l, source) = lang_of(&auth);
    let secure = auth.as_ref().is_some_and(|a| a.secure);
    let clean: String = f
        .code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    match s.store.open_link(&clean, &source, s.today()).await {
        Ok(_) => (
            [(
                header::SET_COOKIE,
                format!(
                    "{CODE_COOKIE}={clean}; Path=/k; HttpOnly; SameSite=Strict; Max-Age={}{}",
                    12 * 3600,
                    if secure { "; Secure" } else { "" }
                ),
            )],
            Redirect::to(&format!("/k/{TYPED}")),
        )
            .into_response(),
        Err(e) => refused(l, &f.code, e),
    }
}

/// An unknown link or code, or too many wrong codes: the code form again.
fn refused(l: Lang, typed: &str, e: StoreError) -> Response {
    match e {
        StoreError::NotFound { .. } => code_form(
            l,
            typed,
            Some((
                "Đường dẫn hoặc mã không đúng. Hãy kiểm tra lại, hoặc hỏi trạm y tế.",
                "The link or code is not right. Check it, or ask your health station.",
            )),
            StatusCode::NOT_FOUND,
        ),
        StoreError::Unauthorized {
            message_vi,
            message_en,
        } => code_form(
            l,
            "",
            Some((&message_vi, &message_en)),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        other => {
            tracing::error!(error = %other, "personal page");
            phone_frame(
                l,
                "/k",
                l.t("Lỗi", "Error"),
                StatusCode::INTERNAL_SERVER_ERROR,
                html! {
                    h1 { (l.t("Chưa gửi được", "Could not do that")) }
                    p.alert role="alert" { (l.t("Hệ thống đang gặp sự cố; hãy thử lại sau ít phút.",
                        "The system has a problem; try again in a few minutes.")) }
                },
            )
        }
    }
}

/// A link that no longer works: why, in plain words.
fn closed(l: Lang, path: &str, access: &LinkAccess) -> Response {
    let content = match access {
        LinkAccess::Revoked => html! {
            h1 { (l.t("Đường dẫn đã bị thu hồi", "This link was withdrawn")) }
            p.alert role="alert" { (l.t("Đường dẫn này không còn dùng được. Hãy dùng đường dẫn hoặc mã mới mà trạm y tế gửi cho bạn.",
                "This link no longer works. Use the new link or code your health station gave you.")) }
        },
        _ => {
            let ended = match access {
                LinkAccess::Expired { ended_on: Some(d) } => format!(" ({})", show_date(d)),
                _ => String::new(),
            };
            html! {
                h1 { (l.t("Đường dẫn đã hết hạn", "This link has expired")) }
                p.notice role="status" { (l.t("Thời gian cách ly hoặc điều trị tại nhà đã kết thúc", "The quarantine or home treatment has ended")) (ended)
                    (l.t(". Bạn không cần khai báo thêm.", ". No more declarations are needed.")) }
                p { (l.t("Nếu cần hỗ trợ, hãy liên hệ trạm y tế.", "For help, contact your health station.")) }
            }
        }
    };
    phone_frame(
        l,
        path,
        l.t("Khai báo y tế", "Health declaration"),
        StatusCode::GONE,
        content,
    )
}

#[derive(Deserialize, Default)]
pub(super) struct SentQuery {
    #[serde(default)]
    sent: Option<String>,
}

/// `/k/<token or code>` (or `/k/ma`, a typed code): the person's page.
pub(super) async fn phone_page(
    State(s): State<AppState>,
    auth: Option<Extension<Auth>>,
    Path(segment): Path<String>,
    Query(q): Query<SentQuery>,
    headers: HeaderMap,
) -> Response {
    let (l, source) = lang_of(&auth);
    let Some((credential, path)) = credential_of(segment, &headers) else {
        return Redirect::to("/k").into_response();
    };
    match s.store.open_link(&credential, &source, s.today()).await {
        Ok(LinkAccess::Open(subject)) => subject_page(
            (l, s.today()),
            &path,
            &subject,
            &[],
            Blank,
            q.sent.is_some(),
            StatusCode::OK,
        ),
        Ok(other) => closed(l, &path, &other),
        Err(e) => refused(l, "", e),
    }
}

/// What was typed, when a form comes back with errors.
enum Typed {
    Blank,
    Declaration(DeclarationForm),
    Vitals(VitalsForm),
}
use Typed::Blank;

fn subject_page(
    (l, today): (Lang, NaiveDate),
    path: &str,
    subject: &LinkSubject,
    errors: &[FieldError],
    typed: Typed,
    sent: bool,
    status: StatusCode,
) -> Response {
    let (title, body) = match (&subject.order, &subject.treatment) {
        (Some(o), _) => (
            l.t("Khai báo y tế hằng ngày", "Daily health declaration"),
            order_body((l, today), path, o, errors, typed),
        ),
        (None, Some(t)) => (
            l.t("Theo dõi sức khỏe tại nhà", "Health check at home"),
            treatment_body((l, today), path, subject, t, errors, typed),
        ),
        (None, None) => (l.t("Khai báo y tế", "Health declaration"), html! {}),
    };
    let content = html! {
        h1 { (title) }
        p.hello { (l.t("Chào ", "Hello ")) strong { (subject.given_name) } "!" }
        @if sent { p.notice role="status" { (l.t("Đã gửi. Cảm ơn bạn!", "Sent. Thank you!")) } }
        @if !errors.is_empty() {
            p.alert role="alert" { (l.t("Chưa gửi được: hãy sửa các mục được đánh dấu.", "Not sent: correct the marked items.")) }
            @for e in errors.iter().filter(|e| e.code == "conflict" || e.field == "day") { p.alert { (l.t(&e.message_vi, &e.message_en)) } }
        }
        (body)
        @if let Some(phone) = &subject.contact_phone {
            p.help { (l.t("Cần hỗ trợ? Gọi ", "Need help? Call ")) a.tel href={ "tel:" (phone) } { (phone) } }
        }
    };
    phone_frame(l, path, title, status, content)
}

fn order_body(
    (l, today): (Lang, NaiveDate),
    path: &str,
    o: &LinkOrder,
    errors: &[FieldError],
    typed: Typed,
) -> Markup {
    let (Some(start), Some(end)) = (date(&o.start_on), date(&o.planned_end)) else {
        return html! {};
    };
    let day = (today - start).num_days() + 1;
    let days = (end - start).num_days() + 1;
    let form = match typed {
        Typed::Declaration(f) => f,
        _ => DeclarationForm::default(),
    };
    html! {
        @if today < start {
            p.day-number { (l.t("Bắt đầu cách ly từ ngày ", "Your quarantine starts on ")) (show_date(&o.start_on)) "." }
        } @else if today > end || o.status != "active" {
            p.notice role="status" { (l.t("Thời gian cách ly đã kết thúc ngày ", "Your quarantine ended on ")) (show_date(&o.planned_end))
                (l.t(". Bạn không cần khai báo thêm.", ". No more declarations are needed.")) }
        } @else {
            p.day-number { (l.t("Ngày ", "Day ")) strong { (day) "/" (days) } (l.t(" cách ly", " of quarantine")) }
            @match &o.today {
                Some(d) => {
                    div.status.done #today-status {
                        p { strong { "✓ " (l.t("Đã khai báo hôm nay", "Declared today")) } " " (l.t("lúc ", "at ")) (clock(&d.declared_at)) }
                        @if d.flagged {
                            p { (l.t("Bạn khai báo có sốt hoặc triệu chứng: nhân viên y tế sẽ liên hệ để lấy mẫu xét nghiệm. Hãy ở trong phòng và đeo khẩu trang.",
                                "You declared a fever or symptoms: health staff will contact you to take a sample. Stay in your room and wear a mask.")) }
                        }
                        p.muted { (l.t("Gửi lại nếu cần sửa: lần gửi mới thay cho lần trước.", "Send again to correct it: the new one replaces the earlier one.")) }
                    }
                }
                None => {
                    div.status.todo #today-status { p { strong { (l.t("Chưa khai báo hôm nay", "Not declared yet today")) } } }
                }
            }
            form.stack.phone-form method="post" action={ (path) "/declaration" } {
                (declaration_fields(l, errors, &form, ""))
                button.big type="submit" { (l.t("Gửi khai báo", "Send declaration")) }
            }
        }
    }
}

fn treatment_body(
    (l, today): (Lang, NaiveDate),
    path: &str,
    subject: &LinkSubject,
    t: &LinkTreatment,
    errors: &[FieldError],
    typed: Typed,
) -> Markup {
    let day = date(&t.enrolled_on).map(|d| (today - d).num_days() + 1);
    let form = match typed {
        Typed::Vitals(f) => f,
        _ => VitalsForm::default(),
    };
    let latest_alert = t.latest.as_ref().filter(|v| {
        v.alert_id.is_some()
            && chrono::DateTime::parse_from_rfc3339(&v.at)
                .is_ok_and(|at| at.with_timezone(&phongdich_store::vietnam()).date_naive() == today)
    });
    let phone = subject.contact_phone.as_deref();
    html! {
        @if let Some(v) = latest_alert {
            div.alert.calm #alerted role="alert" {
                p { strong { (l.t("Hãy bình tĩnh.", "Stay calm.")) } }
                p { (l.t("Chỉ số lúc ", "Your reading at ")) (clock(&v.at))
                    (l.t(" có dấu hiệu cần nhân viên y tế kiểm tra: ", " shows signs a health worker should check: "))
                    (v.signs.iter().map(|c| sign_label(l, c)).collect::<Vec<_>>().join(", ")) "." }
                p { strong { (l.t("Tổ chăm sóc sức khỏe đã được báo và sẽ liên hệ với bạn ngay.",
                    "Your care team has been alerted and will contact you shortly.")) } }
                p { (l.t("Trong lúc chờ: ngồi hoặc nằm nghỉ, giữ điện thoại bên cạnh.",
                    "While you wait: sit or lie down and rest, and keep your phone with you.")) }
                p { (l.t("Nếu khó thở tăng, đau ngực hoặc lơ mơ: gọi ngay ", "If breathing gets harder, or you have chest pain or feel confused, call "))
                    @if let Some(p) = phone { a.tel href={ "tel:" (p) } { (p) } (l.t(" hoặc ", " or ")) }
                    a.tel href="tel:115" { "115" } "." }
            }
        }
        @if t.status != "active" {
            p.notice role="status" { (l.t("Đợt điều trị tại nhà đã kết thúc. Bạn không cần ghi chỉ số nữa.",
                "Your home treatment has ended. No more readings are needed.")) }
        } @else {
            @if let Some(n) = day { p.day-number { (l.t("Ngày thứ ", "Day ")) strong { (n) } (l.t(" điều trị tại nhà", " of treatment at home")) } }
            div.status.todo[t.readings_today < 2].done[t.readings_today >= 2] #today-status {
                p { strong { (l.t("Hôm nay đã ghi ", "Today: ")) (t.readings_today) "/2" (l.t(" lần", " readings")) } }
                p.muted { (l.t("Ghi chỉ số 2 lần mỗi ngày, sáng và chiều.", "Record your readings twice a day, morning and afternoon.")) }
            }
            form.stack.phone-form method="post" action={ (path) "/vitals" } {
                p.muted { (l.t("Đo SpO2 khi đã ngồi nghỉ; nếu thấp, đo lại sau 30–60 giây. Để trống mục không đo được.",
                    "Measure SpO2 after sitting at rest; if it is low, measure again after 30–60 seconds. Leave empty what you cannot measure.")) }
                (vitals_fields(l, errors, &form))
                button.big type="submit" { (l.t("Gửi chỉ số", "Send readings")) }
            }
        }
    }
}

/// The person sends today's declaration.
pub(super) async fn phone_declare(
    State(s): State<AppState>,
    auth: Option<Extension<Auth>>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (l, source) = lang_of(&auth);
    let Some((credential, path)) = credential_of(segment, &headers) else {
        return Redirect::to("/k").into_response();
    };
    let f = DeclarationForm::from_pairs(&fields);
    let result = match f.input() {
        Ok(input) => s
            .store
            .declare_by_link(&credential, &source, &input, s.today())
            .await
            .map(|_| ()),
        Err(errors) => Err(Invalid(errors).into()),
    };
    after_phone_send(
        &s,
        l,
        &source,
        (&credential, &path),
        result,
        Typed::Declaration(f),
    )
    .await
}

/// The F0 at home sends their readings: warning signs raise an alert as when
/// staff enter them.
pub(super) async fn phone_vitals(
    State(s): State<AppState>,
    auth: Option<Extension<Auth>>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    Form(f): Form<VitalsForm>,
) -> Response {
    let (l, source) = lang_of(&auth);
    let Some((credential, path)) = credential_of(segment, &headers) else {
        return Redirect::to("/k").into_response();
    };
    let result = match f.vitals() {
        Ok(v) => s
            .store
            .record_vitals_by_link(&credential, &source, &v, s.today())
            .await
            .map(|_| ()),
        Err(errors) => Err(Invalid(errors).into()),
    };
    after_phone_send(
        &s,
        l,
        &source,
        (&credential, &path),
        result,
        Typed::Vitals(f),
    )
    .await
}

/// Back to the page after a send: the notice on success, the form with its
/// errors otherwise, or why the link no longer works.
async fn after_phone_send(
    s: &AppState,
    l: Lang,
    source: &str,
    (credential, path): (&str, &str),
    result: Result<(), StoreError>,
    typed: Typed,
) -> Response {
    let errors = match result {
        Ok(()) => return Redirect::to(&format!("{path}?sent=1")).into_response(),
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict { .. })) => {
            match super::refusal_fields(e, "declaration") {
                Ok(errors) => errors,
                Err(e) => return refused(l, "", e),
            }
        }
        // The link stopped working between the page and the send: say why.
        Err(StoreError::Unauthorized { .. }) => Vec::new(),
        Err(e) => return refused(l, "", e),
    };
    match s.store.open_link(credential, source, s.today()).await {
        Ok(LinkAccess::Open(subject)) => subject_page(
            (l, s.today()),
            path,
            &subject,
            &errors,
            typed,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Ok(other) => closed(l, path, &other),
        Err(e) => refused(l, "", e),
    }
}

// ---------------------------------------------------------------------------
// Staff: links and declarations on the person's page, the day lists.

fn recorder(l: Lang, by: &str) -> String {
    if by.starts_with("link:") {
        l.t("người dân (đường dẫn)", "the person (link)").to_owned()
    } else {
        by.to_owned()
    }
}

/// The personal-link part of an order's or treatment's block: the link in
/// use (revocable) and the button to make one.
fn links_part(page: &Page, links: &[&PersonalLink], action: &str, can: bool) -> Markup {
    let l = page.lang;
    let current = links.iter().find(|k| k.status == "active");
    html! {
        div.links {
            @if let Some(k) = current {
                p.link-status {
                    (l.t("Đường dẫn cá nhân đang dùng: tạo lúc ", "Personal link in use: made at ")) (show_time(&k.created_at))
                    (l.t(" bởi ", " by ")) (k.created_by)
                    @if let Some(u) = &k.valid_until { (l.t(", dùng được đến hết ngày ", ", works until the end of ")) (show_date(u)) }
                    "."
                }
                @if can {
                    form.inline method="post" action={ "/links/" (k.id) "/revoke" } data-confirm=(l.t("Thu hồi đường dẫn này? Người dân sẽ không mở được nữa.", "Revoke this link? The person will no longer be able to open it.")) {
                        (page.csrf_field())
                        button.secondary type="submit" { (l.t("Thu hồi đường dẫn", "Revoke the link")) }
                    }
                }
            }
            @if can {
                form.inline.make-link method="post" action=(action) {
                    (page.csrf_field())
                    label for={ "phone-" (action) } { (l.t("Số điện thoại của tổ (hiện cho người dân)", "The team's phone (shown to the person)")) }
                    input id={ "phone-" (action) } name="contact_phone" inputmode="tel" size="14";
                    button type="submit" {
                        @if current.is_some() { (l.t("Tạo đường dẫn mới (thu hồi đường dẫn cũ)", "Create a new link (revokes the old one)")) }
                        @else { (l.t("Tạo đường dẫn cá nhân", "Create personal link")) }
                    }
                }
            }
        }
    }
}

/// Declarations and the personal link of a person's active order, for the
/// quarantine section of their page.
pub(super) async fn order_part(
    s: &AppState,
    page: &Page,
    o: &QuarantineOrder,
    errors: &[FieldError],
) -> Markup {
    let l = page.lang;
    let declarations = s
        .store
        .declarations_of(&page.actor.scope, o.id)
        .await
        .unwrap_or_default();
    let links = s
        .store
        .links_of(&page.actor.scope, o.person_id, page.today())
        .await
        .unwrap_or_default();
    let mine: Vec<&PersonalLink> = links.iter().filter(|k| k.order_id == Some(o.id)).collect();
    let can = page.can(Permission::Quarantine);
    let mut mine_errors: Vec<FieldError> = errors
        .iter()
        .filter(|e| e.field.starts_with("decl_"))
        .cloned()
        .collect();
    mine_errors.extend(errors.iter().filter(|e| e.field == "link").cloned());
    html! {
        div #declarations {
            h3 { (l.t("Khai báo y tế hằng ngày", "Daily health declarations")) }
            @for e in mine_errors.iter().filter(|e| e.field == "link" || e.field == "decl_day" || e.field == "decl_declaration") {
                p.alert role="alert" { (l.t(&e.message_vi, &e.message_en)) }
            }
            @if declarations.is_empty() {
                p.muted { (l.t("Chưa có khai báo.", "No declarations yet.")) }
            } @else {
                div.table-wrap { table.responsive #declaration-list {
                    thead { tr {
                        th { (l.t("Ngày", "Day")) } th { (l.t("Nhiệt độ, triệu chứng", "Temperature, symptoms")) } th { (l.t("Người ghi", "Recorded by")) }
                    } }
                    tbody { @for d in declarations.iter().take(14) { tr.warning[d.flagged] {
                        td data-label=(l.t("Ngày", "Day")) { (show_date(&d.day)) }
                        td data-label=(l.t("Nhiệt độ, triệu chứng", "Temperature, symptoms")) {
                            @let words = symptom_words(l, d);
                            (if words.is_empty() { "—".to_owned() } else { words })
                            @if let Some(n) = &d.note { " — " (n) }
                        }
                        td data-label=(l.t("Người ghi", "Recorded by")) { (recorder(l, &d.recorded_by)) " · " (clock(&d.declared_at)) }
                    } } }
                } }
            }
            @if can && o.status == "active" {
                details open[mine_errors.iter().any(|e| e.field.starts_with("decl_"))] {
                    summary { (l.t("Nhập khai báo thay người dân", "Enter a declaration for the person")) }
                    form.stack method="post" action={ "/quarantine/orders/" (o.id) "/declarations" } {
                        (page.csrf_field())
                        div.field {
                            label for="decl_day" { (l.t("Ngày", "Day")) }
                            input #decl_day name="day" value=(page.today().format("%d/%m/%Y")) size="10";
                        }
                        (declaration_fields(l, &mine_errors, &DeclarationForm::default(), "decl_"))
                        button type="submit" { (l.t("Lưu khai báo", "Save the declaration")) }
                    }
                }
            }
            @if o.status == "active" {
                (links_part(page, &mine, &format!("/quarantine/orders/{}/link", o.id), can))
            }
        }
    }
}

/// The personal link of an active home treatment, for its section.
pub(super) async fn treatment_part(s: &AppState, page: &Page, t: &HomeTreatment) -> Markup {
    let links = s
        .store
        .links_of(&page.actor.scope, t.person_id, page.today())
        .await
        .unwrap_or_default();
    let mine: Vec<&PersonalLink> = links
        .iter()
        .filter(|k| k.treatment_id == Some(t.id))
        .collect();
    links_part(
        page,
        &mine,
        &format!("/home-treatments/{}/link", t.id),
        page.can(Permission::Treat),
    )
}

/// A staff declaration, from the person's page.
pub(super) async fn declare(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    page.require(Permission::Quarantine)?;
    let order = s
        .store
        .quarantine_order(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    let result = match DeclarationForm::from_pairs(&fields).input() {
        Ok(input) => s
            .store
            .declare(&page.actor, id, &input, page.today())
            .await
            .map(|_| ()),
        Err(errors) => Err(Invalid(errors).into()),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/persons/{}#declarations", order.person_id)).into_response())
        }
        Err(e) => {
            let mut errors = super::refusal_fields(e, "declaration").map_err(|e| page.fail(e))?;
            for e in &mut errors {
                e.field = format!("decl_{}", e.field);
            }
            super::persons::person_page(&s, &page, order.person_id, &errors).await
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct LinkForm {
    #[serde(default)]
    contact_phone: String,
}

pub(super) async fn order_link(
    State(s): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<LinkForm>,
) -> PageResult {
    let person_id = s
        .store
        .quarantine_order(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?
        .person_id;
    make_link(&s, &page, &headers, person_id, LinkFor::Order(id), &f).await
}

pub(super) async fn treatment_link(
    State(s): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<LinkForm>,
) -> PageResult {
    let person_id = s
        .store
        .treatment_person(&page.actor.scope, id)
        .await
        .map_err(|e| page.fail(e))?;
    make_link(&s, &page, &headers, person_id, LinkFor::Treatment(id), &f).await
}

/// Make the link and show it, printable: the address, its QR code and the
/// short code (shown this once: only their hashes are kept).
async fn make_link(
    s: &AppState,
    page: &Page,
    headers: &HeaderMap,
    person_id: i64,
    target: LinkFor,
    f: &LinkForm,
) -> PageResult {
    let made = s
        .store
        .create_link(&page.actor, target, &f.contact_phone, page.today())
        .await;
    let l = page.lang;
    let new = match made {
        Ok(new) => new,
        Err(e) => {
            let mut errors = super::refusal_fields(e, "link").map_err(|e| page.fail(e))?;
            for e in &mut errors {
                e.field = "link".into();
            }
            return super::persons::person_page(s, page, person_id, &errors).await;
        }
    };
    let person = s
        .store
        .person(&page.actor.scope, person_id)
        .await
        .map_err(|e| page.fail(e))?;
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    let url = format!("{scheme}://{host}/k/{}", new.token);
    let for_order = new.link.order_id.is_some();
    // The order's last day: the link works until the day after it.
    let ended = new
        .link
        .valid_until
        .as_deref()
        .and_then(date)
        .and_then(|u| u.pred_opt())
        .map(|d| d.to_string())
        .unwrap_or_default();
    let content = html! {
        h1 { (l.t("Đường dẫn cá nhân", "Personal link")) }
        div.link-card #link-card {
            p { strong { (person.full_name) } }
            p { @if for_order { (l.t("Khai báo y tế hằng ngày khi cách ly", "Daily health declaration during quarantine")) }
                @else { (l.t("Ghi chỉ số sức khỏe khi điều trị tại nhà", "Vital signs during home treatment")) } }
            (super::testing::qr_svg(&url, 220))
            p.link-url.mono #link-url { (url) }
            p { (l.t("Hoặc vào ", "Or open ")) strong.mono { (scheme) "://" (host) "/k" } (l.t(" và nhập mã:", " and type the code:")) }
            p.link-code #link-code { (show_code(&new.code)) }
            @if new.link.status == "expired" {
                // Born expired: the order's last day is past, and declarations
                // are taken only for its days, so a later expiry would promise
                // what the link cannot do. Say so; extend the order first.
                p.error #link-expired role="alert" { (l.t("Đường dẫn này đã hết hạn: ngày cuối của quyết định, ", "This link has already expired: the order's last day, "))
                    (show_date(&ended)) (l.t(", đã qua. Hãy gia hạn quyết định (hoặc kết thúc cách ly) trước khi tạo đường dẫn.",
                        ", is past. Extend the order (or release it) before making a link.")) }
            } @else {
                p { @match &new.link.valid_until {
                    Some(u) => { (l.t("Dùng được đến hết ngày ", "Works until the end of ")) (show_date(u)) "." }
                    None => { (l.t("Dùng được đến khi kết thúc điều trị tại nhà.", "Works until the home treatment ends.")) }
                } }
            }
            @if let Some(phone) = &new.link.contact_phone {
                p { (l.t("Cần hỗ trợ, gọi: ", "For help, call: ")) strong { (phone) } }
            }
            p.muted { (l.t("Giữ bí mật: ai có đường dẫn hoặc mã này đều khai báo được thay bạn.",
                "Keep it private: anyone with this link or code can declare for you.")) }
        }
        p.no-print.muted { (l.t("Đường dẫn và mã chỉ hiện một lần này; nếu mất, hãy tạo đường dẫn mới.",
            "The link and code are shown this once only; if lost, create a new link.")) }
        p.no-print {
            (super::print_button(l.t("In", "Print"))) " "
            a href={ "/persons/" (person_id) } { (l.t("Về hồ sơ", "Back to the record")) }
        }
    };
    let mut r = layout(page, l.t("Đường dẫn cá nhân", "Personal link"), content);
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

pub(super) async fn revoke(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    let link = s
        .store
        .revoke_link(&page.actor, id, page.today())
        .await
        .map_err(|e| page.fail(e))?;
    let anchor = if link.order_id.is_some() {
        "declarations"
    } else {
        "home-treatment"
    };
    Ok(Redirect::to(&format!("/persons/{}#{anchor}", link.person_id)).into_response())
}

/// The declaration lists of the quarantine day page.
pub(super) fn day_lists(l: Lang, d: &QuarantineDay, is_today: bool) -> Markup {
    let missed_title = if is_today {
        l.t("Chưa khai báo hôm nay", "Missed today's declaration")
    } else {
        l.t("Chưa khai báo trong ngày", "Missed that day's declaration")
    };
    let day = date(&d.day);
    html! {
        h2 { (missed_title) " (" span #missed-total { (d.missed_declaration.total) } ")" }
        @if !d.missed_declaration.entries.is_empty() {
            ul #missed-declaration { @for o in &d.missed_declaration.entries {
                li { a href={ "/persons/" (o.person_id) "#declarations" } { (o.full_name) }
                    @if let (Some(day), Some(start), Some(end)) = (day, date(&o.start_on), date(&o.planned_end)) {
                        " — " (l.t("ngày ", "day ")) ((day - start).num_days() + 1) "/" ((end - start).num_days() + 1)
                    }
                }
            } }
        }
        h2 { (l.t("Khai báo có triệu chứng — cần lấy mẫu", "Declared symptoms — sample them")) " (" (d.declared_symptoms.len()) ")" }
        @if !d.declared_symptoms.is_empty() {
            ul #declared-symptoms { @for x in &d.declared_symptoms {
                li { a href={ "/persons/" (x.person_id) "#declarations" } { (x.full_name) } " — " (symptom_words(l, x)) }
            } }
        }
    }
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/k", get(code_page).post(open_code))
        .route("/k/{credential}", get(phone_page))
        .route("/k/{credential}/declaration", post(phone_declare))
        .route("/k/{credential}/vitals", post(phone_vitals))
        .route("/quarantine/orders/{id}/declarations", post(declare))
        .route("/quarantine/orders/{id}/link", post(order_link))
        .route("/home-treatments/{id}/link", post(treatment_link))
        .route("/links/{id}/revoke", post(revoke))
}
