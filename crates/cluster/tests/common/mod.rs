//! What the World tests share: a World of named nodes, and lines typed
//! at their consoles, run in virtual time as the oracle runs them.
#![allow(dead_code)]
use beamplay_cluster::fault::Fault;
use beamplay_cluster::{NodeId, World};
use beamplay_vm::ConsoleEvent;

pub fn world(names: &[&str]) -> (World, Vec<NodeId>) {
    seeded(11, names)
}

pub fn seeded(seed: u64, names: &[&str]) -> (World, Vec<NodeId>) {
    let mut w = World::new(seed).expect("prelude compiles");
    let ids = names.iter().map(|n| w.add_node(n)).collect();
    (w, ids)
}

/// Types `line` on node `n` and runs until its value, then lets 150 ms
/// pass, as the oracle does before the next line: every event on the way.
pub fn run(w: &mut World, n: NodeId, line: &str) -> Vec<ConsoleEvent> {
    w.eval(n, line).expect("console free");
    let mut events = Vec::new();
    w.advance_with(5_000, |w| {
        let new = w.take_events();
        let done = new
            .iter()
            .any(|(at, e)| *at == n && matches!(e, ConsoleEvent::Value(_)));
        events.extend(new.into_iter().map(|(_, e)| e));
        done
    });
    w.advance(150);
    events.extend(w.take_events().into_iter().map(|(_, e)| e));
    events
}

/// The value `line` gives on node `n`.
pub fn value(w: &mut World, n: NodeId, line: &str) -> String {
    run(w, n, line)
        .into_iter()
        .find_map(|e| match e {
            ConsoleEvent::Value(v) => Some(v),
            _ => None,
        })
        .unwrap_or_else(|| format!("no value for {line}"))
}

pub fn connected(w: &mut World, ids: &[NodeId]) {
    assert_eq!(value(w, ids[0], "Node.connect(:node2@localhost)"), "true");
    assert_eq!(value(w, ids[1], "Node.list()"), "[:node1@localhost]");
}

/// node1, node2 and node3 in a full mesh, synced by global.
pub fn mesh() -> (World, Vec<NodeId>) {
    let (mut w, ids) = world(&["node1", "node2", "node3"]);
    connected(&mut w, &ids);
    value(&mut w, ids[2], "Node.connect(:node2@localhost)");
    w.advance(1_000);
    assert_eq!(
        value(&mut w, ids[0], "Node.list() |> Enum.sort()"),
        "[:node2@localhost, :node3@localhost]"
    );
    (w, ids)
}

pub fn fault(w: &mut World, line: &str) {
    let f = Fault::parse(w, line)
        .expect("a fault command")
        .expect("a valid one");
    w.apply(f);
    w.advance(1_000);
}
