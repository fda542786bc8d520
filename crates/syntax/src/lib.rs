//! Source text to AST. The AST is Elixir's own quoted form
//! (`Code.string_to_quoted/2`), so the compiler sees what Elixir's compiler
//! sees and parser output can be checked against real Elixir.

pub mod ast;

pub use ast::{Ast, Meta};
