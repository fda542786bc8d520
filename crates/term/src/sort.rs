//! One stable sort for the whole program.
//!
//! Each element type and comparator handed to `slice::sort_by` builds its
//! own copy of the standard library's sort, about 4 KB of wasm apiece. The
//! sorts here are rare and short beside what they sort by (terms, times,
//! sequence numbers), so they all go through one copy that sorts indices,
//! which keeps the browser app within its size budget (issue 5).

use std::cmp::Ordering;

/// The permutation that puts `n` items in order, stably, given how item
/// `a` compares with item `b`.
#[inline(never)]
fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    // the one copy of std's sort in the program (clippy.toml sends every
    // other sort here)
    #[allow(clippy::disallowed_methods)]
    idx.sort_by(|a, b| cmp(*a, *b));
    idx
}

/// `v.sort_by(cmp)`: stable, through the one shared sort.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let idx = order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(idx.into_iter().filter_map(|i| slots[i].take()));
}

#[cfg(test)]
mod tests {
    use super::sort_by;

    #[test]
    fn sorts_stably() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by(&mut v, |x, y| x.0.cmp(&y.0));
        assert_eq!(v, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut empty: Vec<u8> = Vec::new();
        sort_by(&mut empty, u8::cmp);
        assert!(empty.is_empty());
        let mut rev: Vec<u32> = (0..100).rev().collect();
        sort_by(&mut rev, u32::cmp);
        assert_eq!(rev, (0..100).collect::<Vec<_>>());
    }
}
