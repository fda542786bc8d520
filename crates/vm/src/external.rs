//! `:erlang.term_to_binary/1,2`, `:erlang.binary_to_term/1,2` and
//! `:erlang.external_size/1,2`: the external term format the wire speaks
//! (`beamplay_term::etf`, OTP 25's bytes), for a program's own use. They
//! are process natives: a closure is encoded as it leaves the node, with
//! its maker, and decoded into a closure of this node's code.
//!
//! `[:compressed]` is accepted and writes the term uncompressed: OTP's
//! bytes are zlib's deflate output, which no pure-Rust deflate gives byte
//! for byte (OTP itself writes a term uncompressed when compressing does
//! not make it smaller). A compressed term from OTP is read.
use beamplay_term::etf::{DecodeError, EncodeError};
use beamplay_term::Term;

use crate::native::{Argv, NativeOut};
use crate::node::{Natives, Node};
use crate::process::Process;

/// `COMPRESSED` (80): version, 80, uncompressed size, zlib stream.
const COMPRESSED: u8 = 80;

/// Registers `term_to_binary/1,2`, `binary_to_term/1,2` and
/// `external_size/1,2`.
pub fn register(t: &mut Natives) {
    for arity in [1, 2] {
        t.add_process("erlang", "term_to_binary", arity, term_to_binary);
        t.add_process("erlang", "binary_to_term", arity, binary_to_term);
        t.add_process("erlang", "external_size", arity, external_size);
    }
}

fn badarg(n: &mut Node, arg: u8, text: &str) -> NativeOut {
    NativeOut::Raise(n.with_ctx(|c| c.badarg(&[(arg, text)])))
}

/// The options of a list argument, or the text of its error.
fn options(opts: &Term) -> Result<Vec<Term>, &'static str> {
    match opts.to_vec() {
        Some(v) => Ok(v),
        None if opts.is_list() => Err("not a proper list"),
        None => Err("not a list"),
    }
}

/// The minor version an option list asks for: `term_to_binary/2` takes
/// 0 to 2 and the compression options; `external_size/2` (`compressed`
/// false) only 0 and 1. `Err` is the text of the second argument's error.
fn minor_version(opts: &Term, compressed: bool) -> Result<u8, &'static str> {
    let top = if compressed { 2 } else { 1 };
    let mut minor = 1;
    for o in options(opts)? {
        match o.as_tuple() {
            Some([k, Term::Int(v)]) if k.is_atom("minor_version") && (0..=top).contains(v) => {
                minor = *v as u8;
            }
            Some([k, Term::Int(0..=9)]) if compressed && k.is_atom("compressed") => {}
            None if compressed && (o.is_atom("compressed") || o.is_atom("deterministic")) => {}
            _ => return Err("invalid option in list"),
        }
    }
    Ok(minor)
}

fn encode(n: &mut Node, p: &Process, a: Argv<'_>, compressed: bool) -> Result<Vec<u8>, NativeOut> {
    let minor = match a.get(1) {
        Some(opts) => minor_version(opts, compressed).map_err(|e| badarg(n, 2, e))?,
        None => 1,
    };
    n.encode_external(&a[0], p.pid.clone(), minor)
        .map_err(|e| match e {
            // closures nested past the encoder's depth, or one that cannot
            // leave the node: limits of the playground, not OTP's
            EncodeError::TooDeep | EncodeError::Closure => {
                NativeOut::Raise(crate::native::Raise::error(n.atom_term("system_limit")))
            }
        })
}

fn term_to_binary(n: &mut Node, p: &mut Process, a: Argv<'_>) -> NativeOut {
    match encode(n, p, a, true) {
        Ok(bytes) => NativeOut::Value(Term::binary(&bytes)),
        Err(e) => e,
    }
}

fn external_size(n: &mut Node, p: &mut Process, a: Argv<'_>) -> NativeOut {
    match encode(n, p, a, false) {
        Ok(bytes) => NativeOut::Value(Term::Int(bytes.len() as i64)),
        Err(e) => e,
    }
}

fn binary_to_term(n: &mut Node, _p: &mut Process, a: Argv<'_>) -> NativeOut {
    let Some(bytes) = a[0].as_bytes() else {
        return badarg(n, 1, "not a binary");
    };
    let (mut safe, mut used) = (false, false);
    if let Some(opts) = a.get(1) {
        let opts = match options(opts) {
            Ok(v) => v,
            Err(e) => return badarg(n, 2, e),
        };
        for o in &opts {
            match o {
                o if o.is_atom("safe") => safe = true,
                o if o.is_atom("used") => used = true,
                _ => return badarg(n, 2, "invalid option in list"),
            }
        }
    }
    let bad = if safe {
        "invalid or unsafe external representation of a term"
    } else {
        "invalid external representation of a term"
    };
    // what a compressed term will take is reserved first, as natives that
    // build in proportion to an argument do: a bomb past the heap limit
    // allocates nothing. Deflate cannot expand more than 1032 times, so a
    // size past that is a lie, refused as any bad input.
    if let [131, COMPRESSED, a, b, c, d, stream @ ..] = bytes {
        let size = u32::from_be_bytes([*a, *b, *c, *d]) as usize;
        if size > stream.len().saturating_mul(1032) {
            return badarg(n, 1, bad);
        }
        if let Err(e) = n.with_ctx(|c| c.reserve(size / 8 + 1)) {
            return NativeOut::Raise(e);
        }
    }
    let decoded = match bytes {
        [131, COMPRESSED, rest @ ..] => inflate_term(rest)
            .ok_or(DecodeError::BadField)
            .and_then(|plain| n.decode_external(&plain, safe))
            .map(|(t, _)| (t, bytes.len())),
        _ => n.decode_external(bytes, safe),
    };
    match decoded {
        Ok((t, n_used)) if used => NativeOut::Value(Term::tuple(vec![t, Term::Int(n_used as i64)])),
        Ok((t, _)) => NativeOut::Value(t),
        Err(_) => badarg(n, 1, bad),
    }
}

