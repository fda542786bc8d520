//! Building and matching bitstrings segment by segment.
use beamplay_term::{int_from_bigint, BigInt, Bitstring, Int, Term};
use num_bigint::Sign;

use crate::code::{BinSeg, SegKind};
use crate::native::{Ctx, Raise};

/// Largest binary a single construction may make (bytes).
const MAX_BINARY: usize = 64 * 1024 * 1024;

struct BitWriter {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    fn push_bits(&mut self, value: &BigInt, nbits: usize, little: bool) {
        // two's complement, big-endian bit order
        let modulus = BigInt::from(1) << nbits;
        let mut v = value % &modulus;
        if v.sign() == Sign::Minus {
            v += &modulus;
        }
        let (_, mut be) = v.to_bytes_be();
        let nbytes = nbits.div_ceil(8);
        while be.len() < nbytes {
            be.insert(0, 0);
        }
        if little && nbits.is_multiple_of(8) {
            be.reverse();
            for b in be {
                self.push_byte_bits(b, 8);
            }
            return;
        }
        // the value's low nbits, most significant first
        let total = be.len() * 8;
        for i in (total - nbits)..total {
            let bit = be[i / 8] & (0x80 >> (i % 8)) != 0;
            self.push_bit(bit);
        }
    }

    fn push_bit(&mut self, bit: bool) {
        if self.bits.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if bit {
            let last = self.bytes.len() - 1;
            self.bytes[last] |= 0x80 >> (self.bits % 8);
        }
        self.bits += 1;
    }

    fn push_byte_bits(&mut self, byte: u8, n: usize) {
        if self.bits.is_multiple_of(8) && n == 8 {
            self.bytes.push(byte);
            self.bits += 8;
            return;
        }
        for i in 0..n {
            self.push_bit(byte & (0x80 >> i) != 0);
        }
    }

    fn push_bitstring(&mut self, b: &Bitstring, nbits: usize) {
        let raw = b.raw_bytes();
        if self.bits.is_multiple_of(8) && nbits.is_multiple_of(8) {
            self.bytes.extend_from_slice(&raw[..nbits / 8]);
            self.bits += nbits;
            return;
        }
        for i in 0..nbits {
            self.push_bit(b.bit(i));
        }
    }
}

fn size_of(sizes: &[Option<Term>], i: usize) -> Result<Option<usize>, ()> {
    match sizes.get(i).and_then(|s| s.as_ref()) {
        None => Ok(None),
        Some(Term::Int(n)) if *n >= 0 => usize::try_from(*n).map(Some).map_err(|_| ()),
        Some(_) => Err(()),
    }
}

pub fn build_binary(
    c: &mut Ctx<'_>,
    segs: &[BinSeg],
    vals: &[Term],
    sizes: &[Option<Term>],
) -> Result<Term, Raise> {
    let mut w = BitWriter {
        bytes: Vec::new(),
        bits: 0,
    };
    let badarg = c.badarg_plain();
    for (i, seg) in segs.iter().enumerate() {
        let v = &vals[i];
        let bad = || badarg.clone();
        let size = size_of(sizes, i).map_err(|_| bad())?;
        match seg.kind {
            SegKind::Integer => {
                let n = size.unwrap_or(8);
                if n > MAX_BINARY * 8 {
                    return Err(bad());
                }
                let Some(x) = Int::of(v) else {
                    return Err(bad());
                };
                w.push_bits(&x.to_big(), n, seg.little);
            }
            SegKind::Float => {
                let n = size.unwrap_or(64);
                let f = match v {
                    Term::Float(f) => *f,
                    other => crate::ops::to_f64(other).ok_or_else(bad)?,
                };
                let bits = match n {
                    64 => BigInt::from(f.to_bits()),
                    32 => BigInt::from((f as f32).to_bits()),
                    _ => return Err(bad()),
                };
                w.push_bits(&bits, n, seg.little);
            }
            SegKind::Binary | SegKind::Bits => {
                let Term::Binary(b) = v else {
                    return Err(bad());
                };
                if seg.kind == SegKind::Binary && !b.is_binary() {
                    return Err(bad());
                }
                let nbits = match size {
                    Some(n) if seg.kind == SegKind::Binary => n * 8,
                    Some(n) => n,
                    None => b.bit_len(),
                };
                if nbits > b.bit_len() {
                    return Err(bad());
                }
                w.push_bitstring(b, nbits);
            }
            SegKind::Utf8 => {
                let c = match v {
                    Term::Int(c) => u32::try_from(*c).ok().and_then(char::from_u32),
                    _ => None,
                };
                let Some(c) = c else { return Err(bad()) };
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    w.push_byte_bits(b, 8);
                }
            }
        }
        if w.bytes.len() > MAX_BINARY {
            return Err(Raise::error(c.known("system_limit")));
        }
    }
    Ok(Term::Binary(std::rc::Rc::new(Bitstring::from_bits(
        w.bytes, w.bits,
    ))))
}

