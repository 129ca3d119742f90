//! The classification rules on small hand-drawn graphs. People are numbered;
//! days are small integers.

use super::*;

fn f0(start: Day) -> Status {
    Status {
        f0: Some((start, None)),
        ..Status::default()
    }
}

fn level(e: &Engine, p: PersonId) -> Option<u8> {
    e.class_of(p).map(|a| a.level)
}

/// F0 1 — 2 — 3 — 4 — 5 — 6, contacts on days 10..15.
fn chain() -> Engine {
    let mut e = Engine::new(4);
    for (i, p) in (1..6).enumerate() {
        e.load_contact(p, p + 1, 10 + i as Day, 10 + i as Day, true);
    }
    e.load_status(1, f0(8));
    e.classify_all();
    e
}

#[test]
fn a_chain_gives_f1_to_f4_and_stops_at_the_depth() {
    let e = chain();
    assert_eq!(
        (1..=6).map(|p| level(&e, p)).collect::<Vec<_>>(),
        vec![Some(0), Some(1), Some(2), Some(3), Some(4), None]
    );
    let f4 = e.class_of(5).unwrap();
    assert_eq!(f4.path, vec![1, 2, 3, 4, 5]);
    assert_eq!(f4.via_f0, 1);
    assert_eq!(f4.since, 13);
}

#[test]
fn the_depth_is_configurable() {
    let mut e = Engine::new(2);
    e.load_contact(1, 2, 10, 10, true);
    e.load_contact(2, 3, 11, 11, true);
    e.load_contact(3, 4, 12, 12, true);
    e.load_status(1, f0(8));
    e.classify_all();
    assert_eq!((level(&e, 3), level(&e, 4)), (Some(2), None));
}

#[test]
fn contacts_must_follow_each_other_in_time() {
    let mut e = Engine::new(4);
    e.load_status(1, f0(10));
    e.load_contact(1, 2, 12, 12, true);
    // Before 2 was exposed: no chain.
    e.load_contact(2, 3, 11, 11, true);
    // Before the F0's window opened: no chain.
    e.load_contact(1, 4, 9, 9, true);
    // The same day counts.
    e.load_contact(2, 5, 12, 12, true);
    e.classify_all();
    assert_eq!(level(&e, 2), Some(1));
    assert_eq!(level(&e, 3), None);
    assert_eq!(level(&e, 4), None);
    assert_eq!(level(&e, 5), Some(2));
}

#[test]
fn a_contact_spanning_days_counts_from_its_overlap() {
    let mut e = Engine::new(4);
    e.load_status(1, f0(10));
    // Lived together from day 5 to day 20: exposed from day 10, the window start.
    e.load_contact(1, 2, 5, 20, true);
    e.load_contact(2, 3, 9, 9, true);
    e.classify_all();
    assert_eq!(e.class_of(2).unwrap().since, 10);
    assert_eq!(level(&e, 3), None, "met 2 before 2 could carry it");
}

#[test]
fn isolation_and_the_end_of_the_window_stop_transmission() {
    let mut e = Engine::new(4);
    e.load_status(
        1,
        Status {
            f0: Some((10, Some(20))),
            ..Status::default()
        },
    );
    e.load_contact(1, 2, 12, 12, true);
    e.load_contact(1, 3, 20, 20, true); // the day the window closed
    e.load_status(
        2,
        Status {
            isolated_from: Some(15),
            ..Status::default()
        },
    );
    e.load_contact(2, 4, 14, 14, true);
    e.load_contact(2, 5, 15, 15, true); // isolated by then
    e.classify_all();
    assert_eq!(level(&e, 3), None);
    assert_eq!(level(&e, 4), Some(2));
    assert_eq!(level(&e, 5), None);
}

#[test]
fn only_contacts_meeting_the_f1_criteria_carry_a_class() {
    let mut e = Engine::new(4);
    e.load_status(1, f0(10));
    e.load_contact(1, 2, 12, 12, false);
    e.load_contact(1, 3, 12, 12, true);
    e.load_contact(3, 4, 13, 13, false);
    e.classify_all();
    assert_eq!(
        (level(&e, 2), level(&e, 3), level(&e, 4)),
        (None, Some(1), None)
    );
}