/// The term a `COMPRESSED` body holds, with its version byte: the zlib
/// stream inflated to exactly the size it announces.
fn inflate_term(body: &[u8]) -> Option<Vec<u8>> {
    let (size, stream) = body.split_first_chunk::<4>()?;
    let size = usize::try_from(u32::from_be_bytes(*size)).ok()?;
    let mut out = Vec::with_capacity(size.min(stream.len().saturating_mul(1032)) + 1);
    out.push(131);
    zlib(stream, size, &mut out)?;
    (out.len() == size + 1).then_some(out)
}

/// Inflates a zlib stream (RFC 1950 around RFC 1951) onto `out`, at most
/// `max` bytes, its Adler-32 checked. Bit by bit, checked at every step:
/// the input may be anything.
fn zlib(stream: &[u8], max: usize, out: &mut Vec<u8>) -> Option<()> {
    let (&[cmf, flg], body) = stream.split_first_chunk::<2>()?;
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return None;
    }
    if flg & 0x20 != 0 {
        return None;
    }
    let start = out.len();
    let mut r = BitReader {
        data: body,
        pos: 0,
        bit: 0,
    };
    let limit = start.checked_add(max)?;
    loop {
        let last = r.bits(1)? == 1;
        match r.bits(2)? {
            0 => {
                r.pos += usize::from(r.bit > 0);
                r.bit = 0;
                let len = r.byte_u16()?;
                let nlen = r.byte_u16()?;
                if len != !nlen {
                    return None;
                }
                let end = r.pos.checked_add(usize::from(len))?;
                let chunk = r.data.get(r.pos..end)?;
                if out.len() + chunk.len() > limit {
                    return None;
                }
                out.extend_from_slice(chunk);
                r.pos = end;
            }
            1 => {
                let mut lengths = [0u8; 288 + 30];
                lengths[..144].fill(8);
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                lengths[280..288].fill(8);
                lengths[288..].fill(5);
                let lit = Huffman::new(&lengths[..288])?;
                let dist = Huffman::new(&lengths[288..])?;
                codes(&mut r, &lit, &dist, out, start, limit)?;
            }
            2 => {
                let (lit, dist) = dynamic_tables(&mut r)?;
                codes(&mut r, &lit, &dist, out, start, limit)?;
            }
            _ => return None,
        }
        if last {
            break;
        }
    }
    // the Adler-32 of what came out, after the stream's last whole byte
    let at = r.pos + usize::from(r.bit > 0);
    let want = u32::from_be_bytes(*body.get(at..)?.first_chunk::<4>()?);
    (adler32(out.get(start..)?) == want).then_some(())
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in bytes.chunks(5552) {
        for x in chunk {
            a += u32::from(*x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    b << 16 | a
}

struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
}

impl BitReader<'_> {
    /// `n` bits, least significant first.
    fn bits(&mut self, n: u32) -> Option<u32> {
        let mut v = 0;
        for i in 0..n {
            let byte = *self.data.get(self.pos)?;
            v |= u32::from(byte >> self.bit & 1) << i;
            self.bit += 1;
            if self.bit == 8 {
                self.bit = 0;
                self.pos += 1;
            }
        }
        Some(v)
    }

    fn byte_u16(&mut self) -> Option<u16> {
        let b = self.data.get(self.pos..self.pos + 2)?;
        self.pos += 2;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }
}

