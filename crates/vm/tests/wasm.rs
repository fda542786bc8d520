//! The node's compiler and interpreter in a browser.
#![cfg(target_arch = "wasm32")]
use std::cell::Cell;
use std::rc::Rc;

use beamplay_vm::{ConsoleEvent, NodeSpec, Runtime};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn a_node_evaluates_a_line_in_the_browser() {
    let rt = Runtime::new(1 << 20).expect("the prelude compiles");
    assert!(rt.natives_registered_twice().is_empty());
    let mut node = rt.boot(NodeSpec {
        name: "nonode@nohost",
        creation: 1,
        seed: 1,
        hidden: false,
        tracing: false,
        clock: Rc::new(Cell::new(0)),
        epmd: Rc::default(),
    });
    node.eval("Enum.map([1, 2, 3], fn x -> x * x end)")
        .expect("the console is free");
    while node.step().is_some() {}
    let events = node.take_console_events();
    assert!(
        events.contains(&ConsoleEvent::Value("[1, 4, 9]".into())),
        "{events:?}"
    );
}
