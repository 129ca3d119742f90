//! The transmission chain a case belongs to, as the chain page draws it: every
//! case linked to it through `case_sources` (whatever its course today) and
//! the F1–F4 whose class comes through one of those cases, with every link
//! dated and each person placed in a generation.
//!
//! Which chain: the connected component of the case graph (links followed both
//! ways, up to the sources and down to the secondaries), so the page of any
//! case of a chain shows the same chain, with that case highlighted. A person
//! who is not a case but F1–F4 gets the chain of the F0 their class comes
//! through.
//!
//! Generation: a case with no case source in the chain is generation 0; any
//! other case is one more than its *latest* source (the longest path), so
//! every case link points one or more columns forward, even for a case with
//! two sources of different depths. An F1–F4 sits one column past the person
//! before it on its path (its F0's generation plus its level).
//!
//! Each link is dated by its exposure (`case_sources.exposure_on`, a class's
//! `since_on`) or, when unknown, by the secondary's confirmation, and says
//! which (`dated`). Cycles, a data error, follow the sources already placed.
//! The chain is walked a generation of links at a time (two indexed queries a
//! step), then the cases and the classes are read in `IN` lists of 500. Outside
//! the reader's jurisdiction a person shows only case code and class (no name,
//! no course). The page `/chains/{id}` embeds the chain as JSON; its
//! first-party `chain.js` draws an SVG (columns by generation, each person
//! under its latest source as a tree, dashed links dated by confirmation,
//! pan/pinch/zoom, a slider over the span of link dates), and the same chain is
//! a table by generation without JS.

