//! Integer arithmetic with `i64` fast paths and bignum fallback.
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::term::Term;

/// An integer operand seen either as small or big.
pub enum Int<'a> {
    Small(i64),
    Big(&'a BigInt),
}

impl<'a> Int<'a> {
    pub fn of(t: &'a Term) -> Option<Int<'a>> {
        match t {
            Term::Int(i) => Some(Int::Small(*i)),
            Term::BigInt(b) => Some(Int::Big(b)),
            _ => None,
        }
    }

    pub fn to_big(&self) -> BigInt {
        match self {
            Int::Small(i) => BigInt::from(*i),
            Int::Big(b) => (*b).clone(),
        }
    }
}

/// A normalized integer term: small when it fits in `i64`.
pub fn int_from_bigint(b: BigInt) -> Term {
    match b.to_i64() {
        Some(i) => Term::Int(i),
        None => {
            crate::meter::charge(5 + b.bits().div_ceil(64) as usize);
            Term::BigInt(Rc::new(b))
        }
    }
}
