//! Administration: accounts, API tokens and the audit log, each limited to the
//! administrator's unit and what lies under it.

use super::{Page, PageResult, action_label, encode, form_errors, layout, show_time, text_field};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use phongdich_domain::{FieldError, Permission, Role};
use phongdich_store::{AuditFilter, NewUser, StoreError};
use serde::Deserialize;

fn role_select(page: &Page, selected: &str) -> Markup {
    let l = page.lang;
    html! {
        div.field {
            label for="f-role" { (l.t("Vai trò", "Role")) }
            select #f-role name="role" {
                @for r in Role::ALL {
                    option value=(r.as_str()) selected[r.as_str() == selected] { (l.t(r.label().0, r.label().1)) }
                }
            }
        }
    }
}

async fn users_page(
    s: &AppState,
    page: &Page,
    form: &NewUser,
    errors: &[FieldError],
    notice: Option<&str>,
) -> PageResult {
    let l = page.lang;
    let users = s
        .store
        .users(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let units = super::picker::units_to_choose(&s.store, page)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(layout(
        page,
        l.t("Tài khoản", "Accounts"),
        html! {
            h1 { (l.t("Tài khoản trong phạm vi của tôi", "Accounts in my jurisdiction")) }
            @if let Some(n) = notice { div.notice role="status" { p { (n) } } }
            div.table-wrap { table.responsive {
                thead { tr {
                    th { (l.t("Tên đăng nhập", "User name")) } th { (l.t("Họ tên", "Name")) }
                    th { (l.t("Vai trò", "Role")) } th { (l.t("Đơn vị", "Unit")) }
                    th { (l.t("Đăng nhập gần nhất", "Last login")) } th { (l.t("Thao tác", "Actions")) }
                } }
                tbody { @for u in &users { tr {
                    td.mono data-label=(l.t("Tên", "User")) { (u.username) @if u.disabled { " " span.error { (l.t("(đã khoá)", "(disabled)")) } } }
                    td data-label=(l.t("Họ tên", "Name")) { (u.display_name) }
                    td data-label=(l.t("Vai trò", "Role")) { (l.t(u.role.label().0, u.role.label().1)) }
                    td data-label=(l.t("Đơn vị", "Unit")) title=(u.unit_code) { (super::unit_label(l, u)) }
                    td data-label=(l.t("Đăng nhập", "Login")) { (u.last_login_at.as_deref().map(show_time).unwrap_or_default()) }
                    td {
                        @if u.username != page.user.username {
                            form.inline method="post" action={ "/users/" (encode(&u.username)) } {
                                (page.csrf_field())
                                @if u.disabled {
                                    button.secondary name="action" value="enable" { (l.t("Mở khoá", "Enable")) }
                                } @else {
                                    button.secondary name="action" value="disable" { (l.t("Khoá", "Disable")) }
                                }
                            }
                            form.inline method="post" action={ "/users/" (encode(&u.username)) } {
                                (page.csrf_field())
                                input type="hidden" name="action" value="role";
                                label.muted for={ "role-" (u.id) } { (l.t("Vai trò", "Role")) " " }
                                select id={ "role-" (u.id) } name="role" {
                                    @for r in Role::ALL {
                                        option value=(r.as_str()) selected[r == u.role] { (l.t(r.label().0, r.label().1)) }
                                    }
                                }
                                " " button.secondary type="submit" { (l.t("Đổi", "Change")) }
                            }
                            details {
                                summary { (l.t("Đặt lại mật khẩu", "Reset password")) }
                                form method="post" action={ "/users/" (encode(&u.username)) } {
                                    (page.csrf_field())
                                    input type="hidden" name="action" value="reset";
                                    div.field {
                                        label for={ "pw-" (u.id) } { (l.t("Mật khẩu mới", "New password")) }
                                        input id={ "pw-" (u.id) } type="password" name="password" autocomplete="new-password" required;
                                    }
                                    button type="submit" { (l.t("Đặt lại", "Reset")) }
                                }
                            }
                        }
                    }
                } } }
            } }
            h2 { (l.t("Thêm tài khoản", "Add an account")) }
            (form_errors(l, errors, &["username", "display_name", "unit_code", "role", "password"]))
            form method="post" action="/users" novalidate {
                (page.csrf_field())
                div.grid {
                    (text_field(l, "username", ("Tên đăng nhập", "User name"), &form.username, errors, "required autocomplete=\"off\""))
                    (text_field(l, "display_name", ("Họ tên", "Full name"), &form.display_name, errors, "required"))
                    (super::picker::unit_field(l, "unit_code", ("Đơn vị (mã khi nhập tay — VN: toàn quốc; tỉnh, huyện hoặc xã)", "Unit (a code when typed — VN: national; province, district or commune)"), &form.unit_code, errors, &units))
                    (role_select(page, &form.role))
                    div.field.invalid[errors.iter().any(|e| e.field == "password")] {
                        label for="f-password" { (l.t("Mật khẩu ban đầu (ít nhất 10 ký tự)", "Initial password (at least 10 characters)")) }
                        input #f-password type="password" name="password" autocomplete="new-password" required;
                        (super::field_error(l, errors, "password"))
                    }
                }
                button type="submit" { (l.t("Tạo tài khoản", "Create account")) }
            }
        },
    ))
}

pub(super) async fn users(State(s): State<AppState>, page: Page) -> PageResult {
    page.require(Permission::ManageUsers)?;
    let form = NewUser {
        unit_code: page.user.unit_code.clone(),
        role: Role::HealthStaff.as_str().into(),
        ..NewUser::default()
    };
    users_page(&s, &page, &form, &[], None).await
}

pub(super) async fn add_user(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<NewUser>,
) -> PageResult {
    page.require(Permission::ManageUsers)?;
    match s.store.add_user(&page.actor, &f).await {
        Ok(u) => {
            let blank = NewUser {
                unit_code: page.user.unit_code.clone(),
                role: Role::HealthStaff.as_str().into(),
                ..NewUser::default()
            };
            let msg = format!(
                "{} {}",
                page.t("Đã tạo tài khoản", "Account created:"),
                u.username
            );
            users_page(&s, &page, &blank, &[], Some(&msg)).await
        }
        Err(StoreError::Invalid(i)) => {
            let mut r = users_page(&s, &page, &f, &i.0, None).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(page.fail(e)),
    }
}

#[derive(Deserialize)]
pub(super) struct UserAction {
    action: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
}

pub(super) async fn user_action(
    State(s): State<AppState>,
    page: Page,
    Path(username): Path<String>,
    Form(f): Form<UserAction>,
) -> PageResult {
    page.require(Permission::ManageUsers)?;
    let blank = NewUser {
        unit_code: page.user.unit_code.clone(),
        role: Role::HealthStaff.as_str().into(),
        ..NewUser::default()
    };
    let result = match f.action.as_str() {
        "disable" => s
            .store
            .set_user_disabled(&page.actor, &username, true)
            .await
            .map(|_| ()),
        "enable" => s
            .store
            .set_user_disabled(&page.actor, &username, false)
            .await
            .map(|_| ()),
        "reset" => {
            s.store
                .set_password(&page.actor, &username, None, &f.password)
                .await
        }
        "role" => s
            .store
            .set_user_role(&page.actor, &username, &f.role)
            .await
            .map(|_| ()),
        _ => {
            return Err(page.fail(crate::problem::Problem::bad_request(
                "Thao tác không hợp lệ.",
                "Unknown action.",
            )));
        }
    };
    match result {
        Ok(()) => {
            users_page(
                &s,
                &page,
                &blank,
                &[],
                Some(page.t("Đã cập nhật tài khoản.", "Account updated.")),
            )
            .await
        }
        Err(StoreError::Invalid(i)) => users_page(&s, &page, &blank, &i.0, None).await,
        Err(e) => Err(page.fail(e)),
    }
}

async fn tokens_page(
    s: &AppState,
    page: &Page,
    errors: &[FieldError],
    secret: Option<&str>,
) -> PageResult {
    let l = page.lang;
    let tokens = s
        .store
        .api_tokens(&page.actor.scope)
        .await
        .map_err(|e| page.fail(e))?;
    let units = super::picker::units_to_choose(&s.store, page)
        .await
        .map_err(|e| page.fail(e))?;
    let codes: Vec<&str> = tokens.iter().map(|t| t.unit_code.as_str()).collect();
    let unit_names = s.store.unit_names(&codes).await.map_err(|e| page.fail(e))?;
    Ok(layout(
        page,
        l.t("Mã truy cập API", "API tokens"),
        html! {
            h1 { (l.t("Mã truy cập API", "API tokens")) }
            @if let Some(secret) = secret {
                div.notice role="status" {
                    p { (l.t("Mã mới — chỉ hiện một lần, hãy lưu lại ngay:", "New token — shown only once, store it now:")) }
                    p { code #new-token { (secret) } }
                    p.muted { "Authorization: Bearer …" }
                }
            }
            div.table-wrap { table.responsive {
                thead { tr {
                    th { (l.t("Tên", "Name")) } th { (l.t("Mở đầu", "Prefix")) } th { (l.t("Đơn vị", "Unit")) }
                    th { (l.t("Vai trò", "Role")) } th { (l.t("Dùng gần nhất", "Last used")) } th { (l.t("Trạng thái", "Status")) }
                } }
                tbody { @for t in &tokens { tr {
                    td data-label=(l.t("Tên", "Name")) { (t.name) }
                    td.mono data-label=(l.t("Mở đầu", "Prefix")) { (t.prefix) "…" }
                    td data-label=(l.t("Đơn vị", "Unit")) title=(t.unit_code) { (unit_names.get(&t.unit_code).unwrap_or(&t.unit_code)) }
                    td data-label=(l.t("Vai trò", "Role")) { (l.t(t.role.label().0, t.role.label().1)) }
                    td data-label=(l.t("Dùng", "Used")) { (t.last_used_at.as_deref().map(show_time).unwrap_or_default()) }
                    td {
                        @if let Some(r) = &t.revoked_at { (l.t("Đã thu hồi ", "Revoked ")) (show_time(r)) }
                        @else {
                            form.inline method="post" action={ "/tokens/" (t.id) "/revoke" } data-confirm=(l.t("Thu hồi mã API này? Các chương trình dùng nó sẽ bị từ chối.", "Revoke this API token? Programs using it will be refused.")) {
                                (page.csrf_field())
                                button.secondary type="submit" { (l.t("Thu hồi", "Revoke")) }
                            }
                        }
                    }
                } } }
            } }
            h2 { (l.t("Tạo mã mới", "Create a token")) }
            (form_errors(l, errors, &["name", "unit_code", "role"]))
            form method="post" action="/tokens" {
                (page.csrf_field())
                div.grid {
                    (text_field(l, "name", ("Tên (hệ thống sử dụng)", "Name (the system using it)"), "", errors, "required"))
                    (super::picker::unit_field(l, "unit_code", ("Đơn vị", "Unit"), &page.user.unit_code, errors, &units))
                    (role_select(page, Role::Viewer.as_str()))
                }
                button type="submit" { (l.t("Tạo mã", "Create token")) }
            }
        },
    ))
}

pub(super) async fn tokens(State(s): State<AppState>, page: Page) -> PageResult {
    page.require(Permission::ManageUsers)?;
    tokens_page(&s, &page, &[], None).await
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    role: String,
}

pub(super) async fn create_token(
    State(s): State<AppState>,
    page: Page,
    Form(f): Form<TokenForm>,
) -> PageResult {
    page.require(Permission::ManageUsers)?;
    match s
        .store
        .create_api_token(&page.actor, &f.name, &f.unit_code, &f.role)
        .await
    {
        Ok((_, secret)) => tokens_page(&s, &page, &[], Some(&secret)).await,
        Err(StoreError::Invalid(i)) => tokens_page(&s, &page, &i.0, None).await,
        Err(e) => Err(page.fail(e)),
    }
}

pub(super) async fn revoke_token(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> PageResult {
    page.require(Permission::ManageUsers)?;
    s.store
        .revoke_api_token(&page.actor, id)
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/tokens").into_response())
}

#[derive(Deserialize, Default)]
pub(super) struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before_id: Option<i64>,
}

impl AuditQuery {
    fn filter(&self, limit: i64) -> AuditFilter {
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        // A day as typed (dd/mm/yyyy) compares with the stored times as ISO.
        let day = |s: &str| {
            opt(s).map(|v| {
                phongdich_domain::contact::parse_date("from", &v)
                    .map(|d| d.to_string())
                    .unwrap_or(v)
            })
        };
        AuditFilter {
            action: opt(&self.action),
            entity: opt(&self.entity),
            actor: opt(&self.actor),
            from: day(&self.from),
            to: day(&self.to),
            before_id: self.before_id,
            limit,
            ..AuditFilter::default()
        }
    }

    fn query_string(&self) -> String {
        format!(
            "action={}&entity={}&actor={}&from={}&to={}",
            encode(&self.action),
            encode(&self.entity),
            encode(&self.actor),
            encode(&self.from),
            encode(&self.to)
        )
    }
}

pub(super) async fn audit(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    page.require(Permission::ViewAudit)?;
    let l = page.lang;
    let entries = s
        .store
        .audit_entries(&page.actor, &q.filter(100))
        .await
        .map_err(|e| page.fail(e))?;
    let last = entries.last().map(|e| e.id);
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    Ok(layout(
        &page,
        l.t("Nhật ký", "Audit log"),
        html! {
            h1 { (l.t("Nhật ký thao tác", "Audit log")) }
            form.filters method="get" action="/audit" {
                @for (name, vi, en, v) in [("action", "Thao tác", "Action", &q.action), ("entity", "Đối tượng", "Entity", &q.entity), ("actor", "Người thực hiện", "Actor", &q.actor)] {
                    div.field { label for={ "f-" (name) } { (l.t(vi, en)) } input id={ "f-" (name) } name=(name) value=(v); }
                }
                div.field { label for="f-from" { (l.t("Từ ngày", "From")) } input #f-from name="from" value=(q.from) placeholder="dd/mm/yyyy" inputmode="numeric"; }
                div.field { label for="f-to" { (l.t("Đến trước ngày", "Before")) } input #f-to name="to" value=(q.to) placeholder="dd/mm/yyyy" inputmode="numeric"; }
                button type="submit" { (l.t("Lọc", "Filter")) }
                a.button.secondary href={ "/audit.csv?" (q.query_string()) } { (l.t("Xuất CSV", "Export CSV")) }
            }
            div.table-wrap { table.responsive {
                thead { tr {
                    th { "#" } th { (l.t("Thời điểm (giờ Việt Nam)", "When (Vietnam time)")) } th { (l.t("Người thực hiện", "Who")) }
                    th { (l.t("Từ", "From")) } th { (l.t("Thao tác", "Action")) } th { (l.t("Đối tượng", "Entity")) }
                    th { (l.t("Đơn vị", "Unit")) } th { (l.t("Thay đổi", "Change")) }
                } }
                tbody { @for e in &entries { tr {
                    td.mono { (e.id) }
                    td data-label=(l.t("Lúc", "When")) { (show_time(&e.at)) }
                    td data-label=(l.t("Ai", "Who")) { (e.actor) }
                    td.mono data-label=(l.t("Từ", "From")) { (e.source) }
                    td data-label=(l.t("Thao tác", "Action")) { (action_label(l, &e.action)) " " span.muted.mono { "(" (e.action) ")" } }
                    td data-label=(l.t("Đối tượng", "Entity")) { (e.entity) " " (e.entity_id) }
                    td.mono data-label=(l.t("Đơn vị", "Unit")) { (e.unit_code.clone().unwrap_or_default()) }
                    td data-label=(l.t("Thay đổi", "Change")) {
                        @if e.before.is_some() || e.after.is_some() {
                            details { summary { (l.t("Trước / sau", "Before / after")) }
                                pre { (json(&e.before)) } pre { (json(&e.after)) } }
                        }
                    }
                } } }
            } }
            @if let (Some(last), true) = (last, entries.len() == 100) {
                nav.pager { a href={ "/audit?" (q.query_string()) "&before_id=" (last) } { (l.t("Cũ hơn", "Older")) " →" } }
            }
        },
    ))
}

/// The filtered audit log as CSV; the export itself is audited.
pub(super) async fn audit_csv(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    page.require(Permission::ViewAudit)?;
    let entries = s
        .store
        .audit_entries(&page.actor, &q.filter(1000))
        .await
        .map_err(|e| page.fail(e))?;
    s.store
        .record_event(
            &page.actor,
            "export",
            "audit_log",
            "csv",
            &serde_json::json!({ "filter": q.query_string(), "rows": entries.len() }),
        )
        .await
        .map_err(|e| page.fail(e))?;
    let rows: Vec<Vec<phongdich_sheets::Cell>> = entries
        .iter()
        .map(|e| {
            let json = |v: &Option<serde_json::Value>| {
                v.as_ref().map(|v| v.to_string()).unwrap_or_default()
            };
            vec![
                phongdich_sheets::Cell::number(e.id),
                e.at.clone().into(),
                e.actor.clone().into(),
                e.source.clone().into(),
                e.action.clone().into(),
                e.entity.clone().into(),
                e.entity_id.clone().into(),
                e.unit_code.clone().unwrap_or_default().into(),
                json(&e.before).into(),
                json(&e.after).into(),
            ]
        })
        .collect();
    let table = phongdich_sheets::table_bytes(
        phongdich_sheets::Format::Csv,
        &[
            "id",
            "at",
            "actor",
            "source",
            "action",
            "entity",
            "entity_id",
            "unit_code",
            "before",
            "after",
        ],
        &rows,
    )
    .map_err(|e| {
        page.fail(crate::problem::Problem::bad_request(
            e.to_string(),
            e.to_string(),
        ))
    })?;
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(table);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"nhat-ky-audit.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// This module's pages, each path with its handlers; merged once in
/// [`super::routes`].
pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/users", get(users).post(add_user))
        .route("/users/{username}", post(user_action))
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}/revoke", post(revoke_token))
        .route("/audit", get(audit))
        .route("/audit.csv", get(audit_csv))
}
