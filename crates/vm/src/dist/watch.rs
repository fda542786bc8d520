//! Watching nodes (OTP_SEMANTICS.md §2): `Node.monitor/2` and
//! `:net_kernel.monitor_nodes/1,2`.
use beamplay_term::{Atom, Term};

use crate::node::Node;
use crate::trace::Trace;

/// A `monitor_nodes` subscription: its process and how it wants the
/// messages.
pub(crate) struct Watcher {
    id: u32,
    info: Info,
}

/// The shape of `monitor_nodes` messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Info {
    /// `{:nodeup, n}`.
    Plain,
    /// `{:nodeup, n, []}`; `nodedown_reason` says whether nodedowns carry
    /// `[nodedown_reason: r]`.
    List { nodedown_reason: bool },
    /// `{:nodeup, n, %{}}`.
    Map,
}

impl Node {
    /// `Node.monitor(peer, true)` for process `id`: one `{:nodedown, peer}`
    /// per call, at once if the node cannot be reached.
    pub fn monitor_node(&mut self, id: u32, peer: &Atom) {
        self.dist.node_monitors.push((id, peer.clone()));
        if *peer != self.name && !self.dist.is_up(peer) {
            self.dist.dial(peer);
        }
    }

    /// `Node.monitor(peer, false)`: one monitor fewer.
    pub fn demonitor_node(&mut self, id: u32, peer: &Atom) {
        if let Some(i) = self
            .dist
            .node_monitors
            .iter()
            .position(|(w, n)| *w == id && n == peer)
        {
            self.dist.node_monitors.remove(i);
        }
    }

    /// `:net_kernel.monitor_nodes(flag, opts)` for process `id`.
    pub fn monitor_nodes(&mut self, id: u32, on: bool, info: Info) {
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
            self.dist.node_monitors.retain(|(w, _)| *w != id);
        }
        if !self.dist.watchers.is_empty() {
            self.dist.watchers.retain(|w| w.id != id);
        }
    }

    /// The connection to `peer` came up.
    pub(super) fn node_up(&mut self, peer: &Atom) {
        self.traced(|| Trace::NodeUp(peer.clone()));
        self.tell_watchers("nodeup", peer, |info| match info {
            Info::Plain => None,
            Info::List { .. } => Some(Term::Nil),
            Info::Map => Some(Term::map(Default::default())),
        });
    }

    /// `{event, peer}` to every `monitor_nodes` subscriber, with the info
    /// `extra` gives for the shape it asked for.
    fn tell_watchers(&mut self, event: &str, peer: &Atom, extra: impl Fn(Info) -> Option<Term>) {
        let tag = self.atom_term(event);
        let msgs: Vec<(u32, Term)> = self
            .dist
            .watchers
            .iter()
            .map(|w| {
                let mut items = vec![tag.clone(), Term::Atom(peer.clone())];
                items.extend(extra(w.info));
                (w.id, Term::tuple(items))
            })
            .collect();
        for (id, m) in msgs {
            self.deliver(None, id, m);
        }
    }

    /// `Node.monitor` watchers of `peer` get `{:nodedown, peer}`.
    pub(super) fn node_monitors_down(&mut self, peer: &Atom) {
        let down = self.atom_term("nodedown");
        for (id, _) in super::take_where(&mut self.dist.node_monitors, |(_, n)| n == peer) {
            let m = Term::tuple(vec![down.clone(), Term::Atom(peer.clone())]);
            self.deliver(None, id, m);
        }
    }

    /// `monitor_nodes` subscribers learn that `peer` went down, for
    /// `reason` (`:disconnect` or `:connection_closed`).
    pub(super) fn watchers_down(&mut self, peer: &Atom, reason: &str) {
        self.traced(|| Trace::NodeDown(peer.clone()));
        let why = Term::tuple(vec![
            self.atom_term("nodedown_reason"),
            self.atom_term(reason),
        ]);
        self.tell_watchers("nodedown", peer, |info| match info {
            Info::Plain => None,
            Info::List { nodedown_reason } => Some(if nodedown_reason {
                Term::list([why.clone()])
            } else {
                Term::Nil
            }),
            Info::Map => Some(Term::map(Default::default())),
        });
    }
}
