//! Source text to tokens. Strings keep their interpolations as source
//! slices that the parser parses in turn.
use num_bigint::BigInt;

use crate::diag::{Diag, DiagKind};

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Lit(String),
    /// `#{...}`: the inner source and where it starts.
    Interp(String, u32, u32),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Int(i64),
    BigInt(BigInt),
    Float(f64),
    /// `:name`, `:"quoted"`.
    Atom(String),
    /// `:"quoted #{x}"` is out of the subset; quoted atoms are literal.
    Str(Vec<StrPart>),
    Charlist(Vec<StrPart>),
    /// `~w(...)a`: letter, parts, modifiers.
    Sigil(char, Vec<StrPart>, String),
    Ident(String),
    Alias(String),
    /// `key:` of a keyword list (also `"quoted": `).
    KwKey(String),
    Op(&'static str),
    /// `do`, `end`, `fn`, `else`, `after`, `rescue`, `catch`.
    Kw(&'static str),
    Open(char),
    Close(char),
    OpenBin,
    CloseBin,
    Comma,
    Semi,
    Newline,
    Eof,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
    /// Whitespace right before the token.
    pub space: bool,
    /// Byte offsets of the token in the lexed text.
    pub span: (u32, u32),
}

/// Operators, longest first so that the lexer takes the longest match.
const OPS: &[&str] = &[
    "\\\\", "===", "!==", "<<<", ">>>", "<<~", "~>>", "<~>", "<|>", "^^^", "~~~", "&&&", "|||",
    "...", "..//", "++", "--", "<>", "==", "!=", "<=", ">=", "&&", "||", "|>", "->", "<-", "=>",
    "::", "=~", "..", "//", "**", "<~", "~>", "+", "-", "*", "/", "=", "<", ">", "!", "^", "&",
    "|", ".", "@",
];

const KEYWORDS: &[&str] = &["do", "end", "fn", "else", "after", "rescue", "catch"];

/// Word operators.
const WORD_OPS: &[&str] = &["and", "or", "not", "in", "when"];

pub struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    col: u32,
    first_line: u32,
    /// Open brackets with where they opened, for missing-terminator errors.
    pub toks: Vec<Token>,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic() && !c.is_uppercase()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str, first_line: u32, first_col: u32) -> Lexer<'a> {
        Lexer {
            text,
            pos: 0,
            line: first_line,
            col: first_col,
            first_line,
            toks: Vec::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn starts(&self, s: &str) -> bool {
        self.text[self.pos..].starts_with(s)
    }

    fn err(&self, kind: DiagKind, line: u32, col: u32, msg: impl Into<String>) -> Diag {
        Diag {
            kind,
            snippet: true,
            line,
            column: col,
            message: msg.into(),
        }
    }

    fn push(&mut self, tok: Tok, line: u32, col: u32, space: bool, start: usize) {
        let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        self.toks.push(Token {
            tok,
            line,
            col,
            space,
            span: (at(start), at(self.pos)),
        });
    }

    pub fn run(mut self) -> Result<Vec<Token>, Diag> {
        let _ = self.first_line;
        let mut space = false;
        while let Some(c) = self.peek() {
            let (line, col) = (self.line, self.col);
            match c {
                ' ' | '\t' | '\r' => {
                    self.bump();
                    space = true;
                    continue;
                }
                '\\' if self.peek_at(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                    space = true;
                    continue;
                }
                '#' => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                    continue;
                }
                '\n' => {
                    let start = self.pos;
                    self.bump();
                    self.push(Tok::Newline, line, col, space, start);
                    space = true;
                    continue;
                }
                _ => {}
            }
            let start = self.pos;
            let tok = self.token(c, line, col)?;
            self.push(tok, line, col, space, start);
            space = false;
        }
        let (line, col) = (self.line, self.col);
        self.push(Tok::Eof, line, col, space, self.pos);
        Ok(self.toks)
    }

    fn token(&mut self, c: char, line: u32, col: u32) -> Result<Tok, Diag> {
        if c.is_ascii_digit() {
            return self.number(line, col);
        }
        if c == '"' {
            if self.starts("\"\"\"") {
                return self.heredoc(line, col).map(Tok::Str);
            }
            self.bump();
            let parts = self.string_body('"', line, col, true)?;
            return Ok(self.maybe_kw_key_str(parts));
        }
        if c == '\'' {
            self.bump();
            let parts = self.string_body('\'', line, col, true)?;
            return Ok(Tok::Charlist(parts));
        }
        if c == ':' {
            return self.colon(line, col);
        }
        if c == '?' {
            return self.char_lit(line, col);
        }
        if c == '~' && self.peek_at(1).is_some_and(|c| c.is_ascii_alphabetic()) {
            return self.sigil(line, col);
        }
        if is_ident_start(c) || c.is_uppercase() {
            return Ok(self.word());
        }
        match c {
            '(' | '[' | '{' => {
                self.bump();
                return Ok(Tok::Open(c));
            }
            ')' | ']' | '}' => {
                self.bump();
                return Ok(Tok::Close(c));
            }
            ',' => {
                self.bump();
                return Ok(Tok::Comma);
            }
            ';' => {
                self.bump();
                return Ok(Tok::Semi);
            }
            '%' => {
                self.bump();
                return Ok(Tok::Op("%"));
            }
            _ => {}
        }
        if self.starts("<<") && !self.starts("<<<") && !self.starts("<<~") {
            self.pos += 2;
            self.col += 2;
            return Ok(Tok::OpenBin);
        }
        if self.starts(">>") && !self.starts(">>>") {
            self.pos += 2;
            self.col += 2;
            return Ok(Tok::CloseBin);
        }
        for op in OPS {
            if self.starts(op) {
                for _ in 0..op.chars().count() {
                    self.bump();
                }
                return Ok(Tok::Op(op));
            }
        }
        self.bump();
        Err(self.err(
            DiagKind::Syntax,
            line,
            col,
            format!(
                "unexpected token: \"{c}\" (column {col}, code point U+{:04X})",
                c as u32
            ),
        ))
    }

    fn word(&mut self) -> Tok {
        let start = self.pos;
        let upper = self.peek().is_some_and(|c| c.is_uppercase());
        while let Some(c) = self.peek() {
            if is_ident_char(c) {
                self.bump();
            } else {
                break;
            }
        }
        if !upper && matches!(self.peek(), Some('?' | '!')) {
            self.bump();
        }
        let w = self.text[start..self.pos].to_string();
        // `key:` (a colon not followed by another colon)
        if self.peek() == Some(':')
            && self.peek_at(1) != Some(':')
            && self.peek_at(1).is_none_or(|c| c.is_whitespace())
        {
            self.bump();
            return Tok::KwKey(w);
        }
        if upper {
            return Tok::Alias(w);
        }
        if let Some(k) = KEYWORDS.iter().find(|k| **k == w) {
            return Tok::Kw(k);
        }
        if let Some(o) = WORD_OPS.iter().find(|k| **k == w) {
            return Tok::Op(o);
        }
        match w.as_str() {
            "true" | "false" | "nil" => Tok::Atom(w),
            _ => Tok::Ident(w),
        }
    }

    fn maybe_kw_key_str(&mut self, parts: Vec<StrPart>) -> Tok {
        if self.peek() == Some(':') && self.peek_at(1).is_none_or(|c| c.is_whitespace()) {
            if let [StrPart::Lit(s)] = parts.as_slice() {
                let s = s.clone();
                self.bump();
                return Tok::KwKey(s);
            }
            if parts.is_empty() {
                self.bump();
                return Tok::KwKey(String::new());
            }
        }
        Tok::Str(parts)
    }

    fn number(&mut self, line: u32, col: u32) -> Result<Tok, Diag> {
        let radix = if self.starts("0x") {
            16
        } else if self.starts("0b") {
            2
        } else if self.starts("0o") {
            8
        } else {
            10
        };
        if radix != 10 {
            self.bump();
            self.bump();
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_digit(radix) || c == '_') {
                self.bump();
            }
            let digits: String = self.text[start..self.pos]
                .chars()
                .filter(|c| *c != '_')
                .collect();
            return BigInt::parse_bytes(digits.as_bytes(), radix)
                .map(int_tok)
                .ok_or_else(|| self.err(DiagKind::Syntax, line, col, "invalid number"));
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
            self.bump();
        }
        let mut float = false;
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            float = true;
            self.bump();
            while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
                self.bump();
            }
            if matches!(self.peek(), Some('e' | 'E'))
                && (self.peek_at(1).is_some_and(|c| c.is_ascii_digit())
                    || (matches!(self.peek_at(1), Some('+' | '-'))
                        && self.peek_at(2).is_some_and(|c| c.is_ascii_digit())))
            {
                self.bump();
                if matches!(self.peek(), Some('+' | '-')) {
                    self.bump();
                }
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
            }
        }
        let text: String = self.text[start..self.pos]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        if float {
            return match beamplay_term::parse_float(&text) {
                Some(f) if f.is_finite() => Ok(Tok::Float(f)),
                _ => Err(self.err(
                    DiagKind::Syntax,
                    line,
                    col,
                    format!("invalid float number {text}"),
                )),
            };
        }
        BigInt::parse_bytes(text.as_bytes(), 10)
            .map(int_tok)
            .ok_or_else(|| self.err(DiagKind::Syntax, line, col, "invalid number"))
    }

    fn colon(&mut self, line: u32, col: u32) -> Result<Tok, Diag> {
        self.bump();
        match self.peek() {
            Some('"') => {
                self.bump();
                let parts = self.string_body('"', line, col, false)?;
                let mut s = String::new();
                for p in parts {
                    if let StrPart::Lit(l) = p {
                        s.push_str(&l);
                    }
                }
                Ok(Tok::Atom(s))
            }
            Some(c) if is_ident_start(c) || c.is_uppercase() => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if is_ident_char(c) || c == '@' {
                        self.bump();
                    } else {
                        break;
                    }
                }
                if matches!(self.peek(), Some('?' | '!')) {
                    self.bump();
                }
                // Elixir.Foo.Bar as an atom
                while self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_uppercase())
                {
                    self.bump();
                    while self.peek().is_some_and(is_ident_char) {
                        self.bump();
                    }
                }
                Ok(Tok::Atom(self.text[start..self.pos].to_string()))
            }
            Some(':') => {
                self.bump();
                Ok(Tok::Op("::"))
            }
            _ => {
                for op in OPS
                    .iter()
                    .chain(["<<>>", "%{}", "{}", "%", "<<", ">>"].iter())
                {
                    if self.starts(op) {
                        for _ in 0..op.chars().count() {
                            self.bump();
                        }
                        return Ok(Tok::Atom(op.to_string()));
                    }
                }
                Err(self.err(DiagKind::Syntax, line, col, "unexpected token: \":\""))
            }
        }
    }

    fn char_lit(&mut self, line: u32, col: u32) -> Result<Tok, Diag> {
        self.bump();
        match self.bump() {
            Some('\\') => {
                let c = self.bump().ok_or_else(|| {
                    self.err(
                        DiagKind::TokenMissing,
                        line,
                        col,
                        "syntax error: expression is incomplete",
                    )
                })?;
                let v = match c {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    's' => ' ',
                    'e' => '\u{1b}',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'd' => '\u{7f}',
                    '0' => '\0',
                    other => other,
                };
                Ok(Tok::Int(v as i64))
            }
            Some(c) => Ok(Tok::Int(c as i64)),
            None => Err(self.err(
                DiagKind::TokenMissing,
                line,
                col,
                "syntax error: expression is incomplete",
            )),
        }
    }

    fn sigil(&mut self, line: u32, col: u32) -> Result<Tok, Diag> {
        self.bump();
        let letter = self.bump().unwrap_or('s');
        let open = self.bump().ok_or_else(|| {
            self.err(DiagKind::TokenMissing, line, col, "missing sigil delimiter")
        })?;
        let close = match open {
            '(' => ')',
            '[' => ']',
            '{' => '}',
            '<' => '>',
            '/' | '|' | '"' | '\'' => open,
            other => {
                return Err(self.err(
                    DiagKind::Syntax,
                    line,
                    col,
                    format!("invalid sigil delimiter: \"{other}\""),
                ))
            }
        };
        // lowercase sigils interpolate and unescape
        let parts = self.string_body(close, line, col, letter.is_lowercase())?;
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.bump();
        }
        Ok(Tok::Sigil(
            letter,
            parts,
            self.text[start..self.pos].to_string(),
        ))
    }

    fn heredoc(&mut self, line: u32, col: u32) -> Result<Vec<StrPart>, Diag> {
        for _ in 0..3 {
            self.bump();
        }
        // the rest of the opening line must be blank
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
        if self.peek() != Some('\n') {
            return Err(self.err(DiagKind::Syntax, line, col, "heredoc allows only zero or more whitespace characters followed by a new line after \"\"\""));
        }
        self.bump();
        // find the closing line: its indentation is stripped from every line
        let rest = &self.text[self.pos..];
        let mut offset = 0;
        let mut indent = 0;
        let mut found = None;
        for l in rest.split_inclusive('\n') {
            let trimmed = l.trim_start_matches([' ', '\t']);
            if trimmed.starts_with("\"\"\"") {
                indent = l.len() - trimmed.len();
                found = Some(offset);
                break;
            }
            offset += l.len();
        }
        let Some(end) = found else {
            return Err(self.err(
                DiagKind::TokenMissing,
                line,
                col,
                format!("missing terminator: \"\"\" (for heredoc starting at line {line})"),
            ));
        };
        let body_src: String = rest[..end]
            .split_inclusive('\n')
            .map(|l| {
                let strip = l
                    .chars()
                    .take(indent)
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .count();
                &l[strip..]
            })
            .collect();
        let (bl, bc) = (self.line, self.col);
        let parts = Lexer::new(&body_src, bl, bc).string_content(&body_src, bl, bc)?;
        // skip the body and the closing delimiter
        let consumed = end + indent + 3;
        for _ in 0..self.text[self.pos..self.pos + consumed].chars().count() {
            self.bump();
        }
        Ok(parts)
    }

    /// The parts of a whole text with escapes and interpolation (heredocs).
    fn string_content(&mut self, text: &str, line: u32, col: u32) -> Result<Vec<StrPart>, Diag> {
        let mut l = Lexer::new(text, line, col);
        l.string_loop(None, line, col, true)
    }

    fn string_body(
        &mut self,
        close: char,
        line: u32,
        col: u32,
        interp: bool,
    ) -> Result<Vec<StrPart>, Diag> {
        self.string_loop(Some(close), line, col, interp)
    }

    fn string_loop(
        &mut self,
        close: Option<char>,
        line: u32,
        col: u32,
        interp: bool,
    ) -> Result<Vec<StrPart>, Diag> {
        let mut parts = Vec::new();
        let mut cur = String::new();
        loop {
            let Some(c) = self.peek() else {
                return match close {
                    None => {
                        if !cur.is_empty() {
                            parts.push(StrPart::Lit(cur));
                        }
                        Ok(parts)
                    }
                    Some(q) => {
                        // charlists are "string" too in Elixir 1.14's wording
                        let what = if q == '"' || q == '\'' {
                            "string"
                        } else {
                            "sigil"
                        };
                        let _ = col;
                        Err(self.err(
                            DiagKind::TokenMissing,
                            self.line,
                            self.col,
                            format!("missing terminator: {q} (for {what} starting at line {line})"),
                        ))
                    }
                };
            };
            if Some(c) == close {
                self.bump();
                break;
            }
            if c == '\\' && interp {
                self.bump();
                let Some(e) = self.bump() else { continue };
                match e {
                    'n' => cur.push('\n'),
                    't' => cur.push('\t'),
                    'r' => cur.push('\r'),
                    'e' => cur.push('\u{1b}'),
                    'a' => cur.push('\u{7}'),
                    'b' => cur.push('\u{8}'),
                    'v' => cur.push('\u{b}'),
                    'f' => cur.push('\u{c}'),
                    'd' => cur.push('\u{7f}'),
                    's' => cur.push(' '),
                    '0' => cur.push('\0'),
                    '\n' => {}
                    'x' => {
                        let mut v = 0u32;
                        let mut n = 0;
                        while n < 2 && self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                            v = v * 16 + self.bump().and_then(|c| c.to_digit(16)).unwrap_or(0);
                            n += 1;
                        }
                        // a byte: only valid UTF-8 as a whole string; kept as the code point for < 0x80
                        cur.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                    'u' => {
                        let mut v = 0u32;
                        if self.peek() == Some('{') {
                            self.bump();
                            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                v = v.saturating_mul(16)
                                    + self.bump().and_then(|c| c.to_digit(16)).unwrap_or(0);
                            }
                            if self.peek() == Some('}') {
                                self.bump();
                            }
                        } else {
                            for _ in 0..4 {
                                if self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                    v = v * 16
                                        + self.bump().and_then(|c| c.to_digit(16)).unwrap_or(0);
                                }
                            }
                        }
                        match char::from_u32(v) {
                            Some(ch) => cur.push(ch),
                            None => {
                                return Err(self.err(
                                    DiagKind::Syntax,
                                    line,
                                    col,
                                    "invalid Unicode code point",
                                ))
                            }
                        }
                    }
                    other => cur.push(other),
                }
                continue;
            }
            if c == '\\' && !interp {
                // uppercase sigils and quoted atoms: only the delimiter escapes
                self.bump();
                match self.peek() {
                    Some(n) if Some(n) == close || n == '\\' => {
                        self.bump();
                        cur.push(n);
                    }
                    _ => cur.push('\\'),
                }
                continue;
            }
            if c == '#' && interp && self.peek_at(1) == Some('{') {
                self.bump();
                self.bump();
                let (il, ic) = (self.line, self.col);
                let start = self.pos;
                let mut depth = 1;
                loop {
                    let Some(ch) = self.peek() else {
                        return Err(self.err(DiagKind::TokenMissing, line, col, format!("missing interpolation terminator: \"}}\" (for string starting at line {line})")));
                    };
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        '"' | '\'' => {
                            // skip a nested string
                            self.bump();
                            while let Some(x) = self.peek() {
                                if x == '\\' {
                                    self.bump();
                                } else if x == ch {
                                    break;
                                }
                                self.bump();
                            }
                        }
                        _ => {}
                    }
                    self.bump();
                }
                let inner = self.text[start..self.pos].to_string();
                self.bump();
                if !cur.is_empty() {
                    parts.push(StrPart::Lit(std::mem::take(&mut cur)));
                }
                parts.push(StrPart::Interp(inner, il, ic));
                continue;
            }
            self.bump();
            cur.push(c);
        }
        if !cur.is_empty() || parts.is_empty() {
            parts.push(StrPart::Lit(cur));
        }
        Ok(parts)
    }
}

fn int_tok(b: BigInt) -> Tok {
    match i64::try_from(&b) {
        Ok(i) => Tok::Int(i),
        Err(_) => Tok::BigInt(b),
    }
}