#[test]
fn the_shortest_chain_to_any_active_f0_wins() {
    let mut e = chain();
    // A second F0 meets person 5 directly.
    let changes = {
        e.load_contact(7, 5, 16, 16, true);
        e.set_status(7, f0(14))
    };
    assert_eq!(level(&e, 5), Some(1));
    assert_eq!(e.class_of(5).unwrap().via_f0, 7);
    assert_eq!(
        level(&e, 6),
        None,
        "6 met 5 on day 14, before 5 met the new F0 on day 16"
    );
    assert!(changes.iter().any(|c| c.person == 5
        && c.before.as_ref().map(|a| a.level) == Some(4)
        && c.after.as_ref().map(|a| a.level) == Some(1)));
}

#[test]
fn an_f1_turning_f0_moves_its_contacts_up_and_opens_a_new_window() {
    let mut e = chain();
    // Person 2 (F1) tests positive; asymptomatic, sample on day 13 → window from 11.
    let changes = e.set_status(2, f0(11));
    assert_eq!(level(&e, 2), Some(0));
    assert_eq!(level(&e, 3), Some(1));
    assert_eq!(level(&e, 4), Some(2));
    assert_eq!(level(&e, 6), Some(4), "F5 before, now within reach");
    assert_eq!(e.class_of(3).unwrap().via_f0, 2);
    let moved: Vec<PersonId> = changes.iter().map(|c| c.person).collect();
    assert_eq!(moved, vec![2, 3, 4, 5, 6]);
}

#[test]
fn an_f0_taken_back_releases_what_depended_only_on_it() {
    // A case entered by mistake and deleted (not a recovery: see below).
    let mut e = chain();
    // Person 4 also met a second F0.
    e.load_contact(8, 4, 20, 20, true);
    e.set_status(8, f0(18));
    e.set_status(1, Status::default());
    assert_eq!(level(&e, 1), None);
    assert_eq!(level(&e, 2), None);
    assert_eq!(level(&e, 3), None, "3 met 4 before 4 was exposed to 8");
    assert_eq!(level(&e, 4), Some(1));
    assert_eq!(level(&e, 5), None, "met 4 on day 13, before day 20");
}

#[test]
fn an_f0_recovering_releases_no_one_it_exposed() {
    // domain-rules §2: "An F0 recovering or dying stops producing new
    // exposures from that date; it does not release people already exposed."
    let mut e = chain();
    e.load_contact(1, 7, 30, 30, true); // after the recovery
    let changes = e.set_status(
        1,
        Status {
            f0: Some((8, Some(20))),
            f0_closed: true,
            ..Status::default()
        },
    );
    assert_eq!(level(&e, 1), None, "no longer an F0");
    assert_eq!(
        (2..=5).map(|p| level(&e, p)).collect::<Vec<_>>(),
        vec![Some(1), Some(2), Some(3), Some(4)],
        "the chain keeps its classes"
    );
    assert_eq!(level(&e, 7), None, "met 1 after its window closed");
    assert_eq!(
        changes.iter().map(|c| c.person).collect::<Vec<_>>(),
        vec![1]
    );
}

#[test]
fn a_released_f1_no_longer_counts_until_exposed_again() {
    let mut e = chain();
    e.set_status(
        2,
        Status {
            released_on: Some(25),
            ..Status::default()
        },
    );
    assert_eq!(level(&e, 2), None);
    assert_eq!(level(&e, 3), None);
    // A new contact with the F0 after the release counts again.
    e.add_contact(1, 2, 26, 26, true);
    assert_eq!(level(&e, 2), Some(1));
    assert_eq!(
        level(&e, 3),
        None,
        "3 met 2 on day 11, before the new exposure"
    );
}

#[test]
fn an_earlier_arrival_through_a_longer_chain_still_passes_on() {
    // 1 (F0, day 10) met 2 on day 30 → 2 is F1 from day 30.
    // 1 met 3 on day 10, 3 met 2 on day 11 → 2 is also reachable at F2 from day 11.
    // 2 met 4 on day 15: only the F2 arrival (day 11) lets infection pass → 4 is F3.
    let mut e = Engine::new(4);
    e.load_status(1, f0(10));
    e.load_contact(1, 2, 30, 30, true);
    e.load_contact(1, 3, 10, 10, true);
    e.load_contact(3, 2, 11, 11, true);
    e.load_contact(2, 4, 15, 15, true);
    e.classify_all();
    assert_eq!(level(&e, 2), Some(1));
    assert_eq!(level(&e, 4), Some(3));
    assert_eq!(e.class_of(4).unwrap().path, vec![1, 3, 2, 4]);
}

