//! The `Term` enum and the types of its variants. What walks terms lives in
//! the files that import this one, so that none is imported back (the
//! crate's files form layers: `crates/vm/tests/layers.rs`): equality and
//! order (`order.rs`), a map's iteration order (`MapTerm::iter`,
//! `hash.rs`), heap measurement (`heap.rs`), the `Debug` form
//! (`inspect.rs`).
use std::any::Any;
use std::rc::Rc;

use num_bigint::BigInt;

use crate::atom::Atom;
use crate::binary::Bitstring;

/// A value. 16 bytes; cloning never copies more than a pointer.
pub enum Term {
    /// Small integer. Results that leave `i64` become [`Term::BigInt`].
    Int(i64),
    /// Integer outside `i64`, never one that fits (see [`crate::int_from_bigint`]).
    BigInt(Rc<BigInt>),
    Float(f64),
    Atom(Atom),
    /// The empty list `[]`.
    Nil,
    Cons(Rc<Cons>),
    Tuple(Rc<TupleData>),
    Map(Rc<MapTerm>),
    Binary(Rc<Bitstring>),
    Pid(Rc<PidData>),
    Ref(Rc<RefData>),
    Fun(Rc<Fun>),
}

impl Clone for Term {
    /// Integers are copied inline (register moves and argument passing
    /// clone them all the time), word by word: a register is most often
    /// written so, and a copy of both words at once would wait for those
    /// writes to reach the cache. The rest bump a reference count.
    #[inline(always)]
    fn clone(&self) -> Term {
        match self {
            Term::Int(i) => Term::Int(*i),
            _ => self.clone_boxed(),
        }
    }
}

impl Term {
    fn clone_boxed(&self) -> Term {
        match self {
            Term::Int(i) => Term::Int(*i),
            Term::BigInt(b) => Term::BigInt(b.clone()),
            Term::Float(f) => Term::Float(*f),
            Term::Atom(a) => Term::Atom(a.clone()),
            Term::Nil => Term::Nil,
            Term::Cons(c) => Term::Cons(c.clone()),
            Term::Tuple(t) => Term::Tuple(t.clone()),
            Term::Map(m) => Term::Map(m.clone()),
            Term::Binary(b) => Term::Binary(b.clone()),
            Term::Pid(p) => Term::Pid(p.clone()),
            Term::Ref(r) => Term::Ref(r.clone()),
            Term::Fun(f) => Term::Fun(f.clone()),
        }
    }
}

/// A list cell. Dropping a long list is iterative, never recursive.
pub struct Cons {
    pub head: Term,
    pub tail: Term,
}

impl Drop for Cons {
    fn drop(&mut self) {
        let mut head = std::mem::replace(&mut self.head, Term::Nil);
        let mut next = std::mem::replace(&mut self.tail, Term::Nil);
        loop {
            drop_shallow(head);
            match next {
                Term::Cons(rc) => match Rc::try_unwrap(rc) {
                    Ok(cell) => {
                        // emptied here, the cell needs no drop of its own
                        let mut cell = std::mem::ManuallyDrop::new(cell);
                        head = std::mem::replace(&mut cell.head, Term::Nil);
                        next = std::mem::replace(&mut cell.tail, Term::Nil);
                    }
                    Err(_) => return,
                },
                other => return drop_shallow(other),
            }
        }
    }
}

/// A tuple's elements. Dropping nested tuples is iterative.
pub struct TupleData(pub Vec<Term>);

impl std::ops::Deref for TupleData {
    type Target = [Term];
    fn deref(&self) -> &[Term] {
        &self.0
    }
}

impl Drop for TupleData {
    fn drop(&mut self) {
        if self.0.iter().any(owns_container) {
            dismantle(std::mem::take(&mut self.0));
        }
    }
}

impl Drop for MapTerm {
    fn drop(&mut self) {
        if self.entries.len() <= 32
            && self
                .entries
                .iter()
                .any(|(k, v)| owns_container(k) || owns_container(v))
        {
            dismantle(self.take_small());
        }
    }
}

impl Drop for Closure {
    fn drop(&mut self) {
        if self.env.iter().any(owns_container) {
            dismantle(std::mem::take(&mut self.env));
        }
    }
}

