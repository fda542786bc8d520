//! The conformance suite: every scenario of tests/conformance/scenarios is
//! run on the playground in virtual time and its transcript compared, in
//! canonical form, with the one real OTP printed (NAME.expected).
//! Scenarios listed in known_failing.txt (`NAME: reason`) may fail; one
//! that passes anyway is reported so that it can be taken off the list.
//!
//!     cargo test -p beamplay-cluster --test conformance [-- NAME_SUBSTRING]
//!     CONFORMANCE_VERBOSE=1 ... prints whole diffs
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use beamplay_cluster::canon::canonical;

/// A scenario that runs longer than this (real time) counts as failed.
const TIME_LIMIT: Duration = Duration::from_secs(60);

fn known_failing(root: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root.join("known_failing.txt")).unwrap_or_default();
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

fn run_with_limit(text: String) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(beamplay_cluster::scenario::run_scenario(&text));
        })
        .ok()?;
    rx.recv_timeout(TIME_LIMIT).ok()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let verbose = std::env::var("CONFORMANCE_VERBOSE").is_ok();
    let known = known_failing(&root);
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
    let (mut passed, mut failed, mut expected_failures) = (0, 0, 0);
    let mut problems = Vec::new();
    for name in &names {
        let dir = root.join("scenarios");
        let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap_or_default();
        let Ok(expected) = std::fs::read_to_string(dir.join(format!("{name}.expected"))) else {
            println!("FAIL {name}: no {name}.expected (generate it with shared/oracle/run.sh)");
            failed += 1;
            problems.push(name.clone());
            continue;
        };
        let want = canonical(&expected);
        let outcome = run_with_limit(text).map(|got| canonical(&got));
        let ok = outcome.as_deref() == Some(want.as_str());
        match (ok, known.get(name)) {
            (true, None) => {
                println!("ok {name}");
                passed += 1;
            }
            (true, Some(_)) => {
                println!(
                    "FIXED {name}: listed in known_failing.txt but passes; take it off the list"
                );
                failed += 1;
                problems.push(name.clone());
            }
            (false, Some(reason)) => {
                println!("known-failing {name} ({reason})");
                expected_failures += 1;
            }
            (false, None) => {
                match &outcome {
                    Some(got) => println!("FAIL {name}\n{}", diff(&want, got, verbose)),
                    None => println!("FAIL {name}: no transcript within {TIME_LIMIT:?}"),
                }
                failed += 1;
                problems.push(name.clone());
            }
        }
    }
    for k in known.keys() {
        if filter.is_none() && !names.contains(k) {
            println!("FAIL {k}: listed in known_failing.txt but there is no such scenario");
            failed += 1;
        }
    }
    println!("{} scenarios, {expected_failures} known-failing (listed with reasons in tests/conformance/known_failing.txt)", names.len());
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        eprintln!("unexpected: {}", problems.join(", "));
        std::process::exit(1);
    }
}
