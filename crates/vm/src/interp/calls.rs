//! Calls: where a call goes (bytecode of this node's modules, a closure,
//! a native), entering bytecode, and starting a process on a function.
use std::rc::Rc;

use beamplay_term::{Atom, Fun, Term};

use crate::code::{Callee, FunId, LambdaRef, Module, Reg};
use crate::console::ConsoleEvent;
use crate::native::{Argv, Native, NativeOut, Raise};
use crate::node::{Node, ProcNativeFn};
use crate::process::{Args, Process, Status};

/// A call's bytecode target: module, function, its registers, and the
/// closure (if any) whose captured values are its first arguments.
type Resolved = (Rc<Module>, FunId, u32, Option<Rc<Fun>>);

/// What a call did.
pub(crate) enum Invoked {
    /// Bytecode was entered: its frame runs next.
    Pushed,
    /// A native's value, at once.
    Value(Term),
    /// The calling process exits with this reason.
    Exit(Term),
}

impl Node {
    /// Calls `callee` with the arguments in registers `args` of the frame
    /// at `base`: a new frame whose value goes to register `ret`, or for a
    /// tail call (`ret` is `None`) the current frame replaced. Bytecode is
    /// entered straight from the registers; the rest (natives, errors)
    /// takes the arguments as values.
    #[inline(always)]
    pub(super) fn call(
        &mut self,
        p: &mut Process,
        callee: &Callee,
        args: &[Reg],
        base: usize,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        if let Some((module, fun, nregs, closure)) = self.resolve_code(p, callee, args.len(), base)
        {
            let env = match closure.as_deref() {
                Some(Fun::Closure(c)) => &c.env[..],
                _ => &[],
            };
            p.enter(
                &module,
                fun,
                nregs,
                Args::Regs {
                    env,
                    regs: args,
                    base,
                },
                ret,
            );
            return Ok(Invoked::Pushed);
        }
        let argv: Vec<Term> = args
            .iter()
            .map(|r| p.regs[base + *r as usize].clone())
            .collect();
        self.invoke(p, callee, argv, ret)
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
            Callee::Remote { module, function } => {
                let m = self.modules.get(module)?;
                let fun = m.export(function, nargs as u32)?;
                Some((m.clone(), fun, m.code(fun)?.nregs, None))
            }
            Callee::Native { .. } | Callee::ProcNative { .. } => None,
            Callee::Fun(r) => {
                let Term::Fun(f) = p.regs.get(base + *r as usize)? else {
                    return None;
                };
                match &**f {
                    Fun::Closure(c) if c.arity as usize == nargs => {
                        let lr = c.code.downcast_ref::<LambdaRef>()?;
                        let fun = FunId::Lambda(lr.index);
                        let nregs = lr.module.code(fun)?.nregs;
                        Some((lr.module.clone(), fun, nregs, Some(f.clone())))
                    }
                    Fun::Export {
                        module,
                        function,
                        arity,
                    } if *arity as usize == nargs => {
                        let m = self.modules.get(module)?;
                        let fun = m.export(function, *arity)?;
                        Some((m.clone(), fun, m.code(fun)?.nregs, None))
                    }
                    _ => None,
                }
            }
        }
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
                let r = self.with_ctx(|c| f(c, Argv(&args)));
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
                let mut full = c.env.clone();
                full.extend(args);
                self.enter(p, &lr.module, FunId::Lambda(lr.index), full, ret)
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
        module: Atom,
        function: Atom,
        args: Vec<Term>,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        let arity = args.len() as u32;
        if let Some(m) = self.modules.get(&module).cloned() {
            if let Some(fun) = m.export(&function, arity) {
                return self.enter(p, &m, fun, args, ret);
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
                    .with_ctx(|c| f(c, Argv(&args)))
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
        (module, function, arity): (&Atom, &Atom, u32),
        args: Vec<Term>,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        match f(self, p, Argv(&args)) {
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

    /// Enters bytecode with its arguments as values.
    fn enter(
        &mut self,
        p: &mut Process,
        module: &Rc<Module>,
        fun: FunId,
        args: Vec<Term>,
        ret: Option<Reg>,
    ) -> Result<Invoked, Raise> {
        let Some(nregs) = module.code(fun).map(|c| c.nregs) else {
            return Err(Raise::error(self.atom_term("undef")));
        };
        p.enter(module, fun, nregs, Args::Values(args), ret);
        Ok(Invoked::Pushed)
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
                self.console.output(ConsoleEvent::Log(text));
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
