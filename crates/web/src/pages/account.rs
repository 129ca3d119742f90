//! Log in, log out, and one's own account (password change).

use super::{Page, PageResult, bare, field_error, form_errors, layout};
use crate::AppState;
use crate::caller::{Auth, Lang, SESSION_COOKIE};
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use phongdich_domain::FieldError;
use phongdich_store::StoreError;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(super) struct NextQuery {
    next: Option<String>,
}

/// Where to go after logging in: the page asked for (on this site), else
/// where the role's work is ([`super::landing`]).
fn safe_next(next: Option<&str>) -> Option<String> {
    next.filter(|n| super::is_local_path(n) && !n.starts_with("/login"))
        .map(str::to_owned)
}

/// The login form; `csrf` is the token of a session the browser already has
/// (logging in again, as someone else, is a change that session must vouch for).
fn login_page(
    l: Lang,
    csrf: Option<&str>,
    username: &str,
    next: &str,
    error: Option<(&str, &str)>,
) -> Response {
    let page = bare(
        l,
        l.t("Đăng nhập", "Log in"),
        html! {
            main.narrow #main {
                h1 { "phongdich — " (l.t("Đăng nhập", "Log in")) }
                p.muted { (l.t("Hệ thống điều hành phòng, chống dịch", "Epidemic steering committee operations system")) }
                @if let Some((vi, en)) = error {
                    div.alert role="alert" { p { (l.t(vi, en)) } }
                }
                form method="post" action="/login" {
                    @if let Some(csrf) = csrf { input type="hidden" name="_csrf" value=(csrf); }
                    input type="hidden" name="next" value=(next);
                    div.field {
                        label for="f-username" { (l.t("Tên đăng nhập", "User name")) }
                        input #f-username name="username" value=(username) autocomplete="username" required autofocus;
                    }
                    div.field {
                        label for="f-password" { (l.t("Mật khẩu", "Password")) }
                        input #f-password type="password" name="password" autocomplete="current-password" required;
                    }
                    button type="submit" { (l.t("Đăng nhập", "Log in")) }
                }
                p {
                    @match l {
                        Lang::Vi => a lang="en" href={ "/lang?to=en&next=" (super::encode(&format!("/login?next={next}"))) } { "English" },
                        Lang::En => a lang="vi" href={ "/lang?to=vi&next=" (super::encode(&format!("/login?next={next}"))) } { "Tiếng Việt" },
                    }
                }
            }
        },
    );
    axum::response::Html(page.into_string()).into_response()
}

pub(super) async fn login_form(
    Extension(auth): Extension<Auth>,
    Query(q): Query<NextQuery>,
) -> Response {
    login_page(
        auth.lang,
        auth.csrf.as_deref(),
        "",
        &safe_next(q.next.as_deref()).unwrap_or_default(),
        None,
    )
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

fn session_cookie(value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub(super) async fn login(
    State(s): State<AppState>,
    Extension(auth): Extension<Auth>,
    Form(f): Form<LoginForm>,
) -> Response {
    let l = auth.lang;
    let next = safe_next(f.next.as_deref());
    match s.store.login(&f.username, &f.password, &auth.source).await {
        Ok((user, session)) => {
            // A new session every login: a cookie planted before cannot ride along.
            if let Some(old) = &auth.session_token {
                let _ = s.store.logout(old, &auth.source).await;
            }
            (
                [(
                    header::SET_COOKIE,
                    session_cookie(&session.token, 12 * 3600, auth.secure),
                )],
                Redirect::to(&next.unwrap_or_else(|| super::landing(user.role).to_owned())),
            )
                .into_response()
        }
        // Refused, or too many failures from here (wait, and say how long):
        // the form again with why.
        Err(e @ (StoreError::Unauthorized { .. } | StoreError::Throttled { .. })) => {
            let (status, retry_after, vi, en) = match e {
                StoreError::Throttled {
                    retry_after,
                    message_vi,
                    message_en,
                } => (
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    Some(retry_after),
                    message_vi,
                    message_en,
                ),
                StoreError::Unauthorized {
                    message_vi,
                    message_en,
                } => (
                    axum::http::StatusCode::UNAUTHORIZED,
                    None,
                    message_vi,
                    message_en,
                ),
                _ => unreachable!("matched above"),
            };
            let mut r = login_page(
                l,
                auth.csrf.as_deref(),
                &f.username,
                next.as_deref().unwrap_or_default(),
                Some((&vi, &en)),
            );
            *r.status_mut() = status;
            if let Some(secs) = retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
            }
            r
        }
        Err(e) => super::PageError {
            page: None,
            lang: l,
            problem: Box::new(e.into()),
        }
        .into_response(),
    }
}

pub(super) async fn logout(
    State(s): State<AppState>,
    Extension(auth): Extension<Auth>,
) -> Response {
    if let Some(token) = &auth.session_token {
        let _ = s.store.logout(token, &auth.source).await;
    }
    (
        [(header::SET_COOKIE, session_cookie("", 0, auth.secure))],
        Redirect::to("/login"),
    )
        .into_response()
}

fn account_view(page: &Page, errors: &[FieldError], done: bool) -> Response {
    let l = page.lang;
    let (role_vi, role_en) = page.user.role.label();
    layout(
        page,
        l.t("Tài khoản của tôi", "My account"),
        html! {
            h1 { (l.t("Tài khoản của tôi", "My account")) }
            dl.facts {
                dt { (l.t("Tên đăng nhập", "User name")) } dd.mono { (page.user.username) }
                dt { (l.t("Họ tên", "Name")) } dd { (page.user.display_name) }
                dt { (l.t("Vai trò", "Role")) } dd { (l.t(role_vi, role_en)) }
                dt { (l.t("Đơn vị", "Unit")) } dd { (super::unit_label(l, &page.user)) " " span.muted.mono { "(" (page.user.unit_code) ")" } }
            }
            h2 { (l.t("Đổi mật khẩu", "Change password")) }
            @if done { div.notice role="status" { p { (l.t("Đã đổi mật khẩu. Hãy đăng nhập lại.", "Password changed. Log in again.")) } } }
            (form_errors(l, errors, &["current_password", "password"]))
            form method="post" action="/account" {
                (page.csrf_field())
                div.field.invalid[errors.iter().any(|e| e.field == "current_password")] {
                    label for="f-current_password" { (l.t("Mật khẩu hiện tại", "Current password")) }
                    input #f-current_password type="password" name="current_password" autocomplete="current-password" required;
                    (field_error(l, errors, "current_password"))
                }
                div.field.invalid[errors.iter().any(|e| e.field == "password")] {
                    label for="f-password" { (l.t("Mật khẩu mới (ít nhất 10 ký tự)", "New password (at least 10 characters)")) }
                    input #f-password type="password" name="password" autocomplete="new-password" required;
                    (field_error(l, errors, "password"))
                }
                button type="submit" { (l.t("Đổi mật khẩu", "Change password")) }
            }
        },
    )
}

pub(super) async fn account_page(page: Page) -> Response {
    account_view(&page, &[], false)
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn change_password(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    match s
        .store
        .set_password(
            &page.actor,
            &page.user.username,
            Some(&f.current_password),
            &f.password,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/login").into_response()),
        Err(StoreError::Invalid(i)) => Ok(account_view(&page, &i.0, false)),
        Err(e) => Err(page.fail(e)),
    }
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account_page).post(change_password))
}
