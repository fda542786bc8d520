//! AST (Elixir's quoted form) to bytecode.
//!
//! The compiler expands what Elixir's macros would (`if`, `|>`, `for`,
//! `with`, `&&`, `in`, ...) directly into code. Variables live in frame
//! registers; a rebinding takes a fresh register, so closures and branches
//! never see a later value. Errors are iex's CompileError texts.
//!
//! `env.rs` holds what a compilation needs and gives; `module.rs` console
//! lines, `defmodule` and defs; `expr.rs` the function compiler and
//! expressions, with `forms.rs` (special forms, operators, Kernel
//! imports), `control.rs` (case, receive, try, fn, captures, for, with)
//! and `pattern.rs`; `builder.rs` one function's ops, registers and
//! labels; `kernel.rs` the names Kernel imports.
mod builder;
mod control;
mod env;
mod expr;
mod forms;
mod kernel;
mod module;
mod pattern;

pub use env::{CompileEnv, CompileError, LineCode};
pub use kernel::kernel_import;
pub use module::{compile_line, compile_modules};
