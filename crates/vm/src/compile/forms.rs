//! Unqualified calls: special forms, operators, module locals, Kernel
//! imports and IEx helpers; remote calls; data constructors.

use beamplay_syntax::ast::Head;
use beamplay_syntax::Ast;
use beamplay_term::{Atom, Term};

use super::env::{CResult, CompileError};
use super::expr::{case_of, err, is_local, line_of, remote, stab, subterms, var, FnCompiler, Vars};
use super::kernel::{guard_bif, iex_helper, kernel_import};
use crate::code::{ArithOp, CmpOp, Op, Reg};

/// What `h(...)` documents, as the arguments of `IEx.Helpers.help/3`:
/// the module, the function (or nil) and the arity (or nil) of `Mod`,
/// `Mod.fun`, `Mod.fun/2` or `:mod.fun`.
fn help_subject(e: &Ast) -> Option<[Ast; 3]> {
    let nil = || Ast::Atom("nil".into());
    match e {
        Ast::Alias { .. } | Ast::Atom(_) => Some([e.clone(), nil(), nil()]),
        Ast::Call {
            head: Head::Remote(module, fun),
            args,
            ..
        } if args.is_empty() && matches!(**module, Ast::Alias { .. } | Ast::Atom(_)) => {
            Some([(**module).clone(), Ast::Atom(fun.clone()), nil()])
        }
        Ast::Call {
            head: Head::Local(op),
            args,
            ..
        } if op == "/" => match args.as_slice() {
            [f, Ast::Int(arity)] => {
                let [module, fun, _] = help_subject(f)?;
                matches!(fun, Ast::Atom(ref a) if a != "nil").then_some([
                    module,
                    fun,
                    Ast::Int(*arity),
                ])
            }
            _ => None,
        },
        _ => None,
    }
}

/// Constructs the playground refuses, with the reason the user sees.
fn unsupported(name: &str) -> Option<&'static str> {
    Some(match name {
        "defmacro" | "defmacrop" => "is not supported in this playground",
        "quote" | "unquote" | "unquote_splicing" => "is not supported in this playground",
        "defprotocol" | "defimpl" | "defdelegate" | "defguard" | "defguardp" | "defoverridable" => {
            "is not supported in this playground"
        }
        "sigil_r" | "sigil_D" | "sigil_T" | "sigil_U" | "sigil_N" | "sigil_S" | "sigil_W"
        | "sigil_C" => "is not supported in this playground",
        "__ENV__" | "__CALLER__" => "is not supported in this playground",
        _ => return None,
    })
}

impl FnCompiler<'_, '_> {
    pub(super) fn local_call(
        &mut self,
        e: &Ast,
        name: &str,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        if let Some(why) = unsupported(name) {
            let what = match name.strip_prefix("sigil_") {
                Some(letter) => format!("the sigil ~{letter}"),
                None => name.to_string(),
            };
            return err(e, format!("{what} {why}"));
        }
        if let Some(r) = self.special_form(e, name, args, vars, tail)? {
            return Ok(r);
        }
        if let Some(r) = self.operator(e, name, args, vars, tail)? {
            return Ok(r);
        }
        if let Some(r) = self.kernel_inline(name, args, vars, tail)? {
            return Ok(r);
        }
        self.named_call(e, name, args, vars, tail)
    }

