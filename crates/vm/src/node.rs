//! One node: its processes, scheduler, registered names, timers, modules
//! and console. Nodes share nothing; the World (cluster crate) owns them
//! and drives their clocks.
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};

use rustc_hash::FxHashMap;
use std::rc::Rc;

use beamplay_term::{Atom, AtomTable, PidData, RefData, Term};

use crate::code::ModuleTable;
use crate::console::{Console, ConsoleEvent};
use crate::dist::state::Dist;
use crate::native::{Argv, Ctx, NativeOut, NativeTable, Raise, Rng};
use crate::process::{Kind, Monitor, Process, Status};
use crate::trace::{ServiceView, Trace};

/// A native that acts on the calling process and its node (`send`,
/// `spawn`, `link`...): the runtime's half of the one native table.
pub type ProcNativeFn = fn(&mut Node, &mut Process, Argv<'_>) -> NativeOut;

/// The runtime's native table: pure and process natives.
pub type Natives = NativeTable<ProcNativeFn>;

/// Limits, each reported with a clear error when passed.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_processes: usize,
    /// 8-byte words a process may hold (BEAM's `max_heap_size`): its
    /// register stack, frames, mailbox and the terms they reach, shared
    /// terms counted once. Runaway recursion or allocation past it kills
    /// the process (reason `:killed`) with a `maximum heap size reached`
    /// report; the node goes on.
    pub max_heap_words: usize,
    pub reductions_per_slice: u32,
    pub max_line_bytes: usize,
}

/// Heap words per process: 512 MB natively, 128 MB in a browser tab.
const MAX_HEAP_WORDS: usize = if cfg!(target_arch = "wasm32") {
    16 * 1024 * 1024
} else {
    64 * 1024 * 1024
};

/// Processes a node may hold: OTP's default (`+P`), about 130 MB of idle
/// processes.
const MAX_PROCESSES: usize = 262_144;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_processes: MAX_PROCESSES,
            max_heap_words: MAX_HEAP_WORDS,
            reductions_per_slice: 4000,
            max_line_bytes: 64 * 1024,
        }
    }
}

pub(crate) enum Timer {
    Send {
        to: Term,
        msg: Term,
        reference: Term,
    },
    /// A receive timeout; the process's `armed_timer` holds the token
    /// of the one that counts.
    Timeout { pid: u32 },
}

/// Atoms (and terms of them) the runtime uses all the time, made once
/// per node.
pub(crate) struct CommonAtoms {
    /// `:""`, the empty name a REG_SEND control message carries.
    pub empty: Atom,
    pub ok: Atom,
    pub error: Atom,
    pub true_: Atom,
    pub false_: Atom,
    pub normal: Atom,
    pub killed: Atom,
    pub exit_tag: Atom,
    pub down: Atom,
    pub process: Atom,
    pub noproc: Atom,
    pub undef: Atom,
    pub io_reply: Atom,
    pub erl_eval: Atom,
    /// `{:erlang, :apply, 2}`: the initial call of every `spawn(fun)`,
    /// shared rather than made for each process.
    pub apply_2: Term,
}

impl CommonAtoms {
    fn new(t: &mut AtomTable) -> CommonAtoms {
        let mut a = |s: &str| t.intern(s).unwrap_or_else(|_| Atom::new_uninterned(s));
        CommonAtoms {
            ok: a("ok"),
            error: a("error"),
            true_: a("true"),
            false_: a("false"),
            normal: a("normal"),
            killed: a("killed"),
            exit_tag: a("EXIT"),
            down: a("DOWN"),
            process: a("process"),
            noproc: a("noproc"),
            undef: a("undef"),
            io_reply: a("io_reply"),
            erl_eval: a("erl_eval"),
            empty: a(""),
            apply_2: Term::tuple(vec![
                Term::Atom(a("erlang")),
                Term::Atom(a("apply")),
                Term::Int(2),
            ]),
        }
    }
}

/// A signal waiting for the running process's slice to end.
pub(crate) enum Pending {
    Message(u32, Term),
    /// To, from, reason, whether a link carried it.
    Exit(u32, Term, Term, bool),
    /// The DOWN of monitor `reference` held by `to`, the running process:
    /// taken, it ends the monitor; dropped if `to` demonitored first, as
    /// BEAM drops a DOWN for a monitor that is gone.
    Down(u32, Term, Term),
}

