//! One node: bytecode compiler, processes, scheduler, natives, iex shell.
pub mod binary;
pub mod code;
pub mod compile;
pub mod console;
pub mod dist;
pub mod error;
pub mod inspect_opts;
pub mod interp;
pub mod native;
pub mod natives;
pub mod node;
pub mod ops;
pub mod prelude;
pub mod process;
pub mod procnatives;
pub mod trace;
