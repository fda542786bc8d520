//! Console lines, `defmodule` and the functions of a module.
use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

use beamplay_syntax::ast::Head;
use beamplay_syntax::Ast;
use beamplay_term::{Atom, Term};

use super::env::{CResult, CompileEnv, CompileError, LineCode};
use super::expr::{block_kw, err, is_local, line_of, Clause, FnCompiler, ModState, Vars};
use crate::code::{FunCode, LineSource, Module, Op, Reg, ERL_EVAL_ORIGIN};
use crate::text::alias_text;

/// Callbacks `use GenServer` provides when the module does not define
/// them; each forwards to `GenServer.Default` with the module appended.
const GEN_SERVER_DEFAULTS: &[(&str, u32)] = &[
    ("init", 1),
    ("handle_call", 3),
    ("handle_cast", 2),
    ("handle_info", 2),
    ("terminate", 2),
    ("code_change", 3),
    ("child_spec", 1),
];

/// Compiles a console line (or a whole script) that sees `bindings`;
/// `source` is kept with it for its closures to travel.
pub fn compile_line(
    env: &mut CompileEnv<'_>,
    ast: &Ast,
    bindings: &[String],
    source: Option<Rc<LineSource>>,
) -> CResult<LineCode> {
    let name = env.atom("erl_eval");
    let mut m = ModState::new(name.clone(), true);
    let line = line_of(ast).max(1);
    let (code, bound) = {
        let mut fc = FnCompiler::new(env, &mut m, bindings.len() as u32, line);
        let mut vars = Vars::default();
        for (i, b) in bindings.iter().enumerate() {
            vars.0.insert(b.clone(), i as Reg);
        }
        let (k, r, s) = (fc.code.reg()?, fc.code.reg()?, fc.code.reg()?);
        let handler = fc.code.label();
        fc.code.emit(Op::Try(handler, k, r, s));
        let v = fc.gen(ast, &mut vars, false)?;
        fc.code.emit(Op::TryEnd);
        let mut bound: Vec<(String, Reg)> = vars
            .0
            .iter()
            .filter(|(n, _)| !n.starts_with('@') && !n.starts_with('&') && !n.starts_with('_'))
            .map(|(n, r)| (n.clone(), *r))
            .collect();
        beamplay_term::sort::sort_by(&mut bound, Ord::cmp);
        let t = fc.code.reg()?;
        fc.code.emit(Op::Tuple(
            bound.iter().map(|(_, r)| *r).collect::<Vec<_>>().into(),
            t,
        ));
        let ok = fc.atom_t("ok");
        let okr = fc.code.load(ok)?;
        let res = fc.code.reg()?;
        fc.code.emit(Op::Tuple(vec![okr, v, t].into(), res));
        fc.code.emit(Op::Return(res));
        fc.code.place(handler);
        let banner = fc.call_remote("Elixir.Beamplay.Shell", "banner", vec![k, r, s], false)?;
        let er = fc.atom_t("error");
        let err_r = fc.code.load(er)?;
        let res = fc.code.reg()?;
        fc.code.emit(Op::Tuple(vec![err_r, banner].into(), res));
        fc.code.emit(Op::Return(res));
        let fname = fc.atom("expr");
        let code = fc
            .code
            .finish(fname, bindings.len() as u32, 0, Rc::from(ERL_EVAL_ORIGIN));
        (code, bound.into_iter().map(|(n, _)| n).collect::<Vec<_>>())
    };
    let module = Rc::new(Module {
        name,
        file: Rc::from(env.file),
        funs: vec![code],
        exports: Default::default(),
        lambdas: m.lambdas,
        struct_fields: None,
        submodules: m.submodules,
        body_value: Term::Nil,
        source,
    });
    Ok(LineCode { module, bound })
}

/// The modules of a source made only of `defmodule`s (the prelude).
pub fn compile_modules(env: &mut CompileEnv<'_>, ast: &Ast) -> CResult<Vec<Rc<Module>>> {
    let mut out = Vec::new();
    let items: Vec<&Ast> = match is_local(ast, "__block__") {
        Some(items) => items.iter().collect(),
        None => vec![ast],
    };
    for it in items {
        match is_local(it, "defmodule") {
            Some([name, body]) => {
                let full = match name {
                    Ast::Alias { parts, .. } => format!("Elixir.{}", parts.join(".")),
                    Ast::Atom(a) => a.clone(),
                    _ => return err(it, "expected an alias or an atom as the module name"),
                };
                let m = compile_module(env, &full, body, line_of(it), &HashMap::default())?;
                flatten_into(&m, &mut out);
            }
            _ => return err(it, "only defmodule is allowed at the top of a prelude file"),
        }
    }
    Ok(out)
}

