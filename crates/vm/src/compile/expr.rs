//! Expressions. `gen(e, vars, tail)` leaves the value in a register, or,
//! in tail position, returns it (calls become tail calls).
use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

use beamplay_syntax::ast::Head;
use beamplay_syntax::{Ast, Meta};
use beamplay_term::{int_from_bigint, Atom, Term};

use super::builder::FnBuilder;
use super::env::{CResult, CompileEnv, CompileError};
use crate::code::{ArithOp, Callee, CmpOp, FunCode, Label, Module, Op, Reg};
use crate::native::Found;

/// Variables in scope: name to register.
#[derive(Clone, Default)]
pub struct Vars(pub HashMap<String, Reg>);

/// The module (or console line) being compiled.
pub struct ModState {
    pub name: Atom,
    /// A console line or script: errors say "there is no such import",
    /// closures are `:erl_eval` funs, IEx helpers are in scope.
    pub console: bool,
    pub locals: HashMap<(String, u32), u32>,
    pub funs: Vec<Option<FunCode>>,
    pub lambdas: Vec<FunCode>,
    pub attrs: HashMap<String, Ast>,
    pub aliases: HashMap<String, String>,
    pub submodules: Vec<Rc<Module>>,
    /// Struct fields of modules compiled in this unit.
    pub structs: HashMap<Atom, Vec<(Atom, Term)>>,
    /// `Mod.fun/arity` of the def being compiled (closure origins).
    pub current: String,
    pub lambda_count: u32,
}

impl ModState {
    pub fn new(name: Atom, console: bool) -> ModState {
        ModState {
            name,
            console,
            locals: HashMap::default(),
            funs: Vec::new(),
            lambdas: Vec::new(),
            attrs: HashMap::default(),
            aliases: HashMap::default(),
            submodules: Vec::new(),
            structs: HashMap::default(),
            current: String::new(),
            lambda_count: 0,
        }
    }
}

/// Compiles one function body.
pub struct FnCompiler<'s, 'a> {
    pub env: &'s mut CompileEnv<'a>,
    /// The module (or console line) the function belongs to.
    pub module: &'s mut ModState,
    /// The function's ops, registers and labels.
    pub code: FnBuilder,
    /// In a guard: where a failing guard BIF jumps.
    pub guard_fail: Option<Label>,
}

pub fn line_of(e: &Ast) -> u32 {
    e.meta().map(|m| m.line).unwrap_or(0)
}

pub fn err<T>(e: &Ast, msg: impl Into<String>) -> CResult<T> {
    Err(CompileError::new(line_of(e), msg))
}

/// The do/else/... sections of a block keyword list.
pub fn block_kw<'x>(kw: &'x Ast, key: &str) -> Option<&'x Ast> {
    match kw {
        Ast::List(items) => items.iter().find_map(|i| match i {
            Ast::Pair(k, v) if matches!(&**k, Ast::Atom(a) if a == key) => Some(&**v),
            _ => None,
        }),
        _ => None,
    }
}

/// Stab clauses `p -> body` of a section: (patterns, guard, body, meta).
pub struct Clause<'x> {
    pub pats: Vec<&'x Ast>,
    pub guard: Option<&'x Ast>,
    pub body: &'x Ast,
}

pub fn clauses(section: &Ast) -> Option<Vec<Clause<'_>>> {
    let Ast::List(items) = section else {
        return None;
    };
    let mut out = Vec::new();
    for it in items {
        let Ast::Call {
            head: Head::Local(n),
            args,
            ..
        } = it
        else {
            return None;
        };
        if n != "->" || args.len() != 2 {
            return None;
        }
        let Ast::List(lhs) = &args[0] else {
            return None;
        };
        let (pats, guard) = match lhs.as_slice() {
            [Ast::Call {
                head: Head::Local(w),
                args: wargs,
                ..
            }] if w == "when" && !wargs.is_empty() => {
                let (last, rest) = wargs.split_last()?;
                (rest.iter().collect(), Some(last))
            }
            _ => (lhs.iter().collect(), None),
        };
        out.push(Clause {
            pats,
            guard,
            body: &args[1],
        });
    }
    Some(out)
}

pub fn is_local<'x>(e: &'x Ast, name: &str) -> Option<&'x [Ast]> {
    match e {
        Ast::Call {
            head: Head::Local(n),
            args,
            ..
        } if n == name => Some(args),
        _ => None,
    }
}

/// Every variable name an expression mentions (for closure capture).
pub fn mentioned_vars(e: &Ast, out: &mut BTreeSet<String>) {
    for e in subterms(e) {
        if let Ast::Var { name, .. } = e {
            out.insert(name.clone());
        }
    }
}

/// `e` and every expression inside it: a call's receiver and arguments,
/// a list's items, a pair's halves (in no set order).
pub fn subterms(e: &Ast) -> impl Iterator<Item = &Ast> {
    let mut stack = vec![e];
    std::iter::from_fn(move || {
        let e = stack.pop()?;
        match e {
            Ast::List(items) => stack.extend(items.iter()),
            Ast::Pair(a, b) => {
                stack.push(a);
                stack.push(b);
            }
            Ast::Call { head, args, .. } => {
                if let Head::Remote(t, _) | Head::Anon(t) = head {
                    stack.push(t);
                }
                stack.extend(args.iter());
            }
            _ => {}
        }
        Some(e)
    })
}