/// The F1 period of 5599/BYT-MT (14/7/2021): 14 days of quarantine and 14
/// of monitoring; of 10696/BYT-MT (16/12/2021): 7 + 7 (here on day 100).
fn rules_5599_then_10696() -> Rules {
    Rules {
        periods: vec![(Day::MIN, [28; 4]), (100, [14; 4])],
        depth: vec![(Day::MIN, 4)],
    }
}

#[test]
fn a_class_lasts_its_own_period_from_its_last_exposure() {
    let mut e = Engine::with_rules(4, rules_5599_then_10696());
    e.load_status(1, f0(8));
    e.load_contact(1, 2, 10, 10, true);
    // Lived with the F0 from day 10 to 14: the period counts from day 14.
    e.load_contact(1, 3, 10, 14, true);
    e.load_contact(2, 4, 12, 12, true);
    e.classify_all();
    assert_eq!(e.class_of(2).map(|a| a.until), Some(38));
    assert_eq!(e.class_of(3).map(|a| (a.since, a.until)), Some((10, 42)));
    assert_eq!(e.class_of(4).map(|a| a.until), Some(40));
    // Day 39: 2's period is over, so are the F2 it exposed before; 3 runs on.
    let changes = e.set_today(39);
    assert_eq!(
        (level(&e, 2), level(&e, 3), level(&e, 4)),
        (None, Some(1), Some(2))
    );
    assert_eq!(
        changes.iter().map(|c| c.person).collect::<Vec<_>>(),
        vec![2]
    );
    e.set_today(41);
    assert_eq!((level(&e, 3), level(&e, 4)), (Some(1), None));
    assert!(e.consistent().is_ok());
}

#[test]
fn a_shorter_period_taking_effect_applies_to_people_already_counting() {
    // 10696/BYT-MT shortened the F1 period from 28 to 14 days (here from day
    // 100): someone last exposed on day 90 is done on day 104, not 118.
    let r = rules_5599_then_10696();
    assert_eq!(r.until(1, 60), 88);
    assert_eq!(r.until(1, 90), 104);
    assert_eq!(r.until(1, 99), 113);
    assert_eq!(r.until(1, 100), 114);
}

#[test]
fn an_expired_class_passes_nothing_on_and_a_new_exposure_starts_again() {
    let rules = Rules {
        periods: vec![(Day::MIN, [10; 4])],
        depth: vec![(Day::MIN, 4)],
    };
    let mut e = Engine::with_rules(4, rules);
    e.load_status(1, f0(0));
    e.load_contact(1, 2, 5, 5, true); // F1 until 15
    e.load_contact(2, 3, 20, 20, true); // after: 2 is no longer F1
    e.load_contact(1, 2, 30, 30, true); // exposed again: F1 until 40
    e.load_contact(2, 4, 35, 35, true);
    e.classify_all();
    assert_eq!(level(&e, 3), None, "met 2 between its two periods");
    assert_eq!(level(&e, 4), Some(2));
    let two = e.class_of(2).cloned();
    assert_eq!(two.map(|a| (a.since, a.until)), Some((5, 40)));
    e.set_today(16);
    assert_eq!(e.class_of(2).map(|a| (a.since, a.until)), Some((30, 40)));
}

