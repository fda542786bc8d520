//! Bytecode: what the compiler produces and the interpreter runs.
//!
//! A function runs in a frame of `nregs` registers; its arguments arrive in
//! registers `0..arity` (a closure's captured values first, then its
//! arguments). Pattern tests jump to a fail label instead of raising, so a
//! clause that does not match falls through to the next one. Everything a
//! process needs to resume is in its frames and registers (DESIGN.md
//! invariant 2): there is no Rust recursion between calls.
use std::rc::Rc;

use beamplay_term::{meter, Atom, Closure, Fun, Term};
use rustc_hash::FxHashMap;

/// Loaded modules by name.
pub type ModuleTable = FxHashMap<Atom, Rc<Module>>;

use crate::native::{NativeFn, NativeId};

pub type Reg = u16;
pub type Label = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    ExactEq,
    ExactNe,
    Lt,
    Gt,
    Le,
    Ge,
}

/// Type tests of patterns and guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeTest {
    Nil,
    Cons,
    Map,
}

/// What a call calls, besides a function of the caller's own module
/// (`Op::CallLocal`).
#[derive(Clone)]
pub enum Callee {
    /// `Mod.fun(args)`, resolved on the calling node at call time.
    Remote { module: Atom, function: Atom },
    /// A native known at compile time (`:erlang.+`, `String.upcase`).
    Native {
        f: NativeFn,
        module: Atom,
        function: Atom,
    },
    /// A native that acts on processes (`send`, `self`, `spawn`...), by
    /// its number in the runtime's native table.
    ProcNative {
        id: NativeId,
        module: Atom,
        function: Atom,
    },
    /// `f.(args)` where `f` is in a register.
    Fun(Reg),
}

/// One segment of a binary construction or match.
#[derive(Debug, Clone)]
pub struct BinSeg {
    pub value: Reg,
    pub kind: SegKind,
    /// Size in units (bits for integers, bytes for binaries); `None` is the
    /// type's default (8 bits for integers, "all" for binaries).
    pub size: Option<Reg>,
    pub little: bool,
    pub signed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegKind {
    Integer,
    Float,
    Binary,
    Bits,
    Utf8,
}

pub enum Op {
    Move(Reg, Reg),
    Const(u32, Reg),
    Tuple(Box<[Reg]>, Reg),
    /// items, tail (None = `[]`), dst
    List(Box<[Reg]>, Option<Reg>, Reg),
    Map(Box<[(Reg, Reg)]>, Reg),
    /// `%{m | k => v}`: base, pairs, dst; every key must exist.
    MapUpdate(Reg, Box<[(Reg, Reg)]>, Reg),
    Closure {
        lambda: u32,
        env: Box<[Reg]>,
        dst: Reg,
    },
    Binary(Box<[BinSeg]>, Reg),

    Jump(Label),
    /// Jump when the register is `false` or `nil`.
    JumpIfFalsy(Reg, Label),
    /// Jump unless the register is exactly the atom `true`.
    JumpUnlessTrue(Reg, Label),

    IsEq(Reg, Reg, Label),
    IsEqConst(Reg, u32, Label),
    /// Jump unless the register is this small integer (`f(0)`).
    IsEqInt(Reg, i64, Label),
    /// Clauses that each test the register for one small integer of a run
    /// `lo, lo + 1, ...` (`f(0)`, `f(1)`, ...), in one op: the register
    /// minus `lo` picks the position to go on at, else to the label.
    /// reg, lo, positions, else.
    SelectInt(Reg, i64, Box<[Label]>, Label),
    /// Jump unless the comparison holds (a guard's `i <= last`): `Cmp`
    /// and `JumpUnlessTrue` in one, with no boolean made.
    IsCmp(CmpOp, Reg, Reg, Label),
    IsTupleOf(Reg, u32, Label),
    IsType(Reg, TypeTest, Label),
    GetElem(Reg, u32, Reg),
    GetList(Reg, Reg, Reg),
    /// map, key, dst, fail
    GetMapKey(Reg, Reg, Reg, Label),
    /// Match the binary in the first register against segments, storing
    /// each segment's value in its `value` register; fail label.
    BinMatch(Reg, Box<[BinSeg]>, Label),

    Arith(ArithOp, Reg, Reg, Reg),
    /// Arithmetic with a small integer as the right operand (`n - 1`).
    ArithK(ArithOp, Reg, i64, Reg),
    Cmp(CmpOp, Reg, Reg, Reg),

    /// A function of the caller's own module (by its index in `funs`):
    /// args, dst. Local calls never look anything up.
    CallLocal(u32, Box<[Reg]>, Reg),
    /// A local call whose arguments the caller computed into consecutive
    /// registers from the given one, above every register still live:
    /// the callee's frame starts there, with nothing copied, and its value
    /// lands there too (dst is that register).
    CallLocalAt(u32, Reg, Reg),
    TailCallLocal(u32, Box<[Reg]>),
    /// args, dst; the callee's arity is args.len()
    Call(Box<Callee>, Box<[Reg]>, Reg),
    TailCall(Box<Callee>, Box<[Reg]>),
    /// Like a native call but a failure jumps to the label (guards).
    GuardBif(NativeFn, Box<[Reg]>, Reg, Label),
    Return(Reg),
    /// Returns a constant (`Const` and `Return` in one: `def f(0), do: 0`).
    ReturnConst(u32),

