//! Tokens to AST: a Pratt parser with Elixir's operator table
//! (elixir_parser.yrl), no-parens calls, do-blocks and stab clauses.
use crate::ast::{Ast, Head, Meta};
use crate::diag::{Diag, DiagKind};
use crate::lexer::{Lexer, StrPart, Tok, Token};
use crate::terminators::{self, End};
use crate::wording;

/// Nesting a parse may reach before it is refused (no Rust stack overflow).
const MAX_DEPTH: u32 = 400;

const UNARY_PREC: u8 = 30;
const AT_PREC: u8 = 32;

/// (binding power, right associative) of a binary operator, low to high
/// as in Elixir's grammar.
fn binary(op: &str) -> Option<(u8, bool)> {
    Some(match op {
        "<-" | "\\\\" => (4, false),
        "when" => (5, true),
        "::" => (6, true),
        "|" => (7, true),
        "=>" => (8, true),
        "=" => (10, true),
        "||" | "|||" | "or" => (12, false),
        "&&" | "&&&" | "and" => (13, false),
        "==" | "!=" | "=~" | "===" | "!==" => (14, false),
        "<" | ">" | "<=" | ">=" => (15, false),
        "|>" | "<<<" | ">>>" | "<<~" | "~>>" | "<~" | "~>" | "<~>" | "<|>" => (16, false),
        "in" => (17, false),
        "^^^" => (18, false),
        "//" => (19, true),
        "++" | "--" | "<>" | ".." => (20, true),
        "+" | "-" => (21, false),
        "*" | "/" => (22, false),
        "**" => (23, false),
        _ => return None,
    })
}

/// A variable or a call without parentheses: what Elixir's grammar keeps
/// out of `access_expr`.
fn is_identifier(e: &Ast) -> bool {
    match e {
        Ast::Var { .. } => true,
        Ast::Call { meta, .. } => meta.no_parens,
        _ => false,
    }
}

pub struct Parser {
    /// The source, for a token's text in an error.
    src: Box<str>,
    toks: Vec<Token>,
    pos: usize,
    depth: u32,
    /// Inside no-parens call arguments a `do` belongs to the outer call.
    no_do: u32,
}

type PResult<T> = Result<T, Diag>;

fn meta(t: &Token) -> Meta {
    Meta {
        line: t.line,
        column: t.col,
        no_parens: false,
    }
}

impl Parser {
    pub fn new(src: &str, line: u32, col: u32) -> PResult<Parser> {
        Parser::with_end(src, line, col, End::Input)
    }

    /// A parser of `src`, which ends at `end`: the input's end, or the `}`
    /// of an interpolation.
    fn with_end(src: &str, line: u32, col: u32, end: End) -> PResult<Parser> {
        let toks = Lexer::new(src, line, col).run()?;
        terminators::check(&toks, end)?;
        Ok(Parser {
            src: src.into(),
            toks,
            pos: 0,
            depth: 0,
            no_do: 0,
        })
    }

    fn peek(&self) -> &Token {
        let i = self.pos.min(self.toks.len() - 1);
        &self.toks[i]
    }

