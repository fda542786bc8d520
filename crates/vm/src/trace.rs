//! What a node tells the outside about itself, for the UI and tests
//! (issue 4's snapshots and event stream): a trace of events, recorded
//! only while someone listens, and the view of its services (global
//! names and locks, pg and pg2 groups) that the service processes keep
//! up to date through `Beamplay.Runtime.note/1`.
use beamplay_term::{Atom, Term};

use crate::node::Node;

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
    fn apply(&mut self, note: &Term, now_us: u64) -> bool {
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

impl Node {
    /// Starts or stops recording the trace; stopping drops what was not
    /// taken.
    pub fn set_tracing(&mut self, on: bool) {
        self.trace = on.then(Vec::new);
    }

    /// The events recorded since the last call, with the World time (µs)
    /// each happened at.
    pub fn take_trace(&mut self) -> Vec<(u64, Trace)> {
        self.trace.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Records an event if someone listens; `make` runs only then.
    pub(crate) fn traced(&mut self, make: impl FnOnce() -> Trace) {
        if let Some(t) = self.trace.as_mut() {
            t.push((self.clock.get(), make()));
        }
    }

    /// A service process reports a change of its state.
    pub(crate) fn note(&mut self, note: &Term) -> bool {
        let ok = self.view.apply(note, self.clock.get());
        if ok {
            self.traced(|| Trace::Service(note.clone()));
        }
        ok
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
    /// `running`, `runnable`, `waiting` or `exiting`, as `Process.info`.
    pub status: String,
    /// `Module.function/arity` it is in.
    pub current: String,
    pub mailbox: usize,
    pub links: Vec<String>,
    /// What it monitors.
    pub monitors: Vec<String>,
}

impl Node {
    /// Every process of this node, in pid order.
    pub fn process_views(&self) -> Vec<ProcessView> {
        self.process_views_rows(0..usize::MAX)
    }

    /// The processes at `rows` of the pid-ordered list: what a scrolled
    /// view of a node with 100,000 processes builds each frame, views
    /// only for its rows (and a sweep of the list after exits).
    pub fn process_views_rows(&self, rows: std::ops::Range<usize>) -> Vec<ProcessView> {
        let ids = self.live_ids();
        let end = rows.end.min(ids.len());
        ids[rows.start.min(end)..end]
            .iter()
            .filter_map(|id| self.procs.get(id))
            .map(|p| {
                let item = |key| crate::procnatives::info_item(self, p, key);
                let texts = |key| {
                    item(key)
                        .and_then(|t| t.to_vec())
                        .unwrap_or_default()
                        .iter()
                        .map(|t| self.inspect_plain(t))
                        .collect()
                };
                let current = match item("current_function").as_ref().and_then(Term::as_tuple) {
                    Some([m, Term::Atom(f), Term::Int(a)]) => {
                        format!("{}.{}/{a}", self.inspect_plain(m), f.as_str())
                    }
                    _ => String::new(),
                };
                ProcessView {
                    id: p.id,
                    pid: self.inspect_plain(&p.pid),
                    name: p.name.as_ref().map(|a| a.as_str().to_string()),
                    status: match item("status") {
                        Some(Term::Atom(a)) => a.as_str().to_string(),
                        _ => String::new(),
                    },
                    current,
                    mailbox: p.mailbox.len(),
                    links: texts("links"),
                    monitors: texts("monitors"),
                }
            })
            .collect()
    }

    /// The messages waiting in a process's mailbox, printed.
    pub fn mailbox_view(&self, id: u32) -> Vec<String> {
        self.procs
            .get(&id)
            .map(|p| p.mailbox.iter().map(|m| self.inspect_iex(m)).collect())
            .unwrap_or_default()
    }
}
