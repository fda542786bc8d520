//! `:lists` functions that take no funs (those are prelude Elixir).
use beamplay_term::meter::CONS_WORDS;
use beamplay_term::sort::sort_by;
use beamplay_term::{compare, Term};

use super::args::{iter, list_arg, usize_arg};
use crate::native::{Argv, Ctx, NResult, NativeTable};

fn fc(c: &mut Ctx<'_>, f: &str, arity: u32) -> crate::native::Raise {
    c.function_clause("lists", f, arity)
}

fn keyfind(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let Some(n) = usize_arg(&a[1]).filter(|n| *n >= 1) else {
        return Err(c.badarg(&[(2, "out of range")]));
    };
    for t in iter(&a[2]) {
        if let Term::Tuple(items) = t {
            if items.get(n - 1) == Some(&a[0]) {
                return Ok(t.clone());
            }
        }
    }
    Ok(c.bool(false))
}

fn sort(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let mut v = list_arg(c, &a[0], 1).map_err(|_| fc(c, "sort", 1))?;
    sort_by(&mut v, compare);
    Ok(Term::list(v))
}

fn flatten_into(t: &Term, out: &mut Vec<Term>) {
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        match t {
            Term::Nil => {}
            Term::Cons(cell) => {
                stack.push(&cell.tail);
                if cell.head.is_list() {
                    stack.push(&cell.head);
                } else {
                    out.push(cell.head.clone());
                }
            }
            other => out.push(other.clone()),
        }
    }
}

