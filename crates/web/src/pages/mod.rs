//! Server-rendered HTML pages, Vietnamese by default and English by a switch
//! remembered in a cookie. Every page works without JavaScript; forms post
//! back to the same address, keep what was typed and show each error beside
//! its field.
//!
//! Language: Vietnamese by default, the `pd_lang` cookie set by `/lang?to=en`;
//! every string is written as a `(vi, en)` pair at its place of use
//! (`Lang::t`). List pages (`/tracing`, `/quarantine`, `/alerts`, `/places`,
//! `/oxygen`, `/testing`) take `?unit=` (`Within`): the store narrows the
//! reader's scope to that unit (`scope_within`), the page reads with the
//! narrower scope, says which unit it shows and links to the whole
//! jurisdiction; a unit outside is the not-found page. Modules register here:
//! one `.merge(<module>::routes())` each, the navigation list in `layout`, and
//! `RECORD_SECTIONS` for the sections of a person's record page.

mod account;
mod admin;
mod campaigns;
mod chain;
mod dashboard;
mod declarations;
mod directives;
mod figures;
mod green_zones;
mod import;
mod levels;
mod live;
mod map;
mod persons;
mod picker;
mod quarantine;
mod reports;
mod response;
mod returnee_batches;
mod returnees;
mod returnees_public;
mod rules;
mod testing;
mod tracing;
mod treatment;
mod units;
mod vitals;
mod zones;

use crate::AppState;
use crate::caller::{Auth, LANG_COOKIE, Lang};
use crate::problem::Problem;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use maud::{DOCTYPE, Markup, html};
use phongdich_domain::{FieldError, Permission, Role};
use phongdich_store::{Actor, Scope, StoreError, User};

/// Every page: the frame's own routes, then each module's (`<module>::routes`),
/// one line a module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/static/print.js", get(print_script))
        .route("/static/confirm.js", get(confirm_script))
        .route("/lang", get(switch_lang))
        .merge(account::routes())
        .merge(dashboard::routes())
        .merge(persons::routes())
        .merge(picker::routes())
        .merge(live::routes())
        .merge(import::routes())
        .merge(tracing::routes())
        .merge(chain::routes())
        .merge(campaigns::routes())
        .merge(quarantine::routes())
        .merge(rules::routes())
        .merge(treatment::routes())
        .merge(response::routes())
        .merge(declarations::routes())
        .merge(returnees::routes())
        .merge(returnee_batches::routes())
        .merge(returnees_public::routes())
        .merge(testing::routes())
        .merge(reports::routes())
        .merge(figures::routes())
        .merge(units::routes())
        .merge(admin::routes())
        .merge(zones::routes())
        .merge(green_zones::routes())
        .merge(directives::routes())
        .merge(levels::routes())
        .merge(map::routes())
}

/// A section of the person's record page, drawn with the errors of a form of
/// its own that came back.
pub(super) type RecordSection =
    for<'a> fn(
        &'a AppState,
        &'a Page,
        &'a phongdich_store::Person,
        &'a [FieldError],
    ) -> std::pin::Pin<Box<dyn Future<Output = Markup> + Send + 'a>>;

/// The sections of the person's record page ([`persons::person_page`]), in
/// order: one line a module. A module that draws a section registers it here,
/// so the record page depends on none of them and they may redraw it.
pub(super) const RECORD_SECTIONS: [RecordSection; 4] = [
    |s, page, p, errors| Box::pin(zones::section(s, page, p, errors)),
    |s, page, p, errors| Box::pin(tracing::section(s, page, p, errors)),
    |s, page, p, errors| Box::pin(treatment::section(s, page, p, errors)),
    |s, page, p, errors| Box::pin(quarantine::section(s, page, p, errors)),
];

/// A route taking a spreadsheet: the upload body limit and the bound on
/// imports running at once ([`crate::upload`]). The `Content-Length` check
/// runs first, so the limit layer is the inner one.
pub(super) fn upload(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::upload::IMPORT_BODY_LIMIT,
        ))
        .layer(axum::middleware::from_fn(crate::upload::import_gate))
}

/// A logged-in page request: without a session, the login page.
#[derive(Clone)]
pub(crate) struct Page {
    pub lang: Lang,
    pub user: User,
    pub actor: Actor,
    pub csrf: String,
    pub path: String,
    /// The store's clock (the one clock), for "today" on the page.
    pub clock: phongdich_domain::Clock,
    /// What the user typed in a form that was refused, for the page drawn
    /// again to keep it ([`Page::typed`]); empty otherwise.
    pub typed: Vec<(String, String)>,
}