fn flatten_into(m: &Rc<Module>, out: &mut Vec<Rc<Module>>) {
    out.push(m.clone());
    for s in &m.submodules {
        flatten_into(s, out);
    }
}

impl FnCompiler<'_, '_> {
    pub(super) fn defmodule(&mut self, e: &Ast, name: &Ast, body: &Ast) -> CResult<Reg> {
        let full = match name {
            Ast::Alias { parts, .. } => {
                if self.module.console {
                    self.expand_alias(parts)
                } else {
                    // nested: Outer.Inner, and Inner is an alias for it here
                    let full = format!("{}.{}", self.module.name.as_str(), parts.join("."));
                    if let Some(first) = parts.first() {
                        let short_full = format!("{}.{}", self.module.name.as_str(), first);
                        self.module.aliases.insert(first.clone(), short_full);
                    }
                    full
                }
            }
            Ast::Atom(a) => a.clone(),
            other => return err(other, "invalid module name"),
        };
        let aliases = self.module.aliases.clone();
        let module = compile_module(self.env, &full, body, line_of(e), &aliases)?;
        register_structs(&module, &mut self.module.structs);
        self.module.submodules.push(module);
        let idx = (self.module.submodules.len() - 1) as u32;
        let d = self.code.reg()?;
        self.code.emit(Op::DefModule(idx, d));
        Ok(d)
    }
}

fn register_structs(m: &Rc<Module>, out: &mut HashMap<Atom, Vec<(Atom, Term)>>) {
    if let Some(f) = &m.struct_fields {
        out.insert(m.name.clone(), f.clone());
    }
    for s in &m.submodules {
        register_structs(s, out);
    }
}

/// One `def`/`defp` clause as written.
struct DefClause {
    name: String,
    public: bool,
    args: Vec<Ast>,
    guard: Option<Ast>,
    body: Option<Ast>,
    line: u32,
    attrs: HashMap<String, Ast>,
}

fn def_clause(kind: &str, args: &[Ast], attrs: &HashMap<String, Ast>) -> CResult<DefClause> {
    let line = args.first().map(line_of).unwrap_or(0);
    let (head, guard) = match args.first().and_then(|h| is_local(h, "when")) {
        Some([h, g]) => (h, Some(g.clone())),
        _ => match args.first() {
            Some(h) => (h, None),
            None => return Err(CompileError::new(line, format!("invalid syntax in {kind}"))),
        },
    };
    let (name, fargs) = match head {
        Ast::Var { name, .. } => (name.clone(), Vec::new()),
        Ast::Call {
            head: Head::Local(n),
            args,
            ..
        } => (n.clone(), args.clone()),
        other => return err(other, format!("invalid syntax in {kind} {}", "expression")),
    };
    let body = match args.get(1) {
        Some(kw) => block_kw(kw, "do").cloned(),
        None => None,
    };
    Ok(DefClause {
        name,
        public: kind == "def",
        args: fargs,
        guard,
        body,
        line: line_of(head).max(line),
        attrs: attrs.clone(),
    })
}

