//! The bytecode interpreter and the scheduler's slice. A slice runs one
//! process for at most its reduction budget; every call, return and
//! receive is a point where it can stop and later resume from its frames.
//!
//! The loop (`exec`) keeps the frequent ops inline; `calls.rs` says where
//! a call goes and enters bytecode, `data.rs` builds terms and arms
//! receive timeouts, `raise.rs` unwinds, `heap.rs` keeps the heap limit.
mod calls;
mod data;
mod heap;
mod raise;

use std::rc::Rc;

use beamplay_term::{meter, Term};

use crate::code::{ArithOp, CmpOp, FunId, Label, Op, Reg, TypeTest};
use crate::native::{Argv, Kind as RaiseKind, Raise};
use crate::node::{Node, Pending};
use crate::ops::{self, int_arith};
use crate::process::{Args, Handler, Kind, Process, Status};
use calls::Invoked;
use heap::clamp_u32;

/// Calls between two looks at the running process's stack.
const STACK_CHECK_CALLS: u32 = 32;

/// How a slice ended.
enum Outcome {
    /// Out of reductions: runnable again.
    Yield,
    /// Blocked in `receive`.
    Wait,
    /// The bottom frame returned this value.
    Done(Term),
    /// A raise escaped every handler.
    Raised(Raise),
    /// The process exits with this reason (a signal to itself, a limit).
    Exit(Term),
}

impl Node {
    /// Runs one slice of the next runnable process. Returns the reductions
    /// used, or `None` when nothing is runnable.
    pub fn step(&mut self) -> Option<u32> {
        let id = self.run_queue.pop_front()?;
        let Some(mut p) = self.procs.remove(&id) else {
            return Some(0);
        };
        if p.status != Status::Runnable {
            self.procs.insert(id, p);
            return Some(0);
        }
        self.running = Some(id);
        let budget = self.limits.reductions_per_slice;
        let (soft, hard) = self.heap_rooms(&p);
        meter::arm(soft, hard);
        let (outcome, used) = self.exec(&mut p, budget);
        p.regs.trim();
        p.frames.trim();
        p.heap_alloc = p.heap_alloc.saturating_add(clamp_u32(meter::used()));
        self.running = None;
        p.reductions += u64::from(used);
        match outcome {
            Outcome::Yield => {
                self.procs.insert(id, p);
                self.run_queue.push_back(id);
            }
            Outcome::Wait => {
                p.status = Status::Waiting;
                let has_new = p.save < p.mailbox.len();
                self.procs.insert(id, p);
                if has_new {
                    self.make_runnable(id);
                }
            }
            Outcome::Done(v) => {
                if p.kind == Kind::Shell {
                    p.status = Status::Idle;
                    p.regs.clear();
                    p.heap_live = 0;
                    p.heap_alloc = 0;
                    self.procs.insert(id, p);
                    self.shell_line_done(id, Ok(v));
                } else {
                    self.finish_exit(p, Term::Atom(self.common.normal.clone()));
                }
            }
            Outcome::Raised(r) => {
                if p.kind == Kind::Shell {
                    p.leave_receive();
                    p.status = Status::Idle;
                    p.regs.clear();
                    p.heap_live = 0;
                    p.heap_alloc = 0;
                    p.frames.clear();
                    p.handlers.clear();
                    self.procs.insert(id, p);
                    self.shell_line_done(id, Err(r));
                } else {
                    let reason = self.crash_reason(&p, &r);
                    self.report_crash(&p, &r);
                    self.finish_exit(p, reason);
                }
            }
            Outcome::Exit(reason) => self.finish_exit(p, reason),
        }
        for signal in std::mem::take(&mut self.pending) {
            match signal {
                Pending::Message(to, msg) => self.deliver(None, to, msg),
                Pending::Exit(to, from, reason, link) => self.exit_signal(to, from, reason, link),
                Pending::Down(to, reference, down) => {
                    if self
                        .procs
                        .get_mut(&to)
                        .is_some_and(|w| w.drop_monitor(&reference))
                    {
                        self.deliver(None, to, down);
                    }
                }
            }
        }
        Some(used)
    }

