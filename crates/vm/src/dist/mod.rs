//! Distribution: this node's connections to other nodes and the frames
//! that cross them. Nodes share nothing (DESIGN.md invariant 3): what one
//! node says to another is a frame of bytes, which the World carries over
//! its network model.
//!
//! Frames:
//! - `h`: a connection request (the handshake's `send_name`), then one
//!   byte: 1 if the sender is a visible node (OTP's `DFLAG_PUBLISHED`),
//!   0 if it is hidden;
//! - `a`: its acceptance (`recv_status` `ok`), with the same byte;
//! - `c`: the connection is closed by the sender (`Node.disconnect/1`);
//! - `p`: a distribution control message, as OTP 25 sends it after the
//!   handshake (`pass through`): the control tuple in external term
//!   format, then the message when the control message carries one.
use beamplay_term::etf::{self, DecodeError};
use beamplay_term::{Atom, Term};

use crate::node::Node;

mod funs;
mod signals;
mod spawn;
mod watch;

pub use spawn::SpawnOpts;
pub use watch::{Form as WatchForm, Info as WatchInfo, NodeType};

const HELLO: u8 = b'h';
const ACCEPT: u8 = b'a';
const CLOSE: u8 = b'c';
const PASS: u8 = b'p';

/// Control message codes (OTP_SEMANTICS.md, "Protocol notes").
const REG_SEND: i64 = 6;
const SEND_SENDER: i64 = 22;
const ALIAS_SEND: i64 = 33;

/// Payloads a frame summary prints: a larger one is told by its size, so
/// that tracing a stream of big messages does not print each of them (the
/// log keeps only the newest few hundred anyway).
const SUMMARY_PAYLOAD_BYTES: usize = 4096;

/// The name OTP gives a control message's code, for the ones sent here.
fn control_name(code: i64) -> Option<&'static str> {
    use signals::{
        DEMONITOR_P, LINK, MONITOR_P, PAYLOAD_EXIT, PAYLOAD_EXIT2, PAYLOAD_MONITOR_P_EXIT,
        UNLINK_ID, UNLINK_ID_ACK,
    };
    use spawn::{SPAWN_REPLY, SPAWN_REQUEST};
    Some(match code {
        LINK => "LINK",
        REG_SEND => "REG_SEND",
        MONITOR_P => "MONITOR_P",
        DEMONITOR_P => "DEMONITOR_P",
        SEND_SENDER => "SEND_SENDER",
        PAYLOAD_EXIT => "PAYLOAD_EXIT",
        PAYLOAD_EXIT2 => "PAYLOAD_EXIT2",
        PAYLOAD_MONITOR_P_EXIT => "PAYLOAD_MONITOR_P_EXIT",
        SPAWN_REQUEST => "SPAWN_REQUEST",
        SPAWN_REPLY => "SPAWN_REPLY",
        ALIAS_SEND => "ALIAS_SEND",
        UNLINK_ID => "UNLINK_ID",
        UNLINK_ID_ACK => "UNLINK_ID_ACK",
        _ => return None,
    })
}

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Asked for; frames for the peer wait in `queued`.
    Pending,
    Up,
}

struct Conn {
    peer: Atom,
    state: State,
    /// Hidden when either end is a hidden node; known once up.
    hidden: bool,
    /// This node's number for the connection (`connection_id`).
    id: u64,
    queued: Vec<Vec<u8>>,
}

impl Conn {
    /// Whether it is hidden, and its id: what `monitor_nodes` reports.
    fn kind(&self) -> (bool, u64) {
        (self.hidden, self.id)
    }
}

