//! What a node keeps of distribution: its connections (pending and up),
//! the frames waiting to go, the nodes it knows, and what its processes
//! hold with other nodes (ties, spawn requests, node watchers).
use beamplay_term::{Atom, ListIter, Term};

use super::funs;
use super::ties::Ties;
use super::wire::HELLO;

/// A frame as a person reads it (`Node::frame_summary`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameSummary {
    /// The control message's name (`SEND_SENDER`...), for a `p` frame.
    pub op: Option<&'static str>,
    /// The control message printed (`{22, #PID<0.110.0>, ...}`), or
    /// `connect`, `accept`, `close` for the connection's own frames.
    pub control: String,
    /// The message, exit reason or spawn arguments that follow it.
    pub payload: Option<String>,
    /// Kernel traffic: the connection's own frames, and control messages
    /// from or to a service (`Node::is_service`).
    pub system: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Asked for; frames for the peer wait in `queued`.
    Pending,
    Up,
}

pub(super) struct Conn {
    pub(super) peer: Atom,
    pub(super) state: State,
    /// Hidden when either end is a hidden node; known once up.
    pub(super) hidden: bool,
    /// This node's number for the connection (`connection_id`).
    pub(super) id: u64,
    pub(super) queued: Vec<Vec<u8>>,
    /// When a frame last came from the peer, and last went to it.
    pub(super) heard_us: u64,
    pub(super) sent_us: u64,
}

impl Conn {
    /// Whether it is hidden, and its id: what `monitor_nodes` reports.
    pub(super) fn kind(&self) -> (bool, u64) {
        (self.hidden, self.id)
    }
}

/// The host's epmd: the names of the live nodes and their ports, newest
/// first (`:net_adm.names/0`). The host keeps it; nodes read it.
pub type Epmd = std::rc::Rc<std::cell::RefCell<Vec<(Atom, u16)>>>;

/// The tick time a node starts with, in seconds: OTP's is 60 (a hung
/// peer is noticed after about a minute); the playground's shows one in
/// seconds.
pub const NET_TICKTIME_S: u64 = 8;

/// This node's side of the network.
#[derive(Default)]
pub struct Dist {
    /// `net_ticktime` in seconds (0 until set: [`NET_TICKTIME_S`]), and
    /// the change under way to a new one, with when it is done (µs).
    pub(super) ticktime_s: u64,
    pub(super) ticktime_change: Option<(u64, u64)>,
    /// When net_kernel ticks next, while a connection is up.
    pub(super) next_tick_us: Option<u64>,
    /// A hidden node (`--hidden`): its connections are hidden ones, which
    /// `Node.list/0` and global leave out.
    pub hidden: bool,
    /// Connections, pending and up; up ones in the order they came up.
    pub(super) conns: Vec<Conn>,
    /// Connections made so far, for their ids.
    pub(super) conns_made: u64,
    /// Every node name this node has seen or tried (`Node.list(:known)`).
    pub(super) known: Vec<Atom>,
    /// Frames for the World to carry: (peer, bytes).
    pub(super) outbox: Vec<(Atom, Vec<u8>)>,
    /// Processes waiting for a connection to come up or fail.
    pub(super) waiters: Vec<(Atom, u32)>,
    /// Frames refused as malformed.
    pub rejected: u64,
    /// The last control message read, with its peer and bytes.
    pub(super) last_control: Option<(Atom, Vec<u8>, Term)>,
    /// The last control message sent, with its bytes: a stream of sends
    /// from one process to one destination encodes it once (what OTP's
    /// atom cache saves the sender).
    pub(super) last_sent: Option<(Vec<Term>, Vec<u8>)>,
    /// Links and monitors of local processes with remote ones.
    pub(super) ties: rustc_hash::FxHashMap<u32, Ties>,
    pub(super) next_unlink: u64,
    /// Console lines compiled for closures that came from other nodes.
    pub(super) lines: funs::LineCache,
    /// Spawn requests waiting for their replies.
    pub(super) spawns: Vec<SpawnRequest>,
    /// `Node.monitor`s: (process, node, when made), one entry per call.
    pub(super) node_monitors: Vec<(u32, Atom, u64)>,
    /// Links and monitors with other nodes made so far: the order in
    /// which losing a connection fires them.
    pub(super) ties_made: u64,
    /// `monitor_nodes` subscriptions.
    pub(super) watchers: Vec<Watcher>,
    /// The host's epmd, kept by the World: node names and ports, newest
    /// first (`:net_adm.names/0`).
    pub epmd: Epmd,
}

