//! The contract between the VM and functions implemented in Rust ("natives",
//! BIFs). A native gets its arguments and a [`Ctx`] and returns a value or
//! raises. Natives never call back into user code and never block: library
//! functions that take closures or wait are written in Elixir (the prelude),
//! so every process stays resumable (DESIGN.md invariant 2).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use beamplay_term::{Atom, AtomTable, Term};

/// How a raise unwinds: `:error`, `:exit` or `:throw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Error,
    Exit,
    Throw,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Error => "error",
            Kind::Exit => "exit",
            Kind::Throw => "throw",
        }
    }
}

/// A raised error, exit or throw. `reason` is the raw Erlang reason
/// (`:badarg`, `{:badmatch, v}`, an exception struct...); Elixir's
/// normalization into exception structs happens when it is rescued or
/// printed.
#[derive(Debug, Clone)]
pub struct Raise {
    pub kind: Kind,
    pub reason: Term,
    /// For `:badarg` from a BIF: which arguments were wrong and why (the
    /// `errors were found at the given arguments:` text). 1-based.
    pub arg_errors: Vec<(u8, String)>,
    /// `{module, function, arity}` of the native that raised, for
    /// FunctionClauseError and stack traces.
    pub mfa: Option<(Atom, Atom, u32)>,
    /// The stack trace of a raise raised again (a `try` whose clauses did
    /// not match it, an `after`, `:erlang.raise/3`): where it first
    /// happened, which stands for the stack where it is raised now.
    pub stack: Option<Term>,
}

impl Raise {
    pub fn error(reason: Term) -> Raise {
        Raise {
            kind: Kind::Error,
            reason,
            arg_errors: Vec::new(),
            mfa: None,
            stack: None,
        }
    }

    pub fn exit(reason: Term) -> Raise {
        Raise {
            kind: Kind::Exit,
            ..Raise::error(reason)
        }
    }

    pub fn throw(value: Term) -> Raise {
        Raise {
            kind: Kind::Throw,
            ..Raise::error(value)
        }
    }
}

pub type NResult = Result<Term, Raise>;

/// A native function: arguments in, value or raise out.
pub type NativeFn = fn(&mut Ctx<'_>, Argv<'_>) -> NResult;

/// A native's arguments, as many as its arity (the table finds a native by
/// name and arity), so `a[i]` below the arity always holds. Reading past
/// them panics in one place: a slice's own bounds check at each of the
/// natives' hundreds of `a[i]` puts a panic location for each in the wasm.
#[derive(Clone, Copy)]
pub struct Argv<'a>(pub &'a [Term]);

impl std::ops::Deref for Argv<'_> {
    type Target = [Term];

    fn deref(&self) -> &[Term] {
        self.0
    }
}

impl std::ops::Index<usize> for Argv<'_> {
    type Output = Term;

    #[inline]
    fn index(&self, i: usize) -> &Term {
        match self.0.get(i) {
            Some(t) => t,
            None => beyond_arity(i),
        }
    }
}

#[cold]
#[inline(never)]
fn beyond_arity(i: usize) -> ! {
    panic!("a native read argument {i}, beyond its arity")
}

/// What a native may use of its node. Pure natives need only atoms, the
/// clock and the RNG; process natives get more through `proc`.
pub struct Ctx<'a> {
    pub atoms: &'a mut AtomTable,
    /// World virtual (or real, in real-time mode) time in microseconds.
    pub now_us: u64,
    pub rng: &'a mut Rng,
}

impl Ctx<'_> {
    /// Interns an atom; past the atom limit this raises `system_limit` as OTP does.
    pub fn atom(&mut self, name: &str) -> Result<Atom, Raise> {
        self.atoms
            .intern(name)
            .map_err(|_| Raise::error(Term::Atom(Atom::new_uninterned("system_limit"))))
    }

    pub fn atom_term(&mut self, name: &str) -> NResult {
        self.atom(name).map(Term::Atom)
    }

    /// A static atom that is always present (`ok`, `error`, `true`...).
    pub fn known(&mut self, name: &'static str) -> Term {
        match self.atoms.intern(name) {
            Ok(a) => Term::Atom(a),
            Err(_) => Term::Atom(Atom::new_uninterned(name)),
        }
    }

    pub fn bool(&mut self, b: bool) -> Term {
        self.known(if b { "true" } else { "false" })
    }

    /// `:badarg` with per-argument explanations (1-based argument numbers).
    pub fn badarg(&mut self, errors: &[(u8, &str)]) -> Raise {
        let mut r = Raise::error(self.known("badarg"));
        r.arg_errors = errors.iter().map(|(n, s)| (*n, s.to_string())).collect();
        r
    }

    /// Room for `words` more under the running process's heap limit, or
    /// the exit that ends it (the interpreter kills it, uncatchably, with
    /// a `maximum heap size reached` report).
    pub fn reserve(&mut self, words: usize) -> Result<(), Raise> {
        beamplay_term::meter::reserve(words).map_err(|_| Raise::exit(self.known("killed")))
    }

    /// A plain `:badarg` without details (`:a ++ [1]`).
    pub fn badarg_plain(&mut self) -> Raise {
        Raise::error(self.known("badarg"))
    }

    pub fn badarith(&mut self) -> Raise {
        Raise::error(self.known("badarith"))
    }

    /// `{tag, value}` as an error reason: `{:badmap, v}`, `{:badkey, k}`.
    pub fn error_tuple(&mut self, tag: &'static str, value: Term) -> Raise {
        Raise::error(Term::tuple(vec![self.known(tag), value]))
    }

    /// An exception struct of `module` with `fields` raised as an error.
    pub fn exception(&mut self, module: &str, fields: Vec<(&str, Term)>) -> Raise {
        let mut m = beamplay_term::MapEntries::new();
        m.insert(
            self.known("__struct__"),
            self.atom_term(module).unwrap_or(Term::Nil),
        );
        m.insert(self.known("__exception__"), self.known("true"));
        for (k, v) in fields {
            m.insert(self.atom_term(k).unwrap_or(Term::Nil), v);
        }
        Raise::error(Term::map(m))
    }

    /// `ArgumentError` with `message`.
    pub fn argument_error(&mut self, message: &str) -> Raise {
        self.exception(
            "Elixir.ArgumentError",
            vec![("message", Term::string(message))],
        )
    }

    /// `:function_clause` raised from within `module.function/arity`.
    pub fn function_clause(&mut self, module: &str, function: &str, arity: u32) -> Raise {
        let mut r = Raise::error(self.known("function_clause"));
        if let (Ok(m), Ok(f)) = (self.atom(module), self.atom(function)) {
            r.mfa = Some((m, f, arity));
        }
        r
    }
}

