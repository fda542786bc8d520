//! Building one function's code: registers, constants, labels.
use std::rc::Rc;

use beamplay_term::{Atom, Term};

use crate::code::{FunCode, Label, Op, Reg};

use super::env::{CResult, CompileError};

/// Registers a frame may have: `Reg` is 16 bits.
const MAX_REGS: u32 = 65_000;

pub struct FnBuilder {
    pub ops: Vec<Op>,
    pub consts: Vec<Term>,
    /// The next free register.
    next: u32,
    /// Registers the frame needs: the most ever in use at once.
    nregs: u32,
    /// Label id to op index, once placed.
    labels: Vec<Option<u32>>,
    pub line: u32,
    /// The source line of the expression being compiled.
    pub line_now: u32,
    /// `(first op, line)` for each run of ops from one source line.
    lines: Vec<(u32, u32)>,
}

impl FnBuilder {
    pub fn new(nparams: u32, line: u32) -> FnBuilder {
        FnBuilder {
            ops: Vec::new(),
            consts: Vec::new(),
            next: nparams,
            nregs: nparams,
            labels: Vec::new(),
            line,
            line_now: line,
            lines: Vec::new(),
        }
    }

    pub fn reg(&mut self) -> CResult<Reg> {
        if self.next >= MAX_REGS {
            return Err(CompileError::new(
                self.line,
                "function too large for this playground",
            ));
        }
        let r = self.next as Reg;
        self.next += 1;
        self.nregs = self.nregs.max(self.next);
        Ok(r)
    }

    /// Where the registers of the code about to be built start: alternatives
    /// of which only one runs (clauses) each start there, see [`Self::rewind`].
    pub fn mark(&self) -> u32 {
        self.next
    }

    /// Frees the registers taken since `mark`. Only for code whose values
    /// are dead by now: a clause that returned or moved its value out and
    /// whose variables do not outlive it.
    pub fn rewind(&mut self, mark: u32) {
        self.next = mark;
    }

    pub fn konst(&mut self, t: Term) -> u32 {
        // small functions: a linear search keeps constants shared
        if let Some(i) = self
            .consts
            .iter()
            .position(|c| c == &t && c.type_name() == t.type_name())
        {
            return i as u32;
        }
        self.consts.push(t);
        (self.consts.len() - 1) as u32
    }

    pub fn load(&mut self, t: Term) -> CResult<Reg> {
        let k = self.konst(t);
        let r = self.reg()?;
        self.emit(Op::Const(k, r));
        Ok(r)
    }

    pub fn emit(&mut self, op: Op) {
        // `r = Const k; Return r` is one op, unless a jump lands on the Return
        if let (Op::Return(r), Some(&Op::Const(k, d))) = (&op, self.ops.last()) {
            let here = Some(self.ops.len() as u32);
            if *r == d && !self.labels.contains(&here) {
                self.ops.pop();
                self.ops.push(Op::ReturnConst(k));
                return;
            }
        }
        if self.line_now != 0 && self.lines.last().is_none_or(|l| l.1 != self.line_now) {
            self.lines.push((self.ops.len() as u32, self.line_now));
        }
        self.ops.push(op);
    }

    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        (self.labels.len() - 1) as Label
    }

    pub fn place(&mut self, l: Label) {
        self.labels[l as usize] = Some(self.ops.len() as u32);
    }

    /// Resolves label ids to op positions and produces the function.
    pub fn finish(mut self, name: Atom, arity: u32, nfree: u32, origin: Rc<str>) -> FunCode {
        let labels = std::mem::take(&mut self.labels);
        let at = |l: &mut Label| {
            *l = labels
                .get(*l as usize)
                .copied()
                .flatten()
                .unwrap_or(u32::MAX);
        };
        for op in &mut self.ops {
            match op {
                Op::Jump(l)
                | Op::JumpIfFalsy(_, l)
                | Op::JumpUnlessTrue(_, l)
                | Op::IsEq(_, _, l)
                | Op::IsEqConst(_, _, l)
                | Op::IsEqInt(_, _, l)
                | Op::IsCmp(_, _, _, l)
                | Op::IsTupleOf(_, _, l)
                | Op::IsType(_, _, l)
                | Op::GetMapKey(_, _, _, l)
                | Op::BinMatch(_, _, l)
                | Op::GuardBif(_, _, _, l)
                | Op::RecvPeek(_, l)
                | Op::RecvNext(l)
                | Op::RecvWait(_, l)
                | Op::Try(l, _, _, _) => at(l),
                _ => {}
            }
        }
        select_ints(&mut self.ops);
        FunCode {
            name,
            arity,
            nfree,
            nregs: self.nregs,
            ops: self.ops,
            consts: self.consts,
            origin,
            line: self.line,
            lines: self.lines.into_boxed_slice(),
        }
    }
}

/// Clauses that test one register for small integers one after another
/// (`IsEqInt r, 0, else @next` where `@next` is `IsEqInt r, 1, ...`),
/// for values that are a run of distinct integers, become one `SelectInt`
/// at the first test, which goes where the matching test would have gone:
/// one dispatch instead of one per clause tried. The later tests stay
/// (other jumps may lead to them).
fn select_ints(ops: &mut [Op]) {
    for i in 0..ops.len() {
        let Some(&Op::IsEqInt(r, first, mut fail)) = ops.get(i) else {
            continue;
        };
        let mut cases = vec![(first, i as Label + 1)];
        while let Some(&Op::IsEqInt(r2, v, next)) = ops.get(fail as usize) {
            if r2 != r || cases.len() >= 64 {
                break;
            }
            cases.push((v, fail + 1));
            fail = next;
        }
        if let Some(op) = select_run(r, &cases, fail) {
            ops[i] = op;
        }
    }
}

/// The `SelectInt` for `cases` (value and position) when they are more
/// than one and their values a run of distinct integers.
fn select_run(r: Reg, cases: &[(i64, Label)], fail: Label) -> Option<Op> {
    let lo = cases.iter().map(|c| c.0).min()?;
    let mut to = vec![None; cases.len()];
    for (v, at) in cases {
        match v
            .checked_sub(lo)
            .and_then(|i| to.get_mut(usize::try_from(i).ok()?))
        {
            Some(slot @ None) => *slot = Some(*at),
            _ => return None,
        }
    }
    (cases.len() > 1).then(|| Op::SelectInt(r, lo, to.into_iter().flatten().collect(), fail))
}
