//! The parser in a browser.
#![cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn parses_and_reports_like_elixir() {
    assert!(beamplay_syntax::parse("defmodule M do\n def f(x), do: x\nend", 1).is_ok());
    let e = beamplay_syntax::parse("1 +* 2", 9)
        .err()
        .map(|d| d.banner("iex"));
    assert_eq!(
        e.as_deref(),
        Some("** (SyntaxError) iex:9:4: syntax error before: '*'\n    |\n  9 | 1 +* 2\n    |    ^")
    );
    assert!(beamplay_syntax::is_incomplete("fn x ->"));
}