pub struct Node {
    pub(crate) name: Atom,
    pub(crate) creation: u32,
    pub(crate) atoms: Rc<RefCell<AtomTable>>,
    pub(crate) common: CommonAtoms,
    pub(crate) natives: Rc<Natives>,
    pub(crate) modules: ModuleTable,
    pub(crate) procs: FxHashMap<u32, Box<Process>>,
    /// The processes' ids in pid order, for the views: a spawn appends
    /// (ids only grow), an exit leaves its id until a view sweeps the
    /// list (`live_ids`), so a view of a node whose processes do not
    /// change costs nothing however many there are.
    view_ids: RefCell<Vec<u32>>,
    /// Some process has exited since the last sweep.
    pub(crate) view_stale: Cell<bool>,
    pub(crate) run_queue: VecDeque<u32>,
    pub(crate) registry: FxHashMap<Atom, u32>,
    next_id: u32,
    next_ref: u32,
    pub(crate) timers: BTreeMap<(u64, u64), Timer>,
    next_timer: u64,
    /// World time in microseconds (shared with the World).
    pub(crate) clock: Rc<Cell<u64>>,
    pub(crate) rng: Rng,
    pub(crate) limits: Limits,
    pub(crate) console: Console,
    /// Signals for the process that is running, from code that does not
    /// hold it (another process's exit, a lost connection, the DOWN of a
    /// dead process it monitors): its signal queue, in the order they were
    /// sent, handled where BEAM handles them (`absorb_pending`) or after
    /// its slice.
    pub(crate) pending: Vec<Pending>,
    pub(crate) running: Option<u32>,
    /// Connections to other nodes (DESIGN.md invariant 3).
    pub(crate) dist: Dist,
    /// Events recorded while tracing is on (trace.rs).
    pub(crate) trace: Option<Vec<(u64, Trace)>>,
    /// The state of this node's services, as they report it.
    pub(crate) view: ServiceView,
    /// The other nodes this one has printed a pid or reference of, by
    /// name and creation, in the order it met them: the first number of
    /// `#PID<N.x.y>` is `REMOTE_NUMBERS + position`, as BEAM prints each
    /// node under its own entry of the printing node's node table (a
    /// restarted node, with a new creation, gets a new one).
    remote_nodes: RefCell<Vec<(Atom, Option<u32>)>>,
}

/// The number of the first remote node a node prints (BEAM's node
/// table entries print as numbers of this size, e.g. `#PID<10881.102.0>`).
const REMOTE_NUMBERS: u32 = 10_881;

/// The number entry `at` of a node table prints as.
fn remote_number(at: usize) -> u32 {
    REMOTE_NUMBERS.saturating_add(u32::try_from(at).unwrap_or(u32::MAX))
}

/// The entry of `node` at `creation` in a node table: the one with that
/// creation, else the node's entry that has none yet.
fn entry(table: &[(Atom, Option<u32>)], node: &Atom, creation: u32) -> Option<usize> {
    table
        .iter()
        .position(|(n, c)| n == node && *c == Some(creation))
        .or_else(|| table.iter().position(|(n, c)| n == node && c.is_none()))
}

impl Node {
    pub(crate) fn new(
        name: &str,
        creation: u32,
        atoms: Rc<RefCell<AtomTable>>,
        natives: Rc<Natives>,
        clock: Rc<Cell<u64>>,
        seed: u64,
    ) -> Node {
        let (name_atom, common) = {
            let mut t = atoms.borrow_mut();
            let n = t
                .intern(name)
                .unwrap_or_else(|_| Atom::new_uninterned(name));
            (n, CommonAtoms::new(&mut t))
        };
        let mut node = Node {
            name: name_atom,
            creation,
            atoms,
            common,
            natives,
            modules: ModuleTable::default(),
            procs: FxHashMap::default(),
            view_ids: RefCell::new(Vec::new()),
            view_stale: Cell::new(false),
            run_queue: VecDeque::new(),
            registry: FxHashMap::default(),
            next_id: 100,
            next_ref: 1,
            timers: BTreeMap::new(),
            next_timer: 1,
            clock,
            rng: Rng::new(seed),
            limits: Limits::default(),
            console: Console::default(),
            pending: Vec::new(),
            running: None,
            dist: Dist::default(),
            trace: None,
            view: ServiceView::default(),
            remote_nodes: RefCell::new(Vec::new()),
        };
        node.start_console();
        // a node is born without a name and takes one as it starts
        // distribution, so it has known `nonode@nohost` (`Node.list(:known)`)
        if node.distributed() {
            let unnamed = node.atom("nonode@nohost");
            node.dist.learn(&unnamed);
        }
        node
    }

