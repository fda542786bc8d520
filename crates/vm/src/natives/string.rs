//! String, Integer, Float and List conversions, as Elixir 1.14 defines
//! them; a wrong argument raises what Elixir's own code raises (often a
//! FunctionClauseError naming the full arity).
use beamplay_term::meter::binary_words;
use beamplay_term::{int_from_bigint, parse_float, Decimal, Int, Rounding, Term};
use num_bigint::BigInt;
use unicode_segmentation::UnicodeSegmentation;

use super::args::{iter, usize_arg};
use crate::native::{Argv, Ctx, NResult, NativeTable, Raise};
use crate::text::charlist;

const S: &str = "Elixir.String";

fn fc(c: &mut Ctx<'_>, module: &str, f: &str, arity: u32) -> Raise {
    c.function_clause(module, f, arity)
}

/// The string argument, or a FunctionClauseError naming `f/arity`.
fn s<'t>(c: &mut Ctx<'_>, t: &'t Term, f: &str, arity: u32) -> Result<&'t str, Raise> {
    t.as_str().ok_or_else(|| fc(c, S, f, arity))
}

fn bin(s: &str) -> Term {
    Term::string(s)
}

/// Longest result a string function may build (bytes).
const MAX_STRING: usize = 64 * 1024 * 1024;

fn kw_bool(opts: &Term, key: &str) -> Option<bool> {
    iter(opts).find_map(|o| match o.as_tuple() {
        Some([k, v]) if k.is_atom(key) => Some(v.is_atom("true")),
        _ => None,
    })
}

fn kw_int(opts: &Term, key: &str) -> Option<i64> {
    iter(opts).find_map(|o| match o.as_tuple() {
        Some([k, Term::Int(v)]) if k.is_atom(key) => Some(*v),
        _ => None,
    })
}