impl Dist {
    pub(super) fn conn(&self, peer: &Atom) -> Option<&Conn> {
        self.conns.iter().find(|c| c.peer == *peer)
    }

    pub(super) fn conn_mut(&mut self, peer: &Atom) -> Option<&mut Conn> {
        self.conns.iter_mut().find(|c| c.peer == *peer)
    }

    pub(crate) fn learn(&mut self, peer: &Atom) {
        if !self.known.contains(peer) {
            self.known.push(peer.clone());
        }
    }

    /// Connected peers, visible and hidden, in the order their
    /// connections came up.
    pub fn up(&self) -> Vec<Atom> {
        self.up_where(|_| true)
    }

    /// Connected peers whose connection is hidden (`hidden`) or visible.
    pub fn up_kind(&self, hidden: bool) -> Vec<Atom> {
        self.up_where(|c| c.hidden == hidden)
    }

    pub(super) fn up_where(&self, f: impl Fn(&Conn) -> bool) -> Vec<Atom> {
        self.conns
            .iter()
            .filter(|c| c.state == State::Up && f(c))
            .map(|c| c.peer.clone())
            .collect()
    }

    /// A number for a new link or monitor with another node.
    pub(super) fn next_tie(&mut self) -> u64 {
        self.ties_made += 1;
        self.ties_made
    }

    /// A new pending connection to `peer`.
    pub(super) fn open(&mut self, peer: &Atom) {
        self.conns_made += 1;
        self.conns.push(Conn {
            peer: peer.clone(),
            state: State::Pending,
            hidden: self.hidden,
            id: self.conns_made,
            queued: Vec::new(),
            heard_us: 0,
            sent_us: 0,
        });
    }

    /// The byte this node's handshake frames end with.
    pub(super) fn published(&self) -> u8 {
        u8::from(!self.hidden)
    }

    pub fn known(&self) -> &[Atom] {
        &self.known
    }

    pub fn is_up(&self, peer: &Atom) -> bool {
        self.conn(peer).is_some_and(|c| c.state == State::Up)
    }

    /// Frames the World has not carried yet.
    /// The frames to send, taken out at `now_us`: what goes to a peer
    /// counts as sent then (a tick is owed only to an idle connection).
    pub fn take_outbox(&mut self, now_us: u64) -> Vec<(Atom, Vec<u8>)> {
        let out = std::mem::take(&mut self.outbox);
        for (peer, _) in &out {
            if let Some(c) = self.conn_mut(peer) {
                c.sent_us = now_us;
            }
        }
        out
    }

    /// Starts a connection to `peer` unless there is one.
    pub(super) fn dial(&mut self, peer: &Atom) {
        self.learn(peer);
        if self.conn(peer).is_none() {
            self.open(peer);
            self.outbox
                .push((peer.clone(), vec![HELLO, self.published()]));
        }
    }

    /// Sends `frame` to `peer`, connecting first if needed (the implicit
    /// connection of OTP: the frame waits for the connection).
    pub(super) fn send_frame(&mut self, peer: &Atom, frame: Vec<u8>) {
        self.dial(peer);
        if let Some(c) = self.conn_mut(peer) {
            match c.state {
                State::Up => self.outbox.push((peer.clone(), frame)),
                State::Pending => c.queued.push(frame),
            }
        }
    }

