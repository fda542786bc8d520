//! Links, monitors and exit signals between a process of this node and
//! one of another node (OTP_SEMANTICS.md §4), carried as OTP 25's
//! distribution control messages. Each side keeps its half: what a local
//! process holds with remote ones is in [`Ties`], by local process id.
use beamplay_term::etf::DecodeError;
use beamplay_term::{Atom, Term};

use super::state::take_where;
use super::ties::{RemoteMonitor, Ties};
use super::wire::{
    DEMONITOR_P, LINK, MONITOR_P, PAYLOAD_EXIT, PAYLOAD_EXIT2, PAYLOAD_MONITOR_P_EXIT, UNLINK_ID,
    UNLINK_ID_ACK,
};
use crate::node::Node;
use crate::process::Process;

/// What losing a connection does to a local process, in the order the
/// ties were made (OTP keeps one list per connection).
enum Lost {
    Exit(u32, Term),
    Down(u32, Term, Term),
    NodeDown(u32),
}

/// The node a pid term belongs to.
fn node_of(pid: &Term) -> Option<&Atom> {
    match pid {
        Term::Pid(p) => Some(&p.node),
        _ => None,
    }
}

impl Node {
    pub(super) fn ties(&mut self, id: u32) -> &mut Ties {
        self.dist.ties.entry(id).or_default()
    }

    fn tidy_ties(&mut self, id: u32) {
        if self.dist.ties.get(&id).is_some_and(Ties::is_empty) {
            self.dist.ties.remove(&id);
        }
    }

    /// Remote pids linked to local process `id` (`Process.info(pid, :links)`).
    pub(crate) fn remote_links(&self, id: u32) -> Vec<Term> {
        self.dist
            .ties
            .get(&id)
            .map(|t| t.links.iter().map(|l| l.pid.clone()).collect())
            .unwrap_or_default()
    }

