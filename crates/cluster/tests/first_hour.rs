//! What a learner does in their first hour at the consoles, as iex does
//! it where the oracle cannot show it: iex's helpers, output as iex
//! prints it, pids of restarted peers, limits hit the same way whatever
//! the expression.
mod common;

use beamplay_cluster::driver::{LineKind, Said};
use common::{connected, eval, fault, run, texts, value, world};

/// The output lines node's console printed in `said`, joined.
fn output(said: &[Said]) -> String {
    texts(said, LineKind::Output).concat()
}

#[test]
fn v_gives_earlier_values_and_says_when_it_cannot() {
    let (mut w, ids) = world(&["node1"]);
    value(&mut w, ids[0], "1 + 1");
    value(&mut w, ids[0], ":two");
    assert_eq!(value(&mut w, ids[0], "v()"), ":two");
    assert_eq!(value(&mut w, ids[0], "v(1)"), "2");
    assert_eq!(value(&mut w, ids[0], "v(-4)"), "2");
    assert_eq!(
        value(&mut w, ids[0], "v(100)"),
        "** (RuntimeError) v(100) is out of bounds"
    );
    assert_eq!(
        value(&mut w, ids[0], "v(0)"),
        "** (RuntimeError) v(0) is out of bounds"
    );
}

#[test]
fn i_describes_a_term_as_iex_does_and_prints_no_value() {
    let (mut w, ids) = world(&["node1"]);
    let said = run(&mut w, ids[0], "i :a");
    // as real iex 1.14 prints it
    assert_eq!(
        output(&said),
        "Term\n  :a\nData type\n  Atom\nReference modules\n  Atom\nImplemented protocols\n  IEx.Info, Inspect, List.Chars, String.Chars\n"
    );
    assert_eq!(texts(&said, LineKind::Value), [""]);
    let said = run(&mut w, ids[0], "i \"abc\"");
    assert!(output(&said).contains(
        "Byte size\n  3\nDescription\n  This is a string: a UTF-8 encoded binary. It's printed surrounded by\n  \"double quotes\" because all UTF-8 encoded code points in it are printable.\nRaw representation\n  <<97, 98, 99>>\n"
    ));
    // the line counts: the next prompt is the third
    assert_eq!(
        w.prompt(ids[0], false).as_deref(),
        Some("iex(node1@localhost)3>")
    );
}

#[test]
fn h_of_a_literal_says_what_it_takes_in_iex_words() {
    let (mut w, ids) = world(&["node1"]);
    let said = run(&mut w, ids[0], "h 1");
    // as real iex 1.14 prints it
    assert_eq!(
        output(&said),
        "The \"h\" helper expects a Module, Module.fun or Module.fun/arity, got: 1\nIf instead of accessing documentation you would like more information about a value or about the result of an expression, use the \"i\" helper instead\n"
    );
    assert_eq!(texts(&said, LineKind::Value), [""]);
}

#[test]
fn h_says_where_the_documentation_is() {
    let (mut w, ids) = world(&["node1"]);
    let said = run(&mut w, ids[0], "h Enum.map/2");
    assert_eq!(
        output(&said),
        "Documentation for Enum.map/2 is not available in the playground; see https://hexdocs.pm/elixir/Enum.html#map/2\n"
    );
    let said = run(&mut w, ids[0], "h Foo");
    assert_eq!(output(&said), "Could not load module Foo, got: nofile\n");
    let said = run(&mut w, ids[0], "h :lists.seq");
    assert!(output(&said).ends_with("https://www.erlang.org/doc/man/lists.html\n"));
}

#[test]
fn flush_prints_each_message_on_its_own_line() {
    let (mut w, ids) = world(&["node1"]);
    let said = run(
        &mut w,
        ids[0],
        "send(self(), {:response, 10}); send(self(), {:response, 20}); flush()",
    );
    assert_eq!(output(&said), "{:response, 10}\n{:response, 20}\n");
    assert_eq!(texts(&said, LineKind::Value), [":ok"]);
}

#[test]
fn an_input_iex_waits_on_is_not_an_error() {
    use beamplay_cluster::driver::incomplete;
    assert!(incomplete("%{a: 1"));
    assert!(incomplete("%{a: 1\n[1, 2"));
    assert!(!incomplete("%{a: 1\n[1, 2\n}"));
    let (mut w, ids) = world(&["node1"]);
    assert_eq!(
        value(&mut w, ids[0], "%{a: 1\n[1, 2\n}"),
        "** (SyntaxError) iex:3:1: unexpected token: }. The \"[\" at line 2 is missing terminator \"]\""
    );
}

