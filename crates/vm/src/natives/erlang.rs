//! `:erlang` BIFs, Kernel operators that are functions, `:math`.
use std::rc::Rc;

use beamplay_term::meter::{binary_words, tuple_words};
use beamplay_term::{compare, int_from_bigint, Int, Term};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use super::args::{list_arg, usize_arg};
use crate::code::ArithOp;
use crate::native::{Argv, Ctx, NResult, NativeTable, Raise};
use crate::ops::{arith, to_f64, MAX_INT_BITS};
use crate::text::{charlist, text_of};

fn bool(c: &mut Ctx<'_>, b: bool) -> NResult {
    Ok(c.bool(b))
}

fn int_div(c: &mut Ctx<'_>, a: &Term, b: &Term, rem: bool) -> NResult {
    match (a, b) {
        (Term::Int(x), Term::Int(y)) if *y != 0 => {
            let v = if rem {
                x.checked_rem(*y)
            } else {
                x.checked_div(*y)
            };
            match v {
                Some(v) => Ok(Term::Int(v)),
                None => Ok(int_from_bigint(if rem {
                    BigInt::zero()
                } else {
                    -BigInt::from(*x)
                })),
            }
        }
        _ => {
            let (Some(x), Some(y)) = (Int::of(a), Int::of(b)) else {
                return Err(c.badarith());
            };
            let (x, y) = (x.to_big(), y.to_big());
            if y.is_zero() {
                return Err(c.badarith());
            }
            // truncating division, as Erlang's div/rem
            let q = &x / &y;
            Ok(int_from_bigint(if rem { x - q * y } else { q }))
        }
    }
}

fn number_arg(c: &mut Ctx<'_>, t: &Term) -> Result<f64, Raise> {
    to_f64(t).ok_or_else(|| c.badarg(&[(1, "not a number")]))
}

fn round_to_int(c: &mut Ctx<'_>, t: &Term, f: fn(f64) -> f64) -> NResult {
    match t {
        Term::Int(_) | Term::BigInt(_) => Ok(t.clone()),
        Term::Float(x) => {
            let r = f(*x);
            match r.to_i64() {
                Some(i) if r.abs() < 9.0e18 => Ok(Term::Int(i)),
                _ => <BigInt as num_traits::FromPrimitive>::from_f64(r)
                    .map(int_from_bigint)
                    .ok_or_else(|| c.badarg(&[(1, "not a number")])),
            }
        }
        _ => Err(c.badarg(&[(1, "not a number")])),
    }
}

fn atom_to_text(c: &mut Ctx<'_>, t: &Term) -> Result<String, Raise> {
    match t {
        Term::Atom(a) => Ok(a.as_str().to_string()),
        _ => Err(c.badarg(&[(1, "not an atom")])),
    }
}

fn parse_int(s: &str, radix: u32) -> Option<Term> {
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() || s == "-" {
        return None;
    }
    BigInt::parse_bytes(s.as_bytes(), radix).map(int_from_bigint)
}

fn int_to_text(c: &mut Ctx<'_>, t: &Term, radix: u32) -> Result<String, Raise> {
    match Int::of(t) {
        Some(i) => Ok(i.to_big().to_str_radix(radix).to_uppercase()),
        None => Err(c.badarg(&[(1, "not an integer")])),
    }
}

fn radix_arg(c: &mut Ctx<'_>, t: &Term) -> Result<u32, Raise> {
    match t {
        Term::Int(r) if (2..=36).contains(r) => Ok(*r as u32),
        _ => Err(c.badarg(&[(2, "not an integer in the range 2 through 36")])),
    }
}

fn element(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    match (&a[0], &a[1]) {
        (Term::Int(i), Term::Tuple(t)) => match usize::try_from(*i)
            .ok()
            .filter(|i| *i >= 1)
            .and_then(|i| t.get(i - 1))
        {
            Some(v) => Ok(v.clone()),
            None => Err(c.badarg(&[(1, "out of range")])),
        },
        (Term::Int(_), _) => Err(c.badarg(&[(2, "not a tuple")])),
        (_, Term::Tuple(_)) => Err(c.badarg(&[(1, "not an integer")])),
        _ => Err(c.badarg(&[(1, "not an integer"), (2, "not a tuple")])),
    }
}

fn setelement(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    match (&a[0], &a[1]) {
        (Term::Int(i), Term::Tuple(t)) => {
            let idx = usize::try_from(*i)
                .ok()
                .filter(|i| *i >= 1 && *i <= t.len());
            match idx {
                Some(i) => {
                    let mut v: Vec<Term> = t.to_vec();
                    v[i - 1] = a[2].clone();
                    Ok(Term::tuple(v))
                }
                None => Err(c.badarg(&[(1, "out of range")])),
            }
        }
        (Term::Int(_), _) => Err(c.badarg(&[(2, "not a tuple")])),
        _ => Err(c.badarg(&[(1, "not an integer")])),
    }
}

