//! `phongdich demo`: one real province with its real districts and communes,
//! hamlets, and generated people in households, imported through the same
//! importer users run; the same seed always gives the same data.

use crate::generate::{self, GenCommune, GenPerson};
use anyhow::Context;
use phongdich_domain::{UnitCode, UnitLevel};
use phongdich_sheets::{Format, TableWriter};
use phongdich_store::{Actor, ImportPolicy, NewHamlet, Scope, Store};
use std::path::Path;

#[derive(clap::Args)]
pub(crate) struct DemoArgs {
    /// Province code (default Quảng Ninh).
    #[arg(long, default_value = "22")]
    province: String,
    #[arg(long, default_value_t = 100_000)]
    persons: usize,
    #[arg(long, default_value_t = 2021)]
    seed: u64,
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Build the database and stop, without serving.
    #[arg(long)]
    no_serve: bool,
    /// The day the demo replays, in Vietnam's time (`dd/mm/yyyy` or
    /// `dd/mm/yyyy hh:mm`; 09:00 when no time): its clock starts there and
    /// runs, so the rules, lists and figures are those of that day of the
    /// Delta wave. `now` for the real clock.
    #[arg(long, default_value = "15/08/2021")]
    clock: String,
}

/// The demo's clock from `--clock`.
fn demo_clock(value: &str) -> anyhow::Result<phongdich_domain::Clock> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("now") {
        return Ok(phongdich_domain::Clock::system());
    }
    let local = chrono::NaiveDateTime::parse_from_str(v, "%d/%m/%Y %H:%M")
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(v, "%d/%m/%Y")
                .map(|d| d.and_hms_opt(9, 0, 0).unwrap_or_default())
        })
        .map_err(|_| {
            anyhow::anyhow!(
                "--clock “{v}”: cần dd/mm/yyyy [hh:mm] hoặc now / needs dd/mm/yyyy [hh:mm] or now"
            )
        })?;
    let at = local
        .and_local_timezone(phongdich_domain::clock::vietnam())
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| anyhow::anyhow!("--clock “{v}”"))?;
    Ok(phongdich_domain::Clock::starting_at(at))
}

/// Headers of generated files: the Vietnamese ones a committee's sheet has.
pub(crate) const GENERATED_HEADERS: [&str; 12] = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD/CMND",
    "Số điện thoại",
    "Mã xã",
    "Mã thôn",
    "Địa chỉ",
    "Nghề nghiệp",
    "Nơi làm việc",
    "Diện ưu tiên",
    "Hộ gia đình",
];

pub(crate) fn person_cells(p: &GenPerson) -> [String; 12] {
    let i = &p.input;
    [
        i.full_name.clone(),
        i.birth.clone(),
        i.sex.clone(),
        i.national_id.clone(),
        i.phone.clone(),
        i.commune_code.clone(),
        i.hamlet_code.clone(),
        i.street_address.clone(),
        i.occupation.clone(),
        i.workplace.clone(),
        i.vulnerabilities.clone(),
        format!("HGD{}", p.household),
    ]
}

/// The reference date generated ages are computed from.
pub(crate) fn generation_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default()
}

/// Communes of a province, each with its hamlets created if it has none yet.
pub(crate) async fn prepare_communes(
    store: &Store,
    actor: &Actor,
    province: &str,
    seed: u64,
) -> anyhow::Result<Vec<GenCommune>> {
    let province_unit = store.unit(province).await?;
    anyhow::ensure!(
        province_unit.level == UnitLevel::Province,
        "{province} không phải mã tỉnh / is not a province code"
    );
    let province_number: u32 = province_unit.code.parse()?;
    let mut communes = Vec::new();
    for unit in store.descendants(&province_unit.code).await? {
        if unit.level != UnitLevel::Commune {
            continue;
        }
        let urban = unit.kind == "phường" || unit.kind == "thị trấn";
        let mut hamlets: Vec<String> = store
            .children(&unit.code)
            .await?
            .into_iter()
            .map(|h| h.code)
            .collect();
        if hamlets.is_empty() {
            for name in generate::hamlet_names(seed, &unit.code, urban) {
                let kind = if urban { "tổ dân phố" } else { "thôn" };
                let h = store
                    .add_hamlet(
                        actor,
                        &NewHamlet {
                            commune_code: unit.code.clone(),
                            name,
                            kind: kind.into(),
                        },
                    )
                    .await?;
                hamlets.push(h.code);
            }
        }
        communes.push(GenCommune {
            code: unit.code,
            hamlets,
            urban,
            province_code: province_number,
        });
    }
    Ok(communes)
}

