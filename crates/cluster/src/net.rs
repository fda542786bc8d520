//! The network between a World's nodes (DESIGN.md invariant 4): per
//! ordered pair of nodes, frames arrive in order, once, after the link's
//! latency, unless the link is cut.
use std::collections::{BTreeMap, BTreeSet};

use beamplay_term::Atom;
use rustc_hash::FxHashMap;

use crate::NodeId;

/// One-way latency of a link nobody slowed: about what a frame takes
/// between two BEAM nodes over loopback TCP.
pub const DEFAULT_LATENCY_US: u64 = 20;

/// A frame on its way.
pub struct Flight {
    pub to: NodeId,
    pub from: NodeId,
    pub from_name: Atom,
    pub bytes: Vec<u8>,
}

/// A link, whichever way it is named.
fn pair(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    (a.min(b), a.max(b))
}

#[derive(Default)]
pub struct Network {
    /// By arrival time, then by sending order.
    in_flight: BTreeMap<(u64, u64), Flight>,
    seq: u64,
    /// The last arrival per ordered pair: a later frame never overtakes it.
    last_arrival: FxHashMap<(NodeId, NodeId), u64>,
    /// Links that carry nothing.
    cuts: BTreeSet<(NodeId, NodeId)>,
    /// Links slowed (or sped up) from the default, in microseconds.
    latency: BTreeMap<(NodeId, NodeId), u64>,
}

impl Network {
    /// Puts a frame on the link `from`-`to`: when it will arrive, or
    /// `None` if the link is cut.
    pub fn send(
        &mut self,
        now: u64,
        from: NodeId,
        to: NodeId,
        from_name: Atom,
        bytes: Vec<u8>,
    ) -> Option<u64> {
        if self.is_cut(from, to) {
            return None;
        }
        let last = self.last_arrival.get(&(from, to)).copied().unwrap_or(0);
        let due = now.saturating_add(self.latency_us(from, to)).max(last);
        self.last_arrival.insert((from, to), due);
        self.seq += 1;
        self.in_flight.insert(
            (due, self.seq),
            Flight {
                to,
                from,
                from_name,
                bytes,
            },
        );
        Some(due)
    }

    /// The next frame that has arrived by `now`.
    pub fn next_due(&mut self, now: u64) -> Option<Flight> {
        let (&key, _) = self.in_flight.first_key_value()?;
        if key.0 > now {
            return None;
        }
        self.in_flight.remove(&key)
    }

    pub fn next_arrival(&self) -> Option<u64> {
        self.in_flight.first_key_value().map(|((due, _), _)| *due)
    }

    /// A node died: what it sent and what was coming to it is lost.
    pub fn forget_node(&mut self, id: NodeId) {
        self.in_flight.retain(|_, f| f.from != id && f.to != id);
        self.last_arrival.retain(|(a, b), _| *a != id && *b != id);
    }

    /// Cuts the link `a`-`b`: what is on it is lost (how many frames is
    /// returned), and it carries nothing until `heal`.
    pub fn cut(&mut self, a: NodeId, b: NodeId) -> usize {
        let before = self.in_flight.len();
        self.in_flight
            .retain(|_, f| pair(f.from, f.to) != pair(a, b));
        self.cuts.insert(pair(a, b));
        before - self.in_flight.len()
    }

    /// Whether the link was cut.
    pub fn heal(&mut self, a: NodeId, b: NodeId) -> bool {
        self.cuts.remove(&pair(a, b))
    }

    pub fn is_cut(&self, a: NodeId, b: NodeId) -> bool {
        self.cuts.contains(&pair(a, b))
    }

    /// Sets the one-way latency of the link `a`-`b`, both ways.
    pub fn set_latency(&mut self, a: NodeId, b: NodeId, us: u64) {
        if us == DEFAULT_LATENCY_US {
            self.latency.remove(&pair(a, b));
        } else {
            self.latency.insert(pair(a, b), us);
        }
    }

    pub fn latency_us(&self, a: NodeId, b: NodeId) -> u64 {
        self.latency
            .get(&pair(a, b))
            .copied()
            .unwrap_or(DEFAULT_LATENCY_US)
    }
}
