//! Differential test against real Elixir: every input of the conformance
//! scenarios and every case of the language corpus, parsed here and by
//! Elixir 1.14's `Code.string_to_quoted/1` (tests/corpus/quoted.txt at the
//! repository root, made by tests/corpus/quoted.exs), must have the same
//! shape (metadata aside), or both must be errors.
#![cfg(not(target_arch = "wasm32"))]
use beamplay_syntax::ast::Head;
use beamplay_syntax::{parse, Ast};

/// The canonical text quoted.exs prints for Elixir's quoted form.
fn canon(a: &Ast) -> String {
    match a {
        Ast::Int(i) => i.to_string(),
        Ast::BigInt(b) => b.to_string(),
        Ast::Float(f) => beamplay_term::float_to_string(*f),
        Ast::Atom(s) => beamplay_term::atom_to_inspect(s),
        Ast::String(s) => beamplay_term::inspect(
            &beamplay_term::Term::string(s),
            &beamplay_term::InspectOpts {
                printable_limit: usize::MAX,
                ..beamplay_term::InspectOpts::plain()
            },
            &beamplay_term::NoStructs,
        ),
        Ast::Charlist(cs) => format!(
            "[{}]",
            cs.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ast::List(items) => format!(
            "[{}]",
            items.iter().map(canon).collect::<Vec<_>>().join(", ")
        ),
        Ast::Pair(x, y) => format!("{{{}, {}}}", canon(x), canon(y)),
        Ast::Var { name, .. } => format!("var:{name}"),
        Ast::Alias { parts, .. } => format!("alias:{}", parts.join(".")),
        Ast::Call { head, args, .. } => {
            let h = match head {
                Head::Local(n) => n.clone(),
                Head::Remote(t, f) => format!("remote({}, {f})", canon(t)),
                Head::Anon(f) => format!("anon({})", canon(f)),
            };
            format!(
                "call({h};{})",
                args.iter().map(canon).collect::<Vec<_>>().join(", ")
            )
        }
    }
}

fn unhex(s: &str) -> String {
    let bytes: Vec<u8> = (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn parses_every_scenario_line_and_corpus_case_as_elixir_does() {
    let fixture = include_str!("../../../tests/corpus/quoted.txt");
    let mut mismatches = Vec::new();
    let mut n = 0;
    for line in fixture.lines() {
        let Some((hex, want)) = line.split_once('\t') else {
            continue;
        };
        let src = unhex(hex);
        let got = match parse(&src, 1) {
            Ok(a) => canon(&a),
            Err(_) => "error".to_string(),
        };
        n += 1;
        if got != want {
            mismatches.push(format!("{src}\n  elixir:   {want}\n  beamplay: {got}"));
        }
    }
    assert!(n > 1000, "fixture has {n} lines");
    assert!(
        mismatches.is_empty(),
        "{} of {n} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
