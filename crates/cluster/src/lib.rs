//! The World: nodes, the network between them, a virtual clock and a
//! seeded RNG. Everything is driven by `step`/`advance`, so tests and
//! scenarios run in virtual time, deterministically for a seed.
pub mod canon;
pub mod driver;
pub mod fault;
mod net;
pub mod observe;
pub mod room;
pub mod scenario;
pub mod session;
pub mod transport;

use std::cell::Cell;
use std::rc::Rc;

use beamplay_term::Atom;

use crate::fault::Fault;
use beamplay_vm::{ConsoleEvent, Epmd, FrameSummary, Node, NodeSpec, PreludeError, Runtime};

/// Atoms a World may hold (OTP's default is 1,048,576).
pub const ATOM_LIMIT: usize = 1_048_576;

/// Index of a node in its World.
pub type NodeId = usize;

/// How virtual time moves while processes compute: each reduction costs
/// this many nanoseconds. BEAM does 1-12 ns of work per reduction
/// (`F.fib(27)`: 1.6 ms; `Enum.map` over 200,000: 10 ms), so `:timer.tc`
/// prints figures of its order; and it is under what the interpreter
/// takes for one (15-80 ns), so a host that runs the World as real time
/// passes (the page) is held back by its computing, never by the clock
/// (at 50 ns, `F.fib(27)` could not end sooner than 42 ms in the page).
const NS_PER_REDUCTION: u64 = 5;

pub struct World {
    nodes: Vec<Option<Node>>,
    /// Every node ever added, alive or dead, so a killed node can come
    /// back (`restart`) with a new creation.
    slots: Vec<Slot>,
    /// The host's epmd: the names of the live nodes and their ports,
    /// newest first (`:net_adm.names/0`).
    epmd: Epmd,
    runtime: Runtime,
    clock: Rc<Cell<u64>>,
    seed: u64,
    next: usize,
    /// Sub-microsecond remainder of the computation cost.
    cost_ns: u64,
    /// Real-time mode: the host sets the clock (`sync_clock`); computing
    /// costs no virtual time.
    realtime: bool,
    net: net::Network,
    /// World events while the event stream is on (observe.rs).
    trace: Option<Vec<observe::Event>>,
    /// What the consoles of stepped nodes printed, in the order they
    /// printed it (`take_events`), so lines of several nodes reach a host
    /// in the order they happened however seldom it looks.
    console: Vec<(NodeId, ConsoleEvent)>,
    /// Nodes of other Worlds this one reaches through its host (tabs of a
    /// room, a relay's machines): their full names.
    peers: Vec<Atom>,
    /// Frames for them, oldest first, until the host takes them.
    outgoing: Vec<Outgoing>,
    /// The epmd port the next peer is listed with.
    next_peer_port: u16,
}

/// Nodes of other Worlds a World keeps at most: a room past it (or a
/// peer that makes up names) is refused.
pub const MAX_PEERS: usize = 1024;

/// What a console driver drives: one World, or a room of Worlds
/// (room.rs) whose nodes it numbers as one set. Hosts move time through
/// it ([`driver::Clock`]): in virtual time with `advance_toward`, in
/// real time with `sync_clock`, `step` and `next_timer_due`.
pub trait Nodes {
    fn node(&self, id: NodeId) -> Option<&Node>;
    fn node_mut(&mut self, id: NodeId) -> Option<&mut Node>;
    /// Every node ever started, alive or not.
    fn node_ids(&self) -> Vec<NodeId>;
    /// Node `id`'s full name, alive or dead.
    fn slot_name(&self, id: NodeId) -> Option<String>;
    /// The node (not removed) named `name` or `name@localhost`.
    fn find(&self, name: &str) -> Option<NodeId>;
    /// A removed node that was called `name`.
    fn find_removed(&self, name: &str) -> Option<NodeId>;
    fn is_removed(&self, id: NodeId) -> bool;
    fn is_alive(&self, id: NodeId) -> bool {
        self.node(id).is_some()
    }
    fn apply(&mut self, fault: Fault);
    /// What the consoles printed since the last call, in order.
    fn take_events(&mut self) -> Vec<(NodeId, ConsoleEvent)>;
    /// Virtual time in microseconds.
    fn now_us(&self) -> u64;
    /// One move of virtual time towards `target_us`; false once there.
    fn advance_toward(&mut self, target_us: u64) -> bool;
    /// Real-time mode: the host moves the clock with `sync_clock`.
    fn set_realtime(&mut self, on: bool);
    fn sync_clock(&mut self, now_us: u64);
    /// Runs what is runnable a little; false when nothing was.
    fn step(&mut self) -> bool;
    /// When something is next due (a timer, a frame), if anything is.
    fn next_timer_due(&self) -> Option<u64>;
}

