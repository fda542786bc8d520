//! Term order and equality, as OTP defines them:
//! number < atom < reference < fun < port < pid < tuple < map < list < bitstring.
use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive};

use crate::term::{Fun, Term};

fn rank(t: &Term) -> u8 {
    match t {
        Term::Int(_) | Term::BigInt(_) | Term::Float(_) => 0,
        Term::Atom(_) => 1,
        Term::Ref(_) => 2,
        Term::Fun(_) => 3,
        Term::Pid(_) => 5,
        Term::Tuple(_) => 6,
        Term::Map(_) => 7,
        Term::Nil | Term::Cons(_) => 8,
        Term::Binary(_) => 9,
    }
}

/// Compares an integer with a float by value, exactly (no rounding of the
/// integer to a float).
fn cmp_big_float(b: &BigInt, f: f64) -> Ordering {
    if f.is_infinite() {
        return if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let fl = f.floor();
    match BigInt::from_f64(fl) {
        Some(fb) => match b.cmp(&fb) {
            Ordering::Equal if f > fl => Ordering::Less,
            o => o,
        },
        None => Ordering::Equal,
    }
}

fn cmp_numbers(a: &Term, b: &Term) -> Ordering {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => x.cmp(y),
        (Term::Float(x), Term::Float(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Term::Int(x), Term::BigInt(y)) => BigInt::from(*x).cmp(y),
        (Term::BigInt(x), Term::Int(y)) => (**x).cmp(&BigInt::from(*y)),
        (Term::BigInt(x), Term::BigInt(y)) => x.cmp(y),
        (Term::Int(x), Term::Float(y)) => {
            // i64 -> f64 may round: compare exactly through BigInt when large
            if x.unsigned_abs() < (1u64 << 53) {
                (*x as f64).partial_cmp(y).unwrap_or(Ordering::Equal)
            } else {
                cmp_big_float(&BigInt::from(*x), *y)
            }
        }
        (Term::BigInt(x), Term::Float(y)) => cmp_big_float(x, *y),
        (Term::Float(_), Term::Int(_) | Term::BigInt(_)) => cmp_numbers(b, a).reverse(),
        _ => Ordering::Equal,
    }
}

fn cmp_with(a: &Term, b: &Term, exact: bool) -> Ordering {
    let (ra, rb) = (rank(a), rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Term::Nil | Term::Cons(_), Term::Nil | Term::Cons(_)) => cmp_lists(a, b, exact),
        _ if ra == 0 => {
            let o = cmp_numbers(a, b);
            if o == Ordering::Equal && exact {
                // integers sort before the equal float
                let fa = matches!(a, Term::Float(_));
                let fb = matches!(b, Term::Float(_));
                fa.cmp(&fb)
            } else {
                o
            }
        }
        (Term::Atom(x), Term::Atom(y)) => x.cmp(y),
        (Term::Ref(x), Term::Ref(y)) => (x.node.clone(), x.creation, x.ids[2], x.ids[1], x.ids[0])
            .cmp(&(y.node.clone(), y.creation, y.ids[2], y.ids[1], y.ids[0])),
        (Term::Pid(x), Term::Pid(y)) => (x.node.clone(), x.serial, x.id, x.creation).cmp(&(
            y.node.clone(),
            y.serial,
            y.id,
            y.creation,
        )),
        (Term::Fun(x), Term::Fun(y)) => cmp_funs(x, y, exact),
        (Term::Tuple(x), Term::Tuple(y)) => x
            .len()
            .cmp(&y.len())
            .then_with(|| cmp_seq(x.iter(), y.iter(), exact)),
        (Term::Map(x), Term::Map(y)) => x
            .entries
            .len()
            .cmp(&y.entries.len())
            .then_with(|| cmp_seq(x.entries.keys(), y.entries.keys(), true))
            .then_with(|| cmp_seq(x.entries.values(), y.entries.values(), exact)),
        (Term::Binary(x), Term::Binary(y)) => {
            let (xb, yb) = (x.raw_bytes(), y.raw_bytes());
            xb.cmp(yb).then(x.bit_len().cmp(&y.bit_len()))
        }
        _ => Ordering::Equal,
    }
}

