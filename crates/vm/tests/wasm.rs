//! The node's compiler and interpreter in a browser.
#![cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn natives_register_in_the_browser() {
    let mut t = beamplay_vm::native::NativeTable::default();
    beamplay_vm::natives::register(&mut t);
    assert!(t.get("erlang", "length", 1).is_some());
}
