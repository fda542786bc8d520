//! Remote calls, closures, captures, binaries and the branching forms:
//! case, cond, if, receive, try, for, with.
use std::collections::BTreeSet;
use std::rc::Rc;

use beamplay_syntax::ast::Head;
use beamplay_syntax::{Ast, Meta};
use beamplay_term::Term;

use super::env::{CResult, CompileError};
use super::expr::{
    block_kw, case_of, clauses, cmp_of, err, is_local, line_of, mentioned_vars, remote, stab, var,
    Clause, FnCompiler, Vars,
};
use super::kernel::kernel_import;
use crate::code::{BinSeg, CmpOp, Label, Op, Reg, SegKind, ERL_EVAL_ORIGIN};

impl FnCompiler<'_, '_> {
    pub(super) fn remote_call(
        &mut self,
        target: &Ast,
        fname: &str,
        meta: Meta,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let module = match target {
            Ast::Alias { .. } => Some(self.alias_atom(target)?.as_str().to_string()),
            // `:atom.key` without parentheses is dot access, as on a variable
            Ast::Atom(a) if !(meta.no_parens && args.is_empty()) => Some(a.clone()),
            Ast::Var { name, .. } if name == "__MODULE__" && !self.module.console => {
                Some(self.module.name.as_str().to_string())
            }
            _ => None,
        };
        if let Some(m) = module {
            if self.guard_fail.is_some() && !(m == "erlang" || m == "Elixir.Kernel") {
                return err(
                    target,
                    format!(
                        "cannot invoke remote function {}.{fname}/{} inside guards",
                        crate::text::alias_text(&m),
                        args.len()
                    ),
                );
            }
            let a = self.operands(args, vars)?;
            if m == "Elixir.Kernel" {
                if let Some((km, kf)) = kernel_import(fname, args.len()) {
                    return self.call_remote(km, kf, a, tail);
                }
                if let Some(op) = super::expr::erlang_op_of(fname, args.len()) {
                    return self.call_remote("erlang", op, a, tail);
                }
            }
            return self.call_remote(&m, fname, a, tail);
        }
        if meta.no_parens && args.is_empty() {
            if let Some(text) = literal_text(target) {
                return Err(CompileError::new(
                    meta.line,
                    format!("invalid call {text}.{fname}"),
                ));
            }
        }
        let t = self.gen(target, vars, false)?;
        if meta.no_parens && args.is_empty() {
            // map.field (or a zero-arity call when the value is a module)
            let key = self.atom_t_(fname);
            let k = self.code.load(key)?;
            let d = self.code.reg()?;
            let miss = self.code.label();
            let end = self.code.label();
            self.code.emit(Op::GetMapKey(t, k, d, miss));
            self.code.emit(Op::Jump(end));
            self.code.place(miss);
            let r = self.call_remote("Elixir.Beamplay.Runtime", "dot", vec![t, k], false)?;
            self.code.emit(Op::Move(r, d));
            self.code.place(end);
            return self.ret_(d, tail);
        }
        // a module in a variable: apply(mod, fun, args)
        let f = self.atom_t_(fname);
        let fr = self.code.load(f)?;
        let a = self.args_(args, vars)?;
        let l = self.code.reg()?;
        self.code.emit(Op::List(a.into(), None, l));
        self.call_remote("erlang", "apply", vec![t, fr, l], tail)
    }

    pub(super) fn binary(&mut self, args: &[Ast], vars: &mut Vars) -> CResult<Reg> {
        let mut segs = Vec::new();
        for a in args {
            let (value, spec) = match is_local(a, "::") {
                Some([v, s]) => (v, Some(s)),
                _ => (a, None),
            };
            let mut seg = seg_spec(spec, value)?;
            if let Some(size) = &seg.1 {
                seg.0.size = Some(self.gen(size, vars, false)?);
            }
            seg.0.value = self.gen(value, vars, false)?;
            segs.push(seg.0);
        }
        let d = self.code.reg()?;
        self.code.emit(Op::Binary(segs.into(), d));
        Ok(d)
    }