#[test]
fn centralised_quarantine_stops_onward_exposure_home_quarantine_not_for_the_household() {
    // domain-rules §2: "A home-quarantined F1 keeps exposing the people they
    // live with; a centralised one does not."
    let mut e = Engine::new(4);
    e.load_status(1, f0(0));
    e.load_contact(1, 2, 5, 5, true);
    e.load_contact(1, 3, 5, 5, true);
    e.load_status(
        2,
        Status {
            home_from: Some(6),
            ..Status::default()
        },
    );
    e.load_status(
        3,
        Status {
            isolated_from: Some(6),
            ..Status::default()
        },
    );
    e.load_contact(2, 4, 5, 12, Exposure::Household); // lives with 2
    e.load_contact(2, 5, 8, 8, true); // a visitor during home quarantine
    e.load_contact(3, 6, 7, 12, Exposure::Household); // 3's household, 3 away
    e.classify_all();
    assert_eq!(level(&e, 4), Some(2));
    assert_eq!(level(&e, 5), None);
    assert_eq!(level(&e, 6), None);
    // Released on day 10: the quarantine is over, and so is the class.
    let changes = e.set_status(
        2,
        Status {
            home_from: Some(6),
            released_on: Some(10),
            ..Status::default()
        },
    );
    assert_eq!(level(&e, 2), None);
    assert_eq!(level(&e, 4), None);
    assert_eq!(changes.len(), 2);
}

#[test]
fn an_f0_in_isolation_still_exposes_its_carers() {
    // 3638/QĐ-BYT: caring for an F0 without full protective equipment makes
    // an F1 — isolation does not end the F0's window, the criteria judge the
    // contact (the caller passes whether it qualifies).
    let mut e = Engine::new(4);
    e.load_status(
        1,
        Status {
            f0: Some((0, Some(20))),
            isolated_from: Some(3),
            ..Status::default()
        },
    );
    e.load_contact(1, 2, 10, 10, true); // nurse without full PPE
    e.load_contact(1, 3, 10, 10, false); // nurse in full PPE
    e.classify_all();
    assert_eq!((level(&e, 2), level(&e, 3)), (Some(1), None));
}

#[test]
fn the_depth_in_force_on_the_arrival_day_caps_the_class() {
    let rules = Rules {
        periods: vec![(Day::MIN, [OPEN; 4])],
        depth: vec![(Day::MIN, 4), (13, 2)],
    };
    let mut e = Engine::with_rules(4, rules);
    for (i, p) in (1..6).enumerate() {
        e.load_contact(p, p + 1, 10 + i as Day, 10 + i as Day, true);
    }
    e.load_status(1, f0(8));
    e.classify_all();
    // 4 arrived on day 12 (depth 4), 5 on day 13 (depth 2).
    assert_eq!((level(&e, 4), level(&e, 5)), (Some(3), None));
}

/// A small deterministic generator, so the test needs no crate.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn random_status(rng: &mut Lcg) -> Status {
    let some = |rng: &mut Lcg, n: u64| (rng.next(3) == 0).then(|| rng.next(n) as Day);
    let f0 = (rng.next(3) == 0).then(|| {
        let start = rng.next(30) as Day;
        (
            start,
            (rng.next(2) == 0).then(|| start + 1 + rng.next(15) as Day),
        )
    });
    Status {
        f0,
        f0_closed: f0.is_some() && rng.next(2) == 0,
        isolated_from: some(rng, 40),
        home_from: some(rng, 40),
        released_on: some(rng, 40),
    }
}

fn random_kind(rng: &mut Lcg) -> Exposure {
    match rng.next(5) {
        0 => Exposure::None,
        1 => Exposure::Household,
        _ => Exposure::Close,
    }
}

/// Short periods that change twice, one shortening and one lengthening, and
/// a depth that drops: the cases where the rules' dates matter.
fn random_rules(rng: &mut Lcg) -> Rules {
    if rng.next(4) == 0 {
        return Rules::default();
    }
    let p = |rng: &mut Lcg| [0, 1, 2, 3].map(|_| 2 + rng.next(8) as Day);
    Rules {
        periods: vec![(Day::MIN, p(rng)), (15, p(rng)), (25, p(rng))],
        depth: vec![
            (Day::MIN, 4),
            (20 + rng.next(20) as Day, 2 + rng.next(3) as u8),
        ],
    }
}

