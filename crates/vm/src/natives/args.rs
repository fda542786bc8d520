//! What the natives share: reading their arguments.
use beamplay_term::{ListIter, Term};

use crate::native::{Ctx, Raise};

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

/// Iterates a proper list by reference.
pub(crate) fn iter(t: &Term) -> ListIter<'_> {
    ListIter::new(t)
}
