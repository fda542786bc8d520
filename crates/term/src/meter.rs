//! The allocation meter behind the per-process heap limit, and the sizes
//! of what term constructors allocate (`heap.rs` measures a live heap).
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
#[inline(always)]
pub fn charge(words: usize) {
    METER.with(|m| m.used.set(m.used.get().saturating_add(words)));
}

/// Whether `words` more fit in the hard room. They are not charged: the
/// term constructors that then allocate them charge as they go (charging
/// here too counted a list built after its reservation twice, and ended a
/// process that had room). A request that does not fit is charged without
/// allocating, which marks the meter [`failed`] (the interpreter then ends
/// the process), and returns `Err`.
pub fn reserve(words: usize) -> Result<(), HeapLimit> {
    METER.with(|m| {
        let wanted = m.used.get().saturating_add(words);
        if wanted > m.hard.get() {
            m.used.set(wanted);
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
        // the soft room never reaches past the hard one
        m.soft.set(soft.min(hard));
        m.hard.set(hard);
    });
}

/// Words charged since [`arm`].
pub fn used() -> usize {
    METER.with(|m| m.used.get())
}

/// The soft room (or the hard one) is used up: time to measure.
#[inline(always)]
pub fn over() -> bool {
    METER.with(|m| m.used.get() > m.soft.get())
}

/// A [`reserve`] was refused, or the charges passed the hard room.
pub fn failed() -> bool {
    METER.with(|m| m.used.get() > m.hard.get())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reservation_past_the_hard_room_fails_and_marks_the_meter() {
        arm(100, 1000);
        assert!(reserve(900).is_ok());
        // granted, it charges nothing: the allocation that follows does
        assert_eq!(used(), 0);
        charge(500);
        assert!(!failed());
        assert!(over());
        assert_eq!(reserve(600), Err(HeapLimit));
        assert!(failed());
        arm(usize::MAX, usize::MAX);
        assert!(!failed());
    }
}
