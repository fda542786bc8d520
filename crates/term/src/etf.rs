//! The Erlang external term format (`:erlang.term_to_binary/1`), as OTP 25
//! writes it, and a decoder that reads what any OTP writes.
//!
//! Between nodes only encoded terms travel (DESIGN.md invariant 3), so the
//! decoder is the door a peer's bytes come through: it never panics, checks
//! every length against the bytes left before allocating, bounds nesting,
//! and interns atoms through the node's table, so atom-table abuse ends in
//! an error rather than a full table.
//!
//! A closure travels as `NEW_FUN_EXT`: its module, index, uniq and
//! captured values. What those name is the distribution layer's business,
//! through [`Closures`]: [`encode`] and [`decode`] know no closures
//! ([`EncodeError::Closure`], [`DecodeError::BadTag`]).
use crate::float::c_exp20;
use std::rc::Rc;

use num_bigint::{BigInt, Sign};

use crate::atom::AtomTable;
use crate::binary::Bitstring;
use crate::term::{Closure, Fun, MapEntries, PidData, RefData, Term};
use crate::{int_from_bigint, Atom};

const VERSION: u8 = 131;
const FLOAT_EXT: u8 = 99;
const NEW_FLOAT_EXT: u8 = 70;
const BIT_BINARY_EXT: u8 = 77;
const NEW_PID_EXT: u8 = 88;
const NEWER_REFERENCE_EXT: u8 = 90;
const SMALL_INTEGER_EXT: u8 = 97;
const INTEGER_EXT: u8 = 98;
const ATOM_EXT: u8 = 100;
const SMALL_TUPLE_EXT: u8 = 104;
const LARGE_TUPLE_EXT: u8 = 105;
const NIL_EXT: u8 = 106;
const STRING_EXT: u8 = 107;
const LIST_EXT: u8 = 108;
const BINARY_EXT: u8 = 109;
const SMALL_BIG_EXT: u8 = 110;
const LARGE_BIG_EXT: u8 = 111;
const NEW_FUN_EXT: u8 = 112;
const EXPORT_EXT: u8 = 113;
const SMALL_ATOM_EXT: u8 = 115;
const MAP_EXT: u8 = 116;
const ATOM_UTF8_EXT: u8 = 118;
const SMALL_ATOM_UTF8_EXT: u8 = 119;

const PID_EXT: u8 = 103;
const NEW_REFERENCE_EXT: u8 = 114;

/// Deepest nesting of tuples, lists and maps the decoder accepts. The
/// decoder does not recurse, so this bounds only its own stack.
pub const MAX_DEPTH: usize = 100_000;

/// Closures nested in the captured values of closures, at most. The
/// encoder recurses once per level.
pub const MAX_FUN_DEPTH: usize = 200;

/// A closure as `NEW_FUN_EXT` carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunParts {
    pub module: Atom,
    pub arity: u32,
    pub index: u32,
    pub uniq: u32,
    /// The process that made it.
    pub pid: Term,
    /// The captured values (and whatever else the code needs to travel).
    pub free: Vec<Term>,
}

/// How closures travel: the node's side of `NEW_FUN_EXT`.
pub trait Closures {
    /// What to send for `c`, or `None` if it cannot leave the node.
    fn split(&self, c: &Closure) -> Option<FunParts>;
    /// The closure received `parts` stand for, made with the receiving
    /// node's atoms (the decoder holds them).
    fn join(&mut self, parts: FunParts, atoms: &mut AtomTable) -> Result<Term, DecodeError>;
}

/// No closure crosses: the codec of plain data.
pub struct NoClosures;

impl Closures for NoClosures {
    fn split(&self, _c: &Closure) -> Option<FunParts> {
        None
    }

    fn join(&mut self, _parts: FunParts, _atoms: &mut AtomTable) -> Result<Term, DecodeError> {
        Err(DecodeError::BadTag(NEW_FUN_EXT))
    }
}