/// This node's side of the network.
#[derive(Default)]
pub struct Dist {
    /// A hidden node (`--hidden`): its connections are hidden ones, which
    /// `Node.list/0` and global leave out.
    pub hidden: bool,
    /// Connections, pending and up; up ones in the order they came up.
    conns: Vec<Conn>,
    /// Connections made so far, for their ids.
    conns_made: u64,
    /// Every node name this node has seen or tried (`Node.list(:known)`).
    known: Vec<Atom>,
    /// Frames for the World to carry: (peer, bytes).
    outbox: Vec<(Atom, Vec<u8>)>,
    /// Processes waiting for a connection to come up or fail.
    waiters: Vec<(Atom, u32)>,
    /// Frames refused as malformed.
    pub rejected: u64,
    /// The last control message read, with its peer and bytes.
    last_control: Option<(Atom, Vec<u8>, Term)>,
    /// Links and monitors of local processes with remote ones.
    ties: rustc_hash::FxHashMap<u32, signals::Ties>,
    next_unlink: u64,
    /// Console lines compiled for closures that came from other nodes.
    lines: funs::LineCache,
    /// Spawn requests waiting for their replies.
    spawns: Vec<spawn::SpawnRequest>,
    /// `Node.monitor`s: (process, node, when made), one entry per call.
    node_monitors: Vec<(u32, Atom, u64)>,
    /// Links and monitors with other nodes made so far: the order in
    /// which losing a connection fires them.
    ties_made: u64,
    /// `monitor_nodes` subscriptions.
    watchers: Vec<watch::Watcher>,
    /// The host's epmd, kept by the World: node names and ports, newest
    /// first (`:net_adm.names/0`).
    pub epmd: std::rc::Rc<std::cell::RefCell<Vec<(Atom, u16)>>>,
}

impl Dist {
    fn conn(&self, peer: &Atom) -> Option<&Conn> {
        self.conns.iter().find(|c| c.peer == *peer)
    }