fn meta0() -> Meta {
    Meta::default()
}

pub fn remote(module: &str, f: &str, args: Vec<Ast>, line: u32) -> Ast {
    Ast::Call {
        head: Head::Remote(Box::new(Ast::Atom(module.to_string())), f.to_string()),
        meta: Meta { line, ..meta0() },
        args,
    }
}

pub fn var(name: &str, line: u32) -> Ast {
    Ast::Var {
        name: name.to_string(),
        meta: Meta { line, ..meta0() },
    }
}

pub fn stab(pats: Vec<Ast>, body: Ast) -> Ast {
    Ast::call("->", meta0(), vec![Ast::List(pats), body])
}

/// `case subject do clauses end`, with `clauses` the do-block's body.
pub fn case_of(subject: Ast, clauses: Ast) -> Ast {
    Ast::call(
        "case",
        Meta::default(),
        vec![
            subject,
            Ast::List(vec![Ast::Pair(
                Box::new(Ast::Atom("do".into())),
                Box::new(clauses),
            )]),
        ],
    )
}

pub fn arith_of(name: &str) -> Option<ArithOp> {
    Some(match name {
        "+" => ArithOp::Add,
        "-" => ArithOp::Sub,
        "*" => ArithOp::Mul,
        "/" => ArithOp::Div,
        _ => return None,
    })
}

pub fn cmp_of(name: &str) -> Option<CmpOp> {
    Some(match name {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "===" => CmpOp::ExactEq,
        "!==" => CmpOp::ExactNe,
        "<" => CmpOp::Lt,
        ">" => CmpOp::Gt,
        "<=" => CmpOp::Le,
        ">=" => CmpOp::Ge,
        _ => return None,
    })
}

/// `:erlang` names of the operators Elixir maps straight to BIFs.
pub fn erlang_op_of(name: &str, arity: usize) -> Option<&'static str> {
    Some(match (name, arity) {
        ("+", 2) => "+",
        ("-", 2) => "-",
        ("*", 2) => "*",
        ("/", 2) => "/",
        ("-", 1) => "-",
        ("+", 1) => "+",
        ("==", 2) => "==",
        ("!=", 2) => "/=",
        ("===", 2) => "=:=",
        ("!==", 2) => "=/=",
        ("<", 2) => "<",
        (">", 2) => ">",
        ("<=", 2) => "=<",
        (">=", 2) => ">=",
        ("++", 2) => "++",
        ("--", 2) => "--",
        ("not", 1) => "not",
        _ => return None,
    })
}

impl<'s, 'a> FnCompiler<'s, 'a> {
    pub fn new(
        env: &'s mut CompileEnv<'a>,
        m: &'s mut ModState,
        nparams: u32,
        line: u32,
    ) -> FnCompiler<'s, 'a> {
        FnCompiler {
            env,
            module: m,
            code: FnBuilder::new(nparams, line),
            guard_fail: None,
        }
    }

    pub fn atom(&mut self, s: &str) -> Atom {
        self.env.atom(s)
    }

    pub fn atom_t(&mut self, s: &str) -> Term {
        Term::Atom(self.env.atom(s))
    }

    fn ret(&mut self, r: Reg, tail: bool) -> CResult<Reg> {
        if tail {
            self.code.emit(Op::Return(r));
        }
        Ok(r)
    }

    pub(super) fn call(&mut self, callee: Callee, args: Vec<Reg>, tail: bool) -> CResult<Reg> {
        if let (Some(fail), Callee::Native { f, .. }) = (self.guard_fail, &callee) {
            let d = self.code.reg()?;
            self.code.emit(Op::GuardBif(*f, args.into(), d, fail));
            return Ok(d);
        }
        if tail {
            self.code.emit(Op::TailCall(Box::new(callee), args.into()));
            Ok(0)
        } else {
            let d = self.code.reg()?;
            self.code.emit(Op::Call(Box::new(callee), args.into(), d));
            Ok(d)
        }
    }

    /// A call of function `index` of the module being compiled.
    pub(super) fn call_local(&mut self, index: u32, args: Vec<Reg>, tail: bool) -> CResult<Reg> {
        if tail {
            self.code.emit(Op::TailCallLocal(index, args.into()));
            Ok(0)
        } else {
            // arguments just computed into the free registers from the
            // first on, all temporaries: the callee's frame can start there
            let first = self.code.mark();
            let in_place = args
                .iter()
                .zip(first..)
                .all(|(r, want)| u32::from(*r) == want);
            let d = self.code.reg()?;
            // (the value lands where the frame began: `d` is `first`)
            match (in_place, Reg::try_from(first)) {
                (true, Ok(first)) if first == d => self.code.emit(Op::CallLocalAt(index, first, d)),
                _ => self.code.emit(Op::CallLocal(index, args.into(), d)),
            }
            Ok(d)
        }
    }

