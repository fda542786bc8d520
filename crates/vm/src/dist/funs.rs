//! How closures cross nodes (OTP_SEMANTICS.md §3.2: "their code travels
//! with them").
//!
//! - A console closure is an `:erl_eval` fun, as in iex. It travels with
//!   the source of the line that made it, the line's number and the names
//!   of the bindings it saw (as erl_eval's funs carry their abstract code).
//!   The receiver compiles that line again, which gives the same lambdas,
//!   and takes the one with the closure's index.
//! - A closure defined in a module travels as module, index, uniq and
//!   captured values, and runs the receiving node's code of that module,
//!   as in OTP. If that node has no such module (code is per node), the
//!   closure arrives as a function of the missing module, and calling it
//!   raises `UndefinedFunctionError`.
use std::rc::Rc;

use beamplay_term::etf::{Closures, DecodeError, FunParts};
use beamplay_term::{AtomTable, Closure, Fun, ListIter, Term};

use crate::code::{make_closure, LambdaRef, LineSource, Module, ModuleTable, ERL_EVAL_ORIGIN};
use crate::compile::{compile_line, CompileEnv};
use crate::native::NativeIndex;

/// Console lines compiled for received closures, most recent last: a
/// closure sent ten times is compiled once.
#[derive(Default)]
pub(crate) struct LineCache(Vec<(Rc<LineSource>, Rc<Module>)>);

const LINE_CACHE: usize = 32;

impl LineCache {
    fn get(&self, src: &LineSource) -> Option<Rc<Module>> {
        self.0
            .iter()
            .find(|(s, _)| **s == *src)
            .map(|(_, m)| m.clone())
    }

    fn put(&mut self, src: Rc<LineSource>, m: Rc<Module>) {
        if self.0.len() >= LINE_CACHE {
            self.0.remove(0);
        }
        self.0.push((src, m));
    }
}

/// Closures leaving the node, made by process `creator`.
pub(super) struct Outgoing {
    pub creator: Term,
}

impl Closures for Outgoing {
    fn split(&self, c: &Closure) -> Option<FunParts> {
        let lr = c.code.downcast_ref::<LambdaRef>()?;
        let mut free = c.env.clone();
        let module = match &lr.module.source {
            Some(src) => {
                let names = Term::list(src.names.iter().map(|n| Term::string(n)));
                free.push(Term::tuple(vec![
                    Term::string(&src.text),
                    Term::Int(i64::from(src.line)),
                    names,
                ]));
                c.module.clone()
            }
            None => lr.module.name.clone(),
        };
        Some(FunParts {
            module,
            arity: c.arity,
            index: lr.index,
            uniq: c.uniq,
            pid: self.creator.clone(),
            free,
        })
    }

    fn join(&mut self, _parts: FunParts, _atoms: &mut AtomTable) -> Result<Term, DecodeError> {
        Err(DecodeError::BadField)
    }
}

/// Closures arriving, made into closures of this node's code.
pub(super) struct Incoming<'a> {
    pub modules: &'a ModuleTable,
    pub natives: &'a dyn NativeIndex,
    pub lines: &'a mut LineCache,
}

impl Incoming<'_> {
    /// The console line a closure came from, compiled here.
    fn line_module(
        &mut self,
        src: LineSource,
        atoms: &mut AtomTable,
    ) -> Result<Rc<Module>, DecodeError> {
        if let Some(m) = self.lines.get(&src) {
            return Ok(m);
        }
        let ast = beamplay_syntax::parse(&src.text, src.line).map_err(|_| DecodeError::BadField)?;
        let src = Rc::new(src);
        let mut env = CompileEnv {
            atoms,
            natives: self.natives,
            modules: self.modules,
            file: "iex",
            warnings: Vec::new(),
        };
        let line = compile_line(&mut env, &ast, &src.names, Some(src.clone()))
            .map_err(|_| DecodeError::BadField)?;
        self.lines.put(src, line.module.clone());
        Ok(line.module)
    }
}

/// `{text, line, names}` that a console closure carries last.
fn line_source(t: &Term) -> Option<LineSource> {
    let [text, Term::Int(line), names] = t.as_tuple()? else {
        return None;
    };
    let text = String::from_utf8(text.as_bytes()?.to_vec()).ok()?;
    let names = ListIter::new(names)
        .map(|n| String::from_utf8(n.as_bytes()?.to_vec()).ok())
        .collect::<Option<Vec<_>>>()?;
    Some(LineSource {
        text,
        line: u32::try_from(*line).ok()?,
        names,
    })
}

impl Closures for Incoming<'_> {
    fn split(&self, _c: &Closure) -> Option<FunParts> {
        None
    }

    fn join(&mut self, mut parts: FunParts, atoms: &mut AtomTable) -> Result<Term, DecodeError> {
        let module = if parts.module.as_str() == "erl_eval" {
            let src = parts
                .free
                .pop()
                .as_ref()
                .and_then(line_source)
                .ok_or(DecodeError::BadField)?;
            self.line_module(src, atoms)?
        } else {
            match self.modules.get(&parts.module) {
                Some(m) => m.clone(),
                None => return Ok(missing(&parts, atoms)),
            }
        };
        match module.lambdas.get(parts.index as usize) {
            // OTP also compares the module's MD5; modules here carry none,
            // so another version of the module runs its own lambda
            Some(code) if code.arity == parts.arity && code.nfree as usize == parts.free.len() => {
                let index = parts.index;
                match make_closure(module, index, parts.free) {
                    Some(f) => Ok(f),
                    None => Err(DecodeError::BadField),
                }
            }
            _ => Ok(missing(&parts, atoms)),
        }
    }
}

/// Closures in a frame this node sent, decoded to be printed for a person
/// (the event log, the sequence diagram): `#Function<...>` as this node
/// prints them, never compiled and never run.
pub(super) struct Shown<'a> {
    pub modules: &'a ModuleTable,
}

impl Closures for Shown<'_> {
    fn split(&self, _c: &Closure) -> Option<FunParts> {
        None
    }

    fn join(&mut self, mut parts: FunParts, _atoms: &mut AtomTable) -> Result<Term, DecodeError> {
        let origin = if parts.module.as_str() == "erl_eval" {
            // the line's source, which the receiver compiles
            parts.free.pop();
            Rc::from(ERL_EVAL_ORIGIN)
        } else {
            self.modules
                .get(&parts.module)
                .and_then(|m| m.lambdas.get(parts.index as usize))
                .map_or_else(
                    || Rc::from(beamplay_term::atom_to_inspect(parts.module.as_str())),
                    |code| code.origin.clone(),
                )
        };
        Ok(Term::Fun(Rc::new(Fun::Closure(Closure {
            arity: parts.arity,
            module: parts.module,
            index: parts.index,
            uniq: parts.uniq,
            origin,
            env: parts.free,
            code: Rc::new(()),
        }))))
    }
}

/// A closure whose code this node does not have: a function of its
/// module that does not exist here, so that calling it raises.
fn missing(parts: &FunParts, atoms: &mut AtomTable) -> Term {
    let name = format!("-fun-{}-", parts.index);
    let function = atoms
        .intern(&name)
        .unwrap_or_else(|_| beamplay_term::Atom::new_uninterned(&name));
    Term::export(parts.module.clone(), function, parts.arity)
}
