//! Arithmetic slow paths shared by the interpreter and natives: bignums,
//! floats, mixed operands, and the errors OTP raises for them.
use beamplay_term::{int_from_bigint, int_to_f64, Int, Term};

use crate::code::ArithOp;
use crate::native::{Ctx, NResult, Raise};

fn float_result(c: &mut Ctx<'_>, f: f64) -> NResult {
    if f.is_finite() {
        Ok(Term::Float(f))
    } else {
        Err(c.badarith())
    }
}

/// A number as a float (for mixed arithmetic), or `None` if not a number.
pub fn to_f64(t: &Term) -> Option<f64> {
    match t {
        Term::Float(f) => Some(*f),
        _ => int_to_f64(t),
    }
}

/// Bits of the largest integer BEAM makes (one more is `system_limit`).
pub const MAX_INT_BITS: u64 = (1 << 25) - 64;

/// `+ - *` on small integers, when the result is one too: the common
/// case, which the interpreter also takes inline.
#[inline(always)]
pub fn int_arith(op: ArithOp, x: i64, y: i64) -> Option<i64> {
    match op {
        ArithOp::Add => x.checked_add(y),
        ArithOp::Sub => x.checked_sub(y),
        ArithOp::Mul => x.checked_mul(y),
        ArithOp::Div => None,
    }
}

pub fn arith(c: &mut Ctx<'_>, op: ArithOp, a: &Term, b: &Term) -> NResult {
    if let (Term::Int(x), Term::Int(y)) = (a, b) {
        if let Some(v) = int_arith(op, *x, *y) {
            return Ok(Term::Int(v));
        }
    }
    if op == ArithOp::Div {
        let (Some(x), Some(y)) = (to_f64(a), to_f64(b)) else {
            return Err(c.badarith());
        };
        if y == 0.0 {
            return Err(c.badarith());
        }
        return float_result(c, x / y);
    }
    if let (Some(x), Some(y)) = (Int::of(a), Int::of(b)) {
        let (x, y) = (x.to_big(), y.to_big());
        if op == ArithOp::Mul && x.bits() + y.bits() > MAX_INT_BITS + 1 {
            return Err(Raise::error(c.known("system_limit")));
        }
        return Ok(int_from_bigint(match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            _ => x * y,
        }));
    }
    let (Some(x), Some(y)) = (to_f64(a), to_f64(b)) else {
        return Err(c.badarith());
    };
    float_result(
        c,
        match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            _ => x * y,
        },
    )
}
