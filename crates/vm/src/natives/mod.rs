//! Natives that need nothing but their arguments (and atoms, clock, RNG).
//! Process natives (spawn, send, links...) live with the scheduler.
use crate::native::NativeTable;

/// Registers every pure native.
pub fn register(_t: &mut NativeTable) {}
