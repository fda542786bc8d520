//! `inspect/2` as Elixir 1.14 prints terms: Inspect.Algebra documents laid
//! out for a width (ELIXIR_SUBSET.md 3.3). Every walk over a term or a
//! document uses an explicit stack, so deep terms never exhaust Rust's.
//! Also a term's `Debug` form, for Rust's own messages.
use std::fmt;

use crate::atom::Atom;
use crate::float::float_to_string;
use crate::list::ListView;
use crate::term::{Fun, Term};

/// `base:` of inspect options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    Decimal,
    Hex,
    Binary,
    Octal,
}

#[derive(Debug, Clone)]
pub struct InspectOpts {
    pub pretty: bool,
    pub width: usize,
    /// Items per collection; `None` is `:infinity`.
    pub limit: Option<usize>,
    pub printable_limit: usize,
    pub charlists_as_lists: bool,
    pub binaries_as_binaries: bool,
    pub base: Base,
}

impl InspectOpts {
    /// How iex prints values: pretty, 80 columns, limit 50.
    pub fn iex() -> InspectOpts {
        InspectOpts {
            pretty: true,
            ..InspectOpts::plain()
        }
    }

    /// `inspect/1`: one line, limit 50.
    pub fn plain() -> InspectOpts {
        InspectOpts {
            pretty: false,
            width: 80,
            limit: Some(50),
            printable_limit: 4096,
            charlists_as_lists: false,
            binaries_as_binaries: false,
            base: Base::Decimal,
        }
    }
}

/// What inspect needs to know of the node that prints.
pub trait InspectCtx {
    /// Field names, in definition order, of a struct module.
    fn struct_fields(&self, module: &Atom) -> Option<Vec<Atom>>;
    /// The first number of `#PID<N.x.y>` for a pid of `node` seen here.
    fn node_number(&self, node: &Atom, creation: u32) -> u32;
}

/// A context that knows no structs and is every pid's own node.
pub struct NoStructs;

impl InspectCtx for NoStructs {
    fn struct_fields(&self, _module: &Atom) -> Option<Vec<Atom>> {
        None
    }

    fn node_number(&self, _node: &Atom, _creation: u32) -> u32 {
        0
    }
}

#[derive(Debug, Clone)]
enum Doc {
    Str(String),
    Concat(Vec<Doc>),
    Nest(Box<Doc>, usize),
    /// A break: its text when flat; strict breaks follow their group,
    /// flex breaks decide on their own.
    Break(&'static str, bool),
    Group(Box<Doc>),
}

impl Doc {
    fn s(t: impl Into<String>) -> Doc {
        Doc::Str(t.into())
    }

    /// Whether the doc has no group or break (a "simple" container item).
    fn simple(&self) -> bool {
        let mut stack = vec![self];
        while let Some(d) = stack.pop() {
            match d {
                Doc::Str(_) => {}
                Doc::Concat(v) => stack.extend(v.iter()),
                Doc::Nest(d, _) => stack.push(d),
                Doc::Break(..) | Doc::Group(_) => return false,
            }
        }
        true
    }