impl Page {
    /// The page again with what was typed in the refused form.
    pub(crate) fn with_typed(&self, typed: Vec<(String, String)>) -> Page {
        Page {
            typed,
            ..self.clone()
        }
    }

    /// The value typed in field `name` of a refused form ("" if none).
    pub(crate) fn typed(&self, name: &str) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Today in Vietnam.
    pub(crate) fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Now on Vietnam's wall clock.
    pub(crate) fn now_local(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    /// Now, as an instant.
    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now_utc()
    }

    pub(crate) fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.t(vi, en)
    }

    pub(crate) fn can(&self, p: Permission) -> bool {
        self.actor.role.can(p)
    }

    /// A hidden field carrying the anti-forgery token.
    pub(crate) fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="_csrf" value=(self.csrf); }
    }

    /// Refuse with a page when the role lacks a permission.
    pub(crate) fn require(&self, p: Permission) -> Result<(), PageError> {
        if self.can(p) {
            Ok(())
        } else {
            Err(PageError {
                page: Some(Box::new(self.clone())),
                lang: self.lang,
                problem: Box::new(Problem::from(StoreError::Forbidden { permission: p })),
            })
        }
    }

    pub(crate) fn fail(&self, e: impl Into<Problem>) -> PageError {
        PageError {
            page: Some(Box::new(self.clone())),
            lang: self.lang,
            problem: Box::new(e.into()),
        }
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let auth = parts.extensions.get::<Auth>().cloned().unwrap_or_default();
        // The address of this page, for links back to it (language switch,
        // login) and the audit log: without an anti-forgery token a form sent
        // in the query, which must not travel on into links, history or logs.
        let query: Vec<&str> = parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty() && p.split('=').next() != Some("_csrf"))
            .collect();
        let path = if query.is_empty() {
            parts.uri.path().to_owned()
        } else {
            format!("{}?{}", parts.uri.path(), query.join("&"))
        };
        match (auth.user, auth.actor, auth.csrf) {
            (Some(user), Some(actor), Some(csrf)) => Ok(Page {
                lang: auth.lang,
                user,
                actor,
                csrf,
                path,
                clock: state.store.clock().clone(),
                typed: Vec::new(),
            }),
            _ => Err(Redirect::to(&format!("/login?next={}", encode(&path))).into_response()),
        }
    }
}

/// An error shown as a page, with the problem's message in the user's language.
pub(crate) struct PageError {
    pub lang: Lang,
    pub problem: Box<Problem>,
    /// The page frame (navigation, user) when the user is logged in.
    pub page: Option<Box<Page>>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let l = self.lang;
        let content = html! {
            h1 { (status.as_u16()) " — " (l.t("Không thực hiện được", "Could not do that")) }
            p.error role="alert" { (l.t(&self.problem.message_vi, &self.problem.message_en)) }
            @if !self.problem.errors.is_empty() {
                ul.errors { @for e in &self.problem.errors { li { (l.t(&e.message_vi, &e.message_en)) } } }
            }
            p { a href="/persons" { (l.t("Về danh sách người dân", "Back to the people list")) } }
        };
        let mut r = match &self.page {
            Some(page) => layout(page, l.t("Lỗi", "Error"), content),
            None => axum::response::Html(
                bare(l, l.t("Lỗi", "Error"), html! { main.narrow { (content) } }).into_string(),
            )
            .into_response(),
        };
        *r.status_mut() = status;
        r
    }
}

pub(crate) type PageResult = Result<Response, PageError>;

/// The app's own page for an address with no route: in the frame, with the
/// menu, for a signed-in reader; a bare page otherwise.
pub(crate) async fn not_found_page(
    s: &AppState,
    req: axum::extract::Request,
    problem: Problem,
) -> Response {
    let (mut parts, _) = req.into_parts();
    let lang = parts
        .extensions
        .get::<Auth>()
        .map(|a| a.lang)
        .unwrap_or_default();
    match Page::from_request_parts(&mut parts, s).await {
        Ok(page) => page.fail(problem).into_response(),
        Err(_) => PageError {
            page: None,
            lang,
            problem: Box::new(problem),
        }
        .into_response(),
    }
}

