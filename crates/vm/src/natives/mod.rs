//! Natives that need nothing but their arguments (and atoms, clock, RNG).
//! Process natives (spawn, send, links...) live in `procnatives.rs`;
//! both go into the runtime's one native table.
mod args;
mod erlang;
mod lists;
mod maps;
mod string;

use crate::native::NativeTable;

/// Registers every pure native.
pub fn register<P: Copy>(t: &mut NativeTable<P>) {
    erlang::register(t);
    lists::register(t);
    maps::register(t);
    string::register(t);
}