fn cmp_funs(x: &Fun, y: &Fun, exact: bool) -> Ordering {
    match (x, y) {
        (
            Fun::Export {
                module: m1,
                function: f1,
                arity: a1,
            },
            Fun::Export {
                module: m2,
                function: f2,
                arity: a2,
            },
        ) => (m1, f1, a1).cmp(&(m2, f2, a2)),
        (Fun::Export { .. }, Fun::Closure(_)) => Ordering::Greater,
        (Fun::Closure(_), Fun::Export { .. }) => Ordering::Less,
        (Fun::Closure(c1), Fun::Closure(c2)) => (&c1.module, c1.index, c1.uniq)
            .cmp(&(&c2.module, c2.index, c2.uniq))
            .then_with(|| {
                if std::rc::Rc::ptr_eq(&c1.code, &c2.code) || c1.origin == c2.origin {
                    Ordering::Equal
                } else {
                    c1.origin.cmp(&c2.origin)
                }
            })
            .then_with(|| cmp_seq(c1.env.iter(), c2.env.iter(), exact)),
    }
}

fn cmp_seq<'a>(
    mut xs: impl Iterator<Item = &'a Term>,
    mut ys: impl Iterator<Item = &'a Term>,
    exact: bool,
) -> Ordering {
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match cmp_with(x, y, exact) {
                Ordering::Equal => {}
                o => return o,
            },
        }
    }
}

/// Lists compare element by element; iterative along the spine so long lists
/// never recurse deeply.
fn cmp_lists(a: &Term, b: &Term, exact: bool) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x, y) {
            (Term::Nil, Term::Nil) => return Ordering::Equal,
            (Term::Nil, Term::Cons(_)) => return Ordering::Less,
            (Term::Cons(_), Term::Nil) => return Ordering::Greater,
            (Term::Cons(cx), Term::Cons(cy)) => {
                match cmp_with(&cx.head, &cy.head, exact) {
                    Ordering::Equal => {}
                    o => return o,
                }
                x = &cx.tail;
                y = &cy.tail;
            }
            // improper tails
            _ => return cmp_with(x, y, exact),
        }
    }
}

/// Term order as `<`, `==`, `>` see it: `1 == 1.0`.
pub fn compare(a: &Term, b: &Term) -> Ordering {
    cmp_with(a, b, false)
}

/// Total order used for map keys: like [`compare`] but `1 < 1.0`.
pub(crate) fn key_cmp(a: &Term, b: &Term) -> Ordering {
    cmp_with(a, b, true)
}

/// Exact equality (`===`, pattern matching).
pub fn exact_eq(a: &Term, b: &Term) -> bool {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) => x == y,
        (Term::Atom(x), Term::Atom(y)) => x == y,
        (Term::Float(x), Term::Float(y)) => x == y,
        _ => cmp_with(a, b, true) == Ordering::Equal,
    }
}

/// `f64` of an integer term, if finite.
pub fn int_to_f64(t: &Term) -> Option<f64> {
    match t {
        Term::Int(i) => Some(*i as f64),
        Term::BigInt(b) => b.to_f64().filter(|f| f.is_finite()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atom::Atom;

    fn a(s: &str) -> Term {
        Term::Atom(Atom::new_uninterned(s))
    }

    #[test]
    fn numbers_compare_by_value_and_exactness() {
        assert_eq!(compare(&Term::Int(1), &Term::Float(1.0)), Ordering::Equal);
        assert!(!exact_eq(&Term::Int(1), &Term::Float(1.0)));
        assert_eq!(key_cmp(&Term::Int(1), &Term::Float(1.0)), Ordering::Less);
        let big = crate::int_from_bigint(BigInt::from(2).pow(70));
        assert_eq!(compare(&big, &Term::Float(1.0e30)), Ordering::Less);
        assert_eq!(compare(&big, &Term::Int(5)), Ordering::Greater);
    }

    #[test]
    fn type_order() {
        let mut v = vec![
            Term::string("b"),
            a("b"),
            Term::Int(2),
            Term::Float(1.5),
            Term::list([Term::Int(1)]),
            Term::tuple(vec![Term::Int(1), Term::Int(2)]),
            Term::tuple(vec![Term::Int(3)]),
            Term::Nil,
            a("nil"),
        ];
        v.sort_by(compare);
        let shown: Vec<String> = v.iter().map(|t| format!("{t:?}")).collect();
        assert_eq!(
            shown,
            ["1.5", "2", ":b", ":nil", "{3}", "{1, 2}", "[]", "[1]", "\"b\""]
        );
    }
}
