//! BEAM's internal term hash (`make_internal_hash/2` in erts `utils.c`, as
//! in OTP 25 on 64-bit machines) and the iteration order it gives maps of
//! more than 32 keys.
//!
//! A map of up to 32 keys is a "flatmap" whose keys stay in term order; a
//! larger one is a HAMT indexed by this hash, four bits per level from the
//! low end, and `:maps.to_list/1` (so `inspect`, `Enum`, `for`) walks it
//! with the highest nibble first. So the order is the keys sorted by the
//! hash with its nibbles reversed, descending.
//!
//! The hash of an immediate is the hash of its tagged machine word. For
//! integers, floats, binaries, lists, tuples and maps of those it is the
//! BEAM's exactly. An atom's word holds its index in the BEAM's atom table,
//! which depends on what was loaded before it; here a stand-in index (a
//! hash of its name) is used, so large maps with atom keys come out in an
//! order of their own. Pids, references and funs are hashed from their
//! fields in the same spirit.
use crate::term::{Cons, Fun, MapTerm, Term};

const HCONST: u32 = 0x9e37_79b9;

const fn hconst(n: u32) -> u32 {
    HCONST.wrapping_mul(n)
}

/// Salt of `make_internal_hash`, "to avoid getting the same hash as phash2".
const INTERNAL_HASH_SALT: u32 = 3_432_918_353;

/// Bob Jenkins' mix, as erts has it: the new `c`.
fn mix(a: u32, b: u32, c: u32) -> u32 {
    mix3(a, b, c).2
}

/// Jenkins' lookup2 over a byte block, erts `block_hash`.
fn block_hash(k: &[u8], initval: u32) -> u32 {
    let word = |b: &[u8]| {
        b.iter().enumerate().fold(0u32, |acc, (i, x)| {
            acc.wrapping_add(u32::from(*x) << (8 * i))
        })
    };
    let (mut a, mut b, mut c) = (HCONST, HCONST, initval);
    let mut chunks = k.chunks_exact(12);
    for ch in &mut chunks {
        a = a.wrapping_add(word(&ch[0..4]));
        b = b.wrapping_add(word(&ch[4..8]));
        c = c.wrapping_add(word(&ch[8..12]));
        (a, b, c) = mix3(a, b, c);
    }
    let rest = chunks.remainder();
    c = c.wrapping_add(k.len() as u32);
    a = a.wrapping_add(word(&rest[..rest.len().min(4)]));
    if rest.len() > 4 {
        b = b.wrapping_add(word(&rest[4..rest.len().min(8)]));
    }
    if rest.len() > 8 {
        // the first byte of c is reserved for the length
        c = c.wrapping_add(word(&rest[8..]) << 8);
    }
    mix(a, b, c)
}

/// Bob Jenkins' mix, all three words out.
fn mix3(mut a: u32, mut b: u32, mut c: u32) -> (u32, u32, u32) {
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 13);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 8);
    c = c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 13);
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 12);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 16);
    c = c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 5);
    a = a.wrapping_sub(b).wrapping_sub(c) ^ (c >> 3);
    b = b.wrapping_sub(c).wrapping_sub(a) ^ (a << 10);
    c = c.wrapping_sub(a).wrapping_sub(b) ^ (b >> 15);
    (a, b, c)
}

/// Smallest and largest BEAM small integers on a 64-bit machine.
const SMALL_MIN: i64 = -(1 << 59);
const SMALL_MAX: i64 = (1 << 59) - 1;

/// What is still to hash: a term, or the marker erts pushes after a list
/// cell whose tail is not a list.
enum Item<'a> {
    Term(&'a Term),
    Cdr,
}

struct Hasher {
    hash: u32,
}

impl Hasher {
    fn u32_2(&mut self, x: u32, y: u32, k: u32) {
        self.hash = mix(k.wrapping_add(x), k.wrapping_add(y), self.hash);
    }

    fn u32_1(&mut self, x: u32, k: u32) {
        self.u32_2(x, 0, k);
    }

