//! A room of Worlds in one process: every node in a World of its own, as
//! in a tab of its own, the Worlds reaching each other only through their
//! [`Port`]s and a channel of encoded envelopes (transport.rs). The
//! channel delivers each frame after its link's latency, in order per
//! pair of nodes; it carries nothing over a cut link. The Worlds share
//! one virtual time, moved together in steps of at most [`STEP_US`]
//! while anything is under way, so a room gives the same transcript on
//! every run. It answers to the console driver's commands (lines for a
//! node, faults) with its nodes numbered as they were started, so the
//! scenario runner drives it as it drives one World.
use std::collections::{HashMap, HashSet, VecDeque};

use beamplay_vm::PreludeError;

use crate::driver::{Driver, Said, SubmitError, Submitted};
use crate::fault::Fault;
use crate::net::DEFAULT_LATENCY_US;
use crate::transport::{Envelope, Kind, Port};
use crate::NodeId;

/// How far the Worlds' clocks move at a time while frames are on their
/// way or nodes compute.
pub const STEP_US: u64 = 50;

/// The room id of a room in one process.
pub const ROOM: &str = "local";

/// A World of the room: its one node is the room's node of the same index.
struct Tab {
    driver: Driver,
    port: Port,
}

/// An envelope on its way.
struct Posted {
    due_us: u64,
    from: NodeId,
    bytes: Vec<u8>,
}

pub struct Room {
    tabs: Vec<Tab>,
    channel: VecDeque<Posted>,
    /// Links cut, by the lower node first.
    cuts: HashSet<(NodeId, NodeId)>,
    /// One-way latencies set, by the lower node first.
    latency: HashMap<(NodeId, NodeId), u64>,
    /// Whether a World did something in the last step.
    busy: bool,
    /// The next frame from this node is lost.
    lose_from: Option<NodeId>,
}

fn pair(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    (a.min(b), a.max(b))
}

impl Room {
    /// A room with a World for each of `nodes` and of the `hidden` nodes
    /// after them, the first seeded by `seed`, each next one by the next
    /// number. Its nodes know each other from the start, as nodes that
    /// said hello.
    pub fn new(seed: u64, nodes: &[String], hidden: &[String]) -> Result<Room, PreludeError> {
        let mut room = Room {
            tabs: Vec::new(),
            channel: VecDeque::new(),
            cuts: HashSet::new(),
            latency: HashMap::new(),
            busy: false,
            lose_from: None,
        };
        let all = nodes.iter().map(|n| (n, false));
        for (i, (name, is_hidden)) in all.chain(hidden.iter().map(|n| (n, true))).enumerate() {
            let mut driver = Driver::new(seed.wrapping_add(i as u64))?;
            if is_hidden {
                driver.world_mut().add_hidden_node(name);
            } else {
                driver.world_mut().add_node(name);
            }
            room.tabs.push(Tab {
                driver,
                port: Port::new(ROOM),
            });
        }
        room.pump(true);
        Ok(room)
    }

    /// Node `id`'s full name while it runs.
    fn node_name(&self, id: NodeId) -> Option<beamplay_term::Atom> {
        Some(self.tabs.get(id)?.driver.world().node(0)?.name().clone())
    }

    /// Node `id`'s port: what it sent, took and refused.
    pub fn port(&self, id: NodeId) -> Option<&Port> {
        self.tabs.get(id).map(|t| &t.port)
    }

    /// Puts `bytes` on the channel as if node `id`'s World sent them:
    /// what a misbehaving peer may send, for a host to try.
    pub fn inject(&mut self, id: NodeId, bytes: Vec<u8>) {
        let now = self.now_us();
        self.busy = true;
        self.post(now, id, bytes);
    }

    /// The next frame node `id` sends is lost on the way, as frames are
    /// when a transport fails under a connection.
    pub fn lose_next_frame(&mut self, id: NodeId) {
        self.lose_from = Some(id);
    }

    /// The room's earliest clock.
    pub fn now_us(&self) -> u64 {
        self.tabs
            .iter()
            .map(|t| t.driver.world().now_us())
            .min()
            .unwrap_or(0)
    }

