//! The contact-tracing engine: an in-memory contact graph and the rules that
//! turn it into F-classes. Pure: no IO, no clock ("today" is passed in with
//! [`Engine::set_today`]); the store loads it, feeds it changes and persists
//! what it answers.
//!
//! # Semantics
//!
//! Days are whole days (`i32`, days since 1970-01-01). A *source* is an F0
//! with a transmission window `[start, end)`: from the look-back before onset
//! or sample (the caller applies the dated rule) until the earliest of a
//! negative test, recovery, death or transfer (`end`, open when unknown). An F0
//! whose case is closed (recovered, died, moved away) still exposed the people
//! it met inside its window: closing a case ends the window, it releases no one.
//!
//! Each recorded contact `u — v` spans days `[from, to]` and either meets the
//! F1 criteria (`Close`), meets them as members of one household
//! (`Household`), or does not (`None`: carries nothing). A *chain*
//! `F0 = p0 — p1 — … — pn` gives each `p(k)`, k ≥ 1, an exposure
//! `[a(k), l(k)]` (first and last day) and a class end `until(k)`:
//! - `p(k-1)` passes infection on during `[a(k-1), c(k-1))`, where for the F0
//!   `c = end` (isolation does not end it: contacts during isolation count when
//!   they meet the criteria, e.g. care without full protective equipment) and
//!   for an F(n) `c = until + 1`, cut at the start of a centralised quarantine
//!   or isolation, and — for contacts outside the household only — at the start
//!   of a home quarantine (a home-quarantined F1 keeps exposing the people it
//!   lives with). Isolations that a later release ended do not cut.
//! - the contact exposes `p(k)` on the days of `[from, to]` inside that
//!   window, not before `p(k)`'s last release (a release clears earlier
//!   exposures only), and — when `p(k)` is itself an F0 whose case is closed —
//!   not before its window ended (an active F0 is never an F(n));
//!   `a(k)`, `l(k)` are the first and last such day; none: no chain.
//! - `until(k)` is the first day `d ≥ l(k)` on which `d − l(k)` reaches the
//!   period of level k in force on `d` ([`Rules`]): a class lasts the
//!   quarantine or monitoring period counted from its own last exposure, and a
//!   shorter (or longer) period taking effect applies to people already
//!   counting, as the Ministry's letters did. This makes `until` grow with
//!   `l`, so a chain that arrives no later and lasts no shorter than another
//!   dominates it.
//!
//! On day `today` a person is F(n) when n is the smallest level with a chain
//! of n contacts whose `until ≥ today`, within the depth in force on its
//! arrival day ([`Rules::depth_on`]), capped by the engine's depth; an active
//! F0 is class 0 whatever else holds. The class reports the earliest arrival
//! (`since`) and its path among the chains of that level still running, and
//! the latest `until` among them.
//!
//! Chains are walks: a person may appear twice (A exposes B, who exposes A
//! again); such a walk passes infection on like any other, but never makes
//! the returning person's own class (A's period is not extended by the people
//! A exposed). Because a later chain can start a new period after an earlier
//! one ended, and a longer chain can arrive earlier, the search keeps per
//! (person, level) every non-dominated (arrival, until) pair — among all
//! walks and among those not returning — usually one or two.
//!
//! # Incremental re-classification
//!
//! The engine keeps, per level, every person's labels (earliest arrivals with
//! their end, chain and F0). `add_contact`, `remove_contact`, `set_status` and
//! `set_today` re-classify incrementally and return the list of class changes.
//! Changes that only *add* chains — a new contact, or a person nobody reaches
//! becoming an F0 — propagate improvements from there, recomputing each
//! touched label from its neighbours' final labels one level down (exactly the
//! full search's rule), and re-assign only the people touched. Changes that
//! may *remove* chains (recovery, isolation, release, an F(n) turning F0,
//! taking a contact back) find the people a time-respecting walk of at most
//! `depth` contacts can reach from the change — the only ones whose labels can
//! depend on it — clear their labels, and recompute them level by level with
//! the same rule (the best over all contacts of the labels one level down),
//! reading the kept labels of their unaffected contacts, which are final. No
//! search from distant F0s is needed (an earlier version searched again from
//! every F0 within reach of the affected people, found by a backward walk; it
//! was slower, see BENCHMARKS.md, "Tuning notes").
//!
//! Tested by hand-drawn graphs and a brute-force walk enumeration
//! (`src/tests.rs`), and a randomised test that checks after each of 16,000
//! operations that the labels and the classes agree and equal a full
//! classification. Deterministic: ties are broken by person order, node maps
//! use foldhash with a fixed seed, and iteration order never decides a class.
//! Classes only change through the four mutating calls, which report every
//! change.

