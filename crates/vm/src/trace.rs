//! What a node tells the outside about itself, for the UI and tests: the
//! events of its trace (recorded only while someone listens, `Node::traced`),
//! the view of its services (global names and locks, pg and pg2 groups)
//! that the service processes keep up to date through
//! `Beamplay.Runtime.note/1`, and processes as the UI lists them
//! (`views.rs` builds them).
use beamplay_term::{Atom, Term};

/// One thing that happened on a node.
#[derive(Debug, Clone)]
pub enum Trace {
    Spawn {
        pid: Term,
    },
    Exit {
        pid: Term,
        reason: Term,
    },
    /// A process sent a message (to a local or a remote destination).
    Send {
        from: Term,
        to: Term,
        msg: Term,
    },
    /// A message was put in a local mailbox.
    Deliver {
        to: Term,
        msg: Term,
    },
    Register {
        name: Atom,
        pid: Term,
    },
    Unregister {
        name: Atom,
    },
    NodeUp(Atom),
    NodeDown(Atom),
    /// A service changed its state: `{:global_name, name, pid | nil}`,
    /// `{:global_lock, resource, requester, holders}`,
    /// `{:lock_waiting, resource, pid, {attempts, sleep_ms} | false}`,
    /// `{:pg, scope, server, group, members}`, `{:pg2, server, group,
    /// members | :deleted}`.
    Service(Term),
    /// Text written to a console.
    Output(String),
}

/// A global lock as one node's global_name_server holds it.
#[derive(Debug, Clone)]
pub struct Lock {
    pub resource: Term,
    pub requester: Term,
    pub holders: Vec<Term>,
}

/// A process waiting in `:global.set_lock`: not in a queue, but retrying
/// after a random sleep that grows with its attempts, as global.erl's
/// `random_sleep` does.
#[derive(Debug, Clone)]
pub struct LockWaiter {
    pub resource: Term,
    pub pid: Term,
    /// Attempts made so far (each refused by some node).
    pub attempts: u64,
    /// World time (µs) of its next attempt.
    pub retry_at_us: u64,
}

/// A group of a :pg scope or of :pg2 (whose scope is `:pg2`).
#[derive(Debug, Clone)]
pub struct Group {
    pub scope: Term,
    /// The scope's process: a group of a dead scope is gone.
    pub server: Term,
    pub name: Term,
    pub members: Vec<Term>,
}

/// The state of a node's services, as they last reported it.
#[derive(Debug, Clone, Default)]
pub struct ServiceView {
    /// Global names as this node's global_name_server has them.
    pub global_names: Vec<(Term, Term)>,
    pub locks: Vec<Lock>,
    /// Processes of this node waiting in `:global.set_lock`, in the order
    /// they began to wait.
    pub lock_waiters: Vec<LockWaiter>,
    pub groups: Vec<Group>,
}

impl ServiceView {
    /// Applies a note from a service process, made at World time
    /// `now_us`; false if it is not one.
    pub(crate) fn apply(&mut self, note: &Term, now_us: u64) -> bool {
        let Some(items) = note.as_tuple() else {
            return false;
        };
        match items {
            [kind, name, pid] if kind.is_atom("global_name") => {
                self.global_names.retain(|(n, _)| n != name);
                if !pid.is_atom("nil") {
                    self.global_names.push((name.clone(), pid.clone()));
                }
            }
            [kind, resource, requester, holders] if kind.is_atom("global_lock") => {
                self.locks.retain(|l| l.resource != *resource);
                let holders = holders.to_vec().unwrap_or_default();
                if !holders.is_empty() {
                    self.locks.push(Lock {
                        resource: resource.clone(),
                        requester: requester.clone(),
                        holders,
                    });
                }
            }
            [kind, resource, pid, state] if kind.is_atom("lock_waiting") => {
                let at = self
                    .lock_waiters
                    .iter()
                    .position(|w| w.resource == *resource && w.pid == *pid);
                let waiter = match state.as_tuple() {
                    Some([Term::Int(attempts), Term::Int(sleep_ms)]) => Some(LockWaiter {
                        resource: resource.clone(),
                        pid: pid.clone(),
                        attempts: u64::try_from(*attempts).unwrap_or(0),
                        retry_at_us: u64::try_from(*sleep_ms)
                            .unwrap_or(0)
                            .saturating_mul(1000)
                            .saturating_add(now_us),
                    }),
                    _ => None,
                };
                // a waiter keeps its place as it retries
                match (at, waiter) {
                    (Some(i), Some(w)) => self.lock_waiters[i] = w,
                    (None, Some(w)) => self.lock_waiters.push(w),
                    (Some(i), None) => {
                        self.lock_waiters.remove(i);
                    }
                    (None, None) => {}
                }
            }
            [kind, scope, server, group, members] if kind.is_atom("pg") => {
                self.set_group(scope, server, group, members);
            }
            [scope, server, group, members] if scope.is_atom("pg2") => {
                self.set_group(scope, server, group, members);
            }
            _ => return false,
        }
        true
    }

    /// A group's members now; a group deleted (`:deleted`) is gone.
    fn set_group(&mut self, scope: &Term, server: &Term, group: &Term, members: &Term) {
        self.groups
            .retain(|g| !(g.scope == *scope && g.name == *group));
        if let Some(members) = members.to_vec() {
            self.groups.push(Group {
                scope: scope.clone(),
                server: server.clone(),
                name: group.clone(),
                members,
            });
        }
    }
}

/// A process as the UI lists it: its terms printed as its node's console
/// prints them.
#[derive(Debug, Clone)]
pub struct ProcessView {
    /// Its number on its node, for `mailbox_view`.
    pub id: u32,
    pub pid: String,
    pub name: Option<String>,
    /// `running`, `runnable` or `waiting`, as `Process.info` says.
    pub status: String,
    /// `Module.function/arity` it is in.
    pub current: String,
    pub mailbox: usize,
    pub links: Vec<String>,
    /// What it monitors.
    pub monitors: Vec<String>,
}
