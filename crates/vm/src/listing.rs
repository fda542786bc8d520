//! Compiled code as text, for people and snapshot tests
//! (`tests/listing.rs`): each function with its name, arity and
//! registers, its constants, then its ops one per line with their
//! position, the source line where it changes, jump targets as positions
//! (`@12`) and callees by name.
//!
//! ```text
//! fun #0 sum_to/2  regs 4  line 2
//!   k0 = 0
//!   k1 = 1
//!      0  L2   IsEqConst r0, k0 (0), else @2
//!      1       Return r1
//!      2  L3   r2 = ArithK Sub r0, k1 (1)
//!      3       r3 = Arith Add r1, r0
//!      4       TailCall Local #0 sum_to/2 (r2, r3)
//!      5  L2   FunctionClause
//! ```
use std::fmt::Write;

use beamplay_term::{atom_to_inspect, inspect, Atom, InspectOpts, NoStructs, Term};

use crate::code::{BinSeg, Callee, FunCode, Label, Module, Op, Reg, SegKind};

/// Names the native a guard op calls (`Op::GuardBif` holds only the
/// function): the host knows its native table, this layer does not.
pub type GuardBifName<'a> = &'a dyn Fn(&Op) -> Option<String>;

/// The listing of a module: its functions, its lambdas, then the modules
/// it defines (a console line's `defmodule`s), each in turn.
pub fn module(m: &Module, guard_bif: GuardBifName<'_>) -> String {
    let mut out = String::new();
    write_module(&mut out, m, guard_bif);
    out
}

fn write_module(out: &mut String, m: &Module, guard_bif: GuardBifName<'_>) {
    let _ = writeln!(out, "module {}  file {}", atom_text(&m.name), m.file);
    if let Some(fields) = &m.struct_fields {
        let fields: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}: {}", k.as_str(), term_text(v)))
            .collect();
        let _ = writeln!(out, "  defstruct {}", fields.join(", "));
    }
    let mut exports: Vec<(&str, u32, u32)> = m
        .exports
        .iter()
        .map(|((name, arity), i)| (name.as_str(), *arity, *i))
        .collect();
    beamplay_term::sort::sort_by(&mut exports, Ord::cmp);
    if !exports.is_empty() {
        let names: Vec<String> = exports
            .iter()
            .map(|(n, a, i)| format!("{n}/{a} #{i}"))
            .collect();
        let _ = writeln!(out, "  exports {}", names.join(", "));
    }
    let lister = Lister { m, guard_bif };
    for (i, f) in m.funs.iter().enumerate() {
        let _ = writeln!(out);
        let _ = write!(out, "fun #{i} ");
        lister.fun(out, f, false);
    }
    for (i, f) in m.lambdas.iter().enumerate() {
        let _ = writeln!(out);
        let _ = write!(out, "lambda #{i} ");
        lister.fun(out, f, true);
    }
    for s in &m.submodules {
        let _ = writeln!(out);
        write_module(out, s, guard_bif);
    }
}

struct Lister<'a> {
    m: &'a Module,
    guard_bif: GuardBifName<'a>,
}