    fn peek_n(&self, n: usize) -> &Token {
        let i = (self.pos + n).min(self.toks.len() - 1);
        &self.toks[i]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn at(&self, t: &Tok) -> bool {
        &self.peek().tok == t
    }

    fn skip_nl(&mut self) {
        while matches!(self.peek().tok, Tok::Newline) {
            self.pos += 1;
        }
    }

    fn skip_sep(&mut self) {
        while matches!(self.peek().tok, Tok::Newline | Tok::Semi) {
            self.pos += 1;
        }
    }

    fn error_at(&self, t: &Token) -> Diag {
        if matches!(t.tok, Tok::Eof) {
            // Elixir points at the last token of the incomplete expression
            let last = self
                .toks
                .iter()
                .rev()
                .find(|x| !matches!(x.tok, Tok::Eof | Tok::Newline));
            if let Some(l) = last {
                return Diag {
                    kind: DiagKind::TokenMissing,
                    snippet: true,
                    line: l.line,
                    column: l.col,
                    message: "syntax error: expression is incomplete".into(),
                };
            }
        }
        let (from, to) = (t.span.0 as usize, t.span.1 as usize);
        let said = wording::unexpected(&t.tok, self.src.get(from..to).unwrap_or_default());
        Diag {
            kind: said.kind,
            line: t.line,
            column: t.col,
            message: said.message,
            snippet: said.snippet,
        }
    }

    fn unexpected<T>(&self) -> PResult<T> {
        Err(self.error_at(self.peek()))
    }

    /// Expects a closing token; at the end of input that is a missing terminator.
    fn close(
        &mut self,
        close: Tok,
        open: &Token,
        open_text: &str,
        close_text: &str,
    ) -> PResult<()> {
        self.skip_nl();
        if self.at(&close) {
            self.next();
            return Ok(());
        }
        if self.at(&Tok::Eof) {
            return Err(terminators::missing(
                self.peek(),
                open,
                open_text,
                close_text,
            ));
        }
        self.unexpected()
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.peek();
            return Err(Diag {
                kind: DiagKind::Syntax,
                snippet: true,
                line: t.line,
                column: t.col,
                message: "nesting is too deep for this playground".into(),
            });
        }
        Ok(())
    }

    /// A whole program: expressions separated by newlines or `;`.
    pub fn program(&mut self) -> PResult<Ast> {
        let items = self.exprs(|t| matches!(t, Tok::Eof))?;
        if !self.at(&Tok::Eof) {
            return self.unexpected();
        }
        Ok(block(items))
    }

    fn exprs(&mut self, stop: impl Fn(&Tok) -> bool) -> PResult<Vec<Ast>> {
        let mut items = Vec::new();
        loop {
            self.skip_sep();
            if stop(&self.peek().tok) || self.at(&Tok::Eof) {
                break;
            }
            items.push(self.expr(0)?);
            match &self.peek().tok {
                Tok::Newline | Tok::Semi => {}
                t if stop(t) => {}
                Tok::Eof => {}
                _ => return self.unexpected(),
            }
        }
        Ok(items)
    }