#![warn(unreachable_pub)]

/// Maps and sets keyed by node: foldhash with a fixed seed, so that runs are
/// reproducible (iteration order never decides a class; see `reduce`).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

pub type Day = i32;
pub type PersonId = i64;

/// "No end": far enough that adding a period never overflows.
pub const OPEN: Day = Day::MAX / 4;

/// The deepest level the engine keeps (labels hold their chain inline).
pub const MAX_DEPTH: u8 = 8;

/// One way a person is reached at some level: first day of the chain's
/// exposure, last day of the class it gives, the chain before this person
/// (`path[..len]`, from the F0), and whether this person already appears in
/// it (`loops`: the walk came back — it passes infection on like any other,
/// but does not make the returning person's own class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Label {
    at: Day,
    until: Day,
    path: [u32; MAX_DEPTH as usize],
    len: u8,
    loops: bool,
    f0: u32,
}

impl Label {
    fn chain(&self) -> &[u32] {
        &self.path[..self.len as usize]
    }
}

/// People reached at one level: node → its non-dominated labels, by arrival
/// (and so by `until`, both strictly increasing).
type Reached = HashMap<u32, Vec<Label>>;

/// How a contact counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exposure {
    /// Does not meet the F1 criteria: recorded, carries no class.
    None,
    /// Meets the F1 criteria.
    Close,
    /// Meets them as members of one household: passes on also while the
    /// carrier is quarantined at home.
    Household,
}

impl From<bool> for Exposure {
    fn from(qualifies: bool) -> Exposure {
        if qualifies {
            Exposure::Close
        } else {
            Exposure::None
        }
    }
}

/// One recorded contact, from one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edge {
    to: u32,
    from_day: Day,
    to_day: Day,
    kind: Exposure,
}

/// What the engine knows about a person besides contacts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Status {
    /// An F0's transmission window: first day, and the day it closed
    /// (negative test, recovery, death, transfer), if it has.
    pub f0: Option<(Day, Option<Day>)>,
    /// The F0's case is closed (recovered, died, moved away): no longer
    /// class 0; its window still counts for the people it exposed.
    pub f0_closed: bool,
    /// First day of a centralised quarantine or of isolation in a facility:
    /// an F(n) passes nothing on from then (an F0's window is not cut).
    pub isolated_from: Option<Day>,
    /// First day of a home quarantine: from then an F(n) passes infection on
    /// to its household only.
    pub home_from: Option<Day>,
    /// Released (quarantine completed, tests negative) on this day: exposures
    /// before it no longer count; isolations that started before it are over.
    pub released_on: Option<Day>,
}

impl Status {
    fn active_f0(&self) -> bool {
        self.f0.is_some() && !self.f0_closed
    }

    /// A quarantine start still in force (not ended by a later release).
    fn running(&self, start: Option<Day>) -> Option<Day> {
        start.filter(|&s| self.released_on.is_none_or(|r| r <= s))
    }
}

/// Dated rule versions: how long each class lasts and how deep tracing goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// From a day on, the period of F1..F4 in days (counted from the last
    /// exposure); sorted by day. The first applies before its day too.
    pub periods: Vec<(Day, [Day; 4])>,
    /// From a day on, the tracing depth (levels shown); sorted by day.
    pub depth: Vec<(Day, u8)>,
}

