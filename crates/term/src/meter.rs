//! The allocation meter and heap measurement behind the per-process heap
//! limit.
//!
//! Term constructors charge the words they allocate to a per-thread meter.
//! The interpreter arms the meter for one process at the start of each
//! slice with two amounts: the `soft` room (allocation after which it
//! measures the process's live heap again, as a garbage collector would)
//! and the `hard` room (what is left under the heap limit if nothing is
//! freed). Natives about to allocate in proportion to an argument
//! (`List.duplicate/2`, `String.duplicate/2`, `2 ** n`...) [`reserve`]
//! first, so a request past the limit fails before any memory is taken.
//!
//! The meter carries no World state from one slice to the next: it is
//! re-armed for every slice, so two Worlds in one thread never meet
//! through it (DESIGN.md invariant 1).
use std::cell::Cell;
use std::rc::Rc;

use rustc_hash::FxHashSet;

use crate::term::{Fun, Term};

/// Words charged since the meter was armed, and its two rooms.
struct Meter {
    used: Cell<usize>,
    soft: Cell<usize>,
    hard: Cell<usize>,
}

thread_local! {
    static METER: Meter = const {
        Meter {
            used: Cell::new(0),
            soft: Cell::new(usize::MAX),
            hard: Cell::new(usize::MAX),
        }
    };
}

/// A request that does not fit under the heap limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapLimit;

/// Records an allocation of `words` (8-byte words).
#[inline]
pub fn charge(words: usize) {
    METER.with(|m| m.used.set(m.used.get().saturating_add(words)));
}

/// Charges `words` if they fit in the hard room; otherwise charges them
/// without allocating, which marks the meter [`failed`] (the interpreter
/// then ends the process), and returns `Err`.
pub fn reserve(words: usize) -> Result<(), HeapLimit> {
    METER.with(|m| {
        let used = m.used.get().saturating_add(words);
        m.used.set(used);
        if used > m.hard.get() {
            Err(HeapLimit)
        } else {
            Ok(())
        }
    })
}

/// Starts metering a slice.
pub fn arm(soft: usize, hard: usize) {
    METER.with(|m| {
        m.used.set(0);
        m.soft.set(soft);
        m.hard.set(hard);
    });
}

/// Words charged since [`arm`].
pub fn used() -> usize {
    METER.with(|m| m.used.get())
}

/// The soft room (or the hard one) is used up: time to measure.
#[inline]
pub fn over() -> bool {
    METER.with(|m| m.used.get() > m.soft.get().min(m.hard.get()))
}

/// A [`reserve`] was refused, or the charges passed the hard room.
pub fn failed() -> bool {
    METER.with(|m| m.used.get() > m.hard.get())
}

/// Words of a term's boxed part (its 2-word slot not included).
fn boxed_words(t: &Term) -> usize {
    match t {
        Term::Int(_) | Term::Float(_) | Term::Atom(_) | Term::Nil => 0,
        Term::BigInt(b) => 5 + b.bits().div_ceil(64) as usize,
        Term::Cons(_) => CONS_WORDS,
        Term::Tuple(t) => tuple_words(t.len()),
        Term::Map(m) => map_words(m.entries.len()),
        Term::Binary(b) => binary_words(b.bit_len().div_ceil(8)),
        Term::Pid(_) | Term::Ref(_) => 6,
        Term::Fun(f) => match &**f {
            Fun::Closure(c) => 12 + 2 * c.env.len(),
            Fun::Export { .. } => 8,
        },
    }
}

/// Words of a list cell: reference counts, head and tail.
pub const CONS_WORDS: usize = 6;

/// Words of a tuple of `n` elements.
pub fn tuple_words(n: usize) -> usize {
    5 + 2 * n
}

/// Words of a map of `n` entries (key, value and tree overhead).
pub fn map_words(n: usize) -> usize {
    5 + 5 * n
}

/// Words of a binary of `bytes` bytes.
pub fn binary_words(bytes: usize) -> usize {
    6 + bytes.div_ceil(8)
}

/// The words reachable from `roots`, each shared box counted once, plus
/// two words for every root slot.
pub fn heap_words<'a>(roots: impl IntoIterator<Item = &'a Term>) -> usize {
    let mut seen: FxHashSet<usize> = FxHashSet::default();
    let mut stack: Vec<&Term> = Vec::new();
    let mut words = 0usize;
    for root in roots {
        words += 2;
        stack.push(root);
        while let Some(t) = stack.pop() {
            // a shared box is counted the first time it is met
            if shared_box(t).is_some_and(|addr| !seen.insert(addr)) {
                continue;
            }
            words += boxed_words(t);
            match t {
                Term::Cons(c) => {
                    stack.push(&c.tail);
                    stack.push(&c.head);
                }
                Term::Tuple(items) => stack.extend(items.iter()),
                Term::Map(m) => {
                    for (k, v) in &m.entries {
                        stack.push(k);
                        stack.push(v);
                    }
                }
                Term::Fun(f) => {
                    if let Fun::Closure(c) = &**f {
                        stack.extend(c.env.iter());
                    }
                }
                _ => {}
            }
        }
    }
    words
}

/// The address of the box behind `t` when other references share it.
fn shared_box(t: &Term) -> Option<usize> {
    fn addr<T: ?Sized>(rc: &Rc<T>) -> Option<usize> {
        (Rc::strong_count(rc) > 1).then(|| Rc::as_ptr(rc).cast::<u8>() as usize)
    }
    match t {
        Term::BigInt(rc) => addr(rc),
        Term::Cons(rc) => addr(rc),
        Term::Tuple(rc) => addr(rc),
        Term::Map(rc) => addr(rc),
        Term::Binary(rc) => addr(rc),
        Term::Fun(rc) => addr(rc),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_subterms_count_once() {
        let leaf = Term::tuple(vec![Term::Int(1), Term::Int(2)]);
        let mut t = leaf.clone();
        for _ in 0..60 {
            t = Term::cons(t.clone(), t);
        }
        // 2^60 leaves as a tree, 61 boxes as a heap
        let w = heap_words([&t]);
        assert_eq!(w, 2 + 60 * CONS_WORDS + tuple_words(2));
    }

    #[test]
    fn a_long_list_is_measured_without_recursion() {
        let l = Term::list((0..1_000_000).map(Term::Int));
        assert_eq!(heap_words([&l]), 2 + 1_000_000 * CONS_WORDS);
    }

    #[test]
    fn a_reservation_past_the_hard_room_fails_and_marks_the_meter() {
        arm(100, 1000);
        assert!(reserve(500).is_ok());
        assert!(!failed());
        assert!(over());
        assert_eq!(reserve(600), Err(HeapLimit));
        assert!(failed());
        arm(usize::MAX, usize::MAX);
        assert!(!failed());
    }
}
