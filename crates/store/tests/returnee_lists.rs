#![allow(clippy::unwrap_used)]
//! A list of returnees registered in slices (`Store::register_returnee_list`)
//! answers every row as one registration after the other
//! (`Store::register_returnee`) does, and leaves the same records: the same
//! people (by id), registrations, groups, pairs for review and audit rows.
//! The list is generated to hit every branch many times — CCCD holders in
//! and out of reach, a CCCD repeated on the same day and another, namesakes
//! of the registry and of earlier rows, bad origins, units and dates,
//! groups by label and by code, a cancelled lead — on SQLite or PostgreSQL.

use chrono::{TimeZone, Utc};
use phongdich_domain::returnees::RegistrationInput;
use phongdich_domain::{Clock, PersonInput, Role};
use phongdich_store::testing::{
    HA_KHANH, HA_LONG, HA_NOI, HA_PHONG, MONG_DUONG, PHUC_XA, QUANG_NINH, TestDb, actor,
    create_person, person_input,
};
use phongdich_store::{AreaInput, ListRow, Store, StoreError};
use std::collections::HashMap;

/// A small deterministic generator (no dependency, same list every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const NAMES: &[&str] = &[
    "Trần Văn Về",
    "Nguyễn Thị Hoa",
    "Lê Văn Nam",
    "Phạm Thị Lan",
    "Trần Văn Ve",
    "Hoàng Văn Hải",
];

/// Names nobody in the registry has.
const NEWCOMERS: &[&str] = &["Vũ Thị Mới", "Đặng Văn Lạ", "Vu Thi Moi"];

fn cccd(sex: &str, year: u32, n: u64) -> String {
    format!(
        "022{}{:02}{:06}",
        if sex == "female" { 1 } else { 0 },
        year % 100,
        n
    )
}

/// The registry both stores start with: people in Hạ Long (within reach)
/// and in Mông Dương (outside), some with a CCCD, and a trip to lead a
/// group and a cancelled one.
struct Seeded {
    lead: String,
    cancelled: String,
}

async fn seed(s: &Store) -> Seeded {
    let province = actor(QUANG_NINH, Role::Admin);
    s.add_epidemic_area(
        &province,
        &AreaInput {
            unit_code: HA_NOI.into(),
            from_on: "01/10/2021".into(),
            until_on: String::new(),
            decision: "Thông báo 12/TB-BCĐ".into(),
        },
    )
    .await
    .unwrap();
    let mut k = 0;
    for commune in [HA_KHANH, HA_PHONG, MONG_DUONG] {
        for (i, name) in NAMES.iter().enumerate() {
            let sex = if name.contains("Thị") {
                "female"
            } else {
                "male"
            };
            let year = 1980 + (i as u32 % 3);
            let mut p = person_input(name, &year.to_string(), sex, commune);
            if i % 2 == 0 {
                p.national_id = cccd(sex, year, 100 + k);
            }
            if i % 3 == 0 {
                p.phone = format!("09120000{:02}", i);
            }
            k += 1;
            create_person(s, &p, chrono::NaiveDate::from_ymd_opt(2021, 10, 1).unwrap()).await;
        }
    }
    let officer = actor(HA_LONG, Role::HealthStaff);
    let trip = |name: &str, cccd: &str| RegistrationInput {
        person: PersonInput {
            full_name: name.into(),
            birth: "1975".into(),
            sex: "male".into(),
            national_id: cccd.into(),
            commune_code: HA_KHANH.into(),
            ..Default::default()
        },
        origin_code: PHUC_XA.into(),
        departure_on: "24/10/2021".into(),
        arrival_on: "25/10/2021".into(),
        means: "bus".into(),
        ..Default::default()
    };
    let lead = s
        .register_returnee(&officer, &trip("Đỗ Văn Trưởng", "022075900001"), "officer")
        .await
        .unwrap()
        .registration;
    let gone = s
        .register_returnee(&officer, &trip("Đỗ Văn Hủy", "022075900002"), "officer")
        .await
        .unwrap()
        .registration;
    s.cancel_returnee(&officer, gone.id, "Không về nữa")
        .await
        .unwrap();
    Seeded {
        lead: lead.code,
        cancelled: gone.code,
    }
}

