//! Terms, order and inspect in a browser.
#![cfg(target_arch = "wasm32")]
use beamplay_term::{inspect, InspectOpts, NoStructs, Term};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn inspect_lays_out_as_iex_does() {
    let l = Term::list((1..=60).map(Term::Int));
    let text = inspect(&l, &InspectOpts::iex(), &NoStructs);
    assert!(text.ends_with("49, 50, ...]"), "{text}");
    assert_eq!(text.lines().count(), 3);
}

#[wasm_bindgen_test]
fn floats_print_shortest() {
    assert_eq!(
        beamplay_term::float_to_string(0.1 + 0.2),
        "0.30000000000000004"
    );
    assert_eq!(beamplay_term::float_to_string(1.0e-5), "1.0e-5");
}