    fn word(&mut self, w: u64) {
        self.u32_2(w as u32, (w >> 32) as u32, HCONST);
    }

    fn const_hash(&mut self, k: u32) {
        self.hash ^= k;
        self.hash = self.hash.rotate_left(17);
    }

    fn big_digits(&mut self, negative: bool, digits: &[u64]) {
        let k = if negative { hconst(10) } else { hconst(11) };
        for d in digits {
            self.u32_2(*d as u32, (*d >> 32) as u32, k);
        }
    }

    fn bytes(&mut self, bytes: &[u8], bits: usize) {
        let con = hconst(13).wrapping_add(self.hash);
        let full = bits / 8;
        let rem = bits % 8;
        if bits == 0 {
            self.hash = con;
            return;
        }
        self.hash = block_hash(&bytes[..full], con);
        if rem > 0 {
            let last = bytes.get(full).copied().unwrap_or(0) >> (8 - rem);
            self.u32_2(rem as u32, u32::from(last), hconst(15));
        }
    }
}

/// The tagged word of a small integer.
fn small_word(i: i64) -> u64 {
    ((i << 4) | 0xF) as u64
}

/// A stand-in for an atom's index in the BEAM's atom table.
fn atom_index(name: &str) -> u64 {
    // erts' hashpjw over the name, kept within the atom table's size
    let h = name.bytes().fold(0u32, |h, c| {
        let h = (h << 4).wrapping_add(u32::from(c));
        let g = h & 0xf000_0000;
        if g != 0 {
            (h ^ (g >> 24)) & !g
        } else {
            h
        }
    });
    u64::from(h % 1_048_576)
}

/// `make_map_hash(Key)`: the hash a HAMT map places `key` by.
pub fn map_hash(key: &Term) -> u32 {
    let mut h = Hasher {
        hash: INTERNAL_HASH_SALT,
    };
    let mut stack: Vec<Item<'_>> = vec![Item::Term(key)];
    while let Some(item) = stack.pop() {
        let t = match item {
            Item::Cdr => {
                h.const_hash(hconst(18));
                continue;
            }
            Item::Term(t) => t,
        };
        match t {
            Term::Int(i) if (SMALL_MIN..=SMALL_MAX).contains(i) => h.word(small_word(*i)),
            Term::Int(i) => h.big_digits(*i < 0, &[i.unsigned_abs()]),
            Term::BigInt(b) => {
                let (sign, digits) = b.to_u64_digits();
                h.big_digits(sign == num_bigint::Sign::Minus, &digits);
            }
            Term::Float(f) => {
                let bits = if *f == 0.0 { 0 } else { f.to_bits() };
                h.u32_2(bits as u32, (bits >> 32) as u32, hconst(12));
            }
            Term::Atom(a) => h.word((atom_index(a.as_str()) << 6) | 0xB),
            Term::Nil => h.word(0x3B),
            Term::Cons(cell) => list(&mut h, cell, &mut stack),
            Term::Tuple(items) => {
                h.u32_1(items.len() as u32, hconst(9));
                stack.extend(items.iter().rev().map(Item::Term));
            }
            Term::Map(m) => {
                h.u32_1(m.entries.len() as u32, hconst(16));
                for (k, v) in m.entries.iter().rev() {
                    stack.push(Item::Term(v));
                    stack.push(Item::Term(k));
                }
            }
            Term::Binary(b) => h.bytes(b.raw_bytes(), b.bit_len()),
            Term::Pid(p) => {
                h.word((u64::from(p.serial) << 32 | u64::from(p.id)) << 4 | 0x3);
            }
            Term::Ref(r) => {
                h.u32_1(r.ids[0], hconst(7));
                h.u32_2(r.ids[1], r.ids[2], hconst(8));
            }
            Term::Fun(f) => match &**f {
                Fun::Closure(c) => {
                    h.u32_2(
                        c.env.len() as u32,
                        atom_index(c.module.as_str()) as u32,
                        hconst(20),
                    );
                    h.u32_2(c.index, c.uniq, hconst(21));
                    stack.extend(c.env.iter().rev().map(Item::Term));
                }
                Fun::Export {
                    module,
                    function,
                    arity,
                } => {
                    let id = atom_index(module.as_str()) ^ atom_index(function.as_str()) << 8;
                    h.word(id << 8 | u64::from(*arity));
                }
            },
        }
    }
    h.hash
}