impl Default for Rules {
    /// Classes that never expire, at any depth: the engine as a pure graph search.
    fn default() -> Rules {
        Rules {
            periods: vec![(Day::MIN, [OPEN; 4])],
            depth: vec![(Day::MIN, u8::MAX)],
        }
    }
}

impl Rules {
    /// The last day of a class of `level` whose last exposure was on `last`:
    /// the first day `d ≥ last` with `d − last ≥ period(level, d)`.
    pub fn until(&self, level: usize, last: Day) -> Day {
        let i = level.clamp(1, 4) - 1;
        let mut best = OPEN;
        for (k, &(from, p)) in self.periods.iter().enumerate() {
            let from = if k == 0 { Day::MIN } else { from };
            let next = self.periods.get(k + 1).map_or(Day::MAX, |v| v.0);
            let d = last.saturating_add(p[i].max(0)).max(from).max(last);
            if d < next {
                best = best.min(d);
            }
        }
        best.min(OPEN)
    }

    /// The tracing depth in force on a day.
    pub fn depth_on(&self, day: Day) -> u8 {
        self.depth
            .iter()
            .take_while(|(from, _)| *from <= day)
            .last()
            .or(self.depth.first())
            .map_or(u8::MAX, |d| d.1)
    }
}

/// A person's class and how it came about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// 0 for an F0, n for F(n).
    pub level: u8,
    /// The first day this person could have been infected (for an F0: the
    /// start of its transmission window).
    pub since: Day,
    /// The last day of the class (its period from the last exposure);
    /// [`OPEN`] for an active F0 or when periods are not limited.
    pub until: Day,
    /// The F0 at the head of the chain.
    pub via_f0: PersonId,
    /// The chain from that F0 to this person, both included.
    pub path: Vec<PersonId>,
}

/// A change of class the caller must persist and show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub person: PersonId,
    pub before: Option<Assignment>,
    pub after: Option<Assignment>,
}

#[derive(Debug, Clone)]
pub struct Engine {
    depth: u8,
    rules: Rules,
    today: Day,
    ids: Vec<PersonId>,
    index: HashMap<PersonId, u32>,
    edges: Vec<Vec<Edge>>,
    status: Vec<Status>,
    classes: HashMap<u32, Assignment>,
    /// Per level (0..=depth): everyone reached at that level, with their
    /// non-dominated labels — kept between calls so that additions (a new
    /// F0, a new contact) only propagate improvements.
    state: Vec<Reached>,
}

impl Engine {
    /// An empty graph classifying up to F(depth) (4 in Vietnamese practice),
    /// with classes that never expire.
    pub fn new(depth: u8) -> Engine {
        Engine::with_rules(depth, Rules::default())
    }

    /// An empty graph with dated periods and depths.
    pub fn with_rules(depth: u8, rules: Rules) -> Engine {
        Engine {
            depth: depth.clamp(1, MAX_DEPTH),
            rules,
            today: Day::MIN,
            ids: Vec::new(),
            index: HashMap::default(),
            edges: Vec::new(),
            status: Vec::new(),
            classes: HashMap::default(),
            state: vec![HashMap::default(); depth.clamp(1, MAX_DEPTH) as usize + 1],
        }
    }

    #[cfg(test)]
    pub fn consistent(&self) -> Result<(), String> {
        let all = self.assign(0..self.ids.len() as u32);
        for (n, a) in &all {
            if self.classes.get(n) != Some(a) {
                return Err(format!(
                    "{}: state {:?} class {:?}",
                    self.ids[*n as usize],
                    a,
                    self.classes.get(n)
                ));
            }
        }
        for n in self.classes.keys() {
            if !all.contains_key(n) {
                return Err(format!("{}: class without state", self.ids[*n as usize]));
            }
        }
        Ok(())
    }