/// A literal term for struct defaults and attribute values.
fn const_term(env: &mut CompileEnv<'_>, e: &Ast) -> Option<Term> {
    Some(match e {
        Ast::Int(i) => Term::Int(*i),
        Ast::BigInt(b) => beamplay_term::int_from_bigint(b.clone()),
        Ast::Float(f) => Term::Float(*f),
        Ast::Atom(a) => Term::Atom(env.atom(a)),
        Ast::String(s) => Term::string(s),
        Ast::Charlist(c) => Term::list(c.iter().map(|c| Term::Int(i64::from(*c)))),
        Ast::List(items) => {
            let v: Option<Vec<Term>> = items.iter().map(|i| const_term(env, i)).collect();
            Term::list(v?)
        }
        Ast::Pair(a, b) => Term::tuple(vec![const_term(env, a)?, const_term(env, b)?]),
        Ast::Alias { parts, .. } => Term::Atom(env.atom(&format!("Elixir.{}", parts.join(".")))),
        Ast::Call {
            head: Head::Local(n),
            args,
            ..
        } => match n.as_str() {
            "{}" => {
                let v: Option<Vec<Term>> = args.iter().map(|i| const_term(env, i)).collect();
                Term::tuple(v?)
            }
            "%{}" => {
                let mut m = beamplay_term::MapEntries::new();
                for a in args {
                    let pairs: Vec<&Ast> = match a {
                        Ast::List(kw) => kw.iter().collect(),
                        other => vec![other],
                    };
                    for p in pairs {
                        let Ast::Pair(k, v) = p else { return None };
                        m.insert(const_term(env, k)?, const_term(env, v)?);
                    }
                }
                Term::map(m)
            }
            "-" if args.len() == 1 => match const_term(env, &args[0])? {
                Term::Int(i) => Term::Int(-i),
                Term::Float(f) => Term::Float(-f),
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    })
}

fn struct_fields(env: &mut CompileEnv<'_>, spec: &Ast) -> CResult<Vec<(Atom, Term)>> {
    let items: Vec<&Ast> = match spec {
        Ast::List(items) => items.iter().collect(),
        other => return err(other, "defstruct expects a keyword list or a list of atoms"),
    };
    let mut out = Vec::new();
    for it in items {
        match it {
            Ast::Atom(a) => {
                let k = env.atom(a);
                let nil = Term::Atom(env.atom("nil"));
                out.push((k, nil));
            }
            Ast::Pair(k, v) => {
                let Ast::Atom(k) = &**k else {
                    return err(it, "struct fields must be atoms");
                };
                let Some(v) = const_term(env, v) else {
                    return err(v, "struct defaults must be literals in this playground");
                };
                let k = env.atom(k);
                out.push((k, v));
            }
            other => return err(other, "struct fields must be atoms"),
        }
    }
    Ok(out)
}

/// What a module's body says, read in one pass.
struct Body {
    defs: Vec<DefClause>,
    struct_fields: Option<Vec<(Atom, Term)>>,
    is_exception: bool,
    uses_gen_server: bool,
    /// The value of its last expression (`{:f, 1}` after a def).
    value: Term,
    /// `defmodule`s inside it: name, body, line.
    nested: Vec<(Ast, Ast, u32)>,
}

/// A module's functions, by index: its def groups in order of first
/// appearance (`order`), the arities default arguments add (`wrappers`:
/// name, arity, the arity they fill in, public), then the functions it
/// gets without writing them (GenServer's callbacks, `__struct__`...).
struct Table {
    order: Vec<(String, u32, bool)>,
    defaults: HashMap<(String, u32), Vec<Option<Ast>>>,
    wrappers: Vec<(String, u32, u32, bool)>,
    funs: Vec<(String, u32, bool)>,
}

/// Compiles `defmodule Name do body end`: its body read, the modules
/// nested in it, its defs, default-argument wrappers and generated
/// functions.
pub fn compile_module(
    env: &mut CompileEnv<'_>,
    full: &str,
    body_kw: &Ast,
    module_line: u32,
    aliases: &HashMap<String, String>,
) -> CResult<Rc<Module>> {
    let name = env.atom(full);
    let mut m = ModState::new(name.clone(), false);
    m.aliases = aliases.clone();
    let body = read_body(env, &mut m, body_kw)?;
    if let Some(f) = &body.struct_fields {
        m.structs.insert(name.clone(), f.clone());
    }
    let subs = compile_nested(env, &mut m, full, &body.nested)?;
    let table = function_table(&body);
    for (i, (n, k, _)) in table.funs.iter().enumerate() {
        m.locals.insert((n.clone(), *k), i as u32);
    }
    m.funs = table.funs.iter().map(|_| None).collect();
    compile_defs(env, &mut m, full, module_line, &body, &table)?;
    compile_wrappers(env, &mut m, full, module_line, &table)?;
    compile_generated(env, &mut m, module_line, &body, &table)?;
    let mut exports = rustc_hash::FxHashMap::default();
    for (i, (n, k, public)) in table.funs.iter().enumerate() {
        let key = (env.atom(n), *k);
        if *public {
            exports.insert(key, i as u32);
        }
    }
    let funs: Vec<FunCode> = m.funs.into_iter().flatten().collect();
    let mut subs = subs;
    subs.extend(m.submodules);
    Ok(Rc::new(Module {
        name,
        file: Rc::from(env.file),
        funs,
        exports,
        lambdas: m.lambdas,
        struct_fields: body.struct_fields,
        submodules: subs,
        body_value: body.value,
        source: None,
    }))
}

/// Reads a module's body: its defs, attributes, struct, aliases, `use`
/// and nested modules.
fn read_body(env: &mut CompileEnv<'_>, m: &mut ModState, body_kw: &Ast) -> CResult<Body> {
    let block = block_kw(body_kw, "do")
        .cloned()
        .unwrap_or(Ast::List(Vec::new()));
    let stmts: Vec<Ast> = match is_local(&block, "__block__") {
        Some(items) => items.to_vec(),
        None => vec![block.clone()],
    };
    let mut body = Body {
        defs: Vec::new(),
        struct_fields: None,
        is_exception: false,
        uses_gen_server: false,
        value: Term::Atom(env.atom("nil")),
        nested: Vec::new(),
    };
    for st in &stmts {
        let Ast::Call {
            head: Head::Local(kind),
            args,
            ..
        } = st
        else {
            continue;
        };
        match (kind.as_str(), args.len()) {
            ("def" | "defp", 1 | 2) => {
                let c = def_clause(kind, args, &m.attrs)?;
                body.value = Term::tuple(vec![
                    Term::Atom(env.atom(&c.name)),
                    Term::Int(c.args.len() as i64),
                ]);
                body.defs.push(c);
            }
            ("@", 1) => match &args[0] {
                Ast::Call {
                    head: Head::Local(attr),
                    args: v,
                    ..
                } if v.len() == 1 => {
                    m.attrs.insert(attr.clone(), v[0].clone());
                }
                _ => {}
            },
            ("defstruct", 1) => body.struct_fields = Some(struct_fields(env, &args[0])?),
            ("defexception", 1) => {
                let mut f = struct_fields(env, &args[0])?;
                f.push((env.atom("__exception__"), Term::Atom(env.atom("true"))));
                body.struct_fields = Some(f);
                body.is_exception = true;
            }
            ("alias", 1 | 2) => {
                if let Ast::Alias { parts, .. } = &args[0] {
                    let target = expand(&m.aliases, parts);
                    let short = match args.get(1).and_then(|kw| block_kw(kw, "as")) {
                        Some(Ast::Alias { parts, .. }) => parts.join("."),
                        _ => target.rsplit('.').next().unwrap_or(&target).to_string(),
                    };
                    m.aliases.insert(short, target);
                }
            }
            ("use", 1 | 2) => {
                if matches!(&args[0], Ast::Alias { parts, .. } if parts.len() == 1 && parts[0] == "GenServer")
                {
                    body.uses_gen_server = true;
                } else {
                    return err(
                        st,
                        format!(
                            "use {} is not supported in this playground (only use GenServer)",
                            match &args[0] {
                                Ast::Alias { parts, .. } => parts.join("."),
                                _ => "this module".into(),
                            }
                        ),
                    );
                }
            }
            ("defmodule", 2) => body
                .nested
                .push((args[0].clone(), args[1].clone(), line_of(st))),
            ("import" | "require", _) => {}
            (
                "defmacro" | "defmacrop" | "defprotocol" | "defimpl" | "defdelegate" | "defguard"
                | "defguardp",
                _,
            ) => {
                return err(st, format!("{kind} is not supported in this playground"));
            }
            _ => {}
        }
    }
    Ok(body)
}

/// Compiles the modules nested in a module first: their structs and
/// names are visible to its body.
fn compile_nested(
    env: &mut CompileEnv<'_>,
    m: &mut ModState,
    full: &str,
    nested: &[(Ast, Ast, u32)],
) -> CResult<Vec<Rc<Module>>> {
    let mut subs = Vec::new();
    for (n, b, line) in nested {
        let Ast::Alias { parts, .. } = &n else {
            return err(n, "invalid module name");
        };
        let inner = format!("{full}.{}", parts.join("."));
        if let Some(first) = parts.first() {
            m.aliases.insert(first.clone(), format!("{full}.{first}"));
        }
        let sub = compile_module(env, &inner, b, *line, &m.aliases)?;
        register_structs(&sub, &mut m.structs);
        subs.push(sub);
    }
    Ok(subs)
}

/// The module's functions: def groups in order of first appearance,
/// default-argument arities, then the generated ones.
fn function_table(body: &Body) -> Table {
    let mut order: Vec<(String, u32, bool)> = Vec::new();
    let mut defaults: HashMap<(String, u32), Vec<Option<Ast>>> = HashMap::default();
    for d in &body.defs {
        let n = d.args.len() as u32;
        if !order.iter().any(|(a, b, _)| a == &d.name && *b == n) {
            order.push((d.name.clone(), n, d.public));
        }
        if d.args.iter().any(|a| is_local(a, "\\\\").is_some()) {
            let ds: Vec<Option<Ast>> = d
                .args
                .iter()
                .map(|a| match is_local(a, "\\\\") {
                    Some([_, dv]) => Some(dv.clone()),
                    _ => None,
                })
                .collect();
            defaults.insert((d.name.clone(), n), ds);
        }
    }
    let mut wrappers: Vec<(String, u32, u32, bool)> = Vec::new();
    for (name_s, n, public) in &order {
        if let Some(ds) = defaults.get(&(name_s.clone(), *n)) {
            let count = ds.iter().filter(|d| d.is_some()).count() as u32;
            for k in (n - count)..*n {
                wrappers.push((name_s.clone(), k, *n, *public));
            }
        }
    }
    let mut funs_meta: Vec<(String, u32, bool)> = order.clone();
    for (n, k, _, p) in &wrappers {
        funs_meta.push((n.clone(), *k, *p));
    }
    if body.uses_gen_server {
        for (cb, a) in GEN_SERVER_DEFAULTS {
            if !funs_meta.iter().any(|(n, k, _)| n == cb && k == a) {
                funs_meta.push((cb.to_string(), *a, true));
            }
        }
    }
    if body.struct_fields.is_some() {
        for a in [0u32, 1] {
            funs_meta.push(("__struct__".into(), a, true));
        }
        if body.is_exception {
            for f in ["exception", "message"] {
                if !funs_meta.iter().any(|(n, k, _)| n == f && *k == 1) {
                    funs_meta.push((f.into(), 1, true));
                }
            }
        }
    }
    Table {
        order,
        defaults,
        wrappers,
        funs: funs_meta,
    }
}

/// Compiles each def group into its function.
fn compile_defs(
    env: &mut CompileEnv<'_>,
    m: &mut ModState,
    full: &str,
    module_line: u32,
    body: &Body,
    t: &Table,
) -> CResult<()> {
    let alias = alias_text(full);
    for (gi, (fname, n, _)) in t.order.iter().enumerate() {
        let group: Vec<&DefClause> = body
            .defs
            .iter()
            .filter(|d| &d.name == fname && d.args.len() as u32 == *n && d.body.is_some())
            .collect();
        let Some(first) = group.first() else {
            return Err(CompileError::new(
                body.defs
                    .iter()
                    .find(|d| &d.name == fname)
                    .map(|d| d.line)
                    .unwrap_or(module_line),
                format!("implementation not provided for predefined def {fname}/{n}"),
            ));
        };
        m.attrs = first.attrs.clone();
        m.current = format!("{alias}.{fname}/{n}");
        let line = first.line;
        // a def on the defmodule's line is named as the compiler inlined
        // it, unless it overrides a callback `use GenServer` defined
        let overrides = body.uses_gen_server && GEN_SERVER_DEFAULTS.contains(&(fname.as_str(), *n));
        let display = if line == module_line && !overrides {
            format!("-inlined-{fname}/{n}-")
        } else {
            fname.clone()
        };
        let code = {
            let mut fc = FnCompiler::new(env, m, *n, line);
            let stripped: Vec<(Vec<Ast>, Option<Ast>, Ast)> = group
                .iter()
                .map(|d| {
                    let pats = d
                        .args
                        .iter()
                        .map(|a| match is_local(a, "\\\\") {
                            Some([p, _]) => p.clone(),
                            _ => a.clone(),
                        })
                        .collect();
                    (
                        pats,
                        d.guard.clone(),
                        d.body.clone().unwrap_or(Ast::Atom("nil".into())),
                    )
                })
                .collect();
            let cls: Vec<Clause<'_>> = stripped
                .iter()
                .map(|(p, g, b)| Clause {
                    pats: p.iter().collect(),
                    guard: g.as_ref(),
                    body: b,
                })
                .collect();
            let params: Vec<Reg> = (0..*n).map(|r| r as Reg).collect();
            fc.function_clauses(&cls, &params, &Vars::default())?;
            let name_atom = fc.atom(&display);
            let origin = fc.module.current.clone();
            fc.code.finish(name_atom, *n, 0, Rc::from(origin.as_str()))
        };
        m.funs[gi] = Some(code);
    }
    Ok(())
}

/// Compiles the default-argument wrappers: f/k fills the last defaults
/// of f/n.
fn compile_wrappers(
    env: &mut CompileEnv<'_>,
    m: &mut ModState,
    full: &str,
    module_line: u32,
    t: &Table,
) -> CResult<()> {
    let alias = alias_text(full);
    for (wi, (fname, k, n, _)) in t.wrappers.iter().enumerate() {
        let ds = t
            .defaults
            .get(&(fname.clone(), *n))
            .cloned()
            .unwrap_or_default();
        let default_positions: Vec<usize> = ds
            .iter()
            .enumerate()
            .filter(|(_, d)| d.is_some())
            .map(|(i, _)| i)
            .collect();
        let used = (*n - *k) as usize;
        let use_default: Vec<usize> = default_positions[default_positions.len() - used..].to_vec();
        let target = m.locals.get(&(fname.clone(), *n)).copied().unwrap_or(0);
        m.current = format!("{alias}.{fname}/{k}");
        let code = {
            let mut fc = FnCompiler::new(env, m, *k, module_line);
            let mut next_param = 0u16;
            let mut argv = Vec::new();
            let mut vars = Vars::default();
            for (i, default) in ds.iter().enumerate().take(*n as usize) {
                if use_default.contains(&i) {
                    let d = default.clone().unwrap_or(Ast::Atom("nil".into()));
                    argv.push(fc.gen(&d, &mut vars, false)?);
                } else {
                    argv.push(next_param);
                    next_param += 1;
                }
            }
            fc.code.emit(Op::TailCallLocal(target, argv.into()));
            let name_atom = fc.atom(fname);
            fc.code.finish(name_atom, *k, 0, Rc::from(""))
        };
        m.funs[t.order.len() + wi] = Some(code);
    }
    Ok(())
}

/// Compiles the functions a module gets without writing them: GenServer's
/// default callbacks, `__struct__/0,1`, `exception/1` and `message/1`.
fn compile_generated(
    env: &mut CompileEnv<'_>,
    m: &mut ModState,
    module_line: u32,
    body: &Body,
    t: &Table,
) -> CResult<()> {
    let name = m.name.clone();
    for (i, (fname, k, _)) in t.funs.iter().enumerate() {
        if m.funs[i].is_some() {
            continue;
        }
        let code = {
            let mut fc = FnCompiler::new(env, m, *k, module_line);
            let mut argv: Vec<Reg> = (0..*k).map(|r| r as Reg).collect();
            let target = match fname.as_str() {
                "__struct__" if *k == 0 => {
                    let mut map = beamplay_term::MapEntries::new();
                    map.insert(fc.atom_t("__struct__"), Term::Atom(name.clone()));
                    for (f, v) in body.struct_fields.clone().unwrap_or_default() {
                        map.insert(Term::Atom(f), v);
                    }
                    let r = fc.code.load(Term::map(map))?;
                    fc.code.emit(Op::Return(r));
                    None
                }
                "__struct__" => Some(("Elixir.Beamplay.Runtime", "struct_from")),
                "exception" => Some(("Elixir.Beamplay.Runtime", "exception")),
                "message" => Some(("Elixir.Beamplay.Runtime", "exception_message")),
                _ => Some(("Elixir.GenServer.Default", fname.as_str())),
            };
            if let Some((tm, tf)) = target {
                let modr = fc.code.load(Term::Atom(name.clone()))?;
                argv.push(modr);
                let callee = fc.callee(tm, tf, argv.len());
                fc.code.emit(Op::TailCall(Box::new(callee), argv.into()));
            }
            let name_atom = fc.atom(fname);
            fc.code.finish(name_atom, *k, 0, Rc::from(""))
        };
        m.funs[i] = Some(code);
    }
    Ok(())
}

fn expand(aliases: &HashMap<String, String>, parts: &[String]) -> String {
    let Some(first) = parts.first() else {
        return "Elixir".into();
    };
    let mut s = aliases
        .get(first)
        .cloned()
        .unwrap_or_else(|| format!("Elixir.{first}"));
    for p in &parts[1..] {
        s.push('.');
        s.push_str(p);
    }
    s
}
