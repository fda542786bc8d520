//! The network between a World's nodes (DESIGN.md invariant 4): per
//! ordered pair of nodes, frames arrive in order, once, after the link's
//! latency, unless the link is cut.
use std::collections::VecDeque;

use beamplay_term::Atom;
use rustc_hash::{FxHashMap, FxHashSet};

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

/// A frame in flight and when it arrives.
struct Queued {
    due: u64,
    flight: Flight,
}

/// A link, whichever way it is named.
fn pair(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    (a.min(b), a.max(b))
}

#[derive(Default)]
pub struct Network {
    /// By arrival time, then by sending order. Frames mostly arrive in
    /// the order they are sent, so a new one nearly always goes last.
    in_flight: VecDeque<Queued>,
    /// The last arrival per ordered pair: a later frame never overtakes it.
    last_arrival: FxHashMap<(NodeId, NodeId), u64>,
    /// Links that carry nothing.
    cuts: FxHashSet<(NodeId, NodeId)>,
    /// Links slowed (or sped up) from the default, in microseconds.
    latency: FxHashMap<(NodeId, NodeId), u64>,
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
        let latency = self.latency_us(from, to);
        let last = self.last_arrival.entry((from, to)).or_insert(0);
        let due = now.saturating_add(latency).max(*last);
        *last = due;
        let q = Queued {
            due,
            flight: Flight {
                to,
                from,
                from_name,
                bytes,
            },
        };
        // after every frame due no later (those were sent before it)
        if self.in_flight.back().is_none_or(|b| b.due <= due) {
            self.in_flight.push_back(q);
        } else {
            let at = self.in_flight.partition_point(|f| f.due <= due);
            self.in_flight.insert(at, q);
        }
        Some(due)
    }

    /// The next frame that has arrived by `now`.
    pub fn next_due(&mut self, now: u64) -> Option<Flight> {
        if self.in_flight.front()?.due > now {
            return None;
        }
        self.in_flight.pop_front().map(|q| q.flight)
    }

    pub fn next_arrival(&self) -> Option<u64> {
        self.in_flight.front().map(|q| q.due)
    }

    /// A node died: what it sent and what was coming to it is lost. How
    /// many frames, per ordered pair (in the order of their first lost
    /// frame's arrival).
    pub fn forget_node(&mut self, id: NodeId) -> Vec<(NodeId, NodeId, usize)> {
        let mut lost: Vec<(NodeId, NodeId, usize)> = Vec::new();
        self.in_flight.retain(|q| {
            let (from, to) = (q.flight.from, q.flight.to);
            if from != id && to != id {
                return true;
            }
            match lost.iter_mut().find(|l| (l.0, l.1) == (from, to)) {
                Some(l) => l.2 += 1,
                None => lost.push((from, to, 1)),
            }
            false
        });
        self.last_arrival.retain(|(a, b), _| *a != id && *b != id);
        lost
    }

    /// Cuts the link `a`-`b`: what is on it is lost (how many frames is
    /// returned), and it carries nothing until `heal`.
    pub fn cut(&mut self, a: NodeId, b: NodeId) -> usize {
        let before = self.in_flight.len();
        self.in_flight
            .retain(|q| pair(q.flight.from, q.flight.to) != pair(a, b));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn send(net: &mut Network, now: u64, from: NodeId, to: NodeId, tag: u8) -> Option<u64> {
        net.send(now, from, to, Atom::new_uninterned("n"), vec![tag])
    }

    fn arrivals(net: &mut Network, now: u64) -> Vec<(NodeId, u8)> {
        std::iter::from_fn(|| net.next_due(now))
            .map(|f| (f.to, f.bytes[0]))
            .collect()
    }

    #[test]
    fn frames_arrive_by_time_then_sending_order() {
        let mut net = Network::default();
        net.set_latency(0, 1, 500);
        assert_eq!(send(&mut net, 0, 0, 1, 1), Some(500));
        assert_eq!(send(&mut net, 10, 0, 2, 2), Some(30));
        // same arrival time as frame 2, sent later: arrives after it
        assert_eq!(send(&mut net, 10, 2, 0, 3), Some(30));
        assert_eq!(net.next_arrival(), Some(30));
        assert_eq!(arrivals(&mut net, 29), []);
        assert_eq!(arrivals(&mut net, 30), [(2, 2), (0, 3)]);
        // a link sped up never lets a frame overtake one sent before it
        net.set_latency(0, 1, DEFAULT_LATENCY_US);
        assert_eq!(send(&mut net, 40, 1, 0, 4), Some(60));
        assert_eq!(send(&mut net, 40, 0, 1, 5), Some(500));
        assert_eq!(arrivals(&mut net, 1000), [(0, 4), (1, 1), (1, 5)]);
        assert_eq!(net.next_arrival(), None);
    }

    #[test]
    fn cuts_and_dead_nodes_lose_what_is_on_the_way() {
        let mut net = Network::default();
        send(&mut net, 0, 0, 1, 1);
        send(&mut net, 0, 1, 0, 2);
        send(&mut net, 0, 1, 2, 3);
        send(&mut net, 0, 2, 0, 4);
        assert_eq!(net.cut(1, 0), 2);
        assert!(net.is_cut(0, 1));
        assert_eq!(send(&mut net, 0, 0, 1, 5), None);
        send(&mut net, 0, 0, 2, 7);
        assert_eq!(net.forget_node(2), [(1, 2, 1), (2, 0, 1), (0, 2, 1)]);
        assert_eq!(net.forget_node(2), []);
        assert_eq!(arrivals(&mut net, 100), []);
        assert!(net.heal(0, 1));
        assert!(!net.heal(0, 1));
        assert_eq!(send(&mut net, 100, 0, 1, 6), Some(120));
        assert_eq!(arrivals(&mut net, 120), [(1, 6)]);
    }
}
