//! A room of Worlds in one process: every node in a World of its own, as
//! in a tab of its own, the Worlds reaching each other only through their
//! [`Port`]s and a channel of encoded envelopes (transport.rs). The
//! channel delivers each frame after its link's latency, in order per
//! pair of nodes; it carries nothing over a cut link. A room is what a
//! console driver drives ([`Nodes`]), its nodes numbered as they were
//! started: in virtual time the Worlds move together, in steps of at most
//! [`STEP_US`] while anything is under way, so a room gives the same
//! transcript on every run; in real time each follows the wall clock.
use std::collections::{HashMap, HashSet, VecDeque};

use beamplay_vm::{ConsoleEvent, Node};

use crate::fault::Fault;
use crate::net::DEFAULT_LATENCY_US;
use crate::transport::{Kind, Port, View};
use crate::{NodeId, Nodes, StartError, World};

/// How far the Worlds' clocks move at a time while frames are on their
/// way or nodes compute.
pub const STEP_US: u64 = 50;

/// The room id of a room in one process.
pub const ROOM: &str = "local";

/// A World of the room: its one node is the room's node of the same index.
struct Tab {
    world: World,
    port: Port,
}

/// An envelope on its way.
struct Posted {
    due_us: u64,
    from: NodeId,
    /// The node a frame is for; none for a Hello or a Bye.
    to: Option<NodeId>,
    bytes: Vec<u8>,
}

pub struct Room {
    tabs: Vec<Tab>,
    /// By arrival time, then by posting order.
    channel: VecDeque<Posted>,
    /// Links cut, by the lower node first.
    cuts: HashSet<(NodeId, NodeId)>,
    /// One-way latencies set, by the lower node first.
    latency: HashMap<(NodeId, NodeId), u64>,
    /// Whether a World did something in the last step.
    busy: bool,
    /// The next frame from this node is lost.
    lose_from: Option<NodeId>,
    /// When the last envelope posted by a node arrives, by the node it is
    /// for (a frame) or none (a Hello or Bye).
    last_due: HashMap<(NodeId, Option<NodeId>), u64>,
}

fn pair(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    (a.min(b), a.max(b))
}

impl Room {
    /// A room with a World for each of `nodes` and of the `hidden` nodes
    /// after them, the first seeded by `seed`, each next one by the next
    /// number; names are checked as `--sname` checks them, and one name
    /// in two Worlds is taken. Its nodes know each other from the start,
    /// as nodes that said hello.
    pub fn new(seed: u64, nodes: &[String], hidden: &[String]) -> Result<Room, StartError> {
        let mut room = Room {
            tabs: Vec::new(),
            channel: VecDeque::new(),
            cuts: HashSet::new(),
            latency: HashMap::new(),
            busy: false,
            lose_from: None,
            last_due: HashMap::new(),
        };
        let all = nodes.iter().map(|n| (n, false));
        for (i, (name, is_hidden)) in all.chain(hidden.iter().map(|n| (n, true))).enumerate() {
            let mut world = World::new(seed.wrapping_add(i as u64)).map_err(StartError::Prelude)?;
            world.check_name(name).map_err(StartError::AddNode)?;
            if let Some(other) = Nodes::find(&room, name).and_then(|id| room.slot_name(id)) {
                return Err(StartError::AddNode(crate::AddNodeError::Taken(other)));
            }
            if is_hidden {
                world.add_hidden_node(name);
            } else {
                world.add_node(name);
            }
            room.tabs.push(Tab {
                world,
                port: Port::new(ROOM),
            });
        }
        room.pump(true);
        Ok(room)
    }

    /// Node `id`'s port: what it sent, took and refused.
    pub fn port(&self, id: NodeId) -> Option<&Port> {
        self.tabs.get(id).map(|t| &t.port)
    }

    /// Puts `bytes` on the channel as if node `id`'s World sent them:
    /// what a misbehaving peer may send, for a host to try.
    pub fn inject(&mut self, id: NodeId, bytes: Vec<u8>) {
        self.busy = true;
        self.post(id, bytes);
    }

    /// The next frame node `id` sends is lost on the way, as frames are
    /// when a transport fails under a connection.
    pub fn lose_next_frame(&mut self, id: NodeId) {
        self.lose_from = Some(id);
    }

