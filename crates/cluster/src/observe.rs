//! What the UI and tests see of a World (issue 4): snapshots of its
//! nodes, links and services, and a stream of events, both deterministic
//! for a seed. Terms are printed as the console of the node they are on
//! prints them.
use std::ops::Range;

use beamplay_vm::{FrameSummary, ProcessView, Trace};

use crate::{NodeId, World};

/// One event of the stream, at World time `at_us`.
#[derive(Debug, Clone)]
pub struct Event {
    pub at_us: u64,
    pub what: EventKind,
}

#[derive(Debug, Clone)]
pub enum EventKind {
    /// Something on a node: spawn, exit, send, deliver, register,
    /// nodeup/nodedown as it sees them, a service's change, output.
    Node(NodeId, Trace),
    /// A frame put on the link, arriving at `arrives_us`: its control
    /// message and what that carries, printed.
    FrameSent {
        from: NodeId,
        to: NodeId,
        bytes: usize,
        summary: FrameSummary,
        arrives_us: u64,
    },
    FrameDelivered {
        from: NodeId,
        to: NodeId,
        bytes: usize,
    },
    /// Lost: sent over a cut link, or on it when it was cut (`count`).
    FramesDropped {
        from: NodeId,
        to: NodeId,
        count: usize,
    },
    Killed(NodeId),
    Restarted(NodeId),
    Cut(NodeId, NodeId),
    Healed(NodeId, NodeId),
    Latency(NodeId, NodeId, u64),
}

/// The whole World at one instant.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub now_us: u64,
    pub nodes: Vec<NodeSnapshot>,
    /// Every pair of nodes, once.
    pub links: Vec<LinkSnapshot>,
}

#[derive(Debug, Clone, Default)]
pub struct NodeSnapshot {
    pub id: NodeId,
    pub name: String,
    /// Started hidden (`--hidden`).
    pub hidden: bool,
    pub alive: bool,
    /// Taken out of the World (`@remove`): the views leave it out.
    pub removed: bool,
    pub creation: u32,
    /// Nodes it is connected to, in the order the connections came up.
    pub connected: Vec<String>,
    /// Locally registered names: (name, pid).
    pub registered: Vec<(String, String)>,
    /// The global names as this node's global_name_server has them:
    /// (name, pid, node of the pid); sides of a partition disagree.
    pub global_names: Vec<(String, String, String)>,
    pub locks: Vec<LockSnapshot>,
    /// :pg groups (scope, group) and :pg2 groups (scope `:pg2`).
    pub groups: Vec<GroupSnapshot>,
    /// The processes shown: all, or the rows of the pid-ordered list a
    /// snapshot asked for, from row `rows_from`.
    pub processes: Vec<ProcessView>,
    pub rows_from: usize,
    /// How many processes the node runs.
    pub process_count: usize,
    /// Frames refused as malformed.
    pub frames_rejected: u64,
}

#[derive(Debug, Clone)]
pub struct LockSnapshot {
    pub resource: String,
    pub requester: String,
    pub holders: Vec<String>,
    /// Processes (of any node) waiting in `set_lock` for this resource,
    /// in the order they began to wait.
    pub waiters: Vec<WaiterSnapshot>,
}

/// A process retrying `:global.set_lock`: global keeps no queue, each
/// waiter tries again after a random sleep that grows with its attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct WaiterSnapshot {
    pub pid: String,
    /// Attempts made so far.
    pub attempts: u64,
    /// World time (µs) of its next attempt.
    pub retry_at_us: u64,
}

#[derive(Debug, Clone)]
pub struct GroupSnapshot {
    pub scope: String,
    pub name: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct LinkSnapshot {
    pub a: NodeId,
    pub b: NodeId,
    /// Both ends see the connection up.
    pub connected: bool,
    pub cut: bool,
    pub latency_ms: f64,
}

impl World {
    /// Starts or stops the event stream; stopping drops what was not taken.
    pub fn set_tracing(&mut self, on: bool) {
        self.trace = on.then(Vec::new);
        for n in self.nodes.iter_mut().flatten() {
            n.set_tracing(on);
        }
    }

