//! Patterns: tests that jump to `fail`, and bindings into `vars`.
use std::collections::BTreeSet;

use beamplay_syntax::ast::Head;
use beamplay_syntax::Ast;
use beamplay_term::{int_from_bigint, Term};

use super::env::{CResult, CompileError};
use super::expr::{err, is_local, FnCompiler, Vars};
use crate::code::{Label, Op, Reg, TypeTest};

impl FnCompiler<'_, '_> {
    pub(super) fn match_pattern(
        &mut self,
        p: &Ast,
        subj: Reg,
        vars: &mut Vars,
        fail: Label,
    ) -> CResult<()> {
        let mut seen = BTreeSet::new();
        self.pattern(p, subj, vars, &mut seen, fail)
    }

    fn literal(&mut self, p: &Ast) -> Option<Term> {
        Some(match p {
            Ast::Int(i) => Term::Int(*i),
            Ast::BigInt(b) => int_from_bigint(b.clone()),
            Ast::Float(f) => Term::Float(*f),
            Ast::Atom(a) => self.atom_t_(a),
            Ast::String(s) => Term::string(s),
            Ast::Charlist(c) => Term::list(c.iter().map(|c| Term::Int(i64::from(*c)))),
            Ast::Call {
                head: Head::Local(n),
                args,
                ..
            } if n == "-" && args.len() == 1 => match &args[0] {
                Ast::Int(i) => Term::Int(-i),
                Ast::Float(f) => Term::Float(-f),
                _ => return None,
            },
            _ => return None,
        })
    }

    pub(super) fn pattern(
        &mut self,
        p: &Ast,
        subj: Reg,
        vars: &mut Vars,
        seen: &mut BTreeSet<String>,
        fail: Label,
    ) -> CResult<()> {
        if let Some(t) = self.literal(p) {
            if let Term::Int(i) = t {
                self.code.emit(Op::IsEqInt(subj, i, fail));
            } else {
                let k = self.code.konst(t);
                self.code.emit(Op::IsEqConst(subj, k, fail));
            }
            return Ok(());
        }
        match p {
            Ast::Var { name, meta } => {
                if name == "_" || name.starts_with('_') {
                    return Ok(());
                }
                if name == "__MODULE__" {
                    return Err(CompileError::new(
                        meta.line,
                        format!("invalid pattern in match, {name} is not allowed"),
                    ));
                }
                if seen.contains(name) {
                    if let Some(r) = vars.0.get(name).copied() {
                        self.code.emit(Op::IsEq(r, subj, fail));
                    }
                } else {
                    seen.insert(name.clone());
                    vars.0.insert(name.clone(), subj);
                }
                Ok(())
            }
            Ast::Alias { .. } => {
                let a = self.alias_atom(p)?;
                let k = self.code.konst(Term::Atom(a));
                self.code.emit(Op::IsEqConst(subj, k, fail));
                Ok(())
            }
            Ast::Pair(a, b) => {
                self.tuple_pattern(&[(**a).clone(), (**b).clone()], subj, vars, seen, fail)
            }
            Ast::List(items) => self.list_pattern(items, subj, vars, seen, fail),
            Ast::Call {
                head: Head::Local(n),
                args,
                ..
            } => match (n.as_str(), args.len()) {
                ("{}", _) => self.tuple_pattern(args, subj, vars, seen, fail),
                ("^", 1) => match &args[0] {
                    Ast::Var { name, meta } => match vars.0.get(name).copied() {
                        Some(r) => {
                            self.code.emit(Op::IsEq(r, subj, fail));
                            Ok(())
                        }
                        None => Err(CompileError::new(
                            meta.line,
                            format!("undefined variable ^{name}. No variable \"{name}\" has been defined before the current pattern"),
                        )),
                    },
                    other => err(other, "invalid argument for unary operator ^"),
                },
                ("=", 2) => {
                    self.pattern(&args[0], subj, vars, seen, fail)?;
                    self.pattern(&args[1], subj, vars, seen, fail)
                }
                ("%{}", _) => self.map_pattern(args, None, subj, vars, seen, fail),
                ("%", 2) => {
                    let module = match &args[0] {
                        Ast::Var { name, .. } if name.starts_with('_') => None,
                        other => Some(self.struct_name(other)?),
                    };
                    let Some(fields) = is_local(&args[1], "%{}") else {
                        return err(p, "expected a map in a struct pattern");
                    };
                    let fields = fields.to_vec();
                    self.map_pattern(&fields, Some(module), subj, vars, seen, fail)
                }
                ("<<>>", _) => self.binary_pattern(args, subj, vars, seen, fail),
                ("<>", 2) => {
                    let Ast::String(prefix) = &args[0] else {
                        return err(
                            p,
                            "the left argument of <> in a pattern must be a literal string",
                        );
                    };
                    let pk = self.code.reg()?;
                    let rest = self.code.reg()?;
                    let len = self.code.load(Term::Int(prefix.len() as i64))?;
                    let segs = vec![
                        crate::code::BinSeg {
                            value: pk,
                            kind: crate::code::SegKind::Binary,
                            size: Some(len),
                            little: false,
                            signed: false,
                        },
                        crate::code::BinSeg {
                            value: rest,
                            kind: crate::code::SegKind::Binary,
                            size: None,
                            little: false,
                            signed: false,
                        },
                    ];
                    self.code.emit(Op::BinMatch(subj, segs.into(), fail));
                    let k = self.code.konst(Term::string(prefix));
                    self.code.emit(Op::IsEqConst(pk, k, fail));
                    self.pattern(&args[1], rest, vars, seen, fail)
                }
                ("@", 1) => {
                    let v = self.gen(p, vars, false)?;
                    self.code.emit(Op::IsEq(v, subj, fail));
                    Ok(())
                }
                ("..", 2) | ("..//", 3) => {
                    let v = self.gen(p, vars, false)?;
                    self.code.emit(Op::IsEq(v, subj, fail));
                    Ok(())
                }
                _ => err(
                    p,
                    format!(
                        "cannot invoke remote function in match, {n}/{} is not allowed in a match",
                        args.len()
                    )
                    .replace("remote function in match, ", "")
                    .replace("cannot invoke ", "cannot invoke local ")
                    .replace("is not allowed in a match", "inside match"),
                ),
            },
            Ast::Call { .. } => err(p, "cannot invoke remote function inside a match"),
            _ => err(p, "invalid pattern"),
        }
    }