fn append(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let Some(left) = a[0].to_vec() else {
        return Err(c.badarg_plain());
    };
    Ok(Term::list_with_tail(left, a[1].clone()))
}

fn subtract(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let (Some(mut left), Some(right)) = (a[0].to_vec(), a[1].to_vec()) else {
        return Err(c.badarg_plain());
    };
    for r in right {
        if let Some(pos) = left.iter().position(|x| *x == r) {
            left.remove(pos);
        }
    }
    Ok(Term::list(left))
}

fn iolist_bytes(t: &Term, out: &mut Vec<u8>) -> bool {
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        match t {
            Term::Binary(b) => match b.as_bytes() {
                Some(bytes) => out.extend_from_slice(bytes),
                None => return false,
            },
            Term::Int(i) if (0..=255).contains(i) => out.push(*i as u8),
            Term::Nil => {}
            Term::Cons(cell) => {
                stack.push(&cell.tail);
                stack.push(&cell.head);
            }
            _ => return false,
        }
    }
    true
}

fn iolist_to_binary(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let mut out = Vec::new();
    if iolist_bytes(&a[0], &mut out) {
        Ok(Term::binary(&out))
    } else {
        Err(c.badarg(&[(1, "not an iodata term")]))
    }
}

fn list_to_binary(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let mut out = Vec::new();
    if a[0].is_list() && iolist_bytes(&a[0], &mut out) {
        Ok(Term::binary(&out))
    } else {
        Err(c.badarg(&[(1, "not an iolist term")]))
    }
}

fn binary_to_list(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    match a[0].as_bytes() {
        Some(b) => Ok(Term::list(b.iter().map(|x| Term::Int(i64::from(*x))))),
        None => Err(c.badarg(&[(1, "not a binary")])),
    }
}

fn to_atom(c: &mut Ctx<'_>, t: &Term, existing: bool, what: &'static str) -> NResult {
    let s = match (what, t) {
        ("binary", Term::Binary(_)) => t.as_str().map(str::to_string),
        // a flat charlist, as BEAM takes it: no nesting, no binaries
        ("list", _) => crate::text::chars(t),
        _ => None,
    };
    let Some(s) = s else {
        return Err(c.badarg(&[(
            1,
            if what == "binary" {
                "not a binary"
            } else {
                "not a list of characters"
            },
        )]));
    };
    if existing {
        return match c.atoms.existing(&s) {
            Some(a) => Ok(Term::Atom(a)),
            None => Err(c.badarg(&[(1, "not an already existing atom")])),
        };
    }
    if s.chars().count() > 255 {
        return Err(c.badarg(&[(1, "too long atom")]));
    }
    c.atom_term(&s)
}

fn float_of(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    match &a[0] {
        Term::Float(_) => Ok(a[0].clone()),
        t => match to_f64(t) {
            Some(f) => Ok(Term::Float(f)),
            None => Err(c.badarg(&[(1, "not a number")])),
        },
    }
}

fn math1(c: &mut Ctx<'_>, a: Argv<'_>, f: fn(f64) -> f64) -> NResult {
    let x = number_arg(c, &a[0])?;
    let r = f(x);
    if r.is_finite() {
        Ok(Term::Float(r))
    } else {
        Err(c.badarith())
    }
}

/// Heap words of an integer of `bits` bits.
fn int_words(bits: u64) -> usize {
    5 + usize::try_from(bits.div_ceil(64)).unwrap_or(usize::MAX)
}

fn pow(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    match (&a[0], &a[1]) {
        (b, Term::Int(e)) if b.is_integer() && *e >= 0 => {
            let Some(base) = Int::of(b) else {
                return Err(c.badarith());
            };
            let e = u32::try_from(*e).map_err(|_| Raise::error(c.known("system_limit")))?;
            let big = base.to_big();
            // bits of the result: e * log2(|base|), rounded up
            let log2 = big.to_f64().map_or(big.bits() as f64, |f| f.abs().log2());
            let bits = (log2.max(0.0) * f64::from(e)).floor() as u64 + 1;
            if bits > MAX_INT_BITS {
                return Err(Raise::error(c.known("system_limit")));
            }
            c.reserve(int_words(bits))?;
            Ok(int_from_bigint(num_traits::pow(big, e as usize)))
        }
        (x, y) => match (to_f64(x), to_f64(y)) {
            (Some(x), Some(y)) => {
                let r = x.powf(y);
                if r.is_finite() {
                    Ok(Term::Float(r))
                } else {
                    Err(c.badarith())
                }
            }
            _ => Err(c.badarith()),
        },
    }
}