/// Why bytes are not a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// No version byte 131 at the start.
    BadVersion,
    /// The bytes end inside a term.
    Truncated,
    /// A tag this decoder does not know (or that cannot appear here).
    BadTag(u8),
    /// An atom name that is not valid UTF-8 (or Latin-1 text too long).
    BadAtom,
    /// The node's atom table is full.
    AtomLimit,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A field out of its range (a bit count of 0, a fun arity over 255,
    /// a reference of more than three words).
    BadField,
    /// Bytes left over after the term.
    Trailing,
    /// An atom this node does not know, in a decode that may make none
    /// (`binary_to_term(bytes, [:safe])`).
    Unsafe,
}

/// Why a term cannot be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeError {
    /// A closure that cannot leave its node.
    Closure,
    /// Closures nested deeper than [`MAX_FUN_DEPTH`].
    TooDeep,
}

/// `:erlang.term_to_binary(term)`, for terms without closures.
pub fn encode(t: &Term) -> Result<Vec<u8>, EncodeError> {
    encode_with(t, &NoClosures)
}

/// `:erlang.term_to_binary(term)`, closures split by `closures`.
pub fn encode_with(t: &Term, closures: &dyn Closures) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    append_with(t, &mut out, closures)?;
    Ok(out)
}

/// [`encode_with`] at the end of `out` (a distribution frame holds a
/// control message and its payload one after the other). On an error
/// `out` may hold part of the term.
pub fn append_with(
    t: &Term,
    out: &mut Vec<u8>,
    closures: &dyn Closures,
) -> Result<(), EncodeError> {
    out.push(VERSION);
    encode_into(t, out, closures, 0, 1)
}

/// `:erlang.term_to_binary(term, minor_version: minor)`: 1 is OTP 25's
/// default; 0 writes floats as text (`FLOAT_EXT`), 2 every atom as UTF-8.
pub fn encode_minor_with(
    t: &Term,
    closures: &dyn Closures,
    minor: u8,
) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![VERSION];
    encode_into(t, &mut out, closures, 0, minor)?;
    Ok(out)
}

/// `NEW_FUN_EXT`; its captured values are encoded one level deeper.
fn fun(
    c: &Closure,
    out: &mut Vec<u8>,
    closures: &dyn Closures,
    depth: usize,
    minor: u8,
) -> Result<(), EncodeError> {
    if depth >= MAX_FUN_DEPTH {
        return Err(EncodeError::TooDeep);
    }
    let parts = closures.split(c).ok_or(EncodeError::Closure)?;
    let arity = u8::try_from(parts.arity).map_err(|_| EncodeError::Closure)?;
    out.push(NEW_FUN_EXT);
    let size_at = out.len();
    out.extend_from_slice(&[0; 4]);
    out.push(arity);
    // OTP puts the module's MD5 here; the uniq number leads it
    out.extend_from_slice(&parts.uniq.to_be_bytes());
    out.extend_from_slice(&[0; 12]);
    out.extend_from_slice(&parts.index.to_be_bytes());
    out.extend_from_slice(&(parts.free.len() as u32).to_be_bytes());
    atom(&parts.module, out, minor);
    int(i64::from(parts.index), out);
    int(i64::from(parts.uniq), out);
    encode_into(&parts.pid, out, closures, depth + 1, minor)?;
    for f in &parts.free {
        encode_into(f, out, closures, depth + 1, minor)?;
    }
    // the size counts itself
    let size = (out.len() - size_at) as u32;
    out[size_at..size_at + 4].copy_from_slice(&size.to_be_bytes());
    Ok(())
}

