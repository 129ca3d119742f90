//! The public page where people register their own return to a province
//! (`/ve/<province>`), on a phone, without an account — the province
//! publishes the link. The registration is the officer's (checked the same
//! way, refused the same way), except that the person is matched by CCCD
//! only, a phone number is required, and each address may register a
//! limited number of times an hour.

use super::declarations::{lang_of, phone_frame};
use super::returnees::RegistrationForm;
use super::{field_error, text_field};
use crate::AppState;
use crate::caller::{Auth, Lang};
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use phongdich_domain::returnees::Means;
use phongdich_domain::{FieldError, Role, UnitCode, UnitLevel};
use phongdich_store::{Actor, Scope, StoreError, Unit};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/ve/{province}", get(form_page).post(register))
}

/// Registrations one address may save in an hour (a household, a few
/// families on one phone); forms it may post in an hour, refused ones
/// included (someone correcting a typo posts again; a script is stopped);
/// and the addresses remembered at most.
const PER_HOUR: usize = 12;
const POSTS_PER_HOUR: usize = 60;
const ADDRESSES: usize = 100_000;

/// What each address posted and saved in the last hour.
#[derive(Default)]
struct Sent(HashMap<String, (Vec<Instant>, Vec<Instant>)>);

impl Sent {
    /// Whether `source` may post once more at `now`: the post is counted
    /// and a registration's place taken at once, given back by
    /// [`Sent::release`] when nothing is saved — forms posted at the same
    /// moment cannot together save more than the hour allows.
    fn post(&mut self, source: &str, now: Instant) -> bool {
        let hour = Duration::from_secs(3600);
        let recent = |t: &Instant| now.duration_since(*t) < hour;
        if self.0.len() >= ADDRESSES {
            self.0.retain(|_, (posts, _)| posts.iter().any(recent));
            if self.0.len() >= ADDRESSES {
                return false;
            }
        }
        let (posts, saved) = self.0.entry(source.to_owned()).or_default();
        posts.retain(recent);
        saved.retain(recent);
        if posts.len() >= POSTS_PER_HOUR || saved.len() >= PER_HOUR {
            return false;
        }
        posts.push(now);
        saved.push(now);
        true
    }

    /// The post of `source` at `at` saved nothing: its place is given back.
    fn release(&mut self, source: &str, at: Instant) {
        if let Some((_, saved)) = self.0.get_mut(source)
            && let Some(i) = saved.iter().position(|t| *t == at)
        {
            saved.swap_remove(i);
        }
    }
}

/// A registration's place taken by a post: given back when dropped unless
/// the registration was saved ([`Slot::keep`]).
struct Slot {
    source: String,
    at: Instant,
    kept: bool,
}

impl Slot {
    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.kept {
            sent().release(&self.source, self.at);
        }
    }
}

fn sent() -> std::sync::MutexGuard<'static, Sent> {
    static SENT: OnceLock<Mutex<Sent>> = OnceLock::new();
    SENT.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// The province of the address, and its communes grouped by district.
