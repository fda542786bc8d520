//! What a local process holds with processes of other nodes (links and
//! monitors), by local process id: each side of a tie keeps its half, so
//! losing a connection ends them with `:noconnection` on each side.
use beamplay_term::{Atom, Term};

/// A monitor between a local process and a process of `peer`.
pub(crate) struct RemoteMonitor {
    pub reference: Term,
    pub peer: Atom,
    /// The remote end: the watching pid (for monitors held on us), or the
    /// target as it was named, a pid or a registered name (for ours).
    pub other: Term,
    /// For our monitors, what `:DOWN` names: the pid or `{name, node}`.
    /// For monitors held on us, the target as the watcher named it.
    pub object: Term,
    /// When it was made, among this node's ties with other nodes.
    pub seq: u64,
}

/// A link between a local process and `pid`, a process of another node.
pub(crate) struct RemoteLink {
    pub pid: Term,
    /// When it was made, among this node's ties with other nodes.
    pub seq: u64,
}

/// What one local process holds with processes of other nodes.
#[derive(Default)]
pub(crate) struct Ties {
    pub links: Vec<RemoteLink>,
    /// Monitors this process holds on remote processes.
    pub monitoring: Vec<RemoteMonitor>,
    /// Monitors remote processes hold on this one.
    pub monitored_by: Vec<RemoteMonitor>,
}

impl Ties {
    pub(super) fn is_empty(&self) -> bool {
        self.links.is_empty() && self.monitoring.is_empty() && self.monitored_by.is_empty()
    }

    pub(super) fn linked(&self, pid: &Term) -> bool {
        self.links.iter().any(|l| l.pid == *pid)
    }

    /// Links to `pid` unless already linked.
    pub(super) fn link(&mut self, pid: &Term, seq: u64) -> bool {
        let new = !self.linked(pid);
        if new {
            self.links.push(RemoteLink {
                pid: pid.clone(),
                seq,
            });
        }
        new
    }
}
