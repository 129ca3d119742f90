#![allow(clippy::unwrap_used)]
//! The architecture's invariants that a compiler does not check
//! (ARCHITECTURE.md, "Invariants"): no module of the store nor page module of
//! the web layer reaches, through the others, back to itself, and the store's
//! read models (`views/`) are read by nobody else in the store. Read from the
//! source, so a new module that breaks them fails here with its path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each module of `dir` (its `*.rs` but `mod.rs`/`lib.rs`) with the sibling
/// modules it names through `prefixes` (`super::x::`, `crate::x::`, `use super::{x…}`).
fn graph(dir: &Path, prefixes: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if path.extension().is_some_and(|e| e == "rs") && name != "mod" && name != "lib" {
            modules.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    let names: Vec<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(m, text)| {
            let uses =
                names
                    .iter()
                    .filter(|o| *o != m)
                    .filter(|o| {
                        prefixes.iter().any(|p| {
                            text.contains(&format!("{p}{o}::"))
                                || text.contains(&format!("use {p}{o};"))
                                || text.split(&format!("use {p}{{")).skip(1).any(|rest| {
                                    rest.split('}').next().unwrap_or("").split(',').any(|item| {
                                        item.trim().split("::").next() == Some(o.as_str())
                                    })
                                })
                        })
                    })
                    .cloned()
                    .collect();
            (m.clone(), uses)
        })
        .collect()
}

/// A path from `from` back to itself, if there is one.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        for next in &g[path.last().unwrap()] {
            let mut longer = path.clone();
            longer.push(next.clone());
            if next == from {
                return Some(longer);
            }
            if seen.insert(next.clone()) {
                stack.push(longer);
            }
        }
    }
    None
}

fn crate_dir(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

#[test]
fn store_modules_do_not_import_each_other_in_a_circle() {
    let g = graph(&crate_dir("store/src"), &["crate::", "super::"]);
    assert!(g.len() > 20, "{:?}", g.keys());
    let cycles: Vec<_> = g.keys().filter_map(|m| cycle(&g, m)).collect();
    assert!(cycles.is_empty(), "store import cycles: {cycles:?}");
}

#[test]
fn page_modules_do_not_import_each_other_in_a_circle() {
    let g = graph(&crate_dir("web/src/pages"), &["super::", "crate::pages::"]);
    assert!(g.len() > 15, "{:?}", g.keys());
    let cycles: Vec<_> = g.keys().filter_map(|m| cycle(&g, m)).collect();
    assert!(cycles.is_empty(), "page import cycles: {cycles:?}");
}

#[test]
fn the_stores_read_models_are_read_by_nobody_in_the_store() {
    let views: Vec<String> = std::fs::read_dir(crate_dir("store/src/views"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_stem().is_some_and(|s| s != "mod"))
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_owned())
        .collect();
    assert!(views.len() >= 5, "{views:?}");
    let g = graph(&crate_dir("store/src"), &["crate::"]);
    for (module, text) in g.keys().map(|m| {
        (
            m,
            std::fs::read_to_string(crate_dir(&format!("store/src/{m}.rs"))).unwrap(),
        )
    }) {
        assert!(
            !text.contains("crate::views"),
            "store/src/{module}.rs reads a view"
        );
    }
}