/// Patterns: a string or a list of strings.
fn patterns(t: &Term) -> Option<Vec<String>> {
    match t {
        Term::Binary(_) => t.as_str().map(|s| vec![s.to_string()]),
        Term::Nil | Term::Cons(_) => iter(t).map(|p| p.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

fn split(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let text = s(c, &a[0], "split", 3)?;
    let Some(pats) = patterns(&a[1]) else {
        return Err(fc(c, S, "split", 3));
    };
    let opts = a.get(2).cloned().unwrap_or(Term::Nil);
    let parts = kw_int(&opts, "parts")
        .filter(|p| *p > 0)
        .map(|p| p as usize);
    let trim = kw_bool(&opts, "trim").unwrap_or(false);
    let mut out: Vec<String> = Vec::new();
    if pats.iter().any(|p| p.is_empty()) {
        // "abc" split on "" is ["", "a", "b", "c", ""]
        let mut v = vec![String::new()];
        v.extend(text.graphemes(true).map(str::to_string));
        v.push(String::new());
        out = v;
    } else {
        let mut rest = text;
        loop {
            if parts.is_some_and(|p| out.len() + 1 >= p) {
                out.push(rest.to_string());
                break;
            }
            let next = pats
                .iter()
                .filter_map(|p| rest.find(p.as_str()).map(|i| (i, p.len())))
                .min();
            match next {
                Some((i, len)) => {
                    out.push(rest[..i].to_string());
                    rest = &rest[i + len..];
                }
                None => {
                    out.push(rest.to_string());
                    break;
                }
            }
        }
    }
    if trim {
        out.retain(|x| !x.is_empty());
    }
    Ok(Term::list(out.iter().map(|x| bin(x))))
}

fn replace(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let text = s(c, &a[0], "replace", 4)?;
    let Some(pats) = patterns(&a[1]) else {
        return Err(fc(c, S, "replace", 4));
    };
    let Some(with) = a[2].as_str() else {
        return Err(fc(c, S, "replace", 4));
    };
    let global = a.get(3).and_then(|o| kw_bool(o, "global")).unwrap_or(true);
    let mut out = String::new();
    let mut rest = text;
    loop {
        let next = pats
            .iter()
            .filter(|p| !p.is_empty())
            .filter_map(|p| rest.find(p.as_str()).map(|i| (i, p.len())))
            .min();
        match next {
            Some((i, len)) => {
                out.push_str(&rest[..i]);
                out.push_str(with);
                rest = &rest[i + len..];
                if out.len() > MAX_STRING {
                    return Err(Raise::error(c.known("system_limit")));
                }
                if !global {
                    out.push_str(rest);
                    break;
                }
            }
            None => {
                out.push_str(rest);
                break;
            }
        }
    }
    Ok(bin(&out))
}

fn slice(text: &str, start: i64, len: i64) -> String {
    let g: Vec<&str> = text.graphemes(true).collect();
    let n = g.len() as i64;
    let start = if start < 0 { (n + start).max(0) } else { start };
    if start >= n || len <= 0 {
        return String::new();
    }
    let end = (start + len).min(n);
    g[start as usize..end as usize].concat()
}

fn range_parts(t: &Term) -> Option<(i64, i64, i64)> {
    let Term::Map(m) = t else { return None };
    let get = |k: &str| {
        m.entries
            .iter()
            .find(|(key, _)| key.is_atom(k))
            .map(|(_, v)| v)
    };
    match (get("first"), get("last"), get("step")) {
        (Some(Term::Int(f)), Some(Term::Int(l)), Some(Term::Int(s))) => Some((*f, *l, *s)),
        _ => None,
    }
}

fn pad(c: &mut Ctx<'_>, a: Argv<'_>, leading: bool) -> NResult {
    let f = if leading {
        "pad_leading"
    } else {
        "pad_trailing"
    };
    let text = s(c, &a[0], f, 3)?;
    let Some(count) = usize_arg(&a[1]) else {
        return Err(fc(c, S, f, 3));
    };
    let padding = match a.get(2) {
        Some(p) => p.as_str().ok_or_else(|| fc(c, S, f, 3))?.to_string(),
        None => " ".to_string(),
    };
    let len = text.graphemes(true).count();
    if count <= len || padding.is_empty() {
        return Ok(bin(text));
    }
    c.reserve(binary_words(count.saturating_mul(padding.len())))?;
    let fill: String = padding.graphemes(true).cycle().take(count - len).collect();
    Ok(bin(&if leading {
        fill + text
    } else {
        text.to_string() + &fill
    }))
}

fn trim_with(c: &mut Ctx<'_>, a: Argv<'_>, f: &str, which: u8) -> NResult {
    let text = s(c, &a[0], f, 2)?;
    let out = match a.get(1) {
        Some(p) => {
            let p = p.as_str().ok_or_else(|| fc(c, S, f, 2))?;
            let mut t = text;
            if p.is_empty() {
                t
            } else {
                if which & 1 != 0 {
                    while let Some(r) = t.strip_prefix(p) {
                        t = r;
                    }
                }
                if which & 2 != 0 {
                    while let Some(r) = t.strip_suffix(p) {
                        t = r;
                    }
                }
                t
            }
        }
        None => match which {
            1 => text.trim_start(),
            2 => text.trim_end(),
            _ => text.trim(),
        },
    };
    Ok(bin(out))
}

fn int_parse(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let Some(text) = a[0].as_str() else {
        return Err(fc(c, "Elixir.Integer", "parse", 2));
    };
    let radix = match a.get(1) {
        Some(Term::Int(r)) if (2..=36).contains(r) => *r as u32,
        Some(_) => return Err(fc(c, "Elixir.Integer", "parse", 2)),
        None => 10,
    };
    let (sign, body) = match text.as_bytes().first() {
        Some(b'-') => ("-", &text[1..]),
        Some(b'+') => ("", &text[1..]),
        _ => ("", text),
    };
    let digits: String = body.chars().take_while(|ch| ch.is_digit(radix)).collect();
    if digits.is_empty() {
        return Ok(c.known("error"));
    }
    let rest = &body[digits.len()..];
    let Some(v) = BigInt::parse_bytes(format!("{sign}{digits}").as_bytes(), radix) else {
        return Ok(c.known("error"));
    };
    Ok(Term::tuple(vec![int_from_bigint(v), bin(rest)]))
}

fn float_parse(c: &mut Ctx<'_>, a: Argv<'_>) -> NResult {
    let Some(text) = a[0].as_str() else {
        return Err(fc(c, "Elixir.Float", "parse", 1));
    };
    // the longest prefix that is a float: digits[.digits][e[+-]digits]
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let start_digits = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == start_digits {
        return Ok(c.known("error"));
    }
    let mut end = i;
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        end = i;
    }
    if end < b.len() && matches!(b[end], b'e' | b'E') {
        let mut j = end + 1;
        if j < b.len() && matches!(b[j], b'+' | b'-') {
            j += 1;
        }
        let ds = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > ds {
            end = j;
        }
    }
    match parse_float(&text[..end]) {
        Some(f) if f.is_finite() => Ok(Term::tuple(vec![Term::Float(f), bin(&text[end..])])),
        _ => Ok(c.known("error")),
    }
}

fn capitalize(text: &str) -> String {
    let mut g = text.graphemes(true);
    match g.next() {
        Some(first) => first.to_uppercase() + &g.as_str().to_lowercase(),
        None => String::new(),
    }
}

pub fn register<P: Copy>(t: &mut NativeTable<P>) {
    t.add(S, "length", 1, |c, a| {
        Ok(Term::Int(
            s(c, &a[0], "length", 1)?.graphemes(true).count() as i64
        ))
    });
    t.add(S, "upcase", 1, |c, a| {
        Ok(bin(&s(c, &a[0], "upcase", 2)?.to_uppercase()))
    });
    t.add(S, "upcase", 2, |c, a| {
        Ok(bin(&s(c, &a[0], "upcase", 2)?.to_uppercase()))
    });
    t.add(S, "downcase", 1, |c, a| {
        Ok(bin(&s(c, &a[0], "downcase", 2)?.to_lowercase()))
    });
    t.add(S, "downcase", 2, |c, a| {
        Ok(bin(&s(c, &a[0], "downcase", 2)?.to_lowercase()))
    });
    t.add(S, "capitalize", 1, |c, a| {
        Ok(bin(&capitalize(s(c, &a[0], "capitalize", 2)?)))
    });
    t.add(S, "capitalize", 2, |c, a| {
        Ok(bin(&capitalize(s(c, &a[0], "capitalize", 2)?)))
    });
    t.add(S, "trim", 1, |c, a| trim_with(c, a, "trim", 3));
    t.add(S, "trim", 2, |c, a| trim_with(c, a, "trim", 3));
    t.add(S, "trim_leading", 1, |c, a| {
        trim_with(c, a, "trim_leading", 1)
    });
    t.add(S, "trim_leading", 2, |c, a| {
        trim_with(c, a, "trim_leading", 1)
    });
    t.add(S, "trim_trailing", 1, |c, a| {
        trim_with(c, a, "trim_trailing", 2)
    });
    t.add(S, "trim_trailing", 2, |c, a| {
        trim_with(c, a, "trim_trailing", 2)
    });
    t.add(S, "split", 1, |c, a| match a[0].as_str() {
        Some(text) => Ok(Term::list(text.split_whitespace().map(bin))),
        None => Err(c.badarg(&[(1, "not a binary")])),
    });
    t.add(S, "split", 2, split);
    t.add(S, "split", 3, split);
    t.add(S, "replace", 3, replace);
    t.add(S, "replace", 4, replace);
    t.add(S, "contains?", 2, |c, a| {
        let text = s(c, &a[0], "contains?", 2)?;
        let Some(p) = patterns(&a[1]) else {
            return Err(fc(c, S, "contains?", 2));
        };
        let r = p.iter().any(|p| text.contains(p.as_str()));
        Ok(c.bool(r))
    });
    t.add(S, "starts_with?", 2, |c, a| {
        let text = s(c, &a[0], "starts_with?", 2)?;
        let Some(p) = patterns(&a[1]) else {
            return Err(fc(c, S, "starts_with?", 2));
        };
        let r = p.iter().any(|p| text.starts_with(p.as_str()));
        Ok(c.bool(r))
    });
    t.add(S, "ends_with?", 2, |c, a| {
        let text = s(c, &a[0], "ends_with?", 2)?;
        let Some(p) = patterns(&a[1]) else {
            return Err(fc(c, S, "ends_with?", 2));
        };
        let r = p.iter().any(|p| text.ends_with(p.as_str()));
        Ok(c.bool(r))
    });
    t.add(S, "reverse", 1, |c, a| {
        Ok(bin(&s(c, &a[0], "reverse", 1)?
            .graphemes(true)
            .rev()
            .collect::<String>()))
    });
    t.add(S, "duplicate", 2, |c, a| {
        let text = s(c, &a[0], "duplicate", 2)?;
        match usize_arg(&a[1]) {
            Some(n) => {
                c.reserve(binary_words(text.len().saturating_mul(n)))?;
                Ok(bin(&text.repeat(n)))
            }
            None => Err(fc(c, S, "duplicate", 2)),
        }
    });
    t.add(S, "slice", 2, |c, a| {
        let text = s(c, &a[0], "slice", 2)?;
        match range_parts(&a[1]) {
            Some((f, l, _)) => {
                let n = text.graphemes(true).count() as i64;
                let f2 = if f < 0 { n + f } else { f };
                let l2 = if l < 0 { n + l } else { l };
                Ok(bin(&slice(text, f2.max(0), l2 - f2.max(0) + 1)))
            }
            None => Err(fc(c, S, "slice", 2)),
        }
    });
    t.add(S, "slice", 3, |c, a| {
        let text = s(c, &a[0], "slice", 3)?;
        match (&a[1], &a[2]) {
            (Term::Int(st), Term::Int(len)) if *len >= 0 => Ok(bin(&slice(text, *st, *len))),
            _ => Err(fc(c, S, "slice", 3)),
        }
    });
    t.add(S, "at", 2, |c, a| {
        let text = s(c, &a[0], "at", 2)?;
        let Term::Int(i) = a[1] else {
            return Err(fc(c, S, "at", 2));
        };
        let g: Vec<&str> = text.graphemes(true).collect();
        let idx = if i < 0 { g.len() as i64 + i } else { i };
        Ok(match usize::try_from(idx).ok().and_then(|i| g.get(i)) {
            Some(x) => bin(x),
            None => c.known("nil"),
        })
    });
    t.add(S, "first", 1, |c, a| {
        Ok(s(c, &a[0], "first", 1)?
            .graphemes(true)
            .next()
            .map(bin)
            .unwrap_or_else(|| c.known("nil")))
    });
    t.add(S, "last", 1, |c, a| {
        Ok(s(c, &a[0], "last", 1)?
            .graphemes(true)
            .next_back()
            .map(bin)
            .unwrap_or_else(|| c.known("nil")))
    });
    t.add(S, "graphemes", 1, |c, a| {
        Ok(Term::list(
            s(c, &a[0], "graphemes", 1)?.graphemes(true).map(bin),
        ))
    });
    t.add(S, "codepoints", 1, |c, a| {
        let text = s(c, &a[0], "codepoints", 1)?;
        Ok(Term::list(
            text.chars().map(|ch| bin(ch.encode_utf8(&mut [0u8; 4]))),
        ))
    });
    t.add(S, "split_at", 2, |c, a| {
        let text = s(c, &a[0], "split_at", 2)?;
        let Term::Int(i) = a[1] else {
            return Err(fc(c, S, "split_at", 2));
        };
        let g: Vec<&str> = text.graphemes(true).collect();
        let n = g.len() as i64;
        let at = if i < 0 { (n + i).max(0) } else { i.min(n) } as usize;
        Ok(Term::tuple(vec![
            bin(&g[..at].concat()),
            bin(&g[at..].concat()),
        ]))
    });
    t.add(S, "pad_leading", 2, |c, a| pad(c, a, true));
    t.add(S, "pad_leading", 3, |c, a| pad(c, a, true));
    t.add(S, "pad_trailing", 2, |c, a| pad(c, a, false));
    t.add(S, "pad_trailing", 3, |c, a| pad(c, a, false));
    t.add(S, "to_integer", 1, |c, a| match a[0].as_str() {
        Some(text) => {
            match BigInt::parse_bytes(text.strip_prefix('+').unwrap_or(text).as_bytes(), 10) {
                Some(v) if !text.is_empty() => Ok(int_from_bigint(v)),
                _ => Err(c.badarg(&[(1, "not a textual representation of an integer")])),
            }
        }
        None => Err(c.badarg(&[(1, "not a binary")])),
    });
    t.add(S, "to_integer", 2, |c, a| match (a[0].as_str(), &a[1]) {
        (Some(text), Term::Int(r)) if (2..=36).contains(r) => {
            match BigInt::parse_bytes(text.as_bytes(), *r as u32) {
                Some(v) => Ok(int_from_bigint(v)),
                None => Err(c.badarg(&[(1, "not a textual representation of an integer")])),
            }
        }
        _ => Err(c.badarg(&[(1, "not a binary")])),
    });
    t.add(S, "to_float", 1, |c, a| {
        match a[0].as_str().and_then(super::erlang::parse_float) {
            Some(f) => Ok(Term::Float(f)),
            None => Err(c.badarg(&[(1, "not a textual representation of a float")])),
        }
    });
    t.add(S, "to_atom", 1, |c, a| match a[0].as_str() {
        Some(text) => c.atom_term(text),
        None => Err(c.badarg(&[(1, "not a binary")])),
    });
    t.add(S, "to_existing_atom", 1, |c, a| {
        match a[0].as_str().map(|t| c.atoms.existing(t)) {
            Some(Some(at)) => Ok(Term::Atom(at)),
            Some(None) => Err(c.badarg(&[(1, "not an already existing atom")])),
            None => Err(c.badarg(&[(1, "not a binary")])),
        }
    });
    t.add(S, "to_charlist", 1, |c, a| {
        Ok(charlist(s(c, &a[0], "to_charlist", 1)?))
    });
    t.add(S, "printable?", 1, |c, a| {
        let r = a[0].as_str().is_some_and(|t| {
            t.chars()
                .all(|ch| !ch.is_control() || "\n\r\t\u{b}\u{8}\u{c}\u{1b}\u{7}".contains(ch))
        });
        Ok(c.bool(r))
    });
    t.add(S, "printable?", 2, |c, a| {
        let r = a[0].as_str().is_some_and(|t| {
            t.chars()
                .all(|ch| !ch.is_control() || "\n\r\t\u{b}\u{8}\u{c}\u{1b}\u{7}".contains(ch))
        });
        Ok(c.bool(r))
    });
    t.add(S, "valid?", 1, |c, a| {
        let r = a[0].as_str().is_some();
        Ok(c.bool(r))
    });
    t.add(S, "to_string", 1, super::erlang::to_string);
    // Integer and Float
    t.add("Elixir.Integer", "parse", 1, int_parse);
    t.add("Elixir.Integer", "parse", 2, int_parse);
    t.add("Elixir.Integer", "to_string", 1, |c, a| {
        match Int::of(&a[0]) {
            Some(i) => Ok(bin(&i.to_big().to_string())),
            None => Err(c.badarg(&[(1, "not an integer")])),
        }
    });
    t.add("Elixir.Integer", "to_string", 2, |c, a| {
        match (Int::of(&a[0]), &a[1]) {
            (Some(i), Term::Int(r)) if (2..=36).contains(r) => {
                Ok(bin(&i.to_big().to_str_radix(*r as u32).to_uppercase()))
            }
            _ => Err(c.badarg(&[(1, "not an integer")])),
        }
    });
    t.add("Elixir.Integer", "to_charlist", 1, |c, a| {
        match Int::of(&a[0]) {
            Some(i) => Ok(charlist(&i.to_big().to_string())),
            None => Err(c.badarg(&[(1, "not an integer")])),
        }
    });
    t.add("Elixir.Integer", "digits", 1, |c, a| match Int::of(&a[0]) {
        Some(i) => Ok(Term::list(
            i.to_big()
                .to_string()
                .trim_start_matches('-')
                .chars()
                .map(|d| Term::Int(i64::from(d.to_digit(10).unwrap_or(0)))),
        )),
        None => Err(fc(c, "Elixir.Integer", "digits", 2)),
    });
    t.add("Elixir.Integer", "undigits", 1, |c, a| {
        let mut acc = BigInt::from(0);
        for d in iter(&a[0]) {
            let Term::Int(d) = d else {
                return Err(fc(c, "Elixir.Integer", "undigits", 2));
            };
            acc = acc * 10 + d;
        }
        Ok(int_from_bigint(acc))
    });
    t.add("Elixir.Float", "parse", 1, float_parse);
    t.add("Elixir.Float", "to_string", 1, |c, a| match &a[0] {
        Term::Float(f) => Ok(bin(&beamplay_term::float_to_string(*f))),
        _ => Err(fc(c, "Elixir.Float", "to_string", 1)),
    });
    for arity in [1, 2] {
        t.add("Elixir.Float", "round", arity, |c, a| {
            float_rounded(c, a, "round")
        });
        t.add("Elixir.Float", "floor", arity, |c, a| {
            float_rounded(c, a, "floor")
        });
        t.add("Elixir.Float", "ceil", arity, |c, a| {
            float_rounded(c, a, "ceil")
        });
    }
    t.add("Elixir.List", "to_string", 1, super::erlang::to_string);
    t.add(
        "Elixir.List",
        "to_atom",
        1,
        |c, a| match crate::text::chardata(&a[0]) {
            Some(text) if a[0].is_list() => c.atom_term(&text),
            _ => Err(c.badarg(&[(1, "not a list")])),
        },
    );
    t.add(
        "Elixir.List",
        "to_integer",
        1,
        |c, a| match crate::text::chardata(&a[0])
            .and_then(|t| BigInt::parse_bytes(t.as_bytes(), 10))
        {
            Some(v) => Ok(int_from_bigint(v)),
            None => Err(c.badarg(&[(1, "not a textual representation of an integer")])),
        },
    );
    t.add("Elixir.List", "to_tuple", 1, |c, a| match a[0].to_vec() {
        Some(v) => Ok(Term::tuple(v)),
        None => Err(c.badarg(&[(1, "not a list")])),
    });
}

/// `Float.round/1,2`, `floor/1,2` or `ceil/1,2` (`name`), with the
/// precision when `a` has two arguments. At 0 places the float is rounded
/// whole (round's result is never -0.0: `:erlang.round` gives an integer);
/// else at `places` decimals on the exact decimal value of the float
/// (2.675 is 2.67499... in binary, and 0.1 a little above 0.1).
fn float_rounded(c: &mut Ctx<'_>, a: Argv<'_>, name: &'static str) -> NResult {
    let (f, places) = match (a.first(), a.get(1)) {
        (Some(Term::Float(f)), None) => (*f, 0),
        (Some(Term::Float(f)), Some(Term::Int(p))) if (0..=15).contains(p) => (*f, *p as i32),
        // the message interpolates the precision (a tuple raises there)
        (Some(Term::Float(_)), Some(p)) => {
            let shown = super::erlang::to_string(c, Argv(std::slice::from_ref(p)))?;
            let text = shown.as_str().unwrap_or_default();
            return Err(
                c.argument_error(&format!("precision {text} is out of valid range of 0..15"))
            );
        }
        _ => return Err(fc(c, "Elixir.Float", name, 2)),
    };
    // the way the magnitude goes for a positive float; floor's and ceil's
    // flip for a negative one
    let (away, whole): (Rounding, fn(f64) -> f64) = match name {
        "floor" => (Rounding::Down, f64::floor),
        "ceil" => (Rounding::Up, f64::ceil),
        _ => (Rounding::HalfUp, |f: f64| f.round() + 0.0),
    };
    if places == 0 {
        return Ok(Term::Float(whole(f)));
    }
    if f == 0.0 {
        return Ok(Term::Float(f));
    }
    let negative = f.is_sign_negative();
    let how = match (away, negative) {
        (Rounding::Up, true) => Rounding::Down,
        (Rounding::Down, true) => Rounding::Up,
        (how, _) => how,
    };
    let r = Decimal::exact(f).round_places(places, how).to_f64();
    Ok(Term::Float(if negative && r != 0.0 { -r } else { r }))
}