    fn conn_mut(&mut self, peer: &Atom) -> Option<&mut Conn> {
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

    fn up_where(&self, f: impl Fn(&Conn) -> bool) -> Vec<Atom> {
        self.conns
            .iter()
            .filter(|c| c.state == State::Up && f(c))
            .map(|c| c.peer.clone())
            .collect()
    }

    /// A number for a new link or monitor with another node.
    fn next_tie(&mut self) -> u64 {
        self.ties_made += 1;
        self.ties_made
    }

    /// A new pending connection to `peer`.
    fn open(&mut self, peer: &Atom) {
        self.conns_made += 1;
        self.conns.push(Conn {
            peer: peer.clone(),
            state: State::Pending,
            hidden: self.hidden,
            id: self.conns_made,
            queued: Vec::new(),
        });
    }

    /// The byte this node's handshake frames end with.
    fn published(&self) -> u8 {
        u8::from(!self.hidden)
    }

    pub fn known(&self) -> &[Atom] {
        &self.known
    }

    pub fn is_up(&self, peer: &Atom) -> bool {
        self.conn(peer).is_some_and(|c| c.state == State::Up)
    }

    /// Frames the World has not carried yet.
    pub fn take_outbox(&mut self) -> Vec<(Atom, Vec<u8>)> {
        std::mem::take(&mut self.outbox)
    }

    /// Starts a connection to `peer` unless there is one.
    fn dial(&mut self, peer: &Atom) {
        self.learn(peer);
        if self.conn(peer).is_none() {
            self.open(peer);
            self.outbox
                .push((peer.clone(), vec![HELLO, self.published()]));
        }
    }

    /// Sends `frame` to `peer`, connecting first if needed (the implicit
    /// connection of OTP: the frame waits for the connection).
    fn send_frame(&mut self, peer: &Atom, frame: Vec<u8>) {
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
    fn mark_up(&mut self, peer: &Atom, published: u8) -> bool {
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
    fn forget(&mut self, peer: &Atom) -> Option<Conn> {
        let i = self.conns.iter().position(|c| c.peer == *peer)?;
        Some(self.conns.remove(i))
    }

    fn take_waiters(&mut self, peer: &Atom) -> Vec<u32> {
        take_where(&mut self.waiters, |(p, _)| p == peer)
            .into_iter()
            .map(|(_, id)| id)
            .collect()
    }
}

/// Takes the entries of `v` that `f` picks, in order; the others stay.
fn take_where<T>(v: &mut Vec<T>, f: impl Fn(&T) -> bool) -> Vec<T> {
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

impl Node {
    /// A node started with a name (`Node.alive?/0`).
    pub fn distributed(&self) -> bool {
        self.name.as_str() != "nonode@nohost"
    }

    /// `:erlang.nodes(kinds)`: own node last.
    pub fn nodes(&self, kinds: &[NodeKind]) -> Vec<Term> {
        let mut out: Vec<Atom> = Vec::new();
        let mut add = |a: &Atom| {
            if !out.contains(a) {
                out.push(a.clone());
            }
        };
        for k in kinds {
            match k {
                NodeKind::Visible => self.dist.up_kind(false).iter().for_each(&mut add),
                NodeKind::Hidden => self.dist.up_kind(true).iter().for_each(&mut add),
                NodeKind::Connected => self.dist.up().iter().for_each(&mut add),
                NodeKind::Known => self.dist.known().iter().for_each(&mut add),
                NodeKind::This => {}
            }
        }
        let mut out: Vec<Term> = out
            .into_iter()
            .filter(|a| *a != self.name)
            .map(Term::Atom)
            .collect();
        if kinds
            .iter()
            .any(|k| matches!(k, NodeKind::This | NodeKind::Known))
            && self.distributed()
        {
            out.push(Term::Atom(self.name.clone()));
        }
        out
    }

    /// `:net_kernel.connect_node(peer)` for process `waiter`.
    pub fn connect(&mut self, peer: &Atom, waiter: u32) -> Connect {
        if !self.distributed() {
            return Connect::Now(self.atom_term("ignored"));
        }
        if *peer == self.name || self.dist.is_up(peer) {
            return Connect::Now(self.bool(true));
        }
        // a node name needs a host part
        if !peer.as_str().contains('@') {
            self.dist.learn(peer);
            self.log(format!(
                "[error] ** Cannot get connection id for node {}",
                beamplay_term::atom_to_inspect(peer.as_str())
            ));
            return Connect::Now(self.bool(false));
        }
        self.dist.waiters.push((peer.clone(), waiter));
        self.dist.dial(peer);
        Connect::Wait
    }

    /// `:erlang.disconnect_node(peer)`: whether a connection was taken down.
    pub fn disconnect(&mut self, peer: &Atom) -> bool {
        match self.dist.forget(peer) {
            Some(c) if c.state == State::Up => {
                self.dist.outbox.push((peer.clone(), vec![CLOSE]));
                self.lost(peer, Some((c.kind(), "disconnect")));
                true
            }
            Some(_) => {
                self.wake_waiters(peer, false);
                self.lost(peer, None);
                false
            }
            None => false,
        }
    }

    /// Sends `msg` to a process of another node: a pid, an alias, or
    /// `{name, node}` (`to` is the name). Dropped, as OTP drops it, when the connection
    /// cannot be made.
    pub fn send_remote(&mut self, from: &Term, peer: &Atom, to: &Term, msg: &Term) {
        if !self.distributed() {
            return;
        }
        let control = match to {
            Term::Atom(_) => vec![
                Term::Int(REG_SEND),
                from.clone(),
                Term::Atom(self.a.empty.clone()),
                to.clone(),
            ],
            Term::Ref(_) => vec![Term::Int(ALIAS_SEND), from.clone(), to.clone()],
            _ => vec![Term::Int(SEND_SENDER), from.clone(), to.clone()],
        };
        self.control_out(peer, control, Some(msg));
    }

    /// Sends a control message (and its payload) to `peer`, connecting
    /// first if needed.
    fn control_out(&mut self, peer: &Atom, control: Vec<Term>, payload: Option<&Term>) -> bool {
        // the sending process, where the control message names one
        let creator = match control.get(1) {
            Some(p @ Term::Pid(_)) => p.clone(),
            _ => self.make_pid(0),
        };
        let why = match pass_frame(&Term::tuple(control), payload, creator) {
            Ok(frame) => {
                self.dist.send_frame(peer, frame);
                return true;
            }
            Err(etf::EncodeError::Closure) => "it holds a function that cannot leave this node",
            Err(etf::EncodeError::TooDeep) => "it holds functions nested too deep to send",
        };
        self.log(format!(
            "[warning] beamplay: a message to {} was not sent: {why}",
            beamplay_term::atom_to_inspect(peer.as_str())
        ));
        false
    }

    /// What a frame this node sent says, printed for the event stream:
    /// the control message of a `p` frame and the message or reason it
    /// carries, or what the others do.
    pub fn frame_summary(&self, bytes: &[u8]) -> FrameSummary {
        let text = |t: &str| FrameSummary {
            control: t.to_string(),
            ..FrameSummary::default()
        };
        let rest = match bytes.split_first() {
            Some((&PASS, rest)) => rest,
            Some((&HELLO, _)) => return text("connect"),
            Some((&ACCEPT, _)) => return text("accept"),
            Some((&CLOSE, _)) => return text("close"),
            _ => return text("?"),
        };
        let (control, payload) = {
            let mut atoms = self.atoms.borrow_mut();
            let Ok((control, used)) = etf::decode_prefix(rest, &mut atoms) else {
                return text("?");
            };
            let payload = rest.get(used..).filter(|p| !p.is_empty()).map(|p| {
                if p.len() > SUMMARY_PAYLOAD_BYTES {
                    return Err(p.len());
                }
                let mut shown = funs::Shown {
                    modules: &self.modules,
                };
                etf::decode_with(p, &mut atoms, &mut shown).map_err(|_| p.len())
            });
            (control, payload)
        };
        let op = match control.as_tuple() {
            Some([Term::Int(code), ..]) => control_name(*code),
            _ => None,
        };
        FrameSummary {
            op,
            control: self.inspect_plain(&control),
            payload: payload.map(|p| match p {
                Ok(t) => self.inspect_plain(&t),
                Err(len) => format!("a term of {len} bytes"),
            }),
        }
    }

    /// A frame from `peer`, carried by the World.
    pub fn frame_in(&mut self, peer: &Atom, bytes: &[u8]) {
        match bytes.first() {
            Some(&HELLO) if bytes.len() == 2 => {
                self.dist.learn(peer);
                if self.dist.conn(peer).is_none() {
                    self.dist.open(peer);
                }
                let accept = vec![ACCEPT, self.dist.published()];
                self.dist.outbox.push((peer.clone(), accept));
                self.came_up(peer, bytes[1]);
            }
            Some(&ACCEPT) if bytes.len() == 2 => self.came_up(peer, bytes[1]),
            Some(&CLOSE) if bytes.len() == 1 => self.connection_lost(peer),
            Some(&PASS) if self.dist.is_up(peer) => {
                if let Err(e) = self.control_in(peer, &bytes[1..]) {
                    self.reject_frame(peer, e);
                }
            }
            _ => self.reject_frame(
                peer,
                DecodeError::BadTag(bytes.first().copied().unwrap_or(0)),
            ),
        }
    }

    /// The handshake with `peer` is done: subscribers hear of it and the
    /// processes waiting for it wake.
    fn came_up(&mut self, peer: &Atom, published: u8) {
        if self.dist.mark_up(peer, published) {
            let conn = self.dist.conn(peer).map_or((false, 0), Conn::kind);
            self.node_up(peer, conn);
            self.wake_waiters(peer, true);
        }
    }

    /// A malformed frame: counted, logged, and the connection closes, as a
    /// real node closes a connection that breaks the protocol.
    fn reject_frame(&mut self, peer: &Atom, e: DecodeError) {
        self.dist.rejected += 1;
        self.log(format!(
            "[error] ** Malformed distribution frame from node {} ({e:?}); connection closed **",
            beamplay_term::atom_to_inspect(peer.as_str())
        ));
        if let Some(c) = self.dist.forget(peer) {
            self.dist.outbox.push((peer.clone(), vec![CLOSE]));
            self.lost(
                peer,
                (c.state == State::Up).then_some((c.kind(), "disconnect")),
            );
        }
    }

    fn control_in(&mut self, peer: &Atom, bytes: &[u8]) -> Result<(), DecodeError> {
        let (control, used) = self.decode_control(peer, bytes)?;
        let payload = |node: &mut Node| node.decode_payload(&bytes[used..]);
        let items = control.as_tuple().ok_or(DecodeError::BadField)?;
        match (items.first(), items.len()) {
            (Some(Term::Int(SEND_SENDER)), 3) => {
                let msg = payload(self)?;
                if let Some(id) = self.local_id(&items[2]) {
                    self.deliver(None, id, msg);
                }
                Ok(())
            }
            (Some(Term::Int(ALIAS_SEND)), 3) => {
                let msg = payload(self)?;
                if matches!(&items[2], Term::Ref(_)) {
                    self.send_to(None, &items[2], msg);
                }
                Ok(())
            }
            (Some(Term::Int(REG_SEND)), 4) => {
                let msg = payload(self)?;
                if let Term::Atom(name) = &items[3] {
                    if let Some(id) = self.whereis(name) {
                        self.deliver(None, id, msg);
                    }
                }
                Ok(())
            }
            (Some(Term::Int(spawn::SPAWN_REQUEST | spawn::SPAWN_REPLY)), _) => {
                self.spawn_in(peer, items, &payload)
            }
            _ => self.signal_in(peer, items, &payload),
        }
    }

    /// The World found no node `peer` to carry frames to, the link to it
    /// is cut, the peer closed the connection or died: a pending
    /// connection fails, an up one goes down.
    pub fn connection_lost(&mut self, peer: &Atom) {
        match self.dist.forget(peer) {
            Some(c) if c.state == State::Up => {
                self.lost(peer, Some((c.kind(), "connection_closed")));
            }
            Some(_) => {
                self.wake_waiters(peer, false);
                self.lost(peer, None);
            }
            None => {}
        }
    }

    /// What was under way with `peer` ends: links fire, node monitors
    /// and monitors go down, spawn requests fail, all with
    /// `:noconnection`, in OTP's order. A connection that was up (hidden
    /// or not) also tells `monitor_nodes` subscribers, with
    /// `nodedown_reason`.
    fn lost(&mut self, peer: &Atom, was_up: Option<((bool, u64), &str)>) {
        self.ties_lost(peer);
        self.spawns_lost(peer);
        if let Some((conn, reason)) = was_up {
            self.watchers_down(peer, conn, reason);
        }
    }

    /// Answers the processes waiting on a connection to `peer`.
    fn wake_waiters(&mut self, peer: &Atom, up: bool) {
        let tag = self.atom_term("$beamplay_connect");
        for id in self.dist.take_waiters(peer) {
            let msg = Term::tuple(vec![tag.clone(), Term::Atom(peer.clone()), self.bool(up)]);
            self.deliver(None, id, msg);
        }
    }

    /// The control message a `p` frame starts with, and its length. A
    /// stream of messages to one process repeats one control message; the
    /// last one read (and from which peer) is kept, as OTP's atom cache saves
    /// decoding the same atoms again (an encoded term is complete in
    /// itself, so equal leading bytes are the same term).
    fn decode_control(&mut self, peer: &Atom, bytes: &[u8]) -> Result<(Term, usize), DecodeError> {
        if let Some((p, seen, term)) = &self.dist.last_control {
            if p == peer && bytes.starts_with(seen) {
                return Ok((term.clone(), seen.len()));
            }
        }
        let (control, used) = {
            let mut atoms = self.atoms.borrow_mut();
            etf::decode_prefix(bytes, &mut atoms)?
        };
        self.dist.last_control = Some((peer.clone(), bytes[..used].to_vec(), control.clone()));
        Ok((control, used))
    }

    /// A message or exit reason from a peer: closures in it become
    /// closures of this node's code.
    fn decode_payload(&mut self, bytes: &[u8]) -> Result<Term, DecodeError> {
        let table = self.atoms.clone();
        let mut atoms = table.borrow_mut();
        let mut incoming = funs::Incoming {
            modules: &self.modules,
            natives: &self.natives,
            lines: &mut self.dist.lines,
        };
        etf::decode_with(bytes, &mut atoms, &mut incoming)
    }

    fn log(&mut self, text: String) {
        self.console.output(crate::node::ConsoleEvent::Log(text));
    }
}

/// A `p` frame: the control tuple, then the message if there is one.
/// Closures in the message were made by `creator`.
fn pass_frame(
    control: &Term,
    msg: Option<&Term>,
    creator: Term,
) -> Result<Vec<u8>, etf::EncodeError> {
    let mut frame = Vec::with_capacity(64);
    frame.push(PASS);
    etf::append_with(control, &mut frame, &etf::NoClosures)?;
    if let Some(m) = msg {
        etf::append_with(m, &mut frame, &funs::Outgoing { creator })?;
    }
    Ok(frame)
}
