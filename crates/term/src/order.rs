//! Term order and equality, as OTP defines them:
//! number < atom < reference < fun < port < pid < tuple < map < list < bitstring;
//! `Term`'s `Eq` and `Ord` (map-key order) are these.
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

/// Compares `a` and `b` one pair of subterms at a time, with an explicit
/// stack (first children first), so that nesting never recurses.
fn cmp_with(a: &Term, b: &Term, exact: bool) -> Ordering {
    // the stack allocates only when there are children to compare
    let mut stack: Vec<(&Term, &Term, bool)> = Vec::new();
    match cmp_shallow(a, b, exact, &mut stack) {
        Ordering::Equal => {}
        o => return o,
    }
    while let Some((x, y, exact)) = stack.pop() {
        match cmp_shallow(x, y, exact, &mut stack) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// Compares what `x` and `y` hold themselves; pushes the pairs of
/// children still to compare (in reverse, so the first pops first).
fn cmp_shallow<'a>(
    x: &'a Term,
    y: &'a Term,
    exact: bool,
    stack: &mut Vec<(&'a Term, &'a Term, bool)>,
) -> Ordering {
    let (rx, ry) = (rank(x), rank(y));
    if rx != ry {
        return rx.cmp(&ry);
    }
    match (x, y) {
        (Term::Nil, Term::Nil) => Ordering::Equal,
        (Term::Nil, Term::Cons(_)) => Ordering::Less,
        (Term::Cons(_), Term::Nil) => Ordering::Greater,
        (Term::Cons(cx), Term::Cons(cy)) => {
            if !std::rc::Rc::ptr_eq(cx, cy) {
                stack.push((&cx.tail, &cy.tail, exact));
                stack.push((&cx.head, &cy.head, exact));
            }
            Ordering::Equal
        }
        _ if rx == 0 => {
            let o = cmp_numbers(x, y);
            if o == Ordering::Equal && exact {
                // integers sort before the equal float
                let fx = matches!(x, Term::Float(_));
                let fy = matches!(y, Term::Float(_));
                fx.cmp(&fy)
            } else {
                o
            }
        }
        (Term::Atom(p), Term::Atom(q)) => p.cmp(q),
        (Term::Ref(p), Term::Ref(q)) => (p.node.clone(), p.creation, p.ids[2], p.ids[1], p.ids[0])
            .cmp(&(q.node.clone(), q.creation, q.ids[2], q.ids[1], q.ids[0])),
        (Term::Pid(p), Term::Pid(q)) => (p.node.clone(), p.serial, p.id, p.creation).cmp(&(
            q.node.clone(),
            q.serial,
            q.id,
            q.creation,
        )),
        (Term::Fun(p), Term::Fun(q)) => {
            let o = cmp_funs(p, q);
            if o == Ordering::Equal {
                if let (Fun::Closure(c1), Fun::Closure(c2)) = (&**p, &**q) {
                    let o = c1.env.len().cmp(&c2.env.len());
                    if o != Ordering::Equal {
                        return o;
                    }
                    push_pairs(stack, c1.env.iter().zip(c2.env.iter()), exact);
                }
            }
            o
        }
        (Term::Tuple(p), Term::Tuple(q)) => {
            let o = p.len().cmp(&q.len());
            if o == Ordering::Equal && !std::rc::Rc::ptr_eq(p, q) {
                push_pairs(stack, p.iter().zip(q.iter()), exact);
            }
            o
        }
        (Term::Map(p), Term::Map(q)) => {
            let o = p.entries.len().cmp(&q.entries.len());
            if o == Ordering::Equal && !std::rc::Rc::ptr_eq(p, q) {
                // all keys (exactly) before any value
                push_pairs(stack, p.entries.values().zip(q.entries.values()), exact);
                push_pairs(stack, p.entries.keys().zip(q.entries.keys()), true);
            }
            o
        }
        (Term::Binary(p), Term::Binary(q)) => {
            let (pb, qb) = (p.raw_bytes(), q.raw_bytes());
            pb.cmp(qb).then(p.bit_len().cmp(&q.bit_len()))
        }
        _ => Ordering::Equal,
    }
}

fn push_pairs<'a>(
    stack: &mut Vec<(&'a Term, &'a Term, bool)>,
    pairs: impl Iterator<Item = (&'a Term, &'a Term)>,
    exact: bool,
) {
    let at = stack.len();
    stack.extend(pairs.map(|(x, y)| (x, y, exact)));
    stack[at..].reverse();
}

/// Funs by what they are, captured values aside (compared after).
fn cmp_funs(x: &Fun, y: &Fun) -> Ordering {
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
            }),
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

impl PartialEq for Term {
    /// Exact equality (`===`, and pattern matching): `1 != 1.0`.
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        // small integers (clause heads like `f(0)`) without a call
        match (self, other) {
            (Term::Int(a), Term::Int(b)) => a == b,
            _ => exact_eq(self, other),
        }
    }
}
impl Eq for Term {}

impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Term {
    /// Map-key order: term order, but an integer sorts before an equal float
    /// so that `1` and `1.0` are distinct keys.
    fn cmp(&self, other: &Self) -> Ordering {
        key_cmp(self, other)
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

    fn nested(depth: usize, wrap: impl Fn(Term) -> Term) -> Term {
        (0..depth).fold(Term::Nil, |t, _| wrap(t))
    }

    #[test]
    fn terms_nested_300_000_deep_compare_and_drop_without_recursion() {
        let shapes: [fn(Term) -> Term; 4] = [
            |t| Term::tuple(vec![t]),
            |t| Term::list([t]),
            |t| Term::map(std::iter::once((a("k"), t)).collect()),
            |t| Term::tuple(vec![Term::Int(1), Term::list([t, Term::Int(2)])]),
        ];
        for wrap in shapes {
            let x = nested(300_000, wrap);
            let y = nested(300_000, wrap);
            assert_eq!(compare(&x, &y), Ordering::Equal);
            let z = wrap(y.clone());
            assert_ne!(compare(&x, &z), Ordering::Equal);
            drop((x, y, z));
        }
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
        crate::sort::sort_by(&mut v, compare);
        let shown: Vec<String> = v.iter().map(|t| format!("{t:?}")).collect();
        assert_eq!(
            shown,
            ["1.5", "2", ":b", ":nil", "{3}", "{1, 2}", "[]", "[1]", "\"b\""]
        );
    }
}
