//! Accounts, sessions and API tokens. Passwords are Argon2id hashes; session
//! and API tokens are random 256-bit values of which only the SHA-256 is
//! stored. Every login (success and failure), account change and token change
//! is in the audit log.

use crate::sql::QueryBuilder;
use crate::util::{secret, sha256};
use crate::{Actor, Result, Scope, Store, StoreError, audit};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use phongdich_domain::{FieldError, Invalid, Permission, Role, UnitCode, UnitLevel};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A session ends after this long without a request.
pub(crate) const SESSION_IDLE: Duration = Duration::minutes(30);
/// and in any case this long after login.
pub(crate) const SESSION_MAX: Duration = Duration::hours(12);
/// Failed logins of one account from one address before each further attempt
/// from there waits: 1 s after the last failure, doubling with every failure
/// up to [`MAX_LOGIN_WAIT`]. A successful login from there starts afresh;
/// failures are forgotten after [`ACCOUNT_FAILURE_MEMORY`] without one.
pub(crate) const FREE_LOGIN_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed logins from one address, whatever the accounts, before it waits
/// the same way (an office behind one address has many users); forgotten
/// after [`ADDRESS_FAILURE_MEMORY`] without one.
pub(crate) const FREE_LOGIN_FAILURES_PER_ADDRESS: i64 = 100;
pub(crate) const MAX_LOGIN_WAIT: Duration = Duration::minutes(15);
pub(crate) const ACCOUNT_FAILURE_MEMORY: Duration = Duration::hours(24);
pub(crate) const ADDRESS_FAILURE_MEMORY: Duration = Duration::hours(1);
/// Wrong personal-link codes allowed per address within the window.
pub(crate) const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub(crate) const THROTTLE_WINDOW: Duration = Duration::minutes(15);

/// How long after the last of `failures` the next attempt waits.
fn login_wait(failures: i64, free: i64) -> Duration {
    if failures < free {
        return Duration::zero();
    }
    let doublings = u32::try_from(failures - free).unwrap_or(u32::MAX).min(20);
    Duration::seconds(1_i64 << doublings).min(MAX_LOGIN_WAIT)
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// "1 giây", "3 phút": a wait in words.
fn wait_words(seconds: u64) -> (String, String) {
    if seconds < 120 {
        let s = if seconds == 1 { "" } else { "s" };
        (format!("{seconds} giây"), format!("{seconds} second{s}"))
    } else {
        let m = seconds.div_ceil(60);
        (format!("{m} phút"), format!("{m} minutes"))
    }
}

/// One row of `login_throttle`: the failures it remembers and the refusals
/// since the last of them.
struct Tally {
    key: String,
    failures: i64,
    last_failure: DateTime<Utc>,
    refused: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    /// The unit's name ("" for the national level, which has no row).
    pub unit_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

impl User {
    /// The actor this user acts as: their role, within their unit.
    pub fn actor(&self, source: &str) -> Actor {
        Actor {
            name: self.username.clone(),
            source: source.to_owned(),
            scope: UnitCode::parse(&self.unit_code)
                .map(Scope::unit)
                .unwrap_or_else(|_| Scope::nothing()),
            role: self.role,
        }
    }
}

/// A new account as typed: checked by [`Store::add_user`].
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    pub role: String,
    pub password: String,
}

/// A logged-in session: the secret for the cookie and the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf_token: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub unit_code: String,
    pub role: Role,
    pub created_by: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// The account's columns and its unit's name (a sub-select: the one
/// column that reads another table, so that every page can name the unit).
const USER_COLUMNS: &str = "id, username, display_name, unit_code, role, disabled_at, created_at, last_login_at, \
     (SELECT n.name FROM units n WHERE n.code = unit_code) AS unit_name";

fn user_from_row(r: &AnyRow) -> Result<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r
            .try_get::<Option<String>, _>("unit_name")?
            .unwrap_or_default(),
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Data(format!("role: “{role}” is not a role")))?,
        disabled: r.try_get::<Option<String>, _>("disabled_at")?.is_some(),
        created_at: r.try_get("created_at")?,
        last_login_at: r.try_get("last_login_at")?,
    })
}