    /// Runs `p` for at most `budget` reductions: the ops of its top
    /// frame, until it yields, waits, returns from its bottom frame, or
    /// ends. Returns how it stopped and the reductions used.
    fn exec(&mut self, p: &mut Process, budget: u32) -> (Outcome, u32) {
        let mut reds: u32 = budget;
        // the running frame's module, kept while calls stay in it: a
        // frame names its code by number in its module
        let Some(mut module) = p.frames.last().map(|f| f.module.clone()) else {
            return (Outcome::Done(Term::Nil), 0);
        };
        'frames: loop {
            let Some(frame) = p.frames.last() else {
                return (Outcome::Done(Term::Nil), budget - reds);
            };
            if !Rc::ptr_eq(&module, &frame.module) {
                module = frame.module.clone();
            }
            let mut base = frame.base;
            let mut pc = frame.pc;
            // the running function, by number and by code
            let mut fun_id = frame.fun;
            macro_rules! reg {
                ($r:expr) => {
                    p.regs[base + $r as usize]
                };
            }
            macro_rules! save_pc {
                () => {
                    if let Some(fr) = p.frames.last_mut() {
                        fr.pc = pc;
                    }
                };
            }
            macro_rules! raise {
                ($e:expr) => {{
                    let e = $e;
                    save_pc!();
                    // a refused allocation is a kill, never an exception to rescue
                    if let Some(r) = self.heap_gate(p, true) {
                        return (Outcome::Exit(r), budget - reds);
                    }
                    match self.unwind(p, e) {
                        Ok(()) => continue 'frames,
                        Err(r) => return (Outcome::Raised(r), budget - reds),
                    }
                }};
            }
            // at calls: runaway allocation, or (looked at now and then, as
            // a call grows the stack by a frame at most) recursion, ends
            // the process
            macro_rules! heap_gate {
                () => {
                    if let Some(r) = self.heap_gate(p, reds % STACK_CHECK_CALLS == 0) {
                        return (Outcome::Exit(r), budget - reds);
                    }
                };
            }
            // a call or a tail call: on to the callee's frame, or a value
            macro_rules! call {
                ($callee:expr, $args:expr, $ret:expr) => {{
                    reds = reds.saturating_sub(1);
                    save_pc!();
                    heap_gate!();
                    match self.call(p, $callee, $args, base, $ret) {
                        Ok(Invoked::Pushed) => {
                            if reds == 0 {
                                return (Outcome::Yield, budget);
                            }
                            continue 'frames;
                        }
                        Ok(Invoked::Value(v)) => match $ret {
                            Some(d) => reg!(d) = v,
                            None => {
                                if let Some(o) = self.do_return(p, v) {
                                    return (o, budget - reds);
                                }
                                continue 'frames;
                            }
                        },
                        Ok(Invoked::Exit(r)) => return (Outcome::Exit(r), budget - reds),
                        // a reservation refused on what the process held
                        // when last measured, which has died since: the
                        // (pure) native runs again
                        Err(_) if self.refused_but_fits(p) => pc -= 1,
                        Err(e) => raise!(e),
                    }
                }};
            }
            let Some(mut fun) = module.code(fun_id) else {
                raise!(Raise::error(self.atom_term("beamplay_bad_pc")));
            };
            // a call to a function of the same module: its frame (which
            // `$enter` makes from `$id` and `$code`) runs here, without
            // leaving the loop
            macro_rules! local {
                ($i:expr, |$id:ident, $code:ident| $enter:expr) => {{
                    reds = reds.saturating_sub(1);
                    save_pc!();
                    heap_gate!();
                    let $id = FunId::Def($i);
                    let Some($code) = module.code($id) else {
                        raise!(Raise::error(self.atom_term("undef")));
                    };
                    base = $enter;
                    fun = $code;
                    fun_id = $id;
                    pc = 0;
                    if reds == 0 {
                        return (Outcome::Yield, budget);
                    }
                }};
            }
            // after a return: the caller's frame runs on here when it is
            // of the same module (a return costs no reduction: as on BEAM,
            // calls do, and a process cannot return more than it called)
            macro_rules! back_in_caller {
                () => {
                    match p.frames.last() {
                        Some(caller) if Rc::ptr_eq(&caller.module, &module) => {
                            // a recursion's caller runs the same code
                            if caller.fun != fun_id {
                                let Some(code) = module.code(caller.fun) else {
                                    continue 'frames;
                                };
                                fun = code;
                                fun_id = caller.fun;
                            }
                            base = caller.base;
                            pc = caller.pc;
                        }
                        _ => continue 'frames,
                    }
                };
            }
            loop {
                let Some(op) = fun.ops.get(pc) else {
                    raise!(Raise::error(self.atom_term("beamplay_bad_pc")));
                };
                pc += 1;
                match op {
                    Op::Move(s, d) => {
                        let v = reg!(*s).clone();
                        Term::set(&mut reg!(*d), v);
                    }
                    Op::Const(k, d) => {
                        Term::set(&mut reg!(*d), fun.consts[*k as usize].clone());
                    }
                    Op::Jump(l) => pc = *l as usize,
                    Op::JumpIfFalsy(r, l) => {
                        if !reg!(*r).is_truthy() {
                            pc = *l as usize;
                        }
                    }
                    Op::JumpUnlessTrue(r, l) => {
                        if !reg!(*r).is_atom("true") {
                            pc = *l as usize;
                        }
                    }
                    Op::IsEq(a, b, l) => {
                        if reg!(*a) != reg!(*b) {
                            pc = *l as usize;
                        }
                    }
                    Op::IsEqConst(a, k, l) => {
                        if reg!(*a) != fun.consts[*k as usize] {
                            pc = *l as usize;
                        }
                    }
                    Op::IsEqInt(a, i, l) => {
                        if !matches!(reg!(*a), Term::Int(x) if x == *i) {
                            pc = *l as usize;
                        }
                    }
                    Op::SelectInt(a, lo, to, l) => pc = select_int(&reg!(*a), *lo, to, *l),
                    Op::IsCmp(o, a, b, l) => {
                        if !compare(*o, &reg!(*a), &reg!(*b)) {
                            pc = *l as usize;
                        }
                    }
                    Op::IsTupleOf(a, n, l) => {
                        if !matches!(&reg!(*a), Term::Tuple(t) if t.len() == *n as usize) {
                            pc = *l as usize;
                        }
                    }
                    Op::IsType(a, t, l) => {
                        let v = &reg!(*a);
                        let ok = match t {
                            TypeTest::Nil => matches!(v, Term::Nil),
                            TypeTest::Cons => matches!(v, Term::Cons(_)),
                            TypeTest::Map => matches!(v, Term::Map(_)),
                        };
                        if !ok {
                            pc = *l as usize;
                        }
                    }
                    Op::GetElem(t, i, d) => {
                        let v = match &reg!(*t) {
                            Term::Tuple(items) => {
                                items.get(*i as usize).cloned().unwrap_or(Term::Nil)
                            }
                            _ => Term::Nil,
                        };
                        reg!(*d) = v;
                    }
                    Op::GetList(l, h, t) => {
                        let (hv, tv) = match &reg!(*l) {
                            Term::Cons(c) => (c.head.clone(), c.tail.clone()),
                            _ => (Term::Nil, Term::Nil),
                        };
                        reg!(*h) = hv;
                        reg!(*t) = tv;
                    }
                    Op::GetMapKey(m, k, d, l) => {
                        let found = match &reg!(*m) {
                            Term::Map(map) => map.entries.get(&reg!(*k)).cloned(),
                            _ => None,
                        };
                        match found {
                            Some(v) => reg!(*d) = v,
                            None => pc = *l as usize,
                        }
                    }
                    Op::BinMatch(src, segs, l) => {
                        if !data::bin_match(&mut p.regs[base..], *src, segs) {
                            pc = *l as usize;
                        }
                    }
                    Op::Arith(o, a, b, d) => {
                        let v = match (&reg!(*a), &reg!(*b)) {
                            (Term::Int(x), Term::Int(y)) => int_arith(*o, *x, *y),
                            _ => None,
                        };
                        match v {
                            Some(v) => Term::set(&mut reg!(*d), Term::Int(v)),
                            None => match self.arith(*o, &reg!(*a), &reg!(*b)) {
                                Ok(v) => Term::set(&mut reg!(*d), v),
                                Err(e) => raise!(e),
                            },
                        }
                    }
                    Op::ArithK(o, a, k, d) => {
                        let v = match &reg!(*a) {
                            Term::Int(x) => int_arith(*o, *x, *k),
                            _ => None,
                        };
                        match v {
                            Some(v) => Term::set(&mut reg!(*d), Term::Int(v)),
                            None => match self.arith(*o, &reg!(*a), &Term::Int(*k)) {
                                Ok(v) => Term::set(&mut reg!(*d), v),
                                Err(e) => raise!(e),
                            },
                        }
                    }
                    Op::Cmp(o, a, b, d) => {
                        let r = compare(*o, &reg!(*a), &reg!(*b));
                        let b = self.bool(r);
                        Term::set(&mut reg!(*d), b);
                    }
                    Op::GuardBif(f, args, d, l) => {
                        let argv: Vec<Term> = args.iter().map(|r| reg!(*r).clone()).collect();
                        match self.with_ctx(|c| f(c, Argv(&argv))) {
                            Ok(v) => Term::set(&mut reg!(*d), v),
                            Err(_) => pc = *l as usize,
                        }
                    }
                    Op::CallLocal(i, args, d) => local!(*i, |id, code| {
                        let args = Args::Regs {
                            env: &[],
                            regs: args,
                            base,
                        };
                        p.enter(&module, id, code.nregs, args, Some(*d))
                    }),
                    Op::CallLocalAt(i, first, d) => local!(*i, |id, code| {
                        let (at, ret) = (base + *first as usize, base + *d as usize);
                        p.enter_at(&module, id, code.nregs, at, ret)
                    }),
                    Op::TailCallLocal(i, args) => local!(*i, |id, code| {
                        p.tail_enter(&module, id, code.nregs, args)
                    }),
                    Op::Call(callee, args, d) => call!(callee, args, Some(*d)),
                    Op::TailCall(callee, args) => call!(callee, args, None::<Reg>),
                    Op::Return(r) => {
                        // the returning frame's registers stay where they
                        // are, above the top, until the value is moved out
                        let src = base + *r as usize;
                        let Some(to) = p.returned() else {
                            let v = std::mem::replace(&mut p.regs[src], Term::Nil);
                            return (Outcome::Done(v), budget - reds);
                        };
                        // an integer word by word (see `Term::clone`)
                        match p.regs[src] {
                            Term::Int(i) => p.land(to, Term::Int(i)),
                            _ => {
                                let v = std::mem::replace(&mut p.regs[src], Term::Nil);
                                p.land(to, v);
                            }
                        }
                        back_in_caller!();
                    }
                    Op::ReturnConst(k) => {
                        let v = fun.consts[*k as usize].clone();
                        if let Some(o) = self.do_return(p, v) {
                            return (o, budget - reds);
                        }
                        back_in_caller!();
                    }
                    // a receive handles the signals queued for the process
                    // first; one that ends it ends the slice, so it is applied
                    Op::RecvPeek(..) if !self.pending.is_empty() && self.absorb_pending(p) => {
                        if let Some(fr) = p.frames.last_mut() {
                            fr.pc = pc - 1;
                        }
                        return (Outcome::Yield, budget - reds);
                    }
                    Op::RecvPeek(d, wait) => match p.mailbox.get(p.save) {
                        Some(m) => {
                            let m = m.clone();
                            reg!(*d) = m;
                        }
                        None => pc = *wait as usize,
                    },
                    Op::RecvMark(regs) => {
                        if let (0, Some((m, pos))) = (p.save, &p.mark) {
                            if regs.iter().any(|r| *m == reg!(*r)) {
                                p.save = (*pos).min(p.mailbox.len());
                            }
                        }
                    }
                    Op::RecvNext(peek) => {
                        p.save += 1;
                        pc = *peek as usize;
                    }
                    Op::RecvAccept => {
                        let s = p.save;
                        p.mailbox.remove(s);
                        if let Some((_, pos)) = &mut p.mark {
                            if *pos > s {
                                *pos -= 1;
                            }
                        }
                        p.leave_receive();
                    }
                    Op::RecvWait(timeout, peek) => match self.receive_waits(p, *timeout, base) {
                        Ok(true) => {
                            if let Some(fr) = p.frames.last_mut() {
                                fr.pc = *peek as usize;
                            }
                            return (Outcome::Wait, budget - reds);
                        }
                        Ok(false) => {}
                        Err(e) => raise!(e),
                    },
                    Op::Try(l, k, r, s) => {
                        p.handlers.push(Handler {
                            depth: p.frames.len(),
                            target: *l,
                            regs: (*k, *r, *s),
                        });
                    }
                    Op::TryEnd => {
                        p.handlers.pop();
                    }
                    Op::Raise(k, r, s) => {
                        let kind = match &reg!(*k) {
                            Term::Atom(a) if a.as_str() == "exit" => RaiseKind::Exit,
                            Term::Atom(a) if a.as_str() == "throw" => RaiseKind::Throw,
                            _ => RaiseKind::Error,
                        };
                        let reason = reg!(*r).clone();
                        let stack = s.map(|s| reg!(s).clone());
                        raise!(p.reraise(kind, reason, stack));
                    }
                    Op::RaiseTagged(tag, r) => {
                        let reason = match r {
                            Some(r) => Term::tuple(vec![self.atom_term(tag), reg!(*r).clone()]),
                            None => self.atom_term(tag),
                        };
                        raise!(Raise::error(reason));
                    }
                    Op::FunctionClause => {
                        let e = self.function_clause_raise(p, fun);
                        raise!(e);
                    }
                    Op::Tuple(..)
                    | Op::List(..)
                    | Op::Map(..)
                    | Op::MapUpdate(..)
                    | Op::Closure { .. }
                    | Op::Binary(..)
                    | Op::DefModule(..) => {
                        if let Err(e) = self.construct(p, op, base) {
                            raise!(e);
                        }
                    }
                }
            }
        }
    }

    /// `+ - * /` on what is not two small integers whose result fits
    /// (`int_arith` takes those inline): bignums, floats, errors.
    #[inline(never)]
    fn arith(&mut self, op: ArithOp, x: &Term, y: &Term) -> Result<Term, Raise> {
        self.with_ctx(|c| ops::arith(c, op, x, y))
    }

    /// Pops the returning frame and gives its value to the caller; `Some`
    /// when the process's bottom frame returned.
    #[inline(always)]
    fn do_return(&mut self, p: &mut Process, v: Term) -> Option<Outcome> {
        let Some(to) = p.returned() else {
            return Some(Outcome::Done(v));
        };
        p.land(to, v);
        None
    }
}