    /// Node `id`'s full name while it runs.
    fn node_name(&self, id: NodeId) -> Option<beamplay_term::Atom> {
        Some(self.tabs.get(id)?.world.node(0)?.name().clone())
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
            for from in 0..self.tabs.len() {
                let tab = &mut self.tabs[from];
                for bytes in tab.port.outgoing(&mut tab.world) {
                    self.post(from, bytes);
                }
            }
            let now = Nodes::now_us(self);
            // the channel is in arrival order
            if !self.channel.front().is_some_and(|p| all || p.due_us <= now) {
                return;
            }
            let Some(p) = self.channel.pop_front() else {
                return;
            };
            self.busy = true;
            self.deliver(p);
        }
    }

    /// Puts an envelope from node `from` on the channel, at its World's
    /// time: a frame after its link's latency and never before one sent
    /// earlier on the same pair, a Hello or Bye after everything its
    /// World sent before; a frame over a cut link fails its sender's
    /// connection at once, as in one World.
    fn post(&mut self, from: NodeId, bytes: Vec<u8>) {
        let Some(now) = self.tabs.get(from).map(|t| t.world.now_us()) else {
            return;
        };
        let view = View::of(&bytes).ok();
        let to = view
            .filter(|v| v.kind == Kind::Frame)
            .and_then(|v| Nodes::find(self, v.to));
        if to.is_some() && self.lose_from == Some(from) {
            self.lose_from = None;
            return;
        }
        if let (Some(to), Some(v)) = (to, view) {
            if self.cuts.contains(&pair(from, to)) {
                let (local, peer) = (v.from.to_string(), v.to.to_string());
                self.tabs[from].world.peer_unreachable(&local, &peer);
                return;
            }
        }
        // a frame after the last on its pair, a Hello or Bye after all
        let last = match to {
            Some(_) => self.last_due.get(&(from, to)).copied(),
            None => self
                .last_due
                .iter()
                .filter(|((f, _), _)| *f == from)
                .map(|(_, due)| *due)
                .max(),
        }
        .unwrap_or(0);
        let latency = to.map_or(0, |to| self.latency_us(from, to));
        let due_us = now.saturating_add(latency).max(last);
        self.last_due.insert((from, to), due_us);
        let at = self.channel.partition_point(|p| p.due_us <= due_us);
        self.channel.insert(
            at,
            Posted {
                due_us,
                from,
                to,
                bytes,
            },
        );
    }

    /// Hands a frame to its node's World, a Hello or Bye (or what is no
    /// envelope) to every World but its sender's, as a broadcast channel
    /// does (a port ignores frames for nodes it does not have).
    fn deliver(&mut self, p: Posted) {
        let (first, end) = match p.to {
            Some(to) => (to, to + 1),
            None => (0, self.tabs.len()),
        };
        for at in (first..end).filter(|at| *at != p.from) {
            let tab = &mut self.tabs[at];
            // refused bytes are counted by the port
            if let Ok(answers) = tab.port.incoming(&mut tab.world, &p.bytes) {
                for bytes in answers {
                    self.post(at, bytes);
                }
            }
        }
    }

    /// Both ends of the link `a`-`b` start numbering its frames afresh.
    fn forget_pair(&mut self, a: NodeId, b: NodeId) {
        let (Some(an), Some(bn)) = (self.slot_name(a), self.slot_name(b)) else {
            return;
        };
        for id in [a, b] {
            if let Some(t) = self.tabs.get_mut(id) {
                t.port.forget_pair(&an, &bn);
            }
        }
    }
}

impl Nodes for Room {
    fn node(&self, id: NodeId) -> Option<&Node> {
        self.tabs.get(id)?.world.node(0)
    }

    fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.tabs.get_mut(id)?.world.node_mut(0)
    }

    fn node_ids(&self) -> Vec<NodeId> {
        (0..self.tabs.len()).collect()
    }

    fn slot_name(&self, id: NodeId) -> Option<String> {
        self.tabs.get(id)?.world.slot_name(0)
    }

    fn find(&self, name: &str) -> Option<NodeId> {
        self.tabs.iter().position(|t| t.world.find(name) == Some(0))
    }

    fn find_removed(&self, name: &str) -> Option<NodeId> {
        self.tabs
            .iter()
            .position(|t| t.world.find_removed(name) == Some(0))
    }

    fn is_removed(&self, id: NodeId) -> bool {
        self.tabs.get(id).is_some_and(|t| t.world.is_removed(0))
    }

    /// A fault, across Worlds: a node killed, restarted or removed is
    /// said goodbye for (and hello again) by its World's port; a cut link
    /// carries nothing and both its nodes see their connection close.
    fn apply(&mut self, fault: Fault) {
        self.busy = true;
        match fault {
            Fault::Kill(id) | Fault::Remove(id) | Fault::Restart(id) => {
                let local = match fault {
                    Fault::Kill(_) => Fault::Kill(0),
                    Fault::Remove(_) => Fault::Remove(0),
                    _ => Fault::Restart(0),
                };
                // what it sent and what was coming to it is lost with it
                self.channel
                    .retain(|p| p.to.is_none() || (p.from != id && p.to != Some(id)));
                if let Some(t) = self.tabs.get_mut(id) {
                    t.world.apply(local);
                }
            }
            Fault::Disconnect(a, b) => {
                self.cuts.insert(pair(a, b));
                // what is on the link is lost
                self.channel
                    .retain(|p| p.to.is_none_or(|to| pair(p.from, to) != pair(a, b)));
                self.forget_pair(a, b);
                for (x, y) in [(a, b), (b, a)] {
                    if let (Some(local), Some(peer)) = (self.node_name(x), self.node_name(y)) {
                        self.tabs[x]
                            .world
                            .peer_link_lost(local.as_str(), peer.as_str());
                    }
                }
            }
            Fault::Heal(a, b) => {
                // what was sent over the cut was lost: numbering starts again
                self.cuts.remove(&pair(a, b));
                self.forget_pair(a, b);
            }
            Fault::Latency(a, b, ms) => {
                self.latency.insert(pair(a, b), ms.saturating_mul(1000));
            }
        }
        self.pump(false);
    }

    fn take_events(&mut self) -> Vec<(NodeId, ConsoleEvent)> {
        let mut events = Vec::new();
        for (id, tab) in self.tabs.iter_mut().enumerate() {
            events.extend(tab.world.take_events().into_iter().map(|(_, e)| (id, e)));
        }
        events
    }

    /// The room's earliest clock.
    fn now_us(&self) -> u64 {
        self.tabs
            .iter()
            .map(|t| t.world.now_us())
            .min()
            .unwrap_or(0)
    }

    /// One step of every World together: first what each can run now
    /// (up to [`STEP_US`] of computing), then the clocks, by at most
    /// [`STEP_US`] while frames are on their way or nodes compute, else
    /// straight to what is next due; no World moves past the arrival of
    /// a frame on its way to it by more than a step.
    fn advance_toward(&mut self, target_us: u64) -> bool {
        let now = Nodes::now_us(self);
        if now >= target_us {
            return false;
        }
        let limit = (now + STEP_US).min(target_us);
        for at in 0..self.tabs.len() {
            while self.tabs[at].world.now_us() < limit && self.tabs[at].world.step() {
                self.busy = true;
                self.pump(false);
            }
        }
        let mut to = if self.busy || !self.channel.is_empty() {
            now + STEP_US
        } else {
            self.tabs
                .iter()
                .filter_map(|t| t.world.next_timer_due())
                .min()
                .unwrap_or(target_us)
                .max(now + 1)
        }
        .min(target_us);
        self.busy = false;
        for at in 0..self.tabs.len() {
            if let Some(due) = self.channel.front().map(|p| p.due_us) {
                to = to.min(due.max(self.tabs[at].world.now_us()));
            }
            while self.tabs[at].world.advance_toward(to) {
                self.busy = true;
                self.pump(false);
                if let Some(due) = self.channel.front().map(|p| p.due_us) {
                    to = to.min(due.max(self.tabs[at].world.now_us()));
                }
            }
        }
        self.pump(false);
        true
    }

    fn set_realtime(&mut self, on: bool) {
        for t in &mut self.tabs {
            t.world.set_realtime(on);
        }
    }

    fn sync_clock(&mut self, now_us: u64) {
        for t in &mut self.tabs {
            t.world.sync_clock(now_us);
        }
        self.pump(false);
    }

    /// A slice of each World that has work.
    fn step(&mut self) -> bool {
        let mut any = false;
        for at in 0..self.tabs.len() {
            if self.tabs[at].world.step() {
                any = true;
                self.pump(false);
            }
        }
        any
    }

    fn next_timer_due(&self) -> Option<u64> {
        self.tabs
            .iter()
            .filter_map(|t| t.world.next_timer_due())
            .chain(self.channel.front().map(|p| p.due_us))
            .min()
    }
}