fn encode_into(
    t: &Term,
    out: &mut Vec<u8>,
    closures: &dyn Closures,
    depth: usize,
    minor: u8,
) -> Result<(), EncodeError> {
    // an explicit stack: a long list or deep nesting never recurses (it
    // allocates only for containers)
    let mut stack: Vec<&Term> = Vec::new();
    let mut next = Some(t);
    while let Some(t) = next.take().or_else(|| stack.pop()) {
        match t {
            Term::Int(i) => int(*i, out),
            Term::BigInt(b) => big(b, out),
            Term::Float(f) if minor == 0 => old_float(*f, out),
            Term::Float(f) => {
                out.push(NEW_FLOAT_EXT);
                out.extend_from_slice(&f.to_bits().to_be_bytes());
            }
            Term::Atom(a) => atom(a, out, minor),
            Term::Nil => out.push(NIL_EXT),
            Term::Cons(_) => list(t, out, &mut stack),
            Term::Tuple(items) => {
                match u8::try_from(items.len()) {
                    Ok(n) => out.extend_from_slice(&[SMALL_TUPLE_EXT, n]),
                    Err(_) => {
                        out.push(LARGE_TUPLE_EXT);
                        out.extend_from_slice(&(items.len() as u32).to_be_bytes());
                    }
                }
                stack.extend(items.iter().rev());
            }
            Term::Map(m) => {
                out.push(MAP_EXT);
                out.extend_from_slice(&(m.entries.len() as u32).to_be_bytes());
                let pairs: Vec<(&Term, &Term)> = m.iter().collect();
                for (k, v) in pairs.into_iter().rev() {
                    stack.push(v);
                    stack.push(k);
                }
            }
            Term::Binary(b) => {
                let bytes = b.raw_bytes();
                let rem = b.bit_len() % 8;
                if rem == 0 {
                    out.push(BINARY_EXT);
                    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                } else {
                    out.push(BIT_BINARY_EXT);
                    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                    out.push(rem as u8);
                }
                out.extend_from_slice(bytes);
            }
            Term::Pid(p) => {
                out.push(NEW_PID_EXT);
                atom(&p.node, out, minor);
                out.extend_from_slice(&p.id.to_be_bytes());
                out.extend_from_slice(&p.serial.to_be_bytes());
                out.extend_from_slice(&p.creation.to_be_bytes());
            }
            Term::Ref(r) => {
                out.push(NEWER_REFERENCE_EXT);
                out.extend_from_slice(&(r.ids.len() as u16).to_be_bytes());
                atom(&r.node, out, minor);
                out.extend_from_slice(&r.creation.to_be_bytes());
                for id in r.ids {
                    out.extend_from_slice(&id.to_be_bytes());
                }
            }
            Term::Fun(f) => match &**f {
                Fun::Export {
                    module,
                    function,
                    arity,
                } => {
                    out.push(EXPORT_EXT);
                    atom(module, out, minor);
                    atom(function, out, minor);
                    int(i64::from(*arity), out);
                }
                Fun::Closure(c) => fun(c, out, closures, depth, minor)?,
            },
        }
    }
    Ok(())
}

fn int(i: i64, out: &mut Vec<u8>) {
    if let Ok(b) = u8::try_from(i) {
        out.extend_from_slice(&[SMALL_INTEGER_EXT, b]);
    } else if let Ok(w) = i32::try_from(i) {
        out.push(INTEGER_EXT);
        out.extend_from_slice(&w.to_be_bytes());
    } else {
        big(&BigInt::from(i), out);
    }
}

fn big(b: &BigInt, out: &mut Vec<u8>) {
    let (sign, digits) = b.to_bytes_le();
    match u8::try_from(digits.len()) {
        Ok(n) => out.extend_from_slice(&[SMALL_BIG_EXT, n]),
        Err(_) => {
            out.push(LARGE_BIG_EXT);
            out.extend_from_slice(&(digits.len() as u32).to_be_bytes());
        }
    }
    out.push(u8::from(sign == Sign::Minus));
    out.extend_from_slice(&digits);
}

/// `FLOAT_EXT`: C's `%.20e` of the float in 31 bytes, zero-padded.
fn old_float(f: f64, out: &mut Vec<u8>) {
    let c = c_exp20(f);
    out.push(FLOAT_EXT);
    let mut field = [0u8; 31];
    for (slot, b) in field.iter_mut().zip(c.bytes()) {
        *slot = b;
    }
    out.extend_from_slice(&field);
}