    fn has_break(&self) -> bool {
        let mut stack = vec![self];
        while let Some(d) = stack.pop() {
            match d {
                Doc::Str(_) => {}
                Doc::Concat(v) => stack.extend(v.iter()),
                Doc::Nest(d, _) | Doc::Group(d) => stack.push(d),
                Doc::Break(..) => return true,
            }
        }
        false
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

enum Entry<'a> {
    Doc(usize, Mode, &'a Doc),
}

/// Does everything from column `k` fit in `w`? `rest` is walked until the
/// first break in a broken group or the end.
fn fits(w: usize, mut k: usize, mut entries: Vec<Entry<'_>>) -> bool {
    while let Some(e) = entries.pop() {
        if k > w {
            return false;
        }
        let Entry::Doc(i, m, d) = e;
        match d {
            Doc::Str(s) => k += s.len(),
            Doc::Concat(v) => entries.extend(v.iter().rev().map(|d| Entry::Doc(i, m, d))),
            Doc::Nest(d, n) => entries.push(Entry::Doc(i + n, m, d)),
            Doc::Group(d) => entries.push(Entry::Doc(i, Mode::Flat, d)),
            Doc::Break(s, _) => match m {
                Mode::Flat => k += s.len(),
                Mode::Break => return true,
            },
        }
    }
    k <= w
}

fn render(doc: &Doc, width: Option<usize>) -> String {
    let mut out = String::new();
    let mut k = 0usize;
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, doc)];
    while let Some((i, m, d)) = stack.pop() {
        match d {
            Doc::Str(s) => {
                out.push_str(s);
                k += s.len();
            }
            Doc::Concat(v) => stack.extend(v.iter().rev().map(|d| (i, m, d))),
            Doc::Nest(d, n) => stack.push((i + n, m, d)),
            Doc::Group(g) => {
                let flat = match width {
                    None => true,
                    Some(w) => !g.has_break() || fits(w, k, vec![Entry::Doc(i, Mode::Flat, g)]),
                };
                stack.push((i, if flat { Mode::Flat } else { Mode::Break }, g));
            }
            Doc::Break(s, strict) => {
                let as_text = match (m, width) {
                    (Mode::Flat, _) | (_, None) => true,
                    (Mode::Break, Some(w)) => {
                        if *strict {
                            false
                        } else {
                            let rest: Vec<Entry<'_>> = stack
                                .iter()
                                .map(|(i, m, d)| Entry::Doc(*i, *m, d))
                                .collect();
                            fits(w, k + s.len(), rest)
                        }
                    }
                };
                if as_text {
                    out.push_str(s);
                    k += s.len();
                } else {
                    out.push('\n');
                    out.push_str(&" ".repeat(i));
                    k = i;
                }
            }
        }
    }
    out
}

/// Inspects `t` as Elixir's `inspect(t, opts)` does.
pub fn inspect(t: &Term, opts: &InspectOpts, ctx: &dyn InspectCtx) -> String {
    let doc = Builder { opts, ctx }.doc(t, opts.limit);
    let width = opts.pretty.then_some(opts.width);
    render(&Doc::Group(Box::new(doc)), width)
}

/// How a container breaks: by its items (flex when all are simple), or
/// always flex (tuples), or always strict (keyword lists, maps, structs).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Auto,
    Flex,
    Strict,
}

/// Builds the doc of one container item with the limit it is given.
type ItemDoc<'f> = &'f dyn Fn(&Term, Option<usize>) -> Doc;

struct Builder<'a> {
    opts: &'a InspectOpts,
    ctx: &'a dyn InspectCtx,
}

/// Deepest term the builder descends into before printing `...`.
const MAX_DEPTH: usize = 10_000;

