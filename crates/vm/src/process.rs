//! A process: frames, registers, mailbox, links, monitors, flags.
use std::collections::VecDeque;
use std::rc::Rc;

use beamplay_term::{Atom, Term};

use crate::code::{FunCode, FunId, Label, Module, Reg};
use crate::native::{Kind as RaiseKind, Raise};

/// A call in progress. Registers `base..base + nregs` of the process's
/// register stack belong to it.
pub struct Frame {
    pub module: Rc<Module>,
    pub fun: FunId,
    pub pc: usize,
    pub base: usize,
    /// Where the caller wants the value (in the caller's window).
    pub ret: Reg,
}

/// An installed `try` handler.
pub struct Handler {
    pub depth: usize,
    pub target: Label,
    pub regs: (Reg, Reg, Reg),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Runnable,
    /// Blocked in `receive` (its timeout, if armed, is `armed_timer`).
    Waiting,
    /// A console evaluator with no line to run.
    Idle,
}

/// What a process is, for the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Normal,
    /// The iex evaluator of a console.
    Shell,
    /// A console's group leader: answers io requests natively.
    GroupLeader,
}

pub struct Monitor {
    pub reference: Term,
    /// The monitoring process (for monitors others hold on us) or the
    /// monitored one (for monitors we hold).
    pub other: u32,
    /// What the `:DOWN` message names: the pid or `{name, node}`.
    pub object: Term,
}

/// A process's register stack: each frame's registers are a window
/// `base..base + nregs` of it. The interpreter reads a register at every
/// step, so a register beyond the stack panics in one place (a `Vec`'s
/// bounds check at each of the interpreter's register reads would put a
/// panic location for each in the wasm); the compiler never emits one.
#[derive(Default)]
pub struct Regs(Vec<Term>);

impl std::ops::Deref for Regs {
    type Target = Vec<Term>;

    fn deref(&self) -> &Vec<Term> {
        &self.0
    }
}

impl std::ops::DerefMut for Regs {
    fn deref_mut(&mut self) -> &mut Vec<Term> {
        &mut self.0
    }
}

impl std::ops::Index<usize> for Regs {
    type Output = Term;

    #[inline]
    fn index(&self, i: usize) -> &Term {
        match self.0.get(i) {
            Some(t) => t,
            None => no_register(i),
        }
    }
}

impl std::ops::IndexMut<usize> for Regs {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut Term {
        match self.0.get_mut(i) {
            Some(t) => t,
            None => no_register(i),
        }
    }
}

impl std::ops::Index<std::ops::RangeFrom<usize>> for Regs {
    type Output = [Term];

    fn index(&self, r: std::ops::RangeFrom<usize>) -> &[Term] {
        &self.0[r]
    }
}

impl std::ops::IndexMut<std::ops::RangeFrom<usize>> for Regs {
    fn index_mut(&mut self, r: std::ops::RangeFrom<usize>) -> &mut [Term] {
        &mut self.0[r]
    }
}

#[cold]
#[inline(never)]
fn no_register(i: usize) -> ! {
    panic!("register {i} is beyond the process's register stack")
}

/// Links, monitors both ways and aliases: what lets other local processes
/// reach or watch a process. Most processes have none, so they live in a
/// box made on the first (`Process::ties_mut`).
#[derive(Default)]
pub struct LocalTies {
    pub links: Vec<u32>,
    /// Monitors other processes hold on this one.
    pub monitored_by: Vec<Monitor>,
    /// Monitors this process holds.
    pub monitoring: Vec<Monitor>,
    /// Active aliases (refs) that may receive messages.
    pub aliases: Vec<Term>,
}

const NO_TIES: &LocalTies = &LocalTies {
    links: Vec::new(),
    monitored_by: Vec::new(),
    monitoring: Vec::new(),
    aliases: Vec::new(),
};

pub struct Process {
    pub id: u32,
    pub pid: Term,
    pub kind: Kind,
    pub status: Status,
    pub frames: Vec<Frame>,
    pub regs: Regs,
    pub handlers: Vec<Handler>,
    pub mailbox: VecDeque<Term>,
    /// Receive save pointer: messages before it have been looked at.
    pub save: usize,
    /// The reference this process made last, with the length its mailbox
    /// had then: a receive that needs that reference in every clause can
    /// skip the older messages, which cannot hold it (BEAM's receive
    /// marker).
    pub mark: Option<(Term, usize)>,
    /// None until the process first links, monitors, is monitored or
    /// makes an alias.
    pub ties: Option<Box<LocalTies>>,
    pub trap_exit: bool,
    pub group_leader: Term,
    pub name: Option<Atom>,
    pub dict: Vec<(Term, Term)>,
    pub reductions: u64,
    /// `{module, function, arity}` this process started in.
    pub initial_call: Term,
    /// The raise being unwound when the process ends by an error.
    pub last_raise: Option<Box<Raise>>,
    /// Token of the receive timeout armed for this process.
    pub armed_timer: Option<u64>,
    /// The armed receive timeout passed: the next wait falls through.
    pub timeout_fired: bool,
    /// Heap words found live when last measured.
    pub heap_live: u32,
    /// Words allocated since then.
    pub heap_alloc: u32,
}

impl Frame {
    /// The code this frame runs.
    pub fn code(&self) -> Option<&FunCode> {
        self.module.code(self.fun)
    }
}

impl Process {
    /// Its links, monitors and aliases (all empty for most processes).
    pub fn ties(&self) -> &LocalTies {
        self.ties.as_deref().unwrap_or(NO_TIES)
    }