/// Whether a redirect target stays on this site. Browsers read a backslash as
/// `/` and drop tabs and newlines, so `/` + `\evil.example` or `/` + TAB +
/// `/evil.example` would leave it just like `//evil.example`.
pub(crate) fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
}

/// A user's unit as pages name it: its name, else (the national level) "Toàn quốc".
pub(crate) fn unit_label(l: Lang, user: &User) -> String {
    if user.unit_name.is_empty() {
        l.t("Toàn quốc", "Nationwide").to_owned()
    } else {
        user.unit_name.clone()
    }
}

/// Percent-encode a value for a URL query.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A link of the navigation, shown to those with its permission.
struct NavLink {
    href: &'static str,
    vi: &'static str,
    en: &'static str,
    perm: Option<Permission>,
}

/// A group of the navigation: what people do, with the pages for it.
struct NavGroup {
    vi: &'static str,
    en: &'static str,
    links: &'static [NavLink],
}

const fn link(href: &'static str, vi: &'static str, en: &'static str) -> NavLink {
    NavLink {
        href,
        vi,
        en,
        perm: None,
    }
}

const fn link_for(
    href: &'static str,
    vi: &'static str,
    en: &'static str,
    perm: Permission,
) -> NavLink {
    NavLink {
        href,
        vi,
        en,
        perm: Some(perm),
    }
}

/// The navigation: one row of groups on a desktop (the current group's pages
/// in a second row), one menu behind a button on a phone.
const NAV: &[NavGroup] = &[
    NavGroup {
        vi: "Người dân",
        en: "People",
        links: &[
            link("/persons", "Người dân", "People"),
            link_for(
                "/duplicates",
                "Nghi trùng",
                "Duplicates",
                Permission::MergePersons,
            ),
        ],
    },
    NavGroup {
        vi: "Dịch tễ",
        en: "Epidemiology",
        links: &[
            link("/tracing", "Truy vết", "Tracing"),
            link("/clusters", "Ổ dịch", "Clusters"),
            link("/lockdowns", "Phong tỏa", "Lockdowns"),
            link("/green-zones", "Vùng xanh", "Green zones"),
            link("/directives", "Chỉ thị", "Directives"),
            link("/levels", "Cấp độ dịch", "Epidemic levels"),
            link("/map", "Bản đồ", "Map"),
        ],
    },
    NavGroup {
        vi: "Xét nghiệm",
        en: "Testing",
        links: &[
            link("/testing", "Xét nghiệm", "Testing"),
            link("/testing/awaiting", "Chờ kết quả", "Awaiting results"),
            link("/campaigns", "Đợt xét nghiệm", "Campaigns"),
        ],
    },
    NavGroup {
        vi: "Cách ly & điều trị",
        en: "Quarantine & care",
        links: &[
            link("/quarantine", "Cách ly", "Quarantine"),
            link("/places", "Nơi cách ly, điều trị", "Places"),
            link("/alerts", "Cảnh báo", "Alerts"),
            link("/duty", "Trực", "Duty"),
            link("/oxygen", "Thiết bị oxy", "Oxygen"),
        ],
    },
    NavGroup {
        vi: "Người về",
        en: "Returnees",
        links: &[
            link_for(
                "/returnees",
                "Người về địa phương",
                "Returnees",
                Permission::Returnees,
            ),
            link_for(
                "/checkpoint",
                "Chốt kiểm soát",
                "Checkpoint",
                Permission::CheckArrivals,
            ),
            link_for(
                "/epidemic-areas",
                "Vùng dịch",
                "Epidemic areas",
                Permission::Returnees,
            ),
        ],
    },
    NavGroup {
        vi: "Báo cáo",
        en: "Reports",
        links: &[
            link("/dashboard", "Bảng điều hành", "Dashboard"),
            link("/reports", "Báo cáo nhanh", "Rapid reports"),
        ],
    },
    NavGroup {
        vi: "Quản trị",
        en: "Administration",
        links: &[
            link("/units", "Đơn vị hành chính", "Units"),
            link_for("/import", "Nhập tệp", "Import", Permission::ImportPersons),
            link_for("/users", "Tài khoản", "Accounts", Permission::ManageUsers),
            link_for("/tokens", "Mã API", "API tokens", Permission::ManageUsers),
            link_for("/audit", "Nhật ký", "Audit log", Permission::ViewAudit),
            link("/api/v1/docs", "API", "API"),
        ],
    },
];

