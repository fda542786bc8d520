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
    /// The register (of the caller's window, counted from the bottom of
    /// the stack) that gets the value.
    pub ret: usize,
    /// The top of the register stack when the frame began, again once it
    /// returns: its base, unless it began inside its caller's window
    /// (`Op::CallLocalAt`).
    pub back: usize,
}

/// A process's call stack: the frames `0..depth` are live. A frame that
/// returns only lowers `depth`, and a call writes its frame's fields into
/// the slot above, which most often already names the same module: calls
/// and returns then touch no reference count and build no `Frame` to copy
/// (a copy that the processor cannot forward from the stores that built
/// it, which cost a fifth of a call). The slots above `depth` go at the
/// end of a slice ([`Frames::trim`]).
#[derive(Default)]
pub struct Frames {
    slots: Vec<Frame>,
    depth: usize,
}

impl Frames {
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.depth
    }

    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.depth == 0
    }

    /// The running frame.
    #[inline(always)]
    pub fn last(&self) -> Option<&Frame> {
        self.slots.get(self.depth.checked_sub(1)?)
    }

    #[inline(always)]
    pub fn last_mut(&mut self) -> Option<&mut Frame> {
        self.slots.get_mut(self.depth.checked_sub(1)?)
    }

    /// The live frames, the oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, Frame> {
        self.slots[..self.depth].iter()
    }

    /// Ends the running frame; gives it (until the next call reuses it).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<&Frame> {
        self.depth = self.depth.checked_sub(1)?;
        self.slots.get(self.depth)
    }

    /// Keeps the `depth` oldest frames.
    pub fn truncate(&mut self, depth: usize) {
        self.depth = self.depth.min(depth);
    }

    pub fn clear(&mut self) {
        self.slots.clear();
        self.depth = 0;
    }

    /// Starts a frame running `fun` of `module` at `base`, returning to
    /// `ret`, and the register stack's top to `back`.
    #[inline(always)]
    fn push(&mut self, module: &Rc<Module>, fun: FunId, base: usize, ret: usize, back: usize) {
        match self.slots.get_mut(self.depth) {
            Some(f) => {
                f.reuse(module, fun);
                f.base = base;
                f.ret = ret;
                f.back = back;
            }
            None => self.grow(module, fun, base, ret, back),
        }
        self.depth += 1;
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, module: &Rc<Module>, fun: FunId, base: usize, ret: usize, back: usize) {
        if self.slots.is_empty() {
            // most processes never go deeper than a few frames: start small
            self.slots.reserve_exact(1);
        }
        self.slots.push(Frame {
            module: module.clone(),
            fun,
            pc: 0,
            base,
            ret,
            back,
        });
    }

    /// Drops the frames above the live ones (at the end of a slice).
    pub fn trim(&mut self) {
        self.slots.truncate(self.depth);
    }
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
/// `base..base + nregs` of it, and the live stack ends at `top`. A frame
/// that returns only lowers `top`: the values above it stay where they
/// are until a new frame's arguments overwrite them or the slice ends
/// ([`Regs::trim`]), since the compiler writes every register before
/// reading it. Returns then cost next to nothing, and calls write only
/// their arguments. Dead values that stay below the top (what a tail call
/// replaced, what a callee begun in its caller's window left there) are
/// dropped at once ([`Regs::kill`]). The interpreter reads a register at every step, so a
/// register beyond the stack panics in one place (a `Vec`'s bounds check
/// at each of the interpreter's register reads would put a panic location
/// for each in the wasm); the compiler never emits one.
#[derive(Default)]
pub struct Regs {
    slots: Vec<Term>,
    top: usize,
}

impl Regs {
    /// The end of the live stack: where a new frame starts.
    #[inline(always)]
    pub fn top(&self) -> usize {
        self.top
    }

    /// The live registers (what a heap measure counts).
    pub fn live(&self) -> &[Term] {
        &self.slots[..self.top]
    }

    /// Puts `v` on top of the live stack.
    #[inline(always)]
    pub fn push(&mut self, v: Term) {
        match self.slots.get_mut(self.top) {
            Some(slot) => Term::set(slot, v),
            None => self.slots.push(v),
        }
        self.top += 1;
    }

