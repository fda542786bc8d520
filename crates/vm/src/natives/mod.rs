//! Natives that need nothing but their arguments (and atoms, clock, RNG).
//! Process natives (spawn, send, links...) live in `procnatives.rs`.
mod erlang;
mod lists;
mod maps;
mod string;

use beamplay_term::{ListIter, Term};

use crate::native::{Ctx, NResult, NativeTable, Raise};

/// Registers every pure native.
pub fn register(t: &mut NativeTable) {
    erlang::register(t);
    lists::register(t);
    maps::register(t);
    string::register(t);
}

/// The elements of a proper list, or `:badarg` naming argument `n`.
pub(crate) fn list_arg(c: &mut Ctx<'_>, t: &Term, n: u8) -> Result<Vec<Term>, Raise> {
    t.to_vec().ok_or_else(|| c.badarg(&[(n, "not a list")]))
}

/// A small non-negative integer argument.
pub(crate) fn usize_arg(t: &Term) -> Option<usize> {
    match t {
        Term::Int(i) if *i >= 0 => usize::try_from(*i).ok(),
        _ => None,
    }
}

/// Text of a binary or a charlist (chardata) argument.
pub(crate) fn text_of(t: &Term) -> Option<String> {
    match t {
        Term::Binary(_) => t.as_str().map(str::to_string),
        _ => crate::console::chardata(t),
    }
}

pub(crate) fn charlist(s: &str) -> Term {
    Term::list(s.chars().map(|c| Term::Int(c as i64)))
}

/// `to_string/1` (String.Chars) for the modules that delegate to it.
pub(crate) fn erlang_to_string(c: &mut Ctx<'_>, a: &[Term]) -> NResult {
    erlang::to_string(c, a)
}

/// Iterates a proper list by reference.
pub(crate) fn iter(t: &Term) -> ListIter<'_> {
    ListIter::new(t)
}
