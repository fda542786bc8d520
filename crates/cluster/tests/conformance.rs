//! The conformance suite: every scenario of tests/conformance/scenarios is
//! run on the playground in virtual time and its transcript compared, in
//! canonical form, with the one real OTP printed (NAME.expected).
//! Scenarios listed in known_failing.txt (`NAME: reason`) may fail; one
//! that passes anyway is reported so that it can be taken off the list.
//!
//! Then every scenario with more than one node runs again with each node
//! in a World of its own, the Worlds a room connected through their ports
//! (issue 18's seam), and must give the same transcript; the failures
//! known there are in known_failing_seam.txt.
//!
//!     cargo test -p beamplay-cluster --test conformance [-- NAME_SUBSTRING]
//!     CONFORMANCE_VERBOSE=1 ... prints whole diffs
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use beamplay_cluster::canon::canonical;
use beamplay_cluster::scenario;

/// A scenario that runs longer than this (real time) counts as failed.
const TIME_LIMIT: Duration = Duration::from_secs(60);

fn known_failing(root: &Path, file: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once(':')
                .map(|(n, r)| (n.trim().to_string(), r.trim().to_string()))
        })
        .collect()
}

/// The first lines where two canonical transcripts differ.
fn diff(want: &str, got: &str, all: bool) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (
            w.get(i).copied().unwrap_or("<end>"),
            g.get(i).copied().unwrap_or("<end>"),
        );
        if a != b {
            out.push_str(&format!(
                "    line {}:\n      real OTP: {a}\n      beamplay: {b}\n",
                i + 1
            ));
            shown += 1;
            if shown >= 3 && !all {
                out.push_str("    ...\n");
                break;
            }
        }
    }
    out
}

fn run_with_limit(text: String, run: fn(&str) -> String) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(run(&text));
        })
        .ok()?;
    rx.recv_timeout(TIME_LIMIT).ok()
}

/// How a suite went: passed, failed, known-failing, and the failures.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    known: usize,
    problems: Vec<String>,
}

/// Runs the scenarios `names` with `run`, `list` naming the known
/// failures (a file of `root`).
fn suite(root: &Path, names: &[String], list: &str, run: fn(&str) -> String) -> Tally {
    let verbose = std::env::var("CONFORMANCE_VERBOSE").is_ok();
    let known = known_failing(root, list);
    let mut t = Tally::default();
    let dir = root.join("scenarios");
    for name in names {
        let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap_or_default();
        let Ok(expected) = std::fs::read_to_string(dir.join(format!("{name}.expected"))) else {
            println!("FAIL {name}: no {name}.expected (generate it with shared/oracle/run.sh)");
            t.failed += 1;
            t.problems.push(name.clone());
            continue;
        };
        let want = canonical(&expected);
        let outcome = run_with_limit(text, run).map(|got| canonical(&got));
        let ok = outcome.as_deref() == Some(want.as_str());
        match (ok, known.get(name)) {
            (true, None) => {
                println!("ok {name}");
                t.passed += 1;
            }
            (true, Some(_)) => {
                println!("FIXED {name}: listed in {list} but passes; take it off the list");
                t.failed += 1;
                t.problems.push(name.clone());
            }
            (false, Some(reason)) => {
                println!("known-failing {name} ({reason})");
                t.known += 1;
            }
            (false, None) => {
                match &outcome {
                    Some(got) => println!("FAIL {name}\n{}", diff(&want, got, verbose)),
                    None => println!("FAIL {name}: no transcript within {TIME_LIMIT:?}"),
                }
                t.failed += 1;
                t.problems.push(name.clone());
            }
        }
    }
    for k in known.keys() {
        if !names.contains(k) && !std::env::args().skip(1).any(|a| !a.starts_with('-')) {
            println!("FAIL {k}: listed in {list} but there is no such scenario");
            t.failed += 1;
        }
    }
    t
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut names: Vec<String> = std::fs::read_dir(root.join("scenarios"))
        .expect("tests/conformance/scenarios")
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "txt").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .filter(|n| filter.as_ref().is_none_or(|f| n.contains(f.as_str())))
        .collect();
    beamplay_term::sort::sort_by(&mut names, Ord::cmp);
    let one = suite(&root, &names, "known_failing.txt", scenario::run_scenario);
    println!(
        "{} scenarios, {} known-failing (listed with reasons in tests/conformance/known_failing.txt)",
        names.len(),
        one.known
    );
    println!("{} passed, {} failed", one.passed, one.failed);
    // across the seam: the scenarios of several nodes, each in its own World
    let multi: Vec<String> = names
        .iter()
        .filter(|n| {
            let text = std::fs::read_to_string(root.join("scenarios").join(format!("{n}.txt")))
                .unwrap_or_default();
            scenario::scenario_nodes(&text).len() + scenario::scenario_hidden(&text).len() > 1
        })
        .cloned()
        .collect();
    println!("across the seam (each node in a World of its own):");
    let seam = suite(
        &root,
        &multi,
        "known_failing_seam.txt",
        scenario::run_scenario_in_room,
    );
    println!(
        "{} scenarios across the seam, {} known-failing (tests/conformance/known_failing_seam.txt)",
        multi.len(),
        seam.known
    );
    println!("{} passed, {} failed", seam.passed, seam.failed);
    if one.failed + seam.failed > 0 {
        let problems: Vec<String> = one.problems.into_iter().chain(seam.problems).collect();
        eprintln!("unexpected: {}", problems.join(", "));
        std::process::exit(1);
    }
}
