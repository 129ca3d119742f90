#![allow(clippy::unwrap_used)]
//! Accounts, logins, API tokens and jurisdiction against a real database
//! (SQLite, or PostgreSQL when PHONGDICH_TEST_POSTGRES is set): what an
//! administrator and a member of staff rely on when they sign in.

use chrono::{Duration, SecondsFormat, Utc};
use phongdich_domain::{FieldError, Invalid, NewPerson, Permission, PersonInput, Role, UnitCode};
use phongdich_store::testing::{
    CAM_PHA, HA_KHANH, HA_LONG, HA_NOI, HA_PHONG, MONG_DUONG, PHUC_XA, QUANG_NINH, TestDb,
    person_input, today,
};
use phongdich_store::{
    Actor, AuditEntry, AuditFilter, NewHamlet, NewUser, Person, PersonQuery, PersonUpdate, Scope,
    Session, Store, StoreError, User,
};
use std::fmt::Debug;

// Quảng Ninh (22): Hạ Long (district 193) with communes 06649 Hà Khánh and
// 06652 Hà Phong; Cẩm Phả (district 195) with commune 06760 Mông Dương.
// Hà Nội (01), Ba Đình: commune 00001 Phúc Xá.

/// Long enough, and containing none of the user names used here.
const PASSWORD: &str = "Rừng thông xanh 2021";
const NEW_PASSWORD: &str = "Biển Bãi Cháy 2022!";

fn user_input(username: &str, unit: &str, role: &str) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: format!("Cán bộ {username}"),
        unit_code: unit.into(),
        role: role.into(),
        password: PASSWORD.into(),
    }
}

async fn add(s: &Store, by: &Actor, username: &str, unit: &str, role: &str) -> User {
    s.add_user(by, &user_input(username, unit, role))
        .await
        .unwrap_or_else(|e| panic!("adding {username}: {e:?}"))
}

/// A user, created by the operator, and the actor they act as.
async fn staff(s: &Store, username: &str, unit: &str, role: &str) -> Actor {
    add(s, &Actor::system("test"), username, unit, role)
        .await
        .actor("test")
}