/// A list, erts' way: runs of bytes (small integers 0..=255) are packed
/// four to a word; a cell with any other head has its head hashed, then
/// (after a marker when it is not a list) its tail.
fn list<'a>(h: &mut Hasher, cell: &'a Cons, stack: &mut Vec<Item<'a>>) {
    let (mut c, mut sh) = (0u32, 0u32);
    let mut cur = cell;
    while let Term::Int(b @ 0..=255) = cur.head {
        sh = (sh << 8).wrapping_add(b as u32);
        if c == 3 {
            h.u32_1(sh, hconst(4));
            (c, sh) = (0, 0);
        } else {
            c += 1;
        }
        match &cur.tail {
            Term::Cons(next) => cur = next,
            tail => {
                if c > 0 {
                    h.u32_2(sh, c, hconst(22));
                }
                stack.push(Item::Term(tail));
                return;
            }
        }
    }
    if c > 0 {
        h.u32_2(sh, c, hconst(22));
    }
    h.const_hash(hconst(17));
    stack.push(Item::Term(&cur.tail));
    if !matches!(cur.tail, Term::Cons(_)) {
        stack.push(Item::Cdr);
    }
    stack.push(Item::Term(&cur.head));
}

/// The key HAMT iteration sorts by: the hash with its nibbles reversed.
fn iteration_key(hash: u32) -> u32 {
    let mut r = 0;
    for i in 0..8 {
        r = (r << 4) | ((hash >> (4 * i)) & 0xF);
    }
    r
}

/// Entries of a map in the order the BEAM iterates them: term order up to
/// 32 keys, hash order beyond.
pub fn iteration_order<'a>(
    entries: impl ExactSizeIterator<Item = (&'a Term, &'a Term)>,
) -> Vec<(&'a Term, &'a Term)> {
    let small = entries.len() <= 32;
    let mut v: Vec<(u32, (&'a Term, &'a Term))> = entries
        .map(|e| {
            (
                if small {
                    0
                } else {
                    iteration_key(map_hash(e.0))
                },
                e,
            )
        })
        .collect();
    if !small {
        // stable: equal hashes (collisions) stay in term order
        crate::sort::sort_by(&mut v, |a, b| b.0.cmp(&a.0));
    }
    v.into_iter().map(|(_, e)| e).collect()
}

impl MapTerm {
    /// The entries in the order the BEAM iterates them (`:maps.to_list/1`,
    /// `inspect`, `Enum`).
    pub fn iter(&self) -> impl Iterator<Item = (&Term, &Term)> {
        iteration_order(self.entries.iter()).into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(keys: Vec<Term>) -> Vec<Term> {
        let m: crate::MapEntries = keys.into_iter().map(|k| (k, Term::Nil)).collect();
        iteration_order(m.iter())
            .into_iter()
            .map(|(k, _)| k.clone())
            .collect()
    }

    #[test]
    fn small_integer_keys_iterate_as_in_otp() {
        // Map.keys(Map.new(1..40, &{&1, &1})) on OTP 25
        let want = [
            33, 12, 23, 29, 30, 39, 26, 31, 11, 37, 9, 32, 34, 25, 28, 6, 38, 13, 40, 20, 15, 14,
            2, 7, 1, 8, 3, 17, 22, 21, 4, 36, 24, 10, 35, 27, 19, 5, 18, 16,
        ];
        let got = order((1..=40).map(Term::Int).collect());
        assert_eq!(got, want.map(Term::Int).to_vec());
    }

    #[test]
    fn up_to_32_keys_iterate_in_term_order() {
        let got = order((1..=32).rev().map(Term::Int).collect());
        assert_eq!(got, (1..=32).map(Term::Int).collect::<Vec<_>>());
    }
}
