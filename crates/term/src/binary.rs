use std::fmt;
use std::rc::Rc;

/// A bitstring: a window onto shared bytes, so that matching
/// `<<_, rest::binary>>` shares rather than copies. `bit_len` may end inside
/// the last byte (a bitstring that is not a binary).
#[derive(Clone)]
pub struct Bitstring {
    buf: Rc<[u8]>,
    start: usize,
    bit_len: usize,
}

impl Bitstring {
    pub fn from_bytes(bytes: &[u8]) -> Bitstring {
        crate::meter::charge(crate::meter::binary_words(bytes.len()));
        Bitstring {
            buf: Rc::from(bytes),
            start: 0,
            bit_len: bytes.len() * 8,
        }
    }

    pub fn from_vec(bytes: Vec<u8>) -> Bitstring {
        crate::meter::charge(crate::meter::binary_words(bytes.len()));
        let bit_len = bytes.len() * 8;
        Bitstring {
            buf: Rc::from(bytes),
            start: 0,
            bit_len,
        }
    }

    /// `bytes` holds `bit_len` bits, the last partial byte's bits at the top.
    pub fn from_bits(mut bytes: Vec<u8>, bit_len: usize) -> Bitstring {
        bytes.truncate(bit_len.div_ceil(8));
        crate::meter::charge(crate::meter::binary_words(bytes.len()));
        let rem = bit_len % 8;
        if rem != 0 {
            if let Some(last) = bytes.last_mut() {
                *last &= 0xffu8 << (8 - rem);
            }
        }
        Bitstring {
            buf: Rc::from(bytes),
            start: 0,
            bit_len,
        }
    }

    /// A byte-aligned window `[from, from + len)` of this (byte-aligned) binary.
    pub fn sub(&self, from: usize, len: usize) -> Option<Bitstring> {
        let bytes = self.as_bytes()?;
        bytes.get(from..from + len)?;
        Some(Bitstring {
            buf: self.buf.clone(),
            start: self.start + from,
            bit_len: len * 8,
        })
    }

    pub fn bit_len(&self) -> usize {
        self.bit_len
    }

    pub fn byte_len(&self) -> usize {
        self.bit_len.div_ceil(8)
    }

    pub fn is_binary(&self) -> bool {
        self.bit_len.is_multiple_of(8)
    }

    /// All bytes, the last one partial when this is not a binary.
    pub fn raw_bytes(&self) -> &[u8] {
        &self.buf[self.start..self.start + self.byte_len()]
    }

    /// The bytes when this is a binary.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        self.is_binary().then(|| self.raw_bytes())
    }

    /// Bit `i` (0 = most significant bit of the first byte).
    pub fn bit(&self, i: usize) -> bool {
        let byte = self.raw_bytes()[i / 8];
        byte & (0x80 >> (i % 8)) != 0
    }
}

impl PartialEq for Bitstring {
    fn eq(&self, other: &Self) -> bool {
        self.bit_len == other.bit_len && self.raw_bytes() == other.raw_bytes()
    }
}
impl Eq for Bitstring {}

impl fmt::Debug for Bitstring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_bytes().map(std::str::from_utf8) {
            Some(Ok(s)) => write!(f, "{s:?}"),
            _ => write!(f, "<<{:?}/{} bits>>", self.raw_bytes(), self.bit_len),
        }
    }
}