/// The page frame: navigation by module, the user and unit, the language
/// switch, and the content.
pub(crate) fn layout(page: &Page, title: &str, content: Markup) -> Response {
    let l = page.lang;
    // The links the reader may follow, in the groups people work in.
    let groups: Vec<(&NavGroup, Vec<&NavLink>)> = NAV
        .iter()
        .map(|g| {
            let links: Vec<&NavLink> = g
                .links
                .iter()
                .filter(|x| x.perm.is_none_or(|p| page.can(p)))
                .collect();
            (g, links)
        })
        .filter(|(_, links)| !links.is_empty())
        .collect();
    let here = |href: &str| page.path == href || page.path.starts_with(&format!("{href}/"));
    let current = groups
        .iter()
        .find(|(_, links)| links.iter().any(|x| here(x.href)));
    let (role_vi, role_en) = page.user.role.label();
    let other = match l {
        Lang::Vi => ("en", "English"),
        Lang::En => ("vi", "Tiếng Việt"),
    };
    let body = html! {
        a.skip href="#main" { (l.t("Bỏ qua điều hướng", "Skip to content")) }
        header.top {
            a.brand href="/" { "phongdich" }
            input #menu-toggle .menu-toggle type="checkbox" aria-controls="modules";
            label.menu-button for="menu-toggle" { "☰ " (l.t("Chức năng", "Menu")) }
            nav #modules aria-label=(l.t("Chức năng", "Modules")) {
                ul.groups {
                    @for (g, links) in &groups {
                        @let is_current = current.is_some_and(|(c, _)| std::ptr::eq(*c, *g));
                        li.group {
                            a href=(links[0].href) aria-current=[is_current.then_some("true")] { (l.t(g.vi, g.en)) }
                            // On a phone the menu lists every link of every group.
                            ul.sub {
                                @for x in links {
                                    li { a href=(x.href) aria-current=[here(x.href).then_some("page")] { (l.t(x.vi, x.en)) } }
                                }
                            }
                        }
                    }
                }
            }
            div.who {
                a href="/account" title=(l.t("Tài khoản của tôi", "My account")) {
                    (page.user.display_name)
                }
                " · " span.unit { (l.t(role_vi, role_en)) ", " span title=(page.user.unit_code) { (unit_label(l, &page.user)) } }
                " · " a lang=(other.0) href={ "/lang?to=" (other.0) "&next=" (encode(&page.path)) } { (other.1) }
                form.inline method="post" action="/logout" {
                    (page.csrf_field())
                    button.link type="submit" { (l.t("Đăng xuất", "Log out")) }
                }
            }
        }
        @if let Some((_, links)) = current.filter(|(_, links)| links.len() > 1) {
            nav.subnav aria-label=(l.t("Trong mục này", "In this section")) {
                ul { @for x in links {
                    li { a href=(x.href) aria-current=[here(x.href).then_some("page")] { (l.t(x.vi, x.en)) } }
                } }
            }
        }
        main #main { (content) }
    };
    axum::response::Html(bare(l, title, body).into_string()).into_response()
}

/// A whole HTML document.
pub(crate) fn bare(l: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — phongdich" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/confirm.js" defer {}
                script src="/static/picker.js" defer {}
                script src="/static/live.js" defer {}
            }
            body { (body) }
        }
    }
}

/// The error for one field, if any, shown beside it.
pub(crate) fn field_error(l: Lang, errors: &[FieldError], field: &str) -> Markup {
    let mine: Vec<&FieldError> = errors.iter().filter(|e| e.field == field).collect();
    html! {
        @for e in mine {
            span.field-error id={ "err-" (field) } role="alert" { (l.t(&e.message_vi, &e.message_en)) }
        }
    }
}