    fn tuple_pattern(
        &mut self,
        items: &[Ast],
        subj: Reg,
        vars: &mut Vars,
        seen: &mut BTreeSet<String>,
        fail: Label,
    ) -> CResult<()> {
        self.code
            .emit(Op::IsTupleOf(subj, items.len() as u32, fail));
        for (i, it) in items.iter().enumerate() {
            if matches!(it, Ast::Var { name, .. } if name.starts_with('_')) {
                continue;
            }
            let r = self.code.reg()?;
            self.code.emit(Op::GetElem(subj, i as u32, r));
            self.pattern(it, r, vars, seen, fail)?;
        }
        Ok(())
    }

    fn list_pattern(
        &mut self,
        items: &[Ast],
        subj: Reg,
        vars: &mut Vars,
        seen: &mut BTreeSet<String>,
        fail: Label,
    ) -> CResult<()> {
        let (heads, tail): (Vec<&Ast>, Option<&Ast>) = match items.split_last() {
            Some((last, init)) => match is_local(last, "|") {
                Some([h, t]) => {
                    let mut v: Vec<&Ast> = init.iter().collect();
                    v.push(h);
                    (v, Some(t))
                }
                _ => (items.iter().collect(), None),
            },
            None => (Vec::new(), None),
        };
        let mut cur = subj;
        for h in heads {
            self.code.emit(Op::IsType(cur, TypeTest::Cons, fail));
            let hr = self.code.reg()?;
            let tr = self.code.reg()?;
            self.code.emit(Op::GetList(cur, hr, tr));
            self.pattern(h, hr, vars, seen, fail)?;
            cur = tr;
        }
        match tail {
            Some(t) => self.pattern(t, cur, vars, seen, fail),
            None => {
                self.code.emit(Op::IsType(cur, TypeTest::Nil, fail));
                Ok(())
            }
        }
    }

