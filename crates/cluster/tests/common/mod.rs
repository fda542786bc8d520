//! What the World tests share: a World of named nodes behind a console
//! driver, and lines typed at their consoles, run in virtual time as the
//! oracle runs them.
#![allow(dead_code)]
use beamplay_cluster::driver::{Driver, LineKind, Said, Submitted, Virtual};
use beamplay_cluster::NodeId;

pub fn world(names: &[&str]) -> (Driver, Vec<NodeId>) {
    seeded(11, names)
}

pub fn seeded(seed: u64, names: &[&str]) -> (Driver, Vec<NodeId>) {
    let mut d = Driver::new(seed).expect("prelude compiles");
    let ids = names.iter().map(|n| d.world_mut().add_node(n)).collect();
    (d, ids)
}

/// Types `line` on node `n` and runs until the line ends (its value, or
/// its shell died), at most `ms` of virtual time: what every console said
/// on the way.
pub fn eval(d: &mut Driver, n: NodeId, line: &str, ms: u64) -> Vec<Said> {
    assert_eq!(d.submit(n, line), Ok(Submitted::Line(n)), "{line}");
    let mut said = Vec::new();
    d.run(&mut Virtual, ms, &mut |d| {
        let new = d.take_said();
        let done = new.iter().any(|s| match s {
            Said::Line(at, l) => *at == n && l.kind == LineKind::Value,
            Said::Abandoned(at) => *at == n,
        });
        said.extend(new);
        done
    });
    said.extend(d.take_said());
    said
}

/// Types `line` on node `n` and runs until it ends, then lets 150 ms
/// pass, as the oracle does before the next line: what every console said
/// on the way.
pub fn run(d: &mut Driver, n: NodeId, line: &str) -> Vec<Said> {
    let mut said = eval(d, n, line, 5_000);
    d.world_mut().advance(150);
    said.extend(d.take_said());
    said
}

/// The texts of the lines of `kind` in `said`, whichever node said them.
pub fn texts(said: &[Said], kind: LineKind) -> Vec<String> {
    said.iter()
        .filter_map(|s| match s {
            Said::Line(_, l) if l.kind == kind => Some(l.text.clone()),
            _ => None,
        })
        .collect()
}

/// The value node `n` printed in `said`.
pub fn value_in(said: &[Said], n: NodeId) -> Option<String> {
    said.iter().find_map(|s| match s {
        Said::Line(at, l) if *at == n && l.kind == LineKind::Value => Some(l.text.clone()),
        _ => None,
    })
}

/// The value `line` gives on node `n`.
pub fn value(d: &mut Driver, n: NodeId, line: &str) -> String {
    value_in(&run(d, n, line), n).unwrap_or_else(|| format!("no value for {line}"))
}

pub fn connected(d: &mut Driver, ids: &[NodeId]) {
    assert_eq!(value(d, ids[0], "Node.connect(:node2@localhost)"), "true");
    assert_eq!(value(d, ids[1], "Node.list()"), "[:node1@localhost]");
}

/// node1, node2 and node3 in a full mesh, synced by global.
pub fn mesh() -> (Driver, Vec<NodeId>) {
    let (mut d, ids) = world(&["node1", "node2", "node3"]);
    connected(&mut d, &ids);
    value(&mut d, ids[2], "Node.connect(:node2@localhost)");
    d.world_mut().advance(1_000);
    assert_eq!(
        value(&mut d, ids[0], "Node.list() |> Enum.sort()"),
        "[:node2@localhost, :node3@localhost]"
    );
    (d, ids)
}

/// Types a fault command, then lets the World react for a second.
pub fn fault(d: &mut Driver, line: &str) {
    assert!(matches!(d.command(line), Ok(Submitted::Fault(_))), "{line}");
    d.world_mut().advance(1_000);
}

/// A tiny seeded generator for the fault schedules.
pub struct Dice(pub u64);

impl Dice {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