    /// The room's node named `name` (`node1` or `node1@localhost`).
    pub fn find(&self, name: &str) -> Option<NodeId> {
        self.tabs
            .iter()
            .position(|t| t.driver.world().find(name) == Some(0))
    }

    /// Node `id`'s World.
    pub fn world(&self, id: NodeId) -> Option<&crate::World> {
        self.tabs.get(id).map(|t| t.driver.world())
    }

    fn latency_us(&self, a: NodeId, b: NodeId) -> u64 {
        self.latency
            .get(&pair(a, b))
            .copied()
            .unwrap_or(DEFAULT_LATENCY_US)
    }

    /// Moves what the Worlds sent onto the channel, and what has arrived
    /// (everything, if `all`) to its World, until nothing more moves.
    fn pump(&mut self, all: bool) {
        loop {
            let now = self.now_us();
            for from in 0..self.tabs.len() {
                let tab = &mut self.tabs[from];
                for bytes in tab.port.outgoing(tab.driver.world_mut()) {
                    self.post(now, from, bytes);
                }
            }
            let Some(at) = self.channel.iter().position(|p| all || p.due_us <= now) else {
                return;
            };
            let Some(p) = self.channel.remove(at) else {
                return;
            };
            self.busy = true;
            self.deliver(p);
        }
    }

    /// Puts an envelope from node `from` on the channel: a frame after
    /// its link's latency, and never before one sent earlier on the same
    /// pair; a frame over a cut link fails its sender's connection at
    /// once, as in one World.
    fn post(&mut self, now: u64, from: NodeId, bytes: Vec<u8>) {
        let to = Envelope::decode(&bytes)
            .ok()
            .filter(|e| e.kind == Kind::Frame)
            .and_then(|e| Some((self.find(&e.to)?, e)));
        if to.is_some() && self.lose_from == Some(from) {
            self.lose_from = None;
            return;
        }
        let due_us = match &to {
            Some((to, env)) if self.cuts.contains(&pair(from, *to)) => {
                self.tabs[from]
                    .driver
                    .world_mut()
                    .peer_link_lost(&env.from, &env.to);
                return;
            }
            Some((to, _)) => {
                let last = self
                    .channel
                    .iter()
                    .filter(|p| p.from == from)
                    .map(|p| p.due_us)
                    .max()
                    .unwrap_or(0);
                (now + self.latency_us(from, *to)).max(last)
            }
            None => now,
        };
        let at = self.channel.partition_point(|p| p.due_us <= due_us);
        self.channel.insert(
            at,
            Posted {
                due_us,
                from,
                bytes,
            },
        );
    }

    /// Hands an envelope to every World but its sender's: each port keeps
    /// what is for its node.
    fn deliver(&mut self, p: Posted) {
        for at in (0..self.tabs.len()).filter(|at| *at != p.from) {
            let tab = &mut self.tabs[at];
            // refused bytes are counted by the port
            if let Ok(answers) = tab.port.incoming(tab.driver.world_mut(), &p.bytes) {
                let now = tab.driver.world().now_us();
                for bytes in answers {
                    self.post(now, at, bytes);
                }
            }
        }
    }

    /// Lets up to `ms` of virtual time pass in every World together, until
    /// `until`, which sees the room after each move, says stop; true if
    /// it did.
    pub fn run_for(&mut self, ms: u64, until: &mut dyn FnMut(&mut Room) -> bool) -> bool {
        let end = self.now_us().saturating_add(ms.saturating_mul(1000));
        loop {
            let now = self.now_us();
            if now >= end {
                return false;
            }
            // nothing under way: straight to the next timer
            let target = if self.busy || !self.channel.is_empty() {
                now + STEP_US
            } else {
                self.tabs
                    .iter()
                    .filter_map(|t| t.driver.world().next_timer_due())
                    .min()
                    .unwrap_or(end)
                    .max(now + 1)
            }
            .min(end);
            self.busy = false;
            for at in 0..self.tabs.len() {
                let mut target = target;
                while self.tabs[at].driver.world_mut().advance_toward(target) {
                    self.busy = true;
                    self.pump(false);
                    if until(self) {
                        return true;
                    }
                    // a World waiting for a frame on its way stops at its
                    // arrival, not past it
                    if let Some(due) = self.channel.front().map(|p| p.due_us) {
                        target = target.min(due.max(self.tabs[at].driver.world().now_us()));
                    }
                }
            }
            self.pump(false);
            if until(self) {
                return true;
            }
        }
    }

