//! Distribution: this node's connections to other nodes and the frames
//! that cross them. Nodes share nothing (DESIGN.md invariant 3): what one
//! node says to another is a frame of bytes (`wire.rs`), which the World
//! carries over its network model.
//!
//! This file dials, accepts and closes connections and reads the frames
//! that arrive; `signals.rs` carries links, monitors and exit signals,
//! `spawn.rs` remote spawns, `watch.rs` node monitors, `funs.rs` how
//! closures cross; `state.rs` and `ties.rs` hold what a node keeps.
use beamplay_term::etf::{self, DecodeError};
use beamplay_term::{Atom, Term};

use crate::node::Node;

mod funs;
mod signals;
mod spawn;
pub(crate) mod state;
mod ties;
mod watch;
mod wire;

use state::{Conn, State};
pub use state::{
    Connect, Form as WatchForm, FrameSummary, Info as WatchInfo, NodeKind, NodeType, SpawnOpts,
};
pub use wire::is_tick;
use wire::{
    control_name, encode_control, pass_frame, ACCEPT, ALIAS_SEND, CLOSE, HELLO, PASS, REG_SEND,
    SEND_SENDER, SPAWN_REPLY, SPAWN_REQUEST, TICK,
};

/// Payloads a frame summary prints: a larger one is told by its size, so
/// that tracing a stream of big messages does not print each of them (the
/// log keeps only the newest few hundred anyway).
const SUMMARY_PAYLOAD_BYTES: usize = 4096;

impl Node {
    /// A node started with a name (`Node.alive?/0`).
    pub fn distributed(&self) -> bool {
        self.name.as_str() != "nonode@nohost"
    }

