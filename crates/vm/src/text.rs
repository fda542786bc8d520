//! Text from terms and terms from text, shared by the compiler, the
//! natives and the runtime: chardata, charlists, and module names as
//! Elixir writes them in messages.
use beamplay_term::Term;

/// Chardata (binaries, code points, nested lists) as text.
pub fn chardata(t: &Term) -> Option<String> {
    let mut out = Vec::new();
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        match t {
            Term::Binary(_) => out.extend_from_slice(t.as_bytes()?),
            Term::Int(c) => {
                let ch = char::from_u32(u32::try_from(*c).ok()?)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            Term::Nil => {}
            Term::Cons(c) => {
                stack.push(&c.tail);
                stack.push(&c.head);
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

/// A flat list of code points (a charlist, no nesting, no binaries) as
/// text: what `list_to_pid/1` and its kin take.
pub fn chars(t: &Term) -> Option<String> {
    let mut out = String::new();
    let mut rest = t;
    loop {
        match rest {
            Term::Nil => return Some(out),
            Term::Cons(c) => {
                let Term::Int(code) = c.head else {
                    return None;
                };
                out.push(char::from_u32(u32::try_from(code).ok()?)?);
                rest = &c.tail;
            }
            _ => return None,
        }
    }
}

/// Text of a binary or a charlist (chardata) argument.
pub fn text_of(t: &Term) -> Option<String> {
    match t {
        Term::Binary(_) => t.as_str().map(str::to_string),
        _ => chardata(t),
    }
}

/// `s` as a charlist.
pub fn charlist(s: &str) -> Term {
    Term::list(s.chars().map(|c| Term::Int(c as i64)))
}

/// How an atom naming a module prints in messages: `Foo.Bar`, `:lists`.
pub fn alias_text(module: &str) -> String {
    match module.strip_prefix("Elixir.") {
        Some(rest) => rest.to_string(),
        None => beamplay_term::atom_to_inspect(module),
    }
}