impl Builder<'_> {
    fn doc(&self, t: &Term, limit: Option<usize>) -> Doc {
        self.doc_at(t, limit, 0)
    }

    fn doc_at(&self, t: &Term, limit: Option<usize>, depth: usize) -> Doc {
        if depth > MAX_DEPTH {
            return Doc::s("...");
        }
        match t {
            Term::Int(i) => {
                Doc::s(self.int_text(&i.to_string(), *i < 0, |radix| format_radix_i64(*i, radix)))
            }
            Term::BigInt(b) => {
                let neg = b.sign() == num_bigint::Sign::Minus;
                Doc::s(self.int_text(&b.to_string(), neg, |radix| {
                    let mag = b.magnitude().to_str_radix(radix).to_uppercase();
                    format!("{}{}", if neg { "-" } else { "" }, mag)
                }))
            }
            Term::Float(f) => Doc::s(float_to_string(*f)),
            Term::Atom(a) => Doc::s(atom_to_inspect(a.as_str())),
            Term::Nil => Doc::s("[]"),
            Term::Cons(_) => self.list(t, limit, depth),
            Term::Tuple(items) => {
                if items.is_empty() {
                    return Doc::s("{}");
                }
                self.container(
                    "{",
                    items.iter().collect(),
                    None,
                    "}",
                    limit,
                    depth,
                    None,
                    Layout::Flex,
                )
            }
            Term::Map(_) => self.map(t, limit, depth),
            Term::Binary(b) => match b.as_bytes() {
                Some(bytes) if !self.opts.binaries_as_binaries && printable_string(bytes) => {
                    Doc::s(string_to_inspect_limited(bytes, self.opts.printable_limit))
                }
                _ => self.bitstring(b, limit),
            },
            Term::Pid(p) => Doc::s(format!(
                "#PID<{}.{}.{}>",
                self.ctx.node_number(&p.node, p.creation),
                p.id,
                p.serial
            )),
            Term::Ref(r) => Doc::s(format!(
                "#Reference<{}.{}.{}.{}>",
                self.ctx.node_number(&r.node, r.creation),
                r.ids[2],
                r.ids[1],
                r.ids[0]
            )),
            Term::Fun(f) => Doc::s(match &**f {
                Fun::Export {
                    module,
                    function,
                    arity,
                } => {
                    format!(
                        "&{}.{}/{}",
                        atom_to_inspect(module.as_str()),
                        fun_name(function.as_str()),
                        arity
                    )
                }
                Fun::Closure(c) => format!(
                    "#Function<{}.{}/{} in {}>",
                    c.index, c.uniq, c.arity, c.origin
                ),
            }),
        }
    }

    fn int_text(&self, dec: &str, neg: bool, radix_text: impl Fn(u32) -> String) -> String {
        match self.opts.base {
            Base::Decimal => dec.to_string(),
            Base::Hex => prefixed(radix_text(16), "0x", neg),
            Base::Binary => prefixed(radix_text(2), "0b", neg),
            Base::Octal => prefixed(radix_text(8), "0o", neg),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn container(
        &self,
        open: &str,
        items: Vec<&Term>,
        tail: Option<&Term>,
        close: &str,
        limit: Option<usize>,
        depth: usize,
        item_fn: Option<ItemDoc<'_>>,
        layout: Layout,
    ) -> Doc {
        let mut docs = Vec::new();
        let mut lim = limit;
        let mut truncated = false;
        for it in &items {
            if lim == Some(0) {
                truncated = true;
                break;
            }
            lim = lim.map(|l| l - 1);
            docs.push(match item_fn {
                Some(f) => f(it, lim),
                None => self.doc_at(it, lim, depth + 1),
            });
        }
        let mut simple = docs.iter().all(Doc::simple);
        if let (Some(t), false) = (tail, truncated) {
            // the improper tail joins the last item with " |"
            let tl = lim.map(|l| l.saturating_sub(1));
            let tdoc = self.doc_at(t, tl, depth + 1);
            simple = simple && tdoc.simple();
            if let Some(last) = docs.pop() {
                docs.push(Doc::Concat(vec![
                    last,
                    Doc::s(" |"),
                    Doc::Break(" ", !simple),
                    tdoc,
                ]));
            }
        }
        if truncated {
            docs.push(Doc::s("..."));
        }
        let flex = match layout {
            Layout::Auto => simple,
            Layout::Flex => true,
            Layout::Strict => false,
        };
        self.join(open, docs, close, flex)
    }

    fn join(&self, open: &str, docs: Vec<Doc>, close: &str, flex: bool) -> Doc {
        if docs.is_empty() {
            return Doc::s(format!("{open}{close}"));
        }
        let n = docs.len();
        let mut body = Vec::with_capacity(n * 2);
        for (i, d) in docs.into_iter().enumerate() {
            if i + 1 < n {
                body.push(Doc::Concat(vec![d, Doc::s(",")]));
                body.push(Doc::Break(" ", !flex));
            } else {
                body.push(d);
            }
        }
        let body = Doc::Concat(body);
        if flex {
            Doc::Group(Box::new(Doc::Concat(vec![
                Doc::s(open),
                Doc::Nest(Box::new(body), 1),
                Doc::s(close),
            ])))
        } else {
            Doc::Group(Box::new(Doc::Concat(vec![
                Doc::Nest(
                    Box::new(Doc::Concat(vec![Doc::s(open), Doc::Break("", true), body])),
                    2,
                ),
                Doc::Break("", true),
                Doc::s(close),
            ])))
        }
    }

    fn list(&self, t: &Term, limit: Option<usize>, depth: usize) -> Doc {
        let view = ListView::of(t);
        if view.is_proper() {
            if !self.opts.charlists_as_lists {
                if let Some(s) = printable_charlist(&view.items) {
                    return Doc::s(s);
                }
            }
            if is_keyword(&view.items) {
                let pairs: Vec<&Term> = view.items.iter().collect();
                return self.keyword_container("[", pairs, "]", limit, depth);
            }
            return self.container(
                "[",
                view.items.iter().collect(),
                None,
                "]",
                limit,
                depth,
                None,
                Layout::Auto,
            );
        }
        self.container(
            "[",
            view.items.iter().collect(),
            Some(&view.tail),
            "]",
            limit,
            depth,
            None,
            Layout::Auto,
        )
    }

    fn keyword_container(
        &self,
        open: &str,
        pairs: Vec<&Term>,
        close: &str,
        limit: Option<usize>,
        depth: usize,
    ) -> Doc {
        let f = |p: &Term, lim: Option<usize>| -> Doc {
            match p.as_tuple() {
                Some([Term::Atom(k), v]) => Doc::Concat(vec![
                    Doc::s(format!("{} ", key_to_inspect(k.as_str()))),
                    self.doc_at(v, lim, depth + 1),
                ]),
                _ => self.doc_at(p, lim, depth + 1),
            }
        };
        self.container(
            open,
            pairs,
            None,
            close,
            limit,
            depth,
            Some(&f),
            Layout::Strict,
        )
    }

    fn map(&self, t: &Term, limit: Option<usize>, depth: usize) -> Doc {
        let Term::Map(m) = t else {
            return Doc::s("%{}");
        };
        if let Some(d) = self.special_struct(m, limit, depth) {
            return d;
        }
        let entries: Vec<Term> = m
            .iter()
            .map(|(k, v)| Term::tuple(vec![k.clone(), v.clone()]))
            .collect();
        let refs: Vec<&Term> = entries.iter().collect();
        if entries.is_empty() {
            return Doc::s("%{}");
        }
        let all_atoms = m
            .entries
            .keys()
            .all(|k| matches!(k, Term::Atom(a) if !is_alias(a.as_str())));
        if all_atoms {
            return self.keyword_container("%{", refs, "}", limit, depth);
        }
        let f = |p: &Term, lim: Option<usize>| -> Doc {
            match p.as_tuple() {
                Some([k, v]) => Doc::Concat(vec![
                    self.doc_at(k, lim, depth + 1),
                    Doc::s(" => "),
                    self.doc_at(v, lim, depth + 1),
                ]),
                _ => self.doc_at(p, lim, depth + 1),
            }
        };
        self.container(
            "%{",
            refs,
            None,
            "}",
            limit,
            depth,
            Some(&f),
            Layout::Strict,
        )
    }

    /// Structs the ctx knows, ranges, MapSets and exceptions.
    fn special_struct(
        &self,
        m: &crate::term::MapTerm,
        limit: Option<usize>,
        depth: usize,
    ) -> Option<Doc> {
        let get = |k: &str| {
            m.entries
                .iter()
                .find(|(key, _)| key.is_atom(k))
                .map(|(_, v)| v)
        };
        let Some(Term::Atom(module)) = get("__struct__") else {
            return None;
        };
        match module.as_str() {
            "Elixir.Range" if m.entries.len() == 4 => {
                let (Some(Term::Int(first)), Some(Term::Int(last)), Some(Term::Int(step))) =
                    (get("first"), get("last"), get("step"))
                else {
                    return None;
                };
                let text = if *step == 1 && first <= last {
                    format!("{first}..{last}")
                } else {
                    format!("{first}..{last}//{step}")
                };
                return Some(Doc::s(text));
            }
            "Elixir.MapSet" if m.entries.len() == 3 => {
                if let Some(Term::Map(inner)) = get("map") {
                    let keys: Vec<Term> = inner.iter().map(|(k, _)| k.clone()).collect();
                    let list = Term::list(keys);
                    let inner_doc = self.doc_at(&list, limit, depth + 1);
                    return Some(Doc::Concat(vec![
                        Doc::s("MapSet.new("),
                        inner_doc,
                        Doc::s(")"),
                    ]));
                }
            }
            _ => {}
        }
        let fields = self.ctx.struct_fields(module)?;
        let keys_match = m.entries.len() == fields.len() + 1
            && fields.iter().all(|f| {
                m.entries
                    .keys()
                    .any(|k| matches!(k, Term::Atom(a) if a == f))
            });
        if !keys_match {
            return None;
        }
        let pairs: Vec<Term> = fields
            .iter()
            .filter(|f| f.as_str() != "__exception__")
            .filter_map(|f| {
                get(f.as_str()).map(|v| Term::tuple(vec![Term::Atom(f.clone()), v.clone()]))
            })
            .collect();
        let refs: Vec<&Term> = pairs.iter().collect();
        let open = format!("%{}{{", atom_to_inspect(module.as_str()));
        if refs.is_empty() {
            return Some(Doc::s(format!("{open}}}")));
        }
        Some(self.keyword_container(&open, refs, "}", limit, depth))
    }

    fn bitstring(&self, b: &crate::binary::Bitstring, limit: Option<usize>) -> Doc {
        let raw = b.raw_bytes();
        let rem = b.bit_len() % 8;
        let full = if rem == 0 { raw.len() } else { raw.len() - 1 };
        let mut items: Vec<Doc> = Vec::new();
        let mut lim = limit;
        let mut truncated = false;
        for byte in &raw[..full] {
            if lim == Some(0) {
                truncated = true;
                break;
            }
            lim = lim.map(|l| l - 1);
            items.push(Doc::s(self.int_text(&byte.to_string(), false, |r| {
                format_radix_i64(i64::from(*byte), r)
            })));
        }
        if rem != 0 && !truncated {
            let last = raw[raw.len() - 1] >> (8 - rem);
            items.push(Doc::s(format!(
                "{}::size({rem})",
                self.int_text(&last.to_string(), false, |r| format_radix_i64(
                    i64::from(last),
                    r
                ))
            )));
        }
        if truncated {
            items.push(Doc::s("..."));
        }
        if items.is_empty() {
            return Doc::s("<<>>");
        }
        let n = items.len();
        let mut body = Vec::new();
        for (i, d) in items.into_iter().enumerate() {
            if i + 1 < n {
                body.push(Doc::Concat(vec![d, Doc::s(",")]));
                body.push(Doc::Break(" ", false));
            } else {
                body.push(d);
            }
        }
        Doc::Group(Box::new(Doc::Concat(vec![
            Doc::s("<<"),
            Doc::Nest(Box::new(Doc::Concat(body)), 2),
            Doc::s(">>"),
        ])))
    }
}

fn prefixed(digits: String, prefix: &str, neg: bool) -> String {
    let d = digits.trim_start_matches('-');
    format!("{}{prefix}{d}", if neg { "-" } else { "" })
}

fn format_radix_i64(i: i64, radix: u32) -> String {
    let neg = i < 0;
    let mut n = i.unsigned_abs();
    if n == 0 {
        return "0".into();
    }
    let mut s = Vec::new();
    while n > 0 {
        let d = (n % u64::from(radix)) as u32;
        s.push(
            std::char::from_digit(d, radix)
                .unwrap_or('0')
                .to_ascii_uppercase(),
        );
        n /= u64::from(radix);
    }
    if neg {
        s.push('-');
    }
    s.iter().rev().collect()
}

fn is_keyword(items: &[Term]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| matches!(i.as_tuple(), Some([Term::Atom(a), _]) if !is_alias(a.as_str())))
}