    /// `:erlang.nodes(kinds)`: own node last.
    pub(crate) fn nodes(&self, kinds: &[NodeKind]) -> Vec<Term> {
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
    pub(crate) fn connect(&mut self, peer: &Atom, waiter: u32) -> Connect {
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

    /// The tick time in force, in seconds, a change that is due made.
    fn ticktime_s(&mut self) -> u64 {
        let now = self.now_us();
        if let Some((to, _)) = self.dist.ticktime_change.filter(|(_, at)| *at <= now) {
            self.dist.ticktime_s = to;
            self.dist.ticktime_change = None;
        }
        match self.dist.ticktime_s {
            0 => state::NET_TICKTIME_S,
            t => t,
        }
    }

    /// `:net_kernel.get_net_ticktime/0`: the tick time, or
    /// `{:ongoing_change_to, t}` while a change is under way.
    pub(crate) fn net_ticktime(&mut self) -> Term {
        let now = self.ticktime_s();
        match self.dist.ticktime_change {
            Some((to, _)) => Term::tuple(vec![
                self.atom_term("ongoing_change_to"),
                Term::Int(to as i64),
            ]),
            None => Term::Int(now as i64),
        }
    }

    /// `:net_kernel.set_net_ticktime(t, period)`: `:unchanged`, or
    /// `{:ongoing_change_to, t}` while another change is under way, else
    /// the change is made over `period` seconds rounded up to whole tick
    /// intervals of the shorter tick time, as net_kernel's aux ticker
    /// makes it.
    pub(crate) fn set_net_ticktime(&mut self, t: u64, period_s: u64) -> Term {
        if matches!(self.net_ticktime(), Term::Tuple(_)) {
            return self.net_ticktime();
        }
        let old = self.ticktime_s();
        if t == old {
            return self.atom_term("unchanged");
        }
        let (period_ms, interval_ms) = (
            period_s.saturating_mul(1000),
            old.min(t).saturating_mul(250),
        );
        let ms = match period_ms {
            0 => 0,
            p => ((p - 1) / interval_ms + 1).saturating_mul(interval_ms),
        };
        let at = self.now_us().saturating_add(ms.saturating_mul(1000));
        self.dist.ticktime_change = Some((t, at));
        self.ticktime_s();
        self.atom_term("change_initiated")
    }

    /// When net_kernel ticks next: while a connection is up.
    pub(crate) fn next_tick_due(&self) -> Option<u64> {
        self.dist.next_tick_us
    }

    /// A connection came up: ticks start if none ran.
    fn ticks_start(&mut self) {
        if self.dist.next_tick_us.is_none() {
            let every = self.ticktime_s().saturating_mul(1_000_000) / 4;
            self.dist.next_tick_us = Some(self.now_us().saturating_add(every));
        }
    }

    /// net_kernel's tick, when due (every quarter of the tick time): a
    /// tick goes to each peer nothing went to since the last, and a
    /// connection nothing came from for the tick time is down with
    /// `net_tick_timeout`, as OTP takes down one whose peer hangs.
    pub(crate) fn tick_if_due(&mut self) {
        let now = self.now_us();
        if self.dist.next_tick_us.is_none_or(|due| due > now) {
            return;
        }
        let ticktime = self.ticktime_s().saturating_mul(1_000_000);
        let (interval_us, timeout_us) = (ticktime / 4, ticktime);
        let mut silent = Vec::new();
        for c in self.dist.conns.iter_mut().filter(|c| c.state == State::Up) {
            if now.saturating_sub(c.heard_us) > timeout_us {
                silent.push(c.peer.clone());
            } else if now.saturating_sub(c.sent_us) >= interval_us {
                c.sent_us = now;
                self.dist.outbox.push((c.peer.clone(), vec![TICK]));
            }
        }
        for peer in &silent {
            if let Some(c) = self.dist.forget(peer) {
                self.dist.outbox.push((peer.clone(), vec![CLOSE]));
                self.lost(peer, Some((c.kind(), "net_tick_timeout")));
            }
        }
        let up = self.dist.conns.iter().any(|c| c.state == State::Up);
        self.dist.next_tick_us = up.then(|| now.saturating_add(interval_us.max(1)));
    }

    /// The host broke the connection with `peer` (frames lost on the way,
    /// as a TCP connection that cannot stay whole is reset): it ends here,
    /// and the peer is told, as a reset reaches both ends, whether or not
    /// this end had the connection yet (a dialer waits for no answer).
    pub fn connection_broken(&mut self, peer: &Atom) {
        self.dist.outbox.push((peer.clone(), vec![CLOSE]));
        self.connection_lost(peer);
    }

    /// `:erlang.disconnect_node(peer)`: whether a connection was taken down.
    pub(crate) fn disconnect(&mut self, peer: &Atom) -> bool {
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
    pub(crate) fn send_remote(&mut self, from: &Term, peer: &Atom, to: &Term, msg: &Term) {
        if !self.distributed() {
            return;
        }
        let control = match to {
            Term::Atom(_) => vec![
                Term::Int(REG_SEND),
                from.clone(),
                Term::Atom(self.common.empty.clone()),
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
        let bytes = match self.dist.last_sent.take() {
            Some((last, bytes)) if last == control => Ok((last, bytes)),
            _ => encode_control(&control).map(|bytes| (control, bytes)),
        };
        let framed = bytes.and_then(|(control, bytes)| {
            let frame = pass_frame(&bytes, payload, creator);
            self.dist.last_sent = Some((control, bytes));
            frame
        });
        let why = match framed {
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
        // the connection's own frames are kernel traffic
        let text = |t: &str| FrameSummary {
            control: t.to_string(),
            system: t != "?",
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
        let (op, system) = match control.as_tuple() {
            Some(items @ [Term::Int(code), ..]) => (
                control_name(*code),
                items.iter().any(|t| self.is_service(t)),
            ),
            _ => (None, false),
        };
        FrameSummary {
            op,
            system,
            control: self.view_plain(&control),
            payload: payload.map(|p| match p {
                Ok(t) => self.view_plain(&t),
                Err(len) => format!("a term of {len} bytes"),
            }),
        }
    }

    /// A frame from `peer`, carried by the World.
    pub fn frame_in(&mut self, peer: &Atom, bytes: &[u8]) {
        let now = self.now_us();
        if let Some(c) = self.dist.conn_mut(peer) {
            c.heard_us = now;
        }
        match bytes.first() {
            // it is alive: nothing more to do
            Some(&TICK) if bytes.len() == 1 => {}
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
        let now = self.now_us();
        if let Some(c) = self.dist.conn_mut(peer) {
            (c.heard_us, c.sent_us) = (now, now);
        }
        self.ticks_start();
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
            (Some(Term::Int(SPAWN_REQUEST | SPAWN_REPLY)), _) => {
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

    /// `:erlang.term_to_binary/2` of `t` in process `creator`: closures
    /// as they leave the node.
    pub(crate) fn encode_external(
        &self,
        t: &Term,
        creator: Term,
        minor: u8,
    ) -> Result<Vec<u8>, etf::EncodeError> {
        etf::encode_minor_with(t, &funs::Outgoing { creator }, minor)
    }

    /// `:erlang.binary_to_term/2`: the term at the start of `bytes`, its
    /// closures made closures of this node's code (a console closure
    /// compiled again, as one from a peer), and how many bytes it took.
    pub(crate) fn decode_external(
        &mut self,
        bytes: &[u8],
        safe: bool,
    ) -> Result<(Term, usize), DecodeError> {
        self.decode_incoming(|atoms, incoming| {
            etf::decode_prefix_opts(bytes, atoms, incoming, safe)
        })
    }

    /// A message or exit reason from a peer: closures in it become
    /// closures of this node's code.
    fn decode_payload(&mut self, bytes: &[u8]) -> Result<Term, DecodeError> {
        self.decode_incoming(|atoms, incoming| etf::decode_with(bytes, atoms, incoming))
    }

    /// Runs a decoder with the atom table and closures made into this
    /// node's code.
    fn decode_incoming<R>(
        &mut self,
        decode: impl FnOnce(&mut beamplay_term::AtomTable, &mut funs::Incoming<'_>) -> R,
    ) -> R {
        let table = self.atoms.clone();
        let mut atoms = table.borrow_mut();
        let mut incoming = funs::Incoming {
            modules: &self.modules,
            natives: &*self.natives,
            lines: &mut self.dist.lines,
        };
        decode(&mut atoms, &mut incoming)
    }

    fn log(&mut self, text: String) {
        self.console.output(crate::console::ConsoleEvent::Log(text));
    }
}