    /// Compiles `fn` clauses into a lambda and makes the closure.
    pub(super) fn lambda(&mut self, e: &Ast, args: &[Ast], vars: &mut Vars) -> CResult<Reg> {
        let section = Ast::List(args.to_vec());
        let cls = clauses(&section).ok_or_else(|| CompileError::new(line_of(e), "invalid fn"))?;
        let Some(first) = cls.first() else {
            return err(e, "expected clauses to be defined with -> inside fn");
        };
        let arity = first.pats.len();
        if cls.iter().any(|c| c.pats.len() != arity) {
            return err(
                e,
                "cannot mix clauses with different arities in anonymous functions",
            );
        }
        let mut mentioned = BTreeSet::new();
        for a in args {
            mentioned_vars(a, &mut mentioned);
        }
        let free: Vec<(String, Reg)> = mentioned
            .into_iter()
            .filter_map(|n| vars.0.get(&n).map(|r| (n, *r)))
            .collect();
        let nfree = free.len() as u32;
        let idx = self.module.lambda_count;
        self.module.lambda_count += 1;
        let (name, origin, module_name) = if self.module.console {
            (
                "-inside-an-interpreted-fun-".to_string(),
                ERL_EVAL_ORIGIN.to_string(),
                self.module.name.clone(),
            )
        } else {
            (
                format!(
                    "-{}-fun-{idx}-",
                    self.module.current.rsplit('.').next().unwrap_or("")
                ),
                self.module.current.clone(),
                self.module.name.clone(),
            )
        };
        let _ = module_name;
        let code = {
            let mut child =
                FnCompiler::new(self.env, self.module, nfree + arity as u32, line_of(e));
            let mut cvars = Vars::default();
            for (i, (n, _)) in free.iter().enumerate() {
                cvars.0.insert(n.clone(), i as Reg);
            }
            let params: Vec<Reg> = (nfree..nfree + arity as u32).map(|r| r as Reg).collect();
            child.function_clauses(&cls, &params, &cvars)?;
            let name_atom = child.atom(&name);
            child
                .code
                .finish(name_atom, arity as u32, nfree, Rc::from(origin.as_str()))
        };
        self.module.lambdas.push(code);
        let lambda = (self.module.lambdas.len() - 1) as u32;
        let env: Vec<Reg> = free.iter().map(|(_, r)| *r).collect();
        let d = self.code.reg()?;
        self.code.emit(Op::Closure {
            lambda,
            env: env.into(),
            dst: d,
        });
        Ok(d)
    }