impl Lister<'_> {
    fn fun(&self, out: &mut String, f: &FunCode, lambda: bool) {
        let _ = write!(out, "{}/{}", f.name.as_str(), f.arity);
        if f.nfree > 0 {
            let _ = write!(out, "  free {}", f.nfree);
        }
        let _ = writeln!(out, "  regs {}  line {}", f.nregs, f.line);
        if lambda {
            let _ = writeln!(out, "  origin {}", f.origin);
        }
        for (i, k) in f.consts.iter().enumerate() {
            let _ = writeln!(out, "  k{i} = {}", term_text(k));
        }
        let mut lines = f.lines.iter().peekable();
        for (pc, op) in f.ops.iter().enumerate() {
            let mut line = String::new();
            while let Some((_, l)) = lines.next_if(|(start, _)| *start as usize <= pc) {
                line = format!("L{l}");
            }
            let _ = writeln!(out, "  {pc:>4}  {line:<5}{}", self.op(f, op));
        }
    }

    fn op(&self, f: &FunCode, op: &Op) -> String {
        let k = |i: &u32| match f.consts.get(*i as usize) {
            Some(t) => format!("k{i} ({})", term_text(t)),
            None => format!("k{i} (missing)"),
        };
        match op {
            Op::Move(from, to) => format!("{} = Move {}", r(*to), r(*from)),
            Op::Const(i, d) => format!("{} = Const {}", r(*d), k(i)),
            Op::Tuple(items, d) => format!("{} = Tuple {{{}}}", r(*d), regs(items)),
            Op::List(items, tail, d) => match tail {
                Some(t) => format!("{} = List [{} | {}]", r(*d), regs(items), r(*t)),
                None => format!("{} = List [{}]", r(*d), regs(items)),
            },
            Op::Map(pairs, d) => format!("{} = Map %{{{}}}", r(*d), pairs_text(pairs)),
            Op::MapUpdate(base, pairs, d) => format!(
                "{} = MapUpdate %{{{} | {}}}",
                r(*d),
                r(*base),
                pairs_text(pairs)
            ),
            Op::Closure { lambda, env, dst } => {
                let name = match self.m.lambdas.get(*lambda as usize) {
                    Some(l) => format!("{}/{}", l.name.as_str(), l.arity),
                    None => "missing".to_string(),
                };
                format!(
                    "{} = Closure lambda #{lambda} {name} env [{}]",
                    r(*dst),
                    regs(env)
                )
            }
            Op::Binary(segs, d) => format!("{} = Binary <<{}>>", r(*d), segs_text(segs)),
            Op::Jump(l) => format!("Jump {}", at(*l)),
            Op::JumpIfFalsy(x, l) => format!("JumpIfFalsy {}, {}", r(*x), at(*l)),
            Op::JumpUnlessTrue(x, l) => format!("JumpUnlessTrue {}, {}", r(*x), at(*l)),
            Op::IsEq(a, b, l) => format!("IsEq {}, {}, else {}", r(*a), r(*b), at(*l)),
            Op::IsEqConst(a, i, l) => format!("IsEqConst {}, {}, else {}", r(*a), k(i), at(*l)),
            Op::IsEqInt(a, i, l) => format!("IsEqInt {}, {i}, else {}", r(*a), at(*l)),
            Op::SelectInt(a, lo, to, l) => {
                let to: Vec<String> = to.iter().map(|to| format!("@{to}")).collect();
                format!(
                    "SelectInt {}, from {lo} [{}], else {}",
                    r(*a),
                    to.join(", "),
                    at(*l)
                )
            }
            Op::IsCmp(o, a, b, l) => format!("IsCmp {o:?} {}, {}, else {}", r(*a), r(*b), at(*l)),
            Op::IsTupleOf(a, n, l) => format!("IsTupleOf {}, size {n}, else {}", r(*a), at(*l)),
            Op::IsType(a, t, l) => format!("IsType {}, {t:?}, else {}", r(*a), at(*l)),
            Op::GetElem(t, i, d) => format!("{} = GetElem {}, {i}", r(*d), r(*t)),
            Op::GetList(l, h, t) => format!("{}, {} = GetList {}", r(*h), r(*t), r(*l)),
            Op::GetMapKey(m, key, d, l) => format!(
                "{} = GetMapKey {}, {}, else {}",
                r(*d),
                r(*m),
                r(*key),
                at(*l)
            ),
            Op::BinMatch(b, segs, l) => format!(
                "BinMatch {}, <<{}>>, else {}",
                r(*b),
                segs_text(segs),
                at(*l)
            ),
            Op::Arith(o, a, b, d) => format!("{} = Arith {o:?} {}, {}", r(*d), r(*a), r(*b)),
            Op::ArithK(o, a, i, d) => format!("{} = ArithK {o:?} {}, {i}", r(*d), r(*a)),
            Op::Cmp(o, a, b, d) => format!("{} = Cmp {o:?} {}, {}", r(*d), r(*a), r(*b)),
            Op::CallLocal(i, args, d) => {
                format!("{} = CallLocal {} ({})", r(*d), self.local(*i), regs(args))
            }
            Op::CallLocalAt(i, first, d) => {
                format!("{} = CallLocal {} at {}", r(*d), self.local(*i), r(*first))
            }
            Op::TailCallLocal(i, args) => {
                format!("TailCallLocal {} ({})", self.local(*i), regs(args))
            }
            Op::Call(c, args, d) => format!(
                "{} = Call {} ({})",
                r(*d),
                self.callee(c, args.len()),
                regs(args)
            ),
            Op::TailCall(c, args) => {
                format!("TailCall {} ({})", self.callee(c, args.len()), regs(args))
            }
            Op::GuardBif(_, args, d, l) => format!(
                "{} = GuardBif {} ({}), else {}",
                r(*d),
                (self.guard_bif)(op).unwrap_or_else(|| "unknown".to_string()),
                regs(args),
                at(*l)
            ),
            Op::Return(x) => format!("Return {}", r(*x)),
            Op::ReturnConst(i) => format!("ReturnConst {}", k(i)),
            Op::RecvPeek(d, l) => format!("{} = RecvPeek, empty {}", r(*d), at(*l)),
            Op::RecvMark(x) => format!("RecvMark {}", regs(x)),
            Op::RecvNext(l) => format!("RecvNext {}", at(*l)),
            Op::RecvAccept => "RecvAccept".to_string(),
            Op::RecvWait(timeout, l) => match timeout {
                Some(t) => format!("RecvWait after {}, new message {}", r(*t), at(*l)),
                None => format!("RecvWait, new message {}", at(*l)),
            },
            Op::Try(l, kind, reason, stack) => format!(
                "Try catch {} kind {}, reason {}, stack {}",
                at(*l),
                r(*kind),
                r(*reason),
                r(*stack)
            ),
            Op::TryEnd => "TryEnd".to_string(),
            Op::Raise(kind, reason, stack) => match stack {
                Some(s) => format!("Raise {}, {}, {}", r(*kind), r(*reason), r(*s)),
                None => format!("Raise {}, {}", r(*kind), r(*reason)),
            },
            Op::RaiseTagged(tag, x) => match x {
                Some(x) => format!("RaiseTagged {{:{tag}, {}}}", r(*x)),
                None => format!("RaiseTagged :{tag}"),
            },
            Op::FunctionClause => "FunctionClause".to_string(),
            Op::DefModule(i, d) => {
                let name = match self.m.submodules.get(*i as usize) {
                    Some(s) => atom_text(&s.name),
                    None => "missing".to_string(),
                };
                format!("{} = DefModule #{i} {name}", r(*d))
            }
        }
    }

    /// Function `i` of the module being listed.
    fn local(&self, i: u32) -> String {
        match self.m.funs.get(i as usize) {
            Some(f) => format!("#{i} {}/{}", f.name.as_str(), f.arity),
            None => format!("#{i} missing"),
        }
    }

    fn callee(&self, c: &Callee, arity: usize) -> String {
        match c {
            Callee::Remote { module, function } => {
                format!("Remote {}", mfa(module, function, arity))
            }
            Callee::Native {
                module, function, ..
            } => format!("Native {}", mfa(module, function, arity)),
            Callee::ProcNative {
                module, function, ..
            } => format!("ProcNative {}", mfa(module, function, arity)),
            Callee::Fun(f) => format!("Fun {}", r(*f)),
        }
    }
}

