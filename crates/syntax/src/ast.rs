//! Elixir's quoted form in Rust.
//!
//! | Elixir source        | quoted                                         | here |
//! |----------------------|------------------------------------------------|------|
//! | `1`, `1.0`, `:a`, `"s"` | themselves                                  | `Int`, `Float`, `Atom`, `String` |
//! | `[a, b]`             | a list                                         | `List` |
//! | `{a, b}`             | a 2-tuple literal                              | `Pair` |
//! | `{a, b, c}`          | `{:{}, meta, [a, b, c]}`                       | `Call` named `{}` |
//! | `x`                  | `{:x, meta, nil}`                              | `Var` |
//! | `f(x)`, `a + b`      | `{:f, meta, [x]}`, `{:+, meta, [a, b]}`        | `Call` with `Local` head |
//! | `M.f(x)`             | `{{:., m, [M, :f]}, meta, [x]}`                | `Call` with `Remote` head |
//! | `f.(x)`              | `{{:., m, [f]}, meta, [x]}`                    | `Call` with `Anon` head |
//! | `map.key`            | `{{:., m, [map, :key]}, [no_parens: true], []}` | `Call`, `Remote`, `no_parens` |
//! | `Foo.Bar`            | `{:__aliases__, meta, [:Foo, :Bar]}`           | `Alias` |
//! | `a; b`               | `{:__block__, [], [a, b]}`                     | `Call` named `__block__` |
//! | `x do a else b end`  | `[do: a, else: b]` as the last argument        | a `List` of `Pair(Atom, _)` |
//! | `p -> body`          | `{:->, meta, [[p], body]}`                     | `Call` named `->` |
//! | `"a#{x}"`            | `{:<<>>, m, ["a", {:"::", m, [{{:., m, [Kernel, :to_string]}, m, [x]}, {:binary, m, nil}]}]}` | as quoted |
//! | `'ab'`               | `[97, 98]`                                     | `Charlist` (keeps the literal's shape) |
//! | `~w(a b)a`           | `{:sigil_w, m, [{:<<>>, m, ["a b"]}, 'a']}`    | as quoted |
//! | `&1`                 | `{:&, m, [1]}`                                 | `Call` named `&` |
//!
//! Operators are calls with their Elixir names (`+`, `|>`, `=`, `when`,
//! `::`, `|`, `..`, `..//`, `not in` is `{:not, m, [{:in, m, [a, b]}]}`),
//! exactly as `Code.string_to_quoted` gives them.
use num_bigint::BigInt;

/// Where a node starts: 1-based line and column, as Elixir's `line:`/`column:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Meta {
    pub line: u32,
    pub column: u32,
    /// `map.key` and `Mod.fun` written without parentheses.
    pub no_parens: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    Int(i64),
    BigInt(BigInt),
    Float(f64),
    Atom(String),
    /// A binary literal (no interpolation).
    String(String),
    /// A charlist literal `'ab'` / `~c(ab)`: quoted form is a list of integers.
    Charlist(Vec<u32>),
    List(Vec<Ast>),
    /// A 2-tuple literal.
    Pair(Box<Ast>, Box<Ast>),
    /// `{name, meta, nil}`.
    Var {
        name: String,
        meta: Meta,
    },
    /// `{:__aliases__, meta, [:Foo, :Bar]}`.
    Alias {
        parts: Vec<String>,
        meta: Meta,
    },
    /// `{head, meta, args}`.
    Call {
        head: Head,
        meta: Meta,
        args: Vec<Ast>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Head {
    /// `f(...)`, operators, special forms (`case`, `fn`, `{}`, `%{}`, ...).
    Local(String),
    /// `expr.name(...)`: `{:., m, [expr, :name]}`.
    Remote(Box<Ast>, String),
    /// `expr.(...)`: `{:., m, [expr]}`.
    Anon(Box<Ast>),
}

impl Ast {
    pub fn call(name: &str, meta: Meta, args: Vec<Ast>) -> Ast {
        Ast::Call {
            head: Head::Local(name.to_string()),
            meta,
            args,
        }
    }

    /// The name when this is a local call (or operator) named so.
    pub fn local_name(&self) -> Option<&str> {
        match self {
            Ast::Call {
                head: Head::Local(n),
                ..
            } => Some(n),
            _ => None,
        }
    }

    pub fn meta(&self) -> Option<Meta> {
        match self {
            Ast::Var { meta, .. } | Ast::Alias { meta, .. } | Ast::Call { meta, .. } => Some(*meta),
            _ => None,
        }
    }
}
