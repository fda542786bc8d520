//! The bytecode interpreter and the scheduler's slice. A slice runs one
//! process for at most its reduction budget; every call, return and
//! receive is a point where it can stop and later resume from its frames.
use std::rc::Rc;

use beamplay_term::{meter, Fun, MapTerm, Term};

use crate::binary::{build_binary, match_binary};
use crate::code::{
    make_closure, ArithOp, Callee, CmpOp, FunCode, LambdaRef, Module, Op, Reg, TypeTest,
};
use crate::native::{Kind as RaiseKind, Native, NativeOut, Raise};
use crate::node::{Node, Pending, ProcNativeFn, Timer};
use crate::ops;
use crate::process::{Handler, Kind, Process, Status};

/// How a slice ended.
pub enum Outcome {
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
        p.heap_alloc = p.heap_alloc.saturating_add(clamp_u32(meter::used()));
        self.running = None;
        p.reductions += u64::from(used);
        match outcome {
            Outcome::Yield => {
                self.procs.insert(id, p);
                self.run_queue.push_back(id);
            }
            Outcome::Wait => {
                p.status = Status::Waiting(p.armed_timer);
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
                    leave_receive(&mut p);
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
            }
        }
        Some(used)
    }

    /// The exit reason of a process that ended by an uncaught raise.
    fn crash_reason(&mut self, p: &Process, r: &Raise) -> Term {
        let stack = crate::error::stacktrace(self, p, r);
        let reason = match r.kind {
            RaiseKind::Error => crate::error::normalize_reason(self, r),
            _ => r.reason.clone(),
        };
        self.exit_reason(r.kind, reason, stack)
    }

    /// What a process that ends by a raise of `kind` exits with: an exit's
    /// own reason, `{reason, stack}` for an error, `{{:nocatch, v}, stack}`
    /// for a throw.
    fn exit_reason(&self, kind: RaiseKind, reason: Term, stack: Term) -> Term {
        match kind {
            RaiseKind::Exit => reason,
            RaiseKind::Error => Term::tuple(vec![reason, stack]),
            RaiseKind::Throw => Term::tuple(vec![
                Term::tuple(vec![self.atom_term("nocatch"), reason]),
                stack,
            ]),
        }
    }

    fn exec(&mut self, p: &mut Process, budget: u32) -> (Outcome, u32) {
        let mut reds: u32 = budget;
        'frames: loop {
            let Some(frame) = p.frames.last() else {
                return (Outcome::Done(Term::Nil), budget - reds);
            };
            let mut fun = frame.fun.clone();
            let mut base = frame.base;
            let mut pc = frame.pc;
            macro_rules! reg {
                ($r:expr) => {
                    p.regs[base + $r as usize]
                };
            }
            macro_rules! raise {
                ($e:expr) => {{
                    let e = $e;
                    if let Some(fr) = p.frames.last_mut() {
                        fr.pc = pc;
                    }
                    // a refused allocation is a kill, never an exception to rescue
                    if let Some(r) = self.heap_gate(p) {
                        return (Outcome::Exit(r), budget - reds);
                    }
                    match self.unwind(p, e) {
                        Ok(()) => continue 'frames,
                        Err(r) => return (Outcome::Raised(r), budget - reds),
                    }
                }};
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
                    Op::Tuple(items, d) => {
                        let v: Vec<Term> = items.iter().map(|r| reg!(*r).clone()).collect();
                        reg!(*d) = Term::tuple(v);
                    }
                    Op::List(items, tail, d) => {
                        let t = match tail {
                            Some(t) => reg!(*t).clone(),
                            None => Term::Nil,
                        };
                        let mut acc = t;
                        for r in items.iter().rev() {
                            acc = Term::cons(reg!(*r).clone(), acc);
                        }
                        reg!(*d) = acc;
                    }
                    Op::Map(pairs, d) => {
                        let mut m = beamplay_term::MapEntries::new();
                        for (k, v) in pairs.iter() {
                            m.insert(reg!(*k).clone(), reg!(*v).clone());
                        }
                        reg!(*d) = Term::map(m);
                    }
                    Op::MapUpdate(src, pairs, d) => {
                        let base_map = reg!(*src).clone();
                        let Term::Map(mut m) = base_map else {
                            raise!(self.tagged_error("badmap", reg!(*src).clone()));
                        };
                        for (k, v) in pairs.iter() {
                            let key = reg!(*k).clone();
                            if !m.entries.contains_key(&key) {
                                let whole = Term::Map(m.clone());
                                raise!(Raise::error(Term::tuple(vec![
                                    self.atom_term("badkey"),
                                    key,
                                    whole
                                ])));
                            }
                            MapTerm::make_mut(&mut m, 1)
                                .entries
                                .insert(key, reg!(*v).clone());
                        }
                        reg!(*d) = Term::Map(m);
                    }
                    Op::Closure { lambda, env, dst } => {
                        let module = p.frames.last().map(|f| f.module.clone());
                        let Some(module) = module else { continue };
                        let Some(code) = module.lambdas.get(*lambda as usize).cloned() else {
                            continue;
                        };
                        let envv: Vec<Term> = env.iter().map(|r| reg!(*r).clone()).collect();
                        reg!(*dst) = make_closure(module, *lambda, &code, envv);
                    }
                    Op::Binary(segs, d) => {
                        let vals: Vec<Term> = segs.iter().map(|s| reg!(s.value).clone()).collect();
                        let sizes: Vec<Option<Term>> = segs
                            .iter()
                            .map(|s| s.size.map(|r| reg!(r).clone()))
                            .collect();
                        match build_binary(self, segs, &vals, &sizes) {
                            Ok(t) => reg!(*d) = t,
                            Err(e) => raise!(e),
                        }
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
                        let subject = reg!(*src).clone();
                        let sizes: Vec<Option<Term>> = segs
                            .iter()
                            .map(|s| s.size.map(|r| reg!(r).clone()))
                            .collect();
                        match match_binary(self, &subject, segs, &sizes) {
                            Some(vals) => {
                                for (s, v) in segs.iter().zip(vals) {
                                    reg!(s.value) = v;
                                }
                            }
                            None => pc = *l as usize,
                        }
                    }
                    Op::Arith(o, a, b, d) => match self.arith(*o, &reg!(*a), &reg!(*b)) {
                        Ok(v) => Term::set(&mut reg!(*d), v),
                        Err(e) => raise!(e),
                    },
                    Op::ArithK(o, a, k, d) => {
                        match self.arith(*o, &reg!(*a), &fun.consts[*k as usize]) {
                            Ok(v) => Term::set(&mut reg!(*d), v),
                            Err(e) => raise!(e),
                        }
                    }
                    Op::Cmp(o, a, b, d) => {
                        let (x, y) = (&reg!(*a), &reg!(*b));
                        let r = match o {
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
                        };
                        let b = self.bool(r);
                        Term::set(&mut reg!(*d), b);
                    }
                    Op::GuardBif(f, args, d, l) => {
                        let argv: Vec<Term> = args.iter().map(|r| reg!(*r).clone()).collect();
                        match self.with_ctx(|c| f(c, &argv)) {
                            Ok(v) => Term::set(&mut reg!(*d), v),
                            Err(_) => pc = *l as usize,
                        }
                    }
                    Op::Call(callee, args, d) => {
                        reds = reds.saturating_sub(1);
                        if let Some(fr) = p.frames.last_mut() {
                            fr.pc = pc;
                        }
                        if let Some(r) = self.heap_gate(p) {
                            return (Outcome::Exit(r), budget - reds);
                        }
                        if let Some((module, code, env)) =
                            self.resolve_code(p, callee, args.len(), base)
                        {
                            // arguments go straight from this frame's registers to the new one
                            let new_base = p.regs.len();
                            if let Some(Fun::Closure(c)) = env.as_deref() {
                                p.regs.extend(c.env.iter().cloned());
                            }
                            for r in args.iter() {
                                let v = p.regs[base + *r as usize].clone();
                                p.regs.push(v);
                            }
                            crate::process::pad_regs(&mut p.regs, new_base + code.nregs as usize);
                            p.frames.push(crate::process::Frame {
                                module,
                                fun: code.clone(),
                                pc: 0,
                                base: new_base,
                                ret: *d,
                            });
                            if reds == 0 {
                                return (Outcome::Yield, budget);
                            }
                            // run the callee here, without reloading its frame
                            fun = code;
                            base = new_base;
                            pc = 0;
                            continue;
                        }
                        let argv: Vec<Term> = args.iter().map(|r| reg!(*r).clone()).collect();
                        match self.invoke(p, callee, argv, Some(*d)) {
                            Ok(Invoked::Pushed) => {
                                if reds == 0 {
                                    return (Outcome::Yield, budget);
                                }
                                continue 'frames;
                            }
                            Ok(Invoked::Value(v)) => {
                                reg!(*d) = v;
                            }
                            Ok(Invoked::Exit(r)) => return (Outcome::Exit(r), budget - reds),
                            Err(e) => raise!(e),
                        }
                    }
                    Op::TailCall(callee, args) => {
                        reds = reds.saturating_sub(1);
                        if let Some(fr) = p.frames.last_mut() {
                            fr.pc = pc;
                        }
                        if let Some(r) = self.heap_gate(p) {
                            return (Outcome::Exit(r), budget - reds);
                        }
                        if let Some((module, code, env)) =
                            self.resolve_code(p, callee, args.len(), base)
                        {
                            // new arguments above the frame, then slid down over it
                            let top = p.regs.len();
                            if let Some(Fun::Closure(c)) = env.as_deref() {
                                p.regs.extend(c.env.iter().cloned());
                            }
                            for r in args.iter() {
                                let v = p.regs[base + *r as usize].clone();
                                p.regs.push(v);
                            }
                            p.regs.drain(base..top);
                            crate::process::pad_regs(&mut p.regs, base + code.nregs as usize);
                            if let Some(fr) = p.frames.last_mut() {
                                fr.module = module;
                                fr.fun = code;
                                fr.pc = 0;
                            }
                            if reds == 0 {
                                return (Outcome::Yield, budget);
                            }
                            continue 'frames;
                        }
                        let argv: Vec<Term> = args.iter().map(|r| reg!(*r).clone()).collect();
                        match self.invoke(p, callee, argv, None) {
                            Ok(Invoked::Pushed) => {
                                if reds == 0 {
                                    return (Outcome::Yield, budget);
                                }
                                continue 'frames;
                            }
                            Ok(Invoked::Value(v)) => {
                                if let Some(o) = self.do_return(p, v) {
                                    return (o, budget - reds);
                                }
                                continue 'frames;
                            }
                            Ok(Invoked::Exit(r)) => return (Outcome::Exit(r), budget - reds),
                            Err(e) => raise!(e),
                        }
                    }
                    Op::Return(r) => {
                        let v = std::mem::replace(&mut reg!(*r), Term::Nil);
                        if let Some(o) = self.do_return(p, v) {
                            return (o, budget - reds);
                        }
                        reds = reds.saturating_sub(1);
                        if reds == 0 {
                            return (Outcome::Yield, budget);
                        }
                        continue 'frames;
                    }
                    Op::RecvPeek(d, wait) => match p.mailbox.get(p.save) {
                        Some(m) => {
                            let m = m.clone();
                            reg!(*d) = m;
                        }
                        None => pc = *wait as usize,
                    },
                    Op::RecvMark(r) => {
                        if let (0, Some((m, pos))) = (p.save, &p.mark) {
                            if *m == reg!(*r) {
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
                        leave_receive(p);
                    }
                    Op::RecvWait(timeout, peek) => {
                        if p.timeout_fired {
                            p.timeout_fired = false;
                            p.save = 0;
                            continue;
                        }
                        let ms = match timeout {
                            None => None,
                            Some(r) => match &reg!(*r) {
                                Term::Int(n) if *n >= 0 => Some(*n as u64),
                                Term::Atom(a) if a.as_str() == "infinity" => None,
                                _ => raise!(Raise::error(self.atom_term("timeout_value"))),
                            },
                        };
                        if ms == Some(0) {
                            p.save = 0;
                            continue;
                        }
                        if let Some(ms) = ms {
                            if p.armed_timer.is_none() {
                                let token = self.add_timer(
                                    ms,
                                    Timer::Timeout {
                                        pid: p.id,
                                        token: 0,
                                    },
                                );
                                // the timer entry must know its own token
                                if let Some(t) = self.timers.values_mut().find(
                                    |t| matches!(t, Timer::Timeout { pid, token: 0 } if *pid == p.id),
                                ) {
                                    *t = Timer::Timeout { pid: p.id, token };
                                }
                                p.armed_timer = Some(token);
                            }
                        }
                        if let Some(fr) = p.frames.last_mut() {
                            fr.pc = *peek as usize;
                        }
                        return (Outcome::Wait, budget - reds);
                    }
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
                        let mut e = Raise::error(reg!(*r).clone());
                        e.kind = kind;
                        let _ = s;
                        raise!(e);
                    }
                    Op::RaiseTagged(tag, r) => {
                        let reason = match r {
                            Some(r) => Term::tuple(vec![self.atom_term(tag), reg!(*r).clone()]),
                            None => self.atom_term(tag),
                        };
                        raise!(Raise::error(reason));
                    }
                    Op::DefModule(i, d) => {
                        let parent = p.frames.last().map(|f| f.module.clone());
                        let Some(m) = parent.and_then(|pm| pm.submodules.get(*i as usize).cloned())
                        else {
                            continue;
                        };
                        reg!(*d) = self.load_module(m);
                    }
                    Op::FunctionClause => {
                        let e = self.function_clause_raise(p, &fun);
                        raise!(e);
                    }
                }
            }
        }
    }

    /// Loads a module (and the modules nested in it), replacing any
    /// earlier version; gives `defmodule`'s value.
    pub(crate) fn load_module(&mut self, m: Rc<Module>) -> Term {
        let mut stack = vec![m.clone()];
        while let Some(x) = stack.pop() {
            stack.extend(x.submodules.iter().cloned());
            if self.modules.contains_key(&x.name) {
                let text = format!(
                    "warning: redefining module {} (current version defined in memory)\n  iex:1",
                    crate::text::alias_text(x.name.as_str())
                );
                self.console.output(crate::console::ConsoleEvent::Log(text));
            }
            self.modules.insert(x.name.clone(), x);
        }
        // what `defmodule` returns: {:module, Name, beam_binary, last_value}
        let beam = Term::binary(b"FOR1\0\0\x05\xe4BEAMAtU8\0\0\0\xa5");
        Term::tuple(vec![
            self.atom_term("module"),
            Term::Atom(m.name.clone()),
            beam,
            m.body_value.clone(),
        ])
    }

    /// The bytecode a call runs, when it runs bytecode: the module, the
    /// function, and the closure whose captured values come first. `None`
    /// for natives and for calls that fail (the slow path words the error).
    #[inline(always)]
    fn resolve_code(
        &self,
        p: &Process,
        callee: &Callee,
        nargs: usize,
        base: usize,
    ) -> Option<Resolved> {
        match callee {
            Callee::Local(i) => {
                let module = p.frames.last()?.module.clone();
                let code = module.funs.get(*i as usize)?.clone();
                Some((module, code, None))
            }
            Callee::Remote { module, function } => {
                let m = self.modules.get(module)?.clone();
                let code = m.export(function, nargs as u32)?.clone();
                Some((m, code, None))
            }
            Callee::Native { .. } | Callee::ProcNative { .. } => None,
            Callee::Fun(r) => {
                let Term::Fun(f) = p.regs.get(base + *r as usize)? else {
                    return None;
                };
                match &**f {
                    Fun::Closure(c) if c.arity as usize == nargs => {
                        let lr = c.code.downcast_ref::<LambdaRef>()?;
                        let code = lr.module.lambdas.get(lr.index as usize)?.clone();
                        Some((lr.module.clone(), code, Some(f.clone())))
                    }
                    Fun::Export {
                        module,
                        function,
                        arity,
                    } if *arity as usize == nargs => {
                        let m = self.modules.get(module)?.clone();
                        let code = m.export(function, *arity)?.clone();
                        Some((m, code, None))
                    }
                    _ => None,
                }
            }
        }
    }

    /// `+ - * /` with a fast path for small integers that do not overflow.
    #[inline]
    fn arith(&mut self, op: ArithOp, x: &Term, y: &Term) -> Result<Term, Raise> {
        let fast = match (op, x, y) {
            (ArithOp::Add, Term::Int(a), Term::Int(b)) => a.checked_add(*b),
            (ArithOp::Sub, Term::Int(a), Term::Int(b)) => a.checked_sub(*b),
            (ArithOp::Mul, Term::Int(a), Term::Int(b)) => a.checked_mul(*b),
            _ => None,
        };
        match fast {
            Some(v) => Ok(Term::Int(v)),
            None => self.with_ctx(|c| ops::arith(c, op, x, y)),
        }
    }

    fn tagged_error(&self, tag: &str, v: Term) -> Raise {
        Raise::error(Term::tuple(vec![self.atom_term(tag), v]))
    }

    fn function_clause_raise(&self, p: &Process, fun: &FunCode) -> Raise {
        let mut e = Raise::error(self.atom_term("function_clause"));
        let module = p
            .frames
            .last()
            .map(|f| f.module.name.clone())
            .unwrap_or_else(|| self.common.erl_eval.clone());
        e.mfa = Some((module, fun.name.clone(), fun.arity));
        e
    }

    /// Pops the returning frame; `Some` when the process's bottom frame returned.
    #[inline(always)]
    fn do_return(&mut self, p: &mut Process, v: Term) -> Option<Outcome> {
        let Some(done) = p.frames.pop() else {
            return Some(Outcome::Done(v));
        };
        free_regs(&mut p.regs, done.base);
        match p.frames.last() {
            None => Some(Outcome::Done(v)),
            Some(caller) => {
                let i = caller.base + done.ret as usize;
                if let Some(slot) = p.regs.get_mut(i) {
                    *slot = v;
                }
                None
            }
        }
    }

    /// Unwinds to the innermost handler, or gives the raise back.
    fn unwind(&mut self, p: &mut Process, e: Raise) -> Result<(), Raise> {
        leave_receive(p);
        while let Some(h) = p.handlers.pop() {
            if h.depth > p.frames.len() || h.depth == 0 {
                continue;
            }
            // the stack as it was where the raise happened
            let stack = crate::error::stacktrace(self, p, &e);
            p.frames.truncate(h.depth);
            let Some(frame) = p.frames.last_mut() else {
                break;
            };
            frame.pc = h.target as usize;
            let base = frame.base;
            let end = base + frame.fun.nregs as usize;
            p.regs.truncate(end);
            let kind = self.atom_term(e.kind.name());
            let reason = if e.kind == RaiseKind::Error {
                crate::error::attach_details(self, &e)
            } else {
                e.reason.clone()
            };
            p.regs[base + h.regs.0 as usize] = kind;
            p.regs[base + h.regs.1 as usize] = reason;
            p.regs[base + h.regs.2 as usize] = stack;
            p.last_raise = Some(Box::new(e));
            return Ok(());
        }
        Err(e)
    }

    /// Calls `callee`: pushes a frame (or replaces the current one for a
    /// tail call, `ret == None`) or computes a native's value.
    fn invoke(
        &mut self,
        p: &mut Process,
        callee: &Callee,
        args: Vec<Term>,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        match callee {
            Callee::Local(i) => {
                let Some(module) = p.frames.last().map(|f| f.module.clone()) else {
                    return Err(Raise::error(self.atom_term("undef")));
                };
                let Some(code) = module.funs.get(*i as usize).cloned() else {
                    return Err(Raise::error(self.atom_term("undef")));
                };
                self.enter(p, module, code, args, ret)
            }
            Callee::Remote { module, function } => {
                self.call_mfa(p, module.clone(), function.clone(), args, ret)
            }
            Callee::ProcNative {
                id,
                module,
                function,
            } => {
                let arity = args.len() as u32;
                match self.natives.process(*id) {
                    Some(f) => self.proc_native(p, f, (module, function, arity), args, ret),
                    None => Err(Raise::error(self.atom_term("undef"))),
                }
            }
            Callee::Native {
                f,
                module,
                function,
            } => {
                let r = self.with_ctx(|c| f(c, &args));
                r.map(Invoked::Value).map_err(|mut e| {
                    if e.mfa.is_none() && !e.arg_errors.is_empty() {
                        e.mfa = Some((module.clone(), function.clone(), args.len() as u32));
                    }
                    e
                })
            }
            Callee::Fun(r) => {
                let f = p
                    .frames
                    .last()
                    .map(|fr| p.regs[fr.base + *r as usize].clone())
                    .unwrap_or(Term::Nil);
                self.call_fun(p, f, args, ret)
            }
        }
    }

    pub(crate) fn call_fun(
        &mut self,
        p: &mut Process,
        f: Term,
        args: Vec<Term>,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        let Term::Fun(fun) = &f else {
            return Err(self.tagged_error("badfun", f));
        };
        match &**fun {
            Fun::Export {
                module,
                function,
                arity,
            } => {
                if *arity as usize != args.len() {
                    return Err(self.badarity(f.clone(), args));
                }
                self.call_mfa(p, module.clone(), function.clone(), args, ret)
            }
            Fun::Closure(c) => {
                if c.arity as usize != args.len() {
                    return Err(self.badarity(f.clone(), args));
                }
                let Some(lr) = c.code.downcast_ref::<LambdaRef>() else {
                    return Err(Raise::error(self.atom_term("undef")));
                };
                let Some(code) = lr.module.lambdas.get(lr.index as usize).cloned() else {
                    return Err(Raise::error(self.atom_term("undef")));
                };
                let mut full = c.env.clone();
                full.extend(args);
                self.enter(p, lr.module.clone(), code, full, ret)
            }
        }
    }

    fn badarity(&self, f: Term, args: Vec<Term>) -> Raise {
        Raise::error(Term::tuple(vec![
            self.atom_term("badarity"),
            Term::tuple(vec![f, Term::list(args)]),
        ]))
    }

    /// Resolves `module.function/arity` on this node: loaded modules first,
    /// then process natives, then pure natives.
    pub(crate) fn call_mfa(
        &mut self,
        p: &mut Process,
        module: beamplay_term::Atom,
        function: beamplay_term::Atom,
        args: Vec<Term>,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        let arity = args.len() as u32;
        if let Some(m) = self.modules.get(&module).cloned() {
            if let Some(code) = m.export(&function, arity).cloned() {
                return self.enter(p, m, code, args, ret);
            }
        }
        match self
            .natives
            .lookup(module.as_str(), function.as_str(), arity)
        {
            Some(Native::Process(f)) => {
                return self.proc_native(p, f, (&module, &function, arity), args, ret)
            }
            Some(Native::Pure(f)) => {
                return self
                    .with_ctx(|c| f(c, &args))
                    .map(Invoked::Value)
                    .map_err(|mut e| {
                        if e.mfa.is_none() && !e.arg_errors.is_empty() {
                            e.mfa = Some((module.clone(), function.clone(), arity));
                        }
                        e
                    })
            }
            None => {}
        }
        // Kernel's functions that the compiler turns into BIFs are
        // functions too, for `apply` and remote calls
        if module.as_str() == "Elixir.Kernel" {
            if let Some(("erlang", f)) =
                crate::compile::kernel_import(function.as_str(), arity as usize)
            {
                let (m, f) = (self.atom("erlang"), self.atom(f));
                return self.call_mfa(p, m, f, args, ret);
            }
        }
        let mut e = Raise::error(Term::Atom(self.common.undef.clone()));
        e.mfa = Some((module, function, arity));
        Err(e)
    }

    fn proc_native(
        &mut self,
        p: &mut Process,
        f: ProcNativeFn,
        (module, function, arity): (&beamplay_term::Atom, &beamplay_term::Atom, u32),
        args: Vec<Term>,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        match f(self, p, &args) {
            NativeOut::Value(v) => Ok(Invoked::Value(v)),
            NativeOut::Raise(mut e) => {
                if e.mfa.is_none() && !e.arg_errors.is_empty() {
                    e.mfa = Some((module.clone(), function.clone(), arity));
                }
                Err(e)
            }
            NativeOut::Exit(r) => Ok(Invoked::Exit(r)),
            NativeOut::Call(f, a) => self.call_fun(p, f, a, ret),
        }
    }

    fn enter(
        &mut self,
        p: &mut Process,
        module: Rc<Module>,
        code: Rc<FunCode>,
        args: Vec<Term>,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        match ret {
            Some(r) => p.push_frame(module, code, &args, r),
            None => {
                let Some(fr) = p.frames.last_mut() else {
                    p.push_frame(module, code, &args, 0);
                    return Ok(Invoked::Pushed);
                };
                let base = fr.base;
                let size = (code.nregs as usize).max(args.len());
                fr.module = module;
                fr.fun = code;
                fr.pc = 0;
                p.regs.truncate(base);
                p.regs.extend(args);
                p.regs.resize(base + size, Term::Nil);
            }
        }
        Ok(Invoked::Pushed)
    }

    /// What the meter may charge to `p` before its heap is measured again
    /// (as a collector would) and before it passes its limit if nothing
    /// was freed. Measuring after as much allocation as was live keeps the
    /// cost of measuring in proportion to the allocation.
    fn heap_rooms(&self, p: &Process) -> (usize, usize) {
        let max = self.limits.max_heap_words;
        let live = p.heap_live as usize;
        let alloc = p.heap_alloc as usize;
        let soft = live
            .max(MIN_HEAP_ROOM)
            .min(max.saturating_sub(live) / 2)
            .max(MIN_HEAP_ROOM / 16);
        (soft.saturating_sub(alloc), max.saturating_sub(live + alloc))
    }

    /// At calls and raises: the exit reason when `p` is past its heap
    /// limit. Cheap unless its stack is past the limit or the meter asks
    /// for a measure.
    #[inline(always)]
    fn heap_gate(&mut self, p: &mut Process) -> Option<Term> {
        if p.stack_words() > self.limits.max_heap_words || meter::over() {
            self.heap_check(p)
        } else {
            None
        }
    }

    /// Measures `p` once the meter says so (soft room used, a native's
    /// reservation refused) or its stack passed the limit: the exit reason
    /// when it is over its limit, else re-arms the meter.
    #[cold]
    #[inline(never)]
    fn heap_check(&mut self, p: &mut Process) -> Option<Term> {
        let refused = meter::failed();
        let live = p.heap_words();
        if live > self.limits.max_heap_words || refused {
            let wanted = p.heap_live as usize + p.heap_alloc as usize + meter::used();
            let total = if refused { live.max(wanted) } else { live };
            return Some(self.heap_limit_exit(p, total));
        }
        p.heap_live = clamp_u32(live);
        p.heap_alloc = 0;
        let (soft, hard) = self.heap_rooms(p);
        meter::arm(soft, hard);
        None
    }

    /// Logs BEAM's `maximum heap size reached` report; the reason is `:killed`.
    fn heap_limit_exit(&mut self, p: &Process, total: usize) -> Term {
        let text = format!(
            "[error]      Process:            {}{}\n     Context:            maximum heap size reached\n     Max Heap Size:      {}\n     Total Heap Size:    {}\n     Kill:               true\n     Error Logger:       true\n     Message Queue Len:  {}",
            crate::error::pid_text(self, &p.pid),
            self.on_node(),
            self.limits.max_heap_words,
            total,
            p.mailbox.len()
        );
        self.console.output(crate::console::ConsoleEvent::Log(text));
        Term::Atom(self.common.killed.clone())
    }

    /// Starts a new process `id` on `f(args)`. A call that cannot even
    /// start (an undefined function, a wrong arity) or a BIF that raises
    /// at once ends it, with the reason BEAM gives: `{:undef, [{m, f,
    /// args, []}]}`, an exit's own reason, `{{:nocatch, v}, []}`.
    pub(crate) fn start_process(&mut self, id: u32, f: Term, args: Vec<Term>) {
        let call = match &f {
            Term::Fun(fun) => match &**fun {
                Fun::Export {
                    module, function, ..
                } => Some((module.clone(), function.clone(), Term::list(args.clone()))),
                Fun::Closure(_) => None,
            },
            _ => None,
        };
        if let Err(e) = self.start_fun(id, f, args) {
            let stack = match call {
                Some((m, f, a)) if e.reason.is_atom("undef") => Term::list([Term::tuple(vec![
                    Term::Atom(m),
                    Term::Atom(f),
                    a,
                    Term::Nil,
                ])]),
                _ => Term::Nil,
            };
            let reason = self.exit_reason(e.kind, e.reason, stack);
            self.terminate(id, reason);
        }
    }

    /// Starts running `fun` with `args` in process `id` from scratch.
    pub(crate) fn start_fun(&mut self, id: u32, f: Term, args: Vec<Term>) -> Result<(), Raise> {
        let Some(mut p) = self.procs.remove(&id) else {
            return Ok(());
        };
        let outer = self.running.replace(id);
        let r = self.call_fun(&mut p, f, args, Some(0));
        self.running = outer;
        let r = match r {
            Ok(Invoked::Value(_)) | Ok(Invoked::Exit(_)) | Ok(Invoked::Pushed) => Ok(()),
            Err(e) => Err(e),
        };
        p.status = Status::Runnable;
        self.procs.insert(id, p);
        self.run_queue.push_back(id);
        r
    }
}

/// A call's bytecode target: module, function, and the closure (if any)
/// whose captured values are its first arguments.
type Resolved = (Rc<Module>, Rc<FunCode>, Option<Rc<Fun>>);

pub(crate) enum Invoked {
    Pushed,
    Value(Term),
    Exit(Term),
}

/// The receive under way is over, by a message taken or by a raise (a
/// size expression of a pattern can raise while messages are tried): the
/// next receive starts from the oldest message, and its timeout is its own.
fn leave_receive(p: &mut Process) {
    p.save = 0;
    p.armed_timer = None;
    p.timeout_fired = false;
}

/// Drops registers from `base` on, skipping the drop call for immediates.
#[inline]
fn free_regs(regs: &mut Vec<Term>, base: usize) {
    while regs.len() > base {
        if let Some(t) = regs.pop() {
            if t.is_immediate() {
                std::mem::forget(t);
            }
        }
    }
}

/// Allocation between two measures of a process's heap, at least.
const MIN_HEAP_ROOM: usize = 1 << 20;

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