#[test]
fn incremental_reclassification_equals_a_full_one() {
    for seed in 1..=40 {
        let mut rng = Lcg(seed);
        let rules = random_rules(&mut rng);
        let mut e = Engine::with_rules(4, rules);
        for _ in 0..400 {
            let (a, b) = (rng.next(120) as PersonId, rng.next(120) as PersonId);
            if a == b {
                continue;
            }
            match rng.next(12) {
                0 => {
                    e.set_status(a, f0(rng.next(30) as Day));
                }
                1 => {
                    e.set_status(a, Status::default());
                }
                2..=3 => {
                    e.set_status(a, random_status(&mut rng));
                }
                4 => {
                    e.set_today(rng.next(60) as Day);
                }
                _ => {
                    let day = rng.next(40) as Day;
                    let kind = random_kind(&mut rng);
                    e.add_contact(a, b, day, day + rng.next(3) as Day, kind);
                }
            }
            if let Err(msg) = e.consistent() {
                panic!("seed {seed}: the kept states and the classes disagree: {msg}");
            }
            let mut full = e.clone();
            assert!(
                full.classify_all().is_empty(),
                "seed {seed}: the incremental classes differ from a full classification"
            );
        }
    }
}

/// The oracle: the rules of the crate documentation applied to every
/// time-respecting walk of at most `depth` contacts from every F0, written
/// without the engine's labels, dominance or incremental search.
mod oracle {
    use super::{Day, Exposure, PersonId, Rules, Status};
    use std::collections::BTreeMap;

    pub(super) struct Contact {
        pub a: PersonId,
        pub b: PersonId,
        pub from: Day,
        pub to: Day,
        pub kind: Exposure,
    }

    /// The period of a level in force on a day, by reading the table.
    fn period(r: &Rules, level: usize, day: Day) -> Day {
        let mut p = r.periods[0].1[level - 1];
        for (from, v) in &r.periods {
            if *from <= day {
                p = v[level - 1];
            }
        }
        p
    }

    /// The class ends on the first day its period (in force that day) has
    /// been served since the last exposure — by counting days.
    fn until(r: &Rules, level: usize, last: Day) -> Day {
        if r.periods.iter().any(|(_, v)| v[level - 1] >= super::OPEN) {
            // Periods not limited (the default rules).
            return super::OPEN;
        }
        let mut d = last;
        while d - last < period(r, level, d) {
            d += 1;
        }
        d
    }

    fn depth_on(r: &Rules, day: Day) -> usize {
        let mut d = r.depth[0].1;
        for (from, v) in &r.depth {
            if *from <= day {
                d = *v;
            }
        }
        d as usize
    }

    /// (level, since, until) of everyone classified on `today`.
    pub(super) fn classes(
        depth: usize,
        rules: &Rules,
        status: &BTreeMap<PersonId, Status>,
        contacts: &[Contact],
        today: Day,
    ) -> BTreeMap<PersonId, (u8, Day, Day)> {
        let st = |p: PersonId| status.get(&p).copied().unwrap_or_default();
        // Every walk's end, when the walk did not pass through its last
        // person before: person → level → [(arrival, until)].
        let mut ends: BTreeMap<PersonId, BTreeMap<usize, Vec<(Day, Day)>>> = BTreeMap::new();
        // Depth-first over walks: (people so far, arrival, until of the last).
        let mut stack: Vec<(Vec<PersonId>, Day, Day)> = Vec::new();
        for (&p, s) in status {
            if let Some((start, end)) = s.f0 {
                stack.push((vec![p], start, end.map_or(super::OPEN, |e| e - 1)));
            }
        }
        while let Some((walk, at, until_u)) = stack.pop() {
            let u = walk[walk.len() - 1];
            let level = walk.len() - 1;
            if level == depth {
                continue;
            }
            let us = st(u);
            for c in contacts {
                let v = if c.a == u {
                    c.b
                } else if c.b == u {
                    c.a
                } else {
                    continue;
                };
                if c.kind == Exposure::None {
                    continue;
                }
                // The days u can still pass infection on over this contact.
                let mut last_day = until_u;
                if level > 0 {
                    let ended =
                        |s: Option<Day>| s.filter(|&s| us.released_on.is_none_or(|r| r <= s));
                    if let Some(i) = ended(us.isolated_from) {
                        last_day = last_day.min(i - 1);
                    }
                    if c.kind != Exposure::Household
                        && let Some(h) = ended(us.home_from)
                    {
                        last_day = last_day.min(h - 1);
                    }
                }
                let vs = st(v);
                if vs.f0.is_some() && !vs.f0_closed {
                    continue;
                }
                // Exposed on each day of the contact inside u's window, after
                // v's release and after v's own window (a closed F0).
                let days: Vec<Day> = (c.from..=c.to)
                    .filter(|&d| d >= at && d <= last_day)
                    .filter(|&d| vs.released_on.is_none_or(|r| d >= r))
                    .filter(|&d| vs.f0.is_none_or(|(_, end)| end.is_some_and(|e| d >= e)))
                    .collect();
                let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
                    continue;
                };
                let u2 = until(rules, level + 1, last);
                if !walk.contains(&v) {
                    ends.entry(v)
                        .or_default()
                        .entry(level + 1)
                        .or_default()
                        .push((first, u2));
                }
                let mut longer = walk.clone();
                longer.push(v);
                stack.push((longer, first, u2));
            }
        }
        let mut out = BTreeMap::new();
        for (&p, s) in status {
            if let Some((start, _)) = s.f0
                && !s.f0_closed
            {
                out.insert(p, (0, start, super::OPEN));
            }
        }
        for (p, levels) in ends {
            if out.contains_key(&p) {
                continue;
            }
            for (level, walks) in levels {
                let running: Vec<&(Day, Day)> = walks
                    .iter()
                    .filter(|(at, until)| *until >= today && level <= depth_on(rules, *at))
                    .collect();
                if running.is_empty() {
                    continue;
                }
                let since = running.iter().map(|w| w.0).min().unwrap_or_default();
                let until = running.iter().map(|w| w.1).max().unwrap_or_default();
                out.insert(p, (level as u8, since, until));
                break;
            }
        }
        out
    }
}

