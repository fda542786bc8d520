//! One node: its bytecode compiler, processes, scheduler, natives,
//! distribution and iex console. A host (the cluster crate's World) makes
//! a [`Runtime`] once and boots [`Node`]s on it; everything else is
//! private.
//!
//! The modules form layers, each importing only those below it
//! (`tests/layers.rs` checks that no file imports its importer):
//! 1. bytecode and the native contract: `code`, `native`, `text`, and
//!    `listing` (bytecode as text);
//! 2. the compiler and the pure natives: `compile`, `prelude`, `natives`,
//!    `ops`, `binary`, `inspect_opts`;
//! 3. what a node holds: `process`, `console`, `trace`, `dist::state`;
//! 4. the node: `node`;
//! 5. what a node does: `interp`, `shell`, `procnatives`, `dist`, `views`,
//!    `error`, `services`, `external`;
//! 6. the front door: `runtime`.
mod binary;
mod code;
mod compile;
mod console;
mod dist;
mod error;
mod external;
mod inspect_opts;
mod interp;
mod listing;
mod native;
mod natives;
mod node;
mod ops;
mod prelude;
mod process;
mod procnatives;
mod runtime;
mod services;
mod shell;
mod text;
mod trace;
mod views;

pub use console::{Console, ConsoleEvent, EvalError};
pub use dist::{is_tick, FrameSummary};
pub use node::{Limits, Node};
pub use prelude::PreludeError;
pub use runtime::{Epmd, NodeSpec, Runtime};
pub use trace::{Group, Lock, LockWaiter, ProcessView, ServiceView, Trace};