use crate::sql::in_list;
use crate::{Result, Scope, Store};
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Cases walked at most in one chain (a province's worth, as before).
const MAX_CASES: usize = 200_000;

/// The chain a case belongs to (see the module's doc).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Chain {
    /// The person the chain was asked for (highlighted).
    pub person_id: i64,
    /// Ordered by generation, then person.
    pub nodes: Vec<ChainNode>,
    /// Ordered by source, then secondary.
    pub edges: Vec<ChainEdge>,
    /// The earliest and the latest date of a link or of a case's
    /// confirmation (none for an empty chain).
    pub first_on: Option<String>,
    pub last_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChainNode {
    pub person_id: i64,
    /// The case's number (the official one when it has one); none for F1–F4.
    pub case_code: Option<String>,
    /// 0 for a case, whatever its course; 1–4 for F1–F4.
    pub level: i64,
    /// The column of the layered drawing (see the module's doc).
    pub generation: i64,
    /// A case's course today: `active`, `recovered`, `deceased` or
    /// `transferred_out`; none for F1–F4 and outside the reader's jurisdiction.
    pub status: Option<String>,
    /// Only within the reader's jurisdiction.
    pub name: Option<String>,
    /// A case's confirmation day; for F1–F4 the first day they could have been
    /// infected.
    pub since_on: String,
    pub commune_code: String,
    /// Whether the reader's jurisdiction covers this person (else only the
    /// code and class are shown).
    pub in_scope: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChainEdge {
    pub from: i64,
    pub to: i64,
    /// `case` (a case named as a source of another) or `contact` (the last
    /// step of an F1–F4's path).
    pub kind: String,
    pub on: String,
    /// `exposure` when `on` is the day of exposure (a case source's
    /// `exposure_on`, an F1–F4's first day), `confirmation` when the exposure
    /// is unknown and `on` is the secondary's confirmation day.
    pub dated: String,
}

fn course_status(course: &str, recovered_on: Option<&str>, died_on: Option<&str>) -> &'static str {
    if died_on.is_some() || course == "deceased" {
        "deceased"
    } else if recovered_on.is_some() || course == "recovered" {
        "recovered"
    } else if course == "transferred_out" {
        "transferred_out"
    } else {
        "active"
    }
}

/// Generations of the cases (longest path from a case without a source);
/// `links` are (secondary, source). Cases caught in a cycle of links (a data
/// error) follow their sources already placed.
fn case_generations(cases: &[i64], links: &[(i64, i64)]) -> HashMap<i64, i64> {
    let mut indegree: HashMap<i64, usize> = cases.iter().map(|&c| (c, 0)).collect();
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for &(c, s) in links {
        *indegree.entry(c).or_default() += 1;
        out.entry(s).or_default().push(c);
    }
    let mut generation: HashMap<i64, i64> = HashMap::new();
    let mut ready: Vec<i64> = cases
        .iter()
        .copied()
        .filter(|c| indegree.get(c) == Some(&0))
        .collect();
    for &c in &ready {
        generation.insert(c, 0);
    }
    while let Some(s) = ready.pop() {
        let g = generation.get(&s).copied().unwrap_or_default();
        for &c in out.get(&s).map(Vec::as_slice).unwrap_or_default() {
            let e = generation.entry(c).or_insert(0);
            *e = (*e).max(g + 1);
            if let Some(d) = indegree.get_mut(&c) {
                *d -= 1;
                if *d == 0 {
                    ready.push(c);
                }
            }
        }
    }
    let mut stuck: Vec<i64> = cases
        .iter()
        .copied()
        .filter(|c| indegree.get(c).is_some_and(|&d| d > 0))
        .collect();
    stuck.sort_unstable();
    for c in stuck {
        let g = links
            .iter()
            .filter(|(to, _)| *to == c)
            .filter_map(|(_, s)| generation.get(s).map(|g| g + 1))
            .max()
            .unwrap_or(0);
        generation.insert(c, g);
    }
    generation
}

impl Store {
    /// The chain of a person in the scope (see the module's doc). People
    /// elsewhere appear by case code and class only.
    pub async fn chain(&self, scope: &Scope, person_id: i64) -> Result<Chain> {
        self.person(scope, person_id).await?;
        let mut chain = Chain {
            person_id,
            nodes: Vec::new(),
            edges: Vec::new(),
            first_on: None,
            last_on: None,
        };
        let own: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(&self.read)
            .await?;
        let start = match own {
            Some(id) => Some(id),
            None => {
                sqlx::query_scalar(
                    "SELECT c.id FROM person_classes k JOIN cases c ON c.person_id = k.via_f0 \
                     WHERE k.person_id = $1",
                )
                .bind(person_id)
                .fetch_optional(&self.read)
                .await?
            }
        };
        let Some(start) = start else {
            return Ok(chain);
        };

        // The cases linked to it, a generation of links at a time both ways:
        // two indexed queries (`case_sources_source`, `case_sources_case`) a step.
        let mut cases = HashSet::from([start]);
        let mut exposure: BTreeMap<(i64, i64), Option<String>> = BTreeMap::new();
        let mut frontier = vec![start];
        while !frontier.is_empty() && cases.len() <= MAX_CASES {
            let mut next = Vec::new();
            for chunk in frontier.chunks(500) {
                for column in ["source_case_id", "case_id"] {
                    let sql = format!(
                        "SELECT case_id, source_case_id, exposure_on FROM case_sources \
                         WHERE kind = 'case' AND source_case_id IS NOT NULL AND {column} IN ({})",
                        in_list(self.dialect, chunk.len())
                    );
                    let mut q = sqlx::query(&sql);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    for r in q.fetch_all(&self.read).await? {
                        let case: i64 = r.try_get("case_id")?;
                        let source: i64 = r.try_get("source_case_id")?;
                        let on: Option<String> = r.try_get("exposure_on")?;
                        if case == source {
                            continue;
                        }
                        // The same link written twice keeps its earliest known exposure.
                        let slot = exposure.entry((case, source)).or_insert(None);
                        if let Some(on) = on
                            && slot.as_ref().is_none_or(|s| on < *s)
                        {
                            *slot = Some(on);
                        }
                        for id in [case, source] {
                            if cases.insert(id) {
                                next.push(id);
                            }
                        }
                    }
                }
            }
            frontier = next;
        }

        // The cases and their people.
        let mut case_ids: Vec<i64> = cases.into_iter().collect();
        case_ids.sort_unstable();
        let mut person_of: HashMap<i64, i64> = HashMap::with_capacity(case_ids.len());
        let mut confirmed: HashMap<i64, String> = HashMap::with_capacity(case_ids.len());
        let mut nodes: HashMap<i64, ChainNode> = HashMap::new();
        for chunk in case_ids.chunks(500) {
            let sql = format!(
                "SELECT c.id, c.code, c.official_code, c.person_id, c.confirmed_on, c.course, c.recovered_on, \
                 c.died_on, p.full_name, p.province_code, p.district_code, p.commune_code \
                 FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.id IN ({})",
                in_list(self.dialect, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.read).await? {
                let id: i64 = r.try_get("id")?;
                let person: i64 = r.try_get("person_id")?;
                let commune_code: String = r.try_get("commune_code")?;
                let in_scope = scope.contains_codes(
                    &r.try_get::<String, _>("province_code")?,
                    &r.try_get::<String, _>("district_code")?,
                    &commune_code,
                );
                let official: Option<String> = r.try_get("official_code")?;
                let since_on: String = r.try_get("confirmed_on")?;
                let status = course_status(
                    &r.try_get::<String, _>("course")?,
                    r.try_get::<Option<String>, _>("recovered_on")?.as_deref(),
                    r.try_get::<Option<String>, _>("died_on")?.as_deref(),
                );
                person_of.insert(id, person);
                confirmed.insert(id, since_on.clone());
                nodes.insert(
                    person,
                    ChainNode {
                        person_id: person,
                        case_code: Some(match official {
                            Some(o) => o,
                            None => r.try_get("code")?,
                        }),
                        level: 0,
                        generation: 0,
                        status: in_scope.then(|| status.to_owned()),
                        name: if in_scope {
                            Some(r.try_get("full_name")?)
                        } else {
                            None
                        },
                        since_on,
                        commune_code,
                        in_scope,
                    },
                );
            }
        }
        let links: Vec<(i64, i64)> = exposure.keys().copied().collect();
        let generation = case_generations(&case_ids, &links);
        let mut edges = Vec::with_capacity(nodes.len());
        for ((case, source), on) in exposure {
            let (Some(&to), Some(&from)) = (person_of.get(&case), person_of.get(&source)) else {
                continue;
            };
            let (on, dated) = match on {
                Some(on) => (on, "exposure"),
                None => (
                    confirmed.get(&case).cloned().unwrap_or_default(),
                    "confirmation",
                ),
            };
            edges.push(ChainEdge {
                from,
                to,
                kind: "case".into(),
                on,
                dated: dated.into(),
            });
        }
        let mut case_generation: HashMap<i64, i64> = HashMap::with_capacity(case_ids.len());
        for (case, person) in &person_of {
            let g = generation.get(case).copied().unwrap_or_default();
            case_generation.insert(*person, g);
            if let Some(n) = nodes.get_mut(person) {
                n.generation = g;
            }
        }

        // The F1–F4 classified through these cases, each with the last step
        // of its path.
        let heads: Vec<i64> = person_of.values().copied().collect();
        let mut parents: Vec<(i64, i64)> = Vec::new();
        for chunk in heads.chunks(500) {
            let sql = format!(
                "SELECT k.person_id, k.level, k.since_on, k.via_f0, k.path, k.province_code, k.district_code, \
                 k.commune_code, p.full_name FROM person_classes k JOIN persons p ON p.id = k.person_id \
                 WHERE k.level > 0 AND k.via_f0 IN ({})",
                in_list(self.dialect, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for h in chunk {
                q = q.bind(*h);
            }
            for r in q.fetch_all(&self.read).await? {
                let person: i64 = r.try_get("person_id")?;
                if nodes.contains_key(&person) {
                    continue;
                }
                let level: i64 = r.try_get("level")?;
                let via: i64 = r.try_get("via_f0")?;
                let since_on: String = r.try_get("since_on")?;
                let path = crate::cases::parse_path(&r.try_get::<String, _>("path")?);
                let commune_code: String = r.try_get("commune_code")?;
                let in_scope = scope.contains_codes(
                    &r.try_get::<String, _>("province_code")?,
                    &r.try_get::<String, _>("district_code")?,
                    &commune_code,
                );
                let base = case_generation.get(&via).copied().unwrap_or_default();
                let steps = (path.len() as i64 - 1).max(level);
                if let [.., from, _] = path.as_slice() {
                    edges.push(ChainEdge {
                        from: *from,
                        to: person,
                        kind: "contact".into(),
                        on: since_on.clone(),
                        dated: "exposure".into(),
                    });
                    parents.push((*from, base + steps - 1));
                }
                nodes.insert(
                    person,
                    ChainNode {
                        person_id: person,
                        case_code: None,
                        level,
                        generation: base + steps,
                        status: None,
                        name: if in_scope {
                            Some(r.try_get("full_name")?)
                        } else {
                            None
                        },
                        since_on,
                        commune_code,
                        in_scope,
                    },
                );
            }
        }

        // A path may pass through someone whose own class comes through an F0
        // outside the chain: they are drawn too (without their own source).
        let mut missing: HashMap<i64, i64> = HashMap::new();
        for (p, g) in parents {
            if !nodes.contains_key(&p) {
                missing.entry(p).or_insert(g);
            }
        }
        let missing: Vec<(i64, i64)> = missing.into_iter().collect();
        for chunk in missing.chunks(500) {
            let sql = format!(
                "SELECT p.id, p.full_name, p.province_code, p.district_code, p.commune_code, k.level, k.since_on \
                 FROM persons p LEFT JOIN person_classes k ON k.person_id = p.id WHERE p.id IN ({})",
                in_list(self.dialect, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for (p, _) in chunk {
                q = q.bind(*p);
            }
            let generation_of: HashMap<i64, i64> = chunk.iter().copied().collect();
            for r in q.fetch_all(&self.read).await? {
                let person: i64 = r.try_get("id")?;
                let g = generation_of.get(&person).copied().unwrap_or_default();
                let commune_code: String = r.try_get("commune_code")?;
                let in_scope = scope.contains_codes(
                    &r.try_get::<String, _>("province_code")?,
                    &r.try_get::<String, _>("district_code")?,
                    &commune_code,
                );
                nodes.insert(
                    person,
                    ChainNode {
                        person_id: person,
                        case_code: None,
                        level: r.try_get::<Option<i64>, _>("level")?.unwrap_or(g),
                        generation: g,
                        status: None,
                        name: if in_scope {
                            Some(r.try_get("full_name")?)
                        } else {
                            None
                        },
                        since_on: r
                            .try_get::<Option<String>, _>("since_on")?
                            .unwrap_or_default(),
                        commune_code,
                        in_scope,
                    },
                );
            }
        }

        let mut nodes: Vec<ChainNode> = nodes.into_values().collect();
        nodes.sort_unstable_by_key(|n| (n.generation, n.person_id));
        edges.sort_unstable_by_key(|e| (e.from, e.to));
        // The span runs from the first case's confirmation (or the first
        // link, whichever is earlier) to the last link or confirmation.
        let days = || {
            edges
                .iter()
                .map(|e| &e.on)
                .chain(nodes.iter().filter(|n| n.level == 0).map(|n| &n.since_on))
                .filter(|d| !d.is_empty())
        };
        chain.first_on = days().min().cloned();
        chain.last_on = days().max().cloned();
        chain.nodes = nodes;
        chain.edges = edges;
        Ok(chain)
    }
}

#[cfg(test)]
mod tests {
    use super::case_generations;

    #[test]
    fn a_case_sits_one_past_its_latest_source() {
        // 1 → 2 → 3 → 4, and 5 infected by both 1 and 4; 6 and 7 in a cycle
        // below 1.
        let links = [
            (2, 1),
            (3, 2),
            (4, 3),
            (5, 1),
            (5, 4),
            (6, 1),
            (6, 7),
            (7, 6),
        ];
        let g = case_generations(&[1, 2, 3, 4, 5, 6, 7], &links);
        let mut got: Vec<(i64, i64)> = g.into_iter().collect();
        got.sort_unstable();
        assert_eq!(
            got,
            vec![(1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 1), (7, 2)]
        );
    }
}