    pub fn depth(&self) -> u8 {
        self.depth
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The day classes are judged on ([`Day::MIN`] until set: nothing expires).
    pub fn today(&self) -> Day {
        self.today
    }

    /// Move to a new day: classes whose period ended fall to the next class
    /// still running (or none). Contacts and labels are not touched.
    pub fn set_today(&mut self, today: Day) -> Vec<Change> {
        let before = self.today;
        self.today = today;
        // Forward: whoever holds a label that ended in between (the class, or
        // its earliest running chain, may change). Back: any label may return.
        let people: HashSet<u32> = self
            .state
            .iter()
            .skip(1)
            .flat_map(|l| l.iter())
            .filter(|(_, labels)| {
                today < before || labels.iter().any(|l| l.until < today && l.until >= before)
            })
            .map(|(n, _)| *n)
            .collect();
        let fresh = self.assign(people.iter().copied());
        self.apply(people, fresh)
    }

    fn node(&mut self, id: PersonId) -> u32 {
        if let Some(&n) = self.index.get(&id) {
            return n;
        }
        let n = self.ids.len() as u32;
        self.ids.push(id);
        self.index.insert(id, n);
        self.edges.push(Vec::new());
        self.status.push(Status::default());
        n
    }

    /// Record a contact (both directions) without classifying; for loading.
    pub fn load_contact(
        &mut self,
        a: PersonId,
        b: PersonId,
        from_day: Day,
        to_day: Day,
        kind: impl Into<Exposure>,
    ) {
        let kind = kind.into();
        let (x, y) = (self.node(a), self.node(b));
        let (from_day, to_day) = (from_day.min(to_day), from_day.max(to_day));
        self.edges[x as usize].push(Edge {
            to: y,
            from_day,
            to_day,
            kind,
        });
        self.edges[y as usize].push(Edge {
            to: x,
            from_day,
            to_day,
            kind,
        });
    }

    /// Set a person's status without classifying; for loading.
    pub fn load_status(&mut self, person: PersonId, status: Status) {
        let n = self.node(person);
        self.status[n as usize] = status;
    }

    /// Classify everyone from scratch; returns every class that differs from
    /// what the engine held.
    pub fn classify_all(&mut self) -> Vec<Change> {
        let all: Vec<u32> = (0..self.ids.len() as u32).collect();
        self.state = self.levels();
        let fresh = self.assign(all.iter().copied());
        self.apply(all.into_iter().collect(), fresh)
    }

    /// Record a contact and re-classify whoever it can affect.
    pub fn add_contact(
        &mut self,
        a: PersonId,
        b: PersonId,
        from_day: Day,
        to_day: Day,
        kind: impl Into<Exposure>,
    ) -> Vec<Change> {
        let kind = kind.into();
        self.load_contact(a, b, from_day, to_day, kind);
        if kind == Exposure::None {
            // Carries no class: nothing can change.
            return Vec::new();
        }
        let (x, y) = (self.index[&a], self.index[&b]);
        let (from_day, to_day) = (from_day.min(to_day), from_day.max(to_day));
        // A new contact only adds chains: relax it from whatever either side
        // holds, and pass the improvements on.
        let mut seeds = Vec::new();
        for (u, v) in [(x, y), (y, x)] {
            let edge = Edge {
                to: v,
                from_day,
                to_day,
                kind,
            };
            for level in 0..self.depth as usize {
                if let Some(labels) = self.state[level].get(&u)
                    && labels
                        .iter()
                        .any(|l| self.relax(u, level, l, &edge).is_some())
                {
                    seeds.push((level + 1, v));
                }
            }
        }
        self.improve(seeds)
    }

    /// Take back a contact added by [`Engine::add_contact`] (its write failed)
    /// and re-classify.
    pub fn remove_contact(
        &mut self,
        a: PersonId,
        b: PersonId,
        from_day: Day,
        to_day: Day,
        kind: impl Into<Exposure>,
    ) -> Vec<Change> {
        let kind = kind.into();
        let (Some(&x), Some(&y)) = (self.index.get(&a), self.index.get(&b)) else {
            return Vec::new();
        };
        let (from_day, to_day) = (from_day.min(to_day), from_day.max(to_day));
        for (u, v) in [(x, y), (y, x)] {
            let list = &mut self.edges[u as usize];
            if let Some(i) = list.iter().rposition(|e| {
                *e == Edge {
                    to: v,
                    from_day,
                    to_day,
                    kind,
                }
            }) {
                list.swap_remove(i);
            }
        }
        self.reclassify(&[x, y])
    }

    /// Change a person's status (confirmed F0, case closed, quarantined,
    /// released) and re-classify whoever it can affect.
    pub fn set_status(&mut self, person: PersonId, status: Status) -> Vec<Change> {
        let old = self.status(person);
        self.load_status(person, status);
        let n = self.index[&person];
        // A person nobody reaches becoming an F0 only adds chains: propagate
        // from it alone. Anything else may remove chains: recompute around it.
        let unreached = self.state.iter().all(|level| !level.contains_key(&n));
        if unreached
            && old.f0.is_none()
            && (Status { f0: None, ..status }) == old
            && status.f0.is_some()
        {
            return self.improve(vec![(0, n)]);
        }
        self.reclassify(&[n])
    }

    pub fn status(&self, person: PersonId) -> Status {
        self.index
            .get(&person)
            .map(|&n| self.status[n as usize])
            .unwrap_or_default()
    }

    pub fn class_of(&self, person: PersonId) -> Option<&Assignment> {
        self.index.get(&person).and_then(|n| self.classes.get(n))
    }

    /// Everyone classified, with their assignment.
    pub fn classes(&self) -> impl Iterator<Item = (PersonId, &Assignment)> {
        self.classes.iter().map(|(n, a)| (self.ids[*n as usize], a))
    }

    pub fn person_count(&self) -> usize {
        self.ids.len()
    }

    pub fn contact_count(&self) -> usize {
        self.edges.iter().map(Vec::len).sum::<usize>() / 2
    }

    /// Only people a chain through a changed person can reach (a
    /// time-respecting walk of at most `depth` contacts) can change class;
    /// everyone else keeps their labels, which are final. The affected
    /// people's labels are cleared and recomputed level by level with the
    /// full search's rule (`best_at`: all contacts' labels one level down),
    /// reading the kept labels of their unaffected contacts — so no search
    /// from distant F0s is needed.
    fn reclassify(&mut self, changed: &[u32]) -> Vec<Change> {
        let seeds: Vec<(u32, Day)> = changed.iter().map(|&n| (n, Day::MIN)).collect();
        let affected = self.forward(&seeds, self.depth as usize);
        let mut order: Vec<u32> = affected.iter().copied().collect();
        order.sort_unstable();
        for level in self.state.iter_mut() {
            for n in &order {
                level.remove(n);
            }
        }
        for &n in &order {
            if let Some(l) = self.source(n) {
                self.state[0].insert(n, vec![l]);
            }
        }
        for level in 1..=self.depth as usize {
            for &n in &order {
                let labels = self.best_at(n, level);
                if !labels.is_empty() {
                    self.state[level].insert(n, labels);
                }
            }
        }
        let fresh = self.assign(affected.iter().copied());
        self.apply(affected, fresh)
    }

    /// The level-0 label of an F0: its whole window.
    fn source(&self, n: u32) -> Option<Label> {
        self.status[n as usize].f0.map(|(start, end)| Label {
            at: start,
            until: end.map_or(OPEN, |e| e - 1),
            path: [u32::MAX; MAX_DEPTH as usize],
            len: 0,
            loops: false,
            f0: n,
        })
    }

    /// The label a contact `u → e.to` gives the other side, if the rules let
    /// infection pass: `u` holds `l` at `level`.
    fn relax(&self, u: u32, level: usize, l: &Label, e: &Edge) -> Option<Label> {
        if e.kind == Exposure::None {
            return None;
        }
        let us = &self.status[u as usize];
        // The first day u no longer passes infection on this contact.
        let mut close = l.until.saturating_add(1);
        if level > 0 {
            if let Some(i) = us.running(us.isolated_from) {
                close = close.min(i);
            }
            if e.kind != Exposure::Household
                && let Some(h) = us.running(us.home_from)
            {
                close = close.min(h);
            }
        }
        let vs = &self.status[e.to as usize];
        if vs.active_f0() {
            return None;
        }
        let mut at = e.from_day.max(l.at);
        if let Some(r) = vs.released_on {
            at = at.max(r);
        }
        if let Some((_, end)) = vs.f0 {
            // A closed F0 can be exposed again only after its own window.
            at = at.max(end.unwrap_or(OPEN));
        }
        let last = e.to_day.min(close - 1);
        if at > last {
            return None;
        }
        let mut path = l.path;
        path[l.len as usize] = u;
        Some(Label {
            at,
            until: self.rules.until(level + 1, last),
            path,
            len: l.len + 1,
            loops: path[..=l.len as usize].contains(&e.to),
            f0: l.f0,
        })
    }

    /// The labels worth keeping among candidates: those no other arrives no
    /// later than and lasts no shorter than — among all (they pass infection
    /// on), and among those not coming back to this person (they make its
    /// class). Ties: the smaller chain, never iteration order. By arrival.
    fn reduce(mut c: Vec<Label>) -> Vec<Label> {
        c.sort_unstable_by(|a, b| {
            (a.at, std::cmp::Reverse(a.until), a.loops, a.path).cmp(&(
                b.at,
                std::cmp::Reverse(b.until),
                b.loops,
                b.path,
            ))
        });
        let mut out: Vec<Label> = Vec::with_capacity(c.len().min(4));
        let (mut all, mut own) = (Day::MIN, Day::MIN);
        for l in c {
            let keep = l.until > all || (!l.loops && l.until > own);
            all = all.max(l.until);
            if !l.loops {
                own = own.max(l.until);
            }
            if keep {
                out.push(l);
            }
        }
        out
    }

    /// The labels of `v` at `level` from the labels one level down.
    fn best_at(&self, v: u32, level: usize) -> Vec<Label> {
        let mut cand = Vec::new();
        for e in &self.edges[v as usize] {
            let w = e.to;
            let Some(labels) = self.state[level - 1].get(&w) else {
                continue;
            };
            let back = Edge { to: v, ..*e };
            for l in labels {
                if let Some(c) = self.relax(w, level - 1, l, &back) {
                    cand.push(c);
                }
            }
        }
        Self::reduce(cand)
    }

    /// Recompute the seeds' labels and pass changes on, level by level;
    /// re-assign everyone touched. Exact for changes that only add chains.
    fn improve(&mut self, seeds: Vec<(usize, u32)>) -> Vec<Change> {
        let depth = self.depth as usize;
        let mut touched: HashSet<u32> = HashSet::default();
        let mut by_level: Vec<Vec<u32>> = vec![Vec::new(); depth + 1];
        for (level, n) in seeds {
            by_level[level].push(n);
        }
        for level in 0..=depth {
            let mut improved = Vec::new();
            let mut candidates = std::mem::take(&mut by_level[level]);
            candidates.sort_unstable();
            candidates.dedup();
            for n in candidates {
                // What the full search would give, from the final labels one
                // level down: recomputed over all of n's contacts.
                let new = if level == 0 {
                    self.source(n).into_iter().collect()
                } else {
                    self.best_at(n, level)
                };
                if new.is_empty() || self.state[level].get(&n) == Some(&new) {
                    continue;
                }
                self.state[level].insert(n, new);
                improved.push(n);
                touched.insert(n);
            }
            if level == depth {
                break;
            }
            for u in improved {
                for e in &self.edges[u as usize] {
                    if e.kind != Exposure::None {
                        by_level[level + 1].push(e.to);
                    }
                }
            }
        }
        let fresh = self.assign(touched.iter().copied());
        self.apply(touched, fresh)
    }

    /// Everyone a chain through one of the seeds could reach: time-respecting
    /// walks over qualifying contacts, at most `radius` contacts long, entering
    /// each seed no earlier than its day. Periods, quarantine and release are
    /// ignored (a superset is safe). Only these people's classes can change.
    fn forward(&self, seeds: &[(u32, Day)], radius: usize) -> HashSet<u32> {
        let mut out: HashSet<u32> = seeds.iter().map(|&(n, _)| n).collect();
        let mut frontier: HashMap<u32, Day> = HashMap::default();
        for &(n, d) in seeds {
            let e = frontier.entry(n).or_insert(d);
            *e = (*e).min(d);
        }
        for _ in 0..radius {
            let mut next: HashMap<u32, Day> = HashMap::default();
            for (&u, &a) in &frontier {
                for e in &self.edges[u as usize] {
                    if e.kind == Exposure::None || e.to_day < a {
                        continue;
                    }
                    let at = e.from_day.max(a);
                    let slot = next.entry(e.to).or_insert(at);
                    *slot = (*slot).min(at);
                    out.insert(e.to);
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        out
    }

    /// The level-by-level search from every F0: per level, everyone reached
    /// with their non-dominated labels.
    fn levels(&self) -> Vec<Reached> {
        let mut levels: Vec<Reached> = Vec::with_capacity(self.depth as usize + 1);
        let mut zero = HashMap::default();
        for n in 0..self.ids.len() as u32 {
            if let Some(l) = self.source(n) {
                zero.insert(n, vec![l]);
            }
        }
        levels.push(zero);
        for level in 0..self.depth as usize {
            let mut cand: HashMap<u32, Vec<Label>> = HashMap::default();
            for (&u, labels) in &levels[level] {
                for e in &self.edges[u as usize] {
                    for l in labels {
                        if let Some(c) = self.relax(u, level, l, e) {
                            cand.entry(e.to).or_default().push(c);
                        }
                    }
                }
            }
            levels.push(
                cand.into_iter()
                    .map(|(n, c)| (n, Self::reduce(c)))
                    .collect(),
            );
        }
        levels
    }

    /// The class of each given person on `today` from the kept labels: an
    /// active F0 is class 0; otherwise the smallest level with a label still
    /// running and within the depth in force on its arrival.
    fn assign(&self, people: impl Iterator<Item = u32>) -> HashMap<u32, Assignment> {
        let mut out = HashMap::default();
        for n in people {
            let st = &self.status[n as usize];
            if st.active_f0()
                && let Some(l) = self.state[0].get(&n).and_then(|v| v.first())
            {
                out.insert(
                    n,
                    Assignment {
                        level: 0,
                        since: l.at,
                        until: OPEN,
                        via_f0: self.ids[n as usize],
                        path: vec![self.ids[n as usize]],
                    },
                );
                continue;
            }
            let found = (1..=self.depth as usize).find_map(|level| {
                let labels = self.state[level].get(&n)?;
                let running = |l: &&Label| {
                    !l.loops && l.until >= self.today && level <= self.rules.depth_on(l.at) as usize
                };
                let first = labels.iter().find(running)?;
                let until = labels.iter().filter(running).map(|l| l.until).max()?;
                Some((level, *first, until))
            });
            let Some((level, first, until)) = found else {
                continue;
            };
            let mut path: Vec<PersonId> = first
                .chain()
                .iter()
                .map(|&p| self.ids[p as usize])
                .collect();
            path.push(self.ids[n as usize]);
            out.insert(
                n,
                Assignment {
                    level: level as u8,
                    since: first.at,
                    until,
                    via_f0: self.ids[first.f0 as usize],
                    path,
                },
            );
        }
        out
    }

    /// Store the fresh classes of the given people; report the differences.
    fn apply(&mut self, people: HashSet<u32>, mut fresh: HashMap<u32, Assignment>) -> Vec<Change> {
        let mut people: Vec<u32> = people.into_iter().collect();
        people.sort_unstable();
        let mut changes = Vec::new();
        for n in people {
            let after = fresh.remove(&n);
            let before = match &after {
                Some(a) => self.classes.insert(n, a.clone()),
                None => self.classes.remove(&n),
            };
            if before != after {
                changes.push(Change {
                    person: self.ids[n as usize],
                    before,
                    after,
                });
            }
        }
        changes
    }
}

#[cfg(test)]
mod tests;