/// A labelled text input that keeps its value and shows its error.
pub(crate) fn text_field(
    l: Lang,
    name: &str,
    label: (&str, &str),
    value: &str,
    errors: &[FieldError],
    attrs: &str,
) -> Markup {
    let required = attrs.contains("required");
    let inputmode = ["numeric", "decimal", "tel"]
        .into_iter()
        .find(|m| attrs.contains(&format!("inputmode=\"{m}\"")));
    let autocomplete = attrs.contains("autocomplete=\"off\"").then_some("off");
    let invalid = errors.iter().any(|e| e.field == name);
    html! {
        div.field.invalid[invalid] {
            label for={ "f-" (name) } { (l.t(label.0, label.1)) }
            input id={ "f-" (name) } name=(name) value=(value)
                aria-invalid=[invalid.then_some("true")]
                aria-describedby=[invalid.then(|| format!("err-{name}"))]
                required[required] inputmode=[inputmode] autocomplete=[autocomplete];
            (field_error(l, errors, name))
        }
    }
}

/// Errors not tied to a field, at the top of a form that saves.
pub(crate) fn form_errors(l: Lang, errors: &[FieldError], fields: &[&str]) -> Markup {
    errors_above(
        l,
        errors,
        fields,
        (
            "Chưa lưu: hãy sửa các lỗi được đánh dấu.",
            "Not saved: correct the marked errors.",
        ),
    )
}

/// [`form_errors`] for a form that only chooses what to show (a period, a
/// unit): nothing was to be saved.
pub(crate) fn filter_errors(l: Lang, errors: &[FieldError], fields: &[&str]) -> Markup {
    errors_above(
        l,
        errors,
        fields,
        (
            "Chưa hiển thị được: hãy sửa các lỗi được đánh dấu.",
            "Not shown: correct the marked errors.",
        ),
    )
}

fn errors_above(l: Lang, errors: &[FieldError], fields: &[&str], lead: (&str, &str)) -> Markup {
    let general: Vec<&FieldError> = errors
        .iter()
        .filter(|e| !fields.contains(&e.field.as_str()))
        .collect();
    html! {
        @if !errors.is_empty() {
            div.alert role="alert" {
                p { (l.t(lead.0, lead.1)) }
                @for e in general { p { (l.t(&e.message_vi, &e.message_en)) } }
            }
        }
    }
}

async fn home(auth: Option<axum::Extension<Auth>>) -> Redirect {
    match auth.and_then(|a| a.0.user) {
        Some(user) => Redirect::to(landing(user.role)),
        None => Redirect::to("/login"),
    }
}

/// Where each role's work is, the page after logging in: the committee
/// and viewers on the dashboard, health and quarantine staff on the day's
/// quarantine list (tests due, missed declarations, alerts), tracers on
/// tracing, labs on testing (samples and results), volunteers on people.
pub(crate) fn landing(role: Role) -> &'static str {
    match role {
        Role::Admin | Role::Viewer => "/dashboard",
        Role::HealthStaff | Role::QuarantineStaff => "/quarantine",
        Role::ContactTracer => "/tracing",
        Role::LabStaff => "/testing/awaiting",
        Role::AidVolunteer => "/persons",
        Role::CheckpointOfficer => "/checkpoint",
    }
}

/// A button that prints the page (its script is a file: no inline code).
pub(crate) fn print_button(label: &str) -> Markup {
    html! {
        button type="button" data-print { (label) }
        script src="/static/print.js" defer {}
    }
}

async fn confirm_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("confirm.js"),
    )
        .into_response()
}

async fn print_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("print.js"),
    )
        .into_response()
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("app.css"),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct LangQuery {
    to: String,
    next: Option<String>,
}

/// Switch the language and go back where the user was.
async fn switch_lang(axum::extract::Query(q): axum::extract::Query<LangQuery>) -> Response {
    let lang = if q.to == "en" { "en" } else { "vi" };
    // Only paths on this site: never an open redirect.
    let next = q
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".into());
    (
        [(
            header::SET_COOKIE,
            format!("{LANG_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax"),
        )],
        Redirect::to(&next),
    )
        .into_response()
}

/// The units a user may pick: their own unit and the units right under it.
pub(crate) async fn unit_choices(
    s: &AppState,
    page: &Page,
) -> Result<Vec<phongdich_store::Unit>, PageError> {
    // The reader's own unit (the national unit `VN` for the whole country)
    // and the units one level below it.
    let Some(home) = page.actor.scope.home() else {
        return Ok(Vec::new());
    };
    let unit = s
        .store
        .unit(home.as_str())
        .await
        .map_err(|e| page.fail(e))?;
    let mut choices = vec![unit.clone()];
    choices.extend(
        s.store
            .children(&unit.code)
            .await
            .map_err(|e| page.fail(e))?,
    );
    Ok(choices)
}