impl Nodes for World {
    fn node(&self, id: NodeId) -> Option<&Node> {
        World::node(self, id)
    }
    fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        World::node_mut(self, id)
    }
    fn node_ids(&self) -> Vec<NodeId> {
        World::node_ids(self)
    }
    fn slot_name(&self, id: NodeId) -> Option<String> {
        World::slot_name(self, id)
    }
    fn find(&self, name: &str) -> Option<NodeId> {
        World::find(self, name)
    }
    fn find_removed(&self, name: &str) -> Option<NodeId> {
        World::find_removed(self, name)
    }
    fn is_removed(&self, id: NodeId) -> bool {
        World::is_removed(self, id)
    }
    fn apply(&mut self, fault: Fault) {
        World::apply(self, fault)
    }
    fn take_events(&mut self) -> Vec<(NodeId, ConsoleEvent)> {
        World::take_events(self)
    }
    fn now_us(&self) -> u64 {
        World::now_us(self)
    }
    fn advance_toward(&mut self, target_us: u64) -> bool {
        World::advance_toward(self, target_us)
    }
    fn set_realtime(&mut self, on: bool) {
        World::set_realtime(self, on)
    }
    fn sync_clock(&mut self, now_us: u64) {
        World::sync_clock(self, now_us)
    }
    fn step(&mut self) -> bool {
        World::step(self)
    }
    fn next_timer_due(&self) -> Option<u64> {
        World::next_timer_due(self)
    }
}

/// A frame between a node of this World and a node of another: what a
/// host carries between Worlds (transport.rs wraps it in an envelope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub from: Atom,
    pub to: Atom,
    pub bytes: Vec<u8>,
}

/// A node of the World, alive or dead.
#[derive(Clone)]
struct Slot {
    name: Atom,
    creation: u32,
    hidden: bool,
    /// Taken out of the World (`remove`): never restarted, not found by
    /// name.
    removed: bool,
}

/// Why a node cannot be added under a name a user gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddNodeError {
    /// Not a name `--sname` takes.
    Invalid(String),
    /// A host other than the World's `localhost`.
    OtherHost(String),
    /// A node (alive or dead, not removed) has it: its full name.
    Taken(String),
    /// The World reaches [`MAX_PEERS`] nodes of other Worlds already.
    TooManyPeers,
}

impl std::fmt::Display for AddNodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AddNodeError::Invalid(name) => write!(
                f,
                "Invalid node name! {}: a node's name is letters, digits, _ and -",
                beamplay_term::string_to_inspect(name.as_bytes())
            ),
            AddNodeError::OtherHost(name) => write!(
                f,
                "{name}: every node here runs on localhost (name it {})",
                name.split('@').next().unwrap_or(name)
            ),
            // OTP's words when epmd has the name already
            AddNodeError::TooManyPeers => {
                write!(f, "this node's room has {MAX_PEERS} other nodes already")
            }
            AddNodeError::Taken(name) => {
                write!(
                    f,
                    "the name {name} seems to be in use by another Erlang node"
                )
            }
        }
    }
}

impl std::error::Error for AddNodeError {}