/// The field errors of an `Invalid` refusal, each checked to carry a message
/// in Vietnamese and one in English.
#[track_caller]
fn invalid<T: Debug>(r: Result<T, StoreError>) -> Vec<FieldError> {
    match r {
        Err(StoreError::Invalid(Invalid(errors))) => {
            assert!(!errors.is_empty(), "an Invalid refusal names its fields");
            for e in &errors {
                assert!(
                    !e.message_vi.is_ascii() && !e.message_en.trim().is_empty(),
                    "{e:?}: a Vietnamese and an English message"
                );
                assert_ne!(e.message_vi, e.message_en, "{e:?}");
            }
            errors
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    let mut f: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    f.sort_unstable();
    f
}

#[track_caller]
fn forbidden<T: Debug>(r: Result<T, StoreError>) -> Permission {
    match r {
        Err(StoreError::Forbidden { permission }) => permission,
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

#[track_caller]
fn not_found<T: Debug>(r: Result<T, StoreError>) {
    assert!(
        matches!(r, Err(StoreError::NotFound { .. })),
        "expected NotFound, got {r:?}"
    );
}

#[track_caller]
fn unauthorized<T: Debug>(r: Result<T, StoreError>) -> (String, String) {
    match r {
        Err(StoreError::Unauthorized {
            message_vi,
            message_en,
        }) => {
            assert!(!message_vi.is_empty() && !message_en.is_empty());
            (message_vi, message_en)
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
}

fn usernames(users: &[User]) -> Vec<&str> {
    users.iter().map(|u| u.username.as_str()).collect()
}

async fn audit(s: &Store, actor: &Actor, action: &str) -> Vec<AuditEntry> {
    s.audit_entries(
        actor,
        &AuditFilter {
            action: Some(action.into()),
            limit: 1000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn login(s: &Store, username: &str, password: &str) -> Session {
    s.login(username, password, "10.0.0.1")
        .await
        .unwrap_or_else(|e| panic!("{username} logging in: {e:?}"))
        .1
}

async fn alive(s: &Store, session: &Session) -> bool {
    s.session_user(&session.token).await.unwrap().is_some()
}

fn scope_of(code: &str) -> Scope {
    Scope::unit(UnitCode::parse(code).unwrap())
}

// ---------------------------------------------------------------- accounts

#[tokio::test]
async fn a_province_admin_adds_staff_and_bad_input_creates_nothing() {
    let db = TestDb::new().await;
    let s = &db.store;
    let qn_admin = add(s, &Actor::system("test"), "qn.admin", QUANG_NINH, "admin").await;
    assert_eq!(
        (qn_admin.unit_code.as_str(), qn_admin.role),
        (QUANG_NINH, Role::Admin)
    );
    let admin = qn_admin.actor("test");
    assert_eq!(admin.scope, scope_of(QUANG_NINH));

    let hoa = s
        .add_user(
            &admin,
            &NewUser {
                username: "  HK.YTe ".into(),
                display_name: "  Nguyễn   Thị Hoa ".into(),
                unit_code: " 06649 ".into(),
                role: "health_staff".into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            hoa.username.as_str(),
            hoa.display_name.as_str(),
            hoa.unit_code.as_str(),
            hoa.role,
            hoa.disabled,
            hoa.last_login_at.as_deref(),
        ),
        (
            "hk.yte",
            "Nguyễn Thị Hoa",
            HA_KHANH,
            Role::HealthStaff,
            false,
            None
        )
    );
    assert_eq!(s.user(&admin.scope, "HK.YTE").await.unwrap().id, hoa.id);
    assert_eq!(
        usernames(&s.users(&admin.scope).await.unwrap()),
        vec!["hk.yte", "qn.admin"]
    );
    let created = audit(s, &admin, "create").await;
    let entry = created
        .iter()
        .find(|e| e.entity == "user" && e.entity_id == "hk.yte")
        .expect("the new account is in the province's audit log");
    assert_eq!(
        (entry.actor.as_str(), entry.unit_code.as_deref()),
        ("qn.admin", Some(HA_KHANH))
    );
    let recorded = entry.after.as_ref().unwrap().to_string();
    assert!(
        !recorded.contains("argon2") && !recorded.contains(PASSWORD),
        "no password in the audit log: {recorded}"
    );

    // Bad input: every problem named by its field, nothing created.
    let hamlet = s
        .add_hamlet(
            &admin,
            &NewHamlet {
                commune_code: HA_KHANH.into(),
                name: "Tổ dân phố 1".into(),
                kind: "tổ dân phố".into(),
            },
        )
        .await
        .unwrap();
    let good = user_input("hk.bacsi", HA_KHANH, "health_staff");
    let cases: Vec<(&str, NewUser, &str, &str, &str)> = vec![
        (
            "short password",
            NewUser {
                password: "ngắn-123".into(),
                ..good.clone()
            },
            "password",
            "too_short",
            "10 characters",
        ),
        (
            "password containing the user name",
            NewUser {
                password: "Mat-khau-HK.BACSI-2021".into(),
                ..good.clone()
            },
            "password",
            "contains_username",
            "user name",
        ),
        (
            "user name with spaces and diacritics",
            NewUser {
                username: "Bác sĩ Hà".into(),
                ..good.clone()
            },
            "username",
            "invalid_username",
            "3–40",
        ),
        (
            "user name too short",
            NewUser {
                username: "hk".into(),
                ..good.clone()
            },
            "username",
            "invalid_username",
            "3–40",
        ),
        (
            "unknown unit",
            NewUser {
                unit_code: "99999".into(),
                ..good.clone()
            },
            "unit_code",
            "invalid_unit",
            "no such",
        ),
        (
            "unit outside the province",
            NewUser {
                unit_code: PHUC_XA.into(),
                ..good.clone()
            },
            "unit_code",
            "invalid_unit",
            "outside your jurisdiction",
        ),
        (
            "hamlet",
            NewUser {
                unit_code: hamlet.code.clone(),
                ..good.clone()
            },
            "unit_code",
            "invalid_unit",
            "hamlet",
        ),
        (
            "unknown role",
            NewUser {
                role: "root".into(),
                ..good.clone()
            },
            "role",
            "invalid_role",
            "role",
        ),
        (
            "no name",
            NewUser {
                display_name: "   ".into(),
                ..good.clone()
            },
            "display_name",
            "required",
            "name",
        ),
    ];
    for (what, input, field, code, english) in cases {
        let errors = invalid(s.add_user(&admin, &input).await);
        assert_eq!(fields(&errors), vec![field], "{what}: {errors:?}");
        assert_eq!(errors[0].code, code, "{what}");
        assert!(
            errors[0].message_en.to_lowercase().contains(english),
            "{what}: {:?}",
            errors[0].message_en
        );
    }
    // All at once: every field is reported, not only the first.
    let errors = invalid(
        s.add_user(
            &admin,
            &NewUser {
                username: "x".into(),
                display_name: String::new(),
                unit_code: PHUC_XA.into(),
                role: "boss".into(),
                password: "123".into(),
            },
        )
        .await,
    );
    assert_eq!(
        fields(&errors),
        vec!["display_name", "password", "role", "unit_code", "username"]
    );
    assert_eq!(s.user_count().await.unwrap(), 2, "nothing was created");
    not_found(s.user(&Scope::national(), "hk.bacsi").await);

    // The good input goes through; the same name again, in any case, does not.
    add(s, &admin, "hk.bacsi", HA_KHANH, "health_staff").await;
    let errors = invalid(
        s.add_user(
            &admin,
            &NewUser {
                username: " HK.Bacsi".into(),
                unit_code: HA_PHONG.into(),
                ..good.clone()
            },
        )
        .await,
    );
    assert_eq!(
        (fields(&errors), errors[0].code),
        (vec!["username"], "taken")
    );
    assert_eq!(
        s.user(&Scope::national(), "hk.bacsi")
            .await
            .unwrap()
            .unit_code,
        HA_KHANH
    );
    assert_eq!(s.user_count().await.unwrap(), 3);

    // Someone who is not an administrator manages no accounts.
    let nurse = hoa.actor("test");
    let refused = s
        .add_user(&nurse, &user_input("hk.yta", HA_KHANH, "viewer"))
        .await;
    assert_eq!(forbidden(refused), Permission::ManageUsers);
    assert_eq!(
        forbidden(s.set_user_disabled(&nurse, "hk.bacsi", true).await),
        Permission::ManageUsers
    );
    assert_eq!(
        forbidden(s.set_password(&nurse, "hk.bacsi", None, NEW_PASSWORD).await),
        Permission::ManageUsers
    );
    assert_eq!(
        forbidden(s.create_api_token(&nurse, "Zalo", HA_KHANH, "viewer").await),
        Permission::ManageUsers
    );
    assert_eq!(s.user_count().await.unwrap(), 3);
    assert!(!s.user(&admin.scope, "hk.bacsi").await.unwrap().disabled);
    login(s, "hk.bacsi", PASSWORD).await;
}

#[tokio::test]
async fn a_district_admin_manages_only_their_own_district() {
    let db = TestDb::new().await;
    let s = &db.store;
    let ha_long = staff(s, "hl.admin", HA_LONG, "admin").await;
    let cam_pha = staff(s, "cp.admin", CAM_PHA, "admin").await;
    add(s, &ha_long, "hk.yte", HA_KHANH, "health_staff").await;
    let hk_admin = add(s, &ha_long, "hk.admin", HA_KHANH, "admin")
        .await
        .actor("test");
    add(s, &cam_pha, "md.yte", MONG_DUONG, "health_staff").await;

    // Creating an account elsewhere, or above oneself, is refused on the unit.
    for unit in [MONG_DUONG, CAM_PHA, QUANG_NINH, PHUC_XA] {
        let errors = invalid(
            s.add_user(&ha_long, &user_input("hl.moi", unit, "viewer"))
                .await,
        );
        assert_eq!(fields(&errors), vec!["unit_code"], "unit {unit}");
    }
    not_found(s.user(&Scope::national(), "hl.moi").await);

    assert_eq!(
        usernames(&s.users(&ha_long.scope).await.unwrap()),
        vec!["hk.admin", "hk.yte", "hl.admin"]
    );
    assert_eq!(
        usernames(&s.users(&cam_pha.scope).await.unwrap()),
        vec!["cp.admin", "md.yte"]
    );
    assert_eq!(
        usernames(&s.users(&hk_admin.scope).await.unwrap()),
        vec!["hk.admin", "hk.yte"]
    );
    assert_eq!(s.users(&Scope::national()).await.unwrap().len(), 5);

    // Users of the other district can be neither seen, disabled nor reset.
    for name in ["md.yte", "cp.admin"] {
        not_found(s.user(&ha_long.scope, name).await);
        not_found(s.set_user_disabled(&ha_long, name, true).await);
        not_found(s.set_password(&ha_long, name, None, NEW_PASSWORD).await);
    }
    // Nor can a commune administrator reach the district administrator.
    not_found(s.user(&hk_admin.scope, "hl.admin").await);
    not_found(s.set_user_disabled(&hk_admin, "hl.admin", true).await);
    not_found(
        s.set_password(&hk_admin, "hl.admin", None, NEW_PASSWORD)
            .await,
    );
    // Their accounts are untouched: still enabled, still the old password.
    assert!(!s.user(&cam_pha.scope, "md.yte").await.unwrap().disabled);
    login(s, "md.yte", PASSWORD).await;
    login(s, "hl.admin", PASSWORD).await;

    // Within the district the administrator can do all three.
    let off = s.set_user_disabled(&ha_long, "hk.yte", true).await.unwrap();
    assert!(off.disabled);
    assert!(s.user(&ha_long.scope, "hk.yte").await.unwrap().disabled);
    let on = s
        .set_user_disabled(&ha_long, "hk.yte", false)
        .await
        .unwrap();
    assert!(!on.disabled);
    s.set_password(&ha_long, "hk.yte", None, NEW_PASSWORD)
        .await
        .unwrap();
    unauthorized(s.login("hk.yte", PASSWORD, "10.0.0.2").await);
    login(s, "hk.yte", NEW_PASSWORD).await;
    let actions: Vec<String> = s
        .audit_entries(
            &ha_long,
            &AuditFilter {
                entity: Some("user".into()),
                entity_id: Some("hk.yte".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        vec![
            "login",
            "login_failed",
            "reset_password",
            "enable",
            "disable",
            "create"
        ]
    );
    // Cẩm Phả's administrator sees none of it.
    assert!(
        s.audit_entries(&cam_pha, &AuditFilter::default())
            .await
            .unwrap()
            .iter()
            .all(|e| e.entity_id != "hk.yte"),
    );
}

// ------------------------------------------------------------------- login

#[tokio::test]
async fn a_login_opens_a_session_and_no_secret_is_stored_in_clear() {
    let db = TestDb::new().await;
    let s = &db.store;
    add(
        s,
        &Actor::system("test"),
        "hk.yte",
        HA_KHANH,
        "health_staff",
    )
    .await;
    assert!(s.session_user("no-such-session").await.unwrap().is_none());

    let (user, session) = s.login(" HK.YTE ", PASSWORD, "10.0.0.1").await.unwrap();
    assert_eq!(user.username, "hk.yte");
    assert_ne!(session.token, session.csrf_token);
    assert!(session.token.len() >= 32 && session.csrf_token.len() >= 32);
    let (seen, csrf) = s.session_user(&session.token).await.unwrap().unwrap();
    assert_eq!(
        (seen.id, csrf.as_str()),
        (user.id, session.csrf_token.as_str())
    );
    assert!(seen.last_login_at.is_some(), "the login time is kept");
    assert_eq!(seen.actor("web").scope, scope_of(HA_KHANH));
    assert_eq!(seen.actor("web").role, Role::HealthStaff);
    // The CSRF token is not a session token.
    assert!(s.session_user(&session.csrf_token).await.unwrap().is_none());

    // A second login is a second, independent session.
    let other = login(s, "hk.yte", PASSWORD).await;
    assert_ne!(other.token, session.token);

    // The database holds hashes only: a stolen copy opens no session.
    let stored = db
        .strings(
            "SELECT token_hash || ' ' || csrf_token || ' ' || source || ' ' || created_at FROM sessions",
        )
        .await;
    assert_eq!(stored.len(), 2);
    for row in stored.iter().flatten() {
        assert!(
            !row.contains(&session.token) && !row.contains(&other.token),
            "a session token is stored in clear: {row}"
        );
    }
    for hash in db.strings("SELECT token_hash FROM sessions").await {
        let hash = hash.unwrap();
        assert_eq!(hash.len(), 64, "{hash}");
        assert!(s.session_user(&hash).await.unwrap().is_none());
    }
    let passwords = db.strings("SELECT password_hash FROM users").await;
    assert!(
        passwords
            .iter()
            .flatten()
            .all(|h| h.starts_with("$argon2id$") && !h.contains(PASSWORD)),
        "{passwords:?}"
    );
    let logged = db
        .strings("SELECT COALESCE(before_json, '') || COALESCE(after_json, '') || entity_id FROM audit_log")
        .await;
    assert!(
        logged
            .iter()
            .flatten()
            .all(|r| !r.contains(PASSWORD) && !r.contains(&session.token)),
        "{logged:?}"
    );

    // Logging out ends that session only.
    s.logout(&session.token, "10.0.0.1").await.unwrap();
    assert!(!alive(s, &session).await);
    assert!(alive(s, &other).await);
    s.logout(&session.token, "10.0.0.1").await.unwrap();
    s.logout("no-such-session", "10.0.0.1").await.unwrap();
    let system = Actor::system("test");
    assert_eq!(audit(s, &system, "login").await.len(), 2);
    assert_eq!(audit(s, &system, "logout").await.len(), 1, "logged once");
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    let db = TestDb::new().await;
    let s = &db.store;
    add(
        s,
        &Actor::system("test"),
        "hk.yte",
        HA_KHANH,
        "health_staff",
    )
    .await;
    let ago = |d: Duration| (Utc::now() - d).to_rfc3339_opts(SecondsFormat::Millis, true);

    let idle = login(s, "hk.yte", PASSWORD).await;
    let busy = login(s, "hk.yte", PASSWORD).await;
    db.execute(&format!(
        "UPDATE sessions SET last_seen_at = '{}'",
        ago(Duration::minutes(31))
    ))
    .await
    .unwrap();
    assert!(!alive(s, &idle).await, "30 minutes idle ends a session");
    db.execute(&format!(
        "UPDATE sessions SET last_seen_at = '{}', created_at = '{}'",
        ago(Duration::minutes(5)),
        ago(Duration::hours(13))
    ))
    .await
    .unwrap();
    assert!(
        !alive(s, &busy).await,
        "12 hours after login a session ends"
    );
    assert_eq!(
        db.ints("SELECT COUNT(*) FROM sessions").await,
        vec![Some(0)]
    );

    // A session in use is kept alive.
    let fresh = login(s, "hk.yte", PASSWORD).await;
    db.execute(&format!(
        "UPDATE sessions SET last_seen_at = '{}'",
        ago(Duration::minutes(20))
    ))
    .await
    .unwrap();
    assert!(alive(s, &fresh).await);
    let seen = db.strings("SELECT last_seen_at FROM sessions").await;
    assert!(
        seen[0].as_deref().unwrap() > ago(Duration::minutes(1)).as_str(),
        "a request refreshes the idle clock: {seen:?}"
    );
    assert!(alive(s, &fresh).await);
}

#[tokio::test]
async fn wrong_passwords_are_audited_for_the_admin() {
    let db = TestDb::new().await;
    let s = &db.store;
    let admin = staff(s, "qn.admin", QUANG_NINH, "admin").await;
    let hn_admin = staff(s, "hn.admin", HA_NOI, "admin").await;
    add(s, &admin, "hk.yte", HA_KHANH, "health_staff").await;
    add(s, &admin, "hp.yte", HA_PHONG, "health_staff").await;

    let wrong = unauthorized(s.login("hk.yte", "Rừng thông xanh 2020", "10.0.0.9").await);
    let unknown = unauthorized(s.login("khong.co.ai", PASSWORD, "10.0.0.9").await);
    assert_eq!(
        wrong, unknown,
        "a wrong password and an unknown name read the same"
    );
    let failed = audit(s, &admin, "login_failed").await;
    assert_eq!(
        failed.len(),
        1,
        "the province sees its user's failure: {failed:?}"
    );
    assert_eq!(
        (
            failed[0].entity_id.as_str(),
            failed[0].unit_code.as_deref(),
            failed[0].source.as_str()
        ),
        ("hk.yte", Some(HA_KHANH), "10.0.0.9")
    );
    assert!(audit(s, &hn_admin, "login_failed").await.is_empty());
    assert_eq!(
        audit(s, &Actor::system("test"), "login_failed").await.len(),
        2
    );
}

#[track_caller]
fn throttled<T: Debug>(r: Result<T, StoreError>) -> u64 {
    match r {
        Err(StoreError::Throttled {
            retry_after,
            message_vi,
            message_en,
        }) => {
            assert!(
                message_vi.contains("thử lại sau") && message_en.contains("try again in"),
                "{message_vi} / {message_en}"
            );
            retry_after
        }
        other => panic!("expected Throttled, got {other:?}"),
    }
}

/// An attacker guessing one account's password from one address slows down
/// only that account from that address, more with every failure (from 1 s,
/// doubling, up to 15 minutes); its user logs in from elsewhere as usual.
#[tokio::test]
async fn guessing_from_one_address_backs_off_there_and_the_user_logs_in_elsewhere() {
    let mut db = TestDb::new().await;
    let t0 = Utc::now();
    let clock = phongdich_domain::Clock::fixed(t0);
    db.store = db.store.clone().with_clock(clock.clone());
    let s = &db.store;
    let admin = staff(s, "qn.admin", QUANG_NINH, "admin").await;
    add(s, &admin, "hk.yte", HA_KHANH, "health_staff").await;
    const ATTACKER: &str = "203.0.113.66";

    for i in 0..5 {
        unauthorized(
            s.login("hk.yte", &format!("đoán mò số {i}"), ATTACKER)
                .await,
        );
    }
    // The sixth attempt waits, even with the right password.
    assert_eq!(throttled(s.login("hk.yte", PASSWORD, ATTACKER).await), 1);
    // The user, from their own address, is not affected.
    s.login("hk.yte", PASSWORD, "10.0.0.1").await.unwrap();
    // Hammering while throttled: refused, not checked, one audit row for the burst.
    for _ in 0..10 {
        assert_eq!(throttled(s.login("hk.yte", "đoán tiếp", ATTACKER).await), 1);
    }
    let events = audit(s, &admin, "login_throttled").await;
    assert_eq!(events.len(), 1, "one row per burst: {events:?}");
    assert_eq!(
        (events[0].entity_id.as_str(), events[0].source.as_str()),
        ("hk.yte", ATTACKER)
    );
    assert_eq!(audit(s, &admin, "login_failed").await.len(), 5);

    // Each further failure doubles the wait, up to 15 minutes.
    let mut at = t0;
    let mut wait = 1;
    for _ in 0..12 {
        at += Duration::seconds(wait);
        clock.set(at);
        unauthorized(s.login("hk.yte", "vẫn sai", ATTACKER).await);
        let next = throttled(s.login("hk.yte", PASSWORD, ATTACKER).await);
        assert_eq!(next, (wait as u64 * 2).min(900));
        wait = next as i64;
    }
    assert_eq!(wait, 900);
    // Part of the wait gone: the rest is what is said.
    clock.set(at + Duration::seconds(600));
    assert_eq!(throttled(s.login("hk.yte", PASSWORD, ATTACKER).await), 300);
    // The failures were counted, not the refusals: one row for each burst.
    assert_eq!(audit(s, &admin, "login_failed").await.len(), 17);
    assert_eq!(audit(s, &admin, "login_throttled").await.len(), 13);

    // Once the wait is over the right password works, and starts afresh.
    clock.set(at + Duration::seconds(900));
    s.login("hk.yte", PASSWORD, ATTACKER).await.unwrap();
    for i in 0..5 {
        unauthorized(s.login("hk.yte", &format!("quên {i}"), ATTACKER).await);
    }
    assert_eq!(throttled(s.login("hk.yte", PASSWORD, ATTACKER).await), 1);
    // Failures a day old are forgotten.
    clock.set(at + Duration::hours(25));
    s.login("hk.yte", PASSWORD, ATTACKER).await.unwrap();
}

/// One address trying many accounts is slowed down too, but only after far
/// more failures than one account allows (an office behind one address).
#[tokio::test]
async fn many_failures_from_one_address_are_slowed_down() {
    let mut db = TestDb::new().await;
    db.store = (db.store.clone()).with_clock(phongdich_domain::Clock::fixed(Utc::now()));
    let s = &db.store;
    add(
        s,
        &Actor::system("test"),
        "hk.yte",
        HA_KHANH,
        "health_staff",
    )
    .await;
    // Twenty failures, four each for five people: nobody is held up.
    for i in 0..20 {
        unauthorized(
            s.login(&format!("khach{:02}", i % 5), PASSWORD, "198.51.100.7")
                .await,
        );
    }
    s.login("hk.yte", PASSWORD, "198.51.100.7").await.unwrap();
    for i in 20..100 {
        unauthorized(
            s.login(&format!("khach{i:02}"), PASSWORD, "198.51.100.7")
                .await,
        );
    }
    // A hundred: now the address waits, whoever it tries.
    assert_eq!(
        throttled(s.login("hk.yte", PASSWORD, "198.51.100.7").await),
        1
    );
    s.login("hk.yte", PASSWORD, "10.0.0.1").await.unwrap();
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_and_loses_its_sessions() {
    let db = TestDb::new().await;
    let s = &db.store;
    let admin = staff(s, "hl.admin", HA_LONG, "admin").await;
    add(s, &admin, "hk.yte", HA_KHANH, "health_staff").await;
    let a = login(s, "hk.yte", PASSWORD).await;
    let b = login(s, "hk.yte", PASSWORD).await;
    let other = add(s, &admin, "hp.yte", HA_PHONG, "health_staff").await;
    let c = login(s, &other.username, PASSWORD).await;

    s.set_user_disabled(&admin, "hk.yte", true).await.unwrap();
    assert!(!alive(s, &a).await && !alive(s, &b).await);
    assert!(alive(s, &c).await, "other accounts keep their sessions");
    unauthorized(s.login("hk.yte", PASSWORD, "10.0.0.1").await);
    let failed = audit(s, &admin, "login_failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].entity_id, "hk.yte");
    assert_eq!(audit(s, &admin, "disable").await[0].actor, "hl.admin");

    s.set_user_disabled(&admin, "hk.yte", false).await.unwrap();
    assert!(!alive(s, &a).await, "enabling does not revive old sessions");
    let d = login(s, "hk.yte", PASSWORD).await;
    assert!(alive(s, &d).await);
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one_and_ends_old_sessions() {
    let db = TestDb::new().await;
    let s = &db.store;
    let admin = staff(s, "hl.admin", HA_LONG, "admin").await;
    let me = add(s, &admin, "hk.yte", HA_KHANH, "health_staff")
        .await
        .actor("web");
    let colleague = add(s, &admin, "hk.yta", HA_KHANH, "health_staff")
        .await
        .actor("web");
    let first = login(s, "hk.yte", PASSWORD).await;
    let second = login(s, "hk.yte", PASSWORD).await;

    let errors = invalid(
        s.set_password(&me, "hk.yte", Some("Rừng thông xanh 2020"), NEW_PASSWORD)
            .await,
    );
    assert_eq!(
        (fields(&errors), errors[0].code),
        (vec!["current_password"], "wrong_password")
    );
    // Not someone else's, even knowing it.
    let errors = invalid(
        s.set_password(&colleague, "hk.yte", Some(PASSWORD), NEW_PASSWORD)
            .await,
    );
    assert_eq!(fields(&errors), vec!["current_password"]);
    let errors = invalid(s.set_password(&me, "hk.yte", Some(PASSWORD), "ngắn").await);
    assert_eq!(fields(&errors), vec!["password"]);
    let errors = invalid(
        s.set_password(&me, "hk.yte", Some(PASSWORD), "hk.yte-2021-moi")
            .await,
    );
    assert_eq!(
        (fields(&errors), errors[0].code),
        (vec!["password"], "contains_username")
    );
    assert!(alive(s, &first).await && alive(s, &second).await);
    login(s, "hk.yte", PASSWORD).await;

    s.set_password(&me, "hk.yte", Some(PASSWORD), NEW_PASSWORD)
        .await
        .unwrap();
    assert!(!alive(s, &first).await && !alive(s, &second).await);
    unauthorized(s.login("hk.yte", PASSWORD, "10.0.0.1").await);
    let fresh = login(s, "hk.yte", NEW_PASSWORD).await;
    assert!(alive(s, &fresh).await);
    login(s, "hk.yta", PASSWORD).await;
    let changed = audit(s, &admin, "change_password").await;
    assert_eq!(
        changed
            .iter()
            .map(|e| (e.actor.as_str(), e.entity_id.as_str()))
            .collect::<Vec<_>>(),
        vec![("hk.yte", "hk.yte")]
    );
}

// -------------------------------------------------------------- API tokens

#[tokio::test]
async fn an_api_token_acts_within_its_unit_and_role_until_revoked() {
    let db = TestDb::new().await;
    let s = &db.store;
    let admin = staff(s, "qn.admin", QUANG_NINH, "admin").await;
    let system = Actor::system("test");
    let an = s
        .create_person(
            &system,
            &person("Nguyễn Văn An", "1985", "Nam", HA_KHANH),
            false,
        )
        .await
        .unwrap();
    let tam = s
        .create_person(
            &system,
            &person("Hà Văn Tâm", "1977", "Nam", PHUC_XA),
            false,
        )
        .await
        .unwrap();

    let (token, secret) = s
        .create_api_token(&admin, "  Cổng   báo cáo ", HA_LONG, "viewer")
        .await
        .unwrap();
    assert_eq!(
        (
            token.name.as_str(),
            token.unit_code.as_str(),
            token.role,
            token.created_by.as_str()
        ),
        ("Cổng báo cáo", HA_LONG, Role::Viewer, "qn.admin")
    );
    assert!(token.last_used_at.is_none() && token.revoked_at.is_none());
    assert!(secret.len() >= 40, "{secret}");
    assert!(secret.starts_with(&token.prefix) && token.prefix.len() < secret.len() / 2);

    // Only a hash is kept, and the audit entry does not hold the secret.
    let stored = db.strings("SELECT token_hash FROM api_tokens").await;
    assert_eq!(stored.len(), 1);
    let hash = stored[0].clone().unwrap();
    assert_ne!(hash, secret);
    assert!(!hash.contains(&secret) && !hash.contains(&secret[3..]));
    assert!(s.token_actor(&hash, "203.0.113.5").await.unwrap().is_none());
    let entry = &audit(s, &admin, "create").await[0];
    assert_eq!(
        (entry.entity.as_str(), entry.entity_id.as_str()),
        ("api_token", token.id.to_string().as_str())
    );
    assert!(!entry.after.as_ref().unwrap().to_string().contains(&secret));

    // The secret acts as a viewer of Hạ Long.
    let actor = s
        .token_actor(&secret, "203.0.113.5")
        .await
        .unwrap()
        .expect("a valid token");
    assert_eq!(actor.role, Role::Viewer);
    assert_eq!(actor.scope, scope_of(HA_LONG));
    assert_eq!(actor.source, "203.0.113.5");
    assert_eq!(s.person(&actor.scope, an.id).await.unwrap().id, an.id);
    not_found(s.person(&actor.scope, tam.id).await);
    assert_eq!(
        forbidden(
            s.create_person(&actor, &person("Lê Thị Mơ", "1999", "Nữ", HA_KHANH), false)
                .await
        ),
        Permission::EditPersons
    );
    let mut forged = secret.clone();
    let last = if forged.ends_with('0') { "1" } else { "0" };
    forged.replace_range(forged.len() - 1.., last);
    assert!(
        s.token_actor(&forged, "203.0.113.5")
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.token_actor("", "203.0.113.5").await.unwrap().is_none());

    // The list shows when it was last used, to its province and district only.
    let listed = s.api_tokens(&admin.scope).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "{listed:?}");
    assert_eq!(s.api_tokens(&scope_of(HA_LONG)).await.unwrap().len(), 1);
    assert!(s.api_tokens(&scope_of(CAM_PHA)).await.unwrap().is_empty());
    assert!(s.api_tokens(&scope_of(HA_KHANH)).await.unwrap().is_empty());

    // An administrator elsewhere cannot revoke it.
    let cam_pha = staff(s, "cp.admin", CAM_PHA, "admin").await;
    not_found(s.revoke_api_token(&cam_pha, token.id).await);
    assert!(s.token_actor(&secret, "x").await.unwrap().is_some());

    let revoked = s.revoke_api_token(&admin, token.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(
        s.token_actor(&secret, "203.0.113.5")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.api_tokens(&admin.scope).await.unwrap()[0]
            .revoked_at
            .is_some()
    );
    let entry = &audit(s, &admin, "revoke").await[0];
    assert_eq!(
        (entry.actor.as_str(), entry.entity_id.clone()),
        ("qn.admin", token.id.to_string())
    );
}

#[tokio::test]
async fn api_tokens_are_refused_outside_jurisdiction_and_with_bad_input() {
    let db = TestDb::new().await;
    let s = &db.store;
    let ha_long = staff(s, "hl.admin", HA_LONG, "admin").await;
    for unit in [MONG_DUONG, CAM_PHA, QUANG_NINH, PHUC_XA, "99999"] {
        let errors = invalid(s.create_api_token(&ha_long, "Cổng", unit, "viewer").await);
        assert_eq!(fields(&errors), vec!["unit_code"], "unit {unit}");
    }
    let errors = invalid(
        s.create_api_token(&ha_long, "Cổng", HA_KHANH, "superuser")
            .await,
    );
    assert_eq!(fields(&errors), vec!["role"]);
    let errors = invalid(
        s.create_api_token(&ha_long, "   ", HA_KHANH, "viewer")
            .await,
    );
    assert_eq!(fields(&errors), vec!["name"]);
    assert!(s.api_tokens(&Scope::national()).await.unwrap().is_empty());
    assert_eq!(
        db.ints("SELECT COUNT(*) FROM api_tokens").await,
        vec![Some(0)]
    );

    let (t, secret) = s
        .create_api_token(&ha_long, "Cổng", HA_KHANH, "health_staff")
        .await
        .unwrap();
    let actor = s.token_actor(&secret, "x").await.unwrap().unwrap();
    assert_eq!(
        (actor.role, actor.scope),
        (Role::HealthStaff, scope_of(HA_KHANH))
    );
    assert_eq!(s.api_tokens(&scope_of(HA_KHANH)).await.unwrap()[0].id, t.id);
}

// ------------------------------------------------- jurisdiction over people

fn person(name: &str, birth: &str, sex: &str, commune: &str) -> NewPerson {
    person_input(name, birth, sex, commune)
        .parse(today())
        .unwrap()
}

fn person_with_ids(
    name: &str,
    birth: &str,
    sex: &str,
    commune: &str,
    national_id: &str,
    phone: &str,
) -> NewPerson {
    PersonInput {
        full_name: name.into(),
        birth: birth.into(),
        sex: sex.into(),
        commune_code: commune.into(),
        national_id: national_id.into(),
        phone: phone.into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap()
}

/// Two communes of Hạ Long, each with its staff and one person, and an
/// administrator of another district.
struct Town {
    db: TestDb,
    hk_staff: Actor,
    hk_admin: Actor,
    hp_staff: Actor,
    hl_admin: Actor,
    cp_admin: Actor,
    an: Person,
    binh: Person,
}

async fn town() -> Town {
    let db = TestDb::new().await;
    let s = &db.store;
    let hl_admin = staff(s, "hl.admin", HA_LONG, "admin").await;
    let cp_admin = staff(s, "cp.admin", CAM_PHA, "admin").await;
    let hk_admin = add(s, &hl_admin, "hk.admin", HA_KHANH, "admin")
        .await
        .actor("web");
    let hk_staff = add(s, &hl_admin, "hk.yte", HA_KHANH, "health_staff")
        .await
        .actor("web");
    let hp_staff = add(s, &hl_admin, "hp.yte", HA_PHONG, "health_staff")
        .await
        .actor("web");
    let an = person_with_ids(
        "Nguyễn Văn An",
        "15/03/1985",
        "Nam",
        HA_KHANH,
        "022085001234",
        "0912 345 678",
    );
    let an = s.create_person(&hk_staff, &an, false).await.unwrap();
    let binh = person_with_ids(
        "Trần Thị Bình",
        "1990",
        "Nữ",
        HA_PHONG,
        "022190004321",
        "0987 111 222",
    );
    let binh = s.create_person(&hp_staff, &binh, false).await.unwrap();
    Town {
        db,
        hk_staff,
        hk_admin,
        hp_staff,
        hl_admin,
        cp_admin,
        an,
        binh,
    }
}

async fn found(s: &Store, scope: &Scope, q: &str) -> Vec<i64> {
    let (people, _) = s
        .search_persons(
            scope,
            &PersonQuery {
                q: Some(q.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    people.into_iter().map(|p| p.id).collect()
}

async fn exported(s: &Store, scope: &Scope) -> Vec<i64> {
    s.persons_in_scope(scope, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

#[tokio::test]
async fn staff_of_one_commune_cannot_read_find_export_or_change_people_of_another() {
    let t = town().await;
    let s = &t.db.store;
    let (an, binh) = (&t.an, &t.binh);
    assert_eq!(s.person(&t.hk_staff.scope, an.id).await.unwrap().id, an.id);
    assert_eq!(
        s.person(&t.hp_staff.scope, binh.id).await.unwrap().id,
        binh.id
    );
    not_found(s.person(&t.hk_staff.scope, binh.id).await);
    not_found(s.person(&t.hp_staff.scope, an.id).await);
    not_found(s.person(&t.cp_admin.scope, an.id).await);
    assert_eq!(
        s.person(&t.hl_admin.scope, binh.id).await.unwrap().id,
        binh.id
    );

    // Search by name, national ID, phone, or everything: nothing across.
    for q in [
        "binh",
        "Trần Thị Bình",
        "022190004321",
        "0987111222",
        "+84 987 111 222",
        "",
    ] {
        assert_eq!(found(s, &t.hp_staff.scope, q).await, vec![binh.id], "{q:?}");
        assert!(
            !found(s, &t.hk_staff.scope, q).await.contains(&binh.id),
            "{q:?}"
        );
        assert!(found(s, &t.cp_admin.scope, q).await.is_empty(), "{q:?}");
    }
    for q in ["nguyen van an", "022085001234", "0912345678"] {
        assert_eq!(found(s, &t.hk_staff.scope, q).await, vec![an.id], "{q:?}");
        assert!(found(s, &t.hp_staff.scope, q).await.is_empty(), "{q:?}");
    }
    not_found(
        s.search_persons(
            &t.hk_staff.scope,
            &PersonQuery {
                unit: Some(HA_PHONG.into()),
                ..Default::default()
            },
        )
        .await,
    );

    // Export: each unit gets its own people.
    assert_eq!(exported(s, &t.hk_staff.scope).await, vec![an.id]);
    assert_eq!(exported(s, &t.hp_staff.scope).await, vec![binh.id]);
    assert_eq!(exported(s, &t.hl_admin.scope).await, vec![an.id, binh.id]);
    assert!(exported(s, &t.cp_admin.scope).await.is_empty());

    // Changes: another commune's person is not found, whatever the new address.
    for commune in [HA_PHONG, HA_KHANH] {
        let update = PersonUpdate {
            expected_version: binh.version,
            person: person("Trần Thị Bình", "1991", "Nữ", commune),
        };
        not_found(s.update_person(&t.hk_staff, binh.id, &update).await);
        not_found(s.update_person(&t.cp_admin, binh.id, &update).await);
    }
    assert_eq!(s.person(&Scope::national(), binh.id).await.unwrap(), *binh);
    // One's own person cannot be moved out of one's commune, nor a new one put there.
    let moved = s
        .update_person(
            &t.hk_staff,
            an.id,
            &PersonUpdate {
                expected_version: an.version,
                person: person("Nguyễn Văn An", "1985", "Nam", HA_PHONG),
            },
        )
        .await;
    assert_eq!(fields(&invalid(moved)), vec!["commune_code"]);
    let created = s
        .create_person(
            &t.hk_staff,
            &person("Lê Văn Cường", "1970", "Nam", HA_PHONG),
            false,
        )
        .await;
    assert_eq!(fields(&invalid(created)), vec!["commune_code"]);
    assert_eq!(s.person(&Scope::national(), an.id).await.unwrap(), *an);
    assert_eq!(s.person_count(&Scope::national()).await.unwrap(), 2);
    // The district administrator may change either.
    let update = PersonUpdate {
        expected_version: binh.version,
        person: person("Trần Thị Bình", "1991", "Nữ", HA_PHONG),
    };
    assert_eq!(
        s.update_person(&t.hl_admin, binh.id, &update)
            .await
            .unwrap()
            .birth_year,
        1991
    );
}

#[tokio::test]
async fn merges_and_audit_entries_stay_within_their_unit() {
    let t = town().await;
    let s = &t.db.store;
    let (an, binh) = (&t.an, &t.binh);
    let an2 = s
        .create_person(
            &t.hk_staff,
            &person("Nguyen Van An", "1985", "Nam", HA_KHANH),
            true,
        )
        .await
        .unwrap();
    let binh2 = s
        .create_person(
            &t.hp_staff,
            &person("Tran Binh", "1990", "Nữ", HA_PHONG),
            true,
        )
        .await
        .unwrap();

    // A pair across communes, or a pair in another district, is not found.
    not_found(s.merge_persons(&t.hk_staff, an.id, binh.id).await);
    not_found(s.merge_persons(&t.hk_staff, binh.id, an.id).await);
    not_found(s.merge_persons(&t.hk_staff, binh.id, binh2.id).await);
    not_found(s.merge_persons(&t.cp_admin, an.id, an2.id).await);
    for id in [an.id, an2.id, binh.id, binh2.id] {
        assert_eq!(
            s.person(&Scope::national(), id).await.unwrap().merged_into,
            None
        );
    }

    // Hà Phong merges its pair; Hà Khánh can neither undo it nor read its entry.
    let merge = s
        .merge_persons(&t.hp_staff, binh.id, binh2.id)
        .await
        .unwrap();
    not_found(s.undo_merge(&t.hk_staff, merge.audit_id).await);
    not_found(s.undo_merge(&t.hk_admin, merge.audit_id).await);
    not_found(s.undo_merge(&t.cp_admin, merge.audit_id).await);
    assert_eq!(
        s.person(&Scope::national(), binh2.id)
            .await
            .unwrap()
            .merged_into,
        Some(binh.id),
        "still merged"
    );
    not_found(s.audit_entry(&t.hk_admin, merge.audit_id).await);
    not_found(s.audit_entry(&t.cp_admin, merge.audit_id).await);
    assert_eq!(
        s.audit_entry(&t.hl_admin, merge.audit_id)
            .await
            .unwrap()
            .action,
        "merge"
    );

    // Hà Khánh's administrator sees Hà Khánh's entries, and only those.
    let entries = s
        .audit_entries(
            &t.hk_admin,
            &AuditFilter {
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let units: std::collections::BTreeSet<&str> = entries
        .iter()
        .map(|e| e.unit_code.as_deref().unwrap_or("-"))
        .collect();
    assert_eq!(units.into_iter().collect::<Vec<_>>(), vec![HA_KHANH]);
    let persons: Vec<&str> = entries
        .iter()
        .filter(|e| e.entity == "person")
        .map(|e| e.entity_id.as_str())
        .collect();
    let (an_id, an2_id) = (an.id.to_string(), an2.id.to_string());
    assert_eq!(persons, vec![an2_id.as_str(), an_id.as_str()]);
    assert!(entries.iter().all(|e| e.id != merge.audit_id));
    let binh_created = s
        .audit_entries(
            &Actor::system("test"),
            &AuditFilter {
                entity: Some("person".into()),
                entity_id: Some(binh.id.to_string()),
                action: Some("create".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(binh_created.len(), 1);
    not_found(s.audit_entry(&t.hk_admin, binh_created[0].id).await);
    let an_entry = entries.iter().find(|e| e.entity_id == an_id).unwrap();
    assert_eq!(
        s.audit_entry(&t.hk_admin, an_entry.id).await.unwrap().id,
        an_entry.id
    );
    // Asking for the other commune's entries by filter gives nothing either.
    assert!(
        s.audit_entries(
            &t.hk_admin,
            &AuditFilter {
                entity_id: Some(binh.id.to_string()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .is_empty()
    );
    // The district sees both communes; Cẩm Phả sees neither.
    let district = s
        .audit_entries(&t.hl_admin, &AuditFilter::default())
        .await
        .unwrap();
    assert!(district.iter().any(|e| e.id == merge.audit_id));
    assert!(district.iter().any(|e| e.id == an_entry.id));
    let elsewhere = s
        .audit_entries(&t.cp_admin, &AuditFilter::default())
        .await
        .unwrap();
    assert!(!elsewhere.is_empty(), "its own account's creation");
    assert!(
        elsewhere
            .iter()
            .all(|e| e.unit_code.as_deref() == Some(CAM_PHA)),
        "{elsewhere:?}"
    );

    // Hà Phong itself can undo its merge.
    let undone = s.undo_merge(&t.hp_staff, merge.audit_id).await.unwrap();
    assert_eq!(undone.merged.merged_into, None);
}

#[tokio::test]
async fn read_only_roles_change_nothing() {
    let t = town().await;
    let s = &t.db.store;
    let an = &t.an;
    let an2 = s
        .create_person(
            &t.hk_staff,
            &person("Nguyen Van An", "1985", "Nam", HA_KHANH),
            true,
        )
        .await
        .unwrap();
    let merge = s.merge_persons(&t.hk_staff, an.id, an2.id).await.unwrap();
    let viewer = staff(&t.db.store, "hk.xem", HA_KHANH, "viewer").await;
    let volunteer = staff(&t.db.store, "hk.tnv", HA_KHANH, "aid_volunteer").await;
    let lab = staff(&t.db.store, "hk.xn", HA_KHANH, "lab_staff").await;
    let count = s.person_count(&Scope::national()).await.unwrap();
    let kept = s.person(&Scope::national(), an.id).await.unwrap();

    for actor in [&viewer, &volunteer, &lab] {
        let who = &actor.name;
        // They may look, within their commune.
        assert_eq!(s.person(&actor.scope, an.id).await.unwrap().id, an.id);
        assert_eq!(
            forbidden(
                s.create_person(
                    actor,
                    &person("Đinh Thị Hạnh", "2001", "Nữ", HA_KHANH),
                    true
                )
                .await
            ),
            Permission::EditPersons,
            "{who}"
        );
        let update = PersonUpdate {
            expected_version: kept.version,
            person: person("Nguyễn Văn An", "1986", "Nam", HA_KHANH),
        };
        assert_eq!(
            forbidden(s.update_person(actor, an.id, &update).await),
            Permission::EditPersons,
            "{who}"
        );
        assert_eq!(
            forbidden(s.undo_merge(actor, merge.audit_id).await),
            Permission::MergePersons,
            "{who}"
        );
        assert_eq!(
            forbidden(s.merge_persons(actor, an2.id, an.id).await),
            Permission::MergePersons,
            "{who}"
        );
        assert_eq!(
            forbidden(
                s.begin_import(actor, "persons", "danh-sach.csv")
                    .await
                    .map(|r| r.id)
            ),
            Permission::ImportPersons,
            "{who}"
        );
        assert_eq!(
            forbidden(s.audit_entries(actor, &AuditFilter::default()).await),
            Permission::ViewAudit,
            "{who}"
        );
        assert_eq!(
            forbidden(s.audit_entry(actor, merge.audit_id).await),
            Permission::ViewAudit,
            "{who}: an entry holds full national IDs and phones"
        );
        assert_eq!(
            forbidden(
                s.add_user(actor, &user_input("hk.moi", HA_KHANH, "viewer"))
                    .await
            ),
            Permission::ManageUsers,
            "{who}"
        );
    }
    assert_eq!(s.person_count(&Scope::national()).await.unwrap(), count);
    assert_eq!(s.person(&Scope::national(), an.id).await.unwrap(), kept);
    assert_eq!(
        s.person(&Scope::national(), an2.id)
            .await
            .unwrap()
            .merged_into,
        Some(an.id)
    );
    assert_eq!(t.db.rows("import_runs").await, 0);
    not_found(s.user(&Scope::national(), "hk.moi").await);

    // A contact tracer may import but not merge; staff may merge and undo.
    let tracer = staff(&t.db.store, "hk.tv", HA_KHANH, "contact_tracer").await;
    assert!(
        s.begin_import(&tracer, "persons", "danh-sach.csv")
            .await
            .is_ok()
    );
    assert_eq!(
        forbidden(s.undo_merge(&tracer, merge.audit_id).await),
        Permission::MergePersons
    );
    s.undo_merge(&t.hk_staff, merge.audit_id).await.unwrap();
}
