//! The parser: shapes of Elixir's quoted form, iex's error banners, and
//! that no input whatsoever makes it panic or hang.
#![cfg(not(target_arch = "wasm32"))]
use beamplay_syntax::ast::Head;
use beamplay_syntax::{is_incomplete, parse, Ast};
use proptest::prelude::*;

fn ok(src: &str) -> Ast {
    match parse(src, 1) {
        Ok(a) => a,
        Err(d) => panic!("{src}: {}", d.banner("iex")),
    }
}

fn banner(src: &str, line: u32) -> String {
    match parse(src, line) {
        Ok(a) => panic!("{src} parsed: {a:?}"),
        Err(d) => d.banner("iex"),
    }
}

fn local(a: &Ast) -> Option<(&str, usize)> {
    match a {
        Ast::Call {
            head: Head::Local(n),
            args,
            ..
        } => Some((n.as_str(), args.len())),
        _ => None,
    }
}

#[test]
fn operator_precedence_follows_elixir() {
    // 1 + 2 * 3 is +(1, *(2, 3))
    let a = ok("1 + 2 * 3");
    assert_eq!(local(&a), Some(("+", 2)));
    // -2 ** 2 is **(-(2), 2)
    assert_eq!(local(&ok("-2 ** 2")), Some(("**", 2)));
    // x = y = 3 is right associative
    let Ast::Call { args, .. } = ok("x = y = 3") else {
        panic!()
    };
    assert_eq!(local(&args[1]), Some(("=", 2)));
    // a |> f(b) |> g() is left associative
    let Ast::Call { args, .. } = ok("a |> f(b) |> g()") else {
        panic!()
    };
    assert_eq!(local(&args[0]), Some(("|>", 2)));
    assert_eq!(local(&ok("1..10//2")), Some(("..//", 3)));
    // a lone unary `not` is kept in a __block__, as Elixir's parser does
    assert_eq!(local(&ok("x not in [1]")), Some(("__block__", 1)));
    let Ast::Call { args, .. } = ok("x not in [1]") else {
        panic!()
    };
    assert_eq!(local(&args[0]), Some(("not", 1)));
}

#[test]
fn do_blocks_become_keyword_arguments() {
    let a = ok("if x do\n :a\nelse\n :b\nend");
    let Ast::Call { args, .. } = &a else { panic!() };
    assert_eq!(args.len(), 2);
    let Ast::List(kw) = &args[1] else {
        panic!("{a:?}")
    };
    assert_eq!(kw.len(), 2);
    // the do-block goes to the outer no-parens call
    let a = ok("defmodule M do\n def f(x) when x > 0 do\n  x\n end\nend");
    assert_eq!(local(&a), Some(("defmodule", 2)));
}

#[test]
fn literals_and_containers() {
    assert_eq!(
        ok("{1, 2}"),
        Ast::Pair(Box::new(Ast::Int(1)), Box::new(Ast::Int(2)))
    );
    assert_eq!(local(&ok("{1, 2, 3}")), Some(("{}", 3)));
    assert_eq!(
        ok("[a: 1]"),
        Ast::List(vec![Ast::Pair(
            Box::new(Ast::Atom("a".into())),
            Box::new(Ast::Int(1))
        )])
    );
    assert_eq!(ok("'ab'"), Ast::Charlist(vec![97, 98]));
    assert_eq!(ok("?a"), Ast::Int(97));
    assert_eq!(ok("0x1F"), Ast::Int(31));
    assert_eq!(ok("1_0.5e1"), Ast::Float(105.0));
    assert_eq!(ok(":\"a b\""), Ast::Atom("a b".into()));
    assert_eq!(local(&ok("\"a#{x}b\"")), Some(("<<>>", 3)));
    assert_eq!(local(&ok("%{m | a: 1}")), Some(("%{}", 1)));
    assert_eq!(local(&ok("%User{name: 1}")), Some(("%", 2)));
    assert_eq!(local(&ok("&(&1 + 1)")), Some(("&", 1)));
    assert_eq!(local(&ok("~w(a b)a")), Some(("sigil_w", 2)));
}

#[test]
fn errors_are_worded_as_iex_words_them() {
    assert_eq!(
        banner("1 +* 2", 9),
        "** (SyntaxError) iex:9:4: syntax error before: '*'\n    |\n  9 | 1 +* 2\n    |    ^"
    );
    assert_eq!(
        banner("[1, 2", 9),
        "** (TokenMissingError) iex:9:6: missing terminator: ] (for \"[\" starting at line 9)\n    |\n  9 | [1, 2\n    |      ^"
    );
    assert!(banner("1 +", 1).contains("syntax error: expression is incomplete"));
    assert!(banner(")", 1).contains("unexpected token: )"));
    assert!(banner("end", 1).contains("unexpected reserved word: end"));
}

#[test]
fn incomplete_input_waits_for_more() {
    for src in [
        "fn x ->",
        "[1,",
        "\"abc",
        "defmodule M do",
        "1 +",
        "case x do\n 1 -> :a",
    ] {
        assert!(is_incomplete(src), "{src}");
    }
    for src in ["1 + 1", "fn x -> x end", ")", "1 +* 2"] {
        assert!(!is_incomplete(src), "{src}");
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let src = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse(&src, 1).is_err());
    let src = format!("{}1", "-".repeat(100_000));
    assert!(parse(&src, 1).is_err());
}

/// Every input line of the shared scenarios, for mutation.
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
                text.lines()
                    .filter_map(|l| l.split_once("> ").map(|(_, x)| x.to_string())),
            );
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_input_never_panics(src in "\\PC{0,80}") {
        let _ = parse(&src, 1);
        let _ = is_incomplete(&src);
    }

    #[test]
    fn elixir_looking_input_never_panics(src in "[a-z0-9 :,.%&|=<>(){}\\[\\]\"'#@^~+*/\\\\-]{0,60}") {
        let _ = parse(&src, 1);
    }

    #[test]
    fn mutated_scenario_lines_never_panic(
        pick in 0usize..10_000,
        at in 0usize..200,
        len in 0usize..6,
        insert in prop::sample::select(vec!["", "(", ")", "[", "]", "{", "}", "\"", "'", "#{", ",", ":", ";", " do ", " end", "fn ", "->", "|", "\n", "<<", ">>", "%{", "&", "\\"]),
    ) {
        let lines = corpus();
        if lines.is_empty() { return Ok(()); }
        let line = &lines[pick % lines.len()];
        let chars: Vec<char> = line.chars().collect();
        let at = at.min(chars.len());
        let end = (at + len).min(chars.len());
        let mutated: String = chars[..at].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
        let _ = parse(&mutated, 1);
        let _ = is_incomplete(&mutated);
    }
}