pub fn register<P: Copy>(t: &mut NativeTable<P>) {
    t.add("lists", "reverse", 1, |c, a| {
        let v = list_arg(c, &a[0], 1)?;
        Ok(Term::list(v.into_iter().rev()))
    });
    t.add("lists", "reverse", 2, |c, a| {
        let v = list_arg(c, &a[0], 1)?;
        Ok(v.into_iter()
            .fold(a[1].clone(), |acc, x| Term::cons(x, acc)))
    });
    t.add("lists", "seq", 2, |c, a| {
        seq(c, &a[0], &a[1], &Term::Int(1))
    });
    t.add("lists", "seq", 3, |c, a| seq(c, &a[0], &a[1], &a[2]));
    t.add("lists", "keyfind", 3, keyfind);
    t.add("lists", "keymember", 3, |c, a| {
        let r = keyfind(c, a)?;
        Ok(c.bool(!r.is_atom("false")))
    });
    t.add("lists", "keydelete", 3, |c, a| {
        let n = usize_arg(&a[1]).unwrap_or(1);
        let mut out = Vec::new();
        let mut done = false;
        for x in list_arg(c, &a[2], 3)? {
            let hit =
                !done && matches!(&x, Term::Tuple(i) if i.get(n.wrapping_sub(1)) == Some(&a[0]));
            if hit {
                done = true;
            } else {
                out.push(x);
            }
        }
        Ok(Term::list(out))
    });
    t.add("lists", "keystore", 4, |c, a| {
        let n = usize_arg(&a[1]).unwrap_or(1);
        let mut out = list_arg(c, &a[2], 3)?;
        match out
            .iter()
            .position(|x| matches!(x, Term::Tuple(i) if i.get(n.wrapping_sub(1)) == Some(&a[0])))
        {
            Some(p) => out[p] = a[3].clone(),
            None => out.push(a[3].clone()),
        }
        Ok(Term::list(out))
    });
    t.add("lists", "keyreplace", 4, |c, a| {
        let n = usize_arg(&a[1]).unwrap_or(1);
        let mut out = list_arg(c, &a[2], 3)?;
        if let Some(p) = out
            .iter()
            .position(|x| matches!(x, Term::Tuple(i) if i.get(n.wrapping_sub(1)) == Some(&a[0])))
        {
            out[p] = a[3].clone();
        }
        Ok(Term::list(out))
    });
    t.add("lists", "keysort", 2, |c, a| {
        let n = usize_arg(&a[0]).unwrap_or(1);
        let mut v = list_arg(c, &a[1], 2)?;
        sort_by(&mut v, |x, y| {
            let kx = x.as_tuple().and_then(|t| t.get(n.wrapping_sub(1)));
            let ky = y.as_tuple().and_then(|t| t.get(n.wrapping_sub(1)));
            match (kx, ky) {
                (Some(x), Some(y)) => compare(x, y),
                _ => std::cmp::Ordering::Equal,
            }
        });
        Ok(Term::list(v))
    });
    t.add("lists", "member", 2, |c, a| {
        let found = iter(&a[1]).any(|x| *x == a[0]);
        Ok(c.bool(found))
    });
    t.add("lists", "sort", 1, sort);
    t.add("lists", "usort", 1, |c, a| {
        let mut v = list_arg(c, &a[0], 1)?;
        sort_by(&mut v, compare);
        v.dedup_by(|x, y| x == y);
        Ok(Term::list(v))
    });
    t.add("lists", "append", 2, |c, a| {
        let v = list_arg(c, &a[0], 1)?;
        Ok(Term::list_with_tail(v, a[1].clone()))
    });
    t.add("lists", "append", 1, |c, a| {
        let mut out = Vec::new();
        for l in list_arg(c, &a[0], 1)? {
            out.extend(list_arg(c, &l, 1)?);
        }
        Ok(Term::list(out))
    });
    t.add("lists", "flatten", 1, |_, a| {
        let mut out = Vec::new();
        flatten_into(&a[0], &mut out);
        Ok(Term::list(out))
    });
    t.add("lists", "flatten", 2, |_, a| {
        let mut out = Vec::new();
        flatten_into(&a[0], &mut out);
        Ok(Term::list_with_tail(out, a[1].clone()))
    });
    t.add("lists", "nth", 2, |c, a| {
        let v = list_arg(c, &a[1], 2)?;
        match usize_arg(&a[0])
            .filter(|n| *n >= 1)
            .and_then(|n| v.get(n - 1))
        {
            Some(x) => Ok(x.clone()),
            None => Err(fc(c, "nth", 2)),
        }
    });
    t.add("lists", "nthtail", 2, |c, a| {
        let mut cur = a[1].clone();
        for _ in 0..usize_arg(&a[0]).unwrap_or(0) {
            cur = match &cur {
                Term::Cons(cell) => cell.tail.clone(),
                _ => return Err(fc(c, "nthtail", 2)),
            };
        }
        Ok(cur)
    });
    t.add("lists", "last", 1, |c, a| {
        match list_arg(c, &a[0], 1)?.pop() {
            Some(x) => Ok(x),
            None => Err(fc(c, "last", 1)),
        }
    });
    t.add("lists", "sum", 1, |c, a| {
        let mut acc = Term::Int(0);
        let mut list = &a[0];
        while let Term::Cons(cell) = list {
            // small integers inline, the rest (bignums, floats, errors) by `arith`
            let small = match (&acc, &cell.head) {
                (Term::Int(x), Term::Int(y)) => x.checked_add(*y),
                _ => None,
            };
            acc = match small {
                Some(v) => Term::Int(v),
                None => crate::ops::arith(c, crate::code::ArithOp::Add, &acc, &cell.head)?,
            };
            list = &cell.tail;
        }
        match list {
            Term::Nil => Ok(acc),
            _ => Err(c.badarg(&[(1, "not a list")])),
        }
    });
    t.add("lists", "max", 1, |c, a| {
        let v = list_arg(c, &a[0], 1)?;
        v.into_iter()
            .reduce(|m, x| if compare(&x, &m).is_gt() { x } else { m })
            .ok_or_else(|| fc(c, "max", 1))
    });
    t.add("lists", "min", 1, |c, a| {
        let v = list_arg(c, &a[0], 1)?;
        v.into_iter()
            .reduce(|m, x| if compare(&x, &m).is_lt() { x } else { m })
            .ok_or_else(|| fc(c, "min", 1))
    });
    t.add("lists", "duplicate", 2, |c, a| match usize_arg(&a[0]) {
        Some(n) => {
            c.reserve(n.saturating_mul(CONS_WORDS))?;
            Ok(Term::list(std::iter::repeat_n(a[1].clone(), n)))
        }
        _ => Err(fc(c, "duplicate", 2)),
    });
    t.add("lists", "delete", 2, |c, a| {
        let mut v = list_arg(c, &a[1], 2)?;
        if let Some(p) = v.iter().position(|x| *x == a[0]) {
            v.remove(p);
        }
        Ok(Term::list(v))
    });
    t.add("lists", "zip", 2, |c, a| {
        let (x, y) = (list_arg(c, &a[0], 1)?, list_arg(c, &a[1], 2)?);
        if x.len() != y.len() {
            return Err(fc(c, "zip", 2));
        }
        Ok(Term::list(
            x.into_iter().zip(y).map(|(p, q)| Term::tuple(vec![p, q])),
        ))
    });
    t.add("lists", "unzip", 1, |c, a| {
        let (mut l, mut r) = (Vec::new(), Vec::new());
        for x in list_arg(c, &a[0], 1)? {
            match x.as_tuple() {
                Some([p, q]) => {
                    l.push(p.clone());
                    r.push(q.clone());
                }
                _ => return Err(fc(c, "unzip", 1)),
            }
        }
        Ok(Term::tuple(vec![Term::list(l), Term::list(r)]))
    });
    t.add("lists", "sublist", 2, |c, a| {
        let v = list_arg(c, &a[0], 1)?;
        let n = usize_arg(&a[1]).ok_or_else(|| fc(c, "sublist", 2))?;
        Ok(Term::list(v.into_iter().take(n)))
    });
    t.add("lists", "sublist", 3, |c, a| {
        let v = list_arg(c, &a[0], 1)?;
        let (Some(s), Some(n)) = (usize_arg(&a[1]).filter(|s| *s >= 1), usize_arg(&a[2])) else {
            return Err(fc(c, "sublist", 3));
        };
        Ok(Term::list(v.into_iter().skip(s - 1).take(n)))
    });
    t.add("lists", "split", 2, |c, a| {
        let mut v = list_arg(c, &a[1], 2)?;
        match usize_arg(&a[0]).filter(|n| *n <= v.len()) {
            Some(n) => {
                let rest = v.split_off(n);
                Ok(Term::tuple(vec![Term::list(v), Term::list(rest)]))
            }
            None => Err(c.badarg_plain()),
        }
    });
    t.add("lists", "concat", 1, |c, a| {
        let mut s = String::new();
        for x in list_arg(c, &a[0], 1)? {
            match &x {
                Term::Atom(at) => s.push_str(at.as_str()),
                Term::Int(i) => s.push_str(&i.to_string()),
                other => s.push_str(&crate::text::chardata(other).unwrap_or_default()),
            }
        }
        Ok(crate::text::charlist(&s))
    });
}

fn seq(c: &mut Ctx<'_>, from: &Term, to: &Term, step: &Term) -> NResult {
    let (Term::Int(f), Term::Int(t), Term::Int(s)) = (from, to, step) else {
        return Err(c.function_clause("lists", "seq", 3));
    };
    let (f, t, s) = (*f, *t, *s);
    if s == 0 || (s > 0 && t < f - s) || (s < 0 && t > f - s) {
        return Err(c.function_clause("lists", "seq", 3));
    }
    let count = if s > 0 {
        (t - f) / s + 1
    } else {
        (f - t) / (-s) + 1
    };
    c.reserve(
        usize::try_from(count)
            .unwrap_or(usize::MAX)
            .saturating_mul(CONS_WORDS),
    )?;
    Ok(Term::list((0..count.max(0)).map(|i| Term::Int(f + i * s))))
}