    pub fn expr(&mut self, min: u8) -> PResult<Ast> {
        self.enter()?;
        let r = self.expr_inner(min);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, min: u8) -> PResult<Ast> {
        let mut lhs = self.unary()?;
        loop {
            // a binary operator at the start of the next line continues
            // the expression, as Elixir's tokenizer drops the newline
            // before one (`+` and `-` there are unary)
            if matches!(self.peek().tok, Tok::Newline) {
                let mut k = 0;
                while matches!(self.peek_n(k).tok, Tok::Newline) {
                    k += 1;
                }
                let continues = match self.peek_n(k).tok {
                    Tok::Op("+" | "-") => false,
                    Tok::Op("not") => matches!(self.peek_n(k + 1).tok, Tok::Op("in")),
                    Tok::Op(o) => binary(o).is_some(),
                    _ => false,
                };
                if continues {
                    self.skip_nl();
                } else {
                    break;
                }
            }
            let t = self.peek().clone();
            let op: String = match &t.tok {
                Tok::Op("not") if matches!(self.peek_n(1).tok, Tok::Op("in")) => "not in".into(),
                Tok::Op(o) => (*o).to_string(),
                _ => break,
            };
            let key = if op == "not in" { "in" } else { op.as_str() };
            let Some((bp, right)) = binary(key) else {
                break;
            };
            if bp < min {
                break;
            }
            self.next();
            if op == "not in" {
                self.next();
            }
            self.skip_nl();
            let rhs = self.expr(if right { bp } else { bp + 1 })?;
            let m = meta(&t);
            lhs = match op.as_str() {
                "not in" => Ast::call("not", m, vec![Ast::call("in", m, vec![lhs, rhs])]),
                "//" => match lhs {
                    Ast::Call {
                        head: Head::Local(ref n),
                        ref args,
                        meta: rm,
                    } if n == ".." && args.len() == 2 => {
                        Ast::call("..//", rm, vec![args[0].clone(), args[1].clone(), rhs])
                    }
                    _ => Ast::call("//", m, vec![lhs, rhs]),
                },
                _ => Ast::call(&op, m, vec![lhs, rhs]),
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Ast> {
        let t = self.peek().clone();
        let m = meta(&t);
        match &t.tok {
            Tok::Op(o @ ("-" | "+" | "!" | "^" | "~~~" | "not")) => {
                self.next();
                self.skip_nl();
                let operand = self.expr(UNARY_PREC)?;
                Ok(Ast::call(o, m, vec![operand]))
            }
            Tok::Op("&") => {
                self.next();
                // `&+/2`: an operator captured by name
                if let (Tok::Op(op), Tok::Op("/")) = (&self.peek().tok, &self.peek_n(1).tok) {
                    if binary(op).is_some() || matches!(*op, "!" | "^" | "not") {
                        let name = (*op).to_string();
                        let op_tok = self.next();
                        let slash = self.next();
                        let arity = self.expr(UNARY_PREC)?;
                        let f = Ast::Var {
                            name,
                            meta: meta(&op_tok),
                        };
                        return Ok(Ast::call(
                            "&",
                            m,
                            vec![Ast::call("/", meta(&slash), vec![f, arity])],
                        ));
                    }
                }
                if let (Tok::Int(i), false) = (&self.peek().tok, self.peek().space) {
                    let i = *i;
                    self.next();
                    return self.postfix(Ast::call("&", m, vec![Ast::Int(i)]), false);
                }
                self.skip_nl();
                let operand = self.expr(9)?;
                Ok(Ast::call("&", m, vec![operand]))
            }
            Tok::Op("@") => {
                self.next();
                let operand = self.expr(AT_PREC)?;
                Ok(Ast::call("@", m, vec![operand]))
            }
            Tok::Op("..") => {
                self.next();
                Ok(Ast::call("..", m, vec![]))
            }
            _ => {
                let in_parens = self.at(&Tok::Open('('));
                let p = self.primary()?;
                self.postfix(p, in_parens)
            }
        }
    }

    /// Whether the current token can start a no-parens call argument.
    fn starts_arg(&self) -> bool {
        let t = self.peek();
        if !t.space {
            return false;
        }
        match &t.tok {
            Tok::Int(_)
            | Tok::BigInt(_)
            | Tok::Float(_)
            | Tok::Atom(_)
            | Tok::Str(_)
            | Tok::Charlist(_)
            | Tok::Sigil(..)
            | Tok::Ident(_)
            | Tok::Alias(_)
            | Tok::KwKey(_)
            | Tok::Open('[' | '{' | '(')
            | Tok::OpenBin
            | Tok::Kw("fn") => true,
            Tok::Op("%" | "!" | "^" | "@" | "~~~") => true,
            // `x not in y` is an operator, `f not x` a call
            Tok::Op("not") => !matches!(self.peek_n(1).tok, Tok::Op("in")),
            Tok::Op("&") => true,
            // `f -1` is a call, `f - 1` is a subtraction
            Tok::Op("-" | "+") => !self.peek_n(1).space,
            _ => false,
        }
    }

    fn primary(&mut self) -> PResult<Ast> {
        let start = self.pos;
        let t = self.next();
        let m = meta(&t);
        Ok(match t.tok {
            Tok::Int(i) => Ast::Int(i),
            Tok::BigInt(b) => Ast::BigInt(b),
            Tok::Float(f) => Ast::Float(f),
            Tok::Atom(a) => Ast::Atom(a),
            Tok::Str(parts) => self.string(parts, m)?,
            Tok::Charlist(parts) => self.charlist(parts, m)?,
            Tok::Sigil(letter, parts, mods) => {
                let body = self.interp_binary(parts, m)?;
                let mods = Ast::Charlist(mods.chars().map(|c| c as u32).collect());
                Ast::call(&format!("sigil_{letter}"), m, vec![body, mods])
            }
            Tok::KwKey(_) => {
                self.pos -= 1;
                Ast::List(self.keywords()?)
            }
            Tok::Ident(name) => return self.identifier(name, m),
            Tok::Alias(a) => self.alias_rest(a, m),
            Tok::Open('(') => {
                let saved = std::mem::replace(&mut self.no_do, 0);
                let section = self.stab_section(|t| matches!(t, Tok::Close(')')));
                self.no_do = saved;
                let section = section?;
                self.close(Tok::Close(')'), &t, "(", ")")?;
                match section {
                    // `(x -> body)`: clauses in parentheses
                    Section::Clauses(c) => Ast::List(c),
                    Section::Block(items) => block(items),
                }
            }
            Tok::Open('[') => {
                let items = self.container_items(Tok::Close(']'), &t, "[", "]")?;
                Ast::List(items)
            }
            Tok::Open('{') => {
                let mut items = self.container_items(Tok::Close('}'), &t, "{", "}")?;
                if items.len() == 2 {
                    let b = items.pop().unwrap_or(Ast::Atom("nil".into()));
                    let a = items.pop().unwrap_or(Ast::Atom("nil".into()));
                    Ast::Pair(Box::new(a), Box::new(b))
                } else {
                    Ast::call("{}", m, items)
                }
            }
            Tok::OpenBin => {
                let items = self.container_items(Tok::CloseBin, &t, "<<", ">>")?;
                Ast::call("<<>>", m, items)
            }
            Tok::Op("%") => self.map_or_struct(m, &t)?,
            Tok::Kw("fn") => {
                let saved = std::mem::replace(&mut self.no_do, 0);
                let clauses = self.stab_section(|t| matches!(t, Tok::Kw("end")));
                self.no_do = saved;
                let clauses = clauses?;
                self.close(Tok::Kw("end"), &t, "fn", "end")?;
                match clauses {
                    Section::Clauses(c) => Ast::call("fn", m, c),
                    Section::Block(_) => {
                        return Err(Diag {
                            kind: DiagKind::Syntax,
                            snippet: true,
                            line: t.line,
                            column: t.col,
                            message:
                                "expected anonymous functions to be defined with -> inside: 'fn'"
                                    .into(),
                        })
                    }
                }
            }
            _ => {
                self.pos = start;
                return self.unexpected();
            }
        })
    }

    /// `Foo` and the `.Bar.Baz` that follow it.
    fn alias_rest(&mut self, first: String, m: Meta) -> Ast {
        let mut parts = vec![first];
        while matches!(self.peek().tok, Tok::Op(".")) && matches!(self.peek_n(1).tok, Tok::Alias(_))
        {
            self.next();
            if let Tok::Alias(p) = self.next().tok {
                parts.push(p);
            }
        }
        Ast::Alias { parts, meta: m }
    }

    fn identifier(&mut self, name: String, m: Meta) -> PResult<Ast> {
        // f(args)
        if matches!(self.peek().tok, Tok::Open('(')) && !self.peek().space {
            let open = self.next();
            let args = self.call_args(&open)?;
            let call = Ast::call(&name, m, args);
            return self.maybe_do(call);
        }
        if self.starts_arg() {
            let args = self.no_parens_args()?;
            return self.maybe_do(Ast::call(&name, m, args));
        }
        if self.no_do == 0 && matches!(self.peek().tok, Tok::Kw("do")) {
            return self.maybe_do(Ast::call(&name, m, vec![]));
        }
        Ok(Ast::Var { name, meta: m })
    }

    fn call_args(&mut self, open: &Token) -> PResult<Vec<Ast>> {
        let saved = std::mem::replace(&mut self.no_do, 0);
        let r = self.container_items(Tok::Close(')'), open, "(", ")");
        self.no_do = saved;
        r
    }

    fn no_parens_args(&mut self) -> PResult<Vec<Ast>> {
        self.no_do += 1;
        let r = (|| {
            let mut args = Vec::new();
            loop {
                if matches!(self.peek().tok, Tok::KwKey(_)) {
                    args.push(Ast::List(self.keywords()?));
                    break;
                }
                args.push(self.expr(0)?);
                if matches!(self.peek().tok, Tok::Comma) {
                    self.next();
                    self.skip_nl();
                    continue;
                }
                break;
            }
            Ok(args)
        })();
        self.no_do -= 1;
        r
    }

    /// `key: value, ...` up to the end of the enclosing construct.
    fn keywords(&mut self) -> PResult<Vec<Ast>> {
        let mut pairs = Vec::new();
        let mut comma: Option<Token> = None;
        loop {
            let t = self.next();
            let Tok::KwKey(k) = t.tok else {
                self.pos -= 1;
                // the error points at the comma after the keywords
                let t = comma.unwrap_or_else(|| self.peek().clone());
                return Err(Diag {
                    kind: DiagKind::Syntax,
                    snippet: true,
                    line: t.line,
                    column: t.col,
                    message: "unexpected expression after keyword list. Keyword lists must always come last in lists and maps. Therefore, this is not allowed:\n\n    [some: :value, :another]\n    %{some: :value, another => value}\n\nInstead, reorder it to be the last entry:\n\n    [:another, some: :value]\n    %{another => value, some: :value}\n\nSyntax error after: ','".into(),
                });
            };
            self.skip_nl();
            let v = self.expr(0)?;
            pairs.push(Ast::Pair(Box::new(Ast::Atom(k)), Box::new(v)));
            if matches!(self.peek().tok, Tok::Comma) && !self.comma_ends_keywords() {
                comma = Some(self.next());
                self.skip_nl();
                continue;
            }
            break;
        }
        Ok(pairs)
    }

    /// A trailing comma before a closing bracket ends a keyword list.
    fn comma_ends_keywords(&self) -> bool {
        let mut k = 1;
        while matches!(self.peek_n(k).tok, Tok::Newline) {
            k += 1;
        }
        matches!(self.peek_n(k).tok, Tok::Close(_) | Tok::CloseBin)
    }

    /// Comma-separated items up to `close`; a trailing keyword list becomes
    /// its pairs (in lists) or one list argument.
    fn container_items(
        &mut self,
        close: Tok,
        open: &Token,
        open_text: &str,
        close_text: &str,
    ) -> PResult<Vec<Ast>> {
        let mut items = Vec::new();
        self.skip_nl();
        while !self.at(&close) {
            if self.at(&Tok::Eof) {
                break;
            }
            if matches!(self.peek().tok, Tok::KwKey(_)) {
                let kw = self.keywords()?;
                if close == Tok::Close(']') {
                    items.extend(kw);
                } else {
                    items.push(Ast::List(kw));
                }
                self.skip_nl();
                if matches!(self.peek().tok, Tok::Comma) {
                    self.next();
                }
                break;
            }
            items.push(self.expr(0)?);
            self.skip_nl();
            if matches!(self.peek().tok, Tok::Comma) {
                self.next();
                self.skip_nl();
            } else {
                break;
            }
        }
        self.close(close, open, open_text, close_text)?;
        Ok(items)
    }

    fn map_or_struct(&mut self, m: Meta, pct: &Token) -> PResult<Ast> {
        let name = if matches!(self.peek().tok, Tok::Open('{')) {
            None
        } else {
            // the struct name: an alias, __MODULE__ or a variable
            let t = self.next();
            let nm = meta(&t);
            Some(match t.tok {
                Tok::Alias(a) => self.alias_rest(a, nm),
                Tok::Ident(n) => Ast::Var { name: n, meta: nm },
                Tok::Atom(a) => Ast::Atom(a),
                _ => {
                    self.pos -= 1;
                    return self.unexpected();
                }
            })
        };
        let open = self.next();
        if open.tok != Tok::Open('{') {
            self.pos -= 1;
            return self.unexpected();
        }
        let _ = pct;
        self.skip_nl();
        let mut args = Vec::new();
        if !self.at(&Tok::Close('}')) && !matches!(self.peek().tok, Tok::KwKey(_)) {
            // `base | updates` or the first pair
            let first = self.expr(9)?;
            self.skip_nl();
            if matches!(self.peek().tok, Tok::Op("|")) {
                let bar = self.next();
                self.skip_nl();
                let updates = self.map_pairs(&open)?;
                args.push(Ast::call("|", meta(&bar), vec![first, Ast::List(updates)]));
                let map = Ast::call("%{}", m, args);
                return Ok(self.wrap_struct(name, map, m));
            }
            args.push(self.pair_rest(first)?);
            if matches!(self.peek().tok, Tok::Comma) {
                self.next();
                self.skip_nl();
            }
        }
        args.extend(self.map_pairs(&open)?);
        let map = Ast::call("%{}", m, args);
        Ok(self.wrap_struct(name, map, m))
    }

    fn wrap_struct(&self, name: Option<Ast>, map: Ast, m: Meta) -> Ast {
        match name {
            Some(n) => Ast::call("%", m, vec![n, map]),
            None => map,
        }
    }

    fn pair_rest(&mut self, key: Ast) -> PResult<Ast> {
        self.skip_nl();
        if !matches!(self.peek().tok, Tok::Op("=>")) {
            return self.unexpected();
        }
        self.next();
        self.skip_nl();
        let v = self.expr(8)?;
        self.skip_nl();
        Ok(Ast::Pair(Box::new(key), Box::new(v)))
    }

    /// `k => v` and `k: v` pairs up to the closing `}` (consumed).
    fn map_pairs(&mut self, open: &Token) -> PResult<Vec<Ast>> {
        let mut out = Vec::new();
        loop {
            self.skip_nl();
            if self.at(&Tok::Close('}')) || self.at(&Tok::Eof) {
                break;
            }
            if matches!(self.peek().tok, Tok::KwKey(_)) {
                out.extend(self.keywords()?);
                self.skip_nl();
                if matches!(self.peek().tok, Tok::Comma) {
                    self.next();
                }
                break;
            }
            let k = self.expr(9)?;
            out.push(self.pair_rest(k)?);
            if matches!(self.peek().tok, Tok::Comma) {
                self.next();
            } else {
                break;
            }
        }
        self.close(Tok::Close('}'), open, "{", "}")?;
        Ok(out)
    }

    /// Dots, calls and accesses after `e`; `in_parens` when `e` was written
    /// in parentheses, which makes even a variable accessible across a space.
    fn postfix(&mut self, mut e: Ast, mut in_parens: bool) -> PResult<Ast> {
        loop {
            let t = self.peek().clone();
            let accessible = !t.space || in_parens || !is_identifier(&e);
            in_parens = false;
            match &t.tok {
                Tok::Op(".") => {
                    self.next();
                    self.skip_nl();
                    let n = self.next();
                    let m = meta(&n);
                    match n.tok {
                        Tok::Open('(') => {
                            let args = self.call_args(&n)?;
                            e = Ast::Call {
                                head: Head::Anon(Box::new(e)),
                                meta: meta(&t),
                                args,
                            };
                        }
                        Tok::Ident(name) => e = self.remote(e, name, m)?,
                        Tok::Kw(name) => e = self.remote(e, name.to_string(), m)?,
                        Tok::Op(o) if !matches!(o, ".") => {
                            e = self.remote(e, o.to_string(), m)?;
                        }
                        Tok::Atom(a) => e = self.remote(e, a, m)?,
                        Tok::Str(parts) => {
                            let name = parts
                                .into_iter()
                                .map(|p| match p {
                                    StrPart::Lit(s) => s,
                                    StrPart::Interp(s, _, _) => s,
                                })
                                .collect();
                            e = self.remote(e, name, m)?;
                        }
                        Tok::Alias(a) => {
                            e = match e {
                                Ast::Alias { mut parts, meta } => {
                                    parts.push(a);
                                    Ast::Alias { parts, meta }
                                }
                                other => Ast::Call {
                                    head: Head::Local("__aliases__".into()),
                                    meta: m,
                                    args: vec![other, Ast::Atom(a)],
                                },
                            };
                        }
                        _ => {
                            self.pos -= 1;
                            return self.unexpected();
                        }
                    }
                }
                // a space before `[` makes an identifier a call (`f [1]`);
                // any other expression is still accessed (`%{a: 1} [:a]`)
                Tok::Open('[') if accessible => {
                    let open = self.next();
                    let saved = std::mem::replace(&mut self.no_do, 0);
                    self.skip_nl();
                    let key = self.expr(0);
                    self.no_do = saved;
                    let key = key?;
                    self.close(Tok::Close(']'), &open, "[", "]")?;
                    let m = meta(&open);
                    e = Ast::Call {
                        head: Head::Remote(
                            Box::new(Ast::Atom("Elixir.Access".into())),
                            "get".into(),
                        ),
                        meta: m,
                        args: vec![e, key],
                    };
                }
                _ => break,
            }
        }
        Ok(e)
    }

    fn remote(&mut self, target: Ast, name: String, m: Meta) -> PResult<Ast> {
        let head = Head::Remote(Box::new(target), name);
        if matches!(self.peek().tok, Tok::Open('(')) && !self.peek().space {
            let open = self.next();
            let args = self.call_args(&open)?;
            return self.maybe_do(Ast::Call {
                head,
                meta: m,
                args,
            });
        }
        if self.starts_arg() {
            let args = self.no_parens_args()?;
            return self.maybe_do(Ast::Call {
                head,
                meta: m,
                args,
            });
        }
        Ok(Ast::Call {
            head,
            meta: Meta {
                no_parens: true,
                ..m
            },
            args: vec![],
        })
    }

    /// Attaches a `do ... end` block as the call's last (keyword) argument.
    fn maybe_do(&mut self, call: Ast) -> PResult<Ast> {
        if self.no_do > 0 || !matches!(self.peek().tok, Tok::Kw("do")) {
            return Ok(call);
        }
        let do_tok = self.next();
        let saved = std::mem::replace(&mut self.no_do, 0);
        let r = self.do_sections(&do_tok);
        self.no_do = saved;
        let kw = r?;
        Ok(match call {
            Ast::Call {
                head,
                meta,
                mut args,
            } => {
                args.push(Ast::List(kw));
                Ast::Call { head, meta, args }
            }
            other => other,
        })
    }

    fn do_sections(&mut self, do_tok: &Token) -> PResult<Vec<Ast>> {
        let mut sections = Vec::new();
        let mut name = "do".to_string();
        loop {
            let section = self.stab_section(|t| {
                matches!(t, Tok::Kw("end" | "else" | "after" | "rescue" | "catch"))
            })?;
            let value = match section {
                Section::Clauses(c) => Ast::List(c),
                Section::Block(items) => block(items),
            };
            sections.push(Ast::Pair(
                Box::new(Ast::Atom(name.clone())),
                Box::new(value),
            ));
            self.skip_sep();
            match self.peek().tok.clone() {
                Tok::Kw(k @ ("else" | "after" | "rescue" | "catch")) => {
                    self.next();
                    name = k.to_string();
                }
                Tok::Kw("end") => {
                    self.next();
                    break;
                }
                _ => {
                    self.close(Tok::Kw("end"), do_tok, "do", "end")?;
                    break;
                }
            }
        }
        Ok(sections)
    }

    /// The body of `fn` or a do-block section: `->` clauses, or a block.
    fn stab_section(&mut self, stop: impl Fn(&Tok) -> bool) -> PResult<Section> {
        let mut clauses: Vec<(Vec<Ast>, Meta, Vec<Ast>)> = Vec::new();
        let mut plain: Vec<Ast> = Vec::new();
        loop {
            self.skip_sep();
            if stop(&self.peek().tok) || self.at(&Tok::Eof) {
                break;
            }
            // a clause head can be empty: `fn -> x end`
            if matches!(self.peek().tok, Tok::Op("->")) {
                let arrow = self.next();
                clauses.push((Vec::new(), meta(&arrow), Vec::new()));
                continue;
            }
            let mut items = vec![self.expr(0)?];
            while matches!(self.peek().tok, Tok::Comma) {
                self.next();
                self.skip_nl();
                if matches!(self.peek().tok, Tok::KwKey(_)) {
                    items.push(Ast::List(self.keywords()?));
                    break;
                }
                items.push(self.expr(0)?);
            }
            if matches!(self.peek().tok, Tok::Op("->")) {
                let arrow = self.next();
                if !plain.is_empty() {
                    return Err(self.error_at(&arrow));
                }
                clauses.push((merge_when(items), meta(&arrow), Vec::new()));
                continue;
            }
            if items.len() > 1 {
                return self.unexpected();
            }
            let e = items.pop().unwrap_or(Ast::Atom("nil".into()));
            match clauses.last_mut() {
                Some(c) => c.2.push(e),
                None => plain.push(e),
            }
            match &self.peek().tok {
                Tok::Newline | Tok::Semi => {}
                t if stop(t) => {}
                Tok::Eof => {}
                _ => return self.unexpected(),
            }
        }
        if clauses.is_empty() {
            return Ok(Section::Block(plain));
        }
        Ok(Section::Clauses(
            clauses
                .into_iter()
                .map(|(head, m, body)| Ast::call("->", m, vec![Ast::List(head), block(body)]))
                .collect(),
        ))
    }

    fn string(&mut self, parts: Vec<StrPart>, m: Meta) -> PResult<Ast> {
        match parts.as_slice() {
            [] => Ok(Ast::String(String::new())),
            [StrPart::Lit(s)] => Ok(Ast::String(s.clone())),
            _ => self.interp_binary(parts, m),
        }
    }

    fn interp_parts(&mut self, parts: Vec<StrPart>, m: Meta) -> PResult<Vec<Ast>> {
        let mut out = Vec::new();
        for p in parts {
            match p {
                StrPart::Lit(s) => out.push(Ast::String(s)),
                StrPart::Interp(src, line, col) => {
                    let mut inner = Parser::with_end(&src, line, col, End::Interpolation)?;
                    inner.depth = self.depth;
                    let e = inner.program()?;
                    let to_s = Ast::Call {
                        head: Head::Remote(
                            Box::new(Ast::Atom("Elixir.Kernel".into())),
                            "to_string".into(),
                        ),
                        meta: m,
                        args: vec![e],
                    };
                    out.push(Ast::call(
                        "::",
                        m,
                        vec![
                            to_s,
                            Ast::Var {
                                name: "binary".into(),
                                meta: m,
                            },
                        ],
                    ));
                }
            }
        }
        Ok(out)
    }

    fn interp_binary(&mut self, parts: Vec<StrPart>, m: Meta) -> PResult<Ast> {
        let items = self.interp_parts(parts, m)?;
        Ok(Ast::call("<<>>", m, items))
    }

    fn charlist(&mut self, parts: Vec<StrPart>, m: Meta) -> PResult<Ast> {
        match parts.as_slice() {
            [] => Ok(Ast::Charlist(Vec::new())),
            [StrPart::Lit(s)] => Ok(Ast::Charlist(s.chars().map(|c| c as u32).collect())),
            _ => {
                let items = self.interp_parts(parts, m)?;
                let items = items
                    .into_iter()
                    .map(|i| match i {
                        Ast::Call {
                            head: Head::Local(n),
                            args,
                            ..
                        } if n == "::" => {
                            args.into_iter().next().unwrap_or(Ast::Atom("nil".into()))
                        }
                        other => other,
                    })
                    .collect();
                Ok(Ast::Call {
                    head: Head::Remote(
                        Box::new(Ast::Atom("Elixir.List".into())),
                        "to_charlist".into(),
                    ),
                    meta: m,
                    args: vec![Ast::List(items)],
                })
            }
        }
    }
}

enum Section {
    Clauses(Vec<Ast>),
    Block(Vec<Ast>),
}

fn block(mut items: Vec<Ast>) -> Ast {
    // Elixir keeps a lone `not x` / `!x` in its block (build_block's
    // rearrange_uop rule); anything else alone is itself
    let unary_not = matches!(items.as_slice(), [Ast::Call { head: Head::Local(n), args, .. }] if args.len() == 1 && (n == "not" || n == "!"));
    if items.len() == 1 && !unary_not {
        return items.pop().unwrap_or(Ast::Atom("nil".into()));
    }
    Ast::call("__block__", Meta::default(), items)
}

/// `a, b when g` heads become `when(a, b, g)` as Elixir quotes them.
fn merge_when(mut items: Vec<Ast>) -> Vec<Ast> {
    if items.len() > 1 {
        if let Some(Ast::Call {
            head: Head::Local(n),
            args,
            meta,
        }) = items.last()
        {
            if n == "when" && args.len() == 2 {
                let (m, last, guard) = (*meta, args[0].clone(), args[1].clone());
                items.pop();
                items.push(last);
                items.push(guard);
                return vec![Ast::call("when", m, items)];
            }
        }
    }
    items
}
