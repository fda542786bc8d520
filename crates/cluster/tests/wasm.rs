//! The World in a browser: the same scenarios, the same transcripts.
#![cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn a_console_line_evaluates_in_the_browser() {
    let t = beamplay_cluster::scenario::run_scenario(
        "# nodes: node1\nnode1> Enum.map([1, 2, 3], &(&1 * 2))\n",
    );
    assert_eq!(t, "node1> Enum.map([1, 2, 3], &(&1 * 2))\n[2, 4, 6]\n");
}

#[wasm_bindgen_test]
fn processes_and_timers_run_in_virtual_time() {
    let src = "# nodes: node1\nnode1> Process.send_after(self(), :tick, 50); Process.sleep(100); flush()\n";
    let t = beamplay_cluster::scenario::run_scenario(src);
    let typed = "node1> Process.send_after(self(), :tick, 50); Process.sleep(100); flush()\n";
    assert_eq!(t, format!("{typed}node1| :tick\n:ok\n"));
}

#[wasm_bindgen_test]
fn a_limit_is_reached_alike_however_the_expression_is_written() {
    // a tab's heap limit is 16 Mi words: a 100 MB binary fits, whether
    // the console prints it or a call takes it
    let src = "# nodes: node1\nnode1> byte_size(:binary.copy(\"a\", 100_000_000))\nnode1> :binary.copy(\"a\", 100_000_000) |> byte_size()\nnode1> Enum.sum(1..2_000_000)\n";
    let t = beamplay_cluster::scenario::run_scenario(src);
    let values: Vec<&str> = t.lines().filter(|l| !l.starts_with("node1>")).collect();
    assert_eq!(values, ["100000000", "100000000", "2000001000000"], "{t}");
}