/// `?unit=` of a list page.
#[derive(serde::Deserialize, Default)]
pub(crate) struct UnitFilter {
    #[serde(default)]
    pub unit: String,
}

/// What a list page shows: the reader's whole jurisdiction, or — with
/// `?unit=` — one province, district or commune inside it. The narrower
/// scope is built by the store ([`phongdich_store::Store::scope_within`]) and
/// passed to the usual readers, so jurisdiction stays enforced there: a unit
/// outside gives the not-found page, a malformed code a bilingual error.
#[derive(Clone)]
pub(crate) struct Within {
    pub scope: Scope,
    /// The unit narrowed to, when one was asked for.
    pub unit: Option<phongdich_store::Unit>,
}

impl Within {
    /// The reader's whole jurisdiction.
    pub(crate) fn whole(page: &Page) -> Self {
        Within {
            scope: page.actor.scope.clone(),
            unit: None,
        }
    }

    /// `unit` (a code; empty: the whole jurisdiction) within the reader's scope.
    pub(crate) async fn of(s: &AppState, page: &Page, unit: &str) -> Result<Self, PageError> {
        if unit.trim().is_empty() {
            return Ok(Self::whole(page));
        }
        let (scope, unit) = s
            .store
            .scope_within(&page.actor.scope, unit.trim())
            .await
            .map_err(|e| page.fail(e))?;
        Ok(Within {
            scope,
            unit: Some(unit),
        })
    }

    /// `&unit=CODE` to carry the filter on a link, or nothing.
    pub(crate) fn query(&self) -> String {
        match &self.unit {
            Some(u) => format!("&unit={}", encode(&u.code)),
            None => String::new(),
        }
    }

    /// `href` with the filter carried on (`?unit=` or `&unit=`).
    pub(crate) fn on(&self, href: &str) -> String {
        match &self.unit {
            Some(u) => format!(
                "{href}{}unit={}",
                if href.contains('?') { '&' } else { '?' },
                encode(&u.code)
            ),
            None => href.to_owned(),
        }
    }

    /// Which unit the page is narrowed to, with a link to this page without
    /// the filter (and on its first page); nothing when not narrowed.
    pub(crate) fn notice(&self, page: &Page) -> Markup {
        let l = page.lang;
        html! {
            @if let Some(u) = &self.unit {
                p.notice.narrowed #narrowed role="status" data-unit=(u.code) {
                    (l.t("Chỉ hiển thị đơn vị: ", "Showing only: ")) strong { (u.name) } " (" (u.code) ")"
                    " · " a #drop-unit href=(without_unit(&page.path)) { (l.t("Xem toàn bộ phạm vi của bạn", "Show your whole jurisdiction")) }
                }
            }
        }
    }
}

/// A page's address without its `unit` filter and page number.
pub(crate) fn without_unit(path: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let name = p.split('=').next().unwrap_or("");
            !p.is_empty() && name != "unit" && name != "page"
        })
        .collect();
    if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// A store refusal as the errors shown on a form: each invalid field, or
/// a conflict under `conflict_field`; anything else stays an error page.
pub(crate) fn refusal_fields(
    e: StoreError,
    conflict_field: &str,
) -> Result<Vec<FieldError>, StoreError> {
    match e {
        StoreError::Invalid(i) => Ok(i.0),
        StoreError::Conflict {
            message_vi,
            message_en,
        } => Ok(vec![FieldError::new(
            conflict_field,
            "conflict",
            message_vi,
            message_en,
        )]),
        other => Err(other),
    }
}

/// A form's optional number: an empty field is `None`.
pub(crate) fn empty_as_none<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<i64>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// A count as people read it: `9.199` in Vietnamese, `9,199` in English.
pub(crate) fn num(l: Lang, n: i64) -> String {
    phongdich_domain::text::grouped(n, l == Lang::Vi)
}

/// `1985-03-12` → `12/03/1985`, as Vietnamese forms write dates; anything
/// else unchanged.
pub(crate) fn show_date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => iso.to_owned(),
    }
}