fn token_from_row(r: &AnyRow) -> Result<ApiToken> {
    let role: String = r.try_get("role")?;
    Ok(ApiToken {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        prefix: r.try_get("prefix")?,
        unit_code: r.try_get("unit_code")?,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Data(format!("role: “{role}” is not a role")))?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

pub(crate) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Data(format!("hashing a password: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A password good enough for an account that sees personal health data.
pub(crate) fn check_password(password: &str, username: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < 10 {
        return Err(FieldError::new(
            "password",
            "too_short",
            "Mật khẩu cần ít nhất 10 ký tự.",
            "The password needs at least 10 characters.",
        ));
    }
    if n > 200 {
        return Err(FieldError::new(
            "password",
            "too_long",
            "Mật khẩu dài quá 200 ký tự.",
            "The password is longer than 200 characters.",
        ));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) && !username.is_empty() {
        return Err(FieldError::new(
            "password",
            "contains_username",
            "Mật khẩu không được chứa tên đăng nhập.",
            "The password must not contain the user name.",
        ));
    }
    Ok(())
}

fn check_username(username: &str) -> Result<String, FieldError> {
    let u = username.trim().to_lowercase();
    let ok = (3..=40).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(u)
    } else {
        Err(FieldError::new(
            "username",
            "invalid_username",
            "Tên đăng nhập gồm 3–40 ký tự: chữ không dấu, số, dấu chấm, gạch dưới, gạch ngang.",
            "A user name has 3–40 characters: unaccented letters, digits, '.', '_' or '-'.",
        ))
    }
}

fn unauthorized(vi: &str, en: &str) -> StoreError {
    StoreError::Unauthorized {
        message_vi: vi.to_owned(),
        message_en: en.to_owned(),
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The unit a new account or token is bound to: it must exist, be a province,
/// district or commune, and lie within the actor's jurisdiction.
async fn bound_unit(store: &Store, actor: &Actor, code: &str) -> Result<crate::Unit> {
    let invalid = |vi: &str, en: &str| {
        StoreError::Invalid(Invalid(vec![FieldError::new(
            "unit_code",
            "invalid_unit",
            vi.to_owned(),
            en.to_owned(),
        )]))
    };
    let unit = match store.unit(code).await {
        Ok(u) => u,
        Err(StoreError::NotFound { .. }) | Err(StoreError::Invalid(_)) => {
            return Err(invalid(
                "Không có đơn vị này.",
                "There is no such administrative unit.",
            ));
        }
        Err(e) => return Err(e),
    };
    if !actor.scope.contains(&unit) {
        return Err(invalid(
            "Đơn vị nằm ngoài phạm vi của bạn.",
            "The unit lies outside your jurisdiction.",
        ));
    }
    if unit.level == UnitLevel::Hamlet {
        return Err(invalid(
            "Tài khoản gắn với cấp quốc gia, tỉnh, huyện hoặc xã, không gắn với thôn.",
            "Accounts belong to the national level, a province, district or commune, not to a hamlet.",
        ));
    }
    Ok(unit)
}

fn parse_role(role: &str) -> Result<Role> {
    Role::parse(role).ok_or_else(|| {
        StoreError::Invalid(Invalid(vec![FieldError::new(
            "role",
            "invalid_role",
            "Vai trò không hợp lệ.",
            "The role is not valid.",
        )]))
    })
}

impl Store {
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.read)
            .await?)
    }

    /// Create an account under the actor's jurisdiction.
    pub async fn add_user(&self, actor: &Actor, new: &NewUser) -> Result<User> {
        actor.require(Permission::ManageUsers)?;
        let mut errors = Vec::new();
        let username = check_username(&new.username)
            .map_err(|e| errors.push(e))
            .ok();
        let display_name = phongdich_domain::text::clean(&new.display_name);
        if display_name.is_empty() || display_name.chars().count() > 120 {
            errors.push(FieldError::new(
                "display_name",
                "required",
                "Cần họ tên người dùng (tối đa 120 ký tự).",
                "The user's full name is needed (up to 120 characters).",
            ));
        }
        let role = Role::parse(&new.role);
        if role.is_none() {
            errors.push(FieldError::new(
                "role",
                "invalid_role",
                "Vai trò không hợp lệ.",
                "The role is not valid.",
            ));
        }
        if let Err(e) = check_password(&new.password, username.as_deref().unwrap_or("")) {
            errors.push(e);
        }
        let unit = match bound_unit(self, actor, new.unit_code.trim()).await {
            Ok(u) => Some(u),
            Err(StoreError::Invalid(i)) => {
                errors.extend(i.0);
                None
            }
            Err(e) => return Err(e),
        };
        let (Some(username), Some(role), Some(unit), true) =
            (username, role, unit, errors.is_empty())
        else {
            return Err(StoreError::Invalid(Invalid(errors)));
        };
        let hash = hash_password(&new.password)?;
        let mut tx = self.write.begin().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Invalid(Invalid(vec![FieldError::new(
                "username",
                "taken",
                "Tên đăng nhập này đã có người dùng.",
                "This user name is already taken.",
            )])));
        }
        let stamp = self.stamp();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, unit_code, province_code, district_code, commune_code, \
             role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(username.as_str())
        .bind(display_name.as_str())
        .bind(unit.code.as_str())
        .bind(unit.province_code.as_str())
        .bind(unit.district_code.as_deref())
        .bind(unit.commune_code.as_deref())
        .bind(role.as_str())
        .bind(hash.as_str())
        .bind(stamp.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let user = fetch_user(&mut tx, id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "user",
            &user.username,
            Some(&user.unit_code),
            None::<&()>,
            Some(&user),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Accounts within a scope, by user name.
    pub async fn users(&self, scope: &Scope) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE 1 = 1");
        let mut b = QueryBuilder::numbered(sql, 0);
        scope.push_filter(&mut b, "u");
        b.push(" ORDER BY username");
        let q = b.bind_onto(sqlx::query(b.sql()));
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(user_from_row)
            .collect()
    }

    /// One account within the scope; outside it, not found.
    pub async fn user(&self, scope: &Scope, username: &str) -> Result<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE username = $1");
        let mut b = QueryBuilder::numbered(sql, 1);
        scope.push_filter(&mut b, "u");
        let q = b.bind_onto(sqlx::query(b.sql()).bind(username.trim().to_lowercase()));
        match q.fetch_optional(&self.read).await? {
            Some(r) => user_from_row(&r),
            None => Err(StoreError::not_found(crate::error::Entity::User, username)),
        }
    }

    /// Change an account's role (a permission change, audited with before and
    /// after); its sessions end so the new role applies at once.
    pub async fn set_user_role(&self, actor: &Actor, username: &str, role: &str) -> Result<User> {
        actor.require(Permission::ManageUsers)?;
        let role = parse_role(role)?;
        let before = self.user(&actor.scope, username).await?;
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(self.stamp())
            .bind(before.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(before.id)
            .execute(&mut *tx)
            .await?;
        let after = fetch_user(&mut tx, before.id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "change_role",
            "user",
            &after.username,
            Some(&after.unit_code),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Disable (or enable again) an account; disabling ends its sessions.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
    ) -> Result<User> {
        actor.require(Permission::ManageUsers)?;
        let before = self.user(&actor.scope, username).await?;
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3")
            .bind(disabled.then(|| self.stamp()))
            .bind(self.stamp())
            .bind(before.id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(before.id)
                .execute(&mut *tx)
                .await?;
        }
        let after = fetch_user(&mut tx, before.id).await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            if disabled { "disable" } else { "enable" },
            "user",
            &after.username,
            Some(&after.unit_code),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Set a new password for an account under the actor (administrators), or
    /// for oneself with the current password (`current`); ends its sessions.
    pub async fn set_password(
        &self,
        actor: &Actor,
        username: &str,
        current: Option<&str>,
        new_password: &str,
    ) -> Result<()> {
        let user = match current {
            Some(current) => {
                let u = self.user(&Scope::national(), username).await?;
                let hash: String =
                    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                        .bind(u.id)
                        .fetch_one(&self.read)
                        .await?;
                if u.username != actor.name || !verify_password(current, &hash) {
                    return Err(StoreError::Invalid(Invalid(vec![FieldError::new(
                        "current_password",
                        "wrong_password",
                        "Mật khẩu hiện tại không đúng.",
                        "The current password is wrong.",
                    )])));
                }
                u
            }
            None => {
                actor.require(Permission::ManageUsers)?;
                self.user(&actor.scope, username).await?
            }
        };
        check_password(new_password, &user.username).map_err(|e| Invalid(vec![e]))?;
        let hash = hash_password(new_password)?;
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash.as_str())
            .bind(self.stamp())
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            if current.is_some() {
                "change_password"
            } else {
                "reset_password"
            },
            "user",
            &user.username,
            Some(&user.unit_code),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Check a user name and password and open a session. Failures are
    /// audited and throttled per account and per address.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        source: &str,
    ) -> Result<(User, Session)> {
        let username = username.trim().to_lowercase();
        let anonymous = Actor {
            name: username.clone(),
            source: source.to_owned(),
            scope: Scope::nothing(),
            role: Role::Viewer,
        };
        let at = self.throttle_now();
        // (No user name is this long: a longer one is kept to its start.)
        let short: String = username.chars().take(200).collect();
        let account_key = format!("u:{short} {source}");
        let address_key = format!("a:{source}");
        let by_account = self
            .tally(&account_key, at - ACCOUNT_FAILURE_MEMORY)
            .await?;
        let by_address = self
            .tally(&address_key, at - ADDRESS_FAILURE_MEMORY)
            .await?;
        let mut retry_after = 0;
        let mut burst = None;
        for (tally, free) in [
            (&by_account, FREE_LOGIN_FAILURES_PER_ACCOUNT),
            (&by_address, FREE_LOGIN_FAILURES_PER_ADDRESS),
        ] {
            if let Some(t) = tally {
                let left = t.last_failure + login_wait(t.failures, free) - at;
                if left > Duration::zero() {
                    // Whole seconds, rounded up.
                    let secs = (left.num_milliseconds() as u64).div_ceil(1000);
                    retry_after = retry_after.max(secs);
                    burst.get_or_insert(t);
                }
            }
        }
        if let Some(t) = burst {
            // Refused unchecked; one audit row for the first refusal since
            // the last failure, a count for the rest.
            let first = sqlx::query(
                "UPDATE login_throttle SET refused = refused + 1 WHERE key = $1 AND refused = 0",
            )
            .bind(t.key.as_str())
            .execute(&self.write)
            .await?
            .rows_affected()
                == 1;
            if first {
                // Filed under the account's unit when there is one, like failures.
                let unit: Option<String> =
                    sqlx::query_scalar("SELECT unit_code FROM users WHERE username = $1")
                        .bind(username.as_str())
                        .fetch_optional(&self.read)
                        .await?;
                let filed = Actor {
                    scope: unit
                        .as_deref()
                        .and_then(|u| UnitCode::parse(u).ok())
                        .map(Scope::unit)
                        .unwrap_or_else(Scope::nothing),
                    ..anonymous.clone()
                };
                self.record_event(
                    &filed,
                    "login_throttled",
                    "user",
                    &username,
                    &serde_json::json!({
                        "failures": t.failures,
                        "by": if t.key == account_key { "account_and_address" } else { "address" },
                        "retry_after_seconds": retry_after,
                    }),
                )
                .await?;
            } else {
                sqlx::query("UPDATE login_throttle SET refused = refused + 1 WHERE key = $1")
                    .bind(t.key.as_str())
                    .execute(&self.write)
                    .await?;
            }
            let (vi, en) = wait_words(retry_after);
            return Err(StoreError::Throttled {
                retry_after,
                message_vi: format!("Đăng nhập sai quá nhiều lần; hãy thử lại sau {vi}."),
                message_en: format!("Too many failed logins; try again in {en}."),
            });
        }
        // Attempts refused in the burst before this one, for the audit row.
        let refused: i64 = [&by_account, &by_address]
            .iter()
            .filter_map(|t| t.as_ref().map(|t| t.refused))
            .max()
            .unwrap_or(0);
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"
        ))
        .bind(username.as_str())
        .fetch_optional(&self.read)
        .await?;
        let found = match &row {
            Some(r) => Some((user_from_row(r)?, r.try_get::<String, _>("password_hash")?)),
            None => None,
        };
        let user = match found {
            Some((u, hash)) if verify_password(password, &hash) && !u.disabled => u,
            other => {
                // Filed under the account's unit, so its administrators see it.
                let failed = match &other {
                    Some((u, _)) => Actor {
                        role: Role::Viewer,
                        ..u.actor(source)
                    },
                    None => {
                        // Spend the same time as a real check, so that timing
                        // does not tell which user names exist.
                        let _ = hash_password(password);
                        anonymous
                    }
                };
                for (key, forget) in [
                    (&account_key, at - ACCOUNT_FAILURE_MEMORY),
                    (&address_key, at - ADDRESS_FAILURE_MEMORY),
                ] {
                    self.count_failure(key, at, forget).await?;
                }
                let details =
                    (refused > 0).then(|| serde_json::json!({ "refused_before": refused }));
                self.record_event(&failed, "login_failed", "user", &username, &details)
                    .await?;
                return Err(unauthorized(
                    "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khoá.",
                    "Wrong user name or password, or the account is disabled.",
                ));
            }
        };
        let session = Session {
            token: secret(),
            csrf_token: secret(),
        };
        let stamp = self.stamp();
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, source, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(sha256(&session.token))
        .bind(user.id)
        .bind(session.csrf_token.as_str())
        .bind(source)
        .bind(stamp.as_str())
        .execute(&mut *tx)
        .await?;
        // Success from here starts this account's count from here afresh.
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(account_key.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(stamp.as_str())
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &self.clock,
            &mut tx,
            &user.actor(source),
            "login",
            "user",
            &user.username,
            Some(&user.unit_code),
            None::<&()>,
            (refused > 0)
                .then(|| serde_json::json!({ "refused_before": refused }))
                .as_ref(),
        )
        .await?;
        tx.commit().await?;
        Ok((user, session))
    }

    /// The user behind a session cookie, if the session is alive; refreshes
    /// its idle clock.
    pub async fn session_user(&self, token: &str) -> Result<Option<(User, String)>> {
        let hash = sha256(token);
        let Some(r) = sqlx::query(&format!(
            "SELECT {}, s.csrf_token, s.created_at AS s_created, s.last_seen_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
            USER_COLUMNS
                .split(", ")
                .map(|c| if c.starts_with('(') {
                    c.to_owned()
                } else {
                    format!("u.{c}")
                })
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(hash.as_str())
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        let user = user_from_row(&r)?;
        let csrf: String = r.try_get("csrf_token")?;
        let created = parse_time(&r.try_get::<String, _>("s_created")?);
        let seen = parse_time(&r.try_get::<String, _>("last_seen_at")?);
        let now_t = self.clock.now_utc();
        let alive = matches!((created, seen), (Some(c), Some(s))
            if now_t - s < SESSION_IDLE && now_t - c < SESSION_MAX);
        if !alive || user.disabled {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(hash.as_str())
                .execute(&self.write)
                .await?;
            return Ok(None);
        }
        // Refresh at most once a minute: most requests need no write.
        if seen.is_some_and(|s| now_t - s > Duration::minutes(1)) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(self.stamp())
                .bind(hash.as_str())
                .execute(&self.write)
                .await?;
        }
        Ok(Some((user, csrf)))
    }

    pub async fn logout(&self, token: &str, source: &str) -> Result<()> {
        if let Some((user, _)) = self.session_user(token).await? {
            let mut tx = self.write.begin().await?;
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(sha256(token))
                .execute(&mut *tx)
                .await?;
            audit::record(
                &self.clock,
                &mut tx,
                &user.actor(source),
                "logout",
                "user",
                &user.username,
                Some(&user.unit_code),
                None::<&()>,
                None::<&()>,
            )
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Create an API token bound to a unit and a role; the secret is returned
    /// once and only its hash is kept.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        unit_code: &str,
        role: &str,
    ) -> Result<(ApiToken, String)> {
        actor.require(Permission::ManageUsers)?;
        let name = phongdich_domain::text::clean(name);
        if name.is_empty() {
            return Err(StoreError::Invalid(Invalid(vec![FieldError::new(
                "name",
                "required",
                "Cần tên gợi nhớ cho mã truy cập (hệ thống nào dùng nó).",
                "The token needs a name (which system uses it).",
            )])));
        }
        let role = parse_role(role)?;
        let unit = bound_unit(self, actor, unit_code.trim()).await?;
        let secret = format!("pd_{}", secret());
        let prefix: String = secret.chars().take(10).collect();
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (name, token_hash, prefix, unit_code, province_code, district_code, commune_code, \
             role, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(name.as_str())
        .bind(sha256(&secret))
        .bind(prefix.as_str())
        .bind(unit.code.as_str())
        .bind(unit.province_code.as_str())
        .bind(unit.district_code.as_deref())
        .bind(unit.commune_code.as_deref())
        .bind(role.as_str())
        .bind(actor.name.as_str())
        .bind(self.stamp())
        .fetch_one(&mut *tx)
        .await?;
        let token = token_from_row(
            &sqlx::query("SELECT * FROM api_tokens WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "create",
            "api_token",
            &id.to_string(),
            Some(&token.unit_code),
            None::<&()>,
            Some(&token),
        )
        .await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    pub async fn api_tokens(&self, scope: &Scope) -> Result<Vec<ApiToken>> {
        let sql = String::from("SELECT * FROM api_tokens t WHERE 1 = 1");
        let mut b = QueryBuilder::numbered(sql, 0);
        scope.push_filter(&mut b, "t");
        b.push(" ORDER BY id DESC");
        let q = b.bind_onto(sqlx::query(b.sql()));
        q.fetch_all(&self.read)
            .await?
            .iter()
            .map(token_from_row)
            .collect()
    }

    pub async fn revoke_api_token(&self, actor: &Actor, id: i64) -> Result<ApiToken> {
        actor.require(Permission::ManageUsers)?;
        let before = self
            .api_tokens(&actor.scope)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| StoreError::not_found(crate::error::Entity::ApiToken, id))?;
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(self.stamp())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let after = token_from_row(
            &sqlx::query("SELECT * FROM api_tokens WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        audit::record(
            &self.clock,
            &mut tx,
            actor,
            "revoke",
            "api_token",
            &id.to_string(),
            Some(&after.unit_code),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The actor an API token acts as, if it is valid; records its use.
    pub async fn token_actor(&self, secret: &str, source: &str) -> Result<Option<Actor>> {
        let Some(r) =
            sqlx::query("SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(sha256(secret))
                .fetch_optional(&self.read)
                .await?
        else {
            return Ok(None);
        };
        let token = token_from_row(&r)?;
        let stale = token
            .last_used_at
            .as_deref()
            .and_then(parse_time)
            .is_none_or(|t| self.clock.now_utc() - t > Duration::minutes(1));
        if stale {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(self.stamp())
                .bind(token.id)
                .execute(&self.write)
                .await?;
        }
        Ok(Some(Actor {
            name: format!("token:{}", token.name),
            source: source.to_owned(),
            scope: UnitCode::parse(&token.unit_code)
                .map(Scope::unit)
                .unwrap_or_else(|_| Scope::nothing()),
            role: token.role,
        }))
    }
}

async fn fetch_user(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<User> {
    let r = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    user_from_row(&r)
}

impl Store {
    fn throttle_now(&self) -> DateTime<Utc> {
        self.clock.now_utc()
    }

    /// The failures `key` remembers (none when the last is before `forget`).
    async fn tally(&self, key: &str, forget: DateTime<Utc>) -> Result<Option<Tally>> {
        let row = sqlx::query(
            "SELECT failures, last_failure_at, refused FROM login_throttle \
             WHERE key = $1 AND last_failure_at >= $2",
        )
        .bind(key)
        .bind(stamp(forget))
        .fetch_optional(&self.read)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let last: String = r.try_get("last_failure_at")?;
        Ok(parse_time(&last).map(|last_failure| Tally {
            key: key.to_owned(),
            failures: r.try_get("failures").unwrap_or(0),
            last_failure,
            refused: r.try_get("refused").unwrap_or(0),
        }))
    }

    /// One more failure for `key` (the first, when those it had are older
    /// than `forget`); rows nobody failed at for a day go.
    async fn count_failure(
        &self,
        key: &str,
        at: DateTime<Utc>,
        forget: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO login_throttle (key, failures, last_failure_at, refused) VALUES ($1, 1, $2, 0) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1 ELSE login_throttle.failures + 1 END, \
             last_failure_at = $2, refused = 0",
        )
        .bind(key)
        .bind(stamp(at))
        .bind(stamp(forget))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM login_throttle WHERE last_failure_at < $1")
            .bind(stamp(at - ACCOUNT_FAILURE_MEMORY))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
