//! The contact-tracing engine: an in-memory contact graph and the rules that
//! turn it into F-classes. Pure: no IO, no clock; the store loads it, feeds it
//! changes and persists what it answers.
//!
//! # Semantics (see ARCHITECTURE.md, "Classification")
//!
//! Days are whole days (`i32`, days since 1970-01-01). A *source* is an active
//! F0 (confirmed, not recovered, deceased or transferred out) with a
//! transmission window `[start, end)`: from 2 days before symptom onset (or
//! before the positive sample when asymptomatic) until it tests negative
//! (`end`, open when unknown).
//!
//! A person is F(n), 1 ≤ n ≤ depth, when a chain of *qualifying* contacts
//! `F0 = p0 — p1 — … — pn` exists such that, with `a(p0) = start(F0)`:
//! - each contact `p(k) — p(k+1)` spans days `[from, to]` with `to ≥ a(p(k))`
//!   (on or after the moment p(k) became infectious) and `from < end(p(k))`
//!   (before p(k) was isolated — or, for the F0, before its window closed);
//! - then `a(p(k+1)) = max(from, a(p(k)))`, the first day p(k+1) could have
//!   been infected;
//! - `a(p(k+1)) ≥ released(p(k+1))` when that person was released earlier
//!   (a release clears earlier exposures, not later ones).
//!
//! The class is the smallest such n; F0s are class 0 whatever else holds. Among
//! chains of that length the one with the earliest arrival is kept as the
//! person's path. Because a person reached later at a smaller level may still
//! pass infection on earlier through a longer chain, the search keeps the
//! earliest arrival per (person, level), at most `depth + 1` states a person.

/// Maps and sets keyed by node: foldhash with a fixed seed, so that runs are
/// reproducible (iteration order never decides a class; see `better`).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

pub type Day = i32;
pub type PersonId = i64;

/// People reached at one level: node → (arrival day, predecessor, F0).
type Reached = HashMap<u32, State>;

/// What reaching a person at some level means: arrival day, predecessor, F0.
type State = (Day, Option<u32>, u32);

/// One recorded contact, from one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edge {
    to: u32,
    from_day: Day,
    to_day: Day,
    /// Meets the F1 criteria of the rule set in force.
    qualifies: bool,
}

/// What the engine knows about a person besides contacts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Status {
    /// An active F0: first day of its transmission window, and the day it
    /// closed (tested negative), if it has.
    pub f0: Option<(Day, Option<Day>)>,
    /// First day of isolation or quarantine: no onward transmission from then.
    pub isolated_from: Option<Day>,
    /// Released (quarantine completed, tests negative) on this day: exposures
    /// before it no longer count.
    pub released_on: Option<Day>,
}

/// A person's class and how it came about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// 0 for an F0, n for F(n).
    pub level: u8,
    /// The first day this person could have been infected (for an F0: the
    /// start of its transmission window).
    pub since: Day,
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
    ids: Vec<PersonId>,
    index: HashMap<PersonId, u32>,
    edges: Vec<Vec<Edge>>,
    status: Vec<Status>,
    classes: HashMap<u32, Assignment>,
    /// Per level (0..=depth): everyone reached at that level, with the
    /// earliest arrival, its predecessor and F0 — kept between calls so that
    /// additions (a new F0, a new contact) only propagate improvements.
    state: Vec<Reached>,
}