/// Why nodes cannot start (a session's, a room's).
#[derive(Debug)]
pub enum StartError {
    /// The prelude does not compile: a bug in the playground.
    Prelude(PreludeError),
    /// One of the nodes asked for.
    AddNode(AddNodeError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Prelude(e) => e.fmt(f),
            StartError::AddNode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Prelude(e) => Some(e),
            StartError::AddNode(e) => Some(e),
        }
    }
}

impl World {
    /// A World with no nodes. Fails only if the prelude does not compile
    /// (a bug in the playground, reported with its file).
    pub fn new(seed: u64) -> Result<World, PreludeError> {
        Ok(World {
            nodes: Vec::new(),
            slots: Vec::new(),
            epmd: Rc::default(),
            runtime: Runtime::new(ATOM_LIMIT)?,
            clock: Rc::new(Cell::new(0)),
            seed,
            next: 0,
            cost_ns: 0,
            realtime: false,
            net: net::Network::default(),
            trace: None,
            console: Vec::new(),
            peers: Vec::new(),
            outgoing: Vec::new(),
            next_peer_port: 0,
        })
    }

    /// Checks a name a user gave a new node (`--nodes`, the page's "add
    /// node"), as `iex --sname` does: a short name of letters, digits, `_`
    /// and `-` (a host, if given, is this World's `localhost`) that no
    /// node of the World has.
    pub fn check_name(&self, name: &str) -> Result<(), AddNodeError> {
        let (short, host) = match name.split_once('@') {
            Some((short, host)) => (short, Some(host)),
            None => (name, None),
        };
        let valid = |s: &str| {
            !s.is_empty()
                && s.len() <= 200
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if !valid(short) || host.is_some_and(|h| !valid(h)) {
            return Err(AddNodeError::Invalid(name.to_string()));
        }
        if host.is_some_and(|h| h != "localhost") {
            return Err(AddNodeError::OtherHost(name.to_string()));
        }
        let full = format!("{short}@localhost");
        if self.find(short).is_some() || self.peers.iter().any(|p| p.as_str() == full) {
            return Err(AddNodeError::Taken(full));
        }
        Ok(())
    }

    /// A node of another World joined (a tab of the room, a machine of
    /// the relay): epmd lists it, and frames for it leave through
    /// [`World::take_outgoing`]. Its name is checked as a new node's is
    /// (a name this World has already is taken); returns its full name.
    pub fn peer_up(&mut self, name: &str) -> Result<Atom, AddNodeError> {
        self.check_name(name)?;
        if self.peers.len() >= MAX_PEERS {
            return Err(AddNodeError::TooManyPeers);
        }
        let short = name.split('@').next().unwrap_or(name);
        let atom = self.runtime.atom(&format!("{short}@localhost"));
        // a port from the range Linux hands out, a new one for each peer
        let port = 32768 + self.next_peer_port % 28000;
        self.next_peer_port = self.next_peer_port.wrapping_add(1);
        self.epmd.borrow_mut().insert(0, (atom.clone(), port));
        self.peers.push(atom.clone());
        Ok(atom)
    }

    /// A node of another World is gone (its tab closed or crashed, its
    /// machine left): as when a node's OS process dies, every node here
    /// that was connected to it sees the connection close.
    pub fn peer_down(&mut self, name: &Atom) {
        let before = self.peers.len();
        self.peers.retain(|p| p != name);
        if self.peers.len() == before {
            return;
        }
        self.epmd.borrow_mut().retain(|(n, _)| n != name);
        self.outgoing.retain(|o| &o.to != name);
        for n in self.nodes.iter_mut().flatten() {
            n.connection_lost(name);
        }
        self.carry();
    }

    /// The host broke the connection between node `local` here and node
    /// `peer` of another World (a gap in its frames, a frame too large to
    /// carry): both ends see it close, as with a reset TCP connection.
    pub fn peer_link_lost(&mut self, local: &str, peer: &str) {
        self.on_link(local, peer, Node::connection_broken);
    }

    /// A frame from node `local` here to node `peer` of another World
    /// cannot get through (a cut link): `local`'s connection fails at
    /// once, as a dial to an unreachable host does; nothing is sent.
    pub fn peer_unreachable(&mut self, local: &str, peer: &str) {
        self.on_link(local, peer, Node::connection_lost);
    }

    /// Tells node `local` (if it runs) what became of its link to `peer`.
    fn on_link(&mut self, local: &str, peer: &str, what: fn(&mut Node, &Atom)) {
        let peer = self.runtime.atom(peer);
        let local = self
            .nodes
            .iter_mut()
            .flatten()
            .find(|n| n.name().as_str() == local);
        if let Some(n) = local {
            what(n, &peer);
        }
        self.carry();
    }

    /// The nodes of other Worlds this one reaches, as they joined.
    pub fn peers(&self) -> &[Atom] {
        &self.peers
    }

    /// A frame from `from`, a node of another World, to `to`, a node of
    /// this one: handed over at once. False (and nothing done) if either
    /// is unknown here: the host counts it as refused.
    pub fn frame_from_peer(&mut self, from: &Atom, to: &Atom, bytes: &[u8]) -> bool {
        if !self.peers.contains(from) {
            return false;
        }
        let Some(node) = self.by_name(to).and_then(|id| self.nodes[id].as_mut()) else {
            return false;
        };
        node.frame_in(from, bytes);
        self.carry();
        true
    }

    /// The frames for nodes of other Worlds since the last call, oldest
    /// first.
    pub fn take_outgoing(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.outgoing)
    }