    /// Current message at the save pointer into dst, or go wait.
    RecvPeek(Reg, Label),
    /// At the start of a receive whose every clause needs the values in
    /// these registers: if one is the reference the process made last,
    /// start after the messages older than it.
    RecvMark(Box<[Reg]>),
    /// Skip the current message and peek again.
    RecvNext(Label),
    /// Take the current message out of the mailbox.
    RecvAccept,
    /// Block until a new message (then jump to the peek label) or the
    /// timeout (register holding ms or `:infinity`; None = forever) passes,
    /// then fall through.
    RecvWait(Option<Reg>, Label),

    /// Install a handler: on a raise inside, jump to the label with kind,
    /// reason and stacktrace in the three registers.
    Try(Label, Reg, Reg, Reg),
    TryEnd,
    /// kind (an atom register), reason, stack
    Raise(Reg, Reg, Option<Reg>),
    /// Raise `{tag, reg}` as an error (`{:badmatch, v}`), or `tag` alone.
    RaiseTagged(&'static str, Option<Reg>),
    /// No clause of this function matched its arguments (in registers
    /// `0..arity`).
    FunctionClause,
    /// Load the module compiled with this code (its index among the
    /// enclosing module's `submodules`); dst gets `{:module, Name, bin, last}`.
    DefModule(u32, Reg),
}

/// What follows `in` when a console closure is inspected: iex's funs are
/// `:erl_eval`'s (`#Function<0.3/0 in :erl_eval.expr/6>`).
pub const ERL_EVAL_ORIGIN: &str = ":erl_eval.expr/6";

/// One compiled function (a `def`, a `fn`, or a console line).
pub struct FunCode {
    pub name: Atom,
    pub arity: u32,
    /// How many leading registers are a closure's captured values.
    pub nfree: u32,
    pub nregs: u32,
    pub ops: Vec<Op>,
    pub consts: Vec<Term>,
    /// For a closure, what follows `in` when it is inspected:
    /// [`ERL_EVAL_ORIGIN`], `Mod.fun/1`.
    pub origin: Rc<str>,
    /// Source line of the function head.
    pub line: u32,
    /// `(first op, line)` for each run of ops compiled from one source
    /// line, in op order (stack traces name the line of the call).
    pub lines: Box<[(u32, u32)]>,
}

impl FunCode {
    /// The source line of the op before `pc`: a frame's pc is past the
    /// op it is in (a call, or the op that raised).
    pub fn line_at(&self, pc: usize) -> u32 {
        let op = pc.saturating_sub(1) as u32;
        let i = self.lines.partition_point(|(start, _)| *start <= op);
        match i.checked_sub(1) {
            Some(i) => self.lines[i].1,
            None => self.line,
        }
    }
}

/// A loaded module.
pub struct Module {
    pub name: Atom,
    /// The file it was compiled from, as stack traces name it (`iex`, or
    /// `prelude` for the library written in Elixir).
    pub file: Rc<str>,
    pub funs: Vec<FunCode>,
    /// `{name, arity}` of public functions to their index in `funs`.
    pub exports: FxHashMap<(Atom, u32), u32>,
    /// The closures defined in this module's functions.
    pub lambdas: Vec<FunCode>,
    /// `defstruct` fields in order with defaults.
    pub struct_fields: Option<Vec<(Atom, Term)>>,
    /// Modules defined by `defmodule` inside this code, loaded when run.
    pub submodules: Vec<Rc<Module>>,
    /// The value of the module body's last expression (`{:f, 1}` after a def).
    pub body_value: Term,
    /// For a console line: its source, so that its closures can be
    /// compiled again on another node.
    pub source: Option<Rc<LineSource>>,
}

/// A console line as typed: compiling `text` (parsed as line `line`) with
/// the bindings `names` gives the same code on any node, so its closures
/// travel as this and their captured values (as erl_eval's funs carry
/// their abstract code).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct LineSource {
    pub text: String,
    pub line: u32,
    pub names: Vec<String>,
}

/// A function of a module: a `def` (its index in `funs`) or the code of
/// a closure (its index in `lambdas`). Frames name their function so, and
/// a call within a module touches no reference count but the module's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunId {
    Def(u32),
    Lambda(u32),
}

impl Module {
    /// The public function `name/arity`.
    pub fn export(&self, name: &Atom, arity: u32) -> Option<FunId> {
        self.exports
            .get(&(name.clone(), arity))
            .map(|i| FunId::Def(*i))
    }

    /// The code of function `id`, if this module has it.
    #[inline]
    pub fn code(&self, id: FunId) -> Option<&FunCode> {
        match id {
            FunId::Def(i) => self.funs.get(i as usize),
            FunId::Lambda(i) => self.lambdas.get(i as usize),
        }
    }
}

/// The code a closure runs: its module's lambda table and index (what a
/// `Closure`'s opaque `code` holds).
pub struct LambdaRef {
    pub module: Rc<Module>,
    pub index: u32,
}

/// A closure of lambda `index` of `module` capturing `env`, if the module
/// has that lambda.
pub fn make_closure(module: Rc<Module>, index: u32, env: Vec<Term>) -> Option<Term> {
    let code = module.lambdas.get(index as usize)?;
    let (arity, uniq, origin) = (code.arity, code.line, code.origin.clone());
    meter::charge(12 + 2 * env.len());
    Some(Term::Fun(Rc::new(Fun::Closure(Closure {
        arity,
        module: module.name.clone(),
        index,
        uniq,
        origin,
        env,
        code: Rc::new(LambdaRef { module, index }),
    }))))
}
