//! Term values of the playground's Elixir/Erlang subset.
//!
//! A [`Term`] is 16 bytes: immediates inline, everything else behind an `Rc`.
//! Terms are immutable and shared freely inside one node; between nodes they
//! only travel encoded (DESIGN.md invariant 3), so `Rc` (not `Arc`) is right.
//!
//! Atoms are interned per node in an [`AtomTable`] (no global registry:
//! DESIGN.md invariant 1) but each [`Atom`] carries its own name, so comparing
//! and printing never needs the table.

mod atom;
mod binary;
pub mod etf;
mod float;
mod hash;
mod heap;
mod inspect;
mod int;
mod list;
pub mod meter;
mod order;
pub mod sort;
mod term;

pub use atom::{Atom, AtomLimitError, AtomTable};
pub use binary::Bitstring;
pub use float::{c_exp20, float_to_string, parse_float, shortest, Decimal, Rounding};
pub use hash::map_hash;
pub use heap::heap_words;
pub use inspect::{
    atom_to_inspect, inspect, key_to_inspect, string_to_inspect, Base, InspectCtx, InspectOpts,
    NoStructs,
};
pub use int::{int_from_bigint, Int};
pub use list::{ListIter, ListView};
pub use order::{compare, exact_eq, int_to_f64};
pub use term::{
    Closure, Cons, Fun, MapEntries, MapTerm, PidData, RefData, Term, PID_NUMBER_BITS,
    PID_SERIAL_MAX,
};

pub use num_bigint::BigInt;