    pub(crate) fn atom(&self, s: &str) -> Atom {
        self.atoms
            .borrow_mut()
            .intern(s)
            .unwrap_or_else(|_| Atom::new_uninterned(s))
    }

    pub(crate) fn atom_term(&self, s: &str) -> Term {
        Term::Atom(self.atom(s))
    }

    pub(crate) fn bool(&self, b: bool) -> Term {
        Term::Atom(if b {
            self.common.true_.clone()
        } else {
            self.common.false_.clone()
        })
    }

    pub(crate) fn now_us(&self) -> u64 {
        self.clock.get()
    }

    /// Runs `f` with a native context.
    pub(crate) fn with_ctx<R>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> R) -> R {
        let mut atoms = self.atoms.borrow_mut();
        let mut ctx = Ctx {
            atoms: &mut atoms,
            now_us: self.clock.get(),
            rng: &mut self.rng,
        };
        f(&mut ctx)
    }

    /// The pid of process `id`: its number wraps at 32,768 and the
    /// serial counts the wraps, as on BEAM.
    pub(crate) fn make_pid(&self, id: u32) -> Term {
        Term::Pid(Rc::new(PidData {
            node: self.name.clone(),
            creation: self.creation,
            id: id & ((1 << beamplay_term::PID_NUMBER_BITS) - 1),
            serial: id >> beamplay_term::PID_NUMBER_BITS,
        }))
    }

    /// The first number of `#PID<N.x.y>` for a pid or reference of `node`
    /// at `creation`, as this node prints it: 0 for its own, else the
    /// number of that node's entry in its node table. Entries are made in
    /// the order the node learned of its peers (`Node.list(:known)`), and
    /// take a creation when a pid of theirs is first printed; a peer that
    /// restarted (a new creation) gets an entry of its own then.
    pub(crate) fn node_number_of(&self, node: &Atom, creation: u32) -> u32 {
        if *node == self.name && creation == self.creation {
            return 0;
        }
        let mut table = self.remote_nodes.borrow_mut();
        let unlisted: Vec<Atom> = self.unlisted(&table).cloned().collect();
        table.extend(unlisted.into_iter().map(|peer| (peer, None)));
        let at = match entry(&table, node, creation) {
            Some(at) => at,
            None => {
                table.push((node.clone(), None));
                table.len() - 1
            }
        };
        if let Some(slot) = table.get_mut(at) {
            slot.1 = Some(creation);
        }
        remote_number(at)
    }

    /// [`Node::node_number_of`] for a view, which must not change what
    /// the node's programs will see: the same number, found without
    /// making entries.
    pub(crate) fn node_number_peek(&self, node: &Atom, creation: u32) -> u32 {
        if *node == self.name && creation == self.creation {
            return 0;
        }
        let table = self.remote_nodes.borrow();
        let at = entry(&table, node, creation).unwrap_or_else(|| {
            // where node_number_of would put it: among the peers learned
            // of since, or after them
            let unlisted: Vec<&Atom> = self.unlisted(&table).collect();
            table.len()
                + unlisted
                    .iter()
                    .position(|peer| *peer == node)
                    .unwrap_or(unlisted.len())
        });
        remote_number(at)
    }

    /// The peers this node has learned of that its node table has no
    /// entry for yet, in the order it learned of them.
    fn unlisted<'a>(
        &'a self,
        table: &'a [(Atom, Option<u32>)],
    ) -> impl Iterator<Item = &'a Atom> + 'a {
        self.dist.known().iter().filter(move |peer| {
            **peer != self.name
                && peer.as_str() != "nonode@nohost"
                && !table.iter().any(|(n, _)| n == *peer)
        })
    }

    /// The node and creation this node prints as `number` (`pid/3`,
    /// `:erlang.list_to_pid/1`).
    pub(crate) fn node_of_number(&self, number: u32) -> Option<(Atom, u32)> {
        if number == 0 {
            return Some((self.name.clone(), self.creation));
        }
        let at = usize::try_from(number.checked_sub(REMOTE_NUMBERS)?).ok()?;
        match self.remote_nodes.borrow().get(at) {
            Some((node, Some(creation))) => Some((node.clone(), *creation)),
            _ => None,
        }
    }

    /// The local process id of a pid term, if it names this node.
    pub(crate) fn local_id(&self, pid: &Term) -> Option<u32> {
        match pid {
            Term::Pid(p)
                if p.node == self.name
                    && p.creation == self.creation
                    && p.id >> beamplay_term::PID_NUMBER_BITS == 0 =>
            {
                p.serial
                    .checked_shl(beamplay_term::PID_NUMBER_BITS)
                    .filter(|high| high >> beamplay_term::PID_NUMBER_BITS == p.serial)
                    .map(|high| high | p.id)
            }
            _ => None,
        }
    }

    pub(crate) fn make_ref(&mut self) -> Term {
        let n = self.next_ref;
        self.next_ref = self.next_ref.wrapping_add(1);
        let hi = (self.rng.next_u64() & 0xffff_ffff) as u32;
        Term::Ref(Rc::new(RefData {
            node: self.name.clone(),
            creation: self.creation,
            ids: [n, hi, self.creation.wrapping_mul(2_654_435_761)],
        }))
    }

    pub fn process_count(&self) -> usize {
        self.procs.len() + usize::from(self.running.is_some())
    }

    pub(crate) fn is_alive(&self, id: u32) -> bool {
        self.procs.contains_key(&id) || self.running == Some(id)
    }

    /// Creates a process; it is runnable once a frame is pushed.
    pub(crate) fn new_process(
        &mut self,
        kind: Kind,
        group_leader: Term,
        initial_call: Term,
    ) -> Result<u32, Raise> {
        if self.process_count() >= self.limits.max_processes {
            // BEAM's emulator says so in the log as well
            self.console
                .output(ConsoleEvent::Log("[error] Too many processes".into()));
            return Err(Raise::error(self.atom_term("system_limit")));
        }
        let id = self.next_id;
        self.next_id += 1;
        let pid = self.make_pid(id);
        self.traced(|| Trace::Spawn { pid: pid.clone() });
        let p = Process::new(id, pid, kind, group_leader, initial_call);
        self.procs.insert(id, Box::new(p));
        self.listed(id);
        Ok(id)
    }

    /// Puts a new process's id in the views' list, in pid order (at the
    /// end but for the services' fixed ids).
    pub(crate) fn listed(&self, id: u32) {
        let mut ids = self.view_ids.borrow_mut();
        let at = ids.partition_point(|x| *x < id);
        ids.insert(at, id);
    }

    /// The ids of the live processes in pid order, swept of the exited
    /// ones if any exited since the last call.
    pub(crate) fn live_ids(&self) -> std::cell::Ref<'_, Vec<u32>> {
        if self.view_stale.replace(false) {
            let running = self.running;
            self.view_ids
                .borrow_mut()
                .retain(|id| self.procs.contains_key(id) || running == Some(*id));
        }
        self.view_ids.borrow()
    }

    pub(crate) fn process(&self, id: u32) -> Option<&Process> {
        self.procs.get(&id).map(|b| &**b)
    }

    pub(crate) fn process_mut(&mut self, id: u32) -> Option<&mut Process> {
        self.procs.get_mut(&id).map(|b| &mut **b)
    }

    pub(crate) fn make_runnable(&mut self, id: u32) {
        if let Some(p) = self.procs.get_mut(&id) {
            if matches!(p.status, Status::Waiting | Status::Idle) || p.status == Status::Runnable {
                let was = p.status;
                p.status = Status::Runnable;
                if was != Status::Runnable || !self.run_queue.contains(&id) {
                    self.run_queue.push_back(id);
                }
            }
        }
    }

    /// Delivers a message to a local process (the running one included,
    /// through `cur`). Group leaders answer io requests at once.
    pub(crate) fn deliver(&mut self, cur: Option<&mut Process>, to: u32, msg: Term) {
        if self.trace.is_some() {
            let to = self.make_pid(to);
            self.traced(|| Trace::Deliver {
                to,
                msg: msg.clone(),
            });
        }
        let cur = match cur {
            Some(c) if c.id == to => {
                c.mailbox.push_back(msg);
                return;
            }
            other => other,
        };
        let kind = match self.procs.get(&to) {
            Some(p) => p.kind,
            None => {
                if self.running == Some(to) {
                    self.pending.push(Pending::Message(to, msg));
                }
                return;
            }
        };
        if kind == Kind::GroupLeader {
            self.group_leader_request(cur, msg);
            return;
        }
        if let Some(p) = self.procs.get_mut(&to) {
            p.mailbox.push_back(msg);
            if matches!(p.status, Status::Waiting) {
                p.status = Status::Runnable;
                self.run_queue.push_back(to);
            }
        }
    }

    /// `{:io_request, from, reply_as, request}` to the console.
    fn group_leader_request(&mut self, cur: Option<&mut Process>, msg: Term) {
        let Some(items) = msg.as_tuple() else { return };
        if items.len() != 4 || !items[0].is_atom("io_request") {
            return;
        }
        let (from, reply_as, req) = (items[1].clone(), items[2].clone(), items[3].clone());
        let reply = match crate::console::io_request_text(&req) {
            Some(text) => {
                self.traced(|| Trace::Output(text.clone()));
                self.console.output(ConsoleEvent::Output(text));
                Term::Atom(self.common.ok.clone())
            }
            None => Term::tuple(vec![
                Term::Atom(self.common.error.clone()),
                self.atom_term("request"),
            ]),
        };
        let answer = Term::tuple(vec![
            Term::Atom(self.common.io_reply.clone()),
            reply_as,
            reply,
        ]);
        self.send_to(cur, &from, answer);
    }

    /// Sends to a pid, registered name, `{name, node}`; returns false when a
    /// name is not registered (the caller raises).
    pub(crate) fn send_to(&mut self, cur: Option<&mut Process>, dest: &Term, msg: Term) -> bool {
        if self.trace.is_some() {
            let from = self.sender(cur.as_deref());
            self.traced(|| Trace::Send {
                from,
                to: dest.clone(),
                msg: msg.clone(),
            });
        }
        match dest {
            Term::Pid(p) => {
                if let Some(id) = self.local_id(dest) {
                    self.deliver(cur, id, msg);
                } else if p.node != self.name {
                    let from = self.sender(cur.as_deref());
                    self.send_remote(&from, &p.node.clone(), dest, &msg);
                }
                true
            }
            Term::Atom(name) => match self.registry.get(name).copied() {
                Some(id) => {
                    self.deliver(cur, id, msg);
                    true
                }
                None => false,
            },
            Term::Ref(r) if r.node != self.name => {
                let from = self.sender(cur.as_deref());
                self.send_remote(&from, &r.node.clone(), dest, &msg);
                true
            }
            Term::Ref(_) => {
                // an alias: deliver to its owner while it is active
                let owner = self
                    .procs
                    .iter()
                    .find(|(_, p)| p.ties().aliases.contains(dest))
                    .map(|(id, _)| *id);
                match (owner, cur) {
                    (Some(id), c) => self.deliver(c, id, msg),
                    (None, Some(c)) if c.ties().aliases.contains(dest) => c.mailbox.push_back(msg),
                    _ => {}
                }
                true
            }
            Term::Tuple(t) if t.len() == 2 => match (&t[0], &t[1]) {
                (Term::Atom(_), Term::Atom(node)) if *node == self.name => {
                    self.send_to(cur, &t[0], msg);
                    true
                }
                (Term::Atom(_), Term::Atom(node)) => {
                    let from = self.sender(cur.as_deref());
                    self.send_remote(&from, node, &t[0], &msg);
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// The pid a message from `cur` carries (the node's own `<0.0.0>`
    /// when no process sends it).
    fn sender(&self, cur: Option<&Process>) -> Term {
        cur.map(|p| p.pid.clone())
            .unwrap_or_else(|| self.make_pid(0))
    }

    /// Arms a timer; returns its token.
    pub(crate) fn add_timer(&mut self, after_ms: u64, t: Timer) -> u64 {
        let token = self.next_timer;
        self.next_timer += 1;
        let due = self.now_us().saturating_add(after_ms.saturating_mul(1000));
        self.timers.insert((due, token), t);
        token
    }

    /// Cancels a message timer by its reference; returns ms left.
    pub(crate) fn cancel_timer(&mut self, reference: &Term) -> Option<u64> {
        let key = self
            .timers
            .iter()
            .find(|(_, t)| matches!(t, Timer::Send { reference: r, .. } if r == reference))
            .map(|(k, _)| *k)?;
        self.timers.remove(&key);
        Some(key.0.saturating_sub(self.now_us()).div_ceil(1000))
    }

    pub(crate) fn read_timer(&self, reference: &Term) -> Option<u64> {
        self.timers
            .iter()
            .find(|(_, t)| matches!(t, Timer::Send { reference: r, .. } if r == reference))
            .map(|(k, _)| k.0.saturating_sub(self.now_us()).div_ceil(1000))
    }

    pub(crate) fn send_after(&mut self, ms: u64, to: Term, msg: Term) -> Term {
        let reference = self.make_ref();
        self.add_timer(
            ms,
            Timer::Send {
                to,
                msg,
                reference: reference.clone(),
            },
        );
        reference
    }

    /// When the next timer is due, if any.
    pub fn next_timer_due(&self) -> Option<u64> {
        let timer = self.timers.keys().next().map(|k| k.0);
        match (timer, self.next_tick_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Fires every timer due by now, and net_kernel's tick.
    pub fn fire_timers(&mut self) {
        self.tick_if_due();
        let now = self.now_us();
        while let Some((&(due, token), _)) = self.timers.iter().next() {
            if due > now {
                break;
            }
            let Some(t) = self.timers.remove(&(due, token)) else {
                break;
            };
            match t {
                Timer::Send { to, msg, .. } => {
                    self.send_to(None, &to, msg);
                }
                Timer::Timeout { pid } => {
                    if let Some(p) = self.procs.get_mut(&pid) {
                        if p.armed_timer == Some(token) {
                            p.armed_timer = None;
                            p.timeout_fired = true;
                            if matches!(p.status, Status::Waiting) {
                                p.status = Status::Runnable;
                                self.run_queue.push_back(pid);
                            }
                        }
                    }
                }
            }
        }
    }

    pub fn has_runnable(&self) -> bool {
        !self.run_queue.is_empty()
    }

    // ---- links, monitors, exits ----

    pub(crate) fn link(&mut self, a: &mut Process, b: u32) {
        if !a.ties().links.contains(&b) {
            a.ties_mut().links.push(b);
        }
        if let Some(p) = self.procs.get_mut(&b) {
            if !p.ties().links.contains(&a.id) {
                p.ties_mut().links.push(a.id);
            }
        }
    }

    pub(crate) fn unlink(&mut self, a: &mut Process, b: u32) {
        if let Some(t) = &mut a.ties {
            t.links.retain(|x| *x != b);
        }
        if let Some(t) = self.procs.get_mut(&b).and_then(|p| p.ties.as_mut()) {
            t.links.retain(|x| *x != a.id);
        }
    }

    /// Monitors `target` (alive) for `watcher`; `object` is what `:DOWN` names.
    pub(crate) fn monitor(&mut self, watcher: &mut Process, target: u32, object: Term) -> Term {
        let reference = self.make_ref();
        if let Some(t) = self.procs.get_mut(&target) {
            t.ties_mut().monitored_by.push(Monitor {
                reference: reference.clone(),
                other: watcher.id,
                object: object.clone(),
            });
            watcher.ties_mut().monitoring.push(Monitor {
                reference: reference.clone(),
                other: target,
                object,
            });
        } else if target != watcher.id {
            // the DOWN of a dead process is a signal to the watcher: its
            // own sends overtake it until it handles its signals
            let down =
                self.down_message(&reference, object, Term::Atom(self.common.noproc.clone()));
            self.pending.push(Pending::Message(watcher.id, down));
        }
        reference
    }

    pub(crate) fn demonitor(&mut self, watcher: &mut Process, reference: &Term) -> bool {
        let Some(ties) = &mut watcher.ties else {
            return false;
        };
        let Some(pos) = ties
            .monitoring
            .iter()
            .position(|m| &m.reference == reference)
        else {
            return false;
        };
        let m = ties.monitoring.remove(pos);
        if let Some(t) = self.procs.get_mut(&m.other).and_then(|t| t.ties.as_mut()) {
            t.monitored_by.retain(|x| &x.reference != reference);
        }
        true
    }

    pub(crate) fn down_message(&self, reference: &Term, object: Term, reason: Term) -> Term {
        Term::tuple(vec![
            Term::Atom(self.common.down.clone()),
            reference.clone(),
            Term::Atom(self.common.process.clone()),
            object,
            reason,
        ])
    }

    /// An exit signal from `from` to local process `to`. `link` tells a
    /// link's signal (where `:kill` is just a reason) from `Process.exit/2`.
    pub(crate) fn exit_signal(&mut self, to: u32, from: Term, reason: Term, link: bool) {
        if self.running == Some(to) {
            self.pending.push(Pending::Exit(to, from, reason, link));
            return;
        }
        if link {
            // the link is gone with the process that sent this
            match self.local_id(&from) {
                Some(from_id) => {
                    if let Some(t) = self.procs.get_mut(&to).and_then(|p| p.ties.as_mut()) {
                        t.links.retain(|x| *x != from_id);
                    }
                }
                None => self.drop_remote_link(to, &from),
            }
        }
        let Some(p) = self.procs.get(&to) else { return };
        let is_kill = !link && reason.is_atom("kill");
        if is_kill {
            self.terminate(to, Term::Atom(self.common.killed.clone()));
        } else if p.trap_exit {
            let msg = Term::tuple(vec![Term::Atom(self.common.exit_tag.clone()), from, reason]);
            self.deliver(None, to, msg);
        } else if reason.is_atom("normal") {
            // a normal exit does not kill; Process.exit(self(), :normal) does
            if !link && Some(&from) == self.procs.get(&to).map(|p| &p.pid) {
                self.terminate(to, reason);
            }
        } else {
            self.terminate(to, reason);
        }
    }

    /// The running process `p` handles the signals queued for it since
    /// its slice began (`pending`, its signal queue), as BEAM does in a
    /// receive, a flush and the BIFs that handle signals (monitor, spawn,
    /// a blocking call): messages join its mailbox after what it holds
    /// (its sends to itself went there at once, overtaking them), an exit
    /// signal it traps becomes an `{:EXIT, from, reason}` message, one it
    /// ignores is dropped, and one that ends it stays queued with all
    /// after it, applied when the slice ends. Returns whether that is so.
    pub(crate) fn absorb_pending(&mut self, p: &mut Process) -> bool {
        let mut i = 0;
        while let Some(signal) = self.pending.get(i) {
            match signal {
                Pending::Message(to, _) if *to == p.id => {
                    if let Pending::Message(_, m) = self.pending.remove(i) {
                        p.mailbox.push_back(m);
                    }
                }
                Pending::Down(to, ..) if *to == p.id => {
                    if let Pending::Down(_, reference, down) = self.pending.remove(i) {
                        if p.drop_monitor(&reference) {
                            self.traced(|| Trace::Deliver {
                                to: p.pid.clone(),
                                msg: down.clone(),
                            });
                            p.mailbox.push_back(down);
                        }
                    }
                }
                Pending::Exit(to, _, reason, link) if *to == p.id => {
                    let fatal = if !*link && reason.is_atom("kill") {
                        true
                    } else {
                        !p.trap_exit && !reason.is_atom("normal")
                    };
                    if fatal {
                        return true;
                    }
                    let Pending::Exit(_, from, reason, link) = self.pending.remove(i) else {
                        continue;
                    };
                    if link {
                        match self.local_id(&from) {
                            Some(from_id) => {
                                if let Some(t) = &mut p.ties {
                                    t.links.retain(|x| *x != from_id);
                                }
                            }
                            None => self.drop_remote_link(p.id, &from),
                        }
                    }
                    if p.trap_exit {
                        let msg = Term::tuple(vec![
                            Term::Atom(self.common.exit_tag.clone()),
                            from,
                            reason,
                        ]);
                        p.mailbox.push_back(msg);
                    }
                }
                _ => i += 1,
            }
        }
        false
    }

    /// Ends a process that is in the table: links, monitors, names.
    pub(crate) fn terminate(&mut self, id: u32, reason: Term) {
        let Some(p) = self.procs.remove(&id) else {
            return;
        };
        self.finish_exit(p, reason);
    }

    /// Propagates the exit of `p` (already out of the table).
    pub(crate) fn finish_exit(&mut self, p: Box<Process>, reason: Term) {
        self.view_stale.set(true);
        // a lock waiter that dies (interrupted, killed) waits no more,
        // though it never says so
        if !self.view.lock_waiters.is_empty() {
            self.view.lock_waiters.retain(|w| w.pid != p.pid);
        }
        self.traced(|| Trace::Exit {
            pid: p.pid.clone(),
            reason: reason.clone(),
        });
        if let Some(name) = &p.name {
            self.registry.remove(name);
            self.traced(|| Trace::Unregister { name: name.clone() });
        }
        self.run_queue.retain(|x| *x != p.id);
        let out_reason = if reason.is_atom("kill") {
            Term::Atom(self.common.killed.clone())
        } else {
            reason
        };
        let ties = p.ties.map(|t| *t).unwrap_or_default();
        for m in &ties.monitoring {
            if let Some(t) = self.procs.get_mut(&m.other).and_then(|t| t.ties.as_mut()) {
                t.monitored_by.retain(|x| x.reference != m.reference);
            }
        }
        for m in ties.monitored_by {
            let down = self.down_message(&m.reference, m.object, out_reason.clone());
            match self.procs.get_mut(&m.other) {
                Some(w) => {
                    w.drop_monitor(&m.reference);
                    self.deliver(None, m.other, down);
                }
                // the watcher is running (it killed this process)
                None if self.running == Some(m.other) => {
                    self.pending.push(Pending::Down(m.other, m.reference, down));
                }
                None => {}
            }
        }
        for l in ties.links {
            if let Some(t) = self.procs.get_mut(&l).and_then(|t| t.ties.as_mut()) {
                t.links.retain(|x| *x != p.id);
            }
            self.exit_signal(l, p.pid.clone(), out_reason.clone(), true);
        }
        self.ties_exit(p.id, &p.pid, &out_reason);
        self.watch_exit(p.id);
        if p.kind == Kind::Shell {
            self.shell_died(&p.pid, &out_reason);
        }
    }

    // ---- names ----

    pub(crate) fn register(&mut self, name: Atom, id: u32, cur: &mut Process) -> bool {
        if self.registry.contains_key(&name) || name.as_str() == "undefined" {
            return false;
        }
        let slot = if cur.id == id {
            &mut cur.name
        } else {
            match self.procs.get_mut(&id) {
                Some(p) => &mut p.name,
                None => return false,
            }
        };
        if slot.is_some() {
            return false;
        }
        *slot = Some(name.clone());
        if self.trace.is_some() {
            let pid = self.make_pid(id);
            self.traced(|| Trace::Register {
                name: name.clone(),
                pid,
            });
        }
        self.registry.insert(name, id);
        true
    }

    pub(crate) fn unregister(&mut self, name: &Atom, cur: &mut Process) -> bool {
        let Some(id) = self.registry.remove(name) else {
            return false;
        };
        self.traced(|| Trace::Unregister { name: name.clone() });
        if cur.id == id {
            cur.name = None;
        } else if let Some(p) = self.procs.get_mut(&id) {
            p.name = None;
        }
        true
    }

    pub(crate) fn whereis(&self, name: &Atom) -> Option<u32> {
        self.registry.get(name).copied()
    }

    pub(crate) fn registered(&self) -> Vec<Atom> {
        let mut v: Vec<Atom> = self.registry.keys().cloned().collect();
        beamplay_term::sort::sort_by(&mut v, Atom::cmp);
        v
    }

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

/// What a host (the World, a test) may do with a node and learn of it.
/// Everything else a node does, it does to itself as its processes run.
impl Node {
    /// Its full name: `node1@localhost`.
    pub fn name(&self) -> &Atom {
        &self.name
    }

    /// Which life of its name this is (a restart makes a new one).
    pub fn creation(&self) -> u32 {
        self.creation
    }

    /// Its iex console: the prompt's number, whether a line runs.
    pub fn console(&self) -> &Console {
        &self.console
    }

    /// The console's line waits in a `receive` (rather than computing).
    pub fn console_waits(&self) -> bool {
        self.console.busy()
            && self
                .console
                .shell
                .and_then(|id| self.procs.get(&id))
                .is_some_and(|p| p.status == crate::process::Status::Waiting)
    }

    /// What the console printed since the last call.
    pub fn take_console_events(&mut self) -> Vec<ConsoleEvent> {
        self.console.take_events()
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Its services' state as they last reported it: global names and
    /// locks, lock waiters, pg and pg2 groups.
    pub fn services(&self) -> &ServiceView {
        &self.view
    }

    /// The nodes it is connected to, visible and hidden, in the order the
    /// connections came up.
    pub fn connected(&self) -> Vec<Atom> {
        self.dist.up()
    }

    pub fn is_connected(&self, peer: &Atom) -> bool {
        self.dist.is_up(peer)
    }

    /// Frames from peers it refused as malformed.
    pub fn frames_rejected(&self) -> u64 {
        self.dist.rejected
    }

    /// The frames it sent since the last call, for the host to carry:
    /// `(peer, bytes)` in the order they were sent.
    pub fn take_outbox(&mut self) -> Vec<(Atom, Vec<u8>)> {
        self.dist.take_outbox(self.clock.get())
    }

    /// Its registered names and their pids, by name.
    pub fn registered_pids(&self) -> Vec<(Atom, Term)> {
        self.registered()
            .into_iter()
            .filter_map(|name| {
                let id = self.whereis(&name)?;
                Some((name, self.make_pid(id)))
            })
            .collect()
    }

    /// Whether `pid` is one of this node's whose process has ended.
    pub fn is_dead_local(&self, pid: &Term) -> bool {
        self.local_id(pid).is_some_and(|id| !self.is_alive(id))
    }

    /// Whether its process number `id` runs.
    pub fn is_running(&self, id: u32) -> bool {
        self.is_alive(id)
    }

    /// Its process number `id`'s pid as its console prints it.
    pub fn pid_text(&self, id: u32) -> String {
        self.view_plain(&self.make_pid(id))
    }
}