pub(crate) fn to_string(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let t = &a[0];
    Ok(match t {
        Term::Binary(_) => t.clone(),
        Term::Atom(x) if x.as_str() == "nil" => Term::string(""),
        Term::Atom(x) => Term::string(x.as_str()),
        Term::Int(_) | Term::BigInt(_) => Term::string(
            &Int::of(t)
                .map(|i| i.to_big().to_string())
                .unwrap_or_default(),
        ),
        Term::Float(f) => Term::string(&beamplay_term::float_to_string(*f)),
        Term::Nil | Term::Cons(_) => {
            let mut out = Vec::new();
            if !chardata_bytes(t, &mut out) {
                return Err(c.badarg(&[(1, "not valid chardata")]));
            }
            Term::binary(&out)
        }
        _ => return Err(protocol_undefined(c, "String.Chars", t)),
    })
}

/// Chardata (binaries, code points, nested lists) to UTF-8 bytes.
fn chardata_bytes(t: &Term, out: &mut Vec<u8>) -> bool {
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        match t {
            Term::Binary(b) => match b.as_bytes() {
                Some(bytes) => out.extend_from_slice(bytes),
                None => return false,
            },
            Term::Int(i) => match u32::try_from(*i).ok().and_then(char::from_u32) {
                Some(ch) => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                None => return false,
            },
            Term::Nil => {}
            Term::Cons(cell) => {
                stack.push(&cell.tail);
                stack.push(&cell.head);
            }
            _ => return false,
        }
    }
    true
}

/// `Protocol.UndefinedError` for `protocol` and `value`.
pub(crate) fn protocol_undefined(c: &mut Ctx<'_>, protocol: &str, value: &Term) -> Raise {
    let protocol = c
        .atom_term(&format!("Elixir.{protocol}"))
        .unwrap_or(Term::Nil);
    c.exception(
        "Elixir.Protocol.UndefinedError",
        vec![
            ("protocol", protocol),
            ("value", value.clone()),
            ("description", Term::string("")),
        ],
    )
}

fn chardata_to_string(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let mut out = Vec::new();
    if chardata_bytes(&a[0], &mut out) {
        Ok(Term::binary(&out))
    } else {
        Err(c.badarg(&[(1, "not valid chardata")]))
    }
}

/// A hash of `t` below `range`: the engine's term hash (BEAM's internal
/// one, `beamplay_term::map_hash`), stable across runs and platforms, but
/// not the values of OTP's phash2 (`make_hash2`).
fn phash2(t: &Term, range: u64) -> u64 {
    u64::from(beamplay_term::map_hash(t)) % range.max(1)
}