/// OTP 25 writes an atom as Latin-1 (`ATOM_EXT`) when it can, else UTF-8;
/// with minor version 2 always as UTF-8.
fn atom(a: &Atom, out: &mut Vec<u8>, minor: u8) {
    let name = a.as_str();
    if minor < 2 && name.is_ascii() {
        // ASCII is its own Latin-1: the common case, written as it is
        out.push(ATOM_EXT);
        out.extend_from_slice(&(name.len() as u16).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
    } else if minor < 2 && name.chars().all(|c| u32::from(c) < 256) {
        let latin1: Vec<u8> = name.chars().map(|c| c as u8).collect();
        out.push(ATOM_EXT);
        out.extend_from_slice(&(latin1.len() as u16).to_be_bytes());
        out.extend_from_slice(&latin1);
    } else if let Ok(n) = u8::try_from(name.len()) {
        out.extend_from_slice(&[SMALL_ATOM_UTF8_EXT, n]);
        out.extend_from_slice(name.as_bytes());
    } else {
        out.push(ATOM_UTF8_EXT);
        out.extend_from_slice(&(name.len() as u16).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
    }
}

/// A list: `STRING_EXT` for a proper list of bytes shorter than 65,536,
/// else `LIST_EXT` with its elements and tail.
fn list<'a>(t: &'a Term, out: &mut Vec<u8>, stack: &mut Vec<&'a Term>) {
    let mut items: Vec<&'a Term> = Vec::new();
    let mut cur = t;
    while let Term::Cons(c) = cur {
        items.push(&c.head);
        cur = &c.tail;
    }
    let bytes = matches!(cur, Term::Nil)
        && items.len() < 65_536
        && items.iter().all(|x| matches!(x, Term::Int(0..=255)));
    if bytes {
        out.push(STRING_EXT);
        out.extend_from_slice(&(items.len() as u16).to_be_bytes());
        out.extend(items.iter().map(|x| match x {
            Term::Int(b) => *b as u8,
            _ => 0,
        }));
        return;
    }
    out.push(LIST_EXT);
    out.extend_from_slice(&(items.len() as u32).to_be_bytes());
    stack.push(cur);
    stack.extend(items.into_iter().rev());
}

/// `:erlang.binary_to_term(bytes)` on a node with atom table `atoms`.
pub fn decode(bytes: &[u8], atoms: &mut AtomTable) -> Result<Term, DecodeError> {
    decode_with(bytes, atoms, &mut NoClosures)
}

/// `:erlang.binary_to_term(bytes)`, closures joined by `closures`.
pub fn decode_with(
    bytes: &[u8],
    atoms: &mut AtomTable,
    closures: &mut dyn Closures,
) -> Result<Term, DecodeError> {
    let (t, used) = decode_prefix_with(bytes, atoms, closures)?;
    if used != bytes.len() {
        return Err(DecodeError::Trailing);
    }
    Ok(t)
}

/// The encoded term at the start of `bytes` and how many bytes it took
/// (a distribution frame holds a control term, then maybe a message).
pub fn decode_prefix(bytes: &[u8], atoms: &mut AtomTable) -> Result<(Term, usize), DecodeError> {
    decode_prefix_with(bytes, atoms, &mut NoClosures)
}

/// [`decode_prefix`], closures joined by `closures`.
pub fn decode_prefix_with(
    bytes: &[u8],
    atoms: &mut AtomTable,
    closures: &mut dyn Closures,
) -> Result<(Term, usize), DecodeError> {
    decode_prefix_opts(bytes, atoms, closures, false)
}

/// [`decode_prefix_with`]; `safe` refuses atoms the table does not hold
/// ([`DecodeError::Unsafe`]), as `binary_to_term(bytes, [:safe])` does.
pub fn decode_prefix_opts(
    bytes: &[u8],
    atoms: &mut AtomTable,
    closures: &mut dyn Closures,
    safe: bool,
) -> Result<(Term, usize), DecodeError> {
    let mut r = Reader {
        bytes,
        pos: 0,
        atoms,
        closures,
        safe,
    };
    if r.u8()? != VERSION {
        return Err(DecodeError::BadVersion);
    }
    let t = r.term()?;
    Ok((t, r.pos))
}

struct Reader<'a, 'b> {
    bytes: &'a [u8],
    pos: usize,
    atoms: &'b mut AtomTable,
    closures: &'b mut dyn Closures,
    /// Make no atom.
    safe: bool,
}

/// A container being decoded: what it has so far and how many more
/// terms it wants.
enum Partial {
    Tuple(Vec<Term>, usize),
    /// Elements, then one more term: the tail.
    List(Vec<Term>, usize),
    /// Keys and values alternate in `Vec`; `usize` terms still to come.
    Map(Vec<Term>, usize),
    /// A closure's captured values.
    Fun(Box<FunParts>, usize),
}

impl Partial {
    fn wants(&self) -> usize {
        match self {
            Partial::Tuple(_, n) | Partial::List(_, n) | Partial::Map(_, n) => *n,
            Partial::Fun(_, n) => *n,
        }
    }

    fn push(&mut self, t: Term) {
        match self {
            Partial::Tuple(v, n) | Partial::List(v, n) | Partial::Map(v, n) => {
                v.push(t);
                *n -= 1;
            }
            Partial::Fun(f, n) => {
                f.free.push(t);
                *n -= 1;
            }
        }
    }

    fn finish(
        self,
        closures: &mut dyn Closures,
        atoms: &mut AtomTable,
    ) -> Result<Term, DecodeError> {
        Ok(match self {
            Partial::Fun(f, _) => return closures.join(*f, atoms),
            Partial::Tuple(items, _) => Term::tuple(items),
            Partial::List(mut items, _) => {
                let tail = items.pop().unwrap_or(Term::Nil);
                Term::list_with_tail(items, tail)
            }
            Partial::Map(kvs, _) => {
                let mut m = MapEntries::new();
                let mut it = kvs.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    m.insert(k, v);
                }
                Term::map(m)
            }
        })
    }
}