    /// A special form, or an operator or Kernel macro that is not a call:
    /// `None` when `name/arity` is none of them.
    fn special_form(
        &mut self,
        e: &Ast,
        name: &str,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Option<Reg>> {
        let n = args.len();
        let line = super::expr::line_of(e);
        match (name, n) {
            ("__block__", _) => return self.block(args, vars, tail).map(Some),
            ("=", 2) => return self.match_expr(&args[0], &args[1], vars, tail).map(Some),
            ("{}", _) => {
                let regs = self.operands(args, vars)?;
                let d = self.code.reg()?;
                self.code.emit(Op::Tuple(regs.into(), d));
                return self.ret_(d, tail).map(Some);
            }
            ("%{}", _) => {
                let r = self.map(args, vars)?;
                return self.ret_(r, tail).map(Some);
            }
            ("%", 2) => {
                let r = self.struct_(e, &args[0], &args[1], vars)?;
                return self.ret_(r, tail).map(Some);
            }
            ("<<>>", _) => {
                let r = self.binary(args, vars)?;
                return self.ret_(r, tail).map(Some);
            }
            ("fn", _) => {
                let r = self.lambda(e, args, vars)?;
                return self.ret_(r, tail).map(Some);
            }
            ("case", 2) => return self.case(&args[0], &args[1], vars, tail).map(Some),
            ("cond", 1) => return self.cond(e, &args[0], vars, tail).map(Some),
            ("if", 2) | ("unless", 2) => {
                return self
                    .if_(name == "unless", &args[0], &args[1], vars, tail)
                    .map(Some)
            }
            ("receive", 1) => return self.receive(e, &args[0], vars, tail).map(Some),
            ("try", 1) => return self.try_(e, &args[0], vars, tail).map(Some),
            ("for", _) if n >= 1 => return self.for_(e, args, vars, tail).map(Some),
            ("with", _) if n >= 1 => return self.with(e, args, vars, tail).map(Some),
            // Kernel.match?/2: whether the value matches (its bindings stay inside)
            ("match?", 2) => {
                let clauses = Ast::List(vec![
                    stab(vec![args[0].clone()], Ast::Atom("true".into())),
                    stab(vec![var("_", line)], Ast::Atom("false".into())),
                ]);
                return self
                    .gen(&case_of(args[1].clone(), clauses), vars, tail)
                    .map(Some);
            }
            ("&", 1) => {
                let r = self.capture(e, &args[0], vars)?;
                return self.ret_(r, tail).map(Some);
            }
            ("|>", 2) => {
                let piped = pipe_into(&args[0], &args[1]).ok_or_else(|| {
                    CompileError::new(line, format!("cannot pipe {} into {}, can only pipe into local calls foo(), remote calls Foo.bar() or anonymous function calls foo.()", "expression", "expression"))
                })?;
                return self.gen(&piped, vars, tail).map(Some);
            }
            ("&&", 2) | ("||", 2) | ("!", 1) if self.guard_fail.is_some() => {
                return Err(CompileError {
                    line,
                    message: format!("invalid expression in guard, {name} is not allowed in guards. To learn more about guards, visit: https://hexdocs.pm/elixir/patterns-and-guards.html"),
                    kind: "ArgumentError",
                });
            }
            ("&&", 2) | ("||", 2) => {
                return self.short_circuit(name == "&&", args, vars, tail).map(Some)
            }
            ("!", 1) => return self.not_truthy(&args[0], vars, tail).map(Some),
            ("and", 2) | ("or", 2) => return self.bool_op(name, args, vars, tail).map(Some),
            ("in", 2) => return self.in_(e, &args[0], &args[1], vars, tail).map(Some),
            ("not", 1) if matches!(is_local(&args[0], "in"), Some(a) if a.len() == 2) => {
                let inner = self.gen(&args[0], vars, false)?;
                return self
                    .call_remote("erlang", "not", vec![inner], tail)
                    .map(Some);
            }
            ("..", 2) => {
                let a = self.args_(args, vars)?;
                return self
                    .call_remote("Elixir.Beamplay.Runtime", "range", a, tail)
                    .map(Some);
            }
            ("..//", 3) => {
                let a = self.args_(args, vars)?;
                return self
                    .call_remote("Elixir.Beamplay.Runtime", "range", a, tail)
                    .map(Some);
            }
            ("<>", 2) => {
                let a = self.args_(args, vars)?;
                return self
                    .call_remote("Elixir.Beamplay.Runtime", "concat", a, tail)
                    .map(Some);
            }
            ("**", 2) => {
                let a = self.args_(args, vars)?;
                return self.call_remote("Elixir.Kernel", "**", a, tail).map(Some);
            }
            ("=~", 2) => {
                let a = self.args_(args, vars)?;
                return self
                    .call_remote("Elixir.String", "contains?", a, tail)
                    .map(Some);
            }
            ("^", 1) => {
                let v = match &args[0] {
                    Ast::Var { name, .. } => name.clone(),
                    _ => "expression".to_string(),
                };
                return err(e, format!("cannot use ^{v} outside of match clauses"));
            }
            ("raise", 1 | 2) => {
                // never a tail call: the raising function stays on the
                // stack, where BEAM's stack trace names it; the return that
                // follows in tail position tells a stack trace so
                let a = self.args_(args, vars)?;
                let r = self.call_remote("Elixir.Beamplay.Runtime", "raise", a, false)?;
                return self.ret_(r, tail).map(Some);
            }
            ("reraise", 2 | 3) => {
                let a = self.args_(args, vars)?;
                return self
                    .call_remote("Elixir.Beamplay.Runtime", "reraise", a, tail)
                    .map(Some);
            }
            ("@", 1) => return self.attr_read(e, &args[0], vars, tail).map(Some),
            ("defmodule", 2) => {
                let r = self.defmodule(e, &args[0], &args[1])?;
                return self.ret_(r, tail).map(Some);
            }
            ("alias", 1 | 2) | ("require", 1 | 2) | ("import", 1 | 2) => {
                let r = self.alias_form(e, name, args)?;
                return self.ret_(r, tail).map(Some);
            }
            ("def" | "defp" | "defstruct" | "defexception", _) => {
                return Err(CompileError {
                    line,
                    message: format!("cannot invoke {name}/{n} outside module"),
                    kind: "ArgumentError",
                });
            }
            ("sigil_w" | "sigil_s" | "sigil_c", 2) => {
                let r = self.sigil(e, name, &args[0], &args[1], vars)?;
                return self.ret_(r, tail).map(Some);
            }
            ("binding", 0) => return self.binding(vars, tail).map(Some),
            ("__aliases__", _)
            | ("->", _)
            | ("when", _)
            | ("::", _)
            | ("<-", _)
            | ("\\\\", _)
            | ("|", _) => {
                return err(e, format!("misplaced operator {name}/{n}"));
            }
            _ => {}
        }
        Ok(None)
    }

    /// `pattern = value`: a MatchError when it does not match.
    fn match_expr(
        &mut self,
        pattern: &Ast,
        value: &Ast,
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let r = self.gen(value, vars, false)?;
        let fail = self.code.label();
        let ok = self.code.label();
        self.match_pattern(pattern, r, vars, fail)?;
        self.code.emit(Op::Jump(ok));
        self.code.place(fail);
        self.code.emit(Op::RaiseTagged("badmatch", Some(r)));
        self.code.place(ok);
        self.ret_(r, tail)
    }

    /// `a && b` (`and`) or `a || b`: the right side runs only when the
    /// left does not decide.
    fn short_circuit(
        &mut self,
        and: bool,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let l = self.gen(&args[0], vars, false)?;
        let d = self.code.reg()?;
        self.code.emit(Op::Move(l, d));
        let end = self.code.label();
        if and {
            self.code.emit(Op::JumpIfFalsy(l, end));
        } else {
            let rhs = self.code.label();
            self.code.emit(Op::JumpIfFalsy(l, rhs));
            self.code.emit(Op::Jump(end));
            self.code.place(rhs);
        }
        let r = self.gen(&args[1], vars, false)?;
        self.code.emit(Op::Move(r, d));
        self.code.place(end);
        self.ret_(d, tail)
    }

    /// `!x`: true for `nil` and `false`, false for anything else.
    fn not_truthy(&mut self, x: &Ast, vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let v = self.gen(x, vars, false)?;
        let d = self.load_atom("true")?;
        let end = self.code.label();
        self.code.emit(Op::JumpIfFalsy(v, end));
        let f = self.atom_t_("false");
        let k = self.code.konst(f);
        self.code.emit(Op::Const(k, d));
        self.code.place(end);
        self.ret_(d, tail)
    }

    /// `binding()`: the variables in scope, by name.
    fn binding(&mut self, vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let mut names: Vec<(String, Reg)> = vars
            .0
            .iter()
            .filter(|(k, _)| !k.starts_with('@') && !k.starts_with('&'))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        beamplay_term::sort::sort_by(&mut names, Ord::cmp);
        let mut items = Vec::new();
        for (k, v) in names {
            let ka = self.atom_t_(&k);
            let kr = self.code.load(ka)?;
            let d = self.code.reg()?;
            self.code.emit(Op::Tuple(vec![kr, v].into(), d));
            items.push(d);
        }
        let d = self.code.reg()?;
        self.code.emit(Op::List(items.into(), None, d));
        self.ret_(d, tail)
    }

    /// An operator: arithmetic and comparisons as ops, the others as the
    /// BIFs Elixir maps them to.
    fn operator(
        &mut self,
        e: &Ast,
        name: &str,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Option<Reg>> {
        let n = args.len();
        // operators
        if n == 2 {
            if let Some(op) = super::expr::arith_of(name) {
                // `n - 1`: the constant is an operand, not a register
                if let (Ast::Int(k), None) = (&args[1], self.guard_fail) {
                    let [a] = self.operands(&args[..1], vars)?[..] else {
                        return err(e, "internal: one operand expected");
                    };
                    let d = self.code.reg()?;
                    self.code.emit(Op::ArithK(op, a, *k, d));
                    return self.ret_(d, tail).map(Some);
                }
                let ab = self.operands(args, vars)?;
                if self.guard_fail.is_some() {
                    return self
                        .call_remote("erlang", erlang_name(name), ab, tail)
                        .map(Some);
                }
                let [a, b] = ab[..] else {
                    return err(e, "internal: two operands expected");
                };
                let d = self.code.reg()?;
                self.code.emit(Op::Arith(op, a, b, d));
                return self.ret_(d, tail).map(Some);
            }
            if let Some(op) = super::expr::cmp_of(name) {
                let [a, b] = self.operands(args, vars)?[..] else {
                    return err(e, "internal: two operands expected");
                };
                let d = self.code.reg()?;
                self.code.emit(Op::Cmp(op, a, b, d));
                return self.ret_(d, tail).map(Some);
            }
        }
        if let Some(f) = super::expr::erlang_op_of(name, n) {
            // unary minus of a literal is the literal
            if n == 1 && name == "-" {
                match &args[0] {
                    Ast::Int(i) => {
                        let r = self.code.load(Term::Int(-i))?;
                        return self.ret_(r, tail).map(Some);
                    }
                    Ast::Float(x) => {
                        let r = self.code.load(Term::Float(-x))?;
                        return self.ret_(r, tail).map(Some);
                    }
                    _ => {}
                }
            }
            let a = self.args_(args, vars)?;
            return self.call_remote("erlang", f, a, tail).map(Some);
        }
        Ok(None)
    }

    /// The Kernel functions compiled inline (`elem`, `put_elem`,
    /// `is_nil`, `is_map_key`).
    fn kernel_inline(
        &mut self,
        name: &str,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Option<Reg>> {
        let n = args.len();
        if n == 3 && name == "put_elem" {
            // put_elem(t, i, v) is :erlang.setelement(i + 1, t, v)
            let t = self.gen(&args[0], vars, false)?;
            let i = self.gen(&args[1], vars, false)?;
            let v = self.gen(&args[2], vars, false)?;
            let one = self.code.load(Term::Int(1))?;
            let i1 = self.code.reg()?;
            self.code.emit(Op::Arith(ArithOp::Add, i, one, i1));
            return self
                .call_remote("erlang", "setelement", vec![i1, t, v], tail)
                .map(Some);
        }
        if n == 2 && name == "elem" {
            // elem(t, i) is :erlang.element(i + 1, t)
            let t = self.gen(&args[0], vars, false)?;
            let i = self.gen(&args[1], vars, false)?;
            let one = self.code.load(Term::Int(1))?;
            let i1 = if self.guard_fail.is_some() {
                self.call_remote("erlang", "+", vec![i, one], false)?
            } else {
                let d = self.code.reg()?;
                self.code.emit(Op::Arith(ArithOp::Add, i, one, d));
                d
            };
            return self
                .call_remote("erlang", "element", vec![i1, t], tail)
                .map(Some);
        }
        if n == 1 && name == "is_nil" {
            let v = self.gen(&args[0], vars, false)?;
            let nil = self.atom_t_("nil");
            let k = self.code.load(nil)?;
            let d = self.code.reg()?;
            self.code.emit(Op::Cmp(CmpOp::ExactEq, v, k, d));
            return self.ret_(d, tail).map(Some);
        }
        if n == 2 && name == "is_map_key" {
            // is_map_key(map, key) is :erlang.is_map_key(key, map)
            let m = self.gen(&args[0], vars, false)?;
            let k = self.gen(&args[1], vars, false)?;
            return self
                .call_remote("erlang", "is_map_key", vec![k, m], tail)
                .map(Some);
        }
        Ok(None)
    }

    /// A call of a name: in a guard only guard BIFs; else a function of
    /// the module, a Kernel import, an IEx helper at the console, or an
    /// undefined function.
    fn named_call(
        &mut self,
        e: &Ast,
        name: &str,
        args: &[Ast],
        vars: &mut Vars,
        tail: bool,
    ) -> CResult<Reg> {
        let n = args.len();
        if self.guard_fail.is_some() {
            if let Some((m, f)) = kernel_import(name, n) {
                if m == "erlang" && guard_bif(name, n) {
                    let a = self.args_(args, vars)?;
                    return self.call_remote(m, f, a, tail);
                }
            }
            if self.module.console {
                return err(
                    e,
                    format!("undefined function {name}/{n} (there is no such import)"),
                );
            }
            return err(e, format!(
                "cannot find or invoke local {name}/{n} inside guards. Only macros can be invoked in a guards and they must be defined before their invocation. Called as: {}",
                call_text(name, args)
            ));
        }
        // module-local functions
        if let Some(idx) = self
            .module
            .locals
            .get(&(name.to_string(), n as u32))
            .copied()
        {
            let a = self.operands(args, vars)?;
            return self.call_local(idx, a, tail);
        }
        if let Some((m, f)) = kernel_import(name, n) {
            let a = self.operands(args, vars)?;
            return self.call_remote(m, f, a, tail);
        }
        if self.module.console {
            if name == "h" && n == 1 {
                // iex's h/1 takes what it documents unevaluated
                let line = line_of(e);
                let Some([module, fun, arity]) = help_subject(&args[0]) else {
                    // a literal, written as it prints: iex's words for it
                    if matches!(
                        args[0],
                        Ast::Int(_) | Ast::BigInt(_) | Ast::Float(_) | Ast::String(_)
                    ) {
                        let call = remote(
                            "Elixir.IEx.Helpers",
                            "help_invalid",
                            vec![args[0].clone()],
                            line,
                        );
                        return self.gen(&call, vars, tail);
                    }
                    return err(e, "invalid arguments for h helper");
                };
                let call = remote("Elixir.IEx.Helpers", "help", vec![module, fun, arity], line);
                return self.gen(&call, vars, tail);
            }
            if let Some((m, f)) = iex_helper(name, n) {
                let a = self.args_(args, vars)?;
                return self.call_remote(m, f, a, tail);
            }
            return err(
                e,
                format!("undefined function {name}/{n} (there is no such import)"),
            );
        }
        let module = crate::text::alias_text(self.module.name.as_str());
        err(
            e,
            format!("undefined function {name}/{n} (expected {module} to define such a function or for it to be imported, but none are available)"),
        )
    }

    pub(super) fn ret_(&mut self, r: Reg, tail: bool) -> CResult<Reg> {
        if tail {
            self.code.emit(Op::Return(r));
        }
        Ok(r)
    }

    pub(super) fn load_atom(&mut self, s: &str) -> CResult<Reg> {
        let t = self.atom_t_(s);
        self.code.load(t)
    }

    pub(super) fn atom_t_(&mut self, s: &str) -> Term {
        Term::Atom(self.env.atom(s))
    }

    // one copy for the many callers (the wasm's size)
    #[inline(never)]
    pub(super) fn args_(&mut self, args: &[Ast], vars: &mut Vars) -> CResult<Vec<Reg>> {
        let items: Vec<&Ast> = args.iter().collect();
        self.siblings(&items, vars)
    }

    /// Compiles `items` as siblings (a call's arguments, a tuple's or a
    /// list's elements), scoped as Elixir scopes them: each sees the
    /// variables bound before them, not those a sibling binds
    /// (`{x = 1, x + 1}` adds 1 to the `x` from before); all their
    /// bindings hold after them.
    pub(super) fn siblings(&mut self, items: &[&Ast], vars: &mut Vars) -> CResult<Vec<Reg>> {
        if !items.iter().any(|e| binds(e)) {
            return items.iter().map(|a| self.gen(a, vars, false)).collect();
        }
        let before = vars.0.clone();
        let mut regs = Vec::new();
        for item in items {
            let mut own = Vars(before.clone());
            regs.push(self.gen(item, &mut own, false)?);
            for (name, r) in &own.0 {
                if before.get(name) != Some(r) {
                    vars.0.insert(name.clone(), *r);
                }
            }
        }
        Ok(regs)
    }

    /// Compiles `args` for the op emitted right after them (a call, a
    /// tuple, an operator), which reads them all before it writes its
    /// destination: their temporaries are free again, so the destination
    /// may reuse one. Nothing may be emitted between this and that op.
    pub(super) fn operands(&mut self, args: &[Ast], vars: &mut Vars) -> CResult<Vec<Reg>> {
        let mark = self.code.mark();
        let regs = self.args_(args, vars)?;
        // a variable bound inside an argument (`f(x = 1)`) lives on
        if vars.0.values().all(|r| u32::from(*r) < mark) {
            self.code.rewind(mark);
        }
        Ok(regs)
    }

    fn block(&mut self, items: &[Ast], vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let Some((last, init)) = items.split_last() else {
            let r = self.load_atom("nil")?;
            return self.ret_(r, tail);
        };
        for it in init {
            self.gen(it, vars, false)?;
        }
        self.gen(last, vars, tail)
    }

    fn bool_op(&mut self, name: &str, args: &[Ast], vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let l = self.gen(&args[0], vars, false)?;
        let d = self.code.reg()?;
        let end = self.code.label();
        let bad = self.code.label();
        let rhs = self.code.label();
        let t = self.atom_t_("true");
        let f = self.atom_t_("false");
        let kt = self.code.konst(t);
        let kf = self.code.konst(f);
        let (short, other) = if name == "and" { (kf, kt) } else { (kt, kf) };
        // left is the short-circuit value: it is the result
        let not_short = self.code.label();
        self.code.emit(Op::IsEqConst(l, short, not_short));
        self.code.emit(Op::Move(l, d));
        self.code.emit(Op::Jump(end));
        self.code.place(not_short);
        self.code.emit(Op::IsEqConst(l, other, bad));
        self.code.emit(Op::Jump(rhs));
        self.code.place(bad);
        if let Some(fail) = self.guard_fail {
            self.code.emit(Op::Jump(fail));
        } else {
            let op = self.atom_t_(name);
            let opr = self.code.load(op)?;
            self.call_remote("Elixir.Beamplay.Runtime", "badbool", vec![opr, l], false)?;
        }
        self.code.place(rhs);
        let r = self.gen(&args[1], vars, false)?;
        self.code.emit(Op::Move(r, d));
        self.code.place(end);
        self.ret_(d, tail)
    }

    fn in_(&mut self, e: &Ast, lhs: &Ast, rhs: &Ast, vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let x = self.gen(lhs, vars, false)?;
        match rhs {
            Ast::List(items) if !items.is_empty() || self.guard_fail.is_some() => {
                let d = self.load_atom("false")?;
                let end = self.code.label();
                let t = self.atom_t_("true");
                let kt = self.code.konst(t);
                for it in items {
                    let v = self.gen(it, vars, false)?;
                    let next = self.code.label();
                    self.code.emit(Op::IsEq(x, v, next));
                    self.code.emit(Op::Const(kt, d));
                    self.code.emit(Op::Jump(end));
                    self.code.place(next);
                }
                self.code.place(end);
                self.ret_(d, tail)
            }
            _ => match is_local(rhs, "..") {
                Some(range) if range.len() == 2 && self.guard_fail.is_some() => {
                    let lo = self.gen(&range[0], vars, false)?;
                    let hi = self.gen(&range[1], vars, false)?;
                    let is_int = self.call_remote("erlang", "is_integer", vec![x], false)?;
                    let fail = self.guard_fail.unwrap_or(0);
                    self.code.emit(Op::JumpUnlessTrue(is_int, fail));
                    let a = self.code.reg()?;
                    self.code.emit(Op::Cmp(CmpOp::Ge, x, lo, a));
                    self.code.emit(Op::JumpUnlessTrue(a, fail));
                    let d = self.code.reg()?;
                    self.code.emit(Op::Cmp(CmpOp::Le, x, hi, d));
                    self.ret_(d, tail)
                }
                _ => {
                    if self.guard_fail.is_some() {
                        return err(e, "invalid right argument for operator \"in\", it expects a compile-time proper list or compile-time range on the right side when used in guard expressions");
                    }
                    let r = self.gen(rhs, vars, false)?;
                    self.call_remote("Elixir.Enum", "member?", vec![r, x], tail)
                }
            },
        }
    }

    pub(super) fn list(&mut self, items: &[Ast], vars: &mut Vars) -> CResult<Reg> {
        let (items, tail) = match items.split_last() {
            Some((last, init)) => match is_local(last, "|") {
                Some(bar) if bar.len() == 2 => {
                    let mut v: Vec<&Ast> = init.iter().collect();
                    v.push(&bar[0]);
                    (v, Some(&bar[1]))
                }
                _ => (items.iter().collect(), None),
            },
            None => (Vec::new(), None),
        };
        let mut items = items;
        items.extend(tail);
        let mut regs = self.siblings(&items, vars)?;
        let t = match tail {
            Some(_) => regs.pop(),
            None => None,
        };
        let d = self.code.reg()?;
        self.code.emit(Op::List(regs.into(), t, d));
        Ok(d)
    }

    fn pairs(&mut self, items: &[Ast], vars: &mut Vars) -> CResult<Vec<(Reg, Reg)>> {
        let mut out = Vec::new();
        for it in items {
            match it {
                Ast::Pair(k, v) => {
                    let kr = self.gen(k, vars, false)?;
                    let vr = self.gen(v, vars, false)?;
                    out.push((kr, vr));
                }
                Ast::List(kw) => out.extend(self.pairs(kw, vars)?),
                other => return err(other, "expected key-value pairs in a map"),
            }
        }
        Ok(out)
    }

    fn map(&mut self, args: &[Ast], vars: &mut Vars) -> CResult<Reg> {
        if let [only] = args {
            if let Some(bar) = is_local(only, "|") {
                if bar.len() == 2 {
                    let base = self.gen(&bar[0], vars, false)?;
                    let pairs = match &bar[1] {
                        Ast::List(kw) => self.pairs(kw, vars)?,
                        other => self.pairs(std::slice::from_ref(other), vars)?,
                    };
                    let d = self.code.reg()?;
                    self.code.emit(Op::MapUpdate(base, pairs.into(), d));
                    return Ok(d);
                }
            }
        }
        let pairs = self.pairs(args, vars)?;
        let d = self.code.reg()?;
        self.code.emit(Op::Map(pairs.into(), d));
        Ok(d)
    }

    /// `%Name{...}` and `%Name{s | ...}`.
    fn struct_(&mut self, e: &Ast, name: &Ast, body: &Ast, vars: &mut Vars) -> CResult<Reg> {
        let module = self.struct_name(name)?;
        let Some(fields) = self.struct_fields_of(&module) else {
            let shown = crate::text::alias_text(module.as_str());
            return err(e, format!("{shown}.__struct__/1 is undefined, cannot expand struct {shown}. Make sure the struct name is correct. If the struct name exists and is correct but it still cannot be found, you likely have cyclic module usage in your code"));
        };
        let Some(bargs) = is_local(body, "%{}") else {
            return err(e, "expected a map in a struct");
        };
        if let [only] = bargs {
            if let Some(bar) = is_local(only, "|") {
                if bar.len() == 2 {
                    let base = self.gen(&bar[0], vars, false)?;
                    let kw = match &bar[1] {
                        Ast::List(kw) => kw.clone(),
                        other => vec![other.clone()],
                    };
                    for k in &kw {
                        if let Ast::Pair(k, _) = k {
                            if let Ast::Atom(a) = &**k {
                                if !fields.iter().any(|(f, _)| f.as_str() == a) {
                                    return self.unknown_field(a);
                                }
                            }
                        }
                    }
                    // the base must be this struct
                    let sk = self.atom_t_("__struct__");
                    let skr = self.code.load(sk)?;
                    let got = self.code.reg()?;
                    let bad = self.code.label();
                    let ok = self.code.label();
                    self.code.emit(Op::GetMapKey(base, skr, got, bad));
                    let mk = self.code.konst(Term::Atom(module.clone()));
                    self.code.emit(Op::IsEqConst(got, mk, bad));
                    self.code.emit(Op::Jump(ok));
                    self.code.place(bad);
                    let mr = self.code.load(Term::Atom(module.clone()))?;
                    self.call_remote(
                        "Elixir.Beamplay.Runtime",
                        "badstruct",
                        vec![mr, base],
                        false,
                    )?;
                    self.code.place(ok);
                    let pairs = self.pairs(&kw, vars)?;
                    let d = self.code.reg()?;
                    self.code.emit(Op::MapUpdate(base, pairs.into(), d));
                    return Ok(d);
                }
            }
        }
        let mut given: Vec<(String, &Ast)> = Vec::new();
        for it in bargs {
            let items: Vec<&Ast> = match it {
                Ast::List(kw) => kw.iter().collect(),
                other => vec![other],
            };
            for p in items {
                match p {
                    Ast::Pair(k, v) => match &**k {
                        Ast::Atom(a) => given.push((a.clone(), &**v)),
                        other => return err(other, "expected atom keys in a struct"),
                    },
                    other => return err(other, "expected key-value pairs in a struct"),
                }
            }
        }
        for (k, _) in &given {
            if !fields.iter().any(|(f, _)| f.as_str() == k) {
                return self.unknown_field(k);
            }
        }
        let mut pairs = Vec::new();
        let sk = self.atom_t_("__struct__");
        let skr = self.code.load(sk)?;
        let mr = self.code.load(Term::Atom(module.clone()))?;
        pairs.push((skr, mr));
        for (f, default) in fields {
            let kr = self.code.load(Term::Atom(f.clone()))?;
            let vr = match given.iter().find(|(k, _)| k == f.as_str()) {
                Some((_, v)) => self.gen(v, vars, false)?,
                None => self.code.load(default)?,
            };
            pairs.push((kr, vr));
        }
        let d = self.code.reg()?;
        self.code.emit(Op::Map(pairs.into(), d));
        Ok(d)
    }

    fn unknown_field<T>(&mut self, key: &str) -> CResult<T> {
        Err(CompileError {
            line: 0,
            message: format!("key {} not found", beamplay_term::atom_to_inspect(key)),
            kind: "KeyError",
        })
    }

    pub(super) fn struct_name(&mut self, name: &Ast) -> CResult<Atom> {
        match name {
            Ast::Alias { .. } => self.alias_atom(name),
            Ast::Atom(a) => Ok(self.atom(a)),
            Ast::Var { name: v, .. } if v == "__MODULE__" => Ok(self.module.name.clone()),
            other => err(other, "expected a struct name"),
        }
    }

    pub(super) fn struct_fields_of(&mut self, module: &Atom) -> Option<Vec<(Atom, Term)>> {
        self.module
            .structs
            .get(module)
            .cloned()
            .or_else(|| self.env.struct_fields(module))
    }

    /// Expands an alias (`Foo.Bar`, with `alias` and nesting applied).
    pub(super) fn alias_atom(&mut self, e: &Ast) -> CResult<Atom> {
        let Ast::Alias { parts, .. } = e else {
            return err(e, "expected an alias");
        };
        let full = self.expand_alias(parts);
        Ok(self.atom(&full))
    }

    pub(super) fn expand_alias(&self, parts: &[String]) -> String {
        let Some(first) = parts.first() else {
            return "Elixir".to_string();
        };
        if first == "Elixir" {
            return parts.join(".");
        }
        let head = self
            .module
            .aliases
            .get(first)
            .cloned()
            .unwrap_or_else(|| format!("Elixir.{first}"));
        let mut s = head;
        for p in &parts[1..] {
            s.push('.');
            s.push_str(p);
        }
        s
    }

    fn alias_form(&mut self, e: &Ast, name: &str, args: &[Ast]) -> CResult<Reg> {
        let target = match &args[0] {
            Ast::Alias { parts, .. } => self.expand_alias(parts),
            Ast::Atom(a) => a.clone(),
            other => return err(other, format!("invalid argument for {name}")),
        };
        if name == "alias" {
            let short = match args.get(1).and_then(|kw| super::expr::block_kw(kw, "as")) {
                Some(Ast::Alias { parts, .. }) => parts.join("."),
                Some(other) => return err(other, "invalid value for :as"),
                None => target.rsplit('.').next().unwrap_or(&target).to_string(),
            };
            self.module.aliases.insert(short, target.clone());
        }
        let _ = e;
        let t = self.atom_t_(&target);
        self.code.load(t)
    }

    fn attr_read(&mut self, e: &Ast, inner: &Ast, vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let Ast::Var { name, .. } = inner else {
            if let Some((n, _)) = inner.local_name().zip(Some(())) {
                return err(
                    e,
                    format!("module attribute @{n} in code block has no effect"),
                );
            }
            return err(e, "invalid module attribute");
        };
        if self.module.console {
            return Err(CompileError {
                line: 0,
                message: "cannot invoke @/1 outside module".into(),
                kind: "ArgumentError",
            });
        }
        match self.module.attrs.get(name).cloned() {
            Some(v) => self.gen(&v, vars, tail),
            None => {
                let r = self.load_atom("nil")?;
                self.ret_(r, tail)
            }
        }
    }

    fn sigil(
        &mut self,
        e: &Ast,
        name: &str,
        body: &Ast,
        mods: &Ast,
        vars: &mut Vars,
    ) -> CResult<Reg> {
        let text = match is_local(body, "<<>>") {
            Some([Ast::String(s)]) => s.clone(),
            Some([]) => String::new(),
            _ => {
                // interpolated ~s / ~c: build the string and convert
                let s = self.gen(body, vars, false)?;
                return match name {
                    "sigil_c" => self.call_remote("Elixir.String", "to_charlist", vec![s], false),
                    _ => Ok(s),
                };
            }
        };
        let modifier = match mods {
            Ast::Charlist(c) => c
                .iter()
                .filter_map(|c| char::from_u32(*c))
                .collect::<String>(),
            _ => String::new(),
        };
        let t = match name {
            "sigil_s" => Term::string(&text),
            "sigil_c" => Term::list(text.chars().map(|c| Term::Int(c as i64))),
            _ => {
                let words: Vec<&str> = text.split_whitespace().collect();
                let items: Vec<Term> = match modifier.as_str() {
                    "a" => words.iter().map(|w| self.atom_t_(w)).collect(),
                    "c" => words
                        .iter()
                        .map(|w| Term::list(w.chars().map(|c| Term::Int(c as i64))))
                        .collect(),
                    "s" | "" => words.iter().map(|w| Term::string(w)).collect(),
                    other => {
                        return err(
                            e,
                            format!("modifier must be one of: s, a, c (got: {other})"),
                        )
                    }
                };
                Term::list(items)
            }
        };
        self.code.load(t)
    }
}

fn erlang_name(op: &str) -> &'static str {
    match op {
        "+" => "+",
        "-" => "-",
        "*" => "*",
        _ => "/",
    }
}

/// `name(args)` as the guard error shows the call.
fn call_text(name: &str, args: &[Ast]) -> String {
    let shown: Vec<String> = args
        .iter()
        .map(|a| match a {
            Ast::Var { name, .. } => name.clone(),
            Ast::Int(i) => i.to_string(),
            Ast::Atom(a) => format!(":{a}"),
            _ => "...".to_string(),
        })
        .collect();
    format!("{name}({})", shown.join(", "))
}

/// `lhs |> call(args)` becomes `call(lhs, args)`.
pub fn pipe_into(lhs: &Ast, rhs: &Ast) -> Option<Ast> {
    match rhs {
        Ast::Call { head, meta, args } => {
            if let Head::Local(n) = head {
                if matches!(n.as_str(), "fn" | "&" | "{}" | "%{}" | "__block__" | "=") {
                    return None;
                }
            }
            let mut a = vec![lhs.clone()];
            a.extend(args.iter().cloned());
            Some(Ast::Call {
                head: head.clone(),
                meta: *meta,
                args: a,
            })
        }
        Ast::Var { name, meta } => Some(Ast::Call {
            head: Head::Local(name.clone()),
            meta: *meta,
            args: vec![lhs.clone()],
        }),
        _ => None,
    }
}

/// Whether compiling `e` can bind a variable that outlives it: it holds a
/// match (`=`) somewhere (a closure's or a clause's own matches count too;
/// they only make the caller take the slower, exact path).
fn binds(e: &Ast) -> bool {
    subterms(e).any(|e| matches!(e, Ast::Call { head: Head::Local(n), .. } if n == "="))
}