    fn map_pattern(
        &mut self,
        args: &[Ast],
        module: Option<Option<beamplay_term::Atom>>,
        subj: Reg,
        vars: &mut Vars,
        seen: &mut BTreeSet<String>,
        fail: Label,
    ) -> CResult<()> {
        self.code.emit(Op::IsType(subj, TypeTest::Map, fail));
        if let Some(m) = module {
            let sk = self.atom_t_("__struct__");
            let k = self.code.load(sk)?;
            let v = self.code.reg()?;
            self.code.emit(Op::GetMapKey(subj, k, v, fail));
            if let Some(m) = m {
                let mk = self.code.konst(Term::Atom(m));
                self.code.emit(Op::IsEqConst(v, mk, fail));
            }
        }
        let mut pairs: Vec<(&Ast, &Ast)> = Vec::new();
        for a in args {
            match a {
                Ast::Pair(k, v) => pairs.push((k, v)),
                Ast::List(kw) => {
                    for p in kw {
                        match p {
                            Ast::Pair(k, v) => pairs.push((k, v)),
                            other => return err(other, "invalid map pattern"),
                        }
                    }
                }
                other => return err(other, "cannot use a map update in a pattern"),
            }
        }
        for (k, v) in pairs {
            let kr = match self.literal(k) {
                Some(t) => self.code.load(t)?,
                None => match k {
                    Ast::Call {
                        head: Head::Local(n),
                        args,
                        ..
                    } if n == "^" && args.len() == 1 => self.gen(&args[0], vars, false)?,
                    Ast::Alias { .. } => {
                        let a = self.alias_atom(k)?;
                        self.code.load(Term::Atom(a))?
                    }
                    Ast::Var { name, .. } => {
                        return err(k, format!("cannot use variable {name} as map key inside a pattern. Map keys in patterns can only be literals (such as atoms, strings, tuples, and the like) or an existing variable matched with the pin operator (such as ^some_var)"));
                    }
                    other => self.gen(other, vars, false)?,
                },
            };
            let vr = self.code.reg()?;
            self.code.emit(Op::GetMapKey(subj, kr, vr, fail));
            self.pattern(v, vr, vars, seen, fail)?;
        }
        Ok(())
    }

    fn binary_pattern(
        &mut self,
        args: &[Ast],
        subj: Reg,
        vars: &mut Vars,
        seen: &mut BTreeSet<String>,
        fail: Label,
    ) -> CResult<()> {
        let mut subj = subj;
        let mut segs = Vec::new();
        let mut after: Vec<(Reg, &Ast)> = Vec::new();
        for a in args {
            let (value, spec) = match is_local(a, "::") {
                Some([v, s]) => (v, Some(s)),
                _ => (a, None),
            };
            let (mut seg, size) = super::control::seg_spec(spec, value)?;
            if let Some(size) = &size {
                // a size that uses a variable an earlier segment binds
                // (`<<n::8, x::size(n)>>`): match up to here with the rest
                // as bits, bind, and go on matching the rest
                let mut names = Vec::new();
                for (_, v) in &after {
                    bound_names(v, &mut names);
                }
                if uses_any(size, &names) {
                    let rest = self.code.reg()?;
                    segs.push(crate::code::BinSeg {
                        value: rest,
                        kind: crate::code::SegKind::Bits,
                        size: None,
                        little: false,
                        signed: false,
                    });
                    self.code
                        .emit(Op::BinMatch(subj, std::mem::take(&mut segs).into(), fail));
                    for (r, value) in std::mem::take(&mut after) {
                        self.pattern(value, r, vars, seen, fail)?;
                    }
                    subj = rest;
                }
            }
            if let Some(size) = size {
                // a size is a guard expression: one that fails is no match
                let saved = self.guard_fail.replace(fail);
                let r = self.gen(&size, vars, false);
                self.guard_fail = saved;
                seg.size = Some(r?);
            }
            if let Ast::String(s) = value {
                // a literal string segment: its bytes
                seg.kind = crate::code::SegKind::Binary;
                seg.size = Some(self.code.load(Term::Int(s.len() as i64))?);
            }
            let r = self.code.reg()?;
            seg.value = r;
            after.push((r, value));
            segs.push(seg);
        }
        self.code.emit(Op::BinMatch(subj, segs.into(), fail));
        for (r, value) in after {
            self.pattern(value, r, vars, seen, fail)?;
        }
        Ok(())
    }
}

/// The variables a pattern binds. A pattern is never deeper than the
/// parser's nesting limit, so recursing is bounded.
fn bound_names<'x>(p: &'x Ast, out: &mut Vec<&'x str>) {
    match p {
        Ast::Var { name, .. } if !name.starts_with('_') => out.push(name),
        Ast::Call {
            head: Head::Local(n),
            ..
        } if n == "^" => {}
        Ast::Call { args, .. } => args.iter().for_each(|a| bound_names(a, out)),
        Ast::List(items) => items.iter().for_each(|a| bound_names(a, out)),
        Ast::Pair(a, b) => {
            bound_names(a, out);
            bound_names(b, out);
        }
        _ => {}
    }
}

/// Whether an expression uses a variable of `names`.
fn uses_any(e: &Ast, names: &[&str]) -> bool {
    match e {
        Ast::Var { name, .. } => names.contains(&name.as_str()),
        Ast::Call { head, args, .. } => {
            let in_head = match head {
                Head::Remote(x, _) | Head::Anon(x) => uses_any(x, names),
                Head::Local(_) => false,
            };
            in_head || args.iter().any(|a| uses_any(a, names))
        }
        Ast::List(items) => items.iter().any(|a| uses_any(a, names)),
        Ast::Pair(a, b) => uses_any(a, names) || uses_any(b, names),
        _ => false,
    }
}