fn read_bits(b: &Bitstring, from: usize, n: usize) -> BigInt {
    let mut v = BigInt::from(0);
    for i in 0..n {
        v = (v << 1) + u8::from(b.bit(from + i));
    }
    v
}

fn sub_bits(b: &Bitstring, from: usize, n: usize) -> Bitstring {
    if from.is_multiple_of(8) && n.is_multiple_of(8) {
        if let Some(s) = b.sub(from / 8, n / 8) {
            return s;
        }
    }
    let mut w = BitWriter {
        bytes: Vec::new(),
        bits: 0,
    };
    for i in 0..n {
        w.push_bit(b.bit(from + i));
    }
    Bitstring::from_bits(w.bytes, w.bits)
}

/// Matches `subject` against `segs`; the values in segment order, or
/// `None` when it does not match. A segment without size of kind binary or
/// bits takes the rest and must be last.
pub fn match_binary(subject: &Term, segs: &[BinSeg], sizes: &[Option<Term>]) -> Option<Vec<Term>> {
    let Term::Binary(b) = subject else {
        return None;
    };
    let total = b.bit_len();
    let mut pos = 0usize;
    let mut out = Vec::with_capacity(segs.len());
    for (i, seg) in segs.iter().enumerate() {
        let size = size_of(sizes, i).ok()?;
        match seg.kind {
            SegKind::Integer => {
                let n = size.unwrap_or(8);
                if pos + n > total {
                    return None;
                }
                let mut v = if seg.little && n % 8 == 0 {
                    let mut bytes: Vec<u8> = (0..n / 8)
                        .map(|k| read_bits(b, pos + k * 8, 8).try_into().unwrap_or(0u8))
                        .collect();
                    bytes.reverse();
                    BigInt::from_bytes_be(Sign::Plus, &bytes)
                } else {
                    read_bits(b, pos, n)
                };
                if seg.signed && n > 0 && v >= (BigInt::from(1) << (n - 1)) {
                    v -= BigInt::from(1) << n;
                }
                out.push(int_from_bigint(v));
                pos += n;
            }
            SegKind::Float => {
                let n = size.unwrap_or(64);
                if pos + n > total || (n != 64 && n != 32) {
                    return None;
                }
                let bits: u64 = read_bits(b, pos, n).try_into().ok()?;
                let f = if n == 64 {
                    f64::from_bits(bits)
                } else {
                    f64::from(f32::from_bits(bits as u32))
                };
                if !f.is_finite() {
                    return None;
                }
                out.push(Term::Float(f));
                pos += n;
            }
            SegKind::Binary | SegKind::Bits => {
                let n = match size {
                    Some(n) if seg.kind == SegKind::Binary => n * 8,
                    Some(n) => n,
                    None => total - pos,
                };
                if pos + n > total || (seg.kind == SegKind::Binary && n % 8 != 0) {
                    return None;
                }
                out.push(Term::Binary(std::rc::Rc::new(sub_bits(b, pos, n))));
                pos += n;
            }
            SegKind::Utf8 => {
                if !pos.is_multiple_of(8) {
                    return None;
                }
                let rest = &b.raw_bytes()[pos / 8..];
                let len = match rest.first()? {
                    0x00..=0x7f => 1,
                    0xc0..=0xdf => 2,
                    0xe0..=0xef => 3,
                    0xf0..=0xf7 => 4,
                    _ => return None,
                };
                if (pos / 8 + len) * 8 > total {
                    return None;
                }
                let s = std::str::from_utf8(rest.get(..len)?).ok()?;
                let c = s.chars().next()?;
                out.push(Term::Int(c as i64));
                pos += len * 8;
            }
        }
    }
    (pos == total).then_some(out)
}