    /// Adds a node named `name@localhost` (or `name` if it has a host).
    pub fn add_node(&mut self, name: &str) -> NodeId {
        self.add(name, false)
    }

    /// Adds a hidden node (`elixir --hidden`): its connections show only in
    /// `Node.list(:hidden)`, they never make a mesh, and global and pg do
    /// not sync over them (OTP_SEMANTICS.md §1.5).
    pub fn add_hidden_node(&mut self, name: &str) -> NodeId {
        self.add(name, true)
    }

    fn add(&mut self, name: &str, hidden: bool) -> NodeId {
        let full = if name.contains('@') {
            name.to_string()
        } else {
            format!("{name}@localhost")
        };
        let id = self.nodes.len();
        let node = self.boot(&full, 1, id, hidden);
        self.slots.push(Slot {
            name: node.name().clone(),
            creation: 1,
            hidden,
            removed: false,
        });
        self.nodes.push(Some(node));
        id
    }

    /// A fresh node: the prelude loaded, registered with epmd, its
    /// logger, global name server, rex and (if it has a name) net_kernel
    /// running.
    fn boot(&self, full: &str, creation: u32, id: NodeId, hidden: bool) -> Node {
        let seed = self
            .seed
            .wrapping_add(id as u64 * 0x9E37_79B9)
            .wrapping_add(u64::from(creation - 1) << 32);
        let node = self.runtime.boot(NodeSpec {
            name: full,
            creation,
            seed,
            hidden,
            tracing: self.trace.is_some(),
            clock: self.clock.clone(),
            epmd: self.epmd.clone(),
        });
        // a port from the range Linux hands out, the same for a seed
        let port = 32768 + (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 48) as u16 % 28000;
        let mut epmd = self.epmd.borrow_mut();
        epmd.retain(|(n, _)| n != node.name());
        epmd.insert(0, (node.name().clone(), port));
        drop(epmd);
        node
    }