    /// Its links, monitors and aliases, to add to.
    pub fn ties_mut(&mut self) -> &mut LocalTies {
        self.ties.get_or_insert_with(Box::default)
    }

    /// Forgets the monitor `reference` it holds (its DOWN came): whether
    /// it held it.
    pub fn drop_monitor(&mut self, reference: &Term) -> bool {
        let Some(t) = &mut self.ties else {
            return false;
        };
        let held = t.monitoring.len();
        t.monitoring.retain(|x| x.reference != *reference);
        t.monitoring.len() < held
    }

    pub fn new(id: u32, pid: Term, kind: Kind, group_leader: Term, initial_call: Term) -> Process {
        Process {
            id,
            pid,
            kind,
            status: Status::Runnable,
            frames: Vec::new(),
            regs: Regs::default(),
            handlers: Vec::new(),
            mailbox: VecDeque::new(),
            save: 0,
            mark: None,
            ties: None,
            trap_exit: false,
            group_leader,
            name: None,
            dict: Vec::new(),
            reductions: 0,
            initial_call,
            last_raise: None,
            armed_timer: None,
            timeout_fired: false,
            heap_live: 0,
            heap_alloc: 0,
        }
    }

    /// Starts a call of `fun` (its frame has `nregs` registers) with
    /// `args`: the frame's registers start with the arguments (a closure's
    /// captured values first). A new frame whose value goes to register
    /// `ret` of the caller, or, for a tail call (`ret` is `None`), the
    /// current frame replaced, so tail calls run in constant space. The
    /// one way into bytecode; returns the frame's first register.
    #[inline(always)]
    pub fn enter(
        &mut self,
        module: Rc<Module>,
        fun: FunId,
        nregs: u32,
        args: Args<'_>,
        ret: Option<Reg>,
    ) -> usize {
        // the new arguments go above everything; a tail call then slides
        // them down over its frame
        let top = self.regs.len();
        match args {
            Args::Regs { env, regs, base } => {
                if !env.is_empty() {
                    self.regs.extend_from_slice(env);
                }
                for r in regs {
                    let v = self.regs[base + *r as usize].clone();
                    self.regs.push(v);
                }
            }
            Args::Values(values) => self.regs.extend(values),
        }
        let nregs = nregs as usize;
        if let (None, Some(frame)) = (ret, self.frames.last_mut()) {
            let base = frame.base;
            frame.module = module;
            frame.fun = fun;
            frame.pc = 0;
            // the arguments change places with the frame's first registers,
            // which then go with the rest of the frame
            let nargs = self.regs.len() - top;
            for i in 0..nargs {
                self.regs.swap(base + i, top + i);
            }
            free_regs(&mut self.regs, base + nargs);
            pad_regs(&mut self.regs, base + nregs);
            return base;
        }
        pad_regs(&mut self.regs, top + nregs);
        if self.frames.is_empty() {
            // most processes never go deeper than a few frames: start small
            self.frames.reserve_exact(1);
        }
        self.frames.push(Frame {
            module,
            fun,
            pc: 0,
            base: top,
            ret: ret.unwrap_or(0),
        });
        top
    }

    /// The receive under way is over, by a message taken or by a raise (a
    /// size expression of a pattern can raise while messages are tried):
    /// the next receive starts from the oldest message, and its timeout is
    /// its own.
    pub fn leave_receive(&mut self) {
        self.save = 0;
        self.armed_timer = None;
        self.timeout_fired = false;
    }

    /// A raise of `kind` and `reason` with `stack` (what a handler caught
    /// and raises again): the raise it caught, details and all, when it is
    /// that one.
    pub fn reraise(&self, kind: RaiseKind, reason: Term, stack: Option<Term>) -> Raise {
        match self.last_raise.as_deref() {
            Some(last) if last.kind == kind && last.reason == reason => Raise {
                stack,
                ..last.clone()
            },
            _ => Raise {
                kind,
                stack,
                ..Raise::error(reason)
            },
        }
    }

    /// Words of the register stack and frames (not what they reach).
    pub fn stack_words(&self) -> usize {
        self.regs.len() * 2 + self.frames.len() * 5
    }

    /// Words this process holds: stack, frames, mailbox, dictionary and
    /// every term they reach (shared terms once).
    pub fn heap_words(&self) -> usize {
        let dict = self.dict.iter().flat_map(|(k, v)| [k, v]);
        self.frames.len() * 5
            + beamplay_term::heap_words(self.regs.iter().chain(self.mailbox.iter()).chain(dict))
    }
}

/// A call's arguments: registers of the calling frame (at `base`), after
/// a closure's captured values, or values a native or a host gives.
pub enum Args<'a> {
    Regs {
        env: &'a [Term],
        regs: &'a [Reg],
        base: usize,
    },
    Values(Vec<Term>),
}

/// Fills the register stack with `[]` up to `len` (a new frame's
/// registers past its arguments).
#[inline(always)]
fn pad_regs(regs: &mut Vec<Term>, len: usize) {
    if regs.len() < len {
        regs.resize_with(len, || Term::Nil);
    }
}

/// Drops registers from `base` on (a frame that returned), skipping the
/// drop call for immediates.
#[inline(always)]
pub fn free_regs(regs: &mut Vec<Term>, base: usize) {
    while regs.len() > base {
        if let Some(t) = regs.pop() {
            if t.is_immediate() {
                std::mem::forget(t);
            }
        }
    }
}