    pub fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// The events since the last call, in time order.
    pub fn take_trace(&mut self) -> Vec<Event> {
        let mut out = self.trace.as_mut().map(std::mem::take).unwrap_or_default();
        for (id, n) in self.nodes.iter_mut().enumerate() {
            if let Some(n) = n {
                out.extend(n.take_trace().into_iter().map(|(at_us, t)| Event {
                    at_us,
                    what: EventKind::Node(id, t),
                }));
            }
        }
        beamplay_term::sort::sort_by(&mut out, |a, b| a.at_us.cmp(&b.at_us));
        out
    }

    /// Records a World event if the stream is on.
    pub(crate) fn traced(&mut self, what: impl FnOnce() -> EventKind) {
        let at_us = self.now_us();
        if let Some(t) = self.trace.as_mut() {
            t.push(Event {
                at_us,
                what: what(),
            });
        }
    }

    /// Everything the UI shows, now.
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_rows(|_| 0..usize::MAX)
    }

    /// [`World::snapshot`] with, for each node, only the process views of
    /// `rows(node)` in its pid-ordered list; `process_count` still counts
    /// all.
    pub fn snapshot_rows(&self, rows: impl Fn(NodeId) -> Range<usize>) -> Snapshot {
        // every node's waiters, printed by the node whose view shows them
        let waiters: Vec<_> = self
            .nodes
            .iter()
            .flatten()
            .flat_map(|n| n.services().lock_waiters.iter())
            .collect();
        let nodes = self
            .slots
            .iter()
            .enumerate()
            .map(|(id, slot)| match self.node(id) {
                None => NodeSnapshot {
                    id,
                    name: slot.name.as_str().to_string(),
                    hidden: slot.hidden,
                    removed: slot.removed,
                    creation: slot.creation,
                    ..NodeSnapshot::default()
                },
                Some(n) => {
                    let show = |t: &beamplay_term::Term| n.view_plain(t);
                    let rows = rows(id);
                    let rows_from = rows.start.min(n.process_count());
                    let processes = n.process_views_rows(rows);
                    NodeSnapshot {
                        id,
                        name: slot.name.as_str().to_string(),
                        hidden: slot.hidden,
                        alive: true,
                        removed: false,
                        creation: slot.creation,
                        connected: n
                            .connected()
                            .iter()
                            .map(|a| a.as_str().to_string())
                            .collect(),
                        registered: n
                            .registered_pids()
                            .iter()
                            .map(|(a, pid)| (a.as_str().to_string(), show(pid)))
                            .collect(),
                        global_names: n
                            .services()
                            .global_names
                            .iter()
                            .map(|(k, p)| {
                                let node = match p {
                                    beamplay_term::Term::Pid(d) => d.node.as_str().to_string(),
                                    _ => String::new(),
                                };
                                (show(k), show(p), node)
                            })
                            .collect(),
                        locks: n
                            .services()
                            .locks
                            .iter()
                            .map(|l| LockSnapshot {
                                waiters: waiters
                                    .iter()
                                    .filter(|w| w.resource == l.resource)
                                    .map(|w| WaiterSnapshot {
                                        pid: show(&w.pid),
                                        attempts: w.attempts,
                                        retry_at_us: w.retry_at_us,
                                    })
                                    .collect(),
                                resource: show(&l.resource),
                                requester: show(&l.requester),
                                holders: l.holders.iter().map(show).collect(),
                            })
                            .collect(),
                        groups: n
                            .services()
                            .groups
                            .iter()
                            .filter(|g| !n.is_dead_local(&g.server))
                            .map(|g| GroupSnapshot {
                                scope: show(&g.scope),
                                name: show(&g.name),
                                members: g.members.iter().map(show).collect(),
                            })
                            .collect(),
                        processes,
                        rows_from,
                        process_count: n.process_count(),
                        frames_rejected: n.frames_rejected(),
                    }
                }
            })
            .collect();
        let mut links = Vec::new();
        for a in 0..self.slots.len() {
            for b in a + 1..self.slots.len() {
                if self.slots[a].removed || self.slots[b].removed {
                    continue;
                }
                let sees = |x: NodeId, y: NodeId| {
                    self.node(x)
                        .is_some_and(|n| n.is_connected(&self.slots[y].name))
                };
                links.push(LinkSnapshot {
                    a,
                    b,
                    connected: sees(a, b) && sees(b, a),
                    cut: self.is_cut(a, b),
                    latency_ms: self.latency_ms(a, b),
                });
            }
        }
        Snapshot {
            now_us: self.now_us(),
            nodes,
            links,
        }
    }
}