/// A canonical Huffman code: how many codes of each length, and the
/// symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    /// From each symbol's code length (0: unused); `None` if the lengths
    /// over-subscribe the code.
    fn new(lengths: &[u8]) -> Option<Huffman> {
        let mut counts = [0u16; 16];
        for l in lengths {
            *counts.get_mut(usize::from(*l))? += 1;
        }
        counts[0] = 0;
        let mut left: i32 = 1;
        for c in &counts[1..] {
            left = left * 2 - i32::from(*c);
            if left < 0 {
                return None;
            }
        }
        let mut offsets = [0u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + counts[len];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (sym, l) in lengths.iter().enumerate() {
            if *l != 0 {
                let slot = &mut offsets[usize::from(*l)];
                *symbols.get_mut(usize::from(*slot))? = sym as u16;
                *slot += 1;
            }
        }
        Some(Huffman { counts, symbols })
    }

    fn decode(&self, r: &mut BitReader<'_>) -> Option<usize> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= r.bits(1)? as i32;
            let count = i32::from(self.counts[len]);
            if code - first < count {
                let i = usize::try_from(index + code - first).ok()?;
                return self.symbols.get(i).map(|s| usize::from(*s));
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        None
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// The literal/length and distance codes of a dynamic block.
fn dynamic_tables(r: &mut BitReader<'_>) -> Option<(Huffman, Huffman)> {
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];
    let nlen = r.bits(5)? as usize + 257;
    let ndist = r.bits(5)? as usize + 1;
    let ncode = r.bits(4)? as usize + 4;
    if nlen > 286 || ndist > 30 {
        return None;
    }
    let mut code_lengths = [0u8; 19];
    for i in ORDER.iter().take(ncode) {
        code_lengths[*i] = r.bits(3)? as u8;
    }
    let lencode = Huffman::new(&code_lengths)?;
    let mut lengths = vec![0u8; nlen + ndist];
    let mut i = 0;
    while i < nlen + ndist {
        let sym = lencode.decode(r)?;
        let (value, repeat) = match sym {
            0..=15 => (sym as u8, 1),
            16 => (*lengths.get(i.checked_sub(1)?)?, 3 + r.bits(2)? as usize),
            17 => (0, 3 + r.bits(3)? as usize),
            18 => (0, 11 + r.bits(7)? as usize),
            _ => return None,
        };
        if i + repeat > nlen + ndist {
            return None;
        }
        lengths[i..i + repeat].fill(value);
        i += repeat;
    }
    // a block must be able to end
    if lengths[256] == 0 {
        return None;
    }
    Some((
        Huffman::new(&lengths[..nlen])?,
        Huffman::new(&lengths[nlen..])?,
    ))
}

/// The codes of one block, onto `out` (whose bytes from `start` on are
/// the stream's output) up to `limit`.
fn codes(
    r: &mut BitReader<'_>,
    lit: &Huffman,
    dist: &Huffman,
    out: &mut Vec<u8>,
    start: usize,
    limit: usize,
) -> Option<()> {
    loop {
        let sym = lit.decode(r)?;
        match sym {
            0..=255 => {
                if out.len() >= limit {
                    return None;
                }
                out.push(sym as u8);
            }
            256 => return Some(()),
            _ => {
                let k = sym - 257;
                let len = usize::from(*LEN_BASE.get(k)?)
                    + r.bits(u32::from(*LEN_EXTRA.get(k)?))? as usize;
                let d = dist.decode(r)?;
                let back = usize::from(*DIST_BASE.get(d)?)
                    + r.bits(u32::from(*DIST_EXTRA.get(d)?))? as usize;
                if back > out.len() - start || out.len() + len > limit {
                    return None;
                }
                for _ in 0..len {
                    let b = out[out.len() - back];
                    out.push(b);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `:erlang.term_to_binary(String.duplicate("a", 100), [:compressed])`
    /// on OTP 25 (a fixed-code block).
    const OTP_FIXED: [u8; 22] = [
        131, 80, 0, 0, 0, 105, 120, 156, 203, 101, 96, 96, 72, 73, 164, 3, 0, 0, 206, 117, 38, 182,
    ];

    #[test]
    fn inflates_what_otp_compressed() {
        let plain = inflate_term(&OTP_FIXED[2..]).expect("inflates");
        let mut want = vec![131, 109, 0, 0, 0, 100];
        want.extend([b'a'; 100]);
        assert_eq!(plain, want);
        // a stored block, as zlib writes for level 0 data
        let data = b"stored!";
        let mut stream = vec![0x78, 0x01, 1, 7, 0, !7u8, 0xff];
        stream.extend_from_slice(data);
        stream.extend_from_slice(&adler32(data).to_be_bytes());
        let mut out = Vec::new();
        assert_eq!(zlib(&stream, 7, &mut out), Some(()));
        assert_eq!(out, data);
        // one byte short of what it announces, or past it: refused
        let mut out = Vec::new();
        assert_eq!(zlib(&stream, 6, &mut out), None);
    }

    #[test]
    fn a_damaged_stream_is_refused_never_a_panic() {
        for cut in 0..OTP_FIXED.len() - 2 {
            assert_eq!(inflate_term(&OTP_FIXED[2..2 + cut]), None, "cut at {cut}");
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for round in 0..20_000 {
            let mut bytes = OTP_FIXED[2..].to_vec();
            for _ in 0..1 + round % 4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let i = (seed % bytes.len() as u64) as usize;
                bytes[i] = (seed >> 32) as u8;
            }
            // whatever comes out is within what the header announces
            if let Some(out) = inflate_term(&bytes) {
                let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                assert_eq!(out.len(), size as usize + 1);
            }
        }
        for len in 0..64 {
            let noise: Vec<u8> = (0..len)
                .map(|i| (i as u8).wrapping_mul(151).wrapping_add(len as u8))
                .collect();
            let _ = inflate_term(&noise);
        }
    }
}