    /// Starts node `id` again, killing it first if it runs: a new
    /// creation, so pids of its earlier life stay dead; nothing of its
    /// state survives, and it connects to nobody until asked.
    pub fn restart(&mut self, id: NodeId) -> bool {
        let Some(slot) = self.slots.get(id).filter(|s| !s.removed).cloned() else {
            return false;
        };
        self.kill(id);
        let creation = slot.creation.wrapping_add(1).max(1);
        let node = self.boot(slot.name.as_str(), creation, id, slot.hidden);
        self.nodes[id] = Some(node);
        self.slots[id].creation = creation;
        self.traced(|| observe::EventKind::Restarted(id));
        true
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id).and_then(|n| n.as_ref())
    }

    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(id).and_then(|n| n.as_mut())
    }

    /// The full name of node `id`, alive or dead.
    pub fn slot_name(&self, id: NodeId) -> Option<String> {
        self.slots.get(id).map(|s| s.name.as_str().to_string())
    }

    /// The node called `name` (short or full), alive or dead, and not
    /// removed.
    pub fn find(&self, name: &str) -> Option<NodeId> {
        self.find_slot(name, false)
    }

    /// A removed node that was called `name`, so that a line for it can
    /// say it was removed rather than that there is no such node.
    pub(crate) fn find_removed(&self, name: &str) -> Option<NodeId> {
        self.find_slot(name, true)
    }

    fn find_slot(&self, name: &str, removed: bool) -> Option<NodeId> {
        self.slots.iter().position(|slot| {
            let full = slot.name.as_str();
            slot.removed == removed && (full == name || full.split('@').next() == Some(name))
        })
    }

    /// Whether node `id` was taken out of the World.
    pub fn is_removed(&self, id: NodeId) -> bool {
        self.slots.get(id).is_some_and(|s| s.removed)
    }

    /// Takes node `id` out of the World for good: killed if it runs,
    /// never restarted, and its name free for a new node. Its id is not
    /// reused.
    pub fn remove(&mut self, id: NodeId) {
        self.kill(id);
        if let Some(slot) = self.slots.get_mut(id) {
            slot.removed = true;
        }
    }

    /// Whether node `id` runs.
    pub fn is_alive(&self, id: NodeId) -> bool {
        self.node(id).is_some()
    }

    /// The live node whose full name is `name`.
    fn by_name(&self, name: &Atom) -> Option<NodeId> {
        self.nodes
            .iter()
            .position(|n| n.as_ref().is_some_and(|n| n.name() == name))
    }

    /// Kills a node: every process on it ends at once, what it had in
    /// flight is lost (`FramesDropped`, per ordered pair), and every peer
    /// sees its connection close.
    pub fn kill(&mut self, id: NodeId) {
        let Some(dead) = self.nodes.get_mut(id).and_then(Option::take) else {
            return;
        };
        let lost = self.net.forget_node(id);
        self.epmd.borrow_mut().retain(|(n, _)| n != dead.name());
        // what it had for other Worlds is lost with it
        self.outgoing.retain(|o| &o.from != dead.name());
        self.traced(|| observe::EventKind::Killed(id));
        for (from, to, count) in lost {
            self.traced(|| observe::EventKind::FramesDropped { from, to, count });
        }
        for n in self.nodes.iter_mut().flatten() {
            n.connection_lost(dead.name());
        }
        self.carry();
    }

    /// Cuts the link between two nodes: what is on it is lost, both see
    /// the connection close (as OTP does when a connection is taken
    /// down), and no connection between them can be made until `heal`.
    pub fn disconnect(&mut self, a: NodeId, b: NodeId) {
        if a == b {
            return;
        }
        let lost = self.net.cut(a, b);
        self.traced(|| observe::EventKind::Cut(a, b));
        if lost > 0 {
            self.traced(|| observe::EventKind::FramesDropped {
                from: a,
                to: b,
                count: lost,
            });
        }
        for (x, y) in [(a, b), (b, a)] {
            let Some(peer) = self.slots.get(y).map(|s| s.name.clone()) else {
                continue;
            };
            if let Some(n) = self.node_mut(x) {
                n.connection_lost(&peer);
            }
        }
        self.carry();
    }

    /// Lets the link between two nodes carry frames again. Like a real
    /// network that comes back, it connects nobody: the nodes connect
    /// again when one addresses the other. False if it was not cut.
    pub fn heal(&mut self, a: NodeId, b: NodeId) -> bool {
        self.traced(|| observe::EventKind::Healed(a, b));
        self.net.heal(a, b)
    }

    /// Sets the one-way latency between two nodes, both ways.
    pub fn set_latency(&mut self, a: NodeId, b: NodeId, ms: u64) {
        self.traced(|| observe::EventKind::Latency(a, b, ms));
        self.net.set_latency(a, b, ms.saturating_mul(1000));
    }

    /// The one-way latency between two nodes, in milliseconds.
    pub fn latency_ms(&self, a: NodeId, b: NodeId) -> f64 {
        self.net.latency_us(a, b) as f64 / 1000.0
    }

    pub fn is_cut(&self, a: NodeId, b: NodeId) -> bool {
        self.net.is_cut(a, b)
    }

    /// Moves the frames nodes have sent onto the network. A frame for a
    /// node that does not exist, or over a cut link, fails its sender's
    /// connection at once, as a dial to a host with no such node does.
    fn carry(&mut self) {
        let now = self.now_us();
        for from in 0..self.nodes.len() {
            let Some(node) = self.nodes[from].as_mut() else {
                continue;
            };
            let frames = node.take_outbox();
            let from_name = node.name().clone();
            for (peer, bytes) in frames {
                if self.peers.contains(&peer) {
                    self.outgoing.push(Outgoing {
                        from: from_name.clone(),
                        to: peer,
                        bytes,
                    });
                    continue;
                }
                let to = self.by_name(&peer).filter(|to| *to != from);
                let len = bytes.len();
                // ticks are no messages: nothing shows them
                let shown = !beamplay_vm::is_tick(&bytes);
                let summary = match (to, &self.trace, &self.nodes[from]) {
                    (Some(_), Some(_), Some(n)) => n.frame_summary(&bytes),
                    _ => FrameSummary::default(),
                };
                let due = to.and_then(|to| self.net.send(now, from, to, from_name.clone(), bytes));
                match (to, due) {
                    (Some(_), Some(_)) if !shown => {}
                    (Some(to), Some(arrives_us)) => self.traced(|| observe::EventKind::FrameSent {
                        from,
                        to,
                        bytes: len,
                        summary,
                        arrives_us,
                    }),
                    (Some(to), None) => {
                        self.traced(|| observe::EventKind::FramesDropped { from, to, count: 1 })
                    }
                    _ => {}
                }
                if due.is_none() {
                    if let Some(n) = self.nodes[from].as_mut() {
                        n.connection_lost(&peer);
                    }
                }
            }
        }
    }

    /// Hands every frame that has arrived by now to its node.
    fn deliver_frames(&mut self) -> bool {
        let mut any = false;
        while let Some(f) = self.net.next_due(self.now_us()) {
            any = true;
            if !beamplay_vm::is_tick(&f.bytes) {
                self.traced(|| observe::EventKind::FrameDelivered {
                    from: f.from,
                    to: f.to,
                    bytes: f.bytes.len(),
                });
            }
            if let Some(n) = self.nodes.get_mut(f.to).and_then(Option::as_mut) {
                n.frame_in(&f.from_name, &f.bytes);
            }
            self.carry();
        }
        any
    }

    /// Virtual time in microseconds.
    pub fn now_us(&self) -> u64 {
        self.clock.get()
    }

    /// Delivers the frames that have arrived, then runs one slice on the
    /// next node with work; false when there was nothing to do.
    pub fn step(&mut self) -> bool {
        if self.deliver_frames() {
            return true;
        }
        let count = self.nodes.len();
        for i in 0..count {
            let idx = (self.next + i) % count;
            let Some(node) = self.nodes[idx].as_mut() else {
                continue;
            };
            if let Some(reds) = node.step() {
                let said = node.take_console_events();
                self.console.extend(said.into_iter().map(|e| (idx, e)));
                self.next = (idx + 1) % count;
                self.carry();
                if self.realtime {
                    return true;
                }
                self.cost_ns += u64::from(reds) * NS_PER_REDUCTION;
                let us = self.cost_ns / 1000;
                if us > 0 {
                    self.cost_ns %= 1000;
                    self.clock.set(self.clock.get() + us);
                    self.fire_timers();
                }
                return true;
            }
        }
        false
    }

    /// Real-time mode: the host moves the clock with `sync_clock`.
    pub fn set_realtime(&mut self, on: bool) {
        self.realtime = on;
    }

    /// Moves the clock forward to `now_us` (never back) and fires what is due.
    pub fn sync_clock(&mut self, now_us: u64) {
        if now_us > self.clock.get() {
            self.clock.set(now_us);
        }
        self.fire_timers();
    }

    /// When the next timer is due, if any timer is armed.
    pub fn next_timer_due(&self) -> Option<u64> {
        self.next_timer()
    }

    /// Fires the timers that are due and delivers the frames that arrived.
    fn fire_timers(&mut self) {
        for n in self.nodes.iter_mut().flatten() {
            n.fire_timers();
        }
        // what the timers sent (net_kernel's ticks) goes on the links
        self.carry();
        self.deliver_frames();
    }

    /// When something happens next without a node computing: a timer, or
    /// a frame arriving.
    fn next_timer(&self) -> Option<u64> {
        self.nodes
            .iter()
            .flatten()
            .filter_map(|n| n.next_timer_due())
            .chain(self.net.next_arrival())
            .min()
    }

    /// Lets `ms` milliseconds of virtual time pass, running everything
    /// that becomes due; `on_step` sees the World after every slice.
    pub fn advance_with(&mut self, ms: u64, on_step: impl FnMut(&mut World) -> bool) {
        self.advance_us_with(ms.saturating_mul(1000), on_step);
    }

    /// [`World::advance_with`] in microseconds.
    pub fn advance_us_with(&mut self, us: u64, mut on_step: impl FnMut(&mut World) -> bool) {
        let target = self.now_us().saturating_add(us);
        while self.advance_toward(target) {
            if on_step(self) {
                return;
            }
        }
    }

    /// One move of virtual time towards `target_us`: a slice if a node
    /// has work, else the clock to the next timer or frame due by then
    /// (which fires), else to the target. False once the clock is at the
    /// target: nothing more happens before it. A host that looks at the
    /// World between moves (a console driver's clock) takes them one at a
    /// time.
    pub fn advance_toward(&mut self, target_us: u64) -> bool {
        if self.now_us() >= target_us {
            return false;
        }
        if self.step() {
            return true;
        }
        match self.next_timer() {
            Some(due) if due <= target_us => {
                self.clock.set(due.max(self.now_us()));
                self.fire_timers();
                true
            }
            _ => {
                self.clock.set(target_us);
                false
            }
        }
    }

    pub fn advance(&mut self, ms: u64) {
        self.advance_with(ms, |_| false);
    }

    /// What the consoles printed since the last call: in the order they
    /// printed it while their nodes stepped, then what they printed
    /// otherwise (a line refused at once, a shell killed by a fault), in
    /// node order. Only the console driver (driver.rs) reads it.
    pub(crate) fn take_events(&mut self) -> Vec<(NodeId, ConsoleEvent)> {
        let mut out = std::mem::take(&mut self.console);
        for (i, n) in self.nodes.iter_mut().enumerate() {
            if let Some(n) = n {
                out.extend(n.take_console_events().into_iter().map(|e| (i, e)));
            }
        }
        out
    }

    pub fn node_ids(&self) -> Vec<NodeId> {
        (0..self.nodes.len())
            .filter(|i| self.nodes[*i].is_some())
            .collect()
    }

    /// The live nodes, in the order they were added.
    pub fn live_nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().flatten()
    }
}