    /// Remote objects local process `id` monitors, newest first (as OTP lists them).
    pub(crate) fn remote_monitoring(&self, id: u32) -> Vec<Term> {
        self.dist
            .ties
            .get(&id)
            .map(|t| {
                t.monitoring
                    .iter()
                    .rev()
                    .map(|m| m.object.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Remote pids monitoring local process `id`.
    pub(crate) fn remote_monitored_by(&self, id: u32) -> Vec<Term> {
        self.dist
            .ties
            .get(&id)
            .map(|t| t.monitored_by.iter().map(|m| m.other.clone()).collect())
            .unwrap_or_default()
    }

    /// `Process.link(pid)` for a pid of another node: the link holds at
    /// once on this side; the peer answers `:noproc` if the process is gone.
    pub(crate) fn link_remote(&mut self, p: &mut Process, pid: &Term) {
        let Some(peer) = node_of(pid).cloned() else {
            return;
        };
        if !self.distributed() {
            let reason = self.atom_term("noconnection");
            self.exit_signal(p.id, pid.clone(), reason, false);
            return;
        }
        let seq = self.dist.next_tie();
        if self.ties(p.id).link(pid, seq) {
            self.control_out(
                &peer,
                vec![Term::Int(LINK), p.pid.clone(), pid.clone()],
                None,
            );
        }
    }

    pub(crate) fn unlink_remote(&mut self, p: &Process, pid: &Term) {
        let Some(peer) = node_of(pid).cloned() else {
            return;
        };
        let Some(t) = self.dist.ties.get_mut(&p.id) else {
            return;
        };
        let Some(i) = t.links.iter().position(|l| l.pid == *pid) else {
            return;
        };
        t.links.remove(i);
        self.tidy_ties(p.id);
        self.dist.next_unlink += 1;
        let id = Term::Int(self.dist.next_unlink as i64);
        self.control_out(
            &peer,
            vec![Term::Int(UNLINK_ID), id, p.pid.clone(), pid.clone()],
            None,
        );
    }

    /// `Process.monitor` of a process of `peer`: `target` is its pid or
    /// registered name, `object` what the `:DOWN` message will name.
    pub(crate) fn monitor_remote(
        &mut self,
        p: &mut Process,
        peer: &Atom,
        target: Term,
        object: Term,
    ) -> Term {
        let reference = self.make_ref();
        if !self.distributed() {
            let reason = self.atom_term("noconnection");
            let down = self.down_message(&reference, object, reason);
            p.mailbox.push_back(down);
            return reference;
        }
        let seq = self.dist.next_tie();
        self.ties(p.id).monitoring.push(RemoteMonitor {
            reference: reference.clone(),
            peer: peer.clone(),
            other: target.clone(),
            object,
            seq,
        });
        self.control_out(
            peer,
            vec![
                Term::Int(MONITOR_P),
                p.pid.clone(),
                target,
                reference.clone(),
            ],
            None,
        );
        reference
    }

    /// `Process.demonitor/1` of a monitor on a remote process: whether
    /// there was one.
    pub(crate) fn demonitor_remote(&mut self, p: &Process, reference: &Term) -> bool {
        let Some(t) = self.dist.ties.get_mut(&p.id) else {
            return false;
        };
        let Some(i) = t.monitoring.iter().position(|m| m.reference == *reference) else {
            return false;
        };
        let m = t.monitoring.remove(i);
        self.tidy_ties(p.id);
        self.control_out(
            &m.peer,
            vec![Term::Int(DEMONITOR_P), p.pid.clone(), m.other, m.reference],
            None,
        );
        true
    }

    /// `Process.exit(pid, reason)` for a pid of another node.
    pub(crate) fn exit_remote(&mut self, from: &Term, pid: &Term, reason: &Term) {
        if let Some(peer) = node_of(pid).cloned() {
            self.control_out(
                &peer,
                vec![Term::Int(PAYLOAD_EXIT2), from.clone(), pid.clone()],
                Some(reason),
            );
        }
    }

    /// A link signal from a remote process reached local process `to`:
    /// the link is gone.
    pub(crate) fn drop_remote_link(&mut self, to: u32, from: &Term) {
        if let Some(t) = self.dist.ties.get_mut(&to) {
            t.links.retain(|l| l.pid != *from);
            self.tidy_ties(to);
        }
    }

    /// Local process `id` (pid `pid`) ended with `reason`: its remote
    /// links get exit signals, remote watchers `:DOWN`, and the monitors
    /// it held are taken down. Links go first, as in OTP.
    pub(crate) fn ties_exit(&mut self, id: u32, pid: &Term, reason: &Term) {
        let Some(t) = self.dist.ties.remove(&id) else {
            return;
        };
        for l in t.links {
            if let Some(peer) = node_of(&l.pid).cloned() {
                self.control_out(
                    &peer,
                    vec![Term::Int(PAYLOAD_EXIT), pid.clone(), l.pid],
                    Some(reason),
                );
            }
        }
        for m in t.monitored_by {
            self.control_out(
                &m.peer,
                vec![
                    Term::Int(PAYLOAD_MONITOR_P_EXIT),
                    m.object,
                    m.other,
                    m.reference,
                ],
                Some(reason),
            );
        }
        for m in t.monitoring {
            self.control_out(
                &m.peer,
                vec![Term::Int(DEMONITOR_P), pid.clone(), m.other, m.reference],
                None,
            );
        }
    }

    /// The connection to `peer` is gone: links to its processes fire,
    /// monitors on its processes go `:DOWN` (both with `:noconnection`)
    /// and `Node.monitor`s send `{:nodedown, peer}`, all in the order
    /// they were made, as OTP does.
    pub(super) fn ties_lost(&mut self, peer: &Atom) {
        let mut lost: Vec<(u64, Lost)> = Vec::new();
        for (id, t) in self.dist.ties.iter_mut() {
            t.links.retain(|l| {
                let theirs = node_of(&l.pid) == Some(peer);
                if theirs {
                    lost.push((l.seq, Lost::Exit(*id, l.pid.clone())));
                }
                !theirs
            });
            t.monitoring.retain(|m| {
                if m.peer == *peer {
                    let down = Lost::Down(*id, m.reference.clone(), m.object.clone());
                    lost.push((m.seq, down));
                }
                m.peer != *peer
            });
            t.monitored_by.retain(|m| m.peer != *peer);
        }
        self.dist.ties.retain(|_, t| !t.is_empty());
        let watchers = take_where(&mut self.dist.node_monitors, |(_, n, _)| n == peer);
        lost.extend(
            watchers
                .into_iter()
                .map(|(id, _, seq)| (seq, Lost::NodeDown(id))),
        );
        beamplay_term::sort::sort_by(&mut lost, |a, b| a.0.cmp(&b.0));
        let reason = self.atom_term("noconnection");
        let nodedown = Term::tuple(vec![self.atom_term("nodedown"), Term::Atom(peer.clone())]);
        for (_, what) in lost {
            match what {
                Lost::Exit(id, from) => self.exit_signal(id, from, reason.clone(), true),
                Lost::Down(id, r, object) => {
                    let down = self.down_message(&r, object, reason.clone());
                    self.deliver(None, id, down);
                }
                Lost::NodeDown(id) => self.deliver(None, id, nodedown.clone()),
            }
        }
    }

    /// The local process a signal names: a pid or a registered name.
    fn resolve(&self, target: &Term) -> Option<u32> {
        let id = match target {
            Term::Atom(name) => self.whereis(name),
            _ => self.local_id(target),
        }?;
        self.is_alive(id).then_some(id)
    }

    /// A link or monitor control message from `peer`; `payload` reads the
    /// exit reason of the `PAYLOAD_` ones.
    pub(super) fn signal_in(
        &mut self,
        peer: &Atom,
        items: &[Term],
        payload: &dyn Fn(&mut Node) -> Result<Term, DecodeError>,
    ) -> Result<(), DecodeError> {
        let noproc = || self.atom_term("noproc");
        match items {
            [Term::Int(LINK), from, to] => match self.resolve(to) {
                Some(id) if matches!(to, Term::Pid(_)) => {
                    let seq = self.dist.next_tie();
                    self.ties(id).link(from, seq);
                }
                _ => {
                    let reason = noproc();
                    self.control_out(
                        peer,
                        vec![Term::Int(PAYLOAD_EXIT), to.clone(), from.clone()],
                        Some(&reason),
                    );
                }
            },
            [Term::Int(PAYLOAD_EXIT), from, to] => {
                let reason = payload(self)?;
                if let Some(id) = self.local_id(to) {
                    let linked = self.dist.ties.get(&id).is_some_and(|t| t.linked(from));
                    if linked {
                        self.exit_signal(id, from.clone(), reason, true);
                    }
                }
            }
            [Term::Int(PAYLOAD_EXIT2), from, to] => {
                let reason = payload(self)?;
                if let Some(id) = self.local_id(to) {
                    self.exit_signal(id, from.clone(), reason, false);
                }
            }
            [Term::Int(UNLINK_ID), uid, from, to] => {
                if let Some(id) = self.local_id(to) {
                    self.drop_remote_link(id, from);
                }
                self.control_out(
                    peer,
                    vec![
                        Term::Int(UNLINK_ID_ACK),
                        uid.clone(),
                        to.clone(),
                        from.clone(),
                    ],
                    None,
                );
            }
            [Term::Int(UNLINK_ID_ACK), _, _, _] => {}
            [Term::Int(MONITOR_P), from, to, reference] => match self.resolve(to) {
                Some(id) => {
                    let seq = self.dist.next_tie();
                    self.ties(id).monitored_by.push(RemoteMonitor {
                        reference: reference.clone(),
                        peer: peer.clone(),
                        other: from.clone(),
                        object: to.clone(),
                        seq,
                    });
                }
                None => {
                    let reason = noproc();
                    self.control_out(
                        peer,
                        vec![
                            Term::Int(PAYLOAD_MONITOR_P_EXIT),
                            to.clone(),
                            from.clone(),
                            reference.clone(),
                        ],
                        Some(&reason),
                    );
                }
            },
            [Term::Int(DEMONITOR_P), _, _, reference] => {
                let holder = self
                    .dist
                    .ties
                    .iter()
                    .find(|(_, t)| t.monitored_by.iter().any(|m| m.reference == *reference))
                    .map(|(id, _)| *id);
                if let Some(id) = holder {
                    self.ties(id)
                        .monitored_by
                        .retain(|m| m.reference != *reference);
                    self.tidy_ties(id);
                }
            }
            [Term::Int(PAYLOAD_MONITOR_P_EXIT), _, to, reference] => {
                let reason = payload(self)?;
                let Some(id) = self.local_id(to) else {
                    return Ok(());
                };
                let Some(t) = self.dist.ties.get_mut(&id) else {
                    return Ok(());
                };
                if let Some(i) = t.monitoring.iter().position(|m| m.reference == *reference) {
                    let m = t.monitoring.remove(i);
                    self.tidy_ties(id);
                    let down = self.down_message(&m.reference, m.object, reason);
                    self.deliver(None, id, down);
                }
            }
            _ => return Err(DecodeError::BadField),
        }
        Ok(())
    }
}