/// Whether dropping `t` could recurse: a container that only this
/// reference holds.
fn owns_container(t: &Term) -> bool {
    match t {
        Term::Cons(rc) => Rc::strong_count(rc) == 1,
        Term::Tuple(rc) => Rc::strong_count(rc) == 1 && !rc.0.is_empty(),
        Term::Map(rc) => Rc::strong_count(rc) == 1 && !rc.entries.is_empty(),
        Term::Fun(rc) => {
            Rc::strong_count(rc) == 1 && matches!(&**rc, Fun::Closure(c) if !c.env.is_empty())
        }
        _ => false,
    }
}

/// Drops `t`, taking apart what only it holds without recursing.
#[inline]
fn drop_shallow(t: Term) {
    if t.is_immediate() {
        std::mem::forget(t);
    } else if owns_container(&t) {
        dismantle(vec![t]);
    }
}

/// Drops `work` and everything only it holds one box at a time, so a
/// term nested a million levels deep never recurses on the Rust stack.
fn dismantle(mut work: Vec<Term>) {
    while let Some(t) = work.pop() {
        match t {
            Term::Cons(rc) => {
                if let Ok(mut c) = Rc::try_unwrap(rc) {
                    work.push(std::mem::replace(&mut c.head, Term::Nil));
                    work.push(std::mem::replace(&mut c.tail, Term::Nil));
                }
            }
            Term::Tuple(rc) => {
                if let Ok(mut items) = Rc::try_unwrap(rc) {
                    work.append(&mut items.0);
                }
            }
            Term::Map(rc) => {
                if let Ok(mut m) = Rc::try_unwrap(rc) {
                    work.extend(m.take_small());
                }
            }
            Term::Fun(rc) => {
                if let Ok(Fun::Closure(mut c)) = Rc::try_unwrap(rc) {
                    work.append(&mut c.env);
                }
            }
            leaf => drop(leaf),
        }
    }
}

/// The entries of a map, kept in map-key order (term order, integers
/// before equal floats): a persistent B-tree, so that changing a shared
/// map (`Map.put/3` in a loop) copies a path, not the map.
pub type MapEntries = imbl::GenericOrdMap<Term, Term, imbl::shared_ptr::RcK>;

/// A map. [`MapTerm::iter`] gives its entries in the BEAM's iteration
/// order (term order up to 32 keys, hash order beyond).
#[derive(Clone, Default)]
pub struct MapTerm {
    pub entries: MapEntries,
}

impl MapTerm {
    /// The keys and values of a map of up to 32 entries, taken out (for
    /// dropping without recursion; a larger map's tree may be shared with
    /// other maps, and walking it on every drop would cost its size).
    fn take_small(&mut self) -> Vec<Term> {
        if self.entries.len() > 32 {
            return Vec::new();
        }
        std::mem::take(&mut self.entries)
            .into_iter()
            .flat_map(|(k, v)| [k, v])
            .collect()
    }

    /// The map behind `rc`, ready to change (copied first if shared: the
    /// tree is shared and the change copies one path of it), with the copy
    /// and `growth` more entries charged to the allocation meter.
    pub fn make_mut(rc: &mut Rc<MapTerm>, growth: usize) -> &mut MapTerm {
        let copied = if Rc::strong_count(rc) > 1 { 16 } else { 0 };
        crate::meter::charge(crate::meter::map_words(copied + growth));
        Rc::make_mut(rc)
    }
}

/// A process identifier: node, creation (incarnation of the node), and the
/// two numbers iex shows (`#PID<N.id.serial>`, N depending on the viewer).
/// A node numbers its processes as BEAM does: `id` takes the low
/// [`PID_NUMBER_BITS`] bits of its count, `serial` the rest.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct PidData {
    pub node: Atom,
    pub creation: u32,
    pub id: u32,
    pub serial: u32,
}

/// The bits of a pid's number on BEAM: past 32,767 processes, the count
/// goes on in the serial.
pub const PID_NUMBER_BITS: u32 = 15;
/// The largest serial BEAM takes in a pid's text.
pub const PID_SERIAL_MAX: u32 = (1 << 13) - 1;

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct RefData {
    pub node: Atom,
    pub creation: u32,
    pub ids: [u32; 3],
}

pub enum Fun {
    /// `&Mod.fun/arity`: resolved at call time on the calling node.
    Export {
        module: Atom,
        function: Atom,
        arity: u32,
    },
    Closure(Closure),
}