fn printable_charlist(items: &[Term]) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let mut out = String::from("'");
    for i in items {
        let Term::Int(c) = i else { return None };
        let c = *c;
        match c {
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            9 => out.push_str("\\t"),
            10 => out.push_str("\\n"),
            11 => out.push_str("\\v"),
            12 => out.push_str("\\f"),
            13 => out.push_str("\\r"),
            27 => out.push_str("\\e"),
            39 => out.push_str("\\'"),
            92 => out.push_str("\\\\"),
            35 => out.push('#'),
            32..=126 => out.push(c as u8 as char),
            _ => return None,
        }
    }
    // `#{` must not read as interpolation
    out = out.replace("#{", "\\#{");
    out.push('\'');
    Some(out)
}

fn printable_char(c: char) -> bool {
    matches!(c as u32, 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
        || matches!(
            c,
            '\n' | '\r' | '\t' | '\u{b}' | '\u{8}' | '\u{c}' | '\u{1b}' | '\u{7f}' | '\u{7}'
        )
}

fn printable_string(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.chars().all(printable_char),
        Err(_) => false,
    }
}

/// A string literal as inspect shows it, with escapes.
pub fn string_to_inspect(bytes: &[u8]) -> String {
    string_to_inspect_limited(bytes, usize::MAX)
}

