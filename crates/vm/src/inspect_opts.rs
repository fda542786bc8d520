//! `inspect/2` options from a keyword list.
use beamplay_term::{Base, InspectOpts};
use beamplay_term::{ListIter, Term};

/// The options of `inspect(term, opts)`; `None` when `opts` is not a
/// keyword list. Unknown keys are ignored, as Elixir does.
pub fn from_keyword(opts: &Term) -> Option<InspectOpts> {
    let mut o = InspectOpts::plain();
    for item in ListIter::new(opts) {
        let [Term::Atom(k), v] = item.as_tuple()? else {
            return None;
        };
        match (k.as_str(), v) {
            ("pretty", Term::Atom(b)) => o.pretty = b.as_str() == "true",
            ("width", Term::Int(w)) if *w > 0 => o.width = saturating(*w),
            ("limit", Term::Int(l)) if *l >= 0 => o.limit = Some(saturating(*l)),
            ("limit", Term::Atom(a)) if a.as_str() == "infinity" => o.limit = None,
            ("printable_limit", Term::Int(l)) if *l >= 0 => o.printable_limit = saturating(*l),
            ("charlists", Term::Atom(a)) => o.charlists_as_lists = a.as_str() == "as_lists",
            ("binaries", Term::Atom(a)) => o.binaries_as_binaries = a.as_str() == "as_binaries",
            ("base", Term::Atom(a)) => {
                o.base = match a.as_str() {
                    "hex" => Base::Hex,
                    "binary" => Base::Binary,
                    "octal" => Base::Octal,
                    _ => Base::Decimal,
                }
            }
            _ => {}
        }
    }
    Some(o)
}

/// A non-negative count as a `usize`, the largest where it is larger (a
/// 32-bit wasm's `usize` is narrower than an integer).
fn saturating(n: i64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