async fn province_and_communes(
    s: &AppState,
    code: &str,
) -> Result<Option<(Unit, Vec<(String, Vec<Unit>)>)>, StoreError> {
    let Ok(parsed) = UnitCode::parse(code) else {
        return Ok(None);
    };
    if parsed.level() != UnitLevel::Province {
        return Ok(None);
    }
    let province = match s.store.unit(parsed.as_str()).await {
        Ok(u) => u,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut groups: Vec<(String, Vec<Unit>)> = Vec::new();
    for d in s.store.children(&province.code).await? {
        let communes = s.store.children(&d.code).await?;
        groups.push((d.name, communes));
    }
    Ok(Some((province, groups)))
}

fn not_found(l: Lang, path: &str) -> Response {
    phone_frame(
        l,
        path,
        l.t("Không có trang này", "No such page"),
        StatusCode::NOT_FOUND,
        html! {
            h1 { (l.t("Không có trang này", "No such page")) }
            p { (l.t("Hãy kiểm tra đường dẫn tỉnh đã công bố.", "Check the link the province published.")) }
        },
    )
}

async fn form_page(
    State(s): State<AppState>,
    auth: Option<Extension<Auth>>,
    Path(province): Path<String>,
) -> Response {
    let (l, _) = lang_of(&auth);
    let path = format!("/ve/{province}");
    match province_and_communes(&s, &province).await {
        Ok(Some((p, communes))) => {
            let today = s.today().format("%d/%m/%Y").to_string();
            let f = RegistrationForm {
                departure_on: today.clone(),
                arrival_on: today,
                doses: "0".into(),
                ..Default::default()
            };
            let provinces = s
                .store
                .root_units(&Scope::national())
                .await
                .unwrap_or_default();
            render(l, &path, &p, &communes, &provinces, &f, &[], StatusCode::OK)
        }
        Ok(None) => not_found(l, &path),
        Err(e) => {
            tracing::error!(error = %e, "public returnee page");
            not_found(l, &path)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    l: Lang,
    path: &str,
    province: &Unit,
    communes: &[(String, Vec<Unit>)],
    provinces: &[Unit],
    f: &RegistrationForm,
    errors: &[FieldError],
    status: StatusCode,
) -> Response {
    let commune_invalid = errors.iter().any(|e| e.field == "commune_code");
    let mut origins: Vec<(&str, &str)> = vec![("", l.t("— Chọn tỉnh —", "— Choose a province —"))];
    origins.extend(
        provinces
            .iter()
            .filter(|p| p.code != province.code)
            .map(|p| (p.code.as_str(), p.name.as_str())),
    );
    let means: Vec<(&str, &str)> = Means::ALL
        .iter()
        .map(|m| {
            let (vi, en) = m.label();
            (m.as_str(), l.t(vi, en))
        })
        .collect();
    let title = format!(
        "{} {}",
        l.t("Đăng ký về", "Registering to return to"),
        province.name
    );
    let content = html! {
        h1 { (title) }
        p { (l.t(
            "Khai trước khi về để được đón và hướng dẫn. Sau khi gửi, bạn nhận một mã: đưa mã này tại chốt kiểm soát.",
            "Register before you travel to be received and told what to do. You get a code: show it at the checkpoint."
        )) }
        (super::form_errors(l, errors, &["full_name", "birth", "sex", "national_id", "phone", "commune_code", "street_address", "origin_code", "origin_address", "departure_on", "arrival_on", "means", "travels_with", "doses", "last_dose_on", "vaccine"]))
        form.stack #public-registration method="post" action=(path) novalidate {
            (text_field(l, "full_name", ("Họ và tên", "Full name"), &f.full_name, errors, "required autocomplete=\"name\""))
            (text_field(l, "birth", ("Ngày sinh hoặc năm sinh", "Birth date or year"), &f.birth, errors, "required inputmode=\"numeric\""))
            (super::returnees::select(l, "sex", ("Giới tính", "Sex"), &f.sex, &[("", "—"), ("male", l.t("Nam", "Male")), ("female", l.t("Nữ", "Female"))], errors))
            (text_field(l, "national_id", ("Số CCCD/CMND", "National ID (CCCD/CMND)"), &f.national_id, errors, "inputmode=\"numeric\""))
            (text_field(l, "phone", ("Số điện thoại", "Phone"), &f.phone, errors, "required inputmode=\"tel\" autocomplete=\"tel\""))
            div.field.invalid[commune_invalid] {
                label for="f-commune_code" { (l.t("Về xã/phường", "Going to (commune)")) }
                select #f-commune_code name="commune_code" aria-invalid=[commune_invalid.then_some("true")] {
                    option value="" { (l.t("— Chọn —", "— Choose —")) }
                    @for (district, units) in communes {
                        optgroup label=(district) {
                            @for u in units { option value=(u.code) selected[u.code == f.commune_code] { (u.name) } }
                        }
                    }
                }
                (field_error(l, errors, "commune_code"))
            }
            (text_field(l, "street_address", ("Thôn/tổ, số nhà, đường", "Hamlet, house, street"), &f.street_address, errors, ""))
            (super::returnees::select(l, "origin_code", ("Đi từ tỉnh/thành phố", "Coming from (province)"), &f.origin_code, &origins, errors))
            (text_field(l, "origin_address", ("Địa chỉ nơi đi", "Address there"), &f.origin_address, errors, ""))
            (text_field(l, "departure_on", ("Ngày đi (dd/mm/yyyy)", "Leaving on (dd/mm/yyyy)"), &f.departure_on, errors, "required inputmode=\"numeric\""))
            (text_field(l, "arrival_on", ("Ngày đến (dd/mm/yyyy)", "Arriving on (dd/mm/yyyy)"), &f.arrival_on, errors, "required inputmode=\"numeric\""))
            (super::returnees::select(l, "means", ("Phương tiện", "Travelling by"), &f.means, &means, errors))
            (text_field(l, "travels_with", ("Đi cùng người đã đăng ký (mã của họ)", "With someone registered (their code)"), &f.travels_with, errors, "autocomplete=\"off\""))
            (super::returnees::select(l, "doses", ("Số mũi vắc-xin đã tiêm", "Vaccine doses"), &f.doses, &[("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")], errors))
            (text_field(l, "last_dose_on", ("Ngày tiêm mũi cuối", "Last dose on"), &f.last_dose_on, errors, "inputmode=\"numeric\""))
            (text_field(l, "vaccine", ("Loại vắc-xin", "Vaccine"), &f.vaccine, errors, ""))
            button.big type="submit" { (l.t("Gửi đăng ký", "Register")) }
        }
    };
    phone_frame(l, path, &title, status, content)
}

async fn register(
    State(s): State<AppState>,
    auth: Option<Extension<Auth>>,
    Path(province): Path<String>,
    Form(f): Form<RegistrationForm>,
) -> Response {
    let (l, source) = lang_of(&auth);
    let path = format!("/ve/{province}");
    let (p, communes) = match province_and_communes(&s, &province).await {
        Ok(Some(x)) => x,
        Ok(None) => return not_found(l, &path),
        Err(e) => {
            tracing::error!(error = %e, "public returnee page");
            return not_found(l, &path);
        }
    };
    let provinces = s
        .store
        .root_units(&Scope::national())
        .await
        .unwrap_or_default();
    let again = |errors: Vec<FieldError>, status| {
        render(l, &path, &p, &communes, &provinces, &f, &errors, status)
    };
    let at = Instant::now();
    if !sent().post(&source, at) {
        return again(
            vec![FieldError::new(
                "full_name",
                "too_many",
                "Đã gửi quá nhiều đăng ký từ máy này trong một giờ; hãy thử lại sau hoặc gọi trạm y tế.",
                "Too many registrations from this device in an hour; try later or call the health station.",
            )],
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let place = Slot {
        source: source.clone(),
        at,
        kept: false,
    };
    let input = match f.input() {
        Ok(i) => i,
        Err(e) => return again(vec![e], StatusCode::UNPROCESSABLE_ENTITY),
    };
    // The public acts within the province only: a commune elsewhere is not found.
    let Ok(code) = UnitCode::parse(&p.code) else {
        return not_found(l, &path);
    };
    let actor = Actor {
        name: format!("public@{source}"),
        source: source.clone(),
        scope: Scope::unit(code),
        role: Role::HealthStaff,
    };
    match s.store.register_returnee(&actor, &input, "public").await {
        Ok(r) => {
            place.keep();
            let reg = &r.registration;
            let (must_vi, must_en) = r.obligation.describe();
            let code = &reg.code;
            let spaced = format!("{}-{}-{}", &code[..1], &code[1..5], &code[5..]);
            phone_frame(
                l,
                &path,
                l.t("Đã đăng ký", "Registered"),
                StatusCode::CREATED,
                html! {
                    h1 { (l.t("Đã đăng ký", "Registered")) }
                    p.notice role="status" { (reg.full_name) " — " (l.t("về ", "to ")) (reg.commune_name) " " (reg.arrival_on.format("%d/%m/%Y")) }
                    div.card #returnee-card {
                        p { (l.t("Mã của bạn: chụp lại màn hình này, đưa tại chốt kiểm soát.", "Your code: take a screenshot, show it at the checkpoint.")) }
                        (super::testing::qr_svg(code, 180))
                        p.code-big { strong { (spaced) } }
                    }
                    h2 { (l.t("Khi về cần", "When you arrive")) }
                    p #obligation { (l.t(&must_vi, &must_en)) }
                    p.muted { (l.t("Trạm y tế xã/phường sẽ liên hệ qua số điện thoại bạn đã khai.", "The commune health station will call the phone number you gave.")) }
                },
            )
        }
        Err(StoreError::Invalid(i)) => again(i.0, StatusCode::UNPROCESSABLE_ENTITY),
        Err(StoreError::Conflict {
            message_vi,
            message_en,
        }) => again(
            vec![FieldError::new(
                "full_name",
                "conflict",
                message_vi,
                message_en,
            )],
            StatusCode::CONFLICT,
        ),
        Err(StoreError::LikelyDuplicates { .. } | StoreError::DuplicateNationalId { .. }) => again(
            vec![FieldError::new(
                "national_id",
                "conflict",
                "Chưa đăng ký trực tuyến được: hãy gọi trạm y tế xã/phường nơi về để đăng ký.",
                "This cannot be registered online: call the health station of the commune you are going to.",
            )],
            StatusCode::CONFLICT,
        ),
        Err(e) => {
            tracing::error!(error = %e, "public returnee registration");
            again(
                vec![FieldError::new(
                    "full_name",
                    "unavailable",
                    "Hệ thống đang gặp sự cố; hãy thử lại sau ít phút.",
                    "The system has a problem; try again in a few minutes.",
                )],
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_forms_do_not_use_up_the_registrations_of_an_hour() {
        let mut sent = Sent::default();
        let t0 = Instant::now();
        // Twenty refused forms (typos corrected), then twelve saved.
        for _ in 0..20 {
            assert!(sent.post("10.0.0.1", t0));
            sent.release("10.0.0.1", t0);
        }
        for _ in 0..PER_HOUR {
            assert!(sent.post("10.0.0.1", t0));
        }
        assert!(!sent.post("10.0.0.1", t0), "the thirteenth registration");
        assert!(sent.post("10.0.0.2", t0), "another address is not held");
        let later = t0 + Duration::from_secs(3601);
        assert!(sent.post("10.0.0.1", later), "an hour on");
    }

    /// Forms posted at the same moment, none saved yet: each takes a place,
    /// so no more than the hour's registrations can be saved together.
    #[test]
    fn forms_posted_at_once_cannot_save_more_than_the_hour_allows() {
        let mut sent = Sent::default();
        let t0 = Instant::now();
        let taken = (0..30).filter(|_| sent.post("10.0.0.5", t0)).count();
        assert_eq!(taken, PER_HOUR);
        // One of them refused: its place is free again.
        sent.release("10.0.0.5", t0);
        assert!(sent.post("10.0.0.5", t0));
        assert!(!sent.post("10.0.0.5", t0));
    }

    #[test]
    fn a_script_posting_bad_forms_is_stopped_after_sixty_an_hour() {
        let mut sent = Sent::default();
        let t0 = Instant::now();
        for _ in 0..POSTS_PER_HOUR {
            assert!(sent.post("10.0.0.9", t0));
            sent.release("10.0.0.9", t0);
        }
        assert!(!sent.post("10.0.0.9", t0 + Duration::from_secs(10)));
    }
}