fn string_to_inspect_limited(bytes: &[u8], limit: usize) -> String {
    let s = String::from_utf8_lossy(bytes);
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    let mut n = 0;
    while let Some(c) = chars.next() {
        if n >= limit {
            out.push_str("\" <> ...");
            return out;
        }
        n += 1;
        escape_into(&mut out, c, '"', chars.peek() == Some(&'{'));
    }
    out.push('"');
    out
}

fn escape_into(out: &mut String, c: char, quote: char, brace_next: bool) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\u{b}' => out.push_str("\\v"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\u{1b}' => out.push_str("\\e"),
        '\u{7f}' => out.push_str("\\d"),
        '\u{7}' => out.push_str("\\a"),
        '\\' => out.push_str("\\\\"),
        '#' if brace_next => out.push_str("\\#"),
        '\u{feff}' => out.push_str("\\uFEFF"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c => out.push(c),
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first == '_' || first.is_alphabetic()) {
        return false;
    }
    let body: Vec<char> = chars.collect();
    let (core, last) = match body.last() {
        Some('?' | '!') => (&body[..body.len() - 1], true),
        _ => (&body[..], false),
    };
    let _ = last;
    core.iter()
        .all(|c| c.is_alphanumeric() || *c == '_' || *c == '@')
}

fn is_alias(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("Elixir.") else {
        return false;
    };
    rest.split('.').all(|p| {
        let mut cs = p.chars();
        cs.next().is_some_and(|c| c.is_ascii_uppercase())
            && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

const BARE_OPS: &[&str] = &[
    "+", "-", "*", "/", "==", "===", "!=", "!==", "<", ">", "<=", ">=", "&&", "||", "!", "<>",
    "++", "--", "..", "...", "..//", "|>", "=~", "<-", "->", "\\\\", "|", "=", "^", "@", "&", "%",
    "%{}", "{}", "<<>>", ".", "and", "or", "not", "in", "when", "fn", "do", "end", "<<<", "&&&",
    ">>>", "|||", "<<~", "~>>", "<~", "~>", "<~>", "**", "::",
];

fn needs_quotes_as_atom(s: &str) -> bool {
    if s == "::" {
        return true;
    }
    !(is_ident(s) || BARE_OPS.contains(&s))
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        escape_into(&mut out, c, '"', chars.peek() == Some(&'{'));
    }
    out.push('"');
    out
}

/// An atom as inspect prints it: `:ok`, `Foo.Bar`, `:"foo bar"`, `nil`.
pub fn atom_to_inspect(a: &str) -> String {
    match a {
        "nil" | "true" | "false" => return a.to_string(),
        "Elixir" => return "Elixir".to_string(),
        _ => {}
    }
    if is_alias(a) {
        let rest = &a["Elixir.".len()..];
        // `Elixir.Elixir` would read back as `Elixir`
        return if rest == "Elixir" || rest.starts_with("Elixir.") {
            a.to_string()
        } else {
            rest.to_string()
        };
    }
    if needs_quotes_as_atom(a) {
        format!(":{}", quoted(a))
    } else {
        format!(":{a}")
    }
}

/// An atom as a keyword or map key: `a:`, `"b c":`, `+:`.
pub fn key_to_inspect(a: &str) -> String {
    if is_ident(a) || (BARE_OPS.contains(&a) && a != "::") {
        format!("{a}:")
    } else {
        format!("{}:", quoted(a))
    }
}

/// A function name in a capture: bare when it reads as one.
fn fun_name(f: &str) -> String {
    if is_ident(f) || (BARE_OPS.contains(&f) && f != "::") {
        f.to_string()
    } else {
        quoted(f)
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Int(i) => write!(f, "{i}"),
            Term::BigInt(b) => write!(f, "{b}"),
            Term::Float(x) => f.write_str(&float_to_string(*x)),
            Term::Atom(a) => write!(f, "{a:?}"),
            Term::Nil => write!(f, "[]"),
            Term::Cons(_) => {
                let view = ListView::of(self);
                write!(f, "{:?}", view.items)?;
                if !matches!(view.tail, Term::Nil) {
                    write!(f, " | {:?}", view.tail)?;
                }
                Ok(())
            }
            Term::Tuple(t) => {
                write!(f, "{{")?;
                for (i, x) in t.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x:?}")?;
                }
                write!(f, "}}")
            }
            Term::Map(m) => f.debug_map().entries(m.entries.iter()).finish(),
            Term::Binary(b) => write!(f, "{b:?}"),
            Term::Pid(p) => write!(f, "#PID<{}.{}.{}>", p.node.as_str(), p.id, p.serial),
            Term::Ref(r) => write!(f, "#Reference<{}.{:?}>", r.node.as_str(), r.ids),
            Term::Fun(fun) => match &**fun {
                Fun::Export {
                    module,
                    function,
                    arity,
                } => write!(f, "&{module:?}.{function:?}/{arity}"),
                Fun::Closure(c) => write!(
                    f,
                    "#Function<{}.{}/{} in {}>",
                    c.index, c.uniq, c.arity, c.origin
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MapEntries;

    fn a(s: &str) -> Term {
        Term::Atom(Atom::new_uninterned(s))
    }

    fn iex(t: &Term) -> String {
        inspect(t, &InspectOpts::iex(), &NoStructs)
    }

    #[test]
    fn atoms() {
        assert_eq!(atom_to_inspect("ok"), ":ok");
        assert_eq!(atom_to_inspect("Elixir.Foo.Bar"), "Foo.Bar");
        assert_eq!(atom_to_inspect("foo bar"), ":\"foo bar\"");
        assert_eq!(atom_to_inspect("1a"), ":\"1a\"");
        assert_eq!(atom_to_inspect("Foo"), ":Foo");
        assert_eq!(atom_to_inspect("Elixir.foo"), ":\"Elixir.foo\"");
        assert_eq!(atom_to_inspect("::"), ":\"::\"");
        assert_eq!(atom_to_inspect("+"), ":+");
        assert_eq!(atom_to_inspect("foo?"), ":foo?");
        assert_eq!(atom_to_inspect("a@b"), ":a@b");
        assert_eq!(key_to_inspect("b c"), "\"b c\":");
        assert_eq!(key_to_inspect("+"), "+:");
    }

    #[test]
    fn long_list_wraps_flex() {
        let l = Term::list((1..=60).map(Term::Int));
        assert_eq!(
            iex(&l),
            "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,\n 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,\n 43, 44, 45, 46, 47, 48, 49, 50, ...]"
        );
    }

    #[test]
    fn nested_map_breaks_strict() {
        let mut m = MapEntries::new();
        m.insert(a("id"), Term::Int(1));
        m.insert(
            a("payload"),
            Term::string("some long text that will not fit on one line"),
        );
        m.insert(a("tags"), Term::list([a("a"), a("b"), a("c")]));
        let t = Term::tuple(vec![a("ok"), Term::map(m)]);
        assert_eq!(
            iex(&t),
            "{:ok,\n %{\n   id: 1,\n   payload: \"some long text that will not fit on one line\",\n   tags: [:a, :b, :c]\n }}"
        );
    }

    #[test]
    fn charlists_strings_binaries() {
        assert_eq!(iex(&Term::list([Term::Int(104), Term::Int(105)])), "'hi'");
        assert_eq!(iex(&Term::list([Term::Int(7)])), "'\\a'");
        assert_eq!(iex(&Term::list([Term::Int(233)])), "[233]");
        assert_eq!(iex(&Term::binary(&[97, 98, 99, 0])), "<<97, 98, 99, 0>>");
        assert_eq!(iex(&Term::string("a\"b#{")), "\"a\\\"b\\#{\"");
        assert_eq!(
            iex(&Term::list_with_tail(
                [Term::Int(1), Term::Int(2)],
                Term::Int(3)
            )),
            "[1, 2 | 3]"
        );
    }
}