#[test]
fn the_engine_agrees_with_an_enumeration_of_every_walk() {
    use std::collections::BTreeMap;
    // How often the comparison met deep classes and periods that ended.
    let (mut deep, mut ended) = (0, 0);
    for seed in 1..=300 {
        let mut rng = Lcg(seed * 7919);
        let rules = random_rules(&mut rng);
        let people = 4 + rng.next(6) as PersonId;
        let mut e = Engine::with_rules(4, rules.clone());
        let mut status: BTreeMap<PersonId, Status> = BTreeMap::new();
        let mut contacts: Vec<oracle::Contact> = Vec::new();
        let mut today = Day::MIN;
        for step in 0..30 {
            let a = rng.next(people as u64) as PersonId;
            let b = rng.next(people as u64) as PersonId;
            match rng.next(8) {
                0 | 1 => {
                    let s = random_status(&mut rng);
                    status.insert(a, s);
                    e.set_status(a, s);
                }
                2 => {
                    today = rng.next(50) as Day;
                    e.set_today(today);
                }
                _ if a != b => {
                    let from = rng.next(40) as Day;
                    let to = from + rng.next(4) as Day;
                    let kind = random_kind(&mut rng);
                    contacts.push(oracle::Contact {
                        a,
                        b,
                        from,
                        to,
                        kind,
                    });
                    e.add_contact(a, b, from, to, kind);
                }
                _ => continue,
            }
            let want = oracle::classes(4, &rules, &status, &contacts, today);
            let got: BTreeMap<PersonId, (u8, Day, Day)> = e
                .classes()
                .map(|(p, a)| (p, (a.level, a.since, a.until)))
                .collect();
            assert_eq!(got, want, "seed {seed}, step {step}");
            deep += want.values().filter(|c| c.0 >= 2).count();
            ended += want.values().filter(|c| c.0 >= 1 && c.2 < 40).count();
            // Every path the engine shows is a chain of recorded contacts.
            for (p, a) in e.classes() {
                assert_eq!(a.path.last(), Some(&p));
                assert_eq!(a.path.len(), a.level as usize + 1);
                for w in a.path.windows(2) {
                    assert!(
                        contacts
                            .iter()
                            .any(|c| (c.a, c.b) == (w[0], w[1]) || (c.b, c.a) == (w[0], w[1])),
                        "seed {seed}: {p}'s path {:?} has no contact {w:?}",
                        a.path
                    );
                }
            }
        }
    }
    assert!(deep > 500 && ended > 500, "deep {deep}, ended {ended}");
}
