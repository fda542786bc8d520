use rustc_hash::FxHashMap;
use std::fmt;
use std::rc::Rc;

/// An interned atom. Cloning is a reference-count increment; equality is a
/// pointer comparison with a name comparison as fallback, so atoms from two
/// tables (two nodes) still compare as OTP compares them: by text.
#[derive(Clone)]
pub struct Atom(Rc<Box<str>>);

impl Atom {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A fresh, uninterned atom. Only for tables and tests: node code must
    /// intern through its [`AtomTable`] so that the atom limit holds.
    pub fn new_uninterned(name: &str) -> Atom {
        Atom(Rc::new(Box::from(name)))
    }
}

impl PartialEq for Atom {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || **self.0 == **other.0
    }
}
impl Eq for Atom {}

impl PartialOrd for Atom {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Atom {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if Rc::ptr_eq(&self.0, &other.0) {
            std::cmp::Ordering::Equal
        } else {
            self.as_str().as_bytes().cmp(other.as_str().as_bytes())
        }
    }
}

impl std::hash::Hash for Atom {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, ":{}", self.as_str())
    }
}

/// The atom limit was reached (`SystemLimitError` in the VM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomLimitError;

/// Longest atom name in characters, as in OTP.
pub const MAX_ATOM_CHARS: usize = 255;

/// Per-node atom table with an explicit limit.
pub struct AtomTable {
    map: FxHashMap<Box<str>, Atom>,
    limit: usize,
}

impl AtomTable {
    pub fn new(limit: usize) -> AtomTable {
        AtomTable {
            map: FxHashMap::default(),
            limit,
        }
    }

    /// Interns `name`. Fails past the table's limit, or for a name over 255
    /// characters (OTP raises `system_limit` for both).
    pub fn intern(&mut self, name: &str) -> Result<Atom, AtomLimitError> {
        if let Some(a) = self.map.get(name) {
            return Ok(a.clone());
        }
        if self.map.len() >= self.limit || name.chars().count() > MAX_ATOM_CHARS {
            return Err(AtomLimitError);
        }
        let atom = Atom::new_uninterned(name);
        self.map.insert(Box::from(name), atom.clone());
        Ok(atom)
    }

    /// The atom if it already exists (`String.to_existing_atom`).
    pub fn existing(&self, name: &str) -> Option<Atom> {
        self.map.get(name).cloned()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn limit(&self) -> usize {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_shares_and_limits() {
        let mut t = AtomTable::new(2);
        let a = t.intern("ok").unwrap();
        let b = t.intern("ok").unwrap();
        assert!(Rc::ptr_eq(&a.0, &b.0));
        t.intern("error").unwrap();
        assert_eq!(t.intern("third"), Err(AtomLimitError));
        assert!(t.existing("third").is_none());
        assert_eq!(Atom::new_uninterned("ok"), a);
        assert!(t.intern(&"x".repeat(256)).is_err());
    }
}