pub fn register<P: Copy>(t: &mut NativeTable<P>) {
    // arithmetic and comparison as functions (captures, guards, apply)
    t.add("erlang", "+", 2, |c, a| {
        arith(c, ArithOp::Add, &a[0], &a[1])
    });
    t.add("erlang", "-", 2, |c, a| {
        arith(c, ArithOp::Sub, &a[0], &a[1])
    });
    t.add("erlang", "*", 2, |c, a| {
        arith(c, ArithOp::Mul, &a[0], &a[1])
    });
    t.add("erlang", "/", 2, |c, a| {
        arith(c, ArithOp::Div, &a[0], &a[1])
    });
    t.add("erlang", "-", 1, |c, a| match &a[0] {
        Term::Int(i) => Ok(i
            .checked_neg()
            .map(Term::Int)
            .unwrap_or_else(|| int_from_bigint(-BigInt::from(*i)))),
        Term::BigInt(b) => Ok(int_from_bigint(-(**b).clone())),
        Term::Float(f) => Ok(Term::Float(-f)),
        _ => Err(c.badarith()),
    });
    t.add("erlang", "+", 1, |c, a| {
        if a[0].is_number() {
            Ok(a[0].clone())
        } else {
            Err(c.badarith())
        }
    });
    t.add("erlang", "div", 2, |c, a| int_div(c, &a[0], &a[1], false));
    t.add("erlang", "rem", 2, |c, a| int_div(c, &a[0], &a[1], true));
    t.add("erlang", "==", 2, |c, a| {
        bool(c, compare(&a[0], &a[1]).is_eq())
    });
    t.add("erlang", "/=", 2, |c, a| {
        bool(c, !compare(&a[0], &a[1]).is_eq())
    });
    t.add("erlang", "=:=", 2, |c, a| bool(c, a[0] == a[1]));
    t.add("erlang", "=/=", 2, |c, a| bool(c, a[0] != a[1]));
    t.add("erlang", "<", 2, |c, a| {
        bool(c, compare(&a[0], &a[1]).is_lt())
    });
    t.add("erlang", ">", 2, |c, a| {
        bool(c, compare(&a[0], &a[1]).is_gt())
    });
    t.add("erlang", "=<", 2, |c, a| {
        bool(c, compare(&a[0], &a[1]).is_le())
    });
    t.add("erlang", ">=", 2, |c, a| {
        bool(c, compare(&a[0], &a[1]).is_ge())
    });
    t.add("erlang", "not", 1, |c, a| match &a[0] {
        Term::Atom(x) if x.as_str() == "true" => Ok(c.bool(false)),
        Term::Atom(x) if x.as_str() == "false" => Ok(c.bool(true)),
        _ => Err(c.badarg(&[(1, "not a boolean")])),
    });
    t.add("erlang", "abs", 1, |c, a| match &a[0] {
        Term::Int(i) => Ok(i
            .checked_abs()
            .map(Term::Int)
            .unwrap_or_else(|| int_from_bigint(BigInt::from(*i).abs()))),
        Term::BigInt(b) => Ok(int_from_bigint(b.abs())),
        // OTP 25 keeps -0.0: it negates only what is below zero
        Term::Float(f) => Ok(Term::Float(if *f < 0.0 { -f } else { *f })),
        _ => Err(c.badarg(&[(1, "not a number")])),
    });
    t.add("erlang", "trunc", 1, |c, a| {
        round_to_int(c, &a[0], f64::trunc)
    });
    t.add("erlang", "round", 1, |c, a| {
        round_to_int(c, &a[0], f64::round)
    });
    t.add("erlang", "ceil", 1, |c, a| {
        round_to_int(c, &a[0], f64::ceil)
    });
    t.add("erlang", "floor", 1, |c, a| {
        round_to_int(c, &a[0], f64::floor)
    });
    t.add("erlang", "float", 1, float_of);
    t.add("erlang", "max", 2, |_, a| {
        Ok(if compare(&a[0], &a[1]).is_lt() {
            a[1].clone()
        } else {
            a[0].clone()
        })
    });
    t.add("erlang", "min", 2, |_, a| {
        Ok(if compare(&a[1], &a[0]).is_lt() {
            a[1].clone()
        } else {
            a[0].clone()
        })
    });
    t.add("erlang", "band", 2, |c, a| bitop(c, a, |x, y| x & y));
    t.add("erlang", "bor", 2, |c, a| bitop(c, a, |x, y| x | y));
    t.add("erlang", "bxor", 2, |c, a| bitop(c, a, |x, y| x ^ y));
    t.add("erlang", "bsl", 2, |c, a| match (Int::of(&a[0]), &a[1]) {
        (Some(x), Term::Int(n)) => {
            let x = x.to_big();
            if *n < 0 {
                return Ok(int_from_bigint(x >> n.unsigned_abs()));
            }
            let bits = x.bits().saturating_add(n.unsigned_abs());
            if bits > MAX_INT_BITS {
                return Err(Raise::error(c.known("system_limit")));
            }
            c.reserve(int_words(bits))?;
            Ok(int_from_bigint(x << n.unsigned_abs()))
        }
        _ => Err(c.badarith()),
    });
    t.add("erlang", "bsr", 2, |c, a| match (Int::of(&a[0]), &a[1]) {
        (Some(x), Term::Int(n)) if *n >= 0 => Ok(int_from_bigint(
            x.to_big() >> usize::try_from(*n).unwrap_or(usize::MAX),
        )),
        _ => Err(c.badarith()),
    });
    // type tests
    t.add("erlang", "is_atom", 1, |c, a| {
        bool(c, matches!(a[0], Term::Atom(_)))
    });
    t.add("erlang", "is_binary", 1, |c, a| {
        bool(c, matches!(&a[0], Term::Binary(b) if b.is_binary()))
    });
    t.add("erlang", "is_bitstring", 1, |c, a| {
        bool(c, matches!(a[0], Term::Binary(_)))
    });
    t.add("erlang", "is_boolean", 1, |c, a| {
        bool(c, a[0].is_atom("true") || a[0].is_atom("false"))
    });
    t.add("erlang", "is_float", 1, |c, a| {
        bool(c, matches!(a[0], Term::Float(_)))
    });
    t.add("erlang", "is_function", 1, |c, a| {
        bool(c, matches!(a[0], Term::Fun(_)))
    });
    t.add("erlang", "is_function", 2, |c, a| {
        // the arity is checked first, even for a term that is no fun; one
        // no fun can have (above 2^32) is only false
        let wanted = match Int::of(&a[1]) {
            Some(Int::Small(n)) if n >= 0 => u32::try_from(n).ok(),
            Some(Int::Big(b)) if !b.is_negative() => None,
            Some(_) => return Err(c.badarg(&[(2, "out of range")])),
            None => return Err(c.badarg(&[(2, "not an integer")])),
        };
        let arity = match &a[0] {
            Term::Fun(f) => Some(match &**f {
                beamplay_term::Fun::Export { arity, .. } => *arity,
                beamplay_term::Fun::Closure(cl) => cl.arity,
            }),
            _ => None,
        };
        bool(c, arity.is_some() && arity == wanted)
    });
    t.add("erlang", "is_integer", 1, |c, a| bool(c, a[0].is_integer()));
    t.add("erlang", "is_list", 1, |c, a| bool(c, a[0].is_list()));
    t.add("erlang", "is_map", 1, |c, a| {
        bool(c, matches!(a[0], Term::Map(_)))
    });
    t.add("erlang", "is_map_key", 2, |c, a| match &a[1] {
        Term::Map(m) => bool(c, m.entries.contains_key(&a[0])),
        _ => Err(c.error_tuple("badmap", a[1].clone())),
    });
    t.add("erlang", "is_number", 1, |c, a| bool(c, a[0].is_number()));
    t.add("erlang", "is_pid", 1, |c, a| {
        bool(c, matches!(a[0], Term::Pid(_)))
    });
    t.add("erlang", "is_reference", 1, |c, a| {
        bool(c, matches!(a[0], Term::Ref(_)))
    });
    t.add("erlang", "is_tuple", 1, |c, a| {
        bool(c, matches!(a[0], Term::Tuple(_)))
    });
    // data
    t.add("erlang", "length", 1, |c, a| match a[0].list_len() {
        Some(n) => Ok(Term::Int(n as i64)),
        None => Err(c.badarg(&[(1, "not a list")])),
    });
    t.add("erlang", "hd", 1, |c, a| match &a[0] {
        Term::Cons(cell) => Ok(cell.head.clone()),
        _ => Err(c.badarg(&[(1, "not a nonempty list")])),
    });
    t.add("erlang", "tl", 1, |c, a| match &a[0] {
        Term::Cons(cell) => Ok(cell.tail.clone()),
        _ => Err(c.badarg(&[(1, "not a nonempty list")])),
    });
    t.add("erlang", "element", 2, element);
    t.add("erlang", "setelement", 3, setelement);
    t.add("erlang", "tuple_size", 1, |c, a| match &a[0] {
        Term::Tuple(t) => Ok(Term::Int(t.len() as i64)),
        _ => Err(c.badarg(&[(1, "not a tuple")])),
    });
    t.add("erlang", "map_size", 1, |c, a| match &a[0] {
        Term::Map(m) => Ok(Term::Int(m.entries.len() as i64)),
        _ => Err(c.error_tuple("badmap", a[0].clone())),
    });
    t.add("erlang", "byte_size", 1, |c, a| match &a[0] {
        Term::Binary(b) => Ok(Term::Int(b.byte_len() as i64)),
        _ => Err(c.badarg(&[(1, "not a bitstring")])),
    });
    t.add("erlang", "bit_size", 1, |c, a| match &a[0] {
        Term::Binary(b) => Ok(Term::Int(b.bit_len() as i64)),
        _ => Err(c.badarg(&[(1, "not a bitstring")])),
    });
    t.add("erlang", "tuple_to_list", 1, |c, a| match &a[0] {
        Term::Tuple(t) => Ok(Term::list(t.iter().cloned())),
        _ => Err(c.badarg(&[(1, "not a tuple")])),
    });
    t.add("erlang", "list_to_tuple", 1, |c, a| {
        list_arg(c, &a[0], 1).map(Term::tuple)
    });
    t.add("erlang", "append_element", 2, |c, a| match &a[0] {
        Term::Tuple(t) => {
            let mut v = t.to_vec();
            v.push(a[1].clone());
            Ok(Term::tuple(v))
        }
        _ => Err(c.badarg(&[(1, "not a tuple")])),
    });
    t.add("erlang", "make_tuple", 2, |c, a| match usize_arg(&a[0]) {
        Some(n) if n <= 16_777_215 => {
            c.reserve(tuple_words(n))?;
            Ok(Term::tuple(vec![a[1].clone(); n]))
        }
        _ => Err(c.badarg(&[(1, "not a valid tuple size")])),
    });
    t.add("erlang", "++", 2, append);
    t.add("erlang", "--", 2, subtract);
    t.add("erlang", "atom_to_binary", 1, |c, a| {
        atom_to_text(c, &a[0]).map(|s| Term::string(&s))
    });
    t.add("erlang", "atom_to_binary", 2, |c, a| {
        atom_to_text(c, &a[0]).map(|s| Term::string(&s))
    });
    t.add("erlang", "atom_to_list", 1, |c, a| {
        atom_to_text(c, &a[0]).map(|s| charlist(&s))
    });
    t.add("erlang", "binary_to_atom", 1, |c, a| {
        to_atom(c, &a[0], false, "binary")
    });
    t.add("erlang", "binary_to_atom", 2, |c, a| {
        to_atom(c, &a[0], false, "binary")
    });
    t.add("erlang", "binary_to_existing_atom", 1, |c, a| {
        to_atom(c, &a[0], true, "binary")
    });
    t.add("erlang", "binary_to_existing_atom", 2, |c, a| {
        to_atom(c, &a[0], true, "binary")
    });
    t.add("erlang", "list_to_atom", 1, |c, a| {
        to_atom(c, &a[0], false, "list")
    });
    t.add("erlang", "list_to_existing_atom", 1, |c, a| {
        to_atom(c, &a[0], true, "list")
    });
    t.add("erlang", "integer_to_binary", 1, |c, a| {
        int_to_text(c, &a[0], 10).map(|s| Term::string(&s))
    });
    t.add("erlang", "integer_to_binary", 2, |c, a| {
        let r = radix_arg(c, &a[1])?;
        int_to_text(c, &a[0], r).map(|s| Term::string(&s))
    });
    t.add("erlang", "integer_to_list", 1, |c, a| {
        int_to_text(c, &a[0], 10).map(|s| charlist(&s))
    });
    t.add("erlang", "integer_to_list", 2, |c, a| {
        let r = radix_arg(c, &a[1])?;
        int_to_text(c, &a[0], r).map(|s| charlist(&s))
    });
    t.add("erlang", "binary_to_integer", 1, |c, a| {
        match a[0].as_str().and_then(|s| parse_int(s, 10)) {
            Some(v) => Ok(v),
            None => Err(c.badarg(&[(1, "not a textual representation of an integer")])),
        }
    });
    t.add("erlang", "binary_to_integer", 2, |c, a| {
        let r = radix_arg(c, &a[1])?;
        match a[0].as_str().and_then(|s| parse_int(s, r)) {
            Some(v) => Ok(v),
            None => Err(c.badarg(&[(1, "not a textual representation of an integer")])),
        }
    });
    t.add(
        "erlang",
        "list_to_integer",
        1,
        |c, a| match crate::text::chars(&a[0]).and_then(|s| parse_int(&s, 10)) {
            Some(v) => Ok(v),
            _ => Err(c.badarg(&[(1, "not a textual representation of an integer")])),
        },
    );
    t.add("erlang", "list_to_integer", 2, |c, a| {
        let r = radix_arg(c, &a[1])?;
        match crate::text::chars(&a[0]).and_then(|s| parse_int(&s, r)) {
            Some(v) => Ok(v),
            _ => Err(c.badarg(&[(1, "not a textual representation of an integer")])),
        }
    });
    t.add("erlang", "float_to_binary", 1, |c, a| match &a[0] {
        Term::Float(f) => Ok(Term::string(&beamplay_term::c_exp20(*f))),
        _ => Err(c.badarg(&[(1, "not a float")])),
    });
    t.add("erlang", "binary_to_float", 1, |c, a| {
        match a[0].as_str().and_then(parse_float) {
            Some(f) => Ok(Term::Float(f)),
            None => Err(c.badarg(&[(1, "not a textual representation of a float")])),
        }
    });
    t.add(
        "erlang",
        "list_to_float",
        1,
        |c, a| match crate::text::chars(&a[0]).as_deref().and_then(parse_float) {
            Some(f) => Ok(Term::Float(f)),
            None => Err(c.badarg(&[(1, "not a textual representation of a float")])),
        },
    );
    t.add("erlang", "binary_to_list", 1, binary_to_list);
    t.add("erlang", "list_to_binary", 1, list_to_binary);
    t.add("erlang", "iolist_to_binary", 1, iolist_to_binary);
    t.add("erlang", "iolist_size", 1, |c, a| {
        let mut out = Vec::new();
        if iolist_bytes(&a[0], &mut out) {
            Ok(Term::Int(out.len() as i64))
        } else {
            Err(c.badarg(&[(1, "not an iodata term")]))
        }
    });
    t.add("erlang", "binary_part", 3, |c, a| {
        match (&a[0], usize_arg(&a[1]), usize_arg(&a[2])) {
            (Term::Binary(b), Some(from), Some(len)) => match b.sub(from, len) {
                Some(s) => Ok(Term::Binary(Rc::new(s))),
                None => Err(c.badarg(&[(2, "out of range")])),
            },
            _ => Err(c.badarg(&[(1, "not a binary")])),
        }
    });
    t.add("binary", "copy", 2, |c, a| {
        match (a[0].as_bytes(), usize_arg(&a[1])) {
            (Some(b), Some(n)) => {
                c.reserve(binary_words(b.len().saturating_mul(n)))?;
                Ok(Term::binary(&b.repeat(n)))
            }
            _ => Err(c.badarg(&[(1, "not a binary")])),
        }
    });
    // errors
    t.add("erlang", "error", 1, |_, a| Err(Raise::error(a[0].clone())));
    t.add("erlang", "error", 2, |_, a| Err(Raise::error(a[0].clone())));
    t.add("erlang", "exit", 1, |_, a| Err(Raise::exit(a[0].clone())));
    t.add("erlang", "throw", 1, |_, a| Err(Raise::throw(a[0].clone())));
    t.add("erlang", "raise", 3, |c, a| {
        let kind = match &a[0] {
            Term::Atom(k) if k.as_str() == "error" => crate::native::Kind::Error,
            Term::Atom(k) if k.as_str() == "exit" => crate::native::Kind::Exit,
            Term::Atom(k) if k.as_str() == "throw" => crate::native::Kind::Throw,
            _ => return Err(c.badarg(&[(1, "not a valid class")])),
        };
        let mut r = Raise::error(a[1].clone());
        r.kind = kind;
        r.stack = a[2].is_list().then(|| a[2].clone());
        Err(r)
    });
    // time and identity
    t.add("erlang", "monotonic_time", 0, |c, _| {
        Ok(Term::Int(c.now_us as i64 * 1000))
    });
    t.add("erlang", "monotonic_time", 1, |c, a| {
        time_in(c, &a[0], c.now_us)
    });
    t.add("erlang", "system_time", 0, |c, _| {
        Ok(Term::Int(c.now_us as i64 * 1000))
    });
    t.add("erlang", "system_time", 1, |c, a| {
        time_in(c, &a[0], c.now_us)
    });
    t.add("erlang", "unique_integer", 0, |c, _| {
        Ok(Term::Int((c.rng.next_u64() >> 2) as i64))
    });
    t.add("erlang", "unique_integer", 1, |c, _| {
        Ok(Term::Int((c.rng.next_u64() >> 34) as i64 + 1))
    });
    t.add("erlang", "phash2", 1, |_, a| {
        Ok(Term::Int(phash2(&a[0], 1 << 27) as i64))
    });
    t.add("erlang", "phash2", 2, |c, a| match usize_arg(&a[1]) {
        Some(r) if r > 0 => Ok(Term::Int(phash2(&a[0], r as u64) as i64)),
        _ => Err(c.badarg(&[(2, "out of range")])),
    });
    t.add("erlang", "fun_info", 2, |c, a| match (&a[0], &a[1]) {
        (Term::Fun(f), Term::Atom(k)) if k.as_str() == "arity" => {
            let n = match &**f {
                beamplay_term::Fun::Export { arity, .. } => *arity,
                beamplay_term::Fun::Closure(cl) => cl.arity,
            };
            Ok(Term::tuple(vec![a[1].clone(), Term::Int(i64::from(n))]))
        }
        (Term::Fun(f), Term::Atom(k)) if k.as_str() == "type" => {
            let kind = match &**f {
                beamplay_term::Fun::Export { .. } => "external",
                beamplay_term::Fun::Closure(_) => "local",
            };
            Ok(Term::tuple(vec![a[1].clone(), c.atom_term(kind)?]))
        }
        _ => Err(c.badarg(&[(1, "not a fun")])),
    });
    t.add("Elixir.Beamplay.Runtime", "type_name", 1, |_, a| {
        Ok(Term::string(a[0].type_name()))
    });
    // Kernel functions implemented natively
    t.add("Elixir.Kernel", "to_string", 1, to_string);
    t.add("Elixir.Kernel", "**", 2, pow);
    t.add("Elixir.Kernel", "to_charlist", 1, |c, a| {
        let s = to_string(c, a)?;
        Ok(charlist(s.as_str().unwrap_or("")))
    });
    t.add("Elixir.IO", "chardata_to_string", 1, chardata_to_string);
    t.add("Elixir.IO", "iodata_to_binary", 1, iolist_to_binary);
    t.add("unicode", "characters_to_binary", 1, chardata_to_string);
    t.add("unicode", "characters_to_list", 1, |c, a| {
        match text_of(&a[0]) {
            Some(s) => Ok(charlist(&s)),
            None => Err(c.badarg(&[(1, "not valid chardata")])),
        }
    });
    t.add("Elixir.Atom", "to_string", 1, |c, a| {
        atom_to_text(c, &a[0]).map(|s| Term::string(&s))
    });
    t.add("Elixir.Atom", "to_charlist", 1, |c, a| {
        atom_to_text(c, &a[0]).map(|s| charlist(&s))
    });
    t.add("rand", "uniform", 0, |c, _| {
        Ok(Term::Float(
            (c.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64,
        ))
    });
    t.add("rand", "uniform", 1, |c, a| match &a[0] {
        Term::Int(n) if *n >= 1 => Ok(Term::Int(c.rng.uniform(*n as u64) as i64)),
        _ => Err(c.function_clause("rand", "uniform", 1)),
    });
    // :math
    t.add("math", "pi", 0, |_, _| {
        Ok(Term::Float(std::f64::consts::PI))
    });
    t.add("math", "sqrt", 1, |c, a| math1(c, a, f64::sqrt));
    t.add("math", "exp", 1, |c, a| math1(c, a, f64::exp));
    t.add("math", "log", 1, |c, a| math1(c, a, f64::ln));
    t.add("math", "log2", 1, |c, a| math1(c, a, f64::log2));
    t.add("math", "log10", 1, |c, a| math1(c, a, f64::log10));
    t.add("math", "sin", 1, |c, a| math1(c, a, f64::sin));
    t.add("math", "cos", 1, |c, a| math1(c, a, f64::cos));
    t.add("math", "tan", 1, |c, a| math1(c, a, f64::tan));
    t.add("math", "atan", 1, |c, a| math1(c, a, f64::atan));
    t.add("math", "floor", 1, |c, a| math1(c, a, f64::floor));
    t.add("math", "ceil", 1, |c, a| math1(c, a, f64::ceil));
    t.add("math", "pow", 2, |c, a| {
        match (to_f64(&a[0]), to_f64(&a[1])) {
            (Some(x), Some(y)) if x.powf(y).is_finite() => Ok(Term::Float(x.powf(y))),
            _ => Err(c.badarith()),
        }
    });
    t.add("math", "fmod", 2, |c, a| {
        match (to_f64(&a[0]), to_f64(&a[1])) {
            (Some(x), Some(y)) if y != 0.0 => Ok(Term::Float(x % y)),
            _ => Err(c.badarith()),
        }
    });
    t.add("Elixir.Integer", "mod", 2, |c, a| {
        let r = int_div(c, &a[0], &a[1], true)?;
        match (Int::of(&r), Int::of(&a[1])) {
            (Some(r), Some(d)) => {
                let (r, d) = (r.to_big(), d.to_big());
                Ok(int_from_bigint(
                    if !r.is_zero() && (r.is_negative() != d.is_negative()) {
                        r + d
                    } else {
                        r
                    },
                ))
            }
            _ => Err(c.badarith()),
        }
    });
    t.add("Elixir.Integer", "floor_div", 2, |c, a| {
        match (Int::of(&a[0]), Int::of(&a[1])) {
            (Some(x), Some(y)) if !y.to_big().is_zero() => {
                Ok(int_from_bigint(x.to_big().div_floor(&y.to_big())))
            }
            _ => Err(c.badarith()),
        }
    });
    t.add("Elixir.Integer", "gcd", 2, |c, a| {
        match (Int::of(&a[0]), Int::of(&a[1])) {
            (Some(x), Some(y)) => Ok(int_from_bigint(x.to_big().gcd(&y.to_big()))),
            _ => Err(c.function_clause("Elixir.Integer", "gcd", 2)),
        }
    });
    t.add("Elixir.Integer", "pow", 2, pow);
}

fn time_in(c: &mut Ctx<'_>, unit: &Term, us: u64) -> NResult {
    let us = us as i64;
    Ok(Term::Int(match unit {
        Term::Atom(u) => match u.as_str() {
            "second" | "seconds" => us / 1_000_000,
            "millisecond" | "milli_seconds" => us / 1000,
            "microsecond" | "micro_seconds" => us,
            "nanosecond" | "nano_seconds" | "native" => us * 1000,
            _ => return Err(c.badarg(&[(1, "invalid time unit")])),
        },
        _ => return Err(c.badarg(&[(1, "invalid time unit")])),
    }))
}

fn bitop(c: &mut Ctx<'_>, a: Argv<'_>, f: fn(BigInt, BigInt) -> BigInt) -> NResult {
    match (Int::of(&a[0]), Int::of(&a[1])) {
        (Some(x), Some(y)) => Ok(int_from_bigint(f(x.to_big(), y.to_big()))),
        _ => Err(c.badarith()),
    }
}

/// Erlang's float syntax: digits, a dot, digits, optional exponent.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, rest) = body.split_once('.')?;
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_end = rest.find(['e', 'E']).unwrap_or(rest.len());
    let frac = &rest[..frac_end];
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    beamplay_term::parse_float(s).filter(|f| f.is_finite())
}
