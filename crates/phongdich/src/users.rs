//! `phongdich user …` and `phongdich token …`: accounts from the terminal.
//! Passwords are read from standard input (one line), never from arguments,
//! so they stay out of shell history and process lists.

use anyhow::{Context, bail};
use phongdich_store::{Actor, NewUser, Scope, Store, StoreError};
use std::io::{BufRead, IsTerminal, Write};

#[derive(clap::Subcommand)]
pub(crate) enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        username: String,
        /// Full name shown in the interface and the audit log.
        #[arg(long)]
        name: String,
        /// The unit the account belongs to: VN (national: the Ministry, the
        /// national steering committee), or a province, district or commune code.
        #[arg(long)]
        unit: String,
        /// admin, health_staff, contact_tracer, lab_staff, quarantine_staff, aid_volunteer, viewer
        #[arg(long)]
        role: String,
    },
    /// List accounts.
    List,
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Set a new password (read from standard input) and end the account's sessions.
    ResetPassword { username: String },
}

#[derive(clap::Subcommand)]
pub(crate) enum TokenCommand {
    /// Create an API token for an integration; the secret is printed once.
    Add {
        #[arg(long)]
        name: String,
        /// VN (national), or a province, district or commune code.
        #[arg(long)]
        unit: String,
        #[arg(long, default_value = "viewer")]
        role: String,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id.
    Revoke { id: i64 },
}

fn read_password(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("Không có mật khẩu trên đầu vào chuẩn / no password on standard input");
    }
    Ok(password)
}

/// Bilingual field errors as terminal lines.
fn explain(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid(i) => anyhow::anyhow!(
            "{}",
            i.0.iter()
                .map(|e| format!("{}: {} / {}", e.field, e.message_vi, e.message_en))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => other.into(),
    }
}

pub(crate) async fn user(store: &Store, cmd: UserCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match cmd {
        UserCommand::Add {
            username,
            name,
            unit,
            role,
        } => {
            let password = read_password("Mật khẩu / password: ")?;
            let u = store
                .add_user(
                    &actor,
                    &NewUser {
                        username,
                        display_name: name,
                        unit_code: unit,
                        role,
                        password,
                    },
                )
                .await
                .map_err(explain)?;
            println!(
                "Đã tạo / created: {} ({}, {})",
                u.username, u.role, u.unit_code
            );
        }
        UserCommand::List => {
            for u in store.users(&Scope::national()).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.role,
                    u.unit_code,
                    if u.disabled { "disabled" } else { "active" }
                );
            }
        }
        UserCommand::Disable { username } => {
            store.set_user_disabled(&actor, &username, true).await?;
            println!("Đã khoá / disabled: {username}");
        }
        UserCommand::Enable { username } => {
            store.set_user_disabled(&actor, &username, false).await?;
            println!("Đã mở khoá / enabled: {username}");
        }
        UserCommand::ResetPassword { username } => {
            let password = read_password("Mật khẩu mới / new password: ")?;
            store
                .set_password(&actor, &username, None, &password)
                .await
                .map_err(explain)?;
            println!("Đã đặt lại mật khẩu / password reset: {username}");
        }
    }
    Ok(())
}

pub(crate) async fn token(store: &Store, cmd: TokenCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match cmd {
        TokenCommand::Add { name, unit, role } => {
            let (t, secret) = store
                .create_api_token(&actor, &name, &unit, &role)
                .await
                .map_err(explain)?;
            eprintln!(
                "Mã #{} ({}, {}) — chỉ hiện một lần / shown only once:",
                t.id, t.role, t.unit_code
            );
            println!("{secret}");
        }
        TokenCommand::List => {
            for t in store.api_tokens(&Scope::national()).await? {
                println!(
                    "{}\t{}\t{}…\t{}\t{}\t{}",
                    t.id,
                    t.name,
                    t.prefix,
                    t.role,
                    t.unit_code,
                    t.revoked_at.as_deref().unwrap_or("active")
                );
            }
        }
        TokenCommand::Revoke { id } => {
            store.revoke_api_token(&actor, id).await?;
            println!("Đã thu hồi / revoked: {id}");
        }
    }
    Ok(())
}

/// Printed by `serve` while no account exists.
pub(crate) fn first_run_hint(db: &str) {
    eprintln!(
        "Chưa có tài khoản nào. Tạo quản trị viên đầu tiên / no accounts yet; create the first administrator:\n  \
         phongdich --db {db} user add admin --name \"Quản trị tỉnh\" --unit 22 --role admin   (mật khẩu đọc từ đầu vào chuẩn / password read from stdin)"
    );
}
