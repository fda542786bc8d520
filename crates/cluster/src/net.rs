//! The network between a World's nodes (DESIGN.md invariant 4): per
//! ordered pair of nodes, frames arrive in order, once, after the link's
//! latency.
use std::collections::BTreeMap;

use beamplay_term::Atom;
use rustc_hash::FxHashMap;

use crate::NodeId;

/// Latency of a link nobody slowed: about what a loopback TCP connection
/// between two BEAM nodes takes.
const DEFAULT_LATENCY_US: u64 = 100;

/// A frame on its way.
pub struct Flight {
    pub to: NodeId,
    pub from: NodeId,
    pub from_name: Atom,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Network {
    /// By arrival time, then by sending order.
    in_flight: BTreeMap<(u64, u64), Flight>,
    seq: u64,
    /// The last arrival per ordered pair: a later frame never overtakes it.
    last_arrival: FxHashMap<(NodeId, NodeId), u64>,
}

impl Network {
    pub fn send(&mut self, now: u64, from: NodeId, to: NodeId, from_name: Atom, bytes: Vec<u8>) {
        let last = self.last_arrival.get(&(from, to)).copied().unwrap_or(0);
        let due = now.saturating_add(DEFAULT_LATENCY_US).max(last);
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
}