/// What one tag gave: a whole term, or a container to fill.
enum Read {
    Done(Term),
    Open(Partial),
}

impl<'a> Reader<'a, '_> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Truncated)?;
        let s = self
            .bytes
            .get(self.pos..end)
            .ok_or(DecodeError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(u8::from_be_bytes(self.array()?))
    }

    fn u16(&mut self) -> Result<usize, DecodeError> {
        Ok(usize::from(u16::from_be_bytes(self.array()?)))
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn len32(&mut self) -> Result<usize, DecodeError> {
        usize::try_from(self.u32()?).map_err(|_| DecodeError::Truncated)
    }

    /// A count of things still to read, each at least `min` bytes: more
    /// than the bytes left is an error before anything is allocated.
    fn count(&self, n: usize, min: usize) -> Result<usize, DecodeError> {
        if n.saturating_mul(min) > self.bytes.len() - self.pos {
            return Err(DecodeError::Truncated);
        }
        Ok(n)
    }

    fn atom_body(&mut self, tag: u8) -> Result<Atom, DecodeError> {
        let len = match tag {
            ATOM_EXT | ATOM_UTF8_EXT => self.u16()?,
            SMALL_ATOM_EXT | SMALL_ATOM_UTF8_EXT => usize::from(self.u8()?),
            other => return Err(DecodeError::BadTag(other)),
        };
        let raw = self.take(len)?;
        let latin1 = tag == ATOM_EXT || tag == SMALL_ATOM_EXT;
        // ASCII reads the same in both encodings and needs no copy
        let owned: String;
        let name: &str = if latin1 && !raw.is_ascii() {
            owned = raw.iter().map(|b| char::from(*b)).collect();
            &owned
        } else {
            std::str::from_utf8(raw).map_err(|_| DecodeError::BadAtom)?
        };
        // no more than 255 characters (fewer bytes cannot hold more)
        if name.len() > 255 && name.chars().count() > 255 {
            return Err(DecodeError::BadAtom);
        }
        if self.safe {
            return self.atoms.existing(name).ok_or(DecodeError::Unsafe);
        }
        self.atoms.intern(name).map_err(|_| DecodeError::AtomLimit)
    }

    fn atom(&mut self) -> Result<Atom, DecodeError> {
        let tag = self.u8()?;
        self.atom_body(tag)
    }

    /// One term, its containers filled from an explicit stack: nesting
    /// costs heap, bounded by [`MAX_DEPTH`], never Rust stack.
    fn term(&mut self) -> Result<Term, DecodeError> {
        let mut stack: Vec<Partial> = Vec::new();
        loop {
            let mut t = match self.one()? {
                Read::Done(t) => t,
                Read::Open(p) if p.wants() > 0 => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(DecodeError::TooDeep);
                    }
                    stack.push(p);
                    continue;
                }
                Read::Open(p) => p.finish(self.closures, self.atoms)?,
            };
            // hand the finished term up, closing every container it fills
            loop {
                let Some(mut top) = stack.pop() else {
                    return Ok(t);
                };
                top.push(t);
                if top.wants() > 0 {
                    stack.push(top);
                    break;
                }
                t = top.finish(self.closures, self.atoms)?;
            }
        }
    }

    /// An integer field (`OldIndex`, `OldUniq`).
    fn int_field(&mut self) -> Result<i64, DecodeError> {
        match self.u8()? {
            SMALL_INTEGER_EXT => Ok(i64::from(self.u8()?)),
            INTEGER_EXT => Ok(i64::from(i32::from_be_bytes(self.array()?))),
            _ => Err(DecodeError::BadField),
        }
    }

    /// `NEW_FUN_EXT` up to its captured values, which follow as terms.
    fn fun_head(&mut self) -> Result<Partial, DecodeError> {
        let start = self.pos;
        let size = self.u32()? as usize;
        if size > self.bytes.len() - start {
            return Err(DecodeError::Truncated);
        }
        let arity = u32::from(self.u8()?);
        let md5: [u8; 16] = self.array()?;
        let index = self.u32()?;
        let nfree = self.len32()?;
        let nfree = self.count(nfree, 1)?;
        let module = self.atom()?;
        let _old_index = self.int_field()?;
        let _old_uniq = self.int_field()?;
        let pid = match self.u8()? {
            tag @ (NEW_PID_EXT | PID_EXT) => {
                self.pos -= 1;
                match self.one()? {
                    Read::Done(p) => p,
                    Read::Open(_) => return Err(DecodeError::BadTag(tag)),
                }
            }
            tag => return Err(DecodeError::BadTag(tag)),
        };
        let uniq = u32::from_be_bytes([md5[0], md5[1], md5[2], md5[3]]);
        Ok(Partial::Fun(
            Box::new(FunParts {
                module,
                arity,
                index,
                uniq,
                pid,
                free: Vec::with_capacity(nfree),
            }),
            nfree,
        ))
    }

    /// The term (or the container) at the next tag.
    fn one(&mut self) -> Result<Read, DecodeError> {
        let tag = self.u8()?;
        Ok(Read::Done(match tag {
            SMALL_INTEGER_EXT => Term::Int(i64::from(self.u8()?)),
            INTEGER_EXT => Term::Int(i64::from(i32::from_be_bytes(self.array()?))),
            SMALL_BIG_EXT | LARGE_BIG_EXT => {
                let n = if tag == SMALL_BIG_EXT {
                    usize::from(self.u8()?)
                } else {
                    self.len32()?
                };
                let sign = self.u8()?;
                let n = self.count(n, 1)?;
                let digits = self.take(n)?;
                let sign = if sign == 0 { Sign::Plus } else { Sign::Minus };
                int_from_bigint(BigInt::from_bytes_le(sign, digits))
            }
            NEW_FLOAT_EXT => {
                let f = f64::from_bits(u64::from_be_bytes(self.array()?));
                if !f.is_finite() {
                    return Err(DecodeError::BadField);
                }
                Term::Float(f)
            }
            FLOAT_EXT => {
                let field: [u8; 31] = self.array()?;
                let end = field.iter().position(|b| *b == 0).unwrap_or(31);
                let f = std::str::from_utf8(&field[..end])
                    .ok()
                    .and_then(|t| crate::parse_float(t.trim()))
                    .filter(|f| f.is_finite())
                    .ok_or(DecodeError::BadField)?;
                Term::Float(f)
            }
            ATOM_EXT | SMALL_ATOM_EXT | ATOM_UTF8_EXT | SMALL_ATOM_UTF8_EXT => {
                Term::Atom(self.atom_body(tag)?)
            }
            NIL_EXT => Term::Nil,
            SMALL_TUPLE_EXT | LARGE_TUPLE_EXT => {
                let n = if tag == SMALL_TUPLE_EXT {
                    usize::from(self.u8()?)
                } else {
                    self.len32()?
                };
                let n = self.count(n, 1)?;
                return Ok(Read::Open(Partial::Tuple(Vec::with_capacity(n), n)));
            }
            STRING_EXT => {
                let n = self.u16()?;
                let b = self.take(n)?;
                Term::list(
                    b.iter()
                        .map(|x| Term::Int(i64::from(*x)))
                        .collect::<Vec<_>>(),
                )
            }
            LIST_EXT => {
                let n = self.len32()?;
                // the elements and the tail
                let n = self.count(n, 1)? + 1;
                return Ok(Read::Open(Partial::List(Vec::with_capacity(n), n)));
            }
            MAP_EXT => {
                let n = self.len32()?;
                let n = self.count(n, 2)? * 2;
                return Ok(Read::Open(Partial::Map(Vec::with_capacity(n), n)));
            }
            BINARY_EXT => {
                let n = self.len32()?;
                Term::binary(self.take(n)?)
            }
            BIT_BINARY_EXT => {
                let n = self.len32()?;
                let bits = usize::from(self.u8()?);
                if n == 0 || !(1..=8).contains(&bits) {
                    return Err(DecodeError::BadField);
                }
                let bytes = self.take(n)?.to_vec();
                Term::Binary(Rc::new(Bitstring::from_bits(bytes, (n - 1) * 8 + bits)))
            }
            NEW_PID_EXT | PID_EXT => {
                let node = self.atom()?;
                let id = self.u32()?;
                let serial = self.u32()?;
                let creation = if tag == PID_EXT {
                    u32::from(self.u8()?)
                } else {
                    self.u32()?
                };
                Term::Pid(Rc::new(PidData {
                    node,
                    creation,
                    id,
                    serial,
                }))
            }
            NEWER_REFERENCE_EXT | NEW_REFERENCE_EXT => {
                let n = self.u16()?;
                if !(1..=3).contains(&n) {
                    return Err(DecodeError::BadField);
                }
                let node = self.atom()?;
                let creation = if tag == NEW_REFERENCE_EXT {
                    u32::from(self.u8()?)
                } else {
                    self.u32()?
                };
                let mut ids = [0u32; 3];
                for slot in ids.iter_mut().take(n) {
                    *slot = self.u32()?;
                }
                Term::Ref(Rc::new(RefData {
                    node,
                    creation,
                    ids,
                }))
            }
            NEW_FUN_EXT => return self.fun_head().map(Read::Open),
            EXPORT_EXT => {
                let module = self.atom()?;
                let function = self.atom()?;
                let arity = match self.u8()? {
                    SMALL_INTEGER_EXT => u32::from(self.u8()?),
                    _ => return Err(DecodeError::BadField),
                };
                Term::Fun(Rc::new(Fun::Export {
                    module,
                    function,
                    arity,
                }))
            }
            other => return Err(DecodeError::BadTag(other)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::c_exp20;

    #[test]
    fn percent_20e_as_c_prints_it() {
        assert_eq!(c_exp20(1.5), "1.50000000000000000000e+00");
        assert_eq!(c_exp20(-0.0), "-0.00000000000000000000e+00");
        assert_eq!(c_exp20(0.1), "1.00000000000000005551e-01");
        assert_eq!(c_exp20(5e-324), "4.94065645841246544177e-324");
        assert_eq!(c_exp20(f64::MAX), "1.79769313486231570815e+308");
        // exact ties at the 22nd digit go to the even neighbour, as glibc's
        // printf rounds: 137 / 2^27 = 1.020729541778564453125e-06
        assert_eq!(c_exp20(137.0 / 134_217_728.0), "1.02072954177856445312e-06");
        assert_eq!(c_exp20(3.0 / 1_073_741_824.0), "2.79396772384643554688e-09");
    }
}