    /// Makes `end` the top of the live stack: a frame's window opened
    /// (the registers past its arguments hold `[]` or values it will
    /// overwrite) or closed.
    #[inline(always)]
    pub fn set_top(&mut self, end: usize) {
        if self.slots.len() < end {
            self.slots.resize_with(end, || Term::Nil);
        }
        self.top = end;
    }

    /// Exchanges two registers.
    #[inline(always)]
    pub fn swap(&mut self, a: usize, b: usize) {
        self.slots.swap(a, b);
    }

    /// Register `i`, if the stack has it.
    pub fn get(&self, i: usize) -> Option<&Term> {
        self.slots.get(i)
    }

    /// Register `i` to write, if the stack has it.
    #[inline(always)]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Term> {
        self.slots.get_mut(i)
    }

    /// Drops the values in registers `from..to`, dead though below the
    /// top: the registers of a frame that a tail call replaced, past the
    /// new arguments, and those a callee left in its caller's window. So a
    /// process holds no more than it did before the call while it waits.
    #[inline]
    pub fn kill(&mut self, range: std::ops::Range<usize>) {
        for i in range {
            if let Some(t) = self.slots.get_mut(i) {
                if !t.is_immediate() {
                    *t = Term::Nil;
                }
            }
        }
    }

    /// Drops the values above the live stack (at the end of a slice, so
    /// a process that waits holds only what it can still read).
    pub fn trim(&mut self) {
        self.slots.truncate(self.top);
    }

    /// Empties the stack.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.top = 0;
    }
}

impl std::ops::Index<usize> for Regs {
    type Output = Term;

    #[inline(always)]
    fn index(&self, i: usize) -> &Term {
        match self.slots.get(i) {
            Some(t) => t,
            None => no_register(i),
        }
    }
}

impl std::ops::IndexMut<usize> for Regs {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut Term {
        match self.slots.get_mut(i) {
            Some(t) => t,
            None => no_register(i),
        }
    }
}

impl std::ops::Index<std::ops::RangeFrom<usize>> for Regs {
    type Output = [Term];

    fn index(&self, r: std::ops::RangeFrom<usize>) -> &[Term] {
        &self.slots[r]
    }
}

impl std::ops::IndexMut<std::ops::RangeFrom<usize>> for Regs {
    fn index_mut(&mut self, r: std::ops::RangeFrom<usize>) -> &mut [Term] {
        &mut self.slots[r]
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
    pub frames: Frames,
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
    /// Makes this frame run `fun` of `module` from its start.
    #[inline(always)]
    fn reuse(&mut self, module: &Rc<Module>, fun: FunId) {
        if !Rc::ptr_eq(&self.module, module) {
            self.module = module.clone();
        }
        self.fun = fun;
        self.pc = 0;
    }

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
            frames: Frames::default(),
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
        module: &Rc<Module>,
        fun: FunId,
        nregs: u32,
        args: Args<'_>,
        ret: Option<Reg>,
    ) -> usize {
        // the new arguments go above everything; a tail call then slides
        // them down over its frame
        let top = self.regs.top();
        match args {
            Args::Regs { env, regs, base } => {
                for v in env {
                    self.regs.push(v.clone());
                }
                for r in regs {
                    let v = self.regs[base + *r as usize].clone();
                    self.regs.push(v);
                }
            }
            Args::Values(values) => {
                for v in values {
                    self.regs.push(v);
                }
            }
        }
        let nregs = nregs as usize;
        if let (None, Some(frame)) = (ret, self.frames.last_mut()) {
            let base = frame.base;
            frame.reuse(module, fun);
            // the arguments change places with the frame's first registers,
            // which then go with the rest of the frame
            let nargs = self.regs.top() - top;
            for i in 0..nargs {
                self.regs.swap(base + i, top + i);
            }
            self.regs.set_top(base + nregs);
            self.regs.kill(base + nargs..base + nregs);
            return base;
        }
        self.regs.set_top(top + nregs);
        let ret = self.frames.last().map_or(0, |caller| caller.base) + ret.unwrap_or(0) as usize;
        self.frames.push(module, fun, top, ret, top);
        top
    }