#[test]
fn a_restarted_peer_prints_under_a_new_number() {
    let (mut w, ids) = world(&["node1", "node2", "node3"]);
    connected(&mut w, &ids);
    let first = value(
        &mut w,
        ids[0],
        "{:rpc.call(:node2@localhost, :erlang, :self, []), :rpc.call(:node3@localhost, :erlang, :self, [])}",
    );
    let numbers = |text: &str| -> Vec<String> {
        text.split("#PID<")
            .skip(1)
            .filter_map(|p| p.split('.').next().map(str::to_string))
            .collect()
    };
    let before = numbers(&first);
    assert_eq!(before.len(), 2, "{first}");
    assert_ne!(before[0], before[1], "two peers print alike: {first}");
    assert!(before.iter().all(|n| n != "0"), "{first}");
    fault(&mut w, "@restart node2");
    value(&mut w, ids[0], "Node.connect(:node2@localhost)");
    let again = value(
        &mut w,
        ids[0],
        "{:rpc.call(:node2@localhost, :erlang, :self, []), :rpc.call(:node3@localhost, :erlang, :self, [])}",
    );
    let after = numbers(&again);
    assert_eq!(after[1], before[1], "node3 keeps its number: {again}");
    assert!(
        !before.contains(&after[0]),
        "the new node2 has a number of its own: {first} then {again}"
    );
    // a pid printed here reads back as the same pid
    assert_eq!(
        value(
            &mut w,
            ids[0],
            "p = :rpc.call(:node3@localhost, :erlang, :self, []); :erlang.list_to_pid(:erlang.pid_to_list(p)) == p"
        ),
        "true"
    );
}

#[test]
fn the_process_limit_is_reached_before_the_heap_limit_and_logged() {
    let (mut w, ids) = world(&["node1"]);
    let said = eval(
        &mut w,
        ids[0],
        "for _ <- 1..2_000_000, do: spawn(fn -> Process.sleep(:infinity) end)",
        600_000,
    );
    assert_eq!(
        texts(&said, LineKind::Value),
        ["** (SystemLimitError) a system limit has been reached"]
    );
    assert_eq!(texts(&said, LineKind::Log), ["[error] Too many processes"]);
}

#[test]
fn an_interrupt_keeps_the_prompt_number() {
    let (mut w, ids) = world(&["node1"]);
    value(&mut w, ids[0], ":one");
    w.submit(ids[0], "Process.sleep(:infinity)").ok();
    w.world_mut().advance(100);
    w.interrupt(ids[0]);
    w.world_mut().advance(100);
    let said = w.take_said();
    assert!(
        texts(&said, LineKind::Exit) == ["** (EXIT) interrupted"],
        "{said:?}"
    );
    assert_eq!(
        w.prompt(ids[0], false).as_deref(),
        Some("iex(node1@localhost)2>")
    );
}

#[test]
fn looking_at_a_node_never_changes_how_it_numbers_other_nodes() {
    // the panels and the event log print pids too: they must not give
    // numbers the node's own programs would then see
    let lines = [
        "p3 = Node.spawn(:node3@localhost, fn -> Process.sleep(:infinity) end); :ok",
        "p2 = Node.spawn(:node2@localhost, fn -> Process.sleep(:infinity) end); :global.register_name(:p2, p2)",
        "{p3, p2}",
    ];
    let mut printed = Vec::new();
    for look in [false, true] {
        let (mut w, ids) = world(&["node1", "node2", "node3"]);
        w.world_mut().set_tracing(look);
        connected(&mut w, &ids);
        value(&mut w, ids[0], "Node.connect(:node3@localhost)");
        let mut last = String::new();
        for line in lines {
            if look {
                w.world_mut().advance(1);
                let _ = w.world().snapshot();
            }
            last = value(&mut w, ids[0], line);
            if look {
                let _ = w.world().snapshot();
            }
        }
        printed.push(last);
    }
    assert_eq!(printed[0], printed[1]);
    // node1 met node2 first: its entry comes first in node1's table
    assert_eq!(printed[0], "{#PID<10882.102.0>, #PID<10881.102.0>}");
}