    /// A call to `module.function`, resolved to a native now when one exists.
    pub fn callee(&mut self, module: &str, function: &str, arity: usize) -> Callee {
        let m = self.atom(module);
        let f = self.atom(function);
        if self.env.modules.contains_key(&m) {
            return Callee::Remote {
                module: m,
                function: f,
            };
        }
        match self.env.natives.find(module, function, arity as u32) {
            Some(Found::Pure(native)) => Callee::Native {
                f: native,
                module: m,
                function: f,
            },
            Some(Found::Process(id)) => Callee::ProcNative {
                id,
                module: m,
                function: f,
            },
            None => Callee::Remote {
                module: m,
                function: f,
            },
        }
    }

    pub fn call_remote(
        &mut self,
        module: &str,
        function: &str,
        args: Vec<Reg>,
        tail: bool,
    ) -> CResult<Reg> {
        let c = self.callee(module, function, args.len());
        self.call(c, args, tail)
    }

    /// Compiles `e`; in tail position also returns its value.
    /// Compiles `e`; its ops carry its source line (stack traces).
    pub fn gen(&mut self, e: &Ast, vars: &mut Vars, tail: bool) -> CResult<Reg> {
        let line = line_of(e);
        if line == 0 {
            return self.gen_expr(e, vars, tail);
        }
        let outer = std::mem::replace(&mut self.code.line_now, line);
        let r = self.gen_expr(e, vars, tail);
        self.code.line_now = outer;
        r
    }

    fn gen_expr(&mut self, e: &Ast, vars: &mut Vars, tail: bool) -> CResult<Reg> {
        match e {
            Ast::Int(i) => {
                let r = self.code.load(Term::Int(*i))?;
                self.ret(r, tail)
            }
            Ast::BigInt(b) => {
                let r = self.code.load(int_from_bigint(b.clone()))?;
                self.ret(r, tail)
            }
            Ast::Float(f) => {
                let r = self.code.load(Term::Float(*f))?;
                self.ret(r, tail)
            }
            Ast::Atom(a) => {
                let t = self.atom_t(a);
                let r = self.code.load(t)?;
                self.ret(r, tail)
            }
            Ast::String(s) => {
                let r = self.code.load(Term::string(s))?;
                self.ret(r, tail)
            }
            Ast::Charlist(cs) => {
                let r = self
                    .code
                    .load(Term::list(cs.iter().map(|c| Term::Int(i64::from(*c)))))?;
                self.ret(r, tail)
            }
            Ast::List(items) => {
                let r = self.list(items, vars)?;
                self.ret(r, tail)
            }
            Ast::Pair(a, b) => {
                let items = self.siblings(&[&**a, &**b], vars)?;
                let d = self.code.reg()?;
                self.code.emit(Op::Tuple(items.into(), d));
                self.ret(d, tail)
            }
            Ast::Var { name, meta } => {
                let r = self.var(name, *meta, vars)?;
                self.ret(r, tail)
            }
            Ast::Alias { .. } => {
                let name = self.alias_atom(e)?;
                let r = self.code.load(Term::Atom(name))?;
                self.ret(r, tail)
            }
            Ast::Call {
                head: Head::Local(name),
                args,
                ..
            } => self.local_call(e, name, args, vars, tail),
            Ast::Call {
                head: Head::Remote(target, fname),
                meta,
                args,
            } => self.remote_call(target, fname, *meta, args, vars, tail),
            Ast::Call {
                head: Head::Anon(f),
                args,
                ..
            } => {
                let fr = self.gen(f, vars, false)?;
                let mut argv = self.args_(args, vars)?;
                argv.insert(0, fr);
                // args after the fun register: the callee reads the fun from it
                let rest: Vec<Reg> = argv[1..].to_vec();
                self.call(Callee::Fun(fr), rest, tail)
            }
        }
    }

    fn var(&mut self, name: &str, meta: Meta, vars: &mut Vars) -> CResult<Reg> {
        if let Some(r) = vars.0.get(name) {
            return Ok(*r);
        }
        match name {
            "__MODULE__" => {
                let t = if self.module.console {
                    self.atom_t("nil")
                } else {
                    Term::Atom(self.module.name.clone())
                };
                self.code.load(t)
            }
            "__STACKTRACE__" => Err(CompileError::new(
                meta.line,
                "__STACKTRACE__ is available only inside catch and rescue clauses of try expressions",
            )),
            _ if name.starts_with('&') => Err(CompileError::new(
                meta.line,
                format!("capture argument {name} must be used within the capture operator &"),
            )),
            _ if name.starts_with('_') => Err(CompileError::new(
                meta.line,
                format!("invalid use of _. \"{name}\" is used to ignore values in patterns and cannot be read"),
            )),
            _ => {
                let r = self.local_call(&Ast::call(name, meta, vec![]), name, &[], vars, false)?;
                let file = self.env.file;
                self.env.warnings.push(format!(
                    "warning: variable \"{name}\" does not exist and is being expanded to \"{name}()\", please use parentheses to remove the ambiguity or change the variable name\n  {file}:{}",
                    meta.line
                ));
                Ok(r)
            }
        }
    }
}
