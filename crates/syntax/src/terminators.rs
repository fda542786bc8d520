//! Pairing the terminators, as Elixir's tokenizer does before its parser
//! runs: `(`, `[`, `{`, `<<`, `do` and `fn` with what closes them. A stray
//! or mismatched terminator and input that ends inside an opener are
//! worded here, whatever else is wrong in the input; the parser then only
//! meets matched terminators.

use crate::diag::{Diag, DiagKind};
use crate::lexer::{Tok, Token};

/// Where the tokens end.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The end of the input: an opener left open wants more input.
    Input,
    /// The `}` of an interpolation, which closes nothing inside it.
    Interpolation,
}

/// Checks that the terminators of `toks` pair up.
pub fn check(toks: &[Token], end: End) -> Result<(), Diag> {
    let mut open: Vec<&Token> = Vec::new();
    let mut after_dot = false;
    for t in toks {
        // `x.do` and `x.fn` are calls, not blocks
        let called = std::mem::replace(&mut after_dot, t.tok == Tok::Op("."));
        if called && matches!(t.tok, Tok::Kw(_)) {
            continue;
        }
        if pair(&t.tok).is_some() {
            open.push(t);
        } else if let Some(text) = closer_text(&t.tok) {
            match open.pop() {
                Some(o) if pair(&o.tok).is_some_and(|(_, close, _)| close == t.tok) => {}
                Some(o) => return Err(unexpected(t, text, Some(o))),
                None => return Err(unexpected(t, text, None)),
            }
        } else if t.tok == Tok::Eof {
            let Some(o) = open.last() else {
                return Ok(());
            };
            return Err(match (end, pair(&o.tok)) {
                (End::Input, Some((open_text, _, close_text))) => {
                    missing(t, o, open_text, close_text)
                }
                _ => unexpected(t, "}", Some(o)),
            });
        }
    }
    Ok(())
}

/// An opening token: its text, its terminator and the terminator's text.
fn pair(open: &Tok) -> Option<(&'static str, Tok, &'static str)> {
    Some(match open {
        Tok::Open('(') => ("(", Tok::Close(')'), ")"),
        Tok::Open('[') => ("[", Tok::Close(']'), "]"),
        Tok::Open('{') => ("{", Tok::Close('}'), "}"),
        Tok::OpenBin => ("<<", Tok::CloseBin, ">>"),
        Tok::Kw("do") => ("do", Tok::Kw("end"), "end"),
        Tok::Kw("fn") => ("fn", Tok::Kw("end"), "end"),
        _ => return None,
    })
}

/// A closing token's text.
fn closer_text(tok: &Tok) -> Option<&'static str> {
    Some(match tok {
        Tok::Close(')') => ")",
        Tok::Close(']') => "]",
        Tok::Close('}') => "}",
        Tok::CloseBin => ">>",
        Tok::Kw("end") => "end",
        _ => return None,
    })
}

/// The input ended inside `open`: iex asks for more.
pub fn missing(eof: &Token, open: &Token, open_text: &str, close_text: &str) -> Diag {
    Diag {
        kind: DiagKind::TokenMissing,
        snippet: true,
        line: eof.line,
        column: eof.col,
        message: format!(
            "missing terminator: {close_text} (for \"{open_text}\" starting at line {})",
            open.line
        ),
    }
}

/// The terminator `text` at `at` closes nothing, or not `open`, the
/// innermost opener.
fn unexpected(at: &Token, text: &str, open: Option<&Token>) -> Diag {
    let what = if text == "end" {
        "unexpected reserved word"
    } else {
        "unexpected token"
    };
    let mut message = format!("{what}: {text}");
    if let Some((o, (open_text, _, close_text))) = open.and_then(|o| Some((o, pair(&o.tok)?))) {
        message.push_str(&format!(
            ". The \"{open_text}\" at line {} is missing terminator \"{close_text}\"",
            o.line
        ));
    }
    Diag {
        kind: DiagKind::Syntax,
        // Elixir shows the line only under a stray token
        snippet: open.is_none() && text != "end",
        line: at.line,
        column: at.col,
        message,
    }
}
