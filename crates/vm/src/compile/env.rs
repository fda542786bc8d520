//! What compiling needs and gives: the environment of a compilation
//! (atoms, the natives and modules of the node), its errors, and a
//! compiled console line.
use std::rc::Rc;

use beamplay_term::{Atom, AtomTable, Term};

use crate::code::{FunId, Module, ModuleTable};
use crate::native::NativeIndex;

/// A compile-time error, printed `** (CompileError) iex:LINE: message`.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    pub line: u32,
    pub message: String,
    /// The banner's kind: `CompileError`, or `ArgumentError` for the few
    /// expansion errors Elixir raises as such.
    pub kind: &'static str,
}

impl CompileError {
    pub fn new(line: u32, message: impl Into<String>) -> CompileError {
        CompileError {
            line,
            message: message.into(),
            kind: "CompileError",
        }
    }

    /// The iex banner for this error in `file` (`iex`).
    pub fn banner(&self, file: &str) -> String {
        if self.kind == "CompileError" {
            format!("** (CompileError) {file}:{}: {}", self.line, self.message)
        } else {
            format!("** ({}) {}", self.kind, self.message)
        }
    }
}

pub type CResult<T> = Result<T, CompileError>;

/// What the compiler may look at on its node.
pub struct CompileEnv<'a> {
    pub atoms: &'a mut AtomTable,
    pub natives: &'a dyn NativeIndex,
    pub modules: &'a ModuleTable,
    /// The file name errors and warnings name (`iex`).
    pub file: &'a str,
    /// Warnings, worded as Elixir prints them to stderr.
    pub warnings: Vec<String>,
}

impl CompileEnv<'_> {
    pub fn atom(&mut self, s: &str) -> Atom {
        self.atoms
            .intern(s)
            .unwrap_or_else(|_| Atom::new_uninterned(s))
    }

    /// Fields of a struct module known here (loaded on the node).
    pub fn struct_fields(&self, m: &Atom) -> Option<Vec<(Atom, Term)>> {
        self.modules.get(m).and_then(|m| m.struct_fields.clone())
    }
}

/// A compiled console line: its module's function 0 (`LineCode::FUN`),
/// called with the values of the bindings the line sees, returns `{:ok,
/// value, {bound...}}` (values of `bound`, in that order) or `{:error,
/// banner}`.
pub struct LineCode {
    pub module: Rc<Module>,
    pub bound: Vec<String>,
}

impl LineCode {
    pub const FUN: FunId = FunId::Def(0);
}
