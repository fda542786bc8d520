//! A process: frames, registers, mailbox, links, monitors, flags.
use std::collections::VecDeque;
use std::rc::Rc;

use beamplay_term::{Atom, Term};

use crate::code::{FunCode, Label, Module, Reg};
use crate::native::Raise;

/// A call in progress. Registers `base..base + nregs` of the process's
/// register stack belong to it.
pub struct Frame {
    pub module: Rc<Module>,
    pub fun: Rc<FunCode>,
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
    /// Blocked in `receive` (timer token if a timeout is armed).
    Waiting(Option<u64>),
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

pub struct Process {
    pub id: u32,
    pub pid: Term,
    pub kind: Kind,
    pub status: Status,
    pub frames: Vec<Frame>,
    pub regs: Vec<Term>,
    pub handlers: Vec<Handler>,
    pub mailbox: VecDeque<Term>,
    /// Receive save pointer: messages before it have been looked at.
    pub save: usize,
    /// The reference this process made last, with the length its mailbox
    /// had then: a receive that needs that reference in every clause can
    /// skip the older messages, which cannot hold it (BEAM's receive
    /// marker).
    pub mark: Option<(Term, usize)>,
    pub links: Vec<u32>,
    /// Monitors other processes hold on this one.
    pub monitored_by: Vec<Monitor>,
    /// Monitors this process holds.
    pub monitoring: Vec<Monitor>,
    pub trap_exit: bool,
    pub group_leader: Term,
    pub name: Option<Atom>,
    pub dict: Vec<(Term, Term)>,
    pub reductions: u64,
    /// `{module, function, arity}` this process started in.
    pub initial_call: Term,
    /// The raise being unwound when the process ends by an error.
    pub last_raise: Option<Box<Raise>>,
    /// Active aliases (refs) that may receive messages.
    pub aliases: Vec<Term>,
    /// Token of the receive timeout armed for this process.
    pub armed_timer: Option<u64>,
    /// The armed receive timeout passed: the next wait falls through.
    pub timeout_fired: bool,
    /// Heap words found live when last measured.
    pub heap_live: u32,
    /// Words allocated since then.
    pub heap_alloc: u32,
}

impl Process {
    pub fn new(id: u32, pid: Term, kind: Kind, group_leader: Term, initial_call: Term) -> Process {
        Process {
            id,
            pid,
            kind,
            status: Status::Runnable,
            frames: Vec::new(),
            regs: Vec::new(),
            handlers: Vec::new(),
            mailbox: VecDeque::new(),
            save: 0,
            mark: None,
            links: Vec::new(),
            monitored_by: Vec::new(),
            monitoring: Vec::new(),
            trap_exit: false,
            group_leader,
            name: None,
            dict: Vec::new(),
            reductions: 0,
            initial_call,
            last_raise: None,
            aliases: Vec::new(),
            armed_timer: None,
            timeout_fired: false,
            heap_live: 0,
            heap_alloc: 0,
        }
    }

    /// Push a call of `fun` with `args` (closure env already prepended).
    pub fn push_frame(&mut self, module: Rc<Module>, fun: Rc<FunCode>, args: &[Term], ret: Reg) {
        if self.frames.is_empty() {
            // most processes never go deeper than a few frames: start small
            self.frames.reserve_exact(1);
        }
        let base = self.regs.len();
        self.regs.extend_from_slice(args);
        pad_regs(&mut self.regs, base + fun.nregs as usize);
        self.frames.push(Frame {
            module,
            fun,
            pc: 0,
            base,
            ret,
        });
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

/// Fills the register stack with `[]` up to `len` (a new frame's
/// registers past its arguments).
#[inline(always)]
pub fn pad_regs(regs: &mut Vec<Term>, len: usize) {
    if regs.len() < len {
        regs.resize(len, Term::Nil);
    }
}