    /// A tail call of `fun` (its frame has `nregs` registers) with the
    /// arguments in registers `args` of the running frame, which it
    /// replaces. When no argument's place is the register of another
    /// argument (`loop(n - 1, acc)`, where `acc` is already in place), each
    /// goes straight to its place, and one already there stays; otherwise
    /// they go through the top of the stack ([`Process::enter`]).
    #[inline(always)]
    pub fn tail_enter(
        &mut self,
        module: &Rc<Module>,
        fun: FunId,
        nregs: u32,
        args: &[Reg],
    ) -> usize {
        let n = args.len();
        let direct = args
            .iter()
            .enumerate()
            .all(|(i, r)| *r as usize >= n || *r as usize == i);
        let frame = match self.frames.last_mut() {
            Some(frame) if direct => frame,
            _ => {
                let base = self.frames.last().map_or(0, |f| f.base);
                let args = Args::Regs {
                    env: &[],
                    regs: args,
                    base,
                };
                return self.enter(module, fun, nregs, args, None);
            }
        };
        let base = frame.base;
        frame.reuse(module, fun);
        for (i, r) in args.iter().enumerate() {
            if *r as usize != i {
                let v = self.regs[base + *r as usize].clone();
                Term::set(&mut self.regs[base + i], v);
            }
        }
        self.regs.set_top(base + nregs as usize);
        // what the replaced frame held past the arguments is dead
        self.regs.kill(base + n..base + nregs as usize);
        base
    }

    /// Starts a call of `fun` (its frame has `nregs` registers) whose
    /// arguments are already in the registers from `at` on, above every
    /// register of the caller still live (`Op::CallLocalAt`): its frame
    /// starts there, and its value goes to register `ret` (counted from
    /// the bottom of the stack). Returns the frame's first register.
    #[inline(always)]
    pub fn enter_at(
        &mut self,
        module: &Rc<Module>,
        fun: FunId,
        nregs: u32,
        at: usize,
        ret: usize,
    ) -> usize {
        let back = self.regs.top();
        self.regs.set_top(at + nregs as usize);
        self.frames.push(module, fun, at, ret, back);
        at
    }

    /// Ends the running frame: the register stack's top goes back to what
    /// it was when the frame began. Gives where its value goes, or `None`
    /// when it was the process's bottom frame.
    #[inline(always)]
    pub fn returned(&mut self) -> Option<Landing> {
        let (base, back, ret) = self.frames.pop().map(|f| (f.base, f.back, f.ret))?;
        self.regs.set_top(back);
        // a frame that began in its caller's window returns to its own
        // first register (`Op::CallLocalAt`); those above it die
        (!self.frames.is_empty()).then_some(Landing {
            ret,
            dead: base + 1..back,
        })
    }

    /// Gives a returned value to the caller ([`Process::returned`]): the
    /// registers the frame left dead go, and the value goes to `to.ret`.
    #[inline(always)]
    pub fn land(&mut self, to: Landing, v: Term) {
        self.regs.kill(to.dead);
        Term::set(&mut self.regs[to.ret], v);
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
        self.regs.top() * 2 + self.frames.len() * 5
    }

    /// Words this process holds: stack, frames, mailbox, dictionary and
    /// every term they reach (shared terms once).
    pub fn heap_words(&self) -> usize {
        let dict = self.dict.iter().flat_map(|(k, v)| [k, v]);
        self.frames.len() * 5
            + beamplay_term::heap_words(
                self.regs
                    .live()
                    .iter()
                    .chain(self.mailbox.iter())
                    .chain(dict),
            )
    }
}

/// Where a returning frame's value goes ([`Process::returned`]).
pub struct Landing {
    /// The caller's register for the value.
    pub ret: usize,
    /// The registers the frame leaves in its caller's window above `ret`
    /// (a frame that began there, `Op::CallLocalAt`), dead once the value
    /// is out of them ([`Process::land`]).
    pub dead: std::ops::Range<usize>,
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