    /// A line typed for a node (`node2> expr`) or a fault command, as
    /// [`Driver::command`] takes them.
    pub fn command(&mut self, text: &str) -> Result<Submitted, SubmitError> {
        // a line or a fault sets things going: time moves in steps again
        self.busy = true;
        if let Some(fault) = Fault::parse_with(&|name| self.find(name), text) {
            let fault = fault.map_err(SubmitError::Fault)?;
            self.apply(fault);
            return Ok(Submitted::Fault(fault));
        }
        let Some((name, _)) = text.split_once("> ") else {
            return Err(SubmitError::NotACommand);
        };
        let Some(id) = self.find(name).or_else(|| {
            self.tabs
                .iter()
                .position(|t| t.driver.world().find_removed(name).is_some())
        }) else {
            return Err(SubmitError::NoSuchNode(name.to_string()));
        };
        let local = |r: NodeId| if r == 0 { id } else { r };
        match self.tabs[id].driver.command(text) {
            Ok(Submitted::Line(r)) => Ok(Submitted::Line(local(r))),
            Ok(Submitted::Queued(r)) => Ok(Submitted::Queued(local(r))),
            Err(SubmitError::Busy(r)) => Err(SubmitError::Busy(local(r))),
            other => other,
        }
    }

    /// A fault, across Worlds: a node killed, restarted or removed is
    /// said goodbye for (and hello again) by its World's port; a cut link
    /// carries nothing and both its nodes see their connection close.
    pub fn apply(&mut self, fault: Fault) {
        match fault {
            Fault::Kill(id) | Fault::Remove(id) | Fault::Restart(id) => {
                let local = match fault {
                    Fault::Kill(_) => Fault::Kill(0),
                    Fault::Remove(_) => Fault::Remove(0),
                    _ => Fault::Restart(0),
                };
                self.tabs[id].driver.world_mut().apply(local);
            }
            Fault::Disconnect(a, b) => {
                self.cuts.insert(pair(a, b));
                // what is on the link is lost
                let between = |r: &Room, p: &Posted| {
                    Envelope::decode(&p.bytes).is_ok_and(|e| {
                        e.kind == Kind::Frame
                            && r.find(&e.to)
                                .is_some_and(|to| pair(p.from, to) == pair(a, b))
                    })
                };
                let channel = std::mem::take(&mut self.channel);
                self.channel = channel.into_iter().filter(|p| !between(self, p)).collect();
                for (x, y) in [(a, b), (b, a)] {
                    if let (Some(local), Some(peer)) = (self.node_name(x), self.node_name(y)) {
                        self.tabs[x]
                            .driver
                            .world_mut()
                            .peer_link_lost(local.as_str(), peer.as_str());
                    }
                }
            }
            Fault::Heal(a, b) => {
                self.cuts.remove(&pair(a, b));
            }
            Fault::Latency(a, b, ms) => {
                self.latency.insert(pair(a, b), ms.saturating_mul(1000));
            }
        }
        self.pump(false);
    }

    /// What the consoles said since the last call, by the room's node
    /// numbers.
    pub fn take_said(&mut self) -> Vec<Said> {
        let mut said = Vec::new();
        for (id, tab) in self.tabs.iter_mut().enumerate() {
            said.extend(tab.driver.take_said().into_iter().map(|s| match s {
                Said::Line(_, line) => Said::Line(id, line),
                Said::Abandoned(_) => Said::Abandoned(id),
            }));
        }
        said
    }

    /// Node `id`'s short name.
    pub fn name(&self, id: NodeId) -> Option<String> {
        self.tabs.get(id)?.driver.name(0)
    }
}