/// A closure: the code it runs and the values it captured. The code is the
/// VM's (opaque here); closures travel between nodes as data.
pub struct Closure {
    pub arity: u32,
    /// Module whose code defines it (`:erl_eval` for console closures).
    pub module: Atom,
    /// The two numbers of `#Function<index.uniq/arity in ...>`.
    pub index: u32,
    pub uniq: u32,
    /// What follows `in` when inspected: `:erl_eval.expr/6`, `Mod.fun/1`.
    pub origin: Rc<str>,
    pub env: Vec<Term>,
    pub code: Rc<dyn Any>,
}

impl Term {
    pub fn atom(a: &Atom) -> Term {
        Term::Atom(a.clone())
    }

    pub fn tuple(items: Vec<Term>) -> Term {
        crate::meter::charge(crate::meter::tuple_words(items.len()));
        Term::Tuple(Rc::new(TupleData(items)))
    }

    /// `&module.function/arity`.
    pub fn export(module: Atom, function: Atom, arity: u32) -> Term {
        Term::Fun(Rc::new(Fun::Export {
            module,
            function,
            arity,
        }))
    }

    pub fn cons(head: Term, tail: Term) -> Term {
        crate::meter::charge(crate::meter::CONS_WORDS);
        Term::Cons(Rc::new(Cons { head, tail }))
    }

    /// A proper list of `items`, in order.
    pub fn list(items: impl IntoIterator<Item = Term, IntoIter: DoubleEndedIterator>) -> Term {
        Term::list_with_tail(items, Term::Nil)
    }

    pub fn list_with_tail(
        items: impl IntoIterator<Item = Term, IntoIter: DoubleEndedIterator>,
        tail: Term,
    ) -> Term {
        items
            .into_iter()
            .rev()
            .fold(tail, |acc, item| Term::cons(item, acc))
    }

    pub fn binary(bytes: &[u8]) -> Term {
        Term::Binary(Rc::new(Bitstring::from_bytes(bytes)))
    }

    pub fn string(s: &str) -> Term {
        Term::binary(s.as_bytes())
    }

    pub fn map(entries: MapEntries) -> Term {
        crate::meter::charge(crate::meter::map_words(entries.len()));
        Term::Map(Rc::new(MapTerm { entries }))
    }

    pub fn is_atom(&self, name: &str) -> bool {
        matches!(self, Term::Atom(a) if a.as_str() == name)
    }

    pub fn as_atom(&self) -> Option<&Atom> {
        match self {
            Term::Atom(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_tuple(&self) -> Option<&[Term]> {
        match self {
            Term::Tuple(t) => Some(t),
            _ => None,
        }
    }

    /// The bytes of a byte-aligned binary.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Term::Binary(b) => b.as_bytes(),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Term::Int(_) | Term::BigInt(_) | Term::Float(_))
    }

    pub fn is_integer(&self) -> bool {
        matches!(self, Term::Int(_) | Term::BigInt(_))
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Term::Nil | Term::Cons(_))
    }

    /// Whether dropping this term frees nothing (no reference count to
    /// decrement): integers, floats and `[]`.
    #[inline(always)]
    pub fn is_immediate(&self) -> bool {
        matches!(self, Term::Int(_) | Term::Float(_) | Term::Nil)
    }

    /// Stores `v` in `slot`. The out-of-line drop of the old value is
    /// skipped when it is immediate: register writes are the interpreter's
    /// most frequent operation.
    #[inline(always)]
    pub fn set(slot: &mut Term, v: Term) {
        if slot.is_immediate() {
            std::mem::forget(std::mem::replace(slot, v));
        } else {
            *slot = v;
        }
    }

    /// Truthiness: everything but `nil` and `false`.
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Term::Atom(a) if a.as_str() == "nil" || a.as_str() == "false")
    }

    /// The name of the type as Elixir's protocol errors word it
    /// (`of type Tuple`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Term::Int(_) | Term::BigInt(_) => "Integer",
            Term::Float(_) => "Float",
            Term::Atom(_) => "Atom",
            Term::Nil | Term::Cons(_) => "List",
            Term::Tuple(_) => "Tuple",
            Term::Map(_) => "Map",
            Term::Binary(b) if b.is_binary() => "BitString",
            Term::Binary(_) => "BitString",
            Term::Pid(_) => "PID",
            Term::Ref(_) => "Reference",
            Term::Fun(_) => "Function",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_is_two_words() {
        assert_eq!(std::mem::size_of::<Term>(), 16);
    }

    #[test]
    fn dropping_a_long_list_does_not_recurse() {
        let l = Term::list((0..1_000_000).map(Term::Int));
        drop(l);
    }
}
