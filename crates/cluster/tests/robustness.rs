//! Bad input is an answer, never a crash (DESIGN.md invariant 8): mutated
//! console lines go through the parser, the compiler and a bounded run.
#![cfg(not(target_arch = "wasm32"))]
use beamplay_cluster::driver::Driver;
use proptest::prelude::*;

/// Every input line of the conformance scenarios.
fn corpus() -> Vec<String> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/conformance/scenarios"
    );
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().extension().is_some_and(|x| x == "txt") {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            out.extend(
                beamplay_cluster::scenario::join_continued(&text)
                    .into_iter()
                    .filter_map(|l| l.split_once("> ").map(|(_, x)| x.to_string())),
            );
        }
    }
    out
}

const FRAGMENTS: &[&str] = &[
    "",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "#{",
    ",",
    ":",
    ";",
    " do ",
    " end",
    "fn ",
    "->",
    "|",
    "\n",
    "<<",
    ">>",
    "%{",
    "&",
    "&1",
    "^",
    "@x",
    "=",
    " when ",
    "..",
    "::",
    "\\\\",
    "1",
    ":a",
    "x",
    "Mod.",
    ".(",
    "receive do",
    " after 0 -> 1",
    "raise ",
    "throw ",
    "exit ",
    "spawn(",
    "defmodule X do ",
    "def f(x)",
    "%S{}",
    "?",
    "~w(",
    "0x",
    "1.0e",
    "nil.",
    "&(&2)",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn mutated_console_lines_never_panic(
        pick in 0usize..100_000,
        at in 0usize..300,
        len in 0usize..8,
        insert in prop::sample::select(FRAGMENTS),
    ) {
        let lines = corpus();
        prop_assume!(!lines.is_empty());
        let line = &lines[pick % lines.len()];
        let chars: Vec<char> = line.chars().collect();
        let at = at.min(chars.len());
        let end = (at + len).min(chars.len());
        let mutated: String = chars[..at].iter().copied().chain(insert.chars()).chain(chars[end..].iter().copied()).collect();
        let mut d = Driver::new(3).expect("prelude");
        let n = d.world_mut().add_node("node1");
        if d.submit(n, &mutated).is_ok() {
            // bounded: at most 20 ms of virtual time, however the line behaves
            d.world_mut().advance(20);
        }
        let _ = d.take_said();
    }
}