    /// Clauses matched against the parameter registers, in order; the last
    /// failure raises FunctionClauseError. Each body is in tail position.
    pub(super) fn function_clauses(
        &mut self,
        cls: &[Clause<'_>],
        params: &[Reg],
        base: &Vars,
    ) -> CResult<()> {
        // each clause returns, so the next one reuses its registers
        let mark = self.code.mark();
        for c in cls {
            self.code.rewind(mark);
            let next = self.code.label();
            let mut v = base.clone();
            let mut seen = BTreeSet::new();
            for (p, r) in c.pats.iter().zip(params) {
                self.pattern(p, *r, &mut v, &mut seen, next)?;
            }
            if let Some(g) = c.guard {
                self.guard(g, &mut v, next)?;
            }
            self.gen(c.body, &mut v, true)?;
            self.code.place(next);
        }
        self.code.emit(Op::FunctionClause);
        Ok(())
    }

    /// A guard: anything but `true` (or a failing BIF) jumps to `fail`.
    pub(super) fn guard(&mut self, g: &Ast, vars: &mut Vars, fail: Label) -> CResult<()> {
        // `when a when b` means a or b
        if let Some([a, b]) = is_local(g, "when") {
            let ok = self.code.label();
            let try_b = self.code.label();
            self.guard(a, vars, try_b)?;
            self.code.emit(Op::Jump(ok));
            self.code.place(try_b);
            self.guard(b, vars, fail)?;
            self.code.place(ok);
            return Ok(());
        }
        let saved = self.guard_fail.replace(fail);
        let test = self.guard_test(g, vars, fail);
        self.guard_fail = saved;
        self.code.emit(test?);
        Ok(())
    }

    /// The op that jumps to `fail` unless guard `g` is `true`: a
    /// comparison tests its operands straight away.
    fn guard_test(&mut self, g: &Ast, vars: &mut Vars, fail: Label) -> CResult<Op> {
        if let Some((op, args)) = comparison(g) {
            let [a, b] = self.operands(args, vars)?[..] else {
                return err(g, "internal: two operands expected");
            };
            return Ok(Op::IsCmp(op, a, b, fail));
        }
        let r = self.gen(g, vars, false)?;
        Ok(Op::JumpUnlessTrue(r, fail))
    }

    pub(super) fn capture(&mut self, e: &Ast, inner: &Ast, vars: &mut Vars) -> CResult<Reg> {
        if let Ast::Int(n) = inner {
            return err(
                e,
                format!("capture argument &{n} must be used within the capture operator &"),
            );
        }
        if let Some([f, Ast::Int(arity)]) = is_local(inner, "/") {
            let arity = *arity as usize;
            match f {
                Ast::Call {
                    head: Head::Remote(m, fname),
                    args,
                    ..
                } if args.is_empty() => {
                    let module = match &**m {
                        Ast::Alias { .. } => self.alias_atom(m)?.as_str().to_string(),
                        Ast::Atom(a) => a.clone(),
                        _ => return self.capture_expr(e, inner, vars),
                    };
                    let (module, fname) = if module == "Elixir.Kernel" {
                        match kernel_import(fname, arity).or_else(|| {
                            super::expr::erlang_op_of(fname, arity).map(|op| ("erlang", op))
                        }) {
                            Some((km, kf)) => (km.to_string(), kf.to_string()),
                            None => (module, fname.clone()),
                        }
                    } else {
                        (module, fname.clone())
                    };
                    let t = Term::export(self.atom(&module), self.atom(&fname), arity as u32);
                    return self.code.load(t);
                }
                Ast::Var { name, .. }
                | Ast::Call {
                    head: Head::Local(name),
                    ..
                } => {
                    if self
                        .module
                        .locals
                        .contains_key(&(name.clone(), arity as u32))
                    {
                        let params: Vec<Ast> = (1..=arity)
                            .map(|i| var(&format!("&{i}"), line_of(e)))
                            .collect();
                        let call = Ast::call(
                            name,
                            Meta {
                                line: line_of(e),
                                ..Meta::default()
                            },
                            params.clone(),
                        );
                        let f = Ast::call("fn", Meta::default(), vec![stab(params, call)]);
                        return self.gen(&f, vars, false);
                    }
                    let target = kernel_import(name, arity).or_else(|| {
                        super::expr::erlang_op_of(name, arity).map(|op| ("erlang", op))
                    });
                    if let Some((km, kf)) = target {
                        let t = Term::export(self.atom(km), self.atom(kf), arity as u32);
                        return self.code.load(t);
                    }
                    if self.module.console {
                        return err(
                            e,
                            format!("undefined function {name}/{arity} (there is no such import)"),
                        );
                    }
                    return err(e, format!("undefined function {name}/{arity} (expected {} to define such a function or for it to be imported, but none are available)", crate::text::alias_text(self.module.name.as_str())));
                }
                _ => {}
            }
        }
        self.capture_expr(e, inner, vars)
    }

    /// `&(expr with &1..&n)` as `fn &1, ..., &n -> expr end`.
    fn capture_expr(&mut self, e: &Ast, inner: &Ast, vars: &mut Vars) -> CResult<Reg> {
        let mut max = 0i64;
        let mut seen = BTreeSet::new();
        let body = replace_captures(inner, &mut max, &mut seen);
        if max == 0 {
            return err(e, format!("invalid args for &, expected one of:\n\n  * &Mod.fun/arity to capture a remote function, such as &Enum.map/2\n  * &fun/arity to capture a local or imported function, such as &is_atom/1\n  * &some_code(&1, ...) containing at least one argument as &1, such as &List.flatten(&1)\n\nGot: {}", "expression"));
        }
        for i in 1..=max {
            if !seen.contains(&i) {
                return err(e, format!("capture argument &{} cannot be defined without &{i} (you cannot skip arguments, all arguments must be numbered)", max));
            }
        }
        let params: Vec<Ast> = (1..=max)
            .map(|i| var(&format!("&{i}"), line_of(e)))
            .collect();
        let f = Ast::call("fn", Meta::default(), vec![stab(params, body)]);
        self.gen(&f, vars, false)
    }

    pub(super) fn case(
        &mut self,
        subject: &Ast,
        kw: &Ast,
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let s = self.gen(subject, vars, false)?;
        let section = block_kw(kw, "do")
            .ok_or_else(|| CompileError::new(line_of(subject), "missing :do option in \"case\""))?;
        let cls = clauses(section).ok_or_else(|| {
            CompileError::new(line_of(subject), "expected -> clauses for :do in \"case\"")
        })?;
        self.match_clauses(&cls, s, vars, tail, |fc| {
            fc.code.emit(Op::RaiseTagged("case_clause", Some(s)));
            Ok(())
        })
    }

    /// Tries `cls` against `s` in order; `no_match` emits what happens
    /// when none matches.
    pub(super) fn match_clauses(
        &mut self,
        cls: &[Clause<'_>],
        s: Reg,
        vars: &mut Vars,
        tail: bool,
        no_match: impl FnOnce(&mut Self) -> CResult<()>,
    ) -> CResult<Reg> {
        self.clauses_on(cls, s, vars, tail, false, |fc, _| no_match(fc))
    }

    /// Tries `cls` against `s`; with `accept`, a clause that matched takes
    /// the message first (a receive's); `no_match` gets the result
    /// register so that a fallback (receive's `after`) can fill it.
    pub(super) fn clauses_on(
        &mut self,
        cls: &[Clause<'_>],
        s: Reg,
        vars: &mut Vars,
        tail: bool,
        accept: bool,
        no_match: impl FnOnce(&mut Self, Reg) -> CResult<()>,
    ) -> CResult<Reg> {
        let d = self.code.reg()?;
        let end = self.code.label();
        // a clause's registers are dead once its value is in `d`
        let mark = self.code.mark();
        for c in cls {
            self.code.rewind(mark);
            let next = self.code.label();
            let mut v = vars.clone();
            let mut seen = BTreeSet::new();
            if let Some(p) = c.pats.first() {
                self.pattern(p, s, &mut v, &mut seen, next)?;
            }
            if let Some(g) = c.guard {
                self.guard(g, &mut v, next)?;
            }
            if accept {
                self.code.emit(Op::RecvAccept);
            }
            let r = self.gen(c.body, &mut v, tail)?;
            if !tail {
                self.code.emit(Op::Move(r, d));
                self.code.emit(Op::Jump(end));
            }
            self.code.place(next);
        }
        no_match(self, d)?;
        self.code.place(end);
        Ok(d)
    }

    pub(super) fn cond(&mut self, e: &Ast, kw: &Ast, vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let section = block_kw(kw, "do")
            .ok_or_else(|| CompileError::new(line_of(e), "missing :do option in \"cond\""))?;
        let cls = clauses(section).ok_or_else(|| {
            CompileError::new(line_of(e), "expected -> clauses for :do in \"cond\"")
        })?;
        let d = self.code.reg()?;
        let end = self.code.label();
        let mark = self.code.mark();
        for c in &cls {
            self.code.rewind(mark);
            let next = self.code.label();
            let Some(test) = c.pats.first() else {
                return err(e, "cond clauses must have exactly one condition");
            };
            let mut v = vars.clone();
            let t = self.gen(test, &mut v, false)?;
            self.code.emit(Op::JumpIfFalsy(t, next));
            let r = self.gen(c.body, &mut v, tail)?;
            if !tail {
                self.code.emit(Op::Move(r, d));
                self.code.emit(Op::Jump(end));
            }
            self.code.place(next);
        }
        self.code.emit(Op::RaiseTagged("cond_clause", None));
        self.code.place(end);
        Ok(d)
    }

    pub(super) fn if_(
        &mut self,
        unless: bool,
        test: &Ast,
        kw: &Ast,
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let t = self.gen(test, vars, false)?;
        let nil = Ast::Atom("nil".into());
        let then = block_kw(kw, "do").unwrap_or(&nil).clone();
        let other = block_kw(kw, "else").unwrap_or(&nil).clone();
        let (a, b) = if unless { (other, then) } else { (then, other) };
        let d = self.code.reg()?;
        let els = self.code.label();
        let end = self.code.label();
        self.code.emit(Op::JumpIfFalsy(t, els));
        let mut v = vars.clone();
        let r = self.gen(&a, &mut v, tail)?;
        if !tail {
            self.code.emit(Op::Move(r, d));
            self.code.emit(Op::Jump(end));
        }
        self.code.place(els);
        let mut v = vars.clone();
        let r = self.gen(&b, &mut v, tail)?;
        if !tail {
            self.code.emit(Op::Move(r, d));
        }
        self.code.place(end);
        Ok(d)
    }

    pub(super) fn receive(
        &mut self,
        e: &Ast,
        kw: &Ast,
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let cls = match block_kw(kw, "do") {
            Some(section) => match section {
                Ast::Call {
                    head: Head::Local(n),
                    args,
                    ..
                } if n == "__block__" && args.is_empty() => Vec::new(),
                _ => clauses(section).ok_or_else(|| {
                    CompileError::new(line_of(e), "expected -> clauses for :do in \"receive\"")
                })?,
            },
            None => Vec::new(),
        };
        let after = match block_kw(kw, "after") {
            Some(a) => {
                let c = clauses(a).ok_or_else(|| {
                    CompileError::new(
                        line_of(e),
                        "expected a single -> clause for :after in \"receive\"",
                    )
                })?;
                if c.len() != 1 || c[0].pats.len() != 1 {
                    return err(e, "expected a single -> clause for :after in \"receive\"");
                }
                Some((self.gen(c[0].pats[0], vars, false)?, c[0].body))
            }
            None => None,
        };
        let msg = self.code.reg()?;
        let peek = self.code.label();
        let wait = self.code.label();
        let pins: Vec<Reg> = common_pins(&cls)
            .into_iter()
            .filter_map(|name| vars.0.get(name).copied())
            .collect();
        if !pins.is_empty() {
            self.code.emit(Op::RecvMark(pins.into()));
        }
        self.code.place(peek);
        self.code.emit(Op::RecvPeek(msg, wait));
        let after_vars = vars.clone();
        self.clauses_on(&cls, msg, vars, tail, true, |fc, d| {
            // nothing matched: look at the next message, or wait for one
            fc.code.emit(Op::RecvNext(peek));
            fc.code.place(wait);
            match after {
                Some((t, body)) => {
                    fc.code.emit(Op::RecvWait(Some(t), peek));
                    let mut v = after_vars;
                    let r = fc.gen(body, &mut v, tail)?;
                    if !tail {
                        fc.code.emit(Op::Move(r, d));
                    }
                }
                None => fc.code.emit(Op::RecvWait(None, peek)),
            }
            Ok(())
        })
    }

    pub(super) fn try_(&mut self, e: &Ast, kw: &Ast, vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let _ = tail;
        let body = block_kw(kw, "do")
            .ok_or_else(|| CompileError::new(line_of(e), "missing :do option in \"try\""))?;
        let rescue = block_kw(kw, "rescue")
            .map(clauses)
            .unwrap_or(Some(Vec::new()));
        let catch = block_kw(kw, "catch")
            .map(clauses)
            .unwrap_or(Some(Vec::new()));
        let els = block_kw(kw, "else")
            .map(clauses)
            .unwrap_or(Some(Vec::new()));
        let (Some(rescue), Some(catch), Some(els)) = (rescue, catch, els) else {
            return err(e, "expected -> clauses in \"try\"");
        };
        let after = block_kw(kw, "after");
        let d = self.code.reg()?;
        let (ak, ar, as_) = (self.code.reg()?, self.code.reg()?, self.code.reg()?);
        let after_handler = self.code.label();
        if after.is_some() {
            self.code.emit(Op::Try(after_handler, ak, ar, as_));
        }
        let (k, r, s) = (self.code.reg()?, self.code.reg()?, self.code.reg()?);
        let handler = self.code.label();
        let end = self.code.label();
        self.code.emit(Op::Try(handler, k, r, s));
        let mut bv = vars.clone();
        let res = self.gen(body, &mut bv, false)?;
        self.code.emit(Op::TryEnd);
        if els.is_empty() {
            self.code.emit(Op::Move(res, d));
        } else {
            let v = self.match_clauses(&els, res, vars, false, |fc| {
                fc.code.emit(Op::RaiseTagged("try_clause", Some(res)));
                Ok(())
            })?;
            self.code.emit(Op::Move(v, d));
        }
        self.code.emit(Op::Jump(end));
        self.code.place(handler);
        let mut hv = vars.clone();
        hv.0.insert("__STACKTRACE__".into(), s);
        if !rescue.is_empty() {
            let normalized = self.call_remote(
                "Elixir.Beamplay.Exception",
                "normalize",
                vec![k, r, s],
                false,
            )?;
            let errk = self.atom_t_("error");
            let kerr = self.code.konst(errk);
            for c in &rescue {
                let next = self.code.label();
                self.code.emit(Op::IsEqConst(k, kerr, next));
                let mut v = hv.clone();
                if let Some(p) = c.pats.first() {
                    self.rescue_pattern(p, normalized, &mut v, next)?;
                }
                let out = self.gen(c.body, &mut v, false)?;
                self.code.emit(Op::Move(out, d));
                self.code.emit(Op::Jump(end));
                self.code.place(next);
            }
        }
        for c in &catch {
            let next = self.code.label();
            let mut v = hv.clone();
            let mut seen = BTreeSet::new();
            match c.pats.as_slice() {
                [kind, value] => {
                    self.pattern(kind, k, &mut v, &mut seen, next)?;
                    self.pattern(value, r, &mut v, &mut seen, next)?;
                }
                [value] => {
                    let th = self.atom_t_("throw");
                    let kt = self.code.konst(th);
                    self.code.emit(Op::IsEqConst(k, kt, next));
                    self.pattern(value, r, &mut v, &mut seen, next)?;
                }
                _ => return err(e, "catch clauses take one or two patterns"),
            }
            if let Some(g) = c.guard {
                self.guard(g, &mut v, next)?;
            }
            let out = self.gen(c.body, &mut v, false)?;
            self.code.emit(Op::Move(out, d));
            self.code.emit(Op::Jump(end));
            self.code.place(next);
        }
        self.code.emit(Op::Raise(k, r, Some(s)));
        self.code.place(end);
        if let Some(a) = after {
            let done = self.code.label();
            self.code.emit(Op::TryEnd);
            let mut v = vars.clone();
            self.gen(a, &mut v, false)?;
            self.code.emit(Op::Jump(done));
            self.code.place(after_handler);
            let mut v = vars.clone();
            self.gen(a, &mut v, false)?;
            self.code.emit(Op::Raise(ak, ar, Some(as_)));
            self.code.place(done);
        }
        self.ret_(d, tail)
    }

    /// `e ->`, `e in A ->`, `e in [A, B] ->`, `A ->`, `%A{} = e ->`.
    fn rescue_pattern(&mut self, p: &Ast, exc: Reg, vars: &mut Vars, fail: Label) -> CResult<()> {
        let (binding, mods): (Option<&Ast>, Vec<&Ast>) = match p {
            Ast::Var { .. } => (Some(p), Vec::new()),
            Ast::Alias { .. } => (None, vec![p]),
            _ => match is_local(p, "in") {
                Some([v, Ast::List(ms)]) => (Some(v), ms.iter().collect()),
                Some([v, m]) => (Some(v), vec![m]),
                _ => {
                    let mut seen = BTreeSet::new();
                    return self.pattern(p, exc, vars, &mut seen, fail);
                }
            },
        };
        if !mods.is_empty() {
            let sk = self.atom_t_("__struct__");
            let skr = self.code.load(sk)?;
            let got = self.code.reg()?;
            self.code.emit(Op::GetMapKey(exc, skr, got, fail));
            let ok = self.code.label();
            for m in mods {
                let a = self.struct_name(m)?;
                let k = self.code.konst(Term::Atom(a));
                let next = self.code.label();
                self.code.emit(Op::IsEqConst(got, k, next));
                self.code.emit(Op::Jump(ok));
                self.code.place(next);
            }
            self.code.emit(Op::Jump(fail));
            self.code.place(ok);
        }
        if let Some(Ast::Var { name, .. }) = binding {
            if !name.starts_with('_') {
                vars.0.insert(name.clone(), exc);
            }
        }
        Ok(())
    }

    pub(super) fn for_(
        &mut self,
        e: &Ast,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let line = line_of(e);
        // the options are the trailing keyword lists: `reduce: 0` and the do-block
        let is_opts = |a: &Ast| matches!(a, Ast::List(kw) if !kw.is_empty() && kw.iter().all(|p| matches!(p, Ast::Pair(..))));
        let split = args.iter().rposition(|a| !is_opts(a)).map_or(0, |i| i + 1);
        let (gens, opt_lists) = args.split_at(split);
        let opts = Ast::List(
            opt_lists
                .iter()
                .flat_map(|l| match l {
                    Ast::List(kw) => kw.clone(),
                    _ => Vec::new(),
                })
                .collect(),
        );
        let get = |k: &str| block_kw(&opts, k).cloned();
        let body =
            get("do").ok_or_else(|| CompileError::new(line, "missing :do option in \"for\""))?;
        let into = get("into");
        let uniq = get("uniq");
        let reduce = get("reduce");
        let acc = var("@for_acc", line);
        let innermost = match &reduce {
            Some(_) => {
                // the user's `acc -> ...` clauses over our accumulator
                case_of(acc.clone(), body.clone())
            }
            None => Ast::List(vec![Ast::call(
                "|",
                Meta::default(),
                vec![body.clone(), acc.clone()],
            )]),
        };
        let mut expr = innermost;
        for g in gens.iter().rev() {
            match is_local(g, "<-") {
                Some([pat, enumerable]) => {
                    let (pat, guard) = match is_local(pat, "when") {
                        Some([p, g]) => (p.clone(), Some(g.clone())),
                        _ => (pat.clone(), None),
                    };
                    let head = match guard {
                        Some(g) => vec![Ast::call(
                            "when",
                            Meta::default(),
                            vec![pat.clone(), acc.clone(), g],
                        )],
                        None => vec![pat.clone(), acc.clone()],
                    };
                    let f = Ast::call(
                        "fn",
                        Meta::default(),
                        vec![
                            stab(head, expr),
                            stab(vec![var("_", line), acc.clone()], acc.clone()),
                        ],
                    );
                    expr = remote(
                        "Elixir.Enum",
                        "reduce",
                        vec![enumerable.clone(), acc.clone(), f],
                        line,
                    );
                }
                _ => match is_local(g, "<<>>") {
                    Some([inner]) => match is_local(inner, "<-") {
                        Some([pat, bin]) => {
                            let f = Ast::call(
                                "fn",
                                Meta::default(),
                                vec![
                                    stab(vec![pat.clone(), acc.clone()], expr),
                                    stab(vec![var("_", line), acc.clone()], acc.clone()),
                                ],
                            );
                            let list = remote("erlang", "binary_to_list", vec![bin.clone()], line);
                            expr =
                                remote("Elixir.Enum", "reduce", vec![list, acc.clone(), f], line);
                        }
                        _ => return err(g, "unsupported binary generator in for"),
                    },
                    _ => {
                        // a filter
                        expr = Ast::call(
                            "if",
                            Meta::default(),
                            vec![
                                g.clone(),
                                Ast::List(vec![
                                    Ast::Pair(Box::new(Ast::Atom("do".into())), Box::new(expr)),
                                    Ast::Pair(
                                        Box::new(Ast::Atom("else".into())),
                                        Box::new(acc.clone()),
                                    ),
                                ]),
                            ],
                        );
                    }
                },
            }
        }
        // the outermost reduce starts from the initial accumulator
        let init = reduce.clone().unwrap_or(Ast::List(Vec::new()));
        let mut v = vars.clone();
        let ir = self.gen(&init, &mut v, false)?;
        v.0.insert("@for_acc".into(), ir);
        let r = self.gen(&expr, &mut v, false)?;
        if reduce.is_some() {
            return self.ret_(r, tail);
        }
        let mut out = self.call_remote("lists", "reverse", vec![r], false)?;
        if matches!(uniq, Some(Ast::Atom(ref a)) if a == "true") {
            out = self.call_remote("Elixir.Enum", "uniq", vec![out], false)?;
        }
        if let Some(into) = into {
            let ir = self.gen(&into, vars, false)?;
            return self.call_remote("Elixir.Enum", "into", vec![out, ir], tail);
        }
        self.ret_(out, tail)
    }

    pub(super) fn with(
        &mut self,
        e: &Ast,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let (kw, steps) = match args.split_last() {
            Some((last @ Ast::List(_), rest)) if block_kw(last, "do").is_some() => (last, rest),
            _ => return err(e, "missing :do option in \"with\""),
        };
        let body = block_kw(kw, "do")
            .cloned()
            .unwrap_or(Ast::Atom("nil".into()));
        let line = line_of(e);
        let other = var("@with_other", line);
        let else_clauses = block_kw(kw, "else").cloned();
        let fallback = match &else_clauses {
            Some(Ast::List(cls)) => {
                let mut c = cls.clone();
                c.push(stab(
                    vec![var("@with_unmatched", line)],
                    remote(
                        "Elixir.Beamplay.Runtime",
                        "with_clause",
                        vec![var("@with_unmatched", line)],
                        line,
                    ),
                ));
                case_of(other.clone(), Ast::List(c))
            }
            _ => other.clone(),
        };
        let mut expr = body;
        for s in steps.iter().rev() {
            match is_local(s, "<-") {
                Some([pat, value]) => {
                    let head = match is_local(pat, "when") {
                        Some([p, g]) => vec![Ast::call(
                            "when",
                            Meta::default(),
                            vec![p.clone(), g.clone()],
                        )],
                        _ => vec![pat.clone()],
                    };
                    let cls = vec![
                        stab(head, expr),
                        stab(vec![other.clone()], fallback.clone()),
                    ];
                    expr = case_of(value.clone(), Ast::List(cls));
                }
                _ => {
                    expr = Ast::call("__block__", Meta::default(), vec![s.clone(), expr]);
                }
            }
        }
        self.gen(&expr, vars, tail)
    }
}

/// Binary segment options: type, size, endianness, signedness.
pub(super) fn seg_spec(spec: Option<&Ast>, value: &Ast) -> CResult<(BinSeg, Option<Ast>)> {
    let mut seg = BinSeg {
        value: 0,
        kind: match value {
            Ast::String(_) => SegKind::Binary,
            Ast::Float(_) => SegKind::Float,
            _ => SegKind::Integer,
        },
        size: None,
        little: false,
        signed: false,
    };
    let mut size = None;
    let mut parts = Vec::new();
    if let Some(s) = spec {
        flatten_dash(s, &mut parts);
    }
    for p in parts {
        match p {
            Ast::Var { name, .. }
            | Ast::Call {
                head: Head::Local(name),
                ..
            } if !matches!(name.as_str(), "size" | "unit") => match name.as_str() {
                "binary" | "bytes" => seg.kind = SegKind::Binary,
                "bits" | "bitstring" => seg.kind = SegKind::Bits,
                "integer" => seg.kind = SegKind::Integer,
                "float" => seg.kind = SegKind::Float,
                "utf8" => seg.kind = SegKind::Utf8,
                "little" => seg.little = true,
                "big" => seg.little = false,
                "signed" => seg.signed = true,
                "unsigned" => seg.signed = false,
                other => {
                    return Err(CompileError::new(
                        line_of(p),
                        format!("unknown bitstring specifier: {other}"),
                    ))
                }
            },
            Ast::Call {
                head: Head::Local(n),
                args,
                ..
            } if n == "size" && args.len() == 1 => size = Some(args[0].clone()),
            Ast::Int(_) => size = Some(p.clone()),
            other => {
                return Err(CompileError::new(
                    line_of(other),
                    "unknown bitstring specifier",
                ))
            }
        }
    }
    Ok((seg, size))
}

/// A comparison operator's call (`a <= b`): the operator and its operands.
fn comparison(e: &Ast) -> Option<(CmpOp, &[Ast])> {
    match e {
        Ast::Call {
            head: Head::Local(name),
            args,
            ..
        } if args.len() == 2 => Some((cmp_of(name)?, args)),
        _ => None,
    }
}

fn flatten_dash<'x>(s: &'x Ast, out: &mut Vec<&'x Ast>) {
    match is_local(s, "-") {
        Some([a, b]) => {
            flatten_dash(a, out);
            flatten_dash(b, out);
        }
        _ => out.push(s),
    }
}

/// Replaces `&N` with variables `&N`, noting the highest and which appear.
fn replace_captures(e: &Ast, max: &mut i64, seen: &mut BTreeSet<i64>) -> Ast {
    match e {
        Ast::Call {
            head: Head::Local(n),
            args,
            meta,
        } if n == "&" && args.len() == 1 => {
            if let Ast::Int(i) = args[0] {
                *max = (*max).max(i);
                seen.insert(i);
                return var(&format!("&{i}"), meta.line);
            }
            e.clone()
        }
        Ast::Call { head, meta, args } => {
            let head = match head {
                Head::Remote(t, f) => {
                    Head::Remote(Box::new(replace_captures(t, max, seen)), f.clone())
                }
                Head::Anon(t) => Head::Anon(Box::new(replace_captures(t, max, seen))),
                h => h.clone(),
            };
            // nested fn/& keep their own captures
            if matches!(&head, Head::Local(n) if n == "fn") {
                return e.clone();
            }
            Ast::Call {
                head,
                meta: *meta,
                args: args
                    .iter()
                    .map(|a| replace_captures(a, max, seen))
                    .collect(),
            }
        }
        Ast::List(items) => Ast::List(
            items
                .iter()
                .map(|a| replace_captures(a, max, seen))
                .collect(),
        ),
        Ast::Pair(a, b) => Ast::Pair(
            Box::new(replace_captures(a, max, seen)),
            Box::new(replace_captures(b, max, seen)),
        ),
        other => other.clone(),
    }
}

/// A literal receiver as Elixir prints it in "invalid call" (numbers,
/// strings, lists); `None` for anything that may be a map at run time.
fn literal_text(e: &Ast) -> Option<String> {
    Some(match e {
        Ast::Int(i) => i.to_string(),
        Ast::Float(f) => beamplay_term::float_to_string(*f),
        Ast::String(s) => beamplay_term::string_to_inspect(s.as_bytes()),
        Ast::List(items) => {
            let mut parts = Vec::new();
            for it in items {
                parts.push(match it {
                    Ast::Pair(k, v) => match &**k {
                        Ast::Atom(a) => format!(
                            "{} {}",
                            beamplay_term::key_to_inspect(a),
                            literal_text(v).or_else(|| atom_text(v))?
                        ),
                        _ => return None,
                    },
                    other => literal_text(other).or_else(|| atom_text(other))?,
                });
            }
            format!("[{}]", parts.join(", "))
        }
        _ => return None,
    })
}

fn atom_text(e: &Ast) -> Option<String> {
    match e {
        Ast::Atom(a) => Some(beamplay_term::atom_to_inspect(a)),
        _ => None,
    }
}

/// The variables every clause pins (`^ref`) somewhere in its pattern: a
/// message without their values matches no clause. Which one holds the
/// process's newest reference (a pid is pinned as often) is known only
/// when the receive runs.
fn common_pins<'x>(cls: &[Clause<'x>]) -> Vec<&'x str> {
    let mut common: Option<Vec<&'x str>> = None;
    for c in cls {
        let mut pins = Vec::new();
        for p in &c.pats {
            pinned(p, &mut pins);
        }
        common = Some(match common {
            None => pins,
            Some(prev) => prev.into_iter().filter(|n| pins.contains(n)).collect(),
        });
    }
    let mut names: Vec<&'x str> = Vec::new();
    for n in common.unwrap_or_default() {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

/// The names pinned in a pattern. A pattern is never deeper than the
/// parser's nesting limit, so recursing is bounded.
fn pinned<'x>(pat: &'x Ast, out: &mut Vec<&'x str>) {
    match pat {
        Ast::Call {
            head: Head::Local(n),
            args,
            ..
        } if n == "^" => {
            if let [Ast::Var { name, .. }] = args.as_slice() {
                out.push(name);
            }
        }
        // a guard-less alternative (`when`) or `=` keeps both sides
        Ast::Call { args, .. } => args.iter().for_each(|a| pinned(a, out)),
        Ast::List(items) => items.iter().for_each(|a| pinned(a, out)),
        Ast::Pair(a, b) => {
            pinned(a, out);
            pinned(b, out);
        }
        _ => {}
    }
}