/// The list: `(row, travels_with placeholder)` — `LEAD` and `CANCELLED`
/// stand for each store's own codes.
fn list(n: usize) -> Vec<(ListRow, &'static str)> {
    let mut g = Lcg(19);
    let mut rows: Vec<(ListRow, &'static str)> = Vec::with_capacity(n);
    let mut k = 0;
    for i in 0..n {
        // A row again (same person, same or another day), now and then.
        if i > 3 && g.next(8) == 0 {
            let (mut again, _) = rows[g.next(i as u64) as usize].clone();
            if g.next(2) == 0 {
                again.input.arrival_on = "26/10/2021".into();
                again.input.departure_on = "25/10/2021".into();
            }
            again.group = None;
            again.input.travels_with.clear();
            rows.push((again, ""));
            continue;
        }
        // Two in five not in the registry: their look-alikes are rows of the list.
        let name = if g.next(5) < 2 {
            NEWCOMERS[g.next(NEWCOMERS.len() as u64) as usize]
        } else {
            NAMES[g.next(NAMES.len() as u64) as usize]
        };
        let sex = if name.contains("Thị") {
            "female"
        } else {
            "male"
        };
        let year = 1980 + g.next(3) as u32;
        let commune = match g.next(10) {
            0 => MONG_DUONG, // outside the district's reach
            1..=5 => HA_KHANH,
            _ => HA_PHONG,
        };
        let national_id = match g.next(6) {
            // A registry person's CCCD (within reach or not); may not match.
            0 | 1 => cccd(sex, year, 100 + g.next(18)),
            2 => String::new(),
            _ => {
                k += 1;
                cccd(sex, year, 500 + k)
            }
        };
        let phone = match g.next(4) {
            0 => format!("09120000{:02}", g.next(6)),
            1 => String::new(),
            _ => format!("0913{:06}", i),
        };
        let origin = match g.next(12) {
            0 => "99999".to_owned(), // no such unit
            1 => HA_LONG.to_owned(), // inside the province
            2..=5 => HA_NOI.to_owned(),
            6..=8 => PHUC_XA.to_owned(),
            _ => "79".to_owned(),
        };
        let (departure, arrival) = match g.next(10) {
            0 => ("26/10/2021", "25/10/2021"), // arrives before it leaves
            1..=6 => ("24/10/2021", "25/10/2021"),
            _ => ("25/10/2021", "26/10/2021"),
        };
        let hamlet = if g.next(15) == 0 {
            "0664999".to_owned() // no such hamlet
        } else {
            String::new()
        };
        let doses = g.next(3) as u8;
        let (travels, group) = match g.next(10) {
            0 => ("LEAD", None),
            1 => ("CANCELLED", None),
            2..=4 => ("", Some(format!("nhóm {}", g.next(12)))),
            _ => ("", None),
        };
        rows.push((
            ListRow {
                input: RegistrationInput {
                    person: PersonInput {
                        full_name: name.into(),
                        birth: year.to_string(),
                        sex: sex.into(),
                        national_id,
                        phone,
                        commune_code: commune.into(),
                        hamlet_code: hamlet,
                        street_address: format!("Tổ {}", g.next(9) + 1),
                        ..Default::default()
                    },
                    origin_code: origin,
                    origin_address: "Số 1".into(),
                    departure_on: departure.into(),
                    arrival_on: arrival.into(),
                    means: ["bus", "convoy", "own_vehicle"][g.next(3) as usize].into(),
                    doses,
                    last_dose_on: if doses > 0 {
                        "01/09/2021".into()
                    } else {
                        String::new()
                    },
                    ..Default::default()
                },
                group,
            },
            travels,
        ));
    }
    rows
}

fn with_codes(rows: &[(ListRow, &'static str)], seeded: &Seeded) -> Vec<ListRow> {
    rows.iter()
        .map(|(r, t)| {
            let mut r = r.clone();
            r.input.travels_with = match *t {
                "LEAD" => seeded.lead.clone(),
                "CANCELLED" => seeded.cancelled.clone(),
                _ => String::new(),
            };
            r
        })
        .collect()
}

/// An answer with the store's random codes replaced by what they stand for.
fn answer(
    r: &Result<(String, i64, String), StoreError>,
    names: &HashMap<String, String>,
) -> String {
    let text = match r {
        Ok((code, person, matched)) => format!("ok {code} person {person} {matched}"),
        Err(e) => format!("{e:?}"),
    };
    names
        .iter()
        .fold(text, |t, (code, name)| t.replace(code.as_str(), name))
}

/// What the database holds, codes replaced by what they stand for.
async fn state(db: &TestDb, names: &HashMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT code || ' ' || CAST(person_id AS TEXT) || ' ' || origin_code || ' ' || departure_on || ' ' || arrival_on \
         || ' ' || means || ' ' || group_code || ' ' || CAST(doses AS TEXT) || ' ' || COALESCE(last_dose_on, '-') || ' ' \
         || COALESCE(CAST(area_id AS TEXT), '-') || ' ' || status || ' ' || channel || ' ' || province_code || ' ' \
         || district_code || ' ' || commune_code || ' ' || COALESCE(hamlet_code, '-') || ' ' || COALESCE(contact_phone, '-') \
         || ' ' || COALESCE(origin_address, '-') FROM returnee_registrations ORDER BY id",
        "SELECT CAST(id AS TEXT) || ' ' || full_name || ' ' || CAST(birth_year AS TEXT) || ' ' || COALESCE(national_id, '-') \
         || ' ' || COALESCE(phone, '-') || ' ' || commune_code || ' ' || COALESCE(hamlet_code, '-') || ' ' \
         || COALESCE(street_address, '-') FROM persons ORDER BY id",
        "SELECT CAST(person_id AS TEXT) || ' ' || CAST(other_person_id AS TEXT) || ' ' || reason FROM duplicate_candidates \
         ORDER BY person_id, other_person_id, reason",
        "SELECT token || ' ' || CAST(person_id AS TEXT) FROM person_name_tokens ORDER BY person_id, token",
        "SELECT action || ' ' || entity || ' ' || entity_id || ' ' || COALESCE(unit_code, '-') || ' ' \
         || COALESCE(province_code, '-') || ' ' || COALESCE(district_code, '-') || ' ' || COALESCE(commune_code, '-') \
         || ' ' || COALESCE(after_json, '-') FROM audit_log WHERE entity IN ('person', 'returnee') \
         ORDER BY entity, entity_id",
    ] {
        for s in db.strings(sql).await {
            let s = s.unwrap();
            // Audit JSON carries times the clock fixes, and codes.
            out.push(
                names
                    .iter()
                    .fold(s, |t, (code, name)| t.replace(code.as_str(), name)),
            );
        }
    }
    out.sort();
    out
}

async fn db() -> TestDb {
    let mut db = TestDb::new().await;
    let at = Utc.with_ymd_and_hms(2021, 10, 25, 2, 0, 0).unwrap();
    db.store = db.store.clone().with_clock(Clock::fixed(at));
    db
}

#[tokio::test]
async fn a_list_registered_in_slices_answers_and_writes_as_one_registration_after_another() {
    let rows = list(480);
    let officer = actor(HA_LONG, Role::HealthStaff);

    // One after another, the label's group as the importer used to give it:
    // the code of the first row of the label registered.
    let one = db().await;
    let seeded_one = seed(&one.store).await;
    let mut names_one: HashMap<String, String> = HashMap::from([
        (seeded_one.lead.clone(), "LEAD".to_owned()),
        (seeded_one.cancelled.clone(), "CANCELLED".to_owned()),
    ]);
    let mut labels: HashMap<String, String> = HashMap::new();
    let mut answers_one = Vec::new();
    for (i, row) in with_codes(&rows, &seeded_one).into_iter().enumerate() {
        let mut input = row.input.clone();
        if let Some(l) = &row.group {
            input.travels_with = labels.get(l).cloned().unwrap_or_default();
        }
        let r = one
            .store
            .register_returnee(&officer, &input, "import")
            .await
            .map(|r| (r.registration.code, r.registration.person_id, r.matched));
        if let Ok((code, _, _)) = &r {
            names_one.insert(code.clone(), format!("ROW{i}"));
            if let Some(l) = &row.group {
                labels.entry(l.clone()).or_insert_with(|| code.clone());
            }
        }
        answers_one.push(r);
    }

    // In slices of 7 (groups, repeats and namesakes across slices and within).
    let list_db = db().await;
    let seeded_list = seed(&list_db.store).await;
    let mut names_list: HashMap<String, String> = HashMap::from([
        (seeded_list.lead.clone(), "LEAD".to_owned()),
        (seeded_list.cancelled.clone(), "CANCELLED".to_owned()),
    ]);
    let mut groups = Default::default();
    let mut answers_list = Vec::new();
    let all = with_codes(&rows, &seeded_list);
    for (s, slice) in all.chunks(7).enumerate() {
        let got = list_db
            .store
            .register_returnee_list(&officer, slice, "import", &mut groups)
            .await
            .unwrap();
        assert_eq!(got.len(), slice.len(), "every row answered");
        for (j, r) in got.into_iter().enumerate() {
            let r = r.map(|r| (r.code, r.person_id, r.matched));
            if let Ok((code, _, _)) = &r {
                names_list.insert(code.clone(), format!("ROW{}", s * 7 + j));
            }
            answers_list.push(r);
        }
    }

    let mut kinds: HashMap<String, usize> = HashMap::new();
    for (i, (a, b)) in answers_one.iter().zip(&answers_list).enumerate() {
        let (a, b) = (answer(a, &names_one), answer(b, &names_list));
        assert_eq!(a, b, "row {i}: {:?}", rows[i].0.input.person.full_name);
        let kind = a
            .split([' ', '(', '{'])
            .next()
            .unwrap_or_default()
            .to_owned();
        let kind = if kind == "ok" {
            a.rsplit(' ').next().unwrap().to_owned()
        } else {
            kind
        };
        *kinds.entry(kind).or_default() += 1;
    }
    // The list reached every branch.
    for k in [
        "national_id",
        "national_id_elsewhere",
        "created",
        "created_likely_duplicate",
        "Invalid",
        "Conflict",
    ] {
        assert!(kinds.get(k).copied().unwrap_or(0) >= 3, "{k}: {kinds:?}");
    }
    assert_eq!(
        state(&one, &names_one).await,
        state(&list_db, &names_list).await,
        "the same records"
    );
}
