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
fn a_recovered_f0_releases_what_depended_only_on_it() {
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

#[test]
fn incremental_reclassification_equals_a_full_one() {
    for seed in 1..=40 {
        let mut rng = Lcg(seed);
        let mut e = Engine::new(4);
        for _ in 0..400 {
            let (a, b) = (rng.next(120) as PersonId, rng.next(120) as PersonId);
            if a == b {
                continue;
            }
            match rng.next(10) {
                0 => {
                    e.set_status(a, f0(rng.next(30) as Day));
                }
                1 => {
                    e.set_status(a, Status::default());
                }
                2 => {
                    e.set_status(
                        a,
                        Status {
                            isolated_from: Some(rng.next(40) as Day),
                            ..Status::default()
                        },
                    );
                }
                3 => {
                    e.set_status(
                        a,
                        Status {
                            released_on: Some(rng.next(40) as Day),
                            ..Status::default()
                        },
                    );
                }
                _ => {
                    let day = rng.next(40) as Day;
                    e.add_contact(a, b, day, day + rng.next(3) as Day, rng.next(5) != 0);
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