/// Where a `SelectInt` from `lo` goes for `v`.
#[inline]
fn select_int(v: &Term, lo: i64, to: &[Label], fail: Label) -> usize {
    let at = match v {
        Term::Int(x) => x
            .checked_sub(lo)
            .and_then(|i| to.get(usize::try_from(i).ok()?)),
        _ => None,
    };
    at.copied().unwrap_or(fail) as usize
}

/// A comparison operator's result.
#[inline(always)]
fn compare(o: CmpOp, x: &Term, y: &Term) -> bool {
    if let (Term::Int(a), Term::Int(b)) = (x, y) {
        return match o {
            CmpOp::Eq | CmpOp::ExactEq => a == b,
            CmpOp::Ne | CmpOp::ExactNe => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Gt => a > b,
            CmpOp::Le => a <= b,
            CmpOp::Ge => a >= b,
        };
    }
    match o {
        CmpOp::ExactEq => x == y,
        CmpOp::ExactNe => x != y,
        _ => {
            let ord = beamplay_term::compare(x, y);
            match o {
                CmpOp::Eq => ord.is_eq(),
                CmpOp::Ne => !ord.is_eq(),
                CmpOp::Lt => ord.is_lt(),
                CmpOp::Gt => ord.is_gt(),
                CmpOp::Le => ord.is_le(),
                _ => ord.is_ge(),
            }
        }
    }
}