/// What became of an imported row, in the reader's words (the report file
/// keeps the stable word). An unknown word is shown as it is.
pub(crate) fn import_outcome(l: Lang, outcome: &str) -> String {
    match outcome {
        "imported" => l.t("Đã nhập", "Imported"),
        "flagged_likely_duplicate" => l.t("Đã nhập, nghi trùng", "Imported, likely duplicate"),
        "refused_invalid" => l.t("Từ chối: dữ liệu sai", "Refused: invalid"),
        "refused_file_error" => l.t("Từ chối: lỗi tệp", "Refused: file error"),
        "refused_duplicate_national_id" => {
            l.t("Từ chối: trùng số định danh", "Refused: national ID taken")
        }
        "refused_likely_duplicate" => l.t("Từ chối: nghi trùng", "Refused: likely duplicate"),
        "confirmed" => l.t("Khẳng định ca bệnh", "Case confirmed"),
        "updated" => l.t("Đã sửa", "Corrected"),
        "unchanged" => l.t("Không đổi", "Unchanged"),
        "recorded" => l.t("Đã ghi nhận", "Recorded"),
        "recorded_new_person" => l.t("Đã ghi nhận, người mới", "Recorded, new person"),
        "recorded_confirmed_f0" => l.t("Đã ghi nhận, khẳng định F0", "Recorded, F0 confirmed"),
        "registered" => l.t("Đã đăng ký", "Registered"),
        "registered_new_person" => l.t("Đã đăng ký, người mới", "Registered, new person"),
        other => other,
    }
    .to_owned()
}

/// Why two records look like one person, in the reader's words.
pub(crate) fn duplicate_reason(l: Lang, reason: &str) -> String {
    match reason {
        "same_phone_similar_name" => l.t(
            "Cùng số điện thoại, tên gần giống",
            "Same phone, similar name",
        ),
        "similar_name_same_birth_year_commune" => l.t(
            "Tên gần giống, cùng năm sinh và xã",
            "Similar name, same birth year and commune",
        ),
        other => other,
    }
    .to_owned()
}

/// A day as Vietnamese forms write it: `12/03/1985`.
pub(crate) fn show_day(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A stored UTC time shown in Vietnam's time (UTC+7), to the second.
pub(crate) fn show_time(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t
            .with_timezone(&phongdich_store::vietnam())
            .format("%H:%M:%S %d/%m/%Y")
            .to_string(),
        Err(_) => rfc3339.to_owned(),
    }
}

/// Audit actions in words.
pub(crate) fn action_label(l: Lang, action: &str) -> String {
    let (vi, en) = match action {
        "create" => ("Tạo mới", "Created"),
        "update" => ("Sửa", "Updated"),
        "delete" => ("Xoá", "Deleted"),
        "merge" => ("Gộp hồ sơ", "Merged"),
        "unmerge" => ("Hoàn tác gộp", "Merge undone"),
        "import" => ("Nhập tệp", "Imported"),
        "export" => ("Xuất dữ liệu", "Exported"),
        "login" => ("Đăng nhập", "Logged in"),
        "logout" => ("Đăng xuất", "Logged out"),
        "login_failed" => ("Đăng nhập sai", "Failed login"),
        "login_throttled" => ("Đăng nhập bị chặn tạm", "Login throttled"),
        "view_identifiers" => ("Xem CCCD/SĐT đầy đủ", "Viewed full ID/phone"),
        "disable" => ("Khoá tài khoản", "Account disabled"),
        "enable" => ("Mở khoá tài khoản", "Account enabled"),
        "change_role" => ("Đổi vai trò", "Role changed"),
        "change_password" => ("Đổi mật khẩu", "Password changed"),
        "reset_password" => ("Đặt lại mật khẩu", "Password reset"),
        "revoke" => ("Thu hồi", "Revoked"),
        "link_failed" => ("Nhập sai mã cá nhân", "Wrong personal code"),
        "population" => ("Cập nhật dân số", "Population set"),
        other => return other.to_owned(),
    };
    l.t(vi, en).to_owned()
}

/// The link to the records behind figure `key` of `unit` for `from..=to`.
pub(crate) fn figure_href(
    key: &str,
    unit: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> String {
    format!(
        "/reports/figure?key={}&unit={}&from={}&to={}",
        encode(key),
        encode(unit),
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_each_language_writes_them() {
        assert_eq!(num(Lang::Vi, 9199), "9.199");
        assert_eq!(num(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(num(Lang::Vi, 999), "999");
        assert_eq!(num(Lang::Vi, -1000), "-1.000");
        assert_eq!(num(Lang::Vi, 0), "0");
    }
}
