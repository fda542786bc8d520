//! Source text to AST. The AST is Elixir's own quoted form
//! (`Code.string_to_quoted/2`), so the compiler sees what Elixir's compiler
//! sees and parser output can be checked against real Elixir.

pub mod ast;
mod diag;
mod lexer;
mod parser;
mod terminators;
mod wording;

pub use ast::{Ast, Meta};
pub use diag::{Diag, DiagKind, SyntaxDiag};

/// Parses a whole input; `first_line` is the line number of its first line
/// (iex's prompt counter). Several expressions give a `__block__`.
pub fn parse(src: &str, first_line: u32) -> Result<Ast, SyntaxDiag> {
    let result = parser::Parser::new(src, first_line, 1).and_then(|mut p| p.program());
    result.map_err(|diag| {
        let idx = diag.line.saturating_sub(first_line) as usize;
        let snippet_line = src.split('\n').nth(idx).map(str::to_string);
        SyntaxDiag { diag, snippet_line }
    })
}

/// Whether `src` only lacks its end (an open bracket, string, `do` or `fn`,
/// or a trailing operator): iex then asks for more with `...(N)>`.
pub fn is_incomplete(src: &str) -> bool {
    matches!(parse(src, 1), Err(d) if d.is_incomplete())
}