pub(crate) async fn run(args: DemoArgs, db: &str) -> anyhow::Result<()> {
    let clock = demo_clock(&args.clock)?;
    // The port first: building takes a while, and a port taken is found at once.
    if !args.no_serve {
        std::net::TcpListener::bind(&args.listen).with_context(|| {
            format!(
                "Cổng {} đang được dùng (một bản demo khác đang chạy?); chọn cổng khác bằng --listen / the address {} is in use (another demo running?); choose another with --listen",
                args.listen, args.listen
            )
        })?;
    }
    let store = crate::open(db).await?.with_clock(clock);
    eprintln!(
        "Đồng hồ của bản demo / the demo's clock: {}",
        store.clock().now().format("%d/%m/%Y %H:%M")
    );
    let actor = Actor::system("demo");
    let province = UnitCode::parse_at(&args.province, Some(UnitLevel::Province))?;
    let unit = store.unit(province.as_str()).await?;
    let existing = store.person_count(&Scope::unit(province.clone())).await?;
    if existing > 0 {
        eprintln!(
            "Mở lại dữ liệu mẫu / reopening the demo: {} — {existing} người / people",
            unit.name
        );
    } else {
        eprintln!(
            "Tạo dữ liệu mẫu / building the demo: {} ({} người / people, seed {})",
            unit.name, args.persons, args.seed
        );
        let communes = prepare_communes(&store, &actor, province.as_str(), args.seed).await?;
        let dir = std::env::temp_dir().join(format!("phongdich-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("nguoi-dan.csv");
        write_people(
            &file,
            generate::people(args.seed, &communes, args.persons, generation_day()),
        )?;
        let report = dir.join("nguoi-dan.report.csv");
        let policy = ImportPolicy {
            allow_likely_duplicates: true,
        };
        let s = crate::import::import_persons(
            &store,
            &actor,
            &file,
            &report,
            policy,
            crate::import::batch_rows(&store),
            true,
        )
        .await?;
        eprintln!(
            "Đã nhập / imported {} người / people ({} cặp nghi trùng chờ rà soát / likely-duplicate pairs to review) in {:.1} s",
            s.imported,
            s.flagged,
            s.elapsed.as_secs_f64()
        );
        let _ = std::fs::remove_dir_all(&dir);
        demo_outbreak(&store, &actor, &unit).await?;
        demo_returnees(&store, &unit).await?;
        demo_green_zone(&store, &actor, &unit).await?;
    }
    ensure_demo_accounts(&store, &actor, &unit).await?;
    if args.no_serve {
        return Ok(());
    }
    // The demo's records are dated 2021: today's date would end every class.
    crate::serve(store, &args.listen, false, phongdich_web::Config::default()).await
}

/// A small outbreak in the demo commune (the `yte` account's): F0s confirmed
/// three days ago with their households and a neighbour as contacts, and a
/// campaign sampling every F1 of the district, under way — one household
/// pooled and negative, one F1 sampled and positive (now an F0 herself).
async fn demo_outbreak(
    store: &Store,
    actor: &Actor,
    province: &phongdich_store::Unit,
) -> anyhow::Result<()> {
    let commune = store
        .descendants(&province.code)
        .await?
        .into_iter()
        .find(|u| u.level == UnitLevel::Commune)
        .context("the demo province has no commune")?;
    let (people, _) = store
        .search_persons(
            &Scope::national(),
            &phongdich_store::PersonQuery {
                unit: Some(commune.code.clone()),
                limit: Some(400),
                ..Default::default()
            },
        )
        .await?;
    let mut households: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for p in &people {
        if let Some(h) = p.household_id {
            households.entry(h).or_default().push(p.id);
        }
    }
    let households: Vec<Vec<i64>> = households
        .into_values()
        .filter(|h| h.len() >= 3)
        .take(8)
        .collect();
    if households.len() < 8 {
        return Ok(());
    }
    let today = store.today();
    let day = |n: u64| {
        (today - chrono::Days::new(n))
            .format("%d/%m/%Y")
            .to_string()
    };
    // Households 0, 2, 4, 6 have an F0; each F0 also met the next household's first member.
    for pair in households.chunks(2) {
        let (home, next) = (&pair[0], &pair[1]);
        let f0 = home[0];
        let mut met: Vec<(i64, &str)> = home[1..].iter().map(|p| (*p, "household")).collect();
        met.push((next[0], "workplace"));
        for (other, setting) in met {
            let c = phongdich_domain::contact::ContactInput {
                person_id: f0,
                other_person_id: other,
                date: day(4),
                setting: setting.into(),
                duration_min: Some(60),
                closed_space: true,
                ..Default::default()
            }
            .parse(today)?;
            store.add_contact(actor, &c).await?;
        }
        for other in &next[1..] {
            let c = phongdich_domain::contact::ContactInput {
                person_id: next[0],
                other_person_id: *other,
                date: day(3),
                setting: "household".into(),
                ..Default::default()
            }
            .parse(today)?;
            store.add_contact(actor, &c).await?;
        }
        let case = phongdich_store::CaseInput::found_in_community(f0, &day(3), &day(3), "rt_pcr");
        store.confirm_case(actor, &case, today).await?;
    }
    let now = store.clock().now();
    let deadline = (today + chrono::Days::new(1))
        .format("%Y-%m-%d 16:00")
        .to_string();
    let campaign = store
        .create_campaign(
            actor,
            &phongdich_store::CampaignInput {
                name: format!("Xét nghiệm F1 {}", commune.name),
                unit_code: commune
                    .district_code
                    .clone()
                    .unwrap_or(commune.code.clone()),
                target: "f1".into(),
                deadline,
                pool_size: Some(5),
                every_days: Some(3),
                teams: vec!["Tổ lấy mẫu 1, Tổ lấy mẫu 2".into()],
                ..Default::default()
            },
            now,
        )
        .await?;
    let pool = store
        .record_pool(
            actor,
            &phongdich_store::PoolInput {
                person_ids: households[0][1..].to_vec(),
                household: true,
                collected_on: day(0),
                lab: "CDC Quảng Ninh".into(),
                campaign_id: Some(campaign.id),
                ..Default::default()
            },
            today,
        )
        .await?;
    let single = store
        .record_sample(
            actor,
            &phongdich_store::SampleInput {
                person_id: households[2][1],
                collected_on: day(0),
                lab: "CDC Quảng Ninh".into(),
                campaign_id: Some(campaign.id),
                ..Default::default()
            },
            today,
        )
        .await?;
    for (code, outcome) in [(&pool.code, "negative"), (&single.code, "positive")] {
        let r = phongdich_domain::testing::ResultInput {
            code: code.clone(),
            test_kind: "rt_pcr".into(),
            outcome: outcome.into(),
            resulted_on: day(0),
            lab: "CDC Quảng Ninh".into(),
            ..Default::default()
        };
        store.record_result(actor, &r, today).await?;
    }
    eprintln!(
        "Ổ dịch mẫu / demo outbreak: 4 F0 ở / in {}, đợt xét nghiệm / campaign #{} ({} F1)",
        commune.name, campaign.id, campaign.rounds[0].targeted
    );
    let f0s: Vec<i64> = households.iter().step_by(2).map(|h| h[0]).collect();
    demo_follow_up(store, actor, &province.code, &commune, &households, &day(3)).await?;
    demo_response(store, actor, &commune, &f0s).await?;
    demo_report(store, &commune).await
}

/// The outbreak's follow-up as the commune runs it: every F1 ordered into
/// quarantine from the day the F0 were confirmed, the F1 of the first
/// household reached and their contact confirmed (*rà soát*), a centralised
/// site of the district with beds where the first of them stays, the
/// district hospital where the first F0 is treated, and the first
/// household as a cluster — so that every list and figure of the demo has
/// records behind it.
async fn demo_follow_up(
    store: &Store,
    actor: &Actor,
    province: &str,
    commune: &phongdich_store::Unit,
    households: &[Vec<i64>],
    confirmed: &str,
) -> anyhow::Result<()> {
    // The Ministry's rules in force today ask no quarantine of an F1; the
    // demo's province has a rule of its own for the outbreak (a rule of the
    // demo, named as such), as a province may configure one.
    let today = store.today();
    store
        .save_province_rule(
            actor,
            &phongdich_domain::quarantine::QuarantineRule {
                code: "demo-f1-home".into(),
                situation: phongdich_domain::quarantine::Situation::F1,
                from: today - chrono::Days::new(30),
                who: None,
                kind: phongdich_domain::quarantine::QuarantineKind::Home,
                days: 7,
                monitoring_days: 7,
                test_days: vec![1, 7],
                release_needs_negative_tests: true,
                source: "Quy định mẫu của dữ liệu thử / the demo's own rule (not a real document)"
                    .into(),
                province_code: Some(province.to_owned()),
            },
        )
        .await?;
    let ordered = store.order_all_f1(actor, confirmed).await?;
    anyhow::ensure!(
        !ordered.is_empty(),
        "the demo's F1 were not ordered into quarantine"
    );
    for person in &households[0][1..] {
        store
            .record_contact_review(
                actor,
                *person,
                confirmed,
                "confirmed",
                "Gọi điện, xác nhận tiếp xúc trong gia đình",
            )
            .await?;
    }
    let site = store
        .create_place(
            actor,
            &phongdich_store::PlaceInput {
                name: format!("Khu cách ly tập trung {}", commune.name),
                kind: "centralised".into(),
                commune_code: commune.code.clone(),
                beds: vec![("regular".into(), 40)],
                staff: 6,
                ..Default::default()
            },
        )
        .await?;
    store
        .admit(actor, site.id, households[0][1], "regular", confirmed)
        .await?;
    let hospital = store
        .create_place(
            actor,
            &phongdich_store::PlaceInput {
                name: format!("Trung tâm Y tế huyện ({})", commune.name),
                kind: "hospital".into(),
                commune_code: commune.code.clone(),
                beds: vec![
                    ("regular".into(), 60),
                    ("oxygen".into(), 12),
                    ("icu".into(), 4),
                ],
                oxygen_points: 12,
                staff: 40,
                ..Default::default()
            },
        )
        .await?;
    store
        .admit(actor, hospital.id, households[2][0], "oxygen", confirmed)
        .await?;
    let cluster = store
        .create_cluster(
            actor,
            &phongdich_store::ClusterInput {
                name: format!("Ổ dịch hộ gia đình {}", commune.name),
                kind: "household".into(),
                place: commune.name.clone(),
                unit_code: commune.code.clone(),
                started_on: confirmed.into(),
            },
        )
        .await?;
    for person in &households[0] {
        store.add_cluster_member(actor, cluster.id, *person).await?;
    }
    Ok(())
}

/// The demo commune's rapid report for yesterday, sent in the name of its
/// health worker (`yte`), so that the district's board shows a unit that has
/// reported and today's draft a change since the previous report.
async fn demo_report(store: &Store, commune: &phongdich_store::Unit) -> anyhow::Result<()> {
    let worker = Actor {
        name: "yte".into(),
        source: "demo".into(),
        scope: Scope::unit(UnitCode::parse(&commune.code)?),
        role: phongdich_domain::Role::HealthStaff,
    };
    let today = store.today();
    let yesterday = today - chrono::Days::new(1);
    let report = store
        .submit_report(
            &worker,
            &commune.code,
            yesterday,
            yesterday,
            "Đã khoanh vùng các hộ gia đình có F0, lấy mẫu toàn bộ F1; đề nghị cấp huyện hỗ trợ thêm 2 máy tạo oxy.",
            today,
        )
        .await?;
    eprintln!(
        "Báo cáo nhanh mẫu / demo rapid report: {} ngày / of {} (#{})",
        commune.name,
        yesterday.format("%d/%m/%Y"),
        report.id
    );
    Ok(())
}

/// The commune's and district's response teams on duty for a week (day and
/// night shifts), two concentrators, and the outbreak's F0 treated at home —
/// one with low SpO2 this morning, an alert waiting for the team.
async fn demo_response(
    store: &Store,
    actor: &Actor,
    commune: &phongdich_store::Unit,
    f0s: &[i64],
) -> anyhow::Result<()> {
    // From yesterday morning, so that someone is on duty whatever the hour.
    let yesterday = store.today() - chrono::Days::new(1);
    let morning = yesterday
        .and_hms_opt(7, 0, 0)
        .context("7 o'clock")?
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let evening = morning.replace("T07:00", "T19:00");
    let next_morning = store
        .today()
        .and_hms_opt(7, 0, 0)
        .context("7 o'clock")?
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let district = commune
        .district_code
        .clone()
        .unwrap_or(commune.code.clone());
    for (unit, team, phone, from, to) in [
        (
            &commune.code,
            format!("Tổ phản ứng nhanh {} (ngày)", commune.name),
            "0203 3825 115",
            &morning,
            &evening,
        ),
        (
            &commune.code,
            format!("Tổ phản ứng nhanh {} (đêm)", commune.name),
            "0203 3825 115",
            &evening,
            &next_morning,
        ),
        (
            &district,
            "Đội cấp cứu lưu động cấp huyện".to_owned(),
            "0203 3835 115",
            &morning,
            &next_morning,
        ),
    ] {
        store
            .add_shifts(
                actor,
                &phongdich_store::ShiftInput {
                    unit_code: unit.clone(),
                    team,
                    members: "BS. Nguyễn Thị Lan, ĐD. Trần Văn Hùng".into(),
                    phone: phone.into(),
                    starts_at: from.clone(),
                    ends_at: to.clone(),
                    repeat_days: Some(8),
                    checkpoint_id: None,
                },
            )
            .await?;
    }
    let mut concentrators = Vec::new();
    for (label, unit) in [("MTO-01", &commune.code), ("MTO-02", &district)] {
        let e = store
            .add_equipment(
                actor,
                &phongdich_store::EquipmentInput {
                    kind: "concentrator".into(),
                    label: label.into(),
                    capacity: "5 L/phút".into(),
                    unit_code: unit.clone(),
                },
            )
            .await?;
        concentrators.push(e.id);
    }
    let today = store.today();
    for (i, f0) in f0s.iter().enumerate() {
        let e = phongdich_domain::treatment::Enrolment::well(35);
        let Ok(t) = store.enrol_home_treatment(actor, *f0, &e, today).await else {
            continue;
        };
        let v = phongdich_domain::treatment::Vitals {
            spo2: Some(if i == 0 { 94 } else { 98 }),
            breathing_rate: Some(if i == 0 { 23 } else { 17 }),
            pulse: Some(88),
            temperature: Some(37.4),
            ..Default::default()
        };
        store.record_vitals(actor, t.id, &v, today).await?;
        if i == 0 {
            // The commune's concentrator goes to the F0 short of breath.
            store.lend_equipment(actor, concentrators[0], t.id).await?;
        }
    }
    Ok(())
}

/// The demo's password for every demo account (printed; demo data only).
pub(crate) const DEMO_PASSWORD: &str = "phongdich-demo-2021";

/// A province administrator and a commune health worker, created once.
async fn ensure_demo_accounts(
    store: &Store,
    actor: &Actor,
    province: &phongdich_store::Unit,
) -> anyhow::Result<()> {
    let commune = store
        .descendants(&province.code)
        .await?
        .into_iter()
        .find(|u| u.level == UnitLevel::Commune)
        .context("the demo province has no commune")?;
    let accounts = [
        (
            "admin",
            "Quản trị tỉnh (demo)",
            province.code.clone(),
            "admin",
        ),
        (
            "yte",
            "Cán bộ trạm y tế xã (demo)",
            commune.code.clone(),
            "health_staff",
        ),
        (
            "chot",
            "Cán bộ chốt kiểm soát (demo)",
            province.code.clone(),
            "checkpoint_officer",
        ),
    ];
    for (username, name, unit, role) in accounts {
        if store.user(&Scope::national(), username).await.is_err() {
            store
                .add_user(
                    actor,
                    &phongdich_store::NewUser {
                        username: username.into(),
                        display_name: name.into(),
                        unit_code: unit.clone(),
                        role: role.into(),
                        password: DEMO_PASSWORD.into(),
                    },
                )
                .await?;
        }
    }
    eprintln!(
        "Đăng nhập / log in: admin / {DEMO_PASSWORD} (quản trị tỉnh / province admin, {}), yte / {DEMO_PASSWORD} (y tế xã / commune health staff, {} {}), chot / {DEMO_PASSWORD} (chốt kiểm soát / checkpoint officer)",
        province.name, commune.code, commune.name
    );
    Ok(())
}

/// A convoy bringing people home from Hồ Chí Minh City and Bình Dương
/// (epidemic areas since 09/07/2021, when the city went under Directive 16):
/// 24 seated, left yesterday, arrived today; 18 through the checkpoint at Km
/// 3 (one rapid test positive), 10 of them confirmed home with their orders;
/// six more coming on their own tomorrow.
/// A green zone: the first commune of the demo's district (after the
/// outbreak's) with no F0 under treatment, declared a week ago, with a
/// checkpoint open 06:00–22:00 — the zone turns red when an F0 living there
/// is confirmed.
async fn demo_green_zone(
    store: &Store,
    actor: &Actor,
    province: &phongdich_store::Unit,
) -> anyhow::Result<()> {
    let communes: Vec<phongdich_store::Unit> = store
        .descendants(&province.code)
        .await?
        .into_iter()
        .filter(|u| u.level == UnitLevel::Commune)
        .take(6)
        .collect();
    for commune in communes.iter().skip(1) {
        let input = phongdich_store::GreenZoneInput {
            name: format!("Vùng xanh {}", commune.name),
            unit_code: commune.code.clone(),
            declared_on: (store.today() - chrono::Days::new(7))
                .format("%d/%m/%Y")
                .to_string(),
            decision: "Thông báo số 12/TB-UBND".into(),
            team: format!("Tổ COVID cộng đồng {}", commune.name),
            team_leader: "Ông Nguyễn Văn Hải".into(),
            team_phone: "0912 345 678".into(),
            ..Default::default()
        };
        match store.create_green_zone(actor, &input).await {
            Ok(zone) => {
                store
                    .add_zone_checkpoint(
                        actor,
                        zone.id,
                        &phongdich_store::ZoneCheckpointInput {
                            place: format!("Cổng vào {}", commune.name),
                            opens: "06:00".into(),
                            closes: "22:00".into(),
                        },
                    )
                    .await?;
                return Ok(());
            }
            // An F0 under treatment lives there: the next commune.
            Err(phongdich_store::StoreError::Invalid(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    anyhow::bail!("no commune of the demo without F0 for a green zone")
}

async fn demo_returnees(store: &Store, province: &phongdich_store::Unit) -> anyhow::Result<()> {
    use phongdich_domain::returnees::{BatchInput, BatchState, RegistrationInput};
    let code = UnitCode::parse(&province.code)?;
    let as_province = Actor {
        name: "demo".into(),
        source: "demo".into(),
        scope: Scope::unit(code),
        role: phongdich_domain::Role::Admin,
    };
    for (unit, decision) in [
        (
            "79",
            "Thông báo (demo): TP Hồ Chí Minh áp dụng Chỉ thị 16 từ 09/07/2021",
        ),
        (
            "74",
            "Thông báo (demo): Bình Dương áp dụng Chỉ thị 16 từ 09/07/2021",
        ),
    ] {
        store
            .add_epidemic_area(
                &as_province,
                &phongdich_store::AreaInput {
                    unit_code: unit.into(),
                    from_on: "09/07/2021".into(),
                    until_on: String::new(),
                    decision: decision.into(),
                },
            )
            .await?;
    }
    let communes: Vec<_> = store
        .descendants(&province.code)
        .await?
        .into_iter()
        .filter(|u| u.level == UnitLevel::Commune)
        .take(6)
        .collect();
    let today = store.today();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let yesterday = today - chrono::Days::new(1);
    let convoy = store
        .create_batch(
            &as_province,
            &BatchInput {
                name: format!(
                    "Đoàn xe đón công dân từ TP Hồ Chí Minh ({})",
                    day(yesterday)
                ),
                means: "convoy".into(),
                capacity: 40,
                departs_on: day(yesterday),
                departure_point: "Bến xe Miền Đông, TP Hồ Chí Minh".into(),
                route: "QL1A – QL18, nghỉ tại Thanh Hóa".into(),
            },
        )
        .await?;
    const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
    const GIVEN: [&str; 10] = [
        "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Lan", "Minh", "Nga",
    ];
    let mut codes = Vec::new();
    for i in 0..30u32 {
        let female = i % 2 == 1;
        let birth_year = 1985 + (i % 15);
        let own = i >= 24;
        let (departs, arrives) = if own {
            (today, today + chrono::Days::new(1))
        } else {
            (yesterday, today)
        };
        let input = RegistrationInput {
            person: phongdich_domain::PersonInput {
                full_name: format!(
                    "{} {} {}",
                    FAMILY[(i % 8) as usize],
                    if female { "Thị" } else { "Văn" },
                    GIVEN[(i % 10) as usize]
                ),
                birth: birth_year.to_string(),
                sex: if female { "female" } else { "male" }.into(),
                national_id: format!(
                    "022{}{:02}{:06}",
                    u32::from(female),
                    birth_year % 100,
                    900_000 + i
                ),
                phone: format!("0912{:06}", 700_000 + i),
                commune_code: communes[(i as usize) % communes.len()].code.clone(),
                street_address: format!("Tổ {}, khu {}", 1 + i % 7, 1 + i % 4),
                ..Default::default()
            },
            origin_code: if i % 3 == 2 { "74" } else { "79" }.into(),
            origin_address: "Khu công nghiệp (demo)".into(),
            departure_on: day(departs),
            arrival_on: day(arrives),
            means: if own { "own_vehicle" } else { "convoy" }.into(),
            doses: (i % 3) as u8,
            last_dose_on: if i % 3 == 0 {
                String::new()
            } else {
                "20/07/2021".into()
            },
            ..Default::default()
        };
        let r = store
            .register_returnee(&as_province, &input, "import")
            .await?;
        if !own {
            codes.push((r.registration.id, r.registration.code));
        }
    }
    let listed: Vec<String> = codes.iter().map(|c| c.1.clone()).collect();
    store
        .assign_to_batch(&as_province, convoy.id, &listed)
        .await?;
    store
        .set_batch_state(&as_province, convoy.id, BatchState::Departed)
        .await?;
    let officer = Actor {
        role: phongdich_domain::Role::CheckpointOfficer,
        ..as_province.clone()
    };
    for (k, (_, code)) in codes.iter().take(18).enumerate() {
        store
            .scan_returnee(
                &officer,
                &phongdich_store::ScanInput {
                    code: code.clone(),
                    checkpoint: "Chốt Km 3 QL18 (Đông Triều)".into(),
                    idempotency_key: format!("demo-{code}"),
                    rapid_result: if k == 7 { "positive" } else { "negative" }.into(),
                },
            )
            .await?;
    }
    store
        .set_batch_state(&as_province, convoy.id, BatchState::Arrived)
        .await?;
    for (id, _) in codes.iter().take(10).filter(|(_, c)| *c != codes[7].1) {
        store
            .confirm_returnee_home(&as_province, *id, today)
            .await?;
    }
    eprintln!(
        "Người về / returnees: một đoàn xe 24 người từ TP Hồ Chí Minh, 18 đã qua chốt, 10 đã về nhà; 6 người tự về ngày mai"
    );
    Ok(())
}

fn write_people(path: &Path, people: impl Iterator<Item = GenPerson>) -> anyhow::Result<()> {
    let out =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = TableWriter::new(
        Box::new(std::io::BufWriter::new(out)),
        Format::Csv,
        &GENERATED_HEADERS,
    )?;
    for p in people {
        w.write_row(&person_cells(&p))?;
    }
    w.finish()?;
    Ok(())
}