impl Engine {
    /// An empty graph classifying up to F(depth) (4 in Vietnamese practice).
    pub fn new(depth: u8) -> Engine {
        Engine {
            depth: depth.max(1),
            ids: Vec::new(),
            index: HashMap::default(),
            edges: Vec::new(),
            status: Vec::new(),
            classes: HashMap::default(),
            state: vec![HashMap::default(); depth.max(1) as usize + 1],
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
        qualifies: bool,
    ) {
        let (x, y) = (self.node(a), self.node(b));
        let (from_day, to_day) = (from_day.min(to_day), from_day.max(to_day));
        self.edges[x as usize].push(Edge {
            to: y,
            from_day,
            to_day,
            qualifies,
        });
        self.edges[y as usize].push(Edge {
            to: x,
            from_day,
            to_day,
            qualifies,
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
        self.state = self.levels(&self.sources(all.iter().copied()));
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
        qualifies: bool,
    ) -> Vec<Change> {
        self.load_contact(a, b, from_day, to_day, qualifies);
        if !qualifies {
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
                qualifies,
            };
            for level in 0..self.depth as usize {
                if let Some(&st) = self.state[level].get(&u)
                    && let Some(c) = self.relax(u, level, st, &edge)
                {
                    seeds.push((level + 1, v, c));
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
        qualifies: bool,
    ) -> Vec<Change> {
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
                    qualifies,
                }
            }) {
                list.swap_remove(i);
            }
        }
        self.reclassify(&[x, y])
    }

    /// Change a person's status (confirmed F0, recovered, isolated, released)
    /// and re-classify whoever it can affect.
    pub fn set_status(&mut self, person: PersonId, status: Status) -> Vec<Change> {
        let old = self.status(person);
        self.load_status(person, status);
        let n = self.index[&person];
        // A person nobody reaches becoming an F0 only adds chains: propagate
        // from it alone. Anything else may remove chains: recompute around it.
        let unreached = self.state.iter().all(|level| !level.contains_key(&n));
        if unreached
            && old.f0.is_none()
            && old.isolated_from == status.isolated_from
            && old.released_on == status.released_on
            && let Some((start, _)) = status.f0
        {
            return self.improve(vec![(0, n, (start, None, n))]);
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
    /// full search's rule (`best_at`: the best over all contacts of the
    /// labels one level down), reading the kept labels of their unaffected
    /// contacts — so no search from distant F0s is needed.
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
            if let Some((start, _)) = self.status[n as usize].f0 {
                self.state[0].insert(n, (start, None, n));
            }
        }
        for level in 1..=self.depth as usize {
            for &n in &order {
                if let Some(st) = self.best_at(n, level) {
                    self.state[level].insert(n, st);
                }
            }
        }
        let fresh = self.assign(affected.iter().copied());
        self.apply(affected, fresh)
    }

    /// The state a contact `u → edge.to` gives the other side, if the rules
    /// let infection pass: `u` holds `st` at `level`.
    fn relax(&self, u: u32, level: usize, st: State, e: &Edge) -> Option<State> {
        let (arrival, _, f0) = st;
        let us = &self.status[u as usize];
        let end = if level == 0 {
            us.f0.and_then(|(_, end)| end)
        } else {
            us.isolated_from
        };
        if !e.qualifies || e.to_day < arrival || end.is_some_and(|end| e.from_day >= end) {
            return None;
        }
        let at = e.from_day.max(arrival);
        let vs = &self.status[e.to as usize];
        if vs.f0.is_some() || vs.released_on.is_some_and(|r| at < r) {
            return None;
        }
        Some((at, Some(u), f0))
    }

    /// Whether `new` is a better state than `old`: earlier, then by predecessor.
    fn better(new: State, old: Option<&State>) -> bool {
        match old {
            None => true,
            Some(&(t, p, _)) => new.0 < t || (new.0 == t && new.1 < p),
        }
    }

    /// The best state of `v` at `level` from the states one level down.
    fn best_at(&self, v: u32, level: usize) -> Option<State> {
        let mut best: Option<State> = None;
        for e in &self.edges[v as usize] {
            let w = e.to;
            let Some(&st) = self.state[level - 1].get(&w) else {
                continue;
            };
            let back = Edge {
                to: v,
                from_day: e.from_day,
                to_day: e.to_day,
                qualifies: e.qualifies,
            };
            if let Some(c) = self.relax(w, level - 1, st, &back)
                && Self::better(c, best.as_ref())
            {
                best = Some(c);
            }
        }
        best
    }

    /// Write improved states and pass them on, level by level; re-assign
    /// everyone touched. Exact for changes that only add chains.
    fn improve(&mut self, seeds: Vec<(usize, u32, State)>) -> Vec<Change> {
        let depth = self.depth as usize;
        let mut touched: HashSet<u32> = HashSet::default();
        let mut by_level: Vec<Vec<(u32, State)>> = vec![Vec::new(); depth + 1];
        for (level, n, st) in seeds {
            by_level[level].push((n, st));
        }
        for level in 0..=depth {
            let mut improved = Vec::new();
            let mut candidates = std::mem::take(&mut by_level[level]);
            candidates.sort_unstable_by_key(|c| c.0);
            candidates.dedup_by_key(|c| c.0);
            for (n, seed) in candidates {
                // The state is what the full search would give, from the final
                // states one level down: recomputed over all of n's contacts.
                let new = if level == 0 {
                    Some(seed)
                } else {
                    self.best_at(n, level)
                };
                let Some(new) = new else { continue };
                if self.state[level].get(&n) != Some(&new) {
                    self.state[level].insert(n, new);
                    improved.push(n);
                    touched.insert(n);
                }
            }
            if level == depth {
                break;
            }
            improved.sort_unstable();
            improved.dedup();
            for u in improved {
                let st = self.state[level][&u];
                for e in &self.edges[u as usize] {
                    if let Some(c) = self.relax(u, level, st, e) {
                        by_level[level + 1].push((e.to, c));
                    }
                }
            }
        }
        let fresh = self.assign(touched.iter().copied());
        self.apply(touched, fresh)
    }

    /// Everyone a chain through one of the seeds could reach: time-respecting
    /// walks over qualifying contacts, at most `radius` contacts long, entering
    /// each seed no earlier than its day. Isolation and release are ignored
    /// (a superset is safe). Only these people's classes can change.
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
                    if !e.qualifies || e.to_day < a {
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

    /// Active F0s among the given people, with their window.
    fn sources(&self, people: impl Iterator<Item = u32>) -> Vec<(u32, Day, Option<Day>)> {
        let mut s: Vec<(u32, Day, Option<Day>)> = people
            .filter_map(|n| {
                self.status[n as usize]
                    .f0
                    .map(|(start, end)| (n, start, end))
            })
            .collect();
        s.sort_unstable();
        s
    }

    /// The level-by-level search from the given sources: per level, everyone
    /// reached with the earliest arrival (ties: the smaller predecessor).
    fn levels(&self, sources: &[(u32, Day, Option<Day>)]) -> Vec<Reached> {
        let mut levels: Vec<Reached> = Vec::with_capacity(self.depth as usize + 1);
        let mut zero = HashMap::default();
        for &(n, start, _) in sources {
            zero.insert(n, (start, None, n));
        }
        levels.push(zero);
        for level in 0..self.depth as usize {
            let mut next: Reached = HashMap::default();
            for (&u, &st) in &levels[level] {
                for e in &self.edges[u as usize] {
                    if let Some(c) = self.relax(u, level, st, e)
                        && Self::better(c, next.get(&e.to))
                    {
                        next.insert(e.to, c);
                    }
                }
            }
            levels.push(next);
        }
        levels
    }

    /// The class of each given person from the kept per-level states: the
    /// smallest level reached, with its path back to the F0.
    fn assign(&self, people: impl Iterator<Item = u32>) -> HashMap<u32, Assignment> {
        let mut out = HashMap::default();
        for n in people {
            let Some((level, &(since, _, f0))) = self
                .state
                .iter()
                .enumerate()
                .find_map(|(l, m)| m.get(&n).map(|st| (l, st)))
            else {
                continue;
            };
            let mut path = vec![self.ids[n as usize]];
            let (mut cur, mut l) = (n, level);
            while l > 0 {
                let Some(&(_, Some(prev), _)) = self.state[l].get(&cur) else {
                    break;
                };
                path.push(self.ids[prev as usize]);
                cur = prev;
                l -= 1;
            }
            path.reverse();
            out.insert(
                n,
                Assignment {
                    level: level as u8,
                    since,
                    via_f0: self.ids[f0 as usize],
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
