//! Watching nodes (OTP_SEMANTICS.md §2): `Node.monitor/2` and
//! `:net_kernel.monitor_nodes/1,2`.
use beamplay_term::{Atom, Term};

use super::state::{Form, Info, Watcher};
use crate::node::Node;
use crate::trace::Trace;

impl Node {
    /// `Node.monitor(peer, true)` for process `id`: one `{:nodedown, peer}`
    /// per call, at once if the node cannot be reached.
    pub(crate) fn monitor_node(&mut self, id: u32, peer: &Atom) {
        let seq = self.dist.next_tie();
        self.dist.node_monitors.push((id, peer.clone(), seq));
        if *peer != self.name && !self.dist.is_up(peer) {
            self.dist.dial(peer);
        }
    }

    /// `Node.monitor(peer, false)`: one monitor fewer.
    pub(crate) fn demonitor_node(&mut self, id: u32, peer: &Atom) {
        if let Some(i) = self
            .dist
            .node_monitors
            .iter()
            .position(|(w, n, _)| *w == id && n == peer)
        {
            self.dist.node_monitors.remove(i);
        }
    }

    /// `:net_kernel.monitor_nodes(flag, opts)` for process `id`.
    pub(crate) fn monitor_nodes(&mut self, id: u32, on: bool, info: Info) {
        if on {
            self.dist.watchers.push(Watcher { id, info });
        } else {
            self.dist
                .watchers
                .retain(|w| !(w.id == id && w.info == info));
        }
    }

    /// A process ended: its node monitors and subscriptions go.
    pub(crate) fn watch_exit(&mut self, id: u32) {
        if !self.dist.node_monitors.is_empty() {
            self.dist.node_monitors.retain(|(w, _, _)| *w != id);
        }
        if !self.dist.watchers.is_empty() {
            self.dist.watchers.retain(|w| w.id != id);
        }
    }

    /// The connection to `peer` came up.
    pub(super) fn node_up(&mut self, peer: &Atom, conn: (bool, u64)) {
        self.traced(|| Trace::NodeUp(peer.clone()));
        self.tell_watchers("nodeup", peer, conn, None);
    }

    /// `{event, peer}` to every `monitor_nodes` subscriber that hears of
    /// this kind of connection (hidden or not, and its id), with the
    /// information it asked for, in OTP's order: the connection id, for a
    /// nodedown the reason, the node type.
    fn tell_watchers(
        &mut self,
        event: &str,
        peer: &Atom,
        (hidden, conn): (bool, u64),
        reason: Option<&str>,
    ) {
        let tag = self.atom_term(event);
        let id_key = self.atom_term("connection_id");
        let node_type = self.atom_term(if hidden { "hidden" } else { "visible" });
        let (type_key, reason_key) = (
            self.atom_term("node_type"),
            self.atom_term("nodedown_reason"),
        );
        let reason = reason.map(|r| self.atom_term(r));
        let msgs: Vec<(u32, Term)> = self
            .dist
            .watchers
            .iter()
            .filter(|w| w.info.hears(hidden))
            .map(|w| {
                let mut pairs = Vec::new();
                if w.info.connection_id {
                    pairs.push((id_key.clone(), Term::Int(conn as i64)));
                }
                if let (true, Some(r)) = (w.info.nodedown_reason, &reason) {
                    pairs.push((reason_key.clone(), r.clone()));
                }
                if w.info.node_type.is_some() {
                    pairs.push((type_key.clone(), node_type.clone()));
                }
                let mut items = vec![tag.clone(), Term::Atom(peer.clone())];
                match w.info.form {
                    Form::Plain => {}
                    Form::List => items.push(Term::list(
                        pairs.into_iter().map(|(k, v)| Term::tuple(vec![k, v])),
                    )),
                    Form::Map => items.push(Term::map(pairs.into_iter().collect())),
                }
                (w.id, Term::tuple(items))
            })
            .collect();
        for (id, m) in msgs {
            self.deliver(None, id, m);
        }
    }

    /// `monitor_nodes` subscribers learn that `peer` went down, for
    /// `reason` (`:disconnect` or `:connection_closed`).
    pub(super) fn watchers_down(&mut self, peer: &Atom, conn: (bool, u64), reason: &str) {
        self.traced(|| Trace::NodeDown(peer.clone()));
        self.tell_watchers("nodedown", peer, conn, Some(reason));
    }
}