/// The World's deterministic generator (xorshift64*): natives draw from it,
/// never from ambient randomness (DESIGN.md invariant 1).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `1..=n` (`:rand.uniform/1`); `n` must be > 0.
    pub fn uniform(&mut self, n: u64) -> u64 {
        1 + self.next_u64() % n.max(1)
    }
}

/// What a native that acts on processes asks of the interpreter.
pub enum NativeOut {
    Value(Term),
    Raise(Raise),
    /// Call this fun with these args in place of the native (apply).
    Call(Term, Vec<Term>),
    /// End the calling process with this reason.
    Exit(Term),
}

/// A native's number in its table: what a call the compiler resolved to
/// a process native holds (`Callee::ProcNative`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NativeId(u32);

/// A native as its table holds it: a pure function, or one that acts on
/// the calling process and its node (`P`: the runtime's signature,
/// `node::ProcNativeFn`, which this layer does not know).
#[derive(Clone, Copy)]
pub enum Native<P> {
    Pure(NativeFn),
    Process(P),
}

/// What the compiler learns of a `{module, function, arity}`: a pure
/// native it can call directly (and use in guards), or a process native
/// by number.
#[derive(Clone, Copy)]
pub enum Found {
    Pure(NativeFn),
    Process(NativeId),
}

/// The natives a compiler may resolve calls to.
pub trait NativeIndex {
    fn find(&self, module: &str, function: &str, arity: u32) -> Option<Found>;

    /// Whether `module` has any native (so a missing function is
    /// "undefined or private" rather than "module not available").
    fn has_module(&self, module: &str) -> bool;
}

/// Every native of a runtime, pure and process ones, by `{module,
/// function, arity}` (module names as atoms print: `"erlang"`,
/// `"Elixir.String"`) and by number.
pub struct NativeTable<P> {
    by_name: HashMap<(&'static str, &'static str, u32), u32>,
    entries: Vec<Native<P>>,
    modules: HashSet<&'static str>,
    /// Names registered twice (the later one wins): a bug the tests catch.
    twice: Vec<(&'static str, &'static str, u32)>,
}

impl<P> Default for NativeTable<P> {
    fn default() -> Self {
        NativeTable {
            by_name: HashMap::default(),
            entries: Vec::new(),
            modules: HashSet::default(),
            twice: Vec::new(),
        }
    }
}

impl<P: Copy> NativeTable<P> {
    /// Registers a pure native.
    pub fn add(&mut self, module: &'static str, function: &'static str, arity: u32, f: NativeFn) {
        self.insert((module, function, arity), Native::Pure(f));
    }

    /// Registers a native that acts on the calling process.
    pub fn add_process(&mut self, module: &'static str, function: &'static str, arity: u32, f: P) {
        self.insert((module, function, arity), Native::Process(f));
    }

    fn insert(&mut self, key: (&'static str, &'static str, u32), native: Native<P>) {
        let id = self.entries.len() as u32;
        self.entries.push(native);
        self.modules.insert(key.0);
        if self.by_name.insert(key, id).is_some() {
            self.twice.push(key);
        }
    }

    /// The native called `module.function/arity`.
    pub fn lookup(&self, module: &str, function: &str, arity: u32) -> Option<Native<P>> {
        let id = self.by_name.get(&(module, function, arity))?;
        self.entries.get(*id as usize).copied()
    }

    /// The process native number `id`.
    pub fn process(&self, id: NativeId) -> Option<P> {
        match self.entries.get(id.0 as usize)? {
            Native::Process(f) => Some(*f),
            Native::Pure(_) => None,
        }
    }

    /// The name `f` was first registered under, for listings: a guard op
    /// holds only the function. Found by address, so two natives the
    /// optimizer compiled to one body would share the first one's name.
    pub fn name_of(&self, f: NativeFn) -> Option<(&'static str, &'static str, u32)> {
        let is_f = |id: u32| match self.entries.get(id as usize) {
            Some(Native::Pure(g)) => *g as usize == f as usize,
            _ => false,
        };
        self.by_name
            .iter()
            .filter(|(_, id)| is_f(**id))
            .min_by_key(|(_, id)| **id)
            .map(|(key, _)| *key)
    }

    /// Names registered more than once.
    pub fn registered_twice(&self) -> &[(&'static str, &'static str, u32)] {
        &self.twice
    }
}

impl<P: Copy> NativeIndex for NativeTable<P> {
    fn find(&self, module: &str, function: &str, arity: u32) -> Option<Found> {
        let id = *self.by_name.get(&(module, function, arity))?;
        Some(match self.entries.get(id as usize)? {
            Native::Pure(f) => Found::Pure(*f),
            Native::Process(_) => Found::Process(NativeId(id)),
        })
    }

    fn has_module(&self, module: &str) -> bool {
        self.modules.contains(module)
    }
}