fn r(x: Reg) -> String {
    format!("r{x}")
}

fn regs(rs: &[Reg]) -> String {
    rs.iter().map(|x| r(*x)).collect::<Vec<_>>().join(", ")
}

fn pairs_text(pairs: &[(Reg, Reg)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{} => {}", r(*k), r(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A jump target: the position of the op it lands on (`@?` for a label
/// the compiler never placed).
fn at(l: Label) -> String {
    if l == u32::MAX {
        "@?".to_string()
    } else {
        format!("@{l}")
    }
}

/// `r1::size(r2)-integer-little-signed`, as Elixir writes a segment.
fn segs_text(segs: &[BinSeg]) -> String {
    segs.iter()
        .map(|s| {
            let mut t = r(s.value);
            let kind = match s.kind {
                SegKind::Integer => "integer",
                SegKind::Float => "float",
                SegKind::Binary => "binary",
                SegKind::Bits => "bits",
                SegKind::Utf8 => "utf8",
            };
            t.push_str("::");
            if let Some(size) = s.size {
                let _ = write!(t, "size({})-", r(size));
            }
            t.push_str(kind);
            if s.little {
                t.push_str("-little");
            }
            if s.signed {
                t.push_str("-signed");
            }
            t
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Enum.map/2`, `:erlang.+/2`: a callee as stack traces name it.
fn mfa(module: &Atom, function: &Atom, arity: usize) -> String {
    format!("{}.{}/{arity}", atom_text(module), function.as_str())
}

fn atom_text(a: &Atom) -> String {
    atom_to_inspect(a.as_str())
}

fn term_text(t: &Term) -> String {
    let opts = InspectOpts {
        limit: None,
        printable_limit: usize::MAX,
        ..InspectOpts::plain()
    };
    inspect(t, &opts, &NoStructs)
}