    /// The connection to `peer` is up: queued frames go, in order. It is
    /// hidden if either end is a hidden node (`published` is the peer's
    /// handshake byte).
    pub(super) fn mark_up(&mut self, peer: &Atom, published: u8) -> bool {
        let Some(i) = self.conns.iter().position(|c| c.peer == *peer) else {
            return false;
        };
        if self.conns[i].state == State::Up {
            return false;
        }
        // up connections keep the order they came up in
        let mut c = self.conns.remove(i);
        c.state = State::Up;
        c.hidden = self.hidden || published == 0;
        for f in std::mem::take(&mut c.queued) {
            self.outbox.push((peer.clone(), f));
        }
        self.conns.push(c);
        true
    }

    /// Forgets the connection to `peer`; what it had queued is dropped.
    pub(super) fn forget(&mut self, peer: &Atom) -> Option<Conn> {
        let i = self.conns.iter().position(|c| c.peer == *peer)?;
        Some(self.conns.remove(i))
    }

    pub(super) fn take_waiters(&mut self, peer: &Atom) -> Vec<u32> {
        take_where(&mut self.waiters, |(p, _)| p == peer)
            .into_iter()
            .map(|(_, id)| id)
            .collect()
    }
}

/// Takes the entries of `v` that `f` picks, in order; the others stay.
pub(super) fn take_where<T>(v: &mut Vec<T>, f: impl Fn(&T) -> bool) -> Vec<T> {
    let (taken, rest) = std::mem::take(v).into_iter().partition(|x| f(x));
    *v = rest;
    taken
}

/// What `:erlang.nodes/1` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    This,
    Visible,
    Hidden,
    Connected,
    Known,
}

/// The outcome of asking for a connection.
pub enum Connect {
    /// `true`, `false` or `:ignored` at once.
    Now(Term),
    /// The caller waits for `{:"$beamplay_connect", peer, result}`.
    Wait,
}

/// What a remote spawn sets up with the caller besides the process.
#[derive(Debug, Clone, Copy, Default)]
pub struct SpawnOpts {
    pub link: bool,
    pub monitor: bool,
    /// No reply wanted (`:erpc.cast`): nothing comes back, not even a
    /// failure.
    pub noreply: bool,
}

/// A spawn request waiting for its reply.
pub(crate) struct SpawnRequest {
    pub(super) reference: Term,
    pub(super) peer: Atom,
    pub(super) caller: u32,
    pub(super) opts: SpawnOpts,
}

impl SpawnOpts {
    /// From an option list: `:link`, `:monitor`, `:noreply`.
    pub fn from_list(opts: &Term) -> SpawnOpts {
        let has = |a: &str| ListIter::new(opts).any(|o| o.is_atom(a));
        SpawnOpts {
            link: has("link"),
            monitor: has("monitor"),
            noreply: has("noreply"),
        }
    }
}

/// A `monitor_nodes` subscription: its process and how it wants the
/// messages.
pub(crate) struct Watcher {
    pub(super) id: u32,
    pub(super) info: Info,
}

/// What a `monitor_nodes` subscriber asked for (`:net_kernel.monitor_nodes/2`'s
/// options, checked by the prelude).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Info {
    pub form: Form,
    /// `node_type:`; without it only visible nodes are reported.
    pub node_type: Option<NodeType>,
    /// `nodedown_reason`: nodedowns say why.
    pub nodedown_reason: bool,
    /// `connection_id`: the messages name the connection.
    pub connection_id: bool,
}

/// The shape of the messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `{:nodeup, n}`: no options.
    Plain,
    /// `{:nodeup, n, [node_type: :visible]}`: options as a list.
    List,
    /// `{:nodeup, n, %{node_type: :visible}}`: options as a map.
    Map,
}

/// Which connections a subscriber hears of.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Visible,
    Hidden,
    All,
}

impl Info {
    pub(super) fn hears(&self, hidden: bool) -> bool {
        match self.node_type {
            None | Some(NodeType::Visible) => !hidden,
            Some(NodeType::Hidden) => hidden,
            Some(NodeType::All) => true,
        }
    }
}
